import Docket

// Property access and method calls: one dispatch per receiver type. Builtin methods run directly on a method call
// (`arr.push(x)`); reading a method as a value (`const f = arr.push`) makes a function bound to its receiver.

extension Interpreter {
    /// `value.name`.
    func getProperty(_ value: JSValue, _ name: String) throws(ShellError) -> JSValue {
        switch value {
        case .object(let object):
            if let property = object[name] { return property }
            if let error = object.error {
                switch name {
                case "name": return .string(error.name)
                case "message": return .string(error.message)
                case "stack": return .string("\(error.name): \(error.message)")
                default: break
                }
            }
            return ObjectMethods.names.contains(name) ? boundMethod(value, name) : .undefined
        case .array(let array):
            if name == "length" { return .number(Double(array.elements.count)) }
            if let index = Interpreter.arrayIndex(name) {
                return index < array.elements.count ? array.elements[index] : .undefined
            }
            return ArrayMethods.names.contains(name) ? boundMethod(value, name) : .undefined
        case .string(let string):
            if name == "length" { return .number(Double(string.utf16.count)) }
            if let index = Interpreter.arrayIndex(name) {
                return StringMethods.character(string, at: index).map { .string($0) } ?? .undefined
            }
            return StringMethods.names.contains(name) ? boundMethod(value, name) : .undefined
        case .number, .bool:
            return ["toString", "valueOf", "toFixed", "toPrecision", "toExponential", "toLocaleString"].contains(name)
                ? boundMethod(value, name) : .undefined
        case .function(let function):
            if let property = function.properties?[name] { return property }
            switch name {
            case "name": return .string(function.name)
            case "length": return .number(Double(function.length))
            case "call", "apply", "bind", "toString": return boundMethod(value, name)
            default: return .undefined
            }
        case .bson(let bson):
            if let property = BSONMethods.property(bson, name) { return property }
            return BSONMethods.hasMethod(bson, name) ? boundMethod(value, name) : .undefined
        case .date:
            return DateMethods.names.contains(name) ? boundMethod(value, name) : .undefined
        case .regexp(let regexp):
            switch name {
            case "source": return .string(regexp.source)
            case "flags": return .string(regexp.flags)
            case "global": return .bool(regexp.isGlobal)
            case "ignoreCase": return .bool(regexp.flags.contains("i"))
            case "multiline": return .bool(regexp.flags.contains("m"))
            case "lastIndex": return .number(Double(regexp.lastIndex))
            case "test", "exec", "toString": return boundMethod(value, name)
            default: return .undefined
            }
        case .host(let host):
            return try HostMethods.property(self, host, name)
        case .undefined, .null:
            throw ShellError.type(
                "Cannot read properties of \(value.isUndefined ? "undefined" : "null") (reading '\(name)')")
        }
    }

    /// `value[index]`.
    func getIndex(_ value: JSValue, _ index: JSValue) throws(ShellError) -> JSValue {
        if case .number(let n) = index, n >= 0, n == n.rounded(.towardZero), n < 9_007_199_254_740_992 {
            let i = Int(n)
            switch value {
            case .array(let array): return i < array.elements.count ? array.elements[i] : .undefined
            case .string(let string): return StringMethods.character(string, at: i).map { .string($0) } ?? .undefined
            default: break
            }
        }
        return try getProperty(value, try toPropertyKey(index))
    }

    /// `value.name = newValue`.
    func setProperty(_ value: JSValue, _ name: String, _ newValue: JSValue) throws(ShellError) {
        switch value {
        case .object(let object):
            if let error = object.error, name == "message" || name == "name" {
                object.error =
                    name == "message"
                    ? (error.name, try toString(newValue)) : (try toString(newValue), error.message)
                return
            }
            object.set(name, newValue)
        case .array(let array):
            if name == "length" {
                let length = try toNumber(newValue)
                guard length >= 0, length == length.rounded(.towardZero), length < 4_294_967_296 else {
                    throw ShellError.range("Invalid array length")
                }
                try setArrayLength(array, Int(length))
            } else if let index = Interpreter.arrayIndex(name) {
                try setElement(array, index, newValue)
            } else {
                throw ShellError.type("Cannot set property '\(name)' of an array in the docket shell")
            }
        case .function(let function):
            if function.properties == nil { function.properties = JSObject() }
            function.properties!.set(name, newValue)
        case .regexp(let regexp) where name == "lastIndex":
            regexp.lastIndex = max(0, clampedInt(try toNumber(newValue)))  // read as ToLength: never negative
        case .undefined, .null:
            throw ShellError.type(
                "Cannot set properties of \(value.isUndefined ? "undefined" : "null") (setting '\(name)')")
        case .host(let host):
            try HostMethods.setProperty(self, host, name, newValue)
        default:
            // Setting a property on a primitive or a BSON wrapper is silently ignored, as in sloppy-mode JavaScript.
            break
        }
    }

