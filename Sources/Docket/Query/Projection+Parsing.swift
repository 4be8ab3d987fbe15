// Parsing a find projection into a `ProjectionTree`, with MongoDB 8.x's rules and error codes
// (projection_parser.cpp): each element is an inclusion, an exclusion, a literal or a sub-object; a sub-object with
// a single `$` key is an operator (`$slice`, `$elemMatch`) or an aggregation expression.

/// The projection operators and the aggregation expression names a projection may meet: the one `$`-string table
/// of the projection parser.
enum ProjectionOperator {
    case slice
    case elemMatch
    case meta
    /// A known aggregation expression (`$add`, `$concat`, …): not supported until the aggregation issue.
    case aggregationExpression

    init?(_ name: String) {
        switch name {
        case "$slice": self = .slice
        case "$elemMatch": self = .elemMatch
        case "$meta": self = .meta
        default:
            guard Self.aggregationExpressionNames.contains(name) else { return nil }
            self = .aggregationExpression
        }
    }

    /// MongoDB's expression operator names (the `Expression::isExpressionName` set), so that an unknown one is
    /// reported as 31325 "Unknown expression" and a known one as not yet implemented.
    static let aggregationExpressionNames: Set<String> = [
        "$abs", "$acos", "$acosh", "$add", "$allElementsTrue", "$and", "$anyElementTrue", "$arrayElemAt",
        "$arrayToObject", "$asin", "$asinh", "$atan", "$atan2", "$atanh", "$avg", "$binarySize", "$bitAnd",
        "$bitNot", "$bitOr", "$bitXor", "$bsonSize", "$ceil", "$cmp", "$concat", "$concatArrays", "$cond",
        "$convert", "$cos", "$cosh", "$dateAdd", "$dateDiff", "$dateFromParts", "$dateFromString", "$dateSubtract",
        "$dateToParts", "$dateToString", "$dateTrunc", "$dayOfMonth", "$dayOfWeek", "$dayOfYear",
        "$degreesToRadians", "$divide", "$eq", "$exp", "$filter", "$first", "$firstN", "$floor", "$function",
        "$getField", "$gt", "$gte", "$hour", "$ifNull", "$in", "$indexOfArray", "$indexOfBytes", "$indexOfCP",
        "$isArray", "$isNumber", "$isoDayOfWeek", "$isoWeek", "$isoWeekYear", "$last", "$lastN", "$let",
        "$literal", "$ln", "$log", "$log10", "$lt", "$lte", "$ltrim", "$map", "$max", "$maxN", "$median",
        "$mergeObjects", "$millisecond", "$min", "$minN", "$minute", "$mod", "$month", "$multiply", "$ne", "$not",
        "$objectToArray", "$or", "$percentile", "$pow", "$radiansToDegrees", "$rand", "$range", "$reduce",
        "$regexFind", "$regexFindAll", "$regexMatch", "$replaceAll", "$replaceOne", "$reverseArray", "$round",
        "$rtrim", "$second", "$setDifference", "$setEquals", "$setField", "$setIntersection", "$setIsSubset",
        "$setUnion", "$sin", "$sinh", "$size", "$sortArray", "$split", "$sqrt", "$stdDevPop", "$stdDevSamp",
        "$strLenBytes", "$strLenCP", "$strcasecmp", "$substr", "$substrBytes", "$substrCP", "$subtract", "$sum",
        "$switch", "$tan", "$tanh", "$toBool", "$toDate", "$toDecimal", "$toDouble", "$toHashedIndexKey", "$toInt",
        "$toLong", "$toLower", "$toObjectId", "$toString", "$toUpper", "$toUUID", "$trim", "$trunc", "$tsIncrement",
        "$tsSecond", "$type", "$unsetField", "$week", "$year", "$zip",
    ]
}

struct ProjectionParser {
    let filter: BSONDocument?
    var root = ProjectionTree()
    var slices: [ProjectionSliceStep] = []
    var positionalPath: [String]?

