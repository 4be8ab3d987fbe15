import Docket

/// An error of the shell: a JavaScript exception nobody caught (a syntax error, a `TypeError`, a database error, a
/// value the script threw), an interruption (Ctrl-C), a resource limit, or `exit()`.
///
/// Database errors keep MongoDB's code and code name: `MongoServerError[DuplicateKey]: E11000 duplicate key error …`.
///
/// ```swift
/// do { _ = try shell.evaluate("db.c.insertOne({_id: 1}); db.c.insertOne({_id: 1})") }
/// catch { print(error.name, error.code?.code ?? 0) }   // MongoServerError 11000
/// ```
public struct ShellError: Error, Sendable, CustomStringConvertible {
    /// What ended the evaluation.
    public enum Kind: Sendable, Hashable {
        /// A JavaScript exception (JavaScript can catch it with `try`/`catch`).
        case exception
        /// The evaluation was interrupted (Ctrl-C).
        case interrupted
        /// A resource limit of the evaluation was reached (its step budget).
        case limitExceeded
        /// The script called `exit(code)` or `quit(code)`.
        case exit(Int32)
    }

    /// What ended the evaluation.
    public var kind: Kind
    /// The error's name: `SyntaxError`, `TypeError`, `RangeError`, `ReferenceError`, `MongoServerError`,
    /// `MongoBulkWriteError`, `Error`, or the name of a thrown error object.
    public var name: String
    /// The message.
    public var message: String
    /// MongoDB's code and code name, for database errors (and errors a script threw with a `code`).
    public var code: DocketError.Code?
    /// Where the error happened, when known.
    public var position: SourcePosition?
    /// The script the position refers to (`script.js`, `@(shell eval)`, `@(shell)`).
    public var sourceName: String?
    /// The source lines up to `position` (at most three), for a syntax error's code frame.
    var sourceLines: [(number: Int, text: String)] = []
    /// More information printed after the message (mongosh's "Result:" and "Write Errors:" of a bulk write error).
    var details: [(label: String, value: BSONValue)] = []
    /// Whether the script threw a value that is not an error object (`throw 42`).
    var isThrownValue = false
    /// The key of the value the script threw in `Interpreter.thrownValues`, so `catch` gets the same value back.
    var thrownID: Int?

    init(kind: Kind = .exception, name: String, message: String, code: DocketError.Code? = nil) {
        self.kind = kind
        self.name = name
        self.message = message
        self.code = code
    }

    static func syntax(_ message: String, at position: SourcePosition) -> ShellError {
        var error = ShellError(name: "SyntaxError", message: message)
        error.position = position
        return error
    }

    static func type(_ message: String) -> ShellError { ShellError(name: "TypeError", message: message) }
    static func range(_ message: String) -> ShellError { ShellError(name: "RangeError", message: message) }
    static func reference(_ message: String) -> ShellError { ShellError(name: "ReferenceError", message: message) }

    /// The error of a MongoDB operation.
    init(_ error: DocketError) {
        self.init(name: "MongoServerError", message: error.message, code: error.code)
        if let failure = error.writeFailure, failure.result != BulkWriteResult() || failure.writeErrors.count > 1 {
            name = "MongoBulkWriteError"
            details = BulkWriteDetails.describe(failure)
        }
    }

    /// Any error as a shell error: shell errors as they are, database errors as `MongoServerError`.
    static func wrapping(_ error: any Error) -> ShellError {
        switch error {
        case let error as ShellError: error
        case let error as DocketError: ShellError(error)
        default: ShellError(name: "Error", message: "\(error)")
        }
    }

    /// A feature of MongoDB that Docket does not have yet (`NotImplemented`, code 238).
    static func notImplemented(_ what: String, comingWith issue: String) -> ShellError {
        ShellError(
            name: "MongoServerError",
            message: "\(what) is not yet available in Docket (coming with the \(issue) issue)",
            code: .notImplemented)
    }

    /// The error as one line: `MongoServerError[DuplicateKey]: E11000 …`.
    public var description: String {
        var text = name
        if let code, name.hasPrefix("Mongo") { text += "[\(code.name)]" }
        return text + ": " + message
    }

    /// The `file:line:column` of the error, when known.
    public var location: String? {
        guard let position, position.line > 0 else { return nil }
        return "\(sourceName ?? "@(shell)"):\(position.line):\(position.column)"
    }
}
