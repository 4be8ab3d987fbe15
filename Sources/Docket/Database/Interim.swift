// INTERIM stand-in for the UpdatePlan, with exactly the contract signatures, so that the collection layer compiles
// and is tested before the real one lands (the Matcher, Projection and SortSpec are the real ones, merged from the
// query and projsort branches). The lead deletes this file when merging the update branch; nothing outside this file
// depends on anything but the contract API.
//
// Supported here: `$set`, `$inc`, `$unset` of top-level fields, and replacements.

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
