import DocketBSON
import Testing

@Suite struct CodecTests {
    static let everyType: Document = [
        "double": .double(-1.25),
        "string": "héllo \u{1F600}",
        "doc": ["a": 1],
        "array": [1, "two", [3]],
        "bin": .binary(Binary(subtype: .uuid, bytes: Array(0..<16))),
        "old": .binary(Binary(subtype: .binaryOld, bytes: [1, 2, 3])),
        "undefined": .undefined,
        "oid": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3)),
        "bool": true,
        "date": .datetime(-62_135_596_800_000),
        "null": nil,
        "regex": .regex(BSONRegex(pattern: "^a.*b$", options: "mi")),
        "ptr": .dbPointer(DBPointer(namespace: "db.c", id: ObjectID(timestamp: 9, random: 9, counter: 9))),
        "code": .javascript("function() {}"),
        "symbol": .symbol("sym"),
        "cws": .javascriptWithScope(CodeWithScope(code: "x", scope: ["x": 1])),
        "int32": .int32(.min),
        "ts": .timestamp(BSONTimestamp(timestamp: 123, increment: 456)),
        "int64": .int64(.max),
        "dec": .decimal128(Decimal128(high: 0x3040_0000_0000_0000, low: 1)),
        "min": .minKey,
        "max": .maxKey,
    ]

    @Test func everyTypeRoundTripsIdentically() throws {
        let bytes = try Self.everyType.bsonBytes()
        #expect(bytes.count == (try Self.everyType.encodedSize()))
        let decoded = try Document(bsonBytes: bytes)
        #expect(decoded.isIdentical(to: Self.everyType.withSortedRegexOptions()))
        #expect(try decoded.bsonBytes() == bytes)
    }

    @Test func knownEncoding() throws {
        let bytes = try (["a": 1, "b": "x"] as Document).bsonBytes()
        #expect(bytes == [21, 0, 0, 0, 0x10, 0x61, 0, 1, 0, 0, 0, 0x02, 0x62, 0, 2, 0, 0, 0, 0x78, 0, 0])
    }

    @Test func arrayKeysAreWrittenAsDecimalIndexes() throws {
        let doc: Document = ["a": .array((0..<12).map { .int32(Int32($0)) })]
        let bytes = try doc.bsonBytes()
        let text = String(decoding: bytes.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
        #expect(text.hasPrefix("01234567891011"))
        let decoded = try Document(bsonBytes: bytes)
        #expect(decoded.isIdentical(to: doc))
    }

    @Test func keysWithNulCannotBeEncoded() {
        let doc: Document = ["a\u{0}b": 1]
        #expect(throws: BSONError.self) { try doc.bsonBytes() }
        let regex: Document = ["r": .regex(BSONRegex(pattern: "a\u{0}", options: ""))]
        #expect(throws: BSONError.self) { try regex.bsonBytes() }
    }

    struct Malformed: Sendable, CustomStringConvertible {
        let name: String
        let bytes: [UInt8]
        let kind: BSONError.Kind
        let offset: Int
        var description: String { name }
    }

    static let malformed: [Malformed] = [
        Malformed(name: "empty input", bytes: [], kind: .unexpectedEnd, offset: 0),
        Malformed(name: "length below 5", bytes: [4, 0, 0, 0, 0], kind: .invalidLength, offset: 0),
        Malformed(name: "length beyond input", bytes: [6, 0, 0, 0, 0], kind: .unexpectedEnd, offset: 0),
        Malformed(name: "trailing bytes", bytes: [5, 0, 0, 0, 0, 0], kind: .trailingBytes, offset: 0),
        Malformed(name: "missing terminator", bytes: [5, 0, 0, 0, 1], kind: .missingTerminator, offset: 4),
        Malformed(name: "unknown type", bytes: [8, 0, 0, 0, 0x20, 0x61, 0, 0], kind: .invalidType, offset: 4),
        Malformed(
            name: "bad boolean",
            bytes: [9, 0, 0, 0, 0x08, 0x61, 0, 2, 0],
            kind: .invalidBoolean,
            offset: 7
        ),
        Malformed(
            name: "string overruns",
            bytes: [13, 0, 0, 0, 0x02, 0x61, 0, 9, 0, 0, 0, 0x78, 0],
            kind: .invalidLength,
            offset: 7
        ),
        Malformed(
            name: "invalid UTF-8 in string",
            bytes: [14, 0, 0, 0, 0x02, 0x61, 0, 2, 0, 0, 0, 0xFF, 0, 0],
            kind: .invalidUTF8,
            offset: 11
        ),
        Malformed(
            name: "invalid UTF-8 in key",
            bytes: [12, 0, 0, 0, 0x0A, 0xC0, 0x80, 0, 0x0A, 0x62, 0, 0],
            kind: .invalidUTF8,
            offset: 5
        ),
        Malformed(
            name: "nested length lies",
            bytes: [13, 0, 0, 0, 0x03, 0x61, 0, 6, 0, 0, 0, 0, 0],
            kind: .invalidLength,
            offset: 7
        ),
        Malformed(
            name: "old binary inner length mismatch",
            bytes: [19, 0, 0, 0, 0x05, 0x61, 0, 6, 0, 0, 0, 2, 3, 0, 0, 0, 1, 2, 0],
            kind: .invalidLength,
            offset: 12
        ),
    ]

    @Test(arguments: malformed)
    func malformedInputThrowsWithKindAndOffset(_ c: Malformed) {
        do {
            _ = try Document(bsonBytes: c.bytes)
            Issue.record("\(c.name) was accepted")
        } catch {
            #expect(error.kind == c.kind, "\(c.name): \(error)")
            #expect(error.byteOffset == c.offset, "\(c.name): \(error)")
        }
    }

    @Test func depthLimitIsEnforcedWithoutRecursingForever() throws {
        func nested(_ depth: Int) -> Document {
            var doc: Document = ["leaf": 1]
            for _ in 0..<depth { doc = ["d": .document(doc)] }
            return doc
        }
        let ok = try nested(100).bsonBytes()
        #expect(throws: Never.self) { try Document(bsonBytes: ok) }
        let deep = try nested(101).bsonBytes()
        #expect { try Document(bsonBytes: deep) } throws: { ($0 as? BSONError)?.kind == .depthLimitExceeded }
        #expect(throws: Never.self) { try Document(bsonBytes: deep, options: BSONReaderOptions(maxDepth: 200)) }
    }

    @Test func sizeLimitIsEnforced() throws {
        let doc: Document = ["s": .string(String(repeating: "x", count: 2000))]
        let bytes = try doc.bsonBytes()
        #expect { try Document(bsonBytes: bytes, options: BSONReaderOptions(maxDocumentSize: 1000)) } throws: {
            ($0 as? BSONError)?.kind == .sizeLimitExceeded
        }
    }

    @Test func everyTruncationIsRejected() throws {
        let bytes = try Self.everyType.bsonBytes()
        for n in 0..<bytes.count {
            #expect(throws: BSONError.self) { try Document(bsonBytes: Array(bytes.prefix(n))) }
        }
    }
}

extension Document {
    /// The document with every regex's options sorted, as the encoder writes them.
    func withSortedRegexOptions() -> Document {
        Document(
            elements: map { field in
                if case .regex(let r) = field.value {
                    return (key: field.key, value: .regex(BSONRegex(pattern: r.pattern, options: r.sortedOptions)))
                }
                return field
            }
        )
    }
}
