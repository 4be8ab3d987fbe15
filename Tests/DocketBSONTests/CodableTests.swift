import DocketBSON
import Foundation
import Testing

@Suite struct CodableTests {}

// MARK: - Models

private enum Role: String, Codable, Equatable {
    case owner
    case admin
    case member
}

private struct Team: Codable, Equatable {
    var id: Int32
    var name: String
    var role: Role
}

private struct Settings: Codable, Equatable {
    var notifications: Bool
    var theme: String
}

private struct User: Codable, Equatable {
    var _id: ObjectID
    var email: String
    var name: String
    var createdAt: Date
    var teams: [Team]
    var settings: Settings
    var nickname: String?
    var age: Int?

    enum CodingKeys: String, CodingKey {
        case _id, email, name
        case createdAt = "created_at"
        case teams, settings, nickname, age
    }
}

private let fixedID = try! ObjectID(parsing: "65f1a2b3c4d5e6f708192a3b")
private let fixedDate = Date(timeIntervalSince1970: 1_700_000_000.123)

private func makeUser(nickname: String? = nil, age: Int? = nil) -> User {
    User(
        _id: fixedID,
        email: "ada@example.com",
        name: "Ada",
        createdAt: fixedDate,
        teams: [Team(id: 1, name: "core", role: .owner), Team(id: 2, name: "docs", role: .member)],
        settings: Settings(notifications: true, theme: "dark"),
        nickname: nickname,
        age: age
    )
}

private func expectIdentical(
    _ actual: BSONDocument, _ expected: BSONDocument, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.isIdentical(to: expected), "\(actual) is not identical to \(expected)", sourceLocation: sourceLocation)
}

/// The debug description and the coding path (as strings) of a `DecodingError` or `EncodingError`.
private func context(of error: any Error) -> (message: String, path: [String])? {
    let context: Any?
    switch error {
    case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c),
        DecodingError.keyNotFound(_, let c), DecodingError.dataCorrupted(let c):
        context = c
    case EncodingError.invalidValue(_, let c):
        context = c
    default:
        context = nil
    }
    if let c = context as? DecodingError.Context { return (c.debugDescription, c.codingPath.map(\.stringValue)) }
    if let c = context as? EncodingError.Context { return (c.debugDescription, c.codingPath.map(\.stringValue)) }
    return nil
}

// MARK: - Round trips

extension CodableTests {
    @Test
    func userEncodesToTheExpectedDocument() throws {
        let document = try BSONEncoder().encode(makeUser())
        let expected: BSONDocument = [
            "_id": .objectID(fixedID),
            "email": "ada@example.com",
            "name": "Ada",
            "created_at": .datetime(1_700_000_000_123),
            "teams": [
                ["id": .int32(1), "name": "core", "role": "owner"],
                ["id": .int32(2), "name": "docs", "role": "member"],
            ],
            "settings": ["notifications": true, "theme": "dark"],
        ]
        expectIdentical(document, expected)
    }

    @Test
    func userRoundTripsWithOptionalFieldsAbsentAndPresent() throws {
        for user in [makeUser(), makeUser(nickname: "countess", age: 36)] {
            let document = try BSONEncoder().encode(user)
            #expect(document.contains(key: "nickname") == (user.nickname != nil))
            if let age = user.age {
                #expect(document["age"]?.isIdentical(to: .int64(Int64(age))) == true)
            } else {
                #expect(!document.contains(key: "age"))
            }
            let decoded = try BSONDecoder().decode(User.self, from: document)
            #expect(decoded == user)
        }
    }

    @Test
    func nullDecodesAsAbsentOptional() throws {
        var document = try BSONEncoder().encode(makeUser())
        document["nickname"] = .null
        let decoded = try BSONDecoder().decode(User.self, from: document)
        #expect(decoded.nickname == nil)
    }

    @Test
    func decodesFromBSONBytesProducedByTheWriter() throws {
        let user = makeUser(nickname: "countess", age: 36)
        let document = try BSONEncoder().encode(user)
        let bytes = try document.bsonBytes()
        #expect(try BSONEncoder().encodeBSONBytes(user) == bytes)
        #expect(try BSONDecoder().decode(User.self, fromBSONBytes: bytes) == user)
    }

