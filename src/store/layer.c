/* layer.c - the geometry store: a parcel layer read through GDAL/OGR and held
 * as GEOS geometries in EPSG:4490 lon/lat. This is the only module that talks to
 * OGR for reading; reprojection goes through crs.c (PROJ). */
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <errno.h>
#include <iconv.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../internal.h"
#include "store.h"

struct park_layer {
    park_ctx *ctx;
    park_parcel *items;
    size_t n, cap;
    char *path;
    park_buf notes; /* warnings gathered while reading, one per line */
    park_layer_index *index; /* lazily built by query code; freed with the layer */
    void (*index_free)(park_layer_index *);
    /* the length and hash of park_snap_put_layer's bytes of this layer, once known
     * (park_layer_content_id); forgotten on every change */
    bool id_known;
    size_t id_len;
    uint64_t id_hash;
};

park_layer *park_layer_new(park_ctx *ctx) {
    park_layer *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->ctx = ctx;
    l->path = park_strdup("");
    park_buf_init(&l->notes);
    return l;
}

static void parcel_clear(park_ctx *ctx, park_parcel *p) {
    free(p->id), free(p->name), free(p->layout), free(p->provenance), free(p->four_to);
    if (p->geom) GEOSGeom_destroy_r(ctx->geos, p->geom);
}

void park_layer_free(park_layer *l) {
    if (!l) return;
    if (l->index && l->index_free) l->index_free(l->index);
    for (size_t i = 0; i < l->n; i++) parcel_clear(l->ctx, &l->items[i]);
    free(l->items);
    free(l->path);
    park_buf_free(&l->notes);
    free(l);
}

park_status park_layer_add(park_ctx *ctx, park_layer *l, const park_parcel *p) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        park_parcel *ni = realloc(l->items, cap * sizeof *ni);
        if (!ni) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        l->items = ni, l->cap = cap;
    }
    park_parcel *d = &l->items[l->n++];
    d->id = park_strdup(p->id);
    d->name = park_strdup(p->name);
    d->official_km2 = p->official_km2;
    d->layout = park_strdup(p->layout);
    d->provenance = park_strdup(p->provenance);
    d->four_to = park_strdup(p->four_to);
    d->geom = p->geom;
    d->source_fid = p->source_fid;
    d->has_error_m = p->has_error_m && isfinite(p->error_m) && p->error_m >= 0;
    d->error_m = d->has_error_m ? p->error_m : NAN;
    if (l->index && l->index_free) l->index_free(l->index), l->index = NULL;
    l->id_known = false;
    return PARK_OK;
}

void park_layer_restore_read(park_layer *l, const char *path, const char *notes) {
    l->id_known = false;
    free(l->path);
    l->path = park_strdup(path);
    park_buf_free(&l->notes);
    park_buf_init(&l->notes);
    if (notes && *notes) park_buf_append(&l->notes, notes);
}

bool park_layer_content_id(const park_layer *l, size_t *len, uint64_t *hash) {
    if (l->id_known) *len = l->id_len, *hash = l->id_hash;
    return l->id_known;
}
void park_layer_set_content_id(const park_layer *l, size_t len, uint64_t hash) {
    park_layer *m = (park_layer *)l; /* a memo, as the index hung on a const layer */
    m->id_known = true, m->id_len = len, m->id_hash = hash;
}

size_t park_layer_count(const park_layer *l) { return l->n; }
const park_parcel *park_layer_get(const park_layer *l, size_t i) { return i < l->n ? &l->items[i] : NULL; }
const char *park_layer_path(const park_layer *l) { return l->path; }
const char *park_layer_notes(const park_layer *l) { return l->notes.s ? l->notes.s : ""; }

const park_parcel *park_layer_find(const park_layer *l, const char *key) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].id, key) == 0 || strcmp(l->items[i].name, key) == 0) return &l->items[i];
    return NULL;
}

park_layer_index *park_layer_index_get(const park_layer *l) { return l->index; }
void park_layer_index_set(const park_layer *l, park_layer_index *ix, void (*free_fn)(park_layer_index *)) {
    park_layer *m = (park_layer *)l; /* the cache is logically const */
    if (m->index && m->index_free) m->index_free(m->index);
    m->index = ix;
    m->index_free = free_fn;
}

/* ------------------------------------------------------------------ reading */

/* True when `s` decodes as GBK (CP936) without error. */
static bool cp936_valid(const char *s) {
    iconv_t cd = iconv_open("UTF-8", "CP936");
    if (cd == (iconv_t)-1) return false;
    size_t inl = strlen(s), outl = inl * 2 + 4;
    char *buf = malloc(outl), *in = (char *)s, *o = buf;
    size_t r = buf ? iconv(cd, &in, &inl, &o, &outl) : (size_t)-1;
    iconv_close(cd);
    free(buf);
    return r != (size_t)-1 && inl == 0;
}

/* Shapefile text whose code page neither a .cpg nor the DBF's LDID byte names
 * reaches us as raw bytes. When some of it is not UTF-8 but all of that is valid
 * GBK, it is GBK (what Chinese-locale GIS tools write); anything else is left to
 * --encoding. */
