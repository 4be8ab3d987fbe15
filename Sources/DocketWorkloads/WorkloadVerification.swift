import DocketBSON

/// An answer of a workload that is not what the dataset and the keys say it must be.
public struct WorkloadVerificationError: Error, Sendable, CustomStringConvertible {
    /// The workload (`"W2"`, `"W3"`, `"W4a"`, ...).
    public var workload: String
    /// What was wrong.
    public var message: String

    /// Creates an error.
    public init(workload: String, message: String) {
        self.workload = workload
        self.message = message
    }

    public var description: String { "\(workload): \(message)" }
}

/// The checks `docket-bench` (and its tests) apply to every answer of the canonical workloads.
///
/// The expected answers come from the seeded generator, never from the system under test: a lookup must return
/// the very document the key was drawn from, a range page must equal a brute-force top-k over the generated
/// `created_at` values, and an update run must modify exactly as many documents as a replay of its keys says.
///
/// ```swift
/// let verifier = WorkloadVerifier(documentCount: 10_000)
/// try verifier.checkLookup(keys.w2[0], found: try users.findOne(["email": .string(keys.w2[0].email)]))
/// ```
public struct WorkloadVerifier: Sendable {
    /// The dataset's generator.
    public let generator: UserGenerator
    /// The number of documents in the collection.
    public let documentCount: Int

    /// Creates a verifier for the first `documentCount` documents of `generator`'s dataset.
    public init(documentCount: Int, generator: UserGenerator = UserGenerator()) {
        self.documentCount = documentCount
        self.generator = generator
    }

    /// Checks a W2 answer: the document found for `key` is document `key.index` (its `_id` and `email`).
    /// - Throws: ``WorkloadVerificationError`` when nothing or another document was found.
    public func checkLookup(_ key: WorkloadKeys.Lookup, found: BSONDocument?) throws(WorkloadVerificationError) {
        guard let found else {
            throw WorkloadVerificationError(workload: "W2", message: "no document for email \(key.email)")
        }
        guard found["email"] == .string(key.email) else {
            throw WorkloadVerificationError(
                workload: "W2",
                message: "lookup of \(key.email) returned a document with email \(String(describing: found["email"]))"
            )
        }
        guard found["_id"] == .objectID(generator.objectID(at: key.index)) else {
            throw WorkloadVerificationError(
                workload: "W2",
                message: "lookup of \(key.email) returned _id \(String(describing: found["_id"])), "
                    + "not document \(key.index)"
            )
        }
    }

    /// Checks the shape of a W3 page: at most `limit` documents, each `created_at` in `[range.lo, range.hi)`, in
    /// descending `created_at` order. Returns the page's `created_at` values.
    /// - Throws: ``WorkloadVerificationError`` naming the first violation.
    @discardableResult
    public func checkRangePage(
        _ range: WorkloadKeys.Range,
        limit: Int,
        page: [BSONDocument]
    ) throws(WorkloadVerificationError) -> [Int64] {
        guard page.count <= limit else {
            throw WorkloadVerificationError(workload: "W3", message: "\(page.count) documents for limit \(limit)")
        }
        var values: [Int64] = []
        values.reserveCapacity(page.count)
        for document in page {
            guard case .datetime(let value)? = document["created_at"] else {
                throw WorkloadVerificationError(workload: "W3", message: "a document without a datetime created_at")
            }
            guard value >= range.lo, value < range.hi else {
                throw WorkloadVerificationError(
                    workload: "W3",
                    message: "created_at \(value) outside [\(range.lo), \(range.hi))"
                )
            }
            if let previous = values.last, previous < value {
                throw WorkloadVerificationError(
                    workload: "W3",
                    message: "created_at \(value) after \(previous): not sorted descending"
                )
            }
            values.append(value)
        }
        return values
    }

    /// The `created_at` values W3 must return for `range`, by brute force over the generated documents: the
    /// `limit` largest values in the range, descending. `createdAt` holds document `i`'s value at index `i`
    /// (see ``createdAtValues()``).
    public static func expectedRangePage(_ range: WorkloadKeys.Range, limit: Int, createdAt: [Int64]) -> [Int64] {
        var top: [Int64] = []
        for value in createdAt where value >= range.lo && value < range.hi {
            if top.count < limit {
                top.append(value)
                top.sort(by: >)
            } else if let smallest = top.last, value > smallest {
                top[top.count - 1] = value
                top.sort(by: >)
            }
        }
        return top
    }

    /// Every document's `created_at`, by document index.
    public func createdAtValues() -> [Int64] {
        (0..<documentCount).map { generator.user(at: $0).createdAt }
    }

    /// Checks a W3 page against the brute-force answer (shape first, then the exact `created_at` sequence).
    /// - Throws: ``WorkloadVerificationError`` when the page differs.
    public func checkRangePage(
        _ range: WorkloadKeys.Range,
        limit: Int,
        page: [BSONDocument],
        createdAt: [Int64]
    ) throws(WorkloadVerificationError) {
        let values = try checkRangePage(range, limit: limit, page: page)
        let expected = WorkloadVerifier.expectedRangePage(range, limit: limit, createdAt: createdAt)
        guard values == expected else {
            throw WorkloadVerificationError(
                workload: "W3",
                message: "page for [\(range.lo), \(range.hi)) has created_at \(values), brute force says \(expected)"
            )
        }
    }
}

