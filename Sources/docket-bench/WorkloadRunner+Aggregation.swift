import Docket
import DocketBSON
import DocketWorkloads

// W5 (the seed aggregation of workloads.json) and W8 (the `$lookup` join of the normalized form, Docket's own
// workload in Benchmarks/workloads.json), each checked against a brute-force answer from the seeded generator.
extension WorkloadRunner {
    /// W5's `$match` cutoff: 2024-01-01T00:00:00Z.
    static let w5Cutoff: Int64 = 1_704_067_200_000
    /// W8's `$match` cutoff: 2025-12-01T00:00:00Z, the dataset's last month.
    static let w8Cutoff: Int64 = 1_764_547_200_000
    /// The number of users the N+1 variant of W8 is timed on; its time is scaled to all the matching users (each
    /// user costs the same: one query on memberships, one `_id` lookup per membership).
    static let nPlusOneSample = 100

    // MARK: - W5

    func runSeedAggregation(_ users: DocketCollection) throws -> Measurement {
        let pipeline: [BSONDocument] = [
            ["$match": ["created_at": ["$gte": .datetime(Self.w5Cutoff)]]],
            ["$unwind": "$teams"],
            ["$group": ["_id": "$teams.id", "count": ["$sum": 1]]],
            ["$sort": ["count": -1]],
            ["$limit": 10],
        ]
        var result: [BSONDocument] = []
        let seconds = try measure { result = try users.aggregate(pipeline).toArray() }
        // Ties in count make the `_id`s of the top 10 implementation-defined: compare the counts (workloads.json).
        let counts = result.map { $0["count"]?.int64Value ?? -1 }
        var expected: [Int32: Int64] = [:]
        for index in 0..<size {
            let user = verifier.generator.user(at: index)
            guard user.createdAt >= Self.w5Cutoff else { continue }
            for team in user.teams { expected[team.id, default: 0] += 1 }
        }
        let expectedCounts = Array(expected.values.sorted(by: >).prefix(10))
        guard counts == expectedCounts else {
            throw WorkloadVerificationError(
                workload: "W5", message: "counts \(counts) differ from the brute-force counts \(expectedCounts)")
        }
        for row in result {
            guard case .int32(let id) = row["_id"], expected[id] == row["count"]?.int64Value else {
                throw WorkloadVerificationError(workload: "W5", message: "row \(row) disagrees with the brute force")
            }
        }
        return .measured(operations: 1, seconds: seconds, details: ["top_count": String(counts.first ?? 0)])
    }

    // MARK: - W8

    /// The W8 rows' summary: (rows, sum of team ids, rows per role), as the anchors check it.
    struct JoinSummary: Equatable, CustomStringConvertible {
        var rows = 0
        var teamIDSum = 0
        var roles: [String: Int] = [:]

        mutating func add(team: Int, role: String) {
            rows += 1
            teamIDSum += team
            roles[role, default: 0] += 1
        }

        var description: String { "\(rows) rows, team id sum \(teamIDSum), roles \(roles.sorted { $0.key < $1.key })" }
    }

