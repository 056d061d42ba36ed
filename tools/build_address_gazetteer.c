/* build_address_gazetteer.c - rebuilds what the address resolver (issue 5) uses
 * beyond the 四至 gazetteer, from the public source data in ../shared/data:
 *   geodata/gazetteer-address/admin/towns.geojson      区/镇 polygons
 *   geodata/gazetteer-address/points/stations.geojson  metro stations in and near 宝山区
 * Same inputs -> byte-identical output.
 *
 * What exists in the sources (../shared/data/README.md):
 *  - 宝山区: districts/310113-baoshan.gcj02.json (DataV GeoAtlas, Amap-derived,
 *    GCJ-02), converted vertex by vertex to WGS84 with park_datum_to_wgs84.
 *  - 顾村镇, 杨行镇: sectors-reviewed.wgs84.json, the two "market sectors" whose
 *    boundaryBasis says they are drawn on the town's administrative relation
 *    (顾村 "以同名顾村镇固定行政关系作为低置信、可编辑骨架", 杨行 likewise). The other
 *    Baoshan sectors there (共康, 上大, 大华) are market areas, not 镇/街道, and are
 *    not used. No other Baoshan 镇/街道 has geometry in the sources.
 * Output: a polygon layer readable by park_layer_read (fields id, name) plus
 * aliases, kind (district|town), provenance, method, error_m.
 *
 * Stations: osm-metro-stations.json (OSM via Overpass, ODbL), every station within
 * STATION_MARGIN_M of the 宝山区 polygon above; a station served by several lines is
 * one point (the mean of its entries when they are within 300 m, else one point per
 * line). Points: name "上大路站", aliases, lines, provenance osm, error_m.
 *
 * The address index (issue 10): see address_index() below. It is built from every
 * address row (the shipped index); with --exclude-holdout, from every row except the
 * evaluation's hold-out (tools/address_holdout.h), the index tests/integration/
 * address_eval.sh measures the lookup on. */
#include <getopt.h>
#include <json-c/json.h>
#include <gdal.h>
#include <ogr_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>

#include "internal.h"
#include "address_holdout.h"
#include "parkgis_compile.h"
#include "parkgis_sources.h"

typedef struct unit {
    const char *id, *name, *aliases, *kind, *source_name; /* source_name: feature name in the source */
    const char *file;                                     /* relative to --data */
    int gcj02;
    double error_m;
    const char *method;
} unit;

static const unit UNITS[] = {
    {"baoshan", "宝山区", "宝山", "district", "宝山区", "districts/310113-baoshan.gcj02.json", 1, 60,
     "DataV GeoAtlas district boundary (Amap-derived, simplified), GCJ-02 converted to WGS84 with park_datum_to_wgs84 "
     "(exact iterative inverse); error from the vertex spacing"},
    {"gucun", "顾村镇", "顾村", "town", "顾村", "sectors-reviewed.wgs84.json", 0, 150,
     "sectors-reviewed.wgs84.json sector 顾村, drawn in a GCJ-02 map editor on the OSM 顾村镇 administrative relation "
     "and converted to WGS84 by its authors; the source calls it a low-confidence skeleton of the town (about 41.6 km2)"},
    {"yanghang", "杨行镇", "杨行", "town", "杨行", "sectors-reviewed.wgs84.json", 0, 150,
     "sectors-reviewed.wgs84.json sector 杨行, drawn in a GCJ-02 map editor on the OSM 杨行镇 administrative relation "
     "and converted to WGS84 by its authors; the source calls it a low-confidence skeleton of the town (about 39.3 km2)"},
};

/* Converts every vertex of g (polygon or multipolygon) from GCJ-02 to WGS84. */
static park_status to_wgs84(park_ctx *ctx, OGRGeometryH g) {
    int n = OGR_G_GetGeometryCount(g);
    if (n > 0) {
        for (int i = 0; i < n; i++) {
            park_status st = to_wgs84(ctx, OGR_G_GetGeometryRef(g, i));
            if (st) return st;
        }
        return PARK_OK;
    }
    for (int i = 0; i < OGR_G_GetPointCount(g); i++) {
        double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i), wx, wy;
        park_status st = park_datum_to_wgs84(ctx, PARK_DATUM_GCJ02, x, y, &wx, &wy);
        if (st) return st;
        OGR_G_SetPoint_2D(g, i, wx, wy);
    }
    return PARK_OK;
}

#define STATION_MARGIN_M 3000.0
#define LOCAL_CRS "+proj=tmerc +lat_0=31.35 +lon_0=121.45 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"

typedef struct station {
    char *name, *lines;
    double lon, lat;
    int n;
} station;

static int station_cmp(const void *a, const void *b) {
    const station *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    return x->lon < y->lon ? -1 : x->lon > y->lon;
}

