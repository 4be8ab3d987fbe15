import Glibc
import Testing

@testable import DocketShell

// MARK: Harness

/// Seconds on the monotonic clock.
private func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Starts a detached thread running `body`.
private func spawnThread(_ body: @escaping () -> Void) {
    let box = Unmanaged.passRetained(ThreadBody(body))
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, box.toOpaque())
    precondition(status == 0, "pthread_create failed")
    pthread_detach(thread)
}

extension LineEditorFixtures {
    /// Runs a closure on its own thread (not on Swift's cooperative pool, which a blocking `read` must not occupy)
    /// and hands its result over.
    ///
    /// `@unchecked Sendable`: `value` is only read or written with `lock` held. (A `Synchronization.Mutex` here crashes
    /// the 6.3.1 compiler's region analysis.)
    final class BackgroundRun<Value: Sendable>: @unchecked Sendable {
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private var value: Value?

        init(_ body: @escaping @Sendable () -> Value) {
            pthread_mutex_init(lock, nil)
            start(body)
        }

        private func start(_ body: @escaping @Sendable () -> Value) {
            spawnThread { self.finish(body()) }
        }

        deinit {
            pthread_mutex_destroy(lock)
            lock.deallocate()
        }

        private func finish(_ result: Value) {
            pthread_mutex_lock(lock)
            value = result
            pthread_mutex_unlock(lock)
        }

        private var currentValue: Value? {
            pthread_mutex_lock(lock)
            defer { pthread_mutex_unlock(lock) }
            return value
        }

        /// The closure's result, or nil when it has not finished within `timeout` seconds.
        func wait(timeout: Double = 10) -> Value? {
            let deadline = now() + timeout
            while true {
                if let value = currentValue { return value }
                if now() >= deadline { return nil }
                usleep(2_000)
            }
        }
    }
}

/// The POSIX pseudo-terminal functions, looked up in the C library at run time: Swift's Glibc module does not
/// import them (`<stdlib.h>` declares them only under `_XOPEN_SOURCE`), and `openpty` lives in `<pty.h>`, which the
/// module does not include either.
private enum PTYFunctions {
    typealias OpenFunction = @convention(c) (Int32) -> Int32
    typealias NameFunction = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32

