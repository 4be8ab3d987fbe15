// The fast path of the fast path: a single `$set` of an existing static path applied to the stored bytes.
//
// `FastSet` on a `BSONDocument` still costs a full decode and a full encode of the document. Here the path is followed
// through the encoded document (keys compared as bytes, array elements counted), the new value is encoded once,
// and a new byte array is assembled from three pieces: the bytes before the old value (with the element's type byte
// replaced), the new value, and the bytes after it. The length prefix of every document or array enclosing the value
// then grows or shrinks by the size difference. Nothing else changes, so the result is exactly what decoding,
// `FastSet.apply(to:arrayPosition:)` and re-encoding produce (EncodedUpdateTests checks this on seeded random
// documents). Whenever the document path would not take the fast route — a missing component, a scalar in the way,
// a name that is not an index inside an array — this returns `nil` and the caller falls back to it.
//
//     before:  [len][ ... ][type][key\0][old value][ ... ]\0        len  = total size
//     after:   [len'][ ... ][type'][key\0][new value][ ... ]\0      len' = len + (new size - old size), and the same
//                                                                     for each enclosing document or array

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of a `$set` on encoded bytes.
enum EncodedSetOutcome: Sendable {
    /// The field already held an identical value (same type and bytes): MongoDB's no-op.
    case unchanged
    /// The new version of the document.
    case changed(RawDocument)
}

extension FastSet {
    /// Applies the `$set` to an encoded document, or returns `nil` (nothing done) when the document path must decide.
    ///
    /// - Parameters:
    ///   - document: a stored (valid) document.
    ///   - arrayPosition: the array index the query matched, for a `$` component.
    /// - Complexity: O(size of the document): one walk down the path and one copy.
    func apply(toEncoded document: RawDocument, arrayPosition: Int?) -> EncodedSetOutcome? {
        // The offsets of the enclosing containers live on the stack: one per path component.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: components.count) { containers in
            apply(toEncoded: document, arrayPosition: arrayPosition, containers: containers)
        }
    }

    private func apply(
        toEncoded document: RawDocument,
        arrayPosition: Int?,
        containers: UnsafeMutableBufferPointer<Int>
    ) -> EncodedSetOutcome? {
        let bytes = document.bytes
        // Locate the element and the containers that enclose it.
        guard
            let target = bytes.withUnsafeBytes({
                locate(in: $0, arrayPosition: arrayPosition, containers: containers)
            })
        else { return nil }
        // An unencodable value or an oversized result: the document path reports the error.
        guard let newSize = try? value.encodedValueSize() else { return nil }
        let newType = value.type.rawValue
        let oldSize = target.valueLength
        let delta = newSize - oldSize
        let total = bytes.count + delta
        guard total <= maximumDocumentSize else { return nil }

        var unchanged = false
        let result = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            bytes.withUnsafeBytes { old in
                let src = old.baseAddress!
                // The new value goes straight to its final place; then compare it with the old one.
                let valueOut = UnsafeMutableRawBufferPointer(start: base + target.valueOffset, count: newSize)
                _ = try? value.writeEncodedValue(into: valueOut)
                if delta == 0 && old[target.typeOffset] == newType
                    && (newSize == 0 || memcmp(src + target.valueOffset, base + target.valueOffset, newSize) == 0)
                {
                    unchanged = true
                    initialized = 0
                    return
                }
                // Prefix (through the key), then the suffix after the old value.
                base.copyMemory(from: src, byteCount: target.valueOffset)
                base.storeBytes(of: newType, toByteOffset: target.typeOffset, as: UInt8.self)
                let suffixStart = target.valueOffset + oldSize
                (base + target.valueOffset + newSize).copyMemory(
                    from: src + suffixStart, byteCount: bytes.count - suffixStart)
            }
            if unchanged { return }
            // Every enclosing document and array grows by `delta`.
            for containerOffset in containers[0..<target.containerCount] {
                let length = Int32(littleEndian: base.loadUnaligned(fromByteOffset: containerOffset, as: Int32.self))
                base.storeBytes(of: (length + Int32(delta)).littleEndian, toByteOffset: containerOffset, as: Int32.self)
            }
            initialized = total
        }
        if unchanged { return .unchanged }
        return .changed(RawDocument(uncheckedBytes: result))
    }

    /// Where the path's element lies: its type byte, its value, and how many enclosing documents and arrays (the
    /// top-level document first) `locate` recorded.
    private struct Location {
        var typeOffset: Int
        var valueOffset: Int
        var valueLength: Int
        /// The number of entries of `containers` in use.
        var containerCount: Int
    }

    /// Follows the path as `FastSet.apply(to:arrayPosition:)` does on a decoded document.
    private func locate(
        in buffer: UnsafeRawBufferPointer,
        arrayPosition: Int?,
        containers: UnsafeMutableBufferPointer<Int>
    ) -> Location? {
        guard let base = buffer.baseAddress else { return nil }
        var containerOffset = 0
        var containerIsArray = false
        for (k, component) in components.enumerated() {
            containers[k] = containerOffset
            var cursor = RawElementCursor(buffer: buffer, documentOffset: containerOffset)
            var found: (key: UnsafeRawBufferPointer, element: RawElement)?
            if containerIsArray {
                let index: Int
                switch component {
                case .name(let name):
                    guard let i = UpdatePath.arrayIndex(name) else { return nil }
                    index = i
                case .positional:
                    guard let arrayPosition else { return nil }
                    index = arrayPosition
                }
                var i = 0
                while let next = cursor.next() {
                    if i == index {
                        found = next
                        break
                    }
                    i += 1
                }
            } else {
                var name: String
                switch component {
                case .name(let n): name = n
                case .positional:
                    guard let arrayPosition else { return nil }
                    name = String(arrayPosition)
                }
                found = name.withUTF8 { key in
                    while let next = cursor.next() {
                        if next.key.count == key.count
                            && (key.count == 0 || memcmp(next.key.baseAddress!, key.baseAddress!, key.count) == 0)
                        {
                            return next
                        }
                    }
                    return nil
                }
            }
            guard let (key, element) = found else { return nil }
            if k == components.count - 1 {
                return Location(
                    typeOffset: key.baseAddress! - base - 1,
                    valueOffset: element.valueOffset,
                    valueLength: element.valueLength,
                    containerCount: k + 1
                )
            }
            switch element.type {
            case .document: containerIsArray = false
            case .array: containerIsArray = true
            default: return nil
            }
            containerOffset = element.valueOffset
        }
        return nil
    }
}
