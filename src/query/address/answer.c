/* answer.c - answers with a point, candidates (issue 5; split out in issue 10). */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

const char *park_ar_pname(const park_parcel *p) { return p ? p->name : "outside the park"; }

int park_ar_cand_cmp(const void *a, const void *b) {
    const park_candidate *x = a, *y = b;
    if (x->share != y->share) return x->share > y->share ? -1 : 1;
    if (!x->parcel != !y->parcel) return x->parcel ? -1 : 1; /* parcels before "outside" */
    return 0;
}

void park_ar_cand_push(park_candidate **c, size_t *n, const park_parcel *p, const char *role, double share, double len) {
    park_candidate *t = realloc(*c, (*n + 1) * sizeof *t);
    if (!t) return;
    *c = t;
    t[*n] = (park_candidate){p, role, share, len};
    (*n)++;
}

/* ------------------------------------------------------------------ answers */

void park_ar_res_init(park_resolution *out) {
    memset(out, 0, sizeof *out);
    out->lon = out->lat = out->distance_m = NAN;
}

void park_ar_set_note(park_resolution *out, park_buf *b) {
    free(out->note);
    out->note = park_buf_take(b);
}

/* A point within `tol` of parcel edges: every side it could be on becomes a
 * candidate (equal shares), "outside" too when the circle of radius tol around
 * it is not wholly within the park. */
void park_ar_edge_candidates(park_resolver *r, park_resolution *out, double tol) {
    GEOSContextHandle_t g = r->ctx->geos;
    double x = out->lon, y = out->lat;
    if (park_query_to_metric(r->ctx, r->ix, &x, &y)) return;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
    GEOSGeometry *circle = pt ? GEOSBuffer_r(g, pt, tol, 8) : NULL;
    size_t n = park_layer_count(r->layer), k = 0;
    const park_parcel **near = calloc(n + 1, sizeof *near);
    for (size_t i = 0; near && circle && i < n; i++)
        if (GEOSPreparedIntersects_r(g, r->ix->prep_m[i], circle) == 1) near[k++] = park_layer_get(r->layer, i);
    bool outside = circle && GEOSCovers_r(g, r->parcels_all, circle) != 1;
    if (near && k + outside > 1) {
        free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
        for (size_t i = 0; i < k; i++)
            park_ar_cand_push(&out->candidates, &out->ncandidates, near[i], "boundary", 1.0 / (double)(k + outside), NAN);
        if (outside) park_ar_cand_push(&out->candidates, &out->ncandidates, NULL, "outside", 1.0 / (double)(k + outside), NAN);
    }
    free(near);
    if (circle) GEOSGeom_destroy_r(g, circle);
    if (pt) GEOSGeom_destroy_r(g, pt);
}

park_status park_ar_answer_point(park_resolver *r, double lon, double lat, park_datum datum, park_resolution *out,
                                park_buf *why) {
    park_locate_result lr;
    park_status st = park_locate_lonlat(r->ctx, r->layer, lon, lat, datum, &lr);
    if (st) return st;
    out->has_point = 1, out->lon = lr.wgs84_lon, out->lat = lr.wgs84_lat;
    out->inside = lr.inside, out->parcel = lr.parcel, out->distance_m = lr.distance_m;
    out->nearest = lr.inside ? NULL : lr.nearest;
    if (lr.inside) {
        park_ar_cand_push(&out->candidates, &out->ncandidates, lr.parcel, "inside", 1, NAN);
        park_buf_printf(why, "the point (%.6f, %.6f WGS84) is inside %s, %.0f m from its boundary", lr.wgs84_lon, lr.wgs84_lat,
                        lr.parcel->name, lr.distance_m);
    } else {
        park_ar_cand_push(&out->candidates, &out->ncandidates, NULL, "outside", 1, NAN);
        park_buf_printf(why, "the point (%.6f, %.6f WGS84) is outside every parcel", lr.wgs84_lon, lr.wgs84_lat);
        if (lr.nearest) park_buf_printf(why, "; the nearest is %s, %.0f m away", lr.nearest->name, lr.distance_m);
    }
    return PARK_OK;
}

park_status park_address_resolve_point(park_ctx *ctx, park_resolver *r, double lon, double lat, park_datum datum,
                                       park_resolution *out) {
    park_ar_res_init(out);
    park_buf why;
    park_buf_init(&why);
    park_status st = park_ar_answer_point(r, lon, lat, datum, out, &why);
    if (st) {
        park_buf_free(&why);
        return st;
    }
    out->match = PARK_MATCH_EXACT;
    out->confidence = 1.0;
    int bi = park_ar_admin_find(r, "宝山区");
    if (bi >= 0) {
        double x = out->lon, y = out->lat, d = 0;
        GEOSContextHandle_t g = ctx->geos;
        if (park_query_to_metric(ctx, r->ix, &x, &y) == PARK_OK) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
            if (!r->baoshan_prep) r->baoshan_prep = GEOSPrepare_r(g, r->admin_m[bi]);
            /* most points are in the district: the prepared test spares the distance */
            if (pt && r->baoshan_prep && GEOSPreparedContains_r(g, r->baoshan_prep, pt) == 0 &&
                GEOSPreparedDistance_r(g, r->baoshan_prep, pt, &d) && d > ADMIN_TOL_M)
                park_buf_printf(&why, "; the point is outside 宝山区 (%.1f km from its boundary)", d / 1000);
            if (pt) GEOSGeom_destroy_r(g, pt);
        }
    }
    /* exact coordinates, but the parcel edge itself is not exact: say so near it */
    if (out->distance_m < BOUNDARY_TOL_M) {
        out->confidence = 0.7;
        park_ar_edge_candidates(r, out, BOUNDARY_TOL_M);
        park_buf_printf(&why, "; within %.0f m of a parcel edge, closer than the edges' own uncertainty", BOUNDARY_TOL_M);
    }
    park_ar_set_note(out, &why);
    return PARK_OK;
}

void park_ar_copy_road(park_resolution *out, const road_info *ri) {
    out->match = ri->match, out->confidence = ri->confidence, out->inside = ri->inside;
    out->parcel = ri->parcel, out->nearest = ri->nearest, out->distance_m = ri->distance_m;
    out->feature = ri->first;
    out->candidates = malloc((ri->ncand ? ri->ncand : 1) * sizeof *out->candidates);
    if (out->candidates) {
        memcpy(out->candidates, ri->cand, ri->ncand * sizeof *ri->cand);
        out->ncandidates = ri->ncand;
    }
}
