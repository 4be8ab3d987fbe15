import Testing

@testable import Docket

@Suite struct AggregationOutTests {
    @Test func outReplacesTheTargetAllAtOnce() throws {
        let db = DocketClient().database("app")
        let source = db.collection("source")
        try source.insertMany((1...5).map { ["_id": .int32(Int32($0)), "v": .int32(Int32($0 % 2))] })
        let target = db.collection("target")
        try target.insertMany([["_id": 100], ["_id": 101]])
        let handle = db.collection("target")
        let before = try target.find().makeIterator()
        let cursor = try source.aggregate([["$match": ["v": 1]], ["$project": ["v": 0]], ["$out": "target"]])
        // The write happens at the call; the cursor is empty.
        #expect(try cursor.toArray().isEmpty)
        #expect(try handle.find().toArray() == [["_id": 1], ["_id": 3], ["_id": 5]])
        _ = before
        // Into another database, with the document form; from a $documents pipeline.
        try source.aggregate([
            ["$group": ["_id": "$v", "n": ["$sum": 1]]], ["$out": ["db": "other", "coll": "counts"]],
        ])
        .toArray().forEach { _ in }
        #expect(
            try db.client.database("other").collection("counts").find().toArray() == [
                ["_id": 1, "n": 3], ["_id": 0, "n": 2],
            ])
        _ = try db.aggregate([["$documents": [["_id": "x"]]], ["$out": "fromDocuments"]])
        #expect(try db.collection("fromDocuments").find().toArray() == [["_id": "x"]])
        // No results: the target exists, empty.
        _ = try source.aggregate([["$match": ["v": 7]], ["$out": "target"]])
        #expect(try handle.countDocuments() == 0)
        #expect(db.listCollectionNames().contains("target"))
    }

    @Test func aFailingOutLeavesTheTargetAsItWas() throws {
        let db = DocketClient().database("app")
        let source = db.collection("source")
        try source.insertMany([["_id": 1, "k": 1], ["_id": 2, "k": 1], ["_id": 3, "k": "x"]])
        let target = db.collection("target")
        try target.insertOne(["_id": "kept"])
        // A duplicate _id among the results.
        #expect(errorCode { _ = try source.aggregate([["$project": ["_id": "$k"]], ["$out": "target"]]) } == 11000)
        // A stage failing on a document.
        #expect(
            errorCode { _ = try source.aggregate([["$project": ["x": ["$add": ["$k", 1]]]], ["$out": "target"]]) }
                != nil)
        #expect(try target.find().toArray() == [["_id": "kept"]])
    }

    static let errorCases: [(BSONDocument, Int)] = [
        (["$out": 1], 16990), (["$out": ["db": "x"]], 16994), (["$out": ["coll": "a", "x": 1]], 16994),
        (["$out": "a$b"], 73), (["$out": ""], 73),
    ]

    @Test(arguments: 0..<errorCases.count) func parseErrors(_ index: Int) {
        let (stage, code) = Self.errorCases[index]
        #expect(errorCode { _ = try aggregate([["_id": 1]], [stage]) } == code, "\(stage)")
    }

    @Test func outMustBeLastAndNotInAFacet() {
        #expect(errorCode { _ = try aggregate([], [["$out": "a"], ["$limit": 1]]) } == 40601)
        #expect(errorCode { _ = try aggregate([], [["$facet": ["a": [["$out": "b"]]]]]) } == 40600)
    }
}
