import Docket

/// Turns source text into tokens, on demand: the parser asks for the next token, and re-scans a `/` as a regular
/// expression or a `}` as the rest of a template literal when the grammar says so.
struct Lexer {
    let source: [Unicode.Scalar]
    private(set) var offset = 0
    private var line = 1
    private var lineStart = 0

    init(_ text: String) { source = Array(text.unicodeScalars) }

    /// The lexer's place, to return to (the parser looks ahead this way).
    struct State {
        fileprivate var offset: Int
        fileprivate var line: Int
        fileprivate var lineStart: Int
    }

    var state: State { State(offset: offset, line: line, lineStart: lineStart) }

    mutating func restore(_ state: State) {
        offset = state.offset
        line = state.line
        lineStart = state.lineStart
    }

    func position(at offset: Int) -> SourcePosition {
        SourcePosition(line: line, column: offset - lineStart + 1)
    }

    /// The source between two offsets.
    func text(from start: Int, to end: Int) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: source[max(0, start)..<min(end, source.count)])
        return text
    }

    private var current: Unicode.Scalar? { offset < source.count ? source[offset] : nil }

    private func peek(_ ahead: Int = 1) -> Unicode.Scalar? {
        offset + ahead < source.count ? source[offset + ahead] : nil
    }

    // MARK: Whitespace and comments

    /// Skips whitespace and comments; returns whether a line break was crossed.
    private mutating func skipTrivia() throws(ShellError) -> Bool {
        var newline = false
        while let c = current {
            switch c {
            case "\n", "\u{2028}", "\u{2029}":
                newline = true
                offset += 1
                line += 1
                lineStart = offset
            case "\r":
                newline = true
                offset += 1
                if current == "\n" { offset += 1 }
                line += 1
                lineStart = offset
            case " ", "\t", "\u{0B}", "\u{0C}", "\u{A0}", "\u{FEFF}":
                offset += 1
            case "/" where peek() == "/":
                while let c = current, c != "\n", c != "\r" { offset += 1 }
            case "/" where peek() == "*":
                let start = position(at: offset)
                offset += 2
                while true {
                    guard let c = current else {
                        throw ShellError.syntax("Unterminated comment", at: start)
                    }
                    if c == "*" && peek() == "/" {
                        offset += 2
                        break
                    }
                    if c == "\n" || (c == "\r" && peek() != "\n") {
                        newline = true
                        line += 1
                        lineStart = offset + 1
                    }
                    offset += 1
                }
            case "#" where offset == 0 && peek() == "!":
                // A shebang line (`#!/usr/bin/env docket`) at the very start of a script.
                while let c = current, c != "\n", c != "\r" { offset += 1 }
            default:
                if c.properties.isWhitespace {
                    offset += 1
                } else {
                    return newline
                }
            }
        }
        return newline
    }

    // MARK: Tokens

    /// The next token.
    mutating func next() throws(ShellError) -> Token {
        let newline = try skipTrivia()
        let start = offset
        let position = self.position(at: start)
        func token(_ kind: TokenKind) -> Token {
            Token(kind: kind, start: start, end: offset, position: position, isAfterNewline: newline)
        }
        guard let c = current else { return token(.endOfInput) }
        if isIdentifierStart(c) || c == "\\" {
            let name = try scanIdentifier()
            if let keyword = Keyword(rawValue: name) { return token(.keyword(keyword)) }
            return token(.identifier(name))
        }
        if isDigit(c) || (c == "." && peek().map(isDigit) == true) {
            return token(.number(try scanNumber()))
        }
        if c == "\"" || c == "'" {
            return token(.string(try scanString(quote: c)))
        }
        if c == "`" {
            offset += 1
            let (text, isTail) = try scanTemplatePart(start: position)
            return token(.template(text, isTail: isTail))
        }
        if let punctuator = scanPunctuator() { return token(.punctuator(punctuator)) }
        throw ShellError.syntax("Unexpected character '\(c.escaped(asASCII: true))'", at: position)
    }

    /// Re-scans from a `/` or `/=` token as a regular expression literal.
    mutating func scanRegex(from token: Token) throws(ShellError) -> Token {
        offset = token.start + 1
        var pattern = ""
        var inClass = false
        while true {
            guard let c = current, c != "\n", c != "\r" else {
                throw ShellError.syntax("Invalid regular expression: missing /", at: token.position)
            }
            offset += 1
            if c == "\\" {
                guard let escaped = current, escaped != "\n" else {
                    throw ShellError.syntax("Invalid regular expression: missing /", at: token.position)
                }
                pattern.unicodeScalars.append(c)
                pattern.unicodeScalars.append(escaped)
                offset += 1
                continue
            }
            if c == "[" { inClass = true } else if c == "]" { inClass = false }
            if c == "/" && !inClass { break }
            pattern.unicodeScalars.append(c)
        }
        var flags = ""
        while let c = current, isIdentifierPart(c) {
            guard "dgimsuyv".unicodeScalars.contains(c), !flags.unicodeScalars.contains(c) else {
                throw ShellError.syntax(
                    "Invalid regular expression flags", at: self.position(at: token.start))
            }
            flags.unicodeScalars.append(c)
            offset += 1
        }
        return Token(
            kind: .regex(pattern: pattern, flags: flags), start: token.start, end: offset, position: token.position,
            isAfterNewline: token.isAfterNewline)
    }

    /// Scans the rest of a template literal after the `}` that closes a substitution.
    mutating func scanTemplateContinuation(from token: Token) throws(ShellError) -> Token {
        offset = token.start + 1
        let (text, isTail) = try scanTemplatePart(start: token.position)
        return Token(
            kind: .template(text, isTail: isTail), start: token.start, end: offset, position: token.position,
            isAfterNewline: token.isAfterNewline)
    }

    private mutating func scanTemplatePart(start: SourcePosition) throws(ShellError) -> (String, Bool) {
        var text = ""
        while true {
            guard let c = current else { throw ShellError.syntax("Unterminated template literal", at: start) }
            offset += 1
            switch c {
            case "`": return (text, true)
            case "$" where current == "{":
                offset += 1
                return (text, false)
            case "\\":
                try scanEscape(into: &text, at: start)
            case "\n":
                text.unicodeScalars.append(c)
                line += 1
                lineStart = offset
            case "\r":
                if current == "\n" { offset += 1 }
                text.unicodeScalars.append("\n")
                line += 1
                lineStart = offset
            default:
                text.unicodeScalars.append(c)
            }
        }
    }

    private mutating func scanIdentifier() throws(ShellError) -> String {
        var name = ""
        while let c = current {
            if c == "\\" {
                let at = position(at: offset)
                guard peek() == "u" else { throw ShellError.syntax("Invalid or unexpected token", at: at) }
                offset += 2
                guard let scalar = try scanUnicodeEscape(at: at), isIdentifierPart(scalar) else {
                    throw ShellError.syntax("Invalid Unicode escape sequence", at: at)
                }
                name.unicodeScalars.append(scalar)
                continue
            }
            guard isIdentifierPart(c) else { break }
            name.unicodeScalars.append(c)
            offset += 1
        }
        return name
    }

    private mutating func scanNumber() throws(ShellError) -> Double {
        let start = offset
        let at = position(at: start)
        if current == "0", let p = peek(), let radix = ["x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2][p] {
            offset += 2
            var value = 0.0
            var digits = 0
            while let c = current {
                if c == "_" {
                    offset += 1
                    continue
                }
                guard let d = hexValue(c), d < radix else { break }
                value = value * Double(radix) + Double(d)
                digits += 1
                offset += 1
            }
            guard digits > 0 else { throw ShellError.syntax("Invalid or unexpected token", at: at) }
            try checkNumberEnd(at: at)
            return value
        }
        var text = ""
        func digits() {
            while let c = current, isDigit(c) || c == "_" {
                if c != "_" { text.unicodeScalars.append(c) }
                offset += 1
            }
        }
        digits()
        if current == "n" { throw ShellError.syntax("BigInt literals are not supported", at: at) }
        if current == "." {
            text += "."
            offset += 1
            digits()
        }
        if current == "e" || current == "E" {
            text += "e"
            offset += 1
            if current == "+" || current == "-" {
                text.unicodeScalars.append(current!)
                offset += 1
            }
            let before = text.count
            digits()
            guard text.count > before else { throw ShellError.syntax("Invalid or unexpected token", at: at) }
        }
        try checkNumberEnd(at: at)
        // A legacy octal literal (`010`) is refused, as in strict mode.
        if text.count > 1 && text.hasPrefix("0") && !text.hasPrefix("0.") && !text.hasPrefix("0e") {
            throw ShellError.syntax("Octal literals are not allowed; use 0o10", at: at)
        }
        guard let value = Double(text.hasPrefix(".") ? "0" + text : text) else {
            throw ShellError.syntax("Invalid number", at: at)
        }
        return value
    }

    private func checkNumberEnd(at: SourcePosition) throws(ShellError) {
        if let c = current, isIdentifierStart(c) || isDigit(c) {
            throw ShellError.syntax("Invalid or unexpected token", at: at)
        }
    }

    private mutating func scanString(quote: Unicode.Scalar) throws(ShellError) -> String {
        let at = position(at: offset)
        offset += 1
        var text = ""
        while true {
            guard let c = current, c != "\n", c != "\r" else {
                throw ShellError.syntax("Unterminated string constant", at: at)
            }
            offset += 1
            if c == quote { return text }
            if c == "\\" {
                try scanEscape(into: &text, at: at)
            } else {
                text.unicodeScalars.append(c)
            }
        }
    }

    /// Scans the escape after a backslash into `text`.
    private mutating func scanEscape(into text: inout String, at: SourcePosition) throws(ShellError) {
        guard let c = current else { throw ShellError.syntax("Unterminated string constant", at: at) }
        offset += 1
        switch c {
        case "n": text += "\n"
        case "t": text += "\t"
        case "r": text += "\r"
        case "b": text += "\u{08}"
        case "f": text += "\u{0C}"
        case "v": text += "\u{0B}"
        case "0" where current.map(isDigit) != true: text += "\0"
        case "x":
            guard let h = current.flatMap(hexValue), let l = peek().flatMap(hexValue) else {
                throw ShellError.syntax("Invalid hexadecimal escape sequence", at: at)
            }
            offset += 2
            text.unicodeScalars.append(Unicode.Scalar(UInt8(h * 16 + l)))
        case "u":
            if let scalar = try scanUnicodeEscape(at: at) { text.unicodeScalars.append(scalar) }
        case "\r":
            if current == "\n" { offset += 1 }
            line += 1
            lineStart = offset
        case "\n", "\u{2028}", "\u{2029}":
            line += 1
            lineStart = offset
        default:
            if isDigit(c) { throw ShellError.syntax("Octal escape sequences are not allowed", at: at) }
            text.unicodeScalars.append(c)
        }
    }

    /// Scans `XXXX` or `{X…}` after `\u`. A lone surrogate half (which Swift strings cannot hold) becomes U+FFFD;
    /// a surrogate pair written as two escapes becomes its scalar.
    private mutating func scanUnicodeEscape(at: SourcePosition) throws(ShellError) -> Unicode.Scalar? {
        func hexDigits(_ count: Int) -> UInt32? {
            var v: UInt32 = 0
            for k in 0..<count {
                guard let d = peek(k).flatMap(hexValue) else { return nil }
                v = v * 16 + UInt32(d)
            }
            return v
        }
        var value: UInt32
        if current == "{" {
            offset += 1
            value = 0
            var count = 0
            while let c = current, let d = hexValue(c) {
                value = value &* 16 &+ UInt32(d)
                count += 1
                offset += 1
                guard value <= 0x10FFFF else { throw ShellError.syntax("Undefined Unicode code-point", at: at) }
            }
            guard count > 0, current == "}" else { throw ShellError.syntax("Invalid Unicode escape sequence", at: at) }
            offset += 1
        } else {
            guard let v = hexDigits(4) else { throw ShellError.syntax("Invalid Unicode escape sequence", at: at) }
            value = v
            offset += 4
        }
        if (0xD800...0xDBFF).contains(value), current == "\\", peek() == "u" {
            let saved = offset
            offset += 2
            if let low = hexDigits(4), (0xDC00...0xDFFF).contains(low) {
                offset += 4
                return Unicode.Scalar(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00))
            }
            offset = saved
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    private mutating func scanPunctuator() -> Punctuator? {
        // Longest match first.
        for length in stride(from: 4, through: 1, by: -1) where offset + length <= source.count {
            var text = ""
            for k in 0..<length { text.unicodeScalars.append(source[offset + k]) }
            if let p = Punctuator(rawValue: text) {
                // `?.` followed by a digit is `?` then a number (`a ?.5 : b`).
                if p == .questionDot, let after = peek(2), isDigit(after) { continue }
                offset += length
                return p
            }
        }
        return nil
    }
}

private func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }

private func hexValue(_ c: Unicode.Scalar) -> Int? {
    switch c.value {
    case 0x30...0x39: Int(c.value - 0x30)
    case 0x61...0x66: Int(c.value - 0x61 + 10)
    case 0x41...0x46: Int(c.value - 0x41 + 10)
    default: nil
    }
}

func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII {
        return (c.value >= 0x61 && c.value <= 0x7A) || (c.value >= 0x41 && c.value <= 0x5A) || c == "$" || c == "_"
    }
    return c.properties.isIDStart
}

func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return isIdentifierStart(c) || isDigit(c) }
    return c.properties.isIDContinue || c == "\u{200C}" || c == "\u{200D}"
}
