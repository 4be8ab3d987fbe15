import Testing

@testable import Docket

/// Whether two values are equal and of the same types throughout (a decimal's exponent may differ).
func sameValue(_ a: BSONValue, _ b: BSONValue) -> Bool {
    switch (a, b) {
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { sameValue($0, $1) }
    case (.document(let x), .document(let y)):
        return x.keys == y.keys && zip(x.values, y.values).allSatisfy { sameValue($0, $1) }
    default: return a.type == b.type && BSONValue.compare(a, b) == 0
    }
}

@Suite struct AggregationGroupTests {
    /// Sales over three groups with missing fields, nulls, arrays and mixed numeric types.
    static let sales: [BSONDocument] = [
        ["_id": 1, "item": "a", "qty": 2, "price": 10.5, "tags": ["x"], "info": ["c": 1]],
        ["_id": 2, "item": "b", "qty": .int64(5), "price": 3, "tags": ["y", "x"]],
        ["_id": 3, "item": "a", "qty": .decimal128(Decimal128(4)), "price": .null, "info": ["d": 2]],
        ["_id": 4, "item": "c", "price": 7, "info": .null],
        ["_id": 5, "item": "a", "qty": "many", "price": 2, "info": ["c": 3]],
        ["_id": 6, "qty": 1],
    ]

    static func group(_ accumulators: BSONDocument, by key: BSONValue = "$item") throws -> [BSONValue: BSONDocument] {
        var spec: BSONDocument = ["_id": key]
        for (name, value) in accumulators { spec[name] = value }
        let result = try aggregate(sales, [["$group": .document(spec)]])
        var byKey: [BSONValue: BSONDocument] = [:]
        for document in result { byKey[document["_id"]!] = document }
        return byKey
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var accumulator: BSONDocument
        /// The expected value for groups a, b, c and null (missing item).
        var a: BSONValue
        var b: BSONValue
        var c: BSONValue
        var none: BSONValue
        var testDescription: String { "\(accumulator)" }
    }

    static let cases: [Case] = [
        // $sum: int32 + int64 widen, decimal is contagious, non-numbers ignored, nothing numeric sums to 0.
        Case(accumulator: ["$sum": "$qty"], a: .decimal128(Decimal128(6)), b: .int64(5), c: .int32(0), none: 1),
        Case(accumulator: ["$sum": 1], a: 3, b: 1, c: 1, none: 1),
        Case(accumulator: ["$sum": "$price"], a: 12.5, b: 3, c: 7, none: 0),
        Case(accumulator: ["$count": [:]], a: 3, b: 1, c: 1, none: 1),
        Case(accumulator: ["$avg": "$price"], a: 6.25, b: 3.0, c: 7.0, none: .null),
        Case(accumulator: ["$avg": "$qty"], a: .decimal128(Decimal128(3)), b: 5.0, c: .null, none: 1.0),
        // $min/$max skip null and missing; mixed types compare by type bracket (numbers before strings).
        Case(accumulator: ["$min": "$qty"], a: 2, b: .int64(5), c: .null, none: 1),
        Case(accumulator: ["$max": "$qty"], a: "many", b: .int64(5), c: .null, none: 1),
        Case(accumulator: ["$min": "$price"], a: 2, b: 3, c: 7, none: .null),
        // $first/$last see missing as null.
        Case(accumulator: ["$first": "$price"], a: 10.5, b: 3, c: 7, none: .null),
        Case(accumulator: ["$last": "$info"], a: ["c": 3], b: .null, c: .null, none: .null),
        // $push skips missing; $addToSet keeps one of equal values (1 and 1.0 are equal).
        Case(accumulator: ["$push": "$price"], a: [10.5, .null, 2], b: [3], c: [7], none: []),
        Case(accumulator: ["$push": "$tags"], a: [["x"]], b: [["y", "x"]], c: [], none: []),
        Case(accumulator: ["$addToSet": "$item"], a: ["a"], b: ["b"], c: ["c"], none: []),
        Case(accumulator: ["$mergeObjects": "$info"], a: ["c": 3, "d": 2], b: [:], c: [:], none: [:]),
        Case(accumulator: ["$stdDevPop": "$price"], a: 4.25, b: 0.0, c: 0.0, none: .null),
        Case(
            accumulator: ["$stdDevSamp": "$price"], a: .double((2 * 4.25 * 4.25).squareRoot()), b: .null, c: .null,
            none: .null),
        Case(accumulator: ["$top": ["sortBy": ["price": 1], "output": "$_id"]], a: 3, b: 2, c: 4, none: 6),
        Case(accumulator: ["$bottom": ["sortBy": ["price": 1], "output": "$_id"]], a: 1, b: 2, c: 4, none: 6),
        Case(
            accumulator: ["$topN": ["n": 2, "sortBy": ["price": -1], "output": "$price"]], a: [10.5, 2], b: [3], c: [7],
            none: [.null]),
        Case(
            accumulator: ["$bottomN": ["n": 2, "sortBy": ["_id": 1], "output": "$_id"]], a: [3, 5], b: [2], c: [4],
            none: [6]),
        Case(accumulator: ["$firstN": ["input": "$price", "n": 2]], a: [10.5, .null], b: [3], c: [7], none: [.null]),
        Case(accumulator: ["$lastN": ["input": "$_id", "n": 2]], a: [3, 5], b: [2], c: [4], none: [6]),
        Case(accumulator: ["$maxN": ["input": "$price", "n": 2]], a: [10.5, 2], b: [3], c: [7], none: []),
        Case(
            accumulator: ["$minN": ["input": "$qty", "n": 2]], a: [2, .decimal128(Decimal128(4))], b: [.int64(5)],
            c: [], none: [1]),
        Case(
            accumulator: ["$median": ["input": "$price", "method": "approximate"]], a: 2.0, b: 3.0, c: 7.0, none: .null),
        Case(
            accumulator: ["$percentile": ["input": "$price", "p": [0.5, 1], "method": "approximate"]], a: [2.0, 10.5],
            b: [3.0, 3.0], c: [7.0, 7.0], none: [.null, .null]),
        Case(
            accumulator: ["$percentile": ["input": "$_id", "p": [0.5], "method": "continuous"]], a: [3.0], b: [2.0],
            c: [4.0], none: [6.0]),
    ]

