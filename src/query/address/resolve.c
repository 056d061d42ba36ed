/* resolve.c - a parsed address -> a parcel, with a match level and a
 * confidence (issue 5).
 *
 * Everything is measured, nothing is looked up in a table of answers: a road is
 * compared with the parcel polygons in the layer's metric plane (query.h), so
 * the answer follows the geometry of whatever parcel layer and gazetteer are
 * loaded. Decisions, in order (see also README "Address lookup"):
 *   another district/city named          -> outside
 *   coordinates                           -> exact (point-in-parcel)
 *   two roads                             -> intersection (GEOSIntersection of
 *                                            the centrelines; nearest points when
 *                                            they do not cross)
 *   one road: near no parcel              -> road, outside the park
 *             mostly along parcel edges   -> boundary, with the parcels on
 *                                            either side (offset curves)
 *             wholly within one parcel    -> road (within BOUNDARY_TOL_M)
 *             otherwise                   -> ambiguous, share of length per parcel
 *   park/parcel name only                 -> park
 *   unknown road                          -> not found + closest names
 *   road + house number with known numbers -> number: placed along the road
 *                                            (numbers.c), parcel probabilities (answer.c)
 *   a named place of the index in the text -> place (places.c)
 * A number on a road without known numbers does not narrow the answer; the note
 * says so when it would have mattered. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

static bool name_is_parcel(const char *want, const char *name) {
    char *a = park_address_normalize(want), *b = park_address_normalize(name);
    size_t la = strlen(a);
    bool ok = !strcmp(a, b) || (!strncmp(a, b, la) && b[la] == '(');
    free(a), free(b);
    return ok;
}

/* Parcels named by a park alias (several for "电子商务示范基地", all for 宝山园). */
static size_t park_parcels(park_resolver *r, const char *park, const park_parcel **hits, size_t max) {
    size_t n = park_layer_count(r->layer), k = 0;
    bool all = !strcmp(park, "张江高新区宝山园");
    for (size_t i = 0; i < n && k < max; i++) {
        const park_parcel *p = park_layer_get(r->layer, i);
        if (all || name_is_parcel(park, p->name)) hits[k++] = p;
    }
    return k;
}

/* Parks whose name covers parts that are not all parcels of this park (issue 10):
 * the plan (../seeds/001, section 二) says "北上海生物医药产业园由北区、中区和南区三部分组成",
 * and only 南区 is one of the ten parcels. */
static const struct multipart {
    const char *park, *parts;
    int nparts;
} MULTIPART[] = {{"北上海生物医药产业园", "北区、中区和南区", 3}};

static const struct multipart *multipart_of(const char *park) {
    for (size_t i = 0; i < sizeof MULTIPART / sizeof MULTIPART[0]; i++)
        if (!strcmp(MULTIPART[i].park, park)) return &MULTIPART[i];
    return NULL;
}

const park_parcel *park_address_named_parcel(park_resolver *r, const park_address *a) {
    if (!r || !a || !a->park[0] || multipart_of(a->park)) return NULL;
    const park_parcel *hits[2];
    return park_parcels(r, a->park, hits, 2) == 1 ? hits[0] : NULL;
}

/* A table of nrows x nparcels doubles, NAN until computed, made on first use
 * (per-resolver constants: batch rows ask for them again and again, issue 11). */
static double *memo_table(double **t, size_t nrows, size_t np) {
    if (!*t && (*t = malloc((nrows ? nrows : 1) * (np ? np : 1) * sizeof **t)) != NULL)
        for (size_t i = 0; i < nrows * np; i++) (*t)[i] = NAN;
    return *t;
}

/* The area (m², metric plane) `a` shares with parcel i, 0 when GEOS fails;
 * remembered in memo[i] when memo is not NULL. */
static double shared_area(park_resolver *r, double *memo, const GEOSGeometry *a, size_t i) {
    if (memo && !isnan(memo[i])) return memo[i];
    GEOSContextHandle_t g = r->ctx->geos;
    GEOSGeometry *x = GEOSIntersection_r(g, a, r->ix->metric[i]);
    double ar = 0;
    if (x) GEOSArea_r(g, x, &ar), GEOSGeom_destroy_r(g, x);
    if (memo) memo[i] = ar;
    return ar;
}

/* The geodesic area of parcel p (0 when it cannot be measured), computed once. */
static double parcel_geod_area(park_resolver *r, const park_parcel *p) {
    size_t n = park_layer_count(r->layer), i = 0;
    while (i < n && park_layer_get(r->layer, i) != p) i++;
    double *m = i < n ? memo_table(&r->parcel_geod_area, 1, n) : NULL;
    if (m && !isnan(m[i])) return m[i];
    double a = 0;
    park_area_geodesic(r->ctx, p->geom, &a);
    if (m) m[i] = a;
    return a;
}

