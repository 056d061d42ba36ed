/* parkgis_address.h - address parsing and lookup (issue 5). Ownership and error rules: see parkgis.h.
 *
 * Two steps, each usable alone:
 *   park_address_parse    rule-based split of a Chinese address (no model, no network)
 *   park_address_resolve  the parsed address against the parcel layer and the
 *                         gazetteer of named roads, with an explicit match level
 *                         and a confidence in 0..1.
 */
#ifndef PARKGIS_ADDRESS_H
#define PARKGIS_ADDRESS_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

struct park_feature;
struct park_gazetteer;

/* ------------------------------------------------------------------ parsing */

typedef enum park_addr_kind {
    PARK_ADDR_COORDS,       /* "121.38,31.35": a point, no words */
    PARK_ADDR_INTERSECTION, /* two roads: "A路B路口", "A路与B路交叉口", "A路近B路" */
    PARK_ADDR_ROAD,         /* a road, with or without 弄/号 numbers */
    PARK_ADDR_PARK,         /* a parcel or park name without a road ("机器人产业园") */
    PARK_ADDR_ADMIN,        /* only administrative units (市/区/镇) */
    PARK_ADDR_STATION       /* a metro station without a road ("上大路站", "地铁7号线上大路站") */
} park_addr_kind;
const char *park_addr_kind_name(park_addr_kind k); /* "coordinates", "intersection", ... */

/* What the parser understood. Every string is UTF-8 and "" when absent (never NULL). */
typedef struct park_address {
    char *input;       /* as given */
    char *normalized;  /* full-width folded, spaces dropped (what the rules ran on) */
    park_addr_kind kind;
    char *province;    /* "上海市" (a municipality is its own province), "江苏省" */
    char *city;        /* a prefecture city, "苏州市"; "" for Shanghai */
    char *district;    /* canonical, "宝山区" (also when written "宝山" after 上海) */
    char *town;        /* 镇/街道/乡 as written, suffix restored for known Baoshan towns: "顾村镇" */
    char *road;        /* "富联一路" */
    char *road2;       /* the other road of an intersection, or the "近" road */
    char *relation;    /* road2's relation: "crossing" or "near"; "" without road2 */
    char *lane;        /* 弄 number, "98" */
    char *sublane;     /* 支弄 number, "3" */
    char *number;      /* 号 number, "6" or a range "6-8" */
    char *park;        /* canonical parcel/park name recognised, "机器人产业园" */
    char *park_text;   /* how it was written, "上海机器人产业园" */
    char *station;     /* a metro station named (without 站/地铁站), "上大路"; with a road it is a "near" hint */
    char *rest;        /* what no rule used (building, room, company), "" if nothing */
    int has_coords;    /* PARK_ADDR_COORDS: lon/lat as written (datum not converted) */
    double lon, lat;
    int swapped;       /* the text gave latitude first; lon/lat are in the right order */
    int in_shanghai;   /* 1 said so (上海/a Shanghai district), -1 somewhere else, 0 not said */
    int in_baoshan;    /* 1 宝山区 (said, or implied by a Baoshan town), -1 another district, 0 not said */
    int controls;      /* control characters dropped from the input (U+0001-U+001F other than tab, CR
                        * and LF, which are spaces; U+007F-U+009F): no part of an address, they would
                        * split a road name ("富联\x01路"). The CLI says so: a warning, a batch row's note */
} park_address;

/* The longest address text park_address_parse reads, in bytes (about 340 Chinese
 * characters; the longest real address in the test lists is under 120 bytes).
 * Longer text is refused, not cut: in a batch it is one bad row (issue 12). */
#define PARK_ADDRESS_MAX_BYTES 1024

/* Parses `text`. *out is a new address (park_address_free). Time is linear in
 * the length of the text.
 * Errors: PARK_ERR_USAGE for empty text, text longer than PARK_ADDRESS_MAX_BYTES,
 * invalid UTF-8, out-of-range coordinates and text in which no road, park name,
 * district or coordinates can be found; the message quotes the text (its start
 * when too long) and shows the expected form. */
park_status park_address_parse(park_ctx *ctx, const char *text, park_address **out);
void park_address_free(park_address *a);

/* The normalisation the parser applies: full-width ASCII and the ideographic space
 * folded to ASCII, dashes and tildes to '-', （）【】 to (), whitespace dropped
 * (kept as one space between two ASCII letters/digits), commas and semicolons
 * dropped (kept as one ',' between two ASCII characters: "121.38,31.35"), BOM
 * and control characters (see park_address.controls) removed. New string. */
char *park_address_normalize(const char *text);

/* Levenshtein distance over Unicode code points (not bytes): "富联一路" vs
 * "富联二路" is 1. Invalid bytes count as one code point each. */
size_t park_utf8_edit_distance(const char *a, const char *b);

/* ------------------------------------------------------------------ resolution */

typedef enum park_match {
    PARK_MATCH_EXACT,        /* coordinates given: point-in-park */
    PARK_MATCH_INTERSECTION, /* crossing point of two road centrelines */
    PARK_MATCH_ROAD,         /* the whole road lies in one parcel (or wholly outside the park) */
    PARK_MATCH_BOUNDARY,     /* the road runs along parcel boundaries: the side is unknown */
    PARK_MATCH_AMBIGUOUS,    /* the road crosses parcels: candidates with length shares */
    PARK_MATCH_PARK,         /* a park/parcel name */
    PARK_MATCH_OUTSIDE,      /* the address names another district or city: not in the park */
    PARK_MATCH_NOT_FOUND,    /* the road is not in the gazetteer (see suggestions) */
    PARK_MATCH_STATION,      /* near a metro station: parcels within 500 m, shares of that circle's area */
    PARK_MATCH_NUMBER,       /* a house number placed along its road from the known numbers (issue 10) */
    PARK_MATCH_PLACE         /* a named place of the address index: estate, campus, 园区 (issue 10) */
} park_match;
const char *park_match_name(park_match m); /* "exact", "intersection", "road", ... */

