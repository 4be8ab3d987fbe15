import Docket

extension Interpreter {
    // MARK: Expressions

    func evaluate(_ expression: Expr, _ environment: Environment) throws(ShellError) -> JSValue {
        switch expression {
        case .number(let value): return .number(value)
        case .string(let value): return .string(value)
        case .boolean(let value): return .bool(value)
        case .null: return .null
        case .undefined: return .undefined
        case .local(let hops, let slot, _, _, _):
            return environment.ancestor(hops).slots[slot]
        case .global(let slot, let name, let position):
            guard globalDeclared[slot] else {
                var error = ShellError.reference("\(name) is not defined")
                locate(&error, position)
                throw error
            }
            return globalValues[slot]
        case .template(let parts, let expressions):
            var text = parts[0]
            for (i, e) in expressions.enumerated() {
                text += try toString(try evaluate(e, environment))
                text += parts[i + 1]
                try checkStringLength(text.utf8.count)
            }
            return .string(text)
        case .regex(let pattern, let flags, let position):
            do {
                return .regexp(try JSRegExp(source: pattern, flags: flags))
            } catch var error {
                error.name = "SyntaxError"
                locate(&error, position)
                throw error
            }
        case .identifier(let name, _):
            preconditionFailure("unresolved identifier \(name)")
        case .this:
            return .undefined
        case .array(let elements):
            return .array(JSArray(try evaluateElements(elements, environment)))
        case .object(let properties):
            return try evaluateObject(properties, environment)
        case .function(let node):
            return .function(makeClosure(node, environment))
        case .unary(let op, let operand, let position):
            do {
                return try evaluateUnary(op, operand, environment)
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .update(let increment, let prefix, let target, let position):
            do {
                let old = try toNumeric(try evaluate(target, environment))
                let new = old + (increment ? 1 : -1)
                try assign(target, .number(new), environment)
                return .number(prefix ? new : old)
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .binary(let op, let left, let right, let position):
            let a = try evaluate(left, environment)
            let b = try evaluate(right, environment)
            do {
                return try binary(op, a, b)
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .logical(let op, let left, let right):
            let a = try evaluate(left, environment)
            switch op {
            case .and: return toBoolean(a) ? try evaluate(right, environment) : a
            case .or: return toBoolean(a) ? a : try evaluate(right, environment)
            case .nullish: return a.isNullish ? try evaluate(right, environment) : a
            }
        case .conditional(let test, let consequent, let alternate):
            return try evaluate(toBoolean(try evaluate(test, environment)) ? consequent : alternate, environment)
        case .assign(let op, let target, let valueExpression, let position):
            do {
                return try evaluateAssignment(op, target, valueExpression, environment)
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .sequence(let expressions):
            var value = JSValue.undefined
            for e in expressions { value = try evaluate(e, environment) }
            return value
        case .member, .index, .call:
            // Outside an optional chain these never short-circuit.
            return try evaluateChainLink(expression, environment)!
        case .optionalChain(let chain):
            return try evaluateChainLink(chain, environment) ?? .undefined
        case .new(let calleeExpression, let argumentExpressions, let position):
            let callee = try evaluate(calleeExpression, environment)
            let arguments = try evaluateElements(argumentExpressions, environment)
            do {
                return try construct(callee, arguments, calleeName: Interpreter.name(of: calleeExpression))
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .delete(let target, let position):
            do {
                return .bool(try delete(target, environment))
            } catch var error {
                locate(&error, position)
                throw error
            }
        }
    }

    /// A member, index or call expression; `nil` when an optional link met `null` or `undefined`.
    private func evaluateChainLink(_ expression: Expr, _ environment: Environment) throws(ShellError) -> JSValue? {
        guard stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
        switch expression {
        case .member(let objectExpression, let name, let optional, let position):
            guard let object = try evaluateChainLink(objectExpression, environment) else { return nil }
            if optional && object.isNullish { return nil }
            do {
                return try getProperty(object, name)
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .index(let objectExpression, let indexExpression, let optional, let position):
            guard let object = try evaluateChainLink(objectExpression, environment) else { return nil }
            if optional && object.isNullish { return nil }
            let index = try evaluate(indexExpression, environment)
            do {
                return try getIndex(object, index)
            } catch var error {
                locate(&error, position)
                throw error
            }
        case .call(let calleeExpression, let argumentExpressions, let optional, let position):
            return try evaluateCall(calleeExpression, argumentExpressions, optional, position, environment)
        default:
            return try evaluate(expression, environment)
        }
    }

    private func evaluateCall(
        _ calleeExpression: Expr, _ argumentExpressions: [ArrayElement], _ optional: Bool, _ position: SourcePosition,
        _ environment: Environment
    ) throws(ShellError) -> JSValue? {
        switch calleeExpression {
        case .member(let objectExpression, let name, let memberOptional, let memberPosition):
            // A method call: the receiver is `this`; builtin methods run without making a function object.
            guard let receiver = try evaluateChainLink(objectExpression, environment) else { return nil }
            if memberOptional && receiver.isNullish { return nil }
            if receiver.isNullish {
                var error = ShellError.type(
                    "Cannot read properties of \(receiver.isUndefined ? "undefined" : "null") (reading '\(name)')")
                locate(&error, memberPosition)
                throw error
            }
            let arguments = try evaluateElements(argumentExpressions, environment)
            do {
                return try callMethod(receiver, name, arguments, optionalCall: optional)
            } catch var error {
                if error.name == "TypeError" && error.message == "\(name) is not a function" {
                    error.message = "\(Interpreter.name(of: objectExpression)).\(name) is not a function"
                }
                locate(&error, position)
                throw error
            }
        case .index(let objectExpression, let indexExpression, let indexOptional, let indexPosition):
            guard let receiver = try evaluateChainLink(objectExpression, environment) else { return nil }
            if indexOptional && receiver.isNullish { return nil }
            let key = try evaluate(indexExpression, environment)
            let arguments = try evaluateElements(argumentExpressions, environment)
            do throws(ShellError) {
                if receiver.isNullish {
                    throw ShellError.type(
                        "Cannot read properties of \(receiver.isUndefined ? "undefined" : "null") (reading "
                            + "'\(try toPropertyKey(key))')")
                }
                return try callMethod(receiver, try toPropertyKey(key), arguments, optionalCall: optional)
            } catch var error {
                locate(&error, indexPosition)
                throw error
            }
        default:
            guard let callee = try evaluateChainLink(calleeExpression, environment) else { return nil }
            if optional && callee.isNullish { return nil }
            let arguments = try evaluateElements(argumentExpressions, environment)
            do throws(ShellError) {
                guard case .function(let function) = callee else {
                    throw ShellError.type("\(Interpreter.name(of: calleeExpression)) is not a function")
                }
                return try call(function, this: .undefined, arguments)
            } catch var error {
                locate(&error, position)
                throw error
            }
        }
    }

    /// The source-like name of a callee, for "x is not a function".
    static func name(of expression: Expr) -> String {
        switch expression {
        case .local(_, _, let name, _, _), .global(_, let name, _): name
        case .member(let object, let name, _, _): "\(Interpreter.name(of: object)).\(name)"
        case .index(let object, _, _, _): "\(Interpreter.name(of: object))[…]"
        case .call(let callee, _, _, _): "\(Interpreter.name(of: callee))(…)"
        case .this: "this"
        default: "(intermediate value)"
        }
    }

    func evaluateElements(_ elements: [ArrayElement], _ environment: Environment) throws(ShellError) -> [JSValue] {
        var values: [JSValue] = []
        values.reserveCapacity(elements.count)
        for element in elements {
            switch element {
            case .expression(let e): values.append(try evaluate(e, environment))
            case .spread(let e):
                try iterate(try evaluate(e, environment)) { (value: JSValue) throws(ShellError) -> Bool in
                    values.append(value)
                    return true
                }
                try checkArrayLength(values.count)
            case .hole: values.append(.undefined)
            }
        }
        return values
    }

    private func evaluateObject(_ properties: [ObjectProperty], _ environment: Environment) throws(ShellError)
        -> JSValue
    {
        var keys: [String] = []
        var values: [JSValue] = []
        keys.reserveCapacity(properties.count)
        values.reserveCapacity(properties.count)
        var object: JSObject?
        for property in properties {
            switch property {
            case .property(let key, let valueExpression):
                let name: String
                switch key {
                case .fixed(let fixed): name = fixed
                case .computed(let e): name = try toPropertyKey(try evaluate(e, environment))
                }
                let value = try evaluate(valueExpression, environment)
                if let object {
                    object.set(name, value)
                } else if keys.count < 8 && !keys.contains(name) {
                    keys.append(name)
                    values.append(value)
                } else {
                    let made = JSObject(keys: keys, values: values)
                    made.set(name, value)
                    object = made
                }
            case .spread(let e):
                let made = object ?? JSObject(keys: keys, values: values)
                object = made
                try copyEnumerableProperties(from: try evaluate(e, environment), to: made)
            }
        }
        return .object(object ?? JSObject(keys: keys, values: values))
    }

    private func evaluateUnary(_ op: UnaryOperator, _ operand: Expr, _ environment: Environment) throws(ShellError)
        -> JSValue
    {
        if op == .typeof, case .global(let slot, _, _) = operand, !globalDeclared[slot] {
            return .string("undefined")
        }
        let value = try evaluate(operand, environment)
        switch op {
        case .minus: return .number(-(try toNumeric(value)))
        case .plus: return .number(try toNumber(value))
        case .not: return .bool(!toBoolean(value))
        case .bitwiseNot: return .number(Double(~toInt32(try toNumber(value))))
        case .typeof: return .string(typeOf(value))
        case .void: return .undefined
        }
    }

    private func evaluateAssignment(
        _ op: AssignOperator, _ target: AssignTarget, _ valueExpression: Expr, _ environment: Environment
    ) throws(ShellError) -> JSValue {
        switch target {
        case .pattern(let pattern):
            let value = try evaluate(valueExpression, environment)
            try bind(pattern, value, environment, initialize: false)
            return value
        case .simple(let targetExpression):
            switch op {
            case .assign:
                let value = try evaluate(valueExpression, environment)
                try assign(targetExpression, value, environment)
                return value
            case .compound(let binaryOperator):
                let old = try evaluate(targetExpression, environment)
                let value = try binary(binaryOperator, old, try evaluate(valueExpression, environment))
                try assign(targetExpression, value, environment)
                return value
            case .logical(let logical):
                let old = try evaluate(targetExpression, environment)
                let keep: Bool
                switch logical {
                case .and: keep = !toBoolean(old)
                case .or: keep = toBoolean(old)
                case .nullish: keep = !old.isNullish
                }
                if keep { return old }
                let value = try evaluate(valueExpression, environment)
                try assign(targetExpression, value, environment)
                return value
            }
        }
    }

    /// Stores into a variable, member or index target.
    func assign(_ target: Expr, _ value: JSValue, _ environment: Environment) throws(ShellError) {
        switch target {
        case .local(let hops, let slot, _, let constant, _):
            if constant { throw ShellError.type("Assignment to constant variable.") }
            environment.ancestor(hops).slots[slot] = value
        case .global(let slot, let name, _):
            if globalTable.isConstant[slot] {
                throw ShellError.type(
                    Interpreter.readOnlyGlobals.contains(name)
                        ? "Cannot assign to read only property '\(name)'" : "Assignment to constant variable.")
            }
            globalValues[slot] = value
            globalDeclared[slot] = true
            if name == "db" { shell.useDatabase(value) }
        case .member(let objectExpression, let name, _, _):
            try setProperty(try evaluate(objectExpression, environment), name, value)
        case .index(let objectExpression, let indexExpression, _, _):
            let object = try evaluate(objectExpression, environment)
            try setIndex(object, try evaluate(indexExpression, environment), value)
        default:
            throw ShellError.syntax("Invalid left-hand side in assignment", at: .unknown)
        }
    }

    private func delete(_ target: Expr, _ environment: Environment) throws(ShellError) -> Bool {
        switch target {
        case .member(let objectExpression, let name, _, _):
            return try deleteProperty(try evaluate(objectExpression, environment), name)
        case .index(let objectExpression, let indexExpression, _, _):
            let object = try evaluate(objectExpression, environment)
            return try deleteProperty(object, try toPropertyKey(try evaluate(indexExpression, environment)))
        default:
            _ = try evaluate(target, environment)
            return true
        }
    }

    // MARK: Patterns

    /// Binds a value to a pattern: declarations (`initialize`) write even `const` slots; assignments do not.
    func bind(_ pattern: Pattern, _ value: JSValue, _ environment: Environment, initialize: Bool) throws(ShellError) {
        switch pattern {
        case .variable(let variable):
            if initialize {
                switch variable {
                case .local(let hops, let slot, _, _, _): environment.ancestor(hops).slots[slot] = value
                case .global(let slot, _, _):
                    globalValues[slot] = value
                    globalDeclared[slot] = true
                default: try assign(variable, value, environment)
                }
            } else {
                try assign(variable, value, environment)
            }
        case .target(let target):
            try assign(target, value, environment)
        case .withDefault(let inner, let defaultExpression):
            let actual = value.isUndefined ? try evaluate(defaultExpression, environment) : value
            try bind(inner, actual, environment, initialize: initialize)
        case .array(let elements, let rest):
            var items: [JSValue] = []
            let needed = rest == nil ? elements.count : Int.max
            try iterate(value) { (item: JSValue) throws(ShellError) -> Bool in
                items.append(item)
                return items.count < needed
            }
            for (i, element) in elements.enumerated() {
                guard let element else { continue }
                try bind(element, i < items.count ? items[i] : .undefined, environment, initialize: initialize)
            }
            if let rest {
                let remaining = items.count > elements.count ? Array(items[elements.count...]) : []
                try bind(rest, .array(JSArray(remaining)), environment, initialize: initialize)
            }
        case .object(let properties, let rest):
            if value.isNullish {
                throw ShellError.type("Cannot destructure '\(try toDisplayString(value))' as it is \(typeOf(value)).")
            }
            var used: [String] = []
            for property in properties {
                let key: String
                switch property.key {
                case .fixed(let fixed): key = fixed
                case .computed(let e): key = try toPropertyKey(try evaluate(e, environment))
                }
                used.append(key)
                try bind(property.value, try getProperty(value, key), environment, initialize: initialize)
            }
            if let rest {
                let remaining = JSObject()
                for key in try enumerableKeys(value) where !used.contains(key) {
                    remaining.set(key, try getProperty(value, key))
                }
                try bind(rest, .object(remaining), environment, initialize: initialize)
            }
        case .binding(let name, _):
            preconditionFailure("unresolved binding \(name)")
        }
    }

    // MARK: Calls

    /// Calls a function with `this` and arguments.
    func call(_ function: JSFunction, this: JSValue, _ arguments: [JSValue]) throws(ShellError) -> JSValue {
        switch function.kind {
        case .native(let native):
            return try native.body(self, this, arguments, false)
        case .closure(let node, let captured):
            return try callClosure(function, node, captured, this: this, arguments)
        }
    }

    private func callClosure(
        _ function: JSFunction, _ node: FunctionNode, _ captured: Environment, this: JSValue, _ arguments: [JSValue]
    ) throws(ShellError) -> JSValue {
        try tick()
        guard stack.hasRoom, callDepth < Interpreter.maximumCallDepth else {
            throw ShellError.range("Maximum call stack size exceeded")
        }
        callDepth += 1
        let savedSource = currentSource
        currentSource = node.sourceID
        defer {
            callDepth -= 1
            currentSource = savedSource
        }
        let environment = Environment(size: node.environmentSize, parent: captured)
        if let thisSlot = node.thisSlot { environment.slots[thisSlot] = this }
        if let selfSlot = node.selfSlot { environment.slots[selfSlot] = .function(function) }
        if let slots = node.simpleParameterSlots {
            for (i, slot) in slots.enumerated() where i < arguments.count { environment.slots[slot] = arguments[i] }
        } else {
            for (i, parameter) in node.parameters.enumerated() {
                try bind(parameter, i < arguments.count ? arguments[i] : .undefined, environment, initialize: true)
            }
            if let rest = node.rest {
                let extra = arguments.count > node.parameters.count ? Array(arguments[node.parameters.count...]) : []
                try bind(rest, .array(JSArray(extra)), environment, initialize: true)
            }
        }
        if let expression = node.expressionBody { return try evaluate(expression, environment) }
        switch try executeBlock(node.body, environment) {
        case .returnValue(let value): return value
        default: return .undefined
        }
    }

    /// `new callee(…arguments)`.
    func construct(_ callee: JSValue, _ arguments: [JSValue], calleeName: String) throws(ShellError) -> JSValue {
        guard case .function(let function) = callee else { throw ShellError.type("\(calleeName) is not a constructor") }
        switch function.kind {
        case .native(let native):
            guard native.isConstructor else { throw ShellError.type("\(function.name) is not a constructor") }
            return try native.body(self, .undefined, arguments, true)
        case .closure(let node, let captured):
            if node.isArrow { throw ShellError.type("\(calleeName) is not a constructor") }
            let object = JSObject()
            object.constructor = function
            let result = try callClosure(function, node, captured, this: .object(object), arguments)
            switch result {
            case .object, .array, .function, .date, .regexp: return result
            default: return .object(object)
            }
        }
    }

    // MARK: Iteration

    /// Calls `body` with each value of an iterable (arrays, strings, cursors); `body` returns false to stop.
    func iterate(_ value: JSValue, _ body: (JSValue) throws(ShellError) -> Bool) throws(ShellError) {
        switch value {
        case .array(let array):
            var i = 0
            // The array may grow while it is iterated, as in JavaScript.
            while i < array.elements.count {
                if !(try body(array.elements[i])) { return }
                i += 1
            }
        case .string(let string):
            for scalar in string.unicodeScalars where !(try body(.string(String(scalar)))) { return }
        case .host(.cursor(let cursor)):
            while let document = try cursor.next(self) {
                if !(try body(document)) { return }
            }
        case .host(.result(let result)) where result.iterableValue != nil:
            try iterate(result.iterableValue!, body)
        default:
            throw ShellError.type("\(try toDisplayString(value)) is not iterable")
        }
    }

    func checkStringLength(_ length: Int) throws(ShellError) {
        if length > limits.maximumStringLength { throw ShellError.range("Invalid string length") }
    }

    func checkArrayLength(_ length: Int) throws(ShellError) {
        if length > limits.maximumArrayLength { throw ShellError.range("Invalid array length") }
    }
}

/// The resource limits of an evaluation: they keep a script (or a fuzzer) from exhausting memory in one step.
public struct ShellLimits: Sendable {
    /// The longest string a script can build, in UTF-8 bytes (V8 allows about 2^29 characters).
    public var maximumStringLength: Int
    /// The longest array a script can build.
    public var maximumArrayLength: Int

    /// Creates limits.
    public init(maximumStringLength: Int = 1 << 29, maximumArrayLength: Int = 1 << 27) {
        self.maximumStringLength = maximumStringLength
        self.maximumArrayLength = maximumArrayLength
    }
}
