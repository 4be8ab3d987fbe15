/// `$rename`: moves a field to a new path, as a `$set` of the target followed by an `$unset` of the source.
///
/// The source is read before the other operators run (no other operator may touch it: the plan reserves its path),
/// the target is set while the plan walks the document, and the source is removed at the end. Neither path may be
/// dynamic or go through an array; a missing source is a no-op.
enum RenameOperator {
    /// Checks a `{source: "target"}` pair as MongoDB's `RenameNode::init` does.
    static func validate(source: UpdatePath, target: UpdatePath, argument: BSONValue) throws(DocketError) {
        let text = BSONPrinter.updateMessage.element(source.text, argument)
        if target.text.utf8.contains(0) {
            throw DocketError(.badValue, "The 'to' field for $rename cannot contain an embedded null byte")
        }
        if source.count == target.count && source.isPrefix(of: target) {
            throw DocketError(.badValue, "The source and target field for $rename must differ: \(text)")
        }
        if source.isPrefix(of: target) || target.isPrefix(of: source) {
            throw DocketError(
                .badValue,
                "The source and target field for $rename must not be on the same path: \(text)"
            )
        }
        if source.isDynamic {
            throw DocketError(.badValue, "The source field for $rename may not be dynamic: \(source.text)")
        }
        if target.isDynamic {
            throw DocketError(.badValue, "The destination field for $rename may not be dynamic: \(target.text)")
        }
    }

    /// Reads the source value (MongoDB's `findLongestPrefix`): `nil` when it does not exist.
    /// - Throws: `PathNotViable` (28) when the path goes through a scalar or names a field of an array;
    ///   `BadValue` (2) when the source is inside an array.
    static func readSource(_ path: UpdatePath, in document: BSONDocument, id: BSONValue?) throws(DocketError)
        -> BSONValue?
    {
        var current = BSONValue.document(document)
        var arrayName: String?
        for (k, part) in path.parts.enumerated() {
            switch current {
            case .document(let d):
                guard let next = d[part] else { return nil }
                current = next
            case .array(let a):
                guard let index = UpdatePath.arrayIndex(part) else {
                    throw notViable(path, at: k, current)
                }
                guard index < a.count else { return nil }
                arrayName = path.parts[k - 1]
                current = a[index]
            default:
                throw notViable(path, at: k, current)
            }
        }
        if let arrayName {
            throw DocketError(
                .badValue,
                "The source field cannot be an array element, '\(path.text)' in doc with \(UpdateText.idElement(id)) "
                    + "has an array field called '\(arrayName)'",
                fieldPath: path.text,
                operatorName: "$rename"
            )
        }
        return current
    }

    private static func notViable(_ path: UpdatePath, at k: Int, _ element: BSONValue) -> DocketError {
        let name = path.parts[k - 1]
        return DocketError(
            .pathNotViable,
            "cannot use the part (\(name) of \(path.text)) to traverse the element ({\(BSONPrinter.updateMessage.element(name, element))})",
            fieldPath: path.text,
            operatorName: "$rename"
        )
    }

    /// Checks that the target is not inside an array.
    static func checkTarget(context: UpdateApplyContext) throws(DocketError) {
        guard let k = context.inArray.lastIndex(of: true), k > 0 else { return }
        throw DocketError(
            .badValue,
            "The destination field cannot be an array element, '\(context.pathText)' in doc with "
                + "\(UpdateText.idElement(context.id)) has an array field called '\(context.path[k - 1])'",
            fieldPath: context.pathText,
            operatorName: "$rename"
        )
    }

    /// Sets an existing target to the source value.
    static func applyTarget(_ source: BSONValue, to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        try checkTarget(context: context)
        try context.checkImmutable()
        value = source
        return .changed
    }

    /// Removes the source after the walk.
    static func removeSource(_ path: UpdatePath, from document: inout BSONDocument, context: UpdateApplyContext)
        throws(DocketError)
    {
        if context.idIsImmutable, bsonUTF8Equal(path.parts[0], "_id") {
            throw UpdateApplyContext.immutableFieldError(path.text)
        }
        remove(path.parts[...], from: &document)
    }

    private static func remove(_ parts: ArraySlice<String>, from document: inout BSONDocument) {
        guard let first = parts.first, let i = document.index(forKey: first) else { return }
        if parts.count == 1 {
            document.remove(at: i)
            return
        }
        guard case .document(var inner) = document[i].value else { return }
        document[i].value = .null
        remove(parts.dropFirst(), from: &inner)
        document[i].value = .document(inner)
    }
}
