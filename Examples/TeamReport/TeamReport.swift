// The seed's analytics on Docket's aggregation pipeline (../../README.md, "Aggregation"): the team report over
// users with embedded teams, the N+1 loop of the normalized model next to its `$in` and `$lookup` rewrites (each
// timed), and a dashboard in one `$facet`. The users are the benchmarks' seeded generator's, so the answers are the
// same on every run; only the timings change. Run with `swift run -c release TeamReport [users]` (20 000 by default).
import Docket
import DocketWorkloads

@main
struct TeamReport {
    static func main() throws {
        let count = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 20_000
        let db = DocketClient().database("report")
        let users = db.collection("users")
        let generator = UserGenerator()
        try users.insertMany(generator.documents(count: count))
        print("\(count) users with embedded teams (the benchmarks' seeded generator)\n")

        try teamReport(users)
        try normalizedJoin(db, generator: generator, count: count)
        try dashboard(users)
    }

    /// 2025-12-01T00:00:00Z: the users created in the dataset's last month.
    static let recent: BSONValue = .datetime(1_764_547_200_000)

    static func show(_ document: BSONDocument) -> String { document.extendedJSONString(mode: .relaxed) }

    // MARK: - The team report: members per team and role, top 5

    static func teamReport(_ users: DocketCollection) throws {
        print("== Team report: the 5 largest (team, role) groups among users created since 2024 ==")
        let pipeline: [BSONDocument] = [
            ["$match": ["created_at": ["$gte": .datetime(1_704_067_200_000)]]],
            ["$unwind": "$teams"],
            ["$group": ["_id": ["team": "$teams.name", "role": "$teams.role"], "members": ["$sum": 1]]],
            ["$sort": ["members": -1, "_id.team": 1, "_id.role": 1]],
            ["$limit": 5],
        ]
        let clock = ContinuousClock()
        var report: [BSONDocument] = []
        let elapsed = try clock.measure { report = try users.aggregate(pipeline).toArray() }
        for row in report { print("  \(show(row))") }
        print("  (\(format(elapsed)))\n")
    }

    // MARK: - The normalized model: N+1, $in batches, $lookup

