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
 * park_locate_lonlat answers more than those: inside, the distance to the
 * parcel's edge; outside, the nearest parcel and its distance. So three more
 * baselines do that same job with plain GEOS + PROJ, in the same metric plane
 * as locate (the layer's transverse Mercator, query.h) and measured the same
 * way (nearest points in the plane, back to lon/lat, geodesic on GRS80):
 *   5. raw loop: GEOSContains over every parcel; inside, GEOSNearestPoints to
 *      the parcel's boundary; outside, GEOSDistance to every parcel, then
 *      GEOSNearestPoints to the nearest,
 *   6. the same with prepared geometries (GEOSPreparedContains,
 *      GEOSPreparedDistance, GEOSPreparedNearestPoints),
 *   7. PostGIS: ST_Contains, then ST_Distance(geography) to the boundary, or
 *      the nearest parcel by the GiST index (ORDER BY geom <-> pt LIMIT 1,
 *      lon/lat degrees) and ST_Distance(geography) to it.
 * Every method must agree on which parcel (if any) holds each point;
 * disagreements are counted and printed (locate uses "covers", the baselines
 * "contains": they may differ only for points exactly on an edge). The
 * same-job methods must also agree with locate on the nearest parcel and the
 * distance (to 1 mm; PostGIS ranks by degrees and its geography distance is
 * its own, so its count is reported, not required to be 0).
 *
 * Output: ratios to the plain loop (the claim), with this run's times beside
 * them for context only. Usage:
 *   bench_locate [-n POINTS] [--seed S] [--repeat R] [--data LAYER] [--no-pg] [--smoke]
 * --smoke: 200 points, one repetition (ctest runs that to check it works). */
#include <geodesic.h>
#include <getopt.h>
#include <math.h>

#include "bench_common.h"
#include "query/query.h" /* the layer's metric CRS, so the baselines measure in the same plane */

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
    long *nearest;  /* same-job methods: parcel index inside, nearest parcel outside */
    double *dist;   /* same-job methods: distance (m) to the edge inside, to the nearest parcel outside */
} method;

/* What the same-job baselines need besides the raw polygons, built before the
 * timings: the parcels in locate's metric plane, their boundaries, prepared
 * versions of all, and PROJ transformations made once (as anyone would). */
typedef struct job {
    GEOSContextHandle_t h;
    size_t n;
    GEOSGeometry **m, **mb;
    const GEOSPreparedGeometry **pm, **pmb, **pll;
    PJ *fwd, *inv;
    struct geod_geodesic gd;
} job;

/* nearest points (metric) -> lon/lat -> geodesic metres, as locate measures */
static double job_measure(job *j, GEOSCoordSequence *cs) {
    double x1, y1, x2, y2;
    if (!cs) return NAN;
    GEOSCoordSeq_getXY_r(j->h, cs, 0, &x1, &y1);
    GEOSCoordSeq_getXY_r(j->h, cs, 1, &x2, &y2);
    GEOSCoordSeq_destroy_r(j->h, cs);
    if (x1 == x2 && y1 == y2) return 0;
    PJ_COORD a = proj_trans(j->inv, PJ_FWD, proj_coord(x1, y1, 0, 0)), b = proj_trans(j->inv, PJ_FWD, proj_coord(x2, y2, 0, 0));
    double s12 = NAN;
    geod_inverse(&j->gd, a.xy.y, a.xy.x, b.xy.y, b.xy.x, &s12, NULL, NULL);
    return s12;
}

/* 5 (prepared = 0) and 6 (prepared = 1): containment, then the distance to the
 * edge or the nearest parcel and the distance to it. */
