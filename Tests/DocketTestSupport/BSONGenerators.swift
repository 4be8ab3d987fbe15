import DocketBSON

// Random BSON for property and oracle tests.
//
// The generators cover every BSON type and lean on edge values: signed zeros, NaN, infinities, subnormals, integer
// extremes, dates outside 1970...9999, empty, long and multi-byte strings (4-byte UTF-8 included), embedded NUL
// bytes in string values, every binary subtype, regexes with options, code with scope, DBPointers, canonical
// Decimal128 bit patterns and special values, and MinKey/MaxKey/undefined. Documents sometimes nest about 50
// levels deep and sometimes repeat a key. Keys never contain NUL.
//
// Text that libbson's builders take as C strings (JavaScript code, BSONDBPointer namespaces, regex patterns) never
// contains NUL, so every generated document can also be built through libbson's API; string and symbol values do.

/// Strings chosen to exercise UTF-8 and ordering edge cases.
private let stringPool: [String] = [
    "", "a", "b", "Z", "z", "abc", "Ada", " ", "0", "10", "9", "-",
    "é", "e\u{301}", "ß", "日本語", "Ω", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{FFFF}", "\u{FEFF}",
    "😀", "👩‍👩‍👧", "𝄞", "\u{10000}", "\u{10FFFF}", "tab\there", "quote\"back\\slash", "line\nbreak", "\u{1}\u{1F}",
    "</script>", "$ref", "a.b",
]

/// Strings with embedded NUL bytes (valid in string and symbol values, never in keys or C strings).
private let nulStringPool: [String] = ["\u{0}", "a\u{0}b", "\u{0}\u{0}", "end\u{0}"]

/// Keys: a small pool (so duplicates and equal keys across documents are common) plus edge cases.
private let keyPool: [String] = [
    "a", "b", "c", "x", "_id", "name", "", "$ref", "$id", "a.b", "é", "e\u{301}", "😀", "0", "1", "10",
    "key with spaces",
]

/// Characters used to build random strings: ASCII, 2-, 3- and 4-byte UTF-8 sequences.
private let characterPool: [Character] = [
    "a", "b", "z", "A", "Z", "0", "9", " ", "_", ".", "$", "\"", "\\", "/", "\n", "\t", "\u{1}", "\u{7F}",
    "é", "ß", "ÿ", "Ā", "\u{7FF}", "日", "本", "€", "\u{FFFD}", "\u{FFFF}", "😀", "𝄞", "\u{10FFFF}", "\u{E000}",
]

extension SeededRandom {
    /// A random BSON value of any type; containers nest at most `depth` more levels.
    ///
    /// With `depth == 0` the value is never a document, array or code with scope.
    public mutating func randomValue(depth: Int) -> BSONValue {
        if depth > 0 && chance(0.18) {
            switch int(0...9) {
            case 0...3: return .document(randomFields(depth: depth - 1))
            case 4...7: return .array(randomArray(depth: depth - 1))
            default:
                return .javascriptWithScope(
                    BSONCodeWithScope(code: randomString(allowingNUL: false), scope: randomFields(depth: depth - 1))
                )
            }
        }
        return randomScalar()
    }

    /// A random value of a non-container type (every type except document, array and code with scope).
    public mutating func randomScalar() -> BSONValue {
        switch int(0...20) {
        case 0: return .double(randomDouble())
        case 1: return .string(randomString(allowingNUL: true))
        case 2: return .binary(randomBinary())
        case 3: return .undefined
        case 4: return .objectID(randomObjectID())
        case 5: return .bool(chance(0.5))
        case 6: return .datetime(randomDatetime())
        case 7: return .null
        case 8: return .regex(randomRegex())
        case 9: return .dbPointer(BSONDBPointer(namespace: randomString(allowingNUL: false), id: randomObjectID()))
        case 10: return .javascript(randomString(allowingNUL: false))
        case 11: return .symbol(randomString(allowingNUL: true))
        case 12: return .int32(randomInt32())
        case 13: return .timestamp(randomTimestamp())
        case 14: return .int64(randomInt64())
        case 15: return .decimal128(randomDecimal128())
        case 16: return .minKey
        case 17: return .maxKey
        case 18: return .double(Double(randomInt32()))
        case 19: return .string(pick(stringPool))
        default: return .int32(Int32(int(-3...3)))
        }
    }