    @Test
    func invalidBytesThrowDataCorruptedWithTheBSONError() throws {
        var bytes = try BSONEncoder().encodeBSONBytes(makeUser())
        bytes[0] &+= 1
        do {
            _ = try BSONDecoder().decode(User.self, fromBSONBytes: bytes)
            Issue.record("expected an error")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.underlyingError is BSONError)
        }
    }

    @Test
    func datesKeepMillisecondPrecision() throws {
        struct Stamp: Codable, Equatable { var at: Date }
        for ms: Int64 in [0, 1, -1, 1_700_000_000_123, -62_135_596_800_000, 253_402_300_799_999] {
            let document: BSONDocument = ["at": .datetime(ms)]
            let stamp = try BSONDecoder().decode(Stamp.self, from: document)
            expectIdentical(try BSONEncoder().encode(stamp), document)
        }
        let rounded = try BSONEncoder().encode(Stamp(at: Date(timeIntervalSince1970: 1.0006)))
        #expect(rounded["at"]?.isIdentical(to: .datetime(1001)) == true)
    }
}

// MARK: - Every supported type

private struct AllTypes: Codable, Equatable {
    var int: Int
    var int8: Int8
    var int16: Int16
    var int32: Int32
    var int64: Int64
    var uint: UInt
    var uint8: UInt8
    var uint16: UInt16
    var uint32: UInt32
    var uint64: UInt64
    var float: Float
    var double: Double
    var bool: Bool
    var string: String
    var date: Date
    var uuid: UUID
    var data: Data
    var objectID: ObjectID
    var decimal: Decimal128
    var timestamp: BSONTimestamp
    var binary: BSONBinary
    var regex: BSONRegex
    var value: BSONValue
    var document: BSONDocument
    var ints: [Int]
    var matrix: [[Int32]]
    var dictionary: [String: Int32]
    var byNumber: [Int: String]
    var optionals: [String?]
    var nested: Settings?
}

private let uuid = UUID(uuidString: "0F8FAD5B-D9CB-469F-A165-70867728950E")!

private func makeAllTypes() -> AllTypes {
    AllTypes(
        int: -5, int8: -8, int16: 16, int32: 32, int64: 1 << 40, uint: 7, uint8: 255, uint16: 65535,
        uint32: 4_000_000_000, uint64: 1 << 62, float: 1.5, double: 0.1, bool: true, string: "héllo",
        date: Date(timeIntervalSince1970: 86_400), uuid: uuid, data: Data([1, 2, 3]), objectID: fixedID,
        decimal: Decimal128(high: 0x3040_0000_0000_0000, low: 42), timestamp: BSONTimestamp(timestamp: 9, increment: 3),
        binary: BSONBinary(subtype: .userDefined, bytes: [9, 9]), regex: BSONRegex(pattern: "^a", options: "i"),
        value: ["x": [1, "two", .minKey]], document: ["a": 1, "b": ["c": .null]], ints: [3, 1, 2],
        matrix: [[1], [], [2, 3]], dictionary: ["one": 1], byNumber: [7: "seven"], optionals: ["a", nil],
        nested: Settings(notifications: false, theme: "light")
    )
}

extension CodableTests {
    @Test
    func everySupportedTypeMapsToItsBSONType() throws {
        let value = makeAllTypes()
        let document = try BSONEncoder().encode(value)
        let expected: [(String, BSONValue)] = [
            ("int", .int64(-5)), ("int8", .int32(-8)), ("int16", .int32(16)), ("int32", .int32(32)),
            ("int64", .int64(1 << 40)), ("uint", .int64(7)), ("uint8", .int32(255)), ("uint16", .int32(65535)),
            ("uint32", .int64(4_000_000_000)), ("uint64", .int64(1 << 62)), ("float", .double(1.5)),
            ("double", .double(0.1)), ("bool", .bool(true)), ("string", .string("héllo")),
            ("date", .datetime(86_400_000)),
            ("uuid", .binary(BSONBinary(subtype: .uuid, bytes: withUnsafeBytes(of: uuid.uuid) { [UInt8]($0) }))),
            ("data", .binary(BSONBinary(subtype: .generic, bytes: [1, 2, 3]))), ("objectID", .objectID(fixedID)),
            ("decimal", .decimal128(Decimal128(high: 0x3040_0000_0000_0000, low: 42))),
            ("timestamp", .timestamp(BSONTimestamp(timestamp: 9, increment: 3))),
            ("binary", .binary(BSONBinary(subtype: .userDefined, bytes: [9, 9]))),
            ("regex", .regex(BSONRegex(pattern: "^a", options: "i"))),
            ("value", ["x": [1, "two", .minKey]]), ("document", ["a": 1, "b": ["c": .null]]),
            ("ints", [.int64(3), .int64(1), .int64(2)]), ("matrix", [[.int32(1)], [], [.int32(2), .int32(3)]]),
            ("dictionary", ["one": .int32(1)]), ("byNumber", ["7": "seven"]), ("optionals", ["a", .null]),
            ("nested", ["notifications": false, "theme": "light"]),
        ]
        expectIdentical(document, BSONDocument(expected))
        #expect(try BSONDecoder().decode(AllTypes.self, from: document) == value)
        #expect(try BSONDecoder().decode(AllTypes.self, fromBSONBytes: document.bsonBytes()) == value)
    }

