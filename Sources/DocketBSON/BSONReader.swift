#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// MongoDB's limits on BSON documents, shared by the reader, the writer and the Extended JSON reader, so that
/// whatever one of them accepts the others accept too.
public enum BSONLimits {
    /// The deepest nesting of documents and arrays (the top-level document is depth 0): 100, as in MongoDB.
    public static let maximumDepth = 100
    /// The largest document: 16 MiB, as in MongoDB.
    public static let maximumDocumentSize = 16 * 1024 * 1024

    static func depthError(at offset: Int? = nil) -> BSONError {
        BSONError(.depthLimitExceeded, "documents nested deeper than \(maximumDepth) levels", byteOffset: offset)
    }
}

extension BSONDocument {
    /// Whether the document nests documents and arrays deeper than `limit` (the document itself is depth 0).
    ///
    /// The walk stops one level below `limit`, so it is safe on any stack whatever the document's depth.
    /// - Complexity: O(number of values at depth `limit` or less).
    public func nestsDeeper(than limit: Int) -> Bool {
        Self.nests(storage, deeperThan: limit, at: 0)
    }

    /// Whether fields of a container at `depth` make the nesting exceed `limit`.
    static func nests(_ fields: [Field], deeperThan limit: Int, at depth: Int) -> Bool {
        if depth > limit { return true }
        for i in fields.indices where fields[i].value.nestsDeeper(than: limit, at: depth) { return true }
        return false
    }
}

extension BSONValue {
    /// Whether a value held by a container at depth `depth` makes the nesting exceed `limit`.
    @inline(__always)
    func nestsDeeper(than limit: Int, at depth: Int) -> Bool {
        switch self {
        case .document(let d): return BSONDocument.nests(d.storage, deeperThan: limit, at: depth + 1)
        case .array(let a):
            if depth + 1 > limit { return true }
            for i in a.indices where a[i].nestsDeeper(than: limit, at: depth + 1) { return true }
            return false
        case .javascriptWithScope(let c): return BSONDocument.nests(c.scope.storage, deeperThan: limit, at: depth + 1)
        default: return false
        }
    }
}

/// Limits applied while reading BSON.
public struct BSONReaderOptions: Sendable, Hashable {
    /// The deepest nesting of documents and arrays accepted (the top-level document is depth 0).
    ///
    /// MongoDB allows 100 levels of nesting.
    public var maxDepth: Int
    /// The largest top-level document accepted, in bytes (MongoDB's limit is 16 MiB).
    public var maxDocumentSize: Int

    /// Creates options; the defaults are MongoDB's limits.
    public init(maxDepth: Int = BSONLimits.maximumDepth, maxDocumentSize: Int = BSONLimits.maximumDocumentSize) {
        self.maxDepth = maxDepth
        self.maxDocumentSize = maxDocumentSize
    }

    /// MongoDB's limits: 100 levels of nesting, 16 MiB documents.
    public static let `default` = BSONReaderOptions()
}

extension BSONDocument {
    /// Decodes and fully validates one BSON document that fills `bytes` exactly.
    ///
    /// Validation covers every length prefix, terminator and boolean, UTF-8 in keys and strings, the nesting
    /// depth and the size limit.
    /// - Throws: ``BSONError`` with the byte offset of the problem.
    public init(bsonBytes bytes: [UInt8], options: BSONReaderOptions = .default) throws(BSONError) {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(BSONError) -> BSONDocument in try BSONDocument(bsonBuffer: buffer, options: options) }
        }
        self = try result.get()
    }

    /// Decodes and fully validates one BSON document that fills `buffer` exactly.
    ///
    /// - Parameter baseOffset: added to byte offsets in errors (the buffer's position in a larger input).
    /// - Throws: ``BSONError`` with the byte offset of the problem.
    public init(
        bsonBuffer buffer: UnsafeRawBufferPointer,
        options: BSONReaderOptions = .default,
        baseOffset: Int = 0
    ) throws(BSONError) {
        let reader = BSONByteReader(buffer: buffer, baseOffset: baseOffset, options: options)
        let length = try reader.checkTopLevelLength(at: 0)
        guard length == buffer.count else {
            throw reader.error(
                .trailingBytes, "document length \(length) differs from the \(buffer.count) bytes given", at: 0)
        }
        self = try reader.withElementStack { (stack: inout ElementStack) throws(BSONError) in
            try reader.readDocument(at: 0, limit: buffer.count, depth: 0, stack: &stack).document
        }
    }
}

