/// A collection of BSON documents: MongoDB's CRUD API, synchronous and thread-safe.
///
/// A cheap, `Sendable` handle. The collection comes into existence on its first write. Reads see one consistent
/// state: a query never observes part of a concurrent `updateMany`. Writes are serialized per collection; each
/// single-document write is atomic.
///
/// ```swift
/// let users = DocketClient().database("app").collection("users")
/// try users.insertOne(["email": "ada@example.com", "status": "active"])
/// let active = try users.find(["status": "active"]).toArray()
/// try users.updateOne(["email": "ada@example.com"], ["$set": ["status": "inactive"]])
/// ```
///
/// Lookups, updates and deletes whose filter pins `_id` to one value or to an `$in` list use the `_id` index and
/// never scan.
public struct DocketCollection: Sendable {
    let database: DocketDatabase
    let cachedEngine: CollectionEngine

    init(database: DocketDatabase, engine: CollectionEngine) {
        self.database = database
        self.cachedEngine = engine
    }

    /// The collection's name.
    public var name: String { cachedEngine.name }

    /// `"database.collection"`.
    public var namespace: String { cachedEngine.namespace }

    /// The live engine (re-resolved after a drop).
    var engine: CollectionEngine {
        cachedEngine.isDropped.load(ordering: .acquiring)
            ? database.engine.engine(forCollection: cachedEngine.name) : cachedEngine
    }

    /// Runs a write on the live engine, making the collection exist first; retried on the new engine when the
    /// collection is dropped before the write gets the writer lock, so no acknowledged write is lost to a drop.
    func execute(_ operation: WriteOperation, creating: Bool = true) throws(DocketError) -> WriteOutcome {
        var outcome = WriteOutcome()
        while true {
            let engine = self.engine
            if !engine.isMaterialized {
                guard creating else { return outcome }
                try NamespaceRules.validate(database: engine.databaseName, collection: engine.name)
                engine.materialize()
            }
            if try engine.execute(operation, into: &outcome) { return outcome }
        }
    }

    // MARK: - Insert

    /// Inserts a document. An `_id` (a new ObjectId) is generated when absent; `_id` is stored as the first field.
    ///
    /// - Returns: the `_id` of the document.
    /// - Throws: `DuplicateKey` (11000) if a document with the same `_id` exists, with the message
    ///   `E11000 duplicate key error collection: db.coll index: _id_ dup key: { _id: 1 }`; `InvalidIdField` (53) for
    ///   an array, regex or undefined `_id`; `BadValue` (2) for two `_id` fields; `BSONObjectTooLarge` (10334) above
    ///   16 MiB; `Overflow` (15) for fields nested deeper than 100 levels. The error's
    ///   ``DocketError/writeFailure`` holds the write error.
    /// - Complexity: O(size of the document), amortized.
    @discardableResult
    public func insertOne(_ document: BSONDocument) throws(DocketError) -> InsertOneResult {
        let result = try insertMany([document])
        return InsertOneResult(insertedID: result.insertedIDs[0]!)
    }

