/* gazetteer.c - the gazetteer of named line features (roads, rivers, walls,
 * boundaries) that the 四至 compiler builds parcels from. Read through OGR from
 * every *.geojson in one directory; files are read in byte order of their names
 * so that the feature order (and hence any "first match") never depends on the
 * file system. */
#include <dirent.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

struct park_gazetteer {
    park_ctx *ctx;
    park_feature *items;
    size_t n, cap;
    char **norm_names;   /* normalised name per feature */
    char **norm_aliases; /* normalised aliases per feature, ';'-joined, framed by ';' */
};

/* ------------------------------------------------------------------ names */

/* Normalises a name for lookup: full-width ASCII (U+FF01..U+FF5E) to ASCII,
 * every kind of space (ASCII, U+3000 ideographic, NBSP) removed, ASCII letters
 * upper-cased. So "Ｇ１５０１ 高速公路", "g1501高速公路" and "G1501 高速公路" are the
 * same key, which is what a 四至 text typed by hand needs. Returns a new string. */
static char *normalise(const char *s) {
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "");
    const char *p = s ? s : "";
    while (*p) {
        const char *start = p;
        unsigned cp = park_utf8_next(&p);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0xA0) continue;
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;
        if (cp < 0x80) {
            char c = (char)cp;
            if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
            park_buf_appendn(&b, &c, 1);
        } else {
            park_buf_appendn(&b, start, (size_t)(p - start));
        }
    }
    return park_buf_take(&b);
}

/* ";a;b;c;" with every alias normalised, so a lookup is one strstr of ";key;". */
static char *normalise_aliases(const char *aliases) {
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, ";");
    const char *p = aliases ? aliases : "";
    while (*p) {
        const char *e = strchr(p, ';');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *one = park_strndup(p, n);
        char *k = normalise(one);
        if (*k) {
            park_buf_append(&b, k);
            park_buf_append(&b, ";");
        }
        free(k), free(one);
        p += n;
        if (*p == ';') p++;
    }
    return park_buf_take(&b);
}

/* ------------------------------------------------------------------ object */

void park_gazetteer_free(park_gazetteer *gz) {
    if (!gz) return;
    for (size_t i = 0; i < gz->n; i++) {
        park_feature *f = &gz->items[i];
        free(f->name), free(f->aliases), free(f->kind), free(f->provenance), free(f->method), free(f->source), free(f->error_basis);
        if (f->geom) GEOSGeom_destroy_r(gz->ctx->geos, f->geom);
        free(gz->norm_names[i]), free(gz->norm_aliases[i]);
    }
    free(gz->items), free(gz->norm_names), free(gz->norm_aliases);
    free(gz);
}

size_t park_gazetteer_count(const park_gazetteer *gz) { return gz ? gz->n : 0; }

const park_feature *park_gazetteer_get(const park_gazetteer *gz, size_t i) {
    return gz && i < gz->n ? &gz->items[i] : NULL;
}

const park_feature *park_gazetteer_find(const park_gazetteer *gz, const char *name) {
    if (!gz || !name) return NULL;
    char *k = normalise(name);
    const park_feature *hit = NULL;
    if (*k) {
        /* Names win over aliases: "外环" may be an alias of several pieces, but a
         * feature whose own name is the key is the one meant. */
        for (size_t i = 0; i < gz->n && !hit; i++)
            if (strcmp(gz->norm_names[i], k) == 0) hit = &gz->items[i];
        if (!hit) {
            char *framed = park_asprintf(";%s;", k);
            for (size_t i = 0; i < gz->n && !hit && framed; i++)
                if (strstr(gz->norm_aliases[i], framed)) hit = &gz->items[i];
            free(framed);
        }
    }
    free(k);
    return hit;
}

