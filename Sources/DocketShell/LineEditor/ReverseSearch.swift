/// The state of a reverse incremental search (Ctrl-R), as in bash.
///
/// The search looks through the history entries from the newest to the oldest for the query as a case-sensitive
/// substring (compared by grapheme clusters). Typing refines the query and searches again from the current match
/// (inclusive), so the match only moves to older entries; Backspace shortens the query and restarts from the
/// newest entry; Ctrl-R again finds the next older entry that matches and differs from the current match.
struct ReverseSearch {
    private let entries: [[Character]]
    private(set) var query: [Character] = []
    /// The index in the entries of the match shown, or nil before anything matched.
    private(set) var matchIndex: Int?
    /// The grapheme offset of the query inside the matched entry (where the cursor goes).
    private(set) var matchOffset = 0
    /// Whether the last search found nothing (the previous match stays shown).
    private(set) var isFailing = false

    init(entries: [String]) {
        self.entries = entries.map(Array.init)
    }

    var queryText: String { String(query) }

    /// The matched entry, or nil before anything matched.
    var match: String? { matchIndex.map { String(entries[$0]) } }

    /// The prompt shown in place of the normal one.
    var prompt: String {
        "(\(isFailing ? "failed " : "")reverse-i-search)'\(queryText)': "
    }

    /// Appends typed text to the query and searches from the current match.
    mutating func append(_ text: String) {
        query.append(contentsOf: text)
        search(from: matchIndex ?? entries.count - 1, skippingText: nil)
    }

    /// Removes the last character of the query and searches again from the newest entry.
    mutating func deleteLast() {
        guard !query.isEmpty else { return }
        query.removeLast()
        if query.isEmpty {
            isFailing = false
            return
        }
        search(from: entries.count - 1, skippingText: nil)
    }

    /// Finds the next older entry that matches (Ctrl-R pressed again).
    mutating func searchOlder() {
        guard !query.isEmpty else { return }
        guard let current = matchIndex else {
            search(from: entries.count - 1, skippingText: nil)
            return
        }
        search(from: current - 1, skippingText: entries[current])
    }

    private mutating func search(from start: Int, skippingText skipped: [Character]?) {
        var index = min(start, entries.count - 1)
        while index >= 0 {
            if entries[index] != skipped, let offset = Self.firstOffset(of: query, in: entries[index]) {
                matchIndex = index
                matchOffset = offset
                isFailing = false
                return
            }
            index -= 1
        }
        isFailing = true
    }

    /// The offset of the first occurrence of `needle` in `haystack`, by grapheme clusters.
    static func firstOffset(of needle: [Character], in haystack: [Character]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        guard !needle.isEmpty else { return 0 }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
