import DocketBSON

/// The other collections of the pipeline's database, for `$lookup` and `$unionWith`: a protocol the Database layer
/// implements (ARCHITECTURE.md: a lower layer declares what it needs from a higher one) with snapshots taken when the
/// pipeline was created.
protocol CollectionSource: Sendable {
    /// The stored documents of collection `name`, in natural order; none for a collection that does not exist.
    func storedDocuments(of name: String) -> [RawDocument]
}

/// Yields given pipeline documents (a `$facet` input, the matches of a `$lookup`, another collection's documents).
final class PipelineDocumentsRunner: StageRunner {
    private let documents: [PipelineDocument]
    private var position = 0

    init(_ documents: [PipelineDocument]) { self.documents = documents }

    func next() throws(DocketError) -> PipelineDocument? {
        guard position < documents.count else { return nil }
        position += 1
        return documents[position - 1]
    }
}

extension PipelineRunContext {
    /// The context with a user variable's slot set (growing the table as needed).
    func setting(_ slot: Int, _ value: BSONValue?) -> PipelineRunContext {
        var copy = self
        if slot >= copy.variables.count {
            copy.variables.append(contentsOf: repeatElement(nil, count: slot + 1 - copy.variables.count))
        }
        copy.variables[slot] = value
        return copy
    }

    /// The documents of another collection, as stored pipeline documents.
    func documents(of collection: String) -> [PipelineDocument] {
        (collections?.storedDocuments(of: collection) ?? []).map { .stored($0) }
    }

    /// Runs compiled sub-pipeline stages over `input` and returns the results, decoded.
    func run(_ stages: [Stage], over input: [PipelineDocument]) throws(DocketError) -> [BSONDocument] {
        let last = Pipeline.makeRunners(stages, source: PipelineDocumentsRunner(input), context: self)
        var results: [BSONDocument] = []
        while let document = try last.next() { results.append(try document.decoded()) }
        return results
    }
}

extension Pipeline {
    /// The collections the pipeline reads besides its own (`$lookup`'s `from`, `$unionWith`'s `coll`, nested).
    var referencedCollections: Set<String> {
        var names: Set<String> = []
        for stage in stages {
            switch stage {
            case .graphLookup(let spec):
                names.insert(spec.from)
            case .lookup(let spec):
                names.insert(spec.from)
                names.formUnion(Pipeline(stages: spec.pipeline ?? []).referencedCollections)
            case .unionWith(let collection, let stages):
                if let collection { names.insert(collection) }
                names.formUnion(Pipeline(stages: stages).referencedCollections)
            case .facet(let facets):
                for facet in facets { names.formUnion(Pipeline(stages: facet.stages).referencedCollections) }
            default: break
            }
        }
        return names
    }

    /// Parses a sub-pipeline (`$lookup`, `$unionWith`, `$facet`) and optimizes it.
    /// - Throws: `FailedToParse` (9) when `value` is not an array of documents; the stages' parse errors.
    static func parseSubPipeline(_ value: BSONValue, _ owner: String, scope: ExpressionScope) throws(DocketError)
        -> [Stage]
    {
        guard case .array(let elements) = value else {
            throw DocketError(
                .failedToParse, "\(owner) 'pipeline' must be an array, found \(value.type.alias)", stage: owner)
        }
        var specs: [BSONDocument] = []
        for element in elements {
            guard case .document(let spec) = element else {
                throw DocketError(.typeMismatch, "Each element of the 'pipeline' array must be an object", stage: owner)
            }
            specs.append(spec)
        }
        let pipeline = try Pipeline(parsing: specs, scope: scope)
        if let write = pipeline.finalWrite {
            throw DocketError(
                .writeStageInSubPipeline, "\(write.name.rawValue) is not allowed within a \(owner) sub-pipeline",
                stage: owner)
        }
        return try pipeline.optimized().stages
    }
}