    /// `value[index] = newValue`.
    func setIndex(_ value: JSValue, _ index: JSValue, _ newValue: JSValue) throws(ShellError) {
        if case .array(let array) = value, case .number(let n) = index, n >= 0, n == n.rounded(.towardZero),
            n < 4_294_967_295
        {
            try setElement(array, Int(n), newValue)
            return
        }
        try setProperty(value, try toPropertyKey(index), newValue)
    }

    private func setElement(_ array: JSArray, _ index: Int, _ value: JSValue) throws(ShellError) {
        if index < array.elements.count {
            array.elements[index] = value
            return
        }
        try setArrayLength(array, index + 1)
        array.elements[index] = value
    }

    func setArrayLength(_ array: JSArray, _ length: Int) throws(ShellError) {
        try checkArrayLength(length)
        if length < array.elements.count {
            array.elements.removeLast(array.elements.count - length)
        } else if length > array.elements.count {
            array.elements.append(contentsOf: repeatElement(.undefined, count: length - array.elements.count))
        }
    }

    func deleteProperty(_ value: JSValue, _ name: String) throws(ShellError) -> Bool {
        switch value {
        case .object(let object):
            object.remove(name)
            return true
        case .array(let array):
            if let index = Interpreter.arrayIndex(name), index < array.elements.count {
                array.elements[index] = .undefined
            }
            return true
        case .function(let function):
            function.properties?.remove(name)
            return true
        case .undefined, .null:
            throw ShellError.type("Cannot convert undefined or null to object")
        default:
            return true
        }
    }

