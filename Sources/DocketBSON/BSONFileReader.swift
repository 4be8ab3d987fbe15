#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the documents of a `.bson` file (documents back to back, as mongodump writes them) one at a time.
///
/// The file is read in chunks, so memory use is bounded by the largest document. Each document is fully
/// validated; after an error, ``offset`` is the position of the document that failed and reading stops.
///
/// ```swift
/// var reader = try BSONFileReader(path: "users.bson")
/// while let document = try reader.next() { print(document.count) }
/// ```
public struct BSONFileReader: ~Copyable {
    private let fd: Int32
    private let path: String
    private let options: BSONReaderOptions
    private var buffer: [UInt8]
    private var start = 0  // first unread byte in `buffer`
    private var filled = 0  // bytes of `buffer` that hold file data
    private var atEOF = false
    private var failed = false

    /// The file offset of the next document to read (or of the document that failed to read).
    public private(set) var offset = 0

    /// Opens a file for reading.
    /// - Throws: ``BSONError`` (`.io`) if the file cannot be opened.
    public init(path: String, options: BSONReaderOptions = .default) throws(BSONError) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw BSONError(.io, "cannot open \(path): \(String(cString: strerror(errno)))") }
        self.fd = fd
        self.path = path
        self.options = options
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    deinit { close(fd) }

    /// Reads the next document's bytes (validated), or returns `nil` at a clean end of file.
    /// - Throws: ``BSONError`` for an invalid or truncated document, with the file offset of the problem.
    public mutating func nextBytes() throws(BSONError) -> [UInt8]? {
        try readDocument { buffer, range, base, options throws(BSONError) in
            try BSONValidator.validate(
                UnsafeRawBufferPointer(rebasing: buffer[range]), options: options, baseOffset: base)
        }.map { Array(buffer[$0]) }
    }

    /// Reads and decodes the next document, or returns `nil` at a clean end of file.
    /// - Throws: ``BSONError`` for an invalid or truncated document, with the file offset of the problem.
    public mutating func next() throws(BSONError) -> BSONDocument? {
        var document: BSONDocument?
        _ = try readDocument { buffer, range, base, options throws(BSONError) in
            document = try BSONDocument(
                bsonBuffer: UnsafeRawBufferPointer(rebasing: buffer[range]), options: options, baseOffset: base)
        }
        return document
    }

    /// Buffers the next document, lets `body` validate or decode it, and advances past it; returns the
    /// document's range in `buffer`, or `nil` at a clean end of file.
    private mutating func readDocument(
        _ body: (UnsafeRawBufferPointer, Range<Int>, Int, BSONReaderOptions) throws(BSONError) -> Void
    ) throws(BSONError) -> Range<Int>? {
        guard !failed else { return nil }
        do throws(BSONError) {
            guard try fill(4) else {
                if filled > start {
                    throw BSONError(.unexpectedEnd, "file ends inside a document's length prefix", byteOffset: offset)
                }
                return nil
            }
            let at = start
            let length = buffer.withUnsafeBytes {
                Int(Int32(littleEndian: $0.loadUnaligned(fromByteOffset: at, as: Int32.self)))
            }
            guard length >= 5 else {
                throw BSONError(.invalidLength, "document length \(length) is less than 5", byteOffset: offset)
            }
            guard length <= options.maxDocumentSize else {
                throw BSONError(
                    .sizeLimitExceeded,
                    "document length \(length) exceeds the limit of \(options.maxDocumentSize) bytes",
                    byteOffset: offset
                )
            }
            guard try fill(length) else {
                throw BSONError(
                    .unexpectedEnd,
                    "file ends inside a document: \(filled - start) of its \(length) bytes remain",
                    byteOffset: offset
                )
            }
            let range = start..<(start + length)
            let (base, options) = (offset, options)
            let result = buffer.withUnsafeBytes { raw in
                Result { () throws(BSONError) in try body(raw, range, base, options) }
            }
            try result.get()
            start += length
            offset += length
            return range
        } catch {
            failed = true
            throw error
        }
    }

    /// Ensures `count` unread bytes are buffered; `false` if the file ends first.
    private mutating func fill(_ count: Int) throws(BSONError) -> Bool {
        if filled - start >= count { return true }
        if start > 0 {
            let unread = filled - start
            buffer.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: unread)
            }
            filled = unread
            start = 0
        }
        if buffer.count < count { buffer.append(contentsOf: repeatElement(0, count: count - buffer.count)) }
        while filled < count && !atEOF {
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw BSONError(.io, "cannot read \(path): \(String(cString: strerror(errno)))", byteOffset: offset)
            }
            if n == 0 { atEOF = true }
            filled += n
        }
        return filled - start >= count
    }
}
