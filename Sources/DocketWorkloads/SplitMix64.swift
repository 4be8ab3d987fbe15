/// SplitMix64: a tiny, fast, seeded pseudo-random number generator (Steele, Lea and Flood, 2014).
///
/// The state advances by the constant `0x9E3779B97F4A7C15` ("golden gamma") and each output is the state passed
/// through a 64-bit finaliser. It is not cryptographic, but its outputs are well distributed and it is the
/// generator the canonical dataset is defined with, so the same seed always yields the same dataset.
///
/// ```swift
/// var rng = SplitMix64(seed: 2)
/// let die = rng.uniform(below: 6) + 1
/// ```
public struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The current state; the next output is `SplitMix64.mix(state &+ golden gamma)`.
    public var state: UInt64

    /// Creates a generator whose first output is `SplitMix64.mix(seed &+ 0x9E3779B97F4A7C15)`.
    @inlinable public init(seed: UInt64) { state = seed }

    /// Returns the next 64 random bits.
    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// A uniformly distributed integer in `0..<bound` (Lemire's multiply-high reduction, without rejection:
    /// the bias is below `bound / 2^64`, far under anything the dataset's sizes can observe).
    /// - Precondition: `bound > 0`.
    @inlinable public mutating func uniform(below bound: Int) -> Int {
        precondition(bound > 0, "uniform(below:) needs a positive bound")
        return Int(truncatingIfNeeded: UInt64(bound).multipliedFullWidth(by: next()).high)
    }

    /// A uniformly distributed integer in `range`.
    @inlinable public mutating func uniform(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + uniform(below: range.upperBound - range.lowerBound + 1)
    }

    /// A fair coin flip.
    @inlinable public mutating func nextBool() -> Bool { next() >> 63 == 1 }

    /// SplitMix64's output finaliser: a bijective 64-bit hash with good avalanche.
    ///
    /// Also used to derive independent per-document streams: document `i` of a dataset draws from
    /// `SplitMix64(seed: mix(seed &+ mix(UInt64(i))))`.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
