import DocketBSON
import DocketTestSupport
import Testing

@testable import Docket

/// Date expressions, with UTC offsets and Olson time zones.
@Suite struct ExpressionDateTests {
    /// 2018-03-27T16:58:51.538Z, a Tuesday.
    static let base: Int64 = 1_522_169_931_538
    static let doc: BSONDocument = [
        "d": .datetime(base), "n": .null, "s": "x", "i": 5,
        "ts": .timestamp(BSONTimestamp(timestamp: 1_522_169_931, increment: 1)),
    ]

    static let cases: [ExpressionCase] = [
        // Date parts in UTC.
        ExpressionCase(["$year": "$d"], doc, .value(2018)),
        ExpressionCase(["$month": "$d"], doc, .value(3)),
        ExpressionCase(["$dayOfMonth": "$d"], doc, .value(27)),
        ExpressionCase(["$hour": "$d"], doc, .value(16)),
        ExpressionCase(["$minute": "$d"], doc, .value(58)),
        ExpressionCase(["$second": "$d"], doc, .value(51)),
        ExpressionCase(["$millisecond": "$d"], doc, .value(538)),
        ExpressionCase(["$dayOfWeek": "$d"], doc, .value(3)),
        ExpressionCase(["$dayOfYear": "$d"], doc, .value(86)),
        ExpressionCase(["$week": "$d"], doc, .value(12)),
        ExpressionCase(["$isoWeek": "$d"], doc, .value(13)),
        ExpressionCase(["$isoWeekYear": "$d"], doc, .value(2018)),
        ExpressionCase(["$isoDayOfWeek": "$d"], doc, .value(2)),
        ExpressionCase(["$isoWeekYear": .datetime(1_514_764_800_000 - 86_400_000)], [:], .value(2017)),
        ExpressionCase(["$week": .datetime(1_514_764_800_000)], [:], .value(0)),
        ExpressionCase(["$year": ["$d"]], doc, .value(2018)),
        ExpressionCase(["$hour": "$ts"], doc, .value(16)),
        ExpressionCase(["$year": "$n"], doc, .value(.null)),
        ExpressionCase(["$year": "$missing"], doc, .value(.null)),
        ExpressionCase(["$year": "$s"], doc, .error(16006)),
        ExpressionCase(["$year": ["$d", "$d"]], doc, .error(40536)),
        // Time zones: offsets and Olson names (New York is on daylight time, UTC-4).
        ExpressionCase(["$hour": ["date": "$d", "timezone": "+05:30"]], doc, .value(22)),
        ExpressionCase(["$minute": ["date": "$d", "timezone": "+0530"]], doc, .value(28)),
        ExpressionCase(["$hour": ["date": "$d", "timezone": "-03"]], doc, .value(13)),
        ExpressionCase(["$hour": ["date": "$d", "timezone": "America/New_York"]], doc, .value(12)),
        ExpressionCase(
            ["$dayOfMonth": ["date": .datetime(1_522_123_200_000 - 1), "timezone": "America/New_York"]], [:], .value(26)
        ),
        ExpressionCase(["$hour": ["date": "$d", "timezone": "$n"]], doc, .value(.null)),
        ExpressionCase(["$hour": ["date": "$d", "timezone": "Mars/Olympus"]], doc, .error(40485)),
        ExpressionCase(["$hour": ["date": "$d", "timezone": 5]], doc, .error(40517)),
        ExpressionCase(["$hour": ["timezone": "UTC"]], doc, .error(40539)),
        ExpressionCase(["$year": [:]], doc, .error(40539)),
        ExpressionCase(["$year": ["$add": [1, 2]]], doc, .error(16006)),
        ExpressionCase(["$hour": ["date": "$d", "x": 1]], doc, .error(40535)),
        // $dateToString
        ExpressionCase(["$dateToString": ["date": "$d"]], doc, .value("2018-03-27T16:58:51.538Z")),
        ExpressionCase(["$dateToString": ["date": "$d", "format": "%Y-%m-%d"]], doc, .value("2018-03-27")),
        ExpressionCase(
            [
                "$dateToString": [
                    "date": "$d", "format": "%H:%M %z (%Z) %j %w %u %U %V %G %% %b %B", "timezone": "+05:30",
                ]
            ], doc,
            .value("22:28 +0530 (330) 086 3 2 12 13 2018 % Mar March")),
        ExpressionCase(
            ["$dateToString": ["date": "$d", "timezone": "America/New_York"]], doc, .value("2018-03-27T12:58:51.538")),
        ExpressionCase(["$dateToString": ["date": "$n", "onNull": "none"]], doc, .value("none")),
        ExpressionCase(["$dateToString": ["date": "$missing"]], doc, .value(.null)),
        ExpressionCase(["$dateToString": ["date": "$d", "format": "$n"]], doc, .value(.null)),
        ExpressionCase(["$dateToString": ["date": "$d", "format": "%Q"]], doc, .error(18536)),
        ExpressionCase(["$dateToString": ["date": "$d", "format": "%"]], doc, .error(18535)),
        ExpressionCase(["$dateToString": ["date": "$d", "format": 1]], doc, .error(18533)),
        ExpressionCase(["$dateToString": ["format": "%Y"]], doc, .error(18628)),
        ExpressionCase(["$dateToString": ["date": "$d", "x": 1]], doc, .error(18534)),
        ExpressionCase(["$dateToString": "$d"], doc, .error(18629)),
        // $dateFromString
        ExpressionCase(["$dateFromString": ["dateString": "2018-03-27T16:58:51.538Z"]], [:], .value(.datetime(base))),
        ExpressionCase(
            ["$dateFromString": ["dateString": "2018-03-27T12:58:51.538", "timezone": "America/New_York"]], [:],
            .value(.datetime(base))),
        ExpressionCase(
            ["$dateFromString": ["dateString": "27/03/2018 16:58", "format": "%d/%m/%Y %H:%M"]], [:],
            .value(.datetime(1_522_169_880_000))),
        ExpressionCase(
            ["$dateFromString": ["dateString": "2018-03-27 +0100", "format": "%Y-%m-%d %z"]], [:],
            .value(.datetime(1_522_105_200_000))),
        ExpressionCase(
            ["$dateFromString": ["dateString": "27 mar 2018", "format": "%d %b %Y"]], [:],
            .value(.datetime(1_522_108_800_000))),
        ExpressionCase(
            ["$dateFromString": ["dateString": "March 27, 2018", "format": "%B %d, %Y"]], [:],
            .value(.datetime(1_522_108_800_000))),
        ExpressionCase(["$dateFromString": ["dateString": "27 Mzr 2018", "format": "%d %b %Y"]], [:], .error(241)),
        ExpressionCase(
            ["$dateFromString": ["dateString": "2018-086", "format": "%Y-%j"]], [:],
            .value(.datetime(1_522_108_800_000))),
        ExpressionCase(["$dateFromString": ["dateString": "garbage"]], [:], .error(241)),
        ExpressionCase(["$dateFromString": ["dateString": "garbage", "onError": "bad"]], [:], .value("bad")),
        ExpressionCase(["$dateFromString": ["dateString": "$n", "onNull": "none"]], doc, .value("none")),
        ExpressionCase(["$dateFromString": ["dateString": "$i", "onError": "bad"]], doc, .value("bad")),
        ExpressionCase(
            ["$dateFromString": ["dateString": "2018-03-27T16:58:51Z", "timezone": "+01:00"]], [:], .error(241)),
        ExpressionCase(["$dateFromString": ["format": "%Y"]], [:], .error(40542)),
        // $dateToParts
        ExpressionCase(
            ["$dateToParts": ["date": "$d"]], doc,
            .value(["year": 2018, "month": 3, "day": 27, "hour": 16, "minute": 58, "second": 51, "millisecond": 538])),
        ExpressionCase(
            ["$dateToParts": ["date": "$d", "iso8601": true, "timezone": "+01:00"]], doc,
            .value([
                "isoWeekYear": 2018, "isoWeek": 13, "isoDayOfWeek": 2, "hour": 17, "minute": 58, "second": 51,
                "millisecond": 538,
            ])),
        ExpressionCase(["$dateToParts": ["date": "$d", "iso8601": 1]], doc, .error(40521)),
        ExpressionCase(["$dateToParts": ["date": "$n"]], doc, .value(.null)),
        // $dateFromParts
        ExpressionCase(
            ["$dateFromParts": ["year": 2017, "month": 2, "day": 8, "hour": 12]], [:],
            .value(.datetime(1_486_555_200_000))),
        ExpressionCase(
            ["$dateFromParts": ["isoWeekYear": 2017, "isoWeek": 6, "isoDayOfWeek": 3, "hour": 12]], [:],
            .value(.datetime(1_486_555_200_000))),
        ExpressionCase(
            ["$dateFromParts": ["year": 2017, "month": 14, "day": 1]], [:], .value(.datetime(1_517_443_200_000))),
        ExpressionCase(
            ["$dateFromParts": ["year": 2018, "month": 3, "day": 27, "hour": 12, "timezone": "America/New_York"]], [:],
            .value(.datetime(1_522_166_400_000))),
        ExpressionCase(["$dateFromParts": ["year": "$n"]], doc, .value(.null)),
        ExpressionCase(["$dateFromParts": ["year": 1.5]], [:], .error(40515)),
        ExpressionCase(["$dateFromParts": ["year": 10000]], [:], .error(40523)),
        ExpressionCase(["$dateFromParts": ["year": 2000, "month": 40000]], [:], .error(31034)),
        ExpressionCase(["$dateFromParts": ["month": 1]], [:], .error(40516)),
        ExpressionCase(["$dateFromParts": ["year": 2000, "isoWeek": 1]], [:], .error(40489)),
        ExpressionCase(["$dateFromParts": ["isoWeekYear": 2000, "month": 1]], [:], .error(40525)),
        ExpressionCase(["$dateFromParts": ["year": 2000, "x": 1]], [:], .error(40518)),
        // $dateTrunc
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": "day"]], doc, .value(.datetime(1_522_108_800_000))),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "hour", "binSize": 6]], doc, .value(.datetime(1_522_152_000_000))),
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": "month"]], doc, .value(.datetime(1_519_862_400_000))),
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": "quarter"]], doc, .value(.datetime(1_514_764_800_000))),
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": "week"]], doc, .value(.datetime(1_521_936_000_000))),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "week", "startOfWeek": "Monday"]], doc,
            .value(.datetime(1_522_022_400_000))),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "year", "binSize": 5]], doc, .value(.datetime(1_420_070_400_000))),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "day", "timezone": "America/New_York"]], doc,
            .value(.datetime(1_522_123_200_000))),
        ExpressionCase(["$dateTrunc": ["date": "$n", "unit": "day"]], doc, .value(.null)),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "month", "binSize": .int64(.max)]], doc,
            .value(.datetime(946_684_800_000))),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "hour", "binSize": .int64(.max)]], doc, .error(5_439_002)),
        ExpressionCase(["$dateFromParts": ["year": 2000, "second": .int64(.max)]], [:], .error(15)),
        ExpressionCase(["$dateTrunc": ["date": "$s", "unit": "day"]], doc, .error(5_439_012)),
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": "fortnight"]], doc, .error(5_439_014)),
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": 1]], doc, .error(5_439_013)),
        ExpressionCase(["$dateTrunc": ["date": "$d", "unit": "day", "binSize": 0]], doc, .error(5_439_018)),
        ExpressionCase(
            ["$dateTrunc": ["date": "$d", "unit": "week", "startOfWeek": "someday"]], doc, .error(5_439_016)),
        ExpressionCase(["$dateTrunc": ["unit": "day"]], doc, .error(5_439_009)),
        // $dateAdd / $dateSubtract
        ExpressionCase(
            ["$dateAdd": ["startDate": .datetime(1_517_356_800_000), "unit": "month", "amount": 1]], [:],
            .value(.datetime(1_519_776_000_000))),
        ExpressionCase(
            ["$dateAdd": ["startDate": .datetime(1_582_934_400_000), "unit": "year", "amount": 1]], [:],
            .value(.datetime(1_614_470_400_000))),
        ExpressionCase(
            ["$dateAdd": ["startDate": "$d", "unit": "day", "amount": -1]], doc, .value(.datetime(base - 86_400_000))),
        ExpressionCase(
            ["$dateSubtract": ["startDate": "$d", "unit": "hour", "amount": 2]], doc,
            .value(.datetime(1_522_162_731_538))),
        ExpressionCase(
            ["$dateAdd": ["startDate": "$d", "unit": "millisecond", "amount": .int64(462)]], doc,
            .value(.datetime(base + 462))),
        ExpressionCase(["$dateAdd": ["startDate": "$n", "unit": "day", "amount": 1]], doc, .value(.null)),
        ExpressionCase(["$dateAdd": ["startDate": "$d", "unit": "day", "amount": 1.5]], doc, .error(5_166_405)),
        ExpressionCase(["$dateAdd": ["startDate": "$s", "unit": "day", "amount": 1]], doc, .error(5_166_403)),
        ExpressionCase(["$dateAdd": ["startDate": "$d", "unit": "day"]], doc, .error(5_166_402)),
        ExpressionCase(
            ["$dateAdd": ["startDate": "$d", "unit": "year", "amount": .int64(.max)]], doc, .error(5_166_406)),
        // $dateDiff
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_514_761_200_000), "endDate": .datetime(1_514_768_400_000), "unit": "year",
                ]
            ], [:], .value(.int64(1))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_514_761_200_000), "endDate": .datetime(1_514_768_400_000), "unit": "month",
                ]
            ], [:], .value(.int64(1))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_514_761_200_000), "endDate": .datetime(1_514_768_400_000), "unit": "day",
                ]
            ], [:], .value(.int64(1))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_514_761_200_000), "endDate": .datetime(1_514_768_400_000), "unit": "hour",
                ]
            ], [:], .value(.int64(2))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_514_768_400_000), "endDate": .datetime(1_514_761_200_000),
                    "unit": "minute",
                ]
            ], [:], .value(.int64(-120))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_521_892_800_000), "endDate": .datetime(1_521_979_200_000), "unit": "week",
                ]
            ], [:], .value(.int64(1))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_521_892_800_000), "endDate": .datetime(1_521_979_200_000), "unit": "week",
                    "startOfWeek": "mon",
                ]
            ], [:], .value(.int64(0))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_514_761_200_000), "endDate": .datetime(1_514_768_400_000), "unit": "day",
                    "timezone": "-02:00",
                ]
            ], [:], .value(.int64(0))),
        // Across the start of daylight time in New York (2018-03-11 07:00Z) a local day lasts 23 hours: days and
        // hours count local boundaries, milliseconds count elapsed time.
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_520_744_400_000), "endDate": .datetime(1_520_827_200_000), "unit": "day",
                    "timezone": "America/New_York",
                ]
            ], [:], .value(.int64(1))),
        ExpressionCase(
            [
                "$dateDiff": [
                    "startDate": .datetime(1_520_744_400_000), "endDate": .datetime(1_520_827_200_000),
                    "unit": "millisecond", "timezone": "America/New_York",
                ]
            ], [:], .value(.int64(82_800_000))),
        ExpressionCase(
            [
                "$dateAdd": [
                    "startDate": .datetime(1_520_744_400_000), "unit": "day", "amount": 1,
                    "timezone": "America/New_York",
                ]
            ], [:], .value(.datetime(1_520_827_200_000))),
        ExpressionCase(["$dateDiff": ["startDate": "$n", "endDate": "$d", "unit": "day"]], doc, .value(.null)),
        ExpressionCase(["$dateDiff": ["startDate": "$s", "endDate": "$d", "unit": "day"]], doc, .error(5_166_307)),
        ExpressionCase(["$dateDiff": ["startDate": "$d", "endDate": "$i", "unit": "day"]], doc, .error(5_166_308)),
        ExpressionCase(["$dateDiff": ["startDate": "$d", "endDate": "$d"]], doc, .error(5_166_305)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }

    @Test func civilTimeRoundTripsAcrossTheCalendar() {
        var random = SeededRandom(seed: SeededRandom.baseSeed)
        for _ in 0..<2000 {
            let ms = Int64.random(in: -62_135_596_800_000...253_402_300_799_999, using: &random)
            let t = CivilTime(milliseconds: ms)
            #expect(t.milliseconds == ms, "\(random)")
            #expect((1...12).contains(t.month) && (1...CivilTime.daysIn(month: t.month, year: t.year)).contains(t.day))
        }
    }
}
