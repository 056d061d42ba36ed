/* overlap.c - settling an overlap of two compiled parcels by a stated rule
 * (PARK_OVERLAP_RULE in overlap.h; geodata/SOURCES.md, "Compiling").
 *
 * Parcels of one plan do not overlap, but two neighbours' 四至 may name
 * different features for their common side (潘泾路 / the 潘泾 river), or a
 * bridged gap of one may cut a corner of the other, so the compiled polygons
 * can overlap a little. Such an overlap (at most 1 % of the smaller parcel) is
 * given to the parcel whose boundary there is better measured: the length-
 * weighted error_m of its boundary pieces inside the overlap is the smaller.
 * Nothing here looks at the official areas. */
#include <math.h>
#include <stdlib.h>

#include "overlap.h"

/* Length-weighted error of the pieces that lie in `zone` (EPSG:4549), and the
 * text of the longest of them. NAN when none does. */
static park_status zone_error(park_ctx *ctx, const park_bpiece *v, size_t n, const GEOSGeometry *zone, double *err,
                              const char **label) {
    GEOSContextHandle_t g = ctx->geos;
    double sum = 0, len = 0, best = 0;
    *label = "";
    for (size_t i = 0; i < n; i++) {
        if (!GEOSIntersects_r(g, v[i].g, zone)) continue;
        GEOSGeometry *x = GEOSIntersection_r(g, v[i].g, zone);
        if (!x) return park_geos_fail(ctx, "boundary piece in an overlap");
        double l = 0;
        GEOSLength_r(g, x, &l);
        GEOSGeom_destroy_r(g, x);
        sum += l * v[i].err_m, len += l;
        if (l > best) best = l, *label = v[i].label;
    }
    *err = len > 0 ? sum / len : NAN;
    return PARK_OK;
}

park_status park_overlap_settle(park_ctx *ctx, GEOSGeometry **a, const park_bpiece *pa, size_t na, GEOSGeometry **b,
                                const park_bpiece *pb, size_t nb, park_overlap *out) {
    GEOSContextHandle_t g = ctx->geos;
    *out = (park_overlap){0, 0, NAN, NAN, 0, 0, {NAN, NAN}, {"", ""}};
    if (!GEOSIntersects_r(g, *a, *b)) return PARK_OK;
    char rel = GEOSRelatePattern_r(g, *a, *b, "2********");
    if (rel == 2) return park_geos_fail(ctx, "overlap test");
    if (rel != 1) return PARK_OK;
    GEOSGeometry *x = GEOSIntersection_r(g, *a, *b);
    if (!x) return park_geos_fail(ctx, "overlap of compiled parcels");
    double aa = 0, ab = 0;
    park_status st = park_area_geodesic(ctx, x, &out->m2);
    if (!st) st = park_area_geodesic(ctx, *a, &aa);
    if (!st) st = park_area_geodesic(ctx, *b, &ab);
    GEOSGeometry *pp = st ? NULL : GEOSPointOnSurface_r(g, x);
    if (pp) GEOSGeomGetX_r(g, pp, &out->x), GEOSGeomGetY_r(g, pp, &out->y), GEOSGeom_destroy_r(g, pp);
    double smaller = fmin(aa, ab);
    out->share = smaller > 0 ? out->m2 / smaller : INFINITY;
    if (st || out->share > PARK_OVERLAP_MAX_SHARE) {
        GEOSGeom_destroy_r(g, x);
        return st;
    }
    /* the boundary pieces that draw the overlap: those within 1 m of it */
    GEOSGeometry *xw = NULL;
    st = park_transform(ctx, x, "EPSG:4490", PARK_WORK_CRS, &xw);
    GEOSGeom_destroy_r(g, x);
    if (st) return st;
    GEOSGeometry *zone = GEOSBuffer_r(g, xw, 1.0, 8);
    GEOSGeom_destroy_r(g, xw);
    if (!zone) return park_geos_fail(ctx, "overlap zone");
    st = zone_error(ctx, pa, na, zone, &out->err[0], &out->label[0]);
    if (!st) st = zone_error(ctx, pb, nb, zone, &out->err[1], &out->label[1]);
    GEOSGeom_destroy_r(g, zone);
    if (st) return st;
    /* b wins only with an error smaller by more than 0.5 m; a NAN (no piece there) never wins */
    double ea = out->err[0], eb = out->err[1];
    out->winner = (isnan(ea) && !isnan(eb)) || (!isnan(ea) && !isnan(eb) && eb < ea - 0.5);
    GEOSGeometry **w = out->winner ? b : a, **l = out->winner ? a : b;
    GEOSGeometry *d = GEOSDifferencePrec_r(g, *l, *w, 1e-7);
    if (!d) return park_geos_fail(ctx, "cutting an overlap");
    d = park_compile_as_multi(g, d);
    if (d && GEOSisValid_r(g, d) != 1) {
        GEOSGeometry *mv = GEOSMakeValid_r(g, d);
        if (mv) GEOSGeom_destroy_r(g, d), d = park_compile_as_multi(g, mv);
    }
    if (!d) return park_geos_fail(ctx, "cutting an overlap");
    GEOSNormalize_r(g, d);
    GEOSGeom_destroy_r(g, *l);
    *l = d;
    out->resolved = 1;
    return PARK_OK;
}
