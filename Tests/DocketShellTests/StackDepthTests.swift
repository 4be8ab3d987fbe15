import Docket
import Foundation
import Testing

@testable import DocketShell

/// Deep nesting and recursion end in clean errors on a small worker-thread stack, never a crash.
@Suite struct StackDepthTests {
    /// Runs `body` on a thread with a 512 KiB stack and waits for it.
    func onSmallStack(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
    }

    static let programs: [String: String] = [
        "deep brackets": String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000),
        "deep arrays": String(repeating: "[", count: 100_000),
        "deep objects": String(repeating: "{a:", count: 100_000),
        "deep unary": String(repeating: "-", count: 100_000) + "1",
        "deep ternaries": String(repeating: "a?b:", count: 100_000) + "c",
        "deep blocks": String(repeating: "{", count: 100_000),
        "deep ifs": String(repeating: "if (1) ", count: 100_000) + "x",
        "deep calls": String(repeating: "f(", count: 100_000),
        "deep arrows": String(repeating: "x => ", count: 100_000) + "1",
        "deep templates": String(repeating: "`${", count: 50_000),
        "deep binary": Array(repeating: "1", count: 100_000).joined(separator: " + "),
        "deep exponent": Array(repeating: "1", count: 100_000).joined(separator: " ** "),
        "recursion": "function r(n) { return r(n + 1) + 1 }; r(0)",
        "mutual recursion": "const a = n => b(n); const b = n => [a(n)]; a(1)",
        "recursion through builtins": "const f = () => [1].map(f); f()",
        "recursion through sort": "const s = () => [2, 1].sort(() => s()); s()",
        "recursion through toString": "const o = { toString() { return `${o}` } }; String(o)",
        "deep value": "let v = {}; for (let i = 0; i < 100000; i++) v = { v }; v",
        "deep array value": "let v = []; for (let i = 0; i < 100000; i++) v = [v]; String(v).length",
        "deep JSON": "JSON.parse('['.repeat(100000))",
        "deep JSON.stringify": "let v = {}; for (let i = 0; i < 100000; i++) v = { v }; JSON.stringify(v)",
        "deep EJSON": "let v = {}; for (let i = 0; i < 100000; i++) v = { v }; EJSON.stringify(v)",
        "deep insert": "let v = {}; for (let i = 0; i < 100000; i++) v = { v }; db.t.insertOne(v)",
        "deep flat": "let v = [1]; for (let i = 0; i < 100000; i++) v = [v]; v.flat(Infinity)",
    ]

    @Test(arguments: StackDepthTests.programs.keys.sorted())
    func deepInputEndsInACleanError(_ name: String) {
        let source = StackDepthTests.programs[name]!
        let result = LockedResult()
        onSmallStack {
            var output = ""
            var options = Shell.Options()
            options.stepLimit = 50_000_000
            let shell = Shell(client: DocketClient(), options: options) { output += $0 }
            do throws(ShellError) {
                let value = try shell.evaluate(source)
                // Printing a deep value is bounded too.
                _ = shell.format(value)
                result.set("ok")
            } catch {
                result.set(error.name)
            }
        }
        #expect(
            ["ok", "SyntaxError", "RangeError", "BSONError", "ReferenceError", "TypeError"].contains(result.value),
            "\(name): \(result.value)")
    }
}

/// A value set on another thread and read after it finished.
private final class LockedResult: @unchecked Sendable {
    // Written by the worker thread before it signals the semaphore the test waits on, then read: no overlap.
    var value = ""
    func set(_ v: String) { value = v }
}
