/// A compiled find projection: which fields of a matched document a query returns, with MongoDB 8.x semantics.
///
/// A projection is parsed once into a tree of field nodes and then applied to many documents. It is either an
/// *inclusion* (`{name: 1, email: 1}`: only those fields, plus `_id` unless `_id: 0`) or an *exclusion*
/// (`{passwordHash: 0}`: every field but those); only `_id` may be excluded from an inclusion. Besides `1`/`0`
/// (any truthy or falsy number or boolean) a projection accepts:
///
/// - dotted paths and sub-objects (`{"settings.theme": 1}` equals `{settings: {theme: 1}}`); through arrays of
///   documents the projection applies to each element (`{"teams.role": 1}` returns `teams: [{role: …}, …]`,
///   and an inclusion drops the array's non-document elements);
/// - `{field: {$slice: n}}`, `{$slice: -n}` and `{$slice: [skip, limit]}` (a negative skip counts from the end);
///   on a value that is not an array, `$slice` returns it unchanged;
/// - `{field: {$elemMatch: filter}}`: the first array element matching `filter`, as a one-element array;
/// - `{"field.$": 1}`: the array element the query matched (from ``MatchDetails/arrayPosition``);
/// - literal values (`{status: "archived"}`, `{tags: ["a"]}`, `{a: null}`): computed fields set to that value.
///
/// ```swift
/// let projection = try Projection(["name": 1, "teams.role": 1, "_id": 0])
/// let shown = try projection.apply(to: user, details: MatchDetails())
/// // {name: "Ada", teams: [{role: "admin"}, {role: "member"}]}
/// ```
///
/// - Note: Differs from MongoDB: aggregation expressions (`{a: {$add: [1, 2]}}`, `{a: "$b"}`) and `$meta`
///   throw `NotImplemented` until the aggregation issue.
struct Projection: Sendable {
    /// Whether the projection keeps only the named fields or removes them.
    enum Mode: Sendable {
        case inclusion
        case exclusion
    }

    let mode: Mode
    let root: ProjectionTree
    /// `$slice` steps, applied after the inclusion/exclusion pass, in projection order.
    let slices: [ProjectionSliceStep]
    /// The path before the positional `.$`, when there is one.
    let positionalPath: [String]?

    /// Whether applying the projection returns documents unchanged (the empty projection `{}`).
    let isIdentity: Bool

    /// Whether this is an inclusion projection (only the named fields are returned).
    var isInclusion: Bool { mode == .inclusion }

    /// Parses a find projection.
    ///
    /// - Parameter spec: the projection document, as given to `find`.
    /// - Throws: ``DocketError`` with MongoDB's codes: 31254/31253 (mixing exclusion and inclusion), 31249/31250
    ///   (path collisions), 31310 (a literal in an exclusion), 31257–31259/31272/31273 (`$slice` arguments),
    ///   31274/31275/31255/31256 (`$elemMatch`), 31276/31287/31270/31271/31308 (positional `$`), 51270 (an empty
    ///   sub-projection), 31325 (an unknown `$` expression), field path errors (40352, 15998, 16410, 16411) and
    ///   238 `NotImplemented` for aggregation expressions.
    init(_ spec: BSONDocument) throws(DocketError) {
        try self.init(spec, filter: nil)
    }

    /// Parses a find projection together with the query it belongs to, so a positional `$` projection is checked
    /// against the query as MongoDB does (31277 "Positional projection 'a.$' does not match the query document.").
    ///
    /// - Parameters:
    ///   - spec: the projection document.
    ///   - filter: the find filter, or `nil` to skip the positional check.
    /// - Throws: as ``init(_:)``, plus 31277.
    init(_ spec: BSONDocument, filter: BSONDocument?) throws(DocketError) {
        try ArgumentRules.checkNesting(spec, "projection")
        var parser = ProjectionParser(filter: filter)
        try parser.parse(spec)
        mode = parser.resolvedMode
        root = parser.root
        slices = parser.slices
        positionalPath = parser.positionalPath
        isIdentity = mode == .exclusion && root.entries.isEmpty && slices.isEmpty
    }

