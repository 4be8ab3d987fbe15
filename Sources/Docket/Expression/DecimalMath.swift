import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The real functions of Decimal128 arguments — `$sqrt`, `$exp`, `$ln`, `$log10`, `$log` and `$pow` — computed in
// decimal, as MongoDB does with Intel's 34-digit library, instead of through a double.
//
// How: every value is brought to a small range (a coefficient in [1, 100) and a power of ten), worked on as a signed
// fixed-point number with 90 fractional digits (`DecimalFixed`, a big integer in base 10⁹ limbs), and rounded once,
// half to even, to 34 significant digits. The series used are Taylor's for exp (after 10 halvings, squared back) and
// atanh's for ln (after a double-precision first guess, so only a few terms run); square roots and quotients use
// Newton's iteration from a double-precision start. About 80 digits survive every path, so the 34-digit result is the
// correctly rounded one except within ~10⁻⁴⁵ of a tie.
//
// Result exponents: an exact square root keeps IEEE 754's preferred exponent (half the argument's); exp(0) is 1,
// ln(1) is 0 and log10 of a power of ten is an integer with exponent 0; `$pow` always has 34 digits (mongod adds a
// zero with the smallest exponent to every power: `Decimal128::power`); every other inexact result has 34 digits.

/// A non-negative integer in base 10⁹ limbs, least significant limb first, without high zero limbs.
struct DecimalMagnitude: Equatable {
    private static let base: UInt64 = 1_000_000_000
    private static let smallPowers: [UInt32] = [
        1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000,
    ]

    private(set) var limbs: [UInt32]

    init(limbs: [UInt32]) {
        self.limbs = limbs
        while self.limbs.last == 0 { self.limbs.removeLast() }
    }

    init(_ value: UInt128) {
        var rest = value
        var limbs: [UInt32] = []
        while rest > 0 {
            limbs.append(UInt32(rest % UInt128(Self.base)))
            rest /= UInt128(Self.base)
        }
        self.limbs = limbs
    }

    var isZero: Bool { limbs.isEmpty }

    /// -1, 0 or 1 as `lhs` is below, equal to or above `rhs`.
    static func compare(_ lhs: Self, _ rhs: Self) -> Int {
        if lhs.limbs.count != rhs.limbs.count { return lhs.limbs.count < rhs.limbs.count ? -1 : 1 }
        for index in lhs.limbs.indices.reversed() where lhs.limbs[index] != rhs.limbs[index] {
            return lhs.limbs[index] < rhs.limbs[index] ? -1 : 1
        }
        return 0
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        var result: [UInt32] = []
        result.reserveCapacity(Swift.max(lhs.limbs.count, rhs.limbs.count) + 1)
        var carry: UInt64 = 0
        for index in 0..<Swift.max(lhs.limbs.count, rhs.limbs.count) {
            let sum = UInt64(lhs.limb(index)) + UInt64(rhs.limb(index)) + carry
            result.append(UInt32(sum % base))
            carry = sum / base
        }
        if carry > 0 { result.append(UInt32(carry)) }
        return Self(limbs: result)
    }

    /// `lhs - rhs`, for `lhs >= rhs`.
    static func - (lhs: Self, rhs: Self) -> Self {
        var result = lhs.limbs
        var borrow: UInt64 = 0
        for index in result.indices {
            let subtrahend = UInt64(rhs.limb(index)) + borrow
            if UInt64(result[index]) >= subtrahend {
                result[index] = UInt32(UInt64(result[index]) - subtrahend)
                borrow = 0
            } else {
                result[index] = UInt32(UInt64(result[index]) + base - subtrahend)
                borrow = 1
            }
        }
        return Self(limbs: result)
    }

    static func * (lhs: Self, rhs: Self) -> Self {
        if lhs.isZero || rhs.isZero { return Self(limbs: []) }
        var result = [UInt64](repeating: 0, count: lhs.limbs.count + rhs.limbs.count + 1)
        for (i, left) in lhs.limbs.enumerated() {
            var carry: UInt64 = 0
            for (j, right) in rhs.limbs.enumerated() {
                let t = result[i + j] + UInt64(left) * UInt64(right) + carry
                result[i + j] = t % base
                carry = t / base
            }
            var k = i + rhs.limbs.count
            while carry > 0 {
                let t = result[k] + carry
                result[k] = t % base
                carry = t / base
                k += 1
            }
        }
        return Self(limbs: result.map { UInt32($0) })
    }

