import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// One walk over a document's top-level fields for the fused counting scan. The stage-by-stage reading of W5 walks
// each document three times from its first byte: the `$match` finds `created_at`, the `$unwind` finds `teams`, and
// (without `$unwind`) the key finds its field. Fused, the scan names those fields once and one walk over the
// top-level elements records where each is; the filter's leaves are tested as soon as their field is passed, so a
// document the filter rejects is left at the first failing field (two thirds of W5's users, at their sixth field).
//
// The walk answers only what it can answer exactly as the matcher does: filters that are a conjunction of leaves on
// top-level fields (one path component each). A leaf whose field holds an array is MongoDB's array traversal: the
// matcher decides that document. Everything else (`$or`, dotted paths, `$expr`) keeps the matcher.

/// The top-level fields a fused scan reads, found in one walk of each document (see the comment above).
struct TopLevelWalk: Sendable {
    /// A field's value as the walk found it: type byte and value position; type 0 when the field is missing.
    struct Found {
        var type: UInt8 = 0
        var valueOffset = 0
        var valueLength = 0

        var isMissing: Bool { type == 0 }

        /// The value, as the counting reads it.
        var value: RawScan.Value { RawScan.Value(type: type, valueOffset: valueOffset) }

        /// The element, as the matcher's predicates take it (`nil`: missing).
        var element: RawElement? {
            guard let bsonType = BSONType(rawValue: type) else { return nil }
            return RawElement(type: bsonType, valueOffset: valueOffset, valueLength: valueLength)
        }
    }

    /// What the walk made of one document.
    enum Verdict {
        /// The filter rejects it.
        case rejected
        /// The filter accepts it; the fields are in the slots.
        case accepted
        /// A filter field holds an array: the matcher must decide (the slots are filled).
        case undecided
        /// The bytes cannot be walked.
        case malformed
    }

    /// The distinct field names, one slot each.
    let names: [[UInt8]]
    /// Bit `n` is set when some name is `n` bytes long (bit 63: 63 or more): most keys are skipped on their length.
    let nameLengths: UInt64
    /// The slot of each of the filter's leaves, parallel to `predicates`.
    let leafSlots: [Int]
    /// The filter's leaves' predicates.
    let predicates: [LeafPredicate]
    /// For each leaf that orders a field against a date (W5's `created_at: {$gte: date}`): the comparison and the date,
    /// answered with one integer compare when the field holds a date.
    let dateComparisons: [(kind: ComparisonPredicate.Kind, milliseconds: Int64)?]
    /// Whether a slot has leaves (so a walk tests them when it passes the field).
    let slotHasLeaves: [Bool]

    /// The walk for `filter` and the other top-level fields in `also`; `nil` when the filter is not a conjunction
    /// of leaves on top-level fields or too many fields would be read.
    static func make(filter: FilterNode, also: [[UInt8]]) -> TopLevelWalk? {
        let filterLeaves: [FilterNode]
        switch filter {
        case .alwaysTrue: filterLeaves = []
        case .leaf: filterLeaves = [filter]
        case .and(let children): filterLeaves = children
        default: return nil
        }
        var names: [[UInt8]] = []
        func slot(_ name: [UInt8]) -> Int {
            if let index = names.firstIndex(of: name) { return index }
            names.append(name)
            return names.count - 1
        }
        var leafSlots: [Int] = []
        var predicates: [LeafPredicate] = []
        for node in filterLeaves {
            guard case .leaf(let path, let predicate) = node, path.components.count == 1 else { return nil }
            leafSlots.append(slot(path.components[0].utf8))
            predicates.append(predicate)
        }
        for name in also { _ = slot(name) }
        guard names.count <= 8 else { return nil }
        var slotHasLeaves = [Bool](repeating: false, count: names.count)
        for slot in leafSlots { slotHasLeaves[slot] = true }
        let nameLengths = names.reduce(UInt64(0)) { $0 | Self.lengthBit($1.count) }
        let dateComparisons = predicates.map { predicate -> (kind: ComparisonPredicate.Kind, milliseconds: Int64)? in
            guard case .comparison(let comparison) = predicate, case .datetime(let ms) = comparison.operand.fast
            else { return nil }
            return (comparison.kind, ms)
        }
        return TopLevelWalk(
            names: names, nameLengths: nameLengths, leafSlots: leafSlots, predicates: predicates,
            dateComparisons: dateComparisons, slotHasLeaves: slotHasLeaves)
    }

