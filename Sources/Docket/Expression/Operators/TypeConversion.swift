import DocketBSON
import Foundation

// The type expressions: $type, $isNumber, $convert (with onError and onNull) and its shorthands $toInt, $toLong,
// $toDouble, $toDecimal, $toString, $toDate, $toBool, $toObjectId, $toUUID, with MongoDB's conversion table
// (expression_convert.cpp) and its ConversionFailure (241) messages.
//
// Binary data converts as MongoDB 8 does: to int (1, 2 or 4 bytes), long (1, 2, 4 or 8) and double (4 or 8) by
// reading its bytes as a value in `byteOrder` (little-endian unless "big"); to and from strings in a `format`
// (`BinaryConversion.swift`); `$toString` picks the format itself (a UUID as its text, anything else in base64).
//
// - Note: Differs from MongoDB: the `base` option (MongoDB 8.3) and arrays of numbers to binData are not supported.

/// The types `$convert` can produce.
enum ConvertTarget: Sendable {
    case double, string, objectID, bool, date, int, long, decimal
    /// Binary data of a subtype (`to: "binData"` or `to: {type: "binData", subtype: n}`).
    case binData(BSONBinary.Subtype)
    /// A BSON type `$convert` knows but cannot convert to (`binData`, `object`, …): every conversion fails.
    case unsupported(BSONType)

    /// The target named by `$convert`'s `to`: a type alias (`"int"`), a numeric type code, or a document
    /// `{type: …, subtype: …}` (the subtype counts for binData only).
    static func resolve(_ value: BSONValue) throws(DocketError) -> ConvertTarget {
        let type: BSONType
        switch value {
        case .document(let spec):
            return try resolve(document: spec)
        case .string(let name):
            guard let named = BSONType.allCases.first(where: { $0.alias == name }) else {
                throw DocketError(.badValue, "Unknown type name: \(name)", operatorName: "$convert")
            }
            type = named
        case .int32, .int64, .double, .decimal128:
            guard let code = value.int64Value else {
                throw DocketError(
                    .failedToParse, "In $convert, numeric 'to' argument is not an integer", operatorName: "$convert")
            }
            guard let byCode = BSONType.allCases.first(where: { Int64($0.code) == code }) else {
                throw DocketError(.badValue, "Invalid 'to' argument to $convert: \(code)", operatorName: "$convert")
            }
            type = byCode
        default:
            throw DocketError(
                .failedToParse, "$convert's 'to' argument must be a string or number, but is \(value.type.alias)",
                operatorName: "$convert")
        }
        switch type {
        case .double: return .double
        case .string: return .string
        case .objectID: return .objectID
        case .bool: return .bool
        case .datetime: return .date
        case .int32: return .int
        case .int64: return .long
        case .decimal128: return .decimal
        case .binary: return .binData(.generic)
        default: return .unsupported(type)
        }
    }

    private static func resolve(document spec: BSONDocument) throws(DocketError) -> ConvertTarget {
        var type: BSONValue?
        var subtype = BSONBinary.Subtype.generic
        for (key, value) in spec {
            switch key {
            case "type": type = value
            case "subtype": subtype = try resolveSubtype(value)
            default:
                throw DocketError(
                    .failedToParse, "$convert found an unknown argument in 'to': \(key)", operatorName: "$convert")
            }
        }
        let isNamed: Bool =
            switch type {
            case .string?, .int32?, .int64?, .double?, .decimal128?: true
            default: false
            }
        guard let type, isNamed else {
            throw DocketError(
                .failedToParse, "$convert's 'to' document needs a 'type' that is a string or a number",
                operatorName: "$convert")
        }
        let target = try resolve(type)
        if case .binData = target { return .binData(subtype) }
        return target
    }

    /// A binData subtype `$convert` may produce: 0 to 8, or a user-defined one (128 to 255); mongod's
    /// `computeBinDataType` codes (4341106, 4341107, 4341108).
    private static func resolveSubtype(_ value: BSONValue) throws(DocketError) -> BSONBinary.Subtype {
        guard value.isNumber else {
            throw DocketError(
                .location(4_341_108),
                "For BinData, $convert's 'subtype' argument must be a number, but is \(value.type.alias)",
                operatorName: "$convert")
        }
        guard let code = value.int64Value, Double(code) == value.doubleValue else {
            throw DocketError(
                .location(4_341_106), "In $convert, numeric 'subtype' argument is not an integer",
                operatorName: "$convert")
        }
        guard (0...8).contains(code) || (128...255).contains(code) else {
            throw DocketError(
                .location(4_341_107),
                "In $convert, numeric value for 'subtype' does not correspond to a BinData type: \(code)",
                operatorName: "$convert")
        }
        return BSONBinary.Subtype(UInt8(code))
    }

