import DocketBSON

@testable import Docket

// Runs one unified-format CRUD test against the Docket library: entities, initial data, operations with their
// `expectResult`/`expectError`, and the final `outcome`. Each test gets a fresh `DocketClient` (a fresh server);
// every client entity of the test talks to it.

/// One test of one file, ready to run or to report as skipped.
struct UnifiedCase: Sendable, CustomStringConvertible {
    let fileName: String
    let file: UnifiedTestFile
    let test: UnifiedTest
    /// Why the test does not run, or nil.
    let skipReason: String?

    /// `<file>::<test description>`.
    var name: String { "\(fileName)::\(test.description)" }
    var description: String { name }

    /// Runs the test; returns its problems (empty when it passes).
    func run() -> [String] {
        var run = UnifiedTestRun(file: file)
        do {
            try run.createEntities()
            try run.loadInitialData()
            for (index, operation) in test.operations.enumerated() {
                if let problem = run.perform(operation) {
                    return ["operation \(index) (\(operation.name)): \(problem)"]
                }
            }
            return run.checkOutcome(test.outcome ?? [])
        } catch {
            return ["setup: \(error)"]
        }
    }
}

/// An error as the runner models it: where it came from and what the server would report.
private struct ActualError: Error {
    var isClientError: Bool
    var code: Int?
    var codeName: String?
    var message: String
    var response: BSONDocument?
    var partialResult: BSONValue?

    /// Docket's driver-side argument checks: the errors a MongoDB driver raises before sending a command.
    static let clientSideMessages = [
        "Update document requires atomic operators",
        "Replacement document must not contain atomic operators",
    ]

    init(_ error: DocketError) {
        isClientError = error.writeFailure == nil && Self.clientSideMessages.contains(error.message)
        code = error.code.code
        codeName = error.code.name
        message = error.message
        var response: BSONDocument = [
            "ok": 0, "errmsg": .string(error.message), "code": .int32(Int32(error.code.code)),
        ]
        response.append("codeName", .string(error.code.name))
        if let failure = error.writeFailure {
            if let first = failure.writeErrors.first {
                if let keyPattern = first.keyPattern { response.append("keyPattern", .document(keyPattern)) }
                if let keyValue = first.keyValue { response.append("keyValue", .document(keyValue)) }
            }
            partialResult = UnifiedResults.bulkWrite(failure.result)
        }
        self.response = response
    }
}

/// The entities of a running test.
private enum Entity {
    case client(DocketClient)
    case database(DocketDatabase)
    case collection(DocketCollection)
    case value(BSONValue)
}

/// The mutable state of one running test.
private struct UnifiedTestRun {
    let file: UnifiedTestFile
    /// The server every client entity talks to.
    let server = DocketClient()
    var entities: [String: Entity] = [:]
    var matcher = UnifiedMatcher()

    init(file: UnifiedTestFile) { self.file = file }

    mutating func createEntities() throws {
        for entity in file.createEntities ?? [] {
            guard entities[entity.id] == nil else { throw UnifiedFormatError("duplicate entity id \(entity.id)") }
            switch entity.kind {
            case "client":
                entities[entity.id] = .client(server)
            case "database":
                guard case .client(let client)? = entities[entity.body["client"]?.stringValue ?? ""],
                    let name = entity.body["databaseName"]?.stringValue
                else { throw UnifiedFormatError("database \(entity.id): unknown client or no databaseName") }
                entities[entity.id] = .database(client.database(name))
            case "collection":
                guard case .database(let database)? = entities[entity.body["database"]?.stringValue ?? ""],
                    let name = entity.body["collectionName"]?.stringValue
                else { throw UnifiedFormatError("collection \(entity.id): unknown database or no collectionName") }
                entities[entity.id] = .collection(database.collection(name))
            default:
                throw UnifiedFormatError("entity kind \(entity.kind) is not supported")
            }
        }
    }

    /// Drops and recreates each `initialData` collection with its documents (an empty list still creates it).
    func loadInitialData() throws {
        for data in file.initialData ?? [] {
            let database = server.database(data.databaseName)
            database.collection(data.collectionName).drop()
            let collection = try database.createCollection(data.collectionName)
            if !data.documents.isEmpty { try collection.insertMany(data.documents) }
        }
    }

