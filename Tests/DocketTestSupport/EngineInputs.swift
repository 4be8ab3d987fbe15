import Docket

// Hostile inputs for the engine's public entry points, generated from any random source: `SeededRandom` in the
// generated-input tests, fuzz bytes (`ByteStreamRandom`) in `Fuzz/FuzzEngine`. Documents are deep, wide, carry
// duplicate keys (even duplicate `_id`s), `$` and `.` in keys, mixed types and extreme numbers; filters, updates,
// projections and sorts are drawn from MongoDB's grammar with malformed variants mixed in; options reach the ends of
// their ranges. `EngineScenario.run` applies one operation and checks the engine's promises: never a crash; an
// accepted write is readable by every read path; a rejected single-document write changes nothing.

/// A random source that reads its bits from a byte string (a fuzzer's input): each `next()` consumes 8 bytes. An
/// exhausted input continues with a generator seeded by the input's length (not zeros: the standard library's
/// bounded `random(in:)` rejects some values and would loop forever on a constant), so every input is a finite,
/// deterministic program that the caller ends once ``isExhausted``.
public struct ByteStreamRandom: RandomNumberGenerator {
    private let bytes: [UInt8]
    private var position = 0
    private var tail: SeededRandom

    /// Creates a source over `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        tail = SeededRandom(seed: UInt64(bytes.count))
    }

    /// Whether the input is used up.
    public var isExhausted: Bool { position >= bytes.count }

    public mutating func next() -> UInt64 {
        guard position < bytes.count else { return tail.next() }
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) {
            // Past the end, the value's high bytes come from the tail generator.
            let byte = position < bytes.count ? bytes[position] : UInt8(truncatingIfNeeded: tail.next())
            value |= UInt64(byte) << UInt64(shift)
            position += 1
        }
        return value
    }
}

/// One call of the engine's public API.
public enum EngineOperation: CustomStringConvertible {
    case insertOne(BSONDocument)
    case insertMany([BSONDocument], ordered: Bool)
    case updateOne(BSONDocument, BSONDocument, UpdateOptions)
    case updateMany(BSONDocument, BSONDocument, UpdateOptions)
    case replaceOne(BSONDocument, BSONDocument, ReplaceOptions)
    case deleteOne(BSONDocument)
    case deleteMany(BSONDocument)
    case findOneAndUpdate(BSONDocument, BSONDocument, FindOneAndUpdateOptions)
    case findOneAndReplace(BSONDocument, BSONDocument, FindOneAndReplaceOptions)
    case findOneAndDelete(BSONDocument, FindOneAndDeleteOptions)
    case bulkWrite([DocketCollection.WriteModel], ordered: Bool)
    case find(BSONDocument, FindOptions)
    case count(BSONDocument, CountOptions)
    case distinct(String, BSONDocument)

    /// Whether the operation writes at most one document, so that a failure must leave the collection unchanged.
    public var isSingleDocumentWrite: Bool {
        switch self {
        case .insertOne, .updateOne, .replaceOne, .deleteOne, .findOneAndUpdate, .findOneAndReplace,
            .findOneAndDelete:
            true
        case .insertMany(let documents, _): documents.count == 1
        default: false
        }
    }

    public var description: String {
        switch self {
        case .insertOne(let d): "insertOne(\(d))"
        case .insertMany(let d, let o): "insertMany(\(d), ordered: \(o))"
        case .updateOne(let f, let u, let o):
            "updateOne(\(f), \(u), upsert: \(o.upsert), arrayFilters: \(o.arrayFilters))"
        case .updateMany(let f, let u, let o): "updateMany(\(f), \(u), upsert: \(o.upsert))"
        case .replaceOne(let f, let r, let o): "replaceOne(\(f), \(r), upsert: \(o.upsert))"
        case .deleteOne(let f): "deleteOne(\(f))"
        case .deleteMany(let f): "deleteMany(\(f))"
        case .findOneAndUpdate(let f, let u, _): "findOneAndUpdate(\(f), \(u))"
        case .findOneAndReplace(let f, let r, _): "findOneAndReplace(\(f), \(r))"
        case .findOneAndDelete(let f, _): "findOneAndDelete(\(f))"
        case .bulkWrite(let m, let o): "bulkWrite(\(m.count) models, ordered: \(o))"
        case .find(let f, let o):
            "find(\(f), projection: \(String(describing: o.projection)), sort: \(String(describing: o.sort)), skip: \(o.skip), limit: \(o.limit))"
        case .count(let f, let o): "countDocuments(\(f), skip: \(o.skip), limit: \(o.limit))"
        case .distinct(let k, let f): "distinct(\(k), \(f))"
        }
    }
}