/* The stations near 宝山区 (the district polygon in metres, grown by the margin). */
static park_status stations(park_ctx *ctx, const char *data, OGRGeometryH district_ll, const char *out_path) {
    char *path = park_asprintf("%s/osm-metro-stations.json", data);
    json_object *root = json_object_from_file(path);
    if (!root || !json_object_is_type(root, json_type_object)) {
        park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot read (expected an object of stations: name, line, lat, lng)", path);
        if (root) json_object_put(root);
        free(path);
        return st;
    }
    /* the district, grown, in a local metric plane */
    char *wkt = NULL;
    OGR_G_ExportToWkt(district_ll, &wkt);
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    GEOSGeometry *dll = park_geom_from_wkt(ctx, wkt), *dm = NULL;
    CPLFree(wkt);
    park_status st = dll ? park_transform(ctx, dll, "EPSG:4326", LOCAL_CRS, &dm) : PARK_ERR_INTERNAL;
    GEOSGeometry *grown = dm ? GEOSBuffer_r(g, dm, STATION_MARGIN_M, 8) : NULL;
    if (!grown && !st) st = park_geos_fail(ctx, "growing the district");
    station *sv = NULL;
    size_t n = 0;
    json_object_object_foreach(root, code, obj) {
        (void)code;
        json_object *jn, *jl, *jx, *jy;
        if (st || !json_object_object_get_ex(obj, "name", &jn) || !json_object_object_get_ex(obj, "line", &jl) ||
            !json_object_object_get_ex(obj, "lng", &jx) || !json_object_object_get_ex(obj, "lat", &jy))
            continue;
        double lon = json_object_get_double(jx), lat = json_object_get_double(jy), x = lon, y = lat;
        if (park_transform_xy(ctx, "EPSG:4326", LOCAL_CRS, &x, &y)) continue;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
        char in = pt ? GEOSIntersects_r(g, grown, pt) : 0;
        if (pt) GEOSGeom_destroy_r(g, pt);
        if (in != 1) continue;
        station *t = realloc(sv, (n + 1) * sizeof *t);
        if (!t) break;
        sv = t;
        sv[n++] = (station){park_strdup(json_object_get_string(jn)), park_strdup(json_object_get_string(jl)), lon, lat, 1};
    }
    /* merge the entries of one interchange (same name, within 300 m) */
    qsort(sv, n, sizeof *sv, station_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (m > 0 && !strcmp(sv[m - 1].name, sv[i].name) &&
            park_geodesic_distance(ctx, sv[m - 1].lon / sv[m - 1].n, sv[m - 1].lat / sv[m - 1].n, sv[i].lon, sv[i].lat) < 300) {
            station *d = &sv[m - 1];
            if (!strstr(d->lines, sv[i].lines)) {
                char *l = park_asprintf("%s;%s", d->lines, sv[i].lines);
                free(d->lines), d->lines = l;
            }
            d->lon += sv[i].lon, d->lat += sv[i].lat, d->n++;
            free(sv[i].name), free(sv[i].lines);
            continue;
        }
        sv[m++] = sv[i];
    }
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "{\"type\":\"FeatureCollection\",\"name\":\"stations\",\"features\":[\n");
    for (size_t i = 0; i < m; i++) {
        char *nm = park_asprintf("%s站", sv[i].name);
        char *al = park_asprintf("%s地铁站;%s轨交站", sv[i].name, sv[i].name);
        park_buf_append(&b, i ? ",\n" : "");
        park_buf_append(&b, "{\"type\":\"Feature\",\"properties\":{\"name\":");
        park_json_escape(&b, nm);
        park_buf_append(&b, ",\"aliases\":");
        park_json_escape(&b, al);
        park_buf_append(&b, ",\"lines\":");
        park_json_escape(&b, sv[i].lines);
        park_buf_printf(&b, ",\"kind\":\"station\",\"provenance\":\"osm\",\"method\":\"OSM station node (osm-metro-stations.json, "
                            "Overpass; ODbL)%s\",\"error_m\":30},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}}",
                        sv[i].n > 1 ? ", mean of its lines' nodes" : "", sv[i].lon / sv[i].n, sv[i].lat / sv[i].n);
        free(nm), free(al);
    }
    park_buf_append(&b, "\n]}\n");
    if (!st) {
        park_atomic a;
        st = park_atomic_open(ctx, &a, out_path, true);
        if (!st) {
            fwrite(b.s, 1, b.len, a.f);
            st = park_atomic_commit(ctx, &a);
        }
    }
    if (!st) printf("wrote %s (%zu stations)\n", out_path, m);
    park_buf_free(&b);
    for (size_t i = 0; i < m; i++) free(sv[i].name), free(sv[i].lines);
    free(sv);
    if (grown) GEOSGeom_destroy_r(g, grown);
    if (dm) GEOSGeom_destroy_r(g, dm);
    if (dll) GEOSGeom_destroy_r(g, dll);
    json_object_put(root);
    free(path);
    return st;
}

/* The sources are a FeatureCollection (sectors) or a bare array of features
 * (DataV), so they are read with json-c and each geometry handed to OGR. */
static park_status one(park_ctx *ctx, const char *data, const unit *u, park_buf *out, bool first, OGRGeometryH *keep) {
    char *path = park_asprintf("%s/%s", data, u->file);
    json_object *root = json_object_from_file(path);
    if (!root) {
        park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot read as JSON (expected the shared source data, see ../shared/data/README.md)", path);
        free(path);
        return st;
    }
    json_object *feats = root, *geom = NULL;
    if (json_object_is_type(root, json_type_object)) json_object_object_get_ex(root, "features", &feats);
    size_t n = feats && json_object_is_type(feats, json_type_array) ? json_object_array_length(feats) : 0;
    for (size_t i = 0; i < n && !geom; i++) {
        json_object *f = json_object_array_get_idx(feats, i), *props, *name;
        if (json_object_object_get_ex(f, "properties", &props) && json_object_object_get_ex(props, "name", &name) &&
            !strcmp(json_object_get_string(name), u->source_name))
            json_object_object_get_ex(f, "geometry", &geom);
    }
    park_status st = PARK_OK;
    OGRGeometryH g = geom ? OGR_G_CreateGeometryFromJson(json_object_to_json_string(geom)) : NULL;
    if (!g) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: no polygon feature named '%s' (expected it, see ../shared/data/README.md)", path, u->source_name);
    } else {
        OGR_G_FlattenTo2D(g);
        if (u->gcj02) st = to_wgs84(ctx, g);
        if (!st) {
            char **opts = CSLSetNameValue(NULL, "COORDINATE_PRECISION", "7");
            char *gj = OGR_G_ExportToJsonEx(g, opts);
            CSLDestroy(opts);
            park_buf_append(out, first ? "" : ",\n");
            park_buf_append(out, "{\"type\":\"Feature\",\"properties\":{\"id\":");
            park_json_escape(out, u->id);
            park_buf_append(out, ",\"name\":");
            park_json_escape(out, u->name);
            park_buf_append(out, ",\"aliases\":");
            park_json_escape(out, u->aliases);
            park_buf_append(out, ",\"kind\":");
            park_json_escape(out, u->kind);
            park_buf_append(out, ",\"provenance\":\"approximate\",\"method\":");
            char *m = park_asprintf("%s (source: ../shared/data/%s)", u->method, u->file);
            park_json_escape(out, m);
            free(m);
            park_buf_printf(out, ",\"error_m\":%g},\"geometry\":%s}", u->error_m, gj ? gj : "null");
            CPLFree(gj);
        }
        if (keep && !*keep) *keep = g;
        else OGR_G_DestroyGeometry(g);
    }
    json_object_put(root);
    free(path);
    return st;
}


