import DocketBSON

/// One output field of a `$facet` and its compiled pipeline.
struct Facet: Sendable {
    let name: String
    let stages: [Stage]
}

extension Stage {
    /// `$facet: {name: [stages], …}`: one document whose fields hold each sub-pipeline's results over the same
    /// input.
    /// - Throws: `Location40169` for a non-document or an empty one; `Location40170` for a value that is not an
    ///   array; `Location40600` for a stage not allowed in a facet (`$facet`, `$out`, `$merge`, `$documents`);
    ///   field name errors; the sub-pipelines' errors.
    static func parseFacet(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        guard case .document(let spec) = value, !spec.isEmpty else {
            throw DocketError(
                .facetNotObject, "the $facet specification must be a non-empty object", stage: "$facet")
        }
        var facets: [Facet] = []
        for (name, pipeline) in spec {
            _ = try ProjectionParser.fieldPath(name)
            guard case .array(let elements) = pipeline else {
                throw DocketError(
                    .facetNotArray, "arguments to $facet must be arrays, \(name) is type \(pipeline.type.alias)",
                    stage: "$facet")
            }
            for element in elements {
                guard let stageName = element.documentValue?.first?.key else { continue }
                if ["$facet", "$out", "$merge", "$documents", "$collStats", "$indexStats"].contains(stageName) {
                    throw DocketError(
                        .facetStageNotAllowed, "\(stageName) is not allowed to be used within a $facet stage",
                        stage: "$facet")
                }
            }
            facets.append(Facet(name: name, stages: try Pipeline.parseSubPipeline(pipeline, "$facet", scope: scope)))
        }
        return .facet(facets)
    }
}

/// `$facet`: reads its whole input, then runs each sub-pipeline over it.
final class FacetRunner: StageRunner {
    private let upstream: any StageRunner
    private let facets: [Facet]
    private let context: PipelineRunContext
    private var output = BufferedOutput()

    init(_ upstream: any StageRunner, _ facets: [Facet], context: PipelineRunContext) {
        self.upstream = upstream
        self.facets = facets
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        try output.next { () throws(DocketError) in
            var input: [PipelineDocument] = []
            var memory = MemoryTracker(limit: context.memoryLimitBytes, enforced: context.failsPastMemoryLimit)
            while let document = try upstream.next() {
                input.append(document)
                try memory.add(document.approximateSize) { () -> DocketError in
                    DocketError(
                        .queryExceededMemoryLimitNoDiskUseAllowed,
                        "$facet exceeded memory limit of \(context.memoryLimitBytes) bytes", stage: "$facet")
                }
            }
            var result = BSONDocument(minimumCapacity: facets.count)
            for facet in facets {
                result.append(facet.name, .array(try context.run(facet.stages, over: input).map(BSONValue.document)))
            }
            return [.value(result)]
        }
    }
}
