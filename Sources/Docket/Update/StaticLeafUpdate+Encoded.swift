// The fast path of the fast path: one operation on an existing static path, applied to the stored bytes.
//
// Decoding a whole document, applying the update and encoding it again costs far more than the change itself. Here
// the path is followed through the encoded document (keys compared as bytes, array elements counted), only the
// target element is decoded (a `$set` decodes nothing), the operator computes the new value exactly as the general
// walk does (`UpdatePlan.applyLeaf`), and a new byte array is assembled from three pieces: the bytes before the old
// value (with the element's type byte replaced), the new value, and the bytes after it. The length prefix of every
// document or array enclosing the value then grows or shrinks by the size difference. Removing a field (`$unset`)
// splices the whole element out. Nothing else changes, so the result is exactly what decoding, the general walk and
// re-encoding produce (EncodedUpdateTests checks this on seeded random documents and every operator). Whenever the
// general walk must decide — a missing component (the operation would create the path), a scalar in the way, a name
// that is not an index inside an array — this returns `nil` and the caller falls back to it.
//
//     before:  [len][ ... ][type][key\0][old value][ ... ]\0        len  = total size
//     after:   [len'][ ... ][type'][key\0][new value][ ... ]\0      len' = len + (new size - old size), and the same
//                                                                     for each enclosing document or array

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The outcome of an update applied to a stored document.
enum StoredUpdate: Sendable {
    /// The document did not change (MongoDB's no-op, not counted in `nModified`).
    case unchanged
    /// The new version of the document.
    case changed(RawDocument)
}

extension StaticLeafUpdate {
    /// Applies the operation to an encoded document, or returns `nil` (nothing done) when the general walk must decide.
    ///
    /// - Parameters:
    ///   - document: a stored (valid) document.
    ///   - arrayPosition: the array index the query matched, for a `$` component.
    ///   - plan: the plan this operation belongs to (its operators compute the new value).
    /// - Throws: the operator's errors (`TypeMismatch` for `$inc` on a string, …), `BSONObjectTooLarge` (10334) and
    ///   `Overflow` (15) for a result MongoDB would not store.
    /// - Complexity: O(size of the document): one walk down the path and one copy.
    func apply(toEncoded document: RawDocument, arrayPosition: Int?, plan: UpdatePlan) throws(DocketError)
        -> StoredUpdate?
    {
        // The offsets of the enclosing containers live on the stack: one per path component.
        try withUnsafeTemporaryAllocation(of: Int.self, capacity: componentCount) {
            containers throws(DocketError) -> StoredUpdate? in
            try apply(toEncoded: document, arrayPosition: arrayPosition, plan: plan, containers: containers)
        }
    }

    private func apply(
        toEncoded document: RawDocument,
        arrayPosition: Int?,
        plan: UpdatePlan,
        containers: UnsafeMutableBufferPointer<Int>
    ) throws(DocketError) -> StoredUpdate? {
        let bytes = document.bytes
        guard
            let target = bytes.withUnsafeBytes({
                locate(in: $0, arrayPosition: arrayPosition, containers: containers)
            })
        else { return nil }

        // The new value: a `$set`'s operand, or what the operator makes of the decoded old value.
        let newValue: BSONValue?
        if case .set(let value) = operation {
            newValue = value
        } else {
            guard
                var value = bytes.withUnsafeBytes({
                    RawElementFinder.decode(
                        RawElement(
                            type: BSONType(rawValue: $0[target.typeOffset]) ?? .null, valueOffset: target.valueOffset,
                            valueLength: target.valueLength),
                        in: $0)
                })
            else { return nil }
            var context = UpdateApplyContext(arrayPosition: arrayPosition, isInsert: false, id: document["_id"])
            for (k, component) in components.enumerated() {
                switch component {
                case .name(let name): context.push(name, inArray: target.isArray(k))
                case .positional: context.push(String(arrayPosition ?? 0), inArray: true)
                }
            }
            switch try plan.applyLeaf(operation, to: &value, context: &context) {
            case .unchanged: return .unchanged
            case .changed: newValue = value
            case .remove: newValue = target.inArray ? .null : nil
            }
        }

        guard let newValue else {
            // Remove the whole element: type byte, key and value.
            let removed = target.valueOffset + target.valueLength - target.typeOffset
            return .changed(splice(bytes, target, from: target.typeOffset, removing: removed, inserting: nil)!)
        }
        if StorageRules.exceedsNesting(newValue, atLevel: target.containerCount) { throw StorageRules.nestingError() }
        let newSize: Int
        do { newSize = try newValue.encodedValueSize() } catch { throw DocketError(error) }
        try StorageRules.checkSize(bytes.count + newSize - target.valueLength, context: .update)
        // `$set`'s no-op is the same type and the same bytes (other operators decided above, with MongoDB's rules: a
        // NaN result, for one, always counts as a change).
        let setsIdenticalValueIsNoOp: Bool
        if case .set = operation { setsIdenticalValueIsNoOp = true } else { setsIdenticalValueIsNoOp = false }
        guard
            let spliced = splice(
                bytes, target, from: target.valueOffset, removing: target.valueLength, inserting: newValue,
                size: newSize, unchangedIfIdentical: setsIdenticalValueIsNoOp)
        else { return .unchanged }
        return .changed(spliced)
    }

