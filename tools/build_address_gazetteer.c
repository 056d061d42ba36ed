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
 * line). Points: name "上大路站", aliases, lines, provenance osm, error_m. */
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

#include "internal.h"

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

int main(int argc, char **argv) {
    const char *data = "../shared/data", *out = "geodata/gazetteer-address";
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
        if (c == 'd') data = optarg;
        else if (c == 'o') out = optarg;
        else {
            fputs("usage: build_address_gazetteer [--data ../shared/data] [--out geodata/gazetteer-address]\n"
                  "Writes OUT/admin/towns.geojson (宝山区, 顾村镇, 杨行镇) and OUT/points/stations.geojson (metro\n"
                  "stations in and near 宝山区) from the shared source data.\n",
                  c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
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
    mkdir(out, 0777), mkdir(towns, 0777), mkdir(pts, 0777);
    free(towns), free(pts);
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
    if (district) OGR_G_DestroyGeometry(district);
    park_buf_free(&b);
    free(tpath), free(spath);
    if (st) fprintf(stderr, "build_address_gazetteer: %s\n", park_ctx_errmsg(ctx));
    park_ctx_free(ctx);
    return park_status_exit_code(st);
}
