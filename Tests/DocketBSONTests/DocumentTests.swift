import DocketBSON
import Testing

@Suite struct DocumentTests {
    @Test func literalSyntaxBuildsNestedDocuments() {
        let doc: BSONDocument = [
            "name": "Ada", "teams": [["id": 1, "role": "admin"]], "score": 1.5, "ok": true, "none": .null,
        ]
        #expect(doc.keys == ["name", "teams", "score", "ok", "none"])
        #expect(doc["name"]?.stringValue == "Ada")
        #expect(doc[path: "teams.0.role"]?.stringValue == "admin")
        #expect(doc[path: "teams.0.id"]?.isIdentical(to: .int32(1)) == true)
        #expect(doc["score"]?.isIdentical(to: .double(1.5)) == true)
        #expect(doc["none"]?.isIdentical(to: .null) == true)
    }

    @Test func integerLiteralsWiderThanInt32BecomeInt64() {
        let v: BSONValue = 5_000_000_000
        #expect(v.isIdentical(to: .int64(5_000_000_000)))
    }

    @Test func dottedPathNavigation() {
        let doc: BSONDocument = ["a": ["b": [10, ["c": "x"]]]]
        #expect(doc[path: "a.b.1.c"]?.stringValue == "x")
        #expect(doc[path: "a.b.0"] == .int32(10))
        #expect(doc[path: "a.b.2"] == nil)
        #expect(doc[path: "a.b.-1"] == nil)
        #expect(doc[path: "a.b.x"] == nil)
        #expect(doc[path: "a.missing"] == nil)
        #expect(doc[path: "a.b.0.c"] == nil)
    }

    @Test func subscriptSetReplacesInPlaceAppendsOrRemoves() {
        var doc: BSONDocument = ["a": 1, "b": 2]
        doc["a"] = "one"
        doc["c"] = 3
        #expect(doc.keys == ["a", "b", "c"])
        #expect(doc["a"]?.stringValue == "one")
        doc["b"] = nil
        #expect(doc.keys == ["a", "c"])
    }

    @Test func duplicateKeysArePreservedAndLookupReturnsTheFirst() throws {
        var doc = BSONDocument()
        doc.append("k", 1)
        doc.append("k", 2)
        #expect(doc.count == 2)
        #expect(doc["k"] == 1)
        let decoded = try BSONDocument(bsonBytes: doc.bsonBytes())
        #expect(decoded.isIdentical(to: doc))
    }

    @Test func keysCompareByBytesNotCanonicalEquivalence() {
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        let doc: BSONDocument = [composed: 1]
        #expect(doc[composed] == 1)
        #expect(doc[decomposed] == nil)
    }

    @Test func equalityIsByValueButIdentityIsExact() {
        let a: BSONDocument = ["x": .int32(1)]
        let b: BSONDocument = ["x": .double(1)]
        #expect(a == b)
        #expect(!a.isIdentical(to: b))
        #expect(a.hashValue == b.hashValue)
        let reordered: BSONDocument = ["y": 1, "x": 1]
        #expect(reordered != ["x": 1, "y": 1])
    }

    @Test func regexOptionsAreKeptSorted() throws {
        #expect(BSONRegex(pattern: "a", options: "mix").options == "imx")
        // Unsorted options in the input (the corpus' "flags not alphabetized") are read as sorted.
        let degenerate: [UInt8] = [16, 0, 0, 0, 0x0B, 0x61, 0, 0x61, 0x62, 0x63, 0, 0x6D, 0x69, 0x78, 0, 0]
        let decoded = try BSONDocument(bsonBytes: degenerate)
        #expect(decoded["a"]?.isIdentical(to: .regex(BSONRegex(pattern: "abc", options: "imx"))) == true)
        #expect(try decoded.bsonBytes() == [16, 0, 0, 0, 0x0B, 0x61, 0, 0x61, 0x62, 0x63, 0, 0x69, 0x6D, 0x78, 0, 0])
    }

    @Test func valueLayoutStaysWithinBudget() {
        #expect(MemoryLayout<BSONValue>.stride <= 24)
        #expect(MemoryLayout<BSONDocument>.size == 8)
    }
}

@Suite struct ObjectIDTests {
    @Test func hexRoundTripAndParts() throws {
        let id = try ObjectID(parsing: "507F1F77bcf86cd799439011")
        #expect(id.hex == "507f1f77bcf86cd799439011")
        #expect(id.timestamp == 0x507F_1F77)
        #expect(id.bytes == [0x50, 0x7F, 0x1F, 0x77, 0xBC, 0xF8, 0x6C, 0xD7, 0x99, 0x43, 0x90, 0x11])
        #expect(ObjectID(bytes: id.bytes) == id)
        #expect(id.dateMilliseconds == 0x507F_1F77 * 1000)
    }

    @Test(arguments: ["", "507f1f77bcf86cd79943901", "507f1f77bcf86cd7994390111", "507f1f77bcf86cd79943901g"])
    func invalidHexIsRejected(_ text: String) {
        #expect(throws: BSONError.self) { try ObjectID(parsing: text) }
    }

    @Test func generatedIDsAreUniqueAcrossThreadsAndCarryTheTime() async {
        let perTask = 20_000
        let ids = await withTaskGroup(of: [ObjectID].self) { group in
            for _ in 0..<4 { group.addTask { (0..<perTask).map { _ in ObjectID() } } }
            var all: [ObjectID] = []
            for await chunk in group { all += chunk }
            return all
        }
        #expect(Set(ids).count == ids.count)
        let first = ids[0]
        #expect(first.timestamp > 1_700_000_000)
        // Same process: the five random bytes are shared.
        #expect(first.bytes[4..<9] == ids[ids.count - 1].bytes[4..<9])
    }

    @Test func forEachFieldVisitsFieldsInOrderWithDuplicates() {
        let document = BSONDocument(fields: [
            .init(key: "a", value: 1), .init(key: "b", value: "two"), .init(key: "a", value: [3]),
        ])
        var seen: [(String, BSONValue)] = []
        document.forEachField { key, value in seen.append((key, value)) }
        #expect(seen.map(\.0) == ["a", "b", "a"])
        #expect(seen.map(\.1) == [1, "two", [3]])
        #expect(
            document.isIdentical(
                to: BSONDocument(elements: [(key: "a", value: 1), (key: "b", value: "two"), (key: "a", value: [3])])))
        var count = 0
        BSONDocument().forEachField { _, _ in count += 1 }
        #expect(count == 0)
    }

    @Test func forEachFieldRethrows() {
        struct Stop: Error {}
        let document: BSONDocument = ["a": 1, "b": 2]
        var visited = 0
        #expect(throws: Stop.self) {
            try document.forEachField { _, _ in
                visited += 1
                throw Stop()
            }
        }
        #expect(visited == 1)
    }

    @Test func collectionViewStillYieldsTuples() {
        var document: BSONDocument = ["a": 1, "b": 2]
        document[1] = (key: "c", value: 3)
        #expect(document.map(\.key) == ["a", "c"])
        let removed = document.remove(at: 0)
        #expect(removed.key == "a" && removed.value == 1)
        #expect(MemoryLayout<BSONDocument.Field>.stride <= 40)
    }
}
