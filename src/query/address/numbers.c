/* numbers.c - house numbers along a road (issue 10).
 *
 * The index (<gazetteer dir>/index/houses.geojson, built by
 * tools/build_address_gazetteer from every address point; the evaluation's index, built with
 * --exclude-holdout, from all but the hold-out)
 * gives, per road, known house numbers (号, and 弄 whose number is the lane's house
 * number on the road) with a geocoded point and its error. A number is placed:
 *   known      the point of that number (the mean when several rows give it);
 *   between    the two nearest known numbers n1 < q < n2 on the same side of the
 *              road (same parity: odd and even numbers face each other) when both
 *              exist, else of either side: the point t = (q-n1)/(n2-n1) of the way
 *              from n1's point to n2's. The known numbers, in number order, ARE the
 *              road's course here: the chain follows the road's bends, where an
 *              average of the road's points would cut across them.
 *              1-sigma error sqrt(((1-t) s1)^2 + (t s2)^2 + (d/2)^2 t(1-t)): the two
 *              points' own errors plus a bridge term from their distance d (a house
 *              halfway between two known numbers 400 m apart is +-100 m);
 *   past the last known number (extrapolated, said so): continued along the
 *              direction of the last two known numbers at their spacing (metres per
 *              number), at most EXTRA_MAX_M; error sqrt(s^2 + (e/2)^2 + SPACING_SD^2)
 *              grows with the distance e extrapolated. With one known number only,
 *              the median spacing of every road in the index is used.
 *   along a 四至 road (a road of the 四至 gazetteer, i.e. a parcel boundary:
 *              road_info.gz_course): the road's course is the gazetteer's, as the
 *              parcels were compiled on it. Both known numbers are projected onto it
 *              (GEOSProject), the number's measure is interpolated (or continued past
 *              the last one, the whole implied distance, at most to the course's end;
 *              where the course runs on less than COURSE_ROOM of that distance past
 *              the last number, the straight continuation below is used instead: a
 *              clamped point stayed at the last number, issue 10)
 *              and the point is ON the course (GEOSInterpolate); its error adds the
 *              course's own error_m: sqrt(s^2 + e_course^2). Where the two numbers lie
 *              nearest to different pieces of the course the chain above is used.
 *              (Dev set, the first hold-out with the index of commit 7412d81: median
 *              116 m, p90 563 m either way; parcel agreement 167 vs 169 of 180; 1 sigma
 *              holds 55.3 vs 53.6 %.) On the course, the side of the road is left to
 *              the probability model (a point on a parcel edge is half each side).
 * The anchors' errors: the geocoders' disagreement / 2 where two placed the same
 * text (at least 15 m), else the median disagreement (the build tool's figure). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

#define EXTRA_MAX_M 1500.0

/* park_ar_houses: internal.h (the snapshot stores it, snapshot.c) */

void park_ar_houses_free(park_ar_houses *h) {
    if (!h) return;
    for (size_t i = 0; !h->strs && i < h->n; i++) free(h->key[i]);
    free(h->strs), free(h->key), free(h->num), free(h->x), free(h->y), free(h->err), free(h->order), free(h);
}

static const park_ar_houses *sort_ctx;
static int ord_cmp(const void *a, const void *b) {
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_ctx->key[i], sort_ctx->key[j]);
    if (c) return c;
    if (sort_ctx->num[i] != sort_ctx->num[j]) return sort_ctx->num[i] < sort_ctx->num[j] ? -1 : 1;
    return i < j ? -1 : i > j;
}
static int dcmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

