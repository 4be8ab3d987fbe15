// The fast path for the most common updates: one operator on one static path made of field names, array indexes and
// `$` (`{$set: {status: "active"}}`, `{$inc: {"stats.logins": 1}}`, `{$set: {"teams.0.role": "admin"}}`). On a
// stored document it is applied to the bytes (`StaticLeafUpdate+Encoded.swift`); on an in-memory document a `$set`
// finds each component by key or index and replaces the value, without the bookkeeping of the general walk.
// Anything else — a missing field, a scalar in the way — returns `nil` with the document untouched, and the general
// walk takes over.

/// One operation on one static path, compiled for the fast paths.
struct StaticLeafUpdate: Sendable {
    enum Component: Sendable {
        case name(String)
        case positional
    }

    let components: [Component]
    let operation: UpdateOperation

    /// The value of a `$set`, or `nil` for other operations.
    var value: BSONValue? {
        if case .set(let value) = operation { return value }
        return nil
    }

    /// The fast form of a plan consisting of one operation through field names and `$` only, or `nil`.
    init?(_ root: UpdateObjectNode) {
        var components: [Component] = []
        var node = UpdateNode.object(root)
        while true {
            switch node {
            case .leaf(let operation):
                switch operation {
                case .renameSource, .renameTarget: return nil
                default: break
                }
                guard !components.isEmpty else { return nil }
                self.components = components
                self.operation = operation
                return
            case .object(let object):
                if object.children.count == 1 && object.positional == nil {
                    components.append(.name(object.children[0].name))
                    node = object.children[0].node
                } else if object.children.isEmpty, let positional = object.positional {
                    components.append(.positional)
                    node = positional
                } else {
                    return nil
                }
            default:
                return nil
            }
        }
    }

    /// The fast form of `{$set: {<path>: <value>}}` parsed straight from the path text, or `nil` when the path
    /// needs the general parser (empty components, `$`-prefixed components, `_id`).
    init?(simplePath path: String, value: BSONValue) {
        var components: [Component] = []
        components.reserveCapacity(4)
        var start = path.utf8.startIndex
        let utf8 = path.utf8
        var i = start
        while true {
            if i == utf8.endIndex || utf8[i] == UInt8(ascii: ".") {
                guard i != start, utf8[start] != UInt8(ascii: "$") else { return nil }
                let name = String(path[start..<i])
                guard !components.isEmpty || name != "_id" else { return nil }  // ASCII: `==` is exact here.
                components.append(.name(name))
                if i == utf8.endIndex { break }
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        self.components = components
        self.operation = .set(value)
    }

    /// The general tree of this operation, for the walk that creates missing paths.
    func tree() -> UpdateObjectNode {
        var node = UpdateNode.leaf(operation)
        for component in components.dropFirst().reversed() {
            switch component {
            case .name(let name): node = .object(UpdateObjectNode(children: [UpdateChild(name: name, node: node)]))
            case .positional: node = .object(UpdateObjectNode(children: [], positional: node))
            }
        }
        switch components[0] {
        case .name(let name): return UpdateObjectNode(children: [UpdateChild(name: name, node: node)])
        case .positional: return UpdateObjectNode(children: [], positional: node)
        }
    }

    /// Applies a `$set` to an in-memory document; returns whether the document changed, or `nil` (document
    /// untouched) when the operation is not a `$set` or the path does not exist as a chain of documents and arrays.
    func apply(to document: inout BSONDocument, arrayPosition: Int?) -> Bool? {
        guard let value else { return nil }
        return apply(value, at: 0, in: &document, arrayPosition: arrayPosition)
    }

    private func apply(_ value: BSONValue, at k: Int, in document: inout BSONDocument, arrayPosition: Int?) -> Bool? {
        let name: String
        switch components[k] {
        case .name(let n): name = n
        case .positional:
            guard let arrayPosition else { return nil }
            name = String(arrayPosition)
        }
        guard let i = document.index(forKey: name) else { return nil }
        if k == components.count - 1 {
            if document[i].value.isIdentical(to: value) { return false }
            document[i].value = value
            return true
        }
        switch document[i].value {
        case .document(var child):
            document[i].value = .null
            let result = apply(value, at: k + 1, in: &child, arrayPosition: arrayPosition)
            document[i].value = .document(child)
            return result
        case .array(var child):
            document[i].value = .null
            let result = apply(value, at: k + 1, in: &child, arrayPosition: arrayPosition)
            document[i].value = .array(child)
            return result
        default:
            return nil
        }
    }

    private func apply(_ value: BSONValue, at k: Int, in array: inout [BSONValue], arrayPosition: Int?) -> Bool? {
        let index: Int
        switch components[k] {
        case .name(let n):
            guard let i = UpdatePath.arrayIndex(n) else { return nil }
            index = i
        case .positional:
            guard let arrayPosition else { return nil }
            index = arrayPosition
        }
        guard index < array.count else { return nil }
        if k == components.count - 1 {
            if array[index].isIdentical(to: value) { return false }
            array[index] = value
            return true
        }
        switch array[index] {
        case .document(var child):
            array[index] = .null
            let result = apply(value, at: k + 1, in: &child, arrayPosition: arrayPosition)
            array[index] = .document(child)
            return result
        case .array(var child):
            array[index] = .null
            let result = apply(value, at: k + 1, in: &child, arrayPosition: arrayPosition)
            array[index] = .array(child)
            return result
        default:
            return nil
        }
    }
}