/* ------------------------------------------------------------------ the address index (issue 10) */

/* --exclude-holdout: leave out the rows of the evaluation's hold-out (address_holdout.h) */
static int exclude_holdout = 0;
/* --cv-fold K:k (with --exclude-holdout): also leave out the training rows of cross-validation
 * fold k of K (address_holdout.h, addr_cv_fold), the index eval_address --cv evaluates fold k on */
static int cv_k = 0, cv_fold = -1;
static int row_held(const char *key) {
    if (!exclude_holdout) return 0;
    return addr_is_holdout(key) || (cv_k > 0 && addr_cv_fold(key, cv_k) == cv_fold);
}
static bool point_excluded(const park_address_point *p) { return row_held(p ? p->address : ""); }
static bool point_never_held(const park_address_point *p) { (void)p; return false; }

/* Written to OUT/index/ (see geodata/gazetteer-address/README.md):
 *   houses.geojson  one point per known house number (号 or 弄) on a road, from the
 *                   address points (with --exclude-holdout: those NOT held back,
 *                   address_holdout.h), whose
 *                   point is not a geocoder fall-back shared by many addresses and
 *                   whose geocoders (where two placed it) agree within 300 m; error_m =
 *                   half their disagreement (at least 15 m), else the median disagreement;
 *   places.geojson  named places: OSM POI areas, industrial/commercial and green land
 *                   use, OSM place nodes (in or within PLACE_MARGIN_DEG of 宝山区), and the
 *                   compound/estate names the address points carry (not held back ones with
 *                   --exclude-holdout).
 * A name that appears at places more than 1 km apart is ambiguous and left out (counted). */
#define PLACE_MARGIN_DEG 0.01
/* A row whose two geocoders disagree by 300..WEAK_MAX_M is not a position, but one of
 * them is likely on the right road: it is kept as a known number, error_m = the whole
 * disagreement, for a road that has no other known number and no course in the 四至
 * gazetteer (there the road's own answer, shares of its length, stands) (issue 10; in the training
 * rows such a point lies a median 442 m from the nearest trusted number within 30 of
 * it on its road, 12 rows). */
#define WEAK_MAX_M 1000.0
/* A single-source geocoder point has no measured disagreement: it gets the median of the
 * measured ones (computed below, written into each feature's method). */

typedef struct house {
    char *road, *unit, *address, *sources;
    long number;
    double lon, lat, sigma_m;
    int n_sources, trusted, spike;
} house;

/* An entry lying off the road its neighbours in number order run along (issue 10): with
 * a the best-placed entry of the next lower known number of its road and b of the next
 * higher one, the entry i is a spike when the detour a -> i -> b is more than twice the
 * direct a -> b and longer than it by SPIKE_M (so i lies some 500 m or more off the line
 * between its neighbours): one geocoder's misplaced guess, not the road's course. It would
 * drag every number between a and b towards it; it is left out (counted). */
#define SPIKE_M 1000.0
static size_t mark_spikes(park_ctx *ctx, house *hv, size_t nh) {
    size_t n = 0;
    for (size_t s = 0, e; s < nh; s = e) {
        for (e = s; e < nh && !strcmp(hv[e].road, hv[s].road); e++) {}
        for (size_t i = s; i < e; i++) {
            long lo = -1, hi = -1; /* the best entries of the next lower and higher number */
            for (size_t k = s; k < e; k++) {
                if (hv[k].number < hv[i].number && (lo < 0 || hv[k].number > hv[lo].number ||
                                                    (hv[k].number == hv[lo].number && hv[k].sigma_m < hv[lo].sigma_m)))
                    lo = (long)k;
                if (hv[k].number > hv[i].number && (hi < 0 || hv[k].number < hv[hi].number ||
                                                    (hv[k].number == hv[hi].number && hv[k].sigma_m < hv[hi].sigma_m)))
                    hi = (long)k;
            }
            if (lo < 0 || hi < 0) continue;
            double ab = park_geodesic_distance(ctx, hv[lo].lon, hv[lo].lat, hv[hi].lon, hv[hi].lat);
            double ai = park_geodesic_distance(ctx, hv[lo].lon, hv[lo].lat, hv[i].lon, hv[i].lat);
            double ib = park_geodesic_distance(ctx, hv[i].lon, hv[i].lat, hv[hi].lon, hv[hi].lat);
            if (ai + ib > 2 * ab && ai + ib - ab > SPIKE_M) hv[i].spike = 1, n++;
        }
    }
    return n;
}
typedef struct place {
    char *name, *kind, *method, *geom; /* geom: GeoJSON text */
    double lon, lat, error_m;          /* a representative point (for the ambiguity test) */
    int drop;
} place;