    /// A random document nesting at most `maxDepth` levels.
    ///
    /// About 3% of the time (when `maxDepth >= 2`) it is a chain of documents, arrays and code-with-scope scopes
    /// nested a random number of levels up to `maxDepth` (use 50 or so for deep nesting); otherwise its values nest
    /// at most `min(maxDepth, 3)` levels, which keeps documents small. Keys never contain NUL; about 5% of fields
    /// repeat an earlier key of their document.
    public mutating func randomDocument(maxDepth: Int) -> BSONDocument {
        if maxDepth >= 2 && chance(0.03) {
            return deepDocument(levels: int(2...maxDepth))
        }
        return randomFields(depth: min(maxDepth, 3))
    }

    /// A random key: usually from a small pool of common and edge-case keys, sometimes a random string.
    public mutating func randomKey() -> String {
        chance(0.7) ? pick(keyPool) : randomString(allowingNUL: false, maxLength: 12)
    }

    /// A random string: pooled edge cases, random multi-byte text, rarely a long string; with `allowingNUL`,
    /// sometimes with embedded NUL bytes.
    public mutating func randomString(allowingNUL: Bool, maxLength: Int = 24) -> String {
        let r = int(0...99)
        if r < 40 { return pick(stringPool) }
        if allowingNUL && r < 46 { return pick(nulStringPool) }
        if r < 48 {
            let unit = pick(["x", "é", "日", "😀", "ab"])
            return String(repeating: unit, count: int(100...1500))
        }
        var s = String((0..<int(0...maxLength)).map { _ in pick(characterPool) })
        if allowingNUL && chance(0.1) { s.insert("\u{0}", at: s.index(s.startIndex, offsetBy: int(0...s.count))) }
        return s
    }

    /// A random double with edge values: ±0, NaN, ±infinity, subnormals, extremes, integers and random bits.
    public mutating func randomDouble() -> Double {
        switch int(0...15) {
        case 0: return pick([0.0, -0.0])
        case 1: return .nan
        case 2: return pick([Double.infinity, -Double.infinity])
        case 3:
            // A subnormal: zero exponent, non-zero significand.
            let bits = (next() & 0x000F_FFFF_FFFF_FFFF) | 1
            return Double(bitPattern: chance(0.5) ? bits : bits | (1 << 63))
        case 4:
            return pick([
                Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude, Double.leastNormalMagnitude,
                Double.greatestFiniteMagnitude, -Double.greatestFiniteMagnitude, Double.ulpOfOne,
            ])
        case 5:
            return pick([
                9_007_199_254_740_992.0, 9_007_199_254_740_993.0, 9_223_372_036_854_775_808.0,
                -9_223_372_036_854_775_808.0, 2_147_483_648.0, -2_147_483_649.0, 1e300, -1e-300,
            ])
        case 6: return Double(Int64(bitPattern: next()))
        case 7: return Double(int(-1000...1000)) / pick([1.0, 2.0, 4.0, 10.0, 3.0])
        default:
            // Random finite bits (NaN payloads are left to case 1: text formats do not keep them).
            var d = Double(bitPattern: next())
            while !d.isFinite { d = Double(bitPattern: next()) }
            return d
        }
    }

    /// A random `Int32`, often an extreme or small value.
    public mutating func randomInt32() -> Int32 {
        switch int(0...5) {
        case 0: return pick([Int32.min, Int32.max, 0, -1, 1, Int32.min + 1, Int32.max - 1])
        case 1: return Int32(int(-100...100))
        default: return Int32(truncatingIfNeeded: next())
        }
    }

    /// A random `Int64`, often an extreme, a value just past `Int32` or beyond 2^53.
    public mutating func randomInt64() -> Int64 {
        switch int(0...5) {
        case 0:
            return pick([
                Int64.min, Int64.max, 0, -1, 1, Int64(Int32.max) + 1, Int64(Int32.min) - 1, 9_007_199_254_740_993,
                -9_007_199_254_740_993,
            ])
        case 1: return Int64(int(-100...100))
        default: return Int64(bitPattern: next())
        }
    }