/// Generators of hostile engine inputs over any random source.
public enum EngineInputs {
    static let paths = ["a", "b", "a.b", "a.0", "a.b.c", "c", "_id", "teams.role", "teams.0.role", "x.y.z", "", "a.$"]
    static let keys = ["_id", "a", "b", "c", "teams", "x", "", "$a", "a.b", "é", "role"]

    static func pick<T>(_ choices: [T], _ rng: inout some RandomNumberGenerator) -> T {
        choices[Int.random(in: 0..<choices.count, using: &rng)]
    }

    static func chance(_ p: Double, _ rng: inout some RandomNumberGenerator) -> Bool {
        Double.random(in: 0..<1, using: &rng) < p
    }

    /// An extreme or ordinary number of any numeric type.
    public static func number(_ rng: inout some RandomNumberGenerator) -> BSONValue {
        pick(
            [
                .int32(0), .int32(1), .int32(-1), .int32(.max), .int32(.min), .int64(.max), .int64(.min), .int64(3),
                .double(.nan), .double(.infinity), .double(-.infinity), .double(-0.0), .double(1.5), .double(1e308),
                .double(2), .decimal128(Decimal128(7)), .decimal128(Decimal128.nan),
                .decimal128(try! Decimal128(parsing: "9.999999999999999999999999999999999E+6144")),
                .decimal128(try! Decimal128(parsing: "-1E-6176")), .double(Double(Int64.max)),
            ], &rng)
    }

    /// A value of a random type; containers nest at most `depth` more levels.
    public static func value(_ rng: inout some RandomNumberGenerator, depth: Int) -> BSONValue {
        if depth > 0 && chance(0.25, &rng) {
            if chance(0.5, &rng) { return .document(document(&rng, depth: depth - 1, width: 4)) }
            return .array((0..<Int.random(in: 0...4, using: &rng)).map { _ in value(&rng, depth: depth - 1) })
        }
        switch Int.random(in: 0...9, using: &rng) {
        case 0, 1, 2: return number(&rng)
        case 3: return .string(pick(["", "x", "admin", "é", "a\u{0}b", String(repeating: "z", count: 300)], &rng))
        case 4: return pick([.null, .undefined, .minKey, .maxKey, .bool(true), .bool(false)], &rng)
        case 5: return .datetime(pick([0, -1, Int64.max, Int64.min, 1_700_000_000_000], &rng))
        case 6: return .objectID(ObjectID(timestamp: 1, random: UInt64.random(in: 0...3, using: &rng), counter: 1))
        case 7:
            return .regex(
                BSONRegex(pattern: pick(["^a", "(", "a.*", ""], &rng), options: pick(["", "i", "imsx"], &rng)))
        case 8: return .binary(BSONBinary(subtype: .generic, bytes: [1, 2, 3]))
        default: return .timestamp(BSONTimestamp(timestamp: 0, increment: 0))
        }
    }

    /// A document of up to `width` fields (sometimes far more), keys from a pool with repeats, `$` and `.`.
    public static func document(_ rng: inout some RandomNumberGenerator, depth: Int, width: Int) -> BSONDocument {
        let count = chance(0.02, &rng) ? 500 : Int.random(in: 0...width, using: &rng)
        var fields: [(String, BSONValue)] = []
        for _ in 0..<count { fields.append((pick(keys, &rng), value(&rng, depth: depth))) }
        return BSONDocument(fields)
    }

