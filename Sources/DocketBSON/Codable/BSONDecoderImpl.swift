import Foundation

/// State shared by every decoder of one top-level `decode` call.
final class DecodingContext {
    let dateStrategy: BSONDecoder.DateDecodingStrategy
    let dataStrategy: BSONDecoder.DataDecodingStrategy
    let userInfo: [CodingUserInfoKey: Any]

    init(
        dateStrategy: BSONDecoder.DateDecodingStrategy,
        dataStrategy: BSONDecoder.DataDecodingStrategy,
        userInfo: [CodingUserInfoKey: Any]
    ) {
        self.dateStrategy = dateStrategy
        self.dataStrategy = dataStrategy
        self.userInfo = userInfo
    }
}

/// The `Decoder` handed to `init(from:)`: one per decoded value that is not a BSON primitive.
///
/// The coding path is not stored: each decoder links to its parent and the step from it, and the path is built
/// only when someone asks (an error, or a type reading `codingPath`).
final class BSONDecoderImpl: Decoder, SingleValueDecodingContainer {
    /// Documents with more fields than this get a key → position dictionary on the first out-of-order lookup;
    /// smaller ones are scanned linearly.
    static let indexedLookupThreshold = 16

    let value: BSONValue
    let context: DecodingContext
    let parent: BSONDecoderImpl?
    let element: CodingPathElement?
    /// The type whose `init(from:)` receives this decoder, for messages (`Expected to decode Settings …`).
    let decodingType: Any.Type?
    /// The position after the last field found: properties are usually decoded in the order they were encoded,
    /// so the next key is most often right there.
    var cursor = 0
    /// First position of each key, built lazily for large documents.
    var keyIndex: [String: Int]?

    init(
        value: BSONValue,
        context: DecodingContext,
        parent: BSONDecoderImpl?,
        element: CodingPathElement?,
        decodingType: Any.Type? = nil
    ) {
        self.value = value
        self.context = context
        self.parent = parent
        self.element = element
        self.decodingType = decodingType
    }

