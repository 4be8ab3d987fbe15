import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The `docket` REPL on a real pseudo-terminal: line editing, Tab completion, history across sessions, Ctrl-C on a
/// line and during a running query, multi-line input, Ctrl-D.
@Suite(.serialized) struct ShellTerminalTests {
    /// A `docket` process started as a login shell is: in a session of its own whose controlling terminal is a
    /// pseudo-terminal the test types into. Ctrl-C typed while a query runs is then a SIGINT from the terminal, as for
    /// a person at a terminal.
    final class TerminalSession {
        let master: Int32
        let pid: pid_t
        private var status: Int32?
        var transcript = ""

        init(arguments: [String], home: String) throws {
            var master: Int32 = -1
            var slave: Int32 = -1
            var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
            // openpty copies the terminal's name into a buffer it trusts to be large enough (PATH_MAX).
            var name = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            guard openpty(&master, &slave, &name, nil, &size) == 0 else { throw POSIXError(.EIO) }
            defer { close(slave) }
            self.master = master
            let terminalPath = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)

            var environment = ProcessInfo.processInfo.environment
            environment["HOME"] = home
            environment["TERM"] = "xterm"
            environment["NO_COLOR"] = "1"
            let argv = [DocketExecutable.url.path] + arguments
            let envp = environment.map { "\($0.key)=\($0.value)" }

            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            // A new session (glibc's POSIX_SPAWN_SETSID, 0x80, not imported into Swift), an empty signal mask and
            // default signal actions: the test runner's blocked or ignored signals are not inherited.
            var none = sigset_t()
            sigemptyset(&none)
            var all = sigset_t()
            sigfillset(&all)
            posix_spawnattr_setsigmask(&attributes, &none)
            posix_spawnattr_setsigdefault(&attributes, &all)
            posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
            // The session leader opens the terminal without O_NOCTTY (after the setsid), so it becomes its
            // controlling terminal; then it is standard input, output and error.
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, terminalPath, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)

