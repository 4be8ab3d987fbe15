import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Trigonometric ($sin $cos $tan $asin $acos $atan $atan2 $sinh $cosh $tanh $asinh $acosh $atanh
// $degreesToRadians $radiansToDegrees), bitwise ($bitAnd $bitOr $bitXor $bitNot) and miscellaneous ($rand $bsonSize
// $binarySize $tsSecond $tsIncrement) expressions.
//
// - Note: Differs from MongoDB: trigonometry on decimals is computed in double precision and converted back.

/// The C library's function for an operator (a free function: inside the enum, `sin` names the case).
private func realFunction(_ function: Trigonometric, _ x: Double) -> Double {
    switch function {
    case .sin: sin(x)
    case .cos: cos(x)
    case .tan: tan(x)
    case .asin: asin(x)
    case .acos: acos(x)
    case .atan: atan(x)
    case .sinh: sinh(x)
    case .cosh: cosh(x)
    case .tanh: tanh(x)
    case .asinh: asinh(x)
    case .acosh: acosh(x)
    case .atanh: atanh(x)
    // One multiplication by a precomputed factor, as MongoDB does (dividing afterwards rounds differently).
    case .degreesToRadians: x * (Double.pi / 180)
    case .radiansToDegrees: x * (180 / Double.pi)
    }
}

/// `atan2` of the C library (a free function, for the same reason).
private func arcTangent(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

/// A real function of one argument and the domain MongoDB checks for it.
enum Trigonometric: Sendable {
    case sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, degreesToRadians, radiansToDegrees

    var name: String { "$\(self)" }

    /// The function on doubles.
    func apply(_ x: Double) -> Double { realFunction(self, x) }

    /// The domain as MongoDB prints it, and whether `x` lies in it (NaN always does).
    var bounds: (text: String, contains: (Double) -> Bool)? {
        switch self {
        case .sin, .cos, .tan: ("(-inf,inf)", { $0.isFinite || $0.isNaN })
        case .asin, .acos, .atanh: ("[-1,1]", { (-1...1).contains($0) || $0.isNaN })
        case .acosh: ("[1,inf]", { $0 >= 1 || $0.isNaN })
        default: nil
        }
    }

    /// The function applied to an evaluated argument: null for nullish, 28765 for a non-number, 50989 outside the
    /// domain; a decimal argument gives a decimal.
    func evaluate(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        if value.isNullish { return .null }
        guard let value, value.isNumber else {
            throw DocketError(
                .location(28765), "\(name) only supports numeric types, not \(value.typeName)", operatorName: name)
        }
        let x = NumericArithmetic.double(value)
        if let bounds, !bounds.contains(x) {
            throw DocketError(
                .location(50989),
                "cannot apply \(name) to \(Self.print(x)), value must be in \(bounds.text)", operatorName: name)
        }
        let result = apply(x)
        if case .decimal128 = value { return .decimal128(Decimal128(result)) }
        return .double(result)
    }

    /// A double as C++ streams print it in these messages (`inf`, `-inf`, `2`, `1.5`).
    static func print(_ x: Double) -> String {
        if x.isInfinite { return x < 0 ? "-inf" : "inf" }
        return Conversion.formatDouble(x)
    }
}

/// The bitwise operators on int32 and int64 operands.
enum Bitwise: Sendable {
    case and, or, xor

    var name: String {
        switch self {
        case .and: "$bitAnd"
        case .or: "$bitOr"
        case .xor: "$bitXor"
        }
    }

    /// Combines the operands: null when one is nullish; an int32 when every operand is one, else an int64.
    func evaluate(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        var result: Int64 = self == .and ? -1 : 0
        var allInt32 = true
        for argument in arguments {
            let value = try argument.evaluate(&context)
            if value.isNullish { return .null }
            let operand: Int64
            switch value {
            case .int32(let v)?: operand = Int64(v)
            case .int64(let v)?:
                operand = v
                allInt32 = false
            default:
                throw DocketError(.typeMismatch, "\(name) only supports int and long operands.", operatorName: name)
            }
            switch self {
            case .and: result &= operand
            case .or: result |= operand
            case .xor: result ^= operand
            }
        }
        return allInt32 ? .int32(Int32(truncatingIfNeeded: result)) : .int64(result)
    }
}

extension ExpressionParser {
    /// Parses a trigonometric, bitwise or miscellaneous operator.
    func parseMoreNumeric(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        switch op {
        case .bitAnd, .bitOr, .bitXor:
            let arguments = try parseArguments(argument)
            let bitwise: Bitwise = op == .bitAnd ? .and : (op == .bitOr ? .or : .xor)
            return ExpressionNode.variadic(.bitwise(bitwise), arguments).folded(when: arguments)
        case .atan2:
            let arguments = try parseArguments(name, argument, exactly: 2)
            return ExpressionNode.binary(.atan2, arguments[0], arguments[1]).folded(when: arguments)
        case .rand:
            // An empty document or array; anything else is refused, with two codes.
            switch argument {
            case .document(let spec) where spec.isEmpty: break
            case .array(let items) where items.isEmpty: break
            case .document, .array:
                throw DocketError(
                    .location(3_040_501), "$rand does not currently accept arguments", operatorName: name)
            default:
                throw DocketError(
                    .location(10065), "invalid parameter: expected an object ($rand)", operatorName: name)
            }
            // Never folded: each evaluation draws a new number.
            return .variadic(.rand, [])
        default:
            let arguments = try parseArguments(name, argument, exactly: 1)
            let unary: UnaryOperator =
                switch op {
                case .bitNot: .bitNot
                case .bsonSize: .bsonSize
                case .binarySize: .binarySize
                case .tsSecond: .tsSecond
                case .tsIncrement: .tsIncrement
                default: .trigonometric(Self.trigonometric[op]!)
                }
            return ExpressionNode.unary(unary, arguments[0]).folded(when: arguments)
        }
    }

    private static let trigonometric: [ExpressionOperator: Trigonometric] = [
        .sin: .sin, .cos: .cos, .tan: .tan, .asin: .asin, .acos: .acos, .atan: .atan, .sinh: .sinh, .cosh: .cosh,
        .tanh: .tanh, .asinh: .asinh, .acosh: .acosh, .atanh: .atanh, .degreesToRadians: .degreesToRadians,
        .radiansToDegrees: .radiansToDegrees,
    ]
}

extension UnaryOperator {
    /// `$bitNot`, `$bsonSize`, `$binarySize`, `$tsSecond`, `$tsIncrement` and the trigonometric functions.
    func applyMoreNumeric(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .trigonometric(let function):
            return try function.evaluate(value)
        case .bitNot:
            switch value {
            case .none, .null?, .undefined?: return .null
            case .int32(let v)?: return .int32(~v)
            case .int64(let v)?: return .int64(~v)
            case let number? where number.isNumber:
                throw DocketError(
                    .typeMismatch, "$bitNot only supports int and long, not: \(number.type.alias).",
                    operatorName: "$bitNot")
            default:
                throw DocketError(
                    .location(28765), "$bitNot only supports numeric types, not \(value.typeName)",
                    operatorName: "$bitNot")
            }
        case .bsonSize:
            if value.isNullish { return .null }
            guard case .document(let document)? = value else {
                throw DocketError(
                    .location(31393), "$bsonSize requires a document input, found: \(value.typeName)",
                    operatorName: "$bsonSize")
            }
            do { return .int32(Int32(try document.encodedSize())) } catch { throw DocketError(error) }
        case .binarySize:
            switch value {
            case .none, .null?, .undefined?: return .null
            case .string(let s)?: return .int32(Int32(s.utf8.count))
            case .binary(let b)?: return .int32(Int32(b.bytes.count))
            default:
                throw DocketError(
                    .location(51276), "$binarySize requires a string or BinData argument, found: \(value.typeName)",
                    operatorName: "$binarySize")
            }
        default:
            let second = self == .tsSecond
            let name = second ? "$tsSecond" : "$tsIncrement"
            if value.isNullish { return .null }
            guard case .timestamp(let t)? = value else {
                throw DocketError(
                    .location(second ? 5_687_301 : 5_687_302),
                    " Argument to \(name) must be a timestamp, but is \(value.typeName)", operatorName: name)
            }
            return .int64(Int64(second ? t.timestamp : t.increment))
        }
    }
}

extension BinaryOperator {
    /// `$atan2: [y, x]`: null for nullish, a double (a decimal when either is a decimal).
    func applyAtan2(_ y: BSONValue?, _ x: BSONValue?) throws(DocketError) -> BSONValue? {
        if y.isNullish || x.isNullish { return .null }
        guard let y, y.isNumber, let x, x.isNumber else {
            throw DocketError(
                .location(51044), "$atan2 only supports numeric types, not \(y.typeName) and \(x.typeName)",
                operatorName: "$atan2")
        }
        let result = arcTangent(NumericArithmetic.double(y), NumericArithmetic.double(x))
        if case .decimal128 = y { return .decimal128(Decimal128(result)) }
        if case .decimal128 = x { return .decimal128(Decimal128(result)) }
        return .double(result)
    }
}
