import DocketBSON
import DocketTestSupport
import Testing

/// One arithmetic case: `lhs op rhs == expected`, all written as Decimal128 strings (exact, so the expected
/// string fixes the coefficient and exponent, not just the value).
struct DecimalOperationCase: Sendable, CustomTestStringConvertible {
    enum Operation: String, Sendable {
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"
    }

    var lhs: String
    var operation: Operation
    var rhs: String
    var expected: String
    var note: String

    init(_ lhs: String, _ operation: Operation, _ rhs: String, _ expected: String, _ note: String) {
        self.lhs = lhs
        self.operation = operation
        self.rhs = rhs
        self.expected = expected
        self.note = note
    }

    var testDescription: String { "\(lhs) \(operation.rawValue) \(rhs) = \(expected) (\(note))" }
}

/// Applies an operation by name.
private func apply(_ operation: DecimalOperationCase.Operation, _ a: Decimal128, _ b: Decimal128) -> Decimal128 {
    switch operation {
    case .add: a + b
    case .subtract: a - b
    case .multiply: a * b
    case .divide: a.divided(by: b)
    case .remainder: a.remainder(dividingBy: b)
    }
}

/// A Decimal128 from its text, which the tests write exactly.
private func decimal(_ text: String) throws -> Decimal128 {
    try Decimal128(parsing: text)
}

/// The sign, coefficient and exponent, for readable failures.
private func describe(_ value: Decimal128) -> String {
    "\(value) [high: 0x\(String(value.high, radix: 16)), low: 0x\(String(value.low, radix: 16))]"
}

