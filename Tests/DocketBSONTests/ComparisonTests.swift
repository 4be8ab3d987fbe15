import DocketBSON
import DocketTestSupport
import Testing

/// MongoDB's comparison order: the laws of a total order over seeded random values, and tables of the bracket
/// order and the within-bracket rules.
@Suite("BSONValue comparison order")
struct ComparisonTests {
    // MARK: - Laws

    @Test func compareIsAntisymmetricAndReflexive() {
        var law = LawChecker()
        SeededRandom.forEachCase(3000) { rng, _ in
            let a = rng.randomOrderingValue(depth: 2)
            let b = rng.chance(0.3) ? rng.equalVariant(of: a) : rng.randomOrderingValue(depth: 2)
            let ab = BSONValue.compare(a, b)
            let ba = BSONValue.compare(b, a)
            law.check(ab.signum() == -ba.signum(), "compare(\(a), \(b)) = \(ab), reversed \(ba); \(rng.replayHint)")
            law.check(BSONValue.compare(a, a) == 0, "\(a) is not equal to itself; \(rng.replayHint)")
        }
        #expect(law.failures == 0)
    }

    @Test func compareIsTransitive() {
        var law = LawChecker()
        SeededRandom.forEachCase(3000) { rng, _ in
            let a = rng.randomOrderingValue(depth: 1)
            let b = rng.chance(0.3) ? rng.equalVariant(of: a) : rng.randomOrderingValue(depth: 1)
            let c = rng.chance(0.3) ? rng.equalVariant(of: b) : rng.randomOrderingValue(depth: 1)
            law.checkTransitivity(a, b, c, rng)
        }
        #expect(law.failures == 0)
    }

    @Test func equalNumbersOfEveryTypeAreTransitivelyEqual() {
        // Triples drawn from the numeric pool only, so chains across int32/int64/double/decimal128 are common.
        var law = LawChecker()
        SeededRandom.forEachCase(4000) { rng, _ in
            let a = rng.randomNumberRepresentation()
            let b = rng.chance(0.3) ? rng.equalVariant(of: a) : rng.randomNumberRepresentation()
            let c = rng.chance(0.3) ? rng.equalVariant(of: b) : rng.randomNumberRepresentation()
            law.checkTransitivity(a, b, c, rng)
        }
        #expect(law.failures == 0)
    }

    @Test func compareIsTotalAndConsistentWithOperators() {
        var law = LawChecker()
        SeededRandom.forEachCase(3000) { rng, _ in
            let a = rng.randomOrderingValue(depth: 2)
            let b = rng.chance(0.2) ? rng.equalVariant(of: a) : rng.randomOrderingValue(depth: 2)
            let c = BSONValue.compare(a, b)
            // Totality: exactly one of <, ==, > holds, and the operators agree with compare.
            let relations = [a < b, a == b, b < a].filter { $0 }.count
            law.check(relations == 1, "\(a) vs \(b): \(relations) relations hold; \(rng.replayHint)")
            law.check((a == b) == (c == 0), "== disagrees with compare for \(a), \(b); \(rng.replayHint)")
            law.check((a < b) == (c < 0), "< disagrees with compare for \(a), \(b); \(rng.replayHint)")
        }
        #expect(law.failures == 0)
    }

    @Test func equalValuesHashEqually() {
        var law = LawChecker()
        var equalPairs = 0
        SeededRandom.forEachCase(6000) { rng, _ in
            let a = rng.randomOrderingValue(depth: 2)
            let b = rng.chance(0.5) ? rng.equalVariant(of: a) : rng.randomOrderingValue(depth: 2)
            guard a == b else { return }
            equalPairs += 1
            law.check(a.hashValue == b.hashValue, "\(a) == \(b) but hashes differ; \(rng.replayHint)")
            let da: BSONDocument = ["k": a]
            let db: BSONDocument = ["k": b]
            law.check(da.hashValue == db.hashValue, "{k: \(a)} and {k: \(b)} hash differently; \(rng.replayHint)")
        }
        // The generator is biased so that equal pairs are common; make sure the law was really exercised.
        #expect(equalPairs > 2000, "only \(equalPairs) equal pairs")
        #expect(law.failures == 0)
    }

