import Docket

/// `db`: a database of the shell's client.
final class DatabaseHost {
    let database: DocketDatabase
    /// Collection handles by name, so `db.users` in a loop does not make a handle per iteration.
    private var collections: [String: CollectionHost] = [:]

    init(_ database: DocketDatabase) { self.database = database }

    var name: String { database.name }

    func collection(_ name: String) -> CollectionHost {
        if let host = collections[name] { return host }
        let host = CollectionHost(database: self, name: name)
        collections[name] = host
        return host
    }

    /// MongoDB's database name rules (checked by mongosh before any command).
    static func validate(_ name: String) throws(ShellError) {
        if name.isEmpty || name.utf8.count >= 64 || name.utf8.contains(where: { Array("/\\. \"$\0".utf8).contains($0) })
        {
            throw ShellError(
                name: "MongoInvalidArgumentError", message: "Invalid database name: '\(name)'", code: .invalidNamespace)
        }
    }

    /// The names mongosh resolves on `db` itself rather than as collections.
    static let methods: [String: String] = [
        "getName": "Returns the name of the database.",
        "getSiblingDB": "Returns another database of the same client: db.getSiblingDB('name').",
        "getCollection": "Returns a collection, also one whose name is not a valid property: db.getCollection('a-b').",
        "getCollectionNames": "Returns the names of the collections of the database, sorted.",
        "getCollectionInfos": "Returns a document per collection: name, type, options.",
        "createCollection": "Creates an empty collection: db.createCollection('events').",
        "dropDatabase": "Drops the database and all its collections.",
        "stats": "Returns statistics about the database: collections, documents, data size.",
        "runCommand": "Runs a database command (only { ping: 1 } in Docket for now).",
        "adminCommand": "Runs a command against the admin database (only { ping: 1 } in Docket for now).",
        "aggregate": "Runs a pipeline that starts with $documents: db.aggregate([{ $documents: [{ a: 1 }] }]).",
        "version": "Returns the version of Docket.",
        "help": "Shows this help.",
    ]

    func call(_ interpreter: Interpreter, _ name: String, _ arguments: [JSValue]) throws(ShellError) -> JSValue {
        let shell = interpreter.shell!
        let first = interpreter.argument(arguments, 0)
        switch name {
        case "getName", "toString": return .string(self.name)
        case "getSiblingDB":
            return .host(.database(try shell.databaseHost(try interpreter.toString(first))))
        case "getCollection":
            guard case .string(let collectionName) = first else {
                throw ShellError(
                    name: "MongoshInvalidInputError",
                    message: "Collection name must be a string. Received \(interpreter.typeOf(first)).")
            }
            return .host(.collection(try validatedCollection(collectionName)))
        case "getCollectionNames":
            return .array(JSArray(database.listCollectionNames().map { .string($0) }))
        case "getCollectionInfos":
            return .array(
                JSArray(
                    database.listCollectionNames().map { collectionName in
                        .object(
                            JSObject(
                                keys: ["name", "type", "options", "info"],
                                values: [
                                    .string(collectionName), .string("collection"), .object(JSObject()),
                                    .object(JSObject(keys: ["readOnly"], values: [.bool(false)])),
                                ]))
                    }))
        case "createCollection":
            let collectionName = try interpreter.toString(first)
            do {
                try database.createCollection(collectionName)
            } catch {
                throw ShellError(error)
            }
            return .object(JSObject(keys: ["ok"], values: [.number(1)]))
        case "dropDatabase":
            let existed = !database.listCollectionNames().isEmpty
            database.drop()
            collections.removeAll()
            if !existed { return .object(JSObject(keys: ["ok"], values: [.number(1)])) }
            return .object(JSObject(keys: ["ok", "dropped"], values: [.number(1), .string(self.name)]))
        case "stats":
            return .object(try stats(interpreter))
        case "runCommand", "adminCommand":
            return try runCommand(interpreter, first)
        case "aggregate":
            let (pipeline, options) = try CollectionHost.aggregateArguments(arguments, interpreter)
            if try CollectionHost.explainOption(arguments, interpreter) != nil {
                // Explain reads a collection's plan; a `$documents` pipeline has none (never run it silently).
                throw ShellError(
                    name: "MongoServerError", message: "explain of db.aggregate() is not supported by Docket yet",
                    code: .notImplemented)
            }
            do {
                return .host(
                    .cursor(
                        CursorHost(collection: nil, aggregation: try database.aggregate(pipeline, options: options))))
            } catch {
                throw ShellError.wrapping(error)
            }
        case "version":
            return .string(docketVersion)
        case "help":
            return .host(.result(ShellResult(help: Help.database)))
        default:
            throw ShellError.type("db.\(name) is not a function")
        }
    }

    func validatedCollection(_ name: String) throws(ShellError) -> CollectionHost {
        if let host = collections[name] { return host }
        if name.isEmpty || name.utf8.contains(UInt8(ascii: "$")) || name.utf8.contains(0) || name.hasPrefix(".") {
            throw ShellError(
                name: "MongoshInvalidInputError", message: "Invalid collection name: \(name)", code: .invalidNamespace)
        }
        return collection(name)
    }

    private func stats(_ interpreter: Interpreter) throws(ShellError) -> JSObject {
        var objects = 0
        var dataSize = 0
        let names = database.listCollectionNames()
        for name in names {
            let (count, size) = try collection(name).sizes(interpreter)
            objects += count
            dataSize += size
        }
        return JSObject(
            keys: [
                "db", "collections", "views", "objects", "avgObjSize", "dataSize", "storageSize", "indexes",
                "indexSize", "totalSize", "scaleFactor", "ok",
            ],
            values: [
                .string(name), .number(Double(names.count)), .number(0), .number(Double(objects)),
                .number(objects == 0 ? 0 : Double(dataSize) / Double(objects)), .number(Double(dataSize)),
                .number(Double(dataSize)), .number(Double(names.count)), .number(0), .number(Double(dataSize)),
                .number(1), .number(1),
            ])
    }

    private func runCommand(_ interpreter: Interpreter, _ command: JSValue) throws(ShellError) -> JSValue {
        var commandName = ""
        if case .string(let s) = command { commandName = s }
        if case .object(let object) = command, let first = object.keys.first { commandName = first }
        switch commandName {
        case "ping": return .object(JSObject(keys: ["ok"], values: [.number(1)]))
        case "listCollections", "listDatabases", "dbStats", "buildInfo", "hello", "isMaster":
            throw ShellError(
                name: "MongoServerError",
                message: "db.runCommand() runs only { ping: 1 } in Docket; use the shell's helpers for \(commandName)",
                code: .notImplemented)
        default:
            throw ShellError(
                name: "MongoServerError", message: "no such command: '\(commandName)'",
                code: DocketError.Code(59, "CommandNotFound"))
        }
    }
}
