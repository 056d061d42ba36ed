/* test_linref.c - park_line_project / _interpolate / _distance (query/linref.c)
 * give GEOS's own numbers to the bit: GEOSProject_r, GEOSInterpolate_r and
 * GEOSDistance_r on the same line (issue 11; the house numbers along a 四至 road
 * are placed with them, and a batch's answers must not move).
 *
 * Lines: every LineString of the bundled gazetteer (merged, as numbers.c merges a
 * road's course), in lon/lat and scaled to metres, their MultiLineStrings whole
 * (GEOSPreparedDistance_r, as edge_error.c's pieces are measured), and random polylines with
 * repeated vertices, zero-length and collinear segments. Points: each vertex,
 * points interpolated on segments, random points around the line and far off it.
 * Measures: 0, the length, beyond both ends, negative, each vertex's running
 * length and values within an ulp of it, and random ones. */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parkgis.h"
#include "parkgis_compile.h"
#include "internal.h"
#include "query/query.h"
#include "test.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static double urand(void) { /* xorshift64*: [0, 1) */
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static long ncmp, nbad, nmulti;

static int same(double a, double b) { return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0; }

static void cmp_point(GEOSContextHandle_t h, const GEOSGeometry *line, const GEOSPreparedGeometry *prep, const park_line *l, double px,
                      double py) {
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, px, py);
    double gp = GEOSProject_r(h, line, p), gd = -1, gpd = -1;
    GEOSDistance_r(h, line, p, &gd);
    GEOSPreparedDistance_r(h, prep, p, &gpd); /* edge_error.c's pieces */
    GEOSGeom_destroy_r(h, p);
    double mp = park_line_project(l, px, py), md = park_line_distance(l, px, py);
    ncmp += 3;
    if (!same(gp, mp) || !same(gd, md) || !same(gpd, md)) {
        if (nbad++ < 10)
            fprintf(stderr, "point %.17g %.17g: project %.17g vs GEOS %.17g, distance %.17g vs %.17g (prepared %.17g)\n", px, py, mp, gp,
                    md, gd, gpd);
    }
}

/* A MultiLineString's distance as edge_error.c takes it (the least of its lines')
 * against GEOSPreparedDistance_r on the whole. */
static void cmp_multi(park_ctx *ctx, const GEOSGeometry *m, double px, double py) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, m);
    GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, px, py);
    double gpd = -1, md = INFINITY;
    GEOSPreparedDistance_r(h, prep, p, &gpd);
    for (int k = 0; k < GEOSGetNumGeometries_r(h, m); k++) {
        park_line l;
        if (park_line_from_geos(ctx, GEOSGetGeometryN_r(h, m, k), &l)) continue;
        md = fmin(md, park_line_distance(&l, px, py));
        park_line_free(&l);
    }
    GEOSGeom_destroy_r(h, p);
    GEOSPreparedGeom_destroy_r(h, prep);
    ncmp++, nmulti++;
    if (!same(gpd, md) && nbad++ < 10) fprintf(stderr, "multi: point %.17g %.17g: %.17g vs GEOS prepared %.17g\n", px, py, md, gpd);
}

static void cmp_measure(GEOSContextHandle_t h, const GEOSGeometry *line, const park_line *l, double d) {
    GEOSGeometry *p = GEOSInterpolate_r(h, line, d);
    double gx = NAN, gy = NAN, mx, my;
    if (p && !GEOSisEmpty_r(h, p)) GEOSGeomGetX_r(h, p, &gx), GEOSGeomGetY_r(h, p, &gy);
    if (p) GEOSGeom_destroy_r(h, p);
    park_line_interpolate(l, d, &mx, &my);
    ncmp++;
    if (!same(gx, mx) || !same(gy, my)) {
        if (nbad++ < 10) fprintf(stderr, "measure %.17g: %.17g %.17g vs GEOS %.17g %.17g\n", d, mx, my, gx, gy);
    }
}

