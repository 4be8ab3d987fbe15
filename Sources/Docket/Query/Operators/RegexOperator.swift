import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `$regex` (and regular-expression values used as filters or `$in`/`$all` members): matches strings and
/// symbols the pattern finds a match in, and regular-expression values with exactly the same pattern and
/// options.
struct RegexPredicate: Sendable {
    let engine: RegexEngine
    /// The pattern's UTF-8 bytes when it is a plain `^literal` prefix with no options: matched by `memcmp`.
    let literalPrefix: [UInt8]?

    init(pattern: String, options: String) throws(DocketError) {
        engine = try RegexEngine(pattern: pattern, options: options)
        literalPrefix = options.isEmpty ? RegexPredicate.literalPrefix(of: pattern) : nil
    }

    func matches(_ element: RawElement?, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let element else { return false }
        switch element.type {
        case .string, .symbol:
            let text = RawValues.stringBytes(element, buffer)
            if let prefix = literalPrefix {
                guard text.count >= prefix.count else { return false }
                return prefix.withUnsafeBytes { p in
                    p.count == 0 || memcmp(text.baseAddress!, p.baseAddress!, p.count) == 0
                }
            }
            return engine.matches(utf8: text)
        case .regex:
            guard case .regex(let value)? = RawValues.decode(element, buffer) else { return false }
            return value.pattern.utf8.elementsEqual(engine.pattern.utf8)
                && value.options.utf8.elementsEqual(engine.options.utf8)
        default:
            return false
        }
    }

    /// `^abc` made only of ASCII letters, digits, `_`, `-`, `@` and spaces: the pattern is a literal prefix test.
    private static func literalPrefix(of pattern: String) -> [UInt8]? {
        let bytes = Array(pattern.utf8)
        guard bytes.first == UInt8(ascii: "^") else { return nil }
        let body = bytes.dropFirst()
        for b in body {
            let isPlain =
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "-") || b == UInt8(ascii: "@") || b == UInt8(ascii: " ")
            if !isPlain { return nil }
        }
        return Array(body)
    }
}

extension FilterParser {
    /// Parses the `$regex`/`$options` pair of an operator document (MongoDB's `parseRegexDocument`).
    static func parseRegexDocument(path: String, _ operators: BSONDocument) throws(DocketError) -> FilterNode {
        var pattern: String?
        var options = ""
        for (key, value) in operators {
            if key == "$regex" {
                switch value {
                case .string(let s):
                    pattern = s
                case .regex(let r):
                    pattern = r.pattern
                    if !r.options.isEmpty {
                        if !options.isEmpty {
                            throw DocketError(
                                .regexOptionsConflict,
                                "options set in both $regex and $options",
                                fieldPath: path,
                                operatorName: "$regex"
                            )
                        }
                        options = r.options
                    }
                default:
                    throw DocketError(.badValue, "$regex has to be a string", fieldPath: path, operatorName: "$regex")
                }
            } else if key == "$options" {
                guard case .string(let s) = value else {
                    throw DocketError(
                        .badValue,
                        "$options has to be a string",
                        fieldPath: path,
                        operatorName: "$options"
                    )
                }
                if !options.isEmpty {
                    throw DocketError(
                        .regexOptionsConflictAfterRegex,
                        "options set in both $regex and $options",
                        fieldPath: path,
                        operatorName: "$options"
                    )
                }
                options = s
            }
        }
        let predicate = try RegexPredicate(pattern: pattern ?? "", options: options)
        return .leaf(FilterPath(path), .regex(predicate))
    }

    /// A regular-expression value used as a filter (`{name: /^A/i}`).
    static func parseRegexValue(path: String, _ regex: BSONRegex) throws(DocketError) -> FilterNode {
        .leaf(FilterPath(path), .regex(try RegexPredicate(pattern: regex.pattern, options: regex.options)))
    }
}
