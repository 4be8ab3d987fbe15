import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A constant of a filter (the operand of `$eq`, `$gt`, an `$in` member, …), classified once so that comparing
/// it with an encoded element usually reads the element's bytes directly instead of decoding it.
struct Operand: Sendable {
    /// How the operand compares with raw bytes.
    enum Fast: Sendable {
        case int(Int64)
        case double(Double)
        case string([UInt8])
        case objectID([UInt8])
        case bool(Bool)
        case datetime(Int64)
        /// Null, undefined, MinKey, MaxKey: one value per type bracket.
        case unit
        /// Anything else: decode the element and use `BSONValue.compare`.
        case other
    }

    let value: BSONValue
    /// MongoDB's canonical type bracket of the operand.
    let rank: Int
    let fast: Fast
    let isNaN: Bool

    init(_ value: BSONValue) {
        self.value = value
        rank = value.type.canonicalRank
        switch value {
        case .int32(let v):
            fast = .int(Int64(v))
            isNaN = false
        case .int64(let v):
            fast = .int(v)
            isNaN = false
        case .double(let d):
            fast = .double(d)
            isNaN = d.isNaN
        case .decimal128(let d):
            fast = .other
            isNaN = d.isNaN
        case .string(let s), .symbol(let s):
            fast = .string(Array(s.utf8))
            isNaN = false
        case .objectID(let id):
            fast = .objectID(id.bytes)
            isNaN = false
        case .bool(let b):
            fast = .bool(b)
            isNaN = false
        case .datetime(let d):
            fast = .datetime(d)
            isNaN = false
        case .null, .undefined, .minKey, .maxKey:
            fast = .unit
            isNaN = false
        default:
            fast = .other
            isNaN = false
        }
    }

    /// Compares an element of the same type bracket with the operand, in MongoDB's order.
    @inline(__always)
    func compare(_ element: RawElement, in buffer: UnsafeRawBufferPointer) -> Int {
        switch fast {
        case .int(let b):
            if element.type == .int32 { return threeWay(Int64(RawValues.int32(element, buffer)), b) }
            if element.type == .int64 { return threeWay(RawValues.int64(element, buffer), b) }
        case .double(let b):
            if element.type == .double {
                let a = RawValues.double(element, buffer)
                if a < b { return -1 }
                if a > b { return 1 }
                if a == b { return 0 }
                return a.isNaN ? (b.isNaN ? 0 : -1) : 1
            }
        case .string(let bytes):
            if element.type == .string || element.type == .symbol {
                return RawValues.compareString(element, buffer, bytes)
            }
        case .objectID(let bytes):
            if element.type == .objectID {
                let c = bytes.withUnsafeBytes { memcmp(buffer.baseAddress! + element.valueOffset, $0.baseAddress!, 12) }
                return c < 0 ? -1 : (c > 0 ? 1 : 0)
            }
        case .bool(let b):
            if element.type == .bool {
                let a = buffer[element.valueOffset] != 0
                return a == b ? 0 : (a ? 1 : -1)
            }
        case .datetime(let b):
            if element.type == .datetime { return threeWay(RawValues.int64(element, buffer), b) }
        case .unit:
            return 0
        case .other:
            break
        }
        guard let decoded = RawValues.decode(element, buffer) else { return 1 }
        return BSONValue.compare(decoded, value)
    }
}

@inline(__always) func threeWay<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

