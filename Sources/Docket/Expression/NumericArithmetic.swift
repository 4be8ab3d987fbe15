import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MongoDB's numeric rules, shared by the arithmetic expressions and the `$group` accumulators.
///
/// Results take the narrowest type that holds them: int32 arithmetic that overflows becomes int64, int64 that
/// overflows becomes double; a decimal operand makes the result decimal ("decimal contagion"), a double operand
/// makes it double. When a double meets a decimal it is converted with 15 significant digits, as MongoDB's
/// `Value::coerceToDecimal` does.
///
/// ```swift
/// NumericArithmetic.add(.int32(.max), .int32(1))      // .int64(2147483648)
/// NumericArithmetic.add(.int32(1), .double(0.5))      // .double(1.5)
/// var sum = NumericArithmetic.Sum(); sum.add(.int32(2)); sum.add(.int64(3)); sum.value   // .int64(5)
/// ```
enum NumericArithmetic {
    /// The numeric types, narrowest first.
    enum Width: Int, Comparable, Sendable {
        case int32, int64, double, decimal

        static func < (a: Width, b: Width) -> Bool { a.rawValue < b.rawValue }

        /// The width of a number, or `nil` for any other value.
        init?(_ value: BSONValue) {
            switch value {
            case .int32: self = .int32
            case .int64: self = .int64
            case .double: self = .double
            case .decimal128: self = .decimal
            default: return nil
            }
        }
    }

    /// A number as an int64, truncating a double or decimal toward zero (MongoDB's `coerceToLong`); `nil` when not
    /// a number or out of range.
    static func int64(_ value: BSONValue) -> Int64? {
        switch value {
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        case .double(let d): return d.isNaN ? nil : Int64(exactly: d.rounded(.towardZero))
        case .decimal128(let d):
            let truncated = d.rounded(toExponent: 0, .towardZero)
            return truncated.exactInt64 ?? Int64(exactly: truncated.doubleValue.rounded(.towardZero))
        default: return nil
        }
    }

    /// A number as a double (MongoDB's `coerceToDouble`).
    static func double(_ value: BSONValue) -> Double {
        value.doubleValue ?? .nan
    }

    /// A number as a decimal (MongoDB's `coerceToDecimal`: doubles with 15 significant digits).
    static func decimal(_ value: BSONValue) -> Decimal128 {
        switch value {
        case .int32(let v): return Decimal128(v)
        case .int64(let v): return Decimal128(v)
        case .double(let d): return Decimal128(d, precision: .digits15)
        case .decimal128(let d): return d
        default: return .nan
        }
    }

    /// An int64 result as int32 when it fits (MongoDB's `Value::createIntOrLong`).
    static func intOrLong(_ value: Int64) -> BSONValue {
        if let narrow = Int32(exactly: value) { return .int32(narrow) }
        return .int64(value)
    }

    /// The running total of the given width: int32 when an int32-only total fits.
    private static func result(_ width: Width, _ long: Int64, _ double: Double, _ decimal: Decimal128) -> BSONValue {
        switch width {
        case .int32: intOrLong(long)
        case .int64: .int64(long)
        case .double: .double(double)
        case .decimal: .decimal128(decimal)
        }
    }

    /// A running sum with MongoDB's `$add` rules (its `AddState`): separate int64, double and decimal totals and
    /// the widest type seen; int64 overflow continues in double. One operand may be a date (`$add` only): the result
    /// is then a date.
    struct Sum: Sendable {
        private var width = Width.int32
        private var long: Int64 = 0
        private var double: Double = 0
        private var decimal = Decimal128.zero
        /// Whether a date was added.
        private(set) var hasDate = false

        init() {}

        /// Adds a number (the caller checks that it is one).
        mutating func add(_ value: BSONValue) {
            guard let valueWidth = Width(value) else { return }
            let old = width
            width = max(width, valueWidth)
            if old != width { widen(from: old) }
            accumulate(value)
        }

        /// Adds a date's milliseconds; the sum becomes a date.
        mutating func add(dateMilliseconds: Int64) {
            hasDate = true
            accumulate(.int64(dateMilliseconds))
        }

        private mutating func widen(from old: Width) {
            switch width {
            case .int32, .int64: break
            case .double: double = Double(long)
            case .decimal: decimal = old == .double ? Decimal128(double) : Decimal128(long)
            }
        }

        private mutating func accumulate(_ value: BSONValue) {
            switch width {
            case .int32, .int64:
                let operand = NumericArithmetic.int64(value) ?? 0
                let (sum, overflow) = long.addingReportingOverflow(operand)
                if overflow {
                    width = .double
                    double = Double(long) + NumericArithmetic.double(value)
                } else {
                    long = sum
                }
            case .double:
                double += NumericArithmetic.double(value)
            case .decimal:
                decimal = decimal.adding(NumericArithmetic.decimal(value))
            }
        }

