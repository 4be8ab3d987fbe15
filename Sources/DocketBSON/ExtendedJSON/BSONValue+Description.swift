extension BSONValue: CustomStringConvertible {
    /// The value as relaxed Extended JSON (`"Ada"`, `42`, `{"$oid":"…"}`), as mongosh users read it.
    public var description: String { extendedJSONString(mode: .relaxed) }
}

extension BSONDocument: CustomStringConvertible {
    /// The document as relaxed Extended JSON on one line.
    public var description: String { extendedJSONString(mode: .relaxed) }
}
