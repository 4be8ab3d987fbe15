import Testing

@testable import Docket

/// Pipeline-style updates (`updateOne(filter, pipeline: [...])` and the other overloads) and the `let` option.
@Suite struct PipelineUpdateTests {
    /// The documents of `c`, in `_id` order.
    private func contents(_ c: DocketCollection) throws -> [BSONDocument] {
        try c.find([:], options: FindOptions(sort: ["_id": 1])).toArray()
    }

    private func collection(_ documents: [BSONDocument]) throws -> DocketCollection {
        let c = makeCollection()
        try c.insertMany(documents)
        return c
    }

    struct StageCase: Sendable, CustomTestStringConvertible {
        let name: String
        let stored: BSONDocument
        let pipeline: [BSONDocument]
        let expected: BSONDocument
        var testDescription: String { name }
    }

    static let stageCases: [StageCase] = [
        StageCase(
            name: "$set computes from the stored fields", stored: ["_id": 1, "a": 1, "b": 2],
            pipeline: [["$set": ["c": ["$add": ["$a", "$b"]]]]], expected: ["_id": 1, "a": 1, "b": 2, "c": 3]),
        StageCase(
            name: "$addFields creates a dotted path", stored: ["_id": 1, "a": 1],
            pipeline: [["$addFields": ["x.y": "$a"]]], expected: ["_id": 1, "a": 1, "x": ["y": 1]]),
        StageCase(
            name: "$set of a missing field adds nothing", stored: ["_id": 1, "a": 1],
            pipeline: [["$set": ["c": "$missing"]]], expected: ["_id": 1, "a": 1]),
        StageCase(
            name: "$set with $ifNull over null", stored: ["_id": 1, "n": .null],
            pipeline: [["$set": ["n": ["$ifNull": ["$n", "default"]]]]], expected: ["_id": 1, "n": "default"]),
        StageCase(
            name: "mixed numeric types widen", stored: ["_id": 1, "i": .int32(1), "d": 2.5],
            pipeline: [["$set": ["sum": ["$add": ["$i", "$d"]]]]],
            expected: ["_id": 1, "i": .int32(1), "d": 2.5, "sum": 3.5]),
        StageCase(
            name: "$unset through an array of documents", stored: ["_id": 1, "a": [["b": 1, "c": 2], ["b": 3]]],
            pipeline: [["$unset": "a.b"]], expected: ["_id": 1, "a": [["c": 2], [:]]]),
        StageCase(
            name: "$unset of several paths", stored: ["_id": 1, "a": 1, "b": 2, "c": 3],
            pipeline: [["$unset": ["a", "c"]]], expected: ["_id": 1, "b": 2]),
        StageCase(
            name: "$project inclusion keeps _id", stored: ["_id": 1, "a": 1, "b": 2],
            pipeline: [["$project": ["b": 1]]], expected: ["_id": 1, "b": 2]),
        StageCase(
            name: "$project without _id keeps the stored _id", stored: ["_id": 1, "a": 1, "b": 2],
            pipeline: [["$project": ["_id": 0, "a": 1]]], expected: ["_id": 1, "a": 1]),
        StageCase(
            name: "$project with a computed field", stored: ["_id": 1, "a": [1, 2, 3]],
            pipeline: [["$project": ["n": ["$size": "$a"]]]], expected: ["_id": 1, "n": 3]),
        StageCase(
            name: "$replaceRoot to a sub-document keeps the _id", stored: ["_id": 1, "t": ["u": 1, "v": 2], "w": 0],
            pipeline: [["$replaceRoot": ["newRoot": "$t"]]], expected: ["_id": 1, "u": 1, "v": 2]),
        StageCase(
            name: "$replaceWith $mergeObjects", stored: ["_id": 1, "a": 1],
            pipeline: [["$replaceWith": ["$mergeObjects": ["$$ROOT", ["b": 2]]]]], expected: ["_id": 1, "a": 1, "b": 2]),
        StageCase(
            name: "each stage reads the previous one's output", stored: ["_id": 1, "a": 1],
            pipeline: [["$set": ["a": 5]], ["$set": ["b": ["$multiply": ["$a", 2]]]], ["$unset": "a"]],
            expected: ["_id": 1, "b": 10]),
        StageCase(
            name: "$$ROOT reads the original document", stored: ["_id": 1, "a": 1],
            pipeline: [["$set": ["copy": "$$ROOT"]]], expected: ["_id": 1, "a": 1, "copy": ["_id": 1, "a": 1]]),
    ]

