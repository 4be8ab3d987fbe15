import Docket

/// `db.<name>`: a collection, with mongosh's collection methods over `DocketCollection`.
final class CollectionHost {
    unowned let database: DatabaseHost
    let name: String
    let collection: DocketCollection
    /// Field names seen in documents this collection returned (Tab completion offers them).
    var seenFields: Set<String> = []
    /// For `db.coll.explain(verbosity)`: the collection as mongosh's `Explainable`, whose `aggregate` explains.
    private(set) var explainVerbosity: ExplainVerbosity?

    init(database: DatabaseHost, name: String) {
        self.database = database
        self.name = name
        collection = database.database.collection(name)
    }

    /// The `Explainable` of `base` (`db.coll.explain(verbosity)`).
    private init(explaining base: CollectionHost, verbosity: ExplainVerbosity) {
        database = base.database
        name = base.name
        collection = base.collection
        explainVerbosity = verbosity
    }

    var fullName: String { "\(database.name).\(name)" }

    /// How the shell shows the object: the namespace, or `Explainable(namespace)`.
    var displayName: String { explainVerbosity == nil ? fullName : "Explainable(\(fullName))" }

    /// The methods of an `Explainable` (`db.coll.explain()`).
    static let explainableMethods: Set<String> = [
        "aggregate", "find", "count", "distinct", "findAndModify", "findOneAndUpdate", "findOneAndReplace",
        "findOneAndDelete", "remove", "update", "deleteOne", "deleteMany", "updateOne", "updateMany",
        "getVerbosity", "setVerbosity", "getCollection", "toString",
    ]

    /// Whether `name` is a method of this object (of a collection, or of an `Explainable`).
    func hasMethod(_ name: String) -> Bool {
        explainVerbosity == nil ? Self.methodNames.contains(name) : Self.explainableMethods.contains(name)
    }

    /// The methods `db.coll.help()` lists, with their descriptions.
    static let methods: [(String, String)] = [
        ("insertOne", "Inserts a document: db.coll.insertOne({ name: 'Ada' })."),
        ("insertMany", "Inserts documents: db.coll.insertMany([{ a: 1 }, { a: 2 }], { ordered: true })."),
        ("find", "Returns a cursor over the matching documents: db.coll.find({ age: { $gt: 30 } }, { name: 1 })."),
        ("findOne", "Returns the first matching document, or null."),
        ("countDocuments", "Counts the matching documents: db.coll.countDocuments({ status: 'active' })."),
        ("estimatedDocumentCount", "Returns the number of documents from the collection's metadata."),
        ("count", "Counts the matching documents (deprecated in MongoDB; use countDocuments)."),
        ("distinct", "Returns the distinct values of a field: db.coll.distinct('country', { status: 'active' })."),
        ("updateOne", "Updates the first matching document: db.coll.updateOne({ _id: 1 }, { $set: { a: 2 } })."),
        ("updateMany", "Updates every matching document (an update document, or a pipeline: [{ $set: … }, …])."),
        ("replaceOne", "Replaces the first matching document."),
        ("deleteOne", "Deletes the first matching document."),
        ("deleteMany", "Deletes every matching document."),
        ("findOneAndUpdate", "Updates a document and returns it (before, or after with { returnDocument: 'after' })."),
        ("findOneAndReplace", "Replaces a document and returns it."),
        ("findOneAndDelete", "Deletes a document and returns it."),
        ("bulkWrite", "Runs insertOne, updateOne, updateMany, replaceOne, deleteOne and deleteMany operations."),
        ("drop", "Drops the collection; returns whether it existed."),
        ("stats", "Returns statistics about the collection: count, size, average document size."),
        ("aggregate", "Runs an aggregation pipeline; returns a cursor: db.coll.aggregate([{ $match: { a: 1 } }])."),
        ("createIndex", "Creates an index (not yet available in Docket)."),
        ("getIndexes", "Lists the indexes (not yet available in Docket)."),
        ("dropIndex", "Drops an index (not yet available in Docket)."),
        ("explain", "Explains a pipeline: db.coll.explain('executionStats').aggregate([...]) (find: with indexes)."),
        ("getName", "Returns the collection's name."),
        ("getFullName", "Returns the collection's namespace: database.collection."),
        ("getDB", "Returns the collection's database."),
        ("help", "Shows this help."),
    ]

