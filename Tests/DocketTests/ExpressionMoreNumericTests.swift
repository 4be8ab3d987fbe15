import DocketBSON
import Testing

@testable import Docket

/// Trigonometric, bitwise and miscellaneous expressions, and `$const`.
@Suite struct ExpressionMoreNumericTests {
    static let doc: BSONDocument = [
        "n": .null, "s": "x", "i": 6, "l": .int64(3), "ts": .timestamp(BSONTimestamp(timestamp: 100, increment: 7)),
        "bin": .binary(BSONBinary(bytes: [1, 2, 3])),
    ]

    static let cases: [ExpressionCase] = [
        ExpressionCase(["$sin": 0], [:], .value(0.0)),
        ExpressionCase(["$cos": 0], [:], .value(1.0)),
        ExpressionCase(["$tan": 0.0], [:], .value(0.0)),
        ExpressionCase(["$asin": 1], [:], .value(.double(Double.pi / 2))),
        ExpressionCase(["$acos": 1], [:], .value(0.0)),
        ExpressionCase(["$atan": 0], [:], .value(0.0)),
        ExpressionCase(["$atan2": [1, 1]], [:], .value(.double(Double.pi / 4))),
        ExpressionCase(["$atan2": [1, "$n"]], doc, .value(.null)),
        ExpressionCase(["$atan2": [1, "$s"]], doc, .error(51044)),
        ExpressionCase(["$sinh": 0], [:], .value(0.0)),
        ExpressionCase(["$cosh": 0], [:], .value(1.0)),
        ExpressionCase(["$tanh": 0], [:], .value(0.0)),
        ExpressionCase(["$asinh": 0], [:], .value(0.0)),
        ExpressionCase(["$acosh": 1], [:], .value(0.0)),
        ExpressionCase(["$atanh": 0], [:], .value(0.0)),
        ExpressionCase(["$degreesToRadians": 180], [:], .value(.double(Double.pi))),
        ExpressionCase(["$degreesToRadians": 1], [:], .value(0.017453292519943295)),
        ExpressionCase(["$radiansToDegrees": .double(Double.pi)], [:], .value(180.0)),
        ExpressionCase(["$sin": decimal("0")], [:], .value(.decimal128(Decimal128(0.0)))),
        ExpressionCase(["$sin": "$n"], doc, .value(.null)),
        ExpressionCase(["$sin": "$s"], doc, .error(28765)),
        ExpressionCase(["$sin": .double(.infinity)], [:], .error(50989)),
        ExpressionCase(["$acos": 2], [:], .error(50989)),
        ExpressionCase(["$acosh": 0.5], [:], .error(50989)),
        ExpressionCase(["$atanh": -2], [:], .error(50989)),
        // Bitwise: int32 operands give an int32, any int64 gives an int64.
        ExpressionCase(["$bitAnd": [12, 10]], [:], .value(8)),
        ExpressionCase(["$bitOr": [12, "$l"]], doc, .value(.int64(15))),
        ExpressionCase(["$bitXor": [12, 10]], [:], .value(6)),
        ExpressionCase(["$bitAnd": []], [:], .value(-1)),
        ExpressionCase(["$bitOr": []], [:], .value(0)),
        ExpressionCase(["$bitAnd": [1, "$n"]], doc, .value(.null)),
        ExpressionCase(["$bitAnd": [1, 1.0]], [:], .error(14)),
        ExpressionCase(["$bitNot": "$i"], doc, .value(-7)),
        ExpressionCase(["$bitNot": "$l"], doc, .value(.int64(-4))),
        ExpressionCase(["$bitNot": "$missing"], doc, .value(.null)),
        ExpressionCase(["$bitNot": "$s"], doc, .error(28765)),
        ExpressionCase(["$bitNot": 1.5], [:], .error(14)),
        // Sizes and timestamps.
        ExpressionCase(["$bsonSize": ["$literal": ["a": 1]]], [:], .value(12)),
        ExpressionCase(["$bsonSize": "$n"], doc, .value(.null)),
        ExpressionCase(["$bsonSize": "$s"], doc, .error(31393)),
        ExpressionCase(["$binarySize": "héllo"], [:], .value(6)),
        ExpressionCase(["$binarySize": "$bin"], doc, .value(3)),
        ExpressionCase(["$binarySize": "$i"], doc, .error(51276)),
        ExpressionCase(["$tsSecond": "$ts"], doc, .value(.int64(100))),
        ExpressionCase(["$tsIncrement": "$ts"], doc, .value(.int64(7))),
        ExpressionCase(["$tsSecond": "$n"], doc, .value(.null)),
        ExpressionCase(["$tsIncrement": "$i"], doc, .error(5_687_302)),
        // $const is $literal.
        ExpressionCase(["$const": "$i"], doc, .value("$i")),
        ExpressionCase(["$rand": 1], [:], .error(10065)),
        ExpressionCase(["$rand": [1]], [:], .error(3_040_501)),
        ExpressionCase(["$rand": ["k": 1]], [:], .error(3_040_501)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }

    @Test func randDrawsANewNumberEachTimeAndIsNeverFolded() throws {
        let scope = ExpressionScope()
        let expression = try Expression(parsing: ["$rand": [:]], scope: scope)
        #expect(expression.constant == nil)
        var context = ExpressionContext(root: .value([:]), variables: [], now: 0)
        var seen = Set<Double>()
        for _ in 0..<20 {
            guard case .double(let d)? = try expression.evaluate(&context) else {
                Issue.record("not a double")
                return
            }
            #expect(d >= 0 && d < 1)
            seen.insert(d)
        }
        #expect(seen.count > 1)
    }
}