park_status park_ar_houses_load(park_resolver *r, const char *path, park_ar_houses **out);
park_status park_ar_houses_load(park_resolver *r, const char *path, park_ar_houses **out) {
    *out = NULL;
    park_ctx *ctx = r->ctx;
    park_ar_reader rd;
    park_status st = park_ar_reader_open(ctx, path, "GeoJSON points: road, number, error_m", &rd);
    if (st) return st;
    int fr = park_ar_reader_field(&rd, "road"), fn = park_ar_reader_field(&rd, "number");
    int fe = park_ar_reader_field(&rd, "error_m");
    if (fr < 0 || fn < 0 || fe < 0) {
        park_ar_reader_close(&rd);
        return park_error(ctx, PARK_ERR_INPUT, "%s: expected fields road, number, error_m", path);
    }
    size_t cap = rd.count;
    park_ar_houses *h = calloc(1, sizeof *h);
    if (h) {
        h->key = calloc(cap + 1, sizeof *h->key), h->num = calloc(cap + 1, sizeof *h->num);
        h->x = calloc(cap + 1, sizeof *h->x), h->y = calloc(cap + 1, sizeof *h->y), h->err = calloc(cap + 1, sizeof *h->err);
        h->order = calloc(cap + 1, sizeof *h->order);
    }
    if (!h || !h->key || !h->num || !h->x || !h->y || !h->err || !h->order) {
        park_ar_houses_free(h);
        park_ar_reader_close(&rd);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    OGRFeatureH f;
    while (!st && (f = park_ar_reader_next(&rd)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (!g || wkbFlatten(OGR_G_GetGeometryType(g)) != wkbPoint || h->n >= cap) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld is not a point (expected GeoJSON points)", path, rd.idx);
        } else {
            double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
            if ((st = park_query_to_metric(ctx, r->ix, &x, &y)) == PARK_OK) {
                size_t i = h->n++;
                h->key[i] = park_ar_name_key(OGR_F_GetFieldAsString(f, fr));
                h->num[i] = (long)OGR_F_GetFieldAsInteger64(f, fn);
                h->err[i] = OGR_F_GetFieldAsDouble(f, fe);
                h->x[i] = x, h->y[i] = y, h->order[i] = i;
            }
        }
        OGR_F_Destroy(f);
    }
    park_ar_reader_close(&rd);
    if (st) {
        park_ar_houses_free(h);
        return st;
    }
    sort_ctx = h;
    qsort(h->order, h->n, sizeof *h->order, ord_cmp);
    /* the median spacing, metres per number, of consecutive known numbers of a road */
    double *sp = malloc((h->n + 1) * sizeof *sp);
    size_t ns = 0;
    for (size_t k = 1; sp && k < h->n; k++) {
        size_t i = h->order[k - 1], j = h->order[k];
        if (strcmp(h->key[i], h->key[j]) || h->num[i] == h->num[j]) continue;
        double d = hypot(h->x[j] - h->x[i], h->y[j] - h->y[i]);
        sp[ns++] = d / (double)(h->num[j] - h->num[i]);
    }
    if (sp && ns) qsort(sp, ns, sizeof *sp, dcmp);
    h->spacing = sp && ns ? sp[ns / 2] : 5;
    free(sp);
    *out = h;
    return PARK_OK;
}

/* [*lo, *hi) in order[] for a road key. */
static void road_range(const park_ar_houses *h, const char *key, size_t *lo, size_t *hi) {
    size_t a = 0, b = h->n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (strcmp(h->key[h->order[m]], key) < 0) a = m + 1;
        else b = m;
    }
    *lo = a;
    while (b < h->n && !strcmp(h->key[h->order[b]], key)) b++;
    *hi = b;
}

size_t park_ar_number_count(park_resolver *r, const char *road) {
    if (park_ar_index_load(r) || !r->houses) {
        park_ctx_clear_error(r->ctx);
        return 0;
    }
    char *key = park_ar_name_key(road);
    size_t lo, hi;
    road_range(r->houses, key, &lo, &hi);
    free(key);
    return hi - lo;
}

/* The point and error of number n from its entries in [lo, hi): the best (smallest
 * error) entry and the entries that agree with it within twice their combined error,
 * averaged with weights 1/error^2; an entry that disagrees (another geocoder's
 * guess elsewhere) is left out. 0 when n is not known. */
