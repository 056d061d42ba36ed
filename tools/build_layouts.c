/* build_layouts - rebuilds the derived geometry of the layouts in
 * geodata/layouts/ from the source data in ../shared/data (never copied into the
 * repo: only what is derived from it is written, with provenance and credit).
 *
 *   build_layouts [--data DIR] [--out DIR]
 *
 * --data defaults to $PARKGIS_SHARED_DATA, else <geodata>/../../shared/data;
 * --out defaults to <geodata>/layouts. Output is deterministic (fixed order,
 * coordinates printed with 7 decimals, ~1 cm), so a rebuild can be compared
 * byte for byte with the committed files (tests/integration/layouts-rebuild.sh).
 *
 * What is built, and why this way, is stated in each feature's `provenance`
 * and in geodata/SOURCES.md (section Layouts):
 *   sanyuan-sanxian-liangqu.metro-lines.geojson    lines 1, 3, 7 (OSM), clipped
 *   sanyuan-sanxian-liangqu.metro-stations.geojson their stations (OSM), clipped
 *   sanyuan-sanxian-liangqu.wusong.geojson         吴淞创新城 (approximate)
 *   yihe-liangji-sandai.elements.geojson           the six elements of 一核两极三带
 *   yihe-liangji-sandai.axes.geojson               黄浦江 course and the belt axes
 * Exit codes: park_status (3 unreadable source, 4 cannot write, 70 GEOS/PROJ). */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"
#include "parkgis_compile.h"

#define METRIC "EPSG:4549" /* CGCS2000 / 3-degree GK CM 120E: metres for buffers (scale error < 0.03% here) */
#define OSM_CREDIT "© OpenStreetMap contributors, ODbL 1.0"

static park_ctx *C;
static GEOSContextHandle_t H;
static const char *DATA, *OUT;

static void die(park_status st) {
    fprintf(stderr, "build_layouts: %s\n", park_ctx_errmsg(C));
    exit(park_status_exit_code(st));
}
#define TRY(expr)                              \
    do {                                       \
        park_status st_ = (expr);              \
        if (st_ != PARK_OK) die(st_);          \
    } while (0)
static GEOSGeometry *chk(GEOSGeometry *g, const char *what) {
    if (!g) die(park_geos_fail(C, what));
    return g;
}

/* ------------------------------------------------------------------ geometry helpers */

static GEOSGeometry *to_metric(const GEOSGeometry *g) {
    GEOSGeometry *m;
    TRY(park_transform(C, g, "EPSG:4490", METRIC, &m));
    return m;
}
static GEOSGeometry *from_metric(const GEOSGeometry *g) {
    GEOSGeometry *m;
    TRY(park_transform(C, g, METRIC, "EPSG:4490", &m));
    return m;
}
/* Buffer by `metres` in the metric CRS (flat caps off: round ends, 16 segments a quarter). */
static GEOSGeometry *buffer_m(const GEOSGeometry *g, double metres) {
    GEOSGeometry *m = to_metric(g);
    GEOSGeometry *b = chk(GEOSBuffer_r(H, m, metres, 16), "buffer");
    GEOSGeom_destroy_r(H, m);
    GEOSGeometry *r = from_metric(b);
    GEOSGeom_destroy_r(H, b);
    return r;
}
static GEOSGeometry *intersection(const GEOSGeometry *a, const GEOSGeometry *b) {
    return chk(GEOSIntersection_r(H, a, b), "intersection");
}
static double km2(const GEOSGeometry *g) {
    double m2;
    TRY(park_area_geodesic(C, g, &m2));
    return m2 / 1e6;
}
static GEOSGeometry *point(double x, double y) { return chk(GEOSGeom_createPointFromXY_r(H, x, y), "point"); }
static GEOSGeometry *linestring(const double *xy, int n) {
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(H, (unsigned)n, 2);
    for (int i = 0; i < n; i++) GEOSCoordSeq_setXY_r(H, cs, (unsigned)i, xy[2 * i], xy[2 * i + 1]);
    return chk(GEOSGeom_createLineString_r(H, cs), "linestring");
}
static GEOSGeometry *polygon(const double *xy, int n) { /* n vertices, ring closed here */
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(H, (unsigned)n + 1, 2);
    for (int i = 0; i <= n; i++) GEOSCoordSeq_setXY_r(H, cs, (unsigned)i, xy[2 * (i % n)], xy[2 * (i % n) + 1]);
    GEOSGeometry *ring = chk(GEOSGeom_createLinearRing_r(H, cs), "ring");
    return chk(GEOSGeom_createPolygon_r(H, ring, NULL, 0), "polygon");
}
/* Keeps the polygonal part of an overlay result (slivers of lower dimension dropped). */
static GEOSGeometry *polygons_only(GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(H, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) return g;
    int n = GEOSGetNumGeometries_r(H, g);
    GEOSGeometry **parts = calloc((size_t)n + 1, sizeof *parts);
    unsigned k = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *s = GEOSGetGeometryN_r(H, g, i);
        int st = GEOSGeomTypeId_r(H, s);
        if (st == GEOS_POLYGON) parts[k++] = GEOSGeom_clone_r(H, s);
        else if (st == GEOS_MULTIPOLYGON)
            for (int j = 0; j < GEOSGetNumGeometries_r(H, s); j++) {
                parts = realloc(parts, ((size_t)n + k + 2) * sizeof *parts);
                parts[k++] = GEOSGeom_clone_r(H, GEOSGetGeometryN_r(H, s, j));
            }
    }
    GEOSGeom_destroy_r(H, g);
    GEOSGeometry *m = chk(GEOSGeom_createCollection_r(H, GEOS_MULTIPOLYGON, parts, k), "multipolygon");
    free(parts);
    return m;
}
/* The longest LineString of a (multi)line geometry, cloned. */
static GEOSGeometry *longest_line(const GEOSGeometry *g) {
    const GEOSGeometry *best = NULL;
    double bl = -1;
    for (int i = 0; i < GEOSGetNumGeometries_r(H, g); i++) {
        const GEOSGeometry *s = GEOSGetGeometryN_r(H, g, i);
        double l = 0;
        GEOSLength_r(H, s, &l);
        if (GEOSGeomTypeId_r(H, s) == GEOS_LINESTRING && l > bl) best = s, bl = l;
    }
    return best ? GEOSGeom_clone_r(H, best) : NULL;
}
static GEOSGeometry *merge_lines(GEOSGeometry *coll) { /* takes ownership */
    GEOSGeometry *u = chk(GEOSUnaryUnion_r(H, coll), "line union");
    GEOSGeom_destroy_r(H, coll);
    GEOSGeometry *m = chk(GEOSLineMerge_r(H, u), "line merge");
    GEOSGeom_destroy_r(H, u);
    return m;
}

