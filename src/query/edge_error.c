/* edge_error.c - the error of each piece of a parcel's boundary (issue 10: "a point
 * 60 m inside an edge rated ±315 m"). A compiled parcel's provenance lists its
 * boundary as `pieces` [side, name, provenance, length_m, error_m, feature]; the
 * boundary runs on the named gazetteer feature (or on its offset) within
 * EDGE_ON_M of it, as `render --colour-by error` draws it (render_error.c). Here each
 * parcel's metric boundary is cut the same way: the part within EDGE_ON_M of a
 * piece's feature carries that piece's error_m; the rest (bridged gaps, or a layer
 * without compiled pieces) carries the parcel's own error_m. certainty.c takes the
 * error of the piece nearest the point. The bounds (each parcel's largest piece
 * error, from the provenance alone) are read on the first probability query; the
 * geometry (which loads the gazetteer) only when a point is near enough to an edge
 * for the piece's error to matter. Owned by the layer index.
 *
 * The index snapshot (index_snap.c) stores what is made here - the bounds and
 * the pieces' metric geometry - so a warm process reads neither the gazetteer
 * nor GDAL: a cold build with the cache on makes the pieces at once
 * (park_edge_errors_ensure) to write them; with the cache off they stay lazy.
 * The snapshot's key then holds the gazetteer directory's identity (every
 * file's path, inode, size, times and content hash). */
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parkgis_compile.h"
#include "query.h"

#define EDGE_ON_M 15.0

typedef struct edge_piece {
    GEOSGeometry *g; /* metric, owned */
    const GEOSPreparedGeometry *prep; /* prepared g (indexed distances), owned */
    double env[4];                    /* g's envelope: minx, miny, maxx, maxy */
    double err;
    /* g's LineStrings as arrays when g is a (Multi)LineString: the distance to a point
     * is then the least of theirs, GEOSPreparedDistance's value without building a
     * facet tree for the point on every call (issue 11); nlines 0: GEOS is asked */
    park_line *lines;
    size_t nlines;
} edge_piece;

struct park_edge_errors {
    GEOSContextHandle_t geos;
    size_t n;        /* parcels */
    size_t nv;       /* pieces in v */
    int built;       /* the pieces' geometry built (p0, v) */
    size_t *p0;      /* parcel i: v[p0[i] .. p0[i + 1]) */
    edge_piece *v;
    double *max_err; /* per parcel: the largest piece error (NAN: no pieces) */
};

static void piece_lines_free(edge_piece *pc) {
    for (size_t j = 0; j < pc->nlines; j++) park_line_free(&pc->lines[j]);
    free(pc->lines), pc->lines = NULL, pc->nlines = 0;
}

/* pc->lines from pc->g when it is a LineString or MultiLineString (else none). */
static void piece_lines(park_ctx *ctx, edge_piece *pc) {
    GEOSContextHandle_t h = ctx->geos;
    int t = GEOSGeomTypeId_r(h, pc->g), m = t == GEOS_LINESTRING ? 1 : t == GEOS_MULTILINESTRING ? GEOSGetNumGeometries_r(h, pc->g) : 0;
    if (m <= 0 || GEOSisEmpty_r(h, pc->g) || !(pc->lines = calloc((size_t)m, sizeof *pc->lines))) return;
    for (int j = 0; j < m; j++, pc->nlines++) {
        const GEOSGeometry *l = t == GEOS_LINESTRING ? pc->g : GEOSGetGeometryN_r(h, pc->g, j);
        if (GEOSisEmpty_r(h, l) || park_line_from_geos(ctx, l, &pc->lines[j])) {
            park_ctx_clear_error(ctx);
            piece_lines_free(pc); /* GEOS then */
            return;
        }
    }
}

void park_edge_errors_free(struct park_edge_errors *e) {
    if (!e) return;
    for (size_t k = 0; k < e->nv; k++) {
        if (e->v[k].prep) GEOSPreparedGeom_destroy_r(e->geos, e->v[k].prep);
        GEOSGeom_destroy_r(e->geos, e->v[k].g);
        piece_lines_free(&e->v[k]);
    }
    free(e->p0), free(e->v), free(e->max_err), free(e);
}

