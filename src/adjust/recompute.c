/* recompute.c - boundary adjustments (issue 6): validate an edited parcel layer
 * against a baseline, then report per parcel, per layout element and for the
 * whole park the old and new geodesic areas and the area gained and lost.
 *
 * Validation is park_validate's (query module); this file only adds what a
 * comparison needs: ids matched to the baseline (added / removed / renamed),
 * features without an id, duplicate ids, undecodable text, and the reader's notes. */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <gdal.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../internal.h"
#include "../query/query.h"


void park_recompute_opts_default(park_recompute_opts *o) {
    memset(o, 0, sizeof *o);
    park_validate_opts_default(&o->validate);
    o->snap_m = 0.05;
    o->layouts = 1;
    o->stated_km2 = PARK_STATED_TOTAL_KM2;
}

const char *park_change_kind_name(park_change_kind k) {
    switch (k) {
    case PARK_CHANGE_UNCHANGED: return "unchanged";
    case PARK_CHANGE_CHANGED: return "changed";
    case PARK_CHANGE_ADDED: return "added";
    case PARK_CHANGE_REMOVED: return "removed";
    }
    return "?";
}

/* ------------------------------------------------------------------ issues */

typedef struct issue_list {
    park_recompute_report *r;
    size_t cap;
} issue_list;

static void add_issue(issue_list *L, park_issue_level level, const char *kind, const char *feature,
                      double x, double y, double measure, const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static void add_issue(issue_list *L, park_issue_level level, const char *kind, const char *feature,
                      double x, double y, double measure, const char *fmt, ...) {
    park_recompute_report *r = L->r;
    va_list ap;
    va_start(ap, fmt);
    /* out of memory: the issue is lost, the counts stay those of the issues kept */
    (void)park_issue_vappend(&r->issues, &r->nissues, &L->cap, &r->errors, &r->warnings, level, kind, feature, x, y, measure, fmt, ap);
    va_end(ap);
}

/* "id" of a parcel for messages: its id, or "#fid" when it has none. */
static void feature_label(const park_parcel *p, char *buf, size_t len) {
    if (p->id[0]) snprintf(buf, len, "%s", p->id);
    else snprintf(buf, len, "#%ld", p->source_fid);
}

static void geom_point(park_ctx *ctx, const GEOSGeometry *g, double *x, double *y) {
    *x = *y = NAN;
    if (!g || GEOSisEmpty_r(ctx->geos, g)) return;
    GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, g);
    if (!pt) return;
    if (!GEOSGeomGetX_r(ctx->geos, pt, x) || !GEOSGeomGetY_r(ctx->geos, pt, y)) *x = *y = NAN;
    GEOSGeom_destroy_r(ctx->geos, pt);
}

/* ------------------------------------------------------------------ geometry */

/* Keeps the polygon parts of `g` whose mean width (2·area/perimeter) reaches
 * `min_width_m`: what is narrower is coordinate noise from a round trip, not an
 * edit. Returns a new MultiPolygon, or NULL when nothing is left; *m2 gets the
 * geodesic area of what is kept. */
static GEOSGeometry *keep_pieces(park_ctx *ctx, const GEOSGeometry *g, double min_width_m, double *m2) {
    *m2 = 0;
    if (!g) return NULL;
    int n = GEOSGetNumGeometries_r(ctx->geos, g);
    GEOSGeometry **keep = calloc((size_t)(n > 0 ? n : 1), sizeof *keep);
    unsigned nk = 0;
    for (int i = 0; i < n; i++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(ctx->geos, g, i);
        int t = GEOSGeomTypeId_r(ctx->geos, part);
        if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
            /* nested collections (rare, from overlay of collections): recurse */
            double sub;
            GEOSGeometry *k = keep_pieces(ctx, part, min_width_m, &sub);
            if (k) {
                int kn = GEOSGetNumGeometries_r(ctx->geos, k);
                GEOSGeometry **grown = realloc(keep, (size_t)(n + kn + 1) * sizeof *keep);
                if (grown) {
                    keep = grown;
                    for (int j = 0; j < kn; j++) keep[nk++] = GEOSGeom_clone_r(ctx->geos, GEOSGetGeometryN_r(ctx->geos, k, j));
                    *m2 += sub;
                }
                GEOSGeom_destroy_r(ctx->geos, k);
            }
            continue;
        }
        if (t != GEOS_POLYGON || GEOSisEmpty_r(ctx->geos, part)) continue;
        double a = 0;
        if (park_area_geodesic(ctx, part, &a) != PARK_OK) continue;
        double per = park_perimeter_geodesic(ctx, part);
        if (per <= 0 || 2 * a / per < min_width_m) continue;
        keep[nk++] = GEOSGeom_clone_r(ctx->geos, part);
        *m2 += a;
    }
    GEOSGeometry *out = NULL;
    if (nk) out = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, keep, nk);
    free(keep);
    return out;
}

