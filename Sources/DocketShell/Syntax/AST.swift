import Docket

/// The syntax tree of the shell's JavaScript subset.
///
/// The parser writes names (`.identifier`, `.binding`); the resolver (`Resolver`) rewrites them into environment
/// slots (`.local`, `.global`), so the interpreter never looks a variable up by name.
indirect enum Expr {
    case number(Double)
    case string(String)
    case boolean(Bool)
    case null
    case undefined
    /// `` `a${x}b` ``: the literal parts (one more than the expressions) and the substitutions.
    case template(parts: [String], expressions: [Expr])
    case regex(pattern: String, flags: String, SourcePosition)
    /// A name, before resolution.
    case identifier(String, SourcePosition)
    /// A variable `hops` environments up, in slot `slot`.
    case local(hops: Int, slot: Int, name: String, constant: Bool, SourcePosition)
    /// A global variable.
    case global(slot: Int, name: String, SourcePosition)
    case this
    case array([ArrayElement])
    case object([ObjectProperty])
    case function(FunctionNode)
    case unary(UnaryOperator, Expr, SourcePosition)
    case update(increment: Bool, prefix: Bool, target: Expr, SourcePosition)
    case binary(BinaryOperator, Expr, Expr, SourcePosition)
    case logical(LogicalOperator, Expr, Expr)
    case conditional(Expr, Expr, Expr)
    /// `target op= value`; a destructuring assignment has `.pattern` as target.
    case assign(AssignOperator, target: AssignTarget, value: Expr, SourcePosition)
    case sequence([Expr])
    case member(Expr, name: String, optional: Bool, SourcePosition)
    case index(Expr, Expr, optional: Bool, SourcePosition)
    case call(callee: Expr, arguments: [ArrayElement], optional: Bool, SourcePosition)
    case new(callee: Expr, arguments: [ArrayElement], SourcePosition)
    /// The extent of an optional chain: `a?.b.c` short-circuits to `undefined` here.
    case optionalChain(Expr)
    /// `delete target`.
    case delete(Expr, SourcePosition)
}

/// An element of an array literal or an argument list.
enum ArrayElement {
    case expression(Expr)
    case spread(Expr)
    /// An elision (`[1, , 3]`).
    case hole
}

/// A property of an object literal.
enum ObjectProperty {
    case property(key: PropertyKey, value: Expr)
    case spread(Expr)
}

/// The key of an object literal property or destructuring pattern.
enum PropertyKey {
    case fixed(String)
    case computed(Expr)
}

/// The left side of an assignment.
indirect enum AssignTarget {
    /// A variable, member or index expression.
    case simple(Expr)
    /// A destructuring pattern (`[a, b] = [b, a]`).
    case pattern(Pattern)
}

/// A binding or assignment pattern.
indirect enum Pattern {
    /// A name, before resolution.
    case binding(String, SourcePosition)
    /// A resolved variable (`.local` or `.global`).
    case variable(Expr)
    /// A member or index expression (assignment patterns only).
    case target(Expr)
    case object([PatternProperty], rest: Pattern?)
    /// Elements (`nil` for holes) and a rest element.
    case array([Pattern?], rest: Pattern?)
    case withDefault(Pattern, Expr)
}

/// `key: pattern` in an object pattern.
struct PatternProperty {
    var key: PropertyKey
    var value: Pattern
}

enum UnaryOperator {
    case minus, plus, not, bitwiseNot, typeof, void
}

enum BinaryOperator {
    case add, subtract, multiply, divide, remainder, exponent
    case equal, notEqual, strictEqual, strictNotEqual, less, greater, lessEqual, greaterEqual
    case shiftLeft, shiftRight, unsignedShiftRight, bitAnd, bitOr, bitXor
    case `in`, instanceof
}

enum LogicalOperator {
    case and, or, nullish
}

enum AssignOperator {
    case assign
    case compound(BinaryOperator)
    case logical(LogicalOperator)
}

