import Docket

/// `JSON.stringify` and `JSON.parse` (ECMAScript §25.5), and `EJSON.stringify`/`EJSON.parse` over DocketBSON's
/// Extended JSON.
enum JSONMethods {
    // MARK: JSON.stringify

    static func stringify(_ interpreter: Interpreter, _ value: JSValue, replacer: JSValue, space: JSValue)
        throws(ShellError) -> JSValue
    {
        var indent = ""
        switch space {
        case .number(let n): indent = String(repeating: " ", count: Int(min(max(n.isNaN ? 0 : n, 0), 10)))
        case .string(let s): indent = String(s.prefix(10))
        default: break
        }
        var allowList: [String]?
        if case .array(let array) = replacer {
            var keys: [String] = []
            for element in array.elements {
                switch element {
                case .string(let s): keys.append(s)
                case .number: keys.append(try interpreter.toString(element))
                default: break
                }
            }
            allowList = keys
        }
        var writer = JSONWriter(
            interpreter: interpreter, indent: indent,
            replacer: { () -> JSFunction? in
                if case .function(let f) = replacer { return f }
                return nil
            }(), allowList: allowList)
        let wrapper = JSObject()
        wrapper.set("", value)
        guard let text = try writer.serialize(key: "", holder: .object(wrapper), value: value, currentIndent: "")
        else { return .undefined }
        return .string(text)
    }

    private struct JSONWriter {
        let interpreter: Interpreter
        let indent: String
        let replacer: JSFunction?
        let allowList: [String]?
        var stack: [ObjectIdentifier] = []
        var length = 0

        mutating func serialize(key: String, holder: JSValue, value original: JSValue, currentIndent: String)
            throws(ShellError) -> String?
        {
            guard interpreter.stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
            var value = original
            value = try toJSONValue(value, key: key)
            if let replacer {
                value = try interpreter.call(replacer, this: holder, [.string(key), value])
            }
            let text: String?
            switch value {
            case .null: text = "null"
            case .bool(let b): text = b ? "true" : "false"
            case .number(let n): text = n.isFinite ? JavaScriptText.number(n) : "null"
            case .string(let s): text = JSONMethods.quote(s)
            case .undefined, .function: text = nil
            case .array(let array):
                text = try serializeArray(array, currentIndent: currentIndent)
            case .object(let object):
                text = try serializeObject(object, currentIndent: currentIndent)
            case .bson(let bson):
                text = bson.extendedJSONString(mode: .relaxed)
            case .date(let date):
                text = JavaScriptText.isoDate(milliseconds: date.time).map(JSONMethods.quote) ?? "null"
            case .regexp: text = "{}"
            case .host(let host):
                if let document = HostMethods.jsonValue(interpreter, host) {
                    return try serialize(key: key, holder: holder, value: document, currentIndent: currentIndent)
                }
                text = "{}"
            }
            if let text {
                length += text.utf8.count
                try interpreter.checkStringLength(length)
            }
            return text
        }

        /// Applies `toJSON` (dates, BSON wrappers, objects that define it).
        private func toJSONValue(_ value: JSValue, key: String) throws(ShellError) -> JSValue {
            switch value {
            case .object(let object):
                if case .function(let toJSON)? = object["toJSON"] {
                    return try interpreter.call(toJSON, this: value, [.string(key)])
                }
                return value
            case .bson(let bson):
                return try BSONMethods.call(interpreter, bson, "toJSON", [])
            default:
                return value
            }
        }

        private mutating func enter(_ identity: ObjectIdentifier) throws(ShellError) {
            if stack.contains(identity) { throw ShellError.type("Converting circular structure to JSON") }
            stack.append(identity)
        }

        private mutating func serializeArray(_ array: JSArray, currentIndent: String) throws(ShellError) -> String {
            try enter(ObjectIdentifier(array))
            defer { stack.removeLast() }
            if array.elements.isEmpty { return "[]" }
            let inner = currentIndent + indent
            var parts: [String] = []
            for (i, element) in array.elements.enumerated() {
                parts.append(
                    try serialize(key: String(i), holder: .array(array), value: element, currentIndent: inner)
                        ?? "null")
            }
            if indent.isEmpty { return "[" + parts.joined(separator: ",") + "]" }
            return "[\n" + inner + parts.joined(separator: ",\n" + inner) + "\n" + currentIndent + "]"
        }

        private mutating func serializeObject(_ object: JSObject, currentIndent: String) throws(ShellError) -> String {
            try enter(ObjectIdentifier(object))
            defer { stack.removeLast() }
            let inner = currentIndent + indent
            var parts: [String] = []
            if let error = object.error, object.count == 0 { _ = error }
            for key in allowList ?? object.keys {
                guard let value = object[key] else { continue }
                if let text = try serialize(key: key, holder: .object(object), value: value, currentIndent: inner) {
                    parts.append(JSONMethods.quote(key) + (indent.isEmpty ? ":" : ": ") + text)
                }
            }
            if parts.isEmpty { return "{}" }
            if indent.isEmpty { return "{" + parts.joined(separator: ",") + "}" }
            return "{\n" + inner + parts.joined(separator: ",\n" + inner) + "\n" + currentIndent + "}"
        }
    }

