import DocketBSON
import Testing

@testable import Docket
@testable import DocketWorkloads

/// The verification logic of `docket-bench` (DocketWorkloads' `WorkloadVerifier` and `UpdateReplay`), run against
/// a real collection of a small canonical dataset, and fed wrong answers that it must reject.
@Suite struct WorkloadRunnerTests {
    static let size = 2000

    private func loaded() throws -> (DocketCollection, WorkloadKeys, WorkloadVerifier) {
        let users = makeCollection()
        try users.insertMany(UserGenerator().documents(count: WorkloadRunnerTests.size))
        return (
            users, WorkloadKeys(documentCount: WorkloadRunnerTests.size),
            WorkloadVerifier(documentCount: WorkloadRunnerTests.size)
        )
    }

    @Test func lookupsByEmailHitTheirKeysDocument() throws {
        let (users, keys, verifier) = try loaded()
        for key in keys.w2.prefix(50) {
            try verifier.checkLookup(key, found: try users.findOne(["email": .string(key.email)]))
            #expect(try users.countDocuments(["email": .string(key.email)]) == 1)
        }
    }

    @Test func lookupCheckRejectsMissingAndWrongDocuments() throws {
        let (users, keys, verifier) = try loaded()
        let key = keys.w2[0]
        #expect(throws: WorkloadVerificationError.self) { try verifier.checkLookup(key, found: nil) }
        let other = (key.index + 1) % WorkloadRunnerTests.size
        let wrong = try users.findOne(["_id": .objectID(UserGenerator().objectID(at: other))])
        #expect(throws: WorkloadVerificationError.self) { try verifier.checkLookup(key, found: wrong) }
        // The right email on a document with another _id is rejected too.
        var forged = try #require(wrong)
        forged["email"] = .string(key.email)
        #expect(throws: WorkloadVerificationError.self) { try verifier.checkLookup(key, found: forged) }
    }

    @Test func rangePagesEqualTheBruteForcePage() throws {
        let (users, keys, verifier) = try loaded()
        let createdAt = verifier.createdAtValues()
        var nonEmpty = 0
        for range in keys.w3.prefix(40) {
            let page = try users.find(
                ["created_at": ["$gte": .datetime(range.lo), "$lt": .datetime(range.hi)]],
                options: FindOptions(sort: ["created_at": -1], limit: WorkloadKeys.w3Limit)
            ).toArray()
            try verifier.checkRangePage(range, limit: WorkloadKeys.w3Limit, page: page, createdAt: createdAt)
            if !page.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 0)
    }