    var codingPath: [any CodingKey] {
        var reversed: [any CodingKey] = []
        var node: BSONDecoderImpl? = self
        while let current = node {
            if let element = current.element { reversed.append(element.codingKey) }
            node = current.parent
        }
        return reversed.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func path(_ element: CodingPathElement?) -> [any CodingKey] { appending(codingPath, element) }

    func child(_ value: BSONValue, at element: CodingPathElement) -> BSONDecoderImpl {
        BSONDecoderImpl(value: value, context: context, parent: self, element: element)
    }

    // MARK: Errors

    /// `typeMismatch`, or `valueNotFound` when the value is null.
    func mismatch(_ type: Any.Type, _ found: BSONValue, at element: CodingPathElement?) -> DecodingError {
        let path = path(element)
        if case .null = found {
            return .valueNotFound(
                type,
                DecodingError.Context(
                    codingPath: path,
                    debugDescription: "Expected to decode \(type) at \(describeCodingPath(path)) but found null"
                )
            )
        }
        return .typeMismatch(
            type,
            DecodingError.Context(
                codingPath: path,
                debugDescription: "Expected to decode \(type) at \(describeCodingPath(path)) but found \(found.type)"
            )
        )
    }

    /// `dataCorrupted` for a number that does not convert exactly.
    func notRepresentable<T>(_ type: T.Type, _ found: BSONValue, at element: CodingPathElement?) -> DecodingError {
        let path = path(element)
        let number =
            switch found {
            case .int32(let v): "\(v)"
            case .int64(let v): "\(v)"
            case .double(let v): "\(v)"
            case .decimal128(let v): v.description
            default: ""
            }
        return .dataCorrupted(
            DecodingError.Context(
                codingPath: path,
                debugDescription:
                    "Expected to decode \(T.self) at \(describeCodingPath(path)) but found \(found.type) \(number), "
                    + "which \(T.self) cannot represent exactly"
            )
        )
    }

    func corrupted(_ message: String, at element: CodingPathElement?) -> DecodingError {
        let path = path(element)
        return .dataCorrupted(
            DecodingError.Context(codingPath: path, debugDescription: "\(message) at \(describeCodingPath(path))")
        )
    }

    // MARK: Key lookup

    /// The position of the field named `key`, trying the field after the previous hit first.
    @inline(__always)
    func lookup(_ key: String, in fields: BSONDocument.Fields) -> Int? {
        let count = fields.count
        let hint = cursor
        if hint < count, bsonKeyEquals(fields[hint].key, key) {
            cursor = hint &+ 1
            return hint
        }
        if count > Self.indexedLookupThreshold { return indexedLookup(key, in: fields) }
        return linearLookup(key, in: fields)
    }

    func linearLookup(_ key: String, in fields: BSONDocument.Fields) -> Int? {
        for i in fields.indices where bsonKeyEquals(fields[i].key, key) {
            cursor = i &+ 1
            return i
        }
        return nil
    }

    @inline(never)
    func indexedLookup(_ key: String, in fields: BSONDocument.Fields) -> Int? {
        if keyIndex == nil {
            var index = [String: Int](minimumCapacity: fields.count)
            for (i, field) in fields.enumerated() where index[field.key] == nil { index[field.key] = i }
            keyIndex = index
        }
        // The dictionary compares keys by canonical equivalence; BSON compares bytes. A hit that differs in bytes
        // (rare: differently normalised keys) falls back to the exact scan.
        guard let i = keyIndex?[key] else { return nil }
        guard bsonKeyEquals(fields[i].key, key) else { return linearLookup(key, in: fields) }
        cursor = i &+ 1
        return i
    }

    // MARK: Primitives

    func unboxBool(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Bool {
        if case .bool(let b) = value { return b }
        throw mismatch(Bool.self, value, at: element())
    }

    func unboxString(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> String {
        switch value {
        case .string(let s), .symbol(let s): return s
        default: throw mismatch(String.self, value, at: element())
        }
    }

    @inline(__always)
    func unboxInteger<I: FixedWidthInteger>(
        _ value: BSONValue, as type: I.Type, at element: @autoclosure () -> CodingPathElement?
    )
        throws -> I
    {
        switch value {
        case .int32(let v): if let r = I(exactly: v) { return r }
        case .int64(let v): if let r = I(exactly: v) { return r }
        case .double(let v): if let r = I(exactly: v) { return r }
        case .decimal128(let v): if let i = v.exactInt64, let r = I(exactly: i) { return r }
        default: throw mismatch(type, value, at: element())
        }
        throw notRepresentable(type, value, at: element())
    }

    func unboxDouble(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Double {
        switch value {
        case .double(let v): return v
        case .int32(let v): return Double(v)
        case .int64(let v): if let d = Double(exactly: v) { return d }
        case .decimal128(let v): if let i = v.exactInt64, let d = Double(exactly: i) { return d }
        default: throw mismatch(Double.self, value, at: element())
        }
        throw notRepresentable(Double.self, value, at: element())
    }

    func unboxFloat(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Float {
        switch value {
        case .double(let v):
            let f = Float(v)
            if f.isFinite || !v.isFinite { return f }
        case .int32(let v): if let f = Float(exactly: v) { return f }
        case .int64(let v): if let f = Float(exactly: v) { return f }
        case .decimal128(let v): if let i = v.exactInt64, let f = Float(exactly: i) { return f }
        default: throw mismatch(Float.self, value, at: element())
        }
        throw notRepresentable(Float.self, value, at: element())
    }

    // MARK: Values

    /// Decodes `type` from `value`, the value at `element` below this decoder (or this decoder's own value).
    ///
    /// Primitives and types with a native BSON form are recognised by metatype comparison before any child
    /// decoder is allocated.
    func unbox<T: Decodable>(_ value: BSONValue, as type: T.Type, at element: @autoclosure () -> CodingPathElement?)
        throws -> T
    {
        if T.self == String.self { return try unboxString(value, at: element()) as! T }
        if T.self == Int.self { return try unboxInteger(value, as: Int.self, at: element()) as! T }
        if T.self == Double.self { return try unboxDouble(value, at: element()) as! T }
        if T.self == Bool.self { return try unboxBool(value, at: element()) as! T }
        if T.self == Int32.self { return try unboxInteger(value, as: Int32.self, at: element()) as! T }
        if T.self == Int64.self { return try unboxInteger(value, as: Int64.self, at: element()) as! T }
        if T.self == ObjectID.self { return try unboxObjectID(value, at: element()) as! T }
        if T.self == Date.self { return try unboxDate(value, at: element()) as! T }
        if T.self == BSONDocument.self { return try unboxDocument(value, at: element()) as! T }
        if T.self == BSONValue.self { return value as! T }
        if T.self == Data.self { return try unboxData(value, at: element()) as! T }
        if T.self == UUID.self { return try unboxUUID(value, at: element()) as! T }
        if T.self == Decimal128.self { return try unboxDecimal128(value, at: element()) as! T }
        if T.self == BSONBinary.self { return try unboxBinary(value, at: element()) as! T }
        if T.self == BSONTimestamp.self { return try unboxTimestamp(value, at: element()) as! T }
        if T.self == BSONRegex.self { return try unboxRegex(value, at: element()) as! T }
        if T.self == Float.self { return try unboxFloat(value, at: element()) as! T }
        if T.self == Int8.self { return try unboxInteger(value, as: Int8.self, at: element()) as! T }
        if T.self == Int16.self { return try unboxInteger(value, as: Int16.self, at: element()) as! T }
        if T.self == UInt8.self { return try unboxInteger(value, as: UInt8.self, at: element()) as! T }
        if T.self == UInt16.self { return try unboxInteger(value, as: UInt16.self, at: element()) as! T }
        if T.self == UInt32.self { return try unboxInteger(value, as: UInt32.self, at: element()) as! T }
        if T.self == UInt64.self { return try unboxInteger(value, as: UInt64.self, at: element()) as! T }
        if T.self == UInt.self { return try unboxInteger(value, as: UInt.self, at: element()) as! T }
        guard let element = element() else { return try T(from: self) }
        return try T(
            from: BSONDecoderImpl(value: value, context: context, parent: self, element: element, decodingType: T.self))
    }

    func unboxObjectID(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> ObjectID {
        if case .objectID(let id) = value { return id }
        throw mismatch(ObjectID.self, value, at: element())
    }

    func unboxDocument(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> BSONDocument {
        if case .document(let document) = value { return document }
        throw mismatch(BSONDocument.self, value, at: element())
    }

    func unboxBinary(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> BSONBinary {
        if case .binary(let binary) = value { return binary }
        throw mismatch(BSONBinary.self, value, at: element())
    }

    func unboxTimestamp(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> BSONTimestamp {
        if case .timestamp(let timestamp) = value { return timestamp }
        throw mismatch(BSONTimestamp.self, value, at: element())
    }

    func unboxRegex(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> BSONRegex {
        if case .regex(let regex) = value { return regex }
        throw mismatch(BSONRegex.self, value, at: element())
    }

    func unboxDecimal128(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Decimal128 {
        switch value {
        case .decimal128(let d): return d
        case .int32(let v): return Decimal128(Int64(v))
        case .int64(let v): return Decimal128(v)
        default: throw mismatch(Decimal128.self, value, at: element())
        }
    }

    func unboxUUID(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> UUID {
        guard case .binary(let binary) = value, binary.subtype == .uuid else {
            throw mismatch(UUID.self, value, at: element())
        }
        guard binary.bytes.count == 16 else {
            throw corrupted("Expected 16 bytes of UUID but found \(binary.bytes.count)", at: element())
        }
        return UUID(uuid: binary.bytes.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) })
    }

    func unboxDate(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Date {
        switch context.dateStrategy {
        case .bsonDateTime:
            guard case .datetime(let ms) = value else { throw mismatch(Date.self, value, at: element()) }
            return Date(timeIntervalSince1970: Double(ms) / 1000)
        case .millisecondsSince1970:
            return Date(timeIntervalSince1970: try unboxTimeNumber(value, at: element()) / 1000)
        case .secondsSince1970:
            return Date(timeIntervalSince1970: try unboxTimeNumber(value, at: element()))
        case .iso8601:
            guard case .string(let text) = value else { throw mismatch(Date.self, value, at: element()) }
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw corrupted("Expected an ISO 8601 date but found \"\(text)\"", at: element())
            }
            return date
        case .custom(let decode):
            return try decode(element().map { child(value, at: $0) } ?? self)
        }
    }

    private func unboxTimeNumber(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Double
    {
        switch value {
        case .int32(let v): return Double(v)
        case .int64(let v): return Double(v)
        case .double(let v): return v
        default: throw mismatch(Date.self, value, at: element())
        }
    }

    func unboxData(_ value: BSONValue, at element: @autoclosure () -> CodingPathElement?) throws -> Data {
        switch context.dataStrategy {
        case .binary:
            guard case .binary(let binary) = value else { throw mismatch(Data.self, value, at: element()) }
            return Data(binary.bytes)
        case .base64:
            guard case .string(let text) = value else { throw mismatch(Data.self, value, at: element()) }
            guard let data = Data(base64Encoded: text) else {
                throw corrupted("Expected Base64 data but found an invalid string", at: element())
            }
            return data
        case .custom(let decode):
            return try decode(element().map { child(value, at: $0) } ?? self)
        }
    }

    // MARK: Decoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .document(let document) = value else {
            throw mismatch(decodingType ?? BSONDocument.self, value, at: nil)
        }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<Key>(decoder: self, fields: document.fields))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else {
            throw mismatch(decodingType ?? [BSONValue].self, value, at: nil)
        }
        return BSONUnkeyedDecodingContainer(decoder: self, elements: elements)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: SingleValueDecodingContainer

    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool { try unboxBool(value, at: nil) }
    func decode(_ type: String.Type) throws -> String { try unboxString(value, at: nil) }
    func decode(_ type: Double.Type) throws -> Double { try unboxDouble(value, at: nil) }
    func decode(_ type: Float.Type) throws -> Float { try unboxFloat(value, at: nil) }
    func decode(_ type: Int.Type) throws -> Int { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: Int8.Type) throws -> Int8 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: Int16.Type) throws -> Int16 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: Int32.Type) throws -> Int32 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: Int64.Type) throws -> Int64 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: UInt.Type) throws -> UInt { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unboxInteger(value, as: type, at: nil) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unboxInteger(value, as: type, at: nil) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(value, as: type, at: nil) }
}

/// Reads the fields of a document.
struct BSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: BSONDecoderImpl
    let fields: BSONDocument.Fields

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] { fields.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { decoder.lookup(key.stringValue, in: fields) != nil }

    /// The value of `key`; throws `keyNotFound` if it is missing.
    @inline(__always) private func require(_ key: Key) throws -> BSONValue {
        guard let i = decoder.lookup(key.stringValue, in: fields) else { throw keyNotFound(key) }
        return fields[i].value
    }

    /// The value of `key`, or `nil` if it is missing or null.
    @inline(__always) private func present(_ key: Key) -> BSONValue? {
        guard let i = decoder.lookup(key.stringValue, in: fields) else { return nil }
        let value = fields[i].value
        if case .null = value { return nil }
        return value
    }

    private func keyNotFound(_ key: Key) -> DecodingError {
        let path = codingPath
        let full = describeCodingPath(path + [key])
        return .keyNotFound(
            key,
            DecodingError.Context(
                codingPath: path, debugDescription: "No value for key \"\(key.stringValue)\" at \(full)")
        )
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        if case .null = try require(key) { return true }
        return false
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try decoder.unboxBool(try require(key), at: .key(key))
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try decoder.unboxString(try require(key), at: .key(key))
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try decoder.unboxDouble(try require(key), at: .key(key))
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try decoder.unboxFloat(try require(key), at: .key(key))
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try decoder.unboxInteger(try require(key), as: type, at: .key(key))
    }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(try require(key), as: type, at: .key(key))
    }

    // One lookup per optional property (the default implementations look the key up three times).
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxBool(value, at: .key(key))
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxString(value, at: .key(key))
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxDouble(value, at: .key(key))
    }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxFloat(value, at: .key(key))
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        guard let value = present(key) else { return nil }
        return try decoder.unboxInteger(value, as: type, at: .key(key))
    }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = present(key) else { return nil }
        return try decoder.unbox(value, as: type, at: .key(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type,
        forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder.child(try require(key), at: .key(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder.child(try require(key), at: .key(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        let value = decoder.lookup(BSONCodingKey.super.stringValue, in: fields).map { fields[$0].value } ?? .null
        return decoder.child(value, at: .key(BSONCodingKey.super))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        let value = decoder.lookup(key.stringValue, in: fields).map { fields[$0].value } ?? .null
        return decoder.child(value, at: .key(key))
    }
}

/// Reads the elements of an array in order.
struct BSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let decoder: BSONDecoderImpl
    let elements: [BSONValue]
    private(set) var currentIndex = 0

    init(decoder: BSONDecoderImpl, elements: [BSONValue]) {
        self.decoder = decoder
        self.elements = elements
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// Decodes the current element with `body` and advances only if that succeeds.
    @inline(__always)
    private mutating func next<T>(
        _ type: T.Type,
        _ body: (BSONDecoderImpl, BSONValue, CodingPathElement) throws -> T
    ) throws -> T {
        guard currentIndex < elements.count else { throw endError(type) }
        let result = try body(decoder, elements[currentIndex], .index(currentIndex))
        currentIndex += 1
        return result
    }

    private func endError<T>(_ type: T.Type) -> DecodingError {
        let path = decoder.path(.index(currentIndex))
        return DecodingError.valueNotFound(
            type,
            DecodingError.Context(
                codingPath: path,
                debugDescription:
                    "Expected to decode \(T.self) at \(describeCodingPath(path)) but the array has only "
                    + "\(elements.count) elements"
            )
        )
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < elements.count else { throw endError(Never?.self) }
        guard case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.unboxBool($1, at: $2) } }
    mutating func decode(_ type: String.Type) throws -> String {
        try next(type) { try $0.unboxString($1, at: $2) }
    }
    mutating func decode(_ type: Double.Type) throws -> Double {
        try next(type) { try $0.unboxDouble($1, at: $2) }
    }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try $0.unboxFloat($1, at: $2) } }
    mutating func decode(_ type: Int.Type) throws -> Int {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: Int8.Type) throws -> Int8 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: Int16.Type) throws -> Int16 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: Int32.Type) throws -> Int32 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: Int64.Type) throws -> Int64 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: UInt.Type) throws -> UInt {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
        try next(type) { try $0.unboxInteger($1, as: type, at: $2) }
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try next(type) { try $0.unbox($1, as: type, at: $2) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try $0.child($1, at: $2).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try $0.child($1, at: $2).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { $0.child($1, at: $2) }
    }
}