static double run_job(park_ctx *ctx, const park_layer *l, job *j, int prepared, const pts *p, method *m) {
    GEOSContextHandle_t h = j->h;
    double t0 = bench_now();
    for (size_t k = 0; k < p->n; k++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, p->lon[k], p->lat[k]);
        long in = -1;
        for (size_t i = 0; i < j->n && in < 0; i++)
            if ((prepared ? GEOSPreparedContains_r(h, j->pll[i], pt) : GEOSContains_r(h, park_layer_get(l, i)->geom, pt)) == 1)
                in = (long)i;
        PJ_COORD c = proj_trans(j->fwd, PJ_FWD, proj_coord(p->lon[k], p->lat[k], 0, 0));
        GEOSGeometry *mpt = GEOSGeom_createPointFromXY_r(h, c.xy.x, c.xy.y);
        long near = in;
        if (in >= 0) {
            m->dist[k] = job_measure(j, prepared ? GEOSPreparedNearestPoints_r(h, j->pmb[in], mpt) : GEOSNearestPoints_r(h, j->mb[in], mpt));
        } else {
            double best = INFINITY, d;
            for (size_t i = 0; i < j->n; i++) {
                if (GEOSisEmpty_r(h, j->m[i])) continue;
                if ((prepared ? GEOSPreparedDistance_r(h, j->pm[i], mpt, &d) : GEOSDistance_r(h, j->m[i], mpt, &d)) && d < best)
                    best = d, near = (long)i;
            }
            m->dist[k] = near < 0 ? NAN : job_measure(j, prepared ? GEOSPreparedNearestPoints_r(h, j->pm[near], mpt) : GEOSNearestPoints_r(h, j->m[near], mpt));
        }
        m->answer[k] = in, m->nearest[k] = near;
        GEOSGeom_destroy_r(h, mpt);
        GEOSGeom_destroy_r(h, pt);
    }
    (void)ctx;
    return bench_now() - t0;
}

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

