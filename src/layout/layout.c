/* layout.c - layouts as data: geodata/layouts/<id>.json defines a layout, this
 * module builds it over a parcel layer. No layout name appears in this file:
 * a new layout is a new definition file (format: geodata/layouts/README.md).
 *
 * Elements built from parcels are dissolved (GEOSUnaryUnion) from the parcel
 * layer passed in, so an edited parcel layer yields edited elements; elements
 * the parcels cannot give (an area the plan names that is not one of the
 * parcels) and companion layers (metro lines, stations, rivers) come from
 * GeoJSON files beside the definition, made by tools/build_layouts. */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "../internal.h"

typedef struct lo_layer {
    char *name, *title;
    park_layer *layer;
    int primary;
} lo_layer;

struct park_layout {
    park_ctx *ctx;
    char *id, *name, *source, *path;
    lo_layer *layers;
    size_t n;
    const park_layer *members; /* all_parcels layouts: the parcel layer, borrowed */
};

const char *park_layout_default_dir(void) {
    static _Thread_local char dir[4096];
    snprintf(dir, sizeof dir, "%s/layouts", park_default_data_dir());
    return dir;
}

/* ------------------------------------------------------------------ definitions */

/* A definition file is any *.json in the directory (derived geometry is
 * *.geojson and is not a definition). */
static int is_definition(const struct dirent *d) {
    size_t n = strlen(d->d_name);
    if (d->d_name[0] == '.' || n < 6) return 0;
    if (strcmp(d->d_name + n - 5, ".json") != 0) return 0;
    return !(n >= 8 && strcmp(d->d_name + n - 8, ".geojson") == 0);
}

typedef struct def_file {
    char *path;
    json_object *root; /* owned */
} def_file;

static void defs_free(def_file *defs, int n) {
    for (int i = 0; i < n; i++) {
        free(defs[i].path);
        if (defs[i].root) json_object_put(defs[i].root);
    }
    free(defs);
}

static const char *jstr(json_object *o, const char *key) {
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string)) return NULL;
    return json_object_get_string(v);
}

/* Parses a JSON file; on failure says where (line:column) and why. */
static json_object *parse_json_file(const char *path, char *why, size_t whylen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whylen, "cannot open: %s", strerror(errno));
        return NULL;
    }
    park_buf b;
    park_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) park_buf_appendn(&b, chunk, n);
    fclose(f);
    const char *text = b.s ? b.s : "";
    json_tokener *tok = json_tokener_new();
    json_object *o = tok ? json_tokener_parse_ex(tok, text, (int)strlen(text) + 1) : NULL; /* +1: the NUL ends the text */
    if (!o) {
        enum json_tokener_error e = tok ? json_tokener_get_error(tok) : json_tokener_error_size;
        size_t off = tok ? json_tokener_get_parse_end(tok) : 0, line = 1, col = 1;
        for (size_t i = 0; i < off && text[i]; i++) {
            if (text[i] == '\n') line++, col = 1;
            else col++;
        }
        snprintf(why, whylen, "JSON error at line %zu, column %zu: %s", line, col, json_tokener_error_desc(e));
    }
    if (tok) json_tokener_free(tok);
    park_buf_free(&b);
    return o;
}

/* Reads every definition in dir, sorted by file name (so listings are stable).
 * A file that is not valid JSON or lacks id/name is an input error: a broken
 * definition in the data directory should be noticed, not silently skipped. */
static park_status defs_load(park_ctx *ctx, const char *dir, def_file **out, int *nout) {
    *out = NULL, *nout = 0;
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, is_definition, alphasort);
    if (n < 0)
        return park_error(ctx, PARK_ERR_INPUT, "%s: cannot read the layout definitions directory: %s (expected a directory of <id>.json layout definitions; set PARKGIS_DATA to the geodata directory)",
                          dir, strerror(errno));
    def_file *defs = calloc((size_t)(n ? n : 1), sizeof *defs);
    park_status st = defs ? PARK_OK : park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    int k = 0;
    for (int i = 0; i < n; i++) {
        if (st == PARK_OK) {
            char *path = park_asprintf("%s/%s", dir, ents[i]->d_name);
            char why[512];
            json_object *root = parse_json_file(path, why, sizeof why);
            if (!root) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: not a valid layout definition: %s (expected a JSON object with id, name, elements)",
                                path, why);
                free(path);
            } else if (!json_object_is_type(root, json_type_object) || !jstr(root, "id") || !jstr(root, "name")) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: layout definition lacks a string \"id\" or \"name\" (expected {\"id\": \"<ascii-id>\", \"name\": \"<中文名>\", ...})",
                                path);
                json_object_put(root);
                free(path);
            } else {
                defs[k].path = path, defs[k].root = root, k++;
            }
        }
        free(ents[i]);
    }
    free(ents);
    if (st != PARK_OK) {
        defs_free(defs, k);
        return st;
    }
    *out = defs, *nout = k;
    return PARK_OK;
}

