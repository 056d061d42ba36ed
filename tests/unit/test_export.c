/* test_export.c - the exporters (src/export/export*.c), read back with GDAL/OGR:
 * feature counts, CRS, Chinese text byte for byte (also from a CP936
 * Shapefile, decoded by GDAL through the .cpg), areas (attribute and geometry),
 * the DBF truncation of long provenance, QGIS styles, refusal to overwrite, and
 * that a failed export leaves nothing behind. */
#define _GNU_SOURCE /* memmem */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_minixml.h>
#include <dirent.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

static char tmpdir[64];

/* ---------------------------------------------------------------- fixture layers */

#define LONG_PROV_REPEAT 20
static char long_prov[2048];

static const struct {
    const char *id, *name, *group;
    double official;
    const char *wkt;
} ELEMENTS[] = {
    {"yuan-a", "宝山工业园区", "三园", 11.14,
     "POLYGON((121.36 31.45,121.38 31.45,121.38 31.47,121.36 31.47,121.36 31.45),(121.365 31.455,121.37 31.455,121.37 31.46,121.365 31.46,121.365 31.455))"},
    {"xian-b", "复旦高新技术产业基地", "三线", NAN, /* no plan figure: NULL in the exports */
     "MULTIPOLYGON(((121.48 31.34,121.49 31.34,121.49 31.35,121.48 31.35,121.48 31.34)),((121.50 31.34,121.505 31.34,121.505 31.345,121.50 31.34)))"},
    {"qu-c", "南大生态智慧城", "两区", 0.64, "POLYGON((121.40 31.34,121.41 31.34,121.41 31.35,121.40 31.35,121.40 31.34))"},
};
#define NEL (sizeof ELEMENTS / sizeof ELEMENTS[0])

static const struct {
    const char *id, *name, *wkt;
} LINES[] = {
    {"metro-1", "上海轨道交通1号线", "LINESTRING(121.40 31.30,121.42 31.36,121.43 31.40)"},
    {"metro-7", "上海轨道交通7号线", "MULTILINESTRING((121.35 31.38,121.40 31.35),(121.40 31.35,121.44 31.30))"},
};
static const struct {
    const char *id, *name, *line;
    double x, y;
} STATIONS[] = {
    {"st-1", "共富新村", "1号线", 121.42, 31.36}, {"st-2", "呼兰路", "1号线", 121.43, 31.40},
    {"st-3", "大场镇", "7号线", 121.40, 31.35},
};

static park_layer *elements_layer(park_ctx *ctx, const char *extra_name) {
    park_layer *l = park_layer_new(ctx);
    long_prov[0] = '\0';
    strcat(long_prov, "由宗地合并：");
    for (int i = 0; i < LONG_PROV_REPEAT; i++) strcat(long_prov, "边界依四至推定，误差约两百米；");
    for (size_t i = 0; i < NEL; i++) {
        park_parcel p = {0};
        p.id = (char *)ELEMENTS[i].id;
        p.name = (char *)(extra_name && i == 1 ? extra_name : ELEMENTS[i].name);
        p.layout = (char *)ELEMENTS[i].group;
        p.official_km2 = ELEMENTS[i].official;
        p.provenance = i == 2 ? long_prov : "parcels dissolved (GEOSUnaryUnion)";
        p.four_to = "";
        p.geom = park_geom_from_wkt(ctx, ELEMENTS[i].wkt);
        park_layer_add(ctx, l, &p);
    }
    return l;
}

static park_layer *lines_layer(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    for (size_t i = 0; i < 2; i++) {
        park_parcel p = {.id = (char *)LINES[i].id, .name = (char *)LINES[i].name, .layout = "metro",
                         .provenance = "OSM", .four_to = "", .official_km2 = NAN};
        p.geom = park_geom_from_wkt(ctx, LINES[i].wkt);
        park_layer_add(ctx, l, &p);
    }
    return l;
}