/* appends a piece to parcel i, the last one being built */
static int push(park_ctx *ctx, struct park_edge_errors *e, size_t *cap, size_t i, GEOSGeometry *g, double err) {
    size_t k = e->nv;
    if (k == *cap) {
        size_t nc = *cap ? 2 * *cap : 32;
        edge_piece *t = realloc(e->v, nc * sizeof *t);
        if (!t) return 0;
        e->v = t, *cap = nc;
    }
    edge_piece pc = {g, NULL, {0, 0, 0, 0}, err, NULL, 0};
    if (!GEOSGeom_getXMin_r(e->geos, g, &pc.env[0]) || !GEOSGeom_getYMin_r(e->geos, g, &pc.env[1]) ||
        !GEOSGeom_getXMax_r(e->geos, g, &pc.env[2]) || !GEOSGeom_getYMax_r(e->geos, g, &pc.env[3]) ||
        !(pc.prep = GEOSPrepare_r(e->geos, g)))
        return 0;
    piece_lines(ctx, &pc);
    e->v[k] = pc;
    e->nv++, e->p0[i + 1] = e->nv;
    return 1;
}

/* The error of piece pc ([side, name, provenance, length_m, error_m, feature]) when it
 * names a feature, else NAN. */
static double piece_err(json_object *pc, const char **fname) {
    if (!json_object_is_type(pc, json_type_array) || json_object_array_length(pc) < 6) return NAN;
    *fname = json_object_get_string(json_object_array_get_idx(pc, 5));
    json_object *ej = json_object_array_get_idx(pc, 4);
    if (!*fname || !**fname || !ej || !(json_object_is_type(ej, json_type_double) || json_object_is_type(ej, json_type_int))) return NAN;
    double err = json_object_get_double(ej);
    return err >= 0 ? err : NAN;
}

park_status park_edge_errors_bounds(park_ctx *ctx, const park_layer *layer, struct park_edge_errors **out) {
    *out = NULL;
    size_t n = park_layer_count(layer);
    if (!park_edge_errors_wanted(layer)) return PARK_OK; /* no compiled pieces: the parcels' own error_m */
    struct park_edge_errors *e = calloc(1, sizeof *e);
    if (e) e->geos = ctx->geos, e->n = n, e->max_err = calloc(n + 1, sizeof *e->max_err);
    if (!e || !e->max_err) {
        park_edge_errors_free(e);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        e->max_err[i] = NAN;
        const park_parcel *pp = park_layer_get(layer, i);
        json_object *root = pp->provenance && *pp->provenance == '{' ? json_tokener_parse(pp->provenance) : NULL, *pieces = NULL;
        if (root && json_object_object_get_ex(root, "pieces", &pieces) && json_object_is_type(pieces, json_type_array))
            for (size_t k = 0; k < json_object_array_length(pieces); k++) {
                const char *fname = NULL;
                double err = piece_err(json_object_array_get_idx(pieces, k), &fname);
                if (!isnan(err)) e->max_err[i] = isnan(e->max_err[i]) ? err : fmax(e->max_err[i], err);
            }
        json_object_put(root);
    }
    *out = e;
    return PARK_OK;
}

