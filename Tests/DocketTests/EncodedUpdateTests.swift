import DocketBSON
import DocketTestSupport
import Testing

@testable import Docket

/// The fast path on encoded bytes (`StaticLeafUpdate.apply(toEncoded:arrayPosition:plan:)`) against the general
/// path (decode, `UpdatePlan.apply(to:arrayPosition:isInsert:)`, encode) for every operator, and the collection's
/// update-by-`_id` path built on it.
@Suite struct EncodedUpdateTests {
    /// What an update did to a document.
    enum Outcome: Equatable {
        case declined
        case unchanged
        case changed([UInt8])
        case failed(Int)
    }

    /// The fast path keeps its path as text (no array of components to allocate per update) and reads the same
    /// components from it as the general parser: names, numeric names and the positional `$`.
    @Test func staticLeafPathsSplitIntoTheParsersComponents() throws {
        let simple = try #require(try UpdatePlan(["$set": ["teams.0.role": "owner"]]).staticLeaf)
        #expect(simple.path == "teams.0.role" && simple.componentCount == 3)
        #expect(Array(simple.components) == [.name("teams"), .name("0"), .name("role")])
        let positional = try #require(try UpdatePlan(["$inc": ["teams.$.logins": 1]]).staticLeaf)
        #expect(positional.componentCount == 3)
        #expect(Array(positional.components) == [.name("teams"), .positional, .name("logins")])
        let unset = try #require(try UpdatePlan(["$unset": ["a.$x": ""]]).staticLeaf)
        #expect(Array(unset.components) == [.name("a"), .name("$x")])
        // Paths the simple parser declines go to the general one.
        #expect(StaticLeafUpdate(simplePath: "_id", value: 1) == nil)
        #expect(StaticLeafUpdate(simplePath: "_id.x", value: 1) == nil)
        #expect(StaticLeafUpdate(simplePath: "a..b", value: 1) == nil)
        #expect(StaticLeafUpdate(simplePath: "a.$", value: 1) == nil)
        #expect(StaticLeafUpdate(simplePath: "", value: 1) == nil)
        #expect(StaticLeafUpdate(simplePath: "_idx", value: 1)?.componentCount == 1)
        #expect(StaticLeafUpdate(simplePath: "x._id", value: 1)?.componentCount == 2)
    }

    /// The fast path's outcome.
    private func fast(_ plan: UpdatePlan, _ raw: RawDocument, arrayPosition: Int?) -> Outcome {
        guard let leaf = plan.staticLeaf else { return .declined }
        do {
            switch try leaf.apply(toEncoded: raw, arrayPosition: arrayPosition, plan: plan) {
            case nil: return .declined
            case .unchanged?: return .unchanged
            case .changed(let result)?: return .changed(result.bytes)
            }
        } catch {
            return .failed(error.code.code)
        }
    }

    /// The general path's outcome.
    private func general(_ plan: UpdatePlan, _ raw: RawDocument, arrayPosition: Int?) -> Outcome {
        do {
            var document = try raw.decoded()
            guard try plan.apply(to: &document, arrayPosition: arrayPosition, isInsert: false) else {
                return .unchanged
            }
            return .changed(try Modification.encodeUpdated(document, original: raw).bytes)
        } catch {
            return .failed(error.code.code)
        }
    }

    /// Applies `plan` both ways and checks that they agree whenever the fast path decides; returns its outcome.
    @discardableResult
    private func checkAgreement(
        _ plan: UpdatePlan,
        _ raw: RawDocument,
        arrayPosition: Int?,
        _ context: @autoclosure () -> String
    ) -> Outcome {
        let outcome = fast(plan, raw, arrayPosition: arrayPosition)
        if outcome != .declined {
            #expect(outcome == general(plan, raw, arrayPosition: arrayPosition), "\(context())")
        }
        if case .changed(let bytes) = outcome {
            #expect((try? BSONValidator.validate(bytes)) != nil, "\(context())")
        }
        return outcome
    }

