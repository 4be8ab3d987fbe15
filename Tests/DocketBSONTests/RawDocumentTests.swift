import DocketBSON
import Testing

@Suite struct RawDocumentTests {
    static let user: BSONDocument = [
        "_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3)),
        "email": "ada@example.com",
        "teams": [["id": 7, "role": "admin"], ["id": 9, "role": "viewer"]],
        "settings": ["theme": "dark", "notifications": true],
        "tags": [],
    ]

    @Test func findsTopLevelFieldsWithoutDecodingTheRest() throws {
        let raw = try RawDocument(Self.user)
        #expect(raw["email"]?.stringValue == "ada@example.com")
        #expect(raw["_id"]?.isIdentical(to: Self.user["_id"]!) == true)
        #expect(raw["missing"] == nil)
        #expect(try raw.decode().isIdentical(to: Self.user))
    }

    @Test(arguments: [
        ("teams.1.role", "viewer" as BSONValue?),
        ("teams.0.id", 7),
        ("settings.theme", "dark"),
        ("teams.2.role", nil),
        ("teams.role", nil),
        ("email.x", nil),
        ("tags.0", nil),
        ("teams.01.role", nil),
    ])
    func followsDottedPaths(_ path: String, _ expected: BSONValue?) throws {
        let raw = try RawDocument(Self.user)
        let found = raw.value(at: try FieldPath(path))
        #expect(found?.isIdentical(to: expected ?? .minKey) ?? (expected == nil), "\(path)")
        #expect(found?.isIdentical(to: Self.user[path: path] ?? .minKey) ?? (Self.user[path: path] == nil))
    }

    @Test func elementPositionsDescribeTheValueBytes() throws {
        let raw = try RawDocument(Self.user)
        let element = try #require(raw.element(at: try FieldPath("email")))
        #expect(element.type == .string)
        #expect(element.valueLength == 4 + "ada@example.com".utf8.count + 1)
        var keys: [String] = []
        raw.forEachElement { key, _ in keys.append(String(decoding: key, as: UTF8.self)) }
        #expect(keys == Self.user.keys)
    }

    @Test func validationRejectsBadBytes() {
        #expect(throws: BSONError.self) { try RawDocument(validating: [5, 0, 0, 0, 1]) }
    }

    @Test(arguments: ["", "a..b", ".a", "a.", "a\u{0}b"])
    func invalidFieldPathsAreRejected(_ path: String) {
        #expect(throws: BSONError.self) { try FieldPath(path) }
    }

    @Test func fieldPathComponentsKnowTheirArrayIndexes() throws {
        let path = try FieldPath("a.0.10.01.-1.b")
        #expect(path.components.map(\.arrayIndex) == [nil, 0, 10, nil, nil, nil])
        #expect(path.description == "a.0.10.01.-1.b")
    }
}

@Suite struct BSONFileReaderTests {
    @Test func readsDocumentsBackToBackAndReportsTheOffsetOfDamage() throws {
        let docs: [BSONDocument] = (0..<1000).map {
            ["i": .int32(Int32($0)), "pad": .string(String(repeating: "x", count: $0 % 300))]
        }
        var file: [UInt8] = []
        var offsets: [Int] = []
        for d in docs {
            offsets.append(file.count)
            try d.appendBSON(to: &file)
        }
        let path = try TemporaryFile.write(file)
        defer { TemporaryFile.remove(path) }
        var reader = try BSONFileReader(path: path)
        var read: [BSONDocument] = []
        while let d = try reader.next() { read.append(d) }
        #expect(read.count == docs.count)
        #expect(zip(read, docs).allSatisfy { $0.isIdentical(to: $1) })

        // Corrupt the type byte of document 600's first element.
        var damaged = file
        damaged[offsets[600] + 4] = 0x42
        let damagedPath = try TemporaryFile.write(damaged)
        defer { TemporaryFile.remove(damagedPath) }
        var reader2 = try BSONFileReader(path: damagedPath)
        var count = 0
        do {
            while try reader2.next() != nil { count += 1 }
            Issue.record("damage not detected")
        } catch {
            #expect(count == 600)
            #expect(error.byteOffset == offsets[600] + 4)
            #expect(reader2.offset == offsets[600])
        }

        // A truncated last document.
        let truncatedPath = try TemporaryFile.write(Array(file.dropLast(3)))
        defer { TemporaryFile.remove(truncatedPath) }
        var reader3 = try BSONFileReader(path: truncatedPath)
        count = 0
        #expect { while try reader3.next() != nil { count += 1 } } throws: {
            ($0 as? BSONError)?.kind == .unexpectedEnd
        }
        #expect(count == 999)
    }

    @Test func missingFileIsAnIOError() {
        #expect { _ = try BSONFileReader(path: "/nonexistent/x.bson") } throws: { ($0 as? BSONError)?.kind == .io }
    }
}

@Suite struct BSONFileReaderBytesTests {
    @Test func nextBytesReturnsEachValidatedDocumentAndStopsAtDamage() throws {
        var file: [UInt8] = []
        let docs: [BSONDocument] = (0..<10).map { ["i": .int32(Int32($0))] }
        for d in docs { try d.appendBSON(to: &file) }
        let size = file.count / docs.count
        file[size * 7 + 4] = 0x77
        let path = try TemporaryFile.write(file)
        defer { TemporaryFile.remove(path) }
        var reader = try BSONFileReader(path: path)
        var read: [[UInt8]] = []
        #expect { while let bytes = try reader.nextBytes() { read.append(bytes) } } throws: {
            ($0 as? BSONError)?.byteOffset == size * 7 + 4
        }
        #expect(read.count == 7)
        #expect(try read.map { try BSONDocument(bsonBytes: $0) } == Array(docs.prefix(7)))
    }
}
