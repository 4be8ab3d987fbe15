import DocketBSON

// `$expr` in filters: an aggregation expression (compiled once with `Expression`) evaluated on the stored document,
// matching when its value is truthy (MongoDB's `ExprMatchExpression`). Field paths read the stored bytes, so a scan
// with `$expr` decodes only the values the expression reaches.
//
// Evaluation can fail (`$divide` by zero, a bad `$convert`): the failure ends the operation with MongoDB's error, as
// in MongoDB. `Matcher` routes filters containing `$expr` through `matchesWithDocument`, which keeps the document
// at hand (the byte-level matcher of the other operators sees only a buffer) and reports the failure in
// `MatchDetails.error`.

/// A compiled `$expr`.
struct ExprPredicate: Sendable {
    /// The expression.
    let expression: Expression
    /// How many variable slots it declares (`$let`, `$map`, …).
    let slotCount: Int
    /// `$$NOW`: when the filter was compiled, in milliseconds since the epoch.
    let now: Int64

    /// The values of the operation's `let` variables (the first slots), then room for the expression's own.
    let initialVariables: [BSONValue?]

    /// Compiles the argument of `$expr`, where the operation's `let` variables (if any) are visible as `$$name`.
    ///
    /// - Parameter scope: the scope of the pipeline stage the filter belongs to (`$match`), whose variables (the
    ///   operation's `let`, a `$lookup`'s `let`) the expression then reads; the stage passes their values when it
    ///   matches (``ExprEnvironment``). Without it, a scope of the operation's `variables`.
    init(parsing value: BSONValue, variables: LetVariables?, scope: ExpressionScope? = nil) throws(DocketError) {
        let variables = variables ?? scope?.letVariables
        let scope = scope ?? variables?.makeScope() ?? ExpressionScope()
        expression = try Expression(parsing: value, scope: scope)
        slotCount = scope.slotCount
        now = variables?.now ?? LetVariables.currentTime()
        var initial = variables?.values ?? []
        if slotCount > initial.count { initial += repeatElement(nil, count: slotCount - initial.count) }
        initialVariables = initial
    }

    /// Whether the stored document matches; a failure is recorded in `error` (and the document does not match).
    ///
    /// - Parameter environment: the variables of the pipeline stage evaluating the filter; `nil` outside a pipeline
    ///   (the operation's `let` values compiled in are used).
    func matches(_ document: RawDocument, environment: ExprEnvironment?, error: inout DocketError?) -> Bool {
        var context = ExpressionContext(
            root: .stored(document), variables: environment?.variables ?? initialVariables, now: environment?.now ?? now
        )
        do {
            return try expression.evaluate(&context).isTruthy
        } catch let failure {
            error = failure
            return false
        }
    }
}

/// The run-time variables of the pipeline stage evaluating a filter's `$expr` (by slot of the stage's scope).
struct ExprEnvironment {
    var variables: [BSONValue?]
    var now: Int64
}

extension FilterNode {
    /// Whether the tree contains `$expr` (which needs the whole document at hand: see `matchesWithDocument`).
    var containsExpr: Bool {
        switch self {
        case .expr: true
        case .and(let children), .or(let children), .nor(let children): children.contains(where: \.containsExpr)
        case .not(let child): child.containsExpr
        default: false
        }
    }

    /// Whether a stored document matches a tree that may contain `$expr` (only at the top level, under logical
    /// nodes); the first evaluation failure is recorded in `error`.
    func matchesWithDocument(
        _ document: RawDocument, position: inout Int?, error: inout DocketError?, environment: ExprEnvironment? = nil
    ) -> Bool {
        switch self {
        case .expr(let predicate):
            return predicate.matches(document, environment: environment, error: &error)
        case .and(let children):
            for child in children
            where !child.matchesWithDocument(document, position: &position, error: &error, environment: environment) {
                return false
            }
            return true
        case .or(let children):
            for child in children {
                var inner = position
                if child.matchesWithDocument(document, position: &inner, error: &error, environment: environment) {
                    position = inner
                    return true
                }
                if error != nil { return false }
            }
            return false
        case .nor(let children):
            for child in children {
                var ignored: Int?
                if child.matchesWithDocument(document, position: &ignored, error: &error, environment: environment) {
                    return false
                }
                if error != nil { return false }
            }
            return true
        case .not(let child):
            var ignored: Int?
            let matched = child.matchesWithDocument(
                document, position: &ignored, error: &error, environment: environment)
            return error == nil && !matched
        default:
            return document.bytes.withUnsafeBytes { matches(in: $0, documentAt: 0, position: &position) }
        }
    }
}