    @Test(arguments: cases) func accumulator(_ c: Case) throws {
        let groups = try Self.group(["v": .document(c.accumulator)])
        #expect(groups.count == 4)
        for (key, expected) in [("a", c.a), ("b", c.b), ("c", c.c)] as [(BSONValue, BSONValue)] {
            let actual = groups[key]?["v"]
            #expect(actual.map { sameValue($0, expected) } == true, "group \(key): \(String(describing: actual))")
        }
        let none = groups[.null]?["v"]
        #expect(none.map { sameValue($0, c.none) } == true, "group null: \(String(describing: none))")
    }

    @Test func groupKeysUseMongoDBEqualityAndFirstSeenOrder() throws {
        let docs: [BSONDocument] = [
            ["k": 1], ["k": 1.0], ["k": .int64(1)], ["k": "1"], [:], ["k": .null], ["k": ["a": 1]],
        ]
        let result = try aggregate(docs, [["$group": ["_id": "$k", "n": ["$sum": 1]]]])
        #expect(result.map { $0["_id"]! } == [1, "1", .null, ["a": 1]])
        #expect(result.map { $0["n"]! } == [3, 1, 2, 1])
        #expect(result[0]["_id"]!.isIdentical(to: .int32(1)))
        let compound = try aggregate(
            Self.sales, [["$group": ["_id": ["item": "$item", "even": ["$mod": ["$_id", 2]]], "n": ["$sum": 1]]]])
        #expect(compound.count == 4)
        #expect(try aggregate([], [["$group": ["_id": .null, "n": ["$sum": 1]]]]).isEmpty)
    }

    @Test func sortByCountGroupsAndSortsDescending() throws {
        let result = try aggregate(Self.sales, [["$sortByCount": "$item"]])
        #expect(result.first!.isIdentical(to: ["_id": "a", "count": 3]))
        #expect(result.count == 4)
        #expect(errorCode { _ = try aggregate([], [["$sortByCount": "item"]]) } == 40148)
        #expect(errorCode { _ = try aggregate([], [["$sortByCount": ["a": 1]]]) } == 40147)
        #expect(errorCode { _ = try aggregate([], [["$sortByCount": 1]]) } == 40149)
    }

