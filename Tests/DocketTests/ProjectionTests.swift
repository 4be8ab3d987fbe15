import Testing

@testable import Docket

/// One projection case: a document, a projection, the expected result (expected documents are compared with
/// `isIdentical`, so field order and numeric types count).
struct ProjectionCase: CustomTestStringConvertible, Sendable {
    var name: String
    var document: BSONDocument
    var projection: BSONDocument
    var expected: BSONDocument
    var arrayPosition: Int? = nil
    var testDescription: String { name }
}

/// One projection the parser must reject.
struct ProjectionErrorCase: CustomTestStringConvertible, Sendable {
    var projection: BSONDocument
    var code: Int
    var message: String
    var testDescription: String { ProjectionFormattingForTests.describe(projection) }
}

enum ProjectionFormattingForTests {
    static func describe(_ document: BSONDocument) -> String {
        "{" + document.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
    }
}

private let inventory: BSONDocument = [
    "_id": 1, "item": "journal", "status": "A", "size": ["h": 14, "w": 21, "uom": "cm"],
    "instock": [["warehouse": "A", "qty": 5], ["warehouse": "C", "qty": 15]],
]

private let socks: BSONDocument = [
    "_id": 1, "item": "socks", "qty": 100,
    "details": ["colors": ["blue", "red"], "sizes": ["S", "M", "L"]],
]

private let user: BSONDocument = [
    "_id": 7, "name": "Ada",
    "teams": [["id": 1, "role": "admin"], "loose", ["id": 2], [["role": "nested"]]],
    "settings": ["theme": "dark", "lang": "en"],
]

private let numbers: BSONDocument = ["_id": 1, "a": [1, 2, 3, 4, 5], "s": "text"]

@Suite struct ProjectionTests {
    // MARK: Inclusion and exclusion

