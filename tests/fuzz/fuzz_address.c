/* fuzz_address.c - the address parser (src/parse/address.c) and resolver
 * (src/query/address_resolve.c) on arbitrary text. The resolver is built once
 * over the synthetic test map (tests/data/address). Inputs up to -max_len
 * (run.sh: 8192, beyond the 1024-byte limit, so long inputs reach the
 * length check and the linear-time paths, issue 12 item 4). */
#include "fuzz_common.h"

static park_ctx *ctx;
static park_layer *layer;
static park_resolver *res;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new();
    if (park_layer_read(ctx, PARKGIS_SOURCE_DIR "/tests/data/address/parcels.geojson", NULL, NULL, &layer) != PARK_OK ||
        park_resolver_new(ctx, layer, PARKGIS_SOURCE_DIR "/tests/data/address/gazetteer", &res) != PARK_OK) {
        fprintf(stderr, "fuzz_address: setup: %s\n", park_ctx_errmsg(ctx));
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_text(data, size);
    park_address *a = NULL;
    char *norm = park_address_normalize(s);
    park_free(norm);
    if (park_address_parse(ctx, s, &a) == PARK_OK) {
        /* every field is a valid string */
        if (!a->road || !a->lane || !a->number || !a->rest || !a->normalized) abort();
        park_resolution r;
        memset(&r, 0, sizeof r);
        park_address_resolve(ctx, res, a, (park_datum)(size % 4), &r);
        park_resolution_clear(&r);
        park_address_free(a);
    } else if (a) abort(); /* errors leave *out NULL */
    free(s);
    return 0;
}
