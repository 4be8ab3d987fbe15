import Docket
import DocketBSON
import DocketWorkloads

/// Runs the workloads of one dataset size against a fresh in-memory collection per run, and verifies every answer
/// against the seeded generator.
struct WorkloadRunner {
    let size: Int
    /// `users_N.bson`: the documents back to back.
    let bytes: [UInt8]
    /// BSONDocument `i` spans `offsets[i]..<offsets[i + 1]` of `bytes`.
    let offsets: [Int]
    let keys: WorkloadKeys
    let verifier: WorkloadVerifier
    /// The number of operations of each scan workload.
    let scanOps: Int
    /// The client batch size of inserts (workloads.json W1).
    static let batchSize = 1000
    /// The number of W3 pages checked against the brute-force answer in each run.
    static let bruteForceSample = 20
    /// The number of documents re-read after each W4 run to check their final values.
    static let updateCheckSample = 200

    init(size: Int, bytes: [UInt8], scanOps: Int) throws {
        self.size = size
        self.bytes = bytes
        offsets = try documentOffsets(in: bytes)
        guard offsets.count == size + 1 else {
            throw WorkloadVerificationError(
                workload: "data",
                message: "the dataset holds \(offsets.count - 1) documents, not \(size)"
            )
        }
        keys = WorkloadKeys(documentCount: size)
        verifier = WorkloadVerifier(documentCount: size)
        self.scanOps = scanOps
    }

    /// Runs `workloads` once, as run `runIndex`, on a fresh collection.
    func runAll(_ workloads: [Workload], runIndex: Int) throws -> [Workload: Measurement] {
        var results: [Workload: Measurement] = [:]
        for workload in workloads {
            if let missing = workload.missingCapability { results[workload] = .unavailable(missing: missing) }
        }
        // The codec first, while no collection occupies memory.
        if workloads.contains(.w6Validate) { results[.w6Validate] = try runValidate() }
        if workloads.contains(.w6Decode) { results[.w6Decode] = try runDecodeVisit() }
        if workloads.contains(.w6Encode) { results[.w6Encode] = try runEncode() }
        guard workloads.contains(where: \.needsCollection) else { return results }

        let client = DocketClient()
        let database = client.database("bench")
        let users = database.collection("users")
        let load = try runInsert(into: users)
        if workloads.contains(.w1NoIndexes) { results[.w1NoIndexes] = load }
        if workloads.contains(.w2Scan) { results[.w2Scan] = try runLookups(users) }
        if workloads.contains(.w3Scan) { results[.w3Scan] = try runRangeQueries(users) }
        // The aggregations read the loaded documents before W4 changes them (W5's and W8's answers come from the
        // generator).
        if workloads.contains(.w5) { results[.w5] = try runSeedAggregation(users) }
        if workloads.contains(.w8) { results[.w8] = try runJoin(users, in: database) }
        if workloads.contains(.w4a) {
            results[.w4a] = try runUpdates(users, replay: .w4a(keys: keys.w4a, generator: verifier.generator), runIndex)
        }
        if workloads.contains(.w4b) {
            results[.w4b] = try runUpdates(users, replay: .w4b(keys: keys.w4b, generator: verifier.generator), runIndex)
        }
        users.drop()
        return results
    }

    // MARK: - W6

    func withDocumentBuffers<R>(_ body: (UnsafeRawBufferPointer, [Int]) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes { all in try body(all, offsets) }
    }

