/// The result of ``DocumentCollection/insertOne(_:)``.
public struct InsertOneResult: Sendable, Hashable {
    /// The `_id` of the inserted document (generated when the document had none).
    public var insertedId: BSONValue
}

/// The result of ``DocumentCollection/insertMany(_:ordered:)``.
public struct InsertManyResult: Sendable, Hashable {
    /// The `_id` of each inserted document, by its index in the input.
    public var insertedIds: [Int: BSONValue]
    /// The number of documents inserted.
    public var insertedCount: Int { insertedIds.count }
}

/// The result of an update or replace.
public struct UpdateResult: Sendable, Hashable {
    /// The number of documents the filter matched (0 when an upsert inserted).
    public var matchedCount: Int
    /// The number of documents changed (a `$set` to the same value matches without modifying).
    public var modifiedCount: Int
    /// The `_id` of the inserted document when an upsert inserted one.
    public var upsertedId: BSONValue?
    /// 1 when an upsert inserted a document, else 0.
    public var upsertedCount: Int { upsertedId == nil ? 0 : 1 }

    /// Creates a result.
    public init(matchedCount: Int = 0, modifiedCount: Int = 0, upsertedId: BSONValue? = nil) {
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.upsertedId = upsertedId
    }
}

/// The result of ``DocumentCollection/deleteOne(_:)`` and ``DocumentCollection/deleteMany(_:)``.
public struct DeleteResult: Sendable, Hashable {
    /// The number of documents deleted.
    public var deletedCount: Int
}

/// The result of ``DocumentCollection/bulkWrite(_:ordered:)``: the totals of its operations.
public struct BulkWriteResult: Sendable, Hashable {
    /// Documents inserted by `insertOne` models.
    public var insertedCount: Int = 0
    /// The `_id` of each inserted document, by the index of its model.
    public var insertedIds: [Int: BSONValue] = [:]
    /// Documents matched by update and replace models.
    public var matchedCount: Int = 0
    /// Documents changed by update and replace models.
    public var modifiedCount: Int = 0
    /// Documents deleted.
    public var deletedCount: Int = 0
    /// Documents inserted by upserts.
    public var upsertedCount: Int { upsertedIds.count }
    /// The `_id` of each upserted document, by the index of its model.
    public var upsertedIds: [Int: BSONValue] = [:]

    /// Creates an empty result.
    public init() {}
}
