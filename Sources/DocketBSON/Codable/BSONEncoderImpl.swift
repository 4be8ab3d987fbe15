import Foundation

/// State shared by every encoder of one top-level `encode` call.
final class EncodingContext {
    let dateStrategy: BSONEncoder.DateEncodingStrategy
    let dataStrategy: BSONEncoder.DataEncodingStrategy
    let userInfo: [CodingUserInfoKey: Any]
    /// The first misuse found where no error can be thrown (a container requested twice with different kinds).
    var deferredError: EncodingError?

    init(
        dateStrategy: BSONEncoder.DateEncodingStrategy,
        dataStrategy: BSONEncoder.DataEncodingStrategy,
        userInfo: [CodingUserInfoKey: Any]
    ) {
        self.dateStrategy = dateStrategy
        self.dataStrategy = dataStrategy
        self.userInfo = userInfo
    }

    func record(_ error: EncodingError) {
        if deferredError == nil { deferredError = error }
    }
}

/// The `Encoder` handed to `encode(to:)`: one per encoded value that is not a BSON primitive.
///
/// It collects exactly one of a document, an array or a single value. Containers requested with
/// `nestedContainer`/`superEncoder` get a child encoder whose result is filled into a placeholder when this
/// encoder finishes, so fields keep the order in which they were requested.
final class BSONEncoderImpl: Encoder, SingleValueEncodingContainer {
    enum Kind {
        case empty
        case single
        case document
        case array
    }

    let context: EncodingContext
    /// The encoder this one encodes a field or element of; `nil` at the root and for pending children, whose
    /// path is fixed in `basePath` instead (a strong parent link from them would form a reference cycle).
    let parent: BSONEncoderImpl?
    let element: CodingPathElement?
    let basePath: [any CodingKey]
    var kind = Kind.empty
    var single = BSONValue.null
    var document = BSONDocument()
    var array: [BSONValue] = []
    /// Children whose values replace the placeholders at these positions of `document` or `array`.
    var pending: [(index: Int, encoder: BSONEncoderImpl)] = []

    init(
        context: EncodingContext, parent: BSONEncoderImpl?, element: CodingPathElement?, basePath: [any CodingKey] = []
    ) {
        self.context = context
        self.parent = parent
        self.element = element
        self.basePath = basePath
    }

    var codingPath: [any CodingKey] {
        var reversed: [any CodingKey] = []
        var node: BSONEncoderImpl? = self
        var base: [any CodingKey] = []
        while let current = node {
            if let element = current.element { reversed.append(element.codingKey) }
            base = current.basePath
            node = current.parent
        }
        return base + reversed.reversed()
    }

    var userInfo: [CodingUserInfoKey: Any] { context.userInfo }

    func path(_ element: CodingPathElement?) -> [any CodingKey] { appending(codingPath, element) }

    // MARK: Results

    func encodeTopLevel<T: Encodable>(_ value: T) throws -> BSONValue {
        if let special = try encodeSpecial(value, at: nil) { return special }
        try value.encode(to: self)
        return try finish()
    }

    /// Encodes a field or element value.
    func encodeValue<T: Encodable>(_ value: T, at element: CodingPathElement) throws -> BSONValue {
        if let special = try encodeSpecial(value, at: element) { return special }
        let child = BSONEncoderImpl(context: context, parent: self, element: element)
        try value.encode(to: child)
        return try child.finish()
    }

    /// The encoded value; an encoder that received nothing yields an empty document, as `JSONEncoder` does.
    func finish() throws -> BSONValue {
        switch kind {
        case .empty:
            return .document(BSONDocument())
        case .single:
            return single
        case .document:
            if !pending.isEmpty {
                for (index, child) in pending { document.fields[index].value = try child.finish() }
                pending = []
            }
            return .document(document)
        case .array:
            if !pending.isEmpty {
                for (index, child) in pending { array[index] = try child.finish() }
                pending = []
            }
            return .array(array)
        }
    }

    /// Creates the encoder of a nested container and reserves its place (a `null` placeholder).
    func makePendingChild(at element: CodingPathElement, key: String?, kind: Kind) -> BSONEncoderImpl {
        let child = BSONEncoderImpl(context: context, parent: nil, element: nil, basePath: path(element))
        child.kind = kind
        if let key {
            pending.append((document.count, child))
            document.append(key, .null)
        } else {
            pending.append((array.count, child))
            array.append(.null)
        }
        return child
    }

    // MARK: Special types