    static func normalizedJoin(_ db: DocketDatabase, generator: UserGenerator, count: Int) throws {
        print("== Normalized model: each recent user's teams, three ways ==")
        let memberships = db.collection("memberships")
        let teams = db.collection("teams")
        var links: [BSONDocument] = []
        var teamNames: [Int32: String] = [:]
        for index in 0..<count {
            let user = generator.user(at: index)
            for team in user.teams {
                links.append([
                    "user_id": .objectID(user.id), "team_id": .int32(team.id), "role": .string(team.role),
                ])
                teamNames[team.id] = team.name
            }
        }
        try memberships.insertMany(links)
        try teams.insertMany(teamNames.keys.sorted().map { ["_id": .int32($0), "name": .string(teamNames[$0]!)] })
        let users = db.collection("users")
        let recentFilter: BSONDocument = ["created_at": ["$gte": recent]]
        let clock = ContinuousClock()

        // 1. N+1: one query for the users, then one per user for its memberships and one per membership for the team.
        var naive: [String] = []
        var naiveQueries = 1
        let naiveTime = try clock.measure {
            let recentUsers = try users.find(recentFilter, options: FindOptions(projection: ["email": 1])).toArray()
            for user in recentUsers {
                let ownLinks = try memberships.find(["user_id": user["_id"]!]).toArray()
                naiveQueries += 1
                for link in ownLinks {
                    let team = try teams.findOne(["_id": link["team_id"]!])
                    naiveQueries += 1
                    naive.append(row(user["email"], team?["name"], link["role"]))
                }
            }
        }

        // 2. `$in` batches: three queries, whatever the number of users.
        var batched: [String] = []
        let batchedTime = try clock.measure {
            let recentUsers = try users.find(recentFilter, options: FindOptions(projection: ["email": 1])).toArray()
            var emails: [BSONValue: BSONValue] = [:]
            for user in recentUsers { emails[user["_id"]!] = user["email"] }
            let ownLinks = try memberships.find(["user_id": ["$in": .array(Array(emails.keys))]]).toArray()
            var teamIDs: Set<Int32> = []
            for link in ownLinks { if case .int32(let id) = link["team_id"] { teamIDs.insert(id) } }
            var names: [Int32: BSONValue] = [:]
            for team in try teams.find(["_id": ["$in": .array(teamIDs.sorted().map { .int32($0) })]]).toArray() {
                if case .int32(let id) = team["_id"] { names[id] = team["name"] }
            }
            for link in ownLinks {
                guard case .int32(let id) = link["team_id"] else { continue }
                batched.append(row(emails[link["user_id"]!] ?? nil, names[id], link["role"]))
            }
        }

        // 3. One `$lookup` pipeline: the join runs inside the engine.
        var joined: [String] = []
        let pipeline: [BSONDocument] = [
            ["$match": .document(recentFilter)],
            ["$lookup": ["from": "memberships", "localField": "_id", "foreignField": "user_id", "as": "memberships"]],
            ["$unwind": "$memberships"],
            ["$lookup": ["from": "teams", "localField": "memberships.team_id", "foreignField": "_id", "as": "team"]],
            ["$unwind": "$team"],
            ["$project": ["_id": 0, "email": 1, "team": "$team.name", "role": "$memberships.role"]],
        ]
        let lookupTime = try clock.measure {
            for document in try users.aggregate(pipeline).toArray() {
                joined.append(row(document["email"], document["team"], document["role"]))
            }
        }

        let same = naive.sorted() == batched.sorted() && batched.sorted() == joined.sorted()
        print("  rows: \(joined.count) (the three answers are \(same ? "identical" : "DIFFERENT"))")
        print("  N+1:          \(naiveQueries) queries, \(format(naiveTime))")
        print("  $in batches:  3 queries, \(format(batchedTime))")
        print("  $lookup:      1 pipeline, \(format(lookupTime)) (\(ratio(naiveTime, lookupTime)) faster than N+1)")
        if let first = joined.sorted().first { print("  first row: \(first)") }
        print("")
    }

    static func row(_ email: BSONValue?, _ team: BSONValue?, _ role: BSONValue?) -> String {
        "\(email?.stringValue ?? "?") | \(team?.stringValue ?? "?") | \(role?.stringValue ?? "?")"
    }

    // MARK: - A dashboard in one query

    static func dashboard(_ users: DocketCollection) throws {
        print("== Dashboard: one $facet, three panels ==")
        let pipeline: [BSONDocument] = [
            [
                "$facet": [
                    "byStatus": [["$sortByCount": "$status"]],
                    "topCountries": [["$sortByCount": "$country"], ["$limit": 3]],
                    "newest": [["$sort": ["created_at": -1]], ["$limit": 3], ["$project": ["_id": 0, "email": 1]]],
                ]
            ]
        ]
        let clock = ContinuousClock()
        var panels: [BSONDocument] = []
        let elapsed = try clock.measure { panels = try users.aggregate(pipeline).toArray() }
        for panel in panels.first ?? [:] {
            print("  \(panel.key): \(panel.value.extendedJSONString(mode: .relaxed))")
        }
        print("  (\(format(elapsed)))")
    }

    static func format(_ duration: Duration) -> String {
        let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return milliseconds < 10 ? "\((milliseconds * 100).rounded() / 100) ms" : "\(Int(milliseconds.rounded())) ms"
    }

    static func ratio(_ slow: Duration, _ fast: Duration) -> String {
        let value = (slow / fast)
        return value >= 10 ? "\(Int(value.rounded()))×" : "\((value * 10).rounded() / 10)×"
    }
}
