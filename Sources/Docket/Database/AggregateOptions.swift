/// Options of ``DocketCollection/aggregate(_:options:)`` and ``DocketDatabase/aggregate(_:options:)``.
///
/// ```swift
/// let cursor = try orders.aggregate(
///     [["$match": ["status": "paid"]], ["$sort": ["total": -1]], ["$limit": 10]],
///     options: AggregateOptions(allowDiskUse: false, maxTimeMS: 500))
/// ```
public struct AggregateOptions: Sendable {
    /// Whether blocking stages (`$sort`, `$group`, `$sample`, `$facet`, `$bucketAuto`) may go past MongoDB's 100 MB
    /// per-stage memory limit. `nil` (the default, as in MongoDB 6+) and `true` allow it: `$sort` and `$group` then
    /// spill to temporary files (`ExecutionStats.spills`); `false` makes such a stage fail with
    /// `QueryExceededMemoryLimitNoDiskUseAllowed` (292).
    /// - Note: Differs from MongoDB: `$sample`, `$facet` and `$bucketAuto` keep their data in memory when allowed.
    public var allowDiskUse: Bool?
    /// The number of documents per batch. Accepted for compatibility; an in-memory cursor streams documents one by
    /// one. Must be non-negative.
    public var batchSize: Int?
    /// Variables the pipeline's expressions read as `$$name`.
    public var `let`: BSONDocument?
    /// A comment attached to the operation (MongoDB shows it in logs and profiles); it has no effect here.
    public var comment: BSONValue?
    /// The most time, in milliseconds, the pipeline may run (counted from the start of each iteration); `0` or
    /// `nil` for no limit. Past it, the iteration fails with `MaxTimeMSExpired` (50).
    public var maxTimeMS: Int?
    /// An index to use for the pipeline's leading `$match`/`$sort`, by name (`"_id_"`) or key pattern
    /// (`["_id": 1]`), or `["$natural": 1]` / `["$natural": -1]` for a collection scan.
    public var hint: BSONValue?

    /// The per-stage memory limit in bytes (MongoDB's 100 MB); tests make it smaller.
    var memoryLimitBytes = PipelineRunContext.defaultMemoryLimitBytes
    /// Whether the optimizer rewrites the pipeline (and fused scans replace stages); tests compare results both ways.
    var optimizes = true
    /// The collection size from which a fused scan uses more than one core; tests lower it.
    var parallelScanMinimum = 65_536

    /// Creates aggregate options.
    public init(
        allowDiskUse: Bool? = nil,
        batchSize: Int? = nil,
        `let` variables: BSONDocument? = nil,
        comment: BSONValue? = nil,
        maxTimeMS: Int? = nil,
        hint: BSONValue? = nil
    ) {
        self.allowDiskUse = allowDiskUse
        self.batchSize = batchSize
        self.let = variables
        self.comment = comment
        self.maxTimeMS = maxTimeMS
        self.hint = hint
    }
}
