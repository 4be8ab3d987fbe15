// INTERIM stand-ins for the Matcher, UpdatePlan, Projection and SortSpec, with exactly the contract signatures, so
// that the collection layer compiles and is tested before the real ones land. The lead deletes this file when
// merging them; nothing outside this file depends on anything but the contract API.
//
// Supported here: filters `{}` and top-level `{field: value}` / `{field: {$eq: value}}` (with array containment and
// null matching missing); updates `$set`, `$inc`, `$unset` of top-level fields and replacements; projections of
// top-level fields (inclusion or exclusion); sorts on top-level fields.

/// Interim matcher: `{}` and top-level equality only.
public struct Matcher: Sendable {
    private let predicates: [(key: String, value: BSONValue)]

    /// Compiles a filter.
    /// - Throws: `notImplemented` for any operator the interim matcher lacks.
    public init(_ filter: Document) throws(DatabaseError) {
        var predicates: [(key: String, value: BSONValue)] = []
        for (key, value) in filter {
            if key.hasPrefix("$") {
                throw DatabaseError(.notImplemented, "interim matcher: unsupported operator \(key)")
            }
            if case .document(let inner) = value, let first = inner.first, first.key.hasPrefix("$") {
                guard inner.count == 1, first.key == "$eq" else {
                    throw DatabaseError(.notImplemented, "interim matcher: unsupported operator \(first.key)")
                }
                predicates.append((key, first.value))
            } else {
                predicates.append((key, value))
            }
        }
        self.predicates = predicates
    }

    /// Whether the encoded document matches.
    public func matches(_ document: RawDocument) -> Bool {
        var details = MatchDetails()
        return matches(document, details: &details)
    }

    /// Whether the encoded document matches, recording details for the positional operator.
    public func matches(_ document: RawDocument, details: inout MatchDetails) -> Bool {
        for (key, expected) in predicates where !Self.equal(document[key], expected) { return false }
        return true
    }

    /// Whether the decoded document matches.
    public func matches(_ document: Document) -> Bool {
        for (key, expected) in predicates where !Self.equal(document[key], expected) { return false }
        return true
    }

    /// Whether the filter matches every document.
    public var isMatchAll: Bool { predicates.isEmpty }

    /// The value `v` when the filter constrains `_id == v`.
    public var idEquality: BSONValue? {
        for (key, value) in predicates where key == "_id" {
            if case .regex = value { return nil }
            return value
        }
        return nil
    }

    private static func equal(_ actual: BSONValue?, _ expected: BSONValue) -> Bool {
        guard let actual else { return expected == .null }
        if actual == expected { return true }
        if case .array(let elements) = actual { return elements.contains(expected) }
        return false
    }
}

/// Interim match details.
public struct MatchDetails: Sendable {
    /// Creates empty details.
    public init() {}
    /// The first array index matched by the query on the array field.
    public var arrayPosition: Int?
}

/// Interim update plan: `$set`, `$inc`, `$unset` of top-level fields, and replacements.
public struct UpdatePlan: Sendable {
    private enum Operation: Sendable {
        case set(String, BSONValue)
        case inc(String, BSONValue)
        case unset(String)
    }

    private let operations: [Operation]
    private let replacement: Document?

    /// Compiles an update document (operators) or a replacement (no operators).
    /// - Throws: `failedToParse` for unknown operators; `notImplemented` for those the interim plan lacks.
    public init(_ update: Document, arrayFilters: [Document] = []) throws(DatabaseError) {
        guard let first = update.first, first.key.hasPrefix("$") else {
            replacement = update
            operations = []
            return
        }
        var operations: [Operation] = []
        for (op, argument) in update {
            guard case .document(let fields) = argument else {
                throw DatabaseError(
                    .failedToParse, "Modifiers operate on fields but we found type \(argument.type) instead.")
            }
            for (path, value) in fields {
                if path == "_id" && op != "$setOnInsert" {
                    throw DatabaseError(
                        .immutableField, "Performing an update on the path '_id' would modify the immutable field '_id'"
                    )
                }
                switch op {
                case "$set": operations.append(.set(path, value))
                case "$inc":
                    guard value.isNumber else {
                        throw DatabaseError(.typeMismatch, "Cannot increment with non-numeric argument: {\(path): …}")
                    }
                    operations.append(.inc(path, value))
                case "$unset": operations.append(.unset(path))
                default:
                    throw DatabaseError(.notImplemented, "interim update plan: unsupported operator \(op)")
                }
            }
        }
        self.operations = operations
        self.replacement = nil
    }

    /// Whether the update is a replacement document.
    public var isReplacement: Bool { replacement != nil }