/* Degrees that `m` metres can span at latitude `lat` (the longitude direction
 * is the shorter one, so it bounds both). */
static double metres_to_deg(double m, double lat) {
    double c = cos(lat * M_PI / 180.0);
    if (c < 0.01) c = 0.01;
    return m / (111320.0 * c);
}

/* A usable copy of g for overlay: itself cloned when valid, else made valid. */
static GEOSGeometry *valid_copy(park_ctx *ctx, const GEOSGeometry *g, bool *repaired) {
    *repaired = false;
    if (GEOSisValid_r(ctx->geos, g) == 1) return GEOSGeom_clone_r(ctx->geos, g);
    *repaired = true;
    return GEOSMakeValid_r(ctx->geos, g);
}

/* Fills old/new/gained/lost of `c` from the two geometries (either may be NULL). */
static park_status diff_areas(park_ctx *ctx, const GEOSGeometry *old_g, const GEOSGeometry *new_g,
                              double snap_m, park_area_change *c) {
    park_status st = PARK_OK;
    c->old_m2 = c->new_m2 = c->gained_m2 = c->lost_m2 = 0;
    if (old_g && (st = park_area_geodesic(ctx, old_g, &c->old_m2))) return st;
    if (new_g && (st = park_area_geodesic(ctx, new_g, &c->new_m2))) return st;
    if (!old_g || !new_g) {
        /* added or removed: the whole geometry is gained or lost */
        const GEOSGeometry *g = old_g ? old_g : new_g;
        double a;
        GEOSGeometry *k = keep_pieces(ctx, g, 0, &a);
        if (old_g) c->lost = k, c->lost_m2 = a;
        else c->gained = k, c->gained_m2 = a;
        return PARK_OK;
    }
    bool r1, r2;
    GEOSGeometry *o = valid_copy(ctx, old_g, &r1), *n = valid_copy(ctx, new_g, &r2);
    GEOSGeometry *ns = NULL, *gained = NULL, *lost = NULL;
    if (!o || !n) {
        st = park_geos_fail(ctx, "making a geometry valid for comparison");
        goto done;
    }
    double lat = 0;
    GEOSGeom_getYMin_r(ctx->geos, o, &lat);
    /* Snap the edited geometry onto the baseline's vertices so untouched
     * vertices that moved by rounding only compare equal. */
    /* GEOS 3.11's snapper compares every vertex with every vertex (a 10^5-vertex
     * parcel against itself took 177 s, issue 12 item 5): a parcel that did
     * not move beyond the tolerance is unchanged without snapping (linear), and
     * pairs too large to snap in seconds are compared as they are (slivers
     * below the tolerance may then show as gained/lost area). */
    double tol = metres_to_deg(snap_m, lat);
    double work = (double)GEOSGetNumCoordinates_r(ctx->geos, n) * (double)GEOSGetNumCoordinates_r(ctx->geos, o);
    if (GEOSEqualsExact_r(ctx->geos, n, o, tol) == 1) ns = GEOSGeom_clone_r(ctx->geos, o);
    else if (work > 2e8) ns = GEOSGeom_clone_r(ctx->geos, n);
    else ns = GEOSSnap_r(ctx->geos, n, o, tol);
    if (ns && GEOSisValid_r(ctx->geos, ns) != 1) {
        GEOSGeometry *v = GEOSMakeValid_r(ctx->geos, ns);
        GEOSGeom_destroy_r(ctx->geos, ns);
        ns = v;
    }
    if (!ns) {
        st = park_geos_fail(ctx, "snapping the edited geometry to the baseline");
        goto done;
    }
    gained = GEOSDifference_r(ctx->geos, ns, o);
    lost = GEOSDifference_r(ctx->geos, o, ns);
    if (!gained || !lost) {
        st = park_geos_fail(ctx, "difference of edited and baseline geometry");
        goto done;
    }
    c->gained = keep_pieces(ctx, gained, snap_m, &c->gained_m2);
    c->lost = keep_pieces(ctx, lost, snap_m, &c->lost_m2);
done:
    if (o) GEOSGeom_destroy_r(ctx->geos, o);
    if (n) GEOSGeom_destroy_r(ctx->geos, n);
    if (ns) GEOSGeom_destroy_r(ctx->geos, ns);
    if (gained) GEOSGeom_destroy_r(ctx->geos, gained);
    if (lost) GEOSGeom_destroy_r(ctx->geos, lost);
    return st;
}

