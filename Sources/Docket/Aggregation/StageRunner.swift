import DocketBSON

// Pipelines run pull-based, as MongoDB's `getNext` chain: each stage's runner asks the runner before it for the next
// document. A runner is one object per stage (an existential per stage, never per document); documents stay stored
// bytes (`PipelineDocument.stored`) until a stage reshapes them, and streaming stages hold one document at a time.
// The blocking stages (`$sort`, `$sample`, `$group`, `$bucketAuto`, `$setWindowFields`, `$densify`) hold their input,
// or one partition of it, bounded by the memory limit, as MongoDB's do.

/// One stage at run time.
protocol StageRunner: AnyObject {
    /// The stage's next output document, or `nil` when it has no more.
    func next() throws(DocketError) -> PipelineDocument?
}

/// What a pipeline run shares across its stages.
struct PipelineRunContext: Sendable {
    /// MongoDB's per-stage memory limit for blocking stages, in bytes (100 MB; smaller in tests).
    var memoryLimitBytes: Int = PipelineRunContext.defaultMemoryLimitBytes
    /// Whether blocking stages may exceed ``memoryLimitBytes`` (MongoDB would spill to disk; `nil` is the server's
    /// default, `true`).
    var allowDiskUse: Bool?
    /// The values of the user variables by slot (the `let` option's first), for expressions.
    var variables: [BSONValue?] = []
    /// `$$NOW`: milliseconds since the epoch, fixed when the pipeline was compiled.
    var now: Int64 = 0
    /// The database's other collections (`$lookup`, `$unionWith`).
    var collections: (any CollectionSource)?
    /// Where spilling stages count their spills (set for each run of the pipeline).
    var spills: SpillCounter?
    /// The collection size from which a fused scan (``GroupScanRunner``) uses more than one core; tests lower it.
    var parallelScanMinimum = 65_536

    /// MongoDB's `internalQueryMaxBlockingSortMemoryUsageBytes` and `$group`'s limit: 100 MB.
    static let defaultMemoryLimitBytes = 100 * 1024 * 1024

    /// Whether exceeding the memory limit is an error (only when `allowDiskUse` is explicitly `false`).
    var failsPastMemoryLimit: Bool { allowDiskUse == false }
}

extension Pipeline {
    /// Builds the runners of `stages` on top of `source`; returns the last one.
    static func makeRunners(
        _ stages: [Stage], source: any StageRunner, context: PipelineRunContext
    ) -> any StageRunner {
        var upstream = source
        for stage in stages {
            switch stage {
            case .match(let matcher, _, let expr):
                upstream = MatchRunner(upstream, matcher, expr: expr, context: context)
            case .sort(let spec, let bound): upstream = SortRunner(upstream, spec, bound: bound, context: context)
            case .limit(let n): upstream = LimitRunner(upstream, n)
            case .skip(let n): upstream = SkipRunner(upstream, n)
            case .unwind(let spec): upstream = UnwindRunner(upstream, spec)
            case .count(let field): upstream = CountRunner(upstream, field)
            case .project(let projection, _): upstream = ProjectRunner(upstream, projection)
            case .sample(let size): upstream = SampleRunner(upstream, size, context: context)
            case .documents(let expression): upstream = DocumentsRunner(expression, context: context)
            case .group(let spec): upstream = GroupRunner(upstream, spec, context: context)
            case .addFields(let fields): upstream = AddFieldsRunner(upstream, fields, context: context)
            case .computedProject(let base, let fields):
                upstream = ComputedProjectRunner(upstream, base: base, fields: fields, context: context)
            case .replaceRoot(let newRoot): upstream = ReplaceRootRunner(upstream, newRoot, context: context)
            case .lookup(let spec): upstream = LookupRunner(upstream, spec, context: context)
            case .unionWith(let collection, let stages):
                upstream = UnionWithRunner(upstream, collection: collection, stages: stages, context: context)
            case .facet(let facets): upstream = FacetRunner(upstream, facets, context: context)
            case .graphLookup(let spec): upstream = GraphLookupRunner(upstream, spec, context: context)
            case .out, .merge:
                preconditionFailure("$out and $merge run in the Database layer, after the rest of the pipeline")
            case .bucketAuto(let spec): upstream = BucketAutoRunner(upstream, spec, context: context)
            case .setWindowFields(let spec): upstream = SetWindowFieldsRunner(upstream, spec, context: context)
            case .densify(let spec):
                let sorted = SortRunner(upstream, spec.sort, bound: nil, context: context)
                upstream = DensifyRunner(sorted, spec, context: context)
            case .redact(let expression): upstream = RedactRunner(upstream, expression, context: context)
            case .narrow(let fields): upstream = NarrowRunner(upstream, fields)
            }
        }
        return upstream
    }
}

