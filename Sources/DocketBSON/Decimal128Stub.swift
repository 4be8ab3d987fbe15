// TEMPORARY stub until the real Decimal128 lands.
public struct Decimal128: Sendable, Hashable, CustomStringConvertible {
    public var low: UInt64
    public var high: UInt64
    public init(high: UInt64, low: UInt64) { self.high = high; self.low = low }
    public init(parsing string: String) throws(BSONError) { throw BSONError(.invalidDecimal128, "stub") }
    public var description: String { "stub" }
    public init(_ value: Int64) { high = 0; low = UInt64(bitPattern: value) }
    public init(_ value: Double) { high = 0; low = value.bitPattern }
    public var isNaN: Bool { false }
    public var doubleValue: Double { 0 }
    public var exactInt64: Int64? { nil }
    public func numericCompare(_ other: Decimal128) -> Int { 0 }
    public var normalized: Decimal128 { self }
}
