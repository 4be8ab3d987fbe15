extension DocketError.Code {
    /// `$regex` given as a BSON regular expression with options while `$options` came first.
    public static let regexOptionsConflict = DocketError.Code(51074, "Location51074")
    /// `$options` given while the `$regex` before it already carried options.
    public static let regexOptionsConflictAfterRegex = DocketError.Code(51075, "Location51075")
    /// A regular expression pattern that does not compile.
    public static let invalidRegex = DocketError.Code(51091, "Location51091")
    /// An unknown regular expression option letter.
    public static let invalidRegexFlag = DocketError.Code(51108, "Location51108")
    /// A feature that cannot be used in this context (`$jsonSchema`, `$expr` in some places).
    public static let queryFeatureNotAllowed = DocketError.Code(224, "QueryFeatureNotAllowed")
}
