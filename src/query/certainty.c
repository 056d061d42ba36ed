/* certainty.c - how likely a point with an error radius is in each parcel, given
 * that the parcel edges are uncertain too (issue 10). One model for coordinates
 * (`parkgis locate LON LAT`) and for every answer with a point (addresses, house
 * numbers, places: src/query/address/answer.c).
 *
 * The model. Where a place really is, is taken as an isotropic Gaussian around the
 * given point with the point's 1-sigma error s (per axis). Each parcel's edge is
 * itself uncertain by its own error_m e (the compiler's stated figure in the
 * parcel's provenance); the two are independent, so the position relative to that
 * edge is uncertain by sc = sqrt(s^2 + e^2). The probability of the parcel is the
 * Gaussian's mass on its side of the nearest edge (the edge taken as straight
 * there): Phi(d / sc) for a point d metres inside, Phi(-d / sc) for a point d metres
 * outside (under 1e-4: 0). The probabilities of all parcels are scaled down when
 * they add to more than 1 (near a shared edge both sides count); "outside the park"
 * gets the rest. A parcel that states no error_m is taken as +-30 m
 * (PARK_EDGE_ERROR_UNSTATED_M) and *unverified is set. */
#include <math.h>
#include <stdlib.h>

#include "query.h"

static double phi(double z) { return 0.5 * erfc(-z / M_SQRT2); }

park_status park_query_probabilities(park_ctx *ctx, const struct park_layer_index *ix, const park_layer *layer, double x, double y,
                                     double sigma_m, double *p, signed char *in, int *unverified) {
    GEOSContextHandle_t g = ctx->geos;
    size_t n = park_layer_count(layer);
    double sum = 0;
    int unv = 0;
    for (size_t i = 0; i <= n; i++) p[i] = 0;
    if (in)
        for (size_t i = 0; i < n; i++) in[i] = 0;
    struct park_layer_index *mix = (struct park_layer_index *)ix; /* the lazily built edge errors are its cache */
    if (!mix->edge_err_tried) {
        mix->edge_err_tried = 1;
        park_status st = park_edge_errors_bounds(ctx, layer, &mix->edge_err);
        if (st) return st;
    }
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
    if (!pt) return park_geos_fail(ctx, "making a point");
    for (size_t i = 0; i < n; i++) {
        const park_parcel *pp = park_layer_get(layer, i);
        double e = pp->has_error_m && isfinite(pp->error_m) ? pp->error_m : NAN;
        if (!isfinite(e)) e = PARK_EDGE_ERROR_UNSTATED_M, unv = 1;
        double emax = park_fmax(e, park_edge_error_max(ix->edge_err, i)); /* fmax ignores NAN */
        double sc, d = 0;
        if (ix->chunk0 && ix->env_m) {
            /* outside the parcel's metric envelope by more than 4.5 sc: it does not cover the
             * point and Phi(-d / sc) < 4e-6 is below the 1e-4 cut, so GEOS is not asked (issue 11) */
            const double *ev = ix->env_m + 4 * i;
            double e2 = park_env_dist2(ev[0], ev[1], ev[2], ev[3], x, y);
            /* most parcels are far: first against ub >= sc (hypot(s, e) <= |s| + |e|, and the
             * 1e-9 covers hypot's and this sum's rounding many times over), which skips them
             * without libm's hypot; a skip here is one the test with sc makes too */
            double ub = (fabs(sigma_m) + fabs(emax)) * (1 + 1e-9);
            if (e2 > 0 && e2 > 20.25 * ub * ub) continue;
            sc = hypot(sigma_m, emax);
            if (e2 > 0 && e2 > 20.25 * sc * sc) continue;
        } else sc = hypot(sigma_m, emax);
        char c = GEOSPreparedCovers_r(g, ix->prep_m[i], pt); /* on the edge: d = 0, half either way */
        /* the distance to its edges by the index's facets (GEOS's value; issue 11), else GEOS */
        if (isnan(d = park_query_edge_distance(ix, i, x, y)) && !GEOSPreparedDistance_r(g, ix->prep_mb[i], pt, &d)) continue;
        if (in) in[i] = c == 1;
        /* the error of the edge piece nearest the point (edge_error.c), else the parcel's;
         * beyond 4.5 sc of the edge either gives 0 or 1 to 4e-6, so the pieces are not built */
        if (sc > 0 && d < 4.5 * sc && isfinite(park_edge_error_max(ix->edge_err, i))) {
            park_status st = park_edge_errors_build(ctx, ix, layer, mix->edge_err);
            if (st) {
                GEOSGeom_destroy_r(g, pt);
                return st;
            }
            sc = hypot(sigma_m, park_edge_error_at(ix->edge_err, i, x, y, pt, d, e));
        } else sc = hypot(sigma_m, e);
        p[i] = sc > 0 ? phi((c == 1 ? d : -d) / sc) : (c == 1);
        if (p[i] < 1e-4) p[i] = 0;
        sum += p[i];
    }
    GEOSGeom_destroy_r(g, pt);
    if (sum > 1)
        for (size_t i = 0; i < n; i++) p[i] /= sum;
    p[n] = sum > 1 ? 0 : 1 - sum;
    if (unverified) *unverified = unv;
    return PARK_OK;
}

