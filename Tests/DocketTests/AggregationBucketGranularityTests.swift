import Testing

@testable import Docket

@Suite struct AggregationBucketGranularityTests {
    /// `{_id: 0}` … `{_id: 99}`, the manual's `things` collection.
    static let things: [BSONDocument] = (0..<100).map { ["_id": .int32(Int32($0))] }

    private func buckets(_ documents: [BSONDocument], _ spec: BSONDocument) throws -> [BSONDocument] {
        try aggregate(documents, [["$bucketAuto": .document(spec)]])
    }

    /// The manual's granularity example: 100 values in 5 requested buckets with R5 make 3 buckets on R5 boundaries.
    @Test func manualThingsExampleWithR5() throws {
        let result = try buckets(Self.things, ["groupBy": "$_id", "buckets": 5, "granularity": "R5"])
        #expect(
            result == [
                ["_id": ["min": 0, "max": 25.0], "count": 25], ["_id": ["min": 25.0, "max": 63.0], "count": 38],
                ["_id": ["min": 63.0, "max": 100.0], "count": 37],
            ])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var values: [BSONValue]
        var buckets: Int
        var granularity: String
        /// Each bucket's `[min, max, count]`.
        var expected: [[BSONValue]]
        var testDescription: String { "\(granularity) \(values)" }
    }

    static let cases: [Case] = [
        // Boundaries come from the series scaled by powers of ten; values below a rounded boundary join its bucket.
        Case(
            values: (1...10).map { .int32($0) }, buckets: 2, granularity: "1-2-5",
            expected: [
                [0.5, 10.0, 9], [10.0, 20.0, 1],
            ]),
        Case(
            values: [1, 2, 3, 4, 5, 6, 7, 8], buckets: 4, granularity: "E6",
            expected: [
                [0.68, 2.2, 2], [2.2, 4.7, 2], [4.7, 6.8, 2], [6.8, 10.0, 2],
            ]),
        Case(
            values: [120, 130, 240, 300, 990], buckets: 2, granularity: "R10",
            expected: [
                [100.0, 250.0, 3], [250.0, 1000.0, 2],
            ]),
        Case(
            values: [0.012, 0.5, 7, 7, 7, 1100], buckets: 3, granularity: "E12",
            expected: [
                [0.01, 0.56, 2], [0.56, 8.2, 3], [8.2, 1200.0, 1],
            ]),
        // Powers of two: integers round to integer powers (a double below 1), doubles too, decimals stay decimal.
        Case(
            values: (1...10).map { .int32($0) }, buckets: 3, granularity: "POWERSOF2",
            expected: [
                [0.5, 4, 3], [4, 8, 4], [8, 16, 3],
            ]),
        Case(
            values: [0.3, 2.5, 3.0, 100.0], buckets: 2, granularity: "POWERSOF2",
            expected: [
                [0.25, 4, 3], [4, 128, 1],
            ]),
        Case(
            values: [.int64(1 << 40), .int64(3 << 40)], buckets: 2, granularity: "POWERSOF2",
            expected: [
                [.int64(1 << 39), .int64(1 << 41), 1], [.int64(1 << 41), .int64(1 << 42), 1],
            ]),
        // A bucket of zeros ends where the next value rounds down to.
        Case(
            values: [0, 0, 0, 5, 6, 7], buckets: 2, granularity: "R20",
            expected: [
                [0, 4.5, 3], [4.5, 7.1, 3],
            ]),
    ]

    @Test(arguments: cases) func boundariesFollowTheSeries(_ c: Case) throws {
        let documents = c.values.map { ["v": $0] as BSONDocument }
        let result = try buckets(
            documents, ["groupBy": "$v", "buckets": .int32(Int32(c.buckets)), "granularity": .string(c.granularity)])
        let expected: [BSONDocument] = c.expected.map { ["_id": ["min": $0[0], "max": $0[1]], "count": $0[2]] }
        #expect(result.count == expected.count)
        for (actual, wanted) in zip(result, expected) {
            // Boundaries are compared by value and numeric type family (the series arithmetic is in doubles).
            let a = actual["_id"]?.documentValue, w = wanted["_id"]?.documentValue
            for key in ["min", "max"] {
                let x = a?[key] ?? .null, y = w?[key] ?? .null
                #expect(x.type == y.type, "\(key): \(x) vs \(y)")
                if let dx = x.doubleValue, let dy = y.doubleValue {
                    #expect(abs(dx - dy) <= 1e-12 * max(1, abs(dy)), "\(key): \(x) vs \(y)")
                } else {
                    #expect(x == y)
                }
            }
            #expect(actual["count"] == wanted["count"])
        }
    }

    @Test func decimalValuesGetDecimalBoundaries() throws {
        let documents: [BSONDocument] = [["v": .decimal128(Decimal128(3))], ["v": .decimal128(Decimal128(7))]]
        let result = try buckets(documents, ["groupBy": "$v", "buckets": 1, "granularity": "R5"])
        let bounds = result.first?["_id"]?.documentValue
        guard case .decimal128(let min)? = bounds?["min"], case .decimal128(let max)? = bounds?["max"] else {
            Issue.record("expected decimal boundaries: \(result)")
            return
        }
        #expect(min.description == "2.5" || BSONValue.compare(.decimal128(min), 2.5) == 0)
        #expect(BSONValue.compare(.decimal128(max), 10) == 0)
        let powers = try buckets(documents, ["groupBy": "$v", "buckets": 1, "granularity": "POWERSOF2"])
        let p = powers.first?["_id"]?.documentValue
        #expect(p?["min"]?.type == .decimal128 && BSONValue.compare(p?["min"] ?? .null, 2) == 0)
        #expect(p?["max"]?.type == .decimal128 && BSONValue.compare(p?["max"] ?? .null, 8) == 0)
    }

    static let errors: [(BSONValue, Int)] = [
        ("$v", 0), (1, 40261), ("R7", 40257), ("r5", 40257),
    ]

    @Test(arguments: 0..<errors.count) func granularityMustBeAKnownSeries(_ index: Int) {
        let (granularity, code) = Self.errors[index]
        let run = { _ = try self.buckets([["v": 1]], ["groupBy": "$v", "buckets": 1, "granularity": granularity]) }
        if code == 0 {
            #expect(errorCode(run) == 40257)
        } else {
            #expect(errorCode(run) == code)
        }
    }

    static let valueErrors: [(BSONDocument, Int)] = [
        (["v": "a"], 40258), ([:], 40258), (["v": .null], 40258), (["v": -1], 40260), (["v": .double(.nan)], 40259),
        (["v": [1]], 40258),
    ]

    @Test(arguments: 0..<valueErrors.count) func valuesMustBeNonNegativeNumbers(_ index: Int) {
        let (document, code) = Self.valueErrors[index]
        for granularity in ["R5", "POWERSOF2"] {
            #expect(
                errorCode {
                    _ = try self.buckets(
                        [["v": 2], document], ["groupBy": "$v", "buckets": 2, "granularity": .string(granularity)])
                } == code, "\(document) \(granularity)")
        }
    }
}