    static let methodNames: Set<String> = Set(methods.map(\.0)).union([
        "createIndexes", "dropIndexes", "getIndexKeys", "hideIndex", "unhideIndex", "reIndex", "watch",
        "mapReduce", "validate", "renameCollection", "insert", "remove", "update", "toString",
    ])

    // MARK: Methods

    func call(_ interpreter: Interpreter, _ method: String, _ arguments: [JSValue]) throws(ShellError) -> JSValue {
        let bridge = BSONBridge(interpreter: interpreter)
        func argument(_ i: Int) -> JSValue { interpreter.argument(arguments, i) }
        func options(_ i: Int) -> JSObject? {
            if case .object(let object) = argument(i) { return object }
            return nil
        }
        func filter(_ i: Int) throws(ShellError) -> BSONDocument {
            try bridge.optionalDocument(argument(i), what: "filter") ?? [:]
        }
        if let verbosity = explainVerbosity {
            return try callExplainable(interpreter, method, arguments, verbosity)
        }
        do {
            switch method {
            case "insertOne":
                let document = try bridge.document(argument(0), what: "doc")
                if seenFields.isEmpty { noteFields(document) }
                return WriteResults.insertOne(try collection.insertOne(document), bridge)
            case "insertMany":
                guard case .array(let array) = argument(0) else {
                    throw ShellError(
                        name: "MongoInvalidArgumentError", message: "Argument \"docs\" must be an array of documents")
                }
                var documents: [BSONDocument] = []
                documents.reserveCapacity(array.elements.count)
                for element in array.elements { documents.append(try bridge.document(element, what: "docs")) }
                let ordered = try bool(interpreter, options(1)?["ordered"], default: true)
                return WriteResults.insertMany(try collection.insertMany(documents, ordered: ordered), bridge)
            case "insert":
                if case .array = argument(0) { return try call(interpreter, "insertMany", arguments) }
                return try call(interpreter, "insertOne", arguments)
            case "find":
                let cursor = CursorHost(collection: self, filter: try filter(0))
                if !argument(1).isNullish { cursor.projection = try bridge.document(argument(1), what: "projection") }
                if let options = options(2) { try cursor.apply(options, interpreter) }
                return .host(.cursor(cursor))
            case "findOne":
                var findOptions = FindOptions(limit: 1)
                findOptions.projection = try bridge.optionalDocument(argument(1), what: "projection")
                if let sort = options(2)?["sort"] { findOptions.sort = try bridge.document(sort, what: "sort") }
                if let skip = options(2)?["skip"] { findOptions.skip = try CursorHost.count(interpreter, skip, "skip") }
                guard let document = try collection.findOne(try filter(0), options: findOptions) else { return .null }
                noteFields(document)
                return .object(bridge.object(document))
            case "countDocuments":
                var countOptions = CountOptions()
                if let skip = options(1)?["skip"] {
                    countOptions.skip = try CursorHost.count(interpreter, skip, "skip")
                }
                if let limit = options(1)?["limit"] {
                    countOptions.limit = try CursorHost.count(interpreter, limit, "limit")
                }
                return .number(Double(try collection.countDocuments(try filter(0), options: countOptions)))
            case "count":
                return .number(Double(try collection.countDocuments(try filter(0))))
            case "estimatedDocumentCount":
                return .number(Double(collection.estimatedDocumentCount()))
            case "distinct":
                let key = try interpreter.toString(argument(0))
                return .array(JSArray(try collection.distinct(key, filter: try filter(1)).map(bridge.value)))
            case "updateOne", "updateMany":
                let update = try updateArgument(argument(1), bridge)
                var updateOptions = UpdateOptions()
                if let o = options(2) { try readUpdateOptions(o, &updateOptions, interpreter, bridge) }
                let result: UpdateResult
                switch (update, method == "updateOne") {
                case (.operators(let document), true):
                    result = try collection.updateOne(try filter(0), document, options: updateOptions)
                case (.operators(let document), false):
                    result = try collection.updateMany(try filter(0), document, options: updateOptions)
                case (.pipeline(let stages), true):
                    result = try collection.updateOne(try filter(0), pipeline: stages, options: updateOptions)
                case (.pipeline(let stages), false):
                    result = try collection.updateMany(try filter(0), pipeline: stages, options: updateOptions)
                }
                return WriteResults.update(result, bridge)
            case "replaceOne":
                var replaceOptions = ReplaceOptions()
                replaceOptions.upsert = try bool(interpreter, options(2)?["upsert"], default: false)
                if let sort = options(2)?["sort"] { replaceOptions.sort = try bridge.document(sort, what: "sort") }
                let result = try collection.replaceOne(
                    try filter(0), try bridge.document(argument(1), what: "replacement"), options: replaceOptions)
                return WriteResults.update(result, bridge)
            case "deleteOne", "deleteMany":
                let result =
                    method == "deleteOne"
                    ? try collection.deleteOne(try filter(0)) : try collection.deleteMany(try filter(0))
                return .object(
                    JSObject(
                        keys: ["acknowledged", "deletedCount"],
                        values: [.bool(true), .number(Double(result.deletedCount))]))
            case "remove":
                let justOne = try bool(interpreter, argument(1), default: false)
                return try call(interpreter, justOne ? "deleteOne" : "deleteMany", [argument(0)])
            case "findOneAndUpdate":
                var o = FindOneAndUpdateOptions()
                if let given = options(2) {
                    o.returnDocument = try returnDocument(given, interpreter)
                    o.sort = try bridge.optionalDocument(given["sort"] ?? .undefined, what: "sort")
                    o.projection = try bridge.optionalDocument(given["projection"] ?? .undefined, what: "projection")
                    o.upsert = try bool(interpreter, given["upsert"], default: false)
                    if let filters = given["arrayFilters"] { o.arrayFilters = try documents(filters, bridge) }
                    o.let = try bridge.optionalDocument(given["let"] ?? .undefined, what: "let")
                }
                let document: BSONDocument?
                switch try updateArgument(argument(1), bridge) {
                case .operators(let update):
                    document = try collection.findOneAndUpdate(try filter(0), update, options: o)
                case .pipeline(let stages):
                    document = try collection.findOneAndUpdate(try filter(0), pipeline: stages, options: o)
                }
                return document.map { .object(bridge.object($0)) } ?? .null
            case "findOneAndReplace":
                var o = FindOneAndReplaceOptions()
                if let given = options(2) {
                    o.returnDocument = try returnDocument(given, interpreter)
                    o.sort = try bridge.optionalDocument(given["sort"] ?? .undefined, what: "sort")
                    o.projection = try bridge.optionalDocument(given["projection"] ?? .undefined, what: "projection")
                    o.upsert = try bool(interpreter, given["upsert"], default: false)
                }
                let document = try collection.findOneAndReplace(
                    try filter(0), try bridge.document(argument(1), what: "replacement"), options: o)
                return document.map { .object(bridge.object($0)) } ?? .null
            case "findOneAndDelete":
                var o = FindOneAndDeleteOptions()
                if let given = options(1) {
                    o.sort = try bridge.optionalDocument(given["sort"] ?? .undefined, what: "sort")
                    o.projection = try bridge.optionalDocument(given["projection"] ?? .undefined, what: "projection")
                }
                let document = try collection.findOneAndDelete(try filter(0), options: o)
                return document.map { .object(bridge.object($0)) } ?? .null
            case "bulkWrite":
                let models = try writeModels(argument(0), interpreter, bridge)
                let ordered = try bool(interpreter, options(1)?["ordered"], default: true)
                let variables = try bridge.optionalDocument(options(1)?["let"] ?? .undefined, what: "let")
                return WriteResults.bulk(
                    try collection.bulkWrite(models, ordered: ordered, let: variables), bridge)
            case "drop":
                let existed = database.database.listCollectionNames().contains(name)
                collection.drop()
                return .bool(existed)
            case "stats":
                let (count, size) = try sizes(interpreter)
                return .object(
                    JSObject(
                        keys: ["ns", "count", "size", "avgObjSize", "storageSize", "nindexes", "totalIndexSize", "ok"],
                        values: [
                            .string(fullName), .number(Double(count)), .number(Double(size)),
                            .number(count == 0 ? 0 : (Double(size) / Double(count)).rounded(.down)),
                            .number(Double(size)), .number(1), .number(0), .number(1),
                        ]))
            case "getName": return .string(name)
            case "getFullName", "toString": return .string(fullName)
            case "getDB": return .host(.database(database))
            case "help": return .host(.result(ShellResult(help: Help.collection)))
            case "aggregate":
                let (pipeline, options) = try Self.aggregateArguments(arguments, interpreter)
                if let verbosity = try Self.explainOption(arguments, interpreter) {
                    return .object(
                        bridge.object(try collection.explainAggregate(pipeline, options: options, verbosity: verbosity))
                    )
                }
                return .host(
                    .cursor(
                        CursorHost(collection: self, aggregation: try collection.aggregate(pipeline, options: options)))
                )
            case "mapReduce":
                throw ShellError.notImplemented("db.collection.mapReduce()", comingWith: "aggregation")
            case "createIndex", "createIndexes", "getIndexes", "getIndexKeys", "dropIndex", "dropIndexes", "hideIndex",
                "unhideIndex", "reIndex":
                throw ShellError.notImplemented("db.collection.\(method)()", comingWith: "indexes")
            case "explain":
                let verbosity = try Self.verbosity(argument(0), interpreter)
                return .host(.collection(CollectionHost(explaining: self, verbosity: verbosity)))
            case "watch":
                throw ShellError(
                    name: "MongoServerError", message: "Change streams are not supported by Docket",
                    code: .notImplemented)
            case "update":
                throw ShellError(
                    name: "MongoshDeprecatedError",
                    message: "db.collection.update() is deprecated; use updateOne, updateMany or replaceOne")
            case "validate", "renameCollection":
                throw ShellError(
                    name: "MongoServerError", message: "db.collection.\(method)() is not supported by Docket",
                    code: .notImplemented)
            default:
                throw ShellError.type("db.\(name).\(method) is not a function")
            }
        } catch {
            throw ShellError.wrapping(error)
        }
    }

