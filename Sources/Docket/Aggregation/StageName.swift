// The one table of aggregation stage names (STYLE.md §2): `$`-string ↔ case. Stages MongoDB 8 knows that Docket
// does not run yet are listed too, so they fail with `NotImplemented` instead of "Unrecognized pipeline stage name".

/// A pipeline stage, by name.
enum StageName: String, Sendable, CaseIterable {
    case match = "$match"
    case sort = "$sort"
    case limit = "$limit"
    case skip = "$skip"
    case unwind = "$unwind"
    case count = "$count"
    case unset = "$unset"
    case sample = "$sample"
    case documents = "$documents"
    case project = "$project"
    case addFields = "$addFields"
    case set = "$set"
    case replaceRoot = "$replaceRoot"
    case replaceWith = "$replaceWith"
    case sortByCount = "$sortByCount"
    case group = "$group"
    case lookup = "$lookup"
    case unionWith = "$unionWith"
    case facet = "$facet"
    case bucket = "$bucket"
    case bucketAuto = "$bucketAuto"
    case out = "$out"
    case merge = "$merge"
    case graphLookup = "$graphLookup"
    case setWindowFields = "$setWindowFields"
    case fill = "$fill"
    case densify = "$densify"
    case redact = "$redact"

    /// Stages of MongoDB 8 that Docket recognizes but does not run yet.
    static let notImplemented: Set<String> = [
        "$geoNear", "$collStats", "$indexStats", "$currentOp",
        "$listSessions", "$listLocalSessions", "$planCacheStats", "$changeStream", "$search", "$searchMeta",
        "$vectorSearch", "$listSearchIndexes", "$shardedDataDistribution", "$changeStreamSplitLargeEvent",
        "$querySettings", "$listSampledQueries",
    ]
}