    /// The result of a changed outcome, decoded.
    private func changed(_ outcome: Outcome) -> BSONDocument? {
        guard case .changed(let bytes) = outcome else { return nil }
        return try? BSONDocument(bsonBytes: bytes)
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

    /// A random single-operator update of `path`.
    private func randomUpdate(_ path: String, existing: BSONValue?, rng: inout SeededRandom) -> BSONDocument {
        let number: BSONValue = rng.pick([
            .int32(3), .int64(-2), .double(1.5), .decimal128(Decimal128(7)), .int32(.max),
        ])
        let value = existing != nil && rng.chance(0.25) ? existing! : rng.randomValue(depth: 2)
        switch rng.int(0...10) {
        case 0, 1, 2: return ["$set": [path: value]]
        case 3: return ["$inc": [path: number]]
        case 4: return ["$mul": [path: number]]
        case 5: return ["$min": [path: value]]
        case 6: return ["$max": [path: value]]
        case 7: return ["$unset": [path: ""]]
        case 8: return ["$push": [path: value]]
        case 9: return ["$addToSet": [path: value]]
        default: return [rng.pick(["$pop", "$pull", "$pullAll"]): [path: rng.pick([1, -1, [1, "a"]])]]
        }
    }

    @Test func bytesPathAgreesWithDocumentPathOnRandomDocumentsAndOperators() throws {
        var decided = 0
        var operators = Set<String>()
        SeededRandom.forEachCase(3000) { rng, index in
            var document = rng.randomDocument(maxDepth: 4)
            document["_id"] = nil
            document.insert("_id", .int32(Int32(index)), at: 0)
            guard let raw = try? RawDocument(document) else { return }
            let path = randomPath(in: document, rng: &rng)
            guard path[0] != "_id" else { return }
            let existing = raw.value(at: try! FieldPath(path.joined(separator: ".")))
            let update = randomUpdate(path.joined(separator: "."), existing: existing, rng: &rng)
            guard let plan = try? UpdatePlan(update) else { return }
            if checkAgreement(plan, raw, arrayPosition: nil, "\(update) in \(rng.replayHint)") != .declined {
                decided += 1
                operators.insert(update[0].key)
            }
        }
        // Most cases must take the bytes path, or the comparison proves little; every operator must be exercised.
        #expect(decided > 1200)
        #expect(operators.count == 11, "\(operators)")
    }

    @Test func positionalComponentUsesTheMatchedArrayPosition() throws {
        let raw = try RawDocument([
            "_id": 1, "teams": [["id": 7, "role": "admin"], ["id": 8, "role": "member"]], "tags": ["a", "b"],
            "counts": [1, 2],
        ])
        let teams = try UpdatePlan(["$set": ["teams.$.role": "owner"]])
        for position in [0, 1, 2, nil] as [Int?] {
            checkAgreement(teams, raw, arrayPosition: position, "teams.$ at \(String(describing: position))")
        }
        let tags = try UpdatePlan(["$set": ["tags.$": "z"]])
        #expect(changed(checkAgreement(tags, raw, arrayPosition: 1, "tags.$"))?["tags"] == ["a", "z"])
        let counts = try UpdatePlan(["$inc": ["counts.$": 10]])
        #expect(changed(checkAgreement(counts, raw, arrayPosition: 1, "counts.$"))?["counts"] == [1, 12])
        let unset = try UpdatePlan(["$unset": ["tags.$": 1]])
        #expect(changed(checkAgreement(unset, raw, arrayPosition: 0, "tags.$ unset"))?["tags"] == [.null, "b"])
    }

    @Test func sizeChangesFixEveryEnclosingLength() throws {
        let raw = try RawDocument(["_id": 1, "a": ["b": [["c": "short", "d": 1]]], "after": true])
        for value: BSONValue in ["a much longer string than before", "", .null, ["nested": ["x": 1]], 3.5] {
            let plan = try UpdatePlan(["$set": ["a.b.0.c": value]])
            guard let result = changed(checkAgreement(plan, raw, arrayPosition: nil, "\(value)")) else {
                Issue.record("a.b.0.c = \(value) did not change the document")
                continue
            }
            #expect(result["a"]?.documentValue?["b"] == [["c": value, "d": 1]])
            #expect(result["after"] == true)
        }
        let unset = try UpdatePlan(["$unset": ["a.b.0.c": 1]])
        let removed = changed(checkAgreement(unset, raw, arrayPosition: nil, "unset a.b.0.c"))
        #expect(removed == ["_id": 1, "a": ["b": [["d": 1]]], "after": true])
    }

    @Test func everyInPlaceOperatorTakesTheBytesPath() throws {
        let raw = try RawDocument(["_id": 1, "n": .int32(5), "s": "x", "t": [1, 2, 3], "d": .datetime(0)])
        let cases: [(BSONDocument, BSONDocument)] = [
            (["$inc": ["n": 2]], ["_id": 1, "n": .int32(7), "s": "x", "t": [1, 2, 3], "d": .datetime(0)]),
            (["$mul": ["n": .int64(3)]], ["_id": 1, "n": .int64(15), "s": "x", "t": [1, 2, 3], "d": .datetime(0)]),
            (["$min": ["n": 1]], ["_id": 1, "n": 1, "s": "x", "t": [1, 2, 3], "d": .datetime(0)]),
            (["$max": ["s": "y"]], ["_id": 1, "n": .int32(5), "s": "y", "t": [1, 2, 3], "d": .datetime(0)]),
            (["$unset": ["s": ""]], ["_id": 1, "n": .int32(5), "t": [1, 2, 3], "d": .datetime(0)]),
            (["$push": ["t": 4]], ["_id": 1, "n": .int32(5), "s": "x", "t": [1, 2, 3, 4], "d": .datetime(0)]),
            (["$pull": ["t": 2]], ["_id": 1, "n": .int32(5), "s": "x", "t": [1, 3], "d": .datetime(0)]),
            (
                ["$set": ["s": ["any": ["type": 1]]]],
                ["_id": 1, "n": .int32(5), "s": ["any": ["type": 1]], "t": [1, 2, 3], "d": .datetime(0)]
            ),
        ]
        for (update, expected) in cases {
            let outcome = checkAgreement(try UpdatePlan(update), raw, arrayPosition: nil, "\(update)")
            #expect(changed(outcome) == expected, "\(update)")
        }
        // `$currentDate` reads the clock: the bytes path sets a date after the old one.
        let dated = changed(fast(try UpdatePlan(["$currentDate": ["d": true]]), raw, arrayPosition: nil))
        guard case .datetime(let milliseconds)? = dated?["d"] else {
            Issue.record("$currentDate did not set a date")
            return
        }
        #expect(milliseconds > 0)
        // Errors are the operator's own.
        #expect(fast(try UpdatePlan(["$inc": ["s": 1]]), raw, arrayPosition: nil) == .failed(14))
        #expect(fast(try UpdatePlan(["$inc": ["n": 1.5], "$set": ["x": 1]]), raw, arrayPosition: nil) == .declined)
    }

    @Test func identicalValueIsANoOpButAnEqualValueOfAnotherTypeIsNot() throws {
        let raw = try RawDocument(["_id": 1, "n": .int32(5), "s": "x"])
        #expect(
            checkAgreement(try UpdatePlan(["$set": ["n": .int32(5)]]), raw, arrayPosition: nil, "int32 5") == .unchanged
        )
        #expect(checkAgreement(try UpdatePlan(["$inc": ["n": 0]]), raw, arrayPosition: nil, "inc 0") == .unchanged)
        let other = changed(
            checkAgreement(try UpdatePlan(["$set": ["n": .int64(5)]]), raw, arrayPosition: nil, "int64 5"))
        #expect(other?["n"]?.type == .int64)
    }

    @Test func declinesWhatTheDocumentPathMustDecide() throws {
        let raw = try RawDocument(["_id": 1, "s": "x", "arr": [1, 2], "doc": ["k": 1]])
        for path in ["missing", "s.deeper", "arr.5", "arr.name", "doc.missing", "doc.k.deeper"] {
            #expect(fast(try UpdatePlan(["$set": [path: 1]]), raw, arrayPosition: nil) == .declined, "\(path)")
        }
    }

    @Test func deepValuesAreRefusedOnTheBytesPathToo() throws {
        var deep: BSONValue = 1
        for _ in 0..<99 { deep = ["d": deep] }
        let raw = try RawDocument(["_id": 1, "a": ["b": 1]])
        #expect(fast(try UpdatePlan(["$set": ["a.b": deep]]), raw, arrayPosition: nil) == .failed(15))
        #expect(general(try UpdatePlan(["$set": ["a.b": deep]]), raw, arrayPosition: nil) == .failed(15))
        #expect(fast(try UpdatePlan(["$set": ["a": deep]]), raw, arrayPosition: nil) != .failed(15))
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
