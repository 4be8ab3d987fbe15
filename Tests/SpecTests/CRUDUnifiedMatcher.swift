import DocketBSON

// "Evaluating Matches" of the unified test format: how an expected value (from a test file) is compared with an
// actual value (from the engine).
//
// - Documents: every expected key must be present and match, in any order; extra actual keys are allowed only in
//   a root document (a findOneAnd* result, each document of a find result, a write result, an error response).
// - Arrays: the same length, matched element by element (elements are not root documents).
// - Numbers: int32, int64 and double compare by value (`1 == 1.0`); decimal128 only with decimal128.
// - Special operators: an expected document whose only key starts with `$$`.

/// Compares expected values with actual ones.
struct UnifiedMatcher {
    /// Saved entities that `$$matchesEntity` refers to.
    var entities: [String: BSONValue] = [:]
    /// Whether int32, int64 and double compare by value. The `outcome` check turns it off: the spec says the
    /// match rules do not apply there, so numeric types must be the same.
    var numericLeniency = true
    /// Whether extra keys are allowed in root documents (off for `outcome`, whose documents must be exact).
    var extraRootKeys = true

    /// Matches `actual` (nil when absent) against `expected`; returns nil on success, else what differs and where.
    func match(_ expected: BSONValue, _ actual: BSONValue?, isRoot: Bool, path: String = "$") -> String? {
        if case .document(let spec) = expected, spec.count == 1, let (op, operand) = spec.first, op.hasPrefix("$$") {
            return matchSpecial(op, operand, actual, isRoot: isRoot, path: path)
        }
        guard let actual else { return "\(path): expected \(describe(expected)), found nothing" }
        switch (expected, actual) {
        case (.document(let e), .document(let a)):
            return matchDocument(e, a, isRoot: isRoot, path: path)
        case (.array(let e), .array(let a)):
            guard e.count == a.count else {
                return "\(path): expected an array of \(e.count) elements, found \(a.count): \(describe(actual))"
            }
            for (i, (x, y)) in zip(e, a).enumerated() {
                if let problem = match(x, y, isRoot: false, path: "\(path)[\(i)]") { return problem }
            }
            return nil
        default:
            return scalarsMatch(expected, actual)
                ? nil : "\(path): expected \(describe(expected)), found \(describe(actual))"
        }
    }

    /// Matches every element of `actual` as a root document (find and aggregate results).
    func matchRootArray(_ expected: BSONValue, _ actual: BSONValue?) -> String? {
        guard case .array(let e) = expected, case .array(let a)? = actual else {
            return match(expected, actual, isRoot: true)
        }
        guard e.count == a.count else {
            return "$: expected \(e.count) documents, found \(a.count): \(describe(.array(a)))"
        }
        for (i, (x, y)) in zip(e, a).enumerated() {
            if let problem = match(x, y, isRoot: true, path: "$[\(i)]") { return problem }
        }
        return nil
    }

    private func matchDocument(_ expected: BSONDocument, _ actual: BSONDocument, isRoot: Bool, path: String) -> String?
    {
        for (key, value) in expected {
            let childPath = "\(path).\(key)"
            let found = actual[key]
            if case .document(let spec) = value, spec.count == 1, let (op, operand) = spec.first {
                if op == "$$exists" {
                    guard let wanted = operand.boolValue else { return "\(childPath): $$exists needs a boolean" }
                    if wanted != found.isPresent {
                        return "\(childPath): expected the key to be \(wanted ? "present" : "absent")"
                    }
                    continue
                }
                if op == "$$unsetOrMatches", !found.isPresent { continue }
            }
            if let problem = match(value, found, isRoot: false, path: childPath) { return problem }
        }
        if !isRoot || !extraRootKeys {
            let extra = actual.keys.filter { !expected.contains(key: $0) }
            if !extra.isEmpty {
                return "\(path): unexpected keys \(extra) in \(describe(.document(actual)))"
            }
        }
        return nil
    }

    private func matchSpecial(_ op: String, _ operand: BSONValue, _ actual: BSONValue?, isRoot: Bool, path: String)
        -> String?
    {
        switch op {
        case "$$unsetOrMatches":
            guard let actual else { return nil }
            return match(operand, actual, isRoot: isRoot, path: path)
        case "$$exists":
            guard let wanted = operand.boolValue else { return "\(path): $$exists needs a boolean" }
            return wanted == actual.isPresent
                ? nil : "\(path): expected the value to be \(wanted ? "present" : "absent")"
        case "$$type":
            guard let actual else { return "\(path): expected a value of type \(describe(operand)), found nothing" }
            let names: [String]
            switch operand {
            case .string(let name): names = [name]
            case .array(let list): names = list.compactMap(\.stringValue)
            default: return "\(path): $$type needs a type name or a list of names"
            }
            let ok = names.contains { $0 == actual.type.alias || ($0 == "number" && actual.isNumber) }
            return ok ? nil : "\(path): expected type \(names), found \(actual.type.alias) \(describe(actual))"
        case "$$lte":
            guard let actual else { return "\(path): expected a number ≤ \(describe(operand)), found nothing" }
            guard actual.isNumber, operand.isNumber, actual.type != .decimal128, operand.type != .decimal128 else {
                return "\(path): $$lte compares numbers, found \(describe(actual))"
            }
            return BSONValue.compare(actual, operand) <= 0
                ? nil : "\(path): expected ≤ \(describe(operand)), found \(describe(actual))"
        case "$$matchesEntity":
            guard let id = operand.stringValue, let entity = entities[id] else {
                return "\(path): $$matchesEntity names no saved entity: \(describe(operand))"
            }
            return match(entity, actual, isRoot: isRoot, path: path)
        case "$$matchAsRoot":
            return match(operand, actual, isRoot: true, path: path)
        case "$$matchAsDocument":
            guard case .string(let text)? = actual else {
                return
                    "\(path): $$matchAsDocument needs a string holding JSON, found \(actual.map(describe) ?? "nothing")"
            }
            guard let document = try? BSONDocument(extendedJSON: text) else {
                return "\(path): $$matchAsDocument: not a JSON document: \(text)"
            }
            return match(operand, .document(document), isRoot: false, path: path)
        default:
            return "\(path): special operator \(op) is not supported by this runner"
        }
    }

    private func scalarsMatch(_ expected: BSONValue, _ actual: BSONValue) -> Bool {
        if numericLeniency, expected.isNumber, actual.isNumber, expected.type != .decimal128,
            actual.type != .decimal128
        {
            return BSONValue.compare(expected, actual) == 0
        }
        return expected.type == actual.type && expected.isIdentical(to: actual)
    }

    func describe(_ value: BSONValue) -> String { value.extendedJSONString(mode: .canonical) }
}

extension Optional<BSONValue> {
    /// Whether a value is there. Comparing a `BSONValue?` with `nil` is a trap: `BSONValue` is
    /// `ExpressibleByNilLiteral`, so in some positions the literal becomes `.null` instead of "absent".
    var isPresent: Bool {
        if case .some = self { return true }
        return false
    }
}
