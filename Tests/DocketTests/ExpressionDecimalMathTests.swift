import DocketBSON
import DocketTestSupport
import Foundation
import Testing

@testable import Docket

/// `$sqrt`, `$exp`, `$ln`, `$log10`, `$log` and `$pow` of decimals are computed in decimal: 34 significant digits,
/// rounded half to even, with the exponents MongoDB gives exact results. The expected values are Python's `decimal`
/// module in the Decimal128 context (precision 34, exponents -6176…6111, clamped), correctly rounded; `$log` with
/// other bases is ln(x)/ln(b) at 120 digits rounded once; `$pow` results are padded to 34 digits as mongod's are.
@Suite struct ExpressionDecimalMathTests {
    static let known: [(op: String, arguments: [String], expected: String)] = [
        ("$sqrt", ["2"], "1.414213562373095048801688724209698"),
        ("$sqrt", ["4"], "2"),
        ("$sqrt", ["4.00"], "2.0"),
        ("$sqrt", ["0.25"], "0.5"),
        ("$sqrt", ["0.1"], "0.3162277660168379331998893544432719"),
        ("$sqrt", ["1E+1001"], "3.162277660168379331998893544432719E+500"),
        ("$sqrt", ["2E-3001"], "4.472135954999579392818347337462552E-1501"),
        ("$sqrt", ["12345678901234567890.123"], "3513641828.820144253111157379483579"),
        ("$sqrt", ["0"], "0"),
        ("$sqrt", ["-0"], "-0"),
        ("$sqrt", ["0E-7"], "0.0000"),
        ("$sqrt", ["1E-6176"], "1E-3088"),
        ("$sqrt", ["9999999999999999999999999999999999E+6111"], "3.162277660168379331998893544432718E+3072"),
        ("$sqrt", ["3"], "1.732050807568877293527446341505872"),
        ("$exp", ["1"], "2.718281828459045235360287471352662"),
        ("$exp", ["-1"], "0.3678794411714423215955237701614609"),
        ("$exp", ["0"], "1"),
        ("$exp", ["10"], "22026.46579480671651695790064528424"),
        ("$exp", ["0.5"], "1.648721270700128146848650787814164"),
        ("$exp", ["100"], "2.688117141816135448412625551580014E+43"),
        ("$exp", ["-100"], "3.720075976020835962959695803863118E-44"),
        ("$exp", ["14000"], "1.326620321137711275937776890335631E+6080"),
        ("$exp", ["1E-40"], "1.000000000000000000000000000000000"),
        ("$exp", ["23.456"], "15374866997.00076817630279176725673"),
        ("$exp", ["14150"], "Infinity"),
        ("$exp", ["-14200"], "1.043174528E-6167"),
        ("$exp", ["-0.000001"], "0.9999990000004999998333333749999917"),
        ("$ln", ["2"], "0.6931471805599453094172321214581766"),
        ("$ln", ["10"], "2.302585092994045684017991454684364"),
        ("$ln", ["0.5"], "-0.6931471805599453094172321214581766"),
        ("$ln", ["1"], "0"),
        ("$ln", ["1E+6144"], "14147.08281135541668260653949758073"),
        ("$ln", ["1E-6176"], "-14220.76553433122614449511522413063"),
        ("$ln", ["0.9999999999999999999999999999999999"], "-1.000000000000000000000000000000000E-34"),
        ("$ln", ["1.000000000000000000000000000000001"], "9.999999999999999999999999999999995E-34"),
        ("$ln", ["123.456"], "4.815884817283263883109232105166526"),
        ("$ln", ["1.00"], "0"),
        ("$log10", ["2"], "0.3010299956639811952137388947244930"),
        ("$log10", ["1000"], "3"),
        ("$log10", ["1E-5"], "-5"),
        ("$log10", ["0.001"], "-3"),
        ("$log10", ["3.16227766"], "0.4999999999768754604705621401502809"),
        ("$log10", ["1E+6144"], "6144"),
        ("$log10", ["7"], "0.8450980400142568307122162585926362"),
        ("$log10", ["1"], "0"),
        ("$log", ["10", "2"], "3.321928094887362347870319429489390"),
        ("$log", ["8", "3"], "1.892789260714372311298581343028283"),
        ("$log", ["100", "10"], "2"),
        ("$log", ["0.3", "7"], "-0.6187196284013587130133783944719506"),
        ("$log", ["123456789", "1.0001"], "186323.3332073093455486646236788561"),
        ("$log", ["5", "2"], "2.321928094887362347870319429489390"),
        ("$pow", ["2", "10"], "1024.000000000000000000000000000000"),
        ("$pow", ["2", "0.5"], "1.414213562373095048801688724209698"),
        ("$pow", ["2", "-1"], "0.5000000000000000000000000000000000"),
        ("$pow", ["-2", "3"], "-8.000000000000000000000000000000000"),
        ("$pow", ["10", "6144"], "1.000000000000000000000000000000000E+6144"),
        ("$pow", ["10", "6145"], "Infinity"),
        ("$pow", ["1.0001", "10000"], "2.718145926825224864037664674913147"),
        ("$pow", ["0", "5"], "0E-6176"),
        ("$pow", ["5", "0"], "1.000000000000000000000000000000000"),
        ("$pow", ["3", "2.5"], "15.58845726811989564174701707355285"),
        ("$pow", ["1.5", "-2.5"], "0.3628873693012115701033013444008728"),
        ("$pow", ["0.1", "6200"], "0E-6176"),
        ("$pow", ["-3", "-3"], "-0.03703703703703703703703703703703704"),
        ("$pow", ["7", "1E-50"], "1.000000000000000000000000000000000"),
        ("$pow", ["1.000000000000000000000000000000001", "1E+33"], "2.718281828459045235360287471352661"),
    ]

