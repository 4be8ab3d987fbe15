import DocketBSON

// Aggregation expressions, compiled once into an `ExpressionNode` tree and evaluated by a switch over it: no
// existential and no "$…" string in the per-document loop. Field paths read `PipelineDocument`s (stored bytes until a
// stage reshapes them) through the one path walker (`PathValues.expressionValue`); user variables live in slots
// (`ExpressionScope`, `ExpressionContext`). Operators are grouped by family under `Operators/`; the one table of
// operator names is `ExpressionOperator`.
//
// Missing (an absent field, `$$REMOVE`) is `nil` throughout; operators treat it as MongoDB does (most return null for
// a nullish argument; an expression object omits a missing field; an array stores null in its place).

/// A compiled aggregation expression.
///
/// ```swift
/// let scope = ExpressionScope()
/// let total = try Expression(parsing: ["$add": ["$price", "$tax"]], scope: scope)
/// var context = ExpressionContext(root: .value(["price": 10, "tax": 2]), variables: [], now: 0)
/// try total.evaluate(&context)           // .int32(12)
/// ```
struct Expression: Sendable {
    /// The compiled tree.
    let node: ExpressionNode
    /// The expression as written, when it was parsed (explain shows it); `nil` for a tree built in code.
    let source: BSONValue?

    /// Compiles an expression as it appears in a stage: `"$path.to"`, `"$$var.path"`, `{$op: args}`, a document of
    /// expressions (an expression object), an array of expressions, or a literal.
    ///
    /// - Throws: MongoDB's parse errors: 168 `Unrecognized expression '$foo'`, 16020/28667 argument counts, 15983
    ///   for an operator object with more than one field, 16872/15998/16410/16411/40353 for invalid paths,
    ///   16866-16868 for invalid variable names, 17276 for an undefined variable, and each operator's own codes.
    init(parsing value: BSONValue, scope: ExpressionScope) throws(DocketError) {
        node = try ExpressionParser(scope: scope).parseOperand(value)
        source = value
    }

    /// Wraps a compiled tree.
    init(node: ExpressionNode) {
        self.node = node
        source = nil
    }

    /// The value, or `nil` for missing (an absent field, `$$REMOVE`).
    ///
    /// - Throws: the operators' run-time errors (type mismatches, division by zero, …) with MongoDB's codes.
    @inline(__always)
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        try node.evaluate(&context)
    }

    /// The value when the expression is constant (the pipeline optimizer folds it), else `nil`.
    var constant: BSONValue? {
        if case .constant(let value) = node { return value }
        return nil
    }
}

/// A field of an expression object.
struct ExpressionObjectField: Sendable {
    var key: String
    var value: ExpressionNode
}

