import Docket

/// A cursor of `find()`: its options until iteration starts, then the engine's lazy cursor.
final class CursorHost {
    /// The collection a find reads or an aggregation runs on; `nil` for `db.aggregate()`.
    let collection: CollectionHost?
    /// An aggregation's cursor, created when `aggregate()` was called (so its errors surface there, as mongosh's do);
    /// `nil` for a find.
    private let aggregation: DocketCursor?
    var filter: BSONDocument
    var projection: BSONDocument?
    var sort: BSONDocument?
    /// An index name or key pattern; the engine knows `_id_`, `{_id: 1}` and `{$natural: ±1}` until the indexes issue.
    var hint: BSONValue?
    /// The find's `let` variables (the `let` option), read by `$expr` in the filter.
    var variables: BSONDocument?
    var skip = 0
    var limit = 0
    var batchSize: Int?
    /// `cursor.map(fn)` functions, applied in order to each document.
    private var transforms: [JSFunction] = []
    private var iterator: DocketCursor.Iterator?
    private var peeked: BSONDocument?
    private(set) var isClosed = false
    private(set) var returned = 0

    /// The documents the shell prints per batch (`it` prints the next batch).
    static let shellBatchSize = 20

    init(collection: CollectionHost, filter: BSONDocument) {
        self.collection = collection
        self.filter = filter
        aggregation = nil
    }

    /// A cursor over an aggregation's results.
    init(collection: CollectionHost?, aggregation: DocketCursor) {
        self.collection = collection
        self.aggregation = aggregation
        filter = [:]
    }

    var isStarted: Bool { iterator != nil }

    static let methods: [(String, String)] = [
        ("sort", "Orders the documents: .sort({ created_at: -1, _id: 1 })."),
        ("skip", "Skips documents: .skip(20)."),
        ("limit", "Returns at most n documents: .limit(10)."),
        ("project", "Chooses the fields returned: .project({ name: 1, _id: 0 })."),
        ("batchSize", "Sets the batch size (accepted; Docket's cursors have no network batches)."),
        ("toArray", "Returns the remaining documents as an array."),
        ("forEach", "Calls a function with each remaining document."),
        ("map", "Transforms each document with a function; returns the cursor."),
        ("hasNext", "Returns whether another document is available."),
        ("next", "Returns the next document, or null."),
        ("tryNext", "Returns the next document, or null."),
        ("count", "Counts the matching documents (ignoring skip and limit unless count(true))."),
        ("size", "Counts the matching documents after skip and limit."),
        ("itcount", "Counts the remaining documents by iterating them."),
        ("pretty", "Returns the cursor (its documents print indented anyway)."),
        ("explain", "Explains the query (not yet available in Docket)."),
        ("hint", "Forces an index: \"_id_\", { _id: 1 } or { $natural: 1 } (no secondary indexes yet)."),
        ("close", "Closes the cursor."),
        ("isExhausted", "Returns whether the cursor has no more documents."),
        ("isClosed", "Returns whether the cursor is closed."),
        ("help", "Shows this help."),
    ]

    static let methodNames: Set<String> = Set(methods.map(\.0)).union([
        "projection", "comment", "maxTimeMS", "allowDiskUse", "noCursorTimeout", "readPref", "readConcern",
        "collation", "min", "max", "returnKey", "showRecordId", "tailable", "toString",
    ])

    /// Reads `find`'s options document.
    func apply(_ options: JSObject, _ interpreter: Interpreter) throws(ShellError) {
        let bridge = BSONBridge(interpreter: interpreter)
        for key in options.keys {
            let value = options[key]!
            switch key {
            case "sort": sort = try bridge.document(value, what: "sort")
            case "skip": skip = try Self.count(interpreter, value, "skip")
            case "limit": limit = interpreter.clampedInt(try interpreter.toNumber(value))
            case "projection": projection = try bridge.document(value, what: "projection")
            case "batchSize": batchSize = try Self.count(interpreter, value, "batchSize")
            case "hint": hint = try bridge.bson(value)
            case "let": variables = try bridge.optionalDocument(value, what: "let")
            case "collation": throw ShellError.notImplemented("The collation option", comingWith: "indexes")
            default: break
            }
        }
    }

    /// A `skip`, `batchSize` or count `limit`: a non-negative integer below 2^31, else BadValue (2).
    static func count(_ interpreter: Interpreter, _ value: JSValue, _ name: String) throws(ShellError) -> Int {
        let n = try interpreter.toNumber(value)
        guard n.isFinite, n >= 0, n < 2_147_483_648 else {
            throw ShellError(
                name: "MongoServerError", message: "\(name) must be a non-negative integer", code: .badValue)
        }
        return Int(n)
    }

    // MARK: Iteration

    private func start() throws(ShellError) {
        guard iterator == nil else { return }
        if let aggregation {
            iterator = aggregation.makeIterator()
            return
        }
        guard let collection else { return }
        let options = FindOptions(
            projection: projection, sort: sort, skip: skip, limit: limit, batchSize: batchSize, hint: hint,
            let: variables)
        do {
            iterator = try collection.collection.find(filter, options: options).makeIterator()
        } catch {
            throw ShellError(error)
        }
    }