    /// A method of an `Explainable`: `aggregate` explains the pipeline; the other commands' explains need the
    /// query planner's index support and are not available yet.
    private func callExplainable(
        _ interpreter: Interpreter, _ method: String, _ arguments: [JSValue], _ verbosity: ExplainVerbosity
    ) throws(ShellError) -> JSValue {
        switch method {
        case "aggregate":
            let (pipeline, options) = try Self.aggregateArguments(arguments, interpreter)
            do {
                let explained = try collection.explainAggregate(pipeline, options: options, verbosity: verbosity)
                return .object(BSONBridge(interpreter: interpreter).object(explained))
            } catch {
                throw ShellError.wrapping(error)
            }
        case "getVerbosity": return .string(verbosity.rawValue)
        case "setVerbosity":
            explainVerbosity = try Self.verbosity(interpreter.argument(arguments, 0), interpreter)
            return .undefined
        case "getCollection": return .host(.collection(try database.validatedCollection(name)))
        case "toString": return .string(displayName)
        default:
            throw ShellError.notImplemented("db.collection.explain().\(method)()", comingWith: "indexes")
        }
    }

    /// mongosh's explain verbosity argument (its `validateExplainableVerbosity`): `true` is `allPlansExecution`,
    /// `false` or nothing `queryPlanner`, a string names the verbosity.
    /// - Throws: `MongoshInvalidInputError` for another type; `BadValue` (2), as the server answers, for an unknown
    ///   name.
    static func verbosity(_ value: JSValue, _ interpreter: Interpreter) throws(ShellError) -> ExplainVerbosity {
        switch value {
        case .undefined: return .queryPlanner
        case .bool(let all): return all ? .allPlansExecution : .queryPlanner
        case .string(let name):
            guard let verbosity = ExplainVerbosity(rawValue: name) else {
                throw ShellError(
                    name: "MongoServerError",
                    message: "verbosity string must be one of {'queryPlanner', 'executionStats', 'allPlansExecution'}",
                    code: .badValue)
            }
            return verbosity
        default:
            throw ShellError(name: "MongoshInvalidInputError", message: "verbosity must be a string")
        }
    }

