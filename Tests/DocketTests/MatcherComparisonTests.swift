import DocketBSON
import Foundation
import Testing

@testable import Docket

@Suite struct MatcherComparisonTests {
    static let equality: [MatchCase] = [
        // Scalars, missing fields and null.
        MatchCase(["a": 1], ["a": 1], true),
        MatchCase(["a": 1], ["a": 2], false),
        MatchCase(["a": 1], ["b": 1], false),
        MatchCase(["a": "x"], ["a": "x"], true),
        MatchCase(["a": "x"], ["a": "xy"], false),
        MatchCase(["a": "x"], ["a": .symbol("x")], true),
        MatchCase(["a": ""], ["a": ""], true),
        MatchCase(["a": .null], ["b": 1], true),
        MatchCase(["a": .null], ["a": .null], true),
        MatchCase(["a": .null], ["a": .undefined], false),  // MongoDB 8.0
        MatchCase(["a": .null], ["a": 0], false),
        MatchCase(["a": .null], ["a": []], false),
        MatchCase(["a": .null], ["a": [1, .null]], true),
        MatchCase(["a.b": .null], ["a": 4], true),
        MatchCase(["a.b": .null], ["a": ["c": 1]], true),
        MatchCase(["a.b": .null], ["a": [["c": 1]]], true),
        MatchCase(["a.b": .null], ["a": [1, 2]], false),
        MatchCase(["a.b": .null], ["a": [["b": 1]]], false),
        // Mixed numeric types compare by value.
        MatchCase(["a": 1], ["a": 1.0], true),
        MatchCase(["a": 1], ["a": .int64(1)], true),
        MatchCase(["a": 1], ["a": .decimal128(Decimal128(1))], true),
        MatchCase(["a": 0.5], ["a": .decimal128(try! Decimal128(parsing: "0.5"))], true),
        MatchCase(["a": .int64(9_007_199_254_740_993)], ["a": 9_007_199_254_740_992.0], false),
        MatchCase(["a": -0.0], ["a": 0], true),
        MatchCase(["a": .double(.nan)], ["a": .double(.nan)], true),
        MatchCase(["a": .double(.nan)], ["a": .decimal128(.nan)], true),
        MatchCase(["a": .double(.nan)], ["a": 1], false),
        // Type brackets: equal-looking values of different brackets differ.
        MatchCase(["a": 1], ["a": "1"], false),
        MatchCase(["a": 1], ["a": true], false),
        MatchCase(["a": false], ["a": 0], false),
        // Arrays: element matching and whole-array equality.
        MatchCase(["tags": "a"], ["tags": ["a", "b"]], true),
        MatchCase(["tags": ["a", "b"]], ["tags": ["a", "b"]], true),
        MatchCase(["tags": ["a", "b"]], ["tags": ["b", "a"]], false),
        MatchCase(["tags": ["a"]], ["tags": [["a"], "b"]], true),
        MatchCase(["tags": "a"], ["tags": [["a"]]], false),
        MatchCase(["tags": []], ["tags": []], true),
        MatchCase(["tags": []], ["tags": [[]]], true),
        // Documents: exact field order, values by MongoDB equality.
        MatchCase(["a": ["x": 1, "y": 2]], ["a": ["x": 1, "y": 2]], true),
        MatchCase(["a": ["x": 1, "y": 2]], ["a": ["y": 2, "x": 1]], false),
        MatchCase(["a": ["x": 1]], ["a": ["x": 1.0]], true),
        MatchCase(["a": ["x": 1]], ["a": ["x": 1, "y": 2]], false),
        MatchCase(["a": [:]], ["a": [:]], true),
        MatchCase(["a": ["$eq": ["x": 1]]], ["a": [["x": 1]]], true),
        // ObjectId, dates, booleans.
        MatchCase(
            ["_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3))],
            ["_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3))], true),
        MatchCase(
            ["_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3))],
            ["_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 4))], false),
        MatchCase(["d": .datetime(5)], ["d": .datetime(5)], true),
        MatchCase(["d": .datetime(5)], ["d": .int64(5)], false),
        MatchCase(["b": true], ["b": true], true),
        // $eq with a regular expression compares regular expressions.
        MatchCase(["a": ["$eq": .regex(BSONRegex(pattern: "x", options: "i"))]], ["a": "x"], false),
        MatchCase(
            ["a": ["$eq": .regex(BSONRegex(pattern: "x", options: "i"))]],
            ["a": .regex(BSONRegex(pattern: "x", options: "i"))], true),
        // Empty filter.
        MatchCase([:], ["a": 1], true),
        MatchCase(["$comment": "hi"], ["a": 1], true),
    ]

    @Test(arguments: equality)
    func equalityFollowsMongoDB(_ row: MatchCase) throws { try row.check() }

    static let notEqual: [MatchCase] = [
        MatchCase(["a": ["$ne": 1]], ["a": 2], true),
        MatchCase(["a": ["$ne": 1]], ["a": 1], false),
        MatchCase(["a": ["$ne": 1]], ["b": 1], true),
        MatchCase(["a": ["$ne": 1]], ["a": [1, 2]], false),
        MatchCase(["a": ["$ne": 1]], ["a": [2, 3]], true),
        MatchCase(["a": ["$ne": .null]], ["b": 1], false),
        MatchCase(["a": ["$ne": .null]], ["a": .null], false),
        MatchCase(["a": ["$ne": .null]], ["a": 0], true),
        MatchCase(["a": ["$ne": .null]], ["a": .undefined], true),
        MatchCase(["a.b": ["$ne": 1]], ["a": [["b": 1], ["b": 2]]], false),
        MatchCase(["a.b": ["$ne": 1]], ["a": [["b": 2], ["c": 1]]], true),
    ]

    @Test(arguments: notEqual)
    func neNegatesTheWholePathMatch(_ row: MatchCase) throws { try row.check() }

    static let ranges: [MatchCase] = [
        MatchCase(["a": ["$gt": 5]], ["a": 6], true),
        MatchCase(["a": ["$gt": 5]], ["a": 5], false),
        MatchCase(["a": ["$gte": 5]], ["a": 5.0], true),
        MatchCase(["a": ["$lt": 5]], ["a": .int64(4)], true),
        MatchCase(["a": ["$lte": 5]], ["a": .decimal128(try! Decimal128(parsing: "5.00"))], true),
        MatchCase(["a": ["$gt": 5]], ["a": 5.000001], true),
        MatchCase(["a": ["$lt": .int64(9_007_199_254_740_993)]], ["a": 9_007_199_254_740_992.0], true),
        // Type bracketing.
        MatchCase(["a": ["$gt": 5]], ["a": "6"], false),
        MatchCase(["a": ["$lt": "b"]], ["a": 1], false),
        MatchCase(["a": ["$gt": 5]], ["b": 6], false),
        MatchCase(["a": ["$gte": .null]], ["b": 6], true),
        MatchCase(["a": ["$lte": .null]], ["a": .null], true),
        MatchCase(["a": ["$lt": .null]], ["b": 6], false),
        MatchCase(["a": ["$gt": .null]], ["a": 1], false),
        MatchCase(["a": ["$gt": "a"]], ["a": "b"], true),
        MatchCase(["a": ["$gt": "a"]], ["a": .symbol("b")], true),
        MatchCase(["a": ["$gt": "ab"]], ["a": "a"], false),
        MatchCase(["a": ["$gt": .datetime(1)]], ["a": .datetime(2)], true),
        MatchCase(["a": ["$gt": .datetime(1)]], ["a": .timestamp(BSONTimestamp(timestamp: 9, increment: 0))], false),
        // NaN is neither greater nor smaller than anything.
        MatchCase(["a": ["$gt": .double(.nan)]], ["a": 1], false),
        MatchCase(["a": ["$lt": 1]], ["a": .double(.nan)], false),
        MatchCase(["a": ["$gte": .double(.nan)]], ["a": .double(.nan)], true),
        MatchCase(["a": ["$lte": .double(.nan)]], ["a": .decimal128(.nan)], true),
        MatchCase(["a": ["$gt": .double(-.infinity)]], ["a": .double(.nan)], false),
        // MinKey and MaxKey bounds match across brackets.
        MatchCase(["a": ["$lt": .maxKey]], ["a": "x"], true),
        MatchCase(["a": ["$lt": .maxKey]], ["b": 1], true),
        MatchCase(["a": ["$lte": .maxKey]], ["a": .maxKey], true),
        MatchCase(["a": ["$lt": .maxKey]], ["a": .maxKey], false),
        MatchCase(["a": ["$gt": .minKey]], ["a": .null], true),
        MatchCase(["a": ["$gt": .minKey]], ["a": .minKey], false),
        MatchCase(["a": ["$gt": .maxKey]], ["a": 1], false),
        MatchCase(["a": ["$eq": .minKey]], ["a": .minKey], true),
        // Arrays: any element, or the whole array against an array operand.
        MatchCase(["a": ["$gt": 5]], ["a": [1, 7]], true),
        MatchCase(["a": ["$gt": 5]], ["a": [1, 2]], false),
        MatchCase(["a": ["$gt": 5, "$lt": 3]], ["a": [1, 7]], true),
        MatchCase(["a": ["$gt": [1]]], ["a": [2]], true),
        MatchCase(["a": ["$gt": [1]]], ["a": [1]], false),
        MatchCase(["a": ["$gt": [1]]], ["a": [[1, 0]]], true),
        MatchCase(["a": ["$lt": [5]]], ["a": 1], false),
        MatchCase(["a": ["$gt": 1]], ["a": [[5]]], false),
        // Documents compare field by field.
        MatchCase(["a": ["$gt": ["x": 1]]], ["a": ["x": 2]], true),
        MatchCase(["a": ["$gt": ["x": 1]]], ["a": ["w": 9]], false),
    ]

    @Test(arguments: ranges)
    func rangesRespectTypeBrackets(_ row: MatchCase) throws { try row.check() }
}