    /// The value times a small factor.
    func multiplied(by factor: UInt32) -> Self {
        var result: [UInt32] = []
        result.reserveCapacity(limbs.count + 1)
        var carry: UInt64 = 0
        for limb in limbs {
            let t = UInt64(limb) * UInt64(factor) + carry
            result.append(UInt32(t % Self.base))
            carry = t / Self.base
        }
        while carry > 0 {
            result.append(UInt32(carry % Self.base))
            carry /= Self.base
        }
        return Self(limbs: result)
    }

    /// The value divided by a small non-zero divisor, truncated.
    func divided(by divisor: UInt32) -> Self {
        var result = limbs
        var remainder: UInt64 = 0
        for index in result.indices.reversed() {
            let t = remainder * Self.base + UInt64(result[index])
            result[index] = UInt32(t / UInt64(divisor))
            remainder = t % UInt64(divisor)
        }
        return Self(limbs: result)
    }

    /// The value times 10^power, truncated toward zero when `power` is negative.
    func scaled(byPowerOfTen power: Int) -> Self {
        if isZero { return self }
        if power >= 0 {
            let shifted = Self(limbs: [UInt32](repeating: 0, count: power / 9) + limbs)
            return shifted.multiplied(by: Self.smallPowers[power % 9])
        }
        let dropped = -power / 9
        if dropped >= limbs.count { return Self(limbs: []) }
        return Self(limbs: Array(limbs[dropped...])).divided(by: Self.smallPowers[-power % 9])
    }

    /// The decimal digits, most significant first (empty for zero).
    var digits: [UInt8] {
        guard let top = limbs.last else { return [] }
        var result = Array(String(top).utf8).map { $0 - UInt8(ascii: "0") }
        for limb in limbs.dropLast().reversed() {
            var chunk = [UInt8](repeating: 0, count: 9)
            var rest = limb
            for index in (0..<9).reversed() {
                chunk[index] = UInt8(rest % 10)
                rest /= 10
            }
            result += chunk
        }
        return result
    }

    /// A rough value (for first guesses and range checks).
    var approximation: Double {
        limbs.reversed().reduce(0.0) { $0 * Double(Self.base) + Double($1) }
    }

    private func limb(_ index: Int) -> UInt32 { index < limbs.count ? limbs[index] : 0 }
}

/// A signed fixed-point number with ``fractionDigits`` digits after the point: `magnitude × 10^-90`.
struct DecimalFixed {
    /// The digits kept after the point (a multiple of 9: whole limbs).
    static let fractionDigits = 90

    var isNegative: Bool
    var magnitude: DecimalMagnitude

    init(isNegative: Bool = false, magnitude: DecimalMagnitude) {
        self.isNegative = isNegative && !magnitude.isZero
        self.magnitude = magnitude
    }

    /// `coefficient × 10^exponent`, truncated to the fixed point's digits.
    init(isNegative: Bool = false, coefficient: UInt128, exponent: Int) {
        self.init(
            isNegative: isNegative,
            magnitude: DecimalMagnitude(coefficient).scaled(byPowerOfTen: exponent + Self.fractionDigits))
    }

    /// A value read from a text constant `"d.ddd…"`.
    init(constant text: String) {
        let parts = text.split(separator: ".")
        var limbs: [UInt32] = []
        let written = Array(parts[1].utf8.prefix(Self.fractionDigits))
        let fraction = written + [UInt8](repeating: UInt8(ascii: "0"), count: Self.fractionDigits - written.count)
        let digits = Array(parts[0].utf8) + fraction
        var end = digits.count
        while end > 0 {
            let start = Swift.max(0, end - 9)
            limbs.append(UInt32(String(decoding: digits[start..<end], as: UTF8.self)) ?? 0)
            end = start
        }
        self.init(magnitude: DecimalMagnitude(limbs: limbs))
    }

    /// A double's value to about 17 digits (first guesses for Newton's iterations and series), `|value| < 90`.
    init(approximately value: Double) {
        guard value.isFinite && value.magnitude < 90 else {
            self.init(magnitude: DecimalMagnitude(limbs: []))
            return
        }
        let scaled = UInt64((value.magnitude * 1e17).rounded())
        self.init(
            isNegative: value < 0,
            magnitude: DecimalMagnitude(UInt128(scaled)).scaled(byPowerOfTen: Self.fractionDigits - 17))
    }

