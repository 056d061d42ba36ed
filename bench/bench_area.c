/* bench_area.c - what the geodesic area costs against planar ones, measured in
 * one run on the same parcels:
 *   1. park_area_geodesic: PROJ's geodesic polygon area (Karney) on the
 *      CGCS2000 ellipsoid, straight from lon/lat (what `parkgis area` reports);
 *   2. park_area_planar in EPSG:4549: reproject every vertex with PROJ, then the
 *      planar area (GEOSArea);
 *   3. GEOSArea on geometries projected to EPSG:4549 beforehand (the floor: what
 *      a planar answer costs once the data already sits in a projected CRS).
 * Also prints how far the planar areas are from the geodesic ones (the
 * Gauss-Kruger scale error of EPSG:4549 at Baoshan's longitude), so the price
 * and the accuracy are seen together. Ratios are the result; times are context.
 *   bench_area [--repeat R] [--data LAYER] [--smoke] */
#include <getopt.h>
#include <math.h>

#include "bench_common.h"

int main(int argc, char **argv) {
    static const struct option opts[] = {{"repeat", required_argument, 0, 'r'}, {"data", required_argument, 0, 'd'},
                                         {"smoke", no_argument, 0, 'S'},          {"help", no_argument, 0, 'h'},
                                         {"no-pg", no_argument, 0, 'P'}, /* accepted: the benches share ctest's arguments */
                                         {0, 0, 0, 0}};
    int repeat = 2000, c;
    const char *data = NULL;
    while ((c = getopt_long(argc, argv, "r:d:h", opts, NULL)) != -1) {
        if (c == 'r') repeat = atoi(optarg);
        else if (c == 'd') data = optarg;
        else if (c == 'S') repeat = 3;
        else if (c == 'P') continue;
        else {
            fprintf(c == 'h' ? stdout : stderr, "usage: bench_area [--repeat R] [--data LAYER] [--smoke] [--no-pg]\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (repeat < 1) {
        fprintf(stderr, "bench_area: --repeat must be positive\n");
        return 2;
    }
    park_ctx *ctx = park_ctx_new();
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    char buf[4096];
    const char *what, *path = bench_layer_path(data, buf, sizeof buf, &what);
    park_layer *l = NULL;
    if (park_layer_read(ctx, path, NULL, NULL, &l) != PARK_OK) {
        fprintf(stderr, "bench_area: %s\n", park_ctx_errmsg(ctx));
        park_ctx_free(ctx);
        return 3;
    }
    size_t np = park_layer_count(l);
    printf("area: %zu parcels (%zu vertices) of %s (%s), each area computed %d times per method\n\n", np,
           bench_vertices(ctx, l), path, what, repeat);

    GEOSGeometry **proj = calloc(np ? np : 1, sizeof *proj);
    double *geo = calloc(np ? np : 1, sizeof *geo), *pla = calloc(np ? np : 1, sizeof *pla);
    int bad = 0;
    for (size_t i = 0; i < np; i++)
        if (park_transform(ctx, park_layer_get(l, i)->geom, "EPSG:4490", "EPSG:4549", &proj[i]) != PARK_OK) bad = 1;
    /* warm the PROJ transformation cache before timing */
    double sink = 0, a;
    if (!bad && np) park_area_planar(ctx, park_layer_get(l, 0)->geom, "EPSG:4549", &a);

    double t[3] = {INFINITY, INFINITY, INFINITY};
    for (int round = 0; round < 3 && !bad; round++) {
        double t0 = bench_now();
        for (int r = 0; r < repeat; r++)
            for (size_t i = 0; i < np; i++) bad |= park_area_geodesic(ctx, park_layer_get(l, i)->geom, &geo[i]) != PARK_OK;
        double t1 = bench_now();
        for (int r = 0; r < repeat; r++)
            for (size_t i = 0; i < np; i++)
                bad |= park_area_planar(ctx, park_layer_get(l, i)->geom, "EPSG:4549", &pla[i]) != PARK_OK;
        double t2 = bench_now();
        for (int r = 0; r < repeat; r++)
            for (size_t i = 0; i < np; i++) bad |= !GEOSArea_r(h, proj[i], &a), sink += a;
        double t3 = bench_now();
        t[0] = fmin(t[0], t1 - t0), t[1] = fmin(t[1], t2 - t1), t[2] = fmin(t[2], t3 - t2);
    }
    if (bad) {
        fprintf(stderr, "bench_area: an area computation failed: %s\n", park_ctx_errmsg(ctx));
    } else {
        double calls = (double)repeat * np;
        const char *name[3] = {"park_area_geodesic (PROJ geodesic, CGCS2000)", "park_area_planar EPSG:4549 (reproject + area)",
                               "GEOSArea on pre-projected EPSG:4549"};
        printf("%-48s %18s %12s\n", "method", "cost vs geodesic", "µs/parcel*");
        for (int k = 0; k < 3; k++) printf("%-48s %17.3gx %12.3f\n", name[k], t[k] / t[0], t[k] / calls * 1e6);
        double maxd = 0, sumd = 0;
        for (size_t i = 0; i < np; i++) {
            double d = 100.0 * (pla[i] - geo[i]) / geo[i];
            sumd += d;
            if (fabs(d) > fabs(maxd)) maxd = d;
        }
        printf("\nplanar (EPSG:4549) minus geodesic: mean %+.4f %%, largest %+.4f %% (the Gauss-Kruger scale error)\n",
               np ? sumd / np : 0, maxd);
        printf("\n* this machine, this run: for context only; the ratios are the result (checksum %.0f)\n", sink / repeat);
    }
    for (size_t i = 0; i < np; i++)
        if (proj[i]) GEOSGeom_destroy_r(h, proj[i]);
    free(proj), free(geo), free(pla);
    park_layer_free(l);
    park_ctx_free(ctx);
    return bad ? 1 : 0;
}
