import DocketBSON
import Foundation

// The string expressions: $concat $substrBytes $substr $substrCP $toUpper $toLower $split $trim $ltrim $rtrim
// $strLenBytes $strLenCP $indexOfBytes $indexOfCP $strcasecmp $replaceOne $replaceAll $regexMatch $regexFind
// $regexFindAll. Strings compare and change case byte by byte in ASCII, as MongoDB does; code-point operators count
// Unicode scalars. Regular expressions run on the project's `RegexEngine` (ICU; see its divergences from PCRE).

/// `$trim`, `$replaceOne`/`$replaceAll` and the `$regex…` operators: string operators with named arguments.
enum StringNode: Sendable {
    /// `$trim`/`$ltrim`/`$rtrim`: which ends, the input, and the characters (`nil`: whitespace).
    case trim(TrimEnds, ExpressionNode, ExpressionNode?)
    /// `$replaceOne`/`$replaceAll`: all occurrences?, input, find, replacement.
    case replace(Bool, ExpressionNode, ExpressionNode, ExpressionNode)
    /// `$regexMatch`/`$regexFind`/`$regexFindAll`.
    case regex(RegexOperation, ExpressionNode, RegexSource)

    /// Which ends `$trim` works on.
    enum TrimEnds: Sendable {
        case both, start, end

        var name: String {
            switch self {
            case .both: "$trim"
            case .start: "$ltrim"
            case .end: "$rtrim"
            }
        }
    }

    /// What a `$regex…` operator returns.
    enum RegexOperation: Sendable {
        case match, find, findAll

        var name: String {
            switch self {
            case .match: "$regexMatch"
            case .find: "$regexFind"
            case .findAll: "$regexFindAll"
            }
        }
    }

    /// The pattern of a `$regex…` operator: compiled once when constant.
    enum RegexSource: Sendable {
        case compiled(RegexEngine)
        case dynamic(ExpressionNode, ExpressionNode?)
    }
}

/// MongoDB's `Value::coerceToString`: strings as they are, numbers and dates printed, nullish as `""`.
func coerceToString(_ value: BSONValue?, _ name: String) throws(DocketError) -> String {
    switch value {
    case .none, .null?, .undefined?: return ""
    case .string(let s)?, .symbol(let s)?, .javascript(let s)?: return s
    case .int32(let v)?: return String(v)
    case .int64(let v)?: return String(v)
    case .double(let d)?: return Conversion.formatDouble(d)
    case .decimal128(let d)?: return d.description
    case .datetime(let ms)?: return CivilTime.isoString(milliseconds: ms)
    case .timestamp(let t)?: return "Timestamp(\(t.timestamp), \(t.increment))"
    case let other?:
        throw DocketError(
            .location(16007), "can't convert from BSON type \(other.type.alias) to String", operatorName: name)
    }
}

