// The `_id` index of one collection: `_id` value → record.
//
// Most `_id`s are ObjectIds, so they get their own hash table keyed by the 12-byte `ObjectID` (a 16-byte key that
// hashes two integers and compares with two integer comparisons); every other `_id` goes to a table keyed by
// `BSONValue`, whose hashing and equality follow MongoDB's (`1`, `1.0` and `NumberLong(1)` are one key). An ObjectId
// equals no value of another type, so splitting by type changes no answer. The split also saves memory: an ObjectId
// bucket holds 20 bytes where a `BSONValue` bucket holds 28.

/// A map from `_id` values to record ids with MongoDB's equality of `_id` values.
struct IDIndex: Sendable {
    private var objectIDs: [ObjectID: RecordID] = [:]
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
        if case .objectID(let oid) = id { return Self.insertIfAbsent(oid, rid, into: &objectIDs) }
        return Self.insertIfAbsent(id, rid, into: &others)
    }

    private static func insertIfAbsent<Key: Hashable>(_ key: Key, _ rid: RecordID, into table: inout [Key: RecordID])
        -> RecordID?
    {
        // One probe: the `default:` subscript's in-place access finds the bucket or creates it holding `absent`.
        claim(&table[key, default: absent], rid)
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
        if case .objectID(let oid) = id { return objectIDs.removeValue(forKey: oid) }
        return others.removeValue(forKey: id)
    }

    /// Makes room for `additional` more keys (assumed to be ObjectIds, the common case).
    mutating func reserveCapacity(additional: Int) {
        objectIDs.reserveCapacity(objectIDs.count + additional)
    }

    /// Renumbers every record through `mapping` (old slot → new slot), after the store compacted.
    mutating func remap(_ mapping: [UInt32]) {
        objectIDs = objectIDs.mapValues { RecordID(slot: mapping[Int($0.slot)]) }
        others = others.mapValues { RecordID(slot: mapping[Int($0.slot)]) }
    }

    /// Removes every key.
    mutating func removeAll() {
        objectIDs = [:]
        others = [:]
    }
}
