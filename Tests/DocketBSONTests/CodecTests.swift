import DocketBSON
import DocketTestSupport
import Testing

@Suite struct CodecTests {
    static let everyType: BSONDocument = [
        "double": .double(-1.25),
        "string": "héllo \u{1F600}",
        "doc": ["a": 1],
        "array": [1, "two", [3]],
        "bin": .binary(BSONBinary(subtype: .uuid, bytes: Array(0..<16))),
        "old": .binary(BSONBinary(subtype: .binaryOld, bytes: [1, 2, 3])),
        "undefined": .undefined,
        "oid": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3)),
        "bool": true,
        "date": .datetime(-62_135_596_800_000),
        "null": .null,
        "regex": .regex(BSONRegex(pattern: "^a.*b$", options: "mi")),
        "ptr": .dbPointer(BSONDBPointer(namespace: "db.c", id: ObjectID(timestamp: 9, random: 9, counter: 9))),
        "code": .javascript("function() {}"),
        "symbol": .symbol("sym"),
        "cws": .javascriptWithScope(BSONCodeWithScope(code: "x", scope: ["x": 1])),
        "int32": .int32(.min),
        "ts": .timestamp(BSONTimestamp(timestamp: 123, increment: 456)),
        "int64": .int64(.max),
        "dec": .decimal128(Decimal128(high: 0x3040_0000_0000_0000, low: 1)),
        "min": .minKey,
        "max": .maxKey,
    ]

    /// Decoded strings of every length, ASCII or not, as keys and values, some ending right at the buffer's end (where
    /// the small-string fast path may not read ahead), equal the originals byte for byte and behave as ordinary
    /// strings (equality, hashing, appending).
    @Test func decodedStringsOfEveryLengthMatchTheirSource() throws {
        for length in 0...40 {
            for seed in ["a", "Z9_", "é", "x\u{1F600}"] {
                var text = ""
                while text.utf8.count < length { text += seed }
                let value = String(decoding: text.utf8.prefix(length), as: UTF8.self)
                guard value.utf8.count == length else { continue }  // a cut multi-byte character
                let document: BSONDocument = [value: .string(value), "tail": .javascript(value)]
                let decoded = try BSONDocument(bsonBytes: try document.bsonBytes())
                try #require(decoded.count == 2)
                #expect(decoded.keys[0].utf8.elementsEqual(value.utf8))
                #expect(decoded.keys[0] == value)
                #expect(decoded[value] == .string(value))
                #expect(Set([decoded.keys[0], value]).count == 1)
                guard case .javascript(let last) = decoded[1].value else {
                    Issue.record("expected code, got \(decoded[1].value)")
                    continue
                }
                #expect(Array(last.utf8) == Array(value.utf8))
                #expect(last + "!" == value + "!")
                #expect(decoded.isIdentical(to: document))
            }
        }
    }

    /// Documents and arrays with more elements than the decoder's initial scratch space, nested, decode identically.
    @Test func largeAndNestedContainersRoundTrip() throws {
        var inner = BSONDocument()
        for i in 0..<100 { inner.append("k\(i)", .array((0..<(i % 7 == 0 ? 300 : 3)).map { .int32(Int32($0)) })) }
        var outer = BSONDocument()
        for i in 0..<60 { outer.append("field number \(i)", i % 10 == 0 ? .document(inner) : .string("v\(i)")) }
        outer.append("list", .array((0..<50).map { .document(["i": .int32(Int32($0)), "s": "x"]) }))
        let decoded = try BSONDocument(bsonBytes: try outer.bsonBytes())
        #expect(decoded.isIdentical(to: outer))
    }

    /// A container that fails after its children decoded fine reports the same error as the validator, however many
    /// elements were already decoded.
    @Test func errorsAfterManyDecodedElementsMatchTheValidator() throws {
        var document = BSONDocument()
        for i in 0..<50 {
            document.append(
                "d\(i)", .document(["a": .array([1, "two", ["three": 3]]), "b": "text that is long enough"]))
        }
        document.append("flag", true)
        var bytes = try document.bsonBytes()
        bytes[bytes.count - 2] = 2  // the last boolean
        #expect(throws: BSONError.self) { try BSONDocument(bsonBytes: bytes) }
        var decodeError: BSONError?
        do { _ = try BSONDocument(bsonBytes: bytes) } catch { decodeError = error }
        let validation = bytes.withUnsafeBytes { buffer in
            Result { () throws(BSONError) in try BSONValidator.validate(buffer) }
        }
        var validateError: BSONError?
        if case .failure(let error) = validation { validateError = error }
        #expect(decodeError?.description == validateError?.description)
        #expect(decodeError?.byteOffset == bytes.count - 2)
    }

    @Test func everyTypeRoundTripsIdentically() throws {
        let bytes = try Self.everyType.bsonBytes()
        #expect(bytes.count == (try Self.everyType.encodedSize()))
        let decoded = try BSONDocument(bsonBytes: bytes)
        #expect(decoded.isIdentical(to: Self.everyType))
        #expect(try decoded.bsonBytes() == bytes)
    }

    @Test func knownEncoding() throws {
        let bytes = try (["a": 1, "b": "x"] as BSONDocument).bsonBytes()
        #expect(bytes == [21, 0, 0, 0, 0x10, 0x61, 0, 1, 0, 0, 0, 0x02, 0x62, 0, 2, 0, 0, 0, 0x78, 0, 0])
    }

    @Test func arrayKeysAreWrittenAsDecimalIndexes() throws {
        let doc: BSONDocument = ["a": .array((0..<12).map { .int32(Int32($0)) })]
        let bytes = try doc.bsonBytes()
        let text = String(decoding: bytes.filter { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)
        #expect(text.hasPrefix("01234567891011"))
        let decoded = try BSONDocument(bsonBytes: bytes)
        #expect(decoded.isIdentical(to: doc))
    }

    @Test func keysWithNulCannotBeEncoded() {
        let doc: BSONDocument = ["a\u{0}b": 1]
        #expect(throws: BSONError.self) { try doc.bsonBytes() }
        let regex: BSONDocument = ["r": .regex(BSONRegex(pattern: "a\u{0}", options: ""))]
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
            _ = try BSONDocument(bsonBytes: c.bytes)
            Issue.record("\(c.name) was accepted")
        } catch {
            #expect(error.kind == c.kind, "\(c.name): \(error)")
            #expect(error.byteOffset == c.offset, "\(c.name): \(error)")
        }
    }

    @Test func depthLimitIsEnforcedWithoutRecursingForever() throws {
        func nested(_ depth: Int) -> BSONDocument {
            var doc: BSONDocument = ["leaf": 1]
            for _ in 0..<depth { doc = ["d": .document(doc)] }
            return doc
        }
        let ok = try nested(100).bsonBytes()
        #expect(ok == nestedDocumentBytes(depth: 100))
        #expect(throws: Never.self) { try BSONDocument(bsonBytes: ok) }
        let deep = nestedDocumentBytes(depth: 101)
        #expect { try BSONDocument(bsonBytes: deep) } throws: { ($0 as? BSONError)?.kind == .depthLimitExceeded }
        #expect(throws: Never.self) { try BSONDocument(bsonBytes: deep, options: BSONReaderOptions(maxDepth: 200)) }
    }

    /// What the writer produces the reader accepts: the writer refuses documents nested deeper than the reader's
    /// limit, before recursing into them, so even a document thousands of levels deep cannot exhaust a small stack.
    @Test func writerRefusesWhatTheReaderWouldRejectOnAnyStack() throws {
        @Sendable func nested(_ depth: Int, array: Bool) -> BSONDocument {
            var value: BSONValue = 1
            for _ in 0..<depth { value = array ? [value] : ["d": value] }
            return ["top": value]
        }
        for array in [false, true] {
            #expect(throws: Never.self) { try nested(100, array: array).bsonBytes() }
            #expect(throws: Never.self) { try nested(100, array: array).encodedSize() }
            #expect(!nested(100, array: array).nestsDeeper(than: 100))
            #expect(nested(101, array: array).nestsDeeper(than: 100))
        }
        // Thousands of levels, encoded on a thread with a small stack. The value is built and freed on a thread with a
        // large one: freeing a tree that deep recurses in the Swift runtime, on the caller's stack, not the encoder's.
        let outcome = runOnSmallStack(stackSize: 64 << 20) {
            let box = DeepValueBox(nested(3000, array: false))
            let refused = runOnSmallStack {
                guard let deep = box.value else { return false }
                let errors = [
                    (try? deep.bsonBytes()) == nil, (try? deep.encodedSize()) == nil,
                    (try? BSONValue.document(deep).encodedValueSize()) == nil, deep.nestsDeeper(than: 100),
                ]
                return errors.allSatisfy { $0 }
            }
            box.value = nil  // freed here, on the large stack
            return refused
        }
        #expect(outcome)
        #expect { try nested(101, array: true).bsonBytes() } throws: {
            ($0 as? BSONError)?.kind == .depthLimitExceeded
        }
    }

    @Test func sizeLimitIsEnforced() throws {
        let doc: BSONDocument = ["s": .string(String(repeating: "x", count: 2000))]
        let bytes = try doc.bsonBytes()
        #expect { try BSONDocument(bsonBytes: bytes, options: BSONReaderOptions(maxDocumentSize: 1000)) } throws: {
            ($0 as? BSONError)?.kind == .sizeLimitExceeded
        }
    }

    @Test func everyTruncationIsRejected() throws {
        let bytes = try Self.everyType.bsonBytes()
        for n in 0..<bytes.count {
            #expect(throws: BSONError.self) { try BSONDocument(bsonBytes: Array(bytes.prefix(n))) }
        }
    }
}

/// Hands a deep value to another thread without that thread's closure owning it (so it is never freed there).
/// `@unchecked Sendable`: the owner sets and clears it while no other thread runs; the reader runs in between.
private final class DeepValueBox: @unchecked Sendable {
    var value: BSONDocument?
    init(_ value: BSONDocument) { self.value = value }
}