/// Validating reader over a buffer of BSON bytes.
///
/// Every read is bounded by an explicit limit (the end of the enclosing container), so a lying length prefix is
/// caught where it appears and never reads outside the buffer.
@usableFromInline struct BSONByteReader {
    let base: UnsafeRawPointer?
    let count: Int
    let baseOffset: Int
    let options: BSONReaderOptions
    /// ``SmallASCIIString/isAvailable``, read once per reader rather than once per string.
    let buildsSmallStrings: Bool

    @usableFromInline init(buffer: UnsafeRawBufferPointer, baseOffset: Int, options: BSONReaderOptions) {
        base = buffer.baseAddress
        count = buffer.count
        self.baseOffset = baseOffset
        self.options = options
        buildsSmallStrings = SmallASCIIString.isAvailable
    }

    func error(_ kind: BSONError.Kind, _ message: String, at offset: Int) -> BSONError {
        BSONError(kind, message, byteOffset: baseOffset + offset)
    }

    @inline(__always) func byte(_ at: Int) -> UInt8 { base.unsafelyUnwrapped.load(fromByteOffset: at, as: UInt8.self) }

    @inline(__always) func int32(_ at: Int) -> Int32 {
        Int32(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: at, as: Int32.self))
    }

    @inline(__always) func int64(_ at: Int) -> Int64 {
        Int64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: at, as: Int64.self))
    }

    @inline(__always) func uint64(_ at: Int) -> UInt64 {
        UInt64(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    /// Checks the length prefix of a top-level document at `offset` against the buffer and the size limit.
    func checkTopLevelLength(at offset: Int) throws(BSONError) -> Int {
        guard count - offset >= 4 else {
            throw error(.unexpectedEnd, "input ends inside a document's length prefix", at: offset)
        }
        let length = Int(int32(offset))
        guard length >= 5 else { throw error(.invalidLength, "document length \(length) is less than 5", at: offset) }
        guard length <= options.maxDocumentSize else {
            throw error(
                .sizeLimitExceeded,
                "document length \(length) exceeds the limit of \(options.maxDocumentSize) bytes",
                at: offset
            )
        }
        guard length <= count - offset else {
            throw error(
                .unexpectedEnd,
                "document length \(length) exceeds the \(count - offset) bytes remaining",
                at: offset
            )
        }
        return length
    }

    /// Checks the length prefix and terminator of a document starting at `offset` that must end by `limit`;
    /// returns the offset of its terminating NUL.
    @inline(__always) func documentBounds(at offset: Int, limit: Int, depth: Int) throws(BSONError) -> Int {
        guard depth <= options.maxDepth else {
            throw error(.depthLimitExceeded, "documents nested deeper than \(options.maxDepth) levels", at: offset)
        }
        guard limit - offset >= 5 else {
            throw error(.unexpectedEnd, "embedded document needs at least 5 bytes", at: offset)
        }
        let length = Int(int32(offset))
        guard length >= 5 else { throw error(.invalidLength, "document length \(length) is less than 5", at: offset) }
        guard length <= limit - offset else {
            throw error(.invalidLength, "document length \(length) overruns its container", at: offset)
        }
        let end = offset + length - 1
        guard byte(end) == 0 else {
            throw error(.missingTerminator, "document is not terminated by a NUL byte", at: end)
        }
        return end
    }

    /// Reads a NUL-terminated key or C string starting at `offset`, before `limit`.
    @inline(__always) func readCString(at offset: Int, limit: Int) throws(BSONError) -> (String, Int) {
        guard let (length, isASCII) = scanCString(at: offset, limit: limit) else {
            throw error(.missingTerminator, "string is not terminated by a NUL byte", at: offset)
        }
        let bytes = UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + offset, count: length)
        guard let s = makeString(bytes, isASCII: isASCII, readable: count - offset, small: buildsSmallStrings) else {
            throw error(.invalidUTF8, "invalid UTF-8 in a key or C string", at: offset)
        }
        return (s, offset + length + 1)
    }

    /// Finds the NUL that ends the key or C string at `offset`, before `limit`: returns the string's length and
    /// whether it is all ASCII, or `nil` if there is no NUL.
    ///
    /// One pass, eight bytes at a time (keys are short: this beats `memchr` plus a separate UTF-8 check). A word
    /// has a zero byte iff `(w - 0x01…01) & ~w & 0x80…80` is not zero, and its lowest set bit marks the first one.
    @inline(__always) func scanCString(at offset: Int, limit: Int) -> (length: Int, isASCII: Bool)? {
        let start = base.unsafelyUnwrapped + offset
        let available = limit - offset
        var i = 0
        var seen: UInt64 = 0  // the bytes before the NUL, OR-ed together, to test their high bits
        while available - i >= 8 {
            let word = UInt64(littleEndian: start.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let zeros = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeros != 0 {
                let n = zeros.trailingZeroBitCount &>> 3
                let before = n == 0 ? 0 : word & (UInt64.max &>> (64 &- 8 &* n))
                return (i + n, (seen | before) & 0x8080_8080_8080_8080 == 0)
            }
            seen |= word
            i += 8
        }
        while i < available {
            let b = start.load(fromByteOffset: i, as: UInt8.self)
            if b == 0 { return (i, seen & 0x8080_8080_8080_8080 == 0) }
            seen |= UInt64(b)
            i += 1
        }
        return nil
    }

    /// Reads a length-prefixed string (which may contain NUL bytes) at `offset`, before `limit`.
    @inline(__always) func readString(at offset: Int, limit: Int) throws(BSONError) -> (String, Int) {
        let end = try stringEnd(at: offset, limit: limit)
        let bytes = UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + offset + 4, count: end - offset - 4)
        guard
            let s = makeString(
                bytes, isASCII: isASCII(bytes), readable: count - offset - 4, small: buildsSmallStrings)
        else {
            throw error(.invalidUTF8, "invalid UTF-8 in a string", at: offset + 4)
        }
        return (s, end + 1)
    }

    /// Checks the length prefix and terminator of a length-prefixed string at `offset`, before `limit`; returns
    /// the offset of its terminating NUL.
    @inline(__always) func stringEnd(at offset: Int, limit: Int) throws(BSONError) -> Int {
        guard limit - offset >= 4 else { throw error(.unexpectedEnd, "string length prefix is truncated", at: offset) }
        let length = Int(int32(offset))
        guard length >= 1 else { throw error(.invalidLength, "string length \(length) is less than 1", at: offset) }
        guard length <= limit - offset - 4 else {
            throw error(.invalidLength, "string length \(length) overruns its container", at: offset)
        }
        let end = offset + 4 + length - 1
        guard byte(end) == 0 else { throw error(.missingTerminator, "string is not terminated by a NUL byte", at: end) }
        return end
    }

    /// Runs `body` with an empty ``ElementStack`` whose first kilobytes live on the stack.
    @inline(__always) func withElementStack<R>(
        _ body: (inout ElementStack) throws(BSONError) -> R
    ) throws(BSONError) -> R {
        let result = withUnsafeTemporaryAllocation(
            of: BSONDocument.Field.self,
            capacity: ElementStack.initialFieldCapacity
        ) { fields in
            withUnsafeTemporaryAllocation(of: BSONValue.self, capacity: ElementStack.initialValueCapacity) { values in
                var stack = ElementStack(fields: fields, values: values)
                defer { stack.releaseHeapStorage() }
                return Result { () throws(BSONError) -> R in try body(&stack) }
            }
        }
        return try result.get()
    }

    /// Reads a document (or array) at `offset` that must end by `limit`; returns it and the offset after it.
    ///
    /// The fields are decoded onto `stack`, then moved into an array of exactly the right size: one allocation,
    /// and no separate pass to count them.
    func readDocument(
        at offset: Int,
        limit: Int,
        depth: Int,
        stack: inout ElementStack
    ) throws(BSONError) -> (document: BSONDocument, end: Int) {
        let end = try documentBounds(at: offset, limit: limit, depth: depth)
        let start = stack.fieldCount
        do throws(BSONError) {
            var p = offset + 4
            while p < end {
                let typeOffset = p
                let typeByte = byte(p)
                guard typeByte != 0 else {
                    throw error(.invalidLength, "document terminated before its length", at: p)
                }
                let (key, valueOffset) = try readCString(at: p + 1, limit: end)
                let (value, next) = try readValue(
                    typeByte, typeOffset: typeOffset, at: valueOffset, limit: end, depth: depth, stack: &stack)
                stack.push(BSONDocument.Field(key: key, value: value))
                p = next
            }
        } catch {
            stack.discardFields(from: start)
            throw error
        }
        return (BSONDocument(fields: stack.popFields(from: start)), end + 1)
    }

    func readArray(
        at offset: Int,
        limit: Int,
        depth: Int,
        stack: inout ElementStack
    ) throws(BSONError) -> (array: [BSONValue], end: Int) {
        let end = try documentBounds(at: offset, limit: limit, depth: depth)
        let start = stack.valueCount
        do throws(BSONError) {
            var p = offset + 4
            while p < end {
                let typeOffset = p
                let typeByte = byte(p)
                guard typeByte != 0 else { throw error(.invalidLength, "array terminated before its length", at: p) }
                // Array keys are not checked against "0", "1", …: BSON readers accept any key, as libbson does.
                let valueOffset = try skipCString(at: p + 1, limit: end)
                let (value, next) = try readValue(
                    typeByte, typeOffset: typeOffset, at: valueOffset, limit: end, depth: depth, stack: &stack)
                stack.push(value)
                p = next
            }
        } catch {
            stack.discardValues(from: start)
            throw error
        }
        return (stack.popValues(from: start), end + 1)
    }

    @inline(__always) func skipCString(at offset: Int, limit: Int) throws(BSONError) -> Int {
        guard let (length, isASCII) = scanCString(at: offset, limit: limit) else {
            throw error(.missingTerminator, "key is not terminated by a NUL byte", at: offset)
        }
        guard isASCII || validateUTF8(UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + offset, count: length))
        else { throw error(.invalidUTF8, "invalid UTF-8 in a key", at: offset) }
        return offset + length + 1
    }

    @inline(__always) func need(_ n: Int, at offset: Int, limit: Int, _ what: String) throws(BSONError) {
        guard limit - offset >= n else { throw error(.unexpectedEnd, "\(what) is truncated", at: offset) }
    }

    /// Reads the value of an element whose type byte is at `typeOffset` and value starts at `offset`.
    func readValue(
        _ typeByte: UInt8,
        typeOffset: Int,
        at p: Int,
        limit: Int,
        depth: Int
    ) throws(BSONError) -> (BSONValue, Int) {
        try withElementStack { (stack: inout ElementStack) throws(BSONError) in
            try readValue(typeByte, typeOffset: typeOffset, at: p, limit: limit, depth: depth, stack: &stack)
        }
    }

    /// Reads the value of an element whose type byte is at `typeOffset` and value starts at `offset`, decoding
    /// the elements of documents and arrays onto `stack`.
    func readValue(
        _ typeByte: UInt8,
        typeOffset: Int,
        at p: Int,
        limit: Int,
        depth: Int,
        stack: inout ElementStack
    ) throws(BSONError) -> (BSONValue, Int) {
        switch typeByte {
        case 0x01:
            try need(8, at: p, limit: limit, "double")
            return (.double(Double(bitPattern: uint64(p))), p + 8)
        case 0x02:
            let (s, next) = try readString(at: p, limit: limit)
            return (.string(s), next)
        case 0x03:
            let (d, next) = try readDocument(at: p, limit: limit, depth: depth + 1, stack: &stack)
            return (.document(d), next)
        case 0x04:
            let (a, next) = try readArray(at: p, limit: limit, depth: depth + 1, stack: &stack)
            return (.array(a), next)
        case 0x05:
            return try readBinary(at: p, limit: limit)
        case 0x06:
            return (.undefined, p)
        case 0x07:
            try need(12, at: p, limit: limit, "ObjectId")
            let high = UInt32(bigEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: p, as: UInt32.self))
            let low = UInt64(bigEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: p + 4, as: UInt64.self))
            return (.objectID(ObjectID(high: high, low: low)), p + 12)
        case 0x08:
            try need(1, at: p, limit: limit, "boolean")
            switch byte(p) {
            case 0: return (.bool(false), p + 1)
            case 1: return (.bool(true), p + 1)
            default: throw error(.invalidBoolean, "boolean byte is \(byte(p)), not 0 or 1", at: p)
            }
        case 0x09:
            try need(8, at: p, limit: limit, "datetime")
            return (.datetime(int64(p)), p + 8)
        case 0x0A:
            return (.null, p)
        case 0x0B:
            let (pattern, afterPattern) = try readCString(at: p, limit: limit)
            let (options, next) = try readCString(at: afterPattern, limit: limit)
            return (.regex(BSONRegex(pattern: pattern, options: options)), next)
        case 0x0C:
            let (namespace, afterNamespace) = try readString(at: p, limit: limit)
            try need(12, at: afterNamespace, limit: limit, "DBPointer id")
            let id = ObjectID(bytes: UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + afterNamespace, count: 12))
            return (.dbPointer(BSONDBPointer(namespace: namespace, id: id)), afterNamespace + 12)
        case 0x0D:
            let (s, next) = try readString(at: p, limit: limit)
            return (.javascript(s), next)
        case 0x0E:
            let (s, next) = try readString(at: p, limit: limit)
            return (.symbol(s), next)
        case 0x0F:
            return try readCodeWithScope(at: p, limit: limit, depth: depth, stack: &stack)
        case 0x10:
            try need(4, at: p, limit: limit, "int32")
            return (.int32(int32(p)), p + 4)
        case 0x11:
            try need(8, at: p, limit: limit, "timestamp")
            let raw = uint64(p)
            return (
                .timestamp(BSONTimestamp(timestamp: UInt32(raw >> 32), increment: UInt32(truncatingIfNeeded: raw))),
                p + 8
            )
        case 0x12:
            try need(8, at: p, limit: limit, "int64")
            return (.int64(int64(p)), p + 8)
        case 0x13:
            try need(16, at: p, limit: limit, "decimal128")
            return (.decimal128(Decimal128(high: uint64(p + 8), low: uint64(p))), p + 16)
        case 0x7F:
            return (.maxKey, p)
        case 0xFF:
            return (.minKey, p)
        default:
            throw error(.invalidType, "unknown BSON element type 0x\(String(typeByte, radix: 16))", at: typeOffset)
        }
    }

    func readBinary(at p: Int, limit: Int) throws(BSONError) -> (BSONValue, Int) {
        let (subtype, start, payload, end) = try binaryLayout(at: p, limit: limit)
        let bytes = [UInt8](UnsafeRawBufferPointer(start: base.unsafelyUnwrapped + start, count: payload))
        return (.binary(BSONBinary(subtype: subtype, bytes: bytes)), end)
    }

    /// Checks a binary value at `p`, before `limit`; returns the offset after it.
    func binaryEnd(at p: Int, limit: Int) throws(BSONError) -> Int {
        try binaryLayout(at: p, limit: limit).end
    }

    /// Checks a binary value's lengths; returns its subtype, where its payload starts, the payload's length and
    /// the offset after the value.
    func binaryLayout(
        at p: Int,
        limit: Int
    ) throws(BSONError) -> (subtype: BSONBinary.Subtype, start: Int, payload: Int, end: Int) {
        try need(5, at: p, limit: limit, "binary header")
        let length = Int(int32(p))
        guard length >= 0 else { throw error(.invalidLength, "binary length \(length) is negative", at: p) }
        guard length <= limit - p - 5 else {
            throw error(.invalidLength, "binary length \(length) overruns its container", at: p)
        }
        let subtype = BSONBinary.Subtype(byte(p + 4))
        var start = p + 5
        var payload = length
        if subtype == .binaryOld {
            guard length >= 4 else {
                throw error(.invalidLength, "binary subtype 2 needs an inner length prefix", at: p)
            }
            let inner = Int(int32(start))
            guard inner == length - 4 else {
                throw error(
                    .invalidLength,
                    "binary subtype 2 inner length \(inner) does not match outer length \(length)",
                    at: start
                )
            }
            start += 4
            payload -= 4
        }
        return (subtype, start, payload, p + 5 + length)
    }

    func readCodeWithScope(
        at p: Int,
        limit: Int,
        depth: Int,
        stack: inout ElementStack
    ) throws(BSONError) -> (BSONValue, Int) {
        try need(4, at: p, limit: limit, "code with scope length")
        let total = Int(int32(p))
        guard total >= 14 else {
            throw error(.invalidLength, "code with scope length \(total) is less than the minimum 14", at: p)
        }
        guard total <= limit - p else {
            throw error(.invalidLength, "code with scope length \(total) overruns its container", at: p)
        }
        let end = p + total
        let (code, scopeOffset) = try readString(at: p + 4, limit: end)
        let (scope, scopeEnd) = try readDocument(at: scopeOffset, limit: end, depth: depth + 1, stack: &stack)
        guard scopeEnd == end else {
            throw error(.invalidLength, "code with scope length \(total) disagrees with its contents", at: p)
        }
        return (.javascriptWithScope(BSONCodeWithScope(code: code, scope: scope)), end)
    }
}

