import Docket
import Foundation

/// `String.prototype` methods, with JavaScript's UTF-16 indexing.
enum StringMethods {
    static let names: Set<String> = [
        "charAt", "charCodeAt", "codePointAt", "indexOf", "lastIndexOf", "includes", "startsWith", "endsWith", "slice",
        "substring", "substr", "toUpperCase", "toLowerCase", "toLocaleUpperCase", "toLocaleLowerCase", "trim",
        "trimStart", "trimEnd", "padStart", "padEnd", "repeat", "split", "replace", "replaceAll", "match", "matchAll",
        "search", "concat", "at", "localeCompare", "normalize", "toString", "valueOf",
    ]

    /// The character (UTF-16 unit) at an index, as `s[i]` reads it.
    static func character(_ string: String, at index: Int) -> String? {
        let units = string.utf16
        guard index < units.count else { return nil }
        return text(units[units.index(units.startIndex, offsetBy: index)...].prefix(1))
    }

    static func text<S: Sequence>(_ units: S) -> String where S.Element == UInt16 {
        String(decoding: Array(units), as: UTF16.self)
    }

    static func call(_ interpreter: Interpreter, _ string: String, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        func argument(_ i: Int) -> JSValue { interpreter.argument(arguments, i) }
        func stringArgument(_ i: Int) throws(ShellError) -> String { try interpreter.toString(argument(i)) }
        let units = Array(string.utf16)
        let count = units.count
        switch name {
        case "toString", "valueOf": return .string(string)
        case "charAt":
            let i = try ArrayMethods.integer(interpreter, argument(0))
            return .string(i >= 0 && i < Double(count) ? text([units[Int(i)]]) : "")
        case "charCodeAt":
            let i = try ArrayMethods.integer(interpreter, argument(0))
            return .number(i >= 0 && i < Double(count) ? Double(units[Int(i)]) : .nan)
        case "codePointAt":
            let i = try ArrayMethods.integer(interpreter, argument(0))
            guard i >= 0 && i < Double(count) else { return .undefined }
            let k = Int(i)
            if UTF16.isLeadSurrogate(units[k]), k + 1 < count, UTF16.isTrailSurrogate(units[k + 1]) {
                let scalar = 0x10000 + (UInt32(units[k]) - 0xD800) << 10 + (UInt32(units[k + 1]) - 0xDC00)
                return .number(Double(scalar))
            }
            return .number(Double(units[k]))
        case "at":
            var i = try ArrayMethods.integer(interpreter, argument(0))
            if i < 0 { i += Double(count) }
            return i >= 0 && i < Double(count) ? .string(text([units[Int(i)]])) : .undefined
        case "indexOf", "includes":
            let needle = Array(try stringArgument(0).utf16)
            let from = try interpreter.relativeIndex(argument(1), length: count, default: 0)
            let found = find(needle, in: units, from: max(0, from))
            return name == "includes" ? .bool(found != nil) : .number(Double(found ?? -1))
        case "lastIndexOf":
            let needle = Array(try stringArgument(0).utf16)
            var i = count - needle.count
            while i >= 0 {
                if Array(units[i..<(i + needle.count)]) == needle { return .number(Double(i)) }
                i -= 1
            }
            return .number(-1)
        case "startsWith":
            if case .regexp = argument(0) {
                throw ShellError.type("First argument to String.prototype.startsWith must not be a regular expression")
            }
            let needle = Array(try stringArgument(0).utf16)
            let from = try interpreter.relativeIndex(argument(1), length: count, default: 0)
            return .bool(from + needle.count <= count && Array(units[from..<(from + needle.count)]) == needle)
        case "endsWith":
            let needle = Array(try stringArgument(0).utf16)
            let end = try interpreter.relativeIndex(argument(1), length: count, default: count)
            return .bool(end - needle.count >= 0 && Array(units[(end - needle.count)..<end]) == needle)
        case "slice":
            let start = try interpreter.relativeIndex(argument(0), length: count, default: 0)
            let end = try interpreter.relativeIndex(argument(1), length: count, default: count)
            return .string(start < end ? text(units[start..<end]) : "")
        case "substring":
            func clamp(_ v: JSValue, _ d: Int) throws(ShellError) -> Int {
                if v.isUndefined { return d }
                let n = try ArrayMethods.integer(interpreter, v)
                return Int(min(max(n, 0), Double(count)))
            }
            let a = try clamp(argument(0), 0)
            let b = try clamp(argument(1), count)
            return .string(text(units[min(a, b)..<max(a, b)]))
        case "substr":
            let start = try interpreter.relativeIndex(argument(0), length: count, default: 0)
            let length =
                argument(1).isUndefined
                ? count - start
                : Int(min(max(try ArrayMethods.integer(interpreter, argument(1)), 0), Double(count - start)))
            return .string(text(units[start..<(start + length)]))
        case "toUpperCase", "toLocaleUpperCase": return .string(string.uppercased())
        case "toLowerCase", "toLocaleLowerCase": return .string(string.lowercased())
        case "trim": return .string(string.trimmingJavaScriptWhitespace())
        case "trimStart":
            return .string(String(string.unicodeScalars.drop { $0.properties.isWhitespace || $0 == "\u{FEFF}" }))
        case "trimEnd":
            var scalars = string.unicodeScalars[...]
            while let last = scalars.last, last.properties.isWhitespace || last == "\u{FEFF}" { scalars.removeLast() }
            return .string(String(scalars))
        case "padStart", "padEnd":
            let target = Int(min(max(0, try ArrayMethods.integer(interpreter, argument(0))), 1e15))
            let filler = argument(1).isUndefined ? [UInt16(32)] : Array(try stringArgument(1).utf16)
            guard target > count, !filler.isEmpty else { return .string(string) }
            try interpreter.checkStringLength(target)
            var pad: [UInt16] = []
            pad.reserveCapacity(target - count)
            while pad.count < target - count { pad.append(filler[pad.count % filler.count]) }
            return .string(name == "padStart" ? text(pad + units) : text(units + pad))
        case "repeat":
            let times = try ArrayMethods.integer(interpreter, argument(0))
            guard times >= 0, times.isFinite else {
                throw ShellError.range("Invalid count value: \(JavaScriptText.number(times))")
            }
            if count == 0 || times == 0 { return .string("") }
            try interpreter.checkStringLength(Int(min(times, 1e12)) * string.utf8.count)
            return .string(String(repeating: string, count: Int(times)))
        case "concat":
            var result = string
            for value in arguments { result += try interpreter.toString(value) }
            try interpreter.checkStringLength(result.utf8.count)
            return .string(result)
        case "localeCompare":
            let other = try stringArgument(0)
            return .number(string < other ? -1 : string > other ? 1 : 0)
        case "normalize":
            return .string(string)
        case "split":
            return try split(interpreter, string, units, argument(0), argument(1))
        case "replace", "replaceAll":
            return .string(try replace(interpreter, string, argument(0), argument(1), all: name == "replaceAll"))
        case "match":
            let regexp = try regExp(interpreter, argument(0))
            if regexp.isGlobal {
                let matches = regexp.compiled.allMatches(in: string)
                if matches.isEmpty { return .null }
                return .array(JSArray(matches.map { .string(text(units[$0.range])) }))
            }
            guard let match = regexp.compiled.firstMatch(in: string, from: 0) else { return .null }
            return matchArray(match, units, input: string)
        case "matchAll":
            let regexp = try regExp(interpreter, argument(0))
            guard regexp.isGlobal else {
                throw ShellError.type("String.prototype.matchAll called with a non-global RegExp argument")
            }
            return .array(JSArray(regexp.compiled.allMatches(in: string).map { matchArray($0, units, input: string) }))
        case "search":
            let regexp = try regExp(interpreter, argument(0))
            return .number(Double(regexp.compiled.firstMatch(in: string, from: 0)?.range.lowerBound ?? -1))
        default:
            throw ShellError.type("\(name) is not a function")
        }
    }

