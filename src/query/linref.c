/* linref.c - measures along a LineString on flat arrays, the same numbers as
 * GEOS's linear referencing (issue 11).
 *
 * A house number between two known numbers of a 四至 road is placed along the
 * road's course (address/numbers.c): two projections and up to thirteen
 * interpolations a row. Through GEOS each is a walk over every vertex with a
 * virtual call per vertex and a Point made and freed, about 60 % of what an
 * address cost in a batch. Here the line's vertices are copied once into
 * arrays with each segment's length and the running length, and:
 *   park_line_project      = GEOSProject_r (LengthIndexOfPoint::indexOf): the
 *                            measure of the nearest point, the first nearest
 *                            segment winning;
 *   park_line_interpolate  = GEOSInterpolate_r (LengthLocationMap::
 *                            getLocationForward, LinearLocation::getCoordinate):
 *                            the running length is found by bisection instead of
 *                            a walk (it is the same sum, added in the same order,
 *                            so the same segment is found);
 *   park_line_distance     = GEOSDistance_r from a point (the least of the
 *                            point-to-segment distances).
 * Every operation is done in the order GEOS does it (the same roundings), so the
 * results are equal to the bit; tests/unit/test_linref.c compares them with GEOS
 * on the gazetteer's roads, at vertices, on segments and off the line. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

void park_line_free(park_line *l) {
    if (!l) return;
    free(l->x), free(l->y), free(l->seg), free(l->cum);
    l->x = l->y = l->seg = l->cum = NULL, l->n = 0;
}

park_status park_line_from_geos(park_ctx *ctx, const GEOSGeometry *line, park_line *out) {
    GEOSContextHandle_t g = ctx->geos;
    memset(out, 0, sizeof *out);
    if (GEOSGeomTypeId_r(g, line) != GEOS_LINESTRING) return park_error(ctx, PARK_ERR_INTERNAL, "park_line_from_geos: not a LineString");
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g, line);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(g, cs, &n)) return park_geos_fail(ctx, "reading a line's vertices");
    size_t m = n ? n : 1;
    out->x = malloc(m * sizeof *out->x), out->y = malloc(m * sizeof *out->y);
    out->seg = malloc(m * sizeof *out->seg), out->cum = malloc(m * sizeof *out->cum);
    if (!out->x || !out->y || !out->seg || !out->cum) {
        park_line_free(out);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    out->n = n;
    for (unsigned i = 0; i < n; i++)
        if (!GEOSCoordSeq_getXY_r(g, cs, i, &out->x[i], &out->y[i])) {
            park_line_free(out);
            return park_geos_fail(ctx, "reading a line's vertices");
        }
    /* seg[i]: the length of segment i, as Coordinate::distance computes it; cum[i]: the
     * running length at vertex i, summed in order as getLocationForward and
     * LengthIndexOfPoint do (cum[i + 1] = cum[i] + seg[i]) */
    if (n) out->cum[0] = 0;
    for (size_t i = 0; i + 1 < out->n; i++) {
        double dx = out->x[i + 1] - out->x[i], dy = out->y[i + 1] - out->y[i];
        out->seg[i] = sqrt(dx * dx + dy * dy);
        out->cum[i + 1] = out->cum[i] + out->seg[i];
    }
    if (!GEOSLength_r(g, line, &out->len)) {
        park_line_free(out);
        return park_geos_fail(ctx, "the length of a line");
    }
    return PARK_OK;
}

/* GEOS's Distance::pointToSegment. */
static double point_to_segment(double px, double py, double ax, double ay, double bx, double by) {
    if (ax == bx && ay == by) return sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay));
    double r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
    if (r <= 0.0) return sqrt((px - ax) * (px - ax) + (py - ay) * (py - ay));
    if (r >= 1.0) return sqrt((px - bx) * (px - bx) + (py - by) * (py - by));
    double s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / ((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
    return fabs(s) * sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
}

/* GEOS's LineSegment::projectionFactor (NAN for a segment of no length). */
static double projection_factor(double px, double py, double ax, double ay, double bx, double by) {
    if (px == ax && py == ay) return 0.0;
    if (px == bx && py == by) return 1.0;
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    if (len2 == 0.0) return NAN;
    return ((px - ax) * dx + (py - ay) * dy) / len2;
}

double park_line_project(const park_line *l, double px, double py) {
    double min_d = DBL_MAX, measure = -1.0;
    for (size_t i = 0; i + 1 < l->n; i++) {
        double ax = l->x[i], ay = l->y[i], bx = l->x[i + 1], by = l->y[i + 1];
        double d = point_to_segment(px, py, ax, ay, bx, by);
        double f = projection_factor(px, py, ax, ay, bx, by), at;
        if (f <= 0.0) at = l->cum[i];
        else if (f <= 1.0) at = l->cum[i] + f * l->seg[i];
        else at = l->cum[i] + l->seg[i]; /* also NAN: a segment of no length */
        if (d < min_d && at > -1.0) measure = at, min_d = d;
    }
    return measure;
}

void park_line_interpolate(const park_line *l, double d, double *x, double *y) {
    if (!l->n) {
        *x = *y = NAN;
        return;
    }
    if (d < 0.0) d = l->len + d; /* measured from the end */
    if (d <= 0.0) {
        *x = l->x[0], *y = l->y[0];
        return;
    }
    /* the first segment i whose end's running length exceeds d */
    size_t lo = 0, hi = l->n - 1; /* segments [lo, hi) */
    if (hi == 0 || !(l->cum[hi] > d)) { /* past the end: the last vertex */
        *x = l->x[l->n - 1], *y = l->y[l->n - 1];
        return;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->cum[mid + 1] > d) hi = mid;
        else lo = mid + 1;
    }
    size_t i = lo;
    double frac = (d - l->cum[i]) / l->seg[i];
    if (frac < 0.0) frac = 0.0;
    if (frac > 1.0) frac = 1.0;
    if (frac == 1.0) { /* LinearLocation::normalize: the next vertex */
        *x = l->x[i + 1], *y = l->y[i + 1];
        return;
    }
    if (frac <= 0.0) {
        *x = l->x[i], *y = l->y[i];
        return;
    }
    *x = (l->x[i + 1] - l->x[i]) * frac + l->x[i];
    *y = (l->y[i + 1] - l->y[i]) * frac + l->y[i];
}

double park_line_distance(const park_line *l, double px, double py) {
    if (!l->n) return NAN;
    double best = DBL_MAX;
    if (l->n == 1) return sqrt((px - l->x[0]) * (px - l->x[0]) + (py - l->y[0]) * (py - l->y[0]));
    for (size_t i = 0; i + 1 < l->n; i++) {
        double d = point_to_segment(px, py, l->x[i], l->y[i], l->x[i + 1], l->y[i + 1]);
        if (d < best) best = d;
    }
    return best;
}
