import DocketBSON
import Testing

@testable import Docket

/// Set and object expressions.
@Suite struct ExpressionSetObjectTests {
    static let doc: BSONDocument = [
        "a": [1, 2, 2, 3], "b": [3, 2.0, 4], "e": [], "n": .null, "s": "x",
        "o": ["x": 1, "y": ["z": 2]], "pairs": [["k", 1], ["j", 2]], "kv": [["k": "p", "v": 1], ["k": "q", "v": 2]],
    ]

    static let cases: [ExpressionCase] = [
        // Sets: duplicates collapse, 2 and 2.0 are one element.
        ExpressionCase(["$setEquals": ["$a", [3, 1, 2]]], doc, .value(true)),
        ExpressionCase(["$setEquals": ["$a", "$b"]], doc, .value(false)),
        ExpressionCase(["$setEquals": ["$a"]], doc, .error(17045)),
        ExpressionCase(["$setEquals": ["$a", "$n"]], doc, .error(17044)),
        ExpressionCase(["$setEquals": ["$a", .null]], doc, .error(5_887_502)),
        ExpressionCase(["$setUnion": [[3, "a"], [1.5, 3]]], [:], .value([1.5, 3, "a"])),
        ExpressionCase(["$setEquals": []], doc, .error(17045)),
        ExpressionCase(["$setIntersection": ["$a", "$b"]], doc, .value([2, 3])),
        ExpressionCase(["$setIntersection": ["$a", "$e"]], doc, .value([])),
        ExpressionCase(["$setIntersection": ["$a", "$n"]], doc, .value(.null)),
        ExpressionCase(["$setIntersection": ["$a", "$s"]], doc, .error(17047)),
        ExpressionCase(["$setUnion": ["$a", "$b"]], doc, .value([1, 2, 3, 4])),
        ExpressionCase(["$setUnion": ["$a", "$missing"]], doc, .value(.null)),
        ExpressionCase(["$setUnion": ["$s"]], doc, .error(17043)),
        // Left to right: a null before a non-array gives null, a non-array before a null is refused.
        ExpressionCase(["$setUnion": ["$n", 1]], doc, .value(.null)),
        ExpressionCase(["$setUnion": [1, "$n"]], doc, .error(17043)),
        ExpressionCase(["$setDifference": ["$a", "$b"]], doc, .value([1])),
        ExpressionCase(["$setDifference": ["$n", "$b"]], doc, .value(.null)),
        ExpressionCase(["$setDifference": ["$s", "$b"]], doc, .error(17048)),
        ExpressionCase(["$setDifference": ["$a", "$s"]], doc, .error(17049)),
        ExpressionCase(["$setIsSubset": [[2, 3], "$b"]], doc, .value(true)),
        ExpressionCase(["$setIsSubset": ["$a", "$b"]], doc, .value(false)),
        ExpressionCase(["$setIsSubset": ["$n", "$b"]], doc, .error(17046)),
        ExpressionCase(["$setIsSubset": ["$a", "$n"]], doc, .error(17042)),
        ExpressionCase(["$anyElementTrue": [[0, .null, false]]], [:], .value(false)),
        ExpressionCase(["$anyElementTrue": [[0, "x"]]], [:], .value(true)),
        ExpressionCase(["$allElementsTrue": [[1, "x", []]]], [:], .value(true)),
        ExpressionCase(["$allElementsTrue": [[]]], [:], .value(true)),
        ExpressionCase(["$allElementsTrue": "$n"], doc, .error(17040)),
        ExpressionCase(["$anyElementTrue": "$missing"], doc, .error(17041)),
        // Objects.
        ExpressionCase(["$mergeObjects": ["$o", ["y": 3, "w": 4]]], doc, .value(["x": 1, "y": 3, "w": 4])),
        ExpressionCase(["$mergeObjects": ["$n", "$o", "$missing"]], doc, .value(["x": 1, "y": ["z": 2]])),
        ExpressionCase(["$mergeObjects": ["$s"]], doc, .error(40400)),
        ExpressionCase(["$objectToArray": "$o"], doc, .value([["k": "x", "v": 1], ["k": "y", "v": ["z": 2]]])),
        ExpressionCase(["$objectToArray": "$n"], doc, .value(.null)),
        ExpressionCase(["$objectToArray": "$s"], doc, .error(40390)),
        ExpressionCase(["$arrayToObject": "$pairs"], doc, .value(["k": 1, "j": 2])),
        ExpressionCase(["$arrayToObject": "$kv"], doc, .value(["p": 1, "q": 2])),
        ExpressionCase(["$arrayToObject": [[["a", 1], ["a", 2]]]], [:], .value(["a": 2])),
        ExpressionCase(["$arrayToObject": "$e"], doc, .value([:])),
        ExpressionCase(["$arrayToObject": "$n"], doc, .value(.null)),
        ExpressionCase(["$arrayToObject": "$s"], doc, .error(40386)),
        ExpressionCase(["$arrayToObject": [[1]]], [:], .error(40398)),
        ExpressionCase(["$arrayToObject": [[["a", 1], ["k": "b", "v": 2]]]], [:], .error(40396)),
        ExpressionCase(["$arrayToObject": [[["a"]]]], [:], .error(40397)),
        ExpressionCase(["$arrayToObject": [[[1, 2]]]], [:], .error(40395)),
        ExpressionCase(["$arrayToObject": [[["k": "a"]]]], [:], .error(40392)),
        ExpressionCase(["$arrayToObject": [[["k": "a", "x": 1]]]], [:], .error(40393)),
        ExpressionCase(["$arrayToObject": [[["k": 1, "v": 1]]]], [:], .error(40394)),
        ExpressionCase(["$getField": "s"], doc, .value("x")),
        ExpressionCase(["$getField": ["field": "x", "input": "$o"]], doc, .value(1)),
        ExpressionCase(["$getField": ["field": "a.b", "input": ["$literal": ["a.b": 5]]]], [:], .value(5)),
        // The field is an expression: "$x" reads field x of the document (missing here).
        ExpressionCase(["$getField": ["field": "$x", "input": ["$literal": ["$x": 7]]]], [:], .error(3_041_704)),
        ExpressionCase(["$getField": ["field": "$s", "input": ["x": 8]]], doc, .value(8)),
        ExpressionCase(["$getField": ["$literal": "s"]], doc, .value("x")),
        ExpressionCase(["$getField": ["field": ["$literal": "$x"], "input": ["$literal": ["$x": 7]]]], [:], .value(7)),
        ExpressionCase(["$getField": ["field": "nope", "input": "$o"]], doc, .missing),
        ExpressionCase(["$getField": ["field": "x", "input": "$n"]], doc, .value(.null)),
        ExpressionCase(["$getField": ["field": "x", "input": "$missing"]], doc, .missing),
        ExpressionCase(["$getField": ["field": "x", "input": "$s"]], doc, .missing),
        ExpressionCase(["$getField": ["field": 1, "input": "$o"]], doc, .error(3_041_704)),
        ExpressionCase(["$getField": "$n"], doc, .error(3_041_704)),
        ExpressionCase(["$getField": ["input": "$o"]], doc, .error(3_041_702)),
        ExpressionCase(["$getField": ["field": "s"]], doc, .error(3_041_703)),
        ExpressionCase(["$getField": ["k": 1]], doc, .error(3_041_701)),
        ExpressionCase(
            ["$setField": ["field": "x", "input": "$o", "value": 9]], doc, .value(["x": 9, "y": ["z": 2]])),
        ExpressionCase(
            ["$setField": ["field": "w", "input": "$o", "value": 9]], doc, .value(["x": 1, "y": ["z": 2], "w": 9])),
        ExpressionCase(
            ["$setField": ["field": "x", "input": "$o", "value": "$$REMOVE"]], doc, .value(["y": ["z": 2]])),
        ExpressionCase(["$setField": ["field": "x", "input": "$n", "value": 1]], doc, .value(.null)),
        ExpressionCase(["$setField": ["field": "x", "input": "$s", "value": 1]], doc, .error(4_161_105)),
        ExpressionCase(["$setField": ["field": "x", "input": "$o"]], doc, .error(4_161_103)),
        ExpressionCase(["$unsetField": ["field": "y", "input": "$o"]], doc, .value(["x": 1])),
        ExpressionCase(["$unsetField": ["field": "x", "input": "$o", "value": 1]], doc, .error(4_161_101)),
        ExpressionCase(["$setField": ["field": "$s", "input": "$o", "value": 1]], doc, .error(4_161_106)),
        ExpressionCase(["$setField": ["field": 1, "input": "$o", "value": 1]], doc, .error(4_161_107)),
        ExpressionCase(["$setField": ["field": "x", "value": 1]], doc, .error(4_161_109)),
        ExpressionCase(["$setField": "x"], doc, .error(4_161_100)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}
