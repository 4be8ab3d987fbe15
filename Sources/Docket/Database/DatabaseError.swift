import DocketBSON

/// A MongoDB error code: the number and its code name, as the server reports them.
///
/// Codes are additive: new ones may appear, so never switch over them exhaustively. Match with `~=`:
/// ```swift
/// do { try users.insertOne(doc) } catch ErrorCode.duplicateKey { … }
/// ```
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// MongoDB's numeric code.
    public let code: Int
    /// MongoDB's code name (`"DuplicateKey"`).
    public let name: String

    /// Creates a code.
    public init(_ code: Int, _ name: String) {
        self.code = code
        self.name = name
    }

    public var description: String { "\(name) (\(code))" }

    public static let internalError = ErrorCode(1, "InternalError")
    public static let badValue = ErrorCode(2, "BadValue")
    public static let noSuchKey = ErrorCode(4, "NoSuchKey")
    public static let failedToParse = ErrorCode(9, "FailedToParse")
    public static let typeMismatch = ErrorCode(14, "TypeMismatch")
    public static let invalidLength = ErrorCode(16, "InvalidLength")
    public static let invalidBSON = ErrorCode(22, "InvalidBSON")
    public static let namespaceNotFound = ErrorCode(26, "NamespaceNotFound")
    public static let indexNotFound = ErrorCode(27, "IndexNotFound")
    public static let pathNotViable = ErrorCode(28, "PathNotViable")
    public static let conflictingUpdateOperators = ErrorCode(40, "ConflictingUpdateOperators")
    public static let namespaceExists = ErrorCode(48, "NamespaceExists")
    public static let dollarPrefixedFieldName = ErrorCode(52, "DollarPrefixedFieldName")
    public static let invalidIdField = ErrorCode(53, "InvalidIdField")
    public static let notSingleValueField = ErrorCode(54, "NotSingleValueField")
    public static let emptyFieldName = ErrorCode(56, "EmptyFieldName")
    public static let immutableField = ErrorCode(66, "ImmutableField")
    public static let invalidOptions = ErrorCode(72, "InvalidOptions")
    public static let invalidNamespace = ErrorCode(73, "InvalidNamespace")
    public static let operationFailed = ErrorCode(96, "OperationFailed")
    public static let documentTooLarge = ErrorCode(10334, "BSONObjectTooLarge")
    public static let notImplemented = ErrorCode(238, "NotImplemented")
    public static let duplicateKey = ErrorCode(11000, "DuplicateKey")
    public static let location = ErrorCode(0, "Location")

    /// Matches a thrown error against a code: `catch ErrorCode.duplicateKey`.
    public static func ~= (pattern: ErrorCode, error: any Error) -> Bool {
        (error as? DatabaseError)?.code == pattern
    }
}

/// The one error type of Docket's engine, mirroring MongoDB's single status space.
///
/// ```swift
/// do { try users.updateOne(["_id": 1], ["$inc": ["name": 1]]) }
/// catch let error as DatabaseError { print(error.code.code, error.message) }   // 14 Cannot apply $inc …
/// ```
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    /// The MongoDB code.
    public var code: ErrorCode
    /// MongoDB's message (its wording, where tests compare it).
    public var message: String
    /// The field path involved, when there is one.
    public var fieldPath: String?
    /// The operator involved (`"$inc"`), when there is one.
    public var operatorName: String?
    /// The pipeline stage involved, when there is one.
    public var stage: String?
    /// For byte-level input: the offset of the problem.
    public var byteOffset: Int?
    /// The lower-level error this one wraps (a ``BSONError``, a storage error).
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(
        _ code: ErrorCode,
        _ message: String,
        fieldPath: String? = nil,
        operatorName: String? = nil,
        stage: String? = nil,
        byteOffset: Int? = nil,
        underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.fieldPath = fieldPath
        self.operatorName = operatorName
        self.stage = stage
        self.byteOffset = byteOffset
        self.underlying = underlying
    }

    /// Wraps a BSON error (invalid input bytes or values) as `InvalidBSON`/`BadValue`.
    public init(_ error: BSONError) {
        self.init(
            error.kind == .invalidValue ? .badValue : .invalidBSON,
            error.message,
            byteOffset: error.byteOffset,
            underlying: error
        )
    }

    public var description: String { "\(code.name) (\(code.code)): \(message)" }
}
