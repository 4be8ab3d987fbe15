// Decimal128 addition, subtraction and multiplication with the results of Intel's decimal floating-point library
// (`bid128_add`, `bid128_sub`, `bid128_mul`) in round-half-even mode, which is what MongoDB's `Decimal128::add`,
// `subtract` and `multiply` call. Those follow IEEE 754-2008:
//
// - the exact result is rounded once to 34 significant digits, ties to even;
// - an exact result keeps the ideal exponent: `min(exp_a, exp_b)` for a sum, `exp_a + exp_b` for a product;
//   when the coefficient at that exponent would need more than 34 digits, the exponent closest to it is used;
// - a result too large for the format becomes ±Infinity; a result below the smallest exponent is rounded at
//   exponent -6176 (gradual underflow); an exponent above 6111 is "clamped" by appending zeros when they fit;
// - an exact zero sum of operands with opposite signs is `+0`; `-0 + -0` is `-0`.
//
// Every intermediate value fits in 256 bits (a product of two 34-digit coefficients has at most 68 digits), so
// the only wide helper needed is a 256-bit natural number that can be divided by a 64-bit word.

extension Decimal128 {
    /// The sum `self + other`, rounded to 34 significant digits (round-half-even).
    ///
    /// The result is the one MongoDB computes with Intel's `bid128_add`:
    ///
    /// - an exact sum keeps the smaller exponent of the operands: `1.10 + 2` is `3.10`, `1E+2 + 1` is `101`;
    /// - a sum needing more than 34 digits is rounded, ties to even, and one too large becomes `±Infinity`;
    /// - `-0 + 0` is `0` and `-0 + -0` is `-0` (an exact zero from opposite signs is positive);
    /// - `Infinity + -Infinity` is NaN; any other sum with an infinity is that infinity;
    /// - a NaN operand gives that NaN made quiet (the first operand's when both are NaN), keeping its sign and
    ///   its payload when the payload is canonical.
    ///
    /// ```swift
    /// let a = try Decimal128(parsing: "0.1"), b = try Decimal128(parsing: "0.20")
    /// a.adding(b).description                      // "0.30"
    /// (try Decimal128(parsing: "-0")).adding(.zero).description   // "0"
    /// ```
    ///
    /// - Parameter other: The value to add.
    /// - Returns: The correctly rounded sum.
    public func adding(_ other: Decimal128) -> Decimal128 {
        if isNaN { return quietNaN }
        if other.isNaN { return other.quietNaN }
        guard let lhs = finiteParts else {
            if other.isInfinite && other.isSignMinus != isSignMinus { return .nan }
            return isSignMinus ? .negativeInfinity : .infinity
        }
        guard let rhs = other.finiteParts else { return other.isSignMinus ? .negativeInfinity : .infinity }
        return Self.add(lhs, rhs)
    }

    /// The difference `self - other`, rounded to 34 significant digits (round-half-even).
    ///
    /// This is ``adding(_:)`` with the sign of `other` flipped (unless `other` is a NaN, whose sign is kept), as
    /// Intel's `bid128_sub` does; so `0 - 0` is `0`, `-0 - 0` is `-0`, and `Infinity - Infinity` is NaN.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "1.00")).subtracting(try Decimal128(parsing: "0.5")).description   // "0.50"
    /// ```
    ///
    /// - Parameter other: The value to subtract.
    /// - Returns: The correctly rounded difference.
    public func subtracting(_ other: Decimal128) -> Decimal128 {
        adding(other.isNaN ? other : -other)
    }

