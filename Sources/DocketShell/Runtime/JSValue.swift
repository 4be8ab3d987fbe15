import Docket

/// A value of the shell's JavaScript.
///
/// Numbers are doubles, as in JavaScript; they become BSON int32 or double when written (see `BSONBridge`). The BSON
/// types JavaScript lacks (ObjectId, Long, Int32 and Double wrappers, Decimal128, Timestamp, binary, MinKey, MaxKey,
/// code) are `.bson` values, immutable like mongosh's wrapper objects.
enum JSValue {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case object(JSObject)
    case array(JSArray)
    case function(JSFunction)
    /// A BSON wrapper value: never `.double`, `.int32` (plain numbers) unless the script asked for the wrapper with
    /// `Double(…)`/`Int32(…)`; never a string, document, array, bool, null, datetime or regex.
    case bson(BSONValue)
    case date(JSDate)
    case regexp(JSRegExp)
    case host(HostObject)

    var isNullish: Bool {
        switch self {
        case .undefined, .null: true
        default: false
        }
    }

    var isUndefined: Bool {
        if case .undefined = self { return true }
        return false
    }
}

@available(*, unavailable)
extension JSValue: Sendable {}

/// A plain JavaScript object: ordered properties (insertion order, as BSON documents have them).
///
/// - Note: Differs from JavaScript: integer-like keys keep their insertion order instead of coming first, so a
///   document read from the database prints in its stored order.
final class JSObject {
    private(set) var keys: [String] = []
    fileprivate(set) var values: [JSValue] = []
    private var index: [String: Int]?
    /// For objects made by `new Error(…)` and the shell's errors: the name and message (not enumerable).
    var error: (name: String, message: String)?
    /// The constructor a `new F()` object was made by, for `instanceof`.
    weak var constructor: JSFunction?
    /// A class name printed before the braces (`BulkWriteResult { … }`); nil for plain objects.
    var className: String?

    init() {}

    init(keys: [String], values: [JSValue]) {
        self.keys = keys
        self.values = values
        if keys.count > JSObject.linearSearchLimit { rebuildIndex() }
    }

    /// Objects up to this size find keys by linear search.
    private static let linearSearchLimit = 8

    var count: Int { keys.count }

    func slot(of key: String) -> Int? {
        if let index { return index[key] }
        for i in keys.indices where keys[i] == key { return i }
        return nil
    }

    subscript(key: String) -> JSValue? {
        guard let i = slot(of: key) else { return nil }
        return values[i]
    }

    func set(_ key: String, _ value: JSValue) {
        if let i = slot(of: key) {
            values[i] = value
            return
        }
        keys.append(key)
        values.append(value)
        if index != nil {
            index![key] = keys.count - 1
        } else if keys.count > JSObject.linearSearchLimit {
            rebuildIndex()
        }
    }

    func value(at i: Int) -> JSValue { values[i] }

    @discardableResult
    func remove(_ key: String) -> Bool {
        guard let i = slot(of: key) else { return false }
        keys.remove(at: i)
        values.remove(at: i)
        if index != nil { rebuildIndex() }
        return true
    }

    deinit {
        if Teardown.holdsReferences(values) { Teardown.dismantle(values: &values) }
    }

    private func rebuildIndex() {
        var map: [String: Int] = [:]
        map.reserveCapacity(keys.count)
        for (i, key) in keys.enumerated() { map[key] = i }
        index = map
    }
}

/// A JavaScript array.
final class JSArray {
    var elements: [JSValue]

    init(_ elements: [JSValue] = []) { self.elements = elements }

    deinit {
        if Teardown.holdsReferences(elements) { Teardown.dismantle(values: &elements) }
    }
}

/// A JavaScript date: mutable, as `setDate` and friends change it. Time in milliseconds since the epoch (UTC), NaN
/// for an invalid date.
final class JSDate {
    var time: Double

    init(_ time: Double) { self.time = JSDate.clip(time) }

    /// ECMAScript `TimeClip`.
    static func clip(_ t: Double) -> Double {
        guard t.isFinite, abs(t) <= JavaScriptText.maximumDateMilliseconds else { return .nan }
        return t.rounded(.towardZero) + 0
    }
}

/// A function: a closure over the environment it was made in, or a native function of the shell.
final class JSFunction {
    enum Kind {
        case closure(FunctionNode, Environment)
        case native(NativeFunction)
    }

    fileprivate(set) var kind: Kind
    let name: String
    /// Properties set on the function (`ObjectId.isValid`, or by a script).
    var properties: JSObject?

    init(_ node: FunctionNode, _ environment: Environment) {
        kind = .closure(node, environment)
        name = node.name
    }

    init(native name: String, length: Int = 0, constructible: Bool = false, _ body: @escaping NativeFunction.Body) {
        kind = .native(NativeFunction(length: length, isConstructor: constructible, body: body))
        self.name = name
    }

