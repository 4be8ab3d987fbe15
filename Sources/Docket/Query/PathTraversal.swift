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
                var cursor = RawElementCursor(buffer: buffer, documentOffset: array.valueOffset)
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
        var cursor = RawElementCursor(buffer: buffer, documentOffset: array.valueOffset)
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

/// Field lookup tuned for the matcher: compares the wanted key with each element's key by `memcmp`, including
/// the terminating NUL, so a mismatch usually costs one comparison and one `strlen`.
enum RawFields {
    @inline(__always)
    static func find(
        _ key: UnsafeRawBufferPointer,
        inDocumentAt documentOffset: Int,
        of buffer: UnsafeRawBufferPointer
    ) -> ElementRef? {
        guard let base = buffer.baseAddress, documentOffset >= 0, buffer.count - documentOffset >= 5 else {
            return nil
        }
        let length = Int(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: documentOffset, as: Int32.self)))
        guard length >= 5, length <= buffer.count - documentOffset else { return nil }
        let end = documentOffset + length - 1
        let keyCount = key.count
        var offset = documentOffset + 4
        while offset < end {
            guard let type = BSONType(rawValue: buffer[offset]) else { return nil }
            let keyStart = offset + 1
            let keyLength: Int
            if end - keyStart > keyCount && base.load(fromByteOffset: keyStart + keyCount, as: UInt8.self) == 0
                && (keyCount == 0 || memcmp(base + keyStart, key.baseAddress!, keyCount) == 0)
            {
                keyLength = keyCount
                let valueOffset = keyStart + keyLength + 1
                guard let valueLength = RawElementFinder.valueLength(type, at: valueOffset, limit: end, in: buffer)
                else { return nil }
                return ElementRef(type: type, valueOffset: valueOffset, valueLength: valueLength)
            }
            guard let nul = memchr(base + keyStart, 0, end - keyStart) else { return nil }
            keyLength = UnsafeRawPointer(nul) - (base + keyStart)
            let valueOffset = keyStart + keyLength + 1
            guard let valueLength = RawElementFinder.valueLength(type, at: valueOffset, limit: end, in: buffer) else {
                return nil
            }
            offset = valueOffset + valueLength
        }
        return nil
    }
}

/// The type and position of one encoded element (the matcher's own copy of `RawElement`, which it builds while
/// scanning keys).
struct ElementRef: Sendable {
    let type: BSONType
    let valueOffset: Int
    let valueLength: Int

    init(type: BSONType, valueOffset: Int, valueLength: Int) {
        self.type = type
        self.valueOffset = valueOffset
        self.valueLength = valueLength
    }

    init(_ element: RawElement) {
        self.init(type: element.type, valueOffset: element.valueOffset, valueLength: element.valueLength)
    }
}

extension RawElementCursor {
    /// The next element's position, without its key.
    @inline(__always)
    mutating func nextElement() -> ElementRef? {
        guard let (_, element) = next() else { return nil }
        return ElementRef(element)
    }
}
