/* grid.c - the bulk point-in-parcel kernel: a grid over the parcels (lon/lat)
 * whose cells are classified once, so that most points are answered by one
 * array read and only points in cells an edge passes through are tested
 * exactly (issue 11).
 *
 * A cell, taken as its rectangle grown by GRID_MARGIN of a cell on each side,
 * that no ring segment of parcel i touches lies wholly inside or wholly
 * outside i: the rectangle is connected and does not meet i's boundary. One
 * GEOSPreparedCovers test of its centre (a point well away from every edge of
 * i) says which, for every point of the cell. The margin is far larger than
 * the rounding in computing a point's cell (a few ulps) and in the
 * segment/rectangle test, so a point is always in the grown rectangle of the
 * cell it is looked up in, and "touches" errs only towards "boundary".
 *
 * A cell's answer is the lowest-index parcel covering it, like
 * park_locate_lonlat's (first in layer order); when a parcel whose boundary
 * crosses the cell comes before every parcel known to cover it, the cell is a
 * BOUNDARY cell and the point gets the exact test (the STRtree and prepared
 * geometries park_locate_lonlat uses). Results are identical to GEOS prepared
 * containment by construction; tests/unit/test_grid.c checks it on more than
 * a million points, on and within 1e-9 degrees of edges among them.
 *
 * Runs of cells along a row between boundary cells share one state, so
 * building costs one GEOS test per run, not per cell: for the bundled layer
 * (10 parcels) a 1024-cell grid builds in a few ms. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

enum { GRID_MAX = 1024, GRID_BOUNDARY = 0xFFFF, GRID_OUTSIDE = 0xFFFE };
#define GRID_MARGIN (1.0 / 64)

struct park_grid {
    double x0, y0, sx, sy; /* cell (cx, cy) = floor((x - x0) * sx), floor((y - y0) * sy) */
    double cw, ch;         /* cell width and height in degrees */
    int w, h;
    uint16_t *cell;        /* w * h: parcel index, GRID_OUTSIDE, or GRID_BOUNDARY */
    unsigned char *hits;   /* w * h: parcels covering or touching the cell, saturating at 2
                              (1 with a parcel index: that parcel alone covers all of it) */
    size_t nboundary;
};

void park_grid_free(struct park_grid *g) {
    if (!g) return;
    free(g->cell), free(g->hits);
    free(g);
}

/* Whether segment (ax, ay)-(bx, by) meets the rectangle [x0, x1] x [y0, y1]:
 * envelopes overlap and the rectangle's corners are not all on one side of
 * the segment's line (separating axes). */
static int seg_meets_rect(double ax, double ay, double bx, double by, double x0, double y0, double x1, double y1) {
    if (fmax(ax, bx) < x0 || fmin(ax, bx) > x1 || fmax(ay, by) < y0 || fmin(ay, by) > y1) return 0;
    double dx = bx - ax, dy = by - ay;
    double c0 = dx * (y0 - ay) - dy * (x0 - ax), c1 = dx * (y0 - ay) - dy * (x1 - ax);
    double c2 = dx * (y1 - ay) - dy * (x0 - ax), c3 = dx * (y1 - ay) - dy * (x1 - ax);
    if (c0 > 0 && c1 > 0 && c2 > 0 && c3 > 0) return 0;
    if (c0 < 0 && c1 < 0 && c2 < 0 && c3 < 0) return 0;
    return 1;
}

typedef struct grid_builder {
    park_ctx *ctx;
    struct park_grid *g;
    unsigned char *touch; /* w * h scratch: 1 where the current parcel's boundary touches */
    int bx0, by0, bx1, by1; /* cells touched by the current parcel (bounding box) */
    int failed;
} grid_builder;