static bool shp_text_is_gbk(OGRLayerH lyr) {
    const char *se = GDALGetMetadataItem((GDALMajorObjectH)lyr, "SOURCE_ENCODING", "SHAPEFILE");
    if (!se || *se) return false; /* not a Shapefile, or its code page is known */
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int nf = OGR_FD_GetFieldCount(defn), non_utf8 = 0, non_gbk = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        for (int i = 0; i < nf; i++) {
            if (OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, i)) != OFTString || !OGR_F_IsFieldSetAndNotNull(f, i)) continue;
            const char *v = OGR_F_GetFieldAsString(f, i);
            if (park_utf8_valid(v)) continue;
            non_utf8++;
            if (!cp936_valid(v)) non_gbk++;
        }
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(lyr);
    return non_utf8 > 0 && non_gbk == 0;
}

/* Copies of one feature's text fields, freed together by fields_free.
 * OGR_F_GetFieldAsString returns, for a non-string field (an Integer id, a Real
 * name), a per-feature scratch buffer that the next call on the feature
 * overwrites or frees: every value is copied at once (issue 12, item 1). */
typedef struct {
    char *s[8];
    int n;
} field_copies;

/* The field's text ("" when absent or unset), owned by `c`; NULL only when out of memory. */
static const char *field_str(field_copies *c, OGRFeatureH f, int idx) {
    if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx)) return "";
    if (c->n == (int)(sizeof c->s / sizeof c->s[0])) return NULL;
    char *d = park_strdup(OGR_F_GetFieldAsString(f, idx));
    if (d) c->s[c->n++] = d;
    return d;
}

static void fields_free(field_copies *c) {
    for (int i = 0; i < c->n; i++) free(c->s[i]);
    c->n = 0;
}

/* The official area of a feature: NAN when unset or blank. False when the
 * value is not a finite, non-negative number: OGR would read a text field's
 * "abc" as 0, and a parcel of 0 km² would pass unnoticed. */
static bool official_value(OGRFeatureH f, int idx, double scale, double *out) {
    *out = NAN;
    if (!OGR_F_IsFieldSetAndNotNull(f, idx)) return true;
    const char *s = OGR_F_GetFieldAsString(f, idx);
    while (*s == ' ' || *s == '\t') s++;
    if (!*s) return true;
    double v;
    if (!park_parse_number(s, &v, NULL) || v < 0) return false;
    *out = v * scale;
    return true;
}

static bool ring_finite(park_ctx *ctx, const GEOSGeometry *ring) {
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(ctx->geos, ring) : NULL;
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n)) return true;
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        if (GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &x, &y) && !(isfinite(x) && isfinite(y))) return false;
    }
    return true;
}

/* NULL, or what is wrong with a parcel's geometry before any CRS question:
 * empty, or a coordinate that is not a finite number (these were reported as
 * "not lon/lat degrees", issue 12 item 9). */
static const char *geom_problem(park_ctx *ctx, const GEOSGeometry *g) {
    if (GEOSisEmpty_r(ctx->geos, g) == 1) return "has an empty geometry (no coordinates, or an empty ring)";
    int np = GEOSGetNumGeometries_r(ctx->geos, g);
    for (int i = 0; i < np; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(ctx->geos, g, i);
        if (GEOSGeomTypeId_r(ctx->geos, p) != GEOS_POLYGON) continue;
        if (!ring_finite(ctx, GEOSGetExteriorRing_r(ctx->geos, p))) return "has a coordinate that is not a finite number (inf or NaN)";
        int nh = GEOSGetNumInteriorRings_r(ctx->geos, p);
        for (int k = 0; k < nh; k++)
            if (!ring_finite(ctx, GEOSGetInteriorRingN_r(ctx->geos, p, k))) return "has a coordinate that is not a finite number (inf or NaN)";
    }
    return NULL;
}

static bool all_lonlat(park_ctx *ctx, const GEOSGeometry *g) {
    double minx, miny, maxx, maxy;
    if (!GEOSGeom_getXMin_r(ctx->geos, g, &minx) || !GEOSGeom_getYMin_r(ctx->geos, g, &miny) ||
        !GEOSGeom_getXMax_r(ctx->geos, g, &maxx) || !GEOSGeom_getYMax_r(ctx->geos, g, &maxy))
        return false;
    return minx >= -180 && maxx <= 180 && miny >= -90 && maxy <= 90;
}

/* ------------------------------------------------------------------ fields (issue 13) */

/* The fields parkgis reads, with the names a Shapefile may hold them under:
 * OGR (and so QGIS) cuts official_km2 to "official_k" when it writes a DBF;
 * parkgis's own Shapefile export writes "official" and "provenanc". */
enum { FLD_ID, FLD_NAME, FLD_OFFICIAL, FLD_LAYOUT, FLD_PROV, FLD_FOUR, FLD_ERROR, FLD_N };
static const char *const fld_canon[FLD_N] = {"id", "name", "official_km2", "layout", "provenance", "four_to", "error_m"};
static const char *const fld_alias[FLD_N][3] = {
    {NULL}, {NULL}, {"official_k", "official", NULL}, {NULL}, {"provenanc", NULL}, {NULL}, {NULL}};

static int canon_index(const char *name) {
    for (int i = 0; i < FLD_N; i++)
        if (!strcmp(name, fld_canon[i])) return i;
    return -1;
}

