/* export_common.c - helpers the format writers (export_shp.c, export_ogr.c,
 * export_qml.c, export_qgis.c) share with the driver (export.c): the report of
 * what was written, geometry type names, small text files and DBF-safe
 * truncation. Kept apart so the driver calls the writers and the writers call
 * only this module (no call cycle between export.c and its writers). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
