import Docket
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How one `read` of a ``ShellInput`` ended.
public enum ShellInputResult: Sendable, Equatable {
    /// An input (several lines joined with "\n" when a statement continued).
    case line(String)
    /// Ctrl-C: the input was cancelled.
    case interrupted
    /// Ctrl-D or the end of the input.
    case endOfFile
}

/// Where the REPL reads its inputs: a terminal line editor, piped standard input, or a test's script.
public protocol ShellInput {
    /// Shows `prompt` (if the input is a person's), reads lines until `isComplete` accepts the text (showing
    /// `continuationPrompt` before each further line), and returns it.
    mutating func read(prompt: String, continuationPrompt: String, isComplete: (String) -> Bool) -> ShellInputResult
}

/// Plain line reading from a file descriptor (piped standard input): no prompts, no escape codes; a statement whose
/// brackets are still open continues on the next line.
public struct PlainShellInput: ShellInput {
    private let fd: Int32
    private let showsPrompts: Bool
    private let writePrompt: (String) -> Void
    private var buffer: [UInt8] = []
    private var atEnd = false

    /// Reads from a file descriptor (standard input by default). With `showsPrompts` (a terminal without a line
    /// editor), prompts go to `writePrompt`.
    public init(fd: Int32 = 0, showsPrompts: Bool = false, writePrompt: @escaping (String) -> Void = { _ in }) {
        self.fd = fd
        self.showsPrompts = showsPrompts
        self.writePrompt = writePrompt
    }

    private mutating func readLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                var line = buffer[..<newline]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                let text = String(decoding: line, as: UTF8.self)
                buffer.removeSubrange(...newline)
                return text
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            #if canImport(Glibc)
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            #else
                let n = chunk.withUnsafeMutableBytes { Darwin.read(fd, $0.baseAddress, $0.count) }
            #endif
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[..<n])
            }
        }
    }

    public mutating func read(prompt: String, continuationPrompt: String, isComplete: (String) -> Bool)
        -> ShellInputResult
    {
        if showsPrompts { writePrompt(prompt) }
        guard var text = readLine() else { return .endOfFile }
        while !isComplete(text) {
            if showsPrompts { writePrompt(continuationPrompt) }
            guard let more = readLine() else { break }
            text += "\n" + more
        }
        return .line(text)
    }
}

extension Shell {
    // MARK: REPL

    /// The prompt: the current database's name (`test> `).
    public var prompt: String { "\(databaseName)> " }

    /// Runs a read-eval-print loop until the input ends or `exit`; returns the exit code. `afterEach` runs after
    /// each input (to flush buffered output).
    public func runREPL<Input: ShellInput>(_ input: inout Input, afterEach: () -> Void = {}) -> Int32 {
        while true {
            options.interrupt.clear()
            switch input.read(prompt: prompt, continuationPrompt: "... ", isComplete: Shell.isComplete) {
            case .endOfFile:
                return 0
            case .interrupted:
                continue
            case .line(let text):
                let code = handle(text)
                afterEach()
                if let code { return code }
            }
        }
    }

    /// Runs one REPL input and prints its result or error; returns an exit code when the input exits.
    public func handle(_ input: String) -> Int32? {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        options.interrupt.clear()
        do {
            let value: ShellValue
            if let command = try shellCommand(trimmed) {
                value = command
            } else {
                value = try evaluateREPLInput(input)
            }
            display(value)
        } catch {
            if case .exit(let code) = error.kind { return code }
            context.print(formatError(error))
        }
        return nil
    }

