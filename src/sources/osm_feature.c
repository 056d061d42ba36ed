/* osm_feature.c - gazetteer features from an OSM extract (named lines, edges
 * of named areas), water width along a line, and old-vs-new line offsets. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_sources.h"
#include "sources/sources.h"

void park_osm_feature_clear(park_ctx *ctx, park_osm_feature *f) {
    if (!f) return;
    if (f->geom) GEOSGeom_destroy_r(park_ctx_geos(ctx), f->geom);
    free(f->name), free(f->method);
    memset(f, 0, sizeof *f);
}

static GEOSGeometry *to_m(park_ctx *ctx, const GEOSGeometry *ll) {
    GEOSGeometry *m = NULL;
    if (park_transform(ctx, ll, "EPSG:4326", PARK_LOCAL_CRS, &m)) return NULL;
    return m;
}
static GEOSGeometry *to_ll(park_ctx *ctx, const GEOSGeometry *m) {
    GEOSGeometry *ll = NULL;
    if (park_transform(ctx, m, PARK_LOCAL_CRS, "EPSG:4326", &ll)) return NULL;
    return ll;
}

/* Samples every `step` metres along all lines of metric g: appends x,y pairs. */
static size_t sample(GEOSContextHandle_t h, const GEOSGeometry *g, double step, double **xy) {
    size_t n = 0, cap = 0;
    *xy = NULL;
    int ng = GEOSGetNumGeometries_r(h, g);
    for (int gi = 0; gi < ng; gi++) {
        const GEOSGeometry *l = GEOSGetGeometryN_r(h, g, gi);
        if (GEOSGeomTypeId_r(h, l) != GEOS_LINESTRING && GEOSGeomTypeId_r(h, l) != GEOS_LINEARRING) continue;
        double len = 0;
        GEOSLength_r(h, l, &len);
        for (double d = 0; d <= len; d += step) {
            GEOSGeometry *p = GEOSInterpolate_r(h, l, d);
            if (!p) continue;
            double x, y;
            GEOSGeomGetX_r(h, p, &x), GEOSGeomGetY_r(h, p, &y);
            GEOSGeom_destroy_r(h, p);
            if (n == cap) cap = cap ? cap * 2 : 256, *xy = realloc(*xy, cap * 2 * sizeof **xy);
            (*xy)[2 * n] = x, (*xy)[2 * n + 1] = y, n++;
        }
    }
    return n;
}

static double mean_dist(GEOSContextHandle_t h, const double *xy, size_t n, const GEOSGeometry *g) {
    if (!n) return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, xy[2 * i], xy[2 * i + 1]);
        double d = 0;
        GEOSDistance_r(h, p, g, &d);
        GEOSGeom_destroy_r(h, p);
        s += d;
    }
    return s / (double)n;
}

/* Position of a metric point along the guide (for ordering pieces). */
static double along(GEOSContextHandle_t h, const GEOSGeometry *guide, const GEOSGeometry *piece) {
    if (!guide || GEOSGeomTypeId_r(h, guide) != GEOS_LINESTRING) return 0;
    GEOSGeometry *c = GEOSInterpolateNormalized_r(h, piece, 0.5);
    double d = c ? GEOSProject_r(h, guide, c) : 0;
    if (c) GEOSGeom_destroy_r(h, c);
    return d;
}

typedef struct {
    GEOSGeometry *g;
    double t;
} piece_t;
static int cmp_piece(const void *a, const void *b) {
    double x = ((const piece_t *)a)->t, y = ((const piece_t *)b)->t;
    return (x > y) - (x < y);
}

