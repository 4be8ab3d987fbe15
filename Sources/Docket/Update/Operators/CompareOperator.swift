/// `$min` and `$max`: replace the value when the argument sorts below (`$min`) or above (`$max`) it, in MongoDB's
/// total order across types; equal values (`1` and `1.0`) leave the field unchanged.
enum CompareOperator {
    static func apply(isMax: Bool, _ operand: BSONValue, to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        let c = BSONValue.compare(value, operand)
        if c == 0 || (isMax ? c > 0 : c < 0) { return .unchanged }
        try context.checkImmutable()
        value = operand
        return .changed
    }
}
