/* osm.c - OSM extracts through GDAL/OGR: Geofabrik's layered Shapefiles
 * (gis_osm_*_free_1, a directory or .zip) and whole .osm / .osm.pbf files
 * (GDAL's OSM driver). Both are read by ONE loop (GDALDatasetGetNextFeature)
 * into one in-memory model (theme, class, name, osm id, lon/lat geometry);
 * only the mapping of a feature's layer and fields onto a theme differs
 * (feature_theme). Selection by name (with spelling variants) and box, and
 * merging of the ways of one name, work on that model. */
#define _LARGEFILE64_SOURCE 1 /* struct stat64 for VSIStatBufL (cpl_vsi.h) */
#include <dirent.h>
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_error.h>
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "parkgis_sources.h"
#include "sources/sources.h"

typedef struct {
    int theme;
    char *cls, *name, *key, *id;
    GEOSGeometry *g; /* lon/lat */
    double x0, y0, x1, y1;
} ofeat_t;

struct park_osm {
    char *path;
    const char *form;
    bool loaded;
    park_status load_st; /* what loading gave, and its message */
    char *load_err;
    double aoi[4];
    ofeat_t *v;
    size_t n, cap;
};

/* ------------------------------------------------------------ names */

/* Replaces every occurrence of `from` by `to` (same or shorter byte length not required). */
static char *replace_all(char *s, const char *from, const char *to) {
    park_buf b;
    park_buf_init(&b);
    size_t fl = strlen(from);
    for (const char *p = s; *p;) {
        if (!strncmp(p, from, fl)) park_buf_append(&b, to), p += fl;
        else park_buf_appendn(&b, p, 1), p++;
    }
    free(s);
    return park_buf_take(&b);
}

char *park_osm_name_key(const char *name) {
    char *s = park_strdup(name ? name : "");
    s = replace_all(s, "蕴", "蕰");   /* the plan writes 蕴藻浜, OSM 蕰藻浜 (U+8570) */
    s = replace_all(s, "荻径", "荻泾"); /* one OSM way of 荻泾 is spelled 荻径 */
    s = replace_all(s, "（", "(");
    s = replace_all(s, "）", ")");
    s = replace_all(s, " ", "");
    size_t l = strlen(s), hl = strlen("河");
    /* a trailing 河 ("潘泾河" = OSM "潘泾") when two or more characters remain */
    if (l > hl && !strcmp(s + l - hl, "河")) {
        const char *p = s;
        int chars = 0;
        while (p < s + l - hl) park_utf8_next(&p), chars++;
        if (chars >= 2) s[l - hl] = 0;
    }
    return s;
}

/* ------------------------------------------------------------ reading */

static const char *field(OGRFeatureH f, OGRFeatureDefnH d, const char *name) {
    int i = OGR_FD_GetFieldIndex(d, name);
    if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i)) return "";
    return OGR_F_GetFieldAsString(f, i);
}

/* The one place where the two forms differ: which theme a feature belongs to
 * and its class. Geofabrik: by layer (file) name, class = fclass. OSM driver:
 * layer lines (highway / waterway tags) or multipolygons (natural=water,
 * landuse, amenity/leisure, aeroway). Returns 0 for features of no theme. */
