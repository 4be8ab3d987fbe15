/// Docket's one printer of values "as MongoDB prints them", in two styles.
///
/// - ``Style/server(_:)``: mongod's `BSONElement::toString` forms, as its error messages quote values:
///   `{ _id: 1, name: "Ada" }`, `[ 1, 2 ]`, `ObjectId('…')`, `new Date(1700000000000)`. The engine's error messages
///   use it; where the messages of different MongoDB components print a type differently, the difference is an
///   explicit ``ServerOptions`` field.
/// - ``Style/shell(_:)``: mongosh's output (Node.js `util.inspect` with mongosh's BSON printers): single-quoted
///   strings, `ObjectId('…')`, `ISODate('…')`, `Long('…')`, `Decimal128('…')`, int32 and double both as plain
///   numbers, and documents broken over indented lines when they do not fit in 80 columns. Optional ANSI colours.
///
/// ```swift
/// let doc: BSONDocument = ["_id": 1, "name": "Ada", "score": 1.5]
/// BSONPrinter(.server()).string(doc)          // { _id: 1, name: "Ada", score: 1.5 }
/// BSONPrinter(.shell()).string(doc)           // { _id: 1, name: 'Ada', score: 1.5 }
/// ```
///
/// The shell style also lays out trees of values that are not BSON (the shell's JavaScript values) through
/// ``PrintNode`` and ``render(_:)``, so every value the shell prints goes through the same layout.
public struct BSONPrinter: Sendable {
    /// How values are printed.
    public enum Style: Sendable, Hashable {
        /// mongod's error-message forms.
        case server(ServerOptions = ServerOptions())
        /// mongosh's output forms.
        case shell(ShellOptions = ShellOptions())
    }

    /// The style.
    public var style: Style

    /// Creates a printer.
    public init(_ style: Style) { self.style = style }

    /// A value as text.
    public func string(_ value: BSONValue) -> String {
        switch style {
        case .server(let options):
            var out = ""
            ServerWriter(options: options).write(value, to: &out)
            return out
        case .shell(let options):
            return PrintLayout(options: options).render(PrintNode(value))
        }
    }

    /// A document as text: `{ a: 1 }`, or `{}` when empty.
    public func string(_ document: BSONDocument) -> String { string(.document(document)) }

    /// An element as text: `name: value`.
    public func element(_ key: String, _ value: BSONValue) -> String {
        switch style {
        case .server: return key + ": " + string(value)
        case .shell(let options):
            return PrintLayout(options: options).renderKey(key) + ": " + string(value)
        }
    }

    /// Lays out a tree of printable values in the shell style (the server style has no layout: it prints
    /// ``PrintNode`` trees on one line with its own separators).
    public func render(_ node: PrintNode) -> String {
        switch style {
        case .server: return node.singleLineText
        case .shell(let options): return PrintLayout(options: options).render(node)
        }
    }
}

// MARK: - Server style

extension BSONPrinter {
    /// How the server style prints the types whose text differs between MongoDB's components.
    ///
    /// The defaults are mongod's `BSONElement::toString`. Docket's engine prints the values of its write, projection
    /// and update errors with the options of the MongoDB component whose messages it reproduces.
    public struct ServerOptions: Sendable, Hashable {
        /// How a binary value prints.
        public enum BinaryForm: Sendable, Hashable {
            /// `BinData(0, 0A1B)`: the bytes in hex, upper or lower case.
            case hex(uppercase: Bool)
            /// `BinData(0, 3 bytes)`.
            case byteCount
        }

        /// Whole doubles whose magnitude is below this limit print as an integer followed by `.0` (`3.0`);
        /// `nil` prints every finite double in Swift's shortest form (`3.0`, `1e+16`).
        public var wholeDoublesBelow: Double?
        /// Appended to `nan`, `inf` and `-inf` (mongod prints `nan.0`).
        public var nonFiniteSuffix: String
        /// The form of binary values.
        public var binary: BinaryForm
        /// Whether a symbol prints in double quotes like a string (else bare).
        public var quotesSymbols: Bool
        /// Whether a decimal prints as `NumberDecimal("1.5")` (else `1.5`).
        public var wrapsDecimals: Bool
        /// Whether code with scope prints as `CodeWScope( code, { scope })` (else only its code).
        public var showsCodeScope: Bool

