/* test_grid.c - the bulk point-in-parcel kernel (query/grid.c) gives the same
 * parcel as GEOS prepared containment, point for point (issue 11).
 *
 * The reference is computed here independently of parkgis's index: every
 * parcel of the layer prepared with GEOSPrepare, tested with
 * GEOSPreparedCovers (a point on an edge counts as inside, as locate says),
 * the lowest layer index wins where parcels overlap. Points: uniform over the
 * envelope and beyond it, exactly on vertices, on edges (interpolated), and
 * within 1e-9 degrees of edges and vertices - the cases a grid could get
 * wrong. Layers: the bundled parcels (geodata/parcels.geojson, 10 parcels)
 * and tests/data/adjacency.geojson (overlapping squares). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parkgis.h"
#include "internal.h"
#include "query/query.h"
#include "test.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static double urand(void) { /* xorshift64*: [0, 1) */
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

typedef struct seg { double ax, ay, bx, by; } seg;

static void collect(GEOSContextHandle_t h, const GEOSGeometry *g, seg **s, size_t *n, size_t *cap) {
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++) collect(h, GEOSGetGeometryN_r(h, g, i), s, n, cap);
        return;
    }
    if (t != GEOS_POLYGON) return;
    for (int r = -1; r < GEOSGetNumInteriorRings_r(h, g); r++) {
        const GEOSGeometry *ring = r < 0 ? GEOSGetExteriorRing_r(h, g) : GEOSGetInteriorRingN_r(h, g, r);
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
        unsigned m = 0;
        GEOSCoordSeq_getSize_r(h, cs, &m);
        for (unsigned k = 0; k + 1 < m; k++) {
            if (*n == *cap) *cap = *cap ? *cap * 2 : 256, *s = realloc(*s, *cap * sizeof **s);
            seg *e = &(*s)[(*n)++];
            GEOSCoordSeq_getXY_r(h, cs, k, &e->ax, &e->ay);
            GEOSCoordSeq_getXY_r(h, cs, k + 1, &e->bx, &e->by);
        }
    }
}

