// The seed scenario (../shared/SEED.md) on Docket: users with embedded teams, and the normalized
// users / teams / memberships alternative. Inserts, queries by email and by team, changes a role inside an
// embedded team with the positional operator, paginates by `_id`, and answers "teams of these users" with `$in`
// batches instead of N+1 queries. Run with `swift run SeedScenario`.
import Docket
import DocketBSON

@main
struct SeedScenario {
    /// A fixed `_id` per user, in creation order, so the output is the same on every run.
    static func userID(_ n: UInt32) -> ObjectID {
        ObjectID(timestamp: 1_717_200_000 + n, random: 0x5EED, counter: n)
    }

    /// 2024-06-01T00:00:00Z plus `days`, as a BSON datetime.
    static func date(days: Int64) -> BSONValue { .datetime((1_717_200_000 + days * 86_400) * 1000) }

    static let teamNames: [Int32: String] = [1: "Backend", 2: "DevOps", 3: "Frontend"]

    static func team(_ id: Int32, _ role: String) -> BSONValue {
        ["id": .int32(id), "name": .string(teamNames[id]!), "role": .string(role)]
    }

    static func show(_ document: BSONDocument) -> String { document.extendedJSONString(mode: .relaxed) }

    static func main() throws {
        let db = DocketClient().database("seed")
        try embedded(db)
        try normalized(db)
    }

    // MARK: - Embedded: one document per user, teams inside

    static func embedded(_ db: DocketDatabase) throws {
        print("== Embedded model: users with their teams inside ==")
        let users = db.collection("users")
        let people: [(String, String, [BSONValue])] = [
            ("ada@example.com", "Ada Lovelace", [team(1, "admin"), team(2, "member")]),
            ("grace@example.com", "Grace Hopper", [team(2, "member")]),
            ("alan@example.com", "Alan Turing", [team(1, "member"), team(3, "viewer")]),
            ("edsger@example.com", "Edsger Dijkstra", []),
            ("barbara@example.com", "Barbara Liskov", [team(2, "admin"), team(3, "member")]),
        ]
        let documents: [BSONDocument] = people.enumerated().map { i, person in
            [
                "_id": .objectID(userID(UInt32(i))),
                "email": .string(person.0),
                "name": .string(person.1),
                "created_at": date(days: Int64(i)),
                "teams": .array(person.2),
                "settings": ["notifications": .bool(i % 2 == 0), "theme": i % 2 == 0 ? "dark" : "light"],
            ]
        }
        let inserted = try users.insertMany(documents)
        print("inserted \(inserted.insertedCount) users")

        // Query by email (a full scan today; a unique index on email arrives with the index issue).
        if let grace = try users.findOne(["email": "grace@example.com"]) {
            let created = grace["created_at"].map { $0.extendedJSONString() } ?? "?"
            print("by email: \(grace["name"]?.stringValue ?? "?"), created_at \(created)")
        }

        // Query by team: a dotted path matches any element of the teams array.
        let devOps = try users.find(
            ["teams.id": 2], options: FindOptions(projection: ["_id": 0, "name": 1], sort: ["name": 1])
        ).toArray()
        print("members of team 2 (DevOps): \(devOps.compactMap { $0["name"]?.stringValue })")

        // Promote Grace inside the embedded team: `teams.$` is the element the filter's `teams.id` matched.
        let promoted = try users.updateOne(
            ["email": "grace@example.com", "teams.id": 2], ["$set": ["teams.$.role": "admin"]])
        print("promoted: matched \(promoted.matchedCount), modified \(promoted.modifiedCount)")
        if let grace = try users.findOne(
            ["email": "grace@example.com"], options: FindOptions(projection: ["_id": 0, "teams": 1]))
        {
            print("grace's teams now: \(show(grace))")
        }
        let admins = try users.find(
            ["teams": ["$elemMatch": ["id": 2, "role": "admin"]]],
            options: FindOptions(projection: ["_id": 0, "email": 1], sort: ["email": 1])
        ).toArray()
        print("admins of team 2: \(admins.compactMap { $0["email"]?.stringValue })")

        // Cursor-based pagination: the next page starts after the last `_id` seen, so no page is skipped or
        // repeated when documents are inserted meanwhile (skip-based paging would shift).
        var last: BSONValue? = nil
        var page = 1
        while true {
            let filter: BSONDocument = last.map { ["_id": ["$gt": $0]] } ?? [:]
            let batch = try users.find(
                filter, options: FindOptions(projection: ["email": 1], sort: ["_id": 1], limit: 2)
            ).toArray()
            guard let end = batch.last?["_id"] else { break }
            print("page \(page): \(batch.compactMap { $0["email"]?.stringValue })")
            last = end
            page += 1
        }
    }

