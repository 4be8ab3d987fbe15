import Testing

@testable import Docket

@Suite struct UpdateErrorTests {
    static let cases: [UpdateErrorCase] = [
        UpdateErrorCase(
            name: "unknown modifier", update: ["$foo": ["a": 1]], code: 9,
            message:
                "Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array"
        ),
        UpdateErrorCase(
            name: "non-$ field in an operator update", update: ["$set": ["a": 1], "b": 2], code: 9,
            message:
                "Unknown modifier: b. Expected a valid update modifier or pipeline-style update specified as an array"),
        UpdateErrorCase(
            name: "operand not a document", update: ["$set": 1], code: 9,
            message:
                "Modifiers operate on fields but we found type int instead. For example: {$mod: {<field>: ...}} not {$set: 1}"
        ),
        UpdateErrorCase(
            name: "conflict at a prefix", update: ["$set": ["a": 1], "$inc": ["a.b": 1]], code: 40,
            message: "Updating the path 'a.b' would create a conflict at 'a'"),
        UpdateErrorCase(
            name: "conflict at a longer path", update: ["$set": ["a.b": 1], "$inc": ["a": 1]], code: 40,
            message: "Updating the path 'a' would create a conflict at 'a'"),
        UpdateErrorCase(
            name: "conflict on the same path", update: ["$set": ["a.b": 1], "$unset": ["a.b": 1]], code: 40,
            message: "Updating the path 'a.b' would create a conflict at 'a.b'"),
        UpdateErrorCase(
            name: "conflict between $[] and an index", update: ["$set": ["a.0": 1, "a.$[]": 2]], code: 40,
            message: "Updating the path 'a.$[]' would create a conflict at 'a'"),
        UpdateErrorCase(
            name: "$rename source conflicts", update: ["$rename": ["a": "b"], "$set": ["a": 1]], code: 40,
            message: "Updating the path 'a' would create a conflict at 'a'"),
        UpdateErrorCase(
            name: "empty path", update: ["$set": ["": 1]], code: 56, message: "An empty update path is not valid."),
        UpdateErrorCase(
            name: "empty component", update: ["$set": ["a..b": 1]], code: 56,
            message: "The update path 'a..b' contains an empty field name, which is not allowed."),
        UpdateErrorCase(
            name: "$ prefixed field", update: ["$set": ["$a": 1]], code: 52,
            message:
                "The dollar ($) prefixed field '$a' in '$a' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith."
        ),
        UpdateErrorCase(
            name: "modify _id", document: ["_id": 1, "a": 1], update: ["$set": ["_id": 2]], code: 66,
            message: "Performing an update on the path '_id' would modify the immutable field '_id'"),
        UpdateErrorCase(
            name: "modify _id with an equal value of another type", document: ["_id": 1],
            update: ["$set": ["_id": 1.0]], code: 66,
            message: "Performing an update on the path '_id' would modify the immutable field '_id'"),
        UpdateErrorCase(
            name: "modify a field inside _id", document: ["_id": ["a": 1]], update: ["$inc": ["_id.a": 1]], code: 66,
            message: "Performing an update on the path '_id.a' would modify the immutable field '_id'"),
        UpdateErrorCase(
            name: "unset _id", document: ["_id": 1], update: ["$unset": ["_id": 1]], code: 66,
            message: "Performing an update on the path '_id' would modify the immutable field '_id'"),
        UpdateErrorCase(
            name: "create a field inside _id", document: ["_id": ["a": 1]], update: ["$set": ["_id.b": 2]], code: 66,
            message: "Updating the path '_id' to _id: { a: 1, b: 2 } would modify the immutable field '_id'"),
        UpdateErrorCase(
            name: "rename _id", document: ["_id": 1], update: ["$rename": ["_id": "id"]], code: 66,
            message: "Performing an update on the path '_id' would modify the immutable field '_id'"),
        UpdateErrorCase(
            name: "$inc on a string", document: ["_id": 1, "a": "x"], update: ["$inc": ["a": 1]], code: 14,
            message:
                "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string"
        ),
        UpdateErrorCase(
            name: "$mul on null",
            document: ["_id": .objectID(ObjectID(timestamp: 1, random: 2, counter: 3)), "a": ["b": .null]],
            update: ["$mul": ["a.b": 2]], code: 14,
            message:
                "Cannot apply $mul to a value of non-numeric type. {_id: ObjectId('000000010000000002000003')} has the field 'b' of non-numeric type null"
        ),
        UpdateErrorCase(
            name: "$inc with a string argument", update: ["$inc": ["a": "x"]], code: 14,
            message: "Cannot increment with non-numeric argument: {a: \"x\"}"),
        UpdateErrorCase(
            name: "$mul with a string argument", update: ["$mul": ["a": "x"]], code: 14,
            message: "Cannot multiply with non-numeric argument: {a: \"x\"}"),
        UpdateErrorCase(
            name: "$inc int64 overflow", document: ["_id": 1, "a": .int64(Int64.max)], update: ["$inc": ["a": 1]],
            code: 2,
            message:
                "Failed to apply $inc operations to current value ((NumberLong)9223372036854775807) for document {_id: 1}"
        ),
        UpdateErrorCase(
            name: "$mul int64 overflow", document: ["_id": 1, "a": .int64(Int64.max / 2)], update: ["$mul": ["a": 3]],
            code: 2,
            message:
                "Failed to apply $mul operations to current value ((NumberLong)4611686018427387903) for document {_id: 1}"
        ),
        UpdateErrorCase(
            name: "$push onto a string", document: ["_id": 1, "a": "x"], update: ["$push": ["a": 1]], code: 2,
            message: "The field 'a' must be an array but is of type string in document {_id: 1}"),
        UpdateErrorCase(
            name: "$push onto a nested number", document: ["_id": "k", "a": ["b": 1]], update: ["$push": ["a.b": 1]],
            code: 2, message: "The field 'a.b' must be an array but is of type int in document {_id: \"k\"}"),
        UpdateErrorCase(
            name: "$push unknown clause", update: ["$push": ["a": ["$each": [1], "$foo": 1]]], code: 2,
            message: "Unrecognized clause in $push: $foo"),
        UpdateErrorCase(
            name: "$push $each not an array", update: ["$push": ["a": ["$each": 1]]], code: 2,
            message: "The argument to $each in $push must be an array but it was of type: int"),
        UpdateErrorCase(
            name: "$push $slice not an integer", update: ["$push": ["a": ["$each": [1], "$slice": 1.5]]], code: 2,
            message: "The value for $slice must be an integer value but was given type: double"),
        UpdateErrorCase(
            name: "$push $sort invalid", update: ["$push": ["a": ["$each": [1], "$sort": 2]]], code: 2,
            message: "The $sort element value must be either 1 or -1"),
        UpdateErrorCase(
            name: "$addToSet onto a number", document: ["_id": 1, "a": 5], update: ["$addToSet": ["a": 1]], code: 2,
            message: "Cannot apply $addToSet to non-array field. Field named 'a' has non-array type int"),
        UpdateErrorCase(
            name: "$addToSet $each not an array", update: ["$addToSet": ["a": ["$each": 1]]], code: 14,
            message: "The argument to $each in $addToSet must be an array but it was of type int"),
        UpdateErrorCase(
            name: "$pop onto a string", document: ["_id": 1, "a": "x"], update: ["$pop": ["a": 1]], code: 14,
            message: "Path 'a' contains an element of non-array type 'string'"),
        UpdateErrorCase(
            name: "$pop bad argument", update: ["$pop": ["a": 2]], code: 9, message: "$pop expects 1 or -1, found: 2"),
        UpdateErrorCase(
            name: "$pop non-number", update: ["$pop": ["a": "x"]], code: 9, message: "Expected a number in: a: \"x\""),
        UpdateErrorCase(
            name: "$pull onto a number", document: ["_id": 1, "a": 1], update: ["$pull": ["a": 1]], code: 2,
            message: "Cannot apply $pull to a non-array value"),
        UpdateErrorCase(
            name: "$pull through a scalar", document: ["_id": 1, "a": 1], update: ["$pull": ["a.b": 1]], code: 28,
            message: "Cannot use the part (b) of (a.b) to traverse the element ({a: 1})"),
        UpdateErrorCase(
            name: "$pullAll non-array argument", update: ["$pullAll": ["a": 1]], code: 2,
            message: "$pullAll requires an array argument but was given a int"),
        UpdateErrorCase(
            name: "$currentDate bad type", update: ["$currentDate": ["a": ["$type": "x"]]], code: 2,
            message:
                "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}"
        ),
        UpdateErrorCase(
            name: "$currentDate bad argument", update: ["$currentDate": ["a": 1]], code: 2,
            message:
                "int is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'})."
        ),
        UpdateErrorCase(
            name: "path through a scalar", document: ["_id": 1, "a": 1], update: ["$set": ["a.b": 1]], code: 28,
            message: "Cannot create field 'b' in element {a: 1}"),
        UpdateErrorCase(
            name: "field name on an array", document: ["_id": 1, "a": [1, 2]], update: ["$set": ["a.b": 1]], code: 28,
            message: "Cannot create field 'b' in element {a: [ 1, 2 ]}"),
        UpdateErrorCase(
            name: "path through a nested scalar", document: ["_id": 1, "a": ["b": "s"]],
            update: ["$inc": ["a.b.c.d": 1]], code: 28, message: "Cannot create field 'c' in element {b: \"s\"}"),
        UpdateErrorCase(
            name: "too much padding", document: ["_id": 1, "a": []], update: ["$set": ["a.1500001": 1]], code: 34,
            message: "can't backfill more than 1500000 elements"),
        UpdateErrorCase(
            name: "$rename to itself", update: ["$rename": ["a": "a"]], code: 2,
            message: "The source and target field for $rename must differ: a: \"a\""),
        UpdateErrorCase(
            name: "$rename to a sub-path", update: ["$rename": ["a": "a.b"]], code: 2,
            message: "The source and target field for $rename must not be on the same path: a: \"a.b\""),
        UpdateErrorCase(
            name: "$rename target not a string", update: ["$rename": ["a": 1]], code: 2,
            message: "The 'to' field for $rename must be a string: a: 1"),
        UpdateErrorCase(
            name: "$rename dynamic source", update: ["$rename": ["a.$": "b"]], code: 2,
            message: "The source field for $rename may not be dynamic: a.$"),
        UpdateErrorCase(
            name: "$rename out of an array", document: ["_id": 1, "a": [["b": 1]]], update: ["$rename": ["a.0.b": "c"]],
            code: 2,
            message:
                "The source field cannot be an array element, 'a.0.b' in doc with _id: 1 has an array field called 'a'"),
        UpdateErrorCase(
            name: "$rename into an array", document: ["_id": 1, "a": [["b": 1]], "c": 1],
            update: ["$rename": ["c": "a.0.d"]], code: 2,
            message:
                "The destination field cannot be an array element, 'a.0.d' in doc with _id: 1 has an array field called 'a'"
        ),
        UpdateErrorCase(
            name: "two positional operators", update: ["$set": ["a.$.b.$": 1]], code: 2,
            message: "Too many positional (i.e. '$') elements found in path 'a.$.b.$'"),
        UpdateErrorCase(
            name: "positional first", update: ["$set": ["$.a": 1]], code: 2,
            message: "Cannot have positional (i.e. '$') element in the first position in path '$.a'"),
        UpdateErrorCase(
            name: "positional without a query match", document: ["_id": 1, "a": [1]], update: ["$set": ["a.$": 1]],
            code: 2, message: "The positional operator did not find the match needed from the query."),
        UpdateErrorCase(
            name: "unused array filter", update: ["$set": ["a": 1]], arrayFilters: [["x": 1]], code: 9,
            message: "The array filter for identifier 'x' was not used in the update { $set: { a: 1 } }"),
        UpdateErrorCase(
            name: "missing array filter", update: ["$set": ["a.$[x]": 1]], code: 2,
            message: "No array filter found for identifier 'x' in path 'a.$[x]'"),
        UpdateErrorCase(
            name: "array filter first", update: ["$set": ["$[x].a": 1]], arrayFilters: [["x": 1]], code: 2,
            message:
                "Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '$[x].a'"),
        UpdateErrorCase(
            name: "array filter with two names", update: ["$set": ["a.$[x]": 1]], arrayFilters: [["x": 1, "y": 2]],
            code: 9,
            message:
                "Error parsing array filter :: caused by :: Expected a single top-level field name, found 'x' and 'y'"),
        UpdateErrorCase(
            name: "array filter without a name", update: ["$set": ["a.$[x]": 1]], arrayFilters: [[:]], code: 9,
            message: "Cannot use an expression without a top-level field name in arrayFilters"),
        UpdateErrorCase(
            name: "array filters with one name twice", update: ["$set": ["a.$[x]": 1]],
            arrayFilters: [["x": 1], ["x": 2]], code: 9,
            message: "Found multiple array filters with the same top-level field name x"),
        UpdateErrorCase(
            name: "array filter identifier not lowercase", update: ["$set": ["a.$[X]": 1]], arrayFilters: [["X": 1]],
            code: 2,
            message:
                "Error parsing array filter :: caused by :: The top-level field name must be an alphanumeric string beginning with a lowercase letter, found 'X'"
        ),
        UpdateErrorCase(
            name: "array filter unknown operator", update: ["$set": ["a.$[x]": 1]], arrayFilters: [["x": ["$foo": 1]]],
            code: 2, message: "Error parsing array filter :: caused by :: unknown operator: $foo"),
        UpdateErrorCase(
            name: "array update on a non-array", document: ["_id": 1, "a": 1], update: ["$set": ["a.$[]": 1]], code: 2,
            message: "Cannot apply array updates to non-array element a: 1"),
        UpdateErrorCase(
            name: "array update on a missing path", document: ["_id": 1], update: ["$set": ["a.b.$[]": 1]], code: 2,
            message: "The path 'a.b' must exist in the document in order to apply array updates."),
        UpdateErrorCase(
            name: "two array filters on one element", document: ["_id": 1, "a": [1, 2]],
            update: ["$set": ["a.$[]": 0, "a.$[x]": 1]], arrayFilters: [["x": 1]], code: 40,
            message: "Update created a conflict at 'a.0'"),
        UpdateErrorCase(
            name: "replacement with a $ field", update: ["a": 1, "$set": ["b": 1]], code: 52,
            message:
                "The dollar ($) prefixed field '$set' in '$set' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith."
        ),
        UpdateErrorCase(
            name: "replacement changing _id", document: ["_id": 1, "a": 1], update: ["_id": 2, "a": 1], code: 66,
            message: "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2"),
    ]

