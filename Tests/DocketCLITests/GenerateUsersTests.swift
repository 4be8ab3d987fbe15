import DocketWorkloads
import Foundation
import Testing

@testable import Docket

@Suite struct GenerateUsersTests {
    @Test func writesTheCanonicalDatasetThatBSONDumpReadsBack() throws {
        let directory = NSTemporaryDirectory() + "docket-gen-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bson = directory + "/users.bson"
        let jsonl = directory + "/users.jsonl"
        let keys = directory + "/keys.json"
        let result = try DocketExecutable.run([
            "generate-users", "--count", "2500", "--bson", bson, "--jsonl", jsonl, "--keys", keys,
        ])
        #expect(result.status == 0)
        #expect(result.stderr.contains("2500/2500 documents (100%)"))

        var reader = try BSONFileReader(path: bson)
        let generator = UserGenerator(seed: UserGenerator.canonicalSeed)
        var index = 0
        while let document = try reader.next() {
            #expect(document.isIdentical(to: generator.document(at: index)))
            index += 1
        }
        #expect(index == 2500)

        let dump = try DocketExecutable.run(["bsondump", bson])
        let lines = try String(contentsOfFile: jsonl, encoding: .utf8)
        #expect(dump.stdout == lines)
        #expect(FileManager.default.fileExists(atPath: keys))
    }

    @Test func refusesToRunWithoutAnOutput() throws {
        let result = try DocketExecutable.run(["generate-users", "--count", "10"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("nothing to write"))
    }

    /// Issue 7, item 5: an empty dataset has no workload keys: a usage error (exit 64), not a crash.
    @Test func keysOfAnEmptyDatasetAreAUsageError() throws {
        let keys = NSTemporaryDirectory() + "docket-keys-\(UUID().uuidString).json"
        let result = try DocketExecutable.run(["generate-users", "--count", "0", "--keys", keys])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--keys needs a --count of at least 1"))
        #expect(!FileManager.default.fileExists(atPath: keys))
    }
}
