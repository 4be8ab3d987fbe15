import Foundation
import Testing

@testable import Docket

/// Runs the built `docket` executable end to end.
enum DocketExecutable {
    static var url: URL {
        // The test bundle runs from the build products directory, next to the `docket` executable.
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("docket") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `docket` with `arguments`; standard output goes to a pipe, or to the file at `stdoutPath`.
    static func run(_ arguments: [String], stdoutPath: String? = nil) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        if let stdoutPath {
            process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        } else {
            process.standardOutput = out
        }
        process.standardError = err
        try process.run()
        if stdoutPath != nil { try out.fileHandleForWriting.close() }
        let stdoutData = stdoutPath == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self)
        )
    }

    static func temporaryFile(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "docket-cli-\(UUID().uuidString).bson"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

@Suite struct BSONDumpTests {
    static let documents: [BSONDocument] = (0..<50).map { i in
        [
            "_id": .int32(Int32(i)),
            "name": .string("user \(i)"),
            "big": .int64(Int64(i) << 40),
            "when": .datetime(1_700_000_000_000 + Int64(i)),
        ]
    }

    static func file() throws -> (bytes: [UInt8], offsets: [Int]) {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        for d in documents {
            offsets.append(bytes.count)
            try d.appendBSON(to: &bytes)
        }
        return (bytes, offsets)
    }

    @Test func versionPrintsTheVersion() throws {
        let result = try DocketExecutable.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == docketVersion)
    }

    @Test func printsOneRelaxedDocumentPerLine() throws {
        let path = try DocketExecutable.temporaryFile(try Self.file().bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try DocketExecutable.run(["bsondump", path])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == Self.documents.count)
        #expect(
            lines[1] == #"{"_id":1,"name":"user 1","big":1099511627776,"when":{"$date":"2023-11-14T22:13:20.001Z"}}"#)
        for (line, document) in zip(lines, Self.documents) {
            #expect(try BSONDocument(extendedJSON: String(line)) == document)
        }
        #expect(result.stderr.contains("50 objects found"))
    }

    @Test func canonicalAndPrettyModes() throws {
        let path = try DocketExecutable.temporaryFile(try Self.file().bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let canonical = try DocketExecutable.run(["bsondump", "--canonical", path])
        let first = try #require(canonical.stdout.split(separator: "\n").first)
        #expect(first.contains(#""_id":{"$numberInt":"0"}"#))
        #expect(try BSONDocument(extendedJSON: String(first)).isIdentical(to: Self.documents[0]))
        let pretty = try DocketExecutable.run(["bsondump", "--pretty", path])
        #expect(pretty.status == 0)
        #expect(pretty.stdout.split(separator: "\n").count > Self.documents.count)
    }

    @Test func damagedFilePrintsTheDocumentsBeforeTheDamageThenFails() throws {
        var (bytes, offsets) = try Self.file()
        bytes[offsets[30] + 4] = 0x99  // an undefined element type in document 30
        let path = try DocketExecutable.temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try DocketExecutable.run(["bsondump", path])
        #expect(result.status == 1)
        #expect(result.stdout.split(separator: "\n").count == 30)
        #expect(result.stderr.contains("byte offset \(offsets[30] + 4)"))
        #expect(result.stderr.contains("unknown BSON element type 0x99"))
    }

    @Test func truncatedFileAndMissingFileFail() throws {
        let (bytes, _) = try Self.file()
        let path = try DocketExecutable.temporaryFile(Array(bytes.dropLast(10)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let truncated = try DocketExecutable.run(["bsondump", path])
        #expect(truncated.status == 1)
        #expect(truncated.stdout.split(separator: "\n").count == Self.documents.count - 1)
        let missing = try DocketExecutable.run(["bsondump", "/nonexistent/file.bson"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot open"))
    }

    /// Issue 7, item 7: a failed write to standard output is an error, never a success with nothing written.
    @Test func writeErrorsOnStandardOutputFailTheCommand() throws {
        let path = try DocketExecutable.temporaryFile(try Self.file().bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try DocketExecutable.run(["bsondump", path], stdoutPath: "/dev/full")
        #expect(result.status == 1)
        #expect(result.stderr.contains("writing the output failed: No space left on device"), "\(result.stderr)")
        #expect(!result.stderr.contains("objects found"))
    }
}
