import Testing

@testable import Docket

/// A database with `source` (`_id` 1, 2, 3) to merge into `target` (`_id` 1 and 9).
func seededMergeDatabase() throws -> DocketDatabase {
    let db = DocketClient().database("app")
    try db.collection("source").insertMany([["_id": 1, "a": 10], ["_id": 2, "a": 20], ["_id": 3, "a": 30]])
    try db.collection("target").insertMany([["_id": 1, "a": 1, "b": 1], ["_id": 9, "a": 9]])
    return db
}

@Suite struct AggregationMergeTests {
    private func seeded() throws -> DocketDatabase { try seededMergeDatabase() }

    struct Case: CustomTestStringConvertible, Sendable {
        var spec: BSONDocument
        var expected: [BSONDocument]
        var testDescription: String { "\(spec)" }
    }

    static let cases: [Case] = [
        Case(
            spec: ["into": "target"],
            expected: [["_id": 1, "a": 10, "b": 1], ["_id": 9, "a": 9], ["_id": 2, "a": 20], ["_id": 3, "a": 30]]),
        Case(
            spec: ["into": "target", "whenMatched": "replace"],
            expected: [["_id": 1, "a": 10], ["_id": 9, "a": 9], ["_id": 2, "a": 20], ["_id": 3, "a": 30]]),
        Case(
            spec: ["into": "target", "whenMatched": "keepExisting", "on": "_id"],
            expected: [["_id": 1, "a": 1, "b": 1], ["_id": 9, "a": 9], ["_id": 2, "a": 20], ["_id": 3, "a": 30]]),
        Case(
            spec: ["into": ["coll": "target"], "whenNotMatched": "discard", "on": ["_id"]],
            expected: [["_id": 1, "a": 10, "b": 1], ["_id": 9, "a": 9]]),
    ]

    @Test(arguments: cases) func mergeModes(_ c: Case) throws {
        let db = try seeded()
        #expect(try db.collection("source").aggregate([["$merge": .document(c.spec)]]).toArray().isEmpty)
        #expect(try db.collection("target").find().toArray() == c.expected)
    }

    @Test func failingModesReportTheirErrorsAfterEarlierWrites() throws {
        let db = try seeded()
        let source = db.collection("source")
        #expect(
            errorCode { _ = try source.aggregate([["$merge": ["into": "target", "whenMatched": "fail"]]]) } == 11000)
        let db2 = try seeded()
        let code = errorCode {
            _ = try db2.collection("source").aggregate([
                ["$sort": ["_id": -1]], ["$merge": ["into": "target", "whenNotMatched": "fail"]],
            ])
        }
        #expect(code == 13113)
        // Results are merged in order, so nothing before the failure... here the first result fails.
        #expect(try db2.collection("target").countDocuments() == 2)
        // A new collection; a string target; a result without _id gets one.
        _ = try db.aggregate([["$documents": [["x": 1]]], ["$merge": "fresh"]])
        let fresh = try db.collection("fresh").find().toArray()
        #expect(fresh.count == 1 && fresh[0]["x"] == 1 && fresh[0]["_id"] != nil)
    }

    static let errorCases: [(BSONDocument, Int)] = [
        (["$merge": 1], 51182), (["$merge": ["into": "t", "on": "a"]], 51183), (["$merge": ["on": "_id"]], 9),
        (["$merge": ["into": "t", "whenMatched": "nope"]], 9), (["$merge": ["into": "t", "x": 1]], 9),
        (["$merge": ["into": "t", "whenMatched": [["$sort": ["a": 1]]]]], 72),
        (["$lookup": ["from": "t", "as": "x", "pipeline": [["$merge": "t"]]]], 51047),
        (["$unionWith": ["coll": "t", "pipeline": [["$out": "t"]]]], 51047),
    ]

    @Test(arguments: 0..<errorCases.count) func parseErrors(_ index: Int) {
        let (stage, code) = Self.errorCases[index]
        #expect(errorCode { _ = try aggregate([["_id": 1]], [stage]) } == code, "\(stage)")
        #expect(errorCode { _ = try aggregate([], [["$merge": "t"], ["$limit": 1]]) } == 40601)
    }
}