static bool def_matches(json_object *root, const char *name) {
    const char *id = jstr(root, "id"), *cn = jstr(root, "name");
    if ((id && park_streq_ci(id, name)) || (cn && strcmp(cn, name) == 0)) return true;
    json_object *al;
    if (json_object_object_get_ex(root, "aliases", &al) && json_object_is_type(al, json_type_array)) {
        size_t na = json_object_array_length(al);
        for (size_t i = 0; i < na; i++) {
            json_object *a = json_object_array_get_idx(al, i);
            if (json_object_is_type(a, json_type_string) && (strcmp(json_object_get_string(a), name) == 0 ||
                                                            park_streq_ci(json_object_get_string(a), name)))
                return true;
        }
    }
    return false;
}

char *park_layout_list_dir(park_ctx *ctx, const char *dir) {
    def_file *defs;
    int n;
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "");
    if (defs_load(ctx, dir ? dir : park_layout_default_dir(), &defs, &n) != PARK_OK) return park_buf_take(&b);
    for (int i = 0; i < n; i++) park_buf_printf(&b, "%s%s", i ? "\n" : "", jstr(defs[i].root, "id"));
    defs_free(defs, n);
    return park_buf_take(&b);
}

char *park_layout_list(park_ctx *ctx) { return park_layout_list_dir(ctx, NULL); }

/* ------------------------------------------------------------------ geometry helpers */

/* Every element is a MultiPolygon: polygons are wrapped, collections (a union
 * of parts, or MakeValid output, can come back as one) keep only their polygons. */
static void collect_polys(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry **parts, unsigned *k) {
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (!GEOSisEmpty_r(h, g)) {
            if (parts) parts[*k] = GEOSGeom_clone_r(h, g);
            (*k)++;
        }
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++) collect_polys(h, GEOSGetGeometryN_r(h, g, i), parts, k);
    }
}

static GEOSGeometry *to_multipolygon(park_ctx *ctx, const GEOSGeometry *g) {
    GEOSContextHandle_t h = ctx->geos;
    if (GEOSGeomTypeId_r(h, g) == GEOS_MULTIPOLYGON) return GEOSGeom_clone_r(h, g);
    unsigned n = 0, k = 0;
    collect_polys(h, g, NULL, &n);
    GEOSGeometry **parts = calloc(n ? n : 1, sizeof *parts);
    if (!parts) return NULL;
    collect_polys(h, g, parts, &k);
    GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, k);
    free(parts);
    return m;
}

static GEOSGeometry *valid_copy(park_ctx *ctx, const GEOSGeometry *g) {
    if (GEOSisValid_r(ctx->geos, g) == 1) return GEOSGeom_clone_r(ctx->geos, g);
    return GEOSMakeValid_r(ctx->geos, g);
}

/* ------------------------------------------------------------------ vector files */

/* A copy of the field's text ("" when absent or unset); the caller frees it. NULL only when out of memory. */
static char *field_dup(OGRFeatureH f, int idx) {
    return park_strdup(idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, idx) ? OGR_F_GetFieldAsString(f, idx) : "");
}

/* Reads an OGR vector file of any geometry type into a park_layer (fields id,
 * name, group or layout, provenance, official_km2; all optional but id). Used
 * for the derived element geometry and the companion layers. Coordinates:
 * lon/lat WGS84 or CGCS2000 taken as EPSG:4490 (see parkgis.h); a projected
 * CRS is transformed. */
