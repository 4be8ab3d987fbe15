import DocketBSON

// Set expressions ($setEquals $setIntersection $setUnion $setDifference $setIsSubset $anyElementTrue
// $allElementsTrue: arrays as sets under MongoDB's value equality, so 1 and 1.0 are one element) and object
// expressions ($mergeObjects $objectToArray $arrayToObject $getField $setField $unsetField).

/// `$getField`, `$setField` and `$unsetField`: the field name (any expression for `$getField`, a constant string for
/// the others), the input object, and the new value (`nil` removes the field).
struct FieldAccessNode: Sendable {
    enum Kind: Sendable {
        case get, set, unset

        var name: String {
            switch self {
            case .get: "$getField"
            case .set: "$setField"
            case .unset: "$unsetField"
            }
        }
    }

    var kind: Kind
    var field: ExpressionNode
    var input: ExpressionNode
    var value: ExpressionNode?

    func evaluate(_ context: inout ExpressionContext) throws(DocketError) -> BSONValue? {
        let fieldValue = try field.evaluate(&context)
        guard case .string(let name)? = fieldValue else {
            throw DocketError(
                .location(3_041_704),
                "\(kind.name) requires 'field' to evaluate to type String, but got \(fieldValue.typeName)",
                operatorName: kind.name)
        }
        let inputValue = try input.evaluate(&context)
        switch kind {
        case .get:
            // Missing stays missing, null gives null, and a value that is not an object has no fields.
            if inputValue == nil { return nil }
            if inputValue.isNullish { return .null }
            guard case .document(let document)? = inputValue else { return nil }
            return document[name]
        case .set, .unset:
            if inputValue.isNullish { return .null }
            guard case .document(var document)? = inputValue else {
                throw DocketError(
                    .location(4_161_105), "\(kind.name) requires 'input' to evaluate to type Object",
                    operatorName: kind.name)
            }
            let newValue = try value?.evaluate(&context)
            if let newValue {
                if let index = document.index(forKey: name) {
                    document[index].value = newValue
                } else {
                    document.append(name, newValue)
                }
            } else {
                _ = document.removeValue(forKey: name)
            }
            return .document(document)
        }
    }
}

extension ExpressionParser {
    /// Parses a set or object operator.
    func parseSetOrObject(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = op.rawValue
        switch op {
        case .setEquals, .setIntersection, .setUnion, .mergeObjects:
            let arguments = try parseArguments(argument)
            if op == .setEquals && arguments.count < 2 {
                throw DocketError(
                    .location(17045), "$setEquals needs at least two arguments had: \(arguments.count)",
                    operatorName: name)
            }
            if op == .setEquals {
                // MongoDB checks constant operands when it compiles $setEquals (5887502); others when evaluated.
                for (position, argument) in arguments.enumerated() {
                    if case .constant(let value) = argument, value.arrayValue == nil {
                        throw DocketError(
                            .location(5_887_502),
                            "All operands of $setEquals must be arrays. \(position + 1)-th argument is of type: "
                                + value.type.alias,
                            operatorName: name)
                    }
                }
            }
            let variadic: VariadicOperator =
                switch op {
                case .setEquals: .setEquals
                case .setIntersection: .setIntersection
                case .setUnion: .setUnion
                default: .mergeObjects
                }
            return ExpressionNode.variadic(variadic, arguments).folded(when: arguments)
        case .setDifference, .setIsSubset:
            let arguments = try parseArguments(name, argument, exactly: 2)
            return ExpressionNode.binary(
                op == .setDifference ? .setDifference : .setIsSubset, arguments[0], arguments[1]
            )
            .folded(when: arguments)
        case .anyElementTrue, .allElementsTrue, .objectToArray, .arrayToObject:
            let arguments = try parseArguments(name, argument, exactly: 1)
            let unary: UnaryOperator =
                switch op {
                case .anyElementTrue: .anyElementTrue
                case .allElementsTrue: .allElementsTrue
                case .objectToArray: .objectToArray
                default: .arrayToObject
                }
            return ExpressionNode.unary(unary, arguments[0]).folded(when: arguments)
        case .getField:
            return try parseFieldAccess(.get, argument)
        case .setField:
            return try parseFieldAccess(.set, argument)
        default:
            return try parseFieldAccess(.unset, argument)
        }
    }