/* ------------------------------------------------------------------ source readers */

static char *src_path(const char *rel) { return park_asprintf("%s/%s", DATA, rel); }

static json_object *read_json(const char *rel) {
    char *p = src_path(rel);
    json_object *o = json_object_from_file(p);
    if (!o) {
        park_error(C, PARK_ERR_INPUT, "%s: cannot read JSON: %s", p, json_util_get_last_err() ? json_util_get_last_err() : "?");
        free(p);
        die(PARK_ERR_INPUT);
    }
    free(p);
    return o;
}

static json_object *jget(json_object *o, const char *k) {
    json_object *v = NULL;
    return json_object_object_get_ex(o, k, &v) ? v : NULL;
}

/* A JSON array of [lon, lat] into a coordinate list; `conv` converts each
 * point (GCJ-02 -> WGS84) when non-zero. */
static GEOSCoordSequence *json_coords(json_object *arr, int gcj, const char *what) {
    size_t n = json_object_array_length(arr);
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(H, (unsigned)n, 2);
    for (size_t i = 0; i < n; i++) {
        json_object *pt = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(pt, json_type_array) || json_object_array_length(pt) < 2) {
            park_error(C, PARK_ERR_INPUT, "%s: coordinate %zu is not [lon, lat]", what, i);
            die(PARK_ERR_INPUT);
        }
        double x = json_object_get_double(json_object_array_get_idx(pt, 0));
        double y = json_object_get_double(json_object_array_get_idx(pt, 1));
        if (gcj) TRY(park_datum_to_wgs84(C, PARK_DATUM_GCJ02, x, y, &x, &y));
        GEOSCoordSeq_setXY_r(H, cs, (unsigned)i, x, y);
    }
    return cs;
}

/* DataV district boundary (array of GeoJSON features, GCJ-02) -> WGS84 MultiPolygon. */
static GEOSGeometry *read_district_gcj(const char *rel, const char *name) {
    json_object *root = read_json(rel);
    json_object *f = NULL;
    for (size_t i = 0; json_object_is_type(root, json_type_array) && i < json_object_array_length(root) && !f; i++) {
        json_object *c = json_object_array_get_idx(root, i);
        const char *n = json_object_get_string(jget(jget(c, "properties"), "name"));
        if (n && !strcmp(n, name)) f = c;
    }
    if (!f) {
        park_error(C, PARK_ERR_INPUT, "%s/%s: no feature named %s (expected a DataV array of district features)", DATA, rel, name);
        die(PARK_ERR_INPUT);
    }
    json_object *geom = jget(f, "geometry"), *coords = jget(geom, "coordinates");
    if (!coords || strcmp(json_object_get_string(jget(geom, "type")), "MultiPolygon") != 0) {
        park_error(C, PARK_ERR_INPUT, "%s/%s: expected a feature with a MultiPolygon geometry", DATA, rel);
        die(PARK_ERR_INPUT);
    }
    size_t np = json_object_array_length(coords);
    GEOSGeometry **polys = calloc(np, sizeof *polys);
    for (size_t i = 0; i < np; i++) {
        json_object *rings = json_object_array_get_idx(coords, i);
        size_t nr = json_object_array_length(rings);
        GEOSGeometry *shell = chk(GEOSGeom_createLinearRing_r(H, json_coords(json_object_array_get_idx(rings, 0), 1, rel)), "ring");
        GEOSGeometry **holes = calloc(nr, sizeof *holes);
        for (size_t r = 1; r < nr; r++)
            holes[r - 1] = chk(GEOSGeom_createLinearRing_r(H, json_coords(json_object_array_get_idx(rings, r), 1, rel)), "ring");
        polys[i] = chk(GEOSGeom_createPolygon_r(H, shell, holes, (unsigned)(nr - 1)), "polygon");
        free(holes);
    }
    GEOSGeometry *mp = chk(GEOSGeom_createCollection_r(H, GEOS_MULTIPOLYGON, polys, (unsigned)np), "multipolygon");
    free(polys);
    json_object_put(root);
    GEOSGeometry *v = chk(GEOSMakeValid_r(H, mp), "make valid");
    GEOSGeom_destroy_r(H, mp);
    return polygons_only(v);
}

/* All paths of the metroLines / elevatedRoads entries whose `key` equals one of
 * `vals`, as one merged line geometry. */
static GEOSGeometry *network_lines(json_object *net, const char *list, const char *key, const char *const *vals) {
    json_object *arr = jget(net, list);
    size_t n = json_object_array_length(arr), k = 0, cap = 64;
    GEOSGeometry **parts = malloc(cap * sizeof *parts);
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(arr, i);
        const char *v = json_object_get_string(jget(e, key));
        bool hit = false;
        for (const char *const *p = vals; *p; p++) hit = hit || (v && !strcmp(v, *p));
        if (!hit) continue;
        json_object *paths = jget(e, "paths");
        for (size_t j = 0; j < json_object_array_length(paths); j++) {
            json_object *pth = json_object_array_get_idx(paths, j);
            if (json_object_array_length(pth) < 2) continue;
            if (k == cap) parts = realloc(parts, (cap *= 2) * sizeof *parts);
            parts[k++] = chk(GEOSGeom_createLineString_r(H, json_coords(pth, 0, "osm-metro-network.wgs84.json")), "line");
        }
    }
    if (!k) {
        park_error(C, PARK_ERR_INPUT, "%s/osm-metro-network.wgs84.json: no %s with %s = %s", DATA, list, key, vals[0]);
        die(PARK_ERR_INPUT);
    }
    GEOSGeometry *coll = chk(GEOSGeom_createCollection_r(H, GEOS_MULTILINESTRING, parts, (unsigned)k), "lines");
    free(parts);
    return merge_lines(coll);
}

