/* locate.c - point-in-parcel, plus the per-layer query cache (query.h) that
 * adjacency and validate share.
 *
 * A point is first matched against an STRtree of parcel envelopes (lon/lat),
 * then the few candidates are tested with prepared geometries; when no parcel
 * covers it, the metric STRtree's nearest-neighbour search finds the closest
 * parcel. Distances are geodesic (see query.h). The nearest parcel is chosen
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

    park_status st = PARK_OK;
    for (size_t i = 0; i < n && st == PARK_OK; i++) {
        const park_parcel *p = park_layer_get(layer, i);
        ix->items[i] = i;
        char valid = GEOSisValid_r(ctx->geos, p->geom);
        if (valid == 1) {
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
        if ((st = park_transform(ctx, ix->fixed[i], "EPSG:4490", ix->metric_crs, &ix->metric[i]))) break;
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
    if (st != PARK_OK) {
        index_free(ix);
        return st;
    }
    park_layer_index_set(layer, ix, index_free);
    *out = ix;
    return PARK_OK;
}

park_status park_query_to_lonlat(park_ctx *ctx, const park_layer_index *ix, double *x, double *y) {
    return park_transform_xy(ctx, ix->metric_crs, "EPSG:4490", x, y);
}

park_status park_query_to_metric(park_ctx *ctx, const park_layer_index *ix, double *x, double *y) {
    return park_transform_xy(ctx, "EPSG:4490", ix->metric_crs, x, y);
}

/* Measures the two nearest points (metric plane) on the ellipsoid. */
static park_status measure_pair(park_ctx *ctx, const park_layer_index *ix, GEOSCoordSequence *cs, double *m) {
    *m = NAN;
    if (!cs) return park_geos_fail(ctx, "nearest points");
    double x1, y1, x2, y2;
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 0, &x1, &y1);
    GEOSCoordSeq_getXY_r(ctx->geos, cs, 1, &x2, &y2);
    GEOSCoordSeq_destroy_r(ctx->geos, cs);
    if (x1 == x2 && y1 == y2) {
        *m = 0;
        return PARK_OK;
    }
    park_status st;
    if ((st = park_query_to_lonlat(ctx, ix, &x1, &y1)) || (st = park_query_to_lonlat(ctx, ix, &x2, &y2))) return st;
    *m = park_geodesic_distance(ctx, x1, y1, x2, y2);
    return PARK_OK;
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

static park_status locate_wgs84(park_ctx *ctx, const park_layer *layer, double lon, double lat,
                                park_locate_result *out) {
    park_layer_index *ix;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st) return st;
    out->wgs84_lon = lon, out->wgs84_lat = lat;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(ctx->geos, lon, lat);
    double mx = lon, my = lat;
    if ((st = park_query_to_metric(ctx, ix, &mx, &my))) {
        GEOSGeom_destroy_r(ctx->geos, pt);
        return st;
    }
    GEOSGeometry *mpt = GEOSGeom_createPointFromXY_r(ctx->geos, mx, my);
    hit_state hs = {ctx, ix, pt, (size_t)-1, 0, 0};
    GEOSSTRtree_query_r(ctx->geos, ix->tree_ll, pt, hit_cb, &hs);
    if (hs.failed) {
        st = park_geos_fail(ctx, "point-in-parcel test");
        goto done;
    }
    out->ncontaining = hs.count;
    if (hs.count) {
        out->inside = 1;
        out->index = hs.best;
        out->parcel = out->nearest = park_layer_get(layer, hs.best);
        out->nearest_distance_m = 0;
        /* inside: how far to the edge (holes count as edges) */
        st = park_query_distance_prep(ctx, ix, ix->prep_mb[hs.best], mpt, &out->distance_m);
        goto done;
    }
    out->inside = 0;
    out->parcel = NULL;
    if (ix->nindexed == 0) goto done; /* no parcel has any area: nothing is nearest */
    size_t q = QUERY_ITEM;
    near_state ns = {ctx, ix, mpt, 0};
    const void *it = GEOSSTRtree_nearest_generic_r(ctx->geos, ix->tree_m, &q, mpt, near_cb, &ns);
    if (!it || ns.failed) {
        st = park_geos_fail(ctx, "nearest parcel search");
        goto done;
    }
    size_t i = *(const size_t *)it;
    out->index = i;
    out->nearest = park_layer_get(layer, i);
    st = park_query_distance_prep(ctx, ix, ix->prep_m[i], mpt, &out->distance_m);
    out->nearest_distance_m = out->distance_m;
done:
    GEOSGeom_destroy_r(ctx->geos, pt);
    GEOSGeom_destroy_r(ctx->geos, mpt);
    return st;
}

static void result_init(park_locate_result *out) {
    memset(out, 0, sizeof *out);
    out->wgs84_lon = out->wgs84_lat = out->distance_m = out->nearest_distance_m = NAN;
    out->index = (size_t)-1;
}

park_status park_locate_lonlat(park_ctx *ctx, const park_layer *layer, double lon, double lat, park_datum datum,
                               park_locate_result *out) {
    result_init(out);
    double wlon, wlat;
    park_status st = park_datum_to_wgs84(ctx, datum, lon, lat, &wlon, &wlat);
    if (st) return st;
    return locate_wgs84(ctx, layer, wlon, wlat, out);
}

park_status park_xy_to_lonlat(park_ctx *ctx, const char *crs, double x, double y, double *lon, double *lat) {
    if (!isfinite(x) || !isfinite(y))
        return park_error(ctx, PARK_ERR_USAGE, "coordinate (%g, %g) is not a finite number (expected X Y in the units of %s)", x,
                          y, crs);
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
    double lon, lat;
    park_status st = park_xy_to_lonlat(ctx, crs, x, y, &lon, &lat);
    if (st) return st;
    return locate_wgs84(ctx, layer, lon, lat, out);
}