extension ExpressionParser {
    /// Parses a string operator.
    func parseString(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        switch op {
        case .concat:
            let arguments = try parseArguments(argument)
            return ExpressionNode.variadic(.concat, arguments).folded(when: arguments)
        case .substrBytes, .substr, .substrCP:
            let arguments = try parseArguments(name, argument, exactly: 3)
            return ExpressionNode.variadic(op == .substrCP ? .substrCP : .substrBytes(name), arguments)
                .folded(when: arguments)
        case .indexOfBytes, .indexOfCP:
            let arguments = try parseArguments(name, argument, from: 2, to: 4)
            return ExpressionNode.variadic(op == .indexOfCP ? .indexOfCP : .indexOfBytes, arguments)
                .folded(when: arguments)
        case .toUpper, .toLower, .strLenBytes, .strLenCP:
            let arguments = try parseArguments(name, argument, exactly: 1)
            let unary: UnaryOperator =
                switch op {
                case .toUpper: .toUpper
                case .toLower: .toLower
                case .strLenBytes: .strLenBytes
                default: .strLenCP
                }
            return ExpressionNode.unary(unary, arguments[0]).folded(when: arguments)
        case .split, .strcasecmp:
            let arguments = try parseArguments(name, argument, exactly: 2)
            return ExpressionNode.binary(op == .split ? .split : .strcasecmp, arguments[0], arguments[1])
                .folded(when: arguments)
        case .trim, .ltrim, .rtrim:
            let ends: StringNode.TrimEnds = op == .trim ? .both : (op == .ltrim ? .start : .end)
            guard case .document(let spec) = argument else {
                throw DocketError(
                    .location(50696), "\(name) only supports an object as an argument, found \(argument.type.alias)",
                    operatorName: name)
            }
            var input: ExpressionNode?
            var chars: ExpressionNode?
            for (key, value) in spec {
                switch key {
                case "input": input = try parseOperand(value)
                case "chars": chars = try parseOperand(value)
                default:
                    throw DocketError(
                        .location(50694), "\(name) found an unrecognized option: \(key)", operatorName: name)
                }
            }
            guard let input else {
                throw DocketError(.location(50695), "\(name) requires an 'input' field", operatorName: name)
            }
            let node = ExpressionNode.stringOperator(.trim(ends, input, chars))
            return node.folded(when: [input] + (chars.map { [$0] } ?? []))
        case .replaceOne, .replaceAll:
            guard case .document(let spec) = argument else {
                throw DocketError(
                    .location(51751), "\(name) requires an object as an argument, found: \(argument.type.alias)",
                    operatorName: name)
            }
            var parts: [String: ExpressionNode] = [:]
            for (key, value) in spec {
                guard ["input", "find", "replacement"].contains(key) else {
                    throw DocketError(.location(51750), "\(name) found an unknown argument: \(key)", operatorName: name)
                }
                parts[key] = try parseOperand(value)
            }
            for (key, code) in [("input", 51749), ("find", 51748), ("replacement", 51747)] where parts[key] == nil {
                throw DocketError(.location(code), "\(name) requires '\(key)' to be specified", operatorName: name)
            }
            let arguments = [parts["input"]!, parts["find"]!, parts["replacement"]!]
            return ExpressionNode.stringOperator(.replace(op == .replaceAll, arguments[0], arguments[1], arguments[2]))
                .folded(when: arguments)
        default:
            let operation: StringNode.RegexOperation =
                op == .regexMatch ? .match : (op == .regexFind ? .find : .findAll)
            return try parseRegex(operation, argument)
        }
    }

    private func parseRegex(_ operation: StringNode.RegexOperation, _ argument: BSONValue) throws(DocketError)
        -> ExpressionNode
    {
        let name = operation.name
        guard case .document(let spec) = argument else {
            throw DocketError(
                .location(51103), "\(name) expects an object of named arguments but found: \(argument.type.alias)",
                operatorName: name)
        }
        var input: ExpressionNode?
        var regex: ExpressionNode?
        var options: ExpressionNode?
        for (key, value) in spec {
            switch key {
            case "input": input = try parseOperand(value)
            case "regex": regex = try parseOperand(value)
            case "options": options = try parseOperand(value)
            default:
                throw DocketError(.location(31024), "\(name) found an unknown argument: \(key)", operatorName: name)
            }
        }
        guard let input else {
            throw DocketError(.location(31022), "\(name) requires 'input' parameter", operatorName: name)
        }
        guard let regex else {
            throw DocketError(.location(31023), "\(name) requires 'regex' parameter", operatorName: name)
        }
        var source = StringNode.RegexSource.dynamic(regex, options)
        if case .constant(let pattern) = regex, options?.isConstant ?? true {
            var optionValue: BSONValue?
            if case .constant(let o)? = options { optionValue = o }
            if let engine = try StringNode.compile(name, pattern, optionValue) { source = .compiled(engine) }
        }
        return ExpressionNode.stringOperator(.regex(operation, input, source))
    }
}

