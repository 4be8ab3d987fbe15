import DocketBSON

/// The seeded lookup and update keys of workloads W2, W3 and W4 (`keys_N.json`).
///
/// Each workload draws from its own SplitMix64 stream, seeded as workloads.json says, in this order:
/// - **W2** (seed 2): `count` times a document index uniform in `0..<N` (with replacement); the key is the
///   index and that document's email.
/// - **W3** (seed 3): `count` times `lo` uniform in [2020-01-01, 2025-12-01) at second precision;
///   `hi = lo + range_days` days.
/// - **W4** (seed 4, one stream): first W4a's `count` keys (index uniform in `0..<N`, then `v` uniform in
///   `0..<3`), then W4b's (index uniform among the documents with at least one team — drawn uniformly in
///   `0..<N` and redrawn while the document has no team — then `v`).
///
/// ```swift
/// let keys = WorkloadKeys(documentCount: 100_000)
/// keys.w2[0].email   // hits exactly document keys.w2[0].index
/// ```
public struct WorkloadKeys: Sendable {
    /// A W2 key: a document and its (unique) email.
    public struct Lookup: Sendable, Hashable {
        /// The document's index in the dataset.
        public var index: Int
        /// The document's `email`.
        public var email: String
    }

    /// A W3 range of `created_at`, in milliseconds since the epoch: `lo` inclusive, `hi` exclusive.
    public struct Range: Sendable, Hashable {
        /// The inclusive lower bound (a whole second).
        public var lo: Int64
        /// The exclusive upper bound, `lo` + the range's days.
        public var hi: Int64
    }

    /// A W4 key: the document to update and the index `v` of its first value.
    public struct Update: Sendable, Hashable {
        /// The document's index in the dataset.
        public var index: Int
        /// The document's `_id`.
        public var id: ObjectID
        /// Run `r` (0-based) writes `values[(v + r) % values.count]`.
        public var valueIndex: Int
    }

    /// W2's seed, key count and so on, as workloads.json defines them.
    public static let w2Seed: UInt64 = 2
    /// The number of W2 lookups.
    public static let w2Count = 100_000
    /// W3's seed.
    public static let w3Seed: UInt64 = 3
    /// The number of W3 ranges.
    public static let w3Count = 10_000
    /// The length of a W3 range in days.
    public static let w3RangeDays = 30
    /// The page size of W3's queries.
    public static let w3Limit = 20
    /// W4's seed (one stream for W4a, then W4b).
    public static let w4Seed: UInt64 = 4
    /// The number of updates of W4a and of W4b.
    public static let w4Count = 100_000
    /// The values W4a writes into `status`.
    public static let w4aValues = ["active", "inactive", "banned"]
    /// The values W4b writes into `teams.0.role`.
    public static let w4bValues = ["admin", "member", "viewer"]
    /// The first second of W3's `lo` range (2020-01-01T00:00:00Z).
    public static let w3LoStart: Int64 = 1_577_836_800
    /// The end (exclusive) of W3's `lo` range (2025-12-01T00:00:00Z), in seconds.
    public static let w3LoEnd: Int64 = 1_764_547_200

    /// The number of documents of the dataset the keys refer to.
    public let documentCount: Int
    /// The dataset's seed.
    public let datasetSeed: UInt64
    /// W2's point lookups.
    public var w2: [Lookup]
    /// W3's ranges.
    public var w3: [Range]
    /// W4a's updates of `status`.
    public var w4a: [Update]
    /// W4b's updates of `teams.0.role` (empty only if no document of the dataset has a team).
    public var w4b: [Update]

    /// Draws the keys for the first `documentCount` documents of `generator`'s dataset.
    /// - Precondition: `documentCount > 0`.
    public init(documentCount: Int, generator: UserGenerator = UserGenerator()) {
        precondition(documentCount > 0, "keys need at least one document")
        self.documentCount = documentCount
        datasetSeed = generator.seed

        var rng = SplitMix64(seed: WorkloadKeys.w2Seed)
        w2 = (0..<WorkloadKeys.w2Count).map { _ in
            let index = rng.uniform(below: documentCount)
            return Lookup(index: index, email: generator.user(at: index).email)
        }

        rng = SplitMix64(seed: WorkloadKeys.w3Seed)
        let days = Int64(WorkloadKeys.w3RangeDays) * 86_400_000
        w3 = (0..<WorkloadKeys.w3Count).map { _ in
            let seconds =
                WorkloadKeys.w3LoStart
                + Int64(rng.uniform(below: Int(WorkloadKeys.w3LoEnd - WorkloadKeys.w3LoStart)))
            return Range(lo: seconds * 1000, hi: seconds * 1000 + days)
        }

        rng = SplitMix64(seed: WorkloadKeys.w4Seed)
        let valueCount = WorkloadKeys.w4aValues.count
        w4a = (0..<WorkloadKeys.w4Count).map { _ in
            let index = rng.uniform(below: documentCount)
            return Update(index: index, id: generator.objectID(at: index), valueIndex: rng.uniform(below: valueCount))
        }
        // Small datasets may have no document with a team; rejection sampling needs at least one.
        let hasTeams =
            documentCount > 4096 || (0..<documentCount).contains { !generator.user(at: $0).teams.isEmpty }
        w4b =
            hasTeams
            ? (0..<WorkloadKeys.w4Count).map { _ in
                var index: Int
                repeat { index = rng.uniform(below: documentCount) } while generator.user(at: index).teams.isEmpty
                return Update(
                    index: index,
                    id: generator.objectID(at: index),
                    valueIndex: rng.uniform(below: valueCount)
                )
            } : []
    }

