/* src/query/address/internal.h - shared by the address resolver's files (issue 5, split in issue 10).
 *
 *   index.c    loading: the gazetteer(s), stations, towns, the address index
 *              (house numbers, places); the resolver object's life cycle
 *   roads.c    one road: lookup by name, suggestions, clipping to a town or
 *              station, its parcels (shares of length)
 *   numbers.c  house numbers: interpolation along the road between known numbers
 *   answer.c   a point answer: parcel probabilities from the point's and the
 *              parcel edges' errors; candidates
 *   resolve.c  park_address_resolve: which of the above an address needs
 */
#ifndef PARKGIS_QUERY_ADDRESS_INTERNAL_H
#define PARKGIS_QUERY_ADDRESS_INTERNAL_H
#include <stdbool.h>

#include <gdal.h>
#include <ogr_api.h>

#include "../query.h"
#include "../../util/strmap.h"

/* A road closer than this to a parcel edge runs "along" it. The parcel edges
 * of the 四至 compiler are built from the same centrelines, so a boundary road
 * coincides with the edge to well under this; 30 m is about half the width of
 * a Baoshan arterial with its verges. */
#define BOUNDARY_TOL_M 30.0
/* Two centrelines that do not cross but come within this distance are taken to
 * meet (a T-junction whose stub ends short, or digitising error). */
#define MEET_TOL_M 60.0
/* "Near a metro station": within a 500 m walk, the radius used for shares. */
#define STATION_RADIUS_M 500.0

/* ------------------------------------------------------------------ road cache */

/* A crossing point of two roads, remembered: a batch names the same junctions
 * again and again, and the intersection of two long centrelines is the costly part.
 * Bounded by the pairs of gazetteer roads, so memory does not grow with the rows. */
typedef struct cross_memo {
    int npts;
    double x, y, gap;
} cross_memo;

typedef struct road_info {
    char *key;                  /* the lookup key that found it */
    const park_feature *first;  /* the first matching feature (for names, provenance) */
    char *names;                /* "富联一路" or "长江路 (2 pieces)" */
    int gz_course;              /* every piece is from the 四至 gazetteer (not the address index's
                                 * roads-from-points): a parcel boundary, whose course the
                                 * house numbers are placed along (issue 10) */
    double error_m;             /* worst positional error of the pieces */
    double prov_factor;         /* 1 osm, 0.9 anchored, 0.75 approximate (worst piece) */
    GEOSGeometry *m;            /* merged geometry in the metric plane */
    int analysed;
    int none;                   /* a clip that came out empty (cached so it is not redone) */
    park_match match;
    double confidence;
    int inside;
    const park_parcel *parcel, *nearest;
    double distance_m, length_m;
    park_candidate *cand;
    size_t ncand;
    char *note;
    struct park_ar_course *course; /* the course merged and as arrays (numbers.c), made on first use */
    int course_tried;
} road_info;
void park_ar_course_free(struct park_ar_course *c);

