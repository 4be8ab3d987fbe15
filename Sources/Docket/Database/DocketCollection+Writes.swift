// The write paths shared by updateOne/updateMany/replaceOne, findOneAnd*, deletes and bulkWrite.
//
// Every write runs inside `CollectionEngine.write` (one writer per collection): select the targets (the `_id`
// index or a snapshot scan), compute each new version outside the state lock, then publish all versions in one
// critical section. A failure on a document publishes the versions computed before it and reports their counts.

/// What an update does to each target.
enum Modification: Sendable {
    /// An update-operator plan.
    case update(UpdatePlan)
    /// A replacement document (top-level keys have no `$`).
    case replacement(BSONDocument)
}

/// The outcome of an update, with the documents a findOneAnd* returns.
struct UpdateOutcome: Sendable {
    var result = UpdateResult()
    var returned: BSONDocument?
    var details = MatchDetails()

    func projected(_ projection: Projection?) throws(DocketError) -> BSONDocument? {
        guard let returned else { return nil }
        guard let projection else { return returned }
        return try projection.apply(to: returned, details: details)
    }
}

/// The outcome of a delete, with the document findOneAndDelete returns.
struct DeleteOutcome: Sendable {
    var result = DeleteResult(deletedCount: 0)
    var deleted: Target?
}

extension DocketCollection {
    /// Compiles an update that must use operators (updateOne/updateMany/findOneAndUpdate).
    static func operatorPlan(_ update: BSONDocument, arrayFilters: [BSONDocument]) throws(DocketError) -> UpdatePlan {
        try checkOperators(update)
        return try UpdatePlan(update, arrayFilters: arrayFilters)
    }

    /// The driver-side check that an update document starts with an operator.
    static func checkOperators(_ update: BSONDocument) throws(DocketError) {
        guard let first = update.first, first.key.hasPrefix("$") else {
            throw DocketError(.failedToParse, "Update document requires atomic operators")
        }
    }

    /// The driver-side check that a replacement has no top-level operator.
    static func checkReplacement(_ replacement: BSONDocument) throws(DocketError) {
        if let first = replacement.first, first.key.hasPrefix("$") {
            throw DocketError(.failedToParse, "Replacement document must not contain atomic operators")
        }
    }

    /// Updates the targets of `filter`, or upserts.
    ///
    /// - Parameter returning: for findOneAnd*: which version of the (single) document to return.
    func performUpdate(
        _ filter: BSONDocument,
        _ modification: Modification,
        multi: Bool,
        upsert: Bool,
        sort: SortSpec?,
        returning: ReturnDocument?
    ) throws(DocketError) -> UpdateOutcome {
        // `{_id: <scalar>}`, the commonest update filter, needs no compiled matcher: the index lookup decides.
        let pinnedID = Self.pinnedID(filter)
        let matcher = pinnedID == nil ? try Matcher(filter) : nil
        let fastSet: FastSet?
        if case .update(let plan) = modification { fastSet = plan.fastSet } else { fastSet = nil }
        let engine = try writableEngine()
        return try engine.write { () throws(DocketError) -> UpdateOutcome in
            let targets: [Target]
            if let pinnedID {
                engine.documentsExamined.add(1, ordering: .relaxed)
                if let (rid, raw) = engine.lookup(id: pinnedID) {
                    // The hot path of update-by-`_id`: one `$set` patched into the stored bytes, no arrays built.
                    if let fastSet, returning == nil, let encoded = fastSet.apply(toEncoded: raw, arrayPosition: nil) {
                        var outcome = UpdateOutcome()
                        outcome.result.matchedCount = 1
                        if case .changed(let updated) = encoded {
                            engine.publish(replacing: rid, with: updated)
                            outcome.result.modifiedCount = 1
                        }
                        return outcome
                    }
                    targets = [Target(rid: rid, raw: raw, details: MatchDetails())]
                } else {
                    targets = []
                }
            } else {
                targets = engine.targets(matcher!, multi: multi, sort: sort)
            }
            if targets.isEmpty {
                guard upsert else { return UpdateOutcome() }
                return try upsertDocument(filter, modification, engine: engine, returning: returning)
            }
            var outcome = UpdateOutcome()
            var updates: [(RecordID, RawDocument)] = []
            updates.reserveCapacity(targets.count)
            for target in targets {
                // A single `$set` of an existing path: patch the stored bytes, no decode or encode.
                if let fastSet,
                    let encoded = fastSet.apply(toEncoded: target.raw, arrayPosition: target.details.arrayPosition)
                {
                    outcome.result.matchedCount += 1
                    var after = target.raw
                    if case .changed(let raw) = encoded {
                        updates.append((target.rid, raw))
                        outcome.result.modifiedCount += 1
                        after = raw
                    }
                    if let returning {
                        outcome.returned = returning == .before ? target.raw.document : after.document
                        outcome.details = target.details
                    }
                    continue
                }
                do throws(DocketError) {
                    var document = target.raw.document
                    let before = returning == .before ? document : nil
                    let changed = try Self.apply(modification, to: &document, details: target.details)
                    if changed {
                        let prepared = try Self.prepareUpdated(document, original: target.raw)
                        updates.append((target.rid, prepared.raw))
                        document = prepared.document ?? document
                        outcome.result.modifiedCount += 1
                    }
                    outcome.result.matchedCount += 1
                    if let returning {
                        outcome.returned = returning == .before ? before : document
                        outcome.details = target.details
                    }
                } catch {
                    engine.publish(replacing: updates)
                    var partial = BulkWriteResult()
                    partial.matchedCount = outcome.result.matchedCount
                    partial.modifiedCount = outcome.result.modifiedCount
                    throw DocketError(BulkWriteFailure(writeErrors: [WriteError(index: 0, error)], result: partial))
                }
            }
            engine.publish(replacing: updates)
            return outcome
        }
    }

