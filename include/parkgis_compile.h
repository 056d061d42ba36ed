/* parkgis_compile.h - 四至 parser, gazetteer, compiler (issue 3). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_COMPILE_H
#define PARKGIS_COMPILE_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

/* ---- gazetteer of named features (roads, rivers, walls, boundaries, ...)
 * Stored as GeoJSON LineStrings in geodata/gazetteer/ (one .geojson per source), properties:
 *   name (Chinese), aliases (';'-separated), kind (road|expressway|river|wall|
 *   boundary|edge|metro|...), provenance (osm|anchored|approximate),
 *   method (how it was derived, e.g. "osm link_ids ... matched by position"),
 *   error_m (estimated positional error in metres). */
typedef struct park_feature {
    char *name;
    char *aliases;                 /* ';'-separated, "" if none */
    char *kind;
    char *provenance;              /* "osm" | "anchored" | "approximate" */
    char *method;
    double error_m;
    struct GEOSGeom_t *geom;       /* (Multi)LineString lon/lat, owned by the gazetteer */
} park_feature;
typedef struct park_gazetteer park_gazetteer;

/* Loads every *.geojson in `dir` (NULL: <data dir>/gazetteer). New object. */
park_status park_gazetteer_load(park_ctx *ctx, const char *dir, park_gazetteer **out);
void park_gazetteer_free(park_gazetteer *gz);
size_t park_gazetteer_count(const park_gazetteer *gz);
const park_feature *park_gazetteer_get(const park_gazetteer *gz, size_t i);
/* Exact match on name or any alias, after normalising spaces and full-width
 * characters; NULL when absent. Borrowed. */
const park_feature *park_gazetteer_find(const park_gazetteer *gz, const char *name);

#ifdef __cplusplus
}
#endif
#endif