struct park_resolver {
    park_ctx *ctx;
    unsigned point_off; /* PARK_POINT_* that park_resolver_set_point_fields left out */
    const park_layer *layer;
    park_layer_index *ix;
    park_gazetteer **gz;
    size_t ngz;
    const park_feature **feat;
    char **fkey;  /* normalised name per feature */
    char **fali;  /* ";alias;alias;" normalised */
    size_t nfeat;
    /* obuf, obuf_prep, obuf_all, bb_all and each feature's geometry: of a resolver
     * read from a snapshot, NULL until first asked for through park_ar_obuf_prep,
     * park_ar_obuf_all, park_ar_bb_all, park_ar_feat_geom (snapshot.c), which decode
     * them from the snapshot's bytes: use those, not the fields */
    GEOSGeometry **obuf;   /* parcel grown by BOUNDARY_TOL_M (metric) */
    const GEOSPreparedGeometry **obuf_prep;
    GEOSGeometry *obuf_all; /* union of obuf */
    GEOSGeometry *bb_all;   /* union of the parcel boundaries grown by BOUNDARY_TOL_M */
    unsigned char *snap;    /* the snapshot's bytes (owned) when read from one, else NULL */
    park_snap_wkb *feat_wkb, *obuf_wkb, obuf_all_wkb, bb_all_wkb; /* their WKB in snap */
    GEOSGeometry *parcels_all; /* union of the parcels (metric) */
    road_info **roads;
    size_t nroads, rcap;
    park_strmap *cross;     /* crossing points already computed: (road, road, near) -> cross_memo */
    char **sugg_name;       /* suggestion candidates: every name and alias once */
    unsigned **sugg_cp;     /* ... their keys as code points */
    size_t *sugg_len, nsugg;
    int sugg_built;
    size_t nst;             /* metro stations (<gazetteer dir>/points/stations.geojson) */
    char **st_name, **st_key, **st_ali, **st_lines;
    double *st_lon, *st_lat;
    GEOSGeometry **st_circle; /* STATION_RADIUS_M around each, metric, made on first use */
    park_layer *admin;      /* 区/镇 polygons (<gazetteer dir>/admin/towns.geojson), or NULL */
    GEOSGeometry **admin_m; /* each in the metric plane */
    GEOSGeometry **admin_grown; /* admin_m grown by ADMIN_TOL_M, made on first use */
    const GEOSPreparedGeometry *baoshan_prep; /* 宝山区 prepared, made on first use */
    park_buf notes;
    /* the address index (<gazetteer dir>/index/, issue 10), loaded on first use */
    char *index_dir;        /* the first directory that has index/houses.geojson, or NULL */
    int index_loaded;
    struct park_ar_houses *houses;
    struct park_ar_places *places;
    double *perr;           /* each parcel's error_m (park_parcel); NAN when it states none */
    size_t idx_feat_lo, idx_feat_hi; /* feat[lo, hi): the lines of index_dir (roads from points) */
    /* per-resolver constants made on first use (batch speed, issue 11): each parcel's
     * geodesic area, and the area of each station circle / admin polygon shared with each
     * parcel (nst x nparcels, nadmin x nparcels; NAN until computed) */
    double *parcel_geod_area;
    double *st_parcel_area, *admin_parcel_area;
    /* suggestions already made, by name key (roads.c; at most SUGG_MEMO_MAX keys) */
    park_strmap *smemo;
    size_t *sugg_nc;        /* characters of each sugg_name (made with the memo) */
    /* road_lookup's answers by name key, found or not (roads.c; at most ROAD_MEMO_MAX):
     * road_info, NULL when no gazetteer feature has that name */
    park_strmap *rmemo;
    park_strmap *rawmemo; /* the same answers by the name as written (roads.c) */
    /* numbers.c (issue 11), both freed with free(): a road name's range of known numbers
     * (its key's [lo, hi) in houses->order; at most NUM_MEMO_MAX names), and the placement
     * between two known numbers as far as it does not depend on the number placed
     * (the anchors' points and errors, their measures along a 四至 course; keyed by
     * (course, lo, n1, n2): bounded by the pairs of consecutive known numbers) */
    park_strmap *nrange, *nbracket;
    /* point_memo.c (issue 11): a point answer by its exact (x, y, sigma_m) bits, at most
     * pmemo_max (0: PMEMO_MAX); pmemo_off (tests) turns it off; pmemo_hits counts the
     * answers it gave */
    struct park_ar_pmemo *pmemo;
    int pmemo_off;
    size_t pmemo_max;
    size_t pmemo_hits;
};
/* Error of an admin polygon: its provenance text carries no number, so the
 * error_m the build tool wrote is not available through park_parcel; the
 * tolerance below is the larger of those estimates (see build_address_admin.c). */
#define ADMIN_TOL_M 150.0

/* The address index in memory (numbers.c, places.c; snapshot.c stores both). */
typedef struct park_ar_houses {
    size_t n;
    char **key;     /* road key (park_ar_name_key) */
    long *num;
    double *x, *y, *err;
    size_t *order;  /* indices sorted by (key, num) */
    double spacing; /* median metres per number between consecutive known numbers */
    char *strs;     /* when set, every key points into it (one block: snapshot.c) */
} park_ar_houses;
typedef struct park_ar_places {
    size_t n;
    char **name, **kind, **method;
    size_t *len; /* strlen(name) */
    double *x, *y, *sigma;
    /* a hash of each name's first PKEY bytes (the whole name when shorter), chained:
     * place_find tries the names starting at each byte of the text instead of
     * strstr with every name (issue 11) */
    size_t hcap, *head, *next; /* head[h], next[i]: indices + 1, 0 ends the chain */
    /* the answer for each name, made with the hash: the mean of the features of that
     * name, their mean sigma and spread (place_find's answer, once per name, not a scan
     * of every name per address; issue 11) */
    double *gx, *gy, *gsigma;
    char *strs; /* when set, every name, kind and method points into it (one block: snapshot.c) */
} park_ar_places;
/* Makes head/next of a places table whose names and points are set, and gx/gy/gsigma
 * when `group` (else the caller sets them, as the snapshot stores them, or leaves them
 * NULL: then each answer is grouped when asked) (places.c). */
