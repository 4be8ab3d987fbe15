import DocketBSON

extension Stage {
    /// `$limit: n`, n a positive integer (an integral double or decimal is accepted).
    /// - Throws: `Location5107201` "invalid argument to $limit stage: …" for a non-integer or negative value;
    ///   `Location15958` "the limit must be positive" for 0.
    static func parseLimit(_ value: BSONValue) throws(DocketError) -> Stage {
        let n: Int64
        switch nonNegativeInteger(value, "$limit") {
        case .success(let parsed): n = parsed
        case .failure(let reason):
            throw DocketError(
                .limitInvalidArgument, "invalid argument to $limit stage: \(reason.text)", stage: "$limit")
        }
        guard n > 0 else { throw DocketError(.limitNotPositive, "the limit must be positive", stage: "$limit") }
        return .limit(Int(n))
    }

    /// `$skip: n`, n a non-negative integer.
    /// - Throws: `Location5107200` "invalid argument to $skip stage: …".
    static func parseSkip(_ value: BSONValue) throws(DocketError) -> Stage {
        switch nonNegativeInteger(value, "$skip") {
        case .success(let n): return .skip(Int(n))
        case .failure(let reason):
            throw DocketError(.skipInvalidArgument, "invalid argument to $skip stage: \(reason.text)", stage: "$skip")
        }
    }

    /// A reason a value is not a non-negative 64-bit integer, in MongoDB's words.
    struct IntegerArgumentError: Error {
        let text: String
    }

    /// MongoDB's `parseIntegerElementToNonNegativeLong`: an integer, or an integral double or decimal, not negative.
    static func nonNegativeInteger(_ value: BSONValue, _ name: String) -> Result<Int64, IntegerArgumentError> {
        let element = "\(name): \(BSONPrinter.projectionMessage.string(value))"
        let n: Int64
        switch value {
        case .int32(let i): n = Int64(i)
        case .int64(let i): n = i
        case .double(let d):
            if d.isNaN { return .failure(.init(text: "Expected an integer, but found NaN in: \(element)")) }
            guard d < 9_223_372_036_854_775_808.0 && d >= -9_223_372_036_854_775_808.0 else {
                return .failure(.init(text: "Cannot represent as a 64-bit integer: \(element)"))
            }
            guard d == d.rounded(.towardZero) else { return .failure(.init(text: "Expected an integer: \(element)")) }
            n = Int64(d)
        case .decimal128(let d):
            guard let exact = d.exactInt64 else {
                let whole = d.doubleValue
                if whole.isFinite && whole == whole.rounded(.towardZero) {
                    return .failure(.init(text: "Cannot represent as a 64-bit integer: \(element)"))
                }
                return .failure(.init(text: "Expected an integer: \(element)"))
            }
            n = exact
        default: return .failure(.init(text: "Expected a number in: \(element)"))
        }
        guard n >= 0 else { return .failure(.init(text: "Expected a positive number in: \(element)")) }
        return .success(n)
    }
}
