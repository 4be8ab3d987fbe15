import Docket
import Foundation
import Testing

@testable import DocketShell

@Suite struct EvaluatorTests {
    @Test func expressionsEvaluateAsJavaScriptDoes() throws {
        let cases: [(String, String)] = [
            ("1 + 2 * 3 - 4 / 2", "5"),
            ("7 % 3 + (-7) % 3 + 2 ** 10", "1024"),
            ("'a' + 1 + 2", "a12"),
            ("1 + 2 + 'a'", "3a"),
            ("[1, 2] == '1,2'", "true"),
            ("null >= 0 && null != 0", "true"),
            ("undefined == 0", "false"),
            ("'10' < '9' && 10 > 9", "true"),
            ("~5 | 2 ^ 1 & 3", "-5"),
            ("1 << 31 >>> 0", "2147483648"),
            ("-1 >> 28", "-1"),
            ("0.1 * 3", "0.30000000000000004"),
            ("1 / -0", "-Infinity"),
            ("[1e21, 1e-7, 123e-20, 2 ** 64]", "[ 1e+21, 1e-7, 1.23e-18, 18446744073709552000 ]"),
            ("typeof NaN + typeof [] + typeof ''", "numberobjectstring"),
            ("'k' in { k: 1 } && !('j' in { k: 1 }) && 0 in [5]", "true"),
            ("let i = 0; i++ + ++i", "2"),
            ("let o = { a: { b: 1 } }; o.a.b += 5; o['a']['b'] *= 2; o.a.b", "12"),
            ("let a = [1]; a[3] = 4; a", "[ 1, undefined, undefined, 4 ]"),
            ("let a = [1, 2, 3]; a.length = 1; a", "[ 1 ]"),
            ("const f = function fact(n) { return n < 2 ? 1 : n * fact(n - 1) }; f(5)", "120"),
            ("function Point(x) { this.x = x }; const p = new Point(3); [p.x, p instanceof Point]", "[ 3, true ]"),
            ("[new Date(0) instanceof Date, [] instanceof Array, {} instanceof Object]", "[ true, true, true ]"),
            ("delete ({ a: 1 }).a", "true"),
            ("let s = 0; for (let i = 0; i < 10; i++) { if (i % 2) continue; s += i }; s", "20"),
            ("[...[1, 2], ...'ab']", "[ 1, 2, 'a', 'b' ]"),
            ("Math.max(...[1, 5, 3])", "5"),
            ("((a, ...r) => r)(1, 2, 3)", "[ 2, 3 ]"),
            ("(function () { return this })()", ""),
            ("[1, 2, 3].map((x) => x * 2).filter((x) => x > 2).reduce((a, b) => a + b)", "10"),
            ("Object.fromEntries([['a', 1], ['b', 2]])", "{ a: 1, b: 2 }"),
            ("'abc'.split('').reverse().join('')", "cba"),
            ("'a-b-c'.replaceAll('-', '+')", "a+b+c"),
            ("'x'.padEnd(3, 'ab') + '|' + 'abc'.substring(2, 0) + '|' + 'abcdef'.slice(-3, -1)", "xab|ab|de"),
            ("'Hello World'.split(/o/)", "[ 'Hell', ' W', 'rld' ]"),
            ("'a1b2'.replace(/\\d/g, (d) => d * 2)", "a2b4"),
            ("/(\\w+)@(\\w+)/.exec('ada@example')", "[ 'ada@example', 'ada', 'example' ]"),
            ("[10, 1, 5].toSorted((a, b) => b - a)", "[ 10, 5, 1 ]"),
            ("[3, 2, 1].sort().concat([[4]]).flat()", "[ 1, 2, 3, 4 ]"),
            ("Array.from('abc', (c) => c.toUpperCase())", "[ 'A', 'B', 'C' ]"),
            (
                "JSON.parse(JSON.stringify({ d: new Date(0), u: undefined, f() {} }))",
                "{ d: '1970-01-01T00:00:00.000Z' }"
            ),
            ("JSON.stringify([undefined, () => 1, NaN])", "[null,null,null]"),
            ("JSON.stringify({ a: [1, 2] }, ['a'])", "{\"a\":[1,2]}"),
            ("JSON.parse('[1, {\"a\": 2}]', (k, v) => typeof v === 'number' ? v * 10 : v)", "[ 10, { a: 20 } ]"),
            ("new Date(2024, 0, 31, 12).toISOString()", "2024-01-31T12:00:00.000Z"),
            ("new Date('2024-02-29T10:00:00+02:00').getUTCHours()", "8"),
            ("new Date('nonsense').getTime()", "NaN"),
            ("new Date(Date.parse('Wed, 15 Jan 2025 10:00:00 GMT')).toISOString()", "2025-01-15T10:00:00.000Z"),
            ("new Date(0).toString()", "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"),
            ("Number('  12  ') + Number('') + Number('1e3')", "1012"),
            ("[Number('12px'), parseInt('ff', 16), parseInt('0x10'), parseFloat('.5abc')]", "[ NaN, 255, 16, 0.5 ]"),
            (
                "(1234.5).toFixed(0) + ' ' + (0.000001234).toPrecision(2) + ' ' + (12345).toExponential(2)",
                "1235 0.0000012 1.23e+4"
            ),
            (
                "[(2.5).toFixed(0), (-1.005).toFixed(2), (0.5).toFixed(0), (999.995).toFixed(2), (123.456).toPrecision(4)]",
                "[ '3', '-1.00', '1', '1000.00', '123.5' ]"
            ),
            ("String.fromCharCode(72, 105) + String.fromCodePoint(0x1F600).length", "Hi2"),
            ("Object.keys([4, 5]).concat(Object.entries('ab').flat())", "[ '0', '1', '0', 'a', '1', 'b' ]"),
            ("let {a, ...r} = {a: 1, b: 2, c: 3}; r", "{ b: 2, c: 3 }"),
            ("let x = 5; { let x = 6 }; x", "5"),
            ("var v = 1; { var v = 2 }; v", "2"),
            ("hoisted(); function hoisted() { return 'ok' }", "ok"),
            ("`${[1, 2]}-${{}}-${null}`", "1,2-[object Object]-null"),
        ]
        for (source, expected) in cases {
            #expect(try value(source) == expected, "\(source)")
        }
    }

