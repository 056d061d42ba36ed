/* test_locate.c - point-in-parcel and distances (query/locate.c).
 *
 * Squares drawn in EPSG:4549 metres near 121.4E 31.4N; expected distances are
 * the geodesic lengths of the known shortest map segments (see test_adjacency.c). */
#include "parkgis.h"
#include "internal.h"
#include "store/store.h"
#include "test.h"

static double X0, Y0;

static void to_ll(park_ctx *ctx, double dx, double dy, double *lon, double *lat) {
    *lon = X0 + dx, *lat = Y0 + dy;
    park_transform_xy(ctx, "EPSG:4549", "EPSG:4490", lon, lat);
}

static double geod_len(park_ctx *ctx, double x1, double y1, double x2, double y2) {
    double a, b, c, d;
    to_ll(ctx, x1, y1, &a, &b);
    to_ll(ctx, x2, y2, &c, &d);
    return park_geodesic_distance(ctx, a, b, c, d);
}

static GEOSGeometry *rect(park_ctx *ctx, double x1, double y1, double x2, double y2) {
    char wkt[512];
    snprintf(wkt, sizeof wkt, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", X0 + x1, Y0 + y1, X0 + x2,
             Y0 + y1, X0 + x2, Y0 + y2, X0 + x1, Y0 + y2, X0 + x1, Y0 + y1);
    GEOSGeometry *m = park_geom_from_wkt(ctx, wkt), *ll = NULL;
    GEOSGeometry *dm = GEOSDensify_r(park_ctx_geos(ctx), m, 50);
    park_transform(ctx, dm, "EPSG:4549", "EPSG:4490", &ll);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), m);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), dm);
    return ll;
}

static void add(park_ctx *ctx, park_layer *l, const char *id, GEOSGeometry *g) {
    park_parcel p = {0};
    p.id = (char *)id, p.name = (char *)id, p.layout = "", p.provenance = "test", p.four_to = "";
    p.official_km2 = NAN;
    p.geom = g;
    CHECK_STATUS(park_layer_add(ctx, l, &p), PARK_OK);
}

static park_locate_result at(park_ctx *ctx, const park_layer *l, double dx, double dy) {
    double lon, lat;
    to_ll(ctx, dx, dy, &lon, &lat);
    park_locate_result r;
    CHECK_STATUS(park_locate_lonlat(ctx, l, lon, lat, PARK_DATUM_WGS84, &r), PARK_OK);
    return r;
}

#define ID(p) ((p) ? (p)->id : "(null)")

static void test_inside_outside(park_ctx *ctx, park_layer *l) {
    park_locate_result r = at(ctx, l, 100, 500);
    CHECK(r.inside == 1 && r.ncontaining == 1);
    CHECK_STR(ID(r.parcel), "a");
    CHECK(r.nearest == r.parcel && r.nearest_distance_m == 0);
    CHECK_NEAR(r.distance_m, geod_len(ctx, 100, 500, 0, 500), 0.01);
    CHECK(park_layer_index_get(l) != NULL); /* the index is cached on the layer */
    park_layer_index *ix = park_layer_index_get(l);

    r = at(ctx, l, 500, 500); /* centre: 500 m from every edge */
    CHECK_STR(ID(r.parcel), "a");
    CHECK_NEAR(r.distance_m, 500 / 1.000221, 0.1);
    CHECK(park_layer_index_get(l) == ix); /* and reused */

    r = at(ctx, l, 500, -3); /* between a and e (10 m apart), 3 m from a */
    CHECK(r.inside == 0 && r.parcel == NULL && r.ncontaining == 0);
    CHECK_STR(ID(r.nearest), "a");
    CHECK_NEAR(r.distance_m, geod_len(ctx, 500, -3, 500, 0), 0.01);
    CHECK(r.nearest_distance_m == r.distance_m);

    r = at(ctx, l, 500, -8); /* now 2 m from e */
    CHECK_STR(ID(r.nearest), "e");
    CHECK_NEAR(r.distance_m, geod_len(ctx, 500, -8, 500, -10), 0.01);

    r = at(ctx, l, 4000, 500); /* 1000 m from f, 1100 m from d */
    CHECK_STR(ID(r.nearest), "f");
    CHECK_NEAR(r.distance_m, geod_len(ctx, 4000, 500, 5000, 500), 0.05);

    r = at(ctx, l, 1950, 750); /* in the overlap of b and d: the first in layer order */
    CHECK(r.inside && r.ncontaining == 2);
    CHECK_STR(ID(r.parcel), "b");
    CHECK_NEAR(r.distance_m, geod_len(ctx, 1950, 750, 2000, 750), 0.01);

    /* on the common edge of a and b: covered (boundary counts), distance 0 */
    double lon, lat;
    to_ll(ctx, 1000, 500, &lon, &lat);
    park_locate_result r2;
    CHECK_STATUS(park_locate_lonlat(ctx, l, lon, lat, PARK_DATUM_CGCS2000, &r2), PARK_OK);
    CHECK(r2.inside);
    CHECK(r2.distance_m < 0.01);
}