    static let errors: [(BSONValue, Int)] = [
        (1, 15947), (["n": ["$sum": 1]], 15955), (["_id": 1, "a.b": ["$sum": 1]], 40235),
        (["_id": 1, "$a": ["$sum": 1]], 40236), (["_id": 1, "a": 1], 40234),
        (["_id": 1, "a": ["$sum": 1, "$avg": 1]], 40238),
        (["_id": 1, "a": ["$foo": 1]], 15952), (["_id": 1, "a": ["$sum": [1, 2]]], 40237),
        (["_id": 1, "a": ["$count": 1]], 14),
        // mongod's codes (accumulator_multi.cpp), including which missing field is reported first.
        (["_id": 1, "a": ["$firstN": ["input": "$x"]]], 5787906), (["_id": 1, "a": ["$firstN": ["n": 1]]], 5787907),
        (["_id": 1, "a": ["$firstN": [:]]], 5787906),
        (["_id": 1, "a": ["$top": ["output": "$x"]]], 5788005),
        (["_id": 1, "a": ["$top": ["sortBy": ["x": 1]]]], 5788004),
        (["_id": 1, "a": ["$top": ["output": "$x", "sortBy": [:]]]], 9657900),
        (["_id": 1, "a": ["$topN": ["output": "$x"]]], 5788003), (["_id": 1, "a": ["$topN": 1]], 5788001),
        (["_id": 1, "a": ["$top": ["output": "$x", "sortBy": ["x": 1], "n": 1]]], 5788002),
        (["_id": 1, "a": ["$firstN": 1]], 5787801), (["_id": 1, "a": ["$maxN": 1]], 5787900),
        (["_id": 1, "a": ["$firstN": ["input": 1, "n": 1, "x": 1]]], 5787901),
    ]

    @Test(arguments: 0..<errors.count) func parseErrors(_ index: Int) {
        let (spec, code) = Self.errors[index]
        #expect(errorCode { _ = try aggregate([], [["$group": spec]]) } == code, "\(spec)")
    }

    @Test func runtimeErrors() {
        #expect(
            errorCode { _ = try aggregate([["a": 1]], [["$group": ["_id": .null, "m": ["$mergeObjects": "$a"]]]]) }
                == 40400)
        #expect(
            errorCode {
                _ = try aggregate([["a": 1]], [["$group": ["_id": .null, "m": ["$firstN": ["input": "$a", "n": 0]]]]])
            } == 5787908)
        #expect(
            errorCode {
                _ = try aggregate(
                    [["a": 1]], [["$group": ["_id": .null, "m": ["$firstN": ["input": "$a", "n": 1.5]]]]])
            } == 5787903)
        #expect(
            errorCode {
                _ = try aggregate(
                    [["a": 1]], [["$group": ["_id": .null, "m": ["$firstN": ["input": "$a", "n": "2"]]]]])
            } == 5787902)
    }

    @Test func memoryLimitFailsWithoutDiskUse() throws {
        let docs = (0..<300).map {
            ["k": .int32(Int32($0)), "s": .string(String(repeating: "x", count: 50))] as BSONDocument
        }
        var options = AggregateOptions(allowDiskUse: false)
        options.memoryLimitBytes = 4_000
        let byKey: [BSONDocument] = [["$group": ["_id": "$k", "n": ["$sum": 1]]]]
        #expect(errorCode { _ = try aggregate(docs, byKey, options: options) } == 292)
        let pushAll: [BSONDocument] = [["$group": ["_id": .null, "all": ["$push": "$s"]]]]
        #expect(errorCode { _ = try aggregate(docs, pushAll, options: options) } == 292)
        // One group with a running sum stays small.
        #expect(
            try aggregate(docs, [["$group": ["_id": .null, "n": ["$sum": "$k"]]]], options: options) == [
                ["_id": .null, "n": 44850]
            ])
        options.allowDiskUse = true
        #expect(try aggregate(docs, byKey, options: options).count == 300)
    }
}
