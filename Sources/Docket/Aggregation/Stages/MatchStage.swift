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
        // A `$expr` nested under `$and`/`$or`/`$nor` reads the stage's variables too (the operation's `let`, a
        // `$lookup`'s `let`).
        return .match(try Matcher(filter, scope: scope), filter: filter, expr: expr)
    }
}

extension Matcher {
    /// Whether a pipeline document matches: stored bytes are matched in place, in-memory documents are encoded
    /// first.
    /// - Parameter environment: the variables of the stage, for a filter whose `$expr` was compiled in its scope.
    /// - Throws: the error of an `$expr` that fails on the document.
    func matches(_ document: PipelineDocument, environment: ExprEnvironment? = nil) throws(DocketError) -> Bool {
        if hasExpr, let environment {
            let raw: RawDocument
            switch document {
            case .stored(let stored): raw = stored
            case .value(let value):
                do throws(BSONError) { raw = try RawDocument(value) } catch { throw DocketError(error) }
            }
            var position: Int?
            var error: DocketError?
            let matched = root.matchesWithDocument(raw, position: &position, error: &error, environment: environment)
            if let error { throw error }
            return matched
        }
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
