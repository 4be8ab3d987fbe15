import Testing

@testable import Docket

@Suite struct CollectionAPITests {
    @Test func databasesAndCollectionsAppearOnFirstWrite() throws {
        let client = DocketClient()
        let db = client.database("app")
        let users = db.collection("users")
        #expect(client.listDatabaseNames().isEmpty)
        #expect(db.listCollectionNames().isEmpty)
        try users.insertOne(["_id": 1])
        try db.collection("teams").insertOne(["_id": 1])
        try client.database("other").createCollection("x")
        #expect(client.listDatabaseNames() == ["app", "other"])
        #expect(db.listCollectionNames() == ["teams", "users"])
        #expect(users.namespace == "app.users")
    }

    @Test func createCollectionRefusesAnExistingOne() throws {
        let db = DocketClient().database("app")
        try db.createCollection("a")
        do {
            try db.createCollection("a")
            Issue.record("expected NamespaceExists")
        } catch {
            #expect(error.code.code == 48)
        }
        try db.collection("b").insertOne([:])
        #expect(throws: DocketError.self) { try db.createCollection("b") }
        #expect(throws: DocketError.self) { try db.createCollection("") }
        #expect(throws: DocketError.self) { try db.createCollection("a$b") }
    }

    @Test func dropEmptiesTheCollectionAndOldHandlesRecreateIt() throws {
        let db = DocketClient().database("app")
        let c = db.collection("c")
        try c.insertMany([["_id": 1], ["_id": 2]])
        let cursor = try c.find()
        c.drop()
        #expect(db.listCollectionNames().isEmpty)
        #expect(try c.countDocuments() == 0)
        #expect(try cursor.toArray().count == 2)
        try c.insertOne(["_id": 1])
        #expect(try db.collection("c").countDocuments() == 1)
        #expect(db.listCollectionNames() == ["c"])
    }

    @Test func dropDatabaseRemovesEverything() throws {
        let client = DocketClient()
        let db = client.database("app")
        let c = db.collection("c")
        try c.insertOne(["_id": 1])
        db.drop()
        #expect(client.listDatabaseNames().isEmpty)
        #expect(try c.countDocuments() == 0)
        try c.insertOne(["_id": 2])
        #expect(client.listDatabaseNames() == ["app"])
        #expect(try client.database("app").collection("c").findOne()?["_id"] == 2)
    }

    struct User: Codable, Equatable {
        var _id: Int
        var email: String
        var status: String
        var teams: [Team]
        struct Team: Codable, Equatable {
            var id: Int
            var role: String
        }
    }

    @Test func typedCollectionRoundTripsModels() throws {
        let users = DocketClient().database("app").collection("users", as: User.self)
        let ada = User(_id: 1, email: "ada@example.com", status: "active", teams: [.init(id: 7, role: "admin")])
        let bob = User(_id: 2, email: "bob@example.com", status: "inactive", teams: [])
        try users.insertMany([ada, bob])
        #expect(try users.find(["status": "active"]) == [ada])
        #expect(try users.findOne(["_id": 2]) == bob)
        try users.updateOne(["_id": 2], ["$set": ["status": "active"]])
        #expect(try users.countDocuments(["status": "active"]) == 2)
        var replaced = bob
        replaced.email = "robert@example.com"
        try users.replaceOne(["_id": 2], replaced)
        let after = try users.findOneAndUpdate(
            ["_id": 2], ["$set": ["status": "banned"]], options: FindOneAndUpdateOptions(returnDocument: .after))
        #expect(after?.email == "robert@example.com")
        #expect(after?.status == "banned")
        #expect(try users.findOneAndDelete(["_id": 1]) == ada)
        do {
            try users.documents.insertOne(["_id": 3, "email": 5])
            _ = try users.find()
            Issue.record("expected a decoding error")
        } catch {
            #expect(error.code == .typeMismatch)
        }
    }
}
