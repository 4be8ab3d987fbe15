import DocketBSON
import Foundation
import Testing

@testable import Docket

/// `$expr` in filters, through the public API: find, count, distinct, updates and deletes.
@Suite struct ExprFilterTests {
    private func inventory() throws -> DocketCollection {
        let c = makeCollection()
        try c.insertMany([
            ["_id": 1, "item": "abc", "qty": 5, "limit": 10, "price": 2.5],
            ["_id": 2, "item": "def", "qty": 20, "limit": 10, "price": .int64(4)],
            ["_id": 3, "item": "ghi", "qty": 7, "limit": 7, "price": decimal("1.5")],
            ["_id": 4, "item": "jkl", "limit": 1],
            ["_id": 5, "item": "mno", "qty": .null, "limit": .null],
        ])
        return c
    }

    private func ids(_ c: DocketCollection, _ filter: BSONDocument, sort: BSONDocument? = nil) throws -> [BSONValue] {
        try c.find(filter, options: FindOptions(sort: sort)).toArray().map { $0["_id"]! }
    }

    @Test func comparesTwoFieldsOfTheSameDocument() throws {
        let c = try inventory()
        #expect(try ids(c, ["$expr": ["$gt": ["$qty", "$limit"]]]) == [2])
        #expect(try ids(c, ["$expr": ["$eq": ["$qty", "$limit"]]]) == [3, 5])
        // A missing field compares below null.
        #expect(try ids(c, ["$expr": ["$lt": ["$qty", "$limit"]]]) == [1, 4])
    }

    @Test func combinesWithOtherOperatorsAndLogic() throws {
        let c = try inventory()
        #expect(try ids(c, ["item": ["$ne": "abc"], "$expr": ["$gte": ["$qty", "$limit"]]]) == [2, 3, 5])
        #expect(try ids(c, ["$or": [["_id": 1], ["$expr": ["$gt": ["$qty", 10]]]]]) == [1, 2])
        #expect(try ids(c, ["$nor": [["$expr": ["$gt": ["$qty", 6]]]]]) == [1, 4, 5])
        #expect(try ids(c, ["$and": [["$expr": "$qty"], ["$expr": ["$lt": ["$price", 3]]]]]) == [1, 3])
        // A missing or null operand makes $multiply null, which sorts below every number.
        #expect(
            try ids(c, ["$expr": ["$lt": [["$multiply": ["$qty", "$price"]], 15]]], sort: ["_id": -1]) == [5, 4, 3, 1])
    }

    @Test func truthinessDecidesTheMatch() throws {
        let c = try inventory()
        // 0, null, missing and false do not match; everything else does.
        #expect(try ids(c, ["$expr": "$qty"]) == [1, 2, 3])
        #expect(try ids(c, ["$expr": true]).count == 5)
        #expect(try ids(c, ["$expr": 0]).isEmpty)
        #expect(try ids(c, ["$expr": ["$literal": []]]).count == 5)
        #expect(try c.countDocuments(["$expr": ["$eq": [["$mod": ["$_id", 2]], 0]]]) == 2)
        #expect(try c.distinct("item", filter: ["$expr": ["$in": ["$_id", [1, 3]]]]) == ["abc", "ghi"])
    }

    @Test func evaluationErrorsFailTheOperation() throws {
        let c = try inventory()
        do {
            _ = try c.find(["$expr": ["$divide": [1, ["$subtract": ["$_id", 3]]]]]).toArray()
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .badValue)
            #expect(error.message == "can't $divide by zero")
        }
        #expect(throws: DocketError.self) { try c.countDocuments(["$expr": ["$add": ["$item", 1]]]) }
        #expect(throws: DocketError.self) {
            try c.find(["$expr": ["$add": ["$item", 1]]], options: FindOptions(sort: ["_id": 1])).toArray()
        }
        // A delete whose filter fails deletes nothing.
        #expect(throws: DocketError.self) { try c.deleteMany(["$expr": ["$add": ["$item", 1]]]) }
        #expect(try c.countDocuments() == 5)
    }

    @Test func parseErrorsAreReportedWhenTheFilterIsCompiled() throws {
        let c = try inventory()
        func code(_ filter: BSONDocument) -> Int? {
            do {
                _ = try c.find(filter)
                return nil
            } catch {
                return error.code.code
            }
        }
        #expect(code(["$expr": ["$foo": 1]]) == 168)
        #expect(code(["$expr": ["$eq": [1]]]) == 16020)
        #expect(code(["$expr": "$"]) == 16872)
        #expect(code(["a": ["$elemMatch": ["$expr": ["$eq": [1, 1]]]]]) == 2)
    }

    @Test func updatesAndDeletesSelectWithExpr() throws {
        let c = try inventory()
        let result = try c.updateMany(["$expr": ["$lt": ["$qty", "$limit"]]], ["$set": ["reorder": true]])
        #expect(result.matchedCount == 2)
        #expect(try ids(c, ["reorder": true]) == [1, 4])
        let deleted = try c.deleteMany(["$expr": ["$eq": ["$qty", "$limit"]]])
        #expect(deleted.deletedCount == 2)
        #expect(try ids(c, [:]) == [1, 2, 4])
        #expect(try c.findOne(["_id": 2, "$expr": ["$gt": ["$qty", 1]]])?["item"] == "def")
    }

    @Test func nowIsTheSameForEveryDocumentOfAnOperation() throws {
        let c = try inventory()
        let before = Int64(Date().timeIntervalSince1970 * 1000) - 1
        try c.updateMany([:], ["$set": ["t": .datetime(before)]])
        #expect(try ids(c, ["$expr": ["$lt": ["$t", "$$NOW"]]]).count == 5)
        #expect(try ids(c, ["$expr": ["$eq": ["$$NOW", "$$NOW"]]]).count == 5)
    }

    @Test func findDecodesOnlyTheReturnedDocuments() throws {
        let c = try inventory()
        var iterator = try c.find(["$expr": ["$gt": ["$qty", "$limit"]]]).makeIterator()
        var returned = 0
        while try iterator.next() != nil { returned += 1 }
        #expect(returned == 1)
        #expect(iterator.stats.documentsExamined == 5)
        #expect(iterator.stats.documentsDecoded == 1)
    }
}
