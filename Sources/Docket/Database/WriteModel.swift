extension DocketCollection {
    /// One operation of ``DocketCollection/bulkWrite(_:ordered:)``.
    ///
    /// ```swift
    /// try users.bulkWrite([
    ///     .insertOne(["_id": 3, "name": "Cy"]),
    ///     .updateOne(filter: ["_id": 1], update: ["$set": ["role": "admin"]]),
    ///     .updateManyWithPipeline(filter: [:], pipeline: [["$set": ["total": ["$add": ["$price", "$tax"]]]]]),
    ///     .deleteMany(filter: ["status": "banned"]),
    /// ])
    /// ```
    public enum WriteModel: Sendable {
        /// Inserts a document.
        case insertOne(BSONDocument)
        /// Updates the first match.
        case updateOne(filter: BSONDocument, update: BSONDocument, options: UpdateOptions = UpdateOptions())
        /// Updates every match.
        case updateMany(filter: BSONDocument, update: BSONDocument, options: UpdateOptions = UpdateOptions())
        /// Updates the first match with an aggregation pipeline (see
        /// ``DocketCollection/updateOne(_:pipeline:options:)``).
        case updateOneWithPipeline(
            filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions())
        /// Updates every match with an aggregation pipeline (see ``DocketCollection/updateMany(_:pipeline:options:)``).
        case updateManyWithPipeline(
            filter: BSONDocument, pipeline: [BSONDocument], options: UpdateOptions = UpdateOptions())
        /// Replaces the first match.
        case replaceOne(filter: BSONDocument, replacement: BSONDocument, options: ReplaceOptions = ReplaceOptions())
        /// Deletes the first match.
        case deleteOne(filter: BSONDocument)
        /// Deletes every match.
        case deleteMany(filter: BSONDocument)
    }
}