    @Test func sortingRandomValuesGivesANonDecreasingSequence() {
        var law = LawChecker()
        SeededRandom.forEachCase(100) { rng, _ in
            let values = (0..<60).map { _ in rng.randomOrderingValue(depth: 2) }.sorted()
            for (x, y) in zip(values, values.dropFirst()) {
                law.check(BSONValue.compare(x, y) <= 0, "\(x) sorted before \(y); \(rng.replayHint)")
            }
        }
        #expect(law.failures == 0)
    }

    // MARK: - Bracket order

    /// One representative of each canonical type bracket, in MongoDB's order.
    static let bracketRepresentatives: [BSONValue] = [
        .minKey,
        .undefined,
        .null,
        .int32(5),
        .string("a"),
        .document(["a": 1]),
        .array([1]),
        .binary(BSONBinary(bytes: [1])),
        .objectID(ObjectID(bytes: [UInt8](repeating: 0, count: 12))),
        .bool(false),
        .datetime(0),
        .timestamp(BSONTimestamp(timestamp: 0, increment: 0)),
        .regex(BSONRegex(pattern: "a")),
        .dbPointer(BSONDBPointer(namespace: "a.b", id: ObjectID(bytes: [UInt8](repeating: 0, count: 12)))),
        .javascript("a"),
        .javascriptWithScope(BSONCodeWithScope(code: "a", scope: [:])),
        .maxKey,
    ]

    @Test func typeBracketsSortInMongoDBOrder() {
        let r = Self.bracketRepresentatives
        for i in r.indices {
            for j in r.indices {
                let expected = i < j ? -1 : (i == j ? 0 : 1)
                #expect(BSONValue.compare(r[i], r[j]).signum() == expected, "\(r[i]) vs \(r[j])")
            }
        }
    }

    @Test(arguments: [
        // Values from different brackets whose payloads would order the other way.
        (BSONValue.double(.infinity), BSONValue.string("")),
        (.decimal128(Decimal128(high: 0x7800_0000_0000_0000, low: 0)), .string("")),
        (.string("zzz"), .document([:])),
        (.symbol("zzz"), .document([:])),
        (.document(["z": .maxKey]), .array([])),
        (.array([.maxKey]), .binary(BSONBinary(bytes: []))),
        (
            .binary(BSONBinary(bytes: [UInt8](repeating: 0xFF, count: 100))),
            .objectID(ObjectID(bytes: [UInt8](repeating: 0, count: 12)))
        ),
        (.objectID(ObjectID(bytes: [UInt8](repeating: 0xFF, count: 12))), .bool(false)),
        (.bool(true), .datetime(Int64.min)),
        (.datetime(Int64.max), .timestamp(BSONTimestamp(timestamp: 0, increment: 0))),
        (.timestamp(BSONTimestamp(timestamp: .max, increment: .max)), .regex(BSONRegex(pattern: ""))),
        (.null, .double(-.infinity)),
        (.null, .double(.nan)),
        (.undefined, .null),
        (.minKey, .undefined),
        (.javascriptWithScope(BSONCodeWithScope(code: "zzz", scope: ["z": 1])), .maxKey),
    ])
    func bracketDecidesBeforePayload(lower: BSONValue, higher: BSONValue) {
        #expect(BSONValue.compare(lower, higher) < 0)
        #expect(BSONValue.compare(higher, lower) > 0)
    }

    // MARK: - Numbers

