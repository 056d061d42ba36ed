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
 *   bench_batch addr TSV N [SEED]    N distinct addresses as CSV `address` on stdout:
 *         the address_key column of the address-point TSV (../shared/data/
 *         address-points), every row once, in file order, then variants until N:
 *         a row with road, number and unit (号/弄) whose key is road+number+unit is
 *         drawn at random (so a road is drawn as often as it has addresses) and
 *         given another number drawn uniformly within its road's known range
 *         (lowest to highest number of that road and unit in the TSV); a key
 *         already written is drawn again. Stops short of N (and says so on
 *         stderr) when the ranges hold no more distinct keys.
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

/* ------------------------------------------------------------------ addr */

typedef struct arow {
    char *key, *road, *unit;
    long number;
    int range; /* index into the ranges, -1: not varied */
} arow;
typedef struct arange {
    char *road, *unit;
    long lo, hi;
} arange;

/* A set of strings (open addressing, FNV-1a); the strings are the caller's. */
typedef struct sset {
    const char **v;
    size_t cap, n;
} sset;
static uint64_t fnv(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}
/* Adds s unless present; returns true when added. */
static bool sset_add(sset *t, const char *s) {
    if (2 * (t->n + 1) > t->cap) {
        sset u = {calloc(t->cap ? 2 * t->cap : 1024, sizeof(char *)), t->cap ? 2 * t->cap : 1024, 0};
        if (!u.v) abort();
        for (size_t i = 0; i < t->cap; i++)
            if (t->v[i]) sset_add(&u, t->v[i]);
        free(t->v);
        *t = u;
    }
    for (size_t i = fnv(s) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->v[i]) {
            t->v[i] = s, t->n++;
            return true;
        }
        if (!strcmp(t->v[i], s)) return false;
    }
}

