/// `$pullAll`: removes every element equal (MongoDB's equality) to one of the listed values.
enum PullAllOperator {
    static func parse(_ argument: BSONValue) throws(DocketError) -> [BSONValue] {
        guard case .array(let values) = argument else {
            throw DocketError(
                .badValue,
                "$pullAll requires an array argument but was given a \(argument.type.alias)"
            )
        }
        return values
    }

    static func apply(_ values: [BSONValue], to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        try ArrayCulling.remove(from: &value, context: context) { element in values.contains { $0 == element } }
    }
}

/// The shared part of `$pull` and `$pullAll`: remove the elements a predicate selects.
enum ArrayCulling {
    static func remove(
        from value: inout BSONValue,
        context: UpdateApplyContext,
        where shouldRemove: (BSONValue) -> Bool
    ) throws(DocketError) -> LeafOutcome {
        guard case .array(var array) = value else {
            throw DocketError(.badValue, "Cannot apply $pull to a non-array value", fieldPath: context.pathText)
        }
        guard array.contains(where: shouldRemove) else { return .unchanged }
        try context.checkImmutable()
        value = .null
        array.removeAll(where: shouldRemove)
        value = .array(array)
        return .changed
    }
}
