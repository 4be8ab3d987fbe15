#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension BSONDocument {
    /// Encodes the document as BSON.
    ///
    /// One pass writes into a scratch buffer (on the stack for documents up to 1 KiB) that grows on demand, with
    /// length prefixes back-patched; the result is then copied into an array of exactly the encoded size, so the
    /// output is allocated once and holds no spare capacity.
    /// - Throws: ``BSONError`` (`.invalidValue`) if a key, regex pattern or regex options contain a NUL byte,
    ///   which BSON cannot represent.
    public func bsonBytes() throws(BSONError) -> [UInt8] {
        try withEncodedBytes { encoded in
            [UInt8](unsafeUninitializedCapacity: encoded.count) { buffer, initialized in
                if let source = encoded.baseAddress, encoded.count > 0 {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source, byteCount: encoded.count)
                }
                initialized = encoded.count
            }
        }
    }

    /// Encodes the document and reports the level of its deepest field, as MongoDB counts levels for storage
    /// (top-level fields are level 1; the fields of a level-`n` document or array are level `n + 1`).
    ///
    /// The engine checks MongoDB's nesting limit for stored documents with it, at no extra pass.
    /// - Throws: as ``bsonBytes()``.
    package func bsonBytesAndFieldLevel() throws(BSONError) -> (bytes: [UInt8], deepestFieldLevel: Int) {
        var level = 0
        let bytes = try withEncodedBytes(fieldLevel: &level) { encoded in
            [UInt8](unsafeUninitializedCapacity: encoded.count) { buffer, initialized in
                if let source = encoded.baseAddress, encoded.count > 0 {
                    UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: source, byteCount: encoded.count)
                }
                initialized = encoded.count
            }
        }
        return (bytes, level)
    }

    /// Appends the document's BSON encoding to `output`.
    /// - Throws: ``BSONError`` as ``bsonBytes()`` does; `output` is unchanged on error.
    public func appendBSON(to output: inout [UInt8]) throws(BSONError) {
        try withEncodedBytes { output.append(contentsOf: $0) }
    }

    /// Encodes the document in one pass into a scratch buffer (on the stack up to 1 KiB, growing on the heap
    /// beyond) and passes the encoded bytes to `body`, which must not keep them.
    private func withEncodedBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) throws(BSONError) -> R {
        var level = 0
        return try withEncodedBytes(fieldLevel: &level, body)
    }

    private func withEncodedBytes<R>(fieldLevel: inout Int, _ body: (UnsafeRawBufferPointer) -> R) throws(BSONError)
        -> R
    {
        let result: Result<(R, Int), BSONError> = withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 16) {
            scratch in
            var writer = BSONGrowingWriter(scratch: scratch)
            defer { writer.releaseHeap() }
            do throws(BSONError) {
                try writer.writeDocument(self)
            } catch {
                return .failure(error)
            }
            return .success(
                (body(UnsafeRawBufferPointer(start: writer.base, count: writer.offset)), writer.deepestFieldLevel))
        }
        let (value, level) = try result.get()
        fieldLevel = level
        return value
    }

    /// The number of bytes of the document's BSON encoding.
    /// - Throws: ``BSONError`` if the document cannot be encoded (a NUL byte in a key or regex).
    public func encodedSize() throws(BSONError) -> Int {
        try encodedSize(depth: 0)
    }

    func encodedSize(depth: Int) throws(BSONError) -> Int {
        guard depth <= BSONLimits.maximumDepth else { throw BSONLimits.depthError() }
        var size = 5
        for (key, value) in fields {
            size += try keySize(key) + value.encodedValueSize(depth: depth)
        }
        return size
    }
}

@inline(__always) private func keySize(_ key: String) throws(BSONError) -> Int {
    var key = key
    let hasNul = key.withUTF8 { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }
    if hasNul { throw BSONError(.invalidValue, "BSON keys cannot contain a NUL byte: \(key.debugDescription)") }
    return 2 + key.utf8.count  // type byte, key, NUL
}

