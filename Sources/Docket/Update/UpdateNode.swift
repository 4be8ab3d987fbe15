/// The compiled form of an operator update: a tree of path components with operations at the leaves, like
/// MongoDB's `UpdateObjectNode`/`UpdateArrayNode`. Sibling fields are kept in MongoDB's application order, and
/// two operators on the same path, or on a path and its prefix, are rejected while the tree is built.
indirect enum UpdateNode: Sendable {
    /// Children selected by field name (or array index), plus the positional `$` child.
    case object(UpdateObjectNode)
    /// Children selected by `$[]` (identifier `""`) or `$[<identifier>]` through array filters.
    case array(UpdateArrayNode)
    /// An operation.
    case leaf(UpdateOperation)

    var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    var isArray: Bool {
        if case .array = self { return true }
        return false
    }
}

/// A named child of an object node.
struct UpdateChild: Sendable {
    var name: String
    var node: UpdateNode
}

/// An interior node whose children are fields (or indexes) of the element it applies to.
struct UpdateObjectNode: Sendable {
    /// Children in MongoDB's order (``UpdatePath/precedes(_:_:)``).
    var children: [UpdateChild] = []
    /// The child under `$`, applied to the field named by the query's matched array position.
    var positional: UpdateNode?

    func child(named name: String) -> Int? { children.firstIndex { bsonUTF8Equal($0.name, name) } }

    mutating func insert(_ child: UpdateChild) {
        let i = children.firstIndex { UpdatePath.precedes(child.name, $0.name) } ?? children.count
        children.insert(child, at: i)
    }
}

/// A child of an array node: all elements (`identifier == ""`) or those an array filter matches.
struct UpdateArrayChild: Sendable {
    var identifier: String
    /// The array filter for the identifier; `nil` for `$[]`.
    var filter: Int?
    var node: UpdateNode
}

/// An interior node applied to each element of an array.
struct UpdateArrayNode: Sendable {
    /// Children in identifier order.
    var children: [UpdateArrayChild] = []
}

extension UpdateNode {
    /// Adds an operation at a path, creating interior nodes along it (MongoDB's `parseAndMerge`).
    ///
    /// - Throws: `ConflictingUpdateOperators` (40) when the path or a prefix of it is already updated;
    ///   `BadValue` (2) for an unknown array filter identifier or one in the first position.
    mutating func insert(
        _ operation: UpdateOperation,
        at path: UpdatePath,
        filters: [String: Int],
        usedIdentifiers: inout Set<String>
    ) throws(DocketError) {
        try insert(operation, at: path, from: 0, filters: filters, usedIdentifiers: &usedIdentifiers)
    }

