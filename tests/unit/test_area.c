/* test_area.c - area and CRS transforms (store/crs.c). */
#include "parkgis.h"
#include "internal.h"
#include "test.h"

/* A 1 km x 1 km square near 121.4E 31.4N, drawn in EPSG:4549 (CGCS2000 / GK
 * CM 120E) and taken back to lon/lat. Its planar area in 4549 must come back as
 * 1 km² (round trip), and its geodesic area must agree with an independent
 * computation: the planar area in a Lambert azimuthal equal-area projection
 * centred on the square (an equal-area map, so areas are true). */
static void test_square_1km(park_ctx *ctx) {
    double x0 = 121.4, y0 = 31.4;
    CHECK_STATUS(park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &x0, &y0), PARK_OK);
    char wkt[512];
    snprintf(wkt, sizeof wkt, "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))", x0, y0, x0 + 1000, y0,
             x0 + 1000, y0 + 1000, x0, y0 + 1000, x0, y0);
    GEOSGeometry *sq = park_geom_from_wkt(ctx, wkt);
    GEOSGeometry *ll = NULL;
    CHECK_STATUS(park_transform(ctx, sq, "EPSG:4549", "EPSG:4490", &ll), PARK_OK);
    double planar = 0, geod = 0, laea = 0;
    CHECK_STATUS(park_area_planar(ctx, ll, "EPSG:4549", &planar), PARK_OK);
    CHECK_NEAR(planar, 1e6, 0.5); /* round trip: sub-mm vertex error */
    CHECK_STATUS(park_area_geodesic(ctx, ll, &geod), PARK_OK);
    CHECK_STATUS(park_area_planar(ctx, ll, "+proj=laea +lat_0=31.4045 +lon_0=121.405 +ellps=GRS80 +type=crs", &laea), PARK_OK);
    CHECK_NEAR(geod, laea, 0.5);
    /* GK scale at 1.4 deg from the central meridian: k ~ 1.000217, so the true
     * area of a 1 km² map square is about 1e6 / k² ~ 999,566 m². */
    CHECK_NEAR(geod, 999566, 20);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), sq);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), ll);
}

static void test_holes_and_multi(park_ctx *ctx) {
    GEOSGeometry *a = park_geom_from_wkt(ctx, "POLYGON((121.4 31.4,121.41 31.4,121.41 31.41,121.4 31.41,121.4 31.4))");
    GEOSGeometry *h = park_geom_from_wkt(ctx,
        "POLYGON((121.4 31.4,121.41 31.4,121.41 31.41,121.4 31.41,121.4 31.4),(121.402 31.402,121.404 31.402,121.404 31.404,121.402 31.404,121.402 31.402))");
    GEOSGeometry *m = park_geom_from_wkt(ctx,
        "MULTIPOLYGON(((121.4 31.4,121.41 31.4,121.41 31.41,121.4 31.41,121.4 31.4)),((121.5 31.4,121.51 31.4,121.51 31.41,121.5 31.41,121.5 31.4)))");
    double aa, ah, am;
    CHECK_STATUS(park_area_geodesic(ctx, a, &aa), PARK_OK);
    CHECK_STATUS(park_area_geodesic(ctx, h, &ah), PARK_OK);
    CHECK_STATUS(park_area_geodesic(ctx, m, &am), PARK_OK);
    CHECK(aa > 0.9e6 && aa < 1.1e6);
    CHECK_NEAR(ah, aa * (1 - 0.04), aa * 0.001); /* hole is 4% of the square */
    CHECK_NEAR(am, 2 * aa, aa * 0.001);
    /* ring orientation does not change the area */
    GEOSGeometry *rev = park_geom_from_wkt(ctx, "POLYGON((121.4 31.4,121.4 31.41,121.41 31.41,121.41 31.4,121.4 31.4))");
    double ar;
    CHECK_STATUS(park_area_geodesic(ctx, rev, &ar), PARK_OK);
    CHECK_NEAR(ar, aa, 1e-3);
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    GEOSGeom_destroy_r(g, a), GEOSGeom_destroy_r(g, h), GEOSGeom_destroy_r(g, m), GEOSGeom_destroy_r(g, rev);
}

