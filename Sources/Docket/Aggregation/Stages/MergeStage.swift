import DocketBSON

/// A parsed `$merge`.
struct MergeSpec: Sendable {
    /// What happens to a result whose `_id` the target already has.
    enum WhenMatched: String, Sendable {
        case replace, keepExisting, merge, fail
        /// An update pipeline (`whenMatched: [stages]`), in ``MergeSpec/update``.
        case pipeline
    }

    /// What happens to a result whose `_id` the target does not have.
    enum WhenNotMatched: String, Sendable {
        case insert, discard, fail
    }

    /// A `whenMatched` pipeline: its stages run over the matched target document, with the `let` variables (by
    /// default `new`, the result being merged) evaluated against the result.
    struct Update: Sendable {
        /// The compiled stages (`$addFields`/`$set`, `$project`, `$unset`, `$replaceRoot`/`$replaceWith`).
        let stages: [Stage]
        /// The variables: each one's slot and the expression computing it from the result being merged.
        let variables: [(slot: Int, value: Expression)]
        /// The pipeline and `let` as written (explain shows them).
        let source: [BSONValue]
        let letSource: BSONDocument
    }

    let database: String?
    let collection: String
    let whenMatched: WhenMatched
    let whenNotMatched: WhenNotMatched
    /// The `whenMatched` pipeline, when `whenMatched` is ``WhenMatched/pipeline``.
    var update: Update?

    /// The stage's arguments as explain shows them.
    func explainDocument(database current: String) -> BSONDocument {
        var document: BSONDocument = [
            "into": ["db": .string(database ?? current), "coll": .string(collection)], "on": "_id",
        ]
        if let update {
            document.append("let", .document(update.letSource))
            document.append("whenMatched", .array(Stage.explainArray(update.stages, database: current)))
        } else {
            document.append("whenMatched", .string(whenMatched.rawValue))
        }
        document.append("whenNotMatched", .string(whenNotMatched.rawValue))
        return document
    }
}

extension Stage {
    /// `$merge: "collection"` or `{into, on, let, whenMatched, whenNotMatched}`: each result is merged into the target
    /// by `_id`; only as the last stage. `whenMatched` is a mode or an update pipeline, which sees the result being
    /// merged as `$$new` (or the variables of `let`).
    /// - Throws: `Location51182` for a value of the wrong type; `FailedToParse` (9) for an unknown field or an unknown
    ///   mode; `Location51183` for `on` fields other than `_id` (they need a unique secondary index, which Docket does
    ///   not have yet); `InvalidOptions` (72) for a `whenMatched` pipeline stage that cannot update a document;
    ///   `Location51199` for `let` without a `whenMatched` pipeline; the pipeline's and variables' parse errors.
    static func parseMerge(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        func failure(_ message: String) -> DocketError { DocketError(.failedToParse, message, stage: "$merge") }
        var database: String?
        var collection: String?
        var whenMatched = MergeSpec.WhenMatched.merge
        var whenNotMatched = MergeSpec.WhenNotMatched.insert
        var pipeline: [BSONValue]?
        var letSpec: BSONDocument?
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
                    guard let parsed = MergeSpec.WhenMatched(rawValue: mode), parsed != .pipeline else {
                        throw failure(
                            "Enumeration value '\(mode)' for field '$merge.whenMatched' is not a valid value.")
                    }
                    whenMatched = parsed
                case ("whenMatched", .array(let stages)):
                    whenMatched = .pipeline
                    pipeline = stages
                case ("whenNotMatched", .string(let mode)):
                    guard let parsed = MergeSpec.WhenNotMatched(rawValue: mode) else {
                        throw failure(
                            "Enumeration value '\(mode)' for field '$merge.whenNotMatched' is not a valid value.")
                    }
                    whenNotMatched = parsed
                case ("let", .document(let variables)):
                    letSpec = variables
                default:
                    throw failure("BSON field '$merge.\(key)' is an unknown field or has the wrong type.")
                }
            }
        default:
            throw DocketError(
                .mergeSpecType,
                "$merge only supports a string or object argument, not \(value.type.alias)", stage: "$merge")
        }
        guard let collection else { throw failure("BSON field '$merge.into' is missing but a required field") }
        var spec = MergeSpec(
            database: database, collection: collection, whenMatched: whenMatched, whenNotMatched: whenNotMatched)
        if let pipeline {
            spec.update = try parseMergeUpdate(pipeline, letSpec: letSpec, scope: scope)
        } else if letSpec != nil {
            throw DocketError(
                .location(51199), "Cannot use 'let' variables with 'whenMatched: \(whenMatched.rawValue)' mode",
                stage: "$merge")
        }
        return .merge(spec)
    }

    /// The stages an update pipeline may have (MongoDB's update-pipeline stages).
    private static let updateStages: Set<String> = [
        "$addFields", "$set", "$project", "$unset", "$replaceRoot", "$replaceWith",
    ]

    /// Compiles a `whenMatched` pipeline with its variables: `new` (the result being merged, `$$ROOT`) and `let`'s.
    private static func parseMergeUpdate(_ pipeline: [BSONValue], letSpec: BSONDocument?, scope: ExpressionScope)
        throws(DocketError) -> MergeSpec.Update
    {
        for element in pipeline {
            guard let name = element.documentValue?.first?.key else { continue }
            guard updateStages.contains(name) else {
                throw DocketError(
                    .invalidOptions, "\(name) is not allowed to be used within an update", stage: "$merge")
            }
        }
        var letFields = letSpec ?? ["new": "$$ROOT"]
        if let defined = letFields["new"] {
            guard defined == "$$ROOT" else {
                throw DocketError(
                    .location(51273),
                    "'let' may not define a value for the reserved 'new' variable other than '$$ROOT'",
                    stage: "$merge")
            }
        } else {
            letFields.append("new", "$$ROOT")
        }
        var variables: [(slot: Int, value: Expression)] = []
        for (name, expression) in letFields {
            try ExpressionParser.validateVariableName(name, forWriting: true)
            variables.append((0, try Expression(parsing: expression, scope: scope)))
        }
        let stages = try scope.nested { () throws(DocketError) -> [Stage] in
            for (index, name) in letFields.keys.enumerated() { variables[index].slot = scope.declare(name) }
            return try Pipeline.parseSubPipeline(.array(pipeline), "$merge", scope: scope)
        }
        return MergeSpec.Update(stages: stages, variables: variables, source: pipeline, letSource: letFields)
    }

    private static func onNotSupported() -> DocketError {
        DocketError(
            .mergeOnNeedsUniqueIndex,
            "Cannot find index to verify that join fields will be unique",
            stage: "$merge")
    }
}
