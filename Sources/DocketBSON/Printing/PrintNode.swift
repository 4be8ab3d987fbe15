/// A tree of printable values for the shell style of ``BSONPrinter``: scalars already turned into text, objects and
/// arrays still to be laid out.
///
/// `PrintNode(_:)` builds the tree of a BSON value; the shell builds trees of its JavaScript values the same way, so
/// one layout serves documents, write results, arrays of documents and plain script values.
///
/// ```swift
/// let node = PrintNode.object(entries: [PrintEntry("acknowledged", .text(.boolean(true)))])
/// BSONPrinter(.shell()).render(node)   // { acknowledged: true }
/// ```
public indirect enum PrintNode: Sendable {
    /// A scalar.
    case text(PrintText)
    /// An object: `{ key: value, … }`. A non-empty `prefix` names a class (`BulkWriteResult { … }`); a `reference`
    /// number marks the target of a circular reference (`<ref *1> { … }`).
    case object(prefix: String = "", entries: [PrintEntry], reference: Int? = nil)
    /// An array: `[ value, … ]`.
    case array(prefix: String = "", elements: [PrintNode], reference: Int? = nil)

    /// The tree on one line with no layout (the server style's rendering of a tree).
    var singleLineText: String {
        switch self {
        case .text(let text): return text.plain
        case .object(let prefix, let entries, _):
            let open = prefix.isEmpty ? "{" : prefix + " {"
            if entries.isEmpty { return open + "}" }
            return open + " " + entries.map { "\($0.key): \($0.value.singleLineText)" }.joined(separator: ", ") + " }"
        case .array(let prefix, let elements, _):
            if elements.isEmpty { return prefix + "[]" }
            return prefix + "[ " + elements.map(\.singleLineText).joined(separator: ", ") + " ]"
        }
    }

    /// Whether the node is a number (arrays of numbers align their columns to the right).
    var isNumber: Bool {
        if case .text(let text) = self { return text.isNumber }
        return false
    }
}

/// One property of a ``PrintNode/object(prefix:entries:reference:)``.
public struct PrintEntry: Sendable {
    /// The property name, quoted by the layout when it is not an identifier.
    public var key: String
    /// The value.
    public var value: PrintNode

    /// Creates an entry.
    public init(_ key: String, _ value: PrintNode) {
        self.key = key
        self.value = value
    }
}

/// The text of a scalar, plain and with ANSI colours, as Node.js `util.inspect` styles it.
public struct PrintText: Sendable, Hashable {
    /// The text without colours.
    public var plain: String
    /// The text with ANSI colour codes.
    public var colored: String
    /// Whether the text is a JavaScript number.
    public var isNumber: Bool

    /// Text in one style.
    public init(_ text: String, _ style: PrintStyle? = nil, isNumber: Bool = false) {
        plain = text
        colored = style.map { "\u{1B}[\($0.codes.on)m\(text)\u{1B}[\($0.codes.off)m" } ?? text
        self.isNumber = isNumber
    }

    /// Joins texts: `ObjectId(` + `'…'` (green) + `)`.
    public static func + (lhs: PrintText, rhs: PrintText) -> PrintText {
        var result = lhs
        result.plain += rhs.plain
        result.colored += rhs.colored
        result.isNumber = false
        return result
    }
}

/// The styles of Node.js `util.inspect` (its `inspect.styles` and `inspect.colors`).
public enum PrintStyle: Sendable, Hashable {
    /// Functions, `[Object]`, `<ref *1>`, `[Circular *1]`: cyan.
    case special
    /// Numbers and booleans: yellow.
    case number
    /// `undefined`: grey.
    case undefined
    /// `null`: bold.
    case null
    /// Strings and quoted keys: green.
    case string
    /// Dates that are not valid: magenta.
    case date
    /// Regular expressions: red.
    case regexp
    /// Error names in mongosh's error output: bold red.
    case error
    /// Section headers of mongosh's help and warnings: bold yellow.
    case header
    /// Bold text (`show dbs` names).
    case bold

    var codes: (on: String, off: String) {
        switch self {
        case .special: ("36", "39")
        case .number: ("33", "39")
        case .undefined: ("90", "39")
        case .null: ("1", "22")
        case .string: ("32", "39")
        case .date: ("35", "39")
        case .regexp: ("31", "39")
        case .error: ("1;31", "0")
        case .header: ("1;33", "0")
        case .bold: ("1", "22")
        }
    }
}