    @Test(arguments: cases)
    func failsWithMongoDBCodeAndMessage(_ c: UpdateErrorCase) {
        switch runUpdate(c.document, c.update, arrayFilters: c.arrayFilters, arrayPosition: c.arrayPosition) {
        case .success(let (result, _)):
            Issue.record("expected error \(c.code), got \(show(result))")
        case .failure(let error):
            #expect(error.code.code == c.code)
            #expect(error.message == c.message)
        }
    }

    @Test func failingMultiOperatorUpdateLeavesTheDocumentUnchanged() throws {
        let original: BSONDocument = ["_id": 1, "a": 1, "b": "x", "c": ["d": [1, 2]]]
        let failing: [BSONDocument] = [
            ["$set": ["a": 2, "c.d.0": 9], "$inc": ["b": 1]],
            ["$inc": ["c.d.$[]": 1, "a": 1], "$push": ["b": 1]],
            ["$set": ["z": 1], "$rename": ["a": "c.d.5"]],
            ["$unset": ["a": 1], "$set": ["b.x": 1]],
            ["$set": ["c.d.1": 0, "_id": 2]],
        ]
        for update in failing {
            let plan = try UpdatePlan(update)
            var doc = original
            #expect(throws: DocketError.self) { try plan.apply(to: &doc, arrayPosition: nil, isInsert: false) }
            #expect(doc.isIdentical(to: original), "changed by \(show(update)): \(show(doc))")
        }
        // A failure on the second element of a $[] update.
        let plan = try UpdatePlan(["$inc": ["a.$[]": 1]])
        var doc: BSONDocument = ["_id": 1, "a": [1, "x"]]
        #expect(throws: DocketError.self) { try plan.apply(to: &doc, arrayPosition: nil, isInsert: false) }
        #expect(doc.isIdentical(to: ["_id": 1, "a": [1, "x"]]))
    }

    @Test func failingSingleOperatorUpdateInPlaceLeavesTheDocumentUnchanged() throws {
        let cases: [(BSONDocument, BSONDocument)] = [
            (["_id": 1, "a": ["b": 1]], ["$set": ["a.b.c": 1]]),
            (["_id": 1, "a": ["b": "x"]], ["$inc": ["a.b": 1]]),
            (["_id": 1, "a": [["b": "x"]]], ["$push": ["a.0.b": 1]]),
            (["_id": 1, "a": []], ["$set": ["a.9999999": 1]]),
        ]
        for (original, update) in cases {
            var doc = original
            let plan = try UpdatePlan(update)
            #expect(throws: DocketError.self) { try plan.apply(to: &doc, arrayPosition: nil, isInsert: false) }
            #expect(doc.isIdentical(to: original))
        }
    }
}
