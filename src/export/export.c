/* export.c - `parkgis export`: prepares the layers of a layout once (target CRS,
 * geodesic areas) and hands them to a writer (export_shp.c for Shapefiles via
 * shapelib, export_ogr.c for GeoPackage / GeoJSON / KML / PostGIS via OGR).
 *
 * Atomicity: file outputs are written into "<dest>.tmp.<pid>" beside the
 * destination (same filesystem) and renamed into place at the end; a directory
 * that already exists is swapped with renameat2(RENAME_EXCHANGE) so there is no
 * moment without a complete export. PostGIS output is one transaction. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "export_internal.h"

/* ------------------------------------------------------------------ small API */

park_status park_export_format_parse(park_ctx *ctx, const char *s, park_export_format *out) {
    static const struct {
        const char *name;
        park_export_format f;
    } names[] = {{"shp", PARK_EXPORT_SHP},     {"shapefile", PARK_EXPORT_SHP}, {"esri shapefile", PARK_EXPORT_SHP},
                 {"gpkg", PARK_EXPORT_GPKG},   {"geopackage", PARK_EXPORT_GPKG}, {"geojson", PARK_EXPORT_GEOJSON},
                 {"json", PARK_EXPORT_GEOJSON}, {"kml", PARK_EXPORT_KML},       {"pg", PARK_EXPORT_PG},
                 {"postgis", PARK_EXPORT_PG},  {"postgresql", PARK_EXPORT_PG}};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (park_streq_ci(s, names[i].name)) {
            *out = names[i].f;
            return PARK_OK;
        }
    return park_error(ctx, PARK_ERR_USAGE, "unknown export format '%s' (expected shp, gpkg, geojson, kml or pg)",
                      s ? s : "");
}

const char *park_export_format_name(park_export_format f) {
    switch (f) {
    case PARK_EXPORT_SHP: return "shp";
    case PARK_EXPORT_GPKG: return "gpkg";
    case PARK_EXPORT_GEOJSON: return "geojson";
    case PARK_EXPORT_KML: return "kml";
    case PARK_EXPORT_PG: return "pg";
    }
    return "?";
}

void park_export_opts_default(park_export_opts *o) {
    memset(o, 0, sizeof *o);
    o->format = PARK_EXPORT_GPKG;
    o->t_srs = "EPSG:4490";
}

void park_export_report_free(park_export_report *r) {
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        park_export_item *it = &r->items[i];
        free(it->layer), free(it->title), free(it->geometry), free(it->file);
    }
    free(r->items), free(r->dest), free(r->crs), free(r->notes);
    free(r);
}

/* ------------------------------------------------------------------ preparing layers */

static void job_free_layers(exp_job *job) {
    for (size_t i = 0; i < job->nlayers; i++) {
        exp_layer *l = &job->layers[i];
        for (size_t k = 0; k < l->n; k++)
            if (l->f[k].g) GEOSGeom_destroy_r(job->ctx->geos, l->f[k].g);
        free(l->f);
    }
    free(job->layers);
    job->layers = NULL;
    job->nlayers = 0;
}

static int kind_of(int geos_type, exp_kind *k, int *multi) {
    *multi = 0;
    switch (geos_type) {
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON: *k = EXP_POLYGON; return 1;
    case GEOS_LINESTRING:
    case GEOS_MULTILINESTRING: *k = EXP_LINE; return 1;
    case GEOS_POINT: *k = EXP_POINT; return 1;
    case GEOS_MULTIPOINT: *k = EXP_POINT, *multi = 1; return 1;
    default: return 0;
    }
}

