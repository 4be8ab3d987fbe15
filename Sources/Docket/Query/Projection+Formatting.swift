// Values rendered as MongoDB renders a BSON element in error messages (`a: "x"`, `{ b: 1 }`, `[ 1, 2 ]`), for the
// projection and sort errors that quote the offending element.

enum ProjectionFormatting {
    /// A value as MongoDB's `BSONElement::toString` prints it.
    static func describe(_ value: BSONValue) -> String {
        switch value {
        case .double(let d):
            if d.isNaN { return "nan.0" }
            if d.isInfinite { return d < 0 ? "-inf.0" : "inf.0" }
            if d == d.rounded(.towardZero) && abs(d) < 1e15 { return "\(Int64(d)).0" }
            return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .document(let document): return describe(document)
        case .array(let array):
            return array.isEmpty ? "[]" : "[ " + array.map(describe).joined(separator: ", ") + " ]"
        case .binary(let b): return "BinData(\(b.subtype.rawValue), \(b.bytes.count) bytes)"
        case .undefined: return "undefined"
        case .objectID(let id): return "ObjectId('\(id.hex)')"
        case .bool(let b): return b ? "true" : "false"
        case .datetime(let ms): return "new Date(\(ms))"
        case .null: return "null"
        case .regex(let r): return "/\(r.pattern)/\(r.options)"
        case .dbPointer(let p): return "DBRef('\(p.namespace)', '\(p.id.hex)')"
        case .javascript(let code): return code
        case .symbol(let s): return s
        case .javascriptWithScope(let c): return c.code
        case .int32(let i): return "\(i)"
        case .timestamp(let t): return "Timestamp(\(t.timestamp), \(t.increment))"
        case .int64(let i): return "\(i)"
        case .decimal128(let d): return "NumberDecimal(\"\(d)\")"
        case .minKey: return "MinKey"
        case .maxKey: return "MaxKey"
        }
    }

    /// A document as MongoDB prints it: `{ a: 1, b: "x" }`.
    static func describe(_ document: BSONDocument) -> String {
        document.isEmpty
            ? "{}" : "{ " + document.map { "\($0.key): \(describe($0.value))" }.joined(separator: ", ") + " }"
    }
}
