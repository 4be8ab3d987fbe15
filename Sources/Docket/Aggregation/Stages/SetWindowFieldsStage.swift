import DocketBSON

// `$setWindowFields` (MongoDB's document_source_set_window_fields.cpp, window_function_expression.h, window_bounds.cpp):
// the input is sorted by (partitionBy, sortBy), each partition is read whole, every output field's window function is
// computed for each of its documents (`WindowFunctions.swift`), and the partition is streamed out.

/// A parsed `$setWindowFields`.
struct SetWindowFieldsSpec: Sendable {
    /// `partitionBy`, or `nil` for one partition.
    let partitionBy: Expression?
    /// `sortBy`, or `nil` to keep the input order within a partition.
    let sortBy: SortSpec?
    /// The output fields, in specification order.
    let outputs: [WindowOutput]
    /// The specification as written (explain shows it).
    var source: BSONValue = .null

    /// Whether the stage sorts its input (MongoDB desugars such a stage into a `$sort` first).
    var sortsInput: Bool { partitionBy != nil || sortBy != nil }

    /// The top-level fields `sortBy` and the `$top`/`$bottom` functions' own `sortBy` read (the expressions' fields
    /// are in the pipeline's scope).
    var sortFields: Set<String> {
        var accumulators: [AccumulatorSpec] = []
        for output in outputs {
            if case .accumulator(let spec, _) = output.function { accumulators.append(spec) }
        }
        return Set(sortBy?.keys.compactMap { $0.path.first?.name } ?? []).union(
            AccumulatorSpec.sortFields(accumulators))
    }
}

/// One output field of `$setWindowFields`: where it goes and the window function that computes it.
struct WindowOutput: Sendable {
    /// The field path the value is written to.
    let path: [String]
    let function: WindowFunction
}

/// A window: which documents of the partition, relative to the current one, a function reads.
enum WindowFrame: Sendable {
    /// `documents: [lower, upper]`: offsets from the current document (`nil` for unbounded, `0` for current).
    case documents(lower: Int?, upper: Int?)
    /// `range: [lower, upper]` over the single `sortBy` field, with an optional date unit.
    case range(lower: RangeBound, upper: RangeBound, unit: TimeUnit?)

    /// The whole partition (the default of most functions).
    static let whole = WindowFrame.documents(lower: nil, upper: nil)

    /// One end of a range window.
    enum RangeBound: Sendable {
        case unbounded
        /// The current document itself (not the documents with its sort value).
        case current
        /// The current sort value plus this number (or this many units).
        case offset(BSONValue)
    }
}

/// A window function, compiled.
enum WindowFunction: Sendable {
    /// A `$group` accumulator over a window.
    case accumulator(AccumulatorSpec, WindowFrame)
    /// `$rank` (`dense: false`) and `$denseRank`, over the single `sortBy` field's sort keys (null and missing tie,
    /// an array ranks by its sort key).
    case rank(dense: Bool, sortBy: SortSpec)
    /// `$documentNumber`.
    case documentNumber
    /// `$shift`: `output` of the document `by` positions away, else `default`.
    case shift(output: Expression, by: Int, default: BSONValue)
    /// `$expMovingAvg` with its weight `alpha` (`2 / (N + 1)` for `N`).
    case expMovingAvg(input: Expression, alpha: Decimal128)
    /// `$derivative` over the single `sortBy` field (milliseconds per `unit` for dates).
    case derivative(input: Expression, sortPath: [FieldPath.Component], unitMilliseconds: Int64?, WindowFrame)
    /// `$integral` over the single `sortBy` field.
    case integral(input: Expression, sortPath: [FieldPath.Component], unitMilliseconds: Int64?, WindowFrame)
    /// `$covariancePop` and `$covarianceSamp` of `[x, y]`.
    case covariance(Expression, sample: Bool, WindowFrame)
    /// `$locf`: the last non-null value so far.
    case locf(Expression)
    /// `$linearFill`: nulls interpolated along the single `sortBy` field.
    case linearFill(Expression, sortPath: [FieldPath.Component])
}

