import Docket

/// JavaScript dates in the shell. The shell's local time zone is UTC, so `getHours()` equals `getUTCHours()`.
///
/// - Note: Differs from mongosh on a machine whose time zone is not UTC: local-time methods and `toString()` use UTC.
enum DateFormatting {
    static let millisecondsPerDay = 86_400_000.0
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The parts of a valid time: year, month (0...11), day, hours, minutes, seconds, milliseconds, weekday (0 Sunday).
    struct Parts {
        var year: Int64
        var month: Int64
        var day: Int64
        var hours: Int64
        var minutes: Int64
        var seconds: Int64
        var milliseconds: Int64
        var weekday: Int64
    }

    static func parts(_ time: Double) -> Parts {
        let ms = Int64(time)
        var days = ms / 86_400_000
        var rest = ms % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        let (year, month, day) = JavaScriptText.civilDate(days: days)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday
        return Parts(
            year: year, month: month - 1, day: day, hours: rest / 3_600_000, minutes: rest / 60_000 % 60,
            seconds: rest / 1000 % 60, milliseconds: rest % 1000, weekday: weekday)
    }

    /// ECMAScript `MakeDate(MakeDay(…), MakeTime(…))`; months and days may overflow (`month: 13`).
    static func makeTime(
        year: Double, month: Double, day: Double = 1, hours: Double = 0, minutes: Double = 0, seconds: Double = 0,
        milliseconds: Double = 0
    ) -> Double {
        let values = [year, month, day, hours, minutes, seconds, milliseconds]
        guard values.allSatisfy(\.isFinite), abs(year) < 400_000, abs(month) < 5_000_000 else { return .nan }
        let whole = values.map { $0.rounded(.towardZero) }
        let totalMonths = whole[0] * 12 + whole[1]
        let y = (totalMonths / 12).rounded(.down)
        let m = totalMonths - y * 12
        let days = Double(JavaScriptText.days(year: Int64(y), month: Int64(m) + 1, day: 1)) + whole[2] - 1
        let time = whole[3] * 3_600_000 + whole[4] * 60_000 + whole[5] * 1000 + whole[6]
        return JSDate.clip(days * millisecondsPerDay + time)
    }

    private static func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    private static func year(_ y: Int64) -> String {
        y < 0 ? "-" + String(String(-y).leftPadded(6)) : String(String(y).leftPadded(4))
    }

    /// `Date.prototype.toString()`: `Mon Jan 01 2024 00:00:00 GMT+0000 (Coordinated Universal Time)`.
    static func toString(_ time: Double) -> String {
        guard !time.isNaN else { return "Invalid Date" }
        return dateString(time) + " " + timeString(time)
    }

    static func dateString(_ time: Double) -> String {
        guard !time.isNaN else { return "Invalid Date" }
        let p = parts(time)
        return "\(weekdays[Int(p.weekday)]) \(months[Int(p.month)]) \(two(p.day)) \(year(p.year))"
    }

    static func timeString(_ time: Double) -> String {
        guard !time.isNaN else { return "Invalid Date" }
        let p = parts(time)
        return "\(two(p.hours)):\(two(p.minutes)):\(two(p.seconds)) GMT+0000 (Coordinated Universal Time)"
    }

    /// `toUTCString()`: `Mon, 01 Jan 2024 00:00:00 GMT`.
    static func utcString(_ time: Double) -> String {
        guard !time.isNaN else { return "Invalid Date" }
        let p = parts(time)
        return "\(weekdays[Int(p.weekday)]), \(two(p.day)) \(months[Int(p.month)]) \(year(p.year)) "
            + "\(two(p.hours)):\(two(p.minutes)):\(two(p.seconds)) GMT"
    }

    /// `toLocaleString()` in en-US: `1/15/2024, 3:04:05 PM`.
    static func localeString(_ time: Double, date: Bool = true, clock: Bool = true) -> String {
        guard !time.isNaN else { return "Invalid Date" }
        let p = parts(time)
        let hour12 = p.hours % 12 == 0 ? 12 : p.hours % 12
        let datePart = "\(p.month + 1)/\(p.day)/\(p.year)"
        let timePart = "\(hour12):\(two(p.minutes)):\(two(p.seconds)) \(p.hours < 12 ? "AM" : "PM")"
        switch (date, clock) {
        case (true, true): return datePart + ", " + timePart
        case (true, false): return datePart
        default: return timePart
        }
    }

