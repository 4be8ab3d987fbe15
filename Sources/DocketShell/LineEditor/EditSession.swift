/// The editing state of one `LineEditor.read` call and its key bindings, without any I/O.
///
/// `LineEditor` feeds it decoded keys and acts on the returned `Outcome` (redraw, print, return); tests drive it
/// directly. The bindings follow readline/mongosh:
///
/// | Keys | Action |
/// |------|--------|
/// | Left, Ctrl-B / Right, Ctrl-F | one grapheme cluster left / right (across newlines) |
/// | Home, Ctrl-A / End, Ctrl-E | start / end of the current line |
/// | Alt-B, Ctrl-Left / Alt-F, Ctrl-Right | word left / right (words: letters, digits, `_`, `$`) |
/// | Backspace / Delete | delete before / under the cursor |
/// | Ctrl-D | end of file on an empty input, otherwise delete under the cursor |
/// | Ctrl-K / Ctrl-U | kill to the end / start of the current line (Ctrl-K at a line end joins lines) |
/// | Ctrl-W, Alt-Backspace / Alt-D | kill the word before / after the cursor |
/// | Ctrl-Y | yank (insert) the last killed text |
/// | Ctrl-T | transpose the characters around the cursor |
/// | Up / Down | previous / next line of a multi-line input, else previous / next history entry |
/// | Ctrl-P / Ctrl-N | previous / next history entry |
/// | Ctrl-R | reverse incremental search |
/// | Tab | completion |
/// | Enter | submit when `isComplete`, otherwise insert a newline |
/// | Ctrl-C / Ctrl-L / Ctrl-Z | interrupt / clear the screen / suspend |
struct EditSession {
    /// What the caller must do after a key.
    enum Outcome: Equatable {
        /// Nothing visible changed.
        case unchanged
        /// The view changed: refresh it.
        case redraw
        /// Ring the terminal bell (nothing to complete).
        case bell
        /// The input is complete: return it.
        case submit(String)
        /// Ctrl-C: cancel the input.
        case interrupt
        /// Ctrl-D on an empty input.
        case endOfFile
        /// Ctrl-L: clear the screen, then redraw.
        case clearScreen
        /// A second Tab with several candidates: print them below the input, then redraw.
        case listCandidates([String])
        /// Ctrl-Z: stop the process (job control), then redraw when it continues.
        case suspend
    }

    private(set) var buffer = LineBuffer()
    let prompt: String
    let continuationPrompt: String
    var completer: ((String, Int) -> Completion)?
    /// The text removed by the last kill command, inserted again by Ctrl-Y.
    private(set) var killedText = ""
    private let historyEntries: [String]
    private var navigator: HistoryNavigator
    private(set) var search: ReverseSearch?
    private var bufferBeforeSearch = LineBuffer()
    private var lastKeyWasTab = false

    init(
        prompt: String, continuationPrompt: String, history: [String] = [],
        completer: ((String, Int) -> Completion)? = nil
    ) {
        self.prompt = prompt
        self.continuationPrompt = continuationPrompt
        self.completer = completer
        historyEntries = history
        navigator = HistoryNavigator(entries: history)
    }

    /// What the terminal should show now.
    var view: ScreenView {
        guard let search else {
            return ScreenView(
                prompt: prompt, continuationPrompt: continuationPrompt, text: buffer.characters,
                cursor: buffer.cursor)
        }
        if let match = search.match {
            return ScreenView(
                prompt: search.prompt, continuationPrompt: continuationPrompt, text: Array(match),
                cursor: search.matchOffset)
        }
        return ScreenView(
            prompt: search.prompt, continuationPrompt: continuationPrompt, text: bufferBeforeSearch.characters,
            cursor: bufferBeforeSearch.cursor)
    }

    /// The view with the cursor after the text: drawn last, so output printed next goes below the whole input.
    var finalView: ScreenView {
        var view = view
        view.cursor = view.text.count
        return view
    }