/// The window function names (STYLE.md §2: the one table of `$setWindowFields`' operators).
enum WindowFunctionName: String, Sendable, CaseIterable {
    case rank = "$rank"
    case denseRank = "$denseRank"
    case documentNumber = "$documentNumber"
    case shift = "$shift"
    case expMovingAvg = "$expMovingAvg"
    case derivative = "$derivative"
    case integral = "$integral"
    case covariancePop = "$covariancePop"
    case covarianceSamp = "$covarianceSamp"
    case locf = "$locf"
    case linearFill = "$linearFill"
}

extension Stage {
    /// `$setWindowFields: {partitionBy: expression, sortBy: {…}, output: {field: {$function: …, window: {…}}}}`.
    /// - Throws: `FailedToParse` (9) for a non-document stage, an unknown or misused window function, malformed
    ///   window bounds; `TypeMismatch` (14) for a non-document `sortBy` or `output`; `Location40415` for an unknown
    ///   field; `Location5339900` for a lower bound above the upper one; `Location5339901`/`5339902`/`8947401` for
    ///   windows `sortBy` does not support; `Location5371601`–`5371603` for misused rank functions; the
    ///   expressions' and accumulators' parse errors.
    static func parseSetWindowFields(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        var spec = try SetWindowFieldsSpec(parsing: value, scope: scope)
        spec.source = value
        return .setWindowFields(spec)
    }
}

extension SetWindowFieldsSpec {
    private static let stage = "$setWindowFields"

    init(parsing value: BSONValue, scope: ExpressionScope) throws(DocketError) {
        guard case .document(let spec) = value else {
            throw DocketError(
                .failedToParse,
                "The $setWindowFields stage specification must be an object, found \(value.type.alias)",
                stage: Self.stage)
        }
        var partitionBy: Expression?
        var sortBy: SortSpec?
        var output: BSONDocument?
        for (key, field) in spec {
            switch key {
            case "partitionBy":
                partitionBy = try Expression(parsing: field, scope: scope)
            case "sortBy":
                guard case .document(let keys) = field else { throw Self.wrongType("sortBy", field) }
                sortBy = try SortSpec(keys)
            case "output":
                guard case .document(let fields) = field else { throw Self.wrongType("output", field) }
                output = fields
            default:
                throw DocketError(
                    .location(40415), "BSON field '$setWindowFields.\(key)' is an unknown field.", stage: Self.stage)
            }
        }
        guard let output else {
            throw DocketError(
                .location(40414), "BSON field '$setWindowFields.output' is missing but a required field",
                stage: Self.stage)
        }
        var outputs: [WindowOutput] = []
        for (name, field) in output {
            let path = try ProjectionParser.fieldPath(name)
            guard case .document(let functionSpec) = field else {
                throw DocketError(
                    .failedToParse, "The field '\(name)' must be an object", fieldPath: name, stage: Self.stage)
            }
            let function = try WindowFunction(parsing: functionSpec, sortBy: sortBy, scope: scope)
            outputs.append(WindowOutput(path: path, function: function))
        }
        self.init(partitionBy: partitionBy, sortBy: sortBy, outputs: outputs)
    }

    private static func wrongType(_ name: String, _ value: BSONValue) -> DocketError {
        DocketError(
            .typeMismatch,
            "BSON field '$setWindowFields.\(name)' is the wrong type '\(value.type.alias)', expected type 'object'",
            stage: stage)
    }
}

extension WindowFunction {
    private static func parseError(_ message: String, _ name: String? = nil) -> DocketError {
        DocketError(.failedToParse, message, operatorName: name, stage: "$setWindowFields")
    }