static park_layer *stations_layer(park_ctx *ctx, const char *bad_name) {
    park_layer *l = park_layer_new(ctx);
    for (size_t i = 0; i < 3; i++) {
        char wkt[64];
        snprintf(wkt, sizeof wkt, "POINT(%.4f %.4f)", STATIONS[i].x, STATIONS[i].y);
        park_parcel p = {.id = (char *)STATIONS[i].id, .name = (char *)(bad_name && i == 2 ? bad_name : STATIONS[i].name),
                         .layout = (char *)STATIONS[i].line, .provenance = "OSM", .four_to = "", .official_km2 = NAN};
        p.geom = park_geom_from_wkt(ctx, wkt);
        park_layer_add(ctx, l, &p);
    }
    return l;
}

typedef struct fixture {
    park_layer *el, *ln, *st;
    park_layout_layer layers[3];
    double area_km2[NEL];
} fixture;

static void fixture_init(park_ctx *ctx, fixture *fx, const char *bad_station) {
    fx->el = elements_layer(ctx, NULL);
    fx->ln = lines_layer(ctx);
    fx->st = stations_layer(ctx, bad_station);
    fx->layers[0] = (park_layout_layer){"test_layout", "测试布局", fx->el, 1, NULL};
    fx->layers[1] = (park_layout_layer){"metro_lines", "轨道交通线路", fx->ln, 0, NULL};
    fx->layers[2] = (park_layout_layer){"metro_stations", "轨道交通站点", fx->st, 0, NULL};
    for (size_t i = 0; i < NEL; i++) {
        double m2 = 0;
        park_area_geodesic(ctx, park_layer_get(fx->el, i)->geom, &m2);
        fx->area_km2[i] = m2 / 1e6;
    }
}

static void fixture_free(fixture *fx) {
    park_layer_free(fx->el), park_layer_free(fx->ln), park_layer_free(fx->st);
}

/* ---------------------------------------------------------------- readback */

static int epsg_of(OGRLayerH lyr) {
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lyr);
    if (!srs) return 0;
    OGRSpatialReferenceH c = OSRClone(srs);
    OSRAutoIdentifyEPSG(c);
    const char *code = OSRGetAuthorityCode(c, NULL);
    int r = code ? atoi(code) : 0;
    if (!code) {
        /* an ESRI .prj may only be matched by name: ask for the best match */
        int n = 0, *conf = NULL;
        OGRSpatialReferenceH *m = OSRFindMatches(c, NULL, &n, &conf);
        if (n > 0 && conf[0] >= 90) {
            const char *cc = OSRGetAuthorityCode(m[0], NULL);
            r = cc ? atoi(cc) : 0;
        }
        OSRFreeSRSArray(m);
        CPLFree(conf);
    }
    OSRDestroySpatialReference(c);
    return r;
}

static bool utf8_ok(const char *s) { return park_utf8_valid(s); }