    // MARK: - Normalized: users, teams and memberships in three collections

    static func normalized(_ db: DocketDatabase) throws {
        print("\n== Normalized model: users, teams, memberships ==")
        let users = db.collection("n_users")
        let teams = db.collection("n_teams")
        let memberships = db.collection("n_memberships")
        try users.insertMany([
            ["_id": 1, "email": "ada@example.com", "name": "Ada Lovelace", "created_at": date(days: 0)],
            ["_id": 2, "email": "grace@example.com", "name": "Grace Hopper", "created_at": date(days: 1)],
            ["_id": 3, "email": "alan@example.com", "name": "Alan Turing", "created_at": date(days: 2)],
        ])
        try teams.insertMany(
            teamNames.keys.sorted().map {
                ["_id": .int32($0), "name": .string(teamNames[$0]!), "created_at": date(days: 0)]
            })
        // The membership's `_id` is the (user, team) pair: the primary key of the SQL user_teams table.
        let pairs: [(Int32, Int32, String)] = [
            (1, 1, "admin"), (1, 2, "member"), (2, 2, "member"), (3, 1, "member"), (3, 3, "viewer"),
        ]
        try memberships.insertMany(
            pairs.map { user, team, role in
                [
                    "_id": ["user_id": .int32(user), "team_id": .int32(team)], "user_id": .int32(user),
                    "team_id": .int32(team), "role": .string(role),
                ]
            })
        print(
            "inserted \(users.estimatedDocumentCount()) users, \(teams.estimatedDocumentCount()) teams, "
                + "\(memberships.estimatedDocumentCount()) memberships")

        // Teams of one user: two queries (memberships, then the teams in one `$in` batch).
        let adaTeamIDs = try memberships.find(["user_id": 1]).toArray().compactMap { $0["team_id"] }
        let adaTeams = try teams.find(["_id": ["$in": .array(adaTeamIDs)]], options: FindOptions(sort: ["_id": 1]))
            .toArray()
        print("teams of user 1: \(adaTeams.compactMap { $0["name"]?.stringValue })")

        // Teams of a page of users without N+1: one query per collection, whatever the page size.
        let page = try users.find([:], options: FindOptions(sort: ["_id": 1], limit: 10)).toArray()
        let userIDs = page.compactMap { $0["_id"] }
        let links = try memberships.find(["user_id": ["$in": .array(userIDs)]]).toArray()
        var teamIDs: [BSONValue] = []
        for id in links.compactMap({ $0["team_id"] }) where !teamIDs.contains(id) { teamIDs.append(id) }
        let teamsByID = Dictionary(
            try teams.find(["_id": ["$in": .array(teamIDs)]]).toArray().compactMap { team in
                team["_id"].map { ($0, team["name"]?.stringValue ?? "?") }
            }, uniquingKeysWith: { first, _ in first })
        for user in page {
            let names = links.filter { $0["user_id"] == user["_id"] }.compactMap { link in
                link["team_id"].flatMap { teamsByID[$0] }.map { "\($0) (\(link["role"]?.stringValue ?? "?"))" }
            }
            print("  \(user["name"]?.stringValue ?? "?"): \(names.joined(separator: ", "))")
        }
        print(
            "queries used: 3 (users, memberships, teams); looking up row by row (N+1) would take "
                + "\(1 + page.count + links.count)")

        // The same promotion in this model is a single-document update of the membership.
        let promoted = try memberships.updateOne(["_id": ["user_id": 2, "team_id": 2]], ["$set": ["role": "admin"]])
        print("promoted membership (2, 2): modified \(promoted.modifiedCount)")
    }
}