    /// The product `self × other`, rounded to 34 significant digits (round-half-even).
    ///
    /// The result is the one MongoDB computes with Intel's `bid128_mul`:
    ///
    /// - an exact product keeps the exponent `exp_a + exp_b` (`1.5 × 2.0` is `3.00`), clamped into the format's
    ///   range by appending zeros when the value allows it;
    /// - a product needing more than 34 digits is rounded, ties to even; one too large becomes `±Infinity`, and
    ///   one too small is rounded at exponent -6176 and may become a zero;
    /// - the sign is the exclusive or of the operands' signs, also for zeros (`-2 × 0` is `-0`);
    /// - `Infinity × 0` is NaN; any other product with an infinity is an infinity;
    /// - a NaN operand gives that NaN made quiet (the first operand's when both are NaN).
    ///
    /// ```swift
    /// (try Decimal128(parsing: "1.5")).multiplied(by: try Decimal128(parsing: "2.0")).description   // "3.00"
    /// ```
    ///
    /// - Parameter other: The value to multiply by.
    /// - Returns: The correctly rounded product.
    public func multiplied(by other: Decimal128) -> Decimal128 {
        if isNaN { return quietNaN }
        if other.isNaN { return other.quietNaN }
        let isNegative = isSignMinus != other.isSignMinus
        guard let lhs = finiteParts, let rhs = other.finiteParts else {
            // At least one infinity: infinity × 0 is invalid, anything else is an infinity.
            if isZero || other.isZero { return .nan }
            return isNegative ? .negativeInfinity : .infinity
        }
        let exponent = lhs.exponent + rhs.exponent
        if lhs.coefficient == 0 || rhs.coefficient == 0 {
            return Decimal128(
                isNegative: isNegative, exponent: min(max(exponent, Self.minExponent), Self.maxExponent),
                coefficient: 0)
        }
        let product = lhs.coefficient.multipliedFullWidth(by: rhs.coefficient)
        return Self.round(
            isNegative: isNegative, coefficient: WideNatural(high: product.high, low: product.low),
            exponent: exponent, hasStickyFraction: false)
    }

    /// The quotient `self ÷ other`, rounded to 34 significant digits (round-half-even).
    ///
    /// The result is the one MongoDB computes with Intel's `bid128_div`:
    ///
    /// - an exact quotient keeps the exponent closest to the ideal one, `exp_a - exp_b` (`1.0 ÷ 4` is `0.25`,
    ///   `6.0 ÷ 2` is `3.0`);
    /// - an inexact quotient has 34 significant digits, rounded ties to even (`1 ÷ 3` is
    ///   `0.3333333333333333333333333333333333`);
    /// - a nonzero value divided by zero is an infinity with the sign of the exclusive or; `0 ÷ 0`,
    ///   `Infinity ÷ Infinity` are NaN; a finite value divided by an infinity is a zero;
    /// - a NaN operand gives that NaN made quiet (the first operand's when both are NaN).
    ///
    /// ```swift
    /// Decimal128(1).divided(by: Decimal128(4)).description   // "0.25"
    /// ```
    ///
    /// - Parameter other: The divisor.
    /// - Returns: The correctly rounded quotient.
    public func divided(by other: Decimal128) -> Decimal128 {
        if isNaN { return quietNaN }
        if other.isNaN { return other.quietNaN }
        let isNegative = isSignMinus != other.isSignMinus
        guard let lhs = finiteParts else {
            if other.isInfinite { return .nan }
            return isNegative ? .negativeInfinity : .infinity
        }
        guard let rhs = other.finiteParts else {
            return Decimal128(isNegative: isNegative, exponent: Self.minExponent, coefficient: 0)
        }
        if rhs.coefficient == 0 {
            if lhs.coefficient == 0 { return .nan }
            return isNegative ? .negativeInfinity : .infinity
        }
        let idealExponent = lhs.exponent - rhs.exponent
        if lhs.coefficient == 0 {
            return Decimal128(
                isNegative: isNegative, exponent: min(max(idealExponent, Self.minExponent), Self.maxExponent),
                coefficient: 0)
        }
        // Long division, one decimal digit at a time, until the quotient is exact or has 35 significant digits
        // (one more than the format keeps, so that rounding sees the next digit; the remainder is the sticky part).
        var quotient = lhs.coefficient / rhs.coefficient
        var remainder = lhs.coefficient % rhs.coefficient
        var exponent = idealExponent
        while remainder != 0 && Self.digitCount(quotient) <= Self.maxDigits {
            remainder *= 10
            quotient = quotient * 10 + remainder / rhs.coefficient
            remainder %= rhs.coefficient
            exponent -= 1
        }
        return Self.round(
            isNegative: isNegative, coefficient: WideNatural(quotient), exponent: exponent,
            hasStickyFraction: remainder != 0)
    }

