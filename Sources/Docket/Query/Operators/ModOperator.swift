import DocketBSON

/// `$mod: [divisor, remainder]`: numbers whose value, truncated toward zero, leaves `remainder` when divided by
/// `divisor` (both also truncated). NaN, infinities and values outside `Int64` never match.
struct ModPredicate: Sendable {
    let divisor: Int64
    let remainder: Int64

    func matches(_ element: RawElement?, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let element else { return false }
        let dividend: Int64
        switch element.type {
        case .int32: dividend = Int64(RawValues.int32(element, buffer))
        case .int64: dividend = RawValues.int64(element, buffer)
        case .double:
            guard let d = Integral.truncated(.double(RawValues.double(element, buffer))) else { return false }
            dividend = d
        case .decimal128:
            guard let d = Integral.truncated(RawValues.decimal(element, buffer)) else { return false }
            dividend = d
        default: return false
        }
        // `x % -1` is 0 (and would overflow for Int64.min).
        let result = divisor == -1 ? 0 : dividend % divisor
        return result == remainder
    }
}

extension FilterParser {
    /// Parses `$mod` (MongoDB's `parseMOD` and `ModMatchExpression`).
    static func parseMod(path: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        func fail(_ message: String) -> DocketError {
            DocketError(.badValue, message, fieldPath: path, operatorName: "$mod")
        }
        guard case .array(let items) = value else { throw fail("malformed mod, needs to be an array") }
        guard items.count >= 1 else { throw fail("malformed mod, not enough elements") }
        guard items[0].isNumber else { throw fail("malformed mod, divisor not a number") }
        guard items.count >= 2 else { throw fail("malformed mod, not enough elements") }
        guard items[1].isNumber else { throw fail("malformed mod, remainder not a number") }
        guard items.count == 2 else { throw fail("malformed mod, too many elements") }
        func coerce(_ v: BSONValue, _ what: String) throws(DocketError) -> Int64 {
            if let n = Integral.truncated(v) { return n }
            let isFinite: Bool
            switch v {
            case .double(let d): isFinite = d.isFinite
            case .decimal128(let d): isFinite = d.isFinite
            default: isFinite = true
            }
            throw fail(
                "malformed mod, \(what) value is invalid :: caused by :: "
                    + (isFinite
                        ? "Out of bounds coercing to integral value" : "Unable to coerce NaN/Inf to integral type")
            )
        }
        let divisor = try coerce(items[0], "divisor")
        let remainder = try coerce(items[1], "remainder")
        guard divisor != 0 else { throw fail("divisor cannot be 0") }
        return .leaf(FilterPath(path), .mod(ModPredicate(divisor: divisor, remainder: remainder)))
    }
}