static park_status answer_park(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    const park_parcel *hits[64];
    size_t k = park_parcels(r, a->park, hits, 64);
    const struct multipart *mp = multipart_of(a->park);
    if (mp && k > 0 && k < (size_t)mp->nparts) {
        /* the parts have no geometry: each is taken as equally likely */
        out->match = PARK_MATCH_PARK;
        for (size_t i = 0; i < k; i++) park_ar_cand_push(&out->candidates, &out->ncandidates, hits[i], "inside", 1.0 / mp->nparts, NAN);
        park_ar_cand_push(&out->candidates, &out->ncandidates, NULL, "outside", (double)(mp->nparts - (int)k) / mp->nparts, NAN);
        qsort(out->candidates, out->ncandidates, sizeof *out->candidates, park_ar_cand_cmp);
        out->inside = 0, out->parcel = NULL;
        out->confidence = 1.0 / mp->nparts;
        park_buf_printf(why, "'%s' is a park of %d parts (%s, the plan); only ", a->park_text, mp->nparts, mp->parts);
        for (size_t i = 0; i < k; i++) park_buf_printf(why, "%s%s", i ? ", " : "", hits[i]->name);
        park_buf_printf(why, " %s a parcel of 张江高新区宝山园; the other parts have no geometry here, so each part is taken "
                             "as equally likely (%.2f each): name the part (南区) to decide", k == 1 ? "is" : "are", 1.0 / mp->nparts);
        return PARK_OK;
    }
    if (k == 0) {
        out->match = PARK_MATCH_NOT_FOUND;
        park_buf_printf(why, "'%s' names %s, which is not a parcel of the loaded layer", a->park_text, a->park);
        return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s' names %s, which is not a parcel of the loaded layer", a->input, a->park);
    }
    out->match = PARK_MATCH_PARK;
    double total = 0, *area = calloc(k, sizeof *area);
    for (size_t i = 0; i < k && area; i++) area[i] = parcel_geod_area(r, hits[i]), total += area[i];
    for (size_t i = 0; i < k; i++)
        park_ar_cand_push(&out->candidates, &out->ncandidates, hits[i], "inside", area && total > 0 ? area[i] / total : 1.0 / k, NAN);
    free(area);
    qsort(out->candidates, out->ncandidates, sizeof *out->candidates, park_ar_cand_cmp);
    out->inside = 1;
    if (k == 1) {
        out->parcel = hits[0];
        out->confidence = 0.95; /* a name, not a place: the company may sit outside its park's line */
        park_buf_printf(why, "'%s' is the parcel %s", a->park_text, hits[0]->name);
    } else {
        out->confidence = 1.0 / (double)k;
        park_buf_printf(why, "'%s' names %zu parcels (shares are of their area)", a->park_text, k);
    }
    return PARK_OK;
}

/* A park name given with a road: where the road leaves the side open, the name
 * decides; where they disagree, the geometry stands and the note says so. */
/* A park of one parcel named beside a road (issue 10): the parcel is picked when it
 * is among the road's candidates, at PARK_NAME_PICKS; an answer that agrees with it
 * gains 0.05 (not a point answer), one the name contradicts is halved. These figures
 * are UNVERIFIED: measured with `build/eval_address --park-names` (the training rows,
 * trusted as positions, that name a park of one parcel: how many lie in it), the
 * address points hold 1 such training row and it is not trusted, so there is nothing
 * to derive them from (2026-12-02); the note says so. */
