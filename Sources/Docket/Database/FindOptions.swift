/// Options of ``DocketCollection/find(_:options:)`` and ``DocketCollection/findOne(_:options:)``.
///
/// ```swift
/// let page = try users.find(["status": "active"], options: FindOptions(sort: ["_id": 1], limit: 20))
/// ```
public struct FindOptions: Sendable {
    /// The fields to return (MongoDB projection document); `nil` returns whole documents.
    public var projection: BSONDocument?
    /// The sort order (`["age": -1, "_id": 1]`); `nil` returns documents in natural (insertion) order.
    public var sort: BSONDocument?
    /// The number of matching documents to skip. Must be non-negative.
    public var skip: Int
    /// The maximum number of documents to return; `0` means no limit. A negative limit is treated as its absolute
    /// value (MongoDB's "single batch" request: there are no batches in memory).
    public var limit: Int
    /// The number of documents per batch. Accepted for compatibility; an in-memory cursor streams documents one by
    /// one, so it has no effect. Must be non-negative.
    public var batchSize: Int?
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?
    /// Variables the filter's `$expr` reads as `$$name`: each value is an expression evaluated once, before the
    /// query runs.
    public var `let`: BSONDocument?

    /// Creates find options.
    public init(
        projection: BSONDocument? = nil,
        sort: BSONDocument? = nil,
        skip: Int = 0,
        limit: Int = 0,
        batchSize: Int? = nil,
        hint: BSONValue? = nil,
        `let` variables: BSONDocument? = nil
    ) {
        self.let = variables
        self.hint = hint
        self.projection = projection
        self.sort = sort
        self.skip = skip
        self.limit = limit
        self.batchSize = batchSize
    }
}

/// Options of ``DocketCollection/countDocuments(_:options:)``.
public struct CountOptions: Sendable {
    /// The number of matching documents to skip before counting. Must be non-negative.
    public var skip: Int
    /// The maximum count; `0` means no limit. Must be non-negative.
    public var limit: Int
    /// An index to use, by name (`"_id_"`) or key pattern (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]`
    /// for a collection scan in natural or reverse order.
    public var hint: BSONValue?

    /// Creates count options.
    public init(skip: Int = 0, limit: Int = 0, hint: BSONValue? = nil) {
        self.hint = hint
        self.skip = skip
        self.limit = limit
    }
}
