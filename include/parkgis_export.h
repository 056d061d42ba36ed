/* parkgis_export.h - layouts and export (issue 4). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_EXPORT_H
#define PARKGIS_EXPORT_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ export
 * (section owned by src/export/export*.c)
 * Writes the layers of a layout (primary element polygons + companion line/point
 * layers) for QGIS and other GIS software.
 *
 * Attributes of every polygon layer: id, name (Chinese), group (the element's
 * layout group, park_parcel.layout), official_km2 (plan figure, NULL when none),
 * area_km2 (geodesic area on the CGCS2000 ellipsoid, computed before any
 * reprojection), provenance. Line and point layers: id, name, group, provenance.
 * Shapefile field names are at most 10 ASCII characters: id, name, group,
 * official, area_km2, provenanc (text truncated to 254 bytes at a character
 * boundary, ending in "…"; a note says which features were cut).
 *
 * Outputs (dest):
 *   shp      directory DEST with <layer>.shp/.shx/.dbf/.prj (ESRI WKT)/.cpg/.qml per layer
 *   gpkg     DEST.gpkg if DEST ends in ".gpkg", else directory DEST with <layout>.gpkg;
 *            all layers in one file, styles in QGIS's layer_styles table (QML + SLD,
 *            useAsDefault=1, so QGIS applies them on open)
 *   geojson  directory DEST with <layer>.geojson (+ .qml) per layer, or one file when
 *            DEST ends in ".geojson" and there is a single layer
 *   kml      DEST.kml if DEST ends in ".kml", else directory DEST with <layout>.kml;
 *            one Folder per layer, always WGS84 (OGC KML 2.2)
 *   pg       DEST is a PostgreSQL connection ("PG:dbname=... host=..." or
 *            "postgresql://..."); one table per layer (geometry column geom in the
 *            target SRID, geography column geog in EPSG:4490), in one transaction,
 *            with the styles as default rows of public.layer_styles (QGIS's table)
 * Files are written into a temporary directory beside DEST and renamed into place
 * at the end, so a failure leaves nothing half-written. An existing DEST (or an
 * existing table) is refused with PARK_ERR_OUTPUT unless overwrite is set; even
 * then a directory is only replaced if it holds nothing but export files. */
typedef enum park_export_format {
    PARK_EXPORT_SHP = 0,
    PARK_EXPORT_GPKG,
    PARK_EXPORT_GEOJSON,
    PARK_EXPORT_KML,
    PARK_EXPORT_PG
} park_export_format;

/* Parses "shp" (also "shapefile"), "gpkg", "geojson", "kml", "pg" (also "postgis"),
 * case-insensitive. PARK_ERR_USAGE listing the accepted names otherwise. */
park_status park_export_format_parse(park_ctx *ctx, const char *s, park_export_format *out);
const char *park_export_format_name(park_export_format f);

typedef struct park_export_opts {
    park_export_format format;
    const char *t_srs;    /* target CRS, e.g. "EPSG:4549"; NULL -> "EPSG:4490".
                             GeoJSON: EPSG:4490/4326 give RFC 7946 (WGS84 lon/lat, no
                             "crs" member); any other CRS gives GeoJSON 2008 with a
                             "crs" member and a note. KML: only EPSG:4490/4326 accepted. */
    const char *encoding; /* Shapefile DBF only: NULL or "UTF-8" (default), "CP936" (GBK,
                             .cpg "936" + LDID 0x4D, for older ArcGIS) */
    int overwrite;        /* 1: replace an existing output */
} park_export_opts;
void park_export_opts_default(park_export_opts *o);

/* What was written, for the CLI to show. */
typedef struct park_export_item {
    char *layer;     /* layer / table name */
    char *title;     /* Chinese title */
    char *geometry;  /* "MultiPolygon", "MultiLineString", "Point", ... */
    size_t features;
    char *file;      /* final path of the file holding it, or the table name for pg */
} park_export_item;
typedef struct park_export_report {
    char *dest;       /* final output path (or the connection string without password) */
    char *crs;        /* CRS the coordinates were written in */
    char *notes;      /* warnings, one per line ("" when none) */
    size_t n;
    park_export_item *items;
} park_export_report;
void park_export_report_free(park_export_report *r);

/* Exports a built layout. On success *report (may be NULL) is a new report. */
park_status park_export_layout(park_ctx *ctx, const park_layout *lo, const char *dest,
                               const park_export_opts *o, park_export_report **report);
/* The same for explicit layers; `basename` (ASCII) names the single file of the
 * gpkg/kml formats, `title` is the Chinese title. */
park_status park_export_layers(park_ctx *ctx, const char *basename, const char *title,
                               const park_layout_layer *layers, size_t n, const char *dest,
                               const park_export_opts *o, park_export_report **report);

/* A QGIS project a planner double-clicks (issue 13): `project` ends in .qgz
 * (zipped) or .qgs. Beside it, <project without extension>.gpkg holds every
 * layer of the layout (styles in layer_styles) and an OSM basemap layer
 * osm_arterials (from park_shared_data_dir(); a note, and no basemap, when the
 * files are missing); the project opens them by relative path, styled, in
 * EPSG:4549, with a print layout (map, legend, computed areas with their error
 * beside the plan's figures, scale bar, north, the notice 示意，非测绘成果).
 * o->format is ignored (always GeoPackage); t_srs, overwrite apply. Written
 * atomically; PARK_ERR_OUTPUT when either file exists without overwrite. */
park_status park_export_qgis_project(park_ctx *ctx, const park_layout *lo, const char *project,
                                     const park_export_opts *o, park_export_report **report);

/* The QGIS 3 style (.qml XML) the exporters write for a layer: categorised by id
 * with park_style_color fills (semi-transparent) for polygons, metro colours for
 * lines, Chinese labels from `name`. A new string (park_free). */
char *park_export_qml(park_ctx *ctx, const park_layout_layer *l);



/* ------------------------------------------------------------------ render
 * (section owned by src/export/render*.c; the exporters own the rest of this file)
 * A map of a layout drawn with cairo in a projected CRS: filled elements with
 * labels at interior points (GEOSPointOnSurface), a legend with the Chinese
 * names, a scale bar, a north arrow that shows true north in that projection,
 * and optionally an OpenStreetMap basemap (arterials, metro lines, stations). */
typedef struct park_render_opts {
    int width_px;            /* width of the whole picture in pixels, 400..6000; 0 -> 1600 */
    const char *crs;         /* map projection; NULL -> "EPSG:4549" (must be projected, metres) */
    int basemap;             /* 1: draw OSM arterials + metro lines + stations under the layout */
    const char *basemap_dir; /* holds osm-shanghai-arterials.zip, osm-metro-network.wgs84.json and
                                osm-metro-stations.json; NULL -> park_shared_data_dir() */
    int overwrite;           /* 1: replace an existing output file */
    /* Before/after map (render --compare): the same layout built over a baseline
     * parcel layer; its outline is drawn dashed over the map and what the
     * current layer gained (green) and lost (red) against it is filled, with
     * the geodesic areas in the legend. NULL: no comparison. Borrowed. */
    const park_layer *compare;
    const char *compare_label; /* the baseline's name for the legend, e.g. its file name */
    int colour_by_error;     /* 1: draw the primary layer's boundaries coloured by the error class of the
                                gazetteer feature each piece lies on (compiled parcels; issue 9) */
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
