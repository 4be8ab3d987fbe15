import Docket
import Foundation

/// The shell's global names: JavaScript's (`Math`, `JSON`, `Object`, `Array`, `Date`, …), mongosh's (`print`,
/// `load`, `sleep`, `EJSON`, the BSON constructors) and the shell commands as functions (`use('app')`).
enum Globals {
    static func install(in interpreter: Interpreter) {
        var g: [String: JSValue] = [:]
        g["NaN"] = .number(.nan)
        g["Infinity"] = .number(.infinity)
        g["Math"] = .object(math())
        g["JSON"] = .object(json())
        g["EJSON"] = .object(ejson())
        g["Object"] = objectConstructor()
        g["Array"] = arrayConstructor()
        g["Number"] = numberConstructor()
        g["String"] = stringConstructor()
        g["Boolean"] = function("Boolean", 1) { i, _, a, _ throws(ShellError) in .bool(i.toBoolean(i.argument(a, 0))) }
        g["Date"] = dateConstructor()
        g["ISODate"] = function("ISODate", 1) { i, _, a, _ throws(ShellError) in try makeDate(i, a, isoDate: true) }
        g["RegExp"] = function("RegExp", 2, constructible: true) { i, _, a, _ throws(ShellError) in
            let pattern = i.argument(a, 0)
            if case .regexp(let r) = pattern, i.argument(a, 1).isUndefined { return .regexp(r) }
            let source = pattern.isUndefined ? "(?:)" : try i.toString(pattern)
            let flags = i.argument(a, 1).isUndefined ? "" : try i.toString(i.argument(a, 1))
            return .regexp(try JSRegExp(source: source, flags: flags))
        }
        for name in ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError"] {
            g[name] = function(name, 1, constructible: true) { i, _, a, _ throws(ShellError) in
                let object = JSObject()
                object.error = (name, i.argument(a, 0).isUndefined ? "" : try i.toString(i.argument(a, 0)))
                if case .object(let options) = i.argument(a, 1), let cause = options["cause"] {
                    object.set("cause", cause)
                }
                return .object(object)
            }
        }
        g["parseInt"] = function("parseInt", 2) { i, _, a, _ throws(ShellError) in
            .number(parseInt(try i.toString(i.argument(a, 0)), radix: try i.toNumber(i.argument(a, 1))))
        }
        g["parseFloat"] = function("parseFloat", 1) { i, _, a, _ throws(ShellError) in
            .number(parseFloat(try i.toString(i.argument(a, 0))))
        }
        g["isNaN"] = function("isNaN", 1) { i, _, a, _ throws(ShellError) in
            .bool(try i.toNumber(i.argument(a, 0)).isNaN)
        }
        g["isFinite"] = function("isFinite", 1) { i, _, a, _ throws(ShellError) in
            .bool(try i.toNumber(i.argument(a, 0)).isFinite)
        }
        g["encodeURIComponent"] = function("encodeURIComponent", 1) { i, _, a, _ throws(ShellError) in
            let text = try i.toString(i.argument(a, 0))
            return .string(text.addingPercentEncoding(withAllowedCharacters: uriUnreserved) ?? text)
        }
        g["decodeURIComponent"] = function("decodeURIComponent", 1) { i, _, a, _ throws(ShellError) in
            let text = try i.toString(i.argument(a, 0))
            guard let decoded = text.removingPercentEncoding else {
                throw ShellError(name: "URIError", message: "URI malformed")
            }
            return .string(decoded)
        }
        installShellFunctions(&g)
        installBSONConstructors(&g)
        let global = JSObject()
        for (name, value) in g.sorted(by: { $0.key < $1.key }) { global.set(name, value) }
        g["globalThis"] = .object(global)
        interpreter.builtins.merge(g) { _, new in new }
    }

    private static let uriUnreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-_.!~*'()")
        return set
    }()

    /// A native function value.
    static func function(
        _ name: String, _ length: Int = 0, constructible: Bool = false, _ body: @escaping NativeFunction.Body
    ) -> JSValue {
        .function(JSFunction(native: name, length: length, constructible: constructible, body))
    }

    /// A namespace object of functions and constants.
    static func namespace(_ members: [(String, JSValue)]) -> JSObject {
        JSObject(keys: members.map(\.0), values: members.map(\.1))
    }

    // MARK: Shell functions

    private static func installShellFunctions(_ g: inout [String: JSValue]) {
        let printFunction: NativeFunction.Body = { i, _, a, _ throws(ShellError) in
            let printer = ValuePrinter(interpreter: i)
            i.shell.print(a.map { printer.printText($0, colors: i.shell.colors) }.joined(separator: " "))
            return .undefined
        }
        g["print"] = function("print", 0, printFunction)
        g["printjson"] = function("printjson", 0, printFunction)
        g["console"] = .object(
            namespace(
                ["log", "info", "warn", "error", "debug"].map { ($0, function($0, 0, printFunction)) }))
        g["sleep"] = function("sleep", 1) { i, _, a, _ throws(ShellError) in
            var remaining = max(0, try i.toNumber(i.argument(a, 0)))
            while remaining > 0 {
                // A millisecond of sleep counts as a step, so a step budget (the fuzzer's) bounds sleeping too.
                i.steps &+= Int(min(remaining, 50))
                try i.checkpoint()
                let step = min(remaining, 50)
                usleep(UInt32(step * 1000))
                remaining -= step
            }
            return .undefined
        }
        g["load"] = function("load", 1) { i, _, a, _ throws(ShellError) in
            let path = try i.toString(i.argument(a, 0))
            try i.shell.load(path)
            return .bool(true)
        }
        g["quit"] = function("quit", 1) { i, _, a, _ throws(ShellError) in
            let code = i.argument(a, 0).isUndefined ? 0 : Int32(clamping: Int(try i.toNumber(i.argument(a, 0))))
            throw ShellError(kind: .exit(code), name: "exit", message: "exit")
        }
        g["exit"] = g["quit"]
        g["use"] = function("use", 1) { i, _, a, _ throws(ShellError) in
            .host(.result(ShellResult(.message(try i.shell.use(try i.toString(i.argument(a, 0)))))))
        }
        g["show"] = function("show", 1) { i, _, a, _ throws(ShellError) in
            .host(.result(try i.shell.show(try i.toString(i.argument(a, 0)))))
        }
        g["it"] = function("it", 0) { i, _, _, _ throws(ShellError) in try i.shell.iterateLastCursor() }
        g["help"] = function("help", 0) { _, _, _, _ throws(ShellError) in .host(.result(ShellResult(help: Help.shell)))
        }
        g["version"] = function("version", 0) { _, _, _, _ throws(ShellError) in .string(docketVersion) }
        g["isInteractive"] = function("isInteractive", 0) { i, _, _, _ throws(ShellError) in
            .bool(i.shell.isInteractive)
        }
    }

    // MARK: BSON constructors

    private static func installBSONConstructors(_ g: inout [String: JSValue]) {
        let objectID = JSFunction(native: "ObjectId", length: 1, constructible: true) { i, _, a, _ throws(ShellError) in
            let argument = i.argument(a, 0)
            switch argument {
            case .undefined: return .bson(.objectID(ObjectID()))
            case .string(let hex):
                guard let id = try? ObjectID(parsing: hex) else {
                    throw ShellError(
                        name: "BSONError",
                        message: "input must be a 24 character hex string, 12 byte Uint8Array, or an integer")
                }
                return .bson(.objectID(id))
            case .number(let seconds):
                return .bson(
                    .objectID(ObjectID(timestamp: UInt32(truncatingIfNeeded: Int64(seconds)), random: 0, counter: 0)))
            case .bson(.objectID): return argument
            default:
                throw ShellError(name: "BSONError", message: "Argument passed in must be a string of 24 hex characters")
            }
        }
        objectID.properties = namespace([
            (
                "isValid",
                function("isValid", 1) { i, _, a, _ throws(ShellError) in
                    switch i.argument(a, 0) {
                    case .string(let hex): return .bool((try? ObjectID(parsing: hex)) != nil)
                    case .bson(.objectID): return .bool(true)
                    default: return .bool(false)
                    }
                }
            ),
            (
                "createFromTime",
                function("createFromTime", 1) { i, _, a, _ throws(ShellError) in
                    let seconds = try i.toNumber(i.argument(a, 0))
                    return .bson(
                        .objectID(
                            ObjectID(timestamp: UInt32(truncatingIfNeeded: Int64(seconds)), random: 0, counter: 0)))
                }
            ),
            (
                "createFromHexString",
                function("createFromHexString", 1) { i, _, a, _ throws(ShellError) in
                    guard let id = try? ObjectID(parsing: try i.toString(i.argument(a, 0))) else {
                        throw ShellError(name: "BSONError", message: "input must be a 24 character hex string")
                    }
                    return .bson(.objectID(id))
                }
            ),
        ])
        g["ObjectId"] = .function(objectID)
        g["ObjectID"] = .function(objectID)

        let int32: NativeFunction.Body = { i, _, a, _ throws(ShellError) in
            .bson(.int32(i.toInt32(try i.toNumber(i.argument(a, 0)))))
        }
        g["NumberInt"] = function("NumberInt", 1, constructible: true, int32)
        g["Int32"] = function("Int32", 1, constructible: true, int32)
        let long: NativeFunction.Body = { i, _, a, _ throws(ShellError) in
            let argument = i.argument(a, 0)
            switch argument {
            case .undefined: return .bson(.int64(0))
            case .string(let s):
                guard let v = Int64(s.trimmingJavaScriptWhitespace()) else {
                    throw ShellError(name: "BSONError", message: "Input: '\(s)' is not a valid integer string")
                }
                return .bson(.int64(v))
            case .bson(.int64): return argument
            default:
                let n = try i.toNumber(argument)
                if !i.argument(a, 1).isUndefined {
                    // Long(low, high): two 32-bit halves.
                    let high = Int64(i.toInt32(try i.toNumber(i.argument(a, 1))))
                    return .bson(.int64(high << 32 | Int64(i.toUInt32(n))))
                }
                guard n.isFinite else { return .bson(.int64(0)) }
                if n >= 9.223_372_036_854_775_807e18 { return .bson(.int64(.max)) }
                if n <= -9.223_372_036_854_775_808e18 { return .bson(.int64(.min)) }
                return .bson(.int64(Int64(n)))
            }
        }
        g["NumberLong"] = function("NumberLong", 1, constructible: true, long)
        g["Long"] = function("Long", 2, constructible: true, long)
        let decimal: NativeFunction.Body = { i, _, a, _ throws(ShellError) in
            let argument = i.argument(a, 0)
            if argument.isUndefined { return .bson(.decimal128(.zero)) }
            if case .bson(.decimal128) = argument { return argument }
            let text = try i.toString(argument)
            guard let value = try? Decimal128(parsing: text) else {
                throw ShellError(name: "BSONError", message: "\(text) not a valid Decimal128 string")
            }
            return .bson(.decimal128(value))
        }
        g["NumberDecimal"] = function("NumberDecimal", 1, constructible: true, decimal)
        g["Decimal128"] = function("Decimal128", 1, constructible: true, decimal)
        g["Double"] = function("Double", 1, constructible: true) { i, _, a, _ throws(ShellError) in
            .bson(.double(try i.toNumber(i.argument(a, 0))))
        }
        g["UUID"] = function("UUID", 1, constructible: true) { i, _, a, _ throws(ShellError) in
            guard case .string(let text) = i.argument(a, 0) else {
                var bytes = (0..<16).map { _ in UInt8.random(in: 0...255) }
                bytes[6] = bytes[6] & 0x0F | 0x40
                bytes[8] = bytes[8] & 0x3F | 0x80
                return .bson(.binary(BSONBinary(subtype: .uuid, bytes: bytes)))
            }
            guard let binary = BSONBinary(uuidString: text) else {
                throw ShellError(
                    name: "BSONError",
                    message: "UUID string representation must be 32 hex digits or canonical hyphenated representation")
            }
            return .bson(.binary(binary))
        }
        g["BinData"] = function("BinData", 2, constructible: true) { i, _, a, _ throws(ShellError) in
            let subtype = UInt8(truncatingIfNeeded: i.clampedInt(try i.toNumber(i.argument(a, 0))))
            guard let binary = BSONBinary(base64Encoded: try i.toString(i.argument(a, 1)), subtype: .init(subtype))
            else {
                throw ShellError(name: "BSONError", message: "BinData: invalid base64 string")
            }
            return .bson(.binary(binary))
        }
        g["HexData"] = function("HexData", 2, constructible: true) { i, _, a, _ throws(ShellError) in
            let subtype = UInt8(truncatingIfNeeded: i.clampedInt(try i.toNumber(i.argument(a, 0))))
            guard let binary = BSONBinary(hexString: try i.toString(i.argument(a, 1)), subtype: .init(subtype)) else {
                throw ShellError(name: "BSONError", message: "HexData: invalid hex string")
            }
            return .bson(.binary(binary))
        }
        g["MD5"] = function("MD5", 1, constructible: true) { i, _, a, _ throws(ShellError) in
            guard let binary = BSONBinary(hexString: try i.toString(i.argument(a, 0)), subtype: .md5) else {
                throw ShellError(name: "BSONError", message: "MD5: invalid hex string")
            }
            return .bson(.binary(binary))
        }
        g["Timestamp"] = function("Timestamp", 2, constructible: true) { i, _, a, _ throws(ShellError) in
            var t = i.argument(a, 0)
            var increment = i.argument(a, 1)
            if case .object(let parts) = t {
                t = parts["t"] ?? .number(0)
                increment = parts["i"] ?? .number(0)
            }
            let seconds = t.isUndefined ? 0 : i.toUInt32(try i.toNumber(t))
            let inc = increment.isUndefined ? 0 : i.toUInt32(try i.toNumber(increment))
            return .bson(.timestamp(BSONTimestamp(timestamp: seconds, increment: inc)))
        }
        g["MinKey"] = function("MinKey", 0, constructible: true) { _, _, _, _ throws(ShellError) in .bson(.minKey) }
        g["MaxKey"] = function("MaxKey", 0, constructible: true) { _, _, _, _ throws(ShellError) in .bson(.maxKey) }
        g["Code"] = function("Code", 2, constructible: true) { i, _, a, _ throws(ShellError) in
            let code: String
            if case .function(let f) = i.argument(a, 0) {
                code = try i.toString(.function(f))
            } else {
                code = try i.toString(i.argument(a, 0))
            }
            if case .object = i.argument(a, 1) {
                let scope = try BSONBridge(interpreter: i).document(i.argument(a, 1), what: "scope")
                return .bson(.javascriptWithScope(BSONCodeWithScope(code: code, scope: scope)))
            }
            return .bson(.javascript(code))
        }
        g["BSONRegExp"] = function("BSONRegExp", 2, constructible: true) { i, _, a, _ throws(ShellError) in
            let options = i.argument(a, 1).isUndefined ? "" : try i.toString(i.argument(a, 1))
            return .bson(.regex(BSONRegex(pattern: try i.toString(i.argument(a, 0)), options: options)))
        }
    }

    // MARK: Dates

    private static func dateConstructor() -> JSValue {
        let date = JSFunction(native: "Date", length: 7, constructible: true) { i, _, a, isNew throws(ShellError) in
            if !isNew { return .string(DateFormatting.toString(now())) }
            return try makeDate(i, a, isoDate: false)
        }
        date.properties = namespace([
            ("now", function("now", 0) { _, _, _, _ throws(ShellError) in .number(now()) }),
            (
                "parse",
                function("parse", 1) { i, _, a, _ throws(ShellError) in
                    .number(DateFormatting.parse(try i.toString(i.argument(a, 0))))
                }
            ),
            (
                "UTC",
                function("UTC", 7) { i, _, a, _ throws(ShellError) in
                    var parts: [Double] = []
                    for value in a.prefix(7) { parts.append(try i.toNumber(value)) }
                    return .number(time(from: parts))
                }
            ),
        ])
        return .function(date)
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec / 1_000_000)
    }

    private static func time(from parts: [Double]) -> Double {
        var p = parts
        while p.count < 7 { p.append(p.count == 2 ? 1 : 0) }
        var year = p[0]
        if year.isFinite, (0...99).contains(year.rounded(.towardZero)) { year += 1900 }
        return DateFormatting.makeTime(
            year: year, month: p[1], day: p[2], hours: p[3], minutes: p[4], seconds: p[5], milliseconds: p[6])
    }

    /// `new Date(…)` and `ISODate(…)`: now, milliseconds, a string, a date, or year/month/day… parts.
    static func makeDate(_ i: Interpreter, _ arguments: [JSValue], isoDate: Bool) throws(ShellError) -> JSValue {
        if arguments.isEmpty || (isoDate && arguments[0].isUndefined) { return .date(JSDate(now())) }
        if arguments.count == 1 {
            switch arguments[0] {
            case .string(let text):
                let time = DateFormatting.parse(text)
                if isoDate && time.isNaN { throw ShellError(name: "BSONError", message: "invalid ISO date: \(text)") }
                return .date(JSDate(time))
            case .date(let other): return .date(JSDate(other.time))
            case .bson(.timestamp(let t)): return .date(JSDate(Double(t.timestamp) * 1000))
            default: return .date(JSDate(try i.toNumber(arguments[0])))
            }
        }
        var parts: [Double] = []
        for value in arguments.prefix(7) { parts.append(try i.toNumber(value)) }
        return .date(JSDate(time(from: parts)))
    }

    // MARK: Numbers

    static func parseInt(_ text: String, radix: Double) -> Double {
        var s = Substring(text.trimmingJavaScriptWhitespace())
        var sign = 1.0
        if s.hasPrefix("-") {
            sign = -1
            s = s.dropFirst()
        } else if s.hasPrefix("+") {
            s = s.dropFirst()
        }
        var r = radix.isNaN ? 0 : Int(radix.rounded(.towardZero))
        if r == 0 {
            r = 10
            if s.lowercased().hasPrefix("0x") {
                r = 16
                s = s.dropFirst(2)
            }
        } else if r == 16 && s.lowercased().hasPrefix("0x") {
            s = s.dropFirst(2)
        }
        guard (2...36).contains(r) else { return .nan }
        var value = 0.0
        var any = false
        for c in s {
            guard let d = c.hexDigitValue ?? (c.isLetter ? Int(c.lowercased().unicodeScalars.first!.value) - 87 : nil),
                d >= 0, d < r
            else { break }
            value = value * Double(r) + Double(d)
            any = true
        }
        return any ? sign * value : .nan
    }

    static func parseFloat(_ text: String) -> Double {
        let s = text.trimmingJavaScriptWhitespace()
        for prefix in ["Infinity", "+Infinity", "-Infinity"] where s.hasPrefix(prefix) {
            return prefix.hasPrefix("-") ? -.infinity : .infinity
        }
        var end = s.startIndex
        var seenDigit = false
        var seenDot = false
        var seenExponent = false
        var index = s.startIndex
        while index < s.endIndex {
            let c = s[index]
            if c.isASCII && c.isNumber {
                seenDigit = true
                end = s.index(after: index)
            } else if c == "." && !seenDot && !seenExponent {
                seenDot = true
            } else if (c == "e" || c == "E") && seenDigit && !seenExponent {
                seenExponent = true
            } else if (c == "+" || c == "-") && (index == s.startIndex || "eE".contains(s[s.index(before: index)])) {
            } else {
                break
            }
            index = s.index(after: index)
        }
        guard seenDigit else { return .nan }
        var candidate = String(s[..<end])
        while !candidate.isEmpty, Double(candidate) == nil { candidate.removeLast() }
        return Double(candidate) ?? .nan
    }
}