park_status park_field_map_set(park_ctx *ctx, const char *canonical, const char *source) {
    int k = canon_index(canonical ? canonical : "");
    if (k < 0)
        return park_error(ctx, PARK_ERR_USAGE, "--field %s=%s: unknown parkgis field '%s' (expected id, name, official_km2, layout, provenance, four_to or error_m)",
                          canonical ? canonical : "", source ? source : "", canonical ? canonical : "");
    if (!source || !*source)
        return park_error(ctx, PARK_ERR_USAGE, "--field %s=: no source field named (expected %s=FIELD, e.g. id=编号)", canonical, canonical);
    char name[128];
    snprintf(name, sizeof name, "%s", source);
    double scale = 1;
    char *colon = strrchr(name, ':');
    if (colon) {
        static const struct { const char *unit; double km2; } units[] = {
            {"km2", 1}, {"km²", 1}, {"ha", 0.01}, {"m2", 1e-6}, {"m²", 1e-6}, {"mu", 1.0 / 1500}, {"亩", 1.0 / 1500}};
        int hit = -1;
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (!strcmp(colon + 1, units[u].unit)) hit = (int)u;
        if (hit < 0 || k != FLD_OFFICIAL)
            return park_error(ctx, PARK_ERR_USAGE, "--field %s=%s: %s (a unit applies to official_km2 only: km2, ha, m2 or mu, e.g. official_km2=面积:ha)",
                              canonical, source, k != FLD_OFFICIAL ? "a unit is given" : "unknown unit");
        scale = units[hit].km2;
        *colon = '\0';
    }
    if (strlen(source) >= sizeof ctx->field_src[0])
        return park_error(ctx, PARK_ERR_USAGE, "--field %s=%s: field name too long", canonical, source);
    snprintf(ctx->field_src[k], sizeof ctx->field_src[k], "%s", name);
    if (k == FLD_OFFICIAL) ctx->official_scale = scale;
    return PARK_OK;
}

park_status park_field_map_parse(park_ctx *ctx, const char *a) {
    const char *eq = a ? strchr(a, '=') : NULL;
    if (!eq) return park_error(ctx, PARK_ERR_USAGE, "--field '%s': expected CANON=SOURCE, e.g. id=编号 or official_km2=面积", a ? a : "");
    char canon[64];
    snprintf(canon, sizeof canon, "%.*s", (int)(eq - a < 63 ? eq - a : 63), a);
    return park_field_map_set(ctx, canon, eq + 1);
}

park_status park_field_map_load(park_ctx *ctx, const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open the field mapping: %s", path, strerror(errno));
    char line[512];
    int no = 0;
    park_status st = PARK_OK;
    while (!st && fgets(line, sizeof line, f)) {
        no++;
        char *h = strchr(line, '#');
        if (h) *h = '\0';
        char *b = line, *e = line + strlen(line);
        while (*b == ' ' || *b == '\t' || *b == '\xef' || *b == '\xbb' || *b == '\xbf') b++; /* and a UTF-8 BOM */
        while (e > b && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
        if (!*b) continue;
        /* spaces around '=' are the file's layout, not part of the names */
        char *eq = strchr(b, '=');
        if (eq) {
            char *ce = eq, *vb = eq + 1;
            while (ce > b && (ce[-1] == ' ' || ce[-1] == '\t')) ce--;
            while (*vb == ' ' || *vb == '\t') vb++;
            memmove(ce + 1, vb, strlen(vb) + 1);
            *ce = '=';
        }
        st = park_field_map_parse(ctx, b);
        if (st) {
            char msg[2048];
            snprintf(msg, sizeof msg, "%s", ctx->errmsg);
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: %s", path, no, msg);
        }
    }
    fclose(f);
    return st;
}

typedef struct field_idx {
    int i[FLD_N];
    double official_scale;
} field_idx;

/* Finds every field: a mapped one exactly (missing is an error naming the
 * layer's fields), else its canonical name, then its DBF forms. */
static park_status resolve_fields(park_ctx *ctx, OGRFeatureDefnH defn, const char *path, const char *lname, field_idx *fx) {
    fx->official_scale = 1;
    for (int k = 0; k < FLD_N; k++) {
        fx->i[k] = -1;
        const char *mapped = ctx->field_src[k];
        if (*mapped) {
            fx->i[k] = OGR_FD_GetFieldIndex(defn, mapped);
            if (k == FLD_OFFICIAL && ctx->official_scale > 0) fx->official_scale = ctx->official_scale;
            if (fx->i[k] < 0) {
                park_buf b;
                park_buf_init(&b);
                for (int j = 0; j < OGR_FD_GetFieldCount(defn); j++)
                    park_buf_printf(&b, "%s%s", j ? ", " : "", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j)));
                park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: layer '%s' has no field '%s' (mapped to %s by --field; its fields: %s)", path,
                                            lname, mapped, fld_canon[k], b.s ? b.s : "none");
                park_buf_free(&b);
                return st;
            }
            continue;
        }
        fx->i[k] = OGR_FD_GetFieldIndex(defn, fld_canon[k]);
        for (int a = 0; fx->i[k] < 0 && fld_alias[k][a]; a++) fx->i[k] = OGR_FD_GetFieldIndex(defn, fld_alias[k][a]);
    }
    if (fx->i[FLD_ID] < 0 || fx->i[FLD_NAME] < 0) {
        int k = fx->i[FLD_ID] < 0 ? FLD_ID : FLD_NAME;
        park_buf b;
        park_buf_init(&b);
        for (int j = 0; j < OGR_FD_GetFieldCount(defn); j++)
            park_buf_printf(&b, "%s%s", j ? ", " : "", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j)));
        park_status st = park_error(ctx, PARK_ERR_INPUT,
                                    "%s: layer '%s' lacks required field '%s' (expected fields: id (ASCII slug), name (Chinese name); optional official_km2, layout, provenance, four_to, error_m; its fields: %s; map another with --field %s=FIELD)",
                                    path, lname, fld_canon[k], b.s ? b.s : "none", fld_canon[k]);
        park_buf_free(&b);
        return st;
    }
    return PARK_OK;
}

