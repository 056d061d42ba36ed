/* bench_locate.c - point-in-park throughput: parkgis's park_locate_lonlat
 * (STRtree envelope index + prepared geometries, cached on the layer) against
 * baselines measured in the same run on the same random points:
 *   1. a plain loop of GEOSContains over the raw polygons (the naive way),
 *   2. a loop over GEOS prepared geometries, no index,
 *   3. STRtree + prepared geometries doing containment only (what locate's
 *      index costs without its distance answer),
 *   4. PostGIS: ST_Contains against a GiST-indexed table, when a scratch cluster
 *      is reachable (PGHOST/PGPORT from tools/pg-scratch.sh; bench/run.sh starts
 *      one). Its time is the server's execution time (EXPLAIN ANALYZE, TIMING
 *      OFF) for the whole batch, so no client round trips are counted.
 * park_locate_lonlat answers more than the others: inside, the distance to the
 * parcel's edge; outside, the nearest parcel and its distance (a nearest-
 * neighbour search). Every method must agree on which parcel (if any) holds
 * each point; disagreements are counted and printed (locate uses "covers", the
 * baselines "contains": they may differ only for points exactly on an edge).
 *
 * Output: ratios to the plain loop (the claim), with this run's times beside
 * them for context only. Usage:
 *   bench_locate [-n POINTS] [--seed S] [--repeat R] [--data LAYER] [--no-pg] [--smoke]
 * --smoke: 200 points, one repetition (ctest runs that to check it works). */
#include <getopt.h>
#include <math.h>

#include "bench_common.h"

typedef struct pts {
    double *lon, *lat;
    size_t n;
} pts;

typedef struct method {
    const char *name;
    double best_s;  /* best of the repetitions */
    long *answer;   /* parcel index per point, -1 outside */
    long disagree;  /* vs method 0 */
    int ran;
    char note[700];
} method;

static double run_raw(park_ctx *ctx, const park_layer *l, const pts *p, long *ans) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    size_t n = park_layer_count(l);
    double t0 = bench_now();
    for (size_t k = 0; k < p->n; k++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p->lon[k], p->lat[k]);
        ans[k] = -1;
        for (size_t i = 0; i < n; i++)
            if (GEOSContains_r(h, park_layer_get(l, i)->geom, pt) == 1) {
                ans[k] = (long)i;
                break;
            }
        GEOSGeom_destroy_r(h, pt);
    }
    return bench_now() - t0;
}

static double run_prepared(park_ctx *ctx, const GEOSPreparedGeometry **prep, size_t n, const pts *p, long *ans) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    double t0 = bench_now();
    for (size_t k = 0; k < p->n; k++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p->lon[k], p->lat[k]);
        ans[k] = -1;
        for (size_t i = 0; i < n; i++)
            if (GEOSPreparedContains_r(h, prep[i], pt) == 1) {
                ans[k] = (long)i;
                break;
            }
        GEOSGeom_destroy_r(h, pt);
    }
    return bench_now() - t0;
}

typedef struct tree_hit {
    GEOSContextHandle_t h;
    const GEOSPreparedGeometry **prep;
    const GEOSGeometry *pt;
    long best;
} tree_hit;

static void tree_cb(void *item, void *ud) {
    tree_hit *t = ud;
    long i = (long)(*(size_t *)item);
    if ((t->best < 0 || i < t->best) && GEOSPreparedContains_r(t->h, t->prep[i], t->pt) == 1) t->best = i;
}

static double run_tree(park_ctx *ctx, GEOSSTRtree *tree, const GEOSPreparedGeometry **prep, const pts *p, long *ans) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    double t0 = bench_now();
    for (size_t k = 0; k < p->n; k++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p->lon[k], p->lat[k]);
        tree_hit t = {h, prep, pt, -1};
        GEOSSTRtree_query_r(h, tree, pt, tree_cb, &t);
        ans[k] = t.best;
        GEOSGeom_destroy_r(h, pt);
    }
    return bench_now() - t0;
}