    @Test(arguments: stageCases)
    func eachStageKindUpdatesTheStoredDocument(_ test: StageCase) throws {
        let c = try collection([test.stored, ["_id": 2, "other": true]])
        let result = try c.updateOne(["_id": test.stored["_id"]!], pipeline: test.pipeline)
        #expect(result.matchedCount == 1)
        #expect(result.modifiedCount == (test.expected == test.stored ? 0 : 1))
        let stored = try contents(c)
        #expect(stored[0] == test.expected)
        #expect(stored[0].keys == test.expected.keys)
        #expect(stored[1] == ["_id": 2, "other": true])
        c.engine.checkInvariants()
        // The same pipeline through a scanning filter, updateMany and findOneAndUpdate gives the same document.
        for run in [
            { (c: DocketCollection) throws -> Void in
                _ = try c.updateMany(["other": ["$exists": false]], pipeline: test.pipeline)
            },
            { c in
                _ = try c.findOneAndUpdate(["other": ["$exists": false]], pipeline: test.pipeline)
            },
            { c in _ = try c.bulkWrite([.updateOneWithPipeline(filter: ["other": .null], pipeline: test.pipeline)]) },
        ] {
            let other = try collection([test.stored, ["_id": 2, "other": true]])
            try run(other)
            #expect(try contents(other)[0] == test.expected)
        }
    }

    @Test func nowAndLetVariablesAreAvailable() throws {
        let c = try collection([["_id": 1, "qty": 4], ["_id": 2, "qty": 10], ["_id": 3]])
        let before = LetVariables.currentTime()
        let result = try c.updateMany(
            ["$or": [["$expr": ["$lt": ["$qty", "$$limit"]]], ["_id": 3]]],
            pipeline: [["$set": ["at": "$$NOW", "scaled": ["$multiply": [["$ifNull": ["$qty", 0]], "$$factor"]]]]],
            options: UpdateOptions(let: ["limit": 5, "factor": ["$add": [1, 2]]]))
        let after = LetVariables.currentTime()
        #expect(result.matchedCount == 2 && result.modifiedCount == 2)
        let documents = try contents(c)
        #expect(documents.map { $0["scaled"] } == [12, nil, 0])
        // One $$NOW for the whole operation.
        #expect(documents[0]["at"] == documents[2]["at"])
        guard case .datetime(let at)? = documents[0]["at"] else {
            Issue.record("$$NOW is not a date: \(documents[0])")
            return
        }
        #expect(at >= before && at <= after)
    }

    struct VariableCase: Sendable, CustomTestStringConvertible {
        let name: String
        let run: @Sendable (DocketCollection) throws -> Void
        var testDescription: String { name }
    }

    static let undefinedVariableCases: [VariableCase] = [
        VariableCase(name: "pipeline without let") { c in
            _ = try c.updateOne(["_id": 1], pipeline: [["$set": ["b": "$$x"]]])
        },
        VariableCase(name: "pipeline with another variable") { c in
            _ = try c.updateOne(
                ["_id": 1], pipeline: [["$set": ["b": "$$x"]]], options: UpdateOptions(let: ["y": 1]))
        },
        VariableCase(name: "$expr under $or in an update filter") { c in
            _ = try c.updateMany(["$or": [["$expr": ["$eq": ["$a", "$$x"]]]]], ["$set": ["b": 1]])
        },
        VariableCase(name: "a let value reading a field") { c in
            _ = try c.deleteMany([:], options: DeleteOptions(let: ["x": "$$y"]))
        },
    ]