    /// Applies the update; returns whether the document changed. On throw the document is unchanged.
    public func apply(to document: inout Document, arrayPosition: Int?, isInsert: Bool) throws(DatabaseError) -> Bool {
        if let replacement {
            let before = document
            try UpdatePlan.replace(&document, with: replacement)
            return !before.isIdentical(to: document)
        }
        var result = document
        for operation in operations {
            switch operation {
            case .set(let path, let value): result[path] = value
            case .unset(let path): result[path] = nil
            case .inc(let path, let amount):
                let current = result[path] ?? .int32(0)
                switch (current, amount) {
                case (.int32(let a), .int32(let b)):
                    let (sum, overflow) = a.addingReportingOverflow(b)
                    result[path] = overflow ? .int64(Int64(a) + Int64(b)) : .int32(sum)
                case (.int32, .int64), (.int64, .int32), (.int64, .int64):
                    result[path] = .int64(current.int64Value! &+ amount.int64Value!)
                default:
                    guard let a = current.doubleValue, let b = amount.doubleValue else {
                        throw DatabaseError(
                            .typeMismatch, "Cannot apply $inc to a value of non-numeric type. field '\(path)'")
                    }
                    result[path] = .double(a + b)
                }
            }
        }
        let changed = !result.isIdentical(to: document)
        document = result
        return changed
    }

    /// The document an upsert starts from: the filter's top-level equality predicates.
    public static func upsertSeed(from filter: Document) throws(DatabaseError) -> Document {
        var seed = Document()
        for (key, value) in filter where !key.hasPrefix("$") && !key.contains(".") {
            if case .document(let inner) = value, let first = inner.first, first.key.hasPrefix("$") {
                if inner.count == 1, first.key == "$eq" { seed[key] = first.value }
                continue
            }
            seed[key] = value
        }
        return seed
    }

    /// Replaces a document's fields, keeping its `_id` (first).
    /// - Throws: `immutableField` (66) if the replacement changes `_id`.
    public static func replace(_ document: inout Document, with replacement: Document) throws(DatabaseError) {
        var result = replacement
        if let id = document["_id"] {
            if let newID = replacement["_id"] {
                guard newID.isIdentical(to: id) else {
                    throw DatabaseError(
                        .immutableField,
                        "After applying the update, the (immutable) field '_id' was found to have been altered to "
                            + "_id: \(newID)")
                }
                result.removeValue(forKey: "_id")
            }
            result.insert("_id", id, at: 0)
        }
        document = result
    }
}

/// Interim projection: top-level inclusion or exclusion.
public struct Projection: Sendable {
    private let fields: [String: Bool]
    private let includesID: Bool
    private let isInclusion: Bool

    /// Compiles a projection.
    public init(_ spec: Document) throws(DatabaseError) {
        var fields: [String: Bool] = [:]
        var includesID = true
        for (key, value) in spec {
            let on: Bool
            switch value {
            case .bool(let b): on = b
            case .int32, .int64, .double, .decimal128: on = value != .int32(0)
            default: throw DatabaseError(.notImplemented, "interim projection: unsupported value for \(key)")
            }
            if key == "_id" { includesID = on } else { fields[key] = on }
        }
        self.fields = fields
        self.includesID = includesID
        self.isInclusion = fields.values.contains(true) || (fields.isEmpty && spec["_id"] != nil && includesID)
        if fields.values.contains(true) && fields.values.contains(false) {
            throw DatabaseError(.location, "Cannot do exclusion on field in inclusion projection")
        }
    }

    /// Applies the projection.
    public func apply(to document: Document, details: MatchDetails) throws(DatabaseError) -> Document {
        var result = Document()
        for (key, value) in document {
            if key == "_id" {
                if includesID { result.append(key, value) }
            } else if isInclusion ? fields[key] == true : fields[key] != false {
                result.append(key, value)
            }
        }
        return result
    }

    /// Whether the projection returns documents unchanged.
    public var isIdentity: Bool { fields.isEmpty && includesID }
}

/// Interim sort: top-level fields, missing sorts as null.
public struct SortSpec: Sendable {
    private let keys: [(field: String, ascending: Bool)]

    /// Compiles a sort specification.
    public init(_ spec: Document) throws(DatabaseError) {
        var keys: [(field: String, ascending: Bool)] = []
        for (key, value) in spec {
            guard let direction = value.int64Value, direction == 1 || direction == -1 else {
                throw DatabaseError(.badValue, "$sort key ordering must be 1 (for ascending) or -1 (for descending)")
            }
            keys.append((key, direction == 1))
        }
        self.keys = keys
    }

    /// Compares two documents.
    public func compare(_ a: Document, _ b: Document) -> Int {
        SortSpec.compareKeys(sortKey(for: a), sortKey(for: b), spec: self)
    }

    /// The sort key of a document.
    public func sortKey(for document: Document) -> [BSONValue] {
        keys.map { document[$0.field] ?? .null }
    }

    /// Compares precomputed keys.
    public static func compareKeys(_ a: [BSONValue], _ b: [BSONValue], spec: SortSpec) -> Int {
        for (i, key) in spec.keys.enumerated() {
            let c = BSONValue.compare(a[i], b[i])
            if c != 0 { return key.ascending ? c : -c }
        }
        return 0
    }
}
