import Docket
import Foundation

extension Globals {
    // MARK: Math

    static func math() -> JSObject {
        func unary(_ name: String, _ f: @escaping (Double) -> Double) -> (String, JSValue) {
            (name, function(name, 1) { i, _, a, _ throws(ShellError) in .number(f(try i.toNumber(i.argument(a, 0)))) })
        }
        func extremum(_ name: String, _ isMax: Bool) -> (String, JSValue) {
            (
                name,
                function(name, 2) { i, _, a, _ throws(ShellError) in
                    var result = isMax ? -Double.infinity : Double.infinity
                    for value in a {
                        let n = try i.toNumber(value)
                        if n.isNaN { return .number(.nan) }
                        if isMax
                            ? (n > result || (n == 0 && result == 0 && n.sign == .plus))
                            : (n < result || (n == 0 && result == 0 && n.sign == .minus))
                        {
                            result = n
                        }
                    }
                    return .number(result)
                }
            )
        }
        var members: [(String, JSValue)] = [
            ("PI", .number(.pi)), ("E", .number(M_E)), ("LN2", .number(M_LN2)), ("LN10", .number(M_LN10)),
            ("LOG2E", .number(M_LOG2E)), ("LOG10E", .number(M_LOG10E)), ("SQRT2", .number(2.0.squareRoot())),
            ("SQRT1_2", .number(0.5.squareRoot())),
            unary("abs") { abs($0) }, unary("ceil") { $0.rounded(.up) }, unary("floor") { $0.rounded(.down) },
            unary("round") { ($0 + 0.5).rounded(.down) == 0 && $0 < 0 ? -0.0 : ($0 + 0.5).rounded(.down) },
            unary("trunc") { $0.rounded(.towardZero) },
            unary("sign") { $0.isNaN ? .nan : $0 > 0 ? 1 : $0 < 0 ? -1 : $0 },
            unary("sqrt") { $0.squareRoot() }, unary("cbrt") { cbrt($0) }, unary("exp") { exp($0) },
            unary("expm1") { expm1($0) }, unary("log") { log($0) }, unary("log2") { log2($0) },
            unary("log10") { log10($0) }, unary("log1p") { log1p($0) }, unary("sin") { sin($0) },
            unary("cos") { cos($0) }, unary("tan") { tan($0) }, unary("asin") { asin($0) }, unary("acos") { acos($0) },
            unary("atan") { atan($0) }, unary("sinh") { sinh($0) }, unary("cosh") { cosh($0) },
            unary("tanh") { tanh($0) }, unary("fround") { Double(Float($0)) },
            extremum("max", true), extremum("min", false),
        ]
        members.append(
            (
                "pow",
                function("pow", 2) { i, _, a, _ throws(ShellError) in
                    .number(Interpreter.power(try i.toNumber(i.argument(a, 0)), try i.toNumber(i.argument(a, 1))))
                }
            ))
        members.append(
            (
                "atan2",
                function("atan2", 2) { i, _, a, _ throws(ShellError) in
                    .number(atan2(try i.toNumber(i.argument(a, 0)), try i.toNumber(i.argument(a, 1))))
                }
            ))
        members.append(
            (
                "hypot",
                function("hypot", 2) { i, _, a, _ throws(ShellError) in
                    var sum = 0.0
                    for value in a {
                        let n = try i.toNumber(value)
                        sum += n * n
                    }
                    return .number(sum.squareRoot())
                }
            ))
        members.append(
            ("random", function("random", 0) { _, _, _, _ throws(ShellError) in .number(Double.random(in: 0..<1)) }))
        return namespace(members)
    }

    // MARK: JSON and EJSON

    static func json() -> JSObject {
        namespace([
            (
                "stringify",
                function("stringify", 3) { i, _, a, _ throws(ShellError) in
                    try JSONMethods.stringify(i, i.argument(a, 0), replacer: i.argument(a, 1), space: i.argument(a, 2))
                }
            ),
            (
                "parse",
                function("parse", 2) { i, _, a, _ throws(ShellError) in
                    try JSONMethods.parse(i, try i.toString(i.argument(a, 0)), reviver: i.argument(a, 1))
                }
            ),
        ])
    }

