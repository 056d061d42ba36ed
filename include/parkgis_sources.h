/* parkgis_sources.h - the "sources" layer: reading the public evidence that the
 * gazetteer is built from (geocoded address points, the OSM arterials, OSM
 * extracts) and deriving geometry from it.
 *
 * Ownership: every *_new / *_read / *_load returns an object the caller frees with
 * the matching *_free. Geometries handed out are GEOS geometries created with
 * park_ctx_geos(ctx); the caller destroys them with GEOSGeom_destroy_r on that
 * handle. Strings handed out are freed with free() (or park_free()).
 * Errors are values: a park_status, with the message in park_ctx_errmsg(ctx).
 *
 * API stability: park_address_* and park_roadfit_* are used by the address
 * index (issue 10); their signatures are kept stable.
 */
#ifndef PARKGIS_SOURCES_H
#define PARKGIS_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parkgis.h"

#ifdef __cplusplus
extern "C" {
#endif

struct GEOSGeom_t;

/* ------------------------------------------------------------ address points */

/* One row of ../shared/data/address-points/baoshan-address-points.wgs84.tsv.
 * Strings are owned by the set. disagreement_m is NAN when only one geocoder
 * placed the text (a "hint", not a position). */
typedef struct park_address_point {
    const char *address;  /* address_key column: the address text (hashed for the hold-out) */
    const char *road;     /* "" when the row has no road (village, compound) */
    const char *number;   /* house number as written ("" if none) */
    const char *unit;     /* 号, 弄 or "" */
    int n_sources;
    double lon, lat;      /* WGS84 */
    double disagreement_m;/* max_pairwise_disagreement_m, NAN when n_sources < 2 */
    bool shared;          /* any_point_shared_by_many_addresses = 1: a geocoder fall-back, not a house */
    bool inside_baoshan;
    long line_no;         /* 1-based line in the file */
} park_address_point;

typedef struct park_address_points park_address_points;

/* Reads the TSV (header row required, columns found by name). Rows that cannot
 * be read (bad number, missing column) are skipped and counted; their first
 * line numbers are in park_address_points_notes(). Fails (PARK_ERR_INPUT) when
 * the file cannot be opened or a required column is missing. */
park_status park_address_points_read(park_ctx *ctx, const char *path, park_address_points **out);
void park_address_points_free(park_address_points *pts);
size_t park_address_points_count(const park_address_points *pts);
const park_address_point *park_address_points_get(const park_address_points *pts, size_t i);
size_t park_address_points_skipped(const park_address_points *pts);
/* "" when nothing was skipped; owned by the set. */
const char *park_address_points_notes(const park_address_points *pts);

/* FNV-1a, 32 bit, over n bytes. */
uint32_t park_fnv1a32(const void *data, size_t n);
/* The shared hold-out rule (issue 9 and issue 10): a row is held back for the
 * evaluation of address lookup iff FNV-1a-32(address text, UTF-8 bytes as in
 * the TSV's address_key column) % 5 == 0. Held-back rows are never used to fit
 * geometry. */
bool park_address_point_is_holdout(const park_address_point *p);
/* A position to trust: two or more geocoders within 150 m of each other, and
 * not a fall-back point shared by many addresses. */
bool park_address_point_is_trusted(const park_address_point *p);
/* A hint: a single geocoder's point, not shared by many addresses. */
bool park_address_point_is_hint(const park_address_point *p);

/* ------------------------------------------------------------ road network */

/* The OSM arterials (osm-shanghai-arterials.zip: unnamed motorway, trunk,
 * primary, secondary lines) around Baoshan, in a local transverse Mercator
 * (metres), indexed; plus the NAMED elevated/bridge pieces of
 * osm-metro-network.wgs84.json (elevatedRoads), kept as named pieces. */
typedef struct park_road_network park_road_network;

enum { PARK_ROAD_MOTORWAY = 1, PARK_ROAD_ARTERIAL = 2 }; /* class mask bits */

/* data_dir: the directory holding osm-shanghai-arterials.zip and
 * osm-metro-network.wgs84.json (../shared/data). */
park_status park_road_network_load(park_ctx *ctx, const char *data_dir, park_road_network **out);
void park_road_network_free(park_road_network *net);
/* The local metric CRS the network works in (a PROJ string). */
const char *park_road_network_crs(void);

typedef struct park_snap_stats {
    size_t samples, matched;
    double longest_gap_m; /* interior stretch without a match (interpolated) */
    double end_gap_m;     /* stretch at an end without a match (offset held) */
    long *links;          /* OSM link_ids matched, sorted, unique; free() */
    size_t nlinks;
} park_snap_stats;

/* Moves a metric line (in park_road_network_crs()) onto the centre line of the
 * arterials of class `cls_mask` within `corridor_m` and 35 degrees of its
 * direction, sampled every 20 m (dual carriageways averaged; unmatched samples
 * interpolated). Returns a new metric LineString; *st accumulates (zero it
 * first; free st->links). */
struct GEOSGeom_t *park_road_network_snap(park_ctx *ctx, const park_road_network *net, const struct GEOSGeom_t *line,
                                          double corridor_m, int cls_mask, park_snap_stats *st);

/* ------------------------------------------------------------ road course from evidence */

typedef enum {
    PARK_ROADFIT_NONE = 0,   /* not enough evidence: no course */
    PARK_ROADFIT_OSM = 1,    /* matched onto an OSM arterial running along the points */
    PARK_ROADFIT_POINTS = 2, /* drawn through the points (no arterial along them) */
} park_roadfit_kind;

typedef struct park_roadfit_opts {
    double corridor_m;     /* arterial search half-width around the drawn course (default 120) */
    double min_osm_share;  /* share of the course's samples that must match an arterial for OSM (0.8) */
    double bin_m;          /* spacing of the drawn course's vertices along the road (250) */
    double extend_m;       /* the course is prolonged this far past the outermost points (0) */
    int min_trusted;       /* fewer trusted points than this: PARK_ROADFIT_NONE (3) */
    bool use_hints;        /* single-source points help draw the course (weight 1/4) (true) */
    /* Only points within near_m of this lon/lat geometry are used (NULL: all;
     * default NULL, 2000 m): keeps a same-named road elsewhere out. */
    const struct GEOSGeom_t *near;
    double near_m;
    /* Which rows are held back for an evaluation and never used (default
     * park_address_point_is_holdout, the rule of issue 9's gazetteer), and the
     * rule as `method` states it (default "FNV-1a-32(address) % 5 == 0"). The
     * address index (issue 10) passes its own, fresh rule. */
    bool (*is_holdout)(const park_address_point *p);
    const char *holdout_rule;
} park_roadfit_opts;

/* Defaults as documented above. */
void park_roadfit_opts_default(park_roadfit_opts *o);

typedef struct park_roadfit {
    park_roadfit_kind kind;
    struct GEOSGeom_t *course;  /* LineString, WGS84 lon/lat; NULL when kind == NONE; caller destroys */
    double error_m;             /* NAN when unverified (see method) */
    double residual_p68_m;      /* 68th percentile of trusted points' distances to the course */
    double residual_max_m;
    double disagreement_med_m;  /* median geocoder disagreement of the trusted points */
    double osm_share;           /* share of the course's samples on an arterial */
    double length_m;
    size_t n_trusted, n_hints, n_held_out, n_rejected; /* rejected: shared fall-backs, > 150 m disagreement */
    long *links; size_t nlinks; /* arterial link_ids used (kind OSM) */
    char *method;               /* how it was made and what error_m measures; free() */
} park_roadfit;

/* The course of one road from its address points: the points of `pts` whose
 * road equals `road` or one of the ';'-separated `aliases` (may be NULL),
 * except held-back rows (park_address_point_is_holdout) and rejected ones.
 * The course is drawn through the trusted points (and hints, weighted 1/4)
 * along their principal axis, then matched onto the arterials of `net` where
 * at least opts->min_osm_share of it finds one (net may be NULL: no matching).
 * error_m = sqrt(p68(residuals)^2 + (median disagreement / 2)^2): how far a
 * trusted point is from the course, with the geocoders' own spread; it
 * includes the gate-to-centre-line setback, so it is an upper-side figure.
 * Returns PARK_OK with kind NONE (and a method saying why) when the evidence
 * is too thin; an error status only for bad arguments or GEOS/PROJ failure.
 * Free with park_roadfit_clear. */
park_status park_roadfit_road(park_ctx *ctx, const park_address_points *pts, const char *road, const char *aliases,
                              const park_road_network *net, const park_roadfit_opts *opts, park_roadfit *out);
void park_roadfit_clear(park_ctx *ctx, park_roadfit *r);

/* Distances (metres) from the trusted, not held-out points of `road` that lie
 * alongside a lon/lat line (their nearest point on it is not one of its ends)
 * to that line: for checking a sketch or an identification. Returns the
 * number of points; *p68 and *max are NAN when none. */
size_t park_roadfit_check_line(park_ctx *ctx, const park_address_points *pts, const char *road, const char *aliases,
                               const struct GEOSGeom_t *lonlat_line, double *p68, double *max);

/* ------------------------------------------------------------ OSM extracts */

/* An OSM extract opened through GDAL/OGR, in either form a user downloads:
 *  - Geofabrik's layered Shapefiles: a directory (or .zip) holding
 *    gis_osm_{roads,waterways,water_a,landuse_a,pois_a,transport_a,...}_free_1.shp
 *    (fields osm_id, fclass, name), plus optional landuse*.geojson subsets;
 *  - a whole .osm / .osm.pbf file, read with GDAL's OSM driver (layers lines,
 *    multipolygons; tags highway/waterway/landuse/amenity...).
 * Both are mapped onto one model: a feature has a theme (road, waterway,
 * water, landuse, poi, transport), a class (Geofabrik's fclass or the OSM tag
 * value), a name, an osm_id and a geometry; one selection code path serves both. */
typedef struct park_osm park_osm;

typedef enum { PARK_OSM_ROAD = 1, PARK_OSM_WATERWAY = 2, PARK_OSM_WATER = 4, PARK_OSM_LANDUSE = 8, PARK_OSM_POI = 16, PARK_OSM_TRANSPORT = 32 } park_osm_theme;

/* Opens lazily: nothing is read until the first select / count. */
park_status park_osm_open(park_ctx *ctx, const char *path, park_osm **out);
/* Only features whose bounding box meets this lon/lat box are read (set it
 * before the first select; default: the whole world). */
void park_osm_set_aoi(park_osm *osm, double lon0, double lat0, double lon1, double lat1);
/* Named features of any theme read (loads the extract). */
size_t park_osm_count(park_ctx *ctx, park_osm *osm);
/* Frees the extract and its geometries (made with park_ctx_geos(ctx)). */
void park_osm_free_ctx(park_ctx *ctx, park_osm *osm);
/* Frees an extract that was never read (no geometries); prefer park_osm_free_ctx. */
void park_osm_free(park_osm *osm);
/* "geofabrik-shp" or "osm" */
const char *park_osm_form(const park_osm *osm);

/* Normalised spelling for name matching: 蕴 -> 蕰, 径 -> 泾 (荻径 is a
 * misspelling of 荻泾 in OSM), full-width brackets -> ASCII, a trailing 河 cut
 * when at least two characters remain. Returns a new string (free()). */
char *park_osm_name_key(const char *name);

typedef struct park_osm_match {
    struct GEOSGeom_t *geom;  /* lon/lat; lines merged (GEOSLineMerge) for lines, union for areas; caller destroys */
    int nfeatures;            /* features merged */
    char *osm_ids;            /* "way 123,way 456" sorted; free() */
    char *names;              /* the names as OSM writes them, ';'-separated; free() */
    char *cls;                /* classes seen, ';'-separated; free() */
    char *method;             /* how the name was matched (exact / spelling variant ...); free() */
} park_osm_match;

/* Selects the features of the given themes (mask) whose name matches `name`
 * (exactly, or through park_osm_name_key) inside the lon/lat box, and merges
 * them: the lines of one name are line-merged; areas are unioned. `exact` true
 * means only the exact name counts. Returns PARK_OK with m->nfeatures == 0
 * when nothing matches. */
park_status park_osm_select(park_ctx *ctx, park_osm *osm, int themes, const char *name, bool exact, double lon0, double lat0,
                            double lon1, double lat1, park_osm_match *m);
void park_osm_match_clear(park_ctx *ctx, park_osm_match *m);

/* ------------------------------------------------------------ features for the gazetteer */

/* A gazetteer feature taken from the OSM extract. */
typedef struct park_osm_feature {
    struct GEOSGeom_t *geom; /* lon/lat LineString (or MultiLineString); caller destroys */
    char *name;              /* the OSM name chosen */
    char *method;            /* selection, candidates and their offsets from the guide; free() */
    double guide_offset_m;   /* mean distance from the guide's samples to the chosen line (NAN without guide) */
    int nfeatures;
} park_osm_feature;

/* A line feature (themes PARK_OSM_WATERWAY / PARK_OSM_ROAD) named by one of
 * the '|'-separated `names` inside the box: the ways of that name are merged,
 * pieces shorter than 200 m dropped, the rest chained in the order of the guide
 * (gaps up to 600 m bridged). With several candidate names, the one whose line
 * lies closest to the guide (lon/lat, e.g. the old sketch) is chosen and every
 * candidate's mean offset is written into method. For area themes (POI, LANDUSE,
 * TRANSPORT, WATER) the feature is the part of the named area's outline within
 * corridor_m of the guide (the guide is then required). nfeatures == 0: none. */
park_status park_osm_feature_get(park_ctx *ctx, park_osm *osm, int themes, const char *names, const struct GEOSGeom_t *guide,
                                 double corridor_m, const double aoi[4], park_osm_feature *out);
void park_osm_feature_clear(park_ctx *ctx, park_osm_feature *f);

/* Mean width of the OSM water areas (any name) along a lon/lat line: the area
 * of water within half_band_m of it divided by its length. NAN when the line
 * has no water along it (less than a fifth of it is in water). */
double park_osm_water_width(park_ctx *ctx, park_osm *osm, const struct GEOSGeom_t *line, double half_band_m);

/* Offset of an old line from a new one (both lon/lat), over the stretch both
 * cover: the old line is sampled every 50 m; samples whose nearest point on the
 * new line is one of its ends are outside the common stretch. *mean and *max
 * over the common samples (NAN when none); *covered = share of old samples in
 * the common stretch. */
void park_line_offset(park_ctx *ctx, const struct GEOSGeom_t *old_line, const struct GEOSGeom_t *new_line, double *mean, double *max,
                      double *covered);

#ifdef __cplusplus
}
#endif
#endif
