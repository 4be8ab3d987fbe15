/// A compiled sort specification (`{lastName: 1, age: -1}`) ordering documents as MongoDB 8.x's `find` does.
///
/// Each key is a field path and a direction (`1` ascending, `-1` descending). Documents compare key by key with
/// MongoDB's total order (``BSONValue/compare(_:_:)``: type bracket first, then the value):
///
/// - a missing field sorts as `null`;
/// - an array sorts by its smallest element ascending and its largest descending; an empty array sorts as less
///   than `null` (before `null` ascending, after it descending);
/// - a dotted path collects every value it reaches through arrays of documents (`"teams.role"` over
///   `teams: [{role: "b"}, {role: "a"}]` sorts by `"a"` ascending), an element without the field counting as
///   `null`.
///
/// Equal keys compare as `0`: the order of ties is the caller's, and ``sortStably(_:by:)`` and
/// ``topK(_:k:by:)`` keep input order. The empty specification `{}` leaves documents in their natural order.
///
/// ```swift
/// let spec = try SortSpec(["lastName": 1, "age": -1])
/// let sorted = SortSpec.sortStably(users, by: spec)
/// let firstTen = SortSpec.topK(users, k: 10, by: spec)
/// ```
///
/// - Note: Differs from MongoDB: keys on several paths through the same array are reduced independently, and
///   compound keys over parallel arrays are accepted instead of rejected ("cannot sort with keys that are parallel
///   arrays"). `{$meta: "textScore"}` and the other `$meta` sorts throw `NotImplemented`.
struct SortSpec: Sendable {
    /// One key of the specification.
    struct Key: Sendable {
        /// The path components, with their array indexes pre-parsed.
        var path: [FieldPath.Component]
        var ascending: Bool
    }

    let keys: [Key]

    /// Whether the specification has no keys (natural order).
    var isEmpty: Bool { keys.isEmpty }

    /// The number of keys.
    var count: Int { keys.count }

    /// Parses a sort specification.
    ///
    /// - Parameter spec: field paths mapped to `1` or `-1` (any number that truncates to them, as MongoDB accepts).
    /// - Throws: ``DocketError`` 15974 "Illegal key in $sort specification: a: \"x\"" for a non-numeric value;
    ///   15975 "$sort key ordering must be 1 (for ascending) or -1 (for descending)"; 7472500 for a duplicate path;
    ///   17312, 9 and 31138 for malformed `$meta` objects; 238 `NotImplemented` for valid `$meta` sorts; and the field
    ///   path errors 40352, 15998, 16410, 16411.
    init(_ spec: BSONDocument) throws(DocketError) {
        try ArgumentRules.checkNesting(spec, "sort")
        var keys: [Key] = []
        keys.reserveCapacity(spec.count)
        var seen: Set<String> = []
        for (name, value) in spec {
            if case .document(let meta) = value {
                try Self.rejectMetaSort(meta, name: name)
            }
            guard value.isNumber else {
                throw DocketError(
                    .sortIllegalKey,
                    "Illegal key in $sort specification: \(name): \(BSONPrinter.projectionMessage.string(value))",
                    fieldPath: name)
            }
            let direction = Self.safeNumberLong(value)
            guard direction == 1 || direction == -1 else {
                throw DocketError(
                    .sortBadDirection, "$sort key ordering must be 1 (for ascending) or -1 (for descending)",
                    fieldPath: name)
            }
            let components = try ProjectionParser.fieldPath(name)
            guard seen.insert(components.joined(separator: ".")).inserted else {
                throw DocketError(
                    .sortDuplicateKey, "$sort key must not contain duplicate keys (duplicate: '\(name)')",
                    fieldPath: name)
            }
            let path: [FieldPath.Component]
            do {
                path = try FieldPath(name).components
            } catch {
                throw DocketError(error)
            }
            keys.append(Key(path: path, ascending: direction > 0))
        }
        self.keys = keys
    }

