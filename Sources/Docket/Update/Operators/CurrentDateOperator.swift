/// `$currentDate`: sets a field to the current date (`true` or `{$type: "date"}`) or timestamp
/// (`{$type: "timestamp"}`). It always counts as a change.
enum CurrentDateOperator {
    /// Parses the argument; returns whether a timestamp (rather than a date) is wanted.
    static func parse(_ argument: BSONValue) throws(DocketError) -> Bool {
        switch argument {
        case .bool:
            return false
        case .document(let spec):
            var isTimestamp: Bool?
            for (key, value) in spec {
                guard bsonUTF8Equal(key, "$type") else {
                    throw DocketError(.badValue, "Unrecognized $currentDate option: \(key)")
                }
                if case .string(let type) = value {
                    if bsonUTF8Equal(type, "date") {
                        isTimestamp = false
                    } else if bsonUTF8Equal(type, "timestamp") {
                        isTimestamp = true
                    }
                }
            }
            guard let isTimestamp else {
                throw DocketError(
                    .badValue,
                    "The '$type' string field is required to be 'date' or 'timestamp': "
                        + "{$currentDate: {field : {$type: 'date'}}}"
                )
            }
            return isTimestamp
        default:
            throw DocketError(
                .badValue,
                "\(argument.type.alias) is not valid type for $currentDate. Please use a boolean ('true') "
                    + "or a $type expression ({$type: 'timestamp/date'})."
            )
        }
    }

    static func value(isTimestamp: Bool, context: inout UpdateApplyContext) -> BSONValue {
        isTimestamp ? .timestamp(context.clock.nextTimestamp()) : .datetime(context.clock.milliseconds)
    }
}