static park_status gz_push(park_gazetteer *gz, park_feature *f) {
    if (gz->n == gz->cap) {
        size_t cap = gz->cap ? gz->cap * 2 : 64;
        park_feature *ni = realloc(gz->items, cap * sizeof *ni);
        if (!ni) return park_error(gz->ctx, PARK_ERR_INTERNAL, "out of memory");
        gz->items = ni;
        char **nn = realloc(gz->norm_names, cap * sizeof *nn);
        if (!nn) return park_error(gz->ctx, PARK_ERR_INTERNAL, "out of memory");
        gz->norm_names = nn;
        char **na = realloc(gz->norm_aliases, cap * sizeof *na);
        if (!na) return park_error(gz->ctx, PARK_ERR_INTERNAL, "out of memory");
        gz->norm_aliases = na;
        gz->cap = cap;
    }
    gz->norm_names[gz->n] = normalise(f->name);
    gz->norm_aliases[gz->n] = normalise_aliases(f->aliases);
    gz->items[gz->n++] = *f;
    return PARK_OK;
}

/* An empty gazetteer that park_gazetteer_push fills: the address resolver's
 * snapshot (query/address/snapshot.c) rebuilds one from the features it stored. */
park_gazetteer *park_gazetteer_new(park_ctx *ctx) {
    park_gazetteer *gz = calloc(1, sizeof *gz);
    if (gz) gz->ctx = ctx;
    return gz;
}

park_status park_gazetteer_push(park_gazetteer *gz, park_feature *f) { return gz_push(gz, f); }

/* ------------------------------------------------------------------ reading */

/* A copy of the field's text ("" when absent or unset); the caller frees it.
 * Copied at once: for a non-string field (say a numeric name) OGR returns a
 * per-feature scratch buffer that the next OGR_F_GetFieldAsString overwrites
 * (issue 12, item 1). NULL only when out of memory. */
static char *fstr(OGRFeatureH f, int idx) {
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) return park_strdup("");
    return park_strdup(OGR_F_GetFieldAsString(f, idx));
}

static park_status load_file(park_ctx *ctx, park_gazetteer *gz, const char *path) {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open as GeoJSON (expected a FeatureCollection of LineStrings)%s%s",
                          path, CPLGetLastErrorMsg()[0] ? ": " : "", CPLGetLastErrorMsg());
    park_status st = PARK_OK;
    OGRLayerH lyr = GDALDatasetGetLayerCount(ds) > 0 ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!lyr) {
        GDALClose(ds);
        return park_error(ctx, PARK_ERR_INPUT, "%s: no layer in file (expected a FeatureCollection)", path);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int fi_name = OGR_FD_GetFieldIndex(defn, "name"), fi_alias = OGR_FD_GetFieldIndex(defn, "aliases");
    int fi_kind = OGR_FD_GetFieldIndex(defn, "kind"), fi_prov = OGR_FD_GetFieldIndex(defn, "provenance");
    int fi_method = OGR_FD_GetFieldIndex(defn, "method"), fi_err = OGR_FD_GetFieldIndex(defn, "error_m");
    int fi_src = OGR_FD_GetFieldIndex(defn, "source"), fi_basis = OGR_FD_GetFieldIndex(defn, "error_basis");
    int fi_evn = OGR_FD_GetFieldIndex(defn, "evidence_n");
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    long idx = 0;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        idx++;
        char *name = fstr(f, fi_name), *prov = fstr(f, fi_prov);
        if (!name || !prov) {
            free(name), free(prov);
            OGR_F_Destroy(f);
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            break;
        }
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        OGRwkbGeometryType gt = og ? wkbFlatten(OGR_G_GetGeometryType(og)) : wkbNone;
        if (!*name) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld has no 'name' property (expected name, aliases, kind, provenance, method, error_m)", path, idx);
        } else if (strcmp(prov, "osm") != 0 && strcmp(prov, "anchored") != 0 && strcmp(prov, "approximate") != 0) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld ('%s'): provenance '%s' (expected osm, anchored or approximate)", path, idx, name, prov);
        } else if (gt != wkbLineString && gt != wkbMultiLineString) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld ('%s') is a %s (expected a LineString or MultiLineString)",
                            path, idx, name, og ? OGRGeometryTypeToName(gt) : "feature without geometry");
        } else if (fi_err < 0 || !OGR_F_IsFieldSetAndNotNull(f, fi_err) || !(OGR_F_GetFieldAsDouble(f, fi_err) >= 0)) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld ('%s'): error_m missing or negative (expected estimated positional error in metres)", path, idx, name);
        }
        if (st != PARK_OK) {
            free(name), free(prov);
            OGR_F_Destroy(f);
            break;
        }
        OGR_G_FlattenTo2D(og);
        int sz = OGR_G_WkbSize(og);
        unsigned char *wkb = malloc((size_t)sz);
        if (!wkb) {
            free(name), free(prov);
            OGR_F_Destroy(f);
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            break;
        }
        OGR_G_ExportToIsoWkb(og, wkbNDR, wkb);
        GEOSGeometry *g = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, (size_t)sz);
        free(wkb);
        double minx = 0, maxx = 0, miny = 0, maxy = 0;
        if (g && !GEOSisEmpty_r(ctx->geos, g)) {
            GEOSGeom_getXMin_r(ctx->geos, g, &minx), GEOSGeom_getXMax_r(ctx->geos, g, &maxx);
            GEOSGeom_getYMin_r(ctx->geos, g, &miny), GEOSGeom_getYMax_r(ctx->geos, g, &maxy);
        }
        if (!g || GEOSisEmpty_r(ctx->geos, g) || minx < -180 || maxx > 180 || miny < -90 || maxy > 90) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld ('%s'): %s (expected a non-empty line in lon/lat degrees, WGS84/CGCS2000)",
                            path, idx, name, g ? "coordinates empty or not lon/lat" : "unreadable geometry");
            if (g) GEOSGeom_destroy_r(ctx->geos, g);
            free(name), free(prov);
            OGR_F_Destroy(f);
            break;
        }
        park_feature pf = {0};
        pf.name = name;
        pf.aliases = fstr(f, fi_alias);
        pf.kind = fstr(f, fi_kind);
        pf.provenance = prov;
        pf.method = fstr(f, fi_method);
        pf.error_m = OGR_F_GetFieldAsDouble(f, fi_err);
        pf.source = fstr(f, fi_src);
        pf.error_basis = fstr(f, fi_basis);
        pf.evidence_n = fi_evn >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi_evn) ? (long)OGR_F_GetFieldAsInteger64(f, fi_evn) : -1;
        pf.geom = g;
        OGR_F_Destroy(f);
        st = gz_push(gz, &pf);
        if (st != PARK_OK) {
            free(pf.name), free(pf.aliases), free(pf.kind), free(pf.provenance), free(pf.method), free(pf.source), free(pf.error_basis);
            GEOSGeom_destroy_r(ctx->geos, g);
            break;
        }
    }
    GDALClose(ds);
    return st;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

