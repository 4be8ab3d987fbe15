// The `_id` index of one collection: `_id` value → record id.
//
// Most `_id`s are ObjectIds, so they get their own open-addressing table (`ObjectIDTable`): 24-byte buckets holding
// the 12 id bytes and the record id, a multiply-xorshift hash of two integers instead of SipHash, and linear probing,
// so a lookup costs one hash and usually one cache line. Every other `_id` goes to a `Dictionary` keyed by
// `BSONValue`, whose hashing and equality follow MongoDB's (`1`, `1.0` and `NumberLong(1)` are one key). An ObjectId
// equals no value of another type, so splitting by type changes no answer.
//
// Snapshots
// ---------
// The index is split into `segmentCount` segments by hash, each a copy-on-write class. A reader's snapshot copies
// the segment array (one reference); a writer that then changes a key copies only the segment it touches, and only
// while a snapshot still shares it (the `RecordChunk` scheme). So a lazy cursor that looks `_id`s up as it goes sees
// the index as it was when its snapshot was taken, and a writer never waits for it.

/// A map from `_id` values to record ids with MongoDB's equality of `_id` values; a copy is an O(1) snapshot.
struct IDIndex: Sendable {
    /// The number of segments (a power of two).
    static let segmentCount = 256
    private var segments: [IDIndexSegment?] = Array(repeating: nil, count: IDIndex.segmentCount)
    /// The number of keys.
    private(set) var count = 0
    /// The seed of the ObjectId hash: ids chosen by a client cannot be aimed at one segment or probe run.
    private let seed = UInt64.random(in: .min ... .max)

    /// Creates an empty index.
    init() {}

    @inline(__always) private func hash(_ id: BSONValue) -> UInt64 {
        if case .objectID(let oid) = id {
            let (high, low) = oid.words
            return ObjectIDTable.mix(high, low, seed: seed)
        }
        return UInt64(bitPattern: Int64(id.hashValue))
    }

    @inline(__always) private static func segment(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> 56) & (segmentCount - 1)
    }

    /// The record of `id`, or `nil`.
    /// - Complexity: O(1) on average.
    subscript(id: BSONValue) -> RecordID? {
        let h = hash(id)
        guard let segment = segments[Self.segment(of: h)] else { return nil }
        defer { SharedOwnership.readerDone(segment) }
        if case .objectID(let oid) = id { return segment.objectIDs.find(oid, hash: h) }
        return segment.others[id]
    }

    /// Maps `id` to `rid` unless `id` is already present.
    ///
    /// - Returns: the existing record of `id` (the index is then unchanged), or `nil` if `id` was added.
    /// - Complexity: O(1) on average: one hash probe (plus a segment copy when a snapshot shares it).
    mutating func insertIfAbsent(_ id: BSONValue, _ rid: RecordID) -> RecordID? {
        let h = hash(id)
        let s = Self.segment(of: h)
        let segment = makeSegmentUnique(s)
        let existing: RecordID?
        if case .objectID(let oid) = id {
            existing = segment.objectIDs.insertIfAbsent(oid, hash: h, rid)
        } else if let present = segment.others[id] {
            existing = present
        } else {
            segment.others[id] = rid
            existing = nil
        }
        if existing == nil { count += 1 }
        return existing
    }

    /// Removes `id`; returns its record if it was present.
    @discardableResult
    mutating func remove(_ id: BSONValue) -> RecordID? {
        let h = hash(id)
        let s = Self.segment(of: h)
        guard segments[s] != nil else { return nil }
        let segment = makeSegmentUnique(s)
        let removed: RecordID?
        if case .objectID(let oid) = id {
            removed = segment.objectIDs.remove(oid, hash: h)
        } else {
            removed = segment.others.removeValue(forKey: id)
        }
        if removed != nil { count -= 1 }
        return removed
    }

    /// Removes every key.
    mutating func removeAll() {
        segments = Array(repeating: nil, count: Self.segmentCount)
        count = 0
    }

    /// The approximate bytes the index holds.
    var memoryFootprint: Int {
        segments.reduce(MemoryLayout<IDIndexSegment?>.stride * Self.segmentCount) { total, segment in
            guard let segment else { return total }
            defer { SharedOwnership.readerDone(segment) }
            return total + segment.objectIDs.memoryFootprint + segment.others.capacity * 48
        }
    }

    /// Checks each segment's structure and the count; traps on violation. For tests.
    func checkInvariants() {
        var total = 0
        for (s, segment) in segments.enumerated() {
            guard let segment else { continue }
            segment.objectIDs.checkInvariants { Self.segment(of: $0) == s }
            for id in segment.others.keys {
                precondition(Self.segment(of: hash(id)) == s, "IDIndex: a key sits in the wrong segment")
            }
            total += segment.objectIDs.count + segment.others.count
        }
        precondition(total == count, "IDIndex: count \(count) but \(total) keys")
    }

    @inline(__always) private mutating func makeSegmentUnique(_ s: Int) -> IDIndexSegment {
        if segments[s] == nil {
            segments[s] = IDIndexSegment(seed: seed)
        } else if isKnownUniquelyReferenced(&segments[s]!) {
            SharedOwnership.writerOwns(segments[s]!)
        } else {
            segments[s] = IDIndexSegment(copying: segments[s]!)
        }
        return segments[s]!
    }
}

