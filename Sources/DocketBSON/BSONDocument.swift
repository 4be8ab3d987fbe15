#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An ordered BSON document: a sequence of key/value fields.
///
/// Fields keep their order. Duplicate keys read from BSON are preserved as read (lookups return the first);
/// the subscript setter replaces the first field with the key or appends a new one.
///
/// ```swift
/// var user: BSONDocument = ["name": "Ada", "teams": [["id": 1, "role": "admin"]]]
/// user["email"] = "ada@example.com"
/// user[path: "teams.0.role"]   // .string("admin")
/// ```
public struct BSONDocument: Sendable {
    /// One field of a document, as the document stores it.
    ///
    /// ``BSONDocument/forEachField(_:)`` lends each field's key and value without copying them; the collection view
    /// (`for (key, value) in document`) yields them as ``Element`` tuples.
    public struct Field: Sendable {
        /// The field's name.
        public var key: String
        /// The field's value.
        public var value: BSONValue

        /// Creates a field.
        @inlinable public init(key: String, value: BSONValue) {
            self.key = key
            self.value = value
        }
    }

    /// One field of a document, as the collection view yields it.
    public typealias Element = (key: String, value: BSONValue)

    /// The fields in order.
    ///
    /// Fields are structs rather than `(key:, value:)` tuples: an array of structs is destroyed through the
    /// struct's compiled value witness, while an array of tuples goes through the runtime's generic tuple
    /// destructor, element by element (it was a tenth of the cost of decoding and dropping a document).
    @usableFromInline var storage: [Field]

    /// The fields as a mutable collection of ``Element`` tuples, for code that destructures them.
    @usableFromInline var fields: Fields {
        get { Fields(storage: storage) }
        _modify {
            var view = Fields(storage: storage)
            storage = []
            defer { storage = view.storage }
            yield &view
        }
    }

    /// Creates an empty document.
    @inlinable public init() { storage = [] }

    /// Creates a document from fields in order (duplicates are kept).
    @inlinable public init<S: Sequence>(_ elements: S) where S.Element == (String, BSONValue) {
        storage = elements.map { Field(key: $0.0, value: $0.1) }
    }

    /// Creates a document from fields in order (duplicates are kept).
    @inlinable public init(elements: [Element]) { storage = elements.map { Field(key: $0.key, value: $0.value) } }

    /// Creates a document from fields in order (duplicates are kept), without copying them.
    ///
    /// ```swift
    /// let point = BSONDocument(fields: [.init(key: "x", value: 1), .init(key: "y", value: 2)])
    /// ```
    @inlinable public init(fields: [Field]) { storage = fields }

    /// Creates an empty document with room for `capacity` fields.
    @inlinable public init(minimumCapacity capacity: Int) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    /// The number of fields.
    @inlinable public var count: Int { storage.count }
    /// Whether the document has no fields.
    @inlinable public var isEmpty: Bool { storage.isEmpty }
    /// The keys in order.
    public var keys: [String] { storage.map(\.key) }
    /// The values in order.
    public var values: [BSONValue] { storage.map(\.value) }

    /// Calls `body` with the key and value of each field in order, lending them rather than copying them.
    ///
    /// This is the cheapest way to read every field: iterating the document as a collection
    /// (`for (key, value) in document`) copies each key and value into a tuple, which retains and releases them.
    ///
    /// ```swift
    /// var size = 0
    /// document.forEachField { key, value in size += key.utf8.count }
    /// ```
    /// - Complexity: O(n) in the number of fields.
    @inlinable public func forEachField(_ body: (_ key: String, _ value: BSONValue) throws -> Void) rethrows {
        for i in storage.indices { try body(storage[i].key, storage[i].value) }
    }

    /// The position of the first field named `key`.
    /// - Complexity: O(n) in the number of fields.
    @inlinable public func index(forKey key: String) -> Int? {
        storage.firstIndex { bsonKeyEquals($0.key, key) }
    }

    /// The value of the first field named `key`; setting `nil` removes every field with that key.
    ///
    /// Setting a value replaces the first field with the key in place, or appends a new field.
    public subscript(key: String) -> BSONValue? {
        get {
            for field in storage where bsonKeyEquals(field.key, key) { return field.value }
            return nil
        }
        set {
            if let newValue {
                if let i = index(forKey: key) {
                    storage[i].value = newValue
                } else {
                    storage.append(Field(key: key, value: newValue))
                }
            } else {
                storage.removeAll { bsonKeyEquals($0.key, key) }
            }
        }
    }

