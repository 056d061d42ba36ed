/* overlap.h - internal to the compiler (src/compile/): the stated rule that
 * settles an overlap of two compiled parcels (overlap.c), and what compile.c
 * hands it. Not part of the public API. */
#ifndef PARKGIS_COMPILE_OVERLAP_H
#define PARKGIS_COMPILE_OVERLAP_H
#include "../internal.h"

#define PARK_WORK_CRS "EPSG:4549" /* CGCS2000 / 3-degree GK CM 120E: metres, scale error 2e-4 here */

/* An overlap is settled by the rule only up to this share of the smaller
 * parcel's geodesic area; a larger one is left as compiled (the compile check
 * "max pairwise overlap" and parkgis validate report it). */
#define PARK_OVERLAP_MAX_SHARE 0.01

#define PARK_OVERLAP_RULE                                                                                                          \
    "an overlap of two compiled parcels of at most 1% of the smaller one's geodesic area is given to the one whose boundary "   \
    "inside it (pieces within 1 m of the overlap) has the smaller length-weighted error_m, the earlier row of the table on a "  \
    "tie (within 0.5 m), and cut from the other with GEOSDifferencePrec on the 1e-7 degree grid; a larger overlap is left as " \
    "compiled and reported; the cut parcel's boundary there then follows its neighbour's feature; its boundary_m, share and "  \
    "error_m describe the boundary as compiled, before the cut"

/* A piece of a compiled boundary: one item between its junctions, or a bridged gap. */
typedef struct park_bpiece {
    GEOSGeometry *g;   /* LineString, EPSG:4549 (PARK_WORK_CRS) */
    double err_m;      /* positional error of the feature (a gap: half its length) */
    char *label;       /* the item's text, "(gap after X)" for a gap */
} park_bpiece;

/* What park_overlap_settle found and did for one pair (a = the earlier row). */
typedef struct park_overlap {
    double m2;            /* geodesic area of the overlap; 0 when the interiors do not meet */
    double share;         /* m2 / geodesic area of the smaller of the two */
    double x, y;          /* a point inside the overlap (lon/lat), NAN when none */
    int resolved;         /* 1: cut from the loser by the rule; 0: no overlap, or above PARK_OVERLAP_MAX_SHARE */
    int winner;           /* resolved: 0 when a keeps it, 1 when b does */
    double err[2];        /* length-weighted error_m of a's / b's boundary in the overlap, NAN when none lies there */
    const char *label[2]; /* text of the longest such piece of a / b ("" when none); borrowed from the pieces */
} park_overlap;

/* Settles the overlap of `*a` and `*b` (lon/lat EPSG:4490 (Multi)Polygons; `pa`
 * and `pb` their boundary pieces) by PARK_OVERLAP_RULE: when it is at most
 * PARK_OVERLAP_MAX_SHARE of the smaller parcel, the loser's geometry is replaced
 * (the old one destroyed) by a valid MultiPolygon with the overlap cut out.
 * `*out` says what was found either way. */
park_status park_overlap_settle(park_ctx *ctx, GEOSGeometry **a, const park_bpiece *pa, size_t na, GEOSGeometry **b,
                                const park_bpiece *pb, size_t nb, park_overlap *out);

/* x as a MultiPolygon (a Polygon wrapped, a collection's polygons kept); takes x. */
GEOSGeometry *park_compile_as_multi(GEOSContextHandle_t g, GEOSGeometry *x);
#endif