/* The error_m a feature states: its numeric field when set, else the JSON
 * provenance's "error_m". */
static void feature_error_m(OGRFeatureH f, const field_idx *fx, const char *prov, park_parcel *p) {
    p->has_error_m = 0, p->error_m = NAN;
    int fe = fx->i[FLD_ERROR];
    if (fe >= 0 && OGR_F_IsFieldSetAndNotNull(f, fe)) {
        double v;
        if (park_parse_number(OGR_F_GetFieldAsString(f, fe), &v, NULL) && v >= 0) p->has_error_m = 1, p->error_m = v;
        return;
    }
    if (!prov || prov[0] != '{') return;
    json_object *o = json_tokener_parse(prov), *v;
    if (o && json_object_object_get_ex(o, "error_m", &v) &&
        (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
        double e = json_object_get_double(v);
        if (e >= 0) p->has_error_m = 1, p->error_m = e;
    }
    if (o) json_object_put(o);
}

/* A Shapefile holds 254 bytes of text; parkgis's export keeps each whole
 * provenance in <layer>.provenance.csv beside it (id, provenance). A value that
 * was cut ("…" at the end) and is a prefix of the sidecar's text for its id is
 * given back whole; an id the sidecar lacks (a parcel added in QGIS) keeps
 * what the DBF holds. Returns how many were restored. */
static size_t restore_provenance(park_ctx *ctx, park_layer *l, const char *path, park_buf *notes) {
    l->id_known = false; /* provenance rewritten in place below */
    size_t n = strlen(path);
    if (n < 4 || !park_streq_ci(path + n - 4, ".shp")) return 0;
    char *side = park_asprintf("%.*s.provenance.csv", (int)(n - 4), path);
    size_t restored = 0;
    if (access(side, R_OK) != 0) {
        free(side);
        return 0;
    }
    const char *allowed[] = {"CSV", NULL};
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(side, GDAL_OF_VECTOR | GDAL_OF_READONLY, allowed, NULL, NULL);
    CPLPopErrorHandler();
    OGRLayerH lyr = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    int fi = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "id") : -1;
    int fp = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "provenance") : -1;
    if (fi < 0 || fp < 0) {
        park_buf_printf(notes, "%s: not a provenance sidecar (expected columns id, provenance); ignored\n", side);
    } else {
        static const char ell[] = "\xe2\x80\xa6";
        OGRFeatureH f;
        while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
            char *id = park_strdup(OGR_F_GetFieldAsString(f, fi));
            const char *full = OGR_F_GetFieldAsString(f, fp);
            for (size_t i = 0; i < l->n; i++) {
                park_parcel *p = &l->items[i];
                size_t pl = strlen(p->provenance);
                if (strcmp(p->id, id) || pl < 3 || strcmp(p->provenance + pl - 3, ell)) continue;
                if (strncmp(full, p->provenance, pl - 3) || strlen(full) <= pl - 3) continue;
                free(p->provenance);
                p->provenance = park_strdup(full);
                if (!p->has_error_m) {
                    /* the whole JSON may state what the cut one could not */
                    json_object *o = full[0] == '{' ? json_tokener_parse(full) : NULL, *v;
                    if (o && json_object_object_get_ex(o, "error_m", &v) &&
                        (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)) && json_object_get_double(v) >= 0)
                        p->has_error_m = 1, p->error_m = json_object_get_double(v);
                    if (o) json_object_put(o);
                }
                restored++;
            }
            free(id);
            OGR_F_Destroy(f);
        }
    }
    if (ds) GDALClose(ds);
    if (restored) park_buf_printf(notes, "%s: %zu provenance text%s cut at the DBF's 254 bytes restored whole from %s\n", path, restored,
                                  restored == 1 ? "" : "s", side);
    (void)ctx;
    free(side);
    return restored;
}

/* ------------------------------------------------------------------ which layer */

#define LAYERNAME_KEY "|layername="

park_status park_layer_source_split(park_ctx *ctx, const char *source, char **path, char **layer) {
    *path = *layer = NULL;
    const char *bar = strchr(source, '|');
    /* a file whose name really holds a '|' is taken as it is */
    if (!bar || access(source, F_OK) == 0) {
        *path = park_strdup(source);
        return PARK_OK;
    }
    if (strncmp(bar, LAYERNAME_KEY, strlen(LAYERNAME_KEY)) != 0 || !bar[strlen(LAYERNAME_KEY)] ||
        strchr(bar + 1, '|'))
        return park_error(ctx, PARK_ERR_USAGE,
                          "'%s': cannot read the part after '|' (expected PATH|layername=NAME, as QGIS writes a layer of a multi-layer file)",
                          source);
    *path = park_strndup(source, (size_t)(bar - source));
    *layer = park_strdup(bar + strlen(LAYERNAME_KEY));
    return PARK_OK;
}

/* The fields that make a parcel layer: id and name, or what --field maps them to. */
static bool layer_has_fields(park_ctx *ctx, OGRLayerH lyr) {
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
    const char *id = ctx->field_src[FLD_ID][0] ? ctx->field_src[FLD_ID] : "id";
    const char *name = ctx->field_src[FLD_NAME][0] ? ctx->field_src[FLD_NAME] : "name";
    return OGR_FD_GetFieldIndex(d, id) >= 0 && OGR_FD_GetFieldIndex(d, name) >= 0;
}

/* A layer that can hold parcels: polygons, or a generic geometry column
 * (each feature is checked when read). */