    /// The `explain` option of `aggregate(pipeline, {explain: …})`, as mongosh reads it: present means explain (with
    /// ``verbosity(_:_:)``'s reading: `true` is `allPlansExecution`, `false` `queryPlanner`); `nil` when absent.
    static func explainOption(_ arguments: [JSValue], _ interpreter: Interpreter) throws(ShellError)
        -> ExplainVerbosity?
    {
        guard case .array = interpreter.argument(arguments, 0),
            case .object(let options) = interpreter.argument(arguments, 1), let value = options["explain"]
        else { return nil }
        return try verbosity(value, interpreter)
    }

    func noteFields(_ document: BSONDocument) {
        guard seenFields.count < 500 else { return }
        for key in document.keys { seenFields.insert(key) }
    }

    /// The number of documents and their total BSON size.
    func sizes(_ interpreter: Interpreter) throws(ShellError) -> (count: Int, size: Int) {
        var count = 0
        var size = 0
        do {
            var iterator = try collection.find().makeIterator()
            while let document = try iterator.next() {
                count += 1
                size += (try? document.bsonBytes().count) ?? 0
                if count & 0x3FF == 0 { try interpreter.checkpoint() }
            }
        } catch {
            throw ShellError.wrapping(error)
        }
        return (count, size)
    }

