import DocketBSON

/// Turns a filter document into a ``FilterNode`` tree, validating it as MongoDB's `MatchExpressionParser`
/// does, with MongoDB's error codes and messages.
enum FilterParser {
    /// Where a filter document sits: the query itself, or inside `$elemMatch`.
    enum ParseLevel: Sendable {
        case topLevel, subDocument
    }

    /// Parses a whole filter document (MongoDB's `parse`).
    ///
    /// - Parameters:
    ///   - variables: the operation's `let` variables, visible to every `$expr` of the filter (at the top level or
    ///     under `$and`/`$or`/`$nor`).
    ///   - scope: for a `$match` stage, the stage's scope, in which every `$expr` compiles (see ``ExprPredicate``).
    static func parseFilter(
        _ filter: BSONDocument, level: ParseLevel, variables: LetVariables? = nil, scope: ExpressionScope? = nil
    ) throws(DocketError) -> FilterNode {
        var children: [FilterNode] = []
        for (key, value) in filter {
            if key.utf8.first == UInt8(ascii: "$") {
                if let node = try parseTopLevel(key, value, level: level, variables: variables, scope: scope) {
                    children.append(node)
                }
                continue
            }
            if isExpressionDocument(value, allowIncompleteDBRef: false), case .document(let operators) = value {
                children.append(try parseOperators(path: key, operators, level: level))
            } else if case .regex(let regex) = value {
                children.append(try parseRegexValue(path: key, regex))
            } else {
                children.append(try parseComparison(.eq, path: key, operatorName: nil, value))
            }
        }
        return FilterNode.makeAnd(children)
    }

    private static func parseTopLevel(
        _ key: String,
        _ value: BSONValue,
        level: ParseLevel,
        variables: LetVariables?,
        scope: ExpressionScope?
    ) throws(DocketError) -> FilterNode? {
        guard let op = TopLevelOperator(name: key) else {
            let hint =
                key == "$not"
                ? ". If you are trying to negate an entire expression, use $nor."
                : ". If you have a field name that starts with a '$' symbol, consider using $getField or $setField."
            throw DocketError(.badValue, "unknown top level operator: \(key)\(hint)", operatorName: key)
        }
        switch op {
        case .and, .or, .nor:
            guard case .array(let items) = value else {
                throw DocketError(.badValue, "\(key) must be an array", operatorName: key)
            }
            guard !items.isEmpty else {
                throw DocketError(.badValue, "$and/$or/$nor must be a nonempty array", operatorName: key)
            }
            var children: [FilterNode] = []
            for item in items {
                guard case .document(let sub) = item else {
                    throw DocketError(.badValue, "$or/$and/$nor entries need to be full objects", operatorName: key)
                }
                children.append(try parseFilter(sub, level: level, variables: variables, scope: scope))
            }
            switch op {
            case .and: return FilterNode.makeAnd(children)
            case .or: return children.count == 1 ? children[0] : .or(children)
            default: return .nor(children)
            }
        case .comment:
            return nil
        case .expr:
            if level == .subDocument {
                throw DocketError(.badValue, "$expr can only be applied to the top-level document", operatorName: key)
            }
            return .expr(try ExprPredicate(parsing: value, variables: variables, scope: scope))
        case .where:
            throw DocketError(.notImplemented, "$where is not supported", operatorName: key)
        case .text:
            if level == .subDocument {
                throw DocketError(.badValue, "$text can only be applied to the top-level document", operatorName: key)
            }
            throw DocketError(
                .notImplemented, "$text is not supported (there are no text indexes)", operatorName: key)
        case .jsonSchema:
            throw DocketError(.notImplemented, "$jsonSchema is not supported yet", operatorName: key)
        case .sampleRate:
            throw DocketError(.notImplemented, "$sampleRate is not supported yet", operatorName: key)
        case .alwaysTrue, .alwaysFalse:
            switch Integral.integer(value, described: "\(key): \(describeForMessage(value))") {
            case .failure(let reason):
                throw DocketError(.failedToParse, reason.description, operatorName: key)
            case .success(let n):
                guard n == 1 else {
                    throw DocketError(.failedToParse, "\(key) must be an integer value of 1", operatorName: key)
                }
                return op == .alwaysTrue ? .alwaysTrue : .alwaysFalse
            }
        case .id, .ref, .db:
            // DBRef fields: plain equality on the field named `$id`, `$ref` or `$db`.
            var predicate = ComparisonPredicate(kind: .eq, operand: Operand(value))
            predicate.isQueryEquality = false
            return .leaf(FilterPath(key), .comparison(predicate))
        }
    }

