import DocketBSON
import Testing

@testable import Docket

/// Malformed filters are rejected with MongoDB's codes and messages.
@Suite struct FilterErrorTests {
    struct ErrorCase: Sendable, CustomTestStringConvertible {
        let filter: BSONDocument
        let code: Int
        let message: String?
        let line: Int
        init(_ filter: BSONDocument, _ code: Int, _ message: String? = nil, line: Int = #line) {
            self.filter = filter
            self.code = code
            self.message = message
            self.line = line
        }
        var testDescription: String { "line \(line): \(filter)" }
    }

    static let cases: [ErrorCase] = [
        ErrorCase(["a": ["$foo": 1]], 2, "unknown operator: $foo"),
        ErrorCase(["a": ["$gt": 1, "b": 2]], 2, "unknown operator: b"),
        ErrorCase(
            ["$foo": 1], 2,
            "unknown top level operator: $foo. If you have a field name that starts with a '$' symbol, consider using $getField or $setField."
        ),
        ErrorCase(
            ["$not": ["a": 1]], 2,
            "unknown top level operator: $not. If you are trying to negate an entire expression, use $nor."),
        ErrorCase(["a": ["$in": 1]], 2, "$in needs an array"),
        ErrorCase(["a": ["$nin": "x"]], 2, "$nin needs an array"),
        ErrorCase(["a": ["$in": [["$gt": 1]]]], 2, "cannot nest $ under $in"),
        ErrorCase(["$and": []], 2, "$and/$or/$nor must be a nonempty array"),
        ErrorCase(["$or": ["a": 1]], 2, "$or must be an array"),
        ErrorCase(["$nor": [1]], 2, "$or/$and/$nor entries need to be full objects"),
        ErrorCase(["a": ["$size": -1]], 2, "Failed to parse $size. Expected a positive number in: $size: -1"),
        ErrorCase(["a": ["$size": 1.5]], 2, "Failed to parse $size. Expected an integer: $size: 1.5"),
        ErrorCase(["a": ["$size": "1"]], 2, "Failed to parse $size. Expected a number in: $size: \"1\""),
        ErrorCase(["a": ["$regex": 1]], 2, "$regex has to be a string"),
        ErrorCase(["a": ["$options": "i"]], 2, "$options needs a $regex"),
        ErrorCase(["a": ["$options": 1, "$regex": "x"]], 2, "$options has to be a string"),
        ErrorCase(
            ["a": ["$options": "m", "$regex": .regex(BSONRegex(pattern: "x", options: "i"))]], 51074,
            "options set in both $regex and $options"),
        ErrorCase(
            ["a": ["$regex": .regex(BSONRegex(pattern: "x", options: "i")), "$options": "m"]], 51075,
            "options set in both $regex and $options"),
        ErrorCase(["a": ["$regex": "x", "$options": "z"]], 51108, "invalid flag in regex options: z"),
        ErrorCase(["a": ["$regex": "(unclosed"]], 51091),
        ErrorCase(["a": ["$type": "foo"]], 2, "Unknown type name alias: foo"),
        ErrorCase(["a": ["$type": 100]], 2, "Invalid numerical type code: 100"),
        ErrorCase(["a": ["$type": 1.5]], 2, "Invalid numerical type code: 1.5"),
        ErrorCase(["a": ["$type": 0]], 2, "Invalid numerical type code: 0. Instead use {$exists:false}."),
        ErrorCase(["a": ["$type": true]], 14, "type must be represented as a number or a string"),
        ErrorCase(["a": ["$type": []]], 9, "a must match at least one type"),
        ErrorCase(["a": ["$mod": 4]], 2, "malformed mod, needs to be an array"),
        ErrorCase(["a": ["$mod": [4]]], 2, "malformed mod, not enough elements"),
        ErrorCase(["a": ["$mod": []]], 2, "malformed mod, not enough elements"),
        ErrorCase(["a": ["$mod": [4, 1, 2]]], 2, "malformed mod, too many elements"),
        ErrorCase(["a": ["$mod": ["4", 1]]], 2, "malformed mod, divisor not a number"),
        ErrorCase(["a": ["$mod": [4, "1"]]], 2, "malformed mod, remainder not a number"),
        ErrorCase(["a": ["$mod": [0, 1]]], 2, "divisor cannot be 0"),
        ErrorCase(["a": ["$mod": [0.5, 1]]], 2, "divisor cannot be 0"),
        ErrorCase(
            ["a": ["$mod": [.double(.nan), 1]]], 2,
            "malformed mod, divisor value is invalid :: caused by :: Unable to coerce NaN/Inf to integral type"),
        ErrorCase(
            ["a": ["$mod": [1e300, 1]]], 2,
            "malformed mod, divisor value is invalid :: caused by :: Out of bounds coercing to integral value"),
        ErrorCase(
            ["a": ["$mod": [2, .double(.infinity)]]], 2,
            "malformed mod, remainder value is invalid :: caused by :: Unable to coerce NaN/Inf to integral type"),
        ErrorCase(["a": ["$all": 1]], 2, "$all needs an array"),
        ErrorCase(["a": ["$all": [["$elemMatch": ["b": 1]], 5]]], 2, "$all/$elemMatch has to be consistent"),
        ErrorCase(["a": ["$all": [["$gt": 1]]]], 2, "no $ expressions in $all"),
        ErrorCase(["a": ["$elemMatch": 1]], 2, "$elemMatch needs an Object"),
        ErrorCase(["a": ["$elemMatch": ["$foo": 1]]], 2, "unknown operator: $foo"),
        ErrorCase(["a": ["$not": 1]], 2, "$not needs a regex or a document"),
        ErrorCase(["a": ["$not": [:]]], 2, "$not cannot be empty"),
        ErrorCase(["a": ["$not": ["b": 1]]], 2, "unknown operator: b"),
        ErrorCase(
            ["a": ["$gt": .regex(BSONRegex(pattern: "x"))]], 2, "Can't have RegEx as arg to predicate over field 'a'."),
        ErrorCase(["a": ["$ne": .regex(BSONRegex(pattern: "x"))]], 2, "Can't have regex as arg to $ne."),
        ErrorCase(["a": .undefined], 2, "cannot compare to undefined"),
        ErrorCase(["a": ["$bitsAllSet": -1]], 9, "Expected a positive number in: $bitsAllSet: -1"),
        ErrorCase(["a": ["$bitsAllSet": 1.5]], 9, "Expected an integer: $bitsAllSet: 1.5"),
        ErrorCase(
            ["a": ["$bitsAnySet": [-1]]], 2, "Failed to parse bit position. Expected a positive number in: 0: -1"),
        ErrorCase(
            ["a": ["$bitsAnySet": "x"]], 2,
            "a takes an Array, a number, or a BinData but received: $bitsAnySet: \"x\""),
        ErrorCase(["a": ["$where": "1"]], 2, "$where cannot be applied to a field"),
        ErrorCase(["$alwaysTrue": 2], 9, "$alwaysTrue must be an integer value of 1"),
        ErrorCase(["$expr": ["$foo": ["$a", 1]]], 168, "Unrecognized expression '$foo'"),
        ErrorCase(["$where": "this.a == 1"], 238),
        ErrorCase(["$text": ["$search": "x"]], 238),
        ErrorCase(["a": ["$near": [0, 0]]], 238),
        ErrorCase(["a": ["$geoWithin": ["$center": [[0, 0], 1]]]], 238),
        ErrorCase(["a": ["$elemMatch": ["b": ["$expr": 1]]]], 2, "unknown operator: $expr"),
        ErrorCase(
            ["a": ["$elemMatch": ["$expr": ["$eq": [1, 1]]]]], 2, "$expr can only be applied to the top-level document"),
    ]

