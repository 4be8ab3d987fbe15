import DocketBSON

extension FilterParser {
    /// Parses `$all`: an `and` of equalities (regular expressions match as `$regex`) on the same path, or, when
    /// the first member is an `$elemMatch` document, an `and` of `$elemMatch`es. `{$all: []}` matches nothing.
    static func parseAll(path: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        guard case .array(let members) = value else {
            throw DocketError(.badValue, "$all needs an array", fieldPath: path, operatorName: "$all")
        }
        if case .document(let first)? = members.first, first.first?.key == "$elemMatch" {
            var children: [FilterNode] = []
            for member in members {
                guard case .document(let doc) = member, let (key, argument) = doc.first, key == "$elemMatch" else {
                    throw DocketError(
                        .badValue,
                        "$all/$elemMatch has to be consistent",
                        fieldPath: path,
                        operatorName: "$all"
                    )
                }
                children.append(try parseElemMatch(path: path, argument))
            }
            return .and(children)
        }
        var children: [FilterNode] = []
        for member in members {
            switch member {
            case .regex(let regex):
                children.append(try parseRegexValue(path: path, regex))
            case .document(let doc) where doc.first.map { QueryOperator(name: $0.key) != nil } ?? false:
                throw DocketError(.badValue, "no $ expressions in $all", fieldPath: path, operatorName: "$all")
            default:
                children.append(try parseComparison(.eq, path: path, operatorName: "$all", member))
            }
        }
        if children.isEmpty { return .alwaysFalse }
        return children.count == 1 ? children[0] : .and(children)
    }
}