static int at_number(const park_ar_houses *h, size_t lo, size_t hi, long n, double *x, double *y, double *e) {
    long best = -1;
    for (size_t q = lo; q < hi; q++) {
        size_t i = h->order[q];
        if (h->num[i] == n && (best < 0 || h->err[i] < h->err[best])) best = (long)i;
    }
    if (best < 0) return 0;
    double sw = 0, sx = 0, sy = 0;
    int k = 0;
    for (size_t q = lo; q < hi; q++) {
        size_t i = h->order[q];
        if (h->num[i] != n) continue;
        if (hypot(h->x[i] - h->x[best], h->y[i] - h->y[best]) > 2 * hypot(h->err[i], h->err[best])) continue;
        double w = 1 / fmax(1, h->err[i] * h->err[i]);
        sw += w, sx += w * h->x[i], sy += w * h->y[i], k++;
    }
    *x = sx / sw, *y = sy / sw, *e = 1 / sqrt(sw);
    return k;
}

/* ---- along a 四至 road's course */

typedef struct course_t {
    const park_line *line; /* one LineString of the road's cached course (park_ar_course_of) */
    double len, err;       /* its length, the course's error_m */
} course_t;

/* The road's course merged (GEOSLineMerge) and copied into arrays, made on first
 * use and kept with the road (issue 11: it was merged, cloned and walked through
 * GEOS on every row). NULL when it cannot be made. */
struct park_ar_course {
    int single;       /* the merged course is one LineString */
    size_t nparts;
    park_line *parts; /* its LineStrings */
};

void park_ar_course_free(struct park_ar_course *c) {
    if (!c) return;
    for (size_t k = 0; k < c->nparts; k++) park_line_free(&c->parts[k]);
    free(c->parts), free(c);
}

static const struct park_ar_course *course_of(park_ctx *ctx, road_info *ri) {
    if (ri->course_tried) return ri->course;
    ri->course_tried = 1;
    GEOSContextHandle_t g = ctx->geos;
    GEOSGeometry *mg = GEOSLineMerge_r(g, ri->m);
    if (!mg) return NULL;
    struct park_ar_course *c = calloc(1, sizeof *c);
    int n = GEOSGetNumGeometries_r(g, mg);
    if (c) c->single = GEOSGeomTypeId_r(g, mg) == GEOS_LINESTRING, n = c->single ? 1 : n;
    if (c && n > 0 && !(c->parts = calloc((size_t)n, sizeof *c->parts))) n = -1;
    for (int k = 0; c && k < n; k++, c->nparts++)
        if (park_line_from_geos(ctx, c->single ? mg : GEOSGetGeometryN_r(g, mg, k), &c->parts[k])) n = -1;
    GEOSGeom_destroy_r(g, mg);
    if (!c || n < 0) {
        park_ctx_clear_error(ctx);
        park_ar_course_free(c);
        return NULL;
    }
    return ri->course = c;
}

/* The piece of the course that both anchors lie nearest to, as one LineString
 * (the merged course when it is one line). 0 when they lie nearest to different
 * pieces (the measure along the road would jump a gap). */
static int course_open(park_ctx *ctx, road_info *ri, double x1, double y1, double x2, double y2, course_t *c) {
    memset(c, 0, sizeof *c);
    c->err = ri->error_m;
    const struct park_ar_course *co = course_of(ctx, ri);
    if (!co) return 0;
    int best = co->single ? 0 : -1, b1 = -1, b2 = -1;
    double d1 = INFINITY, d2 = INFINITY;
    for (size_t k = 0; best < 0 && k < co->nparts; k++) {
        double a = park_line_distance(&co->parts[k], x1, y1), b = park_line_distance(&co->parts[k], x2, y2);
        if (a < d1) d1 = a, b1 = (int)k;
        if (b < d2) d2 = b, b2 = (int)k;
    }
    if (best < 0 && b1 >= 0 && b1 == b2) best = b1;
    if (best >= 0 && (size_t)best < co->nparts) c->line = &co->parts[best], c->len = c->line->len;
    return c->line && c->len > 0;
}
/* The course's direction at measure m: the chord from m - 1 to m + 1 m (clamped to the
 * course) as (*tx, *ty), its midpoint (*px, *py); returns the chord's length. */
