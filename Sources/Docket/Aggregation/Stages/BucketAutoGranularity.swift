import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `$bucketAuto`'s `granularity`: bucket boundaries rounded to a preferred-number series (Renard R5…R80, the E series,
// 1-2-5) or to powers of two, as MongoDB's granularity rounders do. The series are MongoDB's, value for value (its R40
// table has 39 numbers: 335 is not in it), and the arithmetic is the same (doubles scaled by powers of ten; Decimal128
// for a decimal value), so the boundaries are the ones mongod prints.

/// A `$bucketAuto` `granularity`: how bucket boundaries are rounded.
enum BucketGranularity: Sendable {
    /// A preferred-number series: its base numbers (one decade, ascending) and its name.
    case series([Double], name: String)
    /// `POWERSOF2`.
    case powersOfTwo

    /// The granularity MongoDB calls `name`, or `nil` for an unknown one.
    init?(named name: String) {
        switch name {
        case "POWERSOF2": self = .powersOfTwo
        default:
            guard let series = Self.seriesByName[name] else { return nil }
            self = .series(series, name: name)
        }
    }

    /// The name, as written in the stage.
    var name: String {
        switch self {
        case .series(_, let name): name
        case .powersOfTwo: "POWERSOF2"
        }
    }

    /// The codes of a rounder's own checks (a value it cannot round), which differ between the two kinds.
    private var codes: (type: Int, nan: Int, negative: Int) {
        switch self {
        case .series: (40262, 40263, 40268)
        case .powersOfTwo: (40265, 40266, 40267)
        }
    }

    /// Checks that `value` is a non-negative number, and returns it as a double.
    private func check(_ value: BSONValue) throws(DocketError) -> Double {
        guard value.isNumber, let number = value.doubleValue else {
            throw DocketError(
                .location(codes.type),
                "A granularity rounder can only round numeric values, but found type: \(value.type.alias)",
                stage: "$bucketAuto")
        }
        guard !number.isNaN else {
            throw DocketError(.location(codes.nan), "A granularity rounder cannot round NaN", stage: "$bucketAuto")
        }
        guard number >= 0 else {
            throw DocketError(
                .location(codes.negative), "A granularity rounder can only round non-negative numbers",
                stage: "$bucketAuto")
        }
        return number
    }

    /// The smallest boundary of the series greater than `value` (`value` itself for zero).
    func roundUp(_ value: BSONValue) throws(DocketError) -> BSONValue {
        let number = try check(value)
        if number == 0 { return value }
        switch self {
        case .powersOfTwo:
            return try Self.powerOfTwo(value, number, up: true)
        case .series(let series, _):
            if case .decimal128(let decimal) = value { return .decimal128(Self.roundUp(decimal, series)) }
            return .double(Self.roundUp(number, series))
        }
    }

    /// The largest boundary of the series less than `value` (`value` itself for zero).
    func roundDown(_ value: BSONValue) throws(DocketError) -> BSONValue {
        let number = try check(value)
        if number == 0 { return value }
        switch self {
        case .powersOfTwo:
            return try Self.powerOfTwo(value, number, up: false)
        case .series(let series, _):
            if case .decimal128(let decimal) = value { return .decimal128(Self.roundDown(decimal, series)) }
            return .double(Self.roundDown(number, series))
        }
    }

    // MARK: Preferred numbers

    private static func roundUp(_ number: Double, _ series: [Double]) -> Double {
        var multiplier = 1.0
        while number >= series[series.count - 1] * multiplier { multiplier *= 10 }
        while number < series[0] * multiplier {
            let previousMin = series[0] * multiplier
            multiplier /= 10
            // Between the previous decade's minimum and this decade's maximum: round up to that minimum.
            if number >= series[series.count - 1] * multiplier { return previousMin }
        }
        let next = series.first { number < $0 * multiplier } ?? series[series.count - 1]
        return next * multiplier
    }

    private static func roundDown(_ number: Double, _ series: [Double]) -> Double {
        var multiplier = 1.0
        while number <= series[0] * multiplier { multiplier /= 10 }
        while number > series[series.count - 1] * multiplier {
            let previousMax = series[series.count - 1] * multiplier
            multiplier *= 10
            if number <= series[0] * multiplier { return previousMax }
        }
        // The last boundary strictly below the number.
        let below = series.last { $0 * multiplier < number } ?? series[0]
        return below * multiplier
    }

    private static func roundUp(_ number: Decimal128, _ base: [Double]) -> Decimal128 {
        let series = base.map { Decimal128(Int($0)) }
        let ten = Decimal128(10)
        var multiplier = Decimal128(1)
        while !less(number, series[series.count - 1] * multiplier) { multiplier = multiplier * ten }
        while less(number, series[0] * multiplier) {
            let previousMin = series[0] * multiplier
            multiplier = multiplier.divided(by: ten)
            if !less(number, series[series.count - 1] * multiplier) { return previousMin }
        }
        let next = series.first { less(number, $0 * multiplier) } ?? series[series.count - 1]
        return next * multiplier
    }

    private static func roundDown(_ number: Decimal128, _ base: [Double]) -> Decimal128 {
        let series = base.map { Decimal128(Int($0)) }
        let ten = Decimal128(10)
        var multiplier = Decimal128(1)
        while !less(series[0] * multiplier, number) { multiplier = multiplier.divided(by: ten) }
        while less(series[series.count - 1] * multiplier, number) {
            let previousMax = series[series.count - 1] * multiplier
            multiplier = multiplier * ten
            if !less(series[0] * multiplier, number) { return previousMax }
        }
        let below = series.last { less($0 * multiplier, number) } ?? series[0]
        return below * multiplier
    }

