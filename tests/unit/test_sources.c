/* test_sources.c - the sources layer: address-point TSV reader and hold-out
 * rule, the road-course fit, OSM name keys, and the OSM importer on a small
 * .osm file written here (and on the shared Geofabrik layers when present). */
#include <gdal.h>
#include <geos_c.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "parkgis_sources.h"
#include "sources/sources.h"
#include "test.h"

static void test_fnv(void) {
    /* FNV-1a 32-bit reference vectors */
    CHECK(park_fnv1a32("", 0) == 2166136261u);
    CHECK(park_fnv1a32("a", 1) == 0xe40c292cu);
    CHECK(park_fnv1a32("foobar", 6) == 0xbf9cf968u);
    park_address_point p = {.address = "foobar"};
    CHECK(park_address_point_is_holdout(&p) == (0xbf9cf968u % 5 == 0));
}

static char *write_tsv(int n, int *held) {
    char *path = park_strdup("/tmp/parkgis-test-addr.XXXXXX");
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("address_key\troad\tnumber\tunit\tn_sources\tsources\tlon_wgs84\tlat_wgs84\tmax_pairwise_disagreement_m\tany_point_shared_by_many_addresses\tinside_baoshan_polygon\tnames_seen\n", f);
    *held = 0;
    /* points along the parallel 31.40 N from 121.40 to 121.42 E, alternately 30 m north and south */
    for (int i = 0; i < n; i++) {
        char key[64];
        snprintf(key, sizeof key, "测试路%d号", i + 1);
        park_address_point p = {.address = key};
        *held += park_address_point_is_holdout(&p);
        double lon = 121.40 + 0.02 * i / (n - 1), lat = 31.40 + (i % 2 ? 30 : -30) / 111320.0;
        fprintf(f, "%s\t测试路\t%d\t号\t2\ta;b\t%.7f\t%.7f\t40\t0\t1\t%s\n", key, i + 1, lon, lat, key);
    }
    fputs("坏行\t测试路\t1\t号\t2\ta;b\tnot-a-number\t31.4\t40\t0\t1\t坏行\n", f);
    fputs("远点\t测试路\t2\t号\t2\ta;b\t121.41\t31.41\t900\t0\t1\t远点\n", f);  /* geocoders 900 m apart: rejected */
    fputs("村\t测试路\t\t\t3\ta;b;c\t121.41\t31.40\t5\t1\t1\t村\n", f);          /* shared fall-back: rejected */
    fclose(f);
    return path;
}

static void test_tsv_and_roadfit(park_ctx *ctx) {
    int held = 0;
    char *path = write_tsv(41, &held);
    park_address_points *pts = NULL;
    CHECK_STATUS(park_address_points_read(ctx, path, &pts), PARK_OK);
    CHECK(park_address_points_count(pts) == 43);
    CHECK(park_address_points_skipped(pts) == 1);
    CHECK(strstr(park_address_points_notes(pts), ":43: row skipped") != NULL);
    const park_address_point *last = park_address_points_get(pts, 42);
    CHECK(last && last->shared && !park_address_point_is_trusted(last));
    CHECK(park_address_point_is_trusted(park_address_points_get(pts, 0)));
    park_roadfit r;
    CHECK_STATUS(park_roadfit_road(ctx, pts, "测试路", NULL, NULL, NULL, &r), PARK_OK);
    CHECK(r.kind == PARK_ROADFIT_POINTS);
    CHECK(r.n_held_out == (size_t)held);
    CHECK(r.n_trusted == (size_t)(41 - held));
    CHECK(r.n_rejected == 2);
    /* the course lies on the true line: every vertex within 20 m of 31.40 N (bins of ~5 points alternating +-30 m) */
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    if (r.course) {
        const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, r.course);
        unsigned n = 0;
        GEOSCoordSeq_getSize_r(h, cs, &n);
        double worst = 0;
        for (unsigned i = 0; i < n; i++) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
            worst = fmax(worst, fabs(y - 31.40) * 111320);
        }
        if (!(worst < 20)) fprintf(stderr, "worst vertex %.1f m off\n", worst);
        CHECK(worst < 20);
        CHECK_NEAR(r.length_m, 1900, 150);
    }
    /* points are 30 m off the line: the residual says so, plus half the 40 m disagreement */
    CHECK(r.residual_p68_m > 20 && r.residual_p68_m < 45);
    CHECK(r.error_m > r.residual_p68_m && r.error_m < 50);
    CHECK(strstr(r.method, "held out") != NULL);
    park_roadfit_clear(ctx, &r);
    /* too little evidence: no course, says why */
    CHECK_STATUS(park_roadfit_road(ctx, pts, "无此路", NULL, NULL, NULL, &r), PARK_OK);
    CHECK(r.kind == PARK_ROADFIT_NONE && r.course == NULL && isnan(r.error_m));
    CHECK(strstr(r.method, "no course") != NULL);
    park_roadfit_clear(ctx, &r);
    park_address_points_free(pts);
    unlink(path);
    free(path);
    CHECK_STATUS(park_address_points_read(ctx, "/nonexistent.tsv", &pts), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "/nonexistent.tsv") != NULL);
}