static int house_cmp(const void *a, const void *b) {
    const house *x = a, *y = b;
    int c = strcmp(x->road, y->road);
    if (c) return c;
    if (x->number != y->number) return x->number < y->number ? -1 : 1;
    c = strcmp(x->unit, y->unit);
    return c ? c : strcmp(x->address, y->address);
}
static int place_cmp(const void *a, const void *b) {
    const place *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c) return c;
    c = strcmp(x->kind, y->kind);
    if (c) return c;
    if (x->lon != y->lon) return x->lon < y->lon ? -1 : 1;
    return x->lat < y->lat ? -1 : x->lat > y->lat;
}
static int dbl_cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void place_add(place **pv, size_t *n, const char *name, const char *kind, const char *method, char *geom, double lon,
                      double lat, double err) {
    place *t = realloc(*pv, (*n + 1) * sizeof *t);
    if (!t) return;
    *pv = t;
    t[(*n)++] = (place){park_strdup(name), park_strdup(kind), park_strdup(method), geom, lon, lat, err, 0};
}

/* A name worth indexing: at least two CJK characters (three bytes each), not a generic word. */
static bool place_name_ok(const char *s) {
    static const char *const GENERIC[] = {"停车场", "草坪", "广场", "小区绿地", "宅间绿地", "中心绿地", "社区公园", "舞台",
                                          "其他", "市场", "菜场", "公园", "绿地", "学校", "医院", "小学运动场地"};
    size_t l = strlen(s);
    if (l < 6) return false;
    /* a road name is not a place ("上海宝山区泰和西路"): the road index answers those */
    /* ... nor a district ("宝山区"), but a part of an estate or campus is ("宝祁雅苑北区", "XX小区"); not
     * "XX园区", which may be a park's own name (宝山工业园区: the park answer, not an OSM node) */
    static const char *const PART[] = {"东区", "西区", "南区", "北区", "中区", "小区", "校区", "社区", NULL};
    bool part = false;
    for (int i = 0; PART[i] && !part; i++) part = l > 6 + 6 && !strcmp(s + l - 6, PART[i]);
    if (!strcmp(s + l - 3, "路") || !strcmp(s + l - 3, "街") || (!strcmp(s + l - 3, "区") && !part) || !strcmp(s + l - 3, "镇") ||
        !strcmp(s + l - 3, "市") || (l >= 6 && !strcmp(s + l - 6, "街道")) || strstr(s, "东侧") || strstr(s, "西侧") || strstr(s, "附近"))
        return false;
    for (size_t i = 0; i < sizeof GENERIC / sizeof GENERIC[0]; i++)
        if (!strcmp(s, GENERIC[i])) return false;
    return true;
}

/* Names from an address point: a row with no road is itself a place ("淞南三村",
 * "大场镇晶悦都汇" -> also "晶悦都汇"); the words after the number ("城银路555弄绿地领海")
 * and a charging station's "(绿地领海)" name the estate at that point. */
static void places_from_row(park_ctx *ctx, const addr_row *r, const park_address *a, double err, place **pv, size_t *n) {
    char m[256];
    snprintf(m, sizeof m, "address point %s (%s)", r->key, r->sources);
    if (!a || (!a->road[0] && !a->number[0] && !a->lane[0])) {
        const char *name = r->key;
        /* the town prefix the lists write first */
        const char *p = strstr(name, "街道");
        if (p && p - name <= 12) name = p + strlen("街道");
        else if ((p = strstr(name, "镇")) && p - name <= 9) name = p + strlen("镇");
        char *nm = park_address_normalize(name);
        char *cut = strpbrk(nm, "(0123456789"); /* "海江新村33-66", "鹏程花苑(1-47)": the estate, not its blocks */
        if (cut) *cut = 0;
        if (place_name_ok(nm))
            place_add(pv, n, nm, "estate", m, park_asprintf("{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}", r->lon, r->lat),
                      r->lon, r->lat, err);
        free(nm);
        return;
    }
    if (a->rest[0]) {
        char *nm = park_strdup(a->rest);
        char *cut = strpbrk(nm, "(,0123456789");
        if (cut) *cut = 0;
        size_t l = strlen(nm);
        if (l >= 3 && !strcmp(nm + l - 3, "内")) nm[l - 3] = 0;
        if (place_name_ok(nm))
            place_add(pv, n, nm, "estate", m, park_asprintf("{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}", r->lon, r->lat),
                      r->lon, r->lat, err);
        free(nm);
    }
    for (const char *p = r->names; (p = strstr(p, "(")) != NULL;) {
        const char *e = strstr(p, ")");
        if (!e) break;
        char *nm = park_strndup(p + 1, (size_t)(e - p - 1));
        if (place_name_ok(nm) && !strchr(nm, '(') && !strstr(nm, "停车场") && !strstr(nm, "店"))
            place_add(pv, n, nm, "estate", m, park_asprintf("{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}", r->lon, r->lat),
                      r->lon, r->lat, err);
        free(nm);
        p = e;
    }
    (void)ctx;
}

