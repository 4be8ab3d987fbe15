#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A validated BSON document kept in its encoded form, read one field at a time.
///
/// Finding a field walks the encoded elements, comparing keys as bytes and skipping values by their lengths;
/// nothing else is decoded. This is how the engine's scans read stored documents.
///
/// ```swift
/// let raw = try RawDocument(validating: bytes)
/// raw["email"]                          // .string("ada@example.com")
/// raw.value(at: try FieldPath("teams.0.role"))
/// ```
public struct RawDocument: Sendable, Hashable {
    /// The encoded document.
    public let bytes: [UInt8]

    /// Validates `bytes` as one complete BSON document and wraps them.
    /// - Throws: ``BSONError`` as ``BSONDocument/init(bsonBytes:options:)`` does.
    public init(validating bytes: [UInt8], options: BSONReaderOptions = .default) throws(BSONError) {
        try BSONValidator.validate(bytes, options: options)
        self.bytes = bytes
    }

    /// Wraps bytes the caller guarantees to be one valid BSON document (an encoder's output, or valid bytes with a
    /// valid value spliced in), skipping validation. Within the package only: public callers validate.
    package init(uncheckedBytes bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Encodes a document.
    /// - Throws: ``BSONError`` if the document cannot be encoded.
    public init(_ document: BSONDocument) throws(BSONError) {
        bytes = try document.bsonBytes()
    }

    /// Decodes the whole document.
    public var document: BSONDocument {
        // The bytes were validated (or produced by the encoder) when this value was made.
        do { return try BSONDocument(bsonBytes: bytes) } catch {
            preconditionFailure("RawDocument holds invalid BSON: \(error)")
        }
    }

    /// The value of the first top-level field named `key`, decoded; `nil` if there is none.
    public subscript(key: String) -> BSONValue? {
        var key = key
        return key.withUTF8 { k in
            bytes.withUnsafeBytes { buffer in
                guard let element = RawElementFinder.find(UnsafeRawBufferPointer(k), inDocumentAt: 0, of: buffer)
                else { return nil }
                return RawElementFinder.decode(element, in: buffer)
            }
        }
    }

    /// The value at a dotted path, navigating embedded documents and (for numeric components) array elements.
    ///
    /// This is plain navigation; MongoDB's implicit traversal of arrays belongs to the query engine, which uses
    /// ``element(at:)``.
    public func value(at path: FieldPath) -> BSONValue? {
        bytes.withUnsafeBytes { buffer in
            guard let element = RawElementFinder.find(path, inDocumentAt: 0, of: buffer) else { return nil }
            return RawElementFinder.decode(element, in: buffer)
        }
    }

    /// The type and position of the element at a dotted path, without decoding its value.
    public func element(at path: FieldPath) -> RawElement? {
        bytes.withUnsafeBytes { RawElementFinder.find(path, inDocumentAt: 0, of: $0) }
    }

    /// Calls `body` with the key bytes and element of each top-level field, in order.
    public func forEachElement(_ body: (UnsafeRawBufferPointer, RawElement) throws -> Void) rethrows {
        try bytes.withUnsafeBytes { buffer in
            var cursor = RawElementCursor(buffer: buffer, documentOffset: 0)
            while let (key, element) = cursor.next() { try body(key, element) }
        }
    }
}

/// The position of one encoded element: its type and where its value lies in the document's bytes.
public struct RawElement: Sendable, Hashable {
    /// The element's type.
    public let type: BSONType
    /// The offset of the value's first byte.
    public let valueOffset: Int
    /// The number of bytes of the value.
    public let valueLength: Int
}

/// Walks the elements of one encoded document. Every read is bounds-checked, so malformed input ends the walk
/// instead of reading outside the buffer.
public struct RawElementCursor {
    let buffer: UnsafeRawBufferPointer
    var offset: Int
    let end: Int

