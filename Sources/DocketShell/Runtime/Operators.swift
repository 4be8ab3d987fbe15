import Docket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// JavaScript's conversions and operators (ECMAScript §7.1, §7.2, §13).

extension Interpreter {
    func toBoolean(_ value: JSValue) -> Bool {
        switch value {
        case .undefined, .null: false
        case .bool(let b): b
        case .number(let n): !(n == 0 || n.isNaN)
        case .string(let s): !s.isEmpty
        default: true
        }
    }

    func typeOf(_ value: JSValue) -> String {
        switch value {
        case .undefined: "undefined"
        case .null: "object"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .function: "function"
        default: "object"
        }
    }

    /// ECMAScript `ToPrimitive`: objects become numbers or strings (`hint` number or default).
    func toPrimitive(_ value: JSValue, preferString: Bool = false) throws(ShellError) -> JSValue {
        switch value {
        case .undefined, .null, .bool, .number, .string: return value
        case .date(let date):
            return preferString ? .string(DateFormatting.toString(date.time)) : .number(date.time)
        case .bson(let bson):
            switch bson {
            case .int32(let i): return .number(Double(i))
            case .double(let d): return .number(d)
            default: return .string(try toString(value))
            }
        case .object(let object):
            if case .function(let valueOf)? = object["valueOf"] {
                let result = try call(valueOf, this: value, [])
                if !isObjectLike(result) { return result }
            }
            if case .function(let toStringFunction)? = object["toString"] {
                let result = try call(toStringFunction, this: value, [])
                if !isObjectLike(result) { return result }
            }
            return .string(try toString(value))
        default:
            return .string(try toString(value))
        }
    }

    func isObjectLike(_ value: JSValue) -> Bool {
        switch value {
        case .undefined, .null, .bool, .number, .string: false
        default: true
        }
    }

    func toNumber(_ value: JSValue) throws(ShellError) -> Double {
        switch value {
        case .undefined: return .nan
        case .null: return 0
        case .bool(let b): return b ? 1 : 0
        case .number(let n): return n
        case .string(let s): return Interpreter.stringToNumber(s)
        default: return try toNumber(try toPrimitive(value))
        }
    }

    /// `ToNumeric` for the arithmetic operators (no BigInt in the subset).
    @inline(__always) func toNumeric(_ value: JSValue) throws(ShellError) -> Double {
        if case .number(let n) = value { return n }
        return try toNumber(value)
    }

