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
/// ``documents`` for a lazy ``Cursor``.
public struct TypedCollection<Model: Codable> {
    /// The underlying document collection.
    public let documents: DocumentCollection

    /// The encoder models are written with.
    public var encoder = BSONEncoder()
    /// The decoder documents are read with.
    public var decoder = BSONDecoder()

    /// Wraps a document collection.
    public init(_ documents: DocumentCollection) { self.documents = documents }

    /// The collection's name.
    public var name: String { documents.name }

    private func encode(_ model: Model) throws(DatabaseError) -> Document {
        do { return try encoder.encode(model) } catch {
            throw DatabaseError(.badValue, "cannot encode \(Model.self): \(error)", underlying: error)
        }
    }

    private func decode(_ document: Document) throws(DatabaseError) -> Model {
        do { return try decoder.decode(Model.self, from: document) } catch {
            throw DatabaseError(.typeMismatch, "cannot decode \(Model.self): \(error)", underlying: error)
        }
    }

    /// Inserts a model (see ``DocumentCollection/insertOne(_:)``).
    /// - Throws: `BadValue` (2) if the model cannot be encoded; otherwise as ``DocumentCollection/insertOne(_:)``.
    /// - Complexity: O(size of the document).
    @discardableResult
    public func insertOne(_ model: Model) throws(DatabaseError) -> InsertOneResult {
        try documents.insertOne(try encode(model))
    }

    /// Inserts models (see ``DocumentCollection/insertMany(_:ordered:)``).
    /// - Throws: `BadValue` (2) if a model cannot be encoded (nothing is inserted then); otherwise as
    ///   ``DocumentCollection/insertMany(_:ordered:)``.
    /// - Complexity: O(total size of the documents).
    @discardableResult
    public func insertMany(_ models: [Model], ordered: Bool = true) throws(DatabaseError) -> InsertManyResult {
        var encoded: [Document] = []
        encoded.reserveCapacity(models.count)
        for model in models { encoded.append(try encode(model)) }
        return try documents.insertMany(encoded, ordered: ordered)
    }

    /// The models matching `filter`, decoded.
    /// - Throws: `TypeMismatch` (14) if a document does not decode as `Model` (use a projection-free find);
    ///   otherwise as ``DocumentCollection/find(_:options:)``.
    /// - Complexity: O(n).
    public func find(_ filter: Document = [:], options: FindOptions = FindOptions()) throws(DatabaseError) -> [Model] {
        var models: [Model] = []
        for document in try documents.find(filter, options: options).toArray() { models.append(try decode(document)) }
        return models
    }

    /// The first model matching `filter`, or `nil`.
    /// - Throws: as ``find(_:options:)``.
    /// - Complexity: O(n); O(1) when the filter pins `_id`.
    public func findOne(_ filter: Document = [:], options: FindOptions = FindOptions()) throws(DatabaseError) -> Model?
    {
        try documents.findOne(filter, options: options).map { d throws(DatabaseError) in try decode(d) }
    }

    /// Counts matching documents (see ``DocumentCollection/countDocuments(_:options:)``).
    /// - Throws: as ``DocumentCollection/countDocuments(_:options:)``.
    /// - Complexity: O(n).
    public func countDocuments(_ filter: Document = [:], options: CountOptions = CountOptions()) throws(DatabaseError)
        -> Int
    {
        try documents.countDocuments(filter, options: options)
    }

    /// Updates the first match (see ``DocumentCollection/updateOne(_:_:options:)``).
    /// - Throws: as ``DocumentCollection/updateOne(_:_:options:)``.
    /// - Complexity: as ``DocumentCollection/updateOne(_:_:options:)``.
    @discardableResult
    public func updateOne(_ filter: Document, _ update: Document, options: UpdateOptions = UpdateOptions())
        throws(DatabaseError) -> UpdateResult
    {
        try documents.updateOne(filter, update, options: options)
    }

    /// Updates every match (see ``DocumentCollection/updateMany(_:_:options:)``).
    /// - Throws: as ``DocumentCollection/updateMany(_:_:options:)``.
    /// - Complexity: O(n).
    @discardableResult
    public func updateMany(_ filter: Document, _ update: Document, options: UpdateOptions = UpdateOptions())
        throws(DatabaseError) -> UpdateResult
    {
        try documents.updateMany(filter, update, options: options)
    }

    /// Replaces the first match with a model (see ``DocumentCollection/replaceOne(_:_:options:)``).
    /// - Throws: `BadValue` (2) if the model cannot be encoded; otherwise as
    ///   ``DocumentCollection/replaceOne(_:_:options:)``.
    /// - Complexity: as ``DocumentCollection/replaceOne(_:_:options:)``.
    @discardableResult
    public func replaceOne(_ filter: Document, _ replacement: Model, options: ReplaceOptions = ReplaceOptions())
        throws(DatabaseError) -> UpdateResult
    {
        try documents.replaceOne(filter, try encode(replacement), options: options)
    }

    /// Deletes the first match.
    /// - Throws: as ``DocumentCollection/deleteOne(_:)``.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    @discardableResult
    public func deleteOne(_ filter: Document) throws(DatabaseError) -> DeleteResult {
        try documents.deleteOne(filter)
    }

    /// Deletes every match.
    /// - Throws: as ``DocumentCollection/deleteMany(_:)``.
    /// - Complexity: O(n).
    @discardableResult
    public func deleteMany(_ filter: Document) throws(DatabaseError) -> DeleteResult {
        try documents.deleteMany(filter)
    }

    /// Updates the first match and returns it as a model, before or after the update.
    /// - Throws: as ``DocumentCollection/findOneAndUpdate(_:_:options:)``; `TypeMismatch` (14) if the result does not
    ///   decode.
    /// - Complexity: as ``DocumentCollection/updateOne(_:_:options:)``.
    public func findOneAndUpdate(
        _ filter: Document, _ update: Document, options: FindOneAndUpdateOptions = FindOneAndUpdateOptions()
    ) throws(DatabaseError) -> Model? {
        try documents.findOneAndUpdate(filter, update, options: options).map { d throws(DatabaseError) in
            try decode(d)
        }
    }

    /// Replaces the first match with a model and returns the match, before or after, as a model.
    /// - Throws: as ``DocumentCollection/findOneAndReplace(_:_:options:)``; `TypeMismatch` (14) if the result does
    ///   not decode.
    /// - Complexity: as ``DocumentCollection/replaceOne(_:_:options:)``.
    public func findOneAndReplace(
        _ filter: Document, _ replacement: Model, options: FindOneAndReplaceOptions = FindOneAndReplaceOptions()
    ) throws(DatabaseError) -> Model? {
        try documents.findOneAndReplace(filter, try encode(replacement), options: options).map {
            d throws(DatabaseError) in try decode(d)
        }
    }

    /// Deletes the first match and returns it as a model.
    /// - Throws: as ``DocumentCollection/findOneAndDelete(_:options:)``; `TypeMismatch` (14) if it does not decode.
    /// - Complexity: O(1) when the filter pins `_id`, else O(n).
    public func findOneAndDelete(_ filter: Document, options: FindOneAndDeleteOptions = FindOneAndDeleteOptions())
        throws(DatabaseError) -> Model?
    {
        try documents.findOneAndDelete(filter, options: options).map { d throws(DatabaseError) in try decode(d) }
    }

    /// Drops the collection.
    public func drop() { documents.drop() }
}

extension TypedCollection: Sendable {}