static park_status read_vector(park_ctx *ctx, const char *path, park_layer **out) {
    *out = NULL;
    park_gdal_register();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds)
        return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open as a vector layer (expected a GeoJSON FeatureCollection made by tools/build_layouts)", path);
    OGRLayerH lyr = GDALDatasetGetLayerCount(ds) > 0 ? GDALDatasetGetLayer(ds, 0) : NULL;
    if (!lyr) {
        GDALClose(ds);
        return park_error(ctx, PARK_ERR_INPUT, "%s: no layer in file", path);
    }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int fi_id = OGR_FD_GetFieldIndex(defn, "id"), fi_name = OGR_FD_GetFieldIndex(defn, "name");
    int fi_group = OGR_FD_GetFieldIndex(defn, "group");
    if (fi_group < 0) fi_group = OGR_FD_GetFieldIndex(defn, "layout");
    int fi_prov = OGR_FD_GetFieldIndex(defn, "provenance");
    int fi_off = OGR_FD_GetFieldIndex(defn, "official_km2");
    if (fi_id < 0) {
        GDALClose(ds);
        return park_error(ctx, PARK_ERR_INPUT, "%s: lacks the field 'id' (expected features with properties id, name, group, provenance)", path);
    }
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    char *src_crs = NULL;
    if (srs && !OSRIsGeographic(srs)) {
        char *wkt = NULL;
        const char *opts[] = {"FORMAT=WKT2_2019", NULL};
        OSRExportToWktEx(srs, &wkt, opts);
        src_crs = park_strdup(wkt);
        CPLFree(wkt);
    }
    park_layer *l = park_layer_new(ctx);
    park_status st = l ? PARK_OK : park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while (st == PARK_OK && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
        long fid = (long)OGR_F_GetFID(f);
        /* copied at once: for a non-string field OGR returns a per-feature
         * scratch buffer that the next OGR_F_GetFieldAsString reuses (issue 12, item 1) */
        char *id = field_dup(f, fi_id), *name = field_dup(f, fi_name), *group = field_dup(f, fi_group), *prov = field_dup(f, fi_prov);
        if (!id || !name || !group || !prov) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            free(id), free(name), free(group), free(prov);
            OGR_F_Destroy(f);
            break;
        }
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        if (!og || OGR_G_IsEmpty(og)) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s') has no geometry", path, fid, id);
            free(id), free(name), free(group), free(prov);
            OGR_F_Destroy(f);
            break;
        }
        OGR_G_FlattenTo2D(og);
        int sz = OGR_G_WkbSize(og);
        unsigned char *wkb = malloc((size_t)sz);
        GEOSGeometry *g = NULL;
        if (wkb) {
            OGR_G_ExportToIsoWkb(og, wkbNDR, wkb);
            g = GEOSGeomFromWKB_buf_r(ctx->geos, wkb, (size_t)sz);
            free(wkb);
        }
        if (!g) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature %ld (id '%s'): unreadable geometry", path, fid, id);
            free(id), free(name), free(group), free(prov);
            OGR_F_Destroy(f);
            break;
        }
        if (src_crs) {
            GEOSGeometry *t = NULL;
            st = park_transform(ctx, g, src_crs, "EPSG:4490", &t);
            GEOSGeom_destroy_r(ctx->geos, g);
            g = t;
        }
        if (st == PARK_OK) {
            park_parcel p = {0};
            p.id = (char *)id;
            p.name = name;
            p.layout = group;
            p.provenance = prov;
            p.four_to = "";
            p.official_km2 = fi_off >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi_off) ? OGR_F_GetFieldAsDouble(f, fi_off) : NAN;
            p.geom = g;
            p.source_fid = fid;
            st = park_layer_add(ctx, l, &p);
            if (st != PARK_OK) GEOSGeom_destroy_r(ctx->geos, g);
        }
        free(id), free(name), free(group), free(prov);
        OGR_F_Destroy(f);
    }
    free(src_crs);
    GDALClose(ds);
    if (st != PARK_OK) {
        park_layer_free(l);
        return st;
    }
    *out = l;
    return PARK_OK;
}

/* Loaded geometry files, so an element file referenced by six elements is read once. */
typedef struct file_cache {
    char *path[32];
    park_layer *layer[32];
    int n;
} file_cache;