    /// The remainder of `self ÷ other` with the quotient truncated toward zero (C's `fmod`, Intel's
    /// `bid128_fmod`, MongoDB's `Decimal128::modulo`): exact, with the sign of `self` and the smaller exponent.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "7.5")).remainder(dividingBy: Decimal128(2)).description   // "1.5"
    /// ```
    ///
    /// - Parameter other: The divisor.
    /// - Returns: The remainder; NaN when `other` is zero, `self` is infinite, or either is NaN.
    public func remainder(dividingBy other: Decimal128) -> Decimal128 {
        if isNaN { return quietNaN }
        if other.isNaN { return other.quietNaN }
        guard let lhs = finiteParts else { return .nan }
        guard let rhs = other.finiteParts else { return self }
        if rhs.coefficient == 0 { return .nan }
        if lhs.exponent >= rhs.exponent {
            // lhs = ca × 10^(ea - eb) in units of 10^eb: reduce modulo cb one power of ten at a time.
            var remainder = lhs.coefficient % rhs.coefficient
            for _ in 0..<(lhs.exponent - rhs.exponent) where remainder != 0 {
                remainder = remainder * 10 % rhs.coefficient
            }
            return Decimal128(isNegative: lhs.isNegative, exponent: rhs.exponent, coefficient: remainder)
        }
        // In units of 10^ea the divisor is cb × 10^(eb - ea); when that exceeds the dividend, the dividend is the
        // remainder.
        let shift = rhs.exponent - lhs.exponent
        guard Self.digitCount(rhs.coefficient) + shift <= Self.maxDigits + 1, shift < Self.powersOfTen.count else {
            return self
        }
        let divisor = rhs.coefficient.multipliedReportingOverflow(by: Self.powersOfTen[shift])
        if divisor.overflow || divisor.partialValue > lhs.coefficient { return self }
        return Decimal128(
            isNegative: lhs.isNegative, exponent: lhs.exponent, coefficient: lhs.coefficient % divisor.partialValue)
    }

    /// How ``rounded(toExponent:_:)`` rounds.
    public enum RoundingRule: Sendable, Hashable {
        /// To the nearest value, ties to even.
        case toNearestOrEven
        /// Toward zero (truncation).
        case towardZero
        /// Toward positive infinity (ceiling).
        case up
        /// Toward negative infinity (floor).
        case down
    }