    static func ejson() -> JSObject {
        namespace([
            (
                "stringify",
                function("stringify", 4) { i, _, a, _ throws(ShellError) in try JSONMethods.ejsonStringify(i, a) }
            ),
            ("parse", function("parse", 2) { i, _, a, _ throws(ShellError) in try JSONMethods.ejsonParse(i, a) }),
            (
                "serialize",
                function("serialize", 2) { i, _, a, _ throws(ShellError) in
                    guard case .string(let text) = try JSONMethods.ejsonStringify(i, a) else { return .undefined }
                    return try JSONMethods.parse(i, text, reviver: .undefined)
                }
            ),
            (
                "deserialize",
                function("deserialize", 2) { i, _, a, _ throws(ShellError) in
                    let text = try JSONMethods.stringify(i, i.argument(a, 0), replacer: .undefined, space: .undefined)
                    return try JSONMethods.ejsonParse(i, [text, i.argument(a, 1)])
                }
            ),
        ])
    }

    // MARK: Object

    static func objectConstructor() -> JSValue {
        let object = JSFunction(native: "Object", length: 1, constructible: true) { i, _, a, _ throws(ShellError) in
            let value = i.argument(a, 0)
            return value.isNullish ? .object(JSObject()) : value
        }
        func keysOf(_ i: Interpreter, _ a: [JSValue]) throws(ShellError) -> [String] {
            try i.enumerableKeys(i.argument(a, 0))
        }
        object.properties = namespace([
            (
                "keys",
                function("keys", 1) { i, _, a, _ throws(ShellError) in
                    .array(JSArray(try keysOf(i, a).map { .string($0) }))
                }
            ),
            (
                "getOwnPropertyNames",
                function("getOwnPropertyNames", 1) { i, _, a, _ throws(ShellError) in
                    .array(JSArray(try keysOf(i, a).map { .string($0) }))
                }
            ),
            (
                "values",
                function("values", 1) { i, _, a, _ throws(ShellError) in
                    var values: [JSValue] = []
                    for key in try keysOf(i, a) { values.append(try i.getProperty(i.argument(a, 0), key)) }
                    return .array(JSArray(values))
                }
            ),
            (
                "entries",
                function("entries", 1) { i, _, a, _ throws(ShellError) in
                    var entries: [JSValue] = []
                    for key in try keysOf(i, a) {
                        entries.append(.array(JSArray([.string(key), try i.getProperty(i.argument(a, 0), key)])))
                    }
                    return .array(JSArray(entries))
                }
            ),
            (
                "assign",
                function("assign", 2) { i, _, a, _ throws(ShellError) in
                    guard case .object(let target) = i.argument(a, 0) else {
                        if i.argument(a, 0).isNullish {
                            throw ShellError.type("Cannot convert undefined or null to object")
                        }
                        return i.argument(a, 0)
                    }
                    for source in a.dropFirst() { try i.copyEnumerableProperties(from: source, to: target) }
                    return .object(target)
                }
            ),
            (
                "fromEntries",
                function("fromEntries", 1) { i, _, a, _ throws(ShellError) in
                    let result = JSObject()
                    try i.iterate(i.argument(a, 0)) { (entry: JSValue) throws(ShellError) -> Bool in
                        result.set(
                            try i.toPropertyKey(try i.getIndex(entry, .number(0))), try i.getIndex(entry, .number(1)))
                        return true
                    }
                    return .object(result)
                }
            ),
            (
                "hasOwn",
                function("hasOwn", 2) { i, _, a, _ throws(ShellError) in
                    .bool(try i.enumerableKeys(i.argument(a, 0)).contains(try i.toPropertyKey(i.argument(a, 1))))
                }
            ),
            ("freeze", function("freeze", 1) { i, _, a, _ throws(ShellError) in i.argument(a, 0) }),
            ("isFrozen", function("isFrozen", 1) { _, _, _, _ throws(ShellError) in .bool(false) }),
            (
                "create",
                function("create", 2) { i, _, a, _ throws(ShellError) in
                    let result = JSObject()
                    if case .object(let prototype) = i.argument(a, 0) {
                        try i.copyEnumerableProperties(from: .object(prototype), to: result)
                    }
                    return .object(result)
                }
            ),
        ])
        return .function(object)
    }

    // MARK: Array

