import DocketTestSupport
import Testing

@testable import Docket

@Suite struct AggregationBucketTests {
    static let prices: [BSONDocument] = [
        ["_id": 1, "price": 5], ["_id": 2, "price": 15.5], ["_id": 3, "price": .int64(20)],
        ["_id": 4, "price": .decimal128(Decimal128(35))], ["_id": 5, "price": "n/a"], ["_id": 6],
        ["_id": 7, "price": 10], ["_id": 8, "price": 20],
    ]

    @Test func bucketGroupsByBoundariesWithADefault() throws {
        let result = try aggregate(
            Self.prices,
            [
                [
                    "$bucket": [
                        "groupBy": "$price", "boundaries": [0, 10, 20, 40], "default": "other",
                        "output": ["n": ["$sum": 1], "ids": ["$push": "$_id"]],
                    ]
                ]
            ])
        #expect(
            result == [
                ["_id": 0, "n": 1, "ids": [1]], ["_id": 10, "n": 2, "ids": [2, 7]],
                ["_id": 20, "n": 3, "ids": [3, 4, 8]],
                ["_id": "other", "n": 2, "ids": [5, 6]],
            ])
        let counted = try aggregate(Self.prices, [["$bucket": ["groupBy": "$_id", "boundaries": [1, 5, 9]]]])
        #expect(counted == [["_id": 1, "count": 4], ["_id": 5, "count": 4]])
        #expect(
            errorCode { _ = try aggregate(Self.prices, [["$bucket": ["groupBy": "$price", "boundaries": [0, 10]]]]) }
                == 40066)
    }

    static let bucketErrors: [(BSONValue, Int)] = [
        (1, 40201), (["groupBy": "$a"], 40198), (["groupBy": "a", "boundaries": [1, 2]], 40202),
        (["groupBy": "$a", "boundaries": 1], 40200), (["groupBy": "$a", "boundaries": [1]], 40192),
        (["groupBy": "$a", "boundaries": [1, "a"]], 40193), (["groupBy": "$a", "boundaries": [2, 1]], 40194),
        (["groupBy": "$a", "boundaries": [1, 3], "default": 2], 40199),
        (["groupBy": "$a", "boundaries": [1, 3], "default": "$x"], 40195),
        (["groupBy": "$a", "boundaries": [1, 3], "output": 1], 40196),
        (["groupBy": "$a", "boundaries": [1, 3], "x": 1], 40197),
    ]

    @Test(arguments: 0..<bucketErrors.count) func bucketParseErrors(_ index: Int) {
        let (spec, code) = Self.bucketErrors[index]
        #expect(errorCode { _ = try aggregate([], [["$bucket": spec]]) } == code, "\(spec)")
    }

    @Test func bucketAutoSplitsSortedValuesEvenly() throws {
        let docs = (1...10).map { ["v": .int32(Int32($0))] as BSONDocument }
        let result = try aggregate(docs, [["$bucketAuto": ["groupBy": "$v", "buckets": 3]]])
        #expect(
            result == [
                ["_id": ["min": 1, "max": 4], "count": 3], ["_id": ["min": 4, "max": 7], "count": 3],
                ["_id": ["min": 7, "max": 10], "count": 4],
            ])
        // Equal values never split; fewer buckets may result; missing values group as null first.
        let equal: [BSONDocument] = [["v": 1], ["v": 1], ["v": 1], ["v": 2], [:]]
        let grouped = try aggregate(
            equal, [["$bucketAuto": ["groupBy": "$v", "buckets": 4, "output": ["total": ["$sum": "$v"]]]]])
        #expect(
            grouped == [
                ["_id": ["min": .null, "max": 1], "total": 0], ["_id": ["min": 1, "max": 2], "total": 3],
                ["_id": ["min": 2, "max": 2], "total": 2],
            ])
        #expect(try aggregate([], [["$bucketAuto": ["groupBy": "$v", "buckets": 2]]]).isEmpty)
    }

    static let bucketAutoErrors: [(BSONValue, Int)] = [
        // mongod's codes (document_source_bucket_auto.cpp).
        (1, 40240), (["groupBy": "$a"], 40246), (["groupBy": "$a", "buckets": 0], 40243),
        (["groupBy": "$a", "buckets": -3], 40243), (["groupBy": "$a", "buckets": 2.5], 40242),
        (["groupBy": "$a", "buckets": .int64(1 << 40)], 40242),
        (["groupBy": "$a", "buckets": "2"], 40241), (["groupBy": 1, "buckets": 2], 40239),
        (["groupBy": "$", "buckets": 2], 40239),
        (["groupBy": "$a", "buckets": 2, "output": 1], 40244), (["groupBy": "$a", "buckets": 2, "x": 1], 40245),
        (["groupBy": "$a", "buckets": 2, "granularity": 5], 40261),
        (["groupBy": "$a", "buckets": 2, "granularity": "R6"], 40257),
    ]

    @Test(arguments: 0..<bucketAutoErrors.count) func bucketAutoParseErrors(_ index: Int) {
        let (spec, code) = Self.bucketAutoErrors[index]
        #expect(errorCode { _ = try aggregate([], [["$bucketAuto": spec]]) } == code, "\(spec)")
    }

    /// Past the memory limit `$bucketAuto` fails with 292 when the pipeline says `allowDiskUse: false`; otherwise it
    /// spills sorted runs and merges them, and returns the buckets it returns in memory: mixed types, duplicate keys
    /// (never split), missing keys, several bucket counts, with and without a granularity.
    @Test func bucketAutoSpillsPastTheMemoryLimit() throws {
        var rng = SeededRandom(seed: 0xB0C4E7)
        let c = makeCollection()
        var documents: [BSONDocument] = []
        for i in 0..<400 {
            var document: BSONDocument = ["_id": .int32(Int32(i)), "pad": .string(String(repeating: "x", count: 60))]
            let k = Int32(rng.next() % 50)
            switch rng.next() % 6 {
            case 0: document["v"] = .double(Double(k) / 4)
            case 1: document["v"] = .int64(Int64(k))
            case 2: break
            default: document["v"] = .int32(k)
            }
            document["n"] = .int32(k)
            documents.append(document)
        }
        try c.insertMany(documents)
        let pipelines: [[BSONDocument]] = [
            [["$bucketAuto": ["groupBy": "$v", "buckets": 4]]],
            [["$bucketAuto": ["groupBy": "$v", "buckets": 7, "output": ["ids": ["$push": "$_id"]]]]],
            [["$bucketAuto": ["groupBy": "$n", "buckets": 5, "granularity": "R5", "output": ["s": ["$sum": "$n"]]]]],
            [["$bucketAuto": ["groupBy": ["$mod": ["$n", 3]], "buckets": 2]]],
        ]
        for pipeline in pipelines {
            var limited = AggregateOptions(allowDiskUse: false)
            limited.memoryLimitBytes = 4_000
            #expect(errorCode { _ = try c.aggregate(pipeline, options: limited).toArray() } == 292)
            limited.allowDiskUse = nil
            var iterator = try c.aggregate(pipeline, options: limited).makeIterator()
            var spilled: [BSONDocument] = []
            while let document = try iterator.next() { spilled.append(document) }
            #expect(iterator.stats.spills > 1, "\(pipeline)")
            let expected = try c.aggregate(pipeline).toArray()
            #expect(spilled.count == expected.count, "\(pipeline)")
            for (a, e) in zip(spilled, expected) { #expect(a.isIdentical(to: e), "\(a) != \(e) in \(pipeline)") }
        }
    }
}
