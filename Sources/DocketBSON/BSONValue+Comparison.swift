#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MongoDB's comparison order, as one total order shared by `==`, hashing, `<`, sort, `$min`/`$max`, range
// predicates and index keys.
//
// Type brackets (MongoDB's canonical types): MinKey < undefined < null < numbers < string/symbol < object < array
// < binData < ObjectId < bool < date < timestamp < regex < BSONDBPointer < JavaScript < JavaScript with scope < MaxKey.
// Within the number bracket values compare by value across int32, int64, double and decimal128; NaN equals NaN
// and sorts below every other number; -0.0 equals 0. Strings compare byte by byte (no collation). Documents
// compare field by field (type bracket, then field name, then value); arrays element by element; the shorter
// sequence sorts first when one is a prefix of the other.

extension BSONType {
    /// MongoDB's canonical type rank: values of different ranks compare by rank alone.
    @inlinable public var canonicalRank: Int {
        switch self {
        case .minKey: -1
        case .undefined: 0
        case .null: 5
        case .double, .int32, .int64, .decimal128: 10
        case .string, .symbol: 15
        case .document: 20
        case .array: 25
        case .binary: 30
        case .objectID: 35
        case .bool: 40
        case .datetime: 45
        case .timestamp: 47
        case .regex: 50
        case .dbPointer: 55
        case .javascript: 60
        case .javascriptWithScope: 65
        case .maxKey: 127
        }
    }
}

