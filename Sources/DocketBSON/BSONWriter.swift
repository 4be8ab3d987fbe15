#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Document {
    /// Encodes the document as BSON.
    ///
    /// The size is computed first, so the output is allocated once and written without capacity checks.
    /// - Throws: ``BSONError`` (`.invalidValue`) if a key, regex pattern or regex options contain a NUL byte,
    ///   which BSON cannot represent.
    public func bsonBytes() throws(BSONError) -> [UInt8] {
        let size = try encodedSize()
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            var writer = BSONBufferWriter(base: UnsafeMutableRawPointer(buffer.baseAddress!))
            writer.writeDocument(self)
            precondition(writer.offset == size, "BSON size computation and writer disagree")
            initialized = size
        }
    }

    /// Appends the document's BSON encoding to `output`.
    /// - Throws: ``BSONError`` as ``bsonBytes()`` does; `output` is unchanged on error.
    public func appendBSON(to output: inout [UInt8]) throws(BSONError) {
        let size = try encodedSize()
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: size))
        output.withUnsafeMutableBytes { buffer in
            var writer = BSONBufferWriter(base: buffer.baseAddress! + start)
            writer.writeDocument(self)
        }
    }

    /// The number of bytes of the document's BSON encoding.
    /// - Throws: ``BSONError`` if the document cannot be encoded (a NUL byte in a key or regex).
    public func encodedSize() throws(BSONError) -> Int {
        var size = 5
        for (key, value) in fields {
            size += try keySize(key) + value.encodedValueSize()
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
        var writer = BSONBufferWriter(base: base)
        writer.writeValue(self)
        precondition(writer.offset == size, "BSON size computation and writer disagree")
        return size
    }

    /// The number of bytes of this value's encoding, without the element's type byte and key.
    /// - Throws: ``BSONError`` (`.invalidValue`) if the value cannot be encoded (a NUL byte in a key or regex).
    public func encodedValueSize() throws(BSONError) -> Int {
        switch self {
        case .double, .datetime, .int64, .timestamp: return 8
        case .string(let s), .javascript(let s), .symbol(let s): return 5 + s.utf8.count
        case .document(let d): return try d.encodedSize()
        case .array(let a):
            var size = 5
            for (i, v) in a.enumerated() { size += 2 + decimalDigits(i) + (try v.encodedValueSize()) }
            return size
        case .binary(let b): return 5 + b.bytes.count + (b.subtype == .binaryOld ? 4 : 0)
        case .undefined, .null, .minKey, .maxKey: return 0
        case .objectID: return 12
        case .bool: return 1
        case .regex(let r): return try cStringSize(r.pattern, "regex pattern") + cStringSize(r.options, "regex options")
        case .dbPointer(let p): return 5 + p.namespace.utf8.count + 12
        case .javascriptWithScope(let c): return 4 + 5 + c.code.utf8.count + (try c.scope.encodedSize())
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

/// Writes BSON into memory whose size was computed beforehand; lengths are back-patched.
struct BSONBufferWriter {
    let base: UnsafeMutableRawPointer
    var offset = 0

    init(base: UnsafeMutableRawPointer) { self.base = base }

    @inline(__always) mutating func byte(_ b: UInt8) {
        base.storeBytes(of: b, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always) mutating func int32(_ v: Int32) {
        base.storeBytes(of: v.littleEndian, toByteOffset: offset, as: Int32.self)
        offset += 4
    }

    @inline(__always) mutating func uint64(_ v: UInt64) {
        base.storeBytes(of: v.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
    }

    @inline(__always) mutating func raw(_ bytes: UnsafeRawBufferPointer) {
        if let src = bytes.baseAddress, bytes.count > 0 {
            (base + offset).copyMemory(from: src, byteCount: bytes.count)
        }
        offset += bytes.count
    }

    @inline(__always) mutating func cString(_ s: String) {
        var s = s
        s.withUTF8 { raw(UnsafeRawBufferPointer($0)) }
        byte(0)
    }

    @inline(__always) mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            int32(Int32(utf8.count + 1))
            raw(UnsafeRawBufferPointer(utf8))
        }
        byte(0)
    }

    mutating func writeDocument(_ document: Document) {
        let start = offset
        offset += 4
        for (key, value) in document.fields {
            byte(value.type.rawValue)
            cString(key)
            writeValue(value)
        }
        byte(0)
        base.storeBytes(of: Int32(offset - start).littleEndian, toByteOffset: start, as: Int32.self)
    }

    mutating func writeArray(_ array: [BSONValue]) {
        let start = offset
        offset += 4
        for (i, value) in array.enumerated() {
            byte(value.type.rawValue)
            writeIndexKey(i)
            writeValue(value)
        }
        byte(0)
        base.storeBytes(of: Int32(offset - start).littleEndian, toByteOffset: start, as: Int32.self)
    }

    @inline(__always) mutating func writeIndexKey(_ i: Int) {
        if i < 10 {
            byte(UInt8(ascii: "0") &+ UInt8(i))
        } else {
            let digits = decimalDigits(i)
            var v = i
            for k in stride(from: digits - 1, through: 0, by: -1) {
                base.storeBytes(of: UInt8(ascii: "0") &+ UInt8(v % 10), toByteOffset: offset + k, as: UInt8.self)
                v /= 10
            }
            offset += digits
        }
        byte(0)
    }

    mutating func writeValue(_ value: BSONValue) {
        switch value {
        case .double(let d): uint64(d.bitPattern)
        case .string(let s), .javascript(let s), .symbol(let s): string(s)
        case .document(let d): writeDocument(d)
        case .array(let a): writeArray(a)
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
        case .objectID(let o):
            base.storeBytes(of: o.high.bigEndian, toByteOffset: offset, as: UInt32.self)
            base.storeBytes(of: o.low.bigEndian, toByteOffset: offset + 4, as: UInt64.self)
            offset += 12
        case .bool(let b): byte(b ? 1 : 0)
        case .datetime(let d): uint64(UInt64(bitPattern: d))
        case .regex(let r):
            cString(r.pattern)
            cString(r.options)
        case .dbPointer(let p):
            string(p.namespace)
            base.storeBytes(of: p.id.high.bigEndian, toByteOffset: offset, as: UInt32.self)
            base.storeBytes(of: p.id.low.bigEndian, toByteOffset: offset + 4, as: UInt64.self)
            offset += 12
        case .javascriptWithScope(let c):
            let start = offset
            offset += 4
            string(c.code)
            writeDocument(c.scope)
            base.storeBytes(of: Int32(offset - start).littleEndian, toByteOffset: start, as: Int32.self)
        case .int32(let i): int32(i)
        case .timestamp(let t): uint64(t.rawValue)
        case .int64(let i): uint64(UInt64(bitPattern: i))
        case .decimal128(let d):
            uint64(d.low)
            uint64(d.high)
        }
    }
}