    // MARK: Arguments

    private func bool(_ interpreter: Interpreter, _ value: JSValue?, default: Bool) throws(ShellError) -> Bool {
        guard let value, !value.isUndefined else { return `default` }
        return interpreter.toBoolean(value)
    }

    /// An update argument: an update-operator document, or an array of stages (a pipeline-style update).
    private enum UpdateArgument {
        case operators(BSONDocument)
        case pipeline([BSONDocument])
    }

    private func updateArgument(_ value: JSValue, _ bridge: BSONBridge) throws(ShellError) -> UpdateArgument {
        guard case .array(let array) = value else { return .operators(try bridge.document(value, what: "update")) }
        var stages: [BSONDocument] = []
        for element in array.elements { stages.append(try bridge.document(element, what: "update")) }
        return .pipeline(stages)
    }

    /// `aggregate(pipeline, options)` or mongosh's `aggregate(stage, stage, …)`: the stages and the options
    /// (`allowDiskUse`, `batchSize`, `let`, `comment`, `maxTimeMS`, `hint`).
    static func aggregateArguments(_ arguments: [JSValue], _ interpreter: Interpreter) throws(ShellError)
        -> ([BSONDocument], AggregateOptions)
    {
        let bridge = BSONBridge(interpreter: interpreter)
        var stages: [JSValue]
        var optionsValue: JSValue = .undefined
        if case .array(let array) = interpreter.argument(arguments, 0) {
            stages = array.elements
            optionsValue = interpreter.argument(arguments, 1)
        } else {
            stages = arguments
        }
        var pipeline: [BSONDocument] = []
        for stage in stages {
            guard case .object = stage else {
                throw ShellError(
                    name: "MongoServerError", message: "Each element of the 'pipeline' array must be an object",
                    code: .typeMismatch)
            }
            pipeline.append(try bridge.document(stage, what: "pipeline stage"))
        }
        var options = AggregateOptions()
        if case .object(let given) = optionsValue {
            for key in given.keys {
                let value = given[key]!
                switch key {
                case "allowDiskUse": options.allowDiskUse = interpreter.toBoolean(value)
                case "batchSize": options.batchSize = try CursorHost.count(interpreter, value, "batchSize")
                case "let": options.let = try bridge.document(value, what: "let")
                case "comment": options.comment = try bridge.bson(value)
                case "maxTimeMS": options.maxTimeMS = try CursorHost.count(interpreter, value, "maxTimeMS")
                case "hint": options.hint = try bridge.bson(value)
                case "collation": throw ShellError.notImplemented("The collation option", comingWith: "indexes")
                default: break
                }
            }
        }
        return (pipeline, options)
    }

