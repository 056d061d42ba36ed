/* validate.c - checks a parcel layer: ids, names, polygon validity (GEOS reason
 * and location), overlaps between parcels and narrow gaps (slivers) between
 * them.
 *
 * Levels: what makes the layer unusable or ambiguous is an error (missing or
 * duplicate id, empty or invalid polygon, two parcels overlapping by at least
 * overlap_min_m2); what may be intended is a warning (a narrow gap between
 * parcels: parcels bounded by opposite sides of a road are separated by the
 * road's width; a non-slug id; a missing name). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

void park_validate_opts_default(park_validate_opts *o) {
    o->overlap_min_m2 = 1.0;
    o->gap_max_m = 25.0;
}

void park_validation_free(park_validation *v) {
    if (!v) return;
    for (size_t i = 0; i < v->n; i++) free(v->issues[i].feature), free(v->issues[i].message);
    free(v->issues);
    free(v);
}

typedef struct vstate {
    park_ctx *ctx;
    park_validation *v;
    size_t cap;
    int oom;
} vstate;

int park_issue_vappend(park_issue **issues, size_t *n, size_t *cap, size_t *errors, size_t *warnings, park_issue_level level,
                       const char *kind, const char *feature, double x, double y, double measure, const char *fmt, va_list ap) {
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        park_issue *ni = realloc(*issues, nc * sizeof *ni);
        if (!ni) return 0;
        *issues = ni, *cap = nc;
    }
    va_list ap2;
    va_copy(ap2, ap);
    int len = vsnprintf(NULL, 0, fmt, ap);
    char *msg = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (msg) vsnprintf(msg, (size_t)len + 1, fmt, ap2);
    va_end(ap2);
    char *feat = park_strdup(feature);
    if (!msg || (feature && !feat)) return free(msg), free(feat), 0;
    park_issue *is = &(*issues)[(*n)++];
    memset(is, 0, sizeof *is);
    is->level = level;
    snprintf(is->kind, sizeof is->kind, "%s", kind);
    is->feature = feat, is->message = msg;
    is->x = x, is->y = y, is->measure = measure;
    if (level == PARK_ERROR) ++*errors;
    else ++*warnings;
    return 1;
}

static void add_issue(vstate *s, park_issue_level level, const char *kind, const char *feature, double x, double y,
                      double measure, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static void add_issue(vstate *s, park_issue_level level, const char *kind, const char *feature, double x, double y,
                      double measure, const char *fmt, ...) {
    park_validation *v = s->v;
    va_list ap;
    va_start(ap, fmt);
    if (!park_issue_vappend(&v->issues, &v->n, &s->cap, &v->errors, &v->warnings, level, kind, feature, x, y, measure, fmt, ap))
        s->oom = 1;
    va_end(ap);
}

/* How a feature is named in messages: its id; "#<fid>" when it has none;
 * "<id>#<fid>" when another feature has the same id. */
static void feature_label(const park_layer *l, size_t i, char *buf, size_t len) {
    const park_parcel *p = park_layer_get(l, i);
    if (!p->id || !*p->id) {
        snprintf(buf, len, "#%ld", p->source_fid);
        return;
    }
    size_t n = park_layer_count(l);
    for (size_t j = 0; j < n; j++)
        if (j != i && !strcmp(park_layer_get(l, j)->id, p->id)) {
            snprintf(buf, len, "%s#%ld", p->id, p->source_fid);
            return;
        }
    snprintf(buf, len, "%s", p->id);
}

