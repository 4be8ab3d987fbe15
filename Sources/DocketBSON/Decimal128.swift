/// A 128-bit decimal floating-point number: IEEE 754-2008 decimal128 in the binary integer decimal (BID)
/// encoding, the payload of BSON type 0x13.
///
/// A finite value is `(-1)^sign × coefficient × 10^exponent`, with an integer coefficient of at most 34 decimal
/// digits (`0 ... 10^34 - 1`) and an exponent in `-6176 ... 6111`. The type also holds ±infinity and NaN.
///
/// The value is stored exactly as it travels in BSON: ``low`` holds bits 0-63 (the first eight bytes of the
/// little-endian payload) and ``high`` holds bits 64-127 (the last eight bytes; the sign is bit 63 of ``high``).
/// Reading and writing BSON therefore never changes a single bit, including for non-canonical encodings.
///
/// Equality and hashing compare the **representation**, bit for bit: `1.0` and `1.00` are different values of
/// this type, and so are `0` and `-0`. Use ``numericCompare(_:)`` to compare by value and ``normalized`` to get
/// a representation that hashes by value.
///
/// ```swift
/// let price = try Decimal128(parsing: "19.90")
/// print(price)                                          // 19.90
/// print(price == (try Decimal128(parsing: "19.9")))     // false: different representations
/// print(price.numericCompare(try Decimal128(parsing: "19.9")))  // 0: the same value
/// ```
public struct Decimal128: Sendable, Hashable {
    /// Bits 0-63 of the encoding: the first eight bytes of the BSON payload, read little-endian.
    ///
    /// For a finite value in the usual form these are the low 64 bits of the coefficient.
    ///
    /// ```swift
    /// Decimal128(42).low   // 42
    /// ```
    public var low: UInt64

    /// Bits 64-127 of the encoding: the last eight bytes of the BSON payload, read little-endian.
    ///
    /// Bit 63 is the sign; the next bits are the combination field (exponent, special values) followed by the
    /// high bits of the coefficient.
    ///
    /// ```swift
    /// Decimal128(42).high == 0x3040_0000_0000_0000   // true: exponent 0, positive
    /// ```
    public var high: UInt64

    /// Creates a value from its raw 128-bit encoding, without validation.
    ///
    /// Every bit pattern is accepted. Patterns that IEEE 754 calls non-canonical (a coefficient above
    /// `10^34 - 1`) are kept as they are and read as zero, as the BSON specification requires.
    ///
    /// ```swift
    /// let one = Decimal128(high: 0x3040_0000_0000_0000, low: 1)
    /// print(one)   // 1
    /// ```
    ///
    /// - Parameters:
    ///   - high: Bits 64-127 (sign, combination field, high coefficient bits).
    ///   - low: Bits 0-63.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

// MARK: - Constants

extension Decimal128 {
    /// The canonical quiet NaN (positive, no payload).
    ///
    /// NaN is equal to itself under ``numericCompare(_:)`` and sorts before every other value, as in MongoDB.
    ///
    /// ```swift
    /// Decimal128.nan.isNaN   // true
    /// ```
    public static let nan = Decimal128(high: 0x7C00_0000_0000_0000, low: 0)

    /// Positive infinity.
    ///
    /// Greater than every finite value.
    ///
    /// ```swift
    /// Decimal128.infinity.description   // "Infinity"
    /// ```
    public static let infinity = Decimal128(high: 0x7800_0000_0000_0000, low: 0)

    /// Negative infinity.
    ///
    /// Less than every finite value (but greater than NaN under ``numericCompare(_:)``).
    ///
    /// ```swift
    /// Decimal128.negativeInfinity.description   // "-Infinity"
    /// ```
    public static let negativeInfinity = Decimal128(high: 0xF800_0000_0000_0000, low: 0)

    /// Positive zero with exponent 0 (`0E0`, printed `0`).
    ///
    /// This is also the canonical form ``normalized`` gives every zero.
    ///
    /// ```swift
    /// Decimal128.zero.isZero   // true
    /// ```
    public static let zero = Decimal128(high: 0x3040_0000_0000_0000, low: 0)

