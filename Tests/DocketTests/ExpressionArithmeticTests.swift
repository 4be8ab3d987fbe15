import DocketBSON
import Testing

@testable import Docket

/// The arithmetic expressions: result types (int32 → int64 → double, decimal contagion), dates, nullish
/// arguments, and MongoDB's error codes.
@Suite struct ExpressionArithmeticTests {
    static let doc: BSONDocument = [
        "i": 5, "l": .int64(7), "d": 2.5, "m": decimal("1.5"), "n": .null, "s": "x", "t": .datetime(1000),
        "arr": [1, 2],
    ]

    static let cases: [ExpressionCase] = [
        // $add
        ExpressionCase(["$add": [1, 2]], [:], .value(3)),
        ExpressionCase(["$add": ["$i", "$l"]], doc, .value(.int64(12))),
        ExpressionCase(["$add": ["$i", "$d"]], doc, .value(7.5)),
        ExpressionCase(["$add": ["$i", "$m"]], doc, .value(decimal("6.5"))),
        // A double total widens to decimal with 34 digits (MongoDB's AddState), so 2.5 stays 2.5.
        ExpressionCase(["$add": ["$d", "$m"]], doc, .value(decimal("4.0"))),
        ExpressionCase(["$add": [.int32(.max), 1]], [:], .value(.int64(2_147_483_648))),
        ExpressionCase(["$add": [.int64(.max), .int64(1)]], [:], .value(9.223372036854775808e18)),
        ExpressionCase(["$add": []], [:], .value(0)),
        ExpressionCase(["$add": 17], [:], .value(17)),
        ExpressionCase(["$add": ["$i", "$n"]], doc, .value(.null)),
        ExpressionCase(["$add": ["$i", "$missing"]], doc, .value(.null)),
        ExpressionCase(["$add": ["$t", 500]], doc, .value(.datetime(1500))),
        ExpressionCase(["$add": [1.6, "$t"]], doc, .value(.datetime(1002))),
        ExpressionCase(["$add": ["$t", "$t"]], doc, .error(16612)),
        ExpressionCase(["$add": ["$i", "$s"]], doc, .error(14)),
        ExpressionCase(["$add": ["$arr", 1]], doc, .error(14)),
        // $subtract
        ExpressionCase(["$subtract": [5, 3]], [:], .value(2)),
        ExpressionCase(["$subtract": [.int32(.min), 1]], [:], .value(.int64(-2_147_483_649))),
        ExpressionCase(["$subtract": [.int64(.min), .int64(1)]], [:], .value(-9.223372036854775808e18)),
        ExpressionCase(["$subtract": ["$l", "$i"]], doc, .value(.int64(2))),
        ExpressionCase(["$subtract": ["$d", "$i"]], doc, .value(-2.5)),
        ExpressionCase(["$subtract": ["$m", 1]], doc, .value(decimal("0.5"))),
        ExpressionCase(["$subtract": ["$t", 400]], doc, .value(.datetime(600))),
        ExpressionCase(["$subtract": ["$t", .datetime(250)]], doc, .value(.int64(750))),
        ExpressionCase(["$subtract": ["$t", "$s"]], doc, .error(14)),
        ExpressionCase(["$subtract": [1, "$t"]], doc, .error(14)),
        ExpressionCase(["$subtract": ["$n", 1]], doc, .value(.null)),
        ExpressionCase(["$subtract": ["$missing", 1]], doc, .value(.null)),
        ExpressionCase(["$subtract": [1]], [:], .error(16020)),
        // $multiply
        ExpressionCase(["$multiply": [2, 3]], [:], .value(6)),
        ExpressionCase(["$multiply": [.int32(65536), .int32(65536)]], [:], .value(.int64(4_294_967_296))),
        ExpressionCase(["$multiply": [.int64(.max), 2]], [:], .value(1.8446744073709552e19)),
        ExpressionCase(["$multiply": ["$i", "$d"]], doc, .value(12.5)),
        ExpressionCase(["$multiply": ["$m", 2]], doc, .value(decimal("3.0"))),
        ExpressionCase(["$multiply": ["$i", "$n"]], doc, .value(.null)),
        ExpressionCase(["$multiply": ["$i", "$s"]], doc, .error(14)),
        ExpressionCase(["$multiply": []], [:], .value(1)),
        // $divide
        ExpressionCase(["$divide": [6, 3]], [:], .value(2.0)),
        ExpressionCase(["$divide": ["$i", 2]], doc, .value(2.5)),
        ExpressionCase(["$divide": [1, decimal("4")]], [:], .value(decimal("0.25"))),
        ExpressionCase(["$divide": [decimal("1"), 3]], [:], .value(decimal("0.3333333333333333333333333333333333"))),
        ExpressionCase(["$divide": [1, 0]], [:], .error(2)),
        ExpressionCase(["$divide": [1, decimal("0")]], [:], .error(2)),
        ExpressionCase(["$divide": ["$n", 0]], doc, .value(.null)),
        ExpressionCase(["$divide": ["$s", 1]], doc, .error(14)),
        // $mod
        ExpressionCase(["$mod": [7, 3]], [:], .value(1)),
        ExpressionCase(["$mod": [-7, 3]], [:], .value(-1)),
        ExpressionCase(["$mod": ["$l", 4]], doc, .value(.int64(3))),
        ExpressionCase(["$mod": [7.5, 2]], [:], .value(1.5)),
        ExpressionCase(["$mod": [7, 2.0]], [:], .value(1)),
        ExpressionCase(["$mod": [7, 2.5]], [:], .value(2.0)),
        ExpressionCase(["$mod": [decimal("7.5"), 2]], [:], .value(decimal("1.5"))),
        ExpressionCase(["$mod": [.int32(.min), -1]], [:], .value(0)),
        ExpressionCase(["$mod": [1, 0]], [:], .error(16610)),
        ExpressionCase(["$mod": [decimal("1"), 0]], [:], .error(5_733_415)),
        ExpressionCase(["$mod": ["$s", 1]], doc, .error(16611)),
        ExpressionCase(["$mod": ["$n", 1]], doc, .value(.null)),
        // $abs $ceil $floor
        ExpressionCase(["$abs": -5], [:], .value(5)),
        ExpressionCase(["$abs": .int32(.min)], [:], .value(.int64(2_147_483_648))),
        ExpressionCase(["$abs": .int64(.min)], [:], .error(28680)),
        ExpressionCase(["$abs": -2.5], [:], .value(2.5)),
        ExpressionCase(["$abs": decimal("-1.50")], [:], .value(decimal("1.50"))),
        ExpressionCase(["$abs": "$n"], doc, .value(.null)),
        ExpressionCase(["$abs": "$missing"], doc, .value(.null)),
        ExpressionCase(["$abs": "$s"], doc, .error(28765)),
        ExpressionCase(["$abs": [1, 2]], [:], .error(16020)),
        ExpressionCase(["$ceil": 2.1], [:], .value(3.0)),
        ExpressionCase(["$ceil": -2.1], [:], .value(-2.0)),
        ExpressionCase(["$ceil": 4], [:], .value(4)),
        ExpressionCase(["$ceil": decimal("2.1")], [:], .value(decimal("3"))),
        ExpressionCase(["$floor": 2.9], [:], .value(2.0)),
        ExpressionCase(["$floor": decimal("-2.1")], [:], .value(decimal("-3"))),
        ExpressionCase(["$floor": .int64(9)], [:], .value(.int64(9))),
        ExpressionCase(["$floor": "$s"], doc, .error(28765)),
        // $round and $trunc
        ExpressionCase(["$round": [19.25, 1]], [:], .value(19.2)),
        ExpressionCase(["$round": [2.5]], [:], .value(2.0)),
        ExpressionCase(["$round": [3.5, 0]], [:], .value(4.0)),
        ExpressionCase(["$round": [1234, -2]], [:], .value(1200)),
        ExpressionCase(["$round": [1250, -2]], [:], .value(1200)),
        ExpressionCase(["$round": [.int64(1350), -2]], [:], .value(.int64(1400))),
        ExpressionCase(["$round": [7, 2]], [:], .value(7)),
        ExpressionCase(["$round": [decimal("1.2345"), 2]], [:], .value(decimal("1.23"))),
        ExpressionCase(["$trunc": [19.29, 1]], [:], .value(19.2)),
        ExpressionCase(["$trunc": [-2.7]], [:], .value(-2.0)),
        ExpressionCase(["$trunc": [1299, -2]], [:], .value(1200)),
        ExpressionCase(["$trunc": [.int64(.max), -1]], [:], .value(.int64(9_223_372_036_854_775_800))),
        ExpressionCase(["$round": [.int64(.max), -1]], [:], .error(51080)),
        ExpressionCase(["$round": [.int32(.max), -1]], [:], .value(.int64(2_147_483_650))),
        ExpressionCase(["$trunc": [-0.5]], [:], .value(-0.0)),
        ExpressionCase(["$ceil": -0.5], [:], .value(-0.0)),
        ExpressionCase(["$add": [-0.0]], [:], .value(0.0)),
        ExpressionCase(["$multiply": [-0.0]], [:], .value(-0.0)),
        ExpressionCase(["$round": ["$n", 1]], doc, .value(.null)),
        ExpressionCase(["$round": [1.5, "$n"]], doc, .value(.null)),
        ExpressionCase(["$round": ["$s", 1]], doc, .error(51081)),
        ExpressionCase(["$round": [1.5, 1.5]], [:], .error(51082)),
        ExpressionCase(["$round": [1.5, 101]], [:], .error(51083)),
        ExpressionCase(["$round": [1.5, "x"]], [:], .error(16004)),
        ExpressionCase(["$round": [1, 2, 3]], [:], .error(28667)),
        // $pow
        ExpressionCase(["$pow": [2, 10]], [:], .value(1024)),
        ExpressionCase(["$pow": [2, 40]], [:], .value(.int64(1_099_511_627_776))),
        ExpressionCase(["$pow": [.int64(2), 3]], [:], .value(.int64(8))),
        ExpressionCase(["$pow": [2, 64]], [:], .value(1.8446744073709552e19)),
        ExpressionCase(["$pow": [2, -1]], [:], .value(0.5)),
        ExpressionCase(["$pow": [-1, -3]], [:], .value(-1)),
        ExpressionCase(["$pow": [2.0, 3]], [:], .value(8.0)),
        ExpressionCase(["$pow": [0, -1]], [:], .error(28764)),
        ExpressionCase(["$pow": ["$s", 1]], doc, .error(28762)),
        ExpressionCase(["$pow": [1, "$s"]], doc, .error(28763)),
        ExpressionCase(["$pow": ["$n", 1]], doc, .value(.null)),
        // $sqrt $exp $ln $log $log10
        ExpressionCase(["$sqrt": 25], [:], .value(5.0)),
        ExpressionCase(["$sqrt": -1], [:], .error(28714)),
        // NaN is accepted by the real functions and propagates (NaN equals NaN in MongoDB's order).
        ExpressionCase(["$eq": [["$sqrt": .double(.nan)], .double(.nan)]], [:], .value(true)),
        ExpressionCase(["$eq": [["$ln": decimal("NaN")], .double(.nan)]], [:], .value(true)),
        ExpressionCase(["$eq": [["$log": [8, .double(.nan)]], .double(.nan)]], [:], .value(true)),
        ExpressionCase(["$sqrt": "$n"], doc, .value(.null)),
        ExpressionCase(["$exp": 0], [:], .value(1.0)),
        ExpressionCase(["$ln": 1], [:], .value(0.0)),
        ExpressionCase(["$ln": 0], [:], .error(28766)),
        ExpressionCase(["$log10": 1000], [:], .value(3.0)),
        ExpressionCase(["$log10": -1], [:], .error(28761)),
        ExpressionCase(["$log": [8, 2]], [:], .value(3.0)),
        ExpressionCase(["$log": [8, 1]], [:], .error(28759)),
        ExpressionCase(["$log": [-8, 2]], [:], .error(28758)),
        ExpressionCase(["$log": ["$s", 2]], doc, .error(28756)),
        ExpressionCase(["$log": [8, "$s"]], doc, .error(28757)),
        ExpressionCase(["$log": [8, "$n"]], doc, .value(.null)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }

    @Test func sumAndProductFollowMongoDBsWidening() {
        var sum = NumericArithmetic.Sum()
        sum.add(.int32(1))
        #expect(sum.value.isIdentical(to: .int32(1)))
        sum.add(.int64(2))
        #expect(sum.value.isIdentical(to: .int64(3)))
        sum.add(.double(0.5))
        #expect(sum.value.isIdentical(to: .double(3.5)))
        sum.add(decimal("1"))
        #expect(sum.value.isIdentical(to: decimal("4.5")))
        #expect(NumericArithmetic.add(.int32(1), .string("x")) == nil)
        #expect(NumericArithmetic.multiply(.int32(3), .int64(4))?.isIdentical(to: .int64(12)) == true)
        #expect(NumericArithmetic.divide(.int32(1), .int32(0)) == nil)
        #expect(NumericArithmetic.divide(.int32(1), .int32(4))?.isIdentical(to: .double(0.25)) == true)
    }
}