park_status park_gazetteer_load(park_ctx *ctx, const char *dir, park_gazetteer **out) {
    *out = NULL;
    char *d = dir ? park_strdup(dir) : park_asprintf("%s/gazetteer", park_default_data_dir());
    DIR *dh = opendir(d);
    if (!dh) {
        park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open gazetteer directory (expected a directory of *.geojson files)", d);
        free(d);
        return st;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= 8 || strcmp(de->d_name + len - 8, ".geojson") != 0 || de->d_name[0] == '.') continue;
        if (nn == cap) {
            cap = cap ? cap * 2 : 16;
            char **t = realloc(names, cap * sizeof *t);
            if (!t) break;
            names = t;
        }
        names[nn++] = park_strdup(de->d_name);
    }
    closedir(dh);
    if (names) qsort(names, nn, sizeof *names, cmp_str);

    park_gdal_register();
    park_gazetteer *gz = calloc(1, sizeof *gz);
    park_status st = gz ? PARK_OK : park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    if (gz) gz->ctx = ctx;
    for (size_t i = 0; i < nn && st == PARK_OK; i++) {
        char *path = park_asprintf("%s/%s", d, names[i]);
        st = load_file(ctx, gz, path);
        free(path);
    }
    if (st == PARK_OK && gz->n == 0)
        st = park_error(ctx, PARK_ERR_INPUT, "%s: no gazetteer features (expected *.geojson files of named LineStrings)", d);
    for (size_t i = 0; i < nn; i++) free(names[i]);
    free(names);
    free(d);
    if (st != PARK_OK) {
        park_gazetteer_free(gz);
        return st;
    }
    *out = gz;
    return PARK_OK;
}