    static let cases: [ExpressionCase] =
        known.map { row in
            let arguments = row.arguments.map { decimal($0) }
            let argument: BSONValue = arguments.count == 1 ? arguments[0] : .array(arguments)
            return ExpressionCase([row.op: argument], [:], .value(decimal(row.expected)))
        } + [
            // Integers and doubles next to a decimal become decimals (doubles with 15 digits, as coerceToDecimal).
            ExpressionCase(["$pow": [decimal("2"), 10]], [:], .value(decimal("1024.000000000000000000000000000000"))),
            ExpressionCase(["$pow": [2, decimal("0.5")]], [:], .value(decimal("1.414213562373095048801688724209698"))),
            ExpressionCase(["$pow": [decimal("4"), 0.5]], [:], .value(decimal("2.000000000000000000000000000000000"))),
            ExpressionCase(["$log": [10, decimal("2")]], [:], .value(decimal("3.321928094887362347870319429489390"))),
            ExpressionCase(["$log": [decimal("100"), 10]], [:], .value(decimal("2"))),
            // A negative base takes only integral exponents.
            ExpressionCase(["$pow": [decimal("-2"), decimal("0.5")]], [:], .value(decimal("NaN"))),
            ExpressionCase(
                ["$pow": [decimal("-2"), decimal("2.00")]], [:], .value(decimal("4.000000000000000000000000000000000"))),
            // Infinities and NaN follow the double functions.
            ExpressionCase(["$sqrt": decimal("Infinity")], [:], .value(decimal("Infinity"))),
            ExpressionCase(["$exp": decimal("-Infinity")], [:], .value(decimal("0"))),
            ExpressionCase(["$ln": decimal("Infinity")], [:], .value(decimal("Infinity"))),
            ExpressionCase(["$eq": [["$exp": decimal("NaN")], decimal("NaN")]], [:], .value(true)),
            // Errors and nullish arguments are unchanged.
            ExpressionCase(["$sqrt": decimal("-0.01")], [:], .error(28714)),
            ExpressionCase(["$ln": decimal("0")], [:], .error(28766)),
            ExpressionCase(["$log10": decimal("-1")], [:], .error(28761)),
            ExpressionCase(["$log": [decimal("8"), decimal("1")]], [:], .error(28759)),
            ExpressionCase(["$pow": [decimal("0"), -1]], [:], .error(28764)),
            ExpressionCase(["$pow": [decimal("2"), .null]], [:], .value(.null)),
            ExpressionCase(["$exp": "$missing"], [:], .value(.null)),
        ]

    @Test(arguments: cases)
    func computesInDecimal(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }

