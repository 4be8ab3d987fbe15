/// The lazy result of ``DocketCollection/find(_:options:)``: a `Sequence` of documents.
///
/// A cursor reads one snapshot of the collection, taken when `find` was called: writes made afterwards are not
/// visible to it, and it never blocks them. Unsorted results stream in natural (insertion) order, matching and
/// projecting one document at a time; a sort materializes the matches first (keeping only `skip + limit` of them when
/// a limit is given). Each iteration (`makeIterator()`) restarts from the same snapshot.
///
/// ```swift
/// for user in try users.find(["status": "active"], options: FindOptions(limit: 10)) { print(user["email"]!) }
/// let all = try users.find().toArray()
/// ```
///
/// A projection can fail on a particular document (a positional `$` without a matching array element). Iterating
/// as a `Sequence` then ends early and records the error in ``Iterator/error``; ``toArray()`` throws it.
public struct DocketCursor: Sequence, Sendable {
    let source: ReadSource
    let matcher: Matcher
    let projection: Projection?
    let sort: SortSpec?
    let skip: Int
    let limit: Int
    let engine: CollectionEngine?

    /// All matching documents, projected, in order.
    /// - Throws: the first projection error (see the type's discussion).
    /// - Complexity: O(n) for a scan (O(n log n) sorted), where n is the number of documents in the snapshot.
    public func toArray() throws(DocketError) -> [BSONDocument] {
        var iterator = makeIterator()
        var result: [BSONDocument] = []
        while let document = iterator.next() { result.append(document) }
        if let error = iterator.error { throw error }
        return result
    }

    /// Starts an iteration over the cursor's snapshot.
    public func makeIterator() -> Iterator { Iterator(cursor: self) }

    /// Iterates a ``DocketCursor``.
    public struct Iterator: IteratorProtocol {
        let cursor: DocketCursor
        var position = 0
        var toSkip: Int
        var returned = 0
        var examined = 0
        var sorted: [(document: BSONDocument, details: MatchDetails)]?
        var isFinished = false
        /// The projection error that ended the iteration early, if any.
        public private(set) var error: DocketError?

        init(cursor: DocketCursor) {
            self.cursor = cursor
            self.toSkip = cursor.skip
        }

        /// The next document, or `nil` at the end (or after an error, see ``error``).
        public mutating func next() -> BSONDocument? {
            guard !isFinished else { return nil }
            if cursor.limit > 0 && returned >= cursor.limit { return finish() }
            if cursor.sort != nil {
                if sorted == nil { materializeSorted() }
                guard position < sorted!.count else { return finish() }
                let (document, details) = sorted![position]
                position += 1
                returned += 1
                return project(document, details)
            }
            while let (raw, details) = nextMatch() {
                if toSkip > 0 {
                    toSkip -= 1
                    continue
                }
                returned += 1
                return project(raw.document, details)
            }
            return finish()
        }

        private mutating func finish() -> BSONDocument? {
            if !isFinished {
                isFinished = true
                cursor.engine?.documentsExamined.add(examined, ordering: .relaxed)
            }
            return nil
        }

        private mutating func project(_ document: BSONDocument, _ details: MatchDetails) -> BSONDocument? {
            guard let projection = cursor.projection else { return document }
            do {
                return try projection.apply(to: document, details: details)
            } catch {
                self.error = error
                return finish()
            }
        }

        /// The next matching stored document of the source.
        private mutating func nextMatch() -> (RawDocument, MatchDetails)? {
            switch cursor.source {
            case .records(let records):
                while position < records.count {
                    let raw = records[position]
                    position += 1
                    var details = MatchDetails()
                    if cursor.matcher.matches(raw, details: &details) { return (raw, details) }
                }
                return nil
            case .snapshot(let store):
                var details = MatchDetails()
                let matcher = cursor.matcher
                guard
                    let (_, raw, next) = store.next(
                        from: position, examined: &examined,
                        where: { raw in
                            matcher.matches(raw, details: &details)
                        })
                else {
                    position = store.slotCount
                    return nil
                }
                position = next
                return (raw, details)
            }
        }

        /// Collects, sorts (stably), skips and limits the matches. With a limit, keeps only the best
        /// `skip + limit` while scanning (a bounded insertion buffer).
        private mutating func materializeSorted() {
            guard let sort = cursor.sort else { return }
            let bound = cursor.limit > 0 ? cursor.skip + cursor.limit : Int.max
            var keyed: [(key: [BSONValue], seq: Int, document: BSONDocument, details: MatchDetails)] = []
            var seq = 0
            func precedes(_ a: (key: [BSONValue], seq: Int), _ b: (key: [BSONValue], seq: Int)) -> Bool {
                let c = SortSpec.compareKeys(a.key, b.key, spec: sort)
                return c != 0 ? c < 0 : a.seq < b.seq
            }
            while let (raw, details) = nextMatch() {
                let document = raw.document
                let key = sort.sortKey(for: document)
                defer { seq += 1 }
                if bound < Int.max && bound <= 4096 {
                    // Top-k: binary insertion into a buffer of at most `bound` entries.
                    if keyed.count == bound, let last = keyed.last, !precedes((key, seq), (last.key, last.seq)) {
                        continue
                    }
                    var lo = 0
                    var hi = keyed.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if precedes((keyed[mid].key, keyed[mid].seq), (key, seq)) { lo = mid + 1 } else { hi = mid }
                    }
                    keyed.insert((key, seq, document, details), at: lo)
                    if keyed.count > bound { keyed.removeLast() }
                } else {
                    keyed.append((key, seq, document, details))
                }
            }
            if !(bound < Int.max && bound <= 4096) {
                keyed.sort { precedes(($0.key, $0.seq), ($1.key, $1.seq)) }
            }
            let start = Swift.min(cursor.skip, keyed.count)
            var end = keyed.count
            if cursor.limit > 0 { end = Swift.min(end, start + cursor.limit) }
            sorted = keyed[start..<end].map { ($0.document, $0.details) }
            position = 0
        }
    }
}
