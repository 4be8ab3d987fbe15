import Testing

@testable import Docket

@Suite struct AggregationJoinTests {
    /// A database with users (embedded team ids, some missing or null) and teams.
    private func seeded() throws -> DocketDatabase {
        let db = DocketClient().database("app")
        try db.collection("users").insertMany([
            ["_id": 1, "name": "ada", "team": 10, "teams": [10, 20]],
            ["_id": 2, "name": "bob", "team": 20, "teams": [20]],
            ["_id": 3, "name": "cy", "team": .null, "teams": []],
            ["_id": 4, "name": "di"],
            ["_id": 5, "name": "ed", "team": 99],
        ])
        try db.collection("teams").insertMany([
            ["_id": 10, "title": "core", "size": 3],
            ["_id": 20, "title": "docs", "size": 1],
            ["_id": 30, "title": "ops", "size": 2, "lead": .null],
            ["_id": 40, "title": "x"],
        ])
        return db
    }

    private func titles(_ documents: [BSONDocument], _ field: String = "t") -> [[BSONValue]] {
        documents.map { document in
            (document[field]?.arrayValue ?? []).map { $0.documentValue?["title"] ?? .null }
        }
    }

    @Test func localAndForeignFieldsMatchWithArraysAndNulls() throws {
        let db = try seeded()
        let users = db.collection("users")
        let single = try users.aggregate([
            ["$lookup": ["from": "teams", "localField": "team", "foreignField": "_id", "as": "t"]]
        ]).toArray()
        #expect(titles(single) == [["core"], ["docs"], [], [], []])
        // An array local value matches each element.
        let many = try users.aggregate([
            ["$lookup": ["from": "teams", "localField": "teams", "foreignField": "_id", "as": "t"]]
        ]).toArray()
        #expect(titles(many) == [["core", "docs"], ["docs"], [], [], []])
        // Missing and null local values match foreign documents whose field is null or missing.
        let nulls = try users.aggregate([
            ["$lookup": ["from": "teams", "localField": "team", "foreignField": "lead", "as": "t"]]
        ]).toArray()
        #expect(titles(nulls) == [[], [], ["core", "docs", "ops", "x"], ["core", "docs", "ops", "x"], []])
        // A missing foreign collection yields empty arrays; "as" may be a dotted path.
        let none = try users.aggregate([
            ["$match": ["_id": 1]],
            ["$lookup": ["from": "nothing", "localField": "team", "foreignField": "_id", "as": "x.y"]],
        ]).toArray()
        #expect(none[0]["x"] == ["y": []])
    }

    @Test func letAndPipelineSeeLocalVariables() throws {
        let db = try seeded()
        let result = try db.collection("users").aggregate([
            [
                "$lookup": [
                    "from": "teams", "let": ["mine": ["$ifNull": ["$teams", []]], "min": 2],
                    "pipeline": [
                        ["$match": ["$expr": ["$and": [["$in": ["$_id", "$$mine"]], ["$gte": ["$size", "$$min"]]]]]],
                        ["$project": ["_id": 0, "title": 1]],
                    ],
                    "as": "t",
                ]
            ],
            ["$project": ["_id": 1, "t": 1]],
        ]).toArray()
        #expect(titles(result) == [["core"], [], [], [], []])
        #expect(result[0]["t"] == [["title": "core"]])
    }

    @Test func equalityAndPipelineCombine() throws {
        let db = try seeded()
        let result = try db.collection("users").aggregate([
            [
                "$lookup": [
                    "from": "teams", "localField": "teams", "foreignField": "_id",
                    "pipeline": [["$sort": ["title": -1]]], "as": "t",
                ]
            ]
        ]).toArray()
        #expect(titles(result) == [["docs", "core"], ["docs"], [], [], []])
    }

    @Test func unionWithAppendsAnotherCollection() throws {
        let db = try seeded()
        let result = try db.collection("teams").aggregate([
            ["$match": ["size": ["$gte": 2]]],
            [
                "$unionWith": [
                    "coll": "users", "pipeline": [["$match": ["_id": ["$lte": 2]]], ["$project": ["name": 1]]],
                ]
            ],
        ]).toArray()
        #expect(result.map { $0["_id"]! } == [10, 30, 1, 2])
        #expect(try db.collection("teams").aggregate([["$unionWith": "users"]]).toArray().count == 9)
        let documents = try db.collection("teams").aggregate([
            ["$limit": 1], ["$unionWith": ["pipeline": [["$documents": [["x": 1]]]]]],
        ]).toArray()
        #expect(documents.count == 2 && documents[1] == ["x": 1])
    }

    @Test func facetRunsEachPipelineOverTheSameInput() throws {
        let db = try seeded()
        let result = try db.collection("teams").aggregate([
            [
                "$facet": [
                    "count": [["$count": "n"]],
                    "big": [["$match": ["size": ["$gt": 1]]], ["$project": ["title": 1, "_id": 0]]],
                    "none": [["$match": ["size": 100]]],
                ]
            ]
        ]).toArray()
        #expect(result == [["count": [["n": 4]], "big": [["title": "core"], ["title": "ops"]], "none": []]])
        let empty = try db.collection("missing").aggregate([["$facet": ["a": [["$count": "n"]]]]]).toArray()
        #expect(empty == [["a": []]])
    }

    static let errorCases: [(BSONDocument, Int)] = [
        (["$lookup": 1], 9), (["$lookup": ["from": "t", "localField": "a", "foreignField": "b"]], 9),
        (["$lookup": ["from": "t", "localField": "a", "as": "x"]], 9), (["$lookup": ["from": "t", "as": "x"]], 9),
        (["$lookup": ["from": "t", "as": "x", "pipeline": [["$foo": 1]]]], 40324),
        (["$lookup": ["from": "t", "as": "x", "pipeline": 1]], 9), (["$lookup": ["from": "t", "as": "x", "y": 1]], 9),
        (["$lookup": ["from": 1, "as": "x", "pipeline": []]], 9),
        (["$lookup": ["from": "t", "as": "x", "let": ["A": 1], "pipeline": []]], 16867),
        (["$unionWith": 1], 9), (["$unionWith": ["pipeline": []]], 9), (["$unionWith": ["coll": "t", "x": 1]], 9),
        (["$facet": [:]], 40169), (["$facet": ["a": 1]], 40170), (["$facet": ["a": [["$facet": [:]]]]], 40600),
    ]

    @Test(arguments: 0..<errorCases.count) func parseErrors(_ index: Int) {
        let (stage, code) = Self.errorCases[index]
        #expect(errorCode { _ = try aggregate([], [stage]) } == code, "\(stage)")
    }

    @Test func letOptionReachesMatchExpr() throws {
        let options = AggregateOptions(let: ["limit": 2])
        let result = try aggregate(
            [["_id": 1], ["_id": 2], ["_id": 3]], [["$match": ["$expr": ["$lte": ["$_id", "$$limit"]]]]],
            options: options)
        #expect(result.map { $0["_id"]! } == [1, 2])
        #expect(errorCode { _ = try aggregate([], [["$match": ["$expr": "$$nope"]]]) } != nil)
    }
}