    @Test
    func uint64AboveInt64MaxIsRejectedWithItsPath() throws {
        struct Counters: Codable { var counts: [UInt64] }
        do {
            _ = try BSONEncoder().encode(Counters(counts: [1, 2, .max]))
            Issue.record("expected an error")
        } catch let error as EncodingError {
            let (message, path) = try #require(context(of: error))
            #expect(path == ["counts", "Index 2"])
            #expect(message == "UInt64 18446744073709551615 at counts[2] does not fit in a BSON int64")
        }
    }

    @Test
    func topLevelValuesThatAreNotDocuments() throws {
        #expect(throws: EncodingError.self) { try BSONEncoder().encode([1, 2]) }
        #expect(try BSONEncoder().encodeValue([1, 2]).isIdentical(to: [.int64(1), .int64(2)]))
        #expect(try BSONEncoder().encodeValue(Role.admin).isIdentical(to: "admin"))
        #expect(try BSONEncoder().encodeValue(Int32(4)).isIdentical(to: .int32(4)))
        #expect(try BSONDecoder().decode([Role].self, fromValue: ["owner", "member"]) == [.owner, .member])
        #expect(try BSONDecoder().decode(Int8.self, fromValue: .int64(-3)) == -3)
        let doc: BSONDocument = ["a": 1]
        expectIdentical(try BSONEncoder().encode(doc), doc)
        expectIdentical(try BSONDecoder().decode(BSONDocument.self, from: doc), doc)
    }
}

// MARK: - Enums and dictionaries

private enum Shape: Codable, Equatable {
    case circle(radius: Double)
    case rectangle(width: Int32, height: Int32)
    case point
}

private enum Level: Int, Codable {
    case low = 1
    case high = 2
}

extension CodableTests {
    @Test
    func enumsWithRawValuesAndAssociatedValues() throws {
        struct Drawing: Codable, Equatable {
            var shapes: [Shape]
            var level: Level
        }
        let drawing = Drawing(shapes: [.circle(radius: 2), .rectangle(width: 3, height: 4), .point], level: .high)
        let document = try BSONEncoder().encode(drawing)
        let expected: BSONDocument = [
            "shapes": [
                ["circle": ["radius": 2.0]],
                ["rectangle": ["width": .int32(3), "height": .int32(4)]],
                ["point": [:]],
            ],
            "level": .int64(2),
        ]
        expectIdentical(document, expected)
        #expect(try BSONDecoder().decode(Drawing.self, from: document) == drawing)
        #expect(throws: DecodingError.self) {
            try BSONDecoder().decode(Drawing.self, from: ["shapes": [], "level": 3])
        }
    }

    @Test
    func dictionariesBecomeEmbeddedDocuments() throws {
        struct Directory: Codable, Equatable { var teams: [String: Team] }
        let directory = Directory(teams: ["core": Team(id: 1, name: "core", role: .admin)])
        let document = try BSONEncoder().encode(directory)
        expectIdentical(document, ["teams": ["core": ["id": .int32(1), "name": "core", "role": "admin"]]])
        #expect(try BSONDecoder().decode(Directory.self, from: document) == directory)
        // A top-level dictionary is a document too.
        expectIdentical(try BSONEncoder().encode(["a": 1]), ["a": .int64(1)])
        #expect(try BSONDecoder().decode([String: Int].self, from: ["a": 1, "b": 2.0]) == ["a": 1, "b": 2])
    }
}

// MARK: - Numeric leniency