    /// Applies `key`. `isComplete` decides whether Enter submits the text or inserts a newline.
    mutating func handle(_ key: KeyEvent, isComplete: (String) -> Bool) -> Outcome {
        if search != nil, let outcome = handleSearch(key) { return outcome }
        let isRepeatedTab = lastKeyWasTab
        lastKeyWasTab = false
        switch key {
        case .text(let text):
            buffer.insert(text)
        case .enter:
            let text = buffer.text
            if isComplete(text) { return .submit(text) }
            buffer.insert("\n")
        case .tab:
            lastKeyWasTab = true
            return complete(isRepeated: isRepeatedTab)
        case .home, .control("a"):
            buffer.moveToLineStart()
        case .end, .control("e"):
            buffer.moveToLineEnd()
        case .left, .control("b"):
            buffer.moveLeft()
        case .right, .control("f"):
            buffer.moveRight()
        case .wordLeft, .alt("b"), .alt("B"):
            buffer.moveWordLeft()
        case .wordRight, .alt("f"), .alt("F"):
            buffer.moveWordRight()
        case .backspace:
            return buffer.deleteBackward() ? .redraw : .unchanged
        case .delete:
            return buffer.deleteForward() ? .redraw : .unchanged
        case .control("d"):
            if buffer.isEmpty { return .endOfFile }
            return buffer.deleteForward() ? .redraw : .unchanged
        case .control("k"):
            remember(buffer.killToLineEnd())
        case .control("u"):
            remember(buffer.killToLineStart())
        case .control("w"), .altBackspace:
            remember(buffer.deletePreviousWord())
        case .alt("d"), .alt("D"):
            remember(buffer.deleteNextWord())
        case .control("y"):
            buffer.insert(killedText)
        case .control("t"):
            return buffer.transpose() ? .redraw : .unchanged
        case .up:
            if !buffer.moveUp() { return showPreviousEntry() }
        case .down:
            if !buffer.moveDown() { return showNextEntry() }
        case .control("p"):
            return showPreviousEntry()
        case .control("n"):
            return showNextEntry()
        case .control("r"):
            bufferBeforeSearch = buffer
            search = ReverseSearch(entries: historyEntries)
        case .control("c"):
            return .interrupt
        case .control("l"):
            return .clearScreen
        case .control("z"):
            return .suspend
        default:
            return .unchanged  // Esc, Alt with other keys, unbound control keys.
        }
        return .redraw
    }

    private mutating func remember(_ killed: String) {
        if !killed.isEmpty { killedText = killed }
    }

    private mutating func showPreviousEntry() -> Outcome {
        guard let entry = navigator.previous(current: buffer.text) else { return .unchanged }
        buffer.setText(entry)
        return .redraw
    }

    private mutating func showNextEntry() -> Outcome {
        guard let entry = navigator.next(current: buffer.text) else { return .unchanged }
        buffer.setText(entry)
        return .redraw
    }

    // MARK: Reverse search

    /// Handles `key` during a search; nil when the search ended and the key must be handled normally.
    private mutating func handleSearch(_ key: KeyEvent) -> Outcome? {
        guard var current = search else { return nil }
        switch key {
        case .text(let text):
            current.append(text)
        case .backspace:
            current.deleteLast()
        case .control("r"):
            current.searchOlder()
        case .control("g"), .control("c"):
            // Cancel: back to the line as it was before Ctrl-R.
            buffer = bufferBeforeSearch
            search = nil
            return .redraw
        case .escape:
            acceptSearch()
            return .redraw
        default:
            // Any other key (Enter, arrows, Ctrl-A, Ctrl-E, ...) accepts the match and then acts normally.
            acceptSearch()
            return nil
        }
        search = current
        return .redraw
    }

    /// Ends the search, leaving the match (or the original line when nothing matched) in the buffer with the cursor
    /// where the match starts.
    private mutating func acceptSearch() {
        if let search, let match = search.match {
            buffer = LineBuffer(match, cursor: search.matchOffset)
            navigator.reset(current: match)
        } else {
            buffer = bufferBeforeSearch
        }
        search = nil
    }

    // MARK: Completion

    private mutating func complete(isRepeated: Bool) -> Outcome {
        guard let completer else { return .unchanged }
        let completion = completer(buffer.text, buffer.cursor)
        let from = min(max(completion.replaceFrom, 0), buffer.cursor)
        let word = buffer.characters[from..<buffer.cursor]
        var candidates: [String] = []
        for candidate in completion.candidates where !candidates.contains(candidate) { candidates.append(candidate) }
        switch candidates.count {
        case 0:
            return .bell
        case 1:
            buffer.replace(from..<buffer.cursor, with: candidates[0])
            return .redraw
        default:
            let prefix = Completion.longestCommonPrefix(candidates)
            if prefix.count > word.count || (prefix.count == word.count && !prefix.elementsEqual(word)) {
                buffer.replace(from..<buffer.cursor, with: prefix)
                return .redraw
            }
            return isRepeated ? .listCandidates(candidates) : .bell
        }
    }
}