    /// The index a property name denotes, if it is a canonical array index (`"3"`, not `"03"`).
    static func arrayIndex(_ name: String) -> Int? {
        let utf8 = name.utf8
        guard let first = utf8.first, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9"), utf8.count <= 10 else {
            return nil
        }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        var value = 0
        for c in utf8 {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
        }
        return value < 4_294_967_295 ? value : nil
    }

    /// A builtin method read as a value: a function bound to its receiver.
    func boundMethod(_ receiver: JSValue, _ name: String) -> JSValue {
        .function(
            JSFunction(native: name) { (interpreter, _, arguments, _) throws(ShellError) -> JSValue in
                try interpreter.callMethod(receiver, name, arguments)
            })
    }

    /// The own enumerable property names of a value (`Object.keys`, `for…in`, spread).
    func enumerableKeys(_ value: JSValue) throws(ShellError) -> [String] {
        switch value {
        case .object(let object): return object.keys
        case .array(let array): return array.elements.indices.map { String($0) }
        case .string(let string): return (0..<string.utf16.count).map { String($0) }
        case .function(let function): return function.properties?.keys ?? []
        case .host(let host): return HostMethods.enumerableKeys(host)
        case .undefined, .null: throw ShellError.type("Cannot convert undefined or null to object")
        default: return []
        }
    }

    func copyEnumerableProperties(from source: JSValue, to target: JSObject) throws(ShellError) {
        if source.isNullish { return }
        if case .object(let object) = source {
            for i in 0..<object.count { target.set(object.keys[i], object.value(at: i)) }
            return
        }
        for key in try enumerableKeys(source) { target.set(key, try getProperty(source, key)) }
    }

    // MARK: Method calls

    /// `receiver.name(…arguments)`.
    func callMethod(_ receiver: JSValue, _ name: String, _ arguments: [JSValue], optionalCall: Bool = false)
        throws(ShellError) -> JSValue
    {
        switch receiver {
        case .object(let object):
            if let property = object[name] {
                if case .function(let function) = property { return try call(function, this: receiver, arguments) }
                if optionalCall && property.isNullish { return .undefined }
                throw ShellError.type("\(name) is not a function")
            }
            if object.error != nil && name == "toString" { return .string(try toString(receiver)) }
            return try ObjectMethods.call(self, receiver, object, name, arguments)
        case .array(let array):
            return try ArrayMethods.call(self, array, name, arguments)
        case .string(let string):
            return try StringMethods.call(self, string, name, arguments)
        case .number(let number):
            return try NumberMethods.call(self, number, name, arguments)
        case .bool(let b):
            switch name {
            case "toString": return .string(b ? "true" : "false")
            case "valueOf": return receiver
            default: throw ShellError.type("\(name) is not a function")
            }
        case .function(let function):
            if let property = function.properties?[name] {
                guard case .function(let method) = property else { throw ShellError.type("\(name) is not a function") }
                return try call(method, this: receiver, arguments)
            }
            return try FunctionMethods.call(self, function, name, arguments)
        case .bson(let bson):
            return try BSONMethods.call(self, bson, name, arguments)
        case .date(let date):
            return try DateMethods.call(self, date, name, arguments)
        case .regexp(let regexp):
            return try RegExpMethods.call(self, regexp, name, arguments)
        case .host(let host):
            return try HostMethods.call(self, host, name, arguments)
        case .undefined, .null:
            throw ShellError.type(
                "Cannot read properties of \(receiver.isUndefined ? "undefined" : "null") (reading '\(name)')")
        }
    }

    /// The argument at `index`, or `undefined`.
    @inline(__always) func argument(_ arguments: [JSValue], _ index: Int) -> JSValue {
        index < arguments.count ? arguments[index] : .undefined
    }

    /// A function argument (`arr.map(fn)`), or a TypeError naming the method.
    func functionArgument(_ arguments: [JSValue], _ index: Int, _ method: String) throws(ShellError) -> JSFunction {
        guard case .function(let function) = argument(arguments, index) else {
            throw ShellError.type("\(try toDisplayString(argument(arguments, index))) is not a function")
        }
        return function
    }

    /// An integer argument (`slice(1, -1)`): ToIntegerOrInfinity, clamped to `0...length` with negative values
    /// counted from the end.
    func relativeIndex(_ value: JSValue, length: Int, default: Int) throws(ShellError) -> Int {
        if value.isUndefined { return `default` }
        let n = try toNumber(value)
        if n.isNaN { return 0 }
        if n < 0 { return n == -.infinity ? 0 : max(0, length + Int(max(n.rounded(.towardZero), -1e15))) }
        return n >= Double(length) ? length : Int(n)
    }
}

/// `Object.prototype` methods.
enum ObjectMethods {
    static let names: Set<String> = ["hasOwnProperty", "toString", "valueOf", "propertyIsEnumerable", "toLocaleString"]

    static func call(
        _ interpreter: Interpreter, _ receiver: JSValue, _ object: JSObject, _ name: String,
        _ arguments: [JSValue]
    ) throws(ShellError) -> JSValue {
        switch name {
        case "hasOwnProperty", "propertyIsEnumerable":
            return .bool(object[try interpreter.toPropertyKey(interpreter.argument(arguments, 0))] != nil)
        case "toString", "toLocaleString":
            return .string(try interpreter.toString(receiver))
        case "valueOf":
            return receiver
        default:
            throw ShellError.type("\(name) is not a function")
        }
    }
}

/// `Function.prototype` methods.
enum FunctionMethods {
    static func call(_ interpreter: Interpreter, _ function: JSFunction, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        switch name {
        case "call":
            return try interpreter.call(
                function, this: interpreter.argument(arguments, 0), Array(arguments.dropFirst()))
        case "apply":
            var list: [JSValue] = []
            let spread = interpreter.argument(arguments, 1)
            if !spread.isNullish {
                try interpreter.iterate(spread) { (value: JSValue) throws(ShellError) -> Bool in
                    list.append(value)
                    return true
                }
            }
            return try interpreter.call(function, this: interpreter.argument(arguments, 0), list)
        case "bind":
            let this = interpreter.argument(arguments, 0)
            let bound = Array(arguments.dropFirst())
            return .function(
                JSFunction(native: "bound \(function.name)") {
                    (interpreter, _, more, _) throws(ShellError) -> JSValue in
                    try interpreter.call(function, this: this, bound + more)
                })
        case "toString":
            return .string(try interpreter.toString(.function(function)))
        default:
            throw ShellError.type("\(function.name).\(name) is not a function")
        }
    }
}
