import Synchronization

// The state of one collection and the rules by which threads reach it (STYLE.md §4).
//
// - `writeLock` serializes writers: a write reads the current state, computes new document versions outside the
//   state lock, then publishes them. Only one write is in flight, so what it read is still current when it publishes.
// - `state` (records + the `_id` index) is guarded by a mutex held only briefly: a reader copies the record store
//   (an O(1) copy-on-write snapshot) or looks one `_id` up; a writer publishes all the versions one operation
//   produced in one critical section, so a reader sees all of an `updateMany` or none of it.
// - Readers iterate their snapshot without any lock: an open cursor never blocks a writer, and a writer never changes
//   what an open cursor sees. The `_id` index is never snapshotted: readers use it under the state lock only, so the
//   writer always mutates it in place.

/// What a collection holds, guarded by ``CollectionEngine``'s state lock.
struct CollectionState: Sendable {
    var store = RecordStore()
    /// `_id` value → record, with MongoDB's equality (`1` and `1.0` are one key).
    var idIndex = IDIndex()

    mutating func remove(_ rid: RecordID) {
        let old = store.remove(rid)
        if let id = old["_id"] { idIndex.remove(id) }
    }

    /// Compacts the store when tombstones dominate, remapping the `_id` index.
    mutating func compactIfNeeded() {
        if store.needsCompaction {
            idIndex.remap(store.compact())
        }
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

/// One document selected by a read or a write, with the match details the positional operator needs.
struct Target: Sendable {
    let rid: RecordID
    let raw: RawDocument
    let details: MatchDetails
}

/// Where a read takes its documents from.
enum ReadSource: Sendable {
    /// A snapshot of the whole store, scanned.
    case snapshot(RecordStore)
    /// The documents an `_id` lookup found (zero or one).
    case records([RawDocument])
}

/// The engine of one collection: its state, locks and the primitive reads and writes the public API is built from.
final class CollectionEngine: Sendable {
    let databaseName: String
    let name: String
    private let writeLock = Lock()
    private let state = LockedValue(CollectionState())
    /// Documents examined by scans and lookups since creation; for tests now, explain() later.
    let documentsExamined = Atomic<Int>(0)
    /// Whether the collection exists (was written to or created); handles can exist before it does.
    private let materialized = Atomic<Bool>(false)
    /// Set when the collection is dropped: handles holding this engine re-resolve their collection.
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

    /// Marks the collection dropped and frees its documents (open cursors keep their snapshots).
    func markDropped() {
        isDropped.store(true, ordering: .releasing)
        write { () -> Void in removeAll() }
    }

    // MARK: Reads

    /// The live document count, read under the state lock.
    var count: Int { state.withLock { $0.store.count } }

    /// An O(1) snapshot of all the documents.
    func snapshot() -> RecordStore { state.withLock { $0.store } }

    /// The document with this `_id`, looked up in the index under the state lock.
    func lookup(id: BSONValue) -> (rid: RecordID, raw: RawDocument)? {
        state.withLock { s in
            guard let rid = s.idIndex[id], let raw = s.store[rid] else { return nil }
            return (rid, raw)
        }
    }

    /// The source a read of `matcher` should iterate: the `_id` index when the filter pins `_id`, else a snapshot.
    func readSource(for matcher: Matcher) -> ReadSource {
        if let id = matcher.idEquality {
            documentsExamined.add(1, ordering: .relaxed)
            return .records(lookup(id: id).map { [$0.raw] } ?? [])
        }
        return .snapshot(snapshot())
    }

    /// Runs the collection's invariant checks (store, `_id` index agreement). For tests.
    func checkInvariants() {
        state.withLock { $0.checkInvariants() }
    }

    // MARK: Writes

    /// Runs `body` as the only writer of this collection.
    func write<T: Sendable, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try writeLock.withLock { () throws(E) -> T in try body() }
    }

    /// Selects the documents a write applies to. Call inside ``write(_:)``.
    ///
    /// - Parameters:
    ///   - multi: all matches (natural order); otherwise the first match, or with `sort` the first in sort order.
    func targets(_ matcher: Matcher, multi: Bool, sort: SortSpec?) -> [Target] {
        if let id = matcher.idEquality {
            documentsExamined.add(1, ordering: .relaxed)
            guard let (rid, raw) = lookup(id: id) else { return [] }
            var details = MatchDetails()
            return matcher.matches(raw, details: &details) ? [Target(rid: rid, raw: raw, details: details)] : []
        }
        let store = snapshot()
        var found: [Target] = []
        var examined = 0
        let wantsAll = multi || sort != nil
        store.forEach { rid, raw in
            examined += 1
            var details = MatchDetails()
            if matcher.matches(raw, details: &details) {
                found.append(Target(rid: rid, raw: raw, details: details))
                return wantsAll
            }
            return true
        }
        documentsExamined.add(examined, ordering: .relaxed)
        if !multi, let sort, found.count > 1 {
            var best = 0
            var bestKey = sort.sortKey(for: found[0].raw.document)
            for i in 1..<found.count {
                let key = sort.sortKey(for: found[i].raw.document)
                if SortSpec.compareKeys(key, bestKey, spec: sort) < 0 {
                    best = i
                    bestKey = key
                }
            }
            return [found[best]]
        }
        return found
    }

    /// Publishes new versions of existing documents atomically. Call inside ``write(_:)``.
    func publish(replacing updates: [(RecordID, RawDocument)]) {
        guard !updates.isEmpty else { return }
        state.withLock { s in
            for (rid, raw) in updates { s.store.replace(rid, with: raw) }
        }
    }

    /// Publishes a new version of one existing document. Call inside ``write(_:)``.
    func publish(replacing rid: RecordID, with raw: RawDocument) {
        state.withLock { s in _ = s.store.replace(rid, with: raw) }
    }

    /// Removes documents atomically. Call inside ``write(_:)``.
    func publish(removing rids: [RecordID]) {
        guard !rids.isEmpty else { return }
        state.withLock { s in
            for rid in rids { s.remove(rid) }
            s.compactIfNeeded()
        }
    }

    /// Inserts prepared documents in order, stopping at the first duplicate `_id` if `ordered`. Call inside
    /// ``write(_:)``.
    ///
    /// - Returns: for each input, `nil` if inserted, else the duplicate-key error.
    func publish(inserting documents: [PreparedDocument], ordered: Bool) -> [Int: WriteError] {
        var errors: [Int: WriteError] = [:]
        state.withLock { s in
            s.idIndex.reserveCapacity(additional: documents.count)
            for (i, prepared) in documents.enumerated() {
                // One hash probe per document: claim the key for the next slot unless it is taken.
                let next = RecordID(slot: UInt32(s.store.slotCount))
                if s.idIndex.insertIfAbsent(prepared.id, next) != nil {
                    errors[i] = duplicateKeyError(index: i, id: prepared.id)
                    if ordered { return }
                    continue
                }
                let rid = s.store.append(prepared.raw)
                assert(rid == next, "the store appends at slotCount")
            }
        }
        return errors
    }

    /// Removes every document (drop keeps no state; this is for `deleteMany({})` fast paths and tests).
    func removeAll() {
        state.withLock { s in
            s.store.removeAll()
            s.idIndex.removeAll()
        }
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

/// A document ready to store: `_id` first, validated, encoded.
struct PreparedDocument: Sendable {
    let id: BSONValue
    let raw: RawDocument
}

/// The largest document MongoDB stores: 16 MiB.
let maximumDocumentSize = 16 * 1024 * 1024

extension PreparedDocument {
    /// Prepares a document for insertion: generates an ObjectId `_id` when absent, moves `_id` to the first position,
    /// validates the `_id` and the size, and encodes.
    /// - Throws: `InvalidIdField` (53) for an array, regex or undefined `_id`; `DollarPrefixedFieldName` (52) for an
    ///   `_id` document with `$`-prefixed fields; `BSONObjectTooLarge` (10334); `BadValue` for unencodable values.
    init(forInsert document: BSONDocument) throws(DocketError) {
        var document = document
        let id: BSONValue
        if let first = document.first, first.key == "_id" {
            id = first.value
        } else if let i = document.index(forKey: "_id") {
            id = document.remove(at: i).value
            document.insert("_id", id, at: 0)
        } else {
            id = .objectID(ObjectID())
            document.insert("_id", id, at: 0)
        }
        try PreparedDocument.validateID(id)
        try self.init(id: id, document: document)
    }

    /// Encodes a document whose `_id` is already first and valid.
    init(id: BSONValue, document: BSONDocument) throws(DocketError) {
        // The encoder's output is valid BSON by construction: no second validation pass.
        let raw: RawDocument
        do { raw = try RawDocument(document) } catch { throw DocketError(error) }
        guard raw.bytes.count <= maximumDocumentSize else {
            throw DocketError(
                .documentTooLarge,
                "object to insert too large. size in bytes: \(raw.bytes.count), max size: \(maximumDocumentSize)")
        }
        self.raw = raw
        self.id = id
    }

    /// mongod's `_id` rules for stored documents.
    static func validateID(_ id: BSONValue) throws(DocketError) {
        switch id {
        case .array: throw DocketError(.invalidIdField, "can't use an array for _id")
        case .regex: throw DocketError(.invalidIdField, "can't use a regex for _id")
        case .undefined: throw DocketError(.invalidIdField, "can't use a undefined for _id")
        case .document(let d):
            if let bad = d.first(where: { $0.key.hasPrefix("$") }) {
                throw DocketError(
                    .dollarPrefixedFieldName,
                    "_id fields may not contain '$'-prefixed fields: \(bad.key) is not valid for storage.")
            }
        default: break
        }
    }
}
