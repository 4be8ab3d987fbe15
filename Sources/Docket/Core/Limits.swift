import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Compares two strings byte for byte (Swift's `==` equates canonically equivalent strings; BSON does not).
@inline(__always) func bsonUTF8Equal(_ a: String, _ b: String) -> Bool {
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
    }
}

/// Whether a key starts with `$` (an operator), by its first byte.
@inline(__always) func isOperatorKey(_ key: String) -> Bool { key.utf8.first == UInt8(ascii: "$") }

/// MongoDB's limits, in one place. Every entry point checks them through ``StorageRules`` (what may be stored) and
/// ``ArgumentRules`` (what a filter, update, projection or sort may look like), so what one write path accepts
/// every read path can read.
enum Limits {
    /// The largest stored document: 16 MiB.
    static let maximumDocumentSize = BSONLimits.maximumDocumentSize
    /// The deepest field of a stored document, as MongoDB counts it (top-level fields are level 1): 100.
    static let maximumStorageNesting = 100
    /// The deepest nesting of documents and arrays in a command argument (filter, update, projection, sort): the
    /// BSON limit, so that no parser recurses deeper than a stored document can be.
    static let maximumArgumentNesting = BSONLimits.maximumDepth
    /// The most operations in one write batch.
    static let maximumWriteBatchSize = 100_000
}

/// The checks a document passes before it is stored: one rule for every write path (inserts, every update form,
/// upserts, replacements, bulk writes, the typed API).
///
/// - Size: at most 16 MiB (`BSONObjectTooLarge`, 10334).
/// - Nesting: no field deeper than level 100 (`Overflow`, 15, "Document exceeds maximum nesting depth of 100"),
///   which also keeps every stored document within the BSON reader's limit.
/// - `_id`: exactly one, stored first, not an array, regex or undefined (`InvalidIdField`, 53), no `$`-prefixed
///   fields inside (`DollarPrefixedFieldName`, 52); two `_id` fields are refused (`BadValue`, 2, "can't have
///   multiple _id fields in one document").
enum StorageRules {
    /// Why a document is being stored, for MongoDB's wording of the size error.
    enum Context: Sendable {
        case insert, update
    }

    /// Encodes a document for storage and checks its size and nesting (the caller has placed and checked `_id`).
    static func encode(_ document: BSONDocument, context: Context) throws(DocketError) -> RawDocument {
        let encoded: (bytes: [UInt8], deepestFieldLevel: Int)
        do {
            encoded = try document.bsonBytesAndFieldLevel()
        } catch {
            if error.kind == .depthLimitExceeded { throw nestingError() }
            throw DocketError(error)
        }
        try checkSize(encoded.bytes.count, context: context)
        guard encoded.deepestFieldLevel <= Limits.maximumStorageNesting else { throw nestingError() }
        return RawDocument(uncheckedBytes: encoded.bytes)
    }

    /// Checks the size of a document about to be stored.
    static func checkSize(_ size: Int, context: Context) throws(DocketError) {
        guard size > Limits.maximumDocumentSize else { return }
        switch context {
        case .insert:
            throw DocketError(
                .documentTooLarge,
                "object to insert too large. size in bytes: \(size), max size: \(Limits.maximumDocumentSize)")
        case .update:
            throw DocketError(
                .documentTooLarge, "Resulting document after update is larger than \(Limits.maximumDocumentSize)")
        }
    }

    /// Whether `value`, stored as a field of level `level`, puts a field deeper than the limit.
    ///
    /// The walk stops at the limit, so it is safe whatever the value's depth.
    static func exceedsNesting(_ value: BSONValue, atLevel level: Int) -> Bool {
        if level > Limits.maximumStorageNesting { return true }
        switch value {
        case .document(let d): return d.contains { exceedsNesting($0.value, atLevel: level + 1) }
        case .array(let a): return a.contains { exceedsNesting($0, atLevel: level + 1) }
        case .javascriptWithScope(let c): return c.scope.contains { exceedsNesting($0.value, atLevel: level + 1) }
        default: return false
        }
    }

    /// MongoDB's error for a document nested too deeply.
    static func nestingError() -> DocketError {
        DocketError(.overflow, "Document exceeds maximum nesting depth of \(Limits.maximumStorageNesting)")
    }

