import Testing

@testable import DocketShell

extension LineEditorFixtures {
    /// Whether the braces, brackets and parentheses in `text` are balanced (strings are not considered).
    static func bracketsAreBalanced(_ text: String) -> Bool {
        var depth = 0
        for character in text {
            switch character {
            case "{", "[", "(": depth += 1
            case "}", "]", ")": depth -= 1
            default: break
            }
        }
        return depth <= 0
    }
}

@Suite struct LineEditorSessionTests {
    private func run(_ keys: [KeyEvent], history: [String] = [], isComplete: (String) -> Bool = { _ in true })
        -> (EditSession, [EditSession.Outcome])
    {
        var session = EditSession(prompt: "> ", continuationPrompt: "... ", history: history)
        let outcomes = keys.map { session.handle($0, isComplete: isComplete) }
        return (session, outcomes)
    }

    @Test func enterSubmitsACompleteInputAndContinuesAnIncompleteOne() {
        let (session, outcomes) = run(
            [.text("{ a: ["), .enter, .text("1 ]"), .enter, .text("}"), .enter],
            isComplete: LineEditorFixtures.bracketsAreBalanced)
        #expect(outcomes.last == .submit("{ a: [\n1 ]\n}"))
        #expect(outcomes[1] == .redraw)
        #expect(session.view.prompt == "> ")
    }

    @Test func ctrlDEndsAnEmptyInputAndDeletesOtherwise() {
        #expect(run([.control("d")]).1 == [.endOfFile])
        let (session, outcomes) = run([.text("ab"), .home, .control("d")])
        #expect(outcomes.last == .redraw)
        #expect(session.buffer.text == "b")
        #expect(run([.text("ab"), .control("d")]).1.last == .unchanged)
    }

    @Test func ctrlCInterruptsAndCtrlLClears() {
        #expect(run([.text("x"), .control("c")]).1.last == .interrupt)
        #expect(run([.control("l")]).1 == [.clearScreen])
        #expect(run([.control("z")]).1 == [.suspend])
    }

    @Test func killedTextCanBeYanked() {
        let (session, _) = run([.text("db.users.find"), .control("w"), .home, .control("y"), .text(".")])
        #expect(session.buffer.text == "find.db.users.")
        let (other, _) = run([.text("hello world"), .alt("b"), .control("k"), .control("a"), .control("y")])
        #expect(other.buffer.text == "worldhello ")
        let (third, _) = run([.text("one two"), .home, .alt("d"), .end, .control("y")])
        #expect(third.buffer.text == " twoone")
    }

    @Test func historyNavigationKeepsTheTypedLine() {
        let history = ["first", "second"]
        var (session, _) = run([.text("typed"), .up], history: history)
        #expect(session.buffer.text == "second")
        _ = session.handle(.text("!"), isComplete: { _ in true })
        _ = session.handle(.control("p"), isComplete: { _ in true })
        #expect(session.buffer.text == "first")
        #expect(session.handle(.up, isComplete: { _ in true }) == .unchanged)
        _ = session.handle(.down, isComplete: { _ in true })
        #expect(session.buffer.text == "second!")
        _ = session.handle(.control("n"), isComplete: { _ in true })
        #expect(session.buffer.text == "typed")
        #expect(session.handle(.down, isComplete: { _ in true }) == .unchanged)
    }

    @Test func upAndDownMoveInsideAMultiLineInputFirst() {
        var (session, _) = run(
            [.text("{"), .enter, .text("a"), .up], history: ["old"], isComplete: LineEditorFixtures.bracketsAreBalanced)
        #expect(session.buffer.text == "{\na")
        #expect(session.buffer.cursor == 1)
        _ = session.handle(.up, isComplete: LineEditorFixtures.bracketsAreBalanced)
        #expect(session.buffer.text == "old")
    }

    @Test func wordKeysAndDeleteKeysEdit() {
        let (session, _) = run([
            .text("db.users.find"), .wordLeft, .alt("b"), .wordRight, .backspace, .delete, .alt("f"),
            .altBackspace,
        ])
        #expect(session.buffer.text == "db.")
        let (other, _) = run([.text("abc"), .left, .left, .control("t"), .control("b"), .control("f"), .text("-")])
        #expect(other.buffer.text == "ba-c")
    }

    @Test func finalViewPutsTheCursorAtTheEnd() {
        let (session, _) = run([.text("abc"), .home])
        #expect(session.view.cursor == 0)
        #expect(session.finalView.cursor == 3)
    }
}
