/* query.h - internal to src/query: the per-layer query cache shared by locate,
 * adjacency and validate.
 *
 * Measures in metres need a metric plane. EPSG:4549 (GK zone CM 120E) would do
 * for Baoshan, but at 121.4E its scale error is 2.2e-4 and it is wrong for a
 * layer elsewhere. So each layer gets its own transverse Mercator on GRS80 with
 * the central meridian through the layer's centre: over a layer of a few tens
 * of km the scale error is below 1e-5 (under 1 mm in 100 m). Distances that are
 * reported are then refined geodesically (nearest points found in the plane,
 * measured on the ellipsoid); areas are geodesic (park_area_geodesic). */
#ifndef PARKGIS_QUERY_INTERNAL_H
#define PARKGIS_QUERY_INTERNAL_H
#include <stdarg.h>
#include "../internal.h"
#include "../store/store.h"

/* fmax and fmin without libm's call (gcc calls it on x86-64): the same value, NaN handling
 * included (a NaN argument gives the other); only which zero of fmax(-0.0, 0.0) may
 * differ, and no caller tells them apart (issue 11: 5 M calls a 100,000-row batch) */
static inline double park_fmax(double a, double b) { return a > b || b != b ? a : b; }
static inline double park_fmin(double a, double b) { return a < b || b != b ? a : b; }
/* Squared distance from (px, py) to the envelope [minx, maxx] x [miny, maxy] (0 inside). */
static inline double park_env_dist2(double minx, double miny, double maxx, double maxy, double px, double py) {
    double dx = park_fmax(park_fmax(minx - px, px - maxx), 0), dy = park_fmax(park_fmax(miny - py, py - maxy), 0);
    return dx * dx + dy * dy;
}

struct park_layer_index {
    GEOSContextHandle_t geos; /* the handle that made the objects below (to free them) */
    size_t n;
    char metric_crs[192];     /* "+proj=tmerc +lon_0=... +ellps=GRS80 ... +type=crs" */
    GEOSGeometry **fixed;     /* lon/lat; the parcel's own geometry when valid, else a repaired copy */
    unsigned char *owned;     /* fixed[i] is owned (a repair) */
    GEOSGeometry **metric;    /* fixed[i] in metric_crs, owned */
    GEOSGeometry **metric_boundary; /* boundary of metric[i], owned */
    const GEOSPreparedGeometry **prep_ll;     /* prepared fixed[i] (containment) */
    const GEOSPreparedGeometry **prep_m;      /* prepared metric[i] (distances) */
    const GEOSPreparedGeometry **prep_mb;     /* prepared metric_boundary[i] (distance to the edge) */
    GEOSSTRtree *tree_ll;     /* envelopes of fixed[i] (lon/lat) for point queries */
    GEOSSTRtree *tree_m;      /* envelopes of metric[i] for nearest-neighbour queries */
    size_t *items;            /* items[i] == i: the STRtree payloads */
    size_t nindexed;          /* non-empty parcels, i.e. items in the trees */
    /* The rings of metric[i] as flat arrays, cut into chunks of a few segments
     * with their envelopes: locate's point-to-parcel distances and nearest
     * points run on these (see locate.c) instead of a GEOS call per parcel. */
    double *vx, *vy;                /* vertices, ring after ring, parcel after parcel */
    struct park_facet_chunk *chunks;
    size_t *chunk0;                 /* parcel i's chunks: chunks[chunk0[i] .. chunk0[i + 1]) */
    double *env_m;                  /* 4 per parcel: metric envelope minx, miny, maxx, maxy (empty: inverted) */
    double slack_m;                 /* how far a metric polygon can reach past its lon/lat parcel (m) */
    PJ *pj_to_metric, *pj_to_lonlat; /* EPSG:4490 <-> metric_crs, owned */
    PJ *pj_tm;                      /* the pipelines' tmerc step alone (radians <-> metres), owned:
                                     * park_query_to_metric/_to_lonlat (locate.c) */
    PJ_CONTEXT *pj_ctx;             /* theirs: a context without proj.db (locate.c), owned */
    /* The bulk point-in-parcel grid (grid.c), built on the first
     * park_locate_parcel call; NULL when it cannot be built (exact test only). */
    struct park_grid *grid;
    int grid_tried;
    /* The error of each boundary piece (edge_error.c), built on the first
     * probability query; NULL when the layer has no compiled pieces. */
    struct park_edge_errors *edge_err;
    int edge_err_tried;
};
void park_grid_free(struct park_grid *g);
struct park_edge_errors;
void park_edge_errors_free(struct park_edge_errors *e);
/* Each parcel's largest piece error from its provenance (see edge_error.c). *out
 * NULL when the layer has no compiled pieces. */