    /// Runs one operation and checks it; returns the first problem, or nil.
    mutating func perform(_ operation: UnifiedOperation) -> String? {
        let outcome: Result<BSONValue?, ActualError>
        do {
            outcome = .success(try execute(operation))
        } catch let error as DocketError {
            outcome = .failure(ActualError(error))
        } catch {
            return "runner: \(error)"
        }
        if operation.ignoreResultAndError { return nil }
        if let expected = operation.expectError {
            switch outcome {
            case .success(let value):
                return "expected an error, got the result \(value.map(matcher.describe) ?? "(none)")"
            case .failure(let error):
                return check(error, against: expected)
            }
        }
        let value: BSONValue?
        switch outcome {
        case .success(let v): value = v
        case .failure(let error):
            return "unexpected error: \(error.codeName ?? "") (\(error.code ?? 0)): \(error.message)"
        }
        if let name = operation.saveResultAsEntity, let value {
            entities[name] = .value(value)
            matcher.entities[name] = value
        }
        guard let expected = operation.expectResult else { return nil }
        if ["find", "aggregate"].contains(operation.name) { return matcher.matchRootArray(expected, value) }
        return matcher.match(expected, value, isRoot: true)
    }

    private func check(_ error: ActualError, against expected: ExpectedError) -> String? {
        if let isClientError = expected.isClientError, isClientError != error.isClientError {
            return "expected a \(isClientError ? "client" : "server") error, got \(error.message)"
        }
        if expected.isTimeoutError == true { return "expected a timeout error, got \(error.message)" }
        if let text = expected.errorContains, !error.message.lowercased().contains(text.lowercased()) {
            return "expected an error containing \"\(text)\", got \"\(error.message)\""
        }
        if let code = expected.errorCode, code != error.code {
            return "expected error code \(code), got \(error.code.map(String.init) ?? "none"): \(error.message)"
        }
        if let name = expected.errorCodeName, name != error.codeName {
            return "expected error code name \(name), got \(error.codeName ?? "none"): \(error.message)"
        }
        if let labels = expected.errorLabelsContain, !labels.isEmpty {
            return "expected error labels \(labels); Docket errors carry no labels"
        }
        if let response = expected.errorResponse {
            if let problem = matcher.match(.document(response), error.response.map(BSONValue.document), isRoot: true) {
                return "errorResponse: \(problem)"
            }
        }
        if let result = expected.expectResult {
            if let problem = matcher.match(result, error.partialResult, isRoot: true) {
                return "partial result: \(problem)"
            }
        }
        return nil
    }

    /// Reads each listed collection sorted by `_id` and compares it exactly with the expected documents.
    func checkOutcome(_ outcome: [CollectionData]) -> [String] {
        var exact = matcher
        exact.numericLeniency = false
        exact.extraRootKeys = false
        var problems: [String] = []
        for data in outcome {
            let namespace = "\(data.databaseName).\(data.collectionName)"
            let documents: [BSONDocument]
            do {
                documents = try server.database(data.databaseName).collection(data.collectionName)
                    .find([:], options: FindOptions(sort: ["_id": 1])).toArray()
            } catch {
                problems.append("outcome \(namespace): cannot read: \(error)")
                continue
            }
            guard documents.count == data.documents.count else {
                let actual = documents.map { matcher.describe(.document($0)) }.joined(separator: ", ")
                problems.append(
                    "outcome \(namespace): expected \(data.documents.count) documents, found \(documents.count): \(actual)"
                )
                continue
            }
            for (i, (expected, actual)) in zip(data.documents, documents).enumerated() {
                if let problem = exact.match(.document(expected), .document(actual), isRoot: true, path: "$[\(i)]") {
                    problems.append("outcome \(namespace): \(problem)")
                }
            }
        }
        return problems
    }

    // MARK: - Operations

    private func collection(_ operation: UnifiedOperation) throws -> DocketCollection {
        guard case .collection(let collection)? = entities[operation.object] else {
            throw UnifiedFormatError("\(operation.name): \(operation.object) is not a collection entity")
        }
        return collection
    }

