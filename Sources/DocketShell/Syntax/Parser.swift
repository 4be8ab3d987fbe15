import Docket

/// Parses the shell's JavaScript subset into a syntax tree (recursive descent, precedence climbing), with automatic
/// semicolon insertion. Constructs outside the subset are syntax errors that name the construct and its place.
///
/// Nesting is bounded twice: by ``maximumNesting`` and by the room left on the thread's stack, so a script of ten
/// thousand `(` is a syntax error, not a crash.
struct Parser {
    private var lexer: Lexer
    private var token: Token
    private var previousEnd = 0
    private var nesting = 0
    private let stack = StackGuard()
    /// Functions being parsed: whether each contains a closure.
    private var closureFlags: [Bool] = [false]
    /// The number of functions parsed so far (a loop or block that saw it grow contains a closure).
    private var functionCount = 0

    /// The deepest nesting of brackets, expressions and statements.
    static let maximumNesting = 1000

    init(_ source: String) throws(ShellError) {
        lexer = Lexer(source)
        token = Token(kind: .endOfInput, start: 0, end: 0, position: .unknown, isAfterNewline: false)
        token = try lexer.next()
    }

    /// Parses a whole program.
    static func parse(_ source: String) throws(ShellError) -> Program {
        var parser = try Parser(source)
        var body: [Stmt] = []
        while !parser.isAtEnd {
            body.append(try parser.parseStatement())
        }
        return Program(body: body)
    }

    private var isAtEnd: Bool {
        if case .endOfInput = token.kind { return true }
        return false
    }

    // MARK: Tokens

    private mutating func advance() throws(ShellError) {
        previousEnd = token.end
        token = try lexer.next()
    }

    private mutating func expect(_ p: Punctuator) throws(ShellError) {
        guard token.isPunctuator(p) else { throw unexpected(expecting: "'\(p.rawValue)'") }
        try advance()
    }

    private mutating func accept(_ p: Punctuator) throws(ShellError) -> Bool {
        guard token.isPunctuator(p) else { return false }
        try advance()
        return true
    }

    private func unexpected(expecting: String? = nil) -> ShellError {
        if case .keyword(let keyword) = token.kind, let error = unsupported(keyword) { return error }
        if token.isPunctuator(.hash) {
            return .syntax("Private class fields (#name) are not supported by the docket shell", at: token.position)
        }
        if token.isPunctuator(.at) {
            return .syntax("Decorators (@name) are not supported by the docket shell", at: token.position)
        }
        var message = isAtEnd ? "Unexpected end of input" : "Unexpected token \(token.display)"
        if let expecting, !isAtEnd { message += ", expected \(expecting)" }
        return .syntax(message, at: token.position)
    }

    private func unsupported(_ keyword: Keyword) -> ShellError? {
        let what: String
        switch keyword {
        case .class, .extends, .super: what = "Classes ('\(keyword.rawValue)')"
        case .yield: what = "Generators ('yield')"
        case .import, .export: what = "Modules ('\(keyword.rawValue)'; use load(file))"
        case .with: what = "'with' statements"
        case .debugger: what = "'debugger' statements"
        case .enum: what = "'enum'"
        default: return nil
        }
        return .syntax("\(what) are not supported by the docket shell", at: token.position)
    }

    /// Automatic semicolon insertion: a `;`, or a line break, `}` or the end before the next token.
    private mutating func consumeSemicolon() throws(ShellError) {
        if try accept(.semicolon) { return }
        if token.isPunctuator(.rightBrace) || isAtEnd || token.isAfterNewline { return }
        throw unexpected()
    }

    private mutating func enter() throws(ShellError) {
        nesting += 1
        if nesting > Parser.maximumNesting || !stack.hasRoom {
            throw ShellError.syntax("Too deeply nested (more than the shell's parser can hold)", at: token.position)
        }
    }

    private mutating func leave() { nesting -= 1 }

    /// Skips `async` before a function (`async function`, `async () =>`, `async x =>`, `async name() {}`): the
    /// shell's calls are synchronous, so an async function is an ordinary one and `await` returns its operand.
    private mutating func skipAsyncModifier() throws(ShellError) {
        guard token.isKeyword(.async) else { return }
        var scanner = lexer
        guard let next = try? scanner.next(), !next.isAfterNewline else { return }
        switch next.kind {
        case .keyword(.function), .punctuator(.leftParen), .identifier: try advance()
        default: return
        }
    }

    private mutating func identifierName() throws(ShellError) -> String? {
        switch token.kind {
        case .identifier(let name):
            try advance()
            return name
        case .keyword(let keyword) where keyword.isContextual:
            try advance()
            return keyword.rawValue
        default:
            return nil
        }
    }

    private mutating func bindingIdentifier() throws(ShellError) -> (String, SourcePosition) {
        let position = token.position
        guard let name = try identifierName() else { throw unexpected(expecting: "a name") }
        return (name, position)
    }

    // MARK: Statements

