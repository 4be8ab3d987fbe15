import DocketBSON

extension FilterParser {
    /// Parses `$exists`: any value is accepted; a truthy one (MongoDB's `trueValue`: not `false`, `0`, `null` or
    /// `undefined`) asks for presence, a falsy one for absence (`not(exists)`, so `{"a.b": {$exists: false}}`
    /// matches only when no element of the path exists).
    static func parseExists(path: String, _ value: BSONValue) -> FilterNode {
        let node = FilterNode.leaf(FilterPath(path), .exists)
        return isTruthy(value) ? node : .not(node)
    }

    /// MongoDB's `BSONElement::trueValue`.
    static func isTruthy(_ value: BSONValue) -> Bool {
        switch value {
        case .bool(let b): return b
        case .int32(let v): return v != 0
        case .int64(let v): return v != 0
        case .double(let d): return d != 0
        case .decimal128(let d): return !d.isZero
        case .null, .undefined: return false
        default: return true
        }
    }
}