static double run_locate(park_ctx *ctx, const park_layer *l, const pts *p, long *ans, long *near, double *dist, int *failed) {
    park_locate_result r;
    double t0 = bench_now();
    for (size_t k = 0; k < p->n; k++) {
        if (park_locate_lonlat(ctx, l, p->lon[k], p->lat[k], PARK_DATUM_CGCS2000, &r) != PARK_OK) {
            (*failed)++;
            ans[k] = -2;
            continue;
        }
        ans[k] = r.inside ? (long)r.index : -1;
        if (near) near[k] = r.index == (size_t)-1 ? -1 : (long)r.index, dist[k] = r.distance_m;
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

/* Times one query (best EXPLAIN ANALYZE execution time of `repeat` runs) and
 * checks the plan used an index; 0 on success. */
static int pg_time(const char *q, int repeat, const char *sql, const char *out, double *best_s, int *index_used) {
    FILE *f = fopen(sql, "w");
    if (!f) return -1;
    fprintf(f, "SET enable_seqscan = off;\n");
    for (int r = 0; r < repeat; r++) fprintf(f, "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON) %s;\n", q);
    fprintf(f, "EXPLAIN %s;\n", q);
    fclose(f);
    if (psql_file(sql, out) != 0) return -1;
    f = fopen(out, "r");
    char line[1024];
    double best = INFINITY;
    *index_used = 0;
    while (f && fgets(line, sizeof line, f)) {
        const char *e = strstr(line, "Execution Time:");
        if (e) best = fmin(best, atof(e + 15) / 1000.0);
        if (strstr(line, "Index Scan") || strstr(line, "Bitmap Index Scan")) *index_used = 1;
    }
    if (f) fclose(f);
    *best_s = best;
    return isfinite(best) ? 0 : -1;
}

/* The answers of q (untimed): pid, containing idx, [nearest idx, distance]. */
static int pg_answers(const char *q, const pts *p, method *m, const char *sql, const char *out) {
    FILE *f = fopen(sql, "w");
    if (!f) return -1;
    fprintf(f, "SET enable_seqscan = off;\nCOPY (%s ORDER BY 1) TO STDOUT;\n", q);
    fclose(f);
    if (psql_file(sql, out) != 0) return -1;
    f = fopen(out, "r");
    char line[1024];
    size_t got = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *col[4] = {line, 0, 0, 0};
        for (int c = 1; c < 4 && col[c - 1]; c++) {
            char *tab = strchr(col[c - 1], '\t');
            if (tab) *tab = 0, col[c] = tab + 1;
        }
        if (!col[1]) continue;
        long pid = atol(col[0]);
        if (pid < 0 || (size_t)pid >= p->n) continue;
        m->answer[pid] = !strncmp(col[1], "\\N", 2) ? -1 : atol(col[1]);
        if (m->nearest && col[2] && col[3]) {
            m->nearest[pid] = !strncmp(col[2], "\\N", 2) ? -1 : atol(col[2]);
            m->dist[pid] = !strncmp(col[3], "\\N", 2) ? NAN : atof(col[3]);
        }
        got++;
    }
    if (f) fclose(f);
    if (got != p->n) {
        snprintf(m->note, sizeof m->note, "PostGIS returned %zu of %zu answers", got, p->n);
        return -1;
    }
    return 0;
}

/* 4 (containment, into m) and 7 (the same job as locate, into mj). */
static void run_postgis(park_ctx *ctx, const park_layer *l, const pts *p, int repeat, method *m, method *mj, const char *tmpdir) {
    char sql[512], out[512];
    snprintf(sql, sizeof sql, "%s/bench.sql", tmpdir);
    snprintf(out, sizeof out, "%s/bench.out", tmpdir);
    FILE *f = fopen(sql, "w");
    if (!f) return;
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
        snprintf(mj->note, sizeof mj->note, "loading into PostGIS failed");
        return;
    }
    /* With ten rows the planner would rightly scan the table; the point is to
     * measure through the GiST index, so sequential scans are off. */
    const char *q = "SELECT p.pid, (SELECT min(b.idx) FROM bench_parcels b WHERE ST_Contains(b.geom, p.geom)) FROM bench_pts p";
    /* the same job as locate: containment, then the geodesic distance to the
     * edge, or the nearest parcel by the index's KNN (<->, in degrees: it may
     * rank two parcels at nearly equal distance differently from locate's
     * metric plane) and the geodesic distance to it */
    const char *qj =
        "SELECT p.pid, c.idx, COALESCE(c.idx, n.idx), CASE WHEN c.idx IS NOT NULL"
        " THEN ST_Distance(ST_Boundary(c.geom)::geography, p.geom::geography)"
        " ELSE ST_Distance(n.geom::geography, p.geom::geography) END FROM bench_pts p"
        " LEFT JOIN LATERAL (SELECT b.idx, b.geom FROM bench_parcels b WHERE ST_Contains(b.geom, p.geom) ORDER BY b.idx LIMIT 1) c ON true"
        " LEFT JOIN LATERAL (SELECT b.idx, b.geom FROM bench_parcels b WHERE c.idx IS NULL ORDER BY b.geom <-> p.geom LIMIT 1) n ON true";
    int idx;
    if (pg_time(q, repeat, sql, out, &m->best_s, &idx) != 0) snprintf(m->note, sizeof m->note, "PostGIS query failed (see %s)", out);
    else if (pg_answers(q, p, m, sql, out) == 0) {
        m->ran = 1;
        snprintf(m->note, sizeof m->note, "server execution time%s", idx ? ", plan uses the GiST index" : ", plan WITHOUT index scan");
    }
    if (pg_time(qj, repeat, sql, out, &mj->best_s, &idx) != 0) snprintf(mj->note, sizeof mj->note, "PostGIS query failed (see %s)", out);
    else if (pg_answers(qj, p, mj, sql, out) == 0) {
        mj->ran = 1;
        snprintf(mj->note, sizeof mj->note, "server execution time%s", idx ? ", plan uses the GiST index" : ", plan WITHOUT index scan");
    }
    f = fopen(sql, "w");
    if (f) fprintf(f, "DROP TABLE bench_parcels, bench_pts;\n"), fclose(f), psql_file(sql, out);
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

    /* the same-job baselines' set-up (5, 6): locate's metric plane (the only
     * thing taken from its index), the parcels projected into it by the
     * library's own park_transform, boundaries, prepared versions, PJs */
    ts = bench_now();
    job jb = {.h = h, .n = np};
    park_layer_index *ix = NULL;
    int job_ok = wst == PARK_OK && park_query_index(ctx, l, &ix) == PARK_OK;
    jb.m = calloc(np ? np : 1, sizeof *jb.m), jb.mb = calloc(np ? np : 1, sizeof *jb.mb);
    jb.pm = calloc(np ? np : 1, sizeof *jb.pm), jb.pmb = calloc(np ? np : 1, sizeof *jb.pmb), jb.pll = prep;
    for (size_t i = 0; i < np && job_ok; i++) {
        job_ok = park_transform(ctx, park_layer_get(l, i)->geom, "EPSG:4490", ix->metric_crs, &jb.m[i]) == PARK_OK &&
                 (jb.mb[i] = GEOSBoundary_r(h, jb.m[i])) && (jb.pm[i] = GEOSPrepare_r(h, jb.m[i])) &&
                 (jb.pmb[i] = GEOSPrepare_r(h, jb.mb[i]));
    }
    if (job_ok) {
        PJ *raw = proj_create_crs_to_crs(ctx->proj, "EPSG:4490", ix->metric_crs, NULL);
        jb.fwd = raw ? proj_normalize_for_visualization(ctx->proj, raw) : NULL;
        if (raw) proj_destroy(raw);
        raw = proj_create_crs_to_crs(ctx->proj, ix->metric_crs, "EPSG:4490", NULL);
        jb.inv = raw ? proj_normalize_for_visualization(ctx->proj, raw) : NULL;
        if (raw) proj_destroy(raw);
        geod_init(&jb.gd, 6378137.0, 1 / 298.257222101); /* GRS80, the CGCS2000 ellipsoid */
        job_ok = jb.fwd && jb.inv;
    }
    double setup_job = bench_now() - ts;

    enum { RAW, PREP, TREE, LOCATE, PG, JRAW, JPREP, JPG, NM };
    method m[NM] = {{.name = "GEOSContains loop over raw polygons (baseline)"},
                    {.name = "GEOSPreparedContains loop, no index"},
                    {.name = "STRtree + prepared, containment only"},
                    {.name = "parkgis park_locate_lonlat (+ distance, nearest)"},
                    {.name = "PostGIS ST_Contains + GiST index"},
                    {.name = "same job: raw GEOS loop (Contains, Distance, NP)"},
                    {.name = "same job: prepared GEOS loop"},
                    {.name = "same job: PostGIS GiST, KNN <->, geography"}};
    for (int i = 0; i < NM; i++) {
        m[i].answer = malloc(n * sizeof(long)), m[i].best_s = INFINITY;
        if (i == LOCATE || i >= JRAW) m[i].nearest = malloc(n * sizeof(long)), m[i].dist = malloc(n * sizeof(double));
    }
    int locate_failed = 0;
    for (int r = 0; r < repeat; r++) {
        m[RAW].best_s = fmin(m[RAW].best_s, run_raw(ctx, l, &p, m[RAW].answer));
        m[PREP].best_s = fmin(m[PREP].best_s, run_prepared(ctx, prep, np, &p, m[PREP].answer));
        m[TREE].best_s = fmin(m[TREE].best_s, run_tree(ctx, tree, prep, &p, m[TREE].answer));
        if (wst == PARK_OK)
            m[LOCATE].best_s = fmin(m[LOCATE].best_s, run_locate(ctx, l, &p, m[LOCATE].answer, m[LOCATE].nearest, m[LOCATE].dist, &locate_failed));
        if (job_ok) {
            m[JRAW].best_s = fmin(m[JRAW].best_s, run_job(ctx, l, &jb, 0, &p, &m[JRAW]));
            m[JPREP].best_s = fmin(m[JPREP].best_s, run_job(ctx, l, &jb, 1, &p, &m[JPREP]));
        }
    }
    m[RAW].ran = m[PREP].ran = m[TREE].ran = 1;
    m[LOCATE].ran = wst == PARK_OK;
    m[JRAW].ran = m[JPREP].ran = job_ok;
    if (wst != PARK_OK) snprintf(m[LOCATE].note, sizeof m[LOCATE].note, "failed: %s", park_ctx_errmsg(ctx));
    else snprintf(m[LOCATE].note, sizeof m[LOCATE].note, "index built by the first call in %.1f ms (not timed)", setup_locate * 1e3);
    snprintf(m[PREP].note, sizeof m[PREP].note, "preparing + STRtree for 2-3: %.1f ms (not timed)", setup_bench * 1e3);
    snprintf(m[JRAW].note, sizeof m[JRAW].note, job_ok ? "projecting + preparing for 5-6: %.1f ms (not timed)" : "set-up failed", setup_job * 1e3);

    if (!use_pg) snprintf(m[PG].note, sizeof m[PG].note, "skipped (--no-pg)"), snprintf(m[JPG].note, sizeof m[JPG].note, "skipped (--no-pg)");
    else if (!have_pg()) {
        snprintf(m[PG].note, sizeof m[PG].note, "skipped: no PostgreSQL reachable (bench/run.sh starts tools/pg-scratch.sh)");
        snprintf(m[JPG].note, sizeof m[JPG].note, "skipped: no PostgreSQL reachable");
    } else {
        char tmpl[] = "/tmp/parkgis-bench.XXXXXX";
        if (mkdtemp(tmpl)) {
            run_postgis(ctx, l, &p, repeat, &m[PG], &m[JPG], tmpl);
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
        if (i == JRAW) printf("-- the same job as park_locate_lonlat (containment + distance to the edge, or nearest parcel + distance):\n");
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
    /* the same-job answers against locate's: nearest parcel and distance */
    if (m[LOCATE].ran) {
        printf("\nsame job vs park_locate_lonlat, point by point: nearest parcel differs / distance differs by > 1 mm / largest difference\n");
        for (int i = JRAW; i < NM; i++) {
            if (!m[i].ran) continue;
            long dn = 0, dd = 0;
            double maxd = 0;
            for (size_t k = 0; k < n; k++) {
                dn += m[i].nearest[k] != m[LOCATE].nearest[k];
                double e = fabs(m[i].dist[k] - m[LOCATE].dist[k]);
                if (!(e <= 1e-3)) dd++;
                if (m[i].nearest[k] == m[LOCATE].nearest[k] && isfinite(e)) maxd = fmax(maxd, e);
            }
            /* the GEOS loops measure exactly as locate does: they must agree */
            if (i != JPG && (dn || dd)) bad = 1;
            printf("  %-48s %8ld %8ld   %.3g m%s\n", m[i].name, dn, dd, maxd,
                   i == JPG ? " (informative: degrees ranking, PostGIS's own geodesic edges)" : "");
        }
    }
    /* the fair comparison: locate against the baselines that do its job */
    if (m[LOCATE].ran && job_ok) {
        printf("\npark_locate_lonlat vs the same job: %.2fx the raw GEOS loop, %.2fx the prepared GEOS loop",
               m[JRAW].best_s / m[LOCATE].best_s, m[JPREP].best_s / m[LOCATE].best_s);
        if (m[JPG].ran) printf(", %.2fx PostGIS", m[JPG].best_s / m[LOCATE].best_s);
        printf("\n  (vs containment only, which does less: %.2fx the raw loop, %.2fx STRtree + prepared)\n",
               m[RAW].best_s / m[LOCATE].best_s, m[TREE].best_s / m[LOCATE].best_s);
    }
    /* where locate's time goes: points inside (containment + distance to the
     * edge) vs outside (containment + nearest-parcel search) */
    if (m[LOCATE].ran && inside > 0 && inside < (long)n) {
        pts in = {malloc(inside * sizeof(double)), malloc(inside * sizeof(double)), 0};
        pts out = {malloc((n - inside) * sizeof(double)), malloc((n - inside) * sizeof(double)), 0};
        for (size_t k = 0; k < n; k++) {
            pts *d = m[RAW].answer[k] >= 0 ? &in : &out;
            d->lon[d->n] = p.lon[k], d->lat[d->n++] = p.lat[k];
        }
        method tmp = {.name = "", .answer = malloc(n * sizeof(long)), .nearest = malloc(n * sizeof(long)), .dist = malloc(n * sizeof(double))};
        double tin = INFINITY, tout = INFINITY, traw_in = INFINITY, traw_out = INFINITY;
        double tj_in = INFINITY, tj_out = INFINITY, tp_in = INFINITY, tp_out = INFINITY;
        for (int r = 0; r < repeat; r++) {
            tin = fmin(tin, run_locate(ctx, l, &in, tmp.answer, NULL, NULL, &locate_failed));
            tout = fmin(tout, run_locate(ctx, l, &out, tmp.answer, NULL, NULL, &locate_failed));
            traw_in = fmin(traw_in, run_raw(ctx, l, &in, tmp.answer));
            traw_out = fmin(traw_out, run_raw(ctx, l, &out, tmp.answer));
            if (job_ok) {
                tj_in = fmin(tj_in, run_job(ctx, l, &jb, 0, &in, &tmp));
                tj_out = fmin(tj_out, run_job(ctx, l, &jb, 0, &out, &tmp));
                tp_in = fmin(tp_in, run_job(ctx, l, &jb, 1, &in, &tmp));
                tp_out = fmin(tp_out, run_job(ctx, l, &jb, 1, &out, &tmp));
            }
        }
        printf("\nlocate by case (same points per case; speed = baseline time / locate time):\n");
        printf("  %-8s %8s %11s %20s %20s %20s\n", "case", "points", "µs/point*", "vs raw containment", "vs raw same job", "vs prepared same job");
        printf("  %-8s %8zu %11.3f %19.2fx %19.2fx %19.2fx\n", "inside", in.n, tin / in.n * 1e6, traw_in / tin, tj_in / tin, tp_in / tin);
        printf("  %-8s %8zu %11.3f %19.2fx %19.2fx %19.2fx\n", "outside", out.n, tout / out.n * 1e6, traw_out / tout, tj_out / tout, tp_out / tout);
        free(tmp.answer), free(tmp.nearest), free(tmp.dist), free(in.lon), free(in.lat), free(out.lon), free(out.lat);
    }
    printf("\n* this machine, this run: for context only; the ratios are the result.\n"
           "  speed > 1x = faster than the raw loop. locate does more work per point than 2-4 (see header);\n"
           "  5-7 do the same work as locate.\n");
    if (bad) printf("WARNING: methods disagree on %s points (or locate failed %d times): check above\n", "some", locate_failed);

    for (int i = 0; i < NM; i++) free(m[i].answer), free(m[i].nearest), free(m[i].dist);
    for (size_t i = 0; i < np; i++) {
        if (jb.pm[i]) GEOSPreparedGeom_destroy_r(h, jb.pm[i]);
        if (jb.pmb[i]) GEOSPreparedGeom_destroy_r(h, jb.pmb[i]);
        if (jb.m[i]) GEOSGeom_destroy_r(h, jb.m[i]);
        if (jb.mb[i]) GEOSGeom_destroy_r(h, jb.mb[i]);
    }
    free(jb.m), free(jb.mb), free(jb.pm), free(jb.pmb);
    if (jb.fwd) proj_destroy(jb.fwd);
    if (jb.inv) proj_destroy(jb.inv);
    GEOSSTRtree_destroy_r(h, tree);
    for (size_t i = 0; i < np; i++) GEOSPreparedGeom_destroy_r(h, prep[i]);
    free(prep), free(ids), free(p.lon), free(p.lat);
    park_layer_free(l);
    park_ctx_free(ctx);
    return bad ? 1 : 0;
}
