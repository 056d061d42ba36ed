/* roads.c - one road against the parcels: lookup, suggestions, clipping, shares of length (issue 5; split out in issue 10). */
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

/* ------------------------------------------------------------------ helpers */

double park_ar_len_in(GEOSContextHandle_t g, const GEOSGeometry *line, const GEOSGeometry *area) {
    GEOSGeometry *x = GEOSIntersection_r(g, line, area);
    double l = 0;
    if (x) {
        GEOSLength_r(g, x, &l);
        GEOSGeom_destroy_r(g, x);
    } else l = NAN;
    return l;
}
static double prov_factor(const char *prov) {
    if (!strcmp(prov, "osm")) return 1.0;
    if (!strcmp(prov, "anchored")) return 0.9;
    return 0.75; /* approximate, or anything else */
}

/* ------------------------------------------------------------------ lookup */

/* Every feature whose name or alias has this key, merged; NULL when none. */
/* road_lookup remembers its answer per key, a miss too (issue 11): a batch asks for
 * the same names again and again, and road_find tries every tail of an unknown name,
 * each a scan of the whole gazetteer. Keys with '@' (the form of a clipped road's
 * key) are not remembered, so a clip made later is still found as before. */
#define ROAD_MEMO_MAX 16384

static void rmemo_put(park_resolver *r, const char *key, road_info *ri) {
    if (strchr(key, '@')) return;
    if (!r->rmemo) r->rmemo = park_strmap_new(ROAD_MEMO_MAX);
    park_strmap_put(r->rmemo, key, strlen(key), ri);
}

static road_info *road_lookup_scan(park_resolver *r, char *key, park_status *st);

/* The name as written -> the answer its key has in rmemo, so a name seen before is not
 * normalised into its key again (issue 11); only answers rmemo holds (they never change)
 * are put here, bounded as rmemo is. */
static void rawmemo_put(park_resolver *r, const char *name, const char *key) {
    void *hit;
    if (!park_strmap_get(r->rmemo, key, strlen(key), &hit)) return;
    if (!r->rawmemo) r->rawmemo = park_strmap_new(ROAD_MEMO_MAX);
    park_strmap_put(r->rawmemo, name, strlen(name), hit);
}