    /// A document to insert or a replacement: usually plain, sometimes deep (past the storage limit), wide, with
    /// two `_id`s or a forbidden `_id`.
    public static func storable(_ rng: inout some RandomNumberGenerator) -> BSONDocument {
        switch Int.random(in: 0...19, using: &rng) {
        case 0:
            var inner: BSONValue = value(&rng, depth: 0)
            for _ in 0..<Int.random(in: 95...105, using: &rng) { inner = chance(0.5, &rng) ? ["d": inner] : [inner] }
            return ["a": inner]
        case 1: return BSONDocument([("_id", .int32(Int32.random(in: 0...5, using: &rng))), ("_id", 7)])
        case 2: return ["_id": pick([[1], .regex(BSONRegex(pattern: "x")), .undefined, ["$x": 1]], &rng)]
        default:
            var d = document(&rng, depth: 3, width: 6)
            if chance(0.6, &rng) { d["_id"] = .int32(Int32.random(in: 0...20, using: &rng)) }
            return d
        }
    }

    /// A query filter from MongoDB's grammar, nested at most `depth` logical levels, with malformed variants.
    public static func filter(_ rng: inout some RandomNumberGenerator, depth: Int = 3) -> BSONDocument {
        if chance(0.01, &rng) {
            // Past the argument nesting limit.
            var deep: BSONDocument = ["a": 1]
            for _ in 0..<Int.random(in: 99...130, using: &rng) { deep = ["$and": [.document(deep)]] }
            return deep
        }
        var fields: [(String, BSONValue)] = []
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            if depth > 0 && chance(0.15, &rng) {
                let op = pick(["$and", "$or", "$nor"], &rng)
                fields.append(
                    (
                        op,
                        .array(
                            (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                                .document(filter(&rng, depth: depth - 1))
                            })
                    ))
                continue
            }
            let path = pick(paths, &rng)
            fields.append((path, predicate(&rng, depth: depth)))
        }
        if chance(0.05, &rng) {
            fields.append((pick(["$comment", "$where", "$expr", "$foo", "$alwaysTrue"], &rng), 1))
        }
        return BSONDocument(fields)
    }

    static func predicate(_ rng: inout some RandomNumberGenerator, depth: Int) -> BSONValue {
        let operand = value(&rng, depth: 1)
        switch Int.random(in: 0...16, using: &rng) {
        case 0, 1: return operand
        case 2: return ["$eq": operand]
        case 3: return [pick(["$gt", "$gte", "$lt", "$lte", "$ne"], &rng): operand]
        case 4:
            let n = chance(0.05, &rng) ? 2000 : Int.random(in: 0...5, using: &rng)
            return [pick(["$in", "$nin"], &rng): .array((0..<n).map { _ in value(&rng, depth: 0) })]
        case 5: return ["$exists": operand]
        case 6: return ["$type": pick([1, "string", "number", 99, "nope", [2, "object"]], &rng)]
        case 7: return ["$regex": pick(["^a", "(", "x", ""], &rng), "$options": pick(["", "i", "q"], &rng)]
        case 8: return ["$size": pick([0, 1, -1, .int64(.max), 1.5, "x"], &rng)]
        case 9: return ["$mod": pick([[2, 0], [0, 1], [.int64(.min), -1], [1], "x"], &rng)]
        case 10: return ["$all": .array((0..<Int.random(in: 0...3, using: &rng)).map { _ in value(&rng, depth: 0) })]
        case 11: return ["$elemMatch": depth > 0 ? .document(filter(&rng, depth: depth - 1)) : ["$gt": operand]]
        case 12: return ["$not": depth > 0 ? predicate(&rng, depth: depth - 1) : operand]
        case 13:
            return [
                pick(["$bitsAllSet", "$bitsAnyClear"], &rng): pick(
                    [1, [0, 3], -1, .binary(BSONBinary(bytes: [1]))], &rng)
            ]
        case 14: return ["$foo": operand]
        case 15: return ["$gt": operand, "$lt": value(&rng, depth: 0)]
        default: return .document(document(&rng, depth: 1, width: 2))
        }
    }

    /// An update document: one or more operators on random paths (positional, `$[]`, `$[x]`), or a malformed one.
    public static func update(_ rng: inout some RandomNumberGenerator) -> BSONDocument {
        if chance(0.05, &rng) { return pick([[:], ["a": 1], ["$set": 1], ["$bogus": ["a": 1]]], &rng) }
        var fields: [(String, BSONValue)] = []
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            let path = pick(
                ["a", "b", "a.b", "a.0", "a.$", "a.$[]", "a.$[x]", "teams.$.role", "c.d", "_id", "n", ""], &rng)
            let op = pick(
                [
                    "$set", "$unset", "$inc", "$mul", "$min", "$max", "$rename", "$currentDate", "$setOnInsert",
                    "$push",
                    "$addToSet", "$pop", "$pull", "$pullAll", "$bit",
                ], &rng)
            let argument: BSONValue
            switch op {
            case "$inc", "$mul": argument = chance(0.9, &rng) ? number(&rng) : "x"
            case "$rename": argument = .string(pick(["z", "a.c", "b", "_id", ""], &rng))
            case "$currentDate": argument = pick([true, ["$type": "timestamp"], ["$type": "x"]], &rng)
            case "$push":
                argument =
                    chance(0.5, &rng)
                    ? value(&rng, depth: 2)
                    : [
                        "$each": .array([value(&rng, depth: 1), number(&rng)]),
                        "$slice": pick([.int64(.max), .int64(.min), 0, -1, 2], &rng),
                        "$position": pick([.int64(.max), .int64(.min), 0, -1], &rng),
                        "$sort": pick([1, -1, ["a": 1]], &rng),
                    ]
            case "$pop": argument = pick([1, -1, 0, 2], &rng)
            case "$pull": argument = chance(0.5, &rng) ? value(&rng, depth: 1) : .document(filter(&rng, depth: 1))
            case "$pullAll", "$addToSet":
                argument = chance(0.7, &rng) ? .array([value(&rng, depth: 1)]) : value(&rng, depth: 1)
            case "$bit": argument = [pick(["and", "or", "xor", "nand"], &rng): number(&rng)]
            default: argument = value(&rng, depth: 2)
            }
            fields.append((op, .document([path: argument])))
        }
        return BSONDocument(fields)
    }

    /// A projection, often valid, sometimes malformed.
    public static func projection(_ rng: inout some RandomNumberGenerator) -> BSONDocument {
        var fields: [(String, BSONValue)] = []
        let include = chance(0.5, &rng)
        for _ in 0..<Int.random(in: 0...3, using: &rng) {
            let path = pick(["a", "b", "a.b", "_id", "teams.role", "a.$", "c"], &rng)
            switch Int.random(in: 0...6, using: &rng) {
            case 0, 1, 2: fields.append((path, include ? 1 : 0))
            case 3:
                fields.append(
                    (
                        path,
                        [
                            "$slice": pick(
                                [.int64(.max), .int64(.min), 2, -1, [.int64(.min), .int64(.max)], [1, -1]], &rng)
                        ]
                    ))
            case 4: fields.append((path, ["$elemMatch": .document(filter(&rng, depth: 1))]))
            case 5: fields.append((path, value(&rng, depth: 1)))
            default: fields.append((path, ["$meta": "textScore"]))
            }
        }
        return BSONDocument(fields)
    }

    /// A sort specification.
    public static func sort(_ rng: inout some RandomNumberGenerator) -> BSONDocument {
        var fields: [(String, BSONValue)] = []
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            fields.append(
                (
                    pick(["a", "b", "a.b", "_id", "teams.role", "$natural", ""], &rng),
                    pick([1, -1, 1.5, "x", 0, ["$meta": "x"]], &rng)
                ))
        }
        return BSONDocument(fields)
    }

    static func count(_ rng: inout some RandomNumberGenerator) -> Int {
        pick([0, 1, 2, 5, -1, Int.max, Int.min, Int.max - 1], &rng)
    }

    /// A random operation on the public API.
    public static func operation(_ rng: inout some RandomNumberGenerator) -> EngineOperation {
        let upsert = chance(0.3, &rng)
        let arrayFilters: [BSONDocument] = chance(0.2, &rng) ? [["x": value(&rng, depth: 0)]] : []
        switch Int.random(in: 0...13, using: &rng) {
        case 0: return .insertOne(storable(&rng))
        case 1:
            return .insertMany(
                (0..<Int.random(in: 1...4, using: &rng)).map { _ in storable(&rng) }, ordered: chance(0.5, &rng))
        case 2:
            return .updateOne(
                filter(&rng), update(&rng),
                UpdateOptions(upsert: upsert, arrayFilters: arrayFilters, sort: chance(0.2, &rng) ? sort(&rng) : nil))
        case 3:
            return .updateMany(filter(&rng), update(&rng), UpdateOptions(upsert: upsert, arrayFilters: arrayFilters))
        case 4: return .replaceOne(filter(&rng), storable(&rng), ReplaceOptions(upsert: upsert))
        case 5: return .deleteOne(filter(&rng))
        case 6: return .deleteMany(filter(&rng))
        case 7:
            return .findOneAndUpdate(
                filter(&rng), update(&rng),
                FindOneAndUpdateOptions(
                    returnDocument: chance(0.5, &rng) ? .before : .after, sort: sort(&rng),
                    projection: projection(&rng), upsert: upsert, arrayFilters: arrayFilters))
        case 8:
            return .findOneAndReplace(
                filter(&rng), storable(&rng),
                FindOneAndReplaceOptions(returnDocument: .after, projection: projection(&rng), upsert: upsert))
        case 9:
            return .findOneAndDelete(
                filter(&rng), FindOneAndDeleteOptions(sort: sort(&rng), projection: projection(&rng)))
        case 10:
            let models: [DocketCollection.WriteModel] = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                switch Int.random(in: 0...3, using: &rng) {
                case 0: return .insertOne(storable(&rng))
                case 1:
                    return .updateOne(
                        filter: filter(&rng), update: update(&rng), options: UpdateOptions(upsert: upsert))
                case 2: return .replaceOne(filter: filter(&rng), replacement: storable(&rng))
                default: return .deleteMany(filter: filter(&rng))
                }
            }
            return .bulkWrite(models, ordered: chance(0.5, &rng))
        case 11:
            let hint: BSONValue? =
                chance(0.1, &rng) ? pick(["_id_", ["$natural": -1], ["_id": 1], "nope", 3], &rng) : nil
            return .find(
                filter(&rng),
                FindOptions(
                    projection: chance(0.5, &rng) ? projection(&rng) : nil, sort: chance(0.5, &rng) ? sort(&rng) : nil,
                    skip: count(&rng), limit: count(&rng), batchSize: chance(0.1, &rng) ? -1 : nil, hint: hint))
        case 12: return .count(filter(&rng), CountOptions(skip: count(&rng), limit: count(&rng)))
        default: return .distinct(pick(paths, &rng), filter(&rng))
        }
    }
}

