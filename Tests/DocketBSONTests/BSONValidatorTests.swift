import DocketBSON
import DocketTestSupport
import DocketWorkloads
import Testing

@Suite struct BSONValidatorTests {
    /// A document with a field of every BSON type, nested.
    static let everyType: BSONDocument = [
        "double": .double(1.5),
        "string": .string("héllo\u{0}wörld"),
        "document": ["a": .int32(1), "b": ["c": .null]],
        "array": [.int32(1), .string("two"), [.bool(true)], ["k": .minKey]],
        "binary": .binary(BSONBinary(subtype: .generic, bytes: [1, 2, 3])),
        "binaryOld": .binary(BSONBinary(subtype: .binaryOld, bytes: [4, 5])),
        "undefined": .undefined,
        "objectID": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3)),
        "bool": .bool(false),
        "datetime": .datetime(-5),
        "null": .null,
        "regex": .regex(BSONRegex(pattern: "^a.*b$", options: "im")),
        "dbPointer": .dbPointer(BSONDBPointer(namespace: "db.c", id: ObjectID(timestamp: 4, random: 5, counter: 6))),
        "javascript": .javascript("x => x"),
        "symbol": .symbol("sym"),
        "code": .javascriptWithScope(BSONCodeWithScope(code: "f()", scope: ["x": .int64(9)])),
        "int32": .int32(-7),
        "timestamp": .timestamp(BSONTimestamp(timestamp: 8, increment: 9)),
        "int64": .int64(1 << 40),
        "decimal128": .decimal128(Decimal128(high: 0x3040_0000_0000_0000, low: 12)),
        "minKey": .minKey,
        "maxKey": .maxKey,
    ]

    /// The decoder's verdict on `bytes`.
    static func decodeError(_ bytes: [UInt8], _ options: BSONReaderOptions = .default) -> BSONError? {
        do {
            _ = try BSONDocument(bsonBytes: bytes, options: options)
            return nil
        } catch {
            return error
        }
    }

    static func validateError(_ bytes: [UInt8], _ options: BSONReaderOptions = .default) -> BSONError? {
        do {
            try BSONValidator.validate(bytes, options: options)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsValidDocuments() throws {
        try BSONValidator.validate(try Self.everyType.bsonBytes())
        for i in 0..<200 { try BSONValidator.validate(try UserGenerator().document(at: i).bsonBytes()) }
        try BSONValidator.validate(try BSONDocument().bsonBytes())
    }

    @Test func rejectsTrailingBytesAndOffsetsErrors() throws {
        var bytes = try Self.everyType.bsonBytes()
        bytes.append(0)
        #expect(Self.validateError(bytes)?.kind == .trailingBytes)
        let inner: [UInt8] = [6, 0, 0, 0, 0x08, 0x61, 0, 2, 0]  // {a: <bool byte 2>} with a wrong length
        let error = inner.withUnsafeBytes { buffer -> BSONError? in
            do throws(BSONError) {
                try BSONValidator.validate(buffer, baseOffset: 100)
                return nil
            } catch { return error }
        }
        #expect(
            error == Self.decodeError(inner).map { BSONError($0.kind, $0.message, byteOffset: $0.byteOffset! + 100) })
    }

    @Test func enforcesTheDepthAndSizeLimits() throws {
        var nested: BSONValue = .int32(1)
        for _ in 0..<5 { nested = ["d": nested] }
        let bytes = try BSONDocument(elements: [(key: "x", value: nested)]).bsonBytes()
        let shallow = BSONReaderOptions(maxDepth: 3)
        #expect(Self.validateError(bytes, shallow)?.kind == .depthLimitExceeded)
        #expect(Self.validateError(bytes, shallow) == Self.decodeError(bytes, shallow))
        let small = BSONReaderOptions(maxDocumentSize: 10)
        #expect(Self.validateError(bytes, small)?.kind == .sizeLimitExceeded)
    }

    /// The validator must accept exactly what the decoder accepts, and fail with the decoder's error.
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func agreesWithTheDecoderOnCorruptedInputs(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let originals = [try Self.everyType.bsonBytes(), try UserGenerator().document(at: Int(seed)).bsonBytes()]
        var rejected = 0
        for round in 0..<3000 {
            var bytes = originals[round % 2]
            switch rng.int(0...3) {
            case 0:  // flip one byte
                bytes[rng.int(0...(bytes.count - 1))] = UInt8(truncatingIfNeeded: rng.next())
            case 1:  // flip a few bits
                for _ in 0..<rng.int(1...4) {
                    bytes[rng.int(0...(bytes.count - 1))] ^= 1 << rng.int(0...7)
                }
            case 2:  // truncate, fixing the outer length so the damage is inside
                let cut = rng.int(5...bytes.count - 1)
                bytes.removeLast(bytes.count - cut)
                let count = UInt32(bytes.count)
                for k in 0..<4 { bytes[k] = UInt8(truncatingIfNeeded: count >> (8 * k)) }
            default:  // set a small value at a random position (hits lengths and type bytes)
                bytes[rng.int(0...(bytes.count - 1))] = [0, 1, 2, 0x7F, 0xFF, 0x80, 0x14][rng.int(0...6)]
            }
            let expected = Self.decodeError(bytes)
            #expect(Self.validateError(bytes) == expected, "round \(round)")
            if expected != nil { rejected += 1 }
        }
        #expect(rejected > 500)
    }
}
