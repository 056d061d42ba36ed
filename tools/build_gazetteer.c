/* build_gazetteer.c - rebuilds geodata/gazetteer/<name>.geojson from the checked-in
 * sketches (geodata/sketches/<name>.sketch) and the public source data in
 * ../shared/data (OSM arterials, named OSM elevated pieces, the DataV district
 * boundary). Same inputs -> byte-identical output.
 *
 * Method (see geodata/SOURCES.md and geodata/sketches/README.md):
 *  - A sketch is an approximate polyline digitised from knowledge of the area.
 *  - With `snap = road|expressway|any`, the sketch is sampled every 20 m; at each
 *    sample a perpendicular of +-corridor_m is intersected with the OSM arterial
 *    segments of that class whose direction agrees with the sketch (within 35
 *    degrees). The nearest hit and any other carriageway within 45 m of it are
 *    averaged, so a dual carriageway gives its centre line. Samples without a hit
 *    take an offset interpolated from their matched neighbours. The feature is
 *    `osm` when at least min_coverage of the samples matched, else `approximate`.
 *  - Every result is checked against the NAMED OSM elevated/bridge pieces: the
 *    names found along it are written into `method`, and a name that disagrees
 *    with the feature's is reported on stderr (a sign of snapping to the wrong road).
 *  - `source = district <file>` takes a GCJ-02 district boundary and converts it
 *    to WGS84 with park_datum_to_wgs84.
 *  - `trace = <sector> x0 y0 x1 y1` takes the part of a sector polygon's boundary
 *    (sectors-reviewed.wgs84.json; 顾村 and 杨行 are OSM town relations) inside
 *    the box: used for rivers that those town boundaries follow.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <gdal.h>
#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "parkgis_sources.h"
#include "sources/sources.h"

#define LOCAL_CRS PARK_LOCAL_CRS
#define STEP_M 20.0          /* sample spacing along a sketch */
#define MAX_ANGLE_DEG 35.0   /* direction agreement between sketch and OSM segment (park_road_network_snap) */
#define ELEV_BUFFER_M 30.0   /* elevated piece counted as "along" the feature */
#define ELEV_MIN_M 100.0     /* ... when at least this much of it lies in the buffer */

enum { CLS_MOTORWAY = PARK_ROAD_MOTORWAY, CLS_ROAD = PARK_ROAD_ARTERIAL };

typedef struct {
    double *xy; /* lon/lat pairs as written */
    size_t n;
} part_t;

typedef struct {
    char *file, *out;   /* sketch file as recorded in the output ("sketches/<name>") and output base name */
    char *path;         /* the file as opened, for error messages */
    int line_no;
    char *name, *aliases, *kind, *snap, *note, *source, *provenance;
    double corridor_m, error_m, min_coverage, extend_m;
    part_t *parts;
    size_t nparts;
    char **traces; /* "<sector> x0 y0 x1 y1" */
    size_t ntraces;
    char *osm;       /* "<theme> <name>[|<name>...]": the feature from the OSM extract */
    char *osm_aoi;   /* "lon0 lat0 lon1 lat1" (default: the sketch's box grown by 0.03 deg) */
    char *evidence;  /* "address" (default for roads that do not snap) or "none" */
    double osm_corridor_m; /* polygon edges: the part of the outline within this of the sketch */
    char *osm_continue;    /* "line": the 'line =' parts continue the OSM line where OSM stops */
} sketch_t;

typedef struct {
    char *name;
    GEOSGeometry *g; /* metric */
} elev_t;

typedef struct {
    char *name;
    GEOSGeometry *boundary; /* lon/lat */
} sector_t;

typedef struct {
    park_ctx *ctx;
    GEOSContextHandle_t h;
    sector_t *sectors;
    size_t nsectors;
    bool sectors_loaded;
    park_road_network *net;
    park_osm *osm;             /* the OSM extract (--osm) */
    park_address_points *pts;  /* geocoded address points (--addresses), NULL when absent */
    elev_t *elev;
    size_t nelev;
    const char *data_dir;
} world_t;

/* ------------------------------------------------------------------ small helpers */

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n')) s[--n] = 0;
    return s;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char **list_dir(const char *dir, const char *suffix, size_t *n) {
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **v = NULL;
    size_t cap = 0;
    struct dirent *de;
    size_t sl = strlen(suffix);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l <= sl || strcmp(de->d_name + l - sl, suffix)) continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            v = realloc(v, cap * sizeof *v);
        }
        v[(*n)++] = park_strdup(de->d_name);
    }
    closedir(d);
    if (v) qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

static void sketch_free(sketch_t *s) {
    free(s->file), free(s->path), free(s->out), free(s->name), free(s->aliases), free(s->kind), free(s->snap);
    free(s->note), free(s->source), free(s->provenance), free(s->osm), free(s->osm_aoi), free(s->evidence), free(s->osm_continue);
    for (size_t i = 0; i < s->nparts; i++) free(s->parts[i].xy);
    free(s->parts);
    for (size_t i = 0; i < s->ntraces; i++) free(s->traces[i]);
    free(s->traces);
}

/* ------------------------------------------------------------------ sketch files */

/* Parses "lon lat, lon lat, ..." into a new part. */
static park_status parse_coords(park_ctx *ctx, const char *file, int line, const char *text, part_t *p) {
    size_t cap = 16;
    p->xy = malloc(cap * 2 * sizeof(double));
    p->n = 0;
    const char *s = text;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == ',' || *s == '\n') s++;
        if (!*s) break;
        char *e1, *e2;
        double lon = strtod(s, &e1);
        double lat = e1 != s ? strtod(e1, &e2) : 0;
        if (e1 == s || e2 == e1 || !(lon > 73 && lon < 136 && lat > 18 && lat < 54)) {
            free(p->xy), p->xy = NULL;
            return park_error(ctx, PARK_ERR_INPUT,
                              "%s:%d: bad coordinate near '%.30s' (expected 'lon lat' pairs in WGS84 degrees separated by commas, e.g. 121.40 31.45, 121.41 31.46)",
                              file, line, s);
        }
        if (p->n == cap) cap *= 2, p->xy = realloc(p->xy, cap * 2 * sizeof(double));
        p->xy[2 * p->n] = lon, p->xy[2 * p->n + 1] = lat;
        p->n++;
        s = e2;
        while (*s == ' ' || *s == '\t') s++;
        if (*s && *s != ',' && *s != '\n') {
            free(p->xy), p->xy = NULL;
            return park_error(ctx, PARK_ERR_INPUT, "%s:%d: expected ',' between coordinate pairs near '%.30s'", file, line, s);
        }
    }
    if (p->n < 2) {
        free(p->xy), p->xy = NULL;
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: a line needs at least two 'lon lat' pairs", file, line);
    }
    return PARK_OK;
}