GEOSGeometry *park_chain_lines(park_ctx *ctx, GEOSGeometry *const *lines, size_t n, double join_m, park_chain_mode mode) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    bool lonlat = mode == PARK_CHAIN_LONLAT_TURN_TO_JOIN;
    GEOSGeometry **out = NULL;
    unsigned nout = 0;
    double *xy = NULL;
    size_t nxy = 0, cap = 0;
    for (size_t i = 0; i <= n; i++) {
        const GEOSCoordSequence *cs = i < n ? GEOSGeom_getCoordSeq_r(h, lines[i]) : NULL;
        unsigned m = 0;
        if (cs) GEOSCoordSeq_getSize_r(h, cs, &m);
        bool rev = false, join = false;
        if (m && nxy) {
            double ax, ay, bx, by, ex = xy[2 * nxy - 2], ey = xy[2 * nxy - 1];
            GEOSCoordSeq_getXY_r(h, cs, 0, &ax, &ay), GEOSCoordSeq_getXY_r(h, cs, m - 1, &bx, &by);
            double da = lonlat ? park_geodesic_distance(ctx, ex, ey, ax, ay) : hypot(ax - ex, ay - ey);
            double db = lonlat ? park_geodesic_distance(ctx, ex, ey, bx, by) : hypot(bx - ex, by - ey);
            /* the first line may itself run the wrong way: turn it (see park_chain_mode) */
            if (nout == 0 && i == 1) {
                double sx = xy[0], sy = xy[1];
                double ra = lonlat ? park_geodesic_distance(ctx, sx, sy, ax, ay) : hypot(ax - sx, ay - sy);
                double rb = lonlat ? park_geodesic_distance(ctx, sx, sy, bx, by) : hypot(bx - sx, by - sy);
                bool turn = lonlat ? !(fmin(da, db) <= join_m) && fmin(ra, rb) <= join_m : fmin(ra, rb) < fmin(da, db);
                if (turn) {
                    for (size_t k = 0; k < nxy / 2; k++) {
                        double tx = xy[2 * k], ty = xy[2 * k + 1];
                        xy[2 * k] = xy[2 * (nxy - 1 - k)], xy[2 * k + 1] = xy[2 * (nxy - 1 - k) + 1];
                        xy[2 * (nxy - 1 - k)] = tx, xy[2 * (nxy - 1 - k) + 1] = ty;
                    }
                    da = ra, db = rb;
                }
            }
            rev = db < da;
            join = fmin(da, db) <= join_m;
        }
        if ((i == n || (m && !join)) && nxy >= 2) {
            GEOSCoordSequence *o = GEOSCoordSeq_create_r(h, (unsigned)nxy, 2);
            for (size_t k = 0; k < nxy; k++) GEOSCoordSeq_setXY_r(h, o, (unsigned)k, xy[2 * k], xy[2 * k + 1]);
            out = realloc(out, (nout + 1) * sizeof *out);
            out[nout++] = GEOSGeom_createLineString_r(h, o);
            nxy = 0;
        }
        for (unsigned k = 0; k < m; k++) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, cs, rev ? m - 1 - k : k, &x, &y);
            if (nxy && xy[2 * nxy - 2] == x && xy[2 * nxy - 1] == y) continue;
            if (nxy == cap) cap = cap ? cap * 2 : 256, xy = realloc(xy, cap * 2 * sizeof *xy);
            xy[2 * nxy] = x, xy[2 * nxy + 1] = y, nxy++;
        }
    }
    free(xy);
    if (nout == 1) {
        GEOSGeometry *g = out[0];
        free(out);
        return g;
    }
    GEOSGeometry *g = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, out, nout);
    free(out);
    return g;
}

/* Metric lines of g, pieces >= min_m, ordered along the guide and chained. */
static GEOSGeometry *tidy_lines(park_ctx *ctx, const GEOSGeometry *g, const GEOSGeometry *guide, double min_m, double join_m) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    GEOSGeometry *merged = GEOSLineMerge_r(h, g);
    if (!merged) return NULL;
    int n = GEOSGetNumGeometries_r(h, merged);
    piece_t *pc = calloc((size_t)n + 1, sizeof *pc);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *l = GEOSGetGeometryN_r(h, merged, i);
        double len = 0;
        GEOSLength_r(h, l, &len);
        if (GEOSGeomTypeId_r(h, l) != GEOS_LINESTRING || len < min_m) continue;
        pc[k].g = GEOSGeom_clone_r(h, l);
        pc[k].t = along(h, guide, pc[k].g);
        k++;
    }
    GEOSGeom_destroy_r(h, merged);
    GEOSGeometry *r = NULL;
    if (k) {
        qsort(pc, k, sizeof *pc, cmp_piece);
        GEOSGeometry **ls = calloc(k, sizeof *ls);
        for (size_t i = 0; ls && i < k; i++) ls[i] = pc[i].g;
        if (ls) r = park_chain_lines(ctx, ls, k, join_m, PARK_CHAIN_METRIC_TURN_NEARER);
        free(ls);
    }
    for (size_t i = 0; i < k; i++) GEOSGeom_destroy_r(h, pc[i].g);
    free(pc);
    return r;
}

