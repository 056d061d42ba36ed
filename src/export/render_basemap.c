/* render_basemap.c - the OpenStreetMap context under a rendered layout: the
 * arterial roads (motorway .. secondary), the metro lines and their stations from
 * the source data beside the project (../shared/data, see its README: all three
 * are OSM-derived, ODbL, credited on the map). Only what falls in the map's
 * lon/lat box is kept, already projected to the map CRS. */
#include <errno.h>
#include <gdal.h>
#include <json-c/json.h>
#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render.h"

#define ROADS_ZIP "osm-shanghai-arterials.zip"
#define ROADS_SHP "test_shanghai_allroads/test_shanghai_allroads.shp"
#define METRO_JSON "osm-metro-network.wgs84.json"
#define STATIONS_JSON "osm-metro-stations.json"
/* The OSM files are WGS84; PROJ treats WGS84 -> CGCS2000 as a no-op here (they
 * differ by centimetres to decimetres in Shanghai, far below a map pixel). */
#define OSM_CRS "EPSG:4326"

void park_basemap_free(park_ctx *ctx, park_basemap *b) {
    if (!b) return;
    for (size_t i = 0; i < b->nroads; i++) GEOSGeom_destroy_r(ctx->geos, b->roads[i].g);
    for (size_t i = 0; i < b->nmetro; i++) GEOSGeom_destroy_r(ctx->geos, b->metro[i].g), free(b->metro[i].name);
    for (size_t i = 0; i < b->nstations; i++) free(b->stations[i].name);
    free(b->roads), free(b->metro), free(b->stations);
    free(b);
}

static park_status need_file(park_ctx *ctx, const char *dir, const char *name, char **path) {
    struct stat st;
    *path = park_asprintf("%s/%s", dir, name);
    if (!*path) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    if (stat(*path, &st) != 0) {
        park_status s = park_error(ctx, PARK_ERR_INPUT,
                                   "%s: %s (the --basemap needs the OSM files of ../shared/data: %s, %s, %s; "
                                   "set $PARKGIS_SHARED_DATA or --basemap-dir to their directory)",
                                   *path, strerror(errno), ROADS_ZIP, METRO_JSON, STATIONS_JSON);
        free(*path), *path = NULL;
        return s;
    }
    return PARK_OK;
}

static int road_rank(const char *hw) {
    if (!hw) return 3;
    if (strstr(hw, "_link")) return 3;
    if (!strcmp(hw, "motorway") || !strcmp(hw, "trunk")) return 0;
    if (!strcmp(hw, "primary")) return 1;
    return 2;
}

static park_status load_roads(park_ctx *ctx, park_basemap *b, const char *dir, const char *crs, const double bb[4]) {
    char *zip;
    park_status st = need_file(ctx, dir, ROADS_ZIP, &zip);
    if (st) return st;
    char *vsi = park_asprintf("/vsizip/%s/%s", zip, ROADS_SHP);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(vsi, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open %s inside it as a line layer", zip, ROADS_SHP);
        free(vsi), free(zip);
        return st;
    }
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    int fhw = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "highway");
    OGR_L_SetSpatialFilterRect(l, bb[0], bb[1], bb[2], bb[3]);
    OGR_L_ResetReading(l);
    GEOSWKBReader *rd = GEOSWKBReader_create_r(ctx->geos);
    size_t cap = 0;
    OGRFeatureH f;
    unsigned char *wkb = NULL;
    size_t wkbcap = 0;
    while (!st && (f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        if (og && !OGR_G_IsEmpty(og)) {
            size_t n = (size_t)OGR_G_WkbSize(og);
            if (n > wkbcap) {
                unsigned char *nw = realloc(wkb, n);
                if (!nw) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                else wkb = nw, wkbcap = n;
            }
            if (!st && OGR_G_ExportToWkb(og, wkbNDR, wkb) == OGRERR_NONE) {
                GEOSGeometry *g = GEOSWKBReader_read_r(ctx->geos, rd, wkb, n), *pg = NULL;
                if (g && park_transform(ctx, g, OSM_CRS, crs, &pg) == PARK_OK) {
                    if (b->nroads == cap) {
                        cap = cap ? 2 * cap : 1024;
                        park_basemap_road *nr = realloc(b->roads, cap * sizeof *nr);
                        if (!nr) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                        else b->roads = nr;
                    }
                    if (!st) {
                        b->roads[b->nroads].g = pg, pg = NULL;
                        b->roads[b->nroads++].rank = road_rank(fhw >= 0 ? OGR_F_GetFieldAsString(f, fhw) : NULL);
                    }
                }
                if (pg) GEOSGeom_destroy_r(ctx->geos, pg);
                if (g) GEOSGeom_destroy_r(ctx->geos, g);
            }
        }
        OGR_F_Destroy(f);
    }
    free(wkb);
    GEOSWKBReader_destroy_r(ctx->geos, rd);
    GDALClose(ds);
    free(vsi), free(zip);
    return st;
}

