import DocketBSON

/// A parsed `$bucketAuto`.
struct BucketAutoSpec: Sendable {
    let groupBy: Expression
    /// The most buckets.
    let buckets: Int
    /// How boundaries are rounded, or `nil` to use the values themselves.
    let granularity: BucketGranularity?
    let fields: [(name: String, accumulator: AccumulatorSpec)]
    /// The specification as written (explain shows it).
    let source: BSONDocument
}

extension Stage {
    /// `$bucket: {groupBy, boundaries, default, output}`: MongoDB's desugaring, a `$group` keyed by each document's
    /// bucket (the lower boundary, or `default`) then a `$sort` on `_id`. Without `output` each bucket counts its
    /// documents (`count`).
    /// - Throws: `Location40201` for a non-document; `Location40197` for an unknown option; `Location40202` for a
    ///   `groupBy` that is not a path or expression object; `Location40200` for `boundaries` that are not an array;
    ///   `Location40192` for fewer than two; `Location40193` for mixed types; `Location40194` for unsorted ones;
    ///   `Location40195` for a non-constant `default`; `Location40199` for a `default` inside the boundaries;
    ///   `Location40196` for an `output` that is not a document; `Location40198` without `groupBy` or `boundaries`.
    static func parseBucket(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> [Stage] {
        func failure(_ code: DocketError.Code, _ message: String) -> DocketError {
            DocketError(code, message, stage: "$bucket")
        }
        guard case .document(let spec) = value else {
            throw failure(
                .bucketNotObject, "Argument to $bucket stage must be an object, but found type: \(value.type.alias).")
        }
        var groupBy: Expression?
        var boundaries: [BSONValue]?
        var fallback: BSONValue?
        var output: BSONDocument?
        for (key, field) in spec {
            switch key {
            case "groupBy":
                groupBy = try groupByExpression(field, "$bucket", scope: scope)
            case "boundaries":
                guard case .array(let values) = field else {
                    throw failure(
                        .bucketBoundariesType,
                        "The $bucket 'boundaries' field must be an array, but found type: \(field.type.alias).")
                }
                var constants: [BSONValue] = []
                for value in values {
                    guard let constant = try Expression(parsing: value, scope: scope).constant else {
                        throw failure(
                            .bucketBoundariesType, "The $bucket 'boundaries' field must be an array of values")
                    }
                    constants.append(constant)
                }
                boundaries = constants
            case "default":
                guard let constant = try Expression(parsing: field, scope: scope).constant else {
                    throw failure(
                        .bucketDefaultNotConstant, "The $bucket 'default' field must be a constant expression")
                }
                fallback = constant
            case "output":
                guard case .document(let fields) = field else {
                    throw failure(
                        .bucketOutputType,
                        "The $bucket 'output' field must be an object, but found type: \(field.type.alias).")
                }
                output = fields
            default:
                throw failure(.bucketUnknownOption, "Unrecognized option to $bucket: \(key).")
            }
        }
        guard let groupBy, let boundaries else {
            throw failure(.bucketMissingField, "$bucket requires 'groupBy' and 'boundaries' to be specified.")
        }
        guard boundaries.count >= 2 else {
            throw failure(
                .bucketTooFewBoundaries,
                "The $bucket 'boundaries' field must have at least 2 values, but found \(boundaries.count) value(s).")
        }
        for index in 1..<boundaries.count {
            let (a, b) = (boundaries[index - 1], boundaries[index])
            guard a.type.canonicalRank == b.type.canonicalRank else {
                throw failure(
                    .bucketMixedBoundaries,
                    "All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting "
                        + "types \(a.type.alias) and \(b.type.alias).")
            }
            guard BSONValue.compare(a, b) < 0 else {
                throw failure(
                    .bucketUnsortedBoundaries,
                    "The 'boundaries' option to $bucket must be sorted, but elements \(index - 1) and \(index) are not "
                        + "in ascending order (\(BSONPrinter.projectionMessage.string(a)) is not less than "
                        + "\(BSONPrinter.projectionMessage.string(b))).")
            }
        }
        if let fallback, BSONValue.compare(fallback, boundaries[0]) >= 0,
            BSONValue.compare(fallback, boundaries.last!) < 0
        {
            throw failure(
                .bucketDefaultInside,
                "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the "
                    + "highest boundary.")
        }
        let fields = try accumulatedFields(output, scope: scope)
        let key = GroupKey.bucket(groupBy: groupBy, boundaries: boundaries, default: fallback)
        // Explain shows the `$group` MongoDB desugars `$bucket` into: `_id` is a `$switch` over the boundaries.
        let groupByValue = spec["groupBy"] ?? .null
        var branches: [BSONValue] = []
        for index in 1..<boundaries.count {
            let bounds: BSONValue = [
                ["$gte": [groupByValue, boundaries[index - 1]]], ["$lt": [groupByValue, boundaries[index]]],
            ]
            branches.append(["case": ["$and": bounds], "then": boundaries[index - 1]])
        }
        var branching: BSONDocument = ["branches": .array(branches)]
        if let fallback { branching.append("default", fallback) }
        var source: BSONDocument = ["_id": ["$switch": .document(branching)]]
        for (name, field) in output ?? ["count": ["$sum": 1]] { source.append(name, field) }
        return [
            .group(GroupSpec(key: key, fields: fields, source: source)), .sort(try SortSpec(["_id": 1]), bound: nil),
        ]
    }

    /// `$bucketAuto: {groupBy, buckets, output}`: documents sorted by `groupBy` and split into at most `buckets`
    /// buckets of about equal size (equal values never split); each bucket's `_id` is `{min, max}`.
    /// - Throws: (mongod's document_source_bucket_auto.cpp) `Location40240` for a non-document; `Location40241` for
    ///   a non-numeric `buckets`, `Location40242` for one that is not a 32-bit integer, `Location40243` for one not
    ///   above zero; `Location40239` for a bad `groupBy`; `Location40244` for a bad `output`; `Location40245` for an
    ///   unknown option; `Location40246` without `groupBy` or `buckets`; `Location40261` for a `granularity` that is
    ///   not a string; `Location40257` for an unknown one.
    static func parseBucketAuto(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        func failure(_ code: DocketError.Code, _ message: String) -> DocketError {
            DocketError(code, message, stage: "$bucketAuto")
        }
        guard case .document(let spec) = value else {
            throw failure(
                .bucketAutoNotObject,
                "The argument to $bucketAuto must be an object, but found type: \(value.type.alias)")
        }
        var groupBy: Expression?
        var buckets: Int?
        var output: BSONDocument?
        var granularity: BucketGranularity?
        for (key, field) in spec {
            switch key {
            case "groupBy": groupBy = try groupByExpression(field, "$bucketAuto", scope: scope)
            case "buckets":
                guard field.isNumber else {
                    throw failure(
                        .bucketAutoBucketsType,
                        "The $bucketAuto 'buckets' field must be a numeric value, but found type: \(field.type.alias)")
                }
                let number = field.doubleValueForArithmetic ?? .nan
                guard let n = Int32(exactly: number) else {
                    throw failure(
                        .bucketAutoBucketsInt32,
                        "The $bucketAuto 'buckets' field must be representable as a 32-bit integer, but found "
                            + Conversion.formatDouble(number))
                }
                guard n > 0 else {
                    throw failure(
                        .bucketAutoBucketsPositive,
                        "The $bucketAuto 'buckets' field must be greater than 0, but found: \(n)")
                }
                buckets = Int(n)
            case "output":
                guard case .document(let fields) = field else {
                    throw failure(
                        .bucketAutoOutputType,
                        "The $bucketAuto 'output' field must be an object, but found type: \(field.type.alias)")
                }
                output = fields
            case "granularity":
                guard case .string(let name) = field else {
                    throw failure(
                        .location(40261),
                        "The $bucketAuto 'granularity' field must be a string, but found type: \(field.type.alias).")
                }
                guard let parsed = BucketGranularity(named: name) else {
                    throw failure(.location(40257), "Unknown rounding granularity '\(name)'")
                }
                granularity = parsed
            default:
                throw failure(.bucketAutoUnknownOption, "Unrecognized option to $bucketAuto: \(key)")
            }
        }
        guard let groupBy, let buckets else {
            throw failure(.bucketAutoMissingField, "$bucketAuto requires 'groupBy' and 'buckets' to be specified")
        }
        return .bucketAuto(
            BucketAutoSpec(
                groupBy: groupBy, buckets: buckets, granularity: granularity,
                fields: try accumulatedFields(output, scope: scope), source: spec))
    }

    /// `groupBy`: a `$` path or an expression object.
    private static func groupByExpression(_ value: BSONValue, _ stage: String, scope: ExpressionScope)
        throws(DocketError) -> Expression
    {
        let isPath: Bool
        switch value {
        case .string(let path): isPath = path.hasPrefix("$") && (stage == "$bucket" || path.utf8.count > 1)
        case .document(let object): isPath = object.first?.key.hasPrefix("$") ?? false
        default: isPath = false
        }
        guard isPath else {
            throw DocketError(
                stage == "$bucket" ? .bucketGroupByType : .bucketAutoGroupByType,
                "The \(stage) 'groupBy' field must be defined as a $-prefixed path or an expression"
                    + (stage == "$bucket"
                        ? ", but found: \(BSONPrinter.projectionMessage.string(value))."
                        : " object, but found: \(BSONPrinter.projectionMessage.string(value))"),
                stage: stage)
        }
        return try Expression(parsing: value, scope: scope)
    }

    /// The accumulated fields of `output`, or `count: {$sum: 1}` without it.
    private static func accumulatedFields(_ output: BSONDocument?, scope: ExpressionScope) throws(DocketError)
        -> [(name: String, accumulator: AccumulatorSpec)]
    {
        var fields: [(name: String, accumulator: AccumulatorSpec)] = []
        for (name, field) in output ?? ["count": ["$sum": 1]] {
            guard case .document(let accumulator) = field else {
                throw DocketError(
                    .groupFieldNotAccumulator, "The field '\(name)' must be an accumulator object", fieldPath: name)
            }
            fields.append((name, try AccumulatorSpec(field: name, accumulator, scope: scope)))
        }
        return fields
    }
}

/// `$bucketAuto`: reads its whole input, sorts it by `groupBy` (spilling sorted runs past the memory limit and
/// merging them, as `$sort` does), then fills the buckets in one pass over the sorted input.
final class BucketAutoRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: BucketAutoSpec
    private let context: PipelineRunContext
    private var output = BufferedOutput()

