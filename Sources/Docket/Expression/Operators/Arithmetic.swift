import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The arithmetic expressions: $add (numbers and one date), $subtract (numbers, dates), $multiply, $divide, $mod,
// $abs, $ceil, $floor, $round, $trunc, $pow, $sqrt, $exp, $ln, $log, $log10, with MongoDB's result types
// (`NumericArithmetic`) and error codes. A nullish argument gives null.
// `$pow`, `$sqrt`, `$exp`, `$ln`, `$log` and `$log10` of a decimal are computed in decimal (`DecimalMath`).

// The C library's functions, named apart from the operators' cases (inside the operator enums `exp`, `log`, `pow`
// name cases).
private func squareRoot(_ x: Double) -> Double { x.squareRoot() }
private func naturalExp(_ x: Double) -> Double { exp(x) }
private func naturalLog(_ x: Double) -> Double { log(x) }
private func commonLog(_ x: Double) -> Double { log10(x) }
private func power(_ x: Double, _ y: Double) -> Double { pow(x, y) }

extension ExpressionParser {
    /// Parses an arithmetic operator.
    func parseArithmetic(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        let node: ExpressionNode
        let arguments: [ExpressionNode]
        switch op {
        case .add, .multiply:
            arguments = try parseArguments(argument)
            node = .variadic(op == .add ? .add : .multiply, arguments)
        case .round, .trunc:
            arguments = try parseArguments(name, argument, from: 1, to: 2)
            node = .variadic(op == .round ? .round : .trunc, arguments)
        case .subtract, .divide, .mod, .pow, .log:
            arguments = try parseArguments(name, argument, exactly: 2)
            let binary: BinaryOperator =
                switch op {
                case .subtract: .subtract
                case .divide: .divide
                case .mod: .mod
                case .pow: .pow
                default: .log
                }
            node = .binary(binary, arguments[0], arguments[1])
        default:
            arguments = try parseArguments(name, argument, exactly: 1)
            let unary: UnaryOperator =
                switch op {
                case .abs: .abs
                case .ceil: .ceil
                case .floor: .floor
                case .sqrt: .sqrt
                case .exp: .exp
                case .ln: .ln
                default: .log10
                }
            node = .unary(unary, arguments[0])
        }
        return node.folded(when: arguments)
    }
}

extension UnaryOperator {
    /// The operator's name, for messages.
    var name: String {
        switch self {
        case .abs: "$abs"
        case .ceil: "$ceil"
        case .floor: "$floor"
        case .sqrt: "$sqrt"
        case .exp: "$exp"
        case .ln: "$ln"
        case .log10: "$log10"
        case .not: "$not"
        case .type: "$type"
        case .isNumber: "$isNumber"
        case .size: "$size"
        case .isArray: "$isArray"
        case .reverseArray: "$reverseArray"
        case .first: "$first"
        case .last: "$last"
        case .anyElementTrue: "$anyElementTrue"
        case .allElementsTrue: "$allElementsTrue"
        case .objectToArray: "$objectToArray"
        case .arrayToObject: "$arrayToObject"
        case .toUpper: "$toUpper"
        case .toLower: "$toLower"
        case .strLenBytes: "$strLenBytes"
        case .strLenCP: "$strLenCP"
        case .trigonometric(let function): function.name
        case .bitNot: "$bitNot"
        case .bsonSize: "$bsonSize"
        case .binarySize: "$binarySize"
        case .tsSecond: "$tsSecond"
        case .tsIncrement: "$tsIncrement"
        }
    }

    /// MongoDB's `ExpressionSingleNumericArg`: null for nullish, 28765 for a non-number, else the function.
    func applyNumeric(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        if value.isNullish { return .null }
        guard let value, value.isNumber else {
            throw DocketError(
                .location(28765), "\(name) only supports numeric types, not \(value.typeName)", operatorName: name)
        }
        switch self {
        case .abs: return try Self.absolute(value)
        case .ceil: return Self.rounded(value, .up)
        case .floor: return Self.rounded(value, .down)
        case .sqrt:
            if NumericArithmetic.compare(value, .int32(0)) < 0 && !Self.isNaN(value) {
                throw DocketError(
                    .location(28714), "$sqrt's argument must be greater than or equal to 0", operatorName: name)
            }
            if case .decimal128(let d) = value { return .decimal128(DecimalMath.squareRoot(d)) }
            return Self.real(value, squareRoot)
        case .exp:
            if case .decimal128(let d) = value { return .decimal128(DecimalMath.exponential(d)) }
            return Self.real(value, naturalExp)
        case .ln, .log10:
            if !(NumericArithmetic.compare(value, .int32(0)) > 0) && !Self.isNaN(value) {
                let code = self == .ln ? 28766 : 28761
                throw DocketError(
                    .location(code),
                    "\(name)'s argument must be a positive number, but is "
                        + Conversion.formatDouble(NumericArithmetic.double(value)),
                    operatorName: name)
            }
            if case .decimal128(let d) = value {
                return .decimal128(self == .ln ? DecimalMath.naturalLogarithm(d) : DecimalMath.commonLogarithm(d))
            }
            return Self.real(value, self == .ln ? naturalLog : commonLog)
        default:
            return try apply(value)
        }
    }

