import DocketTestSupport
import Testing

@testable import Docket

/// One update applied to one document, with the expected result.
struct UpdateCase: Sendable, CustomTestStringConvertible {
    var name: String
    var document: BSONDocument
    var update: BSONDocument
    var arrayFilters: [BSONDocument] = []
    var arrayPosition: Int? = nil
    var isInsert = false
    var expected: BSONDocument
    var modified = true

    var testDescription: String { name }
}

/// One update that must fail with MongoDB's code and message.
struct UpdateErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var document: BSONDocument = ["_id": 1]
    var update: BSONDocument
    var arrayFilters: [BSONDocument] = []
    var arrayPosition: Int? = nil
    var code: Int
    var message: String

    var testDescription: String { name }
}

/// Compiles and applies an update, returning the error if any step throws.
func runUpdate(
    _ document: BSONDocument,
    _ update: BSONDocument,
    arrayFilters: [BSONDocument] = [],
    arrayPosition: Int? = nil,
    isInsert: Bool = false
) -> Result<(BSONDocument, Bool), DocketError> {
    do {
        let plan = try UpdatePlan(update, arrayFilters: arrayFilters)
        var doc = document
        let changed = try plan.apply(to: &doc, arrayPosition: arrayPosition, isInsert: isInsert)
        return .success((doc, changed))
    } catch {
        return .failure(error)
    }
}

/// MongoDB's text form of a document, for readable failures.
func show(_ document: BSONDocument) -> String {
    func value(_ v: BSONValue) -> String {
        switch v {
        case .document(let d): return show(d)
        case .array(let a): return "[" + a.map(value).joined(separator: ", ") + "]"
        case .string(let s): return "\"\(s)\""
        case .int32(let i): return "\(i)"
        case .int64(let i): return "NumberLong(\(i))"
        case .double(let d): return "\(d)"
        case .null: return "null"
        case .bool(let b): return "\(b)"
        default: return "\(v.type.alias)"
        }
    }
    return "{" + document.map { "\($0.key): \(value($0.value))" }.joined(separator: ", ") + "}"
}

