/* locate.c - point-in-parcel, plus the per-layer query cache (query.h) that
 * adjacency and validate share.
 *
 * A point is first matched against an STRtree of parcel envelopes (lon/lat),
 * then the few candidates are tested with prepared geometries; when no parcel
 * covers it, the closest parcel is found by a scan of the parcels' ring
 * segments in the metric plane (the "facets" below), pruned by envelopes.
 * Distances are geodesic (see query.h). The nearest parcel is chosen
 * in the layer's local transverse Mercator plane; for a point hundreds of km
 * away that plane is distorted, so there the choice between parcels a few km
 * apart may be off, and the reported distance is good to about the layer's
 * size (0.2 % at 10,000 km) - irrelevant for a point that is plainly not in
 * the park. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* ------------------------------------------------------------------ cache */

static void index_free(park_layer_index *ix) {
    if (!ix) return;
    GEOSContextHandle_t g = ix->geos;
    if (ix->tree_ll) GEOSSTRtree_destroy_r(g, ix->tree_ll);
    if (ix->tree_m) GEOSSTRtree_destroy_r(g, ix->tree_m);
    for (size_t i = 0; i < ix->n; i++) {
        if (ix->prep_ll && ix->prep_ll[i]) GEOSPreparedGeom_destroy_r(g, ix->prep_ll[i]);
        if (ix->prep_m && ix->prep_m[i]) GEOSPreparedGeom_destroy_r(g, ix->prep_m[i]);
        if (ix->prep_mb && ix->prep_mb[i]) GEOSPreparedGeom_destroy_r(g, ix->prep_mb[i]);
        if (ix->metric && ix->metric[i]) GEOSGeom_destroy_r(g, ix->metric[i]);
        if (ix->metric_boundary && ix->metric_boundary[i]) GEOSGeom_destroy_r(g, ix->metric_boundary[i]);
        if (ix->fixed && ix->fixed[i] && ix->owned[i]) GEOSGeom_destroy_r(g, ix->fixed[i]);
    }
    free(ix->prep_ll), free(ix->prep_m), free(ix->prep_mb), free(ix->metric), free(ix->metric_boundary);
    free(ix->fixed), free(ix->owned), free(ix->items);
    free(ix->vx), free(ix->vy), free(ix->chunks), free(ix->chunk0), free(ix->env_m);
    park_grid_free(ix->grid);
    park_edge_errors_free(ix->edge_err);
    if (ix->pj_to_metric) proj_destroy(ix->pj_to_metric);
    if (ix->pj_to_lonlat) proj_destroy(ix->pj_to_lonlat);
    if (ix->pj_tm) proj_destroy(ix->pj_tm);
    if (ix->pj_ctx) proj_context_destroy(ix->pj_ctx);
    free(ix);
}

/* Appends the polygons of g (recursing into collections) to out[]. */
static void collect_polygons(park_ctx *ctx, const GEOSGeometry *g, GEOSGeometry ***out, size_t *n, size_t *cap) {
    int t = GEOSGeomTypeId_r(ctx->geos, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(ctx->geos, g)) return;
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *out = realloc(*out, *cap * sizeof **out);
        }
        (*out)[(*n)++] = GEOSGeom_clone_r(ctx->geos, g);
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(ctx->geos, g);
        for (int i = 0; i < k; i++) collect_polygons(ctx, GEOSGetGeometryN_r(ctx->geos, g, i), out, n, cap);
    }
}

GEOSGeometry *park_query_repair(park_ctx *ctx, const GEOSGeometry *g) {
    GEOSGeometry *mv = GEOSMakeValid_r(ctx->geos, g);
    if (!mv) {
        park_geos_fail(ctx, "repairing an invalid polygon (GEOSMakeValid)");
        return NULL;
    }
    /* MakeValid may return a collection with the collapsed parts as lines or
     * points; a parcel is an area, so keep only the polygons. */
    GEOSGeometry **polys = NULL;
    size_t n = 0, cap = 0;
    collect_polygons(ctx, mv, &polys, &n, &cap);
    GEOSGeom_destroy_r(ctx->geos, mv);
    GEOSGeometry *r = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, polys, (unsigned)n);
    free(polys);
    if (!r) park_geos_fail(ctx, "collecting repaired polygons");
    return r;
}


/* ------------------------------------------------------------------ facets
 *
 * Outside every parcel, locate used to ask GEOS for the distance to each
 * candidate parcel (GEOSPreparedDistance, inside GEOSSTRtree_nearest_generic)
 * and then for the nearest points (GEOSPreparedNearestPoints, which in GEOS
 * 3.11 is an unindexed DistanceOp over every segment): half its time per
 * point. A point-to-polygon distance needs no more than the polygon's ring
 * segments, so the index keeps them as flat arrays cut into chunks of
 * FACET_CHUNK segments with their envelopes, and locate computes point-segment
 * distances itself with GEOS's own formulas (Distance::pointToSegment,
 * LineSegment::closestPoint) in GEOS's order (rings as LinearComponentExtracter
 * lists them, the first segment reaching the minimum wins): the distances and
 * nearest points are the same doubles GEOS returns, only the chunks that
 * cannot hold the minimum are skipped.
 *
 * The one thing GEOS's polygon distance does besides segments is containment
 * (0 inside). A point that reaches this code is not covered in lon/lat, but
 * the metric polygon has straight edges where the projected lon/lat edge is
 * slightly curved, so a point within `slack_m` of an edge may still lie inside
 * the metric polygon; there locate falls back to the GEOS calls. */