    /// MongoDB's name of the target type.
    var alias: String {
        switch self {
        case .double: "double"
        case .string: "string"
        case .objectID: "objectId"
        case .bool: "bool"
        case .date: "date"
        case .int: "int"
        case .long: "long"
        case .decimal: "decimal"
        case .binData: "binData"
        case .unsupported(let type): type.alias
        }
    }
}

/// A compiled `$convert` (or one of its shorthands).
struct ConvertNode: Sendable {
    var input: ExpressionNode
    /// The target when `to` is constant.
    var target: ConvertTarget?
    /// The `to` expression when it varies.
    var to: ExpressionNode?
    var onError: ExpressionNode?
    var onNull: ExpressionNode?
    /// `format` (binary data to and from strings) and `byteOrder` (binary data to and from numbers).
    var format: ExpressionNode?
    var byteOrder: ExpressionNode?
    /// The format a shorthand implies: `$toString` chooses (`.auto`), `$toUUID` reads a UUID.
    var impliedFormat: BinaryFormat?

    /// Evaluates the conversion.
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        let value = try input.evaluate(&context)
        var resolved = target
        if resolved == nil, let to {
            let toValue = try to.evaluate(&context)
            if toValue.isNullish { return .null }
            resolved = try ConvertTarget.resolve(toValue!)
        }
        guard let resolved else { return .null }
        if value.isNullish {
            if let onNull { return try onNull.evaluate(&context) }
            return .null
        }
        let options = try options(&context)
        do throws(DocketError) {
            return try Conversion.convert(value!, to: resolved, options: options)
        } catch {
            if error.code == .conversionFailure, let onError { return try onError.evaluate(&context) }
            throw error
        }
    }

    private func options(_ context: inout ExpressionContext) throws(DocketError) -> ConvertOptions {
        var options = ConvertOptions(format: impliedFormat)
        if let format, let value = try format.evaluate(&context), !Optional(value).isNullish {
            options.format = try BinaryFormat.resolve(value)
        }
        if let byteOrder, let value = try byteOrder.evaluate(&context), !Optional(value).isNullish {
            guard case .string(let order) = value else {
                throw DocketError(
                    .location(9_130_001),
                    "$convert requires that 'byteOrder' be a string, found: \(value.type.alias) with value "
                        + BSONPrinter.updateMessage.string(value), operatorName: "$convert")
            }
            guard order == "little" || order == "big" else {
                throw DocketError(
                    .location(9_130_002), "Invalid 'byteOrder' argument for $convert: \(order)",
                    operatorName: "$convert")
            }
            options.isBigEndian = order == "big"
        }
        return options
    }
}

/// MongoDB's conversion table.
enum Conversion {
    private static let suffix = " in $convert with no onError value"

    /// A conversion failure: `head`, MongoDB's suffix, then the reason.
    static func failure(_ head: String, _ reason: String? = nil) -> DocketError {
        DocketError(
            .conversionFailure, head + suffix + (reason.map { ": " + $0 } ?? ""), operatorName: "$convert")
    }

    static func unsupported(_ value: BSONValue, _ target: ConvertTarget) -> DocketError {
        failure("Unsupported conversion from \(value.type.alias) to \(target.alias)")
    }