/// Runs operations against a collection and checks the engine's promises.
public enum EngineScenario {
    /// The fuzz program of `bytes` (what `Fuzz/FuzzEngine` runs): a small seeded collection, then up to 24
    /// operations drawn from the bytes, each checked by ``run(_:on:)``. Returns the problems of the first operation
    /// that broke a promise, or an empty list.
    public static func runProgram(_ bytes: [UInt8]) -> [String] {
        var rng = ByteStreamRandom(bytes)
        let c = DocketClient().database("fuzz").collection("c")
        do {
            try c.insertMany([
                ["_id": 1, "a": [1, 2, ["b": 3]], "teams": [["id": 1, "role": "admin"]]],
                ["_id": 2, "a": "x", "b": ["c": .null]],
                ["_id": 3, "a": .double(.nan), "n": .int64(.max)],
            ])
        } catch {
            return ["seeding failed: \(error)"]
        }
        var steps = 0
        while !rng.isExhausted && steps < 24 {
            let problems = run(EngineInputs.operation(&rng), on: c)
            if !problems.isEmpty { return problems }
            steps += 1
        }
        return []
    }

    /// Applies `operation`; returns every broken promise (an empty list when all held).
    ///
    /// - Never a crash (a trap fails the test or fuzz run by itself).
    /// - A rejected single-document write changes nothing.
    /// - Whatever is stored afterwards is readable by every read path: a full and a sorted `find`, `findOne` by each
    ///   `_id`, `countDocuments`, `distinct`, `$in` on `_id`, and a projection.
    public static func run(_ operation: EngineOperation, on c: DocketCollection) -> [String] {
        var problems: [String] = []
        let before: [BSONDocument]
        do { before = try c.find().toArray() } catch {
            return ["the collection was unreadable before \(operation): \(error)"]
        }
        var failed = false
        do {
            switch operation {
            case .insertOne(let d): try c.insertOne(d)
            case .insertMany(let d, let ordered): try c.insertMany(d, ordered: ordered)
            case .updateOne(let f, let u, let o): try c.updateOne(f, u, options: o)
            case .updateMany(let f, let u, let o): try c.updateMany(f, u, options: o)
            case .replaceOne(let f, let r, let o): try c.replaceOne(f, r, options: o)
            case .deleteOne(let f): try c.deleteOne(f)
            case .deleteMany(let f): try c.deleteMany(f)
            case .findOneAndUpdate(let f, let u, let o): _ = try c.findOneAndUpdate(f, u, options: o)
            case .findOneAndReplace(let f, let r, let o): _ = try c.findOneAndReplace(f, r, options: o)
            case .findOneAndDelete(let f, let o): _ = try c.findOneAndDelete(f, options: o)
            case .bulkWrite(let m, let ordered): try c.bulkWrite(m, ordered: ordered)
            case .find(let f, let o): _ = try c.find(f, options: o).toArray()
            case .count(let f, let o): _ = try c.countDocuments(f, options: o)
            case .distinct(let k, let f): _ = try c.distinct(k, filter: f)
            }
        } catch {
            failed = true
        }
        let after: [BSONDocument]
        do { after = try c.find().toArray() } catch { return ["unreadable after \(operation): \(error)"] }
        if failed && operation.isSingleDocumentWrite && !identical(before, after) {
            problems.append("a rejected \(operation) changed the collection")
        }
        problems += readability(c, after, context: "\(operation)")
        return problems
    }

