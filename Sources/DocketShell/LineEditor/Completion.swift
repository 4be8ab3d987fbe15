/// The answer of a completer to a Tab press: which part of the input to replace and the candidates for it.
///
/// The completer receives the whole input and the cursor (both as the editor holds them: the cursor is an offset in
/// grapheme clusters) and returns the offset where the word being completed starts; the characters from
/// `replaceFrom` to the cursor are replaced.
///
/// ```swift
/// editor.completer = { buffer, cursor in
///     let typed = Array(buffer)[..<cursor]
///     let start = (typed.lastIndex(of: ".") ?? -1) + 1  // complete the word after the last "."
///     let word = String(typed[start...])
///     let methods = ["find", "findOne", "insertOne"]
///     return Completion(replaceFrom: start, candidates: methods.filter { $0.hasPrefix(word) })
/// }
/// ```
///
/// With one candidate the editor inserts it. With several it inserts their longest common prefix (when that is
/// longer than the word typed) and, on a second Tab in a row, lists them below the prompt in columns.
public struct Completion: Sendable, Equatable {
    /// The grapheme offset where the replaced word starts (clamped to `0...cursor`).
    public var replaceFrom: Int
    /// The candidates that would replace the word; empty when nothing completes (the editor rings the bell).
    public var candidates: [String]

    /// Creates a completion replacing the text from `replaceFrom` to the cursor with one of `candidates`.
    public init(replaceFrom: Int, candidates: [String]) {
        self.replaceFrom = replaceFrom
        self.candidates = candidates
    }

    /// The longest prefix, in grapheme clusters, that all `strings` share ("" for no strings).
    static func longestCommonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            var length = 0
            for (left, right) in zip(prefix, string) {
                guard left == right else { break }
                length += 1
            }
            prefix.removeSubrange(length...)
            if prefix.isEmpty { break }
        }
        return String(prefix)
    }

    /// Lays `candidates` out in columns that fit `width`, filled top to bottom then left to right as `ls` and bash
    /// do; returns one string per screen row, without trailing spaces.
    ///
    /// Each column is as wide as the longest candidate plus two spaces; a candidate wider than the terminal gets a
    /// row of its own.
    static func columns(_ candidates: [String], width: Int) -> [String] {
        guard !candidates.isEmpty else { return [] }
        let longest = candidates.map { LineRenderer.width(of: $0) }.max() ?? 0
        let columnWidth = longest + 2
        let columnCount = max(1, min(candidates.count, (max(width, 1) + 2) / columnWidth))
        let rowCount = (candidates.count + columnCount - 1) / columnCount
        var rows: [String] = []
        for row in 0..<rowCount {
            var line = ""
            var column = 0
            while row + column * rowCount < candidates.count {
                let candidate = candidates[row + column * rowCount]
                let isLast = row + (column + 1) * rowCount >= candidates.count
                line += candidate
                if !isLast {
                    line += String(repeating: " ", count: columnWidth - LineRenderer.width(of: candidate))
                }
                column += 1
            }
            rows.append(line)
        }
        return rows
    }
}
