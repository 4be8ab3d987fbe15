/// A JSON parser over UTF-8 bytes that builds BSON values directly and interprets Extended JSON v2 type wrappers.
///
/// It keeps what a generic JSON parser loses: key order, duplicate keys, and whether a number was written as an
/// integer (`1` → int32, `3000000000` → int64) or with a fraction or exponent (`1.0` → double). Each parsed value
/// carries its ``Shape`` (how it was written), so a wrapper can be checked strictly: `{"$date": 42}` and
/// `{"$timestamp": {"t": "1", "i": 1}}` are errors, while `{"$date": {"$numberLong": "42"}}` is a date.
///
/// Nesting is bounded, so hostile input cannot exhaust the stack: JSON nesting may exceed
/// ``ExtendedJSONParsingOptions/maxDepth`` only by the levels type wrappers add, and the BSON nesting of the result
/// is then checked against the limit exactly.
/// Line and column numbers are computed only when an error is thrown.
struct ExtendedJSONParser {
    private let base: UnsafePointer<UInt8>?
    private let count: Int
    private let options: ExtendedJSONParsingOptions
    private var position = 0
    private var depth = 0

    init(bytes: UnsafeBufferPointer<UInt8>, options: ExtendedJSONParsingOptions) {
        base = bytes.baseAddress
        count = bytes.count
        self.options = options
    }

    /// How a JSON value was written, which decides what a type wrapper accepts.
    enum Origin: UInt8 {
        case none, string, integer, nonInteger, literal, array, document, wrapper
    }

    /// The origin of a value and, for a plain document, of its first two fields (what `$timestamp` checks).
    struct Shape {
        var origin: Origin
        var first: Origin = .none
        var second: Origin = .none
    }

    // MARK: Entry points

    /// Parses the whole input as one JSON object; the outermost object is never a type wrapper.
    mutating func parseTopLevelDocument() throws(BSONError) -> BSONDocument {
        skipWhitespace()
        guard position < count, byte(position) == UInt8(ascii: "{") else {
            throw error(position < count ? "expected '{' to start a document" : "empty input: expected a document")
        }
        let (value, _) = try parseObject(isTopLevel: true)
        try expectEnd()
        guard case .document(let document) = value else { preconditionFailure("top-level objects stay documents") }
        try checkBSONDepth(value, depth: -1)
        return document
    }

    /// Parses the whole input as one JSON value; an object may be a type wrapper.
    mutating func parseTopLevelValue() throws(BSONError) -> BSONValue {
        skipWhitespace()
        let (value, _) = try parseValue()
        try expectEnd()
        try checkBSONDepth(value, depth: -1)
        return value
    }

    /// JSON levels a type wrapper may add above the BSON depth (`{"$code": …, "$scope": {…}}` and
    /// `{"$date": {"$numberLong": …}}` at the deepest level).
    private static let wrapperAllowance = 2

    /// Throws unless the parsed value's BSON nesting is within the limit.
    private func checkBSONDepth(_ value: BSONValue, depth: Int) throws(BSONError) {
        if value.nestsDeeper(than: options.maxDepth, at: depth) {
            throw error("documents nested deeper than \(options.maxDepth) levels", at: 0, kind: .depthLimitExceeded)
        }
    }

    private mutating func expectEnd() throws(BSONError) {
        skipWhitespace()
        if position < count { throw error("unexpected characters after the end of the JSON value") }
    }

    // MARK: Lexing helpers

    @inline(__always) private func byte(_ at: Int) -> UInt8 { base.unsafelyUnwrapped[at] }

