import DocketBSON
import Foundation

// Regular expressions for `$regex`, compiled once per filter with Foundation's `NSRegularExpression` (ICU).
//
// Swift's `Regex` was considered: it parses PCRE-like syntax at run time too, but on Linux it is markedly
// slower than ICU for the simple patterns queries use, and it has no `x`-mode/`m`-mode parity advantages.
// ICU covers the syntax MongoDB users write; MongoDB itself uses PCRE2 (UTF mode, no UCP). Known divergences:
// - `.` (without `s`) excludes every ICU line terminator (`\n`, `\r`, U+0085, U+2028, U+2029), not only `\n`;
//   likewise `^`/`$` with `m` also break lines at those characters, and `$` without `m` also matches before a
//   final `\r\n`.
// - `\d`, `\w`, `\s`, `\b` are Unicode-aware in ICU; PCRE without UCP matches ASCII only.
// - `i` uses ICU's full Unicode case folding; PCRE uses simple case folding.
// - PCRE-only syntax is rejected as an invalid pattern (code 51091): recursion and subroutine calls
//   (`(?R)`, `(?1)`, `(?&name)`), `\K`, backtracking verbs (`(*SKIP)`, `(*UTF)`…), callouts, Python-style
//   `(?P<name>…)`, conditionals on group names.
// - Error texts after "Regular expression is invalid: " are ICU's, not PCRE's.

/// A compiled regular expression with MongoDB's option letters.
///
/// `NSRegularExpression` is immutable and documented thread-safe for matching, which makes sharing one
/// instance between threads safe; hence `@unchecked Sendable`.
final class RegexEngine: @unchecked Sendable {
    let pattern: String
    let options: String
    private let regex: NSRegularExpression

    /// Compiles `pattern` with MongoDB's options: `i` (case-insensitive), `m` (`^`/`$` at line breaks),
    /// `s` (`.` matches newlines), `x` (extended: whitespace and `#` comments ignored); `u` is accepted and
    /// ignored (patterns are always UTF-8).
    /// - Throws: `BadValue` for a NUL byte, `Location51108` for an unknown option letter, `Location51091` for a
    ///   pattern that does not compile.
    init(pattern: String, options: String) throws(DocketError) {
        if pattern.utf8.contains(0) {
            throw DocketError(.badValue, "Regular expression cannot contain an embedded null byte")
        }
        if options.utf8.contains(0) {
            throw DocketError(.badValue, "Regular expression options string cannot contain an embedded null byte")
        }
        var flags: NSRegularExpression.Options = []
        for letter in options {
            switch letter {
            case "i": flags.insert(.caseInsensitive)
            case "m": flags.insert(.anchorsMatchLines)
            case "s": flags.insert(.dotMatchesLineSeparators)
            case "x": flags.insert(.allowCommentsAndWhitespace)
            case "u": break
            default: throw DocketError(.invalidRegexFlag, "invalid flag in regex options: \(letter)")
            }
        }
        do {
            regex = try NSRegularExpression(pattern: pattern, options: flags)
        } catch {
            throw DocketError(.invalidRegex, "Regular expression is invalid: \(error.localizedDescription)")
        }
        self.pattern = pattern
        self.options = options
    }

    /// Whether the pattern matches somewhere in the UTF-8 text.
    func matches(utf8 bytes: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        return matches(text)
    }

    /// Whether the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return regex.firstMatch(in: text, options: [], range: range) != nil
    }

    /// One match: where it is and its capture groups (for the `$regexFind` expressions).
    struct Match {
        /// The matched range, in UTF-16 offsets.
        var range: NSRange
        /// Each capture group's range; `location == NSNotFound` for a group that did not participate.
        var groups: [NSRange]
    }

    /// The first match in `text` at or after UTF-16 offset `start`, or `nil`.
    func firstMatch(in text: String, from start: Int) -> Match? {
        let length = text.utf16.count
        guard start <= length else { return nil }
        guard
            let result = regex.firstMatch(
                in: text, options: [], range: NSRange(location: start, length: length - start))
        else { return nil }
        return Match(range: result.range, groups: (1..<max(result.numberOfRanges, 1)).map { result.range(at: $0) })
    }
}
