#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thin wrappers over the file descriptors of a terminal: raw mode, window size, and reads and writes that retry
/// on `EINTR`.
struct Terminal {
    let inputFD: Int32
    let outputFD: Int32

    /// The outcome of waiting for input.
    enum ReadResult: Equatable {
        case bytes([UInt8])
        /// Nothing arrived before the timeout.
        case timeout
        /// End of file, or an error such as `EIO` (the terminal went away): the editor reports `.endOfFile`.
        case endOfFile
    }

    /// Whether both descriptors are terminals, so the editor can use raw mode and escape sequences.
    var isInteractive: Bool { isatty(inputFD) == 1 && isatty(outputFD) == 1 }

    /// Switches the input terminal to raw mode and returns the previous attributes to pass to `restore(_:)`, or nil
    /// when the attributes cannot be read or set.
    ///
    /// The settings are those of `cfmakeraw` except that output post-processing (`OPOST`, so "\n" still moves to
    /// the start of the next line) is kept. `ISIG` is off, so Ctrl-C, Ctrl-Z and Ctrl-\ arrive as bytes. The
    /// change uses `TCSADRAIN`, not `TCSAFLUSH`, so keys typed ahead (and pasted text) are not discarded.
    func enableRawMode() -> termios? {
        var original = termios()
        guard tcgetattr(inputFD, &original) == 0 else { return nil }
        var raw = original
        raw.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        raw.c_cflag &= ~tcflag_t(CSIZE | PARENB)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_oflag |= tcflag_t(OPOST)
        withUnsafeMutableBytes(of: &raw.c_cc) { controlCharacters in
            controlCharacters[Int(VMIN)] = 1
            controlCharacters[Int(VTIME)] = 0
        }
        guard setAttributes(raw) else { return nil }
        return original
    }

    /// Restores attributes returned by `enableRawMode()`.
    func restore(_ attributes: termios) {
        _ = setAttributes(attributes)
    }

    private func setAttributes(_ attributes: termios) -> Bool {
        var attributes = attributes
        while tcsetattr(inputFD, TCSADRAIN, &attributes) != 0 {
            guard errno == EINTR else { return false }
        }
        return true
    }

    /// The terminal's width in columns (from `TIOCGWINSZ` on the output, then the input), or 80 when unknown.
    var columns: Int {
        for fd in [outputFD, inputFD] {
            var size = winsize()
            let status = withUnsafeMutablePointer(to: &size) { ioctl(fd, UInt(TIOCGWINSZ), $0) }
            if status == 0 && size.ws_col > 0 { return Int(size.ws_col) }
        }
        return 80
    }

    /// Waits up to `timeoutMilliseconds` (forever when nil) for input and reads what is available.
    func readInput(timeoutMilliseconds: Int32?) -> ReadResult {
        while true {
            var descriptor = pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeoutMilliseconds ?? -1)
            if ready < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .endOfFile
            }
            if ready == 0 { return .timeout }
            var buffer = [UInt8](repeating: 0, count: 1024)
            let count = buffer.withUnsafeMutableBytes { read(inputFD, $0.baseAddress, $0.count) }
            if count > 0 { return .bytes(Array(buffer[..<count])) }
            if count == 0 { return .endOfFile }
            if errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK { continue }
            return .endOfFile
        }
    }

    /// Writes all of `text`, retrying on `EINTR` and short writes; gives up silently on other errors (a closed
    /// terminal is noticed by the next read).
    func writeOutput(_ text: String) {
        guard !text.isEmpty else { return }
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(outputFD, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    if errno == EAGAIN || errno == EWOULDBLOCK {
                        var descriptor = pollfd(fd: outputFD, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&descriptor, 1, 1000)
                        continue
                    }
                    return
                }
                offset += written
            }
        }
    }
}