static void test_name_key(void) {
    const char *cases[][2] = {{"蕴藻浜", "蕰藻浜"}, {"潘泾河", "潘泾"}, {"荻径", "荻泾"}, {"荻泾河", "荻泾"}, {"白塘河", "白塘"}, {"运河", "运河"},
                              {"上海大学（宝山校区）", "上海大学(宝山校区)"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *k = park_osm_name_key(cases[i][0]);
        CHECK_STR(k, cases[i][1]);
        free(k);
    }
}

/* A tiny .osm: a primary road, a river in two ways spelled 荻径 and 荻泾, and a campus polygon. */
static const char *OSM_XML =
    "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6' generator='test_sources'>\n"
    " <node id='1' lat='31.400' lon='121.400' version='1'/>\n <node id='2' lat='31.400' lon='121.410' version='1'/>\n"
    " <node id='3' lat='31.405' lon='121.400' version='1'/>\n <node id='4' lat='31.410' lon='121.401' version='1'/>\n"
    " <node id='5' lat='31.415' lon='121.402' version='1'/>\n"
    " <node id='6' lat='31.401' lon='121.404' version='1'/>\n <node id='7' lat='31.401' lon='121.406' version='1'/>\n"
    " <node id='8' lat='31.403' lon='121.406' version='1'/>\n <node id='9' lat='31.403' lon='121.404' version='1'/>\n"
    " <way id='100' version='1'><nd ref='1'/><nd ref='2'/><tag k='highway' v='primary'/><tag k='name' v='测试路'/></way>\n"
    " <way id='101' version='1'><nd ref='3'/><nd ref='4'/><tag k='waterway' v='river'/><tag k='name' v='荻径'/></way>\n"
    " <way id='102' version='1'><nd ref='4'/><nd ref='5'/><tag k='waterway' v='river'/><tag k='name' v='荻泾'/></way>\n"
    " <way id='103' version='1'><nd ref='6'/><nd ref='7'/><nd ref='8'/><nd ref='9'/><nd ref='6'/><tag k='amenity' v='university'/><tag k='name' v='测试大学（校区）'/></way>\n"
    "</osm>\n";

static void test_osm_file(park_ctx *ctx) {
    char path[] = "/tmp/parkgis-test-osm.XXXXXX.osm";
    int fd = mkstemps(path, 4);
    FILE *f = fdopen(fd, "w");
    fputs(OSM_XML, f);
    fclose(f);
    park_osm *o = NULL;
    CHECK_STATUS(park_osm_open(ctx, path, &o), PARK_OK);
    CHECK_STR(park_osm_form(o), "osm");
    park_osm_match m;
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_WATERWAY, "荻泾河", false, 121.3, 31.3, 121.5, 31.5, &m), PARK_OK);
    CHECK(m.nfeatures == 2);
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    CHECK(m.geom && GEOSGeomTypeId_r(h, m.geom) == GEOS_LINESTRING); /* the two ways merged into one line */
    CHECK_STR(m.osm_ids, "way 101,way 102");
    CHECK(m.method && strstr(m.method, "spelling variants") != NULL);
    park_osm_match_clear(ctx, &m);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_WATERWAY, "荻泾河", true, 121.3, 31.3, 121.5, 31.5, &m), PARK_OK);
    CHECK(m.nfeatures == 0);
    park_osm_match_clear(ctx, &m);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_ROAD, "测试路", true, 121.3, 31.3, 121.5, 31.5, &m), PARK_OK);
    CHECK(m.nfeatures == 1 && m.cls && !strcmp(m.cls, "primary"));
    park_osm_match_clear(ctx, &m);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_POI, "测试大学(校区)", false, 121.3, 31.3, 121.5, 31.5, &m), PARK_OK);
    CHECK(m.nfeatures == 1 && m.geom && GEOSGeomTypeId_r(h, m.geom) == GEOS_POLYGON);
    park_osm_match_clear(ctx, &m);
    /* a box without area: GEOSClipByRect gave NULL, which crashed the union (fuzz_osm_features) */
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_ROAD, "测试路", false, 121.4, 31.4, 121.4, 31.4, &m), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "is empty") != NULL && m.nfeatures == 0 && !m.geom && !m.method);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_ROAD, "测试路", false, 121.5, 31.5, 121.3, 31.3, &m), PARK_ERR_USAGE);
    park_osm_feature of;
    const double point_box[4] = {121.4, 31.4, 121.4, 31.4};
    CHECK_STATUS(park_osm_feature_get(ctx, o, PARK_OSM_ROAD, "测试路", NULL, 0, point_box, &of), PARK_ERR_USAGE);
    CHECK(!of.geom && !of.name && !of.method);
    park_osm_free_ctx(ctx, o);
    unlink(path);
    CHECK_STATUS(park_osm_open(ctx, "/nonexistent.osm.pbf", &o), PARK_ERR_INPUT);
}

