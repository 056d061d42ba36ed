/* test_recompute.c - boundary adjustments (src/adjust): WKT layers in, issues and
 * areas out. Expected areas are the geodesic areas of pieces written out by hand
 * (the strip a shifted square gains, the corner a cut removes), so the test
 * checks the differencing and matching, not park_area_geodesic itself (that is
 * test_area.c's job). Layouts are off (opts.layouts = 0): they depend on
 * geodata/, and the CLI integration test covers them. */
#include <gdal.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

/* a 0.01 deg square (~950 m x 1110 m) with its SW corner at (x, y) */
static char *square(double x, double y, double w, double h) {
    return park_asprintf("POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f))", x, y, x + w, y, x + w, y + h, x, y + h, x, y);
}

static void add(park_ctx *ctx, park_layer *l, const char *id, const char *name, const char *wkt) {
    park_parcel p = {0};
    p.id = (char *)id, p.name = (char *)name, p.layout = "", p.provenance = "", p.four_to = "";
    p.official_km2 = NAN;
    p.geom = park_geom_from_wkt(ctx, wkt);
    CHECK(p.geom != NULL);
    p.source_fid = (long)park_layer_count(l);
    CHECK_STATUS(park_layer_add(ctx, l, &p), PARK_OK);
}

static double geod(park_ctx *ctx, const char *wkt) {
    GEOSGeometry *g = park_geom_from_wkt(ctx, wkt);
    double a = NAN;
    park_area_geodesic(ctx, g, &a);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), g);
    return a;
}

static const park_area_change *find(const park_recompute_report *r, const char *id) {
    for (size_t i = 0; i < r->nparcels; i++)
        if (!strcmp(r->parcels[i].id, id)) return &r->parcels[i];
    return NULL;
}

static size_t count_kind(const park_recompute_report *r, const char *kind, park_issue_level lv) {
    size_t n = 0;
    for (size_t i = 0; i < r->nissues; i++) n += !strcmp(r->issues[i].kind, kind) && r->issues[i].level == lv;
    return n;
}

static park_recompute_report *run(park_ctx *ctx, park_layer *b, park_layer *e) {
    park_recompute_opts o;
    park_recompute_opts_default(&o);
    o.layouts = 0;
    park_recompute_report *r = NULL;
    CHECK_STATUS(park_recompute(ctx, b, e, &o, &r), PARK_OK);
    return r;
}

/* baseline: A and B, 0.01 deg squares 0.01 deg apart; C far away */
static park_layer *baseline(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    char *a = square(121.40, 31.40, 0.01, 0.01), *b = square(121.42, 31.40, 0.01, 0.01), *c = square(121.40, 31.43, 0.01, 0.01);
    add(ctx, l, "a", "甲", a), add(ctx, l, "b", "乙", b), add(ctx, l, "c", "丙", c);
    free(a), free(b), free(c);
    return l;
}

/* A shifted 0.002 deg east: it gains a strip on the east and loses one on the
 * west; both are non-zero and the net change is their difference. */
static void test_shift_gains_and_loses(park_ctx *ctx) {
    park_layer *b = baseline(ctx), *e = park_layer_new(ctx);
    char *a2 = square(121.402, 31.40, 0.01, 0.01), *bb = square(121.42, 31.40, 0.01, 0.01), *c = square(121.40, 31.43, 0.01, 0.01);
    add(ctx, e, "a", "甲", a2), add(ctx, e, "b", "乙", bb), add(ctx, e, "c", "丙", c);
    park_recompute_report *r = run(ctx, b, e);
    CHECK_NEAR(r->errors, 0, 0);
    CHECK(r->computed);
    const park_area_change *ca = find(r, "a");
    CHECK(ca && ca->kind == PARK_CHANGE_CHANGED);
    char *gained = square(121.41, 31.40, 0.002, 0.01), *lost = square(121.40, 31.40, 0.002, 0.01);
    if (ca) {
        CHECK_NEAR(ca->gained_m2, geod(ctx, gained), 0.01);
        CHECK_NEAR(ca->lost_m2, geod(ctx, lost), 0.01);
        CHECK(ca->gained_m2 > 200000 && ca->lost_m2 > 200000);
        CHECK_NEAR(ca->new_m2 - ca->old_m2, ca->gained_m2 - ca->lost_m2, 0.01);
        CHECK(ca->gained && ca->lost);
    }
    const park_area_change *cb = find(r, "b");
    CHECK(cb && cb->kind == PARK_CHANGE_UNCHANGED && cb->gained_m2 == 0 && cb->lost_m2 == 0 && !cb->gained);
    /* the whole park gains and loses the same two strips */
    CHECK_NEAR(r->total.gained_m2, geod(ctx, gained), 0.01);
    CHECK_NEAR(r->total.lost_m2, geod(ctx, lost), 0.01);
    CHECK_NEAR(r->total.old_m2, geod(ctx, a2) + geod(ctx, bb) + geod(ctx, c), 0.01); /* a shifted keeps its area */
    free(a2), free(bb), free(c), free(gained), free(lost);
    park_recompute_report_free(r);
    park_layer_free(b), park_layer_free(e);
}

