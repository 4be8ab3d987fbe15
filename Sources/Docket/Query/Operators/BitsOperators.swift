import DocketBSON

/// `$bitsAllSet`, `$bitsAnySet`, `$bitsAllClear`, `$bitsAnyClear`: tests bit positions of integral numbers
/// (two's complement, so negative numbers have every bit above 63 set) and of binary data (bit `i` is bit
/// `i % 8` of byte `i / 8`; positions past the end are clear). Other values, and numbers that are not integral
/// or do not fit `Int64`, never match.
struct BitsPredicate: Sendable {
    /// The test.
    enum Kind: Sendable {
        case allSet, anySet, allClear, anyClear
    }

    let kind: Kind
    let positions: [Int]

    func matches(_ element: RawElement?, in buffer: UnsafeRawBufferPointer) -> Bool {
        guard let element else { return false }
        switch element.type {
        case .int32, .int64, .double, .decimal128:
            guard let value = RawValues.number(element, buffer), let n = Integral.exact(value) else { return false }
            return test { p in p < 64 ? (n >> Int64(p)) & 1 == 1 : n < 0 }
        case .binary:
            // Payload: int32 length, subtype byte, bytes (for subtype 2, the bytes start with their own length).
            let length = Int(RawValues.int32(element, buffer))
            let start = element.valueOffset + 5
            return test { p in
                let byte = p / 8
                guard byte < length else { return false }
                return (buffer[start + byte] >> UInt8(p % 8)) & 1 == 1
            }
        default:
            return false
        }
    }

    @inline(__always)
    private func test(_ isSet: (Int) -> Bool) -> Bool {
        switch kind {
        case .allSet: return positions.allSatisfy(isSet)
        case .anySet: return positions.contains(where: isSet)
        case .allClear: return positions.allSatisfy { !isSet($0) }
        case .anyClear: return positions.contains { !isSet($0) }
        }
    }
}

extension FilterParser {
    /// Parses a bitwise operator's mask: a non-negative integer, an array of bit positions, or binary data.
    static func parseBits(
        _ kind: BitsPredicate.Kind,
        path: String,
        operatorName: String,
        _ value: BSONValue
    ) throws(DocketError) -> FilterNode {
        var positions: [Int] = []
        switch value {
        case .array(let items):
            for (i, item) in items.enumerated() {
                let described = "\(i): \(describeForMessage(item))"
                switch Integral.nonNegative(item, described: described) {
                case .failure(let reason):
                    throw DocketError(
                        .badValue,
                        "Failed to parse bit position. \(reason)",
                        fieldPath: path,
                        operatorName: operatorName
                    )
                case .success(let n):
                    guard n <= Int64(Int32.max) else {
                        throw DocketError(
                            .badValue,
                            "Failed to parse bit position. Cannot represent \(described) in an int",
                            fieldPath: path,
                            operatorName: operatorName
                        )
                    }
                    positions.append(Int(n))
                }
            }
        case .int32, .int64, .double, .decimal128:
            switch Integral.nonNegative(value, described: "\(operatorName): \(describeForMessage(value))") {
            case .failure(let reason):
                throw DocketError(.failedToParse, reason.description, fieldPath: path, operatorName: operatorName)
            case .success(let mask):
                for bit in 0..<63 where (mask >> Int64(bit)) & 1 == 1 { positions.append(bit) }
            }
        case .binary(let binary):
            for (i, byte) in binary.bytes.enumerated() {
                for bit in 0..<8 where (byte >> UInt8(bit)) & 1 == 1 { positions.append(i * 8 + bit) }
            }
        default:
            throw DocketError(
                .badValue,
                "\(path) takes an Array, a number, or a BinData but received: \(operatorName): \(describeForMessage(value))",
                fieldPath: path,
                operatorName: operatorName
            )
        }
        return .leaf(FilterPath(path), .bits(BitsPredicate(kind: kind, positions: positions)))
    }
}
