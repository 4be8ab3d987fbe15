/* W6 "BSON codec throughput" with libbson, on users_N.bson held in memory (the anchor of Docket's W6 rows).
 *
 *   validate   bson_validate (UTF-8, NUL allowed inside strings, as Docket validates) of every document
 *   decode     a recursive bson_iter walk reading every value into the checksum Docket's visit computes
 *   encode     a recursive bson_iter walk appending every value to a fresh bson_t (re-encode); the output must
 *              equal the input bytes (checked after timing)
 *
 * The walks are the ones of Sources/CLibBSON/shim.h, so the checksum equals docket-bench's W6 decode checksum.
 * Build: cc -O2 -I Sources/CLibBSON $(pkg-config --cflags libbson-1.0) Benchmarks/compare/libbson_w6.c \
 *           $(pkg-config --libs libbson-1.0) -o .build-compare/libbson_w6
 * Run:   .build-compare/libbson_w6 users_N.bson   (prints one JSON object: seconds, counts, checksum, peak RSS)
 */
#include "shim.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint32_t read_length(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s users_N.bson\n", argv[0]);
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (!file) {
        perror(argv[1]);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size);
    if (!data || fread(data, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(file);

    size_t count = 0;
    size_t capacity = 1024;
    size_t *offsets = malloc(capacity * sizeof(size_t));
    size_t p = 0;
    while (p < (size_t)size) {
        if ((size_t)size - p < 5 || read_length(data + p) < 5 || read_length(data + p) > (size_t)size - p) {
            fprintf(stderr, "bad document length at byte %zu\n", p);
            return 1;
        }
        if (count + 1 >= capacity) {
            capacity *= 2;
            offsets = realloc(offsets, capacity * sizeof(size_t));
        }
        offsets[count++] = p;
        p += read_length(data + p);
    }
    offsets[count] = p;

    double t0 = now_seconds();
    size_t valid = 0;
    for (size_t i = 0; i < count; i++) {
        valid += (size_t)docket_bench_validate(data + offsets[i], offsets[i + 1] - offsets[i]);
    }
    double validate_seconds = now_seconds() - t0;

    t0 = now_seconds();
    uint64_t checksum = 0;
    for (size_t i = 0; i < count; i++) {
        checksum += docket_bench_visit(data + offsets[i], offsets[i + 1] - offsets[i]);
    }
    double decode_seconds = now_seconds() - t0;

    /* Re-encode, keeping each output until it is compared (outside the timing). */
    bson_t *outputs = bson_malloc0(sizeof(bson_t) * 10000);
    double encode_seconds = 0;
    size_t identical = 0;
    size_t encoded_bytes = 0;
    for (size_t start = 0; start < count; start += 10000) {
        size_t end = start + 10000 < count ? start + 10000 : count;
        t0 = now_seconds();
        for (size_t i = start; i < end; i++) {
            bson_t in;
            bson_iter_t iter;
            bson_init(&outputs[i - start]);
            if (bson_init_static(&in, data + offsets[i], offsets[i + 1] - offsets[i]) && bson_iter_init(&iter, &in)) {
                docket_bench_reencode_iter(&iter, &outputs[i - start]);
            }
        }
        encode_seconds += now_seconds() - t0;
        for (size_t i = start; i < end; i++) {
            bson_t *out = &outputs[i - start];
            size_t n = offsets[i + 1] - offsets[i];
            if (out->len == n && memcmp(bson_get_data(out), data + offsets[i], n) == 0) identical++;
            encoded_bytes += out->len;
            bson_destroy(out);
        }
    }
    bson_free(outputs);

    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    printf("{\"documents\": %zu, \"bytes\": %ld, \"valid\": %zu, \"checksum\": \"%llu\", \"identical\": %zu, "
           "\"encoded_bytes\": %zu, \"validate_seconds\": %.9f, \"decode_seconds\": %.9f, "
           "\"encode_seconds\": %.9f, \"peak_rss_bytes\": %ld}\n",
           count, size, valid, (unsigned long long)checksum, identical, encoded_bytes, validate_seconds,
           decode_seconds, encode_seconds, usage.ru_maxrss * 1024L);
    free(offsets);
    free(data);
    return 0;
}
