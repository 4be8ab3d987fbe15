extension ErrorCode {
    /// `$regex` given as a BSON regular expression with options while `$options` came first.
    public static let regexOptionsConflict = ErrorCode(51074, "Location51074")
    /// `$options` given while the `$regex` before it already carried options.
    public static let regexOptionsConflictAfterRegex = ErrorCode(51075, "Location51075")
    /// A regular expression pattern that does not compile.
    public static let invalidRegex = ErrorCode(51091, "Location51091")
    /// An unknown regular expression option letter.
    public static let invalidRegexFlag = ErrorCode(51108, "Location51108")
    /// A feature that cannot be used in this context (`$jsonSchema`, `$expr` in some places).
    public static let queryFeatureNotAllowed = ErrorCode(224, "QueryFeatureNotAllowed")
}
