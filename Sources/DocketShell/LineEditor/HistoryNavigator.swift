/// Walks the history with Up/Down (Ctrl-P/Ctrl-N) during one `read` call.
///
/// It works on a scratch copy of the entries plus the line being typed (the last slot), as linenoise does: moving
/// away from a line stores its edited text in the copy, so coming back down returns the unsubmitted line exactly as
/// it was left, and edits to recalled entries survive until the input is submitted. The history itself is never
/// modified here.
struct HistoryNavigator {
    private var lines: [String]
    /// The slot shown now; `lines.count - 1` is the line being typed.
    private(set) var index: Int

    init(entries: [String], current: String = "") {
        lines = entries + [current]
        index = lines.count - 1
    }

    /// Whether the line being typed (not a recalled entry) is shown.
    var isAtNewest: Bool { index == lines.count - 1 }

    /// Stores `current` (the edited text of the shown slot) and returns the previous (older) entry, or nil at the
    /// oldest.
    mutating func previous(current: String) -> String? {
        guard index > 0 else { return nil }
        lines[index] = current
        index -= 1
        return lines[index]
    }

    /// Stores `current` and returns the next (newer) entry or the line being typed, or nil when it is already shown.
    mutating func next(current: String) -> String? {
        guard index < lines.count - 1 else { return nil }
        lines[index] = current
        index += 1
        return lines[index]
    }

    /// Makes the shown text the line being typed again (after a search is accepted, for example).
    mutating func reset(current: String) {
        index = lines.count - 1
        lines[index] = current
    }
}