@inline(__always) private func cStringSize(_ s: String, _ what: String) throws(BSONError) -> Int {
    var s = s
    let hasNul = s.withUTF8 { $0.count > 0 && memchr($0.baseAddress!, 0, $0.count) != nil }
    if hasNul { throw BSONError(.invalidValue, "a BSON \(what) cannot contain a NUL byte") }
    return s.utf8.count + 1
}

extension BSONValue {
    /// Writes this value's encoding (without the element's type byte and key) at the start of `buffer`.
    ///
    /// This lets a caller splice a value into encoded bytes without building a document around it:
    ///
    /// ```swift
    /// let size = try value.encodedValueSize()
    /// var bytes = [UInt8](repeating: 0, count: size)
    /// bytes.withUnsafeMutableBytes { _ = try! value.writeEncodedValue(into: $0) }
    /// ```
    /// - Returns: the number of bytes written, ``encodedValueSize()``.
    /// - Throws: ``BSONError`` (`.invalidValue`) if the value cannot be encoded (a NUL byte in a key or regex);
    ///   nothing is written then.
    /// - Precondition: `buffer` holds at least ``encodedValueSize()`` bytes.
    public func writeEncodedValue(into buffer: UnsafeMutableRawBufferPointer) throws(BSONError) -> Int {
        let size = try encodedValueSize()
        precondition(buffer.count >= size, "writeEncodedValue: the buffer holds \(buffer.count) of \(size) bytes")
        guard size > 0, let base = buffer.baseAddress else { return size }
        // The writer reserves a little ahead of what it writes, so it writes into its own scratch space (on the
        // stack for small values) and the bytes are then copied into the caller's buffer.
        let result: Result<Void, BSONError> = withUnsafeTemporaryAllocation(byteCount: 256, alignment: 16) {
            scratch in
            var writer = BSONGrowingWriter(scratch: scratch)
            defer { writer.releaseHeap() }
            do throws(BSONError) {
                try writer.writeValue(self)
            } catch {
                return .failure(error)
            }
            precondition(writer.offset == size, "BSON size computation and writer disagree")
            base.copyMemory(from: writer.base, byteCount: size)
            return .success(())
        }
        try result.get()
        return size
    }

    /// The number of bytes of this value's encoding, without the element's type byte and key.
    /// - Throws: ``BSONError`` (`.invalidValue`) if the value cannot be encoded (a NUL byte in a key or regex).
    public func encodedValueSize() throws(BSONError) -> Int {
        try encodedValueSize(depth: 0)
    }

    /// The encoded size of a value held by a container at `depth` (the top-level document is depth 0).
    func encodedValueSize(depth: Int) throws(BSONError) -> Int {
        switch self {
        case .double, .datetime, .int64, .timestamp: return 8
        case .string(let s), .javascript(let s), .symbol(let s): return 5 + s.utf8.count
        case .document(let d): return try d.encodedSize(depth: depth + 1)
        case .array(let a):
            guard depth < BSONLimits.maximumDepth else { throw BSONLimits.depthError() }
            var size = 5
            for (i, v) in a.enumerated() { size += 2 + decimalDigits(i) + (try v.encodedValueSize(depth: depth + 1)) }
            return size
        case .binary(let b): return 5 + b.bytes.count + (b.subtype == .binaryOld ? 4 : 0)
        case .undefined, .null, .minKey, .maxKey: return 0
        case .objectID: return 12
        case .bool: return 1
        case .regex(let r): return try cStringSize(r.pattern, "regex pattern") + cStringSize(r.options, "regex options")
        case .dbPointer(let p): return 5 + p.namespace.utf8.count + 12
        case .javascriptWithScope(let c): return 4 + 5 + c.code.utf8.count + (try c.scope.encodedSize(depth: depth + 1))
        case .int32: return 4
        case .decimal128: return 16
        }
    }
}

