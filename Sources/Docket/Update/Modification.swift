import DocketBSON

/// What an update does to each document it selects: an operator plan, a replacement document or an update pipeline.
///
/// ``apply(toStored:arrayPosition:)`` is the one entry point of the write pipeline into the update layer ("apply
/// this change to this stored document"): the fast path on the stored bytes is chosen here, the general walk is the
/// fallback, and every result passes ``StorageRules`` before it is returned.
enum Modification: Sendable {
    /// An update-operator plan (`{$set: …, $inc: …}`).
    case update(UpdatePlan)
    /// A replacement document (top-level keys have no `$`).
    case replacement(BSONDocument)
    /// A pipeline-style update (`[{$set: …}, {$unset: …}]`), run on each document (`Aggregation/UpdatePipeline.swift`).
    case pipeline(UpdatePipeline)

    /// Applies the modification to a stored document.
    ///
    /// - Parameter arrayPosition: the first array index the query matched, for the positional `$`.
    /// - Returns: `.unchanged` when the document stays as it is (MongoDB's no-op), else its new version, valid for
    ///   storage.
    /// - Throws: the update's errors on this document (`TypeMismatch` 14, `ImmutableField` 66, …), the storage
    ///   rules' (`BSONObjectTooLarge` 10334, `Overflow` 15), and `InvalidBSON` (22) if the stored bytes are damaged.
    func apply(toStored raw: RawDocument, arrayPosition: Int?) throws(DocketError) -> StoredUpdate {
        if case .update(let plan) = self, let leaf = plan.staticLeaf,
            let outcome = try leaf.apply(toEncoded: raw, arrayPosition: arrayPosition, plan: plan)
        {
            return outcome
        }
        if case .pipeline(let pipeline) = self { return try pipeline.apply(toStored: raw) }
        var document = try raw.decoded()
        let changed: Bool
        switch self {
        case .update(let plan):
            changed = try plan.apply(to: &document, arrayPosition: arrayPosition, isInsert: false)
        case .replacement(let replacement):
            changed = try UpdatePlan.replace(&document, with: replacement)
        case .pipeline:
            preconditionFailure("a pipeline applies to the stored document above")
        }
        guard changed else { return .unchanged }
        return .changed(try Self.encodeUpdated(document, original: raw))
    }

    /// The document an upsert inserts: the filter's equality constraints (``QueryPlanner/equalities(_:)``), then
    /// the update applied as an insert (`$setOnInsert` applies), the pipeline applied to them, or the replacement
    /// (keeping only the filter's `_id`).
    ///
    /// - Throws: `NotSingleValueField` (54) when two equalities set one path; the update's errors.
    func upsertDocument(equalities: [(path: String, value: BSONValue)]) throws(DocketError) -> BSONDocument {
        switch self {
        case .update(let plan):
            var document = try UpdatePlan.upsertSeed(from: equalities, isReplacement: false)
            _ = try plan.apply(to: &document, arrayPosition: nil, isInsert: true)
            return document
        case .replacement(let replacement):
            let seed = try UpdatePlan.upsertSeed(from: equalities, isReplacement: true)
            var document = BSONDocument()
            if let id = seed["_id"] { document.append("_id", id) }
            try UpdatePlan.replace(&document, with: replacement)
            return document
        case .pipeline(let pipeline):
            return try pipeline.upsertDocument(equalities: equalities)
        }
    }

    /// Checks that an updated document kept its `_id` (moving it back to the first position when an update moved
    /// it) and has no second `_id`, and encodes it under the storage rules.
    static func encodeUpdated(_ document: BSONDocument, original: RawDocument) throws(DocketError) -> RawDocument {
        guard let originalID = original["_id"] else {
            throw DocketError(.invalidBSON, "a stored document has no _id")
        }
        var document = document
        if let first = document.first, bsonUTF8Equal(first.key, "_id"), first.value.isIdentical(to: originalID) {
            try StorageRules.checkSingleID(document, firstAt: 0)
        } else {
            guard let index = document.index(forKey: "_id"), document[index].value.isIdentical(to: originalID) else {
                let altered = document["_id"].map { "_id: \(BSONPrinter.errorMessage.string($0))" } ?? "_id: missing"
                throw DocketError(
                    .immutableField,
                    "After applying the update, the (immutable) field '_id' was found to have been altered to "
                        + altered,
                    fieldPath: "_id")
            }
            try StorageRules.checkSingleID(document, firstAt: index)
            document.remove(at: index)
            document.insert("_id", originalID, at: 0)
        }
        return try StorageRules.encode(document, context: .update)
    }
}
