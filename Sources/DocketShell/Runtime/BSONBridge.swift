import Docket

/// Converts between the shell's JavaScript values and BSON exactly as mongosh (the Node.js driver's `bson` library)
/// does.
///
/// To BSON: a number that is an integer in the int32 range (and not -0) becomes int32, any other number a double;
/// `undefined` becomes null; dates become datetimes; regular expressions become BSON regexes; functions become BSON
/// code; the wrappers (`Long`, `Int32`, `Double`, `Decimal128`, …) keep their type.
///
/// From BSON: int32 and double become numbers, int64 a `Long`, BSON undefined null, datetimes dates, regexes
/// regular expressions (their BSON form when JavaScript cannot run them).
struct BSONBridge {
    let interpreter: Interpreter

    /// The nesting limit of documents (BSON's is 100; the extra level is the top).
    static let maximumDepth = 101

    func document(_ value: JSValue, what: String = "document") throws(ShellError) -> BSONDocument {
        switch value {
        case .object(let object):
            var path: [ObjectIdentifier] = []
            return try document(object, depth: 0, path: &path)
        case .bson(.document(let d)): return d
        case .host(.result(let result)) where result.documentValue != nil: return result.documentValue!
        default:
            throw ShellError(
                name: "MongoInvalidArgumentError",
                message: "Argument \"\(what)\" must be an object, got \(try interpreter.toDisplayString(value))")
        }
    }

    /// An optional document argument: `undefined`/`null` give `nil`.
    func optionalDocument(_ value: JSValue, what: String) throws(ShellError) -> BSONDocument? {
        value.isNullish ? nil : try document(value, what: what)
    }

    private func document(_ object: JSObject, depth: Int, path: inout [ObjectIdentifier]) throws(ShellError)
        -> BSONDocument
    {
        guard depth < BSONBridge.maximumDepth else {
            throw ShellError(name: "BSONError", message: "Document exceeds maximum nesting depth of 100")
        }
        let identity = ObjectIdentifier(object)
        if path.contains(identity) {
            throw ShellError(name: "BSONError", message: "Cannot convert circular structure to BSON")
        }
        var result = BSONDocument(minimumCapacity: object.count)
        path.append(identity)
        defer { path.removeLast() }
        for i in 0..<object.count {
            result.append(object.keys[i], try bson(object.value(at: i), depth: depth + 1, path: &path))
        }
        return result
    }

    /// A value as BSON.
    func bson(_ value: JSValue) throws(ShellError) -> BSONValue {
        var path: [ObjectIdentifier] = []
        return try bson(value, depth: 0, path: &path)
    }

    private func bson(_ value: JSValue, depth: Int, path: inout [ObjectIdentifier]) throws(ShellError) -> BSONValue {
        guard interpreter.stack.hasRoom else { throw ShellError.range("Maximum call stack size exceeded") }
        switch value {
        case .undefined, .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let n): return BSONBridge.number(n)
        case .string(let s): return .string(s)
        case .object(let object): return .document(try document(object, depth: depth, path: &path))
        case .array(let array):
            guard depth < BSONBridge.maximumDepth else {
                throw ShellError(name: "BSONError", message: "Document exceeds maximum nesting depth of 100")
            }
            let identity = ObjectIdentifier(array)
            if path.contains(identity) {
                throw ShellError(name: "BSONError", message: "Cannot convert circular structure to BSON")
            }
            var elements: [BSONValue] = []
            elements.reserveCapacity(array.elements.count)
            path.append(identity)
            defer { path.removeLast() }
            for element in array.elements { elements.append(try bson(element, depth: depth + 1, path: &path)) }
            return .array(elements)
        case .function(let function):
            if case .closure(let node, _) = function.kind { return .javascript(node.sourceText) }
            // mongosh gives its `MinKey`/`MaxKey` constructors a `toBSON`, so the bare name stores the key, as the
            // legacy shell did (MONGOSH-1024).
            if function.name == "MinKey" { return .minKey }
            if function.name == "MaxKey" { return .maxKey }
            return .javascript("function \(function.name)() { [native code] }")
        case .bson(let b): return b
        case .date(let date):
            guard !date.time.isNaN else {
                throw ShellError(name: "BSONError", message: "Invalid Date cannot be stored")
            }
            return .datetime(Int64(date.time))
        case .regexp(let regexp):
            let options = String(regexp.flags.filter { "imsux".contains($0) }.sorted())
            return .regex(BSONRegex(pattern: regexp.source, options: options))
        case .host(.result(let result)) where result.documentValue != nil:
            return .document(result.documentValue!)
        case .host(let host):
            throw ShellError(
                name: "BSONError", message: "Cannot convert \(HostMethods.toString(host)) to BSON")
        }
    }

    /// A JavaScript number as the Node.js driver stores it: int32 when it is an integer that fits, else double.
    @inline(__always) static func number(_ n: Double) -> BSONValue {
        if n >= -2_147_483_648 && n <= 2_147_483_647, n == n.rounded(.towardZero), !(n == 0 && n.sign == .minus) {
            return .int32(Int32(n))
        }
        return .double(n)
    }

    /// A BSON value as JavaScript.
    func value(_ bson: BSONValue) -> JSValue {
        switch bson {
        case .double(let d): return .number(d)
        case .int32(let i): return .number(Double(i))
        case .string(let s): return .string(s)
        case .document(let d): return .object(object(d))
        case .array(let a): return .array(JSArray(a.map(value)))
        case .undefined, .null: return .null
        case .bool(let b): return .bool(b)
        case .datetime(let ms): return .date(JSDate(Double(ms)))
        case .regex(let r):
            if let regexp = try? JSRegExp(source: r.pattern, flags: String(r.options.filter { "ims".contains($0) })),
                r.options.allSatisfy({ "ims".contains($0) })
            {
                return .regexp(regexp)
            }
            return .bson(bson)
        default: return .bson(bson)
        }
    }

    func object(_ document: BSONDocument) -> JSObject {
        var keys: [String] = []
        var values: [JSValue] = []
        keys.reserveCapacity(document.count)
        values.reserveCapacity(document.count)
        for (key, element) in document {
            keys.append(key)
            values.append(value(element))
        }
        return JSObject(keys: keys, values: values)
    }
}
