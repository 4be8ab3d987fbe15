// Applying a parsed projection to documents. The per-document work switches only on `ProjectionNode` cases; no
// `$`-strings are looked at here.

enum ProjectionExecution {
    // MARK: Inclusion

    /// The inclusion pass: the fields named by the tree, in the input document's order.
    static func include(_ document: BSONDocument, _ tree: ProjectionTree) -> BSONDocument {
        var output = BSONDocument(minimumCapacity: min(document.count, tree.entries.count))
        for (key, value) in document {
            guard let node = tree.node(named: key) else { continue }
            switch node {
            case .include, .slice, .positional:
                output.append(key, value)
            case .tree(let subtree):
                if let projected = includeValue(value, subtree) { output.append(key, projected) }
            case .exclude, .literal, .elemMatch:
                continue
            }
        }
        return output
    }

    /// A value under a sub-level of an inclusion: documents are projected, arrays element by element (non-document
    /// elements dropped, nested arrays kept and projected), other values vanish.
    private static func includeValue(_ value: BSONValue, _ tree: ProjectionTree) -> BSONValue? {
        switch value {
        case .document(let document):
            return .document(include(document, tree))
        case .array(let array):
            var output: [BSONValue] = []
            output.reserveCapacity(array.count)
            for element in array {
                switch element {
                case .document, .array:
                    if let projected = includeValue(element, tree) { output.append(projected) }
                default:
                    continue
                }
            }
            return .array(output)
        default:
            return nil
        }
    }

    // MARK: Computed fields

    /// Sets the computed fields (literals, `$elemMatch`) of a level on an already projected document, in projection
    /// order. A computed field replaces a field of the same name in place or is appended; an `$elemMatch` that finds
    /// nothing removes the field.
    static func addComputed(to output: inout BSONDocument, _ tree: ProjectionTree, root: BSONDocument) {
        for entry in tree.entries {
            switch entry.node {
            case .literal(let value):
                output[entry.name] = value
            case .elemMatch(let elemMatch):
                output[entry.name] = elemMatch.firstMatch(in: root)
            case .tree(let subtree) where subtree.hasComputed:
                output[entry.name] = computedValue(output[entry.name], subtree, root: root)
            default:
                continue
            }
        }
    }

    /// A sub-level's computed fields applied to a value: into a document, into each element of an array, or into a
    /// new document when the value is missing or not a document.
    private static func computedValue(_ value: BSONValue?, _ tree: ProjectionTree, root: BSONDocument) -> BSONValue {
        switch value {
        case .document(var document)?:
            addComputed(to: &document, tree, root: root)
            return .document(document)
        case .array(let array)?:
            return .array(array.map { computedValue($0, tree, root: root) })
        default:
            var document = BSONDocument()
            addComputed(to: &document, tree, root: root)
            return .document(document)
        }
    }

    // MARK: Exclusion

    /// The exclusion pass: every field but the excluded ones, in the input document's order.
    static func exclude(_ document: BSONDocument, _ tree: ProjectionTree) -> BSONDocument {
        var output = BSONDocument(minimumCapacity: document.count)
        for (key, value) in document {
            guard let node = tree.node(named: key) else {
                output.append(key, value)
                continue
            }
            switch node {
            case .exclude:
                continue
            case .tree(let subtree):
                output.append(key, excludeValue(value, subtree))
            default:
                output.append(key, value)
            }
        }
        return output
    }

    /// A value under a sub-level of an exclusion: documents lose the excluded fields, arrays are handled element by
    /// element, other values stay.
    private static func excludeValue(_ value: BSONValue, _ tree: ProjectionTree) -> BSONValue {
        switch value {
        case .document(let document):
            return .document(exclude(document, tree))
        case .array(let array):
            return .array(array.map { excludeValue($0, tree) })
        default:
            return value
        }
    }

    // MARK: $slice

    /// Slices the array at `path`; arrays met before the last component are walked element by element (documents
    /// only; nested arrays are not entered), values that are not arrays stay unchanged.
    static func slice(_ document: BSONDocument, _ path: ArraySlice<String>, _ slice: ProjectionSlice) -> BSONDocument {
        guard let name = path.first, let index = document.index(forKey: name) else { return document }
        var output = document
        output[index].value = sliceValue(document[index].value, path.dropFirst(), slice)
        return output
    }

    private static func sliceValue(_ value: BSONValue, _ rest: ArraySlice<String>, _ slice: ProjectionSlice)
        -> BSONValue
    {
        switch value {
        case .array(let array):
            if rest.isEmpty { return .array(slice.apply(array)) }
            return .array(
                array.map { element in
                    if case .document(let document) = element {
                        return .document(Self.slice(document, rest, slice))
                    }
                    return element
                })
        case .document(let document) where !rest.isEmpty:
            return .document(Self.slice(document, rest, slice))
        default:
            return value
        }
    }

    // MARK: Positional $

    /// Replaces the first array on `path` with the one-element array holding the query's matching element.
    /// Documents on the path are descended; a missing or scalar value leaves the document unchanged.
    static func applyPositional(_ document: inout BSONDocument, _ path: [String], position: Int?) throws(DocketError) {
        var current = document
        for depth in path.indices {
            guard let value = current[path[depth]] else { return }
            switch value {
            case .array(let array):
                guard let position else {
                    throw DocketError(
                        .positionalNoMatchingElement,
                        "positional operator '.$' couldn't find a matching element in the array",
                        fieldPath: path.joined(separator: "."))
                }
                guard position >= 0 && position < array.count else {
                    throw DocketError(
                        .positionalElementMismatch, "positional operator '.$' element mismatch",
                        fieldPath: path.joined(separator: "."))
                }
                setNested(&document, path[...depth], .array([array[position]]))
                return
            case .document(let next):
                current = next
            default:
                return
            }
        }
    }

    /// Sets the value at a path whose intermediate values are documents.
    private static func setNested(_ document: inout BSONDocument, _ path: ArraySlice<String>, _ value: BSONValue) {
        guard let name = path.first else { return }
        if path.count == 1 {
            document[name] = value
            return
        }
        guard let index = document.index(forKey: name), case .document(var inner) = document[index].value else {
            return
        }
        document[index].value = .null  // release the reference so `inner` is uniquely owned
        setNested(&inner, path.dropFirst(), value)
        document[index].value = .document(inner)
    }
}
