import Glibc
import Testing

@testable import DocketShell

/// Helpers shared by the line editor tests (in one namespace, so they cannot clash with other test files).
enum LineEditorFixtures {
    /// A fresh temporary directory per test, so tests can run in parallel.
    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/lineeditor-test-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let directory = try #require(path.map { String(cString: $0) })
        return directory
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }

    static func readFile(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { return result }
            result += chunk[..<count]
        }
    }
}

@Suite struct LineEditorHistoryTests {
    @Test func skipsBlankEntriesAndConsecutiveDuplicates() {
        var history = History()
        for entry in ["a", "a", "", "   ", "\n", "b", "a", "a"] { history.add(entry) }
        #expect(history.entries == ["a", "b", "a"])
    }

    @Test func dropsTheOldestEntriesBeyondTheMaximum() {
        var history = History(maximumCount: 3)
        for entry in ["1", "2", "3", "4", "5"] { history.add(entry) }
        #expect(history.entries == ["3", "4", "5"])
        #expect(History().maximumCount == 1000)
    }

    @Test func navigationKeepsTheEditedLine() {
        var navigator = HistoryNavigator(entries: ["one", "two"])
        #expect(navigator.next(current: "typed") == nil)
        #expect(navigator.previous(current: "typed") == "two")
        #expect(navigator.previous(current: "two edited") == "one")
        #expect(navigator.previous(current: "one") == nil)
        #expect(navigator.next(current: "one") == "two edited")
        #expect(navigator.next(current: "two edited") == "typed")
        #expect(navigator.isAtNewest)
    }

    @Test func roundTripsThroughAFileWithMultiLineEntries() throws {
        let directory = try LineEditorFixtures.makeTemporaryDirectory()
        let path = directory + "/history"
        let entries = ["db.users.find()", "{\n  a: 1,\n  b: \"x\\ny\"\n}", "back\\slash\\", "cr\rlf", "naïve 🎉"]
        try History(entries).save(to: path)
        let loaded = History.load(from: path)
        #expect(loaded.entries == entries)
        let text = String(decoding: LineEditorFixtures.readFile(path), as: UTF8.self)
        #expect(text.split(separator: "\n").count == entries.count)
    }

    @Test func savesWithOwnerOnlyPermissionsAndLeavesNoTemporaryFile() throws {
        let directory = try LineEditorFixtures.makeTemporaryDirectory()
        let path = directory + "/history"
        LineEditorFixtures.writeFile(path, Array("old\n".utf8))
        chmod(path, 0o644)
        try History(["x"]).save(to: path)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(History.load(from: path).entries == ["x"])
        let listing = try #require(opendir(directory))
        defer { closedir(listing) }
        var names: [String] = []
        while let entry = readdir(listing) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        #expect(names == ["history"])
    }

    @Test func loadKeepsOnlyTheNewestEntries() throws {
        let directory = try LineEditorFixtures.makeTemporaryDirectory()
        let path = directory + "/history"
        try History((1...10).map(String.init)).save(to: path)
        #expect(History.load(from: path, maximumCount: 3).entries == ["8", "9", "10"])
    }

    @Test func loadingAMissingOrGarbledFileGivesAnEmptyHistory() throws {
        let directory = try LineEditorFixtures.makeTemporaryDirectory()
        #expect(History.load(from: directory + "/missing").entries.isEmpty)
        #expect(History.load(from: directory).entries.isEmpty)  // a directory
        LineEditorFixtures.writeFile(directory + "/binary", [0x00, 0xff, 0xfe, 0x0a, 0x61])
        #expect(History.load(from: directory + "/binary").entries.isEmpty)
        LineEditorFixtures.writeFile(directory + "/latin1", [0x63, 0x61, 0x66, 0xe9, 0x0a])
        #expect(History.load(from: directory + "/latin1").entries.isEmpty)
        LineEditorFixtures.writeFile(directory + "/odd", Array("a\\q\nb\\\r\n\n\nc\\".utf8))
        #expect(History.load(from: directory + "/odd").entries == ["a\\q", "b\\", "c\\"])
    }

    @Test func saveReportsTheFailingOperation() {
        #expect(throws: HistoryError.self) {
            try History(["x"]).save(to: "/nonexistent-directory-for-lineeditor/history")
        }
        do {
            try History(["x"]).save(to: "/nonexistent-directory-for-lineeditor/history")
        } catch {
            #expect(error.operation == "open")
            #expect(error.code == ENOENT)
        }
    }
}
