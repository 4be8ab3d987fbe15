import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MongoDB's path traversal for query predicates, evaluated on encoded documents.
//
// A filter path such as `teams.role` generates zero or more candidate elements from a document; a predicate
// matches when it matches one of them (MongoDB's `BSONElementIterator`):
//
// - Embedded documents are followed by field name until the path ends, a field is missing (the candidate is
//   "missing"), a scalar is met before the path ends (the candidate is "missing") or an array is met.
// - At an array that ends the path ("leaf array"), each element is a candidate (with its index as array
//   position), then the whole array is. `$size` and `$elemMatch` see only the whole array.
// - At an array in the middle of the path, each element that is a document continues the rest of the path
//   (the candidate's array position is this element's index: the outermost array wins). When the next
//   component is a number `n`, element `n` also continues the path after that component: it is the
//   candidate itself when the path ends there, or (when it is an array) its elements are traversed one more
//   level. Other elements generate nothing; nested arrays are not traversed implicitly.

/// A filter's dotted path, split once into components for matching encoded documents.
struct FilterPath: Sendable, CustomStringConvertible {
    /// One component: its key bytes and, when it is a decimal number without leading zeros, the array index.
    struct Component: Sendable {
        let key: [UInt8]
        let arrayIndex: Int?
    }

    let components: [Component]
    let dotted: String

    /// Splits `path` at dots. Empty components are allowed (they name fields with empty names), as MongoDB's
    /// `FieldRef` does in filters.
    init(_ path: String) {
        dotted = path
        components = path.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map {
            let bytes = Array($0)
            return Component(key: bytes, arrayIndex: FilterPath.parseIndex(bytes))
        }
    }

    var description: String { dotted }

    private static func parseIndex(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        if bytes.count > 1 && bytes[0] == UInt8(ascii: "0") { return nil }
        var value = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(b &- UInt8(ascii: "0"))
        }
        return value
    }
}

extension FilterPath {
    /// Whether `predicate` matches a candidate element the path generates from the document at `documentOffset`.
    ///
    /// On a match, `position` receives the array position MongoDB records for the positional `$` operator
    /// (its `elemMatchKey`), when there is one.
    @inline(__always)
    func firstMatch(
        _ predicate: LeafPredicate,
        in buffer: UnsafeRawBufferPointer,
        documentAt documentOffset: Int,
        position: inout Int?
    ) -> Bool {
        walk(predicate, from: 0, documentAt: documentOffset, in: buffer, position: &position)
    }

    private func walk(
        _ predicate: LeafPredicate,
        from start: Int,
        documentAt documentOffset: Int,
        in buffer: UnsafeRawBufferPointer,
        position: inout Int?
    ) -> Bool {
        // MongoDB's getFieldDottedOrArray: follow documents until an array, a missing field or the end.
        let count = components.count
        var container = documentOffset
        var index = start
        var element: ElementRef?
        while index < count {
            element = components[index].key.withUnsafeBytes {
                RawFields.find($0, inDocumentAt: container, of: buffer)
            }
            guard let found = element else { break }
            if found.type == .document {
                container = found.valueOffset
                index += 1
                continue
            }
            if found.type != .array && index + 1 < count { element = nil }
            break
        }
        guard let found = element, found.type == .array else {
            return predicate.matches(element, in: buffer, position: &position)
        }
        return walkArray(predicate, found, next: index + 1, in: buffer, position: &position)
    }

    private func walkArray(
        _ predicate: LeafPredicate,
        _ array: ElementRef,
        next: Int,
        in buffer: UnsafeRawBufferPointer,
        position: inout Int?
    ) -> Bool {
        let count = components.count
        if next == count {
            // The path ends at this array.
            if predicate.traversesLeafArrays {
                var cursor = ElementCursor(buffer: buffer, documentOffset: array.valueOffset)
                var i = 0
                while let item = cursor.nextElement() {
                    var inner: Int?
                    if predicate.matches(item, in: buffer, position: &inner) {
                        position = i
                        return true
                    }
                    i += 1
                }
            }
            return predicate.matches(array, in: buffer, position: &position)
        }
        let component = components[next]
        var cursor = ElementCursor(buffer: buffer, documentOffset: array.valueOffset)
        var i = 0
        while let item = cursor.nextElement() {
            if item.type == .document {
                var inner: Int?
                if walk(predicate, from: next, documentAt: item.valueOffset, in: buffer, position: &inner) {
                    position = i
                    return true
                }
            }
            if component.arrayIndex == i {
                if next + 1 == count {
                    if predicate.matches(item, in: buffer, position: &position) { return true }
                } else if item.type == .document {
                    if walk(predicate, from: next + 1, documentAt: item.valueOffset, in: buffer, position: &position) {
                        return true
                    }
                } else if item.type == .array {
                    if walkArray(predicate, item, next: next + 1, in: buffer, position: &position) { return true }
                }
            }
            i += 1
        }
        return false
    }
}