    /// The value rounded to a multiple of `10^exponent` (Intel's `bid128_quantize` with a rounding mode, which
    /// MongoDB's `$round`, `$trunc`, `$ceil` and `$floor` use). A value with a larger exponent is rescaled to
    /// `exponent` when its coefficient has room, and returned unchanged otherwise; NaN and infinities are returned
    /// unchanged.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "2.567")).rounded(toExponent: -2, .toNearestOrEven).description   // "2.57"
    /// (try Decimal128(parsing: "-2.5")).rounded(toExponent: 0, .down).description                // "-3"
    /// ```
    ///
    /// - Parameters:
    ///   - exponent: The exponent of the result, in `-6176 ... 6111`.
    ///   - rule: How to round.
    /// - Returns: The rounded value.
    public func rounded(toExponent exponent: Int, _ rule: RoundingRule) -> Decimal128 {
        guard let parts = finiteParts, (Self.minExponent...Self.maxExponent).contains(exponent) else { return self }
        if parts.exponent >= exponent {
            let shift = parts.exponent - exponent
            guard shift < Self.powersOfTen.count, Self.digitCount(parts.coefficient) + shift <= Self.maxDigits else {
                return self
            }
            return Decimal128(
                isNegative: parts.isNegative, exponent: exponent,
                coefficient: parts.coefficient * Self.powersOfTen[shift])
        }
        let dropped = exponent - parts.exponent
        let quotient: UInt128
        let remainder: UInt128
        let half: UInt128?
        if dropped < Self.powersOfTen.count {
            let divisor = Self.powersOfTen[dropped]
            quotient = parts.coefficient / divisor
            remainder = parts.coefficient % divisor
            half = divisor / 2
        } else {
            quotient = 0
            remainder = parts.coefficient
            half = nil  // the divisor exceeds every coefficient: the value is below half a unit
        }
        var result = quotient
        if remainder != 0 {
            switch rule {
            case .towardZero:
                break
            case .up:
                if !parts.isNegative { result += 1 }
            case .down:
                if parts.isNegative { result += 1 }
            case .toNearestOrEven:
                if let half, remainder > half || (remainder == half && quotient % 2 == 1) { result += 1 }
            }
        }
        if result > Self.maxCoefficient { return self }
        return Decimal128(isNegative: parts.isNegative, exponent: exponent, coefficient: result)
    }

    /// The sum of two values (see ``adding(_:)``).
    ///
    /// ```swift
    /// Decimal128(1) + (try Decimal128(parsing: "0.1"))   // 1.1
    /// ```
    ///
    /// - Parameters:
    ///   - lhs: The first addend.
    ///   - rhs: The second addend.
    /// - Returns: The correctly rounded sum.
    public static func + (lhs: Decimal128, rhs: Decimal128) -> Decimal128 {
        lhs.adding(rhs)
    }

    /// The difference of two values (see ``subtracting(_:)``).
    ///
    /// ```swift
    /// Decimal128(1) - (try Decimal128(parsing: "0.1"))   // 0.9
    /// ```
    ///
    /// - Parameters:
    ///   - lhs: The minuend.
    ///   - rhs: The subtrahend.
    /// - Returns: The correctly rounded difference.
    public static func - (lhs: Decimal128, rhs: Decimal128) -> Decimal128 {
        lhs.subtracting(rhs)
    }

    /// The product of two values (see ``multiplied(by:)``).
    ///
    /// ```swift
    /// Decimal128(3) * (try Decimal128(parsing: "0.25"))   // 0.75
    /// ```
    ///
    /// - Parameters:
    ///   - lhs: The multiplicand.
    ///   - rhs: The multiplier.
    /// - Returns: The correctly rounded product.
    public static func * (lhs: Decimal128, rhs: Decimal128) -> Decimal128 {
        lhs.multiplied(by: rhs)
    }

    /// Adds `rhs` to `lhs` in place (see ``adding(_:)``).
    ///
    /// ```swift
    /// var total = Decimal128.zero
    /// total += try Decimal128(parsing: "0.10")   // 0.10
    /// ```
    ///
    /// - Parameters:
    ///   - lhs: The value to update.
    ///   - rhs: The value to add.
    public static func += (lhs: inout Decimal128, rhs: Decimal128) {
        lhs = lhs.adding(rhs)
    }

    /// Subtracts `rhs` from `lhs` in place (see ``subtracting(_:)``).
    ///
    /// ```swift
    /// var balance = Decimal128(10)
    /// balance -= try Decimal128(parsing: "0.01")   // 9.99
    /// ```
    ///
    /// - Parameters:
    ///   - lhs: The value to update.
    ///   - rhs: The value to subtract.
    public static func -= (lhs: inout Decimal128, rhs: Decimal128) {
        lhs = lhs.subtracting(rhs)
    }

