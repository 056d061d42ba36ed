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
    out->lon = out->lat = out->distance_m = out->error_m = NAN;
    out->point_from = "";
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

/* The located point's sentence, from the answer's fields alone (so the point memo,
 * point_memo.c, writes the same bytes as a fresh answer). */
void park_ar_located_text(park_buf *why, const park_resolution *out) {
    if (out->inside)
        park_buf_printf(why, "the point (%.6f, %.6f WGS84) is inside %s, %.0f m from its boundary", out->lon, out->lat,
                        out->parcel->name, out->distance_m);
    else {
        park_buf_printf(why, "the point (%.6f, %.6f WGS84) is outside every parcel", out->lon, out->lat);
        if (out->nearest) park_buf_printf(why, "; the nearest is %s, %.0f m away", out->nearest->name, out->distance_m);
    }
}

/* measure: the geodesic distance_m (NAN otherwise; the note states it, so why != NULL
 * measures) */
static park_status answer_point(park_resolver *r, double lon, double lat, park_datum datum, bool measure,
                                park_resolution *out, park_buf *why) {
    park_locate_result lr;
    park_status st = park_query_locate_lonlat(r->ctx, r->layer, lon, lat, datum, measure || why, &lr);
    if (st) return st;
    out->has_point = 1, out->lon = lr.wgs84_lon, out->lat = lr.wgs84_lat;
    out->inside = lr.inside, out->parcel = lr.parcel, out->distance_m = lr.distance_m;
    out->nearest = lr.inside ? NULL : lr.nearest;
    park_ar_cand_push(&out->candidates, &out->ncandidates, lr.inside ? lr.parcel : NULL, lr.inside ? "inside" : "outside", 1, NAN);
    if (why) park_ar_located_text(why, out); /* NULL: no note wanted (park_resolver_set_point_fields) */
    return PARK_OK;
}

park_status park_ar_answer_point(park_resolver *r, double lon, double lat, park_datum datum, park_resolution *out,
                                park_buf *why) {
    return answer_point(r, lon, lat, datum, true, out, why);
}

static park_status point_answer(park_resolver *r, double x, double y, const double *lonlat, double sigma_m, bool measure,
                                park_resolution *out, park_buf *why, park_ar_model *model);

park_status park_ar_resolve_point(park_ctx *ctx, park_resolver *r, double lon, double lat, park_datum datum,
                                  unsigned fields, park_resolution *out) {
    park_ar_res_init(out);
    double wlon, wlat;
    park_status st = park_datum_to_wgs84(ctx, datum, lon, lat, &wlon, &wlat);
    if (st) return st;
    out->match = PARK_MATCH_EXACT;
    out->confidence = 1.0;
    /* exact coordinates (or a datum conversion's error), but the parcel edges are not
     * exact: the probability of each side, the model of coordinates and addresses alike.
     * The point is located once (given coordinates are located as given; issue 11: this
     * located every row twice); the note is where it is, the district and the datum's
     * error, then the model. */
    bool note = fields & PARK_POINT_NOTE, measure = fields & PARK_POINT_DISTANCE;
    double x = wlon, y = wlat, se = park_datum_error_m(datum);
    const double ll[2] = {wlon, wlat};
    park_buf why;
    park_buf_init(&why);
    park_ar_model m;
    if ((st = park_query_to_metric(ctx, r->ix, &x, &y)) == PARK_OK) st = point_answer(r, x, y, ll, se, measure, out, note ? &why : NULL, &m);
    if (st) {
        park_buf_free(&why);
        return st;
    }
    out->point_from = "coordinates";
    if (!note) return PARK_OK; /* and no 宝山区 test: it only feeds the note */
    int bi = park_ar_admin_find(r, "宝山区");
    if (bi >= 0) {
        double d = 0;
        GEOSContextHandle_t g = ctx->geos;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
        if (!r->baoshan_prep) r->baoshan_prep = GEOSPrepare_r(g, r->admin_m[bi]);
        /* most points are in the district: the prepared test spares the distance */
        if (pt && r->baoshan_prep && GEOSPreparedContains_r(g, r->baoshan_prep, pt) == 0 &&
            GEOSPreparedDistance_r(g, r->baoshan_prep, pt, &d) && d > ADMIN_TOL_M)
            park_buf_printf(&why, "; the point is outside 宝山区 (%.1f km from its boundary)", d / 1000);
        if (pt) GEOSGeom_destroy_r(g, pt);
    }
    if (se > 0)
        park_buf_printf(&why, "; the %s -> WGS84 conversion is taken as ±%.0f m (the data README's 17 m median on 290 metro "
                              "stations, which holds geocoder offsets too: an upper bound)",
                        datum == PARK_DATUM_GCJ02 ? "GCJ-02" : "BD-09", se);
    park_ar_model_text(&why, out, &m);
    park_ar_set_note(out, &why);
    return PARK_OK;
}

park_status park_address_resolve_point(park_ctx *ctx, park_resolver *r, double lon, double lat, park_datum datum,
                                       park_resolution *out) {
    return park_ar_resolve_point(ctx, r, lon, lat, datum, PARK_POINT_ALL & ~r->point_off, out);
}

void park_resolver_set_point_fields(park_resolver *r, unsigned fields) {
    if (r) r->point_off = PARK_POINT_ALL & ~fields;
}

