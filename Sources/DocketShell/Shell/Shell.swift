import Docket
import Foundation

/// The docket shell: mongosh's language and database surface over a ``DocketClient``, usable without a terminal.
///
/// ```swift
/// let shell = Shell(client: DocketClient()) { print($0, terminator: "") }
/// let value = try shell.evaluate("db.users.insertOne({ name: 'Ada' }); db.users.findOne()")
/// shell.display(value)                     // { _id: ObjectId('…'), name: 'Ada' }
/// try shell.evaluate("db.users.countDocuments()").json(mode: .relaxed)   // "1"
/// ```
///
/// The shell is not thread-safe: use one shell from one thread at a time. ``Options/interrupt`` may be set from any
/// thread (or a signal handler) to stop a running evaluation.
public final class Shell {
    /// How the shell runs.
    public struct Options: Sendable {
        /// The database `db` starts as (mongosh: `test`).
        public var databaseName = "test"
        /// Whether output uses ANSI colours (only on a terminal).
        public var colors = false
        /// Whether the shell runs a REPL for a person (`isInteractive()` in scripts).
        public var isInteractive = false
        /// Memory limits of an evaluation.
        public var limits = ShellLimits()
        /// The most steps (loop iterations and calls) one evaluation may take; `nil` for no limit.
        public var stepLimit: Int?
        /// Set to stop the running evaluation (Ctrl-C).
        public var interrupt = InterruptFlag()
        /// The directory `load()` resolves relative paths against when no script is running.
        public var baseDirectory = FileManager.default.currentDirectoryPath

        /// Creates options.
        public init() {}
    }

    /// The client the shell works on.
    public let client: DocketClient
    let options: Options
    let interpreter: Interpreter
    let context: ShellContext

    /// Creates a shell. `write` receives everything the shell prints (results, `print()` output), in pieces that
    /// end with newlines.
    public init(client: DocketClient, options: Options = Options(), write: @escaping (String) -> Void) {
        self.client = client
        self.options = options
        interpreter = Interpreter(interrupt: options.interrupt, limits: options.limits)
        interpreter.stepLimit = options.stepLimit
        context = ShellContext(
            client: client, interpreter: interpreter, databaseName: options.databaseName, write: write,
            colors: options.colors, isInteractive: options.isInteractive, baseDirectory: options.baseDirectory)
        interpreter.shell = context
        Globals.install(in: interpreter)
        interpreter.setGlobal("db", .host(.database(context.database)))
    }

    /// The name of the current database (the prompt shows it).
    public var databaseName: String { context.database.name }

    // MARK: Evaluation

    /// Evaluates a script and returns the value of its last expression.
    ///
    /// - Parameters:
    ///   - source: JavaScript in the shell's subset.
    ///   - sourceName: The name errors give the script (`script.js`; `@(shell eval)` for `--eval`).
    /// - Throws: ``ShellError`` with the script's name, line and column.
    @discardableResult
    public func evaluate(_ source: String, sourceName: String = "@(shell)") throws(ShellError) -> ShellValue {
        prepare()
        defer { finish() }
        return ShellValue(value: try interpreter.run(source, sourceName: sourceName))
    }

    /// Runs a script file (`docket script.js`, `load()`).
    public func runFile(_ path: String) throws(ShellError) {
        prepare()
        defer { finish() }
        try context.load(path)
    }

    func prepare() {
        interpreter.stack = StackGuard()
        interpreter.steps = 0
        interpreter.callDepth = 0
    }

    func finish() {
        interpreter.thrownValues.removeAll()
    }

    // MARK: Output

    /// Prints a value as the REPL does: nothing for `undefined`, strings as they are, cursors by batches of 20
    /// (`Type "it" for more`), help and `show` results in their formats, other values in mongosh's layout.
    public func display(_ value: ShellValue) {
        if let text = format(value) { context.print(text) }
    }

    /// The text ``display(_:)`` prints, or `nil` for nothing.
    public func format(_ value: ShellValue) -> String? {
        prepare()
        defer { finish() }
        do {
            return try formatResult(value.value)
        } catch {
            return formatError(error)
        }
    }

