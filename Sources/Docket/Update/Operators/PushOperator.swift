/// How `$push … $sort` orders the array.
enum PushSort: Sendable {
    /// Sort whole elements (`$sort: 1` or `-1`).
    case whole(descending: Bool)
    /// Sort by fields of the elements (`$sort: {score: -1, "a.b": 1}`); non-documents and missing fields sort
    /// as `null`.
    case fields([(path: String, descending: Bool)])
}

/// `$push`, parsed: the values and the optional `$position`, `$sort` and `$slice` modifiers.
struct PushSpec: Sendable {
    var values: [BSONValue]
    var position: Int64?
    var slice: Int64?
    var sort: PushSort?

    /// Parses `$push`'s argument: a value, or `{$each: [...], $position, $sort, $slice}`.
    init(parsing argument: BSONValue) throws(DocketError) {
        values = []
        guard case .document(let spec) = argument, spec.contains(key: "$each") else {
            values = [argument]
            return
        }
        var seen: [String] = []
        for (clause, value) in spec {
            guard ["$each", "$slice", "$sort", "$position"].contains(where: { bsonUTF8Equal($0, clause) }) else {
                throw DocketError(.badValue, "Unrecognized clause in $push: \(clause)")
            }
            guard !seen.contains(where: { bsonUTF8Equal($0, clause) }) else {
                throw DocketError(.badValue, "Only one \(clause) is supported.")
            }
            seen.append(clause)
            switch clause {
            case "$each":
                guard case .array(let items) = value else {
                    throw DocketError(
                        .badValue,
                        "The argument to $each in $push must be an array but it was of type: \(value.type.alias)"
                    )
                }
                values = items
            case "$slice":
                guard let n = try? parseIntegerArgument(value, field: clause) else {
                    throw DocketError(
                        .badValue,
                        "The value for $slice must be an integer value but was given type: \(value.type.alias)"
                    )
                }
                slice = n
            case "$position":
                guard let n = try? parseIntegerArgument(value, field: clause) else {
                    throw DocketError(
                        .badValue,
                        "The value for $position must be an integer value, not of type: \(value.type.alias)"
                    )
                }
                position = n
            default:
                sort = try Self.parseSort(value)
            }
        }
    }

    private static func parseSort(_ value: BSONValue) throws(DocketError) -> PushSort {
        switch value {
        case .document(let pattern):
            guard !pattern.isEmpty else {
                throw DocketError(.badValue, "The sort pattern is empty when it should be a set of fields.")
            }
            var fields: [(path: String, descending: Bool)] = []
            for (field, order) in pattern {
                let direction = order.doubleValue ?? 0
                guard direction == 1 || direction == -1 else {
                    throw DocketError(.badValue, "The sort element value must be either 1 or -1")
                }
                guard !field.isEmpty else { throw DocketError(.badValue, "The sort field cannot be empty") }
                if field.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
                    throw DocketError(
                        .badValue,
                        "The sort field is a dotted field but has an empty part: \(field)"
                    )
                }
                fields.append((field, direction < 0))
            }
            return .fields(fields)
        default:
            if value.isNumber {
                let direction = value.doubleValue ?? 0
                guard direction == 1 || direction == -1 else {
                    throw DocketError(.badValue, "The $sort element value must be either 1 or -1")
                }
                return .whole(descending: direction < 0)
            }
            throw DocketError(
                .badValue,
                "The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields"
            )
        }
    }

    /// Pushes onto an array; returns whether the array changed (a `$sort` always counts as a change).
    func apply(to array: inout [BSONValue]) -> Bool {
        var changed = false
        if !values.isEmpty {
            let size = Int64(array.count)
            let index: Int64
            if let position {
                index = position >= 0 ? Swift.min(position, size) : Swift.max(0, size + position)
            } else {
                index = size
            }
            array.insert(contentsOf: values, at: Int(index))
            changed = true
        }
        if let sort {
            Self.stableSort(&array, by: sort)
            changed = true
        }
        if let slice {
            let keep = slice == Int64.min ? Int64.max : abs(slice)
            if Int64(array.count) > keep {
                let k = Int(keep)
                if slice >= 0 {
                    array.removeLast(array.count - k)
                } else {
                    array.removeFirst(array.count - k)
                }
                changed = true
            }
        }
        return changed
    }

    private static func stableSort(_ array: inout [BSONValue], by sort: PushSort) {
        var keyed: [(index: Int, keys: [BSONValue])] = []
        keyed.reserveCapacity(array.count)
        switch sort {
        case .whole:
            for i in array.indices { keyed.append((i, [array[i]])) }
        case .fields(let fields):
            for i in array.indices {
                let keys: [BSONValue] = fields.map { field in
                    if case .document(let d) = array[i] { return d[path: field.path] ?? .null }
                    return .null
                }
                keyed.append((i, keys))
            }
        }
        let directions: [Bool]
        switch sort {
        case .whole(let descending): directions = [descending]
        case .fields(let fields): directions = fields.map(\.descending)
        }
        keyed.sort { a, b in
            for (k, descending) in directions.enumerated() {
                let c = BSONValue.compare(a.keys[k], b.keys[k])
                if c != 0 { return descending ? c > 0 : c < 0 }
            }
            return a.index < b.index
        }
        array = keyed.map { array[$0.index] }
    }
}

/// `$push`: appends values to an array (creating it when missing), with `$each`, `$position`, `$sort`, `$slice`.
enum PushOperator {
    static func apply(_ spec: PushSpec, to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        guard case .array(var array) = value else {
            throw DocketError(
                .badValue,
                "The field '\(context.pathText)' must be an array but is of type \(value.type.alias) in document "
                    + "{\(UpdateText.idElement(context.id))}",
                fieldPath: context.pathText,
                operatorName: "$push"
            )
        }
        if context.isImmutablePath {
            var probe = array
            guard spec.apply(to: &probe) else { return .unchanged }
            try context.checkImmutable()
            value = .array(probe)
            return .changed
        }
        value = .null
        let changed = spec.apply(to: &array)
        value = .array(array)
        return changed ? .changed : .unchanged
    }

    static func create(_ spec: PushSpec) -> BSONValue {
        var array: [BSONValue] = []
        _ = spec.apply(to: &array)
        return .array(array)
    }
}