    private var type: Projection.Mode?
    private var idSpecified = false
    private var hasPositional = false
    private var hasElemMatch = false
    private var hasFindSlice = false
    private var idIncludedEntirely = false
    private var idExcludedEntirely = false

    init(filter: BSONDocument?) { self.filter = filter }

    /// The projection's mode once parsing is done.
    private(set) var resolvedMode: Projection.Mode = .exclusion

    mutating func parse(_ spec: BSONDocument) throws(DocketError) {
        for (key, value) in spec {
            if key == "_id" || key.hasPrefix("_id.") { idSpecified = true }
            try parseElement(key, value, parent: [])
        }
        let mode = type ?? defaultMode()
        if !idSpecified && mode == .inclusion {
            root.entries.append(.init(name: "_id", node: .include))
        }
        if mode == .exclusion && idSpecified && idIncludedEntirely, let index = root.index(named: "_id") {
            root.entries.remove(at: index)
        }
        resolvedMode = mode
    }

    /// MongoDB's rules for projections without a plain inclusion or exclusion: `$slice` makes an exclusion unless
    /// `_id: 1` is given, `$elemMatch` an inclusion, `{_id: 1}` an inclusion and anything else an exclusion.
    private func defaultMode() -> Projection.Mode {
        if hasFindSlice { return idIncludedEntirely ? .inclusion : .exclusion }
        if hasElemMatch { return .inclusion }
        if idIncludedEntirely { return .inclusion }
        return .exclusion
    }

    // MARK: Elements

    private mutating func parseElement(_ key: String, _ value: BSONValue, parent: [String]) throws(DocketError) {
        let positional = Self.firstPositionalOperator(key)
        switch value {
        case .document(let subObject):
            guard positional == nil else {
                throw DocketError(
                    .projectionPositionalWithObject,
                    "positional projection cannot be used with an expression or sub object", fieldPath: key)
            }
            try parseSubObject(key, subObject, parent: parent)
        case .bool, .int32, .int64, .double, .decimal128:
            if Self.isTruthy(value) {
                try parseInclusion(key, parent: parent, positional: positional)
            } else {
                try parseExclusion(key, parent: parent)
            }
        default:
            guard positional == nil else {
                throw DocketError(
                    .projectionPositionalWithLiteral, "positional projection cannot be used with a literal",
                    fieldPath: key)
            }
            try parseLiteral(key, value, parent: parent)
        }
    }

    private mutating func parseInclusion(
        _ key: String, parent: [String], positional: Range<String.Index>?
    ) throws(DocketError) {
        let isTopLevelID = parent.isEmpty && key == "_id"
        if let positional {
            guard !hasPositional else {
                throw DocketError(
                    .projectionPositionalTwice, "Cannot specify more than one positional projection per query.",
                    fieldPath: key)
            }
            guard !hasElemMatch else {
                throw DocketError(
                    .projectionPositionalAfterElemMatch, "Cannot specify positional operator and $elemMatch.",
                    fieldPath: key)
            }
            if let filter {
                let matchField =
                    parent.first ?? String(key[..<(key.firstIndex(of: ".") ?? key.endIndex)])
                guard Self.queryConstrains(filter, field: matchField) else {
                    throw DocketError(
                        .projectionPositionalNoQueryMatch,
                        "Positional projection '\(key)' does not match the query document.", fieldPath: key)
                }
            }
            guard !key.hasSuffix(".$.") else {
                throw DocketError(
                    .projectionPathEndsWithPositional, "Path cannot end with '.$.'", fieldPath: key)
            }
            let remaining = String(key[positional.upperBound...])
            guard Self.firstPositionalOperator(remaining) == nil && remaining != "$" else {
                throw DocketError(
                    .projectionPositionalTwiceInPath, "Cannot use positional operator twice: \(key)", fieldPath: key)
            }
            let path = parent + (try Self.fieldPath(String(key[..<positional.lowerBound])))
            try add(path, .positional, relativeName: key)
            positionalPath = path
            hasPositional = true
        } else {
            try add(parent + (try Self.fieldPath(key)), .include, relativeName: key)
            if isTopLevelID { idIncludedEntirely = true }
        }
        if !isTopLevelID {
            guard type != .exclusion else {
                throw DocketError(
                    .projectionInclusionInExclusion, "Cannot do inclusion on field \(key) in exclusion projection",
                    fieldPath: key)
            }
            type = .inclusion
        }
    }

