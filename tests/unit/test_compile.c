/* test_compile.c - the 四至 compiler (src/compile/) on a hand-made gazetteer
 * (tests/data/compile/gazetteer/mini.geojson: straight roads round a 1 km
 * square near 121.40E 31.40N). Each case's expected polygon is written here as
 * WKT from the fixture's coordinates, so the test checks geometry, not a number
 * copied from a previous run. */
#include <stdlib.h>

#include "parkgis.h"
#include "internal.h"
#include "compile/overlap.h"
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

/* ------------------------------------------------------------------ the overlap rule (overlap.c) */

/* A boundary piece from lon/lat WKT, in the compiler's metric CRS. */
static park_bpiece piece(park_ctx *ctx, const char *wkt, double err_m, const char *label) {
    park_bpiece p = {NULL, err_m, (char *)label};
    GEOSGeometry *ll = park_geom_from_wkt(ctx, wkt);
    if (ll) park_transform(ctx, ll, "EPSG:4490", PARK_WORK_CRS, &p.g), GEOSGeom_destroy_r(park_ctx_geos(ctx), ll);
    CHECK(p.g != NULL);
    return p;
}

static GEOSGeometry *box_geom(park_ctx *ctx, double xa, double ya, double xb, double yb) {
    char w[512];
    snprintf(w, sizeof w, "MULTIPOLYGON(((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f)))", xa, ya, xb, ya, xb, yb, xa, yb, xa, ya);
    return park_geom_from_wkt(ctx, w);
}

/* Two boxes side by side near 121.4E 31.4N, a (west, 121.400-121.410) and b
 * (east, from 121.410 - `strip` to 121.420), both 31.400-31.410: they overlap in a
 * strip `strip` degrees wide (0.00005° ≈ 4.8 m, 0.53 % of a; 0.0002° ≈ 2.1 %).
 * a's east edge (the strip's east side) has error ea, b's west edge eb; every
 * other edge, including the strip's short north and south ends, error 5 m. */