void park_ar_places_index(park_ar_places *p, bool group);

/* ---- snapshot.c (issue 11): the resolver as park_resolver_new and
 * park_ar_index_load made it, from a checked snapshot of the same inputs; NULL
 * when there is none (perr is left to the caller). */
park_resolver *park_ar_snapshot_load(park_ctx *ctx, const park_layer *layer, park_layer_index *ix, const char *gazetteer_dirs);
/* The resolver in snapshot bytes `data` (malloc'd; taken: kept by the resolver,
 * or freed here when NULL is returned) when they hold one for `key` (every
 * count, length and geometry checked, the geometries' WKB without decoding it);
 * NULL otherwise. For the fuzzer. */
park_resolver *park_ar_snapshot_parse(park_ctx *ctx, const park_layer *layer, park_layer_index *ix, unsigned char *data,
                                      size_t len, const char *key);
/* The geometries a snapshot's resolver decodes on first use (a lookup needs a
 * few of them; decoding all was half the snapshot's read). Borrowed; NULL with
 * an error in ctx (status PARK_ERR_INTERNAL) when GEOS cannot make it (out of memory). */
const GEOSGeometry *park_ar_feat_geom(park_resolver *r, size_t i);
const GEOSPreparedGeometry *park_ar_obuf_prep(park_resolver *r, size_t i);
const GEOSGeometry *park_ar_obuf_all(park_resolver *r);
const GEOSGeometry *park_ar_bb_all(park_resolver *r);
/* After a build: loads the address index (as a lookup would) and writes the
 * snapshot; best effort, never an error; r answers as before. */
void park_ar_snapshot_store(park_resolver *r, const char *gazetteer_dirs);

/* ---- numbers.c */
/* Where house number `q` of road `road` is, from the known numbers in the index:
 * *x, *y metric, *sigma_m its 1-sigma error (m); `why` gets how (interpolated
 * between N and M, extrapolated past N, known). Returns 1 when placed, 0 when the
 * road has no known numbers, -1 on error (ctx). *extrapolated set. */
/* `course` (may be NULL): a road of the 四至 gazetteer (road_info.gz_course): a
 * number between or past known numbers is placed along its course (see numbers.c). */
int park_ar_number_point(park_resolver *r, const char *road, struct road_info *course, long q, double *x, double *y,
                         double *sigma_m, int *extrapolated, park_buf *why);
/* The number of known house numbers of a road (0 when none). */
size_t park_ar_number_count(park_resolver *r, const char *road);
void park_ar_houses_free(struct park_ar_houses *h);

/* ---- places.c */
/* The longest indexed place name contained in `text` (normalised). Returns its
 * index or -1; *x, *y metric, *sigma_m, *name (borrowed), *kind (borrowed). */
int park_ar_place_find(park_resolver *r, const char *text, double *x, double *y, double *sigma_m, const char **name,
                       const char **kind, const char **method);
void park_ar_places_free(GEOSContextHandle_t g, struct park_ar_places *p);
/* Loads index/houses.geojson and index/places.geojson once (missing: a note). */
park_status park_ar_index_load(park_resolver *r);
/* Reading one of those GeoJSON layers feature by feature (houses: numbers.c,
 * places: places.c). */
typedef struct park_ar_reader {
    GDALDatasetH ds;
    OGRLayerH lyr;        /* its first layer, NULL when it has none */
    size_t count;         /* features in it */
    long idx;             /* 1-based number of the feature park_ar_reader_next gave last */
} park_ar_reader;
/* Opens `path` read-only and quietly; PARK_ERR_INPUT "<path>: cannot open
 * (expected <expected>)" when GDAL cannot. Close with park_ar_reader_close. */
park_status park_ar_reader_open(park_ctx *ctx, const char *path, const char *expected, park_ar_reader *rd);
/* Index of field `name` in the layer, -1 when it has no such field (or no layer). */
int park_ar_reader_field(const park_ar_reader *rd, const char *name);
/* The next feature (destroy with OGR_F_Destroy), NULL after the last. */
OGRFeatureH park_ar_reader_next(park_ar_reader *rd);
void park_ar_reader_close(park_ar_reader *rd);