/* Bit-identical to GEOS's results needs the same roundings: no fused
 * multiply-add (where the target has one) in the arithmetic below. */
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

enum { FACET_CHUNK = 8 };

struct park_facet_chunk {
    double minx, miny, maxx, maxy;
    size_t first; /* first vertex in vx/vy: segments first .. first + nseg - 1 */
    size_t nseg;
};

/* geos::algorithm::Distance::pointToSegment, operation for operation */
static inline double seg_distance(double px, double py, double ax, double ay, double bx, double by) {
    if (ax == bx && ay == by) return sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay));
    double len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay);
    double r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2;
    if (r <= 0.0) return sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay));
    if (r >= 1.0) return sqrt((px - bx) * (px - bx) + (py - by) * (py - by));
    double s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2;
    return fabs(s) * sqrt(len2);
}

/* geos::geom::LineSegment::closestPoint (projectionFactor, project) */
static void seg_closest(double px, double py, double ax, double ay, double bx, double by, double *cx, double *cy) {
    double f;
    if (px == ax && py == ay) f = 0.0;
    else if (px == bx && py == by) f = 1.0;
    else {
        double dx = bx - ax, dy = by - ay;
        f = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy);
    }
    if (f > 0 && f < 1) {
        *cx = ax + f * (bx - ax), *cy = ay + f * (by - ay);
        return;
    }
    double d0 = sqrt((ax - px) * (ax - px) + (ay - py) * (ay - py));
    double d1 = sqrt((bx - px) * (bx - px) + (by - py) * (by - py));
    if (d0 < d1) *cx = ax, *cy = ay;
    else *cx = bx, *cy = by;
}


/* Whether an envelope at squared distance e2 may hold a segment computed
 * nearer than `best`. The margin (1e-9 relative + 1 µm) covers the rounding of
 * both computations, so a skip never loses the minimum or changes which
 * segment reaches it first. */
static inline int env_may_beat(double e2, double best) {
    if (!(best < INFINITY)) return 1;
    double r = best * (1 + 1e-9) + 1e-6;
    return e2 <= r * r;
}

/* The distance from metric (px, py) to the rings of parcel i as GEOS's
 * DistanceOp computes it, skipping chunks farther than `limit` (then the result
 * may be INFINITY: > limit). *winp (when not NULL): the segment reaching it first
 * ((size_t)-1 when none).
 *
 * The chunks are read in GEOS's order and the first segment reaching the minimum
 * wins, as DistanceOp; but first the chunk whose envelope is nearest is measured:
 * its nearest segment bounds the minimum from above, so the ordered pass skips from
 * its start every chunk that cannot reach it (it began with no bound and measured
 * every chunk until one came near; issue 11). A chunk holding a segment at the
 * minimum, or tied with it, is never skipped (env_may_beat), so the distance and the
 * winning segment are those of the plain ordered pass. */
static double facet_scan(const park_layer_index *ix, size_t i, double px, double py, double limit, size_t *winp) {
    const double *vx = ix->vx, *vy = ix->vy;
    size_t c0 = ix->chunk0[i], c1 = ix->chunk0[i + 1];
    enum { E2_STACK = 256 };
    double e2s[E2_STACK];
    bool keep = c1 - c0 <= E2_STACK;
    double bound = limit;
    if (c1 - c0 > 1) {
        size_t near = c0;
        double ne2 = INFINITY;
        for (size_t c = c0; c < c1; c++) {
            const struct park_facet_chunk *k = &ix->chunks[c];
            double e2 = park_env_dist2(k->minx, k->miny, k->maxx, k->maxy, px, py);
            if (keep) e2s[c - c0] = e2;
            if (e2 < ne2) ne2 = e2, near = c;
        }
        const struct park_facet_chunk *k = &ix->chunks[near];
        for (size_t v = k->first, e = k->first + k->nseg; v < e; v++) {
            double d = seg_distance(px, py, vx[v], vy[v], vx[v + 1], vy[v + 1]);
            if (d < bound) bound = d;
        }
    }
    double best = INFINITY;
    size_t win = (size_t)-1;
    for (size_t c = c0; c < c1; c++) {
        const struct park_facet_chunk *k = &ix->chunks[c];
        double e2 = keep && c1 - c0 > 1 ? e2s[c - c0] : park_env_dist2(k->minx, k->miny, k->maxx, k->maxy, px, py);
        if (!env_may_beat(e2, best < bound ? best : bound)) continue;
        for (size_t v = k->first, e = k->first + k->nseg; v < e; v++) {
            double d = seg_distance(px, py, vx[v], vy[v], vx[v + 1], vy[v + 1]);
            if (d < best) best = d, win = v;
        }
        if (best == 0) break; /* DistanceOp stops at 0 too: the first such segment stays */
    }
    if (winp) *winp = win;
    return best;
}

/* facet_scan's distance; with cx: the nearest point on the rings (GEOS's closestPoint
 * on the winning segment). */
static double facet_distance(const park_layer_index *ix, size_t i, double px, double py, double limit, double *cx,
                             double *cy) {
    size_t win;
    double best = facet_scan(ix, i, px, py, limit, &win);
    if (cx && win != (size_t)-1) {
        const double *vx = ix->vx, *vy = ix->vy;
        seg_closest(px, py, vx[win], vy[win], vx[win + 1], vy[win + 1], cx, cy);
    }
    return best;
}