    @Test func rangeCheckRejectsUnsortedOutOfRangeAndIncompletePages() throws {
        let (users, keys, verifier) = try loaded()
        let createdAt = verifier.createdAtValues()
        let range = try #require(
            keys.w3.first { WorkloadVerifier.expectedRangePage($0, limit: 20, createdAt: createdAt).count >= 3 })
        let page = try users.find(
            ["created_at": ["$gte": .datetime(range.lo), "$lt": .datetime(range.hi)]],
            options: FindOptions(sort: ["created_at": -1], limit: 20)
        ).toArray()
        #expect(throws: WorkloadVerificationError.self) {
            try verifier.checkRangePage(range, limit: 20, page: Array(page.reversed()))
        }
        #expect(throws: WorkloadVerificationError.self) { try verifier.checkRangePage(range, limit: 2, page: page) }
        #expect(throws: WorkloadVerificationError.self) {
            try verifier.checkRangePage(range, limit: 20, page: Array(page.dropFirst()), createdAt: createdAt)
        }
        var outside = page
        outside[0]["created_at"] = .datetime(range.hi)
        #expect(throws: WorkloadVerificationError.self) { try verifier.checkRangePage(range, limit: 20, page: outside) }
    }

    @Test func expectedRangePageIsTheLargestValuesInRangeDescending() {
        let range = WorkloadKeys.Range(lo: 10, hi: 20)
        let values: [Int64] = [5, 19, 12, 20, 10, 15, 19, 11]
        #expect(WorkloadVerifier.expectedRangePage(range, limit: 3, createdAt: values) == [19, 19, 15])
        #expect(WorkloadVerifier.expectedRangePage(range, limit: 10, createdAt: values) == [19, 19, 15, 12, 11, 10])
    }

    @Test(arguments: [0, 1, 2])
    func updateRunsModifyExactlyWhatTheReplaySays(runIndex: Int) throws {
        let (users, keys, verifier) = try loaded()
        for var replay in [
            UpdateReplay.w4a(keys: Array(keys.w4a.prefix(3000)), generator: verifier.generator),
            UpdateReplay.w4b(keys: Array(keys.w4b.prefix(3000)), generator: verifier.generator),
        ] {
            var matchedOne = 0
            var modified = 0
            for key in replay.keys {
                let value = replay.value(for: key, runIndex: runIndex)
                let result = try users.updateOne(["_id": .objectID(key.id)], ["$set": [replay.field: .string(value)]])
                if result.matchedCount == 1 { matchedOne += 1 }
                modified += result.modifiedCount
            }
            let expected = replay.run(runIndex: runIndex)
            // Keys repeat (drawn with replacement) and values may equal the generated ones: not every update modifies.
            #expect(expected < replay.keys.count)
            #expect(expected > replay.keys.count / 2)
            try replay.checkTotals(matchedOne: matchedOne, modified: modified, expectedModified: expected)
            #expect(throws: WorkloadVerificationError.self) {
                try replay.checkTotals(matchedOne: matchedOne, modified: modified + 1, expectedModified: expected)
            }
            #expect(throws: WorkloadVerificationError.self) {
                try replay.checkTotals(matchedOne: matchedOne - 1, modified: modified, expectedModified: expected)
            }
            for key in replay.keys.prefix(100) {
                try replay.checkDocument(try users.findOne(["_id": .objectID(key.id)]), index: key.index)
            }
        }
    }

    @Test func updateCheckRejectsAStaleDocument() throws {
        let (users, keys, verifier) = try loaded()
        var replay = UpdateReplay.w4a(keys: Array(keys.w4a.prefix(10)), generator: verifier.generator)
        _ = replay.run(runIndex: 0)  // replayed, but never applied to the collection
        let changed = try #require(
            replay.keys.first { verifier.generator.user(at: $0.index).status != replay.value(ofDocument: $0.index) })
        #expect(throws: WorkloadVerificationError.self) {
            try replay.checkDocument(try users.findOne(["_id": .objectID(changed.id)]), index: changed.index)
        }
    }

    @Test func codecChecksumAndOffsetsCoverTheFile() throws {
        let bytes = UserGenerator().bsonBytes(count: 100)
        let offsets = try documentOffsets(in: bytes)
        #expect(offsets.count == 101)
        #expect(offsets.last == bytes.count)
        var sum: UInt64 = 0
        for i in 0..<100 {
            let document = try BSONDocument(bsonBytes: Array(bytes[offsets[i]..<offsets[i + 1]]))
            #expect(try document.bsonBytes() == Array(bytes[offsets[i]..<offsets[i + 1]]))
            #expect(document == UserGenerator().document(at: i))
            sum &+= visitChecksum(document)
        }
        #expect(sum != 0)
        // Any change to a value changes the checksum.
        var changed = UserGenerator().document(at: 0)
        changed["age"] = .int32(17)
        #expect(visitChecksum(changed) != visitChecksum(UserGenerator().document(at: 0)))
        #expect(throws: WorkloadVerificationError.self) { try documentOffsets(in: Array(bytes.dropLast())) }
        #expect(throws: WorkloadVerificationError.self) { try documentOffsets(in: [3, 0, 0, 0, 0]) }
    }
}
