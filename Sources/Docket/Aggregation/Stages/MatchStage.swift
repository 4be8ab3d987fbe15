import DocketBSON

extension Stage {
    /// `$match: filter`.
    /// - Throws: `Location15959` "the match filter must be an expression in an object"; the filter's parse errors.
    static func parseMatch(_ value: BSONValue) throws(DocketError) -> Stage {
        guard case .document(let filter) = value else {
            throw DocketError(.matchNotObject, "the match filter must be an expression in an object", stage: "$match")
        }
        return .match(try Matcher(filter), filter: filter)
    }
}

extension Matcher {
    /// Whether a pipeline document matches: stored bytes are matched in place, in-memory documents are encoded
    /// first.
    func matches(_ document: PipelineDocument) -> Bool {
        switch document {
        case .stored(let raw): return matches(raw)
        case .value(let value): return matches(value)
        }
    }
}
