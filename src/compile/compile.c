/* compile.c - the 四至 compiler: parsed sides + gazetteer -> parcel polygons.
 *
 * Method (also in geodata/SOURCES.md, "Compiling"):
 *  1. Every item becomes a line in EPSG:4549 metres: the gazetteer feature made
 *     one LineString, or its GEOS offset curve when the text gives a distance
 *     ("潘泾路东侧 300 米"), on the side the direction names.
 *  2. The items of a block are put in ring order: east side, south, west, north
 *     (clockwise). The text does not say in which direction a side's chain runs,
 *     so each side with two or more items is tried both ways.
 *  3. Consecutive items meet at a junction: a point where they cross, or, when
 *     they do not meet, their closest points (the gap is bridged by a straight
 *     segment, counted as approximate). When two items cross more than once, the
 *     crossings are chosen together so that the closed boundary along the
 *     features is shortest, a bridged gap weighing three times its length (a
 *     small dynamic programme round the ring); chain directions are chosen the
 *     same way, a ring that does not cross itself winning over one that does.
 *  4. Each item is clipped between its two junctions and the pieces joined into
 *     a ring; the ring is noded and polygonized (GEOSPolygonize) and the faces
 *     it encloses (even-odd rule) are the block's polygon. Blocks are unioned.
 * Nothing here looks at the official area: it is compared, never aimed at. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

#define WORK_CRS "EPSG:4549" /* CGCS2000 / 3-degree GK CM 120E: metres, scale error 2e-4 here */
#define MAX_CAND 32
/* A bridged gap costs three times its length in the choice of junctions and
 * chain directions: the text says consecutive features meet, so a reading in
 * which they do is preferred to a slightly shorter one that needs a gap. */
#define GAP_WEIGHT 3.0

enum { PROV_OSM = 0, PROV_ANCHORED = 1, PROV_APPROX = 2 };
static const char *const prov_names[] = {"osm", "anchored", "approximate"};

/* A line as plain coordinates with cumulative lengths (linear referencing). */
typedef struct pline {
    double *x, *y, *cum;
    size_t n;
    int closed;
} pline;

typedef struct ritem {
    const park_fourto_item *src;
    park_dir side;
    size_t index;             /* 1-based position in its side's chain */
    const park_feature *feat;
    char *label;              /* "东至 #3 潘泾路东侧 300 米" for messages */
    GEOSGeometry *g;          /* LineString, EPSG:4549 */
    pline pl;
    int prov;
    double err_m;             /* positional error of this line */
} ritem;

typedef struct cand {
    double ax, ay, bx, by; /* point on the first item, on the second */
    double ma, mb;         /* their measures along each item */
    double gap;            /* 0 when the items cross */
} cand;

typedef struct junction {
    cand c[MAX_CAND];
    int n;
} junction;

typedef struct comp {
    park_ctx *ctx;
    GEOSContextHandle_t g;
    const park_fourto_record *rec;
    const char *path;
    park_buf warn;
} comp;

/* ------------------------------------------------------------------ plines */

static void pline_free(pline *p) {
    free(p->x), free(p->y), free(p->cum);
    memset(p, 0, sizeof *p);
}

static int pline_from_geom(GEOSContextHandle_t g, const GEOSGeometry *ls, pline *p) {
    memset(p, 0, sizeof *p);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g, ls);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(g, cs, &n) || n < 2) return -1;
    p->x = malloc(n * sizeof *p->x), p->y = malloc(n * sizeof *p->y), p->cum = malloc(n * sizeof *p->cum);
    if (!p->x || !p->y || !p->cum) return -1;
    size_t k = 0;
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(g, cs, i, &x, &y);
        if (k && x == p->x[k - 1] && y == p->y[k - 1]) continue; /* repeated vertex */
        p->x[k] = x, p->y[k] = y;
        p->cum[k] = k ? p->cum[k - 1] + hypot(x - p->x[k - 1], y - p->y[k - 1]) : 0;
        k++;
    }
    p->n = k;
    p->closed = k > 2 && p->x[0] == p->x[k - 1] && p->y[0] == p->y[k - 1];
    return k >= 2 ? 0 : -1;
}

static double pline_len(const pline *p) { return p->n ? p->cum[p->n - 1] : 0; }

/* Measure of the point of p nearest to (x, y). */
static double pline_project(const pline *p, double x, double y) {
    double best = INFINITY, m = 0;
    for (size_t i = 0; i + 1 < p->n; i++) {
        double dx = p->x[i + 1] - p->x[i], dy = p->y[i + 1] - p->y[i];
        double l2 = dx * dx + dy * dy;
        double t = l2 > 0 ? ((x - p->x[i]) * dx + (y - p->y[i]) * dy) / l2 : 0;
        if (t < 0) t = 0;
        if (t > 1) t = 1;
        double px = p->x[i] + t * dx, py = p->y[i] + t * dy;
        double d = hypot(x - px, y - py);
        if (d < best) best = d, m = p->cum[i] + t * (p->cum[i + 1] - p->cum[i]);
    }
    return m;
}

static void pline_point(const pline *p, double m, double *x, double *y) {
    if (m <= 0) {
        *x = p->x[0], *y = p->y[0];
        return;
    }
    for (size_t i = 0; i + 1 < p->n; i++)
        if (m <= p->cum[i + 1]) {
            double seg = p->cum[i + 1] - p->cum[i];
            double t = seg > 0 ? (m - p->cum[i]) / seg : 0;
            *x = p->x[i] + t * (p->x[i + 1] - p->x[i]);
            *y = p->y[i] + t * (p->y[i + 1] - p->y[i]);
            return;
        }
    *x = p->x[p->n - 1], *y = p->y[p->n - 1];
}

/* Length of the piece between measures m0 and m1: on a closed line, the shorter arc. */
static double piece_len(const pline *p, double m0, double m1) {
    double d = fabs(m1 - m0);
    if (p->closed) {
        double L = pline_len(p);
        if (L - d < d) d = L - d;
    }
    return d;
}

static void out_pt(park_buf *xy, double x, double y) {
    size_t n = xy->len / (2 * sizeof(double));
    if (n) {
        const double *last = (const double *)xy->s + 2 * (n - 1);
        if (last[0] == x && last[1] == y) return;
    }
    double v[2] = {x, y};
    park_buf_appendn(xy, (const char *)v, sizeof v);
}

