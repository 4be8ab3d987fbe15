import DocketBSON

/// The one error type of Docket's engine, mirroring MongoDB's single status space.
///
/// ```swift
/// do { try users.updateOne(["_id": 1], ["$inc": ["name": 1]]) }
/// catch let error as DocketError { print(error.code.code, error.message) }   // 14 Cannot apply $inc …
/// ```
public struct DocketError: Error, Sendable, CustomStringConvertible {
    /// The MongoDB code.
    public var code: DocketError.Code
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
        _ code: DocketError.Code,
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

extension DocketError {
    /// A MongoDB error code: the number and its code name, as the server reports them.
    ///
    /// Codes are additive: new ones may appear, so never switch over them exhaustively. Match with `~=`:
    /// ```swift
    /// do { try users.insertOne(doc) } catch DocketError.Code.duplicateKey { … }
    /// ```
    public struct Code: Hashable, Sendable, CustomStringConvertible {
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

        public static let internalError = DocketError.Code(1, "InternalError")
        public static let badValue = DocketError.Code(2, "BadValue")
        public static let noSuchKey = DocketError.Code(4, "NoSuchKey")
        public static let overflow = DocketError.Code(15, "Overflow")
        public static let failedToParse = DocketError.Code(9, "FailedToParse")
        public static let typeMismatch = DocketError.Code(14, "TypeMismatch")
        public static let invalidLength = DocketError.Code(16, "InvalidLength")
        public static let invalidBSON = DocketError.Code(22, "InvalidBSON")
        public static let namespaceNotFound = DocketError.Code(26, "NamespaceNotFound")
        public static let indexNotFound = DocketError.Code(27, "IndexNotFound")
        public static let pathNotViable = DocketError.Code(28, "PathNotViable")
        public static let conflictingUpdateOperators = DocketError.Code(40, "ConflictingUpdateOperators")
        public static let namespaceExists = DocketError.Code(48, "NamespaceExists")
        public static let dollarPrefixedFieldName = DocketError.Code(52, "DollarPrefixedFieldName")
        public static let invalidIdField = DocketError.Code(53, "InvalidIdField")
        public static let notSingleValueField = DocketError.Code(54, "NotSingleValueField")
        public static let emptyFieldName = DocketError.Code(56, "EmptyFieldName")
        public static let immutableField = DocketError.Code(66, "ImmutableField")
        public static let invalidOptions = DocketError.Code(72, "InvalidOptions")
        public static let invalidNamespace = DocketError.Code(73, "InvalidNamespace")
        public static let operationFailed = DocketError.Code(96, "OperationFailed")
        public static let documentTooLarge = DocketError.Code(10334, "BSONObjectTooLarge")
        public static let notImplemented = DocketError.Code(238, "NotImplemented")
        public static let duplicateKey = DocketError.Code(11000, "DuplicateKey")
        public static let location = DocketError.Code(0, "Location")

        /// Matches a thrown error against a code: `catch DocketError.Code.duplicateKey`.
        public static func ~= (pattern: DocketError.Code, error: any Error) -> Bool {
            (error as? DocketError)?.code == pattern
        }
    }
}