    private func documents(_ value: JSValue, _ bridge: BSONBridge) throws(ShellError) -> [BSONDocument] {
        guard case .array(let array) = value else {
            throw ShellError(name: "MongoInvalidArgumentError", message: "arrayFilters must be an array of documents")
        }
        var result: [BSONDocument] = []
        for element in array.elements { result.append(try bridge.document(element, what: "arrayFilters")) }
        return result
    }

    private func readUpdateOptions(
        _ o: JSObject, _ options: inout UpdateOptions, _ interpreter: Interpreter,
        _ bridge: BSONBridge
    ) throws(ShellError) {
        options.upsert = try bool(interpreter, o["upsert"], default: false)
        if let filters = o["arrayFilters"] { options.arrayFilters = try documents(filters, bridge) }
        if let sort = o["sort"] { options.sort = try bridge.document(sort, what: "sort") }
        options.let = try bridge.optionalDocument(o["let"] ?? .undefined, what: "let")
    }

    private func returnDocument(_ o: JSObject, _ interpreter: Interpreter) throws(ShellError) -> ReturnDocument {
        if let value = o["returnNewDocument"], interpreter.toBoolean(value) { return .after }
        if case .string(let which)? = o["returnDocument"] {
            switch which {
            case "after": return .after
            case "before": return .before
            default:
                throw ShellError(
                    name: "MongoInvalidArgumentError", message: "returnDocument must be either 'before' or 'after'")
            }
        }
        return .before
    }

    private func writeModels(_ value: JSValue, _ interpreter: Interpreter, _ bridge: BSONBridge) throws(ShellError)
        -> [DocketCollection.WriteModel]
    {
        guard case .array(let array) = value else {
            throw ShellError(name: "MongoInvalidArgumentError", message: "Argument \"operations\" must be an array")
        }
        var models: [DocketCollection.WriteModel] = []
        for element in array.elements {
            guard case .object(let operation) = element, operation.count == 1, let kind = operation.keys.first,
                case .object(let spec) = operation.value(at: 0)
            else {
                throw ShellError(
                    name: "MongoInvalidArgumentError",
                    message: "Invalid BulkWriteOperation: \(try interpreter.toDisplayString(element))")
            }
            func document(_ key: String) throws(ShellError) -> BSONDocument {
                try bridge.document(spec[key] ?? .undefined, what: key)
            }
            var updateOptions = UpdateOptions()
            switch kind {
            case "insertOne":
                models.append(.insertOne(try document("document")))
            case "updateOne", "updateMany":
                try readUpdateOptions(spec, &updateOptions, interpreter, bridge)
                let filter = try document("filter")
                switch (try updateArgument(spec["update"] ?? .undefined, bridge), kind == "updateOne") {
                case (.operators(let update), true):
                    models.append(.updateOne(filter: filter, update: update, options: updateOptions))
                case (.operators(let update), false):
                    models.append(.updateMany(filter: filter, update: update, options: updateOptions))
                case (.pipeline(let stages), true):
                    models.append(.updateOneWithPipeline(filter: filter, pipeline: stages, options: updateOptions))
                case (.pipeline(let stages), false):
                    models.append(.updateManyWithPipeline(filter: filter, pipeline: stages, options: updateOptions))
                }
            case "replaceOne":
                var replaceOptions = ReplaceOptions()
                replaceOptions.upsert = try bool(interpreter, spec["upsert"], default: false)
                models.append(
                    .replaceOne(
                        filter: try document("filter"), replacement: try document("replacement"),
                        options: replaceOptions))
            case "deleteOne":
                models.append(.deleteOne(filter: try document("filter")))
            case "deleteMany":
                models.append(.deleteMany(filter: try document("filter")))
            default:
                throw ShellError(
                    name: "MongoInvalidArgumentError", message: "Invalid BulkWriteOperation: \(kind)")
            }
        }
        return models
    }
}