static bool ascii_name(const char *s) {
    if (!s || !*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* The share of a compiled boundary on mapped features ("share": osm +
 * anchored of a compile provenance), NAN when the provenance does not say. */
static double source_share(const char *prov) {
    double v = NAN;
    json_object *o = prov && prov[0] == '{' ? json_tokener_parse(prov) : NULL, *sh, *x;
    if (o && json_object_object_get_ex(o, "share", &sh) && json_object_is_type(sh, json_type_object)) {
        double t = 0;
        int any = 0;
        if (json_object_object_get_ex(sh, "osm", &x)) t += json_object_get_double(x), any = 1;
        if (json_object_object_get_ex(sh, "anchored", &x)) t += json_object_get_double(x), any = 1;
        if (any) v = t;
    }
    if (o) json_object_put(o);
    return v;
}

/* Reprojects every feature into `write_crs` and computes geodesic areas. */
static park_status prepare(exp_job *job, const park_layout_layer *in, size_t n, const char *write_crs) {
    park_ctx *ctx = job->ctx;
    job->layers = calloc(n ? n : 1, sizeof *job->layers);
    if (!job->layers) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const park_layout_layer *ll = &in[i];
        if (!ll->layer) return park_error(ctx, PARK_ERR_INTERNAL, "export: layer %zu has no data", i);
        if (!ascii_name(ll->name))
            return park_error(ctx, PARK_ERR_INPUT,
                              "export: layer name '%s' cannot name a file or table (expected ASCII letters, digits, '_' or '-')",
                              ll->name ? ll->name : "");
        for (size_t k = 0; k < i; k++)
            if (park_streq_ci(in[k].name, ll->name))
                return park_error(ctx, PARK_ERR_INPUT, "export: two layers are named '%s'", ll->name);
        size_t nf = park_layer_count(ll->layer);
        if (nf == 0) {
            park_buf_printf(&job->notes, "layer %s (%s) has no features: not written\n", ll->name, ll->title ? ll->title : "");
            continue;
        }
        exp_layer *l = &job->layers[job->nlayers++];
        l->name = ll->name;
        l->title = ll->title && *ll->title ? ll->title : ll->name;
        l->is_primary = ll->is_primary;
        l->src = ll->layer;
        l->has_members = ll->members && park_layer_count(ll->members) == park_layer_count(ll->layer);
        l->f = calloc(nf, sizeof *l->f);
        if (!l->f) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        l->n = nf;
        for (size_t k = 0; k < nf; k++) {
            const park_parcel *p = park_layer_get(ll->layer, k);
            exp_feature *f = &l->f[k];
            f->p = p;
            f->area_km2 = NAN;
            f->error_m = p->has_error_m ? p->error_m : NAN;
            f->src_share = source_share(p->provenance);
            f->members = l->has_members ? park_layer_get(ll->members, k)->layout : NULL;
            exp_kind kind;
            int multi;
            if (!p->geom || !kind_of(GEOSGeomTypeId_r(ctx->geos, p->geom), &kind, &multi))
                return park_error(ctx, PARK_ERR_INPUT,
                                  "export: layer %s, feature '%s': geometry is %s (expected Polygon, LineString or Point, or their Multi forms)",
                                  l->name, p->id, p->geom ? GEOSGeomType_r(ctx->geos, p->geom) : "missing");
            if (k == 0) l->kind = kind;
            else if (kind != l->kind)
                return park_error(ctx, PARK_ERR_INPUT,
                                  "export: layer %s, feature '%s' is a %s but the layer's first feature is a %s (one geometry type per layer)",
                                  l->name, p->id, GEOSGeomType_r(ctx->geos, p->geom),
                                  GEOSGeomType_r(ctx->geos, l->f[0].p->geom));
            if (multi) l->multi = 1;
            if (kind == EXP_POLYGON) {
                double m2;
                park_status st = park_area_geodesic(ctx, p->geom, &m2);
                if (st) return st;
                f->area_km2 = m2 / 1e6;
            }
            park_status st = park_transform(ctx, p->geom, "EPSG:4490", write_crs, &f->g);
            if (st) {
                char msg[1024];
                snprintf(msg, sizeof msg, "%s", park_ctx_errmsg(ctx));
                return park_error(ctx, st, "export: layer %s, feature '%s': %s", l->name, p->id, msg);
            }
        }
    }
    if (job->nlayers == 0) return park_error(ctx, PARK_ERR_INPUT, "export: nothing to write (every layer is empty)");
    return PARK_OK;
}

/* ------------------------------------------------------------------ CRS checks */

typedef struct crs_info {
    int geographic, projected;
    int epsg; /* 0 when not an EPSG code */
} crs_info;

static park_status check_crs(park_ctx *ctx, const char *crs, crs_info *ci) {
    memset(ci, 0, sizeof *ci);
    PJ *c = proj_create(ctx->proj, crs);
    if (!c)
        return park_error(ctx, PARK_ERR_USAGE, "--t_srs: unknown CRS '%s' (expected e.g. EPSG:4490, EPSG:4326 or EPSG:4549)", crs);
    PJ_TYPE t = proj_get_type(c);
    ci->geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS;
    ci->projected = t == PJ_TYPE_PROJECTED_CRS;
    const char *auth = proj_get_id_auth_name(c, 0), *code = proj_get_id_code(c, 0);
    if (auth && code && !strcmp(auth, "EPSG")) ci->epsg = atoi(code);
    proj_destroy(c);
    if (!ci->geographic && !ci->projected)
        return park_error(ctx, PARK_ERR_USAGE,
                          "--t_srs: '%s' is not a 2D geographic or projected CRS (expected e.g. EPSG:4490, EPSG:4326 or EPSG:4549)", crs);
    return PARK_OK;
}

/* ------------------------------------------------------------------ atomic output */


static bool ends_with_ci(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && park_streq_ci(s + a - b, suffix);
}

/* A directory we may replace with --overwrite: only files an export writes. This
 * keeps `--overwrite -o ~` from wiping a home directory. */
static park_status check_replaceable_dir(park_ctx *ctx, const char *dir) {
    static const char *const ok[] = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qml", ".qpj", ".sbn", ".sbx",
                                     ".gpkg", ".gpkg-wal", ".gpkg-shm", ".geojson", ".json", ".kml", ".provenance.csv"};
    DIR *d = opendir(dir);
    if (!d) return park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot read directory: %s", dir, strerror(errno));
    struct dirent *e;
    park_status st = PARK_OK;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        bool good = false;
        if (e->d_type == DT_REG || e->d_type == DT_UNKNOWN)
            for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
                if (ends_with_ci(e->d_name, ok[i])) good = true;
        if (!good) {
            st = park_error(ctx, PARK_ERR_OUTPUT,
                            "%s: exists and holds '%s', which an export does not write; not replacing it even with --overwrite (choose another -o)",
                            dir, e->d_name);
            break;
        }
    }
    closedir(d);
    return st;
}

