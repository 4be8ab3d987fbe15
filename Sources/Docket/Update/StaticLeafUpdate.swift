// The fast path for the most common updates: one operator on one static path made of field names, array indexes and
// `$` (`{$set: {status: "active"}}`, `{$inc: {"stats.logins": 1}}`, `{$set: {"teams.0.role": "admin"}}`). On a
// stored document it is applied to the bytes (`StaticLeafUpdate+Encoded.swift`); on an in-memory document a `$set`
// finds each component by key or index and replaces the value, without the bookkeeping of the general walk.
// Anything else — a missing field, a scalar in the way — returns `nil` with the document untouched, and the general
// walk takes over.

/// One operation on one static path, compiled for the fast paths.
///
/// The path is kept as its text (components joined by dots; a component that is exactly `$` is the positional one),
/// not as an array of components: a path of at most 15 bytes (`status`, `teams.0.role`) is stored inline in the
/// `String`, so compiling `{$set: {<path>: <value>}}` allocates nothing for the path, and the encoded fast path reads
/// the components straight from the path's bytes.
struct StaticLeafUpdate: Sendable {
    enum Component: Sendable, Equatable {
        case name(String)
        case positional
    }

    /// The path: components joined by `.`, `$` for the positional component.
    let path: String
    /// The number of components (at least 1).
    let componentCount: Int
    let operation: UpdateOperation

    /// The value of a `$set`, or `nil` for other operations.
    var value: BSONValue? {
        if case .set(let value) = operation { return value }
        return nil
    }

    /// The components in order, split from ``path`` as they are read (nothing is allocated for names of at most 15
    /// bytes).
    var components: Components { Components(path: path) }

    /// The components of a path text.
    struct Components: Sequence {
        let path: String

        func makeIterator() -> Iterator { Iterator(path: path, start: path.utf8.startIndex) }

        struct Iterator: IteratorProtocol {
            let path: String
            var start: String.Index
            var isDone = false

            mutating func next() -> Component? {
                guard !isDone else { return nil }
                let utf8 = path.utf8
                var end = start
                while end != utf8.endIndex && utf8[end] != UInt8(ascii: ".") { end = utf8.index(after: end) }
                let name = String(path[start..<end])
                if end == utf8.endIndex { isDone = true } else { start = utf8.index(after: end) }
                return name == "$" ? .positional : .name(name)
            }
        }
    }

    /// The fast form of a plan consisting of one operation through field names and `$` only, or `nil`.
    init?(_ root: UpdateObjectNode) {
        var names: [String] = []
        var node = UpdateNode.object(root)
        while true {
            switch node {
            case .leaf(let operation):
                switch operation {
                case .renameSource, .renameTarget: return nil
                default: break
                }
                guard !names.isEmpty else { return nil }
                // Field names in an update tree hold no dot and are never `$` alone (that is the positional
                // component), so the joined text splits back into the same components.
                self.path = names.joined(separator: ".")
                self.componentCount = names.count
                self.operation = operation
                return
            case .object(let object):
                if object.children.count == 1 && object.positional == nil {
                    names.append(object.children[0].name)
                    node = object.children[0].node
                } else if object.children.isEmpty, let positional = object.positional {
                    names.append("$")
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
        var text = path
        let count: Int? = text.withUTF8 { bytes in
            var count = 0
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: ".") {
                guard i != start, bytes[start] != UInt8(ascii: "$") else { return nil }
                // `_id` as the first component (compared as bytes).
                if count == 0 && i - start == 3 && bytes[start] == UInt8(ascii: "_")
                    && bytes[start + 1] == UInt8(ascii: "i") && bytes[start + 2] == UInt8(ascii: "d")
                {
                    return nil
                }
                count += 1
                start = i + 1
            }
            return count
        }
        guard let count else { return nil }
        self.path = path
        self.componentCount = count
        self.operation = .set(value)
    }

    /// The general tree of this operation, for the walk that creates missing paths.
    func tree() -> UpdateObjectNode {
        let components = Array(self.components)
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
        return apply(value, Array(components), at: 0, in: &document, arrayPosition: arrayPosition)
    }

    private func apply(
        _ value: BSONValue, _ components: [Component], at k: Int, in document: inout BSONDocument, arrayPosition: Int?
    ) -> Bool? {
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
            let result = apply(value, components, at: k + 1, in: &child, arrayPosition: arrayPosition)
            document[i].value = .document(child)
            return result
        case .array(var child):
            document[i].value = .null
            let result = apply(value, components, at: k + 1, in: &child, arrayPosition: arrayPosition)
            document[i].value = .array(child)
            return result
        default:
            return nil
        }
    }

    private func apply(
        _ value: BSONValue, _ components: [Component], at k: Int, in array: inout [BSONValue], arrayPosition: Int?
    ) -> Bool? {
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
            let result = apply(value, components, at: k + 1, in: &child, arrayPosition: arrayPosition)
            array[index] = .document(child)
            return result
        case .array(var child):
            array[index] = .null
            let result = apply(value, components, at: k + 1, in: &child, arrayPosition: arrayPosition)
            array[index] = .array(child)
            return result
        default:
            return nil
        }
    }
}