/* Appends the piece of p from measure m0 to m1 (in that direction; a closed line
 * goes the shorter way round) to the coordinate buffer. */
static void pline_append_piece(const pline *p, double m0, double m1, park_buf *xy) {
    double x, y;
    double L = pline_len(p);
    int wrap = p->closed && L - fabs(m1 - m0) < fabs(m1 - m0);
    pline_point(p, m0, &x, &y);
    out_pt(xy, x, y);
    if (!wrap) {
        if (m1 >= m0) {
            for (size_t i = 0; i < p->n; i++)
                if (p->cum[i] > m0 && p->cum[i] < m1) out_pt(xy, p->x[i], p->y[i]);
        } else {
            for (size_t i = p->n; i-- > 0;)
                if (p->cum[i] < m0 && p->cum[i] > m1) out_pt(xy, p->x[i], p->y[i]);
        }
    } else if (m1 < m0) { /* forward through the seam: m0 -> L(=0) -> m1 */
        for (size_t i = 0; i < p->n; i++)
            if (p->cum[i] > m0) out_pt(xy, p->x[i], p->y[i]);
        for (size_t i = 1; i < p->n; i++)
            if (p->cum[i] < m1) out_pt(xy, p->x[i], p->y[i]);
    } else { /* backward through the seam */
        for (size_t i = p->n; i-- > 0;)
            if (p->cum[i] < m0) out_pt(xy, p->x[i], p->y[i]);
        for (size_t i = p->n - 1; i-- > 0;)
            if (p->cum[i] > m1) out_pt(xy, p->x[i], p->y[i]);
    }
    pline_point(p, m1, &x, &y);
    out_pt(xy, x, y);
}

/* ------------------------------------------------------------------ items */

static int prov_of(const char *s) {
    if (s && !strcmp(s, "osm")) return PROV_OSM;
    if (s && !strcmp(s, "anchored")) return PROV_ANCHORED;
    return PROV_APPROX;
}

/* Looks up the feature for an item: qualified names first (generic names such
 * as 地块通道 differ per parcel and side), then the plain name. */
static const park_feature *lookup(const park_gazetteer *gz, const char *id, park_dir side, const char *name) {
    char key[1024];
    snprintf(key, sizeof key, "%s/%s/%s", id, park_dir_name(side), name);
    const park_feature *f = park_gazetteer_find(gz, key);
    if (f) return f;
    snprintf(key, sizeof key, "%s/%s", id, name);
    if ((f = park_gazetteer_find(gz, key))) return f;
    return park_gazetteer_find(gz, name);
}

/* Merges a (Multi)LineString into one LineString: line-merge, then chain the
 * remaining parts end to end (nearest ends first), bridging the gaps. */
