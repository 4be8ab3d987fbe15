// CLibBSON: libbson (Debian libbson-dev) as a test oracle and benchmark baseline. Never linked by the library.
//
// Swift cannot import libbson's function-like macros nor see inside the 128-byte-aligned bson_t (it arrives as
// OpaquePointer), so the few things the oracle tests need are wrapped here as static inline functions.
#ifndef DOCKET_CLIBBSON_SHIM_H
#define DOCKET_CLIBBSON_SHIM_H

#include <bson.h>
#include <string.h>

/// The length in bytes of a bson_t.
static inline uint32_t docket_bson_len(const bson_t *b) { return b->len; }

/// Appends an ObjectId given as 12 bytes.
static inline bool docket_bson_append_oid(bson_t *b, const char *key, int key_length, const uint8_t *bytes) {
    bson_oid_t oid;
    bson_oid_init_from_data(&oid, bytes);
    return bson_append_oid(b, key, key_length, &oid);
}

/// Appends a DBPointer whose ObjectId is given as 12 bytes (the namespace is a C string).
static inline bool docket_bson_append_dbpointer(bson_t *b, const char *key, int key_length, const char *collection,
                                                const uint8_t *bytes) {
    bson_oid_t oid;
    bson_oid_init_from_data(&oid, bytes);
    return bson_append_dbpointer(b, key, key_length, collection, &oid);
}

/// Appends a Decimal128 given as its two 64-bit halves.
static inline bool docket_bson_append_decimal128(bson_t *b, const char *key, int key_length, uint64_t high,
                                                 uint64_t low) {
    bson_decimal128_t value;
    value.high = high;
    value.low = low;
    return bson_append_decimal128(b, key, key_length, &value);
}

/// Result bits of docket_bson_walk.
enum {
    /// libbson's iterator found the document corrupt (bson_iter_next stopped early, or a nested document, array
    /// or scope could not be opened).
    DOCKET_WALK_CORRUPT = 1,
    /// Some text (key, string, code, symbol, regex, DBPointer namespace) fails libbson's own bson_utf8_validate
    /// (embedded NUL allowed in length-prefixed strings, not in keys or regexes).
    DOCKET_WALK_INVALID_UTF8 = 2,
    /// Some length-prefixed text holds the overlong NUL C0 80, which bson_utf8_validate accepts when NUL is allowed.
    DOCKET_WALK_OVERLONG_NUL = 4,
    /// A length-prefixed string (string, code, symbol, DBPointer namespace, code-with-scope code) that libbson
    /// iterated does not end with the NUL byte its length promises.
    DOCKET_WALK_UNTERMINATED_STRING = 8,
    /// An embedded document, array or scope that libbson iterated does not end with a NUL byte.
    DOCKET_WALK_UNTERMINATED_DOCUMENT = 16,
    /// An embedded document, array or scope that libbson iterated is shorter than the 5 bytes of an empty document.
    DOCKET_WALK_UNDERSIZED_DOCUMENT = 32,
};

/// DOCKET_WALK_UNTERMINATED_STRING if the byte after the `n` bytes of `s` is not NUL.
static inline int docket_bson_terminator_flags(const char *s, size_t n) {
    return s[n] == 0 ? 0 : DOCKET_WALK_UNTERMINATED_STRING;
}

/// DOCKET_WALK_UNDERSIZED_DOCUMENT or DOCKET_WALK_UNTERMINATED_DOCUMENT if the document `child` iterates is
/// shorter than 5 bytes or does not end with NUL.
static inline int docket_bson_document_flags(const bson_iter_t *child) {
    if (child->len < 5) {
        return DOCKET_WALK_UNDERSIZED_DOCUMENT;
    }
    return child->raw[child->len - 1] == 0 ? 0 : DOCKET_WALK_UNTERMINATED_DOCUMENT;
}

static inline int docket_bson_text_flags(const char *s, size_t n, bool allow_nul) {
    if (!bson_utf8_validate(s, n, allow_nul)) {
        return DOCKET_WALK_INVALID_UTF8;
    }
    for (size_t i = 0; allow_nul && i + 1 < n; i++) {
        if ((unsigned char)s[i] == 0xC0 && (unsigned char)s[i + 1] == 0x80) {
            return DOCKET_WALK_OVERLONG_NUL;
        }
    }
    return 0;
}