    mutating func parseStatement() throws(ShellError) -> Stmt {
        try enter()
        defer { leave() }
        try skipAsyncModifier()
        let position = token.position
        switch token.kind {
        case .punctuator(.leftBrace):
            let functionsBefore = functionCount
            let body = try parseBlock()
            return .block(body, environmentSize: functionCount > functionsBefore ? 0 : nil)
        case .punctuator(.semicolon):
            try advance()
            return .empty
        case .keyword(let keyword):
            switch keyword {
            case .var, .let, .const:
                let statement = try parseDeclaration()
                try consumeSemicolon()
                return statement
            case .function:
                let start = token.start
                try advance()
                if token.isPunctuator(.star) { throw ShellError.syntax("Generators are not supported", at: position) }
                let (name, namePosition) = try bindingIdentifier()
                let function = try parseFunctionRest(name: name, position: position, start: start)
                return .function(.binding(name, namePosition), function)
            case .if:
                try advance()
                try expect(.leftParen)
                let test = try parseExpression()
                try expect(.rightParen)
                let consequent = try parseStatement()
                var alternate: Stmt?
                if token.isKeyword(.else) {
                    try advance()
                    alternate = try parseStatement()
                }
                return .if(test, consequent, alternate)
            case .for: return try parseFor(label: nil)
            case .while:
                try advance()
                try expect(.leftParen)
                let test = try parseExpression()
                try expect(.rightParen)
                return .while(test, try parseStatement(), label: nil)
            case .do:
                try advance()
                let body = try parseStatement()
                guard token.isKeyword(.while) else { throw unexpected(expecting: "'while'") }
                try advance()
                try expect(.leftParen)
                let test = try parseExpression()
                try expect(.rightParen)
                _ = try accept(.semicolon)
                return .doWhile(body, test, label: nil)
            case .break, .continue:
                try advance()
                var label: String?
                if !token.isAfterNewline, case .identifier(let name) = token.kind {
                    label = name
                    try advance()
                }
                try consumeSemicolon()
                return keyword == .break ? .break(label) : .continue(label)
            case .return:
                try advance()
                var value: Expr?
                if !token.isAfterNewline && !token.isPunctuator(.semicolon) && !token.isPunctuator(.rightBrace)
                    && !isAtEnd
                {
                    value = try parseExpression()
                }
                try consumeSemicolon()
                return .return(value)
            case .throw:
                try advance()
                if token.isAfterNewline { throw ShellError.syntax("Illegal newline after throw", at: position) }
                let value = try parseExpression()
                try consumeSemicolon()
                return .throw(value, position)
            case .try: return try parseTry()
            case .switch: return try parseSwitch(label: nil)
            default:
                if let error = unsupported(keyword) { throw error }
            }
        case .identifier(let name):
            // A label: `outer: for (…)`.
            let saved = (lexer.state, token, previousEnd)
            try advance()
            if token.isPunctuator(.colon) {
                try advance()
                switch token.kind {
                case .keyword(.for): return try parseFor(label: name)
                case .keyword(.while), .keyword(.do), .keyword(.switch):
                    let statement = try parseStatement()
                    return relabel(statement, name)
                default: return .labeled(name, try parseStatement())
                }
            }
            lexer.restore(saved.0)
            token = saved.1
            previousEnd = saved.2
        default:
            break
        }
        let expression = try parseExpression()
        try consumeSemicolon()
        return .expression(expression, position)
    }

    private func relabel(_ statement: Stmt, _ label: String) -> Stmt {
        switch statement {
        case .while(let test, let body, _): .while(test, body, label: label)
        case .doWhile(let body, let test, _): .doWhile(body, test, label: label)
        case .switch(let value, let cases, _): .switch(value, cases, label: label)
        default: .labeled(label, statement)
        }
    }

    private mutating func parseBlock() throws(ShellError) -> [Stmt] {
        try expect(.leftBrace)
        var body: [Stmt] = []
        while !token.isPunctuator(.rightBrace) {
            if isAtEnd { throw unexpected(expecting: "'}'") }
            body.append(try parseStatement())
        }
        try advance()
        return body
    }

    private mutating func declarationKind() throws(ShellError) -> DeclarationKind? {
        let kind: DeclarationKind
        switch token.kind {
        case .keyword(.var): kind = .var
        case .keyword(.let): kind = .let
        case .keyword(.const): kind = .const
        default: return nil
        }
        try advance()
        return kind
    }

    /// `let a = 1, {b} = c` (without the semicolon). `forHeader` allows a missing initializer on `const` (`for (const
    /// x of …)`) and forbids `in` in initializers.
    private mutating func parseDeclaration(forHeader: Bool = false) throws(ShellError) -> Stmt {
        let position = token.position
        guard let kind = try declarationKind() else { throw unexpected() }
        var declarations: [(Pattern, Expr?)] = []
        repeat {
            let target = try parseBindingTarget()
            var initializer: Expr?
            if try accept(.assign) {
                initializer = try parseAssignment(allowIn: !forHeader)
                if case .binding(let name, _) = target, case .function(let node)? = initializer, node.name.isEmpty {
                    node.name = name
                }
            } else if !forHeader {
                if kind == .const {
                    throw ShellError.syntax("Missing initializer in const declaration", at: token.position)
                }
                if case .binding = target {
                } else {
                    throw ShellError.syntax("Missing initializer in destructuring declaration", at: token.position)
                }
            }
            declarations.append((target, initializer))
        } while try accept(.comma)
        return .declaration(kind, declarations, position)
    }