    @Test(arguments: undefinedVariableCases)
    func undefinedVariablesFailWith17276(_ test: VariableCase) throws {
        let c = try collection([["_id": 1, "a": 1]])
        #expect(errorCode { try test.run(c) } == 17276)
        #expect(try contents(c) == [["_id": 1, "a": 1]])
    }

    struct FilterCase: Sendable, CustomTestStringConvertible {
        let filter: BSONDocument
        let expected: [BSONValue]
        var testDescription: String { "\(filter)" }
    }

    static let nestedExprCases: [FilterCase] = [
        FilterCase(filter: ["$expr": ["$gt": ["$a", "$$min"]]], expected: [3, 4]),
        FilterCase(filter: ["$or": [["$expr": ["$gt": ["$a", "$$min"]]], ["_id": 1]]], expected: [1, 3, 4]),
        FilterCase(filter: ["$and": [["$expr": ["$gt": ["$a", "$$min"]]], ["a": ["$lt": 4]]]], expected: [3]),
        FilterCase(filter: ["$nor": [["$expr": ["$gt": ["$a", "$$min"]]]]], expected: [1, 2, 5]),
        FilterCase(
            filter: ["$or": [["$and": [["$expr": ["$eq": ["$a", "$$min"]]]]], ["a": .null]]], expected: [2, 5]),
    ]

