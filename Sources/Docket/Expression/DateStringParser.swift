import DocketBSON

/// Parses the date strings `$toDate`/`$convert` accept without a format: ISO 8601 dates and date-times
/// (`2024-05-01`, `2024-05-01T12:30`, `2024-05-01T12:30:45.123Z`, `2024-05-01 12:30:45+02:00`), in UTC unless
/// the string carries an offset (`Z`, `+hh`, `+hhmm`, `+hh:mm`).
///
/// - Note: Differs from MongoDB: only ISO 8601 forms are recognised, not the free-form dates (`"May 1, 2024"`) its
///   timelib parser also accepts.
enum DateStringParser {
    /// Milliseconds since the epoch, or `nil` when `text` is not such a date. `defaultOffset` (milliseconds) applies
    /// when the string has no offset of its own.
    static func parse(_ text: String, defaultOffset: Int64 = 0) -> Int64? {
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
                    let (fraction, count) = parsed
                    // Milliseconds: the first three digits, padded.
                    var ms = fraction
                    var n = count
                    while n > 3 {
                        ms /= 10
                        n -= 1
                    }
                    while n < 3 {
                        ms *= 10
                        n += 1
                    }
                    millisecond = ms
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
        return local - (offset ?? defaultOffset)
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
