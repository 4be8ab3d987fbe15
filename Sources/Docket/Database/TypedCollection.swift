/// A collection viewed through a `Codable` model: documents go in and come out through `BSONEncoder` and
/// `BSONDecoder`; filters, updates, projections and sorts stay documents.
///
/// ```swift
/// struct User: Codable { var _id: Int; var email: String; var status: String }
/// let users = client.database("app").collection("users", as: User.self)
/// try users.insertOne(User(_id: 1, email: "ada@example.com", status: "active"))
/// let active: [User] = try users.find(["status": "active"])
/// ```
///
/// Reads decode eagerly (`find` returns an array), so a decoding failure is thrown, not hidden in a sequence; use
/// ``documents`` for a lazy ``DocketCursor``.
public struct TypedCollection<Model: Codable> {
    /// The underlying document collection.
    public let documents: DocketCollection

    /// The encoder models are written with.
    public var encoder = BSONEncoder()
    /// The decoder documents are read with.
    public var decoder = BSONDecoder()

    /// Wraps a document collection.
    public init(_ documents: DocketCollection) { self.documents = documents }

    /// The collection's name.
    public var name: String { documents.name }

    private func encode(_ model: Model) throws(DocketError) -> BSONDocument {
        do { return try encoder.encode(model) } catch {
            throw DocketError(.badValue, "cannot encode \(Model.self): \(error)", underlying: error)
        }
    }

    private func decode(_ document: BSONDocument) throws(DocketError) -> Model {
        do { return try decoder.decode(Model.self, from: document) } catch {
            throw DocketError(.typeMismatch, "cannot decode \(Model.self): \(error)", underlying: error)
        }
    }

    /// Inserts a model (see ``DocketCollection/insertOne(_:)``).
    /// - Throws: `BadValue` (2) if the model cannot be encoded; otherwise as ``DocketCollection/insertOne(_:)``.
    /// - Complexity: O(size of the document).
    @discardableResult
    public func insertOne(_ model: Model) throws(DocketError) -> InsertOneResult {
        try documents.insertOne(try encode(model))
    }

    /// Inserts models (see ``DocketCollection/insertMany(_:ordered:)``).
    /// - Throws: `BadValue` (2) if a model cannot be encoded (nothing is inserted then); otherwise as
    ///   ``DocketCollection/insertMany(_:ordered:)``.
    /// - Complexity: O(total size of the documents).
    @discardableResult
    public func insertMany(_ models: [Model], ordered: Bool = true) throws(DocketError) -> InsertManyResult {
        var encoded: [BSONDocument] = []
        encoded.reserveCapacity(models.count)
        for model in models { encoded.append(try encode(model)) }
        return try documents.insertMany(encoded, ordered: ordered)
    }

    /// The models matching `filter`, decoded.
    /// - Throws: `TypeMismatch` (14) if a document does not decode as `Model` (use a projection-free find);
    ///   otherwise as ``DocketCollection/find(_:options:)``.
    /// - Complexity: O(n).
    public func find(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) throws(DocketError) -> [Model]
    {
        var models: [Model] = []
        for document in try documents.find(filter, options: options).toArray() { models.append(try decode(document)) }
        return models
    }

    /// The first model matching `filter`, or `nil`.
    /// - Throws: as ``find(_:options:)``.
    /// - Complexity: O(n); O(1) when the filter pins `_id`.
    public func findOne(_ filter: BSONDocument = [:], options: FindOptions = FindOptions()) throws(DocketError)
        -> Model?
    {
        try documents.findOne(filter, options: options).map { d throws(DocketError) in try decode(d) }
    }

