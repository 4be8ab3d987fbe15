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
final class OutputStream {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32 = 1) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
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
