import Foundation

// The BSON value types are Codable. With BSONEncoder/BSONDecoder they map to their own BSON types (the encoder
// and decoder recognise them before calling these methods, and these methods take the fast path again when a
// custom `encode(to:)`/`init(from:)` calls them directly). With other coders they fall back to plain shapes that
// JSON can hold: an ObjectId is its hex string, a Decimal128 its canonical string, and ``BSONValue`` uses the
// type wrappers of MongoDB Extended JSON (`{"$oid": …}`, `{"$date": {"$numberLong": …}}`, …) so it decodes back
// to the same BSON type.

extension ObjectID: Codable {
    /// Decodes an ObjectId: from a BSON objectId, or with other decoders from its 24 hexadecimal digits.
    ///
    /// - Throws: `DecodingError.typeMismatch` for any other BSON type; `DecodingError.dataCorrupted` for a string
    ///   that is not 24 hexadecimal digits.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = try bson.unboxObjectID(bson.value, at: nil)
            return
        }
        let container = try decoder.singleValueContainer()
        let hex = try container.decode(String.self)
        do {
            self = try ObjectID(parsing: hex)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the ObjectId as a BSON objectId, or with other encoders as its 24 lowercase hexadecimal digits.
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(.objectID(self)) }
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension Decimal128: Codable {
    /// Decodes a Decimal128: from a BSON decimal128 (or an exact int32/int64), or with other decoders from its
    /// string form (`"1.10"`, `"-Infinity"`).
    ///
    /// - Throws: `DecodingError.typeMismatch` for other BSON types; `DecodingError.dataCorrupted` for a string
    ///   that is not a decimal number.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = try bson.unboxDecimal128(bson.value, at: nil)
            return
        }
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Decimal128(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    /// Encodes the value as a BSON decimal128, or with other encoders as its canonical string.
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(.decimal128(self)) }
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension BSONTimestamp: Codable {
    private enum CodingKeys: String, CodingKey {
        case timestamp = "t"
        case increment = "i"
    }

    /// Decodes a timestamp: from a BSON timestamp, or with other decoders from `{"t": seconds, "i": increment}`.
    ///
    /// - Throws: `DecodingError` if the value has another type or shape.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = try bson.unboxTimestamp(bson.value, at: nil)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            timestamp: try container.decode(UInt32.self, forKey: .timestamp),
            increment: try container.decode(UInt32.self, forKey: .increment)
        )
    }

    /// Encodes the value as a BSON timestamp, or with other encoders as `{"t": seconds, "i": increment}`.
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(.timestamp(self)) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(increment, forKey: .increment)
    }
}

extension BSONRegex: Codable {
    private enum CodingKeys: String, CodingKey {
        case pattern
        case options
    }

    /// Decodes a regular expression: from a BSON regex, or with other decoders from
    /// `{"pattern": …, "options": …}`.
    ///
    /// - Throws: `DecodingError` if the value has another type or shape.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = try bson.unboxRegex(bson.value, at: nil)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            pattern: try container.decode(String.self, forKey: .pattern),
            options: try container.decode(String.self, forKey: .options)
        )
    }

    /// Encodes the value as a BSON regex, or with other encoders as `{"pattern": …, "options": …}`.
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(.regex(self)) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pattern, forKey: .pattern)
        try container.encode(options, forKey: .options)
    }
}

extension BSONBinary: Codable {
    private enum CodingKeys: String, CodingKey {
        case base64
        case subType
    }

    /// Decodes binary data: from BSON binary data, or with other decoders from
    /// `{"base64": …, "subType": "hh"}` (the shape inside Extended JSON's `$binary`).
    ///
    /// - Throws: `DecodingError` if the value has another type or shape, or the Base64 or subtype is invalid.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = try bson.unboxBinary(bson.value, at: nil)
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let base64 = try container.decode(String.self, forKey: .base64)
        let subtypeText = try container.decode(String.self, forKey: .subType)
        guard let data = Data(base64Encoded: base64) else {
            throw DecodingError.dataCorruptedError(
                forKey: .base64, in: container, debugDescription: "Expected Base64 data but found an invalid string")
        }
        guard subtypeText.utf8.count <= 2, let subtype = UInt8(subtypeText, radix: 16) else {
            throw DecodingError.dataCorruptedError(
                forKey: .subType, in: container,
                debugDescription:
                    "Expected a binary subtype of one or two hexadecimal digits but found \"\(subtypeText)\"")
        }
        self.init(subtype: Subtype(subtype), bytes: [UInt8](data))
    }

    /// Encodes the value as BSON binary data, or with other encoders as `{"base64": …, "subType": "hh"}`.
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(.binary(self)) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Data(bytes).base64EncodedString(), forKey: .base64)
        try container.encode(hexByte(subtype.rawValue), forKey: .subType)
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return digits.utf8.count == 1 ? "0" + digits : digits
}

