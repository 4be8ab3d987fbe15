import ArgumentParser
import Docket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `docket` executable: the shell (`docket [PATH] [script.js …] [--eval CODE] …`), or one of the tools
/// (`docket bsondump FILE`, `docket generate-users …`, `docket aggregate …`).
@main
enum Main {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, ToolsCommand.toolNames.contains(first) {
            ToolsCommand.main(arguments)
        } else {
            ShellCommand.launch(arguments)
        }
    }
}

/// The tools: `docket bsondump`, `docket generate-users` and `docket aggregate`.
struct ToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Docket: a MongoDB-style document database in pure Swift.",
        version: docketVersion,
        subcommands: [BSONDump.self, GenerateUsers.self, AggregateCommand.self]
    )

    static let toolNames: Set<String> = ["bsondump", "generate-users", "aggregate"]
}

/// Buffered writing to a file descriptor (one `write(2)` per 64 KiB, not per line).
///
/// A failed write (a full disk, `/dev/full`, a closed pipe) is remembered, later writes are dropped, and
/// ``finish()`` reports it: a command never claims success for output that was not written.
final class OutputStream {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// The `errno` of the first failed write, if any.
    private(set) var failure: Int32?

    init(fd: Int32 = 1) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ string: String) {
        guard failure == nil else { return }
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    failure = n < 0 ? errno : EIO
                    return
                }
                done += n
            }
        }
    }

    /// Flushes, then throws if any write failed.
    func finish(command: String) throws {
        flush()
        if let failure {
            printError("docket \(command): error: writing the output failed: \(String(cString: strerror(failure)))")
            throw ExitCode.failure
        }
    }

    deinit { flush() }
}

@available(*, unavailable)
extension OutputStream: Sendable {}

/// Writes a line to standard error.
func printError(_ message: String) {
    let stream = OutputStream(fd: 2)
    stream.write(message + "\n")
    stream.flush()
}