/* Named features of an OGR layer in (or near) the district: polygons and points. */
static park_status places_from_ogr(park_ctx *ctx, const char *path, const char *method, OGRGeometryH district, place **pv,
                                   size_t *n, double err) {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (expected the shared OSM layers, see ../shared/data/README.md)", path);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int fn = OGR_FD_GetFieldIndex(defn, "name"), fc = OGR_FD_GetFieldIndex(defn, "fclass"), fo = OGR_FD_GetFieldIndex(defn, "osm_id");
    if (fn < 0) {
        GDALClose(ds);
        return park_error(ctx, PARK_ERR_INPUT, "%s: no 'name' field (expected OSM layers with osm_id, fclass, name)", path);
    }
    OGRGeometryH grown = OGR_G_Buffer(district, PLACE_MARGIN_DEG, 8);
    OGREnvelope env;
    OGR_G_GetEnvelope(grown, &env);
    OGR_L_SetSpatialFilterRect(lyr, env.MinX, env.MinY, env.MaxX, env.MaxY);
    char **opts = CSLSetNameValue(NULL, "COORDINATE_PRECISION", "6");
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        const char *name = OGR_F_GetFieldAsString(f, fn);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g && name && *name && OGR_G_Intersects(grown, g)) {
            char *nm = park_address_normalize(name);
            OGRGeometryH ps = place_name_ok(nm) ? OGR_G_PointOnSurface(g) : NULL;
            if (ps) {
                char *gj = OGR_G_ExportToJsonEx(g, opts);
                char m[256];
                snprintf(m, sizeof m, "%s, OSM %s %s", method, fc >= 0 ? OGR_F_GetFieldAsString(f, fc) : "feature",
                         fo >= 0 ? OGR_F_GetFieldAsString(f, fo) : "");
                place_add(pv, n, nm, fc >= 0 ? OGR_F_GetFieldAsString(f, fc) : "place", m, park_strdup(gj ? gj : "null"),
                          OGR_G_GetX(ps, 0), OGR_G_GetY(ps, 0), err);
                CPLFree(gj);
                OGR_G_DestroyGeometry(ps);
            }
            free(nm);
        }
        OGR_F_Destroy(f);
    }
    CSLDestroy(opts);
    OGR_G_DestroyGeometry(grown);
    GDALClose(ds);
    return PARK_OK;
}

static park_status write_text(park_ctx *ctx, const char *path, const park_buf *b) {
    park_atomic a;
    park_status st = park_atomic_open(ctx, &a, path, true);
    if (!st) {
        if (fwrite(b->s, 1, b->len, a.f) != b->len) {
            park_atomic_abort(&a);
            return park_error(ctx, PARK_ERR_OUTPUT, "%s: write failed", path);
        }
        st = park_atomic_commit(ctx, &a);
    }
    return st;
}

/* Whether the 四至 gazetteer has a feature of this road's name or alias (by the
 * parser's normalisation, park_address_normalize). */
static bool gz_has_road(const park_gazetteer *gz, const char *road) {
    char *key = park_address_normalize(road);
    bool hit = false;
    for (size_t k = 0; gz && key && k < park_gazetteer_count(gz) && !hit; k++) {
        const park_feature *f = park_gazetteer_get(gz, k);
        char *fk = park_address_normalize(f->name);
        hit = fk && !strcmp(fk, key);
        free(fk);
        for (const char *p = f->aliases; !hit && p && *p;) {
            const char *e = strchr(p, ';');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char *one = park_strndup(p, len), *ak = one ? park_address_normalize(one) : NULL;
            hit = ak && *ak && !strcmp(ak, key);
            free(one), free(ak);
            p += len + (e ? 1 : 0);
        }
    }
    free(key);
    return hit;
}

