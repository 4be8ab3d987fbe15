import DocketBSON

/// A compiled filter: the tree ``FilterParser`` builds from a filter document, with paths pre-split and
/// constants pre-classified, evaluated directly on encoded documents.
///
/// The tree mirrors MongoDB's `MatchExpression`: logical nodes over leaves, each leaf a path plus a predicate
/// that is tested against the candidate elements the path generates (see `PathTraversal.swift`). A `not` node
/// negates the whole path match (`$ne`, `$nin`, `$not`, `$exists: false`), which is why `{a: {$ne: 1}}` does not
/// match `{a: [1, 2]}`.
indirect enum FilterNode: Sendable {
    /// Matches every document (`{}`, `$alwaysTrue`).
    case alwaysTrue
    /// Matches nothing (`{$all: []}`, `$alwaysFalse`).
    case alwaysFalse
    /// Every child matches.
    case and([FilterNode])
    /// Some child matches.
    case or([FilterNode])
    /// No child matches.
    case nor([FilterNode])
    /// The child does not match.
    case not(FilterNode)
    /// The predicate matches one of the elements the path generates.
    case leaf(FilterPath, LeafPredicate)
    /// `$expr`: an aggregation expression is truthy on the document (top level only; see `ExprFilter.swift`).
    case expr(ExprPredicate)

    /// Builds an `and` node, flattening nested `and`s and dropping `alwaysTrue` children.
    static func makeAnd(_ children: [FilterNode]) -> FilterNode {
        var flat: [FilterNode] = []
        for child in children {
            switch child {
            case .alwaysTrue: continue
            case .and(let grandchildren): flat.append(contentsOf: grandchildren)
            default: flat.append(child)
            }
        }
        if flat.isEmpty { return .alwaysTrue }
        if flat.count == 1 { return flat[0] }
        return .and(flat)
    }
}

/// The predicate of a leaf: MongoDB's `matchesSingleElement` for one operator.
enum LeafPredicate: Sendable {
    case comparison(ComparisonPredicate)
    case `in`(InPredicate)
    case exists
    case type(TypePredicate)
    case regex(RegexPredicate)
    case mod(ModPredicate)
    case size(Int)
    case elemMatchObject(FilterNode)
    case elemMatchValue(FilterNode)
    case bits(BitsPredicate)

    /// Whether the elements of an array that ends the path are candidates (all operators except `$size` and
    /// `$elemMatch`, which look at the array itself).
    @inline(__always)
    var traversesLeafArrays: Bool {
        switch self {
        case .size, .elemMatchObject, .elemMatchValue: false
        default: true
        }
    }

    /// Whether the predicate matches one candidate element (`nil`: the path is missing).
    @inline(__always)
    func matches(_ element: RawElement?, in buffer: UnsafeRawBufferPointer, position: inout Int?) -> Bool {
        switch self {
        case .comparison(let predicate): return predicate.matches(element, in: buffer)
        case .in(let predicate): return predicate.matches(element, in: buffer)
        case .exists: return element != nil
        case .type(let predicate): return predicate.matches(element)
        case .regex(let predicate): return predicate.matches(element, in: buffer)
        case .mod(let predicate): return predicate.matches(element, in: buffer)
        case .size(let size): return SizePredicate.matches(element, size: size, in: buffer)
        case .elemMatchObject(let node):
            return ElemMatchPredicate.matchesObject(node, element, in: buffer, position: &position)
        case .elemMatchValue(let node):
            return ElemMatchPredicate.matchesValue(node, element, in: buffer, position: &position)
        case .bits(let predicate): return predicate.matches(element, in: buffer)
        }
    }
}

// MARK: - Evaluation

extension FilterNode {
    /// Whether the document at `documentOffset` in `buffer` matches; `position` receives the array position for
    /// the positional `$` operator when a matching leaf recorded one.
    func matches(in buffer: UnsafeRawBufferPointer, documentAt documentOffset: Int, position: inout Int?) -> Bool {
        switch self {
        case .leaf(let path, let predicate):
            return path.firstMatch(predicate, in: buffer, documentAt: documentOffset, position: &position)
        case .and(let children):
            for child in children where !child.matches(in: buffer, documentAt: documentOffset, position: &position) {
                return false
            }
            return true
        case .or(let children):
            for child in children {
                var inner = position
                if child.matches(in: buffer, documentAt: documentOffset, position: &inner) {
                    position = inner
                    return true
                }
            }
            return false
        case .nor(let children):
            for child in children {
                var ignored: Int?
                if child.matches(in: buffer, documentAt: documentOffset, position: &ignored) { return false }
            }
            return true
        case .not(let child):
            var ignored: Int?
            return !child.matches(in: buffer, documentAt: documentOffset, position: &ignored)
        case .alwaysTrue:
            return true
        case .alwaysFalse:
            return false
        case .expr(let predicate):
            // `Matcher` evaluates `$expr` with the document at hand (`matchesWithDocument`); this copy of the
            // bytes is only a fallback for callers that hold a buffer alone.
            var ignored: DocketError?
            let bytes = Array(UnsafeRawBufferPointer(rebasing: buffer[documentOffset...]))
            return predicate.matches(RawDocument(uncheckedBytes: bytes), environment: nil, error: &ignored)
        }
    }

    /// Whether one element matches, ignoring paths: the value form of `$elemMatch` applies its operators to each
    /// array element this way (MongoDB's `matchesSingleElement` on a tree).
    func matchesElement(_ element: RawElement?, in buffer: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .leaf(_, let predicate):
            var ignored: Int?
            return predicate.matches(element, in: buffer, position: &ignored)
        case .and(let children):
            return children.allSatisfy { $0.matchesElement(element, in: buffer) }
        case .or(let children):
            return children.contains { $0.matchesElement(element, in: buffer) }
        case .nor(let children):
            return !children.contains { $0.matchesElement(element, in: buffer) }
        case .not(let child):
            return !child.matchesElement(element, in: buffer)
        case .alwaysTrue:
            return true
        case .alwaysFalse:
            return false
        case .expr:
            // `$expr` is only parsed at the top level, never inside `$elemMatch`.
            return false
        }
    }
}
