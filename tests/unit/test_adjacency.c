/* test_adjacency.c - pairwise relations (query/adjacency.c).
 *
 * Squares drawn in EPSG:4549 metres near 121.4E 31.4N (1.4 deg east of the
 * GK central meridian, scale k ~ 1.000221 at these eastings), so a 1000 m map
 * edge is 999.78 m on the ellipsoid and a 10 m map gap is 9.998 m. Each true
 * value is also computed independently below: lengths as the geodesic
 * distance between the edge's end points, areas with PROJ's geodesic polygon
 * area (park_area_geodesic) of the known intersection. */
#include "parkgis.h"
#include "internal.h"
#include "test.h"

static double X0, Y0;

static void to_ll(park_ctx *ctx, double dx, double dy, double *lon, double *lat) {
    *lon = X0 + dx, *lat = Y0 + dy;
    park_transform_xy(ctx, "EPSG:4549", "EPSG:4490", lon, lat);
}

/* true length of a straight map segment, from its end points */
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
    /* densify so the lon/lat edges follow the straight map edges closely */
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

static const park_pair *find(const park_layer *l, const park_pair *v, size_t n, const char *a, const char *b) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(park_layer_get(l, v[i].a)->id, a) && !strcmp(park_layer_get(l, v[i].b)->id, b)) return &v[i];
    fprintf(stderr, "pair %s-%s missing\n", a, b);
    return NULL;
}

#define REL(p, r) CHECK_STR((p) ? park_relation_name((p)->relation) : "(none)", r)

static park_layer *fixture(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "a", rect(ctx, 0, 0, 1000, 1000));
    add(ctx, l, "b", rect(ctx, 1000, 0, 2000, 1000));      /* shares a's east edge */
    add(ctx, l, "c", rect(ctx, -1000, 1000, 0, 2000));     /* touches a at its NW corner */
    add(ctx, l, "d", rect(ctx, 1900, 500, 2900, 1500));    /* overlaps b by 100 x 500 */
    add(ctx, l, "e", rect(ctx, 0, -1010, 1000, -10));      /* 10 m south of a, edges parallel */
    add(ctx, l, "h", rect(ctx, 2010, -1010, 3010, -10));   /* 10 m + 10 m off b's SE corner */
    add(ctx, l, "f", rect(ctx, 5000, 0, 6000, 1000));      /* far away */
    return l;
}

