import ArgumentParser
import Docket
import DocketShell
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `docket [PATH] [script.js …] [options]`: the shell, with mongosh's flags.
struct ShellCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Docket: a MongoDB-style document database in pure Swift, and its mongosh-like shell.",
        usage: """
            docket [PATH] [script.js …] [--eval CODE …] [--json[=canonical|relaxed]] [--quiet] [--sample]
              docket bsondump FILE.bson [--canonical] [--pretty]
              docket generate-users --count N --bson FILE [--jsonl FILE] [--keys FILE]
              docket aggregate [PATH] --db NAME --collection NAME PIPELINE.json|SCRIPT.js [--explain] [--sample]
            """,
        discussion: """
            With no PATH, the shell opens a transient in-memory database. With PATH it opens the data directory PATH \
            (until persistence lands, PATH is not durable: the data lives in memory). Scripts (files ending in .js) \
            and --eval code run in order, then the shell exits; with neither, or with --shell, it starts a REPL. \
            The exit code is non-zero when a script fails; errors name the file, line and column and MongoDB's code.

            Tools: `docket bsondump --help`, `docket generate-users --help`, `docket aggregate --help`.
            """,
        version: docketVersion
    )

    @Argument(help: "A data directory (PATH), then scripts to run (files ending in .js or .mongodb).")
    var arguments: [String] = []

    @Option(name: .customLong("eval"), help: "Evaluate JavaScript; repeatable. The last value is printed.")
    var evalCode: [String] = []

    @Option(name: [.customShort("f"), .customLong("file")], help: "Run a script file; repeatable.")
    var files: [String] = []

    @Flag(help: "Print no banner or warnings.")
    var quiet = false

    @Option(
        name: .customLong("json"),
        help: ArgumentHelp(
            "Print the value of the last --eval as Extended JSON (cursors as arrays): canonical (the default of a "
                + "bare --json) or relaxed.", valueName: "canonical|relaxed"))
    var json: JSONMode?

    @Flag(help: "Load the sample data (users with embedded teams, teams, memberships) into database 'test'.")
    var sample = false

    @Flag(help: "Start the REPL after the scripts and --eval code.")
    var shell = false

    @Flag(help: "Accepted for mongosh compatibility (Docket never connects anywhere).")
    var nodb = false

    @Flag(help: "Accepted for mongosh compatibility (Docket reads no rc file).")
    var norc = false

    enum JSONMode: String, ExpressibleByArgument {
        case canonical, relaxed
    }

    /// `--json` alone means canonical, as in mongosh; ArgumentParser needs the value spelled out.
    static func launch(_ arguments: [String]) {
        main(arguments.map { $0 == "--json" ? "--json=canonical" : $0 })
    }

    func validate() throws {
        if json != nil && evalCode.isEmpty {
            throw ValidationError("--json needs --eval (it prints the value of the last --eval)")
        }
        if json != nil && (shell || !scripts.isEmpty) {
            throw ValidationError("Cannot use --json with --shell or with script files")
        }
        if dataPaths.count > 1 {
            throw ValidationError("Only one data directory can be given (got \(dataPaths.joined(separator: ", ")))")
        }
    }

    private var scripts: [String] {
        arguments.filter { $0.hasSuffix(".js") || $0.hasSuffix(".mongodb") } + files
    }

    private var dataPaths: [String] { arguments.filter { !($0.hasSuffix(".js") || $0.hasSuffix(".mongodb")) } }

    func run() throws {
        let output = OutputStream(fd: 1)
        let client = DocketClient()
        let isInteractive = (evalCode.isEmpty && scripts.isEmpty) || shell
        let stdinIsTerminal = isatty(0) == 1
        let colors =
            isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
        if let path = dataPaths.first, !quiet {
            printError(
                "warning: \(path) is not durable yet: Docket's persistence is not built, so this session opens an "
                    + "in-memory database and nothing is written to \(path).")
        }
        if sample { try SampleData.load(into: client.database("test")) }

        var options = Shell.Options()
        options.colors = colors
        options.isInteractive = isInteractive && stdinIsTerminal
        options.interrupt = processInterrupt
        let shellSession = Shell(client: client, options: options) { output.write($0) }
        installInterruptHandler()
        defer { output.flush() }

        if isInteractive && !quiet {
            output.write(banner(sample: sample, path: dataPaths.first) + "\n")
        }
        var exitCode: Int32 = 0
        // --eval code first, then the scripts, as mongosh runs them.
        var lastValue: ShellValue?
        for (i, code) in evalCode.enumerated() {
            do {
                lastValue = try shellSession.evaluate(
                    code, sourceName: evalCode.count > 1 ? "@(shell eval \(i + 1))" : "@(shell eval)")
            } catch {
                output.flush()
                report(error, shellSession)
                throw ExitCode(exitStatus(error))
            }
        }
        if let lastValue {
            if let json {
                do {
                    if let text = try shellSession.json(lastValue, mode: json == .relaxed ? .relaxed : .canonical) {
                        output.write(text + "\n")
                    }
                } catch {
                    output.flush()
                    report(error, shellSession)
                    throw ExitCode(exitStatus(error))
                }
            } else if let text = shellSession.format(lastValue) {
                output.write(text + "\n")
            }
        }
        for script in scripts {
            do {
                try shellSession.runFile(script)
            } catch {
                output.flush()
                report(error, shellSession)
                throw ExitCode(exitStatus(error))
            }
        }
        if isInteractive {
            output.flush()
            if stdinIsTerminal && isatty(1) == 1 {
                // A terminal: the line editor (history in ~/.docket_shell_history, Tab completion).
                var input = LineEditorInput(shell: shellSession)
                exitCode = shellSession.runREPL(&input) { output.flush() }
            } else {
                // Piped input: plain lines, no escape codes (prompts only if standard input is a terminal).
                var input = PlainShellInput(showsPrompts: stdinIsTerminal) {
                    output.write($0)
                    output.flush()
                }
                exitCode = shellSession.runREPL(&input) { output.flush() }
            }
        }
        output.flush()
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    private func exitStatus(_ error: ShellError) -> Int32 {
        switch error.kind {
        case .exit(let code): return code
        case .interrupted: return 130
        default: return 1
        }
    }

    /// Prints an error of a script on standard error: mongosh's line, then where it happened and MongoDB's code.
    private func report(_ error: ShellError, _ shell: Shell) {
        if case .exit = error.kind { return }
        if json != nil {
            var document: BSONDocument = ["name": .string(error.name), "message": .string(error.message)]
            if let code = error.code {
                document["code"] = .int32(Int32(clamping: code.code))
                document["codeName"] = .string(code.name)
            }
            if let location = error.location { document["location"] = .string(location) }
            printError(document.extendedJSONString(mode: .relaxed, pretty: true))
            return
        }
        var text = shell.formatError(error, colors: isatty(2) == 1)
        var trailer: [String] = []
        if let location = error.location { trailer.append("at \(location)") }
        if let code = error.code { trailer.append("code \(code.code) (\(code.name))") }
        if !trailer.isEmpty { text += "\n    " + trailer.joined(separator: ", ") }
        printError(text)
    }

    private func banner(sample: Bool, path: String?) -> String {
        var lines = [
            "Docket \(docketVersion) shell (mongosh's language). Type \"help\" for help, \"exit\" or Ctrl-D to quit."
        ]
        if let path {
            lines.append("Using \(path) in memory: it is not durable yet (persistence is coming); nothing is saved.")
        } else {
            lines.append("Connected to a transient in-memory database: nothing is saved when the shell exits.")
            lines.append("Use \"docket PATH\" to open a data directory (durable once persistence lands).")
        }
        if sample { lines.append(SampleData.welcome) }
        return lines.joined(separator: "\n")
    }
}

/// The flag Ctrl-C sets (a signal handler cannot capture context).
let processInterrupt = InterruptFlag()

/// Ctrl-C stops the running evaluation; a second Ctrl-C before it stopped ends the process.
private func installInterruptHandler() {
    // A parent may have started us with SIGINT blocked (the mask is inherited): unblock it.
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    signal(SIGINT) { _ in
        if processInterrupt.isRequested { _exit(130) }
        processInterrupt.request()
    }
}