park_status park_edge_errors_build(park_ctx *ctx, const struct park_layer_index *ix, const park_layer *layer,
                                   struct park_edge_errors *e) {
    GEOSContextHandle_t h = ctx->geos;
    if (!e || e->built) return PARK_OK;
    e->built = 1;
    size_t n = e->n;
    park_gazetteer *gz = NULL;
    if (park_gazetteer_load(ctx, NULL, &gz) != PARK_OK) { /* park_edge_errors_gazetteer_dir() */
        park_ctx_clear_error(ctx); /* no gazetteer: the parcels' own error_m */
        return PARK_OK;
    }
    size_t cap = 0;
    e->p0 = calloc(n + 1, sizeof *e->p0);
    if (!e->p0) {
        park_gazetteer_free(gz);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    park_status st = PARK_OK;
    for (size_t i = 0; i < n && !st; i++) {
        e->p0[i + 1] = e->p0[i];
        const park_parcel *pp = park_layer_get(layer, i);
        const GEOSGeometry *b = ix->metric_boundary ? ix->metric_boundary[i] : NULL;
        json_object *root = b && pp->provenance && *pp->provenance == '{' ? json_tokener_parse(pp->provenance) : NULL, *pieces = NULL;
        if (!root || !json_object_object_get_ex(root, "pieces", &pieces) || !json_object_is_type(pieces, json_type_array)) {
            json_object_put(root);
            continue;
        }
        GEOSGeometry *rest = GEOSGeom_clone_r(h, b);
        for (size_t k = 0; rest && k < json_object_array_length(pieces); k++) {
            json_object *pc = json_object_array_get_idx(pieces, k);
            const char *fname = NULL;
            double err = piece_err(pc, &fname);
            const park_feature *f = !isnan(err) ? park_gazetteer_find(gz, fname) : NULL;
            if (!f) continue;
            GEOSGeometry *fm = NULL;
            if (park_transform(ctx, f->geom, "EPSG:4326", ix->metric_crs, &fm)) {
                park_ctx_clear_error(ctx);
                continue;
            }
            GEOSGeometry *zone = GEOSBuffer_r(h, fm, EDGE_ON_M, 4);
            GEOSGeometry *on = zone ? GEOSIntersection_r(h, rest, zone) : NULL;
            if (on && !GEOSisEmpty_r(h, on)) {
                GEOSGeometry *left = GEOSDifference_r(h, rest, zone);
                if (!push(ctx, e, &cap, i, on, err)) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                else on = NULL;
                if (left) GEOSGeom_destroy_r(h, rest), rest = left;
            }
            if (on) GEOSGeom_destroy_r(h, on);
            if (zone) GEOSGeom_destroy_r(h, zone);
            GEOSGeom_destroy_r(h, fm);
        }
        json_object_put(root);
        if (rest) GEOSGeom_destroy_r(h, rest); /* the rest: the parcel's own error_m */
    }
    park_gazetteer_free(gz);
    if (st) { /* no pieces then: the parcels' own error_m */
        for (size_t k = 0; k < e->nv; k++) GEOSPreparedGeom_destroy_r(h, e->v[k].prep), GEOSGeom_destroy_r(h, e->v[k].g), piece_lines_free(&e->v[k]);
        e->nv = 0;
        for (size_t i = 0; i <= n; i++) e->p0[i] = 0;
    }
    return st;
}

int park_edge_errors_wanted(const park_layer *layer) {
    for (size_t i = 0; i < park_layer_count(layer); i++) {
        const park_parcel *pp = park_layer_get(layer, i);
        if (pp->provenance && strstr(pp->provenance, "\"pieces\"")) return 1;
    }
    return 0;
}

char *park_edge_errors_gazetteer_dir(void) { return park_asprintf("%s/gazetteer", park_default_data_dir()); }

park_status park_edge_errors_ensure(park_ctx *ctx, struct park_layer_index *ix, const park_layer *layer) {
    if (!ix->edge_err_tried) {
        ix->edge_err_tried = 1;
        park_status st = park_edge_errors_bounds(ctx, layer, &ix->edge_err);
        if (st) return st;
    }
    return park_edge_errors_build(ctx, ix, layer, ix->edge_err);
}

/* ---- the snapshot's section (index_snap.c)
 * u32 1 (0: no pieces, the rest absent); u64 parcels; per parcel f64 bound
 * (NAN: none); u32 built with the gazetteer (0: it could not be read, the
 * parcels' own error_m); then per parcel u64 pieces and per piece f64 error_m
 * and the metric geometry (WKB). */
#define PIECES_MAX 4096 /* a parcel's pieces: the provenance lists tens */

/* What edge_errors_build makes of a boundary: lines (points where it only touches). */
static bool piece_shape(GEOSContextHandle_t h, const GEOSGeometry *g) {
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_GEOMETRYCOLLECTION) {
        int m = GEOSGetNumGeometries_r(h, g);
        for (int k = 0; k < m; k++) {
            const GEOSGeometry *x = GEOSGetGeometryN_r(h, g, k);
            if (!x || GEOSGeomTypeId_r(h, x) == GEOS_GEOMETRYCOLLECTION || !piece_shape(h, x)) return false;
        }
        return m > 0;
    }
    return (t == GEOS_POINT || t == GEOS_LINESTRING || t == GEOS_MULTIPOINT || t == GEOS_MULTILINESTRING) && !GEOSisEmpty_r(h, g);
}

bool park_edge_errors_put(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const struct park_edge_errors *e) {
    park_snap_put_u32(b, e != NULL);
    if (!e) return true;
    if (!e->built) return false; /* only what a warm process needs no gazetteer for */
    park_snap_put_u64(b, e->n);
    for (size_t i = 0; i < e->n; i++) park_snap_put_f64(b, e->max_err[i]);
    park_snap_put_u32(b, e->p0 != NULL);
    bool ok = true;
    for (size_t i = 0; e->p0 && i < e->n && ok; i++) {
        park_snap_put_u64(b, e->p0[i + 1] - e->p0[i]);
        for (size_t k = e->p0[i]; k < e->p0[i + 1] && ok; k++) {
            park_snap_put_f64(b, e->v[k].err);
            ok = piece_shape(ctx->geos, e->v[k].g) && park_snap_put_geom(ctx, w, b, e->v[k].g);
        }
    }
    return ok;
}