static park_status finish_sketch(park_ctx *ctx, sketch_t *s) {
    if (!s->name) return PARK_OK;
    if (!s->kind || !*s->kind)
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] has no 'kind' (expected road, expressway, river, wall, edge or boundary)", s->path, s->line_no, s->name);
    bool district = s->source && strncmp(s->source, "district ", 9) == 0;
    if (!district && s->nparts == 0 && s->ntraces == 0)
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] has no 'line =' (expected at least one sketch line, a 'trace =' or 'source = district <file>')", s->path, s->line_no, s->name);
    for (size_t i = 0; i < s->ntraces; i++) {
        char nm[256];
        double b[4];
        if (sscanf(s->traces[i], "%255s %lf %lf %lf %lf", nm, &b[0], &b[1], &b[2], &b[3]) != 5 || !(b[0] < b[2] && b[1] < b[3]))
            return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] trace = '%s' (expected '<sector name> lon0 lat0 lon1 lat1' with lon0 < lon1, lat0 < lat1)", s->path, s->line_no, s->name, s->traces[i]);
    }
    if (s->ntraces && s->snap && strcmp(s->snap, "none"))
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] 'trace' and 'snap' cannot be combined", s->path, s->line_no, s->name);
    if (!(s->error_m > 0))
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] has no positive 'error_m' (expected the sketch's estimated error in metres)", s->path, s->line_no, s->name);
    if (s->snap && strcmp(s->snap, "none") && strcmp(s->snap, "road") && strcmp(s->snap, "expressway") && strcmp(s->snap, "any"))
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] snap = '%s' (expected none, road, expressway or any)", s->path, s->line_no, s->name, s->snap);
    if (s->provenance && strcmp(s->provenance, "anchored") && strcmp(s->provenance, "approximate"))
        return park_error(ctx, PARK_ERR_INPUT, "%s:%d: [%s] provenance = '%s' (expected anchored or approximate; osm is decided by snapping)", s->path, s->line_no, s->name, s->provenance);
    return PARK_OK;
}

/* Reads one .sketch file, appending to *v. Format: see geodata/sketches/README.md. */
static park_status read_sketch_file(park_ctx *ctx, const char *dir, const char *fname, sketch_t **v, size_t *n, size_t *cap) {
    char *path = park_asprintf("%s/%s", dir, fname);
    FILE *f = fopen(path, "r");
    if (!f) {
        park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (%s)", path, strerror(errno));
        free(path);
        return st;
    }
    char *out = park_strndup(fname, strlen(fname) - strlen(".sketch"));
    park_status st = PARK_OK;
    char *buf = NULL;
    size_t bcap = 0;
    int line_no = 0;
    sketch_t *cur = NULL;
    char *pending_key = NULL; /* 'line' values may continue on indented lines */
    park_buf pending;
    park_buf_init(&pending);
    int pending_line = 0;
    ssize_t got;
    for (;;) {
        got = getline(&buf, &bcap, f);
        if (got >= 0) line_no++;
        /* an indented, non-empty, non-comment line continues a 'line =' value */
        bool cont = false;
        if (got >= 0 && (buf[0] == ' ' || buf[0] == '\t')) {
            const char *q = trim(buf);
            cont = *q && *q != '#';
        }
        if (pending_key && !cont) {
            part_t p;
            st = parse_coords(ctx, path, pending_line, pending.s ? pending.s : "", &p);
            free(pending_key), pending_key = NULL;
            park_buf_free(&pending);
            if (st) break;
            cur->parts = realloc(cur->parts, (cur->nparts + 1) * sizeof *cur->parts);
            cur->parts[cur->nparts++] = p;
        }
        if (got < 0) break;
        char *t = trim(buf);
        if (cont && pending_key) {
            park_buf_append(&pending, ", ");
            park_buf_append(&pending, t);
            continue;
        }
        if (!*t || *t == '#') continue;
        if (*t == '[') {
            char *e = strchr(t, ']');
            if (!e || e == t + 1) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: expected '[feature name]'", path, line_no);
                break;
            }
            if (cur && (st = finish_sketch(ctx, cur))) break;
            if (*n == *cap) *cap = *cap ? *cap * 2 : 64, *v = realloc(*v, *cap * sizeof **v);
            cur = &(*v)[(*n)++];
            memset(cur, 0, sizeof *cur);
            cur->file = park_asprintf("sketches/%s", fname);
            cur->path = park_strdup(path);
            cur->out = park_strdup(out);
            cur->line_no = line_no;
            cur->name = park_strndup(t + 1, (size_t)(e - t - 1));
            cur->corridor_m = 150, cur->min_coverage = 0.8, cur->extend_m = -1, cur->osm_corridor_m = 400;
            continue;
        }
        char *eq = strchr(t, '=');
        if (!eq || !cur) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: expected 'key = value' inside a [feature] section", path, line_no);
            break;
        }
        *eq = 0;
        char *k = trim(t), *val = trim(eq + 1);
        char **sv = NULL;
        double *dv = NULL;
        if (!strcmp(k, "aliases")) sv = &cur->aliases;
        else if (!strcmp(k, "kind")) sv = &cur->kind;
        else if (!strcmp(k, "snap")) sv = &cur->snap;
        else if (!strcmp(k, "note")) sv = &cur->note;
        else if (!strcmp(k, "source")) sv = &cur->source;
        else if (!strcmp(k, "provenance")) sv = &cur->provenance;
        else if (!strcmp(k, "corridor_m")) dv = &cur->corridor_m;
        else if (!strcmp(k, "error_m")) dv = &cur->error_m;
        else if (!strcmp(k, "min_coverage")) dv = &cur->min_coverage;
        else if (!strcmp(k, "extend_m")) dv = &cur->extend_m;
        else if (!strcmp(k, "osm")) sv = &cur->osm;
        else if (!strcmp(k, "osm_aoi")) sv = &cur->osm_aoi;
        else if (!strcmp(k, "osm_continue")) sv = &cur->osm_continue;
        else if (!strcmp(k, "evidence")) sv = &cur->evidence;
        else if (!strcmp(k, "osm_corridor_m")) dv = &cur->osm_corridor_m;
        else if (!strcmp(k, "trace")) {
            cur->traces = realloc(cur->traces, (cur->ntraces + 1) * sizeof *cur->traces);
            cur->traces[cur->ntraces++] = park_strdup(val);
            continue;
        } else if (!strcmp(k, "line")) {
            pending_key = park_strdup(k);
            park_buf_append(&pending, val);
            pending_line = line_no;
            continue;
        } else {
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: unknown key '%s' (expected aliases, kind, snap, corridor_m, error_m, min_coverage, extend_m, note, source, provenance, trace, line, osm, osm_aoi, osm_corridor_m, osm_continue, evidence)", path, line_no, k);
            break;
        }
        if (sv) {
            free(*sv);
            *sv = park_strdup(val);
        } else {
            char *e;
            *dv = strtod(val, &e);
            if (e == val || *trim(e)) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: %s = '%s' (expected a number)", path, line_no, k, val);
                break;
            }
        }
    }
    if (st == PARK_OK && cur) st = finish_sketch(ctx, cur);
    free(pending_key);
    park_buf_free(&pending);
    free(buf), free(out), free(path);
    fclose(f);
    return st;
}

/* ------------------------------------------------------------------ sources */

static GEOSGeometry *metric_line(world_t *w, const double *lonlat, size_t n) {
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(w->h, (unsigned)n, 2);
    for (size_t i = 0; i < n; i++) {
        double x = lonlat[2 * i], y = lonlat[2 * i + 1];
        park_transform_xy(w->ctx, "EPSG:4326", LOCAL_CRS, &x, &y);
        GEOSCoordSeq_setXY_r(w->h, cs, (unsigned)i, x, y);
    }
    return GEOSGeom_createLineString_r(w->h, cs);
}

/* The named elevated/bridge pieces (osm-metro-network.wgs84.json `elevatedRoads`):
 * real OSM geometry with names, used to check the names put on arterials. */
