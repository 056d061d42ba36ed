/* adjacency.c - how every pair of parcels relates.
 *
 * For each pair (a, b), a < b in layer order:
 *   de9im       GEOSRelate of the stored geometries (repaired ones when invalid)
 *   gap_m       geodesic minimum distance (0 when they touch or overlap)
 *   overlap_m2  geodesic area of the intersection
 *   shared_m    length of boundary the two run along together, within the
 *               tolerance: a piece of a's boundary counts when b's boundary is
 *               within `tolerance` of it AND lies across from it (the shortest
 *               way over is within 20 degrees of perpendicular to the piece);
 *               the same from b's side, and the mean of the two is reported.
 *               The "across" test keeps out the stubs where an edge meets the
 *               other parcel's corner end-on, which a plain "boundary inside
 *               the buffer" length would add (up to 2 x tolerance per edge).
 *               Lengths are measured in the layer's local transverse Mercator
 *               plane (scale error < 1e-5 across a layer; see query.h).
 *   relation    first that applies:
 *     overlaps          the interiors overlap in a piece wider than the tolerance
 *                       (any overlap when the tolerance is 0)
 *     shares-edge       shared_m >= max(tolerance, 1 m): the boundaries run
 *                       together, exactly or within the tolerance (a narrow
 *                       sliver overlap or gap along a common edge is digitising
 *                       noise, and is still reported in overlap_m2 / gap_m)
 *     touches-at-point  they meet (gap 0) without a shared edge
 *     near              gap_m <= tolerance
 *     disjoint          otherwise */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* |cos| of the angle between a boundary piece and the shortest way across to
 * the other boundary must be at most this: sin(20 deg). */
#define ACROSS_MAX_COS 0.342
/* Closer than this (metres) the boundaries coincide and direction is moot. */
#define COINCIDENT_M 1e-3

const char *park_relation_name(park_relation r) {
    switch (r) {
    case PARK_REL_SHARES_EDGE: return "shares-edge";
    case PARK_REL_TOUCHES_AT_POINT: return "touches-at-point";
    case PARK_REL_OVERLAPS: return "overlaps";
    case PARK_REL_NEAR: return "near";
    case PARK_REL_DISJOINT: return "disjoint";
    }
    return "?";
}

/* Shortest vector from (x, y) to the prepared boundary `other`. */
static int nearest_vec(park_ctx *ctx, const GEOSPreparedGeometry *other, double x, double y, double *vx, double *vy) {
    GEOSContextHandle_t g = ctx->geos;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
    GEOSCoordSequence *np = pt ? GEOSPreparedNearestPoints_r(g, other, pt) : NULL;
    if (pt) GEOSGeom_destroy_r(g, pt);
    if (!np) return 0;
    double qx, qy;
    GEOSCoordSeq_getXY_r(g, np, 0, &qx, &qy);
    GEOSCoordSeq_destroy_r(g, np);
    *vx = qx - x, *vy = qy - y;
    return 1;
}

/* Length of those parts of `line` (a's boundary, already cut to b's
 * neighbourhood) that lie across from `other` (b's boundary) within tol.
 * Each segment is cut into pieces of at most `step` and each piece judged at
 * its midpoint. A midpoint ON the other boundary is either a run along it or a
 * crossing that the midpoint happens to hit; a second look a quarter piece
 * further on tells the two apart. */