static int feature_theme(const char *layer, OGRFeatureH f, OGRFeatureDefnH d, const char **cls) {
    *cls = field(f, d, "fclass");
    if (strstr(layer, "gis_osm_") || strstr(layer, "landuse")) {
        if (strstr(layer, "roads")) return PARK_OSM_ROAD;
        if (strstr(layer, "waterways")) return PARK_OSM_WATERWAY;
        if (strstr(layer, "water_a")) return PARK_OSM_WATER;
        if (strstr(layer, "landuse")) return PARK_OSM_LANDUSE;
        if (strstr(layer, "pois_a")) return PARK_OSM_POI;
        if (strstr(layer, "transport_a")) return PARK_OSM_TRANSPORT;
        return 0;
    }
    if (!strcmp(layer, "lines")) {
        if (*(*cls = field(f, d, "highway"))) return PARK_OSM_ROAD;
        if (*(*cls = field(f, d, "waterway"))) return PARK_OSM_WATERWAY;
        return 0;
    }
    if (!strcmp(layer, "multipolygons")) {
        if (!strcmp(*cls = field(f, d, "natural"), "water")) return PARK_OSM_WATER;
        if (*(*cls = field(f, d, "landuse"))) return PARK_OSM_LANDUSE;
        if (*(*cls = field(f, d, "amenity"))) return PARK_OSM_POI;
        if (*(*cls = field(f, d, "leisure"))) return PARK_OSM_POI;
        if (*(*cls = field(f, d, "aeroway"))) return PARK_OSM_TRANSPORT;
        return 0;
    }
    return 0;
}

static char *feature_id(const char *layer, OGRFeatureH f, OGRFeatureDefnH d) {
    if (!strcmp(layer, "multipolygons")) {
        const char *rel = field(f, d, "osm_id"), *way = field(f, d, "osm_way_id");
        return *rel ? park_asprintf("relation %s", rel) : park_asprintf("way %s", way);
    }
    if (!strcmp(layer, "lines")) return park_asprintf("way %s", field(f, d, "osm_id"));
    return park_asprintf("osm_id %s", field(f, d, "osm_id"));
}

/* Reads every named feature of a theme inside the AOI from one dataset. */
static park_status read_dataset(park_ctx *ctx, park_osm *o, GDALDatasetH ds, const char *what) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    for (int i = 0; i < GDALDatasetGetLayerCount(ds); i++) OGR_L_SetSpatialFilterRect(GDALDatasetGetLayer(ds, i), o->aoi[0], o->aoi[1], o->aoi[2], o->aoi[3]);
    GDALDatasetResetReading(ds);
    OGRFeatureH f;
    OGRLayerH l = NULL;
    while ((f = GDALDatasetGetNextFeature(ds, &l, NULL, NULL, NULL))) {
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
        const char *layer = OGR_L_GetName(l), *cls = "";
        const char *name = field(f, d, "name");
        int theme = feature_theme(layer, f, d, &cls);
        if (!*name && theme != PARK_OSM_WATER) theme = 0; /* unnamed water areas measure river widths */
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (theme && g && !OGR_G_IsEmpty(g)) {
            OGREnvelope e;
            OGR_G_GetEnvelope(g, &e);
            if (e.MaxX >= o->aoi[0] && e.MinX <= o->aoi[2] && e.MaxY >= o->aoi[1] && e.MinY <= o->aoi[3]) {
                int sz = OGR_G_WkbSize(g);
                unsigned char *wkb = malloc((size_t)sz);
                OGR_G_ExportToIsoWkb(g, wkbNDR, wkb);
                GEOSGeometry *gg = GEOSGeomFromWKB_buf_r(h, wkb, (size_t)sz);
                free(wkb);
                if (gg && !park_geom_within(ctx, gg, 180, 90)) {
                    char *id = feature_id(layer, f, d);
                    park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: OSM %s (%.80s) has a coordinate that is not lon/lat degrees (NaN, inf or beyond 180/90: a damaged extract)",
                                                what, id, name);
                    free(id), GEOSGeom_destroy_r(h, gg), OGR_F_Destroy(f);
                    return st;
                }
                if (gg) {
                    if (o->n == o->cap) o->cap = o->cap ? o->cap * 2 : 1024, o->v = realloc(o->v, o->cap * sizeof *o->v);
                    o->v[o->n++] = (ofeat_t){theme, park_strdup(cls), park_strdup(name), park_osm_name_key(name), feature_id(layer, f, d), gg, e.MinX, e.MinY, e.MaxX, e.MaxY};
                }
            }
        }
        OGR_F_Destroy(f);
    }
    (void)what;
    return PARK_OK;
}

static bool ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

static park_status load_extract(park_ctx *ctx, park_osm *o);

