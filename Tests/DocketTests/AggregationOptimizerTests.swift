import DocketTestSupport
import Testing

@testable import Docket

@Suite struct AggregationOptimizerTests {
    @Test func rewritesMatchMongoDBs() throws {
        func optimized(_ specs: [BSONDocument]) throws -> [String] {
            try Pipeline(parsing: specs).optimized().stages.map { stage in
                switch stage {
                case .sort(_, let bound): return "$sort\(bound.map { "(\($0))" } ?? "")"
                case .limit(let n): return "$limit(\(n))"
                case .skip(let n): return "$skip(\(n))"
                default: return stage.name.rawValue
                }
            }
        }
        #expect(try optimized([["$match": ["a": 1]], ["$match": ["b": 1]]]) == ["$match"])
        #expect(try optimized([["$sort": ["a": 1]], ["$match": ["b": 1]]]) == ["$match", "$sort"])
        #expect(try optimized([["$sort": ["a": 1]], ["$limit": 5]]) == ["$sort(5)", "$limit(5)"])
        // A `$match` moves before stages that change none of the top-level fields it names.
        #expect(try optimized([["$addFields": ["x": 1]], ["$match": ["a": 1]]]) == ["$match", "$addFields"])
        #expect(try optimized([["$addFields": ["a.b": 1]], ["$match": ["a.c": 1]]]) == ["$addFields", "$match"])
        #expect(try optimized([["$unset": "x"], ["$match": ["a": 1]]]) == ["$match", "$project"])
        #expect(try optimized([["$unset": "a"], ["$match": ["a": 1]]]) == ["$project", "$match"])
        #expect(try optimized([["$project": ["a": 1]], ["$match": ["a": 1]]]) == ["$project", "$match"])
        #expect(try optimized([["$unwind": "$t"], ["$match": ["a": 1]]]) == ["$match", "$unwind"])
        #expect(try optimized([["$unwind": "$t"], ["$match": ["t.x": 1]]]) == ["$unwind", "$match"])
        #expect(
            try optimized([["$unwind": ["path": "$t", "includeArrayIndex": "i"]], ["$match": ["i": 0]]])
                == ["$unwind", "$match"])
        #expect(
            try optimized([["$set": ["x": 1]], ["$match": ["$expr": ["$eq": ["$a", 1]]]]]) == ["$addFields", "$match"])
        #expect(
            try optimized([["$set": ["x": 1]], ["$sort": ["a": 1]], ["$match": ["a": 1]]])
                == ["$match", "$addFields", "$sort"])
        // `$lookup` + `$unwind` of its `as` field: one stage; a `$match` on other fields moves before it.
        let lookup: BSONDocument = ["$lookup": ["from": "o", "localField": "a", "foreignField": "b", "as": "j"]]
        #expect(try optimized([lookup, ["$unwind": "$j"]]) == ["$lookup"])
        #expect(try optimized([lookup, ["$unwind": "$k"]]) == ["$lookup", "$unwind"])
        #expect(try optimized([lookup, ["$unwind": "$j"], ["$match": ["a": 1]]]) == ["$match", "$lookup"])
        #expect(try optimized([lookup, ["$match": ["j.x": 1]]]) == ["$lookup", "$match"])
        #expect(
            try optimized([["$sort": ["a": 1]], ["$skip": 2], ["$limit": 5]]) == ["$sort(7)", "$limit(7)", "$skip(2)"])
        #expect(
            try optimized([["$skip": 2], ["$skip": 3], ["$limit": 9], ["$limit": 4]]) == ["$limit(9)", "$skip(5)"])
        #expect(try optimized([["$unset": "a"], ["$project": ["b": 0]], ["$unset": ["c"]]]) == ["$project"])
        #expect(try optimized([["$unset": "a"], ["$unset": "a.b"]]) == ["$project", "$project"])
        #expect(try optimized([["$project": ["a": 1]], ["$unset": "b"]]) == ["$project", "$project"])
        #expect(try optimized([["$unwind": "$a"], ["$match": ["a": 1]]]) == ["$unwind", "$match"])
    }

    @Test func dependencyAnalysisDecodesOnlyTheFieldsLaterStagesRead() throws {
        func narrowed(_ specs: [BSONDocument]) throws -> [[String]] {
            let scope = ExpressionScope()
            let pipeline = try Pipeline(parsing: specs, scope: scope).optimized()
            return pipeline.narrowed(expressionFields: scope.referencedFields).stages.compactMap { stage in
                guard case .narrow(let names) = stage else { return nil }
                return names.map { String(decoding: $0, as: UTF8.self) }
            }
        }
        // The seed aggregation decodes `teams` (and `_id`, as MongoDB's dependency projection keeps it).
        let seed: [BSONDocument] = [
            ["$match": ["created_at": ["$gte": 1]]], ["$unwind": "$teams"],
            ["$group": ["_id": "$teams.id", "count": ["$sum": 1]]], ["$sort": ["count": -1]], ["$limit": 10],
        ]
        #expect(try narrowed(seed) == [["_id", "teams"]])
        #expect(try narrowed([["$unwind": "$a"], ["$count": "n"]]) == [["_id", "a"]])
        #expect(
            try narrowed([["$addFields": ["x": "$b"]], ["$project": ["x": 1, "c": 1]]]) == [["_id", "b", "c", "x"]])
        // W8: the users' `_id` and `email` (and the fields the later stages add) are all a join of them decodes.
        let join: BSONDocument = ["from": "m", "localField": "_id", "foreignField": "user", "as": "ms"]
        #expect(
            try narrowed([
                ["$match": ["created_at": ["$gte": 1]]], ["$lookup": .document(join)], ["$unwind": "$ms"],
                ["$project": ["_id": 0, "email": 1, "role": "$ms.role"]],
            ]) == [["_id", "email", "ms"]])
        // What the analysis cannot see through needs every field: nothing is narrowed.
        #expect(try narrowed([["$unwind": "$a"]]) == [])
        #expect(try narrowed([["$addFields": ["x": "$$ROOT"]], ["$project": ["x": 1]]]) == [])
        #expect(try narrowed([["$unwind": "$a"], ["$facet": ["x": [["$count": "n"]]]]]) == [])
        #expect(try narrowed([["$group": ["_id": "$a"]]]) == [])  // no decoding stage
        // The window, fill and densify stages read their expressions' fields and their sort (and densify) paths;
        // `$redact` reads every level of the document.
        let window: BSONDocument = [
            "partitionBy": "$p", "sortBy": ["s.t": 1],
            "output": ["w": ["$sum": "$v", "window": ["documents": [-1, 0]]]],
        ]
        #expect(
            try narrowed([["$setWindowFields": .document(window)], ["$project": ["w": 1]]]) == [
                ["_id", "p", "s", "v", "w"]
            ])
        #expect(
            try narrowed([
                ["$fill": ["sortBy": ["t": 1], "output": ["v": ["method": "linear"]]]], ["$project": ["v": 1]],
            ])
                == [["_id", "t", "v"]])
        let densify: BSONDocument = [
            "field": "d.e", "partitionByFields": ["g"], "range": ["step": 1, "bounds": "full"],
        ]
        #expect(try narrowed([["$densify": .document(densify)], ["$project": ["x": 1]]]) == [["_id", "d", "g", "x"]])
        #expect(try narrowed([["$redact": "$$DESCEND"], ["$project": ["x": 1]]]) == [])
        // `$top`/`$bottom` sort by paths, not expressions: their fields are read too.
        let top: BSONDocument = ["$top": ["sortBy": ["s": 1], "output": "$o"]]
        #expect(
            try narrowed([["$unwind": "$t"], ["$group": ["_id": .null, "x": .document(top)]]]) == [
                ["_id", "o", "s", "t"]
            ])
        let ranked = try aggregate(
            [["_id": 1, "t": [1], "s": 2, "o": "a"], ["_id": 2, "t": [1], "s": 1, "o": "b"]],
            [["$unwind": "$t"], ["$group": ["_id": .null, "x": .document(top)]]])
        #expect(ranked == [["_id": .null, "x": "b"]])
        #expect(
            try narrowed([["$setWindowFields": ["output": ["x": .document(top)]]], ["$project": ["x": 1]]])
                == [["_id", "o", "s", "x"]])
    }

    /// Random documents over a few fields with missing values, nulls, arrays and mixed numbers.
    private static func randomDocuments(_ rng: inout SeededRandom) -> [BSONDocument] {
        (0..<rng.int(0...25)).map { i in
            var document: BSONDocument = ["_id": .int32(Int32(i))]
            let numbers: [BSONValue] = [1, 2, .int64(2), 3.5, .decimal128(Decimal128(1)), .null]
            if rng.chance(0.8) { document["a"] = rng.pick(numbers) }
            if rng.chance(0.7) { document["b"] = .string(rng.pick(["x", "y", "z"])) }
            if rng.chance(0.6) {
                document["tags"] = .array((0..<rng.int(0...3)).map { _ in rng.pick(numbers + ["x"]) })
            }
            if rng.chance(0.5) { document["sub"] = ["c": rng.pick(numbers), "d": .string(rng.pick(["p", "q"]))] }
            return document
        }
    }

    private static func randomStage(_ rng: inout SeededRandom) -> BSONDocument {
        let fields = ["a", "b", "tags", "sub.c", "sub.d"]
        switch rng.int(0...17) {
        case 0, 1:
            let op = rng.pick(["$eq", "$gt", "$lte", "$ne", "$exists"])
            let value: BSONValue = op == "$exists" ? .bool(rng.chance(0.5)) : rng.pick([1, 2, "x", "y", .null])
            return ["$match": [rng.pick(fields): [op: value]]]
        case 2, 3:
            var keys: BSONDocument = [rng.pick(fields): .int32(rng.chance(0.5) ? 1 : -1)]
            if rng.chance(0.5) { keys["_id"] = .int32(rng.chance(0.5) ? 1 : -1) }
            return ["$sort": .document(keys)]
        case 4: return ["$limit": .int32(Int32(rng.int(1...8)))]
        case 5: return ["$skip": .int32(Int32(rng.int(0...5)))]
        case 6: return ["$unwind": ["path": "$tags", "preserveNullAndEmptyArrays": .bool(rng.chance(0.5))]]
        case 7: return ["$unset": .string(rng.pick(["a", "b", "sub.c", "tags"]))]
        case 8: return ["$project": [rng.pick(["a", "b", "sub"]): 0]]
        // Stages that decode their input: the dependency analysis narrows what is decoded before them.
        case 9: return ["$project": ["b": 1, "w": .string(rng.pick(["$sub.c", "$a", "$tags"]))]]
        case 10: return ["$addFields": ["z": .string(rng.pick(["$sub.c", "$b", "$a"]))]]
        case 11: return ["$replaceWith": ["k": "$b", "v": .string(rng.pick(["$a", "$sub"]))]]
        case 12: return ["$unwind": ["path": "$tags", "includeArrayIndex": "i"]]
        // The window, fill, densify and redact stages (ties in their sorts keep the input order).
        case 14:
            let window: BSONDocument = [
                "documents": [.int32(Int32(rng.int(-2...0))), .string(rng.pick(["current", "unbounded"]))]
            ]
            return [
                "$setWindowFields": [
                    "partitionBy": .string(rng.pick(["$b", "$sub.d"])), "sortBy": ["_id": 1],
                    "output": ["w": ["$sum": "$a", "window": .document(window)], "r": ["$push": "$sub.c"]],
                ]
            ]
        case 15:
            return ["$fill": ["sortBy": ["_id": 1], "output": ["a": ["method": "locf"], "b": ["value": "none"]]]]
        case 16:
            return [
                "$densify": [
                    "field": "a", "range": ["step": 1, "bounds": .string(rng.pick(["full", "partition"]))],
                    "partitionByFields": ["b"],
                ]
            ]
        case 17:
            return ["$redact": ["$cond": [["$eq": ["$d", "p"]], "$$PRUNE", "$$DESCEND"]]]
        case 13:
            return [
                "$group": ["_id": .string(rng.pick(["$b", "$sub.d", "$a"])), "n": ["$sum": 1], "s": ["$push": "$a"]]
            ]
        default: return ["$project": ["a": 1, "sub.d": 1]]
        }
    }

    @Test func optimizedPipelinesReturnWhatUnoptimizedOnesDo() throws {
        try SeededRandom.forEachCase(300) { rng, _ in
            let documents = Self.randomDocuments(&rng)
            var pipeline: [BSONDocument] = []
            for _ in 0..<rng.int(1...6) {
                let stage = Self.randomStage(&rng)
                pipeline.append(stage)
                // A group's output order is not defined: sort it by its unique `_id`.
                if stage["$group"] != nil { pipeline.append(["$sort": ["_id": 1]]) }
            }
            if rng.chance(0.2) { pipeline.append(["$count": "n"]) }
            var plain = AggregateOptions()
            plain.optimizes = false
            let expected = try aggregate(documents, pipeline, options: plain)
            let actual = try aggregate(documents, pipeline)
            #expect(actual.count == expected.count, "\(pipeline) \(rng.replayHint)")
            for (a, e) in zip(actual, expected) {
                #expect(a.isIdentical(to: e), "\(pipeline) \(rng.replayHint)")
            }
        }
    }
}