    /// Parses `{$function: arguments, window: {…}}`.
    /// `n` of `$topN`, `$bottomN`, `$firstN`, `$lastN`, `$maxN`, `$minN` over a window: a numeric constant
    /// (5788501), then a positive integer (5787902, 5787908), checked when the pipeline is parsed — not when the
    /// first window runs, so an empty input fails too.
    private static func checkN(_ n: Expression, _ kind: AccumulatorKind, source: BSONValue) throws(DocketError) {
        guard let value = n.constant, value.isNumber else {
            var written = ""
            if case .document(let fields) = source, let nSource = fields["n"] {
                written = BSONPrinter.updateMessage.string(nSource) + " "
            }
            throw DocketError(
                .location(5_788_501),
                "Expression for 'n' \(written)must evaluate to a numeric constant when used in $setWindowFields",
                operatorName: kind.rawValue)
        }
        _ = try AccumulatorState.validateN(value, kind)
    }

    init(parsing spec: BSONDocument, sortBy: SortSpec?, scope: ExpressionScope) throws(DocketError) {
        var name: String?
        var argument: BSONValue = .null
        var window: BSONValue?
        for (key, value) in spec {
            if key == "window" {
                guard window == nil else {
                    throw Self.parseError("saw multiple 'window' fields in '\(name ?? "window function")' expression")
                }
                window = value
            } else if key.hasPrefix("$") {
                guard WindowFunctionName(rawValue: key) != nil || AccumulatorKind(rawValue: key) != nil else {
                    throw Self.parseError("Unrecognized window function, \(key)", key)
                }
                guard name == nil else { throw Self.parseError("Cannot specify two functions in window function spec") }
                name = key
                argument = value
            } else if name == nil && !spec.keys.contains(where: { $0.hasPrefix("$") }) {
                throw Self.parseError("Expected a $-prefixed window function, \(spec.first?.key ?? "")")
            } else {
                throw Self.parseError("Window function found an unknown argument: \(key)", name)
            }
        }
        guard let name else {
            throw Self.parseError(
                "Expected a $-prefixed window function" + (spec.first.map { ", " + $0.key } ?? ""))
        }
        guard let special = WindowFunctionName(rawValue: name) else {
            let frame = try window.map { w throws(DocketError) in try WindowFrame(parsing: w, sortBy: sortBy) }
            let accumulator: AccumulatorSpec
            do {
                accumulator = try AccumulatorSpec(field: name, [name: argument], scope: scope)
                if let n = accumulator.n { try Self.checkN(n, accumulator.kind, source: argument) }
            } catch {
                // The accumulator's own errors, reported for this stage rather than `$group`.
                var reported = error
                if reported.stage == "$group" { reported.stage = "$setWindowFields" }
                throw reported
            }
            self = .accumulator(accumulator, frame ?? .whole)
            return
        }
        switch special {
        case .rank, .denseRank, .documentNumber:
            guard spec.count == 1 else {
                throw DocketError(
                    .location(5_371_601), "Rank style window functions take no other arguments", operatorName: name)
            }
            guard case .document(let empty) = argument, empty.isEmpty else {
                throw DocketError(
                    .location(5_371_603), "\(name) must be specified with '{}' as the value", operatorName: name)
            }
            guard let sortBy, sortBy.count == 1 else {
                throw DocketError(
                    .location(5_371_602),
                    "\(name) must be specified with a top level sortBy expression with exactly one element",
                    operatorName: name)
            }
            switch special {
            case .rank: self = .rank(dense: false, sortBy: sortBy)
            case .denseRank: self = .rank(dense: true, sortBy: sortBy)
            default: self = .documentNumber
            }
        case .shift:
            self = try Self.parseShift(argument, window: window, sortBy: sortBy, scope: scope)
        case .expMovingAvg:
            self = try Self.parseExpMovingAvg(spec, argument, sortBy: sortBy, scope: scope)
        case .derivative, .integral:
            let sortPath = try Self.singleSortPath(sortBy, name)
            let (input, unit) = try Self.inputAndUnit(name, argument, scope: scope)
            let frame = try window.map { w throws(DocketError) in try WindowFrame(parsing: w, sortBy: sortBy) }
            if special == .derivative {
                guard let frame else { throw Self.parseError("$derivative requires explicit window bounds", name) }
                self = .derivative(input: input, sortPath: sortPath, unitMilliseconds: unit, frame)
            } else {
                self = .integral(input: input, sortPath: sortPath, unitMilliseconds: unit, frame ?? .whole)
            }
        case .covariancePop, .covarianceSamp:
            let frame = try window.map { w throws(DocketError) in try WindowFrame(parsing: w, sortBy: sortBy) }
            self = .covariance(
                try Expression(parsing: argument, scope: scope), sample: special == .covarianceSamp, frame ?? .whole)
        case .locf, .linearFill:
            guard window == nil else { throw Self.parseError("'window' field is not allowed in \(name)", name) }
            let input = try Expression(parsing: argument, scope: scope)
            if special == .locf {
                self = .locf(input)
            } else {
                self = .linearFill(input, sortPath: try Self.singleSortPath(sortBy, name))
            }
        }
    }

