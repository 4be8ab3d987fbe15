/// A collection of BSON documents: MongoDB's CRUD API, synchronous and thread-safe.
///
/// A cheap, `Sendable` handle (named `DocketCollection` so as not to shadow `Swift.Collection`). The collection
/// comes into existence on its first write. Reads see one consistent state: a query never observes part of a
/// concurrent `updateMany`. Writes are serialized per collection; each single-document write is atomic.
///
/// ```swift
/// let users = DocketClient().database("app").collection("users")
/// try users.insertOne(["email": "ada@example.com", "status": "active"])
/// let active = try users.find(["status": "active"]).toArray()
/// try users.updateOne(["email": "ada@example.com"], ["$set": ["status": "inactive"]])
/// ```
///
/// Lookups, updates and deletes whose filter pins `_id` to one value use the `_id` index and never scan.
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

    /// The live engine for a write: validates the namespace and makes the collection exist.
    func writableEngine() throws(DocketError) -> CollectionEngine {
        let engine = self.engine
        if !engine.isMaterialized {
            try NamespaceRules.validate(database: engine.databaseName, collection: engine.name)
            engine.materialize()
        }
        return engine
    }

    // MARK: - Insert

    /// Inserts a document. An `_id` (a new ObjectId) is generated when absent; `_id` is stored as the first field.
    ///
    /// - Returns: the `_id` of the document.
    /// - Throws: `DuplicateKey` (11000) if a document with the same `_id` exists, with the message
    ///   `E11000 duplicate key error collection: db.coll index: _id_ dup key: { _id: 1 }`; `InvalidIdField` (53) for
    ///   an array, regex or undefined `_id`; `BSONObjectTooLarge` (10334) above 16 MiB. The error's
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
    ///   (16) for an empty list.
    /// - Complexity: O(total size of the documents).
    @discardableResult
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true) throws(DocketError) -> InsertManyResult {
        guard !documents.isEmpty else {
            throw DocketError(.invalidLength, "Write batch sizes must be between 1 and 100000. Got 0 operations.")
        }
        let engine = try writableEngine()
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
        let insertErrors = engine.write { engine.publish(inserting: prepared, ordered: ordered) }
        var result = BulkWriteResult()
        result.insertedIDs.reserveCapacity(prepared.count)
        for (j, p) in prepared.enumerated() {
            if let error = insertErrors[j] {
                errors.append(
                    WriteError(
                        index: indexes[j], code: error.code, message: error.message,
                        keyPattern: error.keyPattern, keyValue: error.keyValue))
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

    // MARK: - Read

    /// Finds the documents matching `filter`.
    ///
    /// The cursor is lazy and reads a snapshot taken now (see ``DocketCursor``).
    /// - Throws: the filter's, projection's or sort's parse errors (`BadValue` 2, …); `BadValue` for a negative skip
    ///   or batch size.
    /// - Complexity: O(1) to create; iterating is O(n) in the collection's size (O(1) when the filter pins `_id`).
    public func find(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) throws(DocketError)
        -> DocketCursor
    {
        let matcher = try Matcher(filter)
        guard options.skip >= 0 else {
            throw DocketError(.badValue, "Skip value must be non-negative, but received: \(options.skip)")
        }
        if let batchSize = options.batchSize, batchSize < 0 {
            throw DocketError(.badValue, "BatchSize value must be non-negative, but received: \(batchSize)")
        }
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        let sort = try options.sort.flatMap { spec throws(DocketError) in spec.isEmpty ? nil : try SortSpec(spec) }
        let engine = self.engine
        return DocketCursor(
            source: engine.readSource(for: matcher),
            matcher: matcher,
            projection: projection?.isIdentity == true ? nil : projection,
            sort: sort,
            skip: options.skip,
            limit: options.limit == Int.min ? Int.max : abs(options.limit),
            engine: engine
        )
    }

    /// The first document matching `filter` (in `options.sort` order, else natural order), or `nil`.
    /// - Throws: as ``find(_:options:)``.
    /// - Complexity: O(n) for a scan; O(1) when the filter pins `_id`.
    public func findOne(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) throws(DocketError)
        -> BSONDocument?
    {
        var options = options
        options.limit = 1
        var iterator = try find(filter, options: options).makeIterator()
        let document = iterator.next()
        if let error = iterator.error { throw error }
        return document
    }

    /// The number of documents matching `filter`, after `skip` and capped at `limit`.
    /// - Throws: the filter's parse errors; `BadValue` for a negative skip or limit.
    /// - Complexity: O(n); O(1) when the filter pins `_id`.
    public func countDocuments(_ filter: BSONDocument = [:], options: CountOptions = CountOptions()) throws(DocketError)
        -> Int
    {
        let matcher = try Matcher(filter)
        guard options.skip >= 0 else {
            throw DocketError(.badValue, "Skip value must be non-negative, but received: \(options.skip)")
        }
        guard options.limit >= 0 else {
            throw DocketError(.badValue, "Limit value must be non-negative, but received: \(options.limit)")
        }
        let engine = self.engine
        var count = 0
        switch engine.readSource(for: matcher) {
        case .records(let records):
            count = records.filter { matcher.matches($0) }.count
        case .snapshot(let store):
            if matcher.isMatchAll {
                count = store.count
            } else {
                var examined = 0
                store.forEach { _, raw in
                    examined += 1
                    if matcher.matches(raw) { count += 1 }
                    return true
                }
                engine.documentsExamined.add(examined, ordering: .relaxed)
            }
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
    /// is returned).
    /// - Note: Differs from MongoDB: the server returns distinct values in an unspecified order; Docket sorts them in
    ///   BSON order, for determinism.
    /// - Throws: the filter's parse errors; `BadValue` for an empty key.
    /// - Complexity: O(n + d log d) for n documents and d distinct values.
    public func distinct(_ key: String, filter: BSONDocument = [:]) throws(DocketError) -> [BSONValue] {
        guard !key.isEmpty else { throw DocketError(.badValue, "FieldPath cannot be constructed with empty string") }
        let matcher = try Matcher(filter)
        let components = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var seen = Set<BSONValue>()
        var values: [BSONValue] = []
        func add(_ value: BSONValue) {
            if seen.insert(value).inserted { values.append(value) }
        }
        func collect(_ value: BSONValue, _ rest: ArraySlice<String>) {
            guard let component = rest.first else {
                if case .array(let elements) = value { elements.forEach(add) } else { add(value) }
                return
            }
            switch value {
            case .document(let document):
                if let next = document[component] { collect(next, rest.dropFirst()) }
            case .array(let elements):
                if let index = Int(component), index >= 0, component.allSatisfy(\.isASCII), index < elements.count {
                    collect(elements[index], rest.dropFirst())
                }
                for element in elements {
                    if case .document = element { collect(element, rest) }
                }
            default: break
            }
        }
        let engine = self.engine
        var iterator = DocketCursor(
            source: engine.readSource(for: matcher), matcher: matcher, projection: nil, sort: nil, skip: 0, limit: 0,
            engine: engine
        ).makeIterator()
        while let document = iterator.next() {
            if let top = document[components[0]] { collect(top, components.dropFirst()) }
        }
        return values.sorted { BSONValue.compare($0, $1) < 0 }
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
        let sort = try options.sort.map { spec throws(DocketError) in try SortSpec(spec) }
        return try performUpdate(
            filter, .update(plan), multi: false, upsert: options.upsert, sort: sort, returning: nil
        ).result
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
        return try performUpdate(filter, .update(plan), multi: true, upsert: options.upsert, sort: nil, returning: nil)
            .result
    }

    /// Replaces the first document matching `filter` with `replacement`, keeping its `_id`.
    /// - Throws: `FailedToParse` (9) "Replacement document must not contain atomic operators" for top-level
    ///   `$`-keys; `ImmutableField` (66) if the replacement's `_id` differs; `DuplicateKey` (11000) when an upsert
    ///   collides; `BSONObjectTooLarge` (10334).
    /// - Complexity: O(1) when the filter pins `_id`, else O(n); plus the size of the document.
    @discardableResult
    public func replaceOne(
        _ filter: BSONDocument, _ replacement: BSONDocument, options: ReplaceOptions = ReplaceOptions()
    )
        throws(DocketError) -> UpdateResult
    {
        try Self.checkReplacement(replacement)
        let sort = try options.sort.map { spec throws(DocketError) in try SortSpec(spec) }
        return try performUpdate(
            filter, .replacement(replacement), multi: false, upsert: options.upsert, sort: sort, returning: nil
        ).result
    }

    // MARK: - Delete

    /// Deletes the first document matching `filter`.
    /// - Throws: the filter's parse errors.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    @discardableResult
    public func deleteOne(_ filter: BSONDocument) throws(DocketError) -> DeleteResult {
        try performDelete(filter, multi: false, sort: nil).result
    }

    /// Deletes every document matching `filter`, atomically with respect to readers.
    /// - Throws: the filter's parse errors.
    /// - Complexity: O(n).
    @discardableResult
    public func deleteMany(_ filter: BSONDocument) throws(DocketError) -> DeleteResult {
        try performDelete(filter, multi: true, sort: nil).result
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
        let sort = try options.sort.map { spec throws(DocketError) in try SortSpec(spec) }
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        let outcome = try performUpdate(
            filter, .update(plan), multi: false, upsert: options.upsert, sort: sort, returning: options.returnDocument)
        return try outcome.projected(projection)
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
        let sort = try options.sort.map { spec throws(DocketError) in try SortSpec(spec) }
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        let outcome = try performUpdate(
            filter, .replacement(replacement), multi: false, upsert: options.upsert, sort: sort,
            returning: options.returnDocument)
        return try outcome.projected(projection)
    }

    /// Deletes the first document matching `filter` (in `options.sort` order) and returns it, projected.
    /// - Returns: the deleted document, or `nil` when nothing matched.
    /// - Throws: the filter's, sort's and projection's parse errors.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    public func findOneAndDelete(_ filter: BSONDocument, options: FindOneAndDeleteOptions = FindOneAndDeleteOptions())
        throws(DocketError) -> BSONDocument?
    {
        let sort = try options.sort.map { spec throws(DocketError) in try SortSpec(spec) }
        let projection = try options.projection.map { spec throws(DocketError) in try Projection(spec) }
        let outcome = try performDelete(filter, multi: false, sort: sort)
        guard let deleted = outcome.deleted else { return nil }
        guard let projection else { return deleted.raw.document }
        return try projection.apply(to: deleted.raw.document, details: deleted.details)
    }

    // MARK: - Bulk

    /// Runs write operations in order.
    ///
    /// Ordered (the default), it stops at the first failing operation; unordered, it runs every operation. Each
    /// operation is atomic on its own; the batch as a whole is not (as in MongoDB).
    /// - Returns: the totals, and the ids of inserted and upserted documents by model index.
    /// - Throws: `FailedToParse` (9) before running anything when an update model has no operators or a replacement
    ///   has some; otherwise the first failure, whose ``DocketError/writeFailure`` holds every write error and the
    ///   partial result. `InvalidLength` (16) for an empty list.
    /// - Complexity: the sum of the operations'.
    @discardableResult
    public func bulkWrite(_ models: [WriteModel], ordered: Bool = true) throws(DocketError) -> BulkWriteResult {
        guard !models.isEmpty else {
            throw DocketError(.invalidLength, "Write batch sizes must be between 1 and 100000. Got 0 operations.")
        }
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
                try apply(model, index: index, into: &result)
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

    private func apply(_ model: WriteModel, index: Int, into result: inout BulkWriteResult) throws(DocketError) {
        switch model {
        case .insertOne(let document):
            let id = try insertOne(document).insertedID
            result.insertedIDs[index] = id
            result.insertedCount += 1
        case .updateOne(let filter, let update, let options):
            add(try updateOne(filter, update, options: options), index: index, into: &result)
        case .updateMany(let filter, let update, let options):
            add(try updateMany(filter, update, options: options), index: index, into: &result)
        case .replaceOne(let filter, let replacement, let options):
            add(try replaceOne(filter, replacement, options: options), index: index, into: &result)
        case .deleteOne(let filter):
            result.deletedCount += try deleteOne(filter).deletedCount
        case .deleteMany(let filter):
            result.deletedCount += try deleteMany(filter).deletedCount
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
