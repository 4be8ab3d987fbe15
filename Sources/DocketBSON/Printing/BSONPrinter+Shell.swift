extension BSONPrinter {
    /// Options of the shell style: Node.js `util.inspect` options as mongosh sets them.
    public struct ShellOptions: Sendable, Hashable {
        /// Whether to add ANSI colours (only on a terminal).
        public var colors: Bool
        /// The width objects are laid out to fit on one line (Node's `breakLength`).
        public var breakLength: Int
        /// How many inner levels an object on one line may hold (Node's `compact`).
        public var compact: Int
        /// The nesting below which objects print as `[Object]`; `nil` prints every level (mongosh's "deep inspect",
        /// up to ``maximumDepth``).
        public var depth: Int?
        /// The elements of an array printed before `... n more items`; `nil` prints all.
        public var maxArrayLength: Int?

        /// Creates options; the defaults are mongosh's interactive output.
        public init(
            colors: Bool = false, breakLength: Int = 80, compact: Int = 3, depth: Int? = nil, maxArrayLength: Int? = nil
        ) {
            self.colors = colors
            self.breakLength = breakLength
            self.compact = compact
            self.depth = depth
            self.maxArrayLength = maxArrayLength
        }

        /// The deepest nesting ever printed (deeper levels print as `[Object]`), so printing a value nested
        /// arbitrarily deep needs a bounded stack. BSON documents nest at most 100 levels.
        public static let maximumDepth = 160
    }
}

// MARK: - Scalars

extension PrintText {
    /// A JavaScript number as `util.inspect` prints it (`1`, `1.5`, `-0`, `1e+21`, `NaN`).
    public static func number(_ d: Double) -> PrintText {
        PrintText(d == 0 && d.sign == .minus ? "-0" : JavaScriptText.number(d), .number, isNumber: true)
    }

    /// A string in quotes with escapes, as `util.inspect` prints it (`'Ada'`, `"it's"`).
    public static func string(_ s: String) -> PrintText { PrintText(JavaScriptText.quoted(s), .string) }

    /// `true` or `false`.
    public static func boolean(_ b: Bool) -> PrintText { PrintText(b ? "true" : "false", .number) }

    /// `null`.
    public static let null = PrintText("null", .null)
    /// `undefined`.
    public static let undefined = PrintText("undefined", .undefined)

    /// `ObjectId('…')`.
    public static func objectID(_ id: ObjectID) -> PrintText { call("ObjectId", .string(id.hex)) }

    /// `Long('…')`.
    public static func long(_ v: Int64) -> PrintText { call("Long", .string(String(v))) }

    /// `Int32(5)`: an explicit int32 value of the shell (the server's int32 values print as plain numbers).
    public static func int32(_ v: Int32) -> PrintText { call("Int32", .number(Double(v))) }

    /// `Double(1)`: an explicit double value of the shell.
    public static func double(_ v: Double) -> PrintText { call("Double", .number(v)) }

    /// `Decimal128('…')`.
    public static func decimal(_ d: Decimal128) -> PrintText { call("Decimal128", .string(d.description)) }

    /// `ISODate('2024-01-01T00:00:00.000Z')`, or `Invalid Date` outside JavaScript's range of dates.
    public static func date(milliseconds ms: Double) -> PrintText {
        guard let iso = JavaScriptText.isoDate(milliseconds: ms) else { return PrintText("Invalid Date", .date) }
        return PrintText("ISODate('\(iso)')")
    }

    /// `Timestamp({ t: 1, i: 2 })`.
    public static func timestamp(_ t: BSONTimestamp) -> PrintText {
        PrintText("Timestamp({ t: ") + .number(Double(t.timestamp)) + PrintText(", i: ")
            + .number(Double(t.increment)) + PrintText(" })")
    }