static int is_slug(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '-' ||
              *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static void check_features(vstate *s, const park_layer *l) {
    park_ctx *ctx = s->ctx;
    size_t n = park_layer_count(l);
    for (size_t i = 0; i < n; i++) {
        const park_parcel *p = park_layer_get(l, i);
        char lab[160];
        feature_label(l, i, lab, sizeof lab);
        if (!*p->id)
            add_issue(s, PARK_ERROR, "no-id", lab, NAN, NAN, NAN,
                      "feature %ld has no id (expected an ASCII slug such as 'baoshan-industrial')", p->source_fid);
        else if (!is_slug(p->id))
            add_issue(s, PARK_WARNING, "bad-id", lab, NAN, NAN, NAN,
                      "feature %ld: id '%s' is not an ASCII slug (expected letters, digits, '-', '_' or '.')",
                      p->source_fid, p->id);
        if (*p->id)
            for (size_t j = 0; j < i; j++) {
                const park_parcel *q = park_layer_get(l, j);
                if (!strcmp(q->id, p->id)) {
                    add_issue(s, PARK_ERROR, "duplicate-id", lab, NAN, NAN, NAN,
                              "feature %ld repeats id '%s' of feature %ld (ids must be unique)", p->source_fid, p->id,
                              q->source_fid);
                    break;
                }
            }
        if (!*p->name)
            add_issue(s, PARK_WARNING, "no-name", lab, NAN, NAN, NAN, "feature %ld (id '%s') has no name",
                      p->source_fid, p->id);
        if (GEOSisEmpty_r(ctx->geos, p->geom) == 1) {
            add_issue(s, PARK_ERROR, "empty", lab, NAN, NAN, NAN, "feature %ld (id '%s') has an empty geometry",
                      p->source_fid, p->id);
            continue;
        }
        char *reason = NULL;
        GEOSGeometry *loc = NULL;
        char ok = GEOSisValidDetail_r(ctx->geos, p->geom, 0, &reason, &loc);
        if (ok == 0) {
            double x = NAN, y = NAN;
            if (loc) GEOSGeomGetX_r(ctx->geos, loc, &x), GEOSGeomGetY_r(ctx->geos, loc, &y);
            add_issue(s, PARK_ERROR, "invalid", lab, x, y, NAN, "feature %ld (id '%s') is not a valid polygon: %s at (%.7f, %.7f)",
                      p->source_fid, p->id, reason ? reason : "unknown reason", x, y);
        } else if (ok == 2) {
            add_issue(s, PARK_ERROR, "invalid", lab, NAN, NAN, NAN,
                      "feature %ld (id '%s'): GEOS could not check validity: %s", p->source_fid, p->id, ctx->geos_msg);
        }
        if (reason) GEOSFree_r(ctx->geos, reason);
        if (loc) GEOSGeom_destroy_r(ctx->geos, loc);
    }
}

/* A representative lon/lat point of a metric-plane geometry, for messages. */
static void label_point(park_ctx *ctx, park_layer_index *ix, const GEOSGeometry *g, double *x, double *y) {
    *x = *y = NAN;
    GEOSGeometry *p = GEOSPointOnSurface_r(ctx->geos, g);
    if (!p) return;
    if (GEOSGeomGetX_r(ctx->geos, p, x) && GEOSGeomGetY_r(ctx->geos, p, y))
        if (park_query_to_lonlat(ctx, ix, x, y)) *x = *y = NAN;
    GEOSGeom_destroy_r(ctx->geos, p);
}

typedef struct cand_state {
    size_t *v;
    size_t n, cap;
} cand_state;

static void cand_cb(void *item, void *ud) {
    cand_state *c = ud;
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
    }
    c->v[c->n++] = *(size_t *)item;
}

