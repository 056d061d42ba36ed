/* store.h - internal extensions of the geometry store (layer.c). */
#ifndef PARKGIS_STORE_H
#define PARKGIS_STORE_H
#include "parkgis.h"




/* A query-side cache (prepared geometries, STRtree) hung on the layer so it is
 * built once and freed with the layer. Opaque to the store. */
typedef struct park_layer_index park_layer_index;
park_layer_index *park_layer_index_get(const park_layer *l);
void park_layer_index_set(const park_layer *l, park_layer_index *ix, void (*free_fn)(park_layer_index *));
#endif
