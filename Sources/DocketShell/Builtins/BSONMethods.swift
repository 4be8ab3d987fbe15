import Docket

/// The methods and properties of the BSON wrapper values (`ObjectId`, `Long`, `Int32`, `Double`, `Decimal128`,
/// `Timestamp`, `Binary`/`UUID`, `Code`, `MinKey`, `MaxKey`), as the Node.js `bson` library has them.
enum BSONMethods {
    /// The value's `toString()`.
    static func toString(_ value: BSONValue) -> String {
        switch value {
        case .objectID(let id): return id.hex
        case .int64(let i): return String(i)
        case .int32(let i): return String(i)
        case .double(let d): return JavaScriptText.number(d)
        case .decimal128(let d): return d.description
        case .timestamp(let t): return String(UInt64(t.timestamp) << 32 | UInt64(t.increment))
        case .binary(let b):
            return b.uuidString ?? b.base64EncodedString
        case .javascript(let code): return code
        case .javascriptWithScope(let c): return c.code
        case .symbol(let s): return s
        case .regex(let r): return "/\(r.pattern)/\(r.options)"
        case .minKey: return "[object MinKey]"
        case .maxKey: return "[object MaxKey]"
        default: return BSONPrinter(.shell()).string(value)
        }
    }

    /// The names `instanceof` accepts for a value.
    static func constructorNames(_ value: BSONValue) -> [String] {
        switch value {
        case .objectID: ["ObjectId", "ObjectID", "Object"]
        case .int64: ["Long", "NumberLong", "Object"]
        case .int32: ["Int32", "NumberInt", "Object"]
        case .double: ["Double", "Object"]
        case .decimal128: ["Decimal128", "NumberDecimal", "Object"]
        case .timestamp: ["Timestamp", "Object"]
        case .binary(let b):
            b.subtype == .uuid ? ["UUID", "Binary", "BinData", "Object"] : ["Binary", "BinData", "Object"]
        case .minKey: ["MinKey", "Object"]
        case .maxKey: ["MaxKey", "Object"]
        case .javascript, .javascriptWithScope: ["Code", "Object"]
        case .regex: ["BSONRegExp", "Object"]
        default: ["Object"]
        }
    }

    /// Properties that are not methods (`timestamp.t`, `binary.sub_type`, `code.code`).
    static func property(_ value: BSONValue, _ name: String) -> JSValue? {
        switch (value, name) {
        case (.timestamp(let t), "t"), (.timestamp(let t), "high"): return .number(Double(t.timestamp))
        case (.timestamp(let t), "i"), (.timestamp(let t), "low"): return .number(Double(t.increment))
        case (.binary(let b), "sub_type"): return .number(Double(b.subtype.rawValue))
        case (.binary(let b), "position"): return .number(Double(b.bytes.count))
        case (.javascript(let code), "code"): return .string(code)
        case (.javascriptWithScope(let c), "code"): return .string(c.code)
        case (.int32(let i), "value"): return .number(Double(i))
        case (.double(let d), "value"): return .number(d)
        case (.regex(let r), "pattern"): return .string(r.pattern)
        case (.regex(let r), "options"): return .string(r.options)
        case (.objectID(let id), "str"): return .string(id.hex)
        default: return nil
        }
    }

    static func hasMethod(_ value: BSONValue, _ name: String) -> Bool {
        if ["toString", "toJSON", "valueOf", "equals", "inspect"].contains(name) { return true }
        switch value {
        case .objectID: return ["toHexString", "getTimestamp", "isValid"].contains(name)
        case .int64: return longMethods.contains(name)
        case .binary: return ["length", "toHexString", "base64", "hex"].contains(name)
        case .timestamp: return ["getHighBits", "getLowBits", "toNumber"].contains(name)
        default: return false
        }
    }

    private static let longMethods: Set<String> = [
        "toNumber", "toInt", "toBigInt", "add", "subtract", "multiply", "div", "divide", "modulo", "mod", "negate",
        "compare", "comp", "eq", "notEquals", "neq", "lessThan", "lt", "lessThanOrEqual", "lte", "greaterThan", "gt",
        "greaterThanOrEqual", "gte", "isZero", "isNegative", "isPositive", "isOdd", "isEven", "abs",
    ]