static void check_line(park_ctx *ctx, const GEOSGeometry *line) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    park_line l;
    CHECK_STATUS(park_line_from_geos(ctx, line, &l), PARK_OK);
    if (!l.n) return;
    const GEOSPreparedGeometry *prep = GEOSPrepare_r(h, line);
    double span = 0;
    for (size_t i = 0; i + 1 < l.n; i++) span = fmax(span, fmax(fabs(l.x[i + 1] - l.x[i]), fabs(l.y[i + 1] - l.y[i])));
    if (span == 0) span = 1;
    for (size_t i = 0; i < l.n; i++) {
        cmp_point(h, line, prep, &l, l.x[i], l.y[i]);
        cmp_measure(h, line, &l, l.cum[i]);
        cmp_measure(h, line, &l, nextafter(l.cum[i], INFINITY));
        cmp_measure(h, line, &l, nextafter(l.cum[i], -INFINITY));
        if (i + 1 < l.n) {
            double t = urand();
            cmp_point(h, line, prep, &l, l.x[i] + t * (l.x[i + 1] - l.x[i]), l.y[i] + t * (l.y[i + 1] - l.y[i]));
            cmp_point(h, line, prep, &l, (l.x[i] + l.x[i + 1]) / 2, (l.y[i] + l.y[i + 1]) / 2);
            cmp_measure(h, line, &l, l.cum[i] + t * l.seg[i]);
        }
        cmp_point(h, line, prep, &l, l.x[i] + (urand() - 0.5) * span, l.y[i] + (urand() - 0.5) * span);
    }
    const double ends[] = {0, -0.0, l.len, nextafter(l.len, INFINITY), nextafter(l.len, -INFINITY), 2 * l.len + 1, -1, -l.len / 3,
                           -2 * l.len, 1e-300};
    for (size_t k = 0; k < sizeof ends / sizeof ends[0]; k++) cmp_measure(h, line, &l, ends[k]);
    for (int k = 0; k < 20; k++) {
        cmp_measure(h, line, &l, (urand() * 1.2 - 0.1) * l.len);
        cmp_point(h, line, prep, &l, l.x[0] + (urand() - 0.5) * 50 * span, l.y[0] + (urand() - 0.5) * 50 * span);
    }
    GEOSPreparedGeom_destroy_r(h, prep);
    park_line_free(&l);
}

/* Every LineString part of g (merged first, as numbers.c does), also scaled by `scale`. */
static void check_geom(park_ctx *ctx, const GEOSGeometry *g, double scale) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    GEOSGeometry *m = GEOSLineMerge_r(h, g);
    if (!m) return;
    if (GEOSGeomTypeId_r(h, m) == GEOS_MULTILINESTRING) {
        double x0, y0, x1, y1;
        GEOSGeom_getXMin_r(h, m, &x0), GEOSGeom_getYMin_r(h, m, &y0), GEOSGeom_getXMax_r(h, m, &x1), GEOSGeom_getYMax_r(h, m, &y1);
        for (int k = 0; k < 200; k++) cmp_multi(ctx, m, x0 + (urand() * 1.4 - 0.2) * (x1 - x0), y0 + (urand() * 1.4 - 0.2) * (y1 - y0));
    }
    int n = GEOSGeomTypeId_r(h, m) == GEOS_LINESTRING ? 1 : GEOSGetNumGeometries_r(h, m);
    for (int k = 0; k < n; k++) {
        const GEOSGeometry *part = GEOSGeomTypeId_r(h, m) == GEOS_LINESTRING ? m : GEOSGetGeometryN_r(h, m, k);
        if (GEOSGeomTypeId_r(h, part) != GEOS_LINESTRING) continue;
        check_line(ctx, part);
        if (scale != 1) {
            const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, part);
            unsigned np = 0;
            GEOSCoordSeq_getSize_r(h, cs, &np);
            GEOSCoordSequence *s = GEOSCoordSeq_create_r(h, np, 2);
            for (unsigned i = 0; i < np; i++) {
                double x, y;
                GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
                GEOSCoordSeq_setXY_r(h, s, i, (x - 121) * scale, (y - 31) * scale);
            }
            GEOSGeometry *sl = GEOSGeom_createLineString_r(h, s);
            check_line(ctx, sl);
            GEOSGeom_destroy_r(h, sl);
        }
    }
    GEOSGeom_destroy_r(h, m);
}