private struct Numbers: Codable {
    var int: Int?
    var int64: Int64?
    var double: Double?
    var float: Float?
    var uint8: UInt8?
    var uint: UInt?
}

extension CodableTests {
    @Test
    func numbersDecodeAcrossTypesWhenExact() throws {
        let decoder = BSONDecoder()
        let a = try decoder.decode(
            Numbers.self, from: ["int": 3.0, "int64": .int32(7), "double": .int32(5), "float": 0.1])
        #expect(a.int == 3 && a.int64 == 7 && a.double == 5 && a.float == Float(0.1))
        let b = try decoder.decode(
            Numbers.self, from: ["int": .int64(1 << 40), "double": .int64(1 << 53), "uint8": 255])
        #expect(b.int == 1 << 40 && b.double == 9_007_199_254_740_992 && b.uint8 == 255)
    }

    @Test(arguments: [
        ("int", BSONValue.double(3.5), "Int", "double 3.5"),
        ("int", .double(.infinity), "Int", "double inf"),
        ("double", .int64((1 << 53) + 1), "Double", "long 9007199254740993"),
        ("float", .double(1e300), "Float", "double 1e+300"),
        ("uint8", .int32(300), "UInt8", "int 300"),
        ("uint", .int32(-1), "UInt", "int -1"),
        ("int64", .double(1e19), "Int64", "double 1e+19"),
    ])
    func inexactNumbersAreRejectedWithTheirPath(field: String, value: BSONValue, type: String, found: String) throws {
        do {
            _ = try BSONDecoder().decode(Numbers.self, from: [field: value])
            Issue.record("expected an error")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.map(\.stringValue) == [field])
            #expect(context.debugDescription.hasPrefix("Expected to decode \(type) at \(field) but found \(found)"))
        }
    }
}

// MARK: - Errors

extension CodableTests {
    @Test
    func typeMismatchNamesPathExpectedAndFoundTypes() throws {
        var document = try BSONEncoder().encode(makeUser())
        document["teams"] = [
            ["id": 1, "name": "core", "role": "owner"], ["id": "two", "name": "docs", "role": "member"],
        ]
        do {
            _ = try BSONDecoder().decode(User.self, from: document)
            Issue.record("expected an error")
        } catch DecodingError.typeMismatch(let type, let context) {
            #expect(type is Int32.Type)
            #expect(context.codingPath.map(\.stringValue) == ["teams", "Index 1", "id"])
            #expect(context.codingPath[1].intValue == 1)
            #expect(context.debugDescription == "Expected to decode Int32 at teams[1].id but found string")
        }
    }

    @Test
    func missingKeyNamesTheFullPath() throws {
        var document = try BSONEncoder().encode(makeUser())
        document["settings"] = ["notifications": true]
        do {
            _ = try BSONDecoder().decode(User.self, from: document)
            Issue.record("expected an error")
        } catch DecodingError.keyNotFound(let key, let context) {
            #expect(key.stringValue == "theme")
            #expect(context.codingPath.map(\.stringValue) == ["settings"])
            #expect(context.debugDescription == "No value for key \"theme\" at settings.theme")
        }
    }

    @Test
    func nullForARequiredValueIsValueNotFound() throws {
        var document = try BSONEncoder().encode(makeUser())
        document["email"] = .null
        do {
            _ = try BSONDecoder().decode(User.self, from: document)
            Issue.record("expected an error")
        } catch DecodingError.valueNotFound(_, let context) {
            #expect(context.debugDescription == "Expected to decode String at email but found null")
        }
    }

    @Test
    func wrongContainerKindsAreTypeMismatches() throws {
        do {
            _ = try BSONDecoder().decode(User.self, fromValue: [1, 2])
            Issue.record("expected an error")
        } catch {
            #expect(context(of: error)?.message == "Expected to decode User at top level but found array")
        }
        do {
            _ = try BSONDecoder().decode(User.self, from: ["_id": .objectID(fixedID), "teams": ["not", "documents"]])
            Issue.record("expected an error")
        } catch {
            // Keys are decoded in declaration order; the first problem is the missing email.
            #expect(context(of: error)?.message == "No value for key \"email\" at email")
        }
        var document = try BSONEncoder().encode(makeUser())
        document["settings"] = "dark"
        do {
            _ = try BSONDecoder().decode(User.self, from: document)
            Issue.record("expected an error")
        } catch {
            #expect(context(of: error)?.message == "Expected to decode Settings at settings but found string")
        }
    }

