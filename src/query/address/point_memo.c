/* point_memo.c - a point answer remembered by its exact input (issue 11).
 *
 * park_ar_point_answer at a metric point (x, y) with error sigma_m depends on nothing
 * else (the resolver's parcels, index and edge errors are fixed for its life), so two
 * rows that place their point on the same doubles - a variant naming a known house
 * number, two numbers past the same end of a road - get the same answer. The memo
 * keys on the three doubles' bits (no rounding, no tolerance: -0.0 and 0.0 are two
 * keys) and keeps the answer's fields, not its text: the sentences are written again
 * from them by the functions a fresh answer uses (answer.c), so the bytes are the
 * same. At most PMEMO_MAX entries per resolver (each about 100 bytes plus 32 a
 * candidate, and a 32-byte slot of a table at most half full: under 16 MB); a batch with more distinct points answers the
 * rest afresh. Given coordinates (park_ar_point_answer's lonlat) are not remembered. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct pmemo_entry {
    double lon, lat, distance_m, confidence;
    int inside;
    const park_parcel *parcel, *nearest;
    park_ar_model m;
    size_t ncand;
    park_candidate cand[]; /* ncand */
} pmemo_entry;

/* The table: open addressing on the three doubles' bits, linear probing, at most half
 * full (a strmap's byte-string keys and copies cost 1,400 instructions a row, issue 11). */
typedef struct pmemo_slot {
    uint64_t k[3];
    pmemo_entry *e; /* NULL: empty */
} pmemo_slot;

struct park_ar_pmemo {
    pmemo_slot *s;
    size_t cap, count; /* cap: a power of two */
};

static void key_of(uint64_t k[3], double x, double y, double s) {
    memcpy(&k[0], &x, sizeof x), memcpy(&k[1], &y, sizeof y), memcpy(&k[2], &s, sizeof s);
}

static size_t hash_of(const uint64_t k[3]) {
    uint64_t h = (k[0] * 0x9E3779B97F4A7C15u) ^ (k[1] * 0xC2B2AE3D27D4EB4Fu) ^ (k[2] * 0x165667B19E3779F9u);
    h ^= h >> 31;
    h *= 0xFF51AFD7ED558CCDu;
    h ^= h >> 29;
    return (size_t)h;
}

/* The slot holding k, else the empty one where it would go. */
static pmemo_slot *find(pmemo_slot *s, size_t cap, const uint64_t k[3]) {
    size_t i = hash_of(k) & (cap - 1);
    while (s[i].e && !(s[i].k[0] == k[0] && s[i].k[1] == k[1] && s[i].k[2] == k[2])) i = (i + 1) & (cap - 1);
    return &s[i];
}

void park_ar_pmemo_free(struct park_ar_pmemo *m) {
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) free(m->s[i].e);
    free(m->s), free(m);
}

size_t park_ar_pmemo_count(const struct park_ar_pmemo *m) { return m ? m->count : 0; }

int park_ar_pmemo_get(park_resolver *r, double x, double y, double sigma_m, park_resolution *out, park_buf *why) {
    if (r->pmemo_off || !r->pmemo) return 0;
    uint64_t k[3];
    key_of(k, x, y, sigma_m);
    const pmemo_entry *e = find(r->pmemo->s, r->pmemo->cap, k)->e;
    if (!e) return 0;
    park_candidate *c = malloc((e->ncand ? e->ncand : 1) * sizeof *c);
    if (!c) return 0; /* computed afresh then */
    memcpy(c, e->cand, e->ncand * sizeof *c);
    free(out->candidates);
    out->candidates = c, out->ncandidates = e->ncand;
    out->has_point = 1, out->lon = e->lon, out->lat = e->lat;
    out->inside = e->inside, out->parcel = e->parcel, out->nearest = e->nearest, out->distance_m = e->distance_m;
    out->error_m = sigma_m, out->confidence = e->confidence;
    if (why) park_ar_located_text(why, out), park_ar_model_text(why, out, &e->m);
    r->pmemo_hits++;
    return 1;
}

void park_ar_pmemo_put(park_resolver *r, double x, double y, double sigma_m, const park_resolution *out,
                       const park_ar_model *m) {
    if (r->pmemo_off || !out->candidates) return;
    if (!r->pmemo && !(r->pmemo = calloc(1, sizeof *r->pmemo))) return;
    struct park_ar_pmemo *t = r->pmemo;
    if (t->count >= (r->pmemo_max ? r->pmemo_max : PMEMO_MAX)) return;
    if (2 * (t->count + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 1024;
        pmemo_slot *ns = calloc(cap, sizeof *ns);
        if (!ns) return;
        for (size_t i = 0; i < t->cap; i++)
            if (t->s[i].e) *find(ns, cap, t->s[i].k) = t->s[i];
        free(t->s);
        t->s = ns, t->cap = cap;
    }
    uint64_t k[3];
    key_of(k, x, y, sigma_m);
    pmemo_slot *sl = find(t->s, t->cap, k);
    if (sl->e) return; /* already there */
    pmemo_entry *e = malloc(sizeof *e + out->ncandidates * sizeof *e->cand);
    if (!e) return;
    e->lon = out->lon, e->lat = out->lat, e->distance_m = out->distance_m, e->confidence = out->confidence;
    e->inside = out->inside, e->parcel = out->parcel, e->nearest = out->nearest, e->m = *m;
    e->ncand = out->ncandidates;
    memcpy(e->cand, out->candidates, out->ncandidates * sizeof *e->cand);
    memcpy(sl->k, k, sizeof k);
    sl->e = e;
    t->count++;
}
