import Docket
import DocketTestSupport
import Foundation
import Testing

@testable import DocketShell

/// Seeded random inputs: token soup and random valid programs. Whatever the input, the shell ends with a value or a
/// clean error, within a step budget and a second of wall time: never a crash, never a hang.
@Suite struct GeneratedInputTests {
    static let vocabulary: [String] = [
        "let", "const", "var", "function", "return", "if", "else", "for", "while", "do", "break", "continue", "of",
        "in", "new", "typeof", "delete", "try", "catch", "finally", "throw", "switch", "case", "default", "class",
        "async", "await", "this", "null", "undefined", "true", "false", "=>", "...", "?.", "??", "??=", "=", "==",
        "===", "!=", "+", "-", "*", "/", "%", "**", "++", "--", "<", ">", "<=", "&&", "||", "!", "~", "&", "|", "^",
        "<<", ">>", ">>>", "?", ":", ";", ",", ".", "(", ")", "[", "]", "{", "}", "`", "${", "'", "\"", "/x/g",
        "0", "1", "-1", "1.5", "1e308", "0x1F", "NaN", "Infinity", "'s'", "\"t\"", "`u${1}`", "x", "y", "f", "db",
        "db.c", "db.c.find", "db.c.insertOne", "insertOne", "find", "sort", "limit", "toArray", "print", "Math",
        "JSON", "EJSON", "Object", "Array", "String", "ObjectId()", "ISODate()", "NumberLong('5')", "$set", "$inc",
        "_id", "\n", "//c\n", "/*c*/", "it", "use", "show",
    ]

    static func shell() -> Shell {
        var options = Shell.Options()
        options.stepLimit = 20_000
        options.limits = ShellLimits(maximumStringLength: 1 << 16, maximumArrayLength: 1 << 12)
        return Shell(client: DocketClient(), options: options) { _ in }
    }

    /// Evaluates, formats and reports how long it took.
    static func run(_ shell: Shell, _ source: String) -> TimeInterval {
        if ProcessInfo.processInfo.environment["DOCKET_TRACE_GENERATED"] != nil {
            FileHandle.standardError.write(Data("CASE \(source.debugDescription)\n".utf8))
        }
        let start = Date()
        do {
            let value = try shell.evaluate(source)
            _ = shell.format(value)
            _ = try? shell.json(value, mode: .canonical)
        } catch {
            _ = shell.formatError(error)
        }
        _ = Shell.isComplete(source)
        _ = shell.completions(line: source, cursor: source.count)
        return Date().timeIntervalSince(start)
    }

    @Test func tokenSoupNeverCrashesOrHangs() {
        SeededRandom.forEachCase(SeededRandom.scaled(400)) { rng, _ in
            let shell = Self.shell()
            let count = Int.random(in: 1...40, using: &rng)
            let source = (0..<count).map { _ in Self.vocabulary.randomElement(using: &rng)! }.joined(separator: " ")
            let elapsed = Self.run(shell, source)
            #expect(elapsed < 2, "\(rng.replayHint): \(source)")
        }
    }

    @Test func randomProgramsNeverCrashOrHang() {
        SeededRandom.forEachCase(SeededRandom.scaled(300)) { rng, _ in
            var generator = ProgramGenerator(rng: rng)
            let source = generator.program()
            let shell = Self.shell()
            let elapsed = Self.run(shell, source)
            #expect(elapsed < 2, "\(rng.replayHint): \(source)")
        }
    }
}

/// Random programs of the subset: declarations, loops with small bounds, functions, objects, arrays, strings and
/// database calls.
struct ProgramGenerator {
    var rng: SeededRandom
    var depth = 0
    let names = ["a", "b", "c", "d"]

    mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &rng)! }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &rng) < percent }

    mutating func program() -> String {
        var lines = names.map { "let \($0) = \(literal())" }
        for _ in 0..<Int.random(in: 1...8, using: &rng) { lines.append(statement()) }
        lines.append(expression())
        return lines.joined(separator: "\n")
    }

    mutating func statement() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 3 { return "\(pick(names)) = \(expression())" }
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return "for (let i = 0; i < \(Int.random(in: 0...5, using: &rng)); i++) { \(statement()) }"
        case 1: return "if (\(expression())) { \(statement()) } else { \(statement()) }"
        case 2: return "function f\(depth)(x, y = \(literal())) { \(statement()); return \(expression()) }"
        case 3: return "try { \(statement()) } catch (e) { \(pick(names)) = e.message }"
        case 4: return "db.c.insertOne(\(document()))"
        case 5: return "\(pick(names)) = db.c.find(\(document())).sort({ _id: 1 }).limit(3).toArray()"
        case 6: return "db.c.updateMany({}, { $set: \(document()) })"
        case 7: return "for (const v of [\(literal()), \(literal())]) { \(statement()) }"
        case 8: return "print(\(expression()))"
        default: return "\(pick(names)) = \(expression())"
        }
    }

    mutating func expression() -> String {
        depth += 1
        defer { depth -= 1 }
        if depth > 4 { return chance(50) ? literal() : pick(names) }
        switch Int.random(in: 0..<12, using: &rng) {
        case 0:
            return
                "(\(expression()) \(pick(["+", "-", "*", "/", "%", "**", "==", "===", "<", "&&", "||", "??"])) \(expression()))"
        case 1:
            return
                "[\(expression()), \(expression())].\(pick(["map((x) => x + 1)", "filter(Boolean)", "join('-')", "length", "reverse()", "sort()"]))"
        case 2: return "`t${\(expression())}`"
        case 3: return "\(pick(names))?.\(pick(["length", "x", "toString()", "a?.b"]))"
        case 4: return "JSON.stringify(\(expression()))"
        case 5: return "EJSON.stringify(\(document()))"
        case 6: return "String(\(expression())).\(pick(["toUpperCase()", "slice(1)", "split('')", "padStart(4, '*')"]))"
        case 7: return "Math.\(pick(["max", "min", "floor", "abs"]))(\(expression()), \(expression()))"
        case 8: return "db.c.countDocuments(\(document()))"
        case 9: return "(\(expression()) ? \(expression()) : \(expression()))"
        case 10: return "typeof \(expression())"
        default: return chance(50) ? literal() : pick(names)
        }
    }

    mutating func literal() -> String {
        pick([
            "0", "1", "-2.5", "NaN", "null", "undefined", "true", "'text'", "\"q\"", "[]", "[1, 'a']", "{}",
            "{ k: 1 }", "ObjectId('65a1b2c3d4e5f60718293a4b')", "new Date(0)", "NumberLong('7')",
            "NumberDecimal('1.5')", "/a+/i", "() => 1", "Int32(3)", "Double(2)", "MinKey()",
        ])
    }

    mutating func document() -> String {
        "{ \(pick(["_id", "a", "b", "n"])): \(literal()), \(pick(["x", "y"])): \(expression()) }"
    }
}