/// The elements of the documents and arrays being decoded, innermost last.
///
/// A container pushes its elements as it decodes them (its children push and pop theirs above), then pops them into
/// an array of exactly the right size. The first ``initialFieldCapacity`` fields and ``initialValueCapacity``
/// values live in stack memory the caller provides; beyond that the storage moves to the heap and grows by doubling.
/// Every pushed element is popped or discarded before its container returns or throws.
struct ElementStack: ~Copyable {
    /// Fields that fit in a kilobyte of stack memory (a field is 40 bytes).
    static let initialFieldCapacity = 24
    /// Values that fit in a kilobyte of stack memory (a value is 24 bytes).
    static let initialValueCapacity = 40

    private var fields: UnsafeMutablePointer<BSONDocument.Field>
    private var fieldCapacity: Int
    private(set) var fieldCount = 0
    private var fieldsOnHeap = false
    private var values: UnsafeMutablePointer<BSONValue>
    private var valueCapacity: Int
    private(set) var valueCount = 0
    private var valuesOnHeap = false

    /// Uses `fields` and `values` (uninitialised memory that outlives the stack) as the initial storage.
    init(fields: UnsafeMutableBufferPointer<BSONDocument.Field>, values: UnsafeMutableBufferPointer<BSONValue>) {
        self.fields = fields.baseAddress.unsafelyUnwrapped
        fieldCapacity = fields.count
        self.values = values.baseAddress.unsafelyUnwrapped
        valueCapacity = values.count
    }

