import DocketBSON

/// A parsed `$group` accumulator: its kind and compiled arguments.
struct AccumulatorSpec: Sendable {
    let kind: AccumulatorKind
    /// The values accumulated: the operand, or `input`/`output` of the object forms.
    let argument: Expression
    /// `n` of the N forms (evaluated on each group's first document).
    let n: Expression?
    /// `sortBy` of `$top`, `$bottom`, `$topN`, `$bottomN`.
    let sortBy: SortSpec?
    /// `p` of `$percentile` (`[0.5]` for `$median`).
    let percentiles: [Double]
    /// `method` of `$percentile`/`$median`: `approximate` and `discrete` pick an input value, `continuous`
    /// interpolates.
    let interpolates: Bool
}

extension AccumulatorSpec {
    /// Parses `{$op: argument}` for the field `field` of a `$group`.
    /// - Throws: `Location15952` "unknown group operator '$foo'"; `Location40237` for an array operand of a unary
    ///   accumulator; `Location40238` for more than one operator; the object forms' errors (5787801, 5787901, 5787906,
    ///   5787907, 5788002, 5788004, 5788005, 7436100–7436202); the operands' expression errors.
    init(field: String, _ spec: BSONDocument, scope: ExpressionScope) throws(DocketError) {
        guard spec.count == 1, let (name, value) = spec.first.map({ ($0.key, $0.value) }) else {
            throw DocketError(
                .groupFieldOneAccumulator, "The field '\(field)' must specify one accumulator", stage: "$group")
        }
        guard let kind = AccumulatorKind(rawValue: name) else {
            if AccumulatorKind.notImplemented.contains(name) {
                throw DocketError(
                    .notImplemented, "The \(name) accumulator is not supported yet", operatorName: name, stage: "$group"
                )
            }
            throw DocketError(
                .unknownGroupOperator, "unknown group operator '\(name)'", operatorName: name, stage: "$group")
        }
        self.kind = kind
        var n: Expression?
        var sortBy: SortSpec?
        var percentiles: [Double] = []
        var interpolates = false
        switch kind {
        case .sum, .avg, .min, .max, .first, .last, .push, .addToSet, .mergeObjects, .stdDevPop, .stdDevSamp:
            if case .array(let elements) = value {
                // `{$sum: [a]}` is the unary operator applied to `a`; several operands are an error in $group.
                guard elements.count == 1 else {
                    throw DocketError(
                        .accumulatorUnary, "The \(name) accumulator is a unary operator", operatorName: name,
                        stage: "$group")
                }
                argument = try Expression(parsing: elements[0], scope: scope)
            } else {
                argument = try Expression(parsing: value, scope: scope)
            }
        case .count:
            guard case .document(let empty) = value, empty.isEmpty else {
                throw DocketError(
                    .typeMismatch, "$count takes no arguments, i.e. $count:{}", operatorName: name, stage: "$group")
            }
            argument = try Expression(parsing: .int32(1), scope: scope)
        case .firstN, .lastN, .maxN, .minN:
            // mongod (accumulator_multi.cpp): 5787900 for $minN/$maxN, 5787801 for $firstN/$lastN; `n` is looked
            // for before `input`.
            let fields = try Self.objectArgument(
                name, value, allowed: ["input", "n"],
                notObject: kind == .minN || kind == .maxN ? .location(5_787_900) : .accumulatorObjectArgument,
                unknown: { "Unknown argument for 'n' operator: \($0)" })
            guard let count = fields["n"] else {
                throw DocketError(.accumulatorMissingN, "Missing value for 'n'", operatorName: name)
            }
            guard let input = fields["input"] else {
                throw DocketError(.accumulatorMissingInput, "Missing value for 'input'", operatorName: name)
            }
            argument = try Expression(parsing: input, scope: scope)
            n = try Expression(parsing: count, scope: scope)
        case .top, .bottom, .topN, .bottomN:
            // mongod's accumulatorNParseArgs: 5788001, 5788002, then `n` (5788003), `output` (5788004), `sortBy`
            // (5788005, 9657900 when empty), in that order.
            let takesN = kind == .topN || kind == .bottomN
            let fields = try Self.objectArgument(
                name, value, allowed: takesN ? ["n", "sortBy", "output"] : ["sortBy", "output"],
                notObject: .location(5_788_001), unknownCode: .location(5_788_002),
                unknown: { "Unknown argument to \(name) '\($0)'" })
            if takesN {
                guard let count = fields["n"] else {
                    throw DocketError(.location(5_788_003), "Missing value for 'n'", operatorName: name)
                }
                n = try Expression(parsing: count, scope: scope)
            }
            guard let output = fields["output"] else {
                throw DocketError(.accumulatorMissingOutput, "Missing value for 'output'", operatorName: name)
            }
            guard case .document(let sortSpec)? = fields["sortBy"] else {
                throw DocketError(.accumulatorMissingSortBy, "Missing value for 'sortBy'", operatorName: name)
            }
            guard !sortSpec.isEmpty else {
                throw DocketError(
                    .location(9_657_900), "Value for 'sortBy' must be a non-empty object", operatorName: name)
            }
            sortBy = try SortSpec(sortSpec)
            argument = try Expression(parsing: output, scope: scope)
        case .median, .percentile:
            let isMedian = kind == .median
            let fields = try Self.objectArgument(
                name, value, allowed: isMedian ? ["input", "method"] : ["input", "p", "method"])
            guard let input = fields["input"] else {
                throw DocketError(.accumulatorMissingInput, "Missing value for 'input'", operatorName: name)
            }
            guard case .string(let method)? = fields["method"] else {
                throw DocketError(
                    .percentileMethod, "\(name) requires a 'method' of 'approximate', 'discrete' or 'continuous'",
                    operatorName: name)
            }
            guard ["approximate", "discrete", "continuous"].contains(method) else {
                throw DocketError(
                    .percentileMethod,
                    "Currently only 'approximate', 'discrete' and 'continuous' can be used as "
                        + "percentile 'method', found '\(method)'", operatorName: name)
            }
            interpolates = method == "continuous"
            if isMedian {
                percentiles = [0.5]
            } else {
                guard case .array(let ps)? = fields["p"], !ps.isEmpty else {
                    throw DocketError(
                        .percentileP, "The 'p' field must be an array of numbers from [0.0, 1.0]",
                        operatorName: name)
                }
                for p in ps {
                    guard let d = p.doubleValueForArithmetic, d >= 0, d <= 1 else {
                        throw DocketError(
                            .percentileP, "The 'p' field must be an array of numbers from [0.0, 1.0]",
                            operatorName: name)
                    }
                    percentiles.append(d)
                }
            }
            argument = try Expression(parsing: input, scope: scope)
        }
        self.n = n
        self.sortBy = sortBy
        self.percentiles = percentiles
        self.interpolates = interpolates
    }

