/// `$inc` and `$mul`: numeric arithmetic with MongoDB's type promotion.
///
/// - int32 with int32 gives int32, or int64 when the result does not fit;
/// - int64 with an integer gives int64, and an int64 overflow is an error (code 2);
/// - a double with any integer gives a double;
/// - a decimal128 with any number gives a decimal128: int32 and int64 convert exactly, a double converts to
///   15 significant digits (MongoDB's `SafeNum::getDecimal`, `kRoundTo15Digits`), and the operation rounds to
///   34 digits, ties to even (`Decimal128.adding(_:)`, `multiplied(by:)`).
///
/// As in MongoDB's `ArithmeticNode`, the argument is the left operand (`argument + current`), which decides
/// which NaN a decimal result carries. A result numerically equal to the current value of the same type is a
/// no-op (so `$inc: {a: NumberDecimal("0.00")}` leaves `1.0` as it is, while a NaN always counts as a change).
/// A missing field is created with the argument (`$inc`) or a zero of the argument's type (`$mul`).
enum ArithmeticOperator {
    enum Operation {
        case add, multiply

        var name: String { self == .add ? "$inc" : "$mul" }
    }

    /// Checks that the argument is a number: `Cannot increment with non-numeric argument: {a: "x"}` (code 14).
    static func parseArgument(_ argument: BSONValue, field: String, verb: String) throws(DocketError) -> BSONValue {
        guard argument.isNumber else {
            throw DocketError(
                .typeMismatch,
                "Cannot \(verb) with non-numeric argument: {\(BSONPrinter.updateMessage.element(field, argument))}",
                fieldPath: field
            )
        }
        return argument
    }

    static func apply(
        _ operation: Operation,
        _ operand: BSONValue,
        to value: inout BSONValue,
        context: UpdateApplyContext
    ) throws(DocketError) -> LeafOutcome {
        guard value.isNumber else {
            throw DocketError(
                .typeMismatch,
                "Cannot apply \(operation.name) to a value of non-numeric type. {\(UpdateText.idElement(context.id))} "
                    + "has the field '\(context.path.last ?? "")' of non-numeric type \(value.type.alias)",
                fieldPath: context.pathText,
                operatorName: operation.name
            )
        }
        guard let result = try compute(operation, operand, value) else {
            throw DocketError(
                .badValue,
                "Failed to apply \(operation.name) operations to current value (\(UpdateText.taggedNumber(value))) "
                    + "for document {\(UpdateText.idElement(context.id))}",
                fieldPath: context.pathText,
                operatorName: operation.name
            )
        }
        if isSameNumber(result, value) { return .unchanged }
        try context.checkImmutable()
        value = result
        return .changed
    }

    /// The value a missing field receives.
    static func create(_ operation: Operation, _ operand: BSONValue) throws(DocketError) -> BSONValue {
        switch operation {
        case .add: return operand
        case .multiply: return try compute(.multiply, operand, .int32(0)) ?? .int32(0)
        }
    }

    /// The result of `lhs op rhs` with MongoDB's promotion, or `nil` on int64 overflow.
    static func compute(_ operation: Operation, _ lhs: BSONValue, _ rhs: BSONValue) throws(DocketError) -> BSONValue? {
        switch (lhs, rhs) {
        case (.decimal128, _), (_, .decimal128):
            guard let a = decimalOperand(lhs), let b = decimalOperand(rhs) else { return nil }
            return .decimal128(operation == .add ? a.adding(b) : a.multiplied(by: b))
        case (.double, _), (_, .double):
            guard let a = lhs.doubleValue, let b = rhs.doubleValue else { return nil }
            return .double(operation == .add ? a + b : a * b)
        case (.int32(let a), .int32(let b)):
            let r = operation == .add ? Int64(a) + Int64(b) : Int64(a) * Int64(b)
            return Int32(exactly: r).map(BSONValue.int32) ?? .int64(r)
        default:
            guard let a = lhs.int64Value, let b = rhs.int64Value else { return nil }
            let (r, overflow) = operation == .add ? a.addingReportingOverflow(b) : a.multipliedReportingOverflow(by: b)
            return overflow ? nil : .int64(r)
        }
    }

    /// SafeNum's `getDecimal`: a number as a decimal operand, with doubles rounded to 15 significant digits.
    private static func decimalOperand(_ value: BSONValue) -> Decimal128? {
        switch value {
        case .int32(let i): Decimal128(i)
        case .int64(let i): Decimal128(i)
        case .double(let d): Decimal128(d, precision: .digits15)
        case .decimal128(let d): d
        default: nil
        }
    }

    /// SafeNum's `isIdentical`: same numeric type and equal value (for decimals, IEEE equality: `1.0` equals
    /// `1.00` and `-0` equals `0`, but a NaN equals nothing).
    private static func isSameNumber(_ a: BSONValue, _ b: BSONValue) -> Bool {
        switch (a, b) {
        case (.int32(let x), .int32(let y)): x == y
        case (.int64(let x), .int64(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.decimal128(let x), .decimal128(let y)): !x.isNaN && !y.isNaN && x.numericCompare(y) == 0
        default: false
        }
    }
}
