import DocketBSON

/// `$in` (and `$nin`, which is `not($in)`): an element matches when it equals one of the members or matches one
/// of the regular-expression members; a missing field matches when `null` is a member.
struct InPredicate: Sendable {
    let equalities: [Operand]
    let regexes: [RegexPredicate]
    let hasNull: Bool
    /// For long lists: the members in a hash set (hashing agrees with MongoDB's equality, so `1` finds `1.0`).
    let lookup: Set<BSONValue>?

    /// Lists longer than this are searched by hashing the decoded element.
    static let linearSearchLimit = 12

    init(equalities: [BSONValue], regexes: [RegexPredicate]) {
        self.equalities = equalities.map(Operand.init)
        self.regexes = regexes
        hasNull = equalities.contains { if case .null = $0 { return true } else { return false } }
        lookup = equalities.count > Self.linearSearchLimit ? Set(equalities) : nil
    }

    func matches(_ element: RawElement?, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let element else { return hasNull }
        if let lookup {
            if let value = RawValues.decode(element, buffer), lookup.contains(value) { return true }
        } else {
            let rank = element.type.canonicalRank
            for operand in equalities where operand.rank == rank {
                if rank == 10 && (operand.isNaN || RawValues.isNaN(element, buffer)) {
                    if operand.isNaN && RawValues.isNaN(element, buffer) { return true }
                    continue
                }
                if operand.compare(element, in: buffer) == 0 { return true }
            }
        }
        for regex in regexes where regex.matches(element, in: buffer) { return true }
        return false
    }
}

extension FilterParser {
    /// Parses `$in` or `$nin`.
    static func parseIn(path: String, operatorName: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        guard case .array(let members) = value else {
            throw DocketError(
                .badValue, "\(operatorName) needs an array", fieldPath: path, operatorName: operatorName)
        }
        var equalities: [BSONValue] = []
        var regexes: [RegexPredicate] = []
        for member in members {
            if isExpressionDocument(member, allowIncompleteDBRef: false) {
                throw DocketError(.badValue, "cannot nest $ under $in", fieldPath: path, operatorName: operatorName)
            }
            switch member {
            case .regex(let regex):
                regexes.append(try RegexPredicate(pattern: regex.pattern, options: regex.options))
            case .undefined:
                throw DocketError(
                    .badValue,
                    "InMatchExpression equality cannot be undefined",
                    fieldPath: path,
                    operatorName: operatorName
                )
            default:
                equalities.append(member)
            }
        }
        let node = FilterNode.leaf(FilterPath(path), .in(InPredicate(equalities: equalities, regexes: regexes)))
        return operatorName == "$nin" ? .not(node) : node
    }
}
