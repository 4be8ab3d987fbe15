import DocketBSON
import DocketWorkloads

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The dataset files of a size: read `users_N.bson`, or generate the documents.
enum DataFiles {
    static func bsonPath(size: Int, directory: String) -> String { "\(directory)/users_\(size).bson" }

    /// Writes `users_N.bson`, `users_N.jsonl` and `keys_N.json` into `directory` (created if needed) unless they
    /// exist already.
    static func writeMissing(size: Int, directory: String) throws {
        mkdir(directory, 0o755)
        let bson = bsonPath(size: size, directory: directory)
        let jsonl = "\(directory)/users_\(size).jsonl"
        let keys = "\(directory)/keys_\(size).json"
        if !exists(bson) {
            log("writing \(bson)")
            try writeUsersBSON(count: size, to: bson + ".tmp")
            rename(bson + ".tmp", bson)
        }
        if !exists(jsonl) {
            log("writing \(jsonl)")
            try writeUsersJSONL(count: size, to: jsonl + ".tmp")
            rename(jsonl + ".tmp", jsonl)
        }
        if !exists(keys) {
            log("writing \(keys)")
            try writeWorkloadKeys(documentCount: size, to: keys + ".tmp")
            rename(keys + ".tmp", keys)
        }
    }

    /// The bytes of `users_N.bson` from `directory` when the file exists there, else generated in memory.
    static func loadBSON(size: Int, directory: String?) throws -> [UInt8] {
        if let directory, exists(bsonPath(size: size, directory: directory)) {
            return try read(bsonPath(size: size, directory: directory))
        }
        return UserGenerator().bsonBytes(count: size)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func read(_ path: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw DatasetFileError(path: path, operation: "open", code: errno) }
        defer { fclose(file) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { out.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count {
                guard ferror(file) == 0 else { throw DatasetFileError(path: path, operation: "read", code: errno) }
                break
            }
        }
        return out
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw DatasetFileError(path: path, operation: "open", code: errno) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let closed = fclose(file)
        guard written == bytes.count, closed == 0 else {
            throw DatasetFileError(path: path, operation: "write", code: errno)
        }
    }
}

/// The report of all runs: medians, throughput, peak memory, as Markdown and JSON.
struct Report {
    let size: Int
    let runIndexes: [Int]
    let workloads: [Workload]
    let measurements: [[Workload: Measurement]]
    let peakResidentBytes: Int

    struct Row {
        var workload: Workload
        var operations = 0
        var seconds: [Double] = []
        var details: [String: String] = [:]
        var missing: String?

        var median: Double {
            let sorted = seconds.sorted()
            guard !sorted.isEmpty else { return 0 }
            let mid = sorted.count / 2
            return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        }
        var throughput: Double { median > 0 ? Double(operations) / median : 0 }
    }

    var rows: [Row] {
        workloads.map { workload in
            var row = Row(workload: workload)
            for run in measurements {
                switch run[workload] {
                case .measured(let operations, let seconds, let details)?:
                    row.operations = operations
                    row.seconds.append(seconds)
                    // Details (checksums, counts) are the same in every run except W4's modified counts; keep the last.
                    row.details = details
                case .unavailable(let missing)?: row.missing = missing
                case nil: break
                }
            }
            return row
        }
    }

    var markdown: String {
        var out = "Docket, N = \(size), median of \(measurements.count) run(s), every answer verified\n\n"
        out += "| workload | ops | median time | throughput | notes |\n|---|---:|---:|---:|---|\n"
        for row in rows {
            if let missing = row.missing {
                out += "| \(row.workload.label) | – | – | – | not yet available: needs \(missing) |\n"
            } else {
                let notes = row.details.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(
                    separator: ", ")
                out += "| \(row.workload.label) | \(row.operations) | \(formatSeconds(row.median)) | "
                out += "\(formatRate(row.throughput)) \(row.workload.unit)/s | \(notes) |\n"
            }
        }
        out += "\nPeak resident memory: \(peakResidentBytes / (1 << 20)) MiB\n"
        return out
    }

    var json: String {
        var items: [String] = []
        for row in rows {
            var fields = [
                "\"id\": \(jsonQuote(row.workload.rawValue))",
                "\"label\": \(jsonQuote(row.workload.label))",
                "\"unit\": \(jsonQuote(row.workload.unit))",
            ]
            if let missing = row.missing {
                fields += ["\"status\": \"unavailable\"", "\"missing\": \(jsonQuote(missing))"]
            } else {
                fields += [
                    "\"status\": \"ok\"", "\"verified\": true", "\"ops\": \(row.operations)",
                    "\"seconds\": [\(row.seconds.map { String($0) }.joined(separator: ", "))]",
                    "\"median_seconds\": \(row.median)", "\"throughput\": \(row.throughput)",
                    "\"details\": {"
                        + row.details.sorted { $0.key < $1.key }.map { "\(jsonQuote($0.key)): \(jsonQuote($0.value))" }
                        .joined(separator: ", ") + "}",
                ]
            }
            items.append("    {" + fields.joined(separator: ", ") + "}")
        }
        return """
            {
              "system": "docket",
              "size": \(size),
              "run_indexes": [\(runIndexes.map(String.init).joined(separator: ", "))],
              "peak_rss_bytes": \(peakResidentBytes),
              "workloads": [
            \(items.joined(separator: ",\n"))
              ]
            }

            """
    }
}

func jsonQuote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20:
            out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

func formatSeconds(_ seconds: Double) -> String {
    if seconds >= 1 { return String(format3(seconds)) + " s" }
    if seconds >= 1e-3 { return format3(seconds * 1e3) + " ms" }
    return format3(seconds * 1e6) + " µs"
}

func formatRate(_ rate: Double) -> String {
    if rate >= 1e6 { return format3(rate / 1e6) + "M" }
    if rate >= 1e3 { return format3(rate / 1e3) + "k" }
    return format3(rate)
}

/// Three significant digits, without Foundation.
func format3(_ value: Double) -> String {
    guard value.isFinite, value > 0 else { return "0" }
    let decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = Int((value * scale).rounded())
    let whole = rounded / Int(scale)
    guard decimals > 0 else { return String(whole) }
    let fraction = String(rounded % Int(scale))
    return "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
}