#define PARK_NAME_PICKS 0.85
#define PARK_NAME_UNVERIFIED "unverified: no address point measures how often a named park holds the address"
static void apply_park_hint(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    if (!a->park[0] || multipart_of(a->park)) return; /* a park of several parts does not pick one */
    const park_parcel *hits[64];
    size_t k = park_parcels(r, a->park, hits, 64);
    if (k != 1) return;
    bool among = false;
    for (size_t i = 0; i < out->ncandidates; i++) among |= out->candidates[i].parcel == hits[0];
    if (!among && out->feature && (out->match == PARK_MATCH_BOUNDARY || out->match == PARK_MATCH_AMBIGUOUS ||
                                   (out->match == PARK_MATCH_ROAD && !out->inside))) {
        /* a road that reaches the named parcel (within the edge tolerance) */
        road_info *ri = NULL;
        park_status st;
        if ((ri = park_ar_road_find(r, a->road, &st)) != NULL) {
            size_t pi = 0;
            while (pi < park_layer_count(r->layer) && park_layer_get(r->layer, pi) != hits[0]) pi++;
            const GEOSPreparedGeometry *op = pi < park_layer_count(r->layer) ? park_ar_obuf_prep(r, pi) : NULL;
            among = op && GEOSPreparedIntersects_r(r->ctx->geos, op, ri->m) == 1;
        }
        park_ctx_clear_error(r->ctx);
    }
    if (out->parcel == hits[0]) {
        /* a point answer's probability already holds every error it has: the name is only noted */
        if (!out->has_point) out->confidence = fmin(1, out->confidence + 0.05);
        park_buf_printf(why, "; the park name %s agrees%s", a->park_text, out->has_point ? "" : " (+0.05, " PARK_NAME_UNVERIFIED ")");
    } else if (among) {
        out->parcel = hits[0], out->inside = 1;
        out->confidence = PARK_NAME_PICKS;
        park_buf_printf(why, "; the park name %s picks %s among the candidates (confidence %.2f, %s)", a->park_text, hits[0]->name,
                        PARK_NAME_PICKS, PARK_NAME_UNVERIFIED);
    } else {
        out->confidence *= 0.5;
        park_buf_printf(why, "; but the address also names %s, which the road does not touch: check the address (confidence "
                             "halved, %s)", a->park_text, PARK_NAME_UNVERIFIED);
    }
}

static void number_note(const park_address *a, const park_resolution *out, park_buf *why) {
    if (!(a->number[0] || a->lane[0])) return;
    if (out->match != PARK_MATCH_BOUNDARY && out->match != PARK_MATCH_AMBIGUOUS) return;
    park_buf_printf(why, "; house-number ranges are not known for %s, so %s%s%s%s%s%s cannot tell which part of it", a->road,
                    a->lane, a->lane[0] ? "弄" : "", a->sublane, a->sublane[0] ? "支弄" : "", a->number,
                    a->number[0] ? "号" : "");
}

static park_status not_found(park_resolver *r, const park_address *a, const char *road, park_resolution *out,
                             park_buf *why) {
    out->match = PARK_MATCH_NOT_FOUND;
    out->confidence = 0;
    park_ar_suggest(r, road, out);
    park_buf_printf(why, "%s is not in the gazetteer (%zu named features)", road, r->nfeat);
    if (out->nsuggestions) {
        park_buf_append(why, "; closest names: ");
        for (size_t i = 0; i < out->nsuggestions; i++) park_buf_printf(why, "%s%s", i ? ", " : "", out->suggestions[i]);
    } else park_buf_append(why, "; no name in it is close");
    return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s': %s", a->input, why->s);
}

/* The crossing point(s) of two roads, in the metric plane. */
static park_status crossing(park_resolver *r, const road_info *r1, const road_info *r2, bool near, double *x, double *y,
                            double *gap, int *npoints) {
    GEOSContextHandle_t g = r->ctx->geos;
    *gap = 0, *npoints = 0;
    GEOSGeometry *xg = near ? NULL : GEOSIntersection_r(g, r1->m, r2->m);
    if (xg && !GEOSisEmpty_r(g, xg)) {
        /* the centroid of the crossing points that are within 200 m of the first:
         * roads that cross twice give two points; the first is kept, the count reported */
        int k = GEOSGetNumGeometries_r(g, xg);
        double x0 = NAN, y0 = NAN, sx = 0, sy = 0;
        int used = 0;
        for (int i = 0; i < k; i++) {
            GEOSGeometry *c = GEOSGetCentroid_r(g, GEOSGetGeometryN_r(g, xg, i));
            double cx, cy;
            if (c && GEOSGeomGetX_r(g, c, &cx) && GEOSGeomGetY_r(g, c, &cy)) {
                if (isnan(x0)) x0 = cx, y0 = cy;
                if (hypot(cx - x0, cy - y0) <= 200) sx += cx, sy += cy, used++;
                else (*npoints)++;
            }
            if (c) GEOSGeom_destroy_r(g, c);
        }
        *npoints += used ? 1 : 0;
        *x = sx / used, *y = sy / used;
        GEOSGeom_destroy_r(g, xg);
        return used ? PARK_OK : park_geos_fail(r->ctx, "crossing point");
    }
    if (xg) GEOSGeom_destroy_r(g, xg);
    GEOSCoordSequence *cs = GEOSNearestPoints_r(g, r1->m, r2->m);
    if (!cs) return park_geos_fail(r->ctx, "nearest points of two roads");
    double x1, y1, x2, y2;
    GEOSCoordSeq_getXY_r(g, cs, 0, &x1, &y1);
    GEOSCoordSeq_getXY_r(g, cs, 1, &x2, &y2);
    GEOSCoordSeq_destroy_r(g, cs);
    *gap = hypot(x2 - x1, y2 - y1);
    /* "A路近B路": the place is on A, where it comes closest to B */
    if (near) *x = x1, *y = y1;
    else *x = (x1 + x2) / 2, *y = (y1 + y2) / 2;
    *npoints = 1;
    return PARK_OK;
}

