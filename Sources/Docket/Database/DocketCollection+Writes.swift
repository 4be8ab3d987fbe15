// How the public update and delete methods compile their arguments into the write pipeline's operations
// (`WritePipeline.swift`) and turn outcomes into MongoDB's results and errors.

extension Selection {
    /// Compiles and plans the selection of a write.
    ///
    /// `{_id: <scalar>}`, the commonest write filter, needs no compiled matcher: the planner's `_id` lookup alone
    /// decides which document it selects.
    ///
    /// - Parameter variables: the operation's `let` variables, which the filter's `$expr` reads.
    init(filter: BSONDocument, multi: Bool, sort: BSONDocument?, hint: BSONValue?, variables: LetVariables? = nil)
        throws(DocketError)
    {
        let sortSpec = try sort.flatMap { spec throws(DocketError) in spec.isEmpty ? nil : try SortSpec(spec) }
        let parsedHint = try hint.map { h throws(DocketError) in try QueryHint(parsing: h) }
        if parsedHint == nil, let id = QueryPlanner.pinnedID(filter) {
            self.init(matcher: .matchAll, access: .idPoint(id), multi: multi, sort: sortSpec)
            pinnedID = id
        } else {
            self.init(
                matcher: try Matcher(filter, variables: variables), multi: multi, sort: sortSpec, hint: parsedHint)
        }
    }
}

extension WriteOutcome {
    /// The result of an update.
    var updateResult: UpdateResult {
        UpdateResult(matchedCount: matchedCount, modifiedCount: modifiedCount, upsertedID: upsertedID)
    }

    /// The result of a delete.
    var deleteResult: DeleteResult { DeleteResult(deletedCount: deletedCount) }
}

extension DocketCollection {
    /// Compiles an update that must use operators (updateOne/updateMany/findOneAndUpdate).
    static func operatorPlan(_ update: BSONDocument, arrayFilters: [BSONDocument]) throws(DocketError) -> UpdatePlan {
        try checkOperators(update)
        return try UpdatePlan(update, arrayFilters: arrayFilters)
    }

    /// Evaluates an operation's `let` option (`nil` when there is none: nothing to evaluate).
    static func letVariables(_ spec: BSONDocument?) throws(DocketError) -> LetVariables? {
        try spec.map { spec throws(DocketError) in try LetVariables(parsing: spec) }
    }

    /// Compiles an update pipeline with the operation's `let` variables (and its `$$NOW`).
    ///
    /// - Throws: `FailedToParse` (9) "arrayFilters may not be specified for pipeline-style updates"; the
    ///   pipeline's errors (``UpdatePipeline/init(parsing:variables:)``).
    static func pipelineUpdate(
        _ pipeline: [BSONDocument], arrayFilters: [BSONDocument], variables: LetVariables?
    ) throws(DocketError) -> Modification {
        guard arrayFilters.isEmpty else {
            throw DocketError(.failedToParse, "arrayFilters may not be specified for pipeline-style updates")
        }
        let scope: LetVariables
        if let variables { scope = variables } else { scope = try LetVariables(parsing: nil) }
        return .pipeline(try UpdatePipeline(parsing: pipeline, variables: scope))
    }

    /// The driver-side check that an update document starts with an operator.
    static func checkOperators(_ update: BSONDocument) throws(DocketError) {
        guard let first = update.first, isOperatorKey(first.key) else {
            throw DocketError(.failedToParse, "Update document requires atomic operators")
        }
    }

    /// The driver-side check that a replacement has no top-level operator.
    static func checkReplacement(_ replacement: BSONDocument) throws(DocketError) {
        if let first = replacement.first, isOperatorKey(first.key) {
            throw DocketError(.failedToParse, "Replacement document must not contain atomic operators")
        }
        try ArgumentRules.checkNesting(replacement, "replacement")
    }

    /// Updates the targets of `filter`, or upserts.
    ///
    /// - Parameter returning: for findOneAnd*: which version of the (single) document to return, projected.
    func performUpdate(
        _ filter: BSONDocument,
        _ modification: Modification,
        multi: Bool,
        upsert: Bool,
        sort: BSONDocument?,
        hint: BSONValue?,
        variables: LetVariables? = nil,
        returning: ReturnRequest? = nil
    ) throws(DocketError) -> WriteOutcome {
        let operation: WriteOperation
        if returning == nil, sort == nil, hint == nil, let id = QueryPlanner.pinnedID(filter) {
            operation = .updateByID(id, modification, upsert: upsert)
        } else {
            let selection = try Selection(filter: filter, multi: multi, sort: sort, hint: hint, variables: variables)
            operation = .update(
                UpdateRequest(selection: selection, modification: modification, upsert: upsert, returning: returning))
        }
        let outcome: WriteOutcome
        do {
            outcome = try execute(operation)
        } catch {
            // Errors raised while writing (an upsert's document, its duplicate key) carry a write failure.
            if error.writeFailure != nil { throw error }
            throw DocketError(BulkWriteFailure(writeErrors: [WriteError(index: 0, error)], result: BulkWriteResult()))
        }
        if let failure = outcome.failure {
            var partial = BulkWriteResult()
            partial.matchedCount = outcome.matchedCount
            partial.modifiedCount = outcome.modifiedCount
            throw DocketError(BulkWriteFailure(writeErrors: [WriteError(index: 0, failure)], result: partial))
        }
        return outcome
    }

    /// Deletes the targets of `filter`.
    func performDelete(
        _ filter: BSONDocument, multi: Bool, sort: BSONDocument?, hint: BSONValue?, variables: LetVariables? = nil,
        returning: ReturnRequest? = nil
    ) throws(DocketError) -> WriteOutcome {
        let selection = try Selection(filter: filter, multi: multi, sort: sort, hint: hint, variables: variables)
        return try execute(.delete(selection, returning: returning), creating: false)
    }
}
