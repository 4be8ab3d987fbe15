/// A compiled MongoDB update: an operator update (`{$set: …, $inc: …}`) or a replacement document.
///
/// The update document is parsed once into a tree of paths with the operators at its leaves; applying it to a
/// document never looks at `"$…"` strings again. Parsing validates everything MongoDB validates before touching
/// a document: unknown operators, malformed arguments, conflicting paths, positional and array-filter syntax.
///
/// ```swift
/// let plan = try UpdatePlan(["$set": ["teams.$.role": "owner"], "$inc": ["logins": 1]])
/// var user: BSONDocument = ["_id": 1, "teams": [["id": 7, "role": "admin"]], "logins": 3]
/// let changed = try plan.apply(to: &user, arrayPosition: 0, isInsert: false)   // true
/// ```
///
/// Semantics follow MongoDB 8: sibling fields are applied in MongoDB's order (names in byte order, numbers in
/// numeric order); missing intermediate documents are created; assigning past the end of an array pads it with
/// `null`; `$set` of an identical value (same type and bytes) is a no-op; `_id` cannot change.
///
/// - Note: Differs from MongoDB: `$pull` conditions and array filters support the common query operators but not
///   regular expressions.
///
/// A class: a compiled plan is immutable and shared by every document it is applied to, and the write pipeline
/// passes it along without copying its tree.
final class UpdatePlan: Sendable {
    /// Whether the update is a replacement document (no `$`-operators; the empty document is one too, as the
    /// server treats it).
    let isReplacement: Bool
    /// The replacement document, when ``isReplacement``.
    let replacement: BSONDocument
    /// The root of the operator tree.
    let root: UpdateObjectNode
    /// The parsed array filters, indexed by the tree's array children.
    let arrayFilters: [ArrayFilter]
    /// The `$rename` sources, in the order of their targets' `sourceIndex`.
    let renameSources: [UpdatePath]
    /// Whether a failed application can never leave a partial change behind, so the document can be changed in
    /// place without a copy: one operation, no array updates, no `$rename`, not under `_id`.
    let isInPlaceSafe: Bool
    /// The fast form of a plan that is one `$set` of a static path.
    let staticLeaf: StaticLeafUpdate?

    /// Compiles an update document.
    ///
    /// - Parameters:
    ///   - update: `{<operator>: {<path>: <argument>, …}, …}`, or a replacement document.
    ///   - arrayFilters: the conditions for `$[<identifier>]` paths.
    /// - Throws: `FailedToParse` (9) for an unknown operator (`Unknown modifier: $foo. …`), a non-document
    ///   operand or an unused array filter; `ConflictingUpdateOperators` (40) for overlapping paths; `BadValue` (2),
    ///   `TypeMismatch` (14), `EmptyFieldName` (56) and `DollarPrefixedFieldName` (52) for malformed arguments
    ///   and paths, with MongoDB's messages.
    init(_ update: BSONDocument, arrayFilters: [BSONDocument] = []) throws(DocketError) {
        try ArgumentRules.checkNesting(update, "update")
        for filter in arrayFilters { try ArgumentRules.checkNesting(filter, "arrayFilters") }
        // The most common update, `{$set: {<plain path>: <value>}}`, skips the general parser.
        if arrayFilters.isEmpty, update.count == 1, update[0].key == "$set",
            case .document(let fields) = update[0].value, fields.count == 1,
            let fast = StaticLeafUpdate(simplePath: fields[0].key, value: fields[0].value)
        {
            isReplacement = false
            replacement = BSONDocument()
            root = UpdateObjectNode()
            self.arrayFilters = []
            renameSources = []
            isInPlaceSafe = true
            staticLeaf = fast
            return
        }
        guard let first = update.first, first.key.hasPrefix("$") else {
            for (key, _) in update where key.hasPrefix("$") {
                throw Self.dollarPrefixedError(key, path: key)
            }
            isReplacement = true
            replacement = update
            root = UpdateObjectNode()
            self.arrayFilters = []
            renameSources = []
            isInPlaceSafe = false
            staticLeaf = nil
            return
        }
        isReplacement = false
        replacement = BSONDocument()
        let (filters, filterIndex) = try ArrayFilter.parse(arrayFilters)
        self.arrayFilters = filters

        var tree = UpdateNode.object(UpdateObjectNode())
        var used = Set<String>()
        var sources: [UpdatePath] = []
        for (name, operand) in update {
            guard let kind = UpdateOperatorKind.table[name] else {
                throw DocketError(
                    .failedToParse,
                    "Unknown modifier: \(name). Expected a valid update modifier or pipeline-style update specified "
                        + "as an array"
                )
            }
            guard case .document(let fields) = operand else {
                throw DocketError(
                    .failedToParse,
                    "Modifiers operate on fields but we found type \(operand.type.alias) instead. For example: "
                        + "{$mod: {<field>: ...}} not {\(BSONPrinter.updateMessage.element(name, operand))}",
                    operatorName: name
                )
            }
            for (field, argument) in fields {
                let path = try Self.parsePath(field)
                if kind == .rename {
                    try tree.insert(.renameSource, at: path, filters: filterIndex, usedIdentifiers: &used)
                    guard case .string(let to) = argument else {
                        throw DocketError(
                            .badValue,
                            "The 'to' field for $rename must be a string: \(BSONPrinter.updateMessage.element(field, argument))",
                            operatorName: name
                        )
                    }
                    let target = try Self.parsePath(to)
                    try RenameOperator.validate(source: path, target: target, argument: argument)
                    try Self.checkDollarPrefixed(target)
                    try tree.insert(
                        .renameTarget(sourceIndex: sources.count),
                        at: target,
                        filters: filterIndex,
                        usedIdentifiers: &used
                    )
                    sources.append(path)
                } else {
                    let operation = try UpdateOperation.parse(kind, field: field, argument: argument)
                    if operation.createsPath { try Self.checkDollarPrefixed(path) }
                    try tree.insert(operation, at: path, filters: filterIndex, usedIdentifiers: &used)
                }
            }
        }
        for filter in filters where !used.contains(filter.identifier) {
            throw DocketError(
                .failedToParse,
                "The array filter for identifier '\(filter.identifier)' was not used in the update "
                    + BSONPrinter.updateMessage.string(update)
            )
        }
        guard case .object(let rootNode) = tree else { preconditionFailure("the root of an update is an object node") }
        root = rootNode
        renameSources = sources
        isInPlaceSafe = sources.isEmpty && Self.isSingleStaticLeaf(tree, depth: 0)
        staticLeaf = isInPlaceSafe ? StaticLeafUpdate(rootNode) : nil
    }