extension StringNode {
    /// Compiles a pattern and its options; `nil` when the pattern is nullish (the operator then gives its
    /// "no match" result).
    static func compile(_ name: String, _ pattern: BSONValue?, _ options: BSONValue?) throws(DocketError)
        -> RegexEngine?
    {
        var flags = ""
        switch options {
        case .none, .null?, .undefined?: break
        case .string(let s)?: flags = s
        case .some:
            throw DocketError(
                .location(51106), "\(name) needs 'options' to be of type string", operatorName: name)
        }
        switch pattern {
        case .none, .null?, .undefined?:
            return nil
        case .string(let p)?:
            return try engine(name, p, flags)
        case .regex(let r)?:
            if !r.options.isEmpty && !flags.isEmpty {
                throw DocketError(
                    .location(51107), "\(name) found regex option(s) specified in both 'regex' and 'option' fields",
                    operatorName: name)
            }
            return try engine(name, r.pattern, r.options.isEmpty ? flags : r.options)
        case .some:
            throw DocketError(
                .location(51105), "\(name) needs 'regex' to be of type string or regex", operatorName: name)
        }
    }

    private static func engine(_ name: String, _ pattern: String, _ flags: String) throws(DocketError) -> RegexEngine {
        if pattern.utf8.contains(0) {
            throw DocketError(
                .location(51109), "\(name): regular expression cannot contain an embedded null byte", operatorName: name
            )
        }
        do {
            return try RegexEngine(pattern: pattern, options: flags)
        } catch {
            var wrapped = error
            wrapped.code = error.code == .invalidRegexFlag ? .location(51108) : .location(51111)
            wrapped.message = "\(name): \(error.message)"
            throw wrapped
        }
    }

