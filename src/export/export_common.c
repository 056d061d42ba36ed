/* export_common.c - helpers the format writers (export_shp.c, export_ogr.c,
 * export_qml.c, export_qgis.c) share with the driver (export.c): the report of
 * what was written, geometry type names, small text files and DBF-safe
 * truncation. Kept apart so the driver calls the writers and the writers call
 * only this module (no call cycle between export.c and its writers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_string.h>

#include "export_internal.h"

const char *exp_geometry_name(const exp_layer *l) {
    switch (l->kind) {
    case EXP_POLYGON: return "MultiPolygon";
    case EXP_LINE: return "MultiLineString";
    case EXP_POINT: return l->multi ? "MultiPoint" : "Point";
    }
    return "?";
}

void exp_report_add(exp_job *job, const exp_layer *l, const char *file) {
    park_export_report *r = job->rep;
    park_export_item *ni = realloc(r->items, (r->n + 1) * sizeof *ni);
    if (!ni) return;
    r->items = ni;
    park_export_item *it = &r->items[r->n++];
    it->layer = park_strdup(l->name);
    it->title = park_strdup(l->title);
    it->geometry = park_strdup(exp_geometry_name(l));
    it->features = l->n;
    it->file = park_strdup(file);
}

park_status exp_write_text(park_ctx *ctx, const char *path, const char *text) {
    return park_write_file(ctx, path, text, strlen(text));
}

char *exp_utf8_truncate(const char *s, size_t max, int *cut) {
    static const char ell[] = "\xe2\x80\xa6"; /* U+2026 HORIZONTAL ELLIPSIS */
    size_t len = strlen(s);
    *cut = 0;
    if (len <= max) return park_strdup(s);
    *cut = 1;
    size_t keep = max >= 3 ? max - 3 : 0;
    /* back off to the start of a code point: continuation bytes are 10xxxxxx */
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    char *r = malloc(keep + sizeof ell);
    if (!r) return NULL;
    memcpy(r, s, keep);
    memcpy(r + keep, ell, sizeof ell);
    return r;
}

static const char *ogr_msg(void) {
    const char *m = CPLGetLastErrorMsg();
    return m && *m ? m : "no detail from GDAL";
}

/* QGIS's layer_styles table (columns as QGIS 3.22 creates them for GeoPackage). */
park_status exp_gpkg_styles_create(park_ctx *ctx, void *ds, const char *where, void **out) {
    CPLErrorReset();
    /* primary key "id" as QGIS names it */
    char **lco = CSLSetNameValue(NULL, "FID", "id");
    OGRLayerH st = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, lco);
    CSLDestroy(lco);
    if (!st) return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure creating table layer_styles: %s", where, ogr_msg());
    static const struct {
        const char *name;
        OGRFieldType type;
        int width;
    } cols[] = {{"f_table_catalog", OFTString, 256}, {"f_table_schema", OFTString, 256}, {"f_table_name", OFTString, 256},
                {"f_geometry_column", OFTString, 256}, {"styleName", OFTString, 30}, {"styleQML", OFTString, 0},
                {"styleSLD", OFTString, 0}, {"useAsDefault", OFTInteger, 0}, {"description", OFTString, 0},
                {"owner", OFTString, 30}, {"ui", OFTString, 30}, {"update_time", OFTDateTime, 0}};
    for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(cols[k].name, cols[k].type);
        if (cols[k].width) OGR_Fld_SetWidth(fd, cols[k].width);
        if (cols[k].type == OFTInteger) OGR_Fld_SetSubType(fd, OFSTBoolean);
        OGRErr e = OGR_L_CreateField(st, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE) return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure creating layer_styles.%s: %s", where, cols[k].name, ogr_msg());
    }
    *out = st;
    return PARK_OK;
}

park_status exp_gpkg_style_add(park_ctx *ctx, void *st, const char *table, const char *geomcol, const char *qml,
                               const char *sld, const char *desc, const char *where) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(st));
    OGR_F_SetFieldString(f, 0, "");
    OGR_F_SetFieldString(f, 1, "");
    OGR_F_SetFieldString(f, 2, table);
    OGR_F_SetFieldString(f, 3, geomcol);
    OGR_F_SetFieldString(f, 4, table);
    OGR_F_SetFieldString(f, 5, qml);
    OGR_F_SetFieldString(f, 6, sld ? sld : "");
    OGR_F_SetFieldInteger(f, 7, 1);
    OGR_F_SetFieldString(f, 8, desc);
    OGR_F_SetFieldString(f, 9, "");
    OGR_F_SetFieldDateTimeEx(f, 11, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, (float)tm.tm_sec, 100);
    CPLErrorReset();
    OGRErr e = OGR_L_CreateFeature(st, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE) return park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure writing the style of %s: %s", where, table, ogr_msg());
    return PARK_OK;
}

void exp_xml_escape(park_buf *b, const char *s, bool attr) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': park_buf_append(b, "&amp;"); break;
        case '<': park_buf_append(b, "&lt;"); break;
        case '>': park_buf_append(b, "&gt;"); break;
        case '"': park_buf_append(b, "&quot;"); break;
        case '\'': park_buf_append(b, attr ? "&apos;" : "'"); break;
        case '\n': park_buf_append(b, attr ? "&#10;" : "\n"); break;
        default: park_buf_appendn(b, s, 1);
        }
    }
}