static json_object *read_json(park_ctx *ctx, const char *path, park_status *st) {
    json_object *j = json_object_from_file(path);
    if (!j) *st = park_error(ctx, PARK_ERR_INPUT, "%s: not valid JSON (%s)", path, json_util_get_last_err());
    return j;
}

static int in_box(const double bb[4], double x, double y) {
    return x >= bb[0] && x <= bb[2] && y >= bb[1] && y <= bb[3];
}

/* One metro line: every path that has a vertex in the box (or crosses it) as a
 * MultiLineString in the map CRS. Paths are kept whole: cairo clips at the frame. */
static park_status load_metro_line(park_ctx *ctx, park_basemap *b, json_object *line, const char *crs, const double bb[4],
                                   const char *path) {
    json_object *jname, *jroute, *jpaths;
    if (!json_object_object_get_ex(line, "paths", &jpaths) || !json_object_is_type(jpaths, json_type_array))
        return park_error(ctx, PARK_ERR_INPUT, "%s: metroLines entry without a \"paths\" array", path);
    const char *route = json_object_object_get_ex(line, "route", &jroute) ? json_object_get_string(jroute) : "";
    /* "network" is every line again merged into one; the per-line entries suffice. */
    if (!strcmp(route, "network")) return PARK_OK;
    const char *name = json_object_object_get_ex(line, "name", &jname) ? json_object_get_string(jname) : route;
    size_t np = json_object_array_length(jpaths), ng = 0;
    GEOSGeometry **gs = calloc(np ? np : 1, sizeof *gs);
    if (!gs) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    park_status st = PARK_OK;
    for (size_t i = 0; i < np && !st; i++) {
        json_object *pts = json_object_array_get_idx(jpaths, i);
        size_t n = json_object_is_type(pts, json_type_array) ? json_object_array_length(pts) : 0;
        if (n < 2) continue;
        double mnx = INFINITY, mny = INFINITY, mxx = -INFINITY, mxy = -INFINITY;
        GEOSCoordSequence *cs = GEOSCoordSeq_create_r(ctx->geos, (unsigned)n, 2);
        for (size_t k = 0; k < n; k++) {
            json_object *pt = json_object_array_get_idx(pts, k);
            if (!json_object_is_type(pt, json_type_array) || json_object_array_length(pt) < 2) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: line %s path %zu point %zu is not [lon, lat]", path, name, i, k);
                break;
            }
            double x = json_object_get_double(json_object_array_get_idx(pt, 0));
            double y = json_object_get_double(json_object_array_get_idx(pt, 1));
            GEOSCoordSeq_setXY_r(ctx->geos, cs, (unsigned)k, x, y);
            mnx = fmin(mnx, x), mny = fmin(mny, y), mxx = fmax(mxx, x), mxy = fmax(mxy, y);
        }
        if (st || mxx < bb[0] || mnx > bb[2] || mxy < bb[1] || mny > bb[3]) {
            GEOSCoordSeq_destroy_r(ctx->geos, cs);
            continue;
        }
        gs[ng] = GEOSGeom_createLineString_r(ctx->geos, cs);
        if (gs[ng]) ng++;
    }
    if (st || ng == 0) {
        for (size_t i = 0; i < ng; i++) GEOSGeom_destroy_r(ctx->geos, gs[i]);
        free(gs);
        return st;
    }
    GEOSGeometry *ml = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTILINESTRING, gs, (unsigned)ng);
    free(gs);
    if (!ml) return park_geos_fail(ctx, "metro line collection");
    GEOSGeometry *pg = NULL;
    st = park_transform(ctx, ml, OSM_CRS, crs, &pg);
    GEOSGeom_destroy_r(ctx->geos, ml);
    if (st) return st;
    park_basemap_metro *nm = realloc(b->metro, (b->nmetro + 1) * sizeof *nm);
    if (!nm) {
        GEOSGeom_destroy_r(ctx->geos, pg);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    b->metro = nm;
    park_basemap_metro *m = &b->metro[b->nmetro++];
    m->g = pg;
    m->name = park_strdup(name);
    park_metro_color(route, m->rgb, NULL);
    return PARK_OK;
}

