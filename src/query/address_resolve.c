/* address_resolve.c - a parsed address -> a parcel, with a match level and a
 * confidence (issue 5).
 *
 * Everything is measured, nothing is looked up in a table of answers: a road is
 * compared with the parcel polygons in the layer's metric plane (query.h), so
 * the answer follows the geometry of whatever parcel layer and gazetteer are
 * loaded. Decisions, in order (see also README "Address lookup"):
 *   another district/city named          -> outside
 *   coordinates                           -> exact (point-in-parcel)
 *   two roads                             -> intersection (GEOSIntersection of
 *                                            the centrelines; nearest points when
 *                                            they do not cross)
 *   one road: near no parcel              -> road, outside the park
 *             mostly along parcel edges   -> boundary, with the parcels on
 *                                            either side (offset curves)
 *             wholly within one parcel    -> road (within BOUNDARY_TOL_M)
 *             otherwise                   -> ambiguous, share of length per parcel
 *   park/parcel name only                 -> park
 *   unknown road                          -> not found + closest names
 * House-number ranges are not known for any road in the gazetteer, so a number
 * never narrows the answer; the note says so when it would have mattered. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "query.h"

/* A road closer than this to a parcel edge runs "along" it. The parcel edges
 * of the 四至 compiler are built from the same centrelines, so a boundary road
 * coincides with the edge to well under this; 30 m is about half the width of
 * a Baoshan arterial with its verges. */
#define BOUNDARY_TOL_M 30.0
/* Two centrelines that do not cross but come within this distance are taken to
 * meet (a T-junction whose stub ends short, or digitising error). */
#define MEET_TOL_M 60.0
/* "Near a metro station": within a 500 m walk, the radius used for shares. */
#define STATION_RADIUS_M 500.0

/* ------------------------------------------------------------------ road cache */

/* A crossing point of two roads, remembered: a batch names the same junctions
 * again and again, and the intersection of two long centrelines is the costly part.
 * Bounded by the pairs of gazetteer roads, so memory does not grow with the rows. */
typedef struct cross_memo {
    const void *a, *b;
    int near, npts;
    double x, y, gap;
} cross_memo;

typedef struct road_info {
    char *key;                  /* the lookup key that found it */
    const park_feature *first;  /* the first matching feature (for names, provenance) */
    char *names;                /* "富联一路" or "长江路 (2 pieces)" */
    double error_m;             /* worst positional error of the pieces */
    double prov_factor;         /* 1 osm, 0.9 anchored, 0.75 approximate (worst piece) */
    GEOSGeometry *m;            /* merged geometry in the metric plane */
    int analysed;
    int none;                   /* a clip that came out empty (cached so it is not redone) */
    park_match match;
    double confidence;
    int inside;
    const park_parcel *parcel, *nearest;
    double distance_m, length_m;
    park_candidate *cand;
    size_t ncand;
    char *note;
} road_info;

struct park_resolver {
    park_ctx *ctx;
    const park_layer *layer;
    park_layer_index *ix;
    park_gazetteer **gz;
    size_t ngz;
    const park_feature **feat;
    char **fkey;  /* normalised name per feature */
    char **fali;  /* ";alias;alias;" normalised */
    size_t nfeat;
    GEOSGeometry **obuf;   /* parcel grown by BOUNDARY_TOL_M (metric) */
    const GEOSPreparedGeometry **obuf_prep;
    GEOSGeometry *obuf_all; /* union of obuf */
    GEOSGeometry *bb_all;   /* union of the parcel boundaries grown by BOUNDARY_TOL_M */
    GEOSGeometry *parcels_all; /* union of the parcels (metric) */
    road_info **roads;
    size_t nroads, rcap;
    struct cross_memo *cross; /* crossing points already computed, open addressing */
    size_t ncross, cross_cap;
    char **sugg_name;       /* suggestion candidates: every name and alias once */
    unsigned **sugg_cp;     /* ... their keys as code points */
    size_t *sugg_len, nsugg;
    int sugg_built;
    size_t nst;             /* metro stations (<gazetteer dir>/points/stations.geojson) */
    char **st_name, **st_key, **st_ali, **st_lines;
    double *st_lon, *st_lat;
    GEOSGeometry **st_circle; /* STATION_RADIUS_M around each, metric, made on first use */
    park_layer *admin;      /* 区/镇 polygons (<gazetteer dir>/admin/towns.geojson), or NULL */
    GEOSGeometry **admin_m; /* each in the metric plane */
    GEOSGeometry **admin_grown; /* admin_m grown by ADMIN_TOL_M, made on first use */
    const GEOSPreparedGeometry *baoshan_prep; /* 宝山区 prepared, made on first use */
    park_buf notes;
};

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
    }
    return "?";
}

/* The lookup key of a road name: the parser's normalisation, ASCII upper-cased,
 * and a single digit before 路 written as a numeral ("富联1路" = "富联一路"), which
 * is how the same road appears on signs and in registries. New string. */
static char *name_key(const char *s) {
    char *n = park_address_normalize(s);
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "");
    static const char *const NUMERALS[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    for (const char *p = n; *p; p++) {
        if (*p >= '0' && *p <= '9' && (p == n || !(p[-1] >= '0' && p[-1] <= '9')) && !strncmp(p + 1, "路", strlen("路"))) {
            park_buf_append(&b, NUMERALS[*p - '0']);
            continue;
        }
        char c = (*p >= 'a' && *p <= 'z') ? (char)(*p - 'a' + 'A') : *p;
        park_buf_appendn(&b, &c, 1);
    }
    free(n);
    return park_buf_take(&b);
}

static void road_info_free(GEOSContextHandle_t g, road_info *ri) {
    if (!ri) return;
    free(ri->key), free(ri->names), free(ri->cand), free(ri->note);
    if (ri->m) GEOSGeom_destroy_r(g, ri->m);
    free(ri);
}

void park_resolution_clear(park_resolution *r) {
    if (!r) return;
    free(r->candidates), free(r->note);
    for (size_t i = 0; i < r->nsuggestions; i++) free(r->suggestions[i]);
    free(r->suggestions);
    memset(r, 0, sizeof *r);
    r->lon = r->lat = r->distance_m = NAN;
}

void park_resolver_free(park_resolver *r) {
    if (!r) return;
    GEOSContextHandle_t g = r->ctx->geos;
    for (size_t i = 0; i < r->nroads; i++) road_info_free(g, r->roads[i]);
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
    free(r->cross);
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
    park_buf_free(&r->notes);
    free(r);
}

const char *park_resolver_notes(const park_resolver *r) { return r && r->notes.s ? r->notes.s : ""; }

