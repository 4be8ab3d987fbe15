import DocketBSON

/// Fields a stage computes (`$addFields`/`$set`, the computed part of `$project`): a tree of field names whose leaves
/// are expressions, evaluated against the stage's input document.
struct ComputedFields: Sendable {
    /// One computed field: a value, or a level of nested fields (`"a.b": …` or `{a: {b: …}}`).
    indirect enum Node: Sendable {
        case value(Expression)
        case nested(ComputedFields)
    }

    var entries: [(name: String, node: Node)] = []
    /// The stage's specification as written (explain shows it); set on the top level only.
    var source: BSONDocument?

    var isEmpty: Bool { entries.isEmpty }

    /// Adds `value` at the path `path`, merging with the levels already there.
    /// - Throws: `Location40176` (path collision) when a path is both a value and a level.
    mutating func add(_ path: ArraySlice<String>, _ node: Node) throws(DocketError) {
        let name = path[path.startIndex]
        let index = entries.firstIndex { $0.name == name }
        if path.count == 1 {
            guard index == nil else { throw Self.collision(name) }
            entries.append((name, node))
            return
        }
        var level = ComputedFields()
        if let index {
            guard case .nested(let existing) = entries[index].node else { throw Self.collision(name) }
            level = existing
        }
        try level.add(path.dropFirst(), node)
        if let index { entries[index].node = .nested(level) } else { entries.append((name, .nested(level))) }
    }

    private static func collision(_ name: String) -> DocketError {
        DocketError(.computedPathCollision, "Invalid specification: path collision at \(name)", fieldPath: name)
    }

    /// Parses `$addFields`/`$set`'s specification: each field is an expression, or a sub-document of fields when
    /// it is a non-empty document whose first key has no `$`.
    static func parse(
        _ spec: BSONDocument, scope: ExpressionScope, prefix: [String] = [], into fields: inout ComputedFields
    )
        throws(DocketError)
    {
        for (key, value) in spec {
            let path = prefix + (try ProjectionParser.fieldPath(key))
            if case .document(let sub) = value, let first = sub.first?.key, !first.hasPrefix("$") {
                try parse(sub, scope: scope, prefix: path, into: &fields)
            } else {
                try fields.add(path[...], .value(try Expression(parsing: value, scope: scope)))
            }
        }
    }

    /// Applies the fields to `document`, evaluating each expression in `context` (whose root is the input document).
    /// A missing result removes the field; through an array the fields apply to each element (a non-document element
    /// is replaced by a document of the fields); a scalar or missing level becomes a document.
    func apply(to document: BSONDocument, _ context: inout ExpressionContext) throws(DocketError) -> BSONDocument {
        var output = document
        for (name, node) in entries {
            switch node {
            case .value(let expression):
                output[name] = try expression.evaluate(&context)
            case .nested(let level):
                output[name] = try level.apply(toValue: output[name], &context)
            }
        }
        return output
    }

    private func apply(toValue value: BSONValue?, _ context: inout ExpressionContext) throws(DocketError) -> BSONValue {
        switch value {
        case .document(let inner)?: return .document(try apply(to: inner, &context))
        case .array(let elements)?:
            var mapped: [BSONValue] = []
            mapped.reserveCapacity(elements.count)
            for element in elements { mapped.append(try apply(toValue: element, &context)) }
            return .array(mapped)
        default: return .document(try apply(to: [:], &context))
        }
    }
}

extension Stage {
    /// `$addFields`/`$set: {field: expression, "a.b": expression, sub: {field: expression}}`.
    /// - Throws: `Location40272` for a non-document; field path errors; `Location40176` for colliding paths; the
    ///   expressions' parse errors.
    static func parseAddFields(_ name: String, _ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage
    {
        guard case .document(let spec) = value else {
            throw DocketError(
                .addFieldsNotObject, "\(name) specification stage must be an object, got \(value.type.alias)",
                stage: name)
        }
        var fields = ComputedFields()
        try ComputedFields.parse(spec, scope: scope, into: &fields)
        fields.source = spec
        return .addFields(fields)
    }

    /// `$replaceRoot: {newRoot: expression}` and `$replaceWith: expression`.
    /// - Throws: `Location40228`-family parse errors: `Location40231` without `newRoot`; `Location40415` for an
    ///   unknown field; `Location40229`… the expression's parse errors.
    static func parseReplaceRoot(_ name: String, _ value: BSONValue, scope: ExpressionScope) throws(DocketError)
        -> Stage
    {
        if name == "$replaceWith" { return .replaceRoot(try Expression(parsing: value, scope: scope)) }
        guard case .document(let spec) = value else {
            throw DocketError(
                .typeMismatch, "$replaceRoot's argument must be an object, got \(value.type.alias)", stage: name)
        }
        var newRoot: Expression?
        for (key, field) in spec {
            guard key == "newRoot" else {
                throw DocketError(
                    .replaceRootUnknownField, "BSON field '$replaceRoot.\(key)' is an unknown field.", stage: name)
            }
            newRoot = try Expression(parsing: field, scope: scope)
        }
        guard let newRoot else {
            throw DocketError(
                .replaceRootNoNewRoot, "BSON field '$replaceRoot.newRoot' is missing but a required field", stage: name)
        }
        return .replaceRoot(newRoot)
    }
}

/// `$addFields`/`$set`: decodes each document and sets the computed fields.
final class AddFieldsRunner: StageRunner {
    private let upstream: any StageRunner
    private let fields: ComputedFields
    private let context: PipelineRunContext

    init(_ upstream: any StageRunner, _ fields: ComputedFields, context: PipelineRunContext) {
        self.upstream = upstream
        self.fields = fields
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let input = try upstream.next() else { return nil }
        var expressionContext = ExpressionContext(root: input, variables: context.variables, now: context.now)
        return .value(try fields.apply(to: try input.decoded(), &expressionContext))
    }
}

/// `$replaceRoot`/`$replaceWith`: the expression's document becomes the document.
final class ReplaceRootRunner: StageRunner {
    private let upstream: any StageRunner
    private let newRoot: Expression
    private let context: PipelineRunContext

    init(_ upstream: any StageRunner, _ newRoot: Expression, context: PipelineRunContext) {
        self.upstream = upstream
        self.newRoot = newRoot
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        guard let input = try upstream.next() else { return nil }
        var expressionContext = ExpressionContext(root: input, variables: context.variables, now: context.now)
        let value = try newRoot.evaluate(&expressionContext)
        guard case .document(let document)? = value else {
            let shown = value.map { BSONPrinter.projectionMessage.string($0) } ?? "MISSING"
            let type = value?.type.alias ?? "missing"
            throw DocketError(
                .replaceRootNotObject,
                "'newRoot' expression must evaluate to an object, but resulting value was: \(shown). Type of "
                    + "resulting value: '\(type)'. Input document: "
                    + BSONPrinter.projectionMessage.string(.document(try input.decoded())), stage: "$replaceRoot")
        }
        return .value(document)
    }
}
