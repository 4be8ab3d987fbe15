/// The update operators, and the one table that maps their `$` names to cases.
enum UpdateOperatorKind: Sendable {
    case set, unset, inc, mul, min, max, rename, currentDate, setOnInsert
    case push, addToSet, pop, pull, pullAll, bit

    /// The one `$`-name ↔ operator table of the update layer.
    static let table: [String: UpdateOperatorKind] = [
        "$set": .set, "$unset": .unset, "$inc": .inc, "$mul": .mul, "$min": .min, "$max": .max,
        "$rename": .rename, "$currentDate": .currentDate, "$setOnInsert": .setOnInsert, "$push": .push,
        "$addToSet": .addToSet, "$pop": .pop, "$pull": .pull, "$pullAll": .pullAll, "$bit": .bit,
    ]

    /// The operator's `$` name.
    var name: String {
        switch self {
        case .set: "$set"
        case .unset: "$unset"
        case .inc: "$inc"
        case .mul: "$mul"
        case .min: "$min"
        case .max: "$max"
        case .rename: "$rename"
        case .currentDate: "$currentDate"
        case .setOnInsert: "$setOnInsert"
        case .push: "$push"
        case .addToSet: "$addToSet"
        case .pop: "$pop"
        case .pull: "$pull"
        case .pullAll: "$pullAll"
        case .bit: "$bit"
        }
    }
}

/// One operation at the end of an update path, with its argument parsed.
enum UpdateOperation: Sendable {
    case set(BSONValue)
    case setOnInsert(BSONValue)
    case unset
    case inc(BSONValue)
    case mul(BSONValue)
    case min(BSONValue)
    case max(BSONValue)
    case currentDate(isTimestamp: Bool)
    case push(PushSpec)
    case addToSet([BSONValue])
    case pop(fromFront: Bool)
    case pull(PullCondition)
    case pullAll([BSONValue])
    case bit([BitOperation])
    /// The source of a `$rename`: it only reserves the path against conflicts.
    case renameSource
    /// The target of a `$rename`; the index selects the source read before the update runs.
    case renameTarget(sourceIndex: Int)

    /// Parses the argument of a field of an operator (`$inc: {a: <argument>}`), except `$rename`.
    static func parse(_ kind: UpdateOperatorKind, field: String, argument: BSONValue) throws(DocketError)
        -> UpdateOperation
    {
        switch kind {
        case .set: return .set(argument)
        case .setOnInsert: return .setOnInsert(argument)
        case .unset: return .unset
        case .inc: return .inc(try ArithmeticOperator.parseArgument(argument, field: field, verb: "increment"))
        case .mul: return .mul(try ArithmeticOperator.parseArgument(argument, field: field, verb: "multiply"))
        case .min: return .min(argument)
        case .max: return .max(argument)
        case .currentDate: return .currentDate(isTimestamp: try CurrentDateOperator.parse(argument))
        case .push: return .push(try PushSpec(parsing: argument))
        case .addToSet: return .addToSet(try AddToSetOperator.parse(argument))
        case .pop: return .pop(fromFront: try PopOperator.parse(argument, field: field))
        case .pull: return .pull(try PullCondition(parsing: argument))
        case .pullAll: return .pullAll(try PullAllOperator.parse(argument))
        case .bit: return .bit(try BitOperation.parse(argument, field: field))
        case .rename: preconditionFailure("$rename is parsed by UpdatePlan")
        }
    }

    /// Whether the operation creates its path when the path does not exist.
    var createsPath: Bool {
        switch self {
        case .set, .setOnInsert, .inc, .mul, .min, .max, .currentDate, .push, .addToSet, .bit, .renameTarget:
            true
        case .unset, .pop, .pull, .pullAll, .renameSource:
            false
        }
    }

    /// Whether a missing path must still be creatable (MongoDB's `checkViability` for `$pop`, `$pull`, `$pullAll`).
    var requiresViablePath: Bool {
        switch self {
        case .pop, .pull, .pullAll: true
        default: false
        }
    }
}

/// The outcome of an operation on an existing value.
enum LeafOutcome {
    /// Nothing changed (MongoDB's no-op: not counted in `nModified`).
    case unchanged
    /// The value was changed in place.
    case changed
    /// The field must be removed (or, inside an array, set to `null`).
    case remove
}

/// MongoDB's `parseIntegerElementToLong`: an integral number that fits a 64-bit integer.
func parseIntegerArgument(_ value: BSONValue, field: String) throws(DocketError) -> Int64 {
    let text = BSONPrinter.updateMessage.element(field, value)
    switch value {
    case .int32(let i): return Int64(i)
    case .int64(let i): return i
    case .double(let d):
        if d.isNaN { throw DocketError(.failedToParse, "Expected an integer, but found NaN in: \(text)") }
        guard d < 9_223_372_036_854_775_808.0, d >= -9_223_372_036_854_775_808.0 else {
            throw DocketError(.failedToParse, "Cannot represent as a 64-bit integer: \(text)")
        }
        guard d == d.rounded(.towardZero) else { throw DocketError(.failedToParse, "Expected an integer: \(text)") }
        return Int64(d)
    case .decimal128(let d):
        if d.isNaN { throw DocketError(.failedToParse, "Expected an integer, but found NaN in: \(text)") }
        guard let i = d.exactInt64 else {
            if d.isFinite, abs(d.doubleValue) < 9.2e18 {
                throw DocketError(.failedToParse, "Expected an integer: \(text)")
            }
            throw DocketError(.failedToParse, "Cannot represent as a 64-bit integer: \(text)")
        }
        return i
    default:
        throw DocketError(.failedToParse, "Expected a number in: \(text)")
    }
}
