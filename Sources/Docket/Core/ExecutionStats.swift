#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one query or write did, counted as it ran: MongoDB's `executionStats` counters, per operation.
///
/// A cursor carries the statistics of its own iteration (``DocketCursor/Iterator/stats``), so concurrent queries
/// never mix their counts. `explain("executionStats")` reports them.
///
/// ```swift
/// var iterator = try users.find(["email": "ada@example.com"]).makeIterator()
/// while let user = try iterator.next() { print(user) }
/// iterator.stats.documentsExamined   // 1 when the email index is used, the collection size for a scan
/// ```
public struct ExecutionStats: Sendable, Hashable {
    /// Index keys examined (`totalKeysExamined`).
    public var keysExamined = 0
    /// Stored documents examined (`totalDocsExamined`).
    public var documentsExamined = 0
    /// Documents returned (`nReturned`).
    public var returned = 0
    /// Stored documents decoded into ``BSONDocument`` values: only those returned (and, with a projection, only the
    /// projected fields of those), however many were examined or sorted.
    public var documentsDecoded = 0
    /// Time spent executing, in nanoseconds (`executionTimeMillis` × 10⁶, measured finer).
    public var executionNanoseconds: UInt64 = 0
    /// How many times an aggregation's `$sort` or `$group` wrote to temporary files past the memory limit (MongoDB's
    /// `spills`; `usedDisk` when above zero).
    public var spills = 0
    /// The bytes those spills wrote (`spilledBytes`).
    public var spilledBytes = 0

    /// Creates empty statistics.
    public init() {}

    /// `executionTimeMillis`, as MongoDB reports it.
    public var executionTimeMillis: Int { Int(executionNanoseconds / 1_000_000) }
}

/// The monotonic clock every deadline (`maxTimeMS`) and execution time is read from.
enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point.
    @inline(__always) static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}
