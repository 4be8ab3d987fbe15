import Testing

@testable import Docket

/// `$fill`: the MongoDB manual's examples, partitions, nulls, mixed numeric types and the error codes.
@Suite struct AggregationFillTests {
    static let day: Int64 = 86_400_000
    static let feb2: Int64 = 1_643_760_000_000

    @Test func constantValues() throws {
        // The manual's `dailySales`.
        let sales: [BSONDocument] = [
            ["_id": 1, "date": .datetime(Self.feb2), "bootsSold": 10, "sandalsSold": 20, "sneakersSold": 12],
            ["_id": 2, "date": .datetime(Self.feb2 + Self.day), "bootsSold": 7, "sneakersSold": 18],
            ["_id": 3, "date": .datetime(Self.feb2 + 2 * Self.day), "sneakersSold": 5, "sandalsSold": .null],
        ]
        let result = try aggregate(
            sales,
            [
                [
                    "$fill": [
                        "output": [
                            "bootsSold": ["value": 0], "sandalsSold": ["value": 0], "sneakersSold": ["value": 0],
                        ]
                    ]
                ]
            ]
        )
        #expect(
            result == [
                sales[0],
                [
                    "_id": 2, "date": .datetime(Self.feb2 + Self.day), "bootsSold": 7, "sneakersSold": 18,
                    "sandalsSold": 0,
                ],
                [
                    "_id": 3, "date": .datetime(Self.feb2 + 2 * Self.day), "sneakersSold": 5, "sandalsSold": 0,
                    "bootsSold": 0,
                ],
            ])
        // The value is an expression of the document.
        let computed = try aggregate(
            [["_id": 1, "a": 2], ["_id": 2, "a": 3, "b": 1]],
            [["$fill": ["sortBy": ["a": -1], "output": ["b": ["value": ["$multiply": ["$a", 10]]]]]]])
        #expect(computed == [["_id": 1, "a": 2, "b": 20], ["_id": 2, "a": 3, "b": 1]])
    }

    @Test func lastObservationCarriedForwardPerPartition() throws {
        // After the manual's `restaurantReviews`, with two restaurants.
        let reviews: [BSONDocument] = [
            ["_id": 1, "r": "x", "date": .datetime(Self.feb2), "score": 5],
            ["_id": 2, "r": "x", "date": .datetime(Self.feb2 + Self.day)],
            ["_id": 3, "r": "y", "date": .datetime(Self.feb2 + Self.day)],
            ["_id": 4, "r": "x", "date": .datetime(Self.feb2 + 2 * Self.day), "score": .null],
            ["_id": 5, "r": "y", "date": .datetime(Self.feb2 + 3 * Self.day), "score": .decimal128(Decimal128(9))],
            ["_id": 6, "r": "x", "date": .datetime(Self.feb2 + 4 * Self.day), "score": .int64(8)],
            ["_id": 7, "r": "y", "date": .datetime(Self.feb2 + 5 * Self.day)],
        ]
        for partition: BSONDocument in [["partitionBy": "$r"], ["partitionByFields": ["r"]]] {
            var spec: BSONDocument = ["sortBy": ["date": 1], "output": ["score": ["method": "locf"]]]
            for (key, value) in partition { spec[key] = value }
            let result = try aggregate(reviews, [["$fill": .document(spec)]])
            #expect(result.map { $0["_id"]! } == [1, 2, 4, 6, 3, 5, 7])
            #expect(
                result.map { $0["score"]! } == [
                    5, 5, 5, .int64(8), .null, .decimal128(Decimal128(9)), .decimal128(Decimal128(9)),
                ])
        }
    }

    @Test func linearInterpolation() throws {
        let minute: Int64 = 60_000
        let stock: [BSONDocument] = [
            ["_id": 1, "time": .datetime(0), "price": 500], ["_id": 2, "time": .datetime(minute), "price": 550],
            ["_id": 3, "time": .datetime(2 * minute)], ["_id": 4, "time": .datetime(3 * minute), "price": .null],
            ["_id": 5, "time": .datetime(4 * minute), "price": 640], ["_id": 6, "time": .datetime(5 * minute)],
        ]
        let result = try aggregate(
            stock, [["$fill": ["sortBy": ["time": 1], "output": ["price": ["method": "linear"]]]]])
        #expect(result.map { $0["price"]! } == [500, 550, 580.0, 610.0, 640, .null])
        // A method and a value together in one `$fill`: the value fills what the method leaves null.
        let both = try aggregate(
            stock,
            [
                [
                    "$fill": [
                        "sortBy": ["time": 1],
                        "output": ["price": ["method": "linear"], "volume": ["value": .int64(0)]],
                    ]
                ]
            ])
        #expect(both.map { $0["volume"]! } == Array(repeating: .int64(0), count: 6))
        #expect(both.last?["price"] == .null)
    }

    static let errorCases: [StageErrorCase] = [
        StageErrorCase("$fill", "x", code: 9),
        StageErrorCase("$fill", ["output": [:]], code: 6_050_203),
        StageErrorCase("$fill", ["sortBy": ["a": 1]], code: 40414),
        StageErrorCase("$fill", ["output": ["a": 1]], code: 6_050_200),
        StageErrorCase("$fill", ["output": ["a": ["value": 1, "method": "locf"]]], code: 6_050_201),
        StageErrorCase("$fill", ["output": ["a": ["method": "spline"]]], code: 6_050_202),
        StageErrorCase("$fill", ["output": ["a": ["other": 1]]], code: 40415),
        StageErrorCase("$fill", ["output": ["a": ["value": 1]], "bogus": 1], code: 40415),
        StageErrorCase(
            "$fill", ["output": ["a": ["value": 1]], "partitionBy": "$b", "partitionByFields": ["b"]], code: 6_050_204),
        StageErrorCase("$fill", ["output": ["a": ["value": 1]], "sortBy": 1], code: 14),
        StageErrorCase("$fill", ["output": ["a": ["value": 1]], "partitionBy": 1], code: 14),
        StageErrorCase("$fill", ["output": ["a": ["method": "linear"]]], code: 9),
        StageErrorCase("$fill", ["output": ["a": ["method": "linear"]], "sortBy": ["t": 1, "u": 1]], code: 9),
        StageErrorCase(
            "$fill", ["output": ["a": ["method": "linear"]], "sortBy": ["t": 1]], code: 14,
            documents: [["t": 1, "a": "text"]]),
    ]

    @Test(arguments: errorCases) func errors(_ c: StageErrorCase) {
        #expect(c.thrownCode() == c.code)
    }
}
