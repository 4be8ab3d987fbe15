import DocketBSON

// Running `$setWindowFields`: the input is read and sorted by (partition key, sortBy) (or kept in input order when the
// stage has neither), then each partition is materialized, every output computed for all of its documents, and the
// partition streamed out before the next one is computed. Accumulators over a window that only grows (unbounded to
// current, or the whole partition) are updated incrementally; other windows are recomputed per document, in
// O(window).

/// `$setWindowFields`.
final class SetWindowFieldsRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: SetWindowFieldsSpec
    private let context: PipelineRunContext
    /// The sorted input with its partition keys, read on the first pull.
    private var input: [(key: BSONValue, document: PipelineDocument)]?
    private var inputPosition = 0
    private var output: [BSONDocument] = []
    private var outputPosition = 0

    init(_ upstream: any StageRunner, _ spec: SetWindowFieldsSpec, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        if input == nil { input = try readInput() }
        while outputPosition >= output.count {
            guard let input, inputPosition < input.count else { return nil }
            // The next partition: the documents with the same key.
            let start = inputPosition
            let key = input[start].key
            var end = start + 1
            while end < input.count && BSONValue.compare(input[end].key, key) == 0 { end += 1 }
            inputPosition = end
            output = try computePartition(input[start..<end].map(\.document))
            outputPosition = 0
        }
        outputPosition += 1
        return .value(output[outputPosition - 1])
    }

    /// Reads the whole input, with each document's partition key, sorted when the stage sorts.
    private func readInput() throws(DocketError) -> [(key: BSONValue, document: PipelineDocument)] {
        var memory = MemoryTracker(limit: context.memoryLimitBytes, enforced: context.failsPastMemoryLimit)
        let sortsInput = spec.sortsInput
        let limit = context.memoryLimitBytes
        // What the input holds, for the message (the tracker cannot be read while it is adding).
        var held = 0
        let exceeded = { () -> DocketError in
            // MongoDB sorts first (a `$sort` stage it desugars to), which fails first; without a sort the whole
            // input is one partition.
            if sortsInput {
                return DocketError(
                    .queryExceededMemoryLimitNoDiskUseAllowed,
                    "Sort exceeded memory limit of \(limit) bytes, but did not opt in to external sorting.",
                    stage: "$sort")
            }
            return DocketError(
                .location(5_414_201),
                "Exceeded memory limit in DocumentSourceSetWindowFields, used \(held) bytes but max allowed "
                    + "is \(limit)", stage: "$setWindowFields")
        }
        var keyed: [(key: BSONValue, document: PipelineDocument)] = []
        while let document = try upstream.next() {
            var key = BSONValue.null
            if let partitionBy = spec.partitionBy {
                var expressionContext = ExpressionContext(
                    root: document, variables: context.variables, now: context.now)
                key = try partitionBy.evaluate(&expressionContext) ?? .null
                if case .array = key {
                    throw DocketError(
                        .typeMismatch, "Cannot 'partitionBy' an expression of type array", stage: "$setWindowFields")
                }
            }
            let size = document.approximateSize + key.approximatePayloadSize + 48
            held += size
            try memory.add(size, exceeded)
            keyed.append((key, document))
        }
        guard sortsInput else { return keyed }
        var keys = [SortSpec.Key(path: [], ascending: true)]
        keys += spec.sortBy?.keys ?? []
        var buffer = SortBuffer<(key: BSONValue, document: PipelineDocument)>(spec: SortSpec(keys: keys), bound: nil)
        for entry in keyed {
            buffer.offer(key: [entry.key] + (spec.sortBy?.sortKey(for: entry.document) ?? []), entry)
        }
        return buffer.sorted()
    }

    /// The partition's documents with the output fields set.
    private func computePartition(_ documents: [PipelineDocument]) throws(DocketError) -> [BSONDocument] {
        var partition = WindowPartition(documents: documents, context: context)
        var results: [BSONDocument] = []
        results.reserveCapacity(documents.count)
        for document in documents { results.append(try document.decoded()) }
        for output in spec.outputs {
            let values = try partition.evaluate(output.function, sortBy: spec.sortBy)
            for index in results.indices {
                results[index] = WindowOutput.setting(values[index], at: output.path[...], in: results[index])
            }
        }
        return results
    }
}

