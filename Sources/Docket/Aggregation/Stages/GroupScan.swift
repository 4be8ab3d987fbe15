import DocketBSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The fused scan of counting groups: a collection scan, an optional `$unwind` of a top-level array and a `$group`
// whose key is a field path and whose fields count (`$sum` of an integer constant, `$count`) — the seed's analytics
// (`$match` → `$unwind: "$teams"` → `$group: {_id: "$teams.id", count: {$sum: 1}}`, workload W5) and every
// "how many per X" report. Run stage by stage, each matching document is decoded, copied once per array element and
// grouped by a `BSONValue` key. Fused, the scan reads each group key straight from the stored bytes (the element's
// field inside the array), hashes a compact canonical form of it, and builds no document at all; large collections are
// scanned by both cores, each over half of the record chunks, and the partial groups merged in natural order.
//
// The result is exactly what the stages return, in the same order (groups in the order their key was first seen, and
// that first value as `_id`): the optimizer property test runs both. Keys the canonical form does not cover
// (documents, arrays, decimals, …) make the scan give up, and the stages run as usual over the same snapshot.

/// A fused collection scan → `$unwind` → counting `$group` (see the comment above).
struct GroupScanPlan: Sendable {
    /// Where a group key is read.
    enum KeySource: Sendable {
        /// The same key for every input (`_id: null`, `_id: "all"`).
        case constant(BSONValue)
        /// A field path from the document's root.
        case root([[UInt8]])
        /// A field path inside each element of the unwound array (empty: the element itself).
        case element([[UInt8]])
    }

    /// A counting field: `increment` added per input, as `$sum` adds an `int32` (`isInt32`) or `int64` constant.
    struct Counter: Sendable {
        let name: String
        let increment: Int64
        let isInt32: Bool
    }

    /// The top-level array `$unwind` walks, or `nil` without `$unwind`.
    let unwindField: [UInt8]?
    let key: KeySource
    let counters: [Counter]

    /// The plan for the stages that follow a collection scan, and how many of them it replaces; `nil` when they do
    /// not start with a group it answers. A leading dependency-analysis `narrow` stage is replaced too (nothing is
    /// decoded).
    static func make(_ stages: [Stage]) -> (plan: GroupScanPlan, consumed: Int)? {
        var position = 0
        if case .narrow? = stages.first { position = 1 }
        var unwound: String?
        if position < stages.count, case .unwind(let spec) = stages[position] {
            guard spec.path.count == 1, spec.indexField == nil, !spec.preservesNullAndEmptyArrays else { return nil }
            unwound = spec.path[0]
            position += 1
        }
        guard position < stages.count, case .group(let spec) = stages[position],
            case .expression(let keyExpression) = spec.key
        else { return nil }
        let key: KeySource
        switch keyExpression.node {
        case .constant(let value):
            key = .constant(value)
        case .current(let path), .root(let path):
            guard !path.isEmpty else { return nil }
            if let unwound, path[0].name == unwound {
                key = .element(path.dropFirst().map(\.utf8))
            } else {
                key = .root(path.map(\.utf8))
            }
        default:
            return nil
        }
        var counters: [Counter] = []
        for (name, accumulator) in spec.fields {
            guard accumulator.kind == .sum || accumulator.kind == .count, accumulator.n == nil else { return nil }
            switch accumulator.argument.node {
            case .constant(.int32(let c)): counters.append(Counter(name: name, increment: Int64(c), isInt32: true))
            case .constant(.int64(let c)): counters.append(Counter(name: name, increment: c, isInt32: false))
            default: return nil
            }
        }
        return (GroupScanPlan(unwindField: unwound.map { Array($0.utf8) }, key: key, counters: counters), position + 1)
    }

    /// What scanning some chunks produced.
    enum Partial: Sendable {
        case groups(GroupKeyTable, examined: Int)
        /// A key the canonical form does not cover, or more groups than the memory limit allows: the stages must run.
        case unsupported
        case expired
    }

