import DocketBSON

extension Stage {
    /// `$count: "name"`: one document `{name: n}` (an `int32` when it fits, else `int64`), or none without input.
    /// - Throws: `Location40156` for a non-string; `Location40157` for `""`; `Location40158` for a `$` prefix;
    ///   `Location40159` for a NUL byte; `Location40160` for a dot.
    static func parseCount(_ value: BSONValue) throws(DocketError) -> Stage {
        guard case .string(let name) = value else {
            throw DocketError(
                .countFieldType, "the count field must be a string, but found type: \(value.type.alias)",
                stage: "$count")
        }
        guard !name.isEmpty else {
            throw DocketError(.countFieldEmpty, "the count field must be a non-empty string", stage: "$count")
        }
        guard !name.hasPrefix("$") else {
            throw DocketError(.countFieldDollar, "the count field cannot be a $-prefixed path", stage: "$count")
        }
        guard !name.utf8.contains(0) else {
            throw DocketError(.countFieldNullByte, "the count field cannot contain a null byte", stage: "$count")
        }
        guard !name.contains(".") else {
            throw DocketError(.countFieldDotted, "the count field cannot contain '.'", stage: "$count")
        }
        return .count(field: name)
    }

    /// The number `$count` (and `$sum: 1`) reports: `int32` when it fits.
    static func countValue(_ n: Int) -> BSONValue {
        if let small = Int32(exactly: n) { return .int32(small) }
        return .int64(Int64(n))
    }
}
