/* export_ogr.c - GeoPackage, GeoJSON, KML and PostGIS through OGR.
 *
 * GeoPackage: all layers in one file plus QGIS's `layer_styles` table (the
 * schema QGIS 3.22 creates itself, an OGR attributes table), one default style per
 * layer, so QGIS applies the styles on open.
 * GeoJSON: one file per layer; RFC 7946 when the target is WGS84/CGCS2000.
 * KML: one file, one Folder per layer, <name> and a Chinese <description>,
 * feature colours as KML styles.
 * PostGIS: one table per layer in one transaction, plus a geography column
 * `geog` (EPSG:4490, GRS80) so ST_Area(geog) gives the geodesic area. */
#include <unistd.h>
#include <cpl_vsi.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_internal.h"

static const char *ogr_msg(void) {
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "no detail from GDAL";
}

static const char *driver_name(park_export_format f) {
    switch (f) {
    case PARK_EXPORT_GPKG: return "GPKG";
    case PARK_EXPORT_GEOJSON: return "GeoJSON";
    case PARK_EXPORT_KML: return "LIBKML"; /* the plain KML driver drops fill colours */
    case PARK_EXPORT_PG: return "PostgreSQL";
    default: return NULL;
    }
}

static OGRGeometryH to_ogr(park_ctx *ctx, const exp_layer *l, const GEOSGeometry *g) {
    size_t sz = 0;
    unsigned char *wkb = GEOSGeomToWKB_buf_r(ctx->geos, g, &sz);
    if (!wkb) return NULL;
    OGRGeometryH og = NULL;
    OGRErr e = OGR_G_CreateFromWkb(wkb, NULL, &og, (int)sz);
    GEOSFree_r(ctx->geos, wkb);
    if (e != OGRERR_NONE) return NULL;
    /* One declared type per layer: Polygon -> MultiPolygon, LineString -> MultiLineString. */
    if (l->kind == EXP_POLYGON) og = OGR_G_ForceToMultiPolygon(og);
    else if (l->kind == EXP_LINE) og = OGR_G_ForceToMultiLineString(og);
    else if (l->multi) og = OGR_G_ForceToMultiPoint(og);
    return og;
}

static OGRwkbGeometryType layer_type(const exp_layer *l) {
    return l->kind == EXP_POLYGON ? wkbMultiPolygon : l->kind == EXP_LINE ? wkbMultiLineString : l->multi ? wkbMultiPoint : wkbPoint;
}

/* The Chinese description shown in Google Earth's balloon. */
static char *kml_description(const exp_layer *l, const exp_feature *f) {
    park_buf b;
    park_buf_init(&b);
    park_buf_printf(&b, "%s", l->title);
    if (*f->p->layout) park_buf_printf(&b, " · %s", f->p->layout);
    if (l->kind == EXP_POLYGON) {
        if (isfinite(f->p->official_km2)) park_buf_printf(&b, "\n规划面积：%.2f km²", f->p->official_km2);
        else park_buf_append(&b, "\n规划面积：无");
        park_buf_printf(&b, "\n计算面积（CGCS2000 椭球）：%.3f km²", f->area_km2);
    }
    if (*f->p->provenance) park_buf_printf(&b, "\n来源：%s", f->p->provenance);
    return park_buf_take(&b);
}

