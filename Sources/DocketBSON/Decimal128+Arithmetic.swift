extension Decimal128 {
    /// Compares two values by number, not by representation, in MongoDB's sort order.
    ///
    /// Finite values compare by their mathematical value, so `1.0` equals `1.00` and `-0` equals `0`.
    /// `-Infinity` is below every finite value and `+Infinity` above. NaN (of any sign or payload) equals NaN
    /// and is below every other value, including `-Infinity`, which is how MongoDB sorts numbers.
    ///
    /// ```swift
    /// let a = try Decimal128(parsing: "1.0"), b = try Decimal128(parsing: "1.00")
    /// a.numericCompare(b)                       // 0
    /// Decimal128.nan.numericCompare(Decimal128.negativeInfinity)   // -1
    /// ```
    ///
    /// - Parameter other: The value to compare with.
    /// - Returns: -1 if `self` sorts before `other`, 0 if they are equal, 1 if it sorts after.
    public func numericCompare(_ other: Decimal128) -> Int {
        let (lhsRank, lhsParts) = orderRank
        let (rhsRank, rhsParts) = other.orderRank
        if lhsRank != rhsRank { return lhsRank < rhsRank ? -1 : 1 }
        guard let lhs = lhsParts, let rhs = rhsParts else { return 0 }
        let magnitudeOrder = Self.compareMagnitudes(lhs, rhs)
        return lhsRank == Rank.negative ? -magnitudeOrder : magnitudeOrder
    }

    /// The same value in a canonical representation, so that equal values have equal bits.
    ///
    /// Trailing zeros of the coefficient are removed while the exponent can rise (up to 6111), every zero
    /// becomes `0` (`0E0`, sign cleared), every NaN becomes the canonical positive quiet NaN, and infinities
    /// lose any stray bits. Hash ``normalized`` to hash Decimal128 values by number.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "1.500")).normalized.description   // "1.5"
    /// (try Decimal128(parsing: "100")).normalized.description     // "1E+2"
    /// (try Decimal128(parsing: "-0.00")).normalized == .zero      // true
    /// ```
    public var normalized: Decimal128 {
        if isNaN { return .nan }
        guard var parts = finiteParts else { return isSignMinus ? .negativeInfinity : .infinity }
        if parts.coefficient == 0 { return .zero }
        while parts.exponent < Self.maxExponent && parts.coefficient % 10 == 0 {
            parts.coefficient /= 10
            parts.exponent += 1
        }
        return Decimal128(parts)
    }

    /// Order classes for ``numericCompare(_:)``, lowest first.
    private enum Rank {
        static let nan = 0
        static let negativeInfinity = 1
        static let negative = 2
        static let zero = 3
        static let positive = 4
        static let positiveInfinity = 5
    }

    /// The value's order class and, for nonzero finite values, its parts.
    private var orderRank: (rank: Int, parts: FiniteParts?) {
        if isNaN { return (Rank.nan, nil) }
        guard let parts = finiteParts else {
            return (isSignMinus ? Rank.negativeInfinity : Rank.positiveInfinity, nil)
        }
        if parts.coefficient == 0 { return (Rank.zero, nil) }
        return (parts.isNegative ? Rank.negative : Rank.positive, parts)
    }

    /// Compares `|lhs|` with `|rhs|` for nonzero coefficients: -1, 0 or 1.
    private static func compareMagnitudes(_ lhs: FiniteParts, _ rhs: FiniteParts) -> Int {
        let lhsDigits = digitCount(lhs.coefficient)
        let rhsDigits = digitCount(rhs.coefficient)
        let lhsAdjusted = lhs.exponent + lhsDigits - 1
        let rhsAdjusted = rhs.exponent + rhsDigits - 1
        if lhsAdjusted != rhsAdjusted { return lhsAdjusted < rhsAdjusted ? -1 : 1 }
        // Same leading-digit position: scale the shorter coefficient to the longer one's length. The scaled
        // value has at most 34 digits, so it cannot overflow.
        var lhsCoefficient = lhs.coefficient
        var rhsCoefficient = rhs.coefficient
        if lhsDigits < rhsDigits {
            lhsCoefficient *= powersOfTen[rhsDigits - lhsDigits]
        } else {
            rhsCoefficient *= powersOfTen[lhsDigits - rhsDigits]
        }
        if lhsCoefficient == rhsCoefficient { return 0 }
        return lhsCoefficient < rhsCoefficient ? -1 : 1
    }
}
