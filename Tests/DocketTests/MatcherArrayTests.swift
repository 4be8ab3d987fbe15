import DocketBSON
import Testing

@testable import Docket

@Suite struct MatcherArrayTests {
    static let user: BSONDocument = [
        "_id": 1,
        "teams": [["id": 7, "role": "viewer"], ["id": 9, "role": "admin", "tags": ["x", "y"]]],
        "matrix": [[1, 2], [3, 4]],
        "nested": [[["b": 1]], ["b": 2]],
        "obj": ["0": "zero", "1": ["c": 5]],
    ]

    static let paths: [MatchCase] = [
        MatchCase(["teams.role": "admin"], user, true),
        MatchCase(["teams.role": "owner"], user, false),
        MatchCase(["teams.tags": "y"], user, true),
        MatchCase(["teams.0.role": "viewer"], user, true),
        MatchCase(["teams.0.role": "admin"], user, false),
        MatchCase(["teams.1.role": "admin"], user, true),
        MatchCase(["teams.2.role": .null], user, true),  // each team lacks field "2": missing matches null
        MatchCase(["teams.2.role": "admin"], user, false),
        MatchCase(["teams.1.tags.0": "x"], user, true),
        MatchCase(["teams.01.role": "viewer"], user, false),
        MatchCase(["teams.id": ["$gt": 8]], user, true),
        MatchCase(["teams.nope": .null], user, true),
        // Arrays of arrays: implicit traversal goes one level only.
        MatchCase(["matrix": [1, 2]], user, true),
        MatchCase(["matrix": 1], user, false),
        MatchCase(["matrix.0": [1, 2]], user, true),
        MatchCase(["matrix.0": 1], user, false),
        MatchCase(["matrix.0.1": 2], user, true),
        MatchCase(["matrix.1": 3], user, false),
        MatchCase(["nested.b": 2], user, true),
        MatchCase(["nested.b": 1], user, false),
        MatchCase(["nested.0.b": 1], user, true),
        // Numeric components also name document fields.
        MatchCase(["obj.0": "zero"], user, true),
        MatchCase(["obj.1.c": 5], user, true),
        MatchCase(["a.0": 1], ["a": [["0": 1]]], true),
        MatchCase(["a.0.0": 1], ["a": [["0": 1]]], true),
        // Missing intermediate fields and scalars.
        MatchCase(["a.b.c": .null], ["a": ["b": 5]], true),
        MatchCase(["a.b.c": 5], ["a": ["b": 5]], false),
        MatchCase(["a.b": 1], ["a": [["b": [1, 2]]]], true),
        MatchCase(["a.b": [1, 2]], ["a": [["b": [1, 2]]]], true),
    ]

    @Test(arguments: paths)
    func dottedPathsTraverseArraysLikeMongoDB(_ row: MatchCase) throws { try row.check() }

    static let all: [MatchCase] = [
        MatchCase(["tags": ["$all": ["a", "b"]]], ["tags": ["b", "c", "a"]], true),
        MatchCase(["tags": ["$all": ["a", "d"]]], ["tags": ["b", "c", "a"]], false),
        MatchCase(["tags": ["$all": ["a"]]], ["tags": "a"], true),
        MatchCase(["tags": ["$all": []]], ["tags": []], false),
        MatchCase(["tags": ["$all": [["a", "b"]]]], ["tags": ["a", "b"]], true),
        MatchCase(["tags": ["$all": [["a", "b"]]]], ["tags": [["a", "b"], "c"]], true),
        MatchCase(["tags": ["$all": [.regex(BSONRegex(pattern: "^b"))]]], ["tags": ["a", "bc"]], true),
        MatchCase(["tags": ["$all": [1]]], ["tags": [1.0]], true),
        MatchCase(["t.r": ["$all": ["x", "y"]]], ["t": [["r": "x"], ["r": "y"]]], true),
        MatchCase(
            ["qty": ["$all": [["$elemMatch": ["size": "M", "num": ["$gt": 50]]], ["$elemMatch": ["num": 100]]]]],
            ["qty": [["size": "M", "num": 100]]], true),
        MatchCase(
            ["qty": ["$all": [["$elemMatch": ["size": "M", "num": ["$gt": 50]]], ["$elemMatch": ["num": 1]]]]],
            ["qty": [["size": "M", "num": 100]]], false),
    ]

    @Test(arguments: all)
    func allRequiresEveryMember(_ row: MatchCase) throws { try row.check() }

