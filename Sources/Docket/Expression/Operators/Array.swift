import DocketBSON

// The array expressions: $size $isArray $reverseArray $first $last $arrayElemAt $in $concatArrays $slice $range
// $indexOfArray $map $filter (with limit) $reduce $zip $sortArray $firstN $lastN $maxN $minN, and the expression
// forms of the accumulators $sum $avg $min $max $stdDevPop $stdDevSamp (over an array argument, or over several
// arguments).

/// `$map`, `$filter`, `$reduce`, `$zip`, `$sortArray` and the `…N` operators: array operators with named arguments.
enum ArrayNode: Sendable {
    /// `$map`: the input, the slot of `as`, and `in`.
    case map(ExpressionNode, Int, ExpressionNode)
    /// `$filter`: the input, the slot of `as`, `cond`, and `limit`.
    case filter(ExpressionNode, Int, ExpressionNode, ExpressionNode?)
    /// `$reduce`: the input, `initialValue`, the slots of `$$value` and `$$this`, and `in`.
    case reduce(ExpressionNode, ExpressionNode, Int, Int, ExpressionNode)
    /// `$zip`: the inputs, `useLongestLength`, and the defaults.
    case zip([ExpressionNode], Bool, [ExpressionNode]?)
    /// `$sortArray`: the input and the order (a direction, or a sort specification for documents).
    case sortArray(ExpressionNode, ArraySortOrder)
    /// `$firstN`, `$lastN`, `$maxN`, `$minN`: which, `n`, and the input.
    case pickN(PickN, ExpressionNode, ExpressionNode)
    /// `$percentile` and `$median`: the input, the percentiles, the method.
    case quantile(ExpressionNode, [Double], PercentileMethod, median: Bool)

    /// Which elements a `…N` operator keeps.
    enum PickN: Sendable {
        case first, last, max, min

        var name: String {
            switch self {
            case .first: "$firstN"
            case .last: "$lastN"
            case .max: "$maxN"
            case .min: "$minN"
            }
        }
    }
}

/// How `$sortArray` orders elements.
enum ArraySortOrder: Sendable {
    /// Whole values, ascending (`1`) or descending (`-1`).
    case values(ascending: Bool)
    /// By fields of document elements.
    case fields(SortSpec)
}

extension ExpressionParser {
    /// Parses an array operator.
    func parseArray(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        switch op {
        case .size, .isArray, .reverseArray, .first, .last:
            let arguments = try parseArguments(name, argument, exactly: 1)
            let unary: UnaryOperator =
                switch op {
                case .size: .size
                case .isArray: .isArray
                case .reverseArray: .reverseArray
                case .first: .first
                default: .last
                }
            return ExpressionNode.unary(unary, arguments[0]).folded(when: arguments)
        case .arrayElemAt, .in:
            let arguments = try parseArguments(name, argument, exactly: 2)
            return ExpressionNode.binary(op == .in ? .in : .arrayElemAt, arguments[0], arguments[1])
                .folded(when: arguments)
        case .concatArrays:
            let arguments = try parseArguments(argument)
            return ExpressionNode.variadic(.concatArrays, arguments).folded(when: arguments)
        case .slice:
            let arguments = try parseArguments(name, argument, from: 2, to: 3)
            return ExpressionNode.variadic(.slice, arguments).folded(when: arguments)
        case .range:
            let arguments = try parseArguments(name, argument, from: 2, to: 3)
            return ExpressionNode.variadic(.range, arguments).folded(when: arguments)
        case .indexOfArray:
            let arguments = try parseArguments(name, argument, from: 2, to: 4)
            return ExpressionNode.variadic(.indexOfArray, arguments).folded(when: arguments)
        case .sum, .avg, .min, .max, .stdDevPop, .stdDevSamp:
            let arguments = try parseArguments(argument)
            let accumulator: VariadicOperator =
                switch op {
                case .sum: .sum
                case .avg: .avg
                case .min: .min
                case .max: .max
                case .stdDevPop: .stdDevPop
                default: .stdDevSamp
                }
            return ExpressionNode.variadic(accumulator, arguments).folded(when: arguments)
        case .map: return try parseMap(argument)
        case .filter: return try parseFilter(argument)
        case .reduce: return try parseReduce(argument)
        case .zip: return try parseZip(argument)
        case .sortArray: return try parseSortArray(argument)
        case .median, .percentile: return try parseQuantile(median: op == .median, argument)
        default:
            let pick: ArrayNode.PickN =
                switch op {
                case .firstN: .first
                case .lastN: .last
                case .maxN: .max
                default: .min
                }
            return try parsePickN(pick, argument)
        }
    }

