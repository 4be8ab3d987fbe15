import DocketBSON

/// `$eq`, `$gt`, `$gte`, `$lt`, `$lte` (and so `$ne`, which is `not($eq)`): MongoDB's
/// `ComparisonMatchExpressionBase::matchesSingleElement`.
///
/// Values of different type brackets never match (`{$gt: 5}` never matches a string), with three exceptions:
/// a missing field equals `null` (for `$eq`, `$lte`, `$gte`); `$lt`/`$lte` with `MaxKey` and `$gt`/`$gte` with
/// `MinKey` match every other bracket. Within the number bracket NaN equals only NaN and is neither greater nor
/// less than anything. Since MongoDB 8.0, `null` no longer matches `undefined`.
struct ComparisonPredicate: Sendable {
    /// The comparison.
    enum Kind: Sendable {
        case eq, lt, lte, gt, gte
    }

    let kind: Kind
    let operand: Operand
    /// Whether this is an equality the query states (`{a: v}`, `$eq`), which an upsert copies into the new
    /// document; the equalities `$all` expands to are not.
    var isQueryEquality = true

    @inline(__always)
    func matches(_ element: RawElement?, in buffer: UnsafeRawBufferPointer) -> Bool {
        // Fast path: equality on a string, the commonest query (`{email: "…"}`).
        if kind == .eq, case .string(let bytes) = operand.fast, let element, element.type == .string {
            return RawValues.stringEquals(element, buffer, bytes)
        }
        guard let element else {
            // Missing: MongoDB's EOO, canonical bracket 0.
            if operand.rank == BSONType.null.canonicalRank { return kind == .eq || kind == .lte || kind == .gte }
            return matchesAcrossBrackets(elementRank: 0)
        }
        let rank = element.type.canonicalRank
        if rank != operand.rank {
            // MongoDB 8.0: comparisons with null do not match undefined.
            if element.type == .undefined && operand.rank == BSONType.null.canonicalRank { return false }
            return matchesAcrossBrackets(elementRank: rank)
        }
        if rank == 10 && (operand.isNaN || RawValues.isNaN(element, buffer)) {
            let bothNaN = operand.isNaN && RawValues.isNaN(element, buffer)
            switch kind {
            case .lt, .gt: return false
            case .eq, .lte, .gte: return bothNaN
            }
        }
        let c = operand.compare(element, in: buffer)
        switch kind {
        case .eq: return c == 0
        case .lt: return c < 0
        case .lte: return c <= 0
        case .gt: return c > 0
        case .gte: return c >= 0
        }
    }

    private func matchesAcrossBrackets(elementRank: Int) -> Bool {
        switch operand.value {
        case .maxKey: return kind == .lt || kind == .lte
        case .minKey: return kind == .gt || kind == .gte
        default: return false
        }
    }
}

extension FilterParser {
    /// Parses the operand of `$eq`, `$ne`, `$gt`, `$gte`, `$lt`, `$lte` (or an implicit equality).
    static func parseComparison(
        _ kind: ComparisonPredicate.Kind,
        path: String,
        operatorName: String?,
        _ value: BSONValue
    ) throws(DocketError) -> FilterNode {
        if case .regex = value, kind != .eq {
            throw DocketError(
                .badValue,
                "Can't have RegEx as arg to predicate over field '\(path)'.",
                fieldPath: path,
                operatorName: operatorName
            )
        }
        if case .undefined = value {
            throw DocketError(.badValue, "cannot compare to undefined", fieldPath: path, operatorName: operatorName)
        }
        var predicate = ComparisonPredicate(kind: kind, operand: Operand(value))
        predicate.isQueryEquality = operatorName != "$all"
        return .leaf(FilterPath(path), .comparison(predicate))
    }

    /// `$ne`: the negation of the whole equality match.
    static func parseNotEqual(path: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        if case .regex = value {
            throw DocketError(.badValue, "Can't have regex as arg to $ne.", fieldPath: path, operatorName: "$ne")
        }
        return .not(try parseComparison(.eq, path: path, operatorName: "$ne", value))
    }
}
