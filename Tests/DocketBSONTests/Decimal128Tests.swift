import DocketBSON
import Foundation
import Testing

// MARK: - BSON corpus (decimal128-1.json ... decimal128-7.json)

/// The parts of a bson-corpus file that the Decimal128 checks read.
private struct CorpusFile: Decodable {
    struct Valid: Decodable {
        var description: String
        var canonicalBSON: String
        var canonicalExtJSON: String
        var degenerateExtJSON: String?
        var lossy: Bool?

        enum CodingKeys: String, CodingKey {
            case description, lossy
            case canonicalBSON = "canonical_bson"
            case canonicalExtJSON = "canonical_extjson"
            case degenerateExtJSON = "degenerate_extjson"
        }
    }
    struct ParseError: Decodable {
        var description: String
        var string: String
    }
    var valid: [Valid]?
    var parseErrors: [ParseError]?
}

/// Finds `Tests/SpecTests/Resources/bson-corpus` by walking up from this file to the package root.
private func corpusDirectory() throws -> URL {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
            return directory.appendingPathComponent("Tests/SpecTests/Resources/bson-corpus")
        }
        directory.deleteLastPathComponent()
    }
    throw CorpusMissing()
}

private struct CorpusMissing: Error {}

private func loadCorpus(_ number: Int) throws -> CorpusFile {
    let url = try corpusDirectory().appendingPathComponent("decimal128-\(number).json")
    return try JSONDecoder().decode(CorpusFile.self, from: Data(contentsOf: url))
}

/// The `$numberDecimal` string of an Extended JSON document `{"d": {"$numberDecimal": "..."}}`.
private func numberDecimalString(_ extendedJSON: String) throws -> String {
    let document = try JSONDecoder().decode([String: [String: String]].self, from: Data(extendedJSON.utf8))
    return try #require(document["d"]?["$numberDecimal"])
}

