import DocketBSON

// Matching a filter leaf: the leaf's predicate is tested against the candidate elements its path generates from a
// stored document (MongoDB's `BSONElementIterator`, implemented once in `PathValues.swift`), and matches when it
// matches one of them.

/// A filter's dotted path, split once into components for matching encoded documents.
struct FilterPath: Sendable, CustomStringConvertible {
    let components: [FieldPath.Component]
    let dotted: String

    /// Splits `path` at dots. Empty components are allowed (they name fields with empty names), as MongoDB's
    /// `FieldRef` does in filters.
    init(_ path: String) {
        dotted = path
        components = path.split(separator: ".", omittingEmptySubsequences: false).map(FieldPath.Component.init)
    }

    var description: String { dotted }
}

extension FilterPath {
    /// Whether `predicate` matches a candidate element the path generates from the document at `documentOffset`.
    ///
    /// On a match, `position` receives the array position MongoDB records for the positional `$` operator
    /// (its `elemMatchKey`), when there is one; otherwise it is left as it was.
    @inline(__always)
    func firstMatch(
        _ predicate: LeafPredicate,
        in buffer: UnsafeRawBufferPointer,
        documentAt documentOffset: Int,
        position: inout Int?
    ) -> Bool {
        // The common case first: a path through embedded documents only (every top-level field, `settings.theme`)
        // reaches one value or none, which is the walk's only candidate; no visitor is built. The first array met
        // hands the path to the walker, which owns the array rules.
        let accessor = RawPathAccessor(buffer: buffer)
        var current: RawElement? = RawPathAccessor.root(at: documentOffset)
        for component in components {
            guard let value = current else { break }
            switch value.type {
            case .document: current = accessor.field(component, of: value)
            case .array: return walk(predicate, in: buffer, documentAt: documentOffset, position: &position)
            default: current = nil  // a scalar before the path ends: absent
            }
        }
        if let value = current, value.type == .array {
            return walk(predicate, in: buffer, documentAt: documentOffset, position: &position)
        }
        // What the walker reports here: the value, or `nil` where the path is absent, at no array position.
        var recorded: Int?
        guard predicate.matches(current, in: buffer, position: &recorded) else { return false }
        if let recorded { position = recorded }
        return true
    }

    /// ``firstMatch(_:in:documentAt:position:)`` through the path walker: every candidate under MongoDB's array rules.
    private func walk(
        _ predicate: LeafPredicate,
        in buffer: UnsafeRawBufferPointer,
        documentAt documentOffset: Int,
        position: inout Int?
    ) -> Bool {
        var visitor = MatchVisitor(predicate: predicate, buffer: buffer)
        let semantics: PathSemantics = predicate.traversesLeafArrays ? .matching : .matchingWholeArrays
        guard
            PathValues.walk(
                components, from: RawPathAccessor.root(at: documentOffset), RawPathAccessor(buffer: buffer),
                semantics, &visitor)
        else { return false }
        if let found = visitor.position { position = found }
        return true
    }
}

/// Tests a leaf predicate against each candidate; stops at the first match, remembering its array position.
private struct MatchVisitor: PathVisitor {
    let predicate: LeafPredicate
    let buffer: UnsafeRawBufferPointer
    var position: Int?

    init(predicate: LeafPredicate, buffer: UnsafeRawBufferPointer) {
        self.predicate = predicate
        self.buffer = buffer
    }

    @inline(__always)
    mutating func visit(_ hit: PathHit<RawElement>) -> Bool {
        var recorded: Int?
        guard predicate.matches(hit.value, in: buffer, position: &recorded) else { return false }
        position = hit.outerPosition ?? hit.elementIndex ?? recorded
        return true
    }
}