    /// `value` (not nullish) converted to `target`.
    static func convert(_ value: BSONValue, to target: ConvertTarget, options: ConvertOptions = ConvertOptions())
        throws(DocketError) -> BSONValue
    {
        var value = value
        if options.isBigEndian, case .binary(var binary) = value {
            binary.bytes.reverse()
            value = .binary(binary)
        }
        switch target {
        case .double: return try toDouble(value)
        case .string:
            if case .binary(let binary) = value { return .string(try string(from: binary, format: options.format)) }
            return try toString(value)
        case .binData(let subtype): return try toBinData(value, subtype: subtype, options: options)
        case .objectID:
            switch value {
            case .objectID: return value
            case .string(let s):
                do { return .objectID(try ObjectID(parsing: s)) } catch {
                    let reason =
                        s.utf8.count == 24
                        ? "Invalid character found in hex string: \(s)"
                        : "Invalid string length for parsing to OID, expected 24 but found \(s.utf8.count)"
                    throw failure("Failed to parse objectId '\(s)'", reason)
                }
            default: throw unsupported(value, target)
            }
        case .bool:
            switch value {
            case .bool: return value
            case .int32, .int64, .double, .decimal128: return .bool(Optional(value).isTruthy)
            default: return .bool(true)
            }
        case .date: return try toDate(value)
        case .int:
            let wide = try toLong(value, target: .int)
            guard let narrow = Int32(exactly: wide) else {
                // MongoDB ends this message on ": " when the source is an integer (it prints nothing after it).
                let isIntegral = value.type == .int64 || value.type == .bool || value.type == .int32
                throw failure("Conversion would overflow target type", isIntegral ? "" : printed(value))
            }
            return .int32(narrow)
        case .long: return .int64(try toLong(value, target: .long))
        case .decimal: return try toDecimal(value)
        case .unsupported: throw unsupported(value, target)
        }
    }

    private static func printed(_ value: BSONValue) -> String {
        BSONPrinter.updateMessage.string(value)
    }

    /// The bytes of binary data read as a little-endian integer of their own width (MongoDB 8 reinterprets, never
    /// parses); `widths` are the lengths the target accepts.
    private static func binaryInteger(_ b: BSONBinary, widths: Set<Int>, target: ConvertTarget) throws(DocketError)
        -> Int64
    {
        guard widths.contains(b.bytes.count) else { throw binaryLengthFailure(b, target) }
        var raw: UInt64 = 0
        for (i, byte) in b.bytes.enumerated() { raw |= UInt64(byte) << (8 * UInt64(i)) }
        // Sign-extend from the value's own width.
        let shift = UInt64(64 - 8 * b.bytes.count)
        return Int64(bitPattern: raw << shift) >> Int64(shift)
    }

    /// mongod's `readSizedNumberFromBinData` failure (expression_convert.cpp).
    private static func binaryLengthFailure(_ b: BSONBinary, _ target: ConvertTarget) -> DocketError {
        DocketError(
            .conversionFailure,
            "Failed to convert '\(printed(b))' to number in $convert because of invalid length: \(b.bytes.count)",
            operatorName: "$convert")
    }

    /// Binary data as messages show it: `BinData(0, "48656C6C6F")`.
    static func printed(_ b: BSONBinary) -> String {
        "BinData(\(b.subtype.rawValue), \"\(b.hexString.uppercased())\")"
    }