/* Runs npts points against layer `path`; returns the number of disagreements. */
static long check_layer(const char *path, long npts) {
    park_ctx *ctx = park_ctx_new();
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, path, NULL, NULL, &l), PARK_OK);
    if (!l) return -1;
    size_t n = park_layer_count(l);
    const GEOSPreparedGeometry **prep = calloc(n, sizeof *prep);
    double *env = calloc(4 * n, sizeof *env);
    seg *segs = NULL;
    size_t nseg = 0, cap = 0;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = park_layer_get(l, i)->geom;
        CHECK(GEOSisValid_r(h, g) == 1); /* locate repairs invalid parcels; the reference does not */
        prep[i] = GEOSPrepare_r(h, g);
        GEOSGeom_getXMin_r(h, g, &env[4 * i]), GEOSGeom_getYMin_r(h, g, &env[4 * i + 1]);
        GEOSGeom_getXMax_r(h, g, &env[4 * i + 2]), GEOSGeom_getYMax_r(h, g, &env[4 * i + 3]);
        minx = fmin(minx, env[4 * i]), miny = fmin(miny, env[4 * i + 1]);
        maxx = fmax(maxx, env[4 * i + 2]), maxy = fmax(maxy, env[4 * i + 3]);
        collect(h, g, &segs, &nseg, &cap);
    }
    int gw = 0, gh = 0;
    size_t nb = 0;
    CHECK_STATUS(park_locate_grid_stats(ctx, l, &gw, &gh, &nb), PARK_OK);
    CHECK(gw > 100 && gh > 100 && nb > 0); /* the grid exists: the test is not of the exact path alone */
    long bad = 0, kinds[6] = {0}, inside = 0;
    double dx = maxx - minx, dy = maxy - miny;
    for (long k = 0; k < npts; k++) {
        double x, y;
        int kind = k % 10 < 4 ? 0 : k % 10 < 5 ? 1 : k % 10 < 6 ? 2 : k % 10 < 8 ? 3 : k % 10 < 9 ? 4 : 5;
        const seg *e = &segs[(size_t)(urand() * nseg)];
        double t = urand();
        switch (kind) {
        case 0: /* uniform over the envelope and 5 % beyond */
            x = minx - 0.05 * dx + urand() * 1.1 * dx, y = miny - 0.05 * dy + urand() * 1.1 * dy;
            break;
        case 1: /* a vertex, exactly */
            x = e->ax, y = e->ay;
            break;
        case 2: /* on an edge (to the rounding of the interpolation) */
            x = e->ax + t * (e->bx - e->ax), y = e->ay + t * (e->by - e->ay);
            break;
        case 3: /* within 1e-9 degrees of an edge, either side */
            x = e->ax + t * (e->bx - e->ax) + (urand() * 2 - 1) * 1e-9, y = e->ay + t * (e->by - e->ay) + (urand() * 2 - 1) * 1e-9;
            break;
        case 4: /* within 1e-9 degrees of a vertex */
            x = e->ax + (urand() * 2 - 1) * 1e-9, y = e->ay + (urand() * 2 - 1) * 1e-9;
            break;
        default: /* 1e-9 degrees off an edge, perpendicular */
        {
            double ex = e->bx - e->ax, ey = e->by - e->ay, len = hypot(ex, ey), s = urand() < 0.5 ? -1e-9 : 1e-9;
            x = e->ax + t * ex - (len > 0 ? s * ey / len : 0), y = e->ay + t * ey + (len > 0 ? s * ex / len : 0);
        }
        }
        kinds[kind]++;
        size_t ref = (size_t)-1, refcount = 0;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        for (size_t i = 0; i < n; i++)
            if (x >= env[4 * i] && x <= env[4 * i + 2] && y >= env[4 * i + 1] && y <= env[4 * i + 3] &&
                GEOSPreparedCovers_r(h, prep[i], pt) == 1) {
                if (ref == (size_t)-1) ref = i;
                refcount++;
            }
        GEOSGeom_destroy_r(h, pt);
        size_t got = 12345;
        park_status st = park_locate_parcel(ctx, l, x, y, PARK_DATUM_WGS84, &got);
        inside += ref != (size_t)-1;
        if (st != PARK_OK || got != ref) {
            if (bad < 10)
                fprintf(stderr, "%s: point %.17g %.17g (kind %d): grid says %zd, GEOS prepared covers %zd\n", path, x, y, kind,
                        (ssize_t)got, (ssize_t)ref);
            bad++;
        }
        /* and the same as park_locate_lonlat (which, the grid built, takes containment
         * from it where one parcel alone covers a cell), overlap count included */
        if (k % 10 == 0) {
            park_locate_result r;
            if (park_locate_lonlat(ctx, l, x, y, PARK_DATUM_WGS84, &r) != PARK_OK || (r.inside ? r.index : (size_t)-1) != ref ||
                r.ncontaining != refcount) {
                if (bad < 10) fprintf(stderr, "%s: point %.17g %.17g: park_locate_lonlat differs\n", path, x, y);
                bad++;
            }
        }
    }
    printf("%s: %ld points (%ld inside; %ld uniform, %ld on vertices, %ld on edges, %ld within 1e-9 of edges, %ld of vertices, "
           "%ld 1e-9 perpendicular), grid %dx%d with %zu edge cells: %ld disagree\n",
           path, npts, inside, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5], gw, gh, nb, bad);
    CHECK(inside > npts / 20 && inside < npts); /* both answers occur */
    for (size_t i = 0; i < n; i++) GEOSPreparedGeom_destroy_r(h, prep[i]);
    free(prep), free(env), free(segs);
    park_layer_free(l);
    park_ctx_free(ctx);
    return bad;
}

/* Out-of-range and non-finite input: the same errors as park_locate_lonlat. */
static void test_errors(void) {
    park_ctx *ctx = park_ctx_new();
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, "adjacency.geojson", NULL, NULL, &l), PARK_OK);
    size_t i;
    CHECK_STATUS(park_locate_parcel(ctx, l, NAN, 31.4, PARK_DATUM_WGS84, &i), PARK_ERR_USAGE);
    CHECK_STATUS(park_locate_parcel(ctx, l, 121.4, 91, PARK_DATUM_WGS84, &i), PARK_ERR_USAGE);
    CHECK(i == (size_t)-1);
    CHECK_STATUS(park_locate_parcel(ctx, l, 0, 0, PARK_DATUM_WGS84, &i), PARK_OK);
    CHECK(i == (size_t)-1);
    park_layer_free(l);
    park_ctx_free(ctx);
}

/* The index's own PROJ pipelines (locate.c metric_pj) give the very doubles of
 * proj_create_crs_to_crs + normalize (park_crs_pj_new), forward and inverse, and
 * the metric parcels are park_transform's to the last bit. */
