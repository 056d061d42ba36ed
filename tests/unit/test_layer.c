/* test_layer.c - the geometry store (store/layer.c): a layer file in, parcels and
 * WKT out; every bad layer gets PARK_ERR_INPUT and a message naming the file,
 * the feature and what was expected. Fixtures: tests/data/layer/. */
#include <math.h>
#include <stdlib.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

/* A 1 km square drawn in EPSG:4549 is read back in EPSG:4490. The expected
 * lon/lat are tests/data/square-1km.geojson's vertices, which were computed
 * independently (cs2cs EPSG:4490 -> EPSG:4549 gives 633150.7093 3476171.1408
 * for 121.4 31.4, the fixture's origin). */
static void test_reproject_and_fields(park_ctx *ctx) {
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, "layer/square-4549.geojson", NULL, NULL, &l), PARK_OK);
    if (!l) return;
    CHECK(park_layer_count(l) == 1);
    const park_parcel *p = park_layer_get(l, 0);
    CHECK_STR(p->id, "sq");
    CHECK_STR(p->name, "一平方公里");
    CHECK_STR(p->layout, "core");
    CHECK_STR(p->provenance, ""); /* optional and absent: "", never NULL */
    CHECK_NEAR(p->official_km2, 1.0, 0); /* a text field holding a number is read as that number */
    char *wkt = park_geom_wkt(ctx, p->geom, 6);
    CHECK_STR(wkt, "POLYGON ((121.4 31.4, 121.400134 31.409016, 121.410647 31.408901, 121.410512 31.399885, 121.4 31.4))");
    park_free(wkt);
    CHECK(park_layer_find(l, "一平方公里") == p);
    CHECK(park_layer_find(l, "nope") == NULL);
    CHECK_STR(park_layer_notes(l), "");
    park_layer_free(l);
}

/* Reads `path`, expects PARK_ERR_INPUT, no layer, and each of the substrings in
 * the message. */
static void expect_input_error(park_ctx *ctx, const char *path, const char *want1, const char *want2) {
    park_layer *l = (park_layer *)1;
    CHECK_STATUS(park_layer_read(ctx, path, NULL, NULL, &l), PARK_ERR_INPUT);
    CHECK(l == NULL);
    const char *m = park_ctx_errmsg(ctx);
    if (!strstr(m, path) || !strstr(m, want1) || (want2 && !strstr(m, want2))) {
        fprintf(stderr, "message for %s: %s\n", path, m);
        CHECK(0);
    }
    if (l) park_layer_free(l);
}

static void test_bad_layers(park_ctx *ctx) {
    expect_input_error(ctx, "layer/points.geojson", "feature 1 (id 'gate') is a Point", "expected a Polygon or MultiPolygon");
    /* the message names the layer, which must still be open when it is written */
    expect_input_error(ctx, "layer/no-name.geojson", "layer 'noname' lacks required field 'name'", "expected fields: id");
    expect_input_error(ctx, "layer/empty.geojson", "has no features", "expected polygon parcels");
    expect_input_error(ctx, "layer/bad-official.geojson", "feature 1 (id 'b'): official_km2 '约2平方公里' is not an area",
                       "expected a non-negative number of km²");
    expect_input_error(ctx, "layer/garbage.geojson", "cannot open as a vector layer", "expected a Shapefile");
    expect_input_error(ctx, "layer/no-such-file.geojson", "cannot open as a vector layer", NULL);
}

/* official_km2 is optional: absent means NAN and a note, not an error, so that
 * validate and adjacency work on any polygon layer. */
static void test_no_official(park_ctx *ctx) {
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, "layer/no-official.geojson", NULL, NULL, &l), PARK_OK);
    if (!l) return;
    CHECK(isnan(park_layer_get(l, 0)->official_km2));
    CHECK(strstr(park_layer_notes(l), "no official_km2 field") != NULL);
    park_layer_free(l);
}

