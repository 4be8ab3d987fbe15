import DocketBSON

// Every reason a CRUD unified test is skipped, in one place. A skipped test is reported with its reason and
// never counted as passed. The vendored files are not edited; this table is the override list.

/// The server profile Docket emulates, and what the runner skips.
enum CRUDUnifiedSkips {
    /// Docket answers as a MongoDB 8.0.0 standalone: topology "single", not serverless, no authentication.
    static let serverVersion = [8, 0, 0]
    static let topology = "single"

    /// Operations outside this CRUD API, by name.
    static let unsupportedOperations: [String: String] = [
        "clientBulkWrite": "clientBulkWrite: a client-level bulk write across namespaces is not part of the API",
        "modifyCollection": "modifyCollection: collection options and schema validation are not implemented",
        "createIndex": "createIndex: secondary and unique indexes arrive with the index issue",
        "failPoint": "failPoint: server fault injection has no in-process equivalent",
        "createChangeStream": "change streams are not implemented",
        "startTransaction": "sessions and transactions are not implemented",
    ]

    /// Operation (or bulk write model) arguments outside this issue, by name.
    static let unsupportedArguments: [String: String] = [
        "hint": "hint: index hints need named secondary indexes",
        "collation": "collation: locale-aware comparison is not implemented",
        "comment": "comment: the API has no comment option (it is observable only in command events)",
        "session": "sessions are not implemented",
        "rawData": "rawData: a server-internal time-series option",
        "bypassDocumentValidation": "bypassDocumentValidation: schema validation is not implemented",
        "maxTimeMS": "maxTimeMS: operation time limits are not implemented",
        "allowDiskUse": "allowDiskUse: belongs to aggregation",
    ]

    /// Arguments `aggregate` supports although other operations do not.
    static let aggregateArguments: Set<String> = ["comment", "allowDiskUse", "maxTimeMS", "hint"]

    /// Pipeline stages Docket does not run yet, by name (none of those the vendored tests use).
    static let unsupportedStages: [String: String] = [:]

    /// A test whose only assertions are command events.
    static let eventsOnly = "asserts only command-monitoring events, which an in-process engine does not emit"

    /// Entity kinds the runner creates.
    static let supportedEntities: Set<String> = ["client", "database", "collection"]

    /// Tests skipped one by one: `(file, test description, reason)`. Empty: every test the rules above admit runs.
    static let explicit: [(file: String, test: String, reason: String)] = []

    /// Why `test` of `file` (named `fileName`) is skipped, or nil when it runs.
    static func reason(for test: UnifiedTest, in file: UnifiedTestFile, fileName: String) -> String? {
        if let entry = explicit.first(where: { $0.file == fileName && $0.test == test.description }) {
            return entry.reason
        }
        if let skipReason = test.skipReason { return "skipReason: \(skipReason)" }
        if let reason = requirementsReason(file.runOnRequirements) ?? requirementsReason(test.runOnRequirements) {
            return reason
        }
        for entity in file.createEntities ?? [] where !supportedEntities.contains(entity.kind) {
            return "\(entity.kind) entities are not supported"
        }
        for operation in test.operations {
            if let reason = unsupportedOperations[operation.name] { return reason }
            if operation.name == "aggregate" {
                if let reason = pipelineReason(operation.arguments) { return reason }
            } else if let reason = argumentsReason(operation.arguments) {
                return reason
            }
            if operation.name == "bulkWrite", case .array(let requests)? = operation.arguments["requests"] {
                for request in requests {
                    guard let model = request.documentValue?.first?.value.documentValue else { continue }
                    if let reason = argumentsReason(model) { return reason }
                }
            }
        }
        let asserts =
            test.outcome != nil
            || test.operations.contains { $0.expectResult.isPresent || $0.expectError != nil }
        if !asserts && test.expectEvents != nil { return eventsOnly }
        return nil
    }

    private static func pipelineReason(_ arguments: BSONDocument) -> String? {
        for (key, _) in arguments where !aggregateArguments.contains(key) {
            if let reason = unsupportedArguments[key] { return reason }
        }
        guard case .array(let stages)? = arguments["pipeline"] else { return nil }
        for stage in stages {
            if let name = stage.documentValue?.first?.key, let reason = unsupportedStages[name] { return reason }
        }
        return nil
    }

    private static func argumentsReason(_ arguments: BSONDocument) -> String? {
        for (key, _) in arguments {
            if let reason = unsupportedArguments[key] { return reason }
        }
        return nil
    }

    /// Nil when some requirement of `requirements` holds (or there are none), else why none holds.
    static func requirementsReason(_ requirements: [RunOnRequirement]?) -> String? {
        guard let requirements, !requirements.isEmpty else { return nil }
        var reasons: [String] = []
        for requirement in requirements {
            guard let reason = unmetReason(requirement) else { return nil }
            reasons.append(reason)
        }
        return reasons.joined(separator: "; or ")
    }

    private static func unmetReason(_ r: RunOnRequirement) -> String? {
        if let min = r.minServerVersion, compareVersions(serverVersion, parseVersion(min)) < 0 {
            return "requires server ≥ \(min) (Docket emulates 8.0.0)"
        }
        if let max = r.maxServerVersion, compareVersions(serverVersion, parseVersion(max)) > 0 {
            return "requires server ≤ \(max) (Docket emulates 8.0.0)"
        }
        if let topologies = r.topologies, !topologies.contains(topology) {
            return "requires topology \(topologies) (Docket is \"single\")"
        }
        if r.serverless == "require" { return "requires serverless" }
        if r.auth == true || r.authMechanism != nil { return "requires authentication" }
        if r.csfle == true { return "requires client-side field-level encryption" }
        if r.serverParameters != nil { return "requires server parameters" }
        return nil
    }

    /// "4.2.99" → [4, 2, 99]; missing components count as 0.
    static func parseVersion(_ text: String) -> [Int] {
        text.split(separator: ".").map { Int($0) ?? 0 }
    }

    static func compareVersions(_ a: [Int], _ b: [Int]) -> Int {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}
