import DocketBSON

// Comparison ($cmp $eq $ne $gt $gte $lt $lte: MongoDB's total order over any two values, missing as undefined),
// boolean ($and $or $not: truthiness, short-circuit) and conditional ($cond in both forms, $ifNull with any number of
// inputs, $switch) expressions.

/// The comparison expressions.
enum ComparisonOperator: Sendable {
    case cmp, eq, ne, gt, gte, lt, lte

    /// The comparison of two evaluated arguments: a bool, or for `$cmp` an int32 of -1, 0 or 1.
    func apply(_ lhs: BSONValue?, _ rhs: BSONValue?) -> BSONValue {
        let order = NumericArithmetic.compare(lhs, rhs)
        switch self {
        case .cmp: return .int32(order < 0 ? -1 : (order > 0 ? 1 : 0))
        case .eq: return .bool(order == 0)
        case .ne: return .bool(order != 0)
        case .gt: return .bool(order > 0)
        case .gte: return .bool(order >= 0)
        case .lt: return .bool(order < 0)
        case .lte: return .bool(order <= 0)
        }
    }
}

extension ExpressionParser {
    /// Parses a comparison, boolean or conditional operator.
    func parseLogic(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        switch op {
        case .cmp, .eq, .ne, .gt, .gte, .lt, .lte:
            let arguments = try parseArguments(name, argument, exactly: 2)
            let comparison: ComparisonOperator =
                switch op {
                case .cmp: .cmp
                case .eq: .eq
                case .ne: .ne
                case .gt: .gt
                case .gte: .gte
                case .lt: .lt
                default: .lte
                }
            return ExpressionNode.binary(.compare(comparison), arguments[0], arguments[1]).folded(when: arguments)
        case .and, .or:
            let arguments = try parseArguments(argument)
            return ExpressionNode.variadic(op == .and ? .and : .or, arguments).folded(when: arguments)
        case .not:
            let arguments = try parseArguments(name, argument, exactly: 1)
            return ExpressionNode.unary(.not, arguments[0]).folded(when: arguments)
        case .ifNull:
            let arguments = try parseArguments(argument)
            guard arguments.count >= 2 else {
                throw DocketError(
                    .location(1_257_300), "$ifNull needs at least two arguments, had: \(arguments.count)",
                    operatorName: name)
            }
            return ExpressionNode.variadic(.ifNull, arguments).folded(when: arguments)
        case .cond:
            return try parseCond(argument)
        default:
            return try parseSwitch(argument)
        }
    }

    /// `$cond: [if, then, else]` or `$cond: {if:, then:, else:}`.
    private func parseCond(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let arguments: [ExpressionNode]
        if case .document(let spec) = argument {
            var condition: ExpressionNode?
            var then: ExpressionNode?
            var otherwise: ExpressionNode?
            for (key, value) in spec {
                switch key {
                case "if": condition = try parseOperand(value)
                case "then": then = try parseOperand(value)
                case "else": otherwise = try parseOperand(value)
                default:
                    throw DocketError(
                        .location(17083), "Unrecognized parameter to $cond: \(key)", operatorName: "$cond")
                }
            }
            guard let condition else {
                throw DocketError(.location(17080), "Missing 'if' parameter to $cond", operatorName: "$cond")
            }
            guard let then else {
                throw DocketError(.location(17081), "Missing 'then' parameter to $cond", operatorName: "$cond")
            }
            guard let otherwise else {
                throw DocketError(.location(17082), "Missing 'else' parameter to $cond", operatorName: "$cond")
            }
            arguments = [condition, then, otherwise]
        } else {
            arguments = try parseArguments("$cond", argument, exactly: 3)
        }
        if case .constant(let value) = arguments[0] {
            return Optional(value).isTruthy ? arguments[1] : arguments[2]
        }
        return .cond(arguments[0], arguments[1], arguments[2])
    }

    /// `$switch: {branches: [{case:, then:}, …], default:}`.
    private func parseSwitch(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        guard case .document(let spec) = argument else {
            throw DocketError(
                .location(40060), "$switch requires an object as an argument, found: \(argument.type.alias)",
                operatorName: "$switch")
        }
        var cases: [ExpressionNode] = []
        var results: [ExpressionNode] = []
        var fallback: ExpressionNode?
        for (key, value) in spec {
            switch key {
            case "branches":
                guard case .array(let branches) = value else {
                    throw DocketError(
                        .location(40061), "$switch expected an array for 'branches', found: \(value.type.alias)",
                        operatorName: "$switch")
                }
                for branch in branches {
                    guard case .document(let branchSpec) = branch else {
                        throw DocketError(
                            .location(40062),
                            "$switch expected each branch to be an object, found: \(branch.type.alias)",
                            operatorName: "$switch")
                    }
                    var condition: ExpressionNode?
                    var then: ExpressionNode?
                    for (branchKey, branchValue) in branchSpec {
                        switch branchKey {
                        case "case": condition = try parseOperand(branchValue)
                        case "then": then = try parseOperand(branchValue)
                        default:
                            throw DocketError(
                                .location(40063), "$switch found an unknown argument to a branch: \(branchKey)",
                                operatorName: "$switch")
                        }
                    }
                    guard let condition else {
                        throw DocketError(
                            .location(40064), "$switch requires each branch have a 'case' expression",
                            operatorName: "$switch")
                    }
                    guard let then else {
                        throw DocketError(
                            .location(40065), "$switch requires each branch have a 'then' expression.",
                            operatorName: "$switch")
                    }
                    cases.append(condition)
                    results.append(then)
                }
            case "default":
                fallback = try parseOperand(value)
            default:
                throw DocketError(
                    .location(40067), "$switch found an unknown argument: \(key)", operatorName: "$switch")
            }
        }
        guard !cases.isEmpty else {
            throw DocketError(.location(40068), "$switch requires at least one branch", operatorName: "$switch")
        }
        return .switchBranches(cases, results, fallback)
    }
}

extension VariadicOperator {
    /// `$and`, `$or` (short-circuit, truthiness) and `$ifNull` (the first input that is not nullish, else the last
    /// argument as it is, missing included).
    func evaluateLogic(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        switch self {
        case .and:
            for argument in arguments {
                if !(try argument.evaluate(&context).isTruthy) { return .bool(false) }
            }
            return .bool(true)
        case .or:
            for argument in arguments {
                if try argument.evaluate(&context).isTruthy { return .bool(true) }
            }
            return .bool(false)
        default:
            for (i, argument) in arguments.enumerated() {
                let value = try argument.evaluate(&context)
                if !value.isNullish || i == arguments.count - 1 { return value }
            }
            return nil
        }
    }
}
