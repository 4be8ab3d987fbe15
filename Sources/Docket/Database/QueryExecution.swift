import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The read path (ARCHITECTURE.md): a compiled `ReadQuery` (matcher, access path, sort, projection, skip, limit) runs
// over a `CollectionSnapshot`. `MatchingDocuments` walks the access path and applies the matcher on the stored bytes;
// a sort keeps sort keys read from the bytes in the one `SortBuffer` (bounded to skip + limit: a top-k); only the
// documents returned are decoded, and with a projection only the fields it needs. Writes select their targets with
// the same `MatchingDocuments` and `SortBuffer`.

/// A compiled read: everything a cursor needs, parsed once.
struct ReadQuery: Sendable {
    let matcher: Matcher
    let access: AccessPath
    let sort: SortSpec?
    let projection: Projection?
    let skip: Int
    /// The most documents returned; `0` for no limit.
    let limit: Int

    /// How many sorted documents must be kept: `skip + limit`, saturating, or `nil` when unlimited.
    var sortBound: Int? {
        guard limit > 0 else { return nil }
        let (sum, overflow) = skip.addingReportingOverflow(limit)
        return overflow ? nil : sum
    }
}

/// One stored document a query selected, with the match details the positional operator needs.
struct MatchedDocument: Sendable {
    let rid: RecordID
    let raw: RawDocument
    let details: MatchDetails
}

/// The stored documents of a snapshot that match a filter, read through an access path: the one candidate source
/// of reads and writes.
struct MatchingDocuments {
    let snapshot: CollectionSnapshot
    let matcher: Matcher
    let access: AccessPath
    /// The next record a scan tests, or `nil` when the scan is done.
    private var position: RecordID?
    /// The next key of an `_id` lookup.
    private var keyIndex = 0
    /// Why the scan stopped early: the filter could not be evaluated on a document (a failing `$expr`), or the
    /// deadline passed.
    private(set) var failure: DocketError?
    /// When set (a monotonic clock reading, ``QueryExecution/now()``), a scan gives up once the clock passes it,
    /// failing with `MaxTimeMSExpired` (an aggregation's `maxTimeMS`).
    var deadline: UInt64?

    init(snapshot: CollectionSnapshot, matcher: Matcher, access: AccessPath) {
        self.snapshot = snapshot
        self.matcher = matcher
        self.access = access
        if case .collectionScan(let forward) = access { position = RecordStore.start(forward: forward) }
    }

    /// The next matching document, counting what it examined in `stats`.
    mutating func next(_ stats: inout ExecutionStats) -> MatchedDocument? {
        switch access {
        case .collectionScan(let forward):
            guard let start = position else { return nil }
            var details = MatchDetails()
            let matcher = self.matcher
            let found: (RecordID, RawDocument)?
            if let deadline {
                var untilClockCheck = 64
                found = snapshot.store.first(
                    from: start, forward: forward, examined: &stats.documentsExamined,
                    where: { document in
                        untilClockCheck -= 1
                        if untilClockCheck == 0 {
                            untilClockCheck = 64
                            if QueryExecution.now() > deadline {
                                details.error = DocketError(.maxTimeMSExpired, "operation exceeded time limit")
                                return true
                            }
                        }
                        return matcher.matches(document, details: &details) || details.error != nil
                    })
            } else {
                found = snapshot.store.first(
                    from: start, forward: forward, examined: &stats.documentsExamined,
                    where: { matcher.matches($0, details: &details) || details.error != nil })
            }
            guard let (rid, raw) = found else {
                position = nil
                return nil
            }
            if let error = details.error {
                failure = error
                position = nil
                return nil
            }
            position = RecordStore.position(after: rid, forward: forward)
            return MatchedDocument(rid: rid, raw: raw, details: details)
        case .idPoint(let key):
            guard keyIndex == 0 else { return nil }
            keyIndex = 1
            return lookup(key, &stats)
        case .idLookup(let keys):
            while keyIndex < keys.count {
                let key = keys[keyIndex]
                keyIndex += 1
                if let match = lookup(key, &stats) { return match }
            }
            return nil
        }
    }

    /// The document whose `_id` is `key`, if it matches.
    private mutating func lookup(_ key: BSONValue, _ stats: inout ExecutionStats) -> MatchedDocument? {
        guard let index = snapshot.idIndex else { preconditionFailure("an _id lookup without the _id index") }
        stats.keysExamined += 1
        guard let rid = index[key], let raw = snapshot.store[rid] else { return nil }
        stats.documentsExamined += 1
        var details = MatchDetails()
        let matched = matcher.matches(raw, details: &details)
        if let error = details.error {
            failure = error
            keyIndex = Int.max
            return nil
        }
        return matched ? MatchedDocument(rid: rid, raw: raw, details: details) : nil
    }
}

