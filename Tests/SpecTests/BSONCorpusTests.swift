import DocketBSON
import Foundation
import Testing

// Runs MongoDB's BSON corpus (Tests/SpecTests/Resources/bson-corpus, vendored unmodified) against the binary
// codec and the Extended JSON reader and writer, following the corpus specification's assertions for codecs with
// a native representation. There is no skip list: every case runs.

// MARK: - Corpus schema

/// One corpus file, mirroring the specification's schema.
struct CorpusFile: Decodable {
    let description: String
    let bsonType: String
    let testKey: String?
    let deprecated: Bool?
    let valid: [ValidCase]?
    let decodeErrors: [DecodeErrorCase]?
    let parseErrors: [ParseErrorCase]?

    enum CodingKeys: String, CodingKey {
        case description, deprecated, valid, decodeErrors, parseErrors
        case bsonType = "bson_type"
        case testKey = "test_key"
    }
}

/// A `valid` case: equivalent BSON and Extended JSON forms of one document.
struct ValidCase: Decodable, Sendable {
    let description: String
    let canonicalBSON: String
    let canonicalExtJSON: String
    let relaxedExtJSON: String?
    let degenerateBSON: String?
    let degenerateExtJSON: String?
    let convertedBSON: String?
    let convertedExtJSON: String?
    let lossy: Bool?

    enum CodingKeys: String, CodingKey {
        case description, lossy
        case canonicalBSON = "canonical_bson"
        case canonicalExtJSON = "canonical_extjson"
        case relaxedExtJSON = "relaxed_extjson"
        case degenerateBSON = "degenerate_bson"
        case degenerateExtJSON = "degenerate_extjson"
        case convertedBSON = "converted_bson"
        case convertedExtJSON = "converted_extjson"
    }
}

/// A `decodeErrors` case: BSON bytes that must not decode.
struct DecodeErrorCase: Decodable, Sendable {
    let description: String
    let bson: String
}

/// A `parseErrors` case: text that must not parse (Extended JSON, or a Decimal128 string for type 0x13).
struct ParseErrorCase: Decodable, Sendable {
    let description: String
    let string: String
}

/// One runnable corpus case.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    enum Body: Sendable {
        case valid(ValidCase)
        case decodeError(DecodeErrorCase)
        case parseError(ParseErrorCase)
        /// The corpus could not be loaded; reported as a failing case.
        case loadFailure(String)
    }

    let file: String
    let bsonType: String
    let index: Int
    let body: Body

    var category: String {
        switch body {
        case .valid: "valid"
        case .decodeError: "decodeErrors"
        case .parseError: "parseErrors"
        case .loadFailure: "load"
        }
    }

    var caseDescription: String {
        switch body {
        case .valid(let c): c.description
        case .decodeError(let c): c.description
        case .parseError(let c): c.description
        case .loadFailure(let message): message
        }
    }

    var testDescription: String { "\(file):\(category)[\(index)] \(caseDescription)" }
}

// MARK: - Loading

enum BSONCorpus {
    /// Every case of every corpus file, in file order.
    static let cases: [CorpusCase] = load()

