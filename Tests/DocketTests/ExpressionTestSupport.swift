import DocketBSON
import Testing

@testable import Docket

/// A decimal128 value from its exact text.
func decimal(_ text: String) -> BSONValue {
    .decimal128(try! Decimal128(parsing: text))
}

/// What evaluating an expression should give.
enum ExpressionOutcome: Sendable, CustomStringConvertible {
    /// This value, with this exact type and representation.
    case value(BSONValue)
    /// Missing (an absent field, `$$REMOVE`).
    case missing
    /// An error with this MongoDB code (at parse or at evaluation).
    case error(Int)

    var description: String {
        switch self {
        case .value(let v): "\(v)"
        case .missing: "missing"
        case .error(let code): "error \(code)"
        }
    }
}

/// One row of an expression table: an expression, the document it reads, and the outcome.
struct ExpressionCase: Sendable, CustomTestStringConvertible {
    let expression: BSONValue
    let document: BSONDocument
    let expected: ExpressionOutcome
    let line: Int

    init(_ expression: BSONValue, _ document: BSONDocument = [:], _ expected: ExpressionOutcome, line: Int = #line) {
        self.expression = expression
        self.document = document
        self.expected = expected
        self.line = line
    }

    var testDescription: String { "line \(line): \(expression) on \(document)" }

    /// Checks the case on the stored document (read from its bytes) and on the in-memory one.
    func check() throws {
        for stored in [true, false] {
            let outcome = ExpressionCase.outcome(expression, document, stored: stored)
            switch (expected, outcome) {
            case (.value(let want), .value(let got)):
                #expect(got.isIdentical(to: want), "line \(line) (stored: \(stored)): got \(got), want \(want)")
            case (.missing, .missing):
                break
            case (.error(let want), .error(let got)):
                #expect(got == want, "line \(line) (stored: \(stored)): error \(got), want \(want)")
            default:
                Issue.record("line \(line) (stored: \(stored)): got \(outcome), want \(expected)")
            }
        }
    }

    /// Parses and evaluates `expression` on `document`.
    static func outcome(
        _ expression: BSONValue, _ document: BSONDocument, stored: Bool, variables: [String: BSONValue] = [:],
        now: Int64 = 0
    ) -> ExpressionOutcome {
        do {
            let names = Array(variables.keys)
            let scope = ExpressionScope(variables: names)
            let compiled = try Expression(parsing: expression, scope: scope)
            let root: PipelineDocument = stored ? .stored(try RawDocument(document)) : .value(document)
            var context = ExpressionContext(
                root: root, variables: names.map { variables[$0] } + Array(repeating: nil, count: scope.slotCount),
                now: now)
            guard let value = try compiled.evaluate(&context) else { return .missing }
            return .value(value)
        } catch let error as DocketError {
            return .error(error.code.code)
        } catch {
            return .error(-1)
        }
    }
}
