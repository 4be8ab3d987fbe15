#include <bson.h>

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
