/* roadfit.c - a road's course from its geocoded address points, matched onto
 * the unnamed OSM arterials where one runs along the points. See
 * park_roadfit_road in include/parkgis_sources.h for the method and what
 * error_m measures. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_sources.h"
#include "sources/sources.h"

void park_roadfit_opts_default(park_roadfit_opts *o) {
    o->corridor_m = 120;
    o->min_osm_share = 0.8;
    o->bin_m = 250;
    o->extend_m = 0;
    o->min_trusted = 3;
    o->use_hints = true;
    o->near = NULL;
    o->near_m = 2000;
    o->is_holdout = park_address_point_is_holdout;
    o->holdout_rule = "FNV-1a-32(address) % 5 == 0";
}

void park_roadfit_clear(park_ctx *ctx, park_roadfit *r) {
    if (!r) return;
    if (r->course) GEOSGeom_destroy_r(park_ctx_geos(ctx), r->course);
    free(r->links), free(r->method);
    memset(r, 0, sizeof *r);
}

static bool name_matches(const char *road, const char *name, const char *aliases) {
    if (!road || !*road) return false;
    if (!strcmp(road, name)) return true;
    if (!aliases || !*aliases) return false;
    size_t rl = strlen(road);
    for (const char *s = aliases; *s;) {
        const char *e = strchr(s, ';');
        size_t l = e ? (size_t)(e - s) : strlen(s);
        if (l == rl && !strncmp(s, road, l)) return true;
        if (!e) break;
        s = e + 1;
    }
    return false;
}

typedef struct {
    double x, y, w, t, s, dis;
    bool trusted;
} pt_t;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* q-quantile (0..1) of v[n] (sorted copy). */
static double quantile(const double *v, size_t n, double q) {
    if (!n) return NAN;
    double *c = malloc(n * sizeof *c);
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    double pos = q * (double)(n - 1);
    size_t i = (size_t)floor(pos);
    double r = i + 1 < n ? c[i] + (c[i + 1] - c[i]) * (pos - (double)i) : c[i];
    free(c);
    return r;
}

/* Collects the usable points of a road (metric). */
static size_t collect(park_ctx *ctx, const park_address_points *pts, const char *road, const char *aliases, bool hints,
                      bool (*is_holdout)(const park_address_point *), pt_t **out,
                      size_t *n_trusted, size_t *n_hints, size_t *n_held, size_t *n_rej, const GEOSGeometry *near, double near_m, size_t *n_far) {
    size_t n = 0, cap = 0;
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    GEOSGeometry *zone = NULL;
    const GEOSPreparedGeometry *pz = NULL;
    if (near) {
        GEOSGeometry *m = NULL;
        if (park_transform(ctx, near, "EPSG:4326", PARK_LOCAL_CRS, &m) == PARK_OK) {
            zone = GEOSBuffer_r(h, m, near_m, 8);
            GEOSGeom_destroy_r(h, m);
            if (zone) pz = GEOSPrepare_r(h, zone);
        }
    }
    if (n_far) *n_far = 0;
    pt_t *v = NULL;
    *n_trusted = *n_hints = *n_held = *n_rej = 0;
    for (size_t i = 0; i < park_address_points_count(pts); i++) {
        const park_address_point *a = park_address_points_get(pts, i);
        if (!name_matches(a->road, road, aliases)) continue;
        if ((is_holdout ? is_holdout : park_address_point_is_holdout)(a)) {
            (*n_held)++;
            continue;
        }
        bool tr = park_address_point_is_trusted(a), hi = park_address_point_is_hint(a);
        if (!tr && !(hi && hints)) {
            if (!hi) (*n_rej)++;
            continue;
        }
        double x = a->lon, y = a->lat;
        if (park_transform_xy(ctx, "EPSG:4326", PARK_LOCAL_CRS, &x, &y)) continue;
        if (pz) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
            bool in = GEOSPreparedIntersects_r(h, pz, pt) == 1;
            GEOSGeom_destroy_r(h, pt);
            if (!in) {
                if (n_far) (*n_far)++;
                continue;
            }
        }
        if (n == cap) cap = cap ? cap * 2 : 64, v = realloc(v, cap * sizeof *v);
        v[n++] = (pt_t){x, y, tr ? 1.0 : 0.25, 0, 0, a->disagreement_m, tr};
        if (tr) (*n_trusted)++;
        else (*n_hints)++;
    }
    if (pz) GEOSPreparedGeom_destroy_r(h, pz);
    if (zone) GEOSGeom_destroy_r(h, zone);
    *out = v;
    return n;
}