/* Reads a polygon layer back and checks every element. */
static void check_elements(park_ctx *ctx, const fixture *fx, OGRLayerH lyr, int want_epsg, const char *area_field,
                           const char *off_field, const char *prov_field, int truncated_prov, double geom_tol,
                           const char *what) {
    CHECK(lyr != NULL);
    if (!lyr) return;
    int nf = (int)OGR_L_GetFeatureCount(lyr, TRUE);
    CHECK(nf == (int)NEL);
    int epsg = epsg_of(lyr);
    if (epsg != want_epsg) fprintf(stderr, "%s: CRS EPSG:%d, expected EPSG:%d\n", what, epsg, want_epsg);
    CHECK(epsg == want_epsg);
    OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
    int fi_id = OGR_FD_GetFieldIndex(d, "id"), fi_name = OGR_FD_GetFieldIndex(d, "name"),
        fi_group = OGR_FD_GetFieldIndex(d, "group"), fi_area = OGR_FD_GetFieldIndex(d, area_field),
        fi_off = off_field ? OGR_FD_GetFieldIndex(d, off_field) : -1, fi_prov = OGR_FD_GetFieldIndex(d, prov_field);
    CHECK(fi_id >= 0 && fi_name >= 0 && fi_group >= 0 && fi_area >= 0 && fi_prov >= 0);
    if (off_field) CHECK(fi_off >= 0);
    if (fi_id < 0 || fi_name < 0 || fi_area < 0 || fi_prov < 0) return;
    char srcdef[32];
    snprintf(srcdef, sizeof srcdef, "EPSG:%d", want_epsg);
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    int seen = 0;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        const char *id = OGR_F_GetFieldAsString(f, fi_id);
        size_t k = NEL;
        for (size_t i = 0; i < NEL; i++)
            if (!strcmp(ELEMENTS[i].id, id)) k = i;
        CHECK(k < NEL);
        if (k == NEL) {
            OGR_F_Destroy(f);
            continue;
        }
        seen++;
        CHECK_STR(OGR_F_GetFieldAsString(f, fi_name), ELEMENTS[k].name);
        if (fi_group >= 0) CHECK_STR(OGR_F_GetFieldAsString(f, fi_group), ELEMENTS[k].group);
        CHECK_NEAR(OGR_F_GetFieldAsDouble(f, fi_area), fx->area_km2[k], 1e-6);
        if (fi_off >= 0) {
            if (isnan(ELEMENTS[k].official)) CHECK(!OGR_F_IsFieldSetAndNotNull(f, fi_off));
            else CHECK_NEAR(OGR_F_GetFieldAsDouble(f, fi_off), ELEMENTS[k].official, 1e-9);
        }
        const char *prov = OGR_F_GetFieldAsString(f, fi_prov);
        const char *want_prov = park_layer_get(fx->el, k)->provenance;
        if (truncated_prov && strlen(want_prov) > 254) {
            size_t n = strlen(prov);
            CHECK(n <= 254 && n > 240);
            CHECK(utf8_ok(prov));
            CHECK(n >= 3 && !strcmp(prov + n - 3, "\xe2\x80\xa6")); /* ends in "…" */
            CHECK(n >= 3 && !strncmp(prov, want_prov, n - 3));      /* a prefix of the original */
        } else CHECK_STR(prov, want_prov);
        /* geometry: back to EPSG:4490, geodesic area as exported */
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        CHECK(og != NULL);
        if (og) {
            int sz = OGR_G_WkbSize(og);
            unsigned char *wkb = malloc((size_t)sz);
            OGR_G_ExportToIsoWkb(og, wkbNDR, wkb);
            GEOSGeometry *g = GEOSGeomFromWKB_buf_r(park_ctx_geos(ctx), wkb, (size_t)sz);
            free(wkb);
            GEOSGeometry *ll = NULL;
            CHECK_STATUS(park_transform(ctx, g, srcdef, "EPSG:4490", &ll), PARK_OK);
            double m2 = 0;
            if (ll) park_area_geodesic(ctx, ll, &m2);
            CHECK_NEAR(m2 / 1e6 / fx->area_km2[k], 1.0, geom_tol);
            GEOSGeom_destroy_r(park_ctx_geos(ctx), g);
            if (ll) GEOSGeom_destroy_r(park_ctx_geos(ctx), ll);
        }
        OGR_F_Destroy(f);
    }
    CHECK(seen == (int)NEL);
}

/* Companion layers: count, CRS and names. */
static void check_named(OGRLayerH lyr, int want_n, int want_epsg, const char *const *names) {
    CHECK(lyr != NULL);
    if (!lyr) return;
    CHECK((int)OGR_L_GetFeatureCount(lyr, TRUE) == want_n);
    CHECK(epsg_of(lyr) == want_epsg);
    int fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "name");
    if (fi < 0) fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), "Name");
    CHECK(fi >= 0);
    if (fi < 0) return;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    int i = 0;
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        if (i < want_n) CHECK_STR(OGR_F_GetFieldAsString(f, fi), names[i]);
        i++;
        OGR_F_Destroy(f);
    }
}