/* ------------------------------------------------------------------ uncertainty */

/* Length (m) of the boundary of `a` within tol_m of the boundary of `b`, and
 * the whole length of a's boundary in *total. */
static double kept_length_m(park_ctx *ctx, const GEOSGeometry *a, const GEOSGeometry *b, double tol_m, double *total) {
    *total = 0;
    if (!a || GEOSisEmpty_r(ctx->geos, a)) return 0;
    GEOSGeometry *ba = GEOSBoundary_r(ctx->geos, a);
    *total = park_length_geodesic(ctx, ba);
    double kept = 0;
    if (ba && b && !GEOSisEmpty_r(ctx->geos, b)) {
        GEOSGeometry *bb = GEOSBoundary_r(ctx->geos, b);
        double lat = 0;
        GEOSGeom_getYMin_r(ctx->geos, a, &lat);
        GEOSGeometry *zone = bb ? GEOSBuffer_r(ctx->geos, bb, metres_to_deg(tol_m, lat), 4) : NULL;
        GEOSGeometry *on = zone ? GEOSIntersection_r(ctx->geos, ba, zone) : NULL;
        kept = park_length_geodesic(ctx, on);
        if (on) GEOSGeom_destroy_r(ctx->geos, on);
        if (zone) GEOSGeom_destroy_r(ctx->geos, zone);
        if (bb) GEOSGeom_destroy_r(ctx->geos, bb);
    }
    if (ba) GEOSGeom_destroy_r(ctx->geos, ba);
    park_ctx_clear_error(ctx); /* a failed overlay costs the split into kept/edited, not the report */
    return kept > *total ? *total : kept;
}

/* Fills the uncertainties of `c` (see parkgis_recompute.h): e_old is the
 * baseline's error_m (NAN unknown). A boundary within tol of the baseline's
 * is the baseline's edge, kept. */
static void uncertainty(park_ctx *ctx, const GEOSGeometry *old_g, const GEOSGeometry *new_g, double e_old, double tol_m,
                        park_area_change *c) {
    double l_old = 0, l_new = 0;
    double kept_new = kept_length_m(ctx, new_g, old_g, tol_m, &l_new);
    double kept_old = kept_length_m(ctx, old_g, new_g, tol_m, &l_old);
    c->edited_m = l_new - kept_new;
    if (c->edited_m < 2 * tol_m) c->edited_m = 0; /* the corners of the tolerance band */
    c->old_unc_m2 = l_old * e_old;
    c->new_unc_m2 = kept_new * e_old;
    double replaced = l_old - kept_old;
    if (replaced < 2 * tol_m) replaced = 0;
    c->change_unc_m2 = replaced * e_old;
    if (!old_g) c->old_unc_m2 = 0, c->change_unc_m2 = 0, c->new_unc_m2 = 0;
}

/* "edited: geometry from moved.shp (file saved 2026-12-01 22:10 UTC; who edited it is not recorded)" */
static char *edited_note(park_ctx *ctx, const park_layer *ed) {
    char *path = NULL, *lname = NULL;
    const char *src = park_layer_path(ed);
    if (park_layer_source_split(ctx, src, &path, &lname) != PARK_OK) park_ctx_clear_error(ctx), path = park_strdup(src);
    struct stat sb;
    char when[64] = "";
    if (path && stat(path, &sb) == 0) {
        struct tm tm;
        gmtime_r(&sb.st_mtime, &tm);
        strftime(when, sizeof when, "file saved %Y-%m-%d %H:%M UTC", &tm);
    }
    const char *slash = path ? strrchr(path, '/') : NULL;
    char *r = park_asprintf("edited: geometry from %s%s%s (%s%swho edited it is not recorded)", slash ? slash + 1 : path ? path : "",
                            lname ? "|layername=" : "", lname ? lname : "", when, when[0] ? "; " : "");
    free(path), free(lname);
    return r;
}

static void change_init(park_area_change *c, const char *layout, const char *id, const char *name,
                        const char *old_name) {
    memset(c, 0, sizeof *c);
    c->plan_km2 = c->old_unc_m2 = c->new_unc_m2 = c->change_unc_m2 = c->error_m = NAN;
    c->layout = park_strdup(layout);
    c->id = park_strdup(id);
    c->name = park_strdup(name);
    c->old_name = park_strdup(old_name);
    c->provenance = park_strdup("");
}