static road_info *road_lookup(park_resolver *r, const char *name, park_status *st) {
    *st = PARK_OK;
    void *hit;
    if (park_strmap_get(r->rawmemo, name, strlen(name), &hit)) return hit;
    char *key = park_ar_name_key(name);
    if (!key) {
        *st = park_error(r->ctx, PARK_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    if (park_strmap_get(r->rmemo, key, strlen(key), &hit)) {
        rawmemo_put(r, name, key);
        free(key);
        return hit;
    }
    char *k2 = park_strdup(key);
    road_info *ri = road_lookup_scan(r, key, st);
    if (!*st && k2) rmemo_put(r, k2, ri), rawmemo_put(r, name, k2);
    free(k2);
    return ri;
}

/* The lookup itself; takes key (freed or kept in the road_info). */
static road_info *road_lookup_scan(park_resolver *r, char *key, park_status *st) {
    for (size_t i = 0; key && i < r->nroads; i++)
        if (!strcmp(r->roads[i]->key, key)) {
            free(key);
            return r->roads[i];
        }
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    char *framed = park_asprintf(";%s;", key);
    size_t nhit = 0;
    GEOSGeometry **parts = malloc((r->nfeat ? r->nfeat : 1) * sizeof *parts);
    road_info *ri = calloc(1, sizeof *ri);
    if (!parts || !ri || !framed) {
        free(parts), free(ri), free(framed), free(key);
        *st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        return NULL;
    }
    ri->prov_factor = 1;
    ri->gz_course = 1;
    bool undecoded = false; /* a snapshot's line GEOS could not read (park_ar_feat_geom) */
    for (int pass = 0; pass < 2 && !nhit; pass++) /* names first, then aliases */
        for (size_t i = 0; i < r->nfeat && !undecoded; i++) {
            if (pass == 0 ? strcmp(r->fkey[i], key) != 0 : !strstr(r->fali[i], framed)) continue;
            const park_feature *f = r->feat[i];
            if (!ri->first) ri->first = f;
            if (i >= r->idx_feat_lo && i < r->idx_feat_hi) ri->gz_course = 0;
            ri->error_m = fmax(ri->error_m, f->error_m);
            ri->prov_factor = fmin(ri->prov_factor, prov_factor(f->provenance));
            undecoded = !(parts[nhit++] = (GEOSGeometry *)park_ar_feat_geom(r, i));
        }
    free(framed);
    if (undecoded) {
        free(parts), free(ri), free(key);
        *st = PARK_ERR_INTERNAL;
        return NULL;
    }
    if (!nhit) {
        free(parts), free(ri), free(key);
        return NULL;
    }
    GEOSGeometry *ll = nhit == 1 ? GEOSGeom_clone_r(g, parts[0]) : park_ar_union_of(g, parts, nhit);
    free(parts);
    if (ll) *st = park_query_geom_to_metric(ctx, r->ix, ll, &ri->m);
    else *st = park_geos_fail(ctx, "merging road pieces");
    if (ll) GEOSGeom_destroy_r(g, ll);
    if (*st) {
        free(ri), free(key);
        return NULL;
    }
    ri->key = key;
    ri->names = nhit == 1 ? park_strdup(ri->first->name) : park_asprintf("%s (%zu pieces)", ri->first->name, nhit);
    if (r->nroads == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 16;
        road_info **t = realloc(r->roads, cap * sizeof *t);
        if (!t) {
            park_ar_road_info_free(g, ri);
            *st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            return NULL;
        }
        r->roads = t, r->rcap = cap;
    }
    r->roads[r->nroads++] = ri;
    return ri;
}

/* Whether the character ending just before `p` (p > s) is a word that makes another
 * road of the name after it: 东电台路 is not 电台路, 老蕰川路 not 蕰川路 (issue 10: those
 * tails borrowed the other road's house numbers, 3.9 and 10.6 km away). */
static bool modifier_before(const char *s, const char *p) {
    static const char *const MOD[] = {"东", "西", "南", "北", "中", "老", "新", "小", NULL};
    for (int i = 0; MOD[i]; i++) {
        size_t l = strlen(MOD[i]);
        if ((size_t)(p - s) >= l && !memcmp(p - l, MOD[i], l)) return true;
    }
    return false;
}

/* The road as written, else the longest tail of it that is a known road (the
 * parser keeps text glued before a road name: "某某公司富联路"), but not a tail that
 * sheds a 东/西/南/北/中/老/新/小 just before it (modifier_before). */
road_info *park_ar_road_find(park_resolver *r, const char *name, park_status *st) {
    road_info *ri = road_lookup(r, name, st);
    if (ri || *st) return ri;
    const char *p = name;
    park_utf8_next(&p);
    for (; *p; park_utf8_next(&p)) {
        const char *q = p;
        int left = 0;
        while (*q) park_utf8_next(&q), left++;
        if (left < 3) break;
        if (modifier_before(name, p)) continue;
        if ((ri = road_lookup(r, p, st)) || *st) return ri;
    }
    return NULL;
}

typedef struct sugg {
    size_t d;
    const char *name;
} sugg;
static int sugg_cmp(const void *a, const void *b) {
    const sugg *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Decodes a UTF-8 key into code points (new array, *n set). */
static unsigned *key_cps(const char *key, size_t *n) {
    size_t len = strlen(key);
    unsigned *c = malloc((len + 1) * sizeof *c);
    *n = 0;
    if (!c) return NULL;
    while (*key) c[(*n)++] = park_utf8_next(&key);
    return c;
}

/* Every name and alias of the gazetteer once, with its key as code points: built
 * on the first "not found" so a batch of misspellings costs one decode each. */
static void sugg_build(park_resolver *r) {
    if (r->sugg_built) return;
    r->sugg_built = 1;
    for (size_t i = 0; i < r->nfeat; i++) {
        const park_feature *f = r->feat[i];
        const char *p = f->aliases;
        for (int a = -1;; a++) {
            char *cand;
            if (a < 0) cand = park_strdup(f->name);
            else {
                if (!*p) break;
                const char *e = strchr(p, ';');
                size_t len = e ? (size_t)(e - p) : strlen(p);
                cand = park_strndup(p, len);
                p += len + (e ? 1 : 0);
            }
            bool dup = !cand || !*cand;
            for (size_t k = 0; k < r->nsugg && !dup; k++) dup = !strcmp(r->sugg_name[k], cand);
            if (dup) {
                free(cand);
                continue;
            }
            if (r->nsugg % 64 == 0) {
                char **t1 = realloc(r->sugg_name, (r->nsugg + 64) * sizeof *t1);
                if (t1) r->sugg_name = t1;
                unsigned **t2 = realloc(r->sugg_cp, (r->nsugg + 64) * sizeof *t2);
                if (t2) r->sugg_cp = t2;
                size_t *t3 = realloc(r->sugg_len, (r->nsugg + 64) * sizeof *t3);
                if (t3) r->sugg_len = t3;
                if (!t1 || !t2 || !t3) {
                    free(cand);
                    return;
                }
            }
            char *k = park_ar_name_key(cand);
            r->sugg_cp[r->nsugg] = key_cps(k, &r->sugg_len[r->nsugg]);
            free(k);
            if (!r->sugg_cp[r->nsugg]) {
                free(cand);
                return;
            }
            r->sugg_name[r->nsugg++] = cand;
        }
    }
}

/* Levenshtein over code point arrays; stops early (returns > cap) once every
 * entry of a row exceeds cap. */
static size_t lev(const unsigned *x, size_t nx, const unsigned *y, size_t ny, size_t *row, size_t cap) {
    for (size_t j = 0; j <= ny; j++) row[j] = j;
    for (size_t i = 1; i <= nx; i++) {
        size_t diag = row[0], lo;
        row[0] = lo = i;
        for (size_t j = 1; j <= ny; j++) {
            size_t up = row[j], best = diag + (x[i - 1] != y[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best, diag = up;
            if (best < lo) lo = best;
        }
        if (lo > cap) return cap + 1;
    }
    return row[ny];
}

/* The gazetteer names (and aliases) closest to `name` by edit distance over code
 * points: up to 5 within 1 edit (2 for names over 4 characters), else the 3 nearest
 * that have at least two characters in place in common with it (none when no name does). */
/* The suggestions for a name key, remembered (issue 11): a register names the same
 * unknown road on many rows, and the edit distance to every gazetteer name is the
 * costly part. The answer depends on the key alone; at most SUGG_MEMO_MAX keys are
 * kept, so memory stays bounded on a file of ever new names. */
#define SUGG_MEMO_MAX 4096
struct sugg_memo {
    size_t n;
    char *names[]; /* n of them */
};

static void sugg_memo_free1(void *v) {
    struct sugg_memo *m = v;
    for (size_t k = 0; k < m->n; k++) free(m->names[k]);
    free(m);
}

void park_ar_sugg_memo_free(park_resolver *r) {
    park_strmap_free(r->smemo, sugg_memo_free1);
    free(r->sugg_nc);
}

static void suggest_compute(park_resolver *r, const char *key, park_resolution *out);

void park_ar_suggest(park_resolver *r, const char *name, park_resolution *out) {
    char *key = park_ar_name_key(name);
    if (!key) return;
    if (!r->smemo) r->smemo = park_strmap_new(SUGG_MEMO_MAX);
    void *hit;
    if (park_strmap_get(r->smemo, key, strlen(key), &hit)) {
        const struct sugg_memo *m = hit;
        free(key);
        out->suggestions = calloc(m->n ? m->n : 1, sizeof *out->suggestions);
        for (size_t i = 0; out->suggestions && i < m->n; i++) out->suggestions[out->nsuggestions++] = park_strdup(m->names[i]);
        return;
    }
    suggest_compute(r, key, out);
    struct sugg_memo *m = park_strmap_count(r->smemo) < SUGG_MEMO_MAX ? malloc(sizeof *m + (out->nsuggestions + 1) * sizeof(char *)) : NULL;
    if (m) {
        m->n = 0;
        for (size_t i = 0; i < out->nsuggestions; i++) m->names[m->n++] = park_strdup(out->suggestions[i]);
        if (!park_strmap_put(r->smemo, key, strlen(key), m)) sugg_memo_free1(m);
    }
    free(key);
}

static void suggest_compute(park_resolver *r, const char *key, park_resolution *out) {
    sugg_build(r);
    size_t klen = 0;
    unsigned *kc = key_cps(key, &klen);
    size_t maxlen = klen;
    for (size_t i = 0; i < r->nsugg; i++) maxlen = r->sugg_len[i] > maxlen ? r->sugg_len[i] : maxlen;
    size_t *row = malloc((maxlen + 1) * sizeof *row);
    sugg *s = malloc((r->nsugg ? r->nsugg : 1) * sizeof *s);
    size_t n = 0;
    /* one edit for names up to 4 characters (most road names), two beyond */
    size_t lim = klen <= 4 ? 1 : 2, take = 0;
    if (!r->sugg_nc && (r->sugg_nc = malloc((r->nsugg ? r->nsugg : 1) * sizeof *r->sugg_nc)) != NULL)
        for (size_t i = 0; i < r->nsugg; i++) {
            size_t len = 0;
            for (const char *q = r->sugg_name[i]; *q; park_utf8_next(&q)) len++;
            r->sugg_nc[i] = len;
        }
    for (size_t i = 0; kc && row && s && i < r->nsugg; i++) {
        /* a name farther than both rules below can use (lim, or d + 2 <= the longer
         * length) is never listed: the edit distance stops at that bound (issue 11) */
        size_t cap = SIZE_MAX - 1;
        if (r->sugg_nc) {
            size_t longer = r->sugg_nc[i] > klen ? r->sugg_nc[i] : klen;
            cap = longer >= 2 && longer - 2 > lim ? longer - 2 : lim;
            size_t ld = r->sugg_len[i] > klen ? r->sugg_len[i] - klen : klen - r->sugg_len[i];
            if (ld > cap) continue; /* the edit distance is at least the length difference */
        }
        size_t d = lev(kc, klen, r->sugg_cp[i], r->sugg_len[i], row, cap);
        if (d > 0 && d <= cap) s[n++] = (sugg){d, r->sugg_name[i]};
    }
    if (s && row && kc) {
        qsort(s, n, sizeof *s, sugg_cmp);
        while (take < n && take < 5 && s[take].d <= lim) take++;
        if (take == 0) {
            /* else the 3 nearest, but only names that share more than the suffix:
             * 三泉路 is two edits from 友谊路 and says nothing about it */
            size_t k = 0;
            for (size_t i = 0; i < n && k < 3; i++) {
                size_t len = 0;
                for (const char *q = s[i].name; *q; park_utf8_next(&q)) len++;
                if (s[i].d + 2 <= (len > klen ? len : klen)) s[k++] = s[i];
            }
            take = k;
        }
        out->suggestions = calloc(take ? take : 1, sizeof *out->suggestions);
        for (size_t i = 0; out->suggestions && i < take; i++) out->suggestions[out->nsuggestions++] = park_strdup(s[i].name);
    }
    free(s), free(row), free(kc);
}

/* ------------------------------------------------------------------ towns */

/* The admin polygon for a 区/镇 name as the parser wrote it ("顾村镇"); -1 if none. */
int park_ar_admin_find(const park_resolver *r, const char *name) {
    if (!r->admin || !name[0]) return -1;
    for (size_t i = 0; i < park_layer_count(r->admin); i++)
        if (!strcmp(park_layer_get(r->admin, i)->name, name)) return (int)i;
    return -1;
}


/* The part of a road within a town (the town grown by its uncertainty), cached.
 * NULL with *none = 1 when the road does not pass through the town. */
/* The part of a road within `area` (metric), cached under "<road key>@<tag>";
 * `label` names the area in notes ("顾村镇", "500 m of 上大路站"). */
road_info *park_ar_road_clip_to(park_resolver *r, road_info *base, const GEOSGeometry *area, const char *tag, const char *label,
                               int *none, park_status *st) {
    *st = PARK_OK, *none = 0;
    char *key = park_asprintf("%s@%s", base->key, tag);
    for (size_t i = 0; i < r->nroads; i++)
        if (!strcmp(r->roads[i]->key, key)) {
            free(key);
            *none = r->roads[i]->none;
            return r->roads[i]->none ? NULL : r->roads[i];
        }
    GEOSContextHandle_t g = r->ctx->geos;
    GEOSGeometry *part = area ? GEOSIntersection_r(g, base->m, area) : NULL;
    if (!part) {
        free(key);
        *st = park_geos_fail(r->ctx, "clipping a road to an area");
        return NULL;
    }
    double l = 0, whole = 0;
    GEOSLength_r(g, part, &l);
    GEOSLength_r(g, base->m, &whole);
    if (l < 50) { /* remembered as "not in this town" */
        GEOSGeom_destroy_r(g, part);
        part = NULL;
        *none = 1;
    }
    road_info *ri = calloc(1, sizeof *ri);
    if (!ri || r->nroads == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 16;
        road_info **t = ri ? realloc(r->roads, cap * sizeof *t) : NULL;
        if (!t) {
            free(ri), free(key);
            if (part) GEOSGeom_destroy_r(g, part);
            *st = park_error(r->ctx, PARK_ERR_INTERNAL, "out of memory");
            return NULL;
        }
        r->roads = t, r->rcap = cap;
    }
    ri->key = key;
    ri->first = base->first;
    ri->gz_course = base->gz_course;
    ri->error_m = base->error_m, ri->prov_factor = base->prov_factor;
    ri->m = part;
    ri->none = *none;
    ri->names = park_asprintf("%s within %s (%.0f of %.0f m)", base->names, label, l, whole);
    r->roads[r->nroads++] = ri;
    return *none ? NULL : ri;
}

road_info *park_ar_road_clip(park_resolver *r, road_info *base, int ai, int *none, park_status *st) {
    GEOSContextHandle_t g = r->ctx->geos;
    if (!r->admin_grown[ai]) r->admin_grown[ai] = GEOSBuffer_r(g, r->admin_m[ai], ADMIN_TOL_M, 8);
    const park_parcel *town = park_layer_get(r->admin, (size_t)ai);
    return park_ar_road_clip_to(r, base, r->admin_grown[ai], town->id, town->name, none, st);
}

/* ------------------------------------------------------------------ one road */

/* Where along a road might an address on it be? Taken as uniform along the
 * road's length, and on a stretch that runs along a parcel edge equally likely
 * on either side. share[i] (i < n: parcel i, i == n: outside the park) adds up
 * the metres each answer gets:
 *   - stretches away from every edge (more than BOUNDARY_TOL_M): to the parcel
 *     that contains them, or outside;
 *   - stretches along an edge: half to each side, the sides found with offset
 *     curves at BOUNDARY_TOL_M + 20 m measured against every parcel;
 *   - short pieces near an edge (a road crossing it): to the parcel at their middle.
 * along_m[i] is the part of share[i] that came from running along an edge. */
static park_status road_shares(park_resolver *r, const road_info *ri, double *share, double *along_m) {
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    size_t n = park_layer_count(r->layer);
    const GEOSGeometry *bb_all = park_ar_bb_all(r);
    if (!bb_all) return PARK_ERR_INTERNAL;
    GEOSGeometry *away = GEOSDifference_r(g, ri->m, bb_all);
    GEOSGeometry *near = GEOSIntersection_r(g, ri->m, bb_all);
    GEOSGeometry *merged = near ? GEOSLineMerge_r(g, near) : NULL;
    if (!away || !near || !merged) {
        if (away) GEOSGeom_destroy_r(g, away);
        if (near) GEOSGeom_destroy_r(g, near);
        return park_geos_fail(ctx, "splitting a road at the parcel edges");
    }
    double away_len = 0, inside = 0;
    GEOSLength_r(g, away, &away_len);
    for (size_t i = 0; i < n; i++) {
        double l = park_ar_len_in(g, away, r->ix->metric[i]);
        if (l > 0) share[i] += l, inside += l;
    }
    share[n] += fmax(0, away_len - inside);
    int np = GEOSGetNumGeometries_r(g, merged);
    for (int k = 0; k < np; k++) {
        const GEOSGeometry *part = GEOSGetGeometryN_r(g, merged, k);
        double pl = 0;
        GEOSLength_r(g, part, &pl);
        if (pl <= 0) continue;
        if (GEOSGeomTypeId_r(g, part) != GEOS_LINESTRING || pl < 4 * BOUNDARY_TOL_M) {
            /* a crossing of an edge, not a run along it */
            GEOSGeometry *mid = GEOSInterpolateNormalized_r(g, part, 0.5);
            size_t who = n;
            for (size_t i = 0; mid && i < n && who == n; i++)
                if (GEOSPreparedCovers_r(g, r->ix->prep_m[i], mid) == 1) who = i;
            if (mid) GEOSGeom_destroy_r(g, mid);
            share[who] += pl;
            continue;
        }
        for (int s = -1; s <= 1; s += 2) {
            GEOSGeometry *off = GEOSOffsetCurve_r(g, part, s * (BOUNDARY_TOL_M + 20), 8, GEOSBUF_JOIN_ROUND, 5);
            double ol = 0, got = 0;
            if (off) GEOSLength_r(g, off, &ol);
            for (size_t i = 0; off && ol > 0 && i < n; i++) {
                double l = park_ar_len_in(g, off, r->ix->metric[i]);
                if (l > 0) {
                    double m = pl / 2 * fmin(1, l / ol);
                    share[i] += m, along_m[i] += m, got += m;
                }
            }
            share[n] += fmax(0, pl / 2 - got);
            along_m[n] += fmax(0, pl / 2 - got);
            if (off) GEOSGeom_destroy_r(g, off);
        }
    }
    GEOSGeom_destroy_r(g, away), GEOSGeom_destroy_r(g, near), GEOSGeom_destroy_r(g, merged);
    return PARK_OK;
}

/* A road outside every parcel: match road, "outside", the nearest parcel and its
 * distance. Starts the note in `why`. */
static void road_outside(park_resolver *r, road_info *ri, double L, park_buf *why) {
    size_t n = park_layer_count(r->layer);
    ri->match = PARK_MATCH_ROAD, ri->inside = 0, ri->parcel = NULL;
    ri->confidence = 0.9 * ri->prov_factor;
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        double d;
        if (park_query_distance(r->ctx, r->ix, ri->m, r->ix->metric[i], &d) == PARK_OK && d < best)
            best = d, ri->nearest = park_layer_get(r->layer, i);
    }
    park_ctx_clear_error(r->ctx); /* a failed distance only leaves a parcel out of "nearest" */
    ri->distance_m = ri->nearest ? best : NAN;
    park_ar_cand_push(&ri->cand, &ri->ncand, NULL, "outside", 1, L);
    park_buf_printf(why, "%s (%.0f m, %s) lies outside every parcel", ri->names, L, ri->first->provenance);
    if (ri->nearest) park_buf_printf(why, "; the nearest is %s, %.0f m away", ri->nearest->name, best);
}

park_status park_ar_road_analyse(park_resolver *r, road_info *ri) {
    if (ri->analysed) return PARK_OK;
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    size_t n = park_layer_count(r->layer);
    double L = 0;
    GEOSLength_r(g, ri->m, &L);
    ri->length_m = L;
    const GEOSGeometry *obuf_all = park_ar_obuf_all(r), *bb_all = obuf_all ? park_ar_bb_all(r) : NULL;
    if (!bb_all) return PARK_ERR_INTERNAL;
    double nearl = park_ar_len_in(g, ri->m, obuf_all);
    double bd = park_ar_len_in(g, ri->m, bb_all);
    if (!isfinite(nearl) || !isfinite(bd) || L <= 0) return park_geos_fail(ctx, "measuring a road against the parcels");
    park_buf why;
    park_buf_init(&why);
    ri->distance_m = NAN;
    const char *src = ri->first->provenance;
    double *share = calloc(n + 1, sizeof *share), *along = calloc(n + 1, sizeof *along);
    if (!share || !along) {
        free(share), free(along);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    park_status st = PARK_OK;
    const park_parcel *within = NULL;
    if (nearl >= 20 && bd < 0.5 * nearl) /* not mainly along edges: wholly within one parcel? */
        for (size_t i = 0; i < n && !within; i++) {
            const GEOSPreparedGeometry *op = park_ar_obuf_prep(r, i);
            if (!op) {
                free(share), free(along);
                return PARK_ERR_INTERNAL;
            }
            if (GEOSPreparedCovers_r(g, op, ri->m) == 1) within = park_layer_get(r->layer, i);
        }
    if (nearl < 20) {
        /* wholly outside the park (at most touching a corner): the nearest parcel */
        road_outside(r, ri, L, &why);
    } else if (within) {
        ri->match = PARK_MATCH_ROAD, ri->inside = 1, ri->parcel = within;
        ri->confidence = 0.9 * ri->prov_factor;
        park_ar_cand_push(&ri->cand, &ri->ncand, within, "inside", 1, L);
        park_buf_printf(&why, "the whole of %s (%.0f m, %s) lies within %s", ri->names, L, src, within->name);
    } else if ((st = road_shares(r, ri, share, along)) == PARK_OK) {
        bool boundary = bd >= 0.5 * nearl && bd >= 50;
        ri->match = boundary ? PARK_MATCH_BOUNDARY : PARK_MATCH_AMBIGUOUS;
        for (size_t i = 0; i <= n; i++) {
            if (share[i] / L < 0.005) continue; /* under half a percent: a corner clipped, not an answer */
            const park_parcel *p = i < n ? park_layer_get(r->layer, i) : NULL;
            park_ar_cand_push(&ri->cand, &ri->ncand, p, !p ? "outside" : along[i] > share[i] / 2 ? "boundary" : "inside", share[i] / L,
                      share[i]);
        }
        if (ri->ncand) qsort(ri->cand, ri->ncand, sizeof *ri->cand, park_ar_cand_cmp);
        if (!boundary && ri->ncand == 1) {
            /* Near the park but every metre (all but under half a percent) falls in
             * one place, e.g. a road that ends at or grazes a parcel's edge from
             * outside: that is one answer, not an ambiguous one. */
            const park_parcel *only = ri->cand[0].parcel;
            free(ri->cand), ri->cand = NULL, ri->ncand = 0;
            if (!only) {
                road_outside(r, ri, L, &why);
                park_buf_printf(&why, " (it comes within %.0f m of a parcel edge for %.0f m, too little to be on that side)",
                                BOUNDARY_TOL_M, nearl);
            } else {
                ri->match = PARK_MATCH_ROAD, ri->inside = 1, ri->parcel = only;
                ri->confidence = 0.9 * ri->prov_factor;
                park_ar_cand_push(&ri->cand, &ri->ncand, only, "inside", 1, L);
                park_buf_printf(&why, "%s (%.0f m, %s) lies within %s (less than half a percent of it elsewhere)", ri->names,
                                L, src, only->name);
            }
        } else {
            if (boundary) {
                park_buf_printf(&why, "%.0f m of %s (%.0f m, %s) runs along parcel edges (within %.0f m), so the side is unknown",
                                bd, ri->names, L, src, BOUNDARY_TOL_M);
                bool first = true;
                for (size_t i = 0; i <= n; i++)
                    if (along[i] >= 0.1 * bd / 2)
                        park_buf_printf(&why, "%s%s", first ? "; along edges it borders " : ", ",
                                        i < n ? park_layer_get(r->layer, i)->name : "outside the park"),
                            first = false;
            } else {
                park_buf_printf(&why, "%s (%.0f m, %s) crosses parcels", ri->names, L, src);
            }
            park_buf_append(&why, "; share of its length: ");
            for (size_t i = 0; i < ri->ncand; i++)
                park_buf_printf(&why, "%s%.0f%% %s", i ? ", " : "", 100 * ri->cand[i].share, park_ar_pname(ri->cand[i].parcel));
            /* a clear majority (not a 50/50 split that rounding tips) picks the parcel */
            if (ri->ncand && ri->cand[0].share > 0.55) ri->parcel = ri->cand[0].parcel;
            bool any_out = false;
            for (size_t i = 0; i < ri->ncand; i++) any_out |= ri->cand[i].parcel == NULL;
            ri->inside = ri->parcel != NULL || (ri->ncand > 0 && !any_out);
            ri->confidence = (ri->ncand ? ri->cand[0].share : 0) * 0.9 * ri->prov_factor;
        }
    }
    free(share), free(along);
    if (st) {
        park_buf_free(&why);
        return st;
    }
    if (ri->error_m > BOUNDARY_TOL_M)
        park_buf_printf(&why, "; its position is uncertain by about %.0f m (%s)", ri->error_m, src);
    ri->note = park_buf_take(&why);
    ri->analysed = 1;
    return PARK_OK;
}
