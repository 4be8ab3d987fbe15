import DocketBSON
import Testing

@testable import Docket

/// `$type`, `$isNumber`, `$convert` and the `$to…` shorthands.
@Suite struct ExpressionTypeTests {
    static let oid = try! ObjectID(parsing: "5ab9cbfa31c2ab715d42129e")
    static let doc: BSONDocument = [
        "i": 5, "l": .int64(7), "d": 2.5, "m": decimal("1.5"), "n": .null, "s": "x", "t": .datetime(1_522_169_931_538),
        "o": .objectID(oid), "b": true, "arr": [1], "obj": ["a": 1],
    ]

    static let cases: [ExpressionCase] = [
        // $type
        ExpressionCase(["$type": "$i"], doc, .value("int")),
        ExpressionCase(["$type": "$l"], doc, .value("long")),
        ExpressionCase(["$type": "$d"], doc, .value("double")),
        ExpressionCase(["$type": "$m"], doc, .value("decimal")),
        ExpressionCase(["$type": "$n"], doc, .value("null")),
        ExpressionCase(["$type": "$missing"], doc, .value("missing")),
        ExpressionCase(["$type": "$t"], doc, .value("date")),
        ExpressionCase(["$type": "$o"], doc, .value("objectId")),
        ExpressionCase(["$type": "$obj"], doc, .value("object")),
        ExpressionCase(["$type": ["$arr"]], doc, .value("array")),
        ExpressionCase(["$type": [["$arr"]]], doc, .value("array")),
        ExpressionCase(["$type": [1, 2]], [:], .error(16020)),
        ExpressionCase(["$toInt": []], [:], .error(50723)),
        ExpressionCase(["$toString": [1, 2]], [:], .error(50723)),
        ExpressionCase(["$toInt": [7]], [:], .value(7)),
        // $isNumber
        ExpressionCase(["$isNumber": "$m"], doc, .value(true)),
        ExpressionCase(["$isNumber": "$s"], doc, .value(false)),
        ExpressionCase(["$isNumber": "$missing"], doc, .value(false)),
        // $toInt / $toLong
        ExpressionCase(["$toInt": "$d"], doc, .value(2)),
        ExpressionCase(["$toInt": -2.9], [:], .value(-2)),
        ExpressionCase(["$toInt": "$m"], doc, .value(1)),
        ExpressionCase(["$toInt": "42"], [:], .value(42)),
        ExpressionCase(["$toInt": "-42"], [:], .value(-42)),
        ExpressionCase(["$toInt": "1.5"], [:], .error(241)),
        ExpressionCase(["$toInt": "3000000000"], [:], .error(241)),
        ExpressionCase(["$toInt": .int64(3_000_000_000)], [:], .error(241)),
        ExpressionCase(["$toInt": .double(.nan)], [:], .error(241)),
        ExpressionCase(["$toInt": "$b"], doc, .value(1)),
        ExpressionCase(["$toInt": "$t"], doc, .error(241)),
        ExpressionCase(["$toInt": "$n"], doc, .value(.null)),
        ExpressionCase(["$toInt": "$missing"], doc, .value(.null)),
        ExpressionCase(["$toLong": "$t"], doc, .value(.int64(1_522_169_931_538))),
        ExpressionCase(["$toLong": "$i"], doc, .value(.int64(5))),
        ExpressionCase(["$toLong": "3000000000"], [:], .value(.int64(3_000_000_000))),
        ExpressionCase(["$toLong": 1e19], [:], .error(241)),
        ExpressionCase(["$toLong": "$obj"], doc, .error(241)),
        // $toDouble / $toDecimal
        ExpressionCase(["$toDouble": "$i"], doc, .value(5.0)),
        ExpressionCase(["$toDouble": "1.5e3"], [:], .value(1500.0)),
        ExpressionCase(["$toDouble": "abc"], [:], .error(241)),
        ExpressionCase(["$toDouble": "$t"], doc, .value(1_522_169_931_538.0)),
        ExpressionCase(["$toDouble": "$m"], doc, .value(1.5)),
        ExpressionCase(["$toDouble": false], [:], .value(0.0)),
        ExpressionCase(["$toDecimal": "$d"], doc, .value(decimal("2.50000000000000"))),
        ExpressionCase(["$toDecimal": "$l"], doc, .value(decimal("7"))),
        ExpressionCase(["$toDecimal": "1.25"], [:], .value(decimal("1.25"))),
        ExpressionCase(["$toDecimal": "$o"], doc, .error(241)),
        // $toString
        ExpressionCase(["$toString": "$i"], doc, .value("5")),
        ExpressionCase(["$toString": "$d"], doc, .value("2.5")),
        ExpressionCase(["$toString": 1.0], [:], .value("1")),
        ExpressionCase(["$toString": "$m"], doc, .value("1.5")),
        ExpressionCase(["$toString": "$b"], doc, .value("true")),
        ExpressionCase(["$toString": "$t"], doc, .value("2018-03-27T16:58:51.538Z")),
        ExpressionCase(["$toString": "$o"], doc, .value("5ab9cbfa31c2ab715d42129e")),
        ExpressionCase(["$toString": "$arr"], doc, .error(241)),
        // Binary data: base64, or its bytes read as a little-endian number of their own width.
        ExpressionCase(["$toString": .binary(BSONBinary(bytes: [1, 2, 3, 4]))], [:], .value("AQIDBA==")),
        ExpressionCase(["$toInt": .binary(BSONBinary(bytes: [1, 2, 3, 4]))], [:], .value(67_305_985)),
        ExpressionCase(["$toInt": .binary(BSONBinary(bytes: [0x7A, 0x7A]))], [:], .value(31354)),
        ExpressionCase(["$toInt": .binary(BSONBinary(bytes: [0xFF]))], [:], .value(-1)),
        ExpressionCase(["$toInt": .binary(BSONBinary(bytes: [1, 2, 3]))], [:], .error(241)),
        ExpressionCase(["$toInt": .binary(BSONBinary(bytes: Array(repeating: 0x7A, count: 8)))], [:], .error(241)),
        ExpressionCase(
            ["$toLong": .binary(BSONBinary(bytes: Array(repeating: 0x7A, count: 8)))], [:],
            .value(.int64(8_825_501_086_245_354_106))),
        ExpressionCase(["$toDouble": .binary(BSONBinary(bytes: [0, 0, 0x80, 0x3F]))], [:], .value(1.0)),
        ExpressionCase(["$toDouble": .binary(BSONBinary(bytes: [0x7A]))], [:], .error(241)),
        ExpressionCase(["$toDate": .double(.nan)], [:], .error(241)),
        ExpressionCase(["$toDate": decimal("-1.5")], [:], .value(.datetime(-1))),
        // $toDate
        ExpressionCase(["$toDate": "$l"], doc, .value(.datetime(7))),
        ExpressionCase(["$toDate": "$i"], doc, .error(241)),
        ExpressionCase(["$toDate": 1.9], [:], .value(.datetime(1))),
        ExpressionCase(["$toDate": "2018-03-27T16:58:51.538Z"], [:], .value(.datetime(1_522_169_931_538))),
        ExpressionCase(["$toDate": "2018-03-27"], [:], .value(.datetime(1_522_108_800_000))),
        ExpressionCase(["$toDate": "2018-03-27T18:58:51+02:00"], [:], .value(.datetime(1_522_169_931_000))),
        ExpressionCase(["$toDate": "not a date"], [:], .error(241)),
        ExpressionCase(["$toDate": "$o"], doc, .value(.datetime(1_522_125_818_000))),
        ExpressionCase(
            ["$toDate": .timestamp(BSONTimestamp(timestamp: 10, increment: 1))], [:], .value(.datetime(10_000))),
        // $toBool
        ExpressionCase(["$toBool": 0], [:], .value(false)),
        ExpressionCase(["$toBool": 0.5], [:], .value(true)),
        ExpressionCase(["$toBool": decimal("0")], [:], .value(false)),
        ExpressionCase(["$toBool": ""], [:], .value(true)),
        ExpressionCase(["$toBool": "$t"], doc, .value(true)),
        ExpressionCase(["$toBool": "$n"], doc, .value(.null)),
        // $toObjectId
        ExpressionCase(["$toObjectId": "5ab9cbfa31c2ab715d42129e"], [:], .value(.objectID(oid))),
        ExpressionCase(["$toObjectId": "5ab9cbfa"], [:], .error(241)),
        ExpressionCase(["$toObjectId": 5], [:], .error(241)),
        // $convert: onError, onNull, numeric and dynamic targets.
        ExpressionCase(["$convert": ["input": "abc", "to": "int", "onError": -1]], [:], .value(-1)),
        ExpressionCase(["$convert": ["input": "$missing", "to": "int", "onNull": 0]], doc, .value(0)),
        ExpressionCase(["$convert": ["input": "$n", "to": "int"]], doc, .value(.null)),
        ExpressionCase(["$convert": ["input": "7", "to": 16]], [:], .value(7)),
        ExpressionCase(["$convert": ["input": "7", "to": 18]], [:], .value(.int64(7))),
        ExpressionCase(["$convert": ["input": "7", "to": "$s"]], ["s": "double"], .value(7.0)),
        ExpressionCase(["$convert": ["input": "7", "to": "$missing"]], [:], .value(.null)),
        // A string needs a format to become binary data (ExpressionBinaryConversionTests).
        ExpressionCase(["$convert": ["input": "7", "to": "binData"]], [:], .error(9)),
        ExpressionCase(["$convert": ["input": "7", "to": "minKey", "onError": "e"]], [:], .value("e")),
        ExpressionCase(["$convert": ["input": "7", "to": "nope"]], [:], .error(2)),
        ExpressionCase(["$convert": ["input": "7", "to": 99]], [:], .error(2)),
        ExpressionCase(["$convert": ["input": "7", "to": true]], [:], .error(9)),
        ExpressionCase(["$convert": ["to": "int"]], [:], .error(9)),
        ExpressionCase(["$convert": ["input": 1]], [:], .error(9)),
        ExpressionCase(["$convert": ["input": 1, "to": "int", "x": 1]], [:], .error(9)),
        ExpressionCase(["$convert": 1], [:], .error(9)),
        // onError does not hide errors in the input expression itself.
        ExpressionCase(
            ["$convert": ["input": ["$divide": [1, "$z"]], "to": "int", "onError": 0]], ["z": 0], .error(2)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}

/// MongoDB 8.2's exact wording for the errors users read most (measured against a server by another project's
/// compatibility suite).
@Suite struct ExpressionMessageTests {
    static let messages: [(BSONValue, BSONDocument, String)] = [
        (["$size": 1], [:], "The argument to $size must be an array, but was of type: int"),
        (["$size": "$nosuch"], [:], "The argument to $size must be an array, but was of type: missing"),
        (["$first": 1], [:], "$first's argument must be an array, but is int"),
        (["$reverseArray": 1], [:], "The argument to $reverseArray must be an array, but was of type: int"),
        (["$anyElementTrue": 1], [:], "$anyElementTrue's argument must be an array, but is int"),
        (["$slice": [1, 2]], [:], "First argument to $slice must be an array, but is of type: int"),
        (
            ["$split": [1, ","]], [:],
            "$split requires an expression that evaluates to a string as a first argument, found: int"
        ),
        (["$toLower": true], [:], "can't convert from BSON type bool to String"),
        (["$tsSecond": 1], [:], " Argument to $tsSecond must be a timestamp, but is int"),
        (["$bitAnd": 1.5], [:], "$bitAnd only supports int and long operands."),
        (["$bitNot": 1.5], [:], "$bitNot only supports int and long, not: double."),
        (["$setEquals": [1, [2]]], [:], "All operands of $setEquals must be arrays. 1-th argument is of type: int"),
        (
            ["$year": ["timezone": "UTC"]], [:],
            "missing 'date' argument to $year, provided: $year: { timezone: \"UTC\" }"
        ),
        (["$toInt": []], [:], "$toInt requires a single argument, got 0"),
        (["$toInt": ["k": 1]], [:], "Unsupported conversion from object to int in $convert with no onError value"),
        (["$toInt": .int64(1 << 40)], [:], "Conversion would overflow target type in $convert with no onError value: "),
        (
            ["$toInt": .double(.nan)], [:],
            "Attempt to convert NaN value to integer type in $convert with no onError value"
        ),
        (
            ["$toDate": decimal("Infinity")], [:],
            "Attempt to convert infinity value to integer type in $convert with no onError value"
        ),
        (
            ["$toDate": decimal("1E+30")], [:],
            "Conversion would overflow target type in $convert with no onError value: 1E+30"
        ),
        (["$ifNull": 1], [:], "$ifNull needs at least two arguments, had: 1"),
        (["$setEquals": 1], [:], "$setEquals needs at least two arguments had: 1"),
        (["$rand": "x"], [:], "invalid parameter: expected an object ($rand)"),
        (["$getField": "$nosuch"], [:], "$getField requires 'field' to evaluate to type String, but got missing"),
    ]

    @Test func messagesMatchMongoDB() throws {
        for (expression, document, message) in Self.messages {
            do {
                let scope = ExpressionScope()
                let compiled = try Expression(parsing: expression, scope: scope)
                var context = ExpressionContext(root: .stored(try RawDocument(document)), variables: [], now: 0)
                _ = try compiled.evaluate(&context)
                Issue.record("\(expression) did not fail")
            } catch {
                #expect((error as? DocketError)?.message == message, "\(expression)")
            }
        }
    }
}