static park_status write_features(exp_job *job, GDALDatasetH ds, const exp_layer *l, char **lco, const char *where) {
    park_ctx *ctx = job->ctx;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (OSRSetFromUserInput(srs, job->t_srs) != OGRERR_NONE) {
        OSRDestroySpatialReference(srs);
        return park_error(ctx, PARK_ERR_USAGE, "%s: GDAL does not know the CRS %s", where, job->t_srs);
    }
    /* coordinates are lon/lat (x/y) whatever the CRS's official axis order */
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    CPLErrorReset();
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, l->name, srs, layer_type(l), lco);
    OSRDestroySpatialReference(srs);
    if (!lyr) return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure creating layer %s: %s", where, l->name, ogr_msg());

    int kml = job->format == PARK_EXPORT_KML;
    enum { X_ID, X_NAME, X_GROUP, X_OFF, X_AREA, X_ERR, X_SHARE, X_LAYOUT, X_PROV, X_DESC, X_N };
    struct {
        const char *name;
        OGRFieldType type;
    } fields[X_N] = {{"id", OFTString},         {"name", OFTString},     {"group", OFTString},
                     {"official_km2", OFTReal}, {"area_km2", OFTReal},   {"error_m", OFTReal},
                     {"src_share", OFTReal},    {"layout", OFTString},   {"provenance", OFTString},
                     {"description", OFTString}};
    int idx[X_N];
    for (int k = 0; k < X_N; k++) {
        idx[k] = -1;
        if ((k == X_OFF || k == X_AREA || k == X_ERR || k == X_SHARE) && l->kind != EXP_POLYGON) continue;
        if (k == X_LAYOUT && !l->has_members) continue;
        if (k == X_DESC && !kml) continue;
        OGRFieldDefnH fd = OGR_Fld_Create(fields[k].name, fields[k].type);
        if (fields[k].type == OFTReal) OGR_Fld_SetPrecision(fd, k == X_ERR ? 1 : k == X_SHARE ? 3 : 6);
        OGRErr e = OGR_L_CreateField(lyr, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure creating field %s of layer %s: %s", where, fields[k].name, l->name, ogr_msg());
        idx[k] = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), fields[k].name);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    for (size_t i = 0; i < l->n; i++) {
        const exp_feature *f = &l->f[i];
        OGRFeatureH of = OGR_F_Create(defn);
        OGR_F_SetFieldString(of, idx[X_ID], f->p->id);
        OGR_F_SetFieldString(of, idx[X_NAME], f->p->name);
        OGR_F_SetFieldString(of, idx[X_GROUP], f->p->layout);
        if (idx[X_OFF] >= 0) {
            if (isfinite(f->p->official_km2)) OGR_F_SetFieldDouble(of, idx[X_OFF], f->p->official_km2);
            else OGR_F_SetFieldNull(of, idx[X_OFF]);
            OGR_F_SetFieldDouble(of, idx[X_AREA], f->area_km2);
            if (isfinite(f->error_m)) OGR_F_SetFieldDouble(of, idx[X_ERR], f->error_m);
            else OGR_F_SetFieldNull(of, idx[X_ERR]);
            if (isfinite(f->src_share)) OGR_F_SetFieldDouble(of, idx[X_SHARE], f->src_share);
            else OGR_F_SetFieldNull(of, idx[X_SHARE]);
        }
        if (idx[X_LAYOUT] >= 0) OGR_F_SetFieldString(of, idx[X_LAYOUT], f->members ? f->members : "");
        OGR_F_SetFieldString(of, idx[X_PROV], f->p->provenance);
        if (kml) {
            char *d = kml_description(l, f);
            OGR_F_SetFieldString(of, idx[X_DESC], d);
            free(d);
            /* KML style from the same colours as the .qml (KML driver turns the
             * OGR style string into <Style>) */
            char hex[8], style[96];
            unsigned char rgb[3];
            exp_feature_color(l, i, rgb, hex);
            if (l->kind == EXP_POLYGON) snprintf(style, sizeof style, "PEN(c:%s,w:2px);BRUSH(fc:%s8c)", hex, hex);
            else if (l->kind == EXP_LINE) snprintf(style, sizeof style, "PEN(c:%s,w:4px)", hex);
            else style[0] = '\0'; /* LIBKML asserts on a SYMBOL without an icon: default pin */
            if (style[0]) OGR_F_SetStyleString(of, style);
        }
        OGRGeometryH og = to_ogr(ctx, l, f->g);
        if (!og) {
            OGR_F_Destroy(of);
            return park_error(ctx, PARK_ERR_INTERNAL, "%s: layer %s, feature '%s': geometry conversion to OGR failed", where, l->name, f->p->id);
        }
        OGR_F_SetGeometryDirectly(of, og);
        CPLErrorReset();
        OGRErr e = OGR_L_CreateFeature(lyr, of);
        OGR_F_Destroy(of);
        if (e != OGRERR_NONE)
            return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure writing feature '%s' of layer %s: %s", where, f->p->id, l->name, ogr_msg());
    }
    if (OGR_L_SyncToDisk(lyr) != OGRERR_NONE)
        return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure writing layer %s: %s", where, l->name, ogr_msg());
    return PARK_OK;
}