    private static func toDouble(_ value: BSONValue) throws(DocketError) -> BSONValue {
        switch value {
        case .binary(let b):
            switch b.bytes.count {
            case 4:
                let bits = try binaryInteger(b, widths: [4], target: .double)
                return .double(Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits))))
            case 8:
                return .double(
                    Double(bitPattern: UInt64(bitPattern: try binaryInteger(b, widths: [8], target: .double))))
            default:
                throw binaryLengthFailure(b, .double)
            }
        case .double: return value
        case .int32(let v): return .double(Double(v))
        case .int64(let v): return .double(Double(v))
        case .bool(let b): return .double(b ? 1 : 0)
        case .datetime(let ms): return .double(Double(ms))
        case .decimal128(let d):
            let result = d.doubleValue
            if result.isInfinite && d.isFinite {
                throw failure("Conversion would overflow target type", "\(d)")
            }
            return .double(result)
        case .string(let s):
            guard let parsed = parseDouble(s) else {
                throw failure("Failed to parse number '\(s)'", "Did not consume whole string.")
            }
            return .double(parsed)
        default: throw unsupported(value, .double)
        }
    }

    private static func toDecimal(_ value: BSONValue) throws(DocketError) -> BSONValue {
        switch value {
        case .decimal128: return value
        case .int32(let v): return .decimal128(Decimal128(v))
        case .int64(let v): return .decimal128(Decimal128(v))
        case .double(let d): return .decimal128(Decimal128(d, precision: .digits15))
        case .bool(let b): return .decimal128(Decimal128(Int32(b ? 1 : 0)))
        case .datetime(let ms): return .decimal128(Decimal128(ms))
        case .string(let s):
            guard let parsed = try? Decimal128(parsing: s) else {
                throw failure("Failed to parse number '\(s)'", "Failed to parse string to decimal")
            }
            return .decimal128(parsed)
        default: throw unsupported(value, .decimal)
        }
    }

    /// A number truncated toward zero as an int64 (for `int` and `long` targets).
    private static func toLong(_ value: BSONValue, target: ConvertTarget) throws(DocketError) -> Int64 {
        switch value {
        case .binary(let b):
            if case .int = target { return try binaryInteger(b, widths: [1, 2, 4], target: target) }
            return try binaryInteger(b, widths: [1, 2, 4, 8], target: target)
        case .int32(let v): return Int64(v)
        case .int64(let v): return v
        case .bool(let b): return b ? 1 : 0
        case .datetime(let ms):
            guard case .long = target else { throw unsupported(value, target) }
            return ms
        case .double(let d):
            if d.isNaN {
                throw failure("Attempt to convert NaN value to integer type")
            }
            if d.isInfinite {
                throw failure("Attempt to convert infinity value to integer type")
            }
            guard let truncated = Int64(exactly: d.rounded(.towardZero)) else {
                throw failure("Conversion would overflow target type", "\(printed(value))")
            }
            return truncated
        case .decimal128(let d):
            if d.isNaN {
                throw failure("Attempt to convert NaN value to integer type")
            }
            if d.isInfinite {
                throw failure("Attempt to convert infinity value to integer type")
            }
            guard let truncated = d.rounded(toExponent: 0, .towardZero).exactInt64 else {
                throw failure("Conversion would overflow target type", "\(d)")
            }
            return truncated
        case .string(let s):
            guard let parsed = parseInteger(s) else {
                let reason = s.isEmpty ? "No digits" : (isDigits(s) ? "Overflow" : "Did not consume whole string.")
                throw failure("Failed to parse number '\(s)'", "\(reason)")
            }
            if case .int = target, Int32(exactly: parsed) == nil {
                throw failure("Failed to parse number '\(s)'", "Overflow")
            }
            return parsed
        default: throw unsupported(value, target)
        }
    }

    private static func toDate(_ value: BSONValue) throws(DocketError) -> BSONValue {
        switch value {
        case .datetime: return value
        case .int64(let ms): return .datetime(ms)
        case .double(let d):
            if d.isNaN { throw failure("Attempt to convert NaN value to integer type") }
            if d.isInfinite { throw failure("Attempt to convert infinity value to integer type") }
            guard let ms = Int64(exactly: d.rounded(.towardZero)) else {
                throw failure("Conversion would overflow target type", "\(printed(value))")
            }
            return .datetime(ms)
        case .decimal128(let d):
            if d.isNaN { throw failure("Attempt to convert NaN value to integer type") }
            if d.isInfinite { throw failure("Attempt to convert infinity value to integer type") }
            guard let ms = d.rounded(toExponent: 0, .towardZero).exactInt64 else {
                throw failure("Conversion would overflow target type", "\(d)")
            }
            return .datetime(ms)
        case .timestamp(let t): return .datetime(Int64(t.timestamp) * 1000)
        case .objectID(let id): return .datetime(id.dateMilliseconds)
        case .string(let s):
            guard let ms = DateStringParser.parse(s) else {
                throw failure("Error parsing date string '\(s)'")
            }
            return .datetime(ms)
        default: throw unsupported(value, .date)
        }
    }

    private static func toString(_ value: BSONValue) throws(DocketError) -> BSONValue {
        switch value {
        case .string: return value
        case .double(let d): return .string(formatDouble(d))
        case .int32(let v): return .string(String(v))
        case .int64(let v): return .string(String(v))
        case .decimal128(let d): return .string(d.description)
        case .bool(let b): return .string(b ? "true" : "false")
        case .datetime(let ms): return .string(CivilTime.isoString(milliseconds: ms))
        case .objectID(let id): return .string(id.hex)
        case .symbol(let s), .javascript(let s): return .string(s)
        default: throw unsupported(value, .string)
        }
    }

    /// A double as MongoDB prints it in strings: shortest round-trip digits, integral values below 10^16 without
    /// an exponent.
    static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == d.rounded(), Swift.abs(d) < 1e16 {
            return d == 0 && d.sign == .minus ? "-0" : String(Int64(d))
        }
        return d.description
    }

    /// A decimal floating-point string (`"-1.5e3"`, `"Infinity"`, `"nan"`), or `nil`.
    static func parseDouble(_ s: String) -> Double? {
        let lower = s.lowercased()
        let unsigned = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        if ["inf", "infinity"].contains(unsigned) { return lower.hasPrefix("-") ? -.infinity : .infinity }
        if unsigned == "nan" { return .nan }
        var sawDigit = false
        var i = unsigned.utf8.startIndex
        let bytes = unsigned.utf8
        func digits() {
            while i < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                sawDigit = true
                i = bytes.index(after: i)
            }
        }
        digits()
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            digits()
        }
        guard sawDigit else { return nil }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") {
            i = bytes.index(after: i)
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                i = bytes.index(after: i)
            }
            sawDigit = false
            digits()
            guard sawDigit else { return nil }
        }
        guard i == bytes.endIndex else { return nil }
        return Double(s)
    }

    /// A base-10 integer string with an optional sign, or `nil` (also on overflow).
    static func parseInteger(_ s: String) -> Int64? {
        guard !s.isEmpty, !s.hasPrefix("+") || s.count > 1 else { return nil }
        return Int64(s, radix: 10)
    }

    private static func isDigits(_ s: String) -> Bool {
        let body = s.hasPrefix("-") || s.hasPrefix("+") ? s.dropFirst() : Substring(s)
        return !body.isEmpty && body.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}

