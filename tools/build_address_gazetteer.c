/* build_address_admin.c - rebuilds geodata/gazetteer-address/admin/towns.geojson, the
 * administrative units the address resolver can use (issue 5), from the public
 * source data in ../shared/data. Same inputs -> byte-identical output.
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
 * aliases, kind (district|town), provenance, method, error_m. */
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

/* The sources are a FeatureCollection (sectors) or a bare array of features
 * (DataV), so they are read with json-c and each geometry handed to OGR. */
static park_status one(park_ctx *ctx, const char *data, const unit *u, park_buf *out, bool first) {
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
        OGR_G_DestroyGeometry(g);
    }
    json_object_put(root);
    free(path);
    return st;
}

int main(int argc, char **argv) {
    const char *data = "../shared/data", *out = "geodata/gazetteer-address/admin/towns.geojson";
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
        if (c == 'd') data = optarg;
        else if (c == 'o') out = optarg;
        else {
            fputs("usage: build_address_admin [--data ../shared/data] [--out geodata/gazetteer-address/admin/towns.geojson]\n"
                  "Writes the 区/镇 polygons the address resolver uses (宝山区, 顾村镇, 杨行镇) from the shared source data.\n",
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
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0] && !st; i++) st = one(ctx, data, &UNITS[i], &b, i == 0);
    park_buf_append(&b, "\n]}\n");
    if (!st) {
        park_atomic a;
        st = park_atomic_open(ctx, &a, out, true);
        if (!st) {
            fwrite(b.s, 1, b.len, a.f);
            st = park_atomic_commit(ctx, &a);
        }
    }
    park_buf_free(&b);
    if (st) fprintf(stderr, "build_address_admin: %s\n", park_ctx_errmsg(ctx));
    else printf("wrote %s\n", out);
    park_ctx_free(ctx);
    return park_status_exit_code(st);
}
