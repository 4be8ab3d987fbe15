/// `$pull`'s condition, chosen as MongoDB chooses it.
///
/// - a document whose first field is not a query operator (`{score: {$gt: 5}, item: "B"}`) is a query on the
///   elements, and only document elements can match;
/// - a document of operators (`{$gte: 6}`, `{$in: [...]}`) or a regular expression applies to each element as a
///   value, with the query's implicit array traversal;
/// - any other value (scalars, arrays) removes the elements equal to it.
enum PullCondition: Sendable {
    case equals(BSONValue)
    case elementQuery(UpdateElementFilter)
    case valueQuery(UpdateElementFilter)

    /// The field name the value-form condition is wrapped under (any non-empty name works).
    static let wrapperField = "pull"

    init(parsing argument: BSONValue) throws(DocketError) {
        switch argument {
        case .document(let spec):
            if let first = spec.first, UpdateElementFilter.isFieldOperator(first.key) {
                self = .valueQuery(try UpdateElementFilter([Self.wrapperField: argument]))
            } else {
                self = .elementQuery(try UpdateElementFilter(spec))
            }
        case .regex:
            self = .valueQuery(try UpdateElementFilter([Self.wrapperField: argument]))
        default:
            self = .equals(argument)
        }
    }

    /// Whether `$pull` removes this element.
    func matches(_ element: BSONValue) -> Bool {
        switch self {
        case .equals(let value):
            return element == value
        case .elementQuery(let filter):
            guard case .document(let d) = element else { return false }
            return filter.matches(d)
        case .valueQuery(let filter):
            return filter.matches([Self.wrapperField: element])
        }
    }
}

/// A query condition on documents, used for `$pull` conditions and array filters: the query layer's ``Matcher``
/// (compiled once when the update is parsed).
struct UpdateElementFilter: Sendable {
    private let matcher: Matcher

    /// Compiles a filter document.
    /// - Throws: the query layer's parse errors (`BadValue` (2) for unknown operators and malformed arguments).
    init(_ filter: BSONDocument) throws(DocketError) {
        matcher = try Matcher(filter)
    }

    /// Whether the document matches.
    func matches(_ document: BSONDocument) -> Bool { matcher.matches(document) }

    /// Whether a key is a query operator that applies to a field's value (`$gt`, `$in`, …), as opposed to a
    /// field name or a logical operator (MongoDB's `parsePathAcceptingKeyword`).
    static func isFieldOperator(_ key: String) -> Bool { QueryOperator(name: key) != nil }
}