    static func arrayConstructor() -> JSValue {
        let array = JSFunction(native: "Array", length: 1, constructible: true) { i, _, a, _ throws(ShellError) in
            if a.count == 1, case .number(let n) = a[0] {
                guard n >= 0, n == n.rounded(.towardZero), n < 4_294_967_296 else {
                    throw ShellError.range("Invalid array length")
                }
                try i.checkArrayLength(Int(n))
                return .array(JSArray(Array(repeating: .undefined, count: Int(n))))
            }
            return .array(JSArray(a))
        }
        array.properties = namespace([
            (
                "isArray",
                function("isArray", 1) { i, _, a, _ throws(ShellError) in
                    if case .array = i.argument(a, 0) { return .bool(true) }
                    return .bool(false)
                }
            ),
            (
                "from",
                function("from", 2) { i, _, a, _ throws(ShellError) in
                    var values: [JSValue] = []
                    let source = i.argument(a, 0)
                    if case .object(let object) = source, let length = object["length"] {
                        // ToLength, then the array's limit: a RangeError beyond it, as `new Array(n)` throws.
                        let n = max(0, i.clampedInt(try i.toNumber(length)))
                        try i.checkArrayLength(n)
                        for k in 0..<n { values.append(object[String(k)] ?? .undefined) }
                    } else if !source.isNullish {
                        try i.iterate(source) { (value: JSValue) throws(ShellError) -> Bool in
                            values.append(value)
                            try i.checkArrayLength(values.count)
                            return true
                        }
                    }
                    if case .function(let map) = i.argument(a, 1) {
                        for k in values.indices {
                            values[k] = try i.call(map, this: .undefined, [values[k], .number(Double(k))])
                        }
                    }
                    return .array(JSArray(values))
                }
            ),
            ("of", function("of", 0) { _, _, a, _ throws(ShellError) in .array(JSArray(a)) }),
        ])
        return .function(array)
    }

    // MARK: Number and String

    static func numberConstructor() -> JSValue {
        let number = JSFunction(native: "Number", length: 1, constructible: true) { i, _, a, _ throws(ShellError) in
            a.isEmpty ? .number(0) : .number(try i.toNumber(a[0]))
        }
        func test(_ name: String, _ f: @escaping (Double) -> Bool) -> (String, JSValue) {
            (
                name,
                function(name, 1) { i, _, a, _ throws(ShellError) in
                    guard case .number(let n) = i.argument(a, 0) else { return .bool(false) }
                    return .bool(f(n))
                }
            )
        }
        number.properties = namespace([
            ("MAX_SAFE_INTEGER", .number(9_007_199_254_740_991)), ("MIN_SAFE_INTEGER", .number(-9_007_199_254_740_991)),
            ("EPSILON", .number(Double.ulpOfOne)), ("MAX_VALUE", .number(Double.greatestFiniteMagnitude)),
            ("MIN_VALUE", .number(Double.leastNonzeroMagnitude)), ("POSITIVE_INFINITY", .number(.infinity)),
            ("NEGATIVE_INFINITY", .number(-.infinity)), ("NaN", .number(.nan)),
            test("isInteger") { $0.isFinite && $0 == $0.rounded(.towardZero) },
            test("isSafeInteger") { $0.isFinite && $0 == $0.rounded(.towardZero) && abs($0) <= 9_007_199_254_740_991 },
            test("isFinite") { $0.isFinite }, test("isNaN") { $0.isNaN },
            (
                "parseFloat",
                function("parseFloat", 1) { i, _, a, _ throws(ShellError) in
                    .number(parseFloat(try i.toString(i.argument(a, 0))))
                }
            ),
            (
                "parseInt",
                function("parseInt", 2) { i, _, a, _ throws(ShellError) in
                    .number(parseInt(try i.toString(i.argument(a, 0)), radix: try i.toNumber(i.argument(a, 1))))
                }
            ),
        ])
        return .function(number)
    }

    static func stringConstructor() -> JSValue {
        let string = JSFunction(native: "String", length: 1, constructible: true) { i, _, a, _ throws(ShellError) in
            a.isEmpty ? .string("") : .string(try i.toString(a[0]))
        }
        string.properties = namespace([
            (
                "fromCharCode",
                function("fromCharCode", 1) { i, _, a, _ throws(ShellError) in
                    var units: [UInt16] = []
                    for value in a { units.append(UInt16(truncatingIfNeeded: i.toInt32(try i.toNumber(value)))) }
                    return .string(StringMethods.text(units))
                }
            ),
            (
                "fromCodePoint",
                function("fromCodePoint", 1) { i, _, a, _ throws(ShellError) in
                    var text = ""
                    for value in a {
                        let n = try i.toNumber(value)
                        guard n >= 0, n <= 0x10FFFF, n == n.rounded(.towardZero) else {
                            throw ShellError.range("Invalid code point \(JavaScriptText.number(n))")
                        }
                        text.unicodeScalars.append(Unicode.Scalar(UInt32(n)) ?? "\u{FFFD}")
                    }
                    return .string(text)
                }
            ),
        ])
        return .function(string)
    }
}
