import DocketBSON

extension Stage {
    /// `$project: {field: 1 | 0 | true | false, "a.b": …, sub: {…}, computed: expression}`: an inclusion (only the
    /// named and computed fields, plus `_id` unless excluded) or an exclusion (every field but the named ones),
    /// applied through arrays of documents. Numbers and booleans are inclusion flags; `"$path"`, `{$op: …}`, strings,
    /// arrays and other values are computed fields.
    /// - Throws: `Location15969` for a non-document; `Location51272` for an empty specification; `Location31324`
    ///   for a positional path (`"a.$"`); `Location31252` for a computed field in an exclusion; the projection errors
    ///   of `find` (31253, 31254, 31249, 31250, …), their messages prefixed with "Invalid $project :: caused by :: ";
    ///   the expressions' parse errors.
    static func parseProject(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        guard case .document(let spec) = value else {
            throw DocketError(.projectNotObject, "$project specification must be an object", stage: "$project")
        }
        guard !spec.isEmpty else {
            throw projectError(.projectEmpty, "projection specification must have at least one field")
        }
        var flags = BSONDocument()
        var computed = ComputedFields()
        try classify(spec, prefix: [], flags: &flags, computed: &computed, scope: scope)
        if computed.isEmpty {
            return .project(try findProjection(flags), spec: flags)
        }
        // Computed fields make an inclusion: only `_id` may be excluded.
        for (key, flag) in flags where key != "_id" && !flag.isTruthyFlag {
            throw projectError(
                .projectionExpressionInExclusion, "Cannot use expression other than $meta in exclusion projection")
        }
        let excludesID = flags["_id"].map { !$0.isTruthyFlag } ?? false
        var included = BSONDocument()
        for (key, flag) in flags where key != "_id" { included.append(key, flag) }
        let idComputed = computed.entries.contains { $0.name == "_id" }
        if !excludesID && !idComputed { included["_id"] = .int32(1) }
        // A find projection includes `_id` unless told otherwise.
        if (excludesID || idComputed) && !included.isEmpty { included["_id"] = .int32(0) }
        let base = included.isEmpty ? nil : try findProjection(included)
        computed.source = spec
        return .computedProject(base: base, fields: computed)
    }

    private static func projectError(_ code: DocketError.Code, _ reason: String) -> DocketError {
        DocketError(code, "Invalid $project :: caused by :: " + reason, stage: "$project")
    }

    private static func findProjection(_ spec: BSONDocument) throws(DocketError) -> Projection {
        do {
            return try Projection(spec)
        } catch {
            var wrapped = error
            wrapped.message = "Invalid $project :: caused by :: " + error.message
            wrapped.stage = "$project"
            throw wrapped
        }
    }

    /// Splits a specification into inclusion/exclusion flags (dotted paths) and computed fields.
    private static func classify(
        _ spec: BSONDocument, prefix: [String], flags: inout BSONDocument, computed: inout ComputedFields,
        scope: ExpressionScope
    ) throws(DocketError) {
        for (key, value) in spec {
            if key == "$" || key.hasSuffix(".$") || key.contains(".$.") {
                throw projectError(.projectPositional, "Cannot use positional projection in aggregation projection")
            }
            let path = prefix + (try ProjectionParser.fieldPath(key))
            switch value {
            case .int32, .int64, .double, .decimal128, .bool:
                flags.append(path.joined(separator: "."), value)
            case .document(let sub) where sub.first.map({ !$0.key.hasPrefix("$") }) ?? false:
                try classify(sub, prefix: path, flags: &flags, computed: &computed, scope: scope)
            case .document(let sub) where sub.isEmpty:
                throw projectError(
                    .projectionEmptySubProjection,
                    "An empty sub-projection is not a valid value. "
                        + "Found empty object at path")
            default:
                try computed.add(path[...], .value(try Expression(parsing: value, scope: scope)))
            }
        }
    }
}

extension BSONValue {
    /// Whether a projection flag includes (a non-zero number or `true`).
    var isTruthyFlag: Bool {
        switch self {
        case .bool(let b): return b
        case .int32(let i): return i != 0
        case .int64(let i): return i != 0
        case .double(let d): return d != 0
        case .decimal128(let d): return !d.isZero
        default: return true
        }
    }
}

/// `$project` with computed fields: the inclusion part (decoding only the fields it needs from stored bytes), then
/// the computed fields, evaluated against the input document.
final class ComputedProjectRunner: StageRunner {
    private let upstream: any StageRunner
    private let base: Projection?
    private let fields: ComputedFields
    private let context: PipelineRunContext

    init(_ upstream: any StageRunner, base: Projection?, fields: ComputedFields, context: PipelineRunContext) {
        self.upstream = upstream
        self.base = base
        self.fields = fields
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let input = try upstream.next() else { return nil }
        var projected = BSONDocument()
        if let base {
            let needed: BSONDocument
            switch input {
            case .stored(let raw):
                do throws(BSONError) { needed = try base.neededFields.decode(raw) } catch { throw DocketError(error) }
            case .value(let document): needed = document
            }
            projected = try base.apply(to: needed, details: MatchDetails())
        }
        var expressionContext = ExpressionContext(root: input, variables: context.variables, now: context.now)
        return .value(try fields.apply(to: projected, &expressionContext))
    }
}