    var length: Int {
        switch kind {
        case .closure(let node, _): node.length
        case .native(let native): native.length
        }
    }

    deinit {
        if case .closure = kind { Teardown.dismantle(function: self) }
    }
}

/// The body of a native function.
struct NativeFunction {
    /// Called with the interpreter, `this`, the arguments and whether it was called with `new`.
    typealias Body = (Interpreter, JSValue, [JSValue], Bool) throws(ShellError) -> JSValue

    var length: Int
    var isConstructor: Bool
    var body: Body
}

/// A variable environment: the slots of a function call, of the script, or of a block whose variables closures in a
/// loop capture.
final class Environment {
    var slots: ContiguousArray<JSValue>
    fileprivate(set) var parent: Environment?

    init(size: Int, parent: Environment?) {
        slots = ContiguousArray(repeating: .undefined, count: size)
        self.parent = parent
    }

    init(copying other: Environment) {
        slots = other.slots
        parent = other.parent
    }

    deinit {
        if parent != nil || Teardown.holdsReferences(slots) { Teardown.dismantle(environment: self) }
    }

    @inline(__always) func ancestor(_ hops: Int) -> Environment {
        var environment = self
        for _ in 0..<hops { environment = environment.parent! }
        return environment
    }
}

/// A JavaScript regular expression (ICU through Foundation).
final class JSRegExp {
    let source: String
    let flags: String
    var lastIndex = 0
    let compiled: ShellRegex

    init(source: String, flags: String) throws(ShellError) {
        self.source = source
        self.flags = flags
        compiled = try ShellRegex(pattern: source, flags: flags)
    }

    var isGlobal: Bool { flags.contains("g") }
    var isSticky: Bool { flags.contains("y") }
}

/// The shell's objects that are not JavaScript's: the database, collections, cursors and printable results.
enum HostObject {
    case database(DatabaseHost)
    case collection(CollectionHost)
    case cursor(CursorHost)
    case result(ShellResult)
}

/// Releases deep graphs of values without deep recursion.
///
/// Swift releases a tree recursively: dropping the root of `v = { v }` nested 100,000 times (or a chain of 100,000
/// closures and their environments) would recurse 100,000 deinitialisers deep and overflow the stack. Each
/// deinitialiser here hands its children to a work list instead, and takes the children of every child that is
/// about to die too, so the depth of the release is constant.
enum Teardown {
    private enum Item {
        case value(JSValue)
        case environment(Environment)
    }

    /// Whether values hold objects whose release could recurse (plain values and BSON scalars cannot).
    @inline(__always) static func holdsReferences<C: Collection>(_ values: C) -> Bool where C.Element == JSValue {
        values.contains { value in
            switch value {
            case .object, .array, .function: true
            default: false
            }
        }
    }

    static func dismantle(values: inout [JSValue]) {
        var work = values.map { Item.value($0) }
        values.removeAll()
        drain(&work)
    }

    static func dismantle(function: JSFunction) {
        guard case .closure(_, let environment) = function.kind else { return }
        function.kind = .native(placeholder)
        var work = [Item.environment(environment)]
        drain(&work)
    }

    static func dismantle(environment: Environment) {
        var work = environment.slots.map { Item.value($0) }
        environment.slots.removeAll()
        if let parent = environment.parent {
            environment.parent = nil
            work.append(.environment(parent))
        }
        drain(&work)
    }

    private static var placeholder: NativeFunction {
        NativeFunction(length: 0, isConstructor: false) { _, _, _, _ in .undefined }
    }

    /// Releases the items one by one; an item about to die gives its children to the list first.
    private static func drain(_ work: inout [Item]) {
        while var item = work.popLast() {
            var object: JSObject?
            var array: JSArray?
            var function: JSFunction?
            var environment: Environment?
            switch item {
            case .value(.object(let o)): object = o
            case .value(.array(let a)): array = a
            case .value(.function(let f)): function = f
            case .environment(let e): environment = e
            default: break
            }
            // Drop the list's reference, so the uniqueness checks below see only ours.
            item = .value(.undefined)
            if var o = object.take(), isKnownUniquelyReferenced(&o), holdsReferences(o.values) {
                for child in o.values { work.append(.value(child)) }
                o.values.removeAll()
            }
            if var a = array.take(), isKnownUniquelyReferenced(&a), holdsReferences(a.elements) {
                for child in a.elements { work.append(.value(child)) }
                a.elements.removeAll()
            }
            if var f = function.take(), isKnownUniquelyReferenced(&f), case .closure(_, let captured) = f.kind {
                f.kind = .native(placeholder)
                work.append(.environment(captured))
            }
            if var e = environment.take(), isKnownUniquelyReferenced(&e) {
                for child in e.slots where holdsReferences(CollectionOfOne(child)) { work.append(.value(child)) }
                e.slots.removeAll()
                if let parent = e.parent {
                    e.parent = nil
                    work.append(.environment(parent))
                }
            }
        }
    }
}