    private mutating func parseFor(label: String?) throws(ShellError) -> Stmt {
        let position = token.position
        let functionsBefore = functionCount
        try advance()
        if token.isKeyword(.await) { throw ShellError.syntax("'for await' is not supported", at: token.position) }
        try expect(.leftParen)
        var initializer: Stmt?
        if token.isKeyword(.var) || token.isKeyword(.let) || token.isKeyword(.const) {
            let declaration = try parseDeclaration(forHeader: true)
            if case .declaration(let kind, let declarations, _) = declaration, declarations.count == 1,
                declarations[0].1 == nil, token.isKeyword(.of) || token.isKeyword(.in)
            {
                let isOf = token.isKeyword(.of)
                try advance()
                let iterable = isOf ? try parseAssignment() : try parseExpression()
                try expect(.rightParen)
                let body = try parseStatement()
                return .forEach(
                    isOf: isOf, binding: declarations[0].0, declaration: kind, iterable, body: body,
                    iterationEnvironment: functionCount > functionsBefore ? 0 : nil, label: label, position)
            }
            if case .declaration(.const, let declarations, _) = declaration,
                declarations.contains(where: { $0.1 == nil })
            {
                throw ShellError.syntax("Missing initializer in const declaration", at: token.position)
            }
            initializer = declaration
        } else if !token.isPunctuator(.semicolon) {
            let expressionPosition = token.position
            let expression = try parseExpression(allowIn: false)
            if token.isKeyword(.of) || token.isKeyword(.in) {
                let isOf = token.isKeyword(.of)
                try advance()
                let target = try assignmentPattern(from: expression, at: expressionPosition)
                let iterable = isOf ? try parseAssignment() : try parseExpression()
                try expect(.rightParen)
                let body = try parseStatement()
                return .forEach(
                    isOf: isOf, binding: target, declaration: nil, iterable, body: body, iterationEnvironment: nil,
                    label: label, position)
            }
            initializer = .expression(expression, expressionPosition)
        }
        try expect(.semicolon)
        let test = token.isPunctuator(.semicolon) ? nil : try parseExpression()
        try expect(.semicolon)
        let update = token.isPunctuator(.rightParen) ? nil : try parseExpression()
        try expect(.rightParen)
        let body = try parseStatement()
        return .for(
            initializer: initializer, test: test, update: update, body: body,
            loopEnvironment: functionCount > functionsBefore ? 0 : nil, label: label)
    }

    private mutating func parseTry() throws(ShellError) -> Stmt {
        try advance()
        let body = Stmt.block(try parseBlock(), environmentSize: nil)
        var parameter: Pattern?
        var handler: Stmt?
        var finalizer: Stmt?
        if token.isKeyword(.catch) {
            try advance()
            if try accept(.leftParen) {
                parameter = try parseBindingTarget()
                try expect(.rightParen)
            }
            handler = .block(try parseBlock(), environmentSize: nil)
        }
        if token.isKeyword(.finally) {
            try advance()
            finalizer = .block(try parseBlock(), environmentSize: nil)
        }
        guard handler != nil || finalizer != nil else { throw unexpected(expecting: "'catch' or 'finally'") }
        return .try(body: body, catchParameter: parameter, catchBody: handler, finally: finalizer)
    }

    private mutating func parseSwitch(label: String?) throws(ShellError) -> Stmt {
        try advance()
        try expect(.leftParen)
        let value = try parseExpression()
        try expect(.rightParen)
        try expect(.leftBrace)
        var cases: [SwitchCase] = []
        var sawDefault = false
        while !(try accept(.rightBrace)) {
            var test: Expr?
            if token.isKeyword(.case) {
                try advance()
                test = try parseExpression()
            } else if token.isKeyword(.default) {
                if sawDefault {
                    throw ShellError.syntax("More than one default clause in switch statement", at: token.position)
                }
                sawDefault = true
                try advance()
            } else {
                throw unexpected(expecting: "'case' or 'default'")
            }
            try expect(.colon)
            var body: [Stmt] = []
            while !token.isKeyword(.case) && !token.isKeyword(.default) && !token.isPunctuator(.rightBrace) {
                if isAtEnd { throw unexpected(expecting: "'}'") }
                body.append(try parseStatement())
            }
            cases.append(SwitchCase(test: test, body: body))
        }
        return .switch(value, cases, label: label)
    }

    // MARK: Patterns

