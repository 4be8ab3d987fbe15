import Testing

@testable import Docket

/// A decimal128 BSON value from its exact text.
private func dec(_ text: String) -> BSONValue {
    .decimal128(try! Decimal128(parsing: text))
}

/// `$inc` and `$mul` with decimal128 fields and arguments, following MongoDB's SafeNum: a decimal operand makes
/// the result a decimal; int32/int64 convert exactly; a double converts to 15 significant digits; the argument
/// is the left operand; a result numerically equal to a decimal field is a no-op.
@Suite struct UpdateDecimalTests {
    static let cases: [UpdateCase] = [
        UpdateCase(
            name: "$inc int32 by decimal gives decimal", document: ["_id": 1, "a": 1],
            update: ["$inc": ["a": dec("0.1")]], expected: ["_id": 1, "a": dec("1.1")]),
        UpdateCase(
            name: "$inc double by decimal converts the double to 15 digits", document: ["_id": 1, "a": 0.5],
            update: ["$inc": ["a": dec("0.1")]], expected: ["_id": 1, "a": dec("0.600000000000000")]),
        UpdateCase(
            name: "$inc decimal by int32", document: ["_id": 1, "a": dec("1.5")], update: ["$inc": ["a": 1]],
            expected: ["_id": 1, "a": dec("2.5")]),
        UpdateCase(
            name: "$inc decimal by double", document: ["_id": 1, "a": dec("1.5")], update: ["$inc": ["a": 0.25]],
            expected: ["_id": 1, "a": dec("1.750000000000000")]),
        UpdateCase(
            name: "$inc int64 by a negative decimal gives decimal zero", document: ["_id": 1, "a": .int64(5)],
            update: ["$inc": ["a": dec("-5")]], expected: ["_id": 1, "a": dec("0")]),
        UpdateCase(
            name: "$inc int32 by decimal zero changes the type", document: ["_id": 1, "a": 2],
            update: ["$inc": ["a": dec("0")]], expected: ["_id": 1, "a": dec("2")]),
        UpdateCase(
            name: "$inc decimal by an equal-valued zero is a no-op and keeps the representation",
            document: ["_id": 1, "a": dec("1.0")], update: ["$inc": ["a": dec("0.00")]],
            expected: ["_id": 1, "a": dec("1.0")], modified: false),
        UpdateCase(
            name: "$inc -0 by 0 is a no-op (0 equals -0)", document: ["_id": 1, "a": dec("-0")],
            update: ["$inc": ["a": 0]], expected: ["_id": 1, "a": dec("-0")], modified: false),
        UpdateCase(
            name: "$inc NaN always counts as a change", document: ["_id": 1, "a": dec("NaN")],
            update: ["$inc": ["a": 1]], expected: ["_id": 1, "a": dec("NaN")]),
        UpdateCase(
            name: "$inc rounds to 34 digits", document: ["_id": 1, "a": dec("1234567890123456789012345678901234")],
            update: ["$inc": ["a": dec("0.5")]], expected: ["_id": 1, "a": dec("1234567890123456789012345678901234")],
            modified: false),
        UpdateCase(
            name: "$inc overflows to Infinity",
            document: ["_id": 1, "a": dec("9.999999999999999999999999999999999E+6144")],
            update: ["$inc": ["a": dec("9E+6144")]], expected: ["_id": 1, "a": dec("Infinity")]),
        UpdateCase(
            name: "$inc of a missing field sets the decimal argument", document: ["_id": 1],
            update: ["$inc": ["a.b": dec("0.10")]], expected: ["_id": 1, "a": ["b": dec("0.10")]]),
        UpdateCase(
            name: "$inc of every element promotes each to decimal", document: ["_id": 1, "a": [1, 2.5, dec("3")]],
            update: ["$inc": ["a.$[]": dec("0.5")]],
            expected: ["_id": 1, "a": [dec("1.5"), dec("3.00000000000000"), dec("3.5")]]),
        UpdateCase(
            name: "$mul int32 by decimal", document: ["_id": 1, "a": 3], update: ["$mul": ["a": dec("2.5")]],
            expected: ["_id": 1, "a": dec("7.5")]),
        UpdateCase(
            name: "$mul decimal by int32 keeps the exponent sum", document: ["_id": 1, "a": dec("19.90")],
            update: ["$mul": ["a": 3]], expected: ["_id": 1, "a": dec("59.70")]),
        UpdateCase(
            name: "$mul int64 by decimal does not overflow", document: ["_id": 1, "a": .int64(Int64.max)],
            update: ["$mul": ["a": dec("10")]], expected: ["_id": 1, "a": dec("92233720368547758070")]),
        UpdateCase(
            name: "$mul double by decimal", document: ["_id": 1, "a": 0.1], update: ["$mul": ["a": dec("3")]],
            expected: ["_id": 1, "a": dec("0.300000000000000")]),
        UpdateCase(
            name: "$mul decimal by 1 is a no-op", document: ["_id": 1, "a": dec("2.50")], update: ["$mul": ["a": 1]],
            expected: ["_id": 1, "a": dec("2.50")], modified: false),
        UpdateCase(
            name: "$mul decimal by 1.0 double is a no-op despite the longer exponent",
            document: ["_id": 1, "a": dec("2.50")], update: ["$mul": ["a": 1.0]],
            expected: ["_id": 1, "a": dec("2.50")], modified: false),
        UpdateCase(
            name: "$mul Infinity by zero gives NaN", document: ["_id": 1, "a": dec("Infinity")],
            update: ["$mul": ["a": 0]], expected: ["_id": 1, "a": dec("NaN")]),
        UpdateCase(
            name: "$mul of a missing field sets a decimal zero with the argument's sign and exponent",
            document: ["_id": 1], update: ["$mul": ["a": dec("-2.50")]], expected: ["_id": 1, "a": dec("-0.00")]),
    ]