static bool layer_is_polygonal(OGRLayerH lyr) {
    OGRwkbGeometryType t = wkbFlatten(OGR_L_GetGeomType(lyr));
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbUnknown;
}

/* "parcels (Multi Polygon; id, name), roads (Line String)" for messages. */
static void list_layers(park_ctx *ctx, GDALDatasetH ds, park_buf *b) {
    int n = GDALDatasetGetLayerCount(ds);
    for (int i = 0; i < n; i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        park_buf_printf(b, "%s'%s' (%s%s)", i ? ", " : "", OGR_L_GetName(l),
                        OGRGeometryTypeToName(wkbFlatten(OGR_L_GetGeomType(l))), layer_has_fields(ctx, l) ? "; id, name" : "");
    }
}

/* The layer to read when none is named. QGIS saves several layers into one
 * GeoPackage, and the first is often not the parcels: taking it silently would
 * report on the wrong data. So a file with several layers gives the only
 * polygon layer with the required fields, or an error listing them all. */
static OGRLayerH pick_layer(park_ctx *ctx, GDALDatasetH ds, const char *path, park_status *st) {
    int n = GDALDatasetGetLayerCount(ds), ncand = 0;
    OGRLayerH cand = NULL;
    if (n == 1) return GDALDatasetGetLayer(ds, 0);
    for (int i = 0; i < n; i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        if (layer_is_polygonal(l) && layer_has_fields(ctx, l)) cand = l, ncand++;
    }
    if (ncand == 1) return cand;
    if (n == 0) {
        *st = park_error(ctx, PARK_ERR_INPUT, "%s: no layer in file (expected polygon parcels)", path);
        return NULL;
    }
    park_buf b;
    park_buf_init(&b);
    list_layers(ctx, ds, &b);
    *st = park_error(ctx, PARK_ERR_INPUT,
                     "%s: %d layers and none named, and %s (layers: %s); choose one as '%s|layername=NAME'", path, n,
                     ncand ? "more than one is a polygon layer with fields id and name"
                           : "none of them is a polygon layer with fields id and name",
                     b.s, path);
    park_buf_free(&b);
    return NULL;
}

static park_status layer_read(park_ctx *ctx, const char *source, const char *path, const char *layer_name,
                              const char *encoding, park_layer **out);

/* ------------------------------------------------------------------ GeoJSON "crs"
 * GDAL's GeoJSON reader takes a "crs" member it cannot resolve as WGS84 (an
 * unknown EPSG code) or as no CRS (a name it cannot read), and says so only in
 * a CPLError the open swallows: a file declared in some other CRS would then be
 * read as lon/lat. So the member is read here, from the file's text, and one
 * that names no CRS PROJ knows is an error naming the file (issue 12, item 9). */

/* The value of the top-level "crs" member of the JSON text s[0, n): sets
 * [*vb, *ve) and returns 1, or returns 0 when there is none. One pass, strings
 * skipped whole, so the features' coordinates cost one look at each byte. */
static int geojson_crs_member(const char *s, size_t n, size_t *vb, size_t *ve) {
    int depth = 0;
    size_t kb = 0, ke = 0;
    int key = 0; /* a string at depth 1 was the last token: a key if ':' follows */
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '"') {
            size_t b = ++i;
            while (i < n && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
            if (i >= n) return 0;
            kb = b, ke = i, key = depth == 1;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
        if (c == ':' && key && ke - kb == 3 && !memcmp(s + kb, "crs", 3)) {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) j++;
            size_t start = j;
            int d = 0;
            for (; j < n; j++) {
                char v = s[j];
                if (v == '"') {
                    for (j++; j < n && s[j] != '"'; j += s[j] == '\\' ? 2 : 1) {}
                    if (j >= n) return 0;
                } else if (v == '{' || v == '[') d++;
                else if (v == '}' || v == ']') {
                    if (d == 0) break;
                    if (--d == 0) {
                        j++;
                        break;
                    }
                } else if (v == ',' && d == 0) break;
            }
            *vb = start, *ve = j;
            return 1;
        }
        key = 0;
        if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') depth--;
    }
    return 0;
}

/* PARK_OK, or PARK_ERR_INPUT when the GeoJSON file `path` has a "crs" member
 * (other than null) that names no CRS PROJ knows: the forms of the 2008 GeoJSON
 * spec are read ("name", "EPSG", "ESRI", "OGC"); a "link" (to a file or URL)
 * or anything else is refused too, as parkgis cannot check what it names. */