    /// The `_id` of a filter that is exactly `{_id: v}` where `v` is an ObjectId, a string, a 32- or 64-bit integer,
    /// a date or a Boolean; otherwise `nil`.
    ///
    /// For these values the query `{_id: v}` matches exactly the stored document whose `_id` equals `v` in the `_id`
    /// index (a stored `_id` is never an array, so MongoDB's array traversal cannot add matches), so the lookup alone
    /// selects the target. Other filters (operators, documents, doubles with NaN, regular expressions) compile a
    /// matcher.
    static func pinnedID(_ filter: BSONDocument) -> BSONValue? {
        guard filter.count == 1 else { return nil }
        let (key, value) = filter[0]
        guard bsonUTF8Equal(key, "_id") else { return nil }
        switch value {
        case .objectID, .string, .int32, .int64, .datetime, .bool: return value
        default: return nil
        }
    }

    /// Inserts the document an upsert builds: the filter's equality fields, then the update (with `$setOnInsert`)
    /// or the replacement.
    private func upsertDocument(
        _ filter: BSONDocument,
        _ modification: Modification,
        engine: CollectionEngine,
        returning: ReturnDocument?
    ) throws(DocketError) -> UpdateOutcome {
        do throws(DocketError) {
            let seed = try UpdatePlan.upsertSeed(from: filter)
            var document: BSONDocument
            switch modification {
            case .update(let plan):
                document = seed
                _ = try plan.apply(to: &document, arrayPosition: nil, isInsert: true)
            case .replacement(let replacement):
                document = BSONDocument()
                if let id = seed["_id"] { document.append("_id", id) }
                try UpdatePlan.replace(&document, with: replacement)
            }
            let prepared = try PreparedDocument(forInsert: document)
            if let error = engine.publish(inserting: [prepared], ordered: true)[0] {
                throw DocketError(BulkWriteFailure(writeErrors: [error], result: BulkWriteResult()))
            }
            var outcome = UpdateOutcome()
            outcome.result.upsertedID = prepared.id
            if returning == .after { outcome.returned = prepared.raw.document }
            return outcome
        } catch {
            if error.writeFailure != nil { throw error }
            throw DocketError(BulkWriteFailure(writeErrors: [WriteError(index: 0, error)], result: BulkWriteResult()))
        }
    }

    /// Applies a modification to a document; returns whether it changed.
    static func apply(_ modification: Modification, to document: inout BSONDocument, details: MatchDetails)
        throws(DocketError) -> Bool
    {
        switch modification {
        case .update(let plan):
            return try plan.apply(to: &document, arrayPosition: details.arrayPosition, isInsert: false)
        case .replacement(let replacement):
            let before = document
            try UpdatePlan.replace(&document, with: replacement)
            return !before.isIdentical(to: document)
        }
    }

    /// Checks that an updated document kept its `_id` (first) and fits, and encodes it.
    ///
    /// - Returns: the encoded document and, when `_id` had to be moved back to the first position, the reordered
    ///   document.
    static func prepareUpdated(_ document: BSONDocument, original: RawDocument) throws(DocketError)
        -> (raw: RawDocument, document: BSONDocument?)
    {
        guard let originalID = original["_id"] else { preconditionFailure("stored document without _id") }
        var reordered: BSONDocument?
        if document.first?.key != "_id" || !(document.first?.value.isIdentical(to: originalID) ?? false) {
            guard let index = document.index(forKey: "_id"), document[index].value.isIdentical(to: originalID) else {
                let altered = document["_id"].map { "_id: \(BSONPrinter.errorMessage.string($0))" } ?? "_id: missing"
                throw DocketError(
                    .immutableField,
                    "After applying the update, the (immutable) field '_id' was found to have been altered to "
                        + altered,
                    fieldPath: "_id")
            }
            var moved = document
            moved.remove(at: index)
            moved.insert("_id", originalID, at: 0)
            reordered = moved
        }
        let raw: RawDocument
        do { raw = try RawDocument(reordered ?? document) } catch { throw DocketError(error) }
        guard raw.bytes.count <= maximumDocumentSize else {
            throw DocketError(
                .documentTooLarge,
                "Resulting document after update is larger than \(maximumDocumentSize)")
        }
        return (raw, reordered)
    }

    /// Deletes the targets of `filter`.
    func performDelete(_ filter: BSONDocument, multi: Bool, sort: SortSpec?) throws(DocketError) -> DeleteOutcome {
        let matcher = try Matcher(filter)
        let engine = self.engine
        guard engine.isMaterialized else { return DeleteOutcome() }
        return engine.write { () -> DeleteOutcome in
            let targets = engine.targets(matcher, multi: multi, sort: sort)
            engine.publish(removing: targets.map(\.rid))
            return DeleteOutcome(result: DeleteResult(deletedCount: targets.count), deleted: targets.first)
        }
    }
}