    /// The largest number of decimal digits a coefficient can have.
    static let maxDigits = 34
    /// The smallest exponent of a finite value.
    static let minExponent = -6176
    /// The largest exponent of a finite value.
    static let maxExponent = 6111
    /// The bias added to the exponent in the encoding.
    static let exponentBias = 6176
    /// The largest canonical coefficient, `10^34 - 1`.
    static let maxCoefficient: UInt128 = powersOfTen[34] - 1

    /// `10^0 ... 10^38`: every power of ten a `UInt128` can hold.
    static let powersOfTen: [UInt128] = {
        var powers: [UInt128] = [1]
        for _ in 1...38 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()

    private static let signBit: UInt64 = 1 << 63
}

// MARK: - Unpacking and packing

extension Decimal128 {
    /// The sign, exponent and coefficient of a finite value.
    struct FiniteParts: Equatable {
        /// Whether the sign bit is set.
        var isNegative: Bool
        /// The unbiased exponent, in `minExponent ... maxExponent`.
        var exponent: Int
        /// The coefficient, in `0 ... maxCoefficient` (non-canonical encodings read as 0).
        var coefficient: UInt128
    }

    /// The combination field: the five bits after the sign.
    private var combination: UInt64 { (high >> 58) & 0x1F }

    /// The parts of a finite value, or `nil` for NaN and infinities.
    ///
    /// A coefficient above `10^34 - 1` (possible only in a non-canonical encoding) reads as zero, keeping the
    /// sign and exponent, as the BSON Decimal128 specification requires.
    var finiteParts: FiniteParts? {
        let isNegative = high & Self.signBit != 0
        if (high >> 61) & 0b11 == 0b11 {
            // "11" after the sign: infinity, NaN, or the large-coefficient form. A large coefficient is
            // 0b100 << 110 or more, above 10^34 - 1, so it is non-canonical and reads as zero.
            guard combination < 0x1E else { return nil }
            let biased = Int((high >> 47) & 0x3FFF)
            return FiniteParts(isNegative: isNegative, exponent: biased - Self.exponentBias, coefficient: 0)
        }
        let biased = Int((high >> 49) & 0x3FFF)
        var coefficient = UInt128(high & 0x0001_FFFF_FFFF_FFFF) << 64 | UInt128(low)
        if coefficient > Self.maxCoefficient { coefficient = 0 }
        return FiniteParts(isNegative: isNegative, exponent: biased - Self.exponentBias, coefficient: coefficient)
    }

    /// Encodes a finite value in the usual (small-coefficient) form.
    init(_ parts: FiniteParts) {
        precondition(parts.coefficient <= Self.maxCoefficient, "Decimal128 coefficient out of range")
        precondition(
            (Self.minExponent...Self.maxExponent).contains(parts.exponent), "Decimal128 exponent out of range")
        let biased = UInt64(parts.exponent + Self.exponentBias)
        self.init(
            high: (parts.isNegative ? Self.signBit : 0) | biased << 49
                | UInt64(truncatingIfNeeded: parts.coefficient >> 64),
            low: UInt64(truncatingIfNeeded: parts.coefficient))
    }

    /// Creates a finite value from a sign, an exponent and a coefficient that are known to be in range.
    init(isNegative: Bool, exponent: Int, coefficient: UInt128) {
        self.init(FiniteParts(isNegative: isNegative, exponent: exponent, coefficient: coefficient))
    }

    /// The number of decimal digits of `value` (1 for zero).
    static func digitCount(_ value: UInt128) -> Int {
        var count = 1
        while count < powersOfTen.count && value >= powersOfTen[count] { count += 1 }
        return count
    }
}

// MARK: - Classification

extension Decimal128 {
    /// Whether the value is a NaN (quiet or signalling, with or without payload or sign).
    ///
    /// All NaNs print as `NaN` and compare equal to each other under ``numericCompare(_:)``.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "NaN")).isNaN   // true
    /// ```
    public var isNaN: Bool { combination == 0x1F }