        /// Creates options; the defaults are mongod's.
        public init(
            wholeDoublesBelow: Double? = 1e16,
            nonFiniteSuffix: String = ".0",
            binary: BinaryForm = .hex(uppercase: true),
            quotesSymbols: Bool = false,
            wrapsDecimals: Bool = true,
            showsCodeScope: Bool = true
        ) {
            self.wholeDoublesBelow = wholeDoublesBelow
            self.nonFiniteSuffix = nonFiniteSuffix
            self.binary = binary
            self.quotesSymbols = quotesSymbols
            self.wrapsDecimals = wrapsDecimals
            self.showsCodeScope = showsCodeScope
        }
    }
}

/// Writes values in the server style.
private struct ServerWriter {
    let options: BSONPrinter.ServerOptions

    func write(_ value: BSONValue, to out: inout String) {
        switch value {
        case .double(let d): out += double(d)
        case .string(let s): out += "\"\(s)\""
        case .document(let d): write(d, to: &out)
        case .array(let a):
            if a.isEmpty {
                out += "[]"
                return
            }
            out += "[ "
            for (i, element) in a.enumerated() {
                if i > 0 { out += ", " }
                write(element, to: &out)
            }
            out += " ]"
        case .binary(let b):
            switch options.binary {
            case .hex(let uppercase): out += "BinData(\(b.subtype.rawValue), \(hex(b.bytes, uppercase: uppercase)))"
            case .byteCount: out += "BinData(\(b.subtype.rawValue), \(b.bytes.count) bytes)"
            }
        case .undefined: out += "undefined"
        case .objectID(let o): out += "ObjectId('\(o.hex)')"
        case .bool(let b): out += b ? "true" : "false"
        case .datetime(let ms): out += "new Date(\(ms))"
        case .null: out += "null"
        case .regex(let r): out += "/\(r.pattern)/\(r.options)"
        case .dbPointer(let p): out += "DBRef('\(p.namespace)', '\(p.id.hex)')"
        case .javascript(let code): out += code
        case .symbol(let s): out += options.quotesSymbols ? "\"\(s)\"" : s
        case .javascriptWithScope(let c):
            if options.showsCodeScope {
                out += "CodeWScope( \(c.code), "
                write(c.scope, to: &out)
                out += ")"
            } else {
                out += c.code
            }
        case .int32(let i): out += String(i)
        case .timestamp(let t): out += "Timestamp(\(t.timestamp), \(t.increment))"
        case .int64(let i): out += String(i)
        case .decimal128(let d): out += options.wrapsDecimals ? "NumberDecimal(\"\(d)\")" : d.description
        case .minKey: out += "MinKey"
        case .maxKey: out += "MaxKey"
        }
    }

    func write(_ document: BSONDocument, to out: inout String) {
        if document.isEmpty {
            out += "{}"
            return
        }
        out += "{ "
        var first = true
        for (key, value) in document {
            if !first { out += ", " }
            first = false
            out += key
            out += ": "
            write(value, to: &out)
        }
        out += " }"
    }

    func double(_ d: Double) -> String {
        if d.isNaN { return "nan" + options.nonFiniteSuffix }
        if d.isInfinite { return (d < 0 ? "-inf" : "inf") + options.nonFiniteSuffix }
        if let limit = options.wholeDoublesBelow, d == d.rounded(.towardZero), abs(d) < limit {
            return "\(Int64(d)).0"
        }
        return d.description
    }
}

/// Bytes as hex digits.
func hex(_ bytes: [UInt8], uppercase: Bool) -> String {
    let digits = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