    /// A random datetime in milliseconds: extremes, before 1970, after 9999, around the epoch and random.
    public mutating func randomDatetime() -> Int64 {
        switch int(0...5) {
        case 0: return pick([Int64.min, Int64.max, 0, -1, 1])
        case 1: return -Int64(int(1...62_135_596_800_000))  // back to year 1
        case 2: return 253_402_300_800_000 + Int64(int(0...1_000_000_000_000))  // year 10000 and later
        case 3: return Int64(int(0...253_402_300_799_999))  // 1970...9999
        default: return Int64(bitPattern: next())
        }
    }

    /// A random timestamp, sometimes all zeros or all ones.
    public mutating func randomTimestamp() -> BSONTimestamp {
        switch int(0...3) {
        case 0: return BSONTimestamp(timestamp: 0, increment: 0)
        case 1: return BSONTimestamp(timestamp: .max, increment: .max)
        default:
            return BSONTimestamp(
                timestamp: UInt32(truncatingIfNeeded: next()), increment: UInt32(truncatingIfNeeded: next()))
        }
    }

    /// A random ObjectId, sometimes all zeros or all 0xFF.
    public mutating func randomObjectID() -> ObjectID {
        switch int(0...7) {
        case 0: return ObjectID(bytes: [UInt8](repeating: 0, count: 12))
        case 1: return ObjectID(bytes: [UInt8](repeating: 0xFF, count: 12))
        default: return ObjectID(bytes: bytes(12))
        }
    }

    /// Random binary data of any subtype; UUID (4) and MD5 (5) payloads are 16 bytes, old binary (2) keeps its
    /// payload without the inner length prefix.
    public mutating func randomBinary() -> BSONBinary {
        let subtype = pick([
            0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x80, 0xFF, UInt8(truncatingIfNeeded: next()),
        ])
        let count: Int
        switch subtype {
        case 0x04, 0x05: count = 16
        case 0x03: count = chance(0.8) ? 16 : int(0...20)
        default: count = chance(0.05) ? int(200...600) : int(0...24)
        }
        return BSONBinary(subtype: BSONBinary.Subtype(subtype), bytes: bytes(count))
    }

    /// A random regular expression; options are distinct letters of `ilmsux` in random order.
    public mutating func randomRegex() -> BSONRegex {
        let options = String("ilmsux".filter { _ in chance(0.3) }.shuffled(using: &self))
        return BSONRegex(pattern: randomString(allowingNUL: false), options: options)
    }

    /// A random Decimal128 in canonical encoding: special values (NaN, ±infinity, zeros with extreme exponents,
    /// the largest and smallest magnitudes) or a coefficient below 10^34 with a random biased exponent.
    public mutating func randomDecimal128() -> Decimal128 {
        let sign: UInt64 = chance(0.5) ? 1 << 63 : 0
        if chance(0.15) {
            switch int(0...7) {
            case 0: return Decimal128(high: 0x7C00_0000_0000_0000, low: 0)  // NaN
            case 1: return Decimal128(high: 0x7800_0000_0000_0000 | sign, low: 0)  // ±Infinity
            case 2: return Decimal128(high: sign | 0x3040_0000_0000_0000, low: 0)  // ±0
            case 3: return Decimal128(high: sign, low: 0)  // 0E-6176
            case 4: return Decimal128(high: sign | (12287 << 49), low: 0)  // 0E+6111
            case 5: return Decimal128(high: sign, low: 1)  // 1E-6176
            case 6:
                // 9999…9 (34 digits) E+6111: the largest finite magnitude.
                let max: UInt128 = 9_999_999_999_999_999_999_999_999_999_999_999
                return Decimal128(high: sign | (12287 << 49) | UInt64(max >> 64), low: UInt64(truncatingIfNeeded: max))
            default: return Decimal128(high: sign | 0x3040_0000_0000_0000, low: UInt64(int(0...10)))  // small ints
            }
        }
        let exponent = UInt64(chance(0.6) ? 6176 + int(-12...6) : int(0...12287))
        let coefficient: UInt128
        switch int(0...3) {
        case 0: coefficient = UInt128(int(0...1_000_000))
        case 1: coefficient = UInt128(next())
        default: coefficient = UInt128.random(in: 0..<10_000_000_000_000_000_000_000_000_000_000_000, using: &self)
        }
        return Decimal128(
            high: sign | (exponent << 49) | UInt64(coefficient >> 64),
            low: UInt64(truncatingIfNeeded: coefficient)
        )
    }