/* A Memory dataset holding one layer of text fields, as GDAL's OSM driver names
 * its layers; *ds NULL when it cannot be made. */
static OGRLayerH mem_layer(GDALDatasetH *ds, const char *name, OGRwkbGeometryType type, const char *const *fields, int n) {
    park_gdal_register();
    *ds = GDALCreate(GDALGetDriverByName("Memory"), "t", 0, 0, 0, GDT_Unknown, NULL);
    CHECK(*ds != NULL);
    if (!*ds) return NULL;
    OGRLayerH l = GDALDatasetCreateLayer(*ds, name, NULL, type, NULL);
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i], OFTString);
        OGR_L_CreateField(l, fd, TRUE);
        OGR_Fld_Destroy(fd);
    }
    return l;
}

/* A line through latitude 95 (GDAL's OSM driver drops such nodes itself; a
 * Geofabrik Shapefile or any other dataset may hold them): not lon/lat,
 * refused as read, naming the feature (fuzz_osm_features: huge coordinates
 * made GEOS throw and leak while merging). Through park_osm_from_dataset, the
 * same read loop as park_osm_open's. */
static void test_osm_out_of_range(park_ctx *ctx) {
    const char *fields[] = {"osm_id", "name", "highway"};
    GDALDatasetH ds;
    OGRLayerH l = mem_layer(&ds, "lines", wkbLineString, fields, 3);
    if (!l) return;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 0, "100"), OGR_F_SetFieldString(f, 1, "测试路"), OGR_F_SetFieldString(f, 2, "primary");
    OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_AddPoint_2D(g, 121.40, 31.40), OGR_G_AddPoint_2D(g, 121.41, 95.0);
    OGR_F_SetGeometryDirectly(f, g);
    CHECK(OGR_L_CreateFeature(l, f) == OGRERR_NONE);
    OGR_F_Destroy(f);
    const double world[4] = {-180, -90, 180, 90};
    park_osm *o = NULL;
    CHECK_STATUS(park_osm_from_dataset(ctx, ds, "mem", world, &o), PARK_ERR_INPUT);
    CHECK(o == NULL && strstr(park_ctx_errmsg(ctx), "mem: OSM way 100 (测试路) has a coordinate that is not lon/lat degrees") != NULL);
    /* the same line inside the range is read */
    OGR_L_ResetReading(l);
    f = OGR_L_GetNextFeature(l);
    g = OGR_G_CreateGeometry(wkbLineString);
    OGR_G_AddPoint_2D(g, 121.40, 31.40), OGR_G_AddPoint_2D(g, 121.41, 31.41);
    OGR_F_SetGeometryDirectly(f, g);
    CHECK(OGR_L_SetFeature(l, f) == OGRERR_NONE);
    OGR_F_Destroy(f);
    CHECK_STATUS(park_osm_from_dataset(ctx, ds, "mem", world, &o), PARK_OK);
    CHECK(o && park_osm_count(ctx, o) == 1);
    park_osm_free_ctx(ctx, o);
    GDALClose(ds);
}

