#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The REPL's input on a terminal: the line editor (cursor movement, word jumps, history across sessions in
/// `~/.docket_shell_history`, Ctrl-R reverse search, multi-line input, Tab completion from ``Shell/completions(line:cursor:)``).
///
/// ```swift
/// var input = LineEditorInput(shell: shell)
/// let code = shell.runREPL(&input)
/// ```
public struct LineEditorInput: ShellInput {
    private let editor: LineEditor
    private let historyPath: String?

    /// An editor on standard input and output, completing from `shell`; the history is loaded from and saved to
    /// `historyPath` (`~/.docket_shell_history` by default).
    public init(shell: Shell, historyPath: String? = LineEditorInput.defaultHistoryPath) {
        self.historyPath = historyPath
        editor = LineEditor(history: historyPath.map { History.load(from: $0) } ?? History())
        editor.completer = { [unowned shell] line, cursor in shell.completions(line: line, cursor: cursor) }
    }

    /// `~/.docket_shell_history`, or nil without a home directory.
    public static var defaultHistoryPath: String? {
        guard let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty else { return nil }
        return home + "/.docket_shell_history"
    }

    /// Whether standard input and output are a terminal (else read plain lines with ``PlainShellInput``).
    public var isInteractive: Bool { editor.isInteractive }

    public mutating func read(prompt: String, continuationPrompt: String, isComplete: (String) -> Bool)
        -> ShellInputResult
    {
        let result = editor.read(prompt: prompt, continuationPrompt: continuationPrompt, isComplete: isComplete)
        switch result {
        case .line(let text):
            // Saved after each input, so a crash or a kill keeps what was typed.
            if let historyPath { try? editor.history.save(to: historyPath) }
            return .line(text)
        case .interrupted: return .interrupted
        case .endOfFile: return .endOfFile
        }
    }
}