    /// Starts a walk over the document whose length prefix is at `documentOffset`.
    public init(buffer: UnsafeRawBufferPointer, documentOffset: Int) {
        self.buffer = buffer
        if documentOffset >= 0, buffer.count - documentOffset >= 5 {
            let length = Int(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: documentOffset, as: Int32.self)))
            offset = documentOffset + 4
            end = length >= 5 && length <= buffer.count - documentOffset ? documentOffset + length - 1 : offset
        } else {
            offset = 0
            end = 0
        }
    }

    /// The next element's key bytes and position, or `nil` at the end (or at malformed bytes).
    public mutating func next() -> (key: UnsafeRawBufferPointer, element: RawElement)? {
        guard offset < end, let type = BSONType(rawValue: buffer[offset]) else { return nil }
        let keyStart = offset + 1
        guard let base = buffer.baseAddress, let nul = memchr(base + keyStart, 0, end - keyStart) else { return nil }
        let keyLength = UnsafeRawPointer(nul) - (base + keyStart)
        let valueOffset = keyStart + keyLength + 1
        guard let length = RawElementFinder.valueLength(type, at: valueOffset, limit: end, in: buffer) else {
            offset = end
            return nil
        }
        offset = valueOffset + length
        return (
            UnsafeRawBufferPointer(start: base + keyStart, count: keyLength),
            RawElement(type: type, valueOffset: valueOffset, valueLength: length)
        )
    }
}

/// Field lookup in encoded documents.
public enum RawElementFinder {
    /// Finds the first element whose key equals `key` in the document at `documentOffset`.
    public static func find(
        _ key: UnsafeRawBufferPointer,
        inDocumentAt documentOffset: Int,
        of buffer: UnsafeRawBufferPointer
    ) -> RawElement? {
        var cursor = RawElementCursor(buffer: buffer, documentOffset: documentOffset)
        while let (k, element) = cursor.next() {
            if k.count == key.count && (k.count == 0 || memcmp(k.baseAddress!, key.baseAddress!, k.count) == 0) {
                return element
            }
        }
        return nil
    }

    /// Follows a dotted path from the document at `documentOffset`: document components by key, array
    /// components by index.
    public static func find(
        _ path: FieldPath,
        inDocumentAt documentOffset: Int,
        of buffer: UnsafeRawBufferPointer
    ) -> RawElement? {
        var containerOffset = documentOffset
        var containerType = BSONType.document
        var found: RawElement?
        for component in path.components {
            switch containerType {
            case .document:
                found = component.utf8.withUnsafeBytes { find($0, inDocumentAt: containerOffset, of: buffer) }
            case .array:
                guard let index = component.arrayIndex else { return nil }
                var cursor = RawElementCursor(buffer: buffer, documentOffset: containerOffset)
                found = nil
                var i = 0
                while let (_, element) = cursor.next() {
                    if i == index {
                        found = element
                        break
                    }
                    i += 1
                }
            default:
                return nil
            }
            guard let element = found else { return nil }
            containerType = element.type
            containerOffset = element.valueOffset
        }
        return found
    }

    /// Decodes one element's value.
    public static func decode(_ element: RawElement, in buffer: UnsafeRawBufferPointer) -> BSONValue? {
        let reader = BSONByteReader(buffer: buffer, baseOffset: 0, options: .default)
        return try? reader.readValue(
            element.type.rawValue,
            typeOffset: element.valueOffset,
            at: element.valueOffset,
            limit: element.valueOffset + element.valueLength,
            depth: 0
        ).0
    }

    /// The length of the value of type `type` at `offset`, or `nil` if it does not fit before `limit`.
    @inline(__always)
    public static func valueLength(_ type: BSONType, at offset: Int, limit: Int, in buffer: UnsafeRawBufferPointer)
        -> Int?
    {
        @inline(__always) func int32(_ at: Int) -> Int? {
            guard limit - at >= 4 else { return nil }
            return Int(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: at, as: Int32.self)))
        }
        let length: Int
        switch type {
        case .double, .datetime, .timestamp, .int64: length = 8
        case .string, .javascript, .symbol:
            guard let n = int32(offset), n >= 1 else { return nil }
            length = 4 + n
        case .document, .array, .javascriptWithScope:
            guard let n = int32(offset), n >= 5 else { return nil }
            length = n
        case .binary:
            guard let n = int32(offset), n >= 0 else { return nil }
            length = 5 + n
        case .undefined, .null, .minKey, .maxKey: length = 0
        case .objectID: length = 12
        case .bool: length = 1
        case .regex:
            guard let base = buffer.baseAddress, offset < limit,
                let first = memchr(base + offset, 0, limit - offset)
            else { return nil }
            let second = UnsafeRawPointer(first) - base + 1
            guard second < limit, let nul = memchr(base + second, 0, limit - second) else { return nil }
            length = UnsafeRawPointer(nul) - base + 1 - offset
        case .dbPointer:
            guard let n = int32(offset), n >= 1 else { return nil }
            length = 4 + n + 12
        case .int32: length = 4
        case .decimal128: length = 16
        }
        return length <= limit - offset ? length : nil
    }
}
