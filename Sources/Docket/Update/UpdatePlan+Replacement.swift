extension UpdatePlan {
    /// Replaces a document's contents with a replacement document, keeping its `_id`.
    ///
    /// When the replacement has no `_id`, the original `_id` stays first; when it has one, it must equal the
    /// original (MongoDB's equality: `1` and `1.0` are equal). Top-level timestamps equal to `Timestamp(0, 0)`
    /// are set to the current time, as MongoDB does.
    ///
    /// ```swift
    /// var doc: BSONDocument = ["_id": 1, "a": 1]
    /// try UpdatePlan.replace(&doc, with: ["b": 2])   // {_id: 1, b: 2}
    /// ```
    /// - Returns: whether the document changed.
    /// - Throws: `DollarPrefixedFieldName` (52) for a `$`-prefixed top-level field; `ImmutableField` (66) when
    ///   the replacement changes `_id`. The document is then unchanged.
    @discardableResult
    static func replace(_ document: inout BSONDocument, with replacement: BSONDocument) throws(DocketError) -> Bool {
        for (key, _) in replacement where key.hasPrefix("$") {
            throw dollarPrefixedError(key, path: key)
        }
        let originalID = document["_id"]
        var result: BSONDocument
        if let newID = replacement["_id"] {
            if let originalID, newID != originalID {
                throw DocketError(
                    .immutableField,
                    "After applying the update, the (immutable) field '_id' was found to have been altered to "
                        + BSONPrinter.updateMessage.element("_id", newID),
                    fieldPath: "_id"
                )
            }
            result = replacement
        } else {
            result = BSONDocument(minimumCapacity: replacement.count + 1)
            if let originalID { result.append("_id", originalID) }
            for (key, value) in replacement { result.append(key, value) }
        }
        var clock = UpdateClock()
        for i in result.indices {
            if case .timestamp(let t) = result[i].value, t.rawValue == 0, !bsonUTF8Equal(result[i].key, "_id") {
                result[i].value = .timestamp(clock.nextTimestamp())
            }
        }
        if result.isIdentical(to: document) { return false }
        document = result
        return true
    }
}