double park_query_edge_distance(const park_layer_index *ix, size_t i, double x, double y) {
    if (!ix->chunk0 || i >= ix->n || ix->chunk0[i] == ix->chunk0[i + 1]) return NAN;
    return facet_distance(ix, i, x, y, INFINITY, NULL, NULL);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

typedef struct facet_builder {
    park_ctx *ctx;
    park_layer_index *ix;
    size_t nv, capv, nc, capc;
    double maxdev; /* largest deviation of a projected lon/lat edge from its metric chord */
    int sampled;   /* 0: the slack comes from the index snapshot (index_snap.c), no sampling */
    int failed;    /* 1: out of memory, 2: not polygonal (no facets: locate uses GEOS) */
} facet_builder;

static int fb_reserve(facet_builder *b, size_t nv, size_t nc) {
    park_layer_index *ix = b->ix;
    if (b->nv + nv > b->capv) {
        size_t cap = (b->nv + nv) * 2;
        double *x = realloc(ix->vx, cap * sizeof *x);
        if (x) ix->vx = x;
        double *y = realloc(ix->vy, cap * sizeof *y);
        if (y) ix->vy = y;
        if (!x || !y) return 0;
        b->capv = cap;
    }
    if (b->nc + nc > b->capc) {
        size_t cap = (b->nc + nc) * 2;
        struct park_facet_chunk *c = realloc(ix->chunks, cap * sizeof *c);
        if (!c) return 0;
        ix->chunks = c, b->capc = cap;
    }
    return 1;
}

/* One ring: rm in the metric plane, rl the same ring in lon/lat. */
static void fb_ring(facet_builder *b, const GEOSGeometry *rm, const GEOSGeometry *rl) {
    GEOSContextHandle_t g = b->ctx->geos;
    const GEOSCoordSequence *sm = GEOSGeom_getCoordSeq_r(g, rm), *sl = GEOSGeom_getCoordSeq_r(g, rl);
    unsigned n = 0, nl = 0;
    if (!sm || !sl || !GEOSCoordSeq_getSize_r(g, sm, &n) || !GEOSCoordSeq_getSize_r(g, sl, &nl) || n != nl) {
        b->failed = 2;
        return;
    }
    if (n < 2) return;
    if (!fb_reserve(b, n, (n - 1) / FACET_CHUNK + 1)) {
        b->failed = 1;
        return;
    }
    park_layer_index *ix = b->ix;
    size_t v0 = b->nv;
    for (unsigned k = 0; k < n; k++) GEOSCoordSeq_getXY_r(g, sm, k, &ix->vx[v0 + k], &ix->vy[v0 + k]);
    b->nv += n;
    for (size_t s = 0; s + 1 < n; s += FACET_CHUNK) {
        struct park_facet_chunk *c = &ix->chunks[b->nc++];
        c->first = v0 + s;
        c->nseg = n - 1 - s < FACET_CHUNK ? n - 1 - s : FACET_CHUNK;
        c->minx = c->miny = INFINITY, c->maxx = c->maxy = -INFINITY;
        for (size_t v = c->first; v <= c->first + c->nseg; v++)
            c->minx = fmin(c->minx, ix->vx[v]), c->maxx = fmax(c->maxx, ix->vx[v]), c->miny = fmin(c->miny, ix->vy[v]),
            c->maxy = fmax(c->maxy, ix->vy[v]);
    }
    /* How far the projected lon/lat edge bows away from the metric chord: a
     * smooth curve whose sagitta is at its middle, sampled at 1/4, 1/2, 3/4. */
    for (unsigned k = 0; b->sampled && k + 1 < n; k++) {
        double x0, y0, x1, y1;
        GEOSCoordSeq_getXY_r(g, sl, k, &x0, &y0);
        GEOSCoordSeq_getXY_r(g, sl, k + 1, &x1, &y1);
        const double *mx = ix->vx + v0 + k, *my = ix->vy + v0 + k;
        double len = hypot(mx[1] - mx[0], my[1] - my[0]);
        if (len == 0) continue;
        for (int q = 1; q <= 3; q++) {
            PJ_COORD r = proj_trans(ix->pj_to_metric, PJ_FWD, proj_coord(x0 + q * 0.25 * (x1 - x0), y0 + q * 0.25 * (y1 - y0), 0, 0));
            double dev = fabs((mx[1] - mx[0]) * (r.xy.y - my[0]) - (my[1] - my[0]) * (r.xy.x - mx[0])) / len;
            if (!isfinite(dev)) dev = INFINITY; /* never trust the shortcut then */
            b->maxdev = fmax(b->maxdev, dev);
        }
    }
}

/* The rings of gm (metric) and gl (the same geometry in lon/lat), in the order
 * GEOS's LinearComponentExtracter visits them: each polygon's shell, then its
 * holes. Anything not polygonal leaves the layer on the GEOS path. */
static void fb_geom(facet_builder *b, const GEOSGeometry *gm, const GEOSGeometry *gl) {
    GEOSContextHandle_t g = b->ctx->geos;
    int t = GEOSGeomTypeId_r(g, gm);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(g, gm)) return;
        fb_ring(b, GEOSGetExteriorRing_r(g, gm), GEOSGetExteriorRing_r(g, gl));
        int nh = GEOSGetNumInteriorRings_r(g, gm);
        for (int h = 0; h < nh && !b->failed; h++) fb_ring(b, GEOSGetInteriorRingN_r(g, gm, h), GEOSGetInteriorRingN_r(g, gl, h));
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(g, gm);
        for (int i = 0; i < k && !b->failed; i++) fb_geom(b, GEOSGetGeometryN_r(g, gm, i), GEOSGetGeometryN_r(g, gl, i));
    } else if (!GEOSisEmpty_r(g, gm)) {
        b->failed = 2;
    }
}