/* The extract read once; a failure is given again to every later call (it
 * was "loaded" with the features read before it). */
static park_status load(park_ctx *ctx, park_osm *o) {
    if (o->loaded) return o->load_st ? park_error(ctx, o->load_st, "%s", o->load_err ? o->load_err : "") : PARK_OK;
    o->loaded = true;
    o->load_st = load_extract(ctx, o);
    if (o->load_st) o->load_err = park_strdup(park_ctx_errmsg(ctx));
    return o->load_st;
}

static park_status load_extract(park_ctx *ctx, park_osm *o) {
    park_gdal_register();
    VSIStatBufL sb;
    bool dir = VSIStatL(o->path, &sb) == 0 && VSI_ISDIR(sb.st_mode);
    park_status st = PARK_OK;
    char **extra = NULL;
    size_t nextra = 0;
    char *main_path = park_strdup(o->path);
    if (dir) {
        /* the Geofabrik Shapefiles open as one dataset; GeoJSON land-use subsets beside them are read too */
        DIR *dd = opendir(o->path);
        struct dirent *de;
        while (dd && (de = readdir(dd)))
            if (ends_with(de->d_name, ".geojson") && strstr(de->d_name, "landuse")) extra = realloc(extra, (nextra + 1) * sizeof *extra), extra[nextra++] = park_asprintf("%s/%s", o->path, de->d_name);
        if (dd) closedir(dd);
        for (size_t i = 1; i < nextra; i++) /* deterministic order */
            for (size_t j = i; j > 0 && strcmp(extra[j - 1], extra[j]) > 0; j--) {
                char *t = extra[j];
                extra[j] = extra[j - 1], extra[j - 1] = t;
            }
    } else if (ends_with(o->path, ".zip")) {
        free(main_path);
        main_path = park_asprintf("/vsizip/%s", o->path);
    }
    const char *const shp_only[] = {"ESRI Shapefile", NULL};
    const char *const osm_only[] = {"OSM", NULL};
    bool osm_file = ends_with(o->path, ".osm") || ends_with(o->path, ".pbf");
    o->form = osm_file ? "osm" : "geofabrik-shp";
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(main_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, osm_file ? osm_only : shp_only, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open as an OSM extract (expected a directory or .zip of Geofabrik gis_osm_*_free_1 Shapefiles, or an .osm / .osm.pbf file)", o->path);
    if (st == PARK_OK) st = read_dataset(ctx, o, ds, o->path);
    if (ds) GDALClose(ds);
    for (size_t i = 0; i < nextra && st == PARK_OK; i++) {
        CPLPushErrorHandler(CPLQuietErrorHandler);
        GDALDatasetH e = GDALOpenEx(extra[i], GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
        CPLPopErrorHandler();
        if (!e) st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (expected a GeoJSON land-use subset)", extra[i]);
        else {
            /* the layer is named after the collection ("industrial_areas"): theme by file name */
            for (int k = 0; st == PARK_OK && k < GDALDatasetGetLayerCount(e); k++) {
                OGRLayerH l = GDALDatasetGetLayer(e, k);
                OGR_L_SetSpatialFilterRect(l, o->aoi[0], o->aoi[1], o->aoi[2], o->aoi[3]);
                OGRFeatureH f;
                OGRFeatureDefnH d = OGR_L_GetLayerDefn(l);
                while (st == PARK_OK && (f = OGR_L_GetNextFeature(l))) {
                    const char *name = field(f, d, "name");
                    OGRGeometryH g = OGR_F_GetGeometryRef(f);
                    if (*name && g && !OGR_G_IsEmpty(g)) {
                        OGREnvelope en;
                        OGR_G_GetEnvelope(g, &en);
                        int sz = OGR_G_WkbSize(g);
                        unsigned char *wkb = malloc((size_t)sz);
                        OGR_G_ExportToIsoWkb(g, wkbNDR, wkb);
                        GEOSGeometry *gg = GEOSGeomFromWKB_buf_r(park_ctx_geos(ctx), wkb, (size_t)sz);
                        free(wkb);
                        if (gg && !park_geom_within(ctx, gg, 180, 90)) {
                            st = park_error(ctx, PARK_ERR_INPUT, "%s: osm_id %s (%.80s) has a coordinate that is not lon/lat degrees (NaN, inf or beyond 180/90)", extra[i],
                                            field(f, d, "osm_id"), name);
                            GEOSGeom_destroy_r(park_ctx_geos(ctx), gg), gg = NULL;
                        }
                        if (gg) {
                            if (o->n == o->cap) o->cap = o->cap ? o->cap * 2 : 1024, o->v = realloc(o->v, o->cap * sizeof *o->v);
                            o->v[o->n++] = (ofeat_t){PARK_OSM_LANDUSE, park_strdup(field(f, d, "fclass")), park_strdup(name), park_osm_name_key(name),
                                                     park_asprintf("osm_id %s", field(f, d, "osm_id")), gg, en.MinX, en.MinY, en.MaxX, en.MaxY};
                        }
                    }
                    OGR_F_Destroy(f);
                }
            }
            GDALClose(e);
        }
    }
    for (size_t i = 0; i < nextra; i++) free(extra[i]);
    free(extra), free(main_path);
    return st;
}

park_status park_osm_open(park_ctx *ctx, const char *path, park_osm **out) {
    *out = NULL;
    VSIStatBufL sb; /* VSI: a GDAL virtual path (/vsimem/, /vsizip/) is a file too */
    if (!path || VSIStatL(path, &sb) != 0)
        return park_error(ctx, PARK_ERR_INPUT, "%s: no such file or directory (expected a Geofabrik Shapefile directory/.zip or an .osm/.osm.pbf file)", path ? path : "(null)");
    park_osm *o = calloc(1, sizeof *o);
    o->path = park_strdup(path);
    o->aoi[0] = -180, o->aoi[1] = -90, o->aoi[2] = 180, o->aoi[3] = 90;
    o->form = ends_with(path, ".osm") || ends_with(path, ".pbf") ? "osm" : "geofabrik-shp";
    *out = o;
    return PARK_OK;
}

park_status park_osm_from_dataset(park_ctx *ctx, GDALDatasetH ds, const char *name, const double aoi[4], park_osm **out) {
    *out = NULL;
    park_osm *o = calloc(1, sizeof *o);
    if (!o) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    o->path = park_strdup(name);
    o->form = "osm";
    memcpy(o->aoi, aoi, sizeof o->aoi);
    o->loaded = true;
    park_status st = read_dataset(ctx, o, ds, o->path);
    if (st) {
        park_osm_free_ctx(ctx, o);
        return st;
    }
    *out = o;
    return PARK_OK;
}

void park_osm_set_aoi(park_osm *o, double lon0, double lat0, double lon1, double lat1) {
    if (o && !o->loaded) o->aoi[0] = lon0, o->aoi[1] = lat0, o->aoi[2] = lon1, o->aoi[3] = lat1;
}

size_t park_osm_count(park_ctx *ctx, park_osm *o) { return load(ctx, o) == PARK_OK ? o->n : 0; }

void park_osm_free(park_osm *o) {
    if (!o) return;
    for (size_t i = 0; i < o->n; i++) {
        free(o->v[i].cls), free(o->v[i].name), free(o->v[i].key), free(o->v[i].id);
        /* geometries belong to the context that read them; freed by park_osm_free_ctx */
    }
    free(o->v), free(o->path), free(o->load_err), free(o);
}

void park_osm_free_ctx(park_ctx *ctx, park_osm *o) {
    if (!o) return;
    for (size_t i = 0; i < o->n; i++)
        if (o->v[i].g) GEOSGeom_destroy_r(park_ctx_geos(ctx), o->v[i].g), o->v[i].g = NULL;
    park_osm_free(o);
}

const char *park_osm_form(const park_osm *o) { return o ? o->form : ""; }

/* ------------------------------------------------------------ selection */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted unique ';'-joined list. */
static char *join_unique(char **v, size_t n, const char *sep) {
    qsort(v, n, sizeof *v, cmp_str);
    park_buf b;
    park_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1])) park_buf_printf(&b, "%s%s", b.len ? sep : "", v[i]);
    return park_buf_take(&b);
}

