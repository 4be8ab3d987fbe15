import DocketBSON

// `$convert` between binary data and strings or numbers (MongoDB 8): `format` names the text form of the bytes
// (base64, base64url, hex, utf8, uuid), `to: {type: "binData", subtype: n}` the subtype of the result, and
// `byteOrder` the order of a number's bytes ("little" unless "big"; applied by `Conversion.convert`).

/// The text forms of binary data in `$convert`'s `format`.
enum BinaryFormat: String, Sendable {
    case base64, base64url, hex, utf8, uuid
    /// `$toString`'s choice (and the default): a 16-byte UUID (subtype 4) as its text, anything else in base64.
    case auto

    /// The format named by `format`; mongod's `parseBinDataFormat` codes (4341114, 4341125).
    static func resolve(_ value: BSONValue) throws(DocketError) -> BinaryFormat {
        guard case .string(let name) = value else {
            throw DocketError(
                .location(4_341_114),
                "$convert requires that 'format' be a string, found: \(value.type.alias) with value "
                    + BSONPrinter.updateMessage.string(value), operatorName: "$convert")
        }
        guard let format = BinaryFormat(rawValue: name) else {
            throw DocketError(
                .location(4_341_125), "Invalid 'format' argument for $convert: \(name)", operatorName: "$convert")
        }
        return format
    }
}

/// What `$convert`'s options say about binary data.
struct ConvertOptions: Sendable {
    var format: BinaryFormat?
    var isBigEndian = false
}

extension Conversion {
    /// Binary data as a string in `format`; without one (`$toString` is `$convert` without a format), a UUID as
    /// its text and anything else in base64, as the manual's `$toString` table says.
    static func string(from binary: BSONBinary, format: BinaryFormat?) throws(DocketError) -> String {
        switch format ?? .auto {
        case .auto: return binary.uuidString ?? binary.base64EncodedString
        case .base64: return binary.base64EncodedString
        case .base64url:
            return String(
                String(binary.base64EncodedString.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
                    .prefix { $0 != "=" })
        case .hex: return binary.hexString.uppercased()
        case .utf8:
            guard let text = String(validating: binary.bytes, as: UTF8.self) else {
                throw failure(
                    "Failed to convert '\(printed(binary))' to string",
                    "BinData does not represent a valid UTF-8 string")
            }
            return text
        case .uuid:
            guard let text = binary.uuidString else {
                throw failure(
                    "Failed to convert '\(printed(binary))' to string", "BinData does not represent a valid UUID")
            }
            return text
        }
    }

    /// `value` as binary data of `subtype`: strings through their format, int/long/double through their bytes,
    /// binary data with the new subtype.
    static func toBinData(_ value: BSONValue, subtype: BSONBinary.Subtype, options: ConvertOptions)
        throws(DocketError) -> BSONValue
    {
        var bytes: [UInt8]
        switch value {
        case .binary(let binary):
            guard binary.subtype == subtype else {
                throw DocketError(
                    .conversionFailure, "Conversions between different BinData subtypes are not supported",
                    operatorName: "$convert")
            }
            return value
        case .string(let text):
            return .binary(BSONBinary(subtype: subtype, bytes: try parseBinary(text, subtype: subtype, options.format)))
        case .int32(let v) where options.format == nil:
            bytes = withUnsafeBytes(of: v.littleEndian) { Array($0) }
        case .int64(let v) where options.format == nil:
            bytes = withUnsafeBytes(of: v.littleEndian) { Array($0) }
        case .double(let d) where options.format == nil:
            bytes = withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) }
        default:
            throw unsupported(value, .binData(subtype))
        }
        if options.isBigEndian { bytes.reverse() }
        return .binary(BSONBinary(subtype: subtype, bytes: bytes))
    }

    /// The bytes a string names in `format`.
    private static func parseBinary(_ text: String, subtype: BSONBinary.Subtype, _ format: BinaryFormat?)
        throws(DocketError) -> [UInt8]
    {
        guard let format else {
            throw DocketError(
                .failedToParse, "Format must be specified when converting from 'string' to 'binData'",
                operatorName: "$convert")
        }
        let head = "Failed to parse BinData '\(text)'"
        if (subtype == .uuid) != (format == .uuid) {
            throw failure(head, "Only the 'uuid' format is allowed with the UUID subtype")
        }
        let bytes: [UInt8]?
        switch format {
        case .auto: throw failure(head, "Invalid format 'auto'")
        case .base64: bytes = BSONBinary(base64Encoded: text)?.bytes
        case .base64url:
            let standard = String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
            let padded = standard + String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
            let isURLSafe = !text.contains { $0 == "+" || $0 == "/" || $0 == "=" }
            bytes = isURLSafe ? BSONBinary(base64Encoded: padded)?.bytes : nil
        case .hex: bytes = BSONBinary(hexString: text)?.bytes
        case .utf8: bytes = Array(text.utf8)
        case .uuid:
            // The 36-character form with dashes only.
            let utf8 = Array(text.utf8)
            let isDashed = utf8.count == 36 && [8, 13, 18, 23].allSatisfy { utf8[$0] == UInt8(ascii: "-") }
            bytes = isDashed ? BSONBinary(uuidString: text)?.bytes : nil
        }
        guard let bytes else { throw failure(head, "Input is not a valid \(format.rawValue) string") }
        return bytes
    }
}
