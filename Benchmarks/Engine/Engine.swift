// The engine's benchmarks (issue 3, item 10) on the canonical users dataset (shared/bench/workloads.json), in memory,
// single thread, through the public API:
//
//   Engine.insertMany/N         W1: insert documents 0..<N into an empty collection in client batches of 1000
//                               (the documents are generated before the measurement). docs/s = throughput × N.
//   Engine.scanEmailEquality/N  find({email: e}) with no index: a full scan of N documents per iteration, returning
//                               the one match. docs scanned/s = throughput × N.
//   Engine.W4a/N, Engine.W4b/N  the 100 000 updates of W4a (`{$set: {status: v}}`) or W4b
//                               (`{$set: {"teams.0.role": v}}`) by `_id`, keys from `WorkloadKeys`; iteration r writes
//                               values[(v + r) % 3], so every iteration changes data. The filter and update documents
//                               are built per call, as a driver would. updates/s = throughput × 100 000.
// Besides wallClock, throughput and mallocCountTotal, each records `threadCPUMicroseconds`: the CPU time of the
// measured code on its thread, which a busy machine inflates less than wall clock.
//
//   Engine.memory/N             resident memory (/proc/self/statm) before and after loading N documents: custom
//                               metrics `residentBytesPerDocument` and `residentPerBSONPermille` (1000 × resident
//                               bytes / BSON bytes). One iteration, in its own process (package-benchmark runs each
//                               benchmark in a child process).
//
// N is 100 000 and 1 000 000. Run: swift package benchmark --target EngineBenchmarks --no-progress
// (add --filter 'Engine.W4a/100000' to select). The 1M variants run few iterations to stay quick.
import Benchmark
import Docket
import DocketBSON
import DocketWorkloads
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// W1's client batch size.
let batchSize = 1000
let generator = UserGenerator()

/// Documents `0..<count` in W1 batches of 1000.
func batches(count: Int) -> [[BSONDocument]] {
    stride(from: 0, to: count, by: batchSize).map { start in
        (start..<min(start + batchSize, count)).map(generator.document(at:))
    }
}

/// A fresh collection holding documents `0..<count`, loaded batch by batch (each batch is generated, inserted and
/// freed, so the generated documents never all live at once).
func loadedCollection(count: Int) -> DocketCollection {
    let users = DocketClient().database("bench").collection("users")
    for start in stride(from: 0, to: count, by: batchSize) {
        let batch = (start..<min(start + batchSize, count)).map(generator.document(at:))
        do { try users.insertMany(batch) } catch { fatalError("loading the dataset failed: \(error)") }
    }
    precondition(users.estimatedDocumentCount() == count, "the dataset did not load")
    return users
}

// Lazily built per process: each benchmark runs in its own process and builds only what it uses.
let batches100k = batches(count: 100_000)
let batches1M = batches(count: 1_000_000)
let users100k = loadedCollection(count: 100_000)
let users1M = loadedCollection(count: 1_000_000)
let keys100k = WorkloadKeys(documentCount: 100_000)
let keys1M = WorkloadKeys(documentCount: 1_000_000)

func batches(_ n: Int) -> [[BSONDocument]] { n == 100_000 ? batches100k : batches1M }
func users(_ n: Int) -> DocketCollection { n == 100_000 ? users100k : users1M }
func keys(_ n: Int) -> WorkloadKeys { n == 100_000 ? keys100k : keys1M }

/// The run number r of the W4 benchmarks (each iteration writes the next values).
let runCounter = Atomic<Int>(0)

/// The W4 run `r`: every key of `updates`, `update_one({_id}, {$set: {field: values[(v + r) % 3]}})`.
///
/// - Returns: how many updates matched one document and how many modified it.
func runW4(_ users: DocketCollection, _ updates: [WorkloadKeys.Update], field: String, values: [String], run r: Int)
    -> (matched: Int, modified: Int)
{
    var matched = 0
    var modified = 0
    for key in updates {
        let value = values[(key.valueIndex + r) % values.count]
        do {
            let result = try users.updateOne(["_id": .objectID(key.id)], ["$set": [field: .string(value)]])
            matched += result.matchedCount
            modified += result.modifiedCount
        } catch {
            fatalError("update failed: \(error)")
        }
    }
    return (matched, modified)
}

/// The replay of every W4 run so far in this process (each benchmark runs in its own process, on its own
/// collection), so that a run's totals and final values can be checked.
let w4Replays = Mutex<[String: UpdateReplay]>([:])

/// Checks what a W4 run measured, after the measurement, so that a no-op regression cannot pass for a speed-up:
/// every update matched one document, `modifiedCount` equals the replay's, and sampled documents hold the replayed
/// values.
func verifyW4(
    _ workload: String, _ users: DocketCollection, _ n: Int, run r: Int, _ totals: (matched: Int, modified: Int)
) {
    w4Replays.withLock { replays in
        var replay =
            replays[workload]
            ?? (workload == "W4a"
                ? UpdateReplay.w4a(keys: keys(n).w4a, generator: generator)
                : UpdateReplay.w4b(keys: keys(n).w4b, generator: generator))
        let expected = replay.run(runIndex: r)
        do {
            try replay.checkTotals(matchedOne: totals.matched, modified: totals.modified, expectedModified: expected)
            for key in replay.keys.prefix(20) + replay.keys.suffix(20) {
                try replay.checkDocument(try users.findOne(["_id": .objectID(key.id)]), index: key.index)
            }
        } catch {
            fatalError("\(workload) measured the wrong thing: \(error)")
        }
        replays[workload] = replay
    }
}

