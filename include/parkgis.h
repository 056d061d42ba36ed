/*
 * parkgis.h - public API of libparkgis, a spatial engine for industrial-park layouts.
 *
 * OWNERSHIP RULE (stated once, holds for every function below):
 *   - A function named park_*_new / park_*_read / park_*_load / park_*_compile or
 *     documented "returns a new ..." hands the caller ownership; free it with the
 *     matching park_*_free (park_free for plain strings and arrays).
 *   - Every other pointer returned (names, geometries inside a layer, error text)
 *     is borrowed: it stays valid until the object it came from is freed.
 *   - Functions never take ownership of their arguments.
 *
 * ERRORS ARE VALUES: every fallible function returns a park_status. On failure the
 * context holds one human-readable message (park_ctx_errmsg) that names the file,
 * line or feature and what was expected. The status maps to the CLI exit code
 * (see park_status_exit_code and README "Exit codes").
 *
 * COORDINATES: parcel geometry is stored in CGCS2000 geographic (EPSG:4490),
 * axis order longitude, latitude. WGS84 input is accepted as equivalent: the two
 * frames differ by centimetres to decimetres in Shanghai, far below the accuracy
 * of any boundary in this project.
 *
 * THREADS: a park_ctx and everything made from it belong to one thread at a time.
 */
#ifndef PARKGIS_H
#define PARKGIS_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PARKGIS_VERSION "0.1.0"

/* GEOS geometry handle type, exposed so callers can use the GEOS C API on
 * borrowed geometries with park_ctx_geos(). */
struct GEOSGeom_t;
struct GEOSContextHandle_HS;

typedef enum park_status {
    PARK_OK = 0,
    PARK_ERR_CHECK = 1,    /* the data was read fine but a check failed (invalid polygon, ...) */
    PARK_ERR_USAGE = 2,    /* bad argument: coordinate, datum, CRS, option value */
    PARK_ERR_INPUT = 3,    /* unreadable / malformed input file, layer or text */
    PARK_ERR_OUTPUT = 4,   /* cannot write output, or output exists without --overwrite */
    PARK_ERR_NOTFOUND = 5, /* a lookup found nothing (unknown address, parcel id, layout) */
    PARK_ERR_INTERNAL = 70 /* a library (GEOS/PROJ/GDAL) failed unexpectedly, or out of memory */
} park_status;

/* The exit code the CLI uses for a status (identity today, kept as a function so
 * the mapping is documented in one place). */
int park_status_exit_code(park_status st);
const char *park_status_name(park_status st);

/* ------------------------------------------------------------------ context */

typedef struct park_ctx park_ctx;

/* Returns a new context: a GEOS reentrant handle, a PROJ context and an error
 * slot. NULL only when out of memory. */
park_ctx *park_ctx_new(void);
void park_ctx_free(park_ctx *ctx);

/* The last error message ("" when none). Borrowed. */
const char *park_ctx_errmsg(const park_ctx *ctx);
/* Set the error message printf-style and return `st` (so callers write
 * `return park_error(ctx, PARK_ERR_INPUT, "%s:%d: expected ...", file, line);`). */