static double run_locate(park_ctx *ctx, const park_layer *l, const pts *p, long *ans, int *failed) {
    park_locate_result r;
    double t0 = bench_now();
    for (size_t k = 0; k < p->n; k++) {
        if (park_locate_lonlat(ctx, l, p->lon[k], p->lat[k], PARK_DATUM_CGCS2000, &r) != PARK_OK) {
            (*failed)++;
            ans[k] = -2;
            continue;
        }
        ans[k] = r.inside ? (long)r.index : -1;
    }
    return bench_now() - t0;
}

/* ---- PostGIS through psql (no libpq link needed; the timing is server-side) */

static int have_pg(void) {
    return getenv("PGHOST") && getenv("PGPORT") && system("psql -X -q -tA -c 'SELECT 1' >/dev/null 2>&1") == 0;
}

/* Runs an SQL file with psql; stdout to `out` (may be NULL). 0 on success. */
static int psql_file(const char *sql, const char *out) {
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "psql -X -q -v ON_ERROR_STOP=1 -tA -f '%s' > '%s' 2>&1", sql, out ? out : "/dev/null");
    return system(cmd);
}

static int run_postgis(park_ctx *ctx, const park_layer *l, const pts *p, int repeat, method *m, const char *tmpdir) {
    char sql[512], out[512];
    snprintf(sql, sizeof sql, "%s/bench.sql", tmpdir);
    snprintf(out, sizeof out, "%s/bench.out", tmpdir);
    FILE *f = fopen(sql, "w");
    if (!f) return -1;
    fprintf(f, "DROP TABLE IF EXISTS bench_parcels, bench_pts;\n"
               "CREATE TABLE bench_parcels(idx int, geom geometry(Geometry, 4490));\n");
    for (size_t i = 0; i < park_layer_count(l); i++) {
        char *wkt = park_geom_wkt(ctx, park_layer_get(l, i)->geom, 10);
        fprintf(f, "INSERT INTO bench_parcels VALUES (%zu, ST_GeomFromText('%s', 4490));\n", i, wkt ? wkt : "POLYGON EMPTY");
        free(wkt);
    }
    fprintf(f, "CREATE INDEX ON bench_parcels USING gist(geom);\n"
               "CREATE TABLE bench_pts(pid int, lon float8, lat float8);\nCOPY bench_pts FROM STDIN;\n");
    for (size_t k = 0; k < p->n; k++) fprintf(f, "%zu\t%.10f\t%.10f\n", k, p->lon[k], p->lat[k]);
    fprintf(f, "\\.\nALTER TABLE bench_pts ADD COLUMN geom geometry(Point, 4490);\n"
               "UPDATE bench_pts SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4490);\n"
               "ANALYZE bench_parcels; ANALYZE bench_pts;\n");
    fclose(f);
    if (psql_file(sql, out) != 0) {
        snprintf(m->note, sizeof m->note, "loading into PostGIS failed (see %s)", out);
        return -1;
    }
    /* With ten rows the planner would rightly scan the table; the point is to
     * measure ST_Contains through the GiST index, so sequential scans are off. */
    const char *q = "SELECT p.pid, (SELECT min(b.idx) FROM bench_parcels b WHERE ST_Contains(b.geom, p.geom)) FROM bench_pts p";
    f = fopen(sql, "w");
    if (!f) return -1;
    fprintf(f, "SET enable_seqscan = off;\n");
    for (int r = 0; r < repeat; r++) fprintf(f, "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) %s;\n", q);
    fprintf(f, "EXPLAIN %s;\n", q);
    fclose(f);
    if (psql_file(sql, out) != 0) {
        snprintf(m->note, sizeof m->note, "PostGIS query failed (see %s)", out);
        return -1;
    }
    f = fopen(out, "r");
    char line[1024];
    double best = INFINITY;
    int gist = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *e = strstr(line, "Execution Time:");
        if (e) best = fmin(best, atof(e + 15) / 1000.0);
        if (strstr(line, "Index Scan") || strstr(line, "Bitmap Index Scan")) gist = 1;
    }
    if (f) fclose(f);
    if (!isfinite(best)) {
        snprintf(m->note, sizeof m->note, "no execution time in %s", out);
        return -1;
    }
    /* the answers, untimed, for the agreement check */
    f = fopen(sql, "w");
    if (!f) return -1;
    fprintf(f, "SET enable_seqscan = off;\nCOPY (%s ORDER BY 1) TO STDOUT;\nDROP TABLE bench_parcels, bench_pts;\n", q);
    fclose(f);
    if (psql_file(sql, out) != 0) return -1;
    f = fopen(out, "r");
    size_t got = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        long pid = atol(line);
        if (pid < 0 || (size_t)pid >= p->n) continue;
        m->answer[pid] = !strncmp(tab + 1, "\\N", 2) ? -1 : atol(tab + 1);
        got++;
    }
    if (f) fclose(f);
    if (got != p->n) {
        snprintf(m->note, sizeof m->note, "PostGIS returned %zu of %zu answers", got, p->n);
        return -1;
    }
    m->best_s = best;
    snprintf(m->note, sizeof m->note, "server execution time%s", gist ? ", plan uses the GiST index" : ", plan WITHOUT index scan");
    return 0;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {{"points", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},
                                         {"repeat", required_argument, 0, 'r'}, {"data", required_argument, 0, 'd'},
                                         {"no-pg", no_argument, 0, 'P'},        {"smoke", no_argument, 0, 'S'},
                                         {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    size_t n = 100000;
    unsigned long long seed = 20261122;
    int repeat = 3, use_pg = 1, c;
    const char *data = NULL;
    while ((c = getopt_long(argc, argv, "n:s:r:d:h", opts, NULL)) != -1) {
        if (c == 'n') n = strtoul(optarg, NULL, 10);
        else if (c == 's') seed = strtoull(optarg, NULL, 10);
        else if (c == 'r') repeat = atoi(optarg);
        else if (c == 'd') data = optarg;
        else if (c == 'P') use_pg = 0;
        else if (c == 'S') n = 200, repeat = 1;
        else {
            fprintf(c == 'h' ? stdout : stderr,
                    "usage: bench_locate [-n POINTS] [--seed S] [--repeat R] [--data LAYER] [--no-pg] [--smoke]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (n == 0 || repeat < 1) {
        fprintf(stderr, "bench_locate: -n and --repeat must be positive\n");
        return 2;
    }
    park_ctx *ctx = park_ctx_new();
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    char buf[4096];
    const char *what, *path = bench_layer_path(data, buf, sizeof buf, &what);
    park_layer *l = NULL;
    if (park_layer_read(ctx, path, NULL, NULL, &l) != PARK_OK) {
        fprintf(stderr, "bench_locate: %s\n", park_ctx_errmsg(ctx));
        park_ctx_free(ctx);
        return 3;
    }
    size_t np = park_layer_count(l);

    /* random points, uniform in the layer's lon/lat envelope */
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < np; i++) {
        double a, b, cc, d;
        const GEOSGeometry *g = park_layer_get(l, i)->geom;
        if (GEOSGeom_getXMin_r(h, g, &a) && GEOSGeom_getYMin_r(h, g, &b) && GEOSGeom_getXMax_r(h, g, &cc) &&
            GEOSGeom_getYMax_r(h, g, &d))
            x0 = fmin(x0, a), y0 = fmin(y0, b), x1 = fmax(x1, cc), y1 = fmax(y1, d);
    }
    pts p = {malloc(n * sizeof(double)), malloc(n * sizeof(double)), n};
    bench_rng rng = {seed ? seed : 1};
    for (size_t k = 0; k < n; k++) p.lon[k] = x0 + (x1 - x0) * bench_uniform(&rng), p.lat[k] = y0 + (y1 - y0) * bench_uniform(&rng);

    printf("point-in-park: %zu random points in the envelope [%.4f..%.4f]E x [%.4f..%.4f]N, seed %llu\n", n, x0, x1, y0, y1, seed);
    printf("layer: %s (%s), %zu parcels, %zu vertices\n", path, what, np, bench_vertices(ctx, l));
    printf("each method runs %d time(s) on the same points; the best time is kept\n\n", repeat);

    /* set-up outside the timings: prepared geometries and an STRtree (baselines 2, 3),
     * locate's own cache (built by a first call) */
    double ts = bench_now();
    const GEOSPreparedGeometry **prep = calloc(np ? np : 1, sizeof *prep);
    size_t *ids = calloc(np ? np : 1, sizeof *ids);
    GEOSSTRtree *tree = GEOSSTRtree_create_r(h, 10);
    for (size_t i = 0; i < np; i++) {
        prep[i] = GEOSPrepare_r(h, park_layer_get(l, i)->geom);
        ids[i] = i;
        GEOSSTRtree_insert_r(h, tree, park_layer_get(l, i)->geom, &ids[i]);
    }
    double setup_bench = bench_now() - ts;
    park_locate_result warm;
    ts = bench_now();
    park_status wst = park_locate_lonlat(ctx, l, p.lon[0], p.lat[0], PARK_DATUM_CGCS2000, &warm);
    double setup_locate = bench_now() - ts;

    enum { RAW, PREP, TREE, LOCATE, PG, NM };
    method m[NM] = {{"GEOSContains loop over raw polygons (baseline)", 0, 0, 0, 0, ""},
                    {"GEOSPreparedContains loop, no index", 0, 0, 0, 0, ""},
                    {"STRtree + prepared, containment only", 0, 0, 0, 0, ""},
                    {"parkgis park_locate_lonlat (+ distance, nearest)", 0, 0, 0, 0, ""},
                    {"PostGIS ST_Contains + GiST index", 0, 0, 0, 0, ""}};
    for (int i = 0; i < NM; i++) m[i].answer = malloc(n * sizeof(long)), m[i].best_s = INFINITY;
    int locate_failed = 0;
    for (int r = 0; r < repeat; r++) {
        m[RAW].best_s = fmin(m[RAW].best_s, run_raw(ctx, l, &p, m[RAW].answer));
        m[PREP].best_s = fmin(m[PREP].best_s, run_prepared(ctx, prep, np, &p, m[PREP].answer));
        m[TREE].best_s = fmin(m[TREE].best_s, run_tree(ctx, tree, prep, &p, m[TREE].answer));
        if (wst == PARK_OK) m[LOCATE].best_s = fmin(m[LOCATE].best_s, run_locate(ctx, l, &p, m[LOCATE].answer, &locate_failed));
    }
    m[RAW].ran = m[PREP].ran = m[TREE].ran = 1;
    m[LOCATE].ran = wst == PARK_OK;
    if (wst != PARK_OK) snprintf(m[LOCATE].note, sizeof m[LOCATE].note, "failed: %s", park_ctx_errmsg(ctx));
    else snprintf(m[LOCATE].note, sizeof m[LOCATE].note, "index built by the first call in %.1f ms (not timed)", setup_locate * 1e3);
    snprintf(m[PREP].note, sizeof m[PREP].note, "preparing + STRtree for 2-3: %.1f ms (not timed)", setup_bench * 1e3);

    if (!use_pg) snprintf(m[PG].note, sizeof m[PG].note, "skipped (--no-pg)");
    else if (!have_pg()) snprintf(m[PG].note, sizeof m[PG].note, "skipped: no PostgreSQL reachable (bench/run.sh starts tools/pg-scratch.sh)");
    else {
        char tmpl[] = "/tmp/parkgis-bench.XXXXXX";
        if (mkdtemp(tmpl)) {
            m[PG].ran = run_postgis(ctx, l, &p, repeat, &m[PG], tmpl) == 0;
            char cmd[600];
            snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
            if (system(cmd) != 0) fprintf(stderr, "bench_locate: could not remove %s\n", tmpl);
        }
    }

    long inside = 0;
    for (size_t k = 0; k < n; k++) inside += m[RAW].answer[k] >= 0;
    printf("points inside a parcel: %ld of %zu (%.1f %%)\n\n", inside, n, 100.0 * inside / n);
    printf("%-50s %12s %11s %10s  %s\n", "method", "speed vs 1.", "µs/point*", "disagree", "note");
    int bad = locate_failed > 0;
    for (int i = 0; i < NM; i++) {
        if (!m[i].ran) {
            printf("%-50s %12s %11s %10s  %s\n", m[i].name, "-", "-", "-", m[i].note);
            continue;
        }
        m[i].disagree = 0;
        for (size_t k = 0; k < n; k++) m[i].disagree += m[i].answer[k] != m[RAW].answer[k];
        if (m[i].disagree) bad = 1;
        char ratio[32];
        snprintf(ratio, sizeof ratio, "%.2fx", m[RAW].best_s / m[i].best_s);
        printf("%-50s %12s %11.3f %10ld  %s\n", m[i].name, ratio, m[i].best_s / n * 1e6, m[i].disagree, m[i].note);
    }
    /* where locate's time goes: points inside (containment + distance to the
     * edge) vs outside (containment + nearest-neighbour search) */
    if (m[LOCATE].ran && inside > 0 && inside < (long)n) {
        pts in = {malloc(inside * sizeof(double)), malloc(inside * sizeof(double)), 0};
        pts out = {malloc((n - inside) * sizeof(double)), malloc((n - inside) * sizeof(double)), 0};
        for (size_t k = 0; k < n; k++) {
            pts *d = m[RAW].answer[k] >= 0 ? &in : &out;
            d->lon[d->n] = p.lon[k], d->lat[d->n++] = p.lat[k];
        }
        long *tmp = malloc(n * sizeof(long));
        double tin = INFINITY, tout = INFINITY, traw_in = INFINITY, traw_out = INFINITY;
        for (int r = 0; r < repeat; r++) {
            tin = fmin(tin, run_locate(ctx, l, &in, tmp, &locate_failed));
            tout = fmin(tout, run_locate(ctx, l, &out, tmp, &locate_failed));
            traw_in = fmin(traw_in, run_raw(ctx, l, &in, tmp));
            traw_out = fmin(traw_out, run_raw(ctx, l, &out, tmp));
        }
        printf("\nlocate by case: inside %.2fx of the raw loop on the same %zu points (%.3f µs*), "
               "outside %.2fx on %zu points (%.3f µs*)\n",
               traw_in / tin, in.n, tin / in.n * 1e6, traw_out / tout, out.n, tout / out.n * 1e6);
        free(tmp), free(in.lon), free(in.lat), free(out.lon), free(out.lat);
    }
    printf("\n* this machine, this run: for context only; the ratios are the result.\n"
           "  speed > 1x = faster than the raw loop. locate does more work per point than 2-4 (see header).\n");
    if (bad) printf("WARNING: methods disagree on %s points (or locate failed %d times): check above\n", "some", locate_failed);

    for (int i = 0; i < NM; i++) free(m[i].answer);
    GEOSSTRtree_destroy_r(h, tree);
    for (size_t i = 0; i < np; i++) GEOSPreparedGeom_destroy_r(h, prep[i]);
    free(prep), free(ids), free(p.lon), free(p.lat);
    park_layer_free(l);
    park_ctx_free(ctx);
    return bad ? 1 : 0;
}
