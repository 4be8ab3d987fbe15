import DocketBSON
import Testing

@testable import Docket

/// `$convert` between binary data and strings (`format`), numbers (`byteOrder`) and other subtypes
/// (`to: {type: "binData", subtype: n}`), and `$toUUID` — MongoDB 8's table.
@Suite struct ExpressionBinaryConversionTests {
    static let hello = BSONValue.binary(BSONBinary(bytes: Array("Hello".utf8)))
    static let uuidText = "01234567-89ab-cdef-0123-456789abcdef"
    static let uuid = BSONValue.binary(BSONBinary(uuidString: uuidText)!)
    static let toUUIDType: BSONValue = ["type": "binData", "subtype": 4]

    static func convert(_ input: BSONValue, _ to: BSONValue, _ extra: BSONDocument = [:]) -> BSONValue {
        var spec: BSONDocument = ["input": input, "to": to]
        for (key, value) in extra { spec[key] = value }
        return ["$convert": .document(spec)]
    }

    static func binary(_ bytes: [UInt8], _ subtype: UInt8 = 0) -> BSONValue {
        .binary(BSONBinary(subtype: BSONBinary.Subtype(subtype), bytes: bytes))
    }

    static let cases: [ExpressionCase] = [
        // Strings to binary data, in each format.
        ExpressionCase(convert("SGVsbG8=", "binData", ["format": "base64"]), [:], .value(hello)),
        ExpressionCase(convert("-_8", "binData", ["format": "base64url"]), [:], .value(binary([0xFB, 0xFF]))),
        ExpressionCase(convert("48656c6C6F", "binData", ["format": "hex"]), [:], .value(hello)),
        ExpressionCase(convert("Hello", "binData", ["format": "utf8"]), [:], .value(hello)),
        ExpressionCase(convert(.string(uuidText), toUUIDType, ["format": "uuid"]), [:], .value(uuid)),
        ExpressionCase(
            convert("SGVsbG8=", ["type": "binData", "subtype": 5], ["format": "base64"]), [:],
            .value(binary(Array("Hello".utf8), 5))),
        ExpressionCase(convert("SGVsbG8=", 5, ["format": "base64"]), [:], .value(hello)),
        ExpressionCase(
            convert("$s", "binData", ["format": "$f"]), ["s": "00ff", "f": "hex"], .value(binary([0, 255]))),
        // Binary data to strings.
        ExpressionCase(convert(hello, "string", ["format": "base64"]), [:], .value("SGVsbG8=")),
        ExpressionCase(convert(binary([0xFB, 0xFF]), "string", ["format": "base64url"]), [:], .value("-_8")),
        ExpressionCase(convert(binary([0xFB, 0xFF]), "string", ["format": "base64"]), [:], .value("+/8=")),
        ExpressionCase(convert(hello, "string", ["format": "hex"]), [:], .value("48656C6C6F")),
        ExpressionCase(convert(hello, "string", ["format": "utf8"]), [:], .value("Hello")),
        ExpressionCase(convert(uuid, "string", ["format": "uuid"]), [:], .value(.string(uuidText))),
        // $toString chooses: a UUID as its text, other binary data in base64.
        ExpressionCase(["$toString": uuid], [:], .value(.string(uuidText))),
        ExpressionCase(["$toString": hello], [:], .value("SGVsbG8=")),
        // Binary data converts to its own subtype only (mongod: "Conversions between different BinData subtypes
        // are not supported").
        ExpressionCase(convert(hello, ["type": "binData", "subtype": 0]), [:], .value(hello)),
        ExpressionCase(convert(hello, ["type": "binData", "subtype": 128]), [:], .error(241)),
        ExpressionCase(["$toUUID": uuid], [:], .value(uuid)),
        // Numbers to binary data and back, little-endian unless byteOrder is "big".
        ExpressionCase(convert(1, "binData"), [:], .value(binary([1, 0, 0, 0]))),
        ExpressionCase(convert(1, "binData", ["byteOrder": "big"]), [:], .value(binary([0, 0, 0, 1]))),
        ExpressionCase(convert(.int64(2), "binData"), [:], .value(binary([2, 0, 0, 0, 0, 0, 0, 0]))),
        ExpressionCase(convert(1.0, "binData"), [:], .value(binary([0, 0, 0, 0, 0, 0, 0xF0, 0x3F]))),
        ExpressionCase(convert(binary([0, 0, 0, 1]), "int", ["byteOrder": "big"]), [:], .value(1)),
        ExpressionCase(convert(binary([0, 0, 0, 1]), "int", ["byteOrder": "little"]), [:], .value(16_777_216)),
        ExpressionCase(
            convert(binary([0x3F, 0xF0, 0, 0, 0, 0, 0, 0]), "double", ["byteOrder": "big"]), [:], .value(1.0)),
        ExpressionCase(convert(decimal("1"), "binData"), [:], .error(241)),
        // $toUUID.
        ExpressionCase(["$toUUID": .string(uuidText)], [:], .value(uuid)),
        ExpressionCase(["$toUUID": "0123456789abcdef0123456789abcdef"], [:], .error(241)),
        ExpressionCase(["$toUUID": 5], [:], .error(241)),
        ExpressionCase(["$toUUID": "$missing"], [:], .value(.null)),
        ExpressionCase(["$toUUID": [1, 2]], [:], .error(50723)),
        // Nullish input and format.
        ExpressionCase(convert("$missing", "binData", ["format": "hex"]), [:], .value(.null)),
        ExpressionCase(convert("$missing", "binData", ["format": "hex", "onNull": "n"]), [:], .value("n")),
        ExpressionCase(convert("00", "binData", ["format": .null]), [:], .error(9)),
        // Errors: bad text is a conversion failure (onError applies); a missing or unknown format and bad options
        // are not.
        ExpressionCase(convert("abc", "binData", ["format": "base64"]), [:], .error(241)),
        ExpressionCase(convert("abc", "binData", ["format": "base64", "onError": "e"]), [:], .value("e")),
        ExpressionCase(convert("+_8", "binData", ["format": "base64url"]), [:], .error(241)),
        ExpressionCase(convert("4", "binData", ["format": "hex"]), [:], .error(241)),
        ExpressionCase(convert("zz", "binData", ["format": "hex"]), [:], .error(241)),
        ExpressionCase(convert("0123", toUUIDType, ["format": "uuid"]), [:], .error(241)),
        ExpressionCase(convert(.string(uuidText), "binData", ["format": "uuid"]), [:], .error(241)),
        ExpressionCase(convert("SGVsbG8=", toUUIDType, ["format": "base64"]), [:], .error(241)),
        ExpressionCase(convert(binary([0xFF]), "string", ["format": "utf8"]), [:], .error(241)),
        ExpressionCase(convert(hello, "string", ["format": "uuid"]), [:], .error(241)),
        // Without a format, binary data becomes a string as $toString makes it (the manual's $toString table).
        ExpressionCase(convert(hello, "string"), [:], .value("SGVsbG8=")),
        ExpressionCase(convert(uuid, "string"), [:], .value(.string(uuidText))),
        // mongod's codes (expression_convert.cpp): options are checked before converting, so onError does not apply.
        ExpressionCase(convert("00", "binData", ["format": "base32"]), [:], .error(4_341_125)),
        ExpressionCase(convert("00", "binData", ["format": "base32", "onError": "e"]), [:], .error(4_341_125)),
        ExpressionCase(convert("00", "binData", ["format": 1]), [:], .error(4_341_114)),
        ExpressionCase(convert("00", "binData", ["format": "auto"]), [:], .error(241)),
        ExpressionCase(convert(1, "binData", ["byteOrder": "middle"]), [:], .error(9_130_002)),
        ExpressionCase(convert(1, "binData", ["byteOrder": 1]), [:], .error(9_130_001)),
        ExpressionCase(
            convert("00", ["type": "binData", "subtype": 3], ["format": "hex"]), [:], .value(binary([0], 3))),
        ExpressionCase(convert("00", ["type": "binData", "subtype": 9], ["format": "hex"]), [:], .error(4_341_107)),
        ExpressionCase(convert("00", ["type": "binData", "subtype": 300], ["format": "hex"]), [:], .error(4_341_107)),
        ExpressionCase(convert("00", ["type": "binData", "subtype": 2.5], ["format": "hex"]), [:], .error(4_341_106)),
        ExpressionCase(convert("00", ["type": "binData", "subtype": "x"], ["format": "hex"]), [:], .error(4_341_108)),
        ExpressionCase(convert("00", ["type": "binData", "kind": 0], ["format": "hex"]), [:], .error(9)),
        ExpressionCase(convert("00", ["subtype": 0], ["format": "hex"]), [:], .error(9)),
    ]

    @Test(arguments: cases)
    func converts(_ testCase: ExpressionCase) throws {
        try testCase.check()
    }
}