    private mutating func insert(
        _ operation: UpdateOperation,
        at path: UpdatePath,
        from i: Int,
        filters: [String: Int],
        usedIdentifiers: inout Set<String>
    ) throws(DocketError) {
        let isLast = i == path.count - 1
        func conflict() -> DocketError {
            DocketError(
                .conflictingUpdateOperators,
                "Updating the path '\(path.text)' would create a conflict at '\(isLast ? path.text : path.prefix(i + 1))'",
                fieldPath: path.text
            )
        }
        // The kind of node the child at component i must be.
        func makeChild() -> UpdateNode {
            if isLast { return .leaf(operation) }
            return path.components[i + 1].isArrayUpdate ? .array(UpdateArrayNode()) : .object(UpdateObjectNode())
        }
        func fits(_ existing: UpdateNode) -> Bool {
            if isLast { return false }
            return path.components[i + 1].isArrayUpdate ? existing.isArray : existing.isObject
        }

        switch self {
        case .object(var object):
            self = .leaf(.unset)  // Release the payload so the mutation below does not copy it.
            defer { self = .object(object) }
            switch path.components[i] {
            case .positional:
                if var child = object.positional {
                    guard fits(child) else { throw conflict() }
                    object.positional = nil
                    defer { object.positional = child }
                    try child.insert(
                        operation, at: path, from: i + 1, filters: filters, usedIdentifiers: &usedIdentifiers)
                } else {
                    var child = makeChild()
                    if !isLast {
                        try child.insert(
                            operation, at: path, from: i + 1, filters: filters, usedIdentifiers: &usedIdentifiers)
                    }
                    object.positional = child
                }
            case .field(let name):
                if let k = object.child(named: name) {
                    var child = object.children[k].node
                    guard fits(child) else { throw conflict() }
                    object.children[k].node = .leaf(.unset)
                    defer { object.children[k].node = child }
                    try child.insert(
                        operation, at: path, from: i + 1, filters: filters, usedIdentifiers: &usedIdentifiers)
                } else {
                    var child = makeChild()
                    if !isLast {
                        try child.insert(
                            operation, at: path, from: i + 1, filters: filters, usedIdentifiers: &usedIdentifiers)
                    }
                    object.insert(UpdateChild(name: name, node: child))
                }
            case .allElements, .filtered:
                preconditionFailure("array update component under an object node")
            }
        case .array(var array):
            self = .leaf(.unset)
            defer { self = .array(array) }
            let identifier: String
            var filter: Int?
            switch path.components[i] {
            case .allElements:
                identifier = ""
            case .filtered(let id):
                guard let index = filters[id] else {
                    throw DocketError(
                        .badValue,
                        "No array filter found for identifier '\(id)' in path '\(path.text)'",
                        fieldPath: path.text
                    )
                }
                identifier = id
                filter = index
                usedIdentifiers.insert(id)
            default:
                preconditionFailure("field component under an array node")
            }
            if let k = array.children.firstIndex(where: { bsonUTF8Equal($0.identifier, identifier) }) {
                var child = array.children[k].node
                guard fits(child) else { throw conflict() }
                array.children[k].node = .leaf(.unset)
                defer { array.children[k].node = child }
                try child.insert(operation, at: path, from: i + 1, filters: filters, usedIdentifiers: &usedIdentifiers)
            } else {
                var child = makeChild()
                if !isLast {
                    try child.insert(
                        operation, at: path, from: i + 1, filters: filters, usedIdentifiers: &usedIdentifiers)
                }
                let position =
                    array.children.firstIndex { identifier.utf8.lexicographicallyPrecedes($0.identifier.utf8) }
                    ?? array.children.count
                array.children.insert(
                    UpdateArrayChild(identifier: identifier, filter: filter, node: child), at: position)
            }
        case .leaf:
            throw conflict()
        }
    }

    /// Merges two nodes that apply to the same element at run time (the positional `$` child and a named child,
    /// or several array filters matching one element).
    /// - Throws: `ConflictingUpdateOperators` (40): `Update created a conflict at 'a.0'`.
    static func merge(_ a: UpdateNode, _ b: UpdateNode, path: [String]) throws(DocketError) -> UpdateNode {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            var merged = x
            for child in y.children {
                if let k = merged.child(named: child.name) {
                    merged.children[k].node = try merge(merged.children[k].node, child.node, path: path + [child.name])
                } else {
                    merged.insert(child)
                }
            }
            switch (x.positional, y.positional) {
            case (let p?, let q?): merged.positional = try merge(p, q, path: path + ["$"])
            case (nil, let q?): merged.positional = q
            default: break
            }
            return .object(merged)
        case (.array(let x), .array(let y)):
            var merged = x
            for child in y.children {
                if let k = merged.children.firstIndex(where: { bsonUTF8Equal($0.identifier, child.identifier) }) {
                    merged.children[k].node = try merge(
                        merged.children[k].node,
                        child.node,
                        path: path + ["$[\(child.identifier)]"]
                    )
                } else {
                    merged.children.append(child)
                }
            }
            return .array(merged)
        default:
            let text = path.joined(separator: ".")
            throw DocketError(.conflictingUpdateOperators, "Update created a conflict at '\(text)'", fieldPath: text)
        }
    }
}