    /// Runs an aggregation pipeline and decodes each result as a model (see
    /// ``DocketCollection/aggregate(_:options:)``).
    ///
    /// ```swift
    /// let admins: [User] = try users.aggregate([["$match": ["role": "admin"]], ["$sort": ["name": 1]]])
    /// ```
    /// - Throws: `TypeMismatch` (14) if a result does not decode as `Model`; otherwise as
    ///   ``DocketCollection/aggregate(_:options:)``, including the errors raised while iterating.
    /// - Complexity: as ``DocketCollection/aggregate(_:options:)``, plus decoding the results.
    public func aggregate(_ pipeline: [BSONDocument], options: AggregateOptions = AggregateOptions())
        throws(DocketError) -> [Model]
    {
        try aggregate(pipeline, as: Model.self, options: options)
    }

    /// Runs an aggregation pipeline and decodes each result as `Output` — for pipelines that reshape documents
    /// (`$group`, `$project`, `$count`).
    ///
    /// ```swift
    /// struct Total: Decodable { var total: Int }
    /// let count = try users.aggregate([["$count": "total"]], as: Total.self).first?.total
    /// ```
    /// - Throws: `TypeMismatch` (14) if a result does not decode as `Output`; otherwise as
    ///   ``DocketCollection/aggregate(_:options:)``.
    /// - Complexity: as ``DocketCollection/aggregate(_:options:)``, plus decoding the results.
    public func aggregate<Output: Decodable>(
        _ pipeline: [BSONDocument], as type: Output.Type, options: AggregateOptions = AggregateOptions()
    ) throws(DocketError) -> [Output] {
        var results: [Output] = []
        var iterator = try documents.aggregate(pipeline, options: options).makeIterator()
        while let document = try iterator.next() {
            do { results.append(try decoder.decode(Output.self, from: document)) } catch {
                throw DocketError(.typeMismatch, "cannot decode \(Output.self): \(error)", underlying: error)
            }
        }
        return results
    }

    /// Counts matching documents (see ``DocketCollection/countDocuments(_:options:)``).
    /// - Throws: as ``DocketCollection/countDocuments(_:options:)``.
    /// - Complexity: O(n).
    public func countDocuments(_ filter: BSONDocument = [:], options: CountOptions = CountOptions()) throws(DocketError)
        -> Int
    {
        try documents.countDocuments(filter, options: options)
    }

    /// Updates the first match (see ``DocketCollection/updateOne(_:_:options:)``).
    /// - Throws: as ``DocketCollection/updateOne(_:_:options:)``.
    /// - Complexity: as ``DocketCollection/updateOne(_:_:options:)``.
    @discardableResult
    public func updateOne(_ filter: BSONDocument, _ update: BSONDocument, options: UpdateOptions = UpdateOptions())
        throws(DocketError) -> UpdateResult
    {
        try documents.updateOne(filter, update, options: options)
    }

    /// Updates every match (see ``DocketCollection/updateMany(_:_:options:)``).
    /// - Throws: as ``DocketCollection/updateMany(_:_:options:)``.
    /// - Complexity: O(n).
    @discardableResult
    public func updateMany(_ filter: BSONDocument, _ update: BSONDocument, options: UpdateOptions = UpdateOptions())
        throws(DocketError) -> UpdateResult
    {
        try documents.updateMany(filter, update, options: options)
    }

    /// Updates the first match with an aggregation pipeline (see ``DocketCollection/updateOne(_:pipeline:options:)``).
    /// - Throws: as ``DocketCollection/updateOne(_:pipeline:options:)``.
    /// - Complexity: as ``DocketCollection/updateOne(_:pipeline:options:)``.
    @discardableResult
    public func updateOne(
        _ filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions()
    ) throws(DocketError) -> UpdateResult {
        try documents.updateOne(filter, pipeline: pipeline, options: options)
    }

    /// Updates every match with an aggregation pipeline (see ``DocketCollection/updateMany(_:pipeline:options:)``).
    /// - Throws: as ``DocketCollection/updateMany(_:pipeline:options:)``.
    /// - Complexity: O(n).
    @discardableResult
    public func updateMany(
        _ filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions()
    ) throws(DocketError) -> UpdateResult {
        try documents.updateMany(filter, pipeline: pipeline, options: options)
    }

