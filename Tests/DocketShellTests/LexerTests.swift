import Testing

@testable import DocketShell

@Suite struct LexerTests {
    func kinds(_ source: String) throws -> [TokenKind] {
        var lexer = Lexer(source)
        var result: [TokenKind] = []
        while true {
            let token = try lexer.next()
            if case .endOfInput = token.kind { return result }
            result.append(token.kind)
        }
    }

    func lexError(_ source: String) -> ShellError? {
        do {
            _ = try kinds(source)
            return nil
        } catch let error as ShellError {
            return error
        } catch {
            return nil
        }
    }

    @Test func numbersInEveryBase() throws {
        #expect(
            try kinds("42 0x1F 0o17 0b101 1_000 .5 1e3 2.5E-2") == [
                .number(42), .number(31), .number(15), .number(5), .number(1000), .number(0.5), .number(1000),
                .number(0.025),
            ])
    }

    @Test func stringsAndEscapes() throws {
        #expect(
            try kinds(#"'a\'b' "c\n\t\x41\u0042\u{1F600}" 'é'"#) == [
                .string("a'b"), .string("c\n\tAB😀"), .string("é"),
            ])
        #expect(try kinds(#"'\uD83D\uDE00'"#) == [.string("😀")])
    }

    @Test func punctuatorsTakeTheLongestMatch() throws {
        #expect(
            try kinds("a >>>= b ?? c ?. d === e ... f") == [
                .identifier("a"), .punctuator(.unsignedShiftRightAssign), .identifier("b"),
                .punctuator(.questionQuestion),
                .identifier("c"), .punctuator(.questionDot), .identifier("d"), .punctuator(.strictEqual),
                .identifier("e"), .punctuator(.ellipsis), .identifier("f"),
            ])
        #expect(
            try kinds("a?.5:b") == [
                .identifier("a"), .punctuator(.question), .number(0.5), .punctuator(.colon), .identifier("b"),
            ])
    }

    @Test func commentsAndLineBreaks() throws {
        var lexer = Lexer("a // one\n/* two\nlines */ b")
        let a = try lexer.next()
        let b = try lexer.next()
        #expect(a.kind == .identifier("a") && !a.isAfterNewline)
        #expect(b.kind == .identifier("b") && b.isAfterNewline)
        #expect(b.position == SourcePosition(line: 3, column: 10))
    }

    @Test func shebangLineIsSkipped() throws {
        #expect(try kinds("#!/usr/bin/env docket\nx") == [.identifier("x")])
    }

    @Test func errorsNameLineAndColumn() {
        let cases: [(String, String, Int, Int)] = [
            ("'abc", "Unterminated string constant", 1, 1),
            ("x = \"a\nb\"", "Unterminated string constant", 1, 5),
            ("/* open", "Unterminated comment", 1, 1),
            ("x = `open", "Unterminated template literal", 1, 5),
            ("10n", "BigInt literals are not supported", 1, 1),
            ("0x", "Invalid or unexpected token", 1, 1),
            ("012", "Octal literals are not allowed; use 0o10", 1, 1),
            ("1e", "Invalid or unexpected token", 1, 1),
            ("3in", "Invalid or unexpected token", 1, 1),
            ("a\n  §", "Unexpected character '\\u{00A7}'", 2, 3),
            (#"'\x4'"#, "Invalid hexadecimal escape sequence", 1, 1),
            (#"'\u{110000}'"#, "Undefined Unicode code-point", 1, 1),
            (#"'\uZZZZ'"#, "Invalid Unicode escape sequence", 1, 1),
            (#"'\1'"#, "Octal escape sequences are not allowed", 1, 1),
            (#"a\x"#, "Invalid or unexpected token", 1, 2),
        ]
        for (source, message, line, column) in cases {
            let error = lexError(source)
            #expect(error?.message == message, "\(source)")
            #expect(error?.position == SourcePosition(line: line, column: column), "\(source)")
            #expect(error?.name == "SyntaxError")
        }
    }
}
