import DocketBSON

/// The canonical "users" dataset of Docket's benchmarks (`dataset.schema` of `shared/bench/workloads.json`).
///
/// BSONDocument `i` depends only on the seed and `i`: it is drawn from its own SplitMix64 stream seeded with
/// `SplitMix64.mix(seed &+ SplitMix64.mix(UInt64(i)))`, so generating 10 or 1 000 000 documents yields the same
/// first 10. Fields come in the schema's order:
///
/// ```
/// _id         ObjectId: 4-byte timestamp 2024-06-01T00:00:00Z (+ index >> 24), 5 bytes derived from the seed,
///             3-byte counter = index (mod 2^24)
/// email       "<first>.<last><index>@<domain>", lowercase, unique
/// name        "<First> <Last>"
/// age         int32, uniform in 18...80
/// country     string, uniform among 50 ISO-3166 alpha-2 codes
/// created_at  datetime (ms), uniform in [2020-01-01, 2026-01-01) UTC
/// status      "active" 80 %, "inactive" 15 %, "banned" 5 %
/// teams       array of 0...5 (uniform) documents {id: int32 1...1000 (distinct), name: "Team <id>",
///             role: "admin" 10 % | "member" 60 % | "viewer" 30 %}
/// settings    {notifications: bool (fair), theme: "dark" | "light" (fair)}
/// ```
///
/// Values are drawn in that order from the document's stream: first name, last name, domain, age, country,
/// created_at, status, team count, then for each team its id (redrawn while it repeats) and role, then
/// notifications and theme.
///
/// ```swift
/// let users = UserGenerator()
/// let first = users.document(at: 0)   // always the same document
/// ```
public struct UserGenerator: Sendable {
    /// The dataset's seed (`dataset.seed` in workloads.json).
    public static let canonicalSeed: UInt64 = 20_240_601

    /// The seed this generator draws from.
    public let seed: UInt64
    /// The 5 "random" bytes of every `_id` (the low 40 bits): the first output of `SplitMix64(seed: seed)`.
    public let objectIDRandom: UInt64

    /// Creates a generator for the dataset with the given seed.
    public init(seed: UInt64 = UserGenerator.canonicalSeed) {
        self.seed = seed
        var rng = SplitMix64(seed: seed)
        objectIDRandom = rng.next() & 0xFF_FFFF_FFFF
    }

    /// The first instant of `created_at` (2020-01-01T00:00:00Z) in milliseconds since the epoch.
    public static let createdAtStart: Int64 = 1_577_836_800_000
    /// The end (exclusive) of `created_at` (2026-01-01T00:00:00Z) in milliseconds since the epoch.
    public static let createdAtEnd: Int64 = 1_767_225_600_000
    /// The `_id` timestamp of the first 2^24 documents: 2024-06-01T00:00:00Z in seconds.
    public static let objectIDTimestamp: UInt32 = 1_717_200_000

    /// The `_id` of document `index`.
    /// - Precondition: `index >= 0`.
    public func objectID(at index: Int) -> ObjectID {
        precondition(index >= 0, "document indexes are non-negative")
        return ObjectID(
            timestamp: UserGenerator.objectIDTimestamp &+ UInt32(truncatingIfNeeded: index >> 24),
            random: objectIDRandom,
            counter: UInt32(truncatingIfNeeded: index & 0xFF_FFFF)
        )
    }

    /// The plain values of document `index`, before they become a ``BSONDocument``.
    /// - Precondition: `index >= 0`.
    public func user(at index: Int) -> User {
        precondition(index >= 0, "document indexes are non-negative")
        var rng = SplitMix64(seed: SplitMix64.mix(seed &+ SplitMix64.mix(UInt64(index))))
        let first = UserGenerator.firstNames[rng.uniform(below: UserGenerator.firstNames.count)]
        let last = UserGenerator.lastNames[rng.uniform(below: UserGenerator.lastNames.count)]
        let domain = UserGenerator.domains[rng.uniform(below: UserGenerator.domains.count)]
        let age = Int32(rng.uniform(in: 18...80))
        let country = UserGenerator.countries[rng.uniform(below: UserGenerator.countries.count)]
        let span = Int(UserGenerator.createdAtEnd - UserGenerator.createdAtStart)
        let createdAt = UserGenerator.createdAtStart + Int64(rng.uniform(below: span))
        let statusDraw = rng.uniform(below: 100)
        let status = statusDraw < 80 ? "active" : statusDraw < 95 ? "inactive" : "banned"
        let teamCount = rng.uniform(in: 0...5)
        var teams: [User.Team] = []
        teams.reserveCapacity(teamCount)
        for _ in 0..<teamCount {
            var id: Int32
            repeat { id = Int32(rng.uniform(in: 1...1000)) } while teams.contains { $0.id == id }
            let roleDraw = rng.uniform(below: 100)
            teams.append(User.Team(id: id, role: roleDraw < 10 ? "admin" : roleDraw < 70 ? "member" : "viewer"))
        }
        let notifications = rng.nextBool()
        let theme = rng.nextBool() ? "dark" : "light"
        return User(
            index: index,
            id: objectID(at: index),
            email: "\(first.lowercased()).\(last.lowercased())\(index)@\(domain)",
            name: "\(first) \(last)",
            age: age,
            country: country,
            createdAt: createdAt,
            status: status,
            teams: teams,
            notifications: notifications,
            theme: theme
        )
    }

