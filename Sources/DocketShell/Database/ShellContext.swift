import Docket

/// The shell's session state around the interpreter: the client, the current database (`db`), where output goes,
/// the cursor `it` continues, and the shell's options.
final class ShellContext {
    let client: DocketClient
    unowned let interpreter: Interpreter
    private(set) var database: DatabaseHost
    let write: (String) -> Void
    var colors: Bool
    var isInteractive: Bool
    /// The cursor the last REPL result printed a batch of (`it` continues it).
    var lastCursor: CursorHost?
    /// The directory `load()` resolves relative paths against.
    var baseDirectory: String

    init(
        client: DocketClient, interpreter: Interpreter, databaseName: String, write: @escaping (String) -> Void,
        colors: Bool, isInteractive: Bool, baseDirectory: String
    ) {
        self.client = client
        self.interpreter = interpreter
        self.write = write
        self.colors = colors
        self.isInteractive = isInteractive
        self.baseDirectory = baseDirectory
        database = DatabaseHost(client.database(databaseName))
    }

    /// Makes a database current (`use name`, `db = db.getSiblingDB(name)`).
    func use(_ name: String) throws(ShellError) -> String {
        try DatabaseHost.validate(name)
        if name == database.name { return "already on db \(name)" }
        database = DatabaseHost(client.database(name))
        interpreter.setGlobal("db", .host(.database(database)))
        return "switched to db \(name)"
    }

    /// Called when a script assigns to `db`.
    func useDatabase(_ value: JSValue) {
        if case .host(.database(let host)) = value { database = host }
    }

    /// The database host for a name (`db.getSiblingDB`).
    func databaseHost(_ name: String) throws(ShellError) -> DatabaseHost {
        try DatabaseHost.validate(name)
        return name == database.name ? database : DatabaseHost(client.database(name))
    }

    /// Writes a line to the output.
    func print(_ line: String) { write(line + "\n") }
}
