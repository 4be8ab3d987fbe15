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

/// A write, compiled.
enum WriteOperation: Sendable {
    /// Insert prepared documents, in order; with `ordered`, stop at the first duplicate `_id`.
    case insert([PreparedDocument], ordered: Bool)
    /// Update (or replace) the selected documents, or upsert.
    case update(UpdateRequest)
    /// Delete the selected documents.
    case delete(Selection)
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

/// An update, a replacement or an upsert.
struct UpdateRequest: Sendable {
    let selection: Selection
    let modification: Modification
    let upsert: Bool
    /// For find-and-modify: which version of the single document to return.
    let returning: ReturnDocument?
}

/// What a write did.
struct WriteOutcome: Sendable {
    var changes: [DocumentChange] = []
    var matchedCount = 0
    var modifiedCount = 0
    var deletedCount = 0
    var upsertedID: BSONValue?
    /// For inserts: the duplicate-key error of each input index that failed.
    var insertErrors: [Int: WriteError] = [:]
    /// For find-and-modify: the document returned, and the match details for its projection.
    var returned: BSONDocument?
    var returnedDetails = MatchDetails()
    var stats = ExecutionStats()
    /// The error that stopped a multi-document write after some changes were published.
    var failure: DocketError?
}

extension CollectionEngine {
    /// Runs a write as the collection's only writer.
    ///
    /// - Returns: the outcome, or `nil` when the collection was dropped before the write got the writer lock (the
    ///   caller retries on the collection's new engine).
    /// - Throws: errors raised before anything changed (an upsert whose document is invalid, a duplicate key of an
    ///   upsert); errors after partial progress come back in ``WriteOutcome/failure``.
    func execute(_ operation: WriteOperation) throws(DocketError) -> WriteOutcome? {
        try write { () throws(DocketError) -> WriteOutcome in
            switch operation {
            case .insert(let documents, let ordered):
                var outcome = WriteOutcome()
                (outcome.changes, outcome.insertErrors) = publishInserts(documents, ordered: ordered)
                return outcome
            case .update(let request):
                return try update(request)
            case .delete(let selection):
                var outcome = WriteOutcome()
                let targets = select(selection, stats: &outcome.stats)
                outcome.changes = targets.map { .delete($0.rid, before: $0.raw) }
                outcome.deletedCount = targets.count
                if let first = targets.first, !selection.multi {
                    outcome.returned = try first.raw.decoded()
                    outcome.returnedDetails = first.details
                }
                publish(outcome.changes)
                return outcome
            }
        }
    }

    /// The documents a write applies to, from the writer's snapshot.
    private func select(_ selection: Selection, stats: inout ExecutionStats) -> [MatchedDocument] {
        var source = MatchingDocuments(
            snapshot: snapshot(includingIDIndex: selection.access.usesIDIndex), matcher: selection.matcher,
            access: selection.access)
        if let sort = selection.sort, !selection.multi {
            var best = SortBuffer<MatchedDocument>(spec: sort, bound: 1)
            while let match = source.next(&stats) { best.offer(key: sort.sortKey(for: match.raw), match) }
            return best.sorted()
        }
        var targets: [MatchedDocument] = []
        while let match = source.next(&stats) {
            targets.append(match)
            if !selection.multi { break }
        }
        return targets
    }

    private func update(_ request: UpdateRequest) throws(DocketError) -> WriteOutcome {
        var outcome = WriteOutcome()
        let targets = select(request.selection, stats: &outcome.stats)
        if targets.isEmpty {
            guard request.upsert else { return outcome }
            return try upsert(request)
        }
        outcome.changes.reserveCapacity(targets.count)
        for target in targets {
            do throws(DocketError) {
                let result = try request.modification.apply(
                    toStored: target.raw, arrayPosition: target.details.arrayPosition)
                outcome.matchedCount += 1
                var after = target.raw
                if case .changed(let updated) = result {
                    outcome.changes.append(.update(target.rid, before: target.raw, after: updated))
                    outcome.modifiedCount += 1
                    after = updated
                }
                if let returning = request.returning {
                    outcome.returned = try (returning == .before ? target.raw : after).decoded()
                    outcome.returnedDetails = target.details
                }
            } catch {
                outcome.failure = error
                break
            }
        }
        publish(outcome.changes)
        return outcome
    }

    /// Inserts the document an upsert builds from the filter's equalities and the modification.
    private func upsert(_ request: UpdateRequest) throws(DocketError) -> WriteOutcome {
        let document = try request.modification.upsertDocument(
            equalities: request.selection.upsertEqualities)
        let prepared = try PreparedDocument(forInsert: document)
        let (changes, errors) = publishInserts([prepared], ordered: true)
        if let error = errors[0] {
            throw DocketError(BulkWriteFailure(writeErrors: [error], result: BulkWriteResult()))
        }
        var outcome = WriteOutcome()
        outcome.changes = changes
        outcome.upsertedID = prepared.id
        if request.returning == .after {
            outcome.returned = try prepared.raw.decoded()
        }
        return outcome
    }
}
