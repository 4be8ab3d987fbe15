import Docket
import Foundation
import Testing

@testable import DocketShell

/// Feeds a REPL the lines of a transcript's input and records the session as a person would see it: the prompt and
/// the input, then the output.
struct TranscriptInput: ShellInput {
    var lines: [String]
    let record: (String) -> Void

    mutating func read(prompt: String, continuationPrompt: String, isComplete: (String) -> Bool) -> ShellInputResult {
        guard !lines.isEmpty else { return .endOfFile }
        var text = lines.removeFirst()
        record(prompt + text + "\n")
        while !isComplete(text), !lines.isEmpty {
            let more = lines.removeFirst()
            record(continuationPrompt + more + "\n")
            text += "\n" + more
        }
        return .line(text)
    }
}

/// Runs `Transcripts/<name>.in` through the REPL and compares the session with `Transcripts/<name>.out`.
///
/// Generated ObjectIds print as `ObjectId('<generated>')`. Set `DOCKET_UPDATE_TRANSCRIPTS=1` to rewrite the expected
/// files (then review the diff).
@Suite struct TranscriptTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Transcripts")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".in") }.map { String($0.dropLast(3)) }.sorted()
    }

    static func session(_ input: String, sample: Bool = false) -> String {
        var transcript = ""
        var options = Shell.Options()
        options.baseDirectory = directory.path
        let shell = Shell(client: DocketClient(), options: options) { transcript += $0 }
        var lines = input.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var reader = TranscriptInput(lines: lines) { transcript += $0 }
        let code = shell.runREPL(&reader)
        if code != 0 { transcript += "[exit \(code)]\n" }
        return normalize(transcript, keeping: input)
    }

    /// Replaces the hex of ObjectIds the input does not spell out.
    static func normalize(_ text: String, keeping input: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.range(of: "ObjectId('") {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let hex = rest.prefix(24)
            if hex.count == 24, hex.allSatisfy(\.isHexDigit), !input.contains(hex) {
                result += "<generated>"
                rest = rest.dropFirst(24)
            }
        }
        return result + rest
    }

    @Test(arguments: TranscriptTests.names)
    func transcript(_ name: String) throws {
        let input = try String(contentsOf: Self.directory.appendingPathComponent(name + ".in"), encoding: .utf8)
        let actual = Self.session(input)
        let expectedURL = Self.directory.appendingPathComponent(name + ".out")
        if ProcessInfo.processInfo.environment["DOCKET_UPDATE_TRANSCRIPTS"] != nil {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = (try? String(contentsOf: expectedURL, encoding: .utf8)) ?? ""
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first =
                zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(actualLines.count, expectedLines.count)
            Issue.record(
                """
                transcript \(name) differs at line \(first + 1):
                expected: \(first < expectedLines.count ? String(expectedLines[first]) : "<end>")
                actual:   \(first < actualLines.count ? String(actualLines[first]) : "<end>")
                """)
        }
    }

    @Test func transcriptsExist() {
        #expect(Self.names.count >= 6)
    }
}
