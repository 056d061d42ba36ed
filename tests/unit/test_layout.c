/* test_layout.c - layouts as data (src/layout): definitions in geodata/layouts
 * built over a parcel layer. The parcel layer here is synthetic (squares with
 * the ten real parcel ids and the plan's official figures) so the tests do not
 * depend on the compiled parcels; when geodata/parcels.geojson exists the
 * layouts are also built over it and their areas printed. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

/* id, Chinese name, official km² (plan table, 001 section 二), square lower-left corner */
static const struct {
    const char *id, *name;
    double km2, x, y;
} PARCELS[] = {
    {"baoshan-industrial", "宝山工业园区", 11.14, 121.36, 31.45},
    {"luodian-industrial", "罗店工业园区", 2.04, 121.37, 31.45}, /* shares an edge with baoshan-industrial */
    {"robot-park", "机器人产业园", 2.45, 121.38, 31.36},
    {"urban-industrial", "城市工业园区", 4.12, 121.36, 31.31},
    {"fudan-hitech", "复旦高新技术产业基地", 5.60, 121.48, 31.34},
    {"culture-industry", "文化产业示范基地", 2.37, 121.41, 31.32},
    {"ecommerce-north", "电子商务示范基地(北块)", 0.72, 121.44, 31.36},
    {"ecommerce-south", "电子商务示范基地(南块)", 0.38, 121.44, 31.33},
    {"nanda", "南大地区", 0.64, 121.40, 31.34},
    {"biomed-south", "北上海生物医药产业园(南区)", 1.16, 121.40, 31.40},
};
#define NPARCELS (sizeof PARCELS / sizeof PARCELS[0])

/* A square of `d` degrees at (x, y). */
static GEOSGeometry *square(park_ctx *ctx, double x, double y, double d) {
    char wkt[256];
    snprintf(wkt, sizeof wkt, "POLYGON((%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f,%.6f %.6f))", x, y, x + d, y, x + d,
             y + d, x, y + d, x, y);
    return park_geom_from_wkt(ctx, wkt);
}

static park_layer *synthetic_parcels(park_ctx *ctx, const char *skip, double robot_size) {
    park_layer *l = park_layer_new(ctx);
    for (size_t i = 0; i < NPARCELS; i++) {
        if (skip && !strcmp(PARCELS[i].id, skip)) continue;
        park_parcel p = {0};
        p.id = (char *)PARCELS[i].id, p.name = (char *)PARCELS[i].name;
        p.official_km2 = PARCELS[i].km2;
        p.layout = "", p.provenance = "synthetic test square", p.four_to = "";
        p.geom = square(ctx, PARCELS[i].x, PARCELS[i].y, strcmp(PARCELS[i].id, "robot-park") ? 0.01 : robot_size);
        park_layer_add(ctx, l, &p);
    }
    return l;
}

static const park_parcel *element(const park_layout *lo, const char *id) {
    return park_layer_find(park_layout_elements(lo), id);
}

static double area_km2(park_ctx *ctx, const GEOSGeometry *g) {
    double m2 = 0;
    park_area_geodesic(ctx, g, &m2);
    return m2 / 1e6;
}

/* Every element: valid MultiPolygon, positive area, id/name/group present.
 * Prints the table so the run shows what was built. */
static void check_elements(park_ctx *ctx, const park_layout *lo, size_t want) {
    const park_layer *el = park_layout_elements(lo);
    CHECK(el != NULL);
    if (!el) return;
    CHECK(park_layer_count(el) == want);
    printf("layout %s (%s), %zu elements, %zu layers:\n", park_layout_id(lo), park_layout_name(lo),
           park_layer_count(el), park_layout_layer_count(lo));
    for (size_t i = 0; i < park_layer_count(el); i++) {
        const park_parcel *p = park_layer_get(el, i);
        double a = area_km2(ctx, p->geom);
        printf("  %-22s %-6s %10.3f km2  official %6.2f  %s\n", p->id, p->layout, a, p->official_km2, p->name);
        CHECK(GEOSisValid_r(park_ctx_geos(ctx), p->geom) == 1);
        CHECK(GEOSGeomTypeId_r(park_ctx_geos(ctx), p->geom) == GEOS_MULTIPOLYGON);
        CHECK(a > 0);
        CHECK(p->id[0] && p->name[0] && p->provenance[0]);
    }
}

