import Docket
import Testing

@testable import DocketShell

@Suite struct BSONBridgeTests {
    /// The stored BSON of a value written from the shell.
    func stored(_ expression: String) throws -> BSONValue? {
        let shell = TestShell()
        _ = try shell.shell.evaluate("db.t.insertOne({ _id: 1, v: \(expression) })")
        return try shell.shell.client.database("test").collection("t").findOne()?["v"]
    }

    @Test func numbersAreInt32WhenTheyFitAndDoubleOtherwise() throws {
        #expect(try stored("1")?.type == .int32)
        #expect(try stored("1.0")?.type == .int32)
        #expect(try stored("2147483647")?.type == .int32)
        #expect(try stored("-2147483648")?.type == .int32)
        #expect(try stored("2147483648")?.type == .double)
        #expect(try stored("-2147483649")?.type == .double)
        #expect(try stored("1.5")?.type == .double)
        #expect(try stored("-0")?.type == .double)
        #expect(try stored("NaN")?.type == .double)
        #expect(try stored("3 * 0.5 * 2")?.type == .int32)
        #expect(try stored("Double(3)")?.type == .double)
        #expect(try stored("Int32(3.9)") == .int32(3))
        #expect(try stored("NumberLong(3)")?.type == .int64)
        #expect(try stored("NumberDecimal('3')")?.type == .decimal128)
    }

    @Test func otherValuesMapAsTheNodeDriverMapsThem() throws {
        #expect(try stored("undefined") == .null)
        #expect(try stored("new Date(5)") == .datetime(5))
        #expect(try stored("/a.b/mi") == .regex(BSONRegex(pattern: "a.b", options: "im")))
        #expect(try stored("[1, 'a', [true]]") == [1, "a", [true]])
        #expect(try stored("{ b: { c: null } }") == ["b": ["c": .null]])
        #expect(try stored("MinKey()") == .minKey)
        #expect(try stored("MinKey") == .minKey)  // mongosh's toBSON on the constructors (MONGOSH-1024)
        #expect(try stored("MaxKey") == .maxKey)
        #expect(try stored("Timestamp(1, 2)") == .timestamp(BSONTimestamp(timestamp: 1, increment: 2)))
        #expect(try stored("function f(x) { return x }") == .javascript("function f(x) { return x }"))
    }

    @Test func circularAndTooDeepDocumentsAreErrors() {
        #expect(
            error("const o = {}; o.o = o; db.t.insertOne(o)")?.message == "Cannot convert circular structure to BSON")
        #expect(
            error("const a = []; a.push(a); db.t.insertOne({ a })")?.message
                == "Cannot convert circular structure to BSON")
        #expect(
            error("let d = {}; for (let i = 0; i < 150; i++) d = { d }; db.t.insertOne(d)")?.message
                == "Document exceeds maximum nesting depth of 100")
        #expect(error("db.t.insertOne({ d: new Date(NaN) })")?.message == "Invalid Date cannot be stored")
    }

    @Test func documentsReadBackAsJavaScriptValues() throws {
        let shell = TestShell()
        try shell.shell.client.database("test").collection("r").insertOne([
            "_id": 1, "i": .int32(5), "d": .double(2.5), "l": .int64(7), "u": .undefined, "when": .datetime(0),
        ])
        #expect(
            try shell.value(
                "const r = db.r.findOne(); [typeof r.i, typeof r.d, typeof r.l, r.u, r.when instanceof Date]")
                == "[ 'number', 'number', 'object', null, true ]")
        #expect(try shell.value("db.r.findOne().l + 1") == "71")
        #expect(try shell.value("db.r.findOne().l.toNumber() + 1") == "8")
    }
}