    private static func less(_ a: Decimal128, _ b: Decimal128) -> Bool {
        BSONValue.compare(.decimal128(a), .decimal128(b)) < 0
    }

    // MARK: Powers of two

    /// `$pow: [2, exponent]`, the exponent taken from the value's binary logarithm: an integer power for integer and
    /// double values (a double for negative exponents), a decimal for decimals, as MongoDB computes it.
    private static func powerOfTwo(_ value: BSONValue, _ number: Double, up: Bool) throws(DocketError) -> BSONValue {
        let exponent: BSONValue
        switch value {
        case .int32, .int64:
            let n = UInt64(clamping: value.int64Value ?? 0)
            let highest = 63 - n.leadingZeroBitCount
            let isPower = n.nonzeroBitCount == 1
            exponent = .int32(Int32(up ? highest + 1 : (isPower ? highest - 1 : highest)))
        case .decimal128:
            let log = log2(number)
            exponent = .decimal128(Decimal128(Int(up ? log.rounded(.down) + 1 : log.rounded(.up) - 1)))
        default:
            let log = log2(number)
            exponent = .int32(Int32(clamping: Int(up ? log.rounded(.down) + 1 : log.rounded(.up) - 1)))
        }
        return try BinaryOperator.pow.applyArithmetic(.int32(2), exponent) ?? .null
    }

    private static let seriesByName: [String: [Double]] = [
        "R5": [10, 16, 25, 40, 63],
        "R10": [100, 125, 160, 200, 250, 315, 400, 500, 630, 800],
        "R20": [100, 112, 125, 140, 160, 180, 200, 224, 250, 280, 315, 355, 400, 450, 500, 560, 630, 710, 800, 900],
        "R40": [
            100, 106, 112, 118, 125, 132, 140, 150, 160, 170, 180, 190, 200, 212, 224, 236, 250, 265, 280, 300, 315,
            355, 375, 400, 425, 450, 475, 500, 530, 560, 600, 630, 670, 710, 750, 800, 850, 900, 950,
        ],
        "R80": [
            103, 109, 115, 122, 128, 136, 145, 155, 165, 175, 185, 195, 206, 218, 230, 243, 258, 272, 290, 307, 325,
            345, 365, 387, 412, 437, 462, 487, 515, 545, 575, 615, 650, 690, 730, 775, 825, 875, 925, 975,
        ],
        "1-2-5": [10, 20, 50],
        "E6": [10, 15, 22, 33, 47, 68],
        "E12": [10, 12, 15, 18, 22, 27, 33, 39, 47, 56, 68, 82],
        "E24": [10, 11, 12, 13, 15, 16, 18, 20, 22, 24, 27, 30, 33, 36, 39, 43, 47, 51, 56, 62, 68, 75, 82, 91],
        "E48": [
            100, 105, 110, 115, 121, 127, 133, 140, 147, 154, 162, 169, 178, 187, 196, 205, 215, 226, 237, 249, 261,
            274, 287, 301, 316, 332, 348, 365, 383, 402, 422, 442, 464, 487, 511, 536, 562, 590, 619, 649, 681, 715,
            750, 787, 825, 866, 909, 953,
        ],
        "E96": [
            100, 102, 105, 107, 110, 113, 115, 118, 121, 124, 127, 130, 133, 137, 140, 143, 147, 150, 154, 158, 162,
            165, 169, 174, 178, 182, 187, 191, 196, 200, 205, 210, 215, 221, 226, 232, 237, 243, 249, 255, 261, 267,
            274, 280, 287, 294, 301, 309, 316, 324, 332, 340, 348, 357, 365, 374, 383, 392, 402, 412, 422, 432, 442,
            453, 464, 475, 487, 499, 511, 523, 536, 549, 562, 576, 590, 604, 619, 634, 649, 665, 681, 698, 715, 732,
            750, 768, 787, 806, 825, 845, 866, 887, 909, 931, 953, 976,
        ],
        "E192": [
            100, 101, 102, 104, 105, 106, 107, 109, 110, 111, 113, 114, 115, 117, 118, 120, 121, 123, 124, 126, 127,
            129, 130, 132, 133, 135, 137, 138, 140, 142, 143, 145, 147, 149, 150, 152, 154, 156, 158, 160, 162, 164,
            165, 167, 169, 172, 174, 176, 178, 180, 182, 184, 187, 189, 191, 193, 196, 198, 200, 203, 205, 208, 210,
            213, 215, 218, 221, 223, 226, 229, 232, 234, 237, 240, 243, 246, 249, 252, 255, 258, 261, 264, 267, 271,
            274, 277, 280, 284, 287, 291, 294, 298, 301, 305, 309, 312, 316, 320, 324, 328, 332, 336, 340, 344, 348,
            352, 357, 361, 365, 370, 374, 379, 383, 388, 392, 397, 402, 407, 412, 417, 422, 427, 432, 437, 442, 448,
            453, 459, 464, 470, 475, 481, 487, 493, 499, 505, 511, 517, 523, 530, 536, 542, 549, 556, 562, 569, 576,
            583, 590, 597, 604, 612, 619, 626, 634, 642, 649, 657, 665, 673, 681, 690, 698, 706, 715, 723, 732, 741,
            750, 759, 768, 777, 787, 796, 806, 816, 825, 835, 845, 856, 866, 876, 887, 898, 909, 920, 931, 942, 953,
            965, 976, 988,
        ],
    ]
}
