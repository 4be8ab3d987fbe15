import DocketBSON

/// A parsed `$lookup`.
struct LookupSpec: Sendable {
    /// The foreign collection.
    let from: String
    /// `localField` and `foreignField`, when the equality form is used.
    let localField: [FieldPath.Component]?
    let foreignField: [FieldPath.Component]?
    /// `let`: each variable's slot and the expression computing it from the local document.
    let variables: [(slot: Int, value: Expression)]
    /// `pipeline`, compiled in a scope that sees the `let` variables.
    let pipeline: [Stage]?
    /// `as`: where the array of matches goes.
    let asPath: [String]
    /// The `$unwind` of `as` that followed, coalesced by the optimizer: one output document per match.
    private(set) var unwinding: UnwindSpec?

    /// The spec yielding one document per match, as `$unwind` of the `as` field would.
    func unwinding(_ unwind: UnwindSpec) -> LookupSpec {
        var spec = self
        spec.unwinding = unwind
        return spec
    }
    /// The specification as written (explain shows it).
    var source: BSONValue = .null
}

extension Stage {
    /// `$lookup: {from, localField, foreignField, as}`, `{from, let, pipeline, as}`, or both combined (the equality
    /// selects the foreign documents, the pipeline runs over them).
    /// - Throws: `FailedToParse` (9) for a non-document, an unknown or mistyped field, a missing `as` or `from`, or
    ///   only one of `localField`/`foreignField` without a pipeline; the `let` names' and sub-pipeline's errors.
    static func parseLookup(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        func failure(_ message: String) -> DocketError { DocketError(.failedToParse, message, stage: "$lookup") }
        guard case .document(let spec) = value else {
            throw failure("the $lookup stage specification must be an object, but found \(value.type.alias)")
        }
        var from: String?
        var local: String?
        var foreign: String?
        var asField: String?
        var letSpec: BSONDocument = [:]
        var pipelineValue: BSONValue?
        for (key, field) in spec {
            switch (key, field) {
            case ("from", .string(let s)): from = s
            case ("localField", .string(let s)): local = s
            case ("foreignField", .string(let s)): foreign = s
            case ("as", .string(let s)): asField = s
            case ("let", .document(let d)): letSpec = d
            case ("pipeline", _): pipelineValue = field
            case ("from", _), ("localField", _), ("foreignField", _), ("as", _), ("let", _):
                throw failure(
                    "$lookup argument '\(key)' must be a \(key == "let" ? "object" : "string"), is type "
                        + field.type.alias)
            default:
                throw failure("unknown argument to $lookup: \(key)")
            }
        }
        guard let asField else { throw failure("must specify 'as' field for a $lookup") }
        guard let from else { throw failure("must specify 'from' field for a $lookup") }
        guard (local == nil) == (foreign == nil) else {
            throw failure("$lookup requires both or neither of 'localField' and 'foreignField' to be specified")
        }
        guard local != nil || pipelineValue != nil else {
            throw failure("$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified")
        }
        var variables: [(slot: Int, value: Expression)] = []
        var pipeline: [Stage]?
        // The `let` expressions read the local document in the outer scope; the sub-pipeline sees the variables.
        for (name, expression) in letSpec {
            try ExpressionParser.validateVariableName(name, forWriting: true)
            variables.append((0, try Expression(parsing: expression, scope: scope)))
        }
        if let pipelineValue {
            pipeline = try scope.nested { () throws(DocketError) -> [Stage] in
                for (index, name) in letSpec.keys.enumerated() { variables[index].slot = scope.declare(name) }
                return try Pipeline.parseSubPipeline(pipelineValue, "$lookup", scope: scope)
            }
        }
        return .lookup(
            LookupSpec(
                from: from,
                localField: try local.map { s throws(DocketError) in try lookupPath(s) },
                foreignField: try foreign.map { s throws(DocketError) in try lookupPath(s) },
                variables: variables, pipeline: pipeline, asPath: try ProjectionParser.fieldPath(asField),
                unwinding: nil, source: value))
    }

    private static func lookupPath(_ path: String) throws(DocketError) -> [FieldPath.Component] {
        try ProjectionParser.fieldPath(path).map { FieldPath.Component(Substring($0)) }
    }
}

