import DocketTestSupport
import Foundation
import Testing

@testable import Docket

/// Regression tests for issue 7 ("no input crashes Docket, no error is lost"): one test per numbered finding, each
/// failing before its fix.
@Suite struct HardeningTests {
    private func collection(_ name: String = "c") -> DocketCollection {
        DocketClient().database("test").collection(name)
    }

    /// `{d: {d: … {leaf: 1}}}` whose deepest field is at `level` (top-level fields are level 1).
    private static func document(fieldLevel level: Int) -> BSONDocument {
        var value: BSONValue = ["leaf": 1]
        for _ in 0..<(level - 2) { value = ["d": value] }
        return ["_id": 1, "d": value]
    }

    private func expectCode(_ code: Int, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("no error; expected code \(code)", sourceLocation: sourceLocation)
        } catch let error as DocketError {
            #expect(error.code.code == code, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    // MARK: 1. A collection cannot be poisoned

    @Test func everyWritePathRefusesDocumentsNestedBeyondTheStorageLimit() throws {
        let c = collection()
        let atLimit = Self.document(fieldLevel: 100)
        let beyond = Self.document(fieldLevel: 101)
        try c.insertOne(atLimit)
        let insertError = #expect(throws: DocketError.self) { try c.insertOne(beyond) }
        #expect(insertError?.code == .overflow)
        #expect(insertError?.message == "Document exceeds maximum nesting depth of 100")
        var deepValue: BSONValue = 1
        for _ in 0..<99 { deepValue = ["d": deepValue] }
        expectCode(15) { try c.updateOne(["_id": 1], ["$set": ["x.y": deepValue]]) }
        expectCode(15) { try c.updateOne(["_id": 1], ["$set": ["x": ["y": deepValue]]]) }
        expectCode(15) {
            try c.updateOne(["_id": 1], ["$push": ["arr": deepValue]], options: UpdateOptions(upsert: true))
        }
        expectCode(15) { try c.updateMany([:], ["$set": ["x.y": deepValue]]) }
        expectCode(15) { try c.replaceOne(["_id": 1], ["x": ["y": deepValue]]) }
        expectCode(15) {
            try c.updateOne(["_id": 2], ["$set": ["x.y": deepValue]], options: UpdateOptions(upsert: true))
        }
        expectCode(15) { _ = try c.findOneAndUpdate(["_id": 1], ["$set": ["x.y": deepValue]]) }
        expectCode(15) { _ = try c.findOneAndReplace(["_id": 1], ["x": ["y": deepValue]]) }
        expectCode(15) { try c.bulkWrite([.insertOne(["_id": 3, "d": ["x": deepValue]])]) }
        expectCode(15) { try c.insertMany([["_id": 4], beyond], ordered: false) }
        // Nothing deeper than the limit got in, and everything that did is readable by every read path.
        #expect(try c.countDocuments() == 2)
        #expect(try c.find().toArray().count == 2)
        #expect(try c.find([:], options: FindOptions(sort: ["d.d.d": -1])).toArray().count == 2)
        #expect(try c.findOne(["_id": 1]) == atLimit)
        #expect(try c.distinct("d").count == 1)
        c.engine.checkInvariants()
    }

    struct Comment: Codable, Equatable {
        var text: String
        var replies: [Comment]

        static func thread(depth: Int) -> Comment {
            var comment = Comment(text: "leaf", replies: [])
            for i in 0..<depth { comment = Comment(text: "reply \(i)", replies: [comment]) }
            return comment
        }
    }

    @Test func typedInsertOfARecursiveModelIsAcceptedAndReadableOrRefused() throws {
        let comments = DocketClient().database("test").collection("comments", as: Comment.self)
        // Each reply nests a document in an array: two levels per reply.
        let shallow = Comment.thread(depth: 40)
        try comments.insertOne(shallow)
        #expect(try comments.find() == [shallow])
        let error = #expect(throws: DocketError.self) { try comments.insertOne(Comment.thread(depth: 60)) }
        #expect(error?.code == .overflow)
        #expect(try comments.countDocuments() == 1)
    }

    @Test func extendedJSONAcceptsNoMoreThanTheStoreDoes() throws {
        let text = { (levels: Int) in
            String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)
        }
        let c = collection()
        // 100 levels of JSON objects around a scalar: the deepest field is at level 100.
        try c.insertOne(try BSONDocument(extendedJSON: text(100)))
        #expect(try c.find().toArray().count == 1)
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: text(200)) }
    }

    @Test func damagedStoredBytesAreReportedNeverTrappedOn() throws {
        let c = collection()
        try c.insertMany([["_id": 1, "a": 1], ["_id": 2, "a": 2]])
        // Bytes that claim a sub-document longer than it is: only a broken caller or damaged memory could store them.
        let damaged = RawDocument(uncheckedBytes: [
            26, 0, 0, 0, 0x10, 0x5F, 0x69, 0x64, 0, 3, 0, 0, 0, 0x03, 0x62, 0, 9, 0, 0, 0, 0x10, 0x63, 0, 1, 0, 0,
        ])
        _ = try c.engine.write { c.engine.publishInserts([PreparedDocument(id: 3, raw: damaged)], ordered: true) }
        let error = #expect(throws: DocketError.self) { try c.find().toArray() }
        #expect(error?.code == .invalidBSON)
        expectCode(22) { _ = try c.find([:], options: FindOptions(sort: ["_id": -1])).toArray() }
        expectCode(22) { _ = try c.findOne(["_id": 3]) }
        expectCode(22) { try c.updateOne(["_id": 3], ["$push": ["b": 1]]) }
        _ = try c.distinct("a")
        #expect(try c.findOne(["_id": 1]) == ["_id": 1, "a": 1])
    }

    // MARK: 2, 3. Deep arguments are refused before anything recurses, on any thread

    @Test func deeplyNestedArgumentsAreRefusedOnASmallStack() {
        let codes = runOnSmallStack(stackSize: 64 << 20) {
            // Built and freed on a large stack; parsed on a small one.
            let c = DocketClient().database("test").collection("c")
            var and: BSONDocument = ["a": 1]
            var not: BSONDocument = ["$eq": 1]
            var elemMatch: BSONDocument = ["a": 1]
            var value: BSONValue = 1
            for _ in 0..<1000 {
                and = ["$and": [.document(and)]]
                not = ["$not": .document(not)]
                elemMatch = ["a": ["$elemMatch": .document(elemMatch)]]
                value = ["d": value]
            }
            let arguments = DeepArguments(
                and: and, not: ["a": .document(not)], elemMatch: elemMatch, value: value, collection: c)
            let result = runOnSmallStack { arguments.codes() }
            arguments.release()
            return result
        }
        #expect(codes == Array(repeating: 15, count: 9), "\(codes)")
    }

    /// The deep arguments, handed to the small-stack thread without its closure owning them.
    private final class DeepArguments: @unchecked Sendable {
        var and: BSONDocument?
        var not: BSONDocument?
        var elemMatch: BSONDocument?
        var value: BSONValue?
        let collection: DocketCollection

        init(
            and: BSONDocument, not: BSONDocument, elemMatch: BSONDocument, value: BSONValue,
            collection: DocketCollection
        ) {
            self.and = and
            self.not = not
            self.elemMatch = elemMatch
            self.value = value
            self.collection = collection
        }

        func codes() -> [Int] {
            let c = collection
            let value = self.value!
            let attempts: [() throws -> Void] = [
                { _ = try c.find(self.and!).toArray() },
                { _ = try c.find(self.not!) },
                { _ = try c.countDocuments(self.elemMatch!) },
                { try c.insertOne(["x": value]) },
                { try c.updateOne(["a": 1], ["$set": ["x": value]]) },
                { _ = try c.find([:], options: FindOptions(projection: ["x": value])) },
                { _ = try c.find([:], options: FindOptions(sort: ["x": value])) },
                { try c.deleteMany(self.and!) },
                { try c.updateOne(["a": 1], ["$set": ["x": 1]], options: UpdateOptions(arrayFilters: [["x": value]])) },
            ]
            return attempts.map { attempt in
                do {
                    try attempt()
                    return 0
                } catch let error as DocketError {
                    return error.code.code
                } catch {
                    return -1
                }
            }
        }

        func release() {
            and = nil
            not = nil
            elemMatch = nil
            value = nil
        }
    }

    // MARK: 4. skip + limit never overflows

    @Test func extremeSkipAndLimitSaturate() throws {
        let c = collection()
        try c.insertMany((0..<5).map { ["_id": .int32(Int32($0)), "a": .int32(Int32(4 - $0))] })
        let sorted = FindOptions(sort: ["a": 1], skip: 1, limit: Int.max)
        #expect(try c.find([:], options: sorted).toArray().map { $0["_id"]! } == [3, 2, 1, 0])
        #expect(try c.find([:], options: FindOptions(sort: ["a": 1], skip: Int.max, limit: Int.max)).toArray().isEmpty)
        #expect(try c.find([:], options: FindOptions(skip: Int.max, limit: 1)).toArray().isEmpty)
        #expect(try c.find([:], options: FindOptions(sort: ["a": -1], limit: Int.min)).toArray().count == 5)
        #expect(try c.countDocuments([:], options: CountOptions(skip: Int.max, limit: Int.max)) == 0)
        expectCode(2) { _ = try c.find([:], options: FindOptions(skip: -1)) }
        expectCode(2) { _ = try c.find([:], options: FindOptions(batchSize: -1)) }
        // $slice and $position at the extremes of their ranges.
        try c.updateOne(["_id": 0], ["$set": ["arr": [1, 2, 3]]])
        let slices: [BSONValue] = [.int64(.max), .int64(.min), [.int64(.min), .int64(.max)], [.int64(.max), 1]]
        for slice in slices {
            _ = try? c.find(["_id": 0], options: FindOptions(projection: ["arr": ["$slice": slice]])).toArray()
        }
        for position in [Int64.max, Int64.min] {
            _ = try? c.updateOne(["_id": 0], ["$push": ["arr": ["$each": [9], "$position": .int64(position)]]])
            _ = try? c.updateOne(["_id": 0], ["$push": ["arr": ["$each": [9], "$slice": .int64(position)]]])
        }
        #expect(try c.findOne(["_id": 0])?["arr"]?.arrayValue != nil)
    }

    // MARK: 6. Two _id fields are refused

    @Test func documentsWithTwoIDsAreRefusedOnEveryWritePath() throws {
        let c = collection()
        let twice = BSONDocument([("_id", 1), ("a", 1), ("_id", 2)])
        let error = #expect(throws: DocketError.self) { try c.insertOne(twice) }
        #expect(error?.code == .badValue && error?.message == "can't have multiple _id fields in one document")
        expectCode(2) { try c.insertOne(BSONDocument([("a", 1), ("_id", 1), ("_id", 2)])) }
        expectCode(2) { try c.bulkWrite([.insertOne(twice)]) }
        try c.insertOne(["_id": 1])
        expectCode(2) { try c.replaceOne(["_id": 1], BSONDocument([("_id", 1), ("_id", 2)])) }
        expectCode(2) {
            try c.replaceOne(
                ["_id": 5], BSONDocument([("x", 1), ("_id", 5), ("_id", 6)]), options: ReplaceOptions(upsert: true))
        }
        // The second _id never slipped in: inserting _id 2 later succeeds, and nothing else changed.
        try c.insertOne(["_id": 2])
        #expect(try c.find().toArray() == [["_id": 1], ["_id": 2]])
    }

    // MARK: 8. Iterating a cursor never loses an error

    @Test func cursorErrorsSurfaceInEveryIterationForm() async throws {
        let c = collection()
        try c.insertMany([["_id": 1, "arr": [1, 2]], ["_id": 2, "arr": [3]]])
        // A positional projection whose filter does not touch `arr`.
        let cursor = try c.find(["_id": ["$gte": 1]], options: FindOptions(projection: ["arr.$": 1]))
        expectCode(51246) { _ = try cursor.toArray() }
        expectCode(51246) { try cursor.forEach { _ in } }
        expectCode(51246) {
            var iterator = cursor.makeIterator()
            while try iterator.next() != nil {}
        }
        do {
            for try await _ in cursor {}
            Issue.record("for try await ended without the error")
        } catch {
            #expect(error.code.code == 51246)
        }
    }

    // MARK: 9. $natural sort and hint

    @Test func naturalOrderSortsAndHints() throws {
        let c = collection()
        try c.insertMany([["_id": 3], ["_id": 1], ["_id": 2]])
        try c.deleteOne(["_id": 1])
        try c.insertOne(["_id": 0])
        let reversed = try c.find([:], options: FindOptions(sort: ["$natural": -1])).toArray().map { $0["_id"]! }
        #expect(reversed == [0, 2, 3])
        #expect(try c.find([:], options: FindOptions(sort: ["$natural": 1])).toArray().map { $0["_id"]! } == [3, 2, 0])
        #expect(
            try c.find(["_id": ["$in": [0, 3]]], options: FindOptions(hint: ["$natural": -1])).toArray() == [
                ["_id": 0], ["_id": 3],
            ])
        #expect(
            try c.find(["_id": ["$in": [3, 0]]], options: FindOptions(hint: "_id_")).toArray() == [
                ["_id": 0], ["_id": 3],
            ])
        #expect(try c.countDocuments([:], options: CountOptions(hint: ["_id": 1])) == 3)
        #expect(try c.deleteOne([:], options: DeleteOptions(hint: ["$natural": -1])).deletedCount == 1)
        #expect(try c.find().toArray().map { $0["_id"]! } == [3, 2])
        expectCode(2) { _ = try c.find([:], options: FindOptions(hint: "email_1")) }
        expectCode(2) { _ = try c.find([:], options: FindOptions(sort: ["$natural": 1, "a": 1])) }
        expectCode(9) { _ = try c.find([:], options: FindOptions(hint: 5)) }
    }

    // MARK: 10. $in on _id reads the index

    @Test func inOnIDLooksUpEachIDInsteadOfScanning() throws {
        let c = collection()
        try c.insertMany((0..<2000).map { ["_id": .int32(Int32($0)), "v": .int32(Int32($0))] })
        var iterator = try c.find(["_id": ["$in": [1999, 5, 5.0, 77, 100_000]]]).makeIterator()
        var ids: [BSONValue] = []
        while let document = try iterator.next() { ids.append(document["_id"]!) }
        // MongoDB's IXSCAN order: ascending `_id`, each document once.
        #expect(ids == [5, 77, 1999])
        #expect(iterator.stats.keysExamined == 4)
        #expect(iterator.stats.documentsExamined == 3)
        #expect(try c.updateMany(["_id": ["$in": [1, 2]]], ["$inc": ["v": 1]]).modifiedCount == 2)
        #expect(try c.deleteMany(["_id": ["$in": [3, 4, 4]]]).deletedCount == 2)
    }

    // MARK: 13. A drop racing a write never loses the write

    @Test func aWriteThroughAHandleResolvedBeforeADropLandsInTheNewCollection() throws {
        let db = DocketClient().database("test")
        let c = db.collection("c")
        try c.insertOne(["_id": 1])
        let stale = c.engine
        db.collection("c").drop()
        // The old engine refuses the write (it was dropped under the writer lock); the handle retries on the new one.
        var outcome = WriteOutcome()
        #expect(
            try !stale.execute(.insert([try PreparedDocument(forInsert: ["_id": 2])], ordered: true), into: &outcome))
        try c.insertOne(["_id": 2])
        #expect(try db.collection("c").find().toArray() == [["_id": 2]])
        #expect(db.listCollectionNames() == ["c"])
    }

    // MARK: Found by the engine fuzzer

    /// A find-and-modify whose returned document cannot be projected (positional `$` with no matching array element)
    /// fails with 51246 and changes nothing: no update, no upsert, no delete.
    @Test func findAndModifyWithAFailingProjectionChangesNothing() throws {
        let c = collection()
        try c.insertMany([["_id": 1, "a": [1, 2], "b": 1], ["_id": 2, "b": 2]])
        let before = try c.find().toArray()
        let positional: BSONDocument = ["a.$": 1]
        expectCode(51246) {
            _ = try c.findOneAndUpdate(
                ["b": 1], ["$set": ["b": 10]],
                options: FindOneAndUpdateOptions(returnDocument: .after, projection: positional))
        }
        expectCode(51246) {
            _ = try c.findOneAndReplace(
                ["b": 9], ["b": 9, "a": [1]],
                options: FindOneAndReplaceOptions(returnDocument: .after, projection: positional, upsert: true))
        }
        expectCode(51246) {
            _ = try c.findOneAndDelete(["b": 1], options: FindOneAndDeleteOptions(projection: positional))
        }
        #expect(try c.find().toArray() == before)
    }

    // MARK: README

    private func readmeUsers() throws -> DocketCollection {
        let users = collection("users")
        try users.insertMany([
            ["email": "ada@example.com", "name": "Ada", "teams": [["id": 1, "name": "Backend", "role": "admin"]]],
            ["email": "alan@example.com", "name": "Alan", "teams": [["id": 1, "name": "Backend", "role": "member"]]],
        ])
        return users
    }

    /// The README's cursor forms that surface errors: `toArray`, `forEach`, `next`.
    @Test func readmeCursorFormsWork() throws {
        let backend = try readmeUsers().find(["teams.id": 1], options: FindOptions(sort: ["name": 1], limit: 10))
        #expect(try backend.toArray().map { $0["name"]! } == ["Ada", "Alan"])
        var names: [BSONValue] = []
        try backend.forEach { names.append($0["name"]!) }
        #expect(names == ["Ada", "Alan"])
    }

    /// The README's `for try await`. Kept apart from closures capturing a `var`: Swift 6.3.1's mandatory
    /// AllocBoxToStack pass hangs or crashes on an `async` function that has both.
    @Test func readmeAsyncIterationWorks() async throws {
        let backend = try readmeUsers().find(["teams.id": 1], options: FindOptions(sort: ["name": 1], limit: 10))
        var names: [BSONValue] = []
        for try await user in backend { names.append(user["name"]!) }
        #expect(names == ["Ada", "Alan"])
    }
}