    /// The top-level fields the scan reads besides the filter's: the unwound array, or a root key's first field.
    private var topLevelFields: [[UInt8]] {
        if let unwindField { return [unwindField] }
        if case .root(let path) = key, let first = path.first { return [first] }
        return []
    }

    /// Scans the chunks at positions `chunks` of `store`: every document `matcher` accepts is counted into its group.
    /// When the filter allows it, one walk over each document's top-level fields tests the filter and finds the
    /// fields the counting reads (``TopLevelWalk``).
    func scan(
        _ store: RecordStore, chunks: Range<Int>, matcher: Matcher, memoryLimit: Int, deadline: UInt64?
    ) -> Partial {
        var table = GroupKeyTable()
        var examined = 0
        var untilClockCheck = 256
        var outcome: Partial?
        var scratch = CanonicalKey()
        let fields = topLevelFields
        let walk = matcher.hasExpr ? nil : TopLevelWalk.make(filter: matcher.root, also: fields)
        let fieldSlot = fields.first.flatMap { walk?.slot(of: $0) }
        withUnsafeTemporaryAllocation(of: TopLevelWalk.Found.self, capacity: max(walk?.names.count ?? 0, 1)) { found in
            _ = store.forEachDocument(inChunks: chunks) { document in
                examined += 1
                if let deadline {
                    untilClockCheck -= 1
                    if untilClockCheck == 0 {
                        untilClockCheck = 256
                        if MonotonicClock.now() > deadline {
                            outcome = .expired
                            return false
                        }
                    }
                }
                let counted = document.bytes.withUnsafeBytes { buffer -> Bool in
                    guard let walk else {
                        guard matcher.matches(document) else { return true }
                        let field = fields.first.flatMap { RawScan.field($0, in: RawScan.document(buffer), buffer) }
                        return count(buffer, field: field, into: &table, &scratch)
                    }
                    switch walk.walk(buffer, into: found) {
                    case .rejected: return true
                    case .malformed: return false
                    case .undecided: guard matcher.matches(document) else { return true }
                    case .accepted: break
                    }
                    let field = fieldSlot.flatMap { found[$0].isMissing ? nil : found[$0].value }
                    return count(buffer, field: field, into: &table, &scratch)
                }
                if !counted || table.approximateBytes > memoryLimit {
                    outcome = .unsupported
                    return false
                }
                return true
            }
        }
        return outcome ?? .groups(table, examined: examined)
    }

    /// Counts the inputs one stored document gives; `field` is the document's unwound array (with `$unwind`) or the
    /// first field of a root key path, `nil` when the document has no such field. `false` when a key is not covered.
    @inline(__always)
    private func count(
        _ buffer: UnsafeRawBufferPointer, field: RawScan.Value?, into table: inout GroupKeyTable,
        _ scratch: inout CanonicalKey
    ) -> Bool {
        guard unwindField != nil else { return countKey(ofRootField: field, buffer, into: &table, &scratch) }
        guard let array = field else { return true }
        switch array.type {
        case RawScan.Value.unreachable.type:
            return false
        case 0x04:
            var cursor = RawElementCursor(buffer: buffer, documentOffset: array.valueOffset)
            while let (_, element) = cursor.next() {
                let value = RawScan.Value(type: element.type.rawValue, valueOffset: element.valueOffset)
                if !countKey(ofElement: value, buffer, into: &table, &scratch) { return false }
            }
            return true
        case 0x0A:
            return true  // null: no output
        default:
            return countKey(ofElement: array, buffer, into: &table, &scratch)  // a scalar unwinds to itself
        }
    }