static double course_tangent(const course_t *c, double m, double *px, double *py, double *tx, double *ty) {
    double ax, ay, bx, by;
    park_line_interpolate(c->line, fmax(0, m - 1), &ax, &ay);
    park_line_interpolate(c->line, fmin(c->len, m + 1), &bx, &by);
    *tx = bx - ax, *ty = by - ay, *px = (ax + bx) / 2, *py = (ay + by) / 2;
    return hypot(*tx, *ty);
}
/* The measure (m along the course) of x, y and its signed distance from it (left +). */
static void course_measure(const course_t *c, double x, double y, double *m, double *off) {
    *m = park_line_project(c->line, x, y), *off = 0;
    double px, py, tx, ty, tl = course_tangent(c, *m, &px, &py, &tx, &ty);
    if (tl > 0) *off = (tx * (y - py) - ty * (x - px)) / tl;
}
/* The point at measure m (clamped to the course), moved `off` metres to its left. */
static void course_point(const course_t *c, double m, double off, double *x, double *y) {
    m = fmin(c->len, fmax(0, m));
    park_line_interpolate(c->line, m, x, y);
    if (off != 0) {
        double px, py, tx, ty, tl = course_tangent(c, m, &px, &py, &tx, &ty);
        if (tl > 0) *x += -ty / tl * off, *y += tx / tl * off;
    }
}

#ifndef COURSE_NEAR_M
#define COURSE_NEAR_M 150.0
#endif
#ifndef EXTRA_COURSE_LEVER
#define EXTRA_COURSE_LEVER 1.0
#endif
#ifndef COURSE_ROOM
#define COURSE_ROOM 0.5
#endif
#ifndef COURSE_OFFSET
#define COURSE_OFFSET 1
#endif
/* road_range of a road name as written, remembered per name (r->nrange). */
#define NUM_MEMO_MAX 16384
static void name_range(park_resolver *r, const char *road, size_t *lo, size_t *hi) {
    size_t n = strlen(road);
    void *hit;
    if (park_strmap_get(r->nrange, road, n, &hit)) {
        const size_t *m = hit;
        *lo = m[0], *hi = m[1];
        return;
    }
    char *key = park_ar_name_key(road);
    road_range(r->houses, key, lo, hi);
    free(key);
    if (!r->nrange) r->nrange = park_strmap_new(NUM_MEMO_MAX);
    size_t *m = malloc(2 * sizeof *m);
    if (m) {
        m[0] = *lo, m[1] = *hi;
        if (!park_strmap_put(r->nrange, road, n, m)) free(m); /* full: answered, not remembered */
    }
}

/* What placing a number between the known numbers n1 < n2 of a road computes before
 * the number's own share t comes in: the same for every number between them. */
typedef struct bracket_t {
    double x1, y1, e1, x2, y2, e2, d;
    int along;              /* the course is used (its checks passed) */
    course_t c;             /* when along */
    double m1, o1, m2, o2;  /* the anchors' measures and offsets along it */
} bracket_t;