    static let one = DecimalFixed(coefficient: 1, exponent: 0)
    static let ln10 = DecimalFixed(
        constant: "2.302585092994045684017991454684364207601101488628772976033327900967572609677352480235997205")
    static let ln2 = DecimalFixed(
        constant: "0.693147180559945309417232121458176568075500134360255254120680009493393621969694715605863326")
    static let log10e = DecimalFixed(
        constant: "0.434294481903251827651128918916605082294397005803666566114453783165864649208870774729224949")

    var isZero: Bool { magnitude.isZero }

    var approximation: Double {
        let value = magnitude.approximation / 1e90
        return isNegative ? -value : value
    }

    static prefix func - (operand: Self) -> Self {
        Self(isNegative: !operand.isNegative, magnitude: operand.magnitude)
    }

    static func + (lhs: Self, rhs: Self) -> Self {
        if lhs.isNegative == rhs.isNegative {
            return Self(isNegative: lhs.isNegative, magnitude: lhs.magnitude + rhs.magnitude)
        }
        if DecimalMagnitude.compare(lhs.magnitude, rhs.magnitude) >= 0 {
            return Self(isNegative: lhs.isNegative, magnitude: lhs.magnitude - rhs.magnitude)
        }
        return Self(isNegative: rhs.isNegative, magnitude: rhs.magnitude - lhs.magnitude)
    }

    static func - (lhs: Self, rhs: Self) -> Self { lhs + -rhs }

    static func * (lhs: Self, rhs: Self) -> Self {
        Self(
            isNegative: lhs.isNegative != rhs.isNegative,
            magnitude: (lhs.magnitude * rhs.magnitude).scaled(byPowerOfTen: -fractionDigits))
    }

    /// The value times a signed integer.
    func multiplied(by factor: Int) -> Self {
        var result = magnitude
        var rest = factor.magnitude
        var scale = DecimalMagnitude(limbs: [1])
        var product = DecimalMagnitude(limbs: [])
        while rest > 0 {
            product = product + result.multiplied(by: UInt32(rest % 1_000_000_000)) * scale
            rest /= 1_000_000_000
            scale = scale.multiplied(by: 1_000_000_000)
        }
        result = product
        return Self(isNegative: isNegative != (factor < 0), magnitude: result)
    }

    func divided(by divisor: UInt32) -> Self {
        Self(isNegative: isNegative, magnitude: magnitude.divided(by: divisor))
    }

    /// `1 / self` by Newton's iteration `r ← r(2 − xr)`, for values between about 10⁻⁶ and 10⁶.
    var reciprocal: Self {
        var r = Self(approximately: 1 / approximation)
        let two = Self(coefficient: 2, exponent: 0)
        for _ in 0..<5 { r = r * (two - self * r) }
        return r
    }

    static func / (lhs: Self, rhs: Self) -> Self { lhs * rhs.reciprocal }
}

/// Decimal128 square root, exponential, logarithms and powers (see the top of this file).
enum DecimalMath {
    private static let maxExponent = 6111
    private static let minExponent = -6176
    private static let precision = 34

    // MARK: Functions

    /// `$sqrt` of a decimal (the caller has rejected negative arguments).
    static func squareRoot(_ x: Decimal128) -> Decimal128 {
        guard let parts = parts(x) else { return Decimal128(x.doubleValue.squareRoot()) }
        let preferred = floorDivide(parts.exponent, 2)
        if parts.coefficient == 0 {
            return make(isNegative: parts.isNegative, coefficient: 0, exponent: preferred)
        }
        // x = m × 10^(2k) with m in [1, 100).
        let adjusted = parts.exponent + digitCount(parts.coefficient) - 1
        let k = floorDivide(adjusted, 2)
        let m = DecimalFixed(coefficient: parts.coefficient, exponent: parts.exponent - 2 * k)
        // 1/√m by Newton (y ← y(3 − m·y²)/2), then √m = m·y.
        var y = DecimalFixed(approximately: 1 / m.approximation.squareRoot())
        let three = DecimalFixed(coefficient: 3, exponent: 0)
        for _ in 0..<6 { y = (y * (three - m * y * y)).divided(by: 2) }
        let root = m * y
        var (coefficient, exponent) = rounded(digits: root.magnitude.digits, exponent: k - DecimalFixed.fractionDigits)
        // An exact root keeps the preferred exponent: drop trailing zeros down to it.
        if isExactSquare(coefficient, exponent, of: parts.coefficient, parts.exponent) {
            while exponent < preferred && coefficient % 10 == 0 {
                coefficient /= 10
                exponent += 1
            }
        }
        return make(isNegative: false, coefficient: coefficient, exponent: exponent)
    }

