import DocketBSON
import DocketTestSupport
import Testing

extension BSONOracle {
    /// Docket's Extended JSON parser reading libbson's canonical and relaxed output for seeded random documents.
    @Suite("BSONOracle Extended JSON")
    struct ExtendedJSONTests {
        static let documentCount = 20_000

        @Test func bsonOracleDocketParsesLibBSONCanonicalExtendedJSONIdentically() throws {
            var failures = 0
            try SeededRandom.forEachCase(Self.documentCount) { rng, _ in
                let document = rng.randomDocument(maxDepth: BSONOracle.ConstructionTests.maxDepth)
                let json = try #require(LibBSON.extendedJSON(try document.bsonBytes(), canonical: true))
                let expected = document
                do {
                    let parsed = try BSONDocument(extendedJSON: json)
                    if !parsed.isIdentical(to: expected) {
                        failures += 1
                        if failures <= 5 {
                            Issue.record("parsed \(parsed), expected \(expected) from \(json); \(rng.replayHint)")
                        }
                    }
                } catch {
                    failures += 1
                    if failures <= 5 { Issue.record("\(error) parsing \(json); \(rng.replayHint)") }
                }
            }
            #expect(failures == 0, "\(failures) of \(Self.documentCount) canonical documents differ")
        }

        /// libbson 1.23.1 prints every non-negative date in relaxed mode as an ISO-8601 string, even after year
        /// 9999 (`"10017-05-06T23:39:07.135Z"`); the Extended JSON specification uses the ISO form only for years
        /// 1970 to 9999 and `{"$date": {"$numberLong": …}}` otherwise, and Docket's parser accepts only 4-digit
        /// years. The relaxed test therefore moves such dates into range (counting them), and
        /// ``bsonOracleLibBSONPrintsDatesAfter9999AsISOStrings()`` pins the deviation down.
        static let firstMillisecondOfYear10000: Int64 = 253_402_300_800_000

        @Test func bsonOracleDocketParsesLibBSONRelaxedExtendedJSONEquivalently() throws {
            var failures = 0
            var movedDates = 0
            try SeededRandom.forEachCase(Self.documentCount) { rng, _ in
                let generated = rng.randomDocument(maxDepth: BSONOracle.ConstructionTests.maxDepth)
                let document = Self.movingDatesAfter9999(in: generated, count: &movedDates)
                let json = try #require(LibBSON.extendedJSON(try document.bsonBytes(), canonical: false))
                let expected = document
                do {
                    let parsed = try BSONDocument(extendedJSON: json)
                    if !Self.relaxedEquivalent(parsed, expected) {
                        failures += 1
                        if failures <= 5 {
                            Issue.record("parsed \(parsed), expected \(expected) from \(json); \(rng.replayHint)")
                        }
                    }
                } catch {
                    failures += 1
                    if failures <= 5 { Issue.record("\(error) parsing \(json); \(rng.replayHint)") }
                }
            }
            print(
                "oracle relaxed Extended JSON: \(SeededRandom.scaled(Self.documentCount)) documents, "
                    + "\(movedDates) dates after 9999 moved into range (libbson prints them as ISO strings)"
            )
            #expect(failures == 0, "\(failures) of \(Self.documentCount) relaxed documents differ")
        }

        @Test func bsonOracleLibBSONPrintsDatesAfter9999AsISOStrings() throws {
            let document: BSONDocument = ["d": .datetime(Self.firstMillisecondOfYear10000)]
            let relaxed = try #require(LibBSON.extendedJSON(try document.bsonBytes(), canonical: false))
            #expect(relaxed.contains("\"10000-01-01T00:00:00Z\""), "\(relaxed)")
            #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: relaxed) }
            // Docket's own relaxed writer follows the specification, and reads its output back.
            let ours = document.extendedJSONString(mode: .relaxed)
            #expect(try BSONDocument(extendedJSON: ours).isIdentical(to: document), "\(ours)")
        }

        /// The document with every date at or after year 10000 moved into 1970...9999 (keeping its millisecond).
        static func movingDatesAfter9999(in document: BSONDocument, count: inout Int) -> BSONDocument {
            BSONDocument(
                elements: document.map { (key: $0.key, value: movingDatesAfter9999(in: $0.value, count: &count)) })
        }

        static func movingDatesAfter9999(in value: BSONValue, count: inout Int) -> BSONValue {
            switch value {
            case .datetime(let ms) where ms >= firstMillisecondOfYear10000:
                count += 1
                return .datetime(ms % firstMillisecondOfYear10000)
            case .document(let d): return .document(movingDatesAfter9999(in: d, count: &count))
            case .array(let a): return .array(a.map { movingDatesAfter9999(in: $0, count: &count) })
            case .javascriptWithScope(let c):
                return .javascriptWithScope(
                    BSONCodeWithScope(code: c.code, scope: movingDatesAfter9999(in: c.scope, count: &count))
                )
            default: return value
            }
        }

        /// Equality after the losses relaxed Extended JSON allows: int32 and int64 become plain JSON integers (so
        /// they compare by value, whichever integer type comes back). Doubles keep their exact value and type
        /// (libbson prints 20 significant digits and a `.0` on integral values); NaN is any NaN. Everything else
        /// must be identical.
        static func relaxedEquivalent(_ a: BSONDocument, _ b: BSONDocument) -> Bool {
            a.count == b.count
                && zip(a, b).allSatisfy {
                    $0.key.utf8.elementsEqual($1.key.utf8) && relaxedEquivalent($0.value, $1.value)
                }
        }

        static func relaxedEquivalent(_ a: BSONValue, _ b: BSONValue) -> Bool {
            switch (a, b) {
            case (.int32, .int32), (.int32, .int64), (.int64, .int32), (.int64, .int64): return a == b
            case (.double(let x), .double(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
            case (.document(let x), .document(let y)): return relaxedEquivalent(x, y)
            case (.array(let x), .array(let y)):
                return x.count == y.count && zip(x, y).allSatisfy { relaxedEquivalent($0, $1) }
            case (.javascriptWithScope(let x), .javascriptWithScope(let y)):
                return x.code.utf8.elementsEqual(y.code.utf8) && relaxedEquivalent(x.scope, y.scope)
            default: return a.isIdentical(to: b)
            }
        }
    }
}