static void test_relations(park_ctx *ctx) {
    park_layer *l = fixture(ctx);
    park_pair *v = NULL;
    size_t n = 0;
    CHECK_STATUS(park_adjacency(ctx, l, 25, &v, &n), PARK_OK);
    CHECK(n == 21);
    const park_pair *p;

    p = find(l, v, n, "a", "b");
    REL(p, "shares-edge");
    if (p) {
        CHECK_NEAR(p->shared_m, geod_len(ctx, 1000, 0, 1000, 1000), 0.05);
        CHECK(p->gap_m == 0);
        CHECK(p->overlap_m2 == 0);
        CHECK_STR(p->de9im, "FF2F11212");
    }
    p = find(l, v, n, "a", "c");
    REL(p, "touches-at-point");
    if (p) {
        CHECK_STR(p->de9im, "FF2F01212");
        CHECK(p->shared_m < 0.5);
        CHECK(p->gap_m == 0);
    }
    p = find(l, v, n, "b", "d");
    REL(p, "overlaps");
    if (p) {
        /* the intersection is the map rectangle [1900,2000] x [500,1000] */
        double overlap = 0;
        GEOSGeometry *x = rect(ctx, 1900, 500, 2000, 1000);
        park_area_geodesic(ctx, x, &overlap);
        GEOSGeom_destroy_r(park_ctx_geos(ctx), x);
        CHECK_NEAR(p->overlap_m2, overlap, 0.5);
        CHECK_NEAR(p->overlap_m2, 50000 / (1.000221 * 1.000221), 1.0);
        CHECK_STR(p->de9im, "212101212");
        CHECK(p->shared_m < 1.0); /* the boundaries cross, they do not run together */
    }
    p = find(l, v, n, "a", "e");
    REL(p, "shares-edge"); /* within the 25 m tolerance */
    if (p) {
        CHECK_NEAR(p->gap_m, geod_len(ctx, 500, 0, 500, -10), 0.01);
        CHECK_NEAR(p->gap_m, 9.998, 0.005);
        CHECK_NEAR(p->shared_m, geod_len(ctx, 0, 0, 1000, 0), 0.1);
        CHECK_STR(p->de9im, "FF2FF1212");
    }
    p = find(l, v, n, "b", "h");
    REL(p, "near");
    if (p) CHECK_NEAR(p->gap_m, geod_len(ctx, 2000, 0, 2010, -10), 0.01);
    p = find(l, v, n, "b", "e"); /* b's SW corner is 10 m above e's NE corner */
    REL(p, "near");
    if (p) {
        CHECK_NEAR(p->gap_m, geod_len(ctx, 1000, 0, 1000, -10), 0.01);
        CHECK(p->shared_m < 5); /* only where the corners face each other */
    }
    p = find(l, v, n, "a", "d");
    REL(p, "disjoint");
    if (p) CHECK_NEAR(p->gap_m, geod_len(ctx, 1000, 500, 1900, 500), 0.01);
    p = find(l, v, n, "a", "f");
    REL(p, "disjoint");
    p = find(l, v, n, "d", "h");
    REL(p, "disjoint");
    park_free(v);

    /* tolerance 5 m: the 10 m neighbours are no longer shared or near */
    CHECK_STATUS(park_adjacency(ctx, l, 5, &v, &n), PARK_OK);
    REL(find(l, v, n, "a", "e"), "disjoint");
    REL(find(l, v, n, "b", "h"), "disjoint");
    REL(find(l, v, n, "a", "b"), "shares-edge");
    REL(find(l, v, n, "b", "d"), "overlaps");
    park_free(v);
    /* tolerance 0: exact topology */
    CHECK_STATUS(park_adjacency(ctx, l, 0, &v, &n), PARK_OK);
    REL(find(l, v, n, "a", "b"), "shares-edge");
    REL(find(l, v, n, "a", "c"), "touches-at-point");
    REL(find(l, v, n, "a", "e"), "disjoint");
    park_free(v);
    CHECK_STATUS(park_adjacency(ctx, l, -1, &v, &n), PARK_ERR_USAGE);
    CHECK_STATUS(park_adjacency(ctx, l, NAN, &v, &n), PARK_ERR_USAGE);
    park_layer_free(l);
}

/* A narrow sliver overlap along a common edge (digitising noise) is still a
 * shared edge; its area is reported. A wide one is an overlap. */
static void test_sliver(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "a", rect(ctx, 0, 0, 1000, 1000));
    add(ctx, l, "b", rect(ctx, 997, 0, 2000, 1000)); /* 3 m into a */
    park_pair *v = NULL;
    size_t n = 0;
    CHECK_STATUS(park_adjacency(ctx, l, 25, &v, &n), PARK_OK);
    CHECK(n == 1);
    if (n == 1) {
        REL(&v[0], "shares-edge");
        CHECK_NEAR(v[0].overlap_m2, 3000 / (1.000221 * 1.000221), 0.5);
        CHECK_NEAR(v[0].shared_m, 999.8, 0.5);
        CHECK_STR(v[0].de9im, "212101212");
    }
    park_free(v);
    CHECK_STATUS(park_adjacency(ctx, l, 2, &v, &n), PARK_OK); /* 3 m is wider than 2 m */
    if (n == 1) REL(&v[0], "overlaps");
    park_free(v);
    park_layer_free(l);
}

