/* bench_common.h - shared by the bench/ programs (header only: each bench program
 * is its own program). Timing, the parcel layer to measure on, deterministic
 * random numbers. */
#ifndef PARKGIS_BENCH_COMMON_H
#define PARKGIS_BENCH_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "parkgis.h"

static inline double bench_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* xorshift64*: the same points on every machine for a given seed */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;
static inline double bench_uniform(bench_rng *r) {
    r->s ^= r->s >> 12, r->s ^= r->s << 25, r->s ^= r->s >> 27;
    return ((r->s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

/* The layer to measure: --data PATH, else the bundled parcels, else the
 * synthetic test fixture (said so, since its pentagons flatter nothing). */
static inline const char *bench_layer_path(const char *data, char *buf, size_t len, const char **what) {
    if (data) {
        *what = "given with --data";
        return data;
    }
    const char *p = park_default_parcels_path();
    if (access(p, R_OK) == 0) {
        *what = "the bundled parcel layer";
        return p;
    }
    snprintf(buf, len, "%s/../tests/integration/data/synthetic-parcels.geojson", park_default_data_dir());
    *what = "SYNTHETIC fixture (geodata/parcels.geojson is missing): 5-vertex pentagons, not the real parcels";
    return buf;
}

static inline size_t bench_vertices(park_ctx *ctx, const park_layer *l) {
    size_t n = 0;
    for (size_t i = 0; i < park_layer_count(l); i++) {
        int v = GEOSGetNumCoordinates_r(park_ctx_geos(ctx), park_layer_get(l, i)->geom);
        if (v > 0) n += (size_t)v;
    }
    return n;
}
#endif
