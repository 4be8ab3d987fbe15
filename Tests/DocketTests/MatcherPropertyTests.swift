import DocketBSON
import DocketTestSupport
import Testing

@testable import Docket

/// Seeded random documents and filters: the matcher on encoded bytes agrees with the in-memory entry point and
/// with a small reference model of MongoDB's semantics written over `BSONValue`s.
@Suite struct MatcherPropertyTests {
    static let paths = ["a", "b", "a.b", "a.0", "a.b.c", "a.1.b", "a.0.0", "c"]

    static func scalar(_ rng: inout SeededRandom) -> BSONValue {
        switch Int.random(in: 0..<12, using: &rng) {
        case 0: return .int32(Int32.random(in: -2...3, using: &rng))
        case 1: return .int64(Int64.random(in: -2...3, using: &rng))
        case 2: return .double([0.5, 1.0, 2.0, -1.0, .nan].randomElement(using: &rng)!)
        case 3: return .decimal128(Decimal128(Int64.random(in: 0...2, using: &rng)))
        case 4, 5: return .string(["x", "y", "", "xy"].randomElement(using: &rng)!)
        case 6: return .null
        case 7: return .bool(Bool.random(using: &rng))
        case 8: return .undefined
        case 9: return .minKey
        default: return .int32(Int32.random(in: 0...2, using: &rng))
        }
    }

    static func value(_ rng: inout SeededRandom, depth: Int) -> BSONValue {
        let roll = Int.random(in: 0..<10, using: &rng)
        if depth >= 3 || roll < 5 { return scalar(&rng) }
        if roll < 8 {
            let count = Int.random(in: 0...3, using: &rng)
            return .array((0..<count).map { _ in value(&rng, depth: depth + 1) })
        }
        var doc = BSONDocument()
        for key in ["b", "c", "0"] where Bool.random(using: &rng) { doc[key] = value(&rng, depth: depth + 1) }
        return .document(doc)
    }

    static func document(_ rng: inout SeededRandom) -> BSONDocument {
        var doc = BSONDocument()
        for key in ["a", "b", "c"] where Int.random(in: 0..<4, using: &rng) > 0 { doc[key] = value(&rng, depth: 0) }
        return doc
    }

    static func operatorFilter(_ rng: inout SeededRandom) -> (String, BSONValue) {
        let operand = Int.random(in: 0..<5, using: &rng) == 0 ? value(&rng, depth: 2) : scalar(&rng)
        let safe: BSONValue = operand == .undefined ? .null : operand
        switch Int.random(in: 0..<11, using: &rng) {
        case 0: return ("$eq", safe)
        case 1: return ("$ne", safe)
        case 2: return ("$gt", safe)
        case 3: return ("$gte", safe)
        case 4: return ("$lt", safe)
        case 5: return ("$lte", safe)
        case 6: return ("$in", [safe, scalar(&rng) == .undefined ? 1 : .null])
        case 7: return ("$nin", [safe])
        case 8: return ("$exists", .bool(Bool.random(using: &rng)))
        case 9: return ("$size", .int32(Int32.random(in: 0...2, using: &rng)))
        default:
            return (
                "$type",
                ["string", "array", "number", "null", "object"].randomElement(using: &rng).map(BSONValue.string)!
            )
        }
    }

    static func filter(_ rng: inout SeededRandom, depth: Int) -> BSONDocument {
        if depth < 2 && Int.random(in: 0..<5, using: &rng) == 0 {
            let op = ["$and", "$or", "$nor"].randomElement(using: &rng)!
            let count = Int.random(in: 1...3, using: &rng)
            return [op: .array((0..<count).map { _ in .document(filter(&rng, depth: depth + 1)) })]
        }
        let path = paths.randomElement(using: &rng)!
        let (op, operand) = operatorFilter(&rng)
        return [path: [op: operand]]
    }

    @Test func encodedMatchingAgreesWithTheReferenceModel() throws {
        let seed = SeededRandom.baseSeed
        var rng = SeededRandom(seed: seed)
        var matches = 0
        for iteration in 0..<4000 {
            let doc = Self.document(&rng)
            let filter = Self.filter(&rng, depth: 0)
            let matcher = try Matcher(filter)
            let raw = try RawDocument(doc)
            let actual = matcher.matches(raw)
            let expected = ReferenceModel.matches(filter, doc)
            if actual { matches += 1 }
            #expect(actual == expected, "seed \(seed) iteration \(iteration): \(filter) on \(doc)")
            #expect(matcher.matches(doc) == actual, "seed \(seed) iteration \(iteration)")
            if actual != expected { break }
        }
        #expect(matches > 300, "the generators should produce a fair share of matches")
    }
}