static void test_bad_crs(park_ctx *ctx) {
    double x = 121.4, y = 31.4;
    CHECK_STATUS(park_transform_xy(ctx, "EPSG:4490", "EPSG:999999", &x, &y), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "EPSG:999999") != NULL);
    /* a bare name is refused: PROJ would match "FOO" approximately (to Amersfoort) */
    x = 1, y = 2;
    CHECK_STATUS(park_transform_xy(ctx, "FOO", "EPSG:4490", &x, &y), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "unknown CRS 'FOO'") != NULL);
    CHECK(x == 1 && y == 2);
    /* the unambiguous forms still work: URN, PROJ string */
    CHECK_STATUS(park_transform_xy(ctx, "urn:ogc:def:crs:EPSG::4490", "+proj=utm +zone=51 +ellps=GRS80 +type=crs", &x, &y), PARK_OK);
    GEOSGeometry *a = park_geom_from_wkt(ctx, "POLYGON((121.4 31.4,121.41 31.4,121.41 31.41,121.4 31.41,121.4 31.4))");
    double m2;
    CHECK_STATUS(park_area_planar(ctx, a, "EPSG:4326", &m2), PARK_ERR_USAGE); /* geographic: refused */
    GEOSGeom_destroy_r(park_ctx_geos(ctx), a);
}

static void test_distance(park_ctx *ctx) {
    /* one degree of latitude at 31N on GRS80 is ~110.86 km */
    CHECK_NEAR(park_geodesic_distance(ctx, 121.4, 31.0, 121.4, 32.0), 110860, 100);
}

/* Perimeter and line length (park_perimeter_geodesic / park_length_geodesic) of
 * a square of 1° sides with its south-west corner at (0, 0), checked against
 * figures made here without PROJ, from the GRS80 ellipse (a = 6378137 m,
 * f = 1/298.257222101):
 *  - the south side lies on the equator (a geodesic): a·π/180;
 *  - the west and east sides are meridian arcs 0°..1°: a(1−e²)∫(1−e² sin²φ)^−3/2 dφ,
 *    by Simpson's rule (2000 steps, exact to far below a millimetre);
 *  - the north side is the geodesic between (1, 1) and (0, 1): the parallel arc
 *    N(1°)·cos 1°·π/180, longer than the geodesic by ~L³tan²φ/(24R²) ≈ 0.4 mm.
 * Sum ≈ 443,770 m; the tolerance (5 mm) covers the last term. */
static double meridian_arc(double lat_deg) {
    const double a = 6378137.0, f = 1 / 298.257222101, e2 = f * (2 - f);
    const int n = 2000;
    double h = lat_deg * M_PI / 180 / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double sp = sin(i * h), v = pow(1 - e2 * sp * sp, -1.5);
        s += v * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
    }
    return a * (1 - e2) * s * h / 3;
}

static void test_perimeter(park_ctx *ctx) {
    const double a = 6378137.0, f = 1 / 298.257222101, e2 = f * (2 - f), d = M_PI / 180;
    double n1 = a / sqrt(1 - e2 * sin(d) * sin(d));
    double want = a * d + 2 * meridian_arc(1) + n1 * cos(d) * d;
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    GEOSGeometry *sq = park_geom_from_wkt(ctx, "POLYGON((0 0,1 0,1 1,0 1,0 0))");
    GEOSGeometry *ring = park_geom_from_wkt(ctx, "LINESTRING(0 0,1 0,1 1,0 1,0 0)");
    CHECK_NEAR(park_perimeter_geodesic(ctx, sq), want, 0.005);
    CHECK_NEAR(park_length_geodesic(ctx, ring), want, 0.005);
    /* a polygon's length as lines is 0, a line's perimeter 0 */
    CHECK(park_length_geodesic(ctx, sq) == 0 && park_perimeter_geodesic(ctx, ring) == 0);
    /* every ring counts, holes included; MultiPolygon and collection parts add up */
    GEOSGeometry *holed = park_geom_from_wkt(ctx, "POLYGON((0 0,1 0,1 1,0 1,0 0),(0 0,0 1,1 1,1 0,0 0))");
    CHECK_NEAR(park_perimeter_geodesic(ctx, holed), 2 * want, 0.01);
    GEOSGeometry *multi = park_geom_from_wkt(ctx, "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((0 -1,1 -1,1 0,0 0,0 -1)))");
    CHECK_NEAR(park_perimeter_geodesic(ctx, multi), 2 * want, 0.01); /* the southern square mirrors the northern */
    GEOSGeometry *coll = park_geom_from_wkt(ctx, "GEOMETRYCOLLECTION(POINT(5 5),LINESTRING(0 0,1 0,1 1,0 1,0 0),POLYGON((0 0,1 0,1 1,0 1,0 0)))");
    CHECK_NEAR(park_perimeter_geodesic(ctx, coll), want, 0.005);
    CHECK_NEAR(park_length_geodesic(ctx, coll), want, 0.005);
    GEOSGeom_destroy_r(g, sq), GEOSGeom_destroy_r(g, ring), GEOSGeom_destroy_r(g, holed), GEOSGeom_destroy_r(g, multi), GEOSGeom_destroy_r(g, coll);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_square_1km(ctx);
    test_holes_and_multi(ctx);
    test_bad_crs(ctx);
    test_distance(ctx);
    test_perimeter(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
