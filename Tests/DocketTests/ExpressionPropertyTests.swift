import DocketBSON
import DocketTestSupport
import Testing

@testable import Docket

/// Seeded random documents and field paths: reading a path from stored bytes gives exactly what reading it from
/// the in-memory document gives, and both follow MongoDB's `ExpressionFieldPath` rules (written out independently
/// below).
@Suite struct ExpressionPropertyTests {
    /// MongoDB's `evaluatePath`/`evaluatePathArray`, written directly over values as the reference.
    static func reference(_ path: ArraySlice<String>, _ value: BSONValue) -> BSONValue? {
        guard let first = path.first else { return value }
        switch value {
        case .document(let document):
            guard let child = document[first] else { return nil }
            return path.count == 1 ? child : reference(path.dropFirst(), child)
        case .array(let elements):
            return .array(
                elements.compactMap { element in
                    guard case .document = element else { return nil }
                    return reference(path, element)
                })
        default:
            return nil
        }
    }

    @Test func storedAndInMemoryPathsAgreeWithMongoDBsRules() throws {
        var random = SeededRandom(seed: SeededRandom.baseSeed ^ 0xE4B2)
        let keys = ["a", "b", "c", "0", "1", "x"]
        for _ in 0..<SeededRandom.scaled(400) {
            // Documents built from a small key pool so that paths often reach something, arrays included.
            var document = random.randomDocument(maxDepth: 4)
            for key in keys where random.chance(0.4) {
                document.append(
                    key,
                    random.chance(0.5)
                        ? .array(
                            (0..<random.int(0...3)).map { _ in
                                .document([
                                    random.pick(keys): random.randomValue(depth: 2),
                                    random.pick(keys): random.randomScalar(),
                                ])
                            }) : .document([random.pick(keys): random.randomValue(depth: 2)]))
            }
            let path = (0..<random.int(1...3)).map { _ in random.pick(keys) }
            let text = "$" + path.joined(separator: ".")
            let expected = Self.reference(path[...], .document(document))
            for stored in [true, false] {
                let outcome = ExpressionCase.outcome(.string(text), document, stored: stored)
                switch (outcome, expected) {
                case (.missing, nil): break
                case (.value(let got), let want?):
                    #expect(got.isIdentical(to: want), "\(random) \(text) on \(document): \(got) vs \(want)")
                default:
                    Issue.record(
                        "\(random) \(text) on \(document) (stored: \(stored)): \(outcome) vs \(String(describing: expected))"
                    )
                }
            }
        }
    }
}
