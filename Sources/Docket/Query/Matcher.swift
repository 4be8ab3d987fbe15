import DocketBSON

/// A compiled MongoDB query filter: parse once, then test many documents.
///
/// The filter language is MongoDB 8's: comparison (`$eq $ne $gt $gte $lt $lte $in $nin`), logical
/// (`$and $or $nor $not`), element (`$exists $type`), evaluation (`$regex $mod`), array (`$all $elemMatch
/// $size`) and bitwise (`$bitsAllSet $bitsAnySet $bitsAllClear $bitsAnyClear`) operators, `$comment`, dotted
/// paths with MongoDB's implicit array traversal, `null` matching missing fields, and type bracketing.
/// Matching reads the encoded document in place: only the fields the filter names are visited, and only the
/// values that cannot be compared as bytes are decoded.
///
/// ```swift
/// let matcher = try Matcher(["teams.role": "admin", "age": ["$gte": 18]])
/// matcher.matches(try RawDocument(user))   // true or false
/// ```
///
/// `$expr` evaluates an aggregation expression on the stored document (see `ExprFilter.swift`).
///
/// - Note: Differs from MongoDB: `$where`, `$text`, `$jsonSchema`, `$sampleRate` and the geospatial
///   operators throw `NotImplemented` (238). Regular expressions run on ICU, not PCRE (see `RegexEngine.swift`).
///   There are no collations: strings compare by their UTF-8 bytes.
struct Matcher: Sendable {
    let root: FilterNode
    /// A specialised plan for `{field: "string"}`, the commonest filter.
    let stringEquality: TopLevelStringEquality?

    /// Whether the filter matches every document (`{}`, or only `$comment`).
    let isMatchAll: Bool
    /// Whether the filter uses `$expr`, which is evaluated with the document at hand and can fail.
    let hasExpr: Bool

    /// Compiles a filter.
    ///
    /// - Parameter filter: A MongoDB query filter such as `["email": "ada@example.com"]`.
    /// - Throws: ``DocketError`` with MongoDB's code and message: `BadValue` (2) for unknown or malformed
    ///   operators (`unknown operator: $foo`, `$in needs an array`, …), `FailedToParse` (9) and `TypeMismatch`
    ///   (14) where MongoDB uses them, `Location51091`/`Location51108` for invalid regular expressions,
    ///   `NotImplemented` (238) for the unsupported operators; `Overflow` (15) for a filter nested deeper than 100
    ///   levels (checked before parsing, so parsing never recurses deeper than that); `Location17276` "Use of
    ///   undefined variable: x" for a `$$x` in `$expr` that is neither a system variable nor in `variables`.
    /// - Parameters:
    ///   - variables: the operation's `let` variables, which every `$expr` of the filter reads as `$$name`.
    ///   - scope: for a `$match` stage, the stage's scope: every `$expr` reads its variables, whose values the stage
    ///     passes when it matches (``matches(_:environment:)``).
    init(_ filter: BSONDocument, variables: LetVariables? = nil, scope: ExpressionScope? = nil) throws(DocketError) {
        try ArgumentRules.checkNesting(filter, "filter")
        root = try FilterParser.parseFilter(filter, level: .topLevel, variables: variables, scope: scope)
        if case .alwaysTrue = root { isMatchAll = true } else { isMatchAll = false }
        stringEquality = TopLevelStringEquality.make(for: root)
        hasExpr = root.containsExpr
    }

    /// The filter `{}`: matches every document.
    static let matchAll: Matcher = {
        do { return try Matcher([:]) } catch { preconditionFailure("the empty filter compiles") }
    }()

    /// Whether an encoded document matches.
    /// - Complexity: Proportional to the bytes of the fields the filter visits.
    func matches(_ document: RawDocument) -> Bool {
        if let stringEquality {
            let decided = document.bytes.withUnsafeBytes { stringEquality.matches($0) }
            if let decided { return decided }
        }
        var details = MatchDetails()
        return matches(document, details: &details)
    }

    /// Whether an encoded document matches, recording the array position the positional `$` operator needs.
    ///
    /// ```swift
    /// var details = MatchDetails()
    /// try Matcher(["teams.role": "admin"]).matches(raw, details: &details)   // details.arrayPosition == 1
    /// ```
    func matches(_ document: RawDocument, details: inout MatchDetails) -> Bool {
        if isMatchAll { return true }
        if let stringEquality {
            // A top-level string equality decides without traversing an array: no position to record.
            let decided = document.bytes.withUnsafeBytes { stringEquality.matches($0) }
            if let decided {
                details.arrayPosition = nil
                return decided
            }
        }
        var position: Int?
        let matched: Bool
        if hasExpr {
            matched = root.matchesWithDocument(document, position: &position, error: &details.error)
        } else {
            matched = document.bytes.withUnsafeBytes { buffer in
                root.matches(in: buffer, documentAt: 0, position: &position)
            }
        }
        details.arrayPosition = matched ? position : nil
        return matched
    }

    /// Whether an in-memory document matches (it is encoded once, then matched like a stored one).
    ///
    /// A document that cannot be encoded (a key with a NUL byte, nesting beyond the BSON limit) matches only a
    /// match-all filter.
    func matches(_ document: BSONDocument) -> Bool {
        var details = MatchDetails()
        return matches(document, details: &details)
    }

    /// Whether an in-memory document matches, recording the array position for the positional `$` operator.
    func matches(_ document: BSONDocument, details: inout MatchDetails) -> Bool {
        if isMatchAll { return true }
        guard let raw = try? RawDocument(document) else { return false }
        return matches(raw, details: &details)
    }
}

/// What a successful match learned beyond yes or no.
struct MatchDetails: Sendable {
    /// The index, in the first array the query traversed, of the element that satisfied it (MongoDB's
    /// `elemMatchKey`), for the positional `$` operator of updates and projections; `nil` when no array was
    /// involved.
    ///
    /// ```swift
    /// // {teams: [{role: "viewer"}, {role: "admin"}]} matched by {"teams.role": "admin"}: 1
    /// ```
    var arrayPosition: Int?
    /// Why the filter could not be evaluated on the document (a failing `$expr`); the document then does not match
    /// and the operation fails with this error.
    var error: DocketError?

    /// Creates empty details.
    init() {}
}