    /// The named arguments of an operator taking a document.
    private func namedArguments(
        _ name: String, _ argument: BSONValue, allowed: Set<String>, notObject: (Int, String), unknown: Int,
        unknownMessage: (String) -> String
    ) throws(DocketError) -> [String: BSONValue] {
        guard case .document(let spec) = argument else {
            throw DocketError(.location(notObject.0), notObject.1, operatorName: name)
        }
        var named: [String: BSONValue] = [:]
        for (key, value) in spec {
            guard allowed.contains(key) else {
                throw DocketError(.location(unknown), unknownMessage(key), operatorName: name)
            }
            named[key] = value
        }
        return named
    }

    /// Parses an `as` name (default `this`) and declares it.
    private func declareAs(_ value: BSONValue?) throws(DocketError) -> Int {
        let name: String
        switch value {
        case nil: name = "this"
        case .string(let s)?: name = s
        case let other?: name = BSONPrinter.updateMessage.string(other)
        }
        try Self.validateVariableName(name, forWriting: true)
        return scope.declare(name)
    }

    private func parseMap(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let args = try namedArguments(
            "$map", argument, allowed: ["input", "as", "in"],
            notObject: (16878, "$map only supports an object as its argument"),
            unknown: 16879, unknownMessage: { "Unrecognized parameter to $map: \($0)" })
        guard let inputValue = args["input"] else {
            throw DocketError(.location(16880), "Missing 'input' parameter to $map", operatorName: "$map")
        }
        guard let body = args["in"] else {
            throw DocketError(.location(16882), "Missing 'in' parameter to $map", operatorName: "$map")
        }
        let input = try parseOperand(inputValue)
        return try scope.nested { () throws(DocketError) -> ExpressionNode in
            let slot = try declareAs(args["as"])
            return .arrayOperator(ArrayNode.map(input, slot, try parseOperand(body)))
        }
    }

    private func parseFilter(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let args = try namedArguments(
            "$filter", argument, allowed: ["input", "as", "cond", "limit"],
            notObject: (28646, "$filter only supports an object as its argument"),
            unknown: 28647, unknownMessage: { "Unrecognized parameter to $filter: \($0)" })
        guard let inputValue = args["input"] else {
            throw DocketError(.location(28648), "Missing 'input' parameter to $filter", operatorName: "$filter")
        }
        guard let condValue = args["cond"] else {
            throw DocketError(.location(28650), "Missing 'cond' parameter to $filter", operatorName: "$filter")
        }
        let input = try parseOperand(inputValue)
        let limit = try args["limit"].map { v throws(DocketError) in try parseOperand(v) }
        return try scope.nested { () throws(DocketError) -> ExpressionNode in
            let slot = try declareAs(args["as"])
            return .arrayOperator(ArrayNode.filter(input, slot, try parseOperand(condValue), limit))
        }
    }

    private func parseReduce(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let args = try namedArguments(
            "$reduce", argument, allowed: ["input", "initialValue", "in"],
            notObject: (40075, "$reduce requires an object as an argument, found: \(argument.type.alias)"),
            unknown: 40076, unknownMessage: { "$reduce found an unknown argument: \($0)" })
        guard let inputValue = args["input"] else {
            throw DocketError(.location(40077), "$reduce requires 'input' to be specified", operatorName: "$reduce")
        }
        guard let initialValue = args["initialValue"] else {
            throw DocketError(
                .location(40078), "$reduce requires 'initialValue' to be specified", operatorName: "$reduce")
        }
        guard let body = args["in"] else {
            throw DocketError(.location(40079), "$reduce requires 'in' to be specified", operatorName: "$reduce")
        }
        let input = try parseOperand(inputValue)
        let initial = try parseOperand(initialValue)
        return try scope.nested { () throws(DocketError) -> ExpressionNode in
            let valueSlot = scope.declare("value")
            let thisSlot = scope.declare("this")
            return .arrayOperator(ArrayNode.reduce(input, initial, valueSlot, thisSlot, try parseOperand(body)))
        }
    }