extension BSONValue: Equatable, Hashable, Comparable {
    /// Compares two values in MongoDB's order: negative if `lhs` sorts first, zero if equal, positive otherwise.
    ///
    /// ```swift
    /// BSONValue.compare(.int32(1), .double(1.0))   // 0
    /// BSONValue.compare(.int64(5), .string("a"))   // < 0: numbers sort before strings
    /// ```
    public static func compare(_ lhs: BSONValue, _ rhs: BSONValue) -> Int {
        let lr = lhs.type.canonicalRank
        let rr = rhs.type.canonicalRank
        if lr != rr { return lr < rr ? -1 : 1 }
        switch (lhs, rhs) {
        case (.int32(let a), .int32(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int64(let a), .int64(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)), (.string(let a), .symbol(let b)), (.symbol(let a), .string(let b)),
            (.symbol(let a), .symbol(let b)), (.javascript(let a), .javascript(let b)):
            return compareUTF8(a, b)
        case (.document(let a), .document(let b)): return compareDocuments(a, b)
        case (.array(let a), .array(let b)): return compareArrays(a, b)
        case (.binary(let a), .binary(let b)): return compareBinary(a, b)
        case (.objectID(let a), .objectID(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.datetime(let a), .datetime(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.timestamp(let a), .timestamp(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.regex(let a), .regex(let b)):
            let c = compareUTF8(a.pattern, b.pattern)
            return c != 0 ? c : compareUTF8(a.options, b.options)
        case (.dbPointer(let a), .dbPointer(let b)):
            // MongoDB compares the encoded value: its size first, then the bytes (length, namespace, id).
            let la = a.namespace.utf8.count
            let lb = b.namespace.utf8.count
            if la != lb { return la < lb ? -1 : 1 }
            let c = compareUTF8(a.namespace, b.namespace)
            return c != 0 ? c : (a.id < b.id ? -1 : (a.id == b.id ? 0 : 1))
        case (.javascriptWithScope(let a), .javascriptWithScope(let b)):
            let c = compareUTF8(a.code, b.code)
            return c != 0 ? c : compareDocuments(a.scope, b.scope)
        default:
            if lhs.isNumber { return compareNumbers(lhs, rhs) }
            return 0  // MinKey, MaxKey, null and undefined: one value per bracket.
        }
    }

    public static func == (lhs: BSONValue, rhs: BSONValue) -> Bool { compare(lhs, rhs) == 0 }

    public static func < (lhs: BSONValue, rhs: BSONValue) -> Bool { compare(lhs, rhs) < 0 }

    /// Hashes consistently with `==`: equal numbers of different types hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(type.canonicalRank)
        switch self {
        case .double, .int32, .int64, .decimal128: hashNumber(into: &hasher)
        case .string(let s), .symbol(let s), .javascript(let s): hashUTF8(s, into: &hasher)
        case .document(let d): d.hash(into: &hasher)
        case .array(let a):
            hasher.combine(a.count)
            for v in a { v.hash(into: &hasher) }
        case .binary(let b):
            hasher.combine(b.subtype.rawValue)
            hasher.combine(b.bytes)
        case .objectID(let o): hasher.combine(o)
        case .bool(let b): hasher.combine(b)
        case .datetime(let d): hasher.combine(d)
        case .timestamp(let t): hasher.combine(t)
        case .regex(let r):
            hashUTF8(r.pattern, into: &hasher)
            hashUTF8(r.options, into: &hasher)
        case .dbPointer(let p):
            hashUTF8(p.namespace, into: &hasher)
            hasher.combine(p.id)
        case .javascriptWithScope(let c):
            hashUTF8(c.code, into: &hasher)
            c.scope.hash(into: &hasher)
        case .undefined, .null, .minKey, .maxKey: break
        }
    }

    private func hashNumber(into hasher: inout Hasher) {
        // Integral values that fit Int64 hash as that integer, whatever their type.
        if let i = int64Value {
            hasher.combine(0 as UInt8)
            hasher.combine(i)
            return
        }
        switch self {
        case .double(let d):
            hashDouble(d, into: &hasher)
        case .decimal128(let dec):
            // A decimal equal to some double (as MongoDB compares them: the double rounded to 34 digits) hashes
            // as that double; any other decimal hashes by its normalized representation.
            let d = dec.doubleValue
            if Decimal128(d).numericCompare(dec) == 0 {
                hashDouble(d, into: &hasher)
            } else {
                hasher.combine(2 as UInt8)
                hasher.combine(dec.normalized)
            }
        default:
            preconditionFailure("hashNumber on a non-number")
        }
    }
}

@inline(__always) private func hashDouble(_ d: Double, into hasher: inout Hasher) {
    hasher.combine(1 as UInt8)
    hasher.combine(d.isNaN ? Double.nan.bitPattern : d.bitPattern)
}

@inline(__always) private func hashUTF8(_ s: String, into hasher: inout Hasher) {
    var s = s
    s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    hasher.combine(0xFF as UInt8)
}

extension BSONDocument: Equatable, Hashable, Comparable {
    /// Documents are equal when ``BSONValue/compare(_:_:)`` finds them equal: same field names in the same order
    /// with equal values (`{a: 1}` equals `{a: 1.0}`).
    public static func == (lhs: BSONDocument, rhs: BSONDocument) -> Bool { compareDocuments(lhs, rhs) == 0 }
    public static func < (lhs: BSONDocument, rhs: BSONDocument) -> Bool { compareDocuments(lhs, rhs) < 0 }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for (k, v) in fields {
            hashUTF8(k, into: &hasher)
            v.hash(into: &hasher)
        }
    }
}

/// Compares UTF-8 bytes lexicographically, the shorter first when one is a prefix of the other.
@usableFromInline func compareUTF8(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            if n > 0 {
                let c = memcmp(x.baseAddress!, y.baseAddress!, n)
                if c != 0 { return c < 0 ? -1 : 1 }
            }
            return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
        }
    }
}

