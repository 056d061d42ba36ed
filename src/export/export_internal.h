/* export_internal.h - what the export writers (export_shp.c, export_ogr.c,
 * export_qml.c) share with the driver (export.c): the layers prepared once
 * (reprojected, areas computed) so every format writes the same numbers. */
#ifndef PARKGIS_EXPORT_INTERNAL_H
#define PARKGIS_EXPORT_INTERNAL_H
#include "../internal.h"

typedef enum exp_kind { EXP_POLYGON, EXP_LINE, EXP_POINT } exp_kind;

typedef struct exp_feature {
    const park_parcel *p;  /* borrowed from the source layer */
    GEOSGeometry *g;       /* in the job's target CRS, owned */
    double area_km2;       /* geodesic, from the EPSG:4490 geometry; NAN for lines/points */
    /* Error as plain numbers that survive any format (issue 13): the positional
     * error the boundary states (park_parcel.error_m) and the share of its
     * length on mapped (OSM / anchored) features from a compile provenance;
     * NAN when unknown. */
    double error_m, src_share;
    const char *members;   /* the parcel's layout memberships (park_parcel.layout) when the
                              layer is the parcel layer itself, else NULL (no `layout` field) */
} exp_feature;

typedef struct exp_layer {
    const char *name;      /* ASCII, file / table name */
    const char *title;     /* Chinese */
    int is_primary;
    exp_kind kind;
    int multi;             /* points: some feature is a MultiPoint */
    const park_layer *src;
    int has_members;       /* write a `layout` field (exp_feature.members) */
    exp_feature *f;
    size_t n;
} exp_layer;

typedef struct exp_job {
    park_ctx *ctx;
    park_export_format format;
    const char *t_srs;     /* CRS the geometries are in (after the format's rules) */
    int t_geographic;      /* t_srs is a geographic CRS (lon/lat) */
    int cp936;             /* Shapefile DBF in CP936 instead of UTF-8 */
    int overwrite;
    const char *basename, *title;
    exp_layer *layers;
    size_t nlayers;
    park_buf notes;
    park_export_report *rep;
} exp_job;

/* Writers: `dir` is the temporary directory (files) or NULL (pg); `file` is the
 * file name to use inside it for single-file formats. Each records what it wrote
 * with exp_report_add (final path computed by the driver from the file name). */
park_status exp_write_shp(exp_job *job, const char *dir);
park_status exp_write_ogr(exp_job *job, const char *dir, const char *file, const char *pg_conn);

/* ---- export_common.c: what the writers share with the driver. Call graph:
 * export.c -> export_{shp,ogr}.c -> export_{qml,common}.c, never back. */
void exp_report_add(exp_job *job, const exp_layer *l, const char *file);
const char *exp_geometry_name(const exp_layer *l);
/* Appends `s` escaped for XML (& < > "): as element text, or with `attr` also
 * ' and newline, for an attribute value (QML, .qgs). NULL appends nothing. */
void exp_xml_escape(park_buf *b, const char *s, bool attr);

/* QGIS's layer_styles table in a GeoPackage being written, and one default
 * style row in it (QGIS applies it when the layer is opened). */
park_status exp_gpkg_styles_create(park_ctx *ctx, void *ds, const char *where, void **out);
park_status exp_gpkg_style_add(park_ctx *ctx, void *styles, const char *table, const char *geomcol, const char *qml,
                               const char *sld, const char *desc, const char *where);
/* The style of recompute's diff layer (parcel_changes): gained green, lost red,
 * hatched where uncertain (new string, free()). */
char *exp_diff_qml(void);

/* QML for a prepared layer (new string, free()). */
char *exp_qml(exp_job *job, const exp_layer *l);
/* OGC SLD 1.1 of the same style, for the styleSLD column (new string, free()). */
char *exp_sld(const exp_layer *l);
typedef struct exp_cat {
    const char *value, *label; /* borrowed from the layer */
    unsigned char rgb[3];
} exp_cat;
/* The style classes of a layer (new array in *out, free()); 0 = one symbol for all. */
size_t exp_categories(const exp_layer *l, const char **attr, exp_cat **out);
/* Colour for feature i of a layer: metro colours for lines (by name/id), the
 * shared palette otherwise. hex "#rrggbb". */
void exp_feature_color(const exp_layer *l, size_t i, unsigned char rgb[3], char hex[8]);

/* Writes a whole small text file; PARK_ERR_OUTPUT naming it on failure. */
park_status exp_write_text(park_ctx *ctx, const char *path, const char *text);
/* Truncates UTF-8 `s` to at most `max` bytes at a character boundary, marking a cut
 * with "…". Returns a new string; *cut set when it was shortened. */
char *exp_utf8_truncate(const char *s, size_t max, int *cut);
#endif
