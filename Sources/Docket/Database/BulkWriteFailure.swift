/// One failed write of a multi-document operation.
public struct WriteError: Sendable {
    /// The index of the failed document (insertMany) or model (bulkWrite); 0 for single operations.
    public var index: Int
    /// MongoDB's code (`duplicateKey` 11000, …).
    public var code: DocketError.Code
    /// MongoDB's message.
    public var message: String
    /// For a duplicate key: the index's key pattern (`{_id: 1}`).
    public var keyPattern: BSONDocument?
    /// For a duplicate key: the duplicate value (`{_id: 5}`).
    public var keyValue: BSONDocument?

    /// Creates a write error.
    public init(
        index: Int, code: DocketError.Code, message: String, keyPattern: BSONDocument? = nil,
        keyValue: BSONDocument? = nil
    ) {
        self.index = index
        self.code = code
        self.message = message
        self.keyPattern = keyPattern
        self.keyValue = keyValue
    }

    /// Creates a write error from an engine error.
    public init(index: Int, _ error: DocketError) {
        self.init(index: index, code: error.code, message: error.message)
    }
}

/// The partial outcome of a write that failed: what was done before (or besides) the failures, and the failures.
///
/// Every error a write operation throws is a ``DocketError`` whose ``DocketError/underlying`` is a
/// `BulkWriteFailure`, reachable as ``DocketError/writeFailure``:
///
/// ```swift
/// do { try users.insertMany(docs, ordered: false) } catch let error as DocketError {
///     let failure = error.writeFailure!
///     print(failure.result.insertedCount, failure.writeErrors.map(\.index))
/// }
/// ```
public struct BulkWriteFailure: Error, Sendable {
    /// The failures, in index order. An ordered operation has exactly one; an unordered one may have several.
    public var writeErrors: [WriteError]
    /// What was done: for insertMany the inserted ids, for updates the counts up to the failing document.
    public var result: BulkWriteResult

    /// Creates a failure.
    public init(writeErrors: [WriteError], result: BulkWriteResult) {
        self.writeErrors = writeErrors
        self.result = result
    }
}

extension DocketError {
    /// The partial result and write errors of a failed write operation, if this error came from one.
    public var writeFailure: BulkWriteFailure? { underlying as? BulkWriteFailure }

    /// The error a write operation throws: the first write error's code and message, with the failure attached.
    init(_ failure: BulkWriteFailure) {
        let first = failure.writeErrors.first
        self.init(
            first?.code ?? .internalError,
            first?.message ?? "write failed",
            underlying: failure
        )
    }
}
