import DocketBSON

/// Compile-time scope of an expression: which user variables are visible (each has a slot in
/// ``ExpressionContext/variables``) and which top-level fields the compiled expressions read.
///
/// User variables come from an operation's `let` option, `$let`, the `as` of `$map`/`$filter`/`$reduce`, and
/// `$lookup`'s `let`. A name declared inside an operator is visible only in that operator's body; an inner
/// declaration may shadow an outer one (it gets its own slot).
///
/// ```swift
/// let scope = ExpressionScope(variables: ["limit"])        // slot 0
/// let expr = try Expression(parsing: ["$lt": ["$qty", "$$limit"]], scope: scope)
/// scope.referencedFields                                    // ["qty"]
/// ```
final class ExpressionScope {
    /// Slot of each visible name.
    private var visible: [String: Int]
    /// The number of slots handed out.
    private(set) var slotCount: Int
    /// Top-level field names read by expressions compiled in this scope; `nil` when a whole document (`$$ROOT`,
    /// `$$CURRENT`) is read.
    private(set) var referencedFields: Set<String>? = []
    /// The operation's `let` variables with their values, when this is the scope of an operation whose first slots
    /// are exactly those (a filter's nested `$expr` compiled inside a stage reads them: `Stage.parseMatch`).
    let letVariables: LetVariables?

    /// Creates a scope with the caller's predefined variables in slots `0..<variables.count`.
    init(variables: [String] = [], letVariables: LetVariables? = nil) {
        self.letVariables = letVariables
        visible = [:]
        for (slot, name) in variables.enumerated() { visible[name] = slot }
        slotCount = variables.count
    }

    /// Declares a variable in a new slot and makes it visible (shadowing any visible one of the same name).
    func declare(_ name: String) -> Int {
        let slot = slotCount
        slotCount += 1
        visible[name] = slot
        return slot
    }

    /// The slot of a visible variable.
    func slot(of name: String) -> Int? { visible[name] }

    /// Runs `body` (which declares variables), then makes visible again only what was visible before.
    func nested<T>(_ body: () throws(DocketError) -> T) throws(DocketError) -> T {
        let saved = visible
        defer { visible = saved }
        return try body()
    }

    /// Records that a compiled expression reads the top-level field `name`.
    func noteField(_ name: String) {
        referencedFields?.insert(name)
    }

    /// Records that a compiled expression reads the whole document.
    func noteWholeDocument() {
        referencedFields = nil
    }
}

/// Run-time state of one evaluation: the documents `$$ROOT` and `$$CURRENT` stand for, the user variables by slot,
/// and `$$NOW`.
struct ExpressionContext {
    /// `$$ROOT`: the document the stage is processing.
    var root: PipelineDocument
    /// `$$CURRENT`: the document field paths such as `"$a"` read (the root, unless rebound).
    var current: PipelineDocument
    /// User variables by slot (``ExpressionScope``); `nil` is missing.
    var variables: [BSONValue?]
    /// `$$NOW`: milliseconds since the epoch, fixed for the whole operation.
    let now: Int64

    /// Creates a context whose `$$CURRENT` is `root`.
    init(root: PipelineDocument, variables: [BSONValue?], now: Int64) {
        self.root = root
        self.current = root
        self.variables = variables
        self.now = now
    }

    /// Sets a variable's slot, growing the table when the caller sized it before more slots were declared.
    @inline(__always)
    mutating func set(_ slot: Int, _ value: BSONValue?) {
        if slot >= variables.count {
            variables.append(contentsOf: repeatElement(nil, count: slot + 1 - variables.count))
        }
        variables[slot] = value
    }
}
