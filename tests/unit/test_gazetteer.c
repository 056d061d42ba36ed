/* test_gazetteer.c - the gazetteer loader (src/gazetteer/gazetteer.c): loading a
 * directory of GeoJSON files, lookup by name/alias with normalisation, and
 * bad input rejected with a message naming file and feature. Runs in tests/data. */
#include <stdlib.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

static void test_load_and_find(park_ctx *ctx) {
    park_gazetteer *gz = NULL;
    CHECK_STATUS(park_gazetteer_load(ctx, "gazetteer-mini", &gz), PARK_OK);
    if (!gz) return;
    /* two files, two features each; README.txt ignored; files read in name order */
    CHECK(park_gazetteer_count(gz) == 4);
    CHECK_STR(park_gazetteer_get(gz, 0)->name, "沪太路");
    CHECK_STR(park_gazetteer_get(gz, 2)->name, "G1501");
    CHECK(park_gazetteer_get(gz, 4) == NULL);

    const park_feature *f = park_gazetteer_find(gz, "沪太路");
    CHECK(f && strcmp(f->kind, "road") == 0 && strcmp(f->provenance, "osm") == 0);
    CHECK(f && f->error_m == 5);
    /* alias */
    CHECK(park_gazetteer_find(gz, "沪太公路") == f);
    /* spaces, full-width digits/letters and case do not matter */
    const park_feature *g = park_gazetteer_find(gz, "G1501 高速公路");
    CHECK(g && strcmp(g->name, "G1501") == 0);
    CHECK(park_gazetteer_find(gz, "Ｇ１５０１") == g);
    CHECK(park_gazetteer_find(gz, "g1501") == g);
    CHECK(park_gazetteer_find(gz, "　G1501　") == g);
    /* an alias in the middle of the list, and a name that shadows an alias */
    const park_feature *s20 = park_gazetteer_find(gz, "S20");
    CHECK(s20 && strcmp(s20->name, "外环高速") == 0);
    const park_feature *wh = park_gazetteer_find(gz, "外环");
    CHECK(wh && strcmp(wh->kind, "river") == 0);
    /* no partial matches */
    CHECK(park_gazetteer_find(gz, "沪太") == NULL);
    CHECK(park_gazetteer_find(gz, "外环线高速") == NULL);
    CHECK(park_gazetteer_find(gz, "") == NULL);
    CHECK(park_gazetteer_find(gz, "  ") == NULL);
    CHECK(park_gazetteer_find(gz, "不存在路") == NULL);

    /* geometry: MultiLineString kept, length in degrees as drawn */
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    CHECK(GEOSGeomTypeId_r(h, s20->geom) == GEOS_MULTILINESTRING);
    double len = 0;
    GEOSLength_r(h, f->geom, &len);
    CHECK_NEAR(len, 0.10, 1e-9);
    park_gazetteer_free(gz);
}

static void write_file(const char *path, const char *text) {
    FILE *fp = fopen(path, "w");
    if (!fp) return;
    fputs(text, fp);
    fclose(fp);
}

#define FEAT(props, geom) "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{" props "},\"geometry\":" geom "}]}"
#define LINE "{\"type\":\"LineString\",\"coordinates\":[[121.3,31.3],[121.4,31.4]]}"

/* Each malformed file must fail with PARK_ERR_INPUT and a message naming the
 * file and what was expected. */
static void check_bad(park_ctx *ctx, const char *text, const char *want_in_msg) {
    char dir[] = "/tmp/parkgis-gz-XXXXXX";
    if (!mkdtemp(dir)) return;
    char *path = park_asprintf("%s/bad.geojson", dir);
    write_file(path, text);
    park_gazetteer *gz = NULL;
    CHECK_STATUS(park_gazetteer_load(ctx, dir, &gz), PARK_ERR_INPUT);
    CHECK(gz == NULL);
    const char *msg = park_ctx_errmsg(ctx);
    /* an empty directory's message names the directory, all others the file */
    CHECK(strstr(msg, strcmp(want_in_msg, "no gazetteer features") ? "bad.geojson" : dir) != NULL);
    if (!strstr(msg, want_in_msg)) fprintf(stderr, "message was: %s\n", msg);
    CHECK(strstr(msg, want_in_msg) != NULL);
    park_gazetteer_free(gz);
    unlink(path);
    rmdir(dir);
    free(path);
}

static void test_bad_input(park_ctx *ctx) {
    park_gazetteer *gz = NULL;
    CHECK_STATUS(park_gazetteer_load(ctx, "gazetteer-bad", &gz), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "feature #2") != NULL);
    CHECK(strstr(park_ctx_errmsg(ctx), "guessed") != NULL);
    CHECK(gz == NULL);

    CHECK_STATUS(park_gazetteer_load(ctx, "no-such-dir", &gz), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "no-such-dir") != NULL);

    check_bad(ctx, FEAT("\"name\":\"甲路\",\"provenance\":\"osm\",\"error_m\":5",
                        "{\"type\":\"Polygon\",\"coordinates\":[[[121.3,31.3],[121.4,31.3],[121.4,31.4],[121.3,31.3]]]}"),
              "expected a LineString");
    check_bad(ctx, FEAT("\"name\":\"甲路\",\"provenance\":\"osm\"", LINE), "error_m");
    check_bad(ctx, FEAT("\"name\":\"甲路\",\"provenance\":\"osm\",\"error_m\":-1", LINE), "error_m");
    check_bad(ctx, FEAT("\"aliases\":\"x\",\"provenance\":\"osm\",\"error_m\":5", LINE), "no 'name'");
    check_bad(ctx, FEAT("\"name\":\"甲路\",\"provenance\":\"osm\",\"error_m\":5",
                        "{\"type\":\"LineString\",\"coordinates\":[[350000,3470000],[351000,3471000]]}"),
              "lon/lat");
    check_bad(ctx, "{\"type\":\"FeatureCollection\",\"features\":[{", "cannot open");
    check_bad(ctx, "{\"type\":\"FeatureCollection\",\"features\":[]}", "no gazetteer features");
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_load_and_find(ctx);
    test_bad_input(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
