import DocketBSON
import Testing

@testable import Docket

@Suite struct MatcherElementTests {
    static let exists: [MatchCase] = [
        MatchCase(["a": ["$exists": true]], ["a": .null], true),
        MatchCase(["a": ["$exists": true]], ["b": 1], false),
        MatchCase(["a": ["$exists": false]], ["b": 1], true),
        MatchCase(["a": ["$exists": 0]], ["a": 1], false),
        MatchCase(["a": ["$exists": 1]], ["a": 1], true),
        MatchCase(["a": ["$exists": .null]], ["b": 1], true),
        MatchCase(["a": ["$exists": "no"]], ["a": 1], true),
        MatchCase(["a.b": ["$exists": true]], ["a": [["c": 1], ["b": .null]]], true),
        MatchCase(["a.b": ["$exists": false]], ["a": [["c": 1], ["b": 1]]], false),
        MatchCase(["a.b": ["$exists": false]], ["a": [1, 2]], true),
        MatchCase(["a.0": ["$exists": true]], ["a": [7]], true),
        MatchCase(["a.1": ["$exists": true]], ["a": [7]], false),
        MatchCase(["a": ["$exists": true]], ["a": []], true),
    ]

    @Test(arguments: exists)
    func existsTestsPresence(_ row: MatchCase) throws { try row.check() }

    static let types: [MatchCase] = [
        MatchCase(["a": ["$type": "string"]], ["a": "x"], true),
        MatchCase(["a": ["$type": 2]], ["a": "x"], true),
        MatchCase(["a": ["$type": 2.0]], ["a": "x"], true),
        MatchCase(["a": ["$type": "int"]], ["a": 1.0], false),
        MatchCase(["a": ["$type": "double"]], ["a": 1.0], true),
        MatchCase(["a": ["$type": "long"]], ["a": .int64(1)], true),
        MatchCase(["a": ["$type": "decimal"]], ["a": .decimal128(Decimal128(1))], true),
        MatchCase(["a": ["$type": "number"]], ["a": .decimal128(Decimal128(1))], true),
        MatchCase(["a": ["$type": "number"]], ["a": "1"], false),
        MatchCase(["a": ["$type": ["string", "bool"]]], ["a": true], true),
        MatchCase(["a": ["$type": "array"]], ["a": [1]], true),
        MatchCase(["a": ["$type": "array"]], ["a": []], true),
        MatchCase(["a": ["$type": 4]], ["a": 1], false),
        MatchCase(["a": ["$type": "string"]], ["a": [1, "x"]], true),
        MatchCase(["a": ["$type": "null"]], ["b": 1], false),
        MatchCase(["a": ["$type": "null"]], ["a": .null], true),
        MatchCase(["a": ["$type": "undefined"]], ["a": .undefined], true),
        MatchCase(["a": ["$type": "object"]], ["a": ["b": 1]], true),
        MatchCase(["a": ["$type": "objectId"]], ["a": .objectID(ObjectID())], true),
        MatchCase(["a": ["$type": "date"]], ["a": .datetime(0)], true),
        MatchCase(["a": ["$type": "minKey"]], ["a": .minKey], true),
        MatchCase(["a": ["$type": -1]], ["a": .minKey], true),
        MatchCase(["a": ["$type": 127]], ["a": .maxKey], true),
        MatchCase(["a": ["$type": "binData"]], ["a": .binary(BSONBinary(bytes: [1]))], true),
        MatchCase(["a": ["$type": "regex"]], ["a": .regex(BSONRegex(pattern: "x"))], true),
        MatchCase(["a": ["$type": "timestamp"]], ["a": .timestamp(BSONTimestamp(timestamp: 1, increment: 1))], true),
        MatchCase(["a.b": ["$type": "int"]], ["a": [["b": "x"], ["b": 3]]], true),
    ]

    @Test(arguments: types)
    func typeMatchesBSONTypes(_ row: MatchCase) throws { try row.check() }

