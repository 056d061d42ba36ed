/* test_validate.c - layer validation (query/validate.c): ids, GEOS validity with
 * reason and location, overlaps, narrow gaps.
 *
 * Fixtures are drawn in EPSG:4549 metres (CGCS2000 / GK CM 120E) near 121.4E
 * 31.4N and stored in lon/lat like any layer. True (ellipsoidal) lengths are the
 * map lengths divided by the GK scale there, k ~ 1.000217 (see test_area.c), so
 * a 10 m map gap is 9.998 m and a 100 m x 1000 m map overlap is 99,957 m². */
#include "parkgis.h"
#include "internal.h"
#include "test.h"

#define K_GK 1.000217
/* origin of the fixtures in EPSG:4549, computed from 121.4E 31.4N at start-up */
static double X0, Y0;

/* A polygon from a ring of (dx, dy) metres relative to the origin. */
static GEOSGeometry *ring_poly(park_ctx *ctx, const double *xy, int npts) {
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "POLYGON((");
    for (int i = 0; i <= npts; i++) {
        int k = i % npts;
        park_buf_printf(&b, "%s%.4f %.4f", i ? "," : "", X0 + xy[2 * k], Y0 + xy[2 * k + 1]);
    }
    park_buf_append(&b, "))");
    GEOSGeometry *m = park_geom_from_wkt(ctx, b.s);
    park_buf_free(&b);
    GEOSGeometry *ll = NULL;
    park_transform(ctx, m, "EPSG:4549", "EPSG:4490", &ll);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), m);
    return ll;
}

static GEOSGeometry *rect(park_ctx *ctx, double x1, double y1, double x2, double y2) {
    double xy[] = {x1, y1, x2, y1, x2, y2, x1, y2};
    return ring_poly(ctx, xy, 4);
}

static void add(park_ctx *ctx, park_layer *l, const char *id, const char *name, GEOSGeometry *g) {
    park_parcel p = {0};
    p.id = (char *)id, p.name = (char *)name, p.layout = "", p.provenance = "test", p.four_to = "";
    p.official_km2 = NAN;
    p.geom = g;
    p.source_fid = (long)park_layer_count(l);
    CHECK_STATUS(park_layer_add(ctx, l, &p), PARK_OK);
}

static park_validation *run(park_ctx *ctx, park_layer *l) {
    park_validation *v = NULL;
    CHECK_STATUS(park_validate(ctx, l, NULL, &v), PARK_OK);
    return v;
}

static const park_issue *find_kind(const park_validation *v, const char *kind) {
    for (size_t i = 0; v && i < v->n; i++)
        if (!strcmp(v->issues[i].kind, kind)) return &v->issues[i];
    return NULL;
}

static size_t count_kind(const park_validation *v, const char *kind) {
    size_t n = 0;
    for (size_t i = 0; v && i < v->n; i++) n += !strcmp(v->issues[i].kind, kind);
    return n;
}

static void test_clean_shared_edge(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "a", "甲", rect(ctx, 0, 0, 1000, 1000));
    add(ctx, l, "b", "乙", rect(ctx, 1000, 0, 2000, 1000));
    /* a smaller neighbour: the union has a concave corner at (1000..,1000) that
     * a round-joined closing would report as a fillet-shaped "gap" */
    add(ctx, l, "c", "丙", rect(ctx, 0, 1000, 500, 1500));
    park_validation *v = run(ctx, l);
    CHECK(v && v->errors == 0);
    CHECK(v && v->warnings == 0);
    if (v && v->n) fprintf(stderr, "  unexpected: %s %s\n", v->issues[0].kind, v->issues[0].message);
    park_validation_free(v);
    park_layer_free(l);
}

static void test_overlap(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "a", "甲", rect(ctx, 0, 0, 1000, 1000));
    add(ctx, l, "b", "乙", rect(ctx, 900, 0, 1900, 1000));
    park_validation *v = run(ctx, l);
    CHECK(v && v->errors == 1);
    const park_issue *is = find_kind(v, "overlap");
    CHECK(is != NULL);
    if (is) {
        CHECK(is->level == PARK_ERROR);
        CHECK_STR(is->feature, "a,b");
        CHECK_NEAR(is->measure, 100000 / (K_GK * K_GK), 5);
        CHECK(strstr(is->message, "'a' and 'b' overlap by") != NULL);
        CHECK(isfinite(is->x) && isfinite(is->y));
    }
    park_validation_free(v);
    /* a threshold above the overlap silences it */
    park_validate_opts o;
    park_validate_opts_default(&o);
    o.overlap_min_m2 = 200000;
    CHECK_STATUS(park_validate(ctx, l, &o, &v), PARK_OK);
    CHECK(v && v->errors == 0 && count_kind(v, "overlap") == 0);
    park_validation_free(v);
    park_layer_free(l);
}

