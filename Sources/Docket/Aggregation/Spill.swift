import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Spilling to disk (ARCHITECTURE.md, "aggregation"). `$sort`, `$group` and `$bucketAuto` hold their input; past
// MongoDB's 100 MB per-stage limit they fail with code 292 only when the pipeline says `allowDiskUse: false`.
// Otherwise (the default since MongoDB 6.0) they write what they hold to temporary files and go on:
//
// - `$sort` writes its buffer, sorted, as one run per spill, then merges the runs and what is left in memory (an
//   external merge sort; ties keep input order, as in memory).
// - `$bucketAuto` does the same with `{k: groupBy value, d: document}` entries, then fills its buckets from the
//   merge.
// - `$group` keeps the groups it holds and sends the documents of every later new key to one of 16 partition files
//   by a hash of the key (a grace hash aggregation); each partition is then grouped on its own, spilling again if it
//   must. No group is split between memory and a file, so accumulators never need merging.
//
// The files live in a private directory (`mkdtemp`, mode 0700) under `$TMPDIR` (or `/tmp`), one per stage run, and
// are removed with it when the stage is done. They hold BSON documents back to back; each is validated as it is read
// back, so a damaged file is an error, never a crash.

/// Counts a pipeline run's spills for its statistics (`ExecutionStats.spills`, `spilledBytes`).
final class SpillCounter: Sendable {
    private let counts = LockedValue((spills: 0, bytes: 0))

    func record(bytes: Int) { counts.withLock { $0 = ($0.spills + 1, $0.bytes + bytes) } }

    var spills: Int { counts.withLock { $0.spills } }
    var bytes: Int { counts.withLock { $0.bytes } }
}

/// A private temporary directory of spill files, removed (with its files) when released.
final class SpillDirectory {
    let path: String
    private var files: [String] = []

    /// - Throws: `OperationFailed` (96) when the directory cannot be created.
    init() throws(DocketError) {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/docket-spill-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else {
            throw DocketError(
                .operationFailed,
                "Could not create a temporary directory for spilling under \(base): "
                    + String(cString: strerror(errno)))
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        for file in files { unlink(file) }
        rmdir(path)
    }

    /// A new, empty spill file in this directory.
    func makeFile() throws(DocketError) -> SpillFile {
        let file = "\(path)/spill-\(files.count)"
        files.append(file)
        return try SpillFile(path: file)
    }
}

/// One spill file: written front to back, then read front to back (after ``rewind()``).
final class SpillFile {
    private let handle: UnsafeMutablePointer<FILE>
    private let path: String
    /// The bytes written.
    private(set) var size = 0
    private var header = [UInt8](repeating: 0, count: 4)

    fileprivate init(path: String) throws(DocketError) {
        guard let handle = fopen(path, "w+b") else {
            throw DocketError(
                .operationFailed, "Could not create the spill file \(path): " + String(cString: strerror(errno)))
        }
        self.handle = handle
        self.path = path
    }

    deinit { fclose(handle) }

    /// Appends one document.
    /// - Throws: `OperationFailed` (96) when the write fails (a full disk); `BSONObjectTooLarge` or another encoding
    ///   error for an in-memory document that cannot be encoded.
    func append(_ document: PipelineDocument) throws(DocketError) {
        let bytes: [UInt8]
        switch document {
        case .stored(let raw):
            bytes = raw.bytes
        case .value(let value):
            do throws(BSONError) { bytes = try RawDocument(value).bytes } catch { throw DocketError(error) }
        }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        guard written == bytes.count else { throw failure("write to") }
        size += bytes.count
    }

    /// Finishes writing; reading starts at the first document.
    func rewind() throws(DocketError) {
        guard fflush(handle) == 0, fseek(handle, 0, SEEK_SET) == 0 else { throw failure("rewind") }
    }

    /// The next document, or `nil` at the end of the file.
    /// - Throws: `OperationFailed` (96) for a read error or a truncated file; `InvalidBSON` (22) for damaged bytes.
    func next() throws(DocketError) -> RawDocument? {
        let got = header.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4, handle) }
        if got == 0 && feof(handle) != 0 { return nil }
        guard got == 4 else { throw failure("read") }
        let length = Int(Int32(littleEndian: header.withUnsafeBytes { $0.loadUnaligned(as: Int32.self) }))
        guard length >= 5, length <= 2 * Limits.maximumDocumentSize else { throw failure("read a damaged") }
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.replaceSubrange(0..<4, with: header)
        let rest = bytes.withUnsafeMutableBytes { fread($0.baseAddress! + 4, 1, length - 4, handle) }
        guard rest == length - 4 else { throw failure("read a truncated") }
        do throws(BSONError) { return try RawDocument(validating: bytes) } catch { throw DocketError(error) }
    }

    private func failure(_ action: String) -> DocketError {
        DocketError(.operationFailed, "Could not \(action) spill file \(path): " + String(cString: strerror(errno)))
    }
}

/// Yields the documents of a spill file, as stored pipeline documents.
final class SpillFileRunner: StageRunner {
    private let file: SpillFile

    init(_ file: SpillFile) { self.file = file }

    func next() throws(DocketError) -> PipelineDocument? { try file.next().map { .stored($0) } }
}
