/// `$pop`: removes the first (`-1`) or last (`1`) element of an array. A missing field or an empty array is a
/// no-op.
enum PopOperator {
    /// Parses the argument; returns whether to pop from the front.
    static func parse(_ argument: BSONValue, field: String) throws(DocketError) -> Bool {
        let n = try parseIntegerArgument(argument, field: field)
        guard n == 1 || n == -1 else { throw DocketError(.failedToParse, "$pop expects 1 or -1, found: \(n)") }
        return n == -1
    }

    static func apply(fromFront: Bool, to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        guard case .array(var array) = value else {
            throw DocketError(
                .typeMismatch,
                "Path '\(context.pathText)' contains an element of non-array type '\(value.type.alias)'",
                fieldPath: context.pathText,
                operatorName: "$pop"
            )
        }
        guard !array.isEmpty else { return .unchanged }
        try context.checkImmutable()
        value = .null
        if fromFront { array.removeFirst() } else { array.removeLast() }
        value = .array(array)
        return .changed
    }
}