static void bracket_make(park_resolver *r, const park_ar_houses *h, size_t lo, size_t hi, road_info *course, long n1, long n2,
                         bracket_t *b) {
    memset(b, 0, sizeof *b);
    at_number(h, lo, hi, n1, &b->x1, &b->y1, &b->e1);
    at_number(h, lo, hi, n2, &b->x2, &b->y2, &b->e2);
    double x1 = b->x1, y1 = b->y1, x2 = b->x2, y2 = b->y2, d = hypot(x2 - x1, y2 - y1);
    b->d = d;
    int along = course && course_open(r->ctx, course, x1, y1, x2, y2, &b->c);
    if (along) {
        course_measure(&b->c, x1, y1, &b->m1, &b->o1);
        course_measure(&b->c, x2, y2, &b->m2, &b->o2);
        /* the course is used only where it runs past both numbers: each lies near it (not
         * beyond its end, where the measure is clamped) and the measure between them spans
         * at least half their distance; else the straight line between them */
        double px, py, qx, qy;
        course_point(&b->c, b->m1, 0, &px, &py);
        course_point(&b->c, b->m2, 0, &qx, &qy);
        double near = COURSE_NEAR_M + b->c.err;
        if (hypot(px - x1, py - y1) > near || hypot(qx - x2, qy - y2) > near || fabs(b->m2 - b->m1) < 0.5 * d) along = 0;
    }
    b->along = along;
}

/* bracket_make, remembered per (course, lo, n1, n2) in r->nbracket. */
static const bracket_t *bracket_of(park_resolver *r, const park_ar_houses *h, size_t lo, size_t hi, road_info *course, long n1,
                                   long n2, bracket_t *tmp) {
    struct {
        const void *course;
        size_t lo;
        long n1, n2;
    } key = {course, lo, n1, n2};
    void *hit;
    if (park_strmap_get(r->nbracket, &key, sizeof key, &hit)) return hit;
    bracket_make(r, h, lo, hi, course, n1, n2, tmp);
    if (!r->nbracket) r->nbracket = park_strmap_new(0); /* bounded by the index's pairs of numbers */
    bracket_t *m = malloc(sizeof *m);
    if (!m) return tmp;
    *m = *tmp;
    if (!park_strmap_put(r->nbracket, &key, sizeof key, m)) {
        free(m);
        return tmp;
    }
    return m;
}

