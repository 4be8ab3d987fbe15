import Testing

@testable import Docket

/// `$densify`: the MongoDB manual's examples, partitions, nulls, mixed numeric types, dates and the error codes.
@Suite struct AggregationDensifyTests {
    static let hour: Int64 = 3_600_000
    static let may18: Int64 = 1_621_296_000_000

    /// The manual's `weather` readings, four hours apart.
    static let weather: [BSONDocument] = [0, 4, 8, 12].map { h in
        [
            "_id": .int32(Int32(h)), "metadata": ["sensorId": 5578, "type": "temperature"],
            "timestamp": .datetime(may18 + Int64(h) * hour), "temp": h == 0 || h == 12 ? 12 : 11,
        ]
    }

    /// The manual's `coffee` collection.
    static let coffee: [BSONDocument] = [
        ["_id": 1, "altitude": 600, "variety": "Arabica Typica", "score": 68.3],
        ["_id": 2, "altitude": 750, "variety": "Arabica Typica", "score": 69.5],
        ["_id": 3, "altitude": 950, "variety": "Arabica Typica", "score": 70.5],
        ["_id": 4, "altitude": 1250, "variety": "Gesha", "score": 88.15],
        ["_id": 5, "altitude": 1700, "variety": "Gesha", "score": 95.5, "price": 1029],
    ]