    /// A string as a JSON string literal.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    // MARK: JSON.parse

    static func parse(_ interpreter: Interpreter, _ text: String, reviver: JSValue) throws(ShellError) -> JSValue {
        var parser = JSONTextParser(text: Array(text.utf8), stack: interpreter.stack)
        let value = try parser.parseDocument()
        if case .function(let function) = reviver {
            let root = JSObject()
            root.set("", value)
            return try revive(interpreter, function, holder: .object(root), key: "")
        }
        return value
    }

    private static func revive(_ interpreter: Interpreter, _ reviver: JSFunction, holder: JSValue, key: String)
        throws(ShellError) -> JSValue
    {
        guard interpreter.stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
        let value = try interpreter.getProperty(holder, key)
        switch value {
        case .object(let object):
            for k in object.keys {
                let revived = try revive(interpreter, reviver, holder: value, key: k)
                if revived.isUndefined { object.remove(k) } else { object.set(k, revived) }
            }
        case .array(let array):
            for i in array.elements.indices {
                array.elements[i] = try revive(interpreter, reviver, holder: value, key: String(i))
            }
        default:
            break
        }
        return try interpreter.call(reviver, this: holder, [.string(key), value])
    }

    // MARK: EJSON

    /// `EJSON.stringify(value, replacer?, space?, {relaxed})` or `EJSON.stringify(value, {relaxed})`.
    static func ejsonStringify(_ interpreter: Interpreter, _ arguments: [JSValue]) throws(ShellError) -> JSValue {
        var relaxed = true
        var pretty = false
        for argument in arguments.dropFirst() {
            if case .object(let options) = argument, case .bool(let r)? = options["relaxed"] { relaxed = r }
            if case .number(let n) = argument, n > 0 { pretty = true }
            if case .string(let s) = argument, !s.isEmpty { pretty = true }
        }
        let value = interpreter.argument(arguments, 0)
        if value.isUndefined { return .undefined }
        let bson = try BSONBridge(interpreter: interpreter).bson(value)
        return .string(bson.extendedJSONString(mode: relaxed ? .relaxed : .canonical, pretty: pretty))
    }

    /// `EJSON.parse(text, {relaxed})`: with `relaxed: false` every number keeps its BSON type (`Int32`, `Long`,
    /// `Double`, `Decimal128`).
    static func ejsonParse(_ interpreter: Interpreter, _ arguments: [JSValue]) throws(ShellError) -> JSValue {
        let text = try interpreter.toString(interpreter.argument(arguments, 0))
        var relaxed = true
        if case .object(let options) = interpreter.argument(arguments, 1), case .bool(let r)? = options["relaxed"] {
            relaxed = r
        }
        let bson: BSONValue
        do {
            bson = try BSONValue(extendedJSON: text)
        } catch {
            throw ShellError(name: "SyntaxError", message: error.description)
        }
        return exactValue(interpreter, bson, relaxed: relaxed)
    }

    /// A BSON value as EJSON.parse returns it.
    static func exactValue(_ interpreter: Interpreter, _ bson: BSONValue, relaxed: Bool) -> JSValue {
        switch bson {
        case .int32(let i): return relaxed ? .number(Double(i)) : .bson(bson)
        case .double(let d): return relaxed ? .number(d) : .bson(bson)
        case .int64(let i):
            return relaxed && abs(i) <= 9_007_199_254_740_991 ? .number(Double(i)) : .bson(bson)
        case .document(let d):
            let object = JSObject()
            for (key, value) in d { object.set(key, exactValue(interpreter, value, relaxed: relaxed)) }
            return .object(object)
        case .array(let a):
            return .array(JSArray(a.map { exactValue(interpreter, $0, relaxed: relaxed) }))
        default:
            return BSONBridge(interpreter: interpreter).value(bson)
        }
    }
}

extension Interpreter {
    /// A BSON value's relaxed Extended JSON form as a JavaScript value (`{ $numberDecimal: '1.5' }`).
    func extendedJSONValue(_ bson: BSONValue) -> JSValue {
        guard let parsed = try? JSONMethods.parse(self, bson.extendedJSONString(mode: .relaxed), reviver: .undefined)
        else { return .undefined }
        return parsed
    }
}

/// A strict JSON parser (RFC 8259) into JavaScript values; errors name the offset, as V8 does.
private struct JSONTextParser {
    let text: [UInt8]
    let stack: StackGuard
    var i = 0

