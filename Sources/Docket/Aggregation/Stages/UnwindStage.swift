import DocketBSON

/// A parsed `$unwind`: the array's path, where to put each element's index, and whether documents without elements
/// pass through.
struct UnwindSpec: Sendable {
    /// The path of the array, without its `$`.
    let path: [String]
    /// The field receiving each element's index (an `int64`; `null` when the value was not an array).
    let indexField: [String]?
    /// Whether documents whose value is missing, `null` or an empty array are kept.
    let preservesNullAndEmptyArrays: Bool

    /// Unwinds one document: calls `emit` with each output document.
    ///
    /// A non-empty array yields one document per element; any other value but `null` (a scalar, a document) is
    /// treated as a one-element array whose index is `null`. Missing, `null` and `[]` yield the document only when
    /// `preservesNullAndEmptyArrays` (an empty array is then removed). Paths do not traverse arrays: `a.b` over
    /// `a: [{b: …}]` is missing.
    func unwind(_ document: BSONDocument, _ emit: (BSONDocument) -> Void) {
        let value = document.nestedValue(path)
        switch value {
        case .array(let elements) where !elements.isEmpty:
            for (index, element) in elements.enumerated() {
                var output = document
                output.setNestedValue(path, element)
                if let indexField { output.setNestedValue(indexField, .int64(Int64(index))) }
                emit(output)
            }
        case .array:
            guard preservesNullAndEmptyArrays else { return }
            var output = document
            output.removeNestedValue(path)
            if let indexField { output.setNestedValue(indexField, .null) }
            emit(output)
        case nil, .null?:
            guard preservesNullAndEmptyArrays else { return }
            var output = document
            if let indexField { output.setNestedValue(indexField, .null) }
            emit(output)
        case .some:
            var output = document
            if let indexField { output.setNestedValue(indexField, .null) }
            emit(output)
        }
    }
}

extension Stage {
    /// `$unwind: "$path"` or `$unwind: {path: "$path", includeArrayIndex: "name", preserveNullAndEmptyArrays: true}`.
    /// - Throws: `Location15981` for a value that is neither a string nor a document; `Location28808`,
    ///   `Location28809`, `Location28810` for options of the wrong type; `Location28811` for an unknown option;
    ///   `Location28812` without a path; `Location28818` for a path without `$`; `Location28822` for a `$`-prefixed
    ///   index field; field path errors (15998, 16410, …).
    static func parseUnwind(_ value: BSONValue) throws(DocketError) -> Stage {
        var pathText: String?
        var indexText: String?
        var preserves = false
        switch value {
        case .string(let text):
            pathText = text
        case .document(let options):
            for (key, option) in options {
                switch key {
                case "path":
                    guard case .string(let text) = option else {
                        throw unwindError(
                            .unwindPathType, "expected a string as the path for $unwind stage, got \(option.type.alias)"
                        )
                    }
                    pathText = text
                case "preserveNullAndEmptyArrays":
                    guard case .bool(let flag) = option else {
                        throw unwindError(
                            .unwindPreserveType,
                            "expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage, got "
                                + option.type.alias)
                    }
                    preserves = flag
                case "includeArrayIndex":
                    guard case .string(let text) = option, !text.isEmpty else {
                        throw unwindError(
                            .unwindIndexFieldType,
                            "expected a non-empty string for the includeArrayIndex option to $unwind stage, got "
                                + option.type.alias)
                    }
                    guard !text.hasPrefix("$") else {
                        throw unwindError(
                            .unwindIndexFieldPrefix,
                            "includeArrayIndex option to $unwind stage should not be prefixed with a '$': \(text)")
                    }
                    indexText = text
                default:
                    throw unwindError(.unwindUnknownOption, "unrecognized option to $unwind stage: \(key)")
                }
            }
        default:
            throw unwindError(
                .unwindSpecType,
                "expected either a string or an object as specification for $unwind stage, got \(value.type.alias)")
        }
        guard let pathText else { throw unwindError(.unwindNoPath, "no path specified to $unwind stage") }
        guard pathText.hasPrefix("$") else {
            throw unwindError(
                .unwindPathPrefix, "path option to $unwind stage should be prefixed with a '$': \(pathText)")
        }
        let path = try ProjectionParser.fieldPath(String(pathText.dropFirst()))
        let indexField = try indexText.map { text throws(DocketError) in try ProjectionParser.fieldPath(text) }
        return .unwind(UnwindSpec(path: path, indexField: indexField, preservesNullAndEmptyArrays: preserves))
    }

    private static func unwindError(_ code: DocketError.Code, _ message: String) -> DocketError {
        DocketError(code, message, stage: "$unwind")
    }
}

extension BSONDocument {
    /// The value at a path of field names, following embedded documents only (an array on the way makes it missing):
    /// MongoDB's `Document::getNestedField`.
    func nestedValue(_ path: [String]) -> BSONValue? {
        guard let first = path.first, let value = self[first] else { return nil }
        if path.count == 1 { return value }
        guard case .document(let inner) = value else { return nil }
        return inner.nestedValue(Array(path.dropFirst()))
    }

    /// Sets the value at a path of field names, creating (or replacing non-documents with) embedded documents on the
    /// way; the fields keep their positions.
    mutating func setNestedValue(_ path: [String], _ value: BSONValue) {
        setNestedValue(path[...], value)
    }

    private mutating func setNestedValue(_ path: ArraySlice<String>, _ value: BSONValue) {
        let key = path[path.startIndex]
        guard path.count > 1 else {
            self[key] = value
            return
        }
        var inner: BSONDocument
        if case .document(let existing)? = self[key] { inner = existing } else { inner = [:] }
        inner.setNestedValue(path.dropFirst(), value)
        self[key] = .document(inner)
    }

    /// Removes the field at a path of field names, if the path reaches it through embedded documents.
    mutating func removeNestedValue(_ path: [String]) {
        removeNestedValue(path[...])
    }

    private mutating func removeNestedValue(_ path: ArraySlice<String>) {
        let key = path[path.startIndex]
        guard path.count > 1 else {
            self[key] = nil
            return
        }
        guard case .document(var inner)? = self[key] else { return }
        inner.removeNestedValue(path.dropFirst())
        self[key] = .document(inner)
    }
}