    private func parseZip(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let args = try namedArguments(
            "$zip", argument, allowed: ["inputs", "useLongestLength", "defaults"],
            notObject: (34460, "$zip only supports an object as an argument, found \(argument.type.alias)"),
            unknown: 34464, unknownMessage: { "$zip found an unknown argument: \($0)" })
        var useLongest = false
        if let value = args["useLongestLength"] {
            guard case .bool(let b) = value else {
                throw DocketError(
                    .location(34463), "useLongestLength must be a bool, found \(value.type.alias)", operatorName: "$zip"
                )
            }
            useLongest = b
        }
        guard case .array(let inputValues)? = args["inputs"] else {
            if let inputs = args["inputs"] {
                throw DocketError(
                    .location(34461), "inputs must be an array of expressions, found \(inputs.type.alias)",
                    operatorName: "$zip")
            }
            throw DocketError(.location(34465), "$zip requires at least one input array", operatorName: "$zip")
        }
        guard !inputValues.isEmpty else {
            throw DocketError(.location(34465), "$zip requires at least one input array", operatorName: "$zip")
        }
        var defaults: [ExpressionNode]?
        if let value = args["defaults"] {
            guard case .array(let items) = value else {
                throw DocketError(
                    .location(34462), "defaults must be an array of expressions, found \(value.type.alias)",
                    operatorName: "$zip")
            }
            guard useLongest else {
                throw DocketError(
                    .location(34466), "cannot specify defaults unless useLongestLength is true", operatorName: "$zip")
            }
            guard items.count == inputValues.count else {
                throw DocketError(
                    .location(34467), "defaults and inputs must have the same length", operatorName: "$zip")
            }
            var nodes: [ExpressionNode] = []
            for item in items { nodes.append(try parseOperand(item)) }
            defaults = nodes
        }
        var inputs: [ExpressionNode] = []
        for value in inputValues { inputs.append(try parseOperand(value)) }
        return .arrayOperator(ArrayNode.zip(inputs, useLongest, defaults))
    }

    private func parseSortArray(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let args = try namedArguments(
            "$sortArray", argument, allowed: ["input", "sortBy"],
            notObject: (2_942_500, "$sortArray requires an object as an argument, found: \(argument.type.alias)"),
            unknown: 2_942_501, unknownMessage: { "$sortArray found an unknown argument: \($0)" })
        guard let inputValue = args["input"] else {
            throw DocketError(
                .location(2_942_502), "$sortArray requires 'input' to be specified", operatorName: "$sortArray")
        }
        guard let sortBy = args["sortBy"] else {
            throw DocketError(
                .location(2_942_503), "$sortArray requires 'sortBy' to be specified", operatorName: "$sortArray")
        }
        let order: ArraySortOrder
        switch sortBy {
        case .document(let spec):
            order = .fields(try SortSpec(spec))
        case let number where number.isNumber:
            guard number.int64Value == 1 || number.int64Value == -1 else {
                throw DocketError(
                    .location(2_942_506), "The $sort element value must be either 1 or -1", operatorName: "$sortArray")
            }
            order = .values(ascending: number.int64Value == 1)
        default:
            throw DocketError(
                .location(2_942_507),
                "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields",
                operatorName: "$sortArray")
        }
        return .arrayOperator(ArrayNode.sortArray(try parseOperand(inputValue), order))
    }

    private func parsePickN(_ pick: ArrayNode.PickN, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = pick.name
        let args = try namedArguments(
            name, argument, allowed: ["n", "input"],
            notObject: (
                pick == .min || pick == .max ? 5_787_900 : 5_787_801,
                "specification must be an object; found \(name): \(BSONPrinter.updateMessage.string(argument))"
            ),
            unknown: 5_787_901, unknownMessage: { "Unknown argument for 'n' operator: \($0)" })
        guard let n = args["n"] else {
            throw DocketError(.location(5_787_906), "Missing value for 'n'", operatorName: name)
        }
        guard let input = args["input"] else {
            throw DocketError(.location(5_787_907), "Missing value for 'input'", operatorName: name)
        }
        return .arrayOperator(ArrayNode.pickN(pick, try parseOperand(n), try parseOperand(input)))
    }
}

