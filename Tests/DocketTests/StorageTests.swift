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

    @Test func appendAssignsIncreasingSlotsAcrossChunks() {
        var store = RecordStore()
        let n = RecordStore.chunkSize * 3 + 2
        for i in 0..<n { #expect(store.append(raw(i)).slot == UInt32(i)) }
        store.checkInvariants()
        #expect(store.count == n)
        #expect(ids(store) == (0..<n).map(Int64.init))
        #expect(store[RecordID(slot: 5)]?["v"] == .int64(5))
        #expect(store[RecordID(slot: UInt32(n))] == nil)
    }

    @Test func snapshotIsUnaffectedByLaterWrites() {
        var store = RecordStore()
        for i in 0..<20 { store.append(raw(i)) }
        let snapshot = store
        store.replace(RecordID(slot: 3), with: raw(100))
        store.remove(RecordID(slot: 4))
        store.append(raw(20))
        store.checkInvariants()
        snapshot.checkInvariants()
        #expect(ids(snapshot) == (0..<20).map(Int64.init))
        #expect(snapshot.count == 20)
        #expect(store.count == 20)
        #expect(store[RecordID(slot: 3)]?["v"] == .int64(100))
        #expect(store[RecordID(slot: 4)] == nil)
    }

    @Test func deletedSlotsAreNotReusedSoNaturalOrderIsInsertionOrder() {
        var store = RecordStore()
        for i in 0..<5 { store.append(raw(i)) }
        store.remove(RecordID(slot: 1))
        #expect(store.append(raw(5)).slot == 5)
        #expect(ids(store) == [0, 2, 3, 4, 5])
        #expect(store.tombstoneCount == 1)
        store.checkInvariants()
    }

    @Test func compactionKeepsOrderAndReportsTheMapping() {
        var store = RecordStore()
        let n = RecordStore.chunkSize * 4
        for i in 0..<n { store.append(raw(i)) }
        for i in stride(from: 0, to: n, by: 3) { store.remove(RecordID(slot: UInt32(i))) }
        for i in stride(from: 1, to: n, by: 3) { store.remove(RecordID(slot: UInt32(i))) }
        #expect(store.needsCompaction)
        let before = ids(store)
        let snapshot = store
        let mapping = store.compact()
        store.checkInvariants()
        #expect(store.tombstoneCount == 0)
        #expect(ids(store) == before)
        #expect(ids(snapshot) == before)
        for (old, new) in mapping.enumerated() where new != UInt32.max {
            #expect(store[RecordID(slot: new)]?["_id"] == .int64(Int64(old)))
        }
    }

    @Test func resumableScanSkipsTombstones() {
        var store = RecordStore()
        for i in 0..<(RecordStore.chunkSize * 2) { store.append(raw(i)) }
        for i in 0..<RecordStore.chunkSize { store.remove(RecordID(slot: UInt32(i))) }
        var position = 0
        var seen: [Int64] = []
        while let (_, d, next) = store.next(from: position) {
            seen.append(d["_id"]!.int64Value!)
            position = next
        }
        #expect(seen == (RecordStore.chunkSize..<(RecordStore.chunkSize * 2)).map(Int64.init))
    }

    @Test func writerMutatesInPlaceWhenNoSnapshotExists() {
        var store = RecordStore()
        for i in 0..<4 { store.append(raw(i)) }
        let chunk = ObjectIdentifier(store.chunks[0])
        store.replace(RecordID(slot: 0), with: raw(9))
        #expect(ObjectIdentifier(store.chunks[0]) == chunk)
        let snapshot = store
        store.replace(RecordID(slot: 1), with: raw(9))
        #expect(ObjectIdentifier(store.chunks[0]) != chunk)
        #expect(ObjectIdentifier(snapshot.chunks[0]) == chunk)
    }

    @Test func filteredScanReturnsEachMatchOnceAndCountsWhatItTested() {
        var store = RecordStore()
        let n = RecordStore.chunkSize * 3 + 3
        for i in 0..<n { store.append(raw(i)) }
        // Tombstones at the start, inside and at the end of chunks.
        let removed: Set<Int> = [0, 1, RecordStore.chunkSize - 1, RecordStore.chunkSize, n - 1]
        for i in removed { store.remove(RecordID(slot: UInt32(i))) }
        var position = 0
        var examined = 0
        var seen: [Int64] = []
        while let (rid, d, next) = store.next(
            from: position, examined: &examined, where: { $0["v"]!.int64Value! % 3 == 0 })
        {
            #expect(Int(rid.slot) + 1 == next)
            seen.append(d["_id"]!.int64Value!)
            position = next
        }
        let expected = (0..<n).filter { !removed.contains($0) && $0 % 3 == 0 }.map(Int64.init)
        #expect(seen == expected)
        #expect(examined == n - removed.count)
    }

    @Test func idIndexUsesMongoDBEqualityAcrossNumericTypes() {
        var index = IDIndex()
        #expect(index.insertIfAbsent(.int32(1), RecordID(slot: 0)) == nil)
        #expect(index.insertIfAbsent(.double(1.0), RecordID(slot: 1)) == RecordID(slot: 0))
        #expect(index.insertIfAbsent(.int64(1), RecordID(slot: 2)) == RecordID(slot: 0))
        #expect(index[.decimal128(Decimal128(1))] == RecordID(slot: 0))
        #expect(index.insertIfAbsent(.string("1"), RecordID(slot: 3)) == nil)
        #expect(index.count == 2)
        #expect(index.remove(.double(1)) == RecordID(slot: 0))
        #expect(index[.int32(1)] == nil)
        #expect(index[.string("1")] == RecordID(slot: 3))
    }

    @Test func idIndexKeepsObjectIDsApartFromOtherTypes() {
        var index = IDIndex()
        let oid = ObjectID(timestamp: 7, random: 8, counter: 9)
        #expect(index.insertIfAbsent(.objectID(oid), RecordID(slot: 4)) == nil)
        #expect(index.insertIfAbsent(.objectID(oid), RecordID(slot: 5)) == RecordID(slot: 4))
        #expect(index[.objectID(oid)] == RecordID(slot: 4))
        #expect(index[.string(oid.hex)] == nil)
        #expect(index[.objectID(ObjectID(timestamp: 7, random: 8, counter: 10))] == nil)
        index.remap([0, 0, 0, 0, 1, UInt32.max])
        #expect(index[.objectID(oid)] == RecordID(slot: 1))
        index.removeAll()
        #expect(index.count == 0 && index[.objectID(oid)] == nil)
    }

    @Test func objectIDTableAgreesWithADictionaryUnderRandomInsertsAndRemoves() {
        SeededRandom.forEachCase(20) { rng, _ in
            var table = ObjectIDTable()
            var model: [ObjectID: RecordID] = [:]
            // Few distinct ids, so inserts collide with present ones and removes hit often.
            let pool = (0..<300).map { _ in
                ObjectID(
                    timestamp: UInt32(rng.int(0...3)), random: UInt64(rng.int(0...3)), counter: UInt32(rng.int(0...99)))
            }
            for step in 0..<2000 {
                let id = rng.pick(pool)
                if rng.chance(0.6) {
                    let rid = RecordID(slot: UInt32(step))
                    #expect(table.insertIfAbsent(id, rid) == model[id], "\(rng.replayHint)")
                    if model[id] == nil { model[id] = rid }
                } else {
                    #expect(table.remove(id) == model.removeValue(forKey: id), "\(rng.replayHint)")
                }
                #expect(table.count == model.count)
            }
            table.checkInvariants()
            for id in pool { #expect(table[id] == model[id]) }
        }
    }
}