/// The execution of a ``ReadQuery`` over a snapshot: what a cursor's iterator runs.
struct QueryExecution {
    let query: ReadQuery
    private var source: MatchingDocuments
    private var toSkip: Int
    private var sorted: [MatchedDocument]?
    private var sortedPosition = 0
    private var isFinished = false
    /// How many documents were selected so far (the limit counts these).
    private var selected = 0
    /// What the execution did so far.
    private(set) var stats = ExecutionStats()

    init(query: ReadQuery, snapshot: CollectionSnapshot, deadline: UInt64? = nil) {
        self.query = query
        source = MatchingDocuments(snapshot: snapshot, matcher: query.matcher, access: query.access)
        source.deadline = deadline
        toSkip = query.skip
    }

    /// The next result, or `nil` at the end.
    /// - Throws: a projection error on a document (a positional `$` with no matching array element), a failing
    ///   `$expr`, or `InvalidBSON` (22) if stored bytes are damaged. The execution then ends.
    mutating func next() throws(DocketError) -> BSONDocument? {
        guard !isFinished else { return nil }
        let started = Self.now()
        defer { stats.executionNanoseconds &+= Self.now() &- started }
        guard let match = try select() else { return nil }
        do {
            let document = try Self.output(match, projection: query.projection)
            stats.documentsDecoded += 1
            stats.returned += 1
            return document
        } catch {
            isFinished = true
            throw error
        }
    }

    /// The next selected stored document, not decoded (the aggregation pipeline reads its leading query this way),
    /// or `nil` at the end. The query's projection is not applied.
    /// - Throws: a failing `$expr`, or `MaxTimeMSExpired` (50) past the deadline. The execution then ends.
    mutating func nextMatch() throws(DocketError) -> MatchedDocument? {
        guard !isFinished else { return nil }
        let started = Self.now()
        defer { stats.executionNanoseconds &+= Self.now() &- started }
        guard let match = try select() else { return nil }
        stats.returned += 1
        return match
    }

    /// The next document the query selects (after sort, skip and limit), or `nil` at the end.
    private mutating func select() throws(DocketError) -> MatchedDocument? {
        if query.limit > 0 && selected >= query.limit { return finish() }
        let match: MatchedDocument
        if let sort = query.sort {
            if sorted == nil { sorted = try materializeSorted(sort) }
            guard sortedPosition < sorted!.count else { return finish() }
            match = sorted![sortedPosition]
            sortedPosition += 1
        } else {
            while true {
                guard let next = source.next(&stats) else {
                    if let failure = source.failure {
                        isFinished = true
                        throw failure
                    }
                    return finish()
                }
                if toSkip > 0 {
                    toSkip -= 1
                    continue
                }
                match = next
                break
            }
        }
        selected += 1
        return match
    }

    private mutating func finish<T>() -> T? {
        isFinished = true
        return nil
    }

    /// Collects the matches in sort order (stably), keeping only the first `skip + limit` when there is a limit,
    /// then drops the first `skip`. Sort keys are read from the stored bytes; no document is decoded here.
    private mutating func materializeSorted(_ sort: SortSpec) throws(DocketError) -> [MatchedDocument] {
        var buffer = SortBuffer<MatchedDocument>(spec: sort, bound: query.sortBound)
        while let match = source.next(&stats) {
            buffer.offer(key: sort.sortKey(for: match.raw), match)
        }
        if let failure = source.failure {
            isFinished = true
            throw failure
        }
        let all = buffer.sorted()
        return Array(all.dropFirst(Swift.min(query.skip, all.count)))
    }

    /// A selected document as returned: decoded (only the fields a projection needs), projected.
    static func output(_ match: MatchedDocument, projection: Projection?) throws(DocketError) -> BSONDocument {
        guard let projection else { return try match.raw.decoded() }
        let needed: BSONDocument
        do throws(BSONError) { needed = try projection.neededFields.decode(match.raw) } catch {
            throw DocketError(error)
        }
        return try projection.apply(to: needed, details: match.details)
    }

    /// The monotonic clock in nanoseconds (deadlines and execution times).
    @inline(__always) static func now() -> UInt64 { MonotonicClock.now() }
}
