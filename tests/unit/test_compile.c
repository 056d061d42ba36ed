/* test_compile.c - the 四至 compiler (src/compile/) on a hand-made gazetteer
 * (tests/data/compile/gazetteer/mini.geojson: straight roads round a 1 km
 * square near 121.40E 31.40N). Each case's expected polygon is written here as
 * WKT from the fixture's coordinates, so the test checks geometry, not a number
 * copied from a previous run. */
#include <stdlib.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

#define X0 121.40
#define Y0 31.40
#define X1 (121.40 + 0.010526)
#define Y1 (31.40 + 0.009017)
#define YM ((Y0 + Y1) / 2)
#define D2 0.0021052 /* 200 m of longitude at 31.4N */

static double wkt_area(park_ctx *ctx, const char *wkt) {
    GEOSGeometry *g = park_geom_from_wkt(ctx, wkt);
    double a = NAN;
    if (g) park_area_geodesic(ctx, g, &a), GEOSGeom_destroy_r(park_ctx_geos(ctx), g);
    return a;
}

static double box_area(park_ctx *ctx, double xa, double ya, double xb, double yb) {
    char w[512];
    snprintf(w, sizeof w, "POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f))", xa, ya, xb, ya, xb, yb, xa, yb, xa, ya);
    return wkt_area(ctx, w);
}

static const park_parcel *get(const park_layer *l, const char *id, size_t *idx) {
    for (size_t i = 0; i < park_layer_count(l); i++)
        if (!strcmp(park_layer_get(l, i)->id, id)) {
            *idx = i;
            return park_layer_get(l, i);
        }
    return NULL;
}

static void check_area(park_ctx *ctx, const park_layer *l, const park_compile_stats *st, const char *id, double want_m2, double rel) {
    size_t i = 0;
    const park_parcel *p = get(l, id, &i);
    CHECK(p != NULL);
    if (!p) return;
    double a = 0;
    CHECK_STATUS(park_area_geodesic(ctx, p->geom, &a), PARK_OK);
    if (fabs(a - want_m2) > rel * want_m2) fprintf(stderr, "  %s: area %.0f m², expected %.0f\n", id, a, want_m2);
    CHECK_NEAR(a, want_m2, rel * want_m2);
    CHECK_NEAR(st[i].area_km2 * 1e6, a, 1e-6 * a);
    CHECK(GEOSisValid_r(park_ctx_geos(ctx), p->geom) == 1);
}

