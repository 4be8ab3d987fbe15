import Foundation
import Testing

@testable import DocketShell

@Suite struct ParserTests {
    func parseError(_ source: String) -> ShellError? {
        do {
            _ = try Parser.parse(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func parsesTheSubset() throws {
        let programs = [
            "const { a, b: [c, ...d], e = 1, ...f } = obj",
            "let [x, , y = 2, ...z] = arr; [x, y] = [y, x]",
            "function f(a, b = 1, { c } = {}, ...rest) { return a + b }",
            "const g = async (x) => await x; async function h() {}",
            "for (let i = 0, j = 10; i < j; i++, j--) {}",
            "for (const [k, v] of Object.entries(o)) {} for (k in o) ; for (x of y) break",
            "outer: for (;;) { inner: while (true) { continue outer } }",
            "do x++; while (x < 10)",
            "switch (x) { case 1: case 2: y(); break; default: z() }",
            "try { a() } catch { b() } finally { c() }",
            "try { a() } catch ({ message }) { b(message) }",
            "x = a ? b : c ? d : e; y = a ?? b || c && d",
            "z = a?.b?.[c]?.(d); w = (-x) ** 2 === undefined",
            "o = { a, 'b': 1, 2: 3, [k]: v, ...rest, m() { return this }, async n() {} }",
            "t = `a${b}c${`nested ${d}`}e`; r = /[/]\\d+/gi.test(s)",
            "a = b\n(c)\nd = e\n++f",
            "new Date(); new ObjectId; new a.b.C(1)",
            "typeof x; void 0; delete o.p; x instanceof Y; 'k' in o",
            "x ??= 1; y ||= 2; z &&= 3; w **= 2; v >>>= 1",
            "#!/usr/bin/env docket\nprint(1)",
        ]
        for program in programs {
            #expect(throws: Never.self, "\(program)") { _ = try Parser.parse(program) }
        }
    }

    @Test func automaticSemicolonInsertion() throws {
        let program = try Parser.parse("let a = 1\nlet b = 2\nreturnValue()\n")
        #expect(program.body.count == 3)
        // `return` followed by a line break returns undefined.
        let function = try Parser.parse("function f() { return\n42 }")
        guard case .function(_, let node) = function.body[0] else {
            Issue.record("not a function")
            return
        }
        #expect(node.body.count == 2)
    }

    @Test func syntaxErrorsNameTheTokenLineAndColumn() {
        let cases: [(String, String, Int, Int)] = [
            ("db.c.find({)", "Unexpected token ')', expected a property name", 1, 12),
            ("let x = ", "Unexpected end of input", 1, 9),
            ("if (x { }", "Unexpected token '{', expected ')'", 1, 7),
            ("a b", "Unexpected token identifier 'b'", 1, 3),
            ("const x", "Missing initializer in const declaration", 1, 8),
            ("let {a}", "Missing initializer in destructuring declaration", 1, 8),
            ("1 = 2", "Invalid left-hand side in assignment", 1, 1),
            ("a + b = c", "Invalid left-hand side in assignment", 1, 1),
            ("++1", "Invalid left-hand side expression in update operation", 1, 1),
            ("-2 ** 2", "Unary operator used immediately before exponentiation expression; use parentheses", 1, 4),
            ("throw\nnew Error()", "Illegal newline after throw", 1, 1),
            ("switch (x) { default: default: }", "More than one default clause in switch statement", 1, 23),
            ("try {}", "Unexpected end of input", 1, 7),
            ("class A {}", "Classes ('class') are not supported by the docket shell", 1, 1),
            ("import x from 'y'", "Modules ('import'; use load(file)) are not supported by the docket shell", 1, 1),
            ("function* g() {}", "Generators are not supported", 1, 1),
            ("x = { get a() { return 1 } }", "Getters and setters are not supported by the docket shell", 1, 7),
            ("tag`x`", "Tagged templates are not supported by the docket shell", 1, 4),
            ("#x", "Private class fields (#name) are not supported by the docket shell", 1, 1),
            ("@dec", "Decorators (@name) are not supported by the docket shell", 1, 1),
            ("with (o) {}", "'with' statements are not supported by the docket shell", 1, 1),
            ("new.target", "'new.target' is not supported", 1, 1),
            ("[...a, b] = c", "Rest element must be last element", 1, 1),
            ("for await (x of y) {}", "'for await' is not supported", 1, 5),
            ("x = 1 +", "Unexpected end of input", 1, 8),
            ("(a, b) => ", "Unexpected end of input", 1, 11),
            ("(a)\n=> 1", "Unexpected line break before '=>'", 2, 1),
            ("/a/gg", "Invalid regular expression flags", 1, 1),
            ("x = /abc", "Invalid regular expression: missing /", 1, 5),
            ("let let = 1", "Unexpected token 'let', expected a name", 1, 5),
        ]
        for (source, message, line, column) in cases {
            let error = parseError(source)
            #expect(error?.message == message, "\(source): \(error?.message ?? "no error")")
            #expect(
                error?.position == SourcePosition(line: line, column: column),
                "\(source): \(String(describing: error?.position))")
            #expect(error?.name == "SyntaxError", "\(source)")
        }
    }

    @Test func resolverReportsDuplicateDeclarations() {
        #expect(error("let a = 1; let a = 2")?.message == "Identifier 'a' has already been declared")
        #expect(error("function f() { const b = 1; var b = 2 }")?.message == "Identifier 'b' has already been declared")
        #expect(error("{ let c; { let c; } }") == nil)
        #expect(error("var d = 1; var d = 2") == nil)
    }

    @Test func deepNestingIsASyntaxErrorNotACrash() {
        for opener in ["(", "[", "{a:", "-", "!", "a?b:", "f(", "x=", "{", "if(1)"] {
            let source = String(repeating: opener, count: 50_000)
            let error = parseError(source)
            #expect(error?.name == "SyntaxError", "\(opener)")
        }
    }

    @Test func isCompleteWaitsForOpenBracketsTemplatesAndComments() {
        #expect(Shell.isComplete("db.c.find({") == false)
        #expect(Shell.isComplete("function f() {\n  return 1") == false)
        #expect(Shell.isComplete("`a ${b") == false)
        #expect(Shell.isComplete("/* comment") == false)
        #expect(Shell.isComplete("x = [1,\n2") == false)
        #expect(Shell.isComplete("db.c.find({})"))
        #expect(Shell.isComplete("db.c.find({ a: 1 )"))  // a real error: reported, not continued
        #expect(Shell.isComplete("'unterminated"))  // strings do not span lines
        #expect(Shell.isComplete("use test"))
        #expect(Shell.isComplete("show dbs"))
        #expect(Shell.isComplete(""))
        #expect(Shell.isComplete("x = 1 +") == false)
    }
}