/* An invalid (bow-tie) parcel does not stop adjacency: its repair is used. */
static void test_invalid(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    char wkt[512];
    snprintf(wkt, sizeof wkt, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", X0, Y0, X0 + 1000, Y0 + 1000,
             X0 + 1000, Y0, X0, Y0 + 1000, X0, Y0);
    GEOSGeometry *m = park_geom_from_wkt(ctx, wkt), *ll = NULL;
    park_transform(ctx, m, "EPSG:4549", "EPSG:4490", &ll);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), m);
    add(ctx, l, "bow", ll);
    add(ctx, l, "b", rect(ctx, 1000, 0, 2000, 1000));
    park_pair *v = NULL;
    size_t n = 0;
    CHECK_STATUS(park_adjacency(ctx, l, 25, &v, &n), PARK_OK);
    if (n == 1) REL(&v[0], "shares-edge"); /* the bow-tie's east triangle has the edge x = 1000 */
    park_free(v);
    /* an empty parcel (possible in a layer built in code) is disjoint from all */
    add(ctx, l, "empty", park_geom_from_wkt(ctx, "POLYGON EMPTY"));
    CHECK_STATUS(park_adjacency(ctx, l, 25, &v, &n), PARK_OK);
    CHECK(n == 3);
    if (n == 3) {
        REL(&v[1], "disjoint");
        CHECK(isnan(v[1].gap_m));
    }
    park_free(v);
    park_validation *val = NULL;
    CHECK_STATUS(park_validate(ctx, l, NULL, &val), PARK_OK);
    CHECK(val && val->n >= 2); /* the bow-tie is invalid, the empty parcel empty */
    park_validation_free(val);
    park_locate_result r;
    CHECK_STATUS(park_locate_xy(ctx, l, "EPSG:4549", X0 + 1500, Y0 + 500, &r), PARK_OK);
    CHECK(r.inside && !strcmp(r.parcel->id, "b"));
    park_layer_free(l);
}

/* The bundled layer changes as it is compiled: only facts that hold for any
 * layer. n(n-1)/2 pairs in layer order; the DE-9IM is well formed; the gap is
 * 0 exactly when the DE-9IM says the parcels meet; an overlap area only where
 * the interiors meet; "disjoint" only beyond the tolerance. */
static void test_bundled(park_ctx *ctx) {
    park_layer *l = NULL;
    CHECK_STATUS(park_layer_read(ctx, park_default_parcels_path(), NULL, NULL, &l), PARK_OK);
    if (!l) return;
    size_t n = park_layer_count(l), np = 0;
    park_pair *v = NULL;
    CHECK_STATUS(park_adjacency(ctx, l, 25, &v, &np), PARK_OK);
    CHECK(np == n * (n - 1) / 2);
    size_t k = 0;
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n && k < np; b++, k++) {
            const park_pair *p = &v[k];
            CHECK(p->a == a && p->b == b);
            CHECK(strlen(p->de9im) == 9 && strspn(p->de9im, "F012") == 9);
            int meet = !(p->de9im[0] == 'F' && p->de9im[1] == 'F' && p->de9im[3] == 'F' && p->de9im[4] == 'F');
            CHECK(meet ? p->gap_m == 0 : p->gap_m > 0);
            CHECK(p->de9im[0] == '2' ? p->overlap_m2 > 0 : p->overlap_m2 == 0);
            if (p->relation == PARK_REL_DISJOINT) CHECK(p->gap_m > 25);
            if (p->relation == PARK_REL_NEAR) CHECK(p->gap_m <= 25 && !meet);
            if (p->relation == PARK_REL_OVERLAPS) CHECK(p->de9im[0] == '2');
        }
    park_free(v);
    park_layer_free(l);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    X0 = 121.4, Y0 = 31.4;
    park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &X0, &Y0);
    test_relations(ctx);
    test_sliver(ctx);
    test_invalid(ctx);
    test_bundled(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
