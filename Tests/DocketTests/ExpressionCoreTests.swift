import DocketBSON
import Testing

@testable import Docket

/// Field paths, system and user variables, `$let`, `$literal`, expression objects and arrays, and parse errors.
@Suite struct ExpressionCoreTests {
    static let nested: BSONDocument = [
        "a": 1, "n": .null, "b": ["c": 2, "d": ["e": "x"]],
        "arr": [["x": 1], ["x": 2], ["y": 3], 4, ["x": [5, 6]], [["x": 7]]],
        "deep": [["p": [["q": 1], ["q": 2]]], ["p": ["q": 3]]],
        "num": ["0": "zero"], "list": [10, 20],
    ]

    static let cases: [ExpressionCase] = [
        // Literals and field paths.
        ExpressionCase(5, [:], .value(5)),
        ExpressionCase("text", [:], .value("text")),
        ExpressionCase(.null, [:], .value(.null)),
        ExpressionCase("$a", nested, .value(1)),
        ExpressionCase("$n", nested, .value(.null)),
        ExpressionCase("$missing", nested, .missing),
        ExpressionCase("$b.c", nested, .value(2)),
        ExpressionCase("$b.d.e", nested, .value("x")),
        ExpressionCase("$a.b", nested, .missing),
        ExpressionCase("$b.zz", nested, .missing),
        // Arrays in the path map over document elements; scalars, nested arrays and misses are skipped.
        ExpressionCase("$arr.x", nested, .value([1, 2, [5, 6]])),
        ExpressionCase("$deep.p.q", nested, .value([[1, 2], 3])),
        ExpressionCase("$list.0", nested, .value([])),
        ExpressionCase("$num.0", nested, .value("zero")),
        ExpressionCase("$list", nested, .value([10, 20])),
        // System variables.
        ExpressionCase("$$CURRENT.a", nested, .value(1)),
        ExpressionCase("$$ROOT.b.c", nested, .value(2)),
        ExpressionCase("$$ROOT", ["a": 1], .value(["a": 1])),
        ExpressionCase("$$REMOVE", ["a": 1], .missing),
        ExpressionCase("$$NOW", [:], .value(.datetime(0))),
        // Expression objects omit missing fields; arrays store null for them.
        ExpressionCase(["x": "$a", "y": "$missing", "z": ["w": "$b.c"]], nested, .value(["x": 1, "z": ["w": 2]])),
        ExpressionCase(["$a", "$missing", 3], nested, .value([1, .null, 3])),
        ExpressionCase([:], [:], .value([:])),
        // $literal keeps its argument as it is.
        ExpressionCase(["$literal": "$a"], nested, .value("$a")),
        ExpressionCase(["$literal": ["$add": [1, 2]]], [:], .value(["$add": [1, 2]])),
        // $let: variables see the outer scope; `in` sees them; inner names shadow outer ones.
        ExpressionCase(["$let": ["vars": ["x": "$a", "y": 10], "in": ["$add": ["$$x", "$$y"]]]], nested, .value(11)),
        ExpressionCase(
            [
                "$let": [
                    "vars": ["x": 1], "in": ["$let": ["vars": ["x": 2, "y": "$$x"], "in": ["$add": ["$$x", "$$y"]]]],
                ]
            ],
            [:], .value(3)),
        ExpressionCase(["$let": ["vars": ["d": "$b"], "in": "$$d.d.e"]], nested, .value("x")),
        ExpressionCase(["$let": ["vars": ["d": "$arr"], "in": "$$d.x"]], nested, .value([1, 2, [5, 6]])),
        ExpressionCase(["$let": ["vars": ["m": "$missing"], "in": "$$m"]], nested, .missing),
        ExpressionCase(["$let": ["vars": [:], "in": "$a"]], nested, .value(1)),
        // CURRENT is the one system variable a $let may rebind: paths then read the new value.
        ExpressionCase(
            ["$let": ["vars": ["CURRENT": "$b"], "in": ["$add": ["$c", "$$CURRENT.c"]]]], nested, .value(4)),
        ExpressionCase(
            ["$map": ["input": "$arr", "as": "CURRENT", "in": "$x"]], nested,
            .value([1, 2, .null, .null, [5, 6], [7]])),
        ExpressionCase(["$let": ["vars": ["ROOT": 1], "in": 1]], [:], .error(16867)),
        ExpressionCase(["$let": ["vars": ["$$DESCEND": 1], "in": 1]], [:], .error(16867)),
        ExpressionCase(["$let": ["vars": ["Upper": 1], "in": 1]], [:], .error(16867)),
        ExpressionCase(["$let": ["vars": ["a-b": 1], "in": 1]], [:], .error(16868)),
        ExpressionCase(["$let": ["vars": ["x": 1]]], [:], .error(16877)),
        ExpressionCase(["$let": ["in": 1]], [:], .error(16876)),
        ExpressionCase(["$let": ["vars": ["x": 1], "in": 1, "other": 1]], [:], .error(16875)),
        ExpressionCase(["$let": 1], [:], .error(16874)),
        // A variable is visible only inside its $let.
        ExpressionCase(["$add": [["$let": ["vars": ["x": 1], "in": "$$x"]], "$$x"]], [:], .error(17276)),
        // Parse errors.
        ExpressionCase("$", [:], .error(16872)),
        ExpressionCase("$a..b", [:], .error(15998)),
        ExpressionCase("$a.", [:], .error(40353)),
        ExpressionCase("$a.$b", [:], .error(16410)),
        ExpressionCase("$$", [:], .error(16866)),
        ExpressionCase("$$undefinedVar", [:], .error(17276)),
        ExpressionCase("$$1x", [:], .error(16867)),
        ExpressionCase(["$foo": 1], [:], .error(168)),
        ExpressionCase(["$add": [1], "$subtract": [1, 2]], [:], .error(15983)),
        ExpressionCase(["a": 1, "a": 2], [:], .error(16406)),
        ExpressionCase(["a": ["$b": 1]], [:], .error(168)),
        ExpressionCase(["a.b": 1], [:], .error(16412)),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }

    @Test func userVariablesFromTheCallerHaveTheFirstSlots() {
        let outcome = ExpressionCase.outcome(
            ["$multiply": ["$$rate", "$qty"]], ["qty": 3], stored: true, variables: ["rate": 2])
        guard case .value(let v) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(v.isIdentical(to: .int32(6)))
    }

    @Test func nowIsTheOperationsClock() {
        let outcome = ExpressionCase.outcome("$$NOW", [:], stored: false, now: 1_700_000_000_000)
        guard case .value(let v) = outcome else {
            Issue.record("\(outcome)")
            return
        }
        #expect(v.isIdentical(to: .datetime(1_700_000_000_000)))
    }

    @Test func scopeRecordsTheTopLevelFieldsRead() throws {
        let scope = ExpressionScope()
        _ = try Expression(
            parsing: ["$add": ["$a.b", "$$ROOT.c", ["$let": ["vars": ["v": "$d"], "in": "$$v.e"]]]], scope: scope)
        #expect(scope.referencedFields == ["a", "c", "d"])
        _ = try Expression(parsing: "$$CURRENT", scope: scope)
        #expect(scope.referencedFields == nil)
    }

    @Test func constantExpressionsFold() throws {
        let scope = ExpressionScope()
        #expect(try Expression(parsing: ["$add": [1, ["$multiply": [2, 3]]]], scope: scope).constant == .int32(7))
        #expect(try Expression(parsing: ["x": ["$literal": 1]], scope: scope).constant == ["x": 1])
        #expect(try Expression(parsing: ["$add": [1, "$a"]], scope: scope).constant == nil)
        #expect(try Expression(parsing: "$$NOW", scope: scope).constant == nil)
        // A constant that fails is kept, and fails only when evaluated.
        #expect(try Expression(parsing: ["$divide": [1, 0]], scope: scope).constant == nil)
    }

    @Test func storedDocumentsAreReadWithoutDecodingOtherFields() throws {
        // A field path on a stored document decodes only the value it reaches: damaging another field's bytes does
        // not affect it.
        var bytes = try RawDocument(["a": 1, "b": "hello"]).bytes
        let index = bytes.lastIndex(of: UInt8(ascii: "o"))!
        bytes[index] = 0xFF  // invalid UTF-8 in "b"
        let raw = RawDocument(uncheckedBytes: bytes)
        let scope = ExpressionScope()
        let expression = try Expression(parsing: ["$add": ["$a", 1]], scope: scope)
        var context = ExpressionContext(root: .stored(raw), variables: [], now: 0)
        #expect(try expression.evaluate(&context)?.isIdentical(to: .int32(2)) == true)
    }
}
