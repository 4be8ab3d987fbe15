import Docket

/// The dispatch of the shell's host objects (`db`, collections, cursors, printable results).
enum HostMethods {
    static func property(_ interpreter: Interpreter, _ host: HostObject, _ name: String) throws(ShellError) -> JSValue {
        switch host {
        case .database(let database):
            if DatabaseHost.methods[name] != nil { return interpreter.boundMethod(.host(host), name) }
            switch name {
            case "toString": return interpreter.boundMethod(.host(host), name)
            case "_name": return .string(database.name)
            default: return .host(.collection(try database.validatedCollection(name)))
            }
        case .collection(let collection):
            if collection.hasMethod(name) { return interpreter.boundMethod(.host(host), name) }
            if collection.explainVerbosity != nil { return .undefined }
            // `db.logs.archive` is the collection `logs.archive`, as in mongosh.
            return .host(.collection(try collection.database.validatedCollection(collection.name + "." + name)))
        case .cursor:
            return CursorHost.methodNames.contains(name) ? interpreter.boundMethod(.host(host), name) : .undefined
        case .result(let result):
            return try interpreter.getProperty(result.value(interpreter), name)
        }
    }

    static func setProperty(_ interpreter: Interpreter, _ host: HostObject, _ name: String, _ value: JSValue)
        throws(ShellError)
    {
        throw ShellError.type("Cannot set property '\(name)' of \(toString(host))")
    }

    static func call(_ interpreter: Interpreter, _ host: HostObject, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        // Each database call is a point where Ctrl-C stops the script (one atomic load): a loop of calls may take
        // far longer than the interpreter's 1024 steps between checks.
        try interpreter.checkpoint()
        switch host {
        case .database(let database):
            if DatabaseHost.methods[name] == nil && name != "toString" {
                // `db.users(…)`: the collection is not a function.
                throw ShellError.type("db.\(name) is not a function")
            }
            return try database.call(interpreter, name, arguments)
        case .collection(let collection):
            guard collection.hasMethod(name) else {
                throw ShellError.type("db.\(collection.name).\(name) is not a function")
            }
            return try collection.call(interpreter, name, arguments)
        case .cursor(let cursor):
            return try cursor.call(interpreter, name, arguments)
        case .result(let result):
            return try interpreter.callMethod(result.value(interpreter), name, arguments)
        }
    }

    static func toString(_ host: HostObject) -> String {
        switch host {
        case .database(let database): database.name
        case .collection(let collection): collection.displayName
        case .cursor: "Cursor"
        case .result(let result): result.plainText
        }
    }

    static func isSame(_ a: HostObject, _ b: HostObject) -> Bool {
        switch (a, b) {
        case (.database(let x), .database(let y)): x === y || x.name == y.name
        case (.collection(let x), .collection(let y)): x === y || x.fullName == y.fullName
        case (.cursor(let x), .cursor(let y)): x === y
        case (.result(let x), .result(let y)): x === y
        default: false
        }
    }

    static func enumerableKeys(_ host: HostObject) -> [String] {
        switch host {
        case .database(let database): database.database.listCollectionNames()
        default: []
        }
    }

    static func printNode(_ interpreter: Interpreter, _ host: HostObject) -> PrintNode {
        switch host {
        case .database(let database): .text(PrintText(database.name))
        case .collection(let collection): .text(PrintText(collection.displayName))
        case .cursor: .text(PrintText("Cursor", .special))
        case .result(let result): .text(PrintText(result.render(colors: false)))
        }
    }

    /// The value `JSON.stringify` writes for a host object, if any.
    static func jsonValue(_ interpreter: Interpreter, _ host: HostObject) -> JSValue? {
        switch host {
        case .result(let result): result.value(interpreter)
        case .database(let database): .string(database.name)
        case .collection(let collection): .string(collection.fullName)
        case .cursor: nil
        }
    }
}

/// A result the shell prints in its own format: help, `show dbs`, `show collections`, a message.
final class ShellResult {
    enum Kind {
        case help(HelpText)
        case databases([(name: String, size: Int)])
        case collections([String])
        case message(String)
    }

    let kind: Kind

    init(_ kind: Kind) { self.kind = kind }
    convenience init(help: HelpText) { self.init(.help(help)) }

    /// The text mongosh prints.
    func render(colors: Bool) -> String {
        func styled(_ text: String, _ style: PrintStyle) -> String {
            colors ? PrintText(text, style).colored : text
        }
        switch kind {
        case .help(let help): return help.render(colors: colors)
        case .databases(let databases):
            let sizes = databases.map { ShellResult.formatBytes($0.size) }
            let nameWidth = databases.map(\.name.count).max() ?? 0
            let sizeWidth = sizes.map(\.count).max() ?? 0
            return zip(databases, sizes).map { database, size in
                styled(database.name, .bold) + String(repeating: " ", count: nameWidth - database.name.count + 2)
                    + String(repeating: " ", count: sizeWidth - size.count) + size
            }.joined(separator: "\n")
        case .collections(let names): return names.map { styled($0, .bold) }.joined(separator: "\n")
        case .message(let text): return text
        }
    }

    var plainText: String { render(colors: false) }

    /// The value for scripts and `--json`: an array of names, the message string.
    func value(_ interpreter: Interpreter) -> JSValue {
        switch kind {
        case .help: return .string(plainText)
        case .databases(let databases):
            return .array(
                JSArray(
                    databases.map { database in
                        .object(
                            JSObject(
                                keys: ["name", "sizeOnDisk", "empty"],
                                values: [
                                    .string(database.name), .number(Double(database.size)), .bool(database.size == 0),
                                ]))
                    }))
        case .collections(let names): return .array(JSArray(names.map { .string($0) }))
        case .message(let text): return .string(text)
        }
    }

    var iterableValue: JSValue? { nil }
    var documentValue: BSONDocument? { nil }

    /// Sizes as mongosh's `show dbs` prints them (numeral.js `0.00 ib`): `0 B`, `512 B`, `8.00 KiB`, `1.50 MiB`.
    static func formatBytes(_ bytes: Int) -> String {
        if bytes <= 1000 { return "\(bytes) B" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return NumberMethods.fixed(value, 2) + " " + units[unit]
    }
}