/* Fills vx/vy, chunks, chunk0, env_m and slack_m. Returns 0 on out of memory;
 * a layer with non-polygonal parcels gets chunk0 == NULL (GEOS path). */
static int facets_build(park_ctx *ctx, park_layer_index *ix, const park_index_snap *snap) {
    facet_builder b = {ctx, ix, 0, 0, 0, 0, 0, !snap, 0};
    ix->chunk0 = calloc(ix->n + 1, sizeof *ix->chunk0);
    ix->env_m = malloc((ix->n ? ix->n : 1) * 4 * sizeof *ix->env_m);
    if (!ix->chunk0 || !ix->env_m) return 0;
    for (size_t i = 0; i < ix->n && !b.failed; i++) {
        ix->chunk0[i] = b.nc;
        fb_geom(&b, ix->metric[i], ix->fixed[i]);
        double *e = ix->env_m + 4 * i;
        e[0] = e[1] = INFINITY, e[2] = e[3] = -INFINITY;
        for (size_t c = ix->chunk0[i]; c < b.nc; c++)
            e[0] = fmin(e[0], ix->chunks[c].minx), e[1] = fmin(e[1], ix->chunks[c].miny), e[2] = fmax(e[2], ix->chunks[c].maxx),
            e[3] = fmax(e[3], ix->chunks[c].maxy);
    }
    if (b.failed == 1) return 0;
    if (b.failed == 2) {
        free(ix->chunk0), ix->chunk0 = NULL;
        return 1;
    }
    ix->chunk0[ix->n] = b.nc;
    /* twice the sampled sagitta for what sampling misses, plus 1 mm for
     * PROJ's and the arithmetic's rounding */
    ix->slack_m = snap ? snap->slack_m : 2 * b.maxdev + 1e-3;
    return 1;
}

/* EPSG:4490 lon/lat <-> the layer's metric plane (inverse: metric -> lon/lat).
 * The pipeline is the one proj_create_crs_to_crs + proj_normalize_for_visualization
 * choose between these two CRSs (`projinfo -s EPSG:4490 -t '<metric_crs>' -o PROJ`,
 * less the axis swap that normalising undoes): the same operations, so the same
 * doubles (test_locate checks it), without the database search that costs a single
 * lookup some 40 ms. CGCS2000 is on GRS80, like the plane: no datum step. */
/* inverse < 0: the tmerc step alone (radians in, metres out), see park_query_to_metric. */
static PJ *metric_pj(PJ_CONTEXT *pctx, double lon0, int inverse) {
    char def[512];
    const char *tm = "+proj=tmerc +lat_0=0 +lon_0=%.4f +k=1 +x_0=500000 +y_0=0 +ellps=GRS80";
    char tmerc[200];
    snprintf(tmerc, sizeof tmerc, tm, lon0);
    if (inverse < 0) return proj_create(pctx, tmerc);
    if (inverse)
        snprintf(def, sizeof def, "+proj=pipeline +step +inv %s +step +proj=unitconvert +xy_in=rad +xy_out=deg", tmerc);
    else
        snprintf(def, sizeof def, "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step %s", tmerc);
    return proj_create(pctx, def);
}

/* The context the two pipelines are made in: PROJ 9.1's proj_create opens
 * proj.db even for a PROJ string, and reading its schema was a third of a
 * single lookup (25 M instructions, issue 11). A pipeline of PROJ-string
 * operations needs no database, so the index gets a context that has none
 * (its search path names no directory, logging off): the same operations,
 * the same doubles. */
static void no_log(void *ud, int level, const char *msg) { (void)ud, (void)level, (void)msg; }

static PJ_CONTEXT *metric_context(void) {
    PJ_CONTEXT *c = proj_context_create();
    if (!c) return NULL;
    proj_log_level(c, PJ_LOG_NONE);
    proj_log_func(c, NULL, no_log); /* "Cannot find proj.db": by design */
    const char *none = "/nonexistent/parkgis-no-proj-db";
    proj_context_set_search_paths(c, 1, &none);
    return c;
}

typedef struct metric_xf {
    PJ *pj;
    int failed;
} metric_xf;

static int metric_cb(double *x, double *y, void *ud) {
    metric_xf *s = ud;
    PJ_COORD r = proj_trans(s->pj, PJ_FWD, proj_coord(*x, *y, 0, 0));
    if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || r.xy.x == HUGE_VAL) {
        s->failed = 1;
        return 0;
    }
    *x = r.xy.x, *y = r.xy.y;
    return 1;
}

/* g (lon/lat) in the metric plane: park_transform's loop with the index's own PJ. */
static park_status to_metric(park_ctx *ctx, park_layer_index *ix, const GEOSGeometry *g, GEOSGeometry **out) {
    metric_xf s = {ix->pj_to_metric, 0};
    *out = GEOSGeom_transformXY_r(ctx->geos, g, metric_cb, &s);
    if (!*out || s.failed) {
        if (*out) GEOSGeom_destroy_r(ctx->geos, *out), *out = NULL;
        return park_error(ctx, PARK_ERR_USAGE, "geometry cannot be transformed from EPSG:4490 to %.200s (coordinates outside the CRS's area of use?)",
                          ix->metric_crs);
    }
    return PARK_OK;
}