static GEOSGeometry *single_line(GEOSContextHandle_t g, const GEOSGeometry *in, double *bridged) {
    *bridged = 0;
    GEOSGeometry *m = GEOSLineMerge_r(g, in);
    if (!m) return NULL;
    int np = GEOSGetNumGeometries_r(g, m);
    if (GEOSGeomTypeId_r(g, m) == GEOS_LINESTRING) return m;
    if (np < 1) {
        GEOSGeom_destroy_r(g, m);
        return NULL;
    }
    /* parts as coordinate arrays */
    pline *parts = calloc((size_t)np, sizeof *parts);
    int *used = calloc((size_t)np, sizeof *used);
    int best = 0;
    for (int i = 0; i < np; i++) {
        if (pline_from_geom(g, GEOSGetGeometryN_r(g, m, i), &parts[i])) parts[i].n = 0;
        if (pline_len(&parts[i]) > pline_len(&parts[best])) best = i;
    }
    /* start from the longest part, then grow at either end */
    size_t cap = 0;
    for (int i = 0; i < np; i++) cap += parts[i].n;
    double *X = malloc(2 * cap * sizeof *X), *Y = X + cap;
    size_t n = 0;
    for (size_t k = 0; k < parts[best].n; k++) X[n] = parts[best].x[k], Y[n] = parts[best].y[k], n++;
    used[best] = 1;
    for (;;) {
        double bd = INFINITY;
        int bi = -1, at_end = 0, rev = 0;
        for (int i = 0; i < np; i++) {
            if (used[i] || parts[i].n < 2) continue;
            const pline *q = &parts[i];
            double ends[4] = {hypot(X[n - 1] - q->x[0], Y[n - 1] - q->y[0]), hypot(X[n - 1] - q->x[q->n - 1], Y[n - 1] - q->y[q->n - 1]),
                              hypot(X[0] - q->x[q->n - 1], Y[0] - q->y[q->n - 1]), hypot(X[0] - q->x[0], Y[0] - q->y[0])};
            for (int e = 0; e < 4; e++)
                if (ends[e] < bd) bd = ends[e], bi = i, at_end = e < 2, rev = e == 1 || e == 3;
        }
        if (bi < 0) break;
        const pline *q = &parts[bi];
        used[bi] = 1;
        *bridged += bd;
        if (at_end) {
            for (size_t k = 0; k < q->n; k++) {
                size_t s = rev ? q->n - 1 - k : k;
                X[n] = q->x[s], Y[n] = q->y[s], n++;
            }
        } else {
            /* prepend: shift */
            memmove(X + q->n, X, n * sizeof *X);
            memmove(Y + q->n, Y, n * sizeof *Y);
            for (size_t k = 0; k < q->n; k++) {
                size_t s = rev ? q->n - 1 - k : k; /* rev: q's start joins our start, so q runs backwards */
                X[k] = q->x[s], Y[k] = q->y[s];
            }
            n += q->n;
        }
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(g, (unsigned)n, 2);
    for (size_t k = 0; k < n; k++) GEOSCoordSeq_setXY_r(g, cs, (unsigned)k, X[k], Y[k]);
    GEOSGeometry *ls = GEOSGeom_createLineString_r(g, cs);
    free(X);
    for (int i = 0; i < np; i++) pline_free(&parts[i]);
    free(parts), free(used);
    GEOSGeom_destroy_r(g, m);
    return ls;
}

/* Unit vector of a direction, x east, y north. */
static void dir_vec(park_dir d, double *dx, double *dy) {
    *dx = d == PARK_DIR_E ? 1 : d == PARK_DIR_W ? -1 : 0;
    *dy = d == PARK_DIR_N ? 1 : d == PARK_DIR_S ? -1 : 0;
}

/* The offset line of `ls` by `m` metres toward `d`. GEOS offsets to the left for
 * positive distances; the sign is chosen from the line's length-weighted left
 * normal, so "东侧 300 米" lands east whichever way the feature is digitised. */
static GEOSGeometry *offset_line(comp *c, const GEOSGeometry *ls, park_dir d, double m, const char *label) {
    pline p;
    if (pline_from_geom(c->g, ls, &p)) {
        pline_free(&p);
        return NULL;
    }
    double nx = 0, ny = 0, dx, dy;
    for (size_t i = 0; i + 1 < p.n; i++) nx += -(p.y[i + 1] - p.y[i]), ny += p.x[i + 1] - p.x[i];
    dir_vec(d, &dx, &dy);
    double dot = nx * dx + ny * dy, L = pline_len(&p);
    pline_free(&p);
    if (L > 0 && fabs(dot) < 0.3 * L)
        park_buf_printf(&c->warn, "%s: the feature runs mostly %s-%s, so an offset toward %s is ill-defined (normal . direction = %.0f%% of length)\n",
                        label, park_dir_name(d), park_dir_name(d == PARK_DIR_E || d == PARK_DIR_W ? PARK_DIR_W : PARK_DIR_S),
                        park_dir_name(d), 100 * fabs(dot) / L);
    GEOSGeometry *o = GEOSOffsetCurve_r(c->g, ls, dot >= 0 ? m : -m, 8, GEOSBUF_JOIN_ROUND, 5.0);
    if (!o) return NULL;
    if (GEOSGeomTypeId_r(c->g, o) == GEOS_LINESTRING) return o;
    double br;
    GEOSGeometry *s = single_line(c->g, o, &br);
    GEOSGeom_destroy_r(c->g, o);
    return s;
}

static void ritem_free(GEOSContextHandle_t g, ritem *it) {
    if (it->g) GEOSGeom_destroy_r(g, it->g);
    pline_free(&it->pl);
    free(it->label);
}

/* Builds the line of one item. */
static park_status make_item(comp *c, const park_gazetteer *gz, const park_fourto_side *side, size_t k, ritem *it,
                             park_buf *missing, int *is_missing) {
    const park_fourto_item *src = &side->items[k];
    memset(it, 0, sizeof *it);
    it->src = src, it->side = side->dir, it->index = k + 1;
    it->label = park_asprintf("%s (%s) %s至 #%zu '%s'", c->path, c->rec->id, park_dir_name(side->dir), k + 1, src->text);
    int edge = src->offset_dir != PARK_DIR_NONE && isnan(src->offset_m);
    const park_feature *f = NULL;
    if (edge) {
        char *nm = park_asprintf("%s%s侧", src->feature, park_dir_name(src->offset_dir));
        f = lookup(gz, c->rec->id, side->dir, nm);
        free(nm);
        if (!f && (f = lookup(gz, c->rec->id, side->dir, src->feature)))
            park_buf_printf(&c->warn, "%s: no line for the %s edge in the gazetteer; the feature '%s' itself is used\n", it->label,
                            park_dir_name(src->offset_dir), src->feature);
    } else {
        f = lookup(gz, c->rec->id, side->dir, src->feature);
    }
    if (!f) {
        /* grouped per parcel: "(id) 东至 #1: 'A', 南至 #2: 'B'; (id2) ..." */
        char head[512];
        snprintf(head, sizeof head, "(%s) ", c->rec->id);
        const char *grp = missing->s ? missing->s : "";
        for (const char *q; (q = strstr(grp, "; (")) != NULL;) grp = q + 2; /* the last parcel's group */
        int same_parcel = missing->len && strncmp(grp, head, strlen(head)) == 0;
        if (missing->len && same_parcel) park_buf_append(missing, ", ");
        else park_buf_printf(missing, "%s%s", missing->len ? "; " : "", head);
        park_buf_printf(missing, "%s至 #%zu: '%s'", park_dir_name(side->dir), k + 1, edge ? src->text : src->feature);
        *is_missing = 1;
        return PARK_OK;
    }
    it->feat = f;
    it->prov = prov_of(f->provenance);
    it->err_m = isfinite(f->error_m) && f->error_m >= 0 ? f->error_m : 50;
    GEOSGeometry *proj = NULL;
    park_status st = park_transform(c->ctx, f->geom, "EPSG:4490", WORK_CRS, &proj);
    if (st) return st;
    double bridged = 0;
    GEOSGeometry *ls = single_line(c->g, proj, &bridged);
    GEOSGeom_destroy_r(c->g, proj);
    if (!ls) return park_error(c->ctx, PARK_ERR_INPUT, "%s: gazetteer feature '%s' has no usable line geometry", it->label, f->name);
    if (bridged > 50)
        park_buf_printf(&c->warn, "%s: gazetteer feature '%s' is in pieces; %.0f m of gaps bridged\n", it->label, f->name, bridged);
    if (!edge && src->offset_dir != PARK_DIR_NONE) {
        GEOSGeometry *o = offset_line(c, ls, src->offset_dir, src->offset_m, it->label);
        GEOSGeom_destroy_r(c->g, ls);
        if (!o) return park_geos_fail(c->ctx, "offset curve");
        ls = o;
        /* the text's distance: "约" (about) is taken as +-20%, a plain figure as +-10 m */
        it->err_m += src->approx ? fmax(10, 0.2 * src->offset_m) : 10;
    }
    it->g = ls;
    if (pline_from_geom(c->g, ls, &it->pl))
        return park_error(c->ctx, PARK_ERR_INPUT, "%s: gazetteer feature '%s' has a degenerate line", it->label, f->name);
    return PARK_OK;
}

/* ------------------------------------------------------------------ junctions */

static void add_cand(junction *j, const ritem *a, const ritem *b, double ax, double ay, double bx, double by) {
    if (j->n >= MAX_CAND) return;
    cand *c = &j->c[j->n++];
    c->ax = ax, c->ay = ay, c->bx = bx, c->by = by;
    c->ma = pline_project(&a->pl, ax, ay);
    c->mb = pline_project(&b->pl, bx, by);
    c->gap = hypot(bx - ax, by - ay);
}

static void collect_points(GEOSContextHandle_t g, const GEOSGeometry *x, junction *j, const ritem *a, const ritem *b) {
    int t = GEOSGeomTypeId_r(g, x);
    if (t == GEOS_POINT) {
        double px, py;
        if (GEOSGeomGetX_r(g, x, &px) && GEOSGeomGetY_r(g, x, &py)) add_cand(j, a, b, px, py, px, py);
    } else if (t == GEOS_LINESTRING) {
        /* the two lines overlap along a stretch: its ends are the candidates */
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g, x);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(g, cs, &n);
        double px, py;
        if (n) {
            GEOSCoordSeq_getXY_r(g, cs, 0, &px, &py), add_cand(j, a, b, px, py, px, py);
            GEOSCoordSeq_getXY_r(g, cs, n - 1, &px, &py), add_cand(j, a, b, px, py, px, py);
        }
    } else {
        int n = GEOSGetNumGeometries_r(g, x);
        for (int i = 0; i < n; i++) collect_points(g, GEOSGetGeometryN_r(g, x, i), j, a, b);
    }
}