    private static func objectArgument(
        _ name: String, _ value: BSONValue, allowed: Set<String>,
        notObject: DocketError.Code = .accumulatorObjectArgument,
        unknownCode: DocketError.Code = .accumulatorUnknownArgument, unknown: ((String) -> String)? = nil
    ) throws(DocketError) -> BSONDocument {
        guard case .document(let fields) = value else {
            throw DocketError(
                notObject,
                "specification must be an object; found \(name): "
                    + BSONPrinter.projectionMessage.string(value), operatorName: name)
        }
        for key in fields.keys where !allowed.contains(key) {
            throw DocketError(
                unknownCode, unknown?(key) ?? "Unknown argument for \(name): \(key)", operatorName: name)
        }
        return fields
    }
}

extension BSONValue {
    /// A number as a double (`nil` for other types).
    var doubleValueForArithmetic: Double? {
        switch self {
        case .int32(let i): return Double(i)
        case .int64(let i): return Double(i)
        case .double(let d): return d
        case .decimal128(let d): return d.doubleValue
        default: return nil
        }
    }
}

/// The running state of one accumulator for one group.
struct AccumulatorState {
    enum Storage {
        case total(BSONValue)
        case average(total: BSONValue, count: Int)
        case extreme(BSONValue?)
        case first(BSONValue?, isSet: Bool)
        case last(BSONValue?)
        case values([BSONValue])
        case distinct([BSONValue], Set<BSONValue>)
        case merged(BSONDocument)
        case moments(count: Double, mean: Double, m2: Double)
        case ranked(SortBuffer<BSONValue>?)
        case numbers([Double])
    }

    var storage: Storage
    /// `n` of the N forms, once known.
    var limit: Int?

