import DocketBSON
import Testing

@Suite struct Decimal128DivisionTests {
    // Expected results were computed with Python's decimal module in the decimal128 context (prec=34,
    // Emin=-6143, Emax=6144, ROUND_HALF_EVEN, clamp=1), which follows the same IEEE 754 rules as Intel's library;
    // the one remainder Python cannot compute (its integer quotient needs more than 34 digits) is Intel's `fmod`.
    static let cases: [DecimalOperationCase] = [
        .init("1", .divide, "3", "0.3333333333333333333333333333333333", "divide"),
        .init("1", .divide, "4", "0.25", "divide"),
        .init("6.0", .divide, "2", "3.0", "divide"),
        .init("1.0", .divide, "4", "0.25", "divide"),
        .init("10", .divide, "4", "2.5", "divide"),
        .init("2", .divide, "3", "0.6666666666666666666666666666666667", "divide"),
        .init("-1", .divide, "3", "-0.3333333333333333333333333333333333", "divide"),
        .init("1", .divide, "-8", "-0.125", "divide"),
        .init("0", .divide, "5", "0", "divide"),
        .init("-0", .divide, "5", "-0", "divide"),
        .init("0.00", .divide, "1E+2", "0.0000", "divide"),
        .init("123456789012345678901234567890", .divide, "7", "17636684144620811271604938270", "divide"),
        .init("1E-6170", .divide, "3", "3.33333E-6171", "divide"),
        .init("9.999999999999999999999999999999999E+6144", .divide, "0.1", "Infinity", "divide"),
        .init("1", .divide, "1E+6144", "1E-6144", "divide"),
        .init("100", .divide, "10", "10", "divide"),
        .init("1E+2", .divide, "1", "1E+2", "divide"),
        .init("7", .divide, "7", "1", "divide"),
        .init("5", .divide, "2E-3", "2.5E+3", "divide"),
        .init("1", .divide, "0", "Infinity", "divide"),
        .init("-1", .divide, "0", "-Infinity", "divide"),
        .init("0", .divide, "0", "NaN", "divide"),
        .init("Infinity", .divide, "Infinity", "NaN", "divide"),
        .init("Infinity", .divide, "-2", "-Infinity", "divide"),
        .init("7.5", .remainder, "2", "1.5", "remainder"),
        .init("-7.5", .remainder, "2", "-1.5", "remainder"),
        .init("7", .remainder, "-3", "1", "remainder"),
        .init("10", .remainder, "0.3", "0.1", "remainder"),
        .init("1E+3", .remainder, "7", "6", "remainder"),
        .init("1", .remainder, "1E+40", "1", "remainder"),
        .init("5.00", .remainder, "3", "2.00", "remainder"),
        .init("1E+100", .remainder, "3", "1", "remainder"),
        .init("0.5", .remainder, "1E+2", "0.5", "remainder"),
        .init("1", .remainder, "0", "NaN", "remainder"),
        .init("Infinity", .remainder, "2", "NaN", "remainder"),
    ]

    @Test(arguments: cases)
    func computes(_ testCase: DecimalOperationCase) throws {
        let a = try Decimal128(parsing: testCase.lhs)
        let b = try Decimal128(parsing: testCase.rhs)
        let result = testCase.operation == .divide ? a.divided(by: b) : a.remainder(dividingBy: b)
        #expect(result.description == testCase.expected)
    }

    @Test(arguments: [
        ("2.567", -2, Decimal128.RoundingRule.toNearestOrEven, "2.57"),
        ("2.565", -2, .toNearestOrEven, "2.56"),
        ("2.575", -2, .toNearestOrEven, "2.58"),
        ("-2.5", 0, .down, "-3"),
        ("-2.5", 0, .up, "-2"),
        ("2.1", 0, .up, "3"),
        ("-2.9", 0, .towardZero, "-2"),
        ("1E+2", 0, .toNearestOrEven, "100"),
        ("1234", 2, .toNearestOrEven, "1.2E+3"),
        ("0.0004", -2, .up, "0.01"),
        ("-0.0004", -2, .up, "-0.00"),
        ("NaN", 0, .up, "NaN"),
    ])
    func rounds(_ text: String, _ exponent: Int, _ rule: Decimal128.RoundingRule, _ expected: String) throws {
        #expect(try Decimal128(parsing: text).rounded(toExponent: exponent, rule).description == expected)
    }
}
