// A tour of DocketBSON used on its own: build a document, encode it, read one field lazily, print Extended
// JSON, and map it to a Codable model. Run with `swift run BSONBasics`.
import DocketBSON
import Foundation

struct Team: Codable {
    var id: Int32
    var name: String
    var role: String
}

struct User: Codable {
    var _id: ObjectID
    var email: String
    var name: String
    var created_at: Date
    var teams: [Team]
}

@main
struct BSONBasics {
    static func main() throws {
        // 1. Literal syntax builds documents; field order is kept.
        let user: BSONDocument = [
            "_id": .objectID(ObjectID()),
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "created_at": .datetime(1_700_000_000_000),
            "teams": [["id": 1, "name": "Backend", "role": "admin"], ["id": 2, "name": "DevOps", "role": "member"]],
        ]

        // 2. BSONBinary BSON: encode, then decode with full validation.
        let bytes = try user.bsonBytes()
        let decoded = try BSONDocument(bsonBytes: bytes)
        print("encoded \(bytes.count) bytes; round trip identical: \(decoded.isIdentical(to: user))")

        // 3. Read one field from the encoded bytes without decoding the rest.
        let raw = try RawDocument(validating: bytes)
        print("teams.1.role =", raw.value(at: try FieldPath("teams.1.role")) ?? "missing")

        // 4. Extended JSON, relaxed and canonical.
        print(user.extendedJSONString(mode: .relaxed))
        print(user.extendedJSONString(mode: .canonical))

        // 5. Codable models.
        let model = try BSONDecoder().decode(User.self, from: decoded)
        print("\(model.name) is \(model.teams.first?.role ?? "nobody") of \(model.teams.first?.name ?? "nothing")")
        let back = try BSONEncoder().encode(model)
        print("model re-encoded equal to the original: \(back == user)")

        // 6. Bad input is an error with a byte offset, never a crash.
        var damaged = bytes
        damaged[4] = 0x42
        do {
            _ = try BSONDocument(bsonBytes: damaged)
        } catch {
            print("damaged input rejected: \(error)")
        }
    }
}