    static func call(_ interpreter: Interpreter, _ value: BSONValue, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        let first = interpreter.argument(arguments, 0)
        switch name {
        case "toString":
            if case .binary(let b) = value, case .string(let encoding) = first {
                switch encoding {
                case "hex": return .string(b.hexString)
                case "base64": return .string(b.base64EncodedString)
                default: break
                }
            }
            if case .int64(let i) = value, !first.isUndefined {
                let radix = interpreter.clampedInt(try interpreter.toNumber(first))
                guard (2...36).contains(radix) else { throw ShellError.range("radix") }
                return .string(String(i, radix: radix))
            }
            return .string(toString(value))
        case "toJSON":
            switch value {
            case .objectID(let id): return .string(id.hex)
            case .int32(let i): return .number(Double(i))
            case .double(let d): return .number(d)
            case .int64(let i): return .string(String(i))
            default: return interpreter.extendedJSONValue(value)
            }
        case "valueOf":
            switch value {
            case .int32(let i): return .number(Double(i))
            case .double(let d): return .number(d)
            default: return .bson(value)
            }
        case "inspect":
            return .string(BSONPrinter(.shell()).render(ValuePrinter(interpreter: interpreter).node(.bson(value))))
        case "equals":
            return .bool(try equals(interpreter, value, first))
        default:
            break
        }
        switch value {
        case .objectID(let id):
            switch name {
            case "toHexString": return .string(id.hex)
            case "getTimestamp": return .date(JSDate(Double(id.dateMilliseconds)))
            default: break
            }
        case .binary(let b):
            switch name {
            case "length": return .number(Double(b.bytes.count))
            case "toHexString", "hex": return .string(b.hexString)
            case "base64": return .string(b.base64EncodedString)
            default: break
            }
        case .timestamp(let t):
            switch name {
            case "getHighBits": return .number(Double(t.timestamp))
            case "getLowBits": return .number(Double(t.increment))
            case "toNumber": return .number(Double(t.timestamp) * 4_294_967_296 + Double(t.increment))
            default: break
            }
        case .int64(let i):
            return try longMethod(interpreter, i, name, first)
        default:
            break
        }
        throw ShellError.type("\(name) is not a function")
    }

    private static func equals(_ interpreter: Interpreter, _ value: BSONValue, _ other: JSValue) throws(ShellError)
        -> Bool
    {
        switch (value, other) {
        case (.objectID(let id), .string(let hex)): return id.hex == hex.lowercased()
        case (_, .bson(let b)): return value == b
        case (.int64(let i), .number(let n)): return Double(i) == n
        default: return false
        }
    }

    private static func longMethod(_ interpreter: Interpreter, _ value: Int64, _ name: String, _ argument: JSValue)
        throws(ShellError) -> JSValue
    {
        func other() throws(ShellError) -> Int64 {
            switch argument {
            case .bson(.int64(let i)): return i
            case .bson(.int32(let i)): return Int64(i)
            case .string(let s): return Int64(s) ?? 0
            default:
                let n = try interpreter.toNumber(argument)
                return n.isFinite && abs(n) < 9.2e18 ? Int64(n) : 0
            }
        }
        func long(_ v: Int64) -> JSValue { .bson(.int64(v)) }
        switch name {
        case "toNumber", "toInt": return .number(Double(value))
        case "toBigInt": return .number(Double(value))
        case "add": return long(value &+ (try other()))
        case "subtract": return long(value &- (try other()))
        case "multiply": return long(value &* (try other()))
        case "div", "divide":
            let d = try other()
            guard d != 0 else { throw ShellError.range("division by zero") }
            return long(value.dividedReportingOverflow(by: d).partialValue)
        case "modulo", "mod":
            let d = try other()
            guard d != 0 else { throw ShellError.range("division by zero") }
            return long(value.remainderReportingOverflow(dividingBy: d).partialValue)
        case "negate": return long(0 &- value)
        case "abs": return long(value < 0 ? 0 &- value : value)
        case "compare", "comp":
            let o = try other()
            return .number(value < o ? -1 : value > o ? 1 : 0)
        case "eq": return .bool(value == (try other()))
        case "notEquals", "neq": return .bool(value != (try other()))
        case "lessThan", "lt": return .bool(value < (try other()))
        case "lessThanOrEqual", "lte": return .bool(value <= (try other()))
        case "greaterThan", "gt": return .bool(value > (try other()))
        case "greaterThanOrEqual", "gte": return .bool(value >= (try other()))
        case "isZero": return .bool(value == 0)
        case "isNegative": return .bool(value < 0)
        case "isPositive": return .bool(value >= 0)
        case "isOdd": return .bool(value % 2 != 0)
        case "isEven": return .bool(value % 2 == 0)
        default: throw ShellError.type("\(name) is not a function")
        }
    }
}
