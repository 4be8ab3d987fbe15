import ArgumentParser
import DocketBSON
import DocketWorkloads

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `docket-bench`: runs the canonical workloads (shared/bench/workloads.json) against Docket's engine, verifies
/// every answer, and prints a Markdown table (and optionally writes JSON).
///
/// ```
/// swift run -c release docket-bench --size 100000 --runs 3
/// swift run -c release docket-bench --size 10000 --runs 1 --workloads W2-scan,W4a
/// swift run -c release docket-bench --size 100000 --data-dir .build-compare/data --write-data
/// ```
@main
struct DocketBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docket-bench",
        abstract: "Runs Docket's canonical benchmark workloads, verifies every answer, and reports medians.",
        discussion: """
            Workloads: \(Workload.allCases.map(\.rawValue).joined(separator: ", ")). Workloads whose capability \
            Docket does not have yet are reported as "not yet available" with the missing capability, never \
            measured by a stand-in.
            """
    )

    @Option(name: .long, help: "The number of documents N (10000, 100000, 1000000).")
    var size: Int = 10_000

    @Option(name: .long, help: "The number of measured runs; the report gives the median.")
    var runs: Int = 3

    @Option(name: .long, help: "The run index of the first run (W4 run r writes values[(v + r) % 3]).")
    var runIndex: Int = 0

    @Option(name: .long, help: "Comma-separated workloads to run (default: all).")
    var workloads: String?

    @Option(name: .long, help: "Directory with users_N.bson (read if present; written with --write-data).")
    var dataDir: String?

    @Flag(name: .long, help: "Write users_N.bson, users_N.jsonl and keys_N.json into --data-dir if missing, then exit.")
    var writeData = false

    @Option(
        name: .long, help: "Operations of each scan workload (W2-scan, W3-scan); default: scan about 2e7 documents.")
    var scanOps: Int?

    @Option(name: .long, help: "Write the results as JSON to this path.")
    var json: String?

    func validate() throws {
        guard size > 0 else { throw ValidationError("--size must be positive") }
        guard runs > 0 else { throw ValidationError("--runs must be positive") }
        guard runIndex >= 0 else { throw ValidationError("--run-index must be non-negative") }
        if let scanOps, scanOps <= 0 { throw ValidationError("--scan-ops must be positive") }
        if writeData, dataDir == nil { throw ValidationError("--write-data needs --data-dir") }
        _ = try selectedWorkloads()
    }

    func selectedWorkloads() throws -> [Workload] {
        guard let workloads else { return Workload.allCases }
        return try workloads.split(separator: ",").map { name in
            let trimmed = name.trimmingWhitespace()
            guard let workload = Workload(rawValue: trimmed) else {
                throw ValidationError(
                    "unknown workload \(trimmed); known: \(Workload.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return workload
        }
    }

    func run() throws {
        if writeData, let dataDir {
            try DataFiles.writeMissing(size: size, directory: dataDir)
            return
        }
        let bytes = try DataFiles.loadBSON(size: size, directory: dataDir)
        let runner = try WorkloadRunner(
            size: size,
            bytes: bytes,
            scanOps: scanOps ?? max(10, min(WorkloadKeys.w2Count, 20_000_000 / size))
        )
        let selected = try selectedWorkloads()
        var measurements: [[Workload: Measurement]] = []
        for r in 0..<runs {
            let results = try runner.runAll(selected, runIndex: runIndex + r)
            measurements.append(results)
            log("run \(runIndex + r): done")
        }
        let report = Report(
            size: size, runIndexes: Array(runIndex..<(runIndex + runs)), workloads: selected,
            measurements: measurements, peakResidentBytes: peakResidentBytes())
        print(report.markdown, terminator: "")
        if let json {
            try DataFiles.write(Array(report.json.utf8), to: json)
        }
    }
}

/// Writes a progress line to standard error.
func log(_ message: String) {
    let line = Array("docket-bench: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// The peak resident set size of this process in bytes (`getrusage`'s `ru_maxrss`, which Linux gives in KiB).
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
    #else
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss) * 1024
    #endif
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
