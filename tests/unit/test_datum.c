/* test_datum.c - GCJ-02 / BD-09 obfuscations and their exact inverses (query/datum.c).
 *
 * Published vectors (third-party libraries implementing the same formula):
 *  [E] googollee/eviltransform c/test.c: wgs -> gcj for Shanghai, Shenzhen, Beijing
 *      (compared there to 6 decimals; its gcj2wgs_exact must land within 0.5 m).
 *  [C] wandergis/coordtransform test/app.js at (116.404, 39.915): wgs84togcj02,
 *      gcj02tobd09 and the one-step approximate gcj02towgs84 / bd09togcj02.
 *  [G] hujiulong/gcoord test/unit/crs/{WGS84,GCJ02,BD09}.spec.ts at (123, 45),
 *      compared there to 5 decimals; gcoord's GCJ02->WGS84 iterates to 1e-6 deg,
 *      its BD09->GCJ02 is the one-step approximation. */
#include "parkgis.h"
#include "internal.h"
#include "test.h"

/* metres between two lon/lat points */
static double dist_m(park_ctx *ctx, double lon1, double lat1, double lon2, double lat2) {
    return park_geodesic_distance(ctx, lon1, lat1, lon2, lat2);
}

static void test_forward_vectors(void) {
    double g[2], b[2];
    /* [E] (lat, lng order in the source; lon, lat here) */
    park_wgs84_to_gcj02(121.5272106, 31.1774276, &g[0], &g[1]);
    CHECK_NEAR(g[0], 121.531541859215, 1e-9);
    CHECK_NEAR(g[1], 31.17530398364597, 1e-9);
    park_wgs84_to_gcj02(113.912316, 22.543847, &g[0], &g[1]);
    CHECK_NEAR(g[0], 113.9171764808363, 1e-9);
    CHECK_NEAR(g[1], 22.540796131694766, 1e-9);
    park_wgs84_to_gcj02(116.377817, 39.911954, &g[0], &g[1]);
    CHECK_NEAR(g[0], 116.38404722455657, 1e-9);
    CHECK_NEAR(g[1], 39.91334545536069, 1e-9);
    /* [C] */
    park_wgs84_to_gcj02(116.404, 39.915, &g[0], &g[1]);
    CHECK_NEAR(g[0], 116.41024449916938, 1e-10);
    CHECK_NEAR(g[1], 39.91640428150164, 1e-10);
    park_gcj02_to_bd09(116.404, 39.915, &b[0], &b[1]);
    CHECK_NEAR(b[0], 116.41036949371029, 1e-10);
    CHECK_NEAR(b[1], 39.92133699351021, 1e-10);
    /* [G] */
    park_wgs84_to_gcj02(123, 45, &g[0], &g[1]);
    CHECK_NEAR(g[0], 123.00607541, 1e-8);
    CHECK_NEAR(g[1], 45.00197815, 1e-8);
    park_gcj02_to_bd09(123, 45, &b[0], &b[1]);
    CHECK_NEAR(b[0], 123.00636499, 1e-8);
    CHECK_NEAR(b[1], 45.00636899, 1e-8);
    /* outside the China box GCJ-02 is WGS84 ([G]: (183, 45) unchanged) */
    park_wgs84_to_gcj02(2.35, 48.85, &g[0], &g[1]);
    CHECK(g[0] == 2.35 && g[1] == 48.85);
}

static void test_inverse_vectors(park_ctx *ctx) {
    double w[2];
    /* [E]: the exact inverse of each GCJ point must come back within 0.5 m
     * (the source's own bound); ours is exact to the forward's precision, so
     * we ask for 1 cm (the 6-decimal WGS input is the only error left). */
    static const double e[3][4] = {{121.5272106, 31.1774276, 121.531541859215, 31.17530398364597},
                                   {113.912316, 22.543847, 113.9171764808363, 22.540796131694766},
                                   {116.377817, 39.911954, 116.38404722455657, 39.91334545536069}};
    for (int i = 0; i < 3; i++) {
        park_gcj02_to_wgs84(e[i][2], e[i][3], &w[0], &w[1]);
        CHECK(dist_m(ctx, w[0], w[1], e[i][0], e[i][1]) < 0.01);
    }
    /* [G] GCJ02 -> WGS84 at (123, 45), 5 decimals */
    park_gcj02_to_wgs84(123, 45, &w[0], &w[1]);
    CHECK_NEAR(w[0], 122.99395597, 1e-5);
    CHECK_NEAR(w[1], 44.99804071, 1e-5);
    /* [C]'s one-step approximate gcj02towgs84 is within a few metres of the exact answer
     * but is not exact: the exact one must differ from it (else we did not iterate)
     * and be closer to a true inverse. */
    park_gcj02_to_wgs84(116.404, 39.915, &w[0], &w[1]);
    double d_approx = dist_m(ctx, w[0], w[1], 116.39775550083061, 39.91359571849836);
    CHECK(d_approx < 5.0);
    CHECK(d_approx > 0.01);
    double f[2];
    park_wgs84_to_gcj02(w[0], w[1], &f[0], &f[1]);
    CHECK(dist_m(ctx, f[0], f[1], 116.404, 39.915) < 1e-3);
    park_wgs84_to_gcj02(116.39775550083061, 39.91359571849836, &f[0], &f[1]);
    CHECK(dist_m(ctx, f[0], f[1], 116.404, 39.915) > 0.01); /* the approximation's residual */
    /* BD09 -> GCJ02: [C] and [G] give the one-step approximation; the exact
     * inverse is within a metre of it. */
    double g[2];
    park_bd09_to_gcj02(116.404, 39.915, &g[0], &g[1]);
    CHECK(dist_m(ctx, g[0], g[1], 116.39762729119315, 39.90865673957631) < 1.0);
    park_bd09_to_gcj02(123, 45, &g[0], &g[1]);
    CHECK_NEAR(g[0], 122.99363304, 1e-5);
    CHECK_NEAR(g[1], 44.99365430, 1e-5);
    double b[2];
    park_gcj02_to_bd09(g[0], g[1], &b[0], &b[1]);
    CHECK_NEAR(b[0], 123, 1e-9);
    CHECK_NEAR(b[1], 45, 1e-9);
    /* [G] BD09 -> WGS84 at (123, 45) */
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_BD09, 123, 45, &w[0], &w[1]), PARK_OK);
    CHECK_NEAR(w[0], 122.98762210, 1e-5);
    CHECK_NEAR(w[1], 44.99171540, 1e-5);
}