/// The Decimal128 stored in canonical BSON `{"d": decimal}`: length (4), type 0x13, "d\0", 16 payload bytes.
private func decimalFromCanonicalBSON(_ hex: String) throws -> Decimal128 {
    var bytes: [UInt8] = []
    var characters = Array(hex.utf8)[...]
    while characters.count >= 2 {
        bytes.append(try #require(UInt8(String(decoding: characters.prefix(2), as: UTF8.self), radix: 16)))
        characters = characters.dropFirst(2)
    }
    try #require(bytes.count == 24 && bytes[4] == 0x13 && bytes[5] == UInt8(ascii: "d") && bytes[6] == 0)
    func littleEndian(_ offset: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { value, index in value | UInt64(bytes[offset + index]) << (8 * index) }
    }
    return Decimal128(high: littleEndian(15), low: littleEndian(7))
}

private func hexBits(_ value: Decimal128) -> String {
    let high = String(value.high, radix: 16, uppercase: true)
    let low = String(value.low, radix: 16, uppercase: true)
    return "high 0x\(high) low 0x\(low)"
}

/// Decimal128: the bson-corpus cases, then table tests of parsing, formatting, conversions and comparison.
@Suite struct Decimal128Tests {
    @Test(arguments: 1...7)
    func corpusFilePasses(_ number: Int) throws {
        let file = try loadCorpus(number)
        var validPassed = 0
        var parseErrorsPassed = 0

        for test in file.valid ?? [] {
            let bits = try decimalFromCanonicalBSON(test.canonicalBSON)
            let canonical = try numberDecimalString(test.canonicalExtJSON)
            var ok = true
            // cB -> string
            if bits.description != canonical {
                ok = false
                Issue.record("\(test.description): description \(bits.description), expected \(canonical)")
            }
            // cEJ -> bits (unless lossy), and cEJ -> string round trip
            do {
                let parsed = try Decimal128(parsing: canonical)
                if test.lossy != true && parsed != bits {
                    ok = false
                    Issue.record(
                        "\(test.description): parsing \(canonical) gave \(hexBits(parsed)), not \(hexBits(bits))")
                }
                if parsed.description != canonical {
                    ok = false
                    Issue.record("\(test.description): \(canonical) printed back as \(parsed.description)")
                }
            } catch {
                ok = false
                Issue.record("\(test.description): parsing \(canonical) threw \(error)")
            }
            // dEJ -> bits (unless lossy) and -> canonical string
            if let degenerate = test.degenerateExtJSON {
                let text = try numberDecimalString(degenerate)
                do {
                    let parsed = try Decimal128(parsing: text)
                    if test.lossy != true && parsed != bits {
                        ok = false
                        Issue.record(
                            "\(test.description): parsing \(text) gave \(hexBits(parsed)), not \(hexBits(bits))")
                    }
                    if parsed.description != canonical {
                        ok = false
                        Issue.record("\(test.description): \(text) printed as \(parsed.description), not \(canonical)")
                    }
                } catch {
                    ok = false
                    Issue.record("\(test.description): parsing \(text) threw \(error)")
                }
            }
            if ok { validPassed += 1 }
        }

        for test in file.parseErrors ?? [] {
            do {
                let value = try Decimal128(parsing: test.string)
                Issue.record("\(test.description): \"\(test.string)\" parsed as \(value) instead of failing")
            } catch {
                #expect(error.kind == .invalidDecimal128)
                parseErrorsPassed += 1
            }
        }

        let validCount = file.valid?.count ?? 0
        let parseErrorCount = file.parseErrors?.count ?? 0
        print(
            "decimal128-\(number).json: \(validPassed)/\(validCount) valid cases and "
                + "\(parseErrorsPassed)/\(parseErrorCount) parse-error cases pass")
        #expect(validPassed == validCount)
        #expect(parseErrorsPassed == parseErrorCount)
    }

    // MARK: - Parsing and formatting

    @Test(arguments: [
        ("0", "0"), ("-0", "-0"), ("1.20", "1.20"), ("12E3", "1.2E+4"), ("1.", "1"), (".5", "0.5"),
        ("0.0000001", "1E-7"), ("0.000001", "0.000001"), ("+1e-3", "0.001"), ("1E+0", "1"),
        ("1.000E-6176", "1E-6176"), ("100.0E-6177", "1.0E-6175"), ("0E+99999999999999999999", "0E+6111"),
        ("-0e-7000", "-0E-6176"),
        ("1E+6144", "1.000000000000000000000000000000000E+6144"), ("inF", "Infinity"), ("-Infinity", "-Infinity"),
        ("nAn", "NaN"), ("-NaN", "NaN"), ("9999999999999999999999999999999999", "9999999999999999999999999999999999"),
        ("12345678901234567890123456789012340000", "1.234567890123456789012345678901234E+37"),
    ])
    func parsesAndPrintsCanonically(_ input: String, _ expected: String) throws {
        #expect(try Decimal128(parsing: input).description == expected)
        #expect(Decimal128(input)?.description == expected)
    }

    @Test(arguments: [
        "", " 1", "1 ", "1e", "E1", ".", "1.2.3", "--1", "Infinit", "NaNs", "1E-6177", "7E+6145",
        "12345678901234567890123456789012345", "1e1.5", "0x10",
    ])
    func rejectsInvalidOrInexactText(_ input: String) {
        #expect(throws: BSONError.self) { try Decimal128(parsing: input) }
        #expect(Decimal128(input) == nil)
    }

    @Test func parseErrorsExplainTheProblem() {
        do {
            _ = try Decimal128(parsing: "1E-6177")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .invalidDecimal128)
            #expect(error.message.contains("inexact rounding"))
            #expect(error.message.contains("1E-6177"))
        }
    }

    @Test func equalityIsBitwise() throws {
        #expect(try Decimal128(parsing: "1.0") != Decimal128(parsing: "1.00"))
        #expect(try Decimal128(parsing: "0") != Decimal128(parsing: "-0"))
        #expect(try Decimal128(parsing: "1.5") == Decimal128(parsing: "15E-1"))
        #expect(Set([try Decimal128(parsing: "2"), try Decimal128(parsing: "2.0")]).count == 2)
    }

    // MARK: - Integer and Double conversions

    @Test func integerInitializersAreExact() {
        #expect(Decimal128(Int64.min) == Decimal128(high: 0xB040_0000_0000_0000, low: 0x8000_0000_0000_0000))
        #expect(Decimal128(Int64.max) == Decimal128(high: 0x3040_0000_0000_0000, low: 0x7FFF_FFFF_FFFF_FFFF))
        #expect(Decimal128(Int64(0)) == .zero)
        #expect(Decimal128(Int32.min).description == "-2147483648")
        #expect(Decimal128(Int32(42)) == Decimal128(high: 0x3040_0000_0000_0000, low: 42))
        #expect(Decimal128(42) == Decimal128(Int64(42)))
        #expect(Decimal128(-7).description == "-7")
    }

    @Test(arguments: [
        (0.1, "0.1000000000000000055511151231257827"),
        (1e308, "1.000000000000000010979063629440455E+308"),
        (Double.leastNonzeroMagnitude, "4.940656458412465441765687928682214E-324"),
        (123.0, "123"),
        (-0.0, "-0"),
        (0.0, "0"),
        (0.5, "0.5"),
        (0.375, "0.375"),
        (-2.5, "-2.5"),
        (1e20, "100000000000000000000"),
        (1e-7, "9.999999999999999547481118258862587E-8"),
        (3.14159, "3.141589999999999882618340052431449"),
        (0x1p-48, "3.552713678800500929355621337890625E-15"),
        (0x1p-49, "1.776356839400250464677810668945312E-15"),
        (0x1p120, "1.329227995784915872903807060280345E+36"),
        (0x1p100, "1267650600228229401496703205376"),
        (0x1.fffffffffffffp112, "1.038459371706965410413948805159322E+34"),
        (0x1.fffffffffffffp111, "5192296858534827052069744025796608"),
        (Double.greatestFiniteMagnitude, "1.797693134862315708145274237317044E+308"),
        (Double.infinity, "Infinity"),
        (-Double.infinity, "-Infinity"),
        (Double.nan, "NaN"),
    ])
    func doubleInitializerRoundsTheExactBinaryValueTo34Digits(_ value: Double, _ expected: String) {
        #expect(Decimal128(value).description == expected)
    }

    @Test func doubleInitializerSpecialEncodings() {
        #expect(Decimal128(-0.0) == Decimal128(high: 0xB040_0000_0000_0000, low: 0))
        #expect(Decimal128(0.0) == .zero)
        #expect(Decimal128(Double.nan) == .nan)
        #expect(Decimal128(Double.infinity) == .infinity)
        #expect(Decimal128(-Double.infinity) == .negativeInfinity)
        #expect(Decimal128(123.0) == Decimal128(Int64(123)))
    }

    @Test(arguments: [
        ("0.1", 0.1), ("1E+400", Double.infinity), ("-1E+400", -Double.infinity), ("1E-400", 0.0),
        ("4.940656458412465441765687928682214E-324", Double.leastNonzeroMagnitude),
        ("2.4703282292062328E-324", Double.leastNonzeroMagnitude),
        ("2.4703282292062327E-324", 0.0), ("1.797693134862315708145274237317044E+308", Double.greatestFiniteMagnitude),
        ("123", 123.0), ("-2.50", -2.5), ("9007199254740993", 9007199254740992.0), ("1E+308", 1e308),
        ("Infinity", Double.infinity), ("-Infinity", -Double.infinity),
    ])
    func doubleValueIsCorrectlyRounded(_ text: String, _ expected: Double) throws {
        let value = try Decimal128(parsing: text).doubleValue
        #expect(value == expected)
        #expect(value.sign == expected.sign)
    }

    @Test func doubleValueOfZerosAndNaN() throws {
        #expect(try Decimal128(parsing: "-0.000").doubleValue.sign == .minus)
        #expect(try Decimal128(parsing: "0E+6000").doubleValue == 0)
        #expect(Decimal128.nan.doubleValue.isNaN)
        #expect(Decimal128(high: 0x6C10_0000_0000_0000, low: 0).doubleValue == 0)  // non-canonical zero
    }

    @Test func doubleRoundTripsThroughDecimal128() {
        for value in [
            0.1, 1.0 / 3.0, 1e308, Double.leastNonzeroMagnitude, 2.2250738585072014e-308, 123456.789, -9.87654321e-100,
        ] {
            #expect(Decimal128(value).doubleValue == value)
        }
    }

    @Test(
        arguments: [
            ("100", Int64(100)), ("1.00E+2", 100), ("-0", 0), ("0E+6000", 0), ("0.000", 0), ("-42", -42),
            ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min),
            ("92233720368547758.07E+2", Int64.max),
            ("1.5", nil), ("9223372036854775808", nil), ("-9223372036854775809", nil), ("1E+19", nil), ("1E-6176", nil),
            ("12.340", nil), ("NaN", nil), ("Infinity", nil), ("1E+6111", nil), ("100E-2", 1),
        ] as [(String, Int64?)])
    func exactInt64IsTheIntegerValueWhenRepresentable(_ text: String, _ expected: Int64?) throws {
        #expect(try Decimal128(parsing: text).exactInt64 == expected)
    }

    // MARK: - Numeric comparison and normalization

    @Test(arguments: [
        ("1.0", "1.00", 0), ("-0", "0", 0), ("0E+10", "-0E-10", 0), ("1", "2", -1), ("2", "1", 1),
        ("-1", "-2", 1), ("-1", "1", -1), ("1E+2", "100", 0), ("99", "1E+2", -1), ("0.1", "0.09999", 1),
        ("1.5", "15E-1", 0), ("NaN", "NaN", 0), ("NaN", "-NaN", 0), ("NaN", "-Infinity", -1), ("-Infinity", "NaN", 1),
        ("-Infinity", "-9.999999999999999999999999999999999E+6144", -1), ("Infinity", "Infinity", 0),
        ("Infinity", "9.999999999999999999999999999999999E+6144", 1), ("-Infinity", "-Infinity", 0),
        ("1E-6176", "0", 1), ("-1E-6176", "0", -1),
        ("123456789012345678901234567890123.4", "1.234567890123456789012345678901234E+32", 0),
        ("1234567890123456789012345678901234", "1234567890123456789012345678901235", -1),
    ])
    func numericCompareOrdersByValue(_ lhs: String, _ rhs: String, _ expected: Int) throws {
        let a = try Decimal128(parsing: lhs)
        let b = try Decimal128(parsing: rhs)
        #expect(a.numericCompare(b) == expected)
        #expect(b.numericCompare(a) == -expected)
    }

    @Test func numericCompareTreatsNonCanonicalCoefficientsAsZero() {
        let nonCanonical = Decimal128(high: 0x6C11_FFFF_FFFF_FFFF, low: .max)
        #expect(nonCanonical.isZero)
        #expect(nonCanonical.numericCompare(.zero) == 0)
        #expect(Decimal128(high: 0x7C00_0000_0000_0012, low: 0).numericCompare(.nan) == 0)
    }

    @Test(arguments: [
        ("1.500", "1.5"), ("100", "1E+2"), ("-0.00", "0"), ("0E+300", "0"), ("12.34", "12.34"), ("-1200", "-1.2E+3"),
        ("1000E+6110", "1.00E+6113"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"), ("-NaN", "NaN"),
    ])
    func normalizedStripsTrailingZeros(_ text: String, _ expected: String) throws {
        #expect(try Decimal128(parsing: text).normalized.description == expected)
    }

    @Test func normalizedGivesEqualBitsForEqualValues() throws {
        let spellings = ["1.5", "1.50", "15E-1", "0.0000000000000000000000000000000150E+32"]
        let normalized = try Set(spellings.map { try Decimal128(parsing: $0).normalized })
        #expect(normalized.count == 1)
        #expect(try Decimal128(parsing: "-0E+5").normalized == .zero)
        #expect(Decimal128(high: 0xFE00_0000_0000_0001, low: 7).normalized == .nan)
        #expect(Decimal128(high: 0x6C10_0000_0000_0000, low: 0).normalized == .zero)
    }

    @Test func classificationReflectsTheEncoding() throws {
        let negativeZero = try Decimal128(parsing: "-0.0")
        #expect(negativeZero.isZero && negativeZero.isSignMinus && negativeZero.isFinite)
        #expect(!negativeZero.isNaN && !negativeZero.isInfinite)
        #expect(Decimal128.nan.isNaN && !Decimal128.nan.isFinite && !Decimal128.nan.isZero)
        #expect(Decimal128.negativeInfinity.isInfinite && Decimal128.negativeInfinity.isSignMinus)
        #expect(!Decimal128.infinity.isFinite && !Decimal128.infinity.isZero)
        #expect(Decimal128(high: 0x7E00_0000_0000_0000, low: 0).isNaN)  // signalling NaN
        #expect(!Decimal128(Int64(5)).isZero)
    }
}
