#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads lines from a descriptor that is not a terminal (a pipe or a file), with no editing and no escape codes.
///
/// Bytes are read in blocks and kept between calls, so a block holding several lines serves several calls. A line
/// ends at "\n" (a "\r" before it is dropped); a last line without a newline is still returned. Invalid UTF-8 is
/// replaced with U+FFFD. `EINTR` is retried; end of file and read errors end the input.
struct PlainLineReader {
    let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var isAtEnd = false

    init(fd: Int32) {
        self.fd = fd
    }

    /// The next line without its line terminator, or nil at the end of the input.
    mutating func readLine() -> String? {
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start && buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = newline + 1
                return line
            }
            let scanned = buffer.count - start  // fill() moves the unread bytes to the front
            if isAtEnd || !fill() {
                isAtEnd = true
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            searchFrom = start + scanned
        }
    }

    /// Reads one more block; false at the end of the input.
    private mutating func fill() -> Bool {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var block = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: block[..<count])
                return true
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, -1)
                continue
            }
            return false
        }
    }
}
