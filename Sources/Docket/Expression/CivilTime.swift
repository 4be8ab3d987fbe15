import DocketBSON

// Calendar arithmetic for the date expressions and conversions: milliseconds since the epoch ↔ proleptic Gregorian
// civil time (Howard Hinnant's days-from-civil algorithms), ISO 8601 formatting, and the ISO week calendar.

/// A moment broken into calendar fields (in UTC or after a time zone's offset was applied).
struct CivilTime: Sendable, Equatable {
    var year: Int64
    var month: Int  // 1...12
    var day: Int  // 1...31
    var hour: Int
    var minute: Int
    var second: Int
    var millisecond: Int

    /// The fields of `milliseconds` since the epoch.
    init(milliseconds: Int64) {
        let (days, msOfDay) = milliseconds.floorDivided(by: 86_400_000)
        let (y, m, d) = CivilTime.civil(fromDays: days)
        year = y
        month = m
        day = d
        hour = Int(msOfDay / 3_600_000)
        minute = Int(msOfDay / 60_000 % 60)
        second = Int(msOfDay / 1000 % 60)
        millisecond = Int(msOfDay % 1000)
    }

    /// Fields given directly (out-of-range values carry over when converted back to milliseconds).
    init(year: Int64, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.millisecond = millisecond
    }

    /// Days since 1970-01-01 of this date.
    var daysSinceEpoch: Int64 { CivilTime.days(year: year, month: Int64(month), day: Int64(day)) }

    /// Milliseconds since the epoch.
    var milliseconds: Int64 {
        daysSinceEpoch &* 86_400_000 &+ Int64(hour) &* 3_600_000 &+ Int64(minute) &* 60_000 &+ Int64(second) &* 1000
            &+ Int64(millisecond)
    }

    /// 1 (Sunday) ... 7 (Saturday), as `$dayOfWeek` counts.
    var dayOfWeek: Int { Int((daysSinceEpoch + 4).floorDivided(by: 7).remainder) + 1 }

    /// 1 (Monday) ... 7 (Sunday), as `$isoDayOfWeek` counts.
    var isoDayOfWeek: Int { Int((daysSinceEpoch + 3).floorDivided(by: 7).remainder) + 1 }

    /// 1 ... 366.
    var dayOfYear: Int { Int(daysSinceEpoch - CivilTime.days(year: year, month: 1, day: 1)) + 1 }

    /// `$week`: weeks start on Sunday; days before the year's first Sunday are in week 0.
    var week: Int {
        let jan1 = CivilTime(year: year, month: 1, day: 1)
        let firstSunday = (8 - jan1.dayOfWeek) % 7  // day-of-year offset of the first Sunday, 0-based
        let offset = dayOfYear - 1 - firstSunday
        return offset < 0 ? 0 : offset / 7 + 1
    }

    /// The ISO 8601 week-numbering year and week (weeks start on Monday; week 1 holds the year's first Thursday).
    var isoWeekAndYear: (year: Int64, week: Int) {
        let thursday = daysSinceEpoch - Int64(isoDayOfWeek) + 4
        let thursdayYear = CivilTime(milliseconds: thursday &* 86_400_000).year
        let week = Int((thursday - CivilTime.days(year: thursdayYear, month: 1, day: 1)) / 7) + 1
        return (thursdayYear, week)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (months and days may be out of range: they carry).
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let (carry, month0) = (month - 1).floorDivided(by: 12)
        return daysFromCivil(year: year + carry, month: month0 + 1, day: 1) + (day - 1)
    }

    /// The date of a day count since 1970-01-01.
    static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let (year, month, day) = civilFromDays(days)
        return (year, Int(month), Int(day))
    }

    /// The number of days of a month.
    static func daysIn(month: Int, year: Int64) -> Int { Int(daysInMonth(year: year, month: Int64(month))) }

    /// `2018-03-27T16:58:51.538Z`, MongoDB's default date format.
    static func isoString(milliseconds: Int64) -> String {
        let t = CivilTime(milliseconds: milliseconds)
        return "\(pad(t.year, 4))-\(pad(Int64(t.month), 2))-\(pad(Int64(t.day), 2))T\(pad(Int64(t.hour), 2)):"
            + "\(pad(Int64(t.minute), 2)):\(pad(Int64(t.second), 2)).\(pad(Int64(t.millisecond), 3))Z"
    }

    /// A number zero-padded to `width` digits (a minus sign first for negatives).
    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return value < 0 ? "-" + padded : padded
    }
}

extension Int64 {
    /// Floor division and its non-negative remainder.
    @inline(__always)
    func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var q = self / divisor
        var r = self % divisor
        if r != 0 && (r < 0) != (divisor < 0) {
            q -= 1
            r += divisor
        }
        return (q, r)
    }
}
