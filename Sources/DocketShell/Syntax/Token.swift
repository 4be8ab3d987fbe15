/// A place in a source text: 1-based line and column (columns count Unicode scalars).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    /// The line, from 1.
    public var line: Int32
    /// The column, from 1.
    public var column: Int32

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = Int32(truncatingIfNeeded: line)
        self.column = Int32(truncatingIfNeeded: column)
    }

    public var description: String { "\(line):\(column)" }

    static let unknown = SourcePosition(line: 0, column: 0)
}

/// The kinds of tokens of the shell's JavaScript subset.
enum TokenKind: Equatable {
    case identifier(String)
    /// A reserved word (`if`, `const`, `function`, …).
    case keyword(Keyword)
    case number(Double)
    case string(String)
    /// A template literal without substitutions, or the part before the first `${`.
    case template(String, isTail: Bool)
    case regex(pattern: String, flags: String)
    case punctuator(Punctuator)
    case endOfInput
}

/// Reserved words. Words outside the subset (`class`, `async`, …) are keywords too, so the parser can name them in
/// its error.
enum Keyword: String, CaseIterable {
    case `break`, `case`, `catch`, `const`, `continue`, `default`, `delete`, `do`, `else`, `false`, `finally`, `for`,
        `function`, `if`, `in`, `instanceof`, `let`, `new`, `null`, `of`, `return`, `switch`, `this`, `throw`, `true`,
        `try`, `typeof`, `undefined`, `var`, `void`, `while`
    // Outside the subset: recognised so their error is clear.
    case `class`, `async`, `await`, `yield`, `import`, `export`, `with`, `debugger`, `super`, `extends`, `enum`

    /// Words that may also be used as identifiers (`of`, `undefined` and the unsupported contextual words).
    var isContextual: Bool {
        switch self {
        case .of, .undefined, .async, .await, .yield: true
        default: false
        }
    }
}

/// Operators and punctuation.
enum Punctuator: String, CaseIterable {
    case leftBrace = "{", rightBrace = "}", leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case dot = ".", ellipsis = "...", semicolon = ";", comma = ",", question = "?", questionDot = "?.", colon = ":"
    case arrow = "=>"
    case lessThan = "<", greaterThan = ">", lessEqual = "<=", greaterEqual = ">="
    case equal = "==", notEqual = "!=", strictEqual = "===", strictNotEqual = "!=="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", starStar = "**"
    case plusPlus = "++", minusMinus = "--"
    case shiftLeft = "<<", shiftRight = ">>", unsignedShiftRight = ">>>"
    case ampersand = "&", pipe = "|", caret = "^", bang = "!", tilde = "~"
    case ampersandAmpersand = "&&", pipePipe = "||", questionQuestion = "??"
    case assign = "=", plusAssign = "+=", minusAssign = "-=", starAssign = "*=", slashAssign = "/=",
        percentAssign = "%=", starStarAssign = "**=", shiftLeftAssign = "<<=", shiftRightAssign = ">>=",
        unsignedShiftRightAssign = ">>>=", ampersandAssign = "&=", pipeAssign = "|=", caretAssign = "^=",
        ampersandAmpersandAssign = "&&=", pipePipeAssign = "||=", questionQuestionAssign = "??="
    case hash = "#", at = "@"
}

/// A token with its place.
struct Token {
    var kind: TokenKind
    /// The offset of the token's first scalar in the source.
    var start: Int
    /// The offset after the token.
    var end: Int
    var position: SourcePosition
    /// Whether a line break separates the token from the one before (automatic semicolon insertion needs it).
    var isAfterNewline: Bool

    func isPunctuator(_ p: Punctuator) -> Bool {
        if case .punctuator(p) = kind { return true }
        return false
    }

    func isKeyword(_ k: Keyword) -> Bool {
        if case .keyword(k) = kind { return true }
        return false
    }

    /// The token as the parser names it in errors.
    var display: String {
        switch kind {
        case .identifier(let name): "identifier '\(name)'"
        case .keyword(let k): "'\(k.rawValue)'"
        case .number: "number"
        case .string: "string"
        case .template: "template literal"
        case .regex: "regular expression"
        case .punctuator(let p): "'\(p.rawValue)'"
        case .endOfInput: "end of input"
        }
    }
}