static void change_classify(park_area_change *c, bool in_old, bool in_new) {
    if (!in_old) c->kind = PARK_CHANGE_ADDED;
    else if (!in_new) c->kind = PARK_CHANGE_REMOVED;
    else c->kind = (c->gained || c->lost) ? PARK_CHANGE_CHANGED : PARK_CHANGE_UNCHANGED;
    c->renamed = in_old && in_new && strcmp(c->name, c->old_name) != 0;
}

static void change_free(park_ctx *ctx, park_area_change *c) {
    free(c->layout), free(c->id), free(c->name), free(c->old_name), free(c->provenance);
    if (c->gained) GEOSGeom_destroy_r(ctx->geos, c->gained);
    if (c->lost) GEOSGeom_destroy_r(ctx->geos, c->lost);
}

/* Tolerance (m) within which an edited boundary is the baseline's edge. */
static double keep_tol_m(double snap_m) { return snap_m * 4 > 1.0 ? snap_m * 4 : 1.0; }

/* The figures beside the areas: plan, uncertainties, provenance (`edited` is
 * the edited-file note, NULL for layout elements). */
static void change_extras(park_ctx *ctx, park_area_change *c, const park_parcel *o, const park_parcel *e, double snap_m,
                          const char *edited) {
    c->plan_km2 = e && isfinite(e->official_km2) ? e->official_km2 : o ? o->official_km2 : NAN;
    c->error_m = o && o->has_error_m ? o->error_m : NAN;
    uncertainty(ctx, o ? o->geom : NULL, e ? e->geom : NULL, o && o->has_error_m ? o->error_m : NAN, keep_tol_m(snap_m), c);
    if (!edited) return;
    free(c->provenance);
    if (c->kind == PARK_CHANGE_UNCHANGED) c->provenance = park_strdup(o->provenance);
    else if (c->kind == PARK_CHANGE_REMOVED) c->provenance = park_strdup("removed in the edited layer");
    else if (c->kind == PARK_CHANGE_ADDED)
        c->provenance = park_asprintf("%s; a new parcel: its whole boundary (%.0f m) is the editor's, error unverified", edited, c->edited_m);
    else
        c->provenance = park_asprintf("%s; %.0f m of the boundary redrawn (error unverified), the rest kept from the baseline (%s)", edited,
                                      c->edited_m, o->has_error_m ? "error_m stated there" : "error unknown there");
}

/* Compares two layers feature by feature, matched by id, appending to *arr. */
static park_status compare_layers(park_ctx *ctx, const park_layer *old_l, const park_layer *new_l, const char *layout,
                                  double snap_m, const char *edited, park_area_change **arr, size_t *n) {
    size_t no = park_layer_count(old_l), nn = park_layer_count(new_l);
    park_area_change *a = realloc(*arr, (*n + no + nn + 1) * sizeof *a);
    if (!a) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    *arr = a;
    park_status st = PARK_OK;
    for (size_t i = 0; i < no && !st; i++) {
        const park_parcel *o = park_layer_get(old_l, i);
        if (!o->id[0]) continue;
        const park_parcel *e = NULL;
        for (size_t j = 0; j < nn && !e; j++)
            if (!strcmp(park_layer_get(new_l, j)->id, o->id)) e = park_layer_get(new_l, j);
        park_area_change *c = &a[(*n)++];
        change_init(c, layout, o->id, e ? e->name : o->name, o->name);
        st = diff_areas(ctx, o->geom, e ? e->geom : NULL, snap_m, c);
        change_classify(c, true, e != NULL);
        change_extras(ctx, c, o, e, snap_m, edited);
    }
    for (size_t j = 0; j < nn && !st; j++) {
        const park_parcel *e = park_layer_get(new_l, j);
        if (!e->id[0]) continue;
        bool in_old = false;
        for (size_t i = 0; i < no && !in_old; i++) in_old = !strcmp(park_layer_get(old_l, i)->id, e->id);
        if (in_old) continue;
        park_area_change *c = &a[(*n)++];
        change_init(c, layout, e->id, e->name, "");
        st = diff_areas(ctx, NULL, e->geom, snap_m, c);
        change_classify(c, false, true);
        change_extras(ctx, c, NULL, e, snap_m, edited);
        if (!isfinite(c->plan_km2)) c->plan_km2 = NAN;
    }
    return st;
}