void park_ar_copy_road(park_resolution *out, const road_info *ri) {
    out->match = ri->match, out->confidence = ri->confidence, out->inside = ri->inside;
    out->parcel = ri->parcel, out->nearest = ri->nearest, out->distance_m = ri->distance_m;
    out->feature = ri->first;
    out->candidates = malloc((ri->ncand ? ri->ncand : 1) * sizeof *out->candidates);
    if (out->candidates) {
        if (ri->ncand) memcpy(out->candidates, ri->cand, ri->ncand * sizeof *ri->cand);
        out->ncandidates = ri->ncand;
    }
}

/* ------------------------------------------------------------------ certainty (issue 10) */

/* The model is src/query/certainty.c's (park_query_probabilities), the same for
 * coordinates: a Gaussian of the point's error s, each parcel edge's own error_m e,
 * Phi(+-d / sqrt(s^2 + e^2)) on each side of the nearest edge. */
static park_status point_answer(park_resolver *r, double x, double y, const double *lonlat, double sigma_m, bool measure,
                                park_resolution *out, park_buf *why, park_ar_model *model) {
    park_ctx *ctx = r->ctx;
    double lon = x, lat = y;
    park_status st = PARK_OK;
    /* given coordinates are located as given: the metric round trip may move a point lying
     * within rounding of an edge to its other side (2 of 10 M random points did) */
    if (lonlat) lon = lonlat[0], lat = lonlat[1];
    else if ((st = park_query_to_lonlat(ctx, r->ix, &lon, &lat))) return st;
    free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
    if ((st = answer_point(r, lon, lat, PARK_DATUM_WGS84, measure, out, why))) return st;
    free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
    out->error_m = sigma_m;
    size_t n = park_layer_count(r->layer);
    /* a park's few parcels on the stack, a large layer from the heap (issue 11: two
     * callocs a row) */
    enum { STACK_PARCELS = 64 };
    double p_stack[STACK_PARCELS + 1];
    signed char in_stack[STACK_PARCELS + 1];
    bool heap = n > STACK_PARCELS;
    double *p = heap ? calloc(n + 1, sizeof *p) : p_stack;
    signed char *in = heap ? calloc(n + 1, 1) : in_stack;
    if (!p || !in) {
        if (heap) free(p), free(in);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    int unverified = 0;
    if ((st = park_query_probabilities(ctx, r->ix, r->layer, x, y, sigma_m, p, in, &unverified))) {
        if (heap) free(p), free(in);
        return st;
    }
    long inside_i = -1;
    double e_in = NAN;
    for (size_t i = 0; i < n; i++) {
        /* on a shared edge both contain it: the parcel locate reports is the one named */
        if (in[i] && (inside_i < 0 || park_layer_get(r->layer, i) == out->parcel)) inside_i = (long)i, e_in = r->perr[i];
    }
    if (heap) free(in);
    if (inside_i >= 0 && !isfinite(e_in)) e_in = PARK_EDGE_ERROR_UNSTATED_M;
    size_t nc = 0;
    for (size_t i = 0; i <= n; i++) nc += !(p[i] < 0.005);
    out->candidates = malloc((nc ? nc : 1) * sizeof *out->candidates); /* the exact size: no realloc a candidate */
    for (size_t i = 0; out->candidates && i <= n; i++) {
        if (p[i] < 0.005) continue;
        const park_parcel *pp = i < n ? park_layer_get(r->layer, i) : NULL;
        out->candidates[out->ncandidates++] =
            (park_candidate){pp, !pp ? "outside" : (long)i == inside_i ? "inside" : "boundary", p[i], NAN};
    }
    qsort(out->candidates, out->ncandidates, sizeof *out->candidates, park_ar_cand_cmp);
    out->confidence = inside_i >= 0 ? p[inside_i] : p[n];
    if (heap) free(p);
    *model = (park_ar_model){inside_i >= 0 ? park_layer_get(r->layer, (size_t)inside_i) : NULL, e_in, unverified};
    return PARK_OK;
}

void park_ar_model_text(park_buf *why, const park_resolution *out, const park_ar_model *m) {
    park_buf_printf(why, "; probability %.2f that it is %s%s%s: the point's ±%.0f m", out->confidence, m->in ? "in " : "",
                    m->in ? m->in->name : "outside every parcel", "", out->error_m);
    if (m->in) park_buf_printf(why, " and the parcel edge's ±%.0f m%s", m->e_in, m->unverified ? " (edge error not stated: assumed, unverified)" : "");
    else park_buf_append(why, " and the parcel edges' own errors");
    park_buf_append(why, " (Gaussian, mass on each side of the nearest edge)");
}

park_status park_ar_point_answer(park_resolver *r, double x, double y, const double *lonlat, double sigma_m,
                                 park_resolution *out, park_buf *why) {
    /* the answer at a metric point is a function of (x, y, sigma_m) alone: remembered
     * (point_memo.c); given coordinates (lonlat) are not */
    if (!lonlat && park_ar_pmemo_get(r, x, y, sigma_m, out, why)) return PARK_OK;
    park_ar_model m;
    park_status st = point_answer(r, x, y, lonlat, sigma_m, true, out, why, &m);
    if (st) return st;
    if (why) park_ar_model_text(why, out, &m); /* NULL: no note wanted */
    if (!lonlat) park_ar_pmemo_put(r, x, y, sigma_m, out, &m);
    return PARK_OK;
}
