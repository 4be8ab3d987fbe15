import Docket
import DocketWorkloads

/// `docket --sample`: the seed's data in database `test`, from the benchmarks' seeded generator.
///
/// - `users`: 1,000 users with their teams embedded (`{ _id, email, name, age, country, created_at, status,
///   teams: [{ id, name, role }], settings }`).
/// - `teams` and `memberships`: the normalized alternative (`{ _id, name, created_at }` and
///   `{ user_id, team_id, role }`), for joins by `$in` batches instead of N+1 queries.
enum SampleData {
    static let userCount = 1000

    static func load(into database: DocketDatabase) throws {
        let generator = UserGenerator()
        let users = generator.documents(count: userCount)
        try database.collection("users").insertMany(users)
        var teams: [Int32: BSONDocument] = [:]
        var memberships: [BSONDocument] = []
        for user in users {
            guard case .array(let embedded)? = user["teams"], let userID = user["_id"] else { continue }
            for case .document(let team) in embedded {
                guard case .int32(let id)? = team["id"] else { continue }
                if teams[id] == nil {
                    let created = Int64(UserGenerator.createdAtStart) + Int64(id) * 86_400_000
                    teams[id] = ["_id": .int32(id), "name": team["name"] ?? .null, "created_at": .datetime(created)]
                }
                memberships.append(["user_id": userID, "team_id": .int32(id), "role": team["role"] ?? .null])
            }
        }
        try database.collection("teams").insertMany(teams.keys.sorted().map { teams[$0]! })
        try database.collection("memberships").insertMany(memberships)
    }

    static let welcome = """

        Sample data in database 'test': users (\(userCount), teams embedded), teams and memberships (normalized).
        Things to try:
          db.users.findOne()
          db.users.find({ country: 'JP', status: 'active' }, { name: 1, email: 1 }).sort({ name: 1 }).limit(5)
          db.users.countDocuments({ 'teams.role': 'admin' })
          db.users.updateOne({ email: db.users.findOne().email }, { $set: { 'settings.theme': 'light' } })
          db.memberships.find({ team_id: 7 })
          show collections
          help
        """
}
