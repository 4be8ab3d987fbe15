import Foundation
import Testing

@testable import DocketBSON

@Suite struct BSONPrinterTests {
    /// 400 seeded documents printed by Node.js `util.inspect` with mongosh's BSON printers
    /// (`Tests/Scripts/shell_print_golden.js`), compared with the shell style.
    @Test func shellStyleMatchesNodeInspect() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Golden/shell-print.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let cases = text.components(separatedBy: "\n\u{0}\n").filter { !$0.isEmpty }
        #expect(cases.count == 400)
        let printer = BSONPrinter(.shell())
        for entry in cases {
            guard let newline = entry.firstIndex(of: "\n") else { continue }
            let document = try BSONDocument(extendedJSON: String(entry[..<newline]))
            let expected = String(entry[entry.index(after: newline)...])
            #expect(printer.string(document) == expected, "\(entry[..<newline])")
        }
    }

    @Test func shellStyleScalars() {
        let printer = BSONPrinter(.shell())
        #expect(printer.string(.double(1)) == "1")
        #expect(printer.string(.double(-0.0)) == "-0")
        #expect(printer.string(.double(.nan)) == "NaN")
        #expect(printer.string(.double(-.infinity)) == "-Infinity")
        #expect(printer.string(.double(1e21)) == "1e+21")
        #expect(printer.string(.double(1e-7)) == "1e-7")
        #expect(printer.string(.double(0.000001)) == "0.000001")
        #expect(printer.string(.double(1.2345678901234568e20)) == "123456789012345680000")
        #expect(printer.string(.int64(5)) == "Long('5')")
        #expect(printer.string(.datetime(0)) == "ISODate('1970-01-01T00:00:00.000Z')")
        #expect(printer.string(.datetime(Int64.max)) == "Invalid Date")
        #expect(printer.string(.regex(BSONRegex(pattern: "^a", options: "i"))) == "/^a/i")
        #expect(printer.string(.undefined) == "null")
        #expect(printer.string(.string("it's")) == "\"it's\"")
        #expect(printer.string(.string("a\u{1}\\")) == "'a\\x01\\\\'")
        #expect(printer.element("first name", 1) == "'first name': 1")
    }

    @Test func shellStyleColours() {
        let printer = BSONPrinter(.shell(.init(colors: true)))
        #expect(
            printer.string(["a": "x", "n": 1] as BSONDocument)
                == "{ a: \u{1B}[32m'x'\u{1B}[39m, n: \u{1B}[33m1\u{1B}[39m }")
        #expect(
            printer.string(.objectID(ObjectID(timestamp: 0, random: 0, counter: 1)))
                == "ObjectId(\u{1B}[32m'000000000000000000000001'\u{1B}[39m)")
    }

    @Test func depthLimitPrintsObjectMarker() {
        var value: BSONValue = 1
        for _ in 0..<200 { value = ["a": value] }
        let text = BSONPrinter(.shell()).string(value)
        #expect(text.contains("[Object]"))
        let shallow = BSONPrinter(.shell(.init(depth: 1))).string(["a": ["b": ["c": 1]], "l": [[1]]] as BSONDocument)
        #expect(shallow == "{ a: { b: [Object] }, l: [ [Array] ] }")
    }

    @Test func serverStyleOptions() {
        let mongod = BSONPrinter(.server())
        #expect(
            mongod.string(["a": 1.0, "b": "x", "c": [1, 2], "d": [:]] as BSONDocument)
                == #"{ a: 1.0, b: "x", c: [ 1, 2 ], d: {} }"#)
        #expect(mongod.string(.double(.nan)) == "nan.0")
        #expect(mongod.string(.decimal128(Decimal128(1))) == #"NumberDecimal("1")"#)
        #expect(mongod.string(.binary(BSONBinary(bytes: [0xAB, 1]))) == "BinData(0, AB01)")
        let swiftDoubles = BSONPrinter(
            .server(.init(wholeDoublesBelow: nil, nonFiniteSuffix: "", binary: .byteCount, wrapsDecimals: false)))
        #expect(swiftDoubles.string(.double(1e16)) == "1e+16")
        #expect(swiftDoubles.string(.double(.infinity)) == "inf")
        #expect(swiftDoubles.string(.binary(BSONBinary(bytes: [0xAB, 1]))) == "BinData(0, 2 bytes)")
        #expect(mongod.element("a", .datetime(5)) == "a: new Date(5)")
    }
}
