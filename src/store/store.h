/* store.h - internal extensions of the geometry store (layer.c). */
#ifndef PARKGIS_STORE_H
#define PARKGIS_STORE_H
#include <stdbool.h>
#include <stdint.h>

#include "parkgis.h"




/* A query-side cache (prepared geometries, STRtree) hung on the layer so it is
 * built once and freed with the layer. Opaque to the store. */
typedef struct park_layer_index park_layer_index;
park_layer_index *park_layer_index_get(const park_layer *l);
void park_layer_index_set(const park_layer *l, park_layer_index *ix, void (*free_fn)(park_layer_index *));

/* ---- the snapshot cache of layers read (layer_cache.c, issue 11)
 * File: SNAP_MAGIC (8 bytes), u32 SNAP_FORMAT, u32 kind, the key (u64 length +
 * bytes), the body, u64 FNV-1a of everything before it. Numbers are the
 * machine's (little-endian x86-64/arm64); the key names the build. */
#define SNAP_MAGIC "PKGSNAP\x01"
#define SNAP_FORMAT 1u
#define SNAP_KIND_LAYER 1u
#define PARK_FNV_INIT 0xcbf29ce484222325ULL
uint64_t park_fnv1a(uint64_t h, const void *p, size_t n);
/* false when PARKGIS_CACHE is off, 0, no or false. */
bool park_cache_enabled(void);
/* The layer park_layer_read made from `source` before, when its snapshot
 * matches the file as it is now; NULL otherwise (a new layer on success). */
park_layer *park_layer_cache_load(park_ctx *ctx, const char *source);
/* Writes the snapshot of `l`, read from `source` (best effort, atomically;
 * a failure leaves no error in ctx). */
void park_layer_cache_store(park_ctx *ctx, const char *source, const park_layer *l);
/* The layer in snapshot bytes `data` when they hold one for `key` (checked:
 * magic, format, checksum, every length); NULL otherwise. For the fuzzer. */
park_layer *park_layer_snapshot_parse(park_ctx *ctx, const unsigned char *data, size_t len, const char *key);
/* Sets the path and the reading notes of a layer rebuilt from a snapshot. */
void park_layer_restore_read(park_layer *l, const char *path, const char *notes);

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