/* Round trips over a grid covering China and, densely, the Baoshan area:
 * WGS -> GCJ -> WGS and WGS -> BD -> WGS must come back within 1 mm
 * (the brief's bound is 0.5 m). Reports the worst residual. */
static void test_round_trips(park_ctx *ctx) {
    double worst_gcj = 0, worst_bd = 0;
    int n = 0;
    for (double lon = 73.5; lon <= 135; lon += 0.73)
        for (double lat = 18.5; lat <= 53.5; lat += 0.41) {
            double g[2], b[2], w[2], w2[2];
            park_wgs84_to_gcj02(lon, lat, &g[0], &g[1]);
            park_gcj02_to_bd09(g[0], g[1], &b[0], &b[1]);
            CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_GCJ02, g[0], g[1], &w[0], &w[1]), PARK_OK);
            CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_BD09, b[0], b[1], &w2[0], &w2[1]), PARK_OK);
            worst_gcj = fmax(worst_gcj, dist_m(ctx, lon, lat, w[0], w[1]));
            worst_bd = fmax(worst_bd, dist_m(ctx, lon, lat, w2[0], w2[1]));
            n++;
        }
    for (double lon = 121.30; lon <= 121.55; lon += 0.0037)
        for (double lat = 31.25; lat <= 31.50; lat += 0.0041) {
            double g[2], w[2];
            park_wgs84_to_gcj02(lon, lat, &g[0], &g[1]);
            park_gcj02_to_wgs84(g[0], g[1], &w[0], &w[1]);
            worst_gcj = fmax(worst_gcj, dist_m(ctx, lon, lat, w[0], w[1]));
            n++;
        }
    printf("round trips: %d points, worst GCJ-02 residual %.2e m, worst BD-09 residual %.2e m\n", n, worst_gcj,
           worst_bd);
    CHECK(worst_gcj < 1e-3);
    CHECK(worst_bd < 1e-3);
    /* the offset itself is hundreds of metres: if the inverse did nothing the
     * check above could not pass */
    double g[2];
    park_wgs84_to_gcj02(121.4, 31.4, &g[0], &g[1]);
    double off = dist_m(ctx, 121.4, 31.4, g[0], g[1]);
    CHECK(off > 300 && off < 800);
}

static void test_parse_and_range(park_ctx *ctx) {
    park_datum d = PARK_DATUM_WGS84;
    CHECK_STATUS(park_datum_parse(ctx, "GCJ02", &d), PARK_OK);
    CHECK(d == PARK_DATUM_GCJ02);
    CHECK_STATUS(park_datum_parse(ctx, "bd09", &d), PARK_OK);
    CHECK(d == PARK_DATUM_BD09);
    CHECK_STATUS(park_datum_parse(ctx, "cgcs2000", &d), PARK_OK);
    CHECK(d == PARK_DATUM_CGCS2000);
    CHECK_STATUS(park_datum_parse(ctx, "wgs84", &d), PARK_OK);
    CHECK(d == PARK_DATUM_WGS84);
    CHECK_STATUS(park_datum_parse(ctx, "mars", &d), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "'mars'") && strstr(park_ctx_errmsg(ctx), "gcj02"));
    double w[2];
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_WGS84, 121.4, 91, &w[0], &w[1]), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "latitude 91") != NULL);
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_GCJ02, 181, 31, &w[0], &w[1]), PARK_ERR_USAGE);
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_GCJ02, NAN, 31, &w[0], &w[1]), PARK_ERR_USAGE);
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_BD09, 121, INFINITY, &w[0], &w[1]), PARK_ERR_USAGE);
    /* CGCS2000 passes through unchanged */
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_CGCS2000, 121.4, 31.4, &w[0], &w[1]), PARK_OK);
    CHECK(w[0] == 121.4 && w[1] == 31.4);
    /* outside China the GCJ inverse is the identity */
    CHECK_STATUS(park_datum_to_wgs84(ctx, PARK_DATUM_GCJ02, 2.35, 48.85, &w[0], &w[1]), PARK_OK);
    CHECK(w[0] == 2.35 && w[1] == 48.85);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_forward_vectors();
    test_inverse_vectors(ctx);
    test_round_trips(ctx);
    test_parse_and_range(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
