import Testing

@testable import Docket

/// Runs `pipeline` over `documents` inserted into a fresh collection.
func aggregate(
    _ documents: [BSONDocument], _ pipeline: [BSONDocument], options: AggregateOptions = AggregateOptions()
) throws -> [BSONDocument] {
    let c = makeCollection()
    if !documents.isEmpty { try c.insertMany(documents) }
    return try c.aggregate(pipeline, options: options).toArray()
}

/// The error code `body` throws, or nil.
func errorCode(_ body: () throws -> Void) -> Int? {
    do {
        try body()
        return nil
    } catch let error as DocketError {
        return error.code.code
    } catch {
        return -1
    }
}

@Suite struct AggregationStageTests {
    // MARK: $unwind (MongoDB's jstests/core/query/unwind.js table)

    struct UnwindCase: CustomTestStringConvertible, Sendable {
        var input: BSONDocument
        var spec: BSONDocument
        var output: [BSONDocument]
        var testDescription: String { "\(input) \(spec)" }
    }

    static let unwindCases: [UnwindCase] = {
        let inputs: [(BSONDocument, [[BSONDocument]])] = [
            // input, outputs for: plain, preserve, index i, preserve+index i, preserve+index a
            (["_id": 0], [[], [["_id": 0]], [], [["_id": 0, "i": .null]], [["_id": 0, "a": .null]]]),
            (
                ["_id": 0, "a": .null],
                [[], [["_id": 0, "a": .null]], [], [["_id": 0, "a": .null, "i": .null]], [["_id": 0, "a": .null]]]
            ),
            (["_id": 0, "a": []], [[], [["_id": 0]], [], [["_id": 0, "i": .null]], [["_id": 0, "a": .null]]]),
            (
                ["_id": 0, "a": 1],
                [
                    [["_id": 0, "a": 1]], [["_id": 0, "a": 1]], [["_id": 0, "a": 1, "i": .null]],
                    [["_id": 0, "a": 1, "i": .null]], [["_id": 0, "a": .null]],
                ]
            ),
            (
                ["_id": 0, "a": [:]],
                [
                    [["_id": 0, "a": [:]]], [["_id": 0, "a": [:]]], [["_id": 0, "a": [:], "i": .null]],
                    [["_id": 0, "a": [:], "i": .null]], [["_id": 0, "a": .null]],
                ]
            ),
            (
                ["_id": 0, "a": [.null]],
                [
                    [["_id": 0, "a": .null]], [["_id": 0, "a": .null]], [["_id": 0, "a": .null, "i": .int64(0)]],
                    [["_id": 0, "a": .null, "i": .int64(0)]], [["_id": 0, "a": .int64(0)]],
                ]
            ),
            (
                ["_id": 0, "a": [[]]],
                [
                    [["_id": 0, "a": []]], [["_id": 0, "a": []]], [["_id": 0, "a": [], "i": .int64(0)]],
                    [["_id": 0, "a": [], "i": .int64(0)]], [["_id": 0, "a": .int64(0)]],
                ]
            ),
            (
                ["_id": 0, "a": [1, 2.5, "x"]],
                [
                    [["_id": 0, "a": 1], ["_id": 0, "a": 2.5], ["_id": 0, "a": "x"]],
                    [["_id": 0, "a": 1], ["_id": 0, "a": 2.5], ["_id": 0, "a": "x"]],
                    [
                        ["_id": 0, "a": 1, "i": .int64(0)], ["_id": 0, "a": 2.5, "i": .int64(1)],
                        ["_id": 0, "a": "x", "i": .int64(2)],
                    ],
                    [
                        ["_id": 0, "a": 1, "i": .int64(0)], ["_id": 0, "a": 2.5, "i": .int64(1)],
                        ["_id": 0, "a": "x", "i": .int64(2)],
                    ],
                    [["_id": 0, "a": .int64(0)], ["_id": 0, "a": .int64(1)], ["_id": 0, "a": .int64(2)]],
                ]
            ),
        ]
        let specs: [BSONDocument] = [
            ["path": "$a"], ["path": "$a", "preserveNullAndEmptyArrays": true],
            ["path": "$a", "includeArrayIndex": "i"],
            ["path": "$a", "preserveNullAndEmptyArrays": true, "includeArrayIndex": "i"],
            ["path": "$a", "preserveNullAndEmptyArrays": true, "includeArrayIndex": "a"],
        ]
        var cases: [UnwindCase] = []
        for (input, outputs) in inputs {
            for (spec, output) in zip(specs, outputs) {
                cases.append(UnwindCase(input: input, spec: spec, output: output))
            }
        }
        // Dotted paths: only embedded documents are followed.
        cases += [
            UnwindCase(
                input: ["_id": 0, "a": ["b": [1, 2]]], spec: ["path": "$a.b"],
                output: [
                    ["_id": 0, "a": ["b": 1]], ["_id": 0, "a": ["b": 2]],
                ]),
            UnwindCase(
                input: ["_id": 0, "a": ["b": []]], spec: ["path": "$a.b", "preserveNullAndEmptyArrays": true],
                output: [["_id": 0, "a": [:]]]),
            UnwindCase(
                input: ["_id": 0],
                spec: ["path": "$a.b", "preserveNullAndEmptyArrays": true, "includeArrayIndex": "_id"],
                output: [["_id": .null]]),
            UnwindCase(input: ["_id": 0, "a": [["b": [1]]]], spec: ["path": "$a.b"], output: []),
            UnwindCase(
                input: ["_id": 0, "a": [1]], spec: ["path": "$a", "includeArrayIndex": "x.y"],
                output: [["_id": 0, "a": 1, "x": ["y": .int64(0)]]]),
        ]
        return cases
    }()