/* crossing(), remembered per (road, road, near) in r->cross. */
static park_status crossing_memo(park_resolver *r, const road_info *r1, const road_info *r2, bool near, double *x,
                                 double *y, double *gap, int *npoints) {
    struct {
        const void *a, *b;
        intptr_t near;
    } key = {r1, r2, near};
    void *hit;
    if (park_strmap_get(r->cross, &key, sizeof key, &hit)) {
        const cross_memo *m = hit;
        *x = m->x, *y = m->y, *gap = m->gap, *npoints = m->npts;
        return PARK_OK;
    }
    cross_memo c = {0, 0, 0, 0};
    park_status st = crossing(r, r1, r2, near, &c.x, &c.y, &c.gap, &c.npts);
    if (st) return st;
    *x = c.x, *y = c.y, *gap = c.gap, *npoints = c.npts;
    if (!r->cross) r->cross = park_strmap_new(0);
    cross_memo *m = malloc(sizeof *m);
    if (m) {
        *m = c;
        if (!park_strmap_put(r->cross, &key, sizeof key, m)) free(m); /* no memo, still an answer */
    }
    return PARK_OK;
}

static park_status answer_intersection(park_resolver *r, const park_address *a, park_datum datum, park_resolution *out,
                                       park_buf *why) {
    park_status st;
    road_info *r1 = park_ar_road_find(r, a->road, &st);
    if (st) return st;
    road_info *r2 = park_ar_road_find(r, a->road2, &st);
    if (st) return st;
    bool near = !strcmp(a->relation, "near");
    if (!r1 && !r2) {
        not_found(r, a, a->road, out, why);
        park_buf_printf(why, "; %s is not in the gazetteer either", a->road2);
        return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s': %s", a->input, why->s);
    }
    if (!r1 || !r2) {
        /* one road known: answer from it alone, and say so */
        road_info *ri = r1 ? r1 : r2;
        const char *missing = r1 ? a->road2 : a->road;
        if ((st = park_ar_road_analyse(r, ri))) return st;
        park_ar_copy_road(out, ri);
        out->confidence *= 0.8;
        park_buf_printf(why, "%s is not in the gazetteer, so this answer is from %s alone: %s", missing, ri->first->name, ri->note);
        return PARK_OK;
    }
    double x, y, gap;
    int npts;
    if ((st = crossing_memo(r, r1, r2, near, &x, &y, &gap, &npts))) return st;
    /* the crossing's error: both centrelines' own errors, and half the gap when they do
     * not meet (the midpoint is used); "近" (near) is within a short walk, taken as 250 m */
    double sigma = hypot(r1->error_m, r2->error_m);
    if (near) sigma = hypot(sigma, 250);
    else if (gap > 0) sigma = hypot(sigma, gap / 2);
    park_buf sub;
    park_buf_init(&sub);
    if ((st = park_ar_point_answer(r, x, y, NULL, sigma, out, &sub))) {
        park_buf_free(&sub);
        return st;
    }
    (void)datum;
    out->match = PARK_MATCH_INTERSECTION;
    out->point_from = near ? "near a road" : "crossing";
    out->feature = r1->first, out->feature2 = r2->first;
    double err = fmax(r1->error_m, r2->error_m);
    if (near)
        park_buf_printf(why, "the point of %s nearest to %s (%.0f m apart, 近 taken as ±250 m): %s", r1->names, r2->names, gap, sub.s);
    else if (gap == 0)
        park_buf_printf(why, "%s crosses %s%s: %s", r1->names, r2->names,
                        npts > 1 ? " more than once (the first crossing is used)" : "", sub.s);
    else if (gap <= MEET_TOL_M + err)
        park_buf_printf(why, "%s and %s do not cross in the gazetteer but come within %.0f m (a T-junction or a gap); the midpoint is used: %s",
                        r1->names, r2->names, gap, sub.s);
    else
        park_buf_printf(why, "%s and %s do not meet in the gazetteer: their nearest points are %.0f m apart; the midpoint is used: %s",
                        r1->names, r2->names, gap, sub.s);
    park_buf_free(&sub);
    return PARK_OK;
}