    private static func lookUp<Function>(_ name: String, as type: Function.Type) throws -> Function {
        let symbol = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), name), "\(name) is not in libc")
        return unsafeBitCast(symbol, to: type)
    }

    static func posixOpenpt(_ flags: Int32) throws -> Int32 { try lookUp("posix_openpt", as: OpenFunction.self)(flags) }
    static func grantpt(_ fd: Int32) throws -> Int32 { try lookUp("grantpt", as: OpenFunction.self)(fd) }
    static func unlockpt(_ fd: Int32) throws -> Int32 { try lookUp("unlockpt", as: OpenFunction.self)(fd) }
    static func ptsname(_ fd: Int32) throws -> String? {
        var name = [CChar](repeating: 0, count: 128)
        guard try lookUp("ptsname_r", as: NameFunction.self)(fd, &name, name.count) == 0 else { return nil }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An editor reading inputs on a pseudo-terminal, on its own thread.
private typealias InputsRun = LineEditorFixtures.BackgroundRun<[LineEditor.Result]>

/// A pseudo-terminal pair: the editor uses the slave side as its terminal; the test types into the master side and
/// reads what the editor draws.
///
/// Type only after the prompt of the `read` that should get the keys has appeared (give each `read` its own prompt):
/// the prompt is drawn after raw mode is on, while keys typed between two reads meet the terminal in cooked mode,
/// where the line discipline echoes them and a Ctrl-C flushes the input.
private final class PseudoTerminal {
    let master: Int32
    let slave: Int32
    /// Everything the editor wrote so far.
    private(set) var output: [UInt8] = []
    /// How much of `output` `waitForOutput` has already matched.
    private var consumed = 0

    init(columns: UInt16 = 80) throws {
        master = try PTYFunctions.posixOpenpt(O_RDWR | O_NOCTTY)
        try #require(master >= 0, "posix_openpt failed")
        try #require(try PTYFunctions.grantpt(master) == 0 && PTYFunctions.unlockpt(master) == 0)
        let name = try #require(try PTYFunctions.ptsname(master))
        slave = open(name, O_RDWR | O_NOCTTY)
        try #require(slave >= 0, "cannot open \(name)")
        var size = winsize(ws_row: 24, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = withUnsafeMutablePointer(to: &size) { ioctl(master, UInt(TIOCSWINSZ), $0) }
    }

    /// Starts an editor on the slave side, on its own thread, that reads one input after each of `prompts`.
    func readInputs(_ prompts: [String], history: History = History()) -> InputsRun {
        let slave = slave
        return LineEditorFixtures.BackgroundRun {
            let editor = LineEditor(inputFD: slave, outputFD: slave, history: history)
            return prompts.map { editor.read(prompt: $0) }
        }
    }

    /// Closes the master (so an editor still reading gets EIO and returns), then the slave once `run` is done.
    func close(after run: LineEditorFixtures.BackgroundRun<some Sendable>) {
        Glibc.close(master)
        // Close the slave only when the editor is done with it, so it never reads a recycled descriptor.
        if run.wait(timeout: 10) != nil { Glibc.close(slave) }
    }

    /// Types `keys` into the terminal.
    func send(_ keys: String) {
        let bytes = Array(keys.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            precondition(written > 0, "write to the pseudo-terminal failed")
            offset += written
        }
    }

    /// Reads the editor's output until it shows `text` (after what earlier calls matched); false on timeout.
    @discardableResult
    func waitForOutput(_ text: String, timeout: Double = 10) -> Bool {
        let needle = Array(text.utf8)
        let deadline = now() + timeout
        while true {
            if let end = Self.endOfFirstMatch(of: needle, in: output, from: consumed) {
                consumed = end
                return true
            }
            let remaining = deadline - now()
            guard remaining > 0 else { return false }
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, Int32(remaining * 1000) + 1) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 { output += chunk[..<count] } else if count == 0 || errno != EINTR { return false }
        }
    }

    private static func endOfFirstMatch(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty else { return start }
        guard haystack.count - start >= needle.count else { return nil }
        for index in start...(haystack.count - needle.count)
        where haystack[index..<index + needle.count].elementsEqual(needle) {
            return index + needle.count
        }
        return nil
    }
}

private func attributes(_ fd: Int32) -> [UInt8] {
    var current = termios()
    _ = tcgetattr(fd, &current)
    var bytes: [UInt64] = [UInt64(current.c_iflag), UInt64(current.c_oflag), UInt64(current.c_cflag)]
    bytes.append(UInt64(current.c_lflag))
    return bytes.flatMap { value in withUnsafeBytes(of: value) { Array($0) } }
        + withUnsafeBytes(of: current.c_cc) { Array($0) }
}

private let up = "\u{1b}[A"
private let left = "\u{1b}[D"
private let home = "\u{1b}[H"
private let end = "\u{1b}[F"

// MARK: Tests

@Suite(.serialized) struct LineEditorPseudoTerminalTests {
    @Test func typesAndSubmitsALine() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let run = LineEditorFixtures.BackgroundRun { LineEditor(inputFD: slave, outputFD: slave).read(prompt: "> ") }
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("> "))
        terminal.send("héllo 🎉\r")
        #expect(terminal.waitForOutput("> héllo 🎉"))
        #expect(run.wait() == .line("héllo 🎉"))
    }

    @Test func editsInTheMiddleOfTheLine() throws {
        let terminal = try PseudoTerminal()
        let run = terminal.readInputs(["1> ", "2> "])
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        // "fnd" -> Left Left "i" -> "find"; Home "x" End Backspace; Ctrl-A Ctrl-D removes the "x".
        terminal.send("db.users.fnd\(left)\(left)i\(home)x\(end)\u{7f}\u{1}\u{4}\r")
        #expect(terminal.waitForOutput("2> "))
        // Ctrl-W removes "baz", Ctrl-A then Alt-F (ESC f) jumps after "foo", Ctrl-K kills the rest.
        terminal.send("foo bar baz\u{17}\u{1}\u{1b}f\u{b}\r")
        #expect(run.wait() == [.line("db.users.fin"), .line("foo")])
    }

    @Test func upRecallsThePreviousSubmission() throws {
        let terminal = try PseudoTerminal()
        let run = terminal.readInputs(["1> ", "2> ", "3> "])
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        terminal.send("first\r")
        #expect(terminal.waitForOutput("2> "))
        terminal.send("second\r")
        #expect(terminal.waitForOutput("3> "))
        terminal.send("\(up)\(up)!\r")
        #expect(run.wait() == [.line("first"), .line("second"), .line("first!")])
    }

    @Test func historyPersistsToAFileAndReloads() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let path = try LineEditorFixtures.makeTemporaryDirectory() + "/docket_shell_history"
        let run = LineEditorFixtures.BackgroundRun { () -> [String] in
            let first = LineEditor(inputFD: slave, outputFD: slave)
            _ = first.read(prompt: "one> ", isComplete: LineEditorFixtures.bracketsAreBalanced)
            do { try first.history.save(to: path) } catch { return ["\(error)"] }
            let second = LineEditor(inputFD: slave, outputFD: slave, history: History.load(from: path))
            return [second.read(prompt: "two> ")].map { "\($0)" }
        }
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("one> "))
        terminal.send("{\r  saved: 1\r}\r")
        #expect(terminal.waitForOutput("two> "))
        terminal.send("\(up)\r")
        #expect(run.wait() == ["\(LineEditor.Result.line("{\n  saved: 1\n}"))"])
        #expect(History.load(from: path).entries == ["{\n  saved: 1\n}"])
    }

    @Test func reverseSearchFindsAcceptsAndSubmits() throws {
        let terminal = try PseudoTerminal()
        let history = History(["db.users.find()", "show dbs", "db.orders.find()"])
        let run = terminal.readInputs(["1> ", "2> ", "3> "], history: history)
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        terminal.send("\u{12}users")
        #expect(terminal.waitForOutput("(reverse-i-search)'users': db.users.find()"))
        terminal.send("\r")
        #expect(terminal.waitForOutput("2> "))
        // Escape accepts the match for editing; Ctrl-E then moves to the end.
        terminal.send("\u{12}dbs")
        #expect(terminal.waitForOutput("(reverse-i-search)'dbs': show dbs"))
        terminal.send("\u{1b}")
        #expect(terminal.waitForOutput("2> show dbs"))
        terminal.send("\u{5} x\r")
        #expect(terminal.waitForOutput("3> "))
        // Ctrl-R twice finds the older match; Ctrl-G cancels back to the typed line.
        terminal.send("typed\u{12}find\u{12}")
        #expect(terminal.waitForOutput("(reverse-i-search)'find': db.orders.find()"))
        terminal.send("\u{7}\r")
        #expect(run.wait() == [.line("db.users.find()"), .line("show dbs x"), .line("typed")])
    }

    @Test func tabCompletesAndListsCandidates() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let run = LineEditorFixtures.BackgroundRun {
            let editor = LineEditor(inputFD: slave, outputFD: slave)
            editor.completer = { buffer, cursor in
                let characters = Array(buffer)[..<cursor]
                let start = (characters.lastIndex(of: ".") ?? -1) + 1
                let word = String(characters[start...])
                let methods = ["find", "findOne", "insertOne"]
                return Completion(replaceFrom: start, candidates: methods.filter { $0.hasPrefix(word) })
            }
            return [editor.read(prompt: "1> "), editor.read(prompt: "2> ")]
        }
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        terminal.send("db.users.ins\t({})\r")
        #expect(terminal.waitForOutput("2> "))
        terminal.send("db.users.f\t")
        #expect(terminal.waitForOutput("2> db.users.find"))
        terminal.send("\t")
        // The slave's output post-processing (ONLCR) turns the editor's "\r\n" into "\r\r\n".
        #expect(terminal.waitForOutput("\nfind     findOne\r"))
        // The prompt and the line are drawn again below the listing.
        #expect(terminal.waitForOutput("2> db.users.find"))
        terminal.send("()\r")
        #expect(run.wait() == [.line("db.users.insertOne({})"), .line("db.users.find()")])
    }

    @Test func continuesAnIncompleteInputOnANewLine() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let run = LineEditorFixtures.BackgroundRun {
            LineEditor(inputFD: slave, outputFD: slave).read(
                prompt: "> ", continuationPrompt: "... ", isComplete: LineEditorFixtures.bracketsAreBalanced)
        }
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("> "))
        terminal.send("db.c.insertOne({\r")
        #expect(terminal.waitForOutput("... "))
        terminal.send("  a: [1,\r")
        #expect(terminal.waitForOutput("... "))
        // Up moves into the previous line of the input; End and typing edit it.
        terminal.send("\(up)\(end) 2\u{e}\u{e}")  // Ctrl-N at the last line: no newer history, nothing changes
        terminal.send("\u{1b}[B]\r})\r")
        #expect(run.wait() == .line("db.c.insertOne({\n  a: [1, 2\n]\n})"))
    }

    @Test func ctrlCInterruptsAndCtrlDEndsTheInput() throws {
        let terminal = try PseudoTerminal()
        let run = terminal.readInputs(["1> ", "2> ", "3> "])
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        terminal.send("abc\u{3}")
        #expect(terminal.waitForOutput("^C"))
        #expect(terminal.waitForOutput("2> "))
        terminal.send("xy\u{1}\u{4}\r")  // Ctrl-D on a non-empty line deletes under the cursor
        #expect(terminal.waitForOutput("3> "))
        terminal.send("\u{4}")
        #expect(run.wait() == [.interrupted, .line("y"), .endOfFile])
    }

    @Test func restoresTheTerminalAttributes() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let before = attributes(slave)
        let run = LineEditorFixtures.BackgroundRun { () -> [UInt8] in
            let editor = LineEditor(inputFD: slave, outputFD: slave)
            var during: [UInt8] = []
            _ = editor.read(
                prompt: "1> ",
                isComplete: { _ in
                    during = attributes(slave)
                    return true
                })
            _ = editor.read(prompt: "2> ")
            _ = editor.read(prompt: "3> ")
            return during
        }
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        terminal.send("x\r")
        #expect(terminal.waitForOutput("2> "))
        terminal.send("\u{3}")
        #expect(terminal.waitForOutput("3> "))
        terminal.send("\u{4}")
        let during = try #require(run.wait())
        #expect(during != before, "raw mode was on while reading")
        #expect(attributes(slave) == before)
    }

    @Test func ignoresUnknownSequencesAndHandlesLongWrappedLines() throws {
        let terminal = try PseudoTerminal(columns: 20)
        let long = Array(repeating: "abcdefghi", count: 6).joined(separator: " ")
        let run = terminal.readInputs(["1> ", "2> "])
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("1> "))
        terminal.send("a\u{1b}[15~b\u{1b}[200~c\u{1b}[?1;2cd\u{1b}[<0;3;4Me\r")
        #expect(terminal.waitForOutput("2> "))
        terminal.send(long + home + "X" + end + "\u{1b}[1;5D" + "Y\r")
        #expect(run.wait() == [.line("abcde"), .line("X" + long.dropLast(9) + "Yabcdefghi")])
    }

    @Test func drawsTextReadTogetherWithKeysThatChangeNothing() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let run = LineEditorFixtures.BackgroundRun { LineEditor(inputFD: slave, outputFD: slave).read(prompt: "> ") }
        defer { terminal.close(after: run) }
        #expect(terminal.waitForOutput("> "))
        // One read holding text and then keys bound to nothing (Escape, Ctrl-G, Ctrl-\): the text is still drawn.
        terminal.send("abc\u{1b}\u{1b}\u{7}\u{1c}")
        #expect(terminal.waitForOutput("> abc", timeout: 5))
        terminal.send("\r")
        #expect(run.wait() == .line("abc"))
    }

    @Test func closingTheTerminalEndsTheInput() throws {
        let terminal = try PseudoTerminal()
        let slave = terminal.slave
        let run = LineEditorFixtures.BackgroundRun { LineEditor(inputFD: slave, outputFD: slave).read(prompt: "> ") }
        #expect(terminal.waitForOutput("> "))
        terminal.send("partial")
        #expect(terminal.waitForOutput("partial"))
        terminal.close(after: run)
        #expect(run.wait(timeout: 0) == .endOfFile)
    }
}