    /// The value at a dotted path such as `"settings.theme"` or `"teams.0.role"`.
    ///
    /// Each component selects a field of a document or, when it is a decimal number, an element of an array.
    /// This is plain navigation: MongoDB's implicit traversal of arrays belongs to the query engine.
    public subscript(path path: String) -> BSONValue? {
        var current: BSONValue = .document(self)
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .document(let doc):
                guard let next = doc[String(component)] else { return nil }
                current = next
            case .array(let array):
                guard let i = FieldPath.parseIndex(Array(component.utf8)), i < array.count else { return nil }
                current = array[i]
            default:
                return nil
            }
        }
        return current
    }

    /// Appends a field, even if the key already exists.
    @inlinable public mutating func append(_ key: String, _ value: BSONValue) {
        storage.append(Field(key: key, value: value))
    }

    /// Inserts a field at a position.
    public mutating func insert(_ key: String, _ value: BSONValue, at index: Int) {
        storage.insert(Field(key: key, value: value), at: index)
    }

    /// Removes the first field named `key` and returns its value.
    @discardableResult
    public mutating func removeValue(forKey key: String) -> BSONValue? {
        guard let i = index(forKey: key) else { return nil }
        return storage.remove(at: i).value
    }

    /// Removes and returns the field at a position.
    @discardableResult
    public mutating func remove(at index: Int) -> Element {
        let field = storage.remove(at: index)
        return (key: field.key, value: field.value)
    }

    /// Removes all fields.
    public mutating func removeAll(keepingCapacity: Bool = false) {
        storage.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Whether the document has a field named `key`.
    @inlinable public func contains(key: String) -> Bool { index(forKey: key) != nil }

    /// Whether two documents have the same fields, in the same order, with exactly the same types and values
    /// (`1` and `1.0` differ here, unlike `==`).
    public func isIdentical(to other: BSONDocument) -> Bool {
        guard count == other.count else { return false }
        for (a, b) in zip(storage, other.storage)
        where !bsonKeyEquals(a.key, b.key) || !a.value.isIdentical(to: b.value) {
            return false
        }
        return true
    }
}

extension BSONDocument {
    /// The fields of a document as a mutable collection of ``Element`` tuples (the module's own code reads and
    /// writes `document.fields[i]` through it).
    @usableFromInline struct Fields: RandomAccessCollection, MutableCollection {
        @usableFromInline var storage: [Field]

        @inlinable init(storage: [Field]) { self.storage = storage }

        @inlinable var startIndex: Int { 0 }
        @inlinable var endIndex: Int { storage.count }
        @inlinable subscript(position: Int) -> Element {
            get {
                let field = storage[position]
                return (key: field.key, value: field.value)
            }
            set { storage[position] = Field(key: newValue.key, value: newValue.value) }
        }
    }
}

extension BSONDocument: RandomAccessCollection, MutableCollection {
    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storage.count }
    @inlinable public subscript(position: Int) -> Element {
        get {
            let field = storage[position]
            return (key: field.key, value: field.value)
        }
        set { storage[position] = Field(key: newValue.key, value: newValue.value) }
    }
}

extension BSONDocument: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, BSONValue)...) {
        self.init(elements)
    }
}

extension BSONValue {
    /// Whether two values have the same type and the same representation (`.int32(1)` is not identical to
    /// `.double(1)`, and field order matters), unlike `==`, which compares by MongoDB's order.
    public func isIdentical(to other: BSONValue) -> Bool {
        switch (self, other) {
        case (.double(let a), .double(let b)): return a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.document(let a), .document(let b)): return a.isIdentical(to: b)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
        case (.binary(let a), .binary(let b)): return a == b
        case (.undefined, .undefined), (.null, .null), (.minKey, .minKey), (.maxKey, .maxKey): return true
        case (.objectID(let a), .objectID(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.datetime(let a), .datetime(let b)): return a == b
        case (.regex(let a), .regex(let b)):
            return a.pattern.utf8.elementsEqual(b.pattern.utf8) && a.options.utf8.elementsEqual(b.options.utf8)
        case (.dbPointer(let a), .dbPointer(let b)):
            return a.namespace.utf8.elementsEqual(b.namespace.utf8) && a.id == b.id
        case (.javascript(let a), .javascript(let b)), (.symbol(let a), .symbol(let b)):
            return a.utf8.elementsEqual(b.utf8)
        case (.javascriptWithScope(let a), .javascriptWithScope(let b)):
            return a.code.utf8.elementsEqual(b.code.utf8) && a.scope.isIdentical(to: b.scope)
        case (.int32(let a), .int32(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.int64(let a), .int64(let b)): return a == b
        case (.decimal128(let a), .decimal128(let b)): return a == b
        default: return false
        }
    }
}

/// Compares two keys or strings byte for byte, as BSON does (Swift's `==` equates canonically equivalent strings).
@inlinable func bsonKeyEquals(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
    }
}