    /// `UUID('…')` for a 16-byte UUID, `MD5('…')`, or `Binary.createFromBase64('…', 0)`.
    public static func binary(_ b: BSONBinary) -> PrintText {
        if b.subtype == .uuid && b.bytes.count == 16 { return PrintText("UUID('\(uuidString(b.bytes))')") }
        if b.subtype == .md5 { return PrintText("MD5('\(hex(b.bytes, uppercase: false))')") }
        var base64: [UInt8] = []
        appendBase64(b.bytes, to: &base64)
        return PrintText("Binary.createFromBase64(") + .string(String(decoding: base64, as: UTF8.self))
            + PrintText(", ") + .number(Double(b.subtype.rawValue)) + PrintText(")")
    }

    /// `/pattern/flags`.
    public static func regex(pattern: String, options: String) -> PrintText {
        PrintText("/\(pattern.isEmpty ? "(?:)" : pattern)/\(options)", .regexp)
    }

    /// `MinKey()`.
    public static let minKey = PrintText("MinKey()")
    /// `MaxKey()`.
    public static let maxKey = PrintText("MaxKey()")

    /// `Name(argument)`.
    static func call(_ name: String, _ argument: PrintText) -> PrintText {
        PrintText(name + "(") + argument + PrintText(")")
    }
}

/// The 36-character text of a UUID: `01234567-89ab-cdef-0123-456789abcdef`.
func uuidString(_ bytes: [UInt8]) -> String {
    var text = hex(bytes, uppercase: false)
    for offset in [8, 13, 18, 23] { text.insert("-", at: text.index(text.startIndex, offsetBy: offset)) }
    return text
}

// MARK: - BSON values

extension PrintNode {
    /// The tree of a BSON value as mongosh prints what the server returns: int32 and double become plain numbers,
    /// int64 `Long('…')`, BSON undefined `null` (as the Node.js driver reads it).
    public init(_ value: BSONValue, depth: Int = 0) {
        if depth > BSONPrinter.ShellOptions.maximumDepth {
            self = .text(PrintText(value.type == .array ? "[Array]" : "[Object]", .special))
            return
        }
        switch value {
        case .double(let d): self = .text(.number(d))
        case .int32(let i): self = .text(.number(Double(i)))
        case .string(let s): self = .text(.string(s))
        case .document(let d):
            self = .object(entries: d.map { PrintEntry($0.key, PrintNode($0.value, depth: depth + 1)) })
        case .array(let a): self = .array(elements: a.map { PrintNode($0, depth: depth + 1) })
        case .binary(let b): self = .text(.binary(b))
        case .undefined, .null: self = .text(.null)
        case .objectID(let id): self = .text(.objectID(id))
        case .bool(let b): self = .text(.boolean(b))
        case .datetime(let ms): self = .text(.date(milliseconds: Double(ms)))
        case .regex(let r): self = .text(.regex(pattern: r.pattern, options: r.options))
        case .dbPointer(let p):
            self = .text(
                PrintText("DBRef(") + .string(p.namespace) + PrintText(", ") + .objectID(p.id) + PrintText(")"))
        case .javascript(let code): self = .text(.call("Code", .string(code)))
        case .symbol(let s): self = .text(.call("BSONSymbol", .string(s)))
        case .javascriptWithScope(let c):
            let scope = PrintLayout(options: BSONPrinter.ShellOptions()).render(PrintNode(.document(c.scope)))
            self = .text(PrintText("Code(") + .string(c.code) + PrintText(", \(scope))"))
        case .timestamp(let t): self = .text(.timestamp(t))
        case .int64(let i): self = .text(.long(i))
        case .decimal128(let d): self = .text(.decimal(d))
        case .minKey: self = .text(.minKey)
        case .maxKey: self = .text(.maxKey)
        }
    }
}

// MARK: - Layout

/// Node.js `util.inspect`'s layout (`reduceToSingleString`, `groupArrayElements`), which mongosh's output uses:
/// an object goes on one line when its entries fit in `breakLength` and it holds fewer than `compact` levels of
/// inner objects; otherwise each entry gets its own line, indented by two spaces per level. Arrays of more than six
/// short entries are grouped in aligned columns.
struct PrintLayout {
    let options: BSONPrinter.ShellOptions
    /// The indentation of the entry being laid out (Node's `indentationLvl`).
    private var indentation = 0
    /// The level of the object entered last (Node's `currentDepth`).
    private var currentDepth = 0