    /// Refuses a document with two top-level `_id` fields.
    static func checkSingleID(_ document: BSONDocument, firstAt index: Int) throws(DocketError) {
        // The fields are lent, not copied, and a key is compared only when it has three bytes: this runs on every
        // insert and every update that rewrites a whole document.
        var after = 0
        var i = 0
        document.forEachField { key, _ in
            if i > index && isIDKey(key) { after += 1 }
            i += 1
        }
        if after > 0 { throw DocketError(.badValue, "can't have multiple _id fields in one document") }
    }

    /// Whether a key is `_id`, by its bytes.
    @inline(__always) static func isIDKey(_ key: String) -> Bool {
        let utf8 = key.utf8
        guard utf8.count == 3 else { return false }
        var bytes = utf8.makeIterator()
        return bytes.next() == UInt8(ascii: "_") && bytes.next() == UInt8(ascii: "i")
            && bytes.next() == UInt8(ascii: "d")
    }

    /// mongod's `_id` rules for stored documents.
    static func validateID(_ id: BSONValue) throws(DocketError) {
        switch id {
        case .array: throw DocketError(.invalidIdField, "can't use an array for _id")
        case .regex: throw DocketError(.invalidIdField, "can't use a regex for _id")
        case .undefined: throw DocketError(.invalidIdField, "can't use a undefined for _id")
        case .document(let d):
            if let bad = d.first(where: { $0.key.hasPrefix("$") }) {
                throw DocketError(
                    .dollarPrefixedFieldName,
                    "_id fields may not contain '$'-prefixed fields: \(bad.key) is not valid for storage.")
            }
        default: break
        }
    }
}

/// A document ready to store: `_id` first, validated, encoded.
struct PreparedDocument: Sendable {
    let id: BSONValue
    let raw: RawDocument
}

extension PreparedDocument {
    /// Prepares a document for insertion: generates an ObjectId `_id` when absent, moves `_id` to the first position,
    /// and applies ``StorageRules``.
    /// - Throws: as ``StorageRules``; `BadValue` for unencodable values (a NUL byte in a key).
    init(forInsert document: BSONDocument) throws(DocketError) {
        var document = document
        let id: BSONValue
        if let first = document.first, bsonUTF8Equal(first.key, "_id") {
            id = first.value
            try StorageRules.checkSingleID(document, firstAt: 0)
        } else if let i = document.index(forKey: "_id") {
            try StorageRules.checkSingleID(document, firstAt: i)
            id = document.remove(at: i).value
            document.insert("_id", id, at: 0)
        } else {
            id = .objectID(ObjectID())
            document.insert("_id", id, at: 0)
        }
        try StorageRules.validateID(id)
        self.init(id: id, raw: try StorageRules.encode(document, context: .insert))
    }
}

/// The checks a command argument (filter, update, projection, sort; later pipelines) passes before it is parsed, so
/// that no parser recurses deeper than a stored document can be, on any thread.
enum ArgumentRules {
    /// Throws `Overflow` (15) when `argument` nests documents and arrays deeper than the BSON limit.
    ///
    /// - Parameter what: the argument's name in the message (`"filter"`, `"update"`, …).
    static func checkNesting(_ argument: BSONDocument, _ what: String) throws(DocketError) {
        if argument.nestsDeeper(than: Limits.maximumArgumentNesting) {
            throw DocketError(
                .overflow, "\(what) exceeds maximum nesting depth of \(Limits.maximumArgumentNesting)")
        }
    }

    /// The arguments `skip`, `limit` and `batchSize` must be non-negative (as the server checks them).
    static func checkNonNegative(_ value: Int, _ name: String) throws(DocketError) {
        guard value >= 0 else {
            throw DocketError(.badValue, "\(name) value must be non-negative, but received: \(value)")
        }
    }
}

extension RawDocument {
    /// Decodes a stored document for the engine: damaged bytes become `InvalidBSON` (22), never a trap.
    func decoded() throws(DocketError) -> BSONDocument {
        do throws(BSONError) { return try decode() } catch { throw DocketError(error) }
    }
}