    /// The corpus directory, found by walking up from this file to the package root.
    static func directory() -> URL? {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Tests/SpecTests/Resources/bson-corpus")
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    private static func load() -> [CorpusCase] {
        func failure(_ message: String) -> [CorpusCase] {
            [CorpusCase(file: "bson-corpus", bsonType: "", index: 0, body: .loadFailure(message))]
        }
        guard let directory = directory() else { return failure("cannot find the package root from \(#filePath)") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            return failure("cannot list \(directory.path): \(error)")
        }
        guard !names.isEmpty else { return failure("no corpus files in \(directory.path)") }
        var cases: [CorpusCase] = []
        for name in names {
            let file: CorpusFile
            do {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                file = try JSONDecoder().decode(CorpusFile.self, from: data)
            } catch {
                cases += failure("cannot decode \(name): \(error)")
                continue
            }
            for (i, c) in (file.valid ?? []).enumerated() {
                cases.append(CorpusCase(file: name, bsonType: file.bsonType, index: i, body: .valid(c)))
            }
            for (i, c) in (file.decodeErrors ?? []).enumerated() {
                cases.append(CorpusCase(file: name, bsonType: file.bsonType, index: i, body: .decodeError(c)))
            }
            for (i, c) in (file.parseErrors ?? []).enumerated() {
                cases.append(CorpusCase(file: name, bsonType: file.bsonType, index: i, body: .parseError(c)))
            }
        }
        return cases
    }
}

// MARK: - Running a case

/// Runs one case and returns the problems found (empty when the case passes).
func runCorpusCase(_ corpusCase: CorpusCase) -> [String] {
    switch corpusCase.body {
    case .valid(let c): return runValid(c)
    case .decodeError(let c): return runDecodeError(c)
    case .parseError(let c): return runParseError(c, bsonType: corpusCase.bsonType)
    case .loadFailure(let message): return [message]
    }
}

private func hexBytes(_ hex: String) -> [UInt8]? {
    let utf8 = Array(hex.utf8)
    guard utf8.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(utf8.count / 2)
    var i = 0
    while i < utf8.count {
        guard let byte = UInt8(String(decoding: utf8[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
        out.append(byte)
        i += 2
    }
    return out
}

private func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02X", $0) }.joined()
}

/// Collects the problems of one valid case; each check names the assertion of the corpus specification.
private struct ValidRunner {
    var problems: [String] = []

    mutating func decode(_ hex: String, _ what: String) -> BSONDocument? {
        guard let bytes = hexBytes(hex) else {
            problems.append("\(what): not hex")
            return nil
        }
        do {
            return try BSONDocument(bsonBytes: bytes)
        } catch {
            problems.append("\(what): BSON decoding failed: \(error)")
            return nil
        }
    }

    mutating func parse(_ text: String, _ what: String) -> BSONDocument? {
        do {
            return try BSONDocument(extendedJSON: text)
        } catch {
            problems.append("\(what): Extended JSON parsing failed: \(error)")
            return nil
        }
    }

    mutating func expectBSON(_ document: BSONDocument, equals hex: String, _ what: String) {
        do {
            let encoded = try document.bsonBytes()
            guard let expected = hexBytes(hex) else { return }
            if encoded != expected {
                problems.append("\(what): got \(hexString(encoded)), expected \(hexString(expected))")
            }
        } catch {
            problems.append("\(what): BSON encoding failed: \(error)")
        }
    }

    mutating func expectJSON(_ actual: String, equals expected: String, _ what: String) {
        switch (JSONTree.parse(actual), JSONTree.parse(expected)) {
        case (.success(let a), .success(let e)):
            if !a.isSame(as: e) { problems.append("\(what): got \(actual), expected \(expected)") }
        case (.failure(let error), _):
            problems.append("\(what): output is not JSON (\(error)): \(actual)")
        case (_, .failure(let error)):
            problems.append("\(what): expected text is not JSON (\(error)): \(expected)")
        }
    }
}

private func runValid(_ c: ValidCase) -> [String] {
    var r = ValidRunner()
    let lossy = c.lossy ?? false
    if let native = r.decode(c.canonicalBSON, "cB") {
        r.expectBSON(native, equals: c.canonicalBSON, "native_to_bson(bson_to_native(cB)) = cB")
        r.expectJSON(
            native.extendedJSONString(mode: .canonical),
            equals: c.canonicalExtJSON,
            "native_to_canonical_extended_json(bson_to_native(cB)) = cEJ"
        )
        if let relaxed = c.relaxedExtJSON {
            r.expectJSON(
                native.extendedJSONString(mode: .relaxed),
                equals: relaxed,
                "native_to_relaxed_extended_json(bson_to_native(cB)) = rEJ"
            )
        }
    }
    if let native = r.parse(c.canonicalExtJSON, "cEJ") {
        r.expectJSON(
            native.extendedJSONString(mode: .canonical),
            equals: c.canonicalExtJSON,
            "native_to_canonical_extended_json(json_to_native(cEJ)) = cEJ"
        )
        if !lossy { r.expectBSON(native, equals: c.canonicalBSON, "native_to_bson(json_to_native(cEJ)) = cB") }
    }
    if let degenerate = c.degenerateBSON, let native = r.decode(degenerate, "dB") {
        r.expectBSON(native, equals: c.canonicalBSON, "native_to_bson(bson_to_native(dB)) = cB")
        r.expectJSON(
            native.extendedJSONString(mode: .canonical),
            equals: c.canonicalExtJSON,
            "native_to_canonical_extended_json(bson_to_native(dB)) = cEJ"
        )
    }
    if let degenerate = c.degenerateExtJSON, let native = r.parse(degenerate, "dEJ") {
        r.expectJSON(
            native.extendedJSONString(mode: .canonical),
            equals: c.canonicalExtJSON,
            "native_to_canonical_extended_json(json_to_native(dEJ)) = cEJ"
        )
        if !lossy { r.expectBSON(native, equals: c.canonicalBSON, "native_to_bson(json_to_native(dEJ)) = cB") }
    }
    if let relaxed = c.relaxedExtJSON, let native = r.parse(relaxed, "rEJ") {
        r.expectJSON(
            native.extendedJSONString(mode: .relaxed),
            equals: relaxed,
            "native_to_relaxed_extended_json(json_to_native(rEJ)) = rEJ"
        )
    }
    // Deprecated types are kept as they are, so the converted forms are checked only for consistency with each
    // other: they describe the same document in BSON and in canonical Extended JSON.
    if let convertedBSON = c.convertedBSON, let convertedJSON = c.convertedExtJSON {
        if let native = r.decode(convertedBSON, "converted_bson") {
            r.expectJSON(
                native.extendedJSONString(mode: .canonical),
                equals: convertedJSON,
                "native_to_canonical_extended_json(bson_to_native(converted_bson)) = converted_extjson"
            )
        }
        if let native = r.parse(convertedJSON, "converted_extjson") {
            r.expectBSON(
                native,
                equals: convertedBSON,
                "native_to_bson(json_to_native(converted_extjson)) = converted_bson"
            )
        }
    }
    return r.problems
}

private func runDecodeError(_ c: DecodeErrorCase) -> [String] {
    guard let bytes = hexBytes(c.bson) else { return ["bson is not hex"] }
    do {
        let document = try BSONDocument(bsonBytes: bytes)
        return ["decoding succeeded but must fail: \(document.extendedJSONString(mode: .canonical))"]
    } catch {
        return []
    }
}

private func runParseError(_ c: ParseErrorCase, bsonType: String) -> [String] {
    var problems: [String] = []
    if bsonType == "0x13" {
        // The string is the text of a Decimal128 value: the Decimal128 parser must reject it, and so must
        // Extended JSON's $numberDecimal.
        if let value = try? Decimal128(parsing: c.string) {
            problems.append("Decimal128(parsing:) accepted \(c.string.debugDescription) as \(value)")
        }
        var wrapper: [UInt8] = []
        BSONDocument(elements: [(key: "d", value: .string(c.string))]).appendExtendedJSON(to: &wrapper)
        let text =
            String(decoding: wrapper, as: UTF8.self).replacingOccurrences(
                of: #"{"d":"#,
                with: #"{"d":{"$numberDecimal":"#
            ) + "}"
        if let document = try? BSONDocument(extendedJSON: text) {
            problems.append("$numberDecimal accepted: \(text) → \(document.extendedJSONString(mode: .canonical))")
        }
        return problems
    }
    // Types 0x00 and 0x05: the string is an Extended JSON document that must fail to parse as Extended JSON but
    // must parse as plain JSON (so the failure comes from Extended JSON rules, not a syntax error).
    do {
        let document = try BSONDocument(extendedJSON: c.string)
        problems.append(
            "Extended JSON parsing succeeded but must fail: \(document.extendedJSONString(mode: .canonical))")
    } catch let error {
        if error.kind != .invalidExtendedJSON { problems.append("unexpected error kind \(error.kind): \(error)") }
        if error.line == nil || error.column == nil { problems.append("error lacks line and column: \(error)") }
    }
    do {
        _ = try JSONSerialization.jsonObject(with: Data(c.string.utf8), options: [.fragmentsAllowed])
    } catch {
        problems.append("the input is not even plain JSON (\(error)); the case would not test Extended JSON rules")
    }
    return problems
}

// MARK: - Tests

@Suite("BSON corpus")
struct BSONCorpusTests {
    @Test("BSON corpus case", arguments: BSONCorpus.cases)
    func corpusCase(_ corpusCase: CorpusCase) {
        for problem in runCorpusCase(corpusCase) {
            Issue.record("\(corpusCase.testDescription): \(problem)")
        }
    }

    @Test("BSON corpus summary: every case of the 31 files runs and passes")
    func corpusSummary() {
        var total: [String: Int] = [:]
        var passed: [String: Int] = [:]
        var failures: [String] = []
        for corpusCase in BSONCorpus.cases {
            total[corpusCase.category, default: 0] += 1
            let problems = runCorpusCase(corpusCase)
            if problems.isEmpty {
                passed[corpusCase.category, default: 0] += 1
            } else {
                failures.append(corpusCase.testDescription)
            }
        }
        let count = BSONCorpus.cases.count
        let ok = count - failures.count
        let valid = total["valid", default: 0]
        let decodeErrors = total["decodeErrors", default: 0]
        let parseErrors = total["parseErrors", default: 0]
        print(
            "BSON corpus: \(ok)/\(count) cases passed (valid \(passed["valid", default: 0])/\(valid), "
                + "decodeErrors \(passed["decodeErrors", default: 0])/\(decodeErrors), "
                + "parseErrors \(passed["parseErrors", default: 0])/\(parseErrors))"
        )
        var byFile: [String: Int] = [:]
        for failure in failures { byFile[String(failure.prefix { $0 != ":" }), default: 0] += 1 }
        for (file, n) in byFile.sorted(by: { $0.key < $1.key }) { print("BSON corpus: \(n) failing in \(file)") }
        // The vendored corpus (see its README) has 728 valid, 75 decodeErrors and 180 parseErrors cases.
        #expect(valid == 728)
        #expect(decodeErrors == 75)
        #expect(parseErrors == 180)
        let failureCount = failures.count
        #expect(failureCount == 0, "first failing cases: \(failures.prefix(10).joined(separator: "; "))")
    }
}
