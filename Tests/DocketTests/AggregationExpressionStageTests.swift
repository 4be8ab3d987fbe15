import Testing

@testable import Docket

@Suite struct AggregationExpressionStageTests {
    static let docs: [BSONDocument] = [
        ["_id": 1, "a": 2, "b": ["c": 1, "d": 2], "arr": [["x": 1], 5, ["x": 2]]],
        ["_id": 2, "a": 2.5, "b": 7],
        ["_id": 3, "a": .null],
        ["_id": 4],
    ]

    struct Case: CustomTestStringConvertible, Sendable {
        var stage: BSONDocument
        var expected: [BSONDocument]
        var testDescription: String { "\(stage)" }
    }

    static let cases: [Case] = [
        Case(
            stage: ["$addFields": ["n": ["$add": ["$a", 1]]]],
            expected: [
                ["_id": 1, "a": 2, "b": ["c": 1, "d": 2], "arr": [["x": 1], 5, ["x": 2]], "n": 3],
                ["_id": 2, "a": 2.5, "b": 7, "n": 3.5], ["_id": 3, "a": .null, "n": .null], ["_id": 4, "n": .null],
            ]),
        // A missing result removes the field; an existing field keeps its position.
        Case(
            stage: ["$set": ["a": "$missing", "_id": ["$multiply": ["$_id", 10]]]],
            expected: [
                ["_id": 10, "b": ["c": 1, "d": 2], "arr": [["x": 1], 5, ["x": 2]]], ["_id": 20, "b": 7],
                ["_id": 30], ["_id": 40],
            ]),
        // Nested fields merge into embedded documents, map over arrays and replace scalars.
        Case(
            stage: ["$addFields": ["b.e": "new", "arr": ["y": "$_id"]]],
            expected: [
                [
                    "_id": 1, "a": 2, "b": ["c": 1, "d": 2, "e": "new"],
                    "arr": [["x": 1, "y": 1], ["y": 1], ["x": 2, "y": 1]],
                ],
                ["_id": 2, "a": 2.5, "b": ["e": "new"], "arr": ["y": 2]],
                ["_id": 3, "a": .null, "b": ["e": "new"], "arr": ["y": 3]],
                ["_id": 4, "b": ["e": "new"], "arr": ["y": 4]],
            ]),
        Case(
            stage: ["$project": ["a": 1, "twice": ["$multiply": ["$a", 2]], "lit": "x", "_id": 0]],
            expected: [
                ["a": 2, "twice": 4, "lit": "x"], ["a": 2.5, "twice": 5.0, "lit": "x"],
                ["a": .null, "twice": .null, "lit": "x"],
                ["twice": .null, "lit": "x"],
            ]),
        Case(
            stage: ["$project": ["id": "$_id", "b.c": 1, "b.f": ["$literal": 1]]],
            expected: [
                // Included fields keep the document's order; computed ones follow in specification order.
                ["_id": 1, "b": ["c": 1, "f": 1], "id": 1], ["_id": 2, "id": 2, "b": ["f": 1]],
                ["_id": 3, "id": 3, "b": ["f": 1]], ["_id": 4, "id": 4, "b": ["f": 1]],
            ]),
        Case(
            stage: ["$replaceWith": ["k": "$_id", "v": "$a"]],
            expected: [["k": 1, "v": 2], ["k": 2, "v": 2.5], ["k": 3, "v": .null], ["k": 4]]),
        Case(
            stage: ["$replaceRoot": ["newRoot": ["$mergeObjects": [["a": 0], ["x": "$a"]]]]],
            expected: [["a": 0, "x": 2], ["a": 0, "x": 2.5], ["a": 0, "x": .null], ["a": 0]]),
    ]

    @Test(arguments: cases) func stage(_ c: Case) throws {
        let result = try aggregate(Self.docs, [c.stage])
        #expect(result.count == c.expected.count)
        for (actual, expected) in zip(result, c.expected) {
            #expect(sameValue(.document(actual), .document(expected)), "\(actual) != \(expected)")
        }
    }

    static let errors: [(BSONDocument, Int)] = [
        (["$addFields": 1], 40272), (["$set": ["a": ["$foo": 1]]], 168), (["$replaceRoot": ["x": 1]], 40415),
        (["$replaceRoot": [:]], 40414), (["$project": ["a": 0, "b": ["$add": [1]]]], 31252),
        (["$project": ["a": [:]]], 51270),
    ]

    @Test(arguments: 0..<errors.count) func parseErrors(_ index: Int) {
        let (stage, code) = Self.errors[index]
        #expect(errorCode { _ = try aggregate([], [stage]) } == code, "\(stage)")
    }

    @Test func replaceRootRejectsNonDocuments() throws {
        #expect(errorCode { _ = try aggregate(Self.docs, [["$replaceWith": "$a"]]) } == 40228)
        #expect(errorCode { _ = try aggregate(Self.docs, [["$replaceWith": ["$mergeObjects": ["$b"]]]]) } == 40400)
        do {
            _ = try aggregate([["_id": 1]], [["$replaceRoot": ["newRoot": "$x"]]])
            Issue.record("expected an error")
        } catch let error as DocketError {
            #expect(
                error.message
                    == "'newRoot' expression must evaluate to an object, but resulting value was: MISSING. Type of "
                    + "resulting value: 'missing'. Input document: { _id: 1 }")
        }
    }

    @Test func letVariablesReachExpressions() throws {
        let options = AggregateOptions(let: ["factor": 3])
        let result = try aggregate(
            [["a": 2]], [["$project": ["_id": 0, "v": ["$multiply": ["$a", "$$factor"]]]]], options: options)
        #expect(result == [["v": 6]])
    }
}