    /// Builds the normalized collections from the users (untimed), then times the `$lookup` pipeline, the same answer
    /// with `$in` batches, and with one query per user (N+1, on a sample, scaled).
    func runJoin(_ users: DocketCollection, in database: DocketDatabase) throws -> Measurement {
        let memberships = database.collection("memberships")
        let teams = database.collection("teams")
        var expected = JoinSummary()
        var links: [BSONDocument] = []
        var teamIDs: Set<Int32> = []
        for index in 0..<size {
            let user = verifier.generator.user(at: index)
            for team in user.teams {
                links.append(["user_id": .objectID(user.id), "team_id": .int32(team.id), "role": .string(team.role)])
                teamIDs.insert(team.id)
                if user.createdAt >= Self.w8Cutoff { expected.add(team: Int(team.id), role: team.role) }
            }
            if links.count >= 10_000 {
                try memberships.insertMany(links)
                links.removeAll(keepingCapacity: true)
            }
        }
        if !links.isEmpty { try memberships.insertMany(links) }
        try teams.insertMany(teamIDs.sorted().map { ["_id": .int32($0), "name": .string("Team \($0)")] })
        defer {
            memberships.drop()
            teams.drop()
        }

        let recent: BSONDocument = ["created_at": ["$gte": .datetime(Self.w8Cutoff)]]
        let pipeline: [BSONDocument] = [
            ["$match": .document(recent)],
            ["$lookup": ["from": "memberships", "localField": "_id", "foreignField": "user_id", "as": "memberships"]],
            ["$unwind": "$memberships"],
            ["$lookup": ["from": "teams", "localField": "memberships.team_id", "foreignField": "_id", "as": "team"]],
            ["$unwind": "$team"],
            ["$project": ["_id": 0, "email": 1, "team": "$team.name", "role": "$memberships.role"]],
        ]
        var rows: [BSONDocument] = []
        let seconds = try measure { rows = try users.aggregate(pipeline).toArray() }
        var got = JoinSummary()
        for row in rows {
            guard let team = row["team"]?.stringValue, let id = Int(team.dropFirst(5)),
                let role = row["role"]?.stringValue, row["email"]?.stringValue != nil
            else { throw WorkloadVerificationError(workload: "W8", message: "malformed row \(row)") }
            got.add(team: id, role: role)
        }
        guard got == expected else {
            throw WorkloadVerificationError(workload: "W8", message: "the join returned \(got), expected \(expected)")
        }

        // The same answer with `$in` batches: three queries.
        var batched = JoinSummary()
        let batchedSeconds = try measure {
            let recentUsers = try users.find(recent, options: FindOptions(projection: ["_id": 1])).toArray()
            let ids = recentUsers.compactMap { $0["_id"] }
            let ownLinks = try memberships.find(["user_id": ["$in": .array(ids)]]).toArray()
            var wanted: Set<Int32> = []
            for link in ownLinks { if case .int32(let id) = link["team_id"] { wanted.insert(id) } }
            var names: [Int32: String] = [:]
            let found = try teams.find(["_id": ["$in": .array(wanted.sorted().map { .int32($0) })]]).toArray()
            for team in found { if case .int32(let id) = team["_id"] { names[id] = team["name"]?.stringValue } }
            for link in ownLinks {
                guard case .int32(let id) = link["team_id"], names[id] != nil, let role = link["role"]?.stringValue
                else { continue }
                batched.add(team: Int(id), role: role)
            }
        }
        guard batched == expected else {
            throw WorkloadVerificationError(workload: "W8", message: "the $in batches gave \(batched)")
        }

        // N+1: one query per user for its memberships, one per membership for its team; timed on a sample.
        let recentUsers = try users.find(recent, options: FindOptions(projection: ["_id": 1])).toArray()
        let sample = recentUsers.prefix(Self.nPlusOneSample)
        var queries = 0
        let sampleSeconds = try measure {
            for user in sample {
                let ownLinks = try memberships.find(["user_id": user["_id"]!]).toArray()
                queries += 1
                for link in ownLinks {
                    guard try teams.findOne(["_id": link["team_id"]!]) != nil else {
                        throw WorkloadVerificationError(workload: "W8", message: "N+1: a membership without its team")
                    }
                    queries += 1
                }
            }
        }
        let scale = sample.isEmpty ? 0 : Double(recentUsers.count) / Double(sample.count)
        let nPlusOneSeconds = sampleSeconds * scale
        return .measured(
            operations: 1, seconds: seconds,
            details: [
                "rows": String(rows.count),
                "in_batches_seconds": String(batchedSeconds),
                "n_plus_1_seconds": String(nPlusOneSeconds),
                "n_plus_1_timed_users": "\(sample.count) of \(recentUsers.count)",
                "n_plus_1_ratio": String(nPlusOneSeconds / seconds),
            ])
    }
}