    static let elemMatch: [MatchCase] = [
        MatchCase(["r": ["$elemMatch": ["$gte": 80, "$lt": 85]]], ["r": [82, 90]], true),
        MatchCase(["r": ["$elemMatch": ["$gte": 80, "$lt": 85]]], ["r": [79, 90]], false),
        MatchCase(["r": ["$gte": 80, "$lt": 85]], ["r": [79, 90]], true),
        MatchCase(["r": ["$elemMatch": ["$gte": 80]]], ["r": 82], false),
        MatchCase(["r": ["$elemMatch": ["$eq": 1]]], ["r": [[1]]], false),
        MatchCase(["r": ["$elemMatch": ["$ne": 1]]], ["r": [1, 2]], true),
        MatchCase(["r": ["$elemMatch": ["$ne": 1]]], ["r": [1]], false),
        MatchCase(["r": ["$elemMatch": ["$not": ["$gt": 1]]]], ["r": [5, 0]], true),
        MatchCase(["r": ["$elemMatch": ["$in": [3, 4]]]], ["r": [1, 4]], true),
        MatchCase(["r": ["$elemMatch": ["$size": 2]]], ["r": [[1, 2]]], true),
        MatchCase(["t": ["$elemMatch": ["id": 9, "role": "admin"]]], user.renamed("teams", "t"), true),
        MatchCase(["t": ["$elemMatch": ["id": 7, "role": "admin"]]], user.renamed("teams", "t"), false),
        MatchCase(["t.id": 7, "t.role": "admin"], user.renamed("teams", "t"), true),
        MatchCase(["t": ["$elemMatch": ["$or": [["id": 1], ["role": "admin"]]]]], user.renamed("teams", "t"), true),
        MatchCase(["t": ["$elemMatch": ["tags": "y"]]], user.renamed("teams", "t"), true),
        MatchCase(["a": ["$elemMatch": ["0": 1]]], ["a": [[1, 2]]], true),
        MatchCase(["a": ["$elemMatch": ["b": ["$exists": false]]]], ["a": [1, ["c": 1]]], true),
        MatchCase(["a": ["$elemMatch": [:]]], ["a": [1, ["c": 1]]], true),
        MatchCase(["a": ["$elemMatch": [:]]], ["a": [1, 2]], false),
        MatchCase(["a.b": ["$elemMatch": ["$gt": 2]]], ["a": [["b": [1]], ["b": [3]]]], true),
        MatchCase(["a": ["$elemMatch": ["$gt": 2]]], ["a": [[1], [3]]], false),
    ]

    @Test(arguments: elemMatch)
    func elemMatchNeedsOneElementToMatchEverything(_ row: MatchCase) throws { try row.check() }

    static let size: [MatchCase] = [
        MatchCase(["a": ["$size": 2]], ["a": [1, 2]], true),
        MatchCase(["a": ["$size": 2]], ["a": [1]], false),
        MatchCase(["a": ["$size": 0]], ["a": []], true),
        MatchCase(["a": ["$size": 0]], ["b": []], false),
        MatchCase(["a": ["$size": 1]], ["a": "x"], false),
        MatchCase(["a": ["$size": 2]], ["a": [[1, 2]]], false),
        MatchCase(["a": ["$size": 1]], ["a": [[1, 2]]], true),
        MatchCase(["a": ["$size": 2.0]], ["a": [1, 2]], true),
        MatchCase(["a.b": ["$size": 1]], ["a": [["b": [1]], ["b": [1, 2]]]], true),
        MatchCase(["a": ["$not": ["$size": 1]]], ["a": [1, 2]], true),
    ]

    @Test(arguments: size)
    func sizeCountsTheArrayItself(_ row: MatchCase) throws { try row.check() }

    static let positions: [(BSONDocument, Int?)] = [
        (["teams.role": "admin"], 1),
        (["teams.role": "viewer"], 0),
        (["teams": ["$elemMatch": ["id": 9]]], 1),
        (["teams.tags": "y"], 1),
        (["_id": 1], nil),
        (["teams.1.role": "admin"], nil),
        (["teams.id": ["$gt": 0], "teams.role": "admin"], 1),
        (["matrix": [3, 4]], 1),
        (["$or": [["_id": 2], ["teams.role": "admin"]]], 1),
    ]

    @Test(arguments: positions)
    func recordsTheArrayPositionForThePositionalOperator(_ filter: BSONDocument, _ expected: Int?) throws {
        let matcher = try Matcher(filter)
        var details = MatchDetails()
        #expect(matcher.matches(try RawDocument(Self.user), details: &details))
        #expect(details.arrayPosition == expected)
    }
}

extension BSONDocument {
    func renamed(_ from: String, _ to: String) -> BSONDocument {
        BSONDocument(elements: map { (key: $0.key == from ? to : $0.key, value: $0.value) })
    }
}