    /// The fields of a random document nested at most `depth` more levels (no deep chain at this level).
    public mutating func randomFields(depth: Int) -> BSONDocument {
        var document = BSONDocument()
        let count = chance(0.1) ? int(0...20) : int(0...6)
        for _ in 0..<count {
            let key = !document.isEmpty && chance(0.05) ? pick(document.keys) : randomKey()
            document.append(key, randomValue(depth: depth))
        }
        return document
    }

    private mutating func randomArray(depth: Int) -> [BSONValue] {
        (0..<(chance(0.1) ? int(0...20) : int(0...6))).map { _ in randomValue(depth: depth) }
    }

    /// A document nesting `levels` containers deep: documents, arrays and code-with-scope scopes in random mix,
    /// each level with a few scalar siblings.
    private mutating func deepDocument(levels: Int) -> BSONDocument {
        var inner: BSONValue = .document(randomFields(depth: 0))
        for _ in 1..<levels {
            switch int(0...9) {
            case 0...4:
                var d = randomFields(depth: 0)
                d.insert(randomKey(), inner, at: int(0...d.count))
                inner = .document(d)
            case 5...8:
                var a = (0..<int(0...2)).map { _ in randomScalar() }
                a.insert(inner, at: int(0...a.count))
                inner = .array(a)
            default:
                guard case .document(let scope) = inner else {
                    inner = .document([randomKey(): inner])
                    continue
                }
                inner = .javascriptWithScope(BSONCodeWithScope(code: randomString(allowingNUL: false), scope: scope))
            }
        }
        if case .document(let d) = inner { return d }
        return [randomKey(): inner]
    }
}

// MARK: - Values for ordering laws

/// Integers that several numeric types can represent exactly.
private let orderingIntegers: [Int64] = [
    0, 1, -1, 2, 3, -7, 100, 1_000_000, Int64(Int32.max), Int64(Int32.min), Int64(Int32.max) + 1,
    9_007_199_254_740_992, 9_007_199_254_740_993, Int64.max, Int64.min, Int64.max - 1,
]

/// Doubles that are not integers (or are too large for `Int64`), including the special values.
private let orderingDoubles: [Double] = [
    0.5, -0.5, 1.5, 0.1, 0.1.nextUp, 0.3, -2.5, 1e300, -1e300, 1e30, 9_223_372_036_854_775_808.0,
    18_446_744_073_709_551_616.0, .infinity, -.infinity, .nan, -0.0, .leastNonzeroMagnitude,
    -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
]

/// Decimal-only numbers: other representations of equal values (`1.0` as 10E-1, `100` as 1E+2) and values no
/// double represents exactly.
private let orderingDecimals: [Decimal128] = [
    Decimal128(high: 6175 << 49, low: 10),  // 1.0
    Decimal128(high: 6178 << 49, low: 1),  // 1E+2
    Decimal128(high: 6176 << 49, low: 100),  // 100
    Decimal128(high: 6175 << 49, low: 1),  // 0.1 exactly
    Decimal128(high: 6175 << 49, low: 5),  // 0.5
    Decimal128(high: 1 << 63 | 6176 << 49, low: 0),  // -0
    Decimal128(high: 6206 << 49, low: 1),  // 1E+30
    Decimal128(high: 0x7C00_0000_0000_0000, low: 0),  // NaN
    Decimal128(high: 0x7800_0000_0000_0000, low: 0),  // Infinity
    Decimal128(high: 0xF800_0000_0000_0000, low: 0),  // -Infinity
]

extension SeededRandom {
    /// A value for ordering laws, biased towards collisions: numbers from a small pool in random numeric types
    /// (the same number as int32, int64, double and decimal128), small pools of each other type, and small
    /// documents and arrays built from them, so equal-bracket and equal-value pairs are common.
    public mutating func randomOrderingValue(depth: Int) -> BSONValue {
        switch int(0...19) {
        case 0...7: return randomNumberRepresentation()
        case 8...14: return randomPooledScalar()
        case 15...17 where depth > 0:
            if chance(0.5) {
                return .array((0..<int(0...3)).map { _ in randomOrderingValue(depth: depth - 1) })
            }
            var d = BSONDocument()
            for _ in 0..<int(0...3) { d.append(pick(["a", "b", "B"]), randomOrderingValue(depth: depth - 1)) }
            return .document(d)
        default: return randomValue(depth: 0)
        }
    }

