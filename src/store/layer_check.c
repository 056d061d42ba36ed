/* layer_check.c - validity on reading, for the commands that measure or
 * export (issue 12, item 6). `validate` lists every problem; area, export and
 * render refuse the first invalid parcel instead of printing a wrong number. */
#include <math.h>

#include "../internal.h"
#include "store.h"

park_status park_layer_check_valid(park_ctx *ctx, const park_layer *l) {
    size_t n = park_layer_count(l);
    for (size_t i = 0; i < n; i++) {
        const park_parcel *p = park_layer_get(l, i);
        char *reason = NULL;
        GEOSGeometry *loc = NULL;
        char ok = GEOSisValidDetail_r(ctx->geos, p->geom, 0, &reason, &loc);
        park_status st = PARK_OK;
        if (ok == 0) {
            double x = NAN, y = NAN;
            if (loc) GEOSGeomGetX_r(ctx->geos, loc, &x), GEOSGeomGetY_r(ctx->geos, loc, &y);
            st = park_error(ctx, PARK_ERR_INPUT,
                            "%s: feature %ld (id '%s') is not a valid polygon: %s at (%.7f, %.7f) (GEOS); its area would be wrong. "
                            "'parkgis validate' lists every problem; fix it in QGIS (Vector > Geometry Tools > Fix Geometries)",
                            park_layer_path(l), p->source_fid, p->id, reason ? reason : "unknown reason", x, y);
        } else if (ok == 2)
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s'): GEOS could not check validity: %s", park_layer_path(l),
                            p->source_fid, p->id, ctx->geos_msg);
        if (reason) GEOSFree_r(ctx->geos, reason);
        if (loc) GEOSGeom_destroy_r(ctx->geos, loc);
        if (st) return st;
    }
    return PARK_OK;
}
