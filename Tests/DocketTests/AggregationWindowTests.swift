import Testing

@testable import Docket

/// A stage specification and the error code running it over `documents` throws.
struct StageErrorCase: CustomTestStringConvertible, Sendable {
    var stage: String
    var spec: BSONValue
    var code: Int
    var documents: [BSONDocument] = []

    init(_ stage: String, _ spec: BSONValue, code: Int, documents: [BSONDocument] = []) {
        self.stage = stage
        self.spec = spec
        self.code = code
        self.documents = documents
    }

    var testDescription: String { "\(stage): \(spec) → \(code)" }

    /// The code the stage throws, or nil.
    func thrownCode() -> Int? {
        errorCode { _ = try aggregate(documents, [[stage: spec]]) }
    }
}

/// `$setWindowFields`: the MongoDB manual's examples, then missing fields, nulls, mixed numeric types, empty windows,
/// partitions and the error codes.
@Suite struct AggregationWindowTests {
    /// The manual's `cakeSales` collection.
    static let cakeSales: [BSONDocument] = [
        [
            "_id": 0, "type": "chocolate", "orderDate": .datetime(1_589_811_030_000), "state": "CA", "price": 13,
            "quantity": 120,
        ],
        [
            "_id": 1, "type": "chocolate", "orderDate": .datetime(1_616_239_805_000), "state": "WA", "price": 14,
            "quantity": 140,
        ],
        [
            "_id": 2, "type": "vanilla", "orderDate": .datetime(1_610_346_675_000), "state": "CA", "price": 12,
            "quantity": 145,
        ],
        [
            "_id": 3, "type": "vanilla", "orderDate": .datetime(1_581_167_603_000), "state": "WA", "price": 13,
            "quantity": 104,
        ],
        [
            "_id": 4, "type": "strawberry", "orderDate": .datetime(1_558_195_741_000), "state": "CA", "price": 41,
            "quantity": 162,
        ],
        [
            "_id": 5, "type": "strawberry", "orderDate": .datetime(1_546_927_923_000), "state": "WA", "price": 43,
            "quantity": 134,
        ],
    ]

