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
    ///
    /// The bytes were validated (or produced by the encoder) when this value was made, so this fails only if a
    /// caller broke that promise (`init(uncheckedBytes:)`) or memory was damaged: a reader then reports an error
    /// instead of stopping the process.
    /// - Throws: ``BSONError`` as ``BSONDocument/init(bsonBytes:options:)`` does.
    public func decode() throws(BSONError) -> BSONDocument {
        try BSONDocument(bsonBytes: bytes)
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

// The one walker over encoded documents. Everything that reads stored bytes — lazy field lookup here, the query
// engine's matcher and path walker, the encoded update fast path, index key extraction — walks elements with
// these types. They are `@inlinable` because the engine's scans call them once per element: a cross-module call
// there would cost more than the walk. Every read is bounds-checked against the enclosing document, so malformed
// input ends a walk instead of reading outside the buffer.

/// The position of one encoded element: its type and where its value lies in the document's bytes.
@frozen
public struct RawElement: Sendable, Hashable {
    /// The element's type.
    public let type: BSONType
    /// The offset of the value's first byte.
    public let valueOffset: Int
    /// The number of bytes of the value.
    public let valueLength: Int

    /// Creates an element position.
    @inlinable
    public init(type: BSONType, valueOffset: Int, valueLength: Int) {
        self.type = type
        self.valueOffset = valueOffset
        self.valueLength = valueLength
    }
}

/// Walks the elements of one encoded document or array, in order.
///
/// ```swift
/// raw.bytes.withUnsafeBytes { buffer in
///     var cursor = RawElementCursor(buffer: buffer, documentOffset: 0)
///     while let (key, element) = cursor.next() { print(element.type) }
/// }
/// ```
@frozen
public struct RawElementCursor {
    @usableFromInline let base: UnsafeRawPointer?
    @usableFromInline var offset: Int
    @usableFromInline let end: Int

    /// Starts a walk over the document (or array) whose length prefix is at `documentOffset`.
    @inlinable
    public init(buffer: UnsafeRawBufferPointer, documentOffset: Int) {
        base = buffer.baseAddress
        if let base, documentOffset >= 0, buffer.count - documentOffset >= 5 {
            let length = Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: documentOffset, as: Int32.self)))
            offset = documentOffset + 4
            end = length >= 5 && length <= buffer.count - documentOffset ? documentOffset + length - 1 : offset
        } else {
            offset = 0
            end = 0
        }
    }

    /// The next element's key bytes and position, or `nil` at the end (or at malformed bytes).
    @inlinable
    public mutating func next() -> (key: UnsafeRawBufferPointer, element: RawElement)? {
        guard offset < end, let base else { return nil }
        let keyStart = offset + 1
        guard let element = nextElement() else { return nil }
        return (UnsafeRawBufferPointer(start: base + keyStart, count: element.valueOffset - keyStart - 1), element)
    }

    /// The next element's position (its key skipped), or `nil` at the end (or at malformed bytes).
    @inlinable
    public mutating func nextElement() -> RawElement? {
        guard offset < end, let base else { return nil }
        let typeByte = base.load(fromByteOffset: offset, as: UInt8.self)
        var valueOffset = offset + 1
        while valueOffset < end && base.load(fromByteOffset: valueOffset, as: UInt8.self) != 0 { valueOffset += 1 }
        valueOffset += 1
        guard valueOffset <= end, let type = BSONType(rawValue: typeByte),
            let length = RawElementFinder.valueLength(typeByte, at: valueOffset, limit: end, base)
        else {
            offset = end
            return nil
        }
        offset = valueOffset + length
        return RawElement(type: type, valueOffset: valueOffset, valueLength: length)
    }
}

