import Testing

@testable import DocketShell

@Suite struct LineEditorCompletionTests {
    @Test func findsTheLongestCommonPrefix() {
        #expect(Completion.longestCommonPrefix([]) == "")
        #expect(Completion.longestCommonPrefix(["find"]) == "find")
        #expect(Completion.longestCommonPrefix(["find", "findOne", "findOneAndUpdate"]) == "find")
        #expect(Completion.longestCommonPrefix(["insertOne", "insertMany"]) == "insert")
        #expect(Completion.longestCommonPrefix(["abc", "xyz"]) == "")
        // By grapheme cluster: "e" and "é" (e + combining accent) differ.
        #expect(Completion.longestCommonPrefix(["cafe", "cafe\u{301}s"]) == "caf")
    }

    @Test func laysCandidatesOutInColumnsTopToBottom() {
        let rows = Completion.columns(["a", "bb", "ccc", "d", "e"], width: 12)
        // Columns 5 wide (3 + 2): two fit in 12 columns, so three rows.
        #expect(rows == ["a    d", "bb   e", "ccc"])
        #expect(Completion.columns(["one", "two"], width: 80) == ["one  two"])
        #expect(Completion.columns(["averyveryverylongname", "b"], width: 10) == ["averyveryverylongname", "b"])
        #expect(Completion.columns([], width: 80) == [])
    }

    private func session(_ text: String, candidates: [String]) -> EditSession {
        var session = EditSession(prompt: "> ", continuationPrompt: "... ") { buffer, cursor in
            let characters = Array(buffer)[..<cursor]
            let start = (characters.lastIndex(of: ".") ?? -1) + 1
            let word = String(characters[start...])
            return Completion(replaceFrom: start, candidates: candidates.filter { $0.hasPrefix(word) })
        }
        _ = session.handle(.text(text), isComplete: { _ in true })
        return session
    }

    @Test func insertsASingleCandidate() {
        var editing = session("db.users.fi", candidates: ["find", "insertOne"])
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .redraw)
        #expect(editing.buffer.text == "db.users.find")
        #expect(editing.buffer.cursor == 13)
    }

    @Test func insertsTheCommonPrefixThenListsOnASecondTab() {
        var editing = session("db.users.f", candidates: ["findOne", "findMany", "insertOne"])
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .redraw)
        #expect(editing.buffer.text == "db.users.find")
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .listCandidates(["findOne", "findMany"]))
        #expect(editing.buffer.text == "db.users.find")
    }

    @Test func ringsTheBellWhenNothingCompletesOrTheFirstTabIsAmbiguous() {
        var editing = session("db.users.zz", candidates: ["find"])
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .bell)
        editing = session("db.users.find", candidates: ["findOne", "findMany"])
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .bell)
        // Another key between the Tabs: the next Tab is a first Tab again.
        _ = editing.handle(.left, isComplete: { _ in true })
        _ = editing.handle(.right, isComplete: { _ in true })
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .bell)
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .listCandidates(["findOne", "findMany"]))
    }

    @Test func doesNothingWithoutACompleter() {
        var editing = EditSession(prompt: "> ", continuationPrompt: "... ")
        #expect(editing.handle(.tab, isComplete: { _ in true }) == .unchanged)
    }
}