static const char *const LINE_NAMES[] = {"上海轨道交通1号线", "上海轨道交通7号线"};
static const char *const STATION_NAMES[] = {"共富新村", "呼兰路", "大场镇"};

static GDALDatasetH open_ro(const char *path) {
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) fprintf(stderr, "cannot open %s: %s\n", path, CPLGetLastErrorMsg());
    CHECK(ds != NULL);
    return ds;
}

static size_t slurp_len;
static char *slurp(const char *path) {
    slurp_len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    park_buf b;
    park_buf_init(&b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) park_buf_appendn(&b, buf, n);
    fclose(f);
    slurp_len = b.len;
    return park_buf_take(&b);
}

/* A QGIS style: well-formed XML with the renderer we meant. */
static void check_qml(const char *qml, const char *renderer, const char *must_contain) {
    CHECK(qml != NULL);
    if (!qml) return;
    CPLXMLNode *root = CPLParseXMLString(qml);
    CHECK(root != NULL);
    if (root) {
        CPLXMLNode *q = CPLGetXMLNode(root, "=qgis");
        CHECK(q != NULL);
        CHECK_STR(CPLGetXMLValue(q, "renderer-v2.type", ""), renderer);
        CHECK_STR(CPLGetXMLValue(q, "labeling.settings.text-style.fieldName", ""), "name");
        CHECK_STR(CPLGetXMLValue(q, "labelsEnabled", ""), "1");
        CPLDestroyXMLNode(root);
    }
    if (must_contain) CHECK(strstr(qml, must_contain) != NULL);
}

/* ---------------------------------------------------------------- cases */

static park_status export_to(park_ctx *ctx, fixture *fx, park_export_format fmt, const char *t_srs, const char *enc,
                             int overwrite, const char *dest, park_export_report **rep) {
    park_export_opts o;
    park_export_opts_default(&o);
    o.format = fmt, o.t_srs = t_srs, o.encoding = enc, o.overwrite = overwrite;
    return park_export_layers(ctx, "testlayout", "测试布局", fx->layers, 3, dest, &o, rep);
}

