extension DocketError.Code {
    /// An unknown aggregation expression operator (`{$foo: …}`).
    public static let invalidPipelineOperator = DocketError.Code(168, "InvalidPipelineOperator")
    /// An operation that would need more memory than MongoDB allows it (`$range`).
    public static let exceededMemoryLimit = DocketError.Code(146, "ExceededMemoryLimit")
    /// A value that cannot be converted (`$convert`, `$toInt`, `$dateFromString`).
    public static let conversionFailure = DocketError.Code(241, "ConversionFailure")

    /// One of MongoDB's numbered assertions (`uassert(16020, …)`), reported with its `Location<n>` code name.
    ///
    /// The expression language has hundreds of these, each raised by one operator; naming each would add nothing.
    public static func location(_ code: Int) -> DocketError.Code {
        DocketError.Code(code, "Location\(code)")
    }
}