/* Draws a polyline through the points along their principal axis: one vertex
 * per bin of `bin` metres (weighted mean position along and across the axis).
 * Points with use[i] false are ignored. Returns a metric LineString or NULL
 * when the points span less than 100 m. */
static GEOSGeometry *draw_course(GEOSContextHandle_t h, pt_t *v, size_t n, const bool *use, double bin, double ext, double *span) {
    double sw = 0, mx = 0, my = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i]) sw += v[i].w, mx += v[i].w * v[i].x, my += v[i].w * v[i].y;
    if (sw <= 0) return NULL;
    mx /= sw, my /= sw;
    double sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i]) {
            double dx = v[i].x - mx, dy = v[i].y - my;
            sxx += v[i].w * dx * dx, syy += v[i].w * dy * dy, sxy += v[i].w * dx * dy;
        }
    double ang = 0.5 * atan2(2 * sxy, sxx - syy);
    double ux = cos(ang), uy = sin(ang);
    /* deterministic orientation: west to east (or south to north) */
    if (ux < -1e-9 || (fabs(ux) <= 1e-9 && uy < 0)) ux = -ux, uy = -uy;
    double tmin = INFINITY, tmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double dx = v[i].x - mx, dy = v[i].y - my;
        v[i].t = dx * ux + dy * uy;
        v[i].s = -dx * uy + dy * ux;
        if (use[i]) tmin = fmin(tmin, v[i].t), tmax = fmax(tmax, v[i].t);
    }
    *span = tmax - tmin;
    if (!(*span >= 100)) return NULL;
    int nb = (int)ceil(*span / bin);
    if (nb < 1) nb = 1;
    double *bt = calloc((size_t)nb, sizeof *bt), *bs = calloc((size_t)nb, sizeof *bs), *bw = calloc((size_t)nb, sizeof *bw);
    for (size_t i = 0; i < n; i++) {
        if (!use[i]) continue;
        int k = (int)floor((v[i].t - tmin) / bin);
        if (k >= nb) k = nb - 1;
        bt[k] += v[i].w * v[i].t, bs[k] += v[i].w * v[i].s, bw[k] += v[i].w;
    }
    size_t cap = (size_t)nb + 2, m = 0;
    double *T = malloc(cap * sizeof *T), *Sv = malloc(cap * sizeof *Sv);
    for (int k = 0; k < nb; k++)
        if (bw[k] > 0) T[m] = bt[k] / bw[k], Sv[m] = bs[k] / bw[k], m++;
    free(bt), free(bs), free(bw);
    /* the ends: the outermost points' positions along the axis, offset of the end bins */
    double t0 = tmin - ext, t1 = tmax + ext;
    double s0 = Sv[0], s1 = Sv[m - 1];
    if (m >= 2) { /* continue the end segments' direction */
        double a0 = (Sv[1] - Sv[0]) / fmax(T[1] - T[0], 1), a1 = (Sv[m - 1] - Sv[m - 2]) / fmax(T[m - 1] - T[m - 2], 1);
        s0 = Sv[0] + a0 * (t0 - T[0]), s1 = Sv[m - 1] + a1 * (t1 - T[m - 1]);
    }
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)(m + 2), 2);
    unsigned q = 0;
    GEOSCoordSeq_setXY_r(h, cs, q++, mx + t0 * ux - s0 * uy, my + t0 * uy + s0 * ux);
    for (size_t k = 0; k < m; k++) GEOSCoordSeq_setXY_r(h, cs, q++, mx + T[k] * ux - Sv[k] * uy, my + T[k] * uy + Sv[k] * ux);
    GEOSCoordSeq_setXY_r(h, cs, q++, mx + t1 * ux - s1 * uy, my + t1 * uy + s1 * ux);
    free(T), free(Sv);
    GEOSGeometry *g = GEOSGeom_createLineString_r(h, cs);
    GEOSGeometry *s = GEOSTopologyPreserveSimplify_r(h, g, 1.0);
    GEOSGeom_destroy_r(h, g);
    return s;
}

