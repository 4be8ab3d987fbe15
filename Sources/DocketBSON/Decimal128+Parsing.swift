extension Decimal128: LosslessStringConvertible {
    /// Parses the text form of a Decimal128 exactly, following the BSON Decimal128 specification.
    ///
    /// The accepted grammar (no surrounding white space) is:
    ///
    /// ```
    /// [+|-] ( digits [. [digits]] | . digits ) [(e|E) [+|-] digits]
    /// [+|-] ( inf | infinity | nan )            -- any letter case
    /// ```
    ///
    /// The result keeps the written exponent and coefficient (`"1.20"` is `120E-2`, not `1.2`), so formatting it
    /// again gives the canonical string. When the written form does not fit, it is adjusted only in ways that
    /// do not change the value:
    ///
    /// - trailing zeros of a coefficient longer than 34 digits are dropped (raising the exponent);
    /// - an exponent below -6176 is raised by dropping trailing zeros;
    /// - an exponent above 6111 is lowered by appending zeros to the coefficient ("clamping");
    /// - a zero's exponent is clamped into `-6176 ... 6111`.
    ///
    /// If a nonzero digit would have to be dropped (the value would need rounding) or the value is too large,
    /// parsing fails. `"-NaN"` gives a NaN with the sign bit set; it prints as `NaN`.
    ///
    /// ```swift
    /// let tiny = try Decimal128(parsing: "1.000E-6176")   // 1000E-6179: exponent too small, but zeros can go
    /// print(tiny)                                         // 1E-6176
    /// _ = try? Decimal128(parsing: "1E-6177")             // nil: inexact rounding
    /// ```
    ///
    /// - Parameter string: The text to parse.
    /// - Throws: `BSONError` of kind `.invalidDecimal128` when the text is not a number in the grammar above,
    ///   when the value would need rounding, or when it overflows.
    public init(parsing string: String) throws(BSONError) {
        let bytes = Array(string.utf8)
        var index = 0
        var isNegative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            isNegative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }

        if index < bytes.count, !Self.isDigit(bytes[index]), bytes[index] != UInt8(ascii: ".") {
            let word = String(decoding: bytes[index...], as: UTF8.self).lowercased()
            switch word {
            case "inf", "infinity":
                self = isNegative ? Self.negativeInfinity : Self.infinity
            case "nan":
                self.init(high: Self.nan.high | (isNegative ? 1 << 63 : 0), low: 0)
            default:
                throw Self.syntaxError(string, "it is not a number, Infinity or NaN")
            }
            return
        }

        // Coefficient digits, without leading zeros; a huge input keeps all of them, which is fine because the
        // text itself is already that large.
        var digits: [UInt8] = []
        var sawDigit = false
        var sawPoint = false
        var fractionDigits = 0
        while index < bytes.count {
            let byte = bytes[index]
            if Self.isDigit(byte) {
                sawDigit = true
                if sawPoint { fractionDigits += 1 }
                if !digits.isEmpty || byte != UInt8(ascii: "0") { digits.append(byte - UInt8(ascii: "0")) }
            } else if byte == UInt8(ascii: ".") {
                guard !sawPoint else { throw Self.syntaxError(string, "it has more than one decimal point") }
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { throw Self.syntaxError(string, "it has no digits") }

        var writtenExponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentIsNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentIsNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var sawExponentDigit = false
            while index < bytes.count, Self.isDigit(bytes[index]) {
                sawExponentDigit = true
                // Saturate far outside any meaningful range; the result is then an overflow, an inexact
                // result or a clamped zero, exactly as with the true exponent.
                writtenExponent = min(writtenExponent * 10 + Int(bytes[index] - UInt8(ascii: "0")), 1 << 40)
                index += 1
            }
            guard sawExponentDigit else { throw Self.syntaxError(string, "its exponent has no digits") }
            if exponentIsNegative { writtenExponent = -writtenExponent }
        }
        guard index == bytes.count else {
            let character = String(decoding: bytes[index...].prefix(1), as: UTF8.self)
            throw Self.syntaxError(string, "unexpected character '\(character)' at offset \(index)")
        }

        self = try Self.makeExact(
            isNegative: isNegative, digits: digits, exponent: writtenExponent - fractionDigits, text: string)
    }

    /// Parses the text form of a Decimal128, returning `nil` where ``init(parsing:)`` would throw.
    ///
    /// This is the `LosslessStringConvertible` initializer: `Decimal128(d.description)` restores a value equal
    /// to `d` except for NaN payloads and non-canonical encodings, which the text does not carry.
    ///
    /// ```swift
    /// Decimal128("1.5E+3")?.description   // "1.5E+3"
    /// Decimal128("1.5.3")                 // nil
    /// ```
    ///
    /// - Parameter description: The text to parse.
    public init?(_ description: String) {
        guard let value = try? Self(parsing: description) else { return nil }
        self = value
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func syntaxError(_ text: String, _ reason: String) -> BSONError {
        BSONError(.invalidDecimal128, "\(quoted(text)) is not a valid Decimal128 string: \(reason)")
    }

    private static func quoted(_ text: String) -> String {
        let shown = text.utf8.count > 60 ? String(text.prefix(57)) + "..." : text
        return "\"\(shown)\""
    }

    /// Builds the value `digits × 10^exponent`, adjusting the representation only where no value changes.
    ///
    /// - Parameters:
    ///   - digits: Coefficient digits (0-9) without leading zeros; empty for zero.
    ///   - exponent: The exponent of the last digit, possibly far outside the encodable range.
    private static func makeExact(
        isNegative: Bool, digits: [UInt8], exponent: Int, text: String
    ) throws(BSONError) -> Decimal128 {
        guard !digits.isEmpty else {
            let clamped = min(max(exponent, minExponent), maxExponent)
            return Decimal128(isNegative: isNegative, exponent: clamped, coefficient: 0)
        }
        // Write the coefficient with `shift` digits removed from its end (or -shift zeros appended) and the
        // exponent raised by `shift`. It must end up with at most 34 digits and an exponent in range; among
        // those choices the one nearest the written exponent (shift 0) is taken.
        let lowestShift = max(digits.count - maxDigits, minExponent - exponent)
        let highestShiftInRange = maxExponent - exponent
        let shift = max(lowestShift, min(0, highestShiftInRange))
        guard shift <= highestShiftInRange else {
            throw BSONError(
                .invalidDecimal128,
                "\(quoted(text)) is not a valid Decimal128 string: it is too large "
                    + "(the largest finite value is 9.999999999999999999999999999999999E+6144)")
        }
        let trailingZeros = digits.reversed().prefix { $0 == 0 }.count
        guard shift <= trailingZeros else {
            throw BSONError(
                .invalidDecimal128,
                "\(quoted(text)) is not a valid Decimal128 string: inexact rounding (the value needs more than "
                    + "34 significant digits or an exponent below -6176)")
        }
        var coefficient: UInt128 = 0
        for digit in digits[..<(digits.count - max(shift, 0))] { coefficient = coefficient * 10 + UInt128(digit) }
        if shift < 0 { coefficient *= powersOfTen[-shift] }
        return Decimal128(isNegative: isNegative, exponent: exponent + shift, coefficient: coefficient)
    }
}