@Suite struct Decimal128ArithmeticTests {
    // Expected results were computed with Python's decimal module in the decimal128 context
    // (prec=34, Emin=-6143, Emax=6144, ROUND_HALF_EVEN, clamp=1, no traps).
    static let cases: [DecimalOperationCase] = [
        .init("0.1", .add, "0.2", "0.3", "exact"),
        .init("1.10", .add, "2", "3.10", "ideal exponent is the smaller one"),
        .init("1E+2", .add, "1", "101", "larger exponent scales down"),
        .init("-0", .add, "0", "0", "opposite-sign zeros give +0"),
        .init("-0", .add, "-0", "-0", "two negative zeros stay negative"),
        .init("0E+5", .add, "-0E-3", "0.000", "zero sum keeps the smaller exponent"),
        .init("0E-50", .add, "5", "5.000000000000000000000000000000000", "exponent as close to the ideal as fits"),
        .init("1", .add, "-1", "0", "cancellation is +0"),
        .init("1.0", .add, "-1.00", "0.00", "cancellation keeps the smaller exponent"),
        .init("-7.50", .add, "7.5", "0.00", "negative first operand still gives +0"),
        .init(
            "9999999999999999999999999999999999", .add, "1", "1.000000000000000000000000000000000E+34",
            "carry into a 35th digit"),
        .init(
            "9999999999999999999999999999999999", .add, "0.5", "1.000000000000000000000000000000000E+34",
            "tie rounds an odd coefficient up"),
        .init(
            "1234567890123456789012345678901234", .add, "0.5", "1234567890123456789012345678901234",
            "tie keeps an even coefficient"),
        .init(
            "1234567890123456789012345678901235", .add, "0.5", "1234567890123456789012345678901236",
            "tie rounds an odd coefficient up"),
        .init(
            "1234567890123456789012345678901234", .add, "0.50000000000000000001", "1234567890123456789012345678901235",
            "just above a tie rounds up"),
        .init(
            "9.999999999999999999999999999999999E+6144", .add, "9.999999999999999999999999999999999E+6144",
            "Infinity", "overflow"),
        .init(
            "-9.999999999999999999999999999999999E+6144", .add, "-1E+6111", "-Infinity",
            "rounding carry overflows"),
        .init("1E-6176", .add, "-1E-6176", "0E-6176", "smallest exponent"),
        .init(
            "1E+6111", .add, "1E-6176", "1.000000000000000000000000000000000E+6111",
            "far smaller operand is only a sticky digit"),
        .init(
            "1E+6111", .add, "-1E-6176", "1.000000000000000000000000000000000E+6111",
            "far smaller negative operand rounds back up"),
        .init(
            "1.000000000000000000000000000000000", .add, "-1E-34", "0.9999999999999999999999999999999999",
            "borrow loses a digit, exact"),
        .init(
            "1.000000000000000000000000000000000", .add, "-5E-35", "1.000000000000000000000000000000000",
            "tie after a borrow rounds to even"),
        .init(
            "1.000000000000000000000000000000000", .add, "-5.1E-35", "0.9999999999999999999999999999999999",
            "just past a tie after a borrow"),
        .init(
            "1.000000000000000000000000000000000", .add, "-5.001E-35", "0.9999999999999999999999999999999999",
            "sticky borrow: just below a tie after the borrow"),
        .init(
            "1.000000000000000000000000000000000", .add, "-4.991E-35", "1.000000000000000000000000000000000",
            "sticky borrow: just above a tie after the borrow"),
        .init(
            "100", .add, "-0.0000000000000000000000000000000000000001", "100.0000000000000000000000000000000",
            "sticky subtraction rounds up to the larger operand"),
        .init(
            "12345678901234567890123456789012.34", .add, "1E-40", "12345678901234567890123456789012.34",
            "tiny addend vanishes"),
        .init("Infinity", .add, "1E+6111", "Infinity", "infinity absorbs finite values"),
        .init("Infinity", .add, "-Infinity", "NaN", "opposite infinities are invalid"),
        .init("-Infinity", .add, "-Infinity", "-Infinity", "same infinities"),
        .init("0", .subtract, "0", "0", "0 - 0"),
        .init("-0", .subtract, "0", "-0", "-0 - 0 is -0"),
        .init("0", .subtract, "-0", "0", "0 - -0"),
        .init("1.00", .subtract, "0.5", "0.50", "subtraction keeps the smaller exponent"),
        .init("-3", .subtract, "-3", "0", "x - x is +0"),
        .init("Infinity", .subtract, "Infinity", "NaN", "infinity minus infinity"),
        .init("1.5", .multiply, "2.0", "3.00", "exponents add"),
        .init("19.90", .multiply, "3", "59.70", "price times quantity"),
        .init("3", .multiply, "-0.25", "-0.75", "signs multiply"),
        .init("0.1", .multiply, "0.1", "0.01", "exact small product"),
        .init("-2", .multiply, "0", "-0", "zero takes the product sign"),
        .init("0E+6000", .multiply, "0E+6000", "0E+6111", "zero exponent clamps at the top"),
        .init("0E-6000", .multiply, "-0E-6000", "-0E-6176", "zero exponent clamps at the bottom"),
        .init("1E+6100", .multiply, "1E+20", "1.000000000E+6120", "exponent clamped by appending zeros"),
        .init("1E+6100", .multiply, "1E+50", "Infinity", "overflow"),
        .init(
            "9.999999999999999999999999999999999E+6144", .multiply, "1.1", "Infinity",
            "overflow after rounding"),
        .init("1E-6100", .multiply, "1E-100", "0E-6176", "underflow to zero"),
        .init("5E-6100", .multiply, "1E-77", "0E-6176", "half the smallest subnormal ties to zero"),
        .init("1.5E-6100", .multiply, "1E-76", "2E-6176", "subnormal tie rounds to even (up)"),
        .init("2.5E-6100", .multiply, "1E-76", "2E-6176", "subnormal tie rounds to even (down)"),
        .init("1E-6176", .multiply, "0.5", "0E-6176", "smallest value halved ties to zero"),
        .init("1E-6176", .multiply, "0.51", "1E-6176", "just above half rounds up"),
        .init("3E-6176", .multiply, "0.5", "2E-6176", "subnormal 1.5 ties to 2"),
        .init(
            "9999999999999999999999999999999999", .multiply, "9999999999999999999999999999999999",
            "9.999999999999999999999999999999998E+67", "68-digit product"),
        .init(
            "1234567890123456789", .multiply, "9876543210987654321", "1.219326311370217952237463801111264E+37",
            "38-digit product rounds"),
        .init("-Infinity", .multiply, "-2", "Infinity", "infinity times a finite value"),
        .init("Infinity", .multiply, "0", "NaN", "infinity times zero is invalid"),
    ]

    @Test(arguments: cases)
    func computesIEEEResult(_ c: DecimalOperationCase) throws {
        let result = apply(c.operation, try decimal(c.lhs), try decimal(c.rhs))
        let expected = try decimal(c.expected)
        #expect(result == expected, "got \(describe(result)), expected \(describe(expected))")
    }

