import DocketBSON

extension Stage {
    /// `$sort: {path: 1 | -1, …}`.
    /// - Throws: `Location15973` "the $sort key specification must be an object"; `Location15976` "$sort stage must
    ///   have at least one sort key"; the sort specification's errors (15974, 15975, …).
    static func parseSort(_ value: BSONValue) throws(DocketError) -> Stage {
        guard case .document(let spec) = value else {
            throw DocketError(.sortStageNotObject, "the $sort key specification must be an object", stage: "$sort")
        }
        guard !spec.isEmpty else {
            throw DocketError(.sortStageNoKeys, "$sort stage must have at least one sort key", stage: "$sort")
        }
        return .sort(try SortSpec(spec), bound: nil)
    }
}

extension SortSpec {
    /// The sort key of a pipeline document, read from its bytes when it is stored.
    func sortKey(for document: PipelineDocument) -> [BSONValue] {
        switch document {
        case .stored(let raw): return sortKey(for: raw)
        case .value(let value): return sortKey(for: value)
        }
    }
}
