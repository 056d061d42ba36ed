/* geom.c - small GEOS conveniences shared by all modules. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

char *park_geom_wkt(park_ctx *ctx, const GEOSGeometry *g, int precision) {
    GEOSWKTWriter *w = GEOSWKTWriter_create_r(ctx->geos);
    GEOSWKTWriter_setTrim_r(ctx->geos, w, 1);
    GEOSWKTWriter_setRoundingPrecision_r(ctx->geos, w, precision);
    char *s = GEOSWKTWriter_write_r(ctx->geos, w, g);
    GEOSWKTWriter_destroy_r(ctx->geos, w);
    if (!s) return NULL;
    char *r = park_strdup(s);
    GEOSFree_r(ctx->geos, s);
    return r;
}

GEOSGeometry *park_geom_from_wkt(park_ctx *ctx, const char *wkt) {
    GEOSWKTReader *r = GEOSWKTReader_create_r(ctx->geos);
    GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, r, wkt);
    GEOSWKTReader_destroy_r(ctx->geos, r);
    return g;
}

bool park_geom_within(park_ctx *ctx, const GEOSGeometry *g, double xmax, double ymax) {
    GEOSContextHandle_t h = ctx->geos;
    if (!g) return true;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (!park_geom_within(ctx, GEOSGetExteriorRing_r(h, g), xmax, ymax)) return false;
        for (int i = 0, n = GEOSGetNumInteriorRings_r(h, g); i < n; i++)
            if (!park_geom_within(ctx, GEOSGetInteriorRingN_r(h, g, i), xmax, ymax)) return false;
        return true;
    }
    if (t == GEOS_POINT || t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
        unsigned n = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n)) return true;
        for (unsigned i = 0; i < n; i++) {
            double x, y;
            if (GEOSCoordSeq_getXY_r(h, cs, i, &x, &y) && !(fabs(x) <= xmax && fabs(y) <= ymax)) return false;
        }
        return true;
    }
    for (int i = 0, n = GEOSGetNumGeometries_r(h, g); i < n; i++) /* multi-geometries and collections */
        if (!park_geom_within(ctx, GEOSGetGeometryN_r(h, g, i), xmax, ymax)) return false;
    return true;
}