extension WindowOutput {
    /// `document` with `value` at `path`, as `$addFields` sets it: through arrays into each element, replacing a
    /// scalar or missing level by a document.
    static func setting(_ value: BSONValue, at path: ArraySlice<String>, in document: BSONDocument) -> BSONDocument {
        var output = document
        guard let name = path.first else { return output }
        if path.count == 1 {
            output[name] = value
        } else {
            output[name] = setting(value, at: path.dropFirst(), inValue: output[name])
        }
        return output
    }

    private static func setting(_ value: BSONValue, at path: ArraySlice<String>, inValue existing: BSONValue?)
        -> BSONValue
    {
        switch existing {
        case .document(let inner)?: return .document(setting(value, at: path, in: inner))
        case .array(let elements)?: return .array(elements.map { setting(value, at: path, inValue: $0) })
        default: return .document(setting(value, at: path, in: [:]))
        }
    }
}

/// One partition's documents and what the window functions compute over them.
struct WindowPartition {
    let documents: [PipelineDocument]
    let context: PipelineRunContext
    /// The single `sortBy` field's value of each document (for range windows), computed on first use.
    private var sortValues: [BSONValue?]?
    /// For range windows with (`true`) and without a unit: the first document whose sort value has the expected type,
    /// and for each document the last one of the run of such documents it starts, computed on first use.
    private var expectedRuns: [Bool: (first: Int?, runEnds: [Int])] = [:]

    init(documents: [PipelineDocument], context: PipelineRunContext) {
        self.documents = documents
        self.context = context
    }

    private func expressionContext(_ index: Int) -> ExpressionContext {
        ExpressionContext(root: documents[index], variables: context.variables, now: context.now)
    }

    /// The value of `expression` for the document at `index`.
    private func value(_ expression: Expression, at index: Int) throws(DocketError) -> BSONValue? {
        var expressionContext = expressionContext(index)
        return try expression.evaluate(&expressionContext)
    }

    /// The value each document's path reaches.
    private func pathValues(_ path: [FieldPath.Component]) throws(DocketError) -> [BSONValue?] {
        var values: [BSONValue?] = []
        values.reserveCapacity(documents.count)
        for document in documents { values.append(try document.value(atExpressionPath: path)) }
        return values
    }

    /// The function's value for every document of the partition, in order.
    mutating func evaluate(_ function: WindowFunction, sortBy: SortSpec?) throws(DocketError) -> [BSONValue] {
        switch function {
        case .accumulator(let spec, let frame):
            return try accumulate(spec, frame, sortBy: sortBy)
        case .documentNumber:
            return documents.indices.map { .int32(Int32(truncatingIfNeeded: $0 + 1)) }
        case .rank(let dense, let sortBy):
            let values = documents.map { sortBy.sortKey(for: $0)[0] }
            var results: [BSONValue] = []
            var rank = 0
            for index in values.indices {
                let isTie = index > 0 && BSONValue.compare(values[index], values[index - 1]) == 0
                if !isTie { rank = dense ? rank + 1 : index + 1 }
                results.append(.int32(Int32(truncatingIfNeeded: rank)))
            }
            return results
        case .shift(let output, let by, let fallback):
            var results: [BSONValue] = []
            for index in documents.indices {
                let (target, overflow) = index.addingReportingOverflow(by)
                if overflow || !documents.indices.contains(target) {
                    results.append(fallback)
                } else {
                    results.append(try value(output, at: target) ?? .null)
                }
            }
            return results
        case .expMovingAvg(let input, let alpha):
            return try expMovingAverage(input, alpha)
        case .derivative(let input, let sortPath, let unit, let frame):
            return try derivative(input, sortPath, unit, frame, sortBy: sortBy)
        case .integral(let input, let sortPath, let unit, let frame):
            return try integral(input, sortPath, unit, frame, sortBy: sortBy)
        case .covariance(let input, let sample, let frame):
            return try covariance(input, sample, frame, sortBy: sortBy)
        case .locf(let input):
            var last: BSONValue = .null
            var results: [BSONValue] = []
            for index in documents.indices {
                let current = try value(input, at: index)
                if !current.isNullish, let current { last = current }
                results.append(last)
            }
            return results
        case .linearFill(let input, let sortPath):
            return try linearFill(input, sortPath)
        }
    }

    // MARK: Windows