@Suite struct UpdateOperatorTests {
    static let setCases: [UpdateCase] = [
        UpdateCase(
            name: "$set replaces a top-level field", document: ["_id": 1, "a": 1], update: ["$set": ["a": 2]],
            expected: ["_id": 1, "a": 2]),
        UpdateCase(
            name: "$set of the identical value is a no-op", document: ["_id": 1, "a": 1], update: ["$set": ["a": 1]],
            expected: ["_id": 1, "a": 1], modified: false),
        UpdateCase(
            name: "$set of 1 over 1.0 is a change", document: ["_id": 1, "a": 1.0], update: ["$set": ["a": 1]],
            expected: ["_id": 1, "a": 1]),
        UpdateCase(
            name: "$set appends new fields in lexicographic order", document: ["_id": 1],
            update: ["$set": ["b": 1, "a": 2]], expected: ["_id": 1, "a": 2, "b": 1]),
        UpdateCase(
            name: "$set creates intermediate documents", document: ["_id": 1], update: ["$set": ["a.b.c": 1]],
            expected: ["_id": 1, "a": ["b": ["c": 1]]]),
        UpdateCase(
            name: "$set replaces an array element by index", document: ["_id": 1, "a": [1, 2]],
            update: ["$set": ["a.0": 5]], expected: ["_id": 1, "a": [5, 2]]),
        UpdateCase(
            name: "$set past the end pads with null", document: ["_id": 1, "a": [1, 2]], update: ["$set": ["a.5": 1]],
            expected: ["_id": 1, "a": [1, 2, .null, .null, .null, 1]]),
        UpdateCase(
            name: "$set of a numeric field on a document creates a field named by the number",
            document: ["_id": 1, "a": ["x": 1]], update: ["$set": ["a.5": 1]],
            expected: ["_id": 1, "a": ["x": 1, "5": 1]]),
        UpdateCase(
            name: "$set numeric siblings apply in numeric order", document: ["_id": 1],
            update: ["$set": ["a.10": 1, "a.9": 2]], expected: ["_id": 1, "a": ["9": 2, "10": 1]]),
        UpdateCase(
            name: "$set inside an array element",
            document: ["_id": 1, "teams": [["id": 1, "role": "a"], ["id": 2, "role": "b"]]],
            update: ["$set": ["teams.1.role": "x"]],
            expected: ["_id": 1, "teams": [["id": 1, "role": "a"], ["id": 2, "role": "x"]]]),
        UpdateCase(
            name: "$set creates a document past the end of an array", document: ["_id": 1, "a": [1]],
            update: ["$set": ["a.2.b": 1]], expected: ["_id": 1, "a": [1, .null, ["b": 1]]]),
        UpdateCase(
            name: "$set replaces a null", document: ["_id": 1, "a": .null], update: ["$set": ["a": ["b": 1]]],
            expected: ["_id": 1, "a": ["b": 1]]),
        UpdateCase(
            name: "$set with an empty operand is a no-op", document: ["_id": 1], update: ["$set": [:]],
            expected: ["_id": 1], modified: false),
        UpdateCase(
            name: "$set of _id to the same value is allowed", document: ["_id": 1, "a": 1],
            update: ["$set": ["_id": 1, "a": 2]], expected: ["_id": 1, "a": 2]),
        UpdateCase(
            name: "$setOnInsert does nothing on update", document: ["_id": 1], update: ["$setOnInsert": ["a": 1]],
            expected: ["_id": 1], modified: false),
        UpdateCase(
            name: "$setOnInsert sets on insert", document: ["_id": 1],
            update: ["$setOnInsert": ["a": 1], "$set": ["b": 2]], isInsert: true, expected: ["_id": 1, "a": 1, "b": 2]),
        UpdateCase(
            name: "$set can set _id on an upsert insert without one", document: ["a": 1], update: ["$set": ["_id": 5]],
            isInsert: true, expected: ["a": 1, "_id": 5]),
    ]

    static let unsetCases: [UpdateCase] = [
        UpdateCase(
            name: "$unset removes a field", document: ["_id": 1, "a": 1, "b": 2], update: ["$unset": ["a": ""]],
            expected: ["_id": 1, "b": 2]),
        UpdateCase(
            name: "$unset of a missing field is a no-op", document: ["_id": 1], update: ["$unset": ["a": 1]],
            expected: ["_id": 1], modified: false),
        UpdateCase(
            name: "$unset through a scalar is a no-op", document: ["_id": 1, "a": 1], update: ["$unset": ["a.b": 1]],
            expected: ["_id": 1, "a": 1], modified: false),
        UpdateCase(
            name: "$unset of an array element sets it to null", document: ["_id": 1, "a": [1, 2, 3]],
            update: ["$unset": ["a.1": 1]], expected: ["_id": 1, "a": [1, .null, 3]]),
        UpdateCase(
            name: "$unset of a nested field", document: ["_id": 1, "a": ["b": 1, "c": 2]],
            update: ["$unset": ["a.b": 1]], expected: ["_id": 1, "a": ["c": 2]]),
        UpdateCase(
            name: "$unset with $[] nulls every element", document: ["_id": 1, "a": [1, 2]],
            update: ["$unset": ["a.$[]": 1]], expected: ["_id": 1, "a": [.null, .null]]),
    ]

