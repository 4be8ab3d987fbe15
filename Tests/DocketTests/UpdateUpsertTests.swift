import Testing

@testable import Docket

@Suite struct UpdateUpsertTests {
    /// The seed an upsert builds from a filter: the planner's equalities, then the update layer's expansion.
    private func seed(_ filter: BSONDocument, replacement: Bool = false) throws -> BSONDocument {
        try UpdatePlan.upsertSeed(from: QueryPlanner.equalities(try Matcher(filter).root), isReplacement: replacement)
    }

    struct SeedCase: Sendable, CustomTestStringConvertible {
        var name: String
        var filter: BSONDocument
        var expected: BSONDocument
        var testDescription: String { name }
    }

    static let seeds: [SeedCase] = [
        SeedCase(
            name: "equalities, dotted paths and $and", filter: ["a": 1, "b.c": 2, "$and": [["d": 3]]],
            expected: ["a": 1, "b": ["c": 2], "d": 3]),
        SeedCase(
            name: "$eq counts, ranges do not", filter: ["a": ["$eq": 5], "b": ["$gt": 1], "c": ["$in": [1, 2]]],
            expected: ["a": 5]),
        SeedCase(name: "_id comes first", filter: ["x": 1, "_id": 7], expected: ["_id": 7, "x": 1]),
        SeedCase(name: "fields come in path order", filter: ["b": 1, "a": 2], expected: ["a": 2, "b": 1]),
        SeedCase(
            name: "documents and arrays are values", filter: ["a": ["b": 1], "c": [1, 2], "n": .null],
            expected: ["a": ["b": 1], "c": [1, 2], "n": .null]),
        SeedCase(
            name: "regular expressions are not equalities", filter: ["a": .regex(BSONRegex(pattern: "x")), "b": 1],
            expected: ["b": 1]),
        SeedCase(
            name: "$or with several clauses is ignored", filter: ["$or": [["a": 1], ["b": 2]], "c": 3],
            expected: ["c": 3]),
        SeedCase(name: "$or with one clause counts", filter: ["$or": [["a": 1]]], expected: ["a": 1]),
        SeedCase(name: "a one-element $in counts", filter: ["a": ["$in": [4]]], expected: ["a": 4]),
        SeedCase(
            name: "sibling dotted paths share a document", filter: ["a.b": 1, "a.c": 2],
            expected: ["a": ["b": 1, "c": 2]]),
        SeedCase(name: "numeric components make fields", filter: ["a.0": 1], expected: ["a": ["0": 1]]),
        SeedCase(name: "$comment and $expr are ignored", filter: ["$comment": "x", "a": 1], expected: ["a": 1]),
    ]

    @Test(arguments: seeds)
    func seedsFromEqualities(_ c: SeedCase) throws {
        let seeded = try seed(c.filter)
        #expect(seeded.isIdentical(to: c.expected), "got \(show(seeded))")
    }

    @Test func conflictingEqualitiesAreRejected() {
        for (filter, message) in [
            (
                ["a": 1, "$and": [["a": 2]]] as BSONDocument,
                "cannot infer query fields to set, path 'a' is matched twice"
            ),
            (["a": ["b": 1], "a.b": 1], "cannot infer query fields to set, both paths 'a.b' and 'a' are matched"),
        ] {
            #expect {
                try seed(filter)
            } throws: { error in
                let e = error as? DocketError
                return e?.code.code == 54 && e?.message == message
            }
        }
    }

    @Test func replacementSeedsOnlyID() throws {
        let seeded = try seed(["a": 1, "_id": 3], replacement: true)
        #expect(seeded.isIdentical(to: ["_id": 3]))
        #expect(throws: DocketError.self) { try seed(["_id.x": 1], replacement: true) }
    }

    @Test func upsertInsertAppliesSetOnInsertAndKeepsSeededID() throws {
        var doc = try seed(["_id": 1, "email": "a@x"])
        let plan = try UpdatePlan(["$set": ["name": "Ada"], "$setOnInsert": ["created": true], "$inc": ["n": 1]])
        #expect(try plan.apply(to: &doc, arrayPosition: nil, isInsert: true))
        #expect(doc.isIdentical(to: ["_id": 1, "email": "a@x", "created": true, "n": 1, "name": "Ada"]))

        var seeded = try seed(["_id": 1])
        let changeID = try UpdatePlan(["$set": ["_id": 2]])
        #expect(throws: DocketError.self) { try changeID.apply(to: &seeded, arrayPosition: nil, isInsert: true) }
        #expect(throws: DocketError.self) {
            var d = try seed(["a": 1])
            _ = try UpdatePlan(["$set": ["a.$": 1]]).apply(to: &d, arrayPosition: nil, isInsert: true)
        }
    }
}
