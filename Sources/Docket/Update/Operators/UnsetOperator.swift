/// `$unset`: removes a field; inside an array it sets the element to `null` (the array keeps its length).
///
/// A missing path is a no-op, even when it could never exist (`a.b` where `a` is a number).
enum UnsetOperator {
    static func apply(context: UpdateApplyContext) throws(DocketError) -> LeafOutcome {
        try context.checkImmutable()
        return .remove
    }
}