static park_status load_elevated(world_t *w) {
    char *path = park_asprintf("%s/osm-metro-network.wgs84.json", w->data_dir);
    json_object *root = json_object_from_file(path);
    json_object *arr = NULL;
    if (!root || !json_object_object_get_ex(root, "elevatedRoads", &arr) || !json_object_is_type(arr, json_type_array)) {
        park_status st = park_error(w->ctx, PARK_ERR_INPUT, "%s: expected a JSON object with an 'elevatedRoads' array", path);
        json_object_put(root);
        free(path);
        return st;
    }
    size_t n = json_object_array_length(arr), cap = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i), *jn, *jp;
        if (!json_object_object_get_ex(e, "name", &jn) || !json_object_object_get_ex(e, "paths", &jp)) continue;
        const char *name = json_object_get_string(jn);
        if (!name || strncmp(name, "其他", strlen("其他")) == 0) continue; /* the unnamed remainder */
        size_t np = json_object_array_length(jp);
        for (size_t k = 0; k < np; k++) {
            json_object *path_k = json_object_array_get_idx(jp, k);
            size_t nv = json_object_array_length(path_k);
            if (nv < 2) continue;
            double *xy = malloc(nv * 2 * sizeof *xy);
            bool near = false;
            for (size_t q = 0; q < nv; q++) {
                json_object *pt = json_object_array_get_idx(path_k, q);
                xy[2 * q] = json_object_get_double(json_object_array_get_idx(pt, 0));
                xy[2 * q + 1] = json_object_get_double(json_object_array_get_idx(pt, 1));
                if (xy[2 * q] > 121.20 && xy[2 * q] < 121.62 && xy[2 * q + 1] > 31.22 && xy[2 * q + 1] < 31.56) near = true;
            }
            if (near) {
                if (w->nelev == cap) cap = cap ? cap * 2 : 256, w->elev = realloc(w->elev, cap * sizeof *w->elev);
                w->elev[w->nelev].name = park_strdup(name);
                w->elev[w->nelev].g = metric_line(w, xy, nv);
                w->nelev++;
            }
            free(xy);
        }
    }
    json_object_put(root);
    free(path);
    return PARK_OK;
}

/* ------------------------------------------------------------------ snapping */

/* Returns a new metric LineString: `g` with its first and last segments
 * prolonged by `d` metres. Used for hand-placed lines, whose drawn ends are
 * no more certain than their position: prolonging them lets the compiler find
 * crossings with neighbours placed with the same uncertainty. */
static GEOSGeometry *extend_line(world_t *w, const GEOSGeometry *g, double d) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(w->h, g);
    unsigned n;
    GEOSCoordSeq_getSize_r(w->h, cs, &n);
    GEOSCoordSequence *o = GEOSCoordSeq_clone_r(w->h, cs);
    double x0, y0, x1, y1;
    GEOSCoordSeq_getXY_r(w->h, cs, 0, &x0, &y0);
    GEOSCoordSeq_getXY_r(w->h, cs, 1, &x1, &y1);
    double l = hypot(x1 - x0, y1 - y0);
    if (l > 0) GEOSCoordSeq_setXY_r(w->h, o, 0, x0 - (x1 - x0) / l * d, y0 - (y1 - y0) / l * d);
    GEOSCoordSeq_getXY_r(w->h, cs, n - 2, &x0, &y0);
    GEOSCoordSeq_getXY_r(w->h, cs, n - 1, &x1, &y1);
    l = hypot(x1 - x0, y1 - y0);
    if (l > 0) GEOSCoordSeq_setXY_r(w->h, o, n - 1, x1 + (x1 - x0) / l * d, y1 + (y1 - y0) / l * d);
    return GEOSGeom_createLineString_r(w->h, o);
}

/* Names of elevated pieces lying along `g` (metric), as "name 1.2 km, ...": for
 * each name, the length of `g` that lies within ELEV_BUFFER_M of a piece of that
 * name (so two carriageways or overlapping pieces are not counted twice).
 * *mismatch gets the same list restricted to names that are neither the
 * feature's name nor one of its aliases. */
static char *elevated_names(world_t *w, const GEOSGeometry *g, const char *name, const char *aliases, char **mismatch) {
    GEOSGeometry *buf = GEOSBuffer_r(w->h, g, ELEV_BUFFER_M, 8);
    const GEOSPreparedGeometry *pb = GEOSPrepare_r(w->h, buf);
    /* names in first-seen order (the pieces' file order: deterministic) */
    char **names = NULL;
    size_t nn = 0;
    for (size_t i = 0; i < w->nelev; i++) {
        if (!GEOSPreparedIntersects_r(w->h, pb, w->elev[i].g)) continue;
        size_t k;
        for (k = 0; k < nn && strcmp(names[k], w->elev[i].name); k++) {}
        if (k == nn) names = realloc(names, (nn + 1) * sizeof *names), names[nn++] = w->elev[i].name;
    }
    park_buf b, mm;
    park_buf_init(&b), park_buf_init(&mm);
    for (size_t k = 0; k < nn; k++) {
        GEOSGeometry **near = NULL;
        unsigned nnear = 0;
        for (size_t i = 0; i < w->nelev; i++)
            if (!strcmp(w->elev[i].name, names[k]) && GEOSPreparedIntersects_r(w->h, pb, w->elev[i].g)) {
                near = realloc(near, (nnear + 1) * sizeof *near);
                near[nnear++] = GEOSGeom_clone_r(w->h, w->elev[i].g);
            }
        GEOSGeometry *coll = GEOSGeom_createCollection_r(w->h, GEOS_GEOMETRYCOLLECTION, near, nnear);
        free(near);
        GEOSGeometry *zone = GEOSBuffer_r(w->h, coll, ELEV_BUFFER_M, 8);
        GEOSGeometry *along = zone ? GEOSIntersection_r(w->h, g, zone) : NULL;
        double len = 0;
        if (along) GEOSLength_r(w->h, along, &len), GEOSGeom_destroy_r(w->h, along);
        if (zone) GEOSGeom_destroy_r(w->h, zone);
        GEOSGeom_destroy_r(w->h, coll);
        if (len < ELEV_MIN_M) continue;
        park_buf_printf(&b, "%s%s %.1f km", b.len ? ", " : "", names[k], len / 1000);
        /* does the piece's name agree with the feature's name or aliases? */
        /* agreement: the piece is named after the feature (equal, or a bridge
         * such as "沪太公路八字桥" whose name contains the feature's or an alias) */
        bool agrees = strstr(names[k], name) != NULL;
        char *al = park_strdup(aliases ? aliases : "");
        for (char *tok = strtok(al, ";"); tok && !agrees; tok = strtok(NULL, ";"))
            if (*tok && strstr(names[k], tok)) agrees = true;
        free(al);
        if (!agrees) park_buf_printf(&mm, "%s%s %.1f km", mm.len ? ", " : "", names[k], len / 1000);
    }
    free(names);
    GEOSPreparedGeom_destroy_r(w->h, pb);
    GEOSGeom_destroy_r(w->h, buf);
    *mismatch = park_buf_take(&mm);
    return park_buf_take(&b);
}

/* ------------------------------------------------------------------ sector traces */

/* Reads sectors-reviewed.wgs84.json once: name -> polygon boundary (lon/lat). */
static park_status load_sectors(world_t *w) {
    if (w->sectors_loaded) return PARK_OK;
    w->sectors_loaded = true;
    char *path = park_asprintf("%s/sectors-reviewed.wgs84.json", w->data_dir);
    GDALDatasetH ds = NULL;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) {
        park_status st = park_error(w->ctx, PARK_ERR_INPUT, "%s: cannot open (expected a GeoJSON FeatureCollection of sector polygons with a 'name' property)", path);
        free(path);
        return st;
    }
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "name");
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(l))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && fi >= 0) {
            int sz = OGR_G_WkbSize(g);
            unsigned char *wkb = malloc((size_t)sz);
            OGR_G_ExportToIsoWkb(g, wkbNDR, wkb);
            GEOSGeometry *gg = GEOSGeomFromWKB_buf_r(w->h, wkb, (size_t)sz);
            free(wkb);
            if (gg) {
                w->sectors = realloc(w->sectors, (w->nsectors + 1) * sizeof *w->sectors);
                w->sectors[w->nsectors].name = park_strdup(OGR_F_GetFieldAsString(f, fi));
                w->sectors[w->nsectors].boundary = GEOSBoundary_r(w->h, gg);
                w->nsectors++;
                GEOSGeom_destroy_r(w->h, gg);
            }
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    free(path);
    return PARK_OK;
}