    /// Every line of the Python-generated vectors (see `Tests/Scripts/decimal128_vectors.py`).
    @Test func matchesPythonDecimalVectors() throws {
        var counts: [Substring: Int] = [:]
        var failures: [String] = []
        for line in decimal128ArithmeticVectors.split(separator: "\n") {
            let fields = line.split(separator: " ")
            try #require(fields.count == (fields.first == "f15" ? 3 : 4), "malformed vector: \(line)")
            let expected = try decimal(String(fields[fields.count - 1]))
            let result: Decimal128
            switch fields[0] {
            case "add": result = try decimal(String(fields[1])) + decimal(String(fields[2]))
            case "sub": result = try decimal(String(fields[1])) - decimal(String(fields[2]))
            case "mul": result = try decimal(String(fields[1])) * decimal(String(fields[2]))
            case "f15":
                let double = try #require(Double(String(fields[1])), "not a double: \(line)")
                result = Decimal128(double, precision: .digits15)
            default:
                Issue.record("unknown operation in \(line)")
                continue
            }
            counts[fields[0], default: 0] += 1
            if result != expected { failures.append("\(line): got \(describe(result))") }
        }
        #expect(failures.isEmpty, "\(failures.count) mismatches, first: \(failures.prefix(10))")
        #expect(counts == ["add": 1000, "sub": 200, "mul": 1000, "f15": 652])
    }

    // MARK: NaN and special values

    @Test func nanOperandPropagatesQuietWithSignAndPayload() {
        let payloadNaN = Decimal128(high: 0xFC00_0000_0000_0000, low: 42)  // -NaN, payload 42
        let signalling = Decimal128(high: 0x7E00_0000_0000_0000, low: 7)  // sNaN, payload 7
        let one = Decimal128(1)
        for result in [payloadNaN + one, one + payloadNaN, payloadNaN * one, one * payloadNaN, one - payloadNaN] {
            #expect(result == payloadNaN, "got \(describe(result))")
        }
        // A signalling NaN comes back quiet, payload kept.
        #expect(signalling + one == Decimal128(high: 0x7C00_0000_0000_0000, low: 7))
        #expect(one * signalling == Decimal128(high: 0x7C00_0000_0000_0000, low: 7))
        // With two NaNs the first operand wins.
        #expect(payloadNaN + signalling == payloadNaN)
        #expect(signalling * payloadNaN == Decimal128(high: 0x7C00_0000_0000_0000, low: 7))
        // A non-canonical payload (>= 10^33) becomes zero.
        let hugePayload = Decimal128(high: 0x7C00_314D_C644_8D93, low: 0x38C1_5B0A_0000_0000)
        #expect(hugePayload + one == .nan)
        // NaN plus infinity is the NaN.
        #expect((Decimal128.infinity + .nan).isNaN)
        #expect((Decimal128.nan * .negativeInfinity).isNaN)
    }

    @Test func invalidOperationsGiveTheDefaultNaN() {
        #expect(Decimal128.infinity + .negativeInfinity == .nan)
        #expect(Decimal128.infinity - .infinity == .nan)
        #expect(Decimal128.negativeInfinity * .zero == .nan)
        #expect(Decimal128.zero * .infinity == .nan)
        // A non-canonical coefficient (above 10^34 - 1) reads as zero, so infinity times it is invalid too.
        let nonCanonical = Decimal128(high: 0x3041_ED09_BEAD_87C0, low: 0x378D_8E64_0000_0000)
        #expect(nonCanonical.isZero)
        #expect(Decimal128.infinity * nonCanonical == .nan)
        #expect(nonCanonical + Decimal128(5) == Decimal128(5))
    }

    @Test func negationFlipsOnlyTheSign() throws {
        #expect(-Decimal128(5) == Decimal128(-5))
        #expect((-Decimal128.zero).isSignMinus)
        #expect(-Decimal128.infinity == .negativeInfinity)
        #expect((-Decimal128.nan).isNaN && (-Decimal128.nan).isSignMinus)
        // Subtracting a NaN keeps its sign (bid128_sub negates only non-NaN operands).
        #expect(!(Decimal128(1) - .nan).isSignMinus)
    }

