import DocketBSON

/// A parsed `$merge`.
struct MergeSpec: Sendable {
    /// What happens to a result whose `_id` the target already has.
    enum WhenMatched: String, Sendable {
        case replace, keepExisting, merge, fail
    }

    /// What happens to a result whose `_id` the target does not have.
    enum WhenNotMatched: String, Sendable {
        case insert, discard, fail
    }

    let database: String?
    let collection: String
    let whenMatched: WhenMatched
    let whenNotMatched: WhenNotMatched
}

extension Stage {
    /// `$merge: "collection"` or `{into, on, whenMatched, whenNotMatched}`: each result is merged into the target by
    /// `_id`; only as the last stage.
    /// - Throws: `Location51182` for a value of the wrong type; `FailedToParse` (9) for an unknown field or an unknown
    ///   mode; `Location51183` for `on` fields other than `_id` (they need a unique secondary index, which Docket does
    ///   not have yet); `NotImplemented` (238) for a `whenMatched` pipeline and `let`.
    static func parseMerge(_ value: BSONValue) throws(DocketError) -> Stage {
        func failure(_ message: String) -> DocketError { DocketError(.failedToParse, message, stage: "$merge") }
        var database: String?
        var collection: String?
        var whenMatched = MergeSpec.WhenMatched.merge
        var whenNotMatched = MergeSpec.WhenNotMatched.insert
        switch value {
        case .string(let name):
            collection = name
        case .document(let spec):
            for (key, field) in spec {
                switch (key, field) {
                case ("into", .string(let name)): collection = name
                case ("into", .document(let target)):
                    guard case .string(let name)? = target["coll"] else {
                        throw failure("BSON field '$merge.into.coll' is missing but a required field")
                    }
                    collection = name
                    if case .string(let db)? = target["db"] { database = db }
                case ("on", .string(let path)):
                    guard path == "_id" else { throw Self.onNotSupported() }
                case ("on", .array(let paths)):
                    guard paths == ["_id"] else { throw Self.onNotSupported() }
                case ("whenMatched", .string(let mode)):
                    guard let parsed = MergeSpec.WhenMatched(rawValue: mode) else {
                        throw failure(
                            "Enumeration value '\(mode)' for field '$merge.whenMatched' is not a valid value.")
                    }
                    whenMatched = parsed
                case ("whenMatched", .array):
                    throw DocketError(
                        .notImplemented, "A $merge whenMatched pipeline is not supported yet", stage: "$merge")
                case ("whenNotMatched", .string(let mode)):
                    guard let parsed = MergeSpec.WhenNotMatched(rawValue: mode) else {
                        throw failure(
                            "Enumeration value '\(mode)' for field '$merge.whenNotMatched' is not a valid value.")
                    }
                    whenNotMatched = parsed
                case ("let", _):
                    throw DocketError(.notImplemented, "$merge's let is not supported yet", stage: "$merge")
                default:
                    throw failure("BSON field '$merge.\(key)' is an unknown field or has the wrong type.")
                }
            }
        default:
            throw DocketError(
                .mergeSpecType,
                "$merge only supports a string or object argument, but found \(value.type.alias)", stage: "$merge")
        }
        guard let collection else { throw failure("BSON field '$merge.into' is missing but a required field") }
        return .merge(
            MergeSpec(
                database: database, collection: collection, whenMatched: whenMatched, whenNotMatched: whenNotMatched))
    }

    private static func onNotSupported() -> DocketError {
        DocketError(
            .mergeOnNeedsUniqueIndex,
            "Cannot find index to verify that join fields will be unique (only _id is indexed in Docket)",
            stage: "$merge")
    }
}