static int cmp_size(const void *a, const void *b) {
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* Overlaps: the intersection of two parcels (repaired where invalid), measured
 * geodesically. Candidate pairs come from the envelope index. */
static park_status check_overlaps(vstate *s, const park_layer *l, park_layer_index *ix, const park_validate_opts *o) {
    park_ctx *ctx = s->ctx;
    park_status st = PARK_OK;
    cand_state c = {0};
    for (size_t i = 0; i < ix->n && st == PARK_OK; i++) {
        c.n = 0;
        GEOSSTRtree_query_r(ctx->geos, ix->tree_ll, ix->fixed[i], cand_cb, &c);
        if (c.n) qsort(c.v, c.n, sizeof *c.v, cmp_size);
        for (size_t k = 0; k < c.n; k++) {
            size_t j = c.v[k];
            if (j <= i) continue;
            /* interiors must meet: "2********" */
            char r = GEOSRelatePattern_r(ctx->geos, ix->fixed[i], ix->fixed[j], "2********");
            if (r == 2) {
                st = park_geos_fail(ctx, "overlap test");
                break;
            }
            if (r != 1) continue;
            GEOSGeometry *x = GEOSIntersection_r(ctx->geos, ix->fixed[i], ix->fixed[j]);
            if (!x) {
                st = park_geos_fail(ctx, "parcel intersection");
                break;
            }
            double m2 = 0;
            st = park_area_geodesic(ctx, x, &m2);
            if (st == PARK_OK && m2 >= o->overlap_min_m2) {
                char la[160], lb[160], both[330];
                feature_label(l, i, la, sizeof la), feature_label(l, j, lb, sizeof lb);
                snprintf(both, sizeof both, "%s,%s", la, lb);
                double px = NAN, py = NAN;
                GEOSGeometry *pp = GEOSPointOnSurface_r(ctx->geos, x);
                if (pp) GEOSGeomGetX_r(ctx->geos, pp, &px), GEOSGeomGetY_r(ctx->geos, pp, &py), GEOSGeom_destroy_r(ctx->geos, pp);
                add_issue(s, PARK_ERROR, "overlap", both, px, py, m2,
                          "parcels '%s' and '%s' overlap by %.1f m² (at %.7f, %.7f; threshold %g m²)", la, lb, m2, px, py,
                          o->overlap_min_m2);
            }
            GEOSGeom_destroy_r(ctx->geos, x);
            if (st) break;
        }
    }
    free(c.v);
    return st;
}

/* Gaps: a morphological closing of the union (grow by w/2, shrink by w/2)
 * fills every space narrower than w; what it adds is a gap candidate. Mitre
 * joins make the closing exact at ordinary corners (round joins would add a
 * fillet in every concave corner of the union). A candidate counts only when
 * it lies between at least two parcels: a notch in a single parcel is that
 * parcel's shape, not a gap. Its width is the diameter of the largest circle
 * inside it. */
static park_status check_gaps(vstate *s, const park_layer *l, park_layer_index *ix, const park_validate_opts *o) {
    park_ctx *ctx = s->ctx;
    GEOSContextHandle_t g = ctx->geos;
    if (!(o->gap_max_m > 0) || ix->n < 2) return PARK_OK;
    double w = o->gap_max_m;
    park_status st = PARK_OK;
    GEOSGeometry **parts = malloc(ix->n * sizeof *parts);
    for (size_t i = 0; i < ix->n; i++) parts[i] = GEOSGeom_clone_r(g, ix->metric[i]);
    GEOSGeometry *coll = GEOSGeom_createCollection_r(g, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)ix->n);
    free(parts);
    GEOSGeometry *u = coll ? GEOSUnaryUnion_r(g, coll) : NULL;
    GEOSGeometry *grown = u ? GEOSBufferWithStyle_r(g, u, w / 2, 8, GEOSBUF_CAP_FLAT, GEOSBUF_JOIN_MITRE, 10.0) : NULL;
    GEOSGeometry *closed = grown ? GEOSBufferWithStyle_r(g, grown, -w / 2, 8, GEOSBUF_CAP_FLAT, GEOSBUF_JOIN_MITRE, 10.0) : NULL;
    GEOSGeometry *raw = closed ? GEOSDifference_r(g, closed, u) : NULL;
    /* The buffer round trip does not land exactly on the union's edges: the
     * raw difference carries zero-width spikes along them that would join a
     * real gap to every parcel it runs past. An opening by 1 mm removes
     * anything thinner than 2 mm and leaves real gaps as they are. */
    GEOSGeometry *shrunk = raw ? GEOSBufferWithStyle_r(g, raw, -0.001, 8, GEOSBUF_CAP_FLAT, GEOSBUF_JOIN_MITRE, 10.0) : NULL;
    GEOSGeometry *diff = shrunk ? GEOSBufferWithStyle_r(g, shrunk, 0.001, 8, GEOSBUF_CAP_FLAT, GEOSBUF_JOIN_MITRE, 10.0) : NULL;
    if (raw) GEOSGeom_destroy_r(g, raw);
    if (shrunk) GEOSGeom_destroy_r(g, shrunk);
    if (!diff) {
        st = park_geos_fail(ctx, "gap analysis (union, closing, difference)");
        goto done;
    }
    int np = GEOSGetNumGeometries_r(g, diff);
    cand_state c = {0};
    for (int k = 0; k < np; k++) {
        const GEOSGeometry *piece = GEOSGetGeometryN_r(g, diff, k);
        if (GEOSGeomTypeId_r(g, piece) != GEOS_POLYGON) continue;
        double area = 0;
        GEOSArea_r(g, piece, &area);
        /* floating-point crumbs of the buffer, and anything below the overlap
         * threshold, are not worth a message */
        if (area < fmax(o->overlap_min_m2, 0.01)) continue;
        c.n = 0;
        GEOSSTRtree_query_r(g, ix->tree_m, piece, cand_cb, &c);
        if (c.n) qsort(c.v, c.n, sizeof *c.v, cmp_size);
        size_t touching[8], nt = 0, ntot = 0;
        for (size_t m = 0; m < c.n; m++) {
            char r = GEOSPreparedDistanceWithin_r(g, ix->prep_m[c.v[m]], piece, 0.01);
            if (r == 1) {
                if (nt < 8) touching[nt++] = c.v[m];
                ntot++;
            }
        }
        if (ntot < 2) continue;
        double width = NAN, x = NAN, y = NAN;
        /* radius to 2 cm: widths are reported to 0.1 m, and finer costs seconds on long slivers */
        GEOSGeometry *mic = GEOSMaximumInscribedCircle_r(g, piece, 0.02);
        if (mic) {
            double len = 0;
            GEOSLength_r(g, mic, &len);
            width = 2 * len;
            GEOSGeometry *centre = GEOSGeomGetStartPoint_r(g, mic);
            if (centre) {
                GEOSGeomGetX_r(g, centre, &x), GEOSGeomGetY_r(g, centre, &y);
                if (park_query_to_lonlat(ctx, ix, &x, &y)) x = y = NAN;
                GEOSGeom_destroy_r(g, centre);
            }
            GEOSGeom_destroy_r(g, mic);
        } else {
            label_point(ctx, ix, piece, &x, &y);
        }
        park_buf ids, quoted;
        park_buf_init(&ids), park_buf_init(&quoted);
        for (size_t m = 0; m < nt; m++) {
            char lab[160];
            feature_label(l, touching[m], lab, sizeof lab);
            park_buf_printf(&ids, "%s%s", m ? "," : "", lab);
            park_buf_printf(&quoted, "%s'%s'", m == 0 ? "" : (m + 1 == nt ? " and " : ", "), lab);
        }
        add_issue(s, PARK_WARNING, "gap", ids.s ? ids.s : "", x, y, width,
                  "gap between %s: up to %.1f m wide, %.0f m² (at %.7f, %.7f; gaps narrower than %g m are reported)",
                  quoted.s ? quoted.s : "", width, area, x, y, w);
        park_buf_free(&ids), park_buf_free(&quoted);
    }
    free(c.v);
done:
    if (coll) GEOSGeom_destroy_r(g, coll);
    if (u) GEOSGeom_destroy_r(g, u);
    if (grown) GEOSGeom_destroy_r(g, grown);
    if (closed) GEOSGeom_destroy_r(g, closed);
    if (diff) GEOSGeom_destroy_r(g, diff);
    return st;
}

park_status park_validate(park_ctx *ctx, const park_layer *layer, const park_validate_opts *o, park_validation **out) {
    *out = NULL;
    park_validate_opts def;
    if (!o) {
        park_validate_opts_default(&def);
        o = &def;
    }
    park_validation *v = calloc(1, sizeof *v);
    if (!v) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    vstate s = {ctx, v, 0, 0};
    check_features(&s, layer);
    park_layer_index *ix = NULL;
    park_status st = park_query_index(ctx, layer, &ix);
    if (st == PARK_OK) st = check_overlaps(&s, layer, ix, o);
    if (st == PARK_OK) st = check_gaps(&s, layer, ix, o);
    if (st == PARK_OK && s.oom) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory collecting validation issues");
    if (st != PARK_OK) {
        park_validation_free(v);
        return st;
    }
    *out = v;
    return PARK_OK;
}