    /// The path of the one ascending-or-descending `sortBy` field a function reads.
    private static func singleSortPath(_ sortBy: SortSpec?, _ name: String) throws(DocketError)
        -> [FieldPath.Component]
    {
        guard let sortBy else { throw parseError("\(name) requires a sortBy", name) }
        guard sortBy.count == 1 else { throw parseError("\(name) requires a non-compound sortBy", name) }
        return sortBy.keys[0].path
    }

    /// `{$shift: {output, by, default}}`.
    private static func parseShift(
        _ argument: BSONValue, window: BSONValue?, sortBy: SortSpec?, scope: ExpressionScope
    ) throws(DocketError) -> WindowFunction {
        let name = "$shift"
        guard window == nil else { throw parseError("$shift does not accept a 'window' field", name) }
        guard case .document(let fields) = argument else {
            throw parseError("Argument to $shift must be an object", name)
        }
        var output: Expression?
        var by: Int?
        var fallback: BSONValue = .null
        for (key, value) in fields {
            switch key {
            case "output":
                output = try Expression(parsing: value, scope: scope)
            case "by":
                guard value.isNumber, let integral = AccumulatorState.exactInteger(value),
                    let offset = Int(exactly: integral), Int32(exactly: offset) != nil
                else {
                    throw parseError(
                        "'$shift:by' field must be an integer, but found  by: "
                            + BSONPrinter.projectionMessage.string(value), name)
                }
                by = offset
            case "default":
                guard let constant = try Expression(parsing: value, scope: scope).constant else {
                    throw parseError("'$shift:default' expression must yield a constant value.", name)
                }
                fallback = constant
            default:
                throw parseError("Unknown argument in $shift", name)
            }
        }
        guard let output else { throw parseError("$shift requires an 'output' expression.", name) }
        guard let by else { throw parseError("$shift requires 'by' as an integer value.", name) }
        guard sortBy != nil else { throw parseError("'$shift' requires a sortBy", name) }
        return .shift(output: output, by: by, default: fallback)
    }

    /// `{$expMovingAvg: {input, N | alpha}}`.
    private static func parseExpMovingAvg(
        _ spec: BSONDocument, _ argument: BSONValue, sortBy: SortSpec?, scope: ExpressionScope
    ) throws(DocketError) -> WindowFunction {
        let name = "$expMovingAvg"
        guard spec.count == 1, case .document(let fields) = argument else {
            throw parseError("$expMovingAvg must have exactly one argument that is an object", name)
        }
        guard fields.count == 2, let input = fields["input"] else {
            throw parseError(
                "$expMovingAvg sub object must have exactly two fields: An 'input' field, and either an 'N' field "
                    + "or an 'alpha' field", name)
        }
        guard sortBy != nil else { throw parseError("$expMovingAvg requires an explicit 'sortBy'", name) }
        let compiled = try Expression(parsing: input, scope: scope)
        if let n = fields["N"] {
            guard n.isNumber else {
                throw parseError("'N' field must be an integer, but found type \(n.type.alias)", name)
            }
            guard let integral = AccumulatorState.exactInteger(n) else {
                throw parseError(
                    "'N' field must be an integer, but found  \(BSONPrinter.projectionMessage.string(n)). To use a "
                        + "non-integer, use the 'alpha' argument instead", name)
            }
            guard integral > 0 else { throw parseError("'N' must be greater than zero. Got \(integral)", name) }
            return .expMovingAvg(input: compiled, alpha: Decimal128(2).divided(by: Decimal128(integral + 1)))
        }
        guard let alpha = fields["alpha"] else {
            throw parseError(
                "Got unrecognized field in $expMovingAvg$expMovingAvg sub object must have exactly two fields: An "
                    + "'input' field, and either an 'N' field or an 'alpha' field", name)
        }
        guard alpha.isNumber else { throw parseError("'alpha' must be a number", name) }
        guard BSONValue.compare(alpha, .int32(0)) > 0, BSONValue.compare(alpha, .int32(1)) < 0 else {
            throw parseError(
                "'alpha' must be between 0 and 1 (exclusive), found alpha: "
                    + BSONPrinter.projectionMessage.string(alpha), name)
        }
        return .expMovingAvg(input: compiled, alpha: NumericArithmetic.decimal(alpha))
    }