    @Test
    func strictTypesRejectLookalikes() throws {
        struct Holder<T: Codable>: Codable { var v: T }
        let decoder = BSONDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(Holder<Date>.self, from: ["v": .int64(5)]) }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Holder<ObjectID>.self, from: ["v": .string(fixedID.hex)])
        }
        #expect(throws: DecodingError.self) { try decoder.decode(Holder<Bool>.self, from: ["v": .int32(1)]) }
        #expect(throws: DecodingError.self) {
            try decoder.decode(
                Holder<UUID>.self,
                from: ["v": .binary(BSONBinary(subtype: .generic, bytes: Array(repeating: 0, count: 16)))])
        }
        do {
            _ = try decoder.decode(Holder<UUID>.self, from: ["v": .binary(BSONBinary(subtype: .uuid, bytes: [1, 2]))])
            Issue.record("expected an error")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription == "Expected 16 bytes of UUID but found 2 at v")
        }
    }

    @Test
    func arrayTooShortForAnUnkeyedDecodeIsValueNotFound() throws {
        struct Pair: Decodable {
            var a: Int
            var b: Int
            init(from decoder: any Decoder) throws {
                var container = try decoder.unkeyedContainer()
                a = try container.decode(Int.self)
                b = try container.decode(Int.self)
            }
        }
        struct Holder: Decodable { var pair: Pair }
        do {
            _ = try BSONDecoder().decode(Holder.self, from: ["pair": [1]])
            Issue.record("expected an error")
        } catch DecodingError.valueNotFound(_, let context) {
            #expect(context.debugDescription == "Expected to decode Int at pair[1] but the array has only 1 elements")
        }
    }
}

// MARK: - Containers

/// Uses every container kind by hand, in an order that differs from the order the values are filled in.
private struct Manual: Codable, Equatable {
    var title: String
    var point: (x: Int32, y: Int32)
    var tags: [String]
    var footer: Bool

    static func == (a: Manual, b: Manual) -> Bool {
        a.title == b.title && a.point == b.point && a.tags == b.tags && a.footer == b.footer
    }

    enum CodingKeys: String, CodingKey { case title, point, tags, footer }
    enum PointKeys: String, CodingKey { case x, y }

    init(title: String, point: (x: Int32, y: Int32), tags: [String], footer: Bool) {
        self.title = title
        self.point = point
        self.tags = tags
        self.footer = footer
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(title, forKey: .title)
        var point = container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
        var tags = container.nestedUnkeyedContainer(forKey: .tags)
        try container.encode(footer, forKey: .footer)
        try point.encode(self.point.x, forKey: .x)
        for tag in self.tags {
            var pair = tags.nestedUnkeyedContainer()
            try pair.encode(tag)
        }
        try point.encode(self.point.y, forKey: .y)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        footer = try container.decode(Bool.self, forKey: .footer)
        let point = try container.nestedContainer(keyedBy: PointKeys.self, forKey: .point)
        self.point = (try point.decode(Int32.self, forKey: .x), try point.decode(Int32.self, forKey: .y))
        var tags = try container.nestedUnkeyedContainer(forKey: .tags)
        var collected: [String] = []
        while !tags.isAtEnd {
            var pair = try tags.nestedUnkeyedContainer()
            collected.append(try pair.decode(String.self))
        }
        self.tags = collected
        title = try container.decode(String.self, forKey: .title)
    }
}

extension CodableTests {
    @Test
    func nestedContainersKeepTheOrderTheyWereRequestedIn() throws {
        let manual = Manual(title: "t", point: (3, 4), tags: ["a", "b"], footer: true)
        let document = try BSONEncoder().encode(manual)
        expectIdentical(
            document,
            ["title": "t", "point": ["x": .int32(3), "y": .int32(4)], "tags": [["a"], ["b"]], "footer": true]
        )
        #expect(try BSONDecoder().decode(Manual.self, from: document) == manual)
    }
}

private class Animal: Codable {
    var name: String
    init(name: String) { self.name = name }
}

private final class Dog: Animal {
    var goodBoy: Bool
    enum CodingKeys: String, CodingKey { case goodBoy }

    init(name: String, goodBoy: Bool) {
        self.goodBoy = goodBoy
        super.init(name: name)
    }