static park_status cache_get(park_ctx *ctx, file_cache *c, const char *path, park_layer **out) {
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->path[i], path) == 0) return *out = c->layer[i], PARK_OK;
    if (c->n == 32) return park_error(ctx, PARK_ERR_INPUT, "%s: too many geometry files in one layout (at most 32)", path);
    park_status st = read_vector(ctx, path, out);
    if (st) return st;
    c->path[c->n] = park_strdup(path), c->layer[c->n] = *out, c->n++;
    return PARK_OK;
}

static void cache_free(file_cache *c) {
    for (int i = 0; i < c->n; i++) free(c->path[i]), park_layer_free(c->layer[i]);
}

/* ------------------------------------------------------------------ layout object */

static park_status add_layer(park_layout *lo, const char *name, const char *title, park_layer *l, int primary) {
    lo_layer *nl = realloc(lo->layers, (lo->n + 1) * sizeof *nl);
    if (!nl) {
        park_layer_free(l);
        return park_error(lo->ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    lo->layers = nl;
    lo->layers[lo->n++] = (lo_layer){park_strdup(name), park_strdup(title), l, primary};
    return PARK_OK;
}

void park_layout_free(park_layout *lo) {
    if (!lo) return;
    for (size_t i = 0; i < lo->n; i++) {
        free(lo->layers[i].name), free(lo->layers[i].title);
        park_layer_free(lo->layers[i].layer);
    }
    free(lo->layers);
    free(lo->id), free(lo->name), free(lo->source), free(lo->path);
    free(lo);
}

const char *park_layout_id(const park_layout *lo) { return lo->id; }
const char *park_layout_name(const park_layout *lo) { return lo->name; }
const char *park_layout_source(const park_layout *lo) { return lo->source; }
const char *park_layout_path(const park_layout *lo) { return lo->path; }
size_t park_layout_layer_count(const park_layout *lo) { return lo->n; }

park_layout_layer park_layout_layer_get(const park_layout *lo, size_t i) {
    park_layout_layer r = {0};
    if (i >= lo->n) return r;
    r.name = lo->layers[i].name, r.title = lo->layers[i].title;
    r.layer = lo->layers[i].layer, r.is_primary = lo->layers[i].primary;
    if (r.is_primary) r.members = lo->members;
    return r;
}

const park_layer *park_layout_elements(const park_layout *lo) {
    for (size_t i = 0; i < lo->n; i++)
        if (lo->layers[i].primary) return lo->layers[i].layer;
    return NULL;
}

/* The layer name for export: the definition's "layer", else the id with '-'
 * turned into '_' (ASCII; shapefile and GeoPackage table names). */
static char *layer_name_of(json_object *root) {
    const char *ln = jstr(root, "layer");
    char *s = park_strdup(ln ? ln : jstr(root, "id"));
    for (char *p = s; *p; p++)
        if (*p == '-') *p = '_';
    return s;
}

/* Resolves "<file>#<id>" (or "<file>") relative to the definitions directory. */
/* A geometry reference must name a file in the layout directory: not an
 * absolute path and no ".." component (a definition file could otherwise
 * make parkgis open any file on the machine, issue 12). */
static bool ref_escapes(const char *ref) {
    size_t n = strcspn(ref, "#");
    if (n && ref[0] == '/') return true;
    for (size_t i = 0; i + 1 < n; i++) {
        bool start = i == 0 || ref[i - 1] == '/';
        if (start && ref[i] == '.' && ref[i + 1] == '.' && (i + 2 == n || ref[i + 2] == '/')) return true;
    }
    return false;
}

static void split_ref(const char *dir, const char *ref, char **path, char **fid) {
    const char *hash = strchr(ref, '#');
    char *file = hash ? park_strndup(ref, (size_t)(hash - ref)) : park_strdup(ref);
    *path = file[0] == '/' ? park_strdup(file) : park_asprintf("%s/%s", dir, file);
    *fid = hash ? park_strdup(hash + 1) : NULL;
    free(file);
}

/* The positional error a parcel states: "error_m" of its provenance when that is
 * the JSON `parkgis compile` writes (geodata/SOURCES.md, Compiling). A parcel
 * layer edited in QGIS or made elsewhere may state none: returns NAN. */
static double parcel_error_m(const park_parcel *p) {
    if (p->has_error_m) return p->error_m; /* its error_m field, or read from its provenance */
    double e = NAN;
    json_object *o = p->provenance && p->provenance[0] == '{' ? json_tokener_parse(p->provenance) : NULL, *v;
    if (o && json_object_object_get_ex(o, "error_m", &v) &&
        (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        e = json_object_get_double(v);
    if (o) json_object_put(o);
    return e >= 0 ? e : NAN;
}

/* True when the ';'-separated memberships `layout` name element `eid`. */
static bool names_element(const char *layout, const char *eid) {
    size_t n = strlen(eid);
    for (const char *s = layout; s && *s;) {
        while (*s == ' ' || *s == ';') s++;
        const char *e = s;
        while (*e && *e != ';') e++;
        const char *t = e;
        while (t > s && t[-1] == ' ') t--;
        if ((size_t)(t - s) == n && !strncmp(s, eid, n)) return true;
        s = e;
    }
    return false;
}

static bool listed(json_object *plist, const char *id) {
    for (size_t i = 0; i < json_object_array_length(plist); i++) {
        json_object *v = json_object_array_get_idx(plist, i);
        if (json_object_is_type(v, json_type_string) && !strcmp(json_object_get_string(v), id)) return true;
    }
    return false;
}

/* Element from parcels: the union of the named parcels' geometries and of the
 * parcels whose layout field names the element. */
static park_status element_from_parcels(park_ctx *ctx, const char *defpath, const char *eid,
                                        json_object *plist, const park_layer *parcels,
                                        GEOSGeometry **geom, double *official, char **prov, double *err_out) {
    GEOSContextHandle_t h = ctx->geos;
    size_t nlist = json_object_array_length(plist), n = nlist;
    *err_out = NAN;
    if (parcels)
        for (size_t j = 0; j < park_layer_count(parcels); j++) {
            const park_parcel *q = park_layer_get(parcels, j);
            if (names_element(q->layout, eid) && !listed(plist, q->id)) n++;
        }
    if (!parcels)
        return park_error(ctx, PARK_ERR_USAGE, "%s: element '%s' is built from parcels, but no parcel layer was given", defpath, eid);
    if (nlist == 0)
        return park_error(ctx, PARK_ERR_INPUT, "%s: element '%s': \"parcels\" is empty (expected a list of parcel ids)", defpath, eid);
    bool by_field = n > nlist; /* some parcel joins by its layout field */
    park_buf absent;
    park_buf_init(&absent);
    GEOSGeometry **parts = calloc(n, sizeof *parts);
    if (!parts) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    park_buf ids, errs;
    park_buf_init(&ids);
    park_buf_init(&errs);
    double sum = 0, err_max = 0;
    const char *no_err = NULL; /* first parcel stating no error */
    park_status st = PARK_OK;
    size_t k = 0;
    size_t extra = 0; /* parcels taken by their layout field so far */
    for (size_t i = 0; i < n && st == PARK_OK; i++) {
        const park_parcel *p = NULL;
        if (i >= nlist) {
            /* the parcels whose layout field names this element */
            size_t seen = 0;
            for (size_t j = 0; j < park_layer_count(parcels) && !p; j++) {
                const park_parcel *q = park_layer_get(parcels, j);
                if (names_element(q->layout, eid) && !listed(plist, q->id) && seen++ == extra) p = q;
            }
            extra++;
            if (!p) continue;
            goto have_parcel;
        }
        json_object *v = json_object_array_get_idx(plist, i);
        const char *pid = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
        if (!pid) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: element '%s': parcels[%zu] is not a string (expected a parcel id such as \"robot-park\")",
                            defpath, eid, i);
            break;
        }
        p = park_layer_find(parcels, pid);
        if (!p && by_field) {
            /* split or renumbered in QGIS: its pieces carry the element in their layout field */
            park_buf_printf(&absent, "%s%s", absent.s ? ", " : "", pid);
            continue;
        }
        if (!p) {
            park_buf have;
            park_buf_init(&have);
            for (size_t j = 0; j < park_layer_count(parcels); j++)
                park_buf_printf(&have, "%s%s", j ? ", " : "", park_layer_get(parcels, j)->id);
            st = park_error(ctx, PARK_ERR_INPUT, "%s: element '%s' needs parcel '%s', which the parcel layer %s lacks (it has: %s)",
                            defpath, eid, pid, park_layer_path(parcels)[0] ? park_layer_path(parcels) : "(built in memory)",
                            have.s ? have.s : "no parcels");
            park_buf_free(&have);
            break;
        }
    have_parcel:
        parts[k] = valid_copy(ctx, p->geom);
        if (!parts[k]) {
            st = park_geos_fail(ctx, "make parcel geometry valid");
            break;
        }
        k++;
        sum += p->official_km2; /* NAN when any parcel lacks a figure: the sum is then unknown */
        park_buf_printf(&ids, "%s%s%s", ids.s ? " + " : "", p->id, i >= nlist ? " (by its layout field)" : "");
        /* The dissolve adds no error of its own (it only removes shared edges), so
         * the element is as far off as its worst parcel. */
        double e = parcel_error_m(p);
        if (isnan(e)) {
            if (!no_err) no_err = p->id;
        } else {
            err_max = e > err_max ? e : err_max;
            park_buf_printf(&errs, "%s%s %.0f", errs.s ? ", " : "", p->id, e);
        }
    }
    if (st == PARK_OK && k == 0)
        st = park_error(ctx, PARK_ERR_INPUT, "%s: element '%s': none of its parcels is in the parcel layer", defpath, eid);
    if (st != PARK_OK) {
        for (size_t i = 0; i < k; i++) GEOSGeom_destroy_r(h, parts[i]);
        free(parts);
        park_buf_free(&ids), park_buf_free(&errs), park_buf_free(&absent);
        return st;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k);
    free(parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
    if (coll) GEOSGeom_destroy_r(h, coll);
    if (!u) {
        park_buf_free(&ids), park_buf_free(&errs);
        return park_geos_fail(ctx, "dissolve parcels");
    }
    *geom = to_multipolygon(ctx, u);
    GEOSGeom_destroy_r(h, u);
    if (!*geom) {
        park_buf_free(&ids), park_buf_free(&errs);
        return park_geos_fail(ctx, "multipolygon");
    }
    *official = sum;
    /* the file name only: provenance is exported, and an absolute path names the machine */
    const char *lp = park_layer_path(parcels), *slash = strrchr(lp, '/');
    char *err = no_err ? park_asprintf("error unknown: parcel %s states no error_m in its provenance", no_err)
                       : k == 1 ? park_asprintf("error ~%.0f m (the parcel's error_m)", err_max)
                                : park_asprintf("error ~%.0f m (largest error_m of those parcels: %s)", err_max, errs.s);
    *prov = park_asprintf("parcels: dissolve (GEOS unary union) of %s from %s; %s%s%s%s", ids.s,
                          lp[0] ? (slash ? slash + 1 : lp) : "the parcel layer given", err,
                          absent.s ? "; not in the layer (split or renumbered): " : "", absent.s ? absent.s : "", "");
    if (!no_err) *err_out = err_max;
    free(err);
    park_buf_free(&absent);
    park_buf_free(&ids), park_buf_free(&errs);
    return PARK_OK;
}

static park_status build_from_def(park_ctx *ctx, const char *dir, const def_file *d,
                                  const park_layer *parcels, park_layout **out) {
    GEOSContextHandle_t h = ctx->geos;
    json_object *root = d->root;
    park_layout *lo = calloc(1, sizeof *lo);
    if (!lo) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    lo->ctx = ctx;
    lo->id = park_strdup(jstr(root, "id"));
    lo->name = park_strdup(jstr(root, "name"));
    lo->source = park_strdup(jstr(root, "source"));
    lo->path = park_strdup(d->path);
    file_cache cache = {0};
    park_status st = PARK_OK;
    park_layer *prim = park_layer_new(ctx);
    if (!prim) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");

    json_object *all = NULL, *els = NULL;
    bool all_parcels = json_object_object_get_ex(root, "all_parcels", &all) && json_object_get_boolean(all);
    if (st == PARK_OK && all_parcels && !parcels)
        st = park_error(ctx, PARK_ERR_USAGE, "%s: layout '%s' is the parcel layer itself, but no parcel layer was given", d->path, lo->id);
    if (st == PARK_OK && all_parcels) {
        /* The parcel layer itself: one element per parcel, geometry copied. */
        lo->members = parcels;
        const char *group = jstr(root, "group");
        for (size_t i = 0; i < park_layer_count(parcels) && st == PARK_OK; i++) {
            const park_parcel *p = park_layer_get(parcels, i);
            park_parcel e = *p;
            e.layout = (char *)(group ? group : p->layout);
            e.geom = to_multipolygon(ctx, p->geom);
            if (!e.geom) st = park_geos_fail(ctx, "copy parcel");
            else if ((st = park_layer_add(ctx, prim, &e)) != PARK_OK) GEOSGeom_destroy_r(h, e.geom);
        }
    } else if (st == PARK_OK) {
        if (!json_object_object_get_ex(root, "elements", &els) || !json_object_is_type(els, json_type_array))
            st = park_error(ctx, PARK_ERR_INPUT, "%s: no \"elements\" array (expected \"elements\": [{\"id\", \"name\", \"group\", \"parcels\" or \"geometry\"}, ...], or \"all_parcels\": true)",
                            d->path);
        size_t ne = st == PARK_OK ? json_object_array_length(els) : 0;
        for (size_t i = 0; i < ne && st == PARK_OK; i++) {
            json_object *e = json_object_array_get_idx(els, i), *plist = NULL;
            const char *eid = jstr(e, "id"), *ename = jstr(e, "name"), *group = jstr(e, "group");
            const char *gref = jstr(e, "geometry");
            if (!eid || !ename) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: elements[%zu] lacks a string \"id\" or \"name\" (expected {\"id\": \"<ascii-id>\", \"name\": \"<中文名>\", \"group\": ..., \"parcels\": [...] or \"geometry\": \"<file>.geojson#<id>\"})",
                                d->path, i);
                break;
            }
            bool dup = false;
            for (size_t k = 0; prim && k < park_layer_count(prim) && !dup; k++) dup = !strcmp(park_layer_get(prim, k)->id, eid);
            if (dup) { /* issue 12, item 9: was accepted, one shadowing the other */
                st = park_error(ctx, PARK_ERR_INPUT, "%s: elements[%zu] repeats the id '%s' (element ids must be unique)", d->path, i, eid);
                break;
            }
            bool has_parcels = json_object_object_get_ex(e, "parcels", &plist) && json_object_is_type(plist, json_type_array);
            if (has_parcels == (gref != NULL)) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: element '%s' must have exactly one of \"parcels\" (a list of parcel ids) or \"geometry\" (\"<file>.geojson#<feature id>\")",
                                d->path, eid);
                break;
            }
            park_parcel el = {0};
            char *prov = NULL;
            double official = NAN;
            if (has_parcels) {
                double eerr;
                st = element_from_parcels(ctx, d->path, eid, plist, parcels, &el.geom, &official, &prov, &eerr);
                if (st == PARK_OK && !isnan(eerr)) el.has_error_m = 1, el.error_m = eerr;
            } else {
                char *path, *fid;
                split_ref(dir, gref, &path, &fid);
                park_layer *gl = NULL;
                st = ref_escapes(gref) ? park_error(ctx, PARK_ERR_INPUT, "%s: element '%s': geometry '%s' is outside the layout directory (expected a file name beside the definition, \"<file>.geojson#<id>\")",
                                                    d->path, eid, gref)
                                       : cache_get(ctx, &cache, path, &gl);
                if (st == PARK_OK) {
                    const park_parcel *src = park_layer_find(gl, fid ? fid : eid);
                    if (!src)
                        st = park_error(ctx, PARK_ERR_INPUT, "%s: element '%s': %s has no feature with id '%s' (rebuild it with tools/build_layouts)",
                                        d->path, eid, path, fid ? fid : eid);
                    else {
                        int t = GEOSGeomTypeId_r(h, src->geom);
                        if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
                            st = park_error(ctx, PARK_ERR_INPUT, "%s: element '%s': feature '%s' of %s is a %s (expected a Polygon or MultiPolygon)",
                                            d->path, eid, src->id, path, GEOSGeomType_r(h, src->geom));
                        else {
                            GEOSGeometry *v = valid_copy(ctx, src->geom);
                            el.geom = v ? to_multipolygon(ctx, v) : NULL;
                            if (v) GEOSGeom_destroy_r(h, v);
                            if (!el.geom) st = park_geos_fail(ctx, "element geometry");
                            prov = park_asprintf("%s", src->provenance[0] ? src->provenance : "geometry file without provenance");
                            official = src->official_km2;
                        }
                    }
                }
                free(path), free(fid);
            }
            if (st == PARK_OK) {
                el.id = (char *)eid, el.name = (char *)ename;
                el.layout = (char *)(group ? group : "");
                el.provenance = prov;
                el.four_to = "";
                el.official_km2 = official;
                el.source_fid = (long)i;
                st = park_layer_add(ctx, prim, &el);
                if (st != PARK_OK) GEOSGeom_destroy_r(h, el.geom);
            } else if (el.geom) {
                GEOSGeom_destroy_r(h, el.geom);
            }
            free(prov);
        }
    }
    if (st == PARK_OK) {
        char *ln = layer_name_of(root);
        const char *title = jstr(root, "title");
        st = add_layer(lo, ln, title ? title : lo->name, prim, 1);
        prim = NULL;
        free(ln);
    }
    /* companion layers */
    json_object *comps = NULL;
    if (st == PARK_OK && json_object_object_get_ex(root, "companions", &comps)) {
        if (!json_object_is_type(comps, json_type_array))
            st = park_error(ctx, PARK_ERR_INPUT, "%s: \"companions\" is not an array (expected [{\"name\": \"metro_lines\", \"title\": \"...\", \"geometry\": \"<file>.geojson\"}])", d->path);
        size_t nc = st == PARK_OK ? json_object_array_length(comps) : 0;
        for (size_t i = 0; i < nc && st == PARK_OK; i++) {
            json_object *c = json_object_array_get_idx(comps, i);
            const char *cname = jstr(c, "name"), *ctitle = jstr(c, "title"), *gref = jstr(c, "geometry");
            if (!cname || !gref) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: companions[%zu] lacks \"name\" or \"geometry\" (expected {\"name\": \"metro_lines\", \"title\": \"...\", \"geometry\": \"<file>.geojson\"})",
                                d->path, i);
                break;
            }
            char *path, *fid;
            split_ref(dir, gref, &path, &fid);
            park_layer *cl = NULL;
            st = ref_escapes(gref) ? park_error(ctx, PARK_ERR_INPUT, "%s: companions[%zu]: geometry '%s' is outside the layout directory (expected a file name beside the definition)",
                                                d->path, i, gref)
                                   : read_vector(ctx, path, &cl); /* owned by the layout from here */
            if (st == PARK_OK) st = add_layer(lo, cname, ctitle ? ctitle : cname, cl, 0);
            free(path), free(fid);
        }
    }
    if (prim) park_layer_free(prim);
    cache_free(&cache);
    if (st != PARK_OK) {
        park_layout_free(lo);
        return st;
    }
    *out = lo;
    return PARK_OK;
}