/// One compiled expression: a tree evaluated by ``evaluate(_:)``.
indirect enum ExpressionNode: Sendable {
    /// A literal.
    case constant(BSONValue)
    /// `$$REMOVE`: missing.
    case missing
    /// A path over `$$CURRENT` (`"$a.b"`, `"$$CURRENT.a"`); empty for `$$CURRENT` itself.
    case current([FieldPath.Component])
    /// A path over `$$ROOT`; empty for `$$ROOT` itself.
    case root([FieldPath.Component])
    /// A user variable by slot, with a path into its value (empty for the whole value).
    case variable(Int, [FieldPath.Component])
    /// `$$NOW`.
    case now
    /// An expression object: each field evaluated, missing ones omitted.
    case object([ExpressionObjectField])
    /// An array of expressions: each evaluated, missing ones stored as null.
    case array([ExpressionNode])
    /// `$let`: slots bound in order, then the body.
    case bind([Int], [ExpressionNode], ExpressionNode)
    /// An operator of one argument.
    case unary(UnaryOperator, ExpressionNode)
    /// An operator of two arguments.
    case binary(BinaryOperator, ExpressionNode, ExpressionNode)
    /// An operator of a list of arguments.
    case variadic(VariadicOperator, [ExpressionNode])
    /// `$cond`.
    case cond(ExpressionNode, ExpressionNode, ExpressionNode)
    /// `$switch`: cases and their results, and the default.
    case switchBranches([ExpressionNode], [ExpressionNode], ExpressionNode?)
    /// `$convert` and its shorthands.
    case convert(ConvertNode)
    /// An array operator with named arguments (`$map`, `$filter`, `$reduce`, …).
    case arrayOperator(ArrayNode)
    /// `$getField`, `$setField`, `$unsetField`.
    case fieldAccess(FieldAccessNode)
    /// A string operator with named arguments (`$trim`, `$replaceAll`, `$regexFind`, …).
    case stringOperator(StringNode)
    /// A date operator.
    case dateOperator(DateNode)

    /// The value, or `nil` for missing.
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        switch self {
        case .constant(let value):
            return value
        case .missing:
            return nil
        case .current(let path):
            return try context.current.value(atExpressionPath: path)
        case .root(let path):
            return try context.root.value(atExpressionPath: path)
        case .variable(let slot, let path):
            guard slot < context.variables.count, let value = context.variables[slot] else { return nil }
            return path.isEmpty ? value : PathValues.expressionValue(path, in: value, ValuePathAccessor())
        case .now:
            return .datetime(context.now)
        case .object(let fields):
            var document = BSONDocument(minimumCapacity: fields.count)
            for field in fields {
                if let value = try field.value.evaluate(&context) { document.append(field.key, value) }
            }
            return .document(document)
        case .array(let items):
            var values: [BSONValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try item.evaluate(&context) ?? .null) }
            return .array(values)
        case .bind(let slots, let values, let body):
            for (slot, value) in zip(slots, values) {
                let bound = try value.evaluate(&context)
                context.set(slot, bound)
            }
            return try body.evaluate(&context)
        case .unary(let op, let argument):
            return try op.apply(try argument.evaluate(&context))
        case .binary(let op, let lhs, let rhs):
            let left = try lhs.evaluate(&context)
            return try op.apply(left, try rhs.evaluate(&context))
        case .variadic(let op, let arguments):
            return try op.evaluate(arguments, &context)
        case .cond(let condition, let then, let otherwise):
            if try condition.evaluate(&context).isTruthy { return try then.evaluate(&context) }
            return try otherwise.evaluate(&context)
        case .switchBranches(let cases, let results, let fallback):
            for (condition, result) in zip(cases, results) {
                if try condition.evaluate(&context).isTruthy { return try result.evaluate(&context) }
            }
            guard let fallback else {
                throw DocketError(
                    .location(40066),
                    "$switch could not find a matching branch for an input, and no default was specified.")
            }
            return try fallback.evaluate(&context)
        case .convert(let node):
            return try node.evaluate(&context)
        case .arrayOperator(let node):
            return try node.evaluate(&context)
        case .fieldAccess(let node):
            return try node.evaluate(&context)
        case .stringOperator(let node):
            return try node.evaluate(&context)
        case .dateOperator(let node):
            return try node.evaluate(&context)
        }
    }

    /// Whether the node is a literal.
    var isConstant: Bool {
        if case .constant = self { return true }
        return false
    }

    /// The node evaluated now when every argument is a literal (MongoDB's `optimize()` constant folding); the node
    /// itself when an argument varies or evaluation fails (the error then surfaces when, and if, it is evaluated).
    func folded(when arguments: [ExpressionNode]) -> ExpressionNode {
        guard arguments.allSatisfy(\.isConstant) else { return self }
        var context = ExpressionContext(root: .value([:]), variables: [], now: 0)
        do {
            guard let value = try evaluate(&context) else { return .missing }
            return .constant(value)
        } catch {
            return self
        }
    }
}

extension Optional where Wrapped == BSONValue {
    /// MongoDB's `Value::coerceToBool`: false for missing, null, undefined, `false` and numeric zero (not NaN);
    /// true for everything else, including empty strings and arrays.
    var isTruthy: Bool {
        switch self {
        case .none, .null?, .undefined?: false
        case .bool(let b)?: b
        case .int32(let v)?: v != 0
        case .int64(let v)?: v != 0
        case .double(let d)?: d != 0
        case .decimal128(let d)?: !d.isZero
        default: true
        }
    }

    /// MongoDB's `nullish()`: missing, null or undefined.
    var isNullish: Bool {
        switch self {
        case .none, .null?, .undefined?: true
        default: false
        }
    }

    /// MongoDB's `typeName` of a value, `"missing"` for missing.
    var typeName: String {
        switch self {
        case .none: "missing"
        case .some(let value): value.type.alias
        }
    }
}
