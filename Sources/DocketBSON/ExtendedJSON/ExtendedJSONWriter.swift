/// Writes Extended JSON v2 as UTF-8 bytes into a growing buffer.
///
/// Every value is appended byte by byte (integers digit by digit, hex and base64 from tables), so writing
/// allocates only when the buffer grows. The one exception is a double with a long shortest representation,
/// whose digits come from `Double.description`.
struct ExtendedJSONWriter {
    var out: [UInt8]
    let mode: ExtendedJSONMode
    let pretty: Bool
    private var indentLevel = 0

    init(mode: ExtendedJSONMode, pretty: Bool, capacity: Int = 256) {
        out = []
        out.reserveCapacity(capacity)
        self.mode = mode
        self.pretty = pretty
    }

    init(appendingTo buffer: [UInt8], mode: ExtendedJSONMode, pretty: Bool) {
        out = buffer
        self.mode = mode
        self.pretty = pretty
    }

    // MARK: Structure

    mutating func writeDocument(_ document: BSONDocument) {
        if document.isEmpty {
            ascii("{}")
            return
        }
        out.append(UInt8(ascii: "{"))
        indentLevel += 1
        var first = true
        for (key, value) in document {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            newline()
            writeString(key)
            keySeparator()
            writeValue(value)
        }
        indentLevel -= 1
        newline()
        out.append(UInt8(ascii: "}"))
    }

    mutating func writeArray(_ array: [BSONValue]) {
        if array.isEmpty {
            ascii("[]")
            return
        }
        out.append(UInt8(ascii: "["))
        indentLevel += 1
        var first = true
        for value in array {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            newline()
            writeValue(value)
        }
        indentLevel -= 1
        newline()
        out.append(UInt8(ascii: "]"))
    }

    @inline(__always) private mutating func newline() {
        guard pretty else { return }
        out.append(UInt8(ascii: "\n"))
        for _ in 0..<indentLevel {
            out.append(UInt8(ascii: " "))
            out.append(UInt8(ascii: " "))
        }
    }

    /// `:` between a key and its value (`: ` when pretty).
    @inline(__always) private mutating func keySeparator() {
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
    }

    /// `,` between the members of a type wrapper (`, ` when pretty); wrappers always stay on one line.
    @inline(__always) private mutating func memberSeparator() {
        out.append(UInt8(ascii: ","))
        if pretty { out.append(UInt8(ascii: " ")) }
    }

    /// Writes `{"<key>":` for a type wrapper; the caller writes the value and the closing brace.
    @inline(__always) private mutating func openWrapper(_ key: StaticString) {
        out.append(UInt8(ascii: "{"))
        quotedASCII(key)
        keySeparator()
    }

    /// Writes `,"<key>":` inside a type wrapper.
    @inline(__always) private mutating func wrapperMember(_ key: StaticString) {
        memberSeparator()
        quotedASCII(key)
        keySeparator()
    }

    @inline(__always) private mutating func close() { out.append(UInt8(ascii: "}")) }

    // MARK: Values