/// Field lookup in encoded documents.
public enum RawElementFinder {
    /// Finds the first element whose key equals `key` in the document at `documentOffset`.
    ///
    /// Keys are compared byte by byte, including the terminating NUL, so a mismatch usually costs one or two
    /// byte comparisons and a short scan to the key's end.
    @inlinable
    public static func find(
        _ key: UnsafeRawBufferPointer,
        inDocumentAt documentOffset: Int,
        of buffer: UnsafeRawBufferPointer
    ) -> RawElement? {
        guard let base = buffer.baseAddress, documentOffset >= 0, buffer.count - documentOffset >= 5 else {
            return nil
        }
        let length = Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: documentOffset, as: Int32.self)))
        guard length >= 5, length <= buffer.count - documentOffset else { return nil }
        let end = documentOffset + length - 1
        let keyCount = key.count
        var offset = documentOffset + 4
        while offset < end {
            let typeByte = base.load(fromByteOffset: offset, as: UInt8.self)
            let keyStart = offset + 1
            var matched = false
            if end - keyStart > keyCount && base.load(fromByteOffset: keyStart + keyCount, as: UInt8.self) == 0 {
                matched = true
                var i = 0
                while i < keyCount {
                    if base.load(fromByteOffset: keyStart + i, as: UInt8.self)
                        != key.baseAddress.unsafelyUnwrapped.load(fromByteOffset: i, as: UInt8.self)
                    {
                        matched = false
                        break
                    }
                    i += 1
                }
            }
            var valueOffset: Int
            if matched {
                valueOffset = keyStart + keyCount + 1
            } else {
                valueOffset = keyStart
                while valueOffset < end && base.load(fromByteOffset: valueOffset, as: UInt8.self) != 0 {
                    valueOffset += 1
                }
                guard valueOffset < end else { return nil }
                valueOffset += 1
            }
            guard let valueLength = valueLength(typeByte, at: valueOffset, limit: end, base) else { return nil }
            if matched {
                guard let type = BSONType(rawValue: typeByte) else { return nil }
                return RawElement(type: type, valueOffset: valueOffset, valueLength: valueLength)
            }
            offset = valueOffset + valueLength
        }
        return nil
    }

    /// Follows a dotted path from the document at `documentOffset`: document components by key, array
    /// components by index. This is plain navigation; MongoDB's implicit traversal of arrays is the query
    /// engine's path walker.
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
                found = element(at: index, inArrayAt: containerOffset, of: buffer)
            default:
                return nil
            }
            guard let element = found else { return nil }
            containerType = element.type
            containerOffset = element.valueOffset
        }
        return found
    }

    /// The element at position `index` of the array (or document) at `arrayOffset`.
    @inlinable
    public static func element(at index: Int, inArrayAt arrayOffset: Int, of buffer: UnsafeRawBufferPointer)
        -> RawElement?
    {
        var cursor = RawElementCursor(buffer: buffer, documentOffset: arrayOffset)
        var i = 0
        while let element = cursor.nextElement() {
            if i == index { return element }
            i += 1
        }
        return nil
    }

    /// Decodes one element's value; `nil` if its bytes are invalid.
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

    /// The length of the value with type byte `type` at `offset`, or `nil` if it is malformed or does not fit
    /// before `limit`.
    @inlinable
    public static func valueLength(_ type: UInt8, at offset: Int, limit: Int, _ base: UnsafeRawPointer) -> Int? {
        @inline(__always) func int32(_ at: Int) -> Int? {
            guard limit - at >= 4 else { return nil }
            return Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: at, as: Int32.self)))
        }
        let length: Int
        switch type {
        case 0x01, 0x09, 0x11, 0x12: length = 8
        case 0x10: length = 4
        case 0x08: length = 1
        case 0x07: length = 12
        case 0x13: length = 16
        case 0x06, 0x0A, 0xFF, 0x7F: length = 0
        case 0x02, 0x0D, 0x0E:
            guard let n = int32(offset), n >= 1 else { return nil }
            length = 4 + n
        case 0x03, 0x04, 0x0F:
            guard let n = int32(offset), n >= 5 else { return nil }
            length = n
        case 0x05:
            guard let n = int32(offset), n >= 0 else { return nil }
            length = 5 + n
        case 0x0C:
            guard let n = int32(offset), n >= 1 else { return nil }
            length = 4 + n + 12
        case 0x0B:
            var i = offset
            var terminators = 0
            while i < limit {
                if base.load(fromByteOffset: i, as: UInt8.self) == 0 {
                    terminators += 1
                    if terminators == 2 { break }
                }
                i += 1
            }
            guard terminators == 2 else { return nil }
            length = i + 1 - offset
        default:
            return nil
        }
        return length >= 0 && length <= limit - offset ? length : nil
    }
}

extension RawDocument {
    /// Decodes only the top-level fields whose key `isIncluded` accepts, in order (duplicates kept).
    ///
    /// A projection that returns three fields of a large document decodes those three and skips the rest by their
    /// lengths.
    /// - Throws: ``BSONError`` if a selected value's bytes are invalid.
    public func decodeFields(where isIncluded: (UnsafeRawBufferPointer) -> Bool) throws(BSONError) -> BSONDocument {
        var failure: BSONError?
        let document = bytes.withUnsafeBytes { buffer -> BSONDocument in
            var fields: [BSONDocument.Element] = []
            var cursor = RawElementCursor(buffer: buffer, documentOffset: 0)
            while let (key, element) = cursor.next() {
                guard isIncluded(key) else { continue }
                guard let value = RawElementFinder.decode(element, in: buffer) else {
                    failure = BSONError(.invalidValue, "invalid stored value", byteOffset: element.valueOffset)
                    break
                }
                fields.append((key: String(decoding: key, as: UTF8.self), value: value))
            }
            return BSONDocument(elements: fields)
        }
        if let failure { throw failure }
        return document
    }
}