@inline(__always) private func decimalDigits(_ i: Int) -> Int {
    var n = 1
    var v = i
    while v >= 10 {
        v /= 10
        n += 1
    }
    return n
}

/// Writes BSON in one pass into memory that grows on demand; lengths are back-patched.
///
/// It starts in a caller-provided scratch buffer and moves to the heap (doubling) when that is too small. Keys and
/// C strings are checked for NUL bytes while they are copied.
struct BSONGrowingWriter {
    private(set) var base: UnsafeMutableRawPointer
    private var capacity: Int
    private var onHeap = false
    var offset = 0
    /// The nesting depth of the container being written (the top-level document is 0). Checked before each
    /// recursion, so a document nested deeper than ``BSONLimits/maximumDepth`` is refused instead of exhausting the
    /// stack, and whatever the writer produces the reader accepts.
    private var depth = -1
    /// The level of the deepest field written (top-level fields are level 1), MongoDB's storage nesting measure.
    private(set) var deepestFieldLevel = 0

    init(scratch: UnsafeMutableRawBufferPointer) {
        base = scratch.baseAddress!
        capacity = scratch.count
    }

    /// Frees the heap buffer, if the writer moved to one.
    mutating func releaseHeap() {
        if onHeap { base.deallocate() }
        onHeap = false
    }

    @inline(__always) private mutating func reserve(_ n: Int) {
        if capacity - offset < n { grow(n) }
    }

    @inline(never) private mutating func grow(_ n: Int) {
        var newCapacity = capacity * 2
        while newCapacity - offset < n { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: offset)
        if onHeap { base.deallocate() }
        base = newBase
        capacity = newCapacity
        onHeap = true
    }

    @inline(__always) private mutating func byte(_ b: UInt8) {
        reserve(1)
        base.storeBytes(of: b, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always) private mutating func int32(_ v: Int32) {
        reserve(4)
        base.storeBytes(of: v.littleEndian, toByteOffset: offset, as: Int32.self)
        offset += 4
    }

    @inline(__always) private mutating func uint64(_ v: UInt64) {
        reserve(8)
        base.storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
    }

    @inline(__always) private mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        reserve(bytes.count)
        if let src = bytes.baseAddress, bytes.count > 0 {
            (base + offset).copyMemory(from: src, byteCount: bytes.count)
        }
        offset += bytes.count
    }

    /// Copies `utf8` and a terminating NUL; returns `false` (having written garbage past `offset`, which the caller
    /// abandons) if `utf8` contains a NUL byte.
    @inline(__always) private mutating func cString(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = utf8.count
        reserve(count + 1)
        let out = base + offset
        if count <= 16 {
            // Short keys: copy and check byte by byte (cheaper than memchr + memcpy calls).
            var nul = false
            for i in 0..<count {
                let b = utf8[i]
                nul = nul || b == 0
                out.storeBytes(of: b, toByteOffset: i, as: UInt8.self)
            }
            if nul { return false }
        } else if count > 0 {
            let src = utf8.baseAddress!
            if memchr(src, 0, count) != nil { return false }
            out.copyMemory(from: src, byteCount: count)
        }
        out.storeBytes(of: 0, toByteOffset: count, as: UInt8.self)
        offset += count + 1
        return true
    }

    @inline(__always) private mutating func key(_ key: String) throws(BSONError) {
        var key = key
        let ok = key.withUTF8 { cString($0) }
        if !ok { throw BSONError(.invalidValue, "BSON keys cannot contain a NUL byte: \(key.debugDescription)") }
    }

    @inline(__always) private mutating func cString(_ s: String, _ what: String) throws(BSONError) {
        var s = s
        let ok = s.withUTF8 { cString($0) }
        if !ok { throw BSONError(.invalidValue, "a BSON \(what) cannot contain a NUL byte") }
    }