/// Visits every element of `it` with libbson's iterator, recursing into documents, arrays and code-with-scope
/// scopes, and reports DOCKET_WALK_* bits.
static inline int docket_bson_walk_iter(bson_iter_t *it) {
    int flags = 0;
    while (bson_iter_next(it)) {
        const char *key = bson_iter_key(it);
        flags |= docket_bson_text_flags(key, strlen(key), false);
        switch (bson_iter_type(it)) {
        case BSON_TYPE_DOCUMENT:
        case BSON_TYPE_ARRAY: {
            bson_iter_t child;
            if (!bson_iter_recurse(it, &child)) {
                return flags | DOCKET_WALK_CORRUPT;
            }
            flags |= docket_bson_document_flags(&child);
            flags |= docket_bson_walk_iter(&child);
            break;
        }
        case BSON_TYPE_UTF8: {
            uint32_t n = 0;
            const char *s = bson_iter_utf8(it, &n);
            flags |= docket_bson_text_flags(s, n, true) | docket_bson_terminator_flags(s, n);
            break;
        }
        case BSON_TYPE_CODE: {
            uint32_t n = 0;
            const char *s = bson_iter_code(it, &n);
            flags |= docket_bson_text_flags(s, n, true) | docket_bson_terminator_flags(s, n);
            break;
        }
        case BSON_TYPE_SYMBOL: {
            uint32_t n = 0;
            const char *s = bson_iter_symbol(it, &n);
            flags |= docket_bson_text_flags(s, n, true) | docket_bson_terminator_flags(s, n);
            break;
        }
        case BSON_TYPE_REGEX: {
            const char *options = NULL;
            const char *pattern = bson_iter_regex(it, &options);
            flags |= docket_bson_text_flags(pattern, strlen(pattern), false);
            flags |= docket_bson_text_flags(options, strlen(options), false);
            break;
        }
        case BSON_TYPE_DBPOINTER: {
            uint32_t n = 0;
            const char *collection = NULL;
            const bson_oid_t *oid = NULL;
            bson_iter_dbpointer(it, &n, &collection, &oid);
            flags |= docket_bson_text_flags(collection, n, true) | docket_bson_terminator_flags(collection, n);
            break;
        }
        case BSON_TYPE_CODEWSCOPE: {
            uint32_t n = 0;
            uint32_t scope_len = 0;
            const uint8_t *scope_data = NULL;
            const char *code = bson_iter_codewscope(it, &n, &scope_len, &scope_data);
            flags |= docket_bson_text_flags(code, n, true) | docket_bson_terminator_flags(code, n);
            bson_t scope;
            bson_iter_t child;
            if (!bson_init_static(&scope, scope_data, scope_len) || !bson_iter_init(&child, &scope)) {
                return flags | DOCKET_WALK_CORRUPT;
            }
            flags |= docket_bson_document_flags(&child);
            flags |= docket_bson_walk_iter(&child);
            break;
        }
        default:
            break;
        }
        if (flags & DOCKET_WALK_CORRUPT) {
            return flags;
        }
    }
    if (it->err_off != 0) {
        flags |= DOCKET_WALK_CORRUPT;
    }
    return flags;
}

/// Walks the document in `data` (see docket_bson_walk_iter); -1 if libbson rejects its header
/// (bson_init_static: length prefix, size, terminator).
static inline int docket_bson_walk(const uint8_t *data, size_t length) {
    bson_t b;
    bson_iter_t it;
    if (!bson_init_static(&b, data, length) || !bson_iter_init(&it, &b)) {
        return -1;
    }
    return docket_bson_walk_iter(&it);
}

/// bson_validate over `data`: 1 valid, 0 invalid, -1 if bson_init_static rejects the header.
static inline int docket_bson_validate(const uint8_t *data, size_t length, int flags) {
    bson_t b;
    if (!bson_init_static(&b, data, length)) {
        return -1;
    }
    size_t offset = 0;
    return bson_validate(&b, (bson_validate_flags_t)flags, &offset) ? 1 : 0;
}

/// Canonical (canonical != 0) or relaxed Extended JSON of the document in `data`, or NULL; free with bson_free.
static inline char *docket_bson_as_extended_json(const uint8_t *data, size_t length, int canonical) {
    bson_t b;
    if (!bson_init_static(&b, data, length)) {
        return NULL;
    }
    size_t json_length = 0;
    return canonical ? bson_as_canonical_extended_json(&b, &json_length)
                     : bson_as_relaxed_extended_json(&b, &json_length);
}


/* ==== BSONCodec benchmark helpers (Benchmarks/BSONCodec) ====================================================
 * Each helper processes one whole document in a single C call, so the libbson side of a benchmark pays no
 * Swift-to-C overhead per element. They mirror the Docket side of the same benchmark:
 *   docket_bench_validate      bson_validate with UTF-8 checks (NUL allowed inside strings, as Docket does)
 *   docket_bench_visit         a recursive bson_iter walk that reads every value into a checksum
 *   docket_bench_reencode      a recursive bson_iter walk that appends every value to a new bson_t
 *   docket_bench_to_relaxed_json / docket_bench_from_json   libbson's Extended JSON writer and parser
 * The checksum adds, for every element, its key's length and: a string's byte length, an integer's or
 * datetime's value, a double's bit pattern, a bool's 0/1, an ObjectId's timestamp, 1 for value-less types.
 */
#include <string.h>

static inline int docket_bench_validate(const uint8_t *data, size_t length) {
    bson_t b;
    size_t offset;
    if (!bson_init_static(&b, data, length)) return 0;
    return bson_validate(&b, BSON_VALIDATE_UTF8 | BSON_VALIDATE_UTF8_ALLOW_NULL, &offset) ? 1 : 0;
}

