import DocketBSON

// Parsing expressions with MongoDB's rules (Expression::parseOperand, ExpressionFieldPath::parse,
// ExpressionObject::parse, variable_validation.cpp): a string starting with "$" is a field path ("$$" a variable), a
// document whose first key starts with "$" is an operator, any other document is an expression object, an array is
// an array of expressions, anything else a literal.

/// Compiles expression values into ``ExpressionNode`` trees within a scope.
struct ExpressionParser {
    let scope: ExpressionScope

    /// Parses one operand.
    func parseOperand(_ value: BSONValue) throws(DocketError) -> ExpressionNode {
        switch value {
        case .string(let s) where s.utf8.first == UInt8(ascii: "$"):
            return try parseFieldPath(s)
        case .document(let document):
            return try parseObject(document)
        case .array(let items):
            var nodes: [ExpressionNode] = []
            nodes.reserveCapacity(items.count)
            for item in items { nodes.append(try parseOperand(item)) }
            return ExpressionNode.array(nodes).folded(when: nodes)
        default:
            return .constant(value)
        }
    }

    /// Parses a document: an operator (`{$add: …}`) or an expression object.
    func parseObject(_ document: BSONDocument) throws(DocketError) -> ExpressionNode {
        guard let first = document.first else { return .constant(.document([:])) }
        if first.key.utf8.first == UInt8(ascii: "$") {
            guard document.count == 1 else {
                throw DocketError(
                    .location(15983),
                    "An object representing an expression must have exactly one field: "
                        + BSONPrinter.updateMessage.string(document))
            }
            return try parseOperator(first.key, first.value)
        }
        var fields: [ExpressionObjectField] = []
        var seen = Set<String>()
        for (key, value) in document {
            guard seen.insert(key).inserted else {
                throw DocketError(
                    .location(16406),
                    "duplicate field name specified in object literal: " + BSONPrinter.updateMessage.string(document))
            }
            try Self.validateFieldName(key)
            fields.append(ExpressionObjectField(key: key, value: try parseOperand(value)))
        }
        return ExpressionNode.object(fields).folded(when: fields.map(\.value))
    }

    /// The operands of an operator: the elements of an array argument, or the argument itself.
    func parseArguments(_ argument: BSONValue) throws(DocketError) -> [ExpressionNode] {
        guard case .array(let items) = argument else { return [try parseOperand(argument)] }
        var nodes: [ExpressionNode] = []
        nodes.reserveCapacity(items.count)
        for item in items { nodes.append(try parseOperand(item)) }
        return nodes
    }

    /// Parses `count` operands (MongoDB's `ExpressionFixedArity`).
    func parseArguments(_ name: String, _ argument: BSONValue, exactly count: Int) throws(DocketError)
        -> [ExpressionNode]
    {
        let nodes = try parseArguments(argument)
        guard nodes.count == count else {
            throw DocketError(
                .location(16020),
                "Expression \(name) takes exactly \(count) arguments. \(nodes.count) were passed in.",
                operatorName: name)
        }
        return nodes
    }

    /// Parses between `minimum` and `maximum` operands (MongoDB's `ExpressionRangedArity`).
    func parseArguments(_ name: String, _ argument: BSONValue, from minimum: Int, to maximum: Int)
        throws(DocketError) -> [ExpressionNode]
    {
        let nodes = try parseArguments(argument)
        guard (minimum...maximum).contains(nodes.count) else {
            throw DocketError(
                .location(28667),
                "Expression \(name) takes at least \(minimum) arguments, and at most \(maximum), but "
                    + "\(nodes.count) were passed in.",
                operatorName: name)
        }
        return nodes
    }

    // MARK: - Field paths and variables

    /// Parses `"$a.b"`, `"$$var"` or `"$$var.a.b"`.
    func parseFieldPath(_ raw: String) throws(DocketError) -> ExpressionNode {
        let body = raw.dropFirst()
        guard !body.isEmpty else {
            throw DocketError(.location(16872), "'$' by itself is not a valid FieldPath")
        }
        if body.utf8.first == UInt8(ascii: "$") {
            let rest = body.dropFirst()
            let name: Substring
            let pathText: Substring?
            if let dot = rest.firstIndex(of: ".") {
                name = rest[..<dot]
                pathText = rest[rest.index(after: dot)...]
            } else {
                name = rest
                pathText = nil
            }
            try Self.validateVariableName(String(name), forWriting: false)
            let path = try pathText.map { text throws(DocketError) in try Self.parsePath(text, whole: raw) } ?? []
            switch name {
            case "ROOT":
                noteRead(path)
                return .root(path)
            case "CURRENT":
                if let slot = scope.slot(of: "CURRENT") { return .variable(slot, path) }
                noteRead(path)
                return .current(path)
            case "REMOVE":
                return .missing
            case "NOW":
                return path.isEmpty ? .now : .missing
            default:
                guard let slot = scope.slot(of: String(name)) else {
                    if let value = Self.systemConstants[String(name)] {
                        return path.isEmpty ? .constant(value) : .missing
                    }
                    if Self.unsupportedSystemVariables.contains(String(name)) {
                        throw DocketError(.notImplemented, "The system variable $$\(name) is not supported")
                    }
                    throw DocketError(.location(17276), "Use of undefined variable: \(name)")
                }
                return .variable(slot, path)
            }
        }
        let path = try Self.parsePath(body, whole: raw)
        // `$let` (or an `as`) may rebind CURRENT, which paths then read.
        if let slot = scope.slot(of: "CURRENT") { return .variable(slot, path) }
        noteRead(path)
        return .current(path)
    }

    /// Records what a path over the document reads.
    private func noteRead(_ path: [FieldPath.Component]) {
        if let first = path.first { scope.noteField(first.name) } else { scope.noteWholeDocument() }
    }

