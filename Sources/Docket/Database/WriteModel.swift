/// One operation of ``DocumentCollection/bulkWrite(_:ordered:)``.
///
/// ```swift
/// try users.bulkWrite([
///     .insertOne(["_id": 3, "name": "Cy"]),
///     .updateOne(filter: ["_id": 1], update: ["$set": ["role": "admin"]]),
///     .deleteMany(filter: ["status": "banned"]),
/// ])
/// ```
public enum WriteModel: Sendable {
    /// Inserts a document.
    case insertOne(Document)
    /// Updates the first match.
    case updateOne(filter: Document, update: Document, options: UpdateOptions = UpdateOptions())
    /// Updates every match.
    case updateMany(filter: Document, update: Document, options: UpdateOptions = UpdateOptions())
    /// Replaces the first match.
    case replaceOne(filter: Document, replacement: Document, options: ReplaceOptions = ReplaceOptions())
    /// Deletes the first match.
    case deleteOne(filter: Document)
    /// Deletes every match.
    case deleteMany(filter: Document)
}