/* "PG:dbname=x password=secret" / "postgresql://u:secret@h/db" with the password hidden. */
static char *hide_password(const char *conn) {
    park_buf b;
    park_buf_init(&b);
    const char *pw = strstr(conn, "password=");
    const char *scheme = strstr(conn, "://");
    if (pw) {
        park_buf_appendn(&b, conn, (size_t)(pw - conn) + 9);
        park_buf_append(&b, "***");
        const char *e = pw + 9;
        while (*e && *e != ' ' && *e != '&') e++;
        park_buf_append(&b, e);
    } else if (scheme) {
        const char *at = strchr(scheme + 3, '@');
        const char *colon = strchr(scheme + 3, ':');
        if (at && colon && colon < at) {
            park_buf_appendn(&b, conn, (size_t)(colon - conn) + 1);
            park_buf_append(&b, "***");
            park_buf_append(&b, at);
        } else park_buf_append(&b, conn);
    } else park_buf_append(&b, conn);
    return park_buf_take(&b);
}

static bool is_pg_conn(const char *s) {
    return !strncmp(s, "PG:", 3) || !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/* ------------------------------------------------------------------ entry point */

park_status park_export_layers(park_ctx *ctx, const char *basename, const char *title,
                               const park_layout_layer *layers, size_t n, const char *dest_in,
                               const park_export_opts *o, park_export_report **report) {
    if (report) *report = NULL;
    park_export_opts def;
    if (!o) park_export_opts_default(&def), o = &def;
    if (!dest_in || !*dest_in) return park_error(ctx, PARK_ERR_USAGE, "export: no output given (-o DIR, FILE or connection string)");
    if (!basename || !ascii_name(basename))
        return park_error(ctx, PARK_ERR_INPUT, "export: layout id '%s' cannot name a file (expected ASCII)", basename ? basename : "");

    exp_job job = {0};
    job.ctx = ctx;
    job.format = o->format;
    job.overwrite = o->overwrite;
    job.basename = basename;
    job.title = title && *title ? title : basename;
    park_buf_init(&job.notes);

    /* --encoding */
    if (o->encoding && *o->encoding) {
        if (park_streq_ci(o->encoding, "CP936") || park_streq_ci(o->encoding, "GBK") || !strcmp(o->encoding, "936"))
            job.cp936 = 1;
        else if (!park_streq_ci(o->encoding, "UTF-8") && !park_streq_ci(o->encoding, "UTF8"))
            return park_error(ctx, PARK_ERR_USAGE, "--encoding: unknown encoding '%s' (expected UTF-8 or CP936)", o->encoding);
        if (o->format != PARK_EXPORT_SHP && job.cp936)
            return park_error(ctx, PARK_ERR_USAGE, "--encoding CP936 applies to Shapefiles only (%s is always UTF-8)",
                              park_export_format_name(o->format));
    }

    /* --t_srs, and what each format allows */
    const char *t_srs = o->t_srs && *o->t_srs ? o->t_srs : "EPSG:4490";
    crs_info ci;
    park_status st = check_crs(ctx, t_srs, &ci);
    if (st) return st;
    int wgs84_like = ci.geographic && (ci.epsg == 4490 || ci.epsg == 4326);
    const char *write_crs = t_srs;
    if (o->format == PARK_EXPORT_KML) {
        if (!wgs84_like)
            return park_error(ctx, PARK_ERR_USAGE,
                              "--t_srs %s: KML coordinates are always WGS84 longitude/latitude (OGC KML 2.2); use EPSG:4326 or EPSG:4490, or another format",
                              t_srs);
        write_crs = "EPSG:4326";
    } else if (o->format == PARK_EXPORT_GEOJSON) {
        if (wgs84_like) write_crs = "EPSG:4326";
        else
            park_buf_printf(&job.notes,
                            "GeoJSON in %s is not RFC 7946 (which allows only WGS84 longitude/latitude): written as GeoJSON 2008 with a \"crs\" member, which GDAL and QGIS read but strict RFC 7946 readers ignore\n",
                            t_srs);
    }
    job.t_srs = write_crs;
    job.t_geographic = ci.geographic;

    /* where the output goes */
    char *dest = park_strdup(dest_in);
    size_t dl = strlen(dest);
    while (dl > 1 && dest[dl - 1] == '/') dest[--dl] = '\0';
    bool pg = o->format == PARK_EXPORT_PG;
    if (pg && !is_pg_conn(dest)) {
        st = park_error(ctx, PARK_ERR_USAGE, "-f pg: '%s' is not a PostgreSQL connection (expected \"PG:dbname=... host=...\" or \"postgresql://...\")", dest);
        free(dest);
        return st;
    }
    if (!pg && is_pg_conn(dest)) {
        st = park_error(ctx, PARK_ERR_USAGE, "-o %s is a PostgreSQL connection: use -f pg", dest);
        free(dest);
        return st;
    }
    /* a file name whose extension names another format: refused, never a
     * directory of GeoJSON called x.gpkg */
    {
        static const struct { const char *ext; park_export_format f; } exts[] = {
            {".gpkg", PARK_EXPORT_GPKG}, {".kml", PARK_EXPORT_KML}, {".geojson", PARK_EXPORT_GEOJSON},
            {".json", PARK_EXPORT_GEOJSON}, {".shp", PARK_EXPORT_SHP}, {".qgz", -1}, {".qgs", -1}};
        for (size_t k = 0; !pg && k < sizeof exts / sizeof exts[0]; k++)
            if (ends_with_ci(dest, exts[k].ext) && (int)exts[k].f != (int)o->format && exts[k].f != PARK_EXPORT_SHP) {
                st = park_error(ctx, PARK_ERR_USAGE, "-o %s: the name ends in %s but the format is %s (-f/--driver); give a matching name or driver",
                                dest, exts[k].ext, park_export_format_name(o->format));
                free(dest);
                return st;
            }
    }
    /* single file or directory? */
    const char *single = NULL; /* file name inside the temp dir when the output is one file */
    char *single_name = NULL;
    if (o->format == PARK_EXPORT_GPKG && ends_with_ci(dest, ".gpkg")) single = "x";
    else if (o->format == PARK_EXPORT_KML && ends_with_ci(dest, ".kml")) single = "x";
    else if (o->format == PARK_EXPORT_GEOJSON && (ends_with_ci(dest, ".geojson") || ends_with_ci(dest, ".json"))) {
        if (n != 1) {
            st = park_error(ctx, PARK_ERR_USAGE,
                            "-o %s: a GeoJSON file holds one layer but this layout has %zu; give a directory instead", dest, n);
            free(dest);
            return st;
        }
        single = "x";
    } else if (o->format == PARK_EXPORT_SHP && ends_with_ci(dest, ".shp")) {
        st = park_error(ctx, PARK_ERR_USAGE, "-o %s: Shapefile export writes a directory (one .shp set per layer); give a directory name", dest);
        free(dest);
        return st;
    }
    if (single) {
        const char *slash = strrchr(dest, '/');
        single_name = park_strdup(slash ? slash + 1 : dest);
    }

    park_export_report *rep = calloc(1, sizeof *rep);
    job.rep = rep;
    park_atomic out = {0};
    const char *tmp = NULL;
    if (!pg) {
        struct stat sb;
        if (stat(dest, &sb) == 0) {
            if (!o->overwrite) st = park_error(ctx, PARK_ERR_OUTPUT, "%s: already exists (use --overwrite to replace it)", dest);
            else if (single && S_ISDIR(sb.st_mode))
                st = park_error(ctx, PARK_ERR_OUTPUT, "%s: exists and is a directory; not replacing it with a file", dest);
            else if (!single && !S_ISDIR(sb.st_mode))
                st = park_error(ctx, PARK_ERR_OUTPUT, "%s: exists and is not a directory; not replacing it with an export directory", dest);
            else if (!single) st = check_replaceable_dir(ctx, dest);
        }
    }
    if (!st) st = prepare(&job, layers, n, write_crs);
    if (!st && !pg) {
        st = park_atomic_begin(ctx, &out, dest, PARK_ATOMIC_DIR, NULL);
        if (!st) tmp = out.tmp;
    }
    if (!st) {
        switch (o->format) {
        case PARK_EXPORT_SHP: st = exp_write_shp(&job, tmp); break;
        case PARK_EXPORT_PG: {
            char *conn = strncmp(dest, "PG:", 3) ? park_asprintf("PG:%s", dest) : park_strdup(dest);
            st = exp_write_ogr(&job, NULL, NULL, conn);
            free(conn);
            break;
        }
        default: {
            char *file = single_name ? park_strdup(single_name)
                                     : park_asprintf("%s.%s", basename, o->format == PARK_EXPORT_GPKG ? "gpkg" : "kml");
            st = exp_write_ogr(&job, tmp, o->format == PARK_EXPORT_GEOJSON && !single ? NULL : file, NULL);
            free(file);
        }
        }
    }
    if (!st && tmp) st = single ? park_atomic_commit_member(ctx, &out, single_name) : park_atomic_commit(ctx, &out);
    if (st && tmp) park_atomic_abort(&out);
    tmp = NULL;

    if (!st) {
        /* final paths in the report */
        for (size_t i = 0; i < rep->n; i++) {
            char *f = rep->items[i].file;
            if (pg) continue;
            rep->items[i].file = single ? park_strdup(dest) : park_asprintf("%s/%s", dest, f);
            free(f);
        }
        rep->dest = pg ? hide_password(dest) : park_strdup(dest);
        rep->crs = park_strdup(write_crs);
        if (strcmp(write_crs, t_srs) && o->format == PARK_EXPORT_GEOJSON && ci.epsg == 4490)
            park_buf_printf(&job.notes,
                            "GeoJSON (RFC 7946) is WGS84: CGCS2000 longitude/latitude written as EPSG:4326 unchanged (the frames differ by centimetres to decimetres here)\n");
        if (strcmp(write_crs, t_srs) && o->format == PARK_EXPORT_KML && ci.epsg == 4490)
            park_buf_printf(&job.notes,
                            "KML is WGS84: CGCS2000 longitude/latitude written as EPSG:4326 unchanged (the frames differ by centimetres to decimetres here)\n");
        rep->notes = job.notes.s ? park_buf_take(&job.notes) : park_strdup("");
    }
    park_buf_free(&job.notes);
    job_free_layers(&job);
    free(dest), free(single_name);
    if (st || !report) park_export_report_free(rep);
    else *report = rep;
    return st;
}

park_status park_export_layout(park_ctx *ctx, const park_layout *lo, const char *dest, const park_export_opts *o,
                               park_export_report **report) {
    size_t n = park_layout_layer_count(lo);
    park_layout_layer *ls = calloc(n ? n : 1, sizeof *ls);
    if (!ls) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) ls[i] = park_layout_layer_get(lo, i);
    park_status st = park_export_layers(ctx, park_layout_id(lo), park_layout_name(lo), ls, n, dest, o, report);
    free(ls);
    return st;
}