static park_status geojson_crs_check(park_ctx *ctx, const char *path) {
    GByte *text = NULL;
    vsi_l_offset len = 0;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    int ok = VSIIngestFile(NULL, path, &text, &len, (GIntBig)1 << 31);
    CPLPopErrorHandler();
    if (!ok) return PARK_OK; /* GDAL read it: any read error is reported by the reader */
    size_t vb, ve;
    park_status st = PARK_OK;
    if (geojson_crs_member((const char *)text, (size_t)len, &vb, &ve)) {
        char *val = park_strndup((const char *)text + vb, ve - vb);
        json_object *o = val ? json_tokener_parse(val) : NULL, *t = NULL, *p = NULL, *x = NULL;
        const char *type = o && json_object_object_get_ex(o, "type", &t) && json_object_is_type(t, json_type_string)
                               ? json_object_get_string(t) : NULL;
        bool props = o && json_object_object_get_ex(o, "properties", &p) && json_object_is_type(p, json_type_object);
        char *name = NULL;
        if (type && props && !strcmp(type, "name") && json_object_object_get_ex(p, "name", &x) && json_object_is_type(x, json_type_string))
            name = park_strdup(json_object_get_string(x));
        else if (type && props && !strcmp(type, "OGC") && json_object_object_get_ex(p, "urn", &x) && json_object_is_type(x, json_type_string))
            name = park_strdup(json_object_get_string(x));
        else if (type && props && (!strcmp(type, "EPSG") || !strcmp(type, "ESRI")) && json_object_object_get_ex(p, "code", &x))
            name = park_asprintf("%s:%s", type, json_object_get_string(x));
        if (val && !strcmp(val, "null")) {
            /* "crs": null, the 2008 spec's "unknown": GDAL's default applies */
        } else if (name) {
            if (!park_crs_name_known(ctx, name))
                st = park_error(ctx, PARK_ERR_INPUT,
                                "%s: its \"crs\" member names '%.200s', which is not a CRS PROJ knows (expected e.g. \"urn:ogc:def:crs:EPSG::4490\" or \"EPSG:4549\", or no \"crs\" member for lon/lat WGS84); GDAL would have taken the coordinates as lon/lat degrees",
                                path, name);
        } else {
            st = park_error(ctx, PARK_ERR_INPUT,
                            "%s: its \"crs\" member (%.120s) names no CRS parkgis can check (expected {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::4490\"}}, or no \"crs\" member for lon/lat WGS84)",
                            path, val ? val : "?");
        }
        free(name), free(val);
        if (o) json_object_put(o);
    }
    CPLFree(text);
    return st;
}

/* The first failure GDAL reported while a layer was read. */
typedef struct gdal_errors {
    char msg[512];
    int failures;
} gdal_errors;

static void CPL_STDCALL record_gdal_error(CPLErr cls, CPLErrorNum no, const char *msg) {
    (void)no;
    gdal_errors *e = CPLGetErrorHandlerUserData();
    if (cls >= CE_Failure && e->failures++ == 0) snprintf(e->msg, sizeof e->msg, "%s", msg ? msg : "");
}

park_status park_layer_read(park_ctx *ctx, const char *source, const char *layer_name,
                            const char *encoding, park_layer **out) {
    *out = NULL;
    char *path, *named;
    park_status st = park_layer_source_split(ctx, source, &path, &named);
    if (st == PARK_OK && named && layer_name && strcmp(named, layer_name) != 0)
        st = park_error(ctx, PARK_ERR_USAGE, "%s: layer named twice, '%s' in the path and '%s' given separately (--layer); give one", path,
                        named, layer_name);
    /* the snapshot of an earlier read of the same file (layer_cache.c) */
    bool cacheable = st == PARK_OK && !named && !layer_name && !encoding;
    if (cacheable && (*out = park_layer_cache_load(ctx, source)) != NULL) {
        free(path), free(named);
        return PARK_OK;
    }
    if (st == PARK_OK) {
        park_libs_require(); /* util/lazylib.c */
        /* Any failure GDAL reports while reading ("fread(349) failed on DBF
         * file") fails the read naming the file: GDAL itself goes on with
         * fewer features (issue 12, item 2). */
        gdal_errors errs = {0};
        CPLPushErrorHandlerEx(record_gdal_error, &errs);
        st = layer_read(ctx, source, path, named ? named : layer_name, encoding, out);
        CPLPopErrorHandler();
        if (st == PARK_OK && errs.failures) {
            park_layer_free(*out), *out = NULL;
            st = park_error(ctx, PARK_ERR_INPUT, "%s: GDAL could not read all of it: %s%s (the file is damaged or cut short; nothing was used)",
                            path, errs.msg, errs.failures > 1 ? " (and more errors)" : "");
        }
        if (st == PARK_OK && cacheable) park_layer_cache_store(ctx, source, *out);
    }
    free(path), free(named);
    return st;
}