enum DeclarationKind {
    case `var`, `let`, `const`
}

/// A statement.
indirect enum Stmt {
    case expression(Expr, SourcePosition)
    case declaration(DeclarationKind, [(Pattern, Expr?)], SourcePosition)
    /// A function declaration: its (resolved) name and the function, hoisted to the top of its block.
    case function(Pattern, FunctionNode)
    /// A block; `environmentSize` is set when the block needs an environment of its own (it declares variables that
    /// closures created in a loop capture). The parser writes 0 for a block that contains a closure; the resolver
    /// writes the size, or nil when the block needs no environment.
    case block([Stmt], environmentSize: Int?)
    case `if`(Expr, Stmt, Stmt?)
    /// `for (init; test; update) body`; `loopEnvironment` is set when the loop's `let` variables need a fresh
    /// environment per iteration (the parser writes 0 for a loop that contains a closure, the resolver the size).
    case `for`(initializer: Stmt?, test: Expr?, update: Expr?, body: Stmt, loopEnvironment: Int?, label: String?)
    /// `for (binding of iterable)` or `for (binding in object)`.
    case forEach(
        isOf: Bool, binding: Pattern, declaration: DeclarationKind?, Expr, body: Stmt, iterationEnvironment: Int?,
        label: String?, SourcePosition)
    case `while`(Expr, Stmt, label: String?)
    case doWhile(Stmt, Expr, label: String?)
    case `break`(String?)
    case `continue`(String?)
    case `return`(Expr?)
    case `throw`(Expr, SourcePosition)
    case `try`(body: Stmt, catchParameter: Pattern?, catchBody: Stmt?, finally: Stmt?)
    case `switch`(Expr, [SwitchCase], label: String?)
    case labeled(String, Stmt)
    case empty
}

/// A `case` (or `default` when `test` is nil) of a `switch`.
struct SwitchCase {
    var test: Expr?
    var body: [Stmt]
}

/// A function: shared by every closure made from it.
final class FunctionNode {
    var name: String
    var parameters: [Pattern]
    var rest: Pattern?
    var body: [Stmt]
    /// The body of an arrow function written as an expression (`x => x + 1`).
    var expressionBody: Expr?
    let isArrow: Bool
    let position: SourcePosition
    /// The slots of the function's environment (parameters and every variable its body declares).
    var environmentSize = 0
    /// For parameters that are plain names: their slots, so a call binds them without pattern matching.
    var simpleParameterSlots: [Int]?
    /// The slot of `this` (functions that are not arrows), if the body uses it.
    var thisSlot: Int?
    /// Whether the body contains a closure (then loop variables may need environments per iteration).
    var containsClosure = false
    /// The function's source text (a function stored in a document becomes BSON code).
    var sourceText = ""
    /// The script the function was written in (an index into the interpreter's source names).
    var sourceID = 0
    /// Whether the function is a named function expression, whose name is bound inside it.
    var bindsOwnName = false
    /// For a named function expression (`function fact(n) { … fact(n - 1) }`): the slot its own name is bound in.
    var selfSlot: Int?

    init(
        name: String, parameters: [Pattern], rest: Pattern?, body: [Stmt], expressionBody: Expr?, isArrow: Bool,
        position: SourcePosition
    ) {
        self.name = name
        self.parameters = parameters
        self.rest = rest
        self.body = body
        self.expressionBody = expressionBody
        self.isArrow = isArrow
        self.position = position
    }

    /// The number of declared parameters before the first default or rest (JavaScript's `length`).
    var length: Int {
        var count = 0
        for parameter in parameters {
            if case .withDefault = parameter { break }
            count += 1
        }
        return count
    }
}

@available(*, unavailable)
extension FunctionNode: Sendable {}

/// A parsed program: its statements, and the size of its script environment (block variables of the top level).
struct Program {
    var body: [Stmt]
    var environmentSize = 0
}