    /// The window of the document at `index`: the first and last document in it, or `nil` when it is empty.
    mutating func windowRange(_ frame: WindowFrame, at index: Int, sortBy: SortSpec?) throws(DocketError)
        -> ClosedRange<Int>?
    {
        let last = documents.count - 1
        switch frame {
        case .documents(let lower, let upper):
            let low = lower.map { index + $0 } ?? 0
            let high = upper.map { index + $0 } ?? last
            guard low <= last, high >= 0, low <= high else { return nil }
            return Swift.max(low, 0)...Swift.min(high, last)
        case .range(let lower, let upper, let unit):
            if sortValues == nil, let path = sortBy?.keys.first?.path { sortValues = try pathValues(path) }
            let values = sortValues ?? []
            let isDate = unit != nil
            if expectedRuns[isDate] == nil {
                var runEnds = Array(repeating: -1, count: values.count)
                var end = -1
                for position in values.indices.reversed() {
                    if Self.hasExpectedType(values[position], isDate: isDate) {
                        if end < position { end = position }
                        runEnds[position] = end
                    } else {
                        end = -1
                    }
                }
                let first = values.indices.first { Self.hasExpectedType(values[$0], isDate: isDate) }
                expectedRuns[isDate] = (first, runEnds)
            }
            return try rangeWindow(lower, upper, unit, at: index, values, expectedRuns[isDate]!)
        }
    }

    /// MongoDB's range window (partition_iterator.cpp): bounds are the current sort value plus the offsets; the
    /// documents whose sort value is of the expected type (a number, or a date with `unit`) and within them.
    private func rangeWindow(
        _ lower: WindowFrame.RangeBound, _ upper: WindowFrame.RangeBound, _ unit: TimeUnit?, at index: Int,
        _ values: [BSONValue?], _ runs: (first: Int?, runEnds: [Int])
    ) throws(DocketError) -> ClosedRange<Int>? {
        let base = values[index] ?? .null
        if unit != nil {
            guard case .datetime = base else {
                throw DocketError(
                    .location(5_429_513),
                    "Invalid range: Expected the sortBy field to be a Date, but it was \(values[index].typeName)",
                    stage: "$setWindowFields")
            }
        } else {
            if case .datetime = base {
                throw DocketError(
                    .location(5_429_413),
                    "Invalid range: For windows that involve date or time ranges, a unit must be provided.",
                    stage: "$setWindowFields")
            }
            guard base.isNumber else {
                throw DocketError(
                    .location(5_429_414),
                    "Invalid range: Expected the sortBy field to be a number, but it was \(values[index].typeName)",
                    stage: "$setWindowFields")
            }
        }
        func hasExpectedType(_ value: BSONValue?) -> Bool { Self.hasExpectedType(value, isDate: unit != nil) }
        func threshold(_ delta: BSONValue) throws(DocketError) -> BSONValue {
            guard let unit, case .datetime(let ms) = base else {
                return .decimal128(NumericArithmetic.decimal(base).adding(NumericArithmetic.decimal(delta)))
            }
            return try DateNode.addUnits(ms, unit, delta, false, .utc, "$setWindowFields")
        }
        // The values are sorted ascending: the first position where `predicate` holds, by bisection.
        func firstIndex(from start: Int, where predicate: (BSONValue) -> Bool) -> Int {
            var low = start
            var high = values.count
            while low < high {
                let middle = (low + high) / 2
                if predicate(values[middle] ?? .null) { high = middle } else { low = middle + 1 }
            }
            return low
        }
        let low: Int
        switch lower {
        case .current: low = index
        case .unbounded:
            guard let first = runs.first else { return nil }
            low = first
        case .offset(let delta):
            let bound = try threshold(delta)
            let first = firstIndex(from: 0) { BSONValue.compare($0, bound) >= 0 }
            guard first < values.count, hasExpectedType(values[first]) else { return nil }
            low = first
        }
        let high: Int
        switch upper {
        case .current: high = index
        case .unbounded:
            high = runs.runEnds[Swift.max(index, low)]
        case .offset(let delta):
            let bound = try threshold(delta)
            let past = firstIndex(from: low) { BSONValue.compare($0, bound) > 0 }
            guard past > low else { return nil }
            high = past - 1
        }
        guard low <= high else { return nil }
        return low...high
    }

    /// Whether a sort value can bound a range window: a date with a unit, else a number.
    private static func hasExpectedType(_ value: BSONValue?, isDate: Bool) -> Bool {
        guard let value else { return false }
        if case .datetime = value { return isDate }
        return !isDate && value.isNumber
    }

    // MARK: Functions