    required init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        goodBoy = try container.decode(Bool.self, forKey: .goodBoy)
        try super.init(from: container.superDecoder())
    }

    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try super.encode(to: container.superEncoder())
        try container.encode(goodBoy, forKey: .goodBoy)
    }
}

extension CodableTests {
    @Test
    func superEncoderAndSuperDecoderUseTheSuperKey() throws {
        let document = try BSONEncoder().encode(Dog(name: "Rex", goodBoy: true))
        expectIdentical(document, ["super": ["name": "Rex"], "goodBoy": true])
        let dog = try BSONDecoder().decode(Dog.self, from: document)
        #expect(dog.name == "Rex" && dog.goodBoy)
        do {
            _ = try BSONDecoder().decode(Dog.self, from: ["super": ["name": 5], "goodBoy": true])
            Issue.record("expected an error")
        } catch {
            #expect(context(of: error)?.message == "Expected to decode String at super.name but found int")
        }
    }

    @Test
    func explicitEncodeNilWritesNull() throws {
        struct Explicit: Encodable {
            var note: String?
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: BSONCodingKey.self)
                try container.encode(note, forKey: BSONCodingKey(stringValue: "note"))
                try container.encodeNil(forKey: BSONCodingKey(stringValue: "gone"))
            }
        }
        expectIdentical(try BSONEncoder().encode(Explicit(note: nil)), ["note": .null, "gone": .null])
    }

    @Test
    func encodingTwiceIntoASingleValueContainerThrows() throws {
        struct Twice: Encodable {
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(1)
                try container.encode(2)
            }
        }
        struct MixedKinds: Encodable {
            func encode(to encoder: any Encoder) throws {
                var single = encoder.singleValueContainer()
                try single.encode(1)
                var keyed = encoder.container(keyedBy: BSONCodingKey.self)
                try keyed.encode(2, forKey: BSONCodingKey(stringValue: "b"))
            }
        }
        #expect(throws: EncodingError.self) { try BSONEncoder().encodeValue(["a": Twice()]) }
        do {
            _ = try BSONEncoder().encode(["a": MixedKinds()])
            Issue.record("expected an error")
        } catch {
            #expect(
                context(of: error)?.message == "Requested a keyed container at a after encoding a single value there")
        }
    }
}

private struct Wide: Codable, Equatable {
    var f00, f01, f02, f03, f04, f05, f06, f07, f08, f09: Int32
    var f10, f11, f12, f13, f14, f15, f16, f17, f18, f19: Int32
}

extension CodableTests {
    @Test
    func largeDocumentsDecodeInAnyFieldOrder() throws {
        let wide = Wide(
            f00: 0, f01: 1, f02: 2, f03: 3, f04: 4, f05: 5, f06: 6, f07: 7, f08: 8, f09: 9,
            f10: 10, f11: 11, f12: 12, f13: 13, f14: 14, f15: 15, f16: 16, f17: 17, f18: 18, f19: 19
        )
        let document = try BSONEncoder().encode(wide)
        let reversed = BSONDocument(elements: document.reversed())
        var rng = SystemRandomNumberGenerator()
        let shuffled = BSONDocument(elements: document.shuffled(using: &rng))
        for candidate in [document, reversed, shuffled] {
            #expect(try BSONDecoder().decode(Wide.self, from: candidate) == wide)
        }
        var missing = reversed
        missing.removeValue(forKey: "f07")
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Wide.self, from: missing) }
    }
}

// MARK: - Options

