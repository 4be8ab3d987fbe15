import DocketBSON

// `explain` for an aggregation, in the shape of MongoDB 8's aggregate explain (classic engine):
//
//   {explainVersion: "1",
//    stages: [{$cursor: {queryPlanner: {namespace, parsedQuery, indexFilterSet, winningPlan, rejectedPlans},
//                        executionStats?}, nReturned?, executionTimeMillisEstimate?},
//             {$unwind: …}, {$group: …}, …],          the optimized pipeline after the leading read
//    command: {aggregate, pipeline, cursor: {}, $db}, ok: 1}
//
// When the leading read answers the whole pipeline (only `$match`, `$sort`, `$skip`, `$limit`), MongoDB shows no
// `stages`, only the query's `queryPlanner` (and `executionStats`) at the top level; so does this. The plan is built
// from the planner's `AccessPath` (COLLSCAN with its filter and direction; IDHACK for `{_id: v}`; FETCH over an `_id`
// IXSCAN otherwise) with SORT, SKIP and LIMIT above it, and a PROJECTION_SIMPLE on top when the optimizer's dependency
// analysis decodes only some fields (MongoDB's projection pushdown; the internal `.narrow` stage shows nowhere else).
// With "executionStats" the pipeline runs (nothing is written: a pipeline ending in `$out`/`$merge` is refused, as
// MongoDB does since 4.2) and each stage reports the documents it returned and its time, counted as MongoDB counts
// them (a stage's time includes the stages before it).

/// How much an explain reports.
public enum ExplainVerbosity: String, Sendable, CaseIterable {
    /// The plan only; nothing runs.
    case queryPlanner
    /// The plan, then the pipeline runs and each stage reports what it returned and its time.
    case executionStats
    /// As ``executionStats``: the planner never has rival plans, so there are none to report.
    case allPlansExecution
}

