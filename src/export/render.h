/* render.h - shared by src/export/render*.c only. */
#ifndef PARKGIS_RENDER_H
#define PARKGIS_RENDER_H
#include "../internal.h"

/* The OpenStreetMap context drawn under a layout (render --basemap), already
 * projected into the map CRS and cut to the map's lon/lat box. */
typedef struct park_basemap_road {
    GEOSGeometry *g;
    int rank; /* 0 motorway/trunk, 1 primary, 2 secondary, 3 links */
} park_basemap_road;
typedef struct park_basemap_metro {
    GEOSGeometry *g;
    char *name; /* "上海地铁1号线" */
    unsigned char rgb[3];
} park_basemap_metro;
typedef struct park_basemap_station {
    double x, y; /* map CRS */
    char *name;
    unsigned char rgb[3];
} park_basemap_station;
typedef struct park_basemap {
    park_basemap_road *roads;
    size_t nroads;
    park_basemap_metro *metro;
    size_t nmetro;
    park_basemap_station *stations;
    size_t nstations;
} park_basemap;

/* Reads the OSM arterials, metro lines and stations inside lon/lat box
 * bbox = {minlon, minlat, maxlon, maxlat} from `dir` and projects them to `crs`.
 * *out is new (park_basemap_free). PARK_ERR_INPUT naming the file when one is
 * missing or not in the expected form. */
park_status park_basemap_load(park_ctx *ctx, const char *dir, const char *crs, const double bbox[4],
                              park_basemap **out);
void park_basemap_free(park_ctx *ctx, park_basemap *b);

#endif