/* One feature of an OGR file by a field value (or the union of all when value is NULL). */
static GEOSGeometry *ogr_polygon(const char *rel, const char *field, const char *value, char **name_out) {
    char *p = src_path(rel);
    GDALAllRegister();
    /* The Xuhui shapefile has no .cpg: its DBF declares code page 936 (GBK) in
     * the language-driver byte (LDID 0x4D), which GDAL honours and recodes to
     * UTF-8; the names are checked to be valid UTF-8 below. */
    GDALDatasetH ds = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        park_error(C, PARK_ERR_INPUT, "%s: cannot open as a vector layer", p);
        die(PARK_ERR_INPUT);
    }
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), field);
    int fn = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "name");
    if (fi < 0) {
        park_error(C, PARK_ERR_INPUT, "%s: no field '%s'", p, field);
        die(PARK_ERR_INPUT);
    }
    GEOSGeometry *parts[64];
    unsigned k = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) && k < 64) {
        const char *v = OGR_F_GetFieldAsString(f, fi);
        if (fn >= 0 && !park_utf8_valid(OGR_F_GetFieldAsString(f, fn))) {
            park_error(C, PARK_ERR_INPUT, "%s: feature %ld: name is not valid UTF-8 (expected UTF-8 names)", p, (long)OGR_F_GetFID(f));
            die(PARK_ERR_INPUT);
        }
        if (!value || !strcmp(v, value)) {
            OGRGeometryH og = OGR_F_GetGeometryRef(f);
            int sz = OGR_G_WkbSize(og);
            unsigned char *wkb = malloc((size_t)sz);
            OGR_G_ExportToIsoWkb(og, wkbNDR, wkb);
            parts[k++] = chk(GEOSGeomFromWKB_buf_r(H, wkb, (size_t)sz), "wkb");
            free(wkb);
            if (name_out && fn >= 0) *name_out = park_strdup(OGR_F_GetFieldAsString(f, fn));
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (!k) {
        park_error(C, PARK_ERR_INPUT, "%s: no feature with %s = '%s'", p, field, value ? value : "*");
        die(PARK_ERR_INPUT);
    }
    free(p);
    GEOSGeometry *coll = chk(GEOSGeom_createCollection_r(H, GEOS_GEOMETRYCOLLECTION, parts, k), "collection");
    GEOSGeometry *u = chk(GEOSUnaryUnion_r(H, coll), "union");
    GEOSGeom_destroy_r(H, coll);
    return polygons_only(u);
}

/* The union of the Xuhui sub-district outlines named (by `name`). */
static GEOSGeometry *xuhui_units(const char *const *names) {
    GEOSGeometry *parts[16];
    unsigned k = 0;
    for (const char *const *n = names; *n; n++) parts[k++] = ogr_polygon("xuhui/xuhui-subdistricts.shp", "name", *n, NULL);
    GEOSGeometry *coll = chk(GEOSGeom_createCollection_r(H, GEOS_GEOMETRYCOLLECTION, parts, k), "collection");
    GEOSGeometry *u = chk(GEOSUnaryUnion_r(H, coll), "union");
    GEOSGeom_destroy_r(H, coll);
    return polygons_only(u);
}

/* ------------------------------------------------------------------ GeoJSON writer */

typedef struct fc {
    park_buf b;
    int n;
    char *file;
} fc;

static void fc_begin(fc *f, const char *file, const char *name) {
    park_buf_init(&f->b);
    f->n = 0;
    f->file = park_strdup(file);
    park_buf_printf(&f->b, "{\n\"type\": \"FeatureCollection\",\n\"name\": \"%s\",\n\"features\": [\n", name);
}

static void put_coord(park_buf *b, double x, double y) {
    char s[64];
    /* -0.0000000 would differ from 0.0000000 between runs only if signs flip: not here */
    snprintf(s, sizeof s, "[%.7f,%.7f]", x, y);
    park_buf_append(b, s);
}

static double ring_signed_area(const GEOSCoordSequence *cs, unsigned n) {
    double a = 0, x0, y0, x1, y1;
    for (unsigned i = 0; i + 1 < n; i++) {
        GEOSCoordSeq_getXY_r(H, cs, i, &x0, &y0);
        GEOSCoordSeq_getXY_r(H, cs, i + 1, &x1, &y1);
        a += x0 * y1 - x1 * y0;
    }
    return a / 2;
}

/* RFC 7946: exterior rings counter-clockwise, holes clockwise. */
static void put_ring(park_buf *b, const GEOSGeometry *ring, int exterior) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(H, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(H, cs, &n);
    double a = ring_signed_area(cs, n);
    int reverse = exterior ? a < 0 : a > 0;
    park_buf_append(b, "[");
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(H, cs, reverse ? n - 1 - i : i, &x, &y);
        if (i) park_buf_append(b, ",");
        put_coord(b, x, y);
    }
    park_buf_append(b, "]");
}

static void put_line(park_buf *b, const GEOSGeometry *g) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(H, g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(H, cs, &n);
    park_buf_append(b, "[");
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(H, cs, i, &x, &y);
        if (i) park_buf_append(b, ",");
        put_coord(b, x, y);
    }
    park_buf_append(b, "]");
}

static void put_polygon(park_buf *b, const GEOSGeometry *g) {
    park_buf_append(b, "[");
    put_ring(b, GEOSGetExteriorRing_r(H, g), 1);
    for (int i = 0; i < GEOSGetNumInteriorRings_r(H, g); i++) {
        park_buf_append(b, ",");
        put_ring(b, GEOSGetInteriorRingN_r(H, g, i), 0);
    }
    park_buf_append(b, "]");
}

static void put_geometry(park_buf *b, const GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(H, g);
    switch (t) {
    case GEOS_POINT: {
        double x, y;
        GEOSGeomGetX_r(H, g, &x), GEOSGeomGetY_r(H, g, &y);
        park_buf_append(b, "{\"type\": \"Point\", \"coordinates\": ");
        put_coord(b, x, y);
        break;
    }
    case GEOS_LINESTRING:
        park_buf_append(b, "{\"type\": \"LineString\", \"coordinates\": ");
        put_line(b, g);
        break;
    case GEOS_MULTILINESTRING:
        park_buf_append(b, "{\"type\": \"MultiLineString\", \"coordinates\": [");
        for (int i = 0; i < GEOSGetNumGeometries_r(H, g); i++) {
            if (i) park_buf_append(b, ",");
            put_line(b, GEOSGetGeometryN_r(H, g, i));
        }
        park_buf_append(b, "]");
        break;
    case GEOS_POLYGON:
        park_buf_append(b, "{\"type\": \"Polygon\", \"coordinates\": ");
        put_polygon(b, g);
        break;
    case GEOS_MULTIPOLYGON:
        park_buf_append(b, "{\"type\": \"MultiPolygon\", \"coordinates\": [");
        for (int i = 0; i < GEOSGetNumGeometries_r(H, g); i++) {
            if (i) park_buf_append(b, ",");
            put_polygon(b, GEOSGetGeometryN_r(H, g, i));
        }
        park_buf_append(b, "]");
        break;
    default:
        park_error(C, PARK_ERR_INTERNAL, "unexpected geometry type %s", GEOSGeomType_r(H, g));
        die(PARK_ERR_INTERNAL);
    }
    park_buf_append(b, "}");
}