    /// BSONDocument `index` of the dataset, its fields in the schema's order.
    /// - Precondition: `index >= 0`.
    public func document(at index: Int) -> BSONDocument {
        user(at: index).document
    }

    /// The documents `0..<count`.
    public func documents(count: Int) -> [BSONDocument] {
        (0..<count).map(document(at:))
    }
}

/// The values of one generated user; ``document`` turns them into BSON.
public struct User: Sendable, Hashable {
    /// One membership in `teams`.
    public struct Team: Sendable, Hashable {
        /// The team's id, 1...1000.
        public var id: Int32
        /// `"admin"`, `"member"` or `"viewer"`.
        public var role: String
        /// `"Team <id>"`.
        public var name: String { "Team \(id)" }
    }

    /// The position of the document in the dataset.
    public var index: Int
    /// `_id`.
    public var id: ObjectID
    /// `email`.
    public var email: String
    /// `name`.
    public var name: String
    /// `age`.
    public var age: Int32
    /// `country`.
    public var country: String
    /// `created_at`, in milliseconds since the epoch.
    public var createdAt: Int64
    /// `status`.
    public var status: String
    /// `teams`.
    public var teams: [Team]
    /// `settings.notifications`.
    public var notifications: Bool
    /// `settings.theme`.
    public var theme: String

    /// The BSON document, fields in the schema's order.
    public var document: BSONDocument {
        var doc = BSONDocument(minimumCapacity: 9)
        doc.append("_id", .objectID(id))
        doc.append("email", .string(email))
        doc.append("name", .string(name))
        doc.append("age", .int32(age))
        doc.append("country", .string(country))
        doc.append("created_at", .datetime(createdAt))
        doc.append("status", .string(status))
        doc.append(
            "teams",
            .array(
                teams.map { team in
                    .document(["id": .int32(team.id), "name": .string(team.name), "role": .string(team.role)])
                })
        )
        doc.append("settings", ["notifications": .bool(notifications), "theme": .string(theme)])
        return doc
    }
}

extension UserGenerator {
    /// Capitalised first names (`name`); lowercased in `email`.
    public static let firstNames: [String] = [
        "Ada", "Alan", "Alice", "Amir", "Ana", "Ben", "Carla", "Chen", "Dana", "David",
        "Elena", "Emma", "Farah", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jack",
        "Julia", "Kai", "Kenji", "Lara", "Leo", "Lina", "Luca", "Maya", "Mia", "Nadia",
        "Noah", "Olga", "Omar", "Priya", "Rosa", "Sam", "Sofia", "Tom", "Yara", "Zoe",
    ]

    /// Capitalised last names (`name`); lowercased in `email`.
    public static let lastNames: [String] = [
        "Adams", "Bauer", "Brown", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Hansen", "Ito",
        "Jensen", "Kim", "Kowalski", "Lopez", "Martin", "Meyer", "Moreau", "Nagy", "Novak", "Okafor",
        "Olsen", "Patel", "Perez", "Quinn", "Rossi", "Sato", "Schmidt", "Silva", "Smith", "Suzuki",
        "Tanaka", "Taylor", "Novikov", "Wagner", "Walker", "Wang", "Weber", "Wilson", "Young", "Zhang",
    ]

    /// The e-mail domains.
    public static let domains: [String] = ["example.com", "example.org", "example.net", "mail.test", "docket.dev"]

    /// The 50 ISO-3166 alpha-2 country codes of `country`.
    public static let countries: [String] = [
        "US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT",
        "SE", "NO", "DK", "FI", "IE", "PT", "PL", "CZ", "HU", "RO",
        "GR", "TR", "UA", "IL", "AE", "SA", "EG", "ZA", "NG", "KE",
        "IN", "PK", "CN", "JP", "KR", "TW", "SG", "MY", "TH", "VN",
        "ID", "PH", "AU", "NZ", "CA", "MX", "BR", "AR", "CL", "CO",
    ]
}
