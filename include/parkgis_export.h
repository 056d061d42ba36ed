/* parkgis_export.h - layouts and export (issue 4). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_EXPORT_H
#define PARKGIS_EXPORT_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif


/* ------------------------------------------------------------------ render
 * (section owned by src/export/render*.c; the exporters own the rest of this file)
 * A map of a layout drawn with cairo in a projected CRS: filled elements with
 * labels at interior points (GEOSPointOnSurface), a legend with the Chinese
 * names, a scale bar, a north arrow that shows true north in that projection,
 * and optionally an OpenStreetMap basemap (arterials, metro lines, stations). */
typedef struct park_render_opts {
    int width_px;            /* width of the whole picture in pixels; 0 -> 1600 */
    const char *crs;         /* map projection; NULL -> "EPSG:4549" (must be projected, metres) */
    int basemap;             /* 1: draw OSM arterials + metro lines + stations under the layout */
    const char *basemap_dir; /* holds osm-shanghai-arterials.zip, osm-metro-network.wgs84.json and
                                osm-metro-stations.json; NULL -> park_shared_data_dir() */
    int overwrite;           /* 1: replace an existing output file */
} park_render_opts;
void park_render_opts_default(park_render_opts *o);

/* Draws the layout (its primary layer and companion layers) into `path`; the
 * format follows the extension (.png or .svg, else PARK_ERR_USAGE). Written
 * atomically (temp + rename); an existing file is kept unless o->overwrite.
 * PARK_ERR_INPUT when --basemap is asked and the OSM files are missing;
 * PARK_ERR_INTERNAL when no CJK font is installed (message names the package). */
park_status park_render_layout(park_ctx *ctx, const park_layout *lo, const char *path,
                               const park_render_opts *o);
/* The same for explicit layers (layers[0..n), exactly one with is_primary). */
park_status park_render_layers(park_ctx *ctx, const char *title, const park_layout_layer *layers,
                               size_t n, const char *path, const park_render_opts *o);

/* Fill colour of the i-th feature of a primary layer, shared by the map and by
 * the QGIS styles (.qml / layer_styles) so both show an element in one colour.
 * Writes "#rrggbb" into hex (8 bytes) when hex is not NULL; rgb may be NULL. */
void park_style_color(size_t i, unsigned char rgb[3], char hex[8]);
/* Colour of a Shanghai metro line from a name or route such as "上海地铁7号线",
 * "7号线" or "7" (official line colours); a neutral grey for anything else. */
void park_metro_color(const char *name_or_route, unsigned char rgb[3], char hex[8]);

/* Where the source data beside the project lives: $PARKGIS_SHARED_DATA, else
 * <source tree>/../shared/data (compiled in). Borrowed static string. */
const char *park_shared_data_dir(void);

#ifdef __cplusplus
}
#endif
#endif