    /// `{input, unit}` of `$derivative` and `$integral` (`unit` as milliseconds).
    private static func inputAndUnit(_ name: String, _ argument: BSONValue, scope: ExpressionScope)
        throws(DocketError) -> (Expression, Int64?)
    {
        guard case .document(let fields) = argument else {
            throw parseError(
                "\(name) expects an object, but got a \(argument.type.alias): "
                    + BSONPrinter.projectionMessage.string(argument), name)
        }
        var input: Expression?
        var unit: Int64?
        for (key, value) in fields {
            switch key {
            case "input": input = try Expression(parsing: value, scope: scope)
            case "unit":
                guard case .string(let text) = value else {
                    throw parseError("unit' must be a string, but got \(value.type.alias)", name)
                }
                guard let parsed = TimeUnit(rawValue: text) else {
                    throw DocketError(.failedToParse, "unknown time unit value: \(text)", operatorName: name)
                }
                guard let milliseconds = parsed.milliseconds else {
                    throw DocketError(.location(5_490_710), "unit must be 'week' or smaller", operatorName: name)
                }
                unit = milliseconds
            default:
                throw parseError("\(name) got unexpected argument: \(key)", name)
            }
        }
        guard let input else { throw parseError("\(name) requires an 'input' expression", name) }
        return (input, unit)
    }
}

extension AccumulatorState {
    /// A number's value when it is integral (`2.0` is `2`), else `nil`.
    static func exactInteger(_ value: BSONValue) -> Int64? {
        switch value {
        case .int32(let i): return Int64(i)
        case .int64(let i): return i
        case .double(let d) where d == d.rounded(.towardZero) && abs(d) < 9.2e18: return Int64(d)
        case .decimal128(let d): return d.exactInt64
        default: return nil
        }
    }
}

extension WindowFrame {
    private static func parseError(_ message: String) -> DocketError {
        DocketError(.failedToParse, message, stage: "$setWindowFields")
    }