    /// Evaluates the operator.
    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        switch self {
        case .trim(let ends, let inputNode, let charsNode):
            let input = try inputNode.evaluate(&context)
            if input.isNullish { return .null }
            guard case .string(let text)? = input else {
                throw DocketError(
                    .location(50699),
                    "\(ends.name) requires its input to be a string, got \(BSONPrinter.updateMessage.string(input!)) (of type \(input.typeName)) instead.",
                    operatorName: ends.name)
            }
            var characters = Self.whitespace
            if let charsNode {
                let chars = try charsNode.evaluate(&context)
                if chars.isNullish { return .null }
                guard case .string(let set)? = chars else {
                    throw DocketError(
                        .location(50700),
                        "\(ends.name) requires 'chars' to be a string, got \(BSONPrinter.updateMessage.string(chars!)) (of type \(chars.typeName)) instead.",
                        operatorName: ends.name)
                }
                characters = Set(set.unicodeScalars)
            }
            var scalars = Substring(text).unicodeScalars[...]
            if ends != .end { while let first = scalars.first, characters.contains(first) { scalars.removeFirst() } }
            if ends != .start { while let last = scalars.last, characters.contains(last) { scalars.removeLast() } }
            var trimmed = ""
            trimmed.unicodeScalars.append(contentsOf: scalars)
            return .string(trimmed)
        case .replace(let all, let inputNode, let findNode, let replacementNode):
            let name = all ? "$replaceAll" : "$replaceOne"
            let input = try inputNode.evaluate(&context)
            let find = try findNode.evaluate(&context)
            let replacement = try replacementNode.evaluate(&context)
            for (value, label, code) in [
                (input, "input", 51746), (find, "find", 51745), (replacement, "replacement", 51744),
            ] {
                if value.isNullish { continue }
                guard case .string? = value else {
                    throw DocketError(
                        .location(code),
                        "\(name) requires that '\(label)' be a string, found: \(BSONPrinter.updateMessage.string(value!))",
                        operatorName: name)
                }
            }
            guard case .string(let text)? = input, case .string(let needle)? = find,
                case .string(let with)? = replacement
            else { return .null }
            return .string(Self.replacing(text, needle, with, all: all))
        case .regex(let operation, let inputNode, let source):
            let input = try inputNode.evaluate(&context)
            let engine: RegexEngine?
            switch source {
            case .compiled(let compiled): engine = compiled
            case .dynamic(let patternNode, let optionsNode):
                let pattern = try patternNode.evaluate(&context)
                let options = try optionsNode?.evaluate(&context)
                engine = try Self.compile(operation.name, pattern, options)
            }
            if input.isNullish || engine == nil {
                switch operation {
                case .match: return .bool(false)
                case .find: return .null
                case .findAll: return .array([])
                }
            }
            guard case .string(let text)? = input, let engine else {
                throw DocketError(
                    .location(51104), "\(operation.name) needs 'input' to be of type string",
                    operatorName: operation.name)
            }
            return Self.runRegex(operation, engine, text)
        }
    }

    /// MongoDB's default `$trim` characters: NUL, ASCII and Unicode whitespace.
    private static let whitespace: Set<Unicode.Scalar> = Set(
        [
            0x00, 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005,
            0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000,
        ]
        .compactMap(Unicode.Scalar.init(_:)))

    /// Replaces the first (or every) occurrence of `needle`, comparing UTF-8 bytes; an empty needle matches
    /// before every code point and at the end.
    private static func replacing(_ text: String, _ needle: String, _ with: String, all: Bool) -> String {
        if needle.isEmpty {
            guard all else { return with + text }
            var result = with
            for scalar in text.unicodeScalars {
                result.unicodeScalars.append(scalar)
                result += with
            }
            return result
        }
        let bytes = Array(text.utf8)
        let pattern = Array(needle.utf8)
        var output: [UInt8] = []
        var i = 0
        var replaced = false
        while i < bytes.count {
            if (all || !replaced) && i + pattern.count <= bytes.count
                && bytes[i..<(i + pattern.count)].elementsEqual(pattern)
            {
                output.append(contentsOf: with.utf8)
                i += pattern.count
                replaced = true
            } else {
                output.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `$regexMatch`, `$regexFind`, `$regexFindAll` on a string.
    private static func runRegex(_ operation: RegexOperation, _ engine: RegexEngine, _ text: String) -> BSONValue {
        let utf16 = Array(text.utf16)
        func substring(_ range: NSRange) -> BSONValue {
            guard range.location != NSNotFound else { return .null }
            return .string(String(decoding: utf16[range.location..<(range.location + range.length)], as: UTF16.self))
        }
        func codePointIndex(_ utf16Offset: Int) -> Int {
            String(decoding: utf16[0..<utf16Offset], as: UTF16.self).unicodeScalars.count
        }
        func describe(_ match: RegexEngine.Match) -> BSONValue {
            [
                "match": substring(match.range), "idx": .int32(Int32(codePointIndex(match.range.location))),
                "captures": .array(match.groups.map(substring)),
            ]
        }
        switch operation {
        case .match:
            return .bool(engine.firstMatch(in: text, from: 0) != nil)
        case .find:
            return engine.firstMatch(in: text, from: 0).map(describe) ?? .null
        case .findAll:
            var results: [BSONValue] = []
            var start = 0
            while start <= utf16.count, let match = engine.firstMatch(in: text, from: start) {
                results.append(describe(match))
                if match.range.length == 0 {
                    // An empty match: move past one code point so the search progresses.
                    let next = match.range.location
                    start = next + (next < utf16.count && UTF16.isLeadSurrogate(utf16[next]) ? 2 : 1)
                } else {
                    start = match.range.location + match.range.length
                }
            }
            return .array(results)
        }
    }
}

extension UnaryOperator {
    /// `$toUpper`, `$toLower`, `$strLenBytes`, `$strLenCP`.
    func applyString(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .toUpper, .toLower:
            let text = try coerceToString(value, self == .toUpper ? "$toUpper" : "$toLower")
            let upper = self == .toUpper
            let bytes = text.utf8.map { byte -> UInt8 in
                if upper, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { return byte - 32 }
                if !upper, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { return byte + 32 }
                return byte
            }
            return .string(String(decoding: bytes, as: UTF8.self))
        case .strLenBytes:
            guard case .string(let text)? = value else {
                throw DocketError(
                    .location(34473), "$strLenBytes requires a string argument, found: \(value.typeName)",
                    operatorName: "$strLenBytes")
            }
            return .int32(Int32(text.utf8.count))
        default:
            guard case .string(let text)? = value else {
                throw DocketError(
                    .location(34471), "$strLenCP requires a string argument, found: \(value.typeName)",
                    operatorName: "$strLenCP")
            }
            return .int32(Int32(text.unicodeScalars.count))
        }
    }
}

extension BinaryOperator {
    /// `$split` and `$strcasecmp`.
    func applyString(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        if self == .strcasecmp {
            let a = try coerceToString(lhs, "$strcasecmp").utf8.map(Self.lowercased)
            let b = try coerceToString(rhs, "$strcasecmp").utf8.map(Self.lowercased)
            if a.lexicographicallyPrecedes(b) { return .int32(-1) }
            return .int32(a == b ? 0 : 1)
        }
        if lhs.isNullish { return .null }
        guard case .string(let text)? = lhs else {
            throw DocketError(
                .location(40085),
                "$split requires an expression that evaluates to a string as a first argument, found: \(lhs.typeName)",
                operatorName: "$split")
        }
        guard case .string(let separator)? = rhs else {
            throw DocketError(
                .location(40086),
                "$split requires an expression that evaluates to a string as a second argument, found: \(rhs.typeName)",
                operatorName: "$split")
        }
        guard !separator.isEmpty else {
            throw DocketError(.location(40087), "$split requires a non-empty separator", operatorName: "$split")
        }
        let bytes = Array(text.utf8)
        let pattern = Array(separator.utf8)
        var parts: [BSONValue] = []
        var start = 0
        var i = 0
        while i + pattern.count <= bytes.count {
            if bytes[i..<(i + pattern.count)].elementsEqual(pattern) {
                parts.append(.string(String(decoding: bytes[start..<i], as: UTF8.self)))
                i += pattern.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(.string(String(decoding: bytes[start...], as: UTF8.self)))
        return .array(parts)
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}

extension VariadicOperator {
    /// `$concat`, `$substrBytes`/`$substr`, `$substrCP`, `$indexOfBytes`, `$indexOfCP`.
    func evaluateString(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        var values: [BSONValue?] = []
        switch self {
        case .concat:
            var result = ""
            for argument in arguments {
                let value = try argument.evaluate(&context)
                if value.isNullish { return .null }
                guard case .string(let s)? = value else {
                    throw DocketError(
                        .location(16702), "$concat only supports strings, not \(value.typeName)",
                        operatorName: "$concat")
                }
                result += s
            }
            return .string(result)
        default:
            for argument in arguments { values.append(try argument.evaluate(&context)) }
        }
        switch self {
        case .substrBytes(let name): return try Self.evaluateSubstrBytes(name, values)
        case .substrCP: return try Self.evaluateSubstrCP(values)
        default: return try Self.indexOf(self == .indexOfCP, values)
        }
    }

    private static func evaluateSubstrBytes(_ name: String, _ values: [BSONValue?]) throws(DocketError) -> BSONValue? {
        let bytes = Array(try coerceToString(values[0], name).utf8)
        guard let startValue = values[1], startValue.isNumber else {
            throw DocketError(
                .location(16034), "\(name): starting index must be a numeric type (is BSON type \(values[1].typeName))",
                operatorName: name)
        }
        guard let lengthValue = values[2], lengthValue.isNumber else {
            throw DocketError(
                .location(16035), "\(name): length must be a numeric type (is BSON type \(values[2].typeName))",
                operatorName: name)
        }
        let startLong = NumericArithmetic.int64(startValue) ?? 0
        guard startLong >= 0 else {
            throw DocketError(
                .location(50752), "\(name): starting index must be non-negative (got: \(startLong))", operatorName: name
            )
        }
        let lengthLong = NumericArithmetic.int64(lengthValue) ?? 0
        let start = Int(Swift.min(startLong, Int64(bytes.count)))
        let end =
            lengthLong < 0 || lengthLong >= Int64(bytes.count - start) ? bytes.count : start + Int(lengthLong)
        func isContinuation(_ i: Int) -> Bool { i < bytes.count && bytes[i] & 0xC0 == 0x80 }
        if isContinuation(start) {
            throw DocketError(
                .location(28656), "\(name):  Invalid range, starting index is a UTF-8 continuation byte.",
                operatorName: name)
        }
        if isContinuation(end) {
            throw DocketError(
                .location(28657), "\(name):  Invalid range, ending index is in the middle of a UTF-8 character.",
                operatorName: name)
        }
        return .string(String(decoding: bytes[start..<end], as: UTF8.self))
    }

    private static func evaluateSubstrCP(_ values: [BSONValue?]) throws(DocketError) -> BSONValue? {
        let name = "$substrCP"
        let scalars = Array(try coerceToString(values[0], name).unicodeScalars)
        guard let startValue = values[1], startValue.isNumber else {
            throw DocketError(
                .location(34450), "\(name): starting index must be a numeric type (is BSON type \(values[1].typeName))",
                operatorName: name)
        }
        guard let start = startValue.int64Value, Int32(exactly: start) != nil else {
            throw DocketError(
                .location(34451),
                "\(name): starting index cannot be represented as a 32-bit integral value: \(BSONPrinter.updateMessage.string(startValue))",
                operatorName: name)
        }
        guard let lengthValue = values[2], lengthValue.isNumber else {
            throw DocketError(
                .location(34452), "\(name): length must be a numeric type (is BSON type \(values[2].typeName))",
                operatorName: name)
        }
        guard let length = lengthValue.int64Value, Int32(exactly: length) != nil else {
            throw DocketError(
                .location(34453),
                "\(name): length cannot be represented as a 32-bit integral value: \(BSONPrinter.updateMessage.string(lengthValue))",
                operatorName: name)
        }
        guard start >= 0 else {
            throw DocketError(
                .location(34455), "\(name): the starting index must be nonnegative integer.", operatorName: name)
        }
        guard length >= 0 else {
            throw DocketError(.location(34454), "\(name): length must be a nonnegative integer.", operatorName: name)
        }
        let lower = Int(Swift.min(start, Int64(scalars.count)))
        let upper = Int(Swift.min(Int64(scalars.count), Int64(lower) + length))
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars[lower..<upper])
        return .string(result)
    }

    private static func indexOf(_ codePoints: Bool, _ values: [BSONValue?]) throws(DocketError) -> BSONValue? {
        let name = codePoints ? "$indexOfCP" : "$indexOfBytes"
        if values[0].isNullish { return .null }
        guard case .string(let text)? = values[0] else {
            throw DocketError(
                .location(codePoints ? 40093 : 40091),
                "\(name) requires a string as the first argument, found: \(values[0].typeName)",
                operatorName: name)
        }
        guard case .string(let token)? = values[1] else {
            throw DocketError(
                .location(codePoints ? 40094 : 40092),
                "\(name) requires a string as the second argument, found: \(values[1].typeName)",
                operatorName: name)
        }
        let haystack: [UInt32] = codePoints ? text.unicodeScalars.map(\.value) : text.utf8.map(UInt32.init)
        let needle: [UInt32] = codePoints ? token.unicodeScalars.map(\.value) : token.utf8.map(UInt32.init)
        var bounds = [0, haystack.count]
        for (offset, label) in [(2, "starting index"), (3, "ending index")] where offset < values.count {
            let value = values[offset]
            guard let v = value, v.isNumber, let n = v.int64Value, Int32(exactly: n) != nil else {
                throw DocketError(
                    .location(40096),
                    "\(name)requires an integral \(label), found a value of type: \(value.typeName), with value: "
                        + (value.map { BSONPrinter.updateMessage.string($0) } ?? "missing"),
                    operatorName: name)
            }
            guard n >= 0 else {
                throw DocketError(
                    .location(40097), "\(name) requires a nonnegative \(label), found: \(n)", operatorName: name)
            }
            bounds[offset - 2] = offset == 3 ? Int(Swift.min(n, Int64(haystack.count))) : Int(n)
        }
        let (start, end) = (bounds[0], bounds[1])
        // MongoDB: a start past the end finds nothing; for code points, not even "" at the end of a non-empty string.
        guard start <= end, start <= haystack.count else { return .int32(-1) }
        if codePoints && needle.isEmpty && start == haystack.count && !haystack.isEmpty { return .int32(-1) }
        var i = start
        while i + needle.count <= end {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return .int32(Int32(i)) }
            i += 1
        }
        return .int32(-1)
    }
}