park_status park_query_geom_to_metric(park_ctx *ctx, const park_layer_index *ix, const GEOSGeometry *g, GEOSGeometry **out) {
    return to_metric(ctx, (park_layer_index *)ix, g, out);
}

park_status park_query_index(park_ctx *ctx, const park_layer *layer, park_layer_index **out) {
    park_layer_index *ix = park_layer_index_get(layer);
    if (ix) {
        *out = ix;
        return PARK_OK;
    }
    *out = NULL;
    size_t n = park_layer_count(layer);
    ix = calloc(1, sizeof *ix);
    if (!ix) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    ix->geos = ctx->geos;
    ix->n = n;
    ix->fixed = calloc(n ? n : 1, sizeof *ix->fixed);
    ix->owned = calloc(n ? n : 1, 1);
    ix->metric = calloc(n ? n : 1, sizeof *ix->metric);
    ix->metric_boundary = calloc(n ? n : 1, sizeof *ix->metric_boundary);
    ix->prep_ll = calloc(n ? n : 1, sizeof *ix->prep_ll);
    ix->prep_m = calloc(n ? n : 1, sizeof *ix->prep_m);
    ix->prep_mb = calloc(n ? n : 1, sizeof *ix->prep_mb);
    ix->items = calloc(n ? n : 1, sizeof *ix->items);
    ix->tree_ll = GEOSSTRtree_create_r(ctx->geos, 10);
    ix->tree_m = GEOSSTRtree_create_r(ctx->geos, 10);
    if (!ix->fixed || !ix->owned || !ix->metric || !ix->metric_boundary || !ix->prep_ll || !ix->prep_m || !ix->prep_mb ||
        !ix->items || !ix->tree_ll || !ix->tree_m) {
        index_free(ix);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory building the parcel index");
    }
    /* the metric plane: central meridian through the middle of the layer */
    double minx = INFINITY, maxx = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const park_parcel *p = park_layer_get(layer, i);
        double a, b;
        if (!GEOSisEmpty_r(ctx->geos, p->geom) && GEOSGeom_getXMin_r(ctx->geos, p->geom, &a) &&
            GEOSGeom_getXMax_r(ctx->geos, p->geom, &b))
            minx = fmin(minx, a), maxx = fmax(maxx, b);
    }
    double lon0 = isfinite(minx) ? (minx + maxx) / 2 : 121.4;
    snprintf(ix->metric_crs, sizeof ix->metric_crs,
             "+proj=tmerc +lat_0=0 +lon_0=%.4f +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs", lon0);
    /* the layer's own transformations: locate converts two or three points per
     * call, and the shared cache's lookup compares these long strings */
    ix->pj_ctx = metric_context();
    ix->pj_to_metric = ix->pj_ctx ? metric_pj(ix->pj_ctx, lon0, 0) : NULL;
    ix->pj_to_lonlat = ix->pj_ctx ? metric_pj(ix->pj_ctx, lon0, 1) : NULL;
    ix->pj_tm = ix->pj_ctx ? metric_pj(ix->pj_ctx, lon0, -1) : NULL;
    if (!ix->pj_to_metric || !ix->pj_to_lonlat || !ix->pj_tm) {
        index_free(ix);
        return park_error(ctx, PARK_ERR_INTERNAL, "cannot set up the metric plane %s", ix->metric_crs);
    }

    /* validity, repairs and the metric plane from an earlier build of these parcels */
    park_index_snap *snap = *park_layer_path(layer) ? park_index_snap_load(ctx, layer, ix->metric_crs) : NULL;
    park_status st = PARK_OK;
    for (size_t i = 0; i < n && st == PARK_OK; i++) {
        const park_parcel *p = park_layer_get(layer, i);
        ix->items[i] = i;
        char valid = snap ? !snap->fixed[i] : GEOSisValid_r(ctx->geos, p->geom);
        if (snap) {
            ix->fixed[i] = snap->fixed[i] ? snap->fixed[i] : p->geom;
            ix->owned[i] = snap->fixed[i] != NULL;
            ix->metric[i] = snap->metric[i];
            snap->fixed[i] = snap->metric[i] = NULL;
        } else if (valid == 1) {
            ix->fixed[i] = p->geom;
        } else {
            /* queries on an invalid polygon are undefined (GEOS overlay throws);
             * validate reports the defect, the other queries use a repair */
            ix->fixed[i] = park_query_repair(ctx, p->geom);
            ix->owned[i] = 1;
            if (!ix->fixed[i]) {
                st = PARK_ERR_INTERNAL;
                break;
            }
        }
        if (!snap && (st = to_metric(ctx, ix, ix->fixed[i], &ix->metric[i]))) break;
        ix->metric_boundary[i] = GEOSBoundary_r(ctx->geos, ix->metric[i]);
        ix->prep_ll[i] = GEOSPrepare_r(ctx->geos, ix->fixed[i]);
        ix->prep_m[i] = GEOSPrepare_r(ctx->geos, ix->metric[i]);
        ix->prep_mb[i] = GEOSPrepare_r(ctx->geos, ix->metric_boundary[i]);
        if (!ix->metric_boundary[i] || !ix->prep_ll[i] || !ix->prep_m[i] || !ix->prep_mb[i]) {
            st = park_geos_fail(ctx, "preparing parcel geometry");
            break;
        }
        if (!GEOSisEmpty_r(ctx->geos, ix->fixed[i])) {
            GEOSSTRtree_insert_r(ctx->geos, ix->tree_ll, ix->fixed[i], &ix->items[i]);
            GEOSSTRtree_insert_r(ctx->geos, ix->tree_m, ix->metric[i], &ix->items[i]);
            ix->nindexed++;
        }
    }
    if (st == PARK_OK && !facets_build(ctx, ix, snap)) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory building the parcel index");
    if (st == PARK_OK && snap && !ix->chunk0 != !snap->facets) st = park_error(ctx, PARK_ERR_INTERNAL, "index snapshot disagrees with its parcels");
    if (st == PARK_OK && snap) ix->edge_err = snap->edge_err, snap->edge_err = NULL, ix->edge_err_tried = 1;
    if (st == PARK_OK && !snap && *park_layer_path(layer)) park_index_snap_store(ctx, layer, ix);
    park_index_snap_free(ctx, snap);
    if (st != PARK_OK) {
        index_free(ix);
        return st;
    }
    park_layer_index_set(layer, ix, index_free);
    *out = ix;
    return PARK_OK;
}

