/* fuzz_layer_geojson.c - the parcel layer reader (src/store/layer.c) on a
 * GeoJSON file: field types (numeric id/name/area, issue 12 item 1), CRS
 * members (the "crs" scan, item 9), geometry types, coordinates. GDAL parses
 * the JSON; what we test is everything parkgis does with what GDAL hands back.
 * The input is an in-memory file only the GeoJSON driver opens (fuzz_gdal). */
#include "fuzz_common.h"

static fuzz_gdal fg;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_gdal_init(&fg, "GeoJSON", "l.geojson");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_gdal_file(&fg, data, size);
    park_layer *l = NULL;
    if (park_layer_read(fg.ctx, path, NULL, NULL, &l) == PARK_OK) {
        for (size_t i = 0; i < park_layer_count(l); i++) {
            const park_parcel *p = park_layer_get(l, i);
            if (!p->id || !p->name || !p->geom) abort();
            double m2;
            park_area_geodesic(fg.ctx, p->geom, &m2);
        }
        park_layer_free(l);
    } else if (l) abort();
    fuzz_gdal_done(&fg);
    return 0;
}