    /// The keys as JSON text, one key per line (the format of `keys_N.json`).
    ///
    /// ```
    /// {"version": 1, "dataset": {"seed": 20240601, "count": N},
    ///  "W2": {"seed": 2, "keys": [{"i": 17, "email": "..."}, ...]},
    ///  "W3": {"seed": 3, "range_days": 30, "limit": 20,
    ///         "ranges": [{"lo": "2021-03-04T05:06:07Z", "hi": "...", "lo_ms": ..., "hi_ms": ...}, ...]},
    ///  "W4a": {"seed": 4, "field": "status", "values": [...], "keys": [{"i": 5, "_id": "<hex>", "v": 2}, ...]},
    ///  "W4b": {"seed": 4, "field": "teams.0.role", "values": [...], "keys": [...]}}
    /// ```
    /// Dates are UTC; `lo` is inclusive and `hi` exclusive.
    public var jsonText: String {
        var out = "{\n\"version\": 1,\n\"dataset\": {\"seed\": \(datasetSeed), \"count\": \(documentCount)},\n"
        out += "\"W2\": {\"seed\": \(WorkloadKeys.w2Seed), \"count\": \(w2.count), \"keys\": ["
        appendLines(w2, to: &out) { "{\"i\": \($0.index), \"email\": \(jsonString($0.email))}" }
        out += "]},\n\"W3\": {\"seed\": \(WorkloadKeys.w3Seed), \"count\": \(w3.count), "
        out += "\"range_days\": \(WorkloadKeys.w3RangeDays), \"limit\": \(WorkloadKeys.w3Limit), \"ranges\": ["
        appendLines(w3, to: &out) {
            "{\"lo\": \"\(isoDate(milliseconds: $0.lo))\", \"hi\": \"\(isoDate(milliseconds: $0.hi))\", "
                + "\"lo_ms\": \($0.lo), \"hi_ms\": \($0.hi)}"
        }
        out += "]},\n"
        for (name, field, values, keys) in [
            ("W4a", "status", WorkloadKeys.w4aValues, w4a), ("W4b", "teams.0.role", WorkloadKeys.w4bValues, w4b),
        ] {
            let valueList = values.map(jsonString).joined(separator: ", ")
            out += "\"\(name)\": {\"seed\": \(WorkloadKeys.w4Seed), \"count\": \(keys.count), "
            out += "\"field\": \"\(field)\", \"values\": [\(valueList)], \"keys\": ["
            appendLines(keys, to: &out) { "{\"i\": \($0.index), \"_id\": \"\($0.id.hex)\", \"v\": \($0.valueIndex)}" }
            out += name == "W4a" ? "]},\n" : "]}\n"
        }
        out += "}\n"
        return out
    }
}

private func appendLines<T>(_ items: [T], to out: inout String, _ line: (T) -> String) {
    for (i, item) in items.enumerated() {
        out += i == 0 ? "\n" : ",\n"
        out += line(item)
    }
    if !items.isEmpty { out += "\n" }
}

/// A JSON string literal (quotes, backslashes and control characters escaped).
func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// `YYYY-MM-DDTHH:MM:SSZ` (or with `.mmm` when the milliseconds are not zero) for a UTC instant.
///
/// Uses Howard Hinnant's days-to-civil algorithm, valid for the whole proleptic Gregorian calendar.
func isoDate(milliseconds: Int64) -> String {
    let (secondsTotal, millis) = milliseconds.quotientAndRemainder(dividingBy: 1000)
    let adjusted = millis < 0 ? (secondsTotal - 1, millis + 1000) : (secondsTotal, millis)
    let (days0, secondOfDay0) = adjusted.0.quotientAndRemainder(dividingBy: 86_400)
    let (days, secondOfDay) = secondOfDay0 < 0 ? (days0 - 1, secondOfDay0 + 86_400) : (days0, secondOfDay0)
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
    var out = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
    out += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
    if adjusted.1 != 0 { out += ".\(pad(adjusted.1, 3))" }
    return out + "Z"
}