    /// Inserts documents in order.
    ///
    /// Ordered (the default), the insertion stops at the first failing document; unordered, every document is tried.
    /// Either way, documents inserted before a failure stay inserted.
    ///
    /// - Returns: the `_id` of each document by its index.
    /// - Throws: as ``insertOne(_:)``, for the first failing document; the error's ``DocketError/writeFailure``
    ///   lists every failure (`writeErrors`, by index) and the ids inserted (`result.insertedIDs`). `InvalidLength`
    ///   (16) for an empty list or more than 100,000 documents.
    /// - Complexity: O(total size of the documents).
    @discardableResult
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true) throws(DocketError) -> InsertManyResult {
        try Self.checkBatchSize(documents.count)
        // Validate and encode outside every lock.
        var prepared: [PreparedDocument] = []
        prepared.reserveCapacity(documents.count)
        var indexes: [Int] = []
        indexes.reserveCapacity(documents.count)
        var errors: [WriteError] = []
        for (i, document) in documents.enumerated() {
            do {
                prepared.append(try PreparedDocument(forInsert: document))
                indexes.append(i)
            } catch {
                errors.append(WriteError(index: i, error))
                if ordered { break }
            }
        }
        let outcome = try execute(.insert(prepared, ordered: ordered))
        var result = BulkWriteResult()
        result.insertedIDs.reserveCapacity(prepared.count)
        for (j, p) in prepared.enumerated() {
            if var error = outcome.insertErrors[j] {
                error.index = indexes[j]
                errors.append(error)
                if ordered { break }
            } else {
                result.insertedIDs[indexes[j]] = p.id
            }
        }
        result.insertedCount = result.insertedIDs.count
        if !errors.isEmpty {
            errors.sort { $0.index < $1.index }
            if ordered {
                // Only the first failure happened; nothing after it was attempted.
                let first = errors[0].index
                errors = [errors[0]]
                result.insertedIDs = result.insertedIDs.filter { $0.key < first }
                result.insertedCount = result.insertedIDs.count
            }
            throw DocketError(BulkWriteFailure(writeErrors: errors, result: result))
        }
        return InsertManyResult(insertedIDs: result.insertedIDs)
    }

    static func checkBatchSize(_ count: Int) throws(DocketError) {
        guard count > 0 && count <= Limits.maximumWriteBatchSize else {
            throw DocketError(
                .invalidLength,
                "Write batch sizes must be between 1 and \(Limits.maximumWriteBatchSize). Got \(count) operations.")
        }
    }

    // MARK: - Read

    /// Finds the documents matching `filter`.
    ///
    /// The cursor is lazy and reads a snapshot taken now (see ``DocketCursor``).
    /// - Throws: the filter's, projection's or sort's parse errors (`BadValue` 2, …); `BadValue` for a negative skip
    ///   or batch size or an unknown hint.
    /// - Complexity: O(1) to create; iterating is O(n) in the collection's size (O(k) when the filter pins `_id` to
    ///   k values).
    public func find(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) throws(DocketError)
        -> DocketCursor
    {
        let query = try Self.readQuery(filter, options: options)
        return DocketCursor(query: query, snapshot: engine.snapshot(includingIDIndex: query.access.usesIDIndex))
    }

    /// Compiles a find.
    static func readQuery(_ filter: BSONDocument, options: FindOptions) throws(DocketError) -> ReadQuery {
        let matcher = try Matcher(filter, variables: try letVariables(options.let))
        try ArgumentRules.checkNonNegative(options.skip, "Skip")
        if let batchSize = options.batchSize { try ArgumentRules.checkNonNegative(batchSize, "BatchSize") }
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        let (sort, natural) = try parseSort(options.sort)
        let hint = try options.hint.map { h throws(DocketError) in try QueryHint(parsing: h) }
        return ReadQuery(
            matcher: matcher,
            access: QueryPlanner.plan(matcher.root, naturalOrder: natural, hint: hint),
            sort: sort,
            projection: projection?.isIdentity == true ? nil : projection,
            skip: options.skip,
            // MongoDB reads a negative limit as "that many, in one batch": the same documents.
            limit: options.limit == Int.min ? Int.max : abs(options.limit)
        )
    }

    /// A sort specification, or `$natural` order (`true` forward, `false` reversed).
    static func parseSort(_ spec: BSONDocument?) throws(DocketError) -> (SortSpec?, Bool?) {
        guard let spec, !spec.isEmpty else { return (nil, nil) }
        if let natural = spec.index(forKey: "$natural") {
            guard spec.count == 1, let direction = spec[natural].value.int64Value, direction == 1 || direction == -1
            else {
                throw DocketError(.badValue, "$natural sort must be the only sort key and be 1 or -1")
            }
            return (nil, direction == 1)
        }
        return (try SortSpec(spec), nil)
    }

    /// The first document matching `filter` (in `options.sort` order, else natural order), or `nil`.
    /// - Throws: as ``find(_:options:)``, and errors reading the document.
    /// - Complexity: O(n) for a scan; O(1) when the filter pins `_id`.
    public func findOne(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) throws(DocketError)
        -> BSONDocument?
    {
        var options = options
        options.limit = 1
        var iterator = try find(filter, options: options).makeIterator()
        return try iterator.next()
    }

    /// The number of documents matching `filter`, after `skip` and capped at `limit`.
    /// - Throws: the filter's parse errors; `BadValue` for a negative skip or limit or an unknown hint.
    /// - Complexity: O(n); O(k) when the filter pins `_id` to k values; O(1) for an empty filter.
    public func countDocuments(_ filter: BSONDocument = [:], options: CountOptions = CountOptions())
        throws(DocketError) -> Int
    {
        let matcher = try Matcher(filter)
        try ArgumentRules.checkNonNegative(options.skip, "Skip")
        try ArgumentRules.checkNonNegative(options.limit, "Limit")
        let hint = try options.hint.map { h throws(DocketError) in try QueryHint(parsing: h) }
        let access = QueryPlanner.plan(matcher.root, hint: hint)
        let snapshot = engine.snapshot(includingIDIndex: access.usesIDIndex)
        var count = 0
        if matcher.isMatchAll, case .collectionScan = access {
            count = snapshot.store.count
        } else {
            var source = MatchingDocuments(snapshot: snapshot, matcher: matcher, access: access)
            var stats = ExecutionStats()
            while source.next(&stats) != nil { count += 1 }
            if let failure = source.failure { throw failure }
        }
        count = max(0, count - options.skip)
        return options.limit > 0 ? min(count, options.limit) : count
    }

    /// The number of documents in the collection, from its metadata.
    /// - Complexity: O(1).
    public func estimatedDocumentCount() -> Int { engine.count }

    /// The distinct values of `key` (a dotted path) among the documents matching `filter`.
    ///
    /// Arrays are unwound: `{tags: ["a", "b"]}` contributes `"a"` and `"b"`; arrays met along a dotted path are
    /// traversed as a multikey index does. Values equal in MongoDB's order (`1` and `1.0`) count once (the first seen
    /// is returned). Values are read from the stored bytes; no document is decoded.
    /// - Note: Differs from MongoDB: the server returns distinct values in an unspecified order; Docket sorts them in
    ///   BSON order, for determinism.
    /// - Throws: the filter's parse errors; `BadValue` for an empty key.
    /// - Complexity: O(n + d log d) for n documents and d distinct values.
    public func distinct(_ key: String, filter: BSONDocument = [:]) throws(DocketError) -> [BSONValue] {
        guard !key.isEmpty else { throw DocketError(.badValue, "FieldPath cannot be constructed with empty string") }
        let matcher = try Matcher(filter)
        let path = FilterPath(key).components
        let access = QueryPlanner.plan(matcher.root)
        var source = MatchingDocuments(
            snapshot: engine.snapshot(includingIDIndex: access.usesIDIndex), matcher: matcher, access: access)
        var collector = DistinctCollector()
        var stats = ExecutionStats()
        while let match = source.next(&stats) {
            match.raw.bytes.withUnsafeBytes { buffer in
                collector.buffer = buffer
                _ = PathValues.walk(
                    path, from: RawPathAccessor.root(), RawPathAccessor(buffer: buffer), .distinctValues, &collector)
            }
        }
        if let failure = source.failure { throw failure }
        return collector.values.sorted { BSONValue.compare($0, $1) < 0 }
    }

    // MARK: - Update

    /// Updates the first document matching `filter` (the first in `options.sort` order when given).
    ///
    /// `update` must be an update-operator document (`["$set": …]`).
    /// - Throws: `FailedToParse` (9) "Update document requires atomic operators" for a replacement document; the
    ///   filter's and update's parse errors; the update's errors on the document (`TypeMismatch` 14,
    ///   `ImmutableField` 66, …); `DuplicateKey` (11000) when an upsert collides. Errors raised while writing carry
    ///   ``DocketError/writeFailure``.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n); plus the size of the document.
    @discardableResult
    public func updateOne(_ filter: BSONDocument, _ update: BSONDocument, options: UpdateOptions = UpdateOptions())
        throws(DocketError) -> UpdateResult
    {
        let plan = try Self.operatorPlan(update, arrayFilters: options.arrayFilters)
        return try performUpdate(
            filter, .update(plan), multi: false, upsert: options.upsert, sort: options.sort, hint: options.hint,
            variables: try Self.letVariables(options.let)
        ).updateResult
    }

    /// Updates the first document matching `filter` (the first in `options.sort` order when given) with an
    /// aggregation pipeline (MongoDB 4.2+ pipeline-style update).
    ///
    /// The pipeline's stages are `$addFields`/`$set`, `$project`, `$unset` and `$replaceRoot`/`$replaceWith`; their
    /// expressions read the document (`"$field"`), `$$NOW` and `options.let`'s variables. The output replaces the
    /// document: it keeps the original `_id` when it has none, may not change it, and counts as modified only when
    /// it differs from the stored bytes. An upsert applies the pipeline to the document built from the filter's
    /// equality conditions.
    ///
    /// ```swift
    /// try orders.updateOne(["_id": 1], pipeline: [
    ///     ["$set": ["total": ["$add": ["$price", "$tax"]], "updatedAt": "$$NOW"]],
    ///     ["$unset": "draft"],
    /// ])
    /// ```
    /// - Throws: `InvalidOptions` (72) "$match is not allowed to be used within an update" for another stage;
    ///   `FailedToParse` (9) when `options.arrayFilters` is set; the stages' parse and evaluation errors;
    ///   `ImmutableField` (66) "Performing an update on the path '_id' would modify the immutable field '_id'";
    ///   `BSONObjectTooLarge` (10334), `Overflow` (15); as ``updateOne(_:_:options:)`` otherwise.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n); plus the size of the document.
    @discardableResult
    public func updateOne(
        _ filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions()
    ) throws(DocketError) -> UpdateResult {
        try update(filter, pipeline: pipeline, options: options, multi: false)
    }

    /// Updates every document matching `filter` with an aggregation pipeline (see
    /// ``updateOne(_:pipeline:options:)``).
    ///
    /// If the pipeline fails on a document, the documents updated before it stay updated (as in MongoDB) and the
    /// error's ``DocketError/writeFailure`` reports their counts.
    /// - Throws: as ``updateOne(_:pipeline:options:)``; `InvalidOptions` (72) when `options.sort` is set.
    /// - Complexity: O(n) plus the size of the updated documents.
    @discardableResult
    public func updateMany(
        _ filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions()
    ) throws(DocketError) -> UpdateResult {
        try update(filter, pipeline: pipeline, options: options, multi: true)
    }

    private func update(_ filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions, multi: Bool)
        throws(DocketError) -> UpdateResult
    {
        let variables = try Self.letVariables(options.let)
        let update = try Self.pipelineUpdate(pipeline, arrayFilters: options.arrayFilters, variables: variables)
        if multi, options.sort != nil {
            throw DocketError(.invalidOptions, "sort is not supported for updateMany")
        }
        return try performUpdate(
            filter, update, multi: multi, upsert: options.upsert, sort: options.sort, hint: options.hint,
            variables: variables
        ).updateResult
    }

    /// Updates every document matching `filter`.
    ///
    /// All new versions are published at once: a concurrent reader sees all of them or none. If the update fails on
    /// a document, the documents updated before it stay updated (as in MongoDB) and the error's
    /// ``DocketError/writeFailure`` reports their counts.
    /// - Throws: as ``updateOne(_:_:options:)``; `InvalidOptions` (72) when `options.sort` is set.
    /// - Complexity: O(n) plus the size of the updated documents.
    @discardableResult
    public func updateMany(_ filter: BSONDocument, _ update: BSONDocument, options: UpdateOptions = UpdateOptions())
        throws(DocketError) -> UpdateResult
    {
        let plan = try Self.operatorPlan(update, arrayFilters: options.arrayFilters)
        guard options.sort == nil else { throw DocketError(.invalidOptions, "sort is not supported for updateMany") }
        return try performUpdate(
            filter, .update(plan), multi: true, upsert: options.upsert, sort: nil, hint: options.hint,
            variables: try Self.letVariables(options.let)
        ).updateResult
    }

    /// Replaces the first document matching `filter` with `replacement`, keeping its `_id`.
    /// - Throws: `FailedToParse` (9) "Replacement document must not contain atomic operators" for top-level
    ///   `$`-keys; `ImmutableField` (66) if the replacement's `_id` differs; `DuplicateKey` (11000) when an upsert
    ///   collides; `BSONObjectTooLarge` (10334); `Overflow` (15).
    /// - Complexity: O(1) when the filter pins `_id`, else O(n); plus the size of the document.
    @discardableResult
    public func replaceOne(
        _ filter: BSONDocument, _ replacement: BSONDocument, options: ReplaceOptions = ReplaceOptions()
    ) throws(DocketError) -> UpdateResult {
        try Self.checkReplacement(replacement)
        return try performUpdate(
            filter, .replacement(replacement), multi: false, upsert: options.upsert, sort: options.sort,
            hint: options.hint, variables: try Self.letVariables(options.let)
        ).updateResult
    }

    // MARK: - Delete

    /// Deletes the first document matching `filter`.
    /// - Throws: the filter's parse errors.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    @discardableResult
    public func deleteOne(_ filter: BSONDocument, options: DeleteOptions = DeleteOptions()) throws(DocketError)
        -> DeleteResult
    {
        try performDelete(
            filter, multi: false, sort: nil, hint: options.hint, variables: try Self.letVariables(options.let)
        ).deleteResult
    }

    /// Deletes every document matching `filter`, atomically with respect to readers.
    /// - Throws: the filter's parse errors.
    /// - Complexity: O(n).
    @discardableResult
    public func deleteMany(_ filter: BSONDocument, options: DeleteOptions = DeleteOptions()) throws(DocketError)
        -> DeleteResult
    {
        try performDelete(
            filter, multi: true, sort: nil, hint: options.hint, variables: try Self.letVariables(options.let)
        ).deleteResult
    }

    // MARK: - Find and modify

    /// Updates the first document matching `filter` (in `options.sort` order) and returns it, before or after the
    /// update, projected.
    ///
    /// - Returns: the document, or `nil` when nothing matched (and, with `returnDocument: .before`, after an upsert).
    /// - Throws: as ``updateOne(_:_:options:)``; the projection's parse errors.
    /// - Complexity: as ``updateOne(_:_:options:)``.
    public func findOneAndUpdate(
        _ filter: BSONDocument, _ update: BSONDocument, options: FindOneAndUpdateOptions = FindOneAndUpdateOptions()
    ) throws(DocketError) -> BSONDocument? {
        let plan = try Self.operatorPlan(update, arrayFilters: options.arrayFilters)
        return try findOneAndUpdate(
            filter, .update(plan), options: options, variables: try Self.letVariables(options.let))
    }

    /// Updates the first document matching `filter` (in `options.sort` order) with an aggregation pipeline (see
    /// ``updateOne(_:pipeline:options:)``) and returns it, before or after the update, projected.
    ///
    /// ```swift
    /// let after = try counters.findOneAndUpdate(
    ///     ["_id": "orders"], pipeline: [["$set": ["n": ["$add": [["$ifNull": ["$n", 0]], 1]]]]],
    ///     options: FindOneAndUpdateOptions(returnDocument: .after, upsert: true))
    /// ```
    /// - Returns: the document, or `nil` when nothing matched (and, with `returnDocument: .before`, after an upsert).
    /// - Throws: as ``updateOne(_:pipeline:options:)``; the projection's parse errors.
    /// - Complexity: as ``updateOne(_:pipeline:options:)``.
    public func findOneAndUpdate(
        _ filter: BSONDocument, pipeline: [BSONDocument],
        options: FindOneAndUpdateOptions = FindOneAndUpdateOptions()
    ) throws(DocketError) -> BSONDocument? {
        let variables = try Self.letVariables(options.let)
        let update = try Self.pipelineUpdate(pipeline, arrayFilters: options.arrayFilters, variables: variables)
        return try findOneAndUpdate(filter, update, options: options, variables: variables)
    }

    private func findOneAndUpdate(
        _ filter: BSONDocument, _ modification: Modification, options: FindOneAndUpdateOptions,
        variables: LetVariables?
    ) throws(DocketError) -> BSONDocument? {
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        return try performUpdate(
            filter, modification, multi: false, upsert: options.upsert, sort: options.sort, hint: options.hint,
            variables: variables, returning: ReturnRequest(version: options.returnDocument, projection: projection)
        ).returned
    }

    /// Replaces the first document matching `filter` (in `options.sort` order) and returns it, before or after,
    /// projected.
    /// - Returns: the document, or `nil` when nothing matched (and, with `.before`, after an upsert).
    /// - Throws: as ``replaceOne(_:_:options:)``; the projection's parse errors.
    /// - Complexity: as ``replaceOne(_:_:options:)``.
    public func findOneAndReplace(
        _ filter: BSONDocument, _ replacement: BSONDocument,
        options: FindOneAndReplaceOptions = FindOneAndReplaceOptions()
    ) throws(DocketError) -> BSONDocument? {
        try Self.checkReplacement(replacement)
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        return try performUpdate(
            filter, .replacement(replacement), multi: false, upsert: options.upsert, sort: options.sort,
            hint: options.hint, variables: try Self.letVariables(options.let),
            returning: ReturnRequest(version: options.returnDocument, projection: projection)
        ).returned
    }

    /// Deletes the first document matching `filter` (in `options.sort` order) and returns it, projected.
    /// - Returns: the deleted document, or `nil` when nothing matched.
    /// - Throws: the filter's, sort's and projection's parse errors.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    public func findOneAndDelete(_ filter: BSONDocument, options: FindOneAndDeleteOptions = FindOneAndDeleteOptions())
        throws(DocketError) -> BSONDocument?
    {
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        return try performDelete(
            filter, multi: false, sort: options.sort, hint: options.hint, variables: try Self.letVariables(options.let),
            returning: ReturnRequest(version: .before, projection: projection)
        ).returned
    }

    // MARK: - Bulk

    /// Runs write operations in order.
    ///
    /// Ordered (the default), it stops at the first failing operation; unordered, it runs every operation. Each
    /// operation is atomic on its own; the batch as a whole is not (as in MongoDB).
    /// - Returns: the totals, and the ids of inserted and upserted documents by model index.
    /// - Throws: `FailedToParse` (9) before running anything when an update model has no operators or a replacement
    ///   has some; otherwise the first failure, whose ``DocketError/writeFailure`` holds every write error and the
    ///   partial result. `InvalidLength` (16) for an empty list or more than 100,000 operations.
    /// - Parameter variables: the `let` variables of every operation whose options set none (MongoDB's command-level
    ///   `let`): its filter's `$expr` and update pipeline read them as `$$name`.
    /// - Complexity: the sum of the operations'.
    @discardableResult
    public func bulkWrite(_ models: [WriteModel], ordered: Bool = true, `let` variables: BSONDocument? = nil)
        throws(DocketError) -> BulkWriteResult
    {
        try Self.checkBatchSize(models.count)
        // Client-side validation first, as drivers do: nothing runs if a model is malformed.
        for model in models {
            switch model {
            case .updateOne(_, let update, _), .updateMany(_, let update, _): try Self.checkOperators(update)
            case .replaceOne(_, let replacement, _): try Self.checkReplacement(replacement)
            default: break
            }
        }
        var result = BulkWriteResult()
        var errors: [WriteError] = []
        for (index, model) in models.enumerated() {
            do {
                try apply(model, index: index, variables: variables, into: &result)
            } catch {
                if let failure = error.writeFailure {
                    merge(failure.result, into: &result)
                    errors += failure.writeErrors.map { e in
                        var e = e
                        e.index = index
                        return e
                    }
                } else {
                    errors.append(WriteError(index: index, error))
                }
                if ordered { break }
            }
        }
        if !errors.isEmpty { throw DocketError(BulkWriteFailure(writeErrors: errors, result: result)) }
        return result
    }

    private func apply(
        _ model: WriteModel, index: Int, variables: BSONDocument?, into result: inout BulkWriteResult
    ) throws(DocketError) {
        func withLet(_ options: UpdateOptions) -> UpdateOptions {
            var options = options
            if options.let == nil { options.let = variables }
            return options
        }
        switch model {
        case .insertOne(let document):
            let id = try insertOne(document).insertedID
            result.insertedIDs[index] = id
            result.insertedCount += 1
        case .updateOne(let filter, let update, let options):
            add(try updateOne(filter, update, options: withLet(options)), index: index, into: &result)
        case .updateMany(let filter, let update, let options):
            add(try updateMany(filter, update, options: withLet(options)), index: index, into: &result)
        case .updateOneWithPipeline(let filter, let pipeline, let options):
            add(try updateOne(filter, pipeline: pipeline, options: withLet(options)), index: index, into: &result)
        case .updateManyWithPipeline(let filter, let pipeline, let options):
            add(try updateMany(filter, pipeline: pipeline, options: withLet(options)), index: index, into: &result)
        case .replaceOne(let filter, let replacement, var options):
            if options.let == nil { options.let = variables }
            add(try replaceOne(filter, replacement, options: options), index: index, into: &result)
        case .deleteOne(let filter):
            result.deletedCount += try deleteOne(filter, options: DeleteOptions(let: variables)).deletedCount
        case .deleteMany(let filter):
            result.deletedCount += try deleteMany(filter, options: DeleteOptions(let: variables)).deletedCount
        }
    }

    private func add(_ update: UpdateResult, index: Int, into result: inout BulkWriteResult) {
        result.matchedCount += update.matchedCount
        result.modifiedCount += update.modifiedCount
        if let id = update.upsertedID { result.upsertedIDs[index] = id }
    }

    private func merge(_ partial: BulkWriteResult, into result: inout BulkWriteResult) {
        result.matchedCount += partial.matchedCount
        result.modifiedCount += partial.modifiedCount
        result.deletedCount += partial.deletedCount
    }

    // MARK: - Drop

    /// Drops the collection. Open cursors keep reading their snapshot; this handle (and others) then see an empty
    /// collection, which a later write creates again.
    /// - Complexity: O(1) (the documents are freed when the last snapshot is released).
    public func drop() {
        database.engine.drop(collection: name)
    }
}

/// Collects the distinct values a path reaches in stored documents (MongoDB's equality: `1` and `1.0` are one).
private struct DistinctCollector: PathVisitor {
    var buffer = UnsafeRawBufferPointer(start: nil, count: 0)
    var seen = Set<BSONValue>()
    var values: [BSONValue] = []

    mutating func visit(_ hit: PathHit<RawElement>) -> Bool {
        if let element = hit.value, let value = RawElementFinder.decode(element, in: buffer),
            seen.insert(value).inserted
        {
            values.append(value)
        }
        return false
    }
}
