/* diff_layer.c - `--diff-layer OUT.gpkg`: the gained and lost pieces of every
 * parcel as one GeoPackage layer to look at in QGIS. Written to a temporary
 * GeoPackage beside the target and renamed into place, so a failure never
 * leaves a half-written file where a good one was. */
#include <errno.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../export/export_internal.h"

static OGRGeometryH to_ogr(park_ctx *ctx, const GEOSGeometry *g) {
    size_t sz = 0;
    unsigned char *wkb = GEOSGeomToWKB_buf_r(ctx->geos, g, &sz);
    if (!wkb) return NULL;
    OGRGeometryH og = NULL;
    OGRErr e = OGR_G_CreateFromWkb(wkb, NULL, &og, (int)sz);
    GEOSFree_r(ctx->geos, wkb);
    if (e != OGRERR_NONE) return NULL;
    return OGR_G_ForceToMultiPolygon(og);
}

static park_status write_piece(park_ctx *ctx, OGRLayerH lyr, const park_area_change *c, const char *kind,
                               const GEOSGeometry *g, double m2, const char *path) {
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
    OGR_F_SetFieldString(f, 0, c->id);
    OGR_F_SetFieldString(f, 1, c->name);
    OGR_F_SetFieldString(f, 2, kind);
    OGR_F_SetFieldDouble(f, 3, m2);
    /* mean width 2·area/perimeter: a piece narrower than the boundary's error
     * may be no real change (nor is one whose boundary error is unknown) */
    double per = park_perimeter_geodesic(ctx, g), width = per > 0 ? 2 * m2 / per : 0;
    OGR_F_SetFieldDouble(f, 4, width);
    OGR_F_SetFieldInteger(f, 5, isnan(c->error_m) || width < c->error_m);
    OGR_F_SetFieldString(f, 6, c->provenance);
    OGRGeometryH og = to_ogr(ctx, g);
    park_status st = PARK_OK;
    if (!og) st = park_error(ctx, PARK_ERR_INTERNAL, "%s: cannot convert the %s piece of '%s' to OGR", path, kind, c->id);
    else {
        OGR_F_SetGeometryDirectly(f, og);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot write a feature: %s", path, CPLGetLastErrorMsg());
    }
    OGR_F_Destroy(f);
    return st;
}

park_status park_recompute_write_diff(park_ctx *ctx, const park_recompute_report *r, const char *path, bool overwrite) {
    struct stat sb;
    if (!overwrite && stat(path, &sb) == 0)
        return park_error(ctx, PARK_ERR_OUTPUT, "%s: already exists (use --overwrite to replace it)", path);
    if (!r->computed)
        return park_error(ctx, PARK_ERR_CHECK, "%s: not written: the edited layer did not pass validation", path);
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) return park_error(ctx, PARK_ERR_INTERNAL, "GDAL has no GPKG driver");
    /* The temp name keeps the .gpkg extension (the driver expects it). */
    park_atomic out;
    park_status ast = park_atomic_begin(ctx, &out, path, PARK_ATOMIC_PATH, ".gpkg");
    if (ast) return ast;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALCreate(drv, out.tmp, 0, 0, 0, GDT_Unknown, NULL);
    CPLPopErrorHandler();
    if (!ds) {
        park_status st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create GeoPackage: %s", path, CPLGetLastErrorMsg());
        park_atomic_abort(&out);
        return st;
    }
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 4490);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    const char *lco[] = {"DESCRIPTION=parkgis recompute: area gained and lost per parcel (edited vs baseline)", NULL};
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "parcel_changes", srs, wkbMultiPolygon, (char **)lco);
    OSRDestroySpatialReference(srs);
    park_status st = PARK_OK;
    if (!lyr) st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create layer: %s", path, CPLGetLastErrorMsg());
    const char *names[] = {"parcel_id", "name", "kind", "area_m2", "width_m", "uncertain", "provenance"};
    const OGRFieldType types[] = {OFTString, OFTString, OFTString, OFTReal, OFTReal, OFTInteger, OFTString};
    for (int i = 0; i < 7 && !st; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types[i]);
        if (types[i] == OFTInteger) OGR_Fld_SetSubType(fd, OFSTBoolean);
        if (OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE)
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create field %s", path, names[i]);
        OGR_Fld_Destroy(fd);
    }
    if (!st && OGR_L_StartTransaction(lyr) != OGRERR_NONE)
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot start a transaction: %s", path, CPLGetLastErrorMsg());
    for (size_t i = 0; i < r->nparcels && !st; i++) {
        const park_area_change *c = &r->parcels[i];
        if (c->gained) st = write_piece(ctx, lyr, c, "gained", c->gained, c->gained_m2, path);
        if (!st && c->lost) st = write_piece(ctx, lyr, c, "lost", c->lost, c->lost_m2, path);
    }
    if (!st && OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot commit: %s", path, CPLGetLastErrorMsg());
    if (!st) {
        /* its QGIS style: gained green, lost red, hatched where uncertain */
        void *styles = NULL;
        char *qml = exp_diff_qml();
        st = exp_gpkg_styles_create(ctx, ds, path, &styles);
        if (!st) st = exp_gpkg_style_add(ctx, styles, "parcel_changes", OGR_L_GetGeometryColumn(lyr), qml, NULL,
                                         "parkgis recompute: gained (green) and lost (red), hatched where within the boundary error", path);
        free(qml);
    }
    /* GDAL 3.6's GDALClose returns nothing: a failure shows as a CPL error */
    CPLErrorReset();
    GDALClose(ds);
    if (!st && CPLGetLastErrorType() >= CE_Failure)
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot finish writing: %s", path, CPLGetLastErrorMsg());
    if (!st) st = park_atomic_commit(ctx, &out);
    else park_atomic_abort(&out);
    return st;
}