/* A's east half handed to a new parcel D: A loses, D is added, the park as a
 * whole neither gains nor loses (area moved between parcels cancels in the union). */
static void test_transfer_cancels_in_total(park_ctx *ctx) {
    park_layer *b = baseline(ctx), *e = park_layer_new(ctx);
    char *aw = square(121.40, 31.40, 0.005, 0.01), *ae = square(121.405, 31.40, 0.005, 0.01);
    char *bb = square(121.42, 31.40, 0.01, 0.01), *c = square(121.40, 31.43, 0.01, 0.01);
    add(ctx, e, "a", "甲", aw), add(ctx, e, "b", "乙", bb), add(ctx, e, "c", "丙", c), add(ctx, e, "d", "丁", ae);
    park_recompute_report *r = run(ctx, b, e);
    CHECK(r->computed);
    CHECK_NEAR(count_kind(r, "added", PARK_WARNING), 1, 0);
    const park_area_change *ca = find(r, "a"), *cd = find(r, "d");
    CHECK(ca && cd && cd->kind == PARK_CHANGE_ADDED && cd->old_m2 == 0);
    if (ca && cd) {
        CHECK_NEAR(ca->lost_m2, geod(ctx, ae), 0.01);
        CHECK_NEAR(cd->gained_m2, geod(ctx, ae), 0.01);
    }
    CHECK_NEAR(r->total.gained_m2, 0, 1e-6);
    CHECK_NEAR(r->total.lost_m2, 0, 1e-6);
    CHECK_NEAR(r->total.new_m2, r->total.old_m2, 0.01);
    CHECK(r->total.kind == PARK_CHANGE_UNCHANGED);
    free(aw), free(ae), free(bb), free(c);
    park_recompute_report_free(r);
    park_layer_free(b), park_layer_free(e);
}

/* Vertices moved by rounding (1e-9 deg ~ 0.1 mm, as a round trip through a
 * projected CRS leaves them) are not an edit; a real 1 m move is. */
static void test_snap_absorbs_noise(park_ctx *ctx) {
    park_layer *b = baseline(ctx), *e = park_layer_new(ctx);
    add(ctx, e, "a", "甲", "POLYGON((121.400000001 31.399999999,121.410000001 31.400000001,121.409999999 31.410000001,121.399999999 31.409999999,121.400000001 31.399999999))");
    char *bb = square(121.42, 31.40, 0.01, 0.01);
    add(ctx, e, "b", "乙", bb);
    /* C's NE corner pushed ~1 m east (1e-5 deg lon ~ 0.95 m) */
    add(ctx, e, "c", "丙", "POLYGON((121.40 31.43,121.41 31.43,121.41001 31.44,121.40 31.44,121.40 31.43))");
    park_recompute_report *r = run(ctx, b, e);
    const park_area_change *ca = find(r, "a"), *cc = find(r, "c");
    CHECK(ca && ca->kind == PARK_CHANGE_UNCHANGED && ca->gained_m2 == 0 && ca->lost_m2 == 0);
    CHECK(cc && cc->kind == PARK_CHANGE_CHANGED);
    /* the triangle (121.41 31.43, 121.41001 31.44, 121.41 31.44) */
    if (cc) CHECK_NEAR(cc->gained_m2, geod(ctx, "POLYGON((121.41 31.43,121.41001 31.44,121.41 31.44,121.41 31.43))"), 0.01);
    free(bb);
    park_recompute_report_free(r);
    park_layer_free(b), park_layer_free(e);
}