    /// A `$group` accumulator over each document's window: one running state while the window only grows at one end,
    /// else recomputed from the window (O(window) per document).
    private mutating func accumulate(_ spec: AccumulatorSpec, _ frame: WindowFrame, sortBy: SortSpec?)
        throws(DocketError) -> [BSONValue]
    {
        if case .documents(nil, nil) = frame {
            var state = AccumulatorState(spec)
            for index in documents.indices {
                var expressionContext = expressionContext(index)
                _ = try state.accumulate(spec, &expressionContext, documents[index])
            }
            let value = state.finalize(spec)
            return Array(repeating: value, count: documents.count)
        }
        // A window that ends with the partition (`current` to `unbounded`) and an accumulator that ignores order: walked
        // backwards, the window only grows at its start.
        var backwards = false
        switch frame {
        case .documents(_, nil), .range(_, .unbounded, _):
            let orderless: Set<AccumulatorKind> = [.sum, .count, .avg, .min, .max, .stdDevPop, .stdDevSamp]
            backwards = orderless.contains(spec.kind)
        default: break
        }
        var results = Array(repeating: BSONValue.null, count: documents.count)
        var state = AccumulatorState(spec)
        var covered: ClosedRange<Int>?
        for index in backwards ? Array(documents.indices.reversed()) : Array(documents.indices) {
            guard let window = try windowRange(frame, at: index, sortBy: sortBy) else {
                results[index] = AccumulatorState(spec).finalize(spec)
                covered = nil
                state = AccumulatorState(spec)
                continue
            }
            // The documents the running state still needs: the window's new end (backwards, its new start).
            let added: Range<Int>
            if let covered, !backwards, covered.lowerBound == window.lowerBound,
                covered.upperBound <= window.upperBound
            {
                added = (covered.upperBound + 1)..<(window.upperBound + 1)
            } else if let covered, backwards, covered.upperBound == window.upperBound,
                covered.lowerBound >= window.lowerBound
            {
                added = window.lowerBound..<covered.lowerBound
            } else {
                state = AccumulatorState(spec)
                added = window.lowerBound..<(window.upperBound + 1)
            }
            for position in added {
                var expressionContext = expressionContext(position)
                _ = try state.accumulate(spec, &expressionContext, documents[position])
            }
            covered = window
            results[index] = state.finalize(spec)
        }
        return results
    }

    /// `$expMovingAvg`: each number moves the average by `alpha` of the difference; other values leave it.
    private func expMovingAverage(_ input: Expression, _ alpha: Decimal128) throws(DocketError) -> [BSONValue] {
        var current: BSONValue?
        var isDecimal = false
        let alphaDouble = alpha.doubleValue
        var results: [BSONValue] = []
        for index in documents.indices {
            if let x = try value(input, at: index), x.isNumber {
                if case .decimal128 = x { isDecimal = true }
                if let previous = current {
                    if isDecimal {
                        let weighted = NumericArithmetic.decimal(x).multiplied(by: alpha)
                        let kept = NumericArithmetic.decimal(previous).multiplied(by: Decimal128(1).subtracting(alpha))
                        current = .decimal128(weighted.adding(kept))
                    } else {
                        current = .double(
                            NumericArithmetic.double(x) * alphaDouble
                                + NumericArithmetic.double(previous) * (1 - alphaDouble))
                    }
                } else {
                    current = x
                }
            }
            if let current {
                results.append(
                    isDecimal
                        ? .decimal128(NumericArithmetic.decimal(current)) : .double(NumericArithmetic.double(current)))
            } else {
                results.append(.null)
            }
        }
        return results
    }

    /// A sort value as a number: milliseconds for a date when `unit` is set.
    private static func time(_ value: BSONValue?, unit: Int64?, _ name: String) throws(DocketError) -> BSONValue {
        if unit != nil {
            guard case .datetime(let ms)? = value else {
                throw DocketError(
                    .location(name == "$derivative" ? 5_624_900 : 5_423_901),
                    "\(name) with '\(name == "$derivative" ? "unit" : "outputUnit")' expects the sortBy field to be "
                        + "a Date", operatorName: name)
            }
            return .int64(ms)
        }
        if name == "$derivative", case .datetime? = value {
            throw DocketError(
                .location(5_624_901), "$derivative where the sortBy is a Date requires an 'unit'", operatorName: name)
        }
        guard let value, value.isNumber else {
            throw DocketError(
                .location(name == "$derivative" ? 5_624_902 : 5_423_902),
                "\(name) (with no '\(name == "$derivative" ? "unit" : "outputUnit")') expects the sortBy field to be "
                    + "numeric", operatorName: name)
        }
        return value
    }