    init(_ spec: AccumulatorSpec) {
        switch spec.kind {
        case .sum, .count: storage = .total(.int32(0))
        case .avg: storage = .average(total: .int32(0), count: 0)
        case .min, .max: storage = .extreme(nil)
        case .first: storage = .first(nil, isSet: false)
        case .last: storage = .last(nil)
        case .push, .firstN, .lastN: storage = .values([])
        case .addToSet: storage = .distinct([], [])
        case .mergeObjects: storage = .merged([:])
        case .stdDevPop, .stdDevSamp: storage = .moments(count: 0, mean: 0, m2: 0)
        case .top, .bottom, .topN, .bottomN, .maxN, .minN:
            storage = .ranked(nil)
        case .median, .percentile: storage = .numbers([])
        }
    }

    /// The order a ranked accumulator keeps its best entries in: `sortBy` for `$top(N)`, reversed for `$bottom(N)`,
    /// the value itself descending for `$maxN` and ascending for `$minN`.
    private static func rankingSpec(_ spec: AccumulatorSpec) -> SortSpec {
        switch spec.kind {
        case .bottom, .bottomN: return spec.sortBy!.reversed
        case .maxN: return SortSpec.singleValue(ascending: false)
        case .minN: return SortSpec.singleValue(ascending: true)
        default: return spec.sortBy!
        }
    }

    /// Adds one document's value; returns about how many bytes the state grew by.
    mutating func accumulate(
        _ spec: AccumulatorSpec, _ context: inout ExpressionContext, _ document: PipelineDocument
    ) throws(DocketError) -> Int {
        if limit == nil, let n = spec.n { limit = try Self.evaluateN(n, spec.kind, &context) }
        let value = try spec.argument.evaluate(&context)
        switch storage {
        case .total(let total):
            guard let value, value.isNumber else { return 0 }
            storage = .total(NumericArithmetic.add(total, value) ?? total)
            return 0
        case .average(let total, let count):
            guard let value, value.isNumber else { return 0 }
            storage = .average(total: NumericArithmetic.add(total, value) ?? total, count: count + 1)
            return 0
        case .extreme(let current):
            guard !value.isNullish, let value else { return 0 }
            guard let current else {
                storage = .extreme(value)
                return value.approximatePayloadSize
            }
            let c = BSONValue.compare(value, current)
            if spec.kind == .min ? c < 0 : c > 0 {
                storage = .extreme(value)
                return value.approximatePayloadSize
            }
            return 0
        case .first(_, let isSet):
            guard !isSet else { return 0 }
            storage = .first(value ?? .null, isSet: true)
            return value?.approximatePayloadSize ?? 0
        case .last:
            storage = .last(value ?? .null)
            return 0
        case .values(var values):
            switch spec.kind {
            case .push:
                guard let value else { return 0 }
                storage = .values([])
                values.append(value)
                storage = .values(values)
                return 24 + value.approximatePayloadSize
            case .firstN:
                guard values.count < (limit ?? 0) else { return 0 }
                storage = .values([])
                values.append(value ?? .null)
                storage = .values(values)
                return 24 + (value?.approximatePayloadSize ?? 0)
            default:  // lastN: keep at most 2n, trimming to n (amortized O(1))
                storage = .values([])
                values.append(value ?? .null)
                let n = limit ?? 0
                if values.count > 2 * n { values.removeFirst(values.count - n) }
                storage = .values(values)
                return 0
            }
        case .distinct(var values, var seen):
            guard let value else { return 0 }
            storage = .values([])
            if seen.insert(value).inserted { values.append(value) }
            storage = .distinct(values, seen)
            return 48 + value.approximatePayloadSize
        case .merged(var merged):
            guard !value.isNullish, let value else { return 0 }
            guard case .document(let fields) = value else {
                throw DocketError(
                    .mergeObjectsNotObject,
                    "$mergeObjects requires object inputs, but input \(BSONPrinter.projectionMessage.string(value)) "
                        + "is of type \(value.type.alias)", operatorName: "$mergeObjects")
            }
            storage = .values([])
            for (key, field) in fields { merged[key] = field }
            storage = .merged(merged)
            return value.approximatePayloadSize
        case .moments(let count, let mean, let m2):
            guard let value, value.isNumber, let x = value.doubleValueForArithmetic else { return 0 }
            // Welford's online algorithm.
            let n = count + 1
            let delta = x - mean
            let newMean = mean + delta / n
            storage = .moments(count: n, mean: newMean, m2: m2 + delta * (x - newMean))
            return 0
        case .ranked(let existing):
            let key: [BSONValue]
            let payload: BSONValue
            switch spec.kind {
            case .maxN, .minN:
                guard !value.isNullish, let value else { return 0 }
                key = [value]
                payload = value
            default:
                key = spec.sortBy!.sortKey(for: document)
                payload = value ?? .null
            }
            var buffer: SortBuffer<BSONValue>
            if let existing {
                buffer = existing
            } else {
                let bound = spec.kind == .top || spec.kind == .bottom ? 1 : (limit ?? 0)
                buffer = SortBuffer(spec: Self.rankingSpec(spec), bound: bound)
            }
            guard buffer.wouldKeep(key: key) else { return 0 }
            storage = .numbers([])
            buffer.offer(key: key, payload)
            storage = .ranked(buffer)
            return 48 + payload.approximatePayloadSize
        case .numbers(var numbers):
            guard let value, value.isNumber, let x = value.doubleValueForArithmetic else { return 0 }
            storage = .numbers([])
            numbers.append(x)
            storage = .numbers(numbers)
            return 8
        }
    }

