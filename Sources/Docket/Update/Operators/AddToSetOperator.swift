/// `$addToSet`: appends the values (`value` or `{$each: [...]}`) not already in the array, compared with MongoDB's
/// equality (`1` equals `1.0`; documents compare field by field in order).
enum AddToSetOperator {
    /// Parses the argument into the distinct values to add, in order.
    static func parse(_ argument: BSONValue) throws(DocketError) -> [BSONValue] {
        var items = [argument]
        if case .document(let spec) = argument, let first = spec.first, bsonUTF8Equal(first.key, "$each") {
            guard case .array(let each) = first.value else {
                throw DocketError(
                    .typeMismatch,
                    "The argument to $each in $addToSet must be an array but it was of type \(first.value.type.alias)"
                )
            }
            guard spec.count == 1 else {
                throw DocketError(
                    .badValue,
                    "Found unexpected fields after $each in $addToSet: \(BSONPrinter.updateMessage.string(spec))"
                )
            }
            items = each
        }
        var distinct: [BSONValue] = []
        var seen = Set<BSONValue>()
        for item in items where seen.insert(item).inserted { distinct.append(item) }
        return distinct
    }

    static func apply(_ items: [BSONValue], to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        guard case .array(var array) = value else {
            throw DocketError(
                .badValue,
                "Cannot apply $addToSet to non-array field. Field named '\(context.path.last ?? "")' has non-array "
                    + "type \(value.type.alias)",
                fieldPath: context.pathText,
                operatorName: "$addToSet"
            )
        }
        let missing = items.filter { item in !array.contains { $0 == item } }
        guard !missing.isEmpty else { return .unchanged }
        try context.checkImmutable()
        value = .null
        array.append(contentsOf: missing)
        value = .array(array)
        return .changed
    }
}