    static let arithmeticCases: [UpdateCase] = [
        UpdateCase(
            name: "$inc int32", document: ["_id": 1, "a": 1], update: ["$inc": ["a": 2]], expected: ["_id": 1, "a": 3]),
        UpdateCase(
            name: "$inc negative", document: ["_id": 1, "a": 1], update: ["$inc": ["a": -3]],
            expected: ["_id": 1, "a": -2]),
        UpdateCase(
            name: "$inc int32 overflow promotes to int64", document: ["_id": 1, "a": .int32(Int32.max)],
            update: ["$inc": ["a": 1]], expected: ["_id": 1, "a": .int64(Int64(Int32.max) + 1)]),
        UpdateCase(
            name: "$inc int32 by double gives double", document: ["_id": 1, "a": 1], update: ["$inc": ["a": 0.5]],
            expected: ["_id": 1, "a": 1.5]),
        UpdateCase(
            name: "$inc int32 by 0.0 becomes a double", document: ["_id": 1, "a": 1], update: ["$inc": ["a": 0.0]],
            expected: ["_id": 1, "a": 1.0]),
        UpdateCase(
            name: "$inc int64 by int32 stays int64", document: ["_id": 1, "a": .int64(5)], update: ["$inc": ["a": 1]],
            expected: ["_id": 1, "a": .int64(6)]),
        UpdateCase(
            name: "$inc int32 by int64 gives int64", document: ["_id": 1, "a": 5], update: ["$inc": ["a": .int64(1)]],
            expected: ["_id": 1, "a": .int64(6)]),
        UpdateCase(
            name: "$inc by zero is a no-op", document: ["_id": 1, "a": 5], update: ["$inc": ["a": 0]],
            expected: ["_id": 1, "a": 5], modified: false),
        UpdateCase(
            name: "$inc of a missing field sets the argument", document: ["_id": 1],
            update: ["$inc": ["a.b": .int64(3)]], expected: ["_id": 1, "a": ["b": .int64(3)]]),
        UpdateCase(
            name: "$inc of every element", document: ["_id": 1, "a": [1, 2, 3]], update: ["$inc": ["a.$[]": 1]],
            expected: ["_id": 1, "a": [2, 3, 4]]),
        UpdateCase(
            name: "$mul int32 by int32", document: ["_id": 1, "a": 3], update: ["$mul": ["a": 4]],
            expected: ["_id": 1, "a": 12]),
        UpdateCase(
            name: "$mul int32 by double", document: ["_id": 1, "a": 3], update: ["$mul": ["a": 1.5]],
            expected: ["_id": 1, "a": 4.5]),
        UpdateCase(
            name: "$mul int32 overflow promotes to int64", document: ["_id": 1, "a": 100_000],
            update: ["$mul": ["a": 100_000]], expected: ["_id": 1, "a": .int64(10_000_000_000)]),
        UpdateCase(
            name: "$mul of a missing field sets zero of the argument's type", document: ["_id": 1],
            update: ["$mul": ["a": .int64(7), "b": 2.5, "c": 3]],
            expected: ["_id": 1, "a": .int64(0), "b": 0.0, "c": 0]),
        UpdateCase(
            name: "$mul by 1 is a no-op", document: ["_id": 1, "a": 3], update: ["$mul": ["a": 1]],
            expected: ["_id": 1, "a": 3], modified: false),
    ]

    static let compareCases: [UpdateCase] = [
        UpdateCase(
            name: "$min lowers", document: ["_id": 1, "a": 5], update: ["$min": ["a": 3]], expected: ["_id": 1, "a": 3]),
        UpdateCase(
            name: "$min keeps a lower value", document: ["_id": 1, "a": 5], update: ["$min": ["a": 7]],
            expected: ["_id": 1, "a": 5], modified: false),
        UpdateCase(
            name: "$min equal across numeric types is a no-op", document: ["_id": 1, "a": 5],
            update: ["$min": ["a": 5.0]], expected: ["_id": 1, "a": 5], modified: false),
        UpdateCase(
            name: "$min compares across types: numbers sort before strings", document: ["_id": 1, "a": 5],
            update: ["$min": ["a": "x"]], expected: ["_id": 1, "a": 5], modified: false),
        UpdateCase(
            name: "$min null sorts below numbers", document: ["_id": 1, "a": 5], update: ["$min": ["a": .null]],
            expected: ["_id": 1, "a": .null]),
        UpdateCase(
            name: "$max raises", document: ["_id": 1, "a": 5], update: ["$max": ["a": 7.5]],
            expected: ["_id": 1, "a": 7.5]),
        UpdateCase(
            name: "$max keeps a higher value", document: ["_id": 1, "a": 5], update: ["$max": ["a": 1]],
            expected: ["_id": 1, "a": 5], modified: false),
        UpdateCase(
            name: "$max of a missing field sets it", document: ["_id": 1], update: ["$max": ["a": 1]],
            expected: ["_id": 1, "a": 1]),
        UpdateCase(
            name: "$max dates", document: ["_id": 1, "d": .datetime(1000)], update: ["$max": ["d": .datetime(2000)]],
            expected: ["_id": 1, "d": .datetime(2000)]),
    ]

