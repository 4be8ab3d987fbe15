import DocketBSON
import Foundation
import Testing

@testable import DocketWorkloads

@Suite struct UserGeneratorTests {
    let generator = UserGenerator()

    @Test func documentsDependOnlyOnSeedAndIndex() throws {
        let batch = generator.documents(count: 50)
        let other = UserGenerator(seed: UserGenerator.canonicalSeed)
        for i in [0, 1, 17, 49] {
            #expect(batch[i].isIdentical(to: other.document(at: i)))
            #expect(batch[i].isIdentical(to: generator.document(at: i)))
        }
        // Later documents do not change earlier ones; a different seed changes them.
        #expect(try generator.document(at: 3).bsonBytes() == other.documents(count: 1000)[3].bsonBytes())
        let reseeded = UserGenerator(seed: 7)
        #expect(!reseeded.document(at: 0).isIdentical(to: generator.document(at: 0)))
    }

    @Test func bsonBytesAreTheDocumentsBackToBack() throws {
        var expected: [UInt8] = []
        for i in 0..<20 { expected += try generator.document(at: i).bsonBytes() }
        #expect(generator.bsonBytes(count: 20) == expected)
    }

    @Test func fieldsFollowTheSchema() throws {
        let countries = Set(UserGenerator.countries)
        #expect(countries.count == 50)
        #expect(UserGenerator.countries.allSatisfy { $0.count == 2 && $0.uppercased() == $0 })
        for i in 0..<2000 {
            let doc = generator.document(at: i)
            #expect(
                doc.keys == ["_id", "email", "name", "age", "country", "created_at", "status", "teams", "settings"])

            guard case .objectID(let id) = doc["_id"] else {
                Issue.record("_id of \(i) is \(String(describing: doc["_id"]))"); continue
            }
            #expect(id.timestamp == UserGenerator.objectIDTimestamp)
            #expect(id.bytes[9...] == [0, UInt8(i >> 8), UInt8(i & 0xFF)])
            #expect(id.bytes[4..<9] == generator.objectID(at: 0).bytes[4..<9])

            let name = try #require(doc["name"]?.stringValue)
            let parts = name.split(separator: " ")
            #expect(parts.count == 2)
            let email = try #require(doc["email"]?.stringValue)
            #expect(
                email == "\(parts[0].lowercased()).\(parts[1].lowercased())\(i)@\(email.split(separator: "@").last!)")
            #expect(UserGenerator.domains.contains(String(email.split(separator: "@").last!)))
            #expect(email == email.lowercased())

            guard case .int32(let age) = doc["age"] else { Issue.record("age of \(i)"); continue }
            #expect((18...80).contains(age))
            #expect(countries.contains(try #require(doc["country"]?.stringValue)))
            guard case .datetime(let created) = doc["created_at"] else { Issue.record("created_at of \(i)"); continue }
            #expect(created >= UserGenerator.createdAtStart && created < UserGenerator.createdAtEnd)
            #expect(["active", "inactive", "banned"].contains(try #require(doc["status"]?.stringValue)))

            let teams = try #require(doc["teams"]?.arrayValue)
            #expect(teams.count <= 5)
            var ids = Set<Int32>()
            for team in teams {
                let t = try #require(team.documentValue)
                #expect(t.keys == ["id", "name", "role"])
                guard case .int32(let teamID) = t["id"] else { Issue.record("team id of \(i)"); continue }
                #expect((1...1000).contains(teamID))
                #expect(ids.insert(teamID).inserted)
                #expect(t["name"]?.stringValue == "Team \(teamID)")
                #expect(["admin", "member", "viewer"].contains(try #require(t["role"]?.stringValue)))
            }