    @Test func compoundAssignmentOperators() throws {
        var total = Decimal128.zero
        total += try decimal("0.10")
        total += try decimal("0.20")
        #expect(total == (try decimal("0.30")))
        total -= try decimal("0.05")
        #expect(total == (try decimal("0.25")))
        total *= Decimal128(4)
        #expect(total == (try decimal("1.00")))
    }

    // MARK: Conversion from Double with 15 digits

    @Test(arguments: [
        (0.1, "0.100000000000000"),
        (1.0, "1.00000000000000"),
        (0.5, "0.500000000000000"),
        (-2.5, "-2.50000000000000"),
        (123.456, "123.456000000000"),
        (1e20, "1.00000000000000E+20"),
        (1.0 / 3.0, "0.333333333333333"),
        (9_007_199_254_740_993.0, "9.00719925474099E+15"),
        (Double.leastNonzeroMagnitude, "4.94065645841247E-324"),
        (1.7976931348623157e308, "1.79769313486232E+308"),
        // Near powers of ten MongoDB's exponent estimate can be one too large, and it keeps that result.
        (9.99999999999997e-310, "1.00000000000000E-309"),
    ])
    func doubleConvertsToFifteenDigits(_ value: Double, _ expected: String) throws {
        #expect(Decimal128(value, precision: .digits15) == (try decimal(expected)))
    }

    @Test func doubleSpecialValuesConvertAsWithThirtyFourDigits() {
        #expect(Decimal128(0.0, precision: .digits15) == .zero)
        #expect(Decimal128(-0.0, precision: .digits15) == Decimal128(-0.0))
        #expect(Decimal128(Double.infinity, precision: .digits15) == .infinity)
        #expect(Decimal128(-Double.infinity, precision: .digits15) == .negativeInfinity)
        #expect(Decimal128(Double.nan, precision: .digits15).isNaN)
        #expect(Decimal128(0.1, precision: .digits34) == Decimal128(0.1))
    }

    // MARK: Laws over random operands

    /// A random finite value: any sign, 1-34 digits, exponents across the whole range or near the edges.
    private static func randomDecimal(_ random: inout SeededRandom) -> Decimal128 {
        let digits = Int.random(in: 1...34, using: &random)
        var coefficient: UInt128 = 0
        for _ in 0..<digits { coefficient = coefficient * 10 + UInt128(UInt64.random(in: 0...9, using: &random)) }
        let exponent: Int
        switch UInt64.random(in: 0..<4, using: &random) {
        case 0: exponent = Int.random(in: -6176...6111, using: &random)
        case 1: exponent = Int.random(in: 6070...6111, using: &random)
        case 2: exponent = Int.random(in: -6176 ... -6130, using: &random)
        default: exponent = Int.random(in: -40...10, using: &random)
        }
        let sign = Bool.random(using: &random) ? "-" : ""
        // The text form is exact, so parsing builds the value without rounding.
        return try! Decimal128(parsing: "\(sign)\(coefficient)E\(exponent)")
    }

    @Test func additionAndMultiplicationLaws() {
        var random = SeededRandom(seed: 0xDEC1_28AD)
        for iteration in 0..<5_000 {
            let a = Self.randomDecimal(&random)
            let b = Self.randomDecimal(&random)
            let context = "\(random) iteration \(iteration): a = \(describe(a)), b = \(describe(b))"
            #expect(a + b == b + a, "addition commutes: \(context)")
            #expect(a * b == b * a, "multiplication commutes: \(context)")
            #expect(a - b == a + (-b), "subtraction adds the negation: \(context)")
            #expect((a - a).isZero && !(a - a).isSignMinus, "x - x is +0: \(context)")
            #expect(a * Decimal128(1) == a, "1 is the multiplicative identity: \(context)")
            #expect(-(a * b) == (-a) * b, "negation moves through a product: \(context)")
            if !a.isZero {
                // Adding a zero with a larger exponent never changes a nonzero value's representation.
                #expect(a + Decimal128(high: 0x5FFE_0000_0000_0000, low: 0) == a, "x + 0E+6111 is x: \(context)")
            }
            // The sum is close to the double sum whenever both operands are well inside Double's range.
            let (x, y) = (a.doubleValue, b.doubleValue)
            if [x, y].allSatisfy({ abs($0) > 1e-300 && abs($0) < 1e300 }) {
                let error = abs((a + b).doubleValue - (x + y))
                #expect(error <= (abs(x) + abs(y)) * 1e-15, "sum near its double: \(context)")
            }
        }
    }
}
