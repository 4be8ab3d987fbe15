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

/// Seeded random expressions built from every operator with arguments of every shape (extreme numbers, wrong types,
/// named arguments with random values), parsed and evaluated on random documents: each must give a value or throw
/// a `DocketError`, never trap.
@Suite struct ExpressionRobustnessTests {
    static let argumentNames = [
        "input", "as", "in", "cond", "limit", "initialValue", "inputs", "useLongestLength", "defaults", "sortBy", "n",
        "p", "method", "vars", "if", "then", "else", "branches", "default", "case", "to", "onError", "onNull", "field",
        "value", "find", "replacement", "regex", "options", "chars", "date", "format", "timezone", "dateString",
        "iso8601", "year", "month", "day", "hour", "minute", "second", "millisecond", "isoWeekYear", "isoWeek",
        "isoDayOfWeek", "unit", "binSize", "startOfWeek", "startDate", "endDate", "amount",
    ]

    static let scalars: [BSONValue] = [
        .int32(0), .int32(1), .int32(-1), .int32(.max), .int32(.min), .int64(.max), .int64(.min), .int64(3),
        .double(0.5), .double(-2.5), .double(.nan), .double(.infinity), .double(-.infinity), .double(1e300),
        .double(-0.0), .decimal128(.nan), .decimal128(.infinity), .decimal128(Decimal128(7)), .string(""),
        .string("abc"), .string("é😀"), .string("day"), .string("month"), .string("%Y-%m-%d"), .string("UTC"),
        .string("+05:30"), .string("America/New_York"), .string("int"), .string("approximate"), .string("2020-02-29"),
        .bool(true), .bool(false), .null, .undefined, .datetime(0), .datetime(.max), .datetime(.min),
        .datetime(1_522_169_931_538), .timestamp(BSONTimestamp(timestamp: 5, increment: 1)), .document([:]),
        .array([]), .minKey, .maxKey, .string("$a"), .string("$b.c"), .string("$$ROOT"), .string("$$NOW"),
        .string("$$REMOVE"), .string("$$this"), .string("$$value"),
    ]

    static func randomExpression(_ random: inout SeededRandom, depth: Int) -> BSONValue {
        if depth == 0 || random.chance(0.35) { return random.pick(scalars) }
        let op = random.pick(ExpressionOperator.allCases).rawValue
        if random.chance(0.35) {
            var spec = BSONDocument()
            for _ in 0..<random.int(0...5) {
                spec.append(random.pick(argumentNames), randomExpression(&random, depth: depth - 1))
            }
            return [op: .document(spec)]
        }
        if random.chance(0.5) {
            return [op: .array((0..<random.int(0...4)).map { _ in randomExpression(&random, depth: depth - 1) })]
        }
        return [op: randomExpression(&random, depth: depth - 1)]
    }

    @Test func randomExpressionsNeverTrap() throws {
        var random = SeededRandom(seed: SeededRandom.baseSeed ^ 0x0E_7B57)
        var evaluated = 0
        for _ in 0..<SeededRandom.scaled(6000) {
            let expression = Self.randomExpression(&random, depth: 4)
            var document = random.randomDocument(maxDepth: 3)
            document.append("a", random.pick(Self.scalars))
            document.append("b", ["c": random.pick(Self.scalars)])
            let scope = ExpressionScope(variables: ["this", "value"])
            do {
                let compiled = try Expression(parsing: expression, scope: scope)
                for stored in [true, false] {
                    let root: PipelineDocument = stored ? .stored(try RawDocument(document)) : .value(document)
                    var context = ExpressionContext(
                        root: root, variables: [random.pick(Self.scalars), random.pick(Self.scalars)], now: 0)
                    _ = try? compiled.evaluate(&context)
                    evaluated += 1
                }
            } catch {
                // Parse errors are expected for most random shapes.
            }
        }
        #expect(evaluated > 0, "\(random)")
    }
}