    /// `{$meta: …}` sort values: MongoDB's validation, then `NotImplemented` for the valid ones.
    private static func rejectMetaSort(_ meta: BSONDocument, name: String) throws(DocketError) -> Never {
        guard let first = meta.first, first.key == "$meta" else {
            throw DocketError(
                .sortOnlyMetaExpression, "$meta is the only expression supported by $sort right now", fieldPath: name)
        }
        guard meta.count == 1 else {
            throw DocketError(
                .failedToParse, "Cannot have additional keys in a $meta sort specification", fieldPath: name)
        }
        let validMetaSorts: Set<String> = [
            "textScore", "randVal", "geoNearDistance", "searchScore", "vectorSearchScore", "score",
        ]
        guard case .string(let metaName) = first.value, validMetaSorts.contains(metaName) else {
            throw DocketError(
                .sortIllegalMeta, "Illegal $meta sort: $meta: \(BSONPrinter.projectionMessage.string(first.value))",
                fieldPath: name)
        }
        throw DocketError(
            .notImplemented, "Sorting by {$meta: \"\(metaName)\"} is not supported yet", fieldPath: name,
            operatorName: "$meta")
    }

    /// MongoDB's `safeNumberLong`: truncation toward zero, saturating, NaN as 0.
    static func safeNumberLong(_ value: BSONValue) -> Int64 {
        switch value {
        case .int32(let i): return Int64(i)
        case .int64(let i): return i
        case .double(let d): return saturatingInt64(d)
        case .decimal128(let d): return d.exactInt64 ?? saturatingInt64(d.doubleValue)
        default: return 0
        }
    }

    private static func saturatingInt64(_ d: Double) -> Int64 {
        if d.isNaN { return 0 }
        if d >= 9_223_372_036_854_775_807.0 { return .max }
        if d <= -9_223_372_036_854_775_808.0 { return .min }
        return Int64(d.rounded(.towardZero))
    }

    // MARK: Comparing

    /// Compares two documents: negative if `a` sorts first, positive if `b` does, `0` for equal keys (ties are the
    /// caller's to break, by input order for a stable sort).
    ///
    /// To sort many documents, compute each document's ``sortKey(for:)`` once and use ``compareKeys(_:_:spec:)``.
    func compare(_ a: BSONDocument, _ b: BSONDocument) -> Int {
        Self.compareKeys(sortKey(for: a), sortKey(for: b), spec: self)
    }

    /// The document's value for each key, reduced to the one value that sorts it (an array's minimum ascending or
    /// maximum descending, `null` for a missing field), in key order.
    ///
    /// - Complexity: O(number of values each path reaches).
    func sortKey(for document: BSONDocument) -> [BSONValue] {
        keys.map { key in Self.reduce(.document(document), key, ValuePathAccessor()) { $0 } }
    }

    /// The sort key of a stored document, read from its bytes: only the values the paths reach are decoded.
    func sortKey(for document: RawDocument) -> [BSONValue] {
        document.bytes.withUnsafeBytes { buffer in
            keys.map { key in
                Self.reduce(RawPathAccessor.root(), key, RawPathAccessor(buffer: buffer)) {
                    RawElementFinder.decode($0, in: buffer)
                }
            }
        }
    }

    /// Compares two keys computed by ``sortKey(for:)`` with the same specification, applying its directions.
    static func compareKeys(_ a: [BSONValue], _ b: [BSONValue], spec: SortSpec) -> Int {
        for (index, key) in spec.keys.enumerated() {
            let c = BSONValue.compare(a[index], b[index])
            if c != 0 { return key.ascending ? c : -c }
        }
        return 0
    }

    // MARK: Sorting

    /// Sorts documents stably (ties keep their input order), computing each document's sort key once.
    ///
    /// - Complexity: O(n log n) comparisons of precomputed keys.
    static func sortStably(_ docs: [BSONDocument], by spec: SortSpec) -> [BSONDocument] {
        if spec.isEmpty || docs.count < 2 { return docs }
        var buffer = SortBuffer<BSONDocument>(spec: spec, bound: nil)
        for document in docs { buffer.offer(key: spec.sortKey(for: document), document) }
        return buffer.sorted()
    }

    /// The first `k` documents in sort order (ties in input order), keeping at most `k` in memory: sort plus limit.
    ///
    /// - Parameters:
    ///   - docs: the documents, read once.
    ///   - k: how many to return; `0` or less returns none.
    /// - Complexity: O(n log k) comparisons of precomputed keys.
    static func topK(_ docs: some Sequence<BSONDocument>, k: Int, by spec: SortSpec) -> [BSONDocument] {
        guard k > 0 else { return [] }
        if spec.isEmpty { return Array(docs.prefix(k)) }
        var buffer = SortBuffer<BSONDocument>(spec: spec, bound: k)
        for document in docs { buffer.offer(key: spec.sortKey(for: document), document) }
        return buffer.sorted()
    }

