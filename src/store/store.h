/* store.h - internal extensions of the geometry store (layer.c). */
#ifndef PARKGIS_STORE_H
#define PARKGIS_STORE_H
#include <stdbool.h>

#include "parkgis.h"




/* A query-side cache (prepared geometries, STRtree) hung on the layer so it is
 * built once and freed with the layer. Opaque to the store. */
typedef struct park_layer_index park_layer_index;
park_layer_index *park_layer_index_get(const park_layer *l);
void park_layer_index_set(const park_layer *l, park_layer_index *ix, void (*free_fn)(park_layer_index *));

/* A Shapefile `shp` (a path ending in .shp; anything else passes): its .shx
 * and .dbf exist, the .shx holds exactly one entry per shape, every shape lies
 * inside the .shp, the .dbf is as long as its header says and has one record
 * per shape. PARK_ERR_INPUT naming the file and what disagrees (shp_check.c). */
park_status park_shp_check(park_ctx *ctx, const char *shp);

/* Whether `name` is a CRS PROJ knows, in one of the unambiguous forms (AUTH:CODE
 * or a URN, a PROJ string, WKT, PROJJSON: not a bare name PROJ would match
 * approximately) or one of GDAL's well-known names (WGS84, CRS84, NAD83, ...).
 * Reads no file (crs.c). */
bool park_crs_name_known(park_ctx *ctx, const char *name);
#endif
