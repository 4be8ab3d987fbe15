/// One BSON value: every type of the BSON 1.1 specification.
///
/// `BSONValue` is an exhaustive enum with a 24-byte stride; the large and rare payloads (regular expressions,
/// DBPointers, code with scope) are boxed. Its `==`, hashing and ordering follow MongoDB's comparison order
/// (see ``BSONValue/compare(_:_:)``): `.int32(1) == .double(1.0)`.
///
/// Literals build values directly:
/// ```swift
/// let v: BSONValue = ["name": "Ada", "teams": [["id": 1, "role": "admin"]]]
/// ```
public enum BSONValue: Sendable {
    /// A 64-bit binary floating point number (type 0x01).
    case double(Double)
    /// A UTF-8 string (type 0x02).
    case string(String)
    /// An embedded document (type 0x03).
    case document(BSONDocument)
    /// An array (type 0x04).
    case array([BSONValue])
    /// BSONBinary data with a subtype (type 0x05).
    case binary(BSONBinary)
    /// The deprecated undefined value (type 0x06).
    case undefined
    /// An ObjectId (type 0x07).
    case objectID(ObjectID)
    /// A boolean (type 0x08).
    case bool(Bool)
    /// A UTC datetime: milliseconds since the Unix epoch (type 0x09).
    case datetime(Int64)
    /// Null (type 0x0A).
    case null
    /// A regular expression: pattern and options (type 0x0B).
    indirect case regex(BSONRegex)
    /// The deprecated BSONDBPointer (type 0x0C).
    indirect case dbPointer(BSONDBPointer)
    /// JavaScript code (type 0x0D).
    case javascript(String)
    /// The deprecated symbol (type 0x0E).
    case symbol(String)
    /// JavaScript code with a scope document (type 0x0F, deprecated).
    indirect case javascriptWithScope(BSONCodeWithScope)
    /// A 32-bit integer (type 0x10).
    case int32(Int32)
    /// A MongoDB internal timestamp (type 0x11).
    case timestamp(BSONTimestamp)
    /// A 64-bit integer (type 0x12).
    case int64(Int64)
    /// A 128-bit decimal floating point number (type 0x13).
    case decimal128(Decimal128)
    /// The value that sorts before every other value (type 0xFF).
    case minKey
    /// The value that sorts after every other value (type 0x7F).
    case maxKey

    /// The BSON type of this value.
    @inlinable public var type: BSONType {
        switch self {
        case .double: .double
        case .string: .string
        case .document: .document
        case .array: .array
        case .binary: .binary
        case .undefined: .undefined
        case .objectID: .objectID
        case .bool: .bool
        case .datetime: .datetime
        case .null: .null
        case .regex: .regex
        case .dbPointer: .dbPointer
        case .javascript: .javascript
        case .symbol: .symbol
        case .javascriptWithScope: .javascriptWithScope
        case .int32: .int32
        case .timestamp: .timestamp
        case .int64: .int64
        case .decimal128: .decimal128
        case .minKey: .minKey
        case .maxKey: .maxKey
        }
    }

    /// Whether this value is one of the four numeric types.
    @inlinable public var isNumber: Bool {
        switch self {
        case .double, .int32, .int64, .decimal128: true
        default: false
        }
    }

    /// The string payload of `.string`, or `nil`.
    @inlinable public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The document payload of `.document`, or `nil`.
    @inlinable public var documentValue: BSONDocument? {
        if case .document(let d) = self { return d }
        return nil
    }

