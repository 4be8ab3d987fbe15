// The in-memory record store of one collection.
//
// Layout
// ------
// Documents are kept as their encoded BSON bytes (`RawDocument`), one per slot. Slots live in fixed-size chunks;
// the store holds an array of chunk references:
//
//     RecordStore
//     +---------------------------+
//     | chunks: [Chunk] ----------+---> [ Chunk 0 ][ Chunk 1 ] ... [ Chunk k ]
//     | slotCount, liveCount      |          |
//     +---------------------------+          v
//                                        slots: [RawDocument?]  (chunkSize slots; nil = deleted)
//
// A `RecordID` is a slot number: chunk = slot / chunkSize, offset = slot % chunkSize.
//
// Snapshots
// ---------
// `RecordStore` is a value. Copying it (a reader's snapshot) copies one array reference. A writer mutating its
// copy copies the chunk-reference array if it is shared (O(number of chunks)), then copies the one chunk it writes
// if that chunk is shared (`isKnownUniquelyReferenced`, O(chunkSize)); unshared chunks are mutated in place. A
// snapshot therefore never changes, whatever the writer does afterwards, and costs O(1) to take.
//
// Natural order
// -------------
// Slots are never reused: a deleted slot becomes a tombstone (`nil`) and new documents are appended. Natural order
// (the order of an unsorted scan) is therefore insertion order, and an update keeps a document in place, which is
// what MongoDB's storage (monotonically increasing RecordIds) shows too. When tombstones outnumber live documents
// (and exceed one chunk), `compact()` rewrites the store densely and returns the old-to-new slot mapping so that
// indexes can be remapped; compaction preserves the relative order of the live documents.

/// The address of one stored document inside a ``RecordStore``: its slot number.
///
/// Record ids are stable until the store compacts (see ``RecordStore/compact()``), which renumbers them.
struct RecordID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The slot number.
    var slot: UInt32

    /// Creates a record id for a slot.
    init(slot: UInt32) { self.slot = slot }

    static func < (lhs: RecordID, rhs: RecordID) -> Bool { lhs.slot < rhs.slot }

    var description: String { "RecordID(\(slot))" }
}

/// One fixed-size block of slots.
///
/// Safe to share across threads (`@unchecked Sendable`) because of this invariant: a chunk is mutated only by the
/// collection's single writer, under the collection's state lock, and only when `isKnownUniquelyReferenced` proves
/// that no snapshot (and so no other thread) can reach it. Every other access is a read of an immutable chunk.
final class RecordChunk: @unchecked Sendable {
    var slots: ContiguousArray<RawDocument?>

    init(capacity: Int) {
        slots = []
        slots.reserveCapacity(capacity)
    }

    init(copying other: RecordChunk, capacity: Int) {
        slots = []
        slots.reserveCapacity(capacity)
        slots.append(contentsOf: other.slots)
    }
}

/// The documents of one collection, as encoded BSON in copy-on-write chunks of slots.
///
/// A value type: copying a store is an O(1) snapshot; mutating a copy never affects other copies.
///
/// ```swift
/// var store = RecordStore()
/// let id = store.append(try RawDocument(["_id": 1]))
/// let snapshot = store          // O(1)
/// store.remove(id)              // the snapshot still holds the document
/// ```
struct RecordStore: Sendable {
    /// Slots per chunk. Small in debug builds so that tests cross chunk boundaries constantly.
    #if DEBUG
        static let chunkSize = 8
    #else
        static let chunkSize = 1024
    #endif

    /// How many slots ahead a scan touches documents to overlap their cache misses (see ``next(from:examined:where:)``).
    static let lookahead = 8

    var chunks: [RecordChunk] = []
    /// The number of slots used so far (live documents and tombstones).
    private(set) var slotCount: Int = 0
    /// The number of live documents.
    private(set) var count: Int = 0

    /// Creates an empty store.
    init() {}

    /// Whether the store holds no live documents.
    var isEmpty: Bool { count == 0 }