static void test_shapefile(park_ctx *ctx, fixture *fx, const char *enc, const char *t_srs, int epsg) {
    char dest[256], path[320];
    snprintf(dest, sizeof dest, "%s/shp-%s-%d", tmpdir, enc ? enc : "default", epsg);
    park_export_report *rep = NULL;
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, t_srs, enc, 0, dest, &rep), PARK_OK);
    if (!rep) {
        fprintf(stderr, "shp export failed: %s\n", park_ctx_errmsg(ctx));
        return;
    }
    CHECK(rep->n == 3);
    CHECK(strstr(rep->notes, "254 bytes") != NULL); /* the long provenance was cut, and said so */
    park_export_report_free(rep);
    const char *exts[] = {"shp", "shx", "dbf", "prj", "cpg", "qml"};
    for (size_t i = 0; i < 6; i++) {
        snprintf(path, sizeof path, "%s/test_layout.%s", dest, exts[i]);
        CHECK(access(path, R_OK) == 0);
    }
    snprintf(path, sizeof path, "%s/test_layout.cpg", dest);
    char *cpg = slurp(path);
    bool cp936 = enc && !strcmp(enc, "CP936");
    CHECK(cpg && !strncmp(cpg, cp936 ? "936" : "UTF-8", cp936 ? 3 : 5));
    free(cpg);
    /* the DBF header's language driver byte (offset 29): 0x4D = CP936 */
    snprintf(path, sizeof path, "%s/test_layout.dbf", dest);
    FILE *f = fopen(path, "rb");
    unsigned char hdr[32] = {0};
    if (f) {
        CHECK(fread(hdr, 1, 32, f) == 32);
        fclose(f);
    }
    CHECK(hdr[29] == (cp936 ? 0x4D : 0));
    /* in CP936 the name bytes are GBK, not UTF-8: "宝山" = B1 A6 C9 BD */
    char *dbf = slurp(path);
    if (cp936) CHECK(dbf && memmem(dbf, slurp_len, "\xb1\xa6\xc9\xbd", 4) != NULL);
    else CHECK(dbf && memmem(dbf, slurp_len, "宝山", strlen("宝山")) != NULL);
    free(dbf);
    snprintf(path, sizeof path, "%s/test_layout.prj", dest);
    char *prj = slurp(path);
    CHECK(prj && (epsg == 4490 ? strstr(prj, "GCS_China_Geodetic_Coordinate_System_2000") != NULL
                               : strstr(prj, "PROJCS[") != NULL));
    free(prj);

    snprintf(path, sizeof path, "%s/test_layout.shp", dest);
    GDALDatasetH ds = open_ro(path);
    if (ds) {
        check_elements(ctx, fx, GDALDatasetGetLayer(ds, 0), epsg, "area_km2", "official", "provenanc", 1, 1e-7, path);
        GDALClose(ds);
    }
    snprintf(path, sizeof path, "%s/metro_lines.shp", dest);
    if ((ds = open_ro(path))) check_named(GDALDatasetGetLayer(ds, 0), 2, epsg, LINE_NAMES), GDALClose(ds);
    snprintf(path, sizeof path, "%s/metro_stations.shp", dest);
    if ((ds = open_ro(path))) check_named(GDALDatasetGetLayer(ds, 0), 3, epsg, STATION_NAMES), GDALClose(ds);

    /* the library's own reader takes the exported file back too (via .prj and .cpg) */
    park_layer *back = NULL;
    snprintf(path, sizeof path, "%s/test_layout.shp", dest);
    CHECK_STATUS(park_layer_read(ctx, path, NULL, NULL, &back), PARK_OK);
    if (back) {
        CHECK(park_layer_count(back) == NEL);
        const park_parcel *p = park_layer_find(back, "yuan-a");
        CHECK(p && !strcmp(p->name, "宝山工业园区"));
        park_layer_free(back);
    }

    /* styles: categorised by id, one category per element, Chinese labels */
    snprintf(path, sizeof path, "%s/test_layout.qml", dest);
    char *qml = slurp(path);
    check_qml(qml, "categorizedSymbol", "label=\"复旦高新技术产业基地\"");
    free(qml);
    snprintf(path, sizeof path, "%s/metro_lines.qml", dest);
    qml = slurp(path);
    unsigned char rgb[3];
    char want[32];
    park_metro_color("1号线", rgb, NULL);
    snprintf(want, sizeof want, "value=\"%d,%d,%d,255\"", rgb[0], rgb[1], rgb[2]);
    check_qml(qml, "categorizedSymbol", want); /* line 1 in line 1's colour */
    free(qml);
    snprintf(path, sizeof path, "%s/metro_stations.qml", dest);
    qml = slurp(path);
    check_qml(qml, "categorizedSymbol", "value=\"7号线\"");
    free(qml);
}

