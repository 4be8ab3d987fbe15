import DocketBSON

extension Stage {
    /// `$unset: "path"` or `$unset: ["a", "b.c"]`: an exclusion projection of those paths (through arrays of
    /// documents, as `$project` excludes).
    /// - Throws: `Location31002` for a value that is neither a string nor an array; `Location31119` for an empty
    ///   array; `Location31120` for a non-string element; field path errors (40352, 15998, 16410, 16411).
    static func parseUnset(_ value: BSONValue) throws(DocketError) -> Stage {
        var paths: [String] = []
        switch value {
        case .string(let path): paths = [path]
        case .array(let elements):
            guard !elements.isEmpty else {
                throw DocketError(
                    .unsetEmpty, "$unset specification must be a string or an array with at least one field",
                    stage: "$unset")
            }
            for element in elements {
                guard case .string(let path) = element else {
                    throw DocketError(
                        .unsetElementType,
                        "$unset specification must be a string or an array containing only string values",
                        stage: "$unset")
                }
                paths.append(path)
            }
        default:
            throw DocketError(
                .unsetSpecType, "$unset specification must be a string or an array", stage: "$unset")
        }
        var spec = BSONDocument()
        for path in paths {
            _ = try ProjectionParser.fieldPath(path)
            spec.append(path, .int32(0))
        }
        return .project(try Projection(spec), spec: spec)
    }
}