/// Write results as mongosh prints them.
enum WriteResults {
    static func insertOne(_ result: InsertOneResult, _ bridge: BSONBridge) -> JSValue {
        .object(
            JSObject(keys: ["acknowledged", "insertedId"], values: [.bool(true), bridge.value(result.insertedID)]))
    }

    static func insertMany(_ result: InsertManyResult, _ bridge: BSONBridge) -> JSValue {
        .object(
            JSObject(
                keys: ["acknowledged", "insertedIds"], values: [.bool(true), .object(ids(result.insertedIDs, bridge))]))
    }

    static func update(_ result: UpdateResult, _ bridge: BSONBridge) -> JSValue {
        .object(
            JSObject(
                keys: ["acknowledged", "insertedId", "matchedCount", "modifiedCount", "upsertedCount"],
                values: [
                    .bool(true), result.upsertedID.map(bridge.value) ?? .null, .number(Double(result.matchedCount)),
                    .number(Double(result.modifiedCount)), .number(Double(result.upsertedCount)),
                ]))
    }

    static func bulk(_ result: BulkWriteResult, _ bridge: BSONBridge) -> JSValue {
        .object(
            JSObject(
                keys: [
                    "acknowledged", "insertedCount", "insertedIds", "matchedCount", "modifiedCount", "deletedCount",
                    "upsertedCount", "upsertedIds",
                ],
                values: [
                    .bool(true), .number(Double(result.insertedCount)), .object(ids(result.insertedIDs, bridge)),
                    .number(Double(result.matchedCount)), .number(Double(result.modifiedCount)),
                    .number(Double(result.deletedCount)), .number(Double(result.upsertedCount)),
                    .object(ids(result.upsertedIDs, bridge)),
                ]))
    }

    /// `{ '0': id, '1': id }` in index order.
    static func ids(_ ids: [Int: BSONValue], _ bridge: BSONBridge) -> JSObject {
        let sorted = ids.sorted { $0.key < $1.key }
        return JSObject(keys: sorted.map { String($0.key) }, values: sorted.map { bridge.value($0.value) })
    }
}

/// What mongosh prints after a bulk write error: `Result:` and `Write Errors:`.
enum BulkWriteDetails {
    static func describe(_ failure: BulkWriteFailure) -> [(label: String, value: BSONValue)] {
        let r = failure.result
        func ids(_ map: [Int: BSONValue]) -> BSONValue {
            .document(BSONDocument(map.sorted { $0.key < $1.key }.map { (String($0.key), $0.value) }))
        }
        let result: BSONDocument = [
            "insertedCount": .int32(Int32(clamping: r.insertedCount)),
            "matchedCount": .int32(Int32(clamping: r.matchedCount)),
            "modifiedCount": .int32(Int32(clamping: r.modifiedCount)),
            "deletedCount": .int32(Int32(clamping: r.deletedCount)),
            "upsertedCount": .int32(Int32(clamping: r.upsertedCount)),
            "upsertedIds": ids(r.upsertedIDs), "insertedIds": ids(r.insertedIDs),
        ]
        let errors: [BSONValue] = failure.writeErrors.map { error in
            var document: BSONDocument = [
                "index": .int32(Int32(clamping: error.index)), "code": .int32(Int32(clamping: error.code.code)),
                "errmsg": .string(error.message),
            ]
            if let pattern = error.keyPattern { document["keyPattern"] = .document(pattern) }
            if let value = error.keyValue { document["keyValue"] = .document(value) }
            return .document(document)
        }
        return [("Result", .document(result)), ("Write Errors", .array(errors))]
    }
}