static park_status across_length(park_ctx *ctx, const GEOSGeometry *line, const GEOSPreparedGeometry *other, double tol,
                                 double *len) {
    GEOSContextHandle_t g = ctx->geos;
    *len = 0;
    double step = fmin(1.0, fmax(0.1, tol / 10));
    int ng = GEOSGetNumGeometries_r(g, line);
    for (int k = 0; k < ng; k++) {
        const GEOSGeometry *ls = GEOSGetGeometryN_r(g, line, k);
        int t = GEOSGeomTypeId_r(g, ls);
        if (t != GEOS_LINESTRING && t != GEOS_LINEARRING) continue;
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g, ls);
        unsigned n = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(g, cs, &n)) return park_geos_fail(ctx, "boundary coordinates");
        for (unsigned i = 0; i + 1 < n; i++) {
            double x1, y1, x2, y2;
            GEOSCoordSeq_getXY_r(g, cs, i, &x1, &y1);
            GEOSCoordSeq_getXY_r(g, cs, i + 1, &x2, &y2);
            double dx = x2 - x1, dy = y2 - y1, sl = hypot(dx, dy);
            if (sl <= 0) continue;
            int pieces = (int)ceil(sl / step);
            double pl = sl / pieces, ux = dx / sl, uy = dy / sl;
            for (int p = 0; p < pieces; p++) {
                double f = (p + 0.5) / pieces;
                double mx = x1 + f * dx, my = y1 + f * dy, vx, vy;
                if (!nearest_vec(ctx, other, mx, my, &vx, &vy))
                    return park_geos_fail(ctx, "nearest point on the neighbouring boundary");
                double d = hypot(vx, vy);
                if (d <= COINCIDENT_M) {
                    mx += ux * pl / 4, my += uy * pl / 4;
                    if (!nearest_vec(ctx, other, mx, my, &vx, &vy))
                        return park_geos_fail(ctx, "nearest point on the neighbouring boundary");
                    d = hypot(vx, vy);
                }
                if (d <= COINCIDENT_M || (d <= tol && fabs((vx * ux + vy * uy) / d) <= ACROSS_MAX_COS)) *len += pl;
            }
        }
    }
    return PARK_OK;
}

/* shared length, one direction: a's boundary near b's boundary */
static park_status shared_one_way(park_ctx *ctx, const GEOSGeometry *ba, const GEOSGeometry *bb,
                                  const GEOSPreparedGeometry *pbb, double tol, double *len) {
    GEOSContextHandle_t g = ctx->geos;
    *len = 0;
    GEOSGeometry *zone = GEOSBuffer_r(g, bb, tol + 2 * COINCIDENT_M, 8);
    GEOSGeometry *cut = zone ? GEOSIntersection_r(g, ba, zone) : NULL;
    if (zone) GEOSGeom_destroy_r(g, zone);
    if (!cut) return park_geos_fail(ctx, "boundary near the neighbour");
    park_status st = across_length(ctx, cut, pbb, tol, len);
    GEOSGeom_destroy_r(g, cut);
    return st;
}