park_status park_edge_errors_bounds(park_ctx *ctx, const park_layer *layer, struct park_edge_errors **out);
/* Cuts each parcel's metric boundary into the pieces its provenance names (once;
 * loads the bundled gazetteer). No-op for e NULL. */
park_status park_edge_errors_build(park_ctx *ctx, const struct park_layer_index *ix, const park_layer *layer,
                                   struct park_edge_errors *e);
/* 1 when the layer's provenance lists boundary pieces (then the pieces are made). */
int park_edge_errors_wanted(const park_layer *layer);
/* The gazetteer directory the pieces are cut on (the bundled one: <data dir>/gazetteer). */
char *park_edge_errors_gazetteer_dir(void);
/* The bounds and the pieces of ix's layer, made now if they were not (ix->edge_err). */
park_status park_edge_errors_ensure(park_ctx *ctx, struct park_layer_index *ix, const park_layer *layer);
/* The index snapshot's section of edge errors (index_snap.c): e as made (NULL: the
 * layer has no pieces; else built); read back checked against the layer (every
 * count, error and geometry type), *out NULL for a layer without pieces. */
bool park_edge_errors_put(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const struct park_edge_errors *e);
bool park_edge_errors_get(park_ctx *ctx, GEOSWKBReader *wr, park_snap_rd *d, const park_layer *layer,
                          struct park_edge_errors **out);
/* The pieces made (0 before park_edge_errors_build or without a gazetteer); 1 once built. */
size_t park_edge_errors_pieces(const struct park_edge_errors *e);
int park_edge_errors_built(const struct park_edge_errors *e);
/* The largest piece error of parcel i (NAN: none). */
double park_edge_error_max(const struct park_edge_errors *e, size_t i);
/* The error of the boundary piece of parcel i nearest pt (metric x, y), the point being d m
 * from the boundary; `own` (the parcel's error_m) where the nearest is not on a piece. */
double park_edge_error_at(const struct park_edge_errors *e, size_t i, double x, double y, const GEOSGeometry *pt, double d,
                          double own);
/* 1 when the grid alone answers which parcels cover lon/lat: *index is the one
 * parcel covering it, or (size_t)-1 for none (no other parcel covers or touches
 * the cell, so the covering count is exactly 0 or 1); 0: ask GEOS. */
int park_grid_sole(const struct park_grid *g, double lon, double lat, size_t *index);

/* The cache for `layer`, built on first use and freed with the layer. The
 * layer must be freed before the ctx that built it. Borrowed. */
park_status park_query_index(park_ctx *ctx, const park_layer *layer, struct park_layer_index **out);
/* park_locate_lonlat; measure false: distance_m and nearest_distance_m stay NAN (no
 * geodesic, no metric -> lon/lat steps), everything else the same (the nearest parcel
 * of an outside point is chosen in the plane either way). */
park_status park_query_locate_lonlat(park_ctx *ctx, const park_layer *layer, double lon, double lat, park_datum datum,
                                     bool measure, park_locate_result *out);

/* What the index build takes PROJ and GEOSisValid for, from a snapshot
 * (index_snap.c, issue 11): per parcel its repair (NULL when it was valid) and
 * its metric geometry, the facets' slack. Taken over by the build (set NULL). */
typedef struct park_index_snap {
    size_t n;
    GEOSGeometry **fixed, **metric;
    int facets;      /* the build had facets (every parcel polygonal) */
    double slack_m;
    struct park_edge_errors *edge_err; /* the boundary pieces' errors (NULL: the layer has none) */
} park_index_snap;
park_index_snap *park_index_snap_load(park_ctx *ctx, const park_layer *layer, const char *metric_crs);
/* The snapshot in `data` when it is a sound one of `key` for `layer`; for the fuzzer. */
park_index_snap *park_index_snap_parse(park_ctx *ctx, const park_layer *layer, const unsigned char *data, size_t len,
                                       const char *key);
void park_index_snap_free(park_ctx *ctx, park_index_snap *s);
/* After a build from scratch (best effort): makes the edge errors first
 * (park_edge_errors_ensure) so that the snapshot holds them. */