    @Test(arguments: nestedExprCases)
    func letReachesExprAtAnyDepth(_ test: FilterCase) throws {
        let c = try collection([
            ["_id": 1, "a": 1], ["_id": 2, "a": 2], ["_id": 3, "a": 3.5], ["_id": 4, "a": .int64(4)], ["_id": 5],
        ])
        let variables: BSONDocument = ["min": 2]
        let found = try c.find(test.filter, options: FindOptions(sort: ["_id": 1], let: variables)).toArray()
        #expect(found.map { $0["_id"]! } == test.expected)
        #expect(
            try c.findOne(test.filter, options: FindOptions(sort: ["_id": 1], let: variables))?["_id"]
                == test.expected.first)
        // The aggregation's $match sees `let` in nested $expr too.
        let aggregated = try c.aggregate(
            [["$match": .document(test.filter)], ["$sort": ["_id": 1]]], options: AggregateOptions(let: variables)
        ).toArray()
        #expect(aggregated.map { $0["_id"]! } == test.expected)
        // Updates and deletes select the same documents.
        let updated = try c.updateMany(test.filter, ["$set": ["hit": true]], options: UpdateOptions(let: variables))
        #expect(updated.matchedCount == test.expected.count)
        #expect(try c.find(["hit": true]).toArray().count == test.expected.count)
        let deleted = try c.deleteMany(test.filter, options: DeleteOptions(let: variables))
        #expect(deleted.deletedCount == test.expected.count)
    }

    static let lookupFilters: [(filter: BSONDocument, expected: [BSONValue])] = [
        (["$expr": ["$eq": ["$item", "$$it"]]], [1, 2]),
        (["$and": [["$expr": ["$eq": ["$item", "$$it"]]], ["$expr": ["$gt": ["$n", "$$q"]]]]], [2]),
        (
            [
                "$or": [
                    ["$expr": ["$gt": ["$n", "$$q"]]], ["n": ["$lt": "$$min"]], ["$expr": ["$lt": ["$n", "$$min"]]],
                ]
            ], [2, 3]
        ),
        (["$nor": [["$expr": ["$eq": ["$item", "$$it"]]]]], [3]),
    ]

    @Test func lookupAndOperationVariablesReachNestedExprInMatch() throws {
        let database = DocketClient().database("test")
        try database.collection("orders").insertOne(["_id": 1, "item": "a", "qty": 5])
        try database.collection("stock").insertMany([
            ["_id": 1, "item": "a", "n": 3], ["_id": 2, "item": "a", "n": 10], ["_id": 3, "item": "b", "n": 1],
        ])
        for (filter, expected) in Self.lookupFilters {
            let lookup: BSONDocument = [
                "from": "stock", "let": ["it": "$item", "q": "$qty"],
                "pipeline": [["$match": .document(filter)], ["$sort": ["_id": 1]]], "as": "s",
            ]
            let joined = try database.collection("orders").aggregate(
                [["$lookup": .document(lookup)]], options: AggregateOptions(let: ["min": 2])
            ).toArray()
            guard case .array(let matches)? = joined.first?["s"] else {
                Issue.record("no join for \(filter): \(joined)")
                continue
            }
            #expect(matches.compactMap { $0.documentValue?["_id"] } == expected, "\(filter)")
        }
    }

    @Test func upsertAppliesThePipelineToTheFilterSeed() throws {
        let c = try collection([["_id": 1]])
        let seeded = try c.updateOne(
            ["_id": 7, "a.b": 2, "c": ["$gt": 1]], pipeline: [["$set": ["d": ["$add": ["$a.b", 1]]]]],
            options: UpdateOptions(upsert: true))
        #expect(seeded.matchedCount == 0 && seeded.modifiedCount == 0 && seeded.upsertedID == 7)
        #expect(try c.findOne(["_id": 7]) == ["_id": 7, "a": ["b": 2], "d": 3])
        // Without an _id in the filter one is generated.
        let generated = try c.updateMany(
            ["k": "x"], pipeline: [["$replaceWith": ["k": "$k", "n": 1]]], options: UpdateOptions(upsert: true))
        guard case .objectID? = generated.upsertedID else {
            Issue.record("no generated _id: \(String(describing: generated.upsertedID))")
            return
        }
        var upserted = try #require(try c.findOne(["k": "x"]))
        _ = upserted.removeValue(forKey: "_id")
        #expect(upserted == ["k": "x", "n": 1])
        // A pipeline that changes the seeded _id fails and inserts nothing.
        #expect(
            errorCode {
                try c.updateOne(["_id": 9], pipeline: [["$set": ["_id": 10]]], options: UpdateOptions(upsert: true))
            } == 66)
        #expect(try c.countDocuments(["_id": ["$in": [9, 10]]]) == 0)
        // findOneAndUpdate: .before returns nil after an upsert, .after the inserted document.
        let before = try c.findOneAndUpdate(
            ["_id": 20], pipeline: [["$set": ["v": 1]]], options: FindOneAndUpdateOptions(upsert: true))
        #expect(before == nil)
        let after = try c.findOneAndUpdate(
            ["_id": 21], pipeline: [["$set": ["v": 1]]],
            options: FindOneAndUpdateOptions(returnDocument: .after, upsert: true))
        #expect(after == ["_id": 21, "v": 1])
    }

    static let idChanges: [[BSONDocument]] = [
        [["$set": ["_id": 2]]],
        [["$set": ["_id": "1"]]],
        [["$replaceWith": ["_id": 3, "a": 1]]],
        [["$project": ["_id": ["$add": ["$_id", 1]]]]],
        [["$set": ["_id": .null]]],
        [["$set": ["_id": 1.0]]],
        [["$set": ["_id": .int64(1)]]],
    ]

    @Test(arguments: idChanges)
    func idIsImmutable(_ pipeline: [BSONDocument]) throws {
        let c = try collection([["_id": 1, "a": 1], ["_id": 2, "a": 2]])
        do {
            try c.updateOne(["a": 1], pipeline: pipeline)
            Issue.record("changing _id succeeded")
        } catch {
            #expect(error.code == .immutableField)
            #expect(error.message == "Performing an update on the path '_id' would modify the immutable field '_id'")
        }
        #expect(try contents(c) == [["_id": 1, "a": 1], ["_id": 2, "a": 2]])
    }

    @Test func idKeptWhenEqualOrDropped() throws {
        let c = try collection([["_id": 1, "a": 1]])
        // The same _id, and an _id the output leaves out, keep the stored one.
        for pipeline: [BSONDocument] in [
            [["$set": ["_id": .int32(1)]]], [["$set": ["_id": "$_id"]]], [["$unset": "_id"]],
            [["$replaceWith": ["a": 1]]],
        ] {
            let result = try c.updateOne(["_id": 1], pipeline: pipeline)
            #expect(result.matchedCount == 1 && result.modifiedCount == 0)
            guard case .int32(1)? = try c.findOne()?["_id"] else {
                Issue.record("the stored _id changed with \(pipeline)")
                return
            }
        }
        // _id moves back first when the output puts it elsewhere.
        try c.updateOne(["_id": 1], pipeline: [["$replaceWith": ["b": 2, "_id": 1]]])
        #expect(try c.findOne()?.keys == ["_id", "b"])
    }

    struct RefusedCase: Sendable, CustomTestStringConvertible {
        let stage: BSONDocument
        let code: Int
        let message: String?
        var testDescription: String { "\(stage)" }
    }

    static let refusedStages: [RefusedCase] = [
        RefusedCase(
            stage: ["$match": ["a": 1]], code: 72, message: "$match is not allowed to be used within an update"),
        RefusedCase(
            stage: ["$group": ["_id": "$a"]], code: 72, message: "$group is not allowed to be used within an update"),
        RefusedCase(stage: ["$sort": ["a": 1]], code: 72, message: "$sort is not allowed to be used within an update"),
        RefusedCase(stage: ["$limit": 1], code: 72, message: "$limit is not allowed to be used within an update"),
        RefusedCase(
            stage: ["$lookup": ["from": "o", "localField": "a", "foreignField": "b", "as": "j"]], code: 72,
            message: "$lookup is not allowed to be used within an update"),
        RefusedCase(stage: ["$unwind": "$a"], code: 72, message: "$unwind is not allowed to be used within an update"),
        RefusedCase(stage: ["$count": "n"], code: 72, message: "$count is not allowed to be used within an update"),
        RefusedCase(stage: ["$foo": 1], code: 40324, message: "Unrecognized pipeline stage name: '$foo'"),
        RefusedCase(stage: ["$set": 1], code: 40272, message: nil),
        RefusedCase(stage: ["$set": ["a": 1], "$unset": "b"], code: 40323, message: nil),
    ]

    @Test(arguments: refusedStages)
    func otherStagesAreRefused(_ test: RefusedCase) throws {
        let c = try collection([["_id": 1, "a": 1]])
        for body in [
            { _ = try c.updateOne(["_id": 1], pipeline: [["$set": ["z": 1]], test.stage]) },
            { _ = try c.updateMany([:], pipeline: [test.stage]) },
            { _ = try c.findOneAndUpdate([:], pipeline: [test.stage]) },
            { _ = try c.bulkWrite([.updateManyWithPipeline(filter: [:], pipeline: [test.stage])]) },
        ] as [() throws -> Void] {
            do {
                try body()
                Issue.record("\(test.stage) was accepted")
            } catch let error as DocketError {
                #expect(error.code.code == test.code)
                if let message = test.message { #expect(error.message == message) }
            }
        }
        #expect(try contents(c) == [["_id": 1, "a": 1]])
    }

    @Test func arrayFiltersAreRefusedWithAPipeline() throws {
        let c = try collection([["_id": 1, "a": [1]]])
        let code = errorCode {
            try c.updateOne(
                ["_id": 1], pipeline: [["$set": ["b": 1]]], options: UpdateOptions(arrayFilters: [["x": 1]]))
        }
        #expect(code == 9)
        #expect(try contents(c) == [["_id": 1, "a": [1]]])
    }

    struct ModifiedCase: Sendable, CustomTestStringConvertible {
        let name: String
        let pipeline: [BSONDocument]
        let modified: Int
        var testDescription: String { name }
    }

    static let modifiedCases: [ModifiedCase] = [
        ModifiedCase(name: "same value", pipeline: [["$set": ["a": .int32(1)]]], modified: 0),
        ModifiedCase(name: "empty pipeline", pipeline: [], modified: 0),
        ModifiedCase(name: "identity $replaceWith", pipeline: [["$replaceWith": "$$ROOT"]], modified: 0),
        ModifiedCase(name: "set then unset a new field", pipeline: [["$set": ["z": 1]], ["$unset": "z"]], modified: 0),
        ModifiedCase(name: "equal value of another type", pipeline: [["$set": ["a": 1.0]]], modified: 1),
        ModifiedCase(name: "fields reordered", pipeline: [["$replaceWith": ["b": "$b", "a": "$a"]]], modified: 1),
        ModifiedCase(name: "new field", pipeline: [["$set": ["c": .null]]], modified: 1),
    ]

    @Test(arguments: modifiedCases)
    func modifiedCountsOnlyByteChanges(_ test: ModifiedCase) throws {
        let c = try collection([["_id": 1, "a": .int32(1), "b": ["x": 1]], ["_id": 2, "a": .int32(1), "b": ["x": 1]]])
        let result = try c.updateMany([:], pipeline: test.pipeline)
        #expect(result.matchedCount == 2)
        #expect(result.modifiedCount == 2 * test.modified)
    }

    @Test func bulkWriteMixesPipelineAndOperatorUpdates() throws {
        let c = try collection([["_id": 1, "n": 1], ["_id": 2, "n": 2], ["_id": 3, "n": 3]])
        let result = try c.bulkWrite(
            [
                .updateOneWithPipeline(filter: ["_id": 1], pipeline: [["$set": ["n": ["$add": ["$n", "$$step"]]]]]),
                .updateMany(filter: ["n": ["$gte": 2]], update: ["$inc": ["n": 100]]),
                .updateManyWithPipeline(
                    filter: ["$expr": ["$gt": ["$n", "$$step"]]], pipeline: [["$set": ["big": true]]]),
                .updateOneWithPipeline(
                    filter: ["_id": 4], pipeline: [["$set": ["n": "$$step"]]], options: UpdateOptions(upsert: true)),
                .deleteOne(filter: ["$expr": ["$eq": ["$n", "$$step"]]]),
            ], let: ["step": 10])
        // 1 by _id, then 3 with n ≥ 2 (11, 2, 3), then 3 with n > 10; the upserted {n: 10} is the one deleted.
        #expect(result.matchedCount == 1 + 3 + 3)
        #expect(result.modifiedCount == 1 + 3 + 3)
        #expect(result.upsertedIDs == [3: 4])
        #expect(result.deletedCount == 1)
        #expect(
            try contents(c) == [
                ["_id": 1, "n": 111, "big": true], ["_id": 2, "n": 102, "big": true],
                ["_id": 3, "n": 103, "big": true],
            ])
        // A model's own `let` wins over the bulk write's.
        try c.bulkWrite(
            [
                .updateOneWithPipeline(
                    filter: ["_id": 1], pipeline: [["$set": ["v": "$$v"]]], options: UpdateOptions(let: ["v": "own"]))
            ],
            let: ["v": "bulk"])
        #expect(try c.findOne(["_id": 1])?["v"] == "own")
    }

    @Test(arguments: [ReturnDocument.before, .after])
    func findOneAndUpdateReturnsTheChosenVersion(_ version: ReturnDocument) throws {
        let c = try collection([["_id": 1, "n": 1, "g": 1], ["_id": 2, "n": 5, "g": 1]])
        let returned = try c.findOneAndUpdate(
            ["g": 1], pipeline: [["$set": ["n": ["$multiply": ["$n", 10]]]]],
            options: FindOneAndUpdateOptions(returnDocument: version, sort: ["n": -1], projection: ["n": 1]))
        #expect(returned == (version == .before ? ["_id": 2, "n": 5] : ["_id": 2, "n": 50]))
        #expect(try contents(c) == [["_id": 1, "n": 1, "g": 1], ["_id": 2, "n": 50, "g": 1]])
    }

    @Test func aFailingDocumentStopsTheUpdateAsOperatorUpdatesDo() throws {
        let documents: [BSONDocument] = [["_id": 1, "a": 1], ["_id": 2, "a": "text"], ["_id": 3, "a": 3]]
        let operatorRun = try collection(documents)
        let pipelineRun = try collection(documents)
        var failures: [(code: Int, matched: Int?, modified: Int?)] = []
        for body in [
            { _ = try operatorRun.updateMany([:], ["$inc": ["a": 1]]) },
            { _ = try pipelineRun.updateMany([:], pipeline: [["$set": ["a": ["$add": ["$a", 1]]]]]) },
        ] as [() throws -> Void] {
            do {
                try body()
                Issue.record("the update did not fail")
            } catch let error as DocketError {
                let result = error.writeFailure?.result
                failures.append((error.code.code, result?.matchedCount, result?.modifiedCount))
            }
        }
        // The first document stays updated, the failing one and those after it are untouched.
        let expected: [BSONDocument] = [["_id": 1, "a": 2], ["_id": 2, "a": "text"], ["_id": 3, "a": 3]]
        #expect(try contents(operatorRun) == expected)
        #expect(try contents(pipelineRun) == expected)
        #expect(failures.map(\.matched) == [1, 1] && failures.map(\.modified) == [1, 1])
        #expect(failures.map(\.code) == [14, 14])
        // A failing updateOne (or findOneAndUpdate) changes nothing.
        #expect(
            errorCode { try pipelineRun.updateOne(["_id": 2], pipeline: [["$set": ["a": ["$add": ["$a", 1]]]]]) }
                == 14)
        #expect(
            errorCode {
                _ = try pipelineRun.findOneAndUpdate(["_id": 2], pipeline: [["$set": ["b": ["$divide": [1, 0]]]]])
            } != nil)
        #expect(try contents(pipelineRun) == expected)
    }

    @Test func storageLimitsApplyToTheOutput() throws {
        let big = String(repeating: "x", count: 9 * 1024 * 1024)
        let c = try collection([["_id": 1, "s": .string(big)]])
        #expect(errorCode { try c.updateOne(["_id": 1], pipeline: [["$set": ["t": "$s"]]]) } == 10334)
        var nested: BSONValue = 1
        for _ in 0..<99 { nested = ["d": nested] }
        #expect(errorCode { try c.updateOne(["_id": 1], pipeline: [["$set": ["deep": ["$literal": nested]]]]) } == 15)
        let stored = try contents(c)
        #expect(stored.count == 1 && stored[0].keys == ["_id", "s"])
    }

    struct Item: Codable, Equatable {
        var _id: Int
        var qty: Int
        var total: Int?
    }

    @Test func typedCollectionsTakePipelines() throws {
        let items = TypedCollection<Item>(makeCollection())
        try items.insertMany([Item(_id: 1, qty: 2), Item(_id: 2, qty: 3)])
        try items.updateOne(["_id": 1], pipeline: [["$set": ["total": ["$multiply": ["$qty", 10]]]]])
        try items.updateMany(["_id": 2], pipeline: [["$set": ["total": "$qty"]]])
        let after = try items.findOneAndUpdate(
            ["_id": 2], pipeline: [["$set": ["qty": ["$add": ["$qty", 1]]]]],
            options: FindOneAndUpdateOptions(returnDocument: .after))
        #expect(after == Item(_id: 2, qty: 4, total: 3))
        #expect(
            try items.find([:], options: FindOptions(sort: ["_id": 1])) == [Item(_id: 1, qty: 2, total: 20), after!])
    }
}
