#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A terminal line editor for the `docket` shell, in the spirit of readline and mongosh, with no dependency beyond
/// the C library.
///
/// `read(prompt:continuationPrompt:isComplete:)` shows the prompt, lets the user edit the input and returns it:
///
/// ```swift
/// let editor = LineEditor(history: History.load(from: historyPath))
/// editor.completer = { buffer, cursor in Completion(replaceFrom: cursor, candidates: []) }
/// loop: while true {
///     switch editor.read(prompt: "docket> ", isComplete: { bracketsAreBalanced($0) }) {
///     case .line(let text): evaluate(text)
///     case .interrupted: continue
///     case .endOfFile: break loop
///     }
/// }
/// try? editor.history.save(to: historyPath)
/// ```
///
/// When both descriptors are terminals, the editor puts the input terminal in raw mode for the duration of the call
/// (always restoring it before returning), decodes keys (see `EditSession` for the bindings), and redraws the input
/// after every change with basic VT100 sequences. Submitted inputs are added to `history`.
///
/// Multi-line input: on Enter, `isComplete` receives the whole text; when it returns false a newline is inserted
/// and editing continues on a new line after `continuationPrompt`. All lines stay editable, and the result is the
/// whole text joined with "\n".
///
/// When the input is not a terminal (a pipe or a file), or the output is not one, `read` reads plain lines with no
/// editing and no escape codes: it writes the prompt only if the input is a terminal, and joins lines with "\n"
/// until `isComplete` accepts them (at end of input it returns the incomplete text as it is). Lines read this way
/// are added to the history only if the input is a terminal, so piped scripts do not fill the history file.
///
/// Keys typed ahead (or several pasted lines) are kept between calls: the rest of a paste after its first line is
/// the start of the next `read`.
///
/// - Note: Widths are approximated per grapheme cluster (two columns for East Asian wide characters and emoji);
///   terminals that disagree (some emoji sequences) may show the cursor off by a column. `SIGWINCH` is not
///   handled: the width is read again at every redraw.
public final class LineEditor {
    /// How a `read` call ended.
    public enum Result: Sendable, Equatable {
        /// The submitted input (several lines joined with "\n" for multi-line input), without a final newline.
        case line(String)
        /// Ctrl-C: the input was cancelled; the REPL shows a new prompt.
        case interrupted
        /// Ctrl-D on an empty input, or the end of the input (including a terminal that went away).
        case endOfFile
    }

    /// The history walked with Up/Down and searched with Ctrl-R; every submitted input is added to it.
    public var history: History

    /// Called on Tab with the whole input and the cursor (a grapheme offset); nil disables completion.
    public var completer: ((String, Int) -> Completion)?

    /// The descriptor keys are read from.
    public let inputFD: Int32
    /// The descriptor the prompt and the input are drawn on.
    public let outputFD: Int32

    /// How long to wait after a lone `ESC` for the rest of an escape sequence before taking it as the Escape key.
    var escapeTimeoutMilliseconds: Int32 = 100

    private let terminal: Terminal
    private var decoder = KeyDecoder()
    /// Keys decoded but not yet handled (typed ahead, or the rest of a paste after Enter).
    private var pendingKeys: [KeyEvent] = []
    private var plainReader: PlainLineReader

    /// Creates an editor reading keys from `inputFD` and drawing on `outputFD` (standard input and output by
    /// default; tests pass the two ends of a pseudo-terminal or a pipe). The descriptors are not closed by the editor.
    public init(inputFD: Int32 = 0, outputFD: Int32 = 1, history: History = History()) {
        self.inputFD = inputFD
        self.outputFD = outputFD
        self.history = history
        terminal = Terminal(inputFD: inputFD, outputFD: outputFD)
        plainReader = PlainLineReader(fd: inputFD)
    }

    /// Whether `read` edits interactively: both descriptors are terminals.
    public var isInteractive: Bool { terminal.isInteractive }