static void test_datums(park_ctx *ctx, park_layer *l) {
    double lon, lat, g[2], b[2];
    to_ll(ctx, 30, 500, &lon, &lat); /* 30 m inside a's west edge */
    park_wgs84_to_gcj02(lon, lat, &g[0], &g[1]);
    park_gcj02_to_bd09(g[0], g[1], &b[0], &b[1]);
    park_locate_result r;
    /* read as WGS84, the GCJ-02 coordinates are hundreds of metres off */
    CHECK_STATUS(park_locate_lonlat(ctx, l, g[0], g[1], PARK_DATUM_WGS84, &r), PARK_OK);
    CHECK(!(r.inside && r.parcel && !strcmp(r.parcel->id, "a") && fabs(r.distance_m - 30) < 1));
    CHECK_STATUS(park_locate_lonlat(ctx, l, g[0], g[1], PARK_DATUM_GCJ02, &r), PARK_OK);
    CHECK_STR(ID(r.parcel), "a");
    CHECK(park_geodesic_distance(ctx, r.wgs84_lon, r.wgs84_lat, lon, lat) < 0.001);
    CHECK_NEAR(r.distance_m, geod_len(ctx, 30, 500, 0, 500), 0.01);
    CHECK_STATUS(park_locate_lonlat(ctx, l, b[0], b[1], PARK_DATUM_BD09, &r), PARK_OK);
    CHECK_STR(ID(r.parcel), "a");
    CHECK(park_geodesic_distance(ctx, r.wgs84_lon, r.wgs84_lat, lon, lat) < 0.001);
}

static void test_xy(park_ctx *ctx, park_layer *l) {
    park_locate_result r;
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:4549", X0 + 1500, Y0 + 200, &r), PARK_OK);
    CHECK_STR(ID(r.parcel), "b");
    CHECK_NEAR(r.distance_m, geod_len(ctx, 1500, 200, 1500, 0), 0.01);
    /* the same point through UTM 51N */
    double x = X0 + 1500, y = Y0 + 200;
    park_transform_xy(ctx, "EPSG:4549", "EPSG:32651", &x, &y);
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:32651", x, y, &r), PARK_OK);
    CHECK_STR(ID(r.parcel), "b");
    CHECK_NEAR(r.distance_m, geod_len(ctx, 1500, 200, 1500, 0), 0.01);
}

static void test_errors(park_ctx *ctx, park_layer *l) {
    park_locate_result r;
    CHECK_STATUS(park_locate_lonlat(ctx, l, NAN, 31.4, PARK_DATUM_WGS84, &r), PARK_ERR_USAGE);
    CHECK_STATUS(park_locate_lonlat(ctx, l, 121.4, 95, PARK_DATUM_WGS84, &r), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "latitude 95") != NULL);
    CHECK_STATUS(park_locate_lonlat(ctx, l, 200, 31, PARK_DATUM_GCJ02, &r), PARK_ERR_USAGE);
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:999999", 1, 2, &r), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "EPSG:999999") != NULL);
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:4549", INFINITY, 2, &r), PARK_ERR_USAGE);
    /* outside the projection's domain: PROJ's inverse wraps Y = 1e8 m to the equator */
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:4549", X0, 1e8, &r), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "outside the domain of EPSG:4549") != NULL);
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:3857", 1e9, 1e9, &r), PARK_ERR_USAGE);
    /* far from the central meridian but inside the domain: still answered */
    double lon = 0, lat = 0;
    CHECK_STATUS(park_xy_to_lonlat(ctx, "EPSG:4549", 2e6, 3476500, &lon, &lat), PARK_OK);
    CHECK(lon > 135 && lon < 136);
    CHECK(r.parcel == NULL && r.nearest == NULL);
}