static park_status load_metro(park_ctx *ctx, park_basemap *b, const char *dir, const char *crs, const double bb[4]) {
    char *path;
    park_status st = need_file(ctx, dir, METRO_JSON, &path);
    if (st) return st;
    json_object *j = read_json(ctx, path, &st), *lines = NULL;
    if (j && (!json_object_object_get_ex(j, "metroLines", &lines) || !json_object_is_type(lines, json_type_array)))
        st = park_error(ctx, PARK_ERR_INPUT, "%s: expected an object with a \"metroLines\" array", path);
    for (size_t i = 0; !st && i < json_object_array_length(lines); i++)
        st = load_metro_line(ctx, b, json_object_array_get_idx(lines, i), crs, bb, path);
    json_object_put(j);
    free(path);
    return st;
}

static park_status load_stations(park_ctx *ctx, park_basemap *b, const char *dir, const char *crs, const double bb[4]) {
    char *path;
    park_status st = need_file(ctx, dir, STATIONS_JSON, &path);
    if (st) return st;
    json_object *j = read_json(ctx, path, &st);
    if (j && !json_object_is_type(j, json_type_object))
        st = park_error(ctx, PARK_ERR_INPUT, "%s: expected an object of stations {\"0101\": {name, line, lat, lng}}", path);
    if (!st) {
        json_object_object_foreach(j, key, v) {
            json_object *jn, *jl, *jlat, *jlng;
            if (!json_object_object_get_ex(v, "name", &jn) || !json_object_object_get_ex(v, "lat", &jlat) ||
                !json_object_object_get_ex(v, "lng", &jlng)) {
                st = park_error(ctx, PARK_ERR_INPUT, "%s: station \"%s\" lacks name, lat or lng", path, key);
                break;
            }
            double lon = json_object_get_double(jlng), lat = json_object_get_double(jlat);
            if (!in_box(bb, lon, lat)) continue;
            const char *name = json_object_get_string(jn);
            const char *line = json_object_object_get_ex(v, "line", &jl) ? json_object_get_string(jl) : "";
            /* An interchange is listed once per line: draw it once, in dark grey. */
            size_t k = 0;
            for (; k < b->nstations; k++)
                if (!strcmp(b->stations[k].name, name)) break;
            if (k < b->nstations) {
                b->stations[k].rgb[0] = b->stations[k].rgb[1] = b->stations[k].rgb[2] = 0x40;
                continue;
            }
            if ((st = park_transform_xy(ctx, OSM_CRS, crs, &lon, &lat))) break;
            park_basemap_station *ns = realloc(b->stations, (b->nstations + 1) * sizeof *ns);
            if (!ns) {
                st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                break;
            }
            b->stations = ns;
            park_basemap_station *s = &b->stations[b->nstations++];
            s->x = lon, s->y = lat, s->name = park_strdup(name);
            park_metro_color(line, s->rgb, NULL);
        }
    }
    json_object_put(j);
    free(path);
    return st;
}

park_status park_basemap_load(park_ctx *ctx, const char *dir, const char *crs, const double bbox[4], park_basemap **out) {
    *out = NULL;
    park_basemap *b = calloc(1, sizeof *b);
    if (!b) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    park_status st = load_roads(ctx, b, dir, crs, bbox);
    if (!st) st = load_metro(ctx, b, dir, crs, bbox);
    if (!st) st = load_stations(ctx, b, dir, crs, bbox);
    if (st) {
        park_basemap_free(ctx, b);
        return st;
    }
    *out = b;
    return PARK_OK;
}