extension BSONDocument: Codable {
    /// Decodes a document: from a BSON document, or with other decoders from any keyed container whose values
    /// decode as ``BSONValue``.
    ///
    /// - Throws: `DecodingError.typeMismatch` if the value is not a document.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = try bson.unboxDocument(bson.value, at: nil)
            return
        }
        let container = try decoder.container(keyedBy: BSONCodingKey.self)
        let keys = container.allKeys
        self.init(minimumCapacity: keys.count)
        for key in keys { append(key.stringValue, try container.decode(BSONValue.self, forKey: key)) }
    }

    /// Encodes the document as itself, or with other encoders as a keyed container of its values.
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(.document(self)) }
        var container = encoder.container(keyedBy: BSONCodingKey.self)
        for (key, value) in self { try container.encode(value, forKey: BSONCodingKey(stringValue: key)) }
    }
}

extension BSONValue: Codable {
    /// Decodes any BSON value as it is, or with other decoders from the JSON-like shape ``encode(to:)`` writes:
    /// numbers, strings, booleans, null, arrays and objects, where objects with an Extended JSON type wrapper
    /// (`{"$oid": …}`, `{"$numberDecimal": …}`, …) become that BSON type.
    ///
    /// - Throws: `DecodingError.dataCorrupted` if a type wrapper holds an invalid value.
    public init(from decoder: any Decoder) throws {
        if let bson = decoder as? BSONDecoderImpl {
            self = bson.value
            return
        }
        if let single = try? decoder.singleValueContainer() {
            if single.decodeNil() {
                self = .null
                return
            }
            if let value = try? single.decode(Bool.self) {
                self = .bool(value)
                return
            }
            if let value = try? single.decode(Int64.self) {
                self = Int32(exactly: value).map(BSONValue.int32) ?? .int64(value)
                return
            }
            if let value = try? single.decode(Double.self) {
                self = .double(value)
                return
            }
            if let value = try? single.decode(String.self) {
                self = .string(value)
                return
            }
        }
        if let container = try? decoder.container(keyedBy: BSONCodingKey.self) {
            let keys = container.allKeys
            if let wrapped = try Self.decodeTypeWrapper(container, keys: keys) {
                self = wrapped
                return
            }
            var document = BSONDocument(minimumCapacity: keys.count)
            for key in keys { document.append(key.stringValue, try container.decode(BSONValue.self, forKey: key)) }
            self = .document(document)
            return
        }
        var container = try decoder.unkeyedContainer()
        var elements: [BSONValue] = []
        while !container.isAtEnd { elements.append(try container.decode(BSONValue.self)) }
        self = .array(elements)
    }

    /// Encodes the value as itself, or with other encoders in a JSON-like shape: doubles, strings, booleans,
    /// null, int32 and int64 as plain values, documents and arrays as containers, and every other type as its
    /// canonical Extended JSON wrapper (`{"$oid": "…"}`, `{"$date": {"$numberLong": "…"}}`, …).
    ///
    /// - Throws: `EncodingError` if the encoder already holds a value at this position.
    public func encode(to encoder: any Encoder) throws {
        if let bson = encoder as? BSONEncoderImpl { return try bson.setSingle(self) }
        func wrapper() -> KeyedEncodingContainer<BSONCodingKey> { encoder.container(keyedBy: BSONCodingKey.self) }
        func key(_ name: String) -> BSONCodingKey { BSONCodingKey(stringValue: name) }
        switch self {
        case .double(let v):
            if v.isFinite {
                var single = encoder.singleValueContainer()
                try single.encode(v)
            } else {
                var container = wrapper()
                try container.encode(v.isNaN ? "NaN" : v > 0 ? "Infinity" : "-Infinity", forKey: key("$numberDouble"))
            }
        case .string(let v):
            var single = encoder.singleValueContainer()
            try single.encode(v)
        case .document(let v):
            try v.encode(to: encoder)
        case .array(let v):
            var container = encoder.unkeyedContainer()
            for element in v { try container.encode(element) }
        case .binary(let v):
            var container = wrapper()
            try container.encode(v, forKey: key("$binary"))
        case .undefined:
            var container = wrapper()
            try container.encode(true, forKey: key("$undefined"))
        case .objectID(let v):
            var container = wrapper()
            try container.encode(v.hex, forKey: key("$oid"))
        case .bool(let v):
            var single = encoder.singleValueContainer()
            try single.encode(v)
        case .datetime(let v):
            var container = wrapper()
            var date = container.nestedContainer(keyedBy: BSONCodingKey.self, forKey: key("$date"))
            try date.encode(String(v), forKey: key("$numberLong"))
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .regex(let v):
            var container = wrapper()
            try container.encode(v, forKey: key("$regularExpression"))
        case .dbPointer(let v):
            var container = wrapper()
            var pointer = container.nestedContainer(keyedBy: BSONCodingKey.self, forKey: key("$dbPointer"))
            try pointer.encode(v.namespace, forKey: key("$ref"))
            try pointer.encode(BSONValue.objectID(v.id), forKey: key("$id"))
        case .javascript(let v):
            var container = wrapper()
            try container.encode(v, forKey: key("$code"))
        case .symbol(let v):
            var container = wrapper()
            try container.encode(v, forKey: key("$symbol"))
        case .javascriptWithScope(let v):
            var container = wrapper()
            try container.encode(v.code, forKey: key("$code"))
            try container.encode(v.scope, forKey: key("$scope"))
        case .int32(let v):
            var single = encoder.singleValueContainer()
            try single.encode(v)
        case .timestamp(let v):
            var container = wrapper()
            try container.encode(v, forKey: key("$timestamp"))
        case .int64(let v):
            var single = encoder.singleValueContainer()
            try single.encode(v)
        case .decimal128(let v):
            var container = wrapper()
            try container.encode(v.description, forKey: key("$numberDecimal"))
        case .minKey:
            var container = wrapper()
            try container.encode(1, forKey: key("$minKey"))
        case .maxKey:
            var container = wrapper()
            try container.encode(1, forKey: key("$maxKey"))
        }
    }

