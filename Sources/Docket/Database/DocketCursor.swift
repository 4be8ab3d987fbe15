/// The lazy result of ``DocketCollection/find(_:options:)`` and ``DocketCollection/aggregate(_:options:)``.
///
/// A cursor reads one snapshot of the collection, taken when `find` (or `aggregate`) was called: writes made afterwards are not
/// visible to it, and it never blocks them. Unsorted results stream in the plan's order (natural order for a scan),
/// matching and decoding one document at a time; a sort reads sort keys from the stored bytes and keeps only
/// `skip + limit` of them when a limit is given. Only returned documents are decoded — with a projection, only the
/// fields it needs. Each iteration restarts from the same snapshot.
///
/// Reading a document can fail (a positional `$` projection without a matching array element, damaged stored
/// bytes), so every way to iterate surfaces errors — there is no `Sequence` conformance that could end a `for … in`
/// loop silently:
///
/// ```swift
/// let cursor = try users.find(["status": "active"], options: FindOptions(limit: 10))
/// for try await user in cursor { print(user["email"]!) }     // async code
/// var iterator = cursor.makeIterator()                      // synchronous code
/// while let user = try iterator.next() { print(user["email"]!) }
/// try cursor.forEach { print($0) }
/// let all = try cursor.toArray()
/// ```
public struct DocketCursor: Sendable {
    /// What the cursor reads: a find, or an aggregation pipeline.
    enum Source: Sendable {
        case find(ReadQuery, CollectionSnapshot)
        case pipeline(AggregationPlan)
    }

    let source: Source

    init(query: ReadQuery, snapshot: CollectionSnapshot) { source = .find(query, snapshot) }

    init(pipeline: AggregationPlan) { source = .pipeline(pipeline) }

    /// All the results, in order.
    /// - Throws: the first error met while reading (see the type's discussion).
    /// - Complexity: O(n) for a scan (O(n log k) sorted with a limit k), where n is the number of documents the
    ///   plan examines.
    public func toArray() throws(DocketError) -> [BSONDocument] {
        var iterator = makeIterator()
        var result: [BSONDocument] = []
        while let document = try iterator.next() { result.append(document) }
        return result
    }

    /// Calls `body` with each result, in order.
    /// - Throws: the first error met while reading, or the first error `body` throws (iteration stops there).
    public func forEach(_ body: (BSONDocument) throws -> Void) throws {
        var iterator = makeIterator()
        while let document = try iterator.next() { try body(document) }
    }

    /// Starts an iteration over the cursor's snapshot.
    public func makeIterator() -> Iterator {
        switch source {
        case .find(let query, let snapshot): Iterator(execution: QueryExecution(query: query, snapshot: snapshot))
        case .pipeline(let plan): Iterator(pipeline: PipelineExecution(plan))
        }
    }

    /// Iterates a ``DocketCursor`` synchronously.
    public struct Iterator {
        // Two optionals rather than an enum: a find's execution is mutated in place, never copied out of a payload.
        var execution: QueryExecution?
        var pipeline: PipelineExecution?

        init(execution: QueryExecution) { self.execution = execution }

        init(pipeline: PipelineExecution) { self.pipeline = pipeline }

        /// The next document, or `nil` at the end.
        /// - Throws: an error reading a document (or, for a pipeline, an error a stage raises); the iteration then
        ///   ends.
        public mutating func next() throws(DocketError) -> BSONDocument? {
            if execution != nil { return try execution!.next() }
            return try pipeline!.next()
        }

        /// What the iteration has done so far: documents examined, returned and decoded, time.
        public var stats: ExecutionStats { execution?.stats ?? pipeline!.stats }
    }
}

@available(*, unavailable)
extension DocketCursor.Iterator: Sendable {}

extension DocketCursor: AsyncSequence {
    public typealias Element = BSONDocument
    public typealias Failure = DocketError

    /// Iterates a ``DocketCursor`` in async code: `for try await document in cursor`.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: Iterator

        /// The next document, or `nil` at the end.
        public mutating func next() async throws(DocketError) -> BSONDocument? { try base.next() }

        /// The next document, or `nil` at the end.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(DocketError) -> BSONDocument? {
            try base.next()
        }
    }

    /// Starts an async iteration over the cursor's snapshot.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: makeIterator()) }
}