park_status park_osm_select(park_ctx *ctx, park_osm *o, int themes, const char *name, bool exact, double lon0, double lat0, double lon1,
                            double lat1, park_osm_match *m) {
    memset(m, 0, sizeof *m);
    /* GEOS clips to a box with area only (a point or inverted box is an
     * IllegalArgumentException: a NULL geometry; fuzz_osm_features) */
    if (!(lon0 < lon1 && lat0 < lat1))
        return park_error(ctx, PARK_ERR_USAGE, "OSM selection of '%s': the box %g,%g..%g,%g is empty (expected lon0 < lon1 and lat0 < lat1)",
                          name ? name : "", lon0, lat0, lon1, lat1);
    park_status st = load(ctx, o);
    if (st) return st;
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    char *key = park_osm_name_key(name);
    GEOSGeometry **gs = NULL;
    char **ids = NULL, **names = NULL, **cls = NULL;
    size_t n = 0;
    bool variant = false;
    for (size_t i = 0; i < o->n; i++) {
        ofeat_t *f = &o->v[i];
        if (!(f->theme & themes)) continue;
        if (f->x1 < lon0 || f->x0 > lon1 || f->y1 < lat0 || f->y0 > lat1) continue;
        bool same = !strcmp(f->name, name);
        if (!same && (exact || strcmp(f->key, key))) continue;
        if (!same) variant = true;
        gs = realloc(gs, (n + 1) * sizeof *gs), ids = realloc(ids, (n + 1) * sizeof *ids);
        names = realloc(names, (n + 1) * sizeof *names), cls = realloc(cls, (n + 1) * sizeof *cls);
        /* An invalid polygon that the box cuts is made valid first: GEOS 3.11's
         * rectangle clipping can build a ring of 3 points from it, throw, and leak
         * what it had built (fuzz_osm_features); one wholly inside is kept as it is. */
        GEOSGeometry *fixed = NULL;
        int poly = GEOSGeomTypeId_r(h, f->g) == GEOS_POLYGON || GEOSGeomTypeId_r(h, f->g) == GEOS_MULTIPOLYGON;
        bool cut = f->x0 < lon0 || f->x1 > lon1 || f->y0 < lat0 || f->y1 > lat1;
        if (poly && cut && GEOSisValid_r(h, f->g) != 1) fixed = GEOSMakeValid_r(h, f->g);
        gs[n] = GEOSClipByRect_r(h, fixed ? fixed : f->g, lon0, lat0, lon1, lat1);
        if (fixed) GEOSGeom_destroy_r(h, fixed);
        ids[n] = f->id, names[n] = f->name, cls[n] = f->cls;
        if (!gs[n]) { /* GEOS refused it (an invalid ring, a non-finite coordinate; fuzz_osm_features) */
            st = park_error(ctx, PARK_ERR_INPUT, "%s: OSM %s (%.80s): its geometry cannot be clipped to %.3f,%.3f..%.3f,%.3f: %s (GEOS; a damaged extract?)",
                            o->path, f->id, f->name, lon0, lat0, lon1, lat1, ctx->geos_msg[0] ? ctx->geos_msg : "no message");
            break;
        }
        n++;
    }
    if (st) {
        for (size_t i = 0; i < n; i++) GEOSGeom_destroy_r(h, gs[i]);
        n = 0;
    }
    m->nfeatures = (int)n;
    if (n) {
        GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, gs, (unsigned)n);
        bool lines = !(themes & ~(PARK_OSM_ROAD | PARK_OSM_WATERWAY));
        if (lines) {
            GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
            m->geom = u ? GEOSLineMerge_r(h, u) : NULL;
            if (u) GEOSGeom_destroy_r(h, u);
        } else {
            m->geom = GEOSUnaryUnion_r(h, coll);
        }
        GEOSGeom_destroy_r(h, coll);
        m->osm_ids = join_unique(ids, n, ",");
        m->names = join_unique(names, n, ";");
        m->cls = join_unique(cls, n, ";");
        m->method = park_asprintf("%d OSM feature(s) named %s (%s) in %.3f,%.3f..%.3f,%.3f%s%s", (int)n, m->names, m->osm_ids, lon0, lat0, lon1, lat1,
                                  variant ? ", matched through the spelling variants 蕴/蕰, 荻径/荻泾, a 河 suffix present or not: key " : "", variant ? key : "");
        if (!m->geom) st = park_geos_fail(ctx, "merging OSM features");
    }
    free(gs), free(ids), free(names), free(cls), free(key);
    if (st) park_osm_match_clear(ctx, m); /* an error leaves nothing to free (it leaked: fuzz_osm_features) */
    return st;
}