    /// `$getField: {field, input}` (or `$getField: <field>`, read from `$$CURRENT`), `$setField: {field, input,
    /// value}`, `$unsetField: {field, input}`.
    private func parseFieldAccess(_ kind: FieldAccessNode.Kind, _ argument: BSONValue) throws(DocketError)
        -> ExpressionNode
    {
        let name = kind.name
        let codes =
            kind == .get
            ? (unknown: 3_041_701, field: 3_041_702, input: 3_041_703)
            : (unknown: 4_161_101, field: 4_161_102, input: 4_161_109)
        var fieldValue: BSONValue?
        var inputValue: BSONValue?
        var newValue: BSONValue?
        switch argument {
        case .document(let spec) where kind != .get || !(spec.first?.key.hasPrefix("$") ?? false):
            for (key, value) in spec {
                switch key {
                case "field": fieldValue = value
                case "input": inputValue = value
                case "value" where kind == .set: newValue = value
                default:
                    throw DocketError(
                        .location(codes.unknown), "\(name) found an unknown argument: \(key)", operatorName: name)
                }
            }
            if kind == .get && fieldValue != nil && inputValue == nil {
                throw DocketError(
                    .location(codes.input), "\(name) requires 'input' to be specified", operatorName: name)
            }
        default:
            guard kind == .get else {
                throw DocketError(
                    .location(4_161_100), "\(name) only supports an object as its argument", operatorName: name)
            }
            // The short form: the field name (an expression), read from $$CURRENT.
            fieldValue = argument
            inputValue = "$$CURRENT"
        }
        guard let fieldValue else {
            throw DocketError(.location(codes.field), "\(name) requires 'field' to be specified", operatorName: name)
        }
        guard let inputValue else {
            throw DocketError(.location(codes.input), "\(name) requires 'input' to be specified", operatorName: name)
        }
        if kind == .set && newValue == nil {
            throw DocketError(.location(4_161_103), "\(name) requires 'value' to be specified", operatorName: name)
        }
        let field = try parseOperand(fieldValue)
        if kind != .get {
            // $setField and $unsetField need a constant string (a literal, or a $literal of one).
            guard case .constant(let constant) = field else {
                throw DocketError(
                    .location(4_161_106),
                    "\(name) requires 'field' to evaluate to a constant, but got a non-constant argument",
                    operatorName: name)
            }
            guard case .string = constant else {
                throw DocketError(
                    .location(4_161_107),
                    "\(name) requires 'field' to evaluate to type String, but got \(constant.type.alias)",
                    operatorName: name)
            }
        }
        let input = try parseOperand(inputValue)
        let value = try newValue.map { v throws(DocketError) in try parseOperand(v) }
        let node = ExpressionNode.fieldAccess(FieldAccessNode(kind: kind, field: field, input: input, value: value))
        return node.folded(when: [field, input] + (value.map { [$0] } ?? []))
    }
}

extension UnaryOperator {
    /// `$anyElementTrue`, `$allElementsTrue`, `$objectToArray`, `$arrayToObject`.
    func applySetOrObject(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        switch self {
        case .anyElementTrue, .allElementsTrue:
            let name = self == .anyElementTrue ? "$anyElementTrue" : "$allElementsTrue"
            guard case .array(let items)? = value else {
                throw DocketError(
                    .location(self == .anyElementTrue ? 17041 : 17040),
                    "\(name)'s argument must be an array, but is \(value.typeName)", operatorName: name)
            }
            return .bool(
                self == .anyElementTrue
                    ? items.contains { Optional($0).isTruthy } : items.allSatisfy { Optional($0).isTruthy })
        case .objectToArray:
            if value.isNullish { return .null }
            guard case .document(let document)? = value else {
                throw DocketError(
                    .location(40390), "$objectToArray requires a document input, found: \(value.typeName)",
                    operatorName: "$objectToArray")
            }
            return .array(document.map { .document(["k": .string($0.key), "v": $0.value]) })
        default:
            return try Self.buildObject(value)
        }
    }

