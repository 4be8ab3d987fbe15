import DocketBSON
import Testing

@testable import Docket

/// `$dateFromString` (and `$toDate`) without a format read the free-form dates MongoDB's parser reads, not only
/// ISO 8601; with a format, `%U`/`%w` name a Sunday-based week and its day.
@Suite struct ExpressionDateFromStringTests {
    static func parse(_ text: String, _ extra: BSONDocument = [:]) -> BSONValue {
        var spec: BSONDocument = ["dateString": .string(text)]
        for (key, value) in extra { spec[key] = value }
        return ["$dateFromString": .document(spec)]
    }

    static let feb8: Int64 = 1_486_512_000_000

    static let cases: [ExpressionCase] = [
        // The manual's example: weekday, month name, time, offset, and the year last.
        ExpressionCase(parse("WED jan 31 12:05:28 +03:30 1996"), [:], .value(.datetime(823_077_328_000))),
        ExpressionCase(parse("Feb 8, 2017"), [:], .value(.datetime(feb8))),
        ExpressionCase(parse("february 8th, 2017"), [:], .value(.datetime(feb8))),
        ExpressionCase(parse("8 Feb 2017"), [:], .value(.datetime(feb8))),
        ExpressionCase(parse("8 February 2017 1:30 pm"), [:], .value(.datetime(1_486_560_600_000))),
        ExpressionCase(parse("2017/02/08 12:10:40.787"), [:], .value(.datetime(1_486_555_840_787))),
        ExpressionCase(parse("02/08/2017"), [:], .value(.datetime(feb8))),
        ExpressionCase(parse("02/08/17"), [:], .value(.datetime(feb8))),
        ExpressionCase(parse("15.06.2018"), [:], .value(.datetime(1_529_020_800_000))),
        ExpressionCase(parse("15-06-2018"), [:], .value(.datetime(1_529_020_800_000))),
        ExpressionCase(
            parse("Wednesday, February 8, 2017 12:10:40 GMT-0500"), [:], .value(.datetime(1_486_573_840_000))),
        ExpressionCase(parse("2017-02-08 12:10:40 UTC"), [:], .value(.datetime(1_486_555_840_000))),
        // Without an offset of its own the string is read in the timezone argument; with one, the two clash.
        ExpressionCase(
            parse("Feb 8 2017 12:10:40", ["timezone": "America/New_York"]), [:],
            .value(.datetime(1_486_573_840_000))),
        ExpressionCase(parse("Feb 8 2017 +01:00", ["timezone": "America/New_York"]), [:], .error(241)),
        // Not dates: impossible days, missing parts, relative dates, stray text.
        ExpressionCase(parse("Feb 30, 2017"), [:], .error(241)),
        ExpressionCase(parse("Feb 2017"), [:], .error(241)),
        ExpressionCase(parse("12:30"), [:], .error(241)),
        ExpressionCase(parse("next monday"), [:], .error(241)),
        ExpressionCase(parse("2017/13/01"), [:], .error(241)),
        ExpressionCase(parse("Feb 8, 2017 25:00"), [:], .error(241)),
        ExpressionCase(parse("Feb 8, 2017 1:30 xm"), [:], .error(241)),
        ExpressionCase(parse("Feb 8, 2017 #"), [:], .error(241)),
        ExpressionCase(parse("Feb 8, 2017 Feb"), [:], .error(241)),
        ExpressionCase(parse("Feb 8, 2017", ["onError": "bad"]), [:], .value(.datetime(feb8))),
        ExpressionCase(parse("Feb 31, 2017", ["onError": "bad"]), [:], .value("bad")),
        // $toDate uses the same parser.
        ExpressionCase(["$toDate": "Feb 8, 2017"], [:], .value(.datetime(feb8))),
        ExpressionCase(["$toDate": "Feb 8"], [:], .error(241)),
        // %U (Sunday-based week, week 0 before the first Sunday) and %w (1 = Sunday … 7).
        ExpressionCase(parse("2018 13 2", ["format": "%Y %U %w"]), [:], .value(.datetime(1_522_627_200_000))),
        ExpressionCase(parse("2018 00 2", ["format": "%Y %U %w"]), [:], .value(.datetime(1_514_764_800_000))),
        ExpressionCase(parse("2018 1x", ["format": "%Y %U"]), [:], .error(241)),
    ]

    @Test(arguments: cases)
    func parses(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}