/// The CPU time this thread has used, in nanoseconds. The machine the benchmarks run on may be shared: wall clock
/// then includes time spent waiting for a core, thread CPU time does not.
func threadCPUNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// The custom metric holding ``threadCPUNanoseconds()`` spent in the measured part, in microseconds.
let threadCPU = BenchmarkMetric.custom("threadCPUMicroseconds", polarity: .prefersSmaller, useScalingFactor: false)

/// Runs `body` and records its thread CPU time.
func measuringThreadCPU<T>(_ benchmark: Benchmark, _ body: () -> T) -> T {
    let start = threadCPUNanoseconds()
    let result = body()
    benchmark.measurement(threadCPU, (threadCPUNanoseconds() - start) / 1000)
    return result
}

/// The resident set size of this process, in bytes.
func residentBytes() -> Int {
    #if canImport(Glibc)
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size = 0
        var resident = 0
        guard readStatm(file, &size, &resident) else { return 0 }
        return resident * Int(sysconf(Int32(_SC_PAGESIZE)))
    #else
        return 0
    #endif
}

#if canImport(Glibc)
    /// Reads the first two numbers of /proc/self/statm (total and resident pages).
    func readStatm(_ file: UnsafeMutablePointer<FILE>, _ size: inout Int, _ resident: inout Int) -> Bool {
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let fields = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: " ")
        guard fields.count >= 2, let s = Int(fields[0]), let r = Int(fields[1]) else { return false }
        size = s
        resident = r
        return true
    }
#endif

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 20
    )

    for n in [100_000, 1_000_000] {
        let small = n == 100_000
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, threadCPU, .throughput, .mallocCountTotal],
            warmupIterations: 1,
            maxDuration: .seconds(small ? 3 : 6),
            maxIterations: small ? 20 : 5
        )

        Benchmark("Engine.insertMany/\(n)", configuration: configuration) { benchmark in
            let input = batches(n)
            benchmark.startMeasurement()
            let users = measuringThreadCPU(benchmark) {
                let users = DocketClient().database("bench").collection("users")
                for batch in input {
                    do { try users.insertMany(batch) } catch { fatalError("insertMany failed: \(error)") }
                }
                return users
            }
            benchmark.stopMeasurement()
            precondition(users.estimatedDocumentCount() == n)
            blackHole(users)
        } setup: {
            _ = batches(n)
        }

        Benchmark("Engine.scanEmailEquality/\(n)", configuration: configuration) { benchmark in
            let users = users(n)
            let email = keys(n).w2[0].email
            benchmark.startMeasurement()
            let found = measuringThreadCPU(benchmark) {
                do { return try users.find(["email": .string(email)]).toArray().count } catch {
                    fatalError("find failed: \(error)")
                }
            }
            benchmark.stopMeasurement()
            precondition(found == 1, "the email matches exactly one user")
        } setup: {
            _ = users(n)
            _ = keys(n)
        }

        Benchmark("Engine.W4a/\(n)", configuration: configuration) { benchmark in
            let users = users(n)
            let updates = keys(n).w4a
            let r = runCounter.add(1, ordering: .relaxed).newValue
            benchmark.startMeasurement()
            let totals = measuringThreadCPU(benchmark) {
                runW4(users, updates, field: "status", values: WorkloadKeys.w4aValues, run: r)
            }
            benchmark.stopMeasurement()
            verifyW4("W4a", users, n, run: r, totals)
        } setup: {
            _ = users(n)
            _ = keys(n)
        }

        Benchmark("Engine.W4b/\(n)", configuration: configuration) { benchmark in
            let users = users(n)
            let updates = keys(n).w4b
            let r = runCounter.add(1, ordering: .relaxed).newValue
            benchmark.startMeasurement()
            let totals = measuringThreadCPU(benchmark) {
                runW4(users, updates, field: "teams.0.role", values: WorkloadKeys.w4bValues, run: r)
            }
            benchmark.stopMeasurement()
            verifyW4("W4b", users, n, run: r, totals)
        } setup: {
            _ = users(n)
            _ = keys(n)
        }

        Benchmark(
            "Engine.memory/\(n)",
            configuration: .init(
                metrics: [
                    .custom("residentBytesPerDocument", polarity: .prefersSmaller, useScalingFactor: false),
                    .custom("residentPerBSONPermille", polarity: .prefersSmaller, useScalingFactor: false),
                ],
                warmupIterations: 0,
                maxIterations: 1
            )
        ) { benchmark in
            var bsonBytes = 0
            for start in stride(from: 0, to: n, by: batchSize) {
                for i in start..<min(start + batchSize, n) {
                    bsonBytes += (try? generator.document(at: i).encodedSize()) ?? 0
                }
            }
            let before = residentBytes()
            let users = loadedCollection(count: n)
            let after = residentBytes()
            withExtendedLifetime(users) {}
            let perDocument = (after - before) / n
            benchmark.measurement(.custom("residentBytesPerDocument"), perDocument)
            benchmark.measurement(.custom("residentPerBSONPermille"), (after - before) * 1000 / bsonBytes)
        }
    }
}