    /// The number of deleted slots not yet reclaimed by ``compact()``.
    var tombstoneCount: Int { slotCount - count }

    /// The document in a slot, or `nil` if it was deleted or the id is out of range.
    /// - Complexity: O(1).
    subscript(id: RecordID) -> RawDocument? {
        let slot = Int(id.slot)
        guard slot < chunks.count &* RecordStore.chunkSize else { return nil }
        let chunk = chunks[slot / RecordStore.chunkSize]
        let offset = slot % RecordStore.chunkSize
        return offset < chunk.slots.count ? chunk.slots[offset] : nil
    }

    /// Appends a document and returns its new id.
    /// - Complexity: amortized O(1); O(chunks + chunkSize) when a snapshot shares the last chunk.
    @discardableResult
    mutating func append(_ document: RawDocument) -> RecordID {
        precondition(slotCount < Int(UInt32.max), "RecordStore is full")
        let slot = slotCount
        let chunkIndex = slot / RecordStore.chunkSize
        if chunkIndex == chunks.count {
            chunks.append(RecordChunk(capacity: RecordStore.chunkSize))
        }
        makeChunkUnique(chunkIndex)
        chunks[chunkIndex].slots.append(document)
        slotCount += 1
        count += 1
        return RecordID(slot: UInt32(slot))
    }

    /// Replaces the document in a live slot and returns the previous one.
    /// - Precondition: the slot holds a live document.
    /// - Complexity: O(1); O(chunks + chunkSize) when a snapshot shares the chunk.
    @discardableResult
    mutating func replace(_ id: RecordID, with document: RawDocument) -> RawDocument {
        let (chunkIndex, offset) = locate(id)
        makeChunkUnique(chunkIndex)
        guard let old = chunks[chunkIndex].slots[offset] else {
            preconditionFailure("RecordStore.replace on a deleted slot \(id)")
        }
        chunks[chunkIndex].slots[offset] = document
        return old
    }

    /// Deletes the document in a live slot (the slot becomes a tombstone) and returns it.
    /// - Precondition: the slot holds a live document.
    /// - Complexity: O(1); O(chunks + chunkSize) when a snapshot shares the chunk.
    @discardableResult
    mutating func remove(_ id: RecordID) -> RawDocument {
        let (chunkIndex, offset) = locate(id)
        makeChunkUnique(chunkIndex)
        guard let old = chunks[chunkIndex].slots[offset] else {
            preconditionFailure("RecordStore.remove on a deleted slot \(id)")
        }
        chunks[chunkIndex].slots[offset] = nil
        count -= 1
        return old
    }

    /// Removes every document.
    mutating func removeAll() {
        chunks = []
        slotCount = 0
        count = 0
    }

    /// Whether compaction would pay: tombstones outnumber live documents and fill more than a chunk.
    var needsCompaction: Bool {
        tombstoneCount > count && tombstoneCount >= RecordStore.chunkSize
    }

    /// Rewrites the store without tombstones, keeping the order of live documents.
    ///
    /// - Returns: for each old slot, the new slot (`UInt32.max` for a tombstone), so indexes can be remapped.
    /// - Complexity: O(slotCount).
    mutating func compact() -> [UInt32] {
        var mapping = [UInt32](repeating: UInt32.max, count: slotCount)
        var fresh = RecordStore()
        var old = 0
        for chunk in chunks {
            for document in chunk.slots {
                if let document { mapping[old] = fresh.append(document).slot }
                old += 1
            }
        }
        self = fresh
        return mapping
    }

    /// Calls `body` with each live document and its id, in natural (insertion) order, until it returns `false`.
    /// - Complexity: O(slotCount).
    func forEach(_ body: (RecordID, RawDocument) throws -> Bool) rethrows {
        var slot: UInt32 = 0
        for chunk in chunks {
            for document in chunk.slots {
                if let document, try !body(RecordID(slot: slot), document) { return }
                slot &+= 1
            }
        }
    }