/* The bundled layer changes as it is compiled, so only facts that hold for any
 * layer are checked: a point on each parcel's surface is inside that parcel
 * (or in an overlapping one that covers it too), at a positive distance from
 * its edge no larger than the parcel's inscribed radius allows; a point well
 * east of the layer is outside with the right order of distance. */
static void test_bundled(park_ctx *ctx) {
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, park_default_parcels_path(), NULL, NULL, &l), PARK_OK);
    if (!l) return;
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    double maxx = -INFINITY, miny = INFINITY, maxy = -INFINITY;
    for (size_t i = 0; i < park_layer_count(l); i++) {
        const park_parcel *p = park_layer_get(l, i);
        GEOSGeometry *pos = GEOSPointOnSurface_r(g, p->geom);
        double x, y, a, b, c;
        GEOSGeomGetX_r(g, pos, &x), GEOSGeomGetY_r(g, pos, &y);
        GEOSGeom_getXMax_r(g, p->geom, &a), GEOSGeom_getYMin_r(g, p->geom, &b), GEOSGeom_getYMax_r(g, p->geom, &c);
        maxx = fmax(maxx, a), miny = fmin(miny, b), maxy = fmax(maxy, c);
        park_locate_result r;
        CHECK_STATUS(park_locate_lonlat(ctx, l, x, y, PARK_DATUM_CGCS2000, &r), PARK_OK);
        CHECK(r.inside);
        if (r.ncontaining <= 1) CHECK_STR(ID(r.parcel), p->id);
        else CHECK(GEOSCovers_r(g, r.parcel->geom, pos) == 1);
        CHECK(r.distance_m > 0);
        /* no point of a parcel is farther from its edge than the radius of its
         * largest inscribed circle (~ degrees x 111 km, generous for longitude) */
        GEOSGeometry *mic = GEOSMaximumInscribedCircle_r(g, p->geom, 1e-6);
        double rad = 0;
        GEOSLength_r(g, mic, &rad);
        if (r.ncontaining <= 1) CHECK(r.distance_m <= rad * 111320 * 1.01);
        GEOSGeom_destroy_r(g, mic);
        GEOSGeom_destroy_r(g, pos);
    }
    /* 0.2 degrees (~19 km at 31.4N) east of the easternmost vertex */
    park_locate_result r;
    CHECK_STATUS(park_locate_lonlat(ctx, l, maxx + 0.2, (miny + maxy) / 2, PARK_DATUM_WGS84, &r), PARK_OK);
    CHECK(!r.inside && r.parcel == NULL && r.nearest != NULL);
    CHECK(r.distance_m > 0.2 * 111320 * cos(maxy * M_PI / 180) * 0.99);
    CHECK(r.distance_m < 0.2 * 111320 * 1.01 + (maxy - miny) * 111320);
    park_layer_free(l);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    X0 = 121.4, Y0 = 31.4;
    park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &X0, &Y0);
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "a", rect(ctx, 0, 0, 1000, 1000));
    add(ctx, l, "b", rect(ctx, 1000, 0, 2000, 1000));
    add(ctx, l, "c", rect(ctx, -1000, 1000, 0, 2000));
    add(ctx, l, "d", rect(ctx, 1900, 500, 2900, 1500));
    add(ctx, l, "e", rect(ctx, 0, -1010, 1000, -10));
    add(ctx, l, "f", rect(ctx, 5000, 0, 6000, 1000));
    test_inside_outside(ctx, l);
    test_datums(ctx, l);
    test_xy(ctx, l);
    test_errors(ctx, l);
    park_layer_free(l);
    test_bundled(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
