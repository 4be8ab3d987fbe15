// Error codes raised while parsing and applying find projections and sort specifications. MongoDB reports these
// as "Location<code>" errors; the numbers and messages follow MongoDB 8.x (projection_parser.cpp,
// projection_executor_utils.cpp, sort_pattern.cpp).

extension DocketError.Code {
    /// 31249: a projection path runs through a field that is already projected as a whole
    /// (`{a: 1, "a.b": 1}`).
    public static let projectionPathCollisionPrefix = DocketError.Code(31249, "Location31249")
    /// 31250: a projection path is given twice (`{"a.b": 1, a: 1}`).
    public static let projectionPathCollision = DocketError.Code(31250, "Location31250")
    /// 31252: an aggregation expression other than `$meta` in an exclusion projection.
    public static let projectionExpressionInExclusion = DocketError.Code(31252, "Location31252")
    /// 31253: an inclusion in an exclusion projection.
    public static let projectionInclusionInExclusion = DocketError.Code(31253, "Location31253")
    /// 31254: an exclusion in an inclusion projection.
    public static let projectionExclusionInInclusion = DocketError.Code(31254, "Location31254")
    /// 31255: `$elemMatch` after a positional projection.
    public static let projectionElemMatchAfterPositional = DocketError.Code(31255, "Location31255")
    /// 31256: a positional projection after `$elemMatch`.
    public static let projectionPositionalAfterElemMatch = DocketError.Code(31256, "Location31256")
    /// 31257: `$slice: [skip, limit]` with a non-numeric skip.
    public static let projectionSliceSkipNotNumber = DocketError.Code(31257, "Location31257")
    /// 31258: `$slice: [skip, limit]` with a non-numeric limit.
    public static let projectionSliceLimitNotNumber = DocketError.Code(31258, "Location31258")
    /// 31259: `$slice: [skip, limit]` with a limit that is not positive.
    public static let projectionSliceLimitNotPositive = DocketError.Code(31259, "Location31259")
    /// 31270: a projection path ending in `.$.`.
    public static let projectionPathEndsWithPositional = DocketError.Code(31270, "Location31270")
    /// 31271: a positional projection whose value is an object.
    public static let projectionPositionalWithObject = DocketError.Code(31271, "Location31271")
    /// 31272: `$slice` with an array that is not `[skip, limit]`.
    public static let projectionSliceArrayForm = DocketError.Code(31272, "Location31272")
    /// 31273: `$slice` with an argument that is neither a number nor an array.
    public static let projectionSliceArgument = DocketError.Code(31273, "Location31273")
    /// 31274: `$elemMatch` with a non-object argument.
    public static let projectionElemMatchArgument = DocketError.Code(31274, "Location31274")
    /// 31275: `$elemMatch` on a nested field.
    public static let projectionElemMatchNested = DocketError.Code(31275, "Location31275")
    /// 31276: more than one positional projection.
    public static let projectionPositionalTwice = DocketError.Code(31276, "Location31276")
    /// 31277: a positional projection on a field the query does not constrain.
    public static let projectionPositionalNoQueryMatch = DocketError.Code(31277, "Location31277")
    /// 31287: a positional operator used twice in one path.
    public static let projectionPositionalTwiceInPath = DocketError.Code(31287, "Location31287")
    /// 31308: a positional projection whose value is a literal.
    public static let projectionPositionalWithLiteral = DocketError.Code(31308, "Location31308")
    /// 31310: a literal (computed field) in an exclusion projection.
    public static let projectionLiteralInExclusion = DocketError.Code(31310, "Location31310")
    /// 31325: a sub-object whose only key is an unknown `$` expression.
    public static let projectionUnknownExpression = DocketError.Code(31325, "Location31325")
    /// 51246: the positional operator found an array but the query recorded no matching position.
    public static let positionalNoMatchingElement = DocketError.Code(51246, "Location51246")
    /// 51247: the query's matching position lies outside the projected array.
    public static let positionalElementMismatch = DocketError.Code(51247, "Location51247")
    /// 51270: an empty sub-projection (`{a: {}}`).
    public static let projectionEmptySubProjection = DocketError.Code(51270, "Location51270")
    /// 40352: an empty field path.
    public static let fieldPathEmpty = DocketError.Code(40352, "Location40352")
    /// 15998: a field path with an empty component (`"a..b"`).
    public static let fieldPathEmptyComponent = DocketError.Code(15998, "Location15998")
    /// 16410: a field path component starting with `$`.
    public static let fieldPathDollarPrefix = DocketError.Code(16410, "Location16410")
    /// 16411: a field path containing a NUL byte.
    public static let fieldPathNullByte = DocketError.Code(16411, "Location16411")
    /// 15974: a sort key whose value is neither a number nor a `$meta` object.
    public static let sortIllegalKey = DocketError.Code(15974, "Location15974")
    /// 15975: a sort direction other than 1 or -1.
    public static let sortBadDirection = DocketError.Code(15975, "Location15975")
    /// 17312: an object sort value that is not `{$meta: …}`.
    public static let sortOnlyMetaExpression = DocketError.Code(17312, "Location17312")
    /// 31138: `{$meta: …}` naming metadata that cannot be sorted on.
    public static let sortIllegalMeta = DocketError.Code(31138, "Location31138")
    /// 7472500: the same path twice in a sort specification.
    public static let sortDuplicateKey = DocketError.Code(7472500, "Location7472500")
}
