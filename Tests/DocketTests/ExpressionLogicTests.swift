import DocketBSON
import Testing

@testable import Docket

/// Comparison, boolean and conditional expressions.
@Suite struct ExpressionLogicTests {
    static let doc: BSONDocument = ["a": 1, "b": 2.0, "s": "x", "n": .null, "z": 0, "arr": [1, 2], "f": false]

    static let cases: [ExpressionCase] = [
        // Comparisons use MongoDB's order across types; missing compares as undefined (below null).
        ExpressionCase(["$cmp": ["$a", "$b"]], doc, .value(-1)),
        ExpressionCase(["$cmp": ["$b", "$a"]], doc, .value(1)),
        ExpressionCase(["$cmp": [1, 1.0]], [:], .value(0)),
        ExpressionCase(["$eq": ["$a", 1.0]], doc, .value(true)),
        ExpressionCase(["$eq": ["$a", decimal("1.00")]], doc, .value(true)),
        ExpressionCase(["$eq": ["$missing", .null]], doc, .value(false)),
        ExpressionCase(["$eq": ["$missing", "$alsoMissing"]], doc, .value(true)),
        ExpressionCase(["$lt": ["$missing", .null]], doc, .value(true)),
        ExpressionCase(["$gt": ["$s", "$a"]], doc, .value(true)),
        ExpressionCase(["$gt": ["$arr", "$s"]], doc, .value(true)),
        ExpressionCase(["$eq": ["$arr", [1, 2]]], doc, .value(true)),
        ExpressionCase(["$eq": ["$arr", 1]], doc, .value(false)),
        ExpressionCase(["$ne": ["$a", 2]], doc, .value(true)),
        ExpressionCase(["$gte": ["$b", 2]], doc, .value(true)),
        ExpressionCase(["$lte": ["$b", .int64(1)]], doc, .value(false)),
        ExpressionCase(["$lt": ["$n", 0]], doc, .value(true)),
        ExpressionCase(["$eq": [1]], [:], .error(16020)),
        ExpressionCase(["$gt": [1, 2, 3]], [:], .error(16020)),
        // $and, $or, $not: truthiness (0, null, missing, false, undefined are false; "", [] and NaN are true).
        ExpressionCase(["$and": [1, "green"]], [:], .value(true)),
        ExpressionCase(["$and": []], [:], .value(true)),
        ExpressionCase(["$and": ["$a", "$z"]], doc, .value(false)),
        ExpressionCase(["$and": [[.null], [false], [0]]], [:], .value(true)),
        ExpressionCase(["$and": ["$missing"]], doc, .value(false)),
        ExpressionCase(["$or": ["$z", "$n", "$f"]], doc, .value(false)),
        ExpressionCase(["$or": ["$z", ""]], doc, .value(true)),
        ExpressionCase(["$or": []], [:], .value(false)),
        ExpressionCase(["$or": [.double(.nan)]], [:], .value(true)),
        ExpressionCase(["$or": [decimal("0.0")]], [:], .value(false)),
        ExpressionCase(["$not": ["$z"]], doc, .value(true)),
        ExpressionCase(["$not": "$a"], doc, .value(false)),
        ExpressionCase(["$not": [[]]], [:], .value(false)),
        ExpressionCase(["$not": [1, 2]], [:], .error(16020)),
        // $and/$or short-circuit: the failing operand is never evaluated.
        ExpressionCase(["$and": ["$z", ["$divide": ["$a", "$z"]]]], doc, .value(false)),
        ExpressionCase(["$or": ["$a", ["$divide": ["$a", "$z"]]]], doc, .value(true)),
        // $cond, both forms.
        ExpressionCase(["$cond": [["$gt": ["$a", 0]], "pos", "neg"]], doc, .value("pos")),
        ExpressionCase(["$cond": ["if": "$z", "then": "yes", "else": "no"]], doc, .value("no")),
        ExpressionCase(["$cond": ["if": "$missing", "then": "yes", "else": "$missing"]], doc, .missing),
        ExpressionCase(["$cond": [true, "$a", ["$divide": [1, "$z"]]]], doc, .value(1)),
        ExpressionCase(["$cond": [1, 2]], [:], .error(16020)),
        ExpressionCase(["$cond": ["then": 1, "else": 2]], [:], .error(17080)),
        ExpressionCase(["$cond": ["if": 1, "else": 2]], [:], .error(17081)),
        ExpressionCase(["$cond": ["if": 1, "then": 2]], [:], .error(17082)),
        ExpressionCase(["$cond": ["if": 1, "then": 2, "else": 3, "x": 4]], [:], .error(17083)),
        // $ifNull: the first input that is not null or missing, else the replacement as it is.
        ExpressionCase(["$ifNull": ["$missing", "$n", "$a"]], doc, .value(1)),
        ExpressionCase(["$ifNull": ["$s", "d"]], doc, .value("x")),
        ExpressionCase(["$ifNull": ["$n", "$missing"]], doc, .missing),
        ExpressionCase(["$ifNull": ["$z", 5]], doc, .value(0)),
        ExpressionCase(["$ifNull": ["$n"]], doc, .error(1_257_300)),
        // $switch
        ExpressionCase(
            [
                "$switch": [
                    "branches": [
                        ["case": ["$eq": ["$a", 0]], "then": "zero"], ["case": ["$eq": ["$a", 1]], "then": "one"],
                    ]
                ]
            ],
            doc, .value("one")),
        ExpressionCase(
            ["$switch": ["branches": [["case": "$z", "then": 1]], "default": "other"]], doc, .value("other")),
        ExpressionCase(["$switch": ["branches": [["case": "$z", "then": 1]]]], doc, .error(40066)),
        ExpressionCase(["$switch": 1], [:], .error(40060)),
        ExpressionCase(["$switch": ["branches": 1]], [:], .error(40061)),
        ExpressionCase(["$switch": ["branches": [1]]], [:], .error(40062)),
        ExpressionCase(["$switch": ["branches": [["case": 1, "then": 1, "x": 1]]]], [:], .error(40063)),
        ExpressionCase(["$switch": ["branches": [["then": 1]]]], [:], .error(40064)),
        ExpressionCase(["$switch": ["branches": [["case": 1]]]], [:], .error(40065)),
        ExpressionCase(["$switch": ["branches": [["case": 1, "then": 1]], "x": 1]], [:], .error(40067)),
        ExpressionCase(["$switch": ["branches": []]], [:], .error(40068)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}