/// A replay of a W4 run over the generated values: which `$set`s change their document, and the values every
/// updated document holds afterwards.
///
/// ```swift
/// var replay = UpdateReplay.w4a(keys: keys.w4a, generator: UserGenerator())
/// let modified = replay.run(runIndex: 0)   // the number of updates that must report modifiedCount 1
/// ```
public struct UpdateReplay: Sendable {
    /// `"W4a"` or `"W4b"`.
    public let workload: String
    /// The field the updates set (`status`, `teams.0.role`).
    public let field: String
    /// The values run `r` cycles through.
    public let values: [String]
    /// The updates, in order.
    public let keys: [WorkloadKeys.Update]
    /// The current value of every document touched so far, by document index.
    public private(set) var current: [Int: String]
    private let initialValue: @Sendable (Int) -> String

    /// A replay of W4a (`status`).
    public static func w4a(keys: [WorkloadKeys.Update], generator: UserGenerator) -> UpdateReplay {
        UpdateReplay(workload: "W4a", field: "status", values: WorkloadKeys.w4aValues, keys: keys) {
            generator.user(at: $0).status
        }
    }

    /// A replay of W4b (`teams.0.role`).
    public static func w4b(keys: [WorkloadKeys.Update], generator: UserGenerator) -> UpdateReplay {
        UpdateReplay(workload: "W4b", field: "teams.0.role", values: WorkloadKeys.w4bValues, keys: keys) {
            generator.user(at: $0).teams.first?.role ?? ""
        }
    }

    init(
        workload: String,
        field: String,
        values: [String],
        keys: [WorkloadKeys.Update],
        initialValue: @escaping @Sendable (Int) -> String
    ) {
        self.workload = workload
        self.field = field
        self.values = values
        self.keys = keys
        self.current = [:]
        self.initialValue = initialValue
    }

    /// The value update `key` writes in run `runIndex`.
    public func value(for key: WorkloadKeys.Update, runIndex: Int) -> String {
        values[(key.valueIndex + runIndex) % values.count]
    }

    /// The value document `index` holds now (its generated value if no update touched it).
    public func value(ofDocument index: Int) -> String { current[index] ?? initialValue(index) }

    /// Applies run `runIndex`'s updates, in order, to the replayed values; returns how many change their document
    /// (the total `modifiedCount` the run must report).
    public mutating func run(runIndex: Int) -> Int {
        var modified = 0
        for key in keys {
            let new = value(for: key, runIndex: runIndex)
            if value(ofDocument: key.index) != new { modified += 1 }
            current[key.index] = new
        }
        return modified
    }

    /// Checks a run's totals: every update matched exactly one document and `modified` equals the replay's count.
    /// - Throws: ``WorkloadVerificationError`` otherwise.
    public func checkTotals(matchedOne: Int, modified: Int, expectedModified: Int) throws(WorkloadVerificationError) {
        guard matchedOne == keys.count else {
            throw WorkloadVerificationError(
                workload: workload,
                message: "\(keys.count - matchedOne) of \(keys.count) updates did not match exactly one document"
            )
        }
        guard modified == expectedModified else {
            throw WorkloadVerificationError(
                workload: workload,
                message: "modifiedCount totals \(modified), the replay of the keys says \(expectedModified)"
            )
        }
    }

    /// Checks that `document` (document `index`, as stored after the run) holds the replayed value of ``field``.
    /// - Throws: ``WorkloadVerificationError`` otherwise.
    public func checkDocument(_ document: BSONDocument?, index: Int) throws(WorkloadVerificationError) {
        let expected = value(ofDocument: index)
        guard document?[path: field] == .string(expected) else {
            throw WorkloadVerificationError(
                workload: workload,
                message: "document \(index) has \(field) = \(String(describing: document?[path: field])), "
                    + "expected \(expected)"
            )
        }
    }
}

/// W6's visit checksum: for every element, its key's UTF-8 length plus a reading of its value, recursively. It is
/// the checksum `docket_bench_visit` (Sources/CLibBSON/shim.h) computes with libbson, so both visits can be checked
/// against each other and neither can be optimised away.
public func visitChecksum(_ document: BSONDocument) -> UInt64 {
    var sum: UInt64 = 0
    // `forEachField` lends each key and value; `for (key, value) in document` would copy them.
    document.forEachField { key, value in sum &+= UInt64(key.utf8.count) &+ visitChecksum(value) }
    return sum
}

/// The checksum of one value (see ``visitChecksum(_:)-(BSONDocument)``).
public func visitChecksum(_ value: BSONValue) -> UInt64 {
    switch value {
    case .string(let s): return UInt64(s.utf8.count)
    case .int32(let v): return UInt64(bitPattern: Int64(v))
    case .int64(let v), .datetime(let v): return UInt64(bitPattern: v)
    case .double(let d): return d.bitPattern
    case .bool(let b): return b ? 1 : 0
    case .objectID(let id): return UInt64(id.timestamp)
    case .document(let d): return visitChecksum(d)
    case .array(let a):
        var sum: UInt64 = 0
        for (i, v) in a.enumerated() { sum &+= UInt64(i < 10 ? 1 : String(i).utf8.count) &+ visitChecksum(v) }
        return sum
    default: return 1
    }
}

/// The byte offsets of the documents in a `.bson` buffer (documents back to back): document `i` spans
/// `offsets[i]..<offsets[i + 1]`.
/// - Throws: ``WorkloadVerificationError`` (workload `"data"`) when a length prefix is shorter than 5 bytes or runs
///   past the end.
public func documentOffsets(in bytes: [UInt8]) throws(WorkloadVerificationError) -> [Int] {
    var offsets: [Int] = [0]
    var p = 0
    while p < bytes.count {
        guard bytes.count - p >= 5 else {
            throw WorkloadVerificationError(workload: "data", message: "truncated document at byte \(p)")
        }
        let length = Int(
            UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24)
        guard length >= 5, length <= bytes.count - p else {
            throw WorkloadVerificationError(workload: "data", message: "bad document length \(length) at byte \(p)")
        }
        p += length
        offsets.append(p)
    }
    return offsets
}
