import DocketBSON

// Dependency analysis, as MongoDB's `DocumentSource::getDependencies`: which top-level fields of a stored document the
// rest of a pipeline can read. A stage that reshapes documents (`$unwind`, `$addFields`, `$lookup`, …) has to decode
// its input; `narrowed` puts a `.narrow` before the first such stage, so that only the fields some later stage reads
// are decoded. For the seed aggregation (`$match` → `$unwind: "$teams"` → `$group` by `teams.id`) that is `teams`
// alone: the other fields of a user are skipped by their lengths, never decoded.
//
// The analysis is conservative: any stage it cannot see through (a whole-document reference such as `$$ROOT`, a
// `$facet`, an exclusion before the end) needs every field, and then nothing is narrowed.

extension Pipeline {
    /// The pipeline with a `.narrow` before its first decoding stage, when the stages from there on need only some
    /// top-level fields.
    ///
    /// - Parameter expressionFields: the top-level fields every expression of the pipeline reads (the compile scope's
    ///   ``ExpressionScope/referencedFields``), or `nil` when one reads a whole document.
    func narrowed(expressionFields: Set<String>?) -> Pipeline {
        guard let first = stages.firstIndex(where: \.decodesInput) else { return self }
        guard var fields = Self.fieldsNeeded(by: stages[first...], expressionFields: expressionFields) else {
            return self
        }
        // As MongoDB's dependency projection, `_id` is always kept (messages that show the input document show it).
        fields.insert("_id")
        var result = stages
        result.insert(.narrow(fields.sorted().map { Array($0.utf8) }), at: first)
        return Pipeline(stages: result)
    }

    /// The top-level fields of their input that `stages` (and the pipeline's output, which is returned whole) read,
    /// or `nil` for all of them.
    static func fieldsNeeded(by stages: ArraySlice<Stage>, expressionFields: Set<String>?) -> Set<String>? {
        var needed: Set<String>? = nil  // the output is returned whole
        for stage in stages.reversed() {
            needed = stage.fieldsNeeded(downstream: needed, expressionFields: expressionFields)
        }
        return needed
    }
}

extension Stage {
    /// Whether the stage decodes each stored input document (instead of reading its bytes).
    var decodesInput: Bool {
        switch self {
        case .unwind, .addFields, .computedProject, .replaceRoot, .lookup, .graphLookup, .setWindowFields, .densify,
            .redact:
            true
        default: false
        }
    }

    /// The top-level fields of its input this stage and the stages after it read, given what the later stages read
    /// (`downstream`, `nil` for all); `nil` for all.
    func fieldsNeeded(downstream: Set<String>?, expressionFields: Set<String>?) -> Set<String>? {
        switch self {
        case .limit, .skip, .sample, .unionWith, .narrow:
            return downstream
        case .count:
            return []
        case .group(let spec):
            // `$group` and `$bucketAuto` replace their input: only their expressions' fields are read, and the paths
            // `$top`/`$bottom` sort by.
            return union(expressionFields, AccumulatorSpec.sortFields(spec.fields.map(\.accumulator)))
        case .bucketAuto(let spec):
            return union(expressionFields, AccumulatorSpec.sortFields(spec.fields.map(\.accumulator)))
        case .replaceRoot:
            return expressionFields
        case .match(_, let filter, _):
            return union(downstream, Self.filterFields(filter), expressionFields)
        case .sort(let spec, _):
            return union(downstream, Set(spec.keys.compactMap { $0.path.first?.name }))
        case .unwind(let spec):
            return union(downstream, spec.path.first.map { [$0] } ?? [])
        case .project(let projection, _):
            switch projection.neededFields {
            case .only(let names): return Set(names.map { String(decoding: $0, as: UTF8.self) })
            case .allExcept: return downstream
            }
        case .addFields, .graphLookup:
            return union(downstream, expressionFields)
        case .lookup(let spec):
            return union(downstream, spec.localField?.first.map { [$0.name] } ?? [], expressionFields)
        case .computedProject(let base, _):
            // An inclusion with computed fields: what it includes, what its expressions read, and `_id`.
            var needed = expressionFields.map { $0.union(["_id"]) }
            if let base {
                guard case .only(let names) = base.neededFields else { return nil }
                needed?.formUnion(names.map { String(decoding: $0, as: UTF8.self) })
            }
            return needed
        case .setWindowFields(let spec):
            // The partition key and window functions are expressions; `sortBy` reads its paths.
            return union(downstream, expressionFields, spec.sortFields)
        case .densify(let spec):
            return union(downstream, spec.readFields)
        case .documents, .facet, .out, .merge, .redact:
            // `$redact` reads every level of the document.
            return nil
        }
    }

    /// The top-level fields a `$match` filter names (through `$and`, `$or` and `$nor`); `nil` when an operator may read
    /// anything (`$where`, unknown ones).
    static func filterFields(_ filter: BSONDocument) -> Set<String>? {
        var fields: Set<String> = []
        for (key, value) in filter {
            guard key.hasPrefix("$") else {
                fields.insert(String(key.prefix { $0 != "." }))
                continue
            }
            switch key {
            case "$and", "$or", "$nor":
                guard case .array(let clauses) = value else { return nil }
                for clause in clauses {
                    guard case .document(let inner) = clause, let innerFields = filterFields(inner) else { return nil }
                    fields.formUnion(innerFields)
                }
            case "$comment":
                continue
            case "$expr":
                // A top-level `$expr` was taken out of the filter (it reads the pipeline's expression fields); one
                // nested under `$and`/`$or`/`$nor` is compiled with the filter, in a scope of its own.
                return nil
            default:
                return nil
            }
        }
        return fields
    }

    func union(_ sets: Set<String>?...) -> Set<String>? {
        var result: Set<String> = []
        for set in sets {
            guard let set else { return nil }
            result.formUnion(set)
        }
        return result
    }
}

extension AccumulatorSpec {
    /// The top-level fields the `sortBy` of `$top`, `$bottom`, `$topN` and `$bottomN` accumulators read (they are
    /// sort paths, not expressions).
    static func sortFields(_ accumulators: [AccumulatorSpec]) -> Set<String> {
        Set(accumulators.flatMap { $0.sortBy?.keys.compactMap { $0.path.first?.name } ?? [] })
    }
}

/// `.narrow`: decodes only the fields the rest of the pipeline reads from each stored document (documents that are
/// already decoded pass through unchanged).
final class NarrowRunner: StageRunner {
    private let upstream: any StageRunner
    private let fields: ProjectionFields

    init(_ upstream: any StageRunner, _ names: [[UInt8]]) {
        self.upstream = upstream
        self.fields = .only(names)
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let document = try upstream.next() else { return nil }
        guard case .stored(let raw) = document else { return document }
        do { return .value(try fields.decode(raw)) } catch { throw DocketError(error) }
    }
}
