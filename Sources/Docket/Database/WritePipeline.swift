import DocketBSON

// The one write pipeline (ARCHITECTURE.md). Every write — insert, update, replace, delete, upsert, and the bulk
// writes built from them (later `$out`/`$merge`) — is compiled into a `WriteOperation` and run by
// `CollectionEngine.execute(_:)` as the collection's only writer:
//
//   1. select the targets: the planner's access path + the compiled filter over the writer's snapshot
//      (`MatchingDocuments`), and for a sorted single-document write the first in sort order (`SortBuffer`);
//   2. compute each new version outside the state lock: `Modification.apply(toStored:)` (the update layer picks its
//      fast path on the stored bytes), every result already checked by `StorageRules`;
//   3. publish the operation's `[DocumentChange]` in one critical section.
//
// The change list is the unit index maintenance and the log consume. A failure on one document publishes the changes
// made before it and reports their counts, as MongoDB does.

/// One change a write made to one document.
enum DocumentChange: Sendable {
    case insert(RecordID, RawDocument, id: BSONValue)
    case update(RecordID, before: RawDocument, after: RawDocument)
    case delete(RecordID, before: RawDocument)
}

/// The changes of one write operation, in order: what `publish` applies, and what index maintenance and the log
/// consume. The first change is held inline, so the commonest write (one document) allocates nothing for it.
struct DocumentChanges: Sendable, Sequence {
    private var first: DocumentChange?
    private var rest: [DocumentChange] = []

    /// The number of changes.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ change: DocumentChange) {
        if first == nil { first = change } else { rest.append(change) }
        count += 1
    }

    mutating func reserveCapacity(_ n: Int) { if n > 1 { rest.reserveCapacity(n - 1) } }

    func makeIterator() -> Iterator { Iterator(first: first, rest: rest.makeIterator()) }

    /// The first change, then the rest.
    struct Iterator: IteratorProtocol {
        var first: DocumentChange?
        var rest: IndexingIterator<[DocumentChange]>

        mutating func next() -> DocumentChange? {
            if let change = first {
                first = nil
                return change
            }
            return rest.next()
        }
    }
}

/// A write, compiled.
enum WriteOperation: Sendable {
    /// Insert prepared documents, in order; with `ordered`, stop at the first duplicate `_id`.
    case insert([PreparedDocument], ordered: Bool)
    /// Update (or replace) the selected documents, or upsert.
    case update(UpdateRequest)
    /// The commonest write, `{_id: <scalar>}` updated (or replaced, or upserted): its own branch of the pipeline, with
    /// nothing to select but one index lookup.
    case updateByID(BSONValue, Modification, upsert: Bool)
    /// Delete the selected documents; for find-and-delete, return the deleted one.
    case delete(Selection, returning: ReturnRequest?)
}

/// What a find-and-modify returns: which version of its single document, projected. The pipeline builds the returned
/// document before it publishes anything, so a projection that fails (a positional `$` with no matching array element)
/// fails the whole write and changes nothing, as mongod's rollback of the write unit does.
struct ReturnRequest: Sendable {
    let version: ReturnDocument
    let projection: Projection?

    /// The returned document: `document` decoded and projected with the match details of its selection.
    func document(_ document: RawDocument, details: MatchDetails) throws(DocketError) -> BSONDocument {
        let decoded = try document.decoded()
        guard let projection else { return decoded }
        return try projection.apply(to: decoded, details: details)
    }
}

/// Which documents a write applies to.
struct Selection: Sendable {
    let matcher: Matcher
    let access: AccessPath
    /// All matches, or only the first (in `sort` order when given, else natural order).
    let multi: Bool
    let sort: SortSpec?
    /// The `_id` when the filter was `{_id: <scalar>}` and needed no compiled matcher.
    var pinnedID: BSONValue?

    /// The equalities an upsert copies into its new document.
    var upsertEqualities: [(path: String, value: BSONValue)] {
        if let pinnedID { return [("_id", pinnedID)] }
        return QueryPlanner.equalities(matcher.root)
    }

    /// Plans the selection of a compiled filter.
    init(matcher: Matcher, multi: Bool, sort: SortSpec?, hint: QueryHint?) {
        self.init(matcher: matcher, access: QueryPlanner.plan(matcher.root, hint: hint), multi: multi, sort: sort)
    }

