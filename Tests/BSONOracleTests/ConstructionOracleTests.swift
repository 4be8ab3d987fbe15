import CLibBSON
import DocketBSON
import DocketTestSupport
import Testing

/// Docket's encoder and decoder against libbson on seeded random documents covering every BSON type.
extension BSONOracle {
    @Suite("BSONOracle construction")
    struct ConstructionTests {
        /// Documents per test.
        static let documentCount = 20_000
        /// The deepest nesting the generator uses (Docket and libbson both accept it).
        static let maxDepth = 50

        @Test func bsonOracleDocketBytesEqualLibBSONConstruction() throws {
            var mismatches = 0
            try SeededRandom.forEachCase(Self.documentCount) { rng, _ in
                let document = rng.randomDocument(maxDepth: Self.maxDepth)
                let ours = try document.bsonBytes()
                let theirs = try #require(LibBSON.encode(document), "libbson could not build \(document)")
                if ours != theirs {
                    mismatches += 1
                    let at =
                        zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                        ?? min(ours.count, theirs.count)
                    if mismatches <= 5 {
                        Issue.record(
                            "bytes differ at offset \(at) (\(ours.count) vs \(theirs.count) bytes) for \(document); \(rng.replayHint)"
                        )
                    }
                }
            }
            #expect(mismatches == 0, "\(mismatches) of \(Self.documentCount) documents encode differently")
        }

        @Test func bsonOracleGeneratorCoversEveryTypeAndDeepNesting() {
            var types = Set<BSONType>()
            var subtypes = Set<UInt8>()
            var deepest = 0
            var duplicateKeys = 0
            func visit(_ value: BSONValue, depth: Int) {
                types.insert(value.type)
                deepest = max(deepest, depth)
                switch value {
                case .document(let d): visitFields(d, depth: depth + 1)
                case .array(let a): a.forEach { visit($0, depth: depth + 1) }
                case .javascriptWithScope(let c): visitFields(c.scope, depth: depth + 1)
                case .binary(let b): subtypes.insert(b.subtype.rawValue)
                default: break
                }
            }
            func visitFields(_ d: BSONDocument, depth: Int) {
                if Set(d.keys).count != d.count { duplicateKeys += 1 }
                d.forEach { visit($0.value, depth: depth) }
            }
            SeededRandom.forEachCase(Self.documentCount) { rng, _ in
                visitFields(rng.randomDocument(maxDepth: Self.maxDepth), depth: 0)
            }
            #expect(types == Set(BSONType.allCases), "missing types: \(Set(BSONType.allCases).subtracting(types))")
            #expect(
                subtypes.isSuperset(of: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x80]), "subtypes seen: \(subtypes.sorted())")
            #expect(deepest >= 45, "deepest nesting \(deepest)")
            #expect(duplicateKeys > 100, "\(duplicateKeys) documents with duplicate keys")
        }

        @Test func bsonOracleLibBSONValidatesEverythingDocketEncodes() throws {
            var rejected = 0
            try SeededRandom.forEachCase(Self.documentCount) { rng, _ in
                let document = rng.randomDocument(maxDepth: Self.maxDepth)
                let bytes = try document.bsonBytes()
                let valid = LibBSON.validate(bytes)
                let walk = LibBSON.walk(bytes)
                if valid != 1 || walk != 0 {
                    rejected += 1
                    if rejected <= 5 {
                        Issue.record("libbson rejects (validate \(valid), walk \(walk)) \(document); \(rng.replayHint)")
                    }
                }
            }
            #expect(rejected == 0, "libbson rejects \(rejected) of \(Self.documentCount) documents Docket encoded")
        }

        @Test func bsonOracleDocketDecodesLibBSONBytesIdentically() throws {
            var different = 0
            try SeededRandom.forEachCase(Self.documentCount) { rng, _ in
                let document = rng.randomDocument(maxDepth: Self.maxDepth)
                let theirs = try #require(LibBSON.encode(document), "libbson could not build \(document)")
                let decoded = try BSONDocument(bsonBytes: theirs)
                if !decoded.isIdentical(to: document) {
                    different += 1
                    if different <= 5 {
                        Issue.record("decoded \(decoded), expected \(document); \(rng.replayHint)")
                    }
                }
            }
            #expect(different == 0, "\(different) of \(Self.documentCount) libbson documents decode differently")
        }
    }
}