/* `source` as given (kept as the layer's path), `path` the file part of it. */
static park_status layer_read(park_ctx *ctx, const char *source, const char *path, const char *layer_name,
                              const char *encoding, park_layer **out) {
    *out = NULL;
    park_gdal_register();
    char *oo[2] = {NULL, NULL};
    char enc_opt[128];
    if (encoding && *encoding) {
        /* GDAL hands an unknown code page to iconv, which fails quietly, and the
         * raw bytes come through: the user would then be told to give the
         * --encoding they gave. Say what is wrong with it instead. */
        iconv_t cd = iconv_open("UTF-8", encoding);
        if (cd == (iconv_t)-1)
            return park_error(ctx, PARK_ERR_USAGE, "unknown encoding '%s' (expected a code page such as CP936, GBK, GB18030 or UTF-8)",
                              encoding);
        iconv_close(cd);
        snprintf(enc_opt, sizeof enc_opt, "ENCODING=%s", encoding);
        oo[0] = enc_opt;
    }
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, ctx->gdal_drivers,
                                 (const char *const *)(oo[0] ? oo : NULL), NULL);
    CPLPopErrorHandler();

    if (!ds)
        return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open as a vector layer (expected a Shapefile, GeoPackage, GeoJSON or other OGR-readable file)%s%s",
                          path, CPLGetLastErrorMsg()[0] ? ": " : "", CPLGetLastErrorMsg());
    park_status ls = PARK_OK;
    OGRLayerH lyr = layer_name ? GDALDatasetGetLayerByName(ds, layer_name) : pick_layer(ctx, ds, path, &ls);
    if (!lyr && layer_name) {
        park_buf b;
        park_buf_init(&b);
        list_layers(ctx, ds, &b);
        ls = park_error(ctx, PARK_ERR_INPUT, "%s: no layer named '%s' (layers: %s)", path, layer_name, b.s ? b.s : "none");
        park_buf_free(&b);
    }
    if (!lyr) {
        GDALClose(ds);
        return ls;
    }
    /* A Shapefile's .shp, .shx and .dbf must agree on the records (shp_check.c) */
    GDALDriverH drv = GDALGetDatasetDriver(ds);
    if (drv && !strcmp(GDALGetDriverShortName(drv), "GeoJSON")) {
        park_status cs = geojson_crs_check(ctx, path);
        if (cs != PARK_OK) {
            GDALClose(ds);
            return cs;
        }
    }
    if (drv && !strcmp(GDALGetDriverShortName(drv), "ESRI Shapefile")) {
        size_t pl = strlen(path);
        char *shp = pl > 4 && !strcasecmp(path + pl - 4, ".shp") ? park_strdup(path) : park_asprintf("%s/%s.shp", path, OGR_L_GetName(lyr));
        park_status cs = park_shp_check(ctx, shp);
        free(shp);
        if (cs != PARK_OK) {
            GDALClose(ds);
            return cs;
        }
    }
    /* Only a Shapefile (it has SOURCE_ENCODING metadata) has a DBF code page;
     * GeoPackage and GeoJSON text is UTF-8 by definition. */
    bool enc_ignored = encoding && *encoding &&
                       !GDALGetMetadataItem((GDALMajorObjectH)lyr, "SOURCE_ENCODING", "SHAPEFILE");
    if (!(encoding && *encoding) && shp_text_is_gbk(lyr)) {
        char *lname = park_strdup(OGR_L_GetName(lyr));
        GDALClose(ds);
        park_status rs = layer_read(ctx, source, path, lname, "CP936", out);
        free(lname);
        if (rs == PARK_OK)
            park_buf_printf(&(*out)->notes, "%s: no .cpg and no code page in the DBF header (LDID 0); its text is not UTF-8 but valid GBK, so it was read as CP936 (give --encoding to choose another)\n", path);
        return rs;
    }
    park_status st = park_layer_read_ogr(ctx, source, path, lyr, enc_ignored ? encoding : NULL, out);
    GDALClose(ds);
    return st;
}

/* Everything layer_read does once the layer is open and chosen: the fields,
 * the CRS, then every feature through the same checks (store.h; the
 * feature-level fuzzer, tests/fuzz/fuzz_layer_features.c, calls it on an
 * in-memory layer). The caller owns `lyr`'s dataset. */
