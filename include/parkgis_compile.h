/* parkgis_compile.h - 四至 parser, gazetteer, compiler (issue 3). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_COMPILE_H
#define PARKGIS_COMPILE_H
#include <stdbool.h>

#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

/* ---- gazetteer of named features (roads, rivers, walls, boundaries, ...)
 * Stored as GeoJSON LineStrings in geodata/gazetteer/ (one .geojson per source), properties:
 *   name (Chinese), aliases (';'-separated), kind (road|expressway|river|wall|
 *   boundary|edge|metro|...), provenance (osm|anchored|approximate),
 *   method (how it was derived, e.g. "osm link_ids ... matched by position"),
 *   error_m (estimated positional error in metres). */
typedef struct park_feature {
    char *name;
    char *aliases;                 /* ';'-separated, "" if none */
    char *kind;
    char *provenance;              /* "osm" | "anchored" | "approximate" */
    char *method;
    double error_m;
    struct GEOSGeom_t *geom;       /* (Multi)LineString lon/lat, owned by the gazetteer */
    /* Optional (issue 9 gazetteers; "" / -1 when the file has none): */
    char *source;                  /* osm-extract | address | address+osm | osm-arterials | town-boundary | district | sketch */
    char *error_basis;             /* what error_m measures ("measured: ..." or "unverified: ...") */
    long evidence_n;               /* OSM features, address points or arterial links the geometry rests on */
} park_feature;
typedef struct park_gazetteer park_gazetteer;

/* Error classes of a boundary edge (provenance listing, render --colour-by error). */
enum { PARK_ERRCLASS_50 = 0, PARK_ERRCLASS_100, PARK_ERRCLASS_250, PARK_ERRCLASS_WORSE, PARK_ERRCLASS_UNVERIFIED, PARK_ERRCLASS_N };
/* True when the feature's error_m comes from a measurement (error_basis
 * "measured: ...", or a match onto the OSM arterials); false for NULL. */
bool park_feature_error_verified(const park_feature *f);
/* The class of an error: UNVERIFIED when not verified or not finite. */
int park_error_class(bool verified, double error_m);
/* "<=50m", "<=100m", "<=250m", ">250m", "unverified" (static). */
const char *park_error_class_name(int cls);

/* Loads every *.geojson in `dir` (NULL: <data dir>/gazetteer). New object. */
park_status park_gazetteer_load(park_ctx *ctx, const char *dir, park_gazetteer **out);
void park_gazetteer_free(park_gazetteer *gz);
size_t park_gazetteer_count(const park_gazetteer *gz);
const park_feature *park_gazetteer_get(const park_gazetteer *gz, size_t i);
/* Exact match on name or any alias, after normalising spaces and full-width
 * characters; NULL when absent. Borrowed. */
const park_feature *park_gazetteer_find(const park_gazetteer *gz, const char *name);

/* ---- 四至 descriptions: parser (src/parse/fourto.c)
 * A 四至 text gives a parcel as four sides, "东至A-B-C,南至D,西至E,北至F"; each
 * side is a chain of named features in the order the boundary follows them.
 * One text may hold several blocks (a multi-part parcel): a side marker whose
 * direction the current block already has starts the next block. An item may
 * carry an offset ("潘泾路东侧 300 米", "金石路南约 90 米": the line that far in
 * that direction; "约" marks it approximate) or name an edge of an area feature
 * ("潘泾河绿化带东侧": no distance). Accepted variants: full-width commas,
 * hyphens, dashes, digits and spaces; "米" or "m". An offset is at most
 * PARK_FOURTO_MAX_OFFSET_M: the offsets in the 四至 tables are tens to hundreds of
 * metres and the whole park is under 10 km across, so a larger one is a typo
 * (a malformed item, exit 3, naming the file, line and parcel). */
#define PARK_FOURTO_MAX_OFFSET_M 5000.0
typedef enum park_dir { PARK_DIR_NONE = 0, PARK_DIR_E, PARK_DIR_S, PARK_DIR_W, PARK_DIR_N } park_dir;
/* "东" / "南" / "西" / "北" ("" for NONE). Borrowed static string. */
const char *park_dir_name(park_dir d);

typedef struct park_fourto_item {
    char *text;          /* the item as written, trimmed, e.g. "潘泾路东侧 300 米" */
    char *feature;       /* the feature name, runs of spaces made one ASCII space: "潘泾路", "G1501 高速公路" */
    park_dir offset_dir; /* NONE for a plain feature */
    double offset_m;     /* metres of the offset; NAN for a plain feature or an edge ("东侧") */
    int approx;          /* 1 when the text says 约 (about) */
    size_t pos;          /* 1-based character (code point) position of the item in the text */
} park_fourto_item;