extension CodableTests {
    @Test
    func dateEncodingStrategies() throws {
        struct Stamp: Codable { var at: Date }
        let stamp = Stamp(at: Date(timeIntervalSince1970: 1_700_000_000.5))
        var encoder = BSONEncoder()
        var decoder = BSONDecoder()
        let cases: [(BSONEncoder.DateEncodingStrategy, BSONDecoder.DateDecodingStrategy, BSONValue)] = [
            (.bsonDateTime, .bsonDateTime, .datetime(1_700_000_000_500)),
            (.millisecondsSince1970, .millisecondsSince1970, .int64(1_700_000_000_500)),
            (.secondsSince1970, .secondsSince1970, .double(1_700_000_000.5)),
            (
                .custom({ date, encoder in
                    var c = encoder.singleValueContainer()
                    try c.encode("day \(Int(date.timeIntervalSince1970) / 86_400)")
                }), .custom({ _ in Date(timeIntervalSince1970: 0) }), "day 19675"
            ),
        ]
        for (encoding, decoding, expected) in cases {
            encoder.dateEncodingStrategy = encoding
            decoder.dateDecodingStrategy = decoding
            let document = try encoder.encode(stamp)
            #expect(document["at"]?.isIdentical(to: expected) == true, "\(document)")
            _ = try decoder.decode(Stamp.self, from: document)
        }
        encoder.dateEncodingStrategy = .iso8601
        decoder.dateDecodingStrategy = .iso8601
        let iso = try encoder.encode(Stamp(at: Date(timeIntervalSince1970: 1_700_000_000)))
        #expect(iso["at"]?.isIdentical(to: "2023-11-14T22:13:20Z") == true)
        #expect(try decoder.decode(Stamp.self, from: iso).at == Date(timeIntervalSince1970: 1_700_000_000))
        #expect(throws: DecodingError.self) { try decoder.decode(Stamp.self, from: ["at": "yesterday"]) }
        // The default decoding strategy is strict: only a datetime becomes a Date.
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Stamp.self, from: iso) }
    }

    @Test
    func dataEncodingStrategies() throws {
        struct Blob: Codable, Equatable { var data: Data }
        var encoder = BSONEncoder()
        encoder.dataEncodingStrategy = .base64
        var decoder = BSONDecoder()
        decoder.dataDecodingStrategy = .base64
        let document = try encoder.encode(Blob(data: Data([0xFF, 0, 1])))
        expectIdentical(document, ["data": "/wAB"])
        #expect(try decoder.decode(Blob.self, from: document) == Blob(data: Data([0xFF, 0, 1])))
        #expect(throws: DecodingError.self) { try decoder.decode(Blob.self, from: ["data": "!!"]) }
        encoder.dataEncodingStrategy = .custom({ data, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Int32(data.count))
        })
        decoder.dataDecodingStrategy = .custom({ decoder in
            Data(count: Int(try decoder.singleValueContainer().decode(Int32.self)))
        })
        let custom = try encoder.encode(Blob(data: Data([7, 7])))
        expectIdentical(custom, ["data": .int32(2)])
        #expect(try decoder.decode(Blob.self, from: custom) == Blob(data: Data([0, 0])))
    }
}

private let tenantKey = CodingUserInfoKey(rawValue: "tenant")!

private struct Tenanted: Codable {
    var tenant: String
    init(tenant: String) { self.tenant = tenant }
    init(from decoder: any Decoder) throws { tenant = decoder.userInfo[tenantKey] as? String ?? "none" }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: BSONCodingKey.self)
        try container.encode(encoder.userInfo[tenantKey] as? String ?? "none", forKey: BSONCodingKey(stringValue: "t"))
    }
}

extension CodableTests {
    @Test
    func userInfoReachesNestedValues() throws {
        var encoder = BSONEncoder()
        encoder.userInfo[tenantKey] = "acme"
        var decoder = BSONDecoder()
        decoder.userInfo[tenantKey] = "globex"
        let document = try encoder.encode(["x": Tenanted(tenant: "")])
        expectIdentical(document, ["x": ["t": "acme"]])
        #expect(try decoder.decode([String: Tenanted].self, from: document)["x"]?.tenant == "globex")
    }

    @Test
    func codingPathIsVisibleToCustomImplementations() throws {
        struct PathProbe: Codable {
            var path: String
            init() { path = "" }
            init(from decoder: any Decoder) throws {
                path = decoder.codingPath.map(\.stringValue).joined(separator: "/")
            }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                try container.encode(encoder.codingPath.map(\.stringValue).joined(separator: "/"))
            }
        }
        struct Outer: Codable { var items: [String: [PathProbe]] }
        let document = try BSONEncoder().encode(Outer(items: ["k": [PathProbe(), PathProbe()]]))
        expectIdentical(document, ["items": ["k": ["items/k/Index 0", "items/k/Index 1"]]])
        let decoded = try BSONDecoder().decode(Outer.self, from: document)
        #expect(decoded.items["k"]?.map(\.path) == ["items/k/Index 0", "items/k/Index 1"])
    }
}

// MARK: - Native BSON types with other coders