    /// The live document at or after `position` and the position after it, for resumable scans.
    ///
    /// - Returns: `nil` when no live document remains.
    func next(from position: Int) -> (id: RecordID, document: RawDocument, next: Int)? {
        var slot = position
        while slot < slotCount {
            let chunk = chunks[slot / RecordStore.chunkSize]
            var offset = slot % RecordStore.chunkSize
            let end = chunk.slots.count
            while offset < end {
                if let document = chunk.slots[offset] {
                    return (RecordID(slot: UInt32(slot)), document, slot + 1)
                }
                offset += 1
                slot += 1
            }
        }
        return nil
    }

    /// The first live document at or after `position` that satisfies `isMatch`, and the position after it.
    ///
    /// The scan loop of cursors: it walks each chunk's slots in place, so a document that does not match costs no
    /// copy and no reference counting.
    /// - Parameters:
    ///   - examined: incremented for each live document tested.
    /// - Returns: `nil` when no live document at or after `position` matches.
    /// - Complexity: O(slots scanned).
    func next(
        from position: Int,
        examined: inout Int,
        where isMatch: (RawDocument) -> Bool
    ) -> (id: RecordID, document: RawDocument, next: Int)? {
        var slot = position
        while slot < slotCount {
            let chunkIndex = slot / RecordStore.chunkSize
            let start = slot % RecordStore.chunkSize
            let hit: (offset: Int, document: RawDocument)? = chunks[chunkIndex].slots.withUnsafeBufferPointer { slots in
                var tested = 0
                // Scans are bound by memory latency: each document is its own allocation, and matching one starts
                // with a cache miss on its header. Reading the length of the document `lookahead` slots ahead lets
                // that miss overlap the matching of this one (a software prefetch). `touched` only keeps the reads
                // alive: XORs of non-negative lengths are never `Int.min`, so the comparison never adds anything.
                var touched = 0
                defer { examined += tested &+ (touched == Int.min ? 1 : 0) }
                let count = slots.count
                for offset in start..<count {
                    if offset &+ RecordStore.lookahead < count, let ahead = slots[offset &+ RecordStore.lookahead] {
                        touched ^= ahead.bytes.count
                    }
                    guard let document = slots[offset] else { continue }
                    tested += 1
                    if isMatch(document) { return (offset, document) }
                }
                return nil
            }
            let chunkStart = chunkIndex * RecordStore.chunkSize
            if let hit {
                let found = chunkStart + hit.offset
                return (RecordID(slot: UInt32(found)), hit.document, found + 1)
            }
            slot = chunkStart + RecordStore.chunkSize
        }
        return nil
    }

    /// Checks the store's structural invariants; traps on violation. For tests.
    func checkInvariants() {
        var live = 0
        var slots = 0
        for (i, chunk) in chunks.enumerated() {
            precondition(chunk.slots.count <= RecordStore.chunkSize, "chunk \(i) overflows")
            if i < chunks.count - 1 {
                precondition(chunk.slots.count == RecordStore.chunkSize, "chunk \(i) is not full but not last")
            } else {
                precondition(!chunk.slots.isEmpty, "the last chunk is empty")
            }
            slots += chunk.slots.count
            for document in chunk.slots where document != nil { live += 1 }
        }
        precondition(slots == slotCount, "slotCount \(slotCount) but \(slots) slots")
        precondition(live == count, "count \(count) but \(live) live documents")
    }

    @inline(__always) private func locate(_ id: RecordID) -> (chunk: Int, offset: Int) {
        let slot = Int(id.slot)
        precondition(slot < slotCount, "RecordID \(id) out of range")
        return (slot / RecordStore.chunkSize, slot % RecordStore.chunkSize)
    }

    @inline(__always) private mutating func makeChunkUnique(_ chunkIndex: Int) {
        if !isKnownUniquelyReferenced(&chunks[chunkIndex]) {
            copyChunk(chunkIndex)
        }
    }

    @inline(never) private mutating func copyChunk(_ chunkIndex: Int) {
        chunks[chunkIndex] = RecordChunk(copying: chunks[chunkIndex], capacity: RecordStore.chunkSize)
    }
}
