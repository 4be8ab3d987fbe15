import Foundation
import Testing

extension DocketExecutable {
    /// Runs `docket` with standard input.
    static func run(_ arguments: [String], input: String) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// A temporary script file.
    static func script(_ source: String, name: String = "script.js") throws -> String {
        let directory = NSTemporaryDirectory() + "docket-shell-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// The `docket` shell end to end: every flag and exit code.
@Suite struct ShellCLITests {
    @Test func versionAndHelp() throws {
        let version = try DocketExecutable.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("0."))
        let help = try DocketExecutable.run(["--help"])
        #expect(help.status == 0)
        for word in ["--eval", "--json", "--quiet", "--sample", "--file", "bsondump", "generate-users"] {
            #expect(help.stdout.contains(word), "\(word)")
        }
    }

    @Test func evalPrintsTheLastValue() throws {
        let result = try DocketExecutable.run(["--quiet", "--eval", "1+1"])
        #expect(result.status == 0)
        #expect(result.stdout == "2\n")
        #expect(result.stderr.isEmpty)
        let several = try DocketExecutable.run([
            "--eval", "db.users.insertOne({ _id: 1, name: 'Ada' })", "--eval", "db.users.find()",
        ])
        #expect(several.status == 0)
        #expect(several.stdout == "[ { _id: 1, name: 'Ada' } ]\n")
        let undefinedValue = try DocketExecutable.run(["--eval", "let x = 1"])
        #expect(undefinedValue.stdout.isEmpty)
    }

    @Test func evalErrorsExitNonZeroWithCodeAndLocation() throws {
        let result = try DocketExecutable.run([
            "--eval", "db.c.insertOne({ _id: 1 })\ndb.c.insertOne({ _id: 1 })",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("MongoServerError[DuplicateKey]: E11000 duplicate key error"))
        #expect(result.stderr.contains("at @(shell eval):2:6, code 11000 (DuplicateKey)"))
        let reference = try DocketExecutable.run(["--eval", "nope + 1"])
        #expect(reference.status == 1)
        #expect(reference.stderr.hasPrefix("ReferenceError: nope is not defined\n    at @(shell eval):1:1"))
        let notImplemented = try DocketExecutable.run(["--eval", "db.c.createIndex({ a: 1 })"])
        #expect(notImplemented.status == 1)
        #expect(notImplemented.stderr.contains("code 238 (NotImplemented)"))
    }

    @Test func jsonPrintsExtendedJSON() throws {
        let canonical = try DocketExecutable.run([
            "--quiet", "--json", "--eval", "db.c.insertMany([{ _id: 1, n: 1.5 }, { _id: 2, n: 2 }]); db.c.find()",
        ])
        #expect(canonical.status == 0)
        let expected = """
            [
              {
                "_id": {"$numberInt": "1"},
                "n": {"$numberDouble": "1.5"}
              },
              {
                "_id": {"$numberInt": "2"},
                "n": {"$numberInt": "2"}
              }
            ]

            """
        #expect(canonical.stdout == expected)
        let relaxed = try DocketExecutable.run([
            "--json=relaxed", "--eval", "db.c.insertOne({ _id: 1, when: new Date(0) })",
        ])
        #expect(relaxed.status == 0)
        #expect(relaxed.stdout.contains("\"insertedId\": 1"))
        let result = try DocketExecutable.run(["--json=canonical", "--eval", "({ n: 1, l: Long('2') })"])
        #expect(result.stdout.contains("\"$numberLong\": \"2\""))
    }

    @Test func jsonErrorsAreJSONOnStandardError() throws {
        let result = try DocketExecutable.run([
            "--json", "--eval", "db.c.insertOne({ _id: 1 }); db.c.insertOne({ _id: 1 })",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\"code\": 11000"))
        #expect(result.stderr.contains("\"codeName\": \"DuplicateKey\""))
        #expect(result.stderr.contains("\"name\": \"MongoServerError\""))
    }

    @Test func invalidFlagsAreUsageErrors() throws {
        let noEval = try DocketExecutable.run(["--json"])
        #expect(noEval.status == 64)
        #expect(noEval.stderr.contains("--json needs --eval"))
        let unknown = try DocketExecutable.run(["--no-such-flag"])
        #expect(unknown.status == 64)
        let twoPaths = try DocketExecutable.run(["a", "b", "--eval", "1"])
        #expect(twoPaths.status == 64)
    }

    @Test func scriptsRunAndNameTheirErrors() throws {
        let ok = try DocketExecutable.script("print('hello from', 'a script')\nprint(db.getName())\n")
        let result = try DocketExecutable.run([ok])
        #expect(result.status == 0)
        #expect(result.stdout == "hello from a script\ntest\n")
        let failing = try DocketExecutable.script("const a = 1\n\nundefined.x\n", name: "failing.js")
        let failure = try DocketExecutable.run(["--file", failing])
        #expect(failure.status == 1)
        #expect(failure.stderr.contains("TypeError: Cannot read properties of undefined (reading 'x')"))
        #expect(failure.stderr.contains("failing.js:3:11"))
        let syntax = try DocketExecutable.script("let x = {\n  a: 1,,\n}\n", name: "syntax.js")
        let syntaxError = try DocketExecutable.run([syntax])
        #expect(syntaxError.status == 1)
        #expect(syntaxError.stderr.contains("SyntaxError: Unexpected token ','"))
        #expect(syntaxError.stderr.contains("syntax.js:2:8"))
        #expect(syntaxError.stderr.contains("> 2 |   a: 1,,"))
    }

    @Test func exitCodesOfQuitAndExit() throws {
        let quit = try DocketExecutable.script("print('before'); quit(3); print('after')", name: "quit.js")
        let result = try DocketExecutable.run([quit])
        #expect(result.status == 3)
        #expect(result.stdout == "before\n")
        let repl = try DocketExecutable.run(["--quiet"], input: "print(1)\nexit 4\nprint(2)\n")
        #expect(repl.status == 4)
        #expect(repl.stdout == "1\n")
        let evalExit = try DocketExecutable.run(["--eval", "exit(5)"])
        #expect(evalExit.status == 5)
    }

    @Test func pathIsNotDurableYetAndSaysSo() throws {
        let result = try DocketExecutable.run(["/tmp/docket-data", "--eval", "db.c.insertOne({ _id: 1 }).insertedId"])
        #expect(result.status == 0)
        #expect(result.stdout == "1\n")
        #expect(result.stderr.contains("/tmp/docket-data is not durable yet"))
        let quiet = try DocketExecutable.run(["/tmp/docket-data", "--quiet", "--eval", "1"])
        #expect(quiet.stderr.isEmpty)
    }

    @Test func sampleDataIsLoaded() throws {
        let result = try DocketExecutable.run([
            "--sample", "--quiet", "--eval",
            "[db.users.countDocuments(), db.teams.countDocuments() > 0, db.memberships.countDocuments() > 0, Object.keys(db.users.findOne())]",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("1000,"))
        #expect(result.stdout.contains("'teams'"))
        #expect(result.stdout.contains("'settings'"))
        let welcome = try DocketExecutable.run(["--sample"], input: "")
        #expect(welcome.stdout.contains("Sample data in database 'test'"))
        #expect(welcome.stdout.contains("db.users.findOne()"))
    }

    @Test func replReadsPipedInputWithoutPromptsOrColours() throws {
        let input = """
            db.users.insertOne({ _id: 1, teams: [
              { id: 1, role: 'admin' }
            ] })
            db.users.countDocuments()
            show collections
            use other
            db
            """
        let result = try DocketExecutable.run([], input: input + "\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Connected to a transient in-memory database"))
        #expect(
            result.stdout.contains("{ acknowledged: true, insertedId: 1 }\n1\nusers\nswitched to db other\nother\n"))
        #expect(!result.stdout.contains("test>"))
        #expect(!result.stdout.contains("\u{1B}["))
        let errors = try DocketExecutable.run(["--quiet"], input: "nope\n1 + 1\n")
        #expect(errors.status == 0)
        #expect(errors.stdout == "ReferenceError: nope is not defined\n2\n")
    }

    @Test func shellFlagRunsTheREPLAfterEval() throws {
        let result = try DocketExecutable.run(["--quiet", "--shell", "--eval", "var x = 41"], input: "x + 1\n")
        #expect(result.status == 0)
        #expect(result.stdout == "42\n")
    }

    @Test func aggregateIsACommandWithItsOwnHelp() throws {
        let help = try DocketExecutable.run(["aggregate", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--collection"))
        #expect(help.stdout.contains("--sample"))
        #expect(help.stdout.contains("--explain"))
    }

    @Test func interruptStopsARunningScript() throws {
        let path = try DocketExecutable.script("let n = 0; while (true) { n++ }", name: "forever.js")
        let process = Process()
        process.executableURL = DocketExecutable.url
        process.arguments = [path]
        process.standardOutput = Pipe()
        let err = Pipe()
        process.standardError = err
        try process.run()
        usleep(300_000)
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(stderr.contains("interrupted"))
    }
}