    /// Runs the operation through the Swift API and returns its result as a BSON value (nil: no result).
    private func execute(_ operation: UnifiedOperation) throws -> BSONValue? {
        var args = UnifiedArguments(operation.arguments, operation: operation.name)
        try args.checkNames()
        let collection = try collection(operation)
        let result: BSONValue?
        switch operation.name {
        case "insertOne":
            let document = try args.requiredDocument("document")
            result = .document(["insertedId": try collection.insertOne(document).insertedID])
        case "insertMany":
            let documents = try args.documents("documents")
            let ordered = try args.bool("ordered") ?? true
            result = UnifiedResults.insertMany(try collection.insertMany(documents, ordered: ordered))
        case "find":
            let filter = try args.document("filter") ?? [:]
            let options = FindOptions(
                projection: try args.document("projection"), sort: try args.document("sort"),
                skip: try args.int("skip") ?? 0, limit: try args.int("limit") ?? 0,
                batchSize: try args.int("batchSize"), let: try args.document("let"))
            result = .array(try collection.find(filter, options: options).toArray().map(BSONValue.document))
        case "aggregate":
            let pipeline = try args.documents("pipeline")
            var options = AggregateOptions(
                allowDiskUse: try args.bool("allowDiskUse"), batchSize: try args.int("batchSize"),
                let: try args.document("let"), maxTimeMS: try args.int("maxTimeMS"))
            options.comment = args.any("comment")
            options.hint = args.any("hint")
            result = .array(try collection.aggregate(pipeline, options: options).toArray().map(BSONValue.document))
        case "findOne":
            let filter = try args.document("filter") ?? [:]
            let options = FindOptions(
                projection: try args.document("projection"), sort: try args.document("sort"),
                skip: try args.int("skip") ?? 0, let: try args.document("let"))
            result = try collection.findOne(filter, options: options).map(BSONValue.document) ?? .null
        case "countDocuments", "count":
            let filter = try args.document("filter") ?? [:]
            let options = CountOptions(skip: try args.int("skip") ?? 0, limit: try args.int("limit") ?? 0)
            result = .int64(Int64(try collection.countDocuments(filter, options: options)))
        case "estimatedDocumentCount":
            result = .int64(Int64(collection.estimatedDocumentCount()))
        case "distinct":
            let key = try args.requiredString("fieldName")
            let filter = try args.document("filter") ?? [:]
            result = .array(try collection.distinct(key, filter: filter))
        case "updateOne", "updateMany":
            let filter = try args.requiredDocument("filter")
            let update = try args.update()
            let options = UpdateOptions(
                upsert: try args.bool("upsert") ?? false, arrayFilters: try args.documents("arrayFilters", or: []),
                sort: try args.document("sort"), let: try args.document("let"))
            let outcome: UpdateResult
            switch (update, operation.name == "updateOne") {
            case (.operators(let document), true):
                outcome = try collection.updateOne(filter, document, options: options)
            case (.operators(let document), false):
                outcome = try collection.updateMany(filter, document, options: options)
            case (.pipeline(let stages), true):
                outcome = try collection.updateOne(filter, pipeline: stages, options: options)
            case (.pipeline(let stages), false):
                outcome = try collection.updateMany(filter, pipeline: stages, options: options)
            }
            result = UnifiedResults.update(outcome)
        case "replaceOne":
            let filter = try args.requiredDocument("filter")
            let replacement = try args.requiredDocument("replacement")
            let options = ReplaceOptions(
                upsert: try args.bool("upsert") ?? false, sort: try args.document("sort"), let: try args.document("let")
            )
            result = UnifiedResults.update(try collection.replaceOne(filter, replacement, options: options))
        case "deleteOne", "deleteMany":
            let filter = try args.requiredDocument("filter")
            let options = DeleteOptions(let: try args.document("let"))
            let outcome =
                operation.name == "deleteOne"
                ? try collection.deleteOne(filter, options: options)
                : try collection.deleteMany(filter, options: options)
            result = .document(["deletedCount": .int64(Int64(outcome.deletedCount))])
        case "findOneAndUpdate":
            let filter = try args.requiredDocument("filter")
            let update = try args.update()
            let options = FindOneAndUpdateOptions(
                returnDocument: try args.returnDocument(), sort: try args.document("sort"),
                projection: try args.document("projection"), upsert: try args.bool("upsert") ?? false,
                arrayFilters: try args.documents("arrayFilters", or: []), let: try args.document("let"))
            let document: BSONDocument?
            switch update {
            case .operators(let update): document = try collection.findOneAndUpdate(filter, update, options: options)
            case .pipeline(let stages):
                document = try collection.findOneAndUpdate(filter, pipeline: stages, options: options)
            }
            result = document.map(BSONValue.document) ?? .null
        case "findOneAndReplace":
            let filter = try args.requiredDocument("filter")
            let replacement = try args.requiredDocument("replacement")
            let options = FindOneAndReplaceOptions(
                returnDocument: try args.returnDocument(), sort: try args.document("sort"),
                projection: try args.document("projection"), upsert: try args.bool("upsert") ?? false,
                let: try args.document("let"))
            result =
                try collection.findOneAndReplace(filter, replacement, options: options).map(BSONValue.document) ?? .null
        case "findOneAndDelete":
            let filter = try args.requiredDocument("filter")
            let options = FindOneAndDeleteOptions(
                sort: try args.document("sort"), projection: try args.document("projection"),
                let: try args.document("let"))
            result = try collection.findOneAndDelete(filter, options: options).map(BSONValue.document) ?? .null
        case "bulkWrite":
            let requests = try args.array("requests").map(UnifiedArguments.writeModel)
            let ordered = try args.bool("ordered") ?? true
            let variables = try args.document("let")
            result = UnifiedResults.bulkWrite(try collection.bulkWrite(requests, ordered: ordered, let: variables))
        default:
            throw UnifiedFormatError("operation \(operation.name) is not supported by the runner")
        }
        try args.finish()
        return result
    }
}

