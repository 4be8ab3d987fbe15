import Testing

@testable import Docket

@Suite struct AggregationMergePipelineTests {
    private func seeded() throws -> DocketDatabase { try seededMergeDatabase() }

    struct Case: CustomTestStringConvertible, Sendable {
        var spec: BSONDocument
        /// The target's document `_id: 1` afterwards.
        var matched: BSONDocument
        var inserted = true
        var testDescription: String { "\(spec)" }
    }

    static let cases: [Case] = [
        Case(
            spec: ["whenMatched": [["$set": ["a": ["$add": ["$a", "$$new.a"]]]]]],
            matched: ["_id": 1, "a": 11, "b": 1]),
        Case(
            spec: ["whenMatched": [["$addFields": ["old": "$a"]], ["$set": ["a": "$$new.a"]]]],
            matched: ["_id": 1, "a": 10, "b": 1, "old": 1]),
        Case(
            spec: ["whenMatched": [["$replaceWith": ["$mergeObjects": ["$$ROOT", "$$new", ["merged": true]]]]]],
            matched: ["_id": 1, "a": 10, "b": 1, "merged": true]),
        Case(
            spec: ["whenMatched": [["$replaceRoot": ["newRoot": "$$new"]]], "whenNotMatched": "discard"],
            matched: ["_id": 1, "a": 10], inserted: false),
        Case(spec: ["whenMatched": [["$project": ["b": 1]]]], matched: ["_id": 1, "b": 1]),
        // The _id a pipeline removes is kept.
        Case(spec: ["whenMatched": [["$project": ["_id": 0, "a": 1]]]], matched: ["_id": 1, "a": 1]),
        Case(spec: ["whenMatched": [["$unset": ["b"]]]], matched: ["_id": 1, "a": 1]),
        // `let` variables are computed from the result being merged; `$$new` stays available.
        Case(
            spec: ["let": ["doubled": ["$multiply": ["$a", 2]]], "whenMatched": [["$set": ["c": "$$doubled"]]]],
            matched: ["_id": 1, "a": 1, "b": 1, "c": 20]),
        Case(
            spec: ["let": ["x": .null], "whenMatched": [["$set": ["n": "$$new.a", "x": "$$x"]]]],
            matched: ["_id": 1, "a": 1, "b": 1, "n": 10, "x": .null]),
        // A missing `$$new` field leaves the computed field out.
        Case(
            spec: ["whenMatched": [["$set": ["z": "$$new.nothing"]]]], matched: ["_id": 1, "a": 1, "b": 1]),
    ]

    @Test(arguments: cases) func whenMatchedPipelineUpdatesTheMatchedDocument(_ c: Case) throws {
        let db = try seeded()
        var spec: BSONDocument = ["into": "target"]
        for (key, value) in c.spec { spec.append(key, value) }
        #expect(try db.collection("source").aggregate([["$merge": .document(spec)]]).toArray().isEmpty)
        let target = db.collection("target")
        #expect(try target.findOne(["_id": 1]) == c.matched)
        #expect(try target.findOne(["_id": 9]) == ["_id": 9, "a": 9])
        #expect(try target.countDocuments() == (c.inserted ? 4 : 2))
        if c.inserted { #expect(try target.findOne(["_id": 2]) == ["_id": 2, "a": 20]) }
    }

    /// MongoDB's manual, "Use the Pipeline to Customize the Merge": monthly totals updated from a day's votes.
    @Test func manualMonthlyTotalsExample() throws {
        let db = DocketClient().database("test")
        let votes = db.collection("votes")
        let day: Int64 = 86_400_000
        let may1: Int64 = 1_556_668_800_000
        try votes.insertMany([
            ["date": .datetime(may1), "thumbsup": 1, "thumbsdown": 1],
            ["date": .datetime(may1 + 6 * day), "thumbsup": 14, "thumbsdown": 10],
        ])
        try db.collection("monthlytotals").insertOne(["_id": "2019-05", "thumbsup": 26, "thumbsdown": 31])
        _ = try votes.aggregate([
            ["$match": ["date": ["$gte": .datetime(may1 + 6 * day), "$lt": .datetime(may1 + 7 * day)]]],
            [
                "$project": [
                    "_id": ["$dateToString": ["format": "%Y-%m", "date": "$date"]], "thumbsup": 1, "thumbsdown": 1,
                ]
            ],
            [
                "$merge": [
                    "into": "monthlytotals", "on": "_id",
                    "whenMatched": [
                        [
                            "$addFields": [
                                "thumbsup": ["$add": ["$thumbsup", "$$new.thumbsup"]],
                                "thumbsdown": ["$add": ["$thumbsdown", "$$new.thumbsdown"]],
                            ]
                        ]
                    ],
                    "whenNotMatched": "insert",
                ]
            ],
        ]).toArray()
        #expect(
            try db.collection("monthlytotals").find().toArray() == [
                ["_id": "2019-05", "thumbsup": 40, "thumbsdown": 41]
            ])
    }