    /// Counts one input whose unwound element is `element`.
    private func countKey(
        ofElement element: RawScan.Value, _ buffer: UnsafeRawBufferPointer, into table: inout GroupKeyTable,
        _ scratch: inout CanonicalKey
    ) -> Bool {
        guard case .element(let path) = key else {
            let rootField: RawScan.Value?
            if case .root(let rootPath) = key, let first = rootPath.first {
                rootField = RawScan.field(first, in: RawScan.document(buffer), buffer)
            } else {
                rootField = nil
            }
            return countKey(ofRootField: rootField, buffer, into: &table, &scratch)
        }
        if path.isEmpty { return add(element, buffer, into: &table, &scratch) }
        switch element.type {
        case 0x03: return add(RawScan.follow(path, from: element, buffer), buffer, into: &table, &scratch)
        case 0x04: return false  // a path over an array maps its elements: an array key
        default: return add(nil, buffer, into: &table, &scratch)  // a path into a scalar is missing
        }
    }

    /// Counts one input whose key is read from the document at the root; `field` is the key path's first field.
    private func countKey(
        ofRootField field: RawScan.Value?, _ buffer: UnsafeRawBufferPointer, into table: inout GroupKeyTable,
        _ scratch: inout CanonicalKey
    ) -> Bool {
        switch key {
        case .constant(let value):
            table.add(.constant, count: 1) { value }
            return true
        case .root(let path):
            return add(RawScan.follow(path.dropFirst(), fromField: field, buffer), buffer, into: &table, &scratch)
        case .element:
            preconditionFailure("an element key without $unwind")
        }
    }

    /// Counts one input into the group of `value` (`nil`: missing, grouped with `null`).
    @inline(__always)
    private func add(
        _ value: RawScan.Value?, _ buffer: UnsafeRawBufferPointer, into table: inout GroupKeyTable,
        _ scratch: inout CanonicalKey
    ) -> Bool {
        if value == RawScan.Value.unreachable { return false }
        guard scratch.set(value, buffer) else { return false }
        table.add(scratch, count: 1) {
            guard let value, let type = BSONType(rawValue: value.type),
                let length = RawElementFinder.valueLength(
                    value.type, at: value.valueOffset, limit: buffer.count, buffer.baseAddress!)
            else { return .null }
            return RawValues.decode(RawElement(type: type, valueOffset: value.valueOffset, valueLength: length), buffer)
                ?? .null
        }
        return true
    }

    /// The `$group` output documents of the counted groups, in first-seen order; `nil` if a total overflows.
    func output(_ table: GroupKeyTable) -> [BSONDocument]? {
        var results: [BSONDocument] = []
        results.reserveCapacity(table.count)
        for group in 0..<table.count {
            var document = BSONDocument(minimumCapacity: counters.count + 1)
            document.append("_id", table.keys[group])
            for counter in counters {
                let (total, overflow) = counter.increment.multipliedReportingOverflow(by: Int64(table.counts[group]))
                guard !overflow else { return nil }
                if counter.isInt32, let small = Int32(exactly: total) {
                    document.append(counter.name, .int32(small))
                } else {
                    document.append(counter.name, .int64(total))
                }
            }
            results.append(document)
        }
        return results
    }
}

/// The canonical form of a group key: equal for values MongoDB's `$group` puts in one group (`1`, `1.0` and
/// `NumberLong(1)`; `null` and missing), different otherwise. Covers null, booleans, numbers but decimals, dates,
/// strings and object ids; ``set(_:_:)`` refuses the rest.
///
/// A fixed-size key is a tag and a 64-bit word; a string or object id key points at its bytes in the document being
/// scanned (valid only while that document is: the table copies what it keeps).
struct CanonicalKey {
    private(set) var tag: UInt8 = 0
    private(set) var word: UInt64 = 0
    private(set) var bytes = UnsafeRawBufferPointer(start: nil, count: 0)

    /// The key shared by every input (a constant `_id`).
    static var constant: CanonicalKey { CanonicalKey() }