extension UnaryOperator {
    /// `$size`, `$isArray`, `$reverseArray`, `$first`, `$last`.
    func applyArray(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .size:
            guard case .array(let items)? = value else {
                throw DocketError(
                    .location(17124), "The argument to $size must be an array, but was of type: \(value.typeName)",
                    operatorName: "$size")
            }
            return .int32(Int32(items.count))
        case .isArray:
            if case .array? = value { return .bool(true) }
            return .bool(false)
        case .reverseArray:
            if value.isNullish { return .null }
            guard case .array(let items)? = value else {
                throw DocketError(
                    .location(34435),
                    "The argument to $reverseArray must be an array, but was of type: \(value.typeName)",
                    operatorName: "$reverseArray")
            }
            return .array(items.reversed())
        default:
            let name = self == .first ? "$first" : "$last"
            if value.isNullish { return .null }
            guard case .array(let items)? = value else {
                throw DocketError(
                    .location(28689), "\(name)'s argument must be an array, but is \(value.typeName)",
                    operatorName: name)
            }
            return self == .first ? items.first : items.last
        }
    }
}

extension BinaryOperator {
    /// `$in` and `$arrayElemAt`.
    func applyArray(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .in:
            guard case .array(let items)? = rhs else {
                throw DocketError(
                    .location(40081), "$in requires an array as a second argument, found: \(rhs.typeName)",
                    operatorName: "$in")
            }
            let needle = lhs ?? .undefined
            return .bool(items.contains { BSONValue.compare($0, needle) == 0 })
        default:
            if lhs.isNullish || rhs.isNullish { return .null }
            guard case .array(let items)? = lhs else {
                throw DocketError(
                    .location(28689), "$arrayElemAt's first argument must be an array, but is \(lhs.typeName)",
                    operatorName: "$arrayElemAt")
            }
            guard let index = rhs, index.isNumber else {
                throw DocketError(
                    .location(28690), "$arrayElemAt's second argument must be a numeric value, but is \(rhs.typeName)",
                    operatorName: "$arrayElemAt")
            }
            guard let i = index.int64Value, Int32(exactly: i) != nil else {
                throw DocketError(
                    .location(28691),
                    "$arrayElemAt's second argument must be representable as a 32-bit integer: "
                        + Conversion.formatDouble(NumericArithmetic.double(index)),
                    operatorName: "$arrayElemAt")
            }
            let position = i < 0 ? Int64(items.count) + i : i
            guard position >= 0, position < items.count else { return nil }
            return items[Int(position)]
        }
    }
}

extension VariadicOperator {
    /// `$concatArrays`, `$slice`, `$range`, `$indexOfArray`.
    func evaluateArray(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        switch self {
        case .concatArrays:
            var result: [BSONValue] = []
            for argument in arguments {
                let value = try argument.evaluate(&context)
                if value.isNullish { return .null }
                guard case .array(let items)? = value else {
                    throw DocketError(
                        .location(28664), "$concatArrays only supports arrays, not \(value.typeName)",
                        operatorName: "$concatArrays")
                }
                result.append(contentsOf: items)
            }
            return .array(result)
        case .slice:
            var values: [BSONValue?] = []
            for argument in arguments { values.append(try argument.evaluate(&context)) }
            return try Self.evaluateSlice(values)
        case .range:
            var values: [BSONValue?] = []
            for argument in arguments { values.append(try argument.evaluate(&context)) }
            return try Self.evaluateRange(values)
        default:
            var values: [BSONValue?] = []
            for argument in arguments { values.append(try argument.evaluate(&context)) }
            return try Self.evaluateIndexOfArray(values)
        }
    }

    /// A 32-bit integral value of a numeric argument, or `nil`.
    private static func int32(_ value: BSONValue) -> Int? {
        guard value.isNumber, let v = value.int64Value, let narrow = Int32(exactly: v) else { return nil }
        return Int(narrow)
    }

