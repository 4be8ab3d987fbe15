import DocketBSON

// `$percentile` and `$median` as expressions (MongoDB 7.0+): percentiles of the numbers of an array input (or of a
// single number), computed exactly as MongoDB does for expressions: the discrete percentile for the "approximate"
// and "discrete" methods, linear interpolation for "continuous"; null where there is no number.

/// How a percentile is computed.
enum PercentileMethod: String, Sendable {
    case approximate, discrete, continuous
}

extension ExpressionParser {
    /// Parses `$percentile: {input, p, method}` or `$median: {input, method}`.
    func parseQuantile(median: Bool, _ argument: BSONValue) throws(DocketError) -> ExpressionNode {
        let name = median ? "$median" : "$percentile"
        guard case .document(let spec) = argument else {
            throw DocketError(
                .location(7_436_200),
                "specification must be an object; found \(name): \(BSONPrinter.updateMessage.string(argument))",
                operatorName: name)
        }
        var fields: [String: BSONValue] = [:]
        let allowed: Set<String> = median ? ["input", "method"] : ["input", "p", "method"]
        for (key, value) in spec {
            guard allowed.contains(key) else {
                throw DocketError(
                    .location(40415), "BSON field '\(name).\(key)' is an unknown field.", operatorName: name)
            }
            fields[key] = value
        }
        for key in ["input", "p", "method"] where allowed.contains(key) && fields[key] == nil {
            throw DocketError(
                .location(40414), "BSON field '\(name).\(key)' is missing but a required field", operatorName: name)
        }
        guard case .string(let methodName)? = fields["method"], let method = PercentileMethod(rawValue: methodName)
        else {
            throw DocketError(
                .badValue,
                "Currently only 'approximate', 'discrete', and 'continuous' can be used as percentile 'method'.",
                operatorName: name)
        }
        let input = try parseOperand(fields["input"]!)
        var ps: [Double] = [0.5]
        if !median { ps = try parsePercentiles(fields["p"]!) }
        return .arrayOperator(.quantile(input, ps, method, median: median))
    }

    /// `p`: a constant, non-empty array of numbers in [0, 1].
    private func parsePercentiles(_ value: BSONValue) throws(DocketError) -> [Double] {
        guard case .constant(let constant) = try parseOperand(value) else {
            throw DocketError(
                .location(7_750_300),
                "The $percentile 'p' field must be an array of constant values, but found value: "
                    + BSONPrinter.updateMessage.string(value) + ".",
                operatorName: "$percentile")
        }
        let message = "The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: "
        guard case .array(let items) = constant, !items.isEmpty else {
            throw DocketError(
                .location(7_750_301), message + BSONPrinter.updateMessage.string(constant), operatorName: "$percentile")
        }
        var ps: [Double] = []
        for item in items {
            guard item.isNumber else {
                throw DocketError(
                    .location(7_750_302), message + BSONPrinter.updateMessage.string(item), operatorName: "$percentile")
            }
            let p = NumericArithmetic.double(item)
            guard p >= 0 && p <= 1 else {
                throw DocketError(
                    .location(7_750_303), message + Conversion.formatDouble(p), operatorName: "$percentile")
            }
            ps.append(p)
        }
        return ps
    }
}

extension ArrayNode {
    /// The percentiles of the input's numbers (MongoDB's `evaluateAccumulatorQuantile`).
    static func quantiles(_ input: BSONValue?, _ ps: [Double], _ method: PercentileMethod, median: Bool) -> BSONValue {
        var samples: [Double] = []
        switch input {
        case let number? where number.isNumber:
            samples = [NumericArithmetic.double(number)]
        case .array(let items)?:
            samples = items.filter(\.isNumber).map(NumericArithmetic.double)
        default:
            break
        }
        samples.sort()
        let values: [BSONValue] = ps.map { p in
            guard !samples.isEmpty else { return .null }
            let n = samples.count
            if method == .continuous {
                let position = p * Double(n - 1)
                let lower = Int(position.rounded(.down))
                let upper = Int(position.rounded(.up))
                let fraction = position - Double(lower)
                return .double(samples[lower] + (samples[upper] - samples[lower]) * fraction)
            }
            // MongoDB's computeTrueRank: the 0-based rank ceil(n·p) - 1, at least 0 and at most n - 1.
            let rank = p >= 1 ? n - 1 : Swift.max(0, Int((Double(n) * p).rounded(.up)) - 1)
            return .double(samples[Swift.min(rank, n - 1)])
        }
        return median ? values[0] : .array(values)
    }
}