    static let arrayCases: [UpdateCase] = [
        UpdateCase(
            name: "$push appends", document: ["_id": 1, "a": [1]], update: ["$push": ["a": 2]],
            expected: ["_id": 1, "a": [1, 2]]),
        UpdateCase(
            name: "$push an array appends it as one element", document: ["_id": 1, "a": [1]],
            update: ["$push": ["a": [2, 3]]], expected: ["_id": 1, "a": [1, [2, 3]]]),
        UpdateCase(
            name: "$push onto a missing field creates the array", document: ["_id": 1], update: ["$push": ["a.b": 1]],
            expected: ["_id": 1, "a": ["b": [1]]]),
        UpdateCase(
            name: "$push $each", document: ["_id": 1, "a": [1]], update: ["$push": ["a": ["$each": [2, 3]]]],
            expected: ["_id": 1, "a": [1, 2, 3]]),
        UpdateCase(
            name: "$push $each [] onto a missing field creates []", document: ["_id": 1],
            update: ["$push": ["a": ["$each": []]]], expected: ["_id": 1, "a": []]),
        UpdateCase(
            name: "$push $each [] is a no-op", document: ["_id": 1, "a": [1]], update: ["$push": ["a": ["$each": []]]],
            expected: ["_id": 1, "a": [1]], modified: false),
        UpdateCase(
            name: "$push $position 0", document: ["_id": 1, "a": [1, 2]],
            update: ["$push": ["a": ["$each": [9], "$position": 0]]], expected: ["_id": 1, "a": [9, 1, 2]]),
        UpdateCase(
            name: "$push $position negative", document: ["_id": 1, "a": [1, 2, 3]],
            update: ["$push": ["a": ["$each": [9], "$position": -1]]], expected: ["_id": 1, "a": [1, 2, 9, 3]]),
        UpdateCase(
            name: "$push $position past the end appends", document: ["_id": 1, "a": [1]],
            update: ["$push": ["a": ["$each": [9], "$position": 10]]], expected: ["_id": 1, "a": [1, 9]]),
        UpdateCase(
            name: "$push $slice keeps the last", document: ["_id": 1, "a": [1, 2]],
            update: ["$push": ["a": ["$each": [3, 4], "$slice": -3]]], expected: ["_id": 1, "a": [2, 3, 4]]),
        UpdateCase(
            name: "$push $slice 0 empties", document: ["_id": 1, "a": [1, 2]],
            update: ["$push": ["a": ["$each": [3], "$slice": 0]]], expected: ["_id": 1, "a": []]),
        UpdateCase(
            name: "$push $sort by field and $slice (MongoDB manual quiz example)",
            document: [
                "_id": 5,
                "quizzes": [
                    ["wk": 1, "score": 10], ["wk": 2, "score": 8], ["wk": 3, "score": 5], ["wk": 4, "score": 6],
                ],
            ],
            update: [
                "$push": [
                    "quizzes": [
                        "$each": [["wk": 5, "score": 8], ["wk": 6, "score": 7], ["wk": 7, "score": 6]],
                        "$sort": ["score": -1], "$slice": 3,
                    ]
                ]
            ],
            expected: ["_id": 5, "quizzes": [["wk": 1, "score": 10], ["wk": 2, "score": 8], ["wk": 5, "score": 8]]]
        ),
        UpdateCase(
            name: "$push $sort whole elements descending", document: ["_id": 1, "a": [3, 1]],
            update: ["$push": ["a": ["$each": [2], "$sort": -1]]], expected: ["_id": 1, "a": [3, 2, 1]]),
        UpdateCase(
            name: "$push $sort alone always counts as a change", document: ["_id": 1, "a": [1, 2]],
            update: ["$push": ["a": ["$each": [], "$sort": 1]]], expected: ["_id": 1, "a": [1, 2]]),
        UpdateCase(
            name: "$addToSet adds a new value", document: ["_id": 1, "a": [1]], update: ["$addToSet": ["a": 2]],
            expected: ["_id": 1, "a": [1, 2]]),
        UpdateCase(
            name: "$addToSet skips an equal value (1.0 equals 1)", document: ["_id": 1, "a": [1]],
            update: ["$addToSet": ["a": 1.0]], expected: ["_id": 1, "a": [1]], modified: false),
        UpdateCase(
            name: "$addToSet $each adds the missing ones once", document: ["_id": 1, "a": ["x"]],
            update: ["$addToSet": ["a": ["$each": ["x", "y", "y", "z"]]]], expected: ["_id": 1, "a": ["x", "y", "z"]]),
        UpdateCase(
            name: "$addToSet a document compares whole documents", document: ["_id": 1, "a": [["b": 1, "c": 2]]],
            update: ["$addToSet": ["a": ["c": 2, "b": 1]]],
            expected: ["_id": 1, "a": [["b": 1, "c": 2], ["c": 2, "b": 1]]]),
        UpdateCase(
            name: "$addToSet onto a missing field creates the array", document: ["_id": 1],
            update: ["$addToSet": ["a": ["$each": [1, 1, 2]]]], expected: ["_id": 1, "a": [1, 2]]),
        UpdateCase(
            name: "$pop last", document: ["_id": 1, "a": [1, 2, 3]], update: ["$pop": ["a": 1]],
            expected: ["_id": 1, "a": [1, 2]]),
        UpdateCase(
            name: "$pop first", document: ["_id": 1, "a": [1, 2, 3]], update: ["$pop": ["a": -1]],
            expected: ["_id": 1, "a": [2, 3]]),
        UpdateCase(
            name: "$pop of an empty array is a no-op", document: ["_id": 1, "a": []], update: ["$pop": ["a": 1]],
            expected: ["_id": 1, "a": []], modified: false),
        UpdateCase(
            name: "$pop of a missing field is a no-op", document: ["_id": 1], update: ["$pop": ["a": 1.0]],
            expected: ["_id": 1], modified: false),
        UpdateCase(
            name: "$pull a value (numbers compare across types)", document: ["_id": 1, "a": [1, 2, 1.0, 3]],
            update: ["$pull": ["a": 1]], expected: ["_id": 1, "a": [2, 3]]),
        UpdateCase(
            name: "$pull with a condition", document: ["_id": 1, "votes": [3, 5, 6, 7, 7, 8]],
            update: ["$pull": ["votes": ["$gte": 6]]], expected: ["_id": 1, "votes": [3, 5]]),
        UpdateCase(
            name: "$pull with $in (MongoDB manual example)",
            document: [
                "_id": 1, "fruits": ["apples", "pears", "oranges", "grapes", "bananas"],
                "vegetables": ["carrots", "celery", "squash", "carrots"],
            ], update: ["$pull": ["fruits": ["$in": ["apples", "oranges"]], "vegetables": "carrots"]],
            expected: ["_id": 1, "fruits": ["pears", "grapes", "bananas"], "vegetables": ["celery", "squash"]]),
        UpdateCase(
            name: "$pull documents matching a query",
            document: ["_id": 1, "results": [["item": "A", "score": 5], ["item": "B", "score": 8, "extra": true]]],
            update: ["$pull": ["results": ["score": 8, "item": "B"]]],
            expected: ["_id": 1, "results": [["item": "A", "score": 5]]]),
        UpdateCase(
            name: "$pull a query skips non-documents", document: ["_id": 1, "a": [1, ["b": 1]]],
            update: ["$pull": ["a": ["b": ["$exists": true]]]], expected: ["_id": 1, "a": [1]]),
        UpdateCase(
            name: "$pull an array value needs exact equality", document: ["_id": 1, "a": [[1, 2], [2, 1], 1]],
            update: ["$pull": ["a": [1, 2]]], expected: ["_id": 1, "a": [[2, 1], 1]]),
        UpdateCase(
            name: "$pull with $elemMatch on nested arrays of documents",
            document: [
                "_id": 1,
                "results": [["answers": [["q": 1, "a": 4], ["q": 2, "a": 6]]], ["answers": [["q": 1, "a": 8]]]],
            ], update: ["$pull": ["results": ["answers": ["$elemMatch": ["q": 2, "a": ["$gte": 5]]]]]],
            expected: ["_id": 1, "results": [["answers": [["q": 1, "a": 8]]]]]),
        UpdateCase(
            name: "$pull nothing matching is a no-op", document: ["_id": 1, "a": [1, 2]], update: ["$pull": ["a": 9]],
            expected: ["_id": 1, "a": [1, 2]], modified: false),
        UpdateCase(
            name: "$pull of a missing field is a no-op", document: ["_id": 1], update: ["$pull": ["a": 9]],
            expected: ["_id": 1], modified: false),
        UpdateCase(
            name: "$pullAll", document: ["_id": 1, "a": [0, 2, 5, 5, 1, 0]], update: ["$pullAll": ["a": [0, 5]]],
            expected: ["_id": 1, "a": [2, 1]]),
    ]