/* Union of all parcel geometries (made valid first), new geometry. */
static GEOSGeometry *layer_union(park_ctx *ctx, const park_layer *l) {
    size_t n = park_layer_count(l);
    GEOSGeometry **gs = calloc(n ? n : 1, sizeof *gs);
    if (!gs) return NULL;
    for (size_t i = 0; i < n; i++) {
        bool rep;
        gs[i] = valid_copy(ctx, park_layer_get(l, i)->geom, &rep);
        if (!gs[i]) {
            for (size_t k = 0; k < i; k++) GEOSGeom_destroy_r(ctx->geos, gs[k]);
            free(gs);
            return NULL;
        }
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, gs, (unsigned)n);
    free(gs);
    if (!coll) return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(ctx->geos, coll);
    GEOSGeom_destroy_r(ctx->geos, coll);
    return u;
}

/* ------------------------------------------------------------------ validation */

/* Parcels are matched by id alone (park_layer_find also takes a name). */
static const park_parcel *find_by_id(const park_layer *l, const char *id) {
    for (size_t i = 0; i < park_layer_count(l); i++)
        if (!strcmp(park_layer_get(l, i)->id, id)) return park_layer_get(l, i);
    return NULL;
}

/* The baseline parcel missing from `ed` that an added parcel `e` covers most
 * (geodesic share of the smaller of the two, NULL below half): an id edited in
 * QGIS shows as one parcel removed and one added, and the warning should say
 * so rather than leave the planner to notice two full-area rows. */
static const park_parcel *id_change_candidate(park_ctx *ctx, const park_layer *base, const park_layer *ed,
                                              const park_parcel *e, double *share) {
    const park_parcel *best = NULL;
    *share = 0;
    double ae = 0;
    if (park_area_geodesic(ctx, e->geom, &ae) != PARK_OK || !(ae > 0)) return NULL;
    for (size_t i = 0; i < park_layer_count(base); i++) {
        const park_parcel *b = park_layer_get(base, i);
        if (find_by_id(ed, b->id) || !b->id[0] || GEOSIntersects_r(ctx->geos, b->geom, e->geom) != 1) continue;
        bool r1, r2;
        GEOSGeometry *vb = valid_copy(ctx, b->geom, &r1), *ve = valid_copy(ctx, e->geom, &r2);
        GEOSGeometry *x = vb && ve ? GEOSIntersection_r(ctx->geos, vb, ve) : NULL;
        double ab = 0, ax = 0;
        if (x && park_area_geodesic(ctx, b->geom, &ab) == PARK_OK && park_area_geodesic(ctx, x, &ax) == PARK_OK && ab > 0) {
            double sh = ax / fmin(ab, ae);
            if (sh > *share) *share = sh, best = b;
        }
        if (vb) GEOSGeom_destroy_r(ctx->geos, vb);
        if (ve) GEOSGeom_destroy_r(ctx->geos, ve);
        if (x) GEOSGeom_destroy_r(ctx->geos, x);
    }
    park_ctx_clear_error(ctx); /* a failed overlay only costs the hint */
    return *share >= 0.5 ? best : NULL;
}

static void validate_ids(park_ctx *ctx, issue_list *L, const park_layer *base, const park_layer *ed) {
    size_t nb = park_layer_count(base), ne = park_layer_count(ed);
    const char *epath = park_layer_path(ed);
    char lab[256];
    size_t bad_text = 0;
    const park_parcel *first_bad = NULL;
    for (size_t j = 0; j < ne; j++) {
        const park_parcel *e = park_layer_get(ed, j);
        double x, y;
        geom_point(ctx, e->geom, &x, &y);
        feature_label(e, lab, sizeof lab);
        if (!e->id[0]) continue; /* park_validate reports it ("no-id"); duplicates too */
        if (!park_utf8_valid(e->name)) {
            if (!bad_text++) first_bad = e;
            continue; /* its name cannot be compared */
        }
        const park_parcel *b = find_by_id(base, e->id);
        double a = NAN;
        if (!b) {
            park_area_geodesic(ctx, e->geom, &a);
            double share;
            const park_parcel *was = id_change_candidate(ctx, base, ed, e, &share);
            char hint[512] = "";
            if (was)
                snprintf(hint, sizeof hint, "; it covers %.0f%% of baseline parcel '%s' (%s), which is missing: was its id changed?",
                         100 * fmin(share, 1), was->id, was->name);
            add_issue(L, PARK_WARNING, "added", lab, x, y, a, "parcel '%s' (%s) is not in the baseline: added, %.4f km²%s",
                      e->id, e->name, a / 1e6, hint);
        } else if (strcmp(b->name, e->name) != 0 && park_utf8_valid(e->name)) {
            add_issue(L, PARK_WARNING, "renamed", lab, x, y, NAN, "parcel '%s' renamed: '%s' -> '%s'", e->id, b->name, e->name);
        }
    }
    if (bad_text) {
        /* One error for the layer: the cause (an unknown code page) is one. */
        feature_label(first_bad, lab, sizeof lab);
        add_issue(L, PARK_ERROR, "encoding", lab, NAN, NAN, NAN,
                  "%s: %zu name%s not valid UTF-8 (first: feature %ld, id '%s'): the text was not read with its code page; give it with --encoding (e.g. CP936 for GBK, UTF-8)",
                  epath, bad_text, bad_text == 1 ? " is" : "s are", first_bad->source_fid, first_bad->id);
    }
    for (size_t i = 0; i < nb; i++) {
        const park_parcel *b = park_layer_get(base, i);
        if (!b->id[0]) continue;
        bool found = false;
        for (size_t j = 0; j < ne && !found; j++) found = !strcmp(park_layer_get(ed, j)->id, b->id);
        if (found) continue;
        double x, y, a = NAN;
        geom_point(ctx, b->geom, &x, &y);
        park_area_geodesic(ctx, b->geom, &a);
        add_issue(L, PARK_WARNING, "removed", b->id, x, y, a, "parcel '%s' (%s) of the baseline is not in the edited layer: removed, %.4f km²",
                  b->id, b->name, a / 1e6);
    }
}

