import DocketBSON

extension DocketCollection {
    /// Runs an aggregation pipeline over the collection.
    ///
    /// The pipeline is compiled and optimized once, here; the cursor is lazy and reads a snapshot taken now, like
    /// ``find(_:options:)``'s. A leading `$match` (with a `$sort`, `$skip` and `$limit` right after it) is answered
    /// by the query planner, so `{_id: …}` filters are index lookups and a sort with a limit keeps only the best
    /// documents; the documents it selects flow through the later stages as stored bytes until a stage reshapes
    /// them.
    ///
    /// ```swift
    /// let top = try users.aggregate([
    ///     ["$match": ["status": "active"]],
    ///     ["$unwind": "$teams"],
    ///     ["$sort": ["teams.joined": -1]],
    ///     ["$limit": 10],
    /// ]).toArray()
    /// ```
    ///
    /// - Parameters:
    ///   - pipeline: the stages, each a one-field document (`["$limit": 10]`).
    ///   - options: `allowDiskUse`, `batchSize`, `let`, `comment`, `maxTimeMS`, `hint`.
    /// - Throws: the pipeline's parse errors (`Location40324` "Unrecognized pipeline stage name: '$foo'",
    ///   `Location40323`, each stage's own); `BadValue` (2) for a negative batch size or `maxTimeMS` or an unknown
    ///   hint; `NotImplemented` (238) for stages Docket does not run yet. Iterating can throw the stages' run-time
    ///   errors, `QueryExceededMemoryLimitNoDiskUseAllowed` (292) and `MaxTimeMSExpired` (50).
    /// - Complexity: O(pipeline size) to create; iterating is O(n) in the documents the leading read examines, plus
    ///   what the stages do (O(n log n) for a `$sort`).
    public func aggregate(_ pipeline: [BSONDocument], options: AggregateOptions = AggregateOptions())
        throws(DocketError) -> DocketCursor
    {
        let (compiled, write, context) = try compileForCollection(pipeline, options: options)
        let cursor = try cursor(compiled, context: context, options: options)
        guard let write else { return cursor }
        return try database.runFinalWrite(write, cursor, context: context)
    }

    /// Compiles a pipeline over this collection: its stages without the final `$out`/`$merge`, that write, and the
    /// run context.
    /// - Throws: the compile errors; `InvalidNamespace` (73) for a pipeline beginning with `$documents`.
    func compileForCollection(_ pipeline: [BSONDocument], options: AggregateOptions) throws(DocketError)
        -> (Pipeline, write: Stage?, PipelineRunContext)
    {
        var (compiled, context) = try Self.compile(pipeline, options: options, database: database.engine)
        guard !compiled.startsWithDocuments else {
            throw DocketError(
                .invalidNamespace, "$documents can only be run with {aggregate: 1}, not on a collection",
                stage: "$documents")
        }
        let write = compiled.finalWrite
        if write != nil { compiled.stages.removeLast() }
        return (compiled, write, context)
    }

    /// The leading read of a compiled pipeline (`nil` when its leading limit is 0: nothing is read) and the stages
    /// after it.
    func leadingRead(_ compiled: Pipeline, context: PipelineRunContext, options: AggregateOptions)
        throws(DocketError) -> (LeadingQuery, ReadQuery?, rest: [Stage])
    {
        let (leading, rest) =
            options.optimizes
            ? compiled.splitLeadingQuery(boundedSortsOnly: context.failsPastMemoryLimit)
            : (LeadingQuery(), compiled.stages)
        if leading.limit == 0 { return (leading, nil, rest) }
        let hint = try options.hint.map { h throws(DocketError) in try QueryHint(parsing: h) }
        let matcher = leading.matcher ?? .matchAll
        let query = ReadQuery(
            matcher: matcher,
            access: QueryPlanner.plan(matcher.root, naturalOrder: nil, hint: hint),
            sort: leading.sort,
            projection: nil,
            skip: leading.skip,
            limit: leading.limit ?? 0)
        return (leading, query, rest)
    }

