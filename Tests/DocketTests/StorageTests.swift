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
}