    @inline(__always) private mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            reserve(utf8.count + 5)
            base.storeBytes(of: Int32(utf8.count + 1).littleEndian, toByteOffset: offset, as: Int32.self)
            if utf8.count > 0 { (base + offset + 4).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count) }
            base.storeBytes(of: 0, toByteOffset: offset + 4 + utf8.count, as: UInt8.self)
            offset += utf8.count + 5
        }
    }

    @inline(__always) private mutating func patchLength(from start: Int) {
        base.storeBytes(of: Int32(offset - start).littleEndian, toByteOffset: start, as: Int32.self)
    }

    mutating func writeDocument(_ document: BSONDocument) throws(BSONError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= BSONLimits.maximumDepth else { throw BSONLimits.depthError() }
        if !document.isEmpty && depth >= deepestFieldLevel { deepestFieldLevel = depth + 1 }
        let start = offset
        int32(0)
        for i in document.fields.indices {
            byte(document.fields[i].value.type.rawValue)
            try key(document.fields[i].key)
            try writeValue(document.fields[i].value)
        }
        byte(0)
        patchLength(from: start)
    }

    private mutating func writeArray(_ array: [BSONValue]) throws(BSONError) {
        depth += 1
        defer { depth -= 1 }
        guard depth <= BSONLimits.maximumDepth else { throw BSONLimits.depthError() }
        if !array.isEmpty && depth >= deepestFieldLevel { deepestFieldLevel = depth + 1 }
        let start = offset
        int32(0)
        for i in array.indices {
            byte(array[i].type.rawValue)
            writeIndexKey(i)
            try writeValue(array[i])
        }
        byte(0)
        patchLength(from: start)
    }

    @inline(__always) private mutating func writeIndexKey(_ i: Int) {
        reserve(21)
        if i < 10 {
            base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(i), toByteOffset: offset, as: UInt8.self)
            offset += 1
        } else {
            let digits = decimalDigits(i)
            var v = i
            for k in stride(from: digits - 1, through: 0, by: -1) {
                base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(v % 10), toByteOffset: offset + k, as: UInt8.self)
                v /= 10
            }
            offset += digits
        }
        base.storeBytes(of: 0, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    mutating func writeValue(_ value: BSONValue) throws(BSONError) {
        switch value {
        case .double(let d): uint64(d.bitPattern)
        case .string(let s), .javascript(let s), .symbol(let s): string(s)
        case .document(let d): try writeDocument(d)
        case .array(let a): try writeArray(a)
        case .binary(let b):
            if b.subtype == .binaryOld {
                int32(Int32(b.bytes.count + 4))
                byte(b.subtype.rawValue)
                int32(Int32(b.bytes.count))
            } else {
                int32(Int32(b.bytes.count))
                byte(b.subtype.rawValue)
            }
            b.bytes.withUnsafeBytes { raw($0) }
        case .undefined, .null, .minKey, .maxKey: break
        case .objectID(let o): objectID(o)
        case .bool(let b): byte(b ? 1 : 0)
        case .datetime(let d): uint64(UInt64(bitPattern: d))
        case .regex(let r):
            try cString(r.pattern, "regex pattern")
            try cString(r.options, "regex options")
        case .dbPointer(let p):
            string(p.namespace)
            objectID(p.id)
        case .javascriptWithScope(let c):
            let start = offset
            int32(0)
            string(c.code)
            try writeDocument(c.scope)
            patchLength(from: start)
        case .int32(let i): int32(i)
        case .timestamp(let t): uint64(t.rawValue)
        case .int64(let i): uint64(UInt64(bitPattern: i))
        case .decimal128(let d):
            uint64(d.low)
            uint64(d.high)
        }
    }

    @inline(__always) private mutating func objectID(_ o: ObjectID) {
        reserve(12)
        base.storeBytes(of: o.high.bigEndian, toByteOffset: offset, as: UInt32.self)
        base.storeBytes(of: o.low.bigEndian, toByteOffset: offset + 4, as: UInt64.self)
        offset += 12
    }
}
