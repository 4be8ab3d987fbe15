import Testing

@testable import Docket

@Suite struct AggregationAPITests {
    private func seeded(_ n: Int) throws -> DocketCollection {
        let c = makeCollection()
        try c.insertMany(
            (0..<n).map { ["_id": .int32(Int32($0)), "g": .int32(Int32($0 % 3)), "s": .string("v\($0)")] })
        return c
    }

    @Test func cursorReadsTheSnapshotTakenAtTheCall() async throws {
        let c = try seeded(5)
        let cursor = try c.aggregate([["$match": ["g": 1]]])
        try c.insertOne(["_id": 100, "g": 1])
        try c.deleteOne(["_id": 1])
        #expect(try cursor.toArray().map { $0["_id"]! } == [1, 4])
        // Each iteration restarts from the same snapshot.
        #expect(try cursor.toArray().count == 2)
        var seen: [BSONValue] = []
        for try await document in cursor { seen.append(document["_id"]!) }
        #expect(seen == [1, 4])
    }

    @Test func leadingIDMatchIsAnIndexLookupAndOnlyReturnedDocumentsAreDecoded() throws {
        let c = try seeded(50)
        var iterator = try c.aggregate([["$match": ["_id": ["$in": [3, 7]]]]]).makeIterator()
        while try iterator.next() != nil {}
        #expect(iterator.stats.keysExamined == 2)
        #expect(iterator.stats.documentsExamined == 2)
        #expect(iterator.stats.returned == 2)

        var sorted = try c.aggregate([["$match": ["g": 0]], ["$sort": ["_id": -1]], ["$skip": 1], ["$limit": 3]])
            .makeIterator()
        var ids: [BSONValue] = []
        while let document = try sorted.next() { ids.append(document["_id"]!) }
        #expect(ids == [45, 42, 39])
        #expect(sorted.stats.documentsExamined == 50)
        #expect(sorted.stats.documentsDecoded == 3)
    }

    @Test func hintIsPassedToThePlanner() throws {
        let c = try seeded(5)
        let reversed = try c.aggregate([], options: AggregateOptions(hint: ["$natural": -1])).toArray()
        #expect(reversed.map { $0["_id"]! } == [4, 3, 2, 1, 0])
        #expect(errorCode { _ = try c.aggregate([], options: AggregateOptions(hint: "nope")) } != nil)
    }

    @Test func optionsAreChecked() throws {
        let c = try seeded(3)
        #expect(errorCode { _ = try c.aggregate([], options: AggregateOptions(batchSize: -1)) } == 2)
        #expect(errorCode { _ = try c.aggregate([], options: AggregateOptions(maxTimeMS: -1)) } == 2)
        let options = AggregateOptions(
            allowDiskUse: true, batchSize: 1, let: ["x": 1], comment: "report", maxTimeMS: 60_000)
        #expect(try c.aggregate([["$count": "n"]], options: options).toArray() == [["n": 3]])
    }

    @Test func maxTimeMSStopsALongRead() throws {
        let c = makeCollection()
        for start in stride(from: 0, to: 60_000, by: 10_000) {
            try c.insertMany((start..<(start + 10_000)).map { ["_id": .int32(Int32($0))] })
        }
        let cursor = try c.aggregate([["$match": ["missing": 1]]], options: AggregateOptions(maxTimeMS: 1))
        #expect(errorCode { _ = try cursor.toArray() } == 50)
        #expect(
            try c.aggregate([["$match": ["missing": 1]]], options: AggregateOptions(maxTimeMS: 0)).toArray().isEmpty)
    }

    @Test func memoryLimitFailsOnlyWithoutDiskUse() throws {
        let c = try seeded(200)
        var options = AggregateOptions(allowDiskUse: false)
        options.memoryLimitBytes = 1_000
        let sort: [BSONDocument] = [["$sort": ["s": 1]]]
        #expect(errorCode { _ = try c.aggregate(sort, options: options).toArray() } == 292)
        // Not past the limit without the match: a top-k holds only its bound.
        let topK: [BSONDocument] = [["$unwind": "$s"], ["$sort": ["s": 1]], ["$limit": 2]]
        #expect(try c.aggregate(topK, options: options).toArray().count == 2)
        options.allowDiskUse = nil
        #expect(try c.aggregate(sort, options: options).toArray().count == 200)
        options.allowDiskUse = false
        options.memoryLimitBytes = AggregateOptions().memoryLimitBytes
        #expect(try c.aggregate(sort, options: options).toArray().count == 200)
        var sampleOptions = AggregateOptions(allowDiskUse: false)
        sampleOptions.memoryLimitBytes = 1_000
        #expect(
            errorCode { _ = try c.aggregate([["$sample": ["size": 150]]], options: sampleOptions).toArray() } == 292)
    }

    struct Row: Codable, Equatable {
        var _id: Int
        var g: Int
        var s: String
    }

    struct Count: Decodable, Equatable { var n: Int }

    @Test func typedAggregateDecodesModels() throws {
        let c = try seeded(6)
        let typed = TypedCollection<Row>(c)
        let rows = try typed.aggregate([["$match": ["g": 2]], ["$sort": ["_id": -1]]])
        #expect(rows == [Row(_id: 5, g: 2, s: "v5"), Row(_id: 2, g: 2, s: "v2")])
        #expect(try typed.aggregate([["$count": "n"]], as: Count.self) == [Count(n: 6)])
        #expect(errorCode { _ = try typed.aggregate([["$count": "n"]]) } == 14)
    }

    @Test func findIsUnchangedByTheCursorsSecondSource() throws {
        let c = try seeded(10)
        var iterator = try c.find(["g": 1], options: FindOptions(sort: ["_id": -1], limit: 2)).makeIterator()
        var ids: [BSONValue] = []
        while let document = try iterator.next() { ids.append(document["_id"]!) }
        #expect(ids == [7, 4])
        #expect(iterator.stats.returned == 2)
        #expect(iterator.stats.documentsDecoded == 2)
    }
}
