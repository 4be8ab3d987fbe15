import DocketBSON

// The access-path planner: the one place that decides which documents a query reads. Every read and write asks it
// (`find`, `findOne`, `countDocuments`, `distinct`, updates, deletes, `findOneAnd*`, upserts), working on the
// compiled filter (`FilterNode`), never on the raw filter document. Today it chooses between the `_id` index (point
// lookups for `{_id: v}` and `{_id: {$in: [...]}}`) and a collection scan in either direction (`$natural`); secondary
// indexes, sort-by-index and explain plug in here.

/// How a query reaches its candidate documents. The compiled filter is still applied to every candidate.
enum AccessPath: Sendable, Equatable {
    /// Every document, in natural (insertion) order, or reversed.
    case collectionScan(forward: Bool)
    /// The document whose `_id` is this key, looked up in the `_id` index (MongoDB's `IDHACK`).
    case idPoint(BSONValue)
    /// The documents whose `_id` is one of these keys, looked up in the `_id` index, in ascending key order.
    case idLookup([BSONValue])

    static func == (lhs: AccessPath, rhs: AccessPath) -> Bool {
        switch (lhs, rhs) {
        case (.collectionScan(let a), .collectionScan(let b)): a == b
        case (.idPoint(let a), .idPoint(let b)): a.isIdentical(to: b)
        case (.idLookup(let a), .idLookup(let b)): a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        default: false
        }
    }

    /// Whether the path reads the `_id` index (a reader's snapshot must then include it).
    var usesIDIndex: Bool {
        if case .collectionScan = self { return false }
        return true
    }

    /// MongoDB's name for the plan's access stage (`COLLSCAN`, `IDHACK`, `IXSCAN`), for explain and tests.
    var stageName: String {
        switch self {
        case .collectionScan: "COLLSCAN"
        case .idPoint: "IDHACK"
        case .idLookup: "IXSCAN"
        }
    }
}

/// A `hint`: force an index by name or key pattern, or a collection scan (`{$natural: 1}` / `{$natural: -1}`).
enum QueryHint: Sendable {
    case natural(forward: Bool)
    case idIndex

    /// Parses a hint as the server does: a string names an index, a document is a key pattern or `$natural`.
    /// - Throws: `BadValue` (2) for a hint that names no index ("hint provided does not correspond to an existing
    ///   index"), `FailedToParse` (9) for a malformed one.
    init(parsing hint: BSONValue) throws(DocketError) {
        switch hint {
        case .string(let name):
            guard name == "_id_" else { throw Self.noSuchIndex() }
            self = .idIndex
        case .document(let pattern):
            if pattern.count == 1, bsonUTF8Equal(pattern[0].key, "$natural") {
                guard let direction = pattern[0].value.int64Value, direction == 1 || direction == -1 else {
                    throw DocketError(.badValue, "$natural hint must be 1 or -1")
                }
                self = .natural(forward: direction == 1)
                return
            }
            guard pattern.count == 1, bsonUTF8Equal(pattern[0].key, "_id"),
                let direction = pattern[0].value.doubleValue, direction == 1 || direction == -1
            else { throw Self.noSuchIndex() }
            self = .idIndex
        default:
            throw DocketError(.failedToParse, "hint must be a string or an object, not \(hint.type.alias)")
        }
    }

    private static func noSuchIndex() -> DocketError {
        DocketError(
            .badValue,
            "error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index"
        )
    }
}

/// The access-path planner.
enum QueryPlanner {
    /// Chooses how to read the candidates of `filter`.
    ///
    /// - Parameters:
    ///   - naturalOrder: `true`/`false` when the query sorts by `{$natural: 1}`/`{$natural: -1}`.
    ///   - hint: a forced access path.
    static func plan(_ filter: FilterNode, naturalOrder: Bool? = nil, hint: QueryHint? = nil) -> AccessPath {
        switch hint {
        case .natural(let forward)?:
            return .collectionScan(forward: forward)
        case .idIndex?, nil:
            if naturalOrder == nil, let keys = idKeys(filter) {
                return keys.count == 1 ? .idPoint(keys[0]) : .idLookup(keys)
            }
            return .collectionScan(forward: naturalOrder ?? true)
        }
    }

    /// The `_id` of a filter that is exactly `{_id: v}` where `v` is an ObjectId, a string, a 32- or 64-bit integer,
    /// a date or a Boolean; otherwise `nil`. Decided on the filter document, before compiling it.
    ///
    /// For these values the query `{_id: v}` matches exactly the stored document whose `_id` equals `v` in the `_id`
    /// index (a stored `_id` is never an array, so MongoDB's array traversal cannot add matches), so the lookup alone
    /// selects the target and the write needs no compiled filter: the commonest write, update by `_id`, skips the
    /// filter compiler.
    static func pinnedID(_ filter: BSONDocument) -> BSONValue? {
        guard filter.count == 1, let value = filter.first(where: { bsonUTF8Equal($0.key, "_id") })?.value else {
            return nil
        }
        switch value {
        case .objectID, .string, .int32, .int64, .datetime, .bool: return value
        default: return nil
        }
    }

    /// The `_id` values that can satisfy the filter, when a top-level conjunct pins `_id` to one value (`{_id: v}`,
    /// `{_id: {$eq: v}}`) or a list (`{_id: {$in: [...]}}` without regular expressions): sorted, deduplicated.
    ///
    /// A stored `_id` is never an array, so array keys select nothing and are dropped; `null` selects a document
    /// whose `_id` is null (stored `_id`s are never missing).
    static func idKeys(_ filter: FilterNode) -> [BSONValue]? {
        for node in conjuncts(filter) {
            guard case .leaf(let path, let predicate) = node, path.components.count == 1,
                bsonUTF8Equal(path.dotted, "_id")
            else { continue }
            switch predicate {
            case .comparison(let comparison) where comparison.kind == .eq:
                let value = comparison.operand.value
                if case .array = value { return [] }
                if case .undefined = value { continue }
                return [value]
            case .in(let list) where list.regexes.isEmpty:
                var keys = list.equalities.map(\.value).filter { if case .array = $0 { false } else { true } }
                keys.sort { BSONValue.compare($0, $1) < 0 }
                var unique: [BSONValue] = []
                unique.reserveCapacity(keys.count)
                for key in keys where unique.last.map({ BSONValue.compare($0, key) != 0 }) ?? true {
                    unique.append(key)
                }
                return unique
            default:
                continue
            }
        }
        return nil
    }

    /// The equality constraints of a filter, in filter order: `{path: value}` and `{path: {$eq: value}}` and a
    /// one-element `$in` (not a regular expression), at the top level or inside `$and` (and a one-clause `$or`).
    /// `$all` members are not equalities here. An upsert builds its new document from them.
    static func equalities(_ filter: FilterNode) -> [(path: String, value: BSONValue)] {
        var result: [(path: String, value: BSONValue)] = []
        for node in conjuncts(filter) {
            guard case .leaf(let path, let predicate) = node else { continue }
            switch predicate {
            case .comparison(let comparison) where comparison.kind == .eq && comparison.isQueryEquality:
                result.append((path.dotted, comparison.operand.value))
            case .in(let list) where list.regexes.isEmpty && list.equalities.count == 1:
                result.append((path.dotted, list.equalities[0].value))
            default:
                continue
            }
        }
        return result
    }

    /// The top-level conjuncts of a filter (an `and` is flattened when compiled).
    private static func conjuncts(_ filter: FilterNode) -> [FilterNode] {
        if case .and(let children) = filter { return children }
        return [filter]
    }
}