    @Test(arguments: unwindCases) func unwind(_ c: UnwindCase) throws {
        let result = try aggregate([c.input], [["$unwind": .document(c.spec)]])
        #expect(result.count == c.output.count)
        for (actual, expected) in zip(result, c.output) { #expect(actual.isIdentical(to: expected)) }
    }

    @Test func unwindStringFormAndLaterStages() throws {
        let docs: [BSONDocument] = [["_id": 1, "tags": ["a", "b"]], ["_id": 2, "tags": ["b"]], ["_id": 3]]
        let result = try aggregate(docs, [["$unwind": "$tags"], ["$match": ["tags": "b"]], ["$count": "n"]])
        #expect(result == [["n": 2]])
    }

    static let unwindErrorCases: [(BSONValue, Int)] = [
        (1, 15981), ("a", 28818), (["path": 1], 28808), ([:], 28812), (["path": "$a", "x": 1], 28811),
        (["path": "$a", "preserveNullAndEmptyArrays": 1], 28809), (["path": "$a", "includeArrayIndex": ""], 28810),
        (["path": "$a", "includeArrayIndex": 3], 28810), (["path": "$a", "includeArrayIndex": "$i"], 28822),
        ("$", 40352), ("$a..b", 15998),
    ]

    @Test(arguments: 0..<unwindErrorCases.count) func unwindErrors(_ index: Int) {
        let (spec, code) = Self.unwindErrorCases[index]
        #expect(errorCode { _ = try aggregate([], [["$unwind": spec]]) } == code)
    }

    // MARK: $match, $sort, $limit, $skip

    static let people: [BSONDocument] = [
        ["_id": 1, "name": "ada", "age": 36, "tags": ["x"]],
        ["_id": 2, "name": "bob", "age": 25.5],
        ["_id": 3, "name": "cy", "age": .int64(40), "tags": []],
        ["_id": 4, "name": "di", "age": .null],
        ["_id": 5, "name": "ed"],
        ["_id": 6, "name": "flo", "age": .decimal128(Decimal128(30)), "tags": ["x", "y"]],
    ]

    static func ids(_ docs: [BSONDocument]) -> [BSONValue] { docs.map { $0["_id"] ?? .null } }

    struct PipelineCase: CustomTestStringConvertible, Sendable {
        var pipeline: [BSONDocument]
        var ids: [BSONValue]
        var testDescription: String { "\(pipeline)" }
    }

    static let pipelineCases: [PipelineCase] = [
        PipelineCase(pipeline: [], ids: [1, 2, 3, 4, 5, 6]),
        PipelineCase(pipeline: [["$match": ["age": ["$gte": 30]]]], ids: [1, 3, 6]),
        PipelineCase(pipeline: [["$match": ["age": .null]]], ids: [4, 5]),
        PipelineCase(pipeline: [["$match": ["tags": "x"]]], ids: [1, 6]),
        PipelineCase(pipeline: [["$match": ["_id": 3]]], ids: [3]),
        PipelineCase(pipeline: [["$match": ["_id": ["$in": [5, 1]]]]], ids: [1, 5]),
        // Mixed numeric types sort together; missing and null sort first.
        PipelineCase(pipeline: [["$sort": ["age": 1, "_id": 1]]], ids: [4, 5, 2, 6, 1, 3]),
        PipelineCase(pipeline: [["$sort": ["age": -1]]], ids: [3, 1, 6, 2, 4, 5]),
        // An array sorts by its smallest element ascending; an empty array before null.
        PipelineCase(pipeline: [["$sort": ["tags": 1, "_id": 1]]], ids: [3, 2, 4, 5, 1, 6]),
        PipelineCase(pipeline: [["$sort": ["age": -1]], ["$limit": 2]], ids: [3, 1]),
        PipelineCase(pipeline: [["$sort": ["age": -1]], ["$skip": 1], ["$limit": 2]], ids: [1, 6]),
        PipelineCase(pipeline: [["$limit": 4], ["$skip": 1]], ids: [2, 3, 4]),
        PipelineCase(pipeline: [["$skip": 2], ["$limit": 4], ["$skip": 1], ["$limit": 1]], ids: [4]),
        PipelineCase(pipeline: [["$limit": 3], ["$limit": 5]], ids: [1, 2, 3]),
        PipelineCase(pipeline: [["$skip": 10]], ids: []),
        PipelineCase(pipeline: [["$limit": 2], ["$skip": 3]], ids: []),
        PipelineCase(
            pipeline: [["$match": ["age": ["$exists": true]]], ["$match": ["age": ["$lt": 36]]]], ids: [2, 6]),
        PipelineCase(pipeline: [["$sort": ["name": -1]], ["$match": ["tags": ["$exists": true]]]], ids: [6, 3, 1]),
        PipelineCase(
            pipeline: [["$project": ["age": 0]], ["$match": ["age": ["$exists": false]]], ["$skip": 4]], ids: [5, 6]),
        PipelineCase(
            pipeline: [["$unwind": "$tags"], ["$sort": ["tags": -1, "_id": -1]], ["$limit": 2]], ids: [6, 6]),
        PipelineCase(pipeline: [["$skip": .double(1.0)], ["$limit": .int64(1)]], ids: [2]),
    ]

    @Test(arguments: pipelineCases) func pipeline(_ c: PipelineCase) throws {
        #expect(Self.ids(try aggregate(Self.people, c.pipeline)) == c.ids)
    }

    static let argumentErrorCases: [(BSONDocument, Int)] = [
        (["$match": 1], 15959), (["$match": ["$bad": 1]], 2), (["$sort": 1], 15973), (["$sort": [:]], 15976),
        (["$sort": ["a": 2]], 15975), (["$sort": ["a": "x"]], 15974), (["$limit": 0], 15958),
        (["$limit": -1], 5107201), (["$limit": 1.5], 5107201), (["$limit": "1"], 5107201),
        (["$limit": .double(.nan)], 5107201), (["$skip": -1], 5107200), (["$skip": "a"], 5107200),
        (["$skip": .double(1e30)], 5107200), (["$count": 1], 40156), (["$count": ""], 40157),
        (["$count": "$n"], 40158), (["$count": "a.b"], 40160), (["$count": "a\u{0}"], 40159),
        (["$unset": 1], 31002), (["$unset": []], 31119), (["$unset": ["a", 1]], 31120), (["$unset": ""], 40352),
        (["$unset": "$a"], 16410), (["$sample": 1], 28745), (["$sample": ["size": "1"]], 28746),
        (["$sample": ["size": -1]], 28747), (["$sample": ["size": 1, "x": 1]], 28748), (["$sample": [:]], 28749),
        (["$project": [:]], 51272), (["$project": ["a": 1, "b": 0]], 31254), (["$project": ["a.$": 1]], 31324),
        (["$foo": 1], 40324), (["$match": [:], "$limit": 1], 40323), ([:], 40323), (["$lookup": [:]], 9),
        (["$bucket": [:]], 40198), (["$geoNear": [:]], 238), (["$out": "a$b"], 73),
        (["$documents": [["a": 1]]], 73),
    ]

    @Test(arguments: 0..<argumentErrorCases.count) func argumentErrors(_ index: Int) {
        let (stage, code) = Self.argumentErrorCases[index]
        #expect(errorCode { _ = try aggregate([], [stage]) } == code, "\(stage)")
    }

    @Test func errorMessagesAreMongoDBs() throws {
        let c = makeCollection()
        func message(_ pipeline: [BSONDocument]) -> String? {
            do {
                _ = try c.aggregate(pipeline)
                return nil
            } catch { return error.message }
        }
        #expect(message([["$foo": 1]]) == "Unrecognized pipeline stage name: '$foo'")
        #expect(message([[:]]) == "A pipeline stage specification object must contain exactly one field.")
        #expect(message([["$limit": 1.5]]) == "invalid argument to $limit stage: Expected an integer: $limit: 1.5")
        #expect(message([["$skip": -2]]) == "invalid argument to $skip stage: Expected a positive number in: $skip: -2")
        #expect(
            message([["$unwind": ["path": "$a", "preserveNullAndEmptyArrays": 1]]])
                == "expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got int")
        #expect(
            message([["$limit": 1], ["$documents": []]]) == "$documents is only valid as the first stage in a pipeline")
    }

    // MARK: $count, $unset, $project

    @Test func countEmitsOneDocumentOrNone() throws {
        #expect(try aggregate(Self.people, [["$count": "n"]]) == [["n": .int32(6)]])
        #expect(try aggregate(Self.people, [["$match": ["age": ["$gt": 100]]], ["$count": "n"]]).isEmpty)
        #expect(try aggregate([], [["$count": "n"]]).isEmpty)
        #expect(Stage.countValue(Int(Int32.max) + 1) == .int64(Int64(Int32.max) + 1))
    }

    @Test func unsetRemovesPathsThroughArrays() throws {
        let docs: [BSONDocument] = [["_id": 1, "a": 1, "b": [["c": 1, "d": 2], ["c": 3], 4], "e": ["c": 5]]]
        let result = try aggregate(docs, [["$unset": ["a", "b.c"]], ["$unset": "e.c"]])
        #expect(result[0].isIdentical(to: ["_id": 1, "b": [["d": 2], [:], 4], "e": [:]]))
        #expect(try aggregate(docs, [["$unset": "missing"]])[0].isIdentical(to: docs[0]))
    }

    @Test func projectIncludesAndExcludes() throws {
        let docs: [BSONDocument] = [["_id": 1, "a": 1, "b": ["c": 1, "d": 2], "e": [["c": 1, "x": 0], 7]]]
        let included = try aggregate(docs, [["$project": ["b.c": 1, "e.c": true, "missing": 1]]])
        #expect(included[0].isIdentical(to: ["_id": 1, "b": ["c": 1], "e": [["c": 1]]]))
        let noID = try aggregate(docs, [["$project": ["a": 1, "_id": 0]]])
        #expect(noID[0].isIdentical(to: ["a": 1]))
        let excluded = try aggregate(docs, [["$project": ["b": ["d": 0], "e": false]]])
        #expect(excluded[0].isIdentical(to: ["_id": 1, "a": 1, "b": ["c": 1]]))
        let literal = try aggregate(docs, [["$project": ["a": 1, "status": "new"]]])
        #expect(literal[0].isIdentical(to: ["_id": 1, "a": 1, "status": "new"]))
    }

    // MARK: $sample, $documents

    @Test func sampleDrawsDistinctDocuments() throws {
        let docs = (0..<50).map { ["_id": .int32(Int32($0))] as BSONDocument }
        let sample = try aggregate(docs, [["$sample": ["size": 10]]])
        #expect(sample.count == 10)
        #expect(Set(Self.ids(sample)).count == 10)
        #expect(try aggregate(docs, [["$sample": ["size": 100]]]).count == 50)
        #expect(try aggregate(docs, [["$sample": ["size": 0]]]).isEmpty)
        #expect(try aggregate(docs, [["$sample": ["size": 2.9]]]).count == 2)
        // Every document can be drawn: over many draws of 1 from 5, all five appear.
        var seen = Set<BSONValue>()
        for _ in 0..<200 { seen.formUnion(Self.ids(try aggregate(Array(docs.prefix(5)), [["$sample": ["size": 1]]]))) }
        #expect(seen.count == 5)
    }

    @Test func documentsStageFeedsADatabasePipeline() throws {
        let db = DocketClient().database("test")
        let result = try db.aggregate([
            ["$documents": [["x": 1], ["x": 2], ["x": 3]]], ["$match": ["x": ["$gte": 2]]], ["$sort": ["x": -1]],
        ]).toArray()
        #expect(result == [["x": 3], ["x": 2]])
        #expect(try db.aggregate([["$documents": []]]).toArray().isEmpty)
        #expect(errorCode { _ = try db.aggregate([["$match": [:]]]) } == 73)
        #expect(errorCode { _ = try db.aggregate([]) } == 73)
        #expect(errorCode { _ = try db.aggregate([["$documents": 1]]) } == 5858203)
        // mongod (jstests/aggregation/sources/documents.js): elements that are not documents fail as the
        // $replaceRoot it desugars to does.
        #expect(errorCode { _ = try db.aggregate([["$documents": [1]]]) } == 40228)
        #expect(errorCode { _ = try db.aggregate([["$documents": [["a": 1], 2]]]) } == 40228)
        #expect(errorCode { _ = try db.aggregate([["$documents": "string"]]) } == 5858203)
    }
}