park_status park_locate_probability(park_ctx *ctx, const park_layer *layer, double lon, double lat, double sigma_m, double *p,
                                    int *unverified) {
    if (!(sigma_m >= 0) || !isfinite(sigma_m)) return park_error(ctx, PARK_ERR_USAGE, "point error %g m (expected a finite number >= 0)", sigma_m);
    struct park_layer_index *ix = NULL;
    park_status st = park_query_index(ctx, layer, &ix);
    double x = lon, y = lat;
    if (!st) st = park_query_to_metric(ctx, ix, &x, &y);
    if (!st) st = park_query_probabilities(ctx, ix, layer, x, y, sigma_m, p, NULL, unverified);
    return st;
}

park_status park_locate_edge_error(park_ctx *ctx, const park_layer *layer, double lon, double lat, size_t index, double *error_m) {
    struct park_layer_index *ix = NULL;
    park_status st = park_query_index(ctx, layer, &ix);
    double x = lon, y = lat;
    if (!st && index >= park_layer_count(layer)) st = park_error(ctx, PARK_ERR_USAGE, "parcel index %zu out of range", index);
    if (!st) st = park_query_to_metric(ctx, ix, &x, &y);
    if (st) return st;
    const park_parcel *pp = park_layer_get(layer, index);
    double e = pp->has_error_m && isfinite(pp->error_m) ? pp->error_m : PARK_EDGE_ERROR_UNSTATED_M;
    if (!ix->edge_err_tried) {
        ix->edge_err_tried = 1;
        if ((st = park_edge_errors_bounds(ctx, layer, &ix->edge_err))) return st;
    }
    *error_m = e;
    if (!isfinite(park_edge_error_max(ix->edge_err, index))) return PARK_OK;
    if ((st = park_edge_errors_build(ctx, ix, layer, ix->edge_err))) return st;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
    double d = 0;
    if (!pt || !GEOSPreparedDistance_r(ctx->geos, ix->prep_mb[index], pt, &d)) {
        if (pt) GEOSGeom_destroy_r(ctx->geos, pt);
        return park_geos_fail(ctx, "the distance to the edge");
    }
    *error_m = park_edge_error_at(ix->edge_err, index, x, y, pt, d, e);
    GEOSGeom_destroy_r(ctx->geos, pt);
    return PARK_OK;
}

double park_datum_error_m(park_datum datum) {
    /* The data README (../shared/data/README.md, address points) checked the
     * BD-09/GCJ-02 -> WGS84 conversion on 290 metro stations: 17 m median distance.
     * That figure also holds the geocoders' and the station nodes' own offsets, so it
     * bounds the conversion's error from above. Taken as a 2-D Gaussian's median
     * radius (1.1774 sigma): 1-sigma 14.4 m per axis. WGS84 and CGCS2000: 0 (they
     * differ by centimetres to decimetres here). */
    return datum == PARK_DATUM_GCJ02 || datum == PARK_DATUM_BD09 ? 17.0 / 1.1774 : 0;
}