    /// `$derivative`: (last input − first input) / (last time − first time) over the window, per `unit`.
    private mutating func derivative(
        _ input: Expression, _ sortPath: [FieldPath.Component], _ unit: Int64?, _ frame: WindowFrame,
        sortBy: SortSpec?
    ) throws(DocketError) -> [BSONValue] {
        var results: [BSONValue] = []
        for index in documents.indices {
            guard let window = try windowRange(frame, at: index, sortBy: sortBy) else {
                results.append(.null)
                continue
            }
            let first = window.lowerBound
            let last = window.upperBound
            let run = try NumericArithmetic.subtract(
                Self.time(try documents[last].value(atExpressionPath: sortPath), unit: unit, "$derivative"),
                Self.time(try documents[first].value(atExpressionPath: sortPath), unit: unit, "$derivative"))
            let y2 = try value(input, at: last)
            let y1 = try value(input, at: first)
            guard !y2.isNullish, !y1.isNullish, let y2, let y1 else {
                throw DocketError(
                    .location(5_624_903), "$derivative input must not be null or missing", operatorName: "$derivative")
            }
            guard let rise = NumericArithmetic.subtract(y2, y1) else {
                throw DocketError(
                    .typeMismatch, "can't $subtract \(y1.type.alias) from \(y2.type.alias)",
                    operatorName: "$derivative")
            }
            guard let run, var result = NumericArithmetic.divide(rise, run) else {
                results.append(.null)
                continue
            }
            if let unit { result = NumericArithmetic.multiply(result, .int64(unit)) ?? result }
            results.append(result)
        }
        return results
    }

    /// `$integral`: the trapezoidal rule over the window's (time, input) points, per `unit`.
    private mutating func integral(
        _ input: Expression, _ sortPath: [FieldPath.Component], _ unit: Int64?, _ frame: WindowFrame,
        sortBy: SortSpec?
    ) throws(DocketError) -> [BSONValue] {
        var points: [(x: BSONValue, y: BSONValue)] = []
        for index in documents.indices {
            let x = try documents[index].value(atExpressionPath: sortPath)
            let y = try value(input, at: index)
            let isTime: Bool
            switch x {
            case .datetime?: isTime = true
            case let x?: isTime = x.isNumber
            case nil: isTime = false
            }
            guard isTime, let y, y.isNumber else {
                throw DocketError(
                    .location(5_423_900),
                    "The input value of $integral window function must be a vector of 2 value, the first value must "
                        + "be numeric or date type and the second must be numeric.", operatorName: "$integral")
            }
            points.append((try Self.time(x, unit: unit, "$integral"), y))
        }
        var results: [BSONValue] = []
        // The sum over the last window, extended while windows only grow at their end.
        var sum = NumericArithmetic.Sum()
        var covered: ClosedRange<Int>?
        for index in documents.indices {
            guard let window = try windowRange(frame, at: index, sortBy: sortBy) else {
                results.append(.null)
                covered = nil
                continue
            }
            let segments: Range<Int>
            if let grown = Self.growth(from: covered, to: window) {
                segments = grown
            } else {
                sum = NumericArithmetic.Sum()
                segments = (window.lowerBound + 1)..<(window.upperBound + 1)
            }
            covered = window
            for position in segments {
                let (x1, y1) = points[position - 1]
                let (x2, y2) = points[position]
                guard let delta = NumericArithmetic.subtract(x2, x1), let sumY = NumericArithmetic.add(y1, y2),
                    let area = NumericArithmetic.multiply(sumY, delta),
                    let half = NumericArithmetic.divide(area, .double(2))
                else { continue }
                sum.add(half)
            }
            var result = sum.value
            if let unit { result = NumericArithmetic.divide(result, .int64(unit)) ?? result }
            results.append(result)
        }
        return results
    }

    /// The positions `window` adds to `covered` when it only grew at its end (a running state then extends), or
    /// `nil` when the state must restart from the window's start.
    private static func growth(from covered: ClosedRange<Int>?, to window: ClosedRange<Int>) -> Range<Int>? {
        guard let covered, covered.lowerBound == window.lowerBound, covered.upperBound <= window.upperBound else {
            return nil
        }
        return (covered.upperBound + 1)..<(window.upperBound + 1)
    }