/* "PATH|layername=NAME", as QGIS writes a layer of a multi-layer file. */
static void test_source_split(park_ctx *ctx) {
    char *p = NULL, *l = NULL;
    CHECK_STATUS(park_layer_source_split(ctx, "a/parks.gpkg|layername=地块 2020", &p, &l), PARK_OK);
    CHECK_STR(p, "a/parks.gpkg");
    CHECK_STR(l, "地块 2020");
    park_free(p), park_free(l);
    CHECK_STATUS(park_layer_source_split(ctx, "square-1km.geojson", &p, &l), PARK_OK);
    CHECK_STR(p, "square-1km.geojson");
    CHECK(l == NULL);
    park_free(p), park_free(l);
    /* QGIS's other forms would be half understood: refused */
    CHECK_STATUS(park_layer_source_split(ctx, "x.gpkg|layerid=0", &p, &l), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "expected PATH|layername=NAME") != NULL);
    CHECK_STATUS(park_layer_source_split(ctx, "x.gpkg|layername=a|subset=\"id\"='a'", &p, &l), PARK_ERR_USAGE);
    CHECK_STATUS(park_layer_source_split(ctx, "x.gpkg|layername=", &p, &l), PARK_ERR_USAGE);
}

/* A GeoPackage with several layers, made with ogr2ogr by layer/multilayer.sh. */
static void test_multilayer(park_ctx *ctx) {
    char dir[] = "/tmp/parkgis-test-layer-XXXXXX", cmd[256], src[128];
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    snprintf(cmd, sizeof cmd, "bash layer/multilayer.sh %s 2>/dev/null", dir);
    CHECK(system(cmd) == 0);
    park_layer *l = NULL;
    /* unnamed: the only polygon layer with id and name, not the first layer */
    snprintf(src, sizeof src, "%s/one.gpkg", dir);
    CHECK_STATUS(park_layer_read(ctx, src, NULL, NULL, &l), PARK_OK);
    if (l) {
        CHECK(park_layer_count(l) == 1);
        CHECK_STR(park_layer_get(l, 0)->id, "sq");
        park_layer_free(l), l = NULL;
    }
    /* two candidates: an error naming the file and listing the layers */
    snprintf(src, sizeof src, "%s/two.gpkg", dir);
    CHECK_STATUS(park_layer_read(ctx, src, NULL, NULL, &l), PARK_ERR_INPUT);
    CHECK(l == NULL);
    CHECK(strstr(park_ctx_errmsg(ctx), "two.gpkg: 2 layers and none named") != NULL);
    CHECK(strstr(park_ctx_errmsg(ctx), "'parcels_2020' (Polygon; id, name), 'parcels' (Polygon; id, name)") != NULL);
    /* named in the path, or as an argument; the same name both ways is fine */
    snprintf(src, sizeof src, "%s/two.gpkg|layername=parcels", dir);
    CHECK_STATUS(park_layer_read(ctx, src, "parcels", NULL, &l), PARK_OK);
    if (l) {
        CHECK(park_layer_count(l) == 7);
        CHECK_STR(park_layer_path(l), src); /* the source as given */
        park_layer_free(l), l = NULL;
    }
    snprintf(src, sizeof src, "%s/two.gpkg", dir);
    CHECK_STATUS(park_layer_read(ctx, src, "parcels_2020", NULL, &l), PARK_OK);
    if (l) CHECK(park_layer_count(l) == 1);
    park_layer_free(l), l = NULL;
    snprintf(src, sizeof src, "%s/two.gpkg|layername=parcels", dir);
    CHECK_STATUS(park_layer_read(ctx, src, "parcels_2020", NULL, &l), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "layer named twice") != NULL);
    snprintf(src, sizeof src, "%s/two.gpkg|layername=nope", dir);
    CHECK_STATUS(park_layer_read(ctx, src, NULL, NULL, &l), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "no layer named 'nope' (layers: 'parcels_2020'") != NULL);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

/* The zone-number hint on eastings of any size (1e300 was UB: the int
 * conversion of x / 1e6; fuzz_layer_features). */
static void test_zone_prefix_hint(void) {
    char buf[32] = "";
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", 40634476, buf, sizeof buf) == 1);
    CHECK_STR(buf, "EPSG:4528");
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", 634476, buf, sizeof buf) == 0);
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", 50634476, buf, sizeof buf) == 0);
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", 1e300, buf, sizeof buf) == 0);
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", 1e10, buf, sizeof buf) == 0);
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", NAN, buf, sizeof buf) == 0);
    CHECK(park_crs_zone_prefix_hint("EPSG:4549", INFINITY, buf, sizeof buf) == 0);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_reproject_and_fields(ctx);
    test_zone_prefix_hint();
    test_bad_layers(ctx);
    test_no_official(ctx);
    test_source_split(ctx);
    test_multilayer(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
