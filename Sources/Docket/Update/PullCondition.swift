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

    init(parsing argument: BSONValue) throws(DatabaseError) {
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

/// A query condition on documents, used for `$pull` conditions and array filters.
///
/// This is a small evaluator for the common forms: equality (with implicit array traversal and `null` matching
/// missing fields), `$eq $ne $gt $gte $lt $lte $in $nin $exists $not $size $all $elemMatch $type $mod`, and
/// `$and $or $nor`. It follows MongoDB's query semantics for those forms; it exists until the query layer's
/// `Matcher` is available here, and keeps the same shape (`init(_ filter:)`, `matches(_:)`) so the switch is a
/// one-line change.
struct UpdateElementFilter: Sendable {
    private let root: FilterNode

    /// Compiles a filter document.
    /// - Throws: `BadValue` (2) for unknown operators and malformed arguments; `NotImplemented` (238) for
    ///   regular expressions, `$expr` and other forms this evaluator does not cover.
    init(_ filter: Document) throws(DatabaseError) {
        root = try FilterNode.parse(filter)
    }

    /// Whether the document matches.
    func matches(_ document: Document) -> Bool { root.matches(document) }

    /// Whether a key is a query operator that applies to a field's value (`$gt`, `$in`, …), as opposed to a
    /// field name or a logical operator (MongoDB's `parsePathAcceptingKeyword`).
    static func isFieldOperator(_ key: String) -> Bool { FieldTest.operators.contains(key) }
}

private indirect enum FilterNode: Sendable {
    case and([FilterNode])
    case or([FilterNode])
    case nor([FilterNode])
    case field([String], FieldTest)

    static func parse(_ filter: Document) throws(DatabaseError) -> FilterNode {
        var clauses: [FilterNode] = []
        for (key, value) in filter {
            if key.hasPrefix("$") {
                switch key {
                case "$and", "$or", "$nor":
                    guard case .array(let items) = value, !items.isEmpty else {
                        throw DatabaseError(.badValue, "\(key) must be a nonempty array")
                    }
                    var children: [FilterNode] = []
                    for item in items {
                        guard case .document(let d) = item else {
                            throw DatabaseError(.badValue, "\(key) argument's entries must be objects")
                        }
                        children.append(try parse(d))
                    }
                    clauses.append(key == "$and" ? .and(children) : key == "$or" ? .or(children) : .nor(children))
                case "$comment":
                    continue
                case "$expr", "$where", "$text", "$jsonSchema":
                    throw DatabaseError(.notImplemented, "\(key) is not supported in update conditions yet")
                default:
                    throw DatabaseError(.badValue, "unknown top level operator: \(key)")
                }
            } else {
                let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                clauses.append(.field(parts, try FieldTest.parse(value)))
            }
        }
        return clauses.count == 1 ? clauses[0] : .and(clauses)
    }

    func matches(_ document: Document) -> Bool {
        switch self {
        case .and(let children): return children.allSatisfy { $0.matches(document) }
        case .or(let children): return children.contains { $0.matches(document) }
        case .nor(let children): return !children.contains { $0.matches(document) }
        case .field(let parts, let test):
            var candidates: [Candidate] = []
            collect(.document(document), parts[...], into: &candidates)
            return test.matches(candidates)
        }
    }
}

/// A value found along a path: `nil` where the path is missing; `expanded` for the elements of an array at the
/// end of the path (they match equality and comparisons, not `$size` or `$elemMatch`).
private struct Candidate {
    var value: BSONValue?
    var expanded: Bool
}

/// MongoDB's path traversal: documents by field, arrays by index or implicitly through their document elements.
private func collect(_ value: BSONValue, _ parts: ArraySlice<String>, into out: inout [Candidate]) {
    guard let first = parts.first else {
        out.append(Candidate(value: value, expanded: false))
        if case .array(let elements) = value {
            for e in elements { out.append(Candidate(value: e, expanded: true)) }
        }
        return
    }
    switch value {
    case .document(let d):
        if let child = d[first] {
            collect(child, parts.dropFirst(), into: &out)
        } else {
            out.append(Candidate(value: nil, expanded: false))
        }
    case .array(let elements):
        let before = out.count
        if let index = UpdatePath.arrayIndex(first), index < elements.count {
            collect(elements[index], parts.dropFirst(), into: &out)
        }
        for e in elements {
            if case .document = e { collect(e, parts, into: &out) }
        }
        if out.count == before { out.append(Candidate(value: nil, expanded: false)) }
    default:
        out.append(Candidate(value: nil, expanded: false))
    }
}

private enum ComparisonOperator: Sendable {
    case gt, gte, lt, lte

    func holds(_ c: Int) -> Bool {
        switch self {
        case .gt: c > 0
        case .gte: c >= 0
        case .lt: c < 0
        case .lte: c <= 0
        }
    }
}

private indirect enum FieldTest: Sendable {
    case equal(BSONValue)
    case compare(ComparisonOperator, BSONValue)
    case anyOf([BSONValue])
    case exists(Bool)
    case size(Int)
    case all([BSONValue])
    case elemMatchDocument(FilterNode)
    case elemMatchValue(FieldTest)
    case not(FieldTest)
    case type([BSONType], includesNumbers: Bool)
    case mod(divisor: Int64, remainder: Int64)
    case allOf([FieldTest])

    static let operators: Set<String> = [
        "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$type", "$size", "$all",
        "$elemMatch", "$not", "$regex", "$options", "$mod", "$bitsAllSet", "$bitsAllClear", "$bitsAnySet",
        "$bitsAnyClear", "$geoWithin", "$geoIntersects", "$near", "$nearSphere", "$within", "$_internalSchemaType",
    ]

    /// Parses the value of a field in a filter: an operator document or a value to equal.
    static func parse(_ value: BSONValue) throws(DatabaseError) -> FieldTest {
        if case .regex = value {
            throw DatabaseError(.notImplemented, "regular expressions in update conditions are not supported yet")
        }
        guard case .document(let spec) = value, let first = spec.first, first.key.hasPrefix("$") else {
            return .equal(value)
        }
        var tests: [FieldTest] = []
        for (op, argument) in spec {
            tests.append(try parseOperator(op, argument))
        }
        return tests.count == 1 ? tests[0] : .allOf(tests)
    }

    private static func parseOperator(_ op: String, _ argument: BSONValue) throws(DatabaseError) -> FieldTest {
        switch op {
        case "$eq": return .equal(argument)
        case "$ne": return .not(.equal(argument))
        case "$gt": return .compare(.gt, argument)
        case "$gte": return .compare(.gte, argument)
        case "$lt": return .compare(.lt, argument)
        case "$lte": return .compare(.lte, argument)
        case "$in", "$nin":
            guard case .array(let items) = argument else { throw DatabaseError(.badValue, "\(op) needs an array") }
            for item in items {
                if case .regex = item {
                    throw DatabaseError(
                        .notImplemented, "regular expressions in update conditions are not supported yet")
                }
            }
            return op == "$in" ? .anyOf(items) : .not(.anyOf(items))
        case "$exists":
            switch argument {
            case .bool(let b): return .exists(b)
            case .null, .undefined: return .exists(false)
            default: return .exists(argument.isNumber ? (argument.doubleValue ?? 0) != 0 : true)
            }
        case "$size":
            guard let n = argument.int64Value, argument.isNumber else {
                throw DatabaseError(.badValue, "$size needs a number")
            }
            guard n >= 0 else { throw DatabaseError(.badValue, "$size may not be negative") }
            return .size(Int(n))
        case "$all":
            guard case .array(let items) = argument else { throw DatabaseError(.badValue, "$all needs an array") }
            return .all(items)
        case "$elemMatch":
            guard case .document(let spec) = argument else {
                throw DatabaseError(.badValue, "$elemMatch needs an Object")
            }
            if let first = spec.first, isFieldOperatorKey(first.key) {
                return .elemMatchValue(try parse(argument))
            }
            return .elemMatchDocument(try FilterNode.parse(spec))
        case "$not":
            switch argument {
            case .document(let spec):
                guard !spec.isEmpty else { throw DatabaseError(.badValue, "$not cannot be empty") }
                return .not(try parse(argument))
            case .regex:
                throw DatabaseError(.notImplemented, "regular expressions in update conditions are not supported yet")
            default:
                throw DatabaseError(.badValue, "$not needs a regex or a document")
            }
        case "$type":
            return try parseType(argument)
        case "$mod":
            guard case .array(let items) = argument, items.count == 2, items.allSatisfy(\.isNumber) else {
                throw DatabaseError(.badValue, "malformed mod, needs to be an array")
            }
            guard let d = items[0].int64Value ?? items[0].doubleValue.map({ Int64($0.rounded(.towardZero)) }),
                d != 0
            else { throw DatabaseError(.badValue, "divisor cannot be 0") }
            let r = items[1].int64Value ?? items[1].doubleValue.map { Int64($0.rounded(.towardZero)) } ?? 0
            return .mod(divisor: d, remainder: r)
        default:
            if operators.contains(op) {
                throw DatabaseError(.notImplemented, "\(op) is not supported in update conditions yet")
            }
            throw DatabaseError(.badValue, "unknown operator: \(op)")
        }
    }

    private static func isFieldOperatorKey(_ key: String) -> Bool { operators.contains(key) }

    private static func parseType(_ argument: BSONValue) throws(DatabaseError) -> FieldTest {
        let items: [BSONValue]
        if case .array(let a) = argument { items = a } else { items = [argument] }
        var types: [BSONType] = []
        var numbers = false
        for item in items {
            if case .string(let alias) = item {
                if alias == "number" {
                    numbers = true
                } else if let t = BSONType.allCases.first(where: { $0.alias == alias }) {
                    types.append(t)
                } else {
                    throw DatabaseError(.badValue, "Unknown type name alias: \(alias)")
                }
            } else if let code = item.int64Value, item.isNumber {
                guard let t = BSONType.allCases.first(where: { Int64($0.code) == code }) else {
                    throw DatabaseError(.badValue, "Invalid numerical type code: \(code)")
                }
                types.append(t)
            } else {
                throw DatabaseError(.typeMismatch, "type must be represented as a number or a string")
            }
        }
        return .type(types, includesNumbers: numbers)
    }

    func matches(_ candidates: [Candidate]) -> Bool {
        switch self {
        case .equal(let value):
            if case .null = value {
                return candidates.contains { c in
                    guard let v = c.value else { return true }
                    if case .null = v { return true }
                    return false
                }
            }
            return candidates.contains { $0.value.map { v in v == value } ?? false }
        case .compare(let op, let value):
            if case .null = value, op == .gte || op == .lte { return FieldTest.equal(.null).matches(candidates) }
            let rank = value.type.canonicalRank
            return candidates.contains { c in
                guard let v = c.value, v.type.canonicalRank == rank else { return false }
                return op.holds(BSONValue.compare(v, value))
            }
        case .anyOf(let items):
            return items.contains { FieldTest.equal($0).matches(candidates) }
        case .exists(let wanted):
            return candidates.contains { $0.value != nil } == wanted
        case .size(let n):
            return candidates.contains { c in
                guard !c.expanded, case .array(let a)? = c.value else { return false }
                return a.count == n
            }
        case .all(let items):
            return !items.isEmpty && items.allSatisfy { FieldTest.equal($0).matches(candidates) }
        case .elemMatchDocument(let node):
            return candidates.contains { c in
                guard !c.expanded, case .array(let a)? = c.value else { return false }
                return a.contains { e in
                    guard case .document(let d) = e else { return false }
                    return node.matches(d)
                }
            }
        case .elemMatchValue(let test):
            return candidates.contains { c in
                guard !c.expanded, case .array(let a)? = c.value else { return false }
                return a.contains { test.matches([Candidate(value: $0, expanded: false)]) }
            }
        case .not(let test):
            return !test.matches(candidates)
        case .type(let types, let numbers):
            return candidates.contains { c in
                guard let v = c.value else { return false }
                return (numbers && v.isNumber) || types.contains(v.type)
            }
        case .mod(let divisor, let remainder):
            return candidates.contains { c in
                guard let v = c.value, v.isNumber else { return false }
                let n = v.int64Value ?? v.doubleValue.map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 } ?? 0
                return n % divisor == remainder
            }
        case .allOf(let tests):
            return tests.allSatisfy { $0.matches(candidates) }
        }
    }
}
