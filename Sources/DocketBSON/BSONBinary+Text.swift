extension BSONBinary {
    /// The bytes in base64 (`SGVsbG8=`).
    public var base64EncodedString: String {
        var out: [UInt8] = []
        appendBase64(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Binary data from base64 text; `nil` if the text is not base64.
    public init?(base64Encoded text: String, subtype: Subtype = .generic) {
        guard let bytes = decodeBase64(text) else { return nil }
        self.init(subtype: subtype, bytes: bytes)
    }

    /// The bytes in lower-case hex (`0a1b`).
    public var hexString: String { hex(bytes, uppercase: false) }

    /// Binary data from hex digits; `nil` if the text is not an even number of hex digits.
    public init?(hexString text: String, subtype: Subtype = .generic) {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = hexValue(digits[i]), let low = hexValue(digits[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        self.init(subtype: subtype, bytes: bytes)
    }

    /// A UUID (subtype 4) from its text, with or without dashes; `nil` if the text is not a UUID.
    public init?(uuidString text: String) {
        guard let bytes = parseUUIDBytes(text) else { return nil }
        self.init(subtype: .uuid, bytes: bytes)
    }

    /// The UUID text (`01234567-89ab-cdef-0123-456789abcdef`) of a 16-byte UUID (subtype 4), else `nil`.
    public var uuidString: String? {
        subtype == .uuid && bytes.count == 16 ? DocketBSON.uuidString(bytes) : nil
    }
}