static park_status find_junction(comp *c, const ritem *a, const ritem *b, junction *j) {
    j->n = 0;
    GEOSGeometry *x = GEOSIntersection_r(c->g, a->g, b->g);
    if (!x) return park_geos_fail(c->ctx, "intersection of two features");
    if (!GEOSisEmpty_r(c->g, x)) collect_points(c->g, x, j, a, b);
    GEOSGeom_destroy_r(c->g, x);
    if (j->n == 0) {
        GEOSCoordSequence *np = GEOSNearestPoints_r(c->g, a->g, b->g);
        if (!np) return park_geos_fail(c->ctx, "nearest points of two features");
        double ax, ay, bx, by;
        GEOSCoordSeq_getXY_r(c->g, np, 0, &ax, &ay);
        GEOSCoordSeq_getXY_r(c->g, np, 1, &bx, &by);
        GEOSCoordSeq_destroy_r(c->g, np);
        add_cand(j, a, b, ax, ay, bx, by);
    }
    return PARK_OK;
}

/* ------------------------------------------------------------------ the ring */

typedef struct ring_plan {
    size_t n;
    ritem **items;   /* ring order */
    junction *junc;  /* junc[i] joins items[i] and items[(i+1)%n] */
    int *choice;     /* chosen candidate per junction */
    double cost;     /* boundary length along features + gaps */
    double gaps;
    double area;     /* enclosed area, m² (planar EPSG:4549), for diagnostics only */
    int simple;
} ring_plan;

static void plan_free(ring_plan *p) {
    free(p->items), free(p->junc), free(p->choice);
    memset(p, 0, sizeof *p);
}

/* Chooses one candidate per junction minimising the ring's length (cycle DP). */
static void choose_junctions(ring_plan *p) {
    size_t n = p->n;
    double best_total = INFINITY;
    int *best = calloc(n, sizeof *best), *cur = calloc(n, sizeof *cur);
    double *cost = malloc(n * MAX_CAND * sizeof *cost);
    int *from = malloc(n * MAX_CAND * sizeof *from);
    const junction *last = &p->junc[n - 1];
    for (int s = 0; s < last->n; s++) {
        /* junction n-1 fixed to s; it is the start of item 0 */
        for (size_t i = 0; i + 1 < n; i++) {
            const junction *J = &p->junc[i];
            const pline *pl = &p->items[i]->pl;
            for (int k = 0; k < J->n; k++) {
                double bestc = INFINITY;
                int bf = 0;
                if (i == 0) {
                    bestc = piece_len(pl, last->c[s].mb, J->c[k].ma);
                } else {
                    const junction *P = &p->junc[i - 1];
                    for (int q = 0; q < P->n; q++) {
                        double v = cost[(i - 1) * MAX_CAND + q] + piece_len(pl, P->c[q].mb, J->c[k].ma);
                        if (v < bestc) bestc = v, bf = q;
                    }
                }
                cost[i * MAX_CAND + k] = bestc + GAP_WEIGHT * J->c[k].gap;
                from[i * MAX_CAND + k] = bf;
            }
        }
        /* close: item n-1 runs from junction n-2 to junction n-1 (= s) */
        const pline *pl = &p->items[n - 1]->pl;
        double total;
        int bq = 0;
        if (n == 1) {
            total = pline_len(pl);
        } else {
            const junction *P = &p->junc[n - 2];
            total = INFINITY;
            for (int q = 0; q < P->n; q++) {
                double v = cost[(n - 2) * MAX_CAND + q] + piece_len(pl, P->c[q].mb, last->c[s].ma);
                if (v < total) total = v, bq = q;
            }
        }
        total += GAP_WEIGHT * last->c[s].gap;
        if (total < best_total) {
            best_total = total;
            cur[n - 1] = s;
            if (n >= 2) {
                cur[n - 2] = bq;
                for (size_t i = n - 2; i > 0; i--) cur[i - 1] = from[i * MAX_CAND + cur[i]];
            }
            memcpy(best, cur, n * sizeof *best);
        }
    }
    memcpy(p->choice, best, n * sizeof *best);
    p->cost = best_total;
    p->gaps = 0;
    for (size_t i = 0; i < n; i++) p->gaps += p->junc[i].c[best[i]].gap;
    free(best), free(cur), free(cost), free(from);
}

/* Ring coordinates (closed) of a plan; also accumulates boundary length per item
 * and per provenance into the stats when `st` is given. */
