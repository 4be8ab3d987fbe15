import Testing

@testable import DocketShell

@Suite struct LineEditorReverseSearchTests {
    private let entries = ["db.users.find()", "show dbs", "db.orders.find({})", "db.users.insertOne({})", "exit"]

    @Test func typingRefinesFromTheNewestEntry() {
        var search = ReverseSearch(entries: entries)
        #expect(search.match == nil)
        #expect(search.prompt == "(reverse-i-search)'': ")
        search.append("d")
        #expect(search.match == "db.users.insertOne({})")
        search.append("b.o")
        #expect(search.match == "db.orders.find({})")
        #expect(search.matchOffset == 0)
        #expect(search.prompt == "(reverse-i-search)'db.o': ")
    }

    @Test func ctrlRAgainFindsOlderMatches() {
        var search = ReverseSearch(entries: entries)
        search.append("find")
        #expect(search.match == "db.orders.find({})")
        #expect(search.matchOffset == 10)
        search.searchOlder()
        #expect(search.match == "db.users.find()")
        search.searchOlder()
        #expect(search.isFailing)
        #expect(search.match == "db.users.find()")
        #expect(search.prompt == "(failed reverse-i-search)'find': ")
    }

    @Test func backspaceShortensTheQueryAndSearchesAgain() {
        var search = ReverseSearch(entries: entries)
        for character in "showx" { search.append(String(character)) }
        #expect(search.isFailing)
        #expect(search.match == "show dbs")
        search.deleteLast()
        #expect(!search.isFailing)
        #expect(search.queryText == "show")
        search.deleteLast()
        search.deleteLast()
        search.deleteLast()
        // "s" again: the search restarts from the newest entry.
        #expect(search.match == "db.users.insertOne({})")
    }

    @Test func skipsOlderEntriesEqualToTheCurrentMatch() {
        var search = ReverseSearch(entries: ["a1", "b", "a1", "c", "a1"])
        search.append("a")
        #expect(search.matchIndex == 4)
        search.searchOlder()
        #expect(search.isFailing)
    }

    @Test func editSessionAcceptsCancelsAndSubmits() {
        var session = EditSession(prompt: "> ", continuationPrompt: "... ", history: entries)
        let complete: (String) -> Bool = { _ in true }
        _ = session.handle(.text("typed"), isComplete: complete)
        _ = session.handle(.control("r"), isComplete: complete)
        _ = session.handle(.text("orders"), isComplete: complete)
        #expect(session.view.prompt == "(reverse-i-search)'orders': ")
        #expect(String(session.view.text) == "db.orders.find({})")
        #expect(session.view.cursor == 3)
        // Ctrl-G cancels back to the line as it was.
        _ = session.handle(.control("g"), isComplete: complete)
        #expect(session.search == nil)
        #expect(session.buffer.text == "typed")
        // Escape accepts for editing, with the cursor at the match.
        _ = session.handle(.control("r"), isComplete: complete)
        _ = session.handle(.text("dbs"), isComplete: complete)
        _ = session.handle(.escape, isComplete: complete)
        #expect(session.buffer.text == "show dbs")
        #expect(session.buffer.cursor == 5)
        // Ctrl-E accepts and moves to the end; Enter accepts and submits.
        _ = session.handle(.control("r"), isComplete: complete)
        _ = session.handle(.text("exi"), isComplete: complete)
        _ = session.handle(.control("e"), isComplete: complete)
        #expect(session.buffer.text == "exit")
        #expect(session.buffer.cursor == 4)
        _ = session.handle(.control("r"), isComplete: complete)
        _ = session.handle(.text("insert"), isComplete: complete)
        #expect(session.handle(.enter, isComplete: complete) == .submit("db.users.insertOne({})"))
    }
}
