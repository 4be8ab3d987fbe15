import DocketBSON

// MongoDB's pipeline rewrites that do not change results:
//
// - adjacent `$match`es merge into one (`{$and: [a, b]}`);
// - a `$match` right after a `$sort` moves before it (filtering first sorts fewer documents), and so does one after
//   an `$addFields`/`$set`, an exclusion `$project`/`$unset`, an `$unwind` or a `$lookup` that changes none of the
//   top-level fields the filter names (and the filter has no `$expr`): it then reaches the collection read;
// - a `$lookup` followed by an `$unwind` of its top-level `as` field becomes one stage that yields a document per
//   match, never building the array;
// - adjacent `$skip`s add up; adjacent `$limit`s keep the smaller;
// - `$limit n` after `$skip m` is swapped with it (`$limit m+n`, `$skip m`), so that the limit reaches the sort;
// - `$sort` followed by `$limit n` keeps only n documents (a top-k);
// - adjacent exclusion projections (`$unset`, `$project: {a: 0}`) merge.
//
// Then the leading `$match` and `$sort` (and the `$skip`/`$limit` after them) are split off as a `LeadingQuery`,
// which the Database layer hands to the query planner (`_id` lookups, the stored-bytes matcher, the top-k sort).

/// The part of a pipeline a collection read answers: filter, sort, skip and limit.
struct LeadingQuery: Sendable {
    /// The filter of the leading `$match`es, or `nil` for all documents.
    var filter: BSONDocument?
    var matcher: Matcher?
    var sort: SortSpec?
    var skip = 0
    /// The most documents, or `nil` for no limit.
    var limit: Int?
}

extension Pipeline {
    /// The pipeline after MongoDB's rewrites (see the file comment).
    func optimized() throws(DocketError) -> Pipeline {
        var input = stages
        var changed = true
        while changed {
            changed = false
            var output: [Stage] = []
            output.reserveCapacity(input.count)
            for stage in input {
                guard let last = output.last else {
                    output.append(stage)
                    continue
                }
                if let merged = try Self.merge(last, stage) {
                    output.removeLast()
                    output.append(contentsOf: merged)
                    changed = true
                } else {
                    output.append(stage)
                }
            }
            input = output
        }
        return Pipeline(stages: input)
    }

    /// The stages that replace `a` followed by `b`, or `nil` to keep both.
    private static func merge(_ a: Stage, _ b: Stage) throws(DocketError) -> [Stage]? {
        switch (a, b) {
        case (.match(let m, let f, nil), .match(let n, let g, nil)) where !m.hasExpr && !n.hasExpr:
            // (A nested `$expr` was compiled with the operation's `let` variables: such a stage stays as it is.)
            let filter: BSONDocument = ["$and": [.document(f), .document(g)]]
            return [.match(try Matcher(filter), filter: filter, expr: nil)]
        case (.sort, .match):
            return [b, a]
        case (_, .match(let matcher, let filter, nil)) where !matcher.hasExpr && a.allowsMatchBefore(filter):
            return [b, a]
        case (.lookup(let spec), .unwind(let unwind)):
            guard spec.unwinding == nil, spec.asPath.count == 1, unwind.path == spec.asPath else { return nil }
            return [.lookup(spec.unwinding(unwind))]
        case (.skip(let m), .skip(let n)):
            let (sum, overflow) = m.addingReportingOverflow(n)
            return [.skip(overflow ? Int.max : sum)]
        case (.limit(let m), .limit(let n)):
            return [.limit(Swift.min(m, n))]
        case (.skip(let m), .limit(let n)):
            let (sum, overflow) = m.addingReportingOverflow(n)
            return overflow ? nil : [.limit(sum), .skip(m)]
        case (.sort(let spec, let bound), .limit(let n)):
            let newBound = bound.map { Swift.min($0, n) } ?? n
            guard newBound != bound else { return nil }
            return [.sort(spec, bound: newBound), b]
        case (.project(let p, let f), .project(let q, let g)):
            guard p.isPlainExclusion && q.isPlainExclusion else { return nil }
            var spec = f
            for (key, value) in g {
                let overlaps = spec.keys.contains { $0 == key || $0.hasPrefix(key + ".") || key.hasPrefix($0 + ".") }
                guard !overlaps else { return nil }
                spec.append(key, value)
            }
            return [.project(try Projection(spec), spec: spec)]
        default:
            return nil
        }
    }

    /// Splits the leading `$match` (and a `$sort` right after it, and the `$skip`/`$limit` after those) off an
    /// optimized pipeline. With `boundedSortsOnly`, an unbounded `$sort` stays a stage (where the memory limit
    /// applies).
    func splitLeadingQuery(boundedSortsOnly: Bool = false) -> (LeadingQuery, [Stage]) {
        var query = LeadingQuery()
        var index = 0
        if index < stages.count, case .match(let matcher, let filter, let expr) = stages[index] {
            query.matcher = matcher
            query.filter = filter
            index += 1
            // A top-level `$expr` runs right after the read (it may read pipeline variables).
            if let expr {
                return (query, [.match(.matchAll, filter: [:], expr: expr)] + stages[index...])
            }
        }
        if index < stages.count, case .sort(let spec, let bound) = stages[index], bound != nil || !boundedSortsOnly {
            query.sort = spec
            index += 1
        }
        // $skip and $limit in any order: fold them into one skip, then one limit.
        while index < stages.count {
            switch stages[index] {
            case .skip(let n):
                if let limit = query.limit { query.limit = Swift.max(0, limit - n) }
                let (sum, overflow) = query.skip.addingReportingOverflow(n)
                query.skip = overflow ? Int.max : sum
            case .limit(let n):
                query.limit = query.limit.map { Swift.min($0, n) } ?? n
            default:
                return (query, Array(stages[index...]))
            }
            index += 1
        }
        return (query, [])
    }
}

extension Projection {
    /// Whether the projection only removes fields (`$unset`, `{a: 0}`).
    var isPlainExclusion: Bool { mode == .exclusion && !root.hasComputed && slices.isEmpty && positionalPath == nil }
}

extension Stage {
    /// Whether a `$match` on `filter` right after this stage may run before it: the stage changes none of the
    /// top-level fields the filter names (compared by top-level field, so `a.b` and `a.c` count as one).
    func allowsMatchBefore(_ filter: BSONDocument) -> Bool {
        guard let named = Stage.filterFields(filter) else { return false }
        let changed: [String]
        switch self {
        case .addFields(let fields):
            changed = fields.entries.map(\.name)
        case .project(let projection, let spec):
            guard projection.isPlainExclusion else { return false }
            changed = spec.keys.map { String($0.prefix { $0 != "." }) }
        case .unwind(let spec):
            changed = Array(spec.path.prefix(1)) + (spec.indexField?.prefix(1).map { $0 } ?? [])
        case .lookup(let spec):
            changed = Array(spec.asPath.prefix(1)) + (spec.unwinding?.indexField?.prefix(1).map { $0 } ?? [])
        default:
            return false
        }
        return named.isDisjoint(with: changed)
    }
}
