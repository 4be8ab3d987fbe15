import DocketBSON
import DocketTestSupport
import Testing

@testable import Docket

/// The `$set` fast path on encoded bytes (`FastSet.apply(toEncoded:arrayPosition:)`) against the document path
/// (decode, `FastSet.apply(to:arrayPosition:)`, encode), and the collection's update-by-`_id` path built on it.
@Suite struct EncodedUpdateTests {
    /// Applies `fast` both ways and checks that they agree; returns the encoded outcome.
    @discardableResult
    private func checkAgreement(
        _ fast: FastSet,
        _ raw: RawDocument,
        arrayPosition: Int?,
        _ context: @autoclosure () -> String
    ) -> EncodedSetOutcome? {
        var document = raw.document
        let expected = fast.apply(to: &document, arrayPosition: arrayPosition)
        let encoded = fast.apply(toEncoded: raw, arrayPosition: arrayPosition)
        switch encoded {
        case nil:
            // The bytes path declines only where the document path does, or for a value it cannot encode.
            #expect(expected == nil || (try? fast.value.encodedValueSize()) == nil, "\(context())")
        case .unchanged?:
            #expect(expected == false, "\(context())")
        case .changed(let result)?:
            #expect(expected == true, "\(context())")
            #expect(result.bytes == (try? document.bsonBytes()), "\(context())")
            #expect((try? BSONValidator.validate(result.bytes)) != nil, "\(context())")
        }
        return encoded
    }

    /// A random path into `document`: mostly one that exists, sometimes one that ends in a missing name, an index
    /// past the end or a non-canonical index, or runs into a scalar.
    private func randomPath(in document: BSONDocument, rng: inout SeededRandom) -> [String] {
        var path: [String] = []
        var current = BSONValue.document(document)
        while true {
            switch current {
            case .document(let d):
                let keys = d.keys.filter { !$0.isEmpty && !$0.contains(".") && !$0.hasPrefix("$") }
                if keys.isEmpty || rng.chance(0.1) {
                    path.append(rng.pick(["missing", "status", "x"]))
                    return path
                }
                let key = rng.pick(keys)
                path.append(key)
                current = d[key]!
            case .array(let a):
                if a.isEmpty || rng.chance(0.1) {
                    path.append(rng.pick(["\(a.count)", "\(a.count + 3)", "00", "name"]))
                    return path
                }
                let i = rng.int(0...(a.count - 1))
                path.append(rng.chance(0.1) ? "0\(i)" : "\(i)")
                current = a[i]
            default:
                if rng.chance(0.2) { path.append("deeper") }
                return path
            }
            if path.count >= 2 && rng.chance(0.4) { return path }
        }
    }

    @Test func bytesPathAgreesWithDocumentPathOnRandomDocuments() throws {
        var decided = 0
        SeededRandom.forEachCase(1500) { rng, index in
            var document = rng.randomDocument(maxDepth: 4)
            document["_id"] = nil
            document.insert("_id", .int32(Int32(index)), at: 0)
            guard let raw = try? RawDocument(document) else { return }
            let path = randomPath(in: document, rng: &rng)
            guard path[0] != "_id" else { return }
            // Sometimes the value already there (a no-op), sometimes a random one.
            let existing = raw.value(at: try! FieldPath(path.joined(separator: ".")))
            let value = existing != nil && rng.chance(0.25) ? existing! : rng.randomValue(depth: 2)
            guard let fast = FastSet(simplePath: path.joined(separator: "."), value: value) else { return }
            if checkAgreement(fast, raw, arrayPosition: nil, "\(path) in \(rng.replayHint)") != nil { decided += 1 }
        }
        // Most cases must take the bytes path, or the comparison proves little.
        #expect(decided > 600)
    }

    @Test func positionalComponentUsesTheMatchedArrayPosition() throws {
        let raw = try RawDocument([
            "_id": 1, "teams": [["id": 7, "role": "admin"], ["id": 8, "role": "member"]], "tags": ["a", "b"],
        ])
        let teams = try #require(try UpdatePlan(["$set": ["teams.$.role": "owner"]]).fastSet)
        for position in [0, 1, 2, nil] as [Int?] {
            checkAgreement(teams, raw, arrayPosition: position, "teams.$ at \(String(describing: position))")
        }
        let tags = try #require(try UpdatePlan(["$set": ["tags.$": "z"]]).fastSet)
        guard case .changed(let result)? = checkAgreement(tags, raw, arrayPosition: 1, "tags.$") else {
            Issue.record("tags.$ did not change the document")
            return
        }
        #expect(result.document["tags"] == ["a", "z"])
    }

    @Test func sizeChangesFixEveryEnclosingLength() throws {
        let raw = try RawDocument(["_id": 1, "a": ["b": [["c": "short", "d": 1]]], "after": true])
        for value: BSONValue in ["a much longer string than before", "", .null, ["nested": ["x": 1]], 3.5] {
            let fast = try #require(FastSet(simplePath: "a.b.0.c", value: value))
            guard case .changed(let result)? = checkAgreement(fast, raw, arrayPosition: nil, "\(value)") else {
                Issue.record("a.b.0.c = \(value) did not change the document")
                continue
            }
            #expect(result.document["a"]?.documentValue?["b"] == [["c": value, "d": 1]])
            #expect(result.document["after"] == true)
        }
    }