    /// MongoDB's manual, "Use Variables to Customize the Merge": `let` on the stage and on the aggregate command.
    @Test func manualCakeSalesVariablesExample() throws {
        let db = DocketClient().database("test")
        let sales = db.collection("cakeSales")
        try sales.insertOne(["_id": 1, "flavor": "chocolate", "salesTotal": 1580, "salesTrend": "up"])
        _ = try sales.aggregate([
            [
                "$merge": [
                    "into": "cakeSales", "let": ["year": "2020"],
                    "whenMatched": [["$addFields": ["salesYear": "$$year"]]],
                ]
            ]
        ]).toArray()
        #expect(
            try sales.find().toArray() == [
                ["_id": 1, "flavor": "chocolate", "salesTotal": 1580, "salesTrend": "up", "salesYear": "2020"]
            ])
        _ = try sales.aggregate(
            [["$merge": ["into": "cakeSales", "whenMatched": [["$addFields": ["salesYear": "$$year"]]]]]],
            options: AggregateOptions(let: ["year": "2021"])
        ).toArray()
        #expect(try sales.findOne()?["salesYear"] == "2021")
    }

    static let errorCases: [(BSONDocument, Int)] = [
        (["into": "target", "whenMatched": [["$group": ["_id": 1]]]], 72),
        (["into": "target", "whenMatched": [["$match": ["a": 1]]]], 72),
        (["into": "target", "whenMatched": [["$set": ["a": "$$nope"]]]], 17276),
        (["into": "target", "let": ["x": 1], "whenMatched": "merge"], 51199),
        (["into": "target", "let": ["x": 1]], 51199),
        (["into": "target", "let": ["Bad": 1], "whenMatched": [["$set": ["a": 1]]]], 16867),
        (["into": "target", "let": 1, "whenMatched": [["$set": ["a": 1]]]], 9),
        // mongod: 51273 (document_source_merge.cpp).
        (["into": "target", "let": ["new": "$a"], "whenMatched": [["$set": ["a": 1]]]], 51273),
        (["into": "target", "whenMatched": [1]], 14),
    ]

    @Test(arguments: 0..<errorCases.count) func parseErrors(_ index: Int) throws {
        let (spec, code) = Self.errorCases[index]
        let db = try seeded()
        #expect(errorCode { _ = try db.collection("source").aggregate([["$merge": .document(spec)]]) } == code)
        #expect(try db.collection("target").countDocuments() == 2)
    }

    @Test func changingTheIDFails() throws {
        let db = try seeded()
        let code = errorCode {
            _ = try db.collection("source").aggregate([
                ["$merge": ["into": "target", "whenMatched": [["$set": ["_id": 100]]]]]
            ])
        }
        #expect(code == 66)
        #expect(try db.collection("target").findOne(["_id": 1]) == ["_id": 1, "a": 1, "b": 1])
    }
}