/* Union of an array of geometries (metric). NULL on GEOS failure. */
static GEOSGeometry *union_of(GEOSContextHandle_t g, GEOSGeometry *const *parts, size_t n) {
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
            r->st_key[i] = name_key(r->st_name[i]);
            r->st_lines[i] = park_strdup(fl >= 0 ? OGR_F_GetFieldAsString(f, fl) : "");
            park_buf b;
            park_buf_init(&b);
            park_buf_append(&b, ";");
            const char *p = fa >= 0 ? OGR_F_GetFieldAsString(f, fa) : "";
            while (*p) {
                const char *e = strchr(p, ';');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                char *one = park_strndup(p, len), *k = name_key(one);
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

park_status park_resolver_new(park_ctx *ctx, const park_layer *layer, const char *gazetteer_dirs, park_resolver **out) {
    *out = NULL;
    park_resolver *r = calloc(1, sizeof *r);
    if (!r) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    r->ctx = ctx, r->layer = layer;
    park_buf_init(&r->notes);
    GEOSContextHandle_t g = ctx->geos;
    park_status st = park_query_index(ctx, layer, &r->ix);
    if (st) goto fail;

    /* gazetteers: every directory that exists; a default one that is missing is
     * only a note (the bundled data may not have it yet), a named one is an error */
    char *dirs = gazetteer_dirs ? park_strdup(gazetteer_dirs)
                                : park_asprintf("%s/gazetteer:%s/gazetteer-address", park_default_data_dir(),
                                                park_default_data_dir());
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
    for (size_t k = 0; k < r->ngz; k++)
        for (size_t i = 0; i < park_gazetteer_count(r->gz[k]); i++, fi++) {
            const park_feature *f = park_gazetteer_get(r->gz[k], i);
            r->feat[fi] = f;
            r->fkey[fi] = name_key(f->name);
            park_buf b;
            park_buf_init(&b);
            park_buf_append(&b, ";");
            const char *p = f->aliases;
            while (*p) {
                const char *e = strchr(p, ';');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                char *one = park_strndup(p, len), *key = name_key(one);
                if (*key) park_buf_append(&b, key), park_buf_append(&b, ";");
                free(one), free(key);
                p += len + (e ? 1 : 0);
            }
            r->fali[fi] = park_buf_take(&b);
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
    r->obuf_all = union_of(g, r->obuf, n);
    r->bb_all = union_of(g, bb, n);
    r->parcels_all = union_of(g, r->ix->metric, n);
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
            if ((st = park_transform(ctx, park_layer_get(r->admin, i)->geom, "EPSG:4490", r->ix->metric_crs, &r->admin_m[i])))
                goto fail;
    }
    *out = r;
    return PARK_OK;
fail:
    park_resolver_free(r);
    return st;
}

/* ------------------------------------------------------------------ helpers */

static double len_in(GEOSContextHandle_t g, const GEOSGeometry *line, const GEOSGeometry *area) {
    GEOSGeometry *x = GEOSIntersection_r(g, line, area);
    double l = 0;
    if (x) {
        GEOSLength_r(g, x, &l);
        GEOSGeom_destroy_r(g, x);
    } else l = NAN;
    return l;
}

static double prov_factor(const char *prov) {
    if (!strcmp(prov, "osm")) return 1.0;
    if (!strcmp(prov, "anchored")) return 0.9;
    return 0.75; /* approximate, or anything else */
}

static const char *pname(const park_parcel *p) { return p ? p->name : "outside the park"; }

static int cand_cmp(const void *a, const void *b) {
    const park_candidate *x = a, *y = b;
    if (x->share != y->share) return x->share > y->share ? -1 : 1;
    if (!x->parcel != !y->parcel) return x->parcel ? -1 : 1; /* parcels before "outside" */
    return 0;
}

static void cand_push(park_candidate **c, size_t *n, const park_parcel *p, const char *role, double share, double len) {
    park_candidate *t = realloc(*c, (*n + 1) * sizeof *t);
    if (!t) return;
    *c = t;
    t[*n] = (park_candidate){p, role, share, len};
    (*n)++;
}

static bool name_is_parcel(const char *want, const char *name) {
    char *a = park_address_normalize(want), *b = park_address_normalize(name);
    size_t la = strlen(a);
    bool ok = !strcmp(a, b) || (!strncmp(a, b, la) && b[la] == '(');
    free(a), free(b);
    return ok;
}

/* ------------------------------------------------------------------ lookup */

/* Every feature whose name or alias has this key, merged; NULL when none. */
static road_info *road_lookup(park_resolver *r, const char *name, park_status *st) {
    *st = PARK_OK;
    char *key = name_key(name);
    for (size_t i = 0; i < r->nroads; i++)
        if (!strcmp(r->roads[i]->key, key)) {
            free(key);
            return r->roads[i];
        }
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    char *framed = park_asprintf(";%s;", key);
    size_t nhit = 0;
    GEOSGeometry **parts = malloc((r->nfeat ? r->nfeat : 1) * sizeof *parts);
    road_info *ri = calloc(1, sizeof *ri);
    if (!parts || !ri || !framed) {
        free(parts), free(ri), free(framed), free(key);
        *st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    ri->prov_factor = 1;
    for (int pass = 0; pass < 2 && !nhit; pass++) /* names first, then aliases */
        for (size_t i = 0; i < r->nfeat; i++) {
            if (pass == 0 ? strcmp(r->fkey[i], key) != 0 : !strstr(r->fali[i], framed)) continue;
            const park_feature *f = r->feat[i];
            if (!ri->first) ri->first = f;
            ri->error_m = fmax(ri->error_m, f->error_m);
            ri->prov_factor = fmin(ri->prov_factor, prov_factor(f->provenance));
            parts[nhit++] = f->geom;
        }
    free(framed);
    if (!nhit) {
        free(parts), free(ri), free(key);
        return NULL;
    }
    GEOSGeometry *ll = nhit == 1 ? GEOSGeom_clone_r(g, parts[0]) : union_of(g, parts, nhit);
    free(parts);
    if (ll) *st = park_transform(ctx, ll, "EPSG:4490", r->ix->metric_crs, &ri->m);
    else *st = park_geos_fail(ctx, "merging road pieces");
    if (ll) GEOSGeom_destroy_r(g, ll);
    if (*st) {
        free(ri), free(key);
        return NULL;
    }
    ri->key = key;
    ri->names = nhit == 1 ? park_strdup(ri->first->name) : park_asprintf("%s (%zu pieces)", ri->first->name, nhit);
    if (r->nroads == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 16;
        road_info **t = realloc(r->roads, cap * sizeof *t);
        if (!t) {
            road_info_free(g, ri);
            *st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            return NULL;
        }
        r->roads = t, r->rcap = cap;
    }
    r->roads[r->nroads++] = ri;
    return ri;
}

/* The road as written, else the longest tail of it that is a known road (the
 * parser keeps text glued before a road name: "某某公司富联路"). */
static road_info *road_find(park_resolver *r, const char *name, park_status *st) {
    road_info *ri = road_lookup(r, name, st);
    if (ri || *st) return ri;
    const char *p = name;
    park_utf8_next(&p);
    for (; *p; park_utf8_next(&p)) {
        const char *q = p;
        int left = 0;
        while (*q) park_utf8_next(&q), left++;
        if (left < 3) break;
        if ((ri = road_lookup(r, p, st)) || *st) return ri;
    }
    return NULL;
}

typedef struct sugg {
    size_t d;
    const char *name;
} sugg;
static int sugg_cmp(const void *a, const void *b) {
    const sugg *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Decodes a UTF-8 key into code points (new array, *n set). */
static unsigned *key_cps(const char *key, size_t *n) {
    size_t len = strlen(key);
    unsigned *c = malloc((len + 1) * sizeof *c);
    *n = 0;
    if (!c) return NULL;
    while (*key) c[(*n)++] = park_utf8_next(&key);
    return c;
}

/* Every name and alias of the gazetteer once, with its key as code points: built
 * on the first "not found" so a batch of misspellings costs one decode each. */
static void sugg_build(park_resolver *r) {
    if (r->sugg_built) return;
    r->sugg_built = 1;
    for (size_t i = 0; i < r->nfeat; i++) {
        const park_feature *f = r->feat[i];
        const char *p = f->aliases;
        for (int a = -1;; a++) {
            char *cand;
            if (a < 0) cand = park_strdup(f->name);
            else {
                if (!*p) break;
                const char *e = strchr(p, ';');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                cand = park_strndup(p, len);
                p += len + (e ? 1 : 0);
            }
            bool dup = !cand || !*cand;
            for (size_t k = 0; k < r->nsugg && !dup; k++) dup = !strcmp(r->sugg_name[k], cand);
            if (dup) {
                free(cand);
                continue;
            }
            if (r->nsugg % 64 == 0) {
                char **t1 = realloc(r->sugg_name, (r->nsugg + 64) * sizeof *t1);
                if (t1) r->sugg_name = t1;
                unsigned **t2 = realloc(r->sugg_cp, (r->nsugg + 64) * sizeof *t2);
                if (t2) r->sugg_cp = t2;
                size_t *t3 = realloc(r->sugg_len, (r->nsugg + 64) * sizeof *t3);
                if (t3) r->sugg_len = t3;
                if (!t1 || !t2 || !t3) {
                    free(cand);
                    return;
                }
            }
            char *k = name_key(cand);
            r->sugg_cp[r->nsugg] = key_cps(k, &r->sugg_len[r->nsugg]);
            free(k);
            if (!r->sugg_cp[r->nsugg]) {
                free(cand);
                return;
            }
            r->sugg_name[r->nsugg++] = cand;
        }
    }
}

/* Levenshtein over code point arrays; stops early (returns > cap) once every
 * entry of a row exceeds cap. */
static size_t lev(const unsigned *x, size_t nx, const unsigned *y, size_t ny, size_t *row, size_t cap) {
    for (size_t j = 0; j <= ny; j++) row[j] = j;
    for (size_t i = 1; i <= nx; i++) {
        size_t diag = row[0], lo;
        row[0] = lo = i;
        for (size_t j = 1; j <= ny; j++) {
            size_t up = row[j], best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best, diag = up;
            if (best < lo) lo = best;
        }
        if (lo > cap) return cap + 1;
    }
    return row[ny];
}

/* The gazetteer names (and aliases) closest to `name` by edit distance over code
 * points: up to 5 within 1 edit (2 for names over 4 characters), else the 3 nearest
 * that have at least two characters in place in common with it (none when no name does). */
static void suggest(park_resolver *r, const char *name, park_resolution *out) {
    sugg_build(r);
    char *key = name_key(name);
    size_t klen = 0;
    unsigned *kc = key_cps(key, &klen);
    free(key);
    size_t maxlen = klen;
    for (size_t i = 0; i < r->nsugg; i++) maxlen = r->sugg_len[i] > maxlen ? r->sugg_len[i] : maxlen;
    size_t *row = malloc((maxlen + 1) * sizeof *row);
    sugg *s = malloc((r->nsugg ? r->nsugg : 1) * sizeof *s);
    size_t n = 0;
    for (size_t i = 0; kc && row && s && i < r->nsugg; i++) {
        size_t d = lev(kc, klen, r->sugg_cp[i], r->sugg_len[i], row, SIZE_MAX - 1);
        if (d > 0) s[n++] = (sugg){d, r->sugg_name[i]};
    }
    if (s && row && kc) {
        qsort(s, n, sizeof *s, sugg_cmp);
        /* one edit for names up to 4 characters (most road names), two beyond */
        size_t lim = klen <= 4 ? 1 : 2, take = 0;
        while (take < n && take < 5 && s[take].d <= lim) take++;
        if (take == 0) {
            /* else the 3 nearest, but only names that share more than the suffix:
             * 三泉路 is two edits from 友谊路 and says nothing about it */
            size_t k = 0;
            for (size_t i = 0; i < n && k < 3; i++) {
                size_t len = 0;
                for (const char *q = s[i].name; *q; park_utf8_next(&q)) len++;
                if (s[i].d + 2 <= (len > klen ? len : klen)) s[k++] = s[i];
            }
            take = k;
        }
        out->suggestions = calloc(take ? take : 1, sizeof *out->suggestions);
        for (size_t i = 0; out->suggestions && i < take; i++) out->suggestions[out->nsuggestions++] = park_strdup(s[i].name);
    }
    free(s), free(row), free(kc);
}

/* ------------------------------------------------------------------ towns */

/* The admin polygon for a 区/镇 name as the parser wrote it ("顾村镇"); -1 if none. */
static int admin_find(const park_resolver *r, const char *name) {
    if (!r->admin || !name[0]) return -1;
    for (size_t i = 0; i < park_layer_count(r->admin); i++)
        if (!strcmp(park_layer_get(r->admin, i)->name, name)) return (int)i;
    return -1;
}

/* Error of an admin polygon: its provenance text carries no number, so the
 * error_m the build tool wrote is not available through park_parcel; the
 * tolerance below is the larger of those estimates (see build_address_admin.c). */
#define ADMIN_TOL_M 150.0

/* The part of a road within a town (the town grown by its uncertainty), cached.
 * NULL with *none = 1 when the road does not pass through the town. */
/* The part of a road within `area` (metric), cached under "<road key>@<tag>";
 * `label` names the area in notes ("顾村镇", "500 m of 上大路站"). */
static road_info *road_clip_to(park_resolver *r, road_info *base, const GEOSGeometry *area, const char *tag, const char *label,
                               int *none, park_status *st) {
    *st = PARK_OK, *none = 0;
    char *key = park_asprintf("%s@%s", base->key, tag);
    for (size_t i = 0; i < r->nroads; i++)
        if (!strcmp(r->roads[i]->key, key)) {
            free(key);
            *none = r->roads[i]->none;
            return r->roads[i]->none ? NULL : r->roads[i];
        }
    GEOSContextHandle_t g = r->ctx->geos;
    GEOSGeometry *part = area ? GEOSIntersection_r(g, base->m, area) : NULL;
    if (!part) {
        free(key);
        *st = park_geos_fail(r->ctx, "clipping a road to an area");
        return NULL;
    }
    double l = 0, whole = 0;
    GEOSLength_r(g, part, &l);
    GEOSLength_r(g, base->m, &whole);
    if (l < 50) { /* remembered as "not in this town" */
        GEOSGeom_destroy_r(g, part);
        part = NULL;
        *none = 1;
    }
    road_info *ri = calloc(1, sizeof *ri);
    if (!ri || r->nroads == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 16;
        road_info **t = ri ? realloc(r->roads, cap * sizeof *t) : NULL;
        if (!t) {
            free(ri), free(key);
            if (part) GEOSGeom_destroy_r(g, part);
            *st = park_error(r->ctx, PARK_ERR_INTERNAL, "out of memory");
            return NULL;
        }
        r->roads = t, r->rcap = cap;
    }
    ri->key = key;
    ri->first = base->first;
    ri->error_m = base->error_m, ri->prov_factor = base->prov_factor;
    ri->m = part;
    ri->none = *none;
    ri->names = park_asprintf("%s within %s (%.0f of %.0f m)", base->names, label, l, whole);
    r->roads[r->nroads++] = ri;
    return *none ? NULL : ri;
}

static road_info *road_clip(park_resolver *r, road_info *base, int ai, int *none, park_status *st) {
    GEOSContextHandle_t g = r->ctx->geos;
    if (!r->admin_grown[ai]) r->admin_grown[ai] = GEOSBuffer_r(g, r->admin_m[ai], ADMIN_TOL_M, 8);
    const park_parcel *town = park_layer_get(r->admin, (size_t)ai);
    return road_clip_to(r, base, r->admin_grown[ai], town->id, town->name, none, st);
}

/* ------------------------------------------------------------------ one road */

/* Where along a road might an address on it be? Taken as uniform along the
 * road's length, and on a stretch that runs along a parcel edge equally likely
 * on either side. share[i] (i < n: parcel i, i == n: outside the park) adds up
 * the metres each answer gets:
 *   - stretches away from every edge (more than BOUNDARY_TOL_M): to the parcel
 *     that contains them, or outside;
 *   - stretches along an edge: half to each side, the sides found with offset
 *     curves at BOUNDARY_TOL_M + 20 m measured against every parcel;
 *   - short pieces near an edge (a road crossing it): to the parcel at their middle.
 * along_m[i] is the part of share[i] that came from running along an edge. */
static park_status road_shares(park_resolver *r, const road_info *ri, double *share, double *along_m) {
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    size_t n = park_layer_count(r->layer);
    GEOSGeometry *away = GEOSDifference_r(g, ri->m, r->bb_all);
    GEOSGeometry *near = GEOSIntersection_r(g, ri->m, r->bb_all);
    GEOSGeometry *merged = near ? GEOSLineMerge_r(g, near) : NULL;
    if (!away || !near || !merged) {
        if (away) GEOSGeom_destroy_r(g, away);
        if (near) GEOSGeom_destroy_r(g, near);
        return park_geos_fail(ctx, "splitting a road at the parcel edges");
    }
    double away_len = 0, inside = 0;
    GEOSLength_r(g, away, &away_len);
    for (size_t i = 0; i < n; i++) {
        double l = len_in(g, away, r->ix->metric[i]);
        if (l > 0) share[i] += l, inside += l;
    }
    share[n] += fmax(0, away_len - inside);
    int np = GEOSGetNumGeometries_r(g, merged);
    for (int k = 0; k < np; k++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(g, merged, k);
        double pl = 0;
        GEOSLength_r(g, part, &pl);
        if (pl <= 0) continue;
        if (GEOSGeomTypeId_r(g, part) != GEOS_LINESTRING || pl < 4 * BOUNDARY_TOL_M) {
            /* a crossing of an edge, not a run along it */
            GEOSGeometry *mid = GEOSInterpolateNormalized_r(g, part, 0.5);
            size_t who = n;
            for (size_t i = 0; mid && i < n && who == n; i++)
                if (GEOSPreparedCovers_r(g, r->ix->prep_m[i], mid) == 1) who = i;
            if (mid) GEOSGeom_destroy_r(g, mid);
            share[who] += pl;
            continue;
        }
        for (int s = -1; s <= 1; s += 2) {
            GEOSGeometry *off = GEOSOffsetCurve_r(g, part, s * (BOUNDARY_TOL_M + 20), 8, GEOSBUF_JOIN_ROUND, 5);
            double ol = 0, got = 0;
            if (off) GEOSLength_r(g, off, &ol);
            for (size_t i = 0; off && ol > 0 && i < n; i++) {
                double l = len_in(g, off, r->ix->metric[i]);
                if (l > 0) {
                    double m = pl / 2 * fmin(1, l / ol);
                    share[i] += m, along_m[i] += m, got += m;
                }
            }
            share[n] += fmax(0, pl / 2 - got);
            along_m[n] += fmax(0, pl / 2 - got);
            if (off) GEOSGeom_destroy_r(g, off);
        }
    }
    GEOSGeom_destroy_r(g, away), GEOSGeom_destroy_r(g, near), GEOSGeom_destroy_r(g, merged);
    return PARK_OK;
}

/* A road outside every parcel: match road, "outside", the nearest parcel and its
 * distance. Starts the note in `why`. */
static void road_outside(park_resolver *r, road_info *ri, double L, park_buf *why) {
    size_t n = park_layer_count(r->layer);
    ri->match = PARK_MATCH_ROAD, ri->inside = 0, ri->parcel = NULL;
    ri->confidence = 0.9 * ri->prov_factor;
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double d;
        if (park_query_distance(r->ctx, r->ix, ri->m, r->ix->metric[i], &d) == PARK_OK && d < best)
            best = d, ri->nearest = park_layer_get(r->layer, i);
    }
    park_ctx_clear_error(r->ctx); /* a failed distance only leaves a parcel out of "nearest" */
    ri->distance_m = ri->nearest ? best : NAN;
    cand_push(&ri->cand, &ri->ncand, NULL, "outside", 1, L);
    park_buf_printf(why, "%s (%.0f m, %s) lies outside every parcel", ri->names, L, ri->first->provenance);
    if (ri->nearest) park_buf_printf(why, "; the nearest is %s, %.0f m away", ri->nearest->name, best);
}

static park_status road_analyse(park_resolver *r, road_info *ri) {
    if (ri->analysed) return PARK_OK;
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    size_t n = park_layer_count(r->layer);
    double L = 0;
    GEOSLength_r(g, ri->m, &L);
    ri->length_m = L;
    double nearl = len_in(g, ri->m, r->obuf_all);
    double bd = len_in(g, ri->m, r->bb_all);
    if (!isfinite(nearl) || !isfinite(bd) || L <= 0) return park_geos_fail(ctx, "measuring a road against the parcels");
    park_buf why;
    park_buf_init(&why);
    ri->distance_m = NAN;
    const char *src = ri->first->provenance;
    double *share = calloc(n + 1, sizeof *share), *along = calloc(n + 1, sizeof *along);
    if (!share || !along) {
        free(share), free(along);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    park_status st = PARK_OK;
    const park_parcel *within = NULL;
    if (nearl >= 20 && bd < 0.5 * nearl) /* not mainly along edges: wholly within one parcel? */
        for (size_t i = 0; i < n && !within; i++)
            if (GEOSPreparedCovers_r(g, r->obuf_prep[i], ri->m) == 1) within = park_layer_get(r->layer, i);
    if (nearl < 20) {
        /* wholly outside the park (at most touching a corner): the nearest parcel */
        road_outside(r, ri, L, &why);
    } else if (within) {
        ri->match = PARK_MATCH_ROAD, ri->inside = 1, ri->parcel = within;
        ri->confidence = 0.9 * ri->prov_factor;
        cand_push(&ri->cand, &ri->ncand, within, "inside", 1, L);
        park_buf_printf(&why, "the whole of %s (%.0f m, %s) lies within %s", ri->names, L, src, within->name);
    } else if ((st = road_shares(r, ri, share, along)) == PARK_OK) {
        bool boundary = bd >= 0.5 * nearl && bd >= 50;
        ri->match = boundary ? PARK_MATCH_BOUNDARY : PARK_MATCH_AMBIGUOUS;
        for (size_t i = 0; i <= n; i++) {
            if (share[i] / L < 0.005) continue; /* under half a percent: a corner clipped, not an answer */
            const park_parcel *p = i < n ? park_layer_get(r->layer, i) : NULL;
            cand_push(&ri->cand, &ri->ncand, p, !p ? "outside" : along[i] > share[i] / 2 ? "boundary" : "inside", share[i] / L,
                      share[i]);
        }
        qsort(ri->cand, ri->ncand, sizeof *ri->cand, cand_cmp);
        if (!boundary && ri->ncand == 1) {
            /* Near the park but every metre (all but under half a percent) falls in
             * one place, e.g. a road that ends at or grazes a parcel's edge from
             * outside: that is one answer, not an ambiguous one. */
            const park_parcel *only = ri->cand[0].parcel;
            free(ri->cand), ri->cand = NULL, ri->ncand = 0;
            if (!only) {
                road_outside(r, ri, L, &why);
                park_buf_printf(&why, " (it comes within %.0f m of a parcel edge for %.0f m, too little to be on that side)",
                                BOUNDARY_TOL_M, nearl);
            } else {
                ri->match = PARK_MATCH_ROAD, ri->inside = 1, ri->parcel = only;
                ri->confidence = 0.9 * ri->prov_factor;
                cand_push(&ri->cand, &ri->ncand, only, "inside", 1, L);
                park_buf_printf(&why, "%s (%.0f m, %s) lies within %s (less than half a percent of it elsewhere)", ri->names,
                                L, src, only->name);
            }
        } else {
            if (boundary) {
                park_buf_printf(&why, "%.0f m of %s (%.0f m, %s) runs along parcel edges (within %.0f m), so the side is unknown",
                                bd, ri->names, L, src, BOUNDARY_TOL_M);
                bool first = true;
                for (size_t i = 0; i <= n; i++)
                    if (along[i] >= 0.1 * bd / 2)
                        park_buf_printf(&why, "%s%s", first ? "; along edges it borders " : ", ",
                                        i < n ? park_layer_get(r->layer, i)->name : "outside the park"),
                            first = false;
            } else {
                park_buf_printf(&why, "%s (%.0f m, %s) crosses parcels", ri->names, L, src);
            }
            park_buf_append(&why, "; share of its length: ");
            for (size_t i = 0; i < ri->ncand; i++)
                park_buf_printf(&why, "%s%.0f%% %s", i ? ", " : "", 100 * ri->cand[i].share, pname(ri->cand[i].parcel));
            /* a clear majority (not a 50/50 split that rounding tips) picks the parcel */
            if (ri->ncand && ri->cand[0].share > 0.55) ri->parcel = ri->cand[0].parcel;
            bool any_out = false;
            for (size_t i = 0; i < ri->ncand; i++) any_out |= ri->cand[i].parcel == NULL;
            ri->inside = ri->parcel != NULL || (ri->ncand > 0 && !any_out);
            ri->confidence = (ri->ncand ? ri->cand[0].share : 0) * 0.9 * ri->prov_factor;
        }
    }
    free(share), free(along);
    if (st) {
        park_buf_free(&why);
        return st;
    }
    if (ri->error_m > BOUNDARY_TOL_M)
        park_buf_printf(&why, "; its position is uncertain by about %.0f m (%s)", ri->error_m, src);
    ri->note = park_buf_take(&why);
    ri->analysed = 1;
    return PARK_OK;
}

/* ------------------------------------------------------------------ answers */

static void res_init(park_resolution *out) {
    memset(out, 0, sizeof *out);
    out->lon = out->lat = out->distance_m = NAN;
}

static void set_note(park_resolution *out, park_buf *b) {
    free(out->note);
    out->note = park_buf_take(b);
}

/* A point within `tol` of parcel edges: every side it could be on becomes a
 * candidate (equal shares), "outside" too when the circle of radius tol around
 * it is not wholly within the park. */
static void edge_candidates(park_resolver *r, park_resolution *out, double tol) {
    GEOSContextHandle_t g = r->ctx->geos;
    double x = out->lon, y = out->lat;
    if (park_query_to_metric(r->ctx, r->ix, &x, &y)) return;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
    GEOSGeometry *circle = pt ? GEOSBuffer_r(g, pt, tol, 8) : NULL;
    size_t n = park_layer_count(r->layer), k = 0;
    const park_parcel **near = calloc(n + 1, sizeof *near);
    for (size_t i = 0; near && circle && i < n; i++)
        if (GEOSPreparedIntersects_r(g, r->ix->prep_m[i], circle) == 1) near[k++] = park_layer_get(r->layer, i);
    bool outside = circle && GEOSCovers_r(g, r->parcels_all, circle) != 1;
    if (near && k + outside > 1) {
        free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
        for (size_t i = 0; i < k; i++)
            cand_push(&out->candidates, &out->ncandidates, near[i], "boundary", 1.0 / (double)(k + outside), NAN);
        if (outside) cand_push(&out->candidates, &out->ncandidates, NULL, "outside", 1.0 / (double)(k + outside), NAN);
    }
    free(near);
    if (circle) GEOSGeom_destroy_r(g, circle);
    if (pt) GEOSGeom_destroy_r(g, pt);
}

static park_status answer_point(park_resolver *r, double lon, double lat, park_datum datum, park_resolution *out,
                                park_buf *why) {
    park_locate_result lr;
    park_status st = park_locate_lonlat(r->ctx, r->layer, lon, lat, datum, &lr);
    if (st) return st;
    out->has_point = 1, out->lon = lr.wgs84_lon, out->lat = lr.wgs84_lat;
    out->inside = lr.inside, out->parcel = lr.parcel, out->distance_m = lr.distance_m;
    out->nearest = lr.inside ? NULL : lr.nearest;
    if (lr.inside) {
        cand_push(&out->candidates, &out->ncandidates, lr.parcel, "inside", 1, NAN);
        park_buf_printf(why, "the point (%.6f, %.6f WGS84) is inside %s, %.0f m from its boundary", lr.wgs84_lon, lr.wgs84_lat,
                        lr.parcel->name, lr.distance_m);
    } else {
        cand_push(&out->candidates, &out->ncandidates, NULL, "outside", 1, NAN);
        park_buf_printf(why, "the point (%.6f, %.6f WGS84) is outside every parcel", lr.wgs84_lon, lr.wgs84_lat);
        if (lr.nearest) park_buf_printf(why, "; the nearest is %s, %.0f m away", lr.nearest->name, lr.distance_m);
    }
    return PARK_OK;
}

park_status park_address_resolve_point(park_ctx *ctx, park_resolver *r, double lon, double lat, park_datum datum,
                                       park_resolution *out) {
    res_init(out);
    park_buf why;
    park_buf_init(&why);
    park_status st = answer_point(r, lon, lat, datum, out, &why);
    if (st) {
        park_buf_free(&why);
        return st;
    }
    out->match = PARK_MATCH_EXACT;
    out->confidence = 1.0;
    int bi = admin_find(r, "宝山区");
    if (bi >= 0) {
        double x = out->lon, y = out->lat, d = 0;
        GEOSContextHandle_t g = ctx->geos;
        if (park_query_to_metric(ctx, r->ix, &x, &y) == PARK_OK) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
            if (!r->baoshan_prep) r->baoshan_prep = GEOSPrepare_r(g, r->admin_m[bi]);
            /* most points are in the district: the prepared test spares the distance */
            if (pt && r->baoshan_prep && GEOSPreparedContains_r(g, r->baoshan_prep, pt) == 0 &&
                GEOSPreparedDistance_r(g, r->baoshan_prep, pt, &d) && d > ADMIN_TOL_M)
                park_buf_printf(&why, "; the point is outside 宝山区 (%.1f km from its boundary)", d / 1000);
            if (pt) GEOSGeom_destroy_r(g, pt);
        }
    }
    /* exact coordinates, but the parcel edge itself is not exact: say so near it */
    if (out->distance_m < BOUNDARY_TOL_M) {
        out->confidence = 0.7;
        edge_candidates(r, out, BOUNDARY_TOL_M);
        park_buf_printf(&why, "; within %.0f m of a parcel edge, closer than the edges' own uncertainty", BOUNDARY_TOL_M);
    }
    set_note(out, &why);
    return PARK_OK;
}

static void copy_road(park_resolution *out, const road_info *ri) {
    out->match = ri->match, out->confidence = ri->confidence, out->inside = ri->inside;
    out->parcel = ri->parcel, out->nearest = ri->nearest, out->distance_m = ri->distance_m;
    out->feature = ri->first;
    out->candidates = malloc((ri->ncand ? ri->ncand : 1) * sizeof *out->candidates);
    if (out->candidates) {
        memcpy(out->candidates, ri->cand, ri->ncand * sizeof *ri->cand);
        out->ncandidates = ri->ncand;
    }
}

/* Parcels named by a park alias (several for "电子商务示范基地", all for 宝山园). */
static size_t park_parcels(park_resolver *r, const char *park, const park_parcel **hits, size_t max) {
    size_t n = park_layer_count(r->layer), k = 0;
    bool all = !strcmp(park, "张江高新区宝山园");
    for (size_t i = 0; i < n && k < max; i++) {
        const park_parcel *p = park_layer_get(r->layer, i);
        if (all || name_is_parcel(park, p->name)) hits[k++] = p;
    }
    return k;
}

static park_status answer_park(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    const park_parcel *hits[64];
    size_t k = park_parcels(r, a->park, hits, 64);
    if (k == 0) {
        out->match = PARK_MATCH_NOT_FOUND;
        park_buf_printf(why, "'%s' names %s, which is not a parcel of the loaded layer", a->park_text, a->park);
        return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s' names %s, which is not a parcel of the loaded layer", a->input, a->park);
    }
    out->match = PARK_MATCH_PARK;
    double total = 0, *area = calloc(k, sizeof *area);
    for (size_t i = 0; i < k && area; i++) park_area_geodesic(r->ctx, hits[i]->geom, &area[i]), total += area[i];
    for (size_t i = 0; i < k; i++)
        cand_push(&out->candidates, &out->ncandidates, hits[i], "inside", area && total > 0 ? area[i] / total : 1.0 / k, NAN);
    free(area);
    qsort(out->candidates, out->ncandidates, sizeof *out->candidates, cand_cmp);
    out->inside = 1;
    if (k == 1) {
        out->parcel = hits[0];
        out->confidence = 0.95; /* a name, not a place: the company may sit outside its park's line */
        park_buf_printf(why, "'%s' is the parcel %s", a->park_text, hits[0]->name);
    } else {
        out->confidence = 1.0 / (double)k;
        park_buf_printf(why, "'%s' names %zu parcels (shares are of their area)", a->park_text, k);
    }
    return PARK_OK;
}

/* A park name given with a road: where the road leaves the side open, the name
 * decides; where they disagree, the geometry stands and the note says so. */
static void apply_park_hint(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    if (!a->park[0]) return;
    const park_parcel *hits[64];
    size_t k = park_parcels(r, a->park, hits, 64);
    if (k != 1) return;
    bool among = false;
    for (size_t i = 0; i < out->ncandidates; i++) among |= out->candidates[i].parcel == hits[0];
    if (!among && out->feature && (out->match == PARK_MATCH_BOUNDARY || out->match == PARK_MATCH_AMBIGUOUS ||
                                   (out->match == PARK_MATCH_ROAD && !out->inside))) {
        /* a road that reaches the named parcel (within the edge tolerance) */
        road_info *ri = NULL;
        park_status st;
        if ((ri = road_find(r, a->road, &st)) != NULL) {
            size_t pi = 0;
            while (pi < park_layer_count(r->layer) && park_layer_get(r->layer, pi) != hits[0]) pi++;
            among = pi < park_layer_count(r->layer) && GEOSPreparedIntersects_r(r->ctx->geos, r->obuf_prep[pi], ri->m) == 1;
        }
        park_ctx_clear_error(r->ctx);
    }
    if (out->parcel == hits[0]) {
        out->confidence = fmin(1, out->confidence + 0.05);
        park_buf_printf(why, "; the park name %s agrees", a->park_text);
    } else if (among) {
        out->parcel = hits[0], out->inside = 1;
        out->confidence = 0.85;
        park_buf_printf(why, "; the park name %s picks %s among the candidates", a->park_text, hits[0]->name);
    } else {
        out->confidence *= 0.5;
        park_buf_printf(why, "; but the address also names %s, which the road does not touch: check the address",
                        a->park_text);
    }
}

static void number_note(const park_address *a, const park_resolution *out, park_buf *why) {
    if (!(a->number[0] || a->lane[0])) return;
    if (out->match != PARK_MATCH_BOUNDARY && out->match != PARK_MATCH_AMBIGUOUS) return;
    park_buf_printf(why, "; house-number ranges are not known for %s, so %s%s%s%s%s%s cannot tell which part of it", a->road,
                    a->lane, a->lane[0] ? "弄" : "", a->sublane, a->sublane[0] ? "支弄" : "", a->number,
                    a->number[0] ? "号" : "");
}

static park_status not_found(park_resolver *r, const park_address *a, const char *road, park_resolution *out,
                             park_buf *why) {
    out->match = PARK_MATCH_NOT_FOUND;
    out->confidence = 0;
    suggest(r, road, out);
    park_buf_printf(why, "%s is not in the gazetteer (%zu named features)", road, r->nfeat);
    if (out->nsuggestions) {
        park_buf_append(why, "; closest names: ");
        for (size_t i = 0; i < out->nsuggestions; i++) park_buf_printf(why, "%s%s", i ? ", " : "", out->suggestions[i]);
    } else park_buf_append(why, "; no name in it is close");
    return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s': %s", a->input, why->s);
}

/* The crossing point(s) of two roads, in the metric plane. */
static park_status crossing(park_resolver *r, const road_info *r1, const road_info *r2, bool near, double *x, double *y,
                            double *gap, int *npoints) {
    GEOSContextHandle_t g = r->ctx->geos;
    *gap = 0, *npoints = 0;
    GEOSGeometry *xg = near ? NULL : GEOSIntersection_r(g, r1->m, r2->m);
    if (xg && !GEOSisEmpty_r(g, xg)) {
        /* the centroid of the crossing points that are within 200 m of the first:
         * roads that cross twice give two points; the first is kept, the count reported */
        int k = GEOSGetNumGeometries_r(g, xg);
        double x0 = NAN, y0 = NAN, sx = 0, sy = 0;
        int used = 0;
        for (int i = 0; i < k; i++) {
            GEOSGeometry *c = GEOSGetCentroid_r(g, GEOSGetGeometryN_r(g, xg, i));
            double cx, cy;
            if (c && GEOSGeomGetX_r(g, c, &cx) && GEOSGeomGetY_r(g, c, &cy)) {
                if (isnan(x0)) x0 = cx, y0 = cy;
                if (hypot(cx - x0, cy - y0) <= 200) sx += cx, sy += cy, used++;
                else (*npoints)++;
            }
            if (c) GEOSGeom_destroy_r(g, c);
        }
        *npoints += used ? 1 : 0;
        *x = sx / used, *y = sy / used;
        GEOSGeom_destroy_r(g, xg);
        return used ? PARK_OK : park_geos_fail(r->ctx, "crossing point");
    }
    if (xg) GEOSGeom_destroy_r(g, xg);
    GEOSCoordSequence *cs = GEOSNearestPoints_r(g, r1->m, r2->m);
    if (!cs) return park_geos_fail(r->ctx, "nearest points of two roads");
    double x1, y1, x2, y2;
    GEOSCoordSeq_getXY_r(g, cs, 0, &x1, &y1);
    GEOSCoordSeq_getXY_r(g, cs, 1, &x2, &y2);
    GEOSCoordSeq_destroy_r(g, cs);
    *gap = hypot(x2 - x1, y2 - y1);
    /* "A路近B路": the place is on A, where it comes closest to B */
    if (near) *x = x1, *y = y1;
    else *x = (x1 + x2) / 2, *y = (y1 + y2) / 2;
    *npoints = 1;
    return PARK_OK;
}

static size_t cross_slot(const cross_memo *t, size_t cap, const void *a, const void *b, int near) {
    uintptr_t h = ((uintptr_t)a * 31u) ^ ((uintptr_t)b * 17u) ^ (uintptr_t)near;
    h ^= h >> 15;
    size_t i = (size_t)h & (cap - 1);
    while (t[i].a && !(t[i].a == a && t[i].b == b && t[i].near == near)) i = (i + 1) & (cap - 1);
    return i;
}

static park_status crossing_memo(park_resolver *r, const road_info *r1, const road_info *r2, bool near, double *x,
                                 double *y, double *gap, int *npoints) {
    if (r->cross_cap == 0 || 2 * (r->ncross + 1) > r->cross_cap) {
        size_t cap = r->cross_cap ? r->cross_cap * 2 : 64;
        cross_memo *t = calloc(cap, sizeof *t);
        if (!t) return crossing(r, r1, r2, near, x, y, gap, npoints); /* no memo, still an answer */
        for (size_t i = 0; i < r->cross_cap; i++)
            if (r->cross[i].a) t[cross_slot(t, cap, r->cross[i].a, r->cross[i].b, r->cross[i].near)] = r->cross[i];
        free(r->cross);
        r->cross = t, r->cross_cap = cap;
    }
    size_t i = cross_slot(r->cross, r->cross_cap, r1, r2, near);
    cross_memo *m = &r->cross[i];
    if (!m->a) {
        park_status st = crossing(r, r1, r2, near, &m->x, &m->y, &m->gap, &m->npts);
        if (st) return st;
        m->a = r1, m->b = r2, m->near = near;
        r->ncross++;
    }
    *x = m->x, *y = m->y, *gap = m->gap, *npoints = m->npts;
    return PARK_OK;
}

static park_status answer_intersection(park_resolver *r, const park_address *a, park_datum datum, park_resolution *out,
                                       park_buf *why) {
    park_status st;
    road_info *r1 = road_find(r, a->road, &st);
    if (st) return st;
    road_info *r2 = road_find(r, a->road2, &st);
    if (st) return st;
    bool near = !strcmp(a->relation, "near");
    if (!r1 && !r2) {
        not_found(r, a, a->road, out, why);
        park_buf_printf(why, "; %s is not in the gazetteer either", a->road2);
        return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s': %s", a->input, why->s);
    }
    if (!r1 || !r2) {
        /* one road known: answer from it alone, and say so */
        road_info *ri = r1 ? r1 : r2;
        const char *missing = r1 ? a->road2 : a->road;
        if ((st = road_analyse(r, ri))) return st;
        copy_road(out, ri);
        out->confidence *= 0.8;
        park_buf_printf(why, "%s is not in the gazetteer, so this answer is from %s alone: %s", missing, ri->first->name, ri->note);
        return PARK_OK;
    }
    double x, y, gap;
    int npts;
    if ((st = crossing_memo(r, r1, r2, near, &x, &y, &gap, &npts))) return st;
    if ((st = park_query_to_lonlat(r->ctx, r->ix, &x, &y))) return st;
    park_buf sub;
    park_buf_init(&sub);
    if ((st = answer_point(r, x, y, PARK_DATUM_WGS84, out, &sub))) {
        park_buf_free(&sub);
        return st;
    }
    (void)datum;
    out->match = PARK_MATCH_INTERSECTION;
    out->feature = r1->first, out->feature2 = r2->first;
    double pf = fmin(r1->prov_factor, r2->prov_factor);
    double err = fmax(r1->error_m, r2->error_m);
    out->confidence = 0.9 * pf;
    if (near)
        park_buf_printf(why, "the point of %s nearest to %s (%.0f m apart): %s", r1->names, r2->names, gap, sub.s);
    else if (gap == 0)
        park_buf_printf(why, "%s crosses %s%s: %s", r1->names, r2->names,
                        npts > 1 ? " more than once (the first crossing is used)" : "", sub.s);
    else if (gap <= MEET_TOL_M + err) {
        out->confidence *= 0.8;
        park_buf_printf(why, "%s and %s do not cross in the gazetteer but come within %.0f m (a T-junction or a gap); the midpoint is used: %s",
                        r1->names, r2->names, gap, sub.s);
    } else {
        out->confidence *= 0.4;
        park_buf_printf(why, "%s and %s do not meet in the gazetteer: their nearest points are %.0f m apart; the midpoint is used: %s",
                        r1->names, r2->names, gap, sub.s);
    }
    if (near && gap > 500) out->confidence *= 0.5;
    park_buf_free(&sub);
    /* crossings of two boundary roads are parcel corners: the side is open */
    if (isfinite(out->distance_m) && out->distance_m < BOUNDARY_TOL_M + err) {
        out->confidence = fmin(out->confidence, 0.5);
        edge_candidates(r, out, BOUNDARY_TOL_M + err);
        park_buf_printf(why, "; the crossing is within %.0f m of a parcel edge, so either side is possible",
                        BOUNDARY_TOL_M + err);
    }
    return PARK_OK;
}

/* ------------------------------------------------------------------ stations */

/* The station an address names ("上大路" -> "上大路站"); -1 if none. */
static int station_find(const park_resolver *r, const char *name) {
    char *full = park_asprintf("%s站", name), *key = name_key(full), *framed = park_asprintf(";%s;", key);
    int hit = -1;
    for (size_t i = 0; i < r->nst && hit < 0; i++)
        if (!strcmp(r->st_key[i], key) || strstr(r->st_ali[i], framed)) hit = (int)i;
    free(full), free(key), free(framed);
    return hit;
}

/* The circle of STATION_RADIUS_M around station i, metric, made once. */
static const GEOSGeometry *station_circle(park_resolver *r, int i) {
    if (r->st_circle[i]) return r->st_circle[i];
    double x = r->st_lon[i], y = r->st_lat[i];
    if (park_query_to_metric(r->ctx, r->ix, &x, &y)) return NULL;
    GEOSContextHandle_t g = r->ctx->geos;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
    if (pt) r->st_circle[i] = GEOSBuffer_r(g, pt, STATION_RADIUS_M, 16), GEOSGeom_destroy_r(g, pt);
    return r->st_circle[i];
}

/* "near 上大路站": the parcels within a 500 m walk, as shares of that circle's area. */
static park_status answer_station(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    int si = station_find(r, a->station);
    if (si < 0) {
        out->match = PARK_MATCH_NOT_FOUND;
        /* the closest station names, by edit distance */
        char *key = park_asprintf("%s站", a->station);
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < r->nst; i++) {
            size_t d = park_utf8_edit_distance(key, r->st_name[i]);
            if (d < best) best = d;
        }
        for (size_t i = 0; i < r->nst && best <= 2; i++)
            if (park_utf8_edit_distance(key, r->st_name[i]) == best && out->nsuggestions < 5) {
                char **t = realloc(out->suggestions, (out->nsuggestions + 1) * sizeof *t);
                if (t) out->suggestions = t, t[out->nsuggestions++] = park_strdup(r->st_name[i]);
            }
        park_buf_printf(why, "%s is not a metro station in the data (%zu stations in and near 宝山区)", key, r->nst);
        for (size_t i = 0; i < out->nsuggestions; i++) park_buf_printf(why, "%s%s", i ? ", " : "; closest: ", out->suggestions[i]);
        free(key);
        return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s': %s", a->input, why->s);
    }
    park_buf sub;
    park_buf_init(&sub);
    park_status st = answer_point(r, r->st_lon[si], r->st_lat[si], PARK_DATUM_WGS84, out, &sub);
    if (st) {
        park_buf_free(&sub);
        return st;
    }
    const GEOSGeometry *circle = station_circle(r, si);
    if (!circle) {
        park_buf_free(&sub);
        return park_geos_fail(r->ctx, "circle around a station");
    }
    GEOSContextHandle_t g = r->ctx->geos;
    double ca = 0, in = 0;
    GEOSArea_r(g, circle, &ca);
    free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
    for (size_t i = 0; i < park_layer_count(r->layer); i++) {
        GEOSGeometry *x = GEOSIntersection_r(g, circle, r->ix->metric[i]);
        double ar = 0;
        if (x) GEOSArea_r(g, x, &ar), GEOSGeom_destroy_r(g, x);
        if (ar / ca >= 0.005) cand_push(&out->candidates, &out->ncandidates, park_layer_get(r->layer, i), "inside", ar / ca, NAN), in += ar;
    }
    if (ca - in >= 0.005 * ca) cand_push(&out->candidates, &out->ncandidates, NULL, "outside", (ca - in) / ca, NAN);
    qsort(out->candidates, out->ncandidates, sizeof *out->candidates, cand_cmp);
    out->match = PARK_MATCH_STATION;
    out->parcel = out->ncandidates && out->candidates[0].share > 0.55 ? out->candidates[0].parcel : NULL;
    bool any_out = false;
    for (size_t i = 0; i < out->ncandidates; i++) any_out |= out->candidates[i].parcel == NULL;
    out->inside = out->parcel != NULL || (out->ncandidates && !any_out);
    out->confidence = (out->ncandidates ? out->candidates[0].share : 0) * 0.9;
    park_buf_printf(why, "near %s (%s): of the %.0f m circle around it, ", r->st_name[si], r->st_lines[si], STATION_RADIUS_M);
    for (size_t i = 0; i < out->ncandidates; i++)
        park_buf_printf(why, "%s%.0f%% %s", i ? ", " : "", 100 * out->candidates[i].share, pname(out->candidates[i].parcel));
    park_buf_printf(why, "; the station itself: %s", sub.s);
    park_buf_free(&sub);
    return PARK_OK;
}

static park_status answer_road(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    park_status st;
    road_info *ri = road_find(r, a->road, &st);
    if (st) return st;
    if (!ri) {
        if (a->park[0]) {
            /* the road is unknown but the park is named: answer from the name */
            park_buf sub;
            park_buf_init(&sub);
            st = answer_park(r, a, out, &sub);
            if (st == PARK_OK) {
                out->confidence *= 0.9;
                park_buf_printf(why, "%s is not in the gazetteer; from the park name: %s", a->road, sub.s);
                park_buf_free(&sub);
                return PARK_OK;
            }
            park_buf_free(&sub);
            park_ctx_clear_error(r->ctx);
            free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
        }
        return not_found(r, a, a->road, out, why);
    }
    /* a town with geometry narrows the road to its part in that town */
    park_buf tn;
    park_buf_init(&tn);
    double town_factor = 1;
    if (a->town[0]) {
        int ai = admin_find(r, a->town), none = 0;
        if (ai < 0) {
            park_buf_printf(&tn, "; %s has no geometry in the data, so it does not narrow the road", a->town);
        } else {
            road_info *cl = road_clip(r, ri, ai, &none, &st);
            if (st) {
                park_buf_free(&tn);
                return st;
            }
            if (cl) ri = cl;
            else {
                town_factor = 0.7;
                park_buf_printf(&tn, "; %s does not pass through %s in the data (its outline is approximate, ±%.0f m): check the address",
                                ri->first->name, a->town, ADMIN_TOL_M);
            }
        }
    }
    /* "(近上大路站)": the part of the road within STATION_RADIUS_M of the station */
    if (a->station[0]) {
        int si = station_find(r, a->station), none = 0;
        if (si < 0) {
            park_buf_printf(&tn, "; %s站 is not a metro station in the data, so it does not narrow the road", a->station);
        } else {
            char tag[96], label[160];
            snprintf(tag, sizeof tag, "station:%d", si);
            snprintf(label, sizeof label, "%.0f m of %s", STATION_RADIUS_M, r->st_name[si]);
            road_info *cl = road_clip_to(r, ri, station_circle(r, si), tag, label, &none, &st);
            if (st) {
                park_buf_free(&tn);
                return st;
            }
            if (cl) ri = cl;
            else {
                town_factor *= 0.7;
                park_buf_printf(&tn, "; %s does not pass within %.0f m of %s in the data: check the address", ri->first->name,
                                STATION_RADIUS_M, r->st_name[si]);
            }
        }
    }
    if ((st = road_analyse(r, ri))) {
        park_buf_free(&tn);
        return st;
    }
    copy_road(out, ri);
    out->confidence *= town_factor;
    park_buf_append(why, ri->note);
    if (strcmp(ri->first->name, a->road) && !strstr(ri->first->name, a->road))
        park_buf_printf(why, " (read '%s' as %s)", a->road, ri->first->name);
    if (tn.len) park_buf_append(why, tn.s);
    park_buf_free(&tn);
    number_note(a, out, why);
    apply_park_hint(r, a, out, why);
    return PARK_OK;
}

park_status park_address_resolve(park_ctx *ctx, park_resolver *r, const park_address *a, park_datum datum,
                                 park_resolution *out) {
    res_init(out);
    park_buf why;
    park_buf_init(&why);
    park_status st = PARK_OK;
    if (a->in_shanghai < 0 || a->in_baoshan < 0) {
        /* every parcel of 张江高新区宝山园 lies in 宝山区: the district is the answer */
        out->match = PARK_MATCH_OUTSIDE, out->inside = 0;
        out->confidence = 0.95;
        const char *where = a->district[0] ? a->district : a->city[0] ? a->city : a->province;
        cand_push(&out->candidates, &out->ncandidates, NULL, "outside", 1, NAN);
        park_buf_printf(&why, "the address is in %s, not in 宝山区 where every parcel of the park lies", where);
        if (a->road[0]) {
            park_status s2;
            road_info *ri = road_find(r, a->road, &s2);
            if (ri && road_analyse(r, ri) == PARK_OK && ri->inside) {
                out->confidence = 0.6;
                park_buf_printf(&why, "; but %s, a road in the park's gazetteer, is also named: check the district", ri->first->name);
            }
            park_ctx_clear_error(ctx);
        }
    } else {
        switch (a->kind) {
        case PARK_ADDR_COORDS: {
            park_resolution_clear(out);
            st = park_address_resolve_point(ctx, r, a->lon, a->lat, datum, out);
            if (st == PARK_OK && a->swapped) {
                char *n = park_asprintf("%s (the text gave latitude first; read as %.6f,%.6f)", out->note, a->lon, a->lat);
                if (n) free(out->note), out->note = n;
            }
            park_buf_free(&why);
            return st;
        }
        case PARK_ADDR_INTERSECTION: st = answer_intersection(r, a, datum, out, &why); break;
        case PARK_ADDR_ROAD: st = answer_road(r, a, out, &why); break;
        case PARK_ADDR_PARK: st = answer_park(r, a, out, &why); break;
        case PARK_ADDR_STATION: st = answer_station(r, a, out, &why); break;
        case PARK_ADDR_ADMIN: {
            out->match = PARK_MATCH_NOT_FOUND;
            park_buf_printf(&why, "too vague: '%s' names no road and no park (only %s%s%s); give a road, a park name or coordinates",
                            a->input, a->district[0] ? a->district : a->province[0] ? a->province : a->city,
                            a->town[0] ? " " : "", a->town);
            int ai = admin_find(r, a->town[0] ? a->town : "");
            if (ai >= 0) {
                /* say which parcels the town holds, from the geometry */
                GEOSContextHandle_t g = ctx->geos;
                size_t k = 0;
                for (size_t i = 0; i < park_layer_count(r->layer); i++) {
                    GEOSGeometry *x = GEOSIntersection_r(g, r->admin_m[ai], r->ix->metric[i]);
                    double area = 0;
                    if (x) GEOSArea_r(g, x, &area), GEOSGeom_destroy_r(g, x);
                    if (area < 1e4) continue; /* slivers of an approximate outline */
                    park_buf_printf(&why, "%s%s (%.2f km²)", k++ ? ", " : "; parcels overlapping its approximate outline: ",
                                    park_layer_get(r->layer, i)->name, area / 1e6);
                }
                if (!k) park_buf_printf(&why, "; no parcel overlaps its approximate outline");
            }
            /* leftover words may be a misspelt road ("共和新璐"): offer the closest names */
            const char *p = a->rest, *e = p;
            while (*e && !(*e >= '0' && *e <= '9') && *e != '(' && *e != ' ') park_utf8_next(&e);
            if (e - p >= 6) { /* at least two CJK characters */
                char *word = park_strndup(p, (size_t)(e - p));
                suggest(r, word, out);
                if (out->nsuggestions) {
                    park_buf_printf(&why, "; is '%s' one of: ", word);
                    for (size_t i = 0; i < out->nsuggestions; i++) park_buf_printf(&why, "%s%s", i ? ", " : "", out->suggestions[i]);
                    park_buf_append(&why, "?");
                }
                free(word);
            }
            st = park_error(ctx, PARK_ERR_NOTFOUND, "%s", why.s);
            break;
        }
        }
    }
    if (!why.len) park_buf_append(&why, park_match_name(out->match));
    set_note(out, &why);
    return st;
}