    /// The BSON value of primitives and of types with a native BSON form, or `nil` for other types.
    ///
    /// Metatype comparisons are cheap pointer compares; they run before any child encoder is allocated.
    @inline(__always)
    func encodeSpecial<T: Encodable>(_ value: T, at element: CodingPathElement?) throws -> BSONValue? {
        if T.self == String.self { return .string(value as! String) }
        if T.self == Int.self { return .int64(Int64(value as! Int)) }
        if T.self == Double.self { return .double(value as! Double) }
        if T.self == Bool.self { return .bool(value as! Bool) }
        if T.self == Int32.self { return .int32(value as! Int32) }
        if T.self == Int64.self { return .int64(value as! Int64) }
        if T.self == ObjectID.self { return .objectID(value as! ObjectID) }
        if T.self == Date.self { return try encodeDate(value as! Date, at: element) }
        if T.self == BSONDocument.self { return .document(value as! BSONDocument) }
        if T.self == BSONValue.self { return value as? BSONValue }
        if T.self == Data.self { return try encodeData(value as! Data, at: element) }
        if T.self == UUID.self { return bsonValue(value as! UUID) }
        if T.self == Decimal128.self { return .decimal128(value as! Decimal128) }
        if T.self == BSONBinary.self { return .binary(value as! BSONBinary) }
        if T.self == BSONTimestamp.self { return .timestamp(value as! BSONTimestamp) }
        if T.self == BSONRegex.self { return .regex(value as! BSONRegex) }
        if T.self == Float.self { return .double(Double(value as! Float)) }
        if T.self == Int8.self { return .int32(Int32(value as! Int8)) }
        if T.self == Int16.self { return .int32(Int32(value as! Int16)) }
        if T.self == UInt8.self { return .int32(Int32(value as! UInt8)) }
        if T.self == UInt16.self { return .int32(Int32(value as! UInt16)) }
        if T.self == UInt32.self { return .int64(Int64(value as! UInt32)) }
        if T.self == UInt64.self { return try int64(value as! UInt64, at: element) }
        if T.self == UInt.self { return try int64(value as! UInt, at: element) }
        return nil
    }

    func int64<I: FixedWidthInteger & UnsignedInteger>(_ value: I, at element: CodingPathElement?) throws -> BSONValue {
        guard let result = Int64(exactly: value) else {
            let path = path(element)
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(
                    codingPath: path,
                    debugDescription: "\(I.self) \(value) at \(describeCodingPath(path)) does not fit in a BSON int64"
                )
            )
        }
        return .int64(result)
    }

    func bsonValue(_ uuid: UUID) -> BSONValue {
        let bytes = withUnsafeBytes(of: uuid.uuid) { [UInt8]($0) }
        return .binary(BSONBinary(subtype: .uuid, bytes: bytes))
    }

    func encodeDate(_ date: Date, at element: CodingPathElement?) throws -> BSONValue {
        switch context.dateStrategy {
        case .bsonDateTime:
            return .datetime(try milliseconds(date, at: element))
        case .millisecondsSince1970:
            return .int64(try milliseconds(date, at: element))
        case .secondsSince1970:
            return .double(date.timeIntervalSince1970)
        case .iso8601:
            return .string(date.formatted(.iso8601))
        case .custom(let encode):
            let child = BSONEncoderImpl(context: context, parent: self, element: element)
            try encode(date, child)
            return try child.finish()
        }
    }

    func milliseconds(_ date: Date, at element: CodingPathElement?) throws -> Int64 {
        guard let ms = Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded()) else {
            let path = path(element)
            throw EncodingError.invalidValue(
                date,
                EncodingError.Context(
                    codingPath: path,
                    debugDescription: "Date \(date) at \(describeCodingPath(path)) is outside the BSON datetime range"
                )
            )
        }
        return ms
    }

    func encodeData(_ data: Data, at element: CodingPathElement?) throws -> BSONValue {
        switch context.dataStrategy {
        case .binary:
            return .binary(BSONBinary(subtype: .generic, bytes: [UInt8](data)))
        case .base64:
            return .string(data.base64EncodedString())
        case .custom(let encode):
            let child = BSONEncoderImpl(context: context, parent: self, element: element)
            try encode(data, child)
            return try child.finish()
        }
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        switch kind {
        case .empty:
            kind = .document
        case .document:
            break
        case .single, .array:
            context.record(misuse("a keyed container"))
            let detached = BSONEncoderImpl(context: context, parent: self, element: nil)
            detached.kind = .document
            return KeyedEncodingContainer(BSONKeyedEncodingContainer<Key>(encoder: detached))
        }
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        switch kind {
        case .empty:
            kind = .array
        case .array:
            break
        case .single, .document:
            context.record(misuse("an unkeyed container"))
            let detached = BSONEncoderImpl(context: context, parent: self, element: nil)
            detached.kind = .array
            return BSONUnkeyedEncodingContainer(encoder: detached)
        }
        return BSONUnkeyedEncodingContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func misuse(_ what: String) -> EncodingError {
        let path = codingPath
        let existing =
            switch kind {
            case .empty: "nothing"
            case .single: "a single value"
            case .document: "a keyed container"
            case .array: "an unkeyed container"
            }
        return EncodingError.invalidValue(
            (),
            EncodingError.Context(
                codingPath: path,
                debugDescription: "Requested \(what) at \(describeCodingPath(path)) after encoding \(existing) there"
            )
        )
    }

    // MARK: SingleValueEncodingContainer

    func setSingle(_ value: BSONValue) throws {
        guard kind == .empty else { throw misuse("a single value") }
        kind = .single
        single = value
    }

    func encodeNil() throws { try setSingle(.null) }
    func encode(_ value: Bool) throws { try setSingle(.bool(value)) }
    func encode(_ value: String) throws { try setSingle(.string(value)) }
    func encode(_ value: Double) throws { try setSingle(.double(value)) }
    func encode(_ value: Float) throws { try setSingle(.double(Double(value))) }
    func encode(_ value: Int) throws { try setSingle(.int64(Int64(value))) }
    func encode(_ value: Int8) throws { try setSingle(.int32(Int32(value))) }
    func encode(_ value: Int16) throws { try setSingle(.int32(Int32(value))) }
    func encode(_ value: Int32) throws { try setSingle(.int32(value)) }
    func encode(_ value: Int64) throws { try setSingle(.int64(value)) }
    func encode(_ value: UInt) throws { try setSingle(try int64(value, at: nil)) }
    func encode(_ value: UInt8) throws { try setSingle(.int32(Int32(value))) }
    func encode(_ value: UInt16) throws { try setSingle(.int32(Int32(value))) }
    func encode(_ value: UInt32) throws { try setSingle(.int64(Int64(value))) }
    func encode(_ value: UInt64) throws { try setSingle(try int64(value, at: nil)) }

    func encode<T: Encodable>(_ value: T) throws {
        if let special = try encodeSpecial(value, at: nil) {
            try setSingle(special)
            return
        }
        guard kind == .empty else { throw misuse("a single value") }
        try value.encode(to: self)
    }
}

