import DocketBSON

// `$densify` (MongoDB's document_source_densify.cpp): documents sorted by (partitionByFields, field), then, in each
// partition, a document `{partition fields…, field: value}` added for every step of the range that no document has.
// The steps start at the range's lower bound (the smallest value for "full" and "partition"); a document between steps
// does not move them. Documents whose field is null or missing pass through unchanged (they sort first).

/// A parsed `$densify`.
struct DensifySpec: Sendable {
    /// `field`'s path.
    let field: [String]
    /// `partitionByFields`' paths.
    let partitionFields: [[String]]
    /// `range.step`: a positive number (an integer with `unit`).
    let step: BSONValue
    /// `range.unit`, for date fields.
    let unit: TimeUnit?
    let bounds: Bounds
    /// The order the stage sorts its input in.
    let sort: SortSpec
    /// The specification as written (explain shows it).
    var source: BSONValue = .null

    enum Bounds: Sendable {
        /// From the smallest to the largest value of all partitions, in each.
        case full
        /// From the smallest to the largest value of each partition.
        case partition
        /// `[lower, upper)`: the upper bound is excluded.
        case explicit(BSONValue, BSONValue)
    }

    /// The top-level fields the stage reads.
    var readFields: Set<String> {
        Set(([field] + partitionFields).compactMap(\.first))
    }
}

extension Stage {
    /// `$densify: {field, partitionByFields, range: {step, unit, bounds}}`.
    /// - Throws: `FailedToParse` (9) for a non-document stage; `TypeMismatch` (14), `Location40414` and
    ///   `Location40415` for wrongly typed, missing and unknown fields; `Location5733401` for a step that is not a
    ///   positive number; `Location6586400` for a fractional step with a unit; `Location5733402`–`5733410`,
    ///   `5876900`, `5946800`, `5946802` for invalid bounds; `Location5733408` for "partition" bounds without
    ///   partition fields; `Location8993000`/`9554500` for overlapping field and partition fields; field path errors.
    static func parseDensify(_ value: BSONValue) throws(DocketError) -> Stage {
        var spec = try DensifySpec(parsing: value)
        spec.source = value
        return .densify(spec)
    }
}

extension DensifySpec {
    private static let stage = "$densify"

    private static func wrongType(_ key: String, _ value: BSONValue, _ expected: String) -> DocketError {
        DocketError(
            .typeMismatch,
            "BSON field '\(key)' is the wrong type '\(value.type.alias)', expected type '\(expected)'", stage: stage)
    }

    private static func missing(_ key: String) -> DocketError {
        DocketError(.location(40414), "BSON field '\(key)' is missing but a required field", stage: stage)
    }

    init(parsing value: BSONValue) throws(DocketError) {
        guard case .document(let spec) = value else {
            throw DocketError(
                .failedToParse, "The $densify stage specification must be an object, found \(value.type.alias)",
                stage: Self.stage)
        }
        var fieldName: String?
        var partitionNames: [String] = []
        var range: BSONDocument?
        for (key, field) in spec {
            switch key {
            case "field":
                guard case .string(let name) = field else { throw Self.wrongType("$densify.field", field, "string") }
                fieldName = name
            case "partitionByFields":
                guard case .array(let names) = field else {
                    throw Self.wrongType("$densify.partitionByFields", field, "array")
                }
                for name in names {
                    guard case .string(let text) = name else {
                        throw Self.wrongType("$densify.partitionByFields", name, "string")
                    }
                    partitionNames.append(text)
                }
            case "range":
                guard case .document(let fields) = field else {
                    throw Self.wrongType("$densify.range", field, "object")
                }
                range = fields
            default:
                throw DocketError(
                    .location(40415), "BSON field '$densify.\(key)' is an unknown field.", stage: Self.stage)
            }
        }
        guard let fieldName else { throw Self.missing("$densify.field") }
        guard let range else { throw Self.missing("$densify.range") }
        var step: BSONValue?
        var unit: TimeUnit?
        var boundsValue: BSONValue?
        for (key, field) in range {
            switch key {
            case "step": step = field
            case "unit":
                guard case .string(let text) = field else {
                    throw Self.wrongType("$densify.range.unit", field, "string")
                }
                guard let parsed = TimeUnit(rawValue: text) else {
                    throw DocketError(.failedToParse, "unknown time unit value: \(text)", stage: Self.stage)
                }
                unit = parsed
            case "bounds": boundsValue = field
            default:
                throw DocketError(
                    .location(40415), "BSON field '$densify.range.\(key)' is an unknown field.", stage: Self.stage)
            }
        }
        guard let step else { throw Self.missing("$densify.range.step") }
        guard let boundsValue else { throw Self.missing("$densify.range.bounds") }
        guard step.isNumber else {
            throw DocketError(
                .typeMismatch,
                "BSON field '$densify.range.step' is the wrong type '\(step.type.alias)', expected types '[int, "
                    + "decimal, double, long]'", stage: Self.stage)
        }
        guard BSONValue.compare(step, .int32(0)) > 0 else {
            throw DocketError(
                .location(5_733_401),
                "The step parameter in a range statement must be a strictly positive numeric value", stage: Self.stage)
        }
        if unit != nil && AccumulatorState.exactInteger(step) == nil {
            throw DocketError(
                .location(6_586_400),
                "The step parameter in a range statement must be a whole number when densifying a date range",
                stage: Self.stage)
        }
        let bounds = try Self.parseBounds(boundsValue, step: step, unit: unit)
        let field = try ProjectionParser.fieldPath(fieldName)
        var partitionFields: [[String]] = []
        for name in partitionNames {
            guard !name.hasPrefix(fieldName) else {
                throw DocketError(
                    .location(8_993_000),
                    "partitionByFields '\(name)' cannot include field '\(fieldName)' that is being densified.",
                    stage: Self.stage)
            }
            guard !fieldName.hasPrefix(name) else {
                throw DocketError(
                    .location(9_554_500),
                    "field '\(fieldName)' that is being densified cannot include partitionByFields '\(name)'.",
                    stage: Self.stage)
            }
            partitionFields.append(try ProjectionParser.fieldPath(name))
        }
        if case .partition = bounds, partitionFields.isEmpty {
            throw DocketError(
                .location(5_733_408),
                "One cannot specify the bounds as 'partition' without specifying a non-empty array of "
                    + "partitionByFields. You may have meant to specify 'full' bounds.", stage: Self.stage)
        }
        var sortKeys: BSONDocument = [:]
        for name in partitionNames { sortKeys[name] = 1 }
        sortKeys[fieldName] = 1
        self.init(
            field: field, partitionFields: partitionFields, step: step, unit: unit, bounds: bounds,
            sort: try SortSpec(sortKeys))
    }

