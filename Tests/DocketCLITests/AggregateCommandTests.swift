import Foundation
import Testing

@testable import Docket

/// `docket aggregate` end to end.
@Suite struct AggregateCommandTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// The pipeline file's name (its extension chooses JSON or a script) and contents.
        var file: String
        var source: String
        var flags: [String]
        var stdout: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "a JSON pipeline over the sample data", file: "count.json",
            source: #"[{"$match": {"status": {"$exists": true}}}, {"$count": "n"}]"#,
            flags: ["--sample", "--collection", "users"], stdout: "{\"n\":1000}\n"),
        Case(
            name: "Extended JSON values in the pipeline", file: "team.json",
            source: #"[{"$match": {"_id": {"$numberInt": "3"}}}, {"$project": {"_id": 1}}]"#,
            flags: ["--sample", "--collection", "teams"], stdout: "{\"_id\":3}\n"),
        Case(
            name: "a script's value is the pipeline, and it may insert data first", file: "pipeline.js",
            source: """
                db.c.insertMany([{ _id: 1, a: 1, when: new Date(0) }, { _id: 2, a: NumberLong(2) }, { _id: 3, a: 3.5 }]);
                [{ $match: { a: { $gte: 1 } } }, { $sort: { a: -1 } }]
                """,
            flags: ["--collection", "c"],
            stdout: """
                {"_id":3,"a":3.5}
                {"_id":2,"a":2}
                {"_id":1,"a":1,"when":{"$date":"1970-01-01T00:00:00Z"}}

                """),
        Case(
            name: "another database", file: "other.js",
            source: "db.getSiblingDB('shop').orders.insertOne({ _id: 'x', total: 5 }); [{ $project: { total: 1 } }]",
            flags: ["--db", "shop", "--collection", "orders"], stdout: "{\"_id\":\"x\",\"total\":5}\n"),
    ]

    @Test(arguments: cases) func printsOneRelaxedDocumentPerLine(_ c: Case) throws {
        let path = try DocketExecutable.script(c.source, name: c.file)
        let result = try DocketExecutable.run(["aggregate", path] + c.flags)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == c.stdout)
    }

    @Test func explainPrintsTheExplainDocument() throws {
        let path = try DocketExecutable.script(
            #"[{"$match": {"_id": 7}}, {"$unwind": "$teams"}]"#, name: "explain.json")
        let result = try DocketExecutable.run(["aggregate", path, "--sample", "--collection", "users", "--explain"])
        #expect(result.status == 0, "\(result.stderr)")
        let explained = try BSONDocument(extendedJSON: result.stdout)
        #expect(explained["explainVersion"] == "1")
        let cursor = explained["stages"]?.arrayValue?.first?.documentValue?["$cursor"]?.documentValue
        let plan = cursor?["queryPlanner"]?.documentValue
        #expect(plan?["namespace"] == "test.users")
        #expect(plan?["winningPlan"]?.documentValue?["stage"] == "IDHACK")
        #expect(explained["stages"]?.arrayValue?.last == ["$unwind": ["path": "$teams"]])
    }

    @Test func aDataDirectoryIsAcceptedWithAWarning() throws {
        let path = try DocketExecutable.script(#"[{"$count": "n"}]"#, name: "p.json")
        let result = try DocketExecutable.run(["aggregate", NSTemporaryDirectory(), path, "--collection", "none"])
        #expect(result.status == 0)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("not durable yet"))
    }

    struct Failure: CustomTestStringConvertible, Sendable {
        var file: String
        var source: String
        var stderr: String
        var testDescription: String { stderr }
    }

    static let failures: [Failure] = [
        Failure(
            file: "bad.json", source: #"[{"$bogus": 1}]"#,
            stderr: "MongoServerError[Location40324]: Unrecognized pipeline stage name: '$bogus'"),
        Failure(
            file: "run.json", source: #"[{"$project": {"x": {"$divide": [1, 0]}}}]"#,
            stderr: "MongoServerError[BadValue]: can't $divide by zero\n    code 2 (BadValue)"),
        Failure(
            file: "object.json", source: #"{"$match": {}}"#,
            stderr: "MongoServerError[TypeMismatch]: 'pipeline' option must be specified as an array"),
        Failure(
            file: "scalars.json", source: "[1]",
            stderr: "MongoServerError[TypeMismatch]: Each element of the 'pipeline' array must be an object"),
        Failure(file: "broken.json", source: "[{", stderr: "is not valid Extended JSON"),
        Failure(file: "broken.js", source: "[{ $match: ", stderr: "SyntaxError"),
        Failure(file: "throws.js", source: "db.c.insertOne({ _id: 1 }); db.c.insertOne({ _id: 1 })", stderr: "E11000"),
    ]

    @Test(arguments: failures) func errorsGoToStandardErrorWithAFailingStatus(_ f: Failure) throws {
        let path = try DocketExecutable.script(f.source, name: f.file)
        let result = try DocketExecutable.run(["aggregate", path, "--sample", "--collection", "teams"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains(f.stderr), "\(result.stderr)")
    }

    @Test func aMissingFileFails() throws {
        let result = try DocketExecutable.run(["aggregate", "/nonexistent/p.json", "--collection", "c"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read"))
    }
}
