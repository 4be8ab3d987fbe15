/// An error raised while reading, writing or converting BSON.
///
/// Every error says what failed and where: binary decoding errors carry the byte offset of the problem in the
/// input, Extended JSON errors carry the line and column.
///
/// ```swift
/// do { _ = try BSONDocument(bsonBytes: bytes) } catch let error as BSONError { print(error.byteOffset ?? -1) }
/// ```
public struct BSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The category of a ``BSONError``; compare with the static members (`error.kind == .invalidUTF8`).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        /// A short, stable name for the kind.
        public let name: String
        /// Creates a kind with the given name.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A length prefix is negative, too small, or disagrees with the data.
        public static let invalidLength = Kind("invalidLength")
        /// The input ended before the value was complete.
        public static let unexpectedEnd = Kind("unexpectedEnd")
        /// An element has a type byte that BSON does not define.
        public static let invalidType = Kind("invalidType")
        /// A string or key is not valid UTF-8, or contains a NUL byte where none is allowed.
        public static let invalidUTF8 = Kind("invalidUTF8")
        /// A boolean byte is neither 0 nor 1.
        public static let invalidBoolean = Kind("invalidBoolean")
        /// A string or document is not terminated by the NUL byte its length promises.
        public static let missingTerminator = Kind("missingTerminator")
        /// Documents are nested deeper than the reader's limit.
        public static let depthLimitExceeded = Kind("depthLimitExceeded")
        /// A document is larger than the reader's size limit.
        public static let sizeLimitExceeded = Kind("sizeLimitExceeded")
        /// Bytes remain after a value that should have ended its container.
        public static let trailingBytes = Kind("trailingBytes")
        /// A Decimal128 string could not be parsed exactly.
        public static let invalidDecimal128 = Kind("invalidDecimal128")
        /// An ObjectId string is not 24 hexadecimal digits.
        public static let invalidObjectID = Kind("invalidObjectID")
        /// A value is structurally valid but not allowed (for example a binary subtype with a bad length).
        public static let invalidValue = Kind("invalidValue")
        /// Extended JSON text could not be parsed.
        public static let invalidExtendedJSON = Kind("invalidExtendedJSON")
        /// A Swift value could not be encoded to BSON or decoded from it.
        public static let codingMismatch = Kind("codingMismatch")
        /// Reading or writing a file failed (the message includes the system's reason).
        public static let io = Kind("io")
    }

    /// What kind of failure this is.
    public var kind: Kind
    /// A human-readable explanation.
    public var message: String
    /// For binary input: the offset of the offending byte from the start of the outermost input.
    public var byteOffset: Int?
    /// For text input: the 1-based line of the problem.
    public var line: Int?
    /// For text input: the 1-based column of the problem.
    public var column: Int?

    /// Creates an error.
    public init(_ kind: Kind, _ message: String, byteOffset: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.byteOffset = byteOffset
        self.line = line
        self.column = column
    }

    public var description: String {
        if let byteOffset { return "\(message) (at byte offset \(byteOffset))" }
        if let line, let column { return "\(message) (at line \(line), column \(column))" }
        return message
    }
}