/* Reader notes (missing .prj, guessed encoding, ...), one warning per line. */
static void add_notes(issue_list *L, const park_layer *l, const char *kind) {
    const char *s = park_layer_notes(l);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        /* the reader's per-feature "not valid UTF-8" notes are summed up in one
         * "encoding" error by validate_ids */
        if (len && !memmem(s, len, "not valid UTF-8", 15)) {
            char *line = park_strndup(s, len);
            add_issue(L, PARK_WARNING, kind, "", NAN, NAN, NAN, "%s", line);
            free(line);
        }
        s += len + (nl ? 1 : 0);
    }
}

static bool same_issue(const park_issue *a, const park_issue *b) {
    return !strcmp(a->kind, b->kind) && !strcmp(a->feature, b->feature);
}

/* ------------------------------------------------------------------ layouts */


static park_layout_layer primary_layer(const park_layout *lo) {
    size_t n = park_layout_layer_count(lo);
    for (size_t i = 0; i < n; i++) {
        park_layout_layer ll = park_layout_layer_get(lo, i);
        if (ll.is_primary) return ll;
    }
    park_layout_layer none = {0};
    return none;
}

/* True when some element of `l` meets `parcels` (the union of the parcels):
 * a layout of another district (e.g. Xuhui's) has nothing to report here. */
static bool layout_touches(park_ctx *ctx, const park_layer *l, const GEOSGeometry *parcels) {
    if (!parcels) return true;
    for (size_t i = 0; i < park_layer_count(l); i++)
        if (GEOSIntersects_r(ctx->geos, park_layer_get(l, i)->geom, parcels) == 1) return true;
    return false;
}

/* The edited layer plus, for every baseline parcel it lacks, a parcel of that
 * id with an empty geometry: a layout element made of parcels then loses the
 * removed one (and shows it as lost area) instead of failing to build. NULL
 * when no parcel was removed. *removed lists their ids. */
static park_layer *with_removed_as_empty(park_ctx *ctx, const park_layer *base, const park_layer *ed, park_buf *removed) {
    park_layer *aug = NULL;
    for (size_t i = 0; i < park_layer_count(base); i++) {
        const park_parcel *b = park_layer_get(base, i);
        if (!b->id[0] || park_layer_find(ed, b->id)) continue;
        if (!aug) {
            aug = park_layer_new(ctx);
            for (size_t j = 0; aug && j < park_layer_count(ed); j++) {
                park_parcel p = *park_layer_get(ed, j);
                p.geom = GEOSGeom_clone_r(ctx->geos, p.geom);
                if (!p.geom || park_layer_add(ctx, aug, &p) != PARK_OK) park_layer_free(aug), aug = NULL;
            }
            if (!aug) return NULL;
        }
        park_parcel p = *b;
        p.geom = GEOSGeom_createEmptyPolygon_r(ctx->geos);
        if (!p.geom || park_layer_add(ctx, aug, &p) != PARK_OK) {
            park_layer_free(aug);
            return NULL;
        }
        park_buf_printf(removed, "%s%s", removed->s ? ", " : "", b->id);
    }
    return aug;
}

/* An added parcel (id not in the baseline) that no element of the edited
 * layout holds: its area counts in no element, and the element it came from
 * shows a loss that is not one (a split whose pieces got new ids). */