    private mutating func parseExclusion(_ key: String, parent: [String]) throws(DocketError) {
        try add(parent + (try Self.fieldPath(key)), .exclude, relativeName: key)
        if parent.isEmpty && key == "_id" {
            idExcludedEntirely = true
        } else {
            guard type != .inclusion else {
                throw DocketError(
                    .projectionExclusionInInclusion, "Cannot do exclusion on field \(key) in inclusion projection",
                    fieldPath: key)
            }
            type = .exclusion
        }
    }

    private mutating func parseLiteral(_ key: String, _ value: BSONValue, parent: [String]) throws(DocketError) {
        guard Self.isPlainLiteral(value) else {
            throw DocketError(
                .notImplemented,
                "Aggregation expressions in projections are not supported yet: \(key): "
                    + BSONPrinter.projectionMessage.string(value),
                fieldPath: key)
        }
        try add(parent + (try Self.fieldPath(key)), .literal(value), relativeName: key)
        guard type != .exclusion else {
            throw DocketError(
                .projectionLiteralInExclusion,
                "Cannot use an expression \(key): \(BSONPrinter.projectionMessage.string(value)) in an exclusion projection",
                fieldPath: key)
        }
        type = .inclusion
    }

    private mutating func parseSubObject(_ key: String, _ subObject: BSONDocument, parent: [String]) throws(DocketError)
    {
        let path = parent + (try Self.fieldPath(key))
        guard !subObject.isEmpty else {
            throw DocketError(
                .projectionEmptySubProjection,
                "An empty sub-projection is not a valid value. Found empty object at path", fieldPath: key)
        }
        if subObject.count == 1, let (operatorName, argument) = subObject.first, operatorName.hasPrefix("$") {
            switch ProjectionOperator(operatorName) {
            case .slice:
                try parseSlice(key, argument, path: path)
            case .elemMatch:
                try parseElemMatch(key, argument, path: path)
            case .meta, .aggregationExpression:
                guard type != .exclusion || operatorName == "$meta" else {
                    throw DocketError(
                        .projectionExpressionInExclusion,
                        "Cannot use expression other than $meta in exclusion projection", fieldPath: key,
                        operatorName: operatorName)
                }
                throw DocketError(
                    .notImplemented, "Aggregation expressions in projections are not supported yet: \(operatorName)",
                    fieldPath: key, operatorName: operatorName)
            case nil:
                throw DocketError(
                    .projectionUnknownExpression, "Unknown expression \(operatorName)", fieldPath: key,
                    operatorName: operatorName)
            }
            return
        }
        for (subKey, subValue) in subObject {
            try parseElement(subKey, subValue, parent: path)
        }
    }

    // MARK: Operators

    private mutating func parseSlice(_ key: String, _ argument: BSONValue, path: [String]) throws(DocketError) {
        let slice: ProjectionSlice
        switch argument {
        case .int32, .int64, .double, .decimal128:
            slice = ProjectionSlice(skip: nil, limit: Self.numberInt(argument))
        case .array(let array):
            if Self.looksLikeSliceExpression(array) {
                throw DocketError(
                    .notImplemented, "The $slice aggregation expression in projections is not supported yet",
                    fieldPath: key, operatorName: "$slice")
            }
            guard array.count == 2 else {
                throw DocketError(
                    .projectionSliceArrayForm, "$slice array argument should be of form [skip, limit]",
                    fieldPath: key, operatorName: "$slice")
            }
            guard array[0].isNumber else {
                throw DocketError(
                    .projectionSliceSkipNotNumber,
                    "$slice expects the skip argument to be a number, got \(array[0].type.alias)", fieldPath: key,
                    operatorName: "$slice")
            }
            guard array[1].isNumber else {
                throw DocketError(
                    .projectionSliceLimitNotNumber,
                    "$slice expects the limit argument to be a number, got \(array[1].type.alias)", fieldPath: key,
                    operatorName: "$slice")
            }
            let limit = Self.numberInt(array[1])
            guard limit > 0 else {
                throw DocketError(
                    .projectionSliceLimitNotPositive, "$slice limit must be positive, got \(limit)", fieldPath: key,
                    operatorName: "$slice")
            }
            slice = ProjectionSlice(skip: Self.numberInt(array[0]), limit: limit)
        default:
            throw DocketError(
                .projectionSliceArgument, "$slice only supports numbers and [skip, limit] arrays", fieldPath: key,
                operatorName: "$slice")
        }
        try add(path, .slice, relativeName: key)
        slices.append(ProjectionSliceStep(path: path, slice: slice))
        hasFindSlice = true
    }