    /// `$redact`'s results, which expressions name as variables.
    private static let systemConstants: [String: BSONValue] = [
        "DESCEND": "descend", "PRUNE": "prune", "KEEP": "keep",
    ]

    /// MongoDB's other system variables, which Docket does not provide.
    private static let unsupportedSystemVariables: Set<String> = [
        "CLUSTER_TIME", "SEARCH_META", "USER_ROLES", "IS_MR", "JS_SCOPE",
    ]

    /// Splits and validates a dotted path (MongoDB's `FieldPath`).
    static func parsePath(_ text: Substring, whole: String) throws(DocketError) -> [FieldPath.Component] {
        if text.isEmpty {
            throw DocketError(.location(40352), "FieldPath cannot be constructed with empty string")
        }
        if text.utf8.last == UInt8(ascii: ".") {
            throw DocketError(.location(40353), "FieldPath must not end with a '.'.")
        }
        var components: [FieldPath.Component] = []
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            try validateFieldName(part)
            components.append(FieldPath.Component(part))
        }
        return components
    }

    /// MongoDB's `FieldPath::uassertValidFieldName`.
    static func validateFieldName<S: StringProtocol>(_ name: S) throws(DocketError) {
        guard let first = name.utf8.first else {
            throw DocketError(.location(15998), "FieldPath field names may not be empty strings.")
        }
        if first == UInt8(ascii: "$") && name != "$id" && name != "$ref" && name != "$db" {
            throw DocketError(
                .location(16410), "FieldPath field names may not start with '$'. Consider using $getField or $setField."
            )
        }
        if name.utf8.contains(0) {
            throw DocketError(.location(16411), "FieldPath field names may not contain '\\0'.")
        }
        if name.utf8.contains(UInt8(ascii: ".")) {
            throw DocketError(
                .location(16412), "FieldPath field names may not contain '.'. Consider using $getField or $setField.")
        }
    }

    /// MongoDB's variable name rules: a user variable (written by `$let`, `as`, `let`) is `CURRENT` or starts
    /// with a lowercase letter or a non-ASCII character; a read may also name a system variable (uppercase first letter); the rest
    /// are letters, digits, `_` or non-ASCII characters.
    static func validateVariableName(_ name: String, forWriting: Bool) throws(DocketError) {
        // The one system variable users may bind.
        if forWriting && name == "CURRENT" { return }
        guard let first = name.utf8.first else {
            throw DocketError(.location(16866), "empty variable names are not allowed")
        }
        let isLower = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first)
        let isUpper = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first)
        guard isLower || first >= 0x80 || (!forWriting && isUpper) else {
            throw DocketError(
                .location(16867), "'\(name)' starts with an invalid character for a user variable name")
        }
        for byte in name.utf8.dropFirst() {
            let valid =
                byte >= 0x80 || byte == UInt8(ascii: "_")
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            guard valid else {
                throw DocketError(
                    .location(16868),
                    "'\(name)' contains an invalid character for a variable name: '\(Character(Unicode.Scalar(byte)))'")
            }
        }
    }

    // MARK: - Operators

    /// Parses `{name: argument}` where `name` starts with `$`.
    func parseOperator(_ name: String, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        guard let op = ExpressionOperator(rawValue: name) else {
            if ProjectionOperator.aggregationExpressionNames.contains(name) {
                throw DocketError(.notImplemented, "The expression \(name) is not supported yet", operatorName: name)
            }
            throw DocketError(.invalidPipelineOperator, "Unrecognized expression '\(name)'", operatorName: name)
        }
        switch op.family {
        case .core: return try parseCore(op, argument)
        case .arithmetic: return try parseArithmetic(op, argument)
        case .logic: return try parseLogic(op, argument)
        case .type: return try parseType(op, argument)
        case .array: return try parseArray(op, argument)
        case .setAndObject: return try parseSetOrObject(op, argument)
        case .string: return try parseString(op, argument)
        case .date: return try parseDate(op, argument)
        case .moreNumeric: return try parseMoreNumeric(op, argument)
        }
    }

    /// `$literal` and `$let`.
    private func parseCore(_ op: ExpressionOperator, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        switch op {
        case .literal, .const:
            return .constant(argument)
        default:
            return try parseLet(argument)
        }
    }

    /// `$let: {vars: {...}, in: expr}`: the variables' expressions see only the outer scope; `in` sees them too.
    private func parseLet(_ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        guard case .document(let spec) = argument else {
            throw DocketError(.location(16874), "$let only supports an object as its argument", operatorName: "$let")
        }
        var vars: BSONValue?
        var body: BSONValue?
        for (key, value) in spec {
            switch key {
            case "vars": vars = value
            case "in": body = value
            default:
                throw DocketError(.location(16875), "Unrecognized parameter to $let: \(key)", operatorName: "$let")
            }
        }
        guard let vars else {
            throw DocketError(.location(16876), "Missing 'vars' parameter to $let", operatorName: "$let")
        }
        guard let body else {
            throw DocketError(.location(16877), "Missing 'in' parameter to $let", operatorName: "$let")
        }
        guard case .document(let bindings) = vars else {
            throw DocketError(
                .location(10065), "invalid parameter: expected an object (vars)", operatorName: "$let")
        }
        var values: [ExpressionNode] = []
        for (_, value) in bindings { values.append(try parseOperand(value)) }
        return try scope.nested { () throws(DocketError) -> ExpressionNode in
            var slots: [Int] = []
            for (name, _) in bindings {
                try Self.validateVariableName(name, forWriting: true)
                slots.append(scope.declare(name))
            }
            let inNode = try parseOperand(body)
            if slots.isEmpty { return inNode }
            return .bind(slots, values, inNode)
        }
    }
}
