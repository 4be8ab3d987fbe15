import DocketBSON

/// Parses the date strings `$toDate`/`$convert` and `$dateFromString` accept without a format: ISO 8601 dates and
/// date-times (`2024-05-01`, `2024-05-01T12:30`, `2024-05-01T12:30:45.123Z`, `2024-05-01 12:30:45+02:00`), and the
/// free-form dates MongoDB's parser (timelib) also reads: `2024/05/01`, `05/01/2024` (month first), `01.05.2024` and
/// `01-05-2024` (day first), month names (`May 1, 2024`, `1 May 2024`, `Wed May 01 2024`), a time anywhere
/// (`12:30`, `12:30:45.5`, `1:30 pm`), a `GMT`/`UTC`/`Z` zone or an offset, and the year last
/// (`WED jan 31 12:05:28 +03:30 1996`). In UTC unless the string carries an offset (`Z`, `+hh`, `+hhmm`, `+hh:mm`).
///
/// - Note: Differs from MongoDB: relative dates (`"next monday"`, `"+1 week"`), time zone names other than
///   GMT/UTC/Z, and dates without a year or day are not recognised.
enum DateStringParser {
    /// Milliseconds since the epoch, or `nil` when `text` is not such a date. `defaultOffset` (milliseconds) applies
    /// when the string has no offset of its own.
    static func parse(_ text: String, defaultOffset: Int64 = 0) -> Int64? {
        guard let parts = parseParts(text) else { return nil }
        return parts.local - (parts.offset ?? defaultOffset)
    }

    /// The local time a date string names (milliseconds since the epoch as if it were UTC) and its own offset.
    static func parseParts(_ text: String) -> (local: Int64, offset: Int64?)? {
        iso(text) ?? FreeFormDate(text)?.parts
    }

    /// The milliseconds of a fraction of a second written with `digits` digits: its first three digits, padded.
    static func milliseconds(fraction: Int64, digits: Int) -> Int64 {
        var value = fraction
        var count = digits
        while count > 3 {
            value /= 10
            count -= 1
        }
        while count < 3 {
            value *= 10
            count += 1
        }
        return value
    }

    private static func iso(_ text: String) -> (local: Int64, offset: Int64?)? {
        var scanner = ByteScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.take(UInt8(ascii: "-")),
            let month = scanner.number(digits: 2), scanner.take(UInt8(ascii: "-")),
            let day = scanner.number(digits: 2)
        else { return nil }
        guard (1...12).contains(month), (1...CivilTime.daysIn(month: Int(month), year: year)).contains(Int(day)) else {
            return nil
        }
        var hour: Int64 = 0
        var minute: Int64 = 0
        var second: Int64 = 0
        var millisecond: Int64 = 0
        var offset: Int64?
        if scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: " ")) {
            guard let h = scanner.number(digits: 2), scanner.take(UInt8(ascii: ":")), let m = scanner.number(digits: 2)
            else { return nil }
            hour = h
            minute = m
            if scanner.take(UInt8(ascii: ":")) {
                guard let s = scanner.number(digits: 2) else { return nil }
                second = s
                if scanner.take(UInt8(ascii: ".")) {
                    guard let parsed = scanner.digits(), parsed.1 > 0 else { return nil }
                    millisecond = milliseconds(fraction: parsed.0, digits: parsed.1)
                }
            }
            guard hour < 24, minute < 60, second < 60 else { return nil }
        }
        if scanner.take(UInt8(ascii: "Z")) {
            offset = 0
        } else if let sign = scanner.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            scanner.advance()
            guard let h = scanner.number(digits: 2) else { return nil }
            var m: Int64 = 0
            if scanner.take(UInt8(ascii: ":")) {
                guard let mm = scanner.number(digits: 2) else { return nil }
                m = mm
            } else if let mm = scanner.number(digits: 2) {
                m = mm
            }
            let magnitude = (h * 60 + m) * 60_000
            offset = sign == UInt8(ascii: "-") ? -magnitude : magnitude
        }
        guard scanner.isAtEnd else { return nil }
        let local = CivilTime(
            year: year, month: Int(month), day: Int(day), hour: Int(hour), minute: Int(minute), second: Int(second),
            millisecond: Int(millisecond)
        ).milliseconds
        return (local, offset)
    }
}