    static let renameCases: [UpdateCase] = [
        UpdateCase(
            name: "$rename a field", document: ["_id": 1, "a": 1, "b": 2], update: ["$rename": ["a": "c"]],
            expected: ["_id": 1, "b": 2, "c": 1]),
        UpdateCase(
            name: "$rename over an existing field", document: ["_id": 1, "a": 1, "b": 2],
            update: ["$rename": ["a": "b"]], expected: ["_id": 1, "b": 1]),
        UpdateCase(
            name: "$rename into a new sub-document", document: ["_id": 1, "a": 1], update: ["$rename": ["a": "x.y"]],
            expected: ["_id": 1, "x": ["y": 1]]),
        UpdateCase(
            name: "$rename out of a sub-document", document: ["_id": 1, "n": ["first": "Ada", "last": "L"]],
            update: ["$rename": ["n.first": "fname"]], expected: ["_id": 1, "n": ["last": "L"], "fname": "Ada"]),
        UpdateCase(
            name: "$rename of a missing field is a no-op", document: ["_id": 1, "b": 2],
            update: ["$rename": ["a": "c"]], expected: ["_id": 1, "b": 2], modified: false),
        UpdateCase(
            name: "$bit and / or", document: ["_id": 1, "a": 13, "b": .int64(3)],
            update: ["$bit": ["a": ["and": 10], "b": ["or": 5]]], expected: ["_id": 1, "a": 8, "b": .int64(7)]),
    ]