    /// The cursor of a compiled pipeline over this collection: its leading read planned, the rest as stages.
    private func cursor(_ compiled: Pipeline, context: PipelineRunContext, options: AggregateOptions)
        throws(DocketError) -> DocketCursor
    {
        let (_, query, rest) = try leadingRead(compiled, context: context, options: options)
        guard let query else {
            return DocketCursor(
                pipeline: AggregationPlan(read: nil, stages: rest, context: context, maxTimeMS: options.maxTimeMS))
        }
        let snapshot = engine.snapshot(includingIDIndex: query.access.usesIDIndex)
        return DocketCursor(
            pipeline: AggregationPlan(
                read: (query, snapshot), stages: rest, context: context, maxTimeMS: options.maxTimeMS,
                fusesScans: options.optimizes))
    }

    /// Compiles and (unless the options say otherwise) optimizes a pipeline, and checks the options.
    static func compile(_ pipeline: [BSONDocument], options: AggregateOptions, database: DatabaseEngine)
        throws(DocketError) -> (Pipeline, PipelineRunContext)
    {
        if let batchSize = options.batchSize { try ArgumentRules.checkNonNegative(batchSize, "BatchSize") }
        if let maxTimeMS = options.maxTimeMS { try ArgumentRules.checkNonNegative(maxTimeMS, "maxTimeMS") }
        var context = PipelineRunContext(memoryLimitBytes: options.memoryLimitBytes, allowDiskUse: options.allowDiskUse)
        context.parallelScanMinimum = options.parallelScanMinimum
        // `let` variables: each value is an expression evaluated once, before the pipeline runs.
        let variables = try LetVariables(parsing: options.let)
        context.now = variables.now
        context.variables = variables.values
        let scope = variables.makeScope()
        var compiled = try Pipeline(parsing: pipeline, scope: scope)
        if options.optimizes {
            compiled = try compiled.optimized().narrowed(expressionFields: scope.referencedFields)
        }
        let others = compiled.referencedCollections
        if !others.isEmpty { context.collections = CollectionSnapshots(database, others) }
        return (compiled, context)
    }
}

extension DocketDatabase {
    /// Runs an aggregation pipeline that reads no collection: it must begin with `$documents`.
    ///
    /// ```swift
    /// let rows = try db.aggregate([
    ///     ["$documents": [["x": 1], ["x": 2], ["x": 3]]],
    ///     ["$match": ["x": ["$gte": 2]]],
    /// ]).toArray()   // [{x: 2}, {x: 3}]
    /// ```
    ///
    /// - Throws: `InvalidNamespace` (73) "{aggregate: 1} is not valid for '$match'; a collection is required." when
    ///   the first stage is not `$documents`; otherwise as ``DocketCollection/aggregate(_:options:)``.
    /// - Complexity: O(pipeline size) to create; iterating as the stages do.
    public func aggregate(_ pipeline: [BSONDocument], options: AggregateOptions = AggregateOptions())
        throws(DocketError) -> DocketCursor
    {
        var (compiled, context) = try DocketCollection.compile(pipeline, options: options, database: engine)
        guard compiled.startsWithDocuments else {
            let first = pipeline.first?.first?.key ?? "$documents"
            throw DocketError(
                .invalidNamespace, "{aggregate: 1} is not valid for '\(first)'; a collection is required.")
        }
        let write = compiled.finalWrite
        if write != nil { compiled.stages.removeLast() }
        let cursor = DocketCursor(
            pipeline: AggregationPlan(
                read: nil, stages: compiled.stages, context: context, maxTimeMS: options.maxTimeMS))
        guard let write else { return cursor }
        return try runFinalWrite(write, cursor, context: context)
    }

    /// Runs a pipeline whose last stage was `$out` or `$merge` to completion and writes its results; returns an empty
    /// cursor (as MongoDB does).
    fileprivate func runFinalWrite(_ write: Stage, _ cursor: DocketCursor, context: PipelineRunContext)
        throws(DocketError) -> DocketCursor
    {
        switch write {
        case .out(let database, let collection):
            return try writeOut(cursor, to: (database, collection), context: context)
        case .merge(let spec):
            try merge(cursor, spec, context: context)
            return DocketCursor(pipeline: AggregationPlan(read: nil, stages: [], context: context, maxTimeMS: nil))
        default:
            preconditionFailure("only $out and $merge are final writes")
        }
    }