    @inline(__always) private mutating func skipWhitespace() {
        while position < count {
            switch byte(position) {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// An error at `offset` (the current position by default) with its 1-based line and column.
    ///
    /// Columns count Unicode scalars, so a column points at the same character an editor shows.
    private func error(_ message: String, at offset: Int? = nil, kind: BSONError.Kind = .invalidExtendedJSON)
        -> BSONError
    {
        let end = min(offset ?? position, count)
        var line = 1
        var column = 1
        var i = 0
        while i < end {
            let b = byte(i)
            if b == 0x0A {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return BSONError(kind, message, line: line, column: column)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(BSONError) {
        let start = position
        let n = literal.utf8CodeUnitCount
        let p = literal.utf8Start
        guard position + n <= count else { throw error("invalid literal", at: start) }
        for k in 0..<n where byte(position + k) != p[k] {
            throw error("invalid literal", at: start)
        }
        position += n
    }

    // MARK: Values

    private mutating func parseValue() throws(BSONError) -> (BSONValue, Shape) {
        guard position < count else { throw error("unexpected end of input: expected a value") }
        switch byte(position) {
        case UInt8(ascii: "{"):
            return try parseObject(isTopLevel: false)
        case UInt8(ascii: "["):
            return (try parseArray(), Shape(origin: .array))
        case UInt8(ascii: "\""):
            return (.string(try parseString().value), Shape(origin: .string))
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return (.bool(true), Shape(origin: .literal))
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return (.bool(false), Shape(origin: .literal))
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return (.null, Shape(origin: .literal))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        default:
            throw error("unexpected character: expected a JSON value")
        }
    }

    private mutating func enterContainer() throws(BSONError) {
        depth += 1
        if depth > options.maxDepth + 1 + Self.wrapperAllowance {
            throw error(
                "nesting deeper than the limit of \(options.maxDepth) levels",
                kind: .depthLimitExceeded
            )
        }
    }

    private mutating func parseArray() throws(BSONError) -> BSONValue {
        try enterContainer()
        position += 1
        var elements: [BSONValue] = []
        skipWhitespace()
        if position < count && byte(position) == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            let (value, _) = try parseValue()
            elements.append(value)
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input: unterminated array") }
            let c = byte(position)
            position += 1
            if c == UInt8(ascii: "]") { break }
            guard c == UInt8(ascii: ",") else { throw error("expected ',' or ']' in array", at: position - 1) }
        }
        depth -= 1
        return .array(elements)
    }

    private mutating func parseObject(isTopLevel: Bool) throws(BSONError) -> (BSONValue, Shape) {
        let start = position
        try enterContainer()
        position += 1
        var fields: [BSONDocument.Element] = []
        var shape = Shape(origin: .document)
        var firstShape = Shape(origin: .none)
        var sawWrapperKey = false
        skipWhitespace()
        if position < count && byte(position) == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return (.document(BSONDocument(elements: fields)), shape)
        }
        while true {
            skipWhitespace()
            guard position < count, byte(position) == UInt8(ascii: "\"") else {
                throw error(position < count ? "expected a string key in object" : "unexpected end of input")
            }
            let keyOffset = position
            let (key, keyHasNUL) = try parseString()
            if keyHasNUL { throw error("keys cannot contain a NUL character", at: keyOffset) }
            let kind = key.utf8.first == UInt8(ascii: "$") ? WrapperKey(key) : nil
            if kind != nil { sawWrapperKey = true }
            skipWhitespace()
            guard position < count, byte(position) == UInt8(ascii: ":") else {
                throw error("expected ':' after an object key")
            }
            position += 1
            skipWhitespace()
            let (value, valueShape) = try parseValue()
            if fields.count == 0 {
                shape.first = valueShape.origin
                firstShape = valueShape
            } else if fields.count == 1 {
                shape.second = valueShape.origin
            }
            skipWhitespace()
            if fields.isEmpty && !isTopLevel, let kind, position < count && byte(position) == UInt8(ascii: "}") {
                // A one-key wrapper such as {"$numberInt": "1"}: interpreted without building a field array.
                position += 1
                depth -= 1
                if let wrapped = try interpretSingleField(kind, key: key, value: value, shape: valueShape, at: start) {
                    return (wrapped, Shape(origin: .wrapper))
                }
                return (.document(BSONDocument(elements: [(key: key, value: value)])), shape)
            }
            fields.append((key: key, value: value))
            guard position < count else { throw error("unexpected end of input: unterminated object") }
            let c = byte(position)
            position += 1
            if c == UInt8(ascii: "}") { break }
            guard c == UInt8(ascii: ",") else { throw error("expected ',' or '}' in object", at: position - 1) }
        }
        depth -= 1
        if sawWrapperKey && !isTopLevel,
            let wrapped = try interpretWrapper(fields, firstShape: firstShape, secondOrigin: shape.second, at: start)
        {
            return (wrapped, Shape(origin: .wrapper))
        }
        return (.document(BSONDocument(elements: fields)), shape)
    }

    // MARK: Strings

    /// Parses a JSON string at the current `"`; also reports whether it contains U+0000.
    private mutating func parseString() throws(BSONError) -> (value: String, hasNUL: Bool) {
        let quote = position
        position += 1
        let start = position
        var highBits: UInt8 = 0
        while position < count {
            let b = byte(position)
            highBits |= b
            if b == UInt8(ascii: "\"") {
                let run = UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: position - start)
                position += 1
                guard highBits < 0x80 || validateUTF8(UnsafeRawBufferPointer(run)) else {
                    throw error("string is not valid UTF-8", at: quote)
                }
                return (String(decoding: run, as: UTF8.self), false)
            }
            if b == UInt8(ascii: "\\") { return try parseEscapedString(quote: quote, start: start) }
            if b < 0x20 { throw error("control characters must be escaped in strings") }
            position += 1
        }
        throw error("unterminated string", at: quote)
    }

    private mutating func parseEscapedString(quote: Int, start: Int) throws(BSONError) -> (value: String, hasNUL: Bool)
    {
        var bytes = [UInt8](UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: position - start))
        var hasNUL = false
        while position < count {
            let b = byte(position)
            if b == UInt8(ascii: "\"") {
                position += 1
                guard bytes.withUnsafeBytes({ validateUTF8($0) }) else {
                    throw error("string is not valid UTF-8", at: quote)
                }
                return (String(decoding: bytes, as: UTF8.self), hasNUL)
            }
            if b < 0x20 { throw error("control characters must be escaped in strings") }
            if b != UInt8(ascii: "\\") {
                bytes.append(b)
                position += 1
                continue
            }
            let escapeOffset = position
            position += 1
            guard position < count else { break }
            let e = byte(position)
            position += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4(escapeOffset: escapeOffset)
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard position + 1 < count, byte(position) == UInt8(ascii: "\\"),
                        byte(position + 1) == UInt8(ascii: "u")
                    else { throw error("unpaired UTF-16 surrogate in \\u escape", at: escapeOffset) }
                    position += 2
                    let low = try parseHex4(escapeOffset: escapeOffset)
                    guard low >= 0xDC00 && low <= 0xDFFF else {
                        throw error("unpaired UTF-16 surrogate in \\u escape", at: escapeOffset)
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw error("unpaired UTF-16 surrogate in \\u escape", at: escapeOffset)
                }
                if scalar == 0 { hasNUL = true }
                appendUTF8(scalar, to: &bytes)
            default:
                throw error("invalid escape sequence in string", at: escapeOffset)
            }
        }
        throw error("unterminated string", at: quote)
    }

    private mutating func parseHex4(escapeOffset: Int) throws(BSONError) -> UInt32 {
        guard position + 4 <= count else { throw error("truncated \\u escape", at: escapeOffset) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let d = hexValue(byte(position)) else { throw error("invalid \\u escape", at: escapeOffset) }
            v = v << 4 | UInt32(d)
            position += 1
        }
        return v
    }

    // MARK: Numbers

    /// Parses a JSON number: an integer literal becomes int32, else int64, else (out of range) double; a number
    /// with a fraction or exponent becomes a double.
    private mutating func parseNumber() throws(BSONError) -> (BSONValue, Shape) {
        let start = position
        var negative = false
        if byte(position) == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count, isDigit(byte(position)) else { throw error("invalid number", at: start) }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var mantissaOverflow = false
        var decimalExponent = 0
        if byte(position) == UInt8(ascii: "0") {
            position += 1
            if position < count && isDigit(byte(position)) {
                throw error("numbers cannot have leading zeros", at: start)
            }
        } else {
            while position < count, isDigit(byte(position)) {
                accumulate(byte(position), &mantissa, &significantDigits, &mantissaOverflow, &decimalExponent)
                position += 1
            }
        }
        var isInteger = true
        if position < count && byte(position) == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < count, isDigit(byte(position)) else {
                throw error("a decimal point must be followed by digits", at: start)
            }
            while position < count, isDigit(byte(position)) {
                accumulate(byte(position), &mantissa, &significantDigits, &mantissaOverflow, &decimalExponent)
                decimalExponent -= 1
                position += 1
            }
        }
        if position < count && (byte(position) == UInt8(ascii: "e") || byte(position) == UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            var exponentNegative = false
            if position < count && (byte(position) == UInt8(ascii: "+") || byte(position) == UInt8(ascii: "-")) {
                exponentNegative = byte(position) == UInt8(ascii: "-")
                position += 1
            }
            guard position < count, isDigit(byte(position)) else {
                throw error("an exponent must have digits", at: start)
            }
            var exponent = 0
            while position < count, isDigit(byte(position)) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(byte(position) &- UInt8(ascii: "0")) }
                position += 1
            }
            decimalExponent += exponentNegative ? -exponent : exponent
        }
        if isInteger && !mantissaOverflow && decimalExponent == 0 {
            if negative {
                if mantissa <= UInt64(Int32.max) + 1 {
                    return (.int32(Int32(truncatingIfNeeded: 0 &- Int64(mantissa))), Shape(origin: .integer))
                }
                if mantissa <= UInt64(Int64.max) + 1 {
                    return (.int64(Int64(truncatingIfNeeded: 0 &- mantissa)), Shape(origin: .integer))
                }
            } else {
                if mantissa <= UInt64(Int32.max) { return (.int32(Int32(mantissa)), Shape(origin: .integer)) }
                if mantissa <= UInt64(Int64.max) { return (.int64(Int64(mantissa)), Shape(origin: .integer)) }
            }
        }
        let origin: Origin = isInteger ? .integer : .nonInteger
        // Exact fast path (Clinger): the mantissa and the power of ten are both exact doubles.
        if !mantissaOverflow && mantissa <= (1 << 53) && decimalExponent >= -22 && decimalExponent <= 22 {
            var d = Double(mantissa)
            if decimalExponent < 0 {
                d /= exactPowersOfTen[-decimalExponent]
            } else {
                d *= exactPowersOfTen[decimalExponent]
            }
            return (.double(negative ? -d : d), Shape(origin: origin))
        }
        let text = String(
            decoding: UnsafeBufferPointer(start: base.unsafelyUnwrapped + start, count: position - start), as: UTF8.self
        )
        guard let d = Double(text) else { throw error("invalid number", at: start) }
        return (.double(d), Shape(origin: origin))
    }

    // MARK: Type wrappers

    /// Interprets an object whose keys include an Extended JSON wrapper key.
    ///
    /// Returns `nil` when the object is a plain document after all (a `$regex` query operator, a lone `$type`).
    /// Throws when a wrapper key appears with missing or extra keys or with values of the wrong type, as the
    /// Extended JSON specification requires.
    private func interpretWrapper(
        _ fields: [BSONDocument.Element],
        firstShape: Shape,
        secondOrigin: Origin,
        at start: Int
    ) throws(BSONError) -> BSONValue? {
        func fail(_ message: String) -> BSONError { error(message, at: start) }
        let k0 = WrapperKey(fields[0].key)
        if fields.count == 1 {
            guard let k0 else { return nil }
            return try interpretSingleField(
                k0, key: fields[0].key, value: fields[0].value, shape: firstShape, at: start)
        }
        let k1 = WrapperKey(fields[1].key)
        if fields.count == 2, let k0, let k1 {
            switch (k0, k1) {
            case (.code, .scope), (.scope, .code):
                let (code, scope) =
                    k0 == .code ? (fields[0].value, fields[1].value) : (fields[1].value, fields[0].value)
                let scopeOrigin = k0 == .code ? secondOrigin : firstShape.origin
                guard case .string(let c) = code else { throw fail("$code must be a string") }
                guard case .document(let s) = scope, scopeOrigin == .document else {
                    throw fail("$scope must be a document")
                }
                return .javascriptWithScope(BSONCodeWithScope(code: c, scope: s))
            case (.binary, .type), (.type, .binary):
                let (payload, type) =
                    k0 == .binary ? (fields[0].value, fields[1].value) : (fields[1].value, fields[0].value)
                guard options.allowsLegacyForms, case .string(let b64) = payload, case .string(let t) = type else {
                    throw fail("legacy $binary must be {\"$binary\": <base64 string>, \"$type\": <hex string>}")
                }
                return try makeBinary(base64: b64, subtype: t, fail)
            case (.regex, .options), (.options, .regex):
                let (pattern, flags) =
                    k0 == .regex ? (fields[0].value, fields[1].value) : (fields[1].value, fields[0].value)
                guard options.allowsLegacyForms, case .string(let p) = pattern, case .string(let o) = flags else {
                    return nil
                }
                return try makeRegex(pattern: p, options: o, fail)
            default:
                break
            }
        }
        // Any other combination: an error if a key belongs to a proper wrapper, else a plain document.
        for field in fields {
            if let key = WrapperKey(field.key), key.isStrict {
                throw fail("\(field.key) type wrapper has missing or unexpected keys")
            }
        }
        return nil
    }

    /// Interprets a one-key object whose key is a wrapper key (`{"$oid": …}`, `{"$numberLong": …}`, …).
    private func interpretSingleField(
        _ kind: WrapperKey, key: String, value: BSONValue, shape firstShape: Shape, at start: Int
    )
        throws(BSONError) -> BSONValue?
    {
        func fail(_ message: String) -> BSONError { error(message, at: start) }
        switch kind {
        case .oid:
            guard case .string(let s) = value, let id = try? ObjectID(parsing: s) else {
                throw fail("$oid must be a string of 24 hexadecimal digits")
            }
            return .objectID(id)
        case .symbol:
            guard case .string(let s) = value else { throw fail("$symbol must be a string") }
            return .symbol(s)
        case .numberInt:
            guard case .string(let s) = value, let v = parseStrictInteger(s), let i = Int32(exactly: v) else {
                throw fail("$numberInt must be a string holding a 32-bit integer")
            }
            return .int32(i)
        case .numberLong:
            guard case .string(let s) = value, let v = parseStrictInteger(s) else {
                throw fail("$numberLong must be a string holding a 64-bit integer")
            }
            return .int64(v)
        case .numberDouble:
            guard case .string(let s) = value, let d = parseDoubleString(s) else {
                throw fail("$numberDouble must be a string holding a decimal number, Infinity, -Infinity or NaN")
            }
            return .double(d)
        case .numberDecimal:
            guard case .string(let s) = value else { throw fail("$numberDecimal must be a string") }
            do {
                return .decimal128(try Decimal128(parsing: s))
            } catch {
                throw fail("$numberDecimal: \(error.message)")
            }
        case .binary:
            guard case .document(let body) = value, firstShape.origin == .document, body.count == 2 else {
                throw fail("$binary must be {\"base64\": <string>, \"subType\": <hex string>}")
            }
            var base64: String?
            var subType: String?
            for (key, v) in body {
                guard case .string(let s) = v else {
                    throw fail("$binary base64 and subType must be strings")
                }
                if key == "base64" && base64 == nil {
                    base64 = s
                } else if key == "subType" && subType == nil {
                    subType = s
                } else {
                    throw fail("$binary must have exactly the keys base64 and subType")
                }
            }
            return try makeBinary(base64: base64!, subtype: subType!, fail)
        case .uuid:
            guard case .string(let s) = value, let bytes = parseUUIDBytes(s) else {
                throw fail("$uuid must be a UUID string such as 73ffd264-44b3-4c69-90e8-e7d1dfc035d4")
            }
            return .binary(BSONBinary(subtype: .uuid, bytes: bytes))
        case .code:
            guard case .string(let s) = value else { throw fail("$code must be a string") }
            return .javascript(s)
        case .scope:
            throw fail("$scope must come with $code")
        case .timestamp:
            guard case .document(let body) = value, firstShape.origin == .document, body.count == 2,
                firstShape.first == .integer, firstShape.second == .integer
            else {
                throw fail("$timestamp must be {\"t\": <integer>, \"i\": <integer>}")
            }
            var t: UInt32?
            var i: UInt32?
            for (key, v) in body {
                guard let n = v.int64Value, v.type == .int32 || v.type == .int64, let u = UInt32(exactly: n)
                else {
                    throw fail("$timestamp t and i must be integers from 0 to 4294967295")
                }
                if key == "t" && t == nil {
                    t = u
                } else if key == "i" && i == nil {
                    i = u
                } else {
                    throw fail("$timestamp must have exactly the keys t and i")
                }
            }
            return .timestamp(BSONTimestamp(timestamp: t!, increment: i!))
        case .regularExpression:
            guard case .document(let body) = value, firstShape.origin == .document, body.count == 2 else {
                throw fail("$regularExpression must be {\"pattern\": <string>, \"options\": <string>}")
            }
            var pattern: String?
            var flags: String?
            for (key, v) in body {
                guard case .string(let s) = v else {
                    throw fail("$regularExpression pattern and options must be strings")
                }
                if key == "pattern" && pattern == nil {
                    pattern = s
                } else if key == "options" && flags == nil {
                    flags = s
                } else {
                    throw fail("$regularExpression must have exactly the keys pattern and options")
                }
            }
            return try makeRegex(pattern: pattern!, options: flags!, fail)
        case .dbPointer:
            guard case .document(let body) = value, firstShape.origin == .document, body.count == 2 else {
                throw fail("$dbPointer must be {\"$ref\": <string>, \"$id\": {\"$oid\": <hex string>}}")
            }
            var namespace: String?
            var id: ObjectID?
            for (key, v) in body {
                if key == "$ref", namespace == nil, case .string(let s) = v {
                    namespace = s
                } else if key == "$id", id == nil, case .objectID(let o) = v {
                    id = o
                } else {
                    throw fail("$dbPointer must have exactly a string $ref and an ObjectId $id")
                }
            }
            return .dbPointer(BSONDBPointer(namespace: namespace!, id: id!))
        case .date:
            switch value {
            case .string(let s):
                guard let ms = parseISODate(s) else {
                    throw fail("$date string must be an ISO-8601 date-time such as 1970-01-01T00:00:00Z")
                }
                return .datetime(ms)
            case .int64(let ms) where firstShape.origin == .wrapper:
                return .datetime(ms)
            default:
                throw fail("$date must be an ISO-8601 string or {\"$numberLong\": <string>}")
            }
        case .minKey, .maxKey:
            guard case .int32(1) = value, firstShape.origin == .integer else {
                throw fail("\(key) must be 1")
            }
            return kind == .minKey ? .minKey : .maxKey
        case .undefined:
            guard case .bool(true) = value else { throw fail("$undefined must be true") }
            return .undefined
        case .regex, .options, .type:
            return nil
        }
    }

    private func makeBinary(base64: String, subtype: String, _ fail: (String) -> BSONError) throws(BSONError)
        -> BSONValue
    {
        let hex = Array(subtype.utf8)
        guard hex.count == 1 || hex.count == 2 else { throw fail("binary subType must be 1 or 2 hex digits") }
        var sub: UInt8 = 0
        for c in hex {
            guard let v = hexValue(c) else { throw fail("binary subType must be 1 or 2 hex digits") }
            sub = sub << 4 | v
        }
        guard let bytes = decodeBase64(base64) else { throw fail("binary payload is not valid padded base64") }
        return .binary(BSONBinary(subtype: BSONBinary.Subtype(sub), bytes: bytes))
    }

    private func makeRegex(pattern: String, options: String, _ fail: (String) -> BSONError) throws(BSONError)
        -> BSONValue
    {
        guard !pattern.utf8.contains(0), !options.utf8.contains(0) else {
            throw fail("regular expression pattern and options cannot contain a NUL character")
        }
        return .regex(BSONRegex(pattern: pattern, options: options))
    }
}