            let settings = try #require(doc["settings"]?.documentValue)
            #expect(settings.keys == ["notifications", "theme"])
            #expect(settings["notifications"]?.boolValue != nil)
            #expect(["dark", "light"].contains(try #require(settings["theme"]?.stringValue)))
        }
    }

    @Test func distributionsMatchTheSchemaOn10kDocuments() throws {
        let n = 10_000
        var status: [String: Int] = [:]
        var roles: [String: Int] = [:]
        var teamCounts = [Int](repeating: 0, count: 6)
        var ages = [Int](repeating: 0, count: 81)
        var notifications = 0
        var dark = 0
        var emails = Set<String>()
        var earliest = Int64.max
        var latest = Int64.min
        for i in 0..<n {
            let user = generator.user(at: i)
            status[user.status, default: 0] += 1
            teamCounts[user.teams.count] += 1
            for team in user.teams { roles[team.role, default: 0] += 1 }
            ages[Int(user.age)] += 1
            notifications += user.notifications ? 1 : 0
            dark += user.theme == "dark" ? 1 : 0
            emails.insert(user.email)
            earliest = min(earliest, user.createdAt)
            latest = max(latest, user.createdAt)
        }
        func share(_ k: Int, of total: Int) -> Double { Double(k) / Double(total) }
        #expect(abs(share(status["active", default: 0], of: n) - 0.80) < 0.02)
        #expect(abs(share(status["inactive", default: 0], of: n) - 0.15) < 0.02)
        #expect(abs(share(status["banned", default: 0], of: n) - 0.05) < 0.01)
        let roleTotal = roles.values.reduce(0, +)
        #expect(abs(share(roles["admin", default: 0], of: roleTotal) - 0.10) < 0.015)
        #expect(abs(share(roles["member", default: 0], of: roleTotal) - 0.60) < 0.02)
        #expect(abs(share(roles["viewer", default: 0], of: roleTotal) - 0.30) < 0.02)
        for count in teamCounts { #expect(abs(share(count, of: n) - 1.0 / 6) < 0.02) }
        #expect(ages[18] > 0 && ages[80] > 0 && ages[..<18].allSatisfy { $0 == 0 })
        #expect(abs(share(notifications, of: n) - 0.5) < 0.03)
        #expect(abs(share(dark, of: n) - 0.5) < 0.03)
        #expect(emails.count == n)
        // Six years of created_at: 10k draws cover nearly all of it.
        #expect(earliest - UserGenerator.createdAtStart < 86_400_000 * 7)
        #expect(UserGenerator.createdAtEnd - latest < 86_400_000 * 7)
    }

    @Test func keysHitTheirDocuments() throws {
        let n = 5000
        let keys = WorkloadKeys(documentCount: n)
        #expect(keys.w2.count == WorkloadKeys.w2Count)
        #expect(keys.w3.count == WorkloadKeys.w3Count)
        #expect(keys.w4a.count == WorkloadKeys.w4Count && keys.w4b.count == WorkloadKeys.w4Count)
        for key in keys.w2.prefix(2000) {
            #expect(generator.document(at: key.index)["email"]?.stringValue == key.email)
        }
        #expect(Set(keys.w2.map(\.index)).count > n / 2)
        for range in keys.w3 {
            #expect(range.lo % 1000 == 0)
            #expect(range.lo >= WorkloadKeys.w3LoStart * 1000 && range.lo < WorkloadKeys.w3LoEnd * 1000)
            #expect(range.hi - range.lo == 30 * 86_400_000)
        }
        for key in keys.w4a.prefix(2000) + keys.w4b.prefix(2000) {
            #expect((0..<n).contains(key.index))
            #expect(key.id == generator.objectID(at: key.index))
            #expect((0..<3).contains(key.valueIndex))
        }
        #expect(keys.w4b.prefix(2000).allSatisfy { !generator.user(at: $0.index).teams.isEmpty })
        #expect(Set(keys.w4a.map(\.valueIndex)).count == 3)
        // Deterministic.
        let again = WorkloadKeys(documentCount: n)
        #expect(again.w2 == keys.w2 && again.w3 == keys.w3 && again.w4a == keys.w4a && again.w4b == keys.w4b)
    }

    @Test func keysOfATinyDatasetWithoutTeamsHaveNoW4b() throws {
        // Find a document without teams and build keys over a dataset made only of it.
        let keys = WorkloadKeys(documentCount: 1)
        #expect(keys.w4b.isEmpty == generator.user(at: 0).teams.isEmpty)
        #expect(keys.w2.allSatisfy { $0.index == 0 })
    }

    @Test func keysFileIsJSON() throws {
        let keys = WorkloadKeys(documentCount: 300)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(keys.jsonText.utf8)) as? [String: Any])
        let w2 = try #require((object["W2"] as? [String: Any])?["keys"] as? [[String: Any]])
        #expect(w2.count == WorkloadKeys.w2Count)
        #expect(w2[0]["email"] as? String == keys.w2[0].email)
        #expect(w2[0]["i"] as? Int == keys.w2[0].index)
        let w3 = try #require((object["W3"] as? [String: Any])?["ranges"] as? [[String: Any]])
        #expect(w3[0]["lo_ms"] as? Int64 == keys.w3[0].lo)
        let lo = try #require(w3[0]["lo"] as? String)
        #expect(ISO8601DateFormatter().date(from: lo)?.timeIntervalSince1970 == Double(keys.w3[0].lo) / 1000)
        let w4b = try #require(object["W4b"] as? [String: Any])
        #expect(w4b["field"] as? String == "teams.0.role")
        let first = try #require((w4b["keys"] as? [[String: Any]])?.first)
        #expect(first["_id"] as? String == keys.w4b[0].id.hex)
        #expect(first["v"] as? Int == keys.w4b[0].valueIndex)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (1_577_836_800_000, "2020-01-01T00:00:00Z"),
        (951_782_400_000, "2000-02-29T00:00:00Z"),
        (1_767_225_599_999, "2025-12-31T23:59:59.999Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
    ])
    func isoDatesAreUTC(milliseconds: Int64, expected: String) {
        #expect(isoDate(milliseconds: milliseconds) == expected)
    }

    @Test func writesTheDatasetFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-users-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let bsonPath = directory.appendingPathComponent("users_25000.bson").path
        var reported: [Int] = []
        try writeUsersBSON(count: 25_000, to: bsonPath) { reported.append($0) }
        #expect(reported == [10_000, 20_000, 25_000])
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: bsonPath)))
        #expect(written == generator.bsonBytes(count: 25_000))
        // The documents decode back to the generator's.
        var offset = 0
        var index = 0
        while offset < written.count {
            let length = Int(written[offset]) | Int(written[offset + 1]) << 8 | Int(written[offset + 2]) << 16
            let doc = try BSONDocument(bsonBytes: Array(written[offset..<offset + length]))
            if index % 997 == 0 { #expect(doc.isIdentical(to: generator.document(at: index))) }
            offset += length
            index += 1
        }
        #expect(index == 25_000)

        let jsonlPath = directory.appendingPathComponent("users_25000.jsonl").path
        reported = []
        try writeUsersJSONL(count: 25_000, to: jsonlPath) { reported.append($0) }
        #expect(reported == [10_000, 20_000, 25_000])
        let lines = try String(contentsOfFile: jsonlPath, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 25_000)
        for i in stride(from: 0, to: 25_000, by: 613) {
            let doc = try BSONDocument(extendedJSON: String(lines[i]))
            #expect(doc.isIdentical(to: generator.document(at: i)), "line \(i): \(lines[i])")
        }
        #expect(lines[0].hasPrefix("{\"_id\":{\"$oid\":\"\(generator.objectID(at: 0).hex)\"},\"email\":"))

        let keysPath = directory.appendingPathComponent("keys_25000.json").path
        try writeWorkloadKeys(documentCount: 25_000, to: keysPath)
        let keysText = try String(contentsOfFile: keysPath, encoding: .utf8)
        #expect(keysText == WorkloadKeys(documentCount: 25_000).jsonText)

        #expect(throws: DatasetFileError.self) {
            try writeUsersBSON(count: 1, to: directory.appendingPathComponent("missing/users.bson").path)
        }
    }
}