/* ---- index.c */
/* The lookup key of a road name (normalised, upper-cased, "富联1路" = "富联一路"). New string. */
char *park_ar_name_key(const char *s);
void park_ar_road_info_free(GEOSContextHandle_t g, road_info *ri);
/* Union of n metric geometries (clones them). New geometry, NULL on GEOS failure. */
GEOSGeometry *park_ar_union_of(GEOSContextHandle_t g, GEOSGeometry *const *parts, size_t n);

/* ---- roads.c */
double park_ar_len_in(GEOSContextHandle_t g, const GEOSGeometry *line, const GEOSGeometry *area);
/* The road as written, else the longest known tail of it; NULL if none (*st set on errors). Borrowed (cached). */
road_info *park_ar_road_find(park_resolver *r, const char *name, park_status *st);
park_status park_ar_road_analyse(park_resolver *r, road_info *ri);
road_info *park_ar_road_clip_to(park_resolver *r, road_info *base, const GEOSGeometry *area, const char *tag, const char *label,
                                int *none, park_status *st);
road_info *park_ar_road_clip(park_resolver *r, road_info *base, int ai, int *none, park_status *st);
/* Fills out->suggestions with the closest gazetteer names. */
void park_ar_suggest(park_resolver *r, const char *name, park_resolution *out);
void park_ar_sugg_memo_free(park_resolver *r);
int park_ar_admin_find(const park_resolver *r, const char *name);

/* ---- answer.c */
const char *park_ar_pname(const park_parcel *p);
int park_ar_cand_cmp(const void *a, const void *b);
void park_ar_cand_push(park_candidate **c, size_t *n, const park_parcel *p, const char *role, double share, double len);
void park_ar_res_init(park_resolution *out);
void park_ar_set_note(park_resolution *out, park_buf *b);
void park_ar_edge_candidates(park_resolver *r, park_resolution *out, double tol);
park_status park_ar_answer_point(park_resolver *r, double lon, double lat, park_datum datum, park_resolution *out,
                                 park_buf *why);
/* park_address_resolve_point computing `fields` (PARK_POINT_*) whatever the resolver's
 * park_resolver_set_point_fields says. */
park_status park_ar_resolve_point(park_ctx *ctx, park_resolver *r, double lon, double lat, park_datum datum,
                                  unsigned fields, park_resolution *out);
void park_ar_copy_road(park_resolution *out, const road_info *ri);
/* The parcel probabilities of a point (metric x, y) with 1-sigma error sigma_m:
 * replaces out->candidates, sets out->parcel (the parcel containing the point),
 * out->confidence (its probability, or that of "outside"), the point and error_m,
 * and appends the model to `why` (NULL: no text; park_ar_answer_point likewise). See
 * answer.c for the model. */
/* The answer at metric point (x, y) with error sigma_m; lonlat (WGS84, may be NULL: then from x, y)
 * is where it is located, so given coordinates are not moved by the metric round trip. */
park_status park_ar_point_answer(park_resolver *r, double x, double y, const double *lonlat, double sigma_m,
                                 park_resolution *out, park_buf *why);
/* What the probability sentence of a point answer needs besides the resolution: the
 * parcel the point is in (NULL: outside), its edge's error, whether that was assumed. */
typedef struct park_ar_model {
    const park_parcel *in;
    double e_in;
    int unverified;
} park_ar_model;
/* The sentences of a point answer, from its fields (the memo and a fresh answer share them). */
void park_ar_located_text(park_buf *why, const park_resolution *out);
void park_ar_model_text(park_buf *why, const park_resolution *out, const park_ar_model *m);

/* ---- point_memo.c: park_ar_point_answer's answers by their exact (x, y, sigma_m) */
#define PMEMO_MAX 65536 /* entries (about 200 bytes each with a few candidates) */
/* 1: out's point fields, candidates, confidence and error_m set and the sentences
 * appended to why, as park_ar_point_answer would; 0: not remembered (or r->pmemo_off). */
int park_ar_pmemo_get(park_resolver *r, double x, double y, double sigma_m, park_resolution *out, park_buf *why);
void park_ar_pmemo_put(park_resolver *r, double x, double y, double sigma_m, const park_resolution *out,
                       const park_ar_model *m);
void park_ar_pmemo_free(struct park_ar_pmemo *m);
size_t park_ar_pmemo_count(const struct park_ar_pmemo *m); /* answers remembered */
#endif