    func formatResult(_ value: JSValue) throws(ShellError) -> String? {
        switch value {
        case .undefined: return nil
        case .string(let s): return s
        case .host(.cursor(let cursor)):
            context.lastCursor = cursor
            let (documents, hasMore) = try cursor.batch(interpreter, count: CursorHost.shellBatchSize)
            if documents.isEmpty { return nil }
            return batchText(documents, hasMore: hasMore)
        case .host(.result(let result)):
            let text = result.render(colors: options.colors)
            return text.isEmpty ? nil : text
        default:
            return BSONPrinter(.shell(.init(colors: options.colors))).render(
                ValuePrinter(interpreter: interpreter).node(value))
        }
    }

    func batchText(_ documents: [JSValue], hasMore: Bool) -> String {
        var text = BSONPrinter(.shell(.init(colors: options.colors))).render(
            ValuePrinter(interpreter: interpreter).node(.array(JSArray(documents))))
        if hasMore { text += "\nType \"it\" for more" }
        return text
    }

    /// The value as Extended JSON (`--json`): cursors as arrays of all their documents, `nil` for `undefined`.
    public func json(_ value: ShellValue, mode: ExtendedJSONMode) throws(ShellError) -> String? {
        prepare()
        defer { finish() }
        var result = value.value
        switch result {
        case .undefined: return nil
        case .host(.cursor(let cursor)):
            var documents: [JSValue] = []
            while let document = try cursor.next(interpreter) { documents.append(document) }
            result = .array(JSArray(documents))
        case .host(.result(let shellResult)):
            result = shellResult.value(interpreter)
        default: break
        }
        return try BSONBridge(interpreter: interpreter).bson(result).extendedJSONString(mode: mode, pretty: true)
    }

    /// An error as mongosh prints it: `MongoServerError[DuplicateKey]: E11000 …`, a syntax error with the line
    /// and a caret under the column, then a bulk write's `Result:` and `Write Errors:`.
    public func formatError(_ error: ShellError, colors: Bool? = nil) -> String {
        let useColors = colors ?? options.colors
        var header = error.name
        if let code = error.code, error.name.hasPrefix("Mongo") { header += "[\(code.name)]" }
        var text = (useColors ? PrintText(header, .error).colored : header) + ": " + error.message
        if error.isThrownValue { text = "Uncaught " + error.message }
        if error.name == "SyntaxError", let position = error.position, position.line > 0 {
            text += " (\(position.line):\(position.column))"
            if !error.sourceLines.isEmpty {
                // Babel's code frame, as mongosh shows it.
                let width = String(position.line).count
                text += "\n\n"
                for (number, line) in error.sourceLines {
                    let gutter = String(repeating: " ", count: width - String(number).count) + String(number)
                    text += (number == position.line ? "> " : "  ") + gutter + " | " + line + "\n"
                }
                text += "  \(String(repeating: " ", count: width)) | "
                text += String(repeating: " ", count: max(0, Int(position.column) - 1)) + "^\n"
            }
        }
        let printer = BSONPrinter(.shell(.init(colors: useColors)))
        for (label, value) in error.details {
            text += "\n" + (useColors ? PrintText(label, .header).colored : label) + ": "
            text += printer.render(Shell.detailNode(label, value))
        }
        return text
    }
}

extension Shell {
    /// A bulk write error's detail as the Node.js driver prints it: `BulkWriteResult { … }`,
    /// `[ WriteError { err: { … } } ]`.
    static func detailNode(_ label: String, _ value: BSONValue) -> PrintNode {
        switch (label, value) {
        case ("Result", .document(let result)):
            return .object(prefix: "BulkWriteResult", entries: result.map { PrintEntry($0.key, PrintNode($0.value)) })
        case ("Write Errors", .array(let errors)):
            return .array(
                elements: errors.map { .object(prefix: "WriteError", entries: [PrintEntry("err", PrintNode($0))]) })
        default:
            return PrintNode(value)
        }
    }
}

/// A value the shell computed, for ``Shell/display(_:)``, ``Shell/format(_:)`` and ``Shell/json(_:mode:)``.
public struct ShellValue {
    let value: JSValue

    /// Whether the value is `undefined` (the REPL prints nothing).
    public var isUndefined: Bool { value.isUndefined }
}

@available(*, unavailable)
extension ShellValue: Sendable {}

@available(*, unavailable)
extension Shell: Sendable {}