    /// Whether the value is positive or negative infinity.
    ///
    /// Use ``isSignMinus`` to tell the two apart.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "-Inf")).isInfinite   // true
    /// ```
    public var isInfinite: Bool { combination == 0x1E }

    /// Whether the sign bit is set; true for `-0`, negative numbers, `-Infinity` and negative NaNs.
    ///
    /// This reads the encoding, so `-0` has a minus sign even though it equals `0` by value.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "-0")).isSignMinus   // true
    /// ```
    public var isSignMinus: Bool { high & Self.signBit != 0 }

    /// Whether the value is a zero of either sign and any exponent, including non-canonical encodings.
    ///
    /// An encoded coefficient above `10^34 - 1` is non-canonical and reads as zero, as the BSON specification
    /// requires.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "0.000")).isZero   // true
    /// ```
    public var isZero: Bool { finiteParts?.coefficient == 0 }

    /// Whether the value is neither infinite nor NaN.
    ///
    /// Zeros and non-canonical encodings are finite.
    ///
    /// ```swift
    /// Decimal128(7).isFinite   // true
    /// ```
    public var isFinite: Bool { combination < 0x1E }
}

// MARK: - Integer conversions

extension Decimal128 {
    /// Creates the exact value of a 64-bit integer, with exponent 0.
    ///
    /// Every `Int64` fits in the 34-digit coefficient, so the conversion is exact; this matches MongoDB's
    /// `Decimal128(long long)`.
    ///
    /// ```swift
    /// Decimal128(Int64.min).description   // "-9223372036854775808"
    /// ```
    ///
    /// - Parameter value: The integer to convert.
    public init(_ value: Int64) {
        self.init(isNegative: value < 0, exponent: 0, coefficient: UInt128(value.magnitude))
    }

    /// Creates the exact value of an integer, with exponent 0.
    ///
    /// This overload makes integer literals unambiguous (`Decimal128(42)`); it converts like the `Int64` initializer.
    ///
    /// ```swift
    /// Decimal128(42).description   // "42"
    /// ```
    ///
    /// - Parameter value: The integer to convert.
    public init(_ value: Int) {
        self.init(Int64(value))
    }

    /// Creates the exact value of a 32-bit integer, with exponent 0.
    ///
    /// ```swift
    /// Decimal128(Int32(-5)).description   // "-5"
    /// ```
    ///
    /// - Parameter value: The integer to convert.
    public init(_ value: Int32) {
        self.init(Int64(value))
    }

