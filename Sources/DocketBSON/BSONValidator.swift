#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Validation of BSON bytes without building values.
///
/// The validator walks a document exactly as ``BSONDocument/init(bsonBuffer:options:baseOffset:)`` does and applies
/// the same checks in the same order, so it accepts exactly the inputs the decoder accepts and throws the same
/// error for the others; it only skips making `String`s, arrays and documents, and so allocates nothing.
///
/// ```swift
/// try bytes.withUnsafeBytes { try BSONValidator.validate($0) }
/// ```
public enum BSONValidator {
    /// Validates one BSON document that fills `buffer` exactly.
    ///
    /// Validation covers every length prefix, terminator and boolean, UTF-8 in keys and strings, the nesting
    /// depth and the size limit.
    /// - Parameter baseOffset: added to byte offsets in errors (the buffer's position in a larger input).
    /// - Throws: ``BSONError`` with the byte offset of the problem: the error `BSONDocument(bsonBuffer:)` throws.
    public static func validate(
        _ buffer: UnsafeRawBufferPointer,
        options: BSONReaderOptions = .default,
        baseOffset: Int = 0
    ) throws(BSONError) {
        let reader = BSONByteReader(buffer: buffer, baseOffset: baseOffset, options: options)
        let length = try reader.checkTopLevelLength(at: 0)
        guard length == buffer.count else {
            throw reader.error(
                .trailingBytes,
                "document length \(length) differs from the \(buffer.count) bytes given",
                at: 0
            )
        }
        _ = try reader.validateDocument(at: 0, limit: buffer.count, depth: 0, isArray: false)
    }

    /// Validates one BSON document that fills `bytes` exactly.
    /// - Throws: ``BSONError`` as ``validate(_:options:baseOffset:)`` does.
    public static func validate(_ bytes: [UInt8], options: BSONReaderOptions = .default) throws(BSONError) {
        let failure = bytes.withUnsafeBytes { buffer -> BSONError? in
            do throws(BSONError) {
                try validate(buffer, options: options)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }
}

extension BSONByteReader {
    /// Validates a document (or an array, whose messages differ) at `offset` that must end by `limit`; returns
    /// the offset after it. Mirrors `readDocument(at:limit:depth:)` and `readArray(at:limit:depth:)`.
    func validateDocument(at offset: Int, limit: Int, depth: Int, isArray: Bool) throws(BSONError) -> Int {
        let end = try documentBounds(at: offset, limit: limit, depth: depth)
        var p = offset + 4
        while p < end {
            let typeOffset = p
            let typeByte = byte(p)
            guard typeByte != 0 else {
                throw error(
                    .invalidLength,
                    isArray ? "array terminated before its length" : "document terminated before its length",
                    at: p
                )
            }
            let valueOffset =
                isArray ? try skipCString(at: p + 1, limit: end) : try validateCString(at: p + 1, limit: end)
            p = try validateValue(typeByte, typeOffset: typeOffset, at: valueOffset, limit: end, depth: depth)
        }
        return end + 1
    }

    /// Checks a NUL-terminated key or C string as `readCString(at:limit:)` does; returns the offset after it.
    @inline(__always) func validateCString(at offset: Int, limit: Int) throws(BSONError) -> Int {
        guard let (length, isASCII) = scanCString(at: offset, limit: limit) else {
            throw error(.missingTerminator, "string is not terminated by a NUL byte", at: offset)
        }
        guard isASCII || validateUTF8(UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + offset, count: length))
        else { throw error(.invalidUTF8, "invalid UTF-8 in a key or C string", at: offset) }
        return offset + length + 1
    }

    /// Checks a length-prefixed string as `readString(at:limit:)` does; returns the offset after it.
    @inline(__always) func validateString(at offset: Int, limit: Int) throws(BSONError) -> Int {
        let end = try stringEnd(at: offset, limit: limit)
        guard validateUTF8(UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + offset + 4, count: end - offset - 4))
        else { throw error(.invalidUTF8, "invalid UTF-8 in a string", at: offset + 4) }
        return end + 1
    }

    /// Checks the value of an element as `readValue(_:typeOffset:at:limit:depth:)` does; returns the offset
    /// after it.
    func validateValue(
        _ typeByte: UInt8,
        typeOffset: Int,
        at p: Int,
        limit: Int,
        depth: Int
    ) throws(BSONError) -> Int {
        switch typeByte {
        case 0x01:
            try need(8, at: p, limit: limit, "double")
            return p + 8
        case 0x02, 0x0D, 0x0E:
            return try validateString(at: p, limit: limit)
        case 0x03:
            return try validateDocument(at: p, limit: limit, depth: depth + 1, isArray: false)
        case 0x04:
            return try validateDocument(at: p, limit: limit, depth: depth + 1, isArray: true)
        case 0x05:
            return try binaryEnd(at: p, limit: limit)
        case 0x06, 0x0A, 0x7F, 0xFF:
            return p
        case 0x07:
            try need(12, at: p, limit: limit, "ObjectId")
            return p + 12
        case 0x08:
            try need(1, at: p, limit: limit, "boolean")
            guard byte(p) <= 1 else { throw error(.invalidBoolean, "boolean byte is \(byte(p)), not 0 or 1", at: p) }
            return p + 1
        case 0x09:
            try need(8, at: p, limit: limit, "datetime")
            return p + 8
        case 0x0B:
            let afterPattern = try validateCString(at: p, limit: limit)
            return try validateCString(at: afterPattern, limit: limit)
        case 0x0C:
            let afterNamespace = try validateString(at: p, limit: limit)
            try need(12, at: afterNamespace, limit: limit, "DBPointer id")
            return afterNamespace + 12
        case 0x0F:
            let (end, scopeOffset) = try codeWithScopeBounds(at: p, limit: limit)
            guard try validateDocument(at: scopeOffset, limit: end, depth: depth + 1, isArray: false) == end else {
                throw error(
                    .invalidLength,
                    "code with scope length \(end - p) disagrees with its contents",
                    at: p
                )
            }
            return end
        case 0x10:
            try need(4, at: p, limit: limit, "int32")
            return p + 4
        case 0x11:
            try need(8, at: p, limit: limit, "timestamp")
            return p + 8
        case 0x12:
            try need(8, at: p, limit: limit, "int64")
            return p + 8
        case 0x13:
            try need(16, at: p, limit: limit, "decimal128")
            return p + 16
        default:
            throw error(.invalidType, "unknown BSON element type 0x\(String(typeByte, radix: 16))", at: typeOffset)
        }
    }

    /// Checks a code-with-scope value's length and code string as `readCodeWithScope(at:limit:depth:)` does;
    /// returns the end of the value and the offset of its scope document.
    func codeWithScopeBounds(at p: Int, limit: Int) throws(BSONError) -> (end: Int, scopeOffset: Int) {
        try need(4, at: p, limit: limit, "code with scope length")
        let total = Int(int32(p))
        guard total >= 14 else {
            throw error(.invalidLength, "code with scope length \(total) is less than the minimum 14", at: p)
        }
        guard total <= limit - p else {
            throw error(.invalidLength, "code with scope length \(total) overruns its container", at: p)
        }
        let end = p + total
        return (end, try validateString(at: p + 4, limit: end))
    }
}
