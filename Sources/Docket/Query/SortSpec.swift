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
    private static func safeNumberLong(_ value: BSONValue) -> Int64 {
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
        for key in keys {
            let c = BSONValue.compare(Self.reduce(a, key), Self.reduce(b, key))
            if c != 0 { return key.ascending ? c : -c }
        }
        return 0
    }

    /// The document's value for each key, reduced to the one value that sorts it (an array's minimum ascending or
    /// maximum descending, `null` for a missing field), in key order.
    ///
    /// - Complexity: O(number of values each path reaches).
    func sortKey(for document: BSONDocument) -> [BSONValue] {
        keys.map { Self.reduce(document, $0) }
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
        let keys = docs.map(spec.sortKey(for:))
        var order = Array(docs.indices)
        order.sort { i, j in
            let c = compareKeys(keys[i], keys[j], spec: spec)
            return c != 0 ? c < 0 : i < j
        }
        return order.map { docs[$0] }
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
        var heap = BoundedWorstFirstHeap(capacity: k, spec: spec)
        for (sequence, document) in docs.enumerated() {
            heap.offer(HeapEntry(key: spec.sortKey(for: document), sequence: sequence, document: document))
        }
        return heap.sortedDocuments()
    }

    // MARK: Key extraction

    /// The sort value of one key: the minimum (ascending) or maximum (descending) of the values the path reaches.
    static func reduce(_ document: BSONDocument, _ key: Key) -> BSONValue {
        // Fast path: a top-level field holding a scalar.
        if key.path.count == 1 {
            guard let value = document[key.path[0].name] else { return .null }
            if case .array = value {} else { return value }
        }
        var best: BSONValue? = nil
        visit(.document(document), key.path[...], ascending: key.ascending, best: &best)
        return best ?? .null
    }

    /// Offers every value reachable by `path` from `value` to `best`.
    ///
    /// At the end of the path an array offers its elements (an empty array offers `undefined`, which sorts below
    /// `null`). Inside the path, a document descends into its field (`null` when missing), an array descends into
    /// its document elements (or, for a numeric component, into that element) and a scalar offers `null`.
    private static func visit(
        _ value: BSONValue, _ path: ArraySlice<FieldPath.Component>, ascending: Bool, best: inout BSONValue?
    ) {
        guard let component = path.first else {
            if case .array(let array) = value {
                if array.isEmpty {
                    offer(.undefined, ascending: ascending, best: &best)
                } else {
                    for element in array { offer(element, ascending: ascending, best: &best) }
                }
            } else {
                offer(value, ascending: ascending, best: &best)
            }
            return
        }
        switch value {
        case .document(let document):
            if let next = document[component.name] {
                visit(next, path.dropFirst(), ascending: ascending, best: &best)
            } else {
                offer(.null, ascending: ascending, best: &best)
            }
        case .array(let array):
            if let index = component.arrayIndex {
                if index < array.count {
                    visit(array[index], path.dropFirst(), ascending: ascending, best: &best)
                } else {
                    offer(.null, ascending: ascending, best: &best)
                }
                return
            }
            var reached = false
            for case .document(let element) in array {
                reached = true
                visit(.document(element), path, ascending: ascending, best: &best)
            }
            if !reached { offer(.null, ascending: ascending, best: &best) }
        default:
            offer(.null, ascending: ascending, best: &best)
        }
    }

    @inline(__always) private static func offer(_ value: BSONValue, ascending: Bool, best: inout BSONValue?) {
        guard let current = best else {
            best = value
            return
        }
        let c = BSONValue.compare(value, current)
        if ascending ? c < 0 : c > 0 { best = value }
    }
}

/// A document with its precomputed sort key and input position.
private struct HeapEntry {
    var key: [BSONValue]
    var sequence: Int
    var document: BSONDocument
}

/// A max-heap of at most `capacity` entries ordered by (key, input position): the root is the entry that would be
/// dropped first, so keeping the best `k` costs O(log k) per offered entry.
private struct BoundedWorstFirstHeap {
    let capacity: Int
    let spec: SortSpec
    var entries: [HeapEntry] = []

    init(capacity: Int, spec: SortSpec) {
        self.capacity = capacity
        self.spec = spec
        entries.reserveCapacity(min(capacity, 1024))
    }

    /// Whether `a` sorts after `b` (ties broken by input position).
    private func sortsAfter(_ a: HeapEntry, _ b: HeapEntry) -> Bool {
        let c = SortSpec.compareKeys(a.key, b.key, spec: spec)
        return c != 0 ? c > 0 : a.sequence > b.sequence
    }

    mutating func offer(_ entry: HeapEntry) {
        if entries.count < capacity {
            entries.append(entry)
            siftUp(entries.count - 1)
        } else if sortsAfter(entries[0], entry) {
            entries[0] = entry
            siftDown(0)
        }
    }

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

    func sortedDocuments() -> [BSONDocument] {
        entries.sorted { sortsAfter($1, $0) }.map(\.document)
    }
}