/* The part of a sector's boundary inside the box, as a new geometry (lon/lat). */
static park_status trace_sector(world_t *w, const sketch_t *s, const char *spec, GEOSGeometry **out) {
    char nm[256];
    double b[4];
    sscanf(spec, "%255s %lf %lf %lf %lf", nm, &b[0], &b[1], &b[2], &b[3]);
    park_status st = load_sectors(w);
    if (st) return st;
    for (size_t i = 0; i < w->nsectors; i++)
        if (!strcmp(w->sectors[i].name, nm)) {
            *out = GEOSClipByRect_r(w->h, w->sectors[i].boundary, b[0], b[1], b[2], b[3]);
            if (!*out || GEOSisEmpty_r(w->h, *out)) {
                if (*out) GEOSGeom_destroy_r(w->h, *out), *out = NULL;
                return park_error(w->ctx, PARK_ERR_INPUT, "%s:%d: [%s] trace '%s': the boundary of sector '%s' does not enter that box", s->path, s->line_no, s->name, spec, nm);
            }
            return PARK_OK;
        }
    return park_error(w->ctx, PARK_ERR_INPUT, "%s:%d: [%s] trace '%s': no sector named '%s' in sectors-reviewed.wgs84.json", s->path, s->line_no, s->name, spec, nm);
}

/* Collects the lines of g (any type) into a growing array (clones). */
static void collect_lines(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry ***v, unsigned *n) {
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_LINESTRING) {
        *v = realloc(*v, (*n + 1) * sizeof **v);
        (*v)[(*n)++] = GEOSGeom_clone_r(h, g);
    } else if (t == GEOS_MULTILINESTRING || t == GEOS_GEOMETRYCOLLECTION) {
        for (int i = 0; i < GEOSGetNumGeometries_r(h, g); i++) collect_lines(h, GEOSGetGeometryN_r(h, g, i), v, n);
    }
}

/* ------------------------------------------------------------------ district boundary */

static park_status district_boundary(world_t *w, const sketch_t *s, GEOSGeometry **out) {
    const char *rel = s->source + strlen("district ");
    while (*rel == ' ') rel++;
    char *path = park_asprintf("%s/%s", w->data_dir, rel);
    json_object *root = json_object_from_file(path), *feat = NULL, *geom = NULL, *coords = NULL, *type = NULL;
    if (root && json_object_is_type(root, json_type_array) && json_object_array_length(root) > 0) feat = json_object_array_get_idx(root, 0);
    else if (root && json_object_object_get_ex(root, "features", &feat)) feat = json_object_array_get_idx(feat, 0);
    if (!feat || !json_object_object_get_ex(feat, "geometry", &geom) || !json_object_object_get_ex(geom, "coordinates", &coords) ||
        !json_object_object_get_ex(geom, "type", &type)) {
        json_object_put(root);
        park_status st = park_error(w->ctx, PARK_ERR_INPUT, "%s: expected a GeoJSON feature (or array of features) with a Polygon/MultiPolygon geometry", path);
        free(path);
        return st;
    }
    bool multi = strcmp(json_object_get_string(type), "MultiPolygon") == 0;
    size_t npoly = multi ? json_object_array_length(coords) : 1;
    GEOSGeometry **rings = calloc(npoly, sizeof *rings);
    park_status st = PARK_OK;
    for (size_t i = 0; i < npoly && st == PARK_OK; i++) {
        json_object *poly = multi ? json_object_array_get_idx(coords, i) : coords;
        json_object *ring = json_object_array_get_idx(poly, 0); /* exterior ring only */
        size_t nv = json_object_array_length(ring);
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(w->h, (unsigned)nv, 2);
        for (size_t k = 0; k < nv && st == PARK_OK; k++) {
            json_object *pt = json_object_array_get_idx(ring, k);
            double glon = json_object_get_double(json_object_array_get_idx(pt, 0));
            double glat = json_object_get_double(json_object_array_get_idx(pt, 1));
            double lon, lat;
            st = park_datum_to_wgs84(w->ctx, PARK_DATUM_GCJ02, glon, glat, &lon, &lat);
            GEOSCoordSeq_setXY_r(w->h, cs, (unsigned)k, lon, lat);
        }
        rings[i] = GEOSGeom_createLineString_r(w->h, cs);
    }
    json_object_put(root);
    free(path);
    if (st) {
        for (size_t i = 0; i < npoly; i++)
            if (rings[i]) GEOSGeom_destroy_r(w->h, rings[i]);
        free(rings);
        return st;
    }
    if (npoly == 1) *out = rings[0];
    else *out = GEOSGeom_createCollection_r(w->h, GEOS_MULTILINESTRING, rings, (unsigned)npoly);
    free(rings);
    return PARK_OK;
}

/* ------------------------------------------------------------------ output */

static void write_coords(park_buf *b, GEOSContextHandle_t h, const GEOSGeometry *line) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, line);
    unsigned n;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    park_buf_append(b, "[");
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        park_buf_printf(b, "%s[%.7f,%.7f]", i ? "," : "", x, y);
    }
    park_buf_append(b, "]");
}

static void write_feature(park_buf *b, GEOSContextHandle_t h, const sketch_t *s, const char *prov, const char *method,
                          double error_m, double coverage, const GEOSGeometry *g, const char *basis, const char *source, long evidence_n) {
    park_buf_append(b, "{\"type\":\"Feature\",\"properties\":{\"name\":");
    park_json_escape(b, s->name);
    park_buf_append(b, ",\"aliases\":");
    park_json_escape(b, s->aliases ? s->aliases : "");
    park_buf_append(b, ",\"kind\":");
    park_json_escape(b, s->kind);
    park_buf_append(b, ",\"provenance\":");
    park_json_escape(b, prov);
    park_buf_append(b, ",\"method\":");
    park_json_escape(b, method);
    park_buf_printf(b, ",\"error_m\":%.0f", error_m);
    park_buf_append(b, ",\"error_basis\":");
    park_json_escape(b, basis);
    park_buf_append(b, ",\"source\":");
    park_json_escape(b, source);
    park_buf_printf(b, ",\"evidence_n\":%ld", evidence_n);
    if (coverage >= 0) park_buf_printf(b, ",\"osm_coverage\":%.3f", coverage);
    park_buf_append(b, ",\"sketch\":");
    char *ref = park_asprintf("%s:%d", s->file, s->line_no);
    park_json_escape(b, ref);
    free(ref);
    park_buf_append(b, "},\"geometry\":{");
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_LINESTRING) {
        park_buf_append(b, "\"type\":\"LineString\",\"coordinates\":");
        write_coords(b, h, g);
    } else {
        park_buf_append(b, "\"type\":\"MultiLineString\",\"coordinates\":[");
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++) {
            if (i) park_buf_append(b, ",");
            write_coords(b, h, GEOSGetGeometryN_r(h, g, i));
        }
        park_buf_append(b, "]");
    }
    park_buf_append(b, "}}");
}

