import Testing

@testable import Docket

@Suite struct CollectionUpdateTests {
    private func seeded() throws -> DocketCollection {
        let c = makeCollection()
        try c.insertMany([["_id": 1, "x": 11, "g": 1], ["_id": 2, "x": 22, "g": 1], ["_id": 3, "x": 33, "g": 2]])
        return c
    }

    @Test func updateOneChangesTheFirstMatchOnly() throws {
        let c = try seeded()
        let result = try c.updateOne(["g": 1], ["$inc": ["x": 1]])
        #expect(result == UpdateResult(matchedCount: 1, modifiedCount: 1))
        #expect(try c.find().toArray().map { $0["x"]! } == [12, 22, 33])
        c.engine.checkInvariants()
    }

    @Test func updateOneWithSortPicksTheFirstInSortOrder() throws {
        let c = try seeded()
        try c.updateOne(["g": 1], ["$set": ["picked": true]], options: UpdateOptions(sort: ["x": -1]))
        #expect(try c.findOne(["picked": true])?["_id"] == 2)
    }

    @Test func updateManyCountsMatchedAndModified() throws {
        let c = try seeded()
        try c.updateOne(["_id": 1], ["$set": ["y": 5]])
        let result = try c.updateMany([:], ["$set": ["y": 5]])
        #expect(result.matchedCount == 3)
        #expect(result.modifiedCount == 2)
        #expect(result.upsertedID == nil)
        #expect(throws: DocketError.self) {
            try c.updateMany([:], ["$set": ["y": 1]], options: UpdateOptions(sort: ["x": 1]))
        }
    }

    @Test func updateKeepsTheDocumentInPlaceAndIDFirst() throws {
        let c = try seeded()
        try c.updateOne(["_id": 1], ["$set": ["z": 1]])
        #expect(try c.find().toArray().map { $0["_id"]! } == [1, 2, 3])
        #expect(try c.findOne(["_id": 1])!.keys == ["_id", "x", "g", "z"])
    }

    @Test func updatesRequireOperatorsAndReplacementsRefuseThem() throws {
        let c = try seeded()
        for body in [
            { _ = try c.updateOne(["_id": 1], ["x": 22]) },
            { _ = try c.updateMany([:], ["x": 44]) },
            { _ = try c.updateOne(["_id": 1], [:]) },
            { _ = try c.replaceOne(["_id": 1], ["$set": ["x": 22]]) },
            { _ = try c.findOneAndUpdate(["_id": 1], ["x": 1]) },
        ] as [() throws -> Void] {
            #expect(throws: DocketError.self) { try body() }
        }
        #expect(try c.findOne(["_id": 1])?["x"] == 11)
    }

    @Test func replaceOneKeepsIDAndRejectsChangingIt() throws {
        let c = try seeded()
        let result = try c.replaceOne(["_id": 2], ["y": "new"])
        #expect(result == UpdateResult(matchedCount: 1, modifiedCount: 1))
        #expect(try c.findOne(["_id": 2])!.isIdentical(to: ["_id": 2, "y": "new"]))
        do {
            try c.replaceOne(["_id": 2], ["_id": 5, "y": 1])
            Issue.record("expected ImmutableField")
        } catch {
            #expect(error.code == .immutableField)
        }
        #expect(try c.findOne(["_id": 2])?["y"] == "new")
        #expect(try c.replaceOne(["_id": 2], ["_id": 2, "y": "new"]).modifiedCount == 0)
    }

    @Test func upsertInsertsFromTheFilterEqualities() throws {
        let c = try seeded()
        let result = try c.updateOne(["_id": 9, "g": 4], ["$set": ["x": 99]], options: UpdateOptions(upsert: true))
        #expect(result.matchedCount == 0)
        #expect(result.upsertedCount == 1)
        #expect(result.upsertedID == 9)
        #expect(try c.findOne(["_id": 9])!.isIdentical(to: ["_id": 9, "g": 4, "x": 99]))
        // Without _id in the filter, an ObjectId is generated and placed first.
        let generated = try c.updateOne(["g": 5], ["$set": ["x": 1]], options: UpdateOptions(upsert: true))
        guard case .objectID = generated.upsertedID else {
            Issue.record("expected an ObjectId")
            return
        }
        #expect(try c.findOne(["g": 5])!.keys == ["_id", "g", "x"])
        c.engine.checkInvariants()
    }

    @Test func replaceUpsertTakesTheFilterID() throws {
        let c = makeCollection()
        let result = try c.replaceOne(["_id": 4], ["x": 1], options: ReplaceOptions(upsert: true))
        #expect(result.upsertedID == 4)
        #expect(try c.findOne()!.isIdentical(to: ["_id": 4, "x": 1]))
    }

    @Test func upsertCollidingWithAnExistingIDIsDuplicateKey() throws {
        let c = try seeded()
        do {
            try c.updateOne(["_id": 1, "x": 999], ["$set": ["y": 1]], options: UpdateOptions(upsert: true))
            Issue.record("expected E11000")
        } catch {
            #expect(error.code == .duplicateKey)
        }
    }

    @Test func updateManyFailingMidwayKeepsEarlierDocumentsAndReportsCounts() throws {
        let c = makeCollection()
        try c.insertMany([["_id": 1, "n": 1], ["_id": 2, "n": 2], ["_id": 3, "n": "text"], ["_id": 4, "n": 4]])
        do {
            try c.updateMany([:], ["$inc": ["n": 10]])
            Issue.record("expected TypeMismatch")
        } catch {
            #expect(error.code == .typeMismatch)
            #expect(error.writeFailure?.result.modifiedCount == 2)
        }
        #expect(try c.find().toArray().map { $0["n"]! } == [11, 12, "text", 4])
        c.engine.checkInvariants()
    }

    @Test func deleteOneAndDeleteMany() throws {
        let c = try seeded()
        #expect(try c.deleteOne(["g": 1]).deletedCount == 1)
        #expect(try c.find().toArray().map { $0["_id"]! } == [2, 3])
        #expect(try c.deleteMany(["g": 7]).deletedCount == 0)
        #expect(try c.deleteMany([:]).deletedCount == 2)
        #expect(c.estimatedDocumentCount() == 0)
        try c.insertOne(["_id": 1])
        #expect(try c.countDocuments() == 1)
        c.engine.checkInvariants()
    }

    @Test func manyDeletesCompactAndKeepTheIndexRight() throws {
        let c = makeCollection()
        try c.insertMany((0..<200).map { ["_id": .int32(Int32($0)), "odd": .bool($0 % 2 == 1)] })
        for i in stride(from: 0, to: 200, by: 4) { try c.deleteOne(["_id": .int32(Int32(i))]) }
        try c.deleteMany(["odd": true])
        c.engine.checkInvariants()
        #expect(c.engine.snapshot(includingIDIndex: false).store.tombstoneCount < RecordStore.chunkSize * 2)
        #expect(try c.find().toArray().map { $0["_id"]!.int64Value! } == stride(from: 2, to: 200, by: 4).map { $0 })
        #expect(try c.findOne(["_id": 198])?["_id"] == 198)
    }

    @Test func findOneAndUpdateReturnsBeforeOrAfterProjected() throws {
        let c = try seeded()
        let before = try c.findOneAndUpdate(["_id": 1], ["$inc": ["x": 1]])
        #expect(before?["x"] == 11)
        let after = try c.findOneAndUpdate(
            ["g": 1], ["$inc": ["x": 1]],
            options: FindOneAndUpdateOptions(returnDocument: .after, sort: ["x": -1], projection: ["x": 1]))
        #expect(after!.isIdentical(to: ["_id": 2, "x": 23]))
        #expect(try c.findOneAndUpdate(["g": 9], ["$set": ["x": 1]]) == nil)
        let upserted = try c.findOneAndUpdate(
            ["_id": 7], ["$set": ["x": 1]], options: FindOneAndUpdateOptions(upsert: true))
        #expect(upserted == nil)
        let upsertedAfter = try c.findOneAndUpdate(
            ["_id": 8], ["$set": ["x": 1]], options: FindOneAndUpdateOptions(returnDocument: .after, upsert: true))
        #expect(upsertedAfter!.isIdentical(to: ["_id": 8, "x": 1]))
    }

    @Test func findOneAndReplaceAndDelete() throws {
        let c = try seeded()
        let before = try c.findOneAndReplace(["_id": 3], ["r": 1])
        #expect(before?["x"] == 33)
        let after = try c.findOneAndReplace(
            ["_id": 3], ["r": 2], options: FindOneAndReplaceOptions(returnDocument: .after))
        #expect(after!.isIdentical(to: ["_id": 3, "r": 2]))
        let deleted = try c.findOneAndDelete(
            ["g": 1], options: FindOneAndDeleteOptions(sort: ["x": -1], projection: ["_id": 1]))
        #expect(deleted!.isIdentical(to: ["_id": 2]))
        #expect(try c.countDocuments() == 2)
        #expect(try c.findOneAndDelete(["g": 1])?["_id"] == 1)
        #expect(try c.findOneAndDelete(["g": 1]) == nil)
    }

    @Test func bulkWriteTotalsAndIDs() throws {
        let c = try seeded()
        let result = try c.bulkWrite([
            .insertOne(["_id": 4, "g": 2]),
            .updateOne(filter: ["_id": 1], update: ["$set": ["x": 0]]),
            .updateMany(filter: ["g": 2], update: ["$set": ["y": 1]]),
            .replaceOne(filter: ["_id": 9], replacement: ["r": 1], options: ReplaceOptions(upsert: true)),
            .deleteOne(filter: ["_id": 2]),
            .deleteMany(filter: ["g": 2]),
            .updateOne(filter: ["_id": 10], update: ["$set": ["x": 1]], options: UpdateOptions(upsert: true)),
        ])
        #expect(result.insertedCount == 1)
        #expect(result.insertedIDs == [0: 4])
        #expect(result.matchedCount == 3)
        #expect(result.modifiedCount == 3)
        #expect(result.deletedCount == 3)
        #expect(result.upsertedCount == 2)
        #expect(result.upsertedIDs == [3: 9, 6: 10])
        #expect(try c.find().toArray().map { $0["_id"]! } == [1, 9, 10])
    }

    @Test func orderedBulkWriteStopsAndUnorderedContinues() throws {
        let models: [DocketCollection.WriteModel] = [
            .insertOne(["_id": 1]), .insertOne(["_id": 1]), .insertOne(["_id": 2]),
            .updateOne(filter: ["_id": 2], update: ["$inc": ["n": 1]]),
        ]
        let ordered = makeCollection()
        do {
            try ordered.bulkWrite(models)
            Issue.record("expected an error")
        } catch {
            let failure = try #require(error.writeFailure)
            #expect(failure.writeErrors.map(\.index) == [1])
            #expect(failure.result.insertedCount == 1)
        }
        #expect(try ordered.countDocuments() == 1)

        let unordered = makeCollection()
        do {
            try unordered.bulkWrite(models, ordered: false)
            Issue.record("expected an error")
        } catch {
            let failure = try #require(error.writeFailure)
            #expect(failure.writeErrors.map(\.index) == [1])
            #expect(failure.writeErrors.first?.code == .duplicateKey)
            #expect(failure.result.insertedCount == 2)
            #expect(failure.result.modifiedCount == 1)
        }
        #expect(try unordered.countDocuments() == 2)
    }

    @Test func bulkWriteValidatesModelsBeforeRunningAny() throws {
        let c = makeCollection()
        #expect(throws: DocketError.self) {
            try c.bulkWrite([.insertOne(["_id": 1]), .replaceOne(filter: ["_id": 1], replacement: ["$set": ["x": 1]])])
        }
        #expect(try c.countDocuments() == 0)
    }
}
