// Error codes raised while parsing and running aggregation pipelines. MongoDB reports most of these as
// "Location<code>" errors; the numbers and messages follow MongoDB 8.x (pipeline.cpp, document_source_*.cpp).

extension DocketError.Code {
    /// 50: the operation ran longer than its `maxTimeMS`.
    public static let maxTimeMSExpired = DocketError.Code(50, "MaxTimeMSExpired")
    /// 292: a blocking stage needed more memory than its limit and `allowDiskUse` is false.
    public static let queryExceededMemoryLimitNoDiskUseAllowed = DocketError.Code(
        292, "QueryExceededMemoryLimitNoDiskUseAllowed")
    /// 40323: a stage document with more or fewer than one field.
    public static let pipelineStageFieldCount = DocketError.Code(40323, "Location40323")
    /// 40324: an unknown stage name.
    public static let unrecognizedPipelineStage = DocketError.Code(40324, "Location40324")
    /// 40602: a stage that must come first (`$documents`) placed later.
    public static let stageMustBeFirst = DocketError.Code(40602, "Location40602")
    /// 15959: `$match` with a value that is not a document.
    public static let matchNotObject = DocketError.Code(15959, "Location15959")
    /// 15973: `$sort` with a value that is not a document.
    public static let sortStageNotObject = DocketError.Code(15973, "Location15973")
    /// 15976: `$sort` without keys.
    public static let sortStageNoKeys = DocketError.Code(15976, "Location15976")
    /// 5107201: `$limit` with an argument that is not a non-negative integer.
    public static let limitInvalidArgument = DocketError.Code(5107201, "Location5107201")
    /// 15958: `$limit: 0`.
    public static let limitNotPositive = DocketError.Code(15958, "Location15958")
    /// 5107200: `$skip` with an argument that is not a non-negative integer.
    public static let skipInvalidArgument = DocketError.Code(5107200, "Location5107200")
    /// 15981: `$unwind` with a value that is neither a string nor a document.
    public static let unwindSpecType = DocketError.Code(15981, "Location15981")
    /// 28808: `$unwind` with a `path` that is not a string.
    public static let unwindPathType = DocketError.Code(28808, "Location28808")
    /// 28809: `$unwind` with a `preserveNullAndEmptyArrays` that is not a boolean.
    public static let unwindPreserveType = DocketError.Code(28809, "Location28809")
    /// 28810: `$unwind` with an `includeArrayIndex` that is not a non-empty string.
    public static let unwindIndexFieldType = DocketError.Code(28810, "Location28810")
    /// 28811: an unknown `$unwind` option.
    public static let unwindUnknownOption = DocketError.Code(28811, "Location28811")
    /// 28812: `$unwind` without `path`.
    public static let unwindNoPath = DocketError.Code(28812, "Location28812")
    /// 28818: an `$unwind` path without its `$` prefix.
    public static let unwindPathPrefix = DocketError.Code(28818, "Location28818")
    /// 28822: an `includeArrayIndex` field name with a `$` prefix.
    public static let unwindIndexFieldPrefix = DocketError.Code(28822, "Location28822")
    /// 40156: `$count` with a value that is not a string.
    public static let countFieldType = DocketError.Code(40156, "Location40156")
    /// 40157: `$count` with an empty string.
    public static let countFieldEmpty = DocketError.Code(40157, "Location40157")
    /// 40158: `$count` with a `$`-prefixed name.
    public static let countFieldDollar = DocketError.Code(40158, "Location40158")
    /// 40159: `$count` with a NUL byte in the name.
    public static let countFieldNullByte = DocketError.Code(40159, "Location40159")
    /// 40160: `$count` with a dotted name.
    public static let countFieldDotted = DocketError.Code(40160, "Location40160")
    /// 28745: `$sample` with a value that is not a document.
    public static let sampleNotObject = DocketError.Code(28745, "Location28745")
    /// 28746: `$sample` with a non-numeric size.
    public static let sampleSizeType = DocketError.Code(28746, "Location28746")
    /// 28747: `$sample` with a negative size.
    public static let sampleSizeNegative = DocketError.Code(28747, "Location28747")
    /// 28748: an unknown `$sample` option.
    public static let sampleUnknownOption = DocketError.Code(28748, "Location28748")
    /// 28749: `$sample` without a size.
    public static let sampleNoSize = DocketError.Code(28749, "Location28749")
    /// 31002: `$unset` with a value that is neither a string nor an array.
    public static let unsetSpecType = DocketError.Code(31002, "Location31002")
    /// 31119: `$unset` with an empty array.
    public static let unsetEmpty = DocketError.Code(31119, "Location31119")
    /// 31120: `$unset` with an array holding a non-string.
    public static let unsetElementType = DocketError.Code(31120, "Location31120")
    /// 5858203: `$documents` whose value is not an array of documents.
    public static let documentsNotArray = DocketError.Code(5858203, "Location5858203")
    /// 15969: `$project` with a value that is not a document.
    public static let projectNotObject = DocketError.Code(15969, "Location15969")
    /// 51272: `$project: {}`.
    public static let projectEmpty = DocketError.Code(51272, "Location51272")
    /// 31324: a positional (`"a.$"`) path in an aggregation projection.
    public static let projectPositional = DocketError.Code(31324, "Location31324")
    /// 15947: `$group` with a value that is not a document.
    public static let groupNotObject = DocketError.Code(15947, "Location15947")
    /// 15955: `$group` without `_id`.
    public static let groupNoID = DocketError.Code(15955, "Location15955")
    /// 40234: a `$group` field that is not an accumulator object.
    public static let groupFieldNotAccumulator = DocketError.Code(40234, "Location40234")
    /// 40235: a dotted `$group` field name.
    public static let groupFieldDotted = DocketError.Code(40235, "Location40235")
    /// 40236: a `$`-prefixed `$group` field name.
    public static let groupFieldOperator = DocketError.Code(40236, "Location40236")
    /// 40237: several operands for a unary accumulator.
    public static let accumulatorUnary = DocketError.Code(40237, "Location40237")
    /// 40238: a `$group` field with more than one accumulator.
    public static let groupFieldOneAccumulator = DocketError.Code(40238, "Location40238")
    /// 15952: an unknown accumulator.
    public static let unknownGroupOperator = DocketError.Code(15952, "Location15952")
    /// 5787801: an N or top/bottom accumulator whose argument is not a document.
    public static let accumulatorObjectArgument = DocketError.Code(5787801, "Location5787801")
    /// 5787901: an unknown argument of an N or top/bottom accumulator.
    public static let accumulatorUnknownArgument = DocketError.Code(5787901, "Location5787901")
    /// 5787902: an `n` that is not an integer.
    public static let accumulatorNNotIntegral = DocketError.Code(5787902, "Location5787902")
    /// 5787906: an N accumulator without `n`.
    public static let accumulatorMissingN = DocketError.Code(5787906, "Location5787906")
    /// 5787907: an N accumulator without `input`.
    public static let accumulatorMissingInput = DocketError.Code(5787907, "Location5787907")
    /// 5787908: an `n` that is not positive.
    public static let accumulatorNNotPositive = DocketError.Code(5787908, "Location5787908")
    /// 5788004: a top/bottom accumulator without `output`.
    public static let accumulatorMissingOutput = DocketError.Code(5788004, "Location5788004")
    /// 5788005: a top/bottom accumulator without `sortBy`.
    public static let accumulatorMissingSortBy = DocketError.Code(5788005, "Location5788005")
    /// 40400: `$mergeObjects` over a value that is not a document.
    public static let mergeObjectsNotObject = DocketError.Code(40400, "Location40400")
    /// 7436200: `$percentile` with a `p` that is not an array of numbers in [0, 1].
    public static let percentileP = DocketError.Code(7436200, "Location7436200")
    /// 7436201: `$percentile`/`$median` without a valid `method`.
    public static let percentileMethod = DocketError.Code(7436201, "Location7436201")
    /// 40147: `$sortByCount` with an object that is not an expression.
    public static let sortByCountObject = DocketError.Code(40147, "Location40147")
    /// 40148: `$sortByCount` with a string that is not a `$` path.
    public static let sortByCountString = DocketError.Code(40148, "Location40148")
    /// 40149: `$sortByCount` with a value of another type.
    public static let sortByCountType = DocketError.Code(40149, "Location40149")
    /// 40176: two computed fields on colliding paths.
    public static let computedPathCollision = DocketError.Code(40176, "Location40176")
    /// 40272: `$addFields`/`$set` with a value that is not a document.
    public static let addFieldsNotObject = DocketError.Code(40272, "Location40272")
    /// 40066: a `$bucket` value outside the boundaries without `default`.
    public static let bucketNoDefault = DocketError.Code(40066, "Location40066")
    /// 40192: `$bucket` with fewer than two boundaries.
    public static let bucketTooFewBoundaries = DocketError.Code(40192, "Location40192")
    /// 40193: `$bucket` boundaries of different types.
    public static let bucketMixedBoundaries = DocketError.Code(40193, "Location40193")
    /// 40194: unsorted `$bucket` boundaries.
    public static let bucketUnsortedBoundaries = DocketError.Code(40194, "Location40194")
    /// 40195: a `$bucket` `default` that is not a constant.
    public static let bucketDefaultNotConstant = DocketError.Code(40195, "Location40195")
    /// 40196: a `$bucket` `output` that is not a document.
    public static let bucketOutputType = DocketError.Code(40196, "Location40196")
    /// 40197: an unknown `$bucket` option.
    public static let bucketUnknownOption = DocketError.Code(40197, "Location40197")
    /// 40198: `$bucket` without `groupBy` or `boundaries`.
    public static let bucketMissingField = DocketError.Code(40198, "Location40198")
    /// 40199: a `$bucket` `default` inside the boundaries.
    public static let bucketDefaultInside = DocketError.Code(40199, "Location40199")
    /// 40200: `$bucket` boundaries that are not an array of constants.
    public static let bucketBoundariesType = DocketError.Code(40200, "Location40200")
    /// 40201: `$bucket` with a value that is not a document.
    public static let bucketNotObject = DocketError.Code(40201, "Location40201")
    /// 40202: a `$bucket` `groupBy` that is neither a path nor an expression object.
    public static let bucketGroupByType = DocketError.Code(40202, "Location40202")
    /// 40243: a `$bucketAuto` `buckets` that is not positive.
    public static let bucketAutoBucketsPositive = DocketError.Code(40243, "Location40243")
    /// 40242: a `$bucketAuto` `buckets` that is not a 32-bit integer.
    public static let bucketAutoBucketsInt32 = DocketError.Code(40242, "Location40242")
    /// 40241: a `$bucketAuto` `buckets` that is not a number.
    public static let bucketAutoBucketsType = DocketError.Code(40241, "Location40241")
    /// 40240: `$bucketAuto` with a value that is not a document.
    public static let bucketAutoNotObject = DocketError.Code(40240, "Location40240")
    /// 40239: a `$bucketAuto` `groupBy` that is neither a path nor an expression object.
    public static let bucketAutoGroupByType = DocketError.Code(40239, "Location40239")
    /// 40244: a `$bucketAuto` `output` that is not a document.
    public static let bucketAutoOutputType = DocketError.Code(40244, "Location40244")
    /// 40245: an unknown `$bucketAuto` option.
    public static let bucketAutoUnknownOption = DocketError.Code(40245, "Location40245")
    /// 40246: `$bucketAuto` without `groupBy` or `buckets`.
    public static let bucketAutoMissingField = DocketError.Code(40246, "Location40246")
    /// 40601: `$out` before the last stage.
    public static let outNotLast = DocketError.Code(40601, "Location40601")
    /// 16990: `$out` with a value that is neither a string nor a document.
    public static let outNotStringOrObject = DocketError.Code(16990, "Location16990")
    /// 16994: an `$out` document without `coll` or with an unknown field.
    public static let outSpecification = DocketError.Code(16994, "Location16994")
    /// 51182: `$merge` with a value that is neither a string nor a document.
    public static let mergeSpecType = DocketError.Code(51182, "Location51182")
    /// 51183: `$merge` `on` fields without a unique index.
    public static let mergeOnNeedsUniqueIndex = DocketError.Code(51183, "Location51183")
    /// 13113: `$merge` with `whenNotMatched: "fail"` met a result the target does not have.
    public static let mergeNoMatch = DocketError.Code(13113, "MergeStageNoMatchingDocument")
    /// 51047: `$out` or `$merge` inside a `$lookup` or `$unionWith` pipeline.
    public static let writeStageInSubPipeline = DocketError.Code(51047, "Location51047")
    /// 9 (FailedToParse): `$graphLookup` with a value that is not a document, or without `from`.
    public static let graphLookupNotObject = DocketError.Code(9, "FailedToParse")
    /// 40103: a `$graphLookup` string field of another type.
    public static let graphLookupFieldType = DocketError.Code(40103, "Location40103")
    /// 40104: an unknown `$graphLookup` field.
    public static let graphLookupUnknownField = DocketError.Code(40104, "Location40104")
    /// 40102: a `$graphLookup` `maxDepth` that is not integral.
    public static let graphLookupMaxDepthIntegral = DocketError.Code(40102, "Location40102")
    /// 40100: a non-numeric `maxDepth`.
    public static let graphLookupMaxDepthType = DocketError.Code(40100, "Location40100")
    /// 40101: a negative or fractional `maxDepth`.
    public static let graphLookupMaxDepthValue = DocketError.Code(40101, "Location40101")
    /// 40185: a `restrictSearchWithMatch` that is not a document.
    public static let graphLookupRestrictType = DocketError.Code(40185, "Location40185")
    /// 40105: `$graphLookup` without a required field.
    public static let graphLookupMissingField = DocketError.Code(40105, "Location40105")
    /// 40169: `$facet` with a value that is not a non-empty document.
    public static let facetNotObject = DocketError.Code(40169, "Location40169")
    /// 40170: a `$facet` field whose value is not an array.
    public static let facetNotArray = DocketError.Code(40170, "Location40170")
    /// 40600: a stage not allowed inside `$facet`.
    public static let facetStageNotAllowed = DocketError.Code(40600, "Location40600")
    /// 40228: `$replaceRoot`'s new root is not a document.
    public static let replaceRootNotObject = DocketError.Code(40228, "Location40228")
    /// 40414: `$replaceRoot` without `newRoot`.
    public static let replaceRootNoNewRoot = DocketError.Code(40414, "Location40414")
    /// 40415: an unknown `$replaceRoot` field.
    public static let replaceRootUnknownField = DocketError.Code(40415, "Location40415")
}
