import Docket

/// The shell's global variables: names to slots, kept across the evaluations of one shell session (a REPL line
/// declares what the next one uses).
final class GlobalTable {
    private(set) var names: [String] = []
    private var slots: [String: Int] = [:]
    /// Whether a slot was declared `const` (or is a read-only global such as `undefined`).
    private(set) var isConstant: [Bool] = []

    /// The slot of a name, created (undeclared) if needed.
    func slot(for name: String) -> Int {
        if let slot = slots[name] { return slot }
        let slot = names.count
        names.append(name)
        slots[name] = slot
        isConstant.append(false)
        return slot
    }

    func existingSlot(for name: String) -> Int? { slots[name] }

    func setConstant(_ slot: Int, _ constant: Bool) { isConstant[slot] = constant }

    var count: Int { names.count }
}

/// Resolves a program's names into environment slots (`.local(hops:slot:)`, `.global(slot:)`), sizes every
/// environment, finds the slot of `this` of each function, and reports duplicate declarations.
///
/// Environments: each function call has one; the script has one for the variables of its nested blocks; a block or
/// loop gets its own only when closures made in a loop may capture its `let`/`const` variables (each iteration
/// then needs fresh variables). Top-level declarations are globals.
struct Resolver {
    private let globals: GlobalTable
    private var scopes: [Scope] = []
    private var environments: [EnvironmentInfo] = []
    private let stack = StackGuard()
    /// Names declared at the top level by this program (a second declaration is an error).
    private var topLevelNames: Set<String> = []

    private final class EnvironmentInfo {
        var size = 0
        /// The function whose `this` lives in this environment, if any.
        let function: FunctionNode?
        init(function: FunctionNode?) { self.function = function }
    }

    private struct Binding {
        var slot: Int
        var isConstant: Bool
    }

    private final class Scope {
        var names: [String: Binding] = [:]
        let environment: EnvironmentInfo
        let isFunction: Bool
        let isArrow: Bool
        /// The script's outermost scope: its declarations are globals.
        let isTopLevel: Bool
        /// Loops entered in this function (blocks inside loops may need their own environment).
        var loopDepth: Int

        init(environment: EnvironmentInfo, isFunction: Bool, isArrow: Bool, isTopLevel: Bool, loopDepth: Int) {
            self.environment = environment
            self.isFunction = isFunction
            self.isArrow = isArrow
            self.isTopLevel = isTopLevel
            self.loopDepth = loopDepth
        }
    }

    init(globals: GlobalTable) { self.globals = globals }

    /// Resolves a whole program.
    mutating func resolve(_ program: Program) throws(ShellError) -> Program {
        let script = EnvironmentInfo(function: nil)
        environments = [script]
        scopes = [Scope(environment: script, isFunction: true, isArrow: false, isTopLevel: true, loopDepth: 0)]
        hoistVarDeclarations(program.body)
        try declareLexical(program.body)
        let body = try resolveStatements(program.body)
        return Program(body: body, environmentSize: script.size)
    }

    // MARK: Scopes

    private var scope: Scope { scopes[scopes.count - 1] }

    private func allocate(in environment: EnvironmentInfo) -> Int {
        environment.size += 1
        return environment.size - 1
    }

    /// Declares a name in the current scope (globals at the top level).
    private mutating func declare(_ name: String, constant: Bool, lexical: Bool, at position: SourcePosition)
        throws(ShellError)
    {
        let scope = self.scope
        if scope.isTopLevel {
            if lexical && topLevelNames.contains(name) {
                throw ShellError.syntax("Identifier '\(name)' has already been declared", at: position)
            }
            topLevelNames.insert(name)
            let slot = globals.slot(for: name)
            globals.setConstant(slot, false)  // made constant when initialized (a REPL may declare it again)
            return
        }
        if let existing = scope.names[name] {
            if lexical || existing.isConstant {
                throw ShellError.syntax("Identifier '\(name)' has already been declared", at: position)
            }
            return
        }
        scope.names[name] = Binding(slot: allocate(in: scope.environment), isConstant: constant)
    }