    /// The value as an `Int64` when it is an integer that `Int64` represents exactly, otherwise `nil`.
    ///
    /// The representation does not matter: `1.00E+2` gives 100 and `-0` gives 0. Fractions (`1.5`), values
    /// outside `Int64.min ... Int64.max`, infinities and NaN give `nil`.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "1.00E+2")).exactInt64   // 100
    /// (try Decimal128(parsing: "1.5")).exactInt64       // nil
    /// ```
    public var exactInt64: Int64? {
        guard let parts = finiteParts else { return nil }
        var coefficient = parts.coefficient
        if coefficient == 0 { return 0 }
        var exponent = parts.exponent
        // A nonzero coefficient has at most 34 digits, so this loop gives up after at most 34 steps.
        while exponent < 0 {
            guard coefficient % 10 == 0 else { return nil }
            coefficient /= 10
            exponent += 1
        }
        let limit = parts.isNegative ? UInt128(Int64.min.magnitude) : UInt128(Int64.max)
        // Each step multiplies by ten, so this loop exceeds the limit after at most 19 steps.
        while exponent > 0 {
            coefficient *= 10
            guard coefficient <= limit else { return nil }
            exponent -= 1
        }
        guard coefficient <= limit else { return nil }
        let magnitude = UInt64(coefficient)
        return parts.isNegative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude)
    }
}

// MARK: - BSONBinary floating-point conversions

extension Decimal128 {
    /// Creates the decimal nearest to the exact binary value of a `Double`, with up to 34 significant digits.
    ///
    /// This matches MongoDB's `Decimal128(double, kRoundTo34Digits)`, which is Intel's `binary64_to_bid128`
    /// with round-half-even:
    ///
    /// - An integral double below `10^34` converts exactly with exponent 0 (`123.0` → `123`).
    /// - A fraction whose exact decimal expansion fits 34 digits converts exactly with the smallest exponent
    ///   that holds it (`0.5` → `0.5`, `0.375` → `0.375`).
    /// - Every other value is the exact binary value rounded to exactly 34 significant digits, ties to even
    ///   (`0.1` → `0.1000000000000000055511151231257827`).
    /// - `±0.0` → `±0` (`0E0`), `±infinity` → `±Infinity`, and NaN → a quiet NaN with the double's sign.
    ///
    /// - Note: Differs from MongoDB: a NaN's payload is dropped (MongoDB keeps some payload bits).
    ///   MongoDB's default `Decimal128(double)` rounds to 15 digits instead: ``init(_:precision:)`` with
    ///   ``DoublePrecision/digits15``.
    ///
    /// ```swift
    /// Decimal128(0.1).description     // "0.1000000000000000055511151231257827"
    /// Decimal128(123.0).description   // "123"
    /// Decimal128(-0.0).description    // "-0"
    /// ```
    ///
    /// - Parameter value: The double to convert.
    public init(_ value: Double) {
        let isNegative = value.sign == .minus
        if value.isNaN {
            self.init(high: Self.nan.high | (isNegative ? Self.signBit : 0), low: 0)
            return
        }
        if value.isInfinite {
            self = isNegative ? Self.negativeInfinity : Self.infinity
            return
        }
        if value == 0 {
            self.init(isNegative: isNegative, exponent: 0, coefficient: 0)
            return
        }
        // The exact value is significand × 2^binaryExponent with an odd integer significand.
        var significand = value.significandBitPattern
        var binaryExponent = Int(value.exponentBitPattern)
        if binaryExponent == 0 {
            binaryExponent = -1074
        } else {
            significand |= 1 << 52
            binaryExponent -= 1075
        }
        let trailingZeros = significand.trailingZeroBitCount
        significand >>= trailingZeros
        binaryExponent += trailingZeros

        // Exact cases: an integer below 10^34 (exponent 0), or significand × 5^a × 10^-a with a coefficient
        // below 10^34 (exponent -a).
        if binaryExponent >= 0 {
            // 10^34 < 2^113, so an integer needing more than 113 bits is never exact.
            let significandBits = UInt64.bitWidth - significand.leadingZeroBitCount
            if significandBits + binaryExponent <= 113 {
                let exact = UInt128(significand) << binaryExponent
                if exact <= Self.maxCoefficient {
                    self.init(isNegative: isNegative, exponent: 0, coefficient: exact)
                    return
                }
            }
        } else if -binaryExponent <= 48 {
            // 5^49 > 10^34, so larger fractions never convert exactly.
            var power: UInt128 = 1
            for _ in 0..<(-binaryExponent) { power *= 5 }
            let (exact, overflow) = UInt128(significand).multipliedReportingOverflow(by: power)
            if !overflow && exact <= Self.maxCoefficient {
                self.init(isNegative: isNegative, exponent: binaryExponent, coefficient: exact)
                return
            }
        }

        // General case: write out every decimal digit of the exact value, then round to 34 digits.
        var number = BigNatural(significand)
        var decimalExponent = 0
        if binaryExponent >= 0 {
            number.multiply(byPowerOf: 2, exponent: binaryExponent)
        } else {
            number.multiply(byPowerOf: 5, exponent: -binaryExponent)
            decimalExponent = binaryExponent
        }
        let digits = number.decimalDigits()
        precondition(digits.count > Self.maxDigits, "exact conversions are handled above")
        var coefficient: UInt128 = 0
        for digit in digits[..<Self.maxDigits] { coefficient = coefficient * 10 + UInt128(digit) }
        decimalExponent += digits.count - Self.maxDigits
        let roundingDigit = digits[Self.maxDigits]
        let hasStickyDigits = digits[(Self.maxDigits + 1)...].contains { $0 != 0 }
        if roundingDigit > 5 || (roundingDigit == 5 && (hasStickyDigits || coefficient % 2 == 1)) {
            coefficient += 1
            if coefficient > Self.maxCoefficient {
                coefficient /= 10
                decimalExponent += 1
            }
        }
        self.init(isNegative: isNegative, exponent: decimalExponent, coefficient: coefficient)
    }