static void test_parcels_layout(park_ctx *ctx, const park_layer *parcels) {
    park_layout *lo = NULL;
    CHECK_STATUS(park_layout_build(ctx, "parcels", parcels, &lo), PARK_OK);
    if (!lo) return;
    check_elements(ctx, lo, NPARCELS);
    CHECK_STR(park_layout_layer_get(lo, 0).name, "parcels");
    CHECK(park_layout_layer_get(lo, 0).is_primary == 1);
    const park_parcel *p = element(lo, "nanda");
    CHECK(p && !strcmp(p->name, "南大地区") && p->official_km2 == 0.64);
    park_layout_free(lo);
}

static void test_sanyuan(park_ctx *ctx, const park_layer *parcels) {
    park_layout *lo = NULL;
    /* the Chinese name is an alias of the id */
    CHECK_STATUS(park_layout_build(ctx, "三园三线两区", parcels, &lo), PARK_OK);
    if (!lo) return;
    CHECK_STR(park_layout_id(lo), "sanyuan-sanxian-liangqu");
    CHECK_STR(park_layout_name(lo), "三园三线两区");
    CHECK(strstr(park_layout_source(lo), "注4") != NULL);           /* the plan's citation, for captions */
    CHECK(strstr(park_layout_path(lo), "geodata/layouts/sanyuan-sanxian-liangqu.json") != NULL);
    check_elements(ctx, lo, 8);
    static const struct {
        const char *id, *name, *group;
    } want[] = {
        {"sanyuan-baoshan", "宝山工业园区", "三园"},
        {"sanyuan-urban", "城市工业园区（超能新材料科创园）", "三园"},
        {"sanyuan-robot", "机器人产业园", "三园"},
        {"sanxian-line1", "电子商务示范基地", "三线"},
        {"sanxian-line3", "复旦高新技术产业基地", "三线"},
        {"sanxian-line7", "文化产业示范基地", "三线"},
        {"liangqu-nanda", "南大生态智慧城", "两区"},
        {"liangqu-wusong", "吴淞创新城", "两区"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const park_parcel *e = element(lo, want[i].id);
        CHECK(e != NULL);
        if (!e) continue;
        CHECK_STR(e->name, want[i].name);
        CHECK_STR(e->layout, want[i].group);
    }
    /* dissolve: baoshan + luodian share an edge and merge into one ring; biomed-south is apart */
    const park_parcel *b = element(lo, "sanyuan-baoshan");
    if (b) {
        CHECK(GEOSGetNumGeometries_r(park_ctx_geos(ctx), b->geom) == 2);
        double parts = 0;
        for (size_t i = 0; i < NPARCELS; i++)
            if (!strcmp(PARCELS[i].id, "baoshan-industrial") || !strcmp(PARCELS[i].id, "luodian-industrial") ||
                !strcmp(PARCELS[i].id, "biomed-south"))
                parts += area_km2(ctx, park_layer_find(parcels, PARCELS[i].id)->geom);
        CHECK_NEAR(area_km2(ctx, b->geom), parts, 1e-6);
        CHECK_NEAR(b->official_km2, 11.14 + 2.04 + 1.16, 1e-9);
        CHECK(strstr(b->provenance, "baoshan-industrial") && strstr(b->provenance, "biomed-south"));
    }
    const park_parcel *l1 = element(lo, "sanxian-line1");
    if (l1) {
        CHECK(GEOSGetNumGeometries_r(park_ctx_geos(ctx), l1->geom) == 2); /* 北块 and 南块 apart */
        CHECK_NEAR(l1->official_km2, 0.72 + 0.38, 1e-9);
    }
    const park_parcel *w = element(lo, "liangqu-wusong");
    if (w) {
        CHECK(isnan(w->official_km2));                 /* not from parcels: no official figure */
        CHECK(strstr(w->provenance, "compiled from its published 四至") != NULL); /* derived geometry says how it was made (issue 9) */
    }
    /* the companion layers are there, each non-empty */
    for (size_t i = 0; i < park_layout_layer_count(lo); i++) {
        park_layout_layer L = park_layout_layer_get(lo, i);
        CHECK(L.name && L.title && L.layer && park_layer_count(L.layer) > 0);
        printf("  layer %-24s %-28s %zu features%s\n", L.name, L.title, park_layer_count(L.layer), L.is_primary ? " (elements)" : "");
    }
    park_layout_free(lo);
}

/* A dissolved element states an error estimate: the largest error_m of its
 * parcels (from the provenance JSON `parkgis compile` writes), or "unknown"
 * when a parcel states none (the synthetic squares say only what they are). */
static void test_dissolve_error(park_ctx *ctx, const park_layer *plain) {
    park_layer *l = park_layer_new(ctx);
    for (size_t i = 0; i < NPARCELS; i++) {
        const park_parcel *q = park_layer_find(plain, PARCELS[i].id);
        park_parcel p = *q;
        char prov[96];
        snprintf(prov, sizeof prov, "{\"method\":\"test\",\"error_m\":%zu,\"status\":\"checked\"}", 100 + 10 * i);
        p.provenance = prov;
        p.geom = GEOSGeom_clone_r(park_ctx_geos(ctx), q->geom);
        park_layer_add(ctx, l, &p);
    }
    park_layout *lo = NULL;
    CHECK_STATUS(park_layout_build(ctx, "sanyuan-sanxian-liangqu", l, &lo), PARK_OK);
    if (lo) {
        /* baoshan-industrial 100, luodian-industrial 110, biomed-south 190 */
        const char *pv = element(lo, "sanyuan-baoshan")->provenance;
        CHECK(strstr(pv, "error ~190 m") && strstr(pv, "luodian-industrial 110"));
        CHECK(strstr(element(lo, "sanyuan-robot")->provenance, "error ~120 m") != NULL);
        park_layout_free(lo), lo = NULL;
    }
    CHECK_STATUS(park_layout_build(ctx, "sanyuan-sanxian-liangqu", plain, &lo), PARK_OK);
    if (lo) {
        CHECK(strstr(element(lo, "sanyuan-baoshan")->provenance,
                     "error unknown: parcel baoshan-industrial states no error_m") != NULL);
        park_layout_free(lo);
    }
    park_layer_free(l);
}

/* An edited parcel layer yields edited elements: the robot park made 4x larger. */
static void test_edited_parcels(park_ctx *ctx, const park_layer *parcels) {
    park_layer *big = synthetic_parcels(ctx, NULL, 0.02);
    park_layout *a = NULL, *b = NULL;
    CHECK_STATUS(park_layout_build(ctx, "sanyuan-sanxian-liangqu", parcels, &a), PARK_OK);
    CHECK_STATUS(park_layout_build(ctx, "sanyuan-sanxian-liangqu", big, &b), PARK_OK);
    if (a && b) {
        double ra = area_km2(ctx, element(a, "sanyuan-robot")->geom), rb = area_km2(ctx, element(b, "sanyuan-robot")->geom);
        CHECK_NEAR(rb / ra, 4.0, 0.01);
    }
    park_layout_free(a), park_layout_free(b);
    park_layer_free(big);
}

static void test_errors(park_ctx *ctx, const park_layer *parcels) {
    park_layout *lo = NULL;
    CHECK_STATUS(park_layout_build(ctx, "no-such-layout", parcels, &lo), PARK_ERR_NOTFOUND);
    CHECK(lo == NULL);
    CHECK(strstr(park_ctx_errmsg(ctx), "no-such-layout") && strstr(park_ctx_errmsg(ctx), "sanyuan-sanxian-liangqu") &&
          strstr(park_ctx_errmsg(ctx), "parcels"));
    /* a parcel layer without the nanda parcel cannot give 南大生态智慧城 */
    park_layer *lack = synthetic_parcels(ctx, "nanda", 0.01);
    CHECK_STATUS(park_layout_build(ctx, "sanyuan-sanxian-liangqu", lack, &lo), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "'nanda'") && strstr(park_ctx_errmsg(ctx), "liangqu-nanda"));
    park_layer_free(lack);
    char *list = park_layout_list(ctx);
    CHECK(list && strstr(list, "parcels") && strstr(list, "sanyuan-sanxian-liangqu") && strstr(list, "yihe-liangji-sandai"));
    park_free(list);
}