/* Writes the CSV (see the top of the file); 0, or 3 when the TSV cannot be read. */
static int gen_addr(const char *tsv, long n, uint64_t seed, FILE *out) {
    FILE *f = fopen(tsv, "r");
    if (!f) {
        fprintf(stderr, "bench_batch addr: %s: cannot read\n", tsv);
        return 3;
    }
    arow *rows = NULL;
    arange *rg = NULL;
    size_t nr = 0, nrg = 0, cap = 0, rcap = 0;
    char line[8192];
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (header) { /* address_key road number unit ... */
            header = false;
            if (strncmp(line, "address_key\troad\tnumber\tunit", 28)) {
                fprintf(stderr, "bench_batch addr: %s: expected the header address_key, road, number, unit, ...\n", tsv);
                fclose(f);
                return 3;
            }
            continue;
        }
        char *fld[4] = {line, NULL, NULL, NULL}, *p = line;
        for (int k = 1; k < 4 && (p = strchr(p, '\t')); k++) *p++ = 0, fld[k] = p;
        if (!fld[3]) continue;
        char *t = strchr(fld[3], '\t');
        if (t) *t = 0;
        if (!*fld[0] || strpbrk(fld[0], ",\"")) continue;
        if (nr == cap && !(rows = realloc(rows, (cap = cap ? 2 * cap : 4096) * sizeof *rows))) abort();
        arow *r = &rows[nr++];
        r->key = park_strdup(fld[0]), r->road = park_strdup(fld[1]), r->unit = park_strdup(fld[2 + 1]);
        char *e;
        r->number = strtol(fld[2], &e, 10), r->range = -1;
        char want[8192];
        snprintf(want, sizeof want, "%s%s%s", fld[1], fld[2], fld[3]);
        if (!*fld[1] || !*fld[2] || *e || r->number <= 0 || (strcmp(fld[3], "号") && strcmp(fld[3], "弄")) || strcmp(want, fld[0]))
            continue;
        size_t k = 0;
        while (k < nrg && (strcmp(rg[k].road, r->road) || strcmp(rg[k].unit, r->unit))) k++;
        if (k == nrg) {
            if (nrg == rcap && !(rg = realloc(rg, (rcap = rcap ? 2 * rcap : 256) * sizeof *rg))) abort();
            rg[nrg++] = (arange){r->road, r->unit, r->number, r->number};
        }
        if (r->number < rg[k].lo) rg[k].lo = r->number;
        if (r->number > rg[k].hi) rg[k].hi = r->number;
        r->range = (int)k;
    }
    fclose(f);
    sset seen = {0};
    fputs("address\n", out);
    long written = 0;
    for (size_t i = 0; i < nr && written < n; i++)
        if (sset_add(&seen, rows[i].key)) fprintf(out, "%s\n", rows[i].key), written++;
    size_t *var = malloc((nr ? nr : 1) * sizeof *var), nv = 0;
    for (size_t i = 0; i < nr; i++)
        if (rows[i].range >= 0 && rg[rows[i].range].hi > rg[rows[i].range].lo) var[nv++] = i;
    bench_rng rng = {seed ? seed : 1};
    char **made = NULL;
    size_t nmade = 0, mcap = 0;
    for (long tries = 0; written < n && nv && tries < 50 * n; tries++) {
        const arow *r = &rows[var[(size_t)(bench_uniform(&rng) * (double)nv)]];
        const arange *g = &rg[r->range];
        long num = g->lo + (long)(bench_uniform(&rng) * (double)(g->hi - g->lo + 1));
        char key[8192];
        snprintf(key, sizeof key, "%s%ld%s", r->road, num, r->unit);
        if (nmade == mcap && !(made = realloc(made, (mcap = mcap ? 2 * mcap : 4096) * sizeof *made))) abort();
        made[nmade] = park_strdup(key);
        if (!sset_add(&seen, made[nmade])) {
            free(made[nmade]);
            continue;
        }
        nmade++;
        fprintf(out, "%s\n", key), written++;
    }
    if (written < n) fprintf(stderr, "bench_batch addr: only %ld distinct addresses (asked for %ld)\n", written, n);
    fprintf(stderr, "bench_batch addr: %ld addresses: %zu of the TSV, %zu variants on %zu road ranges\n", written,
            (size_t)written - nmade, nmade, nrg);
    for (size_t i = 0; i < nmade; i++) free(made[i]);
    free(made), free(var), free(seen.v), free(rg);
    for (size_t i = 0; i < nr; i++) free(rows[i].key), free(rows[i].road), free(rows[i].unit);
    free(rows);
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
    const char *mode = NULL, *args[3] = {NULL, NULL, NULL};
    int na = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data") && i + 1 < argc) data = argv[++i];
        else if (!strcmp(argv[i], "--no-pg")) continue;
        else if (!mode) mode = argv[i];
        else if (na < 3) args[na++] = argv[i];
    }
    data = bench_layer_path(data, dbuf, sizeof dbuf, &what);
    if (!mode) {
        fprintf(stderr, "usage: bench_batch gen N [SEED] | addr TSV N [SEED] | floor | geos | --smoke  [--data PARCELS]\n");
        return 2;
    }
    if (!strcmp(mode, "--smoke")) {
        return smoke(data);
    }
    if (!strcmp(mode, "gen")) return gen(data, args[0] ? atol(args[0]) : 1000000, args[1] ? strtoull(args[1], NULL, 10) : 1, stdout);
    if (!strcmp(mode, "addr")) {
        if (!args[0] || !args[1]) {
            fprintf(stderr, "usage: bench_batch addr TSV N [SEED]\n");
            return 2;
        }
        return gen_addr(args[0], atol(args[1]), args[2] ? strtoull(args[2], NULL, 10) : 1, stdout);
    }
    if (!strcmp(mode, "floor")) return floor_copy(stdin, stdout);
    if (!strcmp(mode, "geos")) return geos_baseline(data, stdin, stdout);
    fprintf(stderr, "bench_batch: unknown mode '%s'\n", mode);
    return 2;
}