/// Element scanning tuned for the matcher, kept in this module so it inlines: the type byte is mapped and
/// value lengths computed with local switches, and keys are compared byte by byte (they are short), including
/// the terminating NUL, so a mismatch usually costs one or two byte comparisons and a short NUL scan. Every
/// read is bounds-checked against the enclosing document, so malformed input ends the scan instead of
/// reading outside the buffer.
enum RawFields {
    /// Finds the first element whose key equals `key` in the document at `documentOffset`.
    @inline(__always)
    static func find(
        _ key: UnsafeRawBufferPointer,
        inDocumentAt documentOffset: Int,
        of buffer: UnsafeRawBufferPointer
    ) -> ElementRef? {
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
                guard let type = bsonType(typeByte) else { return nil }
                return ElementRef(type: type, valueOffset: valueOffset, valueLength: valueLength)
            }
            offset = valueOffset + valueLength
        }
        return nil
    }

    /// The BSON type of a type byte.
    @inline(__always)
    static func bsonType(_ byte: UInt8) -> BSONType? {
        switch byte {
        case 0x01: .double
        case 0x02: .string
        case 0x03: .document
        case 0x04: .array
        case 0x05: .binary
        case 0x06: .undefined
        case 0x07: .objectID
        case 0x08: .bool
        case 0x09: .datetime
        case 0x0A: .null
        case 0x0B: .regex
        case 0x0C: .dbPointer
        case 0x0D: .javascript
        case 0x0E: .symbol
        case 0x0F: .javascriptWithScope
        case 0x10: .int32
        case 0x11: .timestamp
        case 0x12: .int64
        case 0x13: .decimal128
        case 0xFF: .minKey
        case 0x7F: .maxKey
        default: nil
        }
    }

    /// The length of the value with type byte `type` at `offset`, or `nil` if it does not fit before `limit`.
    @inline(__always)
    static func valueLength(_ type: UInt8, at offset: Int, limit: Int, _ base: UnsafeRawPointer) -> Int? {
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

/// Walks the elements of one encoded document or array (the matcher's inlinable counterpart of
/// `RawElementCursor`).
struct ElementCursor {
    private let base: UnsafeRawPointer?
    private var offset: Int
    private let end: Int

    /// Starts a walk over the document or array whose length prefix is at `documentOffset`.
    @inline(__always)
    init(buffer: UnsafeRawBufferPointer, documentOffset: Int) {
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

    /// The next element's position, or `nil` at the end (or at malformed bytes).
    @inline(__always)
    mutating func nextElement() -> ElementRef? {
        guard offset < end, let base else { return nil }
        let typeByte = base.load(fromByteOffset: offset, as: UInt8.self)
        var valueOffset = offset + 1
        while valueOffset < end && base.load(fromByteOffset: valueOffset, as: UInt8.self) != 0 { valueOffset += 1 }
        valueOffset += 1
        guard valueOffset <= end, let type = RawFields.bsonType(typeByte),
            let length = RawFields.valueLength(typeByte, at: valueOffset, limit: end, base)
        else {
            offset = end
            return nil
        }
        offset = valueOffset + length
        return ElementRef(type: type, valueOffset: valueOffset, valueLength: length)
    }

    /// Whether there is another element, skipping it.
    @inline(__always)
    mutating func skip() -> Bool { nextElement() != nil }
}

/// The type and position of one encoded element (the matcher's own counterpart of `RawElement`).
struct ElementRef: Sendable {
    let type: BSONType
    let valueOffset: Int
    let valueLength: Int
}