/* Adding a layout is adding a file: a definition written to a fresh directory
 * is listed and built; a malformed one is refused naming the file. */
static void test_new_definition_file(park_ctx *ctx, const park_layer *parcels) {
    char dir[] = "/tmp/parkgis-layout-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char *p1 = park_asprintf("%s/two-parks.json", dir), *p2 = park_asprintf("%s/zz-broken.json", dir);
    FILE *f = fopen(p1, "w");
    fputs("{\"id\":\"two-parks\",\"name\":\"两园\",\"aliases\":[\"两园布局\"],\"elements\":["
          "{\"id\":\"a\",\"name\":\"甲园\",\"group\":\"园\",\"parcels\":[\"nanda\",\"robot-park\"]},"
          "{\"id\":\"b\",\"name\":\"乙园\",\"group\":\"园\",\"parcels\":[\"fudan-hitech\"]}]}",
          f);
    fclose(f);
    park_layout *lo = NULL;
    CHECK_STATUS(park_layout_build_dir(ctx, dir, "两园布局", parcels, &lo), PARK_OK);
    if (lo) {
        CHECK(park_layer_count(park_layout_elements(lo)) == 2);
        CHECK_STR(park_layout_layer_get(lo, 0).name, "two_parks");
        CHECK_NEAR(element(lo, "a")->official_km2, 0.64 + 2.45, 1e-9);
        park_layout_free(lo);
    }
    char *list = park_layout_list_dir(ctx, dir);
    CHECK_STR(list, "two-parks");
    park_free(list);
    f = fopen(p2, "w");
    fputs("{\"id\": \"broken\", ", f); /* truncated JSON */
    fclose(f);
    CHECK_STATUS(park_layout_build_dir(ctx, dir, "two-parks", parcels, &lo), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "zz-broken.json") != NULL && strstr(park_ctx_errmsg(ctx), "line 1") != NULL);
    f = fopen(p2, "w");
    fputs("{\"id\":\"broken\",\"name\":\"坏\",\"elements\":[{\"id\":\"x\",\"name\":\"X\"}]}", f); /* neither parcels nor geometry */
    fclose(f);
    CHECK_STATUS(park_layout_build_dir(ctx, dir, "broken", parcels, &lo), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "element 'x'") != NULL);
    unlink(p1), unlink(p2), rmdir(dir);
    free(p1), free(p2);
}