/* ------------------------------------------------------------------ stations */

/* The station an address names ("上大路" -> "上大路站"); -1 if none. */
static int station_find(const park_resolver *r, const char *name) {
    char *full = park_asprintf("%s站", name), *key = park_ar_name_key(full), *framed = park_asprintf(";%s;", key);
    int hit = -1;
    for (size_t i = 0; i < r->nst && hit < 0; i++)
        if (!strcmp(r->st_key[i], key) || strstr(r->st_ali[i], framed)) hit = (int)i;
    free(full), free(key), free(framed);
    return hit;
}

/* The circle of STATION_RADIUS_M around station i, metric, made once. */
static const GEOSGeometry *station_circle(park_resolver *r, int i) {
    if (r->st_circle[i]) return r->st_circle[i];
    double x = r->st_lon[i], y = r->st_lat[i];
    if (park_query_to_metric(r->ctx, r->ix, &x, &y)) return NULL;
    GEOSContextHandle_t g = r->ctx->geos;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(g, x, y);
    if (pt) r->st_circle[i] = GEOSBuffer_r(g, pt, STATION_RADIUS_M, 16), GEOSGeom_destroy_r(g, pt);
    return r->st_circle[i];
}

/* "near 上大路站": the parcels within a 500 m walk, as shares of that circle's area. */
static park_status answer_station(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    int si = station_find(r, a->station);
    if (si < 0) {
        out->match = PARK_MATCH_NOT_FOUND;
        /* the closest station names, by edit distance */
        char *key = park_asprintf("%s站", a->station);
        size_t best = SIZE_MAX;
        for (size_t i = 0; i < r->nst; i++) {
            size_t d = park_utf8_edit_distance(key, r->st_name[i]);
            if (d < best) best = d;
        }
        for (size_t i = 0; i < r->nst && best <= 2; i++)
            if (park_utf8_edit_distance(key, r->st_name[i]) == best && out->nsuggestions < 5) {
                char **t = realloc(out->suggestions, (out->nsuggestions + 1) * sizeof *t);
                if (t) out->suggestions = t, t[out->nsuggestions++] = park_strdup(r->st_name[i]);
            }
        park_buf_printf(why, "%s is not a metro station in the data (%zu stations in and near 宝山区)", key, r->nst);
        for (size_t i = 0; i < out->nsuggestions; i++) park_buf_printf(why, "%s%s", i ? ", " : "; closest: ", out->suggestions[i]);
        free(key);
        return park_error(r->ctx, PARK_ERR_NOTFOUND, "'%s': %s", a->input, why->s);
    }
    park_buf sub;
    park_buf_init(&sub);
    park_status st = park_ar_answer_point(r, r->st_lon[si], r->st_lat[si], PARK_DATUM_WGS84, out, &sub);
    if (st) {
        park_buf_free(&sub);
        return st;
    }
    const GEOSGeometry *circle = station_circle(r, si);
    if (!circle) {
        park_buf_free(&sub);
        return park_geos_fail(r->ctx, "circle around a station");
    }
    GEOSContextHandle_t g = r->ctx->geos;
    double ca = 0, in = 0;
    GEOSArea_r(g, circle, &ca);
    free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
    size_t np = park_layer_count(r->layer);
    double *memo = memo_table(&r->st_parcel_area, r->nst, np);
    for (size_t i = 0; i < np; i++) {
        double ar = shared_area(r, memo ? memo + (size_t)si * np : NULL, circle, i);
        if (ar / ca >= 0.005) park_ar_cand_push(&out->candidates, &out->ncandidates, park_layer_get(r->layer, i), "inside", ar / ca, NAN), in += ar;
    }
    if (ca - in >= 0.005 * ca) park_ar_cand_push(&out->candidates, &out->ncandidates, NULL, "outside", (ca - in) / ca, NAN);
    qsort(out->candidates, out->ncandidates, sizeof *out->candidates, park_ar_cand_cmp);
    out->match = PARK_MATCH_STATION;
    out->parcel = out->ncandidates && out->candidates[0].share > 0.55 ? out->candidates[0].parcel : NULL;
    bool any_out = false;
    for (size_t i = 0; i < out->ncandidates; i++) any_out |= out->candidates[i].parcel == NULL;
    out->inside = out->parcel != NULL || (out->ncandidates && !any_out);
    out->confidence = (out->ncandidates ? out->candidates[0].share : 0) * 0.9;
    park_buf_printf(why, "near %s (%s): of the %.0f m circle around it, ", r->st_name[si], r->st_lines[si], STATION_RADIUS_M);
    for (size_t i = 0; i < out->ncandidates; i++)
        park_buf_printf(why, "%s%.0f%% %s", i ? ", " : "", 100 * out->candidates[i].share, park_ar_pname(out->candidates[i].parcel));
    park_buf_printf(why, "; the station itself: %s", sub.s);
    park_buf_free(&sub);
    return PARK_OK;
}