    /// Frees the heap storage, if any. The stack must be empty.
    mutating func releaseHeapStorage() {
        assert(fieldCount == 0 && valueCount == 0, "elements left on the decoder's stack")
        if fieldsOnHeap { fields.deallocate() }
        if valuesOnHeap { values.deallocate() }
        fieldsOnHeap = false
        valuesOnHeap = false
    }

    @inline(__always) mutating func push(_ field: consuming BSONDocument.Field) {
        if fieldCount == fieldCapacity { growFields() }
        (fields + fieldCount).initialize(to: field)
        fieldCount &+= 1
    }

    @inline(__always) mutating func push(_ value: consuming BSONValue) {
        if valueCount == valueCapacity { growValues() }
        (values + valueCount).initialize(to: value)
        valueCount &+= 1
    }

    /// Moves the fields pushed since `start` into a new array.
    @inline(__always) mutating func popFields(from start: Int) -> [BSONDocument.Field] {
        let n = fieldCount &- start
        guard n > 0 else { return [] }
        let source = fields + start
        fieldCount = start
        // `reserveCapacity` + `append` are specialised for the element type; `Array(unsafeUninitializedCapacity:)`
        // allocates through an unspecialised entry point that looks up the array's metadata on every call.
        var array: [BSONDocument.Field] = []
        array.reserveCapacity(n)
        for i in 0..<n { array.append((source + i).move()) }
        return array
    }