/// `$lookup` + `$unwind` coalesced into one stage returns what the two stages return.
@Suite struct AggregationLookupUnwindTests {
    @Test func coalescedLookupUnwindReturnsWhatTheStagesReturn() throws {
        try SeededRandom.forEachCase(120) { rng, _ in
            let db = DocketClient().database("d")
            let keys: [BSONValue] = [1, 2, .int64(2), 3.0, "x", .null, [1, 2], []]
            let locals: [BSONDocument] = (0..<rng.int(0...12)).map { i in
                var document: BSONDocument = ["_id": .int32(Int32(i)), "n": .int32(Int32(i % 3))]
                if rng.chance(0.85) { document["a"] = rng.pick(keys) }
                if rng.chance(0.3) { document["j"] = "existing" }
                return document
            }
            let foreign: [BSONDocument] = (0..<rng.int(0...12)).map { i in
                var document: BSONDocument = ["_id": .int32(Int32(100 + i))]
                if rng.chance(0.85) { document["b"] = rng.pick(keys) }
                return document
            }
            if !locals.isEmpty { try db.collection("l").insertMany(locals) }
            if !foreign.isEmpty { try db.collection("f").insertMany(foreign) }
            var unwind: BSONDocument = ["path": "$j"]
            if rng.chance(0.5) { unwind["preserveNullAndEmptyArrays"] = true }
            if rng.chance(0.5) { unwind["includeArrayIndex"] = .string(rng.pick(["i", "n"])) }
            var lookup: BSONDocument = ["from": "f", "localField": "a", "foreignField": "b", "as": "j"]
            if rng.chance(0.3) { lookup["pipeline"] = [["$project": ["_id": 1]]] }
            var pipeline: [BSONDocument] = [["$lookup": .document(lookup)], ["$unwind": .document(unwind)]]
            if rng.chance(0.5) { pipeline.append(["$match": ["n": ["$lt": 2]]]) }
            var plain = AggregateOptions()
            plain.optimizes = false
            let expected = try db.collection("l").aggregate(pipeline, options: plain).toArray()
            let actual = try db.collection("l").aggregate(pipeline).toArray()
            #expect(actual.count == expected.count, "\(pipeline) \(rng.replayHint)")
            for (a, e) in zip(actual, expected) { #expect(a.isIdentical(to: e), "\(a) \(e) \(rng.replayHint)") }
        }
    }
}
