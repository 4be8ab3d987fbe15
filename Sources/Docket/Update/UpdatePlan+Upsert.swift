extension UpdatePlan {
    /// The document an upsert starts from: the filter's equality constraints (in filter order, as
    /// ``QueryPlanner/equalities(_:)`` lists them), with dotted paths expanded and `_id` first; for a replacement
    /// upsert only `_id` is taken.
    ///
    /// ```swift
    /// try UpdatePlan.upsertSeed(from: [("a", 1), ("b.c", 2), ("d", 3)], isReplacement: false)
    /// // {a: 1, b: {c: 2}, d: 3}
    /// ```
    /// - Throws: `NotSingleValueField` (54) when two predicates set the same path or a path and its prefix
    ///   (`cannot infer query fields to set, path 'a' is matched twice`); for a replacement, `NotExactValueField`
    ///   (111) when the filter constrains a sub-field of `_id` instead of `_id` itself.
    static func upsertSeed(from equalities: [(path: String, value: BSONValue)], isReplacement: Bool)
        throws(DocketError) -> BSONDocument
    {
        var equalities = equalities
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