    /// Sets the key to the canonical form of `value` (`nil`: missing); `false` when the type is not covered.
    @inline(__always)
    mutating func set(_ value: RawScan.Value?, _ buffer: UnsafeRawBufferPointer) -> Bool {
        bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        word = 0
        guard let value else {
            tag = 0
            return true
        }
        let offset = value.valueOffset
        switch value.type {
        case 0x0A:
            tag = 0
        case 0x10:
            (tag, word) = (
                1,
                UInt64(
                    bitPattern: Int64(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                )
            )
        case 0x12:
            (tag, word) = (1, UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case 0x01:
            let d = Double(
                bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            if d.isNaN {
                tag = 2
            } else if d >= -9.223_372_036_854_775_808e18 && d < 9.223_372_036_854_775_808e18
                && d.rounded(.towardZero) == d
            {
                (tag, word) = (1, UInt64(bitPattern: Int64(d)))
            } else {
                (tag, word) = (3, d.bitPattern)
            }
        case 0x09:
            (tag, word) = (4, UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case 0x08:
            (tag, word) = (5, UInt64(buffer[offset]))
        case 0x02:
            let length = Int(Int32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
            guard length >= 1, offset + 4 + length <= buffer.count else { return false }
            tag = 6
            bytes = UnsafeRawBufferPointer(rebasing: buffer[offset + 4..<offset + 3 + length])
        case 0x07:
            guard offset + 12 <= buffer.count else { return false }
            tag = 7
            bytes = UnsafeRawBufferPointer(rebasing: buffer[offset..<offset + 12])
        default:
            return false
        }
        return true
    }

    /// A key read back from a table's stored form.
    fileprivate init(tag: UInt8, word: UInt64, bytes: UnsafeRawBufferPointer) {
        (self.tag, self.word, self.bytes) = (tag, word, bytes)
    }

    init() {}

    /// A 64-bit hash (a multiply-xorshift mix; per 8-byte word for strings).
    @inline(__always)
    var hash: UInt64 {
        var h = (UInt64(tag) &+ 0x9E37_79B9_7F4A_7C15) ^ word
        if tag >= 6 {
            var offset = 0
            while bytes.count - offset >= 8 {
                h = (h ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                offset += 8
            }
            var tail = UInt64(bytes.count)
            while offset < bytes.count {
                tail = tail << 8 | UInt64(bytes[offset])
                offset += 1
            }
            h ^= tail
        }
        h = h &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 29)
    }
}

/// The groups of a fused scan: canonical keys in an open-addressing hash table, each group's first-seen key value
/// and its number of inputs, in first-seen order.
struct GroupKeyTable: Sendable {
    /// The first-seen key value of each group.
    private(set) var keys: [BSONValue] = []
    /// The number of inputs of each group.
    private(set) var counts: [Int] = []
    /// Each group's canonical key: tag, word, and for strings and object ids where its bytes are in `keyBytes`.
    private var tags: [UInt8] = []
    private var words: [UInt64] = []
    private var byteRanges: [Range<Int>] = []
    private var keyBytes: [UInt8] = []
    private var hashes: [UInt64] = []
    /// Group number + 1 per slot (0: empty); a power of two, at most half full.
    private var slots = [Int32](repeating: 0, count: 64)

    var count: Int { keys.count }

    /// The memory the table holds, roughly (compared with the per-stage limit).
    var approximateBytes: Int { keyBytes.count + slots.count * 4 + keys.count * 128 }

    /// Adds `n` inputs to the group of `key`, creating it (with `value()` as its key value) if it is new.
    @inline(__always)
    mutating func add(_ key: CanonicalKey, count n: Int, value: () -> BSONValue) {
        let hash = key.hash
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            let group = entry - 1
            if hashes[group] == hash && matches(group, key) {
                counts[group] += n
                return
            }
            slot = (slot + 1) & mask
        }
        let group = keys.count
        keys.append(value())
        counts.append(n)
        hashes.append(hash)
        tags.append(key.tag)
        words.append(key.word)
        let start = keyBytes.count
        keyBytes.append(contentsOf: key.bytes)
        byteRanges.append(start..<keyBytes.count)
        slots[slot] = Int32(group + 1)
        if keys.count * 2 > slots.count { grow() }
    }

    /// Adds every group of `other` (scanned after this one's documents in natural order), keeping first-seen order.
    mutating func merge(_ other: GroupKeyTable) {
        other.keyBytes.withUnsafeBytes { stored in
            for group in 0..<other.count {
                let key = CanonicalKey(
                    tag: other.tags[group], word: other.words[group],
                    bytes: UnsafeRawBufferPointer(rebasing: stored[other.byteRanges[group]]))
                add(key, count: other.counts[group]) { other.keys[group] }
            }
        }
    }

    @inline(__always)
    private func matches(_ group: Int, _ key: CanonicalKey) -> Bool {
        guard tags[group] == key.tag, words[group] == key.word else { return false }
        guard key.tag >= 6 else { return true }
        let range = byteRanges[group]
        guard range.count == key.bytes.count else { return false }
        return range.isEmpty
            || keyBytes.withUnsafeBytes {
                memcmp($0.baseAddress! + range.lowerBound, key.bytes.baseAddress!, range.count) == 0
            }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for group in 0..<keys.count {
            var slot = Int(truncatingIfNeeded: hashes[group]) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(group + 1)
        }
    }
}

/// Reading values at field paths straight from stored bytes, for the fused scan. Documents come from the store,
/// validated when they were written; every length is still checked against the buffer, and a malformed one ends
/// the walk with ``Value/unreachable`` (the stages then run and report it).
enum RawScan {
    /// A value's type byte and where its bytes start.
    struct Value: Equatable {
        let type: UInt8
        let valueOffset: Int

        /// What a walk returns when the bytes cannot be walked or the path crosses an array.
        static let unreachable = Value(type: 0xFF, valueOffset: -1)
    }

    /// The document at the start of the buffer.
    @inline(__always)
    static func document(_ buffer: UnsafeRawBufferPointer) -> Value { Value(type: 0x03, valueOffset: 0) }

    /// The length of the value with type byte `type` at `offset`, or `nil` if it is malformed or does not end by
    /// `end`. The types of the seed's documents are read here; the rest ask ``RawElementFinder``.
    @inline(__always)
    static func valueLength(_ type: UInt8, at offset: Int, end: Int, _ base: UnsafeRawPointer) -> Int? {
        let length: Int
        switch type {
        case 0x01, 0x09, 0x12: length = 8
        case 0x10: length = 4
        case 0x08: length = 1
        case 0x07: length = 12
        case 0x0A: length = 0
        case 0x02:
            guard end - offset >= 4 else { return nil }
            let n = Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
            guard n >= 1 else { return nil }
            length = 4 + n
        case 0x03, 0x04:
            guard end - offset >= 4 else { return nil }
            length = Int(Int32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
            guard length >= 5 else { return nil }
        default:
            return RawElementFinder.valueLength(type, at: offset, limit: end, base)
        }
        return length <= end - offset ? length : nil
    }

    /// The first field named `name` of the document at `document.valueOffset`, or `nil` when it has none.
    @inline(__always)
    static func field(_ name: [UInt8], in document: Value, _ buffer: UnsafeRawBufferPointer) -> Value? {
        guard let raw = buffer.baseAddress, document.valueOffset >= 0, buffer.count - document.valueOffset >= 5
        else { return .unreachable }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        let length = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: document.valueOffset, as: Int32.self)))
        guard length >= 5, length <= buffer.count - document.valueOffset else { return .unreachable }
        let end = document.valueOffset + length - 1
        var offset = document.valueOffset + 4
        return name.withUnsafeBufferPointer { key -> Value? in
            let keyCount = key.count
            while offset < end {
                let type = base[offset]
                let keyStart = offset + 1
                var valueOffset = TopLevelWalk.terminator(from: keyStart, end: end, raw)
                if valueOffset - keyStart == keyCount
                    && (keyCount == 0 || memcmp(base + keyStart, key.baseAddress!, keyCount) == 0)
                {
                    return Value(type: type, valueOffset: valueOffset + 1)
                }
                valueOffset += 1
                guard valueOffset <= end, let valueLength = valueLength(type, at: valueOffset, end: end, raw)
                else { return .unreachable }
                offset = valueOffset + valueLength
            }
            return nil
        }
    }

    /// The value an expression field path reaches from `start` (a document): `nil` when it is missing,
    /// ``Value/unreachable`` when it crosses an array (an expression path maps arrays) or the bytes are malformed.
    @inline(__always)
    static func follow(_ path: [[UInt8]], from start: Value, _ buffer: UnsafeRawBufferPointer) -> Value? {
        guard let first = path.first else { return start }
        return follow(path.dropFirst(), fromField: field(first, in: start, buffer), buffer)
    }

    /// The value an expression field path reaches when its first component found `field`; `rest` are the other
    /// components.
    @inline(__always)
    static func follow(_ rest: ArraySlice<[UInt8]>, fromField field: Value?, _ buffer: UnsafeRawBufferPointer)
        -> Value?
    {
        var current = field
        for name in rest {
            guard let value = current else { return nil }
            switch value.type {
            case 0x03: current = self.field(name, in: value, buffer)
            case 0x04, Value.unreachable.type: return .unreachable
            default: return nil
            }
        }
        return current
    }
}

/// Runs a ``GroupScanPlan`` on the first `next()`, over both cores for a large store; when the plan gives up, runs
/// the stages it replaced instead (built by `fallback`, over the same snapshot).
final class GroupScanRunner: StageRunner {
    private let plan: GroupScanPlan
    private let store: RecordStore
    private let matcher: Matcher
    private let context: PipelineRunContext
    private let deadline: UInt64?
    private let fallback: () -> any StageRunner
    private var output = BufferedOutput()
    private var replaced: (any StageRunner)?
    /// The documents the fused scan examined, once it ran; `nil` before, or when the stages ran instead.
    private(set) var documentsExamined: Int?

    /// - Parameters:
    ///   - deadline: ``MonotonicClock`` reading past which the scan fails with `MaxTimeMSExpired`.
    ///   - fallback: the replaced stages over the same snapshot's documents.
    init(
        _ plan: GroupScanPlan, store: RecordStore, matcher: Matcher, context: PipelineRunContext, deadline: UInt64?,
        fallback: @escaping () -> any StageRunner
    ) {
        self.plan = plan
        self.store = store
        self.matcher = matcher
        self.context = context
        self.deadline = deadline
        self.fallback = fallback
    }

    func next() throws(DocketError) -> PipelineDocument? {
        if let replaced { return try replaced.next() }
        return try output.next { () throws(DocketError) in
            guard let groups = try scan(), let documents = plan.output(groups.table) else {
                replaced = fallback()
                var documents: [PipelineDocument] = []
                while let document = try replaced!.next() { documents.append(document) }
                replaced = nil
                return documents
            }
            documentsExamined = groups.examined
            return documents.map { .value($0) }
        }
    }

    /// The groups, scanned in parallel pieces when the store is large; `nil` when the plan gives up.
    private func scan() throws(DocketError) -> (table: GroupKeyTable, examined: Int)? {
        let chunkCount = store.chunkCount
        let pieces = store.count >= context.parallelScanMinimum ? max(2, min(Parallel.processorCount, 8)) : 1
        let (plan, store, matcher, limit, deadline) = (plan, store, matcher, context.memoryLimitBytes, deadline)
        let partials = Parallel.map(max(pieces, 1)) { piece in
            let chunks = (chunkCount * piece / max(pieces, 1))..<(chunkCount * (piece + 1) / max(pieces, 1))
            return plan.scan(store, chunks: chunks, matcher: matcher, memoryLimit: limit, deadline: deadline)
        }
        var merged: GroupKeyTable?
        var examined = 0
        for partial in partials {
            switch partial {
            case .expired: throw DocketError(.maxTimeMSExpired, "operation exceeded time limit")
            case .unsupported: return nil
            case .groups(let table, let count):
                examined += count
                if merged == nil { merged = table } else { merged!.merge(table) }
            }
        }
        guard let merged, merged.approximateBytes <= context.memoryLimitBytes else { return nil }
        return (merged, examined)
    }
}