/// `$documents`: evaluates its expression once (against an empty document), then yields the documents.
final class DocumentsRunner: StageRunner {
    private let expression: Expression
    private let context: PipelineRunContext
    private var output = BufferedOutput()

    init(_ expression: Expression, context: PipelineRunContext) {
        self.expression = expression
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        try output.next { () throws(DocketError) in
            var expressionContext = ExpressionContext(
                root: .value([:]), variables: context.variables, now: context.now)
            return try Stage.documentsValue(try expression.evaluate(&expressionContext)).map { .value($0) }
        }
    }
}

/// `$match`.
final class MatchRunner: StageRunner {
    private let upstream: any StageRunner
    private let matcher: Matcher
    private let expr: Expression?
    private let context: PipelineRunContext

    init(_ upstream: any StageRunner, _ matcher: Matcher, expr: Expression?, context: PipelineRunContext) {
        self.upstream = upstream
        self.matcher = matcher
        self.expr = expr
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        while let document = try upstream.next() {
            let environment = ExprEnvironment(variables: context.variables, now: context.now)
            guard try matcher.matches(document, environment: environment) else { continue }
            guard let expr else { return document }
            var expressionContext = ExpressionContext(root: document, variables: context.variables, now: context.now)
            if try expr.evaluate(&expressionContext).isTruthy { return document }
        }
        return nil
    }
}

/// `$limit`.
final class LimitRunner: StageRunner {
    private let upstream: any StageRunner
    private var remaining: Int

    init(_ upstream: any StageRunner, _ limit: Int) {
        self.upstream = upstream
        remaining = limit
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard remaining > 0 else { return nil }
        remaining -= 1
        return try upstream.next()
    }
}

/// `$skip`.
final class SkipRunner: StageRunner {
    private let upstream: any StageRunner
    private var toSkip: Int

    init(_ upstream: any StageRunner, _ skip: Int) {
        self.upstream = upstream
        toSkip = skip
    }

    func next() throws(DocketError) -> PipelineDocument? {
        while toSkip > 0 {
            guard try upstream.next() != nil else { return nil }
            toSkip -= 1
        }
        return try upstream.next()
    }
}

/// `$unwind`: decodes each input document once, then yields its unwound copies.
final class UnwindRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: UnwindSpec
    private var pending: [BSONDocument] = []
    private var pendingPosition = 0

    init(_ upstream: any StageRunner, _ spec: UnwindSpec) {
        self.upstream = upstream
        self.spec = spec
    }

    func next() throws(DocketError) -> PipelineDocument? {
        while pendingPosition >= pending.count {
            guard let input = try upstream.next() else { return nil }
            pending.removeAll(keepingCapacity: true)
            pendingPosition = 0
            spec.unwind(try input.decoded()) { pending.append($0) }
        }
        pendingPosition += 1
        return .value(pending[pendingPosition - 1])
    }
}

/// `$count`.
final class CountRunner: StageRunner {
    private let upstream: any StageRunner
    private let field: String
    private var isDone = false

    init(_ upstream: any StageRunner, _ field: String) {
        self.upstream = upstream
        self.field = field
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard !isDone else { return nil }
        isDone = true
        var n = 0
        while try upstream.next() != nil { n += 1 }
        guard n > 0 else { return nil }
        return .value([field: Stage.countValue(n)])
    }
}

/// `$project` and `$unset`: a stored document is decoded only as far as the projection needs.
final class ProjectRunner: StageRunner {
    private let upstream: any StageRunner
    private let projection: Projection

    init(_ upstream: any StageRunner, _ projection: Projection) {
        self.upstream = upstream
        self.projection = projection
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let input = try upstream.next() else { return nil }
        let needed: BSONDocument
        switch input {
        case .stored(let raw):
            do throws(BSONError) { needed = try projection.neededFields.decode(raw) } catch {
                throw DocketError(error)
            }
        case .value(let document): needed = document
        }
        return .value(try projection.apply(to: needed, details: MatchDetails()))
    }
}
