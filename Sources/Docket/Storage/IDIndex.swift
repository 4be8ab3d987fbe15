// The `_id` index of one collection: `_id` value → record.
//
// Most `_id`s are ObjectIds, so they get their own open-addressing table (`ObjectIDTable`): 16-byte buckets holding
// the 12 id bytes and the slot, a multiply-xorshift hash of two integers instead of SipHash, and linear probing, so a
// lookup costs one hash and usually one cache line. Every other `_id` goes to a `Dictionary` keyed by `BSONValue`,
// whose hashing and equality follow MongoDB's (`1`, `1.0` and `NumberLong(1)` are one key). An ObjectId equals no
// value of another type, so splitting by type changes no answer.

/// A map from `_id` values to record ids with MongoDB's equality of `_id` values.
struct IDIndex: Sendable {
    private var objectIDs = ObjectIDTable()
    private var others: [BSONValue: RecordID] = [:]

    /// Creates an empty index.
    init() {}

    /// The number of keys.
    var count: Int { objectIDs.count + others.count }

    /// The record of `id`, or `nil`.
    /// - Complexity: O(1) on average.
    subscript(id: BSONValue) -> RecordID? {
        if case .objectID(let oid) = id { return objectIDs[oid] }
        return others[id]
    }

    /// Maps `id` to `rid` unless `id` is already present.
    ///
    /// - Returns: the existing record of `id` (the index is then unchanged), or `nil` if `id` was added.
    /// - Complexity: O(1) on average: one hash probe.
    mutating func insertIfAbsent(_ id: BSONValue, _ rid: RecordID) -> RecordID? {
        if case .objectID(let oid) = id { return objectIDs.insertIfAbsent(oid, rid) }
        // One probe: the `default:` subscript's in-place access finds the bucket or creates it holding `absent`.
        return Self.claim(&others[id, default: Self.absent], rid)
    }

    /// A record id no store reaches (slots stay below `UInt32.max`): the value of a bucket just created.
    private static let absent = RecordID(slot: UInt32.max)

    @inline(__always) private static func claim(_ slot: inout RecordID, _ rid: RecordID) -> RecordID? {
        if slot == absent {
            slot = rid
            return nil
        }
        return slot
    }

    /// Removes `id`; returns its record if it was present.
    @discardableResult
    mutating func remove(_ id: BSONValue) -> RecordID? {
        if case .objectID(let oid) = id { return objectIDs.remove(oid) }
        return others.removeValue(forKey: id)
    }

    /// Makes room for `additional` more keys (assumed to be ObjectIds, the common case).
    mutating func reserveCapacity(additional: Int) {
        objectIDs.reserveCapacity(objectIDs.count + additional)
    }

    /// Renumbers every record through `mapping` (old slot → new slot), after the store compacted.
    mutating func remap(_ mapping: [UInt32]) {
        objectIDs.remap(mapping)
        others = others.mapValues { RecordID(slot: mapping[Int($0.slot)]) }
    }

    /// Removes every key.
    mutating func removeAll() {
        objectIDs = ObjectIDTable()
        others = [:]
    }

    /// Checks the ObjectId table's structure; traps on violation. For tests.
    func checkInvariants() { objectIDs.checkInvariants() }
}

/// An open-addressing hash table from ObjectIds to record ids: linear probing, at most 3/4 full, deletion by
/// backward shifting (no tombstones).
///
/// The hash mixes the id with a per-table random seed through a multiply-xorshift finalizer (MurmurHash3's
/// `fmix64`), so ids chosen by a client cannot be aimed at one probe run without knowing the seed.
struct ObjectIDTable: Sendable {
    /// One bucket: the id's bytes 4–11 and 0–3, and the record slot (`UInt32.max` when empty). 16 bytes.
    struct Bucket: Sendable {
        var low: UInt64
        var high: UInt32
        var slot: UInt32

        static let empty = Bucket(low: 0, high: 0, slot: UInt32.max)
        var isEmpty: Bool { slot == UInt32.max }
    }

    private var buckets: [Bucket] = []
    /// The number of ids.
    private(set) var count = 0
    private let seed = UInt64.random(in: .min ... .max)

    /// Creates an empty table.
    init() {}