/* One point through the pipelines' tmerc step alone, with their unitconvert step
 * done here as PROJ does it (x * factor, the factor DEG_TO_RAD or 1 / DEG_TO_RAD):
 * the very doubles of pj_to_metric / pj_to_lonlat (test_grid checks it on 1 M
 * points), without the pipeline's and the second step's dispatch per call, some
 * 360 instructions of each of a distance row's three transformations (issue 11). */
static const double DEG_TO_RAD_ = 0.017453292519943296; /* PROJ's DEG_TO_RAD */

park_status park_query_to_lonlat(park_ctx *ctx, const park_layer_index *ix, double *x, double *y) {
    PJ_COORD r = proj_trans(ix->pj_tm, PJ_INV, proj_coord(*x, *y, 0, 0));
    if (!isfinite(r.lp.lam) || !isfinite(r.lp.phi) || r.lp.lam == HUGE_VAL)
        return park_transform_xy_pj(ctx, ix->pj_to_lonlat, ix->metric_crs, "EPSG:4490", x, y); /* its error message */
    const double f = 1.0 / DEG_TO_RAD_;
    *x = r.lp.lam * f, *y = r.lp.phi * f;
    return PARK_OK;
}

park_status park_query_to_metric(park_ctx *ctx, const park_layer_index *ix, double *x, double *y) {
    PJ_COORD r = proj_trans(ix->pj_tm, PJ_FWD, proj_coord(*x * DEG_TO_RAD_, *y * DEG_TO_RAD_, 0, 0));
    if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || r.xy.x == HUGE_VAL)
        return park_transform_xy_pj(ctx, ix->pj_to_metric, "EPSG:4490", ix->metric_crs, x, y);
    *x = r.xy.x, *y = r.xy.y;
    return PARK_OK;
}

/* Measures two metric-plane points on the ellipsoid. */
static park_status measure_xy(park_ctx *ctx, const park_layer_index *ix, double x1, double y1, double x2, double y2,
                              double *m) {
    *m = NAN;
    if (x1 == x2 && y1 == y2) {
        *m = 0;
        return PARK_OK;
    }
    park_status st;
    if ((st = park_query_to_lonlat(ctx, ix, &x1, &y1)) || (st = park_query_to_lonlat(ctx, ix, &x2, &y2))) return st;
    *m = park_geodesic_distance(ctx, x1, y1, x2, y2);
    return PARK_OK;
}

/* Measures the two nearest points (metric plane) on the ellipsoid. */
static park_status measure_pair(park_ctx *ctx, const park_layer_index *ix, GEOSCoordSequence *cs, double *m) {
    *m = NAN;
    if (!cs) return park_geos_fail(ctx, "nearest points");
    double x1, y1, x2, y2;
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 0, &x1, &y1);
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 1, &x2, &y2);
    GEOSCoordSeq_destroy_r(ctx->geos, cs);
    return measure_xy(ctx, ix, x1, y1, x2, y2, m);
}

park_status park_query_distance(park_ctx *ctx, const park_layer_index *ix, const GEOSGeometry *a,
                                const GEOSGeometry *b, double *m) {
    return measure_pair(ctx, ix, GEOSNearestPoints_r(ctx->geos, a, b), m);
}

park_status park_query_distance_prep(park_ctx *ctx, const park_layer_index *ix, const GEOSPreparedGeometry *a,
                                     const GEOSGeometry *b, double *m) {
    return measure_pair(ctx, ix, GEOSPreparedNearestPoints_r(ctx->geos, a, b), m);
}

/* ------------------------------------------------------------------ locate */

typedef struct hit_state {
    park_ctx *ctx;
    park_layer_index *ix;
    const GEOSGeometry *pt;
    size_t best;   /* lowest layer index that covers the point */
    size_t count;  /* how many parcels cover it */
    int failed;
} hit_state;

static void hit_cb(void *item, void *ud) {
    hit_state *s = ud;
    size_t i = *(size_t *)item;
    char r = GEOSPreparedCovers_r(s->ctx->geos, s->ix->prep_ll[i], s->pt);
    if (r == 2) s->failed = 1;
    else if (r == 1) {
        s->count++;
        if (i < s->best) s->best = i;
    }
}