    /// mongosh's REPL reads an input that starts with `{` and ends with `}` as an object, not a block.
    private func evaluateREPLInput(_ input: String) throws(ShellError) -> ShellValue {
        let trimmed = input.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") && trimmed.hasSuffix("}"), (try? Parser.parse("(\(trimmed))")) != nil {
            return try evaluate("(\(trimmed))", sourceName: "@(shell)")
        }
        return try evaluate(input, sourceName: "@(shell)")
    }

    /// `use x`, `show dbs`, `it`, `exit`, `quit`, `help`: mongosh's commands, recognised when an input starts with
    /// one of them and its argument does not start with `(`.
    func shellCommand(_ input: String) throws(ShellError) -> ShellValue? {
        var words = input.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        if var last = words.last, last.hasSuffix(";") {
            last.removeLast()
            words[words.count - 1] = last
        }
        guard let command = words.first else { return nil }
        let arguments = Array(words.dropFirst())
        if let first = arguments.first, first.hasPrefix("(") || first.hasPrefix("=") || first.hasPrefix(".") {
            return nil
        }
        prepare()
        defer { finish() }
        switch command {
        case "use":
            guard let name = arguments.first else {
                throw ShellError(name: "MongoshInvalidInputError", message: "Missing required argument: database name")
            }
            return ShellValue(value: .host(.result(ShellResult(.message(try context.use(name))))))
        case "show":
            guard let what = arguments.first else {
                throw ShellError(name: "MongoshInvalidInputError", message: "Missing required argument: what to show")
            }
            return ShellValue(value: .host(.result(try context.show(what))))
        case "it" where arguments.isEmpty:
            return ShellValue(value: try context.iterateLastCursor())
        case "exit", "quit":
            let code = arguments.first.flatMap { Int32($0) } ?? 0
            throw ShellError(kind: .exit(code), name: "exit", message: "exit")
        case "help" where arguments.isEmpty:
            return ShellValue(value: .host(.result(ShellResult(help: Help.shell))))
        case "cls" where arguments.isEmpty:
            context.write("\u{1B}[2J\u{1B}[H")
            return ShellValue(value: .undefined)
        default:
            return nil
        }
    }

    // MARK: Completeness

    /// Whether an input is complete: `false` while brackets, a template literal or a comment are still open (the
    /// REPL then reads another line). An input with a syntax error is complete (the error is reported).
    public static func isComplete(_ source: String) -> Bool {
        let trimmed = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return true }
        if let first = trimmed.split(separator: " ").first,
            ["use", "show", "it", "exit", "quit", "help", "cls"].contains(first),
            !trimmed.dropFirst(first.count).trimmingCharacters(in: .whitespaces).hasPrefix("(")
        {
            return true
        }
        do {
            _ = try Parser.parse(source)
            return true
        } catch {
            return
                !(error.message == "Unexpected end of input" || error.message.hasPrefix("Unterminated template")
                || error.message.hasPrefix("Unterminated comment")
                || error.message.hasPrefix("Unexpected end of input"))
        }
    }
}

extension ShellContext {
    /// `load(path)`: runs a script file; a relative path is relative to the running script's directory, else to the
    /// shell's base directory.
    func load(_ path: String) throws(ShellError) {
        let resolved =
            path.hasPrefix("/")
            ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw ShellError(name: "Error", message: "ENOENT: no such file or directory, open '\(path)'")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw ShellError(name: "Error", message: "\(path) is not UTF-8 text")
        }
        let saved = baseDirectory
        baseDirectory = URL(fileURLWithPath: resolved).deletingLastPathComponent().path
        defer { baseDirectory = saved }
        _ = try interpreter.run(source, sourceName: path)
    }

    /// `show dbs`, `show collections`.
    func show(_ what: String) throws(ShellError) -> ShellResult {
        switch what {
        case "dbs", "databases":
            var databases: [(name: String, size: Int)] = []
            for name in client.listDatabaseNames() {
                let host = name == database.name ? database : DatabaseHost(client.database(name))
                var size = 0
                for collectionName in host.database.listCollectionNames() {
                    size += try host.collection(collectionName).sizes(interpreter).size
                }
                databases.append((name, size))
            }
            return ShellResult(.databases(databases))
        case "collections", "tables":
            return ShellResult(.collections(database.database.listCollectionNames()))
        case "users", "roles", "profile", "log", "logs":
            throw ShellError(
                name: "MongoServerError",
                message: "show \(what) is not supported by Docket (it has no users, "
                    + "roles, profiler or server log)", code: .notImplemented)
        default:
            throw ShellError(
                name: "MongoshInvalidInputError",
                message: "'\(what)' is not a valid argument for \"show\" (try dbs or collections)")
        }
    }

    /// `it`: the next batch of the last cursor the REPL printed.
    func iterateLastCursor() throws(ShellError) -> JSValue {
        guard let cursor = lastCursor else { return .host(.result(ShellResult(.message("no cursor")))) }
        let (documents, hasMore) = try cursor.batch(interpreter, count: CursorHost.shellBatchSize)
        if documents.isEmpty { return .host(.result(ShellResult(.message("no cursor")))) }
        let printer = BSONPrinter(.shell(.init(colors: colors)))
        var text = printer.render(ValuePrinter(interpreter: interpreter).node(.array(JSArray(documents))))
        if hasMore { text += "\nType \"it\" for more" }
        return .host(.result(ShellResult(.message(text))))
    }
}
