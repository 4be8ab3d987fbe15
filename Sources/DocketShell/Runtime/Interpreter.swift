import Docket
import Synchronization

/// A flag another thread or a signal handler sets to stop a running evaluation (Ctrl-C).
///
/// The interpreter checks it in loops, in calls and while iterating cursors; the evaluation then ends with a
/// ``ShellError`` of kind ``ShellError/Kind/interrupted``.
public final class InterruptFlag: Sendable {
    private let requested = Atomic<Bool>(false)

    /// Creates a cleared flag.
    public init() {}

    /// Asks the running evaluation to stop. Safe to call from a signal handler (a lock-free atomic store).
    public func request() { requested.store(true, ordering: .relaxed) }

    /// Clears the flag (before the next evaluation).
    public func clear() { requested.store(false, ordering: .relaxed) }

    /// Whether an interruption was requested.
    public var isRequested: Bool { requested.load(ordering: .relaxed) }
}

/// How a statement ended (a statement's completion record).
enum Flow {
    case normal
    case breakLoop(String?)
    case continueLoop(String?)
    case returnValue(JSValue)
}

/// Evaluates resolved programs: statements, expressions, calls, and the shell's builtins.
///
/// Not thread-safe: one interpreter runs on one thread at a time.
final class Interpreter {
    let globalTable = GlobalTable()
    var globalValues: ContiguousArray<JSValue> = []
    var globalDeclared: [Bool] = []
    /// The global builtins by name (`Math`, `print`, `db`, …): their slots are filled when first resolved.
    var builtins: [String: JSValue] = [:]

    /// The names of the scripts run so far (`FunctionNode.sourceID` indexes it; 0 is the shell itself).
    var sourceNames: [String] = ["@(shell)"]
    var currentSource = 0

    var stack = StackGuard()
    var callDepth = 0
    /// The value of the last expression statement outside functions (what the REPL prints).
    var completionValue: JSValue = .undefined
    /// The values `throw` threw, while their exceptions unwind (`ShellError.thrownID` keys them).
    var thrownValues: [Int: JSValue] = [:]
    var nextThrownID = 0

    /// Steps taken (loop iterations and calls), and the budget of one evaluation (`nil`: unlimited).
    var steps = 0
    var stepLimit: Int?
    let interrupt: InterruptFlag
    let limits: ShellLimits

    /// The shell's state: databases, output, `it`.
    unowned(unsafe) var shell: ShellContext!

    static let maximumCallDepth = 10_000

    init(interrupt: InterruptFlag, limits: ShellLimits) {
        self.interrupt = interrupt
        self.limits = limits
    }

    // MARK: Programs

    /// Parses, resolves and runs a script; returns its completion value.
    func run(_ source: String, sourceName: String) throws(ShellError) -> JSValue {
        let program: Program
        do {
            var resolver = Resolver(globals: globalTable)
            program = try resolver.resolve(try Parser.parse(source))
        } catch var error {
            if error.sourceName == nil { error.sourceName = sourceName }
            if let position = error.position, error.sourceLines.isEmpty {
                error.sourceLines = Interpreter.lines(through: Int(position.line), of: source)
            }
            throw error
        }
        let sourceID = sourceNames.count
        sourceNames.append(sourceName)
        let savedPending = pendingSourceID
        pendingSourceID = sourceID
        defer { pendingSourceID = savedPending }
        return try run(program, sourceID: sourceID)
    }

    /// The line `number` of a source and up to two lines before it.
    static func lines(through number: Int, of source: String) -> [(number: Int, text: String)] {
        var result: [(number: Int, text: String)] = []
        for (i, line) in source.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where i + 1 >= number - 2 && i + 1 <= number {
            result.append((i + 1, String(line.hasSuffix("\r") ? line.dropLast() : line)))
        }
        return result
    }

