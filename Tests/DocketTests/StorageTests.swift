import DocketTestSupport
import Testing

@testable import Docket

@Suite struct StorageTests {
    private func raw(_ i: Int) -> RawDocument { try! RawDocument(["_id": .int64(Int64(i)), "v": .int64(Int64(i))]) }

    private func ids(_ store: RecordStore) -> [Int64] {
        var result: [Int64] = []
        store.forEach { _, d in
            result.append(d["_id"]!.int64Value!)
            return true
        }
        return result
    }

    /// Every live document in scan order, forward or backward, through the resumable scan.
    private func scan(_ store: RecordStore, forward: Bool = true) -> [Int64] {
        var position: RecordID? = RecordStore.start(forward: forward)
        var examined = 0
        var seen: [Int64] = []
        while let start = position,
            let (rid, d) = store.first(from: start, forward: forward, examined: &examined, where: { _ in true })
        {
            seen.append(d["_id"]!.int64Value!)
            position = RecordStore.position(after: rid, forward: forward)
        }
        return seen
    }

    @Test func appendAssignsIncreasingIDsAcrossChunks() {
        var store = RecordStore()
        let n = RecordStore.chunkSize * 3 + 2
        for i in 0..<n { #expect(store.append(raw(i)) == RecordID(UInt64(i))) }
        store.checkInvariants()
        #expect(store.count == n)
        #expect(ids(store) == (0..<n).map(Int64.init))
        #expect(scan(store) == (0..<n).map(Int64.init))
        #expect(scan(store, forward: false) == (0..<n).reversed().map(Int64.init))
        #expect(store[RecordID(5)]?["v"] == .int64(5))
        #expect(store[RecordID(UInt64(n))] == nil)
    }

    @Test func snapshotIsUnaffectedByLaterWrites() {
        var store = RecordStore()
        for i in 0..<20 { store.append(raw(i)) }
        let snapshot = store
        store.replace(RecordID(3), with: raw(100))
        store.remove(RecordID(4))
        store.append(raw(20))
        store.checkInvariants()
        snapshot.checkInvariants()
        #expect(ids(snapshot) == (0..<20).map(Int64.init))
        #expect(snapshot.count == 20)
        #expect(store.count == 20)
        #expect(store[RecordID(3)]?["v"] == .int64(100))
        #expect(store[RecordID(4)] == nil)
    }

    @Test func deletedIDsAreNotReusedSoNaturalOrderIsInsertionOrder() {
        var store = RecordStore()
        for i in 0..<5 { store.append(raw(i)) }
        store.remove(RecordID(1))
        #expect(store.append(raw(5)) == RecordID(5))
        #expect(ids(store) == [0, 2, 3, 4, 5])
        #expect(store.tombstoneCount == 1)
        store.checkInvariants()
    }

    @Test func compactionNeverRenumbersAndKeepsOrder() {
        var store = RecordStore()
        let n = RecordStore.chunkSize * 6
        for i in 0..<n { store.append(raw(i)) }
        // Empty the first two chunks (dropped), thin the next two (packed), keep the rest.
        for i in 0..<(RecordStore.chunkSize * 2) { store.remove(RecordID(UInt64(i))) }
        for i in (RecordStore.chunkSize * 2)..<(RecordStore.chunkSize * 4) where i % RecordStore.chunkSize != 0 {
            store.remove(RecordID(UInt64(i)))
        }
        #expect(store.needsCompaction)
        let before = ids(store)
        let snapshot = store
        store.compact()
        store.checkInvariants()
        snapshot.checkInvariants()
        #expect(store.tombstoneCount == 0)
        #expect(store.baseChunk == 2)
        #expect(ids(store) == before)
        #expect(ids(snapshot) == before)
        #expect(scan(store) == before)
        #expect(scan(store, forward: false) == before.reversed())
        for id in before { #expect(store[RecordID(UInt64(id))]?["_id"] == .int64(id)) }
        // Packed chunks still take updates and deletes by id, and appends continue after the last id.
        let packed = RecordID(UInt64(RecordStore.chunkSize * 3))
        store.replace(packed, with: raw(-1))
        #expect(store[packed]?["v"] == .int64(-1))
        store.remove(packed)
        #expect(store[packed] == nil)
        #expect(store.append(raw(n)) == RecordID(UInt64(n)))
        store.checkInvariants()
    }

    @Test func removeAllKeepsIDsIncreasing() {
        var store = RecordStore()
        for i in 0..<5 { store.append(raw(i)) }
        store.removeAll()
        #expect(store.isEmpty)
        #expect(store.append(raw(5)) == RecordID(5))
        #expect(ids(store) == [5])
        #expect(scan(store, forward: false) == [5])
        store.checkInvariants()
    }

    @Test func writerMutatesInPlaceWhenNoSnapshotExists() {
        var store = RecordStore()
        for i in 0..<4 { store.append(raw(i)) }
        let chunk = ObjectIdentifier(store.chunks[0]!)
        store.replace(RecordID(0), with: raw(9))
        #expect(ObjectIdentifier(store.chunks[0]!) == chunk)
        let snapshot = store
        store.replace(RecordID(1), with: raw(9))
        #expect(ObjectIdentifier(store.chunks[0]!) != chunk)
        #expect(ObjectIdentifier(snapshot.chunks[0]!) == chunk)
    }

    /// Compaction packs chunks in place when no snapshot shares them, and copies exactly the chunks it packs when one
    /// does (a local reference held while packing once made every pack a copy).
    @Test func compactionPacksInPlaceWithoutASnapshotAndCopiesOnlyWhenShared() {
        func thinned() -> RecordStore {
            var store = RecordStore()
            let n = RecordStore.chunkSize * 6
            for i in 0..<n { store.append(raw(i)) }
            // Empty chunk 0 (freed), keep one document in chunks 1...3 (packed), leave chunks 4 and 5 full.
            for i in 0..<(RecordStore.chunkSize * 4) where i < RecordStore.chunkSize || i % RecordStore.chunkSize != 0 {
                store.remove(RecordID(UInt64(i)))
            }
            #expect(store.needsCompaction)
            return store
        }

        var store = thinned()
        let identities = store.chunks.map { $0.map(ObjectIdentifier.init) }
        let copiesBefore = store.chunkCopies
        store.compact()
        store.checkInvariants()
        #expect(store.chunkCopies == copiesBefore, "compaction copied a chunk no snapshot shares")
        #expect(store.baseChunk == 1)
        for (k, chunk) in store.chunks.enumerated() {
            #expect(chunk.map(ObjectIdentifier.init) == identities[k + 1], "chunk \(k + 1) was replaced")
        }
        #expect((0..<3).allSatisfy { store.chunks[$0]!.isPacked })

        var shared = thinned()
        let snapshot = shared
        let sharedBefore = shared.chunkCopies
        shared.compact()
        shared.checkInvariants()
        snapshot.checkInvariants()
        #expect(shared.chunkCopies == sharedBefore + 3, "each packed chunk is copied once while a snapshot holds it")
        #expect(snapshot.chunks.compactMap { $0 }.allSatisfy { !$0.isPacked })
        #expect(ids(shared) == ids(snapshot))
    }

    @Test func filteredScanReturnsEachMatchOnceAndCountsWhatItTested() {
        var store = RecordStore()
        let n = RecordStore.chunkSize * 3 + 3
        for i in 0..<n { store.append(raw(i)) }
        // Tombstones at the start, inside and at the end of chunks.
        let removed: Set<Int> = [0, 1, RecordStore.chunkSize - 1, RecordStore.chunkSize, n - 1]
        for i in removed { store.remove(RecordID(UInt64(i))) }
        for forward in [true, false] {
            var position: RecordID? = RecordStore.start(forward: forward)
            var examined = 0
            var seen: [Int64] = []
            while let start = position,
                let (rid, d) = store.first(
                    from: start, forward: forward, examined: &examined, where: { $0["v"]!.int64Value! % 3 == 0 })
            {
                seen.append(d["_id"]!.int64Value!)
                position = RecordStore.position(after: rid, forward: forward)
            }
            let expected = (0..<n).filter { !removed.contains($0) && $0 % 3 == 0 }.map(Int64.init)
            #expect(seen == (forward ? expected : expected.reversed()))
            #expect(examined == n - removed.count)
        }
    }

    @Test func idIndexUsesMongoDBEqualityAcrossNumericTypes() {
        var index = IDIndex()
        #expect(index.insertIfAbsent(.int32(1), RecordID(0)) == nil)
        #expect(index.insertIfAbsent(.double(1.0), RecordID(1)) == RecordID(0))
        #expect(index.insertIfAbsent(.int64(1), RecordID(2)) == RecordID(0))
        #expect(index[.decimal128(Decimal128(1))] == RecordID(0))
        #expect(index.insertIfAbsent(.string("1"), RecordID(3)) == nil)
        #expect(index.count == 2)
        #expect(index.remove(.double(1)) == RecordID(0))
        #expect(index[.int32(1)] == nil)
        #expect(index[.string("1")] == RecordID(3))
        index.checkInvariants()
    }

    @Test func idIndexKeepsObjectIDsApartFromOtherTypes() {
        var index = IDIndex()
        let oid = ObjectID(timestamp: 7, random: 8, counter: 9)
        #expect(index.insertIfAbsent(.objectID(oid), RecordID(4)) == nil)
        #expect(index.insertIfAbsent(.objectID(oid), RecordID(5)) == RecordID(4))
        #expect(index[.objectID(oid)] == RecordID(4))
        #expect(index[.string(oid.hex)] == nil)
        #expect(index[.objectID(ObjectID(timestamp: 7, random: 8, counter: 10))] == nil)
        index.removeAll()
        #expect(index.count == 0 && index[.objectID(oid)] == nil)
    }

    @Test func idIndexSnapshotIsUnaffectedByLaterWrites() {
        SeededRandom.forEachCase(10) { rng, _ in
            var index = IDIndex()
            var model: [BSONValue: RecordID] = [:]
            for i in 0..<500 {
                let id: BSONValue = rng.chance(0.7) ? .objectID(ObjectID()) : .int64(Int64(i))
                _ = index.insertIfAbsent(id, RecordID(UInt64(i)))
                model[id] = RecordID(UInt64(i))
            }
            let snapshot = index
            let frozen = model
            for (step, id) in model.keys.shuffled(using: &rng).enumerated() {
                if step % 2 == 0 {
                    index.remove(id)
                } else {
                    _ = index.insertIfAbsent(.objectID(ObjectID()), RecordID(UInt64(1000 + step)))
                }
            }
            index.checkInvariants()
            snapshot.checkInvariants()
            #expect(snapshot.count == frozen.count, "\(rng.replayHint)")
            for (id, rid) in frozen { #expect(snapshot[id] == rid, "\(rng.replayHint)") }
        }
    }

    @Test func objectIDTableAgreesWithADictionaryUnderRandomInsertsAndRemoves() {
        SeededRandom.forEachCase(20) { rng, _ in
            var index = IDIndex()
            var model: [ObjectID: RecordID] = [:]
            // Few distinct ids, so inserts collide with present ones and removes hit often.
            let pool = (0..<300).map { _ in
                ObjectID(
                    timestamp: UInt32(rng.int(0...3)), random: UInt64(rng.int(0...3)), counter: UInt32(rng.int(0...99)))
            }
            for step in 0..<2000 {
                let id = rng.pick(pool)
                if rng.chance(0.6) {
                    let rid = RecordID(UInt64(step))
                    #expect(index.insertIfAbsent(.objectID(id), rid) == model[id], "\(rng.replayHint)")
                    if model[id] == nil { model[id] = rid }
                } else {
                    #expect(index.remove(.objectID(id)) == model.removeValue(forKey: id), "\(rng.replayHint)")
                }
                #expect(index.count == model.count)
            }
            index.checkInvariants()
            for id in pool { #expect(index[.objectID(id)] == model[id]) }
        }
    }
}
