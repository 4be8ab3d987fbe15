import Testing

@testable import Docket

@Suite struct CollectionReadTests {
    private func seeded(_ n: Int = 10) throws -> DocketCollection {
        let c = makeCollection()
        try c.insertMany(
            (0..<n).map { ["_id": .int32(Int32($0)), "g": .int32(Int32($0 % 3)), "name": .string("n\($0)")] })
        return c
    }

    @Test func findReturnsNaturalOrder() throws {
        let c = try seeded()
        #expect(try c.find().toArray().map { $0["_id"]! } == (0..<10).map { .int32(Int32($0)) })
        #expect(try c.find(["g": 1]).toArray().map { $0["_id"]! } == [1, 4, 7])
    }

    @Test func skipLimitAndNegativeLimit() throws {
        let c = try seeded()
        #expect(try c.find([:], options: FindOptions(skip: 2, limit: 3)).toArray().map { $0["_id"]! } == [2, 3, 4])
        #expect(try c.find([:], options: FindOptions(limit: -2)).toArray().count == 2)
        #expect(try c.find([:], options: FindOptions(skip: 20)).toArray().isEmpty)
        #expect(throws: DocketError.self) { try c.find([:], options: FindOptions(skip: -1)) }
    }

    @Test func sortIsStableAndAppliesSkipLimit() throws {
        let c = try seeded()
        let sorted = try c.find([:], options: FindOptions(sort: ["g": -1])).toArray().map { $0["_id"]! }
        #expect(sorted == [2, 5, 8, 1, 4, 7, 0, 3, 6, 9])
        let page = try c.find([:], options: FindOptions(sort: ["g": -1], skip: 2, limit: 3)).toArray()
        #expect(page.map { $0["_id"]! } == [8, 1, 4])
        let all = try c.find([:], options: FindOptions(sort: ["g": 1, "_id": -1], limit: 100)).toArray()
        #expect(all.map { $0["_id"]! } == [9, 6, 3, 0, 7, 4, 1, 8, 5, 2])
    }

    @Test func projectionApplies() throws {
        let c = try seeded(2)
        let docs = try c.find([:], options: FindOptions(projection: ["name": 1, "_id": 0])).toArray()
        #expect(docs.map(\.keys) == [["name"], ["name"]])
    }

    @Test func findOneHonorsSort() throws {
        let c = try seeded()
        #expect(try c.findOne([:], options: FindOptions(sort: ["_id": -1]))?["_id"] == 9)
        #expect(try c.findOne(["g": 42]) == nil)
    }

    @Test func countDocumentsWithSkipAndLimit() throws {
        let c = try seeded()
        #expect(try c.countDocuments() == 10)
        #expect(try c.countDocuments(["g": 0]) == 4)
        #expect(try c.countDocuments(["g": 0], options: CountOptions(skip: 1)) == 3)
        #expect(try c.countDocuments([:], options: CountOptions(skip: 3, limit: 5)) == 5)
        #expect(try c.countDocuments([:], options: CountOptions(skip: 8, limit: 5)) == 2)
        #expect(c.estimatedDocumentCount() == 10)
    }

    @Test func distinctUnwindsArraysDedupsNumbersAndSorts() throws {
        let c = makeCollection()
        try c.insertMany([
            ["_id": 1, "x": 3, "tags": ["b", "a"]],
            ["_id": 2, "x": 3.0, "tags": ["c", ["d"]]],
            ["_id": 3, "x": "s", "tags": "a", "sub": [["k": 1], ["k": 2]]],
            ["_id": 4, "x": .null, "sub": ["k": 1]],
            ["_id": 5],
        ])
        #expect(try c.distinct("x") == [.null, 3, "s"])
        #expect(try c.distinct("tags") == ["a", "b", "c", ["d"]])
        #expect(try c.distinct("sub.k") == [1, 2])
        #expect(try c.distinct("x", filter: ["_id": 3]) == ["s"])
        #expect(try c.distinct("nothing").isEmpty)
    }