    // MARK: Key extraction

    /// The sort value of one key: the minimum (ascending) or maximum (descending) of the values the path reaches
    /// (MongoDB's sort-key rules in `PathValues`: a missing field counts as `null`, an empty array as `undefined`).
    @inline(__always)
    static func reduce<A: PathAccessor>(
        _ root: A.Value, _ key: Key, _ accessor: A, _ decode: (A.Value) -> BSONValue?
    ) -> BSONValue {
        withoutActuallyEscaping(decode) { decode in
            var visitor = SortKeyVisitor<A>(ascending: key.ascending, decode: decode)
            _ = PathValues.walk(key.path, from: root, accessor, .sortKeys, &visitor)
            return visitor.best ?? .null
        }
    }
}

/// Keeps the minimum (ascending) or maximum (descending) of the values a sort path reaches.
private struct SortKeyVisitor<A: PathAccessor>: PathVisitor {
    let ascending: Bool
    let decode: (A.Value) -> BSONValue?
    var best: BSONValue?

    init(ascending: Bool, decode: @escaping (A.Value) -> BSONValue?) {
        self.ascending = ascending
        self.decode = decode
    }

    mutating func visit(_ hit: PathHit<A.Value>) -> Bool {
        let value: BSONValue
        if hit.isEmptyLeafArray {
            value = .undefined  // an empty array sorts below null
        } else if let reached = hit.value {
            value = decode(reached) ?? .null
        } else {
            value = .null
        }
        guard let current = best else {
            best = value
            return false
        }
        let c = BSONValue.compare(value, current)
        if ascending ? c < 0 : c > 0 { best = value }
        return false
    }
}

/// The one sort buffer of the engine: payloads ordered by precomputed sort keys, ties in offer order, holding all
/// of them or only the best `bound` (a bounded heap, O(log bound) per offer: sort plus limit as a top-k).
struct SortBuffer<Payload> {
    private struct Entry {
        var key: [BSONValue]
        var sequence: Int
        var payload: Payload
    }

    let spec: SortSpec
    /// The most entries kept, or `nil` for all.
    let bound: Int?
    private var entries: [Entry] = []
    private var sequence = 0

    /// Creates a buffer keeping all entries (`bound == nil`) or the best `bound`.
    init(spec: SortSpec, bound: Int?) {
        self.spec = spec
        self.bound = bound
        if let bound { entries.reserveCapacity(Swift.min(bound, 1024)) }
    }

    /// The number of entries held.
    var count: Int { entries.count }

    /// Whether `a` sorts after `b` (ties broken by offer order).
    @inline(__always) private func sortsAfter(_ a: Entry, _ b: Entry) -> Bool {
        let c = SortSpec.compareKeys(a.key, b.key, spec: spec)
        return c != 0 ? c > 0 : a.sequence > b.sequence
    }

    /// Whether an entry with this key would be kept now: always when unbounded or not full, otherwise when it sorts
    /// before the worst kept entry. Lets a caller skip preparing a payload that would be thrown away.
    func wouldKeep(key: [BSONValue]) -> Bool {
        guard let bound, entries.count >= bound else { return true }
        guard bound > 0 else { return false }
        return SortSpec.compareKeys(key, entries[0].key, spec: spec) < 0
    }

    /// Offers a payload with its sort key.
    mutating func offer(key: [BSONValue], _ payload: Payload) {
        let entry = Entry(key: key, sequence: sequence, payload: payload)
        sequence += 1
        guard let bound else {
            entries.append(entry)
            return
        }
        guard bound > 0 else { return }
        if entries.count < bound {
            entries.append(entry)
            siftUp(entries.count - 1)
        } else if sortsAfter(entries[0], entry) {
            entries[0] = entry
            siftDown(0)
        }
    }

    /// The payloads in sort order.
    func sorted() -> [Payload] {
        entries.sorted { sortsAfter($1, $0) }.map(\.payload)
    }

    // A max-heap when bounded: the root is the entry that would be dropped first.

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard sortsAfter(entries[child], entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var worst = left
            let right = left + 1
            if right < entries.count && sortsAfter(entries[right], entries[left]) { worst = right }
            guard sortsAfter(entries[worst], entries[parent]) else { return }
            entries.swapAt(worst, parent)
            parent = worst
        }
    }
}
