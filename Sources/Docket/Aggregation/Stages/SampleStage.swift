import DocketBSON

extension Stage {
    /// `$sample: {size: n}`: n documents drawn at random without replacement (all of them, shuffled, when fewer).
    /// - Throws: `Location28745` for a non-document; `Location28746` for a non-numeric size; `Location28747` for a
    ///   negative size; `Location28748` for an unknown option; `Location28749` without a size.
    static func parseSample(_ value: BSONValue) throws(DocketError) -> Stage {
        guard case .document(let spec) = value else {
            throw DocketError(
                .sampleNotObject, "the $sample stage specification must be an object", stage: "$sample")
        }
        var size: Int64?
        for (key, option) in spec {
            guard key == "size" else {
                throw DocketError(.sampleUnknownOption, "unrecognized option to $sample: \(key)", stage: "$sample")
            }
            guard option.isNumber else {
                throw DocketError(.sampleSizeType, "size argument to $sample must be a number", stage: "$sample")
            }
            let n = SortSpec.safeNumberLong(option)
            guard n >= 0 else {
                throw DocketError(
                    .sampleSizeNegative, "size argument to $sample must not be negative", stage: "$sample")
            }
            size = n
        }
        guard let size else {
            throw DocketError(.sampleNoSize, "$sample stage must specify a size", stage: "$sample")
        }
        return .sample(size: Int(size))
    }
}
