import Synchronization

/// The top-level handle of an in-memory Docket deployment: it holds any number of databases, as a mongod does.
///
/// Thread-safe: share one client between threads. Databases and collections come into existence on their first
/// write (or ``DocketDatabase/createCollection(_:)``), as in MongoDB.
///
/// ```swift
/// let client = DocketClient()
/// let users = client.database("app").collection("users")
/// try users.insertOne(["name": "Ada"])
/// client.listDatabaseNames()   // ["app"]
/// ```
public final class DocketClient: Sendable {
    private let databases = LockedValue<[String: DatabaseEngine]>([:])

    /// Creates an empty in-memory client.
    public init() {}

    /// A handle on the database named `name` (created on its first write).
    ///
    /// - Note: Names are checked when the database is first written to (`InvalidNamespace`, code 73).
    /// - Complexity: O(1).
    public func database(_ name: String) -> DocketDatabase {
        DocketDatabase(client: self, engine: engine(forDatabase: name))
    }

    /// The names of the databases holding at least one collection, sorted.
    /// - Complexity: O(number of collections).
    public func listDatabaseNames() -> [String] {
        let engines = databases.withLock { Array($0.values) }
        return engines.filter { !$0.listCollectionNames().isEmpty }.map(\.name).sorted()
    }

    /// Drops a database and all its collections. Dropping a database that does not exist does nothing.
    ///
    /// Open cursors keep reading the documents they had; handles created earlier see empty collections.
    /// - Complexity: O(number of collections of the database).
    public func dropDatabase(_ name: String) {
        let engine = databases.withLock { $0.removeValue(forKey: name) }
        engine?.dropAll()
    }

    /// The live engine of a database, created if needed.
    func engine(forDatabase name: String) -> DatabaseEngine {
        databases.withLock { dbs in
            if let engine = dbs[name] { return engine }
            let engine = DatabaseEngine(name: name)
            dbs[name] = engine
            return engine
        }
    }
}

/// The collections of one database.
final class DatabaseEngine: Sendable {
    let name: String
    private let collections = LockedValue<[String: CollectionEngine]>([:])
    /// Set when the database is dropped: handles holding this engine re-resolve their database.
    let isDropped = Atomic<Bool>(false)

    init(name: String) { self.name = name }

    /// The engine of a collection, created (not yet materialized) if needed.
    func engine(forCollection name: String) -> CollectionEngine {
        collections.withLock { colls in
            if let engine = colls[name] { return engine }
            let engine = CollectionEngine(databaseName: self.name, name: name)
            colls[name] = engine
            return engine
        }
    }

    /// Materialized collection names, sorted.
    func listCollectionNames() -> [String] {
        collections.withLock { colls in colls.values.filter { $0.isMaterialized }.map(\.name) }.sorted()
    }

    /// Removes a collection; returns whether it existed (was materialized).
    @discardableResult
    func drop(collection name: String) -> Bool {
        guard let engine = collections.withLock({ $0.removeValue(forKey: name) }) else { return false }
        engine.markDropped()
        return engine.isMaterialized
    }

    /// Replaces a collection's documents all at once (`$out`): they are inserted into a new engine first, so a
    /// failure (a duplicate `_id`, an invalid document) leaves the collection as it was; then the new engine takes
    /// the name in one step and the old one is marked dropped (open cursors keep their snapshots, handles re-resolve).
    /// - Throws: `InvalidNamespace` (73); the insert's errors (`DuplicateKey` 11000, …).
    func replaceCollection(_ name: String, with documents: [BSONDocument]) throws(DocketError) {
        try NamespaceRules.validate(database: self.name, collection: name)
        let staged = CollectionEngine(databaseName: self.name, name: name)
        staged.materialize()
        if !documents.isEmpty {
            var prepared: [PreparedDocument] = []
            prepared.reserveCapacity(documents.count)
            for document in documents { prepared.append(try PreparedDocument(forInsert: document)) }
            var outcome = WriteOutcome()
            _ = try staged.execute(.insert(prepared, ordered: true), into: &outcome)
            if let failure = outcome.insertErrors.min(by: { $0.key < $1.key })?.value {
                throw DocketError(failure.code, failure.message)
            }
        }
        let replaced = collections.withLock { colls in
            defer { colls[name] = staged }
            return colls[name]
        }
        replaced?.markDropped()
    }

    /// Removes every collection and marks the database dropped.
    func dropAll() {
        isDropped.store(true, ordering: .releasing)
        let engines = collections.withLock { colls in
            defer { colls.removeAll() }
            return Array(colls.values)
        }
        for engine in engines { engine.markDropped() }
    }
}

/// Names MongoDB refuses.
enum NamespaceRules {
    static func validate(database: String, collection: String) throws(DocketError) {
        let badDatabase =
            database.isEmpty || database.utf8.count >= 64
            || database.contains(where: { "/\\. \"$\0".contains($0) })
        if badDatabase {
            throw DocketError(.invalidNamespace, "Invalid database name: '\(database)'")
        }
        if collection.isEmpty || collection.contains("$") || collection.contains("\0") || collection.hasPrefix(".")
            || collection.hasPrefix("system.")
        {
            throw DocketError(.invalidNamespace, "Invalid collection name: \(collection)")
        }
    }
}