/* Appends a feature; takes ownership of g. `props` is a NULL-terminated list of
 * key, value pairs (strings); area_km2 is added for polygons. */
static void fc_add(fc *f, GEOSGeometry *g, double error_m, const char *const *props) {
    if (f->n++) park_buf_append(&f->b, ",\n");
    park_buf_append(&f->b, "{\"type\": \"Feature\", \"properties\": {");
    for (int i = 0; props[i]; i += 2) {
        park_buf_printf(&f->b, "%s\"%s\": ", i ? ", " : "", props[i]);
        park_json_escape(&f->b, props[i + 1]); /* adds the quotes */
    }
    park_buf_printf(&f->b, ", \"error_m\": %.0f", error_m);
    int t = GEOSGeomTypeId_r(H, g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) park_buf_printf(&f->b, ", \"area_km2\": %.3f", km2(g));
    park_buf_append(&f->b, "},\n \"geometry\": ");
    put_geometry(&f->b, g);
    park_buf_append(&f->b, "}");
    GEOSGeom_destroy_r(H, g);
}

static void fc_end(fc *f) {
    park_buf_append(&f->b, "\n]\n}\n");
    char *path = park_asprintf("%s/%s", OUT, f->file);
    park_atomic a;
    TRY(park_atomic_open(C, &a, path, true));
    fputs(f->b.s, a.f);
    TRY(park_atomic_commit(C, &a));
    printf("wrote %s (%d features)\n", path, f->n);
    free(path);
    free(f->file);
    park_buf_free(&f->b);
}

/* ================================================================== Baoshan: 三园三线两区 */

/* Metro lines 1, 3, 7 and their stations, clipped to Baoshan + 1.5 km: the
 * parks lie in Baoshan, several on its boundary (城市工业园区 "南至区界,西至区界",
 * 电子商务示范基地 南块 by 共康路), so a margin keeps the lines continuous where
 * they leave the district next to a park. */
static void build_metro(const GEOSGeometry *baoshan) {
    GEOSGeometry *clip = buffer_m(baoshan, 1500);
    json_object *net = read_json("osm-metro-network.wgs84.json");
    fc lines;
    fc_begin(&lines, "sanyuan-sanxian-liangqu.metro-lines.geojson", "metro_lines");
    static const struct {
        const char *id, *name, *group;
        const char *routes[3];
    } L[] = {
        {"metro-1", "轨道交通1号线", "1号线", {"1", NULL}},
        /* line 3 shares track with line 4 south of 宝山路 ("3-4"); kept so the line is whole where it is clipped */
        {"metro-3", "轨道交通3号线", "3号线", {"3", "3-4", NULL}},
        {"metro-7", "轨道交通7号线", "7号线", {"7", NULL}},
    };
    for (size_t i = 0; i < 3; i++) {
        GEOSGeometry *all = network_lines(net, "metroLines", "route", L[i].routes);
        GEOSGeometry *c = intersection(all, clip);
        GEOSGeometry *m = chk(GEOSLineMerge_r(H, c), "merge");
        GEOSGeom_destroy_r(H, all), GEOSGeom_destroy_r(H, c);
        double len = 0;
        GEOSGeometry *mm = to_metric(m);
        GEOSLength_r(H, mm, &len);
        GEOSGeom_destroy_r(H, mm);
        char prov[1024];
        snprintf(prov, sizeof prov,
                 "osm: metroLines route %s%s of osm-metro-network.wgs84.json (Geofabrik Shanghai extract 2026-07-28, simplified to 5 m; via luiszengii/shanghai-property-sector-map), "
                 "clipped to 宝山区 + 1.5 km (DataV boundary, GCJ-02 converted to WGS84); %.1f km shown; error ~5 m (simplification)",
                 L[i].routes[0], L[i].routes[1] ? " and 3-4 (shared with line 4)" : "", len / 1000);
        const char *props[] = {"id", L[i].id, "name", L[i].name, "group", L[i].group, "provenance", prov, "credit", OSM_CREDIT, NULL};
        fc_add(&lines, m, 5, props);
    }
    fc_end(&lines);
    json_object_put(net);

    /* stations of lines 1, 3 and 7 inside the clip, in the source file's order */
    json_object *st = read_json("osm-metro-stations.json");
    fc pts;
    fc_begin(&pts, "sanyuan-sanxian-liangqu.metro-stations.geojson", "metro_stations");
    const GEOSPreparedGeometry *pclip = GEOSPrepare_r(H, clip);
    json_object_object_foreach(st, key, v) {
        const char *line = json_object_get_string(jget(v, "line"));
        if (!line || (strcmp(line, "1号线") && strcmp(line, "3号线") && strcmp(line, "7号线"))) continue;
        double x = json_object_get_double(jget(v, "lng")), y = json_object_get_double(jget(v, "lat"));
        GEOSGeometry *p = point(x, y);
        if (!GEOSPreparedContains_r(H, pclip, p)) {
            GEOSGeom_destroy_r(H, p);
            continue;
        }
        char id[64];
        snprintf(id, sizeof id, "station-%s", key);
        const char *props[] = {"id", id, "name", json_object_get_string(jget(v, "name")), "group", line,
                               "provenance", "osm: osm-metro-stations.json (OSM via Overpass; via Weishi-corroding/shanghai-metro-pathfinder), station point; error ~50 m (a station is a point for a platform ~200 m long)",
                               "credit", OSM_CREDIT, NULL};
        fc_add(&pts, p, 50, props);
    }
    GEOSPreparedGeom_destroy_r(H, pclip);
    fc_end(&pts);
    json_object_put(st);
    GEOSGeom_destroy_r(H, clip);
}