static void mark_segment(grid_builder *b, double ax, double ay, double bx, double by) {
    const struct park_grid *g = b->g;
    double mx = GRID_MARGIN * g->cw, my = GRID_MARGIN * g->ch;
    int cx0 = (int)floor((fmin(ax, bx) - mx - g->x0) * g->sx), cx1 = (int)floor((fmax(ax, bx) + mx - g->x0) * g->sx);
    int cy0 = (int)floor((fmin(ay, by) - my - g->y0) * g->sy), cy1 = (int)floor((fmax(ay, by) + my - g->y0) * g->sy);
    if (cx0 < 0) cx0 = 0;
    if (cy0 < 0) cy0 = 0;
    if (cx1 >= g->w) cx1 = g->w - 1;
    if (cy1 >= g->h) cy1 = g->h - 1;
    for (int cy = cy0; cy <= cy1; cy++) {
        double y0 = g->y0 + cy * g->ch - my, y1 = g->y0 + (cy + 1) * g->ch + my;
        for (int cx = cx0; cx <= cx1; cx++) {
            double x0 = g->x0 + cx * g->cw - mx, x1 = g->x0 + (cx + 1) * g->cw + mx;
            if (seg_meets_rect(ax, ay, bx, by, x0, y0, x1, y1)) {
                b->touch[(size_t)cy * g->w + cx] = 1;
                if (cx < b->bx0) b->bx0 = cx;
                if (cx > b->bx1) b->bx1 = cx;
                if (cy < b->by0) b->by0 = cy;
                if (cy > b->by1) b->by1 = cy;
            }
        }
    }
}

static void mark_ring(grid_builder *b, const GEOSGeometry *ring) {
    GEOSContextHandle_t h = b->ctx->geos;
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n)) {
        b->failed = 1;
        return;
    }
    double px = 0, py = 0;
    for (unsigned k = 0; k < n; k++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(h, s, k, &x, &y) || !isfinite(x) || !isfinite(y)) {
            b->failed = 1;
            return;
        }
        if (k) mark_segment(b, px, py, x, y);
        else mark_segment(b, x, y, x, y); /* a ring of one point still touches its cell */
        px = x, py = y;
    }
}

static void mark_geom(grid_builder *b, const GEOSGeometry *geom) {
    GEOSContextHandle_t h = b->ctx->geos;
    int t = GEOSGeomTypeId_r(h, geom);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, geom)) return;
        mark_ring(b, GEOSGetExteriorRing_r(h, geom));
        int nh = GEOSGetNumInteriorRings_r(h, geom);
        for (int k = 0; k < nh && !b->failed; k++) mark_ring(b, GEOSGetInteriorRingN_r(h, geom, k));
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(h, geom);
        for (int i = 0; i < k && !b->failed; i++) mark_geom(b, GEOSGetGeometryN_r(h, geom, i));
    } else if (!GEOSisEmpty_r(h, geom)) {
        b->failed = 1; /* lines or points: what "covers" means there is left to GEOS */
    }
}

/* Builds the grid for ix; NULL (no grid: every point takes the exact test)
 * when the layer is empty, has too many parcels for 16-bit cells, or is not
 * polygonal. */
