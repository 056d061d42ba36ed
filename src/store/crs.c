/* crs.c - everything PROJ: CRS transforms and geodesic measures on GRS80
 * (the CGCS2000 ellipsoid). */
#include <geodesic.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "store.h"

/* CGCS2000 uses GRS80: a = 6378137 m, 1/f = 298.257222101. */
#define GRS80_A 6378137.0
#define GRS80_F (1.0 / 298.257222101)

/* A small cache of transformations: creating one costs ~1 ms, and the CLI asks
 * for the same pair (EPSG:4490 -> EPSG:4549) once per parcel. Kept in a static
 * per-context table keyed by the PROJ context pointer. */
typedef struct pj_cache_entry {
    PJ_CONTEXT *owner;
    char *src, *dst;
    PJ *pj;
} pj_cache_entry;
#define PJ_CACHE 8
static _Thread_local pj_cache_entry cache[PJ_CACHE];
static _Thread_local int cache_next;

/* PROJ also accepts a bare object name and looks it up by approximate match
 * ("FOO" becomes Amersfoort), so a typo would silently pick some CRS. Only the
 * unambiguous forms are taken: AUTH:CODE or a URN, a PROJ string, WKT, PROJJSON. */
static bool crs_form_ok(const char *s) {
    return s && (strchr(s, ':') || s[0] == '+' || !strncmp(s, "proj=", 5) || strchr(s, '[') || s[0] == '{');
}

PJ *park_crs_pj_new(park_ctx *ctx, const char *src, const char *dst) {
    if (!crs_form_ok(src) || !crs_form_ok(dst)) return NULL;
    PJ *raw = proj_create_crs_to_crs(ctx->proj, src, dst, NULL);
    if (!raw) return NULL;
    /* lon/lat and x/y order regardless of the CRS's declared axis order */
    PJ *pj = proj_normalize_for_visualization(ctx->proj, raw);
    proj_destroy(raw);
    return pj;
}

static void crs_release(park_ctx *ctx);

bool park_crs_name_known(park_ctx *ctx, const char *name) {
    if (!name || !*name) return false;
    if (crs_form_ok(name)) {
        PJ *pj = proj_create(ctx->proj, name);
        bool crs = pj && proj_is_crs(pj);
        if (pj) proj_destroy(pj);
        if (crs) return true;
    }
    /* WGS84, WGS72, NAD27, NAD83, CRS84, CRS27, CRS83: what GDAL's GeoJSON reader takes by name */
    static const char *const wk[] = {"WGS84", "WGS72", "NAD27", "NAD83", "CRS84", "CRS27", "CRS83"};
    for (size_t i = 0; i < sizeof wk / sizeof wk[0]; i++)
        if (park_streq_ci(name, wk[i])) return true;
    return false;
}

static PJ *get_pj(park_ctx *ctx, const char *src, const char *dst) {
    /* a refused form never enters the cache: park_crs_pj_new returns NULL for it */
    for (int i = 0; i < PJ_CACHE; i++)
        if (cache[i].pj && cache[i].owner == ctx->proj && !strcmp(cache[i].src, src) && !strcmp(cache[i].dst, dst))
            return cache[i].pj;
    PJ *pj = park_crs_pj_new(ctx, src, dst);
    if (!pj) return NULL;
    park_ctx_on_free(ctx, crs_release);
    pj_cache_entry *e = &cache[cache_next];
    cache_next = (cache_next + 1) % PJ_CACHE;
    if (e->pj) proj_destroy(e->pj), free(e->src), free(e->dst);
    e->owner = ctx->proj, e->src = park_strdup(src), e->dst = park_strdup(dst), e->pj = pj;
    return pj;
}

/* Registered with park_ctx_on_free when the context first caches a PJ. */
static void crs_release(park_ctx *ctx) {
    PJ_CONTEXT *owner = ctx->proj;
    for (int i = 0; i < PJ_CACHE; i++)
        if (cache[i].pj && cache[i].owner == owner) {
            proj_destroy(cache[i].pj);
            free(cache[i].src), free(cache[i].dst);
            memset(&cache[i], 0, sizeof cache[i]);
        }
}

static park_status crs_error(park_ctx *ctx, const char *src, const char *dst) {
    const char *bad = !crs_form_ok(src) ? src : !crs_form_ok(dst) ? dst : NULL;
    if (bad)
        return park_error(ctx, PARK_ERR_USAGE, "unknown CRS '%.200s' (expected AUTH:CODE such as EPSG:4549 or EPSG:32651, a PROJ string or WKT)",
                          bad);
    int e = proj_context_errno(ctx->proj);
    return park_error(ctx, PARK_ERR_USAGE,
                      "cannot transform from %.200s to %.200s: %s (expected a CRS such as EPSG:4490, EPSG:4326 or EPSG:4549)",
                      src, dst, e ? proj_context_errno_string(ctx->proj, e) : "unknown CRS");
}

