#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fast, seeded, reproducible random number generator for property tests (xoshiro256**, seeded by SplitMix64).
///
/// Every property test draws its values from a `SeededRandom`, so a failure can be replayed exactly. Put the
/// generator's ``description`` (or ``replayHint``) in every failure message:
///
/// ```swift
/// SeededRandom.forEachCase(1000) { rng, index in
///     let value = rng.randomValue(depth: 3)
///     #expect(BSONValue.compare(value, value) == 0, "\(rng.replayHint)")
/// }
/// ```
///
/// The environment variable `DOCKET_TEST_SEED` (decimal or `0x` hexadecimal) replaces the default base seed,
/// and `DOCKET_TEST_SCALE` multiplies case counts for long runs (see ``scaled(_:)``).
public struct SeededRandom: RandomNumberGenerator, Sendable, CustomStringConvertible {
    /// The seed this generator started from.
    public let seed: UInt64
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole output is determined by `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        var splitMix = seed
        state = (
            Self.splitMix64(&splitMix), Self.splitMix64(&splitMix), Self.splitMix64(&splitMix),
            Self.splitMix64(&splitMix)
        )
    }

    /// Returns the next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    /// `"SeededRandom(seed: 0x…)"`.
    public var description: String { "SeededRandom(seed: 0x\(String(seed, radix: 16)))" }

    /// A message for failure reports: the seed and how to replay it.
    public var replayHint: String {
        "seed 0x\(String(seed, radix: 16)) (replay: DOCKET_TEST_SEED=0x\(String(seed, radix: 16)))"
    }

    /// The base seed of this test run: `DOCKET_TEST_SEED` if set and valid, otherwise a fixed default, so runs
    /// are deterministic unless asked otherwise.
    public static var baseSeed: UInt64 {
        guard let raw = getenv("DOCKET_TEST_SEED").map({ String(cString: $0) }) else { return defaultSeed }
        if raw.hasPrefix("0x") || raw.hasPrefix("0X") { return UInt64(raw.dropFirst(2), radix: 16) ?? defaultSeed }
        return UInt64(raw) ?? defaultSeed
    }

    /// The seed used when `DOCKET_TEST_SEED` is not set.
    public static let defaultSeed: UInt64 = 0xD0C_4E7_5EED

    /// `count` multiplied by `DOCKET_TEST_SCALE` (a positive integer, default 1): long runs set it to 10 or 100.
    public static func scaled(_ count: Int) -> Int {
        guard let raw = getenv("DOCKET_TEST_SCALE").map({ String(cString: $0) }), let scale = Int(raw), scale > 0
        else { return count }
        return count * scale
    }

    /// The seed of case `index` of a run with base seed `base`; case 0 uses `base` itself, so setting
    /// `DOCKET_TEST_SEED` to a failing case's seed replays that case first.
    public static func caseSeed(base: UInt64, index: Int) -> UInt64 {
        base &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
    }

    /// Runs `body` for `count` cases (scaled by ``scaled(_:)``), each with its own generator derived from
    /// ``baseSeed``, so every case is reproducible on its own from the seed in its failure message.
    ///
    /// - Parameters:
    ///   - count: the number of cases before scaling.
    ///   - body: receives the case's generator and its index.
    /// - Throws: rethrows the first error of `body`.
    public static func forEachCase(
        _ count: Int,
        _ body: (_ rng: inout SeededRandom, _ index: Int) throws -> Void
    ) rethrows {
        let base = baseSeed
        for index in 0..<scaled(count) {
            var rng = SeededRandom(seed: caseSeed(base: base, index: index))
            try body(&rng, index)
        }
    }

    /// A random element of a non-empty array.
    public mutating func pick<T>(_ choices: [T]) -> T {
        precondition(!choices.isEmpty, "pick from an empty array")
        return choices[Int.random(in: 0..<choices.count, using: &self)]
    }

    /// `true` with probability `p`.
    public mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * 0x1.0p-53 < p
    }

    /// A random integer in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }

    private static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@inline(__always) private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