    private static func parseBounds(_ value: BSONValue, step: BSONValue, unit: TimeUnit?) throws(DocketError)
        -> Bounds
    {
        switch value {
        case .string("full"): return .full
        case .string("partition"): return .partition
        case .string:
            throw DocketError(
                .location(5_946_802), "Bounds string must either be 'full' or 'partition'", stage: stage)
        case .array(let pair):
            guard pair.count == 2 else {
                throw DocketError(
                    .location(5_733_403), "A bounding array in a range statement must have exactly two elements",
                    stage: stage)
            }
            guard BSONValue.compare(pair[0], pair[1]) <= 0 else {
                throw DocketError(
                    .location(5_733_402),
                    "A bounding array must be an ascending array of either two dates or two numbers", stage: stage)
            }
            if pair[0].isNumber {
                guard unit == nil else {
                    throw DocketError(.location(5_733_409), "Numeric bounds may not have unit parameter", stage: stage)
                }
                guard pair[1].isNumber else {
                    throw DocketError(
                        .location(5_733_406), "A bounding array must contain either both dates or both numeric types",
                        stage: stage)
                }
                guard pair[0].type == pair[1].type, pair[0].type == step.type else {
                    throw DocketError(
                        .location(5_876_900), "Upper bound, lower bound, and step must all have the same type",
                        stage: stage)
                }
                return .explicit(pair[0], pair[1])
            }
            if case .datetime = pair[0] {
                guard case .datetime = pair[1] else {
                    throw DocketError(
                        .location(5_733_405), "A bounding array must contain either both dates or both numeric types",
                        stage: stage)
                }
                guard unit != nil else {
                    throw DocketError(
                        .location(5_733_410), "A bounding array of dates must specify a unit", stage: stage)
                }
                return .explicit(pair[0], pair[1])
            }
            throw DocketError(.location(5_946_800), "Explicit bounds must be numeric or dates", stage: stage)
        default:
            throw DocketError(
                .location(5_733_404),
                "The bounds in a range statement must be the string 'full', 'partition', or an ascending array of "
                    + "two numbers or two dates", stage: stage)
        }
    }
}