int park_ar_number_point(park_resolver *r, const char *road, road_info *course, long q, double *x, double *y,
                         double *sigma_m, int *extrapolated, park_buf *why) {
    *extrapolated = 0;
    if (park_ar_index_load(r)) return -1;
    const park_ar_houses *h = r->houses;
    if (!h) return 0;
    size_t lo, hi;
    name_range(r, road, &lo, &hi);
    if (lo == hi) return 0;
    double e;
    if (at_number(h, lo, hi, q, x, y, &e)) {
        *sigma_m = e;
        park_buf_printf(why, "%ld is a known number of %s (geocoded, ±%.0f m)", q, road, e);
        return 1;
    }
    /* the bracketing known numbers: same side (parity) first, then either side */
    long n1 = 0, n2 = 0;
    for (int pass = 0; pass < 2 && !(n1 && n2); pass++) {
        n1 = n2 = 0;
        for (size_t k = lo; k < hi; k++) {
            long n = h->num[h->order[k]];
            if (pass == 0 && (n - q) % 2) continue;
            if (n < q && n > n1) n1 = n;
            if (n > q && (!n2 || n < n2)) n2 = n;
        }
    }
    if (n1 && n2) {
        bracket_t tmp;
        const bracket_t *b = bracket_of(r, h, lo, hi, course, n1, n2, &tmp);
        double x1 = b->x1, y1 = b->y1, e1 = b->e1, x2 = b->x2, y2 = b->y2, e2 = b->e2, d = b->d;
        double t = (double)(q - n1) / (double)(n2 - n1);
        *x = x1 + t * (x2 - x1), *y = y1 + t * (y2 - y1);
        *sigma_m = sqrt(pow((1 - t) * e1, 2) + pow(t * e2, 2) + d * d / 4 * t * (1 - t));
        if (b->along) { /* a 四至 road: the point at t of the way between the two numbers along its course */
            const course_t *c = &b->c;
            double m1 = b->m1, o1 = b->o1, m2 = b->m2, o2 = b->o2;
            course_point(c, m1 + t * (m2 - m1), COURSE_OFFSET ? (1 - t) * o1 + t * o2 : 0, x, y);
            *sigma_m = hypot(*sigma_m, c->err);
            park_buf_printf(why, "%s %ld placed between the known numbers %ld and %ld (%.0f m apart along the 四至 gazetteer's course, "
                                 "±%.0f m), ±%.0f m", road, q, n1, n2, fabs(m2 - m1), c->err, *sigma_m);
            return 1;
        }
        park_buf_printf(why, "%s %ld placed between the known numbers %ld and %ld (%.0f m apart%s), ±%.0f m", road, q, n1, n2, d,
                        (n1 - q) % 2 || (n2 - q) % 2 ? "; not both on its side of the road" : ", same side", *sigma_m);
        return 1;
    }
    /* past the last (or before the first) known number: continue the last two */
    *extrapolated = 1;
    int above = n1 != 0; /* q lies above every known number (else below every one) */
    long na = 0, nb = 0;
    for (size_t k = lo; k < hi; k++) {
        long n = h->num[h->order[k]];
        if (above ? n > na : (!na || n < na)) na = n;
    }
    for (size_t k = lo; k < hi; k++) {
        long n = h->num[h->order[k]];
        if (n != na && (above ? n > nb : (!nb || n < nb))) nb = n;
    }
    double xa, ya, ea;
    at_number(h, lo, hi, na, &xa, &ya, &ea);
    double rate = h->spacing, dx = 0, dy = 0, base = 0, xb = 0, yb = 0;
    if (nb) {
        double eb;
        at_number(h, lo, hi, nb, &xb, &yb, &eb);
        double d = hypot(xa - xb, ya - yb);
        if (d > 1) {
            dx = (xa - xb) / d, dy = (ya - yb) / d;
            rate = d / fabs((double)(na - nb));
            base = d;
        }
    }
    /* the radius grows with the whole distance the spacing implies; the point moves at most
     * as far as the two known numbers it continues are apart (a longer lever only
     * amplifies their direction's error) */
    double full = fmin(EXTRA_MAX_M, rate * fabs((double)(q - na))), ex = fmin(full, base);
    *x = xa + dx * ex, *y = ya + dy * ex;
    *sigma_m = sqrt(ea * ea + full * full / 4 + 50.0 * 50.0);
    course_t c;
    if ((dx != 0 || dy != 0) && course && course_open(r->ctx, course, xa, ya, xb, yb, &c)) {
        /* a 四至 road: continued along its course (its direction is the road's, not that of
         * two noisy points, so the whole distance is taken), at most to its end */
        double ma, oa, mb, ob;
        course_measure(&c, xa, ya, &ma, &oa);
        course_measure(&c, xb, yb, &mb, &ob);
        /* the course must run on past the last number: where it ends there (a 四至 course is
         * often only the piece along a park), the straight continuation below is used */
        double want = fmin(full, EXTRA_COURSE_LEVER * fmax(base, 1)), room = ma > mb ? c.len - ma : ma;
        if (ma != mb && room >= COURSE_ROOM * want) {
            double m = fmin(c.len, fmax(0, ma + (ma > mb ? 1 : -1) * want));
            course_point(&c, m, 0, x, y);
            *sigma_m = hypot(*sigma_m, c.err);
            park_buf_printf(why, "%s %ld is past the %s known number %ld: extrapolated %.0f m along the 四至 gazetteer's course "
                                 "(±%.0f m) in the direction of the last two known numbers (%.0f m implied by their spacing), ±%.0f m",
                            road, q, above ? "highest" : "lowest", na, fabs(m - ma), c.err, full, *sigma_m);
            return 1;
        }
    }
    if (dx == 0 && dy == 0)
        park_buf_printf(why, "%s %ld is past the only known number %ld: its point, the radius widened for the %.0f m the median "
                             "spacing implies, ±%.0f m", road, q, na, full, *sigma_m);
    else
        park_buf_printf(why, "%s %ld is past the %s known number %ld: extrapolated %.0f m along the last two known numbers "
                             "(%.0f m implied by their spacing), ±%.0f m", road, q, above ? "highest" : "lowest", na, ex, full, *sigma_m);
    return 1;
}
