/// MongoDB's text forms of values, as its error messages print them (`BSONElement::toString`):
/// `{ a: 1, b: "x" }`, `[ 1, 2 ]`, `ObjectId('…')`, and elements as `name: value`.
enum UpdateText {
    /// A value as MongoDB prints it inside messages.
    static func value(_ value: BSONValue) -> String {
        switch value {
        case .double(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            if d == d.rounded(), abs(d) < 1e16 { return "\(Int64(d)).0" }
            return "\(d)"
        case .string(let s): return "\"\(s)\""
        case .document(let d): return document(d)
        case .array(let a):
            if a.isEmpty { return "[]" }
            return "[ " + a.map { UpdateText.value($0) }.joined(separator: ", ") + " ]"
        case .binary(let b):
            let hex = b.bytes.map { byte in
                let digits = Array("0123456789ABCDEF")
                return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
            }.joined()
            return "BinData(\(b.subtype.rawValue), \(hex))"
        case .undefined: return "undefined"
        case .objectID(let o): return "ObjectId('\(o.hex)')"
        case .bool(let b): return b ? "true" : "false"
        case .datetime(let ms): return "new Date(\(ms))"
        case .null: return "null"
        case .regex(let r): return "/\(r.pattern)/\(r.options)"
        case .dbPointer(let p): return "DBRef('\(p.namespace)', '\(p.id.hex)')"
        case .javascript(let code): return code
        case .symbol(let s): return s
        case .javascriptWithScope(let c): return "CodeWScope( \(c.code), \(document(c.scope)))"
        case .int32(let i): return "\(i)"
        case .timestamp(let t): return "Timestamp(\(t.timestamp), \(t.increment))"
        case .int64(let i): return "\(i)"
        case .decimal128(let d): return "NumberDecimal(\"\(d)\")"
        case .minKey: return "MinKey"
        case .maxKey: return "MaxKey"
        }
    }

    /// A document: `{ a: 1, b: 2 }`, or `{}` when empty.
    static func document(_ document: BSONDocument) -> String {
        if document.isEmpty { return "{}" }
        return "{ " + document.map { element($0.key, $0.value) }.joined(separator: ", ") + " }"
    }

    /// An element: `name: value`.
    static func element(_ name: String, _ value: BSONValue) -> String { "\(name): \(UpdateText.value(value))" }

    /// A number tagged with its type, as `SafeNum::debugString` prints it: `(NumberLong)5`.
    static func taggedNumber(_ value: BSONValue) -> String {
        switch value {
        case .int32(let i): return "(NumberInt)\(i)"
        case .int64(let i): return "(NumberLong)\(i)"
        case .double(let d): return "(NumberDouble)\(d)"
        case .decimal128(let d): return "(NumberDecimal)\(d)"
        default: return UpdateText.value(value)
        }
    }

    /// The `_id` element of a document for messages (`_id: 1`), or `no id`.
    static func idElement(_ id: BSONValue?) -> String {
        guard let id else { return "no id" }
        return element("_id", id)
    }
}