    @Test func idLookupsNeverScan() throws {
        let c = try seeded(1000)
        func examined(_ filter: BSONDocument) throws -> Int {
            var iterator = try c.find(filter).makeIterator()
            while try iterator.next() != nil {}
            return iterator.stats.documentsExamined
        }
        #expect(try c.findOne(["_id": 500])?["name"] == "n500")
        #expect(try c.findOne(["_id": 500.0])?["name"] == "n500")
        #expect(try c.findOne(["_id": ["$eq": .int64(7)]])?["name"] == "n7")
        #expect(try examined(["_id": 500]) == 1)
        #expect(try examined(["_id": ["$eq": .int64(7)], "g": 1]) == 1)
        #expect(try examined(["_id": ["$in": [1, 2, 3, 5000]]]) == 3)
        #expect(try examined(["_id": 5000]) == 0)
        #expect(try examined(["g": 1]) == 1000)
        #expect(try c.countDocuments(["_id": 3]) == 1)
        // Writes plan the same way.
        for filter: BSONDocument in [["_id": 10], ["_id": 10.0], ["_id": ["$in": [10, 11]]]] {
            let selection = try Selection(filter: filter, multi: false, sort: nil, hint: nil)
            guard selection.access.usesIDIndex else {
                Issue.record("\(filter) is not planned as an _id lookup")
                continue
            }
        }
        let outcome = try c.performUpdate(
            ["_id": 10], .update(try UpdatePlan(["$set": ["x": 1]])), multi: false, upsert: false, sort: nil, hint: nil)
        #expect(outcome.modifiedCount == 1 && outcome.stats.documentsExamined == 1)
        let deleted = try c.performDelete(["_id": ["$in": [11, 12]]], multi: true, sort: nil, hint: nil)
        #expect(deleted.deletedCount == 2 && deleted.stats.documentsExamined == 2)
    }

    @Test func cursorIsLazyAndReadsItsSnapshot() throws {
        let c = try seeded(5)
        let cursor = try c.find()
        try c.insertOne(["_id": 99])
        try c.updateMany([:], ["$set": ["name": "changed"]])
        try c.deleteOne(["_id": 0])
        let seen = try cursor.toArray()
        #expect(seen.map { $0["_id"]! } == [0, 1, 2, 3, 4])
        #expect(seen.allSatisfy { $0["name"] != "changed" })
        // Re-iterating reads the same snapshot; a new find sees the writes.
        #expect(try cursor.toArray().count == 5)
        #expect(try c.find().toArray().count == 5)
        #expect(try c.find(["name": "changed"]).toArray().count == 5)
    }

    @Test func aPartiallyReadCursorDoesNotBlockWriters() throws {
        let c = try seeded(100)
        var iterator = try c.find().makeIterator()
        #expect(try iterator.next()?["_id"] == 0)
        // These would deadlock if the open cursor held a lock.
        try c.insertOne(["_id": 1000])
        try c.updateMany([:], ["$inc": ["g": 10]])
        try c.deleteMany(["_id": 50])
        var rest = 0
        while let d = try iterator.next() {
            #expect(d["g"]!.int64Value! < 10)
            rest += 1
        }
        #expect(rest == 99)
        c.engine.checkInvariants()
    }

    @Test func readsOfAMissingCollectionAreEmptyAndDoNotCreateIt() throws {
        let db = DocketClient().database("test")
        let c = db.collection("nothing")
        #expect(try c.find().toArray().isEmpty)
        #expect(try c.countDocuments() == 0)
        #expect(try c.deleteMany([:]).deletedCount == 0)
        #expect(db.listCollectionNames().isEmpty)
    }

    /// A sorted find with a small limit reads sort keys from the stored bytes and decodes only what it returns.
    @Test func sortedFindWithALimitDecodesOnlyWhatItReturns() throws {
        let c = DocketClient().database("test").collection("decodes")
        for start in stride(from: 0, to: 100_000, by: 10_000) {
            try c.insertMany(
                (start..<(start + 10_000)).map { i in
                    ["_id": .int32(Int32(i)), "k": .int32(Int32((i * 7919) % 100_003)), "pad": "x", "a": [1, 2]]
                })
        }
        let expected = (0..<100_000).map { Int64(($0 * 7919) % 100_003) }.sorted(by: >).prefix(20).map { $0 }
        for projection: BSONDocument? in [nil, ["k": 1], ["pad": 0]] {
            var iterator = try c.find([:], options: FindOptions(projection: projection, sort: ["k": -1], limit: 20))
                .makeIterator()
            var keys: [Int64] = []
            while let document = try iterator.next() { keys.append(document["k"]!.int64Value!) }
            #expect(keys.count == 20)
            #expect(keys == expected)
            #expect(iterator.stats.documentsExamined == 100_000)
            #expect(iterator.stats.documentsDecoded == 20)
            #expect(iterator.stats.returned == 20)
        }
        // Unsorted with skip: the skipped documents are not decoded either.
        var iterator = try c.find(["k": ["$gte": 0]], options: FindOptions(skip: 500, limit: 5)).makeIterator()
        while try iterator.next() != nil {}
        #expect(iterator.stats.documentsDecoded == 5 && iterator.stats.documentsExamined == 505)
    }
}