static void test_geofabrik(park_ctx *ctx) {
    const char *dir = "../../../shared/data/osm-geofabrik-2025-03";
    if (access(dir, R_OK) != 0) {
        printf("skipped: %s not present\n", dir);
        return;
    }
    park_osm *o = NULL;
    CHECK_STATUS(park_osm_open(ctx, dir, &o), PARK_OK);
    park_osm_set_aoi(o, 121.25, 31.25, 121.55, 31.50);
    CHECK_STR(park_osm_form(o), "geofabrik-shp");
    park_osm_match m;
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_WATERWAY, "潘泾河", false, 121.30, 31.33, 121.45, 31.45, &m), PARK_OK);
    CHECK(m.nfeatures >= 1 && m.names && !strcmp(m.names, "潘泾"));
    park_osm_match_clear(ctx, &m);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_WATERWAY, "蕴藻浜", false, 121.30, 31.28, 121.52, 31.40, &m), PARK_OK);
    CHECK(m.nfeatures >= 1 && m.names && strstr(m.names, "蕰藻浜"));
    park_osm_match_clear(ctx, &m);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_POI, "上海大学（宝山校区）", true, 121.30, 31.28, 121.45, 31.35, &m), PARK_OK);
    CHECK(m.nfeatures == 1);
    park_osm_match_clear(ctx, &m);
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_TRANSPORT, "上海大场机场", true, 121.30, 31.28, 121.45, 31.35, &m), PARK_OK);
    CHECK(m.nfeatures >= 1);
    park_osm_match_clear(ctx, &m);
    park_osm_free_ctx(ctx, o);
}

/* An invalid polygon (a spike to latitude -38, two collapsed holes) that the
 * selection box cuts: GEOS 3.11's rectangle clipping built a ring of 3 points
 * from it, threw, and leaked what it had built (fuzz_osm_features); it is made
 * valid before it is cut, so it is selected, and nothing leaks (the ASan suite). */
static void test_osm_invalid_cut(park_ctx *ctx) {
    const char *fields[] = {"osm_id", "osm_way_id", "name", "natural"};
    GDALDatasetH ds;
    OGRLayerH l = mem_layer(&ds, "multipolygons", wkbUnknown, fields, 4);
    if (!l) return;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
    OGR_F_SetFieldString(f, 1, "7"), OGR_F_SetFieldString(f, 2, "潘泾河"), OGR_F_SetFieldString(f, 3, "water");
    char wkt[] = "POLYGON ((121.4124 31.3624,121.4124 -38.65,121.4 31.3597,121.4 31.3624,121.4124 31.3624,121.4124 31.3624,"
                 "121.4124 31.3624),(121.4124 31.3624,121.4124 31.3624,90 0,121.4124 31.3624,121.4124 31.3624,121.4124 31.3624,"
                 "121.4124 31.3624),(121.4124 31.3624,121.4 31.3505,121.4002 31.3501,121.4003 31.3515,121.4 31.35,121.4 31.35,"
                 "121.4124 31.3624))";
    char *w = wkt;
    OGRGeometryH g = NULL;
    CHECK(OGR_G_CreateFromWkt(&w, NULL, &g) == OGRERR_NONE && g);
    OGR_F_SetGeometryDirectly(f, g);
    CHECK(OGR_L_CreateFeature(l, f) == OGRERR_NONE);
    OGR_F_Destroy(f);
    const double world[4] = {-180, -90, 180, 90};
    park_osm *o = NULL;
    CHECK_STATUS(park_osm_from_dataset(ctx, ds, "mem", world, &o), PARK_OK);
    park_osm_match m;
    CHECK_STATUS(park_osm_select(ctx, o, PARK_OSM_WATER, "潘泾河", false, 121.0, 31.0, 122.0, 32.0, &m), PARK_OK);
    CHECK(m.nfeatures == 1 && m.geom != NULL);
    park_osm_match_clear(ctx, &m);
    park_osm_free_ctx(ctx, o);
    GDALClose(ds);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_fnv();
    test_name_key();
    test_tsv_and_roadfit(ctx);
    test_osm_file(ctx);
    test_osm_out_of_range(ctx);
    test_osm_invalid_cut(ctx);
    test_geofabrik(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