static uint64_t docket_bench_visit_iter(bson_iter_t *iter) {
    uint64_t sum = 0;
    while (bson_iter_next(iter)) {
        sum += bson_iter_key_len(iter);
        switch (bson_iter_type(iter)) {
        case BSON_TYPE_UTF8: {
            uint32_t len;
            (void)bson_iter_utf8(iter, &len);
            sum += len;
            break;
        }
        case BSON_TYPE_INT32: sum += (uint64_t)(int64_t)bson_iter_int32(iter); break;
        case BSON_TYPE_INT64: sum += (uint64_t)bson_iter_int64(iter); break;
        case BSON_TYPE_DATE_TIME: sum += (uint64_t)bson_iter_date_time(iter); break;
        case BSON_TYPE_DOUBLE: {
            double d = bson_iter_double(iter);
            uint64_t bits;
            memcpy(&bits, &d, 8);
            sum += bits;
            break;
        }
        case BSON_TYPE_BOOL: sum += bson_iter_bool(iter) ? 1 : 0; break;
        case BSON_TYPE_OID: {
            const uint8_t *oid = bson_iter_oid(iter)->bytes;
            sum += ((uint64_t)oid[0] << 24) | ((uint64_t)oid[1] << 16) | ((uint64_t)oid[2] << 8) | oid[3];
            break;
        }
        case BSON_TYPE_DOCUMENT:
        case BSON_TYPE_ARRAY: {
            bson_iter_t child;
            if (bson_iter_recurse(iter, &child)) sum += docket_bench_visit_iter(&child);
            break;
        }
        default: sum += 1; break;
        }
    }
    return sum;
}

static inline uint64_t docket_bench_visit(const uint8_t *data, size_t length) {
    bson_t b;
    bson_iter_t iter;
    if (!bson_init_static(&b, data, length) || !bson_iter_init(&iter, &b)) return 0;
    return docket_bench_visit_iter(&iter);
}

static void docket_bench_reencode_iter(bson_iter_t *iter, bson_t *out) {
    while (bson_iter_next(iter)) {
        const char *key = bson_iter_key(iter);
        int key_len = (int)bson_iter_key_len(iter);
        switch (bson_iter_type(iter)) {
        case BSON_TYPE_UTF8: {
            uint32_t len;
            const char *s = bson_iter_utf8(iter, &len);
            bson_append_utf8(out, key, key_len, s, (int)len);
            break;
        }
        case BSON_TYPE_INT32: bson_append_int32(out, key, key_len, bson_iter_int32(iter)); break;
        case BSON_TYPE_INT64: bson_append_int64(out, key, key_len, bson_iter_int64(iter)); break;
        case BSON_TYPE_DATE_TIME: bson_append_date_time(out, key, key_len, bson_iter_date_time(iter)); break;
        case BSON_TYPE_DOUBLE: bson_append_double(out, key, key_len, bson_iter_double(iter)); break;
        case BSON_TYPE_BOOL: bson_append_bool(out, key, key_len, bson_iter_bool(iter)); break;
        case BSON_TYPE_OID: bson_append_oid(out, key, key_len, bson_iter_oid(iter)); break;
        case BSON_TYPE_NULL: bson_append_null(out, key, key_len); break;
        case BSON_TYPE_DOCUMENT: {
            bson_iter_t child;
            bson_t sub;
            if (bson_iter_recurse(iter, &child) && bson_append_document_begin(out, key, key_len, &sub)) {
                docket_bench_reencode_iter(&child, &sub);
                bson_append_document_end(out, &sub);
            }
            break;
        }
        case BSON_TYPE_ARRAY: {
            bson_iter_t child;
            bson_t sub;
            if (bson_iter_recurse(iter, &child) && bson_append_array_begin(out, key, key_len, &sub)) {
                docket_bench_reencode_iter(&child, &sub);
                bson_append_array_end(out, &sub);
            }
            break;
        }
        default: bson_append_iter(out, key, key_len, iter); break;
        }
    }
}

/* Re-encodes a document into a fresh bson_t and returns the new document's length (0 on error). */
static inline uint32_t docket_bench_reencode(const uint8_t *data, size_t length) {
    bson_t in;
    bson_t out;
    bson_iter_t iter;
    uint32_t result;
    if (!bson_init_static(&in, data, length) || !bson_iter_init(&iter, &in)) return 0;
    bson_init(&out);
    docket_bench_reencode_iter(&iter, &out);
    result = out.len;
    bson_destroy(&out);
    return result;
}

/* The relaxed Extended JSON of a document, as a string to release with bson_free (NULL on error). */
static inline char *docket_bench_to_relaxed_json(const uint8_t *data, size_t length, size_t *json_length) {
    bson_t b;
    if (!bson_init_static(&b, data, length)) return NULL;
    return bson_as_relaxed_extended_json(&b, json_length);
}

/* Parses Extended JSON into a fresh bson_t; returns the document's length (0 on error). */
static inline uint32_t docket_bench_from_json(const uint8_t *json, size_t length) {
    bson_t b;
    bson_error_t error;
    uint32_t result;
    if (!bson_init_from_json(&b, (const char *)json, (ssize_t)length, &error)) return 0;
    result = b.len;
    bson_destroy(&b);
    return result;
}
/* ==== end of BSONCodec benchmark helpers ==================================================================== */

#endif