static void plan_coords(const ring_plan *p, park_buf *xy, park_compile_stats *st, park_buf *feat_json) {
    size_t n = p->n;
    for (size_t i = 0; i < n; i++) {
        const cand *in = &p->junc[(i + n - 1) % n].c[p->choice[(i + n - 1) % n]];
        const cand *out = &p->junc[i].c[p->choice[i]];
        const ritem *it = p->items[i];
        if (n == 1) pline_append_piece(&it->pl, 0, pline_len(&it->pl), xy);
        else pline_append_piece(&it->pl, in->mb, out->ma, xy);
        double len = n == 1 ? pline_len(&it->pl) : piece_len(&it->pl, in->mb, out->ma);
        if (st) {
            st->len_m[it->prov] += len;
            st->err_km2 += len * it->err_m / 1e6;
        }
        if (feat_json) {
            park_buf_printf(feat_json, "%s[\"%s\",", feat_json->len > 1 ? "," : "", park_dir_name(it->side));
            park_json_escape(feat_json, it->src->text);
            park_buf_printf(feat_json, ",\"%s\",%.0f,%.0f,", prov_names[it->prov], len, it->err_m);
            park_json_escape(feat_json, it->feat && it->feat->name ? it->feat->name : "");
            park_buf_append(feat_json, "]");
        }
        if (out->gap > 0 && feat_json) {
            /* the bridged gap to the next item is an edge too (a straight segment, no feature) */
            park_buf_printf(feat_json, ",[\"%s\",", park_dir_name(it->side));
            char *gl = park_asprintf("(gap after %s)", it->src->text);
            park_json_escape(feat_json, gl);
            free(gl);
            park_buf_printf(feat_json, ",\"%s\",%.0f,%.0f,\"\"]", prov_names[PROV_APPROX], out->gap, out->gap / 2);
        }
        if (out->gap > 0) {
            out_pt(xy, out->bx, out->by);
            if (st) {
                st->len_m[PROV_APPROX] += out->gap;
                st->gap_m += out->gap;
                st->err_km2 += out->gap * (out->gap / 2) / 1e6;
            }
        }
    }
    /* close the ring */
    const double *first = (const double *)xy->s;
    out_pt(xy, first[0], first[1]);
}

static GEOSGeometry *line_from_xy(GEOSContextHandle_t g, const park_buf *xy, int ring) {
    size_t n = xy->len / (2 * sizeof(double));
    const double *v = (const double *)xy->s;
    if (n < (ring ? 4u : 2u)) return NULL;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(g, (unsigned)n, 2);
    for (size_t i = 0; i < n; i++) GEOSCoordSeq_setXY_r(g, cs, (unsigned)i, v[2 * i], v[2 * i + 1]);
    return ring ? GEOSGeom_createLinearRing_r(g, cs) : GEOSGeom_createLineString_r(g, cs);
}

/* Crossing-number test of a point against the closed coordinate list. */
static int inside_even_odd(const park_buf *xy, double px, double py) {
    size_t n = xy->len / (2 * sizeof(double));
    const double *v = (const double *)xy->s;
    int in = 0;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = v[2 * i], yi = v[2 * i + 1], xj = v[2 * j], yj = v[2 * j + 1];
        if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi) in = !in;
    }
    return in;
}

/* The polygon(s) the ring encloses: node, polygonize, keep faces inside by the
 * even-odd rule, union them. */
static GEOSGeometry *enclose(comp *c, const park_buf *xy, int *nfaces) {
    GEOSContextHandle_t g = c->g;
    *nfaces = 0;
    GEOSGeometry *line = line_from_xy(g, xy, 0);
    if (!line) return NULL;
    GEOSGeometry *noded = GEOSNode_r(g, line);
    GEOSGeom_destroy_r(g, line);
    if (!noded) return NULL;
    const GEOSGeometry *in[1] = {noded};
    GEOSGeometry *faces = GEOSPolygonize_r(g, in, 1);
    GEOSGeom_destroy_r(g, noded);
    if (!faces) return NULL;
    int nf = GEOSGetNumGeometries_r(g, faces);
    GEOSGeometry **keep = calloc((size_t)nf + 1, sizeof *keep);
    int nk = 0;
    for (int i = 0; i < nf; i++) {
        const GEOSGeometry *f = GEOSGetGeometryN_r(g, faces, i);
        GEOSGeometry *pt = GEOSPointOnSurface_r(g, f);
        double px, py;
        if (pt && GEOSGeomGetX_r(g, pt, &px) && GEOSGeomGetY_r(g, pt, &py) && inside_even_odd(xy, px, py))
            keep[nk++] = GEOSGeom_clone_r(g, f);
        if (pt) GEOSGeom_destroy_r(g, pt);
    }
    GEOSGeom_destroy_r(g, faces);
    *nfaces = nk;
    GEOSGeometry *coll = GEOSGeom_createCollection_r(g, GEOS_MULTIPOLYGON, keep, (unsigned)nk);
    free(keep);
    if (!coll) return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(g, coll);
    GEOSGeom_destroy_r(g, coll);
    return u;
}

/* Whether the ring really crosses itself. Going out and back along the same
 * feature (a spike, as when a text names a road on two sides) is not a crossing:
 * polygonize drops such dangles. A crossing shows as the enclosed faces' area
 * differing from the ring's shoelace area (a figure 8's lobes cancel there). */
static int ring_crosses(comp *c, const park_buf *xy, double *area) {
    size_t n = xy->len / (2 * sizeof(double));
    const double *v = (const double *)xy->s;
    double sh = 0;
    for (size_t i = 0; i + 1 < n; i++) sh += v[2 * i] * v[2 * i + 3] - v[2 * i + 2] * v[2 * i + 1];
    sh = fabs(sh / 2);
    int nf = 0;
    GEOSGeometry *faces = enclose(c, xy, &nf);
    double fa = 0;
    if (faces) GEOSArea_r(c->g, faces, &fa), GEOSGeom_destroy_r(c->g, faces);
    *area = fa;
    return fabs(fa - sh) > 1e-4 * fmax(fa, sh) + 1.0;
}