    /// Replaces the first match with a model (see ``DocketCollection/replaceOne(_:_:options:)``).
    /// - Throws: `BadValue` (2) if the model cannot be encoded; otherwise as
    ///   ``DocketCollection/replaceOne(_:_:options:)``.
    /// - Complexity: as ``DocketCollection/replaceOne(_:_:options:)``.
    @discardableResult
    public func replaceOne(_ filter: BSONDocument, _ replacement: Model, options: ReplaceOptions = ReplaceOptions())
        throws(DocketError) -> UpdateResult
    {
        try documents.replaceOne(filter, try encode(replacement), options: options)
    }

    /// Deletes the first match.
    /// - Throws: as ``DocketCollection/deleteOne(_:)``.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    @discardableResult
    public func deleteOne(_ filter: BSONDocument) throws(DocketError) -> DeleteResult {
        try documents.deleteOne(filter)
    }

    /// Deletes every match.
    /// - Throws: as ``DocketCollection/deleteMany(_:)``.
    /// - Complexity: O(n).
    @discardableResult
    public func deleteMany(_ filter: BSONDocument) throws(DocketError) -> DeleteResult {
        try documents.deleteMany(filter)
    }

    /// Updates the first match and returns it as a model, before or after the update.
    /// - Throws: as ``DocketCollection/findOneAndUpdate(_:_:options:)``; `TypeMismatch` (14) if the result does not
    ///   decode.
    /// - Complexity: as ``DocketCollection/updateOne(_:_:options:)``.
    public func findOneAndUpdate(
        _ filter: BSONDocument, _ update: BSONDocument, options: FindOneAndUpdateOptions = FindOneAndUpdateOptions()
    ) throws(DocketError) -> Model? {
        try documents.findOneAndUpdate(filter, update, options: options).map { d throws(DocketError) in
            try decode(d)
        }
    }

    /// Updates the first match with an aggregation pipeline and returns it as a model, before or after the update
    /// (see ``DocketCollection/findOneAndUpdate(_:pipeline:options:)``).
    /// - Throws: as ``DocketCollection/findOneAndUpdate(_:pipeline:options:)``; `TypeMismatch` (14) if the result
    ///   does not decode.
    /// - Complexity: as ``DocketCollection/updateOne(_:pipeline:options:)``.
    public func findOneAndUpdate(
        _ filter: BSONDocument, pipeline: [BSONDocument],
        options: FindOneAndUpdateOptions = FindOneAndUpdateOptions()
    ) throws(DocketError) -> Model? {
        try documents.findOneAndUpdate(filter, pipeline: pipeline, options: options).map { d throws(DocketError) in
            try decode(d)
        }
    }

    /// Replaces the first match with a model and returns the match, before or after, as a model.
    /// - Throws: as ``DocketCollection/findOneAndReplace(_:_:options:)``; `TypeMismatch` (14) if the result does
    ///   not decode.
    /// - Complexity: as ``DocketCollection/replaceOne(_:_:options:)``.
    public func findOneAndReplace(
        _ filter: BSONDocument, _ replacement: Model, options: FindOneAndReplaceOptions = FindOneAndReplaceOptions()
    ) throws(DocketError) -> Model? {
        try documents.findOneAndReplace(filter, try encode(replacement), options: options).map {
            d throws(DocketError) in try decode(d)
        }
    }

    /// Deletes the first match and returns it as a model.
    /// - Throws: as ``DocketCollection/findOneAndDelete(_:options:)``; `TypeMismatch` (14) if it does not decode.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    public func findOneAndDelete(_ filter: BSONDocument, options: FindOneAndDeleteOptions = FindOneAndDeleteOptions())
        throws(DocketError) -> Model?
    {
        try documents.findOneAndDelete(filter, options: options).map { d throws(DocketError) in try decode(d) }
    }

    /// Drops the collection.
    public func drop() { documents.drop() }
}

extension TypedCollection: Sendable {}