static void warn_unassigned(park_ctx *ctx, issue_list *L, const park_layer *base, const park_layer *ed, const park_layout *lo,
                            const park_layer *elements) {
    for (size_t j = 0; j < park_layer_count(ed); j++) {
        const park_parcel *e = park_layer_get(ed, j);
        if (!e->id[0] || find_by_id(base, e->id) || GEOSisEmpty_r(ctx->geos, e->geom)) continue;
        double ae = 0;
        if (park_area_geodesic(ctx, e->geom, &ae) != PARK_OK || !(ae > 0)) continue;
        bool held = false;
        for (size_t k = 0; k < park_layer_count(elements) && !held; k++) {
            const GEOSGeometry *eg = park_layer_get(elements, k)->geom;
            if (GEOSIntersects_r(ctx->geos, eg, e->geom) != 1) continue;
            bool r1;
            GEOSGeometry *v = valid_copy(ctx, e->geom, &r1);
            GEOSGeometry *x = v ? GEOSIntersection_r(ctx->geos, eg, v) : NULL;
            double ax = 0;
            if (x && park_area_geodesic(ctx, x, &ax) == PARK_OK && ax >= 0.5 * ae) held = true;
            if (x) GEOSGeom_destroy_r(ctx->geos, x);
            if (v) GEOSGeom_destroy_r(ctx->geos, v);
        }
        park_ctx_clear_error(ctx);
        if (held) continue;
        double x, y;
        geom_point(ctx, e->geom, &x, &y);
        add_issue(L, PARK_WARNING, "unassigned", e->id, x, y, ae,
                  "added parcel '%s' (%s, %.4f km²) belongs to no element of layout '%s' (%s): its area counts in none of them; give it a layout field naming its element (e.g. the one of the parcel it was split from) and run again",
                  e->id, e->name, ae / 1e6, park_layout_id(lo), park_layout_name(lo));
    }
}

static park_status compare_layouts(park_ctx *ctx, issue_list *L, const park_layer *base, const park_layer *ed,
                                   const GEOSGeometry *ub, const GEOSGeometry *ue, double snap_m) {
    park_recompute_report *r = L->r;
    char *list = park_layout_list(ctx);
    if (!list) return PARK_OK;
    park_buf removed;
    park_buf_init(&removed);
    park_layer *aug = with_removed_as_empty(ctx, base, ed, &removed);
    if (aug) ed = aug;
    park_status st = PARK_OK;
    char *save = NULL;
    for (char *id = strtok_r(list, "\n", &save); id && !st; id = strtok_r(NULL, "\n", &save)) {
        if (!*id || !strcmp(id, "parcels")) continue; /* the parcels are reported already */
        park_layout *lo_b = NULL, *lo_e = NULL;
        if (park_layout_build(ctx, id, base, &lo_b) != PARK_OK) {
            add_issue(L, PARK_WARNING, "layout", id, NAN, NAN, NAN, "layout '%s' cannot be built over the baseline: %s", id, park_ctx_errmsg(ctx));
        } else if (park_layout_build(ctx, id, ed, &lo_e) != PARK_OK) {
            add_issue(L, PARK_WARNING, "layout", id, NAN, NAN, NAN, "layout '%s' cannot be built over the edited layer: %s", id, park_ctx_errmsg(ctx));
        } else {
            park_layout_layer pb = primary_layer(lo_b), pe = primary_layer(lo_e);
            if (pb.layer && pe.layer && (layout_touches(ctx, pb.layer, ub) || layout_touches(ctx, pe.layer, ue)))
            {
                st = compare_layers(ctx, pb.layer, pe.layer, park_layout_id(lo_b), snap_m, NULL, &r->elements, &r->nelements);
                if (!st) warn_unassigned(ctx, L, base, ed, lo_e, pe.layer);
            }
        }
        park_ctx_clear_error(ctx);
        park_layout_free(lo_b);
        park_layout_free(lo_e);
    }
    free(list);
    if (aug && !st)
        add_issue(L, PARK_WARNING, "layout", "", NAN, NAN, NAN,
                  "layout elements are compared without the removed parcel%s %s: the area they held shows as lost",
                  strchr(removed.s, ',') ? "s" : "", removed.s);
    park_layer_free(aug);
    park_buf_free(&removed);
    return st;
}

/* ------------------------------------------------------------------ entry */

