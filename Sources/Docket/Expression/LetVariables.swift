import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An operation's `let` option, evaluated once before the operation runs, and the operation's `$$NOW`.
///
/// Every operation that takes `let` (find, updates, deletes, find-and-modify, bulk writes, aggregate) compiles its
/// expressions in a scope whose first slots are these names (``makeScope()``), and evaluates them with
/// ``values`` in those slots: `$expr` in a filter (at any depth under `$and`/`$or`/`$nor`), update pipelines and
/// aggregation stages.
///
/// ```swift
/// let variables = try LetVariables(parsing: ["limit": 10])
/// let matcher = try Matcher(["$expr": ["$lt": ["$qty", "$$limit"]]], variables: variables)
/// ```
struct LetVariables: Sendable {
    /// The variable names, in slot order.
    let names: [String]
    /// Each variable's value, by slot.
    let values: [BSONValue?]
    /// `$$NOW`: milliseconds since the epoch, fixed for the whole operation.
    let now: Int64

    /// Evaluates a `let` document: each value is an expression evaluated once, against an empty document.
    ///
    /// - Throws: the variable name errors (`Location16866`–`16870`: empty, uppercase or `$`-led names), the
    ///   expressions' parse and evaluation errors (`Location17276` "Use of undefined variable: x" for a `$$x`
    ///   that is not one of the system variables).
    init(parsing spec: BSONDocument?, now: Int64 = LetVariables.currentTime()) throws(DocketError) {
        var names: [String] = []
        var values: [BSONValue?] = []
        for (name, value) in spec ?? [:] {
            try ExpressionParser.validateVariableName(name, forWriting: true)
            let expression = try Expression(parsing: value, scope: ExpressionScope())
            var context = ExpressionContext(root: .value([:]), variables: [], now: now)
            names.append(name)
            values.append(try expression.evaluate(&context))
        }
        self.names = names
        self.values = values
        self.now = now
    }

    /// A scope in which these variables are visible, in slots `0..<names.count`.
    func makeScope() -> ExpressionScope { ExpressionScope(variables: names, letVariables: self) }

    /// The current time in milliseconds since the epoch (`$$NOW`).
    static func currentTime() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