/// A direct, slow model of MongoDB's semantics for the operators the generator uses.
enum ReferenceModel {
    static func matches(_ filter: BSONDocument, _ doc: BSONDocument) -> Bool {
        filter.allSatisfy { key, value in
            switch key {
            case "$and": return value.arrayValue!.allSatisfy { matches($0.documentValue!, doc) }
            case "$or": return value.arrayValue!.contains { matches($0.documentValue!, doc) }
            case "$nor": return !value.arrayValue!.contains { matches($0.documentValue!, doc) }
            default:
                let (op, operand) = value.documentValue!.first!
                let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                switch op {
                case "$ne": return !any(parts, doc, true) { compare("$eq", $0, operand) }
                case "$nin": return !any(parts, doc, true) { isIn($0, operand.arrayValue!) }
                case "$in": return any(parts, doc, true) { isIn($0, operand.arrayValue!) }
                case "$exists":
                    let exists = any(parts, doc, true) { $0 != nil }
                    return operand.boolValue! ? exists : !exists
                case "$size":
                    return any(parts, doc, false) { $0?.arrayValue?.count == Int(operand.int64Value!) }
                case "$type":
                    return any(parts, doc, true) { v in
                        guard let v else { return false }
                        switch operand.stringValue! {
                        case "number": return v.isNumber
                        default: return v.type.alias == operand.stringValue!
                        }
                    }
                default: return any(parts, doc, true) { compare(op, $0, operand) }
                }
            }
        }
    }

    static func isIn(_ value: BSONValue?, _ members: [BSONValue]) -> Bool {
        members.contains { compare("$eq", value, $0) }
    }

    static func compare(_ op: String, _ value: BSONValue?, _ operand: BSONValue) -> Bool {
        let rank = value?.type.canonicalRank ?? 0
        let operandRank = operand.type.canonicalRank
        if rank != operandRank {
            if value?.type == .undefined && operand == .null { return false }
            if rank + operandRank == 5 { return op == "$eq" || op == "$lte" || op == "$gte" }
            if case .maxKey = operand { return op == "$lt" || op == "$lte" }
            if case .minKey = operand { return op == "$gt" || op == "$gte" }
            return false
        }
        let value = value!
        func isNaN(_ v: BSONValue) -> Bool { v.doubleValue?.isNaN ?? false }
        if rank == 10 && (isNaN(value) || isNaN(operand)) {
            return op != "$lt" && op != "$gt" && isNaN(value) && isNaN(operand)
        }
        let c = BSONValue.compare(value, operand)
        switch op {
        case "$eq": return c == 0
        case "$gt": return c > 0
        case "$gte": return c >= 0
        case "$lt": return c < 0
        default: return c <= 0
        }
    }

    /// Whether `predicate` holds for some candidate element of the path (MongoDB's element iterator).
    static func any(
        _ parts: [String],
        _ doc: BSONDocument,
        _ traverseLeaf: Bool,
        _ predicate: (BSONValue?) -> Bool
    ) -> Bool {
        func walk(_ doc: BSONDocument, _ start: Int) -> Bool {
            var current = doc
            var index = start
            var element: BSONValue?
            while index < parts.count {
                element = current[parts[index]]
                guard let found = element else { break }
                if case .document(let d) = found {
                    current = d
                    index += 1
                    continue
                }
                if found.arrayValue == nil && index + 1 < parts.count { element = nil }
                break
            }
            guard case .array(let array)? = element else { return predicate(element) }
            return walkArray(array, index + 1)
        }
        func walkArray(_ array: [BSONValue], _ next: Int) -> Bool {
            if next == parts.count {
                if traverseLeaf && array.contains(where: { predicate($0) }) { return true }
                return predicate(.array(array))
            }
            let offset = Int(parts[next]).flatMap { String($0) == parts[next] && $0 >= 0 ? $0 : nil }
            for (i, item) in array.enumerated() {
                if case .document(let d) = item, walk(d, next) { return true }
                guard offset == i else { continue }
                if next + 1 == parts.count {
                    if predicate(item) { return true }
                } else if case .document(let d) = item {
                    if walk(d, next + 1) { return true }
                } else if case .array(let a) = item {
                    if walkArray(a, next + 1) { return true }
                }
            }
            return false
        }
        return walk(doc, 0)
    }
}