    /// The innermost scope (walking outwards) for which `found` gives a result, with the number of environments
    /// between it and the current scope.
    private func findScope<T>(_ found: (Scope) -> T?) -> (T, hops: Int)? {
        var hops = 0
        var environment = scope.environment
        for scope in scopes.reversed() {
            if scope.environment !== environment {
                hops += 1
                environment = scope.environment
            }
            if let result = found(scope) { return (result, hops) }
        }
        return nil
    }

    /// The expression that reads or writes `name` from the current scope.
    private func lookup(_ name: String, at position: SourcePosition) -> Expr {
        if let (binding, hops) = findScope({ $0.names[name] }) {
            return .local(hops: hops, slot: binding.slot, name: name, constant: binding.isConstant, position)
        }
        if name == "undefined" { return .undefined }
        return .global(slot: globals.slot(for: name), name: name, position)
    }

    /// `this`: the slot in the nearest enclosing non-arrow function, or `undefined` at the top level.
    private func lookupThis() -> Expr {
        guard let (function, hops) = findScope({ $0.isFunction && !$0.isArrow ? $0.environment : nil }),
            let node = function.function
        else { return .undefined }
        if node.thisSlot == nil { node.thisSlot = allocate(in: function) }
        return .local(hops: hops, slot: node.thisSlot!, name: "this", constant: true, .unknown)
    }

    // MARK: Hoisting

    /// Declares the `var` names of a function body (not of nested functions) in the current function scope.
    private mutating func hoistVarDeclarations(_ statements: [Stmt]) {
        var names: [String] = []
        func patternNames(_ pattern: Pattern) {
            switch pattern {
            case .binding(let name, _): names.append(name)
            case .object(let properties, let rest):
                for property in properties { patternNames(property.value) }
                if let rest { patternNames(rest) }
            case .array(let elements, let rest):
                for element in elements { if let element { patternNames(element) } }
                if let rest { patternNames(rest) }
            case .withDefault(let inner, _): patternNames(inner)
            case .variable, .target: break
            }
        }
        func visit(_ statement: Stmt) {
            switch statement {
            case .declaration(.var, let declarations, _):
                for (pattern, _) in declarations { patternNames(pattern) }
            case .block(let body, _): body.forEach(visit)
            case .if(_, let consequent, let alternate):
                visit(consequent)
                if let alternate { visit(alternate) }
            case .for(let initializer, _, _, let body, _, _):
                if let initializer { visit(initializer) }
                visit(body)
            case .forEach(_, let binding, let declaration, _, let body, _, _, _):
                if declaration == .var { patternNames(binding) }
                visit(body)
            case .while(_, let body, _), .doWhile(let body, _, _), .labeled(_, let body): visit(body)
            case .try(let body, _, let handler, let finalizer):
                visit(body)
                if let handler { visit(handler) }
                if let finalizer { visit(finalizer) }
            case .switch(_, let cases, _):
                for c in cases { c.body.forEach(visit) }
            default: break
            }
        }
        statements.forEach(visit)
        for name in names {
            // `var` may repeat; it never conflicts with another `var`.
            try? declare(name, constant: false, lexical: false, at: .unknown)
        }
    }

    /// Declares the `let`, `const` and function declarations directly in a block.
    private mutating func declareLexical(_ statements: [Stmt]) throws(ShellError) {
        for statement in statements {
            switch statement {
            case .declaration(let kind, let declarations, let position) where kind != .var:
                for (pattern, _) in declarations {
                    for name in Resolver.boundNames(pattern) {
                        try declare(name, constant: kind == .const, lexical: true, at: position)
                    }
                }
            case .function(.binding(let name, let position), _):
                try declare(name, constant: false, lexical: false, at: position)
            default:
                break
            }
        }
    }

    private static func boundNames(_ pattern: Pattern) -> [String] {
        switch pattern {
        case .binding(let name, _): return [name]
        case .object(let properties, let rest):
            return properties.flatMap { boundNames($0.value) } + (rest.map(boundNames) ?? [])
        case .array(let elements, let rest):
            return elements.compactMap { $0 }.flatMap(boundNames) + (rest.map(boundNames) ?? [])
        case .withDefault(let inner, _): return boundNames(inner)
        case .variable, .target: return []
        }
    }

    private static func declaresLexically(_ statements: [Stmt]) -> Bool {
        statements.contains { statement in
            if case .declaration(let kind, _, _) = statement, kind != .var { return true }
            if case .function = statement { return true }
            return false
        }
    }

