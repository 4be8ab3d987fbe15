import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A specialised plan for the commonest filter, equality of a top-level field with a string (`{email: "…"}`).
///
/// The key (with its terminating NUL) and the expected value (as encoded: int32 length including the NUL, the
/// bytes, the NUL) sit in one allocation owned by this object, so a scan compares raw memory with no reference
/// counting and no calls outside this module. It answers only when the field is missing or is not an array or
/// a symbol; otherwise the general tree decides (MongoDB's array traversal and string/symbol equality).
final class TopLevelStringEquality: Sendable {
    // Immutable after init; freed in deinit.
    nonisolated(unsafe) private let storage: UnsafeMutableRawBufferPointer
    private let keyCount: Int
    private let valueCount: Int

    init(key: [UInt8], value: [UInt8]) {
        keyCount = key.count + 1
        valueCount = value.count + 5
        storage = .allocate(byteCount: keyCount + valueCount, alignment: 8)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        storage.copyBytes(from: key)
        withUnsafeBytes(of: Int32(value.count + 1).littleEndian) {
            UnsafeMutableRawBufferPointer(rebasing: storage[keyCount..<keyCount + 4]).copyMemory(from: $0)
        }
        UnsafeMutableRawBufferPointer(rebasing: storage[keyCount + 4..<keyCount + 4 + value.count]).copyBytes(
            from: value)
    }

    deinit { storage.deallocate() }

    /// `true`/`false` when the plan decides, `nil` when the general matcher must.
    @inline(__always)
    func matches(_ buffer: UnsafeRawBufferPointer) -> Bool? {
        guard let base = buffer.baseAddress, buffer.count >= 5 else { return nil }
        let key = UnsafeRawPointer(storage.baseAddress.unsafelyUnwrapped)
        let length = Int(Int32(littleEndian: base.loadUnaligned(as: Int32.self)))
        guard length >= 5, length <= buffer.count else { return nil }
        let end = length - 1
        var offset = 4
        let first = key.load(as: UInt8.self)
        while offset < end {
            let typeByte = base.load(fromByteOffset: offset, as: UInt8.self)
            let keyStart = offset + 1
            if end - keyStart >= keyCount && base.load(fromByteOffset: keyStart, as: UInt8.self) == first
                && memcmp(base + keyStart, key, keyCount) == 0
            {
                let valueOffset = keyStart + keyCount
                switch typeByte {
                case 0x02:
                    guard end - valueOffset >= valueCount else { return false }
                    return memcmp(base + valueOffset, key + keyCount, valueCount) == 0
                case 0x04, 0x0E: return nil
                default: return false
                }
            }
            var valueOffset = keyStart
            while valueOffset < end && base.load(fromByteOffset: valueOffset, as: UInt8.self) != 0 { valueOffset += 1 }
            valueOffset += 1
            guard valueOffset <= end,
                let valueLength = RawElementFinder.valueLength(typeByte, at: valueOffset, limit: end, base)
            else { return nil }
            offset = valueOffset + valueLength
        }
        return false
    }

    /// The plan for `node`, when it has the shape this plan handles.
    static func make(for node: FilterNode) -> TopLevelStringEquality? {
        guard case .leaf(let path, .comparison(let predicate)) = node, predicate.kind == .eq,
            path.components.count == 1, case .string(let bytes) = predicate.operand.fast,
            case .string = predicate.operand.value
        else { return nil }
        return TopLevelStringEquality(key: path.components[0].utf8, value: bytes)
    }
}
