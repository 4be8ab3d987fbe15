/// One component of an update path such as `teams.$.role` or `grades.$[g].score`.
enum UpdatePathComponent: Sendable, Equatable {
    /// A field name (or an array index written as digits).
    case field(String)
    /// The positional operator `$`: the array position the query matched.
    case positional
    /// The all-positional operator `$[]`: every element of the array.
    case allElements
    /// The filtered positional operator `$[<identifier>]`: the elements its array filter matches.
    case filtered(String)

    init(_ text: Substring) {
        if text == "$" {
            self = .positional
        } else if text.utf8.count >= 3, text.hasPrefix("$["), text.hasSuffix("]") {
            let identifier = text.dropFirst(2).dropLast()
            self = identifier.isEmpty ? .allElements : .filtered(String(identifier))
        } else {
            self = .field(String(text))
        }
    }

    /// Whether this component selects array elements through an array filter or `$[]`.
    var isArrayUpdate: Bool {
        switch self {
        case .allElements, .filtered: true
        default: false
        }
    }
}

/// An update path parsed once: its text, its components as written, and their kinds.
struct UpdatePath: Sendable {
    /// The path as written (`"teams.$.role"`).
    let text: String
    /// The components as written.
    let parts: [String]
    /// The components, classified.
    let components: [UpdatePathComponent]

    /// Parses a path, rejecting empty paths and empty components as MongoDB does (code 56).
    init(_ text: String) throws(DocketError) {
        guard !text.isEmpty else {
            throw DocketError(.emptyFieldName, "An empty update path is not valid.")
        }
        let split = text.split(separator: ".", omittingEmptySubsequences: false)
        for part in split where part.isEmpty {
            throw DocketError(
                .emptyFieldName,
                "The update path '\(text)' contains an empty field name, which is not allowed.",
                fieldPath: text
            )
        }
        self.text = text
        parts = split.map(String.init)
        components = split.map(UpdatePathComponent.init)
    }

    /// The number of components.
    var count: Int { parts.count }

    /// The first `count` components joined by dots.
    func prefix(_ count: Int) -> String { parts.prefix(count).joined(separator: ".") }

    /// Whether this path is a (non-strict) prefix of `other`, component by component.
    func isPrefix(of other: UpdatePath) -> Bool {
        count <= other.count && zip(parts, other.parts).allSatisfy { bsonUTF8Equal($0, $1) }
    }

    /// Whether any component is `$`, `$[]` or `$[<identifier>]`.
    var isDynamic: Bool {
        components.contains { $0 == .positional || $0.isArrayUpdate }
    }

    /// The array index a field name denotes: decimal digits only (MongoDB accepts leading zeros here).
    static func arrayIndex(_ name: String) -> Int? { arrayIndex(name.utf8) }

    /// The array index a field name denotes, read from its UTF-8 bytes.
    @inline(__always)
    static func arrayIndex<Bytes: Sequence<UInt8>>(_ name: Bytes) -> Int? {
        var value = 0
        var digits = 0
        for byte in name {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            digits += 1
            guard digits <= 18 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return digits == 0 ? nil : value
    }

    /// MongoDB's order for applying sibling fields (5.0+): names that are both numbers in numeric order,
    /// otherwise byte by byte.
    static func precedes(_ a: String, _ b: String) -> Bool {
        if let x = arrayIndex(a), let y = arrayIndex(b), x != y { return x < y }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