/* Distances of the trusted points (use[i]) to a metric line. */
static size_t residuals(GEOSContextHandle_t h, const pt_t *v, size_t n, const bool *use, const GEOSGeometry *line, double *d) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i].trusted || (use && !use[i])) continue;
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, v[i].x, v[i].y);
        double dist = NAN;
        GEOSDistance_r(h, p, line, &dist);
        GEOSGeom_destroy_r(h, p);
        d[k++] = dist;
    }
    return k;
}

park_status park_roadfit_road(park_ctx *ctx, const park_address_points *pts, const char *road, const char *aliases,
                              const park_road_network *net, const park_roadfit_opts *opts_in, park_roadfit *out) {
    memset(out, 0, sizeof *out);
    out->error_m = out->residual_p68_m = out->residual_max_m = out->disagreement_med_m = NAN;
    if (!pts || !road || !*road) return park_error(ctx, PARK_ERR_USAGE, "park_roadfit_road: no address points or no road name");
    park_roadfit_opts opts;
    if (opts_in) opts = *opts_in;
    else park_roadfit_opts_default(&opts);
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    pt_t *v = NULL;
    size_t n_far = 0;
    size_t n = collect(ctx, pts, road, aliases, opts.use_hints, opts.is_holdout, &v, &out->n_trusted, &out->n_hints, &out->n_held_out, &out->n_rejected,
                       opts.near, opts.near_m, &n_far);
    park_buf m;
    park_buf_init(&m);
    park_buf_printf(&m, "address points of %s: %zu trusted (2+ geocoders within 150 m, not a shared fall-back), %zu single-source hints%s, %zu held out for the address-lookup evaluation (%s), %zu rejected (shared fall-back point or geocoders > 150 m apart)",
                    road, out->n_trusted, out->n_hints, opts.use_hints ? " (weight 1/4)" : " (not used)", out->n_held_out,
                    opts.holdout_rule ? opts.holdout_rule : "FNV-1a-32(address) % 5 == 0", out->n_rejected);
    if (opts.near) park_buf_printf(&m, "; %zu more point(s) of that name lie more than %.0f m from the given guide line and were not used", n_far, opts.near_m);
    if (out->n_trusted < (size_t)opts.min_trusted) {
        park_buf_printf(&m, "; fewer than %d trusted points: no course", opts.min_trusted);
        out->method = park_buf_take(&m);
        free(v);
        return PARK_OK;
    }
    bool *use = calloc(n ? n : 1, sizeof *use);
    for (size_t i = 0; i < n; i++) use[i] = true;
    double span = 0;
    GEOSGeometry *drawn = draw_course(h, v, n, use, opts.bin_m, 0, &span);
    /* one round of outlier rejection: a point far off the drawn course is a
     * geocoder placing the text on another road (or a compound's far gate) */
    size_t n_out = 0;
    double *d = malloc((n ? n : 1) * sizeof *d);
    if (drawn) {
        size_t k = 0;
        double *all = malloc(n * sizeof *all);
        for (size_t i = 0; i < n; i++) {
            GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, v[i].x, v[i].y);
            GEOSDistance_r(h, p, drawn, &all[i]);
            GEOSGeom_destroy_r(h, p);
            if (v[i].trusted) d[k++] = all[i];
        }
        double lim = fmax(150, 3 * quantile(d, k, 0.68));
        for (size_t i = 0; i < n; i++)
            if (all[i] > lim) use[i] = false, n_out += v[i].trusted;
        free(all);
        GEOSGeom_destroy_r(h, drawn);
        drawn = draw_course(h, v, n, use, opts.bin_m, opts.extend_m, &span);
    }
    size_t n_used = 0;
    for (size_t i = 0; i < n; i++) n_used += use[i] && v[i].trusted;
    if (!drawn || n_used < (size_t)opts.min_trusted) {
        park_buf_printf(&m, "; the points span %.0f m only (or too few remain after dropping %zu outliers): no course", span, n_out);
        out->method = park_buf_take(&m);
        if (drawn) GEOSGeom_destroy_r(h, drawn);
        free(v), free(use), free(d);
        return PARK_OK;
    }
    park_buf_printf(&m, "; drawn through them along their principal axis (one vertex per %.0f m: weighted mean position), span %.2f km", opts.bin_m, span / 1000);
    if (n_out) park_buf_printf(&m, ", %zu trusted point(s) more than max(150 m, 3 x p68) off the first drawing dropped as outliers", n_out);
    if (opts.extend_m > 0) park_buf_printf(&m, ", prolonged %.0f m past the outermost points (the prolongation is not evidenced)", opts.extend_m);
    /* residuals to the drawn course */
    size_t k = residuals(h, v, n, use, drawn, d);
    double p68_drawn = quantile(d, k, 0.68);
    GEOSGeometry *course = drawn;
    out->kind = PARK_ROADFIT_POINTS;
    park_snap_stats ss = {0};
    GEOSGeometry *snapped = net ? park_road_network_snap(ctx, net, drawn, opts.corridor_m, PARK_ROAD_ARTERIAL | PARK_ROAD_MOTORWAY, &ss) : NULL;
    double share = ss.samples ? (double)ss.matched / (double)ss.samples : 0;
    out->osm_share = share;
    if (snapped) {
        size_t k2 = residuals(h, v, n, use, snapped, d);
        double p68_snap = quantile(d, k2, 0.68);
        if (share >= opts.min_osm_share && p68_snap <= p68_drawn + 50) {
            out->kind = PARK_ROADFIT_OSM;
            course = snapped;
            GEOSGeom_destroy_r(h, drawn);
            out->links = ss.links, out->nlinks = ss.nlinks;
            ss.links = NULL;
            park_buf_printf(&m, "; matched onto the OSM arterials within %.0f m and 35 deg of it (%.0f%% of 20 m samples matched, longest unmatched stretch %.0f m inside, %.0f m at an end; link_ids ",
                            opts.corridor_m, share * 100, ss.longest_gap_m, ss.end_gap_m);
            for (size_t i = 0; i < out->nlinks; i++) park_buf_printf(&m, "%s%ld", i ? "," : "", out->links[i]);
            park_buf_printf(&m, ")");
        } else {
            park_buf_printf(&m, "; no OSM arterial runs along the points (%.0f%% of samples matched one within %.0f m%s), so the course is the drawing",
                            share * 100, opts.corridor_m, share >= opts.min_osm_share ? ", but the points lie further from it than from the drawing" : "");
            GEOSGeom_destroy_r(h, snapped);
        }
    }
    free(ss.links);
    if (out->kind == PARK_ROADFIT_POINTS) {
        /* A course drawn through the points passes close to each of them by
         * construction: measure each trusted point against the course drawn
         * WITHOUT it (leave-one-out), so the residual is a prediction error. */
        k = 0;
        for (size_t i = 0; i < n; i++) {
            if (!use[i] || !v[i].trusted) continue;
            use[i] = false;
            double sp = 0;
            GEOSGeometry *g = draw_course(h, v, n, use, opts.bin_m, opts.bin_m, &sp);
            use[i] = true;
            if (!g) continue;
            GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, v[i].x, v[i].y);
            GEOSDistance_r(h, p, g, &d[k++]);
            GEOSGeom_destroy_r(h, p), GEOSGeom_destroy_r(h, g);
        }
        /* the drawing's own axis and offsets were fixed with the point in it: redo them for the final course */
        double sp = 0;
        GEOSGeometry *g = draw_course(h, v, n, use, opts.bin_m, opts.extend_m, &sp);
        if (g) GEOSGeom_destroy_r(h, course), course = g;
    } else {
        k = residuals(h, v, n, use, course, d);
    }
    out->residual_p68_m = quantile(d, k, 0.68);
    out->residual_max_m = quantile(d, k, 1.0);
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i] && v[i].trusted) d[k++] = v[i].dis;
    out->disagreement_med_m = quantile(d, k, 0.5);
    out->error_m = sqrt(out->residual_p68_m * out->residual_p68_m + out->disagreement_med_m * out->disagreement_med_m / 4);
    GEOSLength_r(h, course, &out->length_m);
    park_buf_printf(&m, "; error_m %.0f = sqrt(p68^2 + (d/2)^2) with p68 = %.0f m the 68th percentile of the %zu trusted points' distances to the course (%s; max %.0f m; includes the gate-to-centre-line setback) and d = %.0f m their median geocoder disagreement",
                    out->error_m, out->residual_p68_m, k, out->kind == PARK_ROADFIT_POINTS ? "each point against the course drawn without it" : "the OSM line", out->residual_max_m, out->disagreement_med_m);
    free(v), free(use), free(d);
    park_status st = park_transform(ctx, course, PARK_LOCAL_CRS, "EPSG:4326", &out->course);
    GEOSGeom_destroy_r(h, course);
    out->method = park_buf_take(&m);
    if (st) {
        park_roadfit_clear(ctx, out);
        return st;
    }
    return PARK_OK;
}