/// The `$`-keys of Extended JSON type wrappers.
enum WrapperKey {
    case oid, symbol, numberInt, numberLong, numberDouble, numberDecimal, binary, code, scope, timestamp
    case regularExpression, dbPointer, date, minKey, maxKey, undefined, uuid
    /// Legacy or query-operator keys: they form a wrapper only in specific shapes, else a plain document.
    case regex, options, type

    init?(_ key: String) {
        guard key.utf8.first == UInt8(ascii: "$") else { return nil }
        switch key {
        case "$oid": self = .oid
        case "$symbol": self = .symbol
        case "$numberInt": self = .numberInt
        case "$numberLong": self = .numberLong
        case "$numberDouble": self = .numberDouble
        case "$numberDecimal": self = .numberDecimal
        case "$binary": self = .binary
        case "$code": self = .code
        case "$scope": self = .scope
        case "$timestamp": self = .timestamp
        case "$regularExpression": self = .regularExpression
        case "$dbPointer": self = .dbPointer
        case "$date": self = .date
        case "$minKey": self = .minKey
        case "$maxKey": self = .maxKey
        case "$undefined": self = .undefined
        case "$uuid": self = .uuid
        case "$regex": self = .regex
        case "$options": self = .options
        case "$type": self = .type
        default: return nil
        }
    }