    /// `$exp` of a decimal.
    static func exponential(_ x: Decimal128) -> Decimal128 {
        guard let parts = parts(x) else { return Decimal128(exp(x.doubleValue)) }
        if parts.coefficient == 0 { return make(isNegative: false, coefficient: 1, exponent: 0) }
        let estimate = x.doubleValue
        if estimate > 14_200 { return .infinity }
        if estimate < -14_300 { return make(isNegative: false, coefficient: 0, exponent: minExponent) }
        let value = DecimalFixed(isNegative: parts.isNegative, coefficient: parts.coefficient, exponent: parts.exponent)
        return exponential(of: value, padded: false)
    }

    /// `$ln` of a decimal (the caller has rejected arguments that are not positive).
    static func naturalLogarithm(_ x: Decimal128) -> Decimal128 {
        guard let parts = parts(x), parts.coefficient > 0 else { return Decimal128(log(x.doubleValue)) }
        let (m, k) = normalized(parts)
        if k == 0 && isOne(m) { return make(isNegative: false, coefficient: 0, exponent: 0) }
        return make(naturalLogarithm(m) + DecimalFixed.ln10.multiplied(by: k))
    }

    /// `$log10` of a decimal (the caller has rejected arguments that are not positive).
    static func commonLogarithm(_ x: Decimal128) -> Decimal128 {
        guard let parts = parts(x), parts.coefficient > 0 else { return Decimal128(log10(x.doubleValue)) }
        let (m, k) = normalized(parts)
        if isOne(m) { return make(isNegative: k < 0, coefficient: UInt128(k.magnitude), exponent: 0) }
        return make(naturalLogarithm(m) * DecimalFixed.log10e + DecimalFixed.one.multiplied(by: k))
    }

    /// `$log` of decimals: log base `base` of `x` (the caller has rejected bad arguments); bases 10 and 2 as
    /// mongod's `Decimal128::logarithm` special-cases them.
    static func logarithm(_ x: Decimal128, base: Decimal128) -> Decimal128 {
        if base.numericCompare(Decimal128(10)) == 0 { return commonLogarithm(x) }
        guard let xParts = parts(x), xParts.coefficient > 0, let baseParts = parts(base), baseParts.coefficient > 0
        else { return Decimal128(log(x.doubleValue) / log(base.doubleValue)) }
        // log of 1 is exactly 0 in every base.
        if x.numericCompare(Decimal128(1)) == 0 { return make(isNegative: false, coefficient: 0, exponent: 0) }
        let lnX = logarithmValue(xParts)
        let lnBase = base.numericCompare(Decimal128(2)) == 0 ? DecimalFixed.ln2 : logarithmValue(baseParts)
        // ln(base) is between ln(1 - 10⁻³⁴) and 14,200 in magnitude: scale it into the reciprocal's range first.
        let shift = Int(log10(lnBase.approximation.magnitude).rounded(.down))
        let scaledBase = DecimalFixed(
            isNegative: lnBase.isNegative, magnitude: lnBase.magnitude.scaled(byPowerOfTen: -shift))
        let quotient = lnX * scaledBase.reciprocal
        return make(quotient, timesPowerOfTen: -shift)
    }