extension ExpressionParser {
    /// Parses `$type`, `$isNumber`, `$convert` and the `$to…` shorthands.
    func parseType(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        switch op {
        case .type, .isNumber:
            let arguments = try parseArguments(name, argument, exactly: 1)
            return ExpressionNode.unary(op == .type ? .type : .isNumber, arguments[0]).folded(when: arguments)
        case .convert:
            return try parseConvert(argument)
        default:
            // The shorthands count their arguments with their own message (50723).
            let arguments = try parseArguments(argument)
            guard arguments.count == 1 else {
                throw DocketError(
                    .location(50723), "\(name) requires a single argument, got \(arguments.count)", operatorName: name)
            }
            let target: ConvertTarget =
                switch op {
                case .toInt: .int
                case .toLong: .long
                case .toDouble: .double
                case .toDecimal: .decimal
                case .toString: .string
                case .toDate: .date
                case .toBool: .bool
                case .toUUID: .binData(.uuid)
                default: .objectID
                }
            var node = ConvertNode(input: arguments[0], target: target)
            node.impliedFormat = op == .toString ? .auto : op == .toUUID ? .uuid : nil
            return ExpressionNode.convert(node).folded(when: arguments)
        }
    }

    /// `$convert: {input:, to:, onError:, onNull:}`.
    private func parseConvert(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        guard case .document(let spec) = argument else {
            throw DocketError(
                .failedToParse, "$convert expects an object of named arguments but found: \(argument.type.alias)",
                operatorName: "$convert")
        }
        var input: ExpressionNode?
        var to: ExpressionNode?
        var onError: ExpressionNode?
        var onNull: ExpressionNode?
        var format: ExpressionNode?
        var byteOrder: ExpressionNode?
        for (key, value) in spec {
            switch key {
            case "input": input = try parseOperand(value)
            case "to": to = try parseOperand(value)
            case "onError": onError = try parseOperand(value)
            case "onNull": onNull = try parseOperand(value)
            case "format": format = try parseOperand(value)
            case "byteOrder": byteOrder = try parseOperand(value)
            default:
                throw DocketError(
                    .failedToParse, "$convert found an unknown argument: \(key)", operatorName: "$convert")
            }
        }
        guard let input else {
            throw DocketError(.failedToParse, "Missing 'input' parameter to $convert", operatorName: "$convert")
        }
        guard let to else {
            throw DocketError(.failedToParse, "Missing 'to' parameter to $convert", operatorName: "$convert")
        }
        var node = ConvertNode(
            input: input, to: to, onError: onError, onNull: onNull, format: format, byteOrder: byteOrder)
        if case .constant(let toValue) = to, !Optional(toValue).isNullish {
            node.target = try ConvertTarget.resolve(toValue)
            node.to = nil
        }
        let arguments = [input, to] + [onError, onNull, format, byteOrder].compactMap { $0 }
        return ExpressionNode.convert(node).folded(when: arguments)
    }
}

extension UnaryOperator {
    /// `$type` and `$isNumber`.
    func applyType(_ value: BSONValue?) -> BSONValue {
        switch self {
        case .isNumber: return .bool(value?.isNumber ?? false)
        default: return .string(value.typeName)
        }
    }
}
