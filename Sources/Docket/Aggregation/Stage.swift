import DocketBSON

/// One compiled stage of a pipeline: its arguments parsed and checked once, before any document is read.
enum Stage: Sendable {
    /// `$match`: keeps the documents the filter matches (the filter is kept for the optimizer to merge). A
    /// top-level `$expr` is compiled in the pipeline's scope (it may read `let` and `$lookup` variables) and
    /// evaluated after the rest of the filter.
    case match(Matcher, filter: BSONDocument, expr: Expression?)
    /// `$sort`, keeping only the first `bound` documents when a `$limit` follows (a top-k).
    case sort(SortSpec, bound: Int?)
    /// `$limit`: at most that many documents (positive).
    case limit(Int)
    /// `$skip`: drops that many documents.
    case skip(Int)
    /// `$unwind`: one document per array element.
    case unwind(UnwindSpec)
    /// `$count`: one document `{field: n}`, or none for no input.
    case count(field: String)
    /// `$project` (inclusion or exclusion) and `$unset`.
    case project(Projection, spec: BSONDocument)
    /// `$sample`: `size` documents drawn at random.
    case sample(size: Int)
    /// `$documents`: the documents the expression evaluates to replace the input (only as the first stage).
    case documents(Expression)
    /// `$group`.
    case group(GroupSpec)
    /// `$addFields`/`$set`.
    case addFields(ComputedFields)
    /// `$project` with computed fields: the inclusion part (if any), then the computed fields.
    case computedProject(base: Projection?, fields: ComputedFields)
    /// `$replaceRoot`/`$replaceWith`: the new root's expression.
    case replaceRoot(Expression)
    /// `$lookup`.
    case lookup(LookupSpec)
    /// `$unionWith`: another collection (or `$documents`) through a pipeline.
    case unionWith(collection: String?, stages: [Stage])
    /// `$facet`.
    case facet([Facet])
    /// `$out`: the results replace a collection's documents (the last stage; run by the Database layer).
    case out(database: String?, collection: String)
    /// `$merge`: each result merged into a collection (the last stage; run by the Database layer).
    case merge(MergeSpec)
    /// `$graphLookup`.
    case graphLookup(GraphLookupSpec)
    /// `$bucketAuto`.
    case bucketAuto(BucketAutoSpec)
    /// `$setWindowFields` (and the window part of `$fill`).
    case setWindowFields(SetWindowFieldsSpec)
    /// `$densify`.
    case densify(DensifySpec)
    /// `$redact`: the expression deciding `$$KEEP`, `$$PRUNE` or `$$DESCEND` at each level.
    case redact(Expression)
    /// Not a MongoDB stage: decodes only these top-level fields of each stored document (the optimizer's dependency
    /// analysis puts it before the first stage that decodes; `Pipeline+Dependencies.swift`).
    case narrow([[UInt8]])

    /// The stage's name, for messages.
    var name: StageName {
        switch self {
        case .match: .match
        case .sort: .sort
        case .limit: .limit
        case .skip: .skip
        case .unwind: .unwind
        case .count: .count
        case .project: .project
        case .sample: .sample
        case .documents: .documents
        case .group: .group
        case .addFields: .addFields
        case .computedProject: .project
        case .replaceRoot: .replaceRoot
        case .lookup: .lookup
        case .unionWith: .unionWith
        case .facet: .facet
        case .bucketAuto: .bucketAuto
        case .out: .out
        case .merge: .merge
        case .graphLookup: .graphLookup
        case .setWindowFields: .setWindowFields
        case .densify: .densify
        case .redact: .redact
        case .narrow: .project
        }
    }
}
