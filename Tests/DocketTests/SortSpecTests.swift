import DocketTestSupport
import Testing

@testable import Docket

/// A sort case: documents (each with a distinct `_id`), a sort specification, and the expected `_id` order.
struct SortCase: CustomTestStringConvertible, Sendable {
    var name: String
    var documents: [BSONDocument]
    var sort: BSONDocument
    var expectedIDs: [Int]
    var testDescription: String { name }
}

struct SortErrorCase: CustomTestStringConvertible, Sendable {
    var sort: BSONDocument
    var code: Int
    var message: String
    var testDescription: String { message }
}

private func docs(_ values: [BSONValue?], field: String = "a") -> [BSONDocument] {
    values.enumerated().map { index, value in
        var document: BSONDocument = ["_id": .int32(Int32(index))]
        if let value { document[field] = value }
        return document
    }
}

@Suite struct SortSpecTests {
    static let orderCases: [SortCase] = [
        .init(
            name: "numbers ascending across numeric types",
            documents: docs([.int64(3), 1.5, .int32(1), .decimal128(Decimal128(2)), -0.5]), sort: ["a": 1],
            expectedIDs: [4, 2, 1, 3, 0]),
        .init(
            name: "numbers descending", documents: docs([.int64(3), 1.5, .int32(1)]), sort: ["a": -1],
            expectedIDs: [0, 1, 2]),
        .init(
            name: "type brackets ascending: missing/null, numbers, strings, objects, arrays, ObjectId, bool, date",
            documents: docs([
                true, "b", ["x": 1], 5, nil, .null, .datetime(0),
                .objectID(ObjectID(timestamp: 1, random: 0, counter: 0)),
                [["z": 1]], .minKey, .maxKey,
            ]),
            sort: ["a": 1], expectedIDs: [9, 4, 5, 3, 1, 2, 8, 7, 0, 6, 10]),
        .init(
            name: "missing and null tie and keep input order", documents: docs([nil, .null, nil, .null]),
            sort: ["a": 1], expectedIDs: [0, 1, 2, 3]),
        .init(
            name: "arrays sort by their smallest element ascending", documents: docs([[5, 1], [3], 2, [4, 0.5]]),
            sort: ["a": 1], expectedIDs: [3, 0, 2, 1]),
        .init(
            name: "arrays sort by their largest element descending", documents: docs([[5, 1], [3], 2, [4, 0.5]]),
            sort: ["a": -1], expectedIDs: [0, 3, 1, 2]),
        .init(
            name: "empty array sorts before null ascending", documents: docs([1, .null, [], nil]),
            sort: ["a": 1], expectedIDs: [2, 1, 3, 0]),
        .init(
            name: "empty array sorts after null descending", documents: docs([1, .null, [], nil]),
            sort: ["a": -1], expectedIDs: [0, 1, 3, 2]),
        .init(
            name: "array element types bracket: [\"x\", 10] is 10 ascending and \"x\" descending",
            documents: docs([["x", 10], 20, "y"]), sort: ["a": 1], expectedIDs: [0, 1, 2]),
        .init(
            name: "array with mixed types descending uses the largest bracket", documents: docs([["x", 10], 20, "y"]),
            sort: ["a": -1], expectedIDs: [2, 0, 1]),
        .init(
            name: "nested arrays at the leaf compare as arrays", documents: docs([[[2], [1, 9]], [[1, 5]], 3]),
            sort: ["a": 1], expectedIDs: [2, 1, 0]),
        .init(
            name: "strings compare by bytes", documents: docs(["b", "B", "a", "ab"]), sort: ["a": 1],
            expectedIDs: [1, 2, 3, 0]),
        .init(
            name: "documents compare field by field",
            documents: docs([["b": 1], ["a": 2], ["a": 1, "b": 1], ["a": 1]]),
            sort: ["a": 1], expectedIDs: [3, 2, 1, 0]),
    ]

    @Test(arguments: orderCases) func order(_ c: SortCase) throws { try check(c) }

