import DocketBSON

extension Stage {
    /// `$unionWith: "collection"` or `{coll: "collection", pipeline: [...]}`: after the input, the other collection's
    /// documents (through the pipeline). Without `coll`, the pipeline must begin with `$documents`.
    /// - Throws: `FailedToParse` (9) for a value of the wrong type, an unknown field, or neither `coll` nor a
    ///   `$documents` pipeline; the sub-pipeline's errors.
    static func parseUnionWith(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        func failure(_ message: String) -> DocketError { DocketError(.failedToParse, message, stage: "$unionWith") }
        switch value {
        case .string(let collection):
            return .unionWith(collection: collection, stages: [])
        case .document(let spec):
            var collection: String?
            var stages: [Stage] = []
            for (key, field) in spec {
                switch (key, field) {
                case ("coll", .string(let name)): collection = name
                case ("pipeline", _): stages = try Pipeline.parseSubPipeline(field, "$unionWith", scope: scope)
                case ("coll", _): throw failure("$unionWith 'coll' must be a string, is type \(field.type.alias)")
                default: throw failure("BSON field '$unionWith.\(key)' is an unknown field.")
                }
            }
            guard collection != nil || Pipeline(stages: stages).startsWithDocuments else {
                throw failure(
                    "$unionWith stage without explicit collection must have a pipeline with $documents as "
                        + "first stage")
            }
            return .unionWith(collection: collection, stages: stages)
        default:
            throw failure(
                "the $unionWith stage specification must be an object or string, but found \(value.type.alias)")
        }
    }
}

/// `$unionWith`: the input, then the other collection through its pipeline.
final class UnionWithRunner: StageRunner {
    private let upstream: any StageRunner
    private let collection: String?
    private let stages: [Stage]
    private let context: PipelineRunContext
    private var inputDone = false
    private var other: (any StageRunner)?

    init(_ upstream: any StageRunner, collection: String?, stages: [Stage], context: PipelineRunContext) {
        self.upstream = upstream
        self.collection = collection
        self.stages = stages
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        if !inputDone {
            if let document = try upstream.next() { return document }
            inputDone = true
            let source = PipelineDocumentsRunner(collection.map { context.documents(of: $0) } ?? [])
            other = Pipeline.makeRunners(stages, source: source, context: context)
        }
        return try other!.next()
    }
}