    static let inCases: [MatchCase] = [
        MatchCase(["a": ["$in": [1, 2]]], ["a": 2.0], true),
        MatchCase(["a": ["$in": [1, 2]]], ["a": 3], false),
        MatchCase(["a": ["$in": [1, 2]]], ["a": [3, 2]], true),
        MatchCase(["a": ["$in": []]], ["a": 1], false),
        MatchCase(["a": ["$in": [.null]]], ["b": 1], true),
        MatchCase(["a": ["$in": [.null]]], ["a": .undefined], false),
        MatchCase(["a": ["$in": [[1, 2]]]], ["a": [1, 2]], true),
        MatchCase(["a": ["$in": [[1, 2]]]], ["a": [2, 1]], false),
        MatchCase(["a": ["$in": [.regex(BSONRegex(pattern: "^a"))]]], ["a": "abc"], true),
        MatchCase(["a": ["$in": [.regex(BSONRegex(pattern: "^a"))]]], ["a": "bc"], false),
        MatchCase(["a": ["$in": [.double(.nan)]]], ["a": .double(.nan)], true),
        MatchCase(["a": ["$in": ["x", ["k": 1]]]], ["a": ["k": 1]], true),
        MatchCase(["a": ["$in": .array((0..<50).map { .int32(Int32($0)) })]], ["a": .int64(42)], true),
        MatchCase(["a": ["$in": .array((0..<50).map { .int32(Int32($0)) })]], ["a": 42.5], false),
        MatchCase(["a": ["$in": .array((0..<50).map { .int32(Int32($0)) } + [.null])]], ["b": 1], true),
        MatchCase(["a": ["$nin": [1, 2]]], ["a": 3], true),
        MatchCase(["a": ["$nin": [1, 2]]], ["b": 3], true),
        MatchCase(["a": ["$nin": [1, 2]]], ["a": [3, 1]], false),
        MatchCase(["a": ["$nin": [.null]]], ["b": 3], false),
        MatchCase(["a.b": ["$in": [1]]], ["a": [["b": 2], ["b": 1]]], true),
    ]

    @Test(arguments: inCases)
    func inMatchesAnyMember(_ row: MatchCase) throws { try row.check() }

    static let regexes: [MatchCase] = [
        MatchCase(["a": .regex(BSONRegex(pattern: "^ad"))], ["a": "ada"], true),
        MatchCase(["a": .regex(BSONRegex(pattern: "^ad"))], ["a": "Ada"], false),
        MatchCase(["a": .regex(BSONRegex(pattern: "^ad", options: "i"))], ["a": "Ada"], true),
        MatchCase(["a": ["$regex": "^ad", "$options": "i"]], ["a": "Ada"], true),
        MatchCase(["a": ["$options": "i", "$regex": "^ad"]], ["a": "Ada"], true),
        MatchCase(["a": ["$regex": .regex(BSONRegex(pattern: "^ad")), "$options": "i"]], ["a": "Ada"], true),
        MatchCase(["a": ["$regex": "da"]], ["a": "ada"], true),
        MatchCase(["a": ["$regex": "^b$", "$options": "m"]], ["a": "a\nb"], true),
        MatchCase(["a": ["$regex": "^b$"]], ["a": "a\nb"], false),
        MatchCase(["a": ["$regex": "a.b", "$options": "s"]], ["a": "a\nb"], true),
        MatchCase(["a": ["$regex": "a.b"]], ["a": "a\nb"], false),
        MatchCase(["a": ["$regex": "a b # comment", "$options": "x"]], ["a": "ab"], true),
        MatchCase(["a": ["$regex": "é"]], ["a": "café"], true),
        MatchCase(["a": ["$regex": "x"]], ["a": 1], false),
        MatchCase(["a": ["$regex": "x"]], ["b": "x"], false),
        MatchCase(["a": ["$regex": "x"]], ["a": .symbol("x")], true),
        MatchCase(["a": ["$regex": "x"]], ["a": ["y", "xx"]], true),
        MatchCase(
            ["a": .regex(BSONRegex(pattern: "x", options: "i"))], ["a": .regex(BSONRegex(pattern: "x", options: "i"))],
            true),
        MatchCase(["a": .regex(BSONRegex(pattern: "x", options: "i"))], ["a": .regex(BSONRegex(pattern: "x"))], false),
        MatchCase(["a": ["$not": .regex(BSONRegex(pattern: "^a"))]], ["a": "bcd"], true),
        MatchCase(["a": ["$not": .regex(BSONRegex(pattern: "^a"))]], ["a": "abc"], false),
        MatchCase(["a": ["$not": .regex(BSONRegex(pattern: "^a"))]], ["b": 1], true),
        MatchCase(["a": ["$not": ["$regex": "^a"]]], ["a": "abc"], false),
        MatchCase(["a": ["$regex": "^ab-c d"]], ["a": "ab-c de"], true),
        MatchCase(["a": ["$regex": "^ab-c d"]], ["a": "ab-c"], false),
    ]

    @Test(arguments: regexes)
    func regexMatchesStrings(_ row: MatchCase) throws { try row.check() }

    static let mods: [MatchCase] = [
        MatchCase(["a": ["$mod": [4, 0]]], ["a": 8], true),
        MatchCase(["a": ["$mod": [4, 0]]], ["a": 9], false),
        MatchCase(["a": ["$mod": [4, 1]]], ["a": 9.9], true),
        MatchCase(["a": ["$mod": [4, -1]]], ["a": -9], true),
        MatchCase(["a": ["$mod": [4.9, 1]]], ["a": 5], true),
        MatchCase(["a": ["$mod": [4, 1.9]]], ["a": 5], true),
        MatchCase(["a": ["$mod": [-1, 0]]], ["a": .int64(.min)], true),
        MatchCase(["a": ["$mod": [2, 0]]], ["a": .double(.nan)], false),
        MatchCase(["a": ["$mod": [2, 0]]], ["a": .double(.infinity)], false),
        MatchCase(["a": ["$mod": [2, 0]]], ["a": 1e30], false),
        MatchCase(["a": ["$mod": [2, 0]]], ["a": "4"], false),
        MatchCase(["a": ["$mod": [3, 1]]], ["a": .decimal128(try! Decimal128(parsing: "7.5"))], true),
        MatchCase(["a": ["$mod": [3, 1]]], ["a": [2, 7]], true),
    ]

