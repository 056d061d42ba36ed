/* index.c - the address resolver's data: gazetteers, stations, towns (issue 5; split out in issue 10). */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

const char *park_match_name(park_match m) {
    switch (m) {
    case PARK_MATCH_EXACT: return "exact";
    case PARK_MATCH_INTERSECTION: return "intersection";
    case PARK_MATCH_ROAD: return "road";
    case PARK_MATCH_BOUNDARY: return "boundary";
    case PARK_MATCH_AMBIGUOUS: return "ambiguous";
    case PARK_MATCH_PARK: return "park";
    case PARK_MATCH_OUTSIDE: return "outside";
    case PARK_MATCH_NOT_FOUND: return "not_found";
    case PARK_MATCH_STATION: return "station";
    case PARK_MATCH_NUMBER: return "number";
    case PARK_MATCH_PLACE: return "place";
    }
    return "?";
}

/* The lookup key of a road name: the parser's normalisation, ASCII upper-cased,
 * and a single digit before 路 written as a numeral ("富联1路" = "富联一路"), which
 * is how the same road appears on signs and in registries. New string. */
char *park_ar_name_key(const char *s) {
    /* normalised into one block, then folded in place into a second: a digit before 路
     * becomes its numeral (1 byte -> 3), ASCII letters are upper-cased (issue 11: it was
     * a park_buf append per byte) */
    size_t len = s ? strlen(s) : 0;
    char *n = malloc(3 * len + 1);
    if (!n) abort(); /* as the park_buf it was built in: a name key cannot fail */
    size_t nl = park_address_normalize_into(s, n);
    char *out = malloc(3 * nl + 1), *o = out;
    if (!out) abort();
    static const char *const NUMERALS[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    for (const char *p = n; *p; p++) {
        if (*p >= '0' && *p <= '9' && (p == n || !(p[-1] >= '0' && p[-1] <= '9')) && !strncmp(p + 1, "路", strlen("路"))) {
            memcpy(o, NUMERALS[*p - '0'], 3), o += 3;
            continue;
        }
        *o++ = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
    }
    *o = 0;
    free(n);
    return out;
}

void park_ar_road_info_free(GEOSContextHandle_t g, road_info *ri) {
    if (!ri) return;
    free(ri->key), free(ri->names), free(ri->cand), free(ri->note);
    if (ri->m) GEOSGeom_destroy_r(g, ri->m);
    park_ar_course_free(ri->course);
    free(ri);
}

void park_resolution_clear(park_resolution *r) {
    if (!r) return;
    free(r->candidates), free(r->note);
    for (size_t i = 0; i < r->nsuggestions; i++) free(r->suggestions[i]);
    free(r->suggestions);
    memset(r, 0, sizeof *r);
    r->lon = r->lat = r->distance_m = r->error_m = NAN;
    r->point_from = "";
}

void park_resolver_free(park_resolver *r) {
    if (!r) return;
    GEOSContextHandle_t g = r->ctx->geos;
    for (size_t i = 0; i < r->nroads; i++) park_ar_road_info_free(g, r->roads[i]);
    free(r->roads);
    size_t n = park_layer_count(r->layer);
    for (size_t i = 0; r->obuf && i < n; i++) {
        if (r->obuf_prep && r->obuf_prep[i]) GEOSPreparedGeom_destroy_r(g, r->obuf_prep[i]);
        if (r->obuf[i]) GEOSGeom_destroy_r(g, r->obuf[i]);
    }
    free(r->obuf), free(r->obuf_prep);
    if (r->obuf_all) GEOSGeom_destroy_r(g, r->obuf_all);
    if (r->bb_all) GEOSGeom_destroy_r(g, r->bb_all);
    if (r->parcels_all) GEOSGeom_destroy_r(g, r->parcels_all);
    for (size_t i = 0; i < r->nfeat; i++) free(r->fkey[i]), free(r->fali[i]);
    free(r->fkey), free(r->fali), free(r->feat);
    park_strmap_free(r->cross, free);
    for (size_t i = 0; i < r->nst; i++) {
        free(r->st_name[i]), free(r->st_key[i]), free(r->st_ali[i]), free(r->st_lines[i]);
        if (r->st_circle[i]) GEOSGeom_destroy_r(g, r->st_circle[i]);
    }
    free(r->st_name), free(r->st_key), free(r->st_ali), free(r->st_lines), free(r->st_lon), free(r->st_lat), free(r->st_circle);
    for (size_t i = 0; i < r->nsugg; i++) free(r->sugg_name[i]), free(r->sugg_cp[i]);
    free(r->sugg_name), free(r->sugg_cp), free(r->sugg_len);
    for (size_t i = 0; i < r->ngz; i++) park_gazetteer_free(r->gz[i]);
    free(r->gz);
    if (r->baoshan_prep) GEOSPreparedGeom_destroy_r(g, r->baoshan_prep); /* before the geometry it refers to */
    for (size_t i = 0; r->admin_m && i < park_layer_count(r->admin); i++)
        if (r->admin_m[i]) GEOSGeom_destroy_r(g, r->admin_m[i]);
    free(r->admin_m);
    for (size_t i = 0; r->admin_grown && i < park_layer_count(r->admin); i++)
        if (r->admin_grown[i]) GEOSGeom_destroy_r(g, r->admin_grown[i]);
    free(r->admin_grown);
    park_layer_free(r->admin);
    park_ar_houses_free(r->houses);
    park_ar_places_free(g, r->places);
    free(r->perr), free(r->index_dir);
    free(r->feat_wkb), free(r->obuf_wkb), free(r->snap);
    free(r->parcel_geod_area), free(r->st_parcel_area), free(r->admin_parcel_area);
    park_ar_sugg_memo_free(r);
    park_strmap_free(r->rmemo, NULL);
    park_strmap_free(r->rawmemo, NULL);
    park_strmap_free(r->nrange, free);
    park_strmap_free(r->nbracket, free);
    park_ar_pmemo_free(r->pmemo);
    park_buf_free(&r->notes);
    free(r);
}

const char *park_resolver_notes(const park_resolver *r) { return r && r->notes.s ? r->notes.s : ""; }

park_status park_resolver_load_index(park_resolver *r) { return r ? park_ar_index_load(r) : PARK_OK; }

/* Union of an array of geometries (metric). NULL on GEOS failure. */
GEOSGeometry *park_ar_union_of(GEOSContextHandle_t g, GEOSGeometry *const *parts, size_t n) {
    GEOSGeometry **cl = malloc((n ? n : 1) * sizeof *cl);
    if (!cl) return NULL;
    for (size_t i = 0; i < n; i++) cl[i] = GEOSGeom_clone_r(g, parts[i]);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(g, GEOS_GEOMETRYCOLLECTION, cl, (unsigned)n);
    free(cl);
    if (!coll) return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(g, coll);
    GEOSGeom_destroy_r(g, coll);
    return u;
}

/* Reads the metro stations (points: name, aliases, lines). */
static park_status load_stations(park_ctx *ctx, park_resolver *r, const char *path) {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (expected GeoJSON points: name, aliases, lines)", path);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = lyr ? OGR_L_GetLayerDefn(lyr) : NULL;
    int fn = defn ? OGR_FD_GetFieldIndex(defn, "name") : -1, fa = defn ? OGR_FD_GetFieldIndex(defn, "aliases") : -1;
    int fl = defn ? OGR_FD_GetFieldIndex(defn, "lines") : -1;
    size_t cap = lyr ? (size_t)OGR_L_GetFeatureCount(lyr, 1) : 0;
    park_status st = PARK_OK;
    if (fn < 0) st = park_error(ctx, PARK_ERR_INPUT, "%s: no 'name' field (expected GeoJSON points: name, aliases, lines)", path);
    r->st_name = calloc(cap + 1, sizeof(char *)), r->st_key = calloc(cap + 1, sizeof(char *));
    r->st_ali = calloc(cap + 1, sizeof(char *)), r->st_lines = calloc(cap + 1, sizeof(char *));
    r->st_lon = calloc(cap + 1, sizeof(double)), r->st_lat = calloc(cap + 1, sizeof(double));
    r->st_circle = calloc(cap + 1, sizeof(GEOSGeometry *));
    OGRFeatureH f;
    long idx = 0;
    if (lyr) OGR_L_ResetReading(lyr);
    while (!st && lyr && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        idx++;
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!g || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint || r->nst >= cap) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld is not a point (expected GeoJSON points)", path, idx);
        } else {
            size_t i = r->nst++;
            r->st_name[i] = park_strdup(OGR_F_GetFieldAsString(f, fn));
            r->st_key[i] = park_ar_name_key(r->st_name[i]);
            r->st_lines[i] = park_strdup(fl >= 0 ? OGR_F_GetFieldAsString(f, fl) : "");
            park_buf b;
            park_buf_init(&b);
            park_buf_append(&b, ";");
            const char *p = fa >= 0 ? OGR_F_GetFieldAsString(f, fa) : "";
            while (*p) {
                const char *e = strchr(p, ';');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                char *one = park_strndup(p, len), *k = park_ar_name_key(one);
                park_buf_append(&b, k), park_buf_append(&b, ";");
                free(one), free(k);
                p += len + (e ? 1 : 0);
            }
            r->st_ali[i] = park_buf_take(&b);
            r->st_lon[i] = OGR_G_GetX(g, 0), r->st_lat[i] = OGR_G_GetY(g, 0);
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return st;
}

/* Each parcel's boundary error as the layer states it (error_m field or provenance). */
static park_status resolver_perr(park_resolver *r) {
    size_t n = park_layer_count(r->layer);
    r->perr = calloc(n ? n : 1, sizeof *r->perr);
    if (!r->perr) return park_error(r->ctx, PARK_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const park_parcel *pp = park_layer_get(r->layer, i);
        r->perr[i] = pp->has_error_m ? pp->error_m : NAN;
    }
    return PARK_OK;
}

park_status park_resolver_new(park_ctx *ctx, const park_layer *layer, const char *gazetteer_dirs, park_resolver **out) {
    *out = NULL;
    park_layer_index *ix;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st) return st;
    /* what an earlier build with the same inputs made (snapshot.c) */
    park_resolver *r = park_ar_snapshot_load(ctx, layer, ix, gazetteer_dirs);
    if (r) {
        if ((st = resolver_perr(r))) goto fail;
        *out = r;
        return PARK_OK;
    }
    park_libs_require(); /* the gazetteers and the address index are read with GDAL (util/lazylib.c) */
    r = calloc(1, sizeof *r);
    if (!r) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    r->ctx = ctx, r->layer = layer, r->ix = ix;
    park_buf_init(&r->notes);
    GEOSContextHandle_t g = ctx->geos;

    /* gazetteers: every directory that exists; a default one that is missing is
     * only a note (the bundled data may not have it yet), a named one is an error */
    char *dirs = gazetteer_dirs ? park_strdup(gazetteer_dirs)
                                : park_asprintf("%s/gazetteer:%s/gazetteer-address", park_default_data_dir(),
                                                park_default_data_dir());
    long idx_gz = -1; /* the gazetteer of index_dir */
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        /* administrative polygons live beside the lines, in admin/towns.geojson */
        char *adm = park_asprintf("%s/admin/towns.geojson", d);
        if (!r->admin && adm && access(adm, R_OK) == 0) {
            st = park_layer_read(ctx, adm, NULL, NULL, &r->admin);
            if (st) {
                free(adm), free(dirs);
                goto fail;
            }
        }
        free(adm);
        char *hidx = park_asprintf("%s/index/houses.geojson", d);
        if (!r->index_dir && hidx && access(hidx, R_OK) == 0) r->index_dir = park_strdup(d);
        free(hidx);
        char *sta = park_asprintf("%s/points/stations.geojson", d);
        if (!r->st_name && sta && access(sta, R_OK) == 0) {
            GDALAllRegister();
            if ((st = load_stations(ctx, r, sta))) {
                free(sta), free(dirs);
                goto fail;
            }
        }
        free(sta);
        /* a directory with no *.geojson (only admin/, points/) holds no lines: nothing to load */
        DIR *dh = opendir(d);
        bool any = false;
        for (struct dirent *de; dh && !any && (de = readdir(dh)) != NULL;) {
            size_t len = strlen(de->d_name);
            any = len > 8 && de->d_name[0] != '.' && !strcmp(de->d_name + len - 8, ".geojson");
        }
        if (dh) closedir(dh);
        if (dh && !any) continue;
        park_gazetteer *gz = NULL;
        st = park_gazetteer_load(ctx, d, &gz);
        if (st) {
            if (gazetteer_dirs) {
                free(dirs);
                goto fail;
            }
            park_buf_printf(&r->notes, "%s\n", park_ctx_errmsg(ctx));
            park_ctx_clear_error(ctx);
            st = PARK_OK;
            continue;
        }
        park_gazetteer **t = realloc(r->gz, (r->ngz + 1) * sizeof *t);
        if (!t) {
            park_gazetteer_free(gz);
            free(dirs);
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            goto fail;
        }
        if (r->index_dir && !strcmp(d, r->index_dir)) idx_gz = (long)r->ngz;
        r->gz = t, r->gz[r->ngz++] = gz;
    }
    free(dirs);
    for (size_t k = 0; k < r->ngz; k++) r->nfeat += park_gazetteer_count(r->gz[k]);
    r->feat = calloc(r->nfeat ? r->nfeat : 1, sizeof *r->feat);
    r->fkey = calloc(r->nfeat ? r->nfeat : 1, sizeof *r->fkey);
    r->fali = calloc(r->nfeat ? r->nfeat : 1, sizeof *r->fali);
    if (!r->feat || !r->fkey || !r->fali) {
        st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        goto fail;
    }
    size_t fi = 0;
    for (size_t k = 0; k < r->ngz; k++) {
        if ((long)k == idx_gz) r->idx_feat_lo = fi, r->idx_feat_hi = fi + park_gazetteer_count(r->gz[k]);
        for (size_t i = 0; i < park_gazetteer_count(r->gz[k]); i++, fi++) {
            const park_feature *f = park_gazetteer_get(r->gz[k], i);
            r->feat[fi] = f;
            r->fkey[fi] = park_ar_name_key(f->name);
            park_buf b;
            park_buf_init(&b);
            park_buf_append(&b, ";");
            const char *p = f->aliases;
            while (*p) {
                const char *e = strchr(p, ';');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                char *one = park_strndup(p, len), *key = park_ar_name_key(one);
                if (*key) park_buf_append(&b, key), park_buf_append(&b, ";");
                free(one), free(key);
                p += len + (e ? 1 : 0);
            }
            r->fali[fi] = park_buf_take(&b);
        }
    }

    /* per-parcel buffers in the metric plane, made once for every road */
    size_t n = park_layer_count(layer);
    r->obuf = calloc(n ? n : 1, sizeof *r->obuf);
    r->obuf_prep = calloc(n ? n : 1, sizeof *r->obuf_prep);
    GEOSGeometry **bb = calloc(n ? n : 1, sizeof *bb);
    if (!r->obuf || !r->obuf_prep || !bb) {
        free(bb);
        st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        r->obuf[i] = GEOSBuffer_r(g, r->ix->metric[i], BOUNDARY_TOL_M, 8);
        bb[i] = GEOSBuffer_r(g, r->ix->metric_boundary[i], BOUNDARY_TOL_M, 8);
        if (!r->obuf[i] || !bb[i] || !(r->obuf_prep[i] = GEOSPrepare_r(g, r->obuf[i]))) {
            for (size_t k = 0; k <= i; k++)
                if (bb[k]) GEOSGeom_destroy_r(g, bb[k]);
            free(bb);
            st = park_geos_fail(ctx, "buffering parcel edges");
            goto fail;
        }
    }
    r->obuf_all = park_ar_union_of(g, r->obuf, n);
    r->bb_all = park_ar_union_of(g, bb, n);
    r->parcels_all = park_ar_union_of(g, r->ix->metric, n);
    for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(g, bb[i]);
    free(bb);
    if (!r->obuf_all || !r->bb_all || !r->parcels_all) {
        st = park_geos_fail(ctx, "union of parcel buffers");
        goto fail;
    }
    if (r->admin) {
        size_t na = park_layer_count(r->admin);
        r->admin_m = calloc(na ? na : 1, sizeof *r->admin_m);
        r->admin_grown = calloc(na ? na : 1, sizeof *r->admin_grown);
        if (!r->admin_m || !r->admin_grown) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < na; i++)
            if ((st = park_query_geom_to_metric(ctx, r->ix, park_layer_get(r->admin, i)->geom, &r->admin_m[i])))
                goto fail;
    }
    if ((st = resolver_perr(r))) goto fail;
    park_ar_snapshot_store(r, gazetteer_dirs);
    *out = r;
    return PARK_OK;
fail:
    park_resolver_free(r);
    return st;
}