/// One segment of an ``IDIndex``.
///
/// `@unchecked Sendable` by the invariant of ``RecordChunk``: it is mutated only by the collection's single writer,
/// under the state lock, and only when `isKnownUniquelyReferenced` proves no snapshot reaches it.
/// Its properties opt out of dynamic exclusivity checks by the same invariant (no two accesses can overlap).
final class IDIndexSegment: @unchecked Sendable {
    @exclusivity(unchecked) var objectIDs: ObjectIDTable
    @exclusivity(unchecked) var others: [BSONValue: RecordID] = [:]

    init(seed: UInt64) { objectIDs = ObjectIDTable(seed: seed) }

    init(copying other: IDIndexSegment) {
        objectIDs = other.objectIDs
        others = other.others
    }
}

/// An open-addressing hash table from ObjectIds to record ids: linear probing, at most 3/4 full, deletion by
/// backward shifting (no tombstones). The caller passes each id's hash (``mix(_:_:seed:)``), computed once.
struct ObjectIDTable: Sendable {
    /// One bucket: the id's bytes 4–11 and 0–3, and the record id (`UInt64.max` when empty).
    struct Bucket: Sendable {
        var low: UInt64
        var high: UInt32
        var rid: UInt64

        static let empty = Bucket(low: 0, high: 0, rid: UInt64.max)
        var isEmpty: Bool { rid == UInt64.max }
    }

    private var buckets: [Bucket] = []
    /// The number of ids.
    private(set) var count = 0
    /// The seed of ``mix(_:_:seed:)``: the owner's, so one hash serves to pick the segment and the bucket.
    let seed: UInt64

    /// Creates an empty table hashing with `seed`.
    init(seed: UInt64) { self.seed = seed }

    /// MurmurHash3's `fmix64` finalizer over the id's two words and a seed.
    @inline(__always) static func mix(_ high: UInt32, _ low: UInt64, seed: UInt64) -> UInt64 {
        var x = (low &+ seed) ^ (UInt64(high) &* 0x9E37_79B9_7F4A_7C15)
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }

    @inline(__always) private static func home(_ hash: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: hash) & mask
    }

    /// The bucket index holding `id`, or `nil`.
    @inline(__always) private func index(_ high: UInt32, _ low: UInt64, hash: UInt64) -> Int? {
        guard !buckets.isEmpty else { return nil }
        return buckets.withUnsafeBufferPointer { b in
            let mask = b.count - 1
            var i = Self.home(hash, mask: mask)
            while true {
                let bucket = b[i]
                if bucket.isEmpty { return nil }
                if bucket.low == low && bucket.high == high { return i }
                i = (i + 1) & mask
            }
        }
    }

    /// The record of `id`, or `nil`.
    func find(_ id: ObjectID, hash: UInt64) -> RecordID? {
        let (high, low) = id.words
        guard let i = index(high, low, hash: hash) else { return nil }
        return RecordID(buckets[i].rid)
    }

    /// Adds `id` → `rid` unless `id` is present; returns the existing record if it is.
    mutating func insertIfAbsent(_ id: ObjectID, hash: UInt64, _ rid: RecordID) -> RecordID? {
        precondition(rid.rawValue != UInt64.max, "UInt64.max marks empty buckets")
        if (count + 1) * 4 > buckets.count * 3 { grow(minimumCount: count + 1) }
        let (high, low) = id.words
        let mask = buckets.count - 1
        let start = Self.home(hash, mask: mask)
        let existing = buckets.withUnsafeMutableBufferPointer { b -> RecordID? in
            var i = start
            while true {
                if b[i].isEmpty {
                    b[i] = Bucket(low: low, high: high, rid: rid.rawValue)
                    return nil
                }
                if b[i].low == low && b[i].high == high { return RecordID(b[i].rid) }
                i = (i + 1) & mask
            }
        }
        if existing == nil { count += 1 }
        return existing
    }

    /// Removes `id`; returns its record if it was present.
    mutating func remove(_ id: ObjectID, hash: UInt64) -> RecordID? {
        let (high, low) = id.words
        guard let found = index(high, low, hash: hash) else { return nil }
        let removed = RecordID(buckets[found].rid)
        let mask = buckets.count - 1
        // Backward-shift deletion: move later members of the probe run into the hole when their home allows it.
        buckets.withUnsafeMutableBufferPointer { b in
            var hole = found
            var j = found
            while true {
                j = (j + 1) & mask
                if b[j].isEmpty { break }
                let k = Self.home(Self.mix(b[j].high, b[j].low, seed: seed), mask: mask)
                // `j`'s member may move to `hole` unless its home lies cyclically in (hole, j].
                let homeInRange = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j)
                if !homeInRange {
                    b[hole] = b[j]
                    hole = j
                }
            }
            b[hole] = .empty
        }
        count -= 1
        return removed
    }

    /// The approximate bytes the table holds.
    var memoryFootprint: Int { buckets.capacity * MemoryLayout<Bucket>.stride }

    @inline(never) private mutating func grow(minimumCount: Int) {
        var capacity = max(16, buckets.count)
        while minimumCount * 4 > capacity * 3 { capacity *= 2 }
        let old = buckets
        buckets = [Bucket](repeating: .empty, count: capacity)
        let mask = capacity - 1
        buckets.withUnsafeMutableBufferPointer { b in
            for bucket in old where !bucket.isEmpty {
                var i = Self.home(Self.mix(bucket.high, bucket.low, seed: seed), mask: mask)
                while !b[i].isEmpty { i = (i + 1) & mask }
                b[i] = bucket
            }
        }
    }

    /// Checks that every id is reachable from its home bucket and that the count is right; traps otherwise.
    func checkInvariants(inSegment: (UInt64) -> Bool) {
        var live = 0
        for (i, bucket) in buckets.enumerated() where !bucket.isEmpty {
            live += 1
            let hash = Self.mix(bucket.high, bucket.low, seed: seed)
            precondition(inSegment(hash), "ObjectIDTable: an id sits in the wrong segment")
            precondition(index(bucket.high, bucket.low, hash: hash) == i, "ObjectIDTable: bucket \(i) is unreachable")
        }
        precondition(live == count, "ObjectIDTable: count \(count) but \(live) ids")
        precondition(buckets.isEmpty || count * 4 <= buckets.count * 3, "ObjectIDTable is over-full")
    }
}