    @Test(arguments: cases)
    func rejectsMalformedFilters(_ row: ErrorCase) {
        expectFilterError(row.filter, code: row.code, message: row.message, line: row.line)
    }

    @Test func acceptsAnyExistsValueAndDBRefs() throws {
        _ = try Matcher(["a": ["$exists": ["x": 1]]])
        let dbref: BSONDocument = ["r": ["$ref": "users", "$id": 1]]
        #expect(try Matcher(dbref).matches(dbref))
        #expect(try Matcher(["r.$id": 1]).matches(dbref))
    }

    @Test func plansIDLookupsFromTheCompiledFilter() throws {
        func keys(_ filter: BSONDocument) throws -> [BSONValue]? { QueryPlanner.idKeys(try Matcher(filter).root) }
        #expect(try keys(["_id": 5]) == [5])
        #expect(try keys(["_id": ["$eq": "x"], "a": 1]) == ["x"])
        #expect(try keys(["$and": [["a": 1], ["_id": ["k": 1]]]]) == [["k": 1]])
        #expect(try keys(["_id": ["$in": [3, 1, 2, 1.0, [9]]]]) == [1, 2, 3])
        #expect(try keys(["_id": ["$in": [1, .regex(BSONRegex(pattern: "x"))]]]) == nil)
        #expect(try keys(["_id": ["$gt": 5]]) == nil)
        #expect(try keys(["_id": .regex(BSONRegex(pattern: "x"))]) == nil)
        #expect(try keys(["$or": [["_id": 1]]]) == [1])
        #expect(try keys(["$or": [["_id": 1], ["_id": 2]]]) == nil)
        #expect(try keys([:]) == nil)
        #expect(try Matcher([:]).isMatchAll)
        #expect(try Matcher(["$comment": "x"]).isMatchAll)
        #expect(try !Matcher(["a": 1]).isMatchAll)
    }
}
