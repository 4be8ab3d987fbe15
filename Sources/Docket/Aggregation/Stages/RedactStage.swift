import DocketBSON

// `$redact` (MongoDB's document_source_redact.cpp): the expression is evaluated with `$$CURRENT` at each level of the
// document, starting at the root; `$$KEEP` keeps the level whole, `$$PRUNE` removes it, `$$DESCEND` keeps its fields
// but evaluates again at each sub-document (also inside arrays). `$$ROOT` stays the whole input document.

extension Stage {
    /// `$redact: expression`.
    /// - Throws: the expression's parse errors.
    static func parseRedact(_ value: BSONValue, scope: ExpressionScope) throws(DocketError) -> Stage {
        .redact(try Expression(parsing: value, scope: scope))
    }
}

/// `$redact`.
final class RedactRunner: StageRunner {
    private let upstream: any StageRunner
    private let expression: Expression
    private let context: PipelineRunContext

    init(_ upstream: any StageRunner, _ expression: Expression, context: PipelineRunContext) {
        self.upstream = upstream
        self.expression = expression
        self.context = context
    }

    func next() throws(DocketError) -> PipelineDocument? {
        while let input = try upstream.next() {
            var expressionContext = ExpressionContext(root: input, variables: context.variables, now: context.now)
            if let redacted = try redact(try input.decoded(), &expressionContext) { return .value(redacted) }
        }
        return nil
    }

    /// The level as `$redact` leaves it, or `nil` when it is pruned.
    private func redact(_ level: BSONDocument, _ expressionContext: inout ExpressionContext) throws(DocketError)
        -> BSONDocument?
    {
        expressionContext.current = .value(level)
        let decision = try expression.evaluate(&expressionContext)
        switch decision {
        case .string("keep")?: return level
        case .string("prune")?: return nil
        case .string("descend")?:
            var output = BSONDocument(minimumCapacity: level.count)
            for (key, value) in level {
                if let kept = try redact(value, &expressionContext) { output.append(key, kept) }
            }
            return output
        default:
            let shown = decision.map { BSONPrinter.projectionMessage.string($0) } ?? "MISSING"
            throw DocketError(
                .location(17053),
                "$redact's expression should not return anything aside from the variables $$KEEP, $$DESCEND, and "
                    + "$$PRUNE, but returned \(shown)", stage: "$redact")
        }
    }

    /// A field's value after `$$DESCEND`: sub-documents redacted (and dropped when pruned), arrays element by element.
    private func redact(_ value: BSONValue, _ expressionContext: inout ExpressionContext) throws(DocketError)
        -> BSONValue?
    {
        switch value {
        case .document(let inner):
            return try redact(inner, &expressionContext).map { .document($0) }
        case .array(let elements):
            var kept: [BSONValue] = []
            kept.reserveCapacity(elements.count)
            for element in elements {
                if let redacted = try redact(element, &expressionContext) { kept.append(redacted) }
            }
            return .array(kept)
        default:
            return value
        }
    }
}