    /// Moves the values pushed since `start` into a new array.
    @inline(__always) mutating func popValues(from start: Int) -> [BSONValue] {
        let n = valueCount &- start
        guard n > 0 else { return [] }
        let source = values + start
        valueCount = start
        // `reserveCapacity` + `append` are specialised for the element type; `Array(unsafeUninitializedCapacity:)`
        // allocates through an unspecialised entry point that looks up the array's metadata on every call.
        var array: [BSONValue] = []
        array.reserveCapacity(n)
        for i in 0..<n { array.append((source + i).move()) }
        return array
    }

    /// Destroys the fields pushed since `start` (their container failed to decode).
    mutating func discardFields(from start: Int) {
        (fields + start).deinitialize(count: fieldCount - start)
        fieldCount = start
    }

    /// Destroys the values pushed since `start` (their container failed to decode).
    mutating func discardValues(from start: Int) {
        (values + start).deinitialize(count: valueCount - start)
        valueCount = start
    }

    @inline(never) private mutating func growFields() {
        let capacity = fieldCapacity * 2
        let new = UnsafeMutablePointer<BSONDocument.Field>.allocate(capacity: capacity)
        new.moveInitialize(from: fields, count: fieldCount)
        if fieldsOnHeap { fields.deallocate() }
        fields = new
        fieldCapacity = capacity
        fieldsOnHeap = true
    }