    static func identical(_ a: [BSONDocument], _ b: [BSONDocument]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.isIdentical(to: $1) }
    }

    /// Every read path reads every stored document.
    static func readability(_ c: DocketCollection, _ all: [BSONDocument], context: String) -> [String] {
        var problems: [String] = []
        do {
            if try c.countDocuments() != all.count {
                problems.append("countDocuments disagrees with find after \(context)")
            }
            if c.estimatedDocumentCount() != all.count {
                problems.append("estimatedDocumentCount disagrees after \(context)")
            }
            let sorted = try c.find([:], options: FindOptions(sort: ["a": -1, "_id": 1])).toArray()
            if sorted.count != all.count { problems.append("a sorted find lost documents after \(context)") }
            let reversed = try c.find([:], options: FindOptions(sort: ["$natural": -1])).toArray()
            if !identical(reversed, all.reversed()) {
                problems.append("$natural: -1 is not the reverse after \(context)")
            }
            let ids = all.compactMap { $0["_id"] }
            if try c.find(["_id": ["$in": .array(ids)]]).toArray().count != all.count {
                problems.append("$in on every _id missed documents after \(context)")
            }
            for document in all {
                guard let id = document["_id"], let found = try c.findOne(["_id": id]) else {
                    problems.append("findOne by _id missed a document after \(context)")
                    continue
                }
                if !found.isIdentical(to: document) {
                    problems.append("findOne by _id disagrees with find after \(context)")
                }
            }
            _ = try c.distinct("a")
            _ = try c.find([:], options: FindOptions(projection: ["a": 1, "teams.role": 1])).toArray()
            _ = try c.find([:], options: FindOptions(projection: ["a": 0])).toArray()
        } catch {
            problems.append("a read path failed after \(context): \(error)")
        }
        return problems
    }
}