park_status park_osm_feature_get(park_ctx *ctx, park_osm *osm, int themes, const char *names, const GEOSGeometry *guide_ll, double corridor_m,
                                 const double aoi[4], park_osm_feature *out) {
    memset(out, 0, sizeof *out);
    out->guide_offset_m = NAN;
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    bool lines = !(themes & ~(PARK_OSM_ROAD | PARK_OSM_WATERWAY));
    if (!lines && !guide_ll) return park_error(ctx, PARK_ERR_USAGE, "park_osm_feature_get: an area's edge needs a guide line");
    GEOSGeometry *guide = guide_ll ? to_m(ctx, guide_ll) : NULL;
    GEOSGeometry *guide1 = guide ? GEOSLineMerge_r(h, guide) : NULL; /* one LineString when possible, for ordering */
    double *gxy = NULL;
    size_t ng = guide ? sample(h, guide, 50, &gxy) : 0;
    park_buf m;
    park_buf_init(&m);
    char *list = park_strdup(names);
    GEOSGeometry *best = NULL;
    double best_off = INFINITY;
    int ncand = 0;
    park_status st = PARK_OK;
    char *save = NULL;
    for (char *nm = strtok_r(list, "|", &save); nm && st == PARK_OK; nm = strtok_r(NULL, "|", &save)) {
        park_osm_match mt;
        st = park_osm_select(ctx, osm, themes, nm, false, aoi[0], aoi[1], aoi[2], aoi[3], &mt);
        if (st) break;
        if (!mt.nfeatures) {
            park_buf_printf(&m, "%s%s: not in the extract within %.3f,%.3f..%.3f,%.3f", m.len ? "; " : "", nm, aoi[0], aoi[1], aoi[2], aoi[3]);
            park_osm_match_clear(ctx, &mt);
            continue;
        }
        GEOSGeometry *g = to_m(ctx, mt.geom), *line = NULL;
        if (g && lines) line = tidy_lines(ctx, g, guide1, 200, 600);
        else if (g) {
            /* the outline's part near the guide */
            GEOSGeometry *bd = GEOSBoundary_r(h, g);
            GEOSGeometry *zone = GEOSBuffer_r(h, guide, corridor_m, 8);
            GEOSGeometry *part = bd && zone ? GEOSIntersection_r(h, bd, zone) : NULL;
            if (part && !GEOSisEmpty_r(h, part)) line = tidy_lines(ctx, part, guide1, 30, 60);
            if (bd) GEOSGeom_destroy_r(h, bd);
            if (zone) GEOSGeom_destroy_r(h, zone);
            if (part) GEOSGeom_destroy_r(h, part);
        }
        if (g) GEOSGeom_destroy_r(h, g);
        ncand++;
        double off = line ? mean_dist(h, gxy, ng, line) : NAN, len = 0;
        if (line) GEOSLength_r(h, line, &len);
        park_buf_printf(&m, "%s%s (%s", m.len ? "; " : "", mt.method, mt.cls);
        if (line) park_buf_printf(&m, "; %.2f km kept%s", len / 1000, lines ? " after merging its ways and dropping pieces < 200 m" : "");
        else park_buf_printf(&m, "; nothing within %.0f m of the guide", corridor_m);
        if (line && ng) park_buf_printf(&m, "; mean distance from the old sketch %.0f m", off);
        park_buf_printf(&m, ")");
        if (line && (!best || (ng && off < best_off))) {
            if (best) GEOSGeom_destroy_r(h, best);
            best = line, best_off = ng ? off : NAN;
            free(out->name), out->name = park_strdup(nm);
            out->nfeatures = mt.nfeatures;
        } else if (line) {
            GEOSGeom_destroy_r(h, line);
        }
        park_osm_match_clear(ctx, &mt);
    }
    free(list), free(gxy);
    if (st == PARK_OK && best) {
        if (ncand > 1) park_buf_printf(&m, "; chosen: %s, the candidate closest to the old sketch (the 四至's name is not an OSM name; the geometry decides)", out->name);
        out->geom = to_ll(ctx, best);
        out->guide_offset_m = best_off;
        if (!out->geom) st = PARK_ERR_INTERNAL;
    }
    if (best) GEOSGeom_destroy_r(h, best);
    if (guide) GEOSGeom_destroy_r(h, guide);
    if (guide1) GEOSGeom_destroy_r(h, guide1);
    out->method = park_buf_take(&m);
    if (st) park_osm_feature_clear(ctx, out);
    return st;
}

void park_line_offset(park_ctx *ctx, const GEOSGeometry *old_ll, const GEOSGeometry *new_ll, double *mean, double *max, double *covered) {
    *mean = *max = NAN, *covered = 0;
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    GEOSGeometry *a = to_m(ctx, old_ll), *b = to_m(ctx, new_ll);
    if (!a || !b) {
        if (a) GEOSGeom_destroy_r(h, a);
        if (b) GEOSGeom_destroy_r(h, b);
        return;
    }
    /* the new line's ends */
    GEOSGeometry *ends = GEOSBoundary_r(h, b);
    double *xy = NULL;
    size_t n = sample(h, a, 50, &xy), k = 0;
    double s = 0, mx = 0;
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, xy[2 * i], xy[2 * i + 1]);
        GEOSCoordSequence *np = GEOSNearestPoints_r(h, b, p);
        double nx = 0, ny = 0, d = 0;
        if (np) GEOSCoordSeq_getXY_r(h, np, 0, &nx, &ny), GEOSCoordSeq_destroy_r(h, np);
        GEOSGeometry *q = GEOSGeom_createPointFromXY_r(h, nx, ny);
        double de = INFINITY;
        if (ends && !GEOSisEmpty_r(h, ends)) GEOSDistance_r(h, q, ends, &de);
        GEOSDistance_r(h, p, b, &d);
        GEOSGeom_destroy_r(h, p), GEOSGeom_destroy_r(h, q);
        if (de < 1) continue; /* beyond an end of the new line */
        s += d, mx = fmax(mx, d), k++;
    }
    if (k) *mean = s / (double)k, *max = mx;
    *covered = n ? (double)k / (double)n : 0;
    free(xy);
    if (ends) GEOSGeom_destroy_r(h, ends);
    GEOSGeom_destroy_r(h, a), GEOSGeom_destroy_r(h, b);
}