    /// A binding target: a name, or an object or array pattern.
    private mutating func parseBindingTarget() throws(ShellError) -> Pattern {
        try enter()
        defer { leave() }
        if token.isPunctuator(.leftBracket) {
            try advance()
            var elements: [Pattern?] = []
            var rest: Pattern?
            while !(try accept(.rightBracket)) {
                if try accept(.comma) {
                    elements.append(nil)
                    continue
                }
                if try accept(.ellipsis) {
                    rest = try parseBindingTarget()
                    _ = try accept(.comma)
                    try expect(.rightBracket)
                    break
                }
                elements.append(try parseBindingElement())
                if !token.isPunctuator(.rightBracket) { try expect(.comma) }
            }
            return .array(elements, rest: rest)
        }
        if token.isPunctuator(.leftBrace) {
            try advance()
            var properties: [PatternProperty] = []
            var rest: Pattern?
            while !(try accept(.rightBrace)) {
                if try accept(.ellipsis) {
                    let (name, position) = try bindingIdentifier()
                    rest = .binding(name, position)
                    _ = try accept(.comma)
                    try expect(.rightBrace)
                    break
                }
                let keyPosition = token.position
                let (key, shorthandName) = try parsePropertyKey()
                var value: Pattern
                if try accept(.colon) {
                    value = try parseBindingElement()
                } else {
                    guard let shorthandName else { throw unexpected(expecting: "':'") }
                    value = .binding(shorthandName, keyPosition)
                    if try accept(.assign) { value = .withDefault(value, try parseAssignment()) }
                }
                properties.append(PatternProperty(key: key, value: value))
                if !token.isPunctuator(.rightBrace) { try expect(.comma) }
            }
            return .object(properties, rest: rest)
        }
        let (name, position) = try bindingIdentifier()
        return .binding(name, position)
    }

    private mutating func parseBindingElement() throws(ShellError) -> Pattern {
        let target = try parseBindingTarget()
        if try accept(.assign) { return .withDefault(target, try parseAssignment()) }
        return target
    }

    /// Turns an expression on the left of `=` (or of `of` in `for`) into an assignment pattern.
    private func assignmentPattern(from expression: Expr, at position: SourcePosition) throws(ShellError) -> Pattern {
        switch expression {
        case .identifier(let name, let at): return .binding(name, at)
        case .member, .index: return .target(expression)
        case .array(let elements):
            var patterns: [Pattern?] = []
            var rest: Pattern?
            for (i, element) in elements.enumerated() {
                switch element {
                case .hole: patterns.append(nil)
                case .expression(let e): patterns.append(try assignmentPattern(from: e, at: position))
                case .spread(let e):
                    guard i == elements.count - 1 else {
                        throw ShellError.syntax("Rest element must be last element", at: position)
                    }
                    rest = try assignmentPattern(from: e, at: position)
                }
            }
            return .array(patterns, rest: rest)
        case .object(let properties):
            var patterns: [PatternProperty] = []
            var rest: Pattern?
            for property in properties {
                switch property {
                case .property(let key, let value):
                    patterns.append(PatternProperty(key: key, value: try assignmentPattern(from: value, at: position)))
                case .spread(let e): rest = try assignmentPattern(from: e, at: position)
                }
            }
            return .object(patterns, rest: rest)
        case .assign(.assign, .simple(let target), let value, _):
            return .withDefault(try assignmentPattern(from: target, at: position), value)
        case .assign(.assign, .pattern(let target), let value, _):
            return .withDefault(target, value)
        default:
            throw ShellError.syntax("Invalid left-hand side in assignment", at: position)
        }
    }

    // MARK: Expressions

    mutating func parseExpression(allowIn: Bool = true) throws(ShellError) -> Expr {
        let first = try parseAssignment(allowIn: allowIn)
        guard token.isPunctuator(.comma) else { return first }
        var expressions = [first]
        while try accept(.comma) { expressions.append(try parseAssignment(allowIn: allowIn)) }
        return .sequence(expressions)
    }

