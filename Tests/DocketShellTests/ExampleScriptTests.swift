import Docket
import Foundation
import Testing

@testable import DocketShell

/// Runs each script of `Examples/scripts` and compares its output with `Transcripts/examples/<name>.out`
/// (`DOCKET_UPDATE_TRANSCRIPTS=1` rewrites them).
@Suite struct ExampleScriptTests {
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/scripts")

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: scripts.path)) ?? []
        return files.filter { $0.hasSuffix(".js") }.map { String($0.dropLast(3)) }.sorted()
    }

    @Test(arguments: ExampleScriptTests.names)
    func exampleScriptRuns(_ name: String) throws {
        var output = ""
        var options = Shell.Options()
        options.baseDirectory = Self.scripts.path
        let shell = Shell(client: DocketClient(), options: options) { output += $0 }
        try shell.runFile(Self.scripts.appendingPathComponent(name + ".js").path)
        let expectedURL = TranscriptTests.directory.appendingPathComponent("examples/\(name).out")
        if ProcessInfo.processInfo.environment["DOCKET_UPDATE_TRANSCRIPTS"] != nil {
            try output.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        #expect(output == (try? String(contentsOf: expectedURL, encoding: .utf8)), "\(name)")
    }

    @Test func examplesExist() {
        #expect(Self.names.count >= 3)
    }
}
