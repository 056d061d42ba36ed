/* geom.c - small GEOS conveniences shared by all modules. */
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