    @Test func timeSeriesWithExplicitBounds() throws {
        let result = try aggregate(
            Self.weather,
            [
                [
                    "$densify": [
                        "field": "timestamp",
                        "range": [
                            "step": 1, "unit": "hour",
                            "bounds": [.datetime(Self.may18), .datetime(Self.may18 + 8 * Self.hour)],
                        ],
                    ]
                ]
            ])
        // Every hour from 00:00 up to (not including) 08:00, then the readings past the bounds unchanged.
        #expect(
            result.map { $0["timestamp"]! }
                == [0, 1, 2, 3, 4, 5, 6, 7, 8, 12].map { .datetime(Self.may18 + $0 * Self.hour) })
        #expect(result.map { $0["_id"] } == [0, nil, nil, nil, 4, nil, nil, nil, 8, 12])
        #expect(result[1] == ["timestamp": .datetime(Self.may18 + Self.hour)])
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var spec: BSONDocument
        /// `[variety, altitude, _id or null]` of each result, in output order.
        var expected: [[BSONValue]]
        var testDescription: String { name }
    }

    static let coffeeCases: [Case] = [
        Case(
            name: "full bounds fill every partition over the whole range",
            spec: ["field": "altitude", "partitionByFields": ["variety"], "range": ["bounds": "full", "step": 200]],
            expected: [
                ["Arabica Typica", 600, 1], ["Arabica Typica", 750, 2], ["Arabica Typica", 800, .null],
                ["Arabica Typica", 950, 3], ["Arabica Typica", 1000, .null], ["Arabica Typica", 1200, .null],
                ["Arabica Typica", 1400, .null], ["Arabica Typica", 1600, .null],
                ["Gesha", 600, .null], ["Gesha", 800, .null], ["Gesha", 1000, .null], ["Gesha", 1200, .null],
                ["Gesha", 1250, 4], ["Gesha", 1400, .null], ["Gesha", 1600, .null], ["Gesha", 1700, 5],
            ]),
        Case(
            name: "partition bounds fill each partition over its own range",
            spec: [
                "field": "altitude", "partitionByFields": ["variety"], "range": ["bounds": "partition", "step": 200],
            ],
            expected: [
                ["Arabica Typica", 600, 1], ["Arabica Typica", 750, 2], ["Arabica Typica", 800, .null],
                ["Arabica Typica", 950, 3], ["Gesha", 1250, 4], ["Gesha", 1450, .null], ["Gesha", 1650, .null],
                ["Gesha", 1700, 5],
            ]),
        Case(
            name: "explicit bounds in each partition, upper bound excluded",
            spec: [
                "field": "altitude", "partitionByFields": ["variety"], "range": ["bounds": [500, 1000], "step": 250],
            ],
            expected: [
                ["Arabica Typica", 500, .null], ["Arabica Typica", 600, 1], ["Arabica Typica", 750, 2],
                ["Arabica Typica", 950, 3], ["Gesha", 500, .null], ["Gesha", 750, .null], ["Gesha", 1250, 4],
                ["Gesha", 1700, 5],
            ]),
        Case(
            name: "full bounds without partitions",
            spec: ["field": "altitude", "range": ["bounds": "full", "step": 300]],
            expected: [
                ["Arabica Typica", 600, 1], ["Arabica Typica", 750, 2], [.null, 900, .null],
                ["Arabica Typica", 950, 3],
                [.null, 1200, .null], ["Gesha", 1250, 4], [.null, 1500, .null], ["Gesha", 1700, 5],
            ]),
    ]

    @Test(arguments: coffeeCases) func manualCoffeeExamples(_ c: Case) throws {
        let result = try aggregate(Self.coffee, [["$densify": .document(c.spec)]])
        let actual = result.map { [$0["variety"] ?? .null, $0["altitude"] ?? .null, $0["_id"] ?? .null] }
        #expect(actual == c.expected)
    }

    @Test func nullsMixedNumbersAndNestedFields() throws {
        let documents: [BSONDocument] = [
            ["_id": 0, "g": "a", "v": ["x": .int64(1)]], ["_id": 1, "g": "a", "v": ["x": 4.5]],
            ["_id": 2, "g": "a", "v": ["x": .null]], ["_id": 3, "g": "a"], ["_id": 4, "g": "b", "v": ["x": 2]],
        ]
        let result = try aggregate(
            documents,
            [["$densify": ["field": "v.x", "partitionByFields": ["g"], "range": ["bounds": "full", "step": 1.5]]]])
        // Null and missing values pass through first; steps are long + double = double.
        let expected: [BSONDocument] = [
            ["_id": 2, "g": "a", "v": ["x": .null]], ["_id": 3, "g": "a"], ["_id": 0, "g": "a", "v": ["x": .int64(1)]],
            ["g": "a", "v": ["x": 2.5]], ["g": "a", "v": ["x": 4.0]], ["_id": 1, "g": "a", "v": ["x": 4.5]],
            ["g": "b", "v": ["x": .int64(1)]], ["_id": 4, "g": "b", "v": ["x": 2]], ["g": "b", "v": ["x": 2.5]],
            ["g": "b", "v": ["x": 4.0]],
        ]
        #expect(result.count == expected.count)
        for (a, e) in zip(result, expected) { #expect(sameValue(.document(a), .document(e)), "\(a) \(e)") }
        #expect(try aggregate([], [["$densify": ["field": "a", "range": ["bounds": "full", "step": 1]]]]).isEmpty)
        let onlyNulls = try aggregate(
            [["_id": 1, "a": .null]], [["$densify": ["field": "a", "range": ["bounds": [0, 3], "step": 1]]]])
        #expect(onlyNulls == [["_id": 1, "a": .null]])
    }

    @Test func monthStepsAddCalendarMonths() throws {
        let jan31: Int64 = 1_612_051_200_000
        let result = try aggregate(
            [["_id": 1, "d": .datetime(jan31)], ["_id": 2, "d": .datetime(jan31 + 100 * 86_400_000)]],
            [["$densify": ["field": "d", "range": ["bounds": "full", "step": 1, "unit": "month"]]]])
        // Jan 31 + 1 month is Feb 28; the next step adds a month to that.
        let days: [Int64] = [0, 28, 56, 87, 100]
        #expect(result.map { $0["d"]! } == days.map { .datetime(jan31 + $0 * 86_400_000) })
    }

    static let errorCases: [StageErrorCase] = [
        StageErrorCase("$densify", "a", code: 9),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 0, "bounds": "full"]], code: 5_733_401),
        StageErrorCase("$densify", ["field": "a", "range": ["step": -1.5, "bounds": "full"]], code: 5_733_401),
        StageErrorCase("$densify", ["field": "a", "range": ["step": "x", "bounds": "full"]], code: 14),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": [1]]], code: 5_733_403),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": [2, 1]]], code: 5_733_402),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": [1, .datetime(0)]]], code: 5_733_406),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": [.datetime(0), 1]]], code: 5_733_402),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": ["a", "b"]]], code: 5_946_800),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": "nope"]], code: 5_946_802),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": 5]], code: 5_733_404),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": [1, 2], "unit": "day"]], code: 5_733_409),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": [.datetime(0), .datetime(1)]]], code: 5_733_410),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1.0, "bounds": [1, 5]]], code: 5_876_900),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1.5, "bounds": "full", "unit": "day"]], code: 6_586_400),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": "full", "unit": "eon"]], code: 9),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": "partition"]], code: 5_733_408),
        StageErrorCase(
            "$densify", ["field": "a", "partitionByFields": ["a.b"], "range": ["step": 1, "bounds": "full"]],
            code: 8_993_000),
        StageErrorCase(
            "$densify", ["field": "a.b", "partitionByFields": ["a"], "range": ["step": 1, "bounds": "full"]],
            code: 9_554_500),
        StageErrorCase("$densify", ["field": "$a", "range": ["step": 1, "bounds": "full"]], code: 16410),
        StageErrorCase("$densify", ["field": "a", "range": ["step": 1, "bounds": "full"], "other": 1], code: 40415),
        StageErrorCase("$densify", ["field": "a"], code: 40414),
        StageErrorCase("$densify", ["range": ["step": 1, "bounds": "full"]], code: 40414),
        StageErrorCase("$densify", ["field": 1, "range": ["step": 1, "bounds": "full"]], code: 14),
        // Run-time errors.
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": "full"]], code: 5_733_201, documents: [["a": "x"]]
        ),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": "full"]], code: 6_053_600,
            documents: [["a": .datetime(0)]]),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": "full", "unit": "hour"]], code: 6_053_600,
            documents: [["a": 1]]),
        StageErrorCase(
            "$densify", ["field": "a", "range": ["step": 1, "bounds": "full"]], code: 5_897_900,
            documents: [["a": 0], ["a": 600_000]]),
    ]

    @Test(arguments: errorCases) func errors(_ c: StageErrorCase) {
        #expect(c.thrownCode() == c.code)
    }
}