    @Test func identicalValueIsANoOpButAnEqualValueOfAnotherTypeIsNot() throws {
        let raw = try RawDocument(["_id": 1, "n": .int32(5), "s": "x"])
        let same = try #require(FastSet(simplePath: "n", value: .int32(5)))
        guard case .unchanged? = checkAgreement(same, raw, arrayPosition: nil, "n = int32 5") else {
            Issue.record("setting an identical value changed the document")
            return
        }
        let other = try #require(FastSet(simplePath: "n", value: .int64(5)))
        guard case .changed(let result)? = checkAgreement(other, raw, arrayPosition: nil, "n = int64 5") else {
            Issue.record("setting int64 5 over int32 5 did not change the document")
            return
        }
        #expect(result.document["n"]?.type == .int64)
    }

    @Test func declinesWhatTheDocumentPathCannotDoInPlace() throws {
        let raw = try RawDocument(["_id": 1, "s": "x", "arr": [1, 2], "doc": ["k": 1]])
        for path in ["missing", "s.deeper", "arr.5", "arr.name", "doc.missing", "doc.k.deeper"] {
            let fast = try #require(FastSet(simplePath: path, value: 1))
            #expect(fast.apply(toEncoded: raw, arrayPosition: nil) == nil, "\(path)")
            checkAgreement(fast, raw, arrayPosition: nil, path)
        }
        // A value the encoder rejects (a NUL byte in a regex) is left to the document path's error.
        let bad = try #require(FastSet(simplePath: "s", value: .regex(BSONRegex(pattern: "a\u{0}b", options: ""))))
        #expect(bad.apply(toEncoded: raw, arrayPosition: nil) == nil)
    }

    // MARK: Through the collection

    private func users() throws -> DocketCollection {
        let users = DocketClient().database("test").collection("users")
        try users.insertMany([
            ["_id": .int64(1), "status": "active", "teams": [["id": 7, "role": "admin"]]],
            ["_id": "two", "status": "banned", "teams": []],
            ["_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3)), "status": "inactive"],
        ])
        return users
    }

    @Test func updateByIDPatchesTheStoredDocument() throws {
        let users = try users()
        let oid = ObjectID(timestamp: 1, random: 2, counter: 3)
        var result = try users.updateOne(["_id": .objectID(oid)], ["$set": ["status": "active"]])
        #expect(result.matchedCount == 1 && result.modifiedCount == 1)
        result = try users.updateOne(["_id": .objectID(oid)], ["$set": ["status": "active"]])
        #expect(result.matchedCount == 1 && result.modifiedCount == 0)
        // int32 1 finds the int64 `_id` 1, as MongoDB's equality says.
        result = try users.updateOne(["_id": .int32(1)], ["$set": ["teams.0.role": "viewer"]])
        #expect(result.matchedCount == 1 && result.modifiedCount == 1)
        #expect(try users.findOne(["_id": 1])?["teams"] == [["id": 7, "role": "viewer"]])
        // A missing path falls back to the general update, which creates it.
        result = try users.updateOne(["_id": "two"], ["$set": ["teams.0.role": "viewer"]])
        #expect(result.modifiedCount == 1)
        #expect(try users.findOne(["_id": "two"])?["teams"] == [["role": "viewer"]])
        result = try users.updateOne(["_id": "nobody"], ["$set": ["status": "active"]])
        #expect(result.matchedCount == 0)
        users.cachedEngine.checkInvariants()
    }

    @Test func updateByIDUpsertsWhenNothingMatches() throws {
        let users = try users()
        let result = try users.updateOne(
            ["_id": "new"], ["$set": ["status": "active"]], options: UpdateOptions(upsert: true))
        #expect(result.matchedCount == 0 && result.upsertedID == "new")
        #expect(try users.findOne(["_id": "new"]) == ["_id": "new", "status": "active"])
        users.cachedEngine.checkInvariants()
    }

    @Test func updateByIDStillReportsTheGeneralPathsErrors() throws {
        let users = try users()
        #expect(throws: DocketError.self) {
            try users.updateOne(["_id": "two"], ["$set": ["status.deeper": 1, "status": 2]])
        }
        #expect(throws: DocketError.self) {
            try users.updateOne(["_id": .int64(1)], ["$set": ["status.deeper": 1]])
        }
        #expect(try users.findOne(["_id": 1])?["status"] == "active")
    }

    @Test func findOneAndUpdateReturnsTheVersionAskedFor() throws {
        let users = try users()
        var options = FindOneAndUpdateOptions()
        options.returnDocument = .after
        let after = try users.findOneAndUpdate(["_id": "two"], ["$set": ["status": "active"]], options: options)
        #expect(after?["status"] == "active")
        options.returnDocument = .before
        let before = try users.findOneAndUpdate(["_id": "two"], ["$set": ["status": "gone"]], options: options)
        #expect(before?["status"] == "active")
    }
}