/// Reading element values straight from encoded bytes. Elements come from validated documents, so their value
/// lengths were checked when they were found.
enum RawValues {
    @inline(__always)
    static func int32(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> Int32 {
        Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: element.valueOffset, as: Int32.self))
    }

    @inline(__always)
    static func int64(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> Int64 {
        Int64(littleEndian: buffer.loadUnaligned(fromByteOffset: element.valueOffset, as: Int64.self))
    }

    @inline(__always)
    static func double(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> Double {
        Double(
            bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: element.valueOffset, as: UInt64.self))
        )
    }

    static func decimal(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> Decimal128 {
        let low = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: element.valueOffset, as: UInt64.self))
        let high = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: element.valueOffset + 8, as: UInt64.self))
        return Decimal128(high: high, low: low)
    }

    /// The bytes of a string, symbol or JavaScript element, without the length prefix and the NUL.
    @inline(__always)
    static func stringBytes(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(
            start: buffer.baseAddress! + element.valueOffset + 4,
            count: max(0, element.valueLength - 5)
        )
    }

    /// Compares a string element's bytes with `bytes`, byte by byte, the shorter first on a common prefix.
    @inline(__always)
    static func compareString(_ element: RawElement, _ buffer: UnsafeRawBufferPointer, _ bytes: [UInt8]) -> Int {
        let a = stringBytes(element, buffer)
        return bytes.withUnsafeBytes { b in
            let n = min(a.count, b.count)
            if n > 0 {
                let c = memcmp(a.baseAddress!, b.baseAddress!, n)
                if c != 0 { return c < 0 ? -1 : 1 }
            }
            return threeWay(a.count, b.count)
        }
    }

    /// Whether a string element's bytes equal `bytes`.
    @inline(__always)
    static func stringEquals(_ element: RawElement, _ buffer: UnsafeRawBufferPointer, _ bytes: [UInt8]) -> Bool {
        guard element.valueLength - 5 == bytes.count else { return false }
        return bytes.withUnsafeBytes { b in
            b.count == 0 || memcmp(buffer.baseAddress! + element.valueOffset + 4, b.baseAddress!, b.count) == 0
        }
    }

    /// A numeric element as a `BSONValue`, or `nil` for other types.
    static func number(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> BSONValue? {
        switch element.type {
        case .int32: .int32(int32(element, buffer))
        case .int64: .int64(int64(element, buffer))
        case .double: .double(double(element, buffer))
        case .decimal128: .decimal128(decimal(element, buffer))
        default: nil
        }
    }

    /// Decodes one element's value.
    static func decode(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> BSONValue? {
        switch element.type {
        case .int32, .int64, .double, .decimal128: return number(element, buffer)
        case .string: return .string(String(decoding: stringBytes(element, buffer), as: UTF8.self))
        case .bool: return .bool(buffer[element.valueOffset] != 0)
        case .null: return .null
        case .undefined: return .undefined
        case .minKey: return .minKey
        case .maxKey: return .maxKey
        case .datetime: return .datetime(int64(element, buffer))
        default: break
        }
        // Wrap the value in a one-field document with an empty key and let the reader decode it.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(element.valueLength + 7)
        let length = Int32(element.valueLength + 7)
        withUnsafeBytes(of: length.littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(element.type.rawValue)
        bytes.append(0)
        bytes.append(
            contentsOf: UnsafeRawBufferPointer(
                rebasing: buffer[element.valueOffset..<element.valueOffset + element.valueLength]))
        bytes.append(0)
        return (try? BSONDocument(bsonBytes: bytes))?.first?.value
    }

    /// Whether a numeric element is NaN.
    @inline(__always)
    static func isNaN(_ element: RawElement, _ buffer: UnsafeRawBufferPointer) -> Bool {
        switch element.type {
        case .double: double(element, buffer).isNaN
        case .decimal128: decimal(element, buffer).isNaN
        default: false
        }
    }
}

// MARK: - Integers from numbers

/// MongoDB's integer coercions of numeric arguments and values.
enum Integral {
    /// The value truncated toward zero, if it is finite and fits `Int64` (MongoDB's `tryCoerce`/`representAs`).
    static func truncated(_ value: BSONValue) -> Int64? {
        switch value {
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        case .double(let d):
            guard d.isFinite else { return nil }
            return Int64(exactly: d.rounded(.towardZero))
        case .decimal128(let d): return truncated(d)
        default: return nil
        }
    }

    /// A decimal truncated toward zero, if it is finite and fits `Int64`.
    static func truncated(_ d: Decimal128) -> Int64? {
        guard d.isFinite else { return nil }
        if let exact = d.exactInt64 { return exact }
        // Decode the BID encoding: sign, exponent and coefficient.
        let negative = d.high >> 63 == 1
        var exponent: Int
        var coefficient: UInt128
        if (d.high >> 61) & 3 == 3 {
            // The large-coefficient form always exceeds 10^34 - 1: non-canonical, read as zero.
            return 0
        } else {
            exponent = Int((d.high >> 49) & 0x3FFF) - 6176
            coefficient = UInt128(d.high & 0x1_FFFF_FFFF_FFFF) << 64 | UInt128(d.low)
        }
        if coefficient > 9_999_999_999_999_999_999_999_999_999_999 { return 0 }
        while exponent < 0 && coefficient > 0 {
            coefficient /= 10
            exponent += 1
        }
        if coefficient == 0 { return 0 }
        while exponent > 0 {
            coefficient *= 10
            if coefficient > UInt128(UInt64.max) { return nil }
            exponent -= 1
        }
        let limit = negative ? UInt128(Int64.min.magnitude) : UInt128(Int64.max)
        guard coefficient <= limit else { return nil }
        let magnitude = UInt64(coefficient)
        return negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }

    /// The number as an exact `Int64`: an integral double or decimal in range, an int32 or an int64.
    static func exact(_ value: BSONValue) -> Int64? {
        switch value {
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        case .double(let d):
            guard d.isFinite, d == d.rounded(.towardZero), d >= -9_223_372_036_854_775_808.0,
                d < 9_223_372_036_854_775_808.0
            else { return nil }
            return Int64(d)
        case .decimal128(let d): return d.exactInt64
        default: return nil
        }
    }

    /// MongoDB's `parseIntegerElementToLong`: an error reason instead of a value when `value` is not an integral
    /// number that fits `Int64`. `described` is the element as MongoDB prints it (`$size: 1.5`).
    static func integer(_ value: BSONValue, described: String) -> Result<Int64, ParseReason> {
        guard value.isNumber else { return .failure("Expected a number in: \(described)") }
        switch value {
        case .double(let d):
            if d.isNaN { return .failure("Expected an integer, but found NaN in: \(described)") }
            if d >= 9_223_372_036_854_775_808.0 || d < -9_223_372_036_854_775_808.0 {
                return .failure("Cannot represent as a 64-bit integer: \(described)")
            }
            if d != d.rounded(.towardZero) { return .failure("Expected an integer: \(described)") }
        case .decimal128(let d):
            if d.exactInt64 == nil { return .failure("Cannot represent as a 64-bit integer: \(described)") }
        default:
            break
        }
        guard let n = exact(value) else { return .failure("Expected an integer: \(described)") }
        return .success(n)
    }

    /// MongoDB's `parseIntegerElementToNonNegativeLong`: ``integer(_:described:)`` that also rejects negatives.
    static func nonNegative(_ value: BSONValue, described: String) -> Result<Int64, ParseReason> {
        switch integer(value, described: described) {
        case .failure(let reason): return .failure(reason)
        case .success(let n) where n < 0: return .failure("Expected a positive number in: \(described)")
        case .success(let n): return .success(n)
        }
    }
}

/// Why a numeric argument was rejected, in MongoDB's words.
struct ParseReason: Error, CustomStringConvertible, ExpressibleByStringInterpolation {
    let description: String
    init(stringLiteral value: String) { description = value }
    init(stringInterpolation: DefaultStringInterpolation) {
        description = String(stringInterpolation: stringInterpolation)
    }
}

// MARK: - Printing values in messages

/// Prints a value roughly as MongoDB's `BSONElement::toString` does, for error messages.
func describeForMessage(_ value: BSONValue) -> String {
    switch value {
    case .string(let s), .symbol(let s): return "\"\(s)\""
    case .int32(let v): return String(v)
    case .int64(let v): return String(v)
    case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? "\(Int64(d)).0" : describeNumber(d)
    case .decimal128(let d): return "NumberDecimal(\"\(d)\")"
    case .bool(let b): return b ? "true" : "false"
    case .null: return "null"
    case .undefined: return "undefined"
    case .minKey: return "MinKey"
    case .maxKey: return "MaxKey"
    case .objectID(let id): return "ObjectId('\(id.hex)')"
    case .document(let d):
        if d.isEmpty { return "{}" }
        return "{ " + d.map { "\($0.key): \(describeForMessage($0.value))" }.joined(separator: ", ") + " }"
    case .array(let a):
        if a.isEmpty { return "[]" }
        return "[ " + a.map(describeForMessage).joined(separator: ", ") + " ]"
    case .regex(let r): return "/\(r.pattern)/\(r.options)"
    case .datetime(let ms): return "new Date(\(ms))"
    case .timestamp(let t): return "Timestamp(\(t.timestamp), \(t.increment))"
    case .binary(let b): return "BinData(\(b.subtype.rawValue), \(b.bytes.map { String($0, radix: 16) }.joined()))"
    case .javascript(let code): return code
    case .javascriptWithScope(let c): return c.code
    case .dbPointer(let p): return "DBRef('\(p.namespace)', '\(p.id.hex)')"
    }
}

/// Prints a double as C++ streams do for MongoDB's messages: `100`, `1.5`, `nan`.
func describeNumber(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return String(d)
}