static void test_gpkg(park_ctx *ctx, fixture *fx, const char *t_srs, int epsg, bool single) {
    char dest[256], path[320];
    snprintf(dest, sizeof dest, single ? "%s/one-%d.gpkg" : "%s/gpkg-%d", tmpdir, epsg);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_GPKG, t_srs, NULL, 0, dest, NULL), PARK_OK);
    if (single) snprintf(path, sizeof path, "%s", dest);
    else snprintf(path, sizeof path, "%s/testlayout.gpkg", dest);
    GDALDatasetH ds = open_ro(path);
    if (!ds) return;
    CHECK(GDALDatasetGetLayerCount(ds) == 4); /* 3 layers + layer_styles */
    check_elements(ctx, fx, GDALDatasetGetLayerByName(ds, "test_layout"), epsg, "area_km2", "official_km2", "provenance", 0,
                   1e-9, path);
    check_named(GDALDatasetGetLayerByName(ds, "metro_lines"), 2, epsg, LINE_NAMES);
    check_named(GDALDatasetGetLayerByName(ds, "metro_stations"), 3, epsg, STATION_NAMES);
    OGRLayerH st = GDALDatasetGetLayerByName(ds, "layer_styles");
    CHECK(st != NULL);
    if (st) {
        CHECK(OGR_L_GetFeatureCount(st, TRUE) == 3);
        OGRFeatureH f;
        OGRFeatureDefnH d = OGR_L_GetLayerDefn(st);
        int seen_primary = 0;
        while ((f = OGR_L_GetNextFeature(st)) != NULL) {
            const char *t = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "f_table_name"));
            CHECK(GDALDatasetGetLayerByName(ds, t) != NULL);
            CHECK_STR(OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "f_geometry_column")), "geom");
            CHECK(OGR_F_GetFieldAsInteger(f, OGR_FD_GetFieldIndex(d, "useAsDefault")) == 1);
            const char *qml = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "styleQML"));
            if (!strcmp(t, "test_layout")) {
                seen_primary = 1;
                check_qml(qml, "categorizedSymbol", "label=\"南大生态智慧城\"");
                /* the SLD twin: one rule per element plus the label rule */
                const char *sld = OGR_F_GetFieldAsString(f, OGR_FD_GetFieldIndex(d, "styleSLD"));
                CPLXMLNode *root = CPLParseXMLString(sld);
                CHECK(root != NULL);
                CPLXMLNode *fts = root ? CPLGetXMLNode(root, "=StyledLayerDescriptor.NamedLayer.UserStyle.se:FeatureTypeStyle") : NULL;
                CHECK(fts != NULL);
                int rules = 0;
                for (CPLXMLNode *c = fts ? fts->psChild : NULL; c; c = c->psNext)
                    if (c->eType == CXT_Element && !strcmp(c->pszValue, "se:Rule")) rules++;
                CHECK(rules == (int)NEL + 1);
                CHECK(strstr(sld, "<ogc:Literal>qu-c</ogc:Literal>") != NULL);
                if (root) CPLDestroyXMLNode(root);
            }
            OGR_F_Destroy(f);
        }
        CHECK(seen_primary);
    }
    GDALClose(ds);
}

static void test_geojson(park_ctx *ctx, fixture *fx, const char *t_srs, int epsg) {
    char dest[256], path[320];
    snprintf(dest, sizeof dest, "%s/geojson-%s", tmpdir, t_srs);
    park_export_report *rep = NULL;
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_GEOJSON, t_srs, NULL, 0, dest, &rep), PARK_OK);
    if (!rep) return;
    /* EPSG:4490 -> RFC 7946 WGS84 (said in a note); projected -> GeoJSON 2008 with a note */
    CHECK(strstr(rep->notes, epsg == 4326 ? "RFC 7946" : "not RFC 7946") != NULL);
    park_export_report_free(rep);
    snprintf(path, sizeof path, "%s/test_layout.geojson", dest);
    char *text = slurp(path);
    CHECK(text && (epsg == 4326 ? strstr(text, "\"crs\"") == NULL : strstr(text, "EPSG::4549") != NULL));
    free(text);
    GDALDatasetH ds = open_ro(path);
    /* RFC 7946 rounds to 7 decimals (~1 cm): relative area error below 1e-5 */
    if (ds) check_elements(ctx, fx, GDALDatasetGetLayer(ds, 0), epsg, "area_km2", "official_km2", "provenance", 0, 1e-5, path), GDALClose(ds);
    snprintf(path, sizeof path, "%s/metro_stations.geojson", dest);
    if ((ds = open_ro(path))) check_named(GDALDatasetGetLayer(ds, 0), 3, epsg, STATION_NAMES), GDALClose(ds);
    snprintf(path, sizeof path, "%s/test_layout.qml", dest);
    CHECK(access(path, R_OK) == 0);
}