    private func run(_ program: Program, sourceID: Int) throws(ShellError) -> JSValue {
        prepareGlobals()
        let savedSource = currentSource
        currentSource = sourceID
        defer { currentSource = savedSource }
        completionValue = .undefined
        let environment = Environment(size: program.environmentSize, parent: nil)
        do throws(ShellError) {
            try hoistFunctions(program.body, environment)
            for statement in program.body {
                switch try execute(statement, environment) {
                case .normal: continue
                case .returnValue:
                    throw ShellError.syntax("Illegal return statement", at: .unknown)
                case .breakLoop, .continueLoop:
                    throw ShellError.syntax("Illegal break or continue statement", at: .unknown)
                }
            }
        } catch var error {
            if error.sourceName == nil && error.position != nil { error.sourceName = sourceNames[sourceID] }
            throw error
        }
        return completionValue
    }

    /// Makes room for globals the resolver added and fills builtins into their slots.
    func prepareGlobals() {
        let count = globalTable.count
        guard globalValues.count < count else { return }
        for slot in globalValues.count..<count {
            if let builtin = builtins[globalTable.names[slot]] {
                globalValues.append(builtin)
                globalDeclared.append(true)
                globalTable.setConstant(slot, Interpreter.readOnlyGlobals.contains(globalTable.names[slot]))
            } else {
                globalValues.append(.undefined)
                globalDeclared.append(false)
            }
        }
    }

    static let readOnlyGlobals: Set<String> = ["NaN", "Infinity"]

    /// Sets a global variable from Swift (the shell's `db` after `use`).
    func setGlobal(_ name: String, _ value: JSValue) {
        builtins[name] = value
        let slot = globalTable.slot(for: name)
        prepareGlobals()
        globalValues[slot] = value
        globalDeclared[slot] = true
    }

    func global(_ name: String) -> JSValue? {
        guard let slot = globalTable.existingSlot(for: name), slot < globalValues.count, globalDeclared[slot] else {
            return builtins[name]
        }
        return globalValues[slot]
    }

    /// The script id given to the functions of the program being run (see `makeClosure`).
    var pendingSourceID = 0

    /// Gives an error that has no place yet the place of the statement or call it came from.
    @inline(never) func locate(_ error: inout ShellError, _ position: SourcePosition) {
        guard error.position == nil, position.line > 0 else { return }
        error.position = position
        error.sourceName = sourceNames[currentSource]
    }

    // MARK: Budget and interruption

    /// Counts a step (a loop iteration or a call) and checks for interruption and the budget every 1024 steps.
    @inline(__always) func tick() throws(ShellError) {
        steps &+= 1
        if steps & 0x3FF == 0 { try checkpoint() }
    }

    @inline(never) func checkpoint() throws(ShellError) {
        if interrupt.isRequested {
            throw ShellError(kind: .interrupted, name: "MongoshInterruptedError", message: "execution was interrupted")
        }
        if let stepLimit, steps > stepLimit {
            throw ShellError(
                kind: .limitExceeded, name: "RangeError",
                message: "The evaluation took more than its budget of \(stepLimit) steps")
        }
    }

    // MARK: Statements

    /// Binds the function declarations of a block before its statements run (hoisting).
    func hoistFunctions(_ statements: [Stmt], _ environment: Environment) throws(ShellError) {
        for statement in statements {
            if case .function(let target, let node) = statement {
                try bind(target, .function(makeClosure(node, environment)), environment, initialize: true)
            }
        }
    }

    func makeClosure(_ node: FunctionNode, _ environment: Environment) -> JSFunction {
        if node.sourceID == 0 && pendingSourceID != 0 { node.sourceID = pendingSourceID }
        return JSFunction(node, environment)
    }

    func executeBlock(_ statements: [Stmt], _ environment: Environment) throws(ShellError) -> Flow {
        try hoistFunctions(statements, environment)
        for statement in statements {
            let completion = try execute(statement, environment)
            if case .normal = completion { continue }
            return completion
        }
        return .normal
    }