/* One candidate answer. parcel NULL means "outside every parcel". */
typedef struct park_candidate {
    const park_parcel *parcel; /* borrowed from the layer */
    const char *role;          /* "inside", "boundary" or "outside" (static string) */
    double share;              /* 0..1: of the road's length (road/ambiguous/boundary),
                                  of area (park, station); for an answer with a point
                                  (exact, intersection, number, place) the probability
                                  that the place is in this parcel (README "Certainty") */
    double length_m;           /* road length behind the share; NAN when not a length */
} park_candidate;

typedef struct park_resolution {
    park_match match;
    double confidence;           /* 0..1, see README "Address lookup" for the scale */
    int inside;                  /* 1 when the best answer is a parcel of the park */
    const park_parcel *parcel;   /* the best single answer, or NULL (outside, not found,
                                    boundary between two parcels, ambiguous without a majority) */
    park_candidate *candidates;  /* every parcel (and "outside") considered, best first */
    size_t ncandidates;
    int has_point;               /* a point was located (coordinates, crossing point) */
    double lon, lat;             /* that point, WGS84 */
    double error_m;              /* the point's own 1-sigma error (m): 0 for coordinates,
                                    NAN when no point */
    const char *point_from;      /* how the point was found (static): "coordinates",
                                    "crossing", "station", "house number", "house number
                                    (extrapolated)", "known house number", "place"; "" when none */
    int extrapolated;            /* the house number is past the last known one */
    double distance_m;           /* inside: to the parcel's boundary; outside: to the
                                    nearest parcel; NAN when no point */
    const park_parcel *nearest;  /* outside with a point: the nearest parcel */
    const struct park_feature *feature;  /* the road used (borrowed), or NULL */
    const struct park_feature *feature2; /* the second road of an intersection, or NULL */
    char *note;                  /* why: one or more sentences, never ""; NULL only from
                                    park_address_resolve_point without PARK_POINT_NOTE */
    char **suggestions;          /* not found: closest gazetteer names, best first */
    size_t nsuggestions;
} park_resolution;
void park_resolution_clear(park_resolution *r); /* frees what the resolution owns; safe twice */

/* Everything resolution needs: the parcel layer (borrowed, must outlive the
 * resolver), the gazetteer(s) and per-road caches, so a batch of many rows costs
 * one load. */
typedef struct park_resolver park_resolver;

/* `gazetteer_dirs`: ':'-separated directories of gazetteer GeoJSON; NULL means
 * <data dir>/gazetteer and <data dir>/gazetteer-address (missing ones are skipped
 * with a note). New object. */
park_status park_resolver_new(park_ctx *ctx, const park_layer *layer, const char *gazetteer_dirs,
                              park_resolver **out);
void park_resolver_free(park_resolver *r);
/* Notes gathered while loading ("" when none), e.g. a missing gazetteer directory. Borrowed. */
const char *park_resolver_notes(const park_resolver *r);
/* Loads the address index (house numbers, places) now rather than at the first address
 * that needs it: `locate --batch --threads` loads each worker's before the threads start,
 * so GDAL reads no file in two threads at once. PARK_OK also when there is no index. */
park_status park_resolver_load_index(park_resolver *r);

/* Resolves a parsed address. Coordinates in the address are taken in `datum`.
 * Returns PARK_OK with `out` filled for every answer including "outside the park";
 * PARK_ERR_NOTFOUND (out filled: match NOT_FOUND, note, suggestions) when the road
 * or name is unknown or the address is too vague; PARK_ERR_USAGE for bad
 * coordinates. Free `out` with park_resolution_clear. */
park_status park_address_resolve(park_ctx *ctx, park_resolver *r, const park_address *a, park_datum datum,
                                 park_resolution *out);
/* The one parcel that the park/园区 name of `a` (its `park`) names, or NULL (no park
 * name, a park of several parts, or a name of no or several parcels). Borrowed. */
const park_parcel *park_address_named_parcel(park_resolver *r, const park_address *a);
/* Text the parser cannot read ("绿地领海") looked up as a named place of the address
 * index. PARK_OK with match PLACE, or PARK_ERR_NOTFOUND (out filled, note). */
park_status park_address_resolve_place(park_ctx *ctx, park_resolver *r, const char *text, park_resolution *out);
/* The same answer shape for a bare point (batch --lon-column/--lat-column). */
park_status park_address_resolve_point(park_ctx *ctx, park_resolver *r, double lon, double lat,
                                       park_datum datum, park_resolution *out);
/* What park_address_resolve_point computes: PARK_POINT_ALL (the default) or a mix of
 * PARK_POINT_NOTE (the note, and the 宝山区 test that only feeds it; without it note
 * is NULL) and PARK_POINT_DISTANCE (distance_m, PROJ's geodesic; without it NAN unless
 * the note, which states it, is asked). Every other field is the same either way.
 * `locate --batch` asks only what its columns write (issue 11). Addresses
 * (park_address_resolve) are answered in full either way. */
enum { PARK_POINT_NOTE = 1, PARK_POINT_DISTANCE = 2, PARK_POINT_ALL = 3 };
void park_resolver_set_point_fields(park_resolver *r, unsigned fields);

#ifdef __cplusplus
}
#endif
#endif