static void test_gap(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "a", "甲", rect(ctx, 0, 0, 1000, 1000));
    add(ctx, l, "b", "乙", rect(ctx, 1010, 0, 2010, 1000)); /* 10 m apart */
    add(ctx, l, "far", "远", rect(ctx, 2050, 0, 3050, 1000)); /* 40 m from b: wider than 25 m */
    park_validation *v = run(ctx, l);
    CHECK(v && v->errors == 0);
    CHECK(count_kind(v, "gap") == 1);
    const park_issue *is = find_kind(v, "gap");
    if (is) {
        CHECK(is->level == PARK_WARNING);
        CHECK_STR(is->feature, "a,b");
        CHECK_NEAR(is->measure, 10 / K_GK, 0.05);
        CHECK(strstr(is->message, "10.0 m wide") != NULL);
        /* the gap's centre is 1005 m east of the origin, mid-height */
        double x = 121.4, y = 31.4;
        park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &x, &y);
        double gx = is->x, gy = is->y;
        park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &gx, &gy);
        CHECK_NEAR(gx - X0, 1005, 1);
        CHECK(gy - Y0 > 0 && gy - Y0 < 1000);
    }
    park_validation_free(v);
    /* widen the threshold to 50 m: now b-far is a gap too */
    park_validate_opts o;
    park_validate_opts_default(&o);
    o.gap_max_m = 50;
    CHECK_STATUS(park_validate(ctx, l, &o, &v), PARK_OK);
    CHECK(count_kind(v, "gap") == 2);
    park_validation_free(v);
    park_layer_free(l);
}

static void test_hole_in_union(park_ctx *ctx) {
    /* four parcels around a 20 m x 20 m courtyard that belongs to none */
    park_layer *l = park_layer_new(ctx);
    add(ctx, l, "w", "西", rect(ctx, 0, 0, 500, 1020));
    add(ctx, l, "e", "东", rect(ctx, 520, 0, 1020, 1020));
    add(ctx, l, "s", "南", rect(ctx, 500, 0, 520, 500));
    add(ctx, l, "n", "北", rect(ctx, 500, 520, 520, 1020));
    park_validation *v = run(ctx, l);
    CHECK(v && v->errors == 0);
    CHECK(count_kind(v, "gap") == 1);
    const park_issue *is = find_kind(v, "gap");
    if (is) {
        CHECK_NEAR(is->measure, 20 / K_GK, 0.05);
        CHECK_STR(is->feature, "w,e,s,n");
    }
    park_validation_free(v);
    park_layer_free(l);
}

static void test_invalid_and_ids(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    double bow[] = {0, 0, 1000, 1000, 1000, 0, 0, 1000}; /* bow-tie: crosses itself at (500, 500) */
    add(ctx, l, "bow", "蝴蝶", ring_poly(ctx, bow, 4));
    add(ctx, l, "", "无名", rect(ctx, 3000, 0, 4000, 1000));
    add(ctx, l, "dup", "一", rect(ctx, 5000, 0, 6000, 1000));
    add(ctx, l, "dup", "二", rect(ctx, 7000, 0, 8000, 1000));
    add(ctx, l, "空 格", "", rect(ctx, 9000, 0, 10000, 1000));
    park_validation *v = run(ctx, l);
    CHECK(v != NULL);
    const park_issue *is = find_kind(v, "invalid");
    CHECK(is != NULL);
    if (is) {
        CHECK_STR(is->feature, "bow");
        CHECK(strstr(is->message, "Self-intersection") != NULL);
        double x = is->x, y = is->y;
        park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &x, &y);
        /* the crossing is computed on the lon/lat edges, which bow a few cm
         * away from the straight GK edges over 1.4 km */
        CHECK_NEAR(x - X0, 500, 0.1);
        CHECK_NEAR(y - Y0, 500, 0.1);
    }
    is = find_kind(v, "no-id");
    CHECK(is && is->level == PARK_ERROR && !strcmp(is->feature, "#1"));
    is = find_kind(v, "duplicate-id");
    CHECK(is && is->level == PARK_ERROR && strstr(is->message, "feature 3 repeats id 'dup' of feature 2"));
    CHECK(count_kind(v, "bad-id") == 1);
    CHECK(count_kind(v, "no-name") == 1);
    CHECK(v && v->errors == 3);
    CHECK(v && v->warnings == 2);
    park_validation_free(v);
    park_layer_free(l);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    X0 = 121.4, Y0 = 31.4;
    park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &X0, &Y0);
    test_clean_shared_edge(ctx);
    test_overlap(ctx);
    test_gap(ctx);
    test_hole_in_union(ctx);
    test_invalid_and_ids(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
