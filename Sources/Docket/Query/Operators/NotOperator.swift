import DocketBSON

extension FilterParser {
    /// Parses `$not`: a regular expression, or an operator document whose whole match is negated
    /// (`{a: {$not: {$gt: 5}}}` matches documents where no element of `a` is greater than 5, and documents
    /// without `a`).
    static func parseNot(path: String, _ value: BSONValue, level: ParseLevel) throws(DocketError) -> FilterNode {
        switch value {
        case .regex(let regex):
            return .not(try parseRegexValue(path: path, regex))
        case .document(let operators):
            guard !operators.isEmpty else {
                throw DocketError(.badValue, "$not cannot be empty", fieldPath: path, operatorName: "$not")
            }
            return .not(try parseOperators(path: path, operators, level: level))
        default:
            throw DocketError(
                .badValue,
                "$not needs a regex or a document",
                fieldPath: path,
                operatorName: "$not"
            )
        }
    }
}