static void overlap_case(park_ctx *ctx, double strip, double ea, double eb, int want_resolved, int want_winner) {
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    const double xw = 121.40, xm = 121.41, xe = 121.42, ys = 31.40, yn = 31.41, xb0 = xm - strip;
    GEOSGeometry *a = box_geom(ctx, xw, ys, xm, yn), *b = box_geom(ctx, xb0, ys, xe, yn);
    GEOSGeometry *a0 = GEOSGeom_clone_r(g, a), *b0 = GEOSGeom_clone_r(g, b);
    char w[4][256];
    snprintf(w[0], sizeof w[0], "LINESTRING(%.9f %.9f,%.9f %.9f)", xm, ys, xm, yn);                               /* a east */
    snprintf(w[1], sizeof w[1], "LINESTRING(%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f)", xm, yn, xw, yn, xw, ys, xm, ys); /* a N, W, S */
    snprintf(w[2], sizeof w[2], "LINESTRING(%.9f %.9f,%.9f %.9f)", xb0, yn, xb0, ys);                             /* b west */
    snprintf(w[3], sizeof w[3], "LINESTRING(%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f)", xb0, ys, xe, ys, xe, yn, xb0, yn); /* b S, E, N */
    park_bpiece pa[2] = {piece(ctx, w[0], ea, "a-east"), piece(ctx, w[1], 5, "a-rest")};
    park_bpiece pb[2] = {piece(ctx, w[2], eb, "b-west"), piece(ctx, w[3], 5, "b-rest")};
    /* expectations from the boxes as written, not from the code under test */
    double area_a = box_area(ctx, xw, ys, xm, yn), area_b = box_area(ctx, xb0, ys, xe, yn), strip_m2 = box_area(ctx, xb0, ys, xm, yn);
    /* the length-weighted error inside the strip (buffered 1 m): the long edge and
     * the two ends of the other piece, each strip + 1 m long in the zone */
    double end_m = park_geodesic_distance(ctx, xb0, ys, xm, ys) + 1, long_m = park_geodesic_distance(ctx, xm, ys, xm, yn);
    double want_ea = (long_m * ea + 2 * end_m * 5) / (long_m + 2 * end_m), want_eb = (long_m * eb + 2 * end_m * 5) / (long_m + 2 * end_m);
    park_overlap o;
    CHECK_STATUS(park_overlap_settle(ctx, &a, pa, 2, &b, pb, 2, &o), PARK_OK);
    CHECK_NEAR(o.m2, strip_m2, 1e-6 * strip_m2 + 0.01);
    CHECK_NEAR(o.share, strip_m2 / area_a, 1e-6);
    CHECK(o.x > xb0 && o.x < xm && o.y > ys && o.y < yn);
    CHECK(o.resolved == want_resolved);
    if (want_resolved) {
        CHECK(o.winner == want_winner);
        CHECK_NEAR(o.err[0], want_ea, 0.002 * fabs(want_ea - 5) + 0.01);
        CHECK_NEAR(o.err[1], want_eb, 0.002 * fabs(want_eb - 5) + 0.01);
        CHECK_STR(o.label[0], "a-east");
        CHECK_STR(o.label[1], "b-west");
        /* the loser lost the strip and nothing else; the winner is untouched */
        GEOSGeometry *lost = want_winner ? a : b, *kept = want_winner ? b : a, *kept0 = want_winner ? b0 : a0;
        double la = 0, before = want_winner ? area_a : area_b;
        CHECK_STATUS(park_area_geodesic(ctx, lost, &la), PARK_OK);
        CHECK_NEAR(la, before - strip_m2, 1e-6 * before + 1);
        CHECK(GEOSEquals_r(g, kept, kept0) == 1);
        CHECK(GEOSisValid_r(g, lost) == 1 && GEOSGeomTypeId_r(g, lost) == GEOS_MULTIPOLYGON);
        CHECK(GEOSRelatePattern_r(g, a, b, "2********") == 0);
    } else {
        CHECK(GEOSEquals_r(g, a, a0) == 1 && GEOSEquals_r(g, b, b0) == 1);
    }
    for (int k = 0; k < 2; k++) GEOSGeom_destroy_r(g, pa[k].g), GEOSGeom_destroy_r(g, pb[k].g);
    GEOSGeom_destroy_r(g, a), GEOSGeom_destroy_r(g, b), GEOSGeom_destroy_r(g, a0), GEOSGeom_destroy_r(g, b0);
}

static void test_overlap_rule(park_ctx *ctx) {
    overlap_case(ctx, 0.00005, 50, 10, 1, 1); /* b's side is better measured: cut from a */
    overlap_case(ctx, 0.00005, 10, 50, 1, 0); /* a's is: cut from b */
    overlap_case(ctx, 0.00005, 20, 19.8, 1, 0); /* within 0.5 m: the earlier row (a) keeps it */
    overlap_case(ctx, 0.00005, 20, 19, 1, 1); /* 1 m better: b keeps it */
    overlap_case(ctx, 0.0002, 50, 10, 0, 0);  /* 2.1 % of the smaller parcel: above 1 %, left as compiled */
    /* boxes that only touch: nothing to settle */
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    GEOSGeometry *a = box_geom(ctx, 121.40, 31.40, 121.41, 31.41), *b = box_geom(ctx, 121.41, 31.40, 121.42, 31.41);
    park_overlap o;
    CHECK_STATUS(park_overlap_settle(ctx, &a, NULL, 0, &b, NULL, 0, &o), PARK_OK);
    CHECK(o.resolved == 0 && o.m2 == 0);
    GEOSGeom_destroy_r(g, a), GEOSGeom_destroy_r(g, b);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_fixture(ctx);
    test_unknown(ctx);
    test_overlap_rule(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
