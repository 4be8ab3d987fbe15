import DocketBSON
import Testing

@testable import Docket

/// The seed scenario of `Examples/SeedScenario`, asserted through the library: embedded teams, the positional
/// operator, `_id` pagination, and the normalized model read with `$in` batches.
@Suite struct SeedScenarioTests {
    private static func team(_ id: Int32, _ name: String, _ role: String) -> BSONValue {
        ["id": .int32(id), "name": .string(name), "role": .string(role)]
    }

    private static func userID(_ n: UInt32) -> ObjectID {
        ObjectID(timestamp: 1_717_200_000 + n, random: 0x5EED, counter: n)
    }

    /// The example's five users with embedded teams, `_id`s ascending in insertion order.
    private func embeddedUsers() throws -> DocketCollection {
        let users = DocketClient().database("seed").collection("users")
        let people: [(String, String, [BSONValue])] = [
            ("ada@example.com", "Ada Lovelace", [Self.team(1, "Backend", "admin"), Self.team(2, "DevOps", "member")]),
            ("grace@example.com", "Grace Hopper", [Self.team(2, "DevOps", "member")]),
            (
                "alan@example.com", "Alan Turing",
                [Self.team(1, "Backend", "member"), Self.team(3, "Frontend", "viewer")]
            ),
            ("edsger@example.com", "Edsger Dijkstra", []),
            (
                "barbara@example.com", "Barbara Liskov",
                [Self.team(2, "DevOps", "admin"), Self.team(3, "Frontend", "member")]
            ),
        ]
        try users.insertMany(
            people.enumerated().map { i, person in
                [
                    "_id": .objectID(Self.userID(UInt32(i))), "email": .string(person.0), "name": .string(person.1),
                    "created_at": .datetime(1_717_200_000_000 + Int64(i) * 86_400_000), "teams": .array(person.2),
                    "settings": ["notifications": .bool(i % 2 == 0), "theme": i % 2 == 0 ? "dark" : "light"],
                ]
            })
        return users
    }

    private func emails(_ documents: [BSONDocument]) -> [String] { documents.compactMap { $0["email"]?.stringValue } }

    @Test func findsByEmailAndByEmbeddedTeam() throws {
        let users = try embeddedUsers()
        let grace = try #require(try users.findOne(["email": "grace@example.com"]))
        #expect(grace["name"] == "Grace Hopper")
        #expect(grace["_id"] == .objectID(Self.userID(1)))
        let devOps = try users.find(["teams.id": 2], options: FindOptions(sort: ["email": 1])).toArray()
        #expect(emails(devOps) == ["ada@example.com", "barbara@example.com", "grace@example.com"])
        #expect(try users.countDocuments(["teams.id": 4]) == 0)
        #expect(try users.countDocuments(["teams": ["$size": 0]]) == 1)
    }