    /// The bit of ``nameLengths`` for a key of `count` bytes.
    @inline(__always)
    private static func lengthBit(_ count: Int) -> UInt64 { 1 << UInt64(min(count, 63)) }

    /// The slot of a field named in `make(filter:also:)`.
    func slot(of name: [UInt8]) -> Int? { names.firstIndex(of: name) }

    /// Walks the document at the start of `buffer` once, filling `found` (one entry per name) and testing the
    /// filter's leaves as their fields are passed.
    @inline(__always)
    func walk(_ buffer: UnsafeRawBufferPointer, into found: UnsafeMutableBufferPointer<Found>) -> Verdict {
        for index in found.indices { found[index] = Found() }
        guard let raw = buffer.baseAddress, buffer.count >= 5 else { return .malformed }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let length = Int(Int32(littleEndian: raw.loadUnaligned(as: Int32.self)))
        guard length >= 5, length <= buffer.count else { return .malformed }
        let end = length - 1
        var remaining = names.count
        var undecided = false
        var offset = 4
        while offset < end && remaining > 0 {
            let type = base[offset]
            let keyStart = offset + 1
            let keyEnd = Self.terminator(from: keyStart, end: end, raw)
            let valueOffset = keyEnd &+ 1
            guard valueOffset <= end, let valueLength = RawScan.valueLength(type, at: valueOffset, end: end, raw)
            else { return .malformed }
            let keyCount = keyEnd - keyStart
            if nameLengths & Self.lengthBit(keyCount) == 0 {
                offset = valueOffset &+ valueLength
                continue
            }
            for slot in 0..<names.count where found[slot].isMissing {
                let matched = names[slot].withUnsafeBufferPointer { name in
                    name.count == keyCount
                        && (keyCount == 0 || memcmp(base + keyStart, name.baseAddress!, keyCount) == 0)
                }
                guard matched else { continue }
                found[slot] = Found(type: type, valueOffset: valueOffset, valueLength: valueLength)
                remaining -= 1
                if slotHasLeaves[slot] {
                    if type == 0x04 {
                        undecided = true
                    } else if !leavesMatch(slot, found[slot].element, buffer) {
                        return .rejected
                    }
                }
                break
            }
            offset = valueOffset &+ valueLength
        }
        // The leaves of missing fields: `null` and `$exists` decide what a missing field matches.
        for slot in 0..<names.count where slotHasLeaves[slot] && found[slot].isMissing {
            if !leavesMatch(slot, nil, buffer) { return .rejected }
        }
        return undecided ? .undecided : .accepted
    }

    /// The offset of the first NUL byte at or after `start` and before `end`, or `end`: a key's terminator, found
    /// eight bytes at a time (most keys end within the first word).
    @inline(__always)
    static func terminator(from start: Int, end: Int, _ base: UnsafeRawPointer) -> Int {
        var offset = start
        while end &- offset >= 8 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            let zeros = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if zeros != 0 { return offset &+ zeros.trailingZeroBitCount / 8 }
            offset &+= 8
        }
        while offset < end && base.load(fromByteOffset: offset, as: UInt8.self) != 0 { offset &+= 1 }
        return offset
    }

    /// Whether every leaf on `slot` matches the field's one value (not an array).
    @inline(__always)
    private func leavesMatch(_ slot: Int, _ element: RawElement?, _ buffer: UnsafeRawBufferPointer) -> Bool {
        for index in leafSlots.indices where leafSlots[index] == slot {
            if let date = dateComparisons[index], let element, element.type == .datetime {
                let value = Int64(
                    littleEndian: buffer.loadUnaligned(fromByteOffset: element.valueOffset, as: Int64.self))
                let holds: Bool
                switch date.kind {
                case .eq: holds = value == date.milliseconds
                case .lt: holds = value < date.milliseconds
                case .lte: holds = value <= date.milliseconds
                case .gt: holds = value > date.milliseconds
                case .gte: holds = value >= date.milliseconds
                }
                if !holds { return false }
                continue
            }
            var ignored: Int?
            if !predicates[index].matches(element, in: buffer, position: &ignored) { return false }
        }
        return true
    }
}
