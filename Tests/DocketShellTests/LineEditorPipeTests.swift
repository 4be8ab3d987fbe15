import Glibc
import Testing

@testable import DocketShell

/// Reading from a pipe: plain lines, no editing, no escape codes.
@Suite struct LineEditorPipeTests {
    /// Runs `read` until `.endOfFile` (at most `limit` times) over a pipe holding `input`; returns the results and
    /// what the editor wrote to its output pipe.
    private func readAll(
        _ input: [UInt8], limit: Int = 10_000, isComplete: (String) -> Bool = { _ in true }
    ) throws -> ([LineEditor.Result], [UInt8]) {
        let inputDirectory = try LineEditorFixtures.makeTemporaryDirectory()
        // A file rather than a pipe for the input, so a large input cannot fill the pipe before it is read.
        let inputPath = inputDirectory + "/input"
        LineEditorFixtures.writeFile(inputPath, input)
        var pipes: [Int32] = [0, 0]
        try #require(pipe(&pipes) == 0)
        let inputFD = open(inputPath, O_RDONLY)
        try #require(inputFD >= 0)
        // The input through a real pipe as well: feed it from the file with a writer thread.
        var inputPipe: [Int32] = [0, 0]
        try #require(pipe(&inputPipe) == 0)
        let (readEnd, writeEnd) = (inputPipe[0], inputPipe[1])
        let writer = LineEditorFixtures.BackgroundRun { () -> Bool in
            var offset = 0
            while offset < input.count {
                let written = input[offset...].withUnsafeBytes { write(writeEnd, $0.baseAddress, min($0.count, 1000)) }
                if written <= 0 { return false }
                offset += written
            }
            close(writeEnd)
            return true
        }
        defer {
            close(readEnd)
            close(inputFD)
            close(pipes[0])
        }
        let editor = LineEditor(inputFD: readEnd, outputFD: pipes[1])
        #expect(!editor.isInteractive)
        var results: [LineEditor.Result] = []
        while results.count < limit {
            let result = editor.read(prompt: "> ", continuationPrompt: "... ", isComplete: isComplete)
            results.append(result)
            if result == .endOfFile { break }
        }
        #expect(editor.read(prompt: "> ") == .endOfFile)  // stays at the end
        #expect(writer.wait() == true)
        close(pipes[1])
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let count = read(pipes[0], &chunk, chunk.count), count > 0 { output += chunk[..<count] }
        #expect(editor.history.entries.isEmpty, "piped input is not added to the history")
        return (results, output)
    }

    @Test func readsPlainLinesWithoutWritingAnything() throws {
        let (results, output) = try readAll(Array("first\r\nsecond\n\nno newline at the end".utf8))
        #expect(results == [.line("first"), .line("second"), .line(""), .line("no newline at the end"), .endOfFile])
        #expect(output.isEmpty)
    }

    @Test func joinsLinesUntilTheInputIsComplete() throws {
        let input = "db.c.insertOne({\n  a: [1,\n    2]\n})\nx\n{\n  open"
        let (results, _) = try readAll(Array(input.utf8), isComplete: LineEditorFixtures.bracketsAreBalanced)
        #expect(
            results == [.line("db.c.insertOne({\n  a: [1,\n    2]\n})"), .line("x"), .line("{\n  open"), .endOfFile])
    }

    @Test func readsManyLinesAcrossBlocksAndReplacesInvalidUTF8() throws {
        let lines = (0..<3000).map { "line \($0) " + String(repeating: "é", count: $0 % 7) }
        var input = Array(lines.joined(separator: "\n").utf8) + [0x0a]
        input += [0x62, 0xff, 0x63, 0x0a]
        let (results, _) = try readAll(input)
        #expect(results.count == 3002)
        #expect(Array(results.prefix(3000)) == lines.map { .line($0) })
        #expect(results[3000] == .line("b\u{fffd}c"))
        #expect(results.last == .endOfFile)
    }

    @Test func anEmptyInputEndsAtOnce() throws {
        let (results, output) = try readAll([])
        #expect(results == [.endOfFile])
        #expect(output.isEmpty)
    }
}