/// A free-form date string read token by token (`DateStringParser`): weekday names are skipped, a month name sets
/// the month (and a day number right after it the day), `h:mm[:ss[.fff]]` the time, `am`/`pm` its half of the day,
/// `a/b/c`, `a-b-c` and `a.b.c` a numeric date, a lone four-digit number the year, `GMT`/`UTC`/`Z` and `±hh[:mm]`
/// the offset.
private struct FreeFormDate {
    private enum Token: Equatable {
        case number(Int64, digits: Int)
        case word(String)
        case symbol(UInt8)
    }

    private static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
        "december",
    ]
    private static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

    private var tokens: [Token] = []
    private var index = 0
    private var year: Int64?
    private var month: Int64?
    private var day: Int64?
    private var time: (hour: Int64, minute: Int64, second: Int64, millisecond: Int64)?
    private var offset: Int64?

    var parts: (local: Int64, offset: Int64?)? {
        guard let year, let month, let day, (1...12).contains(month),
            (1...Int64(CivilTime.daysIn(month: Int(month), year: year))).contains(day)
        else { return nil }
        let t = time ?? (0, 0, 0, 0)
        let local = CivilTime(
            year: year, month: Int(month), day: Int(day), hour: Int(t.hour), minute: Int(t.minute),
            second: Int(t.second), millisecond: Int(t.millisecond)
        ).milliseconds
        return (local, offset)
    }

    init?(_ text: String) {
        guard Self.tokenize(text, into: &tokens) else { return nil }
        while index < tokens.count {
            guard step() else { return nil }
        }
    }

    private static func tokenize(_ text: String, into tokens: inout [Token]) -> Bool {
        let bytes = Array(text.lowercased().utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") {
                i += 1
            } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                var value: Int64 = 0
                let start = i
                while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]), i - start < 18 {
                    value = value * 10 + Int64(bytes[i] - UInt8(ascii: "0"))
                    i += 1
                }
                tokens.append(.number(value, digits: i - start))
            } else if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) {
                let start = i
                while i < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[i]) { i += 1 }
                tokens.append(.word(String(decoding: bytes[start..<i], as: UTF8.self)))
            } else if [",", "-", "/", ".", ":", "+"].contains(Character(Unicode.Scalar(b))) {
                tokens.append(.symbol(b))
                i += 1
            } else {
                return false
            }
        }
        return true
    }

    private func token(_ offset: Int = 0) -> Token? {
        index + offset < tokens.count ? tokens[index + offset] : nil
    }

    private func number(_ offset: Int = 0) -> (value: Int64, digits: Int)? {
        if case .number(let value, let digits)? = token(offset) { return (value, digits) }
        return nil
    }

    /// Reads the next element; false when it does not fit.
    private mutating func step() -> Bool {
        switch token() {
        case .word(let word)?:
            index += 1
            return readWord(word)
        case .symbol(let symbol)?:
            index += 1
            if symbol == UInt8(ascii: ",") { return true }
            if symbol == UInt8(ascii: "+") || symbol == UInt8(ascii: "-") {
                return readOffset(negative: symbol == UInt8(ascii: "-"))
            }
            return false
        case .number(let value, let digits)?:
            if token(1) == .symbol(UInt8(ascii: ":")) { return readTime() }
            if let separator = numericDateSeparator() { return readNumericDate(separator) }
            index += 1
            if digits <= 2, day == nil, case .word(let word)? = token(), Self.monthNumber(word) != nil {
                day = value
                return true
            }
            if digits == 4, year == nil {
                year = value
                return true
            }
            if digits <= 2, day == nil, month != nil {
                day = value
                return true
            }
            return false
        case nil:
            return false
        }
    }

    private mutating func readWord(_ word: String) -> Bool {
        if Self.weekdayNames.contains(where: { $0 == word || $0.prefix(3) == word }) { return true }
        if let named = Self.monthNumber(word) {
            guard month == nil else { return false }
            month = named
            // "feb 8", "feb 08,": the day follows the month name.
            if let next = number(), next.digits <= 2, day == nil, token(1) != .symbol(UInt8(ascii: ":")) {
                day = next.value
                index += 1
                if case .word(let suffix)? = token(), ["st", "nd", "rd", "th"].contains(suffix) { index += 1 }
            }
            return true
        }
        switch word {
        case "st", "nd", "rd", "th": return day != nil
        case "gmt", "utc", "z":
            guard offset == nil else { return false }
            offset = 0
            return true
        case "am", "pm":
            guard let current = time, (1...12).contains(current.hour) else { return false }
            time?.hour = current.hour % 12 + (word == "pm" ? 12 : 0)
            return true
        default:
            return false
        }
    }

    private static func monthNumber(_ word: String) -> Int64? {
        guard word.count >= 3, let index = monthNames.firstIndex(where: { $0 == word || $0.prefix(3) == word }) else {
            return nil
        }
        return Int64(index + 1)
    }

    /// `h:mm[:ss[.fff]]`.
    private mutating func readTime() -> Bool {
        guard time == nil, let hour = number(), hour.digits <= 2, let minute = number(2), minute.digits == 2 else {
            return false
        }
        index += 3
        var second: Int64 = 0
        var millisecond: Int64 = 0
        if token() == .symbol(UInt8(ascii: ":")) {
            guard let s = number(1), s.digits == 2 else { return false }
            second = s.value
            index += 2
            if token() == .symbol(UInt8(ascii: ".")) {
                guard let fraction = number(1) else { return false }
                millisecond = DateStringParser.milliseconds(fraction: fraction.value, digits: fraction.digits)
                index += 2
            }
        }
        guard hour.value < 24, minute.value < 60, second < 60 else { return false }
        time = (hour.value, minute.value, second, millisecond)
        return true
    }

    /// The separator of `a/b/c`, `a-b-c` or `a.b.c` starting here, if that is what comes next.
    private func numericDateSeparator() -> UInt8? {
        guard case .symbol(let separator)? = token(1),
            [UInt8(ascii: "/"), UInt8(ascii: "-"), UInt8(ascii: ".")].contains(separator),
            number(2) != nil, token(3) == .symbol(separator), number(4) != nil
        else { return nil }
        return separator
    }

    /// `y/m/d` or `y-m-d` (four-digit first), `m/d/y`, `d-m-y`, `d.m.y`; two-digit years are 1970–2069.
    private mutating func readNumericDate(_ separator: UInt8) -> Bool {
        guard year == nil, month == nil, day == nil, let a = number(), let b = number(2), let c = number(4) else {
            return false
        }
        index += 5
        if a.digits == 4 {
            (year, month, day) = (a.value, b.value, c.value)
        } else if separator == UInt8(ascii: "/") {
            (month, day, year) = (a.value, b.value, Self.fullYear(c))
        } else {
            (day, month, year) = (a.value, b.value, Self.fullYear(c))
        }
        return a.digits <= 4 && b.digits <= 2 && (a.digits == 4 ? c.digits <= 2 : c.digits == 4 || c.digits == 2)
    }

    private static func fullYear(_ year: (value: Int64, digits: Int)) -> Int64 {
        guard year.digits == 2 else { return year.value }
        return year.value < 70 ? 2000 + year.value : 1900 + year.value
    }

    /// `±hh`, `±hhmm` or `±hh:mm` after a sign.
    private mutating func readOffset(negative: Bool) -> Bool {
        guard offset == nil || offset == 0, let first = number() else { return false }
        index += 1
        var hours = first.value
        var minutes: Int64 = 0
        switch first.digits {
        case 1, 2:
            if token() == .symbol(UInt8(ascii: ":")) {
                guard let m = number(1), m.digits == 2 else { return false }
                minutes = m.value
                index += 2
            }
        case 4:
            hours = first.value / 100
            minutes = first.value % 100
        default:
            return false
        }
        guard hours <= 14, minutes < 60 else { return false }
        let magnitude = (hours * 60 + minutes) * 60_000
        offset = negative ? -magnitude : magnitude
        return true
    }
}

/// A cursor over UTF-8 bytes for small hand-written parsers.
struct ByteScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func advance() { index += 1 }

    /// Consumes `byte` if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// Exactly `digits` decimal digits.
    mutating func number(digits: Int) -> Int64? {
        guard index + digits <= bytes.count else { return nil }
        var value: Int64 = 0
        for i in index..<(index + digits) {
            let b = bytes[i]
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) else { return nil }
            value = value * 10 + Int64(b - UInt8(ascii: "0"))
        }
        index += digits
        return value
    }

    /// One or more decimal digits (at most 18 kept), and how many there were.
    mutating func digits() -> (Int64, Int)? {
        var value: Int64 = 0
        var count = 0
        while let b = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
            if count < 18 { value = value * 10 + Int64(b - UInt8(ascii: "0")) }
            count += 1
            index += 1
        }
        return count > 0 ? (value, min(count, 18)) : nil
    }
}