    static func find(_ needle: [UInt16], in units: [UInt16], from: Int) -> Int? {
        if needle.isEmpty { return min(from, units.count) }
        guard needle.count <= units.count else { return nil }
        var i = from
        while i + needle.count <= units.count {
            if units[i] == needle[0] && Array(units[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    /// The array `exec` and `match` return: the match and its groups.
    ///
    /// - Note: Differs from JavaScript: the array has no `index` and `input` properties (use `search()`).
    static func matchArray(_ match: ShellRegex.Match, _ units: [UInt16], input: String) -> JSValue {
        .array(JSArray(match.ranges.map { range in range.map { .string(text(units[$0])) } ?? .undefined }))
    }

    private static func regExp(_ interpreter: Interpreter, _ value: JSValue) throws(ShellError) -> JSRegExp {
        if case .regexp(let regexp) = value { return regexp }
        let source = value.isUndefined ? "(?:)" : try interpreter.toString(value)
        return try JSRegExp(source: source, flags: "")
    }

    private static func split(
        _ interpreter: Interpreter, _ string: String, _ units: [UInt16], _ separator: JSValue,
        _ limitValue: JSValue
    ) throws(ShellError) -> JSValue {
        let limit = limitValue.isUndefined ? Int.max : Int(interpreter.toUInt32(try interpreter.toNumber(limitValue)))
        var parts: [JSValue] = []
        if limit == 0 { return .array(JSArray()) }
        if separator.isUndefined { return .array(JSArray([.string(string)])) }
        if case .regexp(let regexp) = separator {
            if units.isEmpty {
                return .array(JSArray(regexp.compiled.firstMatch(in: string, from: 0) == nil ? [.string("")] : []))
            }
            var start = 0
            var offset = 0
            while offset < units.count, let match = regexp.compiled.firstMatch(in: string, from: offset) {
                if match.range.upperBound == match.range.lowerBound && match.range.lowerBound >= units.count { break }
                if match.range.isEmpty && match.range.lowerBound == start {
                    offset = match.range.lowerBound + 1
                    if offset > units.count { break }
                    if match.range.lowerBound == 0 { continue }
                }
                if match.range.lowerBound >= units.count { break }
                parts.append(.string(text(units[start..<match.range.lowerBound])))
                if parts.count >= limit { return .array(JSArray(parts)) }
                for group in match.ranges.dropFirst() {
                    parts.append(group.map { .string(text(units[$0])) } ?? .undefined)
                }
                start = match.range.upperBound
                offset = match.range.isEmpty ? match.range.upperBound + 1 : match.range.upperBound
                try interpreter.checkArrayLength(parts.count)
            }
            parts.append(.string(text(units[min(start, units.count)...])))
            return .array(JSArray(Array(parts.prefix(limit))))
        }
        let needle = Array(try interpreter.toString(separator).utf16)
        if needle.isEmpty {
            return .array(JSArray(units.prefix(limit).map { .string(text([$0])) }))
        }
        var start = 0
        while let found = find(needle, in: units, from: start) {
            parts.append(.string(text(units[start..<found])))
            if parts.count >= limit { return .array(JSArray(parts)) }
            start = found + needle.count
        }
        parts.append(.string(text(units[start...])))
        return .array(JSArray(parts))
    }

    private static func replace(
        _ interpreter: Interpreter, _ string: String, _ pattern: JSValue,
        _ replacement: JSValue, all: Bool
    ) throws(ShellError) -> String {
        let units = Array(string.utf16)
        var matches: [ShellRegex.Match] = []
        if case .regexp(let regexp) = pattern {
            if all && !regexp.isGlobal { throw ShellError.type("replaceAll must be called with a global RegExp") }
            if regexp.isGlobal {
                matches = regexp.compiled.allMatches(in: string)
            } else if let match = regexp.compiled.firstMatch(in: string, from: 0) {
                matches = [match]
            }
        } else {
            let needle = Array(try interpreter.toString(pattern).utf16)
            var from = 0
            while let found = find(needle, in: units, from: from) {
                matches.append(ShellRegex.Match(ranges: [found..<(found + needle.count)]))
                if !all { break }
                from = found + max(needle.count, 1)
                if from > units.count { break }
            }
        }
        var result: [UInt16] = []
        var last = 0
        for match in matches {
            result.append(contentsOf: units[last..<match.range.lowerBound])
            let inserted: String
            if case .function(let fn) = replacement {
                var callArguments: [JSValue] = match.ranges.map { range in
                    range.map { .string(text(units[$0])) } ?? .undefined
                }
                callArguments.append(.number(Double(match.range.lowerBound)))
                callArguments.append(.string(string))
                inserted = try interpreter.toString(try interpreter.call(fn, this: .undefined, callArguments))
            } else {
                inserted = expand(try interpreter.toString(replacement), match, units)
            }
            result.append(contentsOf: inserted.utf16)
            try interpreter.checkStringLength(result.count)
            last = match.range.upperBound
        }
        result.append(contentsOf: units[last...])
        return text(result)
    }

    /// Expands `$&`, `$1`…`$99`, `` $` ``, `$'` and `$$` in a replacement string.
    private static func expand(_ template: String, _ match: ShellRegex.Match, _ units: [UInt16]) -> String {
        guard template.contains("$") else { return template }
        let t = Array(template.utf16)
        var out: [UInt16] = []
        var i = 0
        while i < t.count {
            guard t[i] == 0x24, i + 1 < t.count else {
                out.append(t[i])
                i += 1
                continue
            }
            let next = t[i + 1]
            switch next {
            case 0x24:
                out.append(0x24)
                i += 2
            case 0x26:
                out.append(contentsOf: units[match.range])
                i += 2
            case 0x60:
                out.append(contentsOf: units[..<match.range.lowerBound])
                i += 2
            case 0x27:
                out.append(contentsOf: units[match.range.upperBound...])
                i += 2
            case 0x30...0x39:
                var group = Int(next - 0x30)
                var length = 2
                if i + 2 < t.count, (0x30...0x39).contains(t[i + 2]),
                    group * 10 + Int(t[i + 2] - 0x30) < match.ranges.count
                {
                    group = group * 10 + Int(t[i + 2] - 0x30)
                    length = 3
                }
                if group > 0 && group < match.ranges.count {
                    if let range = match.ranges[group] { out.append(contentsOf: units[range]) }
                    i += length
                } else {
                    out.append(t[i])
                    i += 1
                }
            default:
                out.append(t[i])
                i += 1
            }
        }
        return text(out)
    }
}

/// `RegExp.prototype` methods.
enum RegExpMethods {
    static func call(_ interpreter: Interpreter, _ regexp: JSRegExp, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        switch name {
        case "test", "exec":
            let string = try interpreter.toString(interpreter.argument(arguments, 0))
            let usesLastIndex = regexp.isGlobal || regexp.isSticky
            let start = usesLastIndex ? regexp.lastIndex : 0
            guard start <= string.utf16.count,
                let match = regexp.compiled.firstMatch(in: string, from: start, sticky: regexp.isSticky)
            else {
                if usesLastIndex { regexp.lastIndex = 0 }
                return name == "test" ? .bool(false) : .null
            }
            if usesLastIndex { regexp.lastIndex = match.range.upperBound }
            return name == "test" ? .bool(true) : StringMethods.matchArray(match, Array(string.utf16), input: string)
        case "toString":
            return .string("/\(regexp.source)/\(regexp.flags)")
        default:
            throw ShellError.type("\(name) is not a function")
        }
    }
}

/// `Number.prototype` methods.
enum NumberMethods {
    static func call(_ interpreter: Interpreter, _ number: Double, _ name: String, _ arguments: [JSValue])
        throws(ShellError) -> JSValue
    {
        let first = interpreter.argument(arguments, 0)
        switch name {
        case "toString":
            if first.isUndefined { return .string(JavaScriptText.number(number)) }
            let radix = interpreter.clampedInt(try ArrayMethods.integer(interpreter, first))
            guard (2...36).contains(radix) else { throw ShellError.range("toString() radix must be between 2 and 36") }
            if radix == 10 || !number.isFinite { return .string(JavaScriptText.number(number)) }
            return .string(radixString(number, radix))
        case "valueOf": return .number(number)
        case "toLocaleString": return .string(JavaScriptText.number(number))
        case "toFixed":
            let digits = interpreter.clampedInt(try ArrayMethods.integer(interpreter, first))
            guard (0...100).contains(digits) else {
                throw ShellError.range("toFixed() digits argument must be between 0 and 100")
            }
            if !number.isFinite || abs(number) >= 1e21 { return .string(JavaScriptText.number(number)) }
            return .string(fixed(number, digits))
        case "toPrecision":
            if first.isUndefined { return .string(JavaScriptText.number(number)) }
            let precision = interpreter.clampedInt(try ArrayMethods.integer(interpreter, first))
            guard (1...100).contains(precision) else {
                throw ShellError.range("toPrecision() argument must be between 1 and 100")
            }
            if !number.isFinite { return .string(JavaScriptText.number(number)) }
            return .string(precisionText(number, precision))
        case "toExponential":
            let digits = first.isUndefined ? 6 : interpreter.clampedInt(try ArrayMethods.integer(interpreter, first))
            if !number.isFinite { return .string(JavaScriptText.number(number)) }
            guard (0...100).contains(digits) else {
                throw ShellError.range("toExponential() argument must be between 0 and 100")
            }
            var text = Interpreter.formatDouble(number, "%.\(digits)e")
            // C writes e+05; JavaScript writes e+5.
            if let e = text.firstIndex(of: "e") {
                let mantissa = text[..<e]
                var exponent = String(text[text.index(after: e)...])
                let sign = exponent.removeFirst()
                while exponent.count > 1 && exponent.hasPrefix("0") { exponent.removeFirst() }
                text = "\(mantissa)e\(sign)\(exponent)"
            }
            return .string(text)
        default:
            throw ShellError.type("\(name) is not a function")
        }
    }

    /// `toFixed`: the decimal closest to the number with `digits` fraction digits, a tie going to the larger
    /// magnitude (C's `%f` would round a tie to even).
    static func fixed(_ number: Double, _ digits: Int) -> String {
        // glibc prints the exact decimal expansion of a double (at most 1074 fraction digits).
        let exact = Interpreter.formatDouble(abs(number), "%.\(digits + 1080)f")
        guard let point = exact.firstIndex(of: ".") else { return exact }
        var kept = Array(exact[..<exact.index(point, offsetBy: digits + 1)].filter { $0 != "." })
        let rest = exact[exact.index(point, offsetBy: digits + 1)...]
        if let first = rest.first, first >= "5" {
            // Round up (a tie rounds up too): propagate the carry.
            var i = kept.count - 1
            while i >= 0 {
                if kept[i] == "9" {
                    kept[i] = "0"
                    i -= 1
                } else {
                    kept[i] = Character(Unicode.Scalar(kept[i].asciiValue! + 1))
                    break
                }
            }
            if i < 0 { kept.insert("1", at: 0) }
        }
        var text = String(kept)
        if digits > 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -digits)) }
        let isZero = kept.allSatisfy { $0 == "0" }
        return (number < 0 && !isZero ? "-" : "") + text
    }

    /// `toPrecision`: `precision` significant digits, in exponential form when the exponent is below -6 or not
    /// below the precision.
    static func precisionText(_ number: Double, _ precision: Int) -> String {
        if number == 0 { return precision > 1 ? "0." + String(repeating: "0", count: precision - 1) : "0" }
        let scientific = Interpreter.formatDouble(abs(number), "%.\(precision - 1)e")
        guard let e = scientific.firstIndex(of: "e"), let exponent = Int(scientific[scientific.index(after: e)...])
        else {
            return JavaScriptText.number(number)
        }
        let digits = String(scientific[..<e].filter { $0 != "." })
        let sign = number < 0 ? "-" : ""
        if exponent < -6 || exponent >= precision {
            let mantissa = digits.count > 1 ? "\(digits.first!).\(digits.dropFirst())" : digits
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(abs(exponent))
        }
        if exponent >= 0 {
            let integer = digits.prefix(exponent + 1)
            let fraction = digits.dropFirst(exponent + 1)
            return sign + integer + (fraction.isEmpty ? "" : "." + fraction)
        }
        return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
    }

    static func radixString(_ number: Double, _ radix: Int) -> String {
        let negative = number < 0
        var integer = abs(number).rounded(.towardZero)
        var fraction = abs(number) - integer
        let digits = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var integerText = ""
        if integer == 0 { integerText = "0" }
        while integer >= 1 {
            let d = Int(integer.truncatingRemainder(dividingBy: Double(radix)))
            integerText.insert(digits[d], at: integerText.startIndex)
            integer = (integer / Double(radix)).rounded(.towardZero)
        }
        var fractionText = ""
        var count = 0
        while fraction > 0 && count < 52 {
            fraction *= Double(radix)
            let d = Int(fraction)
            fractionText.append(digits[d])
            fraction -= Double(d)
            count += 1
        }
        return (negative ? "-" : "") + integerText + (fractionText.isEmpty ? "" : "." + fractionText)
    }
}

extension Interpreter {
    /// A double through a C format (`%.3f`, `%.5g`, `%.2e`).
    static func formatDouble(_ value: Double, _ format: String) -> String {
        var capacity = 512
        while true {
            let (text, needed) = withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
                let written = Int(withVaList([value]) { vsnprintf(buffer.baseAddress!, capacity, format, $0) })
                let length = min(max(0, written), capacity - 1)
                let text = String(
                    decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: length), as: UTF8.self)
                return (text, written)
            }
            if needed < capacity { return text }
            capacity = needed + 1
        }
    }

}