/// Writes the fields of a document into its encoder's `document`.
struct BSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: BSONEncoderImpl

    var codingPath: [any CodingKey] { encoder.codingPath }

    @inline(__always) private func append(_ key: Key, _ value: BSONValue) {
        encoder.document.append(key.stringValue, value)
    }

    mutating func encodeNil(forKey key: Key) throws { append(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { append(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { append(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { append(key, .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { append(key, .double(Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { append(key, .int64(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { append(key, .int32(Int32(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { append(key, .int32(Int32(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { append(key, .int32(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { append(key, .int64(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        append(key, try encoder.int64(value, at: .key(key)))
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { append(key, .int32(Int32(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { append(key, .int32(Int32(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { append(key, .int64(Int64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        append(key, try encoder.int64(value, at: .key(key)))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        append(key, try encoder.encodeValue(value, at: .key(key)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = encoder.makePendingChild(at: .key(key), key: key.stringValue, kind: .document)
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(encoder: child))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = encoder.makePendingChild(at: .key(key), key: key.stringValue, kind: .array)
        return BSONUnkeyedEncodingContainer(encoder: child)
    }

    mutating func superEncoder() -> any Encoder {
        encoder.makePendingChild(at: .key(BSONCodingKey.super), key: BSONCodingKey.super.stringValue, kind: .empty)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.makePendingChild(at: .key(key), key: key.stringValue, kind: .empty)
    }
}

/// Appends the elements of an array to its encoder's `array`.
struct BSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let encoder: BSONEncoderImpl

    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.array.count }

    @inline(__always) private func append(_ value: BSONValue) { encoder.array.append(value) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(.double(value)) }
    mutating func encode(_ value: Float) throws { append(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { append(.int64(Int64(value))) }
    mutating func encode(_ value: Int8) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: Int16) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: Int32) throws { append(.int32(value)) }
    mutating func encode(_ value: Int64) throws { append(.int64(value)) }
    mutating func encode(_ value: UInt) throws { append(try encoder.int64(value, at: .index(count))) }
    mutating func encode(_ value: UInt8) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { append(.int64(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { append(try encoder.int64(value, at: .index(count))) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        append(try encoder.encodeValue(value, at: .index(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = encoder.makePendingChild(at: .index(count), key: nil, kind: .document)
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(encoder: child))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        BSONUnkeyedEncodingContainer(encoder: encoder.makePendingChild(at: .index(count), key: nil, kind: .array))
    }

    mutating func superEncoder() -> any Encoder {
        encoder.makePendingChild(at: .index(count), key: nil, kind: .empty)
    }
}
