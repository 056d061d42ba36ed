/* test_index_snap.c - the parcel index built from its snapshot (query/index_snap.c,
 * issue 11) is the index built from scratch: the same validity and repairs, the
 * same metric geometries (WKB byte for byte), the same facets' slack (bitwise),
 * and the same answer for 100,000 random points per layer (inside, parcel,
 * covering count, distances to the bit). A damaged snapshot is not used: the
 * index is built from scratch again and the snapshot rewritten as it was.
 * Layers: the bundled parcels, tests/data/adjacency.geojson (overlapping
 * squares) and tests/data/validate-bad.geojson (invalid parcels: repairs).
 * Issue 10: the boundary pieces' errors (edge_error.c) come with the snapshot:
 * a warm index of the bundled parcels has them before any probability is asked
 * (no gazetteer read), as many as a build from scratch makes, and the
 * probabilities and edge errors of NPROB points near the edges are the same
 * to the bit; a layer without pieces has none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "parkgis.h"
#include "internal.h"
#include "query/query.h"
#include "test.h"

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static double urand(void) { /* xorshift64*: [0, 1) */
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return (double)((rng * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

enum { NPTS = 100000, NPROB = 3000 };

typedef struct answer {
    int inside;
    size_t index, ncontaining;
    double distance_m, nearest_distance_m;
    park_status st;
} answer;

/* The layer's index (a new ctx and layer each time: no index is shared), its
 * WKB and slack, and the answers for the points. */
typedef struct built {
    park_ctx *ctx;
    park_layer *layer;
    park_layer_index *ix;
} built;

static int build(const char *path, built *b) {
    b->ctx = park_ctx_new();
    b->layer = NULL, b->ix = NULL;
    if (park_layer_read(b->ctx, path, NULL, NULL, &b->layer) != PARK_OK) return 0;
    return park_query_index(b->ctx, b->layer, &b->ix) == PARK_OK;
}

static void unbuild(built *b) {
    park_layer_free(b->layer);
    park_ctx_free(b->ctx);
}

static int same_index(const built *a, const built *b) {
    if (a->ix->n != b->ix->n) return 0;
    GEOSContextHandle_t ha = park_ctx_geos(a->ctx), hb = park_ctx_geos(b->ctx);
    GEOSWKBWriter *wa = GEOSWKBWriter_create_r(ha), *wb = GEOSWKBWriter_create_r(hb);
    int same = memcmp(&a->ix->slack_m, &b->ix->slack_m, sizeof(double)) == 0 && !a->ix->chunk0 == !b->ix->chunk0;
    for (size_t i = 0; i < a->ix->n && same; i++) {
        same = a->ix->owned[i] == b->ix->owned[i];
        const GEOSGeometry *ga[2] = {a->ix->metric[i], a->ix->fixed[i]}, *gb[2] = {b->ix->metric[i], b->ix->fixed[i]};
        for (int k = 0; k < 2 && same; k++) {
            size_t la = 0, lb = 0;
            unsigned char *x = GEOSWKBWriter_write_r(ha, wa, ga[k], &la), *y = GEOSWKBWriter_write_r(hb, wb, gb[k], &lb);
            same = x && y && la == lb && memcmp(x, y, la) == 0;
            GEOSFree_r(ha, x), GEOSFree_r(hb, y);
        }
    }
    GEOSWKBWriter_destroy_r(ha, wa), GEOSWKBWriter_destroy_r(hb, wb);
    return same;
}

static void answers(built *b, const double *pts, answer *out) {
    for (size_t k = 0; k < NPTS; k++) {
        park_locate_result r;
        answer *a = &out[k];
        memset(a, 0, sizeof *a);
        a->st = park_locate_lonlat(b->ctx, b->layer, pts[2 * k], pts[2 * k + 1], PARK_DATUM_WGS84, &r);
        if (a->st) park_ctx_clear_error(b->ctx);
        a->inside = r.inside, a->index = r.index, a->ncontaining = r.ncontaining;
        a->distance_m = r.distance_m, a->nearest_distance_m = r.nearest_distance_m;
    }
}

/* The probabilities (park_locate_probability, sigma 10 m) and the edge error of
 * the nearest parcel (park_locate_edge_error) at the first NPROB points: out[k *
 * (n + 2) ...] = p[0..n], edge error. */
static double *probabilities(built *b, const double *pts) {
    size_t n = park_layer_count(b->layer);
    double *out = calloc((size_t)NPROB * (n + 2), sizeof *out);
    if (!out) abort();
    for (size_t k = 0; k < NPROB; k++) {
        double *o = out + k * (n + 2);
        if (park_locate_probability(b->ctx, b->layer, pts[2 * k], pts[2 * k + 1], 10, o, NULL)) park_ctx_clear_error(b->ctx);
        park_locate_result r;
        if (park_locate_lonlat(b->ctx, b->layer, pts[2 * k], pts[2 * k + 1], PARK_DATUM_WGS84, &r) == PARK_OK && r.nearest)
            for (size_t i = 0; i < n; i++)
                if (park_layer_get(b->layer, i) == r.nearest && park_locate_edge_error(b->ctx, b->layer, pts[2 * k], pts[2 * k + 1], i, &o[n + 1]))
                    park_ctx_clear_error(b->ctx);
        park_ctx_clear_error(b->ctx);
    }
    return out;
}

static char *snap_file(const char *cache) {
    char *cmd = park_asprintf("ls %s/parkgis/index-*.snap 2>/dev/null | head -1", cache);
    FILE *p = popen(cmd, "r");
    free(cmd);
    char line[4096] = "";
    if (p) {
        if (!fgets(line, sizeof line, p)) line[0] = 0;
        pclose(p);
    }
    line[strcspn(line, "\n")] = 0;
    return line[0] ? park_strdup(line) : NULL;
}

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(len > 0 ? (size_t)len : 1);
    *n = b && len > 0 && fread(b, 1, (size_t)len, f) == (size_t)len ? (size_t)len : 0;
    fclose(f);
    return b;
}

static void check_layer(const char *path) {
    char tmpl[] = "/tmp/parkgis-test-index-snap.XXXXXX";
    char *cache = mkdtemp(tmpl);
    CHECK(cache != NULL);
    if (!cache) return;
    setenv("XDG_CACHE_HOME", cache, 1);
    /* from scratch, the cache off */
    setenv("PARKGIS_CACHE", "off", 1);
    built off;
    CHECK(build(path, &off));
    unsetenv("PARKGIS_CACHE");
    if (!off.ix) return;
    /* points over the layer's envelope and 20 % beyond it */
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    GEOSContextHandle_t h = park_ctx_geos(off.ctx);
    for (size_t i = 0; i < park_layer_count(off.layer); i++) {
        double a, b, c, d;
        const GEOSGeometry *g = park_layer_get(off.layer, i)->geom;
        if (GEOSGeom_getXMin_r(h, g, &a) && GEOSGeom_getYMin_r(h, g, &b) && GEOSGeom_getXMax_r(h, g, &c) && GEOSGeom_getYMax_r(h, g, &d))
            minx = fmin(minx, a), miny = fmin(miny, b), maxx = fmax(maxx, c), maxy = fmax(maxy, d);
    }
    double wx = maxx - minx, wy = maxy - miny;
    double *pts = malloc(2 * NPTS * sizeof *pts);
    answer *a0 = malloc(NPTS * sizeof *a0), *a1 = malloc(NPTS * sizeof *a1);
    if (!pts || !a0 || !a1) abort();
    for (size_t k = 0; k < NPTS; k++)
        pts[2 * k] = minx - 0.2 * wx + 1.4 * wx * urand(), pts[2 * k + 1] = miny - 0.2 * wy + 1.4 * wy * urand();
    answers(&off, pts, a0);
    /* near the edges (pts over the parcels' envelopes, most within 4.5 sigma of an edge) */
    double *p0 = probabilities(&off, pts);
    int pieces = park_edge_errors_wanted(off.layer);
    /* cold: built from scratch, the snapshot written (the pieces made at once to be in it) */
    built cold;
    CHECK(build(path, &cold));
    char *snap = snap_file(cache);
    CHECK(snap != NULL);
    CHECK(cold.ix && same_index(&off, &cold));
    size_t npieces = cold.ix ? park_edge_errors_pieces(cold.ix->edge_err) : 0;
    CHECK(!pieces || npieces > 0);
    unbuild(&cold);
    /* warm: from the snapshot */
    built warm;
    CHECK(build(path, &warm));
    CHECK(warm.ix && same_index(&off, &warm));
    if (warm.ix) {
        /* the pieces are there before any probability is asked: no gazetteer read */
        CHECK(warm.ix->edge_err_tried && park_edge_errors_built(warm.ix->edge_err) == pieces);
        CHECK(park_edge_errors_pieces(warm.ix->edge_err) == npieces);
        double *p1 = probabilities(&warm, pts);
        size_t m = (size_t)NPROB * (park_layer_count(warm.layer) + 2);
        CHECK(memcmp(p0, p1, m * sizeof *p0) == 0);
        CHECK(park_edge_errors_pieces(off.ix->edge_err) == npieces); /* made lazily, the same pieces */
        free(p1);
    }
    if (warm.ix) {
        answers(&warm, pts, a1);
        size_t same = 0;
        for (size_t k = 0; k < NPTS; k++) same += memcmp(&a0[k], &a1[k], sizeof *a0) == 0;
        if (same != NPTS) fprintf(stderr, "%s: %zu of %d answers differ from the snapshot\n", path, NPTS - same, NPTS);
        CHECK(same == NPTS);
    }
    unbuild(&warm);
    /* damaged: a flipped byte is not used, the snapshot is rewritten as it was */
    size_t n0 = 0, n1 = 0;
    unsigned char *good = snap ? slurp(snap, &n0) : NULL;
    CHECK(good && n0 > 64);
    if (good && n0 > 64) {
        for (size_t off_at = 24; off_at < n0; off_at += n0 / 7 + 1) {
            FILE *f = fopen(snap, "r+b");
            if (!f) break;
            fseek(f, (long)off_at, SEEK_SET);
            fputc(good[off_at] ^ 0x55, f);
            fclose(f);
            built d;
            CHECK(build(path, &d));
            CHECK(d.ix && same_index(&off, &d));
            unbuild(&d);
            unsigned char *again = slurp(snap, &n1);
            CHECK(again && n1 == n0 && memcmp(again, good, n0) == 0);
            free(again);
        }
    }
    free(good);
    char *rm = park_asprintf("rm -rf %s", cache);
    if (system(rm) != 0) fprintf(stderr, "cannot remove %s\n", cache);
    free(rm), free(snap), free(pts), free(a0), free(a1), free(p0);
    unbuild(&off);
}

int main(void) {
    check_layer("../../geodata/parcels.geojson");
    check_layer("adjacency.geojson");
    check_layer("validate-bad.geojson");
    return test_summary();
}
