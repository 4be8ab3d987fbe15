import DocketBSON

/// `$size: n`: arrays with exactly `n` elements. The array itself is tested (its elements are not candidates),
/// but arrays met in the middle of a path are traversed (`{"a.b": {$size: 1}}` matches `{a: [{b: [1]}]}`).
enum SizePredicate {
    static func matches(_ element: RawElement?, size: Int, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let element, element.type == .array else { return false }
        var cursor = RawElementCursor(buffer: buffer, documentOffset: element.valueOffset)
        var count = 0
        while cursor.nextElement() != nil {
            count += 1
            if count > size { return false }
        }
        return count == size
    }
}

extension FilterParser {
    /// Parses `$size` (a non-negative integer that fits an int).
    static func parseSize(path: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        let described = "$size: \(describeForMessage(value))"
        switch Integral.nonNegative(value, described: described) {
        case .failure(let reason):
            throw DocketError(.badValue, "Failed to parse $size. \(reason)", fieldPath: path, operatorName: "$size")
        case .success(let n):
            guard n <= Int64(Int32.max) else {
                throw DocketError(
                    .badValue,
                    "Failed to parse $size. Cannot represent \(described) in an int",
                    fieldPath: path,
                    operatorName: "$size"
                )
            }
            return .leaf(FilterPath(path), .size(Int(n)))
        }
    }
}