    @Test func runtimeErrorsHaveJavaScriptsNamesAndMessages() {
        let cases: [(String, String, String)] = [
            ("missing", "ReferenceError", "missing is not defined"),
            ("undefined.a", "TypeError", "Cannot read properties of undefined (reading 'a')"),
            ("null[0]", "TypeError", "Cannot read properties of null (reading '0')"),
            ("let u; u.b = 1", "TypeError", "Cannot set properties of undefined (setting 'b')"),
            ("(1)()", "TypeError", "(intermediate value) is not a function"),
            ("let nf = 1; nf()", "TypeError", "nf is not a function"),
            ("[].nope()", "TypeError", "(intermediate value).nope is not a function"),
            ("const c = 1; c++", "TypeError", "Assignment to constant variable."),
            ("NaN = 1", "TypeError", "Cannot assign to read only property 'NaN'"),
            ("const { a } = null", "TypeError", "Cannot destructure 'null' as it is object."),
            ("const [b] = 5", "TypeError", "5 is not iterable"),
            ("for (const x of {}) {}", "TypeError", "{} is not iterable"),
            ("new (() => 1)()", "TypeError", "(intermediate value) is not a constructor"),
            ("new Math.max()", "TypeError", "max is not a constructor"),
            ("'a' in 'abc'", "TypeError", "Cannot use 'in' operator to search for 'a' in abc"),
            ("({}) instanceof 1", "TypeError", "Right-hand side of 'instanceof' is not callable"),
            ("[].reduce((a, b) => a)", "TypeError", "Reduce of empty array with no initial value"),
            ("new Array(-1)", "RangeError", "Invalid array length"),
            ("'a'.repeat(Infinity)", "RangeError", "Invalid count value: Infinity"),
            ("(1).toFixed(101)", "RangeError", "toFixed() digits argument must be between 0 and 100"),
            ("(1).toString(1)", "RangeError", "toString() radix must be between 2 and 36"),
            ("new Date(NaN).toISOString()", "RangeError", "Invalid time value"),
            ("function r() { r() }; r()", "RangeError", "Maximum call stack size exceeded"),
            ("JSON.parse('{bad')", "SyntaxError", "Unexpected token 'b' in JSON at position 1"),
            ("JSON.parse('')", "SyntaxError", "Unexpected end of JSON input"),
            ("const o = {}; o.o = o; JSON.stringify(o)", "TypeError", "Converting circular structure to JSON"),
            ("new RegExp('(')", "SyntaxError", "Invalid regular expression: /(/: the pattern does not compile"),
            ("throw new TypeError('mine')", "TypeError", "mine"),
            ("throw { code: 1 }", "Error", "{ code: 1 }"),
            (
                "'abc'.startsWith(/a/)", "TypeError",
                "First argument to String.prototype.startsWith must not be a regular expression"
            ),
            ("'aaa'.replaceAll(/a/, 'b')", "TypeError", "replaceAll must be called with a global RegExp"),
            ("[1].sort(5)", "TypeError", "The comparison function must be either a function or undefined"),
            ("String.fromCodePoint(-1)", "RangeError", "Invalid code point -1"),
            (
                "ObjectId('xyz')", "BSONError",
                "input must be a 24 character hex string, 12 byte Uint8Array, or an integer"
            ),
            ("NumberLong('12x')", "BSONError", "Input: '12x' is not a valid integer string"),
            ("NumberDecimal('abc')", "BSONError", "abc not a valid Decimal128 string"),
            (
                "UUID('123')", "BSONError",
                "UUID string representation must be 32 hex digits or canonical hyphenated representation"
            ),
            ("load('/nonexistent/x.js')", "Error", "ENOENT: no such file or directory, open '/nonexistent/x.js'"),
        ]
        for (source, name, message) in cases {
            let thrown = error(source)
            #expect(thrown?.name == name, "\(source): \(thrown?.name ?? "no error")")
            #expect(thrown?.message == message, "\(source): \(thrown?.message ?? "no error")")
        }
    }

