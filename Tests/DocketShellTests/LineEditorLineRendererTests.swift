import Testing

@testable import DocketShell

private func view(_ prompt: String, _ text: String, cursor: Int? = nil, continuation: String = "... ") -> ScreenView {
    ScreenView(prompt: prompt, continuationPrompt: continuation, text: Array(text), cursor: cursor ?? text.count)
}

@Suite struct LineEditorLineRendererTests {
    @Test func drawsASingleLineAndPlacesTheCursor() {
        var renderer = LineRenderer()
        #expect(renderer.refresh(view("> ", "abc", cursor: 1), columns: 80) == "\r\u{1b}[J> abc\r\u{1b}[3C")
        #expect(renderer.cursorRow == 0)
        #expect(renderer.refresh(view("> ", ""), columns: 80) == "\r\u{1b}[J> \r\u{1b}[2C")
    }

    @Test func drawsMultiLineInputWithTheContinuationPrompt() {
        var renderer = LineRenderer()
        let output = renderer.refresh(view("> ", "{\n  a: 1\n}", cursor: 3), columns: 80)
        #expect(output == "\r\u{1b}[J> {\r\n...   a: 1\r\n... }\u{1b}[1A\r\u{1b}[5C")
        #expect(renderer.cursorRow == 1)
        // The next refresh first moves up to the first row.
        #expect(renderer.refresh(view("> ", "x"), columns: 80).hasPrefix("\u{1b}[1A\r\u{1b}[J> x"))
        #expect(renderer.cursorRow == 0)
    }

    @Test func wrapsLongLines() {
        var renderer = LineRenderer()
        // 2 + 12 = 14 characters in 10 columns: two rows, the cursor at the end on the second row.
        let output = renderer.refresh(view("> ", "abcdefghijkl"), columns: 10)
        #expect(output == "\r\u{1b}[J> abcdefghijkl\r\u{1b}[4C")
        #expect(renderer.cursorRow == 1)
        // The cursor on "b" (row 0, column 3).
        let back = renderer.refresh(view("> ", "abcdefghijkl", cursor: 1), columns: 10)
        #expect(back == "\u{1b}[1A\r\u{1b}[J> abcdefghijkl\u{1b}[1A\r\u{1b}[3C")
        #expect(renderer.cursorRow == 0)
    }

    @Test func movesToAFreshRowWhenALineExactlyFillsTheWidth() {
        var renderer = LineRenderer()
        let output = renderer.refresh(view("> ", "abcdefgh"), columns: 10)
        #expect(output == "\r\u{1b}[J> abcdefgh\r\n\r")
        #expect(renderer.cursorRow == 1)
    }

    @Test func countsWideCharactersAndSkipsPromptEscapes() {
        #expect(LineRenderer.width(of: "abc") == 3)
        #expect(LineRenderer.width(of: "日本") == 4)
        #expect(LineRenderer.width(of: "🎉") == 2)
        #expect(LineRenderer.width(of: "e\u{301}") == 1)
        var renderer = LineRenderer()
        let output = renderer.refresh(view("\u{1b}[32m>\u{1b}[0m ", "日本", cursor: 1), columns: 80)
        #expect(output == "\r\u{1b}[J\u{1b}[32m>\u{1b}[0m 日本\r\u{1b}[4C")
    }

    @Test func wrapsAWideCharacterThatDoesNotFit() {
        var renderer = LineRenderer()
        // "> abcdef" takes 8 of 9 columns; "日" needs 2, so it goes to the next row.
        _ = renderer.refresh(view("> ", "abcdef日", cursor: 6), columns: 9)
        #expect(renderer.cursorRow == 1)
    }
}