    init(_ upstream: any StageRunner, _ spec: BucketAutoSpec, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        try output.next { () throws(DocketError) in try fill() }
    }

    /// The `groupBy` value of a document; with a granularity, it must be a non-negative number.
    private func key(_ document: PipelineDocument) throws(DocketError) -> BSONValue {
        var expressionContext = ExpressionContext(root: document, variables: context.variables, now: context.now)
        let value = try spec.groupBy.evaluate(&expressionContext)
        guard spec.granularity != nil else { return value ?? .null }
        guard let value, value.isNumber, let number = value.doubleValue else {
            throw DocketError(
                .location(40258),
                "$bucketAuto can specify a 'granularity' with numeric boundaries only, but found a value with type: "
                    + value.typeName, stage: "$bucketAuto")
        }
        guard !number.isNaN else {
            throw DocketError(
                .location(40259),
                "$bucketAuto can specify a 'granularity' with numeric boundaries only, but found a NaN",
                stage: "$bucketAuto")
        }
        guard number >= 0 else {
            throw DocketError(
                .location(40260),
                "$bucketAuto can specify a 'granularity' with non-negative numbers only, but found a negative number",
                stage: "$bucketAuto")
        }
        return value
    }

    private typealias Entry = (value: BSONValue, document: PipelineDocument)