    func execute(_ statement: Stmt, _ environment: Environment) throws(ShellError) -> Flow {
        switch statement {
        case .expression(let expression, let position):
            do {
                let value = try evaluate(expression, environment)
                if callDepth == 0 { completionValue = value }
            } catch var error {
                locate(&error, position)
                throw error
            }
            return .normal
        case .declaration(let kind, let declarations, let position):
            do {
                for (pattern, initializer) in declarations {
                    if kind == .var && initializer == nil { continue }
                    let value = try initializer.map { (e: Expr) throws(ShellError) -> JSValue in
                        try evaluate(e, environment)
                    }
                    try bind(pattern, value ?? .undefined, environment, initialize: true)
                    if kind == .const, case .variable(.global(let slot, _, _)) = pattern {
                        globalTable.setConstant(slot, true)
                    }
                }
            } catch var error {
                locate(&error, position)
                throw error
            }
            return .normal
        case .function:
            return .normal  // bound when its block was entered
        case .block(let body, let size):
            if let size { return try executeBlock(body, Environment(size: size, parent: environment)) }
            return try executeBlock(body, environment)
        case .if(let test, let consequent, let alternate):
            if toBoolean(try evaluate(test, environment)) { return try execute(consequent, environment) }
            if let alternate { return try execute(alternate, environment) }
            return .normal
        case .for(let initializer, let test, let update, let body, let loopSize, let label):
            return try executeFor(initializer, test, update, body, loopSize, label, environment)
        case .forEach(let isOf, let binding, _, let iterable, let body, let size, let label, let position):
            return try executeForEach(isOf, binding, iterable, body, size, label, position, environment)
        case .while(let test, let body, let label):
            while toBoolean(try evaluate(test, environment)) {
                try tick()
                if let exit = loopExit(try execute(body, environment), label) { return exit }
            }
            return .normal
        case .doWhile(let body, let test, let label):
            repeat {
                try tick()
                if let exit = loopExit(try execute(body, environment), label) { return exit }
            } while toBoolean(try evaluate(test, environment))
            return .normal
        case .break(let label): return .breakLoop(label)
        case .continue(let label): return .continueLoop(label)
        case .return(let value):
            return .returnValue(
                try value.map { (e: Expr) throws(ShellError) -> JSValue in try evaluate(e, environment) } ?? .undefined)
        case .throw(let expression, let position):
            let value = try evaluate(expression, environment)
            var error = ShellError(thrown: value, interpreter: self)
            locate(&error, position)
            throw error
        case .try(let body, let parameter, let handler, let finalizer):
            return try executeTry(body, parameter, handler, finalizer, environment)
        case .switch(let value, let cases, let label):
            return try executeSwitch(value, cases, label, environment)
        case .labeled(let label, let body):
            let completion = try execute(body, environment)
            if case .breakLoop(label) = completion { return .normal }
            return completion
        case .empty:
            return .normal
        }
    }

    /// How a loop goes on after its body completed: `nil` to go on, else the completion that ends the loop.
    @inline(__always) private func loopExit(_ completion: Flow, _ label: String?) -> Flow? {
        switch completion {
        case .normal: return nil
        case .breakLoop(let target) where target == nil || target == label: return .normal
        case .continueLoop(let target) where target == nil || target == label: return nil
        default: return completion
        }
    }

    private func executeFor(
        _ initializer: Stmt?, _ test: Expr?, _ update: Expr?, _ body: Stmt, _ loopSize: Int?, _ label: String?,
        _ outer: Environment
    ) throws(ShellError) -> Flow {
        var environment = loopSize.map { Environment(size: $0, parent: outer) } ?? outer
        if let initializer { _ = try execute(initializer, environment) }
        while true {
            if let test, !toBoolean(try evaluate(test, environment)) { break }
            try tick()
            if let exit = loopExit(try execute(body, environment), label) { return exit }
            // Each iteration gets fresh `let` variables, so closures made in the body keep their own.
            if loopSize != nil { environment = Environment(copying: environment) }
            if let update { _ = try evaluate(update, environment) }
        }
        return .normal
    }

