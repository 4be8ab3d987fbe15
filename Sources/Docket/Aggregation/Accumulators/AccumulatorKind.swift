// The one table of `$group` accumulator names (STYLE.md §2).

/// A `$group` accumulator, by name.
enum AccumulatorKind: String, Sendable, CaseIterable {
    case sum = "$sum"
    case avg = "$avg"
    case min = "$min"
    case max = "$max"
    case first = "$first"
    case last = "$last"
    case push = "$push"
    case addToSet = "$addToSet"
    case count = "$count"
    case mergeObjects = "$mergeObjects"
    case stdDevPop = "$stdDevPop"
    case stdDevSamp = "$stdDevSamp"
    case top = "$top"
    case bottom = "$bottom"
    case topN = "$topN"
    case bottomN = "$bottomN"
    case firstN = "$firstN"
    case lastN = "$lastN"
    case maxN = "$maxN"
    case minN = "$minN"
    case median = "$median"
    case percentile = "$percentile"

    /// Accumulators of MongoDB 8 that Docket recognizes but does not run yet.
    static let notImplemented: Set<String> = ["$accumulator", "$concatArrays", "$setUnion"]
}