static park_status address_index(park_ctx *ctx, const char *data, const park_gazetteer *gz, OGRGeometryH district, const char *out) {
    char *path = park_asprintf("%s/address-points/baoshan-address-points.wgs84.tsv", data);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (expected the address points, see ../shared/data/README.md)", path);
        free(path);
        return st;
    }
    house *hv = NULL, *wv = NULL; /* wv: the weak rows (WEAK_MAX_M) */
    size_t nw = 0;
    place *pv = NULL;
    size_t nh = 0, np = 0, rows = 0, held = 0, shared = 0, nodis = 0, far = 0;
    char line[8192];
    double *dis = NULL;
    size_t ndis = 0;
    park_status st = PARK_OK;
    /* pass 1: the median disagreement of the rows two geocoders placed (with --exclude-holdout: not held back) */
    long ln = 0;
    while (fgets(line, sizeof line, fp)) {
        addr_row r;
        if (ln++ == 0) continue;
        if (!addr_row_split(line, &r)) continue;
        if (row_held(r.key) || isnan(r.disagree_m)) continue;
        double *t = realloc(dis, (ndis + 1) * sizeof *t);
        if (t) dis = t, dis[ndis++] = r.disagree_m;
    }
    qsort(dis, ndis, sizeof *dis, dbl_cmp);
    double single_sigma = ndis ? dis[ndis / 2] : 100;
    free(dis);
    rewind(fp);
    ln = 0;
    while (!st && fgets(line, sizeof line, fp)) {
        ln++;
        if (ln == 1) {
            if (strncmp(line, "address_key\troad\tnumber", 23)) st = park_error(ctx, PARK_ERR_INPUT, "%s:1: expected the header address_key, road, number, ...", path);
            continue;
        }
        addr_row r;
        if (!addr_row_split(line, &r)) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%ld: expected 12 tab-separated columns", path, ln);
            break;
        }
        rows++;
        if (row_held(r.key)) { /* --exclude-holdout: never looked at while building */
            held++;
            continue;
        }
        if (r.shared) { /* a geocoder's fall-back point: not a house position */
            shared++;
            continue;
        }
        if (!isnan(r.disagree_m) && r.disagree_m > 300) { /* two geocoders 300+ m apart: neither is a position */
            far++;
            /* ... but up to WEAK_MAX_M apart, a hint for a road that has no other known number
             * (added below, error_m = the whole disagreement) */
            park_address *a = NULL;
            if (r.disagree_m <= WEAK_MAX_M && park_address_parse(ctx, r.key, &a) == PARK_OK && a->road[0] && !a->road2[0]) {
                const char *num = a->lane[0] ? a->lane : a->number;
                long number = *num ? strtol(num, NULL, 10) : 0;
                house *t = number > 0 ? realloc(wv, (nw + 1) * sizeof *t) : NULL;
                if (t)
                    wv = t, wv[nw++] = (house){park_strdup(a->road), park_strdup(a->lane[0] ? "弄" : "号"), park_strdup(r.key),
                                               park_strdup(r.sources), number, r.lon, r.lat, r.disagree_m, r.n_sources, 0, 0};
            }
            park_ctx_clear_error(ctx);
            park_address_free(a);
            continue;
        }
        double sigma = isnan(r.disagree_m) ? single_sigma : fmax(15, r.disagree_m / 2);
        if (isnan(r.disagree_m)) nodis++;
        park_address *a = NULL;
        if (park_address_parse(ctx, r.key, &a) != PARK_OK) park_ctx_clear_error(ctx), a = NULL;
        const char *num = a ? (a->lane[0] ? a->lane : a->number) : "";
        const char *road = a && a->road[0] ? a->road : r.road;
        long number = *num ? strtol(num, NULL, 10) : 0;
        if (road[0] && number > 0 && a && !a->road2[0]) {
            house *t = realloc(hv, (nh + 1) * sizeof *t);
            if (t) {
                hv = t;
                hv[nh++] = (house){park_strdup(road), park_strdup(a->lane[0] ? "弄" : "号"), park_strdup(r.key),
                                   park_strdup(r.sources), number, r.lon, r.lat, sigma, r.n_sources, addr_row_trusted(&r), 0};
            }
        }
        places_from_row(ctx, &r, a, sigma, &pv, &np);
        park_address_free(a);
    }
    fclose(fp);
    /* the weak rows of roads that have no other known number */
    size_t nh0 = nh, weak = 0;
    for (size_t w = 0; w < nw; w++) {
        bool known = false;
        for (size_t i = 0; i < nh0 && !known; i++) known = !strcmp(hv[i].road, wv[w].road);
        known = known || gz_has_road(gz, wv[w].road); /* a road with a course answers as a road (its shares) */
        house *t = known || st ? NULL : realloc(hv, (nh + 1) * sizeof *t);
        if (t) hv = t, hv[nh++] = wv[w], weak++;
        else free(wv[w].road), free(wv[w].unit), free(wv[w].address), free(wv[w].sources);
    }
    free(wv);
    if (st) goto done;
    qsort(hv, nh, sizeof *hv, house_cmp);
    size_t spikes = mark_spikes(ctx, hv, nh);
    park_buf b, sb; /* houses.geojson, spikes.geojson (the entries left out, for review) */
    park_buf_init(&b), park_buf_init(&sb);
    park_buf_append(&b, "{\"type\":\"FeatureCollection\",\"name\":\"houses\",\"features\":[\n");
    park_buf_append(&sb, "{\"type\":\"FeatureCollection\",\"name\":\"spikes\",\"features\":[\n");
    for (size_t i = 0, w = 0, ws = 0; i < nh; i++) {
        park_buf *o = hv[i].spike ? &sb : &b;
        park_buf_append(o, (hv[i].spike ? ws++ : w++) ? ",\n" : "");
        park_buf_append(o, "{\"type\":\"Feature\",\"properties\":{\"road\":");
        park_json_escape(o, hv[i].road);
        park_buf_printf(o, ",\"number\":%ld,\"unit\":", hv[i].number);
        park_json_escape(o, hv[i].unit);
        park_buf_append(o, ",\"address\":");
        park_json_escape(o, hv[i].address);
        park_buf_append(o, ",\"sources\":");
        park_json_escape(o, hv[i].sources);
        park_buf_printf(o, ",\"trusted\":%d,\"error_m\":%.0f},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}}",
                        hv[i].trusted, hv[i].sigma_m, hv[i].lon, hv[i].lat);
    }
    park_buf_append(&b, "\n]}\n");
    park_buf_append(&sb, "\n]}\n");
    char *hp = park_asprintf("%s/index/houses.geojson", out), *sp = park_asprintf("%s/index/spikes.geojson", out);
    st = write_text(ctx, hp, &b);
    if (!st) st = write_text(ctx, sp, &sb);
    free(sp);
    park_buf_free(&sb);
    if (!st)
        printf("wrote %s (%zu house numbers from %zu rows: %zu held back for evaluation, %zu fall-back points and %zu rows "
               "whose geocoders disagree by more than 300 m left out, %zu of these kept as weak numbers of roads with no other; "
               "%zu spikes left out; single-source error %.0f m = median disagreement)\n",
               hp, nh - spikes, rows, held, shared, far, weak, spikes, single_sigma);
    free(hp);
    park_buf_free(&b);
    if (st) goto done;

    /* OSM places */
    char *p1 = park_asprintf("%s/osm-geofabrik-2025-03/gis_osm_pois_a_free_1.shp", data);
    char *p2 = park_asprintf("%s/osm-geofabrik-2025-03/landuse-industrial-commercial.geojson", data);
    char *p3 = park_asprintf("%s/osm-geofabrik-2025-03/landuse-green.geojson", data);
    char *p4 = park_asprintf("%s/osm-geofabrik-2025-03/gis_osm_places_free_1.shp", data);
    if (!st) st = places_from_ogr(ctx, p1, "Geofabrik pois_a 2025-03-18 (ODbL)", district, &pv, &np, 30);
    if (!st) st = places_from_ogr(ctx, p2, "Geofabrik landuse 2025-03-18 (ODbL)", district, &pv, &np, 30);
    if (!st) st = places_from_ogr(ctx, p3, "Geofabrik landuse 2025-03-18 (ODbL)", district, &pv, &np, 30);
    if (!st) st = places_from_ogr(ctx, p4, "Geofabrik places 2025-03-18 (ODbL)", district, &pv, &np, 300);
    free(p1), free(p2), free(p3), free(p4);
    if (st) goto done;
    qsort(pv, np, sizeof *pv, place_cmp);
    /* ambiguous names: the same name more than 1 km from another place of that name */
    size_t amb = 0, kept = 0;
    for (size_t i = 0; i < np;) {
        size_t j = i;
        while (j < np && !strcmp(pv[j].name, pv[i].name)) j++;
        bool far = false;
        for (size_t a2 = i; a2 < j && !far; a2++)
            for (size_t b2 = a2 + 1; b2 < j && !far; b2++)
                far = park_geodesic_distance(ctx, pv[a2].lon, pv[a2].lat, pv[b2].lon, pv[b2].lat) > 1000;
        for (size_t k = i; k < j; k++) pv[k].drop = far;
        amb += far;
        i = j;
    }
    park_buf_init(&b);
    park_buf_append(&b, "{\"type\":\"FeatureCollection\",\"name\":\"places\",\"features\":[\n");
    for (size_t i = 0; i < np; i++) {
        if (pv[i].drop) continue;
        park_buf_append(&b, kept++ ? ",\n" : "");
        park_buf_append(&b, "{\"type\":\"Feature\",\"properties\":{\"name\":");
        park_json_escape(&b, pv[i].name);
        park_buf_append(&b, ",\"kind\":");
        park_json_escape(&b, pv[i].kind);
        park_buf_append(&b, ",\"method\":");
        park_json_escape(&b, pv[i].method);
        park_buf_printf(&b, ",\"error_m\":%.0f},\"geometry\":%s}", pv[i].error_m, pv[i].geom);
    }
    park_buf_append(&b, "\n]}\n");
    char *pp = park_asprintf("%s/index/places.geojson", out);
    st = write_text(ctx, pp, &b);
    if (!st) printf("wrote %s (%zu places; %zu ambiguous names left out)\n", pp, kept, amb);
    free(pp);
    park_buf_free(&b);