    /// Shows `prompt`, lets the user edit a (possibly multi-line) input, and returns it.
    ///
    /// - Parameters:
    ///   - prompt: Shown before the first line, such as `"docket> "`. It may hold colour escape sequences.
    ///   - continuationPrompt: Shown before each further line of a multi-line input.
    ///   - isComplete: Whether the text typed so far is a complete input; when it is not, Enter inserts a newline.
    /// - Returns: `.line` with the input, `.interrupted` on Ctrl-C, `.endOfFile` on Ctrl-D with an empty input or
    ///   at the end of the input.
    public func read(
        prompt: String, continuationPrompt: String = "... ", isComplete: (String) -> Bool = { _ in true }
    ) -> Result {
        guard terminal.isInteractive, let original = terminal.enableRawMode() else {
            return readPlain(prompt: prompt, continuationPrompt: continuationPrompt, isComplete: isComplete)
        }
        defer { terminal.restore(original) }
        var session = EditSession(
            prompt: prompt, continuationPrompt: continuationPrompt, history: history.entries, completer: completer)
        var renderer = LineRenderer()
        terminal.writeOutput(renderer.refresh(session.view, columns: terminal.columns))

        func finish(with suffix: String) {
            terminal.writeOutput(renderer.refresh(session.finalView, columns: terminal.columns) + suffix)
        }

        var needsRedraw = false
        while true {
            // Redraw once the keys already read are handled, so a paste is drawn once, not once per key.
            if needsRedraw && pendingKeys.isEmpty {
                terminal.writeOutput(renderer.refresh(session.view, columns: terminal.columns))
                needsRedraw = false
            }
            guard let key = nextKey() else {
                finish(with: "\r\n")
                return .endOfFile
            }
            switch session.handle(key, isComplete: isComplete) {
            case .unchanged:
                break
            case .redraw:
                needsRedraw = true
            case .bell:
                terminal.writeOutput("\u{7}")
            case .submit(let text):
                finish(with: "\r\n")
                history.add(text)
                return .line(text)
            case .interrupt:
                finish(with: "^C\r\n")
                return .interrupted
            case .endOfFile:
                finish(with: "\r\n")
                return .endOfFile
            case .clearScreen:
                terminal.writeOutput("\u{1b}[H\u{1b}[2J")
                renderer.reset()
                needsRedraw = true
            case .listCandidates(let candidates):
                let rows = Completion.columns(candidates, width: terminal.columns)
                finish(with: "\r\n" + rows.map { $0 + "\r\n" }.joined())
                renderer.reset()
                needsRedraw = true
            case .suspend:
                finish(with: "\r\n")
                terminal.restore(original)
                kill(getpid(), SIGTSTP)
                // Execution resumes here after `fg`.
                _ = terminal.enableRawMode()
                renderer.reset()
                needsRedraw = true
            }
        }
    }

    /// The next key, reading (and waiting) as needed; nil at the end of the input.
    private func nextKey() -> KeyEvent? {
        while pendingKeys.isEmpty {
            let timeout = decoder.hasPendingBytes ? escapeTimeoutMilliseconds : nil
            switch terminal.readInput(timeoutMilliseconds: timeout) {
            case .bytes(let bytes):
                pendingKeys = decoder.decode(bytes)
            case .timeout:
                pendingKeys = decoder.flush()
            case .endOfFile:
                _ = decoder.flush()
                return nil
            }
        }
        return pendingKeys.removeFirst()
    }

    private func readPlain(prompt: String, continuationPrompt: String, isComplete: (String) -> Bool) -> Result {
        let inputIsTerminal = isatty(inputFD) == 1
        if inputIsTerminal { terminal.writeOutput(prompt) }
        var text: String?
        while let line = plainReader.readLine() {
            let joined = text.map { $0 + "\n" + line } ?? line
            text = joined
            if isComplete(joined) { break }
            if inputIsTerminal { terminal.writeOutput(continuationPrompt) }
        }
        guard let text else { return .endOfFile }
        if inputIsTerminal { history.add(text) }
        return .line(text)
    }
}

@available(*, unavailable)
extension LineEditor: Sendable {}