    /// Replaces `count` bytes at `start` with the encoding of `value` (or nothing), setting the element's type byte
    /// and adjusting every enclosing length prefix.
    ///
    /// - Parameter unchangedIfIdentical: return `nil` when the new value has the old one's type and bytes (the new
    ///   value is written straight to its final place and compared there: one write, no scratch copy).
    private func splice(
        _ bytes: [UInt8], _ target: Location, from start: Int, removing count: Int, inserting value: BSONValue?,
        size: Int = 0, unchangedIfIdentical: Bool = false
    ) -> RawDocument? {
        let newSize = value == nil ? 0 : size
        let delta = newSize - count
        let total = bytes.count + delta
        var unchanged = false
        let result = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            let base = UnsafeMutableRawPointer(out.baseAddress!)
            bytes.withUnsafeBytes { old in
                let src = old.baseAddress!
                if let value {
                    _ = try? value.writeEncodedValue(
                        into: UnsafeMutableRawBufferPointer(start: base + start, count: newSize))
                    if unchangedIfIdentical && delta == 0 && old[target.typeOffset] == value.type.rawValue
                        && (newSize == 0 || memcmp(src + start, base + start, newSize) == 0)
                    {
                        unchanged = true
                        return
                    }
                }
                base.copyMemory(from: src, byteCount: start)
                if let value {
                    base.storeBytes(of: value.type.rawValue, toByteOffset: target.typeOffset, as: UInt8.self)
                }
                let suffixStart = start + count
                (base + start + newSize).copyMemory(from: src + suffixStart, byteCount: bytes.count - suffixStart)
            }
            if unchanged {
                initialized = 0
                return
            }
            // Every enclosing document and array grows (or shrinks) by `delta`.
            for k in 0..<target.containerCount {
                let offset = target.containers[k]
                let length = Int32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: Int32.self))
                base.storeBytes(of: (length + Int32(delta)).littleEndian, toByteOffset: offset, as: Int32.self)
            }
            initialized = total
        }
        return unchanged ? nil : RawDocument(uncheckedBytes: result)
    }

    /// Where the path's element lies: its type byte, its value, and the documents and arrays that enclose it (the
    /// top-level document first).
    private struct Location {
        var typeOffset: Int
        var valueOffset: Int
        var valueLength: Int
        /// The number of entries of `containers` in use: also the element's field level (top-level fields are 1).
        var containerCount: Int
        var containers: UnsafeMutableBufferPointer<Int>
        /// Bit `k`: whether the container of component `k` is an array.
        var arrayContainers: UInt64
        /// Whether the container of component `k` is an array.
        func isArray(_ k: Int) -> Bool { arrayContainers >> UInt64(k) & 1 == 1 }
        /// Whether the element itself is an array element.
        var inArray: Bool { isArray(containerCount - 1) }
    }

    /// Follows the path as the general walk does on a decoded document.
    private func locate(
        in buffer: UnsafeRawBufferPointer,
        arrayPosition: Int?,
        containers: UnsafeMutableBufferPointer<Int>
    ) -> Location? {
        guard componentCount <= 64 else { return nil }
        var path = self.path
        return path.withUTF8 { path in
            locate(in: buffer, path: path, arrayPosition: arrayPosition, containers: containers)
        }
    }

    /// ``locate(in:arrayPosition:containers:)`` with the path's bytes: each component is the bytes up to the next
    /// dot, compared with the stored keys in place.
    private func locate(
        in buffer: UnsafeRawBufferPointer,
        path: UnsafeBufferPointer<UInt8>,
        arrayPosition: Int?,
        containers: UnsafeMutableBufferPointer<Int>
    ) -> Location? {
        guard let base = buffer.baseAddress else { return nil }
        var containerOffset = 0
        var containerIsArray = false
        var kinds: UInt64 = 0
        var start = 0
        for k in 0..<componentCount {
            var end = start
            while end < path.count && path[end] != UInt8(ascii: ".") { end += 1 }
            let name = UnsafeBufferPointer(rebasing: path[start..<end])
            start = end + 1
            let isPositional = name.count == 1 && name[0] == UInt8(ascii: "$")
            containers[k] = containerOffset
            if containerIsArray { kinds |= 1 << UInt64(k) }
            var cursor = RawElementCursor(buffer: buffer, documentOffset: containerOffset)
            var found: (key: UnsafeRawBufferPointer, element: RawElement)?
            if containerIsArray {
                let index: Int
                if isPositional {
                    guard let arrayPosition else { return nil }
                    index = arrayPosition
                } else {
                    guard let i = UpdatePath.arrayIndex(name) else { return nil }
                    index = i
                }
                var i = 0
                while let next = cursor.next() {
                    if i == index {
                        found = next
                        break
                    }
                    i += 1
                }
            } else if isPositional {
                guard let arrayPosition else { return nil }
                var key = String(arrayPosition)
                found = key.withUTF8 { Self.element(named: $0, in: &cursor) }
            } else {
                found = Self.element(named: name, in: &cursor)
            }
            guard let (key, element) = found else { return nil }
            if k == componentCount - 1 {
                return Location(
                    typeOffset: key.baseAddress! - base - 1,
                    valueOffset: element.valueOffset,
                    valueLength: element.valueLength,
                    containerCount: k + 1,
                    containers: containers,
                    arrayContainers: kinds
                )
            }
            switch element.type {
            case .document: containerIsArray = false
            case .array: containerIsArray = true
            default: return nil
            }
            containerOffset = element.valueOffset
        }
        return nil
    }

    /// The first element of the cursor's document whose key is `name` (compared as bytes).
    @inline(__always)
    private static func element(named name: UnsafeBufferPointer<UInt8>, in cursor: inout RawElementCursor)
        -> (key: UnsafeRawBufferPointer, element: RawElement)?
    {
        while let next = cursor.next() {
            if next.key.count == name.count
                && (name.count == 0 || memcmp(next.key.baseAddress!, name.baseAddress!, name.count) == 0)
            {
                return next
            }
        }
        return nil
    }
}