func compareDocuments(_ a: BSONDocument, _ b: BSONDocument) -> Int {
    let n = min(a.count, b.count)
    for i in 0..<n {
        let (ka, va) = a.fields[i]
        let (kb, vb) = b.fields[i]
        let ra = va.type.canonicalRank
        let rb = vb.type.canonicalRank
        if ra != rb { return ra < rb ? -1 : 1 }
        let kc = compareUTF8(ka, kb)
        if kc != 0 { return kc }
        let vc = BSONValue.compare(va, vb)
        if vc != 0 { return vc }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

func compareArrays(_ a: [BSONValue], _ b: [BSONValue]) -> Int {
    let n = min(a.count, b.count)
    for i in 0..<n {
        let c = BSONValue.compare(a[i], b[i])
        if c != 0 { return c }
    }
    return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
}

private func compareBinary(_ a: BSONBinary, _ b: BSONBinary) -> Int {
    // MongoDB: the (encoded) length first, then the subtype, then the bytes.
    let la = a.bytes.count + (a.subtype == .binaryOld ? 4 : 0)
    let lb = b.bytes.count + (b.subtype == .binaryOld ? 4 : 0)
    if la != lb { return la < lb ? -1 : 1 }
    if a.subtype != b.subtype { return a.subtype.rawValue < b.subtype.rawValue ? -1 : 1 }
    if a.subtype == .binaryOld && a.bytes.count != b.bytes.count { return a.bytes.count < b.bytes.count ? -1 : 1 }
    for (x, y) in zip(a.bytes, b.bytes) where x != y { return x < y ? -1 : 1 }
    return 0
}

/// Compares two numbers by value, as MongoDB does.
private func compareNumbers(_ lhs: BSONValue, _ rhs: BSONValue) -> Int {
    switch (lhs, rhs) {
    case (.int32(let a), .int32(let b)): return cmp(a, b)
    case (.int32(let a), .int64(let b)): return cmp(Int64(a), b)
    case (.int64(let a), .int32(let b)): return cmp(a, Int64(b))
    case (.int64(let a), .int64(let b)): return cmp(a, b)
    case (.double(let a), .double(let b)): return compareDoubles(a, b)
    case (.int32(let a), .double(let b)): return compareInt64ToDouble(Int64(a), b)
    case (.int64(let a), .double(let b)): return compareInt64ToDouble(a, b)
    case (.double(let a), .int32(let b)): return -compareInt64ToDouble(Int64(b), a)
    case (.double(let a), .int64(let b)): return -compareInt64ToDouble(b, a)
    case (.decimal128(let a), .decimal128(let b)): return a.numericCompare(b)
    case (.decimal128(let a), .int32(let b)): return a.numericCompare(Decimal128(Int64(b)))
    case (.decimal128(let a), .int64(let b)): return a.numericCompare(Decimal128(b))
    case (.decimal128(let a), .double(let b)): return a.numericCompare(Decimal128(b))
    case (.int32(let a), .decimal128(let b)): return Decimal128(Int64(a)).numericCompare(b)
    case (.int64(let a), .decimal128(let b)): return Decimal128(a).numericCompare(b)
    case (.double(let a), .decimal128(let b)): return Decimal128(a).numericCompare(b)
    default: preconditionFailure("compareNumbers on non-numbers")
    }
}

@inline(__always) private func cmp<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

/// NaN equals NaN and sorts below every other double; -0.0 equals 0.0.
@inline(__always) private func compareDoubles(_ a: Double, _ b: Double) -> Int {
    if a < b { return -1 }
    if a > b { return 1 }
    if a == b { return 0 }
    // At least one NaN.
    if a.isNaN { return b.isNaN ? 0 : -1 }
    return 1
}

/// Exact comparison of an integer with a double (no rounding of the integer to a double).
private func compareInt64ToDouble(_ a: Int64, _ b: Double) -> Int {
    if b.isNaN { return 1 }
    if b >= 9_223_372_036_854_775_808.0 { return -1 }
    if b < -9_223_372_036_854_775_808.0 { return 1 }
    let t = b.rounded(.down)
    let ti = Int64(t)
    if a != ti { return a < ti ? -1 : 1 }
    return b > t ? -1 : 0
}