    /// The value of an Extended JSON type wrapper, or `nil` if the object is a plain document.
    private static func decodeTypeWrapper(
        _ container: KeyedDecodingContainer<BSONCodingKey>,
        keys: [BSONCodingKey]
    ) throws -> BSONValue? {
        guard let first = keys.first, first.stringValue.hasPrefix("$") else { return nil }
        func key(_ name: String) -> BSONCodingKey { BSONCodingKey(stringValue: name) }
        func corrupted(_ message: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: first, in: container, debugDescription: message)
        }
        if keys.count == 2, Set(keys.map(\.stringValue)) == ["$code", "$scope"] {
            return .javascriptWithScope(
                BSONCodeWithScope(
                    code: try container.decode(String.self, forKey: key("$code")),
                    scope: try container.decode(BSONDocument.self, forKey: key("$scope"))
                )
            )
        }
        guard keys.count == 1 else { return nil }
        switch first.stringValue {
        case "$oid":
            let hex = try container.decode(String.self, forKey: first)
            do { return .objectID(try ObjectID(parsing: hex)) } catch { throw corrupted(error.message) }
        case "$date":
            if let ms = try? container.decode(Int64.self, forKey: first) { return .datetime(ms) }
            if let text = try? container.decode(String.self, forKey: first) {
                let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
                guard let date = (try? Date(text, strategy: withFraction)) ?? (try? Date(text, strategy: .iso8601))
                else { throw corrupted("Expected an ISO 8601 date in $date but found \"\(text)\"") }
                return .datetime(Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
            let inner = try container.nestedContainer(keyedBy: BSONCodingKey.self, forKey: first)
            let text = try inner.decode(String.self, forKey: key("$numberLong"))
            guard let ms = Int64(text) else { throw corrupted("Expected an int64 in $date but found \"\(text)\"") }
            return .datetime(ms)
        case "$numberDecimal":
            let text = try container.decode(String.self, forKey: first)
            do { return .decimal128(try Decimal128(parsing: text)) } catch { throw corrupted(error.message) }
        case "$numberDouble":
            let text = try container.decode(String.self, forKey: first)
            guard let value = Double(text) else { throw corrupted("Expected a double but found \"\(text)\"") }
            return .double(value)
        case "$numberLong":
            let text = try container.decode(String.self, forKey: first)
            guard let value = Int64(text) else { throw corrupted("Expected an int64 but found \"\(text)\"") }
            return .int64(value)
        case "$numberInt":
            let text = try container.decode(String.self, forKey: first)
            guard let value = Int32(text) else { throw corrupted("Expected an int32 but found \"\(text)\"") }
            return .int32(value)
        case "$binary": return .binary(try container.decode(BSONBinary.self, forKey: first))
        case "$timestamp": return .timestamp(try container.decode(BSONTimestamp.self, forKey: first))
        case "$regularExpression": return .regex(try container.decode(BSONRegex.self, forKey: first))
        case "$dbPointer":
            let inner = try container.nestedContainer(keyedBy: BSONCodingKey.self, forKey: first)
            let namespace = try inner.decode(String.self, forKey: key("$ref"))
            guard case .objectID(let id) = try inner.decode(BSONValue.self, forKey: key("$id")) else {
                throw corrupted("Expected an ObjectId in $dbPointer.$id")
            }
            return .dbPointer(BSONDBPointer(namespace: namespace, id: id))
        case "$code": return .javascript(try container.decode(String.self, forKey: first))
        case "$symbol": return .symbol(try container.decode(String.self, forKey: first))
        case "$minKey": return .minKey
        case "$maxKey": return .maxKey
        case "$undefined": return .undefined
        default: return nil
        }
    }
}