    /// Parses an operator document applied to `path` (MongoDB's `parseSub`/`parseSubField`): an `and` of one
    /// node per operator.
    static func parseOperators(path: String, _ operators: BSONDocument, level: ParseLevel) throws(DocketError)
        -> FilterNode
    {
        if let first = operators.first, let op = QueryOperator(name: first.key),
            op == .near || op == .nearSphere || op == .geoNear
        {
            throw DocketError(
                .notImplemented, "\(first.key) is not supported", fieldPath: path, operatorName: first.key)
        }
        var children: [FilterNode] = []
        for (key, value) in operators {
            guard let op = QueryOperator(name: key) else {
                if key == "$where" {
                    throw DocketError(.badValue, "$where cannot be applied to a field", fieldPath: path)
                }
                throw DocketError(.badValue, "unknown operator: \(key)", fieldPath: path, operatorName: key)
            }
            switch op {
            case .eq: children.append(try parseComparison(.eq, path: path, operatorName: key, value))
            case .gt: children.append(try parseComparison(.gt, path: path, operatorName: key, value))
            case .gte: children.append(try parseComparison(.gte, path: path, operatorName: key, value))
            case .lt: children.append(try parseComparison(.lt, path: path, operatorName: key, value))
            case .lte: children.append(try parseComparison(.lte, path: path, operatorName: key, value))
            case .ne: children.append(try parseNotEqual(path: path, value))
            case .in, .nin: children.append(try parseIn(path: path, operatorName: key, value))
            case .exists: children.append(parseExists(path: path, value))
            case .type: children.append(try parseType(path: path, value))
            case .mod: children.append(try parseMod(path: path, value))
            case .size: children.append(try parseSize(path: path, value))
            case .all: children.append(try parseAll(path: path, value))
            case .elemMatch: children.append(try parseElemMatch(path: path, value))
            case .not: children.append(try parseNot(path: path, value, level: level))
            case .bitsAllSet: children.append(try parseBits(.allSet, path: path, operatorName: key, value))
            case .bitsAnySet: children.append(try parseBits(.anySet, path: path, operatorName: key, value))
            case .bitsAllClear: children.append(try parseBits(.allClear, path: path, operatorName: key, value))
            case .bitsAnyClear: children.append(try parseBits(.anyClear, path: path, operatorName: key, value))
            case .regex: children.append(try parseRegexDocument(path: path, operators))
            case .options:
                guard operators.contains(where: { $0.key == "$regex" }) else {
                    throw DocketError(.badValue, "$options needs a $regex", fieldPath: path, operatorName: key)
                }
            case .near, .nearSphere, .geoNear:
                throw DocketError(.badValue, "near must be first in: \(describeForMessage(.document(operators)))")
            case .geoWithin, .within, .geoIntersects:
                throw DocketError(.notImplemented, "\(key) is not supported", fieldPath: path, operatorName: key)
            }
        }
        return FilterNode.makeAnd(children)
    }

    /// MongoDB's `isExpressionDocument`: a non-empty document whose first key starts with `$` and that is not a
    /// DBRef (`$ref` and `$id`; with `allowIncompleteDBRef`, any of `$ref`, `$id`, `$db`).
    static func isExpressionDocument(_ value: BSONValue, allowIncompleteDBRef: Bool) -> Bool {
        guard case .document(let doc) = value, let first = doc.first, first.key.utf8.first == UInt8(ascii: "$") else {
            return false
        }
        let hasRef = doc.contains { $0.key == "$ref" }
        let hasID = doc.contains { $0.key == "$id" }
        let hasDB = doc.contains { $0.key == "$db" }
        let isDBRef = allowIncompleteDBRef ? (hasRef || hasID || hasDB) : (hasRef && hasID)
        return !isDBRef
    }
}