    @Test(arguments: cases)
    func appliesDecimalArithmetic(_ c: UpdateCase) {
        switch runUpdate(c.document, c.update, arrayFilters: c.arrayFilters, arrayPosition: c.arrayPosition) {
        case .success(let (result, changed)):
            #expect(result == c.expected, "got \(result.extendedJSONString(mode: .canonical))")
            #expect(changed == c.modified)
        case .failure(let error):
            Issue.record("unexpected error \(error.code.code): \(error.message)")
        }
    }

    @Test func decimalOperandResultDependsOnArgumentNaNFirst() {
        // The argument is the left operand, so when both are NaN the argument's NaN (here with a payload) wins.
        let payloadNaN = BSONValue.decimal128(Decimal128(high: 0x7C00_0000_0000_0000, low: 9))
        let result = runUpdate(["_id": 1, "a": dec("-NaN")], ["$inc": ["a": payloadNaN]])
        #expect((try? result.get().0) == ["_id": 1, "a": payloadNaN])
    }

    @Test func collectionUpdateCountsDecimalChanges() throws {
        let c = makeCollection()
        try c.insertMany([["_id": 1, "price": dec("19.90")], ["_id": 2, "price": 5], ["_id": 3, "price": 2.5]])
        let result = try c.updateMany([:], ["$inc": ["price": dec("0.10")]])
        #expect(result == UpdateResult(matchedCount: 3, modifiedCount: 3))
        #expect(
            try c.find().toArray().map { $0["price"]! } == [
                dec("20.00"), dec("5.10"), dec("2.60000000000000"),
            ])
        let noChange = try c.updateMany(["_id": 1], ["$mul": ["price": dec("1.000")]])
        #expect(noChange == UpdateResult(matchedCount: 1, modifiedCount: 0))
        #expect(try c.findOne(["_id": 1])?["price"] == dec("20.00"))
        c.engine.checkInvariants()
    }
}