/* ------------------------------------------------------------------ real sources */

static int osm_theme(const char *t) {
    if (!strcmp(t, "waterway")) return PARK_OSM_WATERWAY;
    if (!strcmp(t, "road")) return PARK_OSM_ROAD;
    if (!strcmp(t, "water")) return PARK_OSM_WATER;
    if (!strcmp(t, "poi")) return PARK_OSM_POI;
    if (!strcmp(t, "landuse")) return PARK_OSM_LANDUSE;
    if (!strcmp(t, "transport")) return PARK_OSM_TRANSPORT;
    if (!strcmp(t, "area")) return PARK_OSM_POI | PARK_OSM_LANDUSE | PARK_OSM_TRANSPORT;
    return 0;
}

/* The feature from the OSM extract (`osm =`, or any road the extract names) or
 * from the address evidence (roads that did not snap onto OSM): replaces
 * *result and its provenance, error and method when found, and measures the
 * old geometry against the new one. */
static park_status from_sources(world_t *w, const sketch_t *s, GEOSGeometry **result, const char **prov, double *error_m, char **basis,
                                park_buf *method, double *off_mean, double *off_max, double *off_cov, const char **newsrc, long *evidence_n) {
    GEOSContextHandle_t h = w->h;
    bool road = !strcmp(s->kind, "road") || !strcmp(s->kind, "expressway");
    double aoi[4];
    if (s->osm_aoi) {
        if (sscanf(s->osm_aoi, "%lf %lf %lf %lf", &aoi[0], &aoi[1], &aoi[2], &aoi[3]) != 4 || !(aoi[0] < aoi[2] && aoi[1] < aoi[3]))
            return park_error(w->ctx, PARK_ERR_INPUT, "%s:%d: [%s] osm_aoi = '%s' (expected 'lon0 lat0 lon1 lat1' with lon0 < lon1, lat0 < lat1)", s->path, s->line_no, s->name, s->osm_aoi);
    } else {
        GEOSGeom_getXMin_r(h, *result, &aoi[0]), GEOSGeom_getYMin_r(h, *result, &aoi[1]);
        GEOSGeom_getXMax_r(h, *result, &aoi[2]), GEOSGeom_getYMax_r(h, *result, &aoi[3]);
        aoi[0] -= 0.03, aoi[1] -= 0.03, aoi[2] += 0.03, aoi[3] += 0.03;
    }
    GEOSGeometry *neu = NULL;
    park_status st = PARK_OK;
    char *sketch_ref = park_asprintf("%s:%d", s->file, s->line_no);
    int themes = 0;
    park_buf names;
    park_buf_init(&names);
    if (s->osm) {
        char th[32];
        const char *sp = strchr(s->osm, ' ');
        if (!sp || (size_t)(sp - s->osm) >= sizeof th) themes = 0;
        else memcpy(th, s->osm, (size_t)(sp - s->osm)), th[sp - s->osm] = 0, themes = osm_theme(th);
        if (!themes) {
            free(sketch_ref);
            return park_error(w->ctx, PARK_ERR_INPUT, "%s:%d: [%s] osm = '%s' (expected '<waterway|road|water|poi|landuse|transport|area> <OSM name>[|<name>...]')", s->path, s->line_no, s->name, s->osm);
        }
        while (*sp == ' ') sp++;
        park_buf_append(&names, sp);
    } else if (road && w->osm) {
        /* an extract with a roads layer names the road itself */
        themes = PARK_OSM_ROAD;
        park_buf_append(&names, s->name);
        char *al = park_strdup(s->aliases ? s->aliases : "");
        for (char *tok = strtok(al, ";"); tok; tok = strtok(NULL, ";"))
            if (*tok && !strchr(tok, '/')) park_buf_printf(&names, "|%s", tok);
        free(al);
    }
    if (themes && w->osm) {
        park_osm_feature f;
        st = park_osm_feature_get(w->ctx, w->osm, themes, names.s, *result, s->osm_corridor_m, aoi, &f);
        if (st == PARK_OK && f.geom) {
            neu = f.geom, f.geom = NULL;
            *evidence_n = f.nfeatures;
            *prov = "osm";
            *newsrc = "osm-extract";
            method->len = 0, method->s[0] = 0;
            park_buf_printf(method, "OSM extract (%s, © OpenStreetMap contributors, ODbL): %s; replaces the sketch %s", park_osm_form(w->osm), f.method, sketch_ref);
            double osm_len = 0, cont_len = 0;
            if (s->osm_continue && s->nparts) {
                /* the sketch's parts continue the OSM line where OSM's mapping stops */
                GEOSGeometry *m = NULL;
                if (park_transform(w->ctx, neu, "EPSG:4326", LOCAL_CRS, &m) == PARK_OK) GEOSLength_r(h, m, &osm_len), GEOSGeom_destroy_r(h, m);
                GEOSGeometry **lines = NULL;
                unsigned nl = 0;
                collect_lines(h, neu, &lines, &nl);
                for (size_t i = 0; i < s->nparts; i++) {
                    GEOSGeometry *pm = metric_line(w, s->parts[i].xy, s->parts[i].n), *pl = NULL;
                    double l = 0;
                    GEOSLength_r(h, pm, &l);
                    cont_len += l;
                    if (park_transform(w->ctx, pm, LOCAL_CRS, "EPSG:4326", &pl) == PARK_OK) collect_lines(h, pl, &lines, &nl), GEOSGeom_destroy_r(h, pl);
                    GEOSGeom_destroy_r(h, pm);
                }
                GEOSGeometry *ch = park_chain_lines(w->ctx, lines, nl, 600, PARK_CHAIN_LONLAT_TURN_TO_JOIN);
                for (unsigned i = 0; i < nl; i++) GEOSGeom_destroy_r(h, lines[i]);
                free(lines);
                GEOSGeom_destroy_r(h, neu);
                neu = ch;
                park_buf_printf(method, "; OSM's line (%.1f km) is continued by the sketch %s (%.1f km, %s), chained end to end", osm_len / 1000, sketch_ref, cont_len / 1000, s->osm_continue);
                if (cont_len > 0.05 * (osm_len + cont_len)) *prov = s->provenance ? s->provenance : "approximate";
            }
            if (themes == PARK_OSM_WATERWAY) {
                double wd = park_osm_water_width(w->ctx, w->osm, neu, 150);
                if (isfinite(wd)) {
                    *error_m = fmax(5, wd / 2);
                    *basis = park_asprintf("measured: the OSM water areas along the line are %.0f m wide on average (water area within 150 m / length in water); the 四至 names the river, not a bank, so the boundary lies within half of that of the OSM centre line; OSM's own positional accuracy is not measured here", wd);
                } else {
                    *error_m = 20;
                    *basis = park_strdup("unverified: OSM centre line of a waterway with no mapped water area along it (width unknown); 20 m is an estimate");
                }
                if (cont_len > 0) {
                    char *b2 = park_asprintf("%s; the %.1f km continuation is a sketch (%s) with its own estimate %.0f m, unverified: error_m is the larger", *basis, cont_len / 1000, s->osm_continue, s->error_m);
                    free(*basis), *basis = b2;
                    *error_m = fmax(*error_m, s->error_m);
                }
            } else if (themes == PARK_OSM_ROAD) {
                *error_m = 10;
                *basis = park_strdup("unverified: OSM road centre line taken as the road; 10 m is an estimate of OSM's positional error, not measured here");
            } else {
                *error_m = 50;
                *basis = park_asprintf("unverified: the part of the OSM outline within %.0f m of the old sketch taken as the %s; no second source to measure it against (50 m is an estimate)", s->osm_corridor_m, s->kind);
            }
        } else if (st == PARK_OK && s->osm) {
            fprintf(stderr, "build_gazetteer: note: [%s] (%s): osm = '%s' found nothing usable (%s); the sketch stays\n", s->name, sketch_ref, s->osm, f.method ? f.method : "");
        }
        park_osm_feature_clear(w->ctx, &f);
    }
    park_buf_free(&names);
    bool want_ev = !s->evidence || !strcmp(s->evidence, "address");
    if (s->evidence && strcmp(s->evidence, "address") && strcmp(s->evidence, "none"))
        st = park_error(w->ctx, PARK_ERR_INPUT, "%s:%d: [%s] evidence = '%s' (expected address or none)", s->path, s->line_no, s->name, s->evidence);
    /* an identification the address points contradict is not kept: the
     * points of the name, up to 3 km away, decide */
    double c_p68 = NAN, c_max = NAN;
    size_t c_n = road && w->pts ? park_roadfit_check_line(w->ctx, w->pts, s->name, s->aliases, *result, &c_p68, &c_max) : 0;
    bool contradicted = c_n >= 3 && c_p68 > fmax(3 * *error_m, 200);
    if (st == PARK_OK && !neu && road && want_ev && w->pts && (strcmp(*prov, "osm") || contradicted)) {
        park_roadfit_opts o;
        park_roadfit_opts_default(&o);
        o.near = *result, o.near_m = contradicted ? 3000 : 2000, o.extend_m = 300;
        if (contradicted)
            fprintf(stderr, "build_gazetteer: note: [%s] (%s): %zu trusted address points of the name lie p68 %.0f m from the %s line: refitted from them\n", s->name, sketch_ref, c_n, c_p68, *prov);
        park_roadfit r;
        st = park_roadfit_road(w->ctx, w->pts, s->name, s->aliases, w->net, &o, &r);
        if (st == PARK_OK && r.kind != PARK_ROADFIT_NONE && isfinite(r.error_m)) {
            neu = r.course, r.course = NULL;
            *evidence_n = (long)r.n_trusted;
            *prov = r.kind == PARK_ROADFIT_OSM ? "osm" : "anchored";
            *newsrc = r.kind == PARK_ROADFIT_OSM ? "address+osm" : "address";
            *error_m = r.error_m;
            *basis = park_asprintf("measured: residuals of the trusted address points (see method): %s", r.kind == PARK_ROADFIT_OSM ? "matched onto an OSM arterial" : "drawn through the points");
            method->len = 0, method->s[0] = 0;
            park_buf_printf(method, "road course from evidence (park_roadfit_road): %s; only points within %.0f km of the old line %s%s", r.method, o.near_m / 1000, sketch_ref,
                            contradicted ? " (which the points contradicted: the old identification is dropped)" : "");
        }
        park_roadfit_clear(w->ctx, &r);
    }
    if (neu) {
        park_line_offset(w->ctx, *result, neu, off_mean, off_max, off_cov);
        if (isfinite(*off_mean))
            park_buf_printf(method, "; the old sketch lay %.0f m (mean, max %.0f m) from this over %.0f%% of it: its claimed %.0f m %s", *off_mean, *off_max, *off_cov * 100, s->error_m, *off_mean <= s->error_m ? "held" : "did NOT hold");
        else
            park_buf_printf(method, "; the old sketch does not overlap this line (no common stretch): its claimed %.0f m did NOT hold", s->error_m);
        GEOSGeom_destroy_r(h, *result);
        *result = neu;
    }
    free(sketch_ref);
    return st;
}

