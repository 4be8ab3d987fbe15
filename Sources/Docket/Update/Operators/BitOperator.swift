/// One bitwise operation of `$bit`.
struct BitOperation: Sendable {
    enum Kind: Sendable { case and, or, xor }

    var kind: Kind
    var operand: BSONValue

    /// Parses `{and: 5, or: NumberLong(2)}`: int32 or int64 operands only.
    static func parse(_ argument: BSONValue, field: String) throws(DocketError) -> [BitOperation] {
        guard case .document(let spec) = argument else {
            throw DocketError(
                .badValue,
                "The $bit modifier is not compatible with a \(argument.type.alias). You must pass in an embedded "
                    + "document: {$bit: {field: {and/or/xor: #}}"
            )
        }
        var operations: [BitOperation] = []
        for (name, operand) in spec {
            let kind: Kind
            switch name {
            case "and": kind = .and
            case "or": kind = .or
            case "xor": kind = .xor
            default:
                throw DocketError(
                    .badValue,
                    "The $bit modifier only supports 'and', 'or', and 'xor', not '\(name)' which is an unknown "
                        + "operator: {\(BSONPrinter.updateMessage.element(name, operand))}"
                )
            }
            switch operand {
            case .int32, .int64: break
            default:
                throw DocketError(
                    .badValue,
                    "The $bit modifier field must be an Integer(32/64 bit); a '\(operand.type.alias)' is not "
                        + "supported here: {\(BSONPrinter.updateMessage.element(name, operand))}"
                )
            }
            operations.append(BitOperation(kind: kind, operand: operand))
        }
        guard !operations.isEmpty else {
            throw DocketError(
                .badValue,
                "You must pass in at least one bitwise operation. The format is: {$bit: {field: {and/or/xor: #}}"
            )
        }
        return operations
    }

    /// Applies the operations in order: int32 with int32 stays int32, anything with int64 becomes int64.
    static func apply(_ operations: [BitOperation], to start: BSONValue) -> BSONValue {
        var value = start
        for operation in operations {
            switch (value, operation.operand) {
            case (.int32(let a), .int32(let b)):
                value = .int32(operation.kind.apply(a, b))
            default:
                value = .int64(operation.kind.apply(value.int64Value ?? 0, operation.operand.int64Value ?? 0))
            }
        }
        return value
    }
}

extension BitOperation.Kind {
    func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
        switch self {
        case .and: a & b
        case .or: a | b
        case .xor: a ^ b
        }
    }
}

/// `$bit`: bitwise `and`, `or`, `xor` on integer fields (a missing field starts from int32 0).
enum BitOperator {
    static func apply(_ operations: [BitOperation], to value: inout BSONValue, context: UpdateApplyContext)
        throws(DocketError) -> LeafOutcome
    {
        switch value {
        case .int32, .int64: break
        default:
            throw DocketError(
                .badValue,
                "Cannot apply $bit to a value of non-integral type.\(UpdateText.idElement(context.id)) has the field "
                    + "\(context.path.last ?? "") of non-integer type \(value.type.alias)"
            )
        }
        let result = BitOperation.apply(operations, to: value)
        if result.isIdentical(to: value) { return .unchanged }
        try context.checkImmutable()
        value = result
        return .changed
    }
}