    static let positionalCases: [UpdateCase] = [
        UpdateCase(
            name: "$ uses the query's array position",
            document: ["_id": 1, "teams": [["id": 1, "role": "a"], ["id": 2, "role": "b"]]],
            update: ["$set": ["teams.$.role": "owner"]], arrayPosition: 1,
            expected: ["_id": 1, "teams": [["id": 1, "role": "a"], ["id": 2, "role": "owner"]]]),
        UpdateCase(
            name: "$ on scalars", document: ["_id": 1, "grades": [80, 85, 90]], update: ["$set": ["grades.$": 82]],
            arrayPosition: 1, expected: ["_id": 1, "grades": [80, 82, 90]]),
        UpdateCase(
            name: "$ merges with a named sibling", document: ["_id": 1, "a": [["x": 1], ["x": 2]]],
            update: ["$set": ["a.$.y": 1, "a.1.z": 2]], arrayPosition: 1,
            expected: ["_id": 1, "a": [["x": 1], ["x": 2, "y": 1, "z": 2]]]),
        UpdateCase(
            name: "$[] updates every element", document: ["_id": 1, "a": [["b": 1], ["b": 2]]],
            update: ["$set": ["a.$[].b": 0]], expected: ["_id": 1, "a": [["b": 0], ["b": 0]]]),
        UpdateCase(
            name: "$[] on an empty array is a no-op", document: ["_id": 1, "a": []], update: ["$set": ["a.$[]": 0]],
            expected: ["_id": 1, "a": []], modified: false),
        UpdateCase(
            name: "$[x] with a value condition", document: ["_id": 1, "grades": [95, 92, 90, 100]],
            update: ["$set": ["grades.$[e]": 100]], arrayFilters: [["e": ["$gte": 92]]],
            expected: ["_id": 1, "grades": [100, 100, 90, 100]]),
        UpdateCase(
            name: "$[x] with a field condition",
            document: ["_id": 1, "teams": [["id": 1, "role": "member"], ["id": 2, "role": "member"]]],
            update: ["$set": ["teams.$[t].role": "admin"]], arrayFilters: [["t.id": 2]],
            expected: ["_id": 1, "teams": [["id": 1, "role": "member"], ["id": 2, "role": "admin"]]]),
        UpdateCase(
            name: "$[x] that matches nothing is a no-op (CRUD spec)", document: ["_id": 1, "y": [["b": 3], ["b": 1]]],
            update: ["$set": ["y.$[i].b": 2]], arrayFilters: [["i.b": 4]],
            expected: ["_id": 1, "y": [["b": 3], ["b": 1]]], modified: false),
        UpdateCase(
            name: "nested $[i] and $[j] (CRUD spec)",
            document: ["_id": 3, "y": [["b": 5, "c": [["d": 2], ["d": 1]]]]], update: ["$set": ["y.$[i].c.$[j].d": 0]],
            arrayFilters: [["i.b": 5], ["j.d": 3]], expected: ["_id": 3, "y": [["b": 5, "c": [["d": 2], ["d": 1]]]]],
            modified: false),
        UpdateCase(
            name: "nested $[] and $[x]", document: ["_id": 1, "a": [["b": [1, 5]], ["b": [7]]]],
            update: ["$inc": ["a.$[].b.$[big]": 100]], arrayFilters: [["big": ["$gt": 4]]],
            expected: ["_id": 1, "a": [["b": [1, 105]], ["b": [107]]]]),
        UpdateCase(
            name: "$[x] with $in and $and",
            document: ["_id": 1, "a": [["k": "p", "n": 1], ["k": "q", "n": 2], ["k": "r", "n": 3]]],
            update: ["$set": ["a.$[x].hit": true]],
            arrayFilters: [["$and": [["x.k": ["$in": ["p", "r"]]], ["x.n": ["$lt": 3]]]]],
            expected: ["_id": 1, "a": [["k": "p", "n": 1, "hit": true], ["k": "q", "n": 2], ["k": "r", "n": 3]]]),
        UpdateCase(
            name: "$[x] with $exists false on missing fields", document: ["_id": 1, "a": [["v": 1], [:]]],
            update: ["$set": ["a.$[x].v": 0]], arrayFilters: [["x.v": ["$exists": false]]],
            expected: ["_id": 1, "a": [["v": 1], ["v": 0]]]),
    ]