    mutating func writeValue(_ value: BSONValue) {
        switch value {
        case .double(let d):
            writeDouble(d)
        case .string(let s):
            writeString(s)
        case .document(let d):
            writeDocument(d)
        case .array(let a):
            writeArray(a)
        case .binary(let b):
            openWrapper("$binary")
            out.append(UInt8(ascii: "{"))
            quotedASCII("base64")
            keySeparator()
            out.append(UInt8(ascii: "\""))
            appendBase64(b.bytes, to: &out)
            out.append(UInt8(ascii: "\""))
            wrapperMember("subType")
            out.append(UInt8(ascii: "\""))
            hexByte(b.subtype.rawValue)
            out.append(UInt8(ascii: "\""))
            close()
            close()
        case .undefined:
            openWrapper("$undefined")
            ascii("true")
            close()
        case .objectID(let id):
            openWrapper("$oid")
            writeObjectID(id)
            close()
        case .bool(let b):
            ascii(b ? "true" : "false")
        case .datetime(let ms):
            writeDate(ms)
        case .null:
            ascii("null")
        case .regex(let r):
            openWrapper("$regularExpression")
            out.append(UInt8(ascii: "{"))
            quotedASCII("pattern")
            keySeparator()
            writeString(r.pattern)
            wrapperMember("options")
            writeString(r.options)
            close()
            close()
        case .dbPointer(let p):
            openWrapper("$dbPointer")
            out.append(UInt8(ascii: "{"))
            quotedASCII("$ref")
            keySeparator()
            writeString(p.namespace)
            wrapperMember("$id")
            openWrapper("$oid")
            writeObjectID(p.id)
            close()
            close()
            close()
        case .javascript(let code):
            openWrapper("$code")
            writeString(code)
            close()
        case .symbol(let s):
            openWrapper("$symbol")
            writeString(s)
            close()
        case .javascriptWithScope(let c):
            openWrapper("$code")
            writeString(c.code)
            wrapperMember("$scope")
            writeDocument(c.scope)
            close()
        case .int32(let i):
            if mode == .relaxed {
                appendDecimal(Int64(i), to: &out)
            } else {
                openWrapper("$numberInt")
                out.append(UInt8(ascii: "\""))
                appendDecimal(Int64(i), to: &out)
                out.append(UInt8(ascii: "\""))
                close()
            }
        case .timestamp(let t):
            openWrapper("$timestamp")
            out.append(UInt8(ascii: "{"))
            quotedASCII("t")
            keySeparator()
            appendDecimal(Int64(t.timestamp), to: &out)
            wrapperMember("i")
            appendDecimal(Int64(t.increment), to: &out)
            close()
            close()
        case .int64(let i):
            if mode == .relaxed {
                appendDecimal(i, to: &out)
            } else {
                writeNumberLong(i)
            }
        case .decimal128(let d):
            openWrapper("$numberDecimal")
            writeString(d.description)
            close()
        case .minKey:
            openWrapper("$minKey")
            out.append(UInt8(ascii: "1"))
            close()
        case .maxKey:
            openWrapper("$maxKey")
            out.append(UInt8(ascii: "1"))
            close()
        }
    }

    private mutating func writeNumberLong(_ i: Int64) {
        openWrapper("$numberLong")
        out.append(UInt8(ascii: "\""))
        appendDecimal(i, to: &out)
        out.append(UInt8(ascii: "\""))
        close()
    }

    private mutating func writeDouble(_ d: Double) {
        if d.isFinite {
            if mode == .relaxed {
                appendDoubleDecimal(d, to: &out)
                return
            }
            openWrapper("$numberDouble")
            out.append(UInt8(ascii: "\""))
            appendDoubleDecimal(d, to: &out)
            out.append(UInt8(ascii: "\""))
            close()
        } else {
            openWrapper("$numberDouble")
            if d.isNaN {
                quotedASCII("NaN")
            } else {
                quotedASCII(d < 0 ? "-Infinity" : "Infinity")
            }
            close()
        }
    }

    private mutating func writeDate(_ ms: Int64) {
        openWrapper("$date")
        if mode == .relaxed && ms >= 0 && ms <= maxISODateMilliseconds {
            out.append(UInt8(ascii: "\""))
            appendISODate(milliseconds: ms, to: &out)
            out.append(UInt8(ascii: "\""))
        } else {
            writeNumberLong(ms)
        }
        close()
    }