    private static func buildObject(_ value: BSONValue?) throws(DocketError) -> BSONValue? {
        let name = "$arrayToObject"
        if value.isNullish { return .null }
        guard case .array(let items)? = value else {
            throw DocketError(
                .location(40386), "$arrayToObject requires an array input, found: \(value.typeName)", operatorName: name
            )
        }
        var result = BSONDocument()
        guard let first = items.first else { return .document(result) }
        let pairs: Bool
        switch first {
        case .array: pairs = true
        case .document: pairs = false
        default:
            throw DocketError(
                .location(40398), "Unrecognised input type format for $arrayToObject: \(first.type.alias)",
                operatorName: name)
        }
        for item in items {
            let key: BSONValue
            let element: BSONValue
            if pairs {
                guard case .array(let pair) = item else {
                    throw DocketError(
                        .location(40396),
                        "$arrayToObject requires a consistent input format. Elements mustall be arrays or all be "
                            + "objects. Array was detected, now found: \(item.type.alias)",
                        operatorName: name)
                }
                guard pair.count == 2 else {
                    throw DocketError(
                        .location(40397),
                        "$arrayToObject requires an array of size 2 arrays,found array of size: \(pair.count)",
                        operatorName: name)
                }
                guard case .string = pair[0] else {
                    throw DocketError(
                        .location(40395),
                        "$arrayToObject requires an array of key-value pairs, where the key must be of type string. "
                            + "Found key type: \(pair[0].type.alias)",
                        operatorName: name)
                }
                key = pair[0]
                element = pair[1]
            } else {
                guard case .document(let kv) = item else {
                    throw DocketError(
                        .location(40391),
                        "$arrayToObject requires a consistent input format. Elements mustall be arrays or all be "
                            + "objects. Object was detected, now found: \(item.type.alias)",
                        operatorName: name)
                }
                guard kv.count == 2 else {
                    throw DocketError(
                        .location(40392),
                        "$arrayToObject requires an object keys of 'k' and 'v'. Found incorrect number of keys:\(kv.count)",
                        operatorName: name)
                }
                guard let k = kv["k"], let v = kv["v"] else {
                    throw DocketError(
                        .location(40393),
                        "$arrayToObject requires an object with keys 'k' and 'v'. Missing either or both keys from: "
                            + BSONPrinter.updateMessage.string(kv),
                        operatorName: name)
                }
                guard case .string = k else {
                    throw DocketError(
                        .location(40394),
                        "$arrayToObject requires an object with keys 'k' and 'v', where the value of 'k' must be of "
                            + "type string. Found type: \(k.type.alias)",
                        operatorName: name)
                }
                key = k
                element = v
            }
            guard case .string(let keyName) = key else { continue }
            if keyName.utf8.contains(0) {
                throw DocketError(
                    .location(pairs ? 4_940_400 : 4_940_401), "Key field cannot contain an embedded null byte",
                    operatorName: name)
            }
            if let index = result.index(forKey: keyName) {
                result[index].value = element
            } else {
                result.append(keyName, element)
            }
        }
        return .document(result)
    }
}