    @inline(never) private mutating func growValues() {
        let capacity = valueCapacity * 2
        let new = UnsafeMutablePointer<BSONValue>.allocate(capacity: capacity)
        new.moveInitialize(from: values, count: valueCount)
        if valuesOnHeap { values.deallocate() }
        values = new
        valueCapacity = capacity
        valuesOnHeap = true
    }
}

/// Makes a `String` from bytes that must be valid UTF-8; `nil` if they are not.
///
/// `isASCII` says the caller already knows the bytes are ASCII. When `small` (``SmallASCIIString/isAvailable``), ASCII
/// strings of up to 15 bytes (most keys and short values) are built in registers as small strings if `readable` (the
/// bytes that may be read from the start) allows two 8-byte loads. Other strings are validated here (once), then
/// `String(unsafeUninitializedCapacity:initializingUTF8With:)` copies them. That was the fastest general way
/// measured: `String(validating:as:)` is generic and looks up metadata on every call, and `String(decoding:as:)`
/// validates again and assembles small strings byte by byte.
@inline(__always) func makeString(
    _ bytes: UnsafeRawBufferPointer,
    isASCII: Bool,
    readable: Int,
    small: Bool
) -> String? {
    let n = bytes.count
    if small && isASCII && n <= SmallASCIIString.capacity && readable >= 16,
        let source = bytes.baseAddress
    {
        return SmallASCIIString.make(from: source, count: n)
    }
    guard isASCII || validateUTF8(bytes) else { return nil }
    return String(unsafeUninitializedCapacity: n) { buffer in
        if let source = bytes.baseAddress, n > 0 {
            UnsafeMutableRawPointer(buffer.baseAddress.unsafelyUnwrapped).copyMemory(from: source, byteCount: n)
        }
        return n
    }
}