park_status park_layer_read_ogr(park_ctx *ctx, const char *source, const char *path, OGRLayerH lyr, const char *enc_ignored,
                                park_layer **out) {
    *out = NULL;
    /* An empty GeoJSON collection has no fields either: say it is empty rather
     * than that it lacks 'id'. */
    if (OGR_L_GetFeatureCount(lyr, 1) == 0) {
        park_status es = park_error(ctx, PARK_ERR_INPUT, "%s: layer '%s' has no features (expected polygon parcels)", path,
                                    OGR_L_GetName(lyr));
        return es;
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    field_idx fx;
    {
        /* the message names the layer (the caller closes its dataset after) */
        park_status es = resolve_fields(ctx, defn, path, OGR_L_GetName(lyr), &fx);
        if (es) {
            return es;
        }
    }
    int fi_id = fx.i[FLD_ID], fi_name = fx.i[FLD_NAME], fi_off = fx.i[FLD_OFFICIAL];
    int fi_layout = fx.i[FLD_LAYOUT], fi_prov = fx.i[FLD_PROV], fi_four = fx.i[FLD_FOUR];

    /* Source CRS: taken from the file; none -> assume EPSG:4490 if the
     * coordinates are plausibly lon/lat (checked per feature below). */
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    char *src_crs = NULL;
    bool is_4490 = false;
    if (srs) {
        const char *auth = OSRGetAuthorityName(srs, NULL), *code = OSRGetAuthorityCode(srs, NULL);
        if (auth && code) src_crs = park_asprintf("%s:%s", auth, code);
        else {
            char *wkt = NULL;
            const char *opts[] = {"FORMAT=WKT2_2019", NULL};
            OSRExportToWktEx(srs, &wkt, opts);
            src_crs = park_strdup(wkt);
            CPLFree(wkt);
        }
        /* WGS84 and CGCS2000 are taken as equivalent (see parkgis.h). */
        is_4490 = strcmp(src_crs, "EPSG:4490") == 0 || strcmp(src_crs, "EPSG:4326") == 0 ||
                  (OSRIsGeographic(srs) && OSRGetSemiMajor(srs, NULL) == 6378137.0);
    }

    park_layer *l = park_layer_new(ctx);
    free(l->path);
    l->path = park_strdup(source);
    if (enc_ignored)
        park_buf_printf(&l->notes, "%s: --encoding %s ignored: only a Shapefile's DBF has a code page; this file's text is read as UTF-8\n",
                        path, enc_ignored);
    if (fi_off < 0)
        park_buf_printf(&l->notes, "%s: no official_km2 field (nor official_k, official); official areas and deviations are left blank (map another with --field official_km2=FIELD)\n", path);
    if (!srs) {
        park_buf_printf(&l->notes, "%s: no CRS declared (.prj missing?); coordinates taken as EPSG:4490 lon/lat\n", path);
        is_4490 = true;
    }

    park_status st = PARK_OK;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        long fid = (long)OGR_F_GetFID(f);
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        field_copies fc = {0};
        const char *id = field_str(&fc, f, fi_id), *name = field_str(&fc, f, fi_name), *layout = field_str(&fc, f, fi_layout);
        const char *prov = field_str(&fc, f, fi_prov), *four = field_str(&fc, f, fi_four);
        if (!id || !name || !layout || !prov || !four) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        if (!og) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s') has no geometry (expected a Polygon or MultiPolygon)", path, fid, id);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(og));
        if (gt != wkbPolygon && gt != wkbMultiPolygon) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s') is a %s (expected a Polygon or MultiPolygon)",
                            path, fid, id, OGRGeometryTypeToName(gt));
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        OGR_G_FlattenTo2D(og); /* heights play no part in planning areas */
        int sz = OGR_G_WkbSize(og);
        unsigned char *wkb = malloc((size_t)sz);
        OGR_G_ExportToIsoWkb(og, wkbNDR, wkb);
        GEOSGeometry *g = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, (size_t)sz);
        free(wkb);
        if (!g) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s'): unreadable geometry: %s", path, fid, id, ctx->geos_msg);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        const char *bad = geom_problem(ctx, g);
        if (bad) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s') %s (expected a polygon with finite lon/lat or projected coordinates)", path, fid, id, bad);
            GEOSGeom_destroy_r(ctx->geos, g);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        int nv = GEOSGetNumCoordinates_r(ctx->geos, g);
        if (nv > PARK_MAX_PARCEL_VERTICES) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s') has %d vertices, more than the %d a parcel may have (simplify it, e.g. QGIS Vector > Geometry Tools > Simplify)",
                            path, fid, id, nv, PARK_MAX_PARCEL_VERTICES);
            GEOSGeom_destroy_r(ctx->geos, g);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        char zoned[32];
        double gx0 = 0;
        if (!is_4490 && GEOSGeom_getXMin_r(ctx->geos, g, &gx0) && park_crs_zone_prefix_hint(src_crs, gx0, zoned, sizeof zoned)) {
            st = park_error(ctx, PARK_ERR_INPUT,
                            "%s: feature %ld (id '%s'): eastings such as %.0f carry the zone number (%d) in front, which %s (the .prj) does not: the layer is in %s (set that CRS in QGIS, Layer > Set CRS, and save it again)",
                            path, fid, id, gx0, (int)(gx0 / 1e6), src_crs, zoned);
            GEOSGeom_destroy_r(ctx->geos, g);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        /* lon/lat degrees in a layer declared in a zone CRS (a false easting of
         * 500 km: a real easting is never within 180 m of 0): the transform would
         * put the parcel in the sea off Africa with an area of 0.000 km² */
        if (!is_4490 && srs && OSRIsProjected(srs) && OSRGetProjParm(srs, SRS_PP_FALSE_EASTING, 0, NULL) >= 100000 && all_lonlat(ctx, g)) {
            st = park_error(ctx, PARK_ERR_INPUT,
                            "%s: feature %ld (id '%s'): coordinates are lon/lat degrees but the layer declares %s, a projected CRS in metres (declare EPSG:4490 or reproject)",
                            path, fid, id, src_crs);
            GEOSGeom_destroy_r(ctx->geos, g);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        if (!is_4490) {
            GEOSGeometry *t = NULL;
            st = park_transform(ctx, g, src_crs, "EPSG:4490", &t);
            GEOSGeom_destroy_r(ctx->geos, g);
            if (st != PARK_OK) {
                char msg[2048];
                snprintf(msg, sizeof msg, "%s", ctx->errmsg);
                st = park_error(ctx, st, "%s: feature %ld (id '%s'): %s", path, fid, id, msg);
                OGR_F_Destroy(f), fields_free(&fc);
                break;
            }
            g = t;
        } else if (!all_lonlat(ctx, g)) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s'): coordinates are not lon/lat degrees but the layer declares no projected CRS (add a .prj or reproject)",
                            path, fid, id);
            GEOSGeom_destroy_r(ctx->geos, g);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        double official = NAN;
        if (fi_off >= 0 && !official_value(f, fi_off, fx.official_scale, &official)) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s'): %s '%.60s' is not an area (expected a non-negative number of km², e.g. 11.14)",
                            path, fid, id, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, fi_off)), OGR_F_GetFieldAsString(f, fi_off));
            GEOSGeom_destroy_r(ctx->geos, g);
            OGR_F_Destroy(f), fields_free(&fc);
            break;
        }
        park_parcel p = {0};
        p.id = (char *)id;
        p.name = (char *)name;
        p.official_km2 = official;
        p.layout = (char *)layout;
        p.provenance = (char *)prov;
        p.four_to = (char *)four;
        p.geom = g;
        p.source_fid = fid;
        feature_error_m(f, &fx, p.provenance, &p);
        if (!park_utf8_valid(p.name))
            park_buf_printf(&l->notes, "%s: feature %ld (id '%s'): name is not valid UTF-8 (wrong encoding? try --encoding CP936)\n", path, fid, id);
        st = park_layer_add(ctx, l, &p);
        OGR_F_Destroy(f), fields_free(&fc);
        if (st != PARK_OK) break;
    }
    free(src_crs);
    if (st != PARK_OK) {
        park_layer_free(l);
        return st;
    }
    if (l->n == 0) {
        park_layer_free(l);
        return park_error(ctx, PARK_ERR_INPUT, "%s: layer has no features (expected polygon parcels)", path);
    }
    restore_provenance(ctx, l, path, &l->notes);
    *out = l;
    return PARK_OK;
}