/// Typed access to an operation's arguments; `finish()` rejects arguments nobody read.
private struct UnifiedArguments {
    let arguments: BSONDocument
    let operation: String
    var read: Set<String> = []

    init(_ arguments: BSONDocument, operation: String) {
        self.arguments = arguments
        self.operation = operation
    }

    private mutating func value(_ key: String) -> BSONValue? {
        read.insert(key)
        return arguments[key]
    }

    private func wrongType(_ key: String, _ what: String) -> UnifiedFormatError {
        UnifiedFormatError("\(operation): argument \(key) must be \(what)")
    }

    /// An argument of any type.
    mutating func any(_ key: String) -> BSONValue? { value(key) }

    mutating func document(_ key: String) throws -> BSONDocument? {
        guard let v = value(key) else { return nil }
        guard case .document(let d) = v else { throw wrongType(key, "a document") }
        return d
    }

    mutating func requiredDocument(_ key: String) throws -> BSONDocument {
        guard let d = try document(key) else { throw UnifiedFormatError("\(operation): missing argument \(key)") }
        return d
    }

    mutating func array(_ key: String) throws -> [BSONValue] {
        guard case .array(let a)? = value(key) else { throw wrongType(key, "an array") }
        return a
    }

    mutating func documents(_ key: String) throws -> [BSONDocument] {
        try array(key).map { (element) throws -> BSONDocument in
            guard case .document(let d) = element else { throw wrongType(key, "an array of documents") }
            return d
        }
    }

    mutating func documents(_ key: String, or fallback: [BSONDocument]) throws -> [BSONDocument] {
        !arguments[key].isPresent ? fallback : try documents(key)
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let v = value(key) else { return nil }
        guard case .bool(let b) = v else { throw wrongType(key, "a boolean") }
        return b
    }

    mutating func int(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard v.isNumber, let n = v.int64Value else { throw wrongType(key, "an integer") }
        return Int(n)
    }

    mutating func requiredString(_ key: String) throws -> String {
        guard case .string(let s)? = value(key) else { throw wrongType(key, "a string") }
        return s
    }

    /// An update argument: an update-operator document, or an array of stages (a pipeline-style update).
    enum Update {
        case operators(BSONDocument)
        case pipeline([BSONDocument])
    }

    /// The `update` argument, a document or a pipeline.
    mutating func update() throws -> Update {
        if case .array? = arguments["update"] { return .pipeline(try documents("update")) }
        return .operators(try requiredDocument("update"))
    }

    /// `"Before"` or `"After"`, in any case (the default is before).
    mutating func returnDocument() throws -> ReturnDocument {
        guard let v = value("returnDocument") else { return .before }
        switch v.stringValue?.lowercased() {
        case "before": return .before
        case "after": return .after
        default: throw wrongType("returnDocument", "\"Before\" or \"After\"")
        }
    }

    /// The arguments each operation's adapter reads; anything else fails the test before the operation runs.
    static let names: [String: Set<String>] = [
        "insertOne": ["document"],
        "insertMany": ["documents", "ordered"],
        "find": ["filter", "projection", "sort", "skip", "limit", "batchSize", "let"],
        "aggregate": ["pipeline", "batchSize", "comment", "allowDiskUse", "let", "maxTimeMS", "hint"],
        "findOne": ["filter", "projection", "sort", "skip", "let"],
        "countDocuments": ["filter", "skip", "limit"],
        "count": ["filter", "skip", "limit"],
        "estimatedDocumentCount": [],
        "distinct": ["fieldName", "filter"],
        "updateOne": ["filter", "update", "upsert", "arrayFilters", "sort", "let"],
        "updateMany": ["filter", "update", "upsert", "arrayFilters", "let"],
        "replaceOne": ["filter", "replacement", "upsert", "sort", "let"],
        "deleteOne": ["filter", "let"],
        "deleteMany": ["filter", "let"],
        "findOneAndUpdate": [
            "filter", "update", "projection", "sort", "upsert", "returnDocument", "arrayFilters", "let",
        ],
        "findOneAndReplace": ["filter", "replacement", "projection", "sort", "upsert", "returnDocument", "let"],
        "findOneAndDelete": ["filter", "projection", "sort", "let"],
        "bulkWrite": ["requests", "ordered", "let"],
    ]