done:
    for (size_t i = 0; i < nh; i++) free(hv[i].road), free(hv[i].unit), free(hv[i].address), free(hv[i].sources);
    for (size_t i = 0; i < np; i++) free(pv[i].name), free(pv[i].kind), free(pv[i].method), free(pv[i].geom);
    free(hv), free(pv), free(path);
    (void)nodis;
    return st;
}

/* ------------------------------------------------------------------ road courses (issue 10) */

/* OUT/roads-from-points.geojson: the course of every road of the address points that
 * the 四至 gazetteer (`gazetteer_dir`) does not already hold, from issue 9's
 * park_roadfit_road (every point, with --exclude-holdout those not held back, drawn along their principal
 * axis and matched onto the OSM arterials where they run along one). A road the
 * module finds too thin (fewer than 3 trusted points) gets no course. provenance
 * approximate (the name comes from geocoded addresses, not from OSM), method and
 * error_m from the module (the trusted points' residuals with the geocoders' spread). */
static int str_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static park_status road_courses(park_ctx *ctx, const char *data, const char *gazetteer_dir, const char *out) {
    char *path = park_asprintf("%s/address-points/baoshan-address-points.wgs84.tsv", data);
    park_address_points *pts = NULL;
    park_road_network *net = NULL;
    park_gazetteer *gz = NULL;
    park_status st = park_address_points_read(ctx, path, &pts);
    free(path);
    if (!st) st = park_road_network_load(ctx, data, &net);
    if (!st) st = park_gazetteer_load(ctx, gazetteer_dir, &gz);
    if (st) {
        park_road_network_free(net), park_address_points_free(pts);
        return st;
    }
    size_t n = park_address_points_count(pts), nr = 0;
    char **roads = calloc(n + 1, sizeof *roads);
    for (size_t i = 0; roads && i < n; i++) {
        const park_address_point *p = park_address_points_get(pts, i);
        /* two characters ("北路" from a mis-split 环镇北路) is a fragment, not a road name */
        size_t cps = 0;
        for (const char *q = p->road; *q; q++) cps += ((unsigned char)*q & 0xC0) != 0x80;
        if (cps >= 3) roads[nr++] = (char *)p->road;
    }
    qsort(roads, nr, sizeof *roads, str_cmp);
    park_roadfit_opts o;
    park_roadfit_opts_default(&o);
    if (exclude_holdout && cv_k > 0) o.is_holdout = point_excluded, o.holdout_rule = ADDR_HOLDOUT_RULE " and one fold of " ADDR_CV_RULE;
    else if (exclude_holdout) o.is_holdout = addr_point_is_holdout, o.holdout_rule = ADDR_HOLDOUT_RULE; /* the evaluation's hold-out */
    else o.is_holdout = point_never_held, o.holdout_rule = "none: the shipped index uses every row";
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "{\"type\":\"FeatureCollection\",\"name\":\"roads-from-points\",\"features\":[\n");
    size_t kept = 0, thin = 0, known = 0, osm = 0;
    char **opts = CSLSetNameValue(NULL, "COORDINATE_PRECISION", "7");
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    for (size_t i = 0; !st && i < nr; i++) {
        if (i && !strcmp(roads[i], roads[i - 1])) continue;
        bool in_gz = false;
        for (size_t k = 0; k < park_gazetteer_count(gz) && !in_gz; k++) in_gz = !strcmp(park_gazetteer_get(gz, k)->name, roads[i]);
        if (in_gz) {
            known++;
            continue;
        }
        park_roadfit fit;
        memset(&fit, 0, sizeof fit);
        if ((st = park_roadfit_road(ctx, pts, roads[i], NULL, net, &o, &fit))) break;
        if (fit.kind == PARK_ROADFIT_NONE || !fit.course) {
            thin++;
            park_roadfit_clear(ctx, &fit);
            continue;
        }
        char *wkt = GEOSGeomToWKT_r(g, fit.course);
        OGRGeometryH og = NULL;
        char *w = wkt;
        OGR_G_CreateFromWkt(&w, NULL, &og);
        char *gj = og ? OGR_G_ExportToJsonEx(og, opts) : NULL;
        park_buf_append(&b, kept++ ? ",\n" : "");
        park_buf_append(&b, "{\"type\":\"Feature\",\"properties\":{\"name\":");
        park_json_escape(&b, roads[i]);
        park_buf_append(&b, ",\"aliases\":\"\",\"kind\":\"road\",\"provenance\":\"approximate\",\"method\":");
        char *m = park_asprintf("issue 9 roadfit (%s): %s", fit.kind == PARK_ROADFIT_OSM ? "matched onto OSM arterials" : "drawn through the address points",
                                fit.method ? fit.method : "");
        park_json_escape(&b, m);
        free(m);
        if (isfinite(fit.error_m)) park_buf_printf(&b, ",\"error_m\":%.0f}", fit.error_m);
        else park_buf_append(&b, ",\"error_m\":null}");
        park_buf_printf(&b, ",\"geometry\":%s}", gj ? gj : "null");
        osm += fit.kind == PARK_ROADFIT_OSM;
        CPLFree(gj);
        if (og) OGR_G_DestroyGeometry(og);
        GEOSFree_r(g, wkt);
        park_roadfit_clear(ctx, &fit);
    }
    CSLDestroy(opts);
    park_buf_append(&b, "\n]}\n");
    char *op = park_asprintf("%s/roads-from-points.geojson", out);
    if (!st) st = write_text(ctx, op, &b);
    if (!st)
        printf("wrote %s (%zu road courses, %zu matched onto OSM arterials; %zu roads already in the 四至 gazetteer, %zu with too "
               "few trusted points)\n", op, kept, osm, known, thin);
    free(op);
    park_buf_free(&b);
    free(roads);
    park_gazetteer_free(gz);
    park_road_network_free(net);
    park_address_points_free(pts);
    return st;
}