/* An element geometry file with numeric id, name and provenance (issue 12,
 * item 1): each value is copied at once, as OGR reuses its scratch buffer for
 * a non-string field (before, id 42 read as the name's "7"). */
static void test_numeric_geometry_file(park_ctx *ctx) {
    char dir[] = "/tmp/parkgis-layout-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    char *p1 = park_asprintf("%s/num.json", dir), *p2 = park_asprintf("%s/num.geojson", dir);
    FILE *f = fopen(p2, "w");
    fputs("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"id\":42,\"name\":7,\"provenance\":9.5},"
          "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[121.4,31.4],[121.41,31.4],[121.41,31.41],[121.4,31.4]]]}}]}",
          f);
    fclose(f);
    f = fopen(p1, "w");
    fputs("{\"id\":\"num\",\"name\":\"数\",\"elements\":[{\"id\":\"e\",\"name\":\"E\",\"geometry\":\"num.geojson#42\"}]}", f);
    fclose(f);
    park_layout *lo = NULL;
    CHECK_STATUS(park_layout_build_dir(ctx, dir, "num", NULL, &lo), PARK_OK);
    if (lo) {
        const park_parcel *e = element(lo, "e");
        CHECK(e && strcmp(e->provenance, "9.5") == 0);
        park_layout_free(lo);
    }
    unlink(p1), unlink(p2), rmdir(dir);
    free(p1), free(p2);
}