/* removed, renamed, no id, duplicate id, bow-tie */
static void test_issues(park_ctx *ctx) {
    park_layer *b = baseline(ctx);
    char *a = square(121.40, 31.40, 0.01, 0.01), *bb = square(121.42, 31.40, 0.01, 0.01), *c = square(121.40, 31.43, 0.01, 0.01);

    park_layer *e = park_layer_new(ctx); /* b removed, a renamed: warnings only */
    add(ctx, e, "a", "甲改", a), add(ctx, e, "c", "丙", c);
    park_recompute_report *r = run(ctx, b, e);
    CHECK(r->computed && r->errors == 0);
    CHECK_NEAR(count_kind(r, "removed", PARK_WARNING), 1, 0);
    CHECK_NEAR(count_kind(r, "renamed", PARK_WARNING), 1, 0);
    const park_area_change *ca = find(r, "a"), *cb = find(r, "b");
    CHECK(ca && ca->renamed && ca->kind == PARK_CHANGE_UNCHANGED);
    if (ca) {
        CHECK_STR(ca->old_name, "甲");
        CHECK_STR(ca->name, "甲改");
    }
    CHECK(cb && cb->kind == PARK_CHANGE_REMOVED && cb->new_m2 == 0 && cb->lost_m2 == cb->old_m2);
    park_recompute_report_free(r);
    park_layer_free(e);

    e = park_layer_new(ctx); /* no id, duplicate id: errors, nothing computed */
    add(ctx, e, "", "无编号", a), add(ctx, e, "b", "乙", bb), add(ctx, e, "b", "乙", c);
    r = run(ctx, b, e);
    CHECK(!r->computed && r->nparcels == 0);
    CHECK_NEAR(count_kind(r, "no-id", PARK_ERROR), 1, 0);
    CHECK_NEAR(count_kind(r, "duplicate-id", PARK_ERROR), 1, 0);
    park_recompute_report_free(r);
    park_layer_free(e);

    e = park_layer_new(ctx); /* bow-tie: GEOS reason and location */
    add(ctx, e, "a", "甲", "POLYGON((121.40 31.40,121.41 31.41,121.41 31.40,121.40 31.41,121.40 31.40))");
    add(ctx, e, "b", "乙", bb), add(ctx, e, "c", "丙", c);
    r = run(ctx, b, e);
    CHECK(!r->computed && r->errors >= 1);
    const park_issue *inv = NULL;
    for (size_t i = 0; i < r->nissues; i++)
        if (!strcmp(r->issues[i].kind, "invalid")) inv = &r->issues[i];
    CHECK(inv != NULL);
    if (inv) {
        CHECK(strstr(inv->message, "Self-intersection") != NULL);
        CHECK_NEAR(inv->x, 121.405, 1e-6);
        CHECK_NEAR(inv->y, 31.405, 1e-6);
    }
    park_recompute_report_free(r);
    park_layer_free(e);
    free(a), free(bb), free(c);
    park_layer_free(b);
}

/* An overlap the baseline already has is listed as a warning; one the edit
 * makes is an error. */