    /// `$pow` of decimals (the caller has rejected a zero base with a negative exponent). The result always has 34
    /// digits, as mongod's (which adds a zero with the smallest exponent to `bid128_pow`'s result).
    static func power(_ base: Decimal128, _ exponent: Decimal128) -> Decimal128 {
        if exponent.isZero { return make(isNegative: false, coefficient: 1, exponent: 0, padded: true) }
        guard let baseParts = parts(base), let exponentParts = parts(exponent) else {
            return Decimal128(pow(base.doubleValue, exponent.doubleValue))
        }
        let integral = integralParity(exponentParts)
        if baseParts.isNegative && integral == nil && baseParts.coefficient != 0 { return .nan }
        let isNegative = baseParts.isNegative && integral == .odd
        // mongod's added zero makes every zero result +0E-6176.
        if baseParts.coefficient == 0 { return make(isNegative: false, coefficient: 0, exponent: minExponent) }
        let lnBase = logarithmValue(baseParts)
        if lnBase.isZero { return make(isNegative: isNegative, coefficient: 1, exponent: 0, padded: true) }
        let estimate = exponent.doubleValue * lnBase.approximation
        if estimate > 14_200 { return isNegative ? .negativeInfinity : .infinity }
        if estimate < -14_300 || estimate.isNaN {
            return make(isNegative: false, coefficient: 0, exponent: minExponent)
        }
        let y = DecimalFixed(
            isNegative: exponentParts.isNegative, coefficient: exponentParts.coefficient,
            exponent: exponentParts.exponent)
        let result = exponential(of: y * lnBase, padded: true)
        return isNegative && !result.isZero ? -result : result
    }

    // MARK: Building blocks

    private struct Parts {
        var isNegative: Bool
        var exponent: Int
        var coefficient: UInt128
    }

    private enum Parity { case even, odd }

    /// The sign, exponent and coefficient of a finite decimal (nil for infinities and NaN).
    private static func parts(_ value: Decimal128) -> Parts? {
        guard value.isFinite else { return nil }
        let isNegative = value.isSignMinus
        if (value.high >> 61) & 0b11 == 0b11 {
            // The large-coefficient form: always above 10³⁴ − 1, non-canonical, read as zero.
            return Parts(
                isNegative: isNegative, exponent: Int((value.high >> 47) & 0x3FFF) + minExponent, coefficient: 0)
        }
        var coefficient = UInt128(value.high & 0x0001_FFFF_FFFF_FFFF) << 64 | UInt128(value.low)
        if coefficient > maxCoefficient { coefficient = 0 }
        return Parts(
            isNegative: isNegative, exponent: Int((value.high >> 49) & 0x3FFF) + minExponent, coefficient: coefficient)
    }

    private static let maxCoefficient: UInt128 = 9_999_999_999_999_999_999_999_999_999_999_999