static void test_fixture(park_ctx *ctx) {
    park_fourto_set *set = NULL;
    park_gazetteer *gz = NULL;
    park_layer *l = NULL;
    park_compile_stats *st = NULL;
    CHECK_STATUS(park_fourto_read(ctx, "compile/fourto.tsv", &set), PARK_OK);
    CHECK_STATUS(park_gazetteer_load(ctx, "compile/gazetteer", &gz), PARK_OK);
    if (!set || !gz) {
        fprintf(stderr, "%s\n", park_ctx_errmsg(ctx));
        goto out;
    }
    CHECK_STATUS(park_compile(ctx, set, gz, &l, &st), PARK_OK);
    if (!l) {
        fprintf(stderr, "%s\n", park_ctx_errmsg(ctx));
        goto out;
    }
    CHECK(park_layer_count(l) == set->n);
    double sq = box_area(ctx, X0, Y0, X1, Y1);
    /* four straight roads: the square; 东路 is digitised north to south on purpose */
    check_area(ctx, l, st, "sq", sq, 0.0005);
    /* "东路东侧 200 米": the offset curve 200 m east */
    check_area(ctx, l, st, "sq-offset", box_area(ctx, X0, Y0, X1 + D2, Y1), 0.003);
    /* a jogged east side written south to north (东河-横路-东二路), 东河 stopping
     * 22 m short of 横路: the gap is bridged */
    char w[1024];
    snprintf(w, sizeof w, "POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f))", X0, Y0, X1, Y0, X1, YM, X1 + D2,
             YM, X1 + D2, Y1, X0, Y1, X0, Y0);
    check_area(ctx, l, st, "sq-jog", wkt_area(ctx, w), 0.001);
    size_t i = 0;
    if (get(l, "sq-jog", &i)) {
        CHECK(strstr(st[i].warnings, "22 m gap bridged") != NULL);
        CHECK_NEAR(st[i].gap_m, 22, 2);
    }
    /* one L-shaped 区界 serving two sides */
    check_area(ctx, l, st, "sq-boundary", sq, 0.0005);
    /* a generic name found by its "<parcel>/<side>/<name>" alias */
    check_area(ctx, l, st, "sq-alias", sq, 0.0005);
    /* 弯河 crosses 南路 twice (it hooks back north): the crossing that closes the
     * shorter boundary is the corner */
    check_area(ctx, l, st, "sq-hook", sq, 0.0005);
    /* a feature stored in two pieces (MultiLineString, 33 m apart) is chained into one line */
    check_area(ctx, l, st, "sq-pieces", sq, 0.0005);
    /* two blocks: the square and the strip east of it, north of 横路 */
    check_area(ctx, l, st, "sq-two", sq + box_area(ctx, X1, YM, X1 + D2, Y1), 0.002);

    /* provenance shares: 西路 and 东路 osm, 南路 anchored, 北路 approximate: 50/25/25 */
    if (get(l, "sq", &i)) {
        double L = st[i].len_m[0] + st[i].len_m[1] + st[i].len_m[2];
        CHECK_NEAR(st[i].len_m[0] / L, 0.5, 0.002);
        CHECK_NEAR(st[i].len_m[1] / L, 0.25, 0.002);
        CHECK_NEAR(st[i].len_m[2] / L, 0.25, 0.002);
        /* error: 2 km at 5 m, 1 km at 15 m, 1 km at 30 m -> 13.75 m mean */
        CHECK_NEAR(st[i].err_m, 13.75, 0.1);
        const park_parcel *p = park_layer_get(l, i);
        CHECK(strstr(p->provenance, "\"share\":{\"osm\":0.5,\"anchored\":0.25,\"approximate\":0.25}") != NULL);
        CHECK_STR(p->four_to, "东至东路,南至南路,西至西路,北至北路");
    }

    /* the GeoJSON text: deterministic, reads back to the same areas */
    char *a = park_compile_geojson(ctx, l, 7), *b = park_compile_geojson(ctx, l, 7);
    CHECK(a && b && strcmp(a, b) == 0);
    char tmpl[] = "/tmp/parkgis-compile-XXXXXX.geojson";
    int fd = mkstemps(tmpl, 8);
    CHECK(fd >= 0);
    if (fd >= 0 && a) {
        FILE *f = fdopen(fd, "w");
        fputs(a, f);
        fclose(f);
        park_layer *back = NULL;
        CHECK_STATUS(park_layer_read(ctx, tmpl, NULL, NULL, &back), PARK_OK);
        if (back) {
            CHECK(park_layer_count(back) == park_layer_count(l));
            for (size_t k = 0; k < park_layer_count(back); k++) {
                double x, y;
                park_area_geodesic(ctx, park_layer_get(back, k)->geom, &x);
                park_area_geodesic(ctx, park_layer_get(l, k)->geom, &y);
                CHECK_NEAR(x, y, 1e-6 * y);
            }
            park_layer_free(back);
        }
        remove(tmpl);
    }
    free(a), free(b);
out:
    if (set && st) park_compile_stats_free(st, set->n);
    park_layer_free(l);
    park_gazetteer_free(gz);
    park_fourto_set_free(set);
}

/* Unknown features: one error naming every parcel, side and feature. */
static void test_unknown(park_ctx *ctx) {
    park_fourto_set *set = NULL;
    park_gazetteer *gz = NULL;
    park_layer *l = NULL;
    park_compile_stats *st = NULL;
    CHECK_STATUS(park_fourto_read(ctx, "compile/fourto-unknown.tsv", &set), PARK_OK);
    CHECK_STATUS(park_gazetteer_load(ctx, "compile/gazetteer", &gz), PARK_OK);
    if (set && gz) {
        CHECK_STATUS(park_compile(ctx, set, gz, &l, &st), PARK_ERR_INPUT);
        const char *m = park_ctx_errmsg(ctx);
        CHECK(strstr(m, "(sq) 东至 #2: '无名路'") != NULL);
        CHECK(strstr(m, "北至 #1: '不存在路'") != NULL);
        CHECK(l == NULL && st == NULL);
    }
    park_gazetteer_free(gz);
    park_fourto_set_free(set);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_fixture(ctx);
    test_unknown(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
