import DocketBSON

/// A parsed `$group`: the key expression and the accumulated fields, in specification order.
struct GroupSpec: Sendable {
    let key: GroupKey
    let fields: [(name: String, accumulator: AccumulatorSpec)]
    /// The specification as written (explain shows it); `$sortByCount` and `$bucket` build theirs.
    var source: BSONDocument = [:]
}

/// How a `$group` computes a document's group: `_id`'s expression, or `$bucket`'s boundaries.
enum GroupKey: Sendable {
    case expression(Expression)
    /// `$bucket`: the lower boundary of the bucket holding `groupBy`'s value, else `default`.
    case bucket(groupBy: Expression, boundaries: [BSONValue], default: BSONValue?)

    /// The key of one document (`null` for a missing `_id` value).
    /// - Throws: the expression's errors; `Location40066` for a `$bucket` value outside the boundaries without
    ///   `default`.
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue {
        switch self {
        case .expression(let expression):
            return try expression.evaluate(&context) ?? .null
        case .bucket(let groupBy, let boundaries, let fallback):
            let value = try groupBy.evaluate(&context) ?? .null
            // The last boundary below or equal to the value, if the value is below the last boundary.
            if BSONValue.compare(value, boundaries[0]) >= 0 && BSONValue.compare(value, boundaries.last!) < 0 {
                var low = 0
                var high = boundaries.count - 1
                while high - low > 1 {
                    let middle = (low + high) / 2
                    if BSONValue.compare(value, boundaries[middle]) >= 0 { low = middle } else { high = middle }
                }
                return boundaries[low]
            }
            guard let fallback else {
                throw DocketError(
                    .bucketNoDefault,
                    "$switch could not find a matching branch for an input, and no default was specified.",
                    stage: "$bucket")
            }
            return fallback
        }
    }
}

extension Stage {
    /// `$group: {_id: expression, field: {$accumulator: …}, …}`.
    /// - Throws: `Location15947` for a non-document; `Location15955` without `_id`; `Location40235` for a dotted
    ///   field name; `Location40236` for a `$`-prefixed one; `Location40234` for a field that is not an accumulator
    ///   object; the accumulators' errors.
    static func parseGroup(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        guard case .document(let spec) = value else {
            throw DocketError(.groupNotObject, "a group's fields must be specified in an object", stage: "$group")
        }
        var id: GroupKey?
        var fields: [(name: String, accumulator: AccumulatorSpec)] = []
        for (name, field) in spec {
            if name == "_id" {
                id = .expression(try Expression(parsing: field, scope: scope))
                continue
            }
            guard !name.contains(".") else {
                throw DocketError(
                    .groupFieldDotted, "The field name '\(name)' cannot contain '.'", fieldPath: name, stage: "$group")
            }
            guard !name.hasPrefix("$") else {
                throw DocketError(
                    .groupFieldOperator, "The field name '\(name)' cannot be an operator name", fieldPath: name,
                    stage: "$group")
            }
            guard case .document(let accumulator) = field else {
                throw DocketError(
                    .groupFieldNotAccumulator, "The field '\(name)' must be an accumulator object", fieldPath: name,
                    stage: "$group")
            }
            fields.append((name, try AccumulatorSpec(field: name, accumulator, scope: scope)))
        }
        guard let id else {
            throw DocketError(.groupNoID, "a group specification must include an _id", stage: "$group")
        }
        return .group(GroupSpec(key: id, fields: fields, source: spec))
    }

