import Testing

@testable import Docket

@Suite struct AggregationExplainTests {
    static let documents: [BSONDocument] = [
        ["_id": 1, "a": 1, "tags": ["x", "y"]], ["_id": 2, "a": 2, "tags": ["y"]], ["_id": 3, "a": 3, "tags": []],
        ["_id": 4, "a": 4, "tags": ["x", "z"]], ["_id": 5, "a": 5],
    ]

    private func collection() throws -> DocketCollection {
        let c = makeCollection()
        try c.insertMany(Self.documents)
        return c
    }

    /// The `command` section explain echoes for `pipeline` on `test.c`.
    private static func command(_ pipeline: [BSONDocument]) -> BSONDocument {
        ["aggregate": "c", "pipeline": .array(pipeline.map(BSONValue.document)), "cursor": [:], "$db": "test"]
    }

    private static func queryPlanner(_ filter: BSONDocument, _ plan: BSONDocument) -> BSONDocument {
        [
            "namespace": "test.c", "parsedQuery": .document(filter), "indexFilterSet": false,
            "winningPlan": .document(plan), "rejectedPlans": [],
        ]
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var pipeline: [BSONDocument]
        /// The expected explain without `command` and `ok`.
        var expected: BSONDocument
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "collection scan feeding later stages, with the dependency projection",
            pipeline: [
                ["$match": ["a": ["$gt": 1]]], ["$unwind": "$tags"], ["$group": ["_id": "$tags", "n": ["$sum": 1]]],
            ],
            expected: [
                "explainVersion": "1",
                "stages": [
                    [
                        "$cursor": [
                            "queryPlanner": .document(
                                queryPlanner(
                                    ["a": ["$gt": 1]],
                                    [
                                        "stage": "PROJECTION_SIMPLE", "transformBy": ["_id": true, "tags": true],
                                        "inputStage": [
                                            "stage": "COLLSCAN", "filter": ["a": ["$gt": 1]], "direction": "forward",
                                        ],
                                    ]))
                        ]
                    ],
                    ["$unwind": ["path": "$tags"]],
                    ["$group": ["_id": "$tags", "n": ["$sum": 1]]],
                ],
            ]),
        Case(
            name: "a whole pipeline the query answers has a top-level queryPlanner",
            pipeline: [["$match": ["a": 2]], ["$sort": ["a": -1]], ["$skip": 1], ["$limit": 2]],
            expected: [
                "explainVersion": "1",
                "queryPlanner": .document(
                    queryPlanner(
                        ["a": 2],
                        [
                            "stage": "LIMIT", "limitAmount": .int64(2),
                            "inputStage": [
                                "stage": "SKIP", "skipAmount": .int64(1),
                                "inputStage": [
                                    "stage": "SORT", "sortPattern": ["a": -1], "memLimit": 104_857_600,
                                    "limitAmount": .int64(3), "type": "simple",
                                    "inputStage": ["stage": "COLLSCAN", "filter": ["a": 2], "direction": "forward"],
                                ],
                            ],
                        ])),
            ]),
        Case(
            name: "an _id point lookup is IDHACK",
            pipeline: [["$match": ["_id": 2]], ["$project": ["a": 1]]],
            expected: [
                "explainVersion": "1",
                "stages": [
                    ["$cursor": ["queryPlanner": .document(queryPlanner(["_id": 2], ["stage": "IDHACK"]))]],
                    ["$project": ["a": 1]],
                ],
            ]),
        Case(
            name: "an _id list is a FETCH over the _id index",
            pipeline: [["$match": ["_id": ["$in": [3, 1]], "a": 1]]],
            expected: [
                "explainVersion": "1",
                "queryPlanner": .document(
                    queryPlanner(
                        ["_id": ["$in": [3, 1]], "a": 1],
                        [
                            "stage": "FETCH", "filter": ["_id": ["$in": [3, 1]], "a": 1],
                            "inputStage": [
                                "stage": "IXSCAN", "keyPattern": ["_id": 1], "indexName": "_id_", "isMultiKey": false,
                                "isUnique": true, "direction": "forward",
                                "indexBounds": ["_id": ["[1, 1]", "[3, 3]"]],
                            ],
                        ])),
            ]),
        Case(
            name: "rewrites show: $match moved before $sort and merged, $sort with its limit, $skips added",
            pipeline: [
                ["$unwind": "$tags"], ["$sort": ["tags": 1]], ["$match": ["tags": ["$ne": "z"]]],
                ["$match": ["a": ["$lt": 5]]], ["$limit": 3], ["$skip": 1], ["$skip": 1], ["$count": "n"],
            ],
            expected: [
                "explainVersion": "1",
                "stages": [
                    [
                        "$cursor": [
                            "queryPlanner": .document(
                                queryPlanner(
                                    [:],
                                    [
                                        "stage": "PROJECTION_SIMPLE",
                                        "transformBy": ["_id": true, "a": true, "tags": true],
                                        "inputStage": ["stage": "COLLSCAN", "direction": "forward"],
                                    ]))
                        ]
                    ],
                    ["$unwind": ["path": "$tags"]],
                    ["$match": ["$and": [["tags": ["$ne": "z"]], ["a": ["$lt": 5]]]]],
                    ["$sort": ["sortKey": ["tags": 1], "limit": .int64(3)]],
                    ["$skip": .int64(2)],
                    ["$group": ["_id": ["$const": .null], "n": ["$sum": ["$const": 1]]]],
                    ["$project": ["n": true, "_id": false]],
                ],
            ]),
    ]

    @Test(arguments: cases) func queryPlannerExplainIsGolden(_ c: Case) throws {
        var expected = c.expected
        expected.append("command", .document(Self.command(c.pipeline)))
        expected.append("ok", 1.0)
        let explained = try collection().explainAggregate(c.pipeline)
        #expect(explained == expected, "\(explained.extendedJSONString())")
    }

    /// The explain with every time (`executionTimeMillis…`) set to 0, for comparing.
    private static func withoutTimes(_ value: BSONValue) -> BSONValue {
        switch value {
        case .document(let document):
            var result = BSONDocument()
            for (key, field) in document {
                if key.hasPrefix("executionTimeMillis") {
                    result.append(key, field.type == .int64 ? .int64(0) : .int32(0))
                } else {
                    result.append(key, withoutTimes(field))
                }
            }
            return .document(result)
        case .array(let elements): return .array(elements.map(withoutTimes))
        default: return value
        }
    }

    @Test func executionStatsCountWhatEachStageReturned() throws {
        let pipeline: [BSONDocument] = [
            ["$match": ["a": ["$gte": 2]]], ["$unwind": "$tags"], ["$group": ["_id": "$tags", "n": ["$sum": 1]]],
            ["$sort": ["_id": 1]],
        ]
        let explained = try collection().explainAggregate(pipeline, verbosity: .executionStats)
        var plan: BSONDocument = [
            "stage": "PROJECTION_SIMPLE", "transformBy": ["_id": true, "tags": true],
            "inputStage": ["stage": "COLLSCAN", "filter": ["a": ["$gte": 2]], "direction": "forward"],
        ]
        let planner = Self.queryPlanner(["a": ["$gte": 2]], plan)
        plan.append("nReturned", 4)
        plan.append("executionTimeMillisEstimate", 0)
        let expected: BSONDocument = [
            "explainVersion": "1",
            "stages": [
                [
                    "$cursor": [
                        "queryPlanner": .document(planner),
                        "executionStats": [
                            "executionSuccess": true, "nReturned": 4, "executionTimeMillis": 0,
                            "totalKeysExamined": 0, "totalDocsExamined": 5, "executionStages": .document(plan),
                        ],
                    ],
                    "nReturned": .int64(4), "executionTimeMillisEstimate": .int64(0),
                ],
                ["$unwind": ["path": "$tags"], "nReturned": .int64(3), "executionTimeMillisEstimate": .int64(0)],
                [
                    "$group": ["_id": "$tags", "n": ["$sum": 1]], "nReturned": .int64(3),
                    "executionTimeMillisEstimate": .int64(0),
                ],
                ["$sort": ["sortKey": ["_id": 1]], "nReturned": .int64(3), "executionTimeMillisEstimate": .int64(0)],
            ],
            "command": .document(Self.command(pipeline)), "ok": 1.0,
        ]
        #expect(Self.withoutTimes(.document(explained)) == .document(expected), "\(explained.extendedJSONString())")
        // An _id lookup examines one key and one document.
        let point = try collection().explainAggregate([["$match": ["_id": 4]]], verbosity: .executionStats)
        let stats = point["executionStats"]?.documentValue
        #expect(stats?["totalKeysExamined"] == 1 && stats?["totalDocsExamined"] == 1 && stats?["nReturned"] == 1)
        #expect(stats?["executionStages"]?.documentValue?["stage"] == "IDHACK")
    }

    /// Each stage as explain writes it back (after an `$unwind`, so that no stage joins the leading read).
    static let stageCases: [(BSONDocument, [BSONDocument])] = [
        (["$skip": 3], [["$skip": .int64(3)]]),
        (["$sample": ["size": 3]], [["$sample": ["size": .int64(3)]]]),
        (
            ["$count": "n"],
            [
                ["$group": ["_id": ["$const": .null], "n": ["$sum": ["$const": 1]]]],
                ["$project": ["n": true, "_id": false]],
            ]
        ),
        (["$match": ["a": 1, "$expr": ["$gt": ["$a", 0]]]], [["$match": ["a": 1, "$expr": ["$gt": ["$a", 0]]]]]),
        (["$set": ["b": ["$add": ["$a", 1]]]], [["$addFields": ["b": ["$add": ["$a", 1]]]]]),
        (["$project": ["_id": 0, "x": ["$add": [1, 2]]]], [["$project": ["_id": 0, "x": ["$add": [1, 2]]]]]),
        (["$unset": ["y", "z"]], [["$project": ["y": 0, "z": 0]]]),
        (["$replaceWith": "$t"], [["$replaceRoot": ["newRoot": "$t"]]]),
        (["$group": ["_id": .null, "n": ["$sum": 1]]], [["$group": ["_id": .null, "n": ["$sum": 1]]]]),
        (
            ["$sortByCount": "$a"],
            [["$group": ["_id": "$a", "count": ["$sum": 1]]], ["$sort": ["sortKey": ["count": -1]]]]
        ),
        (
            ["$bucket": ["groupBy": "$a", "boundaries": [0, 5], "default": "o"]],
            [
                [
                    "$group": [
                        "_id": [
                            "$switch": [
                                "branches": [
                                    ["case": ["$and": [["$gte": ["$a", 0]], ["$lt": ["$a", 5]]]], "then": 0]
                                ],
                                "default": "o",
                            ]
                        ],
                        "count": ["$sum": 1],
                    ]
                ],
                ["$sort": ["sortKey": ["_id": 1]]],
            ]
        ),
        (
            ["$bucketAuto": ["groupBy": "$a", "buckets": 2, "granularity": "E6"]],
            [["$bucketAuto": ["groupBy": "$a", "buckets": 2, "granularity": "E6"]]]
        ),
        (
            ["$lookup": ["from": "d", "localField": "a", "foreignField": "b", "as": "j"]],
            [["$lookup": ["from": "d", "localField": "a", "foreignField": "b", "as": "j"]]]
        ),
        (
            [
                "$graphLookup": [
                    "from": "d", "startWith": "$a", "connectFromField": "a", "connectToField": "b", "as": "g",
                ]
            ],
            [
                [
                    "$graphLookup": [
                        "from": "d", "startWith": "$a", "connectFromField": "a", "connectToField": "b", "as": "g",
                    ]
                ]
            ]
        ),
        (["$unionWith": "d"], [["$unionWith": ["coll": "d", "pipeline": []]]]),
        (
            ["$setWindowFields": ["sortBy": ["a": 1], "output": ["r": ["$rank": [:]]]]],
            [["$setWindowFields": ["sortBy": ["a": 1], "output": ["r": ["$rank": [:]]]]]]
        ),
        (
            ["$densify": ["field": "a", "range": ["step": 1, "bounds": "full"]]],
            [["$densify": ["field": "a", "range": ["step": 1, "bounds": "full"]]]]
        ),
        (["$redact": "$$KEEP"], [["$redact": "$$KEEP"]]),
        (
            ["$facet": ["few": [["$limit": 1], ["$limit": 2]]]],
            [["$facet": ["few": [["$limit": .int64(1)]]]]]
        ),
        (["$out": "o"], [["$out": ["db": "test", "coll": "o"]]]),
        (
            ["$merge": ["into": ["db": "other", "coll": "m"], "whenNotMatched": "discard"]],
            [
                [
                    "$merge": [
                        "into": ["db": "other", "coll": "m"], "on": "_id", "whenMatched": "merge",
                        "whenNotMatched": "discard",
                    ]
                ]
            ]
        ),
        (
            ["$merge": ["into": "m", "let": ["v": "$a"], "whenMatched": [["$set": ["v": "$$v"]]]]],
            [
                [
                    "$merge": [
                        "into": ["db": "test", "coll": "m"], "on": "_id", "let": ["v": "$a", "new": "$$ROOT"],
                        "whenMatched": [["$addFields": ["v": "$$v"]]], "whenNotMatched": "insert",
                    ]
                ]
            ]
        ),
    ]

    @Test(arguments: 0..<stageCases.count) func everyStageIsWrittenBack(_ index: Int) throws {
        let (stage, expected) = Self.stageCases[index]
        let explained = try collection().explainAggregate([["$unwind": "$tags"], stage])
        let stages = explained["stages"]?.arrayValue ?? []
        #expect(Array(stages.dropFirst(2)) == expected.map(BSONValue.document), "\(stages)")
    }

    @Test func aReadOfNoDocumentsIsEOF() throws {
        let explained = try collection().explainAggregate([["$limit": 1], ["$skip": 2], ["$unwind": "$tags"]])
        let cursor = explained["stages"]?.arrayValue?.first?.documentValue?["$cursor"]?.documentValue
        let plan = cursor?["queryPlanner"]?.documentValue?["winningPlan"]?.documentValue
        #expect(plan?["stage"] == "LIMIT" && plan?["limitAmount"] == .int64(0))
        #expect(plan?["inputStage"]?.documentValue?["inputStage"] == ["stage": "EOF"])
    }

    @Test func explainRunsNothingAndRefusesToRunWrites() throws {
        let c = try collection()
        let pipeline: [BSONDocument] = [["$match": ["a": 1]], ["$merge": ["into": "out", "whenMatched": "replace"]]]
        let plan = try c.explainAggregate(pipeline)
        let stages = plan["stages"]?.arrayValue ?? []
        #expect(
            stages.last
                == [
                    "$merge": [
                        "into": ["db": "test", "coll": "out"], "on": "_id", "whenMatched": "replace",
                        "whenNotMatched": "insert",
                    ]
                ])
        #expect(errorCode { _ = try c.explainAggregate(pipeline, verbosity: .executionStats) } == 51029)
        #expect(errorCode { _ = try c.explainAggregate([["$out": "x"]], verbosity: .allPlansExecution) } == 51029)
        #expect(try c.database.collection("out").countDocuments() == 0)
        #expect(errorCode { _ = try c.explainAggregate([["$bogus": 1]]) } == 40324)
    }
}