    @Test func numbersCompareByValueAcrossTypes() {
        let one: [BSONValue] = [
            .int32(1), .int64(1), .double(1.0), .decimal128(Decimal128(Int64(1))),
            .decimal128(Decimal128(high: 6175 << 49, low: 10)),
        ]
        for a in one {
            for b in one {
                #expect(a == b, "\(a) != \(b)")
                #expect(a.hashValue == b.hashValue, "\(a) and \(b) hash differently")
            }
        }
        #expect(BSONValue.int32(1) < .double(1.5))
        #expect(BSONValue.double(1.5) < .int64(2))
        #expect(BSONValue.int64(Int64.max) < .double(9_223_372_036_854_775_808.0))
        #expect(BSONValue.int64(9_007_199_254_740_993) > .double(9_007_199_254_740_992.0))
        #expect(BSONValue.int64(Int64.min) == .double(-9_223_372_036_854_775_808.0))
        #expect(BSONValue.int32(Int32.min) < .int64(Int64(Int32.min) + 1))
        #expect(BSONValue.decimal128(Decimal128(high: 6175 << 49, low: 1)) < .int32(1))  // 0.1 < 1
        #expect(BSONValue.decimal128(Decimal128(high: 6178 << 49, low: 1)) == .int32(100))  // 1E+2 == 100
    }

    @Test func nanSortsBelowEveryNumberAndEqualsItself() {
        let nan = BSONValue.double(.nan)
        let decimalNaN = BSONValue.decimal128(Decimal128(high: 0x7C00_0000_0000_0000, low: 0))
        #expect(nan == nan)
        #expect(nan == decimalNaN)
        #expect(nan.hashValue == decimalNaN.hashValue)
        #expect(BSONValue.double(-.nan) == nan)
        for lower in [nan, decimalNaN] {
            for n: BSONValue in [
                .double(-.infinity), .int32(Int32.min), .int64(Int64.min), .double(0),
                .decimal128(Decimal128(high: 0xF800_0000_0000_0000, low: 0)),
            ] {
                #expect(lower < n, "\(lower) !< \(n)")
            }
        }
        #expect(BSONValue.double(-.infinity) < .int64(Int64.min))
        #expect(BSONValue.double(.infinity) > .int64(Int64.max))
    }

    @Test func negativeZeroEqualsZero() {
        let zeros: [BSONValue] = [
            .double(-0.0), .double(0.0), .int32(0), .int64(0), .decimal128(Decimal128(Int64(0))),
            .decimal128(Decimal128(high: 1 << 63 | 6176 << 49, low: 0)), .decimal128(Decimal128(high: 0, low: 0)),
        ]
        for a in zeros {
            for b in zeros {
                #expect(a == b, "\(a) != \(b)")
                #expect(a.hashValue == b.hashValue, "\(a) and \(b) hash differently")
            }
        }
    }

    // MARK: - Strings, documents, arrays, binary

    @Test func stringsCompareByUTF8Bytes() {
        #expect(BSONValue.string("Z") < .string("a"))
        #expect(BSONValue.string("a") < .string("ab"))
        #expect(BSONValue.string("") < .string("\u{0}"))
        #expect(BSONValue.string("a\u{0}") > .string("a"))
        #expect(BSONValue.string("a\u{0}b") < .string("a\u{1}"))
        #expect(BSONValue.string("z") < .string("é"))  // U+00E9 is C3 A9, above every ASCII byte
        // Composed é (C3 A9) and decomposed e + U+0301 (65 CC 81) are different strings, unlike Swift's ==.
        let composed = BSONValue.string("\u{E9}")
        let decomposed = BSONValue.string("e\u{301}")
        #expect(composed != decomposed)
        #expect(decomposed < composed)
        #expect(BSONValue.string("\u{FFFF}") < .string("😀"))  // EF BF BF < F0 9F 98 80
        #expect(BSONValue.string("abc") == .symbol("abc"))
        #expect(BSONValue.symbol("a") < .string("b"))
        #expect(BSONValue.string("abc").hashValue == BSONValue.symbol("abc").hashValue)
    }

    @Test func documentsCompareFieldByFieldTypeThenKeyThenValue() {
        #expect(BSONValue.document([:]) < .document(["a": 1]))
        #expect(BSONValue.document(["a": 1]) < .document(["a": 1, "b": 0]))
        #expect(BSONValue.document(["a": 1]) < .document(["a": 2]))
        #expect(BSONValue.document(["a": 1]) < .document(["b": 1]))
        #expect(BSONValue.document(["b": 1]) < .document(["a": "x"]))  // type bracket before field name
        #expect(BSONValue.document(["a": 1, "b": 2]) != .document(["b": 2, "a": 1]))  // order matters
        #expect(BSONValue.document(["a": 1]) == .document(["a": 1.0]))
        #expect(BSONValue.document(["a": ["b": .null]]) < .document(["a": ["b": false]]))
    }