/* ------------------------------------------------------------------ one feature */

static park_status build_one(world_t *w, const sketch_t *s, park_buf *out, park_table *report, bool first) {
    GEOSContextHandle_t h = w->h;
    park_status st = PARK_OK;
    GEOSGeometry *result = NULL; /* lon/lat */
    const char *prov;
    double error_m = s->error_m, coverage = -1;
    park_buf method;
    park_buf_init(&method);
    char *elev = NULL, *mismatch = NULL;
    long n_links = 0;

    if (s->source && strncmp(s->source, "district ", 9) == 0) {
        st = district_boundary(w, s, &result);
        if (st) return st;
        prov = s->provenance ? s->provenance : "anchored";
        park_buf_printf(&method, "boundary of %s (DataV GeoAtlas, GCJ-02) converted vertex by vertex to WGS84 with park_datum_to_wgs84", s->source + 9);
    } else if (s->ntraces) {
        GEOSGeometry **lines = NULL;
        unsigned nl = 0;
        double traced = 0, sketched = 0;
        for (size_t i = 0; i < s->ntraces && st == PARK_OK; i++) {
            GEOSGeometry *t = NULL;
            st = trace_sector(w, s, s->traces[i], &t);
            if (st) break;
            GEOSGeometry *m = NULL;
            double len = 0;
            if (park_transform(w->ctx, t, "EPSG:4326", LOCAL_CRS, &m) == PARK_OK) GEOSLength_r(h, m, &len), GEOSGeom_destroy_r(h, m);
            traced += len;
            GEOSGeometry *merged = GEOSLineMerge_r(h, t);
            collect_lines(h, merged ? merged : t, &lines, &nl);
            if (merged) GEOSGeom_destroy_r(h, merged);
            GEOSGeom_destroy_r(h, t);
        }
        for (size_t i = 0; i < s->nparts && st == PARK_OK; i++) {
            GEOSGeometry *m = metric_line(w, s->parts[i].xy, s->parts[i].n);
            double len = 0;
            GEOSLength_r(h, m, &len);
            sketched += len;
            GEOSGeometry *ll = NULL;
            st = park_transform(w->ctx, m, LOCAL_CRS, "EPSG:4326", &ll);
            GEOSGeom_destroy_r(h, m);
            if (st == PARK_OK) collect_lines(h, ll, &lines, &nl), GEOSGeom_destroy_r(h, ll);
        }
        if (st) {
            for (unsigned i = 0; i < nl; i++) GEOSGeom_destroy_r(h, lines[i]);
            free(lines);
            park_buf_free(&method);
            return st;
        }
        result = park_chain_lines(w->ctx, lines, nl, 150, PARK_CHAIN_LONLAT_TURN_TO_JOIN);
        for (unsigned i = 0; i < nl; i++) GEOSGeom_destroy_r(h, lines[i]);
        free(lines);
        /* A feature that is partly sketched is only as good as its sketched part. */
        double share = traced / (traced + sketched);
        prov = share >= 0.95 ? (s->provenance ? s->provenance : "anchored") : "approximate";
        park_buf_printf(&method, "traced along the boundary of sector(s)");
        for (size_t i = 0; i < s->ntraces; i++) park_buf_printf(&method, "%s %s", i ? ";" : "", s->traces[i]);
        park_buf_printf(&method, " (sectors-reviewed.wgs84.json, OSM town relations) over %.1f km", traced / 1000);
        if (sketched > 0) park_buf_printf(&method, ", plus %.1f km hand-digitised sketch (%s:%d)", sketched / 1000, s->file, s->line_no);
        GEOSGeometry *m = NULL;
        if (park_transform(w->ctx, result, "EPSG:4326", LOCAL_CRS, &m) == PARK_OK) {
            elev = elevated_names(w, m, s->name, s->aliases, &mismatch);
            GEOSGeom_destroy_r(h, m);
        }
        if (elev && *elev) park_buf_printf(&method, "; named OSM bridge pieces along it: %s", elev);
    } else {
        int mask = 0;
        if (s->snap && !strcmp(s->snap, "road")) mask = CLS_ROAD;
        else if (s->snap && !strcmp(s->snap, "expressway")) mask = CLS_MOTORWAY;
        else if (s->snap && !strcmp(s->snap, "any")) mask = CLS_ROAD | CLS_MOTORWAY;
        GEOSGeometry **parts = calloc(s->nparts, sizeof *parts);
        park_snap_stats ss = {0};
        /* hand-placed lines run 150 m past their drawn ends unless told otherwise */
        double ext = mask ? 0 : (s->extend_m >= 0 ? s->extend_m : 150);
        for (size_t i = 0; i < s->nparts; i++) {
            GEOSGeometry *m = metric_line(w, s->parts[i].xy, s->parts[i].n);
            if (mask) {
                parts[i] = park_road_network_snap(w->ctx, w->net, m, s->corridor_m, mask, &ss);
                GEOSGeom_destroy_r(h, m);
            } else if (ext > 0) {
                parts[i] = extend_line(w, m, ext);
                GEOSGeom_destroy_r(h, m);
            } else {
                parts[i] = m;
            }
        }
        GEOSGeometry *metric = s->nparts == 1 ? parts[0] : GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, parts, (unsigned)s->nparts);
        free(parts);
        elev = elevated_names(w, metric, s->name, s->aliases, &mismatch);
        if (mask) {
            coverage = ss.samples ? (double)ss.matched / (double)ss.samples : 0;
            bool osm = coverage >= s->min_coverage;
            prov = osm ? "osm" : (s->provenance ? s->provenance : "approximate");
            /* OSM vertices are within ~0.1 m; averaging carriageways and 20 m
             * sampling add a few metres. Unmatched stretches longer than 200 m
             * keep the sketch's own error. */
            /* An interior gap is bridged between two real points of the road, which
             * rarely strays from that chord by more than an eighth of its length; an
             * end held at the last offset is as good as the sketch there. */
            if (osm) {
                error_m = 10;
                if (ss.longest_gap_m > 80) error_m = fmax(error_m, fmin(s->error_m, ss.longest_gap_m / 8));
                if (ss.end_gap_m > 200) error_m = fmax(error_m, s->error_m);
            }
            park_buf_printf(&method, "sketch %s:%d sampled every %.0f m and moved onto the centre line of OSM %s carriageways within %.0f m and %.0f deg of its direction; %.0f%% of samples matched (longest unmatched stretch %.0f m inside, interpolated; %.0f m at an end, offset held); OSM link_ids ",
                            s->file, s->line_no, STEP_M, mask == CLS_MOTORWAY ? "motorway" : mask == CLS_ROAD ? "trunk/primary/secondary" : "motorway/trunk/primary/secondary",
                            s->corridor_m, MAX_ANGLE_DEG, coverage * 100, ss.longest_gap_m, ss.end_gap_m);
            for (size_t i = 0; i < ss.nlinks; i++) park_buf_printf(&method, "%s%ld", i ? "," : "", ss.links[i]);
            n_links = (long)ss.nlinks;
            if (!osm) park_buf_printf(&method, "; coverage below %.0f%%, so kept as approximate with the sketch's error", s->min_coverage * 100);
            free(ss.links);
        } else {
            prov = s->provenance ? s->provenance : "approximate";
            park_buf_printf(&method, "hand-digitised sketch %s:%d (no OSM source for this feature)", s->file, s->line_no);
            if (ext > 0) park_buf_printf(&method, ", prolonged %.0f m past both drawn ends", ext);
        }
        park_buf_printf(&method, "; named by position of the sketch");
        if (*elev) park_buf_printf(&method, "; named OSM elevated/bridge pieces along it: %s", elev);
        if (*mismatch) fprintf(stderr, "build_gazetteer: note: [%s] (%s:%d) runs along elevated pieces named %s\n", s->name, s->file, s->line_no, mismatch);
        st = park_transform(w->ctx, metric, LOCAL_CRS, "EPSG:4326", &result);
        GEOSGeom_destroy_r(h, metric);
        if (st) {
            park_buf_free(&method);
            free(elev), free(mismatch);
            return st;
        }
    }
    /* ---- real sources: the OSM extract and the address evidence replace the sketch */
    char *basis = NULL;
    double off_mean = NAN, off_max = NAN, off_cov = 0, ev_p68 = NAN, ev_max = NAN;
    size_t ev_n = 0;
    const char *newsrc = "";
    long evidence_n = 0;
    const char *source = "sketch";
    if (s->source && strncmp(s->source, "district ", 9) == 0) source = "district", evidence_n = 1;
    else if (s->ntraces) source = "town-boundary", evidence_n = (long)s->ntraces;
    else if (!strcmp(prov, "osm")) source = "osm-arterials", evidence_n = n_links;
    st = from_sources(w, s, &result, &prov, &error_m, &basis, &method, &off_mean, &off_max, &off_cov, &newsrc, &evidence_n);
    if (*newsrc) source = newsrc;
    if (st) {
        park_buf_free(&method);
        free(elev), free(mismatch), free(basis);
        if (result) GEOSGeom_destroy_r(h, result);
        return st;
    }
    /* every result is checked against the address points of its name, where there are any */
    if (w->pts && (!strcmp(s->kind, "road") || !strcmp(s->kind, "expressway")))
        ev_n = park_roadfit_check_line(w->ctx, w->pts, s->name, s->aliases, result, &ev_p68, &ev_max);
    if (ev_n) park_buf_printf(&method, "; checked against %zu trusted address points of the name (held-out rows excluded): p68 distance %.0f m, max %.0f m", ev_n, ev_p68, ev_max);
    if (!basis) {
        if (!strcmp(prov, "osm") && coverage >= 0)
            basis = park_asprintf("OSM arterial geometry matched over %.0f%% of the feature; error from the longest unmatched stretch (interpolated) and unmatched ends; the name is ours (see method)", coverage * 100);
        else if (ev_n >= 3 && ev_p68 <= s->error_m)
            basis = park_asprintf("unverified sketch; %zu trusted address points of the name lie within p68 %.0f m of it (consistent with the claimed %.0f m)", ev_n, ev_p68, s->error_m);
        else if (ev_n >= 3)
            basis = park_asprintf("unverified sketch, and CONTRADICTED: %zu trusted address points of the name lie p68 %.0f m from it (claimed %.0f m)", ev_n, ev_p68, s->error_m);
        else
            basis = park_strdup(!strcmp(prov, "anchored") ? "unverified: the identification of the anchor with the feature is ours (see method); the figure is an estimate" : "unverified: hand-digitised sketch; no source in the data measures it; the figure is the sketch's own estimate");
    }
    if (s->note && *s->note) park_buf_printf(&method, "; %s%s", *newsrc ? "note on the old sketch: " : "", s->note);
    if (!first) park_buf_append(out, ",\n");
    write_feature(out, h, s, prov, method.s, error_m, coverage, result, basis, source, evidence_n);

    /* report row */
    GEOSGeometry *m = NULL;
    double len = 0;
    if (park_transform(w->ctx, result, "EPSG:4326", LOCAL_CRS, &m) == PARK_OK) GEOSLength_r(h, m, &len), GEOSGeom_destroy_r(h, m);
    char c_len[32], c_cov[32], c_err[32];
    snprintf(c_len, sizeof c_len, "%.2f", len / 1000);
    if (coverage >= 0) snprintf(c_cov, sizeof c_cov, "%.0f%%", coverage * 100);
    else snprintf(c_cov, sizeof c_cov, "-");
    snprintf(c_err, sizeof c_err, "%.0f", error_m);
    char c_old[32], c_off[48], c_held[16];
    snprintf(c_old, sizeof c_old, "%.0f", s->error_m);
    if (isfinite(off_mean)) snprintf(c_off, sizeof c_off, "%.0f/%.0f (%.0f%%)", off_mean, off_max, off_cov * 100);
    else snprintf(c_off, sizeof c_off, "-");
    snprintf(c_held, sizeof c_held, "%s", isfinite(off_mean) ? (off_mean <= s->error_m ? "yes" : "NO") : "-");
    const char *row[] = {s->out, s->name, s->kind, prov, newsrc, c_cov, c_err, c_len, c_old, c_off, c_held, elev ? elev : ""};
    park_table_add(report, row);
    free(basis);
    GEOSGeom_destroy_r(h, result);
    park_buf_free(&method);
    free(elev), free(mismatch);
    return PARK_OK;
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f) {
    fputs("usage: build_gazetteer [--data DIR] [--sketches DIR] [--out DIR] [--quiet]\n"
          "Rebuilds the gazetteer of named features from hand-digitised sketches and the\n"
          "public source data (OSM arterials, named OSM elevated pieces, DataV boundary).\n"
          "  --data DIR      source data directory (default ../shared/data)\n"
          "  --sketches DIR  *.sketch files (default geodata/sketches)\n"
          "  --out DIR       output directory, one <sketch-file>.geojson each (default geodata/gazetteer)\n"
          "  --osm PATH      OSM extract: a directory/.zip of Geofabrik gis_osm_*_free_1 Shapefiles or an\n"
          "                  .osm/.osm.pbf file (default DIR/osm-geofabrik-2025-03)\n"
          "  --addresses TSV geocoded address points (default DIR/address-points/baoshan-address-points.wgs84.tsv;\n"
          "                  'none' to build without them)\n"
          "  --quiet         no report table\n"
          "Exit codes: 0 ok, 2 usage, 3 bad input (message names file:line), 4 cannot write, 70 internal.\n", f);
}

