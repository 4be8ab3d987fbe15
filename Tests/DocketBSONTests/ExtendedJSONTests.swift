import DocketBSON
import DocketTestSupport
import Testing

private let sampleID = try! ObjectID(parsing: "57e193d7a9cc81b4027498b5")

/// One value of every BSON type, with its canonical and relaxed Extended JSON.
private let everyType: [(name: String, value: BSONValue, canonical: String, relaxed: String)] = [
    ("double", .double(42.42), #"{"$numberDouble":"42.42"}"#, "42.42"),
    ("string", .string("s"), #""s""#, #""s""#),
    ("document", ["a": 1], #"{"a":{"$numberInt":"1"}}"#, #"{"a":1}"#),
    ("array", [1, "x"], #"[{"$numberInt":"1"},"x"]"#, #"[1,"x"]"#),
    (
        "binary", .binary(BSONBinary(subtype: .userDefined, bytes: Array("123".utf8))),
        #"{"$binary":{"base64":"MTIz","subType":"80"}}"#, #"{"$binary":{"base64":"MTIz","subType":"80"}}"#
    ),
    ("undefined", .undefined, #"{"$undefined":true}"#, #"{"$undefined":true}"#),
    ("objectID", .objectID(sampleID), #"{"$oid":"57e193d7a9cc81b4027498b5"}"#, #"{"$oid":"57e193d7a9cc81b4027498b5"}"#),
    ("bool", .bool(true), "true", "true"),
    (
        "datetime", .datetime(1_356_351_330_501), #"{"$date":{"$numberLong":"1356351330501"}}"#,
        #"{"$date":"2012-12-24T12:15:30.501Z"}"#
    ),
    ("null", .null, "null", "null"),
    (
        "regex", .regex(BSONRegex(pattern: "a/b", options: "ix")),
        #"{"$regularExpression":{"pattern":"a/b","options":"ix"}}"#,
        #"{"$regularExpression":{"pattern":"a/b","options":"ix"}}"#
    ),
    (
        "dbPointer", .dbPointer(BSONDBPointer(namespace: "db.c", id: sampleID)),
        #"{"$dbPointer":{"$ref":"db.c","$id":{"$oid":"57e193d7a9cc81b4027498b5"}}}"#,
        #"{"$dbPointer":{"$ref":"db.c","$id":{"$oid":"57e193d7a9cc81b4027498b5"}}}"#
    ),
    ("javascript", .javascript("f()"), #"{"$code":"f()"}"#, #"{"$code":"f()"}"#),
    ("symbol", .symbol("sym"), #"{"$symbol":"sym"}"#, #"{"$symbol":"sym"}"#),
    (
        "javascriptWithScope", .javascriptWithScope(BSONCodeWithScope(code: "f()", scope: ["x": 1])),
        #"{"$code":"f()","$scope":{"x":{"$numberInt":"1"}}}"#, #"{"$code":"f()","$scope":{"x":1}}"#
    ),
    ("int32", .int32(-7), #"{"$numberInt":"-7"}"#, "-7"),
    (
        "timestamp", .timestamp(BSONTimestamp(timestamp: 4_294_967_295, increment: 1)),
        #"{"$timestamp":{"t":4294967295,"i":1}}"#, #"{"$timestamp":{"t":4294967295,"i":1}}"#
    ),
    ("int64", .int64(Int64.min), #"{"$numberLong":"-9223372036854775808"}"#, "-9223372036854775808"),
    ("minKey", .minKey, #"{"$minKey":1}"#, #"{"$minKey":1}"#),
    ("maxKey", .maxKey, #"{"$maxKey":1}"#, #"{"$maxKey":1}"#),
]

@Suite("Extended JSON")
struct ExtendedJSONTests {
    // MARK: Writer

    @Test func writesEveryTypeInCanonicalAndRelaxedForm() throws {
        for entry in everyType {
            #expect(entry.value.extendedJSONString(mode: .canonical) == entry.canonical, "\(entry.name)")
            #expect(entry.value.extendedJSONString(mode: .relaxed) == entry.relaxed, "\(entry.name)")
            #expect(entry.value.extendedJSONString() == entry.relaxed, "relaxed is the default (\(entry.name))")
        }
    }

    @Test func parsesEveryTypeBackFromCanonicalForm() throws {
        for entry in everyType {
            let parsed = try BSONValue(extendedJSON: entry.canonical)
            if case .javascriptWithScope = entry.value {
                // BSONCodeWithScope is not Hashable; compare through the document form.
                let doc = try BSONDocument(extendedJSON: #"{"v":"# + entry.canonical + "}")
                #expect(doc["v"].map { $0.isIdentical(to: entry.value) } == true)
            } else {
                #expect(parsed.isIdentical(to: entry.value), "\(entry.name): \(parsed)")
            }
        }
    }

    @Test func writesCompactRelaxedDocumentsWithoutSpaces() throws {
        let doc: BSONDocument = ["_id": .objectID(sampleID), "n": 1, "name": "Ada", "tags": ["a", "b"], "e": [:]]
        #expect(
            doc.extendedJSONString()
                == #"{"_id":{"$oid":"57e193d7a9cc81b4027498b5"},"n":1,"name":"Ada","tags":["a","b"],"e":{}}"#
        )
    }

    @Test func writesPrettyOutputWithTwoSpaceIndentationAndInlineWrappers() throws {
        let doc: BSONDocument = ["_id": .objectID(sampleID), "sub": ["x": .int64(5), "list": [1, []]], "empty": [:]]
        let expected = """
            {
              "_id": {"$oid": "57e193d7a9cc81b4027498b5"},
              "sub": {
                "x": {"$numberLong": "5"},
                "list": [
                  {"$numberInt": "1"},
                  []
                ]
              },
              "empty": {}
            }
            """
        #expect(doc.extendedJSONString(mode: .canonical, pretty: true) == expected)
        #expect(try BSONDocument(extendedJSON: expected).isIdentical(to: doc))
    }

    @Test func keepsFieldOrderAndDuplicateKeys() throws {
        let text = #"{"b":1,"a":2,"b":3}"#
        let doc = try BSONDocument(extendedJSON: text)
        #expect(doc.keys == ["b", "a", "b"])
        #expect(doc.extendedJSONString() == text)
    }

    @Test func escapesStringsPerJSON() throws {
        let s = "q\"b\\s/\u{0}\u{1}\u{8}\t\n\u{B}\u{C}\r\u{1F}\u{7F}é☆😀"
        let written = BSONValue.string(s).extendedJSONString()
        #expect(written == "\"q\\\"b\\\\s/\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f\u{7F}é☆😀\"")
        let back = try BSONValue(extendedJSON: written)
        #expect(back.isIdentical(to: .string(s)))
        let doc: BSONDocument = ["k\"\n": "v"]
        #expect(doc.extendedJSONString() == #"{"k\"\n":"v"}"#)
    }

    @Test(arguments: [
        (1.0, "1.0"), (-1.0, "-1.0"), (0.0, "0.0"), (-0.0, "-0.0"), (0.1, "0.1"), (42.42, "42.42"),
        (1.0001220703125, "1.0001220703125"), (1.2345678921232e18, "1.2345678921232E+18"),
        (-1.2345678921232e18, "-1.2345678921232E+18"), (1e20, "1.0E+20"), (1e16, "1.0E+16"),
        (1e15, "1000000000000000.0"), (123456.789, "123456.789"), (0.0001, "0.0001"), (0.00001, "1.0E-5"),
        (1.5e-7, "1.5E-7"), (Double.leastNonzeroMagnitude, "5.0E-324"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157E+308"),
        (2.0e100, "2.0E+100"), (9007199254740993.0, "9007199254740992.0"),
    ])
    func formatsDoublesWithShortestRoundTripDigits(value: Double, text: String) throws {
        #expect(BSONValue.double(value).extendedJSONString(mode: .relaxed) == text)
        #expect(BSONValue.double(value).extendedJSONString(mode: .canonical) == #"{"$numberDouble":""# + text + #""}"#)
        let back = try BSONValue(extendedJSON: text)
        guard case .double(let d) = back else {
            Issue.record("\(text) did not parse as a double: \(back)")
            return
        }
        #expect(d.bitPattern == value.bitPattern)
    }

    @Test func writesNonFiniteDoublesAsWrappersInBothModes() throws {
        for mode in [ExtendedJSONMode.canonical, .relaxed] {
            #expect(BSONValue.double(.infinity).extendedJSONString(mode: mode) == #"{"$numberDouble":"Infinity"}"#)
            #expect(BSONValue.double(-.infinity).extendedJSONString(mode: mode) == #"{"$numberDouble":"-Infinity"}"#)
            #expect(BSONValue.double(.nan).extendedJSONString(mode: mode) == #"{"$numberDouble":"NaN"}"#)
        }
        #expect(try BSONValue(extendedJSON: #"{"$numberDouble":"-Infinity"}"#).isIdentical(to: .double(-.infinity)))
        if case .double(let d) = try BSONValue(extendedJSON: #"{"$numberDouble":"NaN"}"#) {
            #expect(d.isNaN)
        } else {
            Issue.record("NaN did not parse as a double")
        }
    }

    @Test func randomDoublesRoundTripExactlyInBothModes() throws {
        let seed = SeededRandom.baseSeed
        var rng = SeededRandom(seed: seed)
        for _ in 0..<20_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            for mode in [ExtendedJSONMode.canonical, .relaxed] {
                let text = BSONValue.double(d).extendedJSONString(mode: mode)
                let back = try BSONValue(extendedJSON: text)
                guard case .double(let e) = back, e.bitPattern == d.bitPattern else {
                    Issue.record("seed \(seed): \(d) wrote \(text), read back \(back)")
                    return
                }
            }
        }
    }

    @Test func relaxedDatesUseISOStringsOnlyFrom1970Through9999() throws {
        let cases: [(Int64, String)] = [
            (0, #"{"$date":"1970-01-01T00:00:00Z"}"#),
            (1, #"{"$date":"1970-01-01T00:00:00.001Z"}"#),
            (951_782_400_000, #"{"$date":"2000-02-29T00:00:00Z"}"#),
            (253_402_300_799_999, #"{"$date":"9999-12-31T23:59:59.999Z"}"#),
            (253_402_300_800_000, #"{"$date":{"$numberLong":"253402300800000"}}"#),
            (-1, #"{"$date":{"$numberLong":"-1"}}"#),
            (-62_135_596_800_000, #"{"$date":{"$numberLong":"-62135596800000"}}"#),
            (Int64.max, #"{"$date":{"$numberLong":"9223372036854775807"}}"#),
        ]
        for (ms, text) in cases {
            #expect(BSONValue.datetime(ms).extendedJSONString(mode: .relaxed) == text)
            #expect(BSONValue.datetime(ms).extendedJSONString(mode: .canonical).contains("$numberLong"))
            #expect(try BSONValue(extendedJSON: text).isIdentical(to: .datetime(ms)), "\(text)")
        }
    }

    @Test func randomDatesRoundTripThroughRelaxedForm() throws {
        var rng = SeededRandom(seed: SeededRandom.baseSeed)
        for _ in 0..<5_000 {
            let ms = Int64.random(in: -100_000_000_000_000...300_000_000_000_000, using: &rng)
            let text = BSONValue.datetime(ms).extendedJSONString(mode: .relaxed)
            #expect(try BSONValue(extendedJSON: text).isIdentical(to: .datetime(ms)), "\(ms) → \(text)")
        }
    }

    @Test(
        arguments: [
            ("2012-12-24T12:15:30.501Z", 1_356_351_330_501),
            ("2012-12-24T12:15:30.5Z", 1_356_351_330_500),
            ("2012-12-24T12:15:30.501999Z", 1_356_351_330_501),
            ("2012-12-24T13:15:30.501+01:00", 1_356_351_330_501),
            ("2012-12-24T11:15:30.501-0100", 1_356_351_330_501),
            ("2012-12-24t12:15:30z", 1_356_351_330_000),
            ("1969-12-31T23:59:59.999Z", -1),
        ] as [(String, Int64)])
    func parsesRFC3339Dates(text: String, ms: Int64) throws {
        let value = try BSONValue(extendedJSON: #"{"$date":""# + text + #""}"#)
        #expect(value.isIdentical(to: .datetime(ms)))
    }

    @Test(arguments: [
        "2021-02-29T00:00:00Z", "2021-13-01T00:00:00Z", "2021-01-01T24:00:00Z", "2021-01-01T00:00:00",
        "2021-01-01 00:00:00Z", "2021-01-01T00:00:00.Z", "2021-1-01T00:00:00Z", "2021-01-01T00:00:00Zjunk", "",
    ])
    func rejectsMalformedDates(text: String) {
        #expect(throws: BSONError.self) { try BSONValue(extendedJSON: #"{"$date":""# + text + #""}"#) }
    }

    @Test func appendsToAnExistingBuffer() throws {
        var buffer = Array("x\n".utf8)
        let doc: BSONDocument = ["a": 1]
        doc.appendExtendedJSON(to: &buffer)
        doc.appendExtendedJSON(to: &buffer, mode: .canonical)
        #expect(String(decoding: buffer, as: UTF8.self) == #"x\#n{"a":1}{"a":{"$numberInt":"1"}}"#)
    }

    // MARK: Reader: numbers

    @Test(arguments: [
        ("0", BSONValue.int32(0)), ("-0", .int32(0)), ("2147483647", .int32(.max)), ("-2147483648", .int32(.min)),
        ("2147483648", .int64(2_147_483_648)), ("-2147483649", .int64(-2_147_483_649)),
        ("9223372036854775807", .int64(.max)), ("-9223372036854775808", .int64(.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("1.0", .double(1)), ("1e2", .double(100)),
        ("1E+2", .double(100)), ("-2.5e-3", .double(-0.0025)), ("-0.0", .double(-0.0)),
        ("123456789012345678901234567890", .double(123_456_789_012_345_678_901_234_567_890.0)),
        ("0.1000000000000000055511151231257827", .double(0.1)), ("1e400", .double(.infinity)),
    ])
    func parsesJSONNumbersIntoTheSmallestFittingType(text: String, expected: BSONValue) throws {
        let value = try BSONValue(extendedJSON: text)
        #expect(value.isIdentical(to: expected), "\(text) → \(value)")
    }

    @Test(arguments: ["01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "1.2.3", "--1"])
    func rejectsMalformedNumbers(text: String) {
        #expect(throws: BSONError.self) { try BSONValue(extendedJSON: text) }
    }

    @Test func parsesCanonicalNumberWrappersStrictly() throws {
        #expect(try BSONValue(extendedJSON: #"{"$numberInt":"-2147483648"}"#).isIdentical(to: .int32(.min)))
        #expect(try BSONValue(extendedJSON: #"{"$numberLong":"42"}"#).isIdentical(to: .int64(42)))
        #expect(try BSONValue(extendedJSON: #"{"$numberDouble":"1e100"}"#).isIdentical(to: .double(1e100)))
        for bad in [
            #"{"$numberInt":"2147483648"}"#, #"{"$numberInt":"1.0"}"#, #"{"$numberInt":" 1"}"#,
            #"{"$numberInt":"+1"}"#, #"{"$numberInt":""}"#, #"{"$numberLong":"9223372036854775808"}"#,
            #"{"$numberLong":42}"#, #"{"$numberDouble":"abc"}"#, #"{"$numberDouble":"inf"}"#,
            #"{"$numberDouble":"0x1p3"}"#, #"{"$numberDouble":1.0}"#,
        ] {
            #expect(throws: BSONError.self, "\(bad)") { try BSONValue(extendedJSON: bad) }
        }
    }

    // MARK: Reader: strings

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try BSONValue(extendedJSON: #""\u00e9\u2606\ud83d\ude00\/\b""#)
        #expect(value.isIdentical(to: .string("é☆😀/\u{8}")))
    }

    @Test(arguments: [
        #""\ud83d""#, #""\ude00""#, #""\ud83d\u0041""#, #""\x""#, #""\u12""#, "\"a\u{1}b\"", #""abc"#,
    ])
    func rejectsMalformedStrings(text: String) {
        #expect(throws: BSONError.self) { try BSONValue(extendedJSON: text) }
    }

    @Test func rejectsInvalidUTF8InBytes() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSONBytes: bytes) }
    }

    @Test func rejectsNULInKeysAndRegexesButNotInStrings() throws {
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: #"{"a\u0000":1}"#) }
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: #"{"x":{"a\u0000":1}}"#) }
        #expect(throws: BSONError.self) {
            try BSONDocument(extendedJSON: #"{"x":{"$regularExpression":{"pattern":"a\u0000","options":""}}}"#)
        }
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: #"{"x":{"$regex":"a","$options":"\u0000"}}"#) }
        let doc = try BSONDocument(extendedJSON: #"{"a":"x\u0000y"}"#)
        #expect(doc["a"]?.isIdentical(to: .string("x\u{0}y")) == true)
    }

    // MARK: Reader: type wrappers

    @Test func keepsTheOutermostObjectAsADocument() throws {
        let doc = try BSONDocument(extendedJSON: #"{"$oid":"57e193d7a9cc81b4027498b5"}"#)
        #expect(doc["$oid"]?.isIdentical(to: .string("57e193d7a9cc81b4027498b5")) == true)
        let value = try BSONValue(extendedJSON: #"{"$oid":"57e193d7a9cc81b4027498b5"}"#)
        #expect(value.isIdentical(to: .objectID(sampleID)))
    }

    @Test func acceptsWrapperKeysInAnyOrder() throws {
        let binary = try BSONValue(extendedJSON: #"{"$binary":{"subType":"4","base64":"AAAAAAAAAAAAAAAAAAAAAA=="}}"#)
        #expect(binary.isIdentical(to: .binary(BSONBinary(subtype: .uuid, bytes: Array(repeating: 0, count: 16)))))
        let code = try BSONValue(extendedJSON: #"{"$scope":{},"$code":"f"}"#)
        #expect(code.extendedJSONString(mode: .canonical) == #"{"$code":"f","$scope":{}}"#)
        let ts = try BSONValue(extendedJSON: #"{"$timestamp":{"i":2,"t":1}}"#)
        #expect(ts.isIdentical(to: .timestamp(BSONTimestamp(timestamp: 1, increment: 2))))
    }

    @Test func parsesUUIDsAsBinarySubtype4() throws {
        let expected = BSONValue.binary(
            BSONBinary(
                subtype: .uuid,
                bytes: [0x73, 0xff, 0xd2, 0x64, 0x44, 0xb3, 0x4c, 0x69, 0x90, 0xe8, 0xe7, 0xd1, 0xdf, 0xc0, 0x35, 0xd4])
        )
        #expect(
            try BSONValue(extendedJSON: #"{"$uuid":"73ffd264-44b3-4c69-90e8-e7d1dfc035d4"}"#).isIdentical(to: expected))
        #expect(try BSONValue(extendedJSON: #"{"$uuid":"73FFD26444B34C6990E8E7D1DFC035D4"}"#).isIdentical(to: expected))
        #expect(throws: BSONError.self) {
            try BSONValue(extendedJSON: #"{"$uuid":"73ffd264-44b34-c69-90e8-e7d1dfc035d4"}"#)
        }
    }

    @Test func parsesLegacyBinaryAndRegexForms() throws {
        let binary = try BSONValue(extendedJSON: #"{"$binary":"//8=","$type":"80"}"#)
        #expect(binary.isIdentical(to: .binary(BSONBinary(subtype: .userDefined, bytes: [0xFF, 0xFF]))))
        let regex = try BSONValue(extendedJSON: #"{"$options":"mi","$regex":"^a"}"#)
        #expect(regex.isIdentical(to: .regex(BSONRegex(pattern: "^a", options: "mi"))))
        #expect(regex.extendedJSONString() == #"{"$regularExpression":{"pattern":"^a","options":"im"}}"#)

        let strict = ExtendedJSONParsingOptions(allowsLegacyForms: false)
        #expect(throws: BSONError.self) {
            try BSONValue(extendedJSON: #"{"$binary":"//8=","$type":"80"}"#, options: strict)
        }
        let plain = try BSONValue(extendedJSON: #"{"$regex":"^a","$options":"i"}"#, options: strict)
        #expect(plain.isIdentical(to: .document(["$regex": "^a", "$options": "i"])))
    }

    @Test func keepsQueryOperatorsAndDBRefsAsDocuments() throws {
        let filter = try BSONDocument(
            extendedJSON: #"{"name":{"$regex":{"$regularExpression":{"pattern":"^A","options":""}},"$options":"i"},"#
                + #""zip":{"$type":"string"},"n":{"$type":2},"s":{"$regex":"^x"}}"#
        )
        #expect(filter[path: "name.$regex"]?.isIdentical(to: .regex(BSONRegex(pattern: "^A"))) == true)
        #expect(filter[path: "name.$options"]?.isIdentical(to: .string("i")) == true)
        #expect(filter[path: "zip.$type"]?.isIdentical(to: .string("string")) == true)
        #expect(filter[path: "n.$type"]?.isIdentical(to: .int32(2)) == true)
        #expect(filter[path: "s.$regex"]?.isIdentical(to: .string("^x")) == true)
        let ref = try BSONDocument(
            extendedJSON: #"{"r":{"$ref":"c","$id":{"$oid":"57e193d7a9cc81b4027498b5"},"$db":"d"}}"#)
        #expect(ref[path: "r.$id"]?.isIdentical(to: .objectID(sampleID)) == true)
        #expect(ref[path: "r.$db"]?.isIdentical(to: .string("d")) == true)
    }

    @Test(arguments: [
        #"{"$oid":"57e193d7a9cc81b4027498b"}"#, #"{"$oid":"57e193d7a9cc81b4027498bz"}"#,
        #"{"$oid":"57e193d7a9cc81b4027498b5","x":1}"#, #"{"x":1,"$oid":"57e193d7a9cc81b4027498b5"}"#,
        #"{"$binary":{"base64":"//8","subType":"00"}}"#, #"{"$binary":{"base64":"/*8=","subType":"00"}}"#,
        #"{"$binary":{"base64":"","subType":"000"}}"#, #"{"$binary":{"base64":"","subType":"0g"}}"#,
        #"{"$binary":{"base64":"","subType":"00","x":1}}"#, #"{"$binary":"//8="}"#,
        #"{"$binary":{"base64":"","subType":{"$numberInt":"0"}}}"#,
        #"{"$timestamp":{"t":-1,"i":0}}"#, #"{"$timestamp":{"t":4294967296,"i":0}}"#,
        #"{"$timestamp":{"t":1.0,"i":0}}"#, #"{"$timestamp":{"t":{"$numberInt":"1"},"i":0}}"#,
        #"{"$date":42}"#, #"{"$date":{"$numberInt":"42"}}"#, #"{"$date":3000000000}"#,
        #"{"$minKey":{"$numberInt":"1"}}"#, #"{"$maxKey":1.0}"#, #"{"$undefined":false}"#,
        #"{"$code":"f","$scope":{"$numberInt":"1"}}"#, #"{"$scope":{}}"#, #"{"$symbol":1}"#,
        #"{"$dbPointer":{"$ref":"a","$id":"57e193d7a9cc81b4027498b5"}}"#, #"{"$numberDecimal":1}"#,
        #"{"$oid":"57e193d7a9cc81b4027498b5","$oid":"57e193d7a9cc81b4027498b5"}"#,
        #"{"$regularExpression":{"pattern":"a"}}"#, #"{"$binary":{"base64":"","subType":"00"},"$type":"00"}"#,
    ])
    func rejectsMalformedTypeWrappers(text: String) {
        #expect(throws: BSONError.self) { try BSONValue(extendedJSON: text) }
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: #"{"v":"# + text + "}") }
    }

    // MARK: Reader: errors and limits

    @Test func reportsLineAndColumnOfErrors() throws {
        let cases: [(String, Int, Int)] = [
            ("{\n  \"a\": tru\n}", 2, 8),
            ("{\"é\": x}", 1, 7),
            ("{\"a\": 1,\n\"b\": 2,\n}", 3, 1),
            ("{\"a\": 1}\n  x", 2, 3),
            ("{\"a\":\n  {\"$numberInt\": 1}}", 2, 3),
            ("", 1, 1),
            ("{\"a\": \"unterminated", 1, 7),
        ]
        for (text, line, column) in cases {
            do {
                _ = try BSONDocument(extendedJSON: text)
                Issue.record("\(text.debugDescription) parsed")
            } catch {
                #expect(error.kind == .invalidExtendedJSON)
                #expect(error.line == line && error.column == column, "\(text.debugDescription): \(error)")
            }
        }
    }

    @Test func limitsNestingDepthWithoutOverflowingTheStack() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        do {
            _ = try BSONDocument(extendedJSON: #"{"a":"# + deep + "}")
            Issue.record("100000 levels parsed")
        } catch {
            #expect(error.kind == .depthLimitExceeded)
            // The JSON nesting may exceed the BSON limit (100) by the levels type wrappers add (2), plus the top
            // level: the 104th level, the 103rd "[" after `{"a":`, fails.
            #expect(error.line == 1 && error.column == 108, "\(error)")
        }
        let objects = String(repeating: #"{"a":"#, count: 50_000) + String(repeating: "}", count: 50_000)
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: objects) }

        // Exactly the BSON reader's limit is accepted; one more level is not (the same limit as the binary reader's,
        // so whatever this reader accepts can be encoded and read back).
        let atLimit = String(repeating: #"{"a":"#, count: 100) + "{}" + String(repeating: "}", count: 100)
        let document = try BSONDocument(extendedJSON: atLimit)
        #expect(try BSONDocument(bsonBytes: document.bsonBytes()).isIdentical(to: document))
        let overLimit = String(repeating: #"{"a":"#, count: 101) + "{}" + String(repeating: "}", count: 101)
        #expect { try BSONDocument(extendedJSON: overLimit) } throws: {
            ($0 as? BSONError)?.kind == .depthLimitExceeded
        }
        // Type wrappers at the deepest level add JSON levels but no BSON level.
        let wrapped =
            String(repeating: #"{"a":"#, count: 99) + #"{"d":{"$date":{"$numberLong":"1"}}}"#
            + String(repeating: "}", count: 99)
        #expect(throws: Never.self) { try BSONDocument(extendedJSON: wrapped) }
        let small = ExtendedJSONParsingOptions(maxDepth: 3)
        #expect(try BSONDocument(extendedJSON: #"{"a":{"b":[[1]]}}"#, options: small).count == 1)
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: #"{"a":{"b":[[[1]]]}}"#, options: small) }
    }

    @Test(arguments: [
        "", "   ", "[1]", "1", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1}}", "{'a':1}", "{a:1}",
        "{\"a\":1 \"b\":2}", "{\"a\":[1,]}", "{\"a\":tRue}", "{\"a\":nul}", "{\"a\":1}{}",
    ])
    func rejectsMalformedJSON(text: String) {
        #expect(throws: BSONError.self) { try BSONDocument(extendedJSON: text) }
    }

    @Test func readsJSONLinesFromBytes() throws {
        let lines = #"{"a":1}"# + "\n" + #"  {"b":{"$numberLong":"2"}}  "# + "\r\n"
        var documents: [BSONDocument] = []
        for line in lines.utf8.split(separator: UInt8(ascii: "\n")) {
            documents.append(try BSONDocument(extendedJSONBytes: line))
        }
        #expect(documents.count == 2)
        #expect(documents[1]["b"]?.isIdentical(to: .int64(2)) == true)
        let buffer = Array(#"{"c":true}"#.utf8)
        let fromRaw = try buffer.withUnsafeBytes { raw in try BSONDocument(extendedJSONBuffer: raw) }
        #expect(fromRaw["c"]?.isIdentical(to: .bool(true)) == true)
        #expect(try BSONDocument(extendedJSONBytes: Array(#"{"c":true}"#.utf8).lazy.map { $0 })["c"] != nil)
    }

    // MARK: Round trips

    @Test func randomDocumentsRoundTripThroughCanonicalExtendedJSON() throws {
        let seed = SeededRandom.baseSeed
        var rng = SeededRandom(seed: seed)
        for iteration in 0..<300 {
            let doc = randomDocument(depth: 0, using: &rng)
            for pretty in [false, true] {
                let text = doc.extendedJSONString(mode: .canonical, pretty: pretty)
                let back = try BSONDocument(extendedJSON: text)
                #expect(back.isIdentical(to: doc), "seed \(seed), iteration \(iteration): \(text)")
                let bsonOriginal = try doc.bsonBytes()
                #expect(try back.bsonBytes() == bsonOriginal)
            }
            // Relaxed output re-parses to the same document up to the relaxed conversions.
            let relaxed = try BSONDocument(extendedJSON: doc.extendedJSONString(mode: .relaxed))
            #expect(relaxed.extendedJSONString(mode: .relaxed) == doc.extendedJSONString(mode: .relaxed))
        }
    }
}

private func randomString(using rng: inout SeededRandom) -> String {
    let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "\n", "\u{1}", "é", "☆", "😀", "$", ".", "/"]
    return String((0..<Int.random(in: 0...8, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
}

private func randomValue(depth: Int, using rng: inout SeededRandom) -> BSONValue {
    let choice = Int.random(in: 0..<(depth < 4 ? 21 : 19), using: &rng)
    switch choice {
    case 0:
        let d = Double(bitPattern: rng.next())
        return .double(d.isNaN ? 1.5 : d)
    case 1: return .string(randomString(using: &rng))
    case 2:
        return .binary(
            BSONBinary(
                subtype: BSONBinary.Subtype(UInt8.random(in: 0...255, using: &rng)),
                bytes: (0..<Int.random(in: 0...7, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }))
    case 3: return .undefined
    case 4:
        return .objectID(
            ObjectID(
                timestamp: UInt32.random(in: 0...UInt32.max, using: &rng), random: rng.next(),
                counter: UInt32.random(in: 0...0xFFFFFF, using: &rng)))
    case 5: return .bool(Bool.random(using: &rng))
    case 6: return .datetime(Int64(bitPattern: rng.next()) >> Int64.random(in: 0...30, using: &rng))
    case 7: return .null
    case 8:
        return .regex(
            BSONRegex(pattern: randomString(using: &rng), options: ["", "i", "imsx"].randomElement(using: &rng)!))
    case 9: return .dbPointer(BSONDBPointer(namespace: randomString(using: &rng), id: sampleID))
    case 10: return .javascript(randomString(using: &rng))
    case 11: return .symbol(randomString(using: &rng))
    case 12: return .int32(Int32(truncatingIfNeeded: rng.next()))
    case 13:
        return .timestamp(
            BSONTimestamp(
                timestamp: UInt32.random(in: 0...UInt32.max, using: &rng),
                increment: UInt32.random(in: 0...UInt32.max, using: &rng)))
    case 14: return .int64(Int64(bitPattern: rng.next()))
    case 15: return .minKey
    case 16: return .maxKey
    case 17:
        return .double(
            [0.0, -0.0, .infinity, -.infinity, Double.leastNormalMagnitude / 4, 0.1].randomElement(using: &rng)!)
    case 18: return .int32(Int32.random(in: -3...3, using: &rng))
    case 19: return .document(randomDocument(depth: depth + 1, using: &rng))
    default:
        if Bool.random(using: &rng) {
            return .javascriptWithScope(
                BSONCodeWithScope(code: randomString(using: &rng), scope: randomDocument(depth: depth + 1, using: &rng))
            )
        }
        return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in randomValue(depth: depth + 1, using: &rng) })
    }
}

private func randomDocument(depth: Int, using rng: inout SeededRandom) -> BSONDocument {
    var doc = BSONDocument()
    for _ in 0..<Int.random(in: 0...6, using: &rng) {
        // Keys avoid `$` prefixes: a document such as {"$oid": …} is read back as a type wrapper, as the
        // specification warns.
        let key = "k" + randomString(using: &rng)
        doc.append(key, randomValue(depth: depth, using: &rng))
    }
    return doc
}