    private mutating func writeObjectID(_ id: ObjectID) {
        out.append(UInt8(ascii: "\""))
        for shift in stride(from: 24, through: 0, by: -8) {
            hexByte(UInt8(truncatingIfNeeded: id.high >> UInt32(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            hexByte(UInt8(truncatingIfNeeded: id.low >> UInt64(shift)))
        }
        out.append(UInt8(ascii: "\""))
    }

    // MARK: Primitives

    @inline(__always) private mutating func hexByte(_ b: UInt8) {
        out.append(lowerHexDigits[Int(b >> 4)])
        out.append(lowerHexDigits[Int(b & 0xF)])
    }

    @inline(__always) private mutating func ascii(_ s: StaticString) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    @inline(__always) private mutating func quotedASCII(_ s: StaticString) {
        out.append(UInt8(ascii: "\""))
        s.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
    }

    /// Writes a JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX` escapes,
    /// everything else (including non-ASCII) as UTF-8.
    mutating func writeString(_ s: String) {
        var s = s
        s.withUTF8 { appendJSONString($0, to: &out) }
    }
}

/// The largest datetime (in ms) that relaxed Extended JSON writes as an ISO-8601 string: 9999-12-31T23:59:59.999Z.
let maxISODateMilliseconds: Int64 = 253_402_300_799_999

private let lowerHexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Appends a quoted, escaped JSON string made of the UTF-8 bytes `bytes`.
func appendJSONString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var runStart = 0
    var i = 0
    let n = bytes.count
    while i < n {
        let b = bytes[i]
        if b >= 0x20 && b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\") {
            i += 1
            continue
        }
        if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
        out.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(lowerHexDigits[Int(b >> 4)])
            out.append(lowerHexDigits[Int(b & 0xF)])
        }
        i += 1
        runStart = i
    }
    if runStart < n { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
    out.append(UInt8(ascii: "\""))
}

/// Appends the decimal digits of `value` (with a leading `-` when negative) without allocating.
func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    if magnitude < 10 {
        out.append(UInt8(ascii: "0") &+ UInt8(magnitude))
        return
    }
    var digits = 0
    var probe = magnitude
    while probe > 0 {
        digits += 1
        probe /= 10
    }
    let start = out.count
    out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
    var position = start + digits - 1
    while magnitude > 0 {
        out[position] = UInt8(ascii: "0") &+ UInt8(magnitude % 10)
        magnitude /= 10
        position -= 1
    }
}

/// Appends a finite double in Extended JSON's decimal form: the shortest digits that round-trip, always with a
/// fraction or an exponent so the text reads back as a double.
///
/// Magnitudes in [1e-4, 1e16) use fixed notation (`1.0`, `-0.0`, `0.0001`, `1234.5`); others use scientific
/// notation with an upper-case `E` and an explicit exponent sign (`1.0E+16`, `1.2345678921232E+18`, `5.0E-324`),
/// the forms the BSON corpus uses.
func appendDoubleDecimal(_ d: Double, to out: inout [UInt8]) {
    precondition(d.isFinite, "only finite doubles have a decimal form")
    if d == 0 {
        if d.sign == .minus { out.append(UInt8(ascii: "-")) }
        out.append(UInt8(ascii: "0"))
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0"))
        return
    }
    withShortestDigits(of: d) { digits, scientificExponent, negative in
        let significant = digits.count
        if negative { out.append(UInt8(ascii: "-")) }
        if scientificExponent >= -4 && scientificExponent < 16 {
            if scientificExponent >= 0 {
                let integerDigits = scientificExponent + 1
                for k in 0..<integerDigits {
                    out.append(k < significant ? digits[k] : UInt8(ascii: "0"))
                }
                out.append(UInt8(ascii: "."))
                if significant > integerDigits {
                    for k in integerDigits..<significant { out.append(digits[k]) }
                } else {
                    out.append(UInt8(ascii: "0"))
                }
            } else {
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "."))
                for _ in 0..<(-scientificExponent - 1) { out.append(UInt8(ascii: "0")) }
                for k in 0..<significant { out.append(digits[k]) }
            }
        } else {
            out.append(digits[0])
            out.append(UInt8(ascii: "."))
            if significant > 1 {
                for k in 1..<significant { out.append(digits[k]) }
            } else {
                out.append(UInt8(ascii: "0"))
            }
            out.append(UInt8(ascii: "E"))
            out.append(scientificExponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            appendDecimal(Int64(scientificExponent.magnitude), to: &out)
        }
    }
}