/* 吴淞创新城, compiled from its published 四至 (geodata/fourto/wusong.tsv:
 * 北至友谊路、东至同济路-黄浦江、南至长江西路-军工路、西至江杨北路-虎林路, about 26 km2,
 * 25.3 km2 in the 2024 plan draft) by the same compiler and gazetteer as the ten
 * parcels (issue 9). The published areas are a check, never a target. The share
 * south of the outer ring is measured against the 9 km2 that seed 002 gives for
 * 外环以南. */
static void build_wusong(const GEOSGeometry *baoshan) {
    (void)baoshan; /* the east side is the OSM Huangpu line itself: no clip */
    char *tsv = park_asprintf("%s/fourto/wusong.tsv", park_default_data_dir());
    park_fourto_set *set = NULL;
    park_gazetteer *gz = NULL;
    park_layer *l = NULL;
    park_compile_stats *sts = NULL;
    park_status st = park_fourto_read(C, tsv, &set);
    if (!st) st = park_gazetteer_load(C, NULL, &gz);
    if (!st) st = park_compile(C, set, gz, &l, &sts);
    if (st) die(st);
    const park_parcel *pc = park_layer_get(l, 0);
    GEOSGeometry *w = chk(GEOSGeom_clone_r(H, pc->geom), "clone");
    double area = sts[0].area_km2, L = sts[0].len_m[0] + sts[0].len_m[1] + sts[0].len_m[2];
    double real = L > 0 ? (sts[0].len_m[0] + sts[0].len_m[1]) / L : NAN, err_m = sts[0].err_m;
    long nwarn = 0;
    for (const char *q = sts[0].warnings ? sts[0].warnings : ""; *q; q++) nwarn += *q == '\n';

    /* the part south of the outer ring (S20, OSM 外环高速 pieces): a polygon from
     * the ring's line closed far to the south */
    json_object *net = read_json("osm-metro-network.wgs84.json");
    const char *s20n[] = {"外环高速", NULL};
    GEOSGeometry *s20 = network_lines(net, "elevatedRoads", "name", s20n);
    json_object_put(net);
    GEOSGeometry *box = polygon((const double[]){121.40, 31.33, 121.56, 31.33, 121.56, 31.40, 121.40, 31.40}, 4);
    GEOSGeometry *s20c = intersection(s20, box);
    GEOSGeometry *ring = longest_line(s20c);
    double south_km2 = NAN;
    if (ring) {
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(H, ring);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(H, cs, &n);
        double *xy = malloc((n + 2) * 2 * sizeof *xy);
        for (unsigned i = 0; i < n; i++) GEOSCoordSeq_getXY_r(H, cs, i, &xy[2 * i], &xy[2 * i + 1]);
        xy[2 * n] = xy[2 * (n - 1)], xy[2 * n + 1] = 31.30;
        xy[2 * n + 2] = xy[0], xy[2 * n + 3] = 31.30;
        GEOSGeometry *south = polygon(xy, (int)n + 2);
        GEOSGeometry *sv = chk(GEOSMakeValid_r(H, south), "make valid");
        GEOSGeometry *ws = intersection(w, sv);
        south_km2 = km2(ws);
        GEOSGeom_destroy_r(H, south), GEOSGeom_destroy_r(H, sv), GEOSGeom_destroy_r(H, ws), GEOSGeom_destroy_r(H, ring);
        free(xy);
    }
    GEOSGeom_destroy_r(H, s20), GEOSGeom_destroy_r(H, s20c), GEOSGeom_destroy_r(H, box);

    char prov[4096];
    snprintf(prov, sizeof prov,
             "compiled from its published 四至 (geodata/fourto/wusong.tsv: %s) by parkgis compile's compiler with the bundled gazetteer "
             "(友谊路 and 虎林路 fitted from their address points, 同济路/长江西路/军工路/江杨北路 on the OSM arterials, 黄浦江 the OSM waterway): "
             "%.3f km2 geodesic against about 26 km2 published (%+.1f%%) and 25.3 km2 in the 2024 plan draft (%+.1f%%); "
             "%.0f%% of its %.1f km boundary on osm/anchored features, length-weighted error %.0f m, %ld compiler warning(s) (bridged gaps: see parkgis compile --fourto geodata/fourto/wusong.tsv). "
             "Of it %.2f km2 lies south of the outer ring (S20, OSM), against 9 km2 for 外环以南 in seed 002",
             pc->four_to, area, 100 * (area - 26) / 26, 100 * (area - 25.3) / 25.3, 100 * real, L / 1000, err_m, nwarn, south_km2);
    fc f;
    fc_begin(&f, "sanyuan-sanxian-liangqu.wusong.geojson", "liangqu_wusong");
    const char *props[] = {"id", "liangqu-wusong", "name", "吴淞创新城", "group", "两区", "provenance", prov,
                           "credit", "rivers, roads and stations " OSM_CREDIT "; roads also from geocoded address points (see geodata/SOURCES.md)", NULL};
    fc_add(&f, w, err_m, props);
    fc_end(&f);
    park_compile_stats_free(sts, set->n);
    park_layer_free(l);
    park_gazetteer_free(gz);
    park_fourto_set_free(set);
    free(tsv);
}

/* ================================================================== Xuhui: 一核两极三带 */

/* The Huangpu's course along Xuhui. The river is the boundary between Xuhui
 * and 浦东新区, so the river edge of the Xuhui outline (union of the
 * sub-districts) is the part of it within 400 m of Pudong's outline (DataV,
 * GCJ-02 converted to WGS84; its coarse vertices are the 400 m). Both outlines
 * run in the channel, so the course is within ~250 m of the channel centre;
 * at the two ends up to ~400 m of the neighbouring land boundary may be taken. */
static GEOSGeometry *huangpu_course(const GEOSGeometry *district) {
    GEOSGeometry *pudong = read_district_gcj("districts/310000-shanghai.gcj02.json", "浦东新区");
    GEOSGeometry *pd_edge = chk(GEOSBoundary_r(H, pudong), "boundary");
    GEOSGeometry *corr = buffer_m(pd_edge, 400);
    GEOSGeometry *bd = chk(GEOSBoundary_r(H, district), "boundary");
    GEOSGeometry *edge = intersection(bd, corr);
    GEOSGeometry *m = chk(GEOSLineMerge_r(H, edge), "merge");
    GEOSGeometry *course = longest_line(m);
    if (!course) die(park_error(C, PARK_ERR_INTERNAL, "no river edge found on the Xuhui outline"));
    GEOSGeom_destroy_r(H, pudong), GEOSGeom_destroy_r(H, pd_edge), GEOSGeom_destroy_r(H, corr);
    GEOSGeom_destroy_r(H, bd), GEOSGeom_destroy_r(H, edge), GEOSGeom_destroy_r(H, m);
    /* north to south, so the axis reads 日晖港 -> 徐浦大桥 */
    double y0, y1;
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(H, course);
    unsigned n;
    GEOSCoordSeq_getSize_r(H, cs, &n);
    double x;
    GEOSCoordSeq_getXY_r(H, cs, 0, &x, &y0);
    GEOSCoordSeq_getXY_r(H, cs, n - 1, &x, &y1);
    if (y0 < y1) {
        GEOSGeometry *r = chk(GEOSReverse_r(H, course), "reverse");
        GEOSGeom_destroy_r(H, course);
        course = r;
    }
    return course;
}