    private mutating func parseAssignment(allowIn: Bool = true) throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        try skipAsyncModifier()
        if let arrow = try parseArrowFunctionIfAny() { return arrow }
        let position = token.position
        let left = try parseConditional(allowIn: allowIn)
        guard case .punctuator(let p) = token.kind, let op = assignOperator(p) else { return left }
        try advance()
        let value = try parseAssignment(allowIn: allowIn)
        if case .assign = op, case .array = left {
            return .assign(
                op, target: .pattern(try assignmentPattern(from: left, at: position)), value: value, position)
        }
        if case .assign = op, case .object = left {
            return .assign(
                op, target: .pattern(try assignmentPattern(from: left, at: position)), value: value, position)
        }
        switch left {
        case .identifier, .member, .index: return .assign(op, target: .simple(left), value: value, position)
        default: throw ShellError.syntax("Invalid left-hand side in assignment", at: position)
        }
    }

    private func assignOperator(_ p: Punctuator) -> AssignOperator? {
        switch p {
        case .assign: .assign
        case .plusAssign: .compound(.add)
        case .minusAssign: .compound(.subtract)
        case .starAssign: .compound(.multiply)
        case .slashAssign: .compound(.divide)
        case .percentAssign: .compound(.remainder)
        case .starStarAssign: .compound(.exponent)
        case .shiftLeftAssign: .compound(.shiftLeft)
        case .shiftRightAssign: .compound(.shiftRight)
        case .unsignedShiftRightAssign: .compound(.unsignedShiftRight)
        case .ampersandAssign: .compound(.bitAnd)
        case .pipeAssign: .compound(.bitOr)
        case .caretAssign: .compound(.bitXor)
        case .ampersandAmpersandAssign: .logical(.and)
        case .pipePipeAssign: .logical(.or)
        case .questionQuestionAssign: .logical(.nullish)
        default: nil
        }
    }

    private mutating func parseConditional(allowIn: Bool) throws(ShellError) -> Expr {
        let test = try parseBinary(minimumPrecedence: 0, allowIn: allowIn)
        guard try accept(.question) else { return test }
        let consequent = try parseAssignment()
        try expect(.colon)
        let alternate = try parseAssignment(allowIn: allowIn)
        return .conditional(test, consequent, alternate)
    }

    private enum Infix {
        case binary(BinaryOperator)
        case logical(LogicalOperator)
    }

    private func infixOperator(allowIn: Bool) -> (Infix, precedence: Int)? {
        switch token.kind {
        case .punctuator(let p):
            switch p {
            case .questionQuestion: return (.logical(.nullish), 1)
            case .pipePipe: return (.logical(.or), 2)
            case .ampersandAmpersand: return (.logical(.and), 3)
            case .pipe: return (.binary(.bitOr), 4)
            case .caret: return (.binary(.bitXor), 5)
            case .ampersand: return (.binary(.bitAnd), 6)
            case .equal: return (.binary(.equal), 7)
            case .notEqual: return (.binary(.notEqual), 7)
            case .strictEqual: return (.binary(.strictEqual), 7)
            case .strictNotEqual: return (.binary(.strictNotEqual), 7)
            case .lessThan: return (.binary(.less), 8)
            case .greaterThan: return (.binary(.greater), 8)
            case .lessEqual: return (.binary(.lessEqual), 8)
            case .greaterEqual: return (.binary(.greaterEqual), 8)
            case .shiftLeft: return (.binary(.shiftLeft), 9)
            case .shiftRight: return (.binary(.shiftRight), 9)
            case .unsignedShiftRight: return (.binary(.unsignedShiftRight), 9)
            case .plus: return (.binary(.add), 10)
            case .minus: return (.binary(.subtract), 10)
            case .star: return (.binary(.multiply), 11)
            case .slash: return (.binary(.divide), 11)
            case .percent: return (.binary(.remainder), 11)
            case .starStar: return (.binary(.exponent), 12)
            default: return nil
            }
        case .keyword(.instanceof): return (.binary(.instanceof), 8)
        case .keyword(.in) where allowIn: return (.binary(.in), 8)
        default: return nil
        }
    }

    private mutating func parseBinary(minimumPrecedence: Int, allowIn: Bool) throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        var left = try parseUnary()
        // Each operator of a chain (`a + b + c …`) deepens the tree: count it as nesting, so no tree is deeper
        // than the interpreter (and Swift's release of the tree) can walk.
        let nestingBefore = nesting
        defer { nesting = nestingBefore }
        while let (op, precedence) = infixOperator(allowIn: allowIn), precedence > minimumPrecedence {
            let position = token.position
            try enter()
            try advance()
            // `**` is right-associative; the others are left-associative.
            let isExponent: Bool
            if case .binary(.exponent) = op { isExponent = true } else { isExponent = false }
            let right = try parseBinary(minimumPrecedence: isExponent ? precedence - 1 : precedence, allowIn: allowIn)
            switch op {
            case .binary(let b): left = .binary(b, left, right, position)
            case .logical(let l): left = .logical(l, left, right)
            }
        }
        return left
    }

    private mutating func parseUnary() throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        let position = token.position
        let op: UnaryOperator
        switch token.kind {
        case .punctuator(.minus): op = .minus
        case .punctuator(.plus): op = .plus
        case .punctuator(.bang): op = .not
        case .punctuator(.tilde): op = .bitwiseNot
        case .keyword(.typeof): op = .typeof
        case .keyword(.void): op = .void
        case .keyword(.delete):
            try advance()
            return .delete(try parseUnary(), position)
        case .keyword(.await):
            // The shell's calls are synchronous: `await x` is `x`, as a mongosh script expects.
            try advance()
            return try parseUnary()
        case .punctuator(.plusPlus), .punctuator(.minusMinus):
            let increment = token.isPunctuator(.plusPlus)
            try advance()
            let target = try parseUnary()
            try checkUpdateTarget(target, at: position)
            return .update(increment: increment, prefix: true, target: target, position)
        default:
            return try parsePostfix()
        }
        try advance()
        let operand = try parseUnary()
        if token.isPunctuator(.starStar) {
            throw ShellError.syntax(
                "Unary operator used immediately before exponentiation expression; use parentheses", at: token.position)
        }
        return .unary(op, operand, position)
    }

    private func checkUpdateTarget(_ target: Expr, at position: SourcePosition) throws(ShellError) {
        switch target {
        case .identifier, .member, .index: return
        default: throw ShellError.syntax("Invalid left-hand side expression in update operation", at: position)
        }
    }

    private mutating func parsePostfix() throws(ShellError) -> Expr {
        let position = token.position
        let expression = try parseLeftHandSide()
        if (token.isPunctuator(.plusPlus) || token.isPunctuator(.minusMinus)) && !token.isAfterNewline {
            let increment = token.isPunctuator(.plusPlus)
            try checkUpdateTarget(expression, at: position)
            try advance()
            return .update(increment: increment, prefix: false, target: expression, position)
        }
        return expression
    }

    private mutating func parseArguments() throws(ShellError) -> [ArrayElement] {
        try expect(.leftParen)
        var arguments: [ArrayElement] = []
        while !(try accept(.rightParen)) {
            if try accept(.ellipsis) {
                arguments.append(.spread(try parseAssignment()))
            } else {
                arguments.append(.expression(try parseAssignment()))
            }
            if !token.isPunctuator(.rightParen) { try expect(.comma) }
        }
        return arguments
    }

    private mutating func parseLeftHandSide() throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        var expression: Expr
        let start = token.position
        if token.isKeyword(.new) {
            try advance()
            if token.isPunctuator(.dot) {
                throw ShellError.syntax("'new.target' is not supported", at: start)
            }
            let callee = try parseMemberOnly()
            let arguments = token.isPunctuator(.leftParen) ? try parseArguments() : []
            expression = .new(callee: callee, arguments: arguments, start)
        } else {
            expression = try parsePrimary()
        }
        var isOptionalChain = false
        let nestingBefore = nesting
        defer { nesting = nestingBefore }
        while true {
            try enter()
            let position = token.position
            if try accept(.dot) {
                // A member's position is its name's: errors point at `find` in `db.c.find(…)`.
                let namePosition = token.position
                expression = .member(expression, name: try propertyName(), optional: false, namePosition)
            } else if try accept(.questionDot) {
                isOptionalChain = true
                if token.isPunctuator(.leftParen) {
                    expression = .call(
                        callee: expression, arguments: try parseArguments(), optional: true,
                        Parser.callPosition(expression, position))
                } else if try accept(.leftBracket) {
                    let index = try parseExpression()
                    try expect(.rightBracket)
                    expression = .index(expression, index, optional: true, position)
                } else {
                    expression = .member(expression, name: try propertyName(), optional: true, position)
                }
            } else if try accept(.leftBracket) {
                let index = try parseExpression()
                try expect(.rightBracket)
                expression = .index(expression, index, optional: false, position)
            } else if token.isPunctuator(.leftParen) {
                expression = .call(
                    callee: expression, arguments: try parseArguments(), optional: false,
                    Parser.callPosition(expression, position))
            } else if case .template = token.kind {
                throw ShellError.syntax("Tagged templates are not supported by the docket shell", at: position)
            } else {
                break
            }
        }
        return isOptionalChain ? .optionalChain(expression) : expression
    }

    /// Where a call's errors point: the method's name for `a.b(…)`, else the `(`.
    private static func callPosition(_ callee: Expr, _ parenthesis: SourcePosition) -> SourcePosition {
        if case .member(_, _, _, let position) = callee { return position }
        return parenthesis
    }

    /// The callee of `new`: a member expression without calls (`new a.b.C(…)`).
    private mutating func parseMemberOnly() throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        var expression: Expr
        if token.isKeyword(.new) {
            let position = token.position
            try advance()
            let callee = try parseMemberOnly()
            let arguments = token.isPunctuator(.leftParen) ? try parseArguments() : []
            expression = .new(callee: callee, arguments: arguments, position)
        } else {
            expression = try parsePrimary()
        }
        let nestingBefore = nesting
        defer { nesting = nestingBefore }
        while true {
            try enter()
            let position = token.position
            if try accept(.dot) {
                expression = .member(expression, name: try propertyName(), optional: false, position)
            } else if try accept(.leftBracket) {
                let index = try parseExpression()
                try expect(.rightBracket)
                expression = .index(expression, index, optional: false, position)
            } else {
                return expression
            }
        }
    }

    /// A property name after `.`: any identifier, keywords included (`cursor.next`, `x.default`).
    private mutating func propertyName() throws(ShellError) -> String {
        switch token.kind {
        case .identifier(let name):
            try advance()
            return name
        case .keyword(let keyword):
            try advance()
            return keyword.rawValue
        case .punctuator(.hash):
            throw ShellError.syntax(
                "Private class fields (#name) are not supported by the docket shell", at: token.position)
        default:
            throw unexpected(expecting: "a property name")
        }
    }

    private mutating func parsePrimary() throws(ShellError) -> Expr {
        let position = token.position
        switch token.kind {
        case .number(let value):
            try advance()
            return .number(value)
        case .string(let value):
            try advance()
            return .string(value)
        case .template(let text, let isTail):
            try advance()
            return try parseTemplate(first: text, isTail: isTail)
        case .regex:
            throw unexpected()
        case .identifier(let name):
            try advance()
            return .identifier(name, position)
        case .keyword(let keyword):
            switch keyword {
            case .this:
                try advance()
                return .this
            case .true, .false:
                try advance()
                return .boolean(keyword == .true)
            case .null:
                try advance()
                return .null
            case .undefined, .of:
                try advance()
                return .identifier(keyword.rawValue, position)
            case .function:
                let start = token.start
                try advance()
                if token.isPunctuator(.star) { throw ShellError.syntax("Generators are not supported", at: position) }
                var name = ""
                if let given = try identifierName() { name = given }
                let node = try parseFunctionRest(name: name, position: position, start: start)
                node.bindsOwnName = !name.isEmpty
                return .function(node)
            default:
                throw unexpected()
            }
        case .punctuator(let p):
            switch p {
            case .leftParen:
                try advance()
                let expression = try parseExpression()
                try expect(.rightParen)
                return expression
            case .leftBracket: return try parseArrayLiteral()
            case .leftBrace: return try parseObjectLiteral()
            case .slash, .slashAssign:
                token = try lexer.scanRegex(from: token)
                guard case .regex(let pattern, let flags) = token.kind else { throw unexpected() }
                try advance()
                return .regex(pattern: pattern, flags: flags, position)
            default:
                throw unexpected()
            }
        case .endOfInput:
            throw unexpected()
        }
    }

    private mutating func parseTemplate(first: String, isTail: Bool) throws(ShellError) -> Expr {
        var parts = [first]
        var expressions: [Expr] = []
        var done = isTail
        while !done {
            expressions.append(try parseExpression())
            guard token.isPunctuator(.rightBrace) else { throw unexpected(expecting: "'}'") }
            token = try lexer.scanTemplateContinuation(from: token)
            guard case .template(let text, let tail) = token.kind else { throw unexpected() }
            parts.append(text)
            done = tail
            try advance()
        }
        return .template(parts: parts, expressions: expressions)
    }

    private mutating func parseArrayLiteral() throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        try advance()
        var elements: [ArrayElement] = []
        while !(try accept(.rightBracket)) {
            if try accept(.comma) {
                elements.append(.hole)
                continue
            }
            if try accept(.ellipsis) {
                elements.append(.spread(try parseAssignment()))
            } else {
                elements.append(.expression(try parseAssignment()))
            }
            if !token.isPunctuator(.rightBracket) { try expect(.comma) }
        }
        return .array(elements)
    }

    /// A property key: a name (also reported as a shorthand candidate), a string, a number or `[computed]`.
    private mutating func parsePropertyKey() throws(ShellError) -> (PropertyKey, shorthand: String?) {
        switch token.kind {
        case .identifier(let name):
            try advance()
            return (.fixed(name), name)
        case .keyword(let keyword):
            try advance()
            return (.fixed(keyword.rawValue), keyword.isContextual ? keyword.rawValue : nil)
        case .string(let value):
            try advance()
            return (.fixed(value), nil)
        case .number(let value):
            try advance()
            return (.fixed(JavaScriptText.number(value)), nil)
        case .punctuator(.leftBracket):
            try advance()
            let key = try parseAssignment()
            try expect(.rightBracket)
            return (.computed(key), nil)
        default:
            throw unexpected(expecting: "a property name")
        }
    }

    private mutating func parseObjectLiteral() throws(ShellError) -> Expr {
        try enter()
        defer { leave() }
        try advance()
        var properties: [ObjectProperty] = []
        while !(try accept(.rightBrace)) {
            if try accept(.ellipsis) {
                properties.append(.spread(try parseAssignment()))
            } else {
                let keyPosition = token.position
                let keyStart = token.start
                if case .identifier(let word) = token.kind, word == "get" || word == "set" {
                    let saved = (lexer.state, token, previousEnd)
                    try advance()
                    if !token.isPunctuator(.colon) && !token.isPunctuator(.comma) && !token.isPunctuator(.leftParen)
                        && !token.isPunctuator(.rightBrace)
                    {
                        throw ShellError.syntax(
                            "Getters and setters are not supported by the docket shell", at: keyPosition)
                    }
                    lexer.restore(saved.0)
                    token = saved.1
                    previousEnd = saved.2
                }
                try skipAsyncModifier()
                if token.isPunctuator(.star) {
                    throw ShellError.syntax("Generator methods are not supported by the docket shell", at: keyPosition)
                }
                let (key, shorthand) = try parsePropertyKey()
                if try accept(.colon) {
                    var value = try parseAssignment()
                    if case .fixed(let name) = key, case .function(let node) = value, node.name.isEmpty {
                        node.name = name
                        value = .function(node)
                    }
                    properties.append(.property(key: key, value: value))
                } else if token.isPunctuator(.leftParen) {
                    var name = ""
                    if case .fixed(let fixed) = key { name = fixed }
                    let method = try parseFunctionRest(name: name, position: keyPosition, start: keyStart)
                    properties.append(.property(key: key, value: .function(method)))
                } else {
                    guard let shorthand else { throw unexpected(expecting: "':'") }
                    var value = Expr.identifier(shorthand, keyPosition)
                    if try accept(.assign) {
                        // `{a = 1}` is only valid as a destructuring target; it reads as a default there.
                        value = .assign(.assign, target: .simple(value), value: try parseAssignment(), keyPosition)
                    }
                    properties.append(.property(key: key, value: value))
                }
            }
            if !token.isPunctuator(.rightBrace) { try expect(.comma) }
        }
        return .object(properties)
    }

    // MARK: Functions

    /// Parameters and body after a function's name.
    private mutating func parseFunctionRest(name: String, position: SourcePosition, start: Int) throws(ShellError)
        -> FunctionNode
    {
        try enter()
        defer { leave() }
        closureFlags[closureFlags.count - 1] = true
        functionCount += 1
        let (parameters, rest) = try parseParameters()
        closureFlags.append(false)
        let body = try parseBlock()
        let containsClosure = closureFlags.removeLast()
        let node = FunctionNode(
            name: name, parameters: parameters, rest: rest, body: body, expressionBody: nil, isArrow: false,
            position: position)
        node.containsClosure = containsClosure
        node.sourceText = lexer.text(from: start, to: previousEnd)
        return node
    }

    /// `(a, b = 1, ...rest)`: parameters with defaults and a rest parameter.
    private mutating func parseParameters() throws(ShellError) -> ([Pattern], rest: Pattern?) {
        try expect(.leftParen)
        var parameters: [Pattern] = []
        while !(try accept(.rightParen)) {
            if try accept(.ellipsis) {
                let rest = try parseBindingTarget()
                try expect(.rightParen)
                return (parameters, rest)
            }
            parameters.append(try parseBindingElement())
            if !token.isPunctuator(.rightParen) { try expect(.comma) }
        }
        return (parameters, nil)
    }

    /// An arrow function, if one starts here: `x => …` or `(a, b) => …` (found by scanning to the matching `)`).
    private mutating func parseArrowFunctionIfAny() throws(ShellError) -> Expr? {
        let position = token.position
        let start = token.start
        var parameters: [Pattern] = []
        var rest: Pattern?
        if case .identifier(let name) = token.kind {
            let saved = (lexer.state, token, previousEnd)
            try advance()
            guard token.isPunctuator(.arrow), !token.isAfterNewline else {
                lexer.restore(saved.0)
                token = saved.1
                previousEnd = saved.2
                return nil
            }
            parameters = [.binding(name, position)]
        } else if token.isPunctuator(.leftParen) {
            guard isArrowAhead() else { return nil }
            (parameters, rest) = try parseParameters()
            guard token.isPunctuator(.arrow) else { throw unexpected(expecting: "'=>'") }
        } else {
            return nil
        }
        if token.isAfterNewline { throw ShellError.syntax("Unexpected line break before '=>'", at: token.position) }
        try advance()  // =>
        functionCount += 1
        closureFlags[closureFlags.count - 1] = true
        closureFlags.append(false)
        defer { closureFlags.removeLast() }
        let node: FunctionNode
        if token.isPunctuator(.leftBrace) {
            let body = try parseBlock()
            node = FunctionNode(
                name: "", parameters: parameters, rest: rest, body: body, expressionBody: nil, isArrow: true,
                position: position)
        } else {
            let expression = try parseAssignment()
            node = FunctionNode(
                name: "", parameters: parameters, rest: rest, body: [], expressionBody: expression, isArrow: true,
                position: position)
        }
        node.containsClosure = closureFlags[closureFlags.count - 1]
        node.sourceText = lexer.text(from: start, to: previousEnd)
        return .function(node)
    }

    /// Whether the `(` at the current token closes with a `)` followed by `=>`: a scan of tokens counting brackets
    /// (a regular expression in default values may confuse it; the expression parse then reports the error).
    private func isArrowAhead() -> Bool {
        var scanner = lexer
        var depth = 1
        while depth > 0 {
            guard let next = try? scanner.next() else { return false }
            switch next.kind {
            case .punctuator(.leftParen), .punctuator(.leftBracket), .punctuator(.leftBrace):
                depth += 1
                // Deeper than the parser goes: not worth scanning (the parse fails anyway).
                if depth > Parser.maximumNesting { return false }
            case .punctuator(.rightParen), .punctuator(.rightBracket), .punctuator(.rightBrace): depth -= 1
            case .template(_, let isTail) where !isTail:
                // `${` opened a substitution; its `}` closes it.
                depth += 1
            case .endOfInput: return false
            default: break
            }
        }
        guard let after = try? scanner.next() else { return false }
        return after.isPunctuator(.arrow)
    }
}