    /// The next document, before `map` functions.
    private func nextDocument(_ interpreter: Interpreter) throws(ShellError) -> BSONDocument? {
        if let document = peeked {
            peeked = nil
            return document
        }
        guard !isClosed else { return nil }
        try start()
        try interpreter.tick()
        let document: BSONDocument?
        do { document = try iterator!.next() } catch { throw ShellError(error) }
        if let document { collection?.noteFields(document) }
        return document
    }

    func hasNext(_ interpreter: Interpreter) throws(ShellError) -> Bool {
        if peeked == nil { peeked = try nextDocument(interpreter) }
        return peeked != nil
    }

    /// The next value (after `map` functions), or `nil` at the end.
    func next(_ interpreter: Interpreter) throws(ShellError) -> JSValue? {
        guard let document = try nextDocument(interpreter) else { return nil }
        returned += 1
        var value = JSValue.object(BSONBridge(interpreter: interpreter).object(document))
        for transform in transforms { value = try interpreter.call(transform, this: .undefined, [value]) }
        return value
    }

    /// Up to `count` values, and whether more remain.
    func batch(_ interpreter: Interpreter, count: Int) throws(ShellError) -> ([JSValue], hasMore: Bool) {
        var values: [JSValue] = []
        while values.count < count, let value = try next(interpreter) { values.append(value) }
        return (values, try hasNext(interpreter))
    }

    // MARK: Methods

    func call(_ interpreter: Interpreter, _ method: String, _ arguments: [JSValue]) throws(ShellError) -> JSValue {
        let bridge = BSONBridge(interpreter: interpreter)
        let first = interpreter.argument(arguments, 0)
        let this = JSValue.host(.cursor(self))
        func modify(_ change: () throws(ShellError) -> Void) throws(ShellError) -> JSValue {
            guard aggregation == nil else {
                throw ShellError.type("cursor.\(method) is not a function on an aggregation cursor")
            }
            guard !isStarted else {
                throw ShellError(name: "MongoCursorInUseError", message: "Cursor is already initialized")
            }
            try change()
            return this
        }
        switch method {
        case "sort": return try modify { () throws(ShellError) in sort = try bridge.document(first, what: "sort") }
        case "skip": return try modify { () throws(ShellError) in skip = try Self.count(interpreter, first, "skip") }
        case "limit":
            return try modify { () throws(ShellError) in
                limit = interpreter.clampedInt(try interpreter.toNumber(first))
            }
        case "project", "projection":
            return try modify { () throws(ShellError) in projection = try bridge.document(first, what: "projection") }
        case "batchSize":
            return try modify { () throws(ShellError) in batchSize = try Self.count(interpreter, first, "batchSize") }
        case "comment", "maxTimeMS", "allowDiskUse", "noCursorTimeout", "readPref", "readConcern", "pretty",
            "showRecordId", "tailable":
            return this
        case "hint":
            return try modify { () throws(ShellError) in hint = try bridge.bson(first) }
        case "collation", "min", "max", "returnKey":
            throw ShellError.notImplemented("cursor.\(method)()", comingWith: "indexes")
        case "explain":
            throw ShellError.notImplemented("cursor.explain()", comingWith: "indexes")
        case "map":
            let function = try interpreter.functionArgument(arguments, 0, "map")
            transforms.append(function)
            return this
        case "toArray":
            var values: [JSValue] = []
            while let value = try next(interpreter) {
                values.append(value)
                try interpreter.checkArrayLength(values.count)
            }
            return .array(JSArray(values))
        case "forEach":
            let function = try interpreter.functionArgument(arguments, 0, "forEach")
            while let value = try next(interpreter) {
                if case .bool(false) = try interpreter.call(function, this: .undefined, [value]) { break }
            }
            return .undefined
        case "hasNext": return .bool(try hasNext(interpreter))
        case "next", "tryNext": return try next(interpreter) ?? .null
        case "itcount":
            var n = 0
            while try next(interpreter) != nil { n += 1 }
            return .number(Double(n))
        case "count", "size":
            guard let collection, aggregation == nil else {
                throw ShellError.type("cursor.\(method) is not a function on an aggregation cursor")
            }
            let applySkipLimit = method == "size" || interpreter.toBoolean(first)
            var options = CountOptions()
            if applySkipLimit {
                options.skip = skip
                options.limit = abs(limit)
            }
            do {
                return .number(Double(try collection.collection.countDocuments(filter, options: options)))
            } catch {
                throw ShellError(error)
            }
        case "close":
            isClosed = true
            peeked = nil
            return .undefined
        case "isClosed": return .bool(isClosed)
        case "isExhausted":
            if isClosed { return .bool(true) }
            return .bool(!(try hasNext(interpreter)))
        case "help": return .host(.result(ShellResult(help: Help.cursor)))
        case "toString": return .string("Cursor")
        default:
            throw ShellError.type("cursor.\(method) is not a function")
        }
    }
}
