// TEMPORARY: stands in for `Query/Matcher.swift` (the query engineer's file) until it is merged into this branch.
// It declares the shared `MatchDetails` contract and a minimal matcher for `$elemMatch` projection tests.
// Delete this file when `Matcher` lands.

/// What a successful match learned about the document: the first matched array index, for the positional `$`.
public struct MatchDetails: Sendable {
    /// Creates empty details.
    public init() {}
    /// The first array index matched by the query on the array field, for the positional `$` operator.
    public var arrayPosition: Int?
}

/// Placeholder for the query engineer's `Matcher`: always throws, so `$elemMatch` projections are rejected.
struct Matcher: Sendable {
    init(_ filter: Document) throws(DatabaseError) {
        throw DatabaseError(.notImplemented, "$elemMatch projection needs the query matcher")
    }

    func matches(_ document: Document) -> Bool { false }
}