typedef struct near_state {
    park_ctx *ctx;
    park_layer_index *ix;
    const GEOSGeometry *mpt; /* the query point in the metric plane */
    int failed;
} near_state;

static const size_t QUERY_ITEM = (size_t)-1;

static int near_cb(const void *item1, const void *item2, double *d, void *ud) {
    near_state *s = ud;
    size_t a = *(const size_t *)item1, b = *(const size_t *)item2;
    size_t i = a == QUERY_ITEM ? b : a;
    if (i == QUERY_ITEM || i >= s->ix->n) { /* two query items: cannot happen */
        *d = 0;
        return 1;
    }
    if (!GEOSPreparedDistance_r(s->ctx->geos, s->ix->prep_m[i], s->mpt, d)) {
        s->failed = 1;
        return 0;
    }
    return 1; /* GEOS's C API treats non-zero as success here */
}

/* The old way, kept for what the facets cannot answer exactly (a layer with
 * non-polygonal parcels; a point within slack_m of an edge, which may be
 * inside the metric polygon): GEOS's nearest-neighbour search with
 * GEOSPreparedDistance (0 inside), then GEOSPreparedNearestPoints. */
/* m NULL: the nearest parcel alone, not measured (park_query_locate_lonlat) */
static park_status nearest_geos(park_ctx *ctx, park_layer_index *ix, double mx, double my, size_t *win, double *m) {
    GEOSGeometry *mpt = GEOSGeom_createPointFromXY_r(ctx->geos, mx, my);
    if (!mpt) return park_geos_fail(ctx, "point");
    size_t q = QUERY_ITEM;
    near_state ns = {ctx, ix, mpt, 0};
    const void *it = GEOSSTRtree_nearest_generic_r(ctx->geos, ix->tree_m, &q, mpt, near_cb, &ns);
    park_status st;
    if (!it || ns.failed) st = park_geos_fail(ctx, "nearest parcel search");
    else {
        *win = *(const size_t *)it;
        st = m ? park_query_distance_prep(ctx, ix, ix->prep_m[*win], mpt, m) : PARK_OK;
    }
    GEOSGeom_destroy_r(ctx->geos, mpt);
    return st;
}

/* The nearest parcel to metric (mx, my), a point no parcel covers, and the
 * geodesic distance to it. Parcels are tried nearest envelope first, then all
 * in layer order, each only while its envelope may beat the best distance so
 * far; equal distances go to the lowest layer index (as "covers" does). A
 * linear scan of envelopes: fine for a park's tens to hundreds of parcels.
 * m NULL: the parcel alone, the distance not measured. */
static park_status nearest_facets(park_ctx *ctx, park_layer_index *ix, double mx, double my, size_t *win, double *m) {
    const double *env = ix->env_m;
    size_t seed = (size_t)-1;
    double seed_e2 = INFINITY;
    for (size_t i = 0; i < ix->n; i++) {
        if (ix->chunk0[i] == ix->chunk0[i + 1]) continue; /* empty */
        double e2 = park_env_dist2(env[4 * i], env[4 * i + 1], env[4 * i + 2], env[4 * i + 3], mx, my);
        if (seed == (size_t)-1 || e2 < seed_e2) seed = i, seed_e2 = e2;
    }
    size_t wseg, sg;
    double best = facet_scan(ix, seed, mx, my, INFINITY, &wseg);
    size_t w = seed;
    for (size_t i = 0; i < ix->n; i++) {
        if (i == seed || ix->chunk0[i] == ix->chunk0[i + 1]) continue;
        if (!env_may_beat(park_env_dist2(env[4 * i], env[4 * i + 1], env[4 * i + 2], env[4 * i + 3], mx, my), best)) continue;
        double d = facet_scan(ix, i, mx, my, best, &sg);
        if (d < best || (d == best && i < w)) best = d, w = i, wseg = sg;
    }
    if (!(best > ix->slack_m)) return nearest_geos(ctx, ix, mx, my, win, m);
    if (!m) {
        *win = w;
        return PARK_OK;
    }
    /* the winner's nearest point: its winning segment is the one an unbounded scan finds
     * (the bound never skips the chunk of the minimum; facet_scan), so it is not scanned again */
    double cx, cy;
    if (wseg == (size_t)-1) facet_distance(ix, w, mx, my, INFINITY, &cx, &cy); /* no finite distance: as before */
    else seg_closest(mx, my, ix->vx[wseg], ix->vy[wseg], ix->vx[wseg + 1], ix->vy[wseg + 1], &cx, &cy);
    *win = w;
    return measure_xy(ctx, ix, cx, cy, mx, my, m);
}

/* measure: the geodesic distance to the edge or to the nearest parcel (else distance_m
 * and nearest_distance_m stay NAN; the nearest parcel is found the same way) */