    /// Throws when the operation has an argument its adapter does not read.
    func checkNames() throws {
        guard let known = Self.names[operation] else {
            throw UnifiedFormatError("operation \(operation) is not supported by the runner")
        }
        let unknown = arguments.keys.filter { !known.contains($0) }
        guard unknown.isEmpty else { throw UnifiedFormatError("\(operation): unsupported arguments \(unknown)") }
    }

    /// Throws when an argument was not read by the adapter (so nothing is silently ignored).
    func finish() throws {
        let unread = arguments.keys.filter { !read.contains($0) }
        guard unread.isEmpty else { throw UnifiedFormatError("\(operation): unsupported arguments \(unread)") }
    }

    /// One bulkWrite request: `{insertOne|updateOne|updateMany|replaceOne|deleteOne|deleteMany: {...}}`.
    static func writeModel(_ request: BSONValue) throws -> DocketCollection.WriteModel {
        guard case .document(let wrapper) = request, wrapper.count == 1, let (kind, body) = wrapper.first,
            case .document(let fields) = body
        else { throw UnifiedFormatError("bulkWrite: a request is {model: {...}}") }
        var args = UnifiedArguments(fields, operation: "bulkWrite \(kind)")
        let model: DocketCollection.WriteModel
        switch kind {
        case "insertOne":
            model = .insertOne(try args.requiredDocument("document"))
        case "updateOne", "updateMany":
            let filter = try args.requiredDocument("filter")
            let update = try args.update()
            let options = UpdateOptions(
                upsert: try args.bool("upsert") ?? false, arrayFilters: try args.documents("arrayFilters", or: []),
                sort: try args.document("sort"))
            switch (update, kind == "updateOne") {
            case (.operators(let update), true): model = .updateOne(filter: filter, update: update, options: options)
            case (.operators(let update), false): model = .updateMany(filter: filter, update: update, options: options)
            case (.pipeline(let stages), true):
                model = .updateOneWithPipeline(filter: filter, pipeline: stages, options: options)
            case (.pipeline(let stages), false):
                model = .updateManyWithPipeline(filter: filter, pipeline: stages, options: options)
            }
        case "replaceOne":
            let filter = try args.requiredDocument("filter")
            let replacement = try args.requiredDocument("replacement")
            let options = ReplaceOptions(upsert: try args.bool("upsert") ?? false, sort: try args.document("sort"))
            model = .replaceOne(filter: filter, replacement: replacement, options: options)
        case "deleteOne":
            model = .deleteOne(filter: try args.requiredDocument("filter"))
        case "deleteMany":
            model = .deleteMany(filter: try args.requiredDocument("filter"))
        default:
            throw UnifiedFormatError("bulkWrite: unknown model \(kind)")
        }
        try args.finish()
        return model
    }
}

/// Write results as the documents the format's `expectResult` describes.
enum UnifiedResults {
    static func ids(_ ids: [Int: BSONValue]) -> BSONValue {
        .document(BSONDocument(ids.sorted { $0.key < $1.key }.map { (String($0.key), $0.value) }))
    }

    static func insertMany(_ result: InsertManyResult) -> BSONValue {
        .document(["insertedCount": .int64(Int64(result.insertedCount)), "insertedIds": ids(result.insertedIDs)])
    }

    static func update(_ result: UpdateResult) -> BSONValue {
        var document: BSONDocument = [
            "matchedCount": .int64(Int64(result.matchedCount)),
            "modifiedCount": .int64(Int64(result.modifiedCount)),
            "upsertedCount": .int64(Int64(result.upsertedCount)),
        ]
        if let id = result.upsertedID { document.append("upsertedId", id) }
        return .document(document)
    }

    static func bulkWrite(_ result: BulkWriteResult) -> BSONValue {
        .document([
            "insertedCount": .int64(Int64(result.insertedCount)),
            "insertedIds": ids(result.insertedIDs),
            "matchedCount": .int64(Int64(result.matchedCount)),
            "modifiedCount": .int64(Int64(result.modifiedCount)),
            "deletedCount": .int64(Int64(result.deletedCount)),
            "upsertedCount": .int64(Int64(result.upsertedCount)),
            "upsertedIds": ids(result.upsertedIDs),
        ])
    }
}