/* Builds a ring plan for one choice of chain directions. */
static park_status build_plan(comp *c, ritem **side_items[4], size_t side_n[4], unsigned flip, ring_plan *p) {
    static const park_dir order[4] = {PARK_DIR_E, PARK_DIR_S, PARK_DIR_W, PARK_DIR_N};
    memset(p, 0, sizeof *p);
    size_t total = 0;
    for (int s = 0; s < 4; s++) total += side_n[s];
    p->items = calloc(total, sizeof *p->items);
    p->junc = calloc(total, sizeof *p->junc);
    p->choice = calloc(total, sizeof *p->choice);
    if (!p->items || !p->junc || !p->choice) return park_error(c->ctx, PARK_ERR_INTERNAL, "out of memory");
    for (int s = 0; s < 4; s++) {
        (void)order;
        for (size_t k = 0; k < side_n[s]; k++) {
            size_t kk = (flip >> s) & 1 ? side_n[s] - 1 - k : k;
            ritem *it = side_items[s][kk];
            /* the same feature twice in a row (区界 on the south and the west side)
             * is one stretch of boundary */
            if (p->n && p->items[p->n - 1]->feat == it->feat && p->items[p->n - 1]->src->offset_dir == it->src->offset_dir &&
                (isnan(it->src->offset_m) ? isnan(p->items[p->n - 1]->src->offset_m) : p->items[p->n - 1]->src->offset_m == it->src->offset_m))
                continue;
            p->items[p->n++] = it;
        }
    }
    while (p->n > 1 && p->items[p->n - 1]->feat == p->items[0]->feat &&
           p->items[p->n - 1]->src->offset_dir == p->items[0]->src->offset_dir)
        p->n--;
    for (size_t i = 0; i < p->n; i++) {
        if (p->n == 1) {
            p->junc[i].n = 1;
            memset(&p->junc[i].c[0], 0, sizeof(cand));
            continue;
        }
        park_status st = find_junction(c, p->items[i], p->items[(i + 1) % p->n], &p->junc[i]);
        if (st) return st;
    }
    choose_junctions(p);
    park_buf xy;
    park_buf_init(&xy);
    plan_coords(p, &xy, NULL, NULL);
    p->simple = !ring_crosses(c, &xy, &p->area);
    park_buf_free(&xy);
    return PARK_OK;
}

/* Compiles one block into a polygon (EPSG:4549). */
static park_status compile_block(comp *c, const park_gazetteer *gz, const park_fourto_block *b, size_t bi,
                                 GEOSGeometry **out, park_compile_stats *st, park_buf *feat_json, park_buf *missing) {
    static const park_dir order[4] = {PARK_DIR_E, PARK_DIR_S, PARK_DIR_W, PARK_DIR_N};
    *out = NULL;
    ritem *all = NULL;
    ritem **side_items[4] = {0};
    size_t side_n[4] = {0}, nall = 0, total = 0;
    park_status rc = PARK_OK;
    for (int s = 0; s < 4; s++) total += park_fourto_side_get(b, order[s])->n;
    all = calloc(total, sizeof *all);
    int nmissing = 0;
    for (int s = 0; s < 4; s++) {
        const park_fourto_side *sd = park_fourto_side_get(b, order[s]);
        side_items[s] = calloc(sd->n, sizeof **side_items);
        side_n[s] = sd->n;
        for (size_t k = 0; k < sd->n; k++) {
            int miss = 0;
            side_items[s][k] = &all[nall];
            rc = make_item(c, gz, sd, k, &all[nall++], missing, &miss);
            if (rc) goto done;
            nmissing += miss;
        }
    }
    if (nmissing) {
        rc = PARK_ERR_INPUT; /* the names are in `missing`; the caller reports them all at once */
        goto done;
    }
    /* all four sides on one feature ("东至X,南至X,西至X,北至X"): the parcel is
     * whatever that line encloses on its own, which is rarely what the text
     * meant (issue 12, item 9) */
    {
        size_t same = 1;
        while (same < nall && all[same].feat == all[0].feat) same++;
        if (nall && same == nall)
            park_buf_printf(&c->warn, "%s (%s) block %zu: all four sides are the one feature '%s': the parcel is only what that line encloses on its own (check the 四至 text: the sides should name different features)\n",
                            c->path, c->rec->id, bi + 1, all[0].feat->name);
    }
    /* every combination of chain directions for sides with two or more items */
    ring_plan best = {0};
    int have = 0;
    double alt_cost[16], alt_area[16];
    int alt_simple[16], nalt = 0;
    for (unsigned flip = 0; flip < 16; flip++) {
        int redundant = 0;
        for (int s = 0; s < 4; s++)
            if (((flip >> s) & 1) && side_n[s] < 2) redundant = 1;
        if (redundant) continue;
        ring_plan p;
        rc = build_plan(c, side_items, side_n, flip, &p);
        if (rc) {
            plan_free(&p);
            if (have) plan_free(&best);
            goto done;
        }
        if (getenv("PARKGIS_COMPILE_DEBUG"))
            fprintf(stderr, "plan %s %zu flip=%u simple=%d cost=%.0f gaps=%.0f area=%.3f\n", c->rec->id, bi + 1, flip, p.simple, p.cost,
                    p.gaps, p.area / 1e6);
        alt_cost[nalt] = p.cost, alt_area[nalt] = p.area, alt_simple[nalt++] = p.simple;
        int better = !have || (p.simple && !best.simple) || (p.simple == best.simple && p.cost < best.cost - 1e-6);
        if (better) {
            if (have) plan_free(&best);
            best = p, have = 1;
        } else plan_free(&p);
    }
    /* another reading of the chain directions almost as good but enclosing a
     * clearly different area: say so, the text is ambiguous with these lines */
    for (int k = 0; k < nalt; k++)
        if (alt_simple[k] == best.simple && alt_cost[k] > best.cost && alt_cost[k] < best.cost * 1.02 &&
            fabs(alt_area[k] - best.area) > 0.05 * best.area) {
            park_buf_printf(&c->warn, "%s (%s) block %zu: ambiguous: another reading of the chain directions is nearly as short (%.0f vs %.0f m) but encloses %.3f km² instead of %.3f\n",
                            c->path, c->rec->id, bi + 1, alt_cost[k], best.cost, alt_area[k] / 1e6, best.area / 1e6);
            break;
        }
    if (!best.simple)
        park_buf_printf(&c->warn, "%s (%s) block %zu: the boundary crosses itself whichever way the chains run; faces kept by the even-odd rule\n",
                        c->path, c->rec->id, bi + 1);
    for (size_t i = 0; i < best.n; i++) {
        const cand *cd = &best.junc[i].c[best.choice[i]];
        if (cd->gap > 1.0) {
            /* where, in lon/lat, so the gazetteer can be fixed at the right spot */
            double ax = cd->ax, ay = cd->ay, bx = cd->bx, by = cd->by;
            park_transform_xy(c->ctx, WORK_CRS, "EPSG:4490", &ax, &ay);
            park_transform_xy(c->ctx, WORK_CRS, "EPSG:4490", &bx, &by);
            park_buf_printf(&c->warn, "%s (%s) block %zu: '%s' (%s) and '%s' (%s) do not meet: %.0f m gap bridged (%.5f %.5f to %.5f %.5f)\n",
                            c->path, c->rec->id, bi + 1, best.items[i]->src->text, park_dir_name(best.items[i]->side),
                            best.items[(i + 1) % best.n]->src->text, park_dir_name(best.items[(i + 1) % best.n]->side), cd->gap, ax, ay,
                            bx, by);
        }
    }
    park_buf xy;
    park_buf_init(&xy);
    plan_coords(&best, &xy, st, feat_json);
    if (getenv("PARKGIS_COMPILE_DEBUG")) {
        /* the ring before polygonizing, as lon/lat WKT, for looking at a parcel */
        GEOSGeometry *dl = line_from_xy(c->g, &xy, 0), *ll = NULL;
        if (dl && park_transform(c->ctx, dl, WORK_CRS, "EPSG:4490", &ll) == PARK_OK) {
            char *w = park_geom_wkt(c->ctx, ll, 6);
            fprintf(stderr, "ring %s %zu %s\n", c->rec->id, bi + 1, w ? w : "");
            free(w);
        }
        if (dl) GEOSGeom_destroy_r(c->g, dl);
        if (ll) GEOSGeom_destroy_r(c->g, ll);
    }
    int nf = 0;
    *out = enclose(c, &xy, &nf);
    park_buf_free(&xy);
    plan_free(&best);
    if (!*out || nf == 0 || GEOSisEmpty_r(c->g, *out)) {
        if (*out) GEOSGeom_destroy_r(c->g, *out), *out = NULL;
        rc = park_error(c->ctx, PARK_ERR_CHECK, "%s (%s) block %zu: the sides enclose no area (check the features' positions)", c->path,
                        c->rec->id, bi + 1);
    }
done:
    for (size_t i = 0; i < nall; i++) ritem_free(c->g, &all[i]);
    free(all);
    for (int s = 0; s < 4; s++) free(side_items[s]);
    return rc;
}