static void test_metric_pipeline(void) {
    park_ctx *ctx = park_ctx_new();
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, "../../geodata/parcels.geojson", NULL, NULL, &l), PARK_OK);
    park_layer_index *ix = NULL;
    CHECK_STATUS(park_query_index(ctx, l, &ix), PARK_OK);
    if (!ix) return;
    PJ *fwd = park_crs_pj_new(ctx, "EPSG:4490", ix->metric_crs), *inv = park_crs_pj_new(ctx, ix->metric_crs, "EPSG:4490");
    long same = 0, n = 20000;
    for (long k = 0; k < n; k++) {
        double lon = 121.0 + urand(), lat = 31.0 + urand();
        PJ_COORD a = proj_trans(fwd, PJ_FWD, proj_coord(lon, lat, 0, 0)), b = proj_trans(ix->pj_to_metric, PJ_FWD, proj_coord(lon, lat, 0, 0));
        PJ_COORD c = proj_trans(inv, PJ_FWD, a), d = proj_trans(ix->pj_to_lonlat, PJ_FWD, a);
        same += a.xy.x == b.xy.x && a.xy.y == b.xy.y && c.xy.x == d.xy.x && c.xy.y == d.xy.y;
    }
    CHECK(same == n);
    /* park_query_to_metric / _to_lonlat (the tmerc step alone, the unit conversion done
     * in C) give the pipelines' doubles, over China's extent and round the park */
    same = 0, n = 400000;
    for (long k = 0; k < n; k++) {
        double lon = k & 1 ? 121.0 + urand() : 73 + 62 * urand(), lat = k & 1 ? 31.0 + urand() : 18 + 36 * urand();
        double x = lon, y = lat;
        PJ_COORD a = proj_trans(ix->pj_to_metric, PJ_FWD, proj_coord(lon, lat, 0, 0));
        CHECK_STATUS(park_query_to_metric(ctx, ix, &x, &y), PARK_OK);
        double mx = a.xy.x + 50 * urand(), my = a.xy.y + 50 * urand(), bx = mx, by = my;
        PJ_COORD c = proj_trans(ix->pj_to_lonlat, PJ_FWD, proj_coord(mx, my, 0, 0));
        CHECK_STATUS(park_query_to_lonlat(ctx, ix, &bx, &by), PARK_OK);
        same += !memcmp(&a.xy.x, &x, sizeof x) && !memcmp(&a.xy.y, &y, sizeof y) && !memcmp(&c.xy.x, &bx, sizeof bx) &&
                !memcmp(&c.xy.y, &by, sizeof by);
    }
    CHECK(same == n);
    /* park_query_edge_distance (the facets) is GEOSPreparedDistance to the parcel's
     * boundary, to the bit: random points round the park, its vertices, points on its
     * edges and 1e-9 m off them */
    {
        GEOSContextHandle_t g = park_ctx_geos(ctx);
        long eq = 0, tried = 0;
        for (long k = 0; k < 20000; k++) {
            double x, y, x0, y0, x1, y1;
            const GEOSGeometry *ring = GEOSGetExteriorRing_r(g, GEOSGetGeometryN_r(g, ix->metric[k % ix->n], 0));
            const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g, ring);
            unsigned nc = 0;
            GEOSCoordSeq_getSize_r(g, cs, &nc);
            unsigned v = (unsigned)(urand() * (nc - 1));
            GEOSCoordSeq_getXY_r(g, cs, v, &x0, &y0);
            GEOSCoordSeq_getXY_r(g, cs, v + 1, &x1, &y1);
            if (k % 4 == 0) x = x0, y = y0;
            else if (k % 4 == 1) x = (x0 + x1) / 2, y = (y0 + y1) / 2;
            else if (k % 4 == 2) x = x0 + 1e-9, y = y0 - 1e-9;
            else x = ix->env_m[0] - 500 + urand() * (ix->env_m[2] - ix->env_m[0] + 1000), y = ix->env_m[1] - 500 + urand() * 3000;
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
            for (size_t i = 0; i < ix->n; i++) {
                double a = park_query_edge_distance(ix, i, x, y), b = -1;
                GEOSPreparedDistance_r(g, ix->prep_mb[i], pt, &b);
                tried++, eq += !memcmp(&a, &b, sizeof a);
            }
            GEOSGeom_destroy_r(g, pt);
        }
        CHECK(tried > 0 && eq == tried);
    }
    {
        double x = 1e300, y = 95;
        CHECK_STATUS(park_query_to_metric(ctx, ix, &x, &y), PARK_ERR_USAGE);
        park_ctx_clear_error(ctx);
    }
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    for (size_t i = 0; i < ix->n; i++) {
        GEOSGeometry *m = NULL;
        CHECK_STATUS(park_transform(ctx, ix->fixed[i], "EPSG:4490", ix->metric_crs, &m), PARK_OK);
        CHECK(m && GEOSEqualsExact_r(h, m, ix->metric[i], 0) == 1);
        if (m) GEOSGeom_destroy_r(h, m);
    }
    proj_destroy(fwd), proj_destroy(inv);
    park_layer_free(l);
    park_ctx_free(ctx);
}

int main(void) {
    test_metric_pipeline();
    CHECK(check_layer("../../geodata/parcels.geojson", 1000000) == 0);
    CHECK(check_layer("adjacency.geojson", 200000) == 0);
    test_errors();
    return test_summary();
}
