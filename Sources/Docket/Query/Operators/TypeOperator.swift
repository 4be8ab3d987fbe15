import DocketBSON

/// `$type`: the element's BSON type is one of a set (numeric codes, aliases such as `"objectId"`, or `"number"`
/// for the four numeric types). Arrays are traversed, so `{$type: "string"}` matches `["a", 1]`, and
/// `{$type: "array"}` matches an array field.
struct TypePredicate: Sendable {
    let types: [BSONType]
    let allNumbers: Bool

    @inline(__always)
    func matches(_ element: RawElement?) -> Bool {
        guard let element else { return false }
        if allNumbers && element.type.canonicalRank == 10 { return true }
        return types.contains(element.type)
    }
}

extension FilterParser {
    /// MongoDB's type aliases (`$type` and the aggregation `$type`): the one alias table.
    static let typeAliases: [String: BSONType] = Dictionary(
        uniqueKeysWithValues: BSONType.allCases.map { ($0.alias, $0) })

    /// Parses `$type` (MongoDB's `MatcherTypeSet::parse`).
    static func parseType(path: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        var types: [BSONType] = []
        var allNumbers = false
        func add(_ spec: BSONValue) throws(DocketError) {
            switch spec {
            case .string(let alias):
                if alias == "number" {
                    allNumbers = true
                } else if let type = typeAliases[alias] {
                    types.append(type)
                } else if alias == "missing" {
                    throw DocketError(
                        .badValue,
                        "'missing' is not a legal type name. To query for non-existence of a field, use {$exists:false}.",
                        fieldPath: path,
                        operatorName: "$type"
                    )
                } else {
                    throw DocketError(
                        .badValue,
                        "Unknown type name alias: \(alias)",
                        fieldPath: path,
                        operatorName: "$type"
                    )
                }
            case .int32, .int64, .double, .decimal128:
                let printed = describeNumber(spec.doubleValue ?? .nan)
                guard let code = Integral.exact(spec), code >= Int64(Int32.min), code <= Int64(Int32.max) else {
                    throw DocketError(
                        .badValue,
                        "Invalid numerical type code: \(printed)",
                        fieldPath: path,
                        operatorName: "$type"
                    )
                }
                if code == 0 {
                    throw DocketError(
                        .badValue,
                        "Invalid numerical type code: \(printed). Instead use {$exists:false}.",
                        fieldPath: path,
                        operatorName: "$type"
                    )
                }
                let type: BSONType? =
                    code == -1 ? .minKey : (code > 0 && code < 256 ? BSONType(rawValue: UInt8(code)) : nil)
                guard let type else {
                    throw DocketError(
                        .badValue,
                        "Invalid numerical type code: \(printed)",
                        fieldPath: path,
                        operatorName: "$type"
                    )
                }
                types.append(type)
            default:
                throw DocketError(
                    .typeMismatch,
                    "type must be represented as a number or a string",
                    fieldPath: path,
                    operatorName: "$type"
                )
            }
        }
        if case .array(let specs) = value {
            for spec in specs { try add(spec) }
        } else {
            try add(value)
        }
        if types.isEmpty && !allNumbers {
            throw DocketError(
                .failedToParse,
                "\(path) must match at least one type",
                fieldPath: path,
                operatorName: "$type"
            )
        }
        return .leaf(FilterPath(path), .type(TypePredicate(types: types, allNumbers: allNumbers)))
    }
}