    /// A selection with a planned access path.
    init(matcher: Matcher, access: AccessPath, multi: Bool, sort: SortSpec?) {
        self.matcher = matcher
        self.access = access
        self.multi = multi
        self.sort = sort
    }
}

/// An update, a replacement or an upsert. A class: the pipeline passes it along without copying its parts.
final class UpdateRequest: Sendable {
    let selection: Selection
    let modification: Modification
    let upsert: Bool
    /// For find-and-modify: which version of the single document to return, projected.
    let returning: ReturnRequest?

    init(selection: consuming Selection, modification: Modification, upsert: Bool, returning: ReturnRequest?) {
        self.selection = selection
        self.modification = modification
        self.upsert = upsert
        self.returning = returning
    }
}

/// What a write did. The pipeline fills the caller's value in place (`inout`): nothing is copied or allocated for it.
struct WriteOutcome {
    var changes = DocumentChanges()
    var matchedCount = 0
    var modifiedCount = 0
    var deletedCount = 0
    var upsertedID: BSONValue?
    /// For inserts: the duplicate-key error of each input index that failed.
    var insertErrors: [Int: WriteError] = [:]
    /// For find-and-modify: the document returned, projected.
    var returned: BSONDocument?
    var stats = ExecutionStats()
    /// The error that stopped a multi-document write after some changes were published.
    var failure: DocketError?
}

@available(*, unavailable)
extension WriteOutcome: Sendable {}

extension CollectionEngine {
    /// Runs a write as the collection's only writer, filling in `outcome`.
    ///
    /// - Returns: `false` when the collection was dropped before the write got the writer lock (nothing was done:
    ///   the caller retries on the collection's new engine).
    /// - Throws: errors raised before anything changed (an upsert whose document is invalid, a duplicate key of an
    ///   upsert); errors after partial progress come back in ``WriteOutcome/failure``.
    func execute(_ operation: WriteOperation, into outcome: inout WriteOutcome) throws(DocketError) -> Bool {
        try write { () throws(DocketError) -> Void in
            switch operation {
            case .insert(let documents, let ordered):
                (outcome.changes, outcome.insertErrors) = publishInserts(documents, ordered: ordered)
            case .update(let request):
                try update(request, into: &outcome)
            case .updateByID(let id, let modification, let upsert):
                try update(id: id, modification, upsert: upsert, into: &outcome)
            case .delete(let selection, let returning):
                var returned: MatchedDocument?
                var changes = DocumentChanges()
                var stats = ExecutionStats()
                let failure = forEachTarget(selection, stats: &stats) { target in
                    changes.append(.delete(target.rid, before: target.raw))
                    if !selection.multi { returned = target }
                }
                outcome.stats = stats
                // A filter that fails on a document ($expr) deletes nothing.
                if let failure { throw failure }
                // Built before anything is published: a failing projection deletes nothing.
                if let returned, let returning {
                    outcome.returned = try returning.document(returned.raw, details: returned.details)
                }
                outcome.changes = changes
                outcome.deletedCount = changes.count
                publish(changes)
            }
        } != nil
    }

    /// Calls `body` with each document a write applies to, from the writer's snapshot (in sort order for a sorted
    /// single-document write). The snapshot lives only during this call: it is released before the write publishes,
    /// so the writer's chunks are not shared when it changes them.
    ///
    /// - Returns: the error that stopped the selection early (a filter that fails on a document: `$expr`), if any.
    @discardableResult
    private func forEachTarget<E: Error>(
        _ selection: Selection, stats: inout ExecutionStats, _ body: (MatchedDocument) throws(E) -> Void
    ) throws(E) -> DocketError? {
        if case .idPoint(let key) = selection.access {
            // The commonest write, by `_id`: one lookup under the state lock, no snapshot of the store or index.
            stats.keysExamined += 1
            guard let (rid, raw) = lookup(id: key) else { return nil }
            stats.documentsExamined += 1
            var details = MatchDetails()
            if selection.matcher.matches(raw, details: &details) {
                try body(MatchedDocument(rid: rid, raw: raw, details: details))
            }
            return details.error
        }
        var source = MatchingDocuments(
            snapshot: snapshot(includingIDIndex: selection.access.usesIDIndex), matcher: selection.matcher,
            access: selection.access)
        if let sort = selection.sort, !selection.multi {
            var best = SortBuffer<MatchedDocument>(spec: sort, bound: 1)
            while let match = source.next(&stats) { best.offer(key: sort.sortKey(for: match.raw), match) }
            if let failure = source.failure { return failure }
            for match in best.sorted() { try body(match) }
            return nil
        }
        while let match = source.next(&stats) {
            try body(match)
            if !selection.multi { return nil }
        }
        return source.failure
    }