    init(text: [UInt8], stack: StackGuard) {
        self.text = text
        self.stack = stack
    }

    mutating func parseDocument() throws(ShellError) -> JSValue {
        skipSpace()
        let value = try parseValue()
        skipSpace()
        guard i == text.count else { throw error() }
        return value
    }

    private func error() -> ShellError {
        if i >= text.count { return ShellError(name: "SyntaxError", message: "Unexpected end of JSON input") }
        let c = Character(Unicode.Scalar(text[i]))
        return ShellError(name: "SyntaxError", message: "Unexpected token '\(c)' in JSON at position \(i)")
    }

    private mutating func skipSpace() {
        while i < text.count, text[i] == 0x20 || text[i] == 0x09 || text[i] == 0x0A || text[i] == 0x0D { i += 1 }
    }

    private mutating func parseValue() throws(ShellError) -> JSValue {
        guard stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
        guard i < text.count else { throw error() }
        switch text[i] {
        case UInt8(ascii: "{"):
            i += 1
            let object = JSObject()
            skipSpace()
            if i < text.count && text[i] == UInt8(ascii: "}") {
                i += 1
                return .object(object)
            }
            while true {
                skipSpace()
                guard i < text.count, text[i] == UInt8(ascii: "\"") else { throw error() }
                let key = try parseString()
                skipSpace()
                guard i < text.count, text[i] == UInt8(ascii: ":") else { throw error() }
                i += 1
                skipSpace()
                object.set(key, try parseValue())
                skipSpace()
                guard i < text.count else { throw error() }
                if text[i] == UInt8(ascii: ",") {
                    i += 1
                } else if text[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(object)
                } else {
                    throw error()
                }
            }
        case UInt8(ascii: "["):
            i += 1
            var elements: [JSValue] = []
            skipSpace()
            if i < text.count && text[i] == UInt8(ascii: "]") {
                i += 1
                return .array(JSArray())
            }
            while true {
                skipSpace()
                elements.append(try parseValue())
                skipSpace()
                guard i < text.count else { throw error() }
                if text[i] == UInt8(ascii: ",") {
                    i += 1
                } else if text[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(JSArray(elements))
                } else {
                    throw error()
                }
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            return try parseNumber()
        }
    }

    private mutating func literal(_ word: String, _ value: JSValue) throws(ShellError) -> JSValue {
        for c in word.utf8 {
            guard i < text.count, text[i] == c else { throw error() }
            i += 1
        }
        return value
    }

    private mutating func parseNumber() throws(ShellError) -> JSValue {
        let start = i
        if i < text.count && text[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let from = i
            while i < text.count, text[i] >= 0x30, text[i] <= 0x39 { i += 1 }
            return i - from
        }
        guard i < text.count else { throw error() }
        if text[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits() == 0 {
            throw error()
        }
        if i < text.count && text[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw error() }
        }
        if i < text.count && (text[i] == UInt8(ascii: "e") || text[i] == UInt8(ascii: "E")) {
            i += 1
            if i < text.count && (text[i] == UInt8(ascii: "+") || text[i] == UInt8(ascii: "-")) { i += 1 }
            guard digits() > 0 else { throw error() }
        }
        return .number(Double(String(decoding: text[start..<i], as: UTF8.self)) ?? .nan)
    }

    private mutating func parseString() throws(ShellError) -> String {
        i += 1
        var units: [UInt16] = []
        var run: [UInt8] = []
        func flush() {
            if !run.isEmpty {
                units.append(contentsOf: String(decoding: run, as: UTF8.self).utf16)
                run.removeAll()
            }
        }
        while true {
            guard i < text.count else { throw error() }
            let c = text[i]
            i += 1
            switch c {
            case UInt8(ascii: "\""):
                flush()
                return String(decoding: units, as: UTF16.self)
            case UInt8(ascii: "\\"):
                flush()
                guard i < text.count else { throw error() }
                let e = text[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): units.append(0x22)
                case UInt8(ascii: "\\"): units.append(0x5C)
                case UInt8(ascii: "/"): units.append(0x2F)
                case UInt8(ascii: "b"): units.append(0x08)
                case UInt8(ascii: "f"): units.append(0x0C)
                case UInt8(ascii: "n"): units.append(0x0A)
                case UInt8(ascii: "r"): units.append(0x0D)
                case UInt8(ascii: "t"): units.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 <= text.count,
                        let v = UInt16(String(decoding: text[i..<(i + 4)], as: UTF8.self), radix: 16)
                    else { throw error() }
                    units.append(v)
                    i += 4
                default:
                    i -= 1
                    throw error()
                }
            default:
                guard c >= 0x20 else {
                    i -= 1
                    throw error()
                }
                run.append(c)
            }
        }
    }
}