    // MARK: Statements

    private mutating func resolveStatements(_ statements: [Stmt]) throws(ShellError) -> [Stmt] {
        var result: [Stmt] = []
        result.reserveCapacity(statements.count)
        for statement in statements { result.append(try resolve(statement)) }
        return result
    }

    /// Runs `body` in a new block scope, with its own environment when `ownEnvironment`.
    private mutating func inBlock<T>(ownEnvironment: Bool, _ body: (inout Resolver) throws(ShellError) -> T)
        throws(ShellError) -> (T, size: Int?)
    {
        let environment = ownEnvironment ? EnvironmentInfo(function: nil) : scope.environment
        scopes.append(
            Scope(
                environment: environment, isFunction: false, isArrow: false, isTopLevel: false,
                loopDepth: scope.loopDepth))
        defer { scopes.removeLast() }
        let value = try body(&self)
        return (value, ownEnvironment ? environment.size : nil)
    }

    private mutating func resolve(_ statement: Stmt) throws(ShellError) -> Stmt {
        guard stack.hasRoom else { throw ShellError.syntax("Too deeply nested", at: .unknown) }
        switch statement {
        case .expression(let e, let position):
            return .expression(try resolve(e), position)
        case .declaration(let kind, let declarations, let position):
            var resolved: [(Pattern, Expr?)] = []
            for (pattern, initializer) in declarations {
                let value = try initializer.map { (e: Expr) throws(ShellError) -> Expr in try resolve(e) }
                resolved.append((try resolve(pattern), value))
            }
            return .declaration(kind, resolved, position)
        case .function(let name, let node):
            return .function(try resolve(name), try resolveFunction(node))
        case .block(let body, let marker):
            let own = marker != nil && scope.loopDepth > 0 && Resolver.declaresLexically(body)
            let (statements, size) = try inBlock(ownEnvironment: own) { (r: inout Resolver) throws(ShellError) in
                try r.declareLexical(body)
                return try r.resolveStatements(body)
            }
            return .block(statements, environmentSize: size)
        case .if(let test, let consequent, let alternate):
            return .if(
                try resolve(test), try resolve(consequent),
                try alternate.map { (s: Stmt) throws(ShellError) -> Stmt in try resolve(s) })
        case .for(let initializer, let test, let update, let body, let marker, let label):
            var isLexical = false
            if case .declaration(let kind, _, _)? = initializer, kind != .var { isLexical = true }
            let own = marker != nil && isLexical
            let (parts, size) = try inBlock(ownEnvironment: own) { (r: inout Resolver) throws(ShellError) in
                if let initializer { try r.declareLexical([initializer]) }
                let i = try initializer.map { (s: Stmt) throws(ShellError) -> Stmt in try r.resolve(s) }
                let t = try test.map { (e: Expr) throws(ShellError) -> Expr in try r.resolve(e) }
                let u = try update.map { (e: Expr) throws(ShellError) -> Expr in try r.resolve(e) }
                r.scope.loopDepth += 1
                let b = try r.resolve(body)
                return (i, t, u, b)
            }
            return .for(
                initializer: parts.0, test: parts.1, update: parts.2, body: parts.3, loopEnvironment: size,
                label: label)
        case .forEach(let isOf, let binding, let declaration, let iterable, let body, let marker, let label, let p):
            let collection = try resolve(iterable)
            let isLexical = declaration == .let || declaration == .const
            let own = marker != nil && isLexical
            let (parts, size) = try inBlock(ownEnvironment: own) { (r: inout Resolver) throws(ShellError) in
                if isLexical {
                    for name in Resolver.boundNames(binding) {
                        try r.declare(name, constant: declaration == .const, lexical: true, at: p)
                    }
                }
                let target = try r.resolve(binding)
                r.scope.loopDepth += 1
                return (target, try r.resolve(body))
            }
            return .forEach(
                isOf: isOf, binding: parts.0, declaration: declaration, collection, body: parts.1,
                iterationEnvironment: size, label: label, p)
        case .while(let test, let body, let label):
            scope.loopDepth += 1
            defer { scope.loopDepth -= 1 }
            return .while(try resolve(test), try resolve(body), label: label)
        case .doWhile(let body, let test, let label):
            scope.loopDepth += 1
            defer { scope.loopDepth -= 1 }
            return .doWhile(try resolve(body), try resolve(test), label: label)
        case .return(let value):
            return .return(try value.map { (e: Expr) throws(ShellError) -> Expr in try resolve(e) })
        case .throw(let value, let position):
            return .throw(try resolve(value), position)
        case .try(let body, let parameter, let handler, let finalizer):
            let resolvedBody = try resolve(body)
            var resolvedParameter: Pattern?
            var resolvedHandler: Stmt?
            if let handler {
                let own = scope.loopDepth > 0
                let ((p, h), size) = try inBlock(ownEnvironment: own) { (r: inout Resolver) throws(ShellError) in
                    if let parameter {
                        for name in Resolver.boundNames(parameter) {
                            try r.declare(name, constant: false, lexical: true, at: .unknown)
                        }
                    }
                    let p = try parameter.map { (x: Pattern) throws(ShellError) -> Pattern in try r.resolve(x) }
                    return (p, try r.resolve(handler))
                }
                resolvedParameter = p
                resolvedHandler = size.map { .block([h], environmentSize: $0) } ?? h
            }
            let resolvedFinalizer = try finalizer.map { (s: Stmt) throws(ShellError) -> Stmt in try resolve(s) }
            return .try(
                body: resolvedBody, catchParameter: resolvedParameter, catchBody: resolvedHandler,
                finally: resolvedFinalizer)
        case .switch(let value, let cases, let label):
            let resolvedValue = try resolve(value)
            let (resolvedCases, _) = try inBlock(ownEnvironment: false) { (r: inout Resolver) throws(ShellError) in
                try r.declareLexical(cases.flatMap(\.body))
                var result: [SwitchCase] = []
                for c in cases {
                    result.append(
                        SwitchCase(
                            test: try c.test.map { (e: Expr) throws(ShellError) -> Expr in try r.resolve(e) },
                            body: try r.resolveStatements(c.body)))
                }
                return result
            }
            return .switch(resolvedValue, resolvedCases, label: label)
        case .labeled(let label, let body):
            return .labeled(label, try resolve(body))
        case .break, .continue, .empty:
            return statement
        }
    }