    /// Multiplies `lhs` by `rhs` in place (see ``multiplied(by:)``).
    ///
    /// ```swift
    /// var price = try Decimal128(parsing: "19.90")
    /// price *= Decimal128(3)   // 59.70
    /// ```
    ///
    /// - Parameters:
    ///   - lhs: The value to update.
    ///   - rhs: The value to multiply by.
    public static func *= (lhs: inout Decimal128, rhs: Decimal128) {
        lhs = lhs.multiplied(by: rhs)
    }

    /// The value with its sign bit flipped: IEEE 754's `negate`, exact for every value including zeros, infinities
    /// and NaNs (`-0` becomes `0`, a NaN keeps its payload).
    ///
    /// ```swift
    /// (-Decimal128(5)).description        // "-5"
    /// (-Decimal128.zero).isSignMinus      // true
    /// ```
    ///
    /// - Parameter operand: The value to negate.
    /// - Returns: The same representation with the opposite sign.
    public static prefix func - (operand: Decimal128) -> Decimal128 {
        Decimal128(high: operand.high ^ (1 << 63), low: operand.low)
    }
}

// MARK: - Conversion from Double with 15 digits

extension Decimal128 {
    /// How many significant digits a conversion from `Double` keeps: MongoDB's `Decimal128::RoundingPrecision`.
    public enum DoublePrecision: Sendable, Hashable {
        /// The exact binary value rounded to 34 digits (or exact, when shorter): ``Decimal128/init(_:)-(Double)``,
        /// MongoDB's `kRoundTo34Digits`. `0.1` becomes `0.1000000000000000055511151231257827`.
        case digits34
        /// Exactly 15 significant digits, MongoDB's `kRoundTo15Digits`, the conversion its arithmetic uses when a
        /// double meets a decimal (`$inc`, `$mul`, `$add`, …). `0.1` becomes `0.100000000000000`.
        case digits15
    }

    /// Creates a decimal from a `Double`, keeping the given number of significant digits.
    ///
    /// With ``DoublePrecision/digits15`` this is MongoDB's `Decimal128(double, kRoundTo15Digits)`: the double is
    /// first converted to 34 digits (``init(_:)-(Double)``), then quantized, ties to even, to the exponent that
    /// leaves exactly 15 significant digits. So `0.1` gives `0.100000000000000`, `1.0` gives `1.00000000000000`
    /// and `1e20` gives `1.00000000000000E+20`. Zeros, infinities and NaN convert as with 34 digits.
    ///
    /// ```swift
    /// Decimal128(0.1, precision: .digits15).description    // "0.100000000000000"
    /// Decimal128(2.5, precision: .digits15).description    // "2.50000000000000"
    /// Decimal128(0.1, precision: .digits34).description    // "0.1000000000000000055511151231257827"
    /// ```
    ///
    /// - Parameters:
    ///   - value: The double to convert.
    ///   - precision: The number of significant digits to keep.
    public init(_ value: Double, precision: DoublePrecision) {
        let converted = Decimal128(value)
        guard precision == .digits15, value != 0, value.isFinite, let parts = converted.finiteParts else {
            self = converted
            return
        }
        // MongoDB's estimate of the decimal exponent: frexp's binary exponent times log10(2), truncated toward
        // zero, plus one for non-negative exponents. It is exact or one too large, which the retry corrects.
        let binaryExponent = Int(value.exponent) + 1
        var decimalExponent = binaryExponent * 30103 / 100_000
        if binaryExponent >= 0 { decimalExponent += 1 }
        let smallest: UInt128 = 100_000_000_000_000
        let largest: UInt128 = 999_999_999_999_999
        for _ in 0..<2 {
            if let coefficient = Self.quantize(parts, toExponent: decimalExponent - 15),
                (smallest...largest).contains(coefficient)
            {
                self.init(isNegative: parts.isNegative, exponent: decimalExponent - 15, coefficient: coefficient)
                return
            }
            decimalExponent -= 1
        }
        // MongoDB's error analysis shows that two estimates always suffice (it asserts so). Should a rounding
        // carry defeat both anyway, round the 34-digit value to 15 significant digits directly.
        var exponent = parts.exponent + Self.digitCount(parts.coefficient) - 15
        var coefficient = Self.quantize(parts, toExponent: exponent) ?? smallest
        if coefficient > largest {
            coefficient /= 10
            exponent += 1
        }
        self.init(isNegative: parts.isNegative, exponent: exponent, coefficient: coefficient)
    }

