/* fuzz_osm.c - the OSM importer (src/sources/osm.c, osm_feature.c, issue 9) on
 * the input as a .osm XML file read by GDAL's OSM driver: open, count, select a
 * road and a river by name, and take a gazetteer line feature. The input is an
 * in-memory file (fuzz_gdal); osm.c itself opens .osm files with the OSM driver
 * only. */
#include "fuzz_common.h"
#include "parkgis_sources.h"

static fuzz_gdal fg;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    fuzz_gdal_init(&fg, "OSM", "x.osm");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    park_ctx *ctx = fg.ctx;
    park_osm *osm = NULL;
    if (park_osm_open(ctx, fuzz_gdal_file(&fg, data, size), &osm) != PARK_OK) {
        if (osm) abort();
        fuzz_gdal_done(&fg);
        return 0;
    }
    park_osm_set_aoi(osm, 121.0, 31.0, 122.0, 32.0);
    (void)park_osm_count(ctx, osm);
    park_osm_match m;
    memset(&m, 0, sizeof m);
    if (park_osm_select(ctx, osm, PARK_OSM_ROAD | PARK_OSM_WATERWAY, "沪太路", false, 121.0, 31.0, 122.0, 32.0, &m) == PARK_OK)
        park_osm_match_clear(ctx, &m);
    park_osm_feature f;
    memset(&f, 0, sizeof f);
    const double aoi[4] = {121.0, 31.0, 122.0, 32.0};
    if (park_osm_feature_get(ctx, osm, PARK_OSM_ROAD | PARK_OSM_WATERWAY, "沪太路|潘泾", NULL, 0, aoi, &f) == PARK_OK)
        park_osm_feature_clear(ctx, &f);
    park_osm_free_ctx(ctx, osm);
    fuzz_gdal_done(&fg);
    return 0;
}