park_status park_recompute(park_ctx *ctx, const park_layer *baseline, const park_layer *edited,
                           const park_recompute_opts *opts, park_recompute_report **out) {
    *out = NULL;
    park_recompute_opts def;
    if (!opts) {
        park_recompute_opts_default(&def);
        opts = &def;
    }
    park_recompute_report *r = calloc(1, sizeof *r);
    if (!r) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    r->stated_km2 = opts->stated_km2;
    r->ctx = ctx;
    change_init(&r->total, "", "TOTAL", "", "");
    issue_list L = {r, 0};
    park_status st = PARK_OK;

    add_notes(&L, edited, "input");
    {
        park_validation *ve = NULL, *vb = NULL;
        if ((st = park_validate(ctx, edited, &opts->validate, &ve))) goto fail;
        if ((st = park_validate(ctx, baseline, &opts->validate, &vb))) {
            park_validation_free(ve);
            goto fail;
        }
        for (size_t i = 0; i < ve->n; i++) {
            const park_issue *is = &ve->issues[i];
            park_issue_level lv = is->level;
            const char *also = "";
            /* A problem between parcels that the baseline has too (an overlap or
             * gap the edit did not touch) is not the planner's to fix before
             * seeing the areas: listed, but as a warning. An invalid polygon
             * stays an error: its area would be meaningless. */
            if (lv == PARK_ERROR && strcmp(is->kind, "invalid") != 0)
                for (size_t k = 0; k < vb->n; k++)
                    if (same_issue(is, &vb->issues[k])) {
                        lv = PARK_WARNING, also = " (already in the baseline)";
                        break;
                    }
            add_issue(&L, lv, is->kind, is->feature, is->x, is->y, is->measure, "%s%s", is->message, also);
        }
        for (size_t k = 0; k < vb->n; k++)
            if (vb->issues[k].level == PARK_ERROR && !strcmp(vb->issues[k].kind, "invalid"))
                add_issue(&L, PARK_WARNING, "baseline", vb->issues[k].feature, vb->issues[k].x, vb->issues[k].y, NAN,
                          "baseline %s: %s (made valid for the comparison)", park_layer_path(baseline), vb->issues[k].message);
        park_validation_free(ve);
        park_validation_free(vb);
    }
    validate_ids(ctx, &L, baseline, edited);
    if (r->errors) {
        *out = r;
        return PARK_OK;
    }

    /* Areas. */
    {
        char *note = edited_note(ctx, edited);
        st = compare_layers(ctx, baseline, edited, "", opts->snap_m, note, &r->parcels, &r->nparcels);
        free(note);
        if (st) goto fail;
    }
    for (size_t i = 0; i < r->nparcels; i++) {
        r->total.old_m2 += r->parcels[i].old_m2;
        r->total.new_m2 += r->parcels[i].new_m2;
    }
    /* the whole park: its outline's error is the largest any parcel states
     * (unknown when one states none) */
    double e_tot = 0;
    for (size_t i = 0; i < park_layer_count(baseline); i++) {
        const park_parcel *b = park_layer_get(baseline, i);
        e_tot = b->has_error_m && !isnan(e_tot) ? fmax(e_tot, b->error_m) : NAN;
    }
    r->total.plan_km2 = r->stated_km2;
    {
        GEOSGeometry *ub = layer_union(ctx, baseline), *ue = layer_union(ctx, edited);
        park_area_change t = {0};
        if (!ub || !ue) st = park_geos_fail(ctx, "union of the parcels");
        else st = diff_areas(ctx, ub, ue, opts->snap_m, &t);
        /* the union's own areas differ from the sums only by overlaps; the
         * sums are what the plan's table does, so they stay */
        r->total.gained = t.gained, r->total.lost = t.lost;
        r->total.gained_m2 = t.gained_m2, r->total.lost_m2 = t.lost_m2;
        if (!st) change_classify(&r->total, true, true);
        if (!st) uncertainty(ctx, ub, ue, e_tot, keep_tol_m(opts->snap_m), &r->total);
        if (!st && opts->layouts) st = compare_layouts(ctx, &L, baseline, edited, ub, ue, opts->snap_m);
        if (ub) GEOSGeom_destroy_r(ctx->geos, ub);
        if (ue) GEOSGeom_destroy_r(ctx->geos, ue);
        if (st) goto fail;
    }
    r->computed = 1;
    *out = r;
    return PARK_OK;
fail:
    park_recompute_report_free(r);
    return st;
}

void park_recompute_report_free(park_recompute_report *r) {
    if (!r) return;
    park_ctx *ctx = r->ctx;
    for (size_t i = 0; i < r->nparcels; i++) change_free(ctx, &r->parcels[i]);
    for (size_t i = 0; i < r->nelements; i++) change_free(ctx, &r->elements[i]);
    change_free(ctx, &r->total);
    for (size_t i = 0; i < r->nissues; i++) free(r->issues[i].feature), free(r->issues[i].message);
    free(r->issues), free(r->parcels), free(r->elements), free(r);
}