typedef struct park_fourto_side {
    park_dir dir;        /* which side: E, S, W or N */
    size_t n;
    park_fourto_item *items; /* the chain, in written order */
    size_t pos;          /* 1-based character position of the side marker ("东至") */
} park_fourto_side;

typedef struct park_fourto_block {
    park_fourto_side sides[4]; /* in written order; every block has all four directions once */
} park_fourto_block;

typedef struct park_fourto {
    size_t nblocks;
    park_fourto_block *blocks;
} park_fourto;

/* Parses one 四至 text. `what` names it in messages (e.g. "parcels.tsv:5 (nanda)").
 * New object on success. Malformed text: PARK_ERR_INPUT, message
 * "<what>: character N ('<char>'): expected ...". */
park_status park_fourto_parse(park_ctx *ctx, const char *text, const char *what, park_fourto **out);
void park_fourto_free(park_fourto *ft);
/* The side of a block with direction d, or NULL. Borrowed. */
const park_fourto_side *park_fourto_side_get(const park_fourto_block *b, park_dir d);

/* One row of the 四至 table (geodata/fourto/parcels.tsv: a TSV with header
 * id, name, official_km2, layout, four_to; '#' lines are comments). */
typedef struct park_fourto_record {
    char *id, *name, *layout, *text;
    double official_km2;
    int line;            /* line number in the file */
    park_fourto *parsed;
} park_fourto_record;
typedef struct park_fourto_set {
    char *path;
    size_t n;
    park_fourto_record *recs;
} park_fourto_set;

/* <data dir>/fourto/parcels.tsv. Borrowed static string. */
const char *park_default_fourto_path(void);
/* Reads and parses the table (NULL path: the default). New object. Errors name
 * the file, line and column. */
park_status park_fourto_read(park_ctx *ctx, const char *path, park_fourto_set **out);
void park_fourto_set_free(park_fourto_set *set);
/* The parsed form of every record as JSON text (deterministic: one record per
 * line), as checked in as geodata/fourto/parsed.json. New string (park_free). */
char *park_fourto_set_json(const park_fourto_set *set);

/* ---- compiler (src/compile/): parsed 四至 + gazetteer -> parcel polygons.
 * Method (geodata/SOURCES.md "Compiling"): each item becomes a line (the
 * gazetteer feature, offset by GEOS OffsetCurve in EPSG:4549 metres when the text
 * gives a distance); the items of all four sides, in ring order E,S,W,N, are
 * clipped between their junctions with their neighbours (a crossing point, or the
 * closest points when they do not meet: the gap is bridged and counted as
 * approximate); the clipped pieces are noded and polygonized, and the faces
 * enclosed by the ring form the parcel. Nothing is scaled or nudged toward the
 * official area. */
typedef struct park_compile_stats {
    double len_m[3];     /* boundary length on osm, anchored, approximate (incl. bridged gaps) features */
    double gap_m;        /* of which bridged gaps between features that do not meet */
    double err_m;        /* length-weighted mean positional error of the boundary, metres */
    double err_km2;      /* area error estimate: sum over the boundary of length x error */
    double area_km2;     /* geodesic area on CGCS2000 */
    char *warnings;      /* one per line, "" when none */
} park_compile_stats;

/* Compiles every record. Lookup of a feature tries "<id>/<side>/<name>" (for
 * generic names such as 地块通道 that differ per parcel and side), then
 * "<id>/<name>", then the name itself; an edge item ("X东侧") tries "X东侧"
 * first, then X. Unknown feature: PARK_ERR_INPUT naming the parcel, side and
 * feature. On success *out is a new layer (fields from the record, provenance a
 * JSON object) and *stats a new array of set->n entries (free with
 * park_compile_stats_free). */
park_status park_compile(park_ctx *ctx, const park_fourto_set *set, const park_gazetteer *gz,
                         park_layer **out, park_compile_stats **stats);
void park_compile_stats_free(park_compile_stats *stats, size_t n);
/* The layer as GeoJSON text: fixed `decimals` for coordinates, one feature per
 * line, exterior rings counter-clockwise (RFC 7946). Deterministic. New string. */
char *park_compile_geojson(park_ctx *ctx, const park_layer *layer, int decimals);

#ifdef __cplusplus
}
#endif
#endif
