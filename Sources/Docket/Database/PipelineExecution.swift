import DocketBSON

// How an aggregation runs (ARCHITECTURE.md, "aggregation"): the pipeline is compiled and optimized once
// (`Aggregation/Pipeline*.swift`); its leading `$match`/`$sort`/`$skip`/`$limit` become a `ReadQuery` that the query
// planner answers over a snapshot taken at the call (`_id` lookups, the stored-bytes matcher, the top-k sort), and the
// documents it selects enter the remaining stages as stored bytes. Only what the last stage returns is decoded, and
// only when it is still stored bytes.

/// A compiled aggregation over one snapshot: what an aggregation cursor holds.
struct AggregationPlan: Sendable {
    /// The read that feeds the pipeline, with the snapshot it reads; `nil` when the pipeline reads no collection
    /// (`$documents`) or its leading limit is 0.
    let read: (query: ReadQuery, snapshot: CollectionSnapshot)?
    /// The stages after the leading read.
    let stages: [Stage]
    let context: PipelineRunContext
    /// `maxTimeMS`, or `nil`.
    let maxTimeMS: Int?
    /// Whether stages may run fused with the leading read (``GroupScanPlan``); off when the pipeline is not
    /// optimized, so tests can compare both.
    var fusesScans = false
}

/// The stored documents a pipeline's leading read selects, as pipeline documents (not decoded).
final class StoredDocumentsRunner: StageRunner {
    private var execution: QueryExecution

    /// - Parameter maxTimeMS: the time limit of the read (`nil` or `0` for none), counted from now.
    init(query: ReadQuery, snapshot: CollectionSnapshot, maxTimeMS: Int?) {
        execution = QueryExecution(query: query, snapshot: snapshot, deadline: Self.deadline(maxTimeMS))
    }

    /// The monotonic clock reading `maxTimeMS` from now (`nil` or `0`: no deadline).
    static func deadline(_ maxTimeMS: Int?) -> UInt64? {
        guard let maxTimeMS, maxTimeMS > 0 else { return nil }
        return QueryExecution.now() &+ UInt64(maxTimeMS) &* 1_000_000
    }

    var stats: ExecutionStats { execution.stats }

    func next() throws(DocketError) -> PipelineDocument? {
        try execution.nextMatch().map { .stored($0.raw) }
    }
}

/// No input: the source of a pipeline that reads no collection.
final class EmptySourceRunner: StageRunner {
    func next() throws(DocketError) -> PipelineDocument? { nil }
}

/// The execution of an ``AggregationPlan``: what an aggregation cursor's iterator runs.
struct PipelineExecution {
    private let last: any StageRunner
    private let source: StoredDocumentsRunner?
    private let fused: GroupScanRunner?
    private let spills: SpillCounter
    private var isFinished = false
    private var outputStats = ExecutionStats()

    init(_ plan: AggregationPlan) {
        spills = SpillCounter()
        var runContext = plan.context
        runContext.spills = spills
        let context = runContext
        var input: any StageRunner = EmptySourceRunner()
        var stages = plan.stages
        var fused: GroupScanRunner?
        var stored: StoredDocumentsRunner?
        if let read = plan.read {
            let source = StoredDocumentsRunner(query: read.query, snapshot: read.snapshot, maxTimeMS: plan.maxTimeMS)
            stored = source
            input = source
            if plan.fusesScans, let (scan, consumed) = Self.fusedScan(read.query, stages) {
                let replaced = Array(stages[..<consumed])
                let runner = GroupScanRunner(
                    scan, store: read.snapshot.store, matcher: read.query.matcher, context: context,
                    deadline: StoredDocumentsRunner.deadline(plan.maxTimeMS),
                    fallback: { Pipeline.makeRunners(replaced, source: source, context: context) })
                fused = runner
                input = runner
                stages.removeFirst(consumed)
            }
        }
        source = stored
        self.fused = fused
        last = Pipeline.makeRunners(stages, source: input, context: context)
    }

    /// The fused scan that replaces the leading read and the first stages, when the read is a plain forward
    /// collection scan (no sort, skip, limit or `$expr`) and the stages are a counting group.
    private static func fusedScan(_ query: ReadQuery, _ stages: [Stage]) -> (GroupScanPlan, Int)? {
        guard case .collectionScan(forward: true) = query.access, query.sort == nil, query.skip == 0,
            query.limit == 0, !query.matcher.hasExpr
        else { return nil }
        return GroupScanPlan.make(stages)
    }

    /// What the iteration did so far: the leading read's documents and keys examined, documents returned and
    /// decoded, time.
    var stats: ExecutionStats {
        var stats = outputStats
        stats.spills = spills.spills
        stats.spilledBytes = spills.bytes
        if let examined = fused?.documentsExamined {
            stats.documentsExamined = examined
        } else if let read = source?.stats {
            stats.keysExamined = read.keysExamined
            stats.documentsExamined = read.documentsExamined
        }
        return stats
    }

    /// The next result, or `nil` at the end.
    /// - Throws: an error a stage raises, or `InvalidBSON` (22) for damaged stored bytes; the iteration then ends.
    mutating func next() throws(DocketError) -> BSONDocument? {
        guard !isFinished else { return nil }
        let started = QueryExecution.now()
        defer { outputStats.executionNanoseconds &+= QueryExecution.now() &- started }
        do {
            guard let document = try last.next() else {
                isFinished = true
                return nil
            }
            outputStats.returned += 1
            switch document {
            case .stored(let raw):
                outputStats.documentsDecoded += 1
                return try raw.decoded()
            case .value(let value):
                return value
            }
        } catch {
            isFinished = true
            throw error
        }
    }
}