    /// Parses `window: {documents: [lower, upper]}` or `{range: [lower, upper], unit: …}`.
    init(parsing value: BSONValue, sortBy: SortSpec?) throws(DocketError) {
        guard case .document(let spec) = value else { throw Self.parseError("'window' field must be an object") }
        let documents = spec["documents"]
        let range = spec["range"]
        let unit = spec["unit"]
        guard documents == nil || range == nil else {
            throw Self.parseError("Window bounds can specify either 'documents' or 'unit', not both.")
        }
        if range == nil && unit != nil {
            throw Self.parseError("Window bounds can only specify 'unit' with range-based bounds.")
        }
        if let documents {
            guard spec.count == 1 else {
                throw Self.parseError("'window' field that specifies documents cannot have other fields")
            }
            let (lowerValue, upperValue) = try Self.pair(documents)
            let lower = try Self.documentBound(lowerValue)
            let upper = try Self.documentBound(upperValue)
            if let l = lower, let u = upper, l > u {
                throw DocketError(.location(5_339_900), "Lower bound must not exceed upper bound: [\(l), \(u)]")
            }
            guard (lower == nil && upper == nil) || sortBy != nil else {
                throw DocketError(.location(5_339_901), "Document-based bounds require a sortBy")
            }
            self = .documents(lower: lower, upper: upper)
            return
        }
        guard let range else {
            guard spec.isEmpty else {
                throw Self.parseError(
                    "'window' field can only contain 'documents' as the only argument or 'range' with an optional "
                        + "'unit' field")
            }
            self = .whole
            return
        }
        var timeUnit: TimeUnit?
        if let unit {
            guard spec.count == 2 else {
                throw Self.parseError("'window' field that specifies unit cannot have other fields besides 'range'")
            }
            guard case .string(let text) = unit else { throw Self.parseError("'unit' must be a string") }
            guard let parsed = TimeUnit(rawValue: text) else {
                throw Self.parseError("unknown time unit value: \(text)")
            }
            timeUnit = parsed
        } else if spec.count != 1 {
            throw Self.parseError("'window' field that specifies range cannot have other fields besides 'unit'")
        }
        let (lowerValue, upperValue) = try Self.pair(range)
        let lower = try Self.rangeBound(lowerValue, integral: timeUnit != nil)
        let upper = try Self.rangeBound(upperValue, integral: timeUnit != nil)
        if let l = lower.numericValue, let u = upper.numericValue, BSONValue.compare(l, u) > 0 {
            throw DocketError(
                .location(5_339_900),
                "Lower bound must not exceed upper bound: [\(BSONPrinter.projectionMessage.string(lowerValue)), "
                    + "\(BSONPrinter.projectionMessage.string(upperValue))]")
        }
        guard let sortBy, sortBy.count == 1 else {
            throw DocketError(.location(5_339_902), "Range-based bounds require sortBy a single field")
        }
        guard sortBy.keys[0].ascending else {
            throw DocketError(.location(8_947_401), "Range-based bounds require an ascending sortBy")
        }
        self = .range(lower: lower, upper: upper, unit: timeUnit)
    }

    private static func pair(_ value: BSONValue) throws(DocketError) -> (BSONValue, BSONValue) {
        guard case .array(let elements) = value, elements.count == 2 else {
            throw parseError(
                "Window bounds must be a 2-element array: " + BSONPrinter.projectionMessage.string(value))
        }
        return (elements[0], elements[1])
    }

    /// A documents bound: `nil` for "unbounded", `0` for "current", else the integer.
    private static func documentBound(_ value: BSONValue) throws(DocketError) -> Int? {
        if case .string(let text) = value {
            switch text {
            case "unbounded": return nil
            case "current": return 0
            default: throw parseError("Window bounds must be 'unbounded', 'current', or a number.")
            }
        }
        guard value.isNumber else { throw parseError("Numeric document-based bounds must be an integer") }
        guard let integral = AccumulatorState.exactInteger(value), let offset = Int32(exactly: integral) else {
            throw parseError("Numeric document-based bounds must be an integer")
        }
        return Int(offset)
    }

    private static func rangeBound(_ value: BSONValue, integral: Bool) throws(DocketError) -> RangeBound {
        if case .string(let text) = value {
            switch text {
            case "unbounded": return .unbounded
            case "current": return .current
            default: throw parseError("Window bounds must be 'unbounded', 'current', or a number.")
            }
        }
        if integral {
            guard value.isNumber, AccumulatorState.exactInteger(value) != nil else {
                throw parseError("With 'unit', range-based bounds must be an integer")
            }
        } else {
            guard value.isNumber else { throw parseError("Range-based bounds expression must be a number") }
        }
        return .offset(value)
    }
}

extension WindowFrame.RangeBound {
    /// The bound as a number for the lower-not-above-upper check ("current" is 0).
    var numericValue: BSONValue? {
        switch self {
        case .unbounded: nil
        case .current: .int32(0)
        case .offset(let value): value
        }
    }
}