int main(int argc, char **argv) {
    const char *data = "../shared/data", *out = "geodata/gazetteer-address", *gzdir = "geodata/gazetteer";
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'},
                                         {"gazetteer", required_argument, 0, 'g'}, {"exclude-holdout", no_argument, 0, 'x'},
                                         {"cv-fold", required_argument, 0, 'c'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:o:g:h", opts, NULL)) != -1) {
        if (c == 'd') data = optarg;
        else if (c == 'o') out = optarg;
        else if (c == 'g') gzdir = optarg;
        else if (c == 'x') exclude_holdout = 1;
        else if (c == 'c' && sscanf(optarg, "%d:%d", &cv_k, &cv_fold) == 2 && cv_k >= 2 && cv_fold >= 0 && cv_fold < cv_k) continue;
        else {
            if (c == 'c') fprintf(stderr, "build_address_gazetteer: --cv-fold '%s' (expected K:k, 2 <= K, 0 <= k < K)\n", optarg);
            fputs("usage: build_address_gazetteer [--data ../shared/data] [--out geodata/gazetteer-address] [--gazetteer geodata/gazetteer]\n"
                  "                              [--exclude-holdout [--cv-fold K:k]]\n"
                  "Writes OUT/admin/towns.geojson (宝山区, 顾村镇, 杨行镇) and OUT/points/stations.geojson (metro\n"
                  "stations in and near 宝山区), OUT/index/houses.geojson and OUT/index/places.geojson (the address\n"
                  "index: known house numbers and named places) and OUT/roads-from-points.geojson (courses of the roads\n"
                  "the 四至 gazetteer in --gazetteer does not hold) from the shared source data, every address row;\n"
                  "--exclude-holdout leaves out the evaluation's hold-out (tools/address_holdout.h), the index\n"
                  "tests/integration/address_eval.sh measures on; --cv-fold K:k also leaves out cross-validation\n"
                  "fold k of K of the training rows (eval_address --cv K).\n",
                  c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    if (cv_k > 0 && !exclude_holdout) {
        fputs("build_address_gazetteer: --cv-fold needs --exclude-holdout (the folds are of the training rows)\n", stderr);
        return 2;
    }
    GDALAllRegister();
    park_ctx *ctx = park_ctx_new();
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "{\"type\":\"FeatureCollection\",\"name\":\"towns\",\"features\":[\n");
    park_status st = PARK_OK;
    OGRGeometryH district = NULL;
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0] && !st; i++)
        st = one(ctx, data, &UNITS[i], &b, i == 0, i == 0 ? &district : NULL);
    park_buf_append(&b, "\n]}\n");
    char *towns = park_asprintf("%s/admin", out), *pts = park_asprintf("%s/points", out);
    char *ixd = park_asprintf("%s/index", out);
    mkdir(out, 0777), mkdir(towns, 0777), mkdir(pts, 0777), mkdir(ixd, 0777);
    free(towns), free(pts), free(ixd);
    char *tpath = park_asprintf("%s/admin/towns.geojson", out), *spath = park_asprintf("%s/points/stations.geojson", out);
    if (!st) {
        park_atomic a;
        st = park_atomic_open(ctx, &a, tpath, true);
        if (!st) {
            fwrite(b.s, 1, b.len, a.f);
            st = park_atomic_commit(ctx, &a);
        }
        if (!st) printf("wrote %s\n", tpath);
    }
    if (!st && district) st = stations(ctx, data, district, spath);
    park_gazetteer *gz = NULL;
    if (!st && district) st = park_gazetteer_load(ctx, gzdir, &gz);
    if (!st && district) st = address_index(ctx, data, gz, district, out);
    park_gazetteer_free(gz);
    if (!st) st = road_courses(ctx, data, gzdir, out);
    if (district) OGR_G_DestroyGeometry(district);
    park_buf_free(&b);
    free(tpath), free(spath);
    if (st) fprintf(stderr, "build_address_gazetteer: %s\n", park_ctx_errmsg(ctx));
    park_ctx_free(ctx);
    return park_status_exit_code(st);
}