    // MARK: Functions

    private mutating func resolveFunction(_ node: FunctionNode) throws(ShellError) -> FunctionNode {
        let environment = EnvironmentInfo(function: node.isArrow ? nil : node)
        scopes.append(
            Scope(environment: environment, isFunction: true, isArrow: node.isArrow, isTopLevel: false, loopDepth: 0))
        defer { scopes.removeLast() }
        let parameterNames = node.parameters.flatMap(Resolver.boundNames) + (node.rest.map(Resolver.boundNames) ?? [])
        for name in parameterNames {
            try declare(name, constant: false, lexical: false, at: node.position)
        }
        var simple: [Int]? = node.rest == nil ? [] : nil
        for parameter in node.parameters {
            if case .binding(let name, _) = parameter, let binding = scope.names[name] {
                simple?.append(binding.slot)
            } else {
                simple = nil
            }
        }
        if Set(parameterNames).count != parameterNames.count { simple = nil }
        node.simpleParameterSlots = simple
        node.parameters = try node.parameters.map { (p: Pattern) throws(ShellError) -> Pattern in try resolve(p) }
        node.rest = try node.rest.map { (p: Pattern) throws(ShellError) -> Pattern in try resolve(p) }
        if node.bindsOwnName && scope.names[node.name] == nil {
            let slot = allocate(in: environment)
            scope.names[node.name] = Binding(slot: slot, isConstant: false)
            node.selfSlot = slot
        }
        if let expression = node.expressionBody {
            node.expressionBody = try resolve(expression)
        } else {
            hoistVarDeclarations(node.body)
            try declareLexical(node.body)
            node.body = try resolveStatements(node.body)
        }
        node.environmentSize = environment.size
        return node
    }

    // MARK: Patterns and expressions