void park_osm_match_clear(park_ctx *ctx, park_osm_match *m) {
    if (!m) return;
    if (m->geom) GEOSGeom_destroy_r(park_ctx_geos(ctx), m->geom);
    free(m->osm_ids), free(m->names), free(m->cls), free(m->method);
    memset(m, 0, sizeof *m);
}

double park_osm_water_width(park_ctx *ctx, park_osm *o, const GEOSGeometry *line_ll, double half_band_m) {
    if (load(ctx, o) != PARK_OK || !line_ll) return NAN;
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    const char *crs = park_road_network_crs();
    GEOSGeometry *lm = NULL;
    if (park_transform(ctx, line_ll, "EPSG:4326", crs, &lm)) return NAN;
    double len = 0;
    GEOSLength_r(h, lm, &len);
    GEOSGeometry *band = GEOSBuffer_r(h, lm, half_band_m, 8);
    double x0, y0, x1, y1;
    GEOSGeom_getXMin_r(h, line_ll, &x0), GEOSGeom_getYMin_r(h, line_ll, &y0);
    GEOSGeom_getXMax_r(h, line_ll, &x1), GEOSGeom_getYMax_r(h, line_ll, &y1);
    double pad = 0.01;
    GEOSGeometry **ws = NULL;
    unsigned nw = 0;
    for (size_t i = 0; i < o->n; i++) {
        ofeat_t *f = &o->v[i];
        if (f->theme != PARK_OSM_WATER || f->x1 < x0 - pad || f->x0 > x1 + pad || f->y1 < y0 - pad || f->y0 > y1 + pad) continue;
        GEOSGeometry *m = NULL;
        if (park_transform(ctx, f->g, "EPSG:4326", crs, &m) == PARK_OK) ws = realloc(ws, (nw + 1) * sizeof *ws), ws[nw++] = m;
    }
    double width = NAN;
    if (nw && band) {
        GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, ws, nw);
        GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
        GEOSGeometry *in = u ? GEOSIntersection_r(h, u, band) : NULL;
        GEOSGeometry *lin = u ? GEOSIntersection_r(h, lm, u) : NULL;
        double a = 0, lw = 0;
        if (in) GEOSArea_r(h, in, &a);
        if (lin) GEOSLength_r(h, lin, &lw);
        /* the width where the line runs in water (a mapped water area) */
        if (lw >= len / 5 && lw > 0) width = a / lw;
        if (in) GEOSGeom_destroy_r(h, in);
        if (lin) GEOSGeom_destroy_r(h, lin);
        if (u) GEOSGeom_destroy_r(h, u);
        GEOSGeom_destroy_r(h, coll);
    } else {
        for (unsigned i = 0; i < nw; i++) GEOSGeom_destroy_r(h, ws[i]);
    }
    free(ws);
    if (band) GEOSGeom_destroy_r(h, band);
    GEOSGeom_destroy_r(h, lm);
    return width;
}