    /// `n` of the N forms: a positive integer.
    private static func evaluateN(_ n: Expression, _ kind: AccumulatorKind, _ context: inout ExpressionContext)
        throws(DocketError) -> Int
    {
        try validateN(try n.evaluate(&context) ?? .null, kind)
    }

    /// MongoDB's `AccumulatorN::validateN`: an integral value (5787902) above zero (5787908).
    static func validateN(_ value: BSONValue, _ kind: AccumulatorKind) throws(DocketError) -> Int {
        Int(try ArrayNode.validateN(value, kind.rawValue))
    }

    /// The accumulator's result for its group.
    func finalize(_ spec: AccumulatorSpec) -> BSONValue {
        switch storage {
        case .total(let total): return total
        case .average(let total, let count):
            guard count > 0 else { return .null }
            if case .decimal128(let d) = total { return .decimal128(d.divided(by: Decimal128(count))) }
            return .double((total.doubleValueForArithmetic ?? 0) / Double(count))
        case .extreme(let value): return value ?? .null
        case .first(let value, _): return value ?? .null
        case .last(let value): return value ?? .null
        case .values(let values):
            if spec.kind == .lastN { return .array(Array(values.suffix(limit ?? 0))) }
            return .array(values)
        case .distinct(let values, _): return .array(values)
        case .merged(let document): return .document(document)
        case .moments(let count, _, let m2):
            if spec.kind == .stdDevPop { return count > 0 ? .double((m2 / count).squareRoot()) : .null }
            return count > 1 ? .double((m2 / (count - 1)).squareRoot()) : .null
        case .ranked(let buffer):
            let sorted = buffer?.sorted() ?? []
            switch spec.kind {
            case .top, .bottom: return sorted.first ?? .null
            case .bottomN: return .array(sorted.reversed())  // kept in reverse order, returned in sortBy order
            default: return .array(sorted)
            }
        case .numbers(let numbers):
            let sorted = numbers.sorted()
            let results: [BSONValue] = spec.percentiles.map { p in
                guard !sorted.isEmpty else { return .null }
                if spec.interpolates {
                    let rank = p * Double(sorted.count - 1)
                    let low = Int(rank.rounded(.down))
                    let high = Swift.min(low + 1, sorted.count - 1)
                    return .double(sorted[low] + (sorted[high] - sorted[low]) * (rank - Double(low)))
                }
                let index = Swift.max(0, Swift.min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))
                return .double(sorted[index])
            }
            return spec.kind == .median ? results[0] : .array(results)
        }
    }
}

extension SortSpec {
    /// A specification from parsed keys.
    init(keys: [Key]) { self.keys = keys }

    /// The reverse order (for `$bottom`: the last documents in `sortBy` order are the first in its reverse).
    var reversed: SortSpec { SortSpec(keys: keys.map { Key(path: $0.path, ascending: !$0.ascending) }) }

    /// An order on one value (its key is `[value]`), for `$maxN` and `$minN`.
    static func singleValue(ascending: Bool) -> SortSpec {
        SortSpec(keys: [Key(path: [], ascending: ascending)])
    }
}
