import DocketBSON
import Testing

@testable import Docket

/// One row of a matcher table: a filter, a document and whether it matches.
struct MatchCase: Sendable, CustomTestStringConvertible {
    let filter: BSONDocument
    let document: BSONDocument
    let expected: Bool
    let line: Int

    init(_ filter: BSONDocument, _ document: BSONDocument, _ expected: Bool, line: Int = #line) {
        self.filter = filter
        self.document = document
        self.expected = expected
        self.line = line
    }

    var testDescription: String { "line \(line): \(filter) on \(document)" }

    /// Checks the case on the encoded document and on the in-memory one.
    func check() throws {
        let matcher = try Matcher(filter)
        let raw = try RawDocument(document)
        #expect(matcher.matches(raw) == expected, "line \(line): raw")
        #expect(matcher.matches(document) == expected, "line \(line): document")
    }
}

/// Expects `filter` to be rejected with `code` and, when given, exactly `message`.
func expectFilterError(_ filter: BSONDocument, code: Int, message: String? = nil, line: Int = #line) {
    do {
        _ = try Matcher(filter)
        Issue.record("line \(line): expected error \(code) for \(filter)")
    } catch {
        #expect(error.code.code == code, "line \(line): \(error)")
        if let message { #expect(error.message == message, "line \(line)") }
    }
}