static void test_yihe(park_ctx *ctx, const park_layer *parcels) {
    park_layout *lo = NULL;
    /* it needs no parcels: a NULL parcel layer is accepted */
    CHECK_STATUS(park_layout_build(ctx, "一核两极三带", NULL, &lo), PARK_OK);
    park_layout_free(lo), lo = NULL;
    CHECK_STATUS(park_layout_build(ctx, "一核两极三带", parcels, &lo), PARK_OK);
    if (!lo) return;
    CHECK_STR(park_layout_id(lo), "yihe-liangji-sandai");
    check_elements(ctx, lo, 6);
    static const struct {
        const char *id, *name, *group;
    } want[] = {
        {"yihe", "徐家汇-衡复-枫林创新核", "一核"},
        {"liangji-binjiang", "徐汇滨江", "两极"},
        {"liangji-caohejing", "漕河泾开发区", "两极"},
        {"sandai-binjiang", "徐汇滨江卓越创新示范带", "三带"},
        {"sandai-caohejing-huajing", "漕河泾-华泾创新创业示范带", "三带"},
        {"sandai-zhongzhou", "徐汇中轴转型发展示范带", "三带"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const park_parcel *e = element(lo, want[i].id);
        CHECK(e != NULL);
        if (!e) continue;
        CHECK_STR(e->name, want[i].name);
        CHECK_STR(e->layout, want[i].group);
        CHECK(strstr(e->provenance, "error") != NULL); /* every derived element carries an error estimate */
    }
    park_layout_free(lo);
}

/* The real parcel layer, when the compiler has produced it. */
static void test_real_parcels(park_ctx *ctx) {
    struct stat sb;
    const char *path = park_default_parcels_path();
    if (stat(path, &sb) != 0) {
        printf("(no %s yet: layouts over the real parcels not built)\n", path);
        return;
    }
    park_layer *real = NULL;
    if (park_layer_read(ctx, path, NULL, NULL, &real) != PARK_OK) {
        printf("(%s unreadable: %s)\n", path, park_ctx_errmsg(ctx));
        return;
    }
    const char *names[] = {"parcels", "sanyuan-sanxian-liangqu", "yihe-liangji-sandai"};
    size_t counts[] = {park_layer_count(real), 8, 6};
    for (int i = 0; i < 3; i++) {
        park_layout *lo = NULL;
        CHECK_STATUS(park_layout_build(ctx, names[i], real, &lo), PARK_OK);
        if (!lo) {
            fprintf(stderr, "  %s\n", park_ctx_errmsg(ctx));
            continue;
        }
        check_elements(ctx, lo, counts[i]);
        park_layout_free(lo);
    }
    park_layer_free(real);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    park_layer *parcels = synthetic_parcels(ctx, NULL, 0.01);
    test_parcels_layout(ctx, parcels);
    test_sanyuan(ctx, parcels);
    test_edited_parcels(ctx, parcels);
    test_dissolve_error(ctx, parcels);
    test_errors(ctx, parcels);
    test_new_definition_file(ctx, parcels);
    test_numeric_geometry_file(ctx);
    test_yihe(ctx, parcels);
    test_real_parcels(ctx);
    park_layer_free(parcels);
    park_ctx_free(ctx);
    return test_summary();
}
