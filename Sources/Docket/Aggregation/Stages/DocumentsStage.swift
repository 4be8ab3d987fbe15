import DocketBSON

extension Stage {
    /// `$documents: expression`: an expression (usually a literal array) that evaluates to an array of documents,
    /// which replace the input; only as the first stage. A constant is checked here.
    /// - Throws: `Location5858203` "error during $documents stage: …" when a constant is not an array,
    ///   `Location40228` when an element is not a document (mongod's jstests/aggregation/sources/documents.js);
    ///   the expression's parse errors.
    static func parseDocuments(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        let expression = try Expression(parsing: value, scope: scope)
        if let constant = expression.constant { _ = try documentsValue(constant) }
        return .documents(expression)
    }

    /// The documents of `$documents`' value.
    /// - Throws: `Location5858203` when the value is not an array; `Location40228` (mongod unwinds the array and
    ///   replaces the root with each element) when an element is not a document.
    static func documentsValue(_ value: BSONValue?) throws(DocketError) -> [BSONDocument] {
        guard case .array(let elements)? = value else { throw documentsError(value) }
        var documents: [BSONDocument] = []
        documents.reserveCapacity(elements.count)
        for element in elements {
            guard case .document(let document) = element else {
                let shown = BSONPrinter.projectionMessage.string(element)
                throw DocketError(
                    .replaceRootNotObject,
                    "'newRoot' expression must evaluate to an object, but resulting value was: \(shown). Type of "
                        + "resulting value: '\(element.type.alias)'. Input document: {_tempDocumentsField: \(shown)}",
                    stage: "$documents")
            }
            documents.append(document)
        }
        return documents
    }

    private static func documentsError(_ value: BSONValue?) -> DocketError {
        DocketError(
            .documentsNotArray, "error during $documents stage: $documents requires an array of objects",
            stage: "$documents")
    }
}