static park_status locate_wgs84(park_ctx *ctx, const park_layer *layer, double lon, double lat, bool measure,
                                park_locate_result *out) {
    park_layer_index *ix;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st) return st;
    out->wgs84_lon = lon, out->wgs84_lat = lat;
    double mx = lon, my = lat;
    if ((st = park_query_to_metric(ctx, ix, &mx, &my))) return st;
    hit_state hs = {ctx, ix, NULL, (size_t)-1, 0, 0};
    size_t sole;
    if (ix->grid && park_grid_sole(ix->grid, lon, lat, &sole)) {
        /* a batch built the grid (grid.c): the same answer, and the same count */
        hs.best = sole, hs.count = sole != (size_t)-1;
    } else {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, lon, lat);
        if (!pt) return park_geos_fail(ctx, "point");
        hs.pt = pt;
        GEOSSTRtree_query_r(ctx->geos, ix->tree_ll, pt, hit_cb, &hs);
        GEOSGeom_destroy_r(ctx->geos, pt);
        if (hs.failed) return park_geos_fail(ctx, "point-in-parcel test");
    }
    out->ncontaining = hs.count;
    if (hs.count) {
        out->inside = 1;
        out->index = hs.best;
        out->parcel = out->nearest = park_layer_get(layer, hs.best);
        out->nearest_distance_m = 0;
        if (!measure) return PARK_OK;
        /* inside: how far to the edge (holes count as edges) */
        if (ix->chunk0) {
            double cx, cy;
            facet_distance(ix, hs.best, mx, my, INFINITY, &cx, &cy);
            return measure_xy(ctx, ix, cx, cy, mx, my, &out->distance_m);
        }
        GEOSGeometry *mpt = GEOSGeom_createPointFromXY_r(ctx->geos, mx, my);
        if (!mpt) return park_geos_fail(ctx, "point");
        st = park_query_distance_prep(ctx, ix, ix->prep_mb[hs.best], mpt, &out->distance_m);
        GEOSGeom_destroy_r(ctx->geos, mpt);
        return st;
    }
    out->inside = 0;
    out->parcel = NULL;
    if (ix->nindexed == 0) return PARK_OK; /* no parcel has any area: nothing is nearest */
    size_t i = (size_t)-1;
    double *m = measure ? &out->distance_m : NULL;
    st = ix->chunk0 ? nearest_facets(ctx, ix, mx, my, &i, m) : nearest_geos(ctx, ix, mx, my, &i, m);
    if (st) return st;
    out->index = i;
    out->nearest = park_layer_get(layer, i);
    out->nearest_distance_m = out->distance_m;
    return PARK_OK;
}

static void result_init(park_locate_result *out) {
    memset(out, 0, sizeof *out);
    out->wgs84_lon = out->wgs84_lat = out->distance_m = out->nearest_distance_m = NAN;
    out->index = (size_t)-1;
}

park_status park_query_locate_lonlat(park_ctx *ctx, const park_layer *layer, double lon, double lat, park_datum datum,
                                     bool measure, park_locate_result *out) {
    result_init(out);
    double wlon, wlat;
    park_status st = park_datum_to_wgs84(ctx, datum, lon, lat, &wlon, &wlat);
    if (st) return st;
    return locate_wgs84(ctx, layer, wlon, wlat, measure, out);
}

park_status park_locate_lonlat(park_ctx *ctx, const park_layer *layer, double lon, double lat, park_datum datum,
                               park_locate_result *out) {
    return park_query_locate_lonlat(ctx, layer, lon, lat, datum, true, out);
}

park_status park_xy_to_lonlat(park_ctx *ctx, const char *crs, double x, double y, double *lon, double *lat) {
    if (!isfinite(x) || !isfinite(y))
        return park_error(ctx, PARK_ERR_USAGE, "coordinate (%g, %g) is not a finite number (expected X Y in the units of %s)", x,
                          y, crs);
    char zoned[32];
    if (park_crs_zone_prefix_hint(crs, x, zoned, sizeof zoned))
        return park_error(ctx, PARK_ERR_USAGE,
                          "easting %.10g carries its zone number (%d) in front, which %s does not (its eastings are about 500000): give --crs %s (the same projection with the zone prefix) or drop the prefix",
                          x, (int)(x / 1e6), crs, zoned);
    double lo = x, la = y;
    park_status st = park_transform_xy(ctx, crs, "EPSG:4490", &lo, &la);
    if (st) return st;
    if (!(lo >= -180 && lo <= 180 && la >= -90 && la <= 90))
        return park_error(ctx, PARK_ERR_USAGE, "coordinate (%.10g, %.10g) in %s lies outside the globe (lon %.6g, lat %.6g)", x,
                          y, crs, lo, la);
    /* Outside a projection's domain PROJ's inverse still answers, wrapping a
     * Gauss-Kruger northing of 1e8 m (ten times the pole's) to a point on the
     * equator. Inside the domain the forward undoes the inverse to well under a
     * millimetre, even thousands of km off the central meridian; a point that
     * does not come back within 1 m (or 1e-9 of its size) was not in the CRS. */
    double bx = lo, by = la;
    st = park_transform_xy(ctx, "EPSG:4490", crs, &bx, &by);
    if (st || fabs(bx - x) > 1 + 1e-9 * fabs(x) || fabs(by - y) > 1 + 1e-9 * fabs(y))
        return park_error(ctx, PARK_ERR_USAGE,
                          "coordinate (%.10g, %.10g) lies outside the domain of %s (expected X Y within its zone, in its units and axis order X then Y)",
                          x, y, crs);
    *lon = lo, *lat = la;
    return PARK_OK;
}

park_status park_locate_xy(park_ctx *ctx, const park_layer *layer, const char *crs, double x, double y,
                           park_locate_result *out) {
    result_init(out);
    double lon = NAN, lat = NAN; /* set when park_xy_to_lonlat succeeds */
    park_status st = park_xy_to_lonlat(ctx, crs, x, y, &lon, &lat);
    if (st) return st;
    return locate_wgs84(ctx, layer, lon, lat, true, out);
}
