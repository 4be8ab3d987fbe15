import DocketBSON

extension Stage {
    /// `$documents: [{…}, …]`: the documents replace the input; only as the first stage.
    /// - Throws: `Location5858203` "error during $documents stage: …" when the value is not an array of documents.
    static func parseDocuments(_ value: BSONValue) throws(DocketError) -> Stage {
        guard case .array(let elements) = value else {
            throw DocketError(
                .documentsNotArray, "error during $documents stage: $documents requires an array of objects",
                stage: "$documents")
        }
        var documents: [BSONDocument] = []
        documents.reserveCapacity(elements.count)
        for element in elements {
            guard case .document(let document) = element else {
                throw DocketError(
                    .documentsNotArray, "error during $documents stage: $documents requires an array of objects",
                    stage: "$documents")
            }
            documents.append(document)
        }
        return .documents(documents)
    }
}