    static let pathCases: [SortCase] = [
        .init(
            name: "dotted path into sub-documents",
            documents: [["_id": 0, "s": ["t": 2]], ["_id": 1, "s": ["t": 1]], ["_id": 2, "s": 5], ["_id": 3]],
            sort: ["s.t": 1], expectedIDs: [2, 3, 1, 0]),
        .init(
            name: "dotted path through an array of documents takes the minimum",
            documents: [
                ["_id": 0, "teams": [["role": "member"], ["role": "admin"]]],
                ["_id": 1, "teams": [["role": "b"]]],
                ["_id": 2, "teams": [["role": "owner"], ["role": "z"]]],
            ],
            sort: ["teams.role": 1], expectedIDs: [0, 1, 2]),
        .init(
            name: "dotted path through an array of documents takes the maximum descending",
            documents: [
                ["_id": 0, "teams": [["role": "member"], ["role": "admin"]]],
                ["_id": 1, "teams": [["role": "b"]]],
                ["_id": 2, "teams": [["role": "owner"], ["role": "z"]]],
            ],
            sort: ["teams.role": -1], expectedIDs: [2, 0, 1]),
        .init(
            name: "an element without the field counts as null",
            documents: [["_id": 0, "a": [["b": 1], ["c": 1]]], ["_id": 1, "a": [["b": 0]]]],
            sort: ["a.b": 1], expectedIDs: [0, 1]),
        .init(
            name: "array values reached through arrays are flattened one level",
            documents: [["_id": 0, "a": [["b": [7, 3]], ["b": 5]]], ["_id": 1, "a": [["b": 4]]]],
            sort: ["a.b": 1], expectedIDs: [0, 1]),
        .init(
            name: "numeric component indexes an array",
            documents: [["_id": 0, "a": [9, 1]], ["_id": 1, "a": [2, 8]], ["_id": 2, "a": []]],
            sort: ["a.0": 1], expectedIDs: [2, 1, 0]),
        .init(
            name: "array of scalars on an inner path is null",
            documents: [["_id": 0, "a": [1, 2]], ["_id": 1, "a": [["b": -5]]]],
            sort: ["a.b": 1], expectedIDs: [0, 1]),
    ]

    @Test(arguments: pathCases) func paths(_ c: SortCase) throws { try check(c) }

    static let compoundCases: [SortCase] = [
        .init(
            name: "second key breaks ties of the first",
            documents: [
                ["_id": 0, "a": 1, "b": 1], ["_id": 1, "a": 0, "b": 5], ["_id": 2, "a": 1, "b": 3],
                ["_id": 3, "a": 0, "b": 2],
            ],
            sort: ["a": 1, "b": -1], expectedIDs: [1, 3, 2, 0]),
        .init(
            name: "key order matters",
            documents: [
                ["_id": 0, "a": 1, "b": 1], ["_id": 1, "a": 0, "b": 5], ["_id": 2, "a": 1, "b": 3],
                ["_id": 3, "a": 0, "b": 2],
            ],
            sort: ["b": 1, "a": 1], expectedIDs: [0, 3, 2, 1]),
        .init(
            name: "full ties keep input order",
            documents: [
                ["_id": 0, "a": 1, "b": 1], ["_id": 1, "a": 1, "b": 1.0], ["_id": 2, "a": 1.0, "b": .int64(1)],
            ],
            sort: ["a": 1, "b": -1], expectedIDs: [0, 1, 2]),
        .init(
            name: "sort directions given as doubles and longs", documents: docs([1, 3, 2]),
            sort: ["a": .double(-1.0)], expectedIDs: [1, 2, 0]),
        .init(
            name: "empty sort keeps natural order", documents: docs([3, 1, 2]), sort: [:], expectedIDs: [0, 1, 2]),
    ]

    @Test(arguments: compoundCases) func compound(_ c: SortCase) throws { try check(c) }

    static let errorCases: [SortErrorCase] = [
        .init(
            sort: ["a": 2], code: 15975, message: "$sort key ordering must be 1 (for ascending) or -1 (for descending)"),
        .init(
            sort: ["a": 0], code: 15975, message: "$sort key ordering must be 1 (for ascending) or -1 (for descending)"),
        .init(sort: ["a": "x"], code: 15974, message: "Illegal key in $sort specification: a: \"x\""),
        .init(sort: ["a": true], code: 15974, message: "Illegal key in $sort specification: a: true"),
        .init(sort: ["a": .null], code: 15974, message: "Illegal key in $sort specification: a: null"),
        .init(sort: ["a": ["b": 1]], code: 17312, message: "$meta is the only expression supported by $sort right now"),
        .init(sort: ["a": [:]], code: 17312, message: "$meta is the only expression supported by $sort right now"),
        .init(
            sort: ["a": ["$meta": "textScore", "b": 1]], code: 9,
            message: "Cannot have additional keys in a $meta sort specification"),
        .init(sort: ["a": ["$meta": "foo"]], code: 31138, message: "Illegal $meta sort: $meta: \"foo\""),
        .init(
            sort: ["a": ["$meta": "textScore"]], code: 238,
            message: "Sorting by {$meta: \"textScore\"} is not supported yet"),
        .init(sort: ["": 1], code: 40352, message: "FieldPath cannot be constructed with empty string"),
        .init(sort: ["a..b": 1], code: 15998, message: "FieldPath field names may not be empty strings."),
        .init(
            sort: ["$a": 1], code: 16410,
            message: "FieldPath field names may not start with '$'. Consider using $getField or $setField."),
    ]