park_status park_transform_xy_pj(park_ctx *ctx, PJ *pj, const char *src, const char *dst, double *x, double *y) {
    PJ_COORD c = proj_coord(*x, *y, 0, 0);
    PJ_COORD r = proj_trans(pj, PJ_FWD, c);
    if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || r.xy.x == HUGE_VAL)
        return park_error(ctx, PARK_ERR_USAGE, "coordinate (%.8g, %.8g) cannot be transformed from %s to %s (outside the CRS's area of use?)",
                          *x, *y, src, dst);
    *x = r.xy.x, *y = r.xy.y;
    return PARK_OK;
}

park_status park_transform_xy(park_ctx *ctx, const char *src, const char *dst, double *x, double *y) {
    PJ *pj = get_pj(ctx, src, dst);
    if (!pj) return crs_error(ctx, src, dst);
    return park_transform_xy_pj(ctx, pj, src, dst, x, y);
}

typedef struct xf_state {
    PJ *pj;
    int failed;
} xf_state;

static int xf_cb(double *x, double *y, void *ud) {
    xf_state *s = ud;
    PJ_COORD r = proj_trans(s->pj, PJ_FWD, proj_coord(*x, *y, 0, 0));
    if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || r.xy.x == HUGE_VAL) {
        s->failed = 1;
        return 0;
    }
    *x = r.xy.x, *y = r.xy.y;
    return 1;
}

park_status park_transform(park_ctx *ctx, const GEOSGeometry *g, const char *src, const char *dst,
                           GEOSGeometry **out) {
    *out = NULL;
    if (!strcmp(src, dst)) {
        *out = GEOSGeom_clone_r(ctx->geos, g);
        return *out ? PARK_OK : park_geos_fail(ctx, "clone");
    }
    PJ *pj = get_pj(ctx, src, dst);
    if (!pj) return crs_error(ctx, src, dst);
    xf_state s = {pj, 0};
    *out = GEOSGeom_transformXY_r(ctx->geos, g, xf_cb, &s);
    if (!*out || s.failed) {
        if (*out) GEOSGeom_destroy_r(ctx->geos, *out), *out = NULL;
        return park_error(ctx, PARK_ERR_USAGE, "geometry cannot be transformed from %.200s to %.200s (coordinates outside the CRS's area of use?)", src, dst);
    }
    return PARK_OK;
}

/* ---- geodesic area: PROJ's geodesic.h (Karney), exact to ~1e-9 relative */

static park_status ring_area(park_ctx *ctx, const struct geod_geodesic *gd, const GEOSGeometry *ring, double *a) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n)) return park_geos_fail(ctx, "ring coordinates");
    struct geod_polygon poly;
    geod_polygon_init(&poly, 0);
    /* the closing vertex repeats the first: leave it out */
    for (unsigned i = 0; i + 1 < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y);
        if (y < -90 || y > 90) return park_error(ctx, PARK_ERR_INPUT, "latitude %.6f out of range: geometry is not lon/lat", y);
        geod_polygon_addpoint(gd, &poly, y, x);
    }
    double area = 0, perim = 0;
    geod_polygon_compute(gd, &poly, 0, 1, &area, &perim);
    *a = fabs(area);
    return PARK_OK;
}

park_status park_area_geodesic(park_ctx *ctx, const GEOSGeometry *g, double *m2) {
    struct geod_geodesic gd;
    geod_init(&gd, GRS80_A, GRS80_F);
    *m2 = 0;
    int ng = GEOSGetNumGeometries_r(ctx->geos, g);
    for (int i = 0; i < ng; i++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(ctx->geos, g, i);
        int t = GEOSGeomTypeId_r(ctx->geos, poly);
        if (t != GEOS_POLYGON) {
            if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
                double sub;
                park_status st = park_area_geodesic(ctx, poly, &sub);
                if (st) return st;
                *m2 += sub;
            }
            continue;
        }
        if (GEOSisEmpty_r(ctx->geos, poly)) continue;
        double a;
        park_status st = ring_area(ctx, &gd, GEOSGetExteriorRing_r(ctx->geos, poly), &a);
        if (st) return st;
        *m2 += a;
        int nh = GEOSGetNumInteriorRings_r(ctx->geos, poly);
        for (int h = 0; h < nh; h++) {
            st = ring_area(ctx, &gd, GEOSGetInteriorRingN_r(ctx->geos, poly, h), &a);
            if (st) return st;
            *m2 -= a;
        }
    }
    return PARK_OK;
}

