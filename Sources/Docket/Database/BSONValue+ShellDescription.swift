extension BSONValue {
    /// The value as mongod prints it in error messages (`{ _id: 1 }`, `"abc"`, `ObjectId('…')`).
    var shellDescription: String {
        switch self {
        case .double(let d):
            if d.isNaN { return "nan.0" }
            if d.isInfinite { return d < 0 ? "-inf.0" : "inf.0" }
            return d.description
        case .string(let s): return "\"\(s)\""
        case .document(let d): return d.shellDescription
        case .array(let a): return a.isEmpty ? "[]" : "[ " + a.map(\.shellDescription).joined(separator: ", ") + " ]"
        case .binary(let b): return "BinData(\(b.subtype.rawValue), \(b.bytes.map { hexByte($0) }.joined()))"
        case .undefined: return "undefined"
        case .objectID(let o): return "ObjectId('\(o.hex)')"
        case .bool(let b): return b ? "true" : "false"
        case .datetime(let ms): return "new Date(\(ms))"
        case .null: return "null"
        case .regex(let r): return "/\(r.pattern)/\(r.options)"
        case .dbPointer(let p): return "DBRef('\(p.namespace)', '\(p.id.hex)')"
        case .javascript(let code): return code
        case .symbol(let s): return "\"\(s)\""
        case .javascriptWithScope(let c): return c.code
        case .int32(let v): return String(v)
        case .timestamp(let t): return "Timestamp(\(t.timestamp), \(t.increment))"
        case .int64(let v): return String(v)
        case .decimal128(let d): return "\(d)"
        case .minKey: return "MinKey"
        case .maxKey: return "MaxKey"
        }
    }
}

extension BSONDocument {
    /// The document as mongod prints it in error messages: `{ a: 1, b: "x" }`.
    var shellDescription: String {
        isEmpty ? "{}" : "{ " + map { "\($0.key): \($0.value.shellDescription)" }.joined(separator: ", ") + " }"
    }
}

private func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}