park_status park_error(park_ctx *ctx, park_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void park_ctx_clear_error(park_ctx *ctx);

/* Library handles, borrowed, for modules that call GEOS / PROJ directly. */
struct GEOSContextHandle_HS *park_ctx_geos(park_ctx *ctx);
struct pj_ctx *park_ctx_proj(park_ctx *ctx);

/* Version strings of the linked libraries, e.g. for `parkgis --version`.
 * Writes into buf (always NUL-terminated). */
void park_versions(char *buf, size_t len);

/* Frees memory returned by park_* functions that is not an object with its own _free. */
void park_free(void *p);
/* Outputs are written under a temporary name and renamed into place when
 * complete. This installs SIGINT/SIGTERM/SIGHUP handlers that remove those
 * temporaries and then let the process die of the signal as usual; a program
 * (the CLI) calls it once at start. Not called, a signal leaves the temporary
 * "<dest>.tmp.<pid>" behind (the destination is never half-written either way). */
void park_atomic_cleanup_on_signals(void);
/* Whether writing the output `out` (a file or directory, existing or not;
 * "-" is standard output) would replace the input `input` (a path, or a layer
 * source "x.gpkg|layername=L"): the same file (device and inode, so links and
 * other spellings of the path count), a file of the same Shapefile, or a
 * directory that contains it. Every command that writes refuses such an
 * output, --overwrite or not (issue 12, item 7). */
int park_output_replaces(const char *out, const char *input); /* 1 or 0 */

/* Parses a plain decimal number, the only form parkgis takes from users:
 * optional sign, digits with an optional fraction, optional exponent ("121.4",
 * "-73.5", ".5", "3476500", "3.4765e6"); spaces or tabs around it are ignored.
 * Refused: empty text, hexadecimal ("0x10"), inf, nan, a value too large for a
 * double, a decimal comma ("121,4") and any other text. Returns 1 and sets *out,
 * or returns 0 and, when `why` is not NULL, sets *why to a phrase for messages:
 * "is empty", "is hexadecimal", "is not a finite number" or "is not a number"
 * (used as "latitude 'nan' is not a finite number (expected ...)"). */
int park_parse_number(const char *s, double *out, const char **why);

/* ------------------------------------------------------------------ parcels */

/* One feature of a parcel layer. All strings are UTF-8; optional ones are "" when
 * absent (never NULL). */
typedef struct park_parcel {
    char *id;                 /* ASCII slug, e.g. "baoshan-industrial" */
    char *name;               /* Chinese name as in the plan, e.g. "宝山工业园区" */
    double official_km2;      /* from the plan's table; NAN when the layer has none */
    char *layout;             /* layout memberships, ';'-separated element ids; "" if none */
    char *provenance;         /* how the geometry was made, free text or JSON */
    char *four_to;            /* the 四至 text it was compiled from; "" if none */
    struct GEOSGeom_t *geom;  /* (Multi)Polygon, lon/lat EPSG:4490. Owned by the layer. */
    long source_fid;          /* feature id in the source file, for messages */
    /* The positional error (metres) the source states for this boundary: its
     * numeric error_m field, else "error_m" of its JSON provenance. Zero-initialised
     * parcels (has_error_m 0) state none ("error unknown"), never "0 m". */
    int has_error_m;
    double error_m;
} park_parcel;

typedef struct park_layer park_layer;

/* Reads any OGR-readable polygon layer (Shapefile, GeoPackage, GeoJSON, ...) and
 * reprojects it to EPSG:4490. Required fields: id, name; official_km2 optional
 * (NAN when missing or blank, a note when the field is absent, an error when a
 * value is not a non-negative number); layout, provenance, four_to optional.
 * An empty layer or a feature that is not a (Multi)Polygon is an error.
 * `path` may name a layer of a multi-layer file the way QGIS writes it,
 * "parks.gpkg|layername=parcels" (see park_layer_source_split), or `layer_name`
 * may (giving both with different names is PARK_ERR_USAGE). When neither names
 * one and the file holds several layers, the only polygon layer with fields id
 * and name is read; no such layer, or more than one, is PARK_ERR_INPUT with a
 * message listing the layers. `encoding` may be NULL (auto: .cpg,
 * DBF LDID, else UTF-8, or CP936 when the text is not UTF-8 but valid GBK) or e.g.
 * "CP936" to override for Shapefiles (a note when the file is not a Shapefile).
 * On success *out is a new layer. Errors: PARK_ERR_INPUT naming path, feature, field;
 * PARK_ERR_USAGE for an encoding iconv does not know. */
park_status park_layer_read(park_ctx *ctx, const char *path, const char *layer_name,
                            const char *encoding, park_layer **out);
/* The most vertices one parcel may have. A planning parcel has tens to a few
 * thousand (the compiled Baoshan parcels at most 151); a 10^6-vertex polygon
 * made validate and recompute run for minutes (issue 12, item 5). More is
 * refused on reading (PARK_ERR_INPUT naming the feature: simplify it). */
#define PARK_MAX_PARCEL_VERTICES 100000

/* Refuses a layer with an invalid polygon, for the commands whose numbers
 * would be wrong on one (area, export, render): a bow-tie measured 0 km², a
 * hole outside its shell was subtracted (issue 12, item 6). PARK_ERR_INPUT
 * naming the file, the feature and GEOS's reason and place; PARK_OK when every
 * parcel is valid. `validate` reports all of them instead. */
park_status park_layer_check_valid(park_ctx *ctx, const park_layer *l);

/* Field names of layers that are not parkgis's own (issue 13). parkgis reads
 * id, name, official_km2, layout, provenance, four_to and error_m, also in the
 * 10-character forms a Shapefile holds (official_k as QGIS/OGR cut official_km2,
 * official, provenanc). A mapping names the field that holds one of them in
 * every layer this context reads afterwards ("id" = "编号"); official_km2 may
 * carry a unit, "面积:ha" (km2, ha, m2 or mu; default km2), converted on reading.
 * PARK_ERR_USAGE for an unknown canonical name or unit. */
park_status park_field_map_set(park_ctx *ctx, const char *canonical, const char *source);
/* "CANON=SOURCE" (the --field form). */
park_status park_field_map_parse(park_ctx *ctx, const char *assignment);
/* A saved mapping: one CANON=SOURCE per line, '#' starts a comment; errors name
 * the file and line. */
park_status park_field_map_load(park_ctx *ctx, const char *path);

/* Splits a layer source "PATH|layername=NAME" into new strings *path and *layer
 * (*layer NULL when the source names none; free both with park_free). A source
 * that exists as a file is never split. PARK_ERR_USAGE for any other text
 * after '|' (QGIS's |layerid=N, |subset=...), naming the form expected. */
park_status park_layer_source_split(park_ctx *ctx, const char *source, char **path, char **layer);

/* Returns a new, empty layer (for building layers in code, e.g. the compiler). */
park_layer *park_layer_new(park_ctx *ctx);
/* Appends a copy of the strings and takes ownership of `geom`. */
park_status park_layer_add(park_ctx *ctx, park_layer *layer, const park_parcel *p);
void park_layer_free(park_layer *layer);

size_t park_layer_count(const park_layer *layer);
const park_parcel *park_layer_get(const park_layer *layer, size_t i);
/* The parcel with that id (or Chinese name), or NULL. */
const park_parcel *park_layer_find(const park_layer *layer, const char *id_or_name);
/* Warnings gathered while reading (one per line, "" when none): e.g. a missing
 * .prj taken as EPSG:4490, a name that is not valid UTF-8. Borrowed. */
const char *park_layer_notes(const park_layer *layer);
/* Path the layer was read from ("" when built in code). */
const char *park_layer_path(const park_layer *layer);

/* The bundled parcel layer: $PARKGIS_DATA if set, else the geodata/ directory the
 * build was configured with (compiled in), else ./geodata. Borrowed static string. */
const char *park_default_data_dir(void);
const char *park_default_parcels_path(void);

/* ------------------------------------------------------------------ area (PROJ) */

/* Geodesic area in m² of a lon/lat (Multi)Polygon on the CGCS2000 ellipsoid
 * (GRS80), holes subtracted. */
park_status park_area_geodesic(park_ctx *ctx, const struct GEOSGeom_t *g, double *m2);
/* Geodesic perimeter in metres of a lon/lat (Multi)Polygon or collection on GRS80:
 * every ring, holes included, segment by segment (PROJ geod_inverse); other
 * geometry types count 0. */
double park_perimeter_geodesic(park_ctx *ctx, const struct GEOSGeom_t *g);
/* Geodesic length in metres of the lon/lat lines in g (LineString, MultiLineString
 * or a collection of them; points and polygons count 0). */
double park_length_geodesic(park_ctx *ctx, const struct GEOSGeom_t *g);
/* Planar area in m² after projecting to `crs` (e.g. "EPSG:4549"). */
park_status park_area_planar(park_ctx *ctx, const struct GEOSGeom_t *g, const char *crs,
                             double *m2);
/* Returns a new geometry transformed from `src_crs` to `dst_crs` (lon/lat axis
 * order for geographic CRSs, x/y for projected). */
park_status park_transform(park_ctx *ctx, const struct GEOSGeom_t *g, const char *src_crs,
                           const char *dst_crs, struct GEOSGeom_t **out);
/* Transforms one coordinate pair in place. */
park_status park_transform_xy(park_ctx *ctx, const char *src_crs, const char *dst_crs,
                              double *x, double *y);
/* Geodesic distance in metres between two lon/lat points on GRS80. */
double park_geodesic_distance(park_ctx *ctx, double lon1, double lat1, double lon2, double lat2);

/* ------------------------------------------------------------------ datums */

typedef enum park_datum {
    PARK_DATUM_WGS84 = 0,
    PARK_DATUM_CGCS2000,
    PARK_DATUM_GCJ02,
    PARK_DATUM_BD09
} park_datum;

/* Parses "wgs84", "cgcs2000", "gcj02", "bd09" (case-insensitive). */
park_status park_datum_parse(park_ctx *ctx, const char *s, park_datum *out);
/* Converts lon/lat in `datum` to WGS84 (GCJ-02/BD-09: exact iterative inverse,
 * residual < 0.5 m inside China). */
park_status park_datum_to_wgs84(park_ctx *ctx, park_datum datum, double lon, double lat,
                                double *wlon, double *wlat);
/* Forward obfuscations, for tests and for exporting to Chinese web maps. */
void park_wgs84_to_gcj02(double lon, double lat, double *glon, double *glat);
void park_gcj02_to_bd09(double lon, double lat, double *blon, double *blat);
void park_bd09_to_gcj02(double lon, double lat, double *glon, double *glat);
/* Exact inverses (fixed-point iteration to < 1e-9 degrees; identity outside the
 * China box for GCJ-02). park_bd09_to_gcj02 above is exact too. */
void park_gcj02_to_wgs84(double lon, double lat, double *wlon, double *wlat);

#ifdef __cplusplus
}
#endif

/* The capability areas, one header each. */
#include "parkgis_query.h"
#include "parkgis_compile.h"
#include "parkgis_layout.h"
#include "parkgis_export.h"
#include "parkgis_address.h"
#include "parkgis_recompute.h"

#endif /* PARKGIS_H */