    /// The `Double` nearest to the value (round-half-even), like MongoDB's `Decimal128::toDouble()`.
    ///
    /// Values beyond the range of `Double` become `±infinity`, values too small for it become `±0.0`, the sign
    /// of zeros is kept, and NaN gives NaN.
    ///
    /// ```swift
    /// (try Decimal128(parsing: "0.1")).doubleValue     // 0.1
    /// (try Decimal128(parsing: "1E+400")).doubleValue  // inf
    /// ```
    public var doubleValue: Double {
        if isNaN { return isSignMinus ? -Double.nan : Double.nan }
        guard let parts = finiteParts else { return isSignMinus ? -Double.infinity : Double.infinity }
        let signed = { (magnitude: Double) in parts.isNegative ? -magnitude : magnitude }
        if parts.coefficient == 0 { return signed(0) }
        let adjustedExponent = parts.exponent + Self.digitCount(parts.coefficient) - 1
        // |value| >= 10^309 overflows; |value| < 10^-324 is below half the smallest subnormal (4.9E-324).
        if adjustedExponent > 308 { return signed(.infinity) }
        if adjustedExponent < -324 { return signed(0) }
        // The standard library's parser rounds correctly (round-half-even), so the digits are handed to it.
        guard let magnitude = Double("\(parts.coefficient)e\(parts.exponent)") else {
            preconditionFailure("a decimal literal in Double's range must parse")
        }
        return signed(magnitude)
    }
}

// MARK: - Big naturals for exact binary-to-decimal conversion

/// A minimal arbitrary-precision natural number, just enough to write out every digit of a `Double`.
///
/// The largest number needed is about 2^1077 (or 2^53 × 5^1074, about 2^2550), so quadratic algorithms are fine.
private struct BigNatural {
    /// Base-2^32 digits, least significant first.
    private var limbs: [UInt32]

    init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        trim()
    }

    private mutating func trim() {
        while let last = limbs.last, last == 0 { limbs.removeLast() }
    }

    private mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    /// Multiplies by `base^exponent` for a small base (2 or 5).
    mutating func multiply(byPowerOf base: UInt32, exponent: Int) {
        // The largest power of the base that fits a limb, applied as often as possible.
        var chunk: UInt32 = 1
        var chunkExponent = 0
        while chunk <= UInt32.max / base {
            chunk *= base
            chunkExponent += 1
        }
        var remaining = exponent
        while remaining >= chunkExponent {
            multiply(by: chunk)
            remaining -= chunkExponent
        }
        var last: UInt32 = 1
        for _ in 0..<remaining { last *= base }
        multiply(by: last)
    }

    /// Divides in place and returns the remainder.
    private mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = remainder << 32 | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        trim()
        return UInt32(remainder)
    }

    /// The decimal digits (values 0-9), most significant first; `[0]` for zero.
    func decimalDigits() -> [UInt8] {
        var rest = self
        var groups: [UInt32] = []  // base-10^9 groups, least significant first
        while !rest.limbs.isEmpty { groups.append(rest.divide(by: 1_000_000_000)) }
        guard let top = groups.popLast() else { return [0] }
        var digits = Array(String(top).utf8.map { $0 - UInt8(ascii: "0") })
        for group in groups.reversed() {
            var value = group
            var chunk = [UInt8](repeating: 0, count: 9)
            for position in (0..<9).reversed() {
                chunk[position] = UInt8(value % 10)
                value /= 10
            }
            digits += chunk
        }
        return digits
    }
}
