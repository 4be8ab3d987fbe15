import DocketTestSupport
import Foundation
import Synchronization
import Testing

@testable import Docket

/// Readers and writers on one collection at once, checking that every read observes one consistent state.
///
/// Invariants the readers check on every full `find`:
/// - never half of an `updateMany`: all documents of a group carry the same `version` (each write bumps a whole
///   group with one `updateMany`, alone or as the only model of a `bulkWrite`);
/// - every single-document write is atomic: each pair document moves an amount from `a` to `b` with one `$inc` of
///   both fields (alone or inside a `bulkWrite`), so `a + b` is constant in every read;
/// - counts only grow while only inserts add documents, and a later `countDocuments` never sees fewer;
/// - batches a churn writer inserts with one `insertMany` and removes with one `deleteMany` appear whole or not at
///   all; the churn makes the store compact (free and pack chunks) while readers hold snapshots;
/// - `_id` lookups (`$in`) read the index of their own snapshot while inserts change it;
/// - a second collection is dropped over and over while a writer inserts into it and readers read it: nothing
///   crashes, races or throws, and the writes after the last drop are all there.
/// Seeded (the seed is in every failure message); sized to run in a few seconds in debug and under ThreadSanitizer.
@Suite struct ConcurrencyStressTests {

    static let groups = 6
    static let perGroup = 20
    static let pairs = 10
    static let pairTotal: Int64 = 1000

    /// Runs `body(i)` on `count` new threads and waits for all of them.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for i in 0..<count {
            group.enter()
            let thread = Thread {
                body(i)
                group.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
    }

    static let churnBatch = 10

