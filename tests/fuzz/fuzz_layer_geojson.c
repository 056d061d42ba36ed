/* fuzz_layer_geojson.c - the parcel layer reader (src/store/layer.c) on a
 * GeoJSON file: field types (numeric id/name/area, issue 12 item 1), CRS
 * members, geometry types, coordinates. GDAL parses the JSON; what we test is
 * everything parkgis does with what GDAL hands back. */
#include "fuzz_common.h"

static park_ctx *ctx;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[512];
    snprintf(path, sizeof path, "%s/l.geojson", fuzz_dir());
    fuzz_write(path, data, size);
    park_layer *l = NULL;
    if (park_layer_read(ctx, path, NULL, NULL, &l) == PARK_OK) {
        for (size_t i = 0; i < park_layer_count(l); i++) {
            const park_parcel *p = park_layer_get(l, i);
            if (!p->id || !p->name || !p->geom) abort();
            double m2;
            park_area_geodesic(ctx, p->geom, &m2);
        }
        park_layer_free(l);
    } else if (l) abort();
    return 0;
}