static void test_kml(park_ctx *ctx, fixture *fx) {
    char dest[256], path[320];
    snprintf(dest, sizeof dest, "%s/out.kml", tmpdir);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_KML, NULL, NULL, 0, dest, NULL), PARK_OK);
    char *text = slurp(dest);
    CHECK(text && strstr(text, "<name>宝山工业园区</name>") != NULL);
    CHECK(text && strstr(text, "规划面积：11.14 km²") != NULL);       /* Chinese description */
    CHECK(text && strstr(text, "<Folder") != NULL);                    /* one Folder per layer */
    CHECK(text && strstr(text, "<PolyStyle>") != NULL);                /* fill colours */
    free(text);
    snprintf(path, sizeof path, "%s", dest);
    GDALDatasetH ds = open_ro(path);
    if (ds) {
        OGRLayerH l = GDALDatasetGetLayerByName(ds, "测试布局");
        if (!l) l = GDALDatasetGetLayerByName(ds, "test_layout");
        CHECK(l != NULL);
        if (l) {
            CHECK(OGR_L_GetFeatureCount(l, TRUE) == (GIntBig)NEL);
            CHECK(epsg_of(l) == 4326);
        }
        GDALClose(ds);
    }
    /* KML cannot hold a projected CRS: refused, not silently ignored */
    snprintf(dest, sizeof dest, "%s/proj.kml", tmpdir);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_KML, "EPSG:4549", NULL, 0, dest, NULL), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "always WGS84") != NULL);
    CHECK(access(dest, F_OK) != 0);
}

static ino_t inode_of(const char *p) {
    struct stat st;
    return stat(p, &st) == 0 ? st.st_ino : 0;
}

static int count_tmp_leftovers(void) {
    DIR *d = opendir(tmpdir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp.") || strstr(e->d_name, ".old.")) n++;
    if (d) closedir(d);
    return n;
}

static void test_overwrite_and_atomicity(park_ctx *ctx, fixture *fx) {
    char dest[256], path[320];
    snprintf(dest, sizeof dest, "%s/shp-default-4490", tmpdir); /* made by test_shapefile */
    snprintf(path, sizeof path, "%s/test_layout.prj", dest);
    char *before = slurp(path);
    ino_t ino = inode_of(dest);
    /* exists, no --overwrite: refused with the path in the message, untouched */
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, "EPSG:4549", NULL, 0, dest, NULL), PARK_ERR_OUTPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), dest) != NULL && strstr(park_ctx_errmsg(ctx), "--overwrite") != NULL);
    char *after = slurp(path);
    CHECK(before && after && !strcmp(before, after));
    CHECK(inode_of(dest) == ino);
    free(after);
    /* with --overwrite: replaced (a projected .prj now) */
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, "EPSG:4549", NULL, 1, dest, NULL), PARK_OK);
    after = slurp(path);
    CHECK(after && strstr(after, "PROJCS[") != NULL);
    CHECK(inode_of(dest) != ino);
    free(before), free(after);
    CHECK(count_tmp_leftovers() == 0);

    /* a directory holding anything an export does not write is never replaced */
    snprintf(path, sizeof path, "%s/notes.txt", dest);
    FILE *f = fopen(path, "w");
    if (f) fputs("mine\n", f), fclose(f);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, NULL, NULL, 1, dest, NULL), PARK_ERR_OUTPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "notes.txt") != NULL);
    CHECK(access(path, R_OK) == 0);

    /* single file: refused, then replaced */
    snprintf(dest, sizeof dest, "%s/one-4490.gpkg", tmpdir);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_GPKG, NULL, NULL, 0, dest, NULL), PARK_ERR_OUTPUT);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_GPKG, NULL, NULL, 1, dest, NULL), PARK_OK);
    CHECK(count_tmp_leftovers() == 0);

    /* a failure half-way (the third layer cannot be encoded in CP936, after the
     * first two were written): no output and no temp directory is left */
    fixture bad;
    fixture_init(ctx, &bad, "大场镇\xf0\x9f\x9a\x87"); /* U+1F687 METRO: not in GBK */
    snprintf(dest, sizeof dest, "%s/failed-cp936", tmpdir);
    CHECK_STATUS(export_to(ctx, &bad, PARK_EXPORT_SHP, NULL, "CP936", 0, dest, NULL), PARK_ERR_OUTPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "CP936") != NULL && strstr(park_ctx_errmsg(ctx), "st-3") != NULL);
    CHECK(access(dest, F_OK) != 0);
    CHECK(count_tmp_leftovers() == 0);
    /* ... and the same failure over an existing export keeps the old one whole */
    snprintf(dest, sizeof dest, "%s/shp-CP936-4549", tmpdir);
    snprintf(path, sizeof path, "%s/metro_stations.dbf", dest);
    char *old = slurp(path);
    CHECK_STATUS(export_to(ctx, &bad, PARK_EXPORT_SHP, "EPSG:4549", "CP936", 1, dest, NULL), PARK_ERR_OUTPUT);
    char *now = slurp(path);
    CHECK(old && now && !strcmp(old, now));
    free(old), free(now);
    CHECK(count_tmp_leftovers() == 0);
    fixture_free(&bad);
}