/// Builds small ASCII strings from their bits, without calling into the standard library.
///
/// On 64-bit platforms the standard library stores a string of up to 15 UTF-8 bytes inline in the `String` value
/// itself: the code units in the first 15 bytes (little-endian words) and, in the top byte, the flags "immortal,
/// small, ASCII" (`0xE0`) plus the count. Decoding makes about 28 such strings per canonical user document, and
/// building them as two words instead of through `String(unsafeUninitializedCapacity:initializingUTF8With:)` (a
/// call, a closure, a scratch buffer and a re-scan) took a sixth off decoding.
///
/// The layout is an implementation detail of the standard library, so it is never assumed: ``isAvailable`` checks
/// once, by reading back strings the standard library built itself, that this construction produces exactly their
/// bits for every length from 0 to 15. Where it does not (another layout, a big-endian platform), strings are made
/// the ordinary way.
enum SmallASCIIString {
    /// The longest small string.
    static let capacity = 15

    /// Whether ``make(from:count:)`` reproduces the standard library's own small strings on this platform.
    static let isAvailable: Bool = {
        guard MemoryLayout<String>.size == 16, MemoryLayout<(UInt64, UInt64)>.size == 16 else { return false }
        let sample = Array("Az09_-.@ ~{}|xQ!".utf8)
        return sample.withUnsafeBytes { raw in
            (0...capacity).allSatisfy { n in
                let reference = String(decoding: sample[0..<n], as: UTF8.self)
                let referenceBits = unsafeBitCast(reference, to: (UInt64, UInt64).self)
                let bits = words(from: raw.baseAddress.unsafelyUnwrapped, count: n)
                return referenceBits == bits
            }
        }
    }()

