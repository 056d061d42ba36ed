/* parkgis_layout.h - layouts (三园三线两区, 一核两极三带, parcels) as layers.
 * Ownership and error rules: see parkgis.h.
 *
 * A layout is data, not code: geodata/layouts/<id>.json defines it (id, Chinese
 * name and aliases, elements and how each is built, companion layers), and
 * derived geometry that cannot be rebuilt from the repo alone is committed beside
 * it as geodata/layouts/<id>.*.geojson with provenance. Each element becomes one
 * feature of a park_layer (park_parcel fields: id, name, official_km2 = sum of the
 * plan's figures where known else NAN, layout = the element's group (e.g. "三园"),
 * provenance = how it was built, geom). An element built from parcels takes the
 * parcels its definition lists and every parcel whose `layout` field names the
 * element (';'-separated element ids), so a parcel split or added in QGIS stays
 * in its element when it keeps that field. Companion layers (metro lines, stations)
 * are park_layers too, with line or point geometries.
 *
 * Element geometries are always MultiPolygons (one geometry type per layer, so
 * exporters can declare it); companion layers hold one type each (LineString/
 * MultiLineString or Point). The definition format is documented in
 * geodata/layouts/README.md. */
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
    /* A layout that is the parcel layer itself ("all_parcels"): that parcel
     * layer, feature i being element i, so an export can keep each parcel's
     * layout memberships (park_parcel.layout) beside the element's group.
     * NULL for every other layer. Borrowed. */
    const park_layer *members;
} park_layout_layer;

/* Builds the layout `name` (id such as "sanyuan-sanxian-liangqu", or a Chinese
 * alias such as "三园三线两区"; "parcels" gives the parcel layer itself) over
 * `parcels`. New object; parcels must outlive it (it may be NULL for a layout
 * none of whose elements is built from parcels, e.g. 一核两极三带; otherwise
 * PARK_ERR_USAGE). PARK_ERR_NOTFOUND for an
 * unknown layout (message lists the known ones). PARK_ERR_INPUT when a
 * definition is malformed or names a parcel the parcel layer lacks (the message
 * names the definition file, the element and what was expected). */
park_status park_layout_build(park_ctx *ctx, const char *name, const park_layer *parcels,
                              park_layout **out);
/* The same, reading definitions from `dir` instead of <data dir>/layouts
 * (NULL: the default). */
park_status park_layout_build_dir(park_ctx *ctx, const char *dir, const char *name,
                                  const park_layer *parcels, park_layout **out);
void park_layout_free(park_layout *lo);
const char *park_layout_id(const park_layout *lo);
const char *park_layout_name(const park_layout *lo);   /* Chinese */
size_t park_layout_layer_count(const park_layout *lo);
park_layout_layer park_layout_layer_get(const park_layout *lo, size_t i);
/* The element polygons (the primary layer), borrowed. */
const park_layer *park_layout_elements(const park_layout *lo);
/* Where the plan states the layout (the definition's "source", e.g.
 * "《徐汇区强化科技创新策源功能“十四五”规划》三、功能布局"), for captions; "" if none.
 * Borrowed. */
const char *park_layout_source(const park_layout *lo);
/* The definition file the layout was built from. Borrowed. */
const char *park_layout_path(const park_layout *lo);

/* The ids of all known layouts, newline-separated (a new string, park_free). */
char *park_layout_list(park_ctx *ctx);
/* The same for the definitions in `dir` (NULL: <data dir>/layouts). */
char *park_layout_list_dir(park_ctx *ctx, const char *dir);
/* The default definitions directory, <data dir>/layouts. Borrowed static string. */
const char *park_layout_default_dir(void);

#ifdef __cplusplus
}
#endif
#endif