void park_index_snap_store(park_ctx *ctx, const park_layer *layer, struct park_layer_index *ix);

/* A polygonal repair of g (GEOSMakeValid, then only the polygonal parts kept).
 * New geometry; NULL after recording the GEOS error. */
GEOSGeometry *park_query_repair(park_ctx *ctx, const GEOSGeometry *g);

/* Metric plane -> lon/lat (EPSG:4490) for one point. */
park_status park_query_to_lonlat(park_ctx *ctx, const struct park_layer_index *ix, double *x, double *y);
/* lon/lat -> metric plane for one point. */
/* g (lon/lat, EPSG:4490) in the layer's metric plane: park_transform(g, "EPSG:4490",
 * ix->metric_crs) with the index's own pipeline, the same doubles without PROJ's
 * database search (test_grid checks both agree). New geometry. */
park_status park_query_geom_to_metric(park_ctx *ctx, const struct park_layer_index *ix, const GEOSGeometry *g, GEOSGeometry **out);
park_status park_query_to_metric(park_ctx *ctx, const struct park_layer_index *ix, double *x, double *y);
/* The planar distance from metric (x, y) to parcel i's edges (its rings), by the
 * facets: the value GEOSPreparedDistance gives against prep_mb[i] (the same segments,
 * GEOS's point-to-segment arithmetic, the minimum). NAN when parcel i has no facets
 * (an empty parcel, or a layer on the GEOS path): ask GEOS then. */
double park_query_edge_distance(const struct park_layer_index *ix, size_t i, double x, double y);

/* Geodesic distance (m) between two metric-plane geometries: the nearest
 * points are found in the plane and measured on GRS80. 0 when they meet. */
park_status park_query_distance(park_ctx *ctx, const struct park_layer_index *ix, const GEOSGeometry *a,
                                const GEOSGeometry *b, double *m);
/* The same with `a` prepared (indexed facets: fast for big parcels). */
park_status park_query_distance_prep(park_ctx *ctx, const struct park_layer_index *ix, const GEOSPreparedGeometry *a,
                                     const GEOSGeometry *b, double *m);

/* certainty.c: the probability of each parcel (p[i], i < n) and of outside (p[n])
 * for metric point x, y with 1-sigma error sigma_m (the model is in certainty.c and
 * README "Certainty"); in[i] (may be NULL) 1 where parcel i covers the point;
 * *unverified (may be NULL) 1 when a parcel's edge error is not stated. */
park_status park_query_probabilities(park_ctx *ctx, const struct park_layer_index *ix, const park_layer *layer, double x, double y,
                                     double sigma_m, double *p, signed char *in, int *unverified);
/* Appends an issue to the array *issues (*n used, *cap allocated; realloc'd as it
 * grows), its message formatted from fmt and ap, feature (may be NULL) copied, and
 * counts it in *errors or *warnings by level. The array owns both strings (the
 * report's free function frees them). 0 when out of memory: nothing appended. Shared
 * by validation (validate.c) and recompute's report (adjust/recompute.c). */
int park_issue_vappend(park_issue **issues, size_t *n, size_t *cap, size_t *errors, size_t *warnings, park_issue_level level,
                       const char *kind, const char *feature, double x, double y, double measure, const char *fmt, va_list ap);

/* linref.c: a LineString's vertices as arrays, for measures along it that give
 * GEOS's linear-referencing numbers to the bit without a GEOS call (issue 11). */
typedef struct park_line {
    size_t n;        /* vertices */
    double *x, *y;   /* the vertices */
    double *seg;     /* seg[i]: length of segment i (i + 1 < n) */
    double *cum;     /* cum[i]: running length at vertex i (cum[0] = 0) */
    double len;      /* GEOSLength_r of the line */
} park_line;
/* Copies a LineString (else PARK_ERR_INTERNAL) into *out; park_line_free frees it. */
park_status park_line_from_geos(park_ctx *ctx, const GEOSGeometry *line, park_line *out);
void park_line_free(park_line *l);
/* = GEOSProject_r(line, point(px, py)): the measure of the nearest point of the line. */
double park_line_project(const park_line *l, double px, double py);
/* = GEOSInterpolate_r(line, d): the point at measure d (negative: from the end; clamped). */
void park_line_interpolate(const park_line *l, double d, double *x, double *y);
/* = GEOSDistance_r(line, point(px, py)). */
double park_line_distance(const park_line *l, double px, double py);
#endif