    private static func evaluateSlice(_ values: [BSONValue?]) throws(DocketError) -> BSONValue? {
        if values.contains(where: \.isNullish) { return .null }
        guard case .array(let items)? = values[0] else {
            throw DocketError(
                .location(28724), "First argument to $slice must be an array, but is of type: \(values[0].typeName)",
                operatorName: "$slice")
        }
        let second = values[1]!
        guard second.isNumber else {
            throw DocketError(
                .location(28725),
                "Second argument to $slice must be a numeric value, but is of type: \(second.type.alias)",
                operatorName: "$slice")
        }
        guard let first = int32(second) else {
            throw DocketError(
                .location(28726),
                "Second argument to $slice can't be represented as a 32-bit integer: \(BSONPrinter.updateMessage.string(second))",
                operatorName: "$slice")
        }
        let count = items.count
        var start: Int
        var length: Int
        if values.count == 2 {
            if first >= 0 {
                start = 0
                length = first
            } else {
                start = Swift.max(0, count + first)
                length = count
            }
        } else {
            let third = values[2]!
            guard third.isNumber else {
                throw DocketError(
                    .location(28727), "Third argument to $slice must be numeric, but is of type: \(third.type.alias)",
                    operatorName: "$slice")
            }
            guard let n = int32(third) else {
                throw DocketError(
                    .location(28728),
                    "Third argument to $slice can't be represented as a 32-bit integer: \(BSONPrinter.updateMessage.string(third))",
                    operatorName: "$slice")
            }
            guard n > 0 else {
                throw DocketError(
                    .location(28729), "Third argument to $slice must be positive: \(n)", operatorName: "$slice")
            }
            start = first >= 0 ? Swift.min(first, count) : Swift.max(0, count + first)
            length = n
        }
        let end = Swift.min(count, start + length)
        return .array(start < end ? Array(items[start..<end]) : [])
    }

    private static func evaluateRange(_ values: [BSONValue?]) throws(DocketError) -> BSONValue? {
        let labels = [("starting", 34443, 34444), ("ending", 34445, 34446), ("step", 34447, 34448)]
        var ints: [Int] = []
        for (i, value) in values.enumerated() {
            let (label, typeCode, rangeCode) = labels[i]
            guard let value, value.isNumber else {
                throw DocketError(
                    .location(typeCode),
                    "$range requires a numeric \(label) value, found value of type:\(label == "step" ? "" : " ")"
                        + values[i].typeName,
                    operatorName: "$range")
            }
            guard let n = int32(value) else {
                throw DocketError(
                    .location(rangeCode),
                    "$range requires a\(label == "ending" ? "n" : "") \(label) value that can be represented as a 32-bit integer, found value: "
                        + BSONPrinter.updateMessage.string(value),
                    operatorName: "$range")
            }
            ints.append(n)
        }
        let step = ints.count > 2 ? ints[2] : 1
        guard step != 0 else {
            throw DocketError(.location(34449), "$range requires a non-zero step value", operatorName: "$range")
        }
        // MongoDB's internalQueryMaxRangeBytes (64 MiB), with its estimate of the array's size.
        let length = Swift.max(0, (ints[1] - ints[0]) / step + 1)
        let needed = 24 + length * 16
        let limit = 64 * 1024 * 1024
        guard needed < limit else {
            throw DocketError(
                .exceededMemoryLimit,
                "$range would use too much memory (\(needed) bytes) and cannot spill to disk. Memory limit: \(limit) bytes",
                operatorName: "$range")
        }
        var result: [BSONValue] = []
        result.reserveCapacity(length)
        var current = ints[0]
        while step > 0 ? current < ints[1] : current > ints[1] {
            result.append(.int32(Int32(current)))
            current += step
        }
        return .array(result)
    }

    private static func evaluateIndexOfArray(_ values: [BSONValue?]) throws(DocketError) -> BSONValue? {
        if values[0].isNullish { return .null }
        guard case .array(let items)? = values[0] else {
            throw DocketError(
                .location(40090), "$indexOfArray requires an array as a first argument, found: \(values[0].typeName)",
                operatorName: "$indexOfArray")
        }
        var bounds = [0, items.count]
        for (offset, label) in [(2, "starting index"), (3, "ending index")] where offset < values.count {
            let value = values[offset]
            guard let v = value, v.isNumber, let n = v.int64Value, Int32(exactly: n) != nil else {
                throw DocketError(
                    .location(9_711_600),
                    "$indexOfArrayrequires an integral \(label), found a value of type: \(value.typeName), with value: "
                        + (value.map { BSONPrinter.updateMessage.string($0) } ?? "missing"),
                    operatorName: "$indexOfArray")
            }
            guard n >= 0 else {
                throw DocketError(
                    .location(9_711_601), "$indexOfArray requires a nonnegative \(label), found: \(n)",
                    operatorName: "$indexOfArray")
            }
            bounds[offset - 2] = offset == 3 ? Swift.min(Int(n), items.count) : Int(n)
        }
        let needle = values[1] ?? .undefined
        var i = bounds[0]
        while i < bounds[1] {
            if BSONValue.compare(items[i], needle) == 0 { return .int32(Int32(i)) }
            i += 1
        }
        return .int32(-1)
    }