    /// The coefficient of `parts` rounded (ties to even) or scaled to `exponent`, or `nil` when scaling would
    /// need more than 34 digits or the exponent is out of range: Intel's `bid128_quantize` coefficient.
    private static func quantize(_ parts: FiniteParts, toExponent exponent: Int) -> UInt128? {
        guard (minExponent...maxExponent).contains(exponent) else { return nil }
        if exponent <= parts.exponent {
            let shift = parts.exponent - exponent
            guard digitCount(parts.coefficient) + shift <= maxDigits else { return nil }
            return parts.coefficient * powersOfTen[shift]
        }
        let dropped = WideNatural(parts.coefficient).droppingDigits(exponent - parts.exponent)
        return dropped.roundedHalfEven(hasStickyFraction: false)
    }
}

// MARK: - Implementation

extension Decimal128 {
    /// A NaN made quiet, as Intel's library returns a NaN operand: the sign and a canonical payload (below
    /// 10^33) are kept, a non-canonical payload becomes 0, and the signalling bit and the bits between the
    /// combination field and the payload are cleared.
    private var quietNaN: Decimal128 {
        var high = self.high
        var low = self.low
        let payloadHigh = high & 0x0000_3FFF_FFFF_FFFF
        // 10^33 - 1 = 0x0000_314D_C644_8D93_38C1_5B09_FFFF_FFFF
        if payloadHigh > 0x0000_314D_C644_8D93 || (payloadHigh == 0x0000_314D_C644_8D93 && low > 0x38C1_5B09_FFFF_FFFF)
        {
            high &= 0xFFFF_C000_0000_0000
            low = 0
        }
        return Decimal128(high: high & 0xFC00_3FFF_FFFF_FFFF, low: low)
    }

    /// The sum of two finite values.
    private static func add(_ lhs: FiniteParts, _ rhs: FiniteParts) -> Decimal128 {
        if lhs.coefficient == 0 || rhs.coefficient == 0 {
            return addWithZero(lhs, rhs)
        }
        // `big` has the larger exponent; its coefficient is scaled to `small`'s exponent.
        let (big, small) = lhs.exponent >= rhs.exponent ? (lhs, rhs) : (rhs, lhs)
        let shift = big.exponent - small.exponent
        let bigDigits = digitCount(big.coefficient)
        if bigDigits + shift <= 38 {
            // The exact sum fits in 128 bits: scaled < 10^38 and 10^38 + 10^34 < 2^128.
            let scaled = big.coefficient * powersOfTen[shift]
            let sum: UInt128
            let isNegative: Bool
            if big.isNegative == small.isNegative {
                sum = scaled + small.coefficient
                isNegative = big.isNegative
            } else if scaled >= small.coefficient {
                sum = scaled - small.coefficient
                // An exact zero from operands of opposite signs is +0 when rounding to nearest.
                isNegative = sum == 0 ? false : big.isNegative
            } else {
                sum = small.coefficient - scaled
                isNegative = small.isNegative
            }
            return round(
                isNegative: isNegative, coefficient: WideNatural(sum), exponent: small.exponent,
                hasStickyFraction: false)
        }
        // The smaller operand lies entirely below the rounding position: scale `big` to 38 digits and keep only
        // the digits of `small` that reach that scale, plus a sticky flag for the rest. The result has at least
        // 37 digits, so rounding to 34 drops at least three and the sticky flag decides only ties.
        let bigShift = 38 - bigDigits
        let scaled = big.coefficient * powersOfTen[bigShift]
        let droppedDigits = shift - bigShift
        let (kept, hasRemainder): (UInt128, Bool) =
            droppedDigits < powersOfTen.count
            ? (small.coefficient / powersOfTen[droppedDigits], small.coefficient % powersOfTen[droppedDigits] != 0)
            : (0, true)
        let sum: UInt128
        if big.isNegative == small.isNegative {
            sum = scaled + kept
        } else {
            // scaled - kept - fraction = (scaled - kept - 1) + (1 - fraction), with 0 < 1 - fraction < 1.
            sum = scaled - kept - (hasRemainder ? 1 : 0)
        }
        return round(
            isNegative: big.isNegative, coefficient: WideNatural(sum), exponent: big.exponent - bigShift,
            hasStickyFraction: hasRemainder)
    }

