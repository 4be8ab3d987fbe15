/// The result of ``DocketCollection/insertOne(_:)``.
public struct InsertOneResult: Sendable, Hashable {
    /// The `_id` of the inserted document (generated when the document had none).
    public var insertedID: BSONValue
}

/// The result of ``DocketCollection/insertMany(_:ordered:)``.
public struct InsertManyResult: Sendable, Hashable {
    /// The `_id` of each inserted document, by its index in the input.
    public var insertedIDs: [Int: BSONValue]
    /// The number of documents inserted.
    public var insertedCount: Int { insertedIDs.count }
}

/// The result of an update or replace.
public struct UpdateResult: Sendable, Hashable {
    /// The number of documents the filter matched (0 when an upsert inserted).
    public var matchedCount: Int
    /// The number of documents changed (a `$set` to the same value matches without modifying).
    public var modifiedCount: Int
    /// The `_id` of the inserted document when an upsert inserted one.
    public var upsertedID: BSONValue?
    /// 1 when an upsert inserted a document, else 0.
    public var upsertedCount: Int { upsertedID == nil ? 0 : 1 }

    /// Creates a result.
    public init(matchedCount: Int = 0, modifiedCount: Int = 0, upsertedID: BSONValue? = nil) {
        self.matchedCount = matchedCount
        self.modifiedCount = modifiedCount
        self.upsertedID = upsertedID
    }
}

/// The result of ``DocketCollection/deleteOne(_:)`` and ``DocketCollection/deleteMany(_:)``.
public struct DeleteResult: Sendable, Hashable {
    /// The number of documents deleted.
    public var deletedCount: Int
}

/// The result of ``DocketCollection/bulkWrite(_:ordered:)``: the totals of its operations.
public struct BulkWriteResult: Sendable, Hashable {
    /// Documents inserted by `insertOne` models.
    public var insertedCount: Int = 0
    /// The `_id` of each inserted document, by the index of its model.
    public var insertedIDs: [Int: BSONValue] = [:]
    /// Documents matched by update and replace models.
    public var matchedCount: Int = 0
    /// Documents changed by update and replace models.
    public var modifiedCount: Int = 0
    /// Documents deleted.
    public var deletedCount: Int = 0
    /// Documents inserted by upserts.
    public var upsertedCount: Int { upsertedIDs.count }
    /// The `_id` of each upserted document, by the index of its model.
    public var upsertedIDs: [Int: BSONValue] = [:]

    /// Creates an empty result.
    public init() {}
}