park_status park_layout_build_dir(park_ctx *ctx, const char *dir, const char *name,
                                  const park_layer *parcels, park_layout **out) {
    *out = NULL;
    if (!name || !*name) return park_error(ctx, PARK_ERR_USAGE, "no layout name given");
    if (!dir) dir = park_layout_default_dir();
    def_file *defs;
    int n;
    park_status st = defs_load(ctx, dir, &defs, &n);
    if (st) return st;
    int hit = -1;
    for (int i = 0; i < n && hit < 0; i++)
        if (def_matches(defs[i].root, name)) hit = i;
    if (hit < 0) {
        park_buf known;
        park_buf_init(&known);
        for (int i = 0; i < n; i++)
            park_buf_printf(&known, "%s%s (%s)", i ? ", " : "", jstr(defs[i].root, "id"), jstr(defs[i].root, "name"));
        st = park_error(ctx, PARK_ERR_NOTFOUND, "unknown layout '%s' (known: %s; definitions in %s)", name,
                        known.s ? known.s : "none", dir);
        park_buf_free(&known);
        defs_free(defs, n);
        return st;
    }
    st = build_from_def(ctx, dir, &defs[hit], parcels, out);
    defs_free(defs, n);
    return st;
}

park_status park_layout_build(park_ctx *ctx, const char *name, const park_layer *parcels, park_layout **out) {
    return park_layout_build_dir(ctx, NULL, name, parcels, out);
}