    @Test func errorsCarryTheirPosition() {
        let thrown = error("let a = 1\nlet b = a.c.d")
        #expect(thrown?.position == SourcePosition(line: 2, column: 13))
        let inFunction = error("function f() {\n  return nope\n}\nf()")
        #expect(inFunction?.position == SourcePosition(line: 2, column: 10))
        #expect(inFunction?.location == "@(shell):2:10")
    }

    @Test func catchReceivesErrorsAsObjects() throws {
        #expect(
            try value("try { missing } catch (e) { [e.name, e.message, e instanceof ReferenceError] }")
                == "[ 'ReferenceError', 'missing is not defined', true ]")
        #expect(try value("const t = { custom: 1 }; try { throw t } catch (e) { e === t }") == "true")
        #expect(
            try value("try { try { throw new Error('inner') } finally { print('cleanup') } } catch (e) { e.message }")
                == "inner")
        #expect(try value("function f() { try { return 'try' } finally { print('f finally') } }; f()") == "try")
        #expect(try value("const e = new Error('x', { cause: 'y' }); [String(e), e.cause]") == "[ 'Error: x', 'y' ]")
    }

    @Test func stepLimitStopsRunawayLoops() {
        let shell = TestShell(stepLimit: 100_000)
        let thrown = shell.error("while (true) {}")
        #expect(thrown?.kind == .limitExceeded)
        let recursion = shell.error("const f = () => [1].map(f); f()")
        #expect(recursion?.name == "RangeError")
    }

    @Test func sleepingCountsAgainstTheStepLimit() {
        let shell = TestShell(stepLimit: 1_000)
        let started = Date()
        #expect(shell.error("sleep(1e30)")?.kind == .limitExceeded)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    /// NaN, ±Infinity and huge numbers where a count, an index or a radix goes: an error or a clamped value, never
    /// a trapping conversion (found by the shell's fuzzer: `BinData(+db.users.find(…)…)`).
    @Test(arguments: [
        ("BinData(NaN, 'AAEC')", "Binary.createFromBase64('AAEC', 0)"),
        ("BinData(1e30, 'AAEC').sub_type", "255"),
        ("HexData(-Infinity, '00')", "Binary.createFromBase64('AA==', 0)"),
        ("(5).toString(1e30)", "RangeError: toString() radix must be between 2 and 36"),
        ("NumberLong(5).toString(NaN)", "RangeError: radix"),
        ("(5).toFixed(1e30)", "RangeError: toFixed() digits argument must be between 0 and 100"),
        ("(5).toPrecision(Infinity)", "RangeError: toPrecision() argument must be between 1 and 100"),
        ("(5).toExponential(-1e30)", "RangeError: toExponential() argument must be between 0 and 100"),
        ("const r = /a/g; r.lastIndex = 1e30; [r.exec('a'), r.lastIndex]", "[ null, 0 ]"),
        ("const r = /a/g; r.lastIndex = -Infinity; [r.exec('ba'), r.lastIndex]", "[ [ 'a' ], 2 ]"),
        ("Array.from({ length: 1e30 })", "RangeError: Invalid array length"),
        ("db.c.insertMany([{}, {}]); db.c.find().limit(NaN).toArray().length", "2"),
        ("db.c.insertMany([{}, {}]); db.c.find().limit(-1e30).toArray().length", "2"),
        ("db.c.find({}, {}, { limit: Infinity }).toArray()", "[]"),
        ("db.c.countDocuments({}, { skip: NaN })", "MongoServerError[BadValue]: skip must be a non-negative integer"),
        (
            "db.c.countDocuments({}, { limit: 1e300 })",
            "MongoServerError[BadValue]: limit must be a non-negative integer"
        ),
        ("db.c.findOne({}, {}, { skip: -1 })", "MongoServerError[BadValue]: skip must be a non-negative integer"),
        ("const e = new Error('x'); e.code = NaN; throw e", "Error: x"),
    ])
    func outOfRangeNumbersNeverTrap(source: String, expected: String) {
        let shell = TestShell()
        do {
            #expect(try shell.value(source) == expected)
        } catch {
            #expect(shell.shell.formatError(error) == expected)
            #expect(error.code == nil || source.hasPrefix("db."))
        }
    }

    @Test func interruptStopsAnEvaluationFromAnotherThread() async throws {
        let options = Shell.Options()
        let flag = options.interrupt
        let shell = Shell(client: DocketClient(), options: options) { _ in }
        let stopper = Thread {
            usleep(50_000)
            flag.request()
        }
        stopper.start()
        do {
            _ = try shell.evaluate("let n = 0; while (true) { n++ }")
            Issue.record("not interrupted")
        } catch {
            #expect(error.kind == .interrupted)
        }
        options.interrupt.clear()
    }

    @Test func memoryLimitsKeepAStepFromAllocatingTooMuch() {
        let shell = TestShell(limits: ShellLimits(maximumStringLength: 1 << 20, maximumArrayLength: 1 << 16))
        #expect(shell.error("'x'.repeat(1 << 21)")?.message == "Invalid string length")
        #expect(shell.error("let s = 'x'; while (true) s += s")?.message == "Invalid string length")
        #expect(shell.error("new Array(1 << 20)")?.message == "Invalid array length")
        #expect(shell.error("const a = []; while (true) a.push(1, 2, 3)")?.message == "Invalid array length")
        #expect(shell.error("'ab'.padStart(1 << 21)")?.message == "Invalid string length")
    }

    @Test func globalsPersistAcrossEvaluations() throws {
        let shell = TestShell()
        _ = try shell.value("let counter = 1; const fixed = 2; function bump() { return ++counter }")
        #expect(try shell.value("bump(); bump()") == "3")
        #expect(try shell.value("counter + fixed") == "5")
        #expect(shell.error("fixed = 3")?.message == "Assignment to constant variable.")
        // A REPL may declare a name again.
        #expect(try shell.value("let counter = 10; counter") == "10")
        #expect(try shell.value("implicit = 7; implicit") == "7")
    }

    @Test func printWritesValuesAsMongoshDoes() throws {
        let shell = TestShell()
        _ = try shell.value("print('text', 1, { a: [1] }, null); printjson({ b: 'x' }); console.log([])")
        #expect(shell.output == "text 1 { a: [ 1 ] } null\n{ b: 'x' }\n[]\n")
    }
}