    init(options: BSONPrinter.ShellOptions) { self.options = options }

    /// Laid-out text: coloured if the options say so, with its visible length.
    private struct Output {
        var text: String
        var width: Int
    }

    func render(_ node: PrintNode) -> String {
        var layout = self
        return layout.format(node, level: 0).text
    }

    /// A property name: bare when it is an identifier, else quoted like a string.
    func renderKey(_ key: String) -> String { renderedKey(key).text }

    private func renderedKey(_ key: String) -> Output {
        if isIdentifierKey(key) { return Output(text: key, width: key.utf16.count) }
        return output(.string(key))
    }

    private func output(_ text: PrintText) -> Output {
        Output(text: options.colors ? text.colored : text.plain, width: text.plain.utf16.count)
    }

    private mutating func format(_ node: PrintNode, level: Int) -> Output {
        switch node {
        case .text(let text):
            return output(text)
        case .object(let prefix, let entries, let reference):
            let open = prefix.isEmpty ? "{" : prefix + " {"
            if entries.isEmpty { return Output(text: open + "}", width: open.utf16.count + 1) }
            if isTooDeep(level) { return output(PrintText("[\(prefix.isEmpty ? "Object" : prefix)]", .special)) }
            let inner = level + 1
            currentDepth = inner
            var parts: [Output] = []
            parts.reserveCapacity(entries.count)
            for entry in entries {
                let key = renderedKey(entry.key)
                indentation += 2
                let value = format(entry.value, level: inner)
                indentation -= 2
                parts.append(Output(text: key.text + ": " + value.text, width: key.width + 2 + value.width))
            }
            return reduce(parts, base: referenceMark(reference), open: open, close: "}", level: inner, numbers: nil)
        case .array(let prefix, let elements, let reference):
            let open = prefix + "["
            if elements.isEmpty { return Output(text: open + "]", width: open.utf16.count + 1) }
            if isTooDeep(level) { return output(PrintText("[Array]", .special)) }
            let inner = level + 1
            currentDepth = inner
            let shown = min(elements.count, options.maxArrayLength ?? Int.max)
            var parts: [Output] = []
            parts.reserveCapacity(shown + 1)
            for element in elements.prefix(shown) {
                indentation += 2
                parts.append(format(element, level: inner))
                indentation -= 2
            }
            let remaining = elements.count - shown
            if remaining > 0 {
                let more = "... \(remaining) more item\(remaining > 1 ? "s" : "")"
                parts.append(Output(text: more, width: more.utf16.count))
            }
            let numbers = elements.allSatisfy(\.isNumber)
            return reduce(
                parts, base: referenceMark(reference), open: open, close: "]", level: inner,
                numbers: (numbers, remaining > 0))
        }
    }

    /// Whether an object at `level` prints as `[Object]`.
    private func isTooDeep(_ level: Int) -> Bool {
        if let depth = options.depth, level > depth { return true }
        return level > BSONPrinter.ShellOptions.maximumDepth
    }

    private func referenceMark(_ reference: Int?) -> Output? {
        reference.map { output(PrintText("<ref *\($0)>", .special)) }
    }