static void test_gazetteer_lines(void) {
    park_ctx *ctx = park_ctx_new();
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    park_gazetteer *gz = NULL;
    CHECK_STATUS(park_gazetteer_load(ctx, NULL, &gz), PARK_OK);
    size_t lines = 0;
    const GEOSGeometry *prev[2] = {NULL, NULL};
    for (size_t i = 0; gz && i < park_gazetteer_count(gz); i++) {
        const park_feature *f = park_gazetteer_get(gz, i);
        int t = f->geom ? GEOSGeomTypeId_r(h, f->geom) : -1;
        if (t != GEOS_LINESTRING && t != GEOS_MULTILINESTRING) continue;
        check_geom(ctx, f->geom, 1.1e5);
        lines++;
        /* a MultiLineString of this road and the two before it (pieces that cross,
         * touch or lie apart), as a boundary piece may be */
        if (t == GEOS_LINESTRING && prev[0] && prev[1]) {
            GEOSGeometry *parts[3] = {GEOSGeom_clone_r(h, prev[0]), GEOSGeom_clone_r(h, prev[1]), GEOSGeom_clone_r(h, f->geom)};
            GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts, 3);
            double x0, y0, x1, y1;
            GEOSGeom_getXMin_r(h, m, &x0), GEOSGeom_getYMin_r(h, m, &y0), GEOSGeom_getXMax_r(h, m, &x1), GEOSGeom_getYMax_r(h, m, &y1);
            for (int k = 0; k < 30; k++) cmp_multi(ctx, m, x0 + (urand() * 1.4 - 0.2) * (x1 - x0), y0 + (urand() * 1.4 - 0.2) * (y1 - y0));
            GEOSGeom_destroy_r(h, m);
        }
        if (t == GEOS_LINESTRING) prev[0] = prev[1], prev[1] = f->geom;
    }
    CHECK(lines > 50); /* the bundled gazetteer's roads were read */
    park_gazetteer_free(gz);
    park_ctx_free(ctx);
}

static void test_random_lines(void) {
    park_ctx *ctx = park_ctx_new();
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    for (int k = 0; k < 300; k++) {
        unsigned np = 2 + (unsigned)(urand() * 40);
        GEOSCoordSequence *s = GEOSCoordSeq_create_r(h, np, 2);
        double x = 3e5 * urand(), y = 3.4e6 + 1e4 * urand();
        for (unsigned i = 0; i < np; i++) {
            double u = urand();
            if (i && u < 0.1) { /* a repeated vertex: a segment of no length */
            } else if (i > 1 && u < 0.2) { /* collinear with the last segment */
                double px, py;
                GEOSCoordSeq_getXY_r(h, s, i - 2, &px, &py);
                x += (x - px) * 0.5, y += (y - py) * 0.5;
            } else x += (urand() - 0.5) * 400, y += (urand() - 0.5) * 400;
            GEOSCoordSeq_setXY_r(h, s, i, x, y);
        }
        GEOSGeometry *l = GEOSGeom_createLineString_r(h, s);
        check_line(ctx, l);
        GEOSGeom_destroy_r(h, l);
    }
    park_ctx_free(ctx);
}

int main(void) {
    test_gazetteer_lines();
    test_random_lines();
    printf("%ld comparisons with GEOS (%ld on MultiLineStrings), %ld differ\n", ncmp, nmulti, nbad);
    CHECK(ncmp > 20000);
    CHECK(nmulti > 1000); /* the gazetteer has roads of several pieces */
    CHECK(nbad == 0);
    return test_summary();
}