    /// `$merge`: each result in turn, by `_id`. Results merged before a failure stay merged, as in MongoDB.
    private func merge(_ cursor: DocketCursor, _ spec: MergeSpec, context: PipelineRunContext) throws(DocketError) {
        let target = (spec.database.map { client.database($0) } ?? self).collection(spec.collection)
        try NamespaceRules.validate(database: target.database.name, collection: spec.collection)
        var iterator = cursor.makeIterator()
        while var document = try iterator.next() {
            let id: BSONValue
            if let existing = document["_id"] {
                id = existing
            } else {
                id = .objectID(ObjectID())
                document.insert("_id", id, at: 0)
            }
            if let existing = try target.findOne(["_id": id]) {
                switch spec.whenMatched {
                case .replace: try target.replaceOne(["_id": id], document)
                case .keepExisting: break
                case .fail:
                    throw DocketError(
                        .duplicateKey,
                        "E11000 duplicate key error collection: \(target.namespace) index: _id_ dup key: { _id: "
                            + "\(BSONPrinter.errorMessage.string(id)) }")
                case .merge:
                    var fields = document
                    fields["_id"] = nil
                    if !fields.isEmpty { try target.updateOne(["_id": id], ["$set": .document(fields)]) }
                case .pipeline:
                    guard let update = spec.update else { break }
                    try target.replaceOne(["_id": id], try Self.updated(existing, by: update, with: document, context))
                }
            } else {
                switch spec.whenNotMatched {
                case .insert: try target.insertOne(document)
                case .discard: break
                case .fail:
                    throw DocketError(
                        .mergeNoMatch,
                        "$merge could not find a matching document in the target collection for at least one "
                            + "document in the source collection")
                }
            }
        }
    }

    /// A matched target document after a `$merge` `whenMatched` pipeline: the pipeline runs over it, with the
    /// variables (`$$new`) computed from the result being merged. A result without `_id` keeps the target's.
    /// - Throws: the stages' errors. (A changed `_id` fails in the replacement that follows, with its error.)
    private static func updated(
        _ existing: BSONDocument, by update: MergeSpec.Update, with incoming: BSONDocument,
        _ context: PipelineRunContext
    ) throws(DocketError) -> BSONDocument {
        var inner = context
        var expressionContext = ExpressionContext(
            root: .value(incoming), variables: context.variables, now: context.now)
        for (slot, expression) in update.variables {
            inner = inner.setting(slot, try expression.evaluate(&expressionContext))
        }
        guard var result = try inner.run(update.stages, over: [.value(existing)]).first else { return existing }
        if result["_id"] == nil, let id = existing["_id"] { result.insert("_id", id, at: 0) }
        return result
    }

    /// Runs a pipeline whose last stage was `$out` to completion and replaces the target collection's documents
    /// with its results, all at once; returns an empty cursor (as MongoDB's `$out` does). A failure leaves the target
    /// as it was.
    fileprivate func writeOut(
        _ cursor: DocketCursor, to target: (database: String?, collection: String), context: PipelineRunContext
    ) throws(DocketError) -> DocketCursor {
        let results = try cursor.toArray()
        let targetDatabase = target.database.map { client.engine(forDatabase: $0) } ?? engine
        try targetDatabase.replaceCollection(target.collection, with: results)
        return DocketCursor(pipeline: AggregationPlan(read: nil, stages: [], context: context, maxTimeMS: nil))
    }
}

/// Snapshots of the collections a pipeline reads besides its own (`$lookup`, `$unionWith`), taken when the pipeline
/// is created, as the pipeline's own collection's is.
struct CollectionSnapshots: CollectionSource {
    let stores: [String: RecordStore]

    init(_ database: DatabaseEngine, _ names: Set<String>) {
        var stores: [String: RecordStore] = [:]
        for name in names {
            stores[name] = database.engine(forCollection: name).snapshot(includingIDIndex: false).store
        }
        self.stores = stores
    }

    func storedDocuments(of name: String) -> [RawDocument] {
        guard let store = stores[name] else { return [] }
        var documents: [RawDocument] = []
        documents.reserveCapacity(store.count)
        store.forEach { _, document in
            documents.append(document)
            return true
        }
        return documents
    }
}
