import DocketBSON

extension Stage {
    /// `$project: {field: 1 | 0 | true | false | literal, "a.b": …, sub: {…}}`: an inclusion (only the named
    /// fields, plus `_id` unless excluded) or an exclusion (every field but the named ones), applied through arrays
    /// of documents.
    /// - Throws: `Location51272` for an empty specification; `Location31324` for a positional path (`"a.$"`); the
    ///   projection errors of `find` (31253, 31254, 31249, 31250, …), their messages prefixed with
    ///   "Invalid $project :: caused by :: "; `NotImplemented` (238) for computed fields (expressions).
    static func parseProject(_ value: BSONValue) throws(DocketError) -> Stage {
        guard case .document(let spec) = value else {
            throw DocketError(
                .projectNotObject, "$project specification must be an object", stage: "$project")
        }
        guard !spec.isEmpty else {
            throw DocketError(
                .projectEmpty, "Invalid $project :: caused by :: projection specification must have at least one field",
                stage: "$project")
        }
        try rejectFindOnlyProjection(spec)
        do {
            return .project(try Projection(spec), spec: spec)
        } catch {
            var wrapped = error
            wrapped.message = "Invalid $project :: caused by :: " + error.message
            wrapped.stage = "$project"
            throw wrapped
        }
    }

    /// Positional paths, `$elemMatch` and `$slice` projections belong to `find`; in a pipeline `$slice` is an
    /// expression.
    private static func rejectFindOnlyProjection(_ spec: BSONDocument) throws(DocketError) {
        for (key, value) in spec {
            if key == "$" || key.hasSuffix(".$") || key.contains(".$.") {
                throw DocketError(
                    .projectPositional,
                    "Invalid $project :: caused by :: Cannot use positional projection in aggregation projection",
                    stage: "$project")
            }
            guard case .document(let sub) = value else { continue }
            if let first = sub.first?.key, first.hasPrefix("$") {
                throw DocketError(
                    .notImplemented, "Computed fields in $project ('\(first)') are not supported yet",
                    operatorName: first, stage: "$project")
            }
            try rejectFindOnlyProjection(sub)
        }
    }
}