/* QGIS's layer_styles table, one default style per layer (export_common.c). */
static park_status write_gpkg_styles(exp_job *job, GDALDatasetH ds, const char *where) {
    park_ctx *ctx = job->ctx;
    void *st = NULL;
    park_status rs = exp_gpkg_styles_create(ctx, ds, where, &st);
    for (size_t i = 0; i < job->nlayers && !rs; i++) {
        const exp_layer *l = &job->layers[i];
        OGRLayerH lyr = GDALDatasetGetLayerByName(ds, l->name);
        const char *geomcol = lyr ? OGR_L_GetGeometryColumn(lyr) : "geom";
        char *qml = exp_qml(job, l), *sld = exp_sld(l);
        char *desc = park_asprintf("%s (parkgis %s)", l->title, PARKGIS_VERSION);
        rs = exp_gpkg_style_add(ctx, st, l->name, geomcol && *geomcol ? geomcol : "geom", qml, sld, desc, where);
        free(qml), free(sld), free(desc);
    }
    return rs;
}

/* Closes a dataset and reports a failure GDAL raised while flushing. */
static park_status close_ds(park_ctx *ctx, GDALDatasetH ds, const char *where) {
    CPLErrorReset();
    GDALClose(ds);
    if (CPLGetLastErrorType() >= CE_Failure)
        return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure finishing the file: %s", where, ogr_msg());
    return PARK_OK;
}

static park_status write_file_to(exp_job *job, const char *path, size_t first, size_t count);

/* GeoJSON and KML: GDAL's writers do not report a failed write or close (a
 * full disk gave exit 0 and a cut file renamed over good output, issue 12
 * item 3). They write into memory (/vsimem) and the bytes go to disk through
 * park_write_file, which checks every write, the flush, fsync and close. */
static park_status write_file(exp_job *job, const char *path, size_t first, size_t count) {
    if (job->format != PARK_EXPORT_GEOJSON && job->format != PARK_EXPORT_KML) return write_file_to(job, path, first, count);
    park_ctx *ctx = job->ctx;
    const char *slash = strrchr(path, '/');
    char *mem = park_asprintf("/vsimem/parkgis-%ld-%p/%s", (long)getpid(), (void *)job, slash ? slash + 1 : path);
    park_status st = write_file_to(job, mem, first, count);
    if (!st) {
        vsi_l_offset len = 0;
        GByte *buf = VSIGetMemFileBuffer(mem, &len, FALSE);
        st = buf ? park_write_file(ctx, path, buf, (size_t)len)
                 : park_error(ctx, PARK_ERR_INTERNAL, "%s: GDAL wrote nothing (no in-memory file %s)", path, mem);
    }
    /* the in-memory file and any sidecar the driver made beside it */
    char *dir = park_strdup(mem);
    *strrchr(dir, '/') = 0;
    VSIRmdirRecursive(dir);
    free(dir), free(mem);
    return st;
}

static park_status write_file_to(exp_job *job, const char *path, size_t first, size_t count) {
    park_ctx *ctx = job->ctx;
    GDALDriverH drv = GDALGetDriverByName(driver_name(job->format));
    if (!drv) return park_error(ctx, PARK_ERR_INTERNAL, "GDAL was built without the %s driver", driver_name(job->format));
    char **dsco = NULL;
    if (job->format == PARK_EXPORT_KML) {
        /* LIBKML takes <name> and <description> from the fields "name" and
         * "description" (its defaults); the rest goes to ExtendedData. */
        dsco = CSLSetNameValue(dsco, "DOCUMENT_ID", job->basename);
        dsco = CSLSetNameValue(dsco, "NAME", job->title);
    }
    CPLErrorReset();
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, dsco);
    CSLDestroy(dsco);
    if (!ds) return park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create: %s", path, ogr_msg());
    park_status st = PARK_OK;
    /* one transaction: GeoPackage commits per feature otherwise */
    int tx = job->format == PARK_EXPORT_GPKG && GDALDatasetStartTransaction(ds, FALSE) == OGRERR_NONE;
    for (size_t i = first; i < first + count && !st; i++) {
        const exp_layer *l = &job->layers[i];
        char **lco = NULL;
        if (job->format == PARK_EXPORT_GPKG) {
            lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
            lco = CSLSetNameValue(lco, "FID", "fid");
            lco = CSLSetNameValue(lco, "IDENTIFIER", l->title);
            lco = CSLSetNameValue(lco, "DESCRIPTION", l->is_primary ? job->title : l->title);
        } else if (job->format == PARK_EXPORT_GEOJSON) {
            if (job->t_geographic && !strcmp(job->t_srs, "EPSG:4326")) lco = CSLSetNameValue(lco, "RFC7946", "YES");
            lco = CSLSetNameValue(lco, "DESCRIPTION", l->title);
        } else if (job->format == PARK_EXPORT_KML) {
            lco = CSLSetNameValue(lco, "FOLDER", "YES");
            lco = CSLSetNameValue(lco, "NAME", l->title);
        }
        st = write_features(job, ds, l, lco, path);
        CSLDestroy(lco);
    }
    if (!st && job->format == PARK_EXPORT_GPKG) st = write_gpkg_styles(job, ds, path);
    if (tx && !st && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure committing: %s", path, ogr_msg());
    park_status cst = close_ds(ctx, ds, path);
    return st ? st : cst;
}