    /// JavaScript's `Number(string)`: trimmed decimal, `0x`/`0o`/`0b`, `Infinity`; empty is 0; otherwise NaN.
    static func stringToNumber(_ s: String) -> Double {
        let trimmed = s.trimmingJavaScriptWhitespace()
        if trimmed.isEmpty { return 0 }
        let lower = trimmed.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            var value = 0.0
            let digits = lower.dropFirst(2)
            guard !digits.isEmpty else { return .nan }
            for c in digits {
                guard let d = c.hexDigitValue, d < radix else { return .nan }
                value = value * Double(radix) + Double(d)
            }
            return value
        }
        switch trimmed {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        // Only decimal literals: Swift's parser also takes "nan", "inf" and hex floats.
        for c in trimmed.utf8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                UInt8(ascii: "+"), UInt8(ascii: "-"):
                continue
            default: return .nan
            }
        }
        return Double(trimmed) ?? .nan
    }

    func toString(_ value: JSValue) throws(ShellError) -> String {
        switch value {
        case .undefined: return "undefined"
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return JavaScriptText.number(n)
        case .string(let s): return s
        case .array(let array):
            guard stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
            var parts: [String] = []
            parts.reserveCapacity(array.elements.count)
            var length = 0
            for element in array.elements {
                let part = element.isNullish ? "" : try toString(element)
                length += part.utf8.count + 1
                try checkStringLength(length)
                parts.append(part)
            }
            return parts.joined(separator: ",")
        case .object(let object):
            if let error = object.error {
                return error.message.isEmpty ? error.name : "\(error.name): \(error.message)"
            }
            if case .function(let toStringFunction)? = object["toString"] {
                let result = try call(toStringFunction, this: value, [])
                if !isObjectLike(result) { return try toString(result) }
            }
            return "[object Object]"
        case .function(let function):
            if case .closure(let node, _) = function.kind { return node.sourceText }
            return "function \(function.name)() { [native code] }"
        case .bson(let bson): return BSONMethods.toString(bson)
        case .date(let date): return DateFormatting.toString(date.time)
        case .regexp(let regexp): return "/\(regexp.source)/\(regexp.flags)"
        case .host(let host): return HostMethods.toString(host)
        }
    }

    /// A property key: strings as they are, numbers in their canonical form.
    func toPropertyKey(_ value: JSValue) throws(ShellError) -> String {
        if case .string(let s) = value { return s }
        return try toString(value)
    }

    /// A value in an error message (`Cannot read properties of undefined`).
    func toDisplayString(_ value: JSValue) throws(ShellError) -> String {
        switch value {
        case .string(let s): return s
        case .object, .array: return ValuePrinter(interpreter: self).plainText(value)
        default: return try toString(value)
        }
    }

    func toInt32(_ n: Double) -> Int32 {
        guard n.isFinite else { return 0 }
        let truncated = n.rounded(.towardZero)
        let modulo = truncated.truncatingRemainder(dividingBy: 4_294_967_296)
        return Int32(truncatingIfNeeded: Int64(modulo))
    }

    func toUInt32(_ n: Double) -> UInt32 { UInt32(bitPattern: toInt32(n)) }

    /// A number as an `Int` (a count, an index, an option): NaN is 0, a fraction is truncated toward zero, and a value
    /// beyond `Int`'s range (±Infinity included) is clamped to its ends, so no number from a script can trap in a
    /// conversion (`Int(Double.nan)` does).
    func clampedInt(_ n: Double) -> Int {
        if n.isNaN { return 0 }
        if n >= 9_223_372_036_854_775_808 { return .max }  // 2^63, one past Int.max
        if n <= -9_223_372_036_854_775_808 { return .min }
        return Int(n.rounded(.towardZero))
    }

    // MARK: Operators

    func binary(_ op: BinaryOperator, _ a: JSValue, _ b: JSValue) throws(ShellError) -> JSValue {
        // The common number-number case first.
        if case .number(let x) = a, case .number(let y) = b {
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            case .divide: return .number(x / y)
            case .less: return .bool(x < y)
            case .greater: return .bool(x > y)
            case .lessEqual: return .bool(x <= y)
            case .greaterEqual: return .bool(x >= y)
            case .strictEqual, .equal: return .bool(x == y)
            case .strictNotEqual, .notEqual: return .bool(x != y)
            default: break
            }
        }
        switch op {
        case .add:
            let x = try toPrimitive(a)
            let y = try toPrimitive(b)
            if case .string(let s) = x {
                let t = try toString(y)
                try checkStringLength(s.utf8.count + t.utf8.count)
                return .string(s + t)
            }
            if case .string(let t) = y {
                let s = try toString(x)
                try checkStringLength(s.utf8.count + t.utf8.count)
                return .string(s + t)
            }
            return .number(try toNumber(x) + toNumber(y))
        case .subtract: return .number(try toNumeric(a) - toNumeric(b))
        case .multiply: return .number(try toNumeric(a) * toNumeric(b))
        case .divide: return .number(try toNumeric(a) / toNumeric(b))
        case .remainder:
            let x = try toNumeric(a)
            let y = try toNumeric(b)
            return .number(fmod(x, y))
        case .exponent: return .number(Interpreter.power(try toNumeric(a), try toNumeric(b)))
        case .equal: return .bool(try looseEquals(a, b))
        case .notEqual: return .bool(!(try looseEquals(a, b)))
        case .strictEqual: return .bool(strictEquals(a, b))
        case .strictNotEqual: return .bool(!strictEquals(a, b))
        case .less: return .bool(try compare(a, b) == .less)
        case .greater: return .bool(try compare(b, a) == .less)
        case .lessEqual: return .bool(try compare(b, a) == .notLess)
        case .greaterEqual: return .bool(try compare(a, b) == .notLess)
        case .shiftLeft: return .number(Double(toInt32(try toNumeric(a)) << (toUInt32(try toNumeric(b)) & 31)))
        case .shiftRight: return .number(Double(toInt32(try toNumeric(a)) >> (toUInt32(try toNumeric(b)) & 31)))
        case .unsignedShiftRight:
            return .number(Double(toUInt32(try toNumeric(a)) >> (toUInt32(try toNumeric(b)) & 31)))
        case .bitAnd: return .number(Double(toInt32(try toNumeric(a)) & toInt32(try toNumeric(b))))
        case .bitOr: return .number(Double(toInt32(try toNumeric(a)) | toInt32(try toNumeric(b))))
        case .bitXor: return .number(Double(toInt32(try toNumeric(a)) ^ toInt32(try toNumeric(b))))
        case .in:
            let key = try toPropertyKey(a)
            switch b {
            case .object(let object): return .bool(object[key] != nil)
            case .array(let array):
                if key == "length" { return .bool(true) }
                if let i = Int(key) { return .bool(i >= 0 && i < array.elements.count) }
                return .bool(false)
            case .function(let function): return .bool(function.properties?[key] != nil)
            default:
                throw ShellError.type("Cannot use 'in' operator to search for '\(key)' in \(try toDisplayString(b))")
            }
        case .instanceof:
            return .bool(try instanceOf(a, b))
        }
    }

    /// JavaScript's `**` (`Math.pow`): NaN exponent gives NaN even for base 1.
    static func power(_ x: Double, _ y: Double) -> Double {
        if y.isNaN { return .nan }
        if (x == 1 || x == -1) && y.isInfinite { return .nan }
        return pow(x, y)
    }

    enum Comparison { case less, notLess, undefined }

    /// The abstract relational comparison `a < b`.
    func compare(_ a: JSValue, _ b: JSValue) throws(ShellError) -> Comparison {
        let x = try toPrimitive(a)
        let y = try toPrimitive(b)
        if case .string(let s) = x, case .string(let t) = y {
            return s.utf16.lexicographicallyPrecedes(t.utf16) ? .less : .notLess
        }
        let m = try toNumber(x)
        let n = try toNumber(y)
        if m.isNaN || n.isNaN { return .undefined }
        return m < n ? .less : .notLess
    }

    func strictEquals(_ a: JSValue, _ b: JSValue) -> Bool {
        switch (a, b) {
        case (.undefined, .undefined), (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.object(let x), .object(let y)): return x === y
        case (.array(let x), .array(let y)): return x === y
        case (.function(let x), .function(let y)): return x === y
        case (.date(let x), .date(let y)): return x === y
        case (.regexp(let x), .regexp(let y)): return x === y
        // BSON wrappers are values here: two equal ObjectIds are the same value.
        case (.bson(let x), .bson(let y)): return x.type == y.type && x == y
        case (.host(let x), .host(let y)): return HostMethods.isSame(x, y)
        default: return false
        }
    }

    func looseEquals(_ a: JSValue, _ b: JSValue) throws(ShellError) -> Bool {
        switch (a, b) {
        case (.undefined, .null), (.null, .undefined): return true
        case (.undefined, _), (.null, _), (_, .undefined), (_, .null): return strictEquals(a, b)
        case (.number, .string), (.string, .number), (.bool, _), (_, .bool):
            return try toNumber(a) == toNumber(b)
        default:
            if isObjectLike(a) && !isObjectLike(b) { return try looseEquals(try toPrimitive(a), b) }
            if isObjectLike(b) && !isObjectLike(a) { return try looseEquals(a, try toPrimitive(b)) }
            return strictEquals(a, b)
        }
    }

    /// `value instanceof constructor` for the shell's constructors and functions called with `new`.
    func instanceOf(_ value: JSValue, _ constructor: JSValue) throws(ShellError) -> Bool {
        guard case .function(let function) = constructor else {
            throw ShellError.type("Right-hand side of 'instanceof' is not callable")
        }
        switch value {
        case .object(let object):
            if let made = object.constructor { return made === function }
            if let error = object.error {
                return function.name == "Error" || function.name == error.name
            }
            return function.name == "Object"
        case .array: return function.name == "Array" || function.name == "Object"
        case .function: return function.name == "Function" || function.name == "Object"
        case .date: return function.name == "Date" || function.name == "Object"
        case .regexp: return function.name == "RegExp" || function.name == "Object"
        case .bson(let bson): return BSONMethods.constructorNames(bson).contains(function.name)
        default: return false
        }
    }
}

extension String {
    /// The string without JavaScript's leading and trailing white space and line terminators.
    func trimmingJavaScriptWhitespace() -> String {
        let scalars = unicodeScalars
        func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || c == "\u{FEFF}" }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }
}