    @Test func arraysCompareElementByElementShorterPrefixFirst() {
        #expect(BSONValue.array([]) < .array([.minKey]))
        #expect(BSONValue.array([1, 2]) < .array([1, 2, 0]))
        #expect(BSONValue.array([1, 2]) < .array([1, 3]))
        #expect(BSONValue.array([2]) > .array([1, 100]))
        #expect(BSONValue.array([1, "a"]) > .array([1, 5]))
        #expect(BSONValue.array([.int64(1), .double(2)]) == .array([.double(1), .int32(2)]))
    }

    @Test func binaryComparesLengthThenSubtypeThenBytes() {
        func bin(_ subtype: UInt8, _ bytes: [UInt8]) -> BSONValue {
            .binary(BSONBinary(subtype: BSONBinary.Subtype(subtype), bytes: bytes))
        }
        #expect(bin(0xFF, [0xFF]) < bin(0, [0, 0]))  // shorter first, whatever the subtype and bytes
        #expect(bin(0, [9]) < bin(1, [0]))  // same length: subtype
        #expect(bin(0x80, [0]) > bin(5, [9]))
        #expect(bin(0, [1, 2]) < bin(0, [1, 3]))  // then bytes
        #expect(bin(0, [1, 2]) == bin(0, [1, 2]))
        // Subtype 2's encoded length includes its inner 4-byte prefix.
        #expect(bin(2, []) > bin(0, [1, 2, 3]))
        #expect(bin(2, []) < bin(0, [1, 2, 3, 4, 5]))
    }

    @Test func otherBracketsCompareTheirPayloads() {
        #expect(BSONValue.bool(false) < .bool(true))
        #expect(BSONValue.datetime(-1) < .datetime(0))  // dates are signed
        #expect(
            BSONValue.timestamp(BSONTimestamp(timestamp: 1, increment: 0))
                > .timestamp(BSONTimestamp(timestamp: 0, increment: .max)))  // timestamps are unsigned
        let low = ObjectID(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
        let high = ObjectID(bytes: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(BSONValue.objectID(low) < .objectID(high))
        #expect(BSONValue.regex(BSONRegex(pattern: "a", options: "i")) < .regex(BSONRegex(pattern: "b")))
        #expect(BSONValue.regex(BSONRegex(pattern: "a")) < .regex(BSONRegex(pattern: "a", options: "i")))
        #expect(BSONValue.javascript("a") < .javascript("b"))
        #expect(BSONValue.null == .null)
        #expect(BSONValue.minKey == .minKey)
        #expect(BSONValue.undefined != .null)
    }
}

/// Counts law violations and records only the first few as issues, so one broken rule does not flood the log.
private struct LawChecker {
    var failures = 0

    mutating func check(
        _ holds: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard !holds else { return }
        failures += 1
        if failures <= 5 { Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation) }
    }

    /// Checks transitivity of `==`, `<` and mixed chains over every ordering of the three values.
    mutating func checkTransitivity(
        _ a: BSONValue, _ b: BSONValue, _ c: BSONValue, _ rng: SeededRandom,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (x, y, z) in [(a, b, c), (a, c, b), (b, a, c), (b, c, a), (c, a, b), (c, b, a)] {
            let xy = BSONValue.compare(x, y).signum()
            let yz = BSONValue.compare(y, z).signum()
            let xz = BSONValue.compare(x, z).signum()
            // x <= y <= z implies x <= z, strictly if either step is strict; x == y == z implies x == z.
            if xy <= 0 && yz <= 0 {
                let expected = (xy < 0 || yz < 0) ? -1 : 0
                check(
                    xz == expected, "\(x) ? \(y) ? \(z): \(xy), \(yz) but x ? z is \(xz); \(rng.replayHint)",
                    sourceLocation: sourceLocation)
            }
        }
    }
}
