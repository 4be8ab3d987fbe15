import DocketBSON
import Foundation

// The subset of MongoDB's Unified Test Format (source/unified-test-format/unified-test-format.md in
// mongodb/specifications) that the vendored CRUD files use, as Decodable structs.
//
// The files are read with `BSONDocument(extendedJSON:)` and then decoded with `BSONDecoder`, not with Foundation's
// JSONDecoder: JSONDecoder does not keep the order of object members (its keyed containers list keys in hash
// order), and BSON documents are ordered — a sort specification `{a: 1, b: -1}` or an inserted document would
// come out scrambled. Reading through the Extended JSON parser also turns `$numberLong`, `$oid` and the other
// wrappers into BSON values, as the format requires.

/// One unified-format test file.
struct UnifiedTestFile: Decodable, Sendable {
    let description: String
    let schemaVersion: String
    let runOnRequirements: [RunOnRequirement]?
    let createEntities: [EntityDescription]?
    let initialData: [CollectionData]?
    let tests: [UnifiedTest]
}

/// A server requirement; a test runs when any one requirement of its list holds (file and test level both).
struct RunOnRequirement: Decodable, Sendable {
    let minServerVersion: String?
    let maxServerVersion: String?
    let topologies: [String]?
    let serverless: String?
    let auth: Bool?
    let authMechanism: String?
    let csfle: Bool?
    let serverParameters: BSONDocument?
}

/// One `createEntities` entry: a single-key object `{kind: {id, …}}`.
struct EntityDescription: Decodable, Sendable {
    /// `client`, `database`, `collection`, `session`, `bucket`, …
    let kind: String
    let id: String
    /// The entity's description (`databaseName`, `collectionName`, the parent's id, options).
    let body: BSONDocument

    init(from decoder: any Decoder) throws {
        let document = try BSONDocument(from: decoder)
        guard document.count == 1, let (kind, value) = document.first, let body = value.documentValue else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "an entity is {kind: {…}}"))
        }
        guard let id = body["id"]?.stringValue else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "entity without an id"))
        }
        self.kind = kind
        self.id = id
        self.body = body
    }
}

/// The documents of one collection (`initialData` and `outcome`).
struct CollectionData: Decodable, Sendable {
    let collectionName: String
    let databaseName: String
    let documents: [BSONDocument]
}

/// One test of a file.
struct UnifiedTest: Decodable, Sendable {
    let description: String
    let runOnRequirements: [RunOnRequirement]?
    let skipReason: String?
    let operations: [UnifiedOperation]
    /// Command-monitoring expectations: not checked (an in-process engine sends no commands).
    let expectEvents: [BSONDocument]?
    let outcome: [CollectionData]?
}

/// One operation and what it must produce.
struct UnifiedOperation: Decodable, Sendable {
    let name: String
    let object: String
    let arguments: BSONDocument
    /// The expected result; `.null` is a real expectation (findOneAnd* matching nothing), distinct from absence.
    let expectResult: BSONValue?
    let expectError: ExpectedError?
    let saveResultAsEntity: String?
    let ignoreResultAndError: Bool

    enum CodingKeys: String, CodingKey {
        case name, object, arguments, expectResult, expectError, saveResultAsEntity, ignoreResultAndError
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        object = try c.decode(String.self, forKey: .object)
        arguments = try c.decodeIfPresent(BSONDocument.self, forKey: .arguments) ?? BSONDocument()
        // `decodeIfPresent` would turn an explicit `null` into "absent".
        // Nor may this be a `cond ? value : nil` expression: BSONValue is ExpressibleByNilLiteral, so that `nil`
        // would become `.null`.
        if c.contains(.expectResult) {
            expectResult = try c.decode(BSONValue.self, forKey: .expectResult)
        } else {
            expectResult = Optional<BSONValue>.none
        }
        expectError = try c.decodeIfPresent(ExpectedError.self, forKey: .expectError)
        saveResultAsEntity = try c.decodeIfPresent(String.self, forKey: .saveResultAsEntity)
        ignoreResultAndError = try c.decodeIfPresent(Bool.self, forKey: .ignoreResultAndError) ?? false
    }
}

/// An `expectError` assertion.
struct ExpectedError: Decodable, Sendable {
    let isError: Bool?
    let isClientError: Bool?
    let isTimeoutError: Bool?
    let errorContains: String?
    let errorCode: Int?
    let errorCodeName: String?
    let errorLabelsContain: [String]?
    let errorLabelsOmit: [String]?
    let errorResponse: BSONDocument?
    let expectResult: BSONValue?
}

/// Loads the vendored files.
enum UnifiedTestLoader {
    /// The folder holding the vendored files, found by walking up from this file to the package root.
    static func directory() -> URL? {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url.appendingPathComponent("Tests/SpecTests/Resources/crud-unified")
            }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// Parses one file's text: Extended JSON into an ordered document, then the document into the structs.
    static func parse(_ text: String) throws -> UnifiedTestFile {
        let document = try BSONDocument(extendedJSON: text)
        let file = try BSONDecoder().decode(UnifiedTestFile.self, from: document)
        let major = file.schemaVersion.split(separator: ".").first.flatMap { Int($0) }
        guard major == 1 else {
            throw UnifiedFormatError("unsupported schemaVersion \(file.schemaVersion) (this runner knows 1.x)")
        }
        return file
    }

    /// Every file, in name order; a file that cannot be read or parsed yields an error entry.
    static func loadAll() -> [(name: String, file: Result<UnifiedTestFile, UnifiedFormatError>)] {
        guard let directory = directory() else {
            return [("crud-unified", .failure(UnifiedFormatError("cannot find the package root from \(#filePath)")))]
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            return [("crud-unified", .failure(UnifiedFormatError("cannot list \(directory.path): \(error)")))]
        }
        guard !names.isEmpty else {
            return [("crud-unified", .failure(UnifiedFormatError("no test files in \(directory.path)")))]
        }
        return names.map { name in
            do {
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                return (name, .success(try parse(text)))
            } catch {
                return (name, .failure(UnifiedFormatError("cannot load \(name): \(error)")))
            }
        }
    }
}

/// A problem with a test file or with running it.
struct UnifiedFormatError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