    /// Whether a number is NaN (which MongoDB's real functions accept and propagate).
    static func isNaN(_ value: BSONValue) -> Bool {
        switch value {
        case .double(let d): d.isNaN
        case .decimal128(let d): d.isNaN
        default: false
        }
    }

    private static func absolute(_ value: BSONValue) throws(DocketError) -> BSONValue {
        switch value {
        case .double(let d): return .double(Swift.abs(d))
        case .decimal128(let d): return .decimal128(d.isSignMinus ? -d : d)
        case .int32(let v): return NumericArithmetic.intOrLong(Swift.abs(Int64(v)))
        case .int64(let v):
            guard v != .min else {
                throw DocketError(.location(28680), "can't take $abs of long long min", operatorName: "$abs")
            }
            return .int64(Swift.abs(v))
        default: return value
        }
    }

    /// `$ceil`/`$floor`: integers are unchanged; doubles use the C functions; decimals are quantized to exponent 0.
    private static func rounded(_ value: BSONValue, _ rule: Decimal128.RoundingRule) -> BSONValue {
        switch value {
        case .double(let d): return .double(rule == .up ? d.rounded(.up) : d.rounded(.down))
        case .decimal128(let d): return .decimal128(d.rounded(toExponent: 0, rule))
        default: return value
        }
    }

    /// A real function of an integer or a double, in double precision.
    private static func real(_ value: BSONValue, _ function: (Double) -> Double) -> BSONValue {
        .double(function(NumericArithmetic.double(value)))
    }
}