    private mutating func parseElemMatch(_ key: String, _ argument: BSONValue, path: [String]) throws(DocketError) {
        guard case .document(let filter) = argument else {
            throw DocketError(
                .projectionElemMatchArgument,
                "elemMatch: Invalid argument, object required, but got \(argument.type.alias)", fieldPath: key,
                operatorName: "$elemMatch")
        }
        guard !hasPositional else {
            throw DocketError(
                .projectionElemMatchAfterPositional, "Cannot specify positional operator and $elemMatch.",
                fieldPath: key, operatorName: "$elemMatch")
        }
        guard path.count == 1 else {
            throw DocketError(
                .projectionElemMatchNested, "Cannot use $elemMatch projection on a nested field.", fieldPath: key,
                operatorName: "$elemMatch")
        }
        let elemMatch = try ProjectionElemMatch(field: path[0], filter: filter)
        try add(path, .elemMatch(elemMatch), relativeName: key)
        hasElemMatch = true
    }

    // MARK: Tree building

    /// Adds a node at a path from the root, creating sub-levels; reports MongoDB's path collisions in terms of the
    /// element's own (relative) name.
    private mutating func add(_ path: [String], _ node: ProjectionNode, relativeName: String) throws(DocketError) {
        let tail = relativeName.split(separator: ".", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        try Self.insert(&root, path[...], node, relativeName: relativeName, tail: tail)
    }

    private static func insert(
        _ tree: inout ProjectionTree, _ path: ArraySlice<String>, _ node: ProjectionNode, relativeName: String,
        tail: String
    ) throws(DocketError) {
        let name = path.first!
        let existing = tree.index(named: name)
        if path.count == 1 {
            guard existing == nil else {
                throw DocketError(
                    .projectionPathCollision, "Path collision at \(relativeName)", fieldPath: relativeName)
            }
            tree.entries.append(.init(name: name, node: node))
            if case .literal = node { tree.hasComputed = true }
            if case .elemMatch = node { tree.hasComputed = true }
            return
        }
        var subtree: ProjectionTree
        if let existing {
            guard case .tree(let found) = tree.entries[existing].node else {
                throw DocketError(
                    .projectionPathCollisionPrefix, "Path collision at \(relativeName) remaining portion \(tail)",
                    fieldPath: relativeName)
            }
            subtree = found
            tree.entries[existing].node = .include  // drop the reference so `subtree` is uniquely owned
        } else {
            subtree = ProjectionTree()
        }
        try insert(&subtree, path.dropFirst(), node, relativeName: relativeName, tail: tail)
        if subtree.hasComputed { tree.hasComputed = true }
        if let existing {
            tree.entries[existing].node = .tree(subtree)
        } else {
            tree.entries.append(.init(name: name, node: .tree(subtree)))
        }
    }

    // MARK: Helpers

    /// MongoDB's `trueValue` for the inclusion/exclusion types: non-zero numbers (NaN included) and `true`.
    static func isTruthy(_ value: BSONValue) -> Bool {
        switch value {
        case .bool(let b): b
        case .int32(let i): i != 0
        case .int64(let i): i != 0
        case .double(let d): d != 0 || d.isNaN
        case .decimal128(let d): !d.isZero
        default: false
        }
    }

    /// MongoDB's `numberInt()`: truncation toward zero, clamped to the 32-bit range (NaN is 0).
    static func numberInt(_ value: BSONValue) -> Int {
        switch value {
        case .int32(let i): return Int(i)
        case .int64(let i): return Int(max(Int64(Int32.min), min(Int64(Int32.max), i)))
        case .double(let d): return clampToInt32(d)
        case .decimal128(let d): return clampToInt32(d.doubleValue)
        default: return 0
        }
    }

    private static func clampToInt32(_ d: Double) -> Int {
        if d.isNaN { return 0 }
        if d >= Double(Int32.max) { return Int(Int32.max) }
        if d <= Double(Int32.min) { return Int(Int32.min) }
        return Int(d.rounded(.towardZero))
    }

    /// Whether a `$slice` array argument is the aggregation form (`[<array expression>, n]` or three arguments) rather
    /// than find's `[skip, limit]`.
    private static func looksLikeSliceExpression(_ array: [BSONValue]) -> Bool {
        guard array.count == 2 || array.count == 3 else { return false }
        if array.count == 3 { return true }
        switch array[0] {
        case .string(let s): return s.hasPrefix("$")
        case .array, .document: return true
        default: return false
        }
    }

    /// Whether a literal holds no aggregation expression (`"$field"` strings or `$`-keyed objects).
    static func isPlainLiteral(_ value: BSONValue) -> Bool {
        switch value {
        case .string(let s): return !s.hasPrefix("$")
        case .array(let array): return array.allSatisfy(isPlainLiteral)
        case .document(let document):
            return document.allSatisfy { !$0.key.hasPrefix("$") && isPlainLiteral($0.value) }
        default: return true
        }
    }

    /// The bounds of the first positional operator in a projection key: `.$.` inside, `.$` at the end, or the whole
    /// key `$`.
    static func firstPositionalOperator(_ key: String) -> Range<String.Index>? {
        var index = key.startIndex
        while index < key.endIndex {
            if key[index...].hasPrefix(".$.") { return index..<key.index(index, offsetBy: 3) }
            index = key.index(after: index)
        }
        if key.hasSuffix(".$") { return key.index(key.endIndex, offsetBy: -2)..<key.endIndex }
        if key == "$" { return key.startIndex..<key.endIndex }
        return nil
    }

    /// Whether the query has a predicate whose path starts with `field` (through `$and`, `$or`, `$nor`).
    static func queryConstrains(_ filter: BSONDocument, field: String) -> Bool {
        for (key, value) in filter {
            if key == "$and" || key == "$or" || key == "$nor" {
                guard case .array(let clauses) = value else { continue }
                for case .document(let clause) in clauses where queryConstrains(clause, field: field) { return true }
            } else if !key.hasPrefix("$") {
                let prefix = key[..<(key.firstIndex(of: ".") ?? key.endIndex)]
                if prefix == field { return true }
            }
        }
        return false
    }

    /// Splits and validates a field path as MongoDB's `FieldPath` does.
    static func fieldPath(_ path: String) throws(DocketError) -> [String] {
        guard !path.isEmpty else {
            throw DocketError(.fieldPathEmpty, "FieldPath cannot be constructed with empty string")
        }
        let components = path.split(separator: ".", omittingEmptySubsequences: false)
        var result: [String] = []
        result.reserveCapacity(components.count)
        for component in components {
            guard !component.isEmpty else {
                throw DocketError(
                    .fieldPathEmptyComponent, "FieldPath field names may not be empty strings.", fieldPath: path)
            }
            guard component.first != "$" else {
                throw DocketError(
                    .fieldPathDollarPrefix,
                    "FieldPath field names may not start with '$'. Consider using $getField or $setField.",
                    fieldPath: path)
            }
            guard !component.utf8.contains(0) else {
                throw DocketError(
                    .fieldPathNullByte, "FieldPath field names may not contain '\\0'.", fieldPath: path)
            }
            result.append(String(component))
        }
        return result
    }
}