    /// `$sum $avg $min $max $stdDevPop $stdDevSamp` as expressions: over the elements of a single array argument,
    /// else over the arguments' values; non-numeric values are ignored (by `$min`/`$max`: null and missing only).
    func evaluateAccumulator(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        var values: [BSONValue] = []
        if arguments.count == 1 {
            let value = try arguments[0].evaluate(&context)
            if case .array(let items)? = value { values = items } else if let value { values = [value] }
        } else {
            for argument in arguments { if let value = try argument.evaluate(&context) { values.append(value) } }
        }
        switch self {
        case .sum, .avg:
            var sum = NumericArithmetic.Sum()
            var count = 0
            for value in values where value.isNumber {
                sum.add(value)
                count += 1
            }
            if self == .sum { return sum.value }
            guard count > 0 else { return .null }
            if case .decimal128(let total) = sum.value { return .decimal128(total.divided(by: Decimal128(count))) }
            return .double(NumericArithmetic.double(sum.value) / Double(count))
        case .min, .max:
            var best: BSONValue?
            for value in values where !Optional(value).isNullish {
                guard let current = best else {
                    best = value
                    continue
                }
                let order = BSONValue.compare(value, current)
                if self == .min ? order < 0 : order > 0 { best = value }
            }
            return best ?? .null
        default:
            // Welford's algorithm in double precision, as MongoDB's AccumulatorStdDev.
            var count = 0
            var mean = 0.0
            var m2 = 0.0
            for value in values where value.isNumber {
                let x = NumericArithmetic.double(value)
                count += 1
                let delta = x - mean
                mean += delta / Double(count)
                m2 += delta * (x - mean)
            }
            let divisor = self == .stdDevPop ? count : count - 1
            guard divisor > 0 else { return .null }
            return .double((m2 / Double(divisor)).squareRoot())
        }
    }
}

extension ArrayNode {
    /// `n` of `$firstN`, `$lastN`, `$maxN`, `$minN` (expressions and accumulators) and `$topN`, `$bottomN`: mongod's
    /// `AccumulatorN::validateN` — a number (5787902), integral (5787903), above zero (5787908).
    static func validateN(_ value: BSONValue, _ name: String) throws(DocketError) -> Int64 {
        let message = "Value for 'n' must be of integral type, but found \(BSONPrinter.projectionMessage.string(value))"
        guard value.isNumber else { throw DocketError(.accumulatorNNotIntegral, message, operatorName: name) }
        let integral: Int64? =
            switch value {
            case .int32(let i): Int64(i)
            case .int64(let i): i
            case .double(let d) where d == d.rounded(.towardZero) && Swift.abs(d) < 9.2e18: Int64(d)
            case .decimal128(let d): d.exactInt64
            default: nil
            }
        guard let integral else { throw DocketError(.location(5_787_903), message, operatorName: name) }
        guard integral > 0 else {
            throw DocketError(
                .accumulatorNNotPositive, "'n' must be greater than 0, found \(integral)", operatorName: name)
        }
        return integral
    }