    /// Applies the update to a document.
    ///
    /// - Parameters:
    ///   - document: the document; it is changed only when the whole update succeeds.
    ///   - arrayPosition: the first array index the query matched (``MatchDetails/arrayPosition``), for `$`.
    ///   - isInsert: whether this is the insert of an upsert (`$setOnInsert` applies, and `_id` may be set when
    ///     the seed has none).
    /// - Returns: whether the document changed (MongoDB's `nModified`).
    /// - Throws: `DocketError` with MongoDB's code and message; the document is then unchanged.
    func apply(to document: inout BSONDocument, arrayPosition: Int?, isInsert: Bool) throws(DocketError) -> Bool {
        if isReplacement { return try Self.replace(&document, with: replacement) }
        if let staticLeaf, let changed = staticLeaf.apply(to: &document, arrayPosition: arrayPosition) {
            return changed
        }
        var context = UpdateApplyContext(arrayPosition: arrayPosition, isInsert: isInsert, id: document["_id"])
        if isInPlaceSafe {
            let tree = root.children.isEmpty && root.positional == nil ? staticLeaf?.tree() ?? root : root
            return try applyChildren(tree, to: &document, context: &context)
        }

        var working = document
        context.renameValues.reserveCapacity(renameSources.count)
        for source in renameSources {
            context.renameValues.append(try RenameOperator.readSource(source, in: working, id: context.id))
        }
        var changed = try applyChildren(root, to: &working, context: &context)
        for (i, source) in renameSources.enumerated() where context.renameValues[i] != nil {
            try RenameOperator.removeSource(source, from: &working, context: context)
            changed = true
        }
        if changed { document = working }
        return changed
    }

    /// Parses a path and checks its positional components.
    private static func parsePath(_ text: String) throws(DocketError) -> UpdatePath {
        let path = try UpdatePath(text)
        let positionals = path.components.filter { $0 == .positional }.count
        if positionals > 1 {
            throw DocketError(
                .badValue,
                "Too many positional (i.e. '$') elements found in path '\(text)'",
                fieldPath: text
            )
        }
        if path.components[0] == .positional {
            throw DocketError(
                .badValue,
                "Cannot have positional (i.e. '$') element in the first position in path '\(text)'",
                fieldPath: text
            )
        }
        if path.components[0].isArrayUpdate {
            throw DocketError(
                .badValue,
                "Cannot have array filter identifier (i.e. '$[<id>]') element in the first position in path '\(text)'",
                fieldPath: text
            )
        }
        return path
    }

    /// Rejects field names starting with `$` in the paths an update creates.
    private static func checkDollarPrefixed(_ path: UpdatePath) throws(DocketError) {
        for case .field(let name) in path.components where name.hasPrefix("$") {
            throw dollarPrefixedError(name, path: path.text)
        }
    }

    static func dollarPrefixedError(_ name: String, path: String) -> DocketError {
        DocketError(
            .dollarPrefixedFieldName,
            "The dollar ($) prefixed field '\(name)' in '\(path)' is not allowed in the context of an update's "
                + "replacement document. Consider using an aggregation pipeline with $replaceWith.",
            fieldPath: path
        )
    }

    /// Whether the tree holds exactly one operation, reached through field names and `$` only, not under `_id`.
    private static func isSingleStaticLeaf(_ node: UpdateNode, depth: Int) -> Bool {
        switch node {
        case .leaf:
            return true
        case .array:
            return false
        case .object(let object):
            let count = object.children.count + (object.positional == nil ? 0 : 1)
            guard count == 1 else { return false }
            if let child = object.children.first {
                if depth == 0 && bsonUTF8Equal(child.name, "_id") { return false }
                return isSingleStaticLeaf(child.node, depth: depth + 1)
            }
            return object.positional.map { isSingleStaticLeaf($0, depth: depth + 1) } ?? false
        }
    }
}
