import CLibBSON
import DocketBSON
import DocketTestSupport
import Testing

/// Docket's decoder against libbson on seeded mutations of valid BSON: Docket must never crash, and must accept
/// exactly what libbson accepts, except for the documented ``KnownDisagreement``s.
extension BSONOracle {
    @Suite("BSONOracle mutations")
    struct MutationTests {
        static let caseCount = 20_000

        /// The principled reasons Docket and libbson 1.23.1 may disagree on a mutated document. Each is checked with
        /// evidence from libbson itself, never assumed.
        enum KnownDisagreement: String, CaseIterable, CustomStringConvertible {
            /// Docket rejects invalid UTF-8 in every text: keys, strings, JavaScript code (also with scope), symbols,
            /// regex patterns and options, BSONDBPointer namespaces. libbson 1.23.1's `bson_validate` checks UTF-8 only in
            /// keys and string values; it misses invalid string values in practice (`bson_iter_visit_all` stops on them
            /// without calling the corrupt visitor, so the error is dropped) and stops validating the rest of a document
            /// after a code-with-scope element (its visitor returns `true` on success). Counted only when Docket's error is
            /// `.invalidUTF8` and libbson's own `bson_utf8_validate` rejects some text of the document.
            case invalidUTF8NotCaughtByLibBSONValidate
            /// libbson's `bson_utf8_validate` with NUL allowed accepts the overlong two-byte NUL `C0 80` (Java's modified
            /// UTF-8); Docket follows the Unicode standard and the BSON specification and rejects every overlong form.
            case overlongNULAcceptedByLibBSON
            /// Docket limits nesting to `BSONReaderOptions.maxDepth` (100, MongoDB's limit); libbson 1.23.1 has no limit.
            case depthLimit
            /// libbson 1.23.1 does not check that an embedded document or array ends with its NUL byte (its iterator
            /// stops at the length prefix); the BSON specification requires the terminator and Docket checks it.
            /// Counted only when libbson's iteration reaches such a document.
            case unterminatedEmbeddedDocumentAcceptedByLibBSON
            /// libbson 1.23.1 does not check that the string of a code-with-scope or BSONDBPointer (and so on) ends with the NUL
            /// byte its length promises; Docket checks every length-prefixed string. Counted only when libbson's own
            /// accessor returns a string not followed by NUL.
            case unterminatedStringAcceptedByLibBSON
            /// libbson 1.23.1 accepts an embedded document or array whose length prefix is 4 (less than the 5 bytes
            /// of an empty document) when the next byte is NUL. Counted only when libbson's iteration reaches a document
            /// shorter than 5 bytes and Docket's error is about that length.
            case undersizedEmbeddedDocumentAcceptedByLibBSON

            var description: String { rawValue }
        }

        enum Outcome: Equatable {
            case acceptedByBoth
            case rejectedByBoth
            case known(KnownDisagreement)
            case unexplained(String)
        }

        @Test func bsonOracleMutatedDocumentsDecodeOrFailLikeLibBSON() throws {
            var counts: [String: Int] = [:]
            var known: [KnownDisagreement: Int] = [:]
            var unexplained = 0
            var roundTripFailures = 0
            try SeededRandom.forEachCase(Self.caseCount) { rng, _ in
                let original = try rng.randomDocument(maxDepth: 12).bsonBytes()
                let mutated = Self.mutate(original, using: &rng)
                let outcome = Self.judge(mutated)
                switch outcome {
                case .acceptedByBoth:
                    counts["accepted", default: 0] += 1
                    // Whatever was accepted must survive Docket's own round trip unchanged.
                    let decoded = try BSONDocument(bsonBytes: mutated)
                    if !(try BSONDocument(bsonBytes: decoded.bsonBytes())).isIdentical(to: decoded) {
                        roundTripFailures += 1
                        Issue.record("accepted document does not round-trip: \(decoded); \(rng.replayHint)")
                    }
                case .rejectedByBoth: counts["rejected", default: 0] += 1
                case .known(let reason): known[reason, default: 0] += 1
                case .unexplained(let why):
                    unexplained += 1
                    if unexplained <= 10 {
                        Issue.record(
                            "Docket and libbson disagree: \(why); bytes \(Self.hex(mutated)); \(rng.replayHint)")
                    }
                }
            }
            let knownTotal = known.values.reduce(0, +)
            let breakdown = KnownDisagreement.allCases.map { "\($0): \(known[$0, default: 0])" }.joined(separator: ", ")
            print(
                "oracle mutations: \(SeededRandom.scaled(Self.caseCount)) cases, \(counts["accepted", default: 0]) accepted by both, "
                    + "\(counts["rejected", default: 0]) rejected by both, \(knownTotal) known disagreements (\(breakdown)), "
                    + "\(unexplained) unexplained"
            )
            #expect(unexplained == 0, "\(unexplained) disagreements fall outside the known categories")
            #expect(roundTripFailures == 0)
            // The mutations must exercise both sides, or the comparison proves little.
            #expect(counts["accepted", default: 0] > Self.caseCount / 20)
            #expect(counts["rejected", default: 0] > Self.caseCount / 4)
        }