    private mutating func resolve(_ pattern: Pattern) throws(ShellError) -> Pattern {
        switch pattern {
        case .binding(let name, let position): return .variable(lookup(name, at: position))
        case .variable: return pattern
        case .target(let e): return .target(try resolve(e))
        case .object(let properties, let rest):
            var resolved: [PatternProperty] = []
            for property in properties {
                resolved.append(PatternProperty(key: try resolve(property.key), value: try resolve(property.value)))
            }
            return .object(
                resolved, rest: try rest.map { (p: Pattern) throws(ShellError) -> Pattern in try resolve(p) })
        case .array(let elements, let rest):
            var resolved: [Pattern?] = []
            for element in elements {
                resolved.append(try element.map { (p: Pattern) throws(ShellError) -> Pattern in try resolve(p) })
            }
            return .array(resolved, rest: try rest.map { (p: Pattern) throws(ShellError) -> Pattern in try resolve(p) })
        case .withDefault(let inner, let value):
            return .withDefault(try resolve(inner), try resolve(value))
        }
    }

    private mutating func resolve(_ key: PropertyKey) throws(ShellError) -> PropertyKey {
        switch key {
        case .fixed: return key
        case .computed(let e): return .computed(try resolve(e))
        }
    }

    private mutating func resolve(_ elements: [ArrayElement]) throws(ShellError) -> [ArrayElement] {
        var result: [ArrayElement] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            switch element {
            case .expression(let e): result.append(.expression(try resolve(e)))
            case .spread(let e): result.append(.spread(try resolve(e)))
            case .hole: result.append(.hole)
            }
        }
        return result
    }

    mutating func resolve(_ expression: Expr) throws(ShellError) -> Expr {
        guard stack.hasRoom else { throw ShellError.syntax("Too deeply nested", at: .unknown) }
        switch expression {
        case .number, .string, .boolean, .null, .undefined, .regex, .local, .global:
            return expression
        case .template(let parts, let expressions):
            var resolved: [Expr] = []
            for e in expressions { resolved.append(try resolve(e)) }
            return .template(parts: parts, expressions: resolved)
        case .identifier(let name, let position):
            return lookup(name, at: position)
        case .this:
            return lookupThis()
        case .array(let elements):
            return .array(try resolve(elements))
        case .object(let properties):
            var resolved: [ObjectProperty] = []
            for property in properties {
                switch property {
                case .property(let key, let value):
                    resolved.append(.property(key: try resolve(key), value: try resolve(value)))
                case .spread(let e):
                    resolved.append(.spread(try resolve(e)))
                }
            }
            return .object(resolved)
        case .function(let node):
            return .function(try resolveFunction(node))
        case .unary(let op, let operand, let position):
            return .unary(op, try resolve(operand), position)
        case .update(let increment, let prefix, let target, let position):
            return .update(increment: increment, prefix: prefix, target: try resolve(target), position)
        case .binary(let op, let left, let right, let position):
            return .binary(op, try resolve(left), try resolve(right), position)
        case .logical(let op, let left, let right):
            return .logical(op, try resolve(left), try resolve(right))
        case .conditional(let test, let consequent, let alternate):
            return .conditional(try resolve(test), try resolve(consequent), try resolve(alternate))
        case .assign(let op, let target, let value, let position):
            let resolvedTarget: AssignTarget
            switch target {
            case .simple(let e): resolvedTarget = .simple(try resolve(e))
            case .pattern(let p): resolvedTarget = .pattern(try resolve(p))
            }
            return .assign(op, target: resolvedTarget, value: try resolve(value), position)
        case .sequence(let expressions):
            var resolved: [Expr] = []
            for e in expressions { resolved.append(try resolve(e)) }
            return .sequence(resolved)
        case .member(let object, let name, let optional, let position):
            return .member(try resolve(object), name: name, optional: optional, position)
        case .index(let object, let index, let optional, let position):
            return .index(try resolve(object), try resolve(index), optional: optional, position)
        case .call(let callee, let arguments, let optional, let position):
            return .call(callee: try resolve(callee), arguments: try resolve(arguments), optional: optional, position)
        case .new(let callee, let arguments, let position):
            return .new(callee: try resolve(callee), arguments: try resolve(arguments), position)
        case .optionalChain(let e):
            return .optionalChain(try resolve(e))
        case .delete(let e, let position):
            return .delete(try resolve(e), position)
        }
    }
}
