import Testing

@testable import Docket

/// `$redact` with `$$DESCEND`, `$$PRUNE` and `$$KEEP`: the MongoDB manual's examples, arrays, `$$ROOT` and errors.
@Suite struct AggregationRedactTests {
    /// The manual's `forecasts` document.
    static let forecast: BSONDocument = [
        "_id": 1, "title": "123 Department Report", "tags": ["G", "STLW"], "year": 2014,
        "subsections": [
            [
                "subtitle": "Section 1: Overview", "tags": ["SI", "G"],
                "content": "Section 1: This is the content of section 1.",
            ],
            [
                "subtitle": "Section 2: Analysis", "tags": ["STLW"],
                "content": "Section 2: This is the content of section 2.",
            ],
            [
                "subtitle": "Section 3: Budgeting", "tags": ["TK"],
                "content": ["text": "Section 3: This is the content of section 3.", "tags": ["HCS"]],
            ],
        ],
    ]

    @Test func accessByTags() throws {
        let redact: BSONValue = [
            "$cond": [
                "if": ["$gt": [["$size": ["$setIntersection": ["$tags", ["STLW", "G"]]]], 0]],
                "then": "$$DESCEND", "else": "$$PRUNE",
            ]
        ]
        let result = try aggregate([Self.forecast], [["$match": ["year": 2014]], ["$redact": redact]])
        var expected = Self.forecast
        if case .array(let sections)? = expected["subsections"] {
            expected["subsections"] = .array(Array(sections.prefix(2)))
        }
        #expect(result == [expected])
    }

    @Test func pruneByLevel() throws {
        // The manual's `accounts` document.
        let account: BSONDocument = [
            "_id": 1, "level": 1, "acct_id": "xyz123",
            "cc": [
                "level": 5, "type": "yy", "num": .int64(0), "exp_date": .datetime(1_446_336_000_000),
                "billing_addr": ["level": 5, "addr1": "123 ABC Street", "city": "Some City"],
                "shipping_addr": [
                    ["level": 3, "addr1": "987 XYZ Ave", "city": "Some City"],
                    ["level": 3, "addr1": "PO Box 0123", "city": "Some City"],
                ],
            ],
            "status": "A",
        ]
        let redact: BSONValue = ["$cond": ["if": ["$eq": ["$level", 5]], "then": "$$PRUNE", "else": "$$DESCEND"]]
        let result = try aggregate([account], [["$redact": redact]])
        #expect(result == [["_id": 1, "level": 1, "acct_id": "xyz123", "status": "A"]])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var redact: BSONValue
        var expected: [BSONDocument]
        var testDescription: String { name }
    }

    static let input: [BSONDocument] = [
        [
            "_id": 1, "keep": true, "a": ["hide": true, "x": 1],
            "list": [["hide": true], ["y": 2], 3, [["hide": 1], 4]],
        ],
        ["_id": 2, "hide": .null, "b": ["c": ["hide": false, "d": 1]]],
        ["_id": 3, "hide": true],
    ]

    static let cases: [Case] = [
        Case(
            name: "descend removes pruned sub-documents, in arrays too, keeping scalars",
            redact: ["$cond": [["$eq": ["$hide", true]], "$$PRUNE", "$$DESCEND"]],
            expected: [
                ["_id": 1, "keep": true, "list": [["y": 2], 3, [["hide": 1], 4]]],
                ["_id": 2, "hide": .null, "b": ["c": ["hide": false, "d": 1]]],
            ]),
        Case(
            name: "keep stops descending",
            redact: [
                "$cond": [
                    ["$eq": ["$keep", true]], "$$KEEP",
                    ["$cond": [["$ifNull": ["$hide", false]], "$$PRUNE", "$$DESCEND"]],
                ]
            ],
            expected: [input[0], ["_id": 2, "hide": .null, "b": ["c": ["hide": false, "d": 1]]]]),
        Case(
            name: "$$ROOT stays the whole document at every level",
            redact: ["$cond": [["$eq": ["$$ROOT._id", 2]], "$$DESCEND", "$$PRUNE"]],
            expected: [["_id": 2, "hide": .null, "b": ["c": ["hide": false, "d": 1]]]]),
        Case(name: "prune everything", redact: "$$PRUNE", expected: []),
        Case(name: "keep everything", redact: "$$KEEP", expected: input),
    ]

    @Test(arguments: cases) func levels(_ c: Case) throws {
        #expect(try aggregate(Self.input, [["$redact": c.redact]]) == c.expected)
    }

    @Test func errors() {
        #expect(errorCode { _ = try aggregate([["_id": 1]], [["$redact": 1]]) } == 17053)
        #expect(errorCode { _ = try aggregate([["_id": 1]], [["$redact": "$missing"]]) } == 17053)
        #expect(errorCode { _ = try aggregate([["_id": 1]], [["$redact": "keep it"]]) } == 17053)
        // A sub-document's decision is checked too.
        #expect(
            errorCode {
                _ = try aggregate([["_id": 1, "a": ["x": 1]]], [["$redact": ["$ifNull": ["$x", "$$DESCEND"]]]])
            } == 17053)
        #expect(errorCode { _ = try aggregate([["_id": 1]], [["$redact": ["$bogus": 1]]]) } == 168)
    }
}
