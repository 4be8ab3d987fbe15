import DocketBSON

// Pipeline-style updates (MongoDB 4.2+): `updateOne(filter, pipeline: [["$set": …], ["$unset": …]])`. The pipeline is
// compiled once with the aggregation stage parsers, in a scope where the operation's `let` variables are visible,
// and runs on each document the update selects as a one-document aggregation (MongoDB's `PipelineExecutor`). Its
// output replaces the document as a replacement would, except that `_id` may be left out (the original is kept) and
// top-level `$`-prefixed fields are allowed. `Modification.pipeline` is the write pipeline's entry into it.

/// A compiled update pipeline.
///
/// ```swift
/// let update = try UpdatePipeline(parsing: [["$set": ["total": ["$add": ["$a", "$b"]]]]], variables: LetVariables(parsing: nil))
/// ```
struct UpdatePipeline: Sendable {
    /// The compiled stages.
    let stages: [Stage]
    /// The `let` variables' values and `$$NOW`.
    let context: PipelineRunContext

    /// The stages an update pipeline may use (MongoDB's `isAllowedWithinUpdatePipeline`).
    static let allowedStages: Set<String> = [
        "$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith",
    ]

    /// Compiles an update pipeline.
    ///
    /// - Throws: the stages' parse errors (as in an aggregation: `Location40323`, `Location40324` for an unknown
    ///   stage, …), then `InvalidOptions` (72) "$match is not allowed to be used within an update" for a stage other
    ///   than `$addFields`/`$set`, `$project`, `$unset`, `$replaceRoot`/`$replaceWith`.
    init(parsing specs: [BSONDocument], variables: LetVariables) throws(DocketError) {
        let pipeline = try Pipeline(parsing: specs, scope: variables.makeScope())
        for spec in specs {
            if let name = spec.first?.key, !Self.allowedStages.contains(name) {
                throw DocketError(
                    .invalidOptions, "\(name) is not allowed to be used within an update", stage: name)
            }
        }
        stages = pipeline.stages
        var context = PipelineRunContext()
        context.variables = variables.values
        context.now = variables.now
        self.context = context
    }

    /// The pipeline's output for one document.
    private func run(_ document: PipelineDocument) throws(DocketError) -> BSONDocument {
        let last = Pipeline.makeRunners(stages, source: OneDocumentRunner(document), context: context)
        guard let output = try last.next() else {
            preconditionFailure("an update pipeline's stages yield one document for each input document")
        }
        return try output.decoded()
    }

    /// Applies the pipeline to a stored document.
    ///
    /// - Returns: `.unchanged` when the output is byte-identical to the stored document (not counted in
    ///   `nModified`), else the new version, valid for storage.
    /// - Throws: the stages' errors on this document; `ImmutableField` (66) "Performing an update on the path '_id'
    ///   would modify the immutable field '_id'" when the output has another `_id`; the storage rules' errors.
    func apply(toStored raw: RawDocument) throws(DocketError) -> StoredUpdate {
        guard let originalID = raw["_id"] else { throw DocketError(.invalidBSON, "a stored document has no _id") }
        var output = try run(.stored(raw))
        try Self.keepID(originalID, in: &output)
        let encoded = try Modification.encodeUpdated(output, original: raw)
        return encoded.bytes == raw.bytes ? .unchanged : .changed(encoded)
    }

    /// The document an upsert inserts: the pipeline applied to the document seeded from the filter's equalities.
    /// - Throws: `NotSingleValueField` (54) when two equalities set one path; the stages' errors; `ImmutableField`
    ///   (66) when the pipeline changes the seeded `_id`.
    func upsertDocument(equalities: [(path: String, value: BSONValue)]) throws(DocketError) -> BSONDocument {
        let seed = try UpdatePlan.upsertSeed(from: equalities, isReplacement: false)
        var output = try run(.value(seed))
        if let id = seed["_id"] { try Self.keepID(id, in: &output) }
        return output
    }

    /// Puts the original `_id` back when the output dropped it (first, as MongoDB does), and refuses another value.
    private static func keepID(_ originalID: BSONValue, in output: inout BSONDocument) throws(DocketError) {
        guard let index = output.index(forKey: "_id") else {
            output.insert("_id", originalID, at: 0)
            return
        }
        // MongoDB compares the immutable path's bytes: `1.0` is another `_id` than `1`, as for operator updates.
        guard output[index].value.isIdentical(to: originalID) else {
            throw DocketError(
                .immutableField, "Performing an update on the path '_id' would modify the immutable field '_id'",
                fieldPath: "_id")
        }
    }
}

/// The source of an update pipeline: the one document it updates.
final class OneDocumentRunner: StageRunner {
    private var document: PipelineDocument?

    init(_ document: PipelineDocument) { self.document = document }

    func next() throws(DocketError) -> PipelineDocument? {
        defer { document = nil }
        return document
    }
}
