import DocketBSON

// `$fill` is MongoDB's sugar (document_source_fill.cpp): the `method` outputs become a `$setWindowFields` with
// `$locf`/`$linearFill`, then the `value` outputs an `$addFields` of `{$ifNull: ["$field", value]}`.

extension Stage {
    /// `$fill: {partitionBy | partitionByFields, sortBy, output: {field: {value: expression} | {method: …}}}`.
    /// - Throws: `FailedToParse` (9) for a non-document stage; `Location40415` for an unknown field;
    ///   `Location40414` without `output`; `Location6050203` for an empty `output`; `Location6050200` for an output
    ///   that is not a document; `Location6050201` for both `value` and `method`; `Location6050202` for an unknown
    ///   method; `Location6050204` for both `partitionBy` and `partitionByFields`; the `$setWindowFields` and
    ///   `$addFields` they become's errors.
    static func parseFill(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> [Stage] {
        let name = "$fill"
        guard case .document(let spec) = value else {
            throw DocketError(
                .failedToParse, "The $fill stage specification must be an object, found \(value.type.alias)",
                stage: name)
        }
        var output: BSONDocument?
        var sortBy: BSONValue?
        var partitionBy: BSONValue?
        var partitionByFields: BSONValue?
        for (key, field) in spec {
            switch key {
            case "output":
                guard case .document(let fields) = field else { throw Self.fillWrongType(key, field, "object") }
                output = fields
            case "sortBy":
                guard case .document = field else { throw Self.fillWrongType(key, field, "object") }
                sortBy = field
            case "partitionBy":
                switch field {
                case .document, .string: partitionBy = field
                default:
                    throw DocketError(
                        .typeMismatch,
                        "BSON field '$fill.partitionBy' is the wrong type '\(field.type.alias)', expected types "
                            + "'[string, object]'", stage: name)
                }
            case "partitionByFields":
                guard case .array(let fields) = field,
                    fields.allSatisfy({ if case .string = $0 { true } else { false } })
                else { throw Self.fillWrongType(key, field, "array") }
                partitionByFields = field
            default:
                throw DocketError(.location(40415), "BSON field '$fill.\(key)' is an unknown field.", stage: name)
            }
        }
        guard let output else {
            throw DocketError(
                .location(40414), "BSON field '$fill.output' is missing but a required field", stage: name)
        }
        guard !output.isEmpty else {
            throw DocketError(
                .location(6_050_203), "The output field in '$fill' must contain an object with at least one element",
                stage: name)
        }
        var windowOutputs: BSONDocument = [:]
        var addFields: BSONDocument = [:]
        for (field, fieldSpec) in output {
            guard case .document(let fill) = fieldSpec else {
                throw DocketError(
                    .location(6_050_200), "Each fill output specification must be an object with exactly one field",
                    stage: name)
            }
            for key in fill.keys where key != "value" && key != "method" {
                throw DocketError(
                    .location(40415), "BSON field '$fill.output.\(key)' is an unknown field.", stage: name)
            }
            if let method = fill["method"] {
                guard fill["value"] == nil else {
                    throw DocketError(
                        .location(6_050_201),
                        "Each fill output specification must have exactly one of 'method' or 'value' fields, not both",
                        stage: name)
                }
                guard case .string(let text) = method, text == "locf" || text == "linear" else {
                    throw DocketError(.location(6_050_202), "Method must be either locf or linear", stage: name)
                }
                windowOutputs[field] = [text == "locf" ? "$locf" : "$linearFill": .string("$" + field)]
            }
            if let fillValue = fill["value"] {
                addFields[field] = ["$ifNull": [.string("$" + field), fillValue]]
            }
        }
        if partitionBy != nil && partitionByFields != nil {
            throw DocketError(
                .location(6_050_204), "Maximum one of 'partitionBy' and 'partitionByFields can be specified in '$fill'",
                stage: name)
        }
        var stages: [Stage] = []
        if !windowOutputs.isEmpty {
            var windowSpec: BSONDocument = ["output": .document(windowOutputs)]
            if let sortBy { windowSpec["sortBy"] = sortBy }
            if let partitionBy { windowSpec["partitionBy"] = partitionBy }
            if case .array(let fields)? = partitionByFields {
                var key: BSONDocument = [:]
                for case .string(let field) in fields { key[field] = .string("$" + field) }
                windowSpec["partitionBy"] = .document(key)
            }
            stages.append(try parseSetWindowFields(.document(windowSpec), scope: scope))
        }
        if !addFields.isEmpty { stages.append(try parseAddFields("$addFields", .document(addFields), scope: scope)) }
        return stages
    }

    private static func fillWrongType(_ key: String, _ value: BSONValue, _ expected: String) -> DocketError {
        DocketError(
            .typeMismatch,
            "BSON field '$fill.\(key)' is the wrong type '\(value.type.alias)', expected type '\(expected)'",
            stage: "$fill")
    }
}