    @Test(arguments: errorCases) func rejects(_ c: SortErrorCase) {
        let error = #expect(throws: DocketError.self) { try SortSpec(c.sort) }
        #expect(error?.code.code == c.code)
        #expect(error?.message == c.message)
    }

    @Test func duplicateKeysAreRejected() {
        let spec = BSONDocument(elements: [(key: "a", value: 1), (key: "a", value: -1)])
        let error = #expect(throws: DocketError.self) { try SortSpec(spec) }
        #expect(error?.code.code == 7_472_500)
        #expect(error?.message == "$sort key must not contain duplicate keys (duplicate: 'a')")
    }

    @Test func compareAgreesWithPrecomputedKeys() throws {
        let spec = try SortSpec(["a": 1, "b.c": -1])
        let a: BSONDocument = ["a": [3, 1], "b": ["c": 2]]
        let b: BSONDocument = ["a": 1, "b": [["c": 5], ["c": 1]]]
        #expect(spec.sortKey(for: a).count == 2)
        #expect(spec.compare(a, b) == SortSpec.compareKeys(spec.sortKey(for: a), spec.sortKey(for: b), spec: spec))
        #expect(spec.compare(a, b) > 0)  // a: 1 == 1; b.c: 2 vs max 5, descending: b first
        #expect(spec.compare(b, a) < 0)
        #expect(spec.compare(a, a) == 0)
    }

    @Test func topKMatchesStableSortPrefix() throws {
        var rng = SeededRandom(seed: SeededRandom.baseSeed)
        let specs: [BSONDocument] = [["a": 1], ["a": -1], ["a": 1, "b": -1], ["b.c": 1], [:]]
        for round in 0..<40 {
            let count = Int.random(in: 0..<60, using: &rng)
            var documents: [BSONDocument] = []
            for i in 0..<count {
                var document: BSONDocument = ["_id": .int32(Int32(i))]
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: break
                case 1: document["a"] = .null
                case 2: document["a"] = .int32(Int32.random(in: 0..<5, using: &rng))
                case 3: document["a"] = .double(Double(Int.random(in: 0..<5, using: &rng)) / 2)
                case 4: document["a"] = [.int32(Int32.random(in: 0..<5, using: &rng)), "s"]
                default: document["a"] = .string(String(Int.random(in: 0..<3, using: &rng)))
                }
                document["b"] = ["c": .int32(Int32.random(in: 0..<3, using: &rng))]
                documents.append(document)
            }
            let spec = try SortSpec(specs[round % specs.count])
            let sorted = SortSpec.sortStably(documents, by: spec)
            #expect(sorted.count == documents.count)
            for (x, y) in zip(sorted, sorted.dropFirst()) {
                let c = spec.compare(x, y)
                #expect(c <= 0, "seed round \(round): out of order")
                if c == 0 { #expect(try #require(x["_id"]) < (try #require(y["_id"])), "round \(round): unstable") }
            }
            for k in [0, 1, 3, count, count + 5] {
                let top = SortSpec.topK(documents, k: k, by: spec)
                let expected = Array(sorted.prefix(max(0, k)))
                #expect(top.count == expected.count)
                #expect(zip(top, expected).allSatisfy { $0.isIdentical(to: $1) }, "round \(round) k \(k)")
            }
        }
    }

    @Test func sortIsTransitiveOnMixedValues() throws {
        let values: [BSONValue?] = [nil, .null, [], [1], [1, "a"], "a", 1, 1.0, .int64(2), ["x": 1], true, .minKey]
        let documents = docs(values)
        for spec in [try SortSpec(["a": 1]), try SortSpec(["a": -1])] {
            for x in documents {
                for y in documents {
                    #expect(spec.compare(x, y) == -spec.compare(y, x))
                    for z in documents where spec.compare(x, y) <= 0 && spec.compare(y, z) <= 0 {
                        #expect(spec.compare(x, z) <= 0)
                    }
                }
            }
        }
    }

    // MARK: Helpers

    private func check(_ c: SortCase) throws {
        let spec = try SortSpec(c.sort)
        let ids = SortSpec.sortStably(c.documents, by: spec).map { $0["_id"] }
        #expect(ids == c.expectedIDs.map { BSONValue.int32(Int32($0)) })
        let top = SortSpec.topK(c.documents, k: 2, by: spec).map { $0["_id"] }
        #expect(top == Array(c.expectedIDs.prefix(2)).map { BSONValue.int32(Int32($0)) })
    }
}