    /// `$sortByCount: expression`: `$group` by the expression with `count: {$sum: 1}`, then `$sort: {count: -1}`.
    /// - Throws: `Location40147`/`Location40148` for an object or string that is not an expression;
    ///   `Location40149` for another type.
    static func parseSortByCount(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> [Stage] {
        switch value {
        case .document(let object):
            guard object.first?.key.hasPrefix("$") == true else {
                throw DocketError(
                    .sortByCountObject,
                    "the sortByCount field must be defined as a $-prefixed path or an expression inside an object",
                    stage: "$sortByCount")
            }
        case .string(let path):
            guard path.hasPrefix("$") else {
                throw DocketError(
                    .sortByCountString,
                    "the sortByCount field must be defined as a $-prefixed path or an expression inside an object",
                    stage: "$sortByCount")
            }
        default:
            throw DocketError(
                .sortByCountType,
                "the sortByCount field must be specified as a string or as an object, but found type: "
                    + value.type.alias, stage: "$sortByCount")
        }
        let group = try parseGroup(["_id": value, "count": ["$sum": 1]], scope: scope)
        return [group, .sort(try SortSpec(["count": -1]), bound: nil)]
    }
}

/// `$group`: reads its whole input into one state per distinct key (MongoDB's equality: `1` and `1.0` are one key,
/// the first seen is the `_id`), then yields one document per group, in the order groups were first seen. Past the
/// memory limit (unless `allowDiskUse` is `false`) the documents of new keys go to partition files by key hash, each
/// grouped on its own afterwards (`Spill.swift`): the groups held in memory come first, then each partition's.
final class GroupRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: GroupSpec
    private let context: PipelineRunContext
    private var results: [BSONDocument]?
    private var position = 0

    /// The number of partition files a spilling `$group` writes.
    static let partitionCount = 16
    /// How many times a partition may spill again (each time with another hash) before it stays in memory.
    static let maximumSpillDepth = 4

    init(_ upstream: any StageRunner, _ spec: GroupSpec, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        if results == nil { results = try Self.group(upstream, spec, context: context, depth: 0) }
        guard position < results!.count else { return nil }
        position += 1
        return .value(results![position - 1])
    }

    private static func group(_ input: any StageRunner, _ spec: GroupSpec, context: PipelineRunContext, depth: Int)
        throws(DocketError) -> [BSONDocument]
    {
        var groupIndex: [BSONValue: Int] = [:]
        var keys: [BSONValue] = []
        var states: [[AccumulatorState]] = []
        var memory = MemoryTracker(limit: context.memoryLimitBytes, enforced: context.failsPastMemoryLimit)
        var partitions: [SpillFile] = []
        var directory: SpillDirectory?
        let exceeded = { () -> DocketError in
            DocketError(
                .queryExceededMemoryLimitNoDiskUseAllowed,
                "Exceeded memory limit for $group, but didn't allow external spilling; pass allowDiskUse:true to "
                    + "opt in.", stage: "$group")
        }
        while let document = try input.next() {
            var expressionContext = ExpressionContext(root: document, variables: context.variables, now: context.now)
            let key = try spec.key.evaluate(&expressionContext)
            let group: Int
            if let existing = groupIndex[key] {
                group = existing
            } else if !partitions.isEmpty {
                var hasher = Hasher()
                hasher.combine(depth)
                hasher.combine(key)
                try partitions[Int(UInt(bitPattern: hasher.finalize()) % UInt(partitions.count))].append(document)
                continue
            } else {
                group = keys.count
                groupIndex[key] = group
                keys.append(key)
                states.append(spec.fields.map { AccumulatorState($0.accumulator) })
                try memory.add(64 + key.approximatePayloadSize + 64 * spec.fields.count, exceeded)
                if memory.used > memory.limit && depth < maximumSpillDepth {
                    let spillDirectory = try SpillDirectory()
                    directory = spillDirectory
                    for _ in 0..<partitionCount { partitions.append(try spillDirectory.makeFile()) }
                }
            }
            for index in spec.fields.indices {
                let grown = try states[group][index].accumulate(
                    spec.fields[index].accumulator, &expressionContext, document)
                if grown > 0 { try memory.add(grown, exceeded) }
            }
        }
        var results: [BSONDocument] = []
        results.reserveCapacity(keys.count)
        for (group, key) in keys.enumerated() {
            var output = BSONDocument(minimumCapacity: spec.fields.count + 1)
            output.append("_id", key)
            for (index, field) in spec.fields.enumerated() {
                output.append(field.name, states[group][index].finalize(field.accumulator))
            }
            results.append(output)
        }
        for partition in partitions where partition.size > 0 {
            try partition.rewind()
            context.spills?.record(bytes: partition.size)
            results += try group(SpillFileRunner(partition), spec, context: context, depth: depth + 1)
        }
        withExtendedLifetime(directory) {}
        return results
    }
}