/* ------------------------------------------------------------------ parcels */

void park_compile_stats_free(park_compile_stats *stats, size_t n) {
    if (!stats) return;
    for (size_t i = 0; i < n; i++) free(stats[i].warnings);
    free(stats);
}

static GEOSGeometry *as_multi(GEOSContextHandle_t g, GEOSGeometry *x) {
    if (GEOSGeomTypeId_r(g, x) == GEOS_MULTIPOLYGON) return x;
    if (GEOSGeomTypeId_r(g, x) == GEOS_POLYGON) {
        GEOSGeometry *parts[1] = {x};
        return GEOSGeom_createCollection_r(g, GEOS_MULTIPOLYGON, parts, 1);
    }
    /* a collection: keep its polygons */
    int n = GEOSGetNumGeometries_r(g, x);
    GEOSGeometry **ps = calloc((size_t)n + 1, sizeof *ps);
    unsigned k = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *p = GEOSGetGeometryN_r(g, x, i);
        if (GEOSGeomTypeId_r(g, p) == GEOS_POLYGON) ps[k++] = GEOSGeom_clone_r(g, p);
    }
    GEOSGeom_destroy_r(g, x);
    GEOSGeometry *m = GEOSGeom_createCollection_r(g, GEOS_MULTIPOLYGON, ps, k);
    free(ps);
    return m;
}