extension CodableTests {
    @Test
    func objectIDIsAHexStringInJSON() throws {
        struct Ref: Codable, Equatable { var id: ObjectID }
        let json = try JSONEncoder().encode(Ref(id: fixedID))
        #expect(String(decoding: json, as: UTF8.self) == #"{"id":"65f1a2b3c4d5e6f708192a3b"}"#)
        #expect(try JSONDecoder().decode(Ref.self, from: json) == Ref(id: fixedID))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Ref.self, from: Data(#"{"id":"xyz"}"#.utf8)) }
    }

    @Test
    func bsonValuesRoundTripThroughJSON() throws {
        let values: [BSONValue] = [
            .double(2.5), .double(.infinity), "s", ["b": [.int32(1), .int64(1 << 40), ["c": .objectID(fixedID)]]],
            .array([true, .null]), ["$notAWrapper": 1],
            .binary(BSONBinary(subtype: .uuid, bytes: Array(0..<16))), .undefined, .objectID(fixedID), .datetime(-5),
            .regex(BSONRegex(pattern: "a.b", options: "im")), .dbPointer(BSONDBPointer(namespace: "db.c", id: fixedID)),
            .javascript("f()"), .symbol("sym"), .javascriptWithScope(BSONCodeWithScope(code: "g()", scope: ["x": 1])),
            .timestamp(BSONTimestamp(timestamp: 1, increment: 2)), .minKey, .maxKey,
        ]
        for value in values {
            let json = try JSONEncoder().encode(value)
            let decoded = try JSONDecoder().decode(BSONValue.self, from: json)
            #expect(decoded.isIdentical(to: value), "\(String(decoding: json, as: UTF8.self))")
        }
        let json = String(decoding: try JSONEncoder().encode(BSONValue.objectID(fixedID)), as: UTF8.self)
        #expect(json == #"{"$oid":"65f1a2b3c4d5e6f708192a3b"}"#)
    }

    @Test
    func bsonStructsRoundTripThroughJSON() throws {
        struct Bag: Codable, Equatable {
            var timestamp: BSONTimestamp
            var regex: BSONRegex
            var binary: BSONBinary
            var document: BSONDocument
        }
        let bag = Bag(
            timestamp: BSONTimestamp(timestamp: 5, increment: 6), regex: BSONRegex(pattern: "x", options: "s"),
            binary: BSONBinary(subtype: .md5, bytes: [1, 2, 3]), document: ["k": .objectID(fixedID)]
        )
        let decoded = try JSONDecoder().decode(Bag.self, from: JSONEncoder().encode(bag))
        #expect(decoded.timestamp == bag.timestamp && decoded.regex == bag.regex && decoded.binary == bag.binary)
        #expect(decoded.document.isIdentical(to: bag.document))
    }

    /// Needs the real Decimal128 (parsing and canonical strings).
    @Test
    func decimal128IsItsCanonicalStringInJSON() throws {
        struct Price: Codable { var amount: Decimal128 }
        let price = Price(amount: try Decimal128(parsing: "12.50"))
        let json = try JSONEncoder().encode(price)
        #expect(String(decoding: json, as: UTF8.self) == #"{"amount":"12.50"}"#)
        #expect(try JSONDecoder().decode(Price.self, from: json).amount == price.amount)
    }

    @Test
    func nativeTypesEncodeThroughCustomImplementations() throws {
        struct Wrapper: Codable {
            var id: ObjectID
            var value: BSONValue
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: BSONCodingKey.self)
                try id.encode(to: container.superEncoder(forKey: BSONCodingKey(stringValue: "id")))
                try value.encode(to: container.superEncoder(forKey: BSONCodingKey(stringValue: "value")))
            }
            init(id: ObjectID, value: BSONValue) {
                self.id = id
                self.value = value
            }
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: BSONCodingKey.self)
                id = try ObjectID(from: container.superDecoder(forKey: BSONCodingKey(stringValue: "id")))
                value = try BSONValue(from: container.superDecoder(forKey: BSONCodingKey(stringValue: "value")))
            }
        }
        let document = try BSONEncoder().encode(
            Wrapper(id: fixedID, value: .timestamp(BSONTimestamp(timestamp: 1, increment: 1))))
        expectIdentical(
            document, ["id": .objectID(fixedID), "value": .timestamp(BSONTimestamp(timestamp: 1, increment: 1))])
        let decoded = try BSONDecoder().decode(Wrapper.self, from: document)
        #expect(decoded.id == fixedID)
    }
}
