/* bench_batch.c - the helpers bench/batch.sh runs beside `parkgis locate --batch`
 * (issue 11). Not a timed test: ctest runs `--smoke --no-pg` once.
 *
 *   bench_batch gen N [SEED] [--data PARCELS]   N random points, uniform in the
 *         layer's lon/lat envelope, as CSV id,lon,lat (7 decimals) on stdout
 *   bench_batch floor < IN > OUT     the CSV floor: the same file read and written
 *         in C (lines split at commas, each field written back, one empty column
 *         added); no numbers parsed, no geometry: what any batch must at least do
 *   bench_batch geos [--data PARCELS] < IN > OUT   the plain C baseline of the
 *         issue: a hand-rolled CSV reader (fgets, strtod), GEOS STRtree + prepared
 *         containment (GEOSPreparedContains, first parcel in layer order), printf out
 *   bench_batch --smoke [--no-pg]    runs the three on 200 points and checks them */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "bench_common.h"


static park_layer *load(park_ctx *ctx, const char *data) {
    park_layer *l = NULL;
    if (park_layer_read(ctx, data, NULL, NULL, &l) != PARK_OK) {
        fprintf(stderr, "bench_batch: %s: %s\n", data, park_ctx_errmsg(ctx));
        exit(3);
    }
    return l;
}

static void envelope(park_ctx *ctx, park_layer *l, double e[4]) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    e[0] = e[1] = INFINITY, e[2] = e[3] = -INFINITY;
    for (size_t i = 0; i < park_layer_count(l); i++) {
        const GEOSGeometry *g = park_layer_get(l, i)->geom;
        double a, b, c, d;
        if (GEOSisEmpty_r(h, g)) continue;
        GEOSGeom_getXMin_r(h, g, &a), GEOSGeom_getYMin_r(h, g, &b), GEOSGeom_getXMax_r(h, g, &c), GEOSGeom_getYMax_r(h, g, &d);
        e[0] = fmin(e[0], a), e[1] = fmin(e[1], b), e[2] = fmax(e[2], c), e[3] = fmax(e[3], d);
    }
}

static int gen(const char *data, long n, uint64_t seed, FILE *out) {
    park_ctx *ctx = park_ctx_new();
    park_layer *l = load(ctx, data);
    double e[4];
    envelope(ctx, l, e);
    uint64_t s = seed ? seed : 1;
    fputs("id,lon,lat\n", out);
    for (long i = 0; i < n; i++) {
        double u[2];
        for (int k = 0; k < 2; k++) {
            s ^= s >> 12, s ^= s << 25, s ^= s >> 27;
            u[k] = (double)((s * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
        }
        fprintf(out, "%ld,%.7f,%.7f\n", i, e[0] + u[0] * (e[2] - e[0]), e[1] + u[1] * (e[3] - e[1]));
    }
    park_layer_free(l);
    park_ctx_free(ctx);
    return ferror(out) ? 4 : 0;
}

/* The floor: blocks in, lines out with one more (empty) column. */
static int floor_copy(FILE *in, FILE *out) {
    enum { B = 1 << 16 };
    static char buf[B * 2];
    size_t have = 0, n;
    bool header = true;
    while ((n = fread(buf + have, 1, B, in)) > 0 || have) {
        have += n;
        char *p = buf, *end = buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (n == 0 && p < end) nl = end; /* last line without newline */
                else break;
            }
            /* the fields, as a reader sees them */
            char *f = p;
            for (;;) {
                char *c = memchr(f, ',', (size_t)(nl - f));
                char *fe = c ? c : nl;
                fwrite(f, 1, (size_t)(fe - f), out);
                fputc(',', out);
                if (!c) break;
                f = c + 1;
            }
            fputs(header ? "parcel_id\n" : "\n", out);
            header = false;
            p = nl < end ? nl + 1 : end;
            if (p >= end) break;
        }
        have = (size_t)(end - p);
        memmove(buf, p, have);
        if (n == 0) break;
    }
    return ferror(out) ? 4 : 0;
}

typedef struct hit {
    GEOSContextHandle_t h;
    const GEOSPreparedGeometry **prep;
    const GEOSGeometry *pt;
    size_t best;
} hit;

