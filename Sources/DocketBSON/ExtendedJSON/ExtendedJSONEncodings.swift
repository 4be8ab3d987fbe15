// Text encodings that Extended JSON type wrappers use: base64 (`$binary`), UUID text (`$uuid`) and
// RFC 3339 dates (`$date` in relaxed form).

// MARK: - Base64

private let base64Alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

/// Appends the padded standard base64 encoding of `bytes` (RFC 4648 §4).
func appendBase64(_ bytes: [UInt8], to out: inout [UInt8]) {
    var i = 0
    let n = bytes.count
    while i + 3 <= n {
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
        out.append(base64Alphabet[Int(v >> 18)])
        out.append(base64Alphabet[Int(v >> 12 & 0x3F)])
        out.append(base64Alphabet[Int(v >> 6 & 0x3F)])
        out.append(base64Alphabet[Int(v & 0x3F)])
        i += 3
    }
    switch n - i {
    case 1:
        let v = UInt32(bytes[i]) << 16
        out.append(base64Alphabet[Int(v >> 18)])
        out.append(base64Alphabet[Int(v >> 12 & 0x3F)])
        out.append(UInt8(ascii: "="))
        out.append(UInt8(ascii: "="))
    case 2:
        let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
        out.append(base64Alphabet[Int(v >> 18)])
        out.append(base64Alphabet[Int(v >> 12 & 0x3F)])
        out.append(base64Alphabet[Int(v >> 6 & 0x3F)])
        out.append(UInt8(ascii: "="))
    default:
        break
    }
}

@inline(__always) private func base64Value(_ c: UInt8) -> UInt32? {
    switch c {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt32(c &- UInt8(ascii: "A"))
    case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt32(c &- UInt8(ascii: "a") &+ 26)
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c &- UInt8(ascii: "0") &+ 52)
    case UInt8(ascii: "+"): return 62
    case UInt8(ascii: "/"): return 63
    default: return nil
    }
}

/// Decodes padded standard base64; `nil` if the text is not a whole number of padded 4-character groups over
/// the standard alphabet. Extended JSON requires the padding.
func decodeBase64(_ text: String) -> [UInt8]? {
    let utf8 = text.utf8
    guard utf8.count % 4 == 0 else { return nil }
    var out = [UInt8]()
    out.reserveCapacity(utf8.count / 4 * 3)
    var quad: UInt32 = 0
    var filled = 0
    var padding = 0
    for c in utf8 {
        if c == UInt8(ascii: "=") {
            padding += 1
            quad <<= 6
            filled += 1
        } else {
            guard padding == 0, let v = base64Value(c) else { return nil }
            quad = quad << 6 | v
            filled += 1
        }
        if filled == 4 {
            guard padding <= 2 else { return nil }
            out.append(UInt8(truncatingIfNeeded: quad >> 16))
            if padding < 2 { out.append(UInt8(truncatingIfNeeded: quad >> 8)) }
            if padding < 1 { out.append(UInt8(truncatingIfNeeded: quad)) }
            quad = 0
            filled = 0
        }
    }
    return out
}

// MARK: - UUID

/// Parses a UUID as 32 hex digits, either plain or in the 8-4-4-4-12 hyphenated form; `nil` otherwise.
func parseUUIDBytes(_ text: String) -> [UInt8]? {
    let utf8 = Array(text.utf8)
    let hyphenated = utf8.count == 36
    guard hyphenated || utf8.count == 32 else { return nil }
    var out = [UInt8]()
    out.reserveCapacity(16)
    var high: UInt8? = nil
    for (i, c) in utf8.enumerated() {
        if hyphenated && (i == 8 || i == 13 || i == 18 || i == 23) {
            guard c == UInt8(ascii: "-") else { return nil }
            continue
        }
        guard let v = hexValue(c) else { return nil }
        if let h = high {
            out.append(h << 4 | v)
            high = nil
        } else {
            high = v
        }
    }
    return out
}

// MARK: - Dates

/// Days since 1970-01-01 of a proleptic Gregorian date (valid for any Int64-representable year range we use).
/// Shared with the engine's date expressions.
package func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let shiftedMonth = month > 2 ? month - 3 : month + 9
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}