/// `$lookup`: the foreign collection is read once (from the snapshot taken with the pipeline's); the equality form
/// indexes it by `foreignField` (MongoDB's matching: array elements, `null` for missing) in a hash table, so each
/// local document costs one probe per local value instead of a scan.
final class LookupRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: LookupSpec
    private let context: PipelineRunContext
    private var foreign: [PipelineDocument]?
    private var index = EqualityIndex()
    /// The documents still to yield for the current input, when the `$unwind` of `as` is coalesced.
    private var pending: [BSONDocument] = []
    private var pendingPosition = 0

    init(_ upstream: any StageRunner, _ spec: LookupSpec, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let unwind = spec.unwinding else { return try lookUp() }
        while pendingPosition >= pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingPosition = 0
            guard let (input, results) = try matches() else { return nil }
            var output = try input.decoded()
            guard !results.isEmpty else {
                guard unwind.preservesNullAndEmptyArrays else { continue }
                _ = output.removeValue(forKey: spec.asPath[0])
                if let indexField = unwind.indexField { output.setNestedValue(indexField, .null) }
                return .value(output)
            }
            for (position, result) in results.enumerated() {
                var unwound = output
                unwound[spec.asPath[0]] = .document(result)
                if let indexField = unwind.indexField { unwound.setNestedValue(indexField, .int64(Int64(position))) }
                pending.append(unwound)
            }
        }
        pendingPosition += 1
        return .value(pending[pendingPosition - 1])
    }

    /// The next input with the array of its matches in `as`.
    private func lookUp() throws(DocketError) -> PipelineDocument? {
        guard let (input, results) = try matches() else { return nil }
        var output = try input.decoded()
        output.setNestedValue(spec.asPath, .array(results.map(BSONValue.document)))
        return .value(output)
    }

    /// The next input and its matches, or `nil` at the end of the input.
    private func matches() throws(DocketError) -> (PipelineDocument, [BSONDocument])? {
        guard let input = try upstream.next() else { return nil }
        if foreign == nil { prepare() }
        var matched: [PipelineDocument]
        if let localField = spec.localField {
            var keys = PathValueCollection.values(localField, in: input, semantics: .distinctValues)
            if keys.isEmpty { keys = [.null] }
            var positions: [Int] = []
            for key in keys { positions += index[key] }
            positions.sort()
            matched = []
            var last = -1
            for position in positions where position != last {
                matched.append(foreign![position])
                last = position
            }
        } else {
            matched = foreign!
        }
        let results: [BSONDocument]
        if let pipeline = spec.pipeline {
            var inner = context
            var expressionContext = ExpressionContext(root: input, variables: context.variables, now: context.now)
            for (slot, expression) in spec.variables {
                inner = inner.setting(slot, try expression.evaluate(&expressionContext))
            }
            results = try inner.run(pipeline, over: matched)
        } else {
            var decoded: [BSONDocument] = []
            decoded.reserveCapacity(matched.count)
            for document in matched { decoded.append(try document.decoded()) }
            results = decoded
        }
        return (input, results)
    }

    private func prepare() {
        let documents = context.documents(of: spec.from)
        foreign = documents
        guard let foreignField = spec.foreignField else { return }
        index = PathValueCollection.index(documents, by: foreignField)
    }
}

/// Collects the values a path reaches in a pipeline document (`null` where the semantics report it absent).
struct PathValueCollector<A: DecodingPathAccessor>: PathVisitor {
    let accessor: A
    var values: [BSONValue] = []

    mutating func visit(_ hit: PathHit<A.Value>) -> Bool {
        values.append(hit.value.flatMap { accessor.decode($0) } ?? .null)
        return false
    }
}

enum PathValueCollection {
    /// The positions of `documents` by each value `path` reaches in them under MongoDB's matching semantics (array
    /// elements and the array; `null` where it reaches nothing): a hash index for equality joins.
    static func index(_ documents: [PipelineDocument], by path: [FieldPath.Component]) -> EqualityIndex {
        var index = EqualityIndex()
        index.reserveCapacity(documents.count)
        for (position, document) in documents.enumerated() {
            var keys = values(path, in: document, semantics: .matching)
            // A document reached through several equal values is indexed once under each distinct one.
            if keys.count > 1 {
                var seen = Set<BSONValue>()
                keys.removeAll { !seen.insert($0).inserted }
            }
            for key in keys { index.append(position, under: key) }
        }
        return index
    }

    /// The values `path` reaches in `document` under `semantics`.
    static func values(_ path: [FieldPath.Component], in document: PipelineDocument, semantics: PathSemantics)
        -> [BSONValue]
    {
        switch document {
        case .stored(let raw):
            return raw.bytes.withUnsafeBytes { buffer in
                let accessor = RawPathAccessor(buffer: buffer)
                var collector = PathValueCollector(accessor: accessor)
                _ = PathValues.walk(path, from: RawPathAccessor.root(), accessor, semantics, &collector)
                return collector.values
            }
        case .value(let value):
            var collector = PathValueCollector(accessor: ValuePathAccessor())
            _ = PathValues.walk(path, from: .document(value), ValuePathAccessor(), semantics, &collector)
            return collector.values
        }
    }
}

/// A hash index from values to document positions. Entries of one key chain to the previous one (`-1` ends the chain),
/// so building it allocates no array per key: a join over millions of foreign documents builds one dictionary and
/// one array.
struct EqualityIndex {
    /// The last entry of each key.
    private var lastEntry: [BSONValue: Int] = [:]
    /// Each entry's document position and the previous entry of its key.
    private var entries: [(position: Int, previous: Int)] = []

    mutating func reserveCapacity(_ count: Int) { entries.reserveCapacity(count) }

    /// Adds `position` under `key`; positions are added in increasing order.
    mutating func append(_ position: Int, under key: BSONValue) {
        let previous = lastEntry.updateValue(entries.count, forKey: key) ?? -1
        entries.append((position, previous))
    }

    /// The positions indexed under `key`, in increasing order.
    subscript(key: BSONValue) -> [Int] {
        var positions: [Int] = []
        var entry = lastEntry[key] ?? -1
        while entry >= 0 {
            positions.append(entries[entry].position)
            entry = entries[entry].previous
        }
        positions.reverse()
        return positions
    }
}
