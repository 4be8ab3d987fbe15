/// What the editor shows: a prompt, the (possibly multi-line) text and the cursor in it.
///
/// The first line of `text` follows `prompt`; each further line (after a newline in the text) follows
/// `continuationPrompt`.
struct ScreenView: Equatable {
    var prompt: String
    var continuationPrompt: String
    var text: [Character]
    /// The cursor, as a grapheme offset in `text`.
    var cursor: Int
}

/// Produces the bytes that redraw a `ScreenView` on a VT100-compatible terminal.
///
/// Every refresh redraws the whole input: move up to the row where the input starts, return to column 0, clear to
/// the end of the screen (`ESC[J`), write the prompts and the text, and move the cursor back to its place with
/// relative moves (`ESC[nA`, CR, `ESC[nC`). The renderer remembers the row of the cursor relative to the first
/// row so the next refresh can find the start again. Only CR, LF and `ESC[nA`/`ESC[nC`/`ESC[J`/`ESC[K` are used.
///
/// Wrapping follows the terminal's auto-wrap: a character that does not fit in the row goes to the next one. When a
/// line exactly fills its last row the renderer moves to a fresh row itself (`CR LF`), so the cursor always has a
/// cell to sit on. Widths come from `width(of:)`: one column per grapheme cluster, two for East Asian wide and
/// emoji characters. Escape sequences (`ESC[...m` colours) in prompts take no columns.
///
/// Limits: an input taller than the screen cannot be redrawn in place (the rows scrolled off the top stay), and
/// after the terminal is resized the first refresh may leave stale rows, as the old layout is not known.
struct LineRenderer {
    /// The row of the cursor, counted from the first row of the input, after the last refresh.
    private(set) var cursorRow = 0

    /// Forgets the previous layout: the next refresh starts on the cursor's current row (after the screen was
    /// cleared or output was printed below the input).
    mutating func reset() {
        cursorRow = 0
    }

    /// The bytes that redraw `view` in a terminal `columns` wide.
    mutating func refresh(_ view: ScreenView, columns: Int) -> String {
        let columns = max(1, columns)
        var output = ""
        if cursorRow > 0 { output += "\u{1b}[\(cursorRow)A" }
        output += "\r\u{1b}[J"
        var row = 0
        var column = 0
        var cursorPosition: (row: Int, column: Int)?

        func put(_ piece: String, width: Int) {
            if column + width > columns && column > 0 {
                row += 1  // The terminal auto-wraps before this character.
                column = 0
            }
            output += piece
            column += width
        }
        func putPrompt(_ prompt: String) {
            for (piece, width) in Self.segments(of: prompt) { put(piece, width: width) }
        }
        func endLine() {
            // A line that exactly filled its last row: leave the pending-wrap state for a fresh row.
            if column >= columns {
                output += "\r\n"
                row += 1
                column = 0
            }
        }

        putPrompt(view.prompt)
        for (offset, character) in view.text.enumerated() {
            if character == "\n" {
                endLine()
                if offset == view.cursor { cursorPosition = (row, column) }
                output += "\r\n"
                row += 1
                column = 0
                putPrompt(view.continuationPrompt)
                continue
            }
            let width = Self.width(of: character)
            if offset == view.cursor {
                cursorPosition = column + width > columns && column > 0 ? (row + 1, 0) : (row, column)
            }
            put(String(character), width: width)
        }
        endLine()
        let target = cursorPosition ?? (row, column)
        if row > target.row { output += "\u{1b}[\(row - target.row)A" }
        output += "\r"
        if target.column > 0 { output += "\u{1b}[\(target.column)C" }
        cursorRow = target.row
        return output
    }

    /// Splits a prompt into printable characters (with their widths) and escape sequences (width 0).
    static func segments(of prompt: String) -> [(String, Int)] {
        var result: [(String, Int)] = []
        var characters = prompt.makeIterator()
        while let character = characters.next() {
            guard character == "\u{1b}" else {
                result.append((String(character), width(of: character)))
                continue
            }
            // ESC [ ... final byte (0x40...0x7e): a CSI sequence such as a colour.
            var sequence = String(character)
            if let next = characters.next() {
                sequence.append(next)
                if next == "[" {
                    while let byte = characters.next() {
                        sequence.append(byte)
                        if let value = byte.asciiValue, (0x40...0x7e).contains(value) { break }
                    }
                }
            }
            result.append((sequence, 0))
        }
        return result
    }

    /// The number of columns a string takes: the sum of `width(of:)` over its grapheme clusters.
    static func width(of string: String) -> Int {
        string.reduce(0) { $0 + width(of: $1) }
    }

    /// The columns one grapheme cluster takes, an approximation of `wcwidth`: 0 for control characters; 2 for East
    /// Asian Wide and Fullwidth characters (Hangul, CJK, kana, fullwidth forms) and for emoji shown as emoji (emoji
    /// presentation, or followed by the variation selector U+FE0F); otherwise 1.
    static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let value = scalar.value
        if value < 0x20 || (0x7f...0x9f).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation
            || (scalar.properties.isEmoji && character.unicodeScalars.contains { $0.value == 0xfe0f })
        {
            return 2
        }
        switch value {
        case 0x1100...0x115f, 0x2e80...0x303e, 0x3041...0x33ff, 0x3400...0x4dbf, 0x4e00...0x9fff, 0xa000...0xa4cf,
            0xa960...0xa97f, 0xac00...0xd7a3, 0xf900...0xfaff, 0xfe10...0xfe19, 0xfe30...0xfe6f, 0xff00...0xff60,
            0xffe0...0xffe6, 0x1b000...0x1b2ff, 0x20000...0x2fffd, 0x30000...0x3fffd:
            return 2
        default:
            return 1
        }
    }
}
