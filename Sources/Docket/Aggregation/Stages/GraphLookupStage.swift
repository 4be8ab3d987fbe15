import DocketBSON

/// A parsed `$graphLookup`.
struct GraphLookupSpec: Sendable {
    let from: String
    let startWith: Expression
    let connectFromField: [FieldPath.Component]
    let connectToField: [FieldPath.Component]
    let asPath: [String]
    /// The most recursion steps after the first match; `nil` for no limit.
    let maxDepth: Int?
    let depthField: [String]?
    let restriction: Matcher?
    /// The specification as written (explain shows it).
    var source: BSONValue = .null
}

extension Stage {
    /// `$graphLookup: {from, startWith, connectFromField, connectToField, as, maxDepth, depthField,
    /// restrictSearchWithMatch}`: a breadth-first search of the foreign collection.
    /// - Throws: (mongod's document_source_graph_lookup.cpp) `FailedToParse` (9) for a non-document or one without
    ///   `from`; `Location40105` without another required field; `Location40103` for a string field of another
    ///   type; `Location40104` for an unknown field; `Location40100`/`40101`/`40102` for a non-numeric, negative or
    ///   non-integral `maxDepth`; `Location40185` for a bad `restrictSearchWithMatch`; field path errors; the
    ///   filter's errors.
    static func parseGraphLookup(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        func failure(_ code: DocketError.Code, _ message: String) -> DocketError {
            DocketError(code, message, stage: "$graphLookup")
        }
        guard case .document(let spec) = value else {
            throw failure(
                .graphLookupNotObject,
                "the $graphLookup stage specification must be an object, but found "
                    + value.type.alias)
        }
        guard spec["from"] != nil else {
            throw failure(
                .graphLookupNotObject,
                "missing 'from' option to $graphLookup stage specification: \(BSONPrinter.updateMessage.string(value))")
        }
        var strings: [String: String] = [:]
        var startWith: Expression?
        var maxDepth: Int?
        var restriction: Matcher?
        for (key, field) in spec {
            switch key {
            case "from", "connectFromField", "connectToField", "as", "depthField":
                guard case .string(let text) = field else {
                    throw failure(
                        .graphLookupFieldType, "expected string as argument for \(key), found: \(field.type.alias)")
                }
                strings[key] = text
            case "startWith":
                startWith = try Expression(parsing: field, scope: scope)
            case "maxDepth":
                guard field.isNumber else {
                    throw failure(
                        .graphLookupMaxDepthType, "maxDepth must be numeric, found type: \(field.type.alias)")
                }
                let depth = SortSpec.safeNumberLong(field)
                guard depth >= 0 else {
                    throw failure(
                        .graphLookupMaxDepthValue, "maxDepth requires a nonnegative argument, found: \(depth)")
                }
                guard Double(depth) == (field.doubleValueForArithmetic ?? -1) else {
                    throw failure(
                        .graphLookupMaxDepthIntegral, "maxDepth could not be represented as a long long: \(depth)")
                }
                maxDepth = Int(depth)
            case "restrictSearchWithMatch":
                guard case .document(let filter) = field else {
                    throw failure(
                        .graphLookupRestrictType,
                        "restrictSearchWithMatch must be an object, found \(field.type.alias)")
                }
                restriction = try Matcher(filter)
            default:
                throw failure(.graphLookupUnknownField, "Unknown argument to $graphLookup: \(key)")
            }
        }
        guard let from = strings["from"], let startWith,
            let connectFrom = strings["connectFromField"], let connectTo = strings["connectToField"],
            let asField = strings["as"]
        else {
            throw failure(
                .graphLookupMissingField,
                "$graphLookup requires 'from', 'as', 'startWith', 'connectFromField', and 'connectToField' to be "
                    + "specified.")
        }
        func path(_ text: String) throws(DocketError) -> [FieldPath.Component] {
            try ProjectionParser.fieldPath(text).map { FieldPath.Component(Substring($0)) }
        }
        return .graphLookup(
            GraphLookupSpec(
                from: from, startWith: startWith, connectFromField: try path(connectFrom),
                connectToField: try path(connectTo), asPath: try ProjectionParser.fieldPath(asField),
                maxDepth: maxDepth,
                depthField: try strings["depthField"].map { s throws(DocketError) in try ProjectionParser.fieldPath(s)
                },
                restriction: restriction, source: value))
    }
}

/// `$graphLookup`: the foreign collection is indexed once by `connectToField` (MongoDB's matching: array elements
/// too); each input document's search is breadth-first from `startWith`'s values, each foreign document found once
/// (by `_id`), at its smallest depth.
final class GraphLookupRunner: StageRunner {
    private let upstream: any StageRunner
    private let spec: GraphLookupSpec
    private let context: PipelineRunContext
    private var foreign: [PipelineDocument]?
    private var index = EqualityIndex()

    init(_ upstream: any StageRunner, _ spec: GraphLookupSpec, context: PipelineRunContext) {
        self.upstream = upstream
        self.spec = spec
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let input = try upstream.next() else { return nil }
        if foreign == nil { try prepare() }
        var expressionContext = ExpressionContext(root: input, variables: context.variables, now: context.now)
        var frontier: [BSONValue]
        switch try spec.startWith.evaluate(&expressionContext) {
        case .array(let values)?: frontier = values
        case let value?: frontier = [value]
        case nil: frontier = [.null]
        }
        var visited = Set<Int>()
        var queried = Set<BSONValue>()
        var results: [BSONValue] = []
        var depth = 0
        while !frontier.isEmpty && (spec.maxDepth.map { depth <= $0 } ?? true) {
            var next: [BSONValue] = []
            for value in frontier where queried.insert(value).inserted {
                for position in index[value] where visited.insert(position).inserted {
                    let document = foreign![position]
                    var decoded = try document.decoded()
                    if let depthField = spec.depthField { decoded.setNestedValue(depthField, .int64(Int64(depth))) }
                    results.append(.document(decoded))
                    next += PathValueCollection.values(spec.connectFromField, in: document, semantics: .distinctValues)
                }
            }
            frontier = next
            depth += 1
        }
        var output = try input.decoded()
        output.setNestedValue(spec.asPath, .array(results))
        return .value(output)
    }

    private func prepare() throws(DocketError) {
        var documents = context.documents(of: spec.from)
        if let restriction = spec.restriction {
            var kept: [PipelineDocument] = []
            for document in documents where try restriction.matches(document) { kept.append(document) }
            documents = kept
        }
        foreign = documents
        index = PathValueCollection.index(documents, by: spec.connectToField)
    }
}