    @inline(__always) private static func home(_ high: UInt32, _ low: UInt64, seed: UInt64, mask: Int) -> Int {
        var x = (low &+ seed) ^ (UInt64(high) &* 0x9E37_79B9_7F4A_7C15)
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return Int(truncatingIfNeeded: x) & mask
    }

    /// The bucket index holding `id`, or `nil`.
    @inline(__always) private func find(_ high: UInt32, _ low: UInt64) -> Int? {
        guard !buckets.isEmpty else { return nil }
        let seed = self.seed
        return buckets.withUnsafeBufferPointer { b in
            let mask = b.count - 1
            var i = Self.home(high, low, seed: seed, mask: mask)
            while true {
                let bucket = b[i]
                if bucket.isEmpty { return nil }
                if bucket.low == low && bucket.high == high { return i }
                i = (i + 1) & mask
            }
        }
    }

    /// The record of `id`, or `nil`.
    subscript(id: ObjectID) -> RecordID? {
        let (high, low) = id.words
        guard let i = find(high, low) else { return nil }
        return RecordID(slot: buckets[i].slot)
    }

    /// Adds `id` → `rid` unless `id` is present; returns the existing record if it is.
    mutating func insertIfAbsent(_ id: ObjectID, _ rid: RecordID) -> RecordID? {
        precondition(rid.slot != UInt32.max, "slot UInt32.max marks empty buckets")
        if (count + 1) * 4 > buckets.count * 3 { grow(minimumCount: count + 1) }
        let (high, low) = id.words
        let mask = buckets.count - 1
        let start = Self.home(high, low, seed: seed, mask: mask)
        let existing = buckets.withUnsafeMutableBufferPointer { b -> RecordID? in
            var i = start
            while true {
                if b[i].isEmpty {
                    b[i] = Bucket(low: low, high: high, slot: rid.slot)
                    return nil
                }
                if b[i].low == low && b[i].high == high { return RecordID(slot: b[i].slot) }
                i = (i + 1) & mask
            }
        }
        if existing == nil { count += 1 }
        return existing
    }

    /// Removes `id`; returns its record if it was present.
    mutating func remove(_ id: ObjectID) -> RecordID? {
        let (high, low) = id.words
        guard let found = find(high, low) else { return nil }
        let removed = RecordID(slot: buckets[found].slot)
        let mask = buckets.count - 1
        let seed = self.seed
        // Backward-shift deletion: move later members of the probe run into the hole when their home allows it.
        buckets.withUnsafeMutableBufferPointer { b in
            var hole = found
            var j = found
            while true {
                j = (j + 1) & mask
                if b[j].isEmpty { break }
                let k = Self.home(b[j].high, b[j].low, seed: seed, mask: mask)
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

    /// Makes room for `minimumCount` ids without growing.
    mutating func reserveCapacity(_ minimumCount: Int) {
        if minimumCount * 4 > buckets.count * 3 { grow(minimumCount: minimumCount) }
    }

    /// Renumbers every record through `mapping` (old slot → new slot).
    mutating func remap(_ mapping: [UInt32]) {
        buckets.withUnsafeMutableBufferPointer { b in
            for i in b.indices where !b[i].isEmpty { b[i].slot = mapping[Int(b[i].slot)] }
        }
    }

    @inline(never) private mutating func grow(minimumCount: Int) {
        var capacity = max(16, buckets.count)
        while minimumCount * 4 > capacity * 3 { capacity *= 2 }
        let old = buckets
        buckets = [Bucket](repeating: .empty, count: capacity)
        let mask = capacity - 1
        let seed = self.seed
        buckets.withUnsafeMutableBufferPointer { b in
            for bucket in old where !bucket.isEmpty {
                var i = Self.home(bucket.high, bucket.low, seed: seed, mask: mask)
                while !b[i].isEmpty { i = (i + 1) & mask }
                b[i] = bucket
            }
        }
    }

    /// Checks that every id is reachable from its home bucket and that the count is right; traps otherwise.
    func checkInvariants() {
        var live = 0
        for (i, bucket) in buckets.enumerated() where !bucket.isEmpty {
            live += 1
            precondition(find(bucket.high, bucket.low) == i, "ObjectIDTable: bucket \(i) is unreachable")
        }
        precondition(live == count, "ObjectIDTable: count \(count) but \(live) ids")
        precondition(buckets.isEmpty || count * 4 <= buckets.count * 3, "ObjectIDTable is over-full")
    }
}