    private func update(_ request: UpdateRequest, into outcome: inout WriteOutcome) throws(DocketError) {
        var stats = ExecutionStats()
        var selected = false
        var changes = DocumentChanges()
        var matched = 0
        var modified = 0
        var returned: BSONDocument?
        var failure: DocketError?
        let selectionFailure = forEachTarget(request.selection, stats: &stats) { target in
            selected = true
            guard failure == nil else { return }
            do throws(DocketError) {
                let result = try request.modification.apply(
                    toStored: target.raw, arrayPosition: target.details.arrayPosition)
                var updated: RawDocument?
                if case .changed(let after) = result { updated = after }
                // The returned document first: if its projection fails, this document's change is not recorded.
                if let returning = request.returning {
                    let version = returning.version == .before ? target.raw : (updated ?? target.raw)
                    returned = try returning.document(version, details: target.details)
                }
                matched += 1
                if let updated {
                    changes.append(.update(target.rid, before: target.raw, after: updated))
                    modified += 1
                }
            } catch {
                failure = error
            }
        }
        outcome.stats = stats
        // A filter that fails on a document ($expr) stops the update there, as a failing modification does.
        if failure == nil, let selectionFailure {
            if changes.count == 0 && matched == 0 { throw selectionFailure }
            failure = selectionFailure
        }
        if !selected && request.upsert { return try upsert(request, into: &outcome) }
        publish(changes)
        outcome.changes = changes
        outcome.matchedCount = matched
        outcome.modifiedCount = modified
        outcome.returned = returned
        outcome.failure = failure
    }

    /// The `.updateByID` branch: the same steps as ``update(_:into:)`` without a selection to plan or iterate.
    private func update(id: BSONValue, _ modification: Modification, upsert: Bool, into outcome: inout WriteOutcome)
        throws(DocketError)
    {
        outcome.stats.keysExamined = 1
        guard let (rid, raw) = lookup(id: id) else {
            guard upsert else { return }
            try insertUpsert(modification.upsertDocument(equalities: [("_id", id)]), returning: nil, into: &outcome)
            return
        }
        outcome.stats.documentsExamined = 1
        outcome.matchedCount = 1
        do throws(DocketError) {
            if case .changed(let updated) = try modification.apply(toStored: raw, arrayPosition: nil) {
                outcome.changes.append(.update(rid, before: raw, after: updated))
                outcome.modifiedCount = 1
                publish(outcome.changes)
            }
        } catch {
            outcome.matchedCount = 0
            outcome.failure = error
        }
    }

    /// Inserts the document an upsert builds from the filter's equalities and the modification.
    private func upsert(_ request: UpdateRequest, into outcome: inout WriteOutcome) throws(DocketError) {
        let document = try request.modification.upsertDocument(equalities: request.selection.upsertEqualities)
        try insertUpsert(document, returning: request.returning, into: &outcome)
    }

    /// Inserts an upsert's document.
    private func insertUpsert(_ document: BSONDocument, returning: ReturnRequest?, into outcome: inout WriteOutcome)
        throws(DocketError)
    {
        let prepared = try PreparedDocument(forInsert: document)
        // Built before the insert is published: a failing projection inserts nothing.
        var returned: BSONDocument?
        if let returning, returning.version == .after {
            returned = try returning.document(prepared.raw, details: MatchDetails())
        }
        let (changes, errors) = publishInserts([prepared], ordered: true)
        if let error = errors[0] {
            throw DocketError(BulkWriteFailure(writeErrors: [error], result: BulkWriteResult()))
        }
        outcome.changes = changes
        outcome.upsertedID = prepared.id
        outcome.returned = returned
    }
}