        @Test func bsonOracleKnownDisagreementsAreReal() throws {
            // One hand-made witness per category, so each documented reason is shown to exist in libbson 1.23.1.
            // {a: Code("\xFF")}: libbson's bson_validate does not check code.
            let badCode: [UInt8] = [14, 0, 0, 0, 0x0D, 0x61, 0, 2, 0, 0, 0, 0xFF, 0, 0]
            #expect(Self.judge(badCode) == .known(.invalidUTF8NotCaughtByLibBSONValidate))
            // {a: /a\xFF/}: nor regex patterns.
            let badRegex: [UInt8] = [12, 0, 0, 0, 0x0B, 0x61, 0, 0x61, 0xFF, 0, 0, 0]
            #expect(Self.judge(badRegex) == .known(.invalidUTF8NotCaughtByLibBSONValidate))
            // {a: "\xC0\x80"}: the overlong NUL.
            let overlong: [UInt8] = [15, 0, 0, 0, 0x02, 0x61, 0, 3, 0, 0, 0, 0xC0, 0x80, 0, 0]
            #expect(Self.judge(overlong) == .known(.overlongNULAcceptedByLibBSON))
            // 101 nested documents: beyond Docket's depth limit.
            #expect(Self.judge(nestedDocumentBytes(depth: 101)) == .known(.depthLimit))
            // {a: []} whose array ends with E0 instead of NUL.
            let unterminatedArray: [UInt8] = [13, 0, 0, 0, 0x04, 0x61, 0, 5, 0, 0, 0, 0xE0, 0]
            #expect(Self.judge(unterminatedArray) == .known(.unterminatedEmbeddedDocumentAcceptedByLibBSON))
            // {a: Code("x", {})} whose code string ends with "y" instead of NUL.
            let unterminatedCode: [UInt8] = [
                23, 0, 0, 0, 0x0F, 0x61, 0, 15, 0, 0, 0, 2, 0, 0, 0, 0x78, 0x79, 5, 0, 0, 0, 0, 0,
            ]
            #expect(Self.judge(unterminatedCode) == .known(.unterminatedStringAcceptedByLibBSON))
            // {"": {}} whose embedded document claims 4 bytes.
            let undersized: [UInt8] = [11, 0, 0, 0, 0x03, 0, 4, 0, 0, 0, 0]
            #expect(Self.judge(undersized) == .known(.undersizedEmbeddedDocumentAcceptedByLibBSON))
            // And plain agreements: a boolean byte of 2 is rejected by both; a valid document accepted by both.
            #expect(Self.judge([9, 0, 0, 0, 0x08, 0x61, 0, 2, 0]) == .rejectedByBoth)
            #expect(Self.judge([9, 0, 0, 0, 0x08, 0x61, 0, 1, 0]) == .acceptedByBoth)
        }

        // MARK: - Judging