    /// Whether the key always denotes a wrapper, so other keys next to it are an error.
    var isStrict: Bool {
        switch self {
        case .regex, .options, .type: false
        default: true
        }
    }
}

private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
    1e19, 1e20, 1e21, 1e22,
]

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

/// Adds one digit to a decimal mantissa; digits past 19 significant ones only shift the exponent (and mark the
/// mantissa inexact, so the slow, correctly rounded path is taken).
@inline(__always) private func accumulate(
    _ c: UInt8,
    _ mantissa: inout UInt64,
    _ significantDigits: inout Int,
    _ overflow: inout Bool,
    _ exponent: inout Int
) {
    let digit = UInt64(c &- UInt8(ascii: "0"))
    if significantDigits < 19 {
        mantissa = mantissa &* 10 &+ digit
        if mantissa != 0 { significantDigits += 1 }
    } else {
        overflow = true
        exponent += 1
    }
}

/// Appends the UTF-8 encoding of a Unicode scalar value.
private func appendUTF8(_ scalar: UInt32, to bytes: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        bytes.append(UInt8(scalar))
    case 0x80..<0x800:
        bytes.append(UInt8(0xC0 | scalar >> 6))
        bytes.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        bytes.append(UInt8(0xE0 | scalar >> 12))
        bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | scalar & 0x3F))
    default:
        bytes.append(UInt8(0xF0 | scalar >> 18))
        bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        bytes.append(UInt8(0x80 | scalar & 0x3F))
    }
}