    /// Evaluates the operator.
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        switch self {
        case .map(let inputNode, let slot, let body):
            let input = try inputNode.evaluate(&context)
            if input.isNullish { return .null }
            guard case .array(let items)? = input else {
                throw DocketError(
                    .location(16883), "input to $map must be an array not \(input.typeName)", operatorName: "$map")
            }
            var result: [BSONValue] = []
            result.reserveCapacity(items.count)
            for item in items {
                context.set(slot, item)
                result.append(try body.evaluate(&context) ?? .null)
            }
            return .array(result)
        case .filter(let inputNode, let slot, let condition, let limitNode):
            let input = try inputNode.evaluate(&context)
            var limit = Int.max
            if let limitNode {
                let value = try limitNode.evaluate(&context)
                if !value.isNullish {
                    guard let v = value, v.isNumber, let n = v.int64Value, let narrow = Int32(exactly: n) else {
                        throw DocketError(
                            .location(327_391),
                            "$filter: limit must be represented as a 32-bit integral value: \(value.map { BSONPrinter.updateMessage.string($0) } ?? "missing")",
                            operatorName: "$filter")
                    }
                    guard narrow >= 1 else {
                        throw DocketError(
                            .location(327_392), "$filter: limit must be greater than 0: \(narrow)",
                            operatorName: "$filter")
                    }
                    limit = Int(narrow)
                }
            }
            if input.isNullish { return .null }
            guard case .array(let items)? = input else {
                throw DocketError(
                    .location(28651), "input to $filter must be an array not \(input.typeName)",
                    operatorName: "$filter")
            }
            var result: [BSONValue] = []
            for item in items where result.count < limit {
                context.set(slot, item)
                if try condition.evaluate(&context).isTruthy { result.append(item) }
            }
            return .array(result)
        case .reduce(let inputNode, let initialNode, let valueSlot, let thisSlot, let body):
            let input = try inputNode.evaluate(&context)
            if input.isNullish { return .null }
            guard case .array(let items)? = input else {
                throw DocketError(
                    .location(40080),
                    "$reduce requires that 'input' be an array, found: \(BSONPrinter.updateMessage.string(input!))",
                    operatorName: "$reduce")
            }
            var accumulated = try initialNode.evaluate(&context)
            for item in items {
                context.set(valueSlot, accumulated)
                context.set(thisSlot, item)
                accumulated = try body.evaluate(&context)
            }
            return accumulated
        case .zip(let inputNodes, let useLongest, let defaultNodes):
            var arrays: [[BSONValue]] = []
            for node in inputNodes {
                let value = try node.evaluate(&context)
                if value.isNullish { return .null }
                guard case .array(let items)? = value else {
                    throw DocketError(
                        .location(34468),
                        "$zip found a non-array expression in input: \(value.map { BSONPrinter.updateMessage.string($0) } ?? "missing")",
                        operatorName: "$zip")
                }
                arrays.append(items)
            }
            var defaults = [BSONValue](repeating: .null, count: arrays.count)
            if let defaultNodes {
                for (i, node) in defaultNodes.enumerated() { defaults[i] = try node.evaluate(&context) ?? .null }
            }
            let lengths = arrays.map(\.count)
            let length = (useLongest ? lengths.max() : lengths.min()) ?? 0
            var result: [BSONValue] = []
            result.reserveCapacity(length)
            for row in 0..<length {
                result.append(.array(arrays.indices.map { row < arrays[$0].count ? arrays[$0][row] : defaults[$0] }))
            }
            return .array(result)
        case .sortArray(let inputNode, let order):
            let input = try inputNode.evaluate(&context)
            if input.isNullish { return .null }
            guard case .array(let items)? = input else {
                throw DocketError(
                    .location(2_942_504),
                    "The input argument to $sortArray must be an array, but was of type: \(input.typeName)",
                    operatorName: "$sortArray")
            }
            switch order {
            case .values(let ascending):
                let sorted = items.enumerated().sorted { a, b in
                    let c = BSONValue.compare(a.element, b.element)
                    return c != 0 ? (ascending ? c < 0 : c > 0) : a.offset < b.offset
                }
                return .array(sorted.map(\.element))
            case .fields(let spec):
                let keyed = items.enumerated().map { item in
                    (
                        key: spec.sortKey(for: item.element.documentValue ?? [:]), offset: item.offset,
                        value: item.element
                    )
                }
                let sorted = keyed.sorted { a, b in
                    let c = SortSpec.compareKeys(a.key, b.key, spec: spec)
                    return c != 0 ? c < 0 : a.offset < b.offset
                }
                return .array(sorted.map(\.value))
            }
        case .quantile(let inputNode, let ps, let method, let median):
            return Self.quantiles(try inputNode.evaluate(&context), ps, method, median: median)
        case .pickN(let pick, let nNode, let inputNode):
            let n = try Self.validateN(try nNode.evaluate(&context) ?? .null, pick.name)
            let input = try inputNode.evaluate(&context)
            guard case .array(let items)? = input else {
                throw DocketError(
                    .location(5_788_200), "Input must be an array", operatorName: pick.name)
            }
            let count = Int(Swift.min(n, Int64(items.count)))
            switch pick {
            case .first: return .array(Array(items.prefix(count)))
            case .last: return .array(Array(items.suffix(count)))
            case .max, .min:
                let present = items.filter { !Optional($0).isNullish }
                let sorted = present.enumerated().sorted { a, b in
                    let c = BSONValue.compare(a.element, b.element)
                    return c != 0 ? (pick == .max ? c > 0 : c < 0) : a.offset < b.offset
                }
                return .array(sorted.prefix(count).map(\.element))
            }
        }
    }
}