/* The part of `g` north of the outer ring S20 (徐浦大桥 carries it over the river). */
static GEOSGeometry *north_of_s20(const GEOSGeometry *g, json_object *net) {
    const char *s20n[] = {"外环高速", NULL};
    GEOSGeometry *s20 = network_lines(net, "elevatedRoads", "name", s20n);
    GEOSGeometry *box = polygon((const double[]){121.38, 31.10, 121.50, 31.10, 121.50, 31.15, 121.38, 31.15}, 4);
    GEOSGeometry *c = intersection(s20, box);
    GEOSGeometry *m = chk(GEOSLineMerge_r(H, c), "merge");
    GEOSGeometry *line = longest_line(m);
    if (!line) die(park_error(C, PARK_ERR_INTERNAL, "outer ring S20 not found near 徐浦大桥"));
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(H, line);
    unsigned n;
    GEOSCoordSeq_getSize_r(H, cs, &n);
    double *xy = malloc((n + 2) * 2 * sizeof *xy);
    for (unsigned i = 0; i < n; i++) GEOSCoordSeq_getXY_r(H, cs, i, &xy[2 * i], &xy[2 * i + 1]);
    xy[2 * n] = xy[2 * (n - 1)], xy[2 * n + 1] = 31.30;
    xy[2 * n + 2] = xy[0], xy[2 * n + 3] = 31.30;
    GEOSGeometry *north = polygon(xy, (int)n + 2);
    GEOSGeometry *nv = chk(GEOSMakeValid_r(H, north), "make valid");
    GEOSGeometry *r = polygons_only(intersection(g, nv));
    free(xy);
    GEOSGeom_destroy_r(H, s20), GEOSGeom_destroy_r(H, box), GEOSGeom_destroy_r(H, c), GEOSGeom_destroy_r(H, m);
    GEOSGeom_destroy_r(H, line), GEOSGeom_destroy_r(H, north), GEOSGeom_destroy_r(H, nv);
    return r;
}

/* A belt: the corridor within `half_m` metres of its axis, clipped to the district. */
static GEOSGeometry *belt(const GEOSGeometry *axis, double half_m, const GEOSGeometry *district) {
    GEOSGeometry *b = buffer_m(axis, half_m);
    GEOSGeometry *r = polygons_only(intersection(b, district));
    GEOSGeom_destroy_r(H, b);
    return r;
}

static GEOSGeometry *point_on(const GEOSGeometry *g) { return chk(GEOSPointOnSurface_r(H, g), "point on surface"); }

/* The OSM data has 龙吴路 only as pieces (bridges, elevated parts). The road
 * runs north-south through Xuhui, so its pieces' vertices inside the district,
 * ordered north to south, chained by straight segments, give its course
 * (gaps of up to ~1.5 km bridged straight: a few tens of metres off the road). */
static int cmp_lat_desc(const void *a, const void *b) {
    const double *p = a, *q = b;
    return p[1] < q[1] ? 1 : p[1] > q[1] ? -1 : (p[0] > q[0]) - (p[0] < q[0]);
}
static GEOSGeometry *north_to_south_chain(const GEOSGeometry *pieces, const GEOSGeometry *district) {
    GEOSGeometry *in = intersection(pieces, district);
    GEOSGeometry *pts = chk(GEOSGeom_extractUniquePoints_r(H, in), "points");
    int n = GEOSGetNumGeometries_r(H, pts);
    double *xy = malloc((size_t)(n ? n : 1) * 2 * sizeof *xy);
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(H, pts, i);
        GEOSGeomGetX_r(H, p, &xy[2 * i]), GEOSGeomGetY_r(H, p, &xy[2 * i + 1]);
    }
    qsort(xy, (size_t)n, 2 * sizeof *xy, cmp_lat_desc);
    if (n < 2) die(park_error(C, PARK_ERR_INPUT, "龙吴路: fewer than two OSM vertices inside Xuhui"));
    GEOSGeometry *l = linestring(xy, n);
    free(xy);
    GEOSGeom_destroy_r(H, in), GEOSGeom_destroy_r(H, pts);
    return l;
}