extension DocketCollection {
    /// Explains an aggregation pipeline: the plan of its leading read and the optimized stages after it, in the shape
    /// of MongoDB's `db.collection.explain().aggregate(pipeline)`.
    ///
    /// ```swift
    /// let plan = try users.explainAggregate(
    ///     [["$match": ["status": "active"]], ["$group": ["_id": "$country", "n": ["$sum": 1]]]],
    ///     verbosity: .executionStats)
    /// plan["stages"]   // [{$cursor: {queryPlanner: {…, winningPlan: {stage: "PROJECTION_SIMPLE", …}},
    ///                  //             executionStats: {…}}, nReturned: …}, {$group: …, nReturned: …}]
    /// ```
    ///
    /// Stages show after the optimizer's rewrites: adjacent `$match`es merged into `{$and: […]}`, a `$match` moved
    /// before a `$sort`, a `$sort` followed by a `$limit` as `{$sort: {sortKey, limit}}`, `$skip`s added up;
    /// `$count`, `$sortByCount` and `$bucket` as the stages they stand for. The leading `$match`/`$sort`/`$skip`/`$limit`
    /// are the `$cursor`'s plan; when they are the whole pipeline the result has a top-level `queryPlanner` instead of
    /// `stages`, as MongoDB's has.
    ///
    /// - Parameters:
    ///   - pipeline: the stages, as for ``aggregate(_:options:)``.
    ///   - options: as for ``aggregate(_:options:)``; `hint` and `let` shape the plan as they shape the run.
    ///   - verbosity: ``ExplainVerbosity/queryPlanner`` (the default) plans only; ``ExplainVerbosity/executionStats``
    ///     and ``ExplainVerbosity/allPlansExecution`` also run the pipeline over a snapshot taken now and report
    ///     `nReturned` and `executionTimeMillisEstimate` per stage and the read's `executionStats`.
    /// - Returns: the explain document.
    /// - Throws: the errors of ``aggregate(_:options:)`` (with execution statistics, also those of the run);
    ///   `Location51029` for execution statistics of a pipeline ending in `$out` or `$merge` (explain never writes).
    /// - Note: Differs from MongoDB: `parsedQuery` is the filter as written (merged `$match`es as `{$and: […]}`), not
    ///   MongoDB's normalized form; expressions show as written, not as `{$const: …}`; `$set` shows as `$addFields`;
    ///   no `serverInfo`, `queryHash`/`planCacheKey` or per-plan-stage work counters.
    /// - Complexity: O(pipeline size) for ``ExplainVerbosity/queryPlanner``; running the pipeline otherwise.
    public func explainAggregate(
        _ pipeline: [BSONDocument], options: AggregateOptions = AggregateOptions(),
        verbosity: ExplainVerbosity = .queryPlanner
    ) throws(DocketError) -> BSONDocument {
        let (compiled, write, context) = try compileForCollection(pipeline, options: options)
        if let write, verbosity != .queryPlanner {
            let name = write.name.rawValue
            throw DocketError(
                .location(51029), "\(name) is not supported when the explain verbosity is '\(verbosity.rawValue)'",
                stage: name)
        }
        let (leading, query, rest) = try leadingRead(compiled, context: context, options: options)
        // A leading `.narrow` is the read's projection; any later one shows nowhere.
        var narrowed: [[UInt8]]?
        if case .narrow(let fields)? = rest.first { narrowed = fields }
        var plan = Self.winningPlan(leading, access: query?.access, narrowed: narrowed)
        let queryPlanner: BSONDocument = [
            "namespace": .string(namespace),
            "parsedQuery": .document(leading.filter ?? [:]),
            "indexFilterSet": false,
            "winningPlan": .document(plan),
            "rejectedPlans": [],
        ]
        var stageStats: [(returned: Int, nanoseconds: UInt64)] = []
        var readStats = ExecutionStats()
        var cursorStats = (returned: 0, nanoseconds: UInt64(0))
        if verbosity != .queryPlanner {
            (readStats, cursorStats, stageStats) = try run(query, rest, context: context, options)
            plan["nReturned"] = .int32(Int32(clamping: cursorStats.returned))
            plan["executionTimeMillisEstimate"] = .int32(Int32(clamping: cursorStats.nanoseconds / 1_000_000))
        }
        let executionStats: BSONDocument = [
            "executionSuccess": true,
            "nReturned": .int32(Int32(clamping: readStats.returned)),
            "executionTimeMillis": .int32(Int32(clamping: readStats.executionTimeMillis)),
            "totalKeysExamined": .int32(Int32(clamping: readStats.keysExamined)),
            "totalDocsExamined": .int32(Int32(clamping: readStats.documentsExamined)),
            "executionStages": .document(plan),
        ]
        var result: BSONDocument = ["explainVersion": "1"]
        if rest.isEmpty && write == nil {
            result.append("queryPlanner", .document(queryPlanner))
            if verbosity != .queryPlanner { result.append("executionStats", .document(executionStats)) }
        } else {
            var cursor: BSONDocument = ["queryPlanner": .document(queryPlanner)]
            if verbosity != .queryPlanner { cursor.append("executionStats", .document(executionStats)) }
            var cursorStage: BSONDocument = ["$cursor": .document(cursor)]
            if verbosity != .queryPlanner {
                cursorStage.append("nReturned", .int64(Int64(cursorStats.returned)))
                cursorStage.append("executionTimeMillisEstimate", .int64(Int64(cursorStats.nanoseconds / 1_000_000)))
            }
            var stages: [BSONValue] = [.document(cursorStage)]
            for (index, stage) in rest.enumerated() {
                // MongoDB absorbs a `$limit` into the `$sort` before it (shown as the sort's `limit`).
                if index > 0, case .limit(let n) = stage, case .sort(_, let bound?) = rest[index - 1], bound == n {
                    continue
                }
                for var shown in stage.explainDocuments(database: database.name) {
                    if index < stageStats.count {
                        shown.append("nReturned", .int64(Int64(stageStats[index].returned)))
                        shown.append(
                            "executionTimeMillisEstimate", .int64(Int64(stageStats[index].nanoseconds / 1_000_000)))
                    }
                    stages.append(.document(shown))
                }
            }
            if let write {
                stages += write.explainDocuments(database: database.name).map(BSONValue.document)
            }
            result.append("stages", .array(stages))
        }
        result.append("command", .document(command(pipeline, options: options)))
        result.append("ok", .double(1))
        return result
    }

    /// The query plan of the leading read, innermost stage first: the access path, then SORT, SKIP, LIMIT and the
    /// dependency projection.
    private static func winningPlan(_ leading: LeadingQuery, access: AccessPath?, narrowed: [[UInt8]]?)
        -> BSONDocument
    {
        var plan: BSONDocument
        switch access {
        case nil:
            // A leading `$limit: 0`: nothing is read.
            plan = ["stage": "EOF"]
        case .collectionScan(let forward)?:
            plan = ["stage": .string(AccessPath.collectionScan(forward: forward).stageName)]
            if let filter = leading.filter, !filter.isEmpty { plan.append("filter", .document(filter)) }
            plan.append("direction", forward ? "forward" : "backward")
        case .idPoint(let key)?:
            // `{_id: v}` alone is MongoDB's IDHACK; with other conditions, a FETCH filters the lookup's document.
            let isPinned = leading.filter.map { QueryPlanner.pinnedID($0) != nil } ?? false
            plan =
                isPinned
                ? ["stage": .string(AccessPath.idPoint(key).stageName)] : fetch(over: [key], filter: leading.filter)
        case .idLookup(let keys)?:
            plan = fetch(over: keys, filter: leading.filter)
        }
        if let sort = leading.sort {
            var sortStage: BSONDocument = ["stage": "SORT", "sortPattern": .document(sort.explainDocument)]
            sortStage.append("memLimit", .int32(Int32(clamping: PipelineRunContext.defaultMemoryLimitBytes)))
            if let limit = leading.limit {
                let (bound, overflow) = leading.skip.addingReportingOverflow(limit)
                if !overflow { sortStage.append("limitAmount", .int64(Int64(bound))) }
            }
            sortStage.append("type", "simple")
            sortStage.append("inputStage", .document(plan))
            plan = sortStage
        }
        if leading.skip > 0 {
            plan = ["stage": "SKIP", "skipAmount": .int64(Int64(leading.skip)), "inputStage": .document(plan)]
        }
        if let limit = leading.limit {
            plan = ["stage": "LIMIT", "limitAmount": .int64(Int64(limit)), "inputStage": .document(plan)]
        }
        if let narrowed {
            var transform = BSONDocument()
            for field in narrowed { transform.append(String(decoding: field, as: UTF8.self), true) }
            plan = ["stage": "PROJECTION_SIMPLE", "transformBy": .document(transform), "inputStage": .document(plan)]
        }
        return plan
    }

