import Synchronization

// The state of one collection and the rules by which threads reach it (STYLE.md §4; ARCHITECTURE.md).
//
// - `writeLock` serializes writers: a write reads the current state, computes new document versions outside the
//   state lock, then publishes them. Only one write is in flight, so what it read is still current when it publishes.
// - `state` (records + the `_id` index) is guarded by a mutex held only briefly: a reader copies it (an O(1)
//   copy-on-write snapshot of both) or looks one `_id` up; a writer publishes all the changes one operation produced in
//   one critical section, so a reader sees all of an `updateMany` or none of it.
// - Readers iterate their snapshot without any lock: an open cursor never blocks a writer, and a writer never changes
//   what an open cursor sees (the record chunks and the `_id` index segments are copied on write while shared).
// - A drop marks the engine dropped under the writer lock; a write that acquires the lock afterwards sees the mark
//   and is retried on the collection's new engine, so no acknowledged write lands in a dropped engine.

/// What a collection holds, guarded by ``CollectionEngine``'s state lock.
struct CollectionState: Sendable {
    var store = RecordStore()
    /// `_id` value → record, with MongoDB's equality (`1` and `1.0` are one key).
    var idIndex = IDIndex()

    /// Applies one write's changes. Inserts must not collide (the write checked them under this lock).
    mutating func apply(_ changes: DocumentChanges) {
        for change in changes {
            switch change {
            case .insert(let rid, let raw, let id):
                let assigned = store.append(raw)
                precondition(assigned == rid, "inserts are published in record-id order")
                _ = idIndex.insertIfAbsent(id, rid)
            case .update(let rid, _, let after):
                store.replace(rid, with: after)
            case .delete(let rid, let before):
                store.remove(rid)
                if let id = before["_id"] { idIndex.remove(id) }
            }
        }
        if store.needsCompaction { store.compact() }
    }

    func checkInvariants() {
        store.checkInvariants()
        idIndex.checkInvariants()
        precondition(idIndex.count == store.count, "_id index has \(idIndex.count) keys for \(store.count) documents")
        store.forEach { rid, document in
            guard let id = document["_id"] else { preconditionFailure("stored document without _id at \(rid)") }
            precondition(idIndex[id] == rid, "_id index disagrees with the store at \(rid)")
            return true
        }
    }
}

/// A point-in-time view of a collection for one reader: the records and, when its plan uses it, the `_id` index.
struct CollectionSnapshot: Sendable {
    let store: RecordStore
    let idIndex: IDIndex?
}

/// The engine of one collection: its state, locks, the write pipeline (``execute(_:)``) and snapshots for reads.
final class CollectionEngine: Sendable {
    let databaseName: String
    let name: String
    private let writeLock = Lock()
    private let state = LockedValue(CollectionState())
    /// Whether the collection exists (was written to or created); handles can exist before it does.
    private let materialized = Atomic<Bool>(false)
    /// Set (under the writer lock) when the collection is dropped: handles holding this engine re-resolve it.
    let isDropped = Atomic<Bool>(false)

    init(databaseName: String, name: String) {
        self.databaseName = databaseName
        self.name = name
    }

    /// `"db.collection"`.
    var namespace: String { "\(databaseName).\(name)" }

    /// Whether the collection exists.
    var isMaterialized: Bool { materialized.load(ordering: .acquiring) }

    /// Makes the collection exist; returns `false` if it already did.
    @discardableResult
    func materialize() -> Bool {
        materialized.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    /// Marks the collection dropped and frees its documents (open cursors keep their snapshots). Writes that were
    /// waiting for the writer lock see the mark and go to the collection's next engine.
    func markDropped() {
        writeLock.withLock {
            isDropped.store(true, ordering: .releasing)
            state.withLock { s in
                s.store.removeAll()
                s.idIndex.removeAll()
            }
        }
    }

    // MARK: Reads

    /// The live document count, read under the state lock.
    var count: Int { state.withLock { $0.store.count } }

    /// An O(1) snapshot for a reader; the `_id` index is included only when the reader's plan uses it (a snapshot
    /// holding an index segment makes the next writer to that segment copy it).
    func snapshot(includingIDIndex: Bool) -> CollectionSnapshot {
        state.withLock { s in CollectionSnapshot(store: s.store, idIndex: includingIDIndex ? s.idIndex : nil) }
    }

    /// Memory used by the documents and the `_id` index, in bytes (approximate).
    var memoryFootprint: (documents: Int, idIndex: Int) {
        let s = state.withLock { $0 }
        return (s.store.memoryFootprint, s.idIndex.memoryFootprint)
    }

    /// Runs the collection's invariant checks (store, `_id` index agreement). For tests.
    func checkInvariants() {
        state.withLock { $0.checkInvariants() }
    }

    // MARK: Writes

    /// Runs `body` as the only writer of this collection, unless the collection was dropped (then `nil`: the
    /// caller retries on the collection's new engine).
    func write<T>(_ body: () throws(DocketError) -> T) throws(DocketError) -> T? {
        try writeLock.withLock { () throws(DocketError) -> T? in
            if isDropped.load(ordering: .acquiring) { return nil }
            return try body()
        }
    }

    /// The writer's view of the state (inside ``write(_:)``: nothing else changes it meanwhile).
    func writerSnapshot() -> CollectionSnapshot {
        snapshot(includingIDIndex: true)
    }

    /// The record of `id` and its document, looked up in the index under the state lock.
    func lookup(id: BSONValue) -> (rid: RecordID, raw: RawDocument)? {
        state.withLock { s in
            guard let rid = s.idIndex[id], let raw = s.store[rid] else { return nil }
            return (rid, raw)
        }
    }

    /// Publishes one write's changes atomically (inside ``write(_:)``).
    func publish(_ changes: DocumentChanges) {
        guard !changes.isEmpty else { return }
        state.withLock { $0.apply(changes) }
    }

    /// Inserts prepared documents in order under the state lock, claiming each `_id` first; stops at the first
    /// duplicate if `ordered` (inside ``write(_:)``).
    ///
    /// - Returns: the changes made (inserts only), and for each input index that failed, its duplicate-key error.
    func publishInserts(_ documents: [PreparedDocument], ordered: Bool) -> (
        changes: DocumentChanges, errors: [Int: WriteError]
    ) {
        var errors: [Int: WriteError] = [:]
        var changes = DocumentChanges()
        changes.reserveCapacity(documents.count)
        state.withLock { s in
            for (i, prepared) in documents.enumerated() {
                // One hash probe per document: claim the key for the next record unless it is taken.
                let rid = RecordID(s.store.nextID)
                if s.idIndex.insertIfAbsent(prepared.id, rid) != nil {
                    errors[i] = duplicateKeyError(index: i, id: prepared.id)
                    if ordered { break }
                    continue
                }
                s.store.append(prepared.raw)
                changes.append(.insert(rid, prepared.raw, id: prepared.id))
            }
        }
        return (changes, errors)
    }

    /// The E11000 error for a duplicate `_id`, in mongod's format.
    func duplicateKeyError(index: Int, id: BSONValue) -> WriteError {
        let message =
            "E11000 duplicate key error collection: \(namespace) index: _id_ dup key: { _id: \(BSONPrinter.errorMessage.string(id)) }"
        return WriteError(
            index: index,
            code: .duplicateKey,
            message: message,
            keyPattern: ["_id": 1],
            keyValue: ["_id": id]
        )
    }
}
