import DocketBSON

extension Stage {
    /// `$match: filter`.
    /// - Throws: `Location15959` "the match filter must be an expression in an object"; the filter's parse errors.
    static func parseMatch(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        guard case .document(var filter) = value else {
            throw DocketError(.matchNotObject, "the match filter must be an expression in an object", stage: "$match")
        }
        var expr: Expression?
        if let index = filter.index(forKey: "$expr") {
            try ArgumentRules.checkNesting(filter, "filter")
            expr = try Expression(parsing: filter.remove(at: index).value, scope: scope)
        }
        // A `$expr` nested under `$and`/`$or`/`$nor` reads the operation's `let` variables too.
        return .match(try Matcher(filter, variables: scope.letVariables), filter: filter, expr: expr)
    }
}

extension Matcher {
    /// Whether a pipeline document matches: stored bytes are matched in place, in-memory documents are encoded
    /// first.
    /// - Throws: the error of an `$expr` that fails on the document.
    func matches(_ document: PipelineDocument) throws(DocketError) -> Bool {
        var details = MatchDetails()
        let matched: Bool
        switch document {
        case .stored(let raw): matched = matches(raw, details: &details)
        case .value(let value): matched = matches(value, details: &details)
        }
        if let error = details.error { throw error }
        return matched
    }
}
