import DocketBSON

// The one table of query operator names: every `$`-string of the filter language maps to an enum case here,
// once, at parse time.

/// An operator applied to a field (`{a: {$gt: 1}}`).
enum QueryOperator: Sendable {
    case eq, ne, gt, gte, lt, lte, `in`, nin, exists, type, regex, options, mod, all, elemMatch, size
    case bitsAllSet, bitsAnySet, bitsAllClear, bitsAnyClear
    case not
    case near, nearSphere, geoNear, geoWithin, within, geoIntersects

    private static let byName: [String: QueryOperator] = [
        "$eq": .eq, "$ne": .ne, "$gt": .gt, "$gte": .gte, "$lt": .lt, "$lte": .lte, "$in": .in, "$nin": .nin,
        "$exists": .exists, "$type": .type, "$regex": .regex, "$options": .options, "$mod": .mod, "$all": .all,
        "$elemMatch": .elemMatch, "$size": .size, "$bitsAllSet": .bitsAllSet, "$bitsAnySet": .bitsAnySet,
        "$bitsAllClear": .bitsAllClear, "$bitsAnyClear": .bitsAnyClear, "$not": .not, "$near": .near,
        "$nearSphere": .nearSphere, "$geoNear": .geoNear, "$geoWithin": .geoWithin, "$within": .within,
        "$geoIntersects": .geoIntersects,
    ]

    /// The operator named `name` (with its `$`), or `nil`.
    init?(name: String) {
        guard let op = Self.byName[name] else { return nil }
        self = op
    }
}

/// An operator at the top level of a filter (`{$or: [...]}`), including MongoDB's DBRef field names.
enum TopLevelOperator: Sendable {
    case and, or, nor, comment, expr, `where`, text, jsonSchema, alwaysTrue, alwaysFalse, sampleRate, id, ref, db

    private static let byName: [String: TopLevelOperator] = [
        "$and": .and, "$or": .or, "$nor": .nor, "$comment": .comment, "$expr": .expr, "$where": .where,
        "$text": .text, "$jsonSchema": .jsonSchema, "$alwaysTrue": .alwaysTrue, "$alwaysFalse": .alwaysFalse,
        "$sampleRate": .sampleRate, "$id": .id, "$ref": .ref, "$db": .db,
    ]

    /// The operator named `name` (with its `$`), or `nil`.
    init?(name: String) {
        guard let op = Self.byName[name] else { return nil }
        self = op
    }
}