    /// A FETCH (with the rest of the filter) over point intervals of the `_id` index.
    private static func fetch(over keys: [BSONValue], filter: BSONDocument?) -> BSONDocument {
        let intervals = keys.map { key -> BSONValue in
            let text = BSONPrinter.errorMessage.string(key)
            return .string("[\(text), \(text)]")
        }
        let scan: BSONDocument = [
            "stage": .string(AccessPath.idLookup(keys).stageName), "keyPattern": ["_id": 1], "indexName": "_id_",
            "isMultiKey": false,
            "isUnique": true, "direction": "forward", "indexBounds": ["_id": .array(intervals)],
        ]
        var fetch: BSONDocument = ["stage": "FETCH"]
        if let filter, !filter.isEmpty { fetch.append("filter", .document(filter)) }
        fetch.append("inputStage", .document(scan))
        return fetch
    }

    /// Runs the pipeline (without its final write) to the end, counting what each stage returned and its time.
    private func run(_ query: ReadQuery?, _ stages: [Stage], context: PipelineRunContext, _ options: AggregateOptions)
        throws(DocketError) -> (
            ExecutionStats, (returned: Int, nanoseconds: UInt64), [(returned: Int, nanoseconds: UInt64)]
        )
    {
        let source: StoredDocumentsRunner?
        let input: any StageRunner
        if let query {
            let snapshot = engine.snapshot(includingIDIndex: query.access.usesIDIndex)
            let stored = StoredDocumentsRunner(query: query, snapshot: snapshot, maxTimeMS: options.maxTimeMS)
            source = stored
            input = stored
        } else {
            source = nil
            input = EmptySourceRunner()
        }
        let read = CountingRunner(input)
        var counters: [CountingRunner] = []
        var upstream: any StageRunner = read
        for stage in stages {
            let counted = CountingRunner(Pipeline.makeRunners([stage], source: upstream, context: context))
            counters.append(counted)
            upstream = counted
        }
        while try upstream.next() != nil {}
        return (
            source?.stats ?? ExecutionStats(), (read.returned, read.nanoseconds),
            counters.map { ($0.returned, $0.nanoseconds) }
        )
    }

    /// The `aggregate` command explain echoes.
    private func command(_ pipeline: [BSONDocument], options: AggregateOptions) -> BSONDocument {
        var command: BSONDocument = [
            "aggregate": .string(name), "pipeline": .array(pipeline.map(BSONValue.document)),
        ]
        if let allowDiskUse = options.allowDiskUse { command.append("allowDiskUse", .bool(allowDiskUse)) }
        if let variables = options.let { command.append("let", .document(variables)) }
        if let hint = options.hint { command.append("hint", hint) }
        if let comment = options.comment { command.append("comment", comment) }
        if let maxTimeMS = options.maxTimeMS { command.append("maxTimeMS", .int64(Int64(maxTimeMS))) }
        command.append("cursor", [:])
        command.append("$db", .string(database.name))
        return command
    }
}

/// Counts the documents a runner returns and the time spent getting them (including the runners before it, as
/// MongoDB's `executionTimeMillisEstimate` does).
final class CountingRunner: StageRunner {
    private let upstream: any StageRunner
    private(set) var returned = 0
    private(set) var nanoseconds: UInt64 = 0

    init(_ upstream: any StageRunner) { self.upstream = upstream }

    func next() throws(DocketError) -> PipelineDocument? {
        let started = QueryExecution.now()
        defer { nanoseconds &+= QueryExecution.now() &- started }
        guard let document = try upstream.next() else { return nil }
        returned += 1
        return document
    }
}