    /// The elements of `.array`, or `nil`.
    @inlinable public var arrayValue: [BSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The value of an `.int32`, an `.int64`, or an integral `.double`/`.decimal128` that fits `Int64`.
    public var int64Value: Int64? {
        switch self {
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        case .double(let d): return Int64(exactly: d)
        case .decimal128(let d): return d.exactInt64
        default: return nil
        }
    }

    /// The value of a number as a `Double` (rounded for large integers and decimals), or `nil`.
    public var doubleValue: Double? {
        switch self {
        case .int32(let v): return Double(v)
        case .int64(let v): return Double(v)
        case .double(let d): return d
        case .decimal128(let d): return d.doubleValue
        default: return nil
        }
    }

    /// The boolean payload of `.bool`, or `nil`.
    @inlinable public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

/// The type of a BSON element, with its type byte as raw value.
public enum BSONType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case double = 0x01
    case string = 0x02
    case document = 0x03
    case array = 0x04
    case binary = 0x05
    case undefined = 0x06
    case objectID = 0x07
    case bool = 0x08
    case datetime = 0x09
    case null = 0x0A
    case regex = 0x0B
    case dbPointer = 0x0C
    case javascript = 0x0D
    case symbol = 0x0E
    case javascriptWithScope = 0x0F
    case int32 = 0x10
    case timestamp = 0x11
    case int64 = 0x12
    case decimal128 = 0x13
    case minKey = 0xFF
    case maxKey = 0x7F

    /// MongoDB's alias for the type, as `$type` and `$type` aggregation use it (`"objectId"`, `"long"`, …).
    public var alias: String {
        switch self {
        case .double: "double"
        case .string: "string"
        case .document: "object"
        case .array: "array"
        case .binary: "binData"
        case .undefined: "undefined"
        case .objectID: "objectId"
        case .bool: "bool"
        case .datetime: "date"
        case .null: "null"
        case .regex: "regex"
        case .dbPointer: "dbPointer"
        case .javascript: "javascript"
        case .symbol: "symbol"
        case .javascriptWithScope: "javascriptWithScope"
        case .int32: "int"
        case .timestamp: "timestamp"
        case .int64: "long"
        case .decimal128: "decimal"
        case .minKey: "minKey"
        case .maxKey: "maxKey"
        }
    }

    /// MongoDB's numeric type code (`-1` for MinKey, `127` for MaxKey).
    public var code: Int {
        switch self {
        case .minKey: -1
        default: Int(rawValue)
        }
    }

    public var description: String { alias }
}

/// BSONBinary data with a subtype (BSON type 0x05).
///
/// ```swift
/// let uuid = BSONBinary(subtype: .uuid, bytes: Array(repeating: 0, count: 16))
/// ```
public struct BSONBinary: Sendable, Hashable {
    /// A binary subtype byte with names for the defined ones.
    public struct Subtype: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public init(_ rawValue: UInt8) { self.rawValue = rawValue }
        /// Generic binary data (0x00).
        public static let generic = Subtype(0x00)
        /// A function (0x01).
        public static let function = Subtype(0x01)
        /// The old binary subtype (0x02): the payload repeats its own length as an int32 prefix.
        public static let binaryOld = Subtype(0x02)
        /// The old UUID subtype (0x03).
        public static let uuidOld = Subtype(0x03)
        /// A UUID (0x04): 16 bytes.
        public static let uuid = Subtype(0x04)
        /// An MD5 digest (0x05): 16 bytes.
        public static let md5 = Subtype(0x05)
        /// Encrypted BSON value (0x06).
        public static let encrypted = Subtype(0x06)
        /// Compressed time series column (0x07).
        public static let column = Subtype(0x07)
        /// Sensitive data (0x08).
        public static let sensitive = Subtype(0x08)
        /// A packed vector (0x09).
        public static let vector = Subtype(0x09)
        /// The first user-defined subtype (0x80).
        public static let userDefined = Subtype(0x80)
    }

    /// The subtype.
    public var subtype: Subtype
    /// The payload. For subtype 0x02 this excludes the inner length prefix.
    public var bytes: [UInt8]

    /// Creates binary data.
    public init(subtype: Subtype = .generic, bytes: [UInt8]) {
        self.subtype = subtype
        self.bytes = bytes
    }
}

/// A regular expression (BSON type 0x0B): a pattern and option letters.
public struct BSONRegex: Sendable, Hashable {
    /// The pattern, without delimiters.
    public var pattern: String
    /// The option letters, in alphabetical order as the BSON specification requires (`"mix"` is kept as `"imx"`).
    public private(set) var options: String

    /// Creates a regular expression value; the options are sorted.
    public init(pattern: String, options: String = "") {
        self.pattern = pattern
        var scalars = Array(options.unicodeScalars)
        if zip(scalars, scalars.dropFirst()).contains(where: { $0 > $1 }) {
            scalars.sort()
            var sorted = String.UnicodeScalarView()
            sorted.append(contentsOf: scalars)
            self.options = String(sorted)
        } else {
            self.options = options
        }
    }
}

/// A BSONDBPointer (BSON type 0x0C, deprecated): a namespace and an ObjectId.
public struct BSONDBPointer: Sendable, Hashable {
    /// The namespace (`"db.collection"`).
    public var namespace: String
    /// The id.
    public var id: ObjectID

    /// Creates a BSONDBPointer.
    public init(namespace: String, id: ObjectID) {
        self.namespace = namespace
        self.id = id
    }
}

/// JavaScript code with a scope document (BSON type 0x0F, deprecated).
public struct BSONCodeWithScope: Sendable {
    /// The code.
    public var code: String
    /// The scope.
    public var scope: BSONDocument

    /// Creates code with scope.
    public init(code: String, scope: BSONDocument) {
        self.code = code
        self.scope = scope
    }
}

/// A MongoDB internal timestamp (BSON type 0x11): seconds and an ordinal increment.
public struct BSONTimestamp: Sendable, Hashable, Comparable {
    /// Seconds since the Unix epoch (the high 32 bits).
    public var timestamp: UInt32
    /// The ordinal within the second (the low 32 bits).
    public var increment: UInt32

    /// Creates a timestamp.
    public init(timestamp: UInt32, increment: UInt32) {
        self.timestamp = timestamp
        self.increment = increment
    }

    /// The 64-bit value as stored: timestamp in the high half, increment in the low half.
    public var rawValue: UInt64 { UInt64(timestamp) << 32 | UInt64(increment) }

    public static func < (lhs: BSONTimestamp, rhs: BSONTimestamp) -> Bool { lhs.rawValue < rhs.rawValue }
}

// MARK: - Literals

// `BSONValue` deliberately does not conform to `ExpressibleByNilLiteral`: with it, `cond ? value : nil` assigned to a
// `BSONValue?` (a document subscript) silently became `.null` instead of "absent". Write `.null` for BSON null.

extension BSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals become `.int32` when they fit, `.int64` otherwise.
    public init(integerLiteral value: Int) {
        self = Int32(exactly: value).map(BSONValue.int32) ?? .int64(Int64(value))
    }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: BSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, BSONValue)...) { self = .document(BSONDocument(elements)) }
}