static park_status compile_record(park_ctx *ctx, const park_fourto_set *set, const park_fourto_record *r,
                                  const park_gazetteer *gz, GEOSGeometry **geom, park_compile_stats *st, char **prov,
                                  park_buf *missing) {
    comp c = {ctx, ctx->geos, r, set->path, {0}};
    park_buf_init(&c.warn);
    park_buf feats;
    park_buf_init(&feats);
    park_buf_append(&feats, "[");
    GEOSGeometry *acc = NULL;
    park_status rc = PARK_OK;
    for (size_t bi = 0; bi < r->parsed->nblocks; bi++) {
        GEOSGeometry *poly = NULL;
        size_t before = missing->len;
        park_status s = compile_block(&c, gz, &r->parsed->blocks[bi], bi, &poly, st, &feats, missing);
        if (s) {
            rc = s;
            if (s == PARK_ERR_INPUT && missing->len > before) continue; /* gather every unknown name */
            break;
        }
        if (!acc) acc = poly;
        else {
            GEOSGeometry *u = GEOSUnion_r(ctx->geos, acc, poly);
            GEOSGeom_destroy_r(ctx->geos, acc), GEOSGeom_destroy_r(ctx->geos, poly);
            acc = u;
            if (!acc) {
                rc = park_geos_fail(ctx, "union of blocks");
                break;
            }
        }
    }
    park_buf_append(&feats, "]");
    if (!rc) {
        acc = as_multi(ctx->geos, acc);
        GEOSGeometry *ll = NULL;
        rc = park_transform(ctx, acc, WORK_CRS, "EPSG:4490", &ll);
        GEOSGeom_destroy_r(ctx->geos, acc), acc = NULL;
        if (!rc) {
            /* snap to the 1e-7 degree (1 cm) grid the shipped GeoJSON is written
             * with, so the layer, its areas and the file are the same thing */
            GEOSGeometry *snapped = GEOSGeom_setPrecision_r(ctx->geos, ll, 1e-7, 0);
            if (snapped) {
                GEOSGeom_destroy_r(ctx->geos, ll);
                ll = as_multi(ctx->geos, snapped);
            }
            if (!GEOSisValid_r(ctx->geos, ll)) {
                /* blocks whose union, snapped to the grid, nests one shell in
                 * another (a block lying inside the other's ring): GEOS makes it
                 * valid and the warning says so */
                char *why = GEOSisValidReason_r(ctx->geos, ll);
                GEOSGeometry *mv = GEOSMakeValid_r(ctx->geos, ll);
                if (mv && GEOSisValid_r(ctx->geos, mv)) {
                    park_buf_printf(&c.warn, "%s (%s): compiled polygon was not valid (%s): repaired with GEOSMakeValid\n", set->path, r->id, why ? why : "?");
                    GEOSGeom_destroy_r(ctx->geos, ll);
                    ll = as_multi(ctx->geos, mv);
                } else if (mv) {
                    GEOSGeom_destroy_r(ctx->geos, mv);
                }
                if (why) GEOSFree_r(ctx->geos, why);
            }
            GEOSNormalize_r(ctx->geos, ll);
            double m2 = 0;
            rc = park_area_geodesic(ctx, ll, &m2);
            st->area_km2 = m2 / 1e6;
            if (!GEOSisValid_r(ctx->geos, ll)) {
                char *why = GEOSisValidReason_r(ctx->geos, ll);
                park_buf_printf(&c.warn, "%s (%s): compiled polygon is not valid: %s\n", set->path, r->id, why ? why : "?");
                if (why) GEOSFree_r(ctx->geos, why);
            }
            *geom = ll;
        }
    }
    if (acc) GEOSGeom_destroy_r(ctx->geos, acc);
    if (!rc) {
        double L = st->len_m[0] + st->len_m[1] + st->len_m[2];
        st->err_m = L > 0 ? st->err_km2 * 1e6 / L : NAN;
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "method"), park_json_str(&j, "parkgis compile: 四至 text + gazetteer (geodata/SOURCES.md, Compiling)");
        park_json_key(&j, "boundary_m"), park_json_num(&j, L, 0);
        park_json_key(&j, "share");
        park_json_begin_obj(&j);
        for (int k = 0; k < 3; k++) park_json_key(&j, prov_names[k]), park_json_num(&j, L > 0 ? st->len_m[k] / L : NAN, 3);
        park_json_end_obj(&j);
        park_json_key(&j, "gap_m"), park_json_num(&j, st->gap_m, 0);
        park_json_key(&j, "error_m"), park_json_num(&j, st->err_m, 0);
        park_json_key(&j, "error_area_pct"), park_json_num(&j, st->area_km2 > 0 ? 100 * st->err_km2 / st->area_km2 : NAN, 1);
        park_json_key(&j, "geodesic_km2"), park_json_num(&j, st->area_km2, 3);
        park_json_key(&j, "official_km2"), park_json_num(&j, r->official_km2, 2);
        park_json_key(&j, "deviation_pct"), park_json_num(&j, 100 * (st->area_km2 - r->official_km2) / r->official_km2, 1);
        long nw = 0;
        for (const char *q = c.warn.s ? c.warn.s : ""; *q; q++) nw += *q == '\n';
        park_json_key(&j, "warnings"), park_json_int(&j, nw);
        /* status: measured against the project's checks, so a reader of the layer
         * sees at once which parcels are not yet trustworthy and why */
        double dev = 100 * (st->area_km2 - r->official_km2) / r->official_km2;
        double real = L > 0 ? (st->len_m[PROV_OSM] + st->len_m[PROV_ANCHORED]) / L : 0;
        park_buf why;
        park_buf_init(&why);
        if (fabs(dev) > 10) park_buf_printf(&why, "%sarea %+.1f%% from the official figure (limit 10%%)", why.len ? "; " : "", dev);
        if (real < 0.6) park_buf_printf(&why, "%sonly %.0f%% of the boundary on osm/anchored features", why.len ? "; " : "", 100 * real);
        if (c.warn.s && strstr(c.warn.s, "crosses itself")) park_buf_printf(&why, "%sthe boundary crosses itself", why.len ? "; " : "");
        park_json_key(&j, "status"), park_json_str(&j, why.len ? "preliminary" : "checked");
        if (why.len) park_json_key(&j, "issues"), park_json_str(&j, why.s);
        park_buf_free(&why);
        park_json_key(&j, "pieces");
        park_buf_append(&j.out, feats.s);
        park_json_end_obj(&j);
        *prov = park_json_take(&j);
    }
    st->warnings = park_buf_take(&c.warn);
    park_buf_free(&feats);
    return rc;
}

park_status park_compile(park_ctx *ctx, const park_fourto_set *set, const park_gazetteer *gz, park_layer **out,
                         park_compile_stats **stats) {
    *out = NULL, *stats = NULL;
    park_compile_stats *sts = calloc(set->n, sizeof *sts);
    park_layer *l = park_layer_new(ctx);
    if (!sts || !l) {
        free(sts), park_layer_free(l);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    park_buf missing;
    park_buf_init(&missing);
    park_status rc = PARK_OK;
    int any_missing = 0;
    for (size_t i = 0; i < set->n; i++) {
        const park_fourto_record *r = &set->recs[i];
        GEOSGeometry *geom = NULL;
        char *prov = NULL;
        size_t before = missing.len;
        park_status s = compile_record(ctx, set, r, gz, &geom, &sts[i], &prov, &missing);
        if (s == PARK_ERR_INPUT && missing.len > before) {
            any_missing = 1; /* gather every unknown name, report them together */
            free(prov);
            if (geom) GEOSGeom_destroy_r(ctx->geos, geom);
            continue;
        }
        if (s) {
            rc = s;
            break;
        }
        if (any_missing) { /* no layer will be returned: skip the copy */
            free(prov);
            GEOSGeom_destroy_r(ctx->geos, geom);
            continue;
        }
        park_parcel p = {0};
        p.id = r->id, p.name = r->name, p.official_km2 = r->official_km2, p.layout = r->layout;
        p.provenance = prov, p.four_to = r->text, p.geom = geom, p.source_fid = (long)i;
        s = park_layer_add(ctx, l, &p);
        free(prov);
        if (s) {
            GEOSGeom_destroy_r(ctx->geos, geom);
            rc = s;
            break;
        }
    }
    if (!rc && any_missing)
        rc = park_error(ctx, PARK_ERR_INPUT, "%s: features not in the gazetteer (parcel, side, item: name): %s", set->path, missing.s);
    park_buf_free(&missing);
    if (rc) {
        park_layer_free(l);
        park_compile_stats_free(sts, set->n);
        return rc;
    }
    *out = l, *stats = sts;
    return PARK_OK;
}