    /// `$covariancePop`/`$covarianceSamp` of the window's numeric `[x, y]` pairs.
    private mutating func covariance(_ input: Expression, _ sample: Bool, _ frame: WindowFrame, sortBy: SortSpec?)
        throws(DocketError) -> [BSONValue]
    {
        var pairs: [(Double, Double)?] = []
        for index in documents.indices {
            if case .array(let xy)? = try value(input, at: index), xy.count == 2, xy[0].isNumber, xy[1].isNumber {
                pairs.append((NumericArithmetic.double(xy[0]), NumericArithmetic.double(xy[1])))
            } else {
                pairs.append(nil)
            }
        }
        var results: [BSONValue] = []
        // Welford's running co-moment over the last window, extended while windows only grow at their end.
        var n = 0.0
        var meanX = 0.0
        var meanY = 0.0
        var c = 0.0
        var covered: ClosedRange<Int>?
        for index in documents.indices {
            guard let window = try windowRange(frame, at: index, sortBy: sortBy) else {
                results.append(.null)
                covered = nil
                continue
            }
            let added: Range<Int>
            if let grown = Self.growth(from: covered, to: window) {
                added = grown
            } else {
                (n, meanX, meanY, c) = (0, 0, 0, 0)
                added = window.lowerBound..<(window.upperBound + 1)
            }
            covered = window
            for case let (x, y)? in pairs[added] {
                n += 1
                let dx = x - meanX
                meanX += dx / n
                meanY += (y - meanY) / n
                c += dx * (y - meanY)
            }
            if sample {
                results.append(n > 1 ? .double(c / (n - 1)) : .null)
            } else {
                results.append(n > 0 ? .double(c / n) : .null)
            }
        }
        return results
    }

    /// `$linearFill`: a null or missing input becomes the value on the line between the nearest non-null inputs
    /// before and after it (by the sort field); without both it stays null.
    private func linearFill(_ input: Expression, _ sortPath: [FieldPath.Component]) throws(DocketError)
        -> [BSONValue]
    {
        var xs: [BSONValue] = []
        var ys: [BSONValue?] = []
        var previous: BSONValue?
        for index in documents.indices {
            let y = try value(input, at: index)
            guard y.isNullish || y!.isNumber else {
                throw DocketError(
                    .typeMismatch, "Value to be filled must be numeric or nullish, but found \(y.typeName)",
                    operatorName: "$linearFill")
            }
            let x = try documents[index].value(atExpressionPath: sortPath)
            let isDate: Bool
            switch x {
            case .datetime?: isDate = true
            case let x? where x.isNumber: isDate = false
            default:
                throw DocketError(
                    .typeMismatch, "Value of the sortBy field must be numeric or a date, but found \(x.typeName)",
                    operatorName: "$linearFill")
            }
            if let previous {
                guard BSONValue.compare(previous, x!) != 0 else {
                    throw DocketError(
                        .location(6_050_106), "There can be no repeated values in the sort field",
                        operatorName: "$linearFill")
                }
                let wasDate: Bool
                if case .datetime = previous { wasDate = true } else { wasDate = false }
                guard wasDate == isDate else {
                    throw DocketError(
                        .typeMismatch,
                        "Conflicting sort value types, previously received type \(previous.type.alias), but found "
                            + x!.type.alias, operatorName: "$linearFill")
                }
            }
            previous = x
            if case .datetime(let ms)? = x { xs.append(.int64(ms)) } else { xs.append(x!) }
            ys.append(y.isNullish ? nil : y)
        }
        var results: [BSONValue] = []
        var before: Int?
        var after: Int?
        for index in documents.indices {
            if let y = ys[index] {
                before = index
                results.append(y)
                continue
            }
            if after == nil || after! < index {
                after = ys[(index + 1)...].firstIndex { $0 != nil }
            }
            guard let b = before, let a = after, let y1 = ys[b], let y2 = ys[a],
                let rise = NumericArithmetic.subtract(y2, y1),
                let run = NumericArithmetic.subtract(xs[a], xs[b]),
                let slope = NumericArithmetic.divide(rise, run),
                let dx = NumericArithmetic.subtract(xs[index], xs[b]),
                let step = NumericArithmetic.multiply(dx, slope),
                let filled = NumericArithmetic.add(y1, step)
            else {
                results.append(.null)
                continue
            }
            results.append(filled)
        }
        return results
    }
}