extension BinaryOperator {
    /// `$setDifference` and `$setIsSubset`.
    func applySet(_ lhs: BSONValue?, _ rhs: BSONValue?) throws(DocketError) -> BSONValue? {
        if self == .setDifference {
            if lhs.isNullish || rhs.isNullish { return .null }
            guard case .array(let a)? = lhs else {
                throw DocketError(
                    .location(17048),
                    "both operands of $setDifference must be arrays. First argument is of type: \(lhs.typeName)",
                    operatorName: "$setDifference")
            }
            guard case .array(let b)? = rhs else {
                throw DocketError(
                    .location(17049),
                    "both operands of $setDifference must be arrays. Second argument is of type: \(rhs.typeName)",
                    operatorName: "$setDifference")
            }
            let exclude = Set(b)
            var seen = Set<BSONValue>()
            return .array(a.filter { !exclude.contains($0) && seen.insert($0).inserted })
        }
        guard case .array(let a)? = lhs else {
            throw DocketError(
                .location(17046),
                "both operands of $setIsSubset must be arrays. First argument is of type: \(lhs.typeName)",
                operatorName: "$setIsSubset")
        }
        guard case .array(let b)? = rhs else {
            throw DocketError(
                .location(17042),
                "both operands of $setIsSubset must be arrays. Second argument is of type: \(rhs.typeName)",
                operatorName: "$setIsSubset")
        }
        let superset = Set(b)
        return .bool(a.allSatisfy { superset.contains($0) })
    }
}

extension VariadicOperator {
    /// `$setEquals`, `$setIntersection`, `$setUnion`, `$mergeObjects`.
    func evaluateSetOrObject(_ arguments: [ExpressionNode], _ context: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        if self == .mergeObjects {
            var result = BSONDocument()
            for argument in arguments {
                let value = try argument.evaluate(&context)
                if value.isNullish { continue }
                guard case .document(let document)? = value else {
                    throw DocketError(
                        .location(40400),
                        "$mergeObjects requires object inputs, but input \(value.map { BSONPrinter.updateMessage.string($0) } ?? "missing") is of type \(value.typeName)",
                        operatorName: "$mergeObjects")
                }
                for (key, fieldValue) in document {
                    if let index = result.index(forKey: key) {
                        result[index].value = fieldValue
                    } else {
                        result.append(key, fieldValue)
                    }
                }
            }
            return .document(result)
        }
        // Operands are checked left to right: a nullish one makes $setUnion/$setIntersection null (unless a
        // non-array came first); $setEquals refuses it, numbering the operand from 1.
        var arrays: [[BSONValue]] = []
        for (position, argument) in arguments.enumerated() {
            let value = try argument.evaluate(&context)
            if value.isNullish && self != .setEquals { return .null }
            guard case .array(let items)? = value else {
                if self == .setEquals {
                    throw DocketError(
                        .location(17044),
                        "All operands of $setEquals must be arrays. \(position + 1)-th argument is of type: "
                            + value.typeName,
                        operatorName: "$setEquals")
                }
                let (code, name) = self == .setIntersection ? (17047, "$setIntersection") : (17043, "$setUnion")
                throw DocketError(
                    .location(code),
                    "All operands of \(name) must be arrays. One argument is of type: \(value.typeName)",
                    operatorName: name)
            }
            arrays.append(items)
        }
        switch self {
        case .setEquals:
            let first = Set(arrays[0])
            return .bool(arrays.dropFirst().allSatisfy { Set($0) == first })
        case .setIntersection:
            // MongoDB keeps sets ordered: the result comes out in BSON order.
            guard var common = arrays.first.map({ Set($0) }) else { return .array([]) }
            for items in arrays.dropFirst() { common.formIntersection(items) }
            var seen = Set<BSONValue>()
            let kept = (arrays.first ?? []).filter { common.contains($0) && seen.insert($0).inserted }
            return .array(kept.sorted { BSONValue.compare($0, $1) < 0 })
        default:
            var seen = Set<BSONValue>()
            var result: [BSONValue] = []
            for items in arrays { for item in items where seen.insert(item).inserted { result.append(item) } }
            return .array(result.sorted { BSONValue.compare($0, $1) < 0 })
        }
    }
}
