/// The workloads `docket-bench` knows: the canonical W1–W7 of shared/bench/workloads.json, W8 (the `$lookup` join of
/// the normalized users, memberships and teams, Benchmarks/workloads.json), plus the clearly labelled stand-in rows
/// Docket runs until the capability a canonical workload needs exists.
enum Workload: String, CaseIterable, Sendable {
    case w1 = "W1"
    case w1NoIndexes = "W1-noidx"
    case w2 = "W2"
    case w2Scan = "W2-scan"
    case w3 = "W3"
    case w3Scan = "W3-scan"
    case w4a = "W4a"
    case w4b = "W4b"
    case w5 = "W5"
    case w8 = "W8"
    case w6Validate = "W6-validate"
    case w6Decode = "W6-decode"
    case w6Encode = "W6-encode"
    case w7 = "W7"

    /// The row label of the report.
    var label: String {
        switch self {
        case .w1: "W1 bulk insert (email unique + created_at indexes)"
        case .w1NoIndexes: "W1 (no secondary indexes yet): bulk insert, _id index only"
        case .w2: "W2 point lookups by email (indexed)"
        case .w2Scan: "W2 (scan, until indexes exist): lookups by email"
        case .w3: "W3 paginated range query (indexed)"
        case .w3Scan: "W3 (scan + top-k sort, until indexes exist)"
        case .w4a: "W4a $set status by _id"
        case .w4b: "W4b $set teams.0.role by _id"
        case .w5: "W5 seed aggregation"
        case .w8: "W8 join users ⋈ memberships ⋈ teams ($lookup, normalized form)"
        case .w6Validate: "W6 validate"
        case .w6Decode: "W6 decode + visit"
        case .w6Encode: "W6 re-encode"
        case .w7: "W7 cold open"
        }
    }

    /// What an operation is, for throughput (`docs/s`, `lookups/s`, ...).
    var unit: String {
        switch self {
        case .w1, .w1NoIndexes, .w6Validate, .w6Decode, .w6Encode: "docs"
        case .w2, .w2Scan: "lookups"
        case .w3, .w3Scan: "queries"
        case .w4a, .w4b: "updates"
        case .w5, .w8: "pipelines"
        case .w7: "opens"
        }
    }

    /// The capability Docket lacks for this workload, or `nil` when Docket runs it.
    var missingCapability: String? {
        switch self {
        case .w1: "secondary indexes (email unique, created_at)"
        case .w2: "secondary index on email"
        case .w3: "secondary index on created_at (index-backed range + sort)"
        case .w7: "persistence (append-only log, recovery)"
        default: nil
        }
    }

    /// Whether the workload needs the collection loaded.
    var needsCollection: Bool {
        switch self {
        case .w1NoIndexes, .w2Scan, .w3Scan, .w4a, .w4b, .w5, .w8: true
        default: false
        }
    }
}

/// One run's result of one workload.
enum Measurement: Sendable {
    /// Measured and verified: `operations` took `seconds`; `details` are extra checked figures (checksums, bytes).
    case measured(operations: Int, seconds: Double, details: [String: String])
    /// Docket cannot run it yet.
    case unavailable(missing: String)
}