        /// The sum: a number of the widest type seen (int32 when an int32-only sum fits), or a date.
        /// - Throws: `Overflow` (15) when a date sum does not fit in a date.
        func result() throws(DocketError) -> BSONValue {
            if hasDate {
                switch width {
                case .int32, .int64:
                    return .datetime(long)
                case .double:
                    guard double >= -9.223_372_036_854_775_808e18 && double < 9.223_372_036_854_775_808e18 else {
                        throw DocketError(.overflow, "date overflow in $add")
                    }
                    return .datetime(Int64(double.rounded(.toNearestOrAwayFromZero)))
                case .decimal:
                    return .datetime(
                        NumericArithmetic.int64(.decimal128(decimal.rounded(toExponent: 0, .toNearestOrEven))) ?? 0)
                }
            }
            return value
        }

        /// The numeric sum (dates ignored): the widest type seen, int32 when an int32-only sum fits.
        var value: BSONValue { NumericArithmetic.result(width, long, double, decimal) }
    }

    /// A running product with MongoDB's `$multiply` rules (its `MultiplyState`).
    struct Product: Sendable {
        private var width = Width.int32
        private var long: Int64 = 1
        private var double: Double = 1
        private var decimal = Decimal128(1)

        init() {}

        /// Multiplies by a number (the caller checks that it is one).
        mutating func multiply(by value: BSONValue) {
            guard let valueWidth = Width(value) else { return }
            let old = width
            width = max(width, valueWidth)
            if width == .decimal {
                if old != .decimal {
                    decimal = old == .double ? Decimal128(double, precision: .digits15) : Decimal128(long)
                }
                decimal = decimal.multiplied(by: NumericArithmetic.decimal(value))
                return
            }
            let factor = NumericArithmetic.double(value)
            double *= factor
            if width != .double {
                let (product, overflow) = long.multipliedReportingOverflow(by: NumericArithmetic.int64(value) ?? 0)
                if !factor.isFinite || overflow { width = .double } else { long = product }
            }
        }

        /// The product: the widest type seen, int32 when an int32-only product fits.
        var value: BSONValue { NumericArithmetic.result(width, long, double, decimal) }
    }

    /// `a + b` with MongoDB's rules; `nil` unless both are numbers.
    static func add(_ a: BSONValue, _ b: BSONValue) -> BSONValue? {
        guard a.isNumber, b.isNumber else { return nil }
        var sum = Sum()
        sum.add(a)
        sum.add(b)
        return sum.value
    }

    /// `a × b` with MongoDB's rules; `nil` unless both are numbers.
    static func multiply(_ a: BSONValue, _ b: BSONValue) -> BSONValue? {
        guard a.isNumber, b.isNumber else { return nil }
        var product = Product()
        product.multiply(by: a)
        product.multiply(by: b)
        return product.value
    }

    /// `a - b` with MongoDB's `$subtract` rules for numbers (int64 overflow continues in double); `nil` unless both
    /// are numbers.
    static func subtract(_ a: BSONValue, _ b: BSONValue) -> BSONValue? {
        guard let wa = Width(a), let wb = Width(b) else { return nil }
        switch max(wa, wb) {
        case .decimal:
            return .decimal128(decimal(a).subtracting(decimal(b)))
        case .double:
            return .double(double(a) - double(b))
        case .int64:
            let (difference, overflow) = (int64(a) ?? 0).subtractingReportingOverflow(int64(b) ?? 0)
            return overflow ? .double(double(a) - double(b)) : .int64(difference)
        case .int32:
            return intOrLong((int64(a) ?? 0) - (int64(b) ?? 0))
        }
    }

    /// `a ÷ b` with MongoDB's `$divide` rules: decimal when either is a decimal, else double; `nil` unless both are
    /// numbers and `b` is not zero.
    static func divide(_ a: BSONValue, _ b: BSONValue) -> BSONValue? {
        guard let wa = Width(a), let wb = Width(b) else { return nil }
        if wa == .decimal || wb == .decimal {
            let divisor = decimal(b)
            if divisor.isZero { return nil }
            return .decimal128(decimal(a).divided(by: divisor))
        }
        let divisor = double(b)
        if divisor == 0 { return nil }
        return .double(double(a) / divisor)
    }

    /// MongoDB's order between two values (numbers by value across types); missing sorts as `undefined`.
    static func compare(_ a: BSONValue?, _ b: BSONValue?) -> Int {
        BSONValue.compare(a ?? .undefined, b ?? .undefined)
    }
}
