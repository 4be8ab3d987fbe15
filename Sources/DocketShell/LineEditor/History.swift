#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The shell's command history: entries oldest first, without blank lines or consecutive duplicates, capped at
/// `maximumCount` (the oldest entries are dropped first).
///
/// `LineEditor` adds every submitted input and lets the user walk the entries with Up/Down and search them with
/// Ctrl-R. Persist it between sessions with `save(to:)` and `load(from:maximumCount:)`:
///
/// ```swift
/// let path = homeDirectory + "/.docket_shell_history"
/// let editor = LineEditor(history: History.load(from: path))
/// // ... read lines ...
/// try? editor.history.save(to: path)
/// ```
///
/// File format: UTF-8 text, one entry per line. A backslash escapes the characters that would break the format:
/// `\\` is a backslash, `\n` a newline and `\r` a carriage return, so multi-line entries round-trip. Loading never
/// fails: a missing, unreadable or garbled file (not UTF-8, or holding NUL bytes) gives an empty history.
public struct History: Sendable, Equatable {
    /// The entries, oldest first.
    public private(set) var entries: [String]
    /// The largest number of entries kept; adding beyond it drops the oldest.
    public let maximumCount: Int

    /// Creates an empty history that keeps at most `maximumCount` entries (at least one).
    public init(maximumCount: Int = 1000) {
        self.maximumCount = max(1, maximumCount)
        entries = []
    }

    /// Creates a history holding `entries` (filtered as `add(_:)` does).
    public init(_ entries: some Sequence<String>, maximumCount: Int = 1000) {
        self.init(maximumCount: maximumCount)
        for entry in entries { add(entry) }
    }

    /// Appends `entry`, unless it is blank (only whitespace) or equal to the newest entry.
    ///
    /// When the history is full the oldest entry is dropped.
    public mutating func add(_ entry: String) {
        guard !entry.allSatisfy(\.isWhitespace), entry != entries.last else { return }
        entries.append(entry)
        if entries.count > maximumCount { entries.removeFirst(entries.count - maximumCount) }
    }

    /// Removes every entry.
    public mutating func removeAll() {
        entries.removeAll()
    }

    // MARK: Persistence

    /// Writes the history to `path` atomically, readable and writable only by the owner (mode 0600).
    ///
    /// The entries go to a temporary file next to `path` (created with `O_EXCL`, mode 0600), which is synced and
    /// then renamed over `path`, so a crash never leaves a half-written history.
    ///
    /// - Throws: `HistoryError` with the failing operation and `errno`.
    public func save(to path: String) throws(HistoryError) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.reduce(0) { $0 + $1.utf8.count + 1 })
        for entry in entries {
            bytes.append(contentsOf: Self.escape(entry).utf8)
            bytes.append(UInt8(ascii: "\n"))
        }
        let temporaryPath = "\(path).tmp-\(getpid())"
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC
        var fd = open(temporaryPath, flags, 0o600)
        if fd < 0 && errno == EEXIST {
            // A stale temporary file left by a crashed session that had the same process id.
            unlink(temporaryPath)
            fd = open(temporaryPath, flags, 0o600)
        }
        guard fd >= 0 else { throw HistoryError(operation: "open", path: temporaryPath, code: errno) }
        var failure: HistoryError?
        if fchmod(fd, 0o600) != 0 {
            failure = HistoryError(operation: "fchmod", path: temporaryPath, code: errno)
        } else if let code = Self.writeAll(fd, bytes) {
            failure = HistoryError(operation: "write", path: temporaryPath, code: code)
        } else if fsync(fd) != 0 {
            failure = HistoryError(operation: "fsync", path: temporaryPath, code: errno)
        }
        if close(fd) != 0 && failure == nil {
            failure = HistoryError(operation: "close", path: temporaryPath, code: errno)
        }
        if failure == nil && rename(temporaryPath, path) != 0 {
            failure = HistoryError(operation: "rename", path: path, code: errno)
        }
        if let failure {
            unlink(temporaryPath)
            throw failure
        }
    }

    /// Reads a history saved by `save(to:)`; a missing or garbled file gives an empty history.
    ///
    /// Only the newest `maximumCount` entries are kept.
    public static func load(from path: String, maximumCount: Int = 1000) -> History {
        var history = History(maximumCount: maximumCount)
        guard let bytes = readFile(path), !bytes.contains(0), String(validating: bytes, as: UTF8.self) != nil
        else { return history }
        for var line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }  // a file edited with CRLF line ends
            history.add(unescape(String(decoding: line, as: UTF8.self)))
        }
        return history
    }

    /// Escapes backslashes, newlines and carriage returns so the entry fits on one line of the file.
    static func escape(_ entry: String) -> String {
        var result = ""
        result.reserveCapacity(entry.utf8.count)
        for scalar in entry.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Reverses `escape(_:)`. An unknown escape or a trailing lone backslash is kept literally.
    static func unescape(_ line: String) -> String {
        var result = ""
        var scalars = line.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\\" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalars.next() {
            case "\\": result += "\\"
            case "n": result += "\n"
            case "r": result += "\r"
            case let other?:
                result += "\\"
                result.unicodeScalars.append(other)
            case nil:
                result += "\\"
            }
        }
        return result
    }

    /// Writes all of `bytes`, retrying on EINTR and short writes; returns the errno on failure.
    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { buffer -> Int32? in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }

    /// The whole content of the regular file at `path`, or nil when it cannot be read.
    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[..<count])
        }
    }
}

/// A failure to save the history file: which system call failed, on which path, and its `errno`.
public struct HistoryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The failing system call: "open", "fchmod", "write", "fsync", "close" or "rename".
    public var operation: String
    /// The file the call failed on (the temporary file, or the history file for "rename").
    public var path: String
    /// The `errno` value.
    public var code: Int32

    /// A message for the user, such as "cannot save history: rename /home/u/.docket_shell_history: Permission denied".
    public var description: String {
        "cannot save history: \(operation) \(path): \(String(cString: strerror(code)))"
    }
}
