import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A failure to write a dataset file.
public struct DatasetFileError: Error, Sendable, CustomStringConvertible {
    /// The file's path.
    public var path: String
    /// What was being done (`"open"`, `"write"`, `"close"`).
    public var operation: String
    /// The `errno` value reported by the C library.
    public var code: Int32

    /// Creates an error.
    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(code)))"
    }
}

extension UserGenerator {
    /// The BSON of documents `0..<count`, back to back (the contents of `users_N.bson`).
    public func bsonBytes(count: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count * 320)
        for i in 0..<count { appendBSON(of: i, to: &out) }
        return out
    }

    /// Appends the BSON of document `index` to `output`.
    func appendBSON(of index: Int, to output: inout [UInt8]) {
        do {
            try document(at: index).appendBSON(to: &output)
        } catch {
            // Generated keys and strings never contain NUL bytes, the only thing that makes encoding fail.
            preconditionFailure("generated document \(index) cannot be encoded: \(error)")
        }
    }
}

/// Writes documents `0..<count` of the dataset with `seed` to `path` as BSON, back to back (`users_N.bson`,
/// as mongodump writes a collection).
///
/// ```swift
/// try writeUsersBSON(count: 100_000, to: "users_100000.bson") { done in print(done) }
/// ```
/// - Parameters:
///   - progress: called with the number of documents written so far, every 10 000 documents and at the end.
/// - Throws: ``DatasetFileError`` if the file cannot be created or written.
public func writeUsersBSON(
    count: Int,
    seed: UInt64 = UserGenerator.canonicalSeed,
    to path: String,
    progress: (Int) -> Void = { _ in }
) throws(DatasetFileError) {
    let generator = UserGenerator(seed: seed)
    try writeDocuments(count: count, to: path, progress: progress) { i, chunk in
        generator.appendBSON(of: i, to: &chunk)
    }
}

/// Writes documents `0..<count` of the dataset with `seed` to `path` as relaxed Extended JSON, one document per
/// line (`users_N.jsonl`, as `mongoexport` writes a collection).
///
/// ```swift
/// try writeUsersJSONL(count: 100_000, to: "users_100000.jsonl")
/// ```
/// - Parameters:
///   - progress: called with the number of documents written so far, every 10 000 documents and at the end.
/// - Throws: ``DatasetFileError`` if the file cannot be created or written.
public func writeUsersJSONL(
    count: Int,
    seed: UInt64 = UserGenerator.canonicalSeed,
    to path: String,
    progress: (Int) -> Void = { _ in }
) throws(DatasetFileError) {
    let generator = UserGenerator(seed: seed)
    try writeDocuments(count: count, to: path, progress: progress) { i, chunk in
        generator.document(at: i).appendExtendedJSON(to: &chunk, mode: .relaxed)
        chunk.append(UInt8(ascii: "\n"))
    }
}

/// Writes documents `0..<count` to `path` in chunks of about ``OutputFile/chunkSize`` bytes; `append` adds
/// document `i`'s bytes to the current chunk.
private func writeDocuments(
    count: Int,
    to path: String,
    progress: (Int) -> Void,
    append: (Int, inout [UInt8]) -> Void
) throws(DatasetFileError) {
    var file = try OutputFile(path: path)
    var chunk: [UInt8] = []
    chunk.reserveCapacity(OutputFile.chunkSize + 4096)
    for i in 0..<count {
        append(i, &chunk)
        if chunk.count >= OutputFile.chunkSize {
            try file.write(chunk)
            chunk.removeAll(keepingCapacity: true)
        }
        if (i + 1) % 10_000 == 0 { progress(i + 1) }
    }
    try file.write(chunk)
    try file.close()
    progress(count)
}

/// Writes the W2–W4 keys for the first `documentCount` documents of the dataset with `seed` to `path`
/// (`keys_N.json`; see ``WorkloadKeys/jsonText`` for the format).
/// - Throws: ``DatasetFileError`` if the file cannot be created or written.
public func writeWorkloadKeys(
    documentCount: Int,
    seed: UInt64 = UserGenerator.canonicalSeed,
    to path: String
) throws(DatasetFileError) {
    let keys = WorkloadKeys(documentCount: documentCount, generator: UserGenerator(seed: seed))
    var file = try OutputFile(path: path)
    try file.write(Array(keys.jsonText.utf8))
    try file.close()
}

/// A file opened for writing with `fopen`; closed exactly once.
struct OutputFile: ~Copyable {
    /// The size at which writers hand their buffered bytes to the file.
    static let chunkSize = 1 << 20

    private let handle: UnsafeMutablePointer<FILE>
    private let path: String
    private var isClosed = false

    init(path: String) throws(DatasetFileError) {
        guard let handle = fopen(path, "wb") else { throw DatasetFileError(path: path, operation: "open", code: errno) }
        self.handle = handle
        self.path = path
    }

    mutating func write(_ bytes: [UInt8]) throws(DatasetFileError) {
        guard !bytes.isEmpty else { return }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else { throw DatasetFileError(path: path, operation: "write", code: errno) }
    }

    consuming func close() throws(DatasetFileError) {
        isClosed = true
        guard fclose(handle) == 0 else { throw DatasetFileError(path: path, operation: "close", code: errno) }
    }

    deinit {
        if !isClosed { fclose(handle) }
    }
}
