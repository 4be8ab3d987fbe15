import CLibBSON
import DocketBSON

/// libbson's view of BSON: building documents with its `bson_append_*` API, validating, iterating and printing
/// Extended JSON. Used only as an oracle for DocketBSON.
enum LibBSON {
    /// The `bson_validate` flags matching Docket's acceptance rules.
    ///
    /// - `BSON_VALIDATE_UTF8`: Docket requires valid UTF-8 in keys and string values.
    /// - `BSON_VALIDATE_UTF8_ALLOW_NULL`: Docket accepts NUL bytes inside length-prefixed string values.
    /// - No `BSON_VALIDATE_EMPTY_KEYS`, `DOLLAR_KEYS` or `DOT_KEYS`: Docket's codec accepts empty keys and keys with
    ///   `$` or `.` (those are storage-layer rules, not BSON's).
    static let validateFlags = Int32(BSON_VALIDATE_UTF8.rawValue | BSON_VALIDATE_UTF8_ALLOW_NULL.rawValue)

    /// The document built with libbson's `bson_append_*` API, walking the value tree; `nil` if an append failed.
    static func encode(_ document: BSONDocument) -> [UInt8]? {
        guard let b = bson_new() else { return nil }
        defer { bson_destroy(b) }
        guard appendFields(document, to: b), let data = bson_get_data(b) else { return nil }
        return [UInt8](UnsafeBufferPointer(start: data, count: Int(docket_bson_len(b))))
    }

    /// `bson_validate` with ``validateFlags``: 1 valid, 0 invalid, -1 header rejected by `bson_init_static`.
    static func validate(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { docket_bson_validate($0.baseAddress, $0.count, validateFlags) }
    }

    /// Iterates every value with `bson_iter_*`, recursively; returns `DOCKET_WALK_*` bits, or -1 if the header is
    /// rejected.
    static func walk(_ bytes: [UInt8]) -> Int32 {
        bytes.withUnsafeBufferPointer { docket_bson_walk($0.baseAddress, $0.count) }
    }

    /// libbson's canonical or relaxed Extended JSON for the document, or `nil` if it refuses.
    static func extendedJSON(_ bytes: [UInt8], canonical: Bool) -> String? {
        let json = bytes.withUnsafeBufferPointer {
            docket_bson_as_extended_json($0.baseAddress, $0.count, canonical ? 1 : 0)
        }
        guard let json else { return nil }
        defer { bson_free(json) }
        return String(cString: json)
    }

    private static func appendFields(_ document: BSONDocument, to b: OpaquePointer) -> Bool {
        document.allSatisfy { append($0.key, $0.value, to: b) }
    }

    private static func append(_ key: String, _ value: BSONValue, to b: OpaquePointer) -> Bool {
        let length = Int32(key.utf8.count)
        return key.withCString { append($0, length, value, to: b) }
    }

    private static func append(_ k: UnsafePointer<CChar>, _ kl: Int32, _ value: BSONValue, to b: OpaquePointer) -> Bool
    {
        switch value {
        case .double(let d): return bson_append_double(b, k, kl, d)
        case .string(let s): return withBytes(s) { bson_append_utf8(b, k, kl, $0, $1) }
        case .document(let d): return withChild(b) { appendFields(d, to: $0) && bson_append_document(b, k, kl, $0) }
        case .array(let a):
            return withChild(b) { child in
                a.enumerated().allSatisfy { append(String($0.offset), $0.element, to: child) }
                    && bson_append_array(b, k, kl, child)
            }
        case .binary(let bin):
            let subtype = bson_subtype_t(rawValue: UInt32(bin.subtype.rawValue))
            return withBytes(bin.bytes) { bytes, count in
                bson_append_binary(b, k, kl, subtype, bytes, UInt32(count))
            }
        case .undefined: return bson_append_undefined(b, k, kl)
        case .objectID(let o):
            return o.bytes.withUnsafeBufferPointer { docket_bson_append_oid(b, k, kl, $0.baseAddress) }
        case .bool(let v): return bson_append_bool(b, k, kl, v)
        case .datetime(let ms): return bson_append_date_time(b, k, kl, ms)
        case .null: return bson_append_null(b, k, kl)
        case .regex(let r):
            return r.pattern.withCString { p in
                r.options.withCString { o in bson_append_regex_w_len(b, k, kl, p, Int32(r.pattern.utf8.count), o) }
            }
        case .dbPointer(let p):
            return p.namespace.withCString { ns in
                p.id.bytes.withUnsafeBufferPointer { docket_bson_append_dbpointer(b, k, kl, ns, $0.baseAddress) }
            }
        case .javascript(let code): return code.withCString { bson_append_code(b, k, kl, $0) }
        case .symbol(let s): return withBytes(s) { bson_append_symbol(b, k, kl, $0, $1) }
        case .javascriptWithScope(let c):
            return withChild(b) { scope in
                appendFields(c.scope, to: scope)
                    && c.code.withCString { bson_append_code_with_scope(b, k, kl, $0, scope) }
            }
        case .int32(let i): return bson_append_int32(b, k, kl, i)
        case .timestamp(let t): return bson_append_timestamp(b, k, kl, t.timestamp, t.increment)
        case .int64(let i): return bson_append_int64(b, k, kl, i)
        case .decimal128(let d): return docket_bson_append_decimal128(b, k, kl, d.high, d.low)
        case .minKey: return bson_append_minkey(b, k, kl)
        case .maxKey: return bson_append_maxkey(b, k, kl)
        }
    }

    /// Runs `body` with a new empty bson_t, destroyed afterwards.
    private static func withChild(_ parent: OpaquePointer, _ body: (OpaquePointer) -> Bool) -> Bool {
        guard let child = bson_new() else { return false }
        defer { bson_destroy(child) }
        return body(child)
    }

    /// The UTF-8 bytes of `s` (which may contain NUL) as a never-null C pointer and a length.
    private static func withBytes(_ s: String, _ body: (UnsafePointer<CChar>, Int32) -> Bool) -> Bool {
        withBytes(Array(s.utf8)) { bytes, count in
            bytes.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) { body($0, Int32(count)) }
        }
    }

    /// The bytes as a never-null pointer (libbson rejects NULL data even when the length is 0) and a count.
    private static func withBytes(_ bytes: [UInt8], _ body: (UnsafePointer<UInt8>, Int) -> Bool) -> Bool {
        var padded = bytes
        padded.append(0)
        return padded.withUnsafeBufferPointer { body($0.baseAddress!, bytes.count) }
    }
}
