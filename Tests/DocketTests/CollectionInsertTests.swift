import Testing

@testable import Docket

/// A fresh collection `test.c` in a new client.
func makeCollection(_ name: String = "c") -> DocketCollection {
    DocketClient().database("test").collection(name)
}

@Suite struct CollectionInsertTests {
    @Test func generatesAnObjectIDFirstWhenAbsent() throws {
        let c = makeCollection()
        let result = try c.insertOne(["name": "Ada"])
        guard case .objectID = result.insertedID else {
            Issue.record("expected an ObjectId, got \(result.insertedID)")
            return
        }
        let stored = try #require(try c.findOne())
        #expect(stored.keys == ["_id", "name"])
        #expect(stored["_id"]!.isIdentical(to: result.insertedID))
        c.engine.checkInvariants()
    }

    @Test func movesAnExistingIDToTheFirstPosition() throws {
        let c = makeCollection()
        try c.insertOne(["a": 1, "_id": 7, "b": 2])
        #expect(try c.findOne()!.keys == ["_id", "a", "b"])
    }

    @Test func duplicateIDIsE11000WithMongodsMessage() throws {
        let c = makeCollection()
        try c.insertOne(["_id": 1])
        do {
            try c.insertOne(["_id": 1.0, "x": 1])
            Issue.record("expected a duplicate key error")
        } catch {
            #expect(error.code == .duplicateKey)
            #expect(error.code.code == 11000)
            #expect(error.message == "E11000 duplicate key error collection: test.c index: _id_ dup key: { _id: 1.0 }")
            let writeError = try #require(error.writeFailure?.writeErrors.first)
            #expect(writeError.keyValue?["_id"] == .int32(1))
            #expect(writeError.keyPattern?["_id"] == .int32(1))
        }
        #expect(try c.countDocuments() == 1)
        c.engine.checkInvariants()
    }

    @Test(arguments: [
        (BSONValue.string("a"), "{ _id: \"a\" }"),
        (BSONValue.document(["x": 1, "y": "z"]), "{ _id: { x: 1, y: \"z\" } }"),
        (BSONValue.null, "{ _id: null }"),
        (BSONValue.int64(5), "{ _id: 5 }"),
    ])
    func duplicateKeyMessageFormatsValues(id: BSONValue, expected: String) throws {
        let c = makeCollection()
        try c.insertOne(["_id": id])
        #expect(throws: DocketError.self) { try c.insertOne(["_id": id]) }
        do { try c.insertOne(["_id": id]) } catch {
            #expect(error.message.hasSuffix("dup key: \(expected)"))
        }
    }

    @Test func objectIDDuplicateMessage() throws {
        let c = makeCollection()
        let id = try ObjectID(parsing: "64a1b2c3d4e5f60718293a4b")
        try c.insertOne(["_id": .objectID(id)])
        do { try c.insertOne(["_id": .objectID(id)]) } catch {
            #expect(error.message.hasSuffix("dup key: { _id: ObjectId('64a1b2c3d4e5f60718293a4b') }"))
        }
    }

    @Test func orderedInsertManyStopsAtTheFirstError() throws {
        let c = makeCollection()
        do {
            try c.insertMany([["_id": 1], ["_id": 2], ["_id": 1], ["_id": 3]])
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .duplicateKey)
            let failure = try #require(error.writeFailure)
            #expect(failure.writeErrors.map(\.index) == [2])
            #expect(failure.result.insertedCount == 2)
            #expect(failure.result.insertedIDs == [0: 1, 1: 2])
        }
        #expect(try c.find().toArray().map { $0["_id"]! } == [1, 2])
    }

    @Test func unorderedInsertManyContinuesAndReportsEveryError() throws {
        let c = makeCollection()
        try c.insertOne(["_id": 2])
        do {
            try c.insertMany([["_id": 1], ["_id": 2], ["_id": [1]], ["_id": 3], ["_id": 1]], ordered: false)
            Issue.record("expected an error")
        } catch {
            let failure = try #require(error.writeFailure)
            #expect(failure.writeErrors.map(\.index) == [1, 2, 4])
            #expect(failure.writeErrors.map(\.code.code) == [11000, 53, 11000])
            #expect(failure.result.insertedIDs == [0: 1, 3: 3])
        }
        #expect(try c.countDocuments() == 3)
        c.engine.checkInvariants()
    }

    @Test func insertManyReturnsIDsByIndex() throws {
        let c = makeCollection()
        let result = try c.insertMany([["_id": "a"], ["x": 1], ["_id": 3]])
        #expect(result.insertedCount == 3)
        #expect(result.insertedIDs[0] == "a")
        #expect(result.insertedIDs[2] == 3)
        if case .objectID = result.insertedIDs[1]! {} else { Issue.record("expected a generated ObjectId") }
    }

    @Test(arguments: [
        (BSONValue.array([1, 2]), 53, "can't use an array for _id"),
        (BSONValue.regex(BSONRegex(pattern: "a")), 53, "can't use a regex for _id"),
        (BSONValue.undefined, 53, "can't use a undefined for _id"),
        (
            BSONValue.document(["$a": 1]), 52,
            "_id fields may not contain '$'-prefixed fields: $a is not valid for storage."
        ),
    ])
    func invalidIDsAreRejected(id: BSONValue, code: Int, message: String) {
        let c = makeCollection()
        do {
            try c.insertOne(["_id": id])
            Issue.record("expected an error")
        } catch {
            #expect(error.code.code == code)
            #expect(error.message == message)
        }
    }

    @Test func nullAndDocumentIDsAreLegal() throws {
        let c = makeCollection()
        try c.insertOne(["_id": .null])
        try c.insertOne(["_id": ["a": 1, "b": 2]])
        #expect(try c.findOne(["_id": .null])?["_id"] == .null)
        #expect(try c.countDocuments(["_id": ["a": 1, "b": 2]]) == 1)
    }

    @Test func dollarAndDottedFieldNamesAreAllowed() throws {
        // MongoDB 5.0+ (insertMany-dots_and_dollars.json).
        let c = makeCollection()
        try c.insertMany([["_id": 1, "$a": 1], ["_id": 2, "a.b": 1], ["_id": 3, "a": ["$b": 1]]])
        #expect(try c.countDocuments() == 3)
    }

    @Test func documentsOver16MiBAreRejected() throws {
        let c = makeCollection()
        let big = String(repeating: "x", count: 16 * 1024 * 1024)
        do {
            try c.insertOne(["_id": 1, "s": .string(big)])
            Issue.record("expected an error")
        } catch {
            #expect(error.code.code == 10334)
            #expect(error.message.hasPrefix("object to insert too large. size in bytes: 167772"))
        }
        #expect(try c.countDocuments() == 0)
    }

    @Test func emptyInsertManyIsRejected() {
        #expect(throws: DocketError.self) { try makeCollection().insertMany([]) }
    }
}
