extension UpdatePlan {
    /// The document an upsert starts from: the filter's equality predicates, with dotted paths expanded.
    ///
    /// Plain values, `$eq`, a one-element `$in`, and these inside `$and` (or a one-clause `$or`) count; ranges,
    /// regular expressions and other operators are ignored. Fields come in path order with `_id` first.
    ///
    /// ```swift
    /// try UpdatePlan.upsertSeed(from: ["a": 1, "b.c": 2, "$and": [["d": 3]], "e": ["$gt": 1]])
    /// // {a: 1, b: {c: 2}, d: 3}
    /// ```
    /// - Throws: `NotSingleValueField` (54) when two predicates set the same path or a path and its prefix
    ///   (`cannot infer query fields to set, path 'a' is matched twice`).
    static func upsertSeed(from filter: BSONDocument) throws(DocketError) -> BSONDocument {
        try upsertSeed(from: filter, isReplacement: false)
    }

    /// The document an upsert starts from; for a replacement upsert only `_id` is taken from the filter.
    /// - Throws: as ``upsertSeed(from:)``; for a replacement, `NotExactValueField` (111) when the filter
    ///   constrains a sub-field of `_id` instead of `_id` itself.
    static func upsertSeed(from filter: BSONDocument, isReplacement: Bool) throws(DocketError) -> BSONDocument {
        var equalities: [(path: String, value: BSONValue)] = []
        collectEqualities(filter, into: &equalities)
        if isReplacement {
            var kept: [(path: String, value: BSONValue)] = []
            for equality in equalities {
                let first = equality.path.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)[0]
                guard bsonUTF8Equal(String(first), "_id") else { continue }
                guard bsonUTF8Equal(equality.path, "_id") else {
                    throw DocketError(
                        DocketError.Code(111, "NotExactValueField"),
                        "field at '_id' must be exactly specified, field at sub-path '\(equality.path)'found"
                    )
                }
                kept.append(equality)
            }
            equalities = kept
        }
        // MongoDB keeps the equalities in a map ordered by path, and checks conflicts in that order.
        let sorted = equalities.enumerated().sorted { a, b in
            if a.element.path.utf8.elementsEqual(b.element.path.utf8) { return a.offset < b.offset }
            return a.element.path.utf8.lexicographicallyPrecedes(b.element.path.utf8)
        }.map(\.element)
        var seed = BSONDocument()
        var seen: [[Substring]] = []
        for (path, value) in sorted {
            let parts = path.split(separator: ".", omittingEmptySubsequences: false)
            for earlier in seen where earlier.count <= parts.count && zip(earlier, parts).allSatisfy({ $0 == $1 }) {
                let message =
                    earlier.count == parts.count
                    ? "cannot infer query fields to set, path '\(path)' is matched twice"
                    : "cannot infer query fields to set, both paths '\(path)' and '\(earlier.joined(separator: "."))' are matched"
                throw DocketError(.notSingleValueField, message, fieldPath: path)
            }
            seen.append(parts)
            set(value, at: parts[...], in: &seed)
        }
        if let i = seed.index(forKey: "_id"), i > 0 {
            let id = seed.remove(at: i)
            seed.insert(id.key, id.value, at: 0)
        }
        return seed
    }

    private static func collectEqualities(_ filter: BSONDocument, into out: inout [(path: String, value: BSONValue)]) {
        for (key, value) in filter {
            if key.hasPrefix("$") {
                guard case .array(let clauses) = value else { continue }
                if key == "$and" || (key == "$or" && clauses.count == 1) {
                    for case .document(let clause) in clauses { collectEqualities(clause, into: &out) }
                }
                continue
            }
            switch value {
            case .document(let spec) where spec.first?.key.hasPrefix("$") == true:
                if let eq = spec["$eq"] {
                    out.append((key, eq))
                } else if case .array(let items)? = spec["$in"], items.count == 1 {
                    if case .regex = items[0] { continue }
                    out.append((key, items[0]))
                }
            case .regex:
                continue
            default:
                out.append((key, value))
            }
        }
    }

    private static func set(_ value: BSONValue, at parts: ArraySlice<Substring>, in document: inout BSONDocument) {
        let name = String(parts.first!)
        if parts.count == 1 {
            document[name] = value
            return
        }
        var child: BSONDocument
        if let i = document.index(forKey: name), case .document(let existing) = document[i].value {
            child = existing
            document[i].value = .null
            set(value, at: parts.dropFirst(), in: &child)
            document[i].value = .document(child)
        } else {
            child = BSONDocument()
            set(value, at: parts.dropFirst(), in: &child)
            document[name] = .document(child)
        }
    }
}