    @Test(arguments: mods)
    func modTruncatesTowardZero(_ row: MatchCase) throws { try row.check() }

    static let bits: [MatchCase] = [
        MatchCase(["a": ["$bitsAllSet": 5]], ["a": 7], true),
        MatchCase(["a": ["$bitsAllSet": 5]], ["a": 6], false),
        MatchCase(["a": ["$bitsAllSet": [0, 2]]], ["a": 5], true),
        MatchCase(["a": ["$bitsAnySet": [1]]], ["a": 5], false),
        MatchCase(["a": ["$bitsAllClear": [1]]], ["a": 5], true),
        MatchCase(["a": ["$bitsAnyClear": [0, 1]]], ["a": 5], true),
        MatchCase(["a": ["$bitsAllSet": [63, 100]]], ["a": -1], true),
        MatchCase(["a": ["$bitsAllClear": [100]]], ["a": 1], true),
        MatchCase(["a": ["$bitsAllSet": 1]], ["a": 3.0], true),
        MatchCase(["a": ["$bitsAllSet": 1]], ["a": 3.5], false),
        MatchCase(["a": ["$bitsAllSet": 1]], ["a": "3"], false),
        MatchCase(
            ["a": ["$bitsAllSet": .binary(BSONBinary(bytes: [0x01, 0x80]))]],
            ["a": .binary(BSONBinary(bytes: [0x03, 0x80]))],
            true),
        MatchCase(["a": ["$bitsAllSet": [15]]], ["a": .binary(BSONBinary(bytes: [0x03, 0x80]))], true),
        MatchCase(["a": ["$bitsAllSet": [16]]], ["a": .binary(BSONBinary(bytes: [0x03, 0x80]))], false),
        MatchCase(["a": ["$bitsAllSet": [16]]], ["a": 65536], true),
        MatchCase(["a": ["$bitsAllSet": []]], ["a": 0], true),
        MatchCase(["a": ["$bitsAnySet": []]], ["a": 0], false),
        MatchCase(["a": ["$bitsAnySet": 2]], ["a": [1, 2]], true),
    ]

    @Test(arguments: bits)
    func bitwiseOperatorsTestPositions(_ row: MatchCase) throws { try row.check() }

    static let logical: [MatchCase] = [
        MatchCase(["$and": [["a": 1], ["b": 2]]], ["a": 1, "b": 2], true),
        MatchCase(["$and": [["a": 1], ["b": 2]]], ["a": 1, "b": 3], false),
        MatchCase(["$or": [["a": 1], ["b": 2]]], ["a": 0, "b": 2], true),
        MatchCase(["$or": [["a": 1], ["b": 2]]], ["a": 0, "b": 0], false),
        MatchCase(["$nor": [["a": 1], ["b": 2]]], ["a": 0, "b": 0], true),
        MatchCase(["$nor": [["a": 1], ["b": 2]]], ["a": 1], false),
        MatchCase(["$nor": [["a": 1]]], ["b": 1], true),
        MatchCase(["a": ["$not": ["$gt": 5]]], ["a": 3], true),
        MatchCase(["a": ["$not": ["$gt": 5]]], ["a": 6], false),
        MatchCase(["a": ["$not": ["$gt": 5]]], ["b": 6], true),
        MatchCase(["a": ["$not": ["$gt": 5]]], ["a": "x"], true),
        MatchCase(["a": ["$not": ["$gt": 5]]], ["a": [1, 9]], false),
        MatchCase(["a": ["$not": ["$gt": 1, "$lt": 5]]], ["a": 3], false),
        MatchCase(["a": ["$not": ["$gt": 1, "$lt": 5]]], ["a": 7], true),
        MatchCase(["$or": [["a": 1]], "b": 2], ["a": 1, "b": 2], true),
        MatchCase(["$and": [[:]]], ["a": 1], true),
        MatchCase(["$alwaysTrue": 1], ["a": 1], true),
        MatchCase(["$alwaysFalse": 1], ["a": 1], false),
        MatchCase(["$or": [["$and": [["a": 1], ["b": ["$exists": false]]]], ["c": ["$in": [1]]]]], ["a": 1], true),
        MatchCase(["a": 1, "$comment": "why"], ["a": 1], true),
    ]

    @Test(arguments: logical)
    func logicalOperatorsCombine(_ row: MatchCase) throws { try row.check() }
}