    static let basicCases: [ProjectionCase] = [
        .init(
            name: "inclusion keeps _id and named fields in document order", document: inventory,
            projection: ["status": 1, "item": 1], expected: ["_id": 1, "item": "journal", "status": "A"]),
        .init(
            name: "inclusion with _id: 0", document: inventory, projection: ["item": 1, "status": 1, "_id": 0],
            expected: ["item": "journal", "status": "A"]),
        .init(
            name: "exclusion removes named fields", document: inventory, projection: ["status": 0, "instock": 0],
            expected: ["_id": 1, "item": "journal", "size": ["h": 14, "w": 21, "uom": "cm"]]),
        .init(
            name: "_id: 0 alone is an exclusion", document: ["_id": 1, "a": 1, "b": 2], projection: ["_id": 0],
            expected: ["a": 1, "b": 2]),
        .init(
            name: "_id: 1 alone is an inclusion", document: ["_id": 1, "a": 1, "b": 2], projection: ["_id": 1],
            expected: ["_id": 1]),
        .init(
            name: "_id: 1 in an exclusion is allowed and ignored", document: ["_id": 1, "a": 1, "b": 2],
            projection: ["_id": 1, "a": 0], expected: ["_id": 1, "b": 2]),
        .init(
            name: "true includes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": true],
            expected: ["_id": 1, "a": 1]),
        .init(
            name: "non-zero double includes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": 2.5],
            expected: ["_id": 1, "a": 1]),
        .init(
            name: "negative long includes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": .int64(-1)],
            expected: ["_id": 1, "a": 1]),
        .init(
            name: "NaN includes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": .double(.nan)],
            expected: ["_id": 1, "a": 1]),
        .init(
            name: "decimal one includes", document: ["_id": 1, "a": 1, "b": 2],
            projection: ["a": .decimal128(Decimal128(1))],
            expected: ["_id": 1, "a": 1]),
        .init(
            name: "false excludes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": false],
            expected: ["_id": 1, "b": 2]),
        .init(
            name: "0.0 excludes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": 0.0],
            expected: ["_id": 1, "b": 2]),
        .init(
            name: "decimal zero excludes", document: ["_id": 1, "a": 1, "b": 2], projection: ["a": .decimal128(.zero)],
            expected: ["_id": 1, "b": 2]),
        .init(
            name: "two exclusions", document: ["_id": 1, "a": 1, "b": 2, "c": 3], projection: ["a": 0, "b": 0],
            expected: ["_id": 1, "c": 3]),
        .init(
            name: "including a missing field returns only _id", document: ["_id": 1, "a": 1],
            projection: ["nope": 1], expected: ["_id": 1]),
        .init(
            name: "excluding a missing field changes nothing", document: ["_id": 1, "a": 1],
            projection: ["nope": 0], expected: ["_id": 1, "a": 1]),
        .init(
            name: "document without _id", document: ["a": 1, "b": 2], projection: ["b": 1], expected: ["b": 2]),
        .init(
            name: "null and array values are included whole", document: ["_id": 1, "a": .null, "b": [1, [2]], "c": 3],
            projection: ["a": 1, "b": 1], expected: ["_id": 1, "a": .null, "b": [1, [2]]]),
    ]

    @Test(arguments: basicCases) func basic(_ c: ProjectionCase) throws { try check(c) }

    // MARK: Dotted paths

    static let dottedCases: [ProjectionCase] = [
        .init(
            name: "dotted inclusion keeps the nested shape", document: inventory,
            projection: ["item": 1, "status": 1, "size.uom": 1],
            expected: ["_id": 1, "item": "journal", "status": "A", "size": ["uom": "cm"]]),
        .init(
            name: "sub-object equals dotted path", document: inventory, projection: ["size": ["uom": 1]],
            expected: ["_id": 1, "size": ["uom": "cm"]]),
        .init(
            name: "dotted exclusion", document: inventory, projection: ["size.uom": 0],
            expected: [
                "_id": 1, "item": "journal", "status": "A", "size": ["h": 14, "w": 21],
                "instock": [["warehouse": "A", "qty": 5], ["warehouse": "C", "qty": 15]],
            ]),
        .init(
            name: "dotted inclusion through an array of documents", document: inventory,
            projection: ["item": 1, "instock.qty": 1],
            expected: ["_id": 1, "item": "journal", "instock": [["qty": 5], ["qty": 15]]]),
        .init(
            name: "inclusion through arrays drops non-documents, keeps nested arrays and empty documents",
            document: user, projection: ["teams.role": 1],
            expected: ["_id": 7, "teams": [["role": "admin"], [:], [["role": "nested"]]]]),
        .init(
            name: "exclusion through arrays keeps non-documents", document: user,
            projection: ["teams.role": 0, "settings": 0, "name": 0],
            expected: ["_id": 7, "teams": [["id": 1], "loose", ["id": 2], [[:]]]]),
        .init(
            name: "dotted inclusion through a scalar drops the field", document: ["_id": 1, "a": 5, "b": 1],
            projection: ["a.b": 1], expected: ["_id": 1]),
        .init(
            name: "dotted inclusion of a missing subfield leaves an empty document",
            document: ["_id": 1, "a": ["c": 1]], projection: ["a.b": 1], expected: ["_id": 1, "a": [:]]),
        .init(
            name: "dotted exclusion through a scalar keeps it", document: ["_id": 1, "a": 5],
            projection: ["a.b": 0], expected: ["_id": 1, "a": 5]),
        .init(
            name: "two subfields of one parent", document: user, projection: ["settings.lang": 1, "settings.theme": 1],
            expected: ["_id": 7, "settings": ["theme": "dark", "lang": "en"]]),
        .init(
            name: "numeric components are field names, not array indexes",
            document: ["_id": 1, "a": [["0": "x"], "y"]], projection: ["a.0": 1, "_id": 0],
            expected: ["a": [["0": "x"]]]),
        .init(
            name: "nested _id is not special", document: ["_id": 1, "a": ["_id": 2, "b": 3]],
            projection: ["a.b": 1], expected: ["_id": 1, "a": ["b": 3]]),
        .init(
            name: "_id subfield counts as specifying _id", document: ["_id": ["x": 1, "y": 2], "a": 1],
            projection: ["_id.x": 1], expected: ["_id": ["x": 1]]),
    ]

    @Test(arguments: dottedCases) func dotted(_ c: ProjectionCase) throws { try check(c) }

    // MARK: Literals (computed fields)

    static let literalCases: [ProjectionCase] = [
        .init(
            name: "string literal is a computed field after the included ones", document: ["_id": 1, "a": 1, "b": 2],
            projection: ["label": "x", "a": 1], expected: ["_id": 1, "a": 1, "label": "x"]),
        .init(
            name: "literal replaces an existing field in place order", document: ["_id": 1, "a": 1, "b": 2],
            projection: ["b": "new"], expected: ["_id": 1, "b": "new"]),
        .init(
            name: "null literal", document: ["_id": 1, "a": 1], projection: ["a": .null],
            expected: ["_id": 1, "a": .null]),
        .init(
            name: "array literal", document: ["_id": 1], projection: ["tags": ["a", 1, ["k": true]], "_id": 0],
            expected: ["tags": ["a", 1, ["k": true]]]),
        .init(
            name: "nested literal creates the parent", document: ["_id": 1], projection: ["x.y": "v"],
            expected: ["_id": 1, "x": ["y": "v"]]),
        .init(
            name: "nested literal next to an included sibling", document: inventory,
            projection: ["size.h": 1, "size.note": "n", "_id": 0], expected: ["size": ["h": 14, "note": "n"]]),
        .init(
            name: "nested literal through an array applies to each kept element",
            document: ["_id": 1, "a": [1, ["b": 2]]], projection: ["a.c": "v", "_id": 0],
            expected: ["a": [["c": "v"]]]),
        .init(
            name: "nested literal over a scalar replaces it with a document", document: ["_id": 1, "a": 5],
            projection: ["a.c": "v", "_id": 0], expected: ["a": ["c": "v"]]),
        .init(
            name: "date and ObjectId literals", document: ["_id": 1],
            projection: ["when": .datetime(0), "_id": 0], expected: ["when": .datetime(0)]),
    ]

    @Test(arguments: literalCases) func literal(_ c: ProjectionCase) throws { try check(c) }

    // MARK: $slice

    static let sliceCases: [ProjectionCase] = [
        .init(
            name: "first n", document: numbers, projection: ["a": ["$slice": 2]],
            expected: ["_id": 1, "a": [1, 2], "s": "text"]),
        .init(
            name: "last n", document: numbers, projection: ["a": ["$slice": -2]],
            expected: ["_id": 1, "a": [4, 5], "s": "text"]),
        .init(
            name: "n larger than the array", document: numbers, projection: ["a": ["$slice": 10], "_id": 0],
            expected: ["a": [1, 2, 3, 4, 5], "s": "text"]),
        .init(
            name: "-n larger than the array", document: numbers, projection: ["a": ["$slice": -10], "_id": 0],
            expected: ["a": [1, 2, 3, 4, 5], "s": "text"]),
        .init(
            name: "zero", document: numbers, projection: ["a": ["$slice": 0], "_id": 0],
            expected: ["a": [], "s": "text"]),
        .init(
            name: "double count truncates", document: numbers, projection: ["a": ["$slice": 1.9], "_id": 0],
            expected: ["a": [1], "s": "text"]),
        .init(
            name: "skip and limit", document: numbers, projection: ["a": ["$slice": [1, 2]], "_id": 0],
            expected: ["a": [2, 3], "s": "text"]),
        .init(
            name: "negative skip counts from the end", document: numbers,
            projection: ["a": ["$slice": [-2, 1]], "_id": 0],
            expected: ["a": [4], "s": "text"]),
        .init(
            name: "negative skip beyond the start", document: numbers,
            projection: ["a": ["$slice": [-10, 2]], "_id": 0], expected: ["a": [1, 2], "s": "text"]),
        .init(
            name: "skip beyond the end", document: numbers, projection: ["a": ["$slice": [10, 2]], "_id": 0],
            expected: ["a": [], "s": "text"]),
        .init(
            name: "non-array is returned unchanged", document: numbers, projection: ["s": ["$slice": 1]],
            expected: ["_id": 1, "a": [1, 2, 3, 4, 5], "s": "text"]),
        .init(
            name: "missing field stays missing", document: numbers, projection: ["zzz": ["$slice": 1], "a": 0],
            expected: ["_id": 1, "s": "text"]),
        .init(
            name: "with an inclusion only the included fields", document: numbers,
            projection: ["s": 1, "a": ["$slice": 1]], expected: ["_id": 1, "a": [1], "s": "text"]),
        .init(
            name: "with _id: 1 it is an inclusion", document: numbers, projection: ["_id": 1, "a": ["$slice": 1]],
            expected: ["_id": 1, "a": [1]]),
        .init(
            name: "embedded array in an inclusion keeps only the slice (manual example)", document: socks,
            projection: ["qty": 1, "details.colors": ["$slice": 1]],
            expected: ["_id": 1, "qty": 100, "details": ["colors": ["blue"]]]),
        .init(
            name: "embedded array in an exclusion keeps the other fields (manual example)", document: socks,
            projection: ["_id": 0, "details.colors": ["$slice": 1]],
            expected: ["item": "socks", "qty": 100, "details": ["colors": ["blue"], "sizes": ["S", "M", "L"]]]),
        .init(
            name: "through an array of documents", document: ["_id": 1, "a": [["b": [1, 2]], ["b": 3], 4]],
            projection: ["a.b": ["$slice": 1]], expected: ["_id": 1, "a": [["b": [1]], ["b": 3], 4]]),
    ]

    @Test(arguments: sliceCases) func slice(_ c: ProjectionCase) throws { try check(c) }

    // MARK: Positional $

    static let positionalCases: [ProjectionCase] = [
        .init(
            name: "array of scalars", document: ["_id": 1, "grades": [80, 85, 90], "x": 1],
            projection: ["grades.$": 1], expected: ["_id": 1, "grades": [85]], arrayPosition: 1),
        .init(
            name: "array of documents with another inclusion", document: user,
            projection: ["name": 1, "teams.$": 1],
            expected: ["_id": 7, "name": "Ada", "teams": [["id": 2]]], arrayPosition: 2),
        .init(
            name: "positional through a sub-document", document: ["_id": 1, "a": ["b": [5, 6, 7]], "c": 1],
            projection: ["a.b.$": 1], expected: ["_id": 1, "a": ["b": [7]]], arrayPosition: 2),
        .init(
            name: "first array on the path is narrowed",
            document: ["_id": 1, "a": [["b": 1, "c": 1], ["b": 2, "c": 2]]],
            projection: ["a.b.$": 1], expected: ["_id": 1, "a": [["b": 2]]], arrayPosition: 1),
        .init(
            name: "non-array value is returned unchanged", document: ["_id": 1, "grades": 85],
            projection: ["grades.$": 1], expected: ["_id": 1, "grades": 85]),
        .init(
            name: "missing field stays missing", document: ["_id": 1, "x": 1],
            projection: ["grades.$": 1], expected: ["_id": 1]),
        .init(
            name: "positional in a sub-object", document: ["_id": 1, "a": ["b": [5, 6]]],
            projection: ["a": ["b.$": 1]], expected: ["_id": 1, "a": ["b": [5]]], arrayPosition: 0),
    ]

    @Test(arguments: positionalCases) func positional(_ c: ProjectionCase) throws { try check(c) }

    @Test(
        arguments: [
            (["grades": ["$gte": 85]], [80, 85, 90], [85]),
            (["grades": 90], [80, 85, 90], [90]),
            (["grades": ["$elemMatch": ["$lt": 85]]], [80, 85, 90], [80]),
        ] as [(BSONDocument, [BSONValue], [BSONValue])])
    func positionalUsesTheMatchersArrayPosition(_ filter: BSONDocument, _ grades: [BSONValue], _ expected: [BSONValue])
        throws
    {
        let document: BSONDocument = ["_id": 1, "semester": 1, "grades": .array(grades)]
        var details = MatchDetails()
        #expect(try Matcher(filter).matches(document, details: &details))
        let output = try Projection(["grades.$": 1], filter: filter).apply(to: document, details: details)
        #expect(output.isIdentical(to: ["_id": 1, "grades": .array(expected)]))
    }

    @Test func positionalOnEmbeddedTeamsUsesTheMatchersArrayPosition() throws {
        let filter: BSONDocument = ["teams.role": "admin"]
        let document: BSONDocument = [
            "_id": 1, "email": "a@x", "teams": [["id": 1, "role": "viewer"], ["id": 2, "role": "admin"]],
        ]
        var details = MatchDetails()
        #expect(try Matcher(filter).matches(document, details: &details))
        let output = try Projection(["email": 1, "teams.$": 1], filter: filter).apply(to: document, details: details)
        #expect(output.isIdentical(to: ["_id": 1, "email": "a@x", "teams": [["id": 2, "role": "admin"]]]))
    }

    @Test func positionalWithoutRecordedPositionThrows51246() throws {
        let projection = try Projection(["grades.$": 1])
        let error = #expect(throws: DocketError.self) {
            try projection.apply(to: ["_id": 1, "grades": [1, 2]], details: MatchDetails())
        }
        #expect(error?.code.code == 51246)
        #expect(error?.message == "positional operator '.$' couldn't find a matching element in the array")
    }

    @Test func positionalOutOfRangeThrows51247() throws {
        let projection = try Projection(["grades.$": 1])
        var details = MatchDetails()
        details.arrayPosition = 5
        let error = #expect(throws: DocketError.self) {
            try projection.apply(to: ["_id": 1, "grades": [1, 2]], details: details)
        }
        #expect(error?.code.code == 51247)
    }

    @Test func positionalIsCheckedAgainstTheQuery() throws {
        _ = try Projection(["a.$": 1], filter: ["a": 1])
        _ = try Projection(["a.$": 1], filter: ["a.b": ["$gt": 1]])
        _ = try Projection(["a.$": 1], filter: ["$and": [["x": 1], ["$or": [["a": 2]]]]])
        let error = #expect(throws: DocketError.self) { try Projection(["a.$": 1], filter: ["b": 1]) }
        #expect(error?.code.code == 31277)
        #expect(error?.message == "Positional projection 'a.$' does not match the query document.")
    }

    // MARK: Identity

    @Test func emptyProjectionIsIdentity() throws {
        let projection = try Projection([:])
        #expect(projection.isIdentity)
        #expect(!projection.isInclusion)
        let out = try projection.apply(to: inventory, details: MatchDetails())
        #expect(out.isIdentical(to: inventory))
    }

    @Test(arguments: [["a": 1], ["_id": 0], ["a": 0], ["a": ["$slice": 1]]] as [BSONDocument])
    func nonEmptyProjectionIsNotIdentity(_ spec: BSONDocument) throws {
        #expect(try !Projection(spec).isIdentity)
    }

    @Test func modeFollowsMongoDBDefaults() throws {
        #expect(try Projection(["a": 1]).isInclusion)
        #expect(try !Projection(["a": 0]).isInclusion)
        #expect(try Projection(["_id": 1]).isInclusion)
        #expect(try !Projection(["_id": 0]).isInclusion)
        #expect(try !Projection(["a": ["$slice": 1]]).isInclusion)
        #expect(try Projection(["_id": 1, "a": ["$slice": 1]]).isInclusion)
        #expect(try Projection(["x": "literal"]).isInclusion)
    }

    // MARK: Errors

    static let errorCases: [ProjectionErrorCase] = [
        .init(
            projection: ["a": 1, "b": 0], code: 31254, message: "Cannot do exclusion on field b in inclusion projection"
        ),
        .init(
            projection: ["b": 0, "a": 1], code: 31253, message: "Cannot do inclusion on field a in exclusion projection"
        ),
        .init(
            projection: ["a": 1, "b.c": false], code: 31254,
            message: "Cannot do exclusion on field b.c in inclusion projection"),
        .init(projection: ["a": 1, "a.b": 1], code: 31249, message: "Path collision at a.b remaining portion b"),
        .init(projection: ["a.b": 1, "a": 1], code: 31250, message: "Path collision at a"),
        .init(
            projection: ["a.b": 1, "a.b.c.d": 1], code: 31249,
            message: "Path collision at a.b.c.d remaining portion b.c.d"),
        .init(
            projection: ["a": 0, "b": "x"], code: 31310,
            message: "Cannot use an expression b: \"x\" in an exclusion projection"),
        .init(
            projection: ["a": [:]], code: 51270,
            message: "An empty sub-projection is not a valid value. Found empty object at path"),
        .init(projection: ["a": ["$foo": 1]], code: 31325, message: "Unknown expression $foo"),
        .init(
            projection: ["a": ["$add": [1, 2]]], code: 238,
            message: "Aggregation expressions in projections are not supported yet: $add"),
        .init(
            projection: ["b": 0, "a": ["$add": [1, 2]]], code: 31252,
            message: "Cannot use expression other than $meta in exclusion projection"),
        .init(
            projection: ["a": ["$meta": "textScore"]], code: 238,
            message: "Aggregation expressions in projections are not supported yet: $meta"),
        .init(
            projection: ["a": "$b"], code: 238,
            message: "Aggregation expressions in projections are not supported yet: a: \"$b\""),
        .init(
            projection: ["a": ["$slice": "x"]], code: 31273,
            message: "$slice only supports numbers and [skip, limit] arrays"),
        .init(
            projection: ["a": ["$slice": [1]]], code: 31272,
            message: "$slice array argument should be of form [skip, limit]"),
        .init(projection: ["a": ["$slice": [1, 0]]], code: 31259, message: "$slice limit must be positive, got 0"),
        .init(projection: ["a": ["$slice": [1, -1]]], code: 31259, message: "$slice limit must be positive, got -1"),
        .init(
            projection: ["a": ["$slice": [true, 1]]], code: 31257,
            message: "$slice expects the skip argument to be a number, got bool"),
        .init(
            projection: ["a": ["$slice": [1, "x"]]], code: 31258,
            message: "$slice expects the limit argument to be a number, got string"),
        .init(
            projection: ["a": ["$slice": ["$arr", 1]]], code: 238,
            message: "The $slice aggregation expression in projections is not supported yet"),
        .init(
            projection: ["a": ["$elemMatch": 1]], code: 31274,
            message: "elemMatch: Invalid argument, object required, but got int"),
        .init(
            projection: ["a.$": 1, "b.$": 1], code: 31276,
            message: "Cannot specify more than one positional projection per query."),
        .init(projection: ["a.$.$": 1], code: 31287, message: "Cannot use positional operator twice: a.$.$"),
        .init(projection: ["a.$.": 1], code: 31270, message: "Path cannot end with '.$.'"),
        .init(
            projection: ["a.$": ["b": 1]], code: 31271,
            message: "positional projection cannot be used with an expression or sub object"),
        .init(projection: ["a.$": "x"], code: 31308, message: "positional projection cannot be used with a literal"),
        .init(
            projection: ["b": 0, "a.$": 1], code: 31253,
            message: "Cannot do inclusion on field a.$ in exclusion projection"),
        .init(projection: ["": 1], code: 40352, message: "FieldPath cannot be constructed with empty string"),
        .init(projection: ["a..b": 1], code: 15998, message: "FieldPath field names may not be empty strings."),
        .init(
            projection: ["a.$b": 1], code: 16410,
            message: "FieldPath field names may not start with '$'. Consider using $getField or $setField."),
        .init(
            projection: ["a": ["b": 1, "$c": 1]], code: 16410,
            message: "FieldPath field names may not start with '$'. Consider using $getField or $setField."),
    ]

    @Test(arguments: errorCases) func rejects(_ c: ProjectionErrorCase) {
        let error = #expect(throws: DocketError.self) { try Projection(c.projection) }
        #expect(error?.code.code == c.code)
        #expect(error?.message == c.message)
    }

    @Test func duplicateKeysCollide() {
        let spec = BSONDocument(elements: [(key: "a", value: 1), (key: "a", value: 1)])
        let error = #expect(throws: DocketError.self) { try Projection(spec) }
        #expect(error?.code.code == 31250)
    }

    // MARK: Helpers

    private func check(_ c: ProjectionCase) throws {
        var details = MatchDetails()
        details.arrayPosition = c.arrayPosition
        let output = try Projection(c.projection).apply(to: c.document, details: details)
        #expect(
            output.isIdentical(to: c.expected),
            "\(ProjectionFormattingForTests.describe(output)) != \(ProjectionFormattingForTests.describe(c.expected))")
    }
}
