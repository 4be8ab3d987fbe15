import Testing

@testable import Docket

/// `$elemMatch` projection cases, after MongoDB's jstests/core/elemmatch_projection.js and the manual. Outputs are
/// compared without `_id` unless the case keeps it.
@Suite struct ProjectionElemMatchTests {
    static let cases: [ProjectionCase] = [
        .init(
            name: "single object match", document: ["_id": 1, "x": [["a": 1, "b": 4], ["a": -6, "c": 3]]],
            projection: ["x": ["$elemMatch": ["a": -6]]], expected: ["_id": 1, "x": [["a": -6, "c": 3]]]),
        .init(
            name: "two conditions on one element", document: ["_id": 1, "x": [["a": 1, "b": 4], ["a": -6, "c": 3]]],
            projection: ["x": ["$elemMatch": ["a": -6, "c": 3]]], expected: ["_id": 1, "x": [["a": -6, "c": 3]]]),
        .init(
            name: "operator condition", document: ["_id": 1, "x": [["a": 1, "b": 4], ["a": -6, "c": 3]]],
            projection: ["x": ["$elemMatch": ["a": ["$lt": 1]]]], expected: ["_id": 1, "x": [["a": -6, "c": 3]]]),
        .init(
            name: "only the first matching element",
            document: ["_id": 1, "x": [["a": 1, "b": 1], ["a": 1, "b": 2]]],
            projection: ["x": ["$elemMatch": ["a": ["$gt": 0, "$lt": 2]]]],
            expected: ["_id": 1, "x": [["a": 1, "b": 1]]]),
        .init(
            name: "$in on scalar elements", document: ["_id": 1, "x": [1, 2, 3, 4, 5]],
            projection: ["x": ["$elemMatch": ["$in": [100, 4, -123]]]], expected: ["_id": 1, "x": [4]]),
        .init(
            name: "$nin on scalar elements", document: ["_id": 1, "x": [1, 2, 3, 4, 5]],
            projection: ["x": ["$elemMatch": ["$nin": [4, 5, 6]]]], expected: ["_id": 1, "x": [1]]),
        .init(
            name: "range on scalar elements", document: ["_id": 1, "x": [1, 2, 4, 3, 5]],
            projection: ["x": ["$elemMatch": ["$gt": 2, "$lt": 4]]], expected: ["_id": 1, "x": [3]]),
        .init(
            name: "empty predicate matches the first array or object",
            document: ["_id": 1, "x": ["string", 123, [1, 2, 3], ["a": 1]]], projection: ["x": ["$elemMatch": [:]]],
            expected: ["_id": 1, "x": [[1, 2, 3]]]),
        .init(
            name: "nested $elemMatch", document: ["_id": 1, "x": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]],
            projection: ["x": ["$elemMatch": ["$elemMatch": ["$gt": 5, "$lt": 7]]]],
            expected: ["_id": 1, "x": [[4, 5, 6]]]),
        .init(
            name: "$ne", document: ["_id": 1, "x": [["a": 1, "b": 2], ["a": 2, "c": 3], ["a": 1, "d": 5]]],
            projection: ["x": ["$elemMatch": ["a": ["$ne": 1]]]], expected: ["_id": 1, "x": [["a": 2, "c": 3]]]),
        .init(
            name: "$exists", document: ["_id": 1, "x": [["a": 1, "b": 2], ["a": 2, "c": 3], ["a": 1, "d": 5]]],
            projection: ["x": ["$elemMatch": ["d": ["$exists": true]]]], expected: ["_id": 1, "x": [["a": 1, "d": 5]]]),
        .init(
            name: "two $elemMatch projections with _id: 0",
            document: [
                "_id": 1, "x": [["a": 1, "b": 2], ["a": 3, "b": 4]], "y": [["c": 1, "d": 2], ["c": 3, "d": 4]],
            ],
            projection: ["_id": 0, "x": ["$elemMatch": ["a": 1]], "y": ["$elemMatch": ["c": 3]]],
            expected: ["x": [["a": 1, "b": 2]], "y": [["c": 3, "d": 4]]]),
        .init(
            name: "non-array value is omitted", document: ["_id": 1, "x": ["a": 123], "d": 456],
            projection: ["x": ["$elemMatch": ["$gt": 2]]], expected: ["_id": 1]),
        .init(
            name: "non-array value is omitted next to an inclusion", document: ["_id": 1, "x": ["a": 123], "d": 456],
            projection: ["x": ["$elemMatch": ["$gt": 2]], "d": 1], expected: ["_id": 1, "d": 456]),
        .init(
            name: "non-array value is omitted from an exclusion", document: ["_id": 1, "x": ["a": 123], "d": 456],
            projection: ["x": ["$elemMatch": ["$gt": 2]], "d": 0], expected: ["_id": 1]),
        .init(
            name: "no matching element omits the field", document: ["_id": 1, "x": [1, 2, 3]],
            projection: ["x": ["$elemMatch": ["$lt": 0]]], expected: ["_id": 1]),
        .init(
            name: "missing field is omitted", document: ["_id": 1, "y": 1],
            projection: ["x": ["$elemMatch": ["$lt": 0]]], expected: ["_id": 1]),
        .init(
            name: "the field comes after the other inclusions (manual example)",
            document: [
                "_id": 1, "name": "player1", "games": [["game": "abc", "score": 8], ["game": "xyz", "score": 5]],
                "joined": .datetime(1), "lastLogin": .datetime(2),
            ],
            projection: ["games": ["$elemMatch": ["score": ["$gt": 5]]], "joined": 1, "lastLogin": 1],
            expected: [
                "_id": 1, "joined": .datetime(1), "lastLogin": .datetime(2), "games": [["game": "abc", "score": 8]],
            ]),
        .init(
            name: "schools example: first student of school 102",
            document: [
                "_id": 1, "zipcode": "63109",
                "students": [
                    ["name": "john", "school": 102, "age": 10], ["name": "jess", "school": 102, "age": 11],
                    ["name": "jeff", "school": 108, "age": 15],
                ],
            ],
            projection: ["students": ["$elemMatch": ["school": 102]]],
            expected: ["_id": 1, "students": [["name": "john", "school": 102, "age": 10]]]),
        .init(
            name: "schools example: two conditions",
            document: [
                "_id": 1, "zipcode": "63109",
                "students": [
                    ["name": "john", "school": 102, "age": 10], ["name": "jess", "school": 102, "age": 11],
                    ["name": "jeff", "school": 108, "age": 15],
                ],
            ],
            projection: ["students": ["$elemMatch": ["school": 102, "age": ["$gt": 10]]]],
            expected: ["_id": 1, "students": [["name": "jess", "school": 102, "age": 11]]]),
    ]

    @Test(arguments: cases) func elemMatch(_ c: ProjectionCase) throws {
        let output = try Projection(c.projection).apply(to: c.document, details: MatchDetails())
        #expect(
            output.isIdentical(to: c.expected),
            "\(ProjectionFormattingForTests.describe(output)) != \(ProjectionFormattingForTests.describe(c.expected))")
    }

    static let errorCases: [ProjectionErrorCase] = [
        .init(
            projection: ["a.b": ["$elemMatch": ["x": 1]]], code: 31275,
            message: "Cannot use $elemMatch projection on a nested field."),
        .init(
            projection: ["a": ["b": ["$elemMatch": ["x": 1]]]], code: 31275,
            message: "Cannot use $elemMatch projection on a nested field."),
        .init(
            projection: ["a.$": 1, "b": ["$elemMatch": ["x": 1]]], code: 31255,
            message: "Cannot specify positional operator and $elemMatch."),
        .init(
            projection: ["b": ["$elemMatch": ["x": 1]], "a.$": 1], code: 31256,
            message: "Cannot specify positional operator and $elemMatch."),
        .init(projection: ["a": ["$elemMatch": ["$foo": 1]]], code: 2, message: "unknown operator: $foo"),
    ]

    @Test(arguments: errorCases) func rejects(_ c: ProjectionErrorCase) {
        let error = #expect(throws: DocketError.self) { try Projection(c.projection) }
        #expect(error?.code.code == c.code)
        #expect(error?.message == c.message)
    }

    @Test func elemMatchAloneIsAnInclusion() throws {
        #expect(try Projection(["a": ["$elemMatch": ["x": 1]]]).isInclusion)
        #expect(try Projection(["_id": 0, "a": ["$elemMatch": ["x": 1]]]).isInclusion)
        #expect(try !Projection(["b": 0, "a": ["$elemMatch": ["x": 1]]]).isInclusion)
    }
}
