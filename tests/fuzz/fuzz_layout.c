/* fuzz_layout.c - layout definitions (src/layout/layout.c): the input is a
 * definition file fuzz.json, optionally followed by "\n#####\n" and a
 * geometry file g.geojson it may reference ("geometry": "g.geojson#id"),
 * built over a 10-parcel layer (tests/data/export/parcels10.geojson). */
#include "fuzz_common.h"

static park_ctx *ctx;
static park_layer *parcels;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new();
    if (park_layer_read(ctx, PARKGIS_SOURCE_DIR "/tests/data/export/parcels10.geojson", NULL, NULL, &parcels) != PARK_OK) {
        fprintf(stderr, "fuzz_layout: setup: %s\n", park_ctx_errmsg(ctx));
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char dir[512], def[600], geo[600];
    snprintf(dir, sizeof dir, "%s/layouts", fuzz_dir());
    snprintf(def, sizeof def, "%s/fuzz.json", dir), snprintf(geo, sizeof geo, "%s/g.geojson", dir);
    static int made;
    if (!made) {
        char cmd[700];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0) abort();
        made = 1;
    }
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 7 <= size && !sep; i++)
        if (!memcmp(data + i, "\n#####\n", 7)) sep = data + i;
    size_t dlen = sep ? (size_t)(sep - data) : size;
    fuzz_write(def, data, dlen);
    if (sep) fuzz_write(geo, sep + 7, size - dlen - 7);
    else unlink(geo);
    park_layout *lo = NULL;
    /* the layout "fuzz", else the first one the definition declares */
    char *list = park_layout_list_dir(ctx, dir);
    char first[128] = "fuzz";
    if (list && *list) {
        size_t k = strcspn(list, "\n");
        if (k < sizeof first) memcpy(first, list, k), first[k] = 0;
    }
    park_free(list);
    if (park_layout_build_dir(ctx, dir, first, parcels, &lo) == PARK_OK) {
        const park_layer *el = park_layout_elements(lo);
        for (size_t i = 0; el && i < park_layer_count(el); i++)
            if (!park_layer_get(el, i)->geom) abort();
        for (size_t i = 0; i < park_layout_layer_count(lo); i++) (void)park_layout_layer_get(lo, i);
        park_layout_free(lo);
    } else if (lo) abort();
    return 0;
}