    /// Reads the input, spilling sorted runs past the memory limit (unless `allowDiskUse` is `false`: 292), then
    /// fills the buckets from the input in `groupBy` order.
    private func fill() throws(DocketError) -> [PipelineDocument] {
        var entries: [Entry] = []
        var memory = MemoryTracker(limit: context.memoryLimitBytes, enforced: context.failsPastMemoryLimit)
        var directory: SpillDirectory?
        var runs: [SpillFile] = []
        var count = 0
        while let document = try upstream.next() {
            let value = try key(document)
            entries.append((value, document))
            count += 1
            try memory.add(document.approximateSize + value.approximatePayloadSize) { () -> DocketError in
                DocketError(
                    .queryExceededMemoryLimitNoDiskUseAllowed,
                    "$bucketAuto exceeded memory limit of \(context.memoryLimitBytes) bytes, but did not opt in to "
                        + "external sorting.", stage: "$bucketAuto")
            }
            if memory.used > memory.limit {
                if directory == nil { directory = try SpillDirectory() }
                let run = try directory!.makeFile()
                for entry in Self.sorted(entries) {
                    try run.append(.value(["k": entry.value, "d": .document(try entry.document.decoded())]))
                }
                try run.rewind()
                context.spills?.record(bytes: run.size)
                runs.append(run)
                entries = []
                memory.remove(memory.used)
            }
        }
        guard count > 0 else { return [] }
        let source = try BucketAutoInput(runs: runs, rest: Self.sorted(entries), directory: directory)
        return try buckets(source, count: count)
    }

    /// A stable sort by `groupBy` value: equal values keep their input order.
    private static func sorted(_ entries: [Entry]) -> [Entry] {
        let order = entries.indices.sorted { a, b in
            let c = BSONValue.compare(entries[a].value, entries[b].value)
            return c != 0 ? c < 0 : a < b
        }
        return order.map { entries[$0] }
    }