/* ---- geodesic lengths: every segment by the inverse problem (geod_inverse) */

/* Adds the geodesic length of the segments of a LineString / LinearRing to *total
 * (segment by segment, so that the sum is the same whichever caller asks). */
static void seq_length_add(park_ctx *ctx, const GEOSGeometry *line, double *total) {
    const GEOSCoordSequence *cs = line ? GEOSGeom_getCoordSeq_r(ctx->geos, line) : NULL;
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n)) return;
    double px = 0, py = 0;
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y);
        if (i) *total += park_geodesic_distance(ctx, px, py, x, y);
        px = x, py = y;
    }
}

double park_perimeter_geodesic(park_ctx *ctx, const GEOSGeometry *g) {
    if (!g) return 0;
    int t = GEOSGeomTypeId_r(ctx->geos, g);
    if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        double s = 0;
        for (int i = 0; i < GEOSGetNumGeometries_r(ctx->geos, g); i++) s += park_perimeter_geodesic(ctx, GEOSGetGeometryN_r(ctx->geos, g, i));
        return s;
    }
    if (t != GEOS_POLYGON) return 0;
    double total = 0;
    int nh = GEOSGetNumInteriorRings_r(ctx->geos, g);
    for (int r = -1; r < nh; r++)
        seq_length_add(ctx, r < 0 ? GEOSGetExteriorRing_r(ctx->geos, g) : GEOSGetInteriorRingN_r(ctx->geos, g, r), &total);
    return total;
}

double park_length_geodesic(park_ctx *ctx, const GEOSGeometry *g) {
    if (!g || GEOSisEmpty_r(ctx->geos, g)) return 0;
    int t = GEOSGeomTypeId_r(ctx->geos, g);
    double total = 0;
    if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) seq_length_add(ctx, g, &total);
    else if (t == GEOS_MULTILINESTRING || t == GEOS_GEOMETRYCOLLECTION)
        for (int i = 0; i < GEOSGetNumGeometries_r(ctx->geos, g); i++) total += park_length_geodesic(ctx, GEOSGetGeometryN_r(ctx->geos, g, i));
    return total;
}

park_status park_area_planar(park_ctx *ctx, const GEOSGeometry *g, const char *crs, double *m2) {
    GEOSGeometry *p = NULL;
    park_status st = park_transform(ctx, g, "EPSG:4490", crs, &p);
    if (st) return st;
    PJ *c = proj_create(ctx->proj, crs);
    int geographic = 0;
    if (c) {
        PJ_TYPE t = proj_get_type(c);
        geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS || t == PJ_TYPE_GEOGRAPHIC_CRS;
        proj_destroy(c);
    }
    if (geographic) {
        GEOSGeom_destroy_r(ctx->geos, p);
        return park_error(ctx, PARK_ERR_USAGE, "%s is a geographic CRS: a planar area needs a projected CRS (e.g. EPSG:4549, CGCS2000 / 3-degree Gauss-Kruger CM 120E)", crs);
    }
    int ok = GEOSArea_r(ctx->geos, p, m2);
    GEOSGeom_destroy_r(ctx->geos, p);
    return ok ? PARK_OK : park_geos_fail(ctx, "area");
}

double park_geodesic_distance(park_ctx *ctx, double lon1, double lat1, double lon2, double lat2) {
    (void)ctx;
    /* geod_init costs about as much as the inverse problem itself (locate
     * measures one distance per point): set up once per thread. */
    static _Thread_local struct geod_geodesic gd;
    static _Thread_local bool gd_ready;
    if (!gd_ready) geod_init(&gd, GRS80_A, GRS80_F), gd_ready = true;
    double s12 = 0;
    geod_inverse(&gd, lat1, lon1, lat2, lon2, &s12, NULL, NULL);
    return s12;
}

int park_crs_zone_prefix_hint(const char *crs, double x, char *buf, size_t len) {
    int code = 0;
    if (!crs || (strncmp(crs, "EPSG:", 5) && strncmp(crs, "epsg:", 5))) return 0;
    code = atoi(crs + 5);
    /* zones 25..45: eastings 25,xxx,xxx..45,xxx,xxx; anything else (1e300 was
     * UB in the int conversion: fuzz_layer_features) is no hint */
    if (code < 4534 || code > 4554 || !(x >= 1e7 && x < 1e8)) return 0;
    int zone = code - 4534 + 25; /* CM 3·zone degrees east */
    if ((int)(x / 1e6) != zone) return 0;
    snprintf(buf, len, "EPSG:%d", code - 21); /* 4513 (zone 25) .. 4533 (zone 45) */
    return 1;
}
