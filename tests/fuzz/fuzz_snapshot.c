/* fuzz_snapshot.c - the layer snapshot reader (src/store/layer_cache.c): the
 * input is a snapshot body, wrapped here in a valid header, key and checksum
 * so the fuzzer reaches the body's lengths, strings and WKB. Whatever it
 * accepts must be a layer whose every parcel has strings and a geometry; it
 * must never crash, leak or read out of bounds. Raw bytes are tried too (the
 * header and checksum checks). */
#include "fuzz_common.h"
#include "../../src/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    park_ctx *ctx = park_ctx_new();
    if (!ctx) abort();
    /* as it is */
    park_layer *l = park_layer_snapshot_parse(ctx, data, size, "fuzz");
    park_layer_free(l);
    /* sealed: header + key "fuzz" + body + checksum */
    size_t n = 8 + 4 + 4 + 8 + 4 + size + 8;
    unsigned char *b = malloc(n);
    if (!b) abort();
    uint32_t fmt = SNAP_FORMAT, kind = SNAP_KIND_LAYER;
    uint64_t kl = 4;
    memcpy(b, SNAP_MAGIC, 8), memcpy(b + 8, &fmt, 4), memcpy(b + 12, &kind, 4), memcpy(b + 16, &kl, 8), memcpy(b + 24, "fuzz", 4);
    if (size) memcpy(b + 28, data, size);
    uint64_t sum = park_fnv1a(PARK_FNV_INIT, b, n - 8);
    memcpy(b + n - 8, &sum, 8);
    l = park_layer_snapshot_parse(ctx, b, n, "fuzz");
    if (l) {
        for (size_t i = 0; i < park_layer_count(l); i++) {
            const park_parcel *p = park_layer_get(l, i);
            if (!p || !p->id || !p->name || !p->layout || !p->provenance || !p->four_to || !p->geom) abort();
        }
        if (!park_layer_path(l) || !park_layer_notes(l)) abort();
    }
    park_layer_free(l);
    free(b);
    park_ctx_free(ctx);
    return 0;
}