            var pid: pid_t = 0
            let result = Self.withCStrings(argv) { argv in
                Self.withCStrings(envp) { envp in
                    posix_spawn(&pid, argv[0]!, &actions, &attributes, argv, envp)
                }
            }
            guard result == 0 else {
                close(master)
                throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO)
            }
            self.pid = pid
        }

        private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
            let pointers = strings.map { strdup($0) } + [nil]
            defer { pointers.forEach { free($0) } }
            return body(pointers)
        }

        deinit {
            if status == nil {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
            close(master)
        }

        func type(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
        }

        /// The output seen so far without escape sequences and carriage returns.
        var plainTranscript: String {
            var result = ""
            var iterator = transcript.unicodeScalars.makeIterator()
            while let c = iterator.next() {
                if c == "\u{1B}" {
                    // CSI sequences end with a letter (or ~).
                    while let d = iterator.next(), !(d.properties.isAlphabetic || d == "~") {}
                } else if c != "\r" && c != "\u{7}" {
                    result.unicodeScalars.append(c)
                }
            }
            return result
        }

        /// Reads until the plain transcript contains `text` (or 10 seconds pass).
        @discardableResult
        func waitFor(_ text: String, timeout: Double = 10) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if plainTranscript.contains(text) { return true }
                var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
                if poll(&descriptor, 1, 50) > 0 {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let n = read(master, &buffer, buffer.count)
                    if n > 0 { transcript += String(decoding: buffer[..<n], as: UTF8.self) }
                    if n <= 0 { break }
                }
            }
            return plainTranscript.contains(text)
        }

        /// Waits (reading the output) for the process to exit, and returns its exit code; after 10 seconds it is
        /// killed and the result is -1.
        func finish() -> Int32 {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                if let status = exitStatus() { return status }
                waitFor("\u{0}", timeout: 0.1)
            }
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
            status = -1
            return -1
        }

        /// The exit code (or 128 + the signal) once the process has exited, else nil.
        private func exitStatus() -> Int32? {
            if let status { return status }
            var raw: Int32 = 0
            guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
            let signal = raw & 0x7F
            status = signal == 0 ? (raw >> 8) & 0xFF : 128 + signal
            return status
        }
    }

    static func home() throws -> String {
        let directory = NSTemporaryDirectory() + "docket-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func editingCompletionHistoryAndExit() throws {
        let home = try Self.home()
        let session = try TerminalSession(arguments: ["--quiet"], home: home)
        #expect(session.waitFor("test> "))
        session.type("db.users.insertOne({ _id: 1, name: 'Ada' })\r")
        #expect(session.waitFor("insertedId: 1"))
        // Tab completes a collection name, then a method.
        session.type("db.us\t")
        #expect(session.waitFor("db.users"))
        session.type(".countD\t")
        #expect(session.waitFor("db.users.countDocuments"))
        session.type("()\r")
        #expect(session.waitFor("countDocuments()\n1\n"))
        // A field name seen in the collection.
        session.type("db.users.find({ na\t")
        #expect(session.waitFor("db.users.find({ name"))
        session.type(": 'Ada' }, { _id: 0 })\r")
        #expect(session.waitFor("[ { name: 'Ada' } ]"))
        // Multi-line input continues while brackets are open.
        session.type("db.users.findOne({\r")
        #expect(session.waitFor("... "))
        session.type("_id: 1 }).name\r")
        #expect(session.waitFor("\nAda\n"))
        // Ctrl-C cancels the line being typed; nothing runs.
        session.type("db.users.drop()\u{3}")
        #expect(session.waitFor("^C"))
        session.type("db.users.countDocuments()\r")
        #expect(session.waitFor("countDocuments()\n1\n"))
        // Up recalls the previous input; Ctrl-A and Ctrl-K edit it.
        session.type("\u{1B}[A")
        session.type("\u{1}\u{B}6 * 7\r")
        #expect(session.waitFor("\n42\n"))
        // Ctrl-D on an empty line exits with 0. It is typed once the prompt is back: the editor's raw mode is on then
        // (typed earlier, the terminal's cooked mode would take it as an end-of-file the shell never reads).
        #expect(session.waitFor("\n42\ntest> "))
        session.type("\u{4}")
        #expect(session.finish() == 0)
        let history = try String(contentsOfFile: home + "/.docket_shell_history", encoding: .utf8)
        #expect(history.contains("db.users.insertOne({ _id: 1, name: 'Ada' })"))
        #expect(history.contains("6 * 7"))
        #expect(!history.contains("db.users.drop()"))

        // The next session sees the history: Up recalls the last input.
        let next = try TerminalSession(arguments: ["--quiet"], home: home)
        #expect(next.waitFor("test> "))
        next.type("\u{1B}[A\r")
        #expect(next.waitFor("\n42\n"))
        next.type("exit\r")
        #expect(next.finish() == 0)
    }

    @Test func wordJumpsAndShellCommandCompletion() throws {
        let session = try TerminalSession(arguments: ["--quiet"], home: try Self.home())
        #expect(session.waitFor("test> "))
        // Alt-B jumps to the start of the word before the cursor; text is inserted there.
        session.type("40 2\u{1B}b+ \r")
        #expect(session.waitFor("40 + 2\n42\n"))
        // Ctrl-Left (xterm's ESC[1;5D) does the same; Ctrl-E then Ctrl-Right at the end change nothing.
        session.type("6 9\u{1B}[1;5D* \u{5}\u{1B}[1;5C\r")
        #expect(session.waitFor("6 * 9\n54\n"))
        // Tab completes shell commands and their arguments.
        session.type("sh\t")
        #expect(session.waitFor("test> show"))
        session.type(" da\t\r")
        #expect(session.waitFor("show databases"))
        session.type("ex\t\r")
        #expect(session.finish() == 0)
    }

    @Test func ctrlCInterruptsARunningQueryAndTheShellGoesOn() throws {
        let session = try TerminalSession(arguments: ["--quiet"], home: try Self.home())
        #expect(session.waitFor("test> "))
        session.type("for (let i = 0; i < 2000; i++) db.items.insertOne({ i })\r")
        #expect(session.waitFor("insertedId"))
        // A query that never ends: each call scans the collection.
        session.type("let n = 0; while (true) { n += db.items.countDocuments({ i: { $gte: 0 } }) }\r")
        usleep(500_000)
        session.type("\u{3}")
        #expect(session.waitFor("MongoshInterruptedError"))
        session.type("n > 0 ? 'it ran' + '!' : 'it never ran'\r")
        #expect(session.waitFor("it ran!"))
        // The Ctrl-C of the query did not leave a pending interrupt: the next input runs normally.
        session.type("db.items.countDocuments()\r")
        #expect(session.waitFor("\n2000\ntest> "))
        session.type("\u{4}")
        #expect(session.finish() == 0)
    }

    @Test func reverseSearchFindsAnEarlierInput() throws {
        let home = try Self.home()
        let session = try TerminalSession(arguments: ["--quiet"], home: home)
        #expect(session.waitFor("test> "))
        session.type("'first ' + 'input'\r")
        #expect(session.waitFor("first input"))
        session.type("1 + 1\r")
        #expect(session.waitFor("\n2\n"))
        session.type("\u{12}first")
        #expect(session.waitFor("'first ' + 'input'"))
        session.type("\r")
        #expect(session.waitFor("first input\n", timeout: 5))
        session.type("quit\r")
        #expect(session.finish() == 0)
    }
}
