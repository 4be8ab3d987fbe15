/// `$set` and `$setOnInsert`: replace the value at a path, creating the path when it is missing.
///
/// Setting a value identical to the current one (same type and representation) is a no-op; setting `1` over
/// `1.0` is a change.
enum SetOperator {
    static func apply(_ newValue: BSONValue, to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        if value.isIdentical(to: newValue) { return .unchanged }
        try context.checkImmutable()
        value = newValue
        return .changed
    }
}