/* A named place of the index in the text: the place's point and spread. 1 answered, 0 none. */
static int answer_place(park_resolver *r, const char *text, park_resolution *out, park_buf *why, park_status *st) {
    double x, y, s;
    const char *name, *kind, *method;
    *st = PARK_OK;
    if (park_ar_place_find(r, text, &x, &y, &s, &name, &kind, &method) < 0) return 0;
    if (!strcmp(kind, "series"))
        park_buf_printf(why, "'%s' is not in the index, but its numbered series is (e.g. %s): %s, ±%.0f m", text, name, method, s);
    else park_buf_printf(why, "%s is a named place (%s; %s), ±%.0f m", name, kind, method, s);
    park_buf sub;
    park_buf_init(&sub);
    *st = park_ar_point_answer(r, x, y, NULL, s, out, &sub);
    if (!*st) park_buf_printf(why, ": %s", sub.s);
    park_buf_free(&sub);
    out->match = PARK_MATCH_PLACE;
    out->point_from = "place";
    return *st ? -1 : 1;
}

/* A house number placed along its road from the index. 1 answered, 0 the road has no known numbers. */
static int answer_number(park_resolver *r, const park_address *a, road_info *ri, park_resolution *out, park_buf *why,
                         park_status *st) {
    *st = PARK_OK;
    const char *num = a->lane[0] ? a->lane : a->number;
    long q = num[0] ? strtol(num, NULL, 10) : 0;
    if (q <= 0) return 0;
    double x, y, s;
    int extra = 0;
    park_buf how;
    park_buf_init(&how);
    road_info *course = ri && ri->gz_course ? ri : NULL; /* a 四至 road: its numbers along its course */
    int k = park_ar_number_point(r, a->road, course, q, &x, &y, &s, &extra, &how);
    if (k == 0 && ri && strcmp(ri->first->name, a->road))
        k = park_ar_number_point(r, ri->first->name, course, q, &x, &y, &s, &extra, &how);
    if (k <= 0) {
        park_buf_free(&how);
        if (k < 0) *st = park_error(r->ctx, PARK_ERR_INTERNAL, "%s", park_ctx_errmsg(r->ctx));
        return k < 0 ? -1 : 0;
    }
    park_buf sub;
    park_buf_init(&sub);
    *st = park_ar_point_answer(r, x, y, NULL, s, out, &sub);
    if (!*st) park_buf_printf(why, "%s: %s", how.s, sub.s);
    if (!*st && a->lane[0] && a->number[0])
        park_buf_printf(why, "; %s弄 is the lane's number on %s (%s号 is a building inside the lane)", a->lane, a->road, a->number);
    park_buf_free(&sub), park_buf_free(&how);
    out->match = PARK_MATCH_NUMBER;
    out->extrapolated = extra;
    out->point_from = extra ? "house number (extrapolated)" : "house number";
    if (ri) out->feature = ri->first;
    return *st ? -1 : 1;
}

