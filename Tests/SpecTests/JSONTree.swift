/// A plain JSON tree used to compare Extended JSON texts after normalisation, independently of the library's
/// own Extended JSON parser.
///
/// Object members keep their order (BSON documents are ordered), strings compare by Unicode scalars (so `"é"`
/// equals `"\u00e9"` but not a decomposed `e` + accent), integers compare by value, and numbers with a fraction
/// or exponent compare as doubles bit for bit (so `1.0E+20` equals `1e20`, and `-0.0` differs from `0.0`).
indirect enum JSONTree: CustomStringConvertible {
    case object([(key: String, value: JSONTree)])
    case array([JSONTree])
    case string(String)
    /// An integer literal, kept as its digits so any size compares exactly.
    case integer(String)
    case nonInteger(Double)
    case bool(Bool)
    case null

    /// Parses JSON text, or says what is wrong with it.
    static func parse(_ text: String) -> Result<JSONTree, JSONTreeError> {
        var parser = JSONTreeParser(bytes: Array(text.utf8))
        do throws(JSONTreeError) {
            parser.skipWhitespace()
            let tree = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.position == parser.bytes.count else { throw JSONTreeError("trailing characters") }
            return .success(tree)
        } catch {
            return .failure(error)
        }
    }

    func isSame(as other: JSONTree) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            return a.count == b.count
                && zip(a, b).allSatisfy {
                    $0.key.unicodeScalars.elementsEqual($1.key.unicodeScalars) && $0.value.isSame(as: $1.value)
                }
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isSame(as: $1) }
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.integer(let a), .integer(let b)):
            return normalizedInteger(a) == normalizedInteger(b)
        case (.nonInteger(let a), .nonInteger(let b)):
            return a.bitPattern == b.bitPattern
        case (.bool(let a), .bool(let b)):
            return a == b
        case (.null, .null):
            return true
        default:
            return false
        }
    }

    var description: String {
        switch self {
        case .object(let members):
            return "{" + members.map { "\($0.key.debugDescription): \($0.value)" }.joined(separator: ", ") + "}"
        case .array(let elements):
            return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .string(let s): return s.debugDescription
        case .integer(let s): return s
        case .nonInteger(let d): return "\(d)"
        case .bool(let b): return "\(b)"
        case .null: return "null"
        }
    }
}

private func normalizedInteger(_ s: String) -> String {
    if let v = Int64(s) { return String(v) }
    return s
}

struct JSONTreeError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

private struct JSONTreeParser {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    mutating func parseValue(depth: Int) throws(JSONTreeError) -> JSONTree {
        guard depth < 1000 else { throw JSONTreeError("too deep") }
        guard position < bytes.count else { throw JSONTreeError("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(key: String, value: JSONTree)] = []
            skipWhitespace()
            if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                let key = try parseString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                members.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                if try next() == UInt8(ascii: "}") { return .object(members) }
            }
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONTree] = []
            skipWhitespace()
            if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                if try next() == UInt8(ascii: "]") { return .array(elements) }
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        default:
            let start = position
            var isInteger = true
            while position < bytes.count, let c = Optional(bytes[position]),
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
                    || [UInt8(ascii: "-"), UInt8(ascii: "+")].contains(c)
                    || [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(c)
            {
                if [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(c) { isInteger = false }
                position += 1
            }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            guard !text.isEmpty else { throw JSONTreeError("unexpected character at \(start)") }
            if isInteger {
                guard text.wholeMatch(of: /-?(0|[1-9][0-9]*)/) != nil else { throw JSONTreeError("bad number") }
                return .integer(text)
            }
            guard let d = Double(text) else { throw JSONTreeError("bad number \(text)") }
            return .nonInteger(d)
        }
    }

    mutating func next() throws(JSONTreeError) -> UInt8 {
        guard position < bytes.count else { throw JSONTreeError("unexpected end") }
        let c = bytes[position]
        position += 1
        guard c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") else {
            throw JSONTreeError("expected a separator at \(position - 1)")
        }
        return c
    }

    mutating func expect(_ c: UInt8) throws(JSONTreeError) {
        guard position < bytes.count, bytes[position] == c else { throw JSONTreeError("expected \(c)") }
        position += 1
    }

    mutating func literal(_ word: String) throws(JSONTreeError) {
        for c in word.utf8 { try expect(c) }
    }

    mutating func parseHex4() throws(JSONTreeError) -> UInt32 {
        guard position + 4 <= bytes.count,
            let v = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else { throw JSONTreeError("bad \\u escape") }
        position += 4
        return v
    }

    mutating func parseString() throws(JSONTreeError) -> String {
        try expect(UInt8(ascii: "\""))
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() throws(JSONTreeError) {
            guard !raw.isEmpty else { return }
            guard let s = String(validating: raw, as: UTF8.self) else { throw JSONTreeError("bad UTF-8") }
            scalars.append(contentsOf: s.unicodeScalars)
            raw.removeAll()
        }
        while position < bytes.count {
            let c = bytes[position]
            position += 1
            switch c {
            case UInt8(ascii: "\""):
                try flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush()
                guard position < bytes.count else { throw JSONTreeError("bad escape") }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): raw.append(e)
                case UInt8(ascii: "b"): raw.append(0x08)
                case UInt8(ascii: "f"): raw.append(0x0C)
                case UInt8(ascii: "n"): raw.append(0x0A)
                case UInt8(ascii: "r"): raw.append(0x0D)
                case UInt8(ascii: "t"): raw.append(0x09)
                case UInt8(ascii: "u"):
                    var v = try parseHex4()
                    if (0xD800...0xDBFF).contains(v) {
                        try expect(UInt8(ascii: "\\"))
                        try expect(UInt8(ascii: "u"))
                        let low = try parseHex4()
                        v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(v) else { throw JSONTreeError("bad scalar") }
                    scalars.append(scalar)
                default:
                    throw JSONTreeError("bad escape")
                }
            default:
                guard c >= 0x20 else { throw JSONTreeError("raw control character") }
                raw.append(c)
            }
        }
        throw JSONTreeError("unterminated string")
    }
}