static void test_overlap_new_vs_inherited(park_ctx *ctx) {
    park_layer *b = park_layer_new(ctx), *e1 = park_layer_new(ctx), *e2 = park_layer_new(ctx);
    char *a = square(121.40, 31.40, 0.01, 0.01), *bo = square(121.409, 31.40, 0.01, 0.01), *bf = square(121.42, 31.40, 0.01, 0.01);
    add(ctx, b, "a", "甲", a), add(ctx, b, "b", "乙", bo);   /* baseline overlaps by 0.001 deg */
    add(ctx, e1, "a", "甲", a), add(ctx, e1, "b", "乙", bo); /* unchanged */
    park_recompute_report *r = run(ctx, b, e1);
    CHECK(r->computed && r->errors == 0);
    CHECK_NEAR(count_kind(r, "overlap", PARK_WARNING), 1, 0);
    park_recompute_report_free(r);
    park_layer_free(b);
    b = park_layer_new(ctx);
    add(ctx, b, "a", "甲", a), add(ctx, b, "b", "乙", bf);   /* clean baseline */
    add(ctx, e2, "a", "甲", a), add(ctx, e2, "b", "乙", bo); /* the edit makes the overlap */
    r = run(ctx, b, e2);
    CHECK(!r->computed);
    CHECK_NEAR(count_kind(r, "overlap", PARK_ERROR), 1, 0);
    park_recompute_report_free(r);
    free(a), free(bo), free(bf);
    park_layer_free(b), park_layer_free(e1), park_layer_free(e2);
}

/* The diff layer: one feature per gained/lost piece, fields as documented;
 * refuses to replace an existing file without overwrite. */
static void test_diff_layer(park_ctx *ctx) {
    park_layer *b = baseline(ctx), *e = park_layer_new(ctx);
    char *a2 = square(121.402, 31.40, 0.01, 0.01), *bb = square(121.42, 31.40, 0.01, 0.01), *c = square(121.40, 31.43, 0.01, 0.01);
    add(ctx, e, "a", "甲", a2), add(ctx, e, "b", "乙", bb), add(ctx, e, "c", "丙", c);
    park_recompute_report *r = run(ctx, b, e);
    char path[64];
    snprintf(path, sizeof path, "/tmp/test_recompute.%ld.gpkg", (long)getpid());
    unlink(path);
    CHECK_STATUS(park_recompute_write_diff(ctx, r, path, false), PARK_OK);
    CHECK_STATUS(park_recompute_write_diff(ctx, r, path, false), PARK_ERR_OUTPUT);
    CHECK_STATUS(park_recompute_write_diff(ctx, r, path, true), PARK_OK);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CHECK(ds != NULL);
    if (ds) {
        OGRLayerH lyr = GDALDatasetGetLayerByName(ds, "parcel_changes");
        CHECK(lyr != NULL);
        if (lyr) {
            CHECK_NEAR((double)OGR_L_GetFeatureCount(lyr, 1), 2, 0);
            double sum_g = 0, sum_l = 0;
            OGRFeatureH f;
            while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
                CHECK_STR(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "parcel_id")), "a");
                const char *kind = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "kind"));
                double m2 = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "area_m2"));
                if (!strcmp(kind, "gained")) sum_g += m2;
                else if (!strcmp(kind, "lost")) sum_l += m2;
                else CHECK(!"kind is gained or lost");
                OGR_F_Destroy(f);
            }
            CHECK_NEAR(sum_g, find(r, "a")->gained_m2, 1e-6);
            CHECK_NEAR(sum_l, find(r, "a")->lost_m2, 1e-6);
        }
        GDALClose(ds);
    }
    unlink(path);
    /* a report that stopped at validation has nothing to write */
    park_recompute_report *bad = NULL;
    park_layer *e2 = park_layer_new(ctx);
    add(ctx, e2, "", "x", a2);
    park_recompute_opts o;
    park_recompute_opts_default(&o);
    o.layouts = 0;
    CHECK_STATUS(park_recompute(ctx, b, e2, &o, &bad), PARK_OK);
    CHECK_STATUS(park_recompute_write_diff(ctx, bad, path, false), PARK_ERR_CHECK);
    struct stat sb;
    CHECK(stat(path, &sb) != 0);
    park_recompute_report_free(bad);
    park_layer_free(e2);
    free(a2), free(bb), free(c);
    park_recompute_report_free(r);
    park_layer_free(b), park_layer_free(e);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_shift_gains_and_loses(ctx);
    test_transfer_cancels_in_total(ctx);
    test_snap_absorbs_noise(ctx);
    test_issues(ctx);
    test_overlap_new_vs_inherited(ctx);
    test_diff_layer(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
