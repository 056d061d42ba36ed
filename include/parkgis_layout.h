/* parkgis_layout.h - layouts (三园三线两区, 一核两极三带, parcels) as layers.
 * Ownership and error rules: see parkgis.h.
 *
 * A layout is data, not code: geodata/layouts/<id>.json defines it (id, Chinese
 * name and aliases, elements and how each is built, companion layers), and
 * derived geometry that cannot be rebuilt from the repo alone is committed beside
 * it as geodata/layouts/<id>.*.geojson with provenance. Each element becomes one
 * feature of a park_layer (park_parcel fields: id, name, official_km2 = sum of the
 * plan's figures where known else NAN, layout = the element's group (e.g. "三园"),
 * provenance = how it was built, geom). Companion layers (metro lines, stations)
 * are park_layers too, with line or point geometries. */
#ifndef PARKGIS_LAYOUT_H
#define PARKGIS_LAYOUT_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

typedef struct park_layout park_layout;

/* One named layer of a layout: the element polygons, or a companion layer. */
typedef struct park_layout_layer {
    const char *name;          /* layer name for export, ASCII, e.g. "sanyuan_sanxian_liangqu", "metro_lines" */
    const char *title;         /* Chinese title for legends, e.g. "三园三线两区" */
    const park_layer *layer;   /* borrowed from the layout */
    int is_primary;            /* 1 for the element polygons */
} park_layout_layer;

/* Builds the layout `name` (id such as "sanyuan-sanxian-liangqu", or a Chinese
 * alias such as "三园三线两区"; "parcels" gives the parcel layer itself) over
 * `parcels`. New object; parcels must outlive it. PARK_ERR_NOTFOUND for an
 * unknown layout (message lists the known ones). */
park_status park_layout_build(park_ctx *ctx, const char *name, const park_layer *parcels,
                              park_layout **out);
void park_layout_free(park_layout *lo);
const char *park_layout_id(const park_layout *lo);
const char *park_layout_name(const park_layout *lo);   /* Chinese */
size_t park_layout_layer_count(const park_layout *lo);
park_layout_layer park_layout_layer_get(const park_layout *lo, size_t i);

/* The ids of all known layouts, newline-separated (a new string, park_free). */
char *park_layout_list(park_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