    /// `Date.parse`: ISO 8601 (`2024-01-15`, `2024-01-15T10:00`, `…:05.123Z`, `…+02:00`, also with a space
    /// instead of `T`) and the forms `toString()` and `toUTCString()` write. NaN otherwise.
    static func parse(_ text: String) -> Double {
        let s = Array(text.trimmingJavaScriptWhitespace().utf8)
        var i = 0
        func number(_ minimum: Int, _ maximum: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while i < s.count, count < maximum, s[i] >= 48, s[i] <= 57 {
                value = value * 10 + Int64(s[i] - 48)
                i += 1
                count += 1
            }
            return count >= minimum ? value : nil
        }
        func accept(_ c: Character) -> Bool {
            guard i < s.count, s[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        var sign: Int64 = 1
        var yearDigits = 4
        if accept("+") {
            yearDigits = 6
        } else if accept("-") {
            sign = -1
            yearDigits = 6
        }
        guard let year = number(yearDigits, yearDigits) else { return parseWords(text) }
        var month: Int64 = 1
        var day: Int64 = 1
        if accept("-") {
            guard let m = number(2, 2) else { return .nan }
            month = m
            if accept("-") {
                guard let d = number(2, 2) else { return .nan }
                day = d
            }
        }
        var hours: Int64 = 0
        var minutes: Int64 = 0
        var seconds: Int64 = 0
        var millis: Int64 = 0
        var offset: Int64 = 0
        var hasTime = false
        if accept("T") || accept("t") || accept(" ") {
            hasTime = true
            guard let h = number(2, 2), accept(":"), let mi = number(2, 2) else { return .nan }
            hours = h
            minutes = mi
            if accept(":") {
                guard let sec = number(2, 2) else { return .nan }
                seconds = sec
                if accept(".") {
                    let start = i
                    guard let fraction = number(1, 9) else { return .nan }
                    let digits = i - start
                    millis = digits >= 3 ? fraction / pow10(digits - 3) : fraction * pow10(3 - digits)
                }
            }
            if accept("Z") || accept("z") {
            } else if i < s.count, s[i] == 43 || s[i] == 45 {
                let offsetSign: Int64 = s[i] == 45 ? -1 : 1
                i += 1
                guard let oh = number(2, 2) else { return .nan }
                _ = accept(":")
                guard let om = number(2, 2) else { return .nan }
                offset = offsetSign * (oh * 60 + om)
            }
        }
        _ = hasTime
        guard i == s.count, (1...12).contains(month), (1...31).contains(day), hours <= 24, minutes <= 59,
            seconds <= 59
        else { return .nan }
        let time = makeTime(
            year: Double(sign * year), month: Double(month - 1), day: Double(day), hours: Double(hours),
            minutes: Double(minutes), seconds: Double(seconds), milliseconds: Double(millis))
        return time - Double(offset) * 60_000
    }

    private static func pow10(_ n: Int) -> Int64 {
        var v: Int64 = 1
        for _ in 0..<n { v *= 10 }
        return v
    }

    /// `Mon Jan 15 2024 10:00:00 GMT+0000 (…)` and `Mon, 15 Jan 2024 10:00:00 GMT`.
    private static func parseWords(_ text: String) -> Double {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        guard words.count >= 4 else { return .nan }
        var monthIndex: Int?
        var numbers: [Int64] = []
        var timeParts: [Int64] = [0, 0, 0]
        for word in words {
            if let m = months.firstIndex(of: String(word.prefix(3)).capitalized) {
                monthIndex = m
            } else if word.contains(":") {
                let parts = word.split(separator: ":").compactMap { Int64($0) }
                for (k, v) in parts.prefix(3).enumerated() { timeParts[k] = v }
            } else if let n = Int64(word) {
                numbers.append(n)
            }
        }
        guard let monthIndex, numbers.count >= 2 else { return .nan }
        let day = numbers[0] > 31 ? numbers[1] : numbers[0]
        let year = numbers[0] > 31 ? numbers[0] : numbers[1]
        return makeTime(
            year: Double(year), month: Double(monthIndex), day: Double(day), hours: Double(timeParts[0]),
            minutes: Double(timeParts[1]), seconds: Double(timeParts[2]))
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

/// `Date.prototype` methods.
enum DateMethods {
    static let names: Set<String> = {
        var names: Set<String> = [
            "getTime", "valueOf", "getTimezoneOffset", "toISOString", "toJSON", "toString", "toUTCString",
            "toGMTString", "toDateString", "toTimeString", "toLocaleString", "toLocaleDateString",
            "toLocaleTimeString", "setTime",
        ]
        for part in ["FullYear", "Month", "Date", "Day", "Hours", "Minutes", "Seconds", "Milliseconds"] {
            names.insert("get" + part)
            names.insert("getUTC" + part)
            if part != "Day" {
                names.insert("set" + part)
                names.insert("setUTC" + part)
            }
        }
        return names
    }()

    static func call(_ interpreter: Interpreter, _ date: JSDate, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        let time = date.time
        var numbers: [Double] = []
        for argument in arguments { numbers.append(try interpreter.toNumber(argument)) }
        let unit = name.replacingOccurrences(of: "UTC", with: "")
        switch unit {
        case "getTime", "valueOf": return .number(time)
        case "getTimezoneOffset": return .number(time.isNaN ? .nan : 0)
        case "toISOString":
            guard let text = JavaScriptText.isoDate(milliseconds: time) else {
                throw ShellError.range("Invalid time value")
            }
            return .string(text)
        case "toJSON":
            return JavaScriptText.isoDate(milliseconds: time).map { .string($0) } ?? .null
        case "toString": return .string(DateFormatting.toString(time))
        case "toUTCString", "toGMTString": return .string(DateFormatting.utcString(time))
        case "toDateString": return .string(DateFormatting.dateString(time))
        case "toTimeString": return .string(DateFormatting.timeString(time))
        case "toLocaleString": return .string(DateFormatting.localeString(time))
        case "toLocaleDateString": return .string(DateFormatting.localeString(time, clock: false))
        case "toLocaleTimeString": return .string(DateFormatting.localeString(time, date: false))
        case "setTime":
            date.time = JSDate.clip(numbers.first ?? .nan)
            return .number(date.time)
        default: break
        }
        if unit.hasPrefix("get") {
            guard !time.isNaN else { return .number(.nan) }
            let p = DateFormatting.parts(time)
            let value: Int64
            switch unit {
            case "getFullYear": value = p.year
            case "getMonth": value = p.month
            case "getDate": value = p.day
            case "getDay": value = p.weekday
            case "getHours": value = p.hours
            case "getMinutes": value = p.minutes
            case "getSeconds": value = p.seconds
            default: value = p.milliseconds
            }
            return .number(Double(value))
        }
        if unit.hasPrefix("set") {
            guard !time.isNaN || unit == "setFullYear" else { return .number(.nan) }
            let p = DateFormatting.parts(time.isNaN ? 0 : time)
            var parts = [p.year, p.month, p.day, p.hours, p.minutes, p.seconds, p.milliseconds].map(Double.init)
            let first: Int
            switch unit {
            case "setFullYear": first = 0
            case "setMonth": first = 1
            case "setDate": first = 2
            case "setHours": first = 3
            case "setMinutes": first = 4
            case "setSeconds": first = 5
            default: first = 6
            }
            let limit = [3, 2, 1, 4, 3, 2, 1][first]
            for (k, value) in numbers.prefix(limit).enumerated() where first + k < parts.count {
                parts[first + k] = value
            }
            if numbers.isEmpty { parts[first] = .nan }
            date.time = DateFormatting.makeTime(
                year: parts[0], month: parts[1], day: parts[2], hours: parts[3], minutes: parts[4], seconds: parts[5],
                milliseconds: parts[6])
            return .number(date.time)
        }
        throw ShellError.type("\(name) is not a function")
    }
}
