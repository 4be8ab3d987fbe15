import Testing

@testable import DocketShell

/// "ab|c" notation: the text with `|` at the cursor.
private func buffer(_ marked: String) -> LineBuffer {
    let offset = Array(marked).firstIndex(of: "|") ?? marked.count
    return LineBuffer(marked.replacing("|", with: ""), cursor: offset)
}

private func marked(_ buffer: LineBuffer) -> String {
    var characters = buffer.characters
    characters.insert("|", at: buffer.cursor)
    return String(characters)
}

@Suite struct LineEditorLineBufferTests {
    @Test func insertsAtTheCursor() {
        var line = buffer("ac|")
        line.moveLeft()
        line.insert("b")
        #expect(marked(line) == "ab|c")
        line.insert("xyz")
        #expect(marked(line) == "abxyz|c")
    }

    @Test func movesByCharacterAndToTheEnds() {
        var line = buffer("abc|")
        line.moveLeft()
        line.moveLeft()
        #expect(marked(line) == "a|bc")
        line.moveToStart()
        line.moveLeft()
        #expect(marked(line) == "|abc")
        line.moveRight()
        #expect(marked(line) == "a|bc")
        line.moveToEnd()
        line.moveRight()
        #expect(marked(line) == "abc|")
    }

    @Test func deletesBackwardAndForward() {
        var line = buffer("ab|cd")
        #expect(line.deleteBackward() == true)
        #expect(marked(line) == "a|cd")
        #expect(line.deleteForward() == true)
        #expect(marked(line) == "a|d")
        line.moveToStart()
        #expect(line.deleteBackward() == false)
        line.moveToEnd()
        #expect(line.deleteForward() == false)
        #expect(marked(line) == "ad|")
    }

    @Test func killsToTheLineEndsAndJoinsLinesAtTheEnd() {
        var line = buffer("db.us|ers.find()")
        #expect(line.killToLineEnd() == "ers.find()")
        #expect(marked(line) == "db.us|")
        line = buffer("db.us|ers")
        #expect(line.killToLineStart() == "db.us")
        #expect(marked(line) == "|ers")
        line = buffer("{|\n  a: 1\n}")
        #expect(line.killToLineEnd() == "\n")
        #expect(marked(line) == "{|  a: 1\n}")
        line = buffer("{\n  a:| 1\n}")
        #expect(line.killToLineStart() == "  a:")
        #expect(marked(line) == "{\n| 1\n}")
    }

    @Test func jumpsOverWordsSeparatedByPunctuation() {
        var line = buffer("db.users.find({ name: 'x' })|")
        line.moveWordLeft()
        #expect(marked(line) == "db.users.find({ name: '|x' })")
        line.moveWordLeft()
        #expect(marked(line) == "db.users.find({ |name: 'x' })")
        line.moveWordLeft()
        #expect(marked(line) == "db.users.|find({ name: 'x' })")
        line.moveWordLeft()
        line.moveWordLeft()
        #expect(marked(line) == "|db.users.find({ name: 'x' })")
        line.moveWordLeft()
        #expect(line.cursor == 0)
        line.moveWordRight()
        #expect(marked(line) == "db|.users.find({ name: 'x' })")
        line.moveWordRight()
        #expect(marked(line) == "db.users|.find({ name: 'x' })")
        line = buffer("$match _id|")
        line.moveWordLeft()
        #expect(marked(line) == "$match |_id")
        line.moveWordLeft()
        #expect(marked(line) == "|$match _id")
    }

    @Test func deletesWholeWords() {
        var line = buffer("db.users.find|")
        #expect(line.deletePreviousWord() == "find")
        #expect(marked(line) == "db.users.|")
        #expect(line.deletePreviousWord() == "users.")
        #expect(marked(line) == "db.|")
        line = buffer("a |foo.bar")
        #expect(line.deleteNextWord() == "foo")
        #expect(marked(line) == "a |.bar")
        #expect(line.deleteNextWord() == ".bar")
        #expect(marked(line) == "a |")
        line = buffer("foo   |")
        #expect(line.deletePreviousWord() == "foo   ")
    }

    @Test func treatsAGraphemeClusterAsOneStep() {
        var line = buffer("caf\u{e9}|")  // composed é
        #expect(line.count == 4)
        line.moveLeft()
        #expect(marked(line) == "caf|\u{e9}")
        line = buffer("cafe\u{301}|")  // e + combining acute accent
        #expect(line.count == 4)
        #expect(line.deleteBackward() == true)
        #expect(line.text == "caf")
        line = buffer("a👩‍👩‍👧🇫🇷|b")
        #expect(line.count == 4)
        line.moveLeft()
        #expect(marked(line) == "a👩‍👩‍👧|🇫🇷b")
        #expect(line.deleteBackward() == true)
        #expect(marked(line) == "a|🇫🇷b")
    }

    @Test func mergesACombiningMarkTypedAfterItsBase() {
        var line = buffer("cafe|")
        line.insert("\u{301}")
        #expect(line.count == 4)
        #expect(line.cursor == 4)
        #expect(line.text == "cafe\u{301}")
    }

    @Test func movesBetweenLinesKeepingTheColumn() {
        var line = buffer("{\n  name: 1,|\n}")
        #expect(line.moveUp() == true)
        #expect(marked(line) == "{|\n  name: 1,\n}")
        #expect(line.moveUp() == false)
        #expect(line.moveDown() == true)
        #expect(marked(line) == "{\n | name: 1,\n}")
        #expect(line.moveDown() == true)
        #expect(marked(line) == "{\n  name: 1,\n}|")
        #expect(line.moveDown() == false)
        #expect(line.moveUp() == true)
        line.moveToLineEnd()
        #expect(marked(line) == "{\n  name: 1,|\n}")
        line.moveToLineStart()
        #expect(marked(line) == "{\n|  name: 1,\n}")
    }

    @Test func transposesCharacters() {
        var line = buffer("ab|c")
        #expect(line.transpose() == true)
        #expect(marked(line) == "acb|")
        #expect(line.transpose() == true)
        #expect(marked(line) == "abc|")
        line = buffer("|ab")
        #expect(line.transpose() == false)
    }

    @Test func clampsRangesAndCursor() {
        var line = LineBuffer("abc", cursor: 99)
        #expect(line.cursor == 3)
        line.replace(-5..<1, with: "X")
        #expect(marked(line) == "X|bc")
        #expect(line.remove(2..<50) == "c")
        #expect(marked(line) == "Xb|")
    }
}