    func runValidate() throws -> Measurement {
        var valid = 0
        let seconds = try measure {
            try withDocumentBuffers { all, offsets in
                for i in 0..<size {
                    try BSONValidator.validate(UnsafeRawBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
                    valid += 1
                }
            }
        }
        guard valid == size else {
            throw WorkloadVerificationError(workload: "W6", message: "\(valid) of \(size) documents validated")
        }
        return .measured(operations: size, seconds: seconds, details: ["valid": String(valid)])
    }

    func runDecodeVisit() throws -> Measurement {
        var sum: UInt64 = 0
        var decoded = 0
        let seconds = try measure {
            try withDocumentBuffers { all, offsets in
                for i in 0..<size {
                    let document = try BSONDocument(
                        bsonBuffer: UnsafeRawBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
                    sum &+= visitChecksum(document)
                    decoded += 1
                }
            }
        }
        guard decoded == size else {
            throw WorkloadVerificationError(workload: "W6", message: "\(decoded) of \(size) documents decoded")
        }
        return .measured(operations: size, seconds: seconds, details: ["checksum": String(sum)])
    }

    /// Re-encodes every document from decoded values. Documents are decoded (untimed) in chunks so that 1M
    /// decoded documents never sit in memory at once; each re-encoding must equal the original bytes.
    func runEncode() throws -> Measurement {
        let chunk = 10_000
        var seconds = 0.0
        var encodedBytes = 0
        var start = 0
        while start < size {
            let end = min(size, start + chunk)
            let documents = try withDocumentBuffers { all, offsets in
                try (start..<end).map { i in
                    try BSONDocument(bsonBuffer: UnsafeRawBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
                }
            }
            var encoded: [[UInt8]] = []
            encoded.reserveCapacity(documents.count)
            seconds += try measure {
                for document in documents { encoded.append(try document.bsonBytes()) }
            }
            for (k, output) in encoded.enumerated() {
                let i = start + k
                guard output.elementsEqual(bytes[offsets[i]..<offsets[i + 1]]) else {
                    throw WorkloadVerificationError(
                        workload: "W6", message: "re-encoding document \(i) changed its bytes")
                }
                encodedBytes += output.count
            }
            start = end
        }
        guard encodedBytes == bytes.count else {
            throw WorkloadVerificationError(
                workload: "W6", message: "re-encoded \(encodedBytes) of \(bytes.count) bytes")
        }
        return .measured(operations: size, seconds: seconds, details: ["bytes": String(encodedBytes)])
    }

    // MARK: - W1 (no secondary indexes)

    /// Decodes the file's documents and inserts them with `insertMany` in batches of 1000 (timed together: the
    /// anchors also start from the file's contents).
    func runInsert(into users: DocketCollection) throws -> Measurement {
        var inserted = 0
        let seconds = try measure {
            try withDocumentBuffers { all, offsets in
                var batch: [BSONDocument] = []
                batch.reserveCapacity(WorkloadRunner.batchSize)
                for i in 0..<size {
                    batch.append(
                        try BSONDocument(bsonBuffer: UnsafeRawBufferPointer(rebasing: all[offsets[i]..<offsets[i + 1]]))
                    )
                    if batch.count == WorkloadRunner.batchSize || i == size - 1 {
                        inserted += try users.insertMany(batch).insertedCount
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
        }
        let count = users.estimatedDocumentCount()
        guard inserted == size, count == size else {
            throw WorkloadVerificationError(
                workload: "W1",
                message: "inserted \(inserted), collection holds \(count), expected \(size)"
            )
        }
        return .measured(operations: size, seconds: seconds, details: [:])
    }

    // MARK: - W2 / W3 as scans

    /// W2 as scans, with the anchors' stopping rule (`LIMIT 2`): every lookup scans on for a second match, so it
    /// reads the whole collection as SQLite's and DuckDB's do, and checks that there is exactly one.
    func runLookups(_ users: DocketCollection) throws -> Measurement {
        let lookups = keys.w2.prefix(scanOps)
        let options = FindOptions(limit: 2)
        let seconds = try measure {
            for key in lookups {
                let found = try users.find(["email": .string(key.email)], options: options).toArray()
                guard found.count == 1 else {
                    throw WorkloadVerificationError(
                        workload: "W2", message: "\(found.count) documents have email \(key.email)")
                }
                try verifier.checkLookup(key, found: found[0])
            }
        }
        return .measured(operations: lookups.count, seconds: seconds, details: [:])
    }

    func runRangeQueries(_ users: DocketCollection) throws -> Measurement {
        let ranges = Array(keys.w3.prefix(scanOps))
        let limit = WorkloadKeys.w3Limit
        let options = FindOptions(sort: ["created_at": -1], limit: limit)
        var pages: [[BSONDocument]] = []
        pages.reserveCapacity(ranges.count)
        var returned = 0
        let seconds = try measure {
            for range in ranges {
                let page = try users.find(
                    ["created_at": ["$gte": .datetime(range.lo), "$lt": .datetime(range.hi)]],
                    options: options
                ).toArray()
                try verifier.checkRangePage(range, limit: limit, page: page)
                returned += page.count
                pages.append(page)
            }
        }
        let createdAt = verifier.createdAtValues()
        let step = max(1, ranges.count / WorkloadRunner.bruteForceSample)
        for k in stride(from: 0, to: ranges.count, by: step) {
            try verifier.checkRangePage(ranges[k], limit: limit, page: pages[k], createdAt: createdAt)
        }
        return .measured(operations: ranges.count, seconds: seconds, details: ["documents": String(returned)])
    }

    // MARK: - W4

    func runUpdates(_ users: DocketCollection, replay: UpdateReplay, _ runIndex: Int) throws -> Measurement {
        var replay = replay
        var matchedOne = 0
        var modified = 0
        let field = replay.field
        let seconds = try measure {
            for key in replay.keys {
                let value = replay.value(for: key, runIndex: runIndex)
                let result = try users.updateOne(["_id": .objectID(key.id)], ["$set": [field: .string(value)]])
                if result.matchedCount == 1 { matchedOne += 1 }
                modified += result.modifiedCount
            }
        }
        let expected = replay.run(runIndex: runIndex)
        try replay.checkTotals(matchedOne: matchedOne, modified: modified, expectedModified: expected)
        let step = max(1, replay.keys.count / WorkloadRunner.updateCheckSample)
        for k in stride(from: 0, to: replay.keys.count, by: step) {
            let key = replay.keys[k]
            try replay.checkDocument(try users.findOne(["_id": .objectID(key.id)]), index: key.index)
        }
        return .measured(
            operations: replay.keys.count,
            seconds: seconds,
            details: ["matched": String(matchedOne), "modified": String(modified)]
        )
    }
}

/// The wall-clock seconds `body` takes.
func measure(_ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try body()
    let elapsed = clock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}