    /// Fills the buckets from the sorted input: about `count / buckets` documents each, equal values never split, and
    /// with a granularity the boundaries rounded (each bucket's minimum is the previous one's maximum).
    private func buckets(_ source: BucketAutoInput, count: Int) throws(DocketError) -> [PipelineDocument] {
        let size = Swift.max(1, Int((Double(count) / Double(spec.buckets)).rounded()))
        var results: [PipelineDocument] = []
        var previousMax: BSONValue?
        while let first = source.peek() {
            let isLast = results.count == spec.buckets - 1
            var states = spec.fields.map { AccumulatorState($0.accumulator) }
            var last = first.value
            func take() throws(DocketError) {
                guard let entry = try source.next() else { return }
                last = entry.value
                var expressionContext = ExpressionContext(
                    root: entry.document, variables: context.variables, now: context.now)
                for field in states.indices {
                    _ = try states[field].accumulate(spec.fields[field].accumulator, &expressionContext, entry.document)
                }
            }
            var taken = 0
            while (isLast || taken < size) && source.peek() != nil {
                try take()
                taken += 1
            }
            var min = first.value
            var max: BSONValue
            if let granularity = spec.granularity {
                if let previousMax { min = previousMax } else { min = try granularity.roundDown(min) }
                // Values below the rounded boundary (and equal ones) join this bucket.
                let boundary = try granularity.roundUp(last)
                while let next = source.peek(),
                    BSONValue.compare(boundary, next.value) > 0 || BSONValue.compare(last, next.value) == 0
                {
                    try take()
                }
                // A bucket of zeros ends where the next value rounds down to, so that its maximum stays exclusive.
                if boundary.doubleValue == 0, let next = source.peek() {
                    max = try granularity.roundDown(next.value)
                } else {
                    max = boundary
                }
                previousMax = max
            } else {
                // Equal values stay in one bucket.
                while let next = source.peek(), BSONValue.compare(next.value, last) == 0 { try take() }
                max = source.peek()?.value ?? last
            }
            var bucket = BSONDocument(minimumCapacity: spec.fields.count + 1)
            bucket.append("_id", ["min": min, "max": max])
            for (index, field) in spec.fields.enumerated() {
                bucket.append(field.name, states[index].finalize(field.accumulator))
            }
            results.append(.value(bucket))
        }
        return results
    }
}

/// `$bucketAuto`'s input in `groupBy` order: the spilled runs (each sorted, stored as `{k: value, d: document}`) and
/// the sorted rest still in memory, merged; among equal values the earlier source wins, so the order is the
/// in-memory stable sort's.
private final class BucketAutoInput {
    typealias Entry = (value: BSONValue, document: PipelineDocument)
    private let runs: [SpillFile]
    private let rest: [Entry]
    private var restPosition = 0
    /// Each source's next entry (`runs` first, then `rest`); `nil` once it is exhausted.
    private var heads: [Entry?] = []
    private var least: Int?
    /// Kept alive until the input is read: it removes the files.
    private let directory: SpillDirectory?

    init(runs: [SpillFile], rest: [Entry], directory: SpillDirectory?) throws(DocketError) {
        self.runs = runs
        self.rest = rest
        self.directory = directory
        for source in 0...runs.count { heads.append(try read(source)) }
        findLeast()
    }

    /// The next entry, not consumed.
    func peek() -> Entry? { least.flatMap { heads[$0] } }

    /// The next entry, consumed.
    func next() throws(DocketError) -> Entry? {
        guard let least, let entry = heads[least] else { return nil }
        heads[least] = try read(least)
        findLeast()
        return entry
    }

    private func findLeast() {
        least = nil
        for (source, head) in heads.enumerated() {
            guard let head else { continue }
            if let current = least, let best = heads[current], BSONValue.compare(head.value, best.value) >= 0 {
                continue
            }
            least = source
        }
    }

    private func read(_ source: Int) throws(DocketError) -> Entry? {
        guard source < runs.count else {
            guard restPosition < rest.count else { return nil }
            restPosition += 1
            return rest[restPosition - 1]
        }
        guard let raw = try runs[source].next() else { return nil }
        let wrapped = try PipelineDocument.stored(raw).decoded()
        guard let value = wrapped["k"], case .document(let document)? = wrapped["d"] else {
            throw DocketError(.operationFailed, "A $bucketAuto spill file holds a damaged entry", stage: "$bucketAuto")
        }
        return (value, .value(document))
    }
}
