import DocketBSON
import Testing

@testable import Docket

/// The array expressions and the expression forms of the accumulators.
@Suite struct ExpressionArrayTests {
    static let doc: BSONDocument = [
        "a": [1, 2, 3, 4], "e": [], "n": .null, "s": "x", "i": 2,
        "people": [["name": "b", "age": 30], ["name": "a", "age": 25], ["name": "c", "age": 35]],
        "mixed": [3, 1.5, .int64(2), decimal("0.5"), "z", .null],
    ]

    static let cases: [ExpressionCase] = [
        // $size, $isArray, $reverseArray, $first, $last
        ExpressionCase(["$size": "$a"], doc, .value(4)),
        ExpressionCase(["$size": "$e"], doc, .value(0)),
        ExpressionCase(["$size": "$n"], doc, .error(17124)),
        ExpressionCase(["$size": "$missing"], doc, .error(17124)),
        ExpressionCase(["$isArray": "$a"], doc, .value(true)),
        ExpressionCase(["$isArray": ["$s"]], doc, .value(false)),
        ExpressionCase(["$reverseArray": "$a"], doc, .value([4, 3, 2, 1])),
        ExpressionCase(["$reverseArray": "$n"], doc, .value(.null)),
        ExpressionCase(["$reverseArray": "$s"], doc, .error(34435)),
        ExpressionCase(["$first": "$a"], doc, .value(1)),
        ExpressionCase(["$last": "$a"], doc, .value(4)),
        ExpressionCase(["$first": "$e"], doc, .missing),
        ExpressionCase(["$first": "$missing"], doc, .value(.null)),
        ExpressionCase(["$last": "$s"], doc, .error(28689)),
        // $arrayElemAt
        ExpressionCase(["$arrayElemAt": ["$a", 0]], doc, .value(1)),
        ExpressionCase(["$arrayElemAt": ["$a", -1]], doc, .value(4)),
        ExpressionCase(["$arrayElemAt": ["$a", 1.0]], doc, .value(2)),
        ExpressionCase(["$arrayElemAt": ["$a", 10]], doc, .missing),
        ExpressionCase(["$arrayElemAt": ["$a", -10]], doc, .missing),
        ExpressionCase(["$arrayElemAt": ["$n", 0]], doc, .value(.null)),
        ExpressionCase(["$arrayElemAt": ["$s", 0]], doc, .error(28689)),
        ExpressionCase(["$arrayElemAt": ["$a", "x"]], doc, .error(28690)),
        ExpressionCase(["$arrayElemAt": ["$a", 1.5]], doc, .error(28691)),
        // $in
        ExpressionCase(["$in": [2, "$a"]], doc, .value(true)),
        ExpressionCase(["$in": [2.0, "$a"]], doc, .value(true)),
        ExpressionCase(["$in": [9, "$a"]], doc, .value(false)),
        ExpressionCase(["$in": [.null, "$mixed"]], doc, .value(true)),
        ExpressionCase(["$in": [1, "$n"]], doc, .error(40081)),
        // $concatArrays
        ExpressionCase(["$concatArrays": ["$a", [5], "$e"]], doc, .value([1, 2, 3, 4, 5])),
        ExpressionCase(["$concatArrays": ["$a", "$missing"]], doc, .value(.null)),
        ExpressionCase(["$concatArrays": ["$a", "$s"]], doc, .error(28664)),
        // $slice
        ExpressionCase(["$slice": ["$a", 2]], doc, .value([1, 2])),
        ExpressionCase(["$slice": ["$a", -2]], doc, .value([3, 4])),
        ExpressionCase(["$slice": ["$a", 1, 2]], doc, .value([2, 3])),
        ExpressionCase(["$slice": ["$a", -3, 2]], doc, .value([2, 3])),
        ExpressionCase(["$slice": ["$a", 10, 2]], doc, .value([])),
        ExpressionCase(["$slice": ["$a", 0, 0]], doc, .error(28729)),
        ExpressionCase(["$slice": ["$n", 1]], doc, .value(.null)),
        ExpressionCase(["$slice": ["$s", 1]], doc, .error(28724)),
        ExpressionCase(["$slice": ["$a", "x"]], doc, .error(28725)),
        ExpressionCase(["$slice": ["$a"]], doc, .error(28667)),
        // $range
        ExpressionCase(["$range": [0, 5]], [:], .value([0, 1, 2, 3, 4])),
        ExpressionCase(["$range": [0, 10, 3]], [:], .value([0, 3, 6, 9])),
        ExpressionCase(["$range": [5, 0, -2]], [:], .value([5, 3, 1])),
        ExpressionCase(["$range": [0, 5, -1]], [:], .value([])),
        ExpressionCase(["$range": [0, 5, 0]], [:], .error(34449)),
        ExpressionCase(["$range": [0, .int32(.max)]], [:], .error(146)),
        ExpressionCase(["$range": ["a", 5]], [:], .error(34443)),
        ExpressionCase(["$range": [0.5, 5]], [:], .error(34444)),
        // $indexOfArray
        ExpressionCase(["$indexOfArray": ["$a", 3]], doc, .value(2)),
        ExpressionCase(["$indexOfArray": ["$a", 3, 3]], doc, .value(-1)),
        ExpressionCase(["$indexOfArray": ["$a", 3, 0, 2]], doc, .value(-1)),
        ExpressionCase(["$indexOfArray": ["$n", 3]], doc, .value(.null)),
        ExpressionCase(["$indexOfArray": ["$s", 3]], doc, .error(40090)),
        ExpressionCase(["$indexOfArray": ["$a", 3, -1]], doc, .error(9_711_601)),
        ExpressionCase(["$indexOfArray": ["$a", 3, 1.5]], doc, .error(9_711_600)),
        // $map, $filter, $reduce
        ExpressionCase(
            ["$map": ["input": "$a", "as": "x", "in": ["$multiply": ["$$x", "$i"]]]], doc, .value([2, 4, 6, 8])),
        ExpressionCase(["$map": ["input": "$a", "in": ["$add": ["$$this", 1]]]], doc, .value([2, 3, 4, 5])),
        ExpressionCase(["$map": ["input": "$people", "in": "$$this.name"]], doc, .value(["b", "a", "c"])),
        ExpressionCase(["$map": ["input": [1, 2], "in": "$$this.missing"]], [:], .value([.null, .null])),
        ExpressionCase(["$map": ["input": "$n", "in": 1]], doc, .value(.null)),
        ExpressionCase(["$map": ["input": "$s", "in": 1]], doc, .error(16883)),
        ExpressionCase(["$map": ["in": 1]], [:], .error(16880)),
        ExpressionCase(["$map": ["input": [1]]], [:], .error(16882)),
        ExpressionCase(["$map": ["input": [1], "in": 1, "x": 1]], [:], .error(16879)),
        ExpressionCase(["$map": ["input": [1], "as": "X", "in": 1]], [:], .error(16867)),
        ExpressionCase(["$filter": ["input": "$a", "cond": ["$gt": ["$$this", 2]]]], doc, .value([3, 4])),
        ExpressionCase(
            ["$filter": ["input": "$a", "as": "v", "cond": ["$gt": ["$$v", 1]], "limit": 2]], doc, .value([2, 3])),
        ExpressionCase(["$filter": ["input": "$a", "cond": true, "limit": "$n"]], doc, .value([1, 2, 3, 4])),
        ExpressionCase(["$filter": ["input": "$a", "cond": true, "limit": 0]], doc, .error(327_392)),
        ExpressionCase(["$filter": ["input": "$a", "cond": true, "limit": 1.5]], doc, .error(327_391)),
        ExpressionCase(["$filter": ["input": "$missing", "cond": true]], doc, .value(.null)),
        ExpressionCase(["$filter": ["input": "$s", "cond": true]], doc, .error(28651)),
        ExpressionCase(["$filter": ["input": "$a"]], doc, .error(28650)),
        ExpressionCase(
            ["$reduce": ["input": "$a", "initialValue": 0, "in": ["$add": ["$$value", "$$this"]]]], doc, .value(10)),
        ExpressionCase(
            [
                "$reduce": [
                    "input": [["a", "b"], ["c"]], "initialValue": [], "in": ["$concatArrays": ["$$value", "$$this"]],
                ]
            ],
            [:], .value(["a", "b", "c"])),
        ExpressionCase(["$reduce": ["input": "$e", "initialValue": "init", "in": 1]], doc, .value("init")),
        ExpressionCase(["$reduce": ["input": "$n", "initialValue": 0, "in": 1]], doc, .value(.null)),
        ExpressionCase(["$reduce": ["input": "$s", "initialValue": 0, "in": 1]], doc, .error(40080)),
        ExpressionCase(["$reduce": ["input": [1], "in": 1]], [:], .error(40078)),
        // $zip
        ExpressionCase(["$zip": ["inputs": [[1, 2, 3], ["a", "b"]]]], [:], .value([[1, "a"], [2, "b"]])),
        ExpressionCase(
            ["$zip": ["inputs": [[1, 2, 3], ["a"]], "useLongestLength": true, "defaults": [0, "z"]]], [:],
            .value([[1, "a"], [2, "z"], [3, "z"]])),
        ExpressionCase(["$zip": ["inputs": [[1], "$n"]]], doc, .value(.null)),
        ExpressionCase(["$zip": ["inputs": [[1], "$s"]]], doc, .error(34468)),
        ExpressionCase(["$zip": ["inputs": [[1]], "defaults": [0]]], [:], .error(34466)),
        ExpressionCase(["$zip": ["inputs": []]], [:], .error(34465)),
        // $sortArray
        ExpressionCase(["$sortArray": ["input": [3, 1, 2], "sortBy": 1]], [:], .value([1, 2, 3])),
        ExpressionCase(["$sortArray": ["input": [3, "a", 1.5], "sortBy": -1]], [:], .value(["a", 3, 1.5])),
        ExpressionCase(
            ["$sortArray": ["input": "$people", "sortBy": ["age": -1]]], doc,
            .value([["name": "c", "age": 35], ["name": "b", "age": 30], ["name": "a", "age": 25]])),
        ExpressionCase(["$sortArray": ["input": "$n", "sortBy": 1]], doc, .value(.null)),
        ExpressionCase(["$sortArray": ["input": "$s", "sortBy": 1]], doc, .error(2_942_504)),
        ExpressionCase(["$sortArray": ["input": [1]]], [:], .error(2_942_503)),
        ExpressionCase(["$sortArray": ["input": [1], "sortBy": 2]], [:], .error(2_942_506)),
        ExpressionCase(["$sortArray": ["input": [1], "sortBy": "x"]], [:], .error(2_942_507)),
        // $firstN, $lastN, $maxN, $minN
        ExpressionCase(["$firstN": ["n": 2, "input": "$a"]], doc, .value([1, 2])),
        ExpressionCase(["$lastN": ["n": 2, "input": "$a"]], doc, .value([3, 4])),
        ExpressionCase(["$lastN": ["n": 10, "input": "$a"]], doc, .value([1, 2, 3, 4])),
        ExpressionCase(["$maxN": ["n": 2, "input": [3, .null, 7, 1]]], [:], .value([7, 3])),
        ExpressionCase(["$minN": ["n": 2, "input": [3, .null, 7, 1]]], [:], .value([1, 3])),
        ExpressionCase(["$firstN": ["n": 0, "input": "$a"]], doc, .error(5_787_908)),
        // mongod's AccumulatorN::validateN: a non-number is 5787902, a fractional number 5787903.
        ExpressionCase(["$firstN": ["n": "2", "input": "$a"]], doc, .error(5_787_902)),
        ExpressionCase(["$firstN": ["n": 1.5, "input": "$a"]], doc, .error(5_787_903)),
        ExpressionCase(["$firstN": ["n": 2.0, "input": "$a"]], doc, .value([1, 2])),
        ExpressionCase(["$maxN": 1], [:], .error(5_787_900)),
        ExpressionCase(["$lastN": 1], [:], .error(5_787_801)),
        // Accumulators as expressions.
        ExpressionCase(["$sum": "$a"], doc, .value(10)),
        ExpressionCase(["$sum": ["$i", 3, "$s"]], doc, .value(5)),
        ExpressionCase(["$sum": "$mixed"], doc, .value(decimal("7.0"))),
        ExpressionCase(["$sum": "$missing"], doc, .value(0)),
        ExpressionCase(["$avg": "$a"], doc, .value(2.5)),
        ExpressionCase(["$avg": [1, 2]], [:], .value(1.5)),
        ExpressionCase(["$avg": "$s"], doc, .value(.null)),
        ExpressionCase(["$max": "$mixed"], doc, .value("z")),
        ExpressionCase(["$min": "$mixed"], doc, .value(decimal("0.5"))),
        ExpressionCase(["$min": ["$n", "$missing"]], doc, .value(.null)),
        ExpressionCase(["$max": [1, "$i"]], doc, .value(2)),
        ExpressionCase(["$stdDevPop": [[1, 2, 3, 4]]], [:], .value(1.118033988749895)),
        ExpressionCase(["$stdDevSamp": "$a"], doc, .value(1.2909944487358056)),
        ExpressionCase(["$stdDevSamp": [[1]]], [:], .value(.null)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}

/// `$percentile` and `$median` as expressions.
@Suite struct ExpressionPercentileTests {
    static let cases: [ExpressionCase] = [
        ExpressionCase(
            ["$percentile": ["p": [0.5], "input": "$x", "method": "approximate"]], ["x": [0, "non-numeric", 1, 2]],
            .value([1.0])),
        ExpressionCase(
            ["$percentile": ["p": [0], "input": "$x", "method": "approximate"]], ["x": [10, 5, 27]], .value([5.0])),
        ExpressionCase(
            ["$percentile": ["p": [0.5, 0.9, 0.1], "input": "$x", "method": "discrete"]], ["x": [0, 1, 2]],
            .value([1.0, 2.0, 0.0])),
        ExpressionCase(
            ["$percentile": ["p": [0.5], "input": ["$a", "$b", "$c"], "method": "approximate"]],
            ["a": 0, "b": "x", "c": 2], .value([0.0])),
        ExpressionCase(
            ["$percentile": ["p": [0.5, 1], "input": "$x", "method": "approximate"]], ["x": "text"],
            .value([.null, .null])),
        ExpressionCase(
            ["$percentile": ["p": [0.25], "input": "$x", "method": "continuous"]], ["x": [1, 2, 3, 4, 5]],
            .value([2.0])),
        ExpressionCase(
            ["$percentile": ["p": [0.1], "input": "$x", "method": "continuous"]], ["x": [1, 2]], .value([1.1])),
        ExpressionCase(["$median": ["input": "$x", "method": "approximate"]], ["x": [3, 1, 2, 10]], .value(2.0)),
        ExpressionCase(["$median": ["input": 7, "method": "approximate"]], [:], .value(7.0)),
        ExpressionCase(["$median": ["input": "$missing", "method": "approximate"]], [:], .value(.null)),
        ExpressionCase(["$median": 1], [:], .error(7_436_200)),
        ExpressionCase(["$median": ["input": 1]], [:], .error(40414)),
        ExpressionCase(["$median": ["input": 1, "method": "approximate", "p": [0.5]]], [:], .error(40415)),
        ExpressionCase(["$median": ["input": 1, "method": "exact"]], [:], .error(2)),
        ExpressionCase(["$percentile": ["p": 0.5, "input": 1, "method": "approximate"]], [:], .error(7_750_301)),
        ExpressionCase(["$percentile": ["p": [], "input": 1, "method": "approximate"]], [:], .error(7_750_301)),
        ExpressionCase(["$percentile": ["p": ["x"], "input": 1, "method": "approximate"]], [:], .error(7_750_302)),
        ExpressionCase(["$percentile": ["p": [1.5], "input": 1, "method": "approximate"]], [:], .error(7_750_303)),
        ExpressionCase(["$percentile": ["p": "$p", "input": 1, "method": "approximate"]], [:], .error(7_750_300)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}
