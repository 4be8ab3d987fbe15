/// `$pull`: removes the elements matching a value or a condition.
enum PullOperator {
    static func apply(_ condition: PullCondition, to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        try ArrayCulling.remove(from: &value, context: context) { condition.matches($0) }
    }
}