bool park_edge_errors_get(park_ctx *ctx, GEOSWKBReader *wr, park_snap_rd *d, const park_layer *layer,
                          struct park_edge_errors **out) {
    *out = NULL;
    uint32_t has = park_snap_get_u32(d);
    if (d->bad || has > 1 || (int)has != park_edge_errors_wanted(layer)) return false;
    if (!has) return true;
    size_t n = park_layer_count(layer);
    if (park_snap_get_u64(d) != n || d->bad) return false;
    struct park_edge_errors *e = calloc(1, sizeof *e);
    if (e) e->geos = ctx->geos, e->n = n, e->built = 1, e->max_err = calloc(n + 1, sizeof *e->max_err);
    bool ok = e && e->max_err;
    for (size_t i = 0; i < n && ok; i++) {
        double m = park_snap_get_f64(d);
        ok = !d->bad && (isnan(m) || (isfinite(m) && m >= 0));
        e->max_err[i] = m;
    }
    uint32_t built = ok ? park_snap_get_u32(d) : 2;
    ok = ok && !d->bad && built <= 1;
    if (ok && built) ok = (e->p0 = calloc(n + 1, sizeof *e->p0)) != NULL;
    size_t cap = 0;
    for (size_t i = 0; ok && built && i < n; i++) {
        e->p0[i + 1] = e->p0[i];
        uint64_t np = park_snap_get_u64(d);
        /* each piece takes at least 8 + 9 bytes; a parcel without a bound has none */
        ok = !d->bad && np <= PIECES_MAX && np * 17 <= (uint64_t)(d->end - d->p) && (np == 0 || !isnan(e->max_err[i]));
        for (uint64_t k = 0; ok && k < np; k++) {
            double err = park_snap_get_f64(d);
            GEOSGeometry *g = !d->bad && isfinite(err) && err >= 0 && err <= e->max_err[i] ? park_snap_get_geom(ctx, wr, d) : NULL;
            ok = g && !d->bad && piece_shape(ctx->geos, g);
            if (!ok || !push(ctx, e, &cap, i, g, err)) {
                if (g) GEOSGeom_destroy_r(ctx->geos, g);
                ok = false;
            }
        }
    }
    if (!ok) {
        park_edge_errors_free(e);
        park_ctx_clear_error(ctx);
        d->bad = true;
        return false;
    }
    *out = e;
    return true;
}

size_t park_edge_errors_pieces(const struct park_edge_errors *e) { return e && e->built && e->p0 ? e->nv : 0; }
int park_edge_errors_built(const struct park_edge_errors *e) { return e && e->built; }

double park_edge_error_max(const struct park_edge_errors *e, size_t i) { return e && i < e->n ? e->max_err[i] : NAN; }

double park_edge_error_at(const struct park_edge_errors *e, size_t i, double x, double y, const GEOSGeometry *pt, double d,
                          double own) {
    if (!e || !e->p0 || i >= e->n) return own;
    double best = INFINITY, err = own;
    for (size_t k = e->p0[i]; k < e->p0[i + 1]; k++) {
        /* a piece whose envelope is farther than d + 0.5 cannot be the one (below) */
        const double *v = e->v[k].env;
        double ex = park_fmax(0, park_fmax(v[0] - x, x - v[2])), ey = park_fmax(0, park_fmax(v[1] - y, y - v[3])), lim = d + 0.5;
        /* hypot(ex, ey) is at least the larger of the two (it is faithfully rounded, and so
         * never below a double the exact value is not below), and exactly the other when
         * one is 0: those cases skip libm's call (issue 11), the same decisions */
        if (ex > lim || ey > lim) continue;
        if (ex != 0 && ey != 0 && hypot(ex, ey) > lim) continue;
        double dk = INFINITY;
        if (e->v[k].nlines)
            for (size_t j = 0; j < e->v[k].nlines; j++) dk = park_fmin(dk, park_line_distance(&e->v[k].lines[j], x, y));
        else if (!GEOSPreparedDistance_r(e->geos, e->v[k].prep, pt, &dk)) continue;
        if (dk < best) best = dk, err = e->v[k].err;
    }
    /* the nearest boundary point lies on that piece (else on the rest: the parcel's own) */
    return best <= d + 0.5 ? err : own;
}