static park_status answer_road(park_resolver *r, const park_address *a, park_resolution *out, park_buf *why) {
    park_status st;
    road_info *ri = park_ar_road_find(r, a->road, &st);
    if (st) return st;
    /* a house number on a road with known numbers: placed along it */
    int k = answer_number(r, a, ri, out, why, &st);
    if (k > 0) apply_park_hint(r, a, out, why); /* a park named beside it is evidence (issue 10) */
    if (k) return st;
    /* a named place in the address (estate, campus, 园区): its point */
    if (!ri || !(a->number[0] || a->lane[0])) {
        park_buf pw;
        park_buf_init(&pw);
        park_resolution pr;
        park_ar_res_init(&pr);
        /* with a known road only the words the parser left over can name the place */
        k = a->rest[0] ? answer_place(r, a->rest, &pr, &pw, &st) : 0;
        if (k == 0 && !ri && !st) k = answer_place(r, a->input, &pr, &pw, &st);
        if (k > 0 && (!ri || !a->number[0])) {
            park_resolution_clear(out);
            *out = pr;
            park_buf_append(why, pw.s);
            if (!ri) park_buf_printf(why, "; %s is not in the gazetteer", a->road);
            park_buf_free(&pw);
            return PARK_OK;
        }
        park_resolution_clear(&pr);
        park_buf_free(&pw);
        if (st) return st;
    }
    if (!ri) {
        if (a->park[0]) {
            /* the road is unknown but the park is named: answer from the name */
            park_buf sub;
            park_buf_init(&sub);
            st = answer_park(r, a, out, &sub);
            if (st == PARK_OK) {
                out->confidence *= 0.9;
                park_buf_printf(why, "%s is not in the gazetteer; from the park name: %s", a->road, sub.s);
                park_buf_free(&sub);
                return PARK_OK;
            }
            park_buf_free(&sub);
            park_ctx_clear_error(r->ctx);
            free(out->candidates), out->candidates = NULL, out->ncandidates = 0;
        }
        return not_found(r, a, a->road, out, why);
    }
    /* a town with geometry narrows the road to its part in that town */
    park_buf tn;
    park_buf_init(&tn);
    double town_factor = 1;
    if (a->town[0]) {
        int ai = park_ar_admin_find(r, a->town), none = 0;
        if (ai < 0) {
            park_buf_printf(&tn, "; %s has no geometry in the data, so it does not narrow the road", a->town);
        } else {
            road_info *cl = park_ar_road_clip(r, ri, ai, &none, &st);
            if (st) {
                park_buf_free(&tn);
                return st;
            }
            if (cl) ri = cl;
            else {
                town_factor = 0.7;
                park_buf_printf(&tn, "; %s does not pass through %s in the data (its outline is approximate, ±%.0f m): check the address",
                                ri->first->name, a->town, ADMIN_TOL_M);
            }
        }
    }
    /* "(近上大路站)": the part of the road within STATION_RADIUS_M of the station */
    if (a->station[0]) {
        int si = station_find(r, a->station), none = 0;
        if (si < 0) {
            park_buf_printf(&tn, "; %s站 is not a metro station in the data, so it does not narrow the road", a->station);
        } else {
            char tag[96], label[160];
            snprintf(tag, sizeof tag, "station:%d", si);
            snprintf(label, sizeof label, "%.0f m of %s", STATION_RADIUS_M, r->st_name[si]);
            road_info *cl = park_ar_road_clip_to(r, ri, station_circle(r, si), tag, label, &none, &st);
            if (st) {
                park_buf_free(&tn);
                return st;
            }
            if (cl) ri = cl;
            else {
                town_factor *= 0.7;
                park_buf_printf(&tn, "; %s does not pass within %.0f m of %s in the data: check the address", ri->first->name,
                                STATION_RADIUS_M, r->st_name[si]);
            }
        }
    }
    if ((st = park_ar_road_analyse(r, ri))) {
        park_buf_free(&tn);
        return st;
    }
    park_ar_copy_road(out, ri);
    out->confidence *= town_factor;
    park_buf_append(why, ri->note);
    if (strcmp(ri->first->name, a->road) && !strstr(ri->first->name, a->road))
        park_buf_printf(why, " (read '%s' as %s)", a->road, ri->first->name);
    if (tn.len) park_buf_append(why, tn.s);
    park_buf_free(&tn);
    number_note(a, out, why);
    apply_park_hint(r, a, out, why);
    return PARK_OK;
}

park_status park_address_resolve_place(park_ctx *ctx, park_resolver *r, const char *text, park_resolution *out) {
    park_ar_res_init(out);
    park_buf why;
    park_buf_init(&why);
    park_status st = PARK_OK;
    if (answer_place(r, text, out, &why, &st) == 0) {
        out->match = PARK_MATCH_NOT_FOUND;
        park_buf_printf(&why, "'%s' is not a named place in the address index", text);
        st = park_error(ctx, PARK_ERR_NOTFOUND, "%s", why.s);
    }
    park_ar_set_note(out, &why);
    return st;
}