static park_status pair(park_ctx *ctx, park_layer_index *ix, size_t a, size_t b, double tol, park_pair *out) {
    GEOSContextHandle_t g = ctx->geos;
    park_status st = PARK_OK;
    memset(out, 0, sizeof *out);
    out->a = a, out->b = b;
    char *m = GEOSRelate_r(g, ix->fixed[a], ix->fixed[b]);
    if (!m) return park_geos_fail(ctx, "DE-9IM (GEOSRelate)");
    snprintf(out->de9im, sizeof out->de9im, "%s", m);
    GEOSFree_r(g, m);
    int interiors_meet = out->de9im[0] == '2';
    if (GEOSisEmpty_r(g, ix->fixed[a]) == 1 || GEOSisEmpty_r(g, ix->fixed[b]) == 1) {
        /* a layer built in code may hold an empty parcel: nothing to measure */
        out->gap_m = NAN;
        out->relation = PARK_REL_DISJOINT;
        return PARK_OK;
    }
    /* disjoint is FF*FF****: interiors and boundaries do not meet */
    int meet = !(out->de9im[0] == 'F' && out->de9im[1] == 'F' && out->de9im[3] == 'F' && out->de9im[4] == 'F');

    /* gap */
    double plane = 0;
    if (!meet) {
        if (!GEOSPreparedDistance_r(g, ix->prep_m[a], ix->metric[b], &plane)) return park_geos_fail(ctx, "distance");
        if ((st = park_query_distance(ctx, ix, ix->metric[a], ix->metric[b], &out->gap_m))) return st;
    }

    /* overlap */
    int wide_overlap = 0;
    if (interiors_meet) {
        GEOSGeometry *x = GEOSIntersection_r(g, ix->fixed[a], ix->fixed[b]);
        if (!x) return park_geos_fail(ctx, "parcel intersection");
        st = park_area_geodesic(ctx, x, &out->overlap_m2);
        GEOSGeom_destroy_r(g, x);
        if (st) return st;
        GEOSGeometry *xm = GEOSIntersection_r(g, ix->metric[a], ix->metric[b]);
        if (!xm) return park_geos_fail(ctx, "parcel intersection");
        if (tol > 0) {
            GEOSGeometry *core = GEOSBuffer_r(g, xm, -tol / 2, 8);
            if (!core) {
                GEOSGeom_destroy_r(g, xm);
                return park_geos_fail(ctx, "overlap width");
            }
            wide_overlap = !GEOSisEmpty_r(g, core);
            GEOSGeom_destroy_r(g, core);
        } else {
            wide_overlap = out->overlap_m2 > 0;
        }
        GEOSGeom_destroy_r(g, xm);
    }

    /* shared boundary */
    if (plane <= tol + 2 * COINCIDENT_M) {
        const GEOSPreparedGeometry *pa = GEOSPrepare_r(g, ix->metric_boundary[a]);
        const GEOSPreparedGeometry *pb = GEOSPrepare_r(g, ix->metric_boundary[b]);
        double ab = 0, ba = 0;
        if (!pa || !pb) st = park_geos_fail(ctx, "preparing boundaries");
        if (!st) st = shared_one_way(ctx, ix->metric_boundary[a], ix->metric_boundary[b], pb, tol, &ab);
        if (!st) st = shared_one_way(ctx, ix->metric_boundary[b], ix->metric_boundary[a], pa, tol, &ba);
        if (pa) GEOSPreparedGeom_destroy_r(g, pa);
        if (pb) GEOSPreparedGeom_destroy_r(g, pb);
        if (st) return st;
        out->shared_m = (ab + ba) / 2;
    }

    if (wide_overlap) out->relation = PARK_REL_OVERLAPS;
    else if (out->shared_m >= fmax(tol, 1.0)) out->relation = PARK_REL_SHARES_EDGE;
    else if (meet) out->relation = PARK_REL_TOUCHES_AT_POINT;
    else if (out->gap_m <= tol) out->relation = PARK_REL_NEAR;
    else out->relation = PARK_REL_DISJOINT;
    return PARK_OK;
}

park_status park_adjacency(park_ctx *ctx, const park_layer *layer, double tolerance_m, park_pair **pairs, size_t *n) {
    *pairs = NULL, *n = 0;
    if (!isfinite(tolerance_m) || tolerance_m < 0)
        return park_error(ctx, PARK_ERR_USAGE, "tolerance %g m is not a non-negative number of metres", tolerance_m);
    park_layer_index *ix;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st) return st;
    size_t np = ix->n * (ix->n > 0 ? ix->n - 1 : 0) / 2;
    park_pair *v = calloc(np ? np : 1, sizeof *v);
    if (!v) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    size_t k = 0;
    for (size_t a = 0; a < ix->n && !st; a++)
        for (size_t b = a + 1; b < ix->n && !st; b++) {
            st = pair(ctx, ix, a, b, tolerance_m, &v[k]);
            if (st) {
                const park_parcel *pa = park_layer_get(layer, a), *pb = park_layer_get(layer, b);
                char msg[2048];
                snprintf(msg, sizeof msg, "%s", park_ctx_errmsg(ctx));
                st = park_error(ctx, st, "parcels '%s' and '%s': %s", pa->id, pb->id, msg);
            }
            k++;
        }
    if (st) {
        free(v);
        return st;
    }
    *pairs = v, *n = np;
    return PARK_OK;
}