    /// A sum where at least one finite operand is zero: exact, at the exponent closest to `min(exp_a, exp_b)`.
    private static func addWithZero(_ lhs: FiniteParts, _ rhs: FiniteParts) -> Decimal128 {
        let idealExponent = min(lhs.exponent, rhs.exponent)
        if lhs.coefficient == 0 && rhs.coefficient == 0 {
            return Decimal128(
                isNegative: lhs.isNegative && rhs.isNegative, exponent: idealExponent, coefficient: 0)
        }
        let value = lhs.coefficient == 0 ? rhs : lhs
        // Lower the exponent toward the ideal one as far as 34 digits allow.
        let shift = min(value.exponent - idealExponent, maxDigits - digitCount(value.coefficient))
        return Decimal128(
            isNegative: value.isNegative, exponent: value.exponent - shift,
            coefficient: value.coefficient * powersOfTen[shift])
    }

    /// Rounds `coefficient × 10^exponent` to the format, ties to even.
    ///
    /// - Parameters:
    ///   - isNegative: The sign of the result.
    ///   - coefficient: The exact coefficient (any size up to 256 bits).
    ///   - exponent: Its exponent (any integer).
    ///   - hasStickyFraction: Whether the exact value is `coefficient + f` for some `0 < f < 1` (in units of
    ///     `10^exponent`) rather than `coefficient` itself; only allowed when rounding drops at least one digit.
    private static func round(
        isNegative: Bool, coefficient: WideNatural, exponent: Int, hasStickyFraction: Bool
    ) -> Decimal128 {
        if coefficient.isZero && !hasStickyFraction {
            return Decimal128(
                isNegative: isNegative, exponent: min(max(exponent, minExponent), maxExponent), coefficient: 0)
        }
        let digits = coefficient.digitCount
        // Drop digits beyond 34, and below the smallest exponent (gradual underflow).
        let dropped = max(digits - maxDigits, minExponent - exponent, 0)
        if dropped == 0 {
            precondition(!hasStickyFraction, "a sticky fraction needs a dropped digit")
            var value = coefficient.low
            var finalExponent = exponent
            if finalExponent > maxExponent {
                // Clamp: lower the exponent by appending zeros, if the coefficient has room for them.
                let padding = finalExponent - maxExponent
                guard digits + padding <= maxDigits else { return isNegative ? .negativeInfinity : .infinity }
                value *= powersOfTen[padding]
                finalExponent = maxExponent
            }
            return Decimal128(isNegative: isNegative, exponent: finalExponent, coefficient: value)
        }
        var value = coefficient.droppingDigits(dropped).roundedHalfEven(hasStickyFraction: hasStickyFraction)
        var finalExponent = exponent + dropped
        if value > maxCoefficient {
            // Rounding carried into a 35th digit: 10^34 becomes 10^33 at the next exponent, exactly.
            value /= 10
            finalExponent += 1
        }
        if finalExponent > maxExponent {
            // The coefficient has 34 digits here (digits were dropped for length, not underflow): overflow.
            return isNegative ? .negativeInfinity : .infinity
        }
        return Decimal128(isNegative: isNegative, exponent: finalExponent, coefficient: value)
    }
}