int main(int argc, char **argv) {
    const char *data = "../shared/data", *sk_dir = "geodata/sketches", *out_dir = "geodata/gazetteer";
    const char *osm_path = NULL, *addr_path = NULL;
    bool quiet = false;
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {"sketches", required_argument, 0, 's'},
                                         {"osm", required_argument, 0, 'O'}, {"addresses", required_argument, 0, 'A'},
                                         {"out", required_argument, 0, 'o'}, {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:s:o:qh", opts, NULL)) != -1) {
        if (c == 'd') data = optarg;
        else if (c == 's') sk_dir = optarg;
        else if (c == 'o') out_dir = optarg;
        else if (c == 'q') quiet = true;
        else if (c == 'O') osm_path = optarg;
        else if (c == 'A') addr_path = optarg;
        else if (c == 'h') return usage(stdout), 0;
        else return usage(stderr), park_status_exit_code(PARK_ERR_USAGE);
    }
    if (optind < argc) return usage(stderr), park_status_exit_code(PARK_ERR_USAGE);

    park_ctx *ctx = park_ctx_new();
    world_t w = {.ctx = ctx, .h = park_ctx_geos(ctx), .data_dir = data};
    park_status st = PARK_OK;
    size_t nfiles = 0, nsk = 0, cap = 0;
    sketch_t *sk = NULL;
    char **files = list_dir(sk_dir, ".sketch", &nfiles);
    if (!nfiles) st = park_error(ctx, PARK_ERR_INPUT, "%s: no *.sketch files (expected the gazetteer sketches, see geodata/sketches/README.md)", sk_dir);
    for (size_t i = 0; i < nfiles && st == PARK_OK; i++) st = read_sketch_file(ctx, sk_dir, files[i], &sk, &nsk, &cap);
    GDALAllRegister();
    if (st == PARK_OK) st = park_road_network_load(ctx, data, &w.net);
    char *osm_def = park_asprintf("%s/osm-geofabrik-2025-03", data), *addr_def = park_asprintf("%s/address-points/baoshan-address-points.wgs84.tsv", data);
    if (st == PARK_OK) st = park_osm_open(ctx, osm_path ? osm_path : osm_def, &w.osm);
    /* Baoshan and a margin: nothing outside is named by the 四至 texts */
    if (st == PARK_OK) park_osm_set_aoi(w.osm, 121.20, 31.22, 121.62, 31.56);
    if (st == PARK_OK && !strcmp(addr_path ? addr_path : "", "none")) addr_path = NULL, addr_def[0] = 0;
    if (st == PARK_OK && *(addr_path ? addr_path : addr_def)) {
        st = park_address_points_read(ctx, addr_path ? addr_path : addr_def, &w.pts);
        if (st == PARK_OK && park_address_points_skipped(w.pts)) fprintf(stderr, "build_gazetteer: note: %s\n", park_address_points_notes(w.pts));
    }
    free(osm_def), free(addr_def);
    if (st == PARK_OK) st = load_elevated(&w);
    if (st == PARK_OK) {
        struct stat sb;
        if (stat(out_dir, &sb) != 0 && mkdir(out_dir, 0777) != 0)
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create output directory (%s)", out_dir, strerror(errno));
    }
    const char *cols[] = {"file", "name", "kind", "provenance", "source", "osm_cov", "error_m", "km", "old_err", "old_off mean/max (cover)", "old_claim_held", "elevated pieces along it"};
    park_table *report = park_table_new(12, cols);
    park_table_numeric(report, 5), park_table_numeric(report, 6), park_table_numeric(report, 7), park_table_numeric(report, 8);
    /* one output file per sketch file, features in sketch order */
    for (size_t fi = 0; fi < nfiles && st == PARK_OK; fi++) {
        char *base = park_strndup(files[fi], strlen(files[fi]) - strlen(".sketch"));
        park_buf b;
        park_buf_init(&b);
        park_buf_printf(&b, "{\"type\":\"FeatureCollection\",\"name\":\"%s\",\"features\":[\n", base);
        bool first = true;
        for (size_t i = 0; i < nsk && st == PARK_OK; i++) {
            if (strcmp(sk[i].out, base)) continue;
            st = build_one(&w, &sk[i], &b, report, first);
            first = false;
        }
        park_buf_append(&b, "\n]}\n");
        if (st == PARK_OK && !first) {
            char *path = park_asprintf("%s/%s.geojson", out_dir, base);
            park_atomic a;
            st = park_atomic_open(ctx, &a, path, true);
            if (st == PARK_OK) {
                fwrite(b.s, 1, b.len, a.f);
                st = park_atomic_commit(ctx, &a);
            }
            free(path);
        }
        park_buf_free(&b);
        free(base);
    }
    if (st == PARK_OK && !quiet) park_table_print_text(report, stdout);
    park_table_free(report);
    if (st) fprintf(stderr, "build_gazetteer: %s\n", park_ctx_errmsg(ctx));

    for (size_t i = 0; i < nsk; i++) sketch_free(&sk[i]);
    free(sk);
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    park_road_network_free(w.net);
    park_osm_free_ctx(ctx, w.osm);
    park_address_points_free(w.pts);
    for (size_t i = 0; i < w.nelev; i++) free(w.elev[i].name), GEOSGeom_destroy_r(w.h, w.elev[i].g);
    free(w.elev);
    for (size_t i = 0; i < w.nsectors; i++) free(w.sectors[i].name), GEOSGeom_destroy_r(w.h, w.sectors[i].boundary);
    free(w.sectors);
    park_ctx_free(ctx);
    return park_status_exit_code(st);
}