static park_status exec_sql(park_ctx *ctx, GDALDatasetH ds, const char *sql, const char *what) {
    CPLErrorReset();
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    if (r) GDALDatasetReleaseResultSet(ds, r);
    if (CPLGetLastErrorType() >= CE_Failure) return park_error(ctx, PARK_ERR_OUTPUT, "PostgreSQL: Failure %s: %s", what, ogr_msg());
    return PARK_OK;
}

static void sql_quote(park_buf *b, const char *s) {
    park_buf_append(b, "'");
    for (; *s; s++) {
        if (*s == '\'') park_buf_append(b, "'"); /* '' inside a literal */
        park_buf_appendn(b, s, 1);
    }
    park_buf_append(b, "'");
}

/* QGIS keeps PostgreSQL layer styles in public.layer_styles (created here with
 * the columns QGIS 3.22 creates, if missing); the row with useAsDefault is
 * applied when the table is opened (checked with QGIS 3.22 in tests). */
static park_status write_pg_styles(exp_job *job, GDALDatasetH ds) {
    park_ctx *ctx = job->ctx;
    park_status st = exec_sql(ctx, ds,
                              "CREATE TABLE IF NOT EXISTS public.layer_styles (id SERIAL PRIMARY KEY, f_table_catalog varchar, "
                              "f_table_schema varchar, f_table_name varchar, f_geometry_column varchar, stylename text, styleqml xml, "
                              "stylesld xml, useasdefault boolean, description text, owner varchar(63) DEFAULT CURRENT_USER, ui xml, "
                              "update_time timestamp DEFAULT CURRENT_TIMESTAMP, type varchar)",
                              "creating public.layer_styles");
    for (size_t i = 0; i < job->nlayers && !st; i++) {
        const exp_layer *l = &job->layers[i];
        park_buf b;
        park_buf_init(&b);
        park_buf_append(&b, "DELETE FROM public.layer_styles WHERE f_table_catalog = current_database() AND f_table_schema = current_schema() AND f_table_name = ");
        sql_quote(&b, l->name);
        st = exec_sql(ctx, ds, b.s, "removing an old style");
        park_buf_free(&b);
        if (st) break;
        char *qml = exp_qml(job, l), *sld = exp_sld(l);
        char *desc = park_asprintf("%s (parkgis %s)", l->title, PARKGIS_VERSION);
        park_buf_init(&b);
        park_buf_append(&b, "INSERT INTO public.layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                            "stylename, styleqml, stylesld, useasdefault, description, type) VALUES (current_database(), current_schema(), ");
        sql_quote(&b, l->name);
        park_buf_append(&b, ", 'geom', ");
        sql_quote(&b, l->name);
        park_buf_append(&b, ", XMLPARSE(DOCUMENT ");
        sql_quote(&b, qml);
        park_buf_append(&b, "), XMLPARSE(DOCUMENT ");
        sql_quote(&b, sld);
        park_buf_append(&b, "), true, ");
        sql_quote(&b, desc);
        /* type NULL: QGIS compares `type` with the geometry type named in the layer
         * URI ("Unknown geometry" when the URI names none) OR accepts NULL */
        park_buf_append(&b, ", NULL)");
        st = exec_sql(ctx, ds, b.s, "writing a layer style");
        park_buf_free(&b);
        free(qml), free(sld), free(desc);
    }
    return st;
}

static park_status write_pg(exp_job *job, const char *conn) {
    park_ctx *ctx = job->ctx;
    const char *where = "PostgreSQL";
    CPLErrorReset();
    const char *allowed[] = {"PostgreSQL", NULL};
    GDALDatasetH ds = GDALOpenEx(conn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, allowed, NULL, NULL);
    if (!ds) return park_error(ctx, PARK_ERR_OUTPUT, "cannot connect to PostgreSQL: %s", ogr_msg());
    park_status st = PARK_OK;
    /* refuse before touching anything */
    for (size_t i = 0; i < job->nlayers && !st; i++)
        if (!job->overwrite && GDALDatasetGetLayerByName(ds, job->layers[i].name))
            st = park_error(ctx, PARK_ERR_OUTPUT, "PostgreSQL: table %s already exists (use --overwrite to replace it)", job->layers[i].name);
    int tx = 0;
    if (!st) {
        if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
            st = park_error(ctx, PARK_ERR_OUTPUT, "PostgreSQL: cannot start a transaction: %s", ogr_msg());
        else tx = 1;
    }
    for (size_t i = 0; i < job->nlayers && !st; i++) {
        const exp_layer *l = &job->layers[i];
        char **lco = NULL;
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
        lco = CSLSetNameValue(lco, "FID", "fid");
        lco = CSLSetNameValue(lco, "OVERWRITE", job->overwrite ? "YES" : "NO");
        lco = CSLSetNameValue(lco, "LAUNDER", "NO"); /* keep the names the SQL below uses */
        lco = CSLSetNameValue(lco, "DESCRIPTION", l->title);
        st = write_features(job, ds, l, lco, where);
        CSLDestroy(lco);
        if (st) break;
        /* geography in EPSG:4490: PostGIS measures it on GRS80, the ellipsoid
         * parkgis uses, so ST_Area(geog) and area_km2 agree. */
        char *sql = park_asprintf("ALTER TABLE \"%s\" ADD COLUMN geog geography", l->name);
        st = exec_sql(ctx, ds, sql, "adding the geography column");
        free(sql);
        if (st) break;
        sql = park_asprintf("UPDATE \"%s\" SET geog = ST_Transform(geom, 4490)::geography", l->name);
        st = exec_sql(ctx, ds, sql, "filling the geography column");
        free(sql);
    }
    if (!st) st = write_pg_styles(job, ds);
    if (tx) {
        if (st) GDALDatasetRollbackTransaction(ds);
        else if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
            st = park_error(ctx, PARK_ERR_OUTPUT, "PostgreSQL: Failure committing: %s", ogr_msg());
    }
    for (size_t i = 0; i < job->nlayers && !st; i++) exp_report_add(job, &job->layers[i], job->layers[i].name);
    park_status cst = close_ds(ctx, ds, where);
    return st ? st : cst;
}

park_status exp_write_ogr(exp_job *job, const char *dir, const char *file, const char *pg_conn) {
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    park_status st = PARK_OK;
    if (job->format == PARK_EXPORT_PG) st = write_pg(job, pg_conn);
    else if (job->format == PARK_EXPORT_GEOJSON) {
        for (size_t i = 0; i < job->nlayers && !st; i++) {
            const exp_layer *l = &job->layers[i];
            char *name = file ? park_strdup(file) : park_asprintf("%s.geojson", l->name);
            char *path = park_asprintf("%s/%s", dir, name);
            st = write_file(job, path, i, 1);
            if (!st && !file) {
                /* QGIS loads <name>.qml beside a file-based layer as its default style */
                char *qpath = park_asprintf("%s/%s.qml", dir, l->name);
                char *qml = exp_qml(job, l);
                st = exp_write_text(job->ctx, qpath, qml);
                free(qpath), free(qml);
            }
            if (!st) exp_report_add(job, l, name);
            free(name), free(path);
        }
    } else {
        char *path = park_asprintf("%s/%s", dir, file);
        st = write_file(job, path, 0, job->nlayers);
        for (size_t i = 0; i < job->nlayers && !st; i++) exp_report_add(job, &job->layers[i], file);
        free(path);
    }
    CPLPopErrorHandler();
    return st;
}
