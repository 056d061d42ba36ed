/* parkgis_query.h - adjacency, point-in-park, validation (issue 2). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_QUERY_H
#define PARKGIS_QUERY_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

/* ---- point-in-park. Uses prepared geometries and an STRtree envelope index
 * cached on the layer (built on first call, freed with the layer). */
typedef struct park_locate_result {
    double wgs84_lon, wgs84_lat;   /* the point after datum/CRS conversion */
    int inside;                    /* 1 when a parcel contains the point */
    const park_parcel *parcel;     /* containing parcel (borrowed) or NULL */
    double distance_m;             /* inside: distance to that parcel's boundary;
                                      outside: distance to the nearest parcel */
    const park_parcel *nearest;    /* outside: nearest parcel (borrowed); inside: == parcel */
    double nearest_distance_m;     /* distance to `nearest` (0 when inside) */
    size_t index;                  /* layer index of parcel (inside) or nearest; (size_t)-1 if none */
    size_t ncontaining;            /* parcels covering the point (> 1 where parcels overlap;
                                      `parcel` is then the first in layer order) */
} park_locate_result;

/* Locates a lon/lat point given in `datum`. Errors: PARK_ERR_USAGE for NaN/inf or
 * out-of-range coordinates. */
park_status park_locate_lonlat(park_ctx *ctx, const park_layer *layer, double lon, double lat,
                               park_datum datum, park_locate_result *out);
/* Converts X Y given in `crs` (e.g. "EPSG:4549") to EPSG:4490 lon/lat, checked:
 * PARK_ERR_USAGE for NaN/inf, an unknown CRS, or a point outside the CRS's
 * domain (the conversion does not round-trip, or lands off the globe). */
park_status park_xy_to_lonlat(park_ctx *ctx, const char *crs, double x, double y, double *lon, double *lat);
/* Locates a projected x/y given in `crs` (e.g. "EPSG:4549"); checked as above. */
park_status park_locate_xy(park_ctx *ctx, const park_layer *layer, const char *crs, double x,
                           double y, park_locate_result *out);

/* How likely the place at WGS84 lon/lat, known to 1-sigma sigma_m metres (0 for
 * exact coordinates), is in each parcel, the parcels' own edge errors (error_m)
 * counted: p[i] for parcel i of the layer, p[n] outside every parcel (n =
 * park_layer_count; p holds n + 1, the caller's). Near a shared edge both sides
 * count and the whole adds up to 1. *unverified (may be NULL) is set when some
 * parcel states no error_m (taken as 30 m). The model is in src/query/certainty.c
 * (a Gaussian's mass on each side of the nearest edge). Errors: PARK_ERR_USAGE for
 * sigma_m < 0 or not finite. */
#define PARK_EDGE_ERROR_UNSTATED_M 30.0 /* a parcel's edge error when it states none (unverified) */
park_status park_locate_probability(park_ctx *ctx, const park_layer *layer, double lon, double lat, double sigma_m, double *p,
                                    int *unverified);
/* The edge error (m) park_locate_probability uses for parcel `index` at lon/lat
 * (WGS84/CGCS2000): the error_m of the compiled boundary piece nearest the point
 * (the parcel's provenance `pieces`, on the bundled gazetteer's features), else the
 * parcel's own error_m (PARK_EDGE_ERROR_UNSTATED_M when it states none). */
park_status park_locate_edge_error(park_ctx *ctx, const park_layer *layer, double lon, double lat, size_t index, double *error_m);
/* The 1-sigma error (m) a conversion from `datum` to WGS84 adds to a point: 14.4 for
 * GCJ-02 and BD-09 (from the 17 m median of the data README's check on 290 metro
 * stations, an upper bound), 0 for WGS84 and CGCS2000. */
double park_datum_error_m(park_datum datum);

/* Which parcel covers a lon/lat point: the same answer as park_locate_lonlat's
 * `index` when `inside` (the first in layer order), (size_t)-1 when none,
 * without the distances. Built for bulk: the first call classifies a grid over
 * the layer (cells inside one parcel, outside all, or crossed by an edge) and
 * only points in edge cells take the exact GEOS prepared test. Errors as
 * park_locate_lonlat. */
park_status park_locate_parcel(park_ctx *ctx, const park_layer *layer, double lon, double lat, park_datum datum,
                               size_t *index);
/* The grid's size and its number of edge cells (0, 0, 0 when the layer has
 * no grid: then every point takes the exact test). For benchmarks and tests. */
park_status park_locate_grid_stats(park_ctx *ctx, const park_layer *layer, int *w, int *h, size_t *nboundary);

/* ---- adjacency between parcels */
typedef enum park_relation {
    PARK_REL_SHARES_EDGE, PARK_REL_TOUCHES_AT_POINT, PARK_REL_OVERLAPS, PARK_REL_NEAR, PARK_REL_DISJOINT
} park_relation;
const char *park_relation_name(park_relation r); /* "shares-edge", ... */

typedef struct park_pair {
    size_t a, b;            /* indices into the layer, a < b */
    park_relation relation;
    double shared_m;        /* boundary length within tolerance of the other parcel */
    double gap_m;           /* minimum distance (0 when touching/overlapping) */
    double overlap_m2;      /* area of the intersection */
    char de9im[10];         /* DE-9IM matrix of the exact geometries */
} park_pair;

/* Computes every pair. *pairs is a new array of *n entries (park_free). */
park_status park_adjacency(park_ctx *ctx, const park_layer *layer, double tolerance_m,
                           park_pair **pairs, size_t *n);

/* ---- validation of a layer */
typedef enum park_issue_level { PARK_WARNING, PARK_ERROR } park_issue_level;
typedef struct park_issue {
    park_issue_level level;
    char kind[32];          /* "invalid", "overlap", "gap", "sliver", "no-id", "duplicate-id", ... */
    char *feature;          /* id (or "#fid") of the feature(s) concerned */
    char *message;          /* human text, names the GEOS reason */
    double x, y;            /* location (lon/lat) or NAN */
    double measure;         /* area m² / width m / ... as the kind says, or NAN */
} park_issue;
typedef struct park_validation {
    park_issue *issues;
    size_t n;
    size_t errors, warnings;
} park_validation;

typedef struct park_validate_opts {
    double overlap_min_m2;  /* overlaps smaller than this are ignored (default 1 m²) */
    double gap_max_m;       /* gaps/slivers narrower than this are reported (default 25 m) */
} park_validate_opts;
void park_validate_opts_default(park_validate_opts *o);
/* Validates every polygon (GEOS reason and location), ids, overlaps and gaps.
 * *out is a new report (park_validation_free). Returns PARK_OK even when the layer
 * has errors: look at out->errors. */
park_status park_validate(park_ctx *ctx, const park_layer *layer, const park_validate_opts *o,
                          park_validation **out);
void park_validation_free(park_validation *v);

#ifdef __cplusplus
}
#endif
#endif