    /// A number from a small pool, as one of the numeric types that represent it exactly (an integer may come
    /// back as int32, int64, double or decimal128).
    public mutating func randomNumberRepresentation() -> BSONValue {
        switch int(0...9) {
        case 0...5:
            let n = pick(orderingIntegers)
            var choices: [BSONValue] = [.int64(n), .decimal128(Decimal128(n))]
            if let i = Int32(exactly: n) { choices.append(.int32(i)) }
            if let d = Double(exactly: n) { choices.append(.double(d)) }
            return pick(choices)
        case 6...8:
            let d = pick(orderingDoubles)
            return chance(0.7) ? .double(d) : .decimal128(Decimal128(d))
        default:
            return .decimal128(pick(orderingDecimals))
        }
    }

    /// A scalar of a non-numeric type from a small pool.
    public mutating func randomPooledScalar() -> BSONValue {
        let ids = [
            ObjectID(bytes: [UInt8](repeating: 0, count: 12)), ObjectID(bytes: [UInt8](repeating: 1, count: 12)),
        ]
        switch int(0...15) {
        case 0: return .string(pick(["", "a", "Z", "ab", "é", "e\u{301}", "a\u{0}"]))
        case 1: return .symbol(pick(["", "a", "Z", "ab"]))
        case 2: return .bool(chance(0.5))
        case 3: return pick([.null, .undefined, .minKey, .maxKey])
        case 4: return .datetime(pick([-1, 0, 1, Int64.min, Int64.max]))
        case 5: return .timestamp(BSONTimestamp(timestamp: UInt32(int(0...1)), increment: pick([0, 1, .max])))
        case 6: return .objectID(pick(ids))
        case 7:
            let pool: [(UInt8, [UInt8])] = [
                (0, []), (0, [1]), (0, [2]), (1, [1]), (0x80, [1]), (2, [1]), (2, []), (0, [1, 2]), (5, [0]),
            ]
            let b = pick(pool)
            return .binary(BSONBinary(subtype: BSONBinary.Subtype(b.0), bytes: b.1))
        case 8: return .regex(BSONRegex(pattern: pick(["a", "b", "a."]), options: pick(["", "i", "im"])))
        case 9: return .javascript(pick(["a", "b", ""]))
        case 10:
            let scope: BSONDocument = chance(0.5) ? [:] : ["x": .int32(Int32(int(0...1)))]
            return .javascriptWithScope(BSONCodeWithScope(code: pick(["a", "b"]), scope: scope))
        case 11: return .dbPointer(BSONDBPointer(namespace: pick(["a.b", "a.c", "ab.c"]), id: pick(ids)))
        case 12: return .string(pick(["a", "b"]))
        default: return .bool(true)
        }
    }
}

extension SeededRandom {
    /// A value equal to `value` under MongoDB's order (`==`) but often of another type or representation: a number
    /// as another numeric type holding the same value, a string as a symbol (and back), and documents and arrays
    /// with their elements varied the same way.
    public mutating func equalVariant(of value: BSONValue) -> BSONValue {
        switch value {
        case .int32(let i):
            return pick([.int32(i), .int64(Int64(i)), .double(Double(i)), .decimal128(Decimal128(Int64(i)))])
        case .int64(let i):
            var choices: [BSONValue] = [.int64(i), .decimal128(Decimal128(i))]
            if let small = Int32(exactly: i) { choices.append(.int32(small)) }
            if let d = Double(exactly: i) { choices.append(.double(d)) }
            return pick(choices)
        case .double(let d):
            var choices: [BSONValue] = [.double(d), .decimal128(Decimal128(d))]
            if d == 0 { choices.append(.double(-d)) }
            if let i = Int64(exactly: d) { choices.append(.int64(i)) }
            if let i = Int32(exactly: d) { choices.append(.int32(i)) }
            return pick(choices)
        case .string(let s): return chance(0.5) ? .symbol(s) : value
        case .symbol(let s): return chance(0.5) ? .string(s) : value
        case .document(let d):
            return .document(BSONDocument(elements: d.map { (key: $0.key, value: equalVariant(of: $0.value)) }))
        case .array(let a): return .array(a.map { equalVariant(of: $0) })
        default: return value
        }
    }
}