/// `$densify` after its `$sort`: yields each partition with the missing steps added.
final class DensifyRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: DensifySpec
    private let context: PipelineRunContext
    private var output = BufferedOutput()

    init(_ upstream: any StageRunner, _ spec: DensifySpec, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        try output.next { () throws(DocketError) in try densify() }
    }

    /// The value of a path (as `$densify` reads it: through documents only).
    private static func value(at path: [String], in document: BSONDocument) -> BSONValue? {
        var current: BSONValue = .document(document)
        for name in path {
            guard case .document(let level) = current, let next = level[name] else { return nil }
            current = next
        }
        return current
    }

    private func densify() throws(DocketError) -> [PipelineDocument] {
        // The input arrives sorted: MongoDB's `$densify` is a `$sort` (run before this runner) and the densifying.
        var sorted: [BSONDocument] = []
        while let document = try upstream.next() { sorted.append(try document.decoded()) }
        // The partitions, in sort order, with their densified values checked.
        var partitions: [(values: [BSONValue?], documents: [(BSONDocument, BSONValue?)])] = []
        var globalMin: BSONValue?
        var globalMax: BSONValue?
        for document in sorted {
            let values = spec.partitionFields.map { Self.value(at: $0, in: document) }
            var fieldValue = Self.value(at: spec.field, in: document)
            if fieldValue.isNullish {
                fieldValue = nil
            } else if let value = fieldValue {
                try checkType(value)
                if globalMin == nil || BSONValue.compare(value, globalMin!) < 0 { globalMin = value }
                if globalMax == nil || BSONValue.compare(value, globalMax!) > 0 { globalMax = value }
            }
            let samePartition =
                partitions.last.map { last in
                    zip(last.values, values).allSatisfy { BSONValue.compare($0 ?? .null, $1 ?? .null) == 0 }
                } ?? false
            if samePartition {
                partitions[partitions.count - 1].documents.append((document, fieldValue))
            } else {
                partitions.append((values, [(document, fieldValue)]))
            }
        }
        var results: [PipelineDocument] = []
        var generated = 0
        for partition in partitions {
            var start: BSONValue?
            var end: BSONValue?
            var includesEnd = true
            switch spec.bounds {
            case .full:
                start = globalMin
                end = globalMax
            case .partition:
                start = partition.documents.lazy.compactMap(\.1).first
                end = partition.documents.lazy.compactMap(\.1).last
            case .explicit(let lower, let upper):
                start = lower
                end = upper
                includesEnd = false
            }
            guard var next = start, let end, partition.documents.contains(where: { $0.1 != nil }) else {
                results += partition.documents.map { .value($0.0) }
                continue
            }
            func emitUpTo(_ value: BSONValue?, inclusive: Bool) throws(DocketError) {
                while true {
                    let c = BSONValue.compare(next, end)
                    guard c < 0 || (c == 0 && includesEnd) else { return }
                    if let value {
                        let d = BSONValue.compare(next, value)
                        guard d < 0 || (d == 0 && inclusive) else { return }
                    }
                    var document: BSONDocument = [:]
                    for (path, partitionValue) in zip(spec.partitionFields, partition.values) {
                        if let partitionValue {
                            document = WindowOutput.setting(partitionValue, at: path[...], in: document)
                        }
                    }
                    document = WindowOutput.setting(next, at: spec.field[...], in: document)
                    results.append(.value(document))
                    generated += 1
                    guard generated <= Self.maxGeneratedDocuments else {
                        throw DocketError(
                            .location(5_897_900),
                            "Generated \(generated) documents in $densify, which is over the limit of "
                                + "\(Self.maxGeneratedDocuments). Increase the 'internalQueryMaxAllowedDensifyDocs' "
                                + "parameter to allow more generated documents", stage: "$densify")
                    }
                    let after = try increment(next)
                    // A step too small to change the value (a huge double) would never end.
                    guard BSONValue.compare(after, next) > 0 else { return }
                    next = after
                }
            }
            for (document, value) in partition.documents {
                if let value {
                    try emitUpTo(value, inclusive: false)
                    // A document on the next step stands for it.
                    if BSONValue.compare(next, value) == 0 { next = try increment(next) }
                }
                results.append(.value(document))
            }
            try emitUpTo(nil, inclusive: true)
        }
        return results
    }

    /// MongoDB's `internalQueryMaxAllowedDensifyDocs`.
    static let maxGeneratedDocuments = 500_000

    /// `value` plus one step.
    private func increment(_ value: BSONValue) throws(DocketError) -> BSONValue {
        if let unit, case .datetime(let ms) = value {
            return try DateNode.addUnits(ms, unit, spec.step, false, .utc, "$densify")
        }
        return NumericArithmetic.add(value, spec.step) ?? value
    }

    private var unit: TimeUnit? { spec.unit }

    /// MongoDB's check of each value to densify: a number without `unit`, a date with it.
    private func checkType(_ value: BSONValue) throws(DocketError) {
        let isDate: Bool
        if case .datetime = value { isDate = true } else { isDate = false }
        guard isDate || value.isNumber else {
            throw DocketError(.location(5_733_201), "Densify field type must be numeric or a date", stage: "$densify")
        }
        guard (unit == nil && !isDate) || (unit != nil && isDate) else {
            throw DocketError(
                .location(6_053_600),
                isDate
                    ? "Encountered date densify value in collection when step does not have a date unit."
                    : "Encountered numeric densify value in collection when step has a date unit.", stage: "$densify")
        }
    }
}