    /// Square roots against their squares: every result, squared and rounded, gives back the argument to within one
    /// unit in the last place (a seeded sweep over coefficients and exponents).
    @Test func squareRootsSquareBack() throws {
        var rng = SeededRandom(seed: 0x5EED_DEC1)
        for _ in 0..<300 {
            let coefficient = rng.next() % 1_000_000_000_000 + 1
            let exponent = Int(rng.next() % 200) - 100
            let x = try Decimal128(parsing: "\(coefficient)E\(exponent)")
            let root = DecimalMath.squareRoot(x)
            let back = root.multiplied(by: root)
            let difference = back.subtracting(x)
            let tolerance = x.multiplied(by: try Decimal128(parsing: "1E-32"))
            #expect(
                (difference.isSignMinus ? -difference : difference).numericCompare(tolerance) <= 0,
                "√\(x) = \(root), squared \(back)")
        }
    }

    /// Over seeded random decimals (every exponent range, subnormals, zeros, infinities, NaN) no function traps,
    /// and where the double functions are exact enough to compare (not near a logarithm's zero, where the double
    /// argument's rounding dominates), the decimal results agree with them to 1e-12.
    @Test func randomDecimalsAgreeWithTheDoubleFunctions() throws {
        var rng = SeededRandom(seed: 0xDEC1_3A7)
        func randomDecimal() throws -> Decimal128 {
            switch rng.next() % 10 {
            case 0: return [Decimal128.nan, .infinity, .negativeInfinity, .zero][Int(rng.next() % 4)]
            case 1:
                return try Decimal128(parsing: "\(rng.next() % 10_000_000_000)E\(Int(rng.next() % 12_287) - 6176)")
            default:
                let sign = rng.next() % 4 == 0 ? "-" : ""
                return try Decimal128(parsing: "\(sign)\(rng.next() % 1_000_000_000_000)E\(Int(rng.next() % 40) - 25)")
            }
        }
        func close(_ got: Decimal128, _ want: Double, _ what: String) {
            guard want.isFinite, want != 0, abs(want) > 1e-300, abs(want) < 1e300 else { return }
            let relative = abs((got.doubleValue - want) / want)
            #expect(relative < 1e-12, "\(what): \(got) vs \(want)")
        }
        for _ in 0..<500 {
            let x = try randomDecimal()
            let y = try randomDecimal()
            let (dx, dy) = (x.doubleValue, y.doubleValue)
            if !x.isSignMinus || x.isZero { close(DecimalMath.squareRoot(x), dx.squareRoot(), "sqrt \(x)") }
            close(DecimalMath.exponential(x), exp(dx), "exp \(x)")
            if !x.isSignMinus && !x.isZero && x.isFinite && abs(log(dx)) > 1e-2 {
                close(DecimalMath.naturalLogarithm(x), log(dx), "ln \(x)")
                close(DecimalMath.commonLogarithm(x), log10(dx), "log10 \(x)")
                if !y.isSignMinus && !y.isZero && y.isFinite && abs(log(dy)) > 1e-2 {
                    close(DecimalMath.logarithm(x, base: y), log(dx) / log(dy), "log \(x) base \(y)")
                }
            }
            // (An exponent that underflows a double to 0 makes the double power 1; the decimal one is right.)
            if !(x.isZero && y.isSignMinus) && abs(dy) < 50 && (dy != 0 || y.isZero) {
                close(DecimalMath.power(x, y), pow(dx, dy), "pow \(x) ^ \(y)")
            }
        }
        #expect(DecimalMath.logarithm(Decimal128(1), base: Decimal128(3)) == Decimal128.zero)
    }

    /// exp and ln are inverse: ln(exp(x)) is x to about 33 digits over a seeded sweep.
    @Test func exponentialAndLogarithmAreInverse() throws {
        var rng = SeededRandom(seed: 0xE4_1A)
        for _ in 0..<200 {
            let x = try Decimal128(parsing: "\(Int64(rng.next() % 2_000_000) - 1_000_000)E-4")
            let back = DecimalMath.naturalLogarithm(DecimalMath.exponential(x))
            let difference = back.subtracting(x)
            #expect(
                (difference.isSignMinus ? -difference : difference).numericCompare(try Decimal128(parsing: "1E-29"))
                    <= 0, "ln(exp(\(x))) = \(back)")
        }
    }
}