size_t park_roadfit_check_line(park_ctx *ctx, const park_address_points *pts, const char *road, const char *aliases, const GEOSGeometry *ll,
                               double *p68, double *max) {
    *p68 = *max = NAN;
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    pt_t *v = NULL;
    size_t a, b, c, e;
    size_t n = collect(ctx, pts, road, aliases, false, NULL, &v, &a, &b, &c, &e, NULL, 0, NULL);
    GEOSGeometry *m = NULL;
    if (!n || park_transform(ctx, ll, "EPSG:4326", PARK_LOCAL_CRS, &m)) {
        free(v);
        return 0;
    }
    /* only points alongside the line: a point whose nearest point on the line
     * is one of its ends lies beyond the stretch the line covers */
    bool *use = calloc(n, sizeof *use);
    GEOSGeometry *ends = GEOSBoundary_r(h, m);
    for (size_t i = 0; i < n; i++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(h, v[i].x, v[i].y);
        GEOSCoordSequence *np = GEOSNearestPoints_r(h, m, p);
        double nx = 0, ny = 0, de = INFINITY;
        if (np) GEOSCoordSeq_getXY_r(h, np, 0, &nx, &ny), GEOSCoordSeq_destroy_r(h, np);
        GEOSGeometry *q = GEOSGeom_createPointFromXY_r(h, nx, ny);
        if (ends && !GEOSisEmpty_r(h, ends)) GEOSDistance_r(h, q, ends, &de);
        use[i] = de >= 1;
        GEOSGeom_destroy_r(h, p), GEOSGeom_destroy_r(h, q);
    }
    if (ends) GEOSGeom_destroy_r(h, ends);
    double *d = malloc(n * sizeof *d);
    size_t k = residuals(h, v, n, use, m, d);
    free(use);
    *p68 = quantile(d, k, 0.68), *max = quantile(d, k, 1.0);
    GEOSGeom_destroy_r(h, m);
    free(v), free(d);
    return k;
}