        /// Decodes with Docket and with libbson (`bson_init_static` + `bson_validate` + a full recursive iteration) and
        /// classifies the pair of verdicts.
        static func judge(_ bytes: [UInt8]) -> Outcome {
            let docketError: BSONError?
            do {
                _ = try BSONDocument(bsonBytes: bytes)
                docketError = nil
            } catch {
                docketError = error
            }
            let validate = LibBSON.validate(bytes)
            let walk = LibBSON.walk(bytes)
            let libbsonAccepts = validate == 1 && walk >= 0 && walk & Int32(DOCKET_WALK_CORRUPT) == 0
            switch (docketError, libbsonAccepts) {
            case (nil, true): return .acceptedByBoth
            case (.some, false): return .rejectedByBoth
            case (nil, false):
                return .unexplained("Docket accepts, libbson rejects (validate \(validate), walk \(walk))")
            case (.some(let error), true):
                if error.kind == .invalidUTF8 && walk & Int32(DOCKET_WALK_INVALID_UTF8) != 0 {
                    return .known(.invalidUTF8NotCaughtByLibBSONValidate)
                }
                if error.kind == .invalidUTF8 && walk & Int32(DOCKET_WALK_OVERLONG_NUL) != 0 {
                    return .known(.overlongNULAcceptedByLibBSON)
                }
                if error.kind == .depthLimitExceeded { return .known(.depthLimit) }
                if error.kind == .missingTerminator && walk & Int32(DOCKET_WALK_UNTERMINATED_DOCUMENT) != 0 {
                    return .known(.unterminatedEmbeddedDocumentAcceptedByLibBSON)
                }
                if error.kind == .unexpectedEnd || error.kind == .invalidLength,
                    walk & Int32(DOCKET_WALK_UNDERSIZED_DOCUMENT) != 0
                {
                    return .known(.undersizedEmbeddedDocumentAcceptedByLibBSON)
                }
                if error.kind == .missingTerminator && walk & Int32(DOCKET_WALK_UNTERMINATED_STRING) != 0 {
                    return .known(.unterminatedStringAcceptedByLibBSON)
                }
                return .unexplained("Docket rejects (\(error.kind): \(error)), libbson accepts (walk \(walk))")
            }
        }

        // MARK: - Mutations

        /// Where the interesting bytes of a valid encoding are: length prefixes, type bytes, text bytes.
        struct Landmarks {
            var lengths: [Int] = []
            var types: [Int] = []
            var text: [Int] = []
        }