    /// The two words of the small string holding the `count` ASCII bytes at `source`; 16 bytes must be readable.
    @inline(__always) static func words(from source: UnsafeRawPointer, count n: Int) -> (UInt64, UInt64) {
        let low = UInt64(littleEndian: source.loadUnaligned(as: UInt64.self))
        let high = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let lowMask: UInt64 = n >= 8 ? .max : (1 &<< UInt64(8 &* n)) &- 1
        let highMask: UInt64 = n <= 8 ? 0 : (1 &<< UInt64(8 &* (n &- 8))) &- 1
        return (low & lowMask, high & highMask | (0xE0 | UInt64(truncatingIfNeeded: n)) &<< 56)
    }

    /// The string of the `count` (at most 15) ASCII bytes at `source`; 16 bytes must be readable from `source`.
    ///
    /// - Precondition: ``isAvailable``, and the bytes are ASCII.
    @inline(__always) static func make(from source: UnsafeRawPointer, count: Int) -> String {
        // Moving the string out of the words (rather than `unsafeBitCast`, which yields a borrowed value that is
        // then copied) takes ownership without a call to retain it.
        var words = words(from: source, count: count)
        return withUnsafeMutablePointer(to: &words) { pointer in
            pointer.withMemoryRebound(to: String.self, capacity: 1) { $0.move() }
        }
    }
}

/// Whether every byte is below 0x80; eight bytes at a time.
@inline(__always) func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let start = bytes.baseAddress else { return true }
    let n = bytes.count
    var seen: UInt64 = 0
    var i = 0
    while n - i >= 8 {
        seen |= start.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        i += 8
    }
    while i < n {
        seen |= UInt64(start.load(fromByteOffset: i, as: UInt8.self))
        i += 1
    }
    return seen & 0x8080_8080_8080_8080 == 0
}

/// Whether the bytes are valid UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
@usableFromInline func validateUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var i = 0
    let n = bytes.count
    // Skip a leading ASCII run eight bytes at a time.
    if let start = bytes.baseAddress {
        while n - i >= 8, start.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            i += 8
        }
    }
    while i < n {
        let b0 = bytes[i]
        if b0 < 0x80 {
            i += 1
            continue
        }
        if b0 < 0xC2 { return false }
        if b0 < 0xE0 {
            guard i + 1 < n, bytes[i + 1] & 0xC0 == 0x80 else { return false }
            i += 2
        } else if b0 < 0xF0 {
            guard i + 2 < n, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80 else { return false }
            let b1 = bytes[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return false }
            if b0 == 0xED && b1 >= 0xA0 { return false }
            i += 3
        } else if b0 < 0xF5 {
            guard i + 3 < n, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80, bytes[i + 3] & 0xC0 == 0x80
            else { return false }
            let b1 = bytes[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return false }
            if b0 == 0xF4 && b1 >= 0x90 { return false }
            i += 4
        } else {
            return false
        }
    }
    return true
}