static void test_bad_options(park_ctx *ctx, fixture *fx) {
    park_export_format fmt;
    CHECK_STATUS(park_export_format_parse(ctx, "dxf", &fmt), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "'dxf'") && strstr(park_ctx_errmsg(ctx), "shp, gpkg, geojson, kml or pg"));
    CHECK_STATUS(park_export_format_parse(ctx, "GPKG", &fmt), PARK_OK);
    CHECK(fmt == PARK_EXPORT_GPKG);
    char dest[256];
    snprintf(dest, sizeof dest, "%s/badcrs", tmpdir);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, "EPSG:999999", NULL, 0, dest, NULL), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "EPSG:999999") != NULL);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, "EPSG:4979", NULL, 0, dest, NULL), PARK_ERR_USAGE); /* 3D */
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, NULL, "latin1", 0, dest, NULL), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "latin1") != NULL);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_GPKG, NULL, "CP936", 0, dest, NULL), PARK_ERR_USAGE);
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_PG, NULL, NULL, 0, dest, NULL), PARK_ERR_USAGE); /* not a connection */
    CHECK(strstr(park_ctx_errmsg(ctx), "PostgreSQL connection") != NULL);
    CHECK(access(dest, F_OK) != 0);
    /* the parent does not exist: an output error naming the path */
    CHECK_STATUS(export_to(ctx, fx, PARK_EXPORT_SHP, NULL, NULL, 0, "/nonexistent-dir/x", NULL), PARK_ERR_OUTPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "/nonexistent-dir/x") != NULL);
}

int main(void) {
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/parkgis-test-export.XXXXXX");
    if (!mkdtemp(tmpdir)) return 2;
    park_ctx *ctx = park_ctx_new();
    fixture fx;
    fixture_init(ctx, &fx, NULL);
    test_shapefile(ctx, &fx, NULL, NULL, 4490);
    test_shapefile(ctx, &fx, "CP936", "EPSG:4549", 4549);
    test_gpkg(ctx, &fx, NULL, 4490, false);
    test_gpkg(ctx, &fx, "EPSG:4549", 4549, true);
    test_gpkg(ctx, &fx, NULL, 4490, true);
    test_geojson(ctx, &fx, "EPSG:4490", 4326);
    test_geojson(ctx, &fx, "EPSG:4549", 4549);
    test_kml(ctx, &fx);
    test_overwrite_and_atomicity(ctx, &fx);
    test_bad_options(ctx, &fx);
    fixture_free(&fx);
    park_ctx_free(ctx);
    CPLPopErrorHandler();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (test_fail == 0 && system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
    else if (test_fail) fprintf(stderr, "outputs kept in %s\n", tmpdir);
    return test_summary();
}
