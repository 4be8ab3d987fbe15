/// The text being edited and the cursor, with every editing operation the line editor offers.
///
/// The text is stored as grapheme clusters (`Character`s), so one cursor step moves over a whole user-perceived
/// character: a composed "é", an "e" followed by a combining accent, or a multi-scalar emoji. The cursor is an
/// offset in grapheme clusters, `0...characters.count`.
///
/// The text may hold newlines (multi-line input). Line-oriented operations (Home, End, Ctrl-K, Ctrl-U, Up, Down)
/// act on the line the cursor is on. Every edit goes through `replace(_:with:)`, which re-segments the text
/// around the edit, so an accent typed after an "e" merges with it as it does in the terminal.
struct LineBuffer: Equatable {
    private(set) var characters: [Character]
    /// The cursor, as an offset in grapheme clusters.
    private(set) var cursor: Int

    /// Creates a buffer holding `text`, with the cursor at `cursor` (clamped) or at the end.
    init(_ text: String = "", cursor: Int? = nil) {
        characters = Array(text)
        self.cursor = min(max(cursor ?? characters.count, 0), characters.count)
    }

    var text: String { String(characters) }
    var isEmpty: Bool { characters.isEmpty }
    var count: Int { characters.count }

    // MARK: Editing primitive

    /// Replaces the characters in `range` (clamped to the text) by `replacement` and puts the cursor after it.
    mutating func replace(_ range: Range<Int>, with replacement: String) {
        let lower = min(max(range.lowerBound, 0), characters.count)
        let upper = min(max(range.upperBound, lower), characters.count)
        let before = String(characters[..<lower]) + replacement
        let combined = before + String(characters[upper...])
        characters = Array(combined)
        // `before` may merge with the text after it (an accent before a base letter); clamp to stay in range.
        cursor = min(before.count, characters.count)
    }

    /// Inserts `text` at the cursor and moves the cursor after it.
    mutating func insert(_ text: String) {
        replace(cursor..<cursor, with: text)
    }

    /// Replaces the whole text and puts the cursor at the end.
    mutating func setText(_ text: String) {
        characters = Array(text)
        cursor = characters.count
    }

    /// Removes the characters in `range` (clamped) and returns them; the cursor goes to where they were.
    @discardableResult
    mutating func remove(_ range: Range<Int>) -> String {
        let lower = min(max(range.lowerBound, 0), characters.count)
        let upper = min(max(range.upperBound, lower), characters.count)
        let removed = String(characters[lower..<upper])
        replace(lower..<upper, with: "")
        return removed
    }

    // MARK: Cursor movement

    mutating func moveTo(_ offset: Int) {
        cursor = min(max(offset, 0), characters.count)
    }

    mutating func moveLeft() { moveTo(cursor - 1) }
    mutating func moveRight() { moveTo(cursor + 1) }
    mutating func moveToStart() { cursor = 0 }
    mutating func moveToEnd() { cursor = characters.count }

    /// The offset where the line holding the cursor starts (just after the previous newline).
    var lineStart: Int {
        var offset = cursor
        while offset > 0 && characters[offset - 1] != "\n" { offset -= 1 }
        return offset
    }

    /// The offset where the line holding the cursor ends (at the next newline or the end of the text).
    var lineEnd: Int {
        var offset = cursor
        while offset < characters.count && characters[offset] != "\n" { offset += 1 }
        return offset
    }

    mutating func moveToLineStart() { cursor = lineStart }
    mutating func moveToLineEnd() { cursor = lineEnd }

    /// Moves to the same column on the previous line; false (and no move) on the first line.
    mutating func moveUp() -> Bool {
        let start = lineStart
        guard start > 0 else { return false }
        let column = cursor - start
        cursor = start - 1  // the end of the previous line
        cursor = min(lineStart + column, start - 1)
        return true
    }

    /// Moves to the same column on the next line; false (and no move) on the last line.
    mutating func moveDown() -> Bool {
        let column = cursor - lineStart
        let end = lineEnd
        guard end < characters.count else { return false }
        cursor = end + 1  // the start of the next line
        cursor = min(cursor + column, lineEnd)
        return true
    }

    // MARK: Words

    /// Word characters are letters, digits, `_` and `$` (JavaScript identifiers); everything else separates words,
    /// so `db.users.find` holds three words.
    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "$"
    }

    /// The offset of the start of the word before the cursor (Alt-B): skip separators, then word characters.
    var previousWordStart: Int {
        var offset = cursor
        while offset > 0 && !Self.isWordCharacter(characters[offset - 1]) { offset -= 1 }
        while offset > 0 && Self.isWordCharacter(characters[offset - 1]) { offset -= 1 }
        return offset
    }

    /// The offset of the end of the word after the cursor (Alt-F): skip separators, then word characters.
    var nextWordEnd: Int {
        var offset = cursor
        while offset < characters.count && !Self.isWordCharacter(characters[offset]) { offset += 1 }
        while offset < characters.count && Self.isWordCharacter(characters[offset]) { offset += 1 }
        return offset
    }

    mutating func moveWordLeft() { cursor = previousWordStart }
    mutating func moveWordRight() { cursor = nextWordEnd }

    // MARK: Deletion

    /// Deletes the character before the cursor (Backspace); false when there is none.
    @discardableResult
    mutating func deleteBackward() -> Bool {
        guard cursor > 0 else { return false }
        remove(cursor - 1..<cursor)
        return true
    }

    /// Deletes the character under the cursor (Delete, Ctrl-D); false when there is none.
    @discardableResult
    mutating func deleteForward() -> Bool {
        guard cursor < characters.count else { return false }
        remove(cursor..<cursor + 1)
        return true
    }

    /// Deletes from the cursor to the end of the line (Ctrl-K); at the end of a line, deletes the newline so the
    /// next line joins this one, as Emacs does. Returns the deleted text.
    mutating func killToLineEnd() -> String {
        let end = lineEnd
        return remove(cursor..<(end == cursor && end < characters.count ? end + 1 : end))
    }

    /// Deletes from the start of the line to the cursor (Ctrl-U) and returns the deleted text.
    mutating func killToLineStart() -> String {
        remove(lineStart..<cursor)
    }

    /// Deletes the word before the cursor (Ctrl-W, Alt-Backspace) and returns it.
    mutating func deletePreviousWord() -> String {
        remove(previousWordStart..<cursor)
    }

    /// Deletes from the cursor to the end of the next word (Alt-D) and returns it.
    mutating func deleteNextWord() -> String {
        remove(cursor..<nextWordEnd)
    }

    /// Swaps the two characters around the cursor and moves right (Ctrl-T); at the end of the text, swaps the last
    /// two. Returns false when there are fewer than two characters before the line end.
    @discardableResult
    mutating func transpose() -> Bool {
        var position = cursor
        if position == characters.count || characters[position] == "\n" { position -= 1 }
        guard position > 0, position < characters.count, characters[position - 1] != "\n",
            characters[position] != "\n"
        else { return false }
        let swapped = String(characters[position]) + String(characters[position - 1])
        replace(position - 1..<position + 1, with: swapped)
        return true
    }
}
