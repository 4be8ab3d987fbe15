extension Decimal128: CustomStringConvertible {
    /// The canonical string of the value, as the BSON specification and MongoDB's Extended JSON print it.
    ///
    /// The rules (IEEE 754 / General Decimal Arithmetic "to-scientific-string"):
    ///
    /// - NaN prints as `NaN` whatever its sign or payload; infinities as `Infinity` and `-Infinity`.
    /// - A set sign bit prints `-`, also for zero (`-0`, `-0.00`).
    /// - With the adjusted exponent `exponent + (digits in coefficient) - 1`: if the exponent is positive or the
    ///   adjusted exponent is below -6, the form is scientific: one digit, a point and the other digits if any,
    ///   then `E`, the sign of the adjusted exponent and its digits (`1.23E+5`, `1E-7`, `0E+3`).
    /// - Otherwise the form is plain: the coefficient with a decimal point placed by the exponent, with leading
    ///   zeros as needed (`123`, `1.23`, `0.00123`); no point when the exponent is 0.
    /// - A non-canonical coefficient (above `10^34 - 1`) prints as zero with the encoded sign and exponent.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "1.20")).description    // "1.20"
    /// (try Decimal128(parsing: "12E3")).description    // "1.2E+4"
    /// (try Decimal128(parsing: ".0000001")).description  // "1E-7"
    /// ```
    public var description: String {
        if isNaN { return "NaN" }
        guard let parts = finiteParts else { return isSignMinus ? "-Infinity" : "Infinity" }
        let digits = String(parts.coefficient)
        let adjustedExponent = parts.exponent + digits.utf8.count - 1
        var text = parts.isNegative ? "-" : ""
        if parts.exponent > 0 || adjustedExponent < -6 {
            text += digits.prefix(1)
            if digits.utf8.count > 1 {
                text += "."
                text += digits.dropFirst()
            }
            text += adjustedExponent >= 0 ? "E+" : "E"
            text += String(adjustedExponent)
        } else if parts.exponent == 0 {
            text += digits
        } else {
            let integerDigits = digits.utf8.count + parts.exponent
            if integerDigits > 0 {
                text += digits.prefix(integerDigits)
                text += "."
                text += digits.dropFirst(integerDigits)
            } else {
                text += "0."
                text += String(repeating: "0", count: -integerDigits)
                text += digits
            }
        }
        return text
    }
}