static void build_xuhui(void) {
    GEOSGeometry *district = ogr_polygon("xuhui/xuhui-subdistricts.shp", "site", NULL, NULL); /* every feature */
    json_object *net = read_json("osm-metro-network.wgs84.json");
    json_object *sectors = read_json("sectors-reviewed.wgs84.json");
    const char *SUB = "xuhui-subdistricts (poi86.com via l12x21y/xuhui-tool-0317; WGS84, checked against DataV 1-60 m)";

    fc el, ax;
    fc_begin(&el, "yihe-liangji-sandai.elements.geojson", "yihe_liangji_sandai");
    fc_begin(&ax, "yihe-liangji-sandai.axes.geojson", "axes");
    char prov[2048];

    /* 一核: 徐家汇-衡复-枫林. 衡复 (the 衡山路-复兴路 historic area) lies in the
     * 湖南路 and 天平路 sub-districts; 徐家汇 and 枫林 are sub-districts of their own. */
    const char *core[] = {"徐家汇街道", "湖南路街道", "天平路街道", "枫林路街道", NULL};
    GEOSGeometry *yihe = xuhui_units(core);
    snprintf(prov, sizeof prov,
             "sub-districts: union of 徐家汇街道, 湖南路街道 and 天平路街道 (衡复 = 衡山路-复兴路 area) and 枫林路街道 from %s. "
             "The plan (003 三) names the areas, not their limits: whole sub-districts may over-state the core. error ~60 m (outlines)", SUB);
    {
        const char *p[] = {"id", "yihe", "name", "徐家汇-衡复-枫林创新核", "group", "一核", "provenance", prov, NULL};
        fc_add(&el, yihe, 60, p);
    }

    /* 两极: 徐汇滨江. The reference outline sector_xuhuibinjiang is the 9.4 km²
     * whole-area version (南延至关港); the 7.4 km² planning scope ends at 徐浦大桥,
     * i.e. the outer ring S20, so the outline is cut there. */
    GEOSGeometry *bj = NULL;
    json_object *feats = jget(sectors, "features");
    for (size_t i = 0; i < json_object_array_length(feats) && !bj; i++) {
        json_object *f = json_object_array_get_idx(feats, i);
        const char *id = json_object_get_string(jget(jget(f, "properties"), "id"));
        if (!id || strcmp(id, "sector_xuhuibinjiang")) continue;
        const char *js = json_object_to_json_string_ext(jget(f, "geometry"), JSON_C_TO_STRING_PLAIN);
        GEOSGeoJSONReader *r = GEOSGeoJSONReader_create_r(H);
        bj = chk(GEOSGeoJSONReader_readGeometry_r(H, r, js), "read sector geometry");
        GEOSGeoJSONReader_destroy_r(H, r);
    }
    if (!bj) die(park_error(C, PARK_ERR_INPUT, "%s/sectors-reviewed.wgs84.json: no feature sector_xuhuibinjiang", DATA));
    double bj_all = km2(bj);
    GEOSGeometry *bjv = chk(GEOSMakeValid_r(H, bj), "make valid");
    GEOSGeometry *bjd = polygons_only(intersection(bjv, district));
    GEOSGeometry *binjiang = north_of_s20(bjd, net);
    snprintf(prov, sizeof prov,
             "reference outline: sector_xuhuibinjiang of sectors-reviewed.wgs84.json (luiszengii/shanghai-property-sector-map, user-reviewed, drawn in GCJ-02 and converted; no licence stated, cited as reference), "
             "the 9.4 km2 whole-area version (%.2f km2 as drawn, 南延至关港), cut at 徐浦大桥 (outer ring S20, OSM) to the 7.4 km2 planning scope 北起日晖港、南至徐浦大桥, and clipped to the Xuhui outline. "
             "Official: 7.4 km2 (planning scope) / 9.4 km2 (whole area). error ~100 m", bj_all);
    {
        const char *p[] = {"id", "liangji-binjiang", "name", "徐汇滨江", "group", "两极", "provenance", prov, NULL};
        fc_add(&el, binjiang, 100, p);
    }
    GEOSGeom_destroy_r(H, bj), GEOSGeom_destroy_r(H, bjv), GEOSGeom_destroy_r(H, bjd);

    /* 两极: 漕河泾开发区 - its own polygon in the sub-district file. */
    char *kname = NULL;
    GEOSGeometry *chj = ogr_polygon("xuhui/xuhui-subdistricts.shp", "name", "漕河泾新兴技术开发区", &kname);
    snprintf(prov, sizeof prov,
             "polygon: 漕河泾新兴技术开发区 (the Xuhui part of the development zone) from %s. error ~60 m", SUB);
    {
        const char *p[] = {"id", "liangji-caohejing", "name", "漕河泾开发区", "group", "两极", "provenance", prov, NULL};
        fc_add(&el, chj, 60, p);
    }
    free(kname);

    /* 三带. Belts are corridors around an axis (buffers in EPSG:4549), clipped to
     * the district. The plan gives no widths: the half-widths are a
     * representation choice, stated in each provenance. */
    GEOSGeometry *river = huangpu_course(district);

    /* 徐汇滨江卓越创新示范带: along the river, 日晖港 to the district's southern
     * tip, within 1 km of the course (land ~0.8 km deep: up to 龙吴路 in the south). */
    GEOSGeometry *b1 = belt(river, 1000, district);
    snprintf(prov, sizeof prov,
             "corridor: within 1000 m of the Huangpu course (Xuhui outline's river edge facing 浦东, from 日晖港 south to where 闵行 浦江镇 faces Xuhui, ~0.9 km short of the southern tip, which the corridor still reaches), clipped to the Xuhui outline (%s). "
             "The outline runs in the channel, so ~0.2 km of water is included along the shore (mean 175 m against the shore of the 徐汇滨江 reference outline). error ~500 m (width is a representation choice)", SUB);
    {
        const char *p[] = {"id", "sandai-binjiang", "name", "徐汇滨江卓越创新示范带", "group", "三带", "provenance", prov, NULL};
        fc_add(&el, b1, 500, p);
    }

    /* 漕河泾-华泾创新创业示范带: from the 开发区 to 华泾 (北杨人工智能小镇, 华之门),
     * through 华东理工大学 (凌云路): axis 开发区 -> 华东理工大学 station -> 华泾镇. */
    const char *hj_names[] = {"华泾镇", NULL};
    GEOSGeometry *hj = xuhui_units(hj_names);
    GEOSGeometry *kp = point_on(chj = ogr_polygon("xuhui/xuhui-subdistricts.shp", "name", "漕河泾新兴技术开发区", NULL));
    GEOSGeometry *hp = point_on(hj);
    double kx, ky, hx, hy;
    GEOSGeomGetX_r(H, kp, &kx), GEOSGeomGetY_r(H, kp, &ky), GEOSGeomGetX_r(H, hp, &hx), GEOSGeomGetY_r(H, hp, &hy);
    double a2[] = {kx, ky, 121.424118, 31.146113 /* 华东理工大学 station, OSM */, hx, hy};
    GEOSGeometry *axis2 = linestring(a2, 3);
    GEOSGeometry *b2 = belt(axis2, 750, district);
    snprintf(prov, sizeof prov,
             "corridor: within 750 m of the axis 漕河泾开发区 (point on its polygon) -> 华东理工大学 station (OSM) -> 华泾镇 (point on its outline), clipped to the Xuhui outline (%s). "
             "error ~500 m (axis and width are a representation choice: the plan names the ends and projects, 北杨人工智能小镇 and 华之门 in 华泾)", SUB);
    {
        const char *p[] = {"id", "sandai-caohejing-huajing", "name", "漕河泾-华泾创新创业示范带", "group", "三带", "provenance", prov, NULL};
        fc_add(&el, b2, 500, p);
    }

    /* 徐汇中轴转型发展示范带: 龙吴路沿线、南站周边. Axis: 漕溪路-沪闵路 from 徐家汇
     * to 上海南站 (OSM 沪闵高架路 and stations) plus 龙吴路 (OSM piece named 龙吴路)
     * through Xuhui. */
    const char *lw[] = {"龙吴路", NULL}, *hm[] = {"沪闵高架路", NULL};
    GEOSGeometry *longwu_pieces = network_lines(net, "elevatedRoads", "name", lw);
    GEOSGeometry *longwu = north_to_south_chain(longwu_pieces, district);
    GEOSGeom_destroy_r(H, longwu_pieces);
    GEOSGeometry *humin = network_lines(net, "elevatedRoads", "name", hm);
    GEOSGeometry *spine_box = polygon((const double[]){121.40, 31.1568, 121.47, 31.1568, 121.47, 31.1963, 121.40, 31.1963}, 4); /* 南站 to 徐家汇 */
    GEOSGeometry *humin_c = intersection(humin, spine_box);
    GEOSGeometry *longwu_c = GEOSGeom_clone_r(H, longwu);
    /* 徐家汇 station (OSM) joined to the nearest point of the elevated road, which starts ~1 km south of it */
    GEOSGeometry *xjh = point(121.432545, 31.196294);
    GEOSCoordSequence *np = GEOSNearestPoints_r(H, xjh, humin_c);
    if (!np) die(park_geos_fail(C, "nearest points"));
    double link[4];
    GEOSCoordSeq_getXY_r(H, np, 0, &link[0], &link[1]);
    GEOSCoordSeq_getXY_r(H, np, 1, &link[2], &link[3]);
    GEOSCoordSeq_destroy_r(H, np);
    GEOSGeom_destroy_r(H, xjh);
    GEOSGeometry *parts[3] = {humin_c, longwu_c, linestring(link, 2)};
    GEOSGeometry *coll = chk(GEOSGeom_createCollection_r(H, GEOS_GEOMETRYCOLLECTION, parts, 3), "collection");
    GEOSGeometry *b3 = belt(coll, 500, district);
    snprintf(prov, sizeof prov,
             "corridor: within 500 m of the 漕溪路-沪闵路 spine from 徐家汇 to 上海南站 (OSM 沪闵高架路, stations) and of 龙吴路 through Xuhui (the OSM pieces named 龙吴路, chained north to south by straight segments), clipped to the Xuhui outline (%s). "
             "error ~500 m (width is a representation choice; the plan names 龙吴路沿线、南站周边)", SUB);
    {
        const char *p[] = {"id", "sandai-zhongzhou", "name", "徐汇中轴转型发展示范带", "group", "三带", "provenance", prov, NULL};
        fc_add(&el, b3, 500, p);
    }
    fc_end(&el);

    /* companion: the river and the belt axes */
    {
        const char *p[] = {"id", "huangpu", "name", "黄浦江", "group", "河流",
                           "provenance", "derived: the river edge of the Xuhui outline (union of the sub-districts): the part within 400 m of the 浦东新区 outline (DataV, GCJ-02 converted to WGS84), from 日晖港 south to where 闵行 浦江镇 faces Xuhui across the river (the last ~0.9 km to the southern tip is not included); the administrative line runs in the channel. error ~250 m from the channel centre, up to ~400 m at the ends",
                           NULL};
        fc_add(&ax, GEOSGeom_clone_r(H, river), 250, p);
    }
    {
        const char *p[] = {"id", "axis-sandai-caohejing-huajing", "name", "漕河泾-华泾创新创业示范带轴线", "group", "轴线",
                           "provenance", "axis: 漕河泾开发区 -> 华东理工大学 station -> 华泾镇 (representation choice)", NULL};
        fc_add(&ax, axis2, 500, p);
    }
    {
        GEOSGeometry *ml = chk(GEOSGeom_clone_r(H, coll), "axis");
        GEOSGeometry *mm = merge_lines(ml);
        GEOSGeometry *out = mm;
        const char *p[] = {"id", "axis-sandai-zhongzhou", "name", "徐汇中轴转型发展示范带轴线", "group", "轴线",
                           "provenance", "osm: 沪闵高架路 (徐家汇 to 上海南站, joined to 徐家汇 station) and 龙吴路 pieces of osm-metro-network.wgs84.json elevatedRoads, clipped to Xuhui",
                           "credit", OSM_CREDIT, NULL};
        fc_add(&ax, out, 20, p);
    }
    fc_end(&ax);

    GEOSGeom_destroy_r(H, river), GEOSGeom_destroy_r(H, hj), GEOSGeom_destroy_r(H, kp), GEOSGeom_destroy_r(H, hp);
    GEOSGeom_destroy_r(H, chj), GEOSGeom_destroy_r(H, longwu), GEOSGeom_destroy_r(H, humin), GEOSGeom_destroy_r(H, spine_box);
    GEOSGeom_destroy_r(H, coll);
    GEOSGeom_destroy_r(H, district);
    json_object_put(net), json_object_put(sectors);
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *f) {
    fprintf(f, "usage: build_layouts [--data DIR] [--out DIR]\n"
               "  Rebuilds the derived layout geometry (geodata/layouts/*.geojson) from the source data.\n"
               "  --data DIR  source data (default $PARKGIS_SHARED_DATA, else <geodata>/../../shared/data)\n"
               "  --out DIR   output directory (default <geodata>/layouts)\n");
}

int main(int argc, char **argv) {
    static struct option opts[] = {{"data", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    char *data = NULL, *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
        if (c == 'd') data = park_strdup(optarg);
        else if (c == 'o') out = park_strdup(optarg);
        else if (c == 'h') return usage(stdout), 0;
        else return usage(stderr), PARK_ERR_USAGE;
    }
    C = park_ctx_new();
    H = park_ctx_geos(C);
    if (!data) data = getenv("PARKGIS_SHARED_DATA") ? park_strdup(getenv("PARKGIS_SHARED_DATA")) : park_asprintf("%s/../../shared/data", park_default_data_dir());
    if (!out) out = park_strdup(park_layout_default_dir());
    DATA = data, OUT = out;
    CPLPushErrorHandler(CPLQuietErrorHandler);

    GEOSGeometry *baoshan = read_district_gcj("districts/310113-baoshan.gcj02.json", "宝山区");
    build_metro(baoshan);
    build_wusong(baoshan);
    GEOSGeom_destroy_r(H, baoshan);
    build_xuhui();

    CPLPopErrorHandler();
    free(data), free(out);
    park_ctx_free(C);
    return 0;
}