    @Test(arguments: [UInt64(0xD0C6E7), 42])
    func readersNeverSeeAPartialWrite(seed: UInt64) throws {
        let c = makeCollection("stress")
        let dropped = c.database.collection("dropped")
        var documents: [BSONDocument] = []
        for g in 0..<Self.groups {
            for k in 0..<Self.perGroup {
                documents.append([
                    "_id": .int32(Int32(g * 1000 + k)), "kind": "group", "group": .int32(Int32(g)), "version": 0,
                ])
            }
        }
        for p in 0..<Self.pairs {
            documents.append(["_id": .string("pair\(p)"), "kind": "pair", "a": .int64(Self.pairTotal), "b": 0])
        }
        try c.insertMany(documents)

        let failures = Mutex<[String]>([])
        let writesDone = Atomic<Int>(0)
        let writersRunning = Atomic<Int>(5)
        let dropperDone = Atomic<Bool>(false)
        let compactions = Atomic<Int>(0)
        @Sendable func fail(_ message: String) {
            failures.withLock { if $0.count < 20 { $0.append("seed \(seed): \(message)") } }
        }

        onThreads(8) { role in
            var rng = SeededRandom(seed: seed &+ UInt64(role) &* 0x1234_5678)
            do {
                switch role {
                case 0:  // group writer: one updateMany bumps a whole group
                    defer { writersRunning.subtract(1, ordering: .releasing) }
                    for _ in 0..<150 {
                        let g = Int32(rng.int(0...(Self.groups - 1)))
                        let matched: Int
                        if rng.int(0...1) == 0 {
                            matched = try c.updateMany(["group": .int32(g)], ["$inc": ["version": 1]]).matchedCount
                        } else {
                            matched = try c.bulkWrite([
                                .updateMany(filter: ["group": .int32(g)], update: ["$inc": ["version": 1]])
                            ]).matchedCount
                        }
                        if matched != Self.perGroup { fail("updateMany matched \(matched)") }
                        writesDone.add(1, ordering: .relaxed)
                    }
                case 1:  // transfer writer: single-document atomic moves between a and b
                    defer { writersRunning.subtract(1, ordering: .releasing) }
                    for i in 0..<150 {
                        func transfer() -> DocketCollection.WriteModel {
                            let amount = Int64(rng.int(0...49)) - 25
                            return .updateOne(
                                filter: ["_id": .string("pair\(rng.int(0...(Self.pairs - 1)))")],
                                update: ["$inc": ["a": .int64(-amount), "b": .int64(amount)]])
                        }
                        if i % 2 == 0, case .updateOne(let filter, let update, _) = transfer() {
                            try c.updateOne(filter, update)
                        } else {
                            try c.bulkWrite([transfer(), transfer(), transfer()], ordered: i % 3 == 0)
                        }
                        writesDone.add(1, ordering: .relaxed)
                    }
                case 2:  // inserter
                    defer { writersRunning.subtract(1, ordering: .releasing) }
                    for i in 0..<300 {
                        try c.insertOne(["_id": .string("ins\(i)"), "kind": "ins"])
                    }
                case 3:  // churn: batches inserted and deleted whole, so the store keeps compacting
                    defer { writersRunning.subtract(1, ordering: .releasing) }
                    for round in 0..<120 {
                        let batch = (0..<Self.churnBatch).map { k -> BSONDocument in
                            ["_id": .string("tmp\(round)-\(k)"), "kind": "tmp"]
                        }
                        try c.insertMany(batch)
                        let before = c.engine.snapshot(includingIDIndex: false).store.deletesSinceCompaction
                        let deleted = try c.deleteMany(["kind": "tmp"]).deletedCount
                        if deleted != Self.churnBatch { fail("churn deleted \(deleted)") }
                        let after = c.engine.snapshot(includingIDIndex: false).store.deletesSinceCompaction
                        if after < before + deleted { compactions.add(1, ordering: .relaxed) }
                    }
                case 4:  // drops a second collection while another thread writes to it
                    defer {
                        dropperDone.store(true, ordering: .releasing)
                        writersRunning.subtract(1, ordering: .releasing)
                    }
                    for _ in 0..<60 {
                        dropped.drop()
                        Thread.sleep(forTimeInterval: 0.0005)
                    }
                case 5:  // writes to the collection being dropped, then checks the writes after the last drop
                    var i = 0
                    var afterLastDrop: [Int] = []
                    while afterLastDrop.count < 50 {
                        let finished = dropperDone.load(ordering: .acquiring)
                        try dropped.insertOne(["_id": .int64(Int64(i)), "n": .int64(Int64(i))])
                        if finished { afterLastDrop.append(i) }
                        if rng.chance(0.3) { _ = try dropped.find(["n": ["$gte": .int64(Int64(i - 5))]]).toArray() }
                        i += 1
                    }
                    let present = try dropped.find(["_id": ["$in": .array(afterLastDrop.map { .int64(Int64($0)) })]])
                        .toArray().count
                    if present != afterLastDrop.count {
                        fail("\(afterLastDrop.count - present) writes after the last drop lost")
                    }
                default:  // readers
                    var lastInserted = 0
                    var reads = 0
                    while writersRunning.load(ordering: .acquiring) > 0 || reads < 20 {
                        reads += 1
                        let all = try c.find().toArray()
                        var versions: [Int32: Int64] = [:]
                        var inserted = 0
                        var temporary = 0
                        for d in all {
                            switch d["kind"]?.stringValue {
                            case "group":
                                let g = d["group"]!.int64Value!
                                let v = d["version"]!.int64Value!
                                if let seen = versions[Int32(g)], seen != v {
                                    fail("group \(g) has versions \(seen) and \(v) in one read")
                                }
                                versions[Int32(g)] = v
                            case "pair":
                                let sum = d["a"]!.int64Value! + d["b"]!.int64Value!
                                if sum != Self.pairTotal { fail("pair \(d["_id"]!) sums to \(sum)") }
                            case "ins": inserted += 1
                            case "tmp": temporary += 1
                            default: break
                            }
                        }
                        if inserted < lastInserted { fail("inserted count went from \(lastInserted) to \(inserted)") }
                        lastInserted = inserted
                        if all.count != Self.groups * Self.perGroup + Self.pairs + inserted + temporary {
                            fail("read \(all.count) documents")
                        }
                        if temporary % Self.churnBatch != 0 {
                            fail("saw \(temporary) churn documents: a partial batch")
                        }
                        // `_id` lookups read the index of their own snapshot while inserts change it.
                        let ids: [BSONValue] =
                            (0..<Self.pairs).map { .string("pair\($0)") } + ["ins0", "ins299", "nope"]
                        var lookup = try c.find(["_id": ["$in": .array(ids)]]).makeIterator()
                        var found = 0
                        while let d = try lookup.next() {
                            found += 1
                            if let a = d["a"]?.int64Value, a + d["b"]!.int64Value! != Self.pairTotal {
                                fail("pair \(d["_id"]!) read through $in does not sum")
                            }
                        }
                        if found < Self.pairs { fail("$in found \(found) documents") }
                        _ = try dropped.countDocuments()
                        // A point read through the _id index sees a whole document version too.
                        let pair = try c.findOne(["_id": .string("pair\(rng.int(0...(Self.pairs - 1)))")])!
                        if pair["a"]!.int64Value! + pair["b"]!.int64Value! != Self.pairTotal {
                            fail("pair \(pair["_id"]!) read by _id does not sum")
                        }
                        let counted = try c.countDocuments(["kind": "ins"])
                        if counted < inserted { fail("countDocuments \(counted) after a find saw \(inserted)") }
                    }
                }
            } catch {
                fail("role \(role) threw \(error)")
            }
        }

        let messages = failures.withLock { $0 }
        #expect(messages.isEmpty, "\(messages)")
        #expect(writesDone.load(ordering: .relaxed) == 300)
        #expect(try c.countDocuments(["kind": "ins"]) == 300)
        #expect(try c.countDocuments(["kind": "tmp"]) == 0)
        #expect(compactions.load(ordering: .relaxed) > 0, "the churn never made the store compact")
        dropped.engine.checkInvariants()
        for p in 0..<Self.pairs {
            let pair = try #require(try c.findOne(["_id": .string("pair\(p)")]))
            #expect(pair["a"]!.int64Value! + pair["b"]!.int64Value! == Self.pairTotal)
        }
        c.engine.checkInvariants()
    }
}

/// The fused group scan on several threads reads one snapshot while a writer moves documents between groups: every
/// aggregation counts each document exactly once (the totals never change), under ThreadSanitizer too.
@Suite struct ParallelScanStressTests {
    @Test func parallelGroupScansReadOneSnapshot() throws {
        let c = makeCollection("parallel")
        let total = 600
        try c.insertMany((0..<total).map { ["_id": .int32(Int32($0)), "g": .int32(Int32($0 % 7)), "t": [1, 2]] })
        let done = Atomic<Bool>(false)
        let writer = Thread {
            var i = 0
            while !done.load(ordering: .acquiring) {
                _ = try? c.updateOne(["_id": .int32(Int32(i % total))], ["$set": ["g": .int32(Int32(i % 11))]])
                i += 1
            }
        }
        writer.start()
        defer { done.store(true, ordering: .releasing) }
        var options = AggregateOptions()
        options.parallelScanMinimum = 0
        for _ in 0..<40 {
            let groups = try c.aggregate(
                [["$unwind": "$t"], ["$group": ["_id": "$g", "n": ["$sum": 1]]]], options: options
            ).toArray()
            let counted = groups.reduce(0.0) { $0 + ($1["n"]?.doubleValue ?? -1e9) }
            #expect(counted == Double(2 * total))
        }
    }
}
