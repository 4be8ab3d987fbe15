/// The text forms of update error messages that are not plain values (those come from ``BSONPrinter/updateMessage``).
enum UpdateText {
    /// A number tagged with its type, as `SafeNum::debugString` prints it: `(NumberLong)5`.
    static func taggedNumber(_ value: BSONValue) -> String {
        switch value {
        case .int32(let i): return "(NumberInt)\(i)"
        case .int64(let i): return "(NumberLong)\(i)"
        case .double(let d): return "(NumberDouble)\(d)"
        case .decimal128(let d): return "(NumberDecimal)\(d)"
        default: return BSONPrinter.updateMessage.string(value)
        }
    }

    /// The `_id` element of a document for messages (`_id: 1`), or `no id`.
    static func idElement(_ id: BSONValue?) -> String {
        guard let id else { return "no id" }
        return BSONPrinter.updateMessage.element("_id", id)
    }
}