    private static func digitCount(_ value: UInt128) -> Int {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        return count
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    /// A positive value as `m × 10^k` with `m` in [1, 10).
    private static func normalized(_ parts: Parts) -> (m: DecimalFixed, k: Int) {
        let shift = digitCount(parts.coefficient) - 1
        return (DecimalFixed(coefficient: parts.coefficient, exponent: -shift), parts.exponent + shift)
    }

    private static func isOne(_ value: DecimalFixed) -> Bool {
        DecimalMagnitude.compare(value.magnitude, DecimalFixed.one.magnitude) == 0
    }

    /// ln of a positive finite value, as a fixed-point number.
    private static func logarithmValue(_ parts: Parts) -> DecimalFixed {
        let (m, k) = normalized(parts)
        return naturalLogarithm(m) + DecimalFixed.ln10.multiplied(by: k)
    }

    /// e^x for |x| up to about 3: Taylor's series of x/1024, squared ten times.
    private static func smallExponential(_ x: DecimalFixed) -> DecimalFixed {
        let reduced = x.divided(by: 1024)
        var sum = DecimalFixed.one
        var term = DecimalFixed.one
        var index: UInt32 = 1
        while !term.isZero {
            term = (term * reduced).divided(by: index)
            sum = sum + term
            index += 1
        }
        for _ in 0..<10 { sum = sum * sum }
        return sum
    }

    /// e^x as a decimal, for |x| up to about 14,300: x = q·ln 10 + r, e^x = e^r × 10^q.
    private static func exponential(of x: DecimalFixed, padded: Bool) -> Decimal128 {
        let q = Int((x.approximation / 2.302585092994046).rounded(.down))
        let r = x - DecimalFixed.ln10.multiplied(by: q)
        return make(smallExponential(r), timesPowerOfTen: q, padded: padded)
    }

    /// ln(m) for m in [1, 10]: y₀ = ln(m) in double, then ln(m) = y₀ + 2·atanh(z) with z = (t − 1)/(t + 1) and
    /// t = m·e^(−y₀) ≈ 1, so z is about 10⁻¹⁶ and a handful of terms reach the fixed point's last digit.
    private static func naturalLogarithm(_ m: DecimalFixed) -> DecimalFixed {
        let guess = DecimalFixed(approximately: log(m.approximation))
        let t = m * smallExponential(-guess)
        let z = (t - .one) / (t + .one)
        let zSquared = z * z
        var sum = z
        var power = z
        var denominator: UInt32 = 3
        while true {
            power = power * zSquared
            let term = power.divided(by: denominator)
            if term.isZero { break }
            sum = sum + term
            denominator += 2
        }
        return guess + sum + sum
    }

    /// Whether an integral exponent is even or odd (nil when it is not an integer).
    private static func integralParity(_ parts: Parts) -> Parity? {
        if parts.exponent >= 0 { return parts.exponent > 0 || parts.coefficient % 2 == 0 ? .even : .odd }
        var coefficient = parts.coefficient
        for _ in 0..<(-parts.exponent) {
            if coefficient % 10 != 0 { return nil }
            coefficient /= 10
            if coefficient == 0 { return .even }
        }
        return coefficient % 2 == 0 ? .even : .odd
    }

    /// Whether `(root × 10^rootExponent)² == coefficient × 10^exponent` exactly.
    private static func isExactSquare(_ root: UInt128, _ rootExponent: Int, of coefficient: UInt128, _ exponent: Int)
        -> Bool
    {
        let square = DecimalMagnitude(root) * DecimalMagnitude(root)
        let shift = exponent - 2 * rootExponent
        if shift >= 0 {
            return DecimalMagnitude.compare(square, DecimalMagnitude(coefficient).scaled(byPowerOfTen: shift)) == 0
        }
        let scaledSquare = square.scaled(byPowerOfTen: -shift)
        return DecimalMagnitude.compare(scaledSquare, DecimalMagnitude(coefficient)) == 0
    }

    // MARK: Rounding to a Decimal128

    /// Digits (most significant first) times 10^exponent, rounded half to even to 34 digits and to the smallest
    /// exponent; the coefficient is below 10³⁴.
    private static func rounded(digits: [UInt8], exponent: Int) -> (UInt128, Int) {
        var digits = digits[...]
        while digits.first == 0 { digits.removeFirst() }
        let drop = Swift.max(0, digits.count - precision, minExponent - exponent)
        var coefficient: UInt128 = 0
        for digit in digits.prefix(Swift.max(0, digits.count - drop)) {
            coefficient = coefficient * 10 + UInt128(digit)
        }
        // Dropping more digits than there are leaves less than a tenth of a unit: zero.
        if drop > 0 && drop <= digits.count {
            let dropped = digits.suffix(drop)
            let first = dropped.first ?? 0
            let sticky = dropped.dropFirst().contains { $0 != 0 }
            if first > 5 || (first == 5 && (sticky || coefficient % 2 == 1)) { coefficient += 1 }
        }
        var resultExponent = exponent + drop
        if coefficient > maxCoefficient {
            coefficient /= 10
            resultExponent += 1
        }
        return (coefficient, resultExponent)
    }

    /// A fixed-point value times 10^power as a decimal.
    private static func make(_ value: DecimalFixed, timesPowerOfTen power: Int = 0, padded: Bool = false)
        -> Decimal128
    {
        let (coefficient, exponent) = rounded(
            digits: value.magnitude.digits, exponent: power - DecimalFixed.fractionDigits)
        return make(isNegative: value.isNegative, coefficient: coefficient, exponent: exponent, padded: padded)
    }

    /// A decimal from a coefficient below 10³⁴ and an exponent at or above the smallest one; padded to 34 digits
    /// when asked, folded down (zeros appended) when the exponent is too large, infinity past the largest value.
    private static func make(isNegative: Bool, coefficient: UInt128, exponent: Int, padded: Bool = false)
        -> Decimal128
    {
        var coefficient = coefficient
        var exponent = exponent
        if padded {
            while exponent > minExponent && coefficient * 10 <= maxCoefficient {
                coefficient *= 10
                exponent -= 1
            }
        }
        while exponent > maxExponent && coefficient * 10 <= maxCoefficient {
            coefficient *= 10
            exponent -= 1
        }
        if exponent > maxExponent {
            if coefficient == 0 { exponent = maxExponent } else { return isNegative ? .negativeInfinity : .infinity }
        }
        let biased = UInt64(exponent - minExponent)
        return Decimal128(
            high: (isNegative ? 1 << 63 : 0) | biased << 49 | UInt64(truncatingIfNeeded: coefficient >> 64),
            low: UInt64(truncatingIfNeeded: coefficient))
    }
}