    /// Applies the projection to one matched document.
    ///
    /// - Parameters:
    ///   - document: the document the query matched.
    ///   - details: what the match recorded; a positional projection (`"teams.$": 1`) uses its `arrayPosition`.
    /// - Returns: the projected document. Included fields keep the input document's order; computed fields
    ///   (literals, `$elemMatch`) follow them in projection order, as in MongoDB.
    /// - Throws: 51246 "positional operator '.$' couldn't find a matching element in the array" when a positional
    ///   projection meets an array but the query recorded no position; 51247 when the position is out of range.
    func apply(to document: BSONDocument, details: MatchDetails) throws(DocketError) -> BSONDocument {
        if isIdentity { return document }
        var output: BSONDocument
        switch mode {
        case .inclusion:
            output = ProjectionExecution.include(document, root)
            if root.hasComputed { ProjectionExecution.addComputed(to: &output, root, root: document) }
        case .exclusion:
            output = ProjectionExecution.exclude(document, root)
            if root.hasComputed { ProjectionExecution.addComputed(to: &output, root, root: document) }
        }
        for step in slices {
            output = ProjectionExecution.slice(output, step.path[...], step.slice)
        }
        if let positionalPath {
            try ProjectionExecution.applyPositional(&output, positionalPath, position: details.arrayPosition)
        }
        return output
    }
}

/// One level of a parsed projection: its fields in projection order.
struct ProjectionTree: Sendable {
    /// One named field of the level.
    struct Entry: Sendable {
        var name: String
        var node: ProjectionNode
    }

    var entries: [Entry] = []
    /// Whether this level or a level below holds a computed field (a literal or `$elemMatch`).
    var hasComputed = false

    /// The node for a field name (byte-wise comparison).
    @inline(__always) func node(named name: String) -> ProjectionNode? {
        for entry in entries where entry.name.utf8.elementsEqual(name.utf8) { return entry.node }
        return nil
    }

    func index(named name: String) -> Int? {
        entries.firstIndex { $0.name.utf8.elementsEqual(name.utf8) }
    }
}

/// What a projection does to one field.
enum ProjectionNode: Sendable {
    /// `field: 1`.
    case include
    /// `field: 0`.
    case exclude
    /// A computed field set to a constant.
    case literal(BSONValue)
    /// `{$slice: …}`: the field is kept (in an inclusion) and sliced by a ``ProjectionSliceStep``.
    case slice
    /// `"field.$": 1`: the field is kept and narrowed to the query's matching element.
    case positional
    /// `{$elemMatch: …}`: a computed field holding the first matching element.
    case elemMatch(ProjectionElemMatch)
    /// A sub-level (`"a.b"` or `{a: {b: …}}`).
    case tree(ProjectionTree)
}

/// `$slice` arguments: `n` (`skip == nil`, negative counts from the end) or `[skip, limit]`.
struct ProjectionSlice: Sendable, Equatable {
    var skip: Int?
    var limit: Int

    /// The slice of an array, with MongoDB's clamping.
    func apply(_ array: [BSONValue]) -> [BSONValue] {
        let count = array.count
        var start = 0
        var length = 0
        if let skip {
            start = skip < 0 ? max(0, count + skip) : min(count, skip)
            length = min(count - start, max(0, limit))
        } else if limit < 0 {
            start = max(0, count + limit)
            length = count - start
        } else {
            length = min(count, limit)
        }
        if start == 0 && length == count { return array }
        return Array(array[start..<(start + length)])
    }
}

/// A `$slice` applied to a path after the inclusion/exclusion pass.
struct ProjectionSliceStep: Sendable {
    var path: [String]
    var slice: ProjectionSlice
}

/// `{field: {$elemMatch: filter}}`: compiled once as the query `{field: {$elemMatch: filter}}`.
struct ProjectionElemMatch: Sendable {
    let field: String
    let matcher: Matcher

    init(field: String, filter: BSONDocument) throws(DocketError) {
        self.field = field
        matcher = try Matcher([field: .document(["$elemMatch": .document(filter)])])
    }

    /// The first element of `root[field]` that matches, as a one-element array; `nil` when the field is not an
    /// array or nothing matches.
    ///
    /// Each element is tested as the document `{field: [element]}`, which the `$elemMatch` query matches exactly
    /// when the element does (documents, scalars and nested arrays alike).
    func firstMatch(in root: BSONDocument) -> BSONValue? {
        guard case .array(let array)? = root[field] else { return nil }
        var probe = BSONDocument(minimumCapacity: 1)
        probe.append(field, .array(array))
        guard matcher.matches(probe) else { return nil }  // one test rejects documents with no match
        for element in array {
            probe[0].value = .array([element])
            if matcher.matches(probe) { return .array([element]) }
        }
        return nil
    }
}