static struct park_grid *grid_build(park_ctx *ctx, park_layer_index *ix) {
    GEOSContextHandle_t h = ctx->geos;
    if (ix->n == 0 || ix->n >= GRID_OUTSIDE || ix->nindexed == 0) return NULL;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < ix->n; i++) {
        double a, b, c, d;
        if (GEOSisEmpty_r(h, ix->fixed[i])) continue;
        if (!GEOSGeom_getXMin_r(h, ix->fixed[i], &a) || !GEOSGeom_getYMin_r(h, ix->fixed[i], &b) ||
            !GEOSGeom_getXMax_r(h, ix->fixed[i], &c) || !GEOSGeom_getYMax_r(h, ix->fixed[i], &d))
            return NULL;
        minx = fmin(minx, a), miny = fmin(miny, b), maxx = fmax(maxx, c), maxy = fmax(maxy, d);
    }
    if (!(maxx > minx && maxy > miny)) return NULL;
    struct park_grid *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    /* square-ish cells, GRID_MAX on the longer side, one spare cell all round so
     * that a point on the envelope is in an inner (boundary) cell */
    double span = fmax(maxx - minx, maxy - miny);
    double cs = span / (GRID_MAX - 2);
    g->w = (int)ceil((maxx - minx) / cs) + 2, g->h = (int)ceil((maxy - miny) / cs) + 2;
    if (g->w > GRID_MAX) g->w = GRID_MAX;
    if (g->h > GRID_MAX) g->h = GRID_MAX;
    g->cw = g->ch = cs;
    g->x0 = minx - cs, g->y0 = miny - cs;
    g->sx = g->sy = 1 / cs;
    /* the cells must reach past the envelope: widen when rounding made them short */
    while (g->x0 + g->w * g->cw <= maxx + cs / 2 || g->y0 + g->h * g->ch <= maxy + cs / 2) {
        cs *= 1 + 1e-9;
        g->cw = g->ch = cs, g->x0 = minx - cs, g->y0 = miny - cs, g->sx = g->sy = 1 / cs;
    }
    size_t nc = (size_t)g->w * g->h;
    g->cell = malloc(nc * sizeof *g->cell);
    g->hits = calloc(nc, 1);
    unsigned char *touch = calloc(nc, 1);
    uint16_t *bmin = malloc(nc * sizeof *bmin); /* lowest parcel whose boundary touches the cell */
    GEOSGeometry *pt = NULL;
    grid_builder b = {ctx, g, touch, 0, 0, 0, 0, 0};
    if (!g->cell || !g->hits || !touch || !bmin) goto fail;
    for (size_t c = 0; c < nc; c++) g->cell[c] = GRID_OUTSIDE, bmin[c] = GRID_OUTSIDE;
    /* parcels in reverse layer order: a lower index overwrites, so each cell ends
     * with the lowest covering parcel and the lowest touching one */
    for (size_t ii = ix->n; ii-- > 0;) {
        if (GEOSisEmpty_r(h, ix->fixed[ii])) continue;
        b.bx0 = b.by0 = INT32_MAX, b.bx1 = b.by1 = -1;
        mark_geom(&b, ix->fixed[ii]);
        if (b.failed) goto fail;
        if (b.bx1 < 0) continue;
        /* the parcel lies within the bounding box of its boundary's cells */
        for (int cy = b.by0; cy <= b.by1; cy++) {
            int state = -1; /* of the current run of untouched cells: 1 inside, 0 outside, -1 unknown */
            for (int cx = b.bx0; cx <= b.bx1; cx++) {
                size_t c = (size_t)cy * g->w + cx;
                if (touch[c]) {
                    touch[c] = 0, state = -1;
                    bmin[c] = (uint16_t)ii;
                    if (g->hits[c] < 2) g->hits[c]++;
                    continue;
                }
                if (state < 0) {
                    pt = GEOSGeom_createPointFromXY_r(h, g->x0 + (cx + 0.5) * g->cw, g->y0 + (cy + 0.5) * g->ch);
                    char r = pt ? GEOSPreparedCovers_r(h, ix->prep_ll[ii], pt) : 2;
                    GEOSGeom_destroy_r(h, pt), pt = NULL;
                    if (r == 2) goto fail;
                    state = r;
                }
                if (state) {
                    g->cell[c] = (uint16_t)ii;
                    if (g->hits[c] < 2) g->hits[c]++;
                }
            }
        }
    }
    for (size_t c = 0; c < nc; c++) {
        /* the lowest touching parcel comes first: only the exact test can say
         * whether it covers the point */
        if (bmin[c] != GRID_OUTSIDE && (g->cell[c] == GRID_OUTSIDE || bmin[c] < g->cell[c])) g->cell[c] = GRID_BOUNDARY, g->nboundary++;
    }
    free(touch), free(bmin);
    return g;