        /// Applies one to three random mutations: bit flips, byte replacements, truncations, corrupted length fields
        /// (top-level and nested), changed type bytes, damaged UTF-8, inserted and deleted bytes. After a change of size
        /// the top-level length is usually patched, so the damage is found inside the document, not at its header.
        static func mutate(_ original: [UInt8], using rng: inout SeededRandom) -> [UInt8] {
            var bytes = original
            var marks = Landmarks()
            scanDocument(original, at: 0, into: &marks)
            let interesting: [UInt8] = [
                0x00, 0x01, 0x02, 0x05, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xE0, 0xED, 0xF0, 0xF4, 0xF5, 0xFF,
            ]
            let mutationCount = rng.chance(0.6) ? 1 : rng.int(2...3)
            for _ in 0..<mutationCount where !bytes.isEmpty {
                let at = rng.int(0...(bytes.count - 1))
                switch rng.int(0...9) {
                case 0:
                    bytes[at] ^= 1 << UInt8(rng.int(0...7))
                case 1:
                    bytes[at] = rng.chance(0.5) ? rng.pick(interesting) : UInt8(truncatingIfNeeded: rng.next())
                case 2:
                    bytes.removeSubrange(rng.int(0...(bytes.count - 1))...)
                    if rng.chance(0.6) && bytes.count >= 5 { bytes[bytes.count - 1] = 0 }
                    if rng.chance(0.7) { patchTopLevelLength(&bytes) }
                case 3, 4:
                    let field = marks.lengths.isEmpty ? 0 : rng.pick(marks.lengths)
                    guard field + 4 <= bytes.count else { continue }
                    let old = Int64(readInt32(bytes, field))
                    let new: Int64 =
                        rng.chance(0.6)
                        ? old + Int64(rng.pick([-8, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 8]))
                        : rng.pick([
                            0, 1, 3, 4, 5, 13, 14, -1, Int64(Int32.min), Int64(Int32.max), old * 2,
                            Int64(bytes.count - field),
                        ])
                    writeInt32(&bytes, field, Int32(truncatingIfNeeded: new))
                case 5:
                    guard let t = marks.types.isEmpty ? nil : rng.pick(marks.types), t < bytes.count else { continue }
                    bytes[t] = rng.pick([
                        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x08, 0x0B, 0x0C, 0x0F, 0x10, 0x13, 0x14, 0x7F, 0xFF, 0x80,
                        0x20,
                    ])
                case 6:
                    guard let t = marks.text.isEmpty ? nil : rng.pick(marks.text), t < bytes.count else { continue }
                    let damage: [[UInt8]] = [
                        [0xFF], [0xC0], [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
                        [0xE0, 0x80, 0x80], [0xC3],
                    ]
                    for (i, b) in rng.pick(damage).enumerated() where t + i < bytes.count - 1 { bytes[t + i] = b }
                case 7:
                    bytes.insert(contentsOf: (0..<rng.int(1...4)).map { _ in rng.pick(interesting) }, at: at)
                    if rng.chance(0.7) { patchTopLevelLength(&bytes) }
                case 8:
                    bytes.removeSubrange(at..<min(bytes.count, at + rng.int(1...4)))
                    if rng.chance(0.7) { patchTopLevelLength(&bytes) }
                default:
                    bytes[at] = rng.pick(interesting)
                }
            }
            return bytes
        }

        static func patchTopLevelLength(_ bytes: inout [UInt8]) {
            if bytes.count >= 4 { writeInt32(&bytes, 0, Int32(bytes.count)) }
        }

        /// Records the landmarks of the valid document at `offset`; returns the offset after it.
        @discardableResult
        static func scanDocument(_ b: [UInt8], at offset: Int, into marks: inout Landmarks) -> Int {
            marks.lengths.append(offset)
            let end = offset + Int(readInt32(b, offset)) - 1
            var p = offset + 4
            while p < end {
                let type = b[p]
                marks.types.append(p)
                p += 1
                marks.text.append(p)
                while b[p] != 0 { p += 1 }
                p += 1
                p = scanValue(b, type: type, at: p, into: &marks)
            }
            return end + 1
        }

        static func scanValue(_ b: [UInt8], type: UInt8, at p: Int, into marks: inout Landmarks) -> Int {
            func string(_ q: Int) -> Int {
                marks.lengths.append(q)
                marks.text.append(q + 4)
                return q + 4 + Int(readInt32(b, q))
            }
            switch type {
            case 0x01, 0x09, 0x11, 0x12: return p + 8
            case 0x02, 0x0D, 0x0E: return string(p)
            case 0x03, 0x04: return scanDocument(b, at: p, into: &marks)
            case 0x05:
                marks.lengths.append(p)
                if b[p + 4] == 2 { marks.lengths.append(p + 5) }
                return p + 5 + Int(readInt32(b, p))
            case 0x07: return p + 12
            case 0x08: return p + 1
            case 0x0B:
                marks.text.append(p)
                var q = p
                while b[q] != 0 { q += 1 }
                marks.text.append(q + 1)
                q += 1
                while b[q] != 0 { q += 1 }
                return q + 1
            case 0x0C: return string(p) + 12
            case 0x0F:
                marks.lengths.append(p)
                return scanDocument(b, at: string(p + 4), into: &marks)
            case 0x10: return p + 4
            case 0x13: return p + 16
            default: return p  // undefined, null, MinKey, MaxKey
            }
        }

        static func readInt32(_ b: [UInt8], _ at: Int) -> Int32 {
            Int32(
                bitPattern: UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24)
        }

        static func writeInt32(_ b: inout [UInt8], _ at: Int, _ v: Int32) {
            let u = UInt32(bitPattern: v)
            for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(i))) }
        }

        static func hex(_ bytes: [UInt8]) -> String {
            bytes.prefix(400).map {
                String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
            }
            .joined()
        }
    }
}