park_status park_address_resolve(park_ctx *ctx, park_resolver *r, const park_address *a, park_datum datum,
                                 park_resolution *out) {
    park_ar_res_init(out);
    park_buf why;
    park_buf_init(&why);
    park_status st = PARK_OK;
    if (a->in_shanghai < 0 || a->in_baoshan < 0) {
        /* every parcel of 张江高新区宝山园 lies in 宝山区: the district is the answer */
        out->match = PARK_MATCH_OUTSIDE, out->inside = 0;
        out->confidence = 0.95;
        const char *where = a->district[0] ? a->district : a->city[0] ? a->city : a->province;
        park_ar_cand_push(&out->candidates, &out->ncandidates, NULL, "outside", 1, NAN);
        park_buf_printf(&why, "the address is in %s, not in 宝山区 where every parcel of the park lies", where);
        if (a->road[0]) {
            park_status s2;
            road_info *ri = park_ar_road_find(r, a->road, &s2);
            if (ri && park_ar_road_analyse(r, ri) == PARK_OK && ri->inside) {
                out->confidence = 0.6;
                park_buf_printf(&why, "; but %s, a road in the park's gazetteer, is also named: check the district", ri->first->name);
            }
            park_ctx_clear_error(ctx);
        }
    } else {
        switch (a->kind) {
        case PARK_ADDR_COORDS: {
            park_resolution_clear(out);
            /* an address that is coordinates is answered in full: its note is kept whatever
             * park_resolver_set_point_fields asked for bare points */
            st = park_ar_resolve_point(ctx, r, a->lon, a->lat, datum, PARK_POINT_ALL, out);
            if (st == PARK_OK && a->swapped) {
                char *n = park_asprintf("%s (the text gave latitude first; read as %.6f,%.6f)", out->note, a->lon, a->lat);
                if (n) free(out->note), out->note = n;
            }
            park_buf_free(&why);
            return st;
        }
        case PARK_ADDR_INTERSECTION: {
            /* "A路1500号近B路": a known house number of A places it better than B does */
            int k = 0;
            if (!strcmp(a->relation, "near") && (a->number[0] || a->lane[0])) {
                road_info *ri = park_ar_road_find(r, a->road, &st);
                if (!st) k = answer_number(r, a, ri, out, &why, &st);
                if (k > 0) park_buf_printf(&why, "; (近%s is not needed to place it)", a->road2);
            }
            if (!k && !st) st = answer_intersection(r, a, datum, out, &why);
            break;
        }
        case PARK_ADDR_ROAD: st = answer_road(r, a, out, &why); break;
        case PARK_ADDR_PARK: st = answer_park(r, a, out, &why); break;
        case PARK_ADDR_STATION: st = answer_station(r, a, out, &why); break;
        case PARK_ADDR_ADMIN: {
            if (answer_place(r, a->input, out, &why, &st) != 0) break;
            out->match = PARK_MATCH_NOT_FOUND;
            park_buf_printf(&why, "too vague: '%s' names no road and no park (only %s%s%s); give a road, a park name or coordinates",
                            a->input, a->district[0] ? a->district : a->province[0] ? a->province : a->city,
                            a->town[0] ? " " : "", a->town);
            int ai = park_ar_admin_find(r, a->town[0] ? a->town : "");
            if (ai >= 0) {
                /* say which parcels the town holds, from the geometry */
                size_t k = 0;
                size_t np = park_layer_count(r->layer);
                double *memo = memo_table(&r->admin_parcel_area, park_layer_count(r->admin), np);
                for (size_t i = 0; i < np; i++) {
                    double area = shared_area(r, memo ? memo + (size_t)ai * np : NULL, r->admin_m[ai], i);
                    if (area < 1e4) continue; /* slivers of an approximate outline */
                    park_buf_printf(&why, "%s%s (%.2f km²)", k++ ? ", " : "; parcels overlapping its approximate outline: ",
                                    park_layer_get(r->layer, i)->name, area / 1e6);
                }
                if (!k) park_buf_printf(&why, "; no parcel overlaps its approximate outline");
            }
            /* leftover words may be a misspelt road ("共和新璐"): offer the closest names */
            const char *p = a->rest, *e = p;
            while (*e && !(*e >= '0' && *e <= '9') && *e != '(' && *e != ' ') park_utf8_next(&e);
            if (e - p >= 6) { /* at least two CJK characters */
                char *word = park_strndup(p, (size_t)(e - p));
                park_ar_suggest(r, word, out);
                if (out->nsuggestions) {
                    park_buf_printf(&why, "; is '%s' one of: ", word);
                    for (size_t i = 0; i < out->nsuggestions; i++) park_buf_printf(&why, "%s%s", i ? ", " : "", out->suggestions[i]);
                    park_buf_append(&why, "?");
                }
                free(word);
            }
            st = park_error(ctx, PARK_ERR_NOTFOUND, "%s", why.s);
            break;
        }
        }
    }
    if (!why.len) park_buf_append(&why, park_match_name(out->match));
    park_ar_set_note(out, &why);
    return st;
}