fail:
    park_ctx_clear_error(ctx);
    free(touch), free(bmin);
    park_grid_free(g);
    return NULL;
}

/* ------------------------------------------------------------------ lookup */

typedef struct cover_state {
    GEOSContextHandle_t h;
    park_layer_index *ix;
    const GEOSGeometry *pt;
    size_t best;
    int failed;
} cover_state;

static void cover_cb(void *item, void *ud) {
    cover_state *s = ud;
    size_t i = *(size_t *)item;
    if (i > s->best) return; /* a lower one covers already */
    char r = GEOSPreparedCovers_r(s->h, s->ix->prep_ll[i], s->pt);
    if (r == 2) s->failed = 1;
    else if (r == 1) s->best = i;
}

/* The exact test: what park_locate_lonlat does (STRtree, prepared covers). */
static park_status exact(park_ctx *ctx, park_layer_index *ix, double lon, double lat, size_t *index) {
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, lon, lat);
    if (!pt) return park_geos_fail(ctx, "point");
    cover_state s = {ctx->geos, ix, pt, (size_t)-1, 0};
    GEOSSTRtree_query_r(ctx->geos, ix->tree_ll, pt, cover_cb, &s);
    GEOSGeom_destroy_r(ctx->geos, pt);
    if (s.failed) return park_geos_fail(ctx, "point-in-parcel test");
    *index = s.best;
    return PARK_OK;
}

park_status park_locate_parcel(park_ctx *ctx, const park_layer *layer, double lon, double lat, park_datum datum,
                               size_t *index) {
    *index = (size_t)-1;
    park_layer_index *ix;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st) return st;
    if (datum != PARK_DATUM_WGS84 || !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
        double w, v;
        if ((st = park_datum_to_wgs84(ctx, datum, lon, lat, &w, &v))) return st;
        lon = w, lat = v;
    }
    if (!ix->grid_tried) {
        ix->grid = grid_build(ctx, ix);
        ix->grid_tried = 1;
    }
    const struct park_grid *g = ix->grid;
    if (!g) return exact(ctx, ix, lon, lat, index);
    double fx = (lon - g->x0) * g->sx, fy = (lat - g->y0) * g->sy;
    if (!(fx >= 0 && fx < g->w && fy >= 0 && fy < g->h)) return PARK_OK; /* beyond every parcel by a cell or more */
    uint16_t v = g->cell[(size_t)(int)fy * g->w + (int)fx];
    if (v == GRID_OUTSIDE) return PARK_OK;
    if (v != GRID_BOUNDARY) {
        *index = v;
        return PARK_OK;
    }
    return exact(ctx, ix, lon, lat, index);
}

int park_grid_sole(const struct park_grid *g, double lon, double lat, size_t *index) {
    double fx = (lon - g->x0) * g->sx, fy = (lat - g->y0) * g->sy;
    if (!(fx >= 0 && fx < g->w && fy >= 0 && fy < g->h)) {
        *index = (size_t)-1;
        return 1;
    }
    size_t c = (size_t)(int)fy * g->w + (int)fx;
    uint16_t v = g->cell[c];
    if (g->hits[c] == 0) {
        *index = (size_t)-1;
        return 1;
    }
    if (g->hits[c] == 1 && v != GRID_BOUNDARY && v != GRID_OUTSIDE) {
        *index = v;
        return 1;
    }
    return 0;
}

park_status park_locate_grid_stats(park_ctx *ctx, const park_layer *layer, int *w, int *h, size_t *nboundary) {
    park_layer_index *ix;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st) return st;
    if (!ix->grid_tried) {
        ix->grid = grid_build(ctx, ix);
        ix->grid_tried = 1;
    }
    *w = ix->grid ? ix->grid->w : 0, *h = ix->grid ? ix->grid->h : 0, *nboundary = ix->grid ? ix->grid->nboundary : 0;
    return PARK_OK;
}
