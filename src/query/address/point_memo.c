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
 * candidate, and the table's slot); a batch with more distinct points answers the
 * rest afresh. Given coordinates (park_ar_point_answer's lonlat) are not remembered. */
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

static void pmemo_key(unsigned char key[3 * sizeof(double)], double x, double y, double s) {
    memcpy(key, &x, sizeof x), memcpy(key + sizeof x, &y, sizeof y), memcpy(key + 2 * sizeof x, &s, sizeof s);
}

int park_ar_pmemo_get(park_resolver *r, double x, double y, double sigma_m, park_resolution *out, park_buf *why) {
    if (r->pmemo_off || !r->pmemo) return 0;
    unsigned char key[3 * sizeof(double)];
    pmemo_key(key, x, y, sigma_m);
    void *v;
    if (!park_strmap_get(r->pmemo, key, sizeof key, &v)) return 0;
    const pmemo_entry *e = v;
    park_candidate *c = malloc((e->ncand ? e->ncand : 1) * sizeof *c);
    if (!c) return 0; /* computed afresh then */
    memcpy(c, e->cand, e->ncand * sizeof *c);
    free(out->candidates);
    out->candidates = c, out->ncandidates = e->ncand;
    out->has_point = 1, out->lon = e->lon, out->lat = e->lat;
    out->inside = e->inside, out->parcel = e->parcel, out->nearest = e->nearest, out->distance_m = e->distance_m;
    out->error_m = sigma_m, out->confidence = e->confidence;
    park_ar_located_text(why, out);
    park_ar_model_text(why, out, &e->m);
    r->pmemo_hits++;
    return 1;
}

void park_ar_pmemo_put(park_resolver *r, double x, double y, double sigma_m, const park_resolution *out,
                       const park_ar_model *m) {
    if (r->pmemo_off || !out->candidates) return;
    if (!r->pmemo && !(r->pmemo = park_strmap_new(PMEMO_MAX))) return;
    if (park_strmap_count(r->pmemo) >= PMEMO_MAX) return;
    pmemo_entry *e = malloc(sizeof *e + out->ncandidates * sizeof *e->cand);
    if (!e) return;
    e->lon = out->lon, e->lat = out->lat, e->distance_m = out->distance_m, e->confidence = out->confidence;
    e->inside = out->inside, e->parcel = out->parcel, e->nearest = out->nearest, e->m = *m;
    e->ncand = out->ncandidates;
    memcpy(e->cand, out->candidates, out->ncandidates * sizeof *e->cand);
    unsigned char key[3 * sizeof(double)];
    pmemo_key(key, x, y, sigma_m);
    if (!park_strmap_put(r->pmemo, key, sizeof key, e)) free(e);
}
