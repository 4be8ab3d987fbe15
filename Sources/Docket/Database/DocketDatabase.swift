/// A database: a namespace of collections inside a ``DocketClient``.
///
/// A cheap, `Sendable` handle: copy it freely between threads.
///
/// ```swift
/// let db = client.database("app")
/// try db.createCollection("events")
/// db.listCollectionNames()   // ["events"]
/// ```
public struct DocketDatabase: Sendable {
    let client: DocketClient
    let cachedEngine: DatabaseEngine

    init(client: DocketClient, engine: DatabaseEngine) {
        self.client = client
        self.cachedEngine = engine
    }

    /// The database's name.
    public var name: String { cachedEngine.name }

    /// The live engine (re-resolved after the database was dropped).
    var engine: DatabaseEngine {
        cachedEngine.isDropped.load(ordering: .acquiring) ? client.engine(forDatabase: name) : cachedEngine
    }

    /// A handle on the collection named `name`, created on its first write.
    /// - Complexity: O(1).
    public func collection(_ name: String) -> DocketCollection {
        DocketCollection(database: self, engine: engine.engine(forCollection: name))
    }

    /// A typed handle on a collection: models go in and out through `BSONEncoder`/`BSONDecoder`.
    ///
    /// ```swift
    /// struct User: Codable { var _id: Int; var name: String }
    /// let users = db.collection("users", as: User.self)
    /// try users.insertOne(User(_id: 1, name: "Ada"))
    /// ```
    public func collection<Model: Codable>(_ name: String, as type: Model.Type) -> TypedCollection<Model> {
        TypedCollection(collection(name))
    }

    /// The names of the database's collections, sorted.
    /// - Complexity: O(number of collections).
    public func listCollectionNames() -> [String] { engine.listCollectionNames() }

    /// Creates an empty collection.
    /// - Throws: `NamespaceExists` (48) if it exists; `InvalidNamespace` (73) for an invalid name.
    @discardableResult
    public func createCollection(_ name: String) throws(DocketError) -> DocketCollection {
        try NamespaceRules.validate(database: self.name, collection: name)
        let collection = self.collection(name)
        guard collection.engine.materialize() else {
            throw DocketError(.namespaceExists, "Collection \(self.name).\(name) already exists.")
        }
        return collection
    }

    /// Drops the database and all its collections.
    public func drop() { client.dropDatabase(name) }
}
