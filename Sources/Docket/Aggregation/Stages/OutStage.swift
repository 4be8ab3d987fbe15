import DocketBSON

extension Stage {
    /// `$out: "collection"` or `$out: {db: "database", coll: "collection"}`: the results replace the collection's
    /// documents, all at once; only as the last stage.
    /// - Throws: `Location16990` for a value that is neither a string nor a document; `Location16994` for a document
    ///   without `coll` or with an unknown field; `InvalidNamespace` (73) for an invalid name.
    static func parseOut(_ value: BSONValue) throws(DocketError) -> Stage {
        switch value {
        case .string(let collection):
            return .out(database: nil, collection: collection)
        case .document(let spec):
            var database: String?
            var collection: String?
            for (key, field) in spec {
                switch (key, field) {
                case ("db", .string(let name)): database = name
                case ("coll", .string(let name)): collection = name
                default:
                    throw DocketError(
                        .outSpecification, "BSON field '$out.\(key)' is an unknown field or has the wrong type",
                        stage: "$out")
                }
            }
            guard let collection else {
                throw DocketError(
                    .outSpecification, "BSON field '$out.coll' is missing but a required field", stage: "$out")
            }
            return .out(database: database, collection: collection)
        default:
            throw DocketError(
                .outNotStringOrObject, "$out only supports a string or object argument, but found \(value.type.alias)",
                stage: "$out")
        }
    }
}