    @Test(
        arguments: setCases + unsetCases + arithmeticCases + compareCases + arrayCases + renameCases + positionalCases)
    func appliesLikeMongoDB(_ c: UpdateCase) throws {
        let (result, changed) = try runUpdate(
            c.document, c.update, arrayFilters: c.arrayFilters, arrayPosition: c.arrayPosition, isInsert: c.isInsert
        ).get()
        #expect(result.isIdentical(to: c.expected), "got \(show(result)), expected \(show(c.expected))")
        #expect(changed == c.modified)
        if !c.modified { #expect(result.isIdentical(to: c.document)) }
    }

    @Test func currentDateSetsDateOrTimestamp() throws {
        let (result, changed) = try runUpdate(
            ["_id": 1, "d": 0],
            ["$currentDate": ["d": true, "t": ["$type": "timestamp"], "x.y": ["$type": "date"]]]
        ).get()
        #expect(changed)
        guard case .datetime(let ms)? = result["d"], case .timestamp(let ts)? = result["t"],
            case .datetime? = result[path: "x.y"]
        else {
            Issue.record("unexpected \(show(result))")
            return
        }
        #expect(ms > 1_600_000_000_000)
        #expect(ts.timestamp > 1_600_000_000)
    }

    @Test func replacementKeepsIDAndDetectsNoOps() throws {
        var doc: BSONDocument = ["_id": 1, "a": 1]
        #expect(try UpdatePlan.replace(&doc, with: ["b": 2]))
        #expect(doc.isIdentical(to: ["_id": 1, "b": 2]))
        #expect(try UpdatePlan.replace(&doc, with: ["_id": 1, "b": 2]) == false)
        #expect(try UpdatePlan.replace(&doc, with: ["b": 3, "_id": 1.0]))
        #expect(doc.isIdentical(to: ["b": 3, "_id": 1.0]))

        let plan = try UpdatePlan(["x": 1])
        #expect(plan.isReplacement)
        #expect(try UpdatePlan([:]).isReplacement)
        var other: BSONDocument = ["_id": 2, "y": 1]
        #expect(try plan.apply(to: &other, arrayPosition: nil, isInsert: false))
        #expect(other.isIdentical(to: ["_id": 2, "x": 1]))
    }

    @Test func replacementFillsZeroTimestamps() throws {
        var doc: BSONDocument = ["_id": 1]
        try UpdatePlan.replace(&doc, with: ["t": .timestamp(BSONTimestamp(timestamp: 0, increment: 0))])
        guard case .timestamp(let t)? = doc["t"] else {
            Issue.record("no timestamp")
            return
        }
        #expect(t.timestamp > 0)
    }
}

@Suite struct UpdateFastPathTests {
    static let names = ["a", "b", "c", "0", "1", "_id"]

