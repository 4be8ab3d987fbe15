/// JavaScript's text forms of numbers, strings and dates, as the shell prints them.
public enum JavaScriptText {
    /// A number as JavaScript's `String(n)` writes it (ECMAScript `Number::toString`): `1`, `1.5`, `0.000001`,
    /// `1e-7`, `1e+21`, `NaN`, `-Infinity`. Negative zero is `0`.
    public static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return "0" }
        if d == d.rounded(.towardZero) && abs(d) < 1e15 { return String(Int64(d)) }
        return withShortestDigits(of: d) { digits, scientificExponent, negative in
            var out: [UInt8] = []
            out.reserveCapacity(digits.count + 8)
            if negative { out.append(UInt8(ascii: "-")) }
            let k = digits.count
            let n = scientificExponent + 1  // the value is 0.digits × 10^n
            if k <= n && n <= 21 {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: n - k))
            } else if 0 < n && n <= 21 {
                out.append(contentsOf: digits[0..<n])
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[n...])
            } else if -6 < n && n <= 0 {
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -n))
                out.append(contentsOf: digits)
            } else {
                out.append(digits[0])
                if k > 1 {
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: digits[1...])
                }
                out.append(UInt8(ascii: "e"))
                out.append(n - 1 < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                out.append(contentsOf: String((n - 1).magnitude).utf8)
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// A string in quotes as Node.js `util.inspect` writes it: single quotes, or double quotes when the string
    /// holds a single quote and no double quote, or backticks when it holds both; control characters, the quote and
    /// backslashes escaped (`'a\nb'`, `"it's"`).
    public static func quoted(_ s: String) -> String {
        var quote: UInt16 = 0x27
        if s.utf8.contains(0x27) {
            if !s.utf8.contains(0x22) {
                quote = 0x22
            } else if !s.utf8.contains(0x60) && !s.contains("${") {
                quote = 0x60
            }
        }
        var out = ""
        out.unicodeScalars.append(Unicode.Scalar(UInt8(quote)))
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v == 0x27 && quote == 0x27 {
                out += "\\'"
            } else if v == 0x5C {
                out += "\\\\"
            } else if v < 0x20 || (v >= 0x7F && v < 0xA0) {
                switch v {
                case 0x08: out += "\\b"
                case 0x09: out += "\\t"
                case 0x0A: out += "\\n"
                case 0x0C: out += "\\f"
                case 0x0D: out += "\\r"
                default: out += "\\x" + hex([UInt8(v)], uppercase: true)
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append(Unicode.Scalar(UInt8(quote)))
        return out
    }

    /// The largest magnitude of a JavaScript date: 8.64e15 ms (±273,790 years around 1970).
    public static let maximumDateMilliseconds = 8.64e15

    /// A date as JavaScript's `toISOString()` writes it (`2024-01-01T00:00:00.000Z`, `+275760-09-13T00:00:00.000Z`),
    /// or `nil` for a time outside JavaScript's range of dates (an "Invalid Date").
    public static func isoDate(milliseconds ms: Double) -> String? {
        guard ms.isFinite, abs(ms) <= maximumDateMilliseconds else { return nil }
        var out: [UInt8] = []
        appendISODate(milliseconds: Int64(ms.rounded(.towardZero)), to: &out, javaScriptForm: true)
        return String(decoding: out, as: UTF8.self)
    }

    /// The days since 1970-01-01 of a proleptic Gregorian date (`month` 1...12).
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        daysFromCivil(year: year, month: month, day: day)
    }

    /// The proleptic Gregorian date of a count of days since 1970-01-01 (`month` 1...12).
    public static func civilDate(days: Int64) -> (year: Int64, month: Int64, day: Int64) { civilFromDays(days) }
}
