import DocketTestSupport
import Testing

@testable import Docket

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The fused scan → `$unwind` → counting `$group` (`GroupScan.swift`): which pipelines it answers, and that it
/// returns exactly what the stages return — same groups, same first-seen `_id` values and types, same order — on
/// one core and split between threads, including when it gives up half-way and the stages run instead.
@Suite struct AggregationGroupScanTests {
    /// Whether the optimized pipeline's stages after the leading read start with a group the fused scan answers.
    private static func isFused(_ specs: [BSONDocument]) throws -> Bool {
        let pipeline = try Pipeline(parsing: specs).optimized().narrowed(expressionFields: [])
        let (leading, rest) = pipeline.splitLeadingQuery(boundedSortsOnly: false)
        guard leading.sort == nil, leading.skip == 0, leading.limit == nil, leading.matcher?.hasExpr != true else {
            return false
        }
        return GroupScanPlan.make(rest) != nil
    }

    @Test func recognizesCountingGroups() throws {
        let fused: [[BSONDocument]] = [
            [["$match": ["a": 1]], ["$unwind": "$teams"], ["$group": ["_id": "$teams.id", "n": ["$sum": 1]]]],
            [["$unwind": "$teams"], ["$group": ["_id": "$teams", "n": ["$count": [:]]]], ["$sort": ["n": -1]]],
            [["$group": ["_id": "$country", "n": ["$sum": .int64(2)], "m": ["$sum": 1]]]],
            [["$group": ["_id": .null, "n": ["$sum": 1]]]],
            [["$unwind": ["path": "$teams"]], ["$group": ["_id": "$status", "n": ["$sum": 1]]]],
            [["$sortByCount": "$teams.role"]],
        ]
        for specs in fused { #expect(try Self.isFused(specs), "\(specs)") }
        let notFused: [[BSONDocument]] = [
            [["$group": ["_id": "$a", "total": ["$sum": "$b"]]]],  // sums a field
            [["$group": ["_id": "$a", "n": ["$sum": 1.5]]]],  // a double constant: rounding per addition
            [["$group": ["_id": ["x": "$a"], "n": ["$sum": 1]]]],  // an expression object key
            [["$unwind": ["path": "$t", "includeArrayIndex": "i"]], ["$group": ["_id": "$i", "n": ["$sum": 1]]]],
            [
                ["$unwind": ["path": "$t", "preserveNullAndEmptyArrays": true]],
                ["$group": ["_id": "$t", "n": ["$sum": 1]]],
            ],
            [["$unwind": "$a.b"], ["$group": ["_id": "$a.b", "n": ["$sum": 1]]]],  // a dotted unwind path
            [["$sort": ["a": 1]], ["$group": ["_id": "$a", "n": ["$sum": 1]]]],  // a sorted read
            [["$limit": 5], ["$group": ["_id": "$a", "n": ["$sum": 1]]]],
            [["$match": ["$expr": ["$gt": ["$a", 1]]]], ["$group": ["_id": "$a", "n": ["$sum": 1]]]],
            [["$project": ["a": 1]], ["$group": ["_id": "$a", "n": ["$sum": 1]]]],
        ]
        for specs in notFused { #expect(try !Self.isFused(specs), "\(specs)") }
    }

    /// A key value of every kind the fused scan meets: those it covers (numbers of three types, equal across types;
    /// strings; null; booleans; dates; object ids) and those it gives up on (decimals, documents, arrays).
    /// The one walk over top-level fields answers conjunctions of leaves on top-level fields; other filters keep
    /// the matcher.
    @Test func oneWalkAnswersTopLevelConjunctions() throws {
        let cases: [(BSONDocument, Bool)] = [
            ([:], true),
            (["created_at": ["$gte": .datetime(1_704_067_200_000)]], true),
            (["a": 1, "b": ["$in": [1, 2]], "c": ["$exists": true]], true),
            (["a": ["$gt": 1, "$lt": 5]], true),
            (["s.k": 1], false),
            (["$or": [["a": 1], ["b": 2]]], false),
            (["a": ["$ne": 1]], false),
            (["a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9], false),
        ]
        for (filter, walks) in cases {
            let matcher = try Matcher(filter)
            #expect((TopLevelWalk.make(filter: matcher.root, also: [Array("teams".utf8)]) != nil) == walks, "\(filter)")
        }
    }

    private static func randomKey(_ rng: inout SeededRandom, coveredOnly: Bool) -> BSONValue {
        let covered: [BSONValue] = [
            1, .int64(1), 1.0, 2, .int64(3), 2.5, -0.0, 0, .double(.nan), "x", "y", "", .null, true, false,
            .datetime(1_700_000_000_000), .objectID(ObjectID(bytes: Array(repeating: 7, count: 12))),
            .int64(Int64(Int32.max) + 1), 1e300,
        ]
        let uncovered: [BSONValue] = [.decimal128(Decimal128(1)), ["k": 1], [1, 2], .undefined]
        return coveredOnly || rng.chance(0.9) ? rng.pick(covered) : rng.pick(uncovered)
    }

    private static func randomDocuments(_ rng: inout SeededRandom, coveredOnly: Bool) -> [BSONDocument] {
        (0..<rng.int(0...60)).map { i in
            var document: BSONDocument = ["_id": .int32(Int32(i))]
            if rng.chance(0.9) {
                // Sometimes an array: the filter's array rules are the matcher's, even where the walk is used.
                document["a"] =
                    rng.chance(0.1)
                    ? [randomKey(&rng, coveredOnly: true), randomKey(&rng, coveredOnly: true)]
                    : randomKey(&rng, coveredOnly: coveredOnly)
            }
            if rng.chance(0.8) { document["s"] = ["k": randomKey(&rng, coveredOnly: coveredOnly)] }
            switch rng.int(0...9) {
            case 0: break  // missing
            case 1: document["t"] = .null
            case 2: document["t"] = []
            case 3: document["t"] = ["id": randomKey(&rng, coveredOnly: coveredOnly)]  // a document unwinds to itself
            case 4: document["t"] = randomKey(&rng, coveredOnly: true)  // a scalar unwinds to itself
            default:
                document["t"] = .array(
                    (0..<rng.int(1...4)).map { _ in
                        rng.chance(0.85)
                            ? ["id": randomKey(&rng, coveredOnly: coveredOnly), "r": .string(rng.pick(["a", "b"]))]
                            : randomKey(&rng, coveredOnly: true)
                    })
            }
            return document
        }
    }

    /// A filter the fused scan's one walk answers (leaves on top-level fields, arrays among their values) or one it
    /// leaves to the matcher (`$or`, dotted paths, `$ne`).
    private static func randomFilter(_ rng: inout SeededRandom) -> BSONDocument {
        let operands: [BSONValue] = [
            1, 2, "x", .null, 2.5, true, .datetime(1_700_000_000_000), .datetime(1_600_000_000_000),
        ]
        var filter: BSONDocument = [:]
        for _ in 0..<rng.int(1...3) {
            let field = rng.pick(["a", "t", "s", "m", "_id"])
            let value = rng.pick(operands)
            let leaf: BSONValue
            switch rng.int(0...9) {
            case 0: leaf = value
            case 1: leaf = ["$gte": value]
            case 2: leaf = ["$lt": value]
            case 3: leaf = ["$in": [value, rng.pick(operands)]]
            case 4: leaf = ["$exists": .bool(rng.chance(0.5))]
            case 5: leaf = ["$type": rng.pick(["array", "number", "string", "object", "null"] as [BSONValue])]
            case 6: leaf = ["$size": .int32(Int32(rng.int(0...2)))]
            case 7: leaf = ["$ne": value]
            case 8: leaf = ["$gt": 0, "$lte": 2]
            default: leaf = ["$elemMatch": ["id": ["$gte": 1]]]
            }
            filter[field] = leaf
        }
        switch rng.int(0...5) {
        case 0: return ["$or": [.document(filter), ["a": 1]]]
        case 1: return ["s.k": rng.pick(operands)]
        default: return filter
        }
    }

    private static func randomPipeline(_ rng: inout SeededRandom) -> [BSONDocument] {
        var pipeline: [BSONDocument] = []
        if rng.chance(0.6) { pipeline.append(["$match": .document(randomFilter(&rng))]) }
        let unwinds = rng.chance(0.7)
        if unwinds { pipeline.append(["$unwind": "$t"]) }
        let key: BSONValue = rng.pick(
            unwinds ? ["$t.id", "$t", "$t.r", "$a", "$s.k", .null] : ["$a", "$s.k", "$t", 5] as [BSONValue])
        var group: BSONDocument = ["_id": key, "n": ["$sum": 1]]
        if rng.chance(0.5) { group["c"] = ["$count": [:]] }
        if rng.chance(0.3) { group["big"] = ["$sum": .int32(Int32.max)] }
        if rng.chance(0.3) { group["l"] = ["$sum": .int64(-3)] }
        pipeline.append(["$group": .document(group)])
        if rng.chance(0.3) { pipeline.append(["$sort": ["n": -1]]) }
        return pipeline
    }

    /// The fused scan (on one core, then split between threads) returns what the stages return, in order.
    @Test(arguments: [true, false])
    func fusedScanReturnsWhatTheStagesReturn(coveredOnly: Bool) throws {
        try SeededRandom.forEachCase(250) { rng, _ in
            let documents = Self.randomDocuments(&rng, coveredOnly: coveredOnly)
            let pipeline = Self.randomPipeline(&rng)
            var stages = AggregateOptions()
            stages.optimizes = false
            let expected = try aggregate(documents, pipeline, options: stages)
            var serial = AggregateOptions()
            serial.parallelScanMinimum = .max
            var parallel = AggregateOptions()
            parallel.parallelScanMinimum = 0
            for options in [serial, parallel] {
                let actual = try aggregate(documents, pipeline, options: options)
                #expect(actual.count == expected.count, "\(pipeline) \(rng.replayHint)")
                for (a, e) in zip(actual, expected) {
                    #expect(a.isIdentical(to: e), "\(a) != \(e) in \(pipeline) \(rng.replayHint)")
                }
            }
        }
    }

    /// Across many record chunks, the threads' partial groups merge in natural order: the first-seen value of a
    /// key is kept (here `1` as an int32 before `1.0` and `NumberLong(1)`), and groups come out in first-seen order.
    @Test func threadsMergeInNaturalOrder() throws {
        let c = makeCollection()
        var documents: [BSONDocument] = []
        for i in 0..<5000 {
            let key: BSONValue = [.int32(1), 1.0, .int64(1), .string("k\(i % 7)"), .int32(Int32(i % 13))][i % 5]
            documents.append(["_id": .int32(Int32(i)), "t": [["id": key], ["id": .int32(Int32(i % 3))]]])
        }
        try c.insertMany(documents)
        let pipeline: [BSONDocument] = [["$unwind": "$t"], ["$group": ["_id": "$t.id", "n": ["$sum": 1]]]]
        var stages = AggregateOptions()
        stages.optimizes = false
        var parallel = AggregateOptions()
        parallel.parallelScanMinimum = 0
        let expected = try c.aggregate(pipeline, options: stages).toArray()
        let actual = try c.aggregate(pipeline, options: parallel).toArray()
        #expect(actual.count == expected.count)
        for (a, e) in zip(actual, expected) { #expect(a.isIdentical(to: e), "\(a) != \(e)") }
        #expect(actual.first?["_id"]?.isIdentical(to: .int32(1)) == true)
        var iterator = try c.aggregate(pipeline, options: parallel).makeIterator()
        while try iterator.next() != nil {}
        #expect(iterator.stats.documentsExamined == 5000)
    }

    /// The fused scan counts into int32 while the total fits, then int64, as `$sum` does.
    @Test func countsWidenAsSumDoes() throws {
        let documents: [BSONDocument] = (0..<3).map { ["_id": .int32(Int32($0)), "g": 1] }
        let pipeline: [BSONDocument] = [
            [
                "$group": [
                    "_id": "$g", "small": ["$sum": 7], "wide": ["$sum": .int32(Int32.max)], "l": ["$sum": .int64(1)],
                ]
            ]
        ]
        let result = try aggregate(documents, pipeline)
        #expect(result.count == 1)
        #expect(result.first?["small"]?.isIdentical(to: .int32(21)) == true)
        #expect(result.first?["wide"]?.isIdentical(to: .int64(3 * Int64(Int32.max))) == true)
        #expect(result.first?["l"]?.isIdentical(to: .int64(3)) == true)
    }

    /// The fused scan honours `maxTimeMS`: it reads the clock every 256 documents and fails with MaxTimeMSExpired
    /// (50) past its deadline — on one core and split between threads. The deadline is injected as a clock reading
    /// already past (1 ns after the clock's origin), so the test never depends on how fast the machine is; the same
    /// scan with no deadline, or one far ahead, counts every document.
    @Test(arguments: [false, true])
    func fusedScanStopsAtItsDeadline(parallel: Bool) throws {
        var store = RecordStore()
        for i in 0..<3000 { _ = store.append(try RawDocument(["_id": .int32(Int32(i)), "g": .int32(Int32(i % 4))])) }
        let pipeline = try Pipeline(parsing: [["$group": ["_id": "$g", "n": ["$sum": 1]]]])
        let (plan, consumed) = try #require(GroupScanPlan.make(pipeline.stages))
        #expect(consumed == 1)
        var context = PipelineRunContext()
        context.parallelScanMinimum = parallel ? 0 : .max
        let matcher = try Matcher([:])
        func run(_ deadline: UInt64?) throws(DocketError) -> [PipelineDocument] {
            var fellBack = false
            let runner = GroupScanRunner(
                plan, store: store, matcher: matcher, context: context, deadline: deadline,
                fallback: {
                    fellBack = true
                    return EmptySourceRunner()
                })
            var output: [PipelineDocument] = []
            while let document = try runner.next() { output.append(document) }
            #expect(!fellBack, "the scan gave up instead of counting")
            #expect(runner.documentsExamined == 3000)
            return output
        }
        #expect(errorCode { _ = try run(1) } == 50)
        #expect(try run(nil).count == 4)
        #expect(try run(.max).count == 4)
    }

    /// Past the memory limit with `allowDiskUse: false` the fused scan fails as `$group` does (292).
    @Test func memoryLimitAppliesToTheFusedScan() throws {
        let documents: [BSONDocument] = (0..<2000).map { ["_id": .int32(Int32($0)), "g": .string("key \($0)")] }
        var options = AggregateOptions(allowDiskUse: false)
        options.memoryLimitBytes = 10_000
        let code = errorCode {
            _ = try aggregate(documents, [["$group": ["_id": "$g", "n": ["$sum": 1]]]], options: options)
        }
        #expect(code == 292)
    }
}

/// `$sort` and `$group` past the memory limit: with disk use allowed (the default) they spill to temporary files and
/// return what they return in memory; with `allowDiskUse: false` they fail with 292.
@Suite struct AggregationSpillTests {
    private static func documents(_ count: Int) -> [BSONDocument] {
        (0..<count).map { i in
            [
                "_id": .int32(Int32(i)), "k": .int32(Int32((i * 7919) % 1000)), "g": .string("group \(i % 300)"),
                "pad": .string(String(repeating: "x", count: i % 50)), "v": i % 3 == 0 ? .double(Double(i)) : .int32(1),
            ]
        }
    }

    private static func run(_ pipeline: [BSONDocument], limit: Int?, allowDiskUse: Bool? = nil) throws
        -> (results: [BSONDocument], stats: ExecutionStats)
    {
        let c = makeCollection()
        try c.insertMany(documents(3000))
        var options = AggregateOptions(allowDiskUse: allowDiskUse)
        if let limit { options.memoryLimitBytes = limit }
        var iterator = try c.aggregate(pipeline, options: options).makeIterator()
        var results: [BSONDocument] = []
        while let document = try iterator.next() { results.append(document) }
        return (results, iterator.stats)
    }

    @Test func sortSpillsAndMergesInOrder() throws {
        for pipeline: [BSONDocument] in [
            // A leading `$sort` is the query layer's (it orders references to the stored documents); after another
            // stage the documents are the stage's own.
            [["$unset": "pad"], ["$sort": ["k": 1]]],
            [["$project": ["g": 1, "k": 1, "pad": 1]], ["$sort": ["k": -1, "g": 1]]],
            [["$addFields": ["z": ["$mod": ["$_id", 7]]]], ["$sort": ["z": 1]]],
        ] {
            let memory = try Self.run(pipeline, limit: nil)
            let spilled = try Self.run(pipeline, limit: 20_000)
            #expect(memory.stats.spills == 0)
            #expect(spilled.stats.spills > 1, "\(pipeline)")
            #expect(spilled.stats.spilledBytes > 0)
            #expect(spilled.results.count == memory.results.count)
            for (a, b) in zip(spilled.results, memory.results) { #expect(a.isIdentical(to: b), "\(pipeline)") }
            #expect(errorCode { _ = try Self.run(pipeline, limit: 20_000, allowDiskUse: false) } == 292)
        }
    }

    @Test func groupSpillsByPartitionAndReturnsTheSameGroups() throws {
        for pipeline: [BSONDocument] in [
            [
                [
                    "$group": [
                        "_id": "$g", "n": ["$sum": 1], "s": ["$sum": "$v"], "first": ["$first": "$_id"],
                        "last": ["$last": "$_id"], "ids": ["$push": "$_id"],
                    ]
                ]
            ],
            [["$group": ["_id": ["$mod": ["$k", 250]], "n": ["$count": [:]], "avg": ["$avg": "$k"]]]],
        ] {
            let sorted = pipeline + [["$sort": ["_id": 1]]]
            let memory = try Self.run(sorted, limit: nil)
            let spilled = try Self.run(sorted, limit: 4_000)
            #expect(memory.stats.spills == 0)
            #expect(spilled.stats.spills > 0, "\(pipeline)")
            #expect(spilled.results.count == memory.results.count)
            for (a, b) in zip(spilled.results, memory.results) { #expect(a.isIdentical(to: b), "\(a) \(b)") }
            #expect(errorCode { _ = try Self.run(pipeline, limit: 4_000, allowDiskUse: false) } == 292)
        }
    }

    @Test func spillFilesAreRemovedAndDamageIsAnError() throws {
        let directory = try SpillDirectory()
        let path = directory.path
        let file = try directory.makeFile()
        try file.append(.value(["a": 1]))
        try file.append(.value(["b": "two"]))
        try file.rewind()
        #expect(try file.next()?.decode() == ["a": 1])
        #expect(try file.next()?.decode() == ["b": "two"])
        #expect(try file.next() == nil)
        #expect(access(path, F_OK) == 0)
        // A file cut short or overwritten is reported, not trusted.
        let damaged = try directory.makeFile()
        try damaged.append(.value(["a": 1]))
        try damaged.rewind()
        let fd = open(path + "/spill-1", O_WRONLY)
        #expect(fd >= 0)
        _ = withUnsafeBytes(of: Int32(1000).littleEndian) { pwrite(fd, $0.baseAddress, 4, 0) }
        close(fd)
        #expect(errorCode { _ = try damaged.next() } == 96)
        _ = consume directory
        _ = consume file
        _ = consume damaged
        #expect(access(path, F_OK) != 0)
    }
}