/// Parses `-?[0-9]+` into an Int64; `nil` on any other text or overflow.
func parseStrictInteger(_ s: String) -> Int64? {
    var utf8 = s.utf8[...]
    let negative = utf8.first == UInt8(ascii: "-")
    if negative { utf8 = utf8.dropFirst() }
    guard !utf8.isEmpty else { return nil }
    var magnitude: UInt64 = 0
    for c in utf8 {
        guard isDigit(c) else { return nil }
        let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt64(c &- UInt8(ascii: "0")))
        guard !o1 && !o2 else { return nil }
        magnitude = sum
    }
    if negative {
        guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
        return Int64(truncatingIfNeeded: 0 &- magnitude)
    }
    return Int64(exactly: magnitude)
}

/// Parses a `$numberDouble` string: `Infinity`, `-Infinity`, `NaN`, or a decimal number such as `1.0`, `-1.5E+20`
/// or `1e100` (JSON number syntax, except that leading zeros and a missing integer part are tolerated).
func parseDoubleString(_ s: String) -> Double? {
    switch s {
    case "Infinity": return .infinity
    case "-Infinity": return -.infinity
    case "NaN": return .nan
    default: break
    }
    var digits = 0
    var dots = 0
    var sawExponent = false
    var previous: UInt8 = 0
    var first = true
    for c in s.utf8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            if !sawExponent { digits += 1 }
        case UInt8(ascii: "-"), UInt8(ascii: "+"):
            guard first && c == UInt8(ascii: "-") || previous == UInt8(ascii: "e") || previous == UInt8(ascii: "E")
            else { return nil }
        case UInt8(ascii: "."):
            guard !sawExponent else { return nil }
            dots += 1
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            guard !sawExponent, digits > 0 else { return nil }
            sawExponent = true
        default:
            return nil
        }
        previous = c
        first = false
    }
    guard digits > 0, dots <= 1 else { return nil }
    guard let d = Double(s), d.isFinite else { return nil }
    return d
}