extension BinaryOperator {
    /// `$subtract`, `$divide`, `$mod`, `$pow`, `$log` on evaluated arguments.
    func applyArithmetic(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .subtract: return try Self.evaluateSubtract(lhs, rhs)
        case .divide: return try Self.evaluateDivide(lhs, rhs)
        case .mod: return try Self.evaluateMod(lhs, rhs)
        case .pow: return try Self.evaluatePow(lhs, rhs)
        case .log: return try Self.evaluateLog(lhs, rhs)
        default: return try apply(lhs, rhs)
        }
    }

    private static func evaluateSubtract(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        if let lhs, let rhs, let difference = NumericArithmetic.subtract(lhs, rhs) { return difference }
        if lhs.isNullish || rhs.isNullish { return .null }
        if case .datetime(let date)? = lhs {
            switch rhs {
            case .datetime(let other)?: return .int64(date &- other)
            case let number? where number.isNumber:
                return .datetime(date &- (NumericArithmetic.int64(number) ?? 0))
            default:
                throw DocketError(
                    .typeMismatch, "can't $subtract \(rhs.typeName) from Date", operatorName: "$subtract")
            }
        }
        throw DocketError(
            .typeMismatch, "can't $subtract \(rhs.typeName) from \(lhs.typeName)", operatorName: "$subtract")
    }

    private static func evaluateDivide(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        if let lhs, let rhs, lhs.isNumber, rhs.isNumber {
            guard let quotient = NumericArithmetic.divide(lhs, rhs) else {
                throw DocketError(.badValue, "can't $divide by zero", operatorName: "$divide")
            }
            return quotient
        }
        if lhs.isNullish || rhs.isNullish { return .null }
        throw DocketError(
            .typeMismatch, "$divide only supports numeric types, not \(lhs.typeName) and \(rhs.typeName)",
            operatorName: "$divide")
    }

    private static func evaluateMod(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        guard let lhs, let rhs, let wl = NumericArithmetic.Width(lhs), let wr = NumericArithmetic.Width(rhs) else {
            if lhs.isNullish || rhs.isNullish { return .null }
            throw DocketError(
                .location(16611), "$mod only supports numeric types, not \(lhs.typeName) and \(rhs.typeName)",
                operatorName: "$mod")
        }
        if wl == .decimal || wr == .decimal {
            let divisor = NumericArithmetic.decimal(rhs)
            if divisor.isZero { throw DocketError(.location(5_733_415), "can't $mod by zero", operatorName: "$mod") }
            return .decimal128(NumericArithmetic.decimal(lhs).remainder(dividingBy: divisor))
        }
        let divisor = NumericArithmetic.double(rhs)
        if divisor == 0 { throw DocketError(.location(16610), "can't $mod by zero", operatorName: "$mod") }
        let rhsIsIntegral = divisor.rounded(.towardZero) == divisor
        if wl == .double || (wr == .double && !rhsIsIntegral) {
            return .double(fmod(NumericArithmetic.double(lhs), divisor))
        }
        let left = NumericArithmetic.int64(lhs) ?? 0
        let right = NumericArithmetic.int64(rhs) ?? 1
        // MongoDB's `safeMod`: x % -1 is 0 (no overflow trap for min % -1).
        let remainder = right == -1 ? 0 : left % right
        if wl == .int64 || wr == .int64 { return .int64(remainder) }
        return .int32(Int32(truncatingIfNeeded: remainder))
    }

    private static func evaluatePow(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        if lhs.isNullish || rhs.isNullish { return .null }
        guard let base = lhs, let wb = NumericArithmetic.Width(base) else {
            throw DocketError(
                .location(28762), "$pow's base must be numeric, not \(lhs.typeName)", operatorName: "$pow")
        }
        guard let exponent = rhs, let we = NumericArithmetic.Width(exponent) else {
            throw DocketError(
                .location(28763), "$pow's exponent must be numeric, not \(rhs.typeName)", operatorName: "$pow")
        }
        if NumericArithmetic.compare(base, .int32(0)) == 0 && NumericArithmetic.compare(exponent, .int32(0)) < 0 {
            throw DocketError(
                .location(28764), "$pow cannot take a base of 0 and a negative exponent", operatorName: "$pow")
        }
        if wb == .decimal || we == .decimal {
            return .decimal128(
                DecimalMath.power(NumericArithmetic.decimal(base), NumericArithmetic.decimal(exponent)))
        }
        let real = power(NumericArithmetic.double(base), NumericArithmetic.double(exponent))
        if wb == .double || we == .double { return .double(real) }
        // Both integers.
        let b = NumericArithmetic.int64(base) ?? 0
        let e = NumericArithmetic.int64(exponent) ?? 0
        let bothInt32 = wb == .int32 && we == .int32
        if e < 0 {
            // Only 1 and -1 have integral negative powers.
            if b == 1 { return bothInt32 ? .int32(1) : .int64(1) }
            if b == -1 {
                let v: Int64 = e % 2 == 0 ? 1 : -1
                return bothInt32 ? .int32(Int32(v)) : .int64(v)
            }
            return .double(real)
        }
        guard let exact = Self.integerPower(b, e) else { return .double(real) }
        return bothInt32 ? NumericArithmetic.intOrLong(exact) : .int64(exact)
    }

    /// `base^exponent` for `exponent >= 0` when it fits in an int64.
    private static func integerPower(_ base: Int64, _ exponent: Int64) -> Int64? {
        var result: Int64 = 1
        var factor = base
        var e = exponent
        while e > 0 {
            if e & 1 == 1 {
                let (r, overflow) = result.multipliedReportingOverflow(by: factor)
                if overflow { return nil }
                result = r
            }
            e >>= 1
            if e > 0 {
                let (f, overflow) = factor.multipliedReportingOverflow(by: factor)
                if overflow { return nil }
                factor = f
            }
        }
        return result
    }

    private static func evaluateLog(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        if lhs.isNullish || rhs.isNullish { return .null }
        guard let value = lhs, value.isNumber else {
            throw DocketError(
                .location(28756), "$log's argument must be numeric, not \(lhs.typeName)", operatorName: "$log")
        }
        guard let base = rhs, base.isNumber else {
            throw DocketError(
                .location(28757), "$log's base must be numeric, not \(rhs.typeName)", operatorName: "$log")
        }
        if !(NumericArithmetic.compare(value, .int32(0)) > 0) && !UnaryOperator.isNaN(value) {
            throw DocketError(
                .location(28758),
                "$log's argument must be a positive number, but is "
                    + Conversion.formatDouble(NumericArithmetic.double(value)),
                operatorName: "$log")
        }
        if (!(NumericArithmetic.compare(base, .int32(0)) > 0) || NumericArithmetic.compare(base, .int32(1)) == 0)
            && !UnaryOperator.isNaN(base)
        {
            throw DocketError(
                .location(28759),
                "$log's base must be a positive number not equal to 1, but is "
                    + Conversion.formatDouble(NumericArithmetic.double(base)),
                operatorName: "$log")
        }
        if case .decimal128 = value {
            return .decimal128(
                DecimalMath.logarithm(NumericArithmetic.decimal(value), base: NumericArithmetic.decimal(base)))
        }
        if case .decimal128 = base {
            return .decimal128(
                DecimalMath.logarithm(NumericArithmetic.decimal(value), base: NumericArithmetic.decimal(base)))
        }
        return .double(naturalLog(NumericArithmetic.double(value)) / naturalLog(NumericArithmetic.double(base)))
    }
}