/// The proleptic Gregorian date of a count of days since 1970-01-01. Shared with the engine's date expressions.
package func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// Whether a proleptic Gregorian year is a leap year. Shared with the engine's date expressions.
package func isLeapYear(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

/// The number of days of a month (1...12). Shared with the engine's date expressions.
package func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Appends `YYYY-MM-DDTHH:MM:SS[.mmm]Z` for a datetime in years 0000...9999; the milliseconds are written only
/// when they are not zero (`1970-01-01T00:00:00Z`, `2012-12-24T12:15:30.501Z`), as libbson and the BSON corpus do.
///
/// With `javaScriptForm`, the text is JavaScript's `Date.prototype.toISOString()`: the milliseconds are always
/// written, and years outside 0...9999 take a sign and six digits (`+275760-09-13T00:00:00.000Z`).
func appendISODate(milliseconds ms: Int64, to out: inout [UInt8], javaScriptForm: Bool = false) {
    let millisPerDay: Int64 = 86_400_000
    var days = ms / millisPerDay
    var rest = ms % millisPerDay
    if rest < 0 {
        rest += millisPerDay
        days -= 1
    }
    let (year, month, day) = civilFromDays(days)
    func two(_ v: Int64) {
        out.append(UInt8(ascii: "0") &+ UInt8(v / 10))
        out.append(UInt8(ascii: "0") &+ UInt8(v % 10))
    }
    if javaScriptForm && (year < 0 || year > 9999) {
        out.append(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = year.magnitude
        for divisor: UInt64 in [100_000, 10_000, 1000, 100, 10, 1] {
            out.append(UInt8(ascii: "0") &+ UInt8(magnitude / divisor % 10))
        }
    } else {
        two(year / 100)
        two(year % 100)
    }
    out.append(UInt8(ascii: "-"))
    two(month)
    out.append(UInt8(ascii: "-"))
    two(day)
    out.append(UInt8(ascii: "T"))
    two(rest / 3_600_000)
    out.append(UInt8(ascii: ":"))
    two(rest / 60_000 % 60)
    out.append(UInt8(ascii: ":"))
    two(rest / 1000 % 60)
    let millis = rest % 1000
    if millis != 0 || javaScriptForm {
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") &+ UInt8(millis / 100))
        two(millis % 100)
    }
    out.append(UInt8(ascii: "Z"))
}

/// Parses an RFC 3339 date-time (`2012-12-24T12:15:30.501Z`, `…+01:00`, `…+0100`) into milliseconds since the
/// epoch. Fractions finer than a millisecond are truncated. `nil` if the text is not such a date.
func parseISODate(_ text: String) -> Int64? {
    let s = Array(text.utf8)
    var i = 0
    func digits(_ count: Int) -> Int64? {
        guard i + count <= s.count else { return nil }
        var v: Int64 = 0
        for _ in 0..<count {
            let c = s[i]
            guard c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int64(c &- UInt8(ascii: "0"))
            i += 1
        }
        return v
    }
    func expect(_ c: UInt8) -> Bool {
        guard i < s.count, s[i] == c else { return false }
        i += 1
        return true
    }
    guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
        let day = digits(2)
    else { return nil }
    guard i < s.count, s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: "t") else { return nil }
    i += 1
    guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
        let second = digits(2)
    else { return nil }
    guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month), hour <= 23,
        minute <= 59, second <= 59
    else { return nil }
    var millis: Int64 = 0
    if i < s.count && s[i] == UInt8(ascii: ".") {
        i += 1
        var fractionDigits = 0
        while i < s.count, s[i] >= UInt8(ascii: "0") && s[i] <= UInt8(ascii: "9") {
            if fractionDigits < 3 { millis = millis * 10 + Int64(s[i] &- UInt8(ascii: "0")) }
            fractionDigits += 1
            i += 1
        }
        guard fractionDigits > 0 else { return nil }
        for _ in fractionDigits..<max(fractionDigits, 3) { millis *= 10 }
    }
    guard i < s.count else { return nil }
    var offsetMinutes: Int64 = 0
    switch s[i] {
    case UInt8(ascii: "Z"), UInt8(ascii: "z"):
        i += 1
    case UInt8(ascii: "+"), UInt8(ascii: "-"):
        let sign: Int64 = s[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let offsetHours = digits(2) else { return nil }
        _ = expect(UInt8(ascii: ":"))
        guard let offsetMinutesPart = digits(2), offsetHours <= 23, offsetMinutesPart <= 59 else { return nil }
        offsetMinutes = sign * (offsetHours * 60 + offsetMinutesPart)
    default:
        return nil
    }
    guard i == s.count else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
    return seconds * 1000 + millis
}