    private func executeForEach(
        _ isOf: Bool, _ binding: Pattern, _ iterable: Expr, _ body: Stmt, _ size: Int?, _ label: String?,
        _ position: SourcePosition, _ outer: Environment
    ) throws(ShellError) -> Flow {
        let collection = try evaluate(iterable, outer)
        var result = Flow.normal
        let each: (JSValue) throws(ShellError) -> Bool = { (value: JSValue) throws(ShellError) -> Bool in
            try self.tick()
            let environment = size.map { Environment(size: $0, parent: outer) } ?? outer
            try self.bind(binding, value, environment, initialize: true)
            guard let exit = self.loopExit(try self.execute(body, environment), label) else { return true }
            result = exit
            return false
        }
        do {
            if isOf {
                try iterate(collection, each)
            } else {
                for key in try enumerableKeys(collection) where !(try each(.string(key))) { break }
            }
        } catch var error {
            locate(&error, position)
            throw error
        }
        return result
    }

    private func executeTry(
        _ body: Stmt, _ parameter: Pattern?, _ handler: Stmt?, _ finalizer: Stmt?, _ environment: Environment
    ) throws(ShellError) -> Flow {
        var completion = Flow.normal
        var pending: ShellError?
        do {
            completion = try execute(body, environment)
        } catch let error where error.kind == .exception && handler != nil {
            do {
                let value = errorValue(error)
                if let parameter { try bind(parameter, value, environment, initialize: true) }
                completion = try execute(handler!, environment)
            } catch {
                pending = error
            }
        } catch {
            pending = error
        }
        if let finalizer {
            let finalCompletion = try execute(finalizer, environment)
            if case .normal = finalCompletion {} else { return finalCompletion }
        }
        if let pending { throw pending }
        return completion
    }

    private func executeSwitch(_ value: Expr, _ cases: [SwitchCase], _ label: String?, _ environment: Environment)
        throws(ShellError) -> Flow
    {
        let subject = try evaluate(value, environment)
        var start: Int?
        for (i, c) in cases.enumerated() {
            guard let test = c.test else { continue }
            if strictEquals(subject, try evaluate(test, environment)) {
                start = i
                break
            }
        }
        if start == nil { start = cases.firstIndex { $0.test == nil } }
        guard let start else { return .normal }
        for c in cases[start...] {
            for statement in c.body {
                switch try execute(statement, environment) {
                case .normal: continue
                case .breakLoop(let target) where target == nil || target == label: return .normal
                case let other: return other
                }
            }
        }
        return .normal
    }
}

extension ShellError {
    /// The error for a value a script threw: error objects keep their name, message and `code`/`codeName`.
    init(thrown value: JSValue, interpreter: Interpreter) {
        if case .object(let object) = value, let error = object.error {
            self.init(name: error.name, message: error.message)
            if case .number(let number)? = object["code"], let number = Int(exactly: number) {
                var codeName = ""
                if case .string(let name)? = object["codeName"] { codeName = name }
                code = DocketError.Code(number, codeName)
            }
        } else {
            self.init(name: "Error", message: ValuePrinter(interpreter: interpreter).plainText(value))
            isThrownValue = true
        }
        let id = interpreter.nextThrownID
        interpreter.nextThrownID += 1
        interpreter.thrownValues[id] = value
        thrownID = id
    }
}

extension Interpreter {
    /// The JavaScript value `catch (e)` receives for an error.
    func errorValue(_ error: ShellError) -> JSValue {
        if let id = error.thrownID, let value = thrownValues.removeValue(forKey: id) { return value }
        let object = JSObject()
        object.error = (error.name, error.message)
        if let code = error.code {
            object.set("code", .number(Double(code.code)))
            object.set("codeName", .string(code.name))
        }
        for (label, value) in error.details {
            let key = label == "Result" ? "result" : label == "Write Errors" ? "writeErrors" : label
            object.set(key, BSONBridge(interpreter: self).value(value))
        }
        return .object(object)
    }
}