    static func value(_ g: inout SeededRandom, depth: Int) -> BSONValue {
        switch g.int(0...(depth > 2 ? 3 : 5)) {
        case 0: return .int32(Int32(g.int(0...2)))
        case 1: return .double(Double(g.int(0...2)))
        case 2: return .string(["x", "y"][g.int(0...1)])
        case 3: return .null
        case 4: return .document(document(&g, depth: depth + 1))
        default: return .array((0..<g.int(0...2)).map { _ in value(&g, depth: depth + 1) })
        }
    }

    static func document(_ g: inout SeededRandom, depth: Int) -> BSONDocument {
        var d = BSONDocument()
        for name in names.prefix(4) where g.int(0...1) == 0 { d.append(name, value(&g, depth: depth)) }
        return d
    }

    @Test func fastSetAgreesWithTheGeneralWalk() throws {
        let seed = SeededRandom.baseSeed
        var g = SeededRandom(seed: seed)
        for round in 0..<3000 {
            let doc = Self.document(&g, depth: 0)
            let path = (0..<(1 + g.int(0...2))).map { _ in Self.names[g.int(0...(Self.names.count - 1))] }.joined(
                separator: ".")
            let newValue = Self.value(&g, depth: 2)
            let fast = runUpdate(doc, ["$set": [path: newValue]])
            let general = runUpdate(doc, ["$set": [path: newValue], "$unset": ["zzzz": 1]])
            switch (fast, general) {
            case (.success(let (a, ca)), .success(let (b, cb))):
                #expect(a.isIdentical(to: b), "seed \(seed) round \(round): \(show(doc)) $set \(path)")
                #expect(ca == cb, "seed \(seed) round \(round)")
            case (.failure(let a), .failure(let b)):
                #expect(a.code == b.code && a.message == b.message, "seed \(seed) round \(round)")
            default:
                Issue.record("seed \(seed) round \(round): \(show(doc)) $set \(path): \(fast) vs \(general)")
            }
        }
    }
}
