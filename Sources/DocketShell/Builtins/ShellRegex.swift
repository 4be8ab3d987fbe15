import Foundation

/// A JavaScript regular expression run by ICU (Foundation's `NSRegularExpression`), with offsets in UTF-16 code
/// units as JavaScript counts them.
///
/// - Note: Differs from JavaScript: ICU's syntax is a superset for everyday patterns; lookbehind, named groups and
///   Unicode classes follow ICU. `[^]` is translated to `[\s\S]`.
struct ShellRegex {
    private let expression: NSRegularExpression

    /// One match: the ranges of the whole match and of each group (`nil` for a group that did not take part).
    struct Match {
        var ranges: [Range<Int>?]
        var range: Range<Int> { ranges[0]! }
    }

    init(pattern: String, flags: String) throws(ShellError) {
        var options: NSRegularExpression.Options = []
        if flags.contains("i") { options.insert(.caseInsensitive) }
        if flags.contains("m") { options.insert(.anchorsMatchLines) }
        if flags.contains("s") { options.insert(.dotMatchesLineSeparators) }
        let translated = pattern.replacingOccurrences(of: "[^]", with: "[\\s\\S]")
        do {
            expression = try NSRegularExpression(pattern: translated, options: options)
        } catch {
            throw ShellError(
                name: "SyntaxError", message: "Invalid regular expression: /\(pattern)/: the pattern does not compile")
        }
    }

    /// The first match at or after `offset`; with `sticky`, only a match starting exactly there.
    func firstMatch(in string: String, from offset: Int, sticky: Bool = false) -> Match? {
        let text = string as NSString
        guard offset <= text.length else { return nil }
        let options: NSRegularExpression.MatchingOptions = sticky ? [.anchored] : []
        guard
            let result = expression.firstMatch(
                in: string, options: options, range: NSRange(location: offset, length: text.length - offset))
        else { return nil }
        var ranges: [Range<Int>?] = []
        for i in 0..<result.numberOfRanges {
            let r = result.range(at: i)
            ranges.append(r.location == NSNotFound ? nil : r.location..<(r.location + r.length))
        }
        return Match(ranges: ranges)
    }

    /// Every match, as `String.prototype.match` with the `g` flag finds them (an empty match advances by one).
    func allMatches(in string: String) -> [Match] {
        var matches: [Match] = []
        var offset = 0
        let length = string.utf16.count
        while offset <= length, let match = firstMatch(in: string, from: offset) {
            matches.append(match)
            offset = match.range.isEmpty ? match.range.upperBound + 1 : match.range.upperBound
        }
        return matches
    }
}
