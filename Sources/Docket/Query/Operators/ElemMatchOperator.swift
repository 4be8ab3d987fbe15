import DocketBSON

/// `$elemMatch`: an array with at least one element matching. In the document form (`{$elemMatch: {a: 1,
/// b: {$gt: 2}}}`) the element must be a document (or an array, read as a document with keys `"0"`, `"1"`, …)
/// that matches the sub-filter; in the value form (`{$elemMatch: {$gt: 1, $lt: 5}}`) the element itself must
/// satisfy every operator, without further array traversal. The index of the matching element is the array
/// position the positional `$` operator uses.
enum ElemMatchPredicate {
    static func matchesObject(
        _ filter: FilterNode,
        _ element: RawElement?,
        in buffer: UnsafeRawBufferPointer,
        position: inout Int?
    ) -> Bool {
        guard let element, element.type == .array else { return false }
        var cursor = RawElementCursor(buffer: buffer, documentOffset: element.valueOffset)
        var i = 0
        while let item = cursor.nextElement() {
            if item.type == .document || item.type == .array {
                var ignored: Int?
                if filter.matches(in: buffer, documentAt: item.valueOffset, position: &ignored) {
                    position = i
                    return true
                }
            }
            i += 1
        }
        return false
    }

    static func matchesValue(
        _ filter: FilterNode,
        _ element: RawElement?,
        in buffer: UnsafeRawBufferPointer,
        position: inout Int?
    ) -> Bool {
        guard let element, element.type == .array else { return false }
        var cursor = RawElementCursor(buffer: buffer, documentOffset: element.valueOffset)
        var i = 0
        while let item = cursor.nextElement() {
            if filter.matchesElement(item, in: buffer) {
                position = i
                return true
            }
            i += 1
        }
        return false
    }
}

extension FilterParser {
    /// Parses `$elemMatch` (MongoDB's `parseElemMatch`): the value form when the argument's first key is an
    /// operator that is not a top-level one (`$and`, `$or`, `$nor`, … make it the document form).
    static func parseElemMatch(path: String, _ value: BSONValue) throws(DocketError) -> FilterNode {
        guard case .document(let argument) = value else {
            throw DocketError(.badValue, "$elemMatch needs an Object", fieldPath: path, operatorName: "$elemMatch")
        }
        var isValueForm = false
        if isExpressionDocument(value, allowIncompleteDBRef: true), let first = argument.first {
            isValueForm = TopLevelOperator(name: first.key) == nil
        }
        if isValueForm {
            let node = try parseOperators(path: "", argument, level: .subDocument)
            return .leaf(FilterPath(path), .elemMatchValue(node))
        }
        let node = try parseFilter(argument, level: .subDocument)
        if containsWhere(argument) {
            throw DocketError(
                .badValue,
                "$elemMatch cannot contain $where expression",
                fieldPath: path,
                operatorName: "$elemMatch"
            )
        }
        return .leaf(FilterPath(path), .elemMatchObject(node))
    }

    private static func containsWhere(_ filter: BSONDocument) -> Bool {
        filter.contains { $0.key == "$where" }
    }
}
