import Testing

@testable import Docket

@Suite struct AggregationGraphLookupTests {
    /// A team tree: 1 → 2, 3; 2 → 4; 4 → 1 (a cycle); 5 alone.
    private func seeded() throws -> DocketDatabase {
        let db = DocketClient().database("org")
        try db.collection("teams").insertMany([
            ["_id": 1, "name": "root", "parent": .null, "active": true],
            ["_id": 2, "name": "eng", "parent": 1, "active": true],
            ["_id": 3, "name": "ops", "parent": 1, "active": false],
            ["_id": 4, "name": "core", "parent": [2, 9], "active": true],
            ["_id": 5, "name": "solo"],
        ])
        return db
    }

    private func names(_ value: BSONValue?) -> [String] {
        (value?.arrayValue ?? []).compactMap { $0.documentValue?["name"]?.stringValue }.sorted()
    }

    @Test func searchesBreadthFirstWithDepthLimitsAndRestrictions() throws {
        let db = try seeded()
        let teams = db.collection("teams")
        let spec: BSONDocument = [
            "from": "teams", "startWith": "$_id", "connectFromField": "_id", "connectToField": "parent",
            "as": "below", "depthField": "level",
        ]
        let all = try teams.aggregate([["$match": ["_id": 1]], ["$graphLookup": .document(spec)]]).toArray()
        #expect(names(all[0]["below"]) == ["core", "eng", "ops"])
        let levels = (all[0]["below"]?.arrayValue ?? []).map {
            ($0.documentValue!["name"]!, $0.documentValue!["level"]!)
        }
        #expect(levels.contains { $0.0 == "core" && $0.1 == .int64(1) })
        #expect(levels.contains { $0.0 == "eng" && $0.1 == .int64(0) })
        var shallow = spec
        shallow["maxDepth"] = 0
        let direct = try teams.aggregate([["$match": ["_id": 1]], ["$graphLookup": .document(shallow)]]).toArray()
        #expect(names(direct[0]["below"]) == ["eng", "ops"])
        var restricted = spec
        restricted["restrictSearchWithMatch"] = ["active": true]
        let active = try teams.aggregate([["$match": ["_id": 1]], ["$graphLookup": .document(restricted)]]).toArray()
        #expect(names(active[0]["below"]) == ["core", "eng"])
        // Upwards through an array of parents, with a cycle: each team once.
        let up: BSONDocument = [
            "from": "teams", "startWith": "$parent", "connectFromField": "parent", "connectToField": "_id",
            "as": "above",
        ]
        let chain = try teams.aggregate([["$match": ["_id": 4]], ["$graphLookup": .document(up)]]).toArray()
        #expect(names(chain[0]["above"]) == ["eng", "root"])
        let none = try teams.aggregate([["$match": ["_id": 5]], ["$graphLookup": .document(up)]]).toArray()
        #expect(names(none[0]["above"]).isEmpty)
    }

    /// mongod's codes (document_source_graph_lookup.cpp): 9 for a non-object or a missing `from` (the lite
    /// parser), 40104 for an unknown field, 40102 for a fractional `maxDepth`.
    static let errorCases: [(BSONValue, Int)] = [
        (1, 9), (["from": "t"], 40105), (["from": 1], 40103), (["x": 1], 9), (["from": "t", "x": 1], 40104),
        (
            [
                "from": "t", "startWith": "$a", "connectFromField": "a", "connectToField": "b", "as": "c",
                "maxDepth": 1.5,
            ],
            40102
        ),
        (
            [
                "from": "t", "startWith": "$a", "connectFromField": "a", "connectToField": "b", "as": "c",
                "maxDepth": "1",
            ],
            40100
        ),
        (
            [
                "from": "t", "startWith": "$a", "connectFromField": "a", "connectToField": "b", "as": "c",
                "maxDepth": -1,
            ],
            40101
        ),
        (
            [
                "from": "t", "startWith": "$a", "connectFromField": "a", "connectToField": "b", "as": "c",
                "restrictSearchWithMatch": 1,
            ], 40185
        ),
    ]

    @Test(arguments: 0..<errorCases.count) func parseErrors(_ index: Int) {
        let (spec, code) = Self.errorCases[index]
        #expect(errorCode { _ = try aggregate([], [["$graphLookup": spec]]) } == code, "\(spec)")
    }
}