static void hit_cb(void *item, void *ud) {
    hit *s = ud;
    size_t i = *(size_t *)item;
    if (i < s->best && GEOSPreparedContains_r(s->h, s->prep[i], s->pt) == 1) s->best = i;
}

static int geos_baseline(const char *data, FILE *in, FILE *out) {
    park_ctx *ctx = park_ctx_new();
    park_layer *l = load(ctx, data);
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    size_t n = park_layer_count(l);
    const GEOSPreparedGeometry **prep = calloc(n, sizeof *prep);
    size_t *items = calloc(n, sizeof *items);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    for (size_t i = 0; i < n; i++) {
        items[i] = i;
        prep[i] = GEOSPrepare_r(h, park_layer_get(l, i)->geom);
        GEOSSTRtree_insert_r(h, tree, park_layer_get(l, i)->geom, &items[i]);
    }
    char line[4096];
    if (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = 0;
        fprintf(out, "%s,parcel_id\n", line);
    }
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = 0;
        char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
        if (!c2) continue;
        double x = strtod(c1 + 1, NULL), y = strtod(c2 + 1, NULL);
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
        hit s = {h, prep, pt, (size_t)-1};
        GEOSSTRtree_query_r(h, tree, pt, hit_cb, &s);
        GEOSGeom_destroy_r(h, pt);
        fprintf(out, "%s,%s\n", line, s.best == (size_t)-1 ? "" : park_layer_get(l, s.best)->id);
    }
    GEOSSTRtree_destroy_r(h, tree);
    for (size_t i = 0; i < n; i++) GEOSPreparedGeom_destroy_r(h, prep[i]);
    free(prep), free(items);
    park_layer_free(l);
    park_ctx_free(ctx);
    return ferror(out) ? 4 : 0;
}

static long count_lines(const char *path) {
    FILE *f = fopen(path, "r");
    long n = 0;
    int c;
    while (f && (c = fgetc(f)) != EOF) n += c == '\n';
    if (f) fclose(f);
    return n;
}

static int smoke(const char *data) {
    char dir[] = "/tmp/bench_batch.XXXXXX", a[64], b[64], c[64];
    if (!mkdtemp(dir)) return 1;
    snprintf(a, sizeof a, "%s/in.csv", dir), snprintf(b, sizeof b, "%s/floor.csv", dir), snprintf(c, sizeof c, "%s/geos.csv", dir);
    FILE *f = fopen(a, "w");
    int rc = gen(data, 200, 7, f);
    fclose(f);
    FILE *in = fopen(a, "r"), *out = fopen(b, "w");
    rc |= floor_copy(in, out);
    fclose(in), fclose(out);
    in = fopen(a, "r"), out = fopen(c, "w");
    rc |= geos_baseline(data, in, out);
    fclose(in), fclose(out);
    long na = count_lines(a), nb = count_lines(b), nc = count_lines(c);
    printf("smoke: %ld lines in, %ld floor, %ld geos\n", na, nb, nc);
    if (na != 201 || nb != na || nc != na) rc = 1;
    unlink(a), unlink(b), unlink(c), rmdir(dir);
    return rc;
}

int main(int argc, char **argv) {
    char dbuf[4096];
    const char *what, *data = NULL;
    const char *mode = NULL, *args[2] = {NULL, NULL};
    int na = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--no-pg")) continue;
        else if (!mode) mode = argv[i];
        else if (na < 2) args[na++] = argv[i];
    }
    data = bench_layer_path(data, dbuf, sizeof dbuf, &what);
    if (!mode) {
        fprintf(stderr, "usage: bench_batch gen N [SEED] | floor | geos | --smoke  [--data PARCELS]\n");
        return 2;
    }
    if (!strcmp(mode, "--smoke")) {
        return smoke(data);
    }
    if (!strcmp(mode, "gen")) return gen(data, args[0] ? atol(args[0]) : 1000000, args[1] ? strtoull(args[1], NULL, 10) : 1, stdout);
    if (!strcmp(mode, "floor")) return floor_copy(stdin, stdout);
    if (!strcmp(mode, "geos")) return geos_baseline(data, stdin, stdout);
    fprintf(stderr, "bench_batch: unknown mode '%s'\n", mode);
    return 2;
}