// MARK: - 256-bit naturals

/// A natural number below 2^256, enough for a product of two 34-digit coefficients (below 10^68 < 2^226).
private struct WideNatural {
    /// Bits 128-255.
    var high: UInt128
    /// Bits 0-127.
    var low: UInt128

    init(high: UInt128, low: UInt128) {
        self.high = high
        self.low = low
    }

    init(_ value: UInt128) {
        self.init(high: 0, low: value)
    }

    var isZero: Bool { high == 0 && low == 0 }

    /// The number of decimal digits (1 for zero).
    var digitCount: Int {
        var rest = self
        var count = 0
        // Each step removes exactly 19 digits of a number above 2^128 > 10^38.
        while rest.high != 0 {
            _ = rest.divide(by: 10_000_000_000_000_000_000)
            count += 19
        }
        return count + Decimal128.digitCount(rest.low)
    }

    /// Divides in place by a nonzero word and returns the remainder.
    mutating func divide(by divisor: UInt64) -> UInt64 {
        var remainder: UInt64 = 0
        func step(_ limb: UInt64) -> UInt64 {
            let (quotient, rest) = divisor.dividingFullWidth((high: remainder, low: limb))
            remainder = rest
            return quotient
        }
        let limb3 = step(UInt64(truncatingIfNeeded: high >> 64))
        let limb2 = step(UInt64(truncatingIfNeeded: high))
        let limb1 = step(UInt64(truncatingIfNeeded: low >> 64))
        let limb0 = step(UInt64(truncatingIfNeeded: low))
        high = UInt128(limb3) << 64 | UInt128(limb2)
        low = UInt128(limb1) << 64 | UInt128(limb0)
        return remainder
    }

    /// The result of removing the lowest `count` digits (`count >= 1`): what rounding needs to know.
    struct Dropped {
        /// The remaining digits; the caller guarantees they fit in 128 bits.
        var quotient: UInt128
        /// The most significant dropped digit.
        var roundingDigit: UInt64
        /// Whether any other dropped digit is nonzero.
        var hasNonzeroBelow: Bool

        /// The quotient rounded to nearest, ties to even; `hasStickyFraction` adds a fraction below every digit.
        func roundedHalfEven(hasStickyFraction: Bool) -> UInt128 {
            let isAboveHalf = roundingDigit > 5 || (roundingDigit == 5 && (hasNonzeroBelow || hasStickyFraction))
            let isTie = roundingDigit == 5 && !hasNonzeroBelow && !hasStickyFraction
            return isAboveHalf || (isTie && quotient & 1 == 1) ? quotient + 1 : quotient
        }
    }

    /// Removes the lowest `count` digits, remembering the first dropped digit and whether the rest are zero.
    func droppingDigits(_ count: Int) -> Dropped {
        precondition(count >= 1, "at least one digit is dropped")
        var rest = self
        var hasNonzeroBelow = false
        var below = count - 1
        while below > 0 && !rest.isZero {
            let chunk = min(below, 19)
            if rest.divide(by: Self.wordPowersOfTen[chunk]) != 0 { hasNonzeroBelow = true }
            below -= chunk
        }
        let roundingDigit = rest.divide(by: 10)
        precondition(rest.high == 0, "the kept digits fit in 128 bits")
        return Dropped(quotient: rest.low, roundingDigit: roundingDigit, hasNonzeroBelow: hasNonzeroBelow)
    }

    /// `10^0 ... 10^19`: every power of ten a word holds.
    private static let wordPowersOfTen: [UInt64] = {
        var powers: [UInt64] = [1]
        for _ in 1...19 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()
}
