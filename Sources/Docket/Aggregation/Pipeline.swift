import DocketBSON

// A pipeline is compiled once: each stage document is checked and parsed into a `Stage` (filters into matchers, sort
// specifications, projections, field paths), then the optimizer (`Pipeline+Optimizer.swift`) rewrites the stage list.
// Nothing here reads documents; `PipelineExecution` (Database/) runs the result over a snapshot.

/// A compiled aggregation pipeline.
///
/// ```swift
/// let pipeline = try Pipeline(parsing: [["$match": ["status": "active"]], ["$limit": 10]])
/// ```
struct Pipeline: Sendable {
    /// The stages, in order.
    var stages: [Stage]

    /// Compiles a pipeline.
    ///
    /// - Throws: `Location40323` "A pipeline stage specification object must contain exactly one field.";
    ///   `Location40324` "Unrecognized pipeline stage name: '$foo'"; `NotImplemented` (238) for stages MongoDB has
    ///   and Docket does not run yet; `Location40602` for `$documents` after the first stage; each stage's own parse
    ///   errors; `Overflow` (15) for a stage nested deeper than 100 levels.
    init(parsing specs: [BSONDocument], scope: ExpressionScope = ExpressionScope()) throws(DocketError) {
        var stages: [Stage] = []
        stages.reserveCapacity(specs.count)
        for spec in specs {
            try ArgumentRules.checkNesting(spec, "pipeline stage")
            guard spec.count == 1, let field = spec.first else {
                throw DocketError(
                    .pipelineStageFieldCount, "A pipeline stage specification object must contain exactly one field.")
            }
            let parsed = try Self.parseStage(field.key, field.value, scope: scope)
            if case .documents = parsed.first, !stages.isEmpty {
                throw DocketError(
                    .stageMustBeFirst, "$documents is only valid as the first stage in a pipeline", stage: field.key)
            }
            stages += parsed
        }
        for stage in stages.dropLast() {
            switch stage {
            case .out, .merge:
                let name = stage.name.rawValue
                throw DocketError(.outNotLast, "\(name) can only be the final stage in the pipeline", stage: name)
            default: continue
            }
        }
        self.stages = stages
    }

    /// Creates a pipeline from compiled stages.
    init(stages: [Stage]) { self.stages = stages }

    /// Parses one stage: dispatch on its name, once, through the one name table.
    /// Parses one stage (`$sortByCount` desugars into two).
    private static func parseStage(_ name: String, _ value: BSONValue, scope: ExpressionScope) throws(DocketError)
        -> [Stage]
    {
        guard let kind = StageName(rawValue: name) else {
            if StageName.notImplemented.contains(name) {
                throw DocketError(.notImplemented, "The \(name) stage is not supported yet", stage: name)
            }
            throw DocketError(
                .unrecognizedPipelineStage, "Unrecognized pipeline stage name: '\(name)'", stage: name)
        }
        switch kind {
        case .match: return [try Stage.parseMatch(value, scope: scope)]
        case .sort: return [try Stage.parseSort(value)]
        case .limit: return [try Stage.parseLimit(value)]
        case .skip: return [try Stage.parseSkip(value)]
        case .unwind: return [try Stage.parseUnwind(value)]
        case .count: return [try Stage.parseCount(value)]
        case .unset: return [try Stage.parseUnset(value)]
        case .sample: return [try Stage.parseSample(value)]
        case .documents: return [try Stage.parseDocuments(value, scope: scope)]
        case .project: return [try Stage.parseProject(value, scope: scope)]
        case .addFields, .set: return [try Stage.parseAddFields(name, value, scope: scope)]
        case .replaceRoot, .replaceWith: return [try Stage.parseReplaceRoot(name, value, scope: scope)]
        case .sortByCount: return try Stage.parseSortByCount(value, scope: scope)
        case .group: return [try Stage.parseGroup(value, scope: scope)]
        case .lookup: return [try Stage.parseLookup(value, scope: scope)]
        case .unionWith: return [try Stage.parseUnionWith(value, scope: scope)]
        case .facet: return [try Stage.parseFacet(value, scope: scope)]
        case .bucket: return try Stage.parseBucket(value, scope: scope)
        case .bucketAuto: return [try Stage.parseBucketAuto(value, scope: scope)]
        case .out: return [try Stage.parseOut(value)]
        case .merge: return [try Stage.parseMerge(value, scope: scope)]
        case .graphLookup: return [try Stage.parseGraphLookup(value, scope: scope)]
        case .setWindowFields: return [try Stage.parseSetWindowFields(value, scope: scope)]
        case .fill: return try Stage.parseFill(value, scope: scope)
        case .densify: return [try Stage.parseDensify(value)]
        case .redact: return [try Stage.parseRedact(value, scope: scope)]
        }
    }

    /// The final `$out` or `$merge`, if the pipeline has one.
    var finalWrite: Stage? {
        switch stages.last {
        case .out?, .merge?: return stages.last
        default: return nil
        }
    }

    /// Whether the pipeline begins with `$documents` (it then reads no collection).
    var startsWithDocuments: Bool {
        if case .documents = stages.first { return true }
        return false
    }
}