    /// Node's `reduceToSingleString`.
    private mutating func reduce(
        _ parts: [Output], base: Output?, open: String, close: String, level: Int,
        numbers: (allNumbers: Bool, hasMore: Bool)?
    ) -> Output {
        var parts = parts
        let entries = parts.count
        if let numbers, entries > 6 {
            parts = group(parts, alignRight: numbers.allNumbers, hasMore: numbers.hasMore)
        }
        let prefix = base.map { $0.text + " " } ?? ""
        let prefixWidth = base.map { $0.width + 1 } ?? 0
        if currentDepth - level < options.compact && entries == parts.count {
            let start = parts.count + indentation + open.utf16.count + (base?.width ?? 0) + 10
            if fitsOnOneLine(parts, start: start) {
                let joined = parts.map(\.text).joined(separator: ", ")
                if !joined.contains("\n") {
                    let width =
                        prefixWidth + open.utf16.count + 2 + parts.reduce(0) { $0 + $1.width }
                        + 2 * (parts.count - 1) + close.utf16.count
                    return Output(text: prefix + open + " " + joined + " " + close, width: width)
                }
            }
        }
        let newline = "\n" + String(repeating: " ", count: indentation)
        let text =
            prefix + open + newline + "  " + parts.map(\.text).joined(separator: "," + newline + "  ")
            + newline + close
        // Node measures a multi-line entry by its whole length, newlines and indentation included.
        let width =
            prefixWidth + open.utf16.count + parts.reduce(0) { $0 + $1.width }
            + parts.count * (indentation + 3) + (parts.count - 1) + indentation + 1 + close.utf16.count
        return Output(text: text, width: width)
    }

    /// Node's `isBelowBreakLength`.
    private func fitsOnOneLine(_ parts: [Output], start: Int) -> Bool {
        var total = parts.count + start
        if total + parts.count > options.breakLength { return false }
        for part in parts {
            total += part.width
            if total > options.breakLength { return false }
        }
        return true
    }

    /// Node's `groupArrayElements`: arrays of more than six short entries in aligned columns.
    private func group(_ parts: [Output], alignRight: Bool, hasMore: Bool) -> [Output] {
        let separatorSpace = 2
        let dataCount = hasMore ? parts.count - 1 : parts.count
        var totalLength = 0
        var maxLength = 0
        for part in parts.prefix(dataCount) {
            totalLength += part.width + separatorSpace
            maxLength = max(maxLength, part.width)
        }
        let actualMax = maxLength + separatorSpace
        guard actualMax * 3 + indentation < options.breakLength,
            Double(totalLength) / Double(actualMax) > 5 || maxLength <= 6
        else { return parts }
        let averageBias = (Double(actualMax) - Double(totalLength) / Double(parts.count)).squareRoot()
        let biasedMax = max(Double(actualMax) - 3 - averageBias, 1)
        let columns = min(
            Int(((2.5 * biasedMax * Double(dataCount)).squareRoot() / biasedMax).rounded(.toNearestOrAwayFromZero)),
            (options.breakLength - indentation) / actualMax,
            options.compact * 4,
            15
        )
        guard columns > 1 else { return parts }
        var maxLineLength: [Int] = []
        for column in 0..<columns {
            var lineLength = 0
            var j = column
            while j < dataCount {
                lineLength = max(lineLength, parts[j].width)
                j += columns
            }
            maxLineLength.append(lineLength + separatorSpace)
        }
        var rows: [Output] = []
        var i = 0
        while i < dataCount {
            let end = min(i + columns, dataCount)
            var row = ""
            for j in i..<end {
                let part = parts[j]
                let isLast = j == end - 1
                let cell = isLast ? part.text : part.text + ", "
                let cellWidth = isLast ? part.width : part.width + 2
                let target = maxLineLength[j - i] - (isLast && alignRight ? separatorSpace : 0)
                let padding = String(repeating: " ", count: max(0, target - cellWidth))
                if alignRight {
                    row += padding + cell
                } else {
                    row += isLast ? cell : cell + padding
                }
            }
            rows.append(Output(text: row, width: row.utf16.count))
            i += columns
        }
        if hasMore, let last = parts.last { rows.append(last) }
        return rows
    }
}

/// Whether a key prints bare (Node's `/^[a-zA-Z_][a-zA-Z_0-9]*$/`).
func isIdentifierKey(_ key: String) -> Bool {
    var first = true
    for c in key.utf8 {
        let isLetter = (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
        let isDigit = c >= 0x30 && c <= 0x39
        if !(isLetter || (!first && isDigit)) { return false }
        first = false
    }
    return !first
}
