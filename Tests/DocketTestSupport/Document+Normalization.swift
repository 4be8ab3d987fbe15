import DocketBSON

extension Document {
    /// The document as BSON stores it: every regex's options sorted, as the BSON specification requires writers
    /// to do. Decoding the encoding of `self` gives a document identical to this one.
    public var sortingRegexOptions: Document {
        Document(elements: map { (key: $0.key, value: $0.value.sortingRegexOptions) })
    }
}

extension BSONValue {
    /// The value with every regex's options sorted, recursively (see ``Document/sortingRegexOptions``).
    public var sortingRegexOptions: BSONValue {
        switch self {
        case .document(let d): return .document(d.sortingRegexOptions)
        case .array(let a): return .array(a.map(\.sortingRegexOptions))
        case .regex(let r): return .regex(BSONRegex(pattern: r.pattern, options: r.sortedOptions))
        case .javascriptWithScope(let c):
            return .javascriptWithScope(CodeWithScope(code: c.code, scope: c.scope.sortingRegexOptions))
        default: return self
        }
    }
}