    /// The `_id` and the output field `w` of each result, in output order.
    static func run(_ documents: [BSONDocument], _ stage: BSONDocument, field: String = "w") throws -> [[BSONValue]] {
        try aggregate(documents, [["$setWindowFields": .document(stage)]]).map {
            [$0["_id"] ?? .null, $0[field] ?? .null]
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var stage: BSONDocument
        /// `[_id, w]` of each result, in output order.
        var expected: [[BSONValue]]
        var testDescription: String { name }
    }

    static let manualCases: [Case] = [
        Case(
            name: "cumulative quantity per state",
            stage: [
                "partitionBy": "$state", "sortBy": ["orderDate": 1],
                "output": ["w": ["$sum": "$quantity", "window": ["documents": ["unbounded", "current"]]]],
            ],
            expected: [[4, 162], [0, 282], [2, 427], [5, 134], [3, 238], [1, 378]]),
        Case(
            name: "cumulative quantity per year",
            stage: [
                "partitionBy": ["$year": "$orderDate"], "sortBy": ["orderDate": 1],
                "output": ["w": ["$sum": "$quantity", "window": ["documents": ["unbounded", "current"]]]],
            ],
            expected: [[5, 134], [4, 296], [3, 104], [0, 224], [2, 145], [1, 285]]),
        Case(
            name: "moving average per year",
            stage: [
                "partitionBy": ["$year": "$orderDate"], "sortBy": ["orderDate": 1],
                "output": ["w": ["$avg": "$quantity", "window": ["documents": [-1, 0]]]],
            ],
            expected: [[5, 134.0], [4, 148.0], [3, 104.0], [0, 112.0], [2, 145.0], [1, 142.5]]),
        Case(
            name: "range window over price",
            stage: [
                "partitionBy": "$state", "sortBy": ["price": 1],
                "output": ["w": ["$sum": "$quantity", "window": ["range": [-10, 10]]]],
            ],
            expected: [[2, 265], [0, 265], [4, 162], [3, 244], [1, 244], [5, 134]]),
        Case(
            name: "whole-partition maximum",
            stage: ["partitionBy": "$state", "output": ["w": ["$max": "$quantity"]]],
            expected: [[0, 162], [2, 162], [4, 162], [1, 140], [3, 140], [5, 140]]),
        Case(
            name: "rank by quantity",
            stage: ["partitionBy": "$state", "sortBy": ["quantity": -1], "output": ["w": ["$rank": [:]]]],
            expected: [[4, 1], [2, 2], [0, 3], [1, 1], [5, 2], [3, 3]]),
        Case(
            name: "shift with a default",
            stage: [
                "partitionBy": "$state", "sortBy": ["quantity": -1],
                "output": ["w": ["$shift": ["output": "$quantity", "by": 1, "default": "Not available"]]],
            ],
            expected: [[4, 145], [2, 120], [0, "Not available"], [1, 134], [5, 104], [3, "Not available"]]),
        Case(
            name: "shift backwards without a default",
            stage: [
                "partitionBy": "$state", "sortBy": ["quantity": -1],
                "output": ["w": ["$shift": ["output": "$quantity", "by": -1]]],
            ],
            expected: [[4, .null], [2, 162], [0, 145], [1, .null], [5, 140], [3, 134]]),
        Case(
            name: "document number",
            stage: ["partitionBy": "$state", "sortBy": ["quantity": -1], "output": ["w": ["$documentNumber": [:]]]],
            expected: [[4, 1], [2, 2], [0, 3], [1, 1], [5, 2], [3, 3]]),
        Case(
            name: "population covariance of year and quantity",
            stage: [
                "partitionBy": "$state", "sortBy": ["orderDate": 1],
                "output": [
                    "w": [
                        "$covariancePop": [["$year": "$orderDate"], "$quantity"],
                        "window": ["documents": ["unbounded", "current"]],
                    ]
                ],
            ],
            expected: [[4, 0.0], [0, -10.5], [2, .double(-17.0 / 3)], [5, 0.0], [3, -7.5], [1, 2.0]]),
        Case(
            name: "population covariance over a sliding window",
            stage: [
                "partitionBy": "$state", "sortBy": ["orderDate": 1],
                "output": [
                    "w": ["$covariancePop": [["$year": "$orderDate"], "$quantity"], "window": ["documents": [-1, 0]]]
                ],
            ],
            expected: [[4, 0.0], [0, -10.5], [2, 6.25], [5, 0.0], [3, -7.5], [1, 9.0]]),
        Case(
            name: "sample covariance of year and quantity",
            stage: [
                "partitionBy": "$state", "sortBy": ["orderDate": 1],
                "output": [
                    "w": [
                        "$covarianceSamp": [["$year": "$orderDate"], "$quantity"],
                        "window": ["documents": ["unbounded", "current"]],
                    ]
                ],
            ],
            expected: [[4, .null], [0, -21.0], [2, -8.5], [5, .null], [3, -15.0], [1, 3.0]]),
        Case(
            name: "first and last of a sliding window",
            stage: [
                "partitionBy": "$state", "sortBy": ["orderDate": 1],
                "output": ["w": ["$push": "$_id", "window": ["documents": [-1, 1]]]],
            ],
            expected: [[4, [4, 0]], [0, [4, 0, 2]], [2, [0, 2]], [5, [5, 3]], [3, [5, 3, 1]], [1, [3, 1]]]),
        Case(
            name: "a month-based range window",
            stage: [
                "sortBy": ["orderDate": 1],
                "output": [
                    "w": ["$push": "$_id", "window": ["range": [-12, "current"], "unit": "month"]]
                ],
            ],
            expected: [[5, [5]], [4, [5, 4]], [3, [4, 3]], [0, [4, 3, 0]], [2, [3, 0, 2]], [1, [0, 2, 1]]]),
    ]

    @Test(arguments: manualCases) func manualExamples(_ c: Case) throws {
        let actual = try Self.run(Self.cakeSales, c.stage)
        #expect(actual.count == c.expected.count)
        for (a, e) in zip(actual, c.expected) {
            #expect(a[0] == e[0])
            #expect(Self.close(a[1], e[1]), "\(a) \(e)")
        }
    }

    /// Equal values of the same type; doubles within 1e-9 (the manual prints rounded doubles).
    static func close(_ a: BSONValue, _ b: BSONValue) -> Bool {
        if case .double(let x) = a, case .double(let y) = b { return abs(x - y) <= 1e-9 * Swift.max(1, abs(y)) }
        if case .array(let x) = a, case .array(let y) = b {
            return x.count == y.count && zip(x, y).allSatisfy { close($0, $1) }
        }
        return sameValue(a, b)
    }

    // MARK: Time series (the manual's `$expMovingAvg`, `$derivative` and `$integral` examples)

    static let stockPrices: [BSONDocument] = {
        let prices: [(String, [Double])] = [("ABC", [13, 15.4, 12, 11.7]), ("DEF", [82, 94.3, 112.6, 97.3])]
        var documents: [BSONDocument] = []
        for (stock, values) in prices {
            for (day, price) in values.enumerated() {
                documents.append([
                    "_id": .int32(Int32(documents.count)), "stock": .string(stock),
                    "date": .datetime(1_589_832_000_000 + Int64(day) * 86_400_000), "price": .double(price),
                ])
            }
        }
        return documents
    }()

    @Test func expMovingAverage() throws {
        let byN = try Self.run(
            Self.stockPrices,
            [
                "partitionBy": "$stock", "sortBy": ["date": 1],
                "output": ["w": ["$expMovingAvg": ["input": "$price", "N": 2]]],
            ])
        let expected: [Double] = [
            13, 14.6, 12.866666666666667, 12.088888888888889, 82, 90.2, 105.13333333333333, 99.91111111111111,
        ]
        #expect(byN.count == expected.count)
        for (a, e) in zip(byN, expected) { #expect(Self.close(a[1], .double(e)), "\(a) \(e)") }
        let byAlpha = try Self.run(
            Self.stockPrices,
            [
                "partitionBy": "$stock", "sortBy": ["date": 1],
                "output": ["w": ["$expMovingAvg": ["input": "$price", "alpha": 0.75]]],
            ])
        let expectedAlpha: [Double] = [13, 14.8, 12.7, 11.95, 82, 91.225, 107.25625, 99.7890625]
        for (a, e) in zip(byAlpha, expectedAlpha) { #expect(Self.close(a[1], .double(e)), "\(a) \(e)") }
        // Non-numbers leave the average as it was; a decimal input makes it a decimal.
        let mixed: [BSONDocument] = [
            ["_id": 0, "t": 1, "x": "n/a"], ["_id": 1, "t": 2, "x": 4], ["_id": 2, "t": 3],
            ["_id": 3, "t": 4, "x": .decimal128(Decimal128(8))],
        ]
        let result = try Self.run(
            mixed, ["sortBy": ["t": 1], "output": ["w": ["$expMovingAvg": ["input": "$x", "alpha": 0.5]]]])
        let expectedMixed: [BSONValue] = [.null, .double(4), .double(4), .decimal128(Decimal128(6))]
        #expect(result.count == 4)
        for (a, e) in zip(result, expectedMixed) { #expect(Self.close(a[1], e), "\(a) \(e)") }
    }

    static let fleet: [BSONDocument] = {
        let miles: [(String, [Double])] = [
            ("1", [1295.1, 1295.63, 1296.25, 1296.76]), ("2", [10234.1, 10234.33, 10234.73, 10235.13]),
        ]
        var documents: [BSONDocument] = []
        for (truck, values) in miles {
            for (step, value) in values.enumerated() {
                documents.append([
                    "_id": .int32(Int32(documents.count)), "truckID": .string(truck),
                    "timeStamp": .datetime(1_589_811_030_000 + Int64(step) * 30_000), "miles": .double(value),
                    "kilowatts": .double([2.95, 2.7, 2.6, 2.98][step]),
                ])
            }
        }
        return documents
    }()

    @Test func derivativeAndIntegral() throws {
        let speeds = try Self.run(
            Self.fleet,
            [
                "partitionBy": "$truckID", "sortBy": ["timeStamp": 1],
                "output": [
                    "w": [
                        "$derivative": ["input": "$miles", "unit": "hour"],
                        "window": ["range": [-30, 0], "unit": "second"],
                    ]
                ],
            ])
        let expectedSpeeds: [BSONValue] = [.null, 63.6, 74.4, 61.2, .null, 27.6, 48.0, 48.0]
        for (a, e) in zip(speeds, expectedSpeeds) {
            #expect(Self.close(a[1], e) || Self.near(a[1], e, 1e-6), "\(a) \(e)")
        }
        let energy = try Self.run(
            Self.fleet,
            [
                "partitionBy": "$truckID", "sortBy": ["timeStamp": 1],
                "output": [
                    "w": [
                        "$integral": ["input": "$kilowatts", "unit": "hour"],
                        "window": ["range": ["unbounded", "current"], "unit": "hour"],
                    ]
                ],
            ])
        let expectedEnergy: [Double] = [0, 0.023541666666666666, 0.045625, 0.068875]
        for (a, e) in zip(energy, expectedEnergy + expectedEnergy) {
            #expect(Self.near(a[1], .double(e), 1e-12), "\(a) \(e)")
        }
        // Without a unit: numbers, per unit of the sort field.
        let numeric: [BSONDocument] = [
            ["_id": 0, "t": 0, "y": 0], ["_id": 1, "t": 2, "y": 4], ["_id": 2, "t": 3, "y": 10],
        ]
        let slope = try Self.run(
            numeric,
            ["sortBy": ["t": 1], "output": ["w": ["$derivative": ["input": "$y"], "window": ["documents": [-1, 0]]]]])
        #expect(slope.map { $0[1] } == [.null, .double(2), .double(6)])
        let area = try Self.run(numeric, ["sortBy": ["t": 1], "output": ["w": ["$integral": ["input": "$y"]]]])
        #expect(area.map { $0[1] } == [.double(11), .double(11), .double(11)])
    }

    static func near(_ a: BSONValue, _ b: BSONValue, _ tolerance: Double) -> Bool {
        guard case .double(let x) = a, case .double(let y) = b else { return sameValue(a, b) }
        return abs(x - y) <= tolerance
    }

    // MARK: Missing fields, nulls, mixed types, empty windows

    static let mixed: [BSONDocument] = [
        ["_id": 0, "t": 1, "x": 1],
        ["_id": 1, "t": 2, "x": .int64(2)],
        ["_id": 2, "t": 3],
        ["_id": 3, "t": 4, "x": .null],
        ["_id": 4, "t": 5, "x": 2.5],
        ["_id": 5, "t": 6, "x": .decimal128(Decimal128(3))],
        ["_id": 6, "t": 7, "x": "text"],
    ]

    static let mixedCases: [Case] = [
        Case(
            name: "running sum widens int to long to double to decimal",
            stage: ["sortBy": ["t": 1], "output": ["w": ["$sum": "$x", "window": ["documents": ["unbounded", 0]]]]],
            expected: [
                [0, 1], [1, .int64(3)], [2, .int64(3)], [3, .int64(3)], [4, 5.5], [5, .decimal128(Decimal128(8.5))],
                [6, .decimal128(Decimal128(8.5))],
            ]),
        Case(
            name: "sliding average skips non-numbers, null for none",
            stage: ["sortBy": ["t": 1], "output": ["w": ["$avg": "$x", "window": ["documents": [0, 1]]]]],
            expected: [
                [0, 1.5], [1, 2.0], [2, .null], [3, 2.5], [4, .decimal128(Decimal128(2.75))],
                [5, .decimal128(Decimal128(3))], [6, .null],
            ]),
        Case(
            name: "empty windows past the partition",
            stage: ["sortBy": ["t": 1], "output": ["w": ["$count": [:], "window": ["documents": [5, 6]]]]],
            expected: [[0, 2], [1, 1], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0]]),
        Case(
            name: "push over an empty window is an empty array",
            stage: ["sortBy": ["t": 1], "output": ["w": ["$push": "$_id", "window": ["documents": [-2, -1]]]]],
            expected: [[0, []], [1, [0]], [2, [0, 1]], [3, [1, 2]], [4, [2, 3]], [5, [3, 4]], [6, [4, 5]]]),
        Case(
            name: "locf carries the last non-null value",
            stage: ["sortBy": ["t": -1], "output": ["w": ["$locf": "$x"]]],
            expected: [
                [6, "text"], [5, .decimal128(Decimal128(3))], [4, 2.5], [3, 2.5], [2, 2.5], [1, .int64(2)], [0, 1],
            ]),
        Case(
            name: "dense rank: missing and null tie, as their sort keys do",
            stage: ["sortBy": ["x": 1], "output": ["w": ["$denseRank": [:]]]],
            expected: [[2, 1], [3, 1], [0, 2], [1, 3], [4, 4], [5, 5], [6, 6]]),
        Case(
            name: "minN over the whole input skips null and missing",
            stage: ["output": ["w": ["$minN": ["input": "$x", "n": 2]]]],
            expected: [
                [0, [1, .int64(2)]], [1, [1, .int64(2)]], [2, [1, .int64(2)]], [3, [1, .int64(2)]],
                [4, [1, .int64(2)]], [5, [1, .int64(2)]], [6, [1, .int64(2)]],
            ]),
        Case(
            name: "range window from unbounded to the current value plus one",
            stage: [
                "sortBy": ["t": 1],
                "output": ["w": ["$addToSet": "$t", "window": ["range": ["unbounded", 1]]]],
            ],
            expected: [
                [0, [1, 2]], [1, [1, 2, 3]], [2, [1, 2, 3, 4]], [3, [1, 2, 3, 4, 5]], [4, [1, 2, 3, 4, 5, 6]],
                [5, [1, 2, 3, 4, 5, 6, 7]], [6, [1, 2, 3, 4, 5, 6, 7]],
            ]),
        Case(
            name: "range window from the next value to the end",
            stage: ["sortBy": ["t": 1], "output": ["w": ["$push": "$_id", "window": ["range": [1, "unbounded"]]]]],
            expected: [
                [0, [1, 2, 3, 4, 5, 6]], [1, [2, 3, 4, 5, 6]], [2, [3, 4, 5, 6]], [3, [4, 5, 6]], [4, [5, 6]],
                [5, [6]],
                [6, []],
            ]),
        Case(
            name: "sum from the current document to the end",
            stage: [
                "sortBy": ["t": 1],
                "output": ["w": ["$sum": "$x", "window": ["documents": ["current", "unbounded"]]]],
            ],
            expected: [
                [0, .decimal128(Decimal128(8.5))], [1, .decimal128(Decimal128(7.5))],
                [2, .decimal128(Decimal128(5.5))],
                [3, .decimal128(Decimal128(5.5))], [4, .decimal128(Decimal128(5.5))], [5, .decimal128(Decimal128(3))],
                [6, 0],
            ]),
        Case(
            name: "push from the current document to the end",
            stage: [
                "sortBy": ["t": 1],
                "output": ["w": ["$push": "$_id", "window": ["range": ["current", "unbounded"]]]],
            ],
            expected: [
                [0, [0, 1, 2, 3, 4, 5, 6]], [1, [1, 2, 3, 4, 5, 6]], [2, [2, 3, 4, 5, 6]], [3, [3, 4, 5, 6]],
                [4, [4, 5, 6]], [5, [5, 6]], [6, [6]],
            ]),
        Case(
            name: "maximum over a range from the current value to the end",
            stage: ["sortBy": ["t": 1], "output": ["w": ["$max": "$x", "window": ["range": [0, "unbounded"]]]]],
            expected: [
                [0, "text"], [1, "text"], [2, "text"], [3, "text"], [4, "text"], [5, "text"], [6, "text"],
            ]),
    ]

    @Test(arguments: mixedCases) func missingNullAndMixedNumbers(_ c: Case) throws {
        let actual = try Self.run(Self.mixed, c.stage)
        #expect(actual.count == c.expected.count)
        for (a, e) in zip(actual, c.expected) {
            #expect(a[0] == e[0])
            #expect(Self.close(a[1], e[1]), "\(a) \(e)")
        }
    }

    @Test func linearFillInterpolatesAlongTheSortField() throws {
        let documents: [BSONDocument] = [
            ["_id": 0, "t": 1, "y": 10], ["_id": 1, "t": 2], ["_id": 2, "t": 4, "y": .null],
            ["_id": 3, "t": 5, "y": 50], ["_id": 4, "t": 6], ["_id": 5, "t": 0],
        ]
        let filled = try Self.run(documents, ["sortBy": ["t": 1], "output": ["w": ["$linearFill": "$y"]]])
        #expect(filled.map { $0[1] } == [.null, 10, 20.0, 40.0, 50, .null])
        // Dates as the sort field.
        let dated: [BSONDocument] = [
            ["_id": 0, "d": .datetime(0), "y": 0], ["_id": 1, "d": .datetime(3_000)],
            ["_id": 2, "d": .datetime(4_000), "y": .int64(8)],
        ]
        let byDate = try Self.run(dated, ["sortBy": ["d": 1], "output": ["w": ["$linearFill": "$y"]]])
        #expect(byDate.map { $0[1] } == [0, 6.0, .int64(8)])
    }

    @Test func outputPathsPartitionsAndEmptyInput() throws {
        let documents: [BSONDocument] = [
            ["_id": 0, "g": "a", "v": 1, "sub": ["k": 1]], ["_id": 1, "g": .null, "v": 2], ["_id": 2, "v": 3],
            ["_id": 3, "g": "a", "v": 4, "sub": [["k": 2], 5]],
        ]
        let result = try aggregate(
            documents,
            [["$setWindowFields": ["partitionBy": "$g", "output": ["sub.total": ["$sum": "$v"]]]]])
        // null and missing are one partition, ordered before "a"; a dotted output goes into each array element.
        #expect(result.map { $0["_id"]! } == [1, 2, 0, 3])
        #expect(result[0]["sub"] == ["total": 5])
        #expect(result[2]["sub"] == ["k": 1, "total": 5])
        #expect(result[3]["sub"] == [["k": 2, "total": 5], ["total": 5]])
        #expect(
            try aggregate([], [["$setWindowFields": ["sortBy": ["a": 1], "output": ["w": ["$rank": [:]]]]]]).isEmpty)
        // No output fields: the documents pass sorted.
        let sorted = try aggregate(documents, [["$setWindowFields": ["sortBy": ["v": -1], "output": [:]]]])
        #expect(sorted.map { $0["_id"]! } == [3, 2, 1, 0])
    }

    // MARK: Errors

    static let errorCases: [StageErrorCase] = [
        StageErrorCase("$setWindowFields", "invalid", code: 9),
        StageErrorCase("$setWindowFields", ["sortBy": "invalid", "output": [:]], code: 14),
        StageErrorCase("$setWindowFields", ["output": "invalid"], code: 14),
        StageErrorCase("$setWindowFields", ["what_is_this": 1], code: 40415),
        StageErrorCase("$setWindowFields", ["sortBy": ["a": 1]], code: 40414),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$summ": 1]]], code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": ["window": ["documents": [0, 1]]]]], code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$sum": 1, "$max": 1]]], code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$sum": 1, "bad": 1]]], code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": 1]], code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["documents": [1, 0]]]]],
            code: 5_339_900),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["range": [2, -2]]]]],
            code: 5_339_900),
        StageErrorCase(
            "$setWindowFields", ["output": ["w": ["$sum": 1, "window": ["documents": [0, 1]]]]], code: 5_339_901),
        StageErrorCase(
            "$setWindowFields", ["output": ["w": ["$sum": 1, "window": ["range": [0, 1]]]]], code: 5_339_902),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1, "b": 1], "output": ["w": ["$sum": 1, "window": ["range": [0, 1]]]]],
            code: 5_339_902),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": -1], "output": ["w": ["$sum": 1, "window": ["range": [0, 1]]]]],
            code: 8_947_401),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["documents": [0.5, 1]]]]], code: 9),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["documents": ["now", 1]]]]], code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["documents": [0]]]]],
            code: 9),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["range": [0, 1], "unit": "eon"]]]],
            code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": "x"]]], code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$rank": [:]]]], code: 5_371_602),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1, "b": 1], "output": ["w": ["$denseRank": [:]]]], code: 5_371_602),
        StageErrorCase("$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$rank": 1]]], code: 5_371_603),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$rank": [:], "window": ["documents": [0, 1]]]]],
            code: 5_371_601),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$shift": ["output": "$a", "by": 1]]]], code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$shift": ["output": "$a", "by": 1.5]]]], code: 9),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$shift": ["output": "$a", "by": 1, "default": "$a"]]]],
            code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$expMovingAvg": ["input": "$a", "N": 2]]]], code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$expMovingAvg": ["input": "$a", "N": 0]]]],
            code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$expMovingAvg": ["input": "$a", "alpha": 1]]]],
            code: 9),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$derivative": ["input": "$a"]]]], code: 9),
        StageErrorCase(
            "$setWindowFields",
            [
                "output": ["w": ["$derivative": ["input": "$a"], "window": ["documents": ["unbounded", "unbounded"]]]]
            ], code: 9),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$integral": ["input": "$a", "unit": "month"]]]],
            code: 5_490_710),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$locf": "$a", "window": ["documents": [0, 1]]]]], code: 9),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$linearFill": "$a"]]], code: 9),
        // Run-time errors.
        StageErrorCase(
            "$setWindowFields", ["partitionBy": "$a", "output": [:]], code: 14, documents: [["a": [1, 2]]]),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["range": [0, 1]]]]],
            code: 5_429_414,
            documents: [["a": "x"]]),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["range": [0, 1]]]]],
            code: 5_429_413,
            documents: [["a": .datetime(0)]]),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["a": 1], "output": ["w": ["$sum": 1, "window": ["range": [0, 1], "unit": "day"]]]],
            code: 5_429_513, documents: [["a": 1]]),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$linearFill": "$b"]]], code: 6_050_106,
            documents: [["a": 1, "b": 1], ["a": 1]]),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$linearFill": "$b"]]], code: 14,
            documents: [["a": 1, "b": "x"]]),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$linearFill": "$b"]]], code: 14,
            documents: [["a": 1, "b": 1], ["a": .datetime(5)]]),
        StageErrorCase(
            "$setWindowFields",
            [
                "sortBy": ["a": 1],
                "output": [
                    "w": ["$derivative": ["input": "$b", "unit": "second"], "window": ["documents": [-1, 0]]]
                ],
            ], code: 5_624_900, documents: [["a": 1, "b": 1]]),
        StageErrorCase(
            "$setWindowFields",
            [
                "sortBy": ["a": 1],
                "output": ["w": ["$derivative": ["input": "$b"], "window": ["documents": [-1, 0]]]],
            ],
            code: 5_624_903, documents: [["a": 1]]),
        StageErrorCase(
            "$setWindowFields", ["sortBy": ["a": 1], "output": ["w": ["$integral": ["input": "$b"]]]], code: 5_423_900,
            documents: [["a": 1, "b": "x"]]),
    ]

    /// `n` of the N-form window functions is checked when the pipeline is parsed: an empty input (no window ever
    /// runs) fails alike.
    static let nCases: [StageErrorCase] = [
        StageErrorCase("$setWindowFields", ["output": ["w": ["$minN": ["input": "$x", "n": 0]]]], code: 5_787_908),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$maxN": ["input": "$x", "n": -1]]]], code: 5_787_908),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$firstN": ["input": "$x", "n": 1.5]]]], code: 5_787_903),
        StageErrorCase(
            "$setWindowFields", ["output": ["w": ["$lastN": ["input": "$x", "n": decimal("2.5")]]]], code: 5_787_903),
        StageErrorCase(
            "$setWindowFields",
            ["sortBy": ["x": 1], "output": ["w": ["$topN": ["output": "$x", "sortBy": ["x": 1], "n": 0]]]],
            code: 5_787_908),
        StageErrorCase(
            "$setWindowFields",
            ["output": ["w": ["$bottomN": ["output": "$x", "sortBy": ["x": 1], "n": ["$add": [0, -2]]]]]],
            code: 5_787_908),
        StageErrorCase(
            "$setWindowFields", ["output": ["w": ["$firstN": ["input": "$x", "n": "$k"]]]], code: 5_788_501),
        StageErrorCase(
            "$setWindowFields", ["output": ["w": ["$firstN": ["input": "$x", "n": "two"]]]], code: 5_788_501),
        StageErrorCase("$setWindowFields", ["output": ["w": ["$minN": ["input": "$x", "n": .null]]]], code: 5_788_501),
    ]

    @Test(arguments: nCases) func nIsCheckedWhenParsing(_ c: StageErrorCase) throws {
        #expect(c.thrownCode() == c.code)
        // The same error with documents that would have reached the window.
        var withDocuments = c
        withDocuments.documents = [["x": 1, "k": 2], ["x": 2, "k": 2]]
        #expect(withDocuments.thrownCode() == c.code)
    }

    @Test func constantNIsAccepted() throws {
        let rows = try aggregate(
            [["x": 3], ["x": 1], ["x": 2]],
            [["$setWindowFields": ["output": ["w": ["$minN": ["input": "$x", "n": ["$add": [1, 1]]]]]]]])
        #expect(rows.compactMap { $0["w"] } == Array(repeating: BSONValue.array([1, 2]), count: 3))
    }

    @Test(arguments: errorCases) func errors(_ c: StageErrorCase) {
        #expect(c.thrownCode() == c.code)
    }

    @Test func accumulatorErrorsNameTheStage() {
        do {
            _ = try aggregate([], [["$setWindowFields": ["output": ["w": ["$push": ["$a", "$b"]]]]]])
            Issue.record("expected an error")
        } catch let error as DocketError {
            #expect(error.code.code == 40237)
            #expect(error.stage == "$setWindowFields")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func memoryLimit() throws {
        let c = makeCollection()
        try c.insertMany(
            (0..<50).map { ["_id": .int32(Int32($0)), "pad": .string(String(repeating: "x", count: 100))] })
        var options = AggregateOptions(allowDiskUse: false)
        options.memoryLimitBytes = 1_000
        let unsorted: [BSONDocument] = [["$setWindowFields": ["output": ["n": ["$count": [:]]]]]]
        let sorted: [BSONDocument] = [["$setWindowFields": ["sortBy": ["_id": 1], "output": ["n": ["$count": [:]]]]]]
        #expect(errorCode { _ = try c.aggregate(unsorted, options: options).toArray() } == 5_414_201)
        #expect(errorCode { _ = try c.aggregate(sorted, options: options).toArray() } == 292)
        options.allowDiskUse = nil
        #expect(try c.aggregate(unsorted, options: options).toArray().count == 50)
    }
}
