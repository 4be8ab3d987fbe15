/// A dotted field path such as `"teams.0.role"`, split once into components for repeated use.
///
/// Paths are compiled once (by a query, an index or a projection) and then applied to many documents, so each
/// component keeps its UTF-8 bytes and, when it is a decimal number, its array index.
///
/// ```swift
/// let path = try FieldPath("settings.theme")
/// path.components   // ["settings", "theme"]
/// ```
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    /// One component of a path.
    public struct Component: Sendable, Hashable {
        /// The component as written.
        public let name: String
        /// The component's UTF-8 bytes, for comparing with encoded keys.
        public let utf8: [UInt8]
        /// The array index this component denotes when it consists only of decimal digits (no sign, and no
        /// leading zero unless it is `"0"`), or `nil`.
        public let arrayIndex: Int?

        /// Creates a component. Any name is allowed here, even an empty one (filters may name fields with empty
        /// names); ``FieldPath/init(_:)`` is where dotted paths are validated.
        public init(_ name: Substring) {
            self.name = String(name)
            utf8 = Array(name.utf8)
            arrayIndex = FieldPath.parseIndex(utf8)
        }
    }

    /// The components in order.
    public let components: [Component]

    /// Parses a dotted path.
    /// - Throws: ``BSONError`` (`.invalidValue`) for an empty path, an empty component (`"a..b"`, `".a"`) or a
    ///   NUL byte.
    public init(_ path: String) throws(BSONError) {
        guard !path.isEmpty else { throw BSONError(.invalidValue, "FieldPath cannot be constructed with empty string") }
        guard !path.utf8.contains(0) else {
            throw BSONError(.invalidValue, "FieldPath field names may not contain '\\0'")
        }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        for part in parts where part.isEmpty {
            throw BSONError(.invalidValue, "FieldPath must not contain an empty field name: \(path.debugDescription)")
        }
        components = parts.map(Component.init)
    }

    /// The path as written, components joined by dots.
    public var description: String { components.map(\.name).joined(separator: ".") }

    /// The number of components.
    public var count: Int { components.count }

    static func parseIndex(_ bytes: [UInt8]) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        if bytes.count > 1 && bytes[0] == UInt8(ascii: "0") { return nil }
        var value = 0
        for b in bytes {
            guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
        }
        return value
    }
}