    @Test func positionalSetChangesOnlyTheMatchedEmbeddedTeam() throws {
        let users = try embeddedUsers()
        let promoted = try users.updateOne(
            ["email": "grace@example.com", "teams.id": 2], ["$set": ["teams.$.role": "admin"]])
        #expect(promoted == UpdateResult(matchedCount: 1, modifiedCount: 1))
        #expect(try users.findOne(["email": "grace@example.com"])?["teams"] == [Self.team(2, "DevOps", "admin")])
        // Ada is also in team 2 but was not targeted.
        #expect(
            try users.findOne(["email": "ada@example.com"])?["teams"]?.arrayValue?[1]
                == Self.team(2, "DevOps", "member"))
        // The matched element is the one the filter found, not the first: Barbara's second team changes.
        try users.updateOne(["email": "barbara@example.com", "teams.id": 3], ["$set": ["teams.$.role": "admin"]])
        #expect(
            try users.findOne(["email": "barbara@example.com"])?["teams"]
                == [Self.team(2, "DevOps", "admin"), Self.team(3, "Frontend", "admin")])
        let admins = try users.find(
            ["teams": ["$elemMatch": ["id": 2, "role": "admin"]]], options: FindOptions(sort: ["email": 1])
        ).toArray()
        #expect(emails(admins) == ["barbara@example.com", "grace@example.com"])
        // Without an array condition in the filter, the positional operator has nothing to refer to.
        #expect(throws: DocketError.self) {
            try users.updateOne(["email": "grace@example.com"], ["$set": ["teams.$.role": "viewer"]])
        }
    }

    @Test func paginatesByIdWithoutSkipsOrRepeats() throws {
        let users = try embeddedUsers()
        var pages: [[String]] = []
        var last: BSONValue? = nil
        while true {
            let filter: BSONDocument = last.map { ["_id": ["$gt": $0]] } ?? [:]
            let page = try users.find(filter, options: FindOptions(sort: ["_id": 1], limit: 2)).toArray()
            guard let end = page.last?["_id"] else { break }
            pages.append(emails(page))
            last = end
            if pages.count == 1 {
                // A user inserted while paging (with a later _id) shows up once, on a later page.
                try users.insertOne(["_id": .objectID(Self.userID(9)), "email": "new@example.com", "teams": []])
                // A document deleted behind the cursor does not shift later pages.
                try users.deleteOne(["email": "ada@example.com"])
            }
        }
        #expect(
            pages == [
                ["ada@example.com", "grace@example.com"], ["alan@example.com", "edsger@example.com"],
                ["barbara@example.com", "new@example.com"],
            ])
    }

    @Test func normalizedTeamsOfUsersWithInBatches() throws {
        let db = DocketClient().database("seed")
        let users = db.collection("n_users")
        let teams = db.collection("n_teams")
        let memberships = db.collection("n_memberships")
        try users.insertMany([
            ["_id": 1, "email": "ada@example.com", "name": "Ada Lovelace"],
            ["_id": 2, "email": "grace@example.com", "name": "Grace Hopper"],
            ["_id": 3, "email": "alan@example.com", "name": "Alan Turing"],
        ])
        try teams.insertMany([
            ["_id": 1, "name": "Backend"], ["_id": 2, "name": "DevOps"], ["_id": 3, "name": "Frontend"],
        ])
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
        // A membership is unique per (user, team): its _id is the pair.
        #expect(throws: DocketError.self) {
            try memberships.insertOne(["_id": ["user_id": 1, "team_id": 1], "role": "viewer"])
        }

        let adaTeamIDs = try memberships.find(["user_id": 1]).toArray().compactMap { $0["team_id"] }
        let adaTeams = try teams.find(["_id": ["$in": .array(adaTeamIDs)]], options: FindOptions(sort: ["_id": 1]))
        #expect(try adaTeams.toArray().map { $0["name"] } == ["Backend", "DevOps"])

        // One query per collection for the whole page.
        let page = try users.find([:], options: FindOptions(sort: ["_id": 1])).toArray()
        let links = try memberships.find(["user_id": ["$in": .array(page.compactMap { $0["_id"] })]]).toArray()
        #expect(links.count == 5)
        let teamIDs = try memberships.distinct("team_id", filter: ["user_id": ["$in": [1, 2, 3]]])
        #expect(teamIDs == [1, 2, 3])
        let names = Dictionary(
            uniqueKeysWithValues: try teams.find(["_id": ["$in": .array(teamIDs)]]).toArray().map {
                ($0["_id"]!, $0["name"]!)
            })
        let teamsOfUser = page.map { user in
            links.filter { $0["user_id"] == user["_id"] }.map { names[$0["team_id"]!]! }
        }
        #expect(teamsOfUser == [["Backend", "DevOps"], ["DevOps"], ["Backend", "Frontend"]])

        let promoted = try memberships.updateOne(["_id": ["user_id": 2, "team_id": 2]], ["$set": ["role": "admin"]])
        #expect(promoted.modifiedCount == 1)
        #expect(try memberships.findOne(["user_id": 2, "team_id": 2])?["role"] == "admin")
    }
}