extension VariadicOperator {
    /// `$add`, `$multiply`, `$round`, `$trunc`.
    func evaluateArithmetic(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        switch self {
        case .add:
            var sum = NumericArithmetic.Sum()
            for argument in arguments {
                let value = try argument.evaluate(&context)
                if value.isNullish { return .null }
                switch value {
                case .datetime(let ms)?:
                    if sum.hasDate {
                        throw DocketError(
                            .location(16612), "only one date allowed in an $add expression", operatorName: "$add")
                    }
                    sum.add(dateMilliseconds: ms)
                case let number? where number.isNumber:
                    sum.add(number)
                default:
                    throw DocketError(
                        .typeMismatch, "$add only supports numeric or date types, not \(value.typeName)",
                        operatorName: "$add")
                }
            }
            return try sum.result()
        case .multiply:
            var product = NumericArithmetic.Product()
            for argument in arguments {
                let value = try argument.evaluate(&context)
                if value.isNullish { return .null }
                guard let number = value, number.isNumber else {
                    throw DocketError(
                        .typeMismatch, "$multiply only supports numeric types, not \(value.typeName)",
                        operatorName: "$multiply")
                }
                product.multiply(by: number)
            }
            return product.value
        default:
            let value = try arguments[0].evaluate(&context)
            var place: BSONValue? = .int32(0)
            if arguments.count > 1 { place = try arguments[1].evaluate(&context) }
            return try roundOrTruncate(value, place)
        }
    }

    /// `$round` (half to even) and `$trunc` (toward zero) to `place` decimal digits (negative: left of the point).
    private func roundOrTruncate(_ value: BSONValue?, _ place: BSONValue?) throws(DocketError) -> BSONValue? {
        let name = self == .round ? "$round" : "$trunc"
        if value.isNullish || place.isNullish { return .null }
        guard let value, value.isNumber else {
            throw DocketError(
                .location(51081), "\(name) only supports numeric types, not \(value.typeName)", operatorName: name)
        }
        guard let placeValue = place, placeValue.isNumber else {
            throw DocketError(
                .location(16004), "can't convert from BSON type \(place.typeName) to long", operatorName: name)
        }
        guard let digits = placeValue.int64Value, Int32(exactly: digits) != nil else {
            throw DocketError(
                .location(51082), "precision argument to  \(name) must be a integral value", operatorName: name)
        }
        guard (-20...100).contains(digits) else {
            throw DocketError(
                .location(51083), "cannot apply \(name) with precision value \(digits) value must be in [-20, 100]",
                operatorName: name)
        }
        let rule: Decimal128.RoundingRule = self == .round ? .toNearestOrEven : .towardZero
        let exponent = -Int(digits)
        switch value {
        case .decimal128(let d):
            return .decimal128(d.rounded(toExponent: exponent, rule))
        case .double(let d):
            guard d.isFinite else { return value }
            return .double(Decimal128(d).rounded(toExponent: exponent, rule).doubleValue)
        default:
            if digits >= 0 { return value }
            let rounded = Decimal128(NumericArithmetic.int64(value) ?? 0).rounded(toExponent: exponent, rule)
            guard let exact = rounded.rounded(toExponent: 0, .towardZero).exactInt64 else {
                // Rounding up out of the int64 range (MongoDB's invalid-conversion flag).
                throw DocketError(
                    .location(51080),
                    "invalid conversion from Decimal128 result in \(name) resulting from arguments: ["
                        + "\(NumericArithmetic.int64(value) ?? 0), \(digits)]",
                    operatorName: name)
            }
            if case .int32 = value, let narrow = Int32(exactly: exact) { return .int32(narrow) }
            return .int64(exact)
        }
    }
}
