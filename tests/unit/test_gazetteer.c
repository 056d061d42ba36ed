/* test_gazetteer.c - the gazetteer loader (src/gazetteer/gazetteer.c): loading a
 * directory of GeoJSON files, lookup by name/alias with normalisation, and
 * bad input rejected with a message naming file and feature. Runs in tests/data. */
#include <json-c/json.h>
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

/* The shipped gazetteer: it loads, every feature is a sane line in Baoshan with an
 * error estimate, and every feature the ten 四至 texts name (geodata/fourto/parsed.json)
 * resolves the way the compiler looks it up: "<parcel>/<side>/<name>",
 * "<parcel>/<name>", then the name (an edge such as "潘泾河绿化带东侧" first as written). */
static void test_shipped(park_ctx *ctx) {
    park_gazetteer *gz = NULL;
    CHECK_STATUS(park_gazetteer_load(ctx, "../../geodata/gazetteer", &gz), PARK_OK);
    if (!gz) {
        fprintf(stderr, "%s\n", park_ctx_errmsg(ctx));
        return;
    }
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    size_t bad = 0;
    for (size_t i = 0; i < park_gazetteer_count(gz); i++) {
        const park_feature *f = park_gazetteer_get(gz, i);
        double x0, y0, x1, y1;
        GEOSGeom_getXMin_r(h, f->geom, &x0), GEOSGeom_getXMax_r(h, f->geom, &x1);
        GEOSGeom_getYMin_r(h, f->geom, &y0), GEOSGeom_getYMax_r(h, f->geom, &y1);
        /* 宝山区 and its neighbours' edges; the ring of 区界 reaches the Yangtze */
        bool in_area = x0 > 121.10 && x1 < 121.70 && y0 > 31.20 && y1 < 31.65;
        bool ok = in_area && f->error_m > 0 && GEOSisValid_r(h, f->geom) == 1 && *f->kind && *f->method;
        if (!ok) {
            bad++;
            fprintf(stderr, "shipped feature '%s' fails a sanity check (bbox %.4f %.4f %.4f %.4f, error_m %g)\n", f->name, x0, y0, x1, y1, f->error_m);
        }
    }
    CHECK(bad == 0);
    CHECK(park_gazetteer_count(gz) >= 100);

    json_object *root = json_object_from_file("../../geodata/fourto/parsed.json");
    CHECK(root && json_object_is_type(root, json_type_array));
    size_t missing = 0, looked = 0;
    for (size_t p = 0; root && p < json_object_array_length(root); p++) {
        json_object *parcel = json_object_array_get_idx(root, p), *jid, *blocks;
        if (!json_object_object_get_ex(parcel, "id", &jid) || !json_object_object_get_ex(parcel, "blocks", &blocks)) continue;
        const char *id = json_object_get_string(jid);
        for (size_t b = 0; b < json_object_array_length(blocks); b++) {
            json_object *sides = json_object_array_get_idx(blocks, b);
            for (size_t si = 0; si < json_object_array_length(sides); si++) {
                json_object *side = json_object_array_get_idx(sides, si), *js, *chain;
                if (!json_object_object_get_ex(side, "side", &js) || !json_object_object_get_ex(side, "chain", &chain)) continue;
                for (size_t c = 0; c < json_object_array_length(chain); c++) {
                    json_object *item = json_object_array_get_idx(chain, c), *jf, *jt, *je;
                    if (!json_object_object_get_ex(item, "feature", &jf)) continue;
                    const char *name = json_object_get_string(jf);
                    const char *text = json_object_object_get_ex(item, "text", &jt) ? json_object_get_string(jt) : name;
                    bool edge = json_object_object_get_ex(item, "edge", &je);
                    char *k1 = park_asprintf("%s/%s/%s", id, json_object_get_string(js), name);
                    char *k2 = park_asprintf("%s/%s", id, name);
                    const park_feature *f = (edge ? park_gazetteer_find(gz, text) : NULL);
                    if (!f) f = park_gazetteer_find(gz, k1);
                    if (!f) f = park_gazetteer_find(gz, k2);
                    if (!f) f = park_gazetteer_find(gz, name);
                    looked++;
                    if (!f) missing++, fprintf(stderr, "parcel %s: '%s' not in the shipped gazetteer\n", id, text);
                    free(k1), free(k2);
                }
            }
        }
    }
    json_object_put(root);
    CHECK(looked > 100);
    CHECK(missing == 0);
    park_gazetteer_free(gz);
}

/* Numeric name, aliases, kind and method (issue 12, item 1): OGR returns a
 * scratch buffer for a non-string field that the next field read reuses; each
 * value must be copied at once (ASan reported a use-after-free here). */
static void test_numeric_fields(park_ctx *ctx) {
    park_gazetteer *gz = NULL;
    CHECK_STATUS(park_gazetteer_load(ctx, "gazetteer-numeric", &gz), PARK_OK);
    if (!gz) return;
    CHECK(park_gazetteer_count(gz) == 2);
    const park_feature *f = park_gazetteer_get(gz, 0);
    CHECK(f && strcmp(f->name, "101") == 0 && strcmp(f->aliases, "202") == 0);
    CHECK(f && strcmp(f->kind, "303") == 0 && strcmp(f->method, "404") == 0 && strcmp(f->provenance, "osm") == 0);
    CHECK(park_gazetteer_find(gz, "202") == f);
    park_gazetteer_free(gz);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_load_and_find(ctx);
    test_numeric_fields(ctx);
    test_bad_input(ctx);
    test_shipped(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
