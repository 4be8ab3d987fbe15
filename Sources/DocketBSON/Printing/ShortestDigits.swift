/// The shortest decimal digits that round-trip a finite, non-zero double, and where its decimal point goes.
///
/// `value = ±0.d₁d₂…dₖ × 10^(scientificExponent + 1)`: `digits` holds `d₁…dₖ` as ASCII, without leading or trailing
/// zeros, so `1.5` is `"15"` with exponent 0 and `0.001` is `"1"` with exponent -3. Extended JSON and the shell's
/// JavaScript number format both lay these digits out, each in its own way.
///
/// - Parameters:
///   - d: a finite, non-zero double.
///   - body: receives the digits, the exponent of the first digit and whether the value is negative.
func withShortestDigits<R>(
    of d: Double, _ body: (_ digits: UnsafeBufferPointer<UInt8>, _ scientificExponent: Int, _ isNegative: Bool) -> R
) -> R {
    // `description` yields the shortest digits that round-trip (Swift's Errol/Ryu-style printer); only its layout
    // is read here.
    let text = d.description
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { digits in
        var count = 0
        var pointPosition = -1
        var exponent = 0
        var negative = false
        var inExponent = false
        var exponentNegative = false
        for c in text.utf8 {
            if inExponent {
                switch c {
                case UInt8(ascii: "-"): exponentNegative = true
                case UInt8(ascii: "+"): break
                default: exponent = exponent * 10 + Int(c &- UInt8(ascii: "0"))
                }
                continue
            }
            switch c {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): pointPosition = count
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            default:
                if count < 40 {
                    digits[count] = c
                    count += 1
                }
            }
        }
        if exponentNegative { exponent = -exponent }
        if pointPosition < 0 { pointPosition = count }
        // Value = 0.<digits> × 10^(pointPosition + exponent). Drop leading and trailing zeros.
        var first = 0
        while first < count - 1 && digits[first] == UInt8(ascii: "0") {
            first += 1
            pointPosition -= 1
        }
        while count - 1 > first && digits[count - 1] == UInt8(ascii: "0") { count -= 1 }
        let significant = UnsafeBufferPointer(rebasing: digits[first..<count])
        return body(significant, pointPosition - 1 + exponent, negative)
    }
}
