/* fuzz_osm_features.c - the OSM importer's per-feature code (src/sources/
 * osm.c: read_dataset's theme, class, id and name key of each feature, the
 * AOI test, the WKB hand-over to GEOS; then selection by name, merging,
 * osm_feature.c's line tidying and choice, water width and line offsets) on
 * OGR features built in memory from the input. fuzz_osm keeps GDAL's OSM
 * driver in the loop (15 execs/s: most of it the driver's SQLite set-up);
 * this one runs at parkgis's own speed.
 *
 * Layers as the OSM driver names them (points, lines, multipolygons) and as
 * Geofabrik's Shapefiles do (gis_osm_*_free_1), made once per process in a
 * Memory dataset. Input: byte 0 the AOI and what is asked; byte 1 the number
 * of features (0-7); per feature its layer, every field (names from a table
 * of the plan's spellings or from the input; osm ids as text or Integer64),
 * and a geometry (fuzz_common.h); then a guide line near Baoshan. */
#include "fuzz_common.h"
#include "parkgis_sources.h"
#include "sources/sources.h"

static const char *const f_points[] = {"osm_id", "name", "amenity", NULL};
static const OGRFieldType t_points[] = {OFTString, OFTString, OFTString};
static const char *const f_lines[] = {"osm_id", "name", "highway", "waterway", NULL};
static const OGRFieldType t_lines[] = {OFTString, OFTString, OFTString, OFTString};
static const char *const f_mp[] = {"osm_id", "osm_way_id", "name", "natural", "landuse", "amenity", "leisure", "aeroway", NULL};
static const OGRFieldType t_mp[] = {OFTString, OFTString, OFTString, OFTString, OFTString, OFTString, OFTString, OFTString};
static const char *const f_geofabrik[] = {"osm_id", "code", "fclass", "name", NULL};
static const OGRFieldType t_geofabrik[] = {OFTInteger64, OFTInteger, OFTString, OFTString};
static const char *const f_geofabrik_s[] = {"osm_id", "fclass", "name", NULL};
static const OGRFieldType t_geofabrik_s[] = {OFTString, OFTString, OFTString};
static const struct {
    const char *name;
    const char *const *f;
    const OGRFieldType *t;
} lspec[] = {{"points", f_points, t_points},
             {"lines", f_lines, t_lines},
             {"multipolygons", f_mp, t_mp},
             {"gis_osm_roads_free_1", f_geofabrik, t_geofabrik},
             {"gis_osm_waterways_free_1", f_geofabrik_s, t_geofabrik_s},
             {"gis_osm_water_a_free_1", f_geofabrik_s, t_geofabrik_s},
             {"gis_osm_landuse_a_free_1", f_geofabrik, t_geofabrik},
             {"gis_osm_pois_a_free_1", f_geofabrik_s, t_geofabrik_s},
             {"gis_osm_transport_a_free_1", f_geofabrik_s, t_geofabrik_s},
             {"gis_osm_buildings_a_free_1", f_geofabrik_s, t_geofabrik_s}};
#define NL (sizeof lspec / sizeof lspec[0])

/* Names as the plan and OSM spell them (the variants park_osm_name_key joins),
 * and values of the theme tags. */
static const char *const names[] = {"沪太路", "潘泾", "潘泾河", "蕴藻浜", "蕰藻浜", "荻径", "荻泾", "沪太路（北段）", "沪太 路", "河", "", "water", "industrial"};
#define NN (sizeof names / sizeof names[0])
static const char *const asks[] = {"沪太路", "潘泾河", "蕴藻浜", "荻泾", "沪太路|潘泾", "蕴藻浜|荻径|潘泾", "河", "沪太路（北段）"};
#define NA (sizeof asks / sizeof asks[0])

static park_ctx *ctx;
static GDALDatasetH ds;
static OGRLayerH layers[NL];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new();
    if (!ctx) abort();
    park_gdal_register();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    fuzz_finite_coords = true; /* NaN/inf in read_dataset: tests/unit/test_osm_mem.c */
    ds = fuzz_mem_dataset();
    for (size_t i = 0; i < NL; i++) layers[i] = fuzz_mem_layer(ds, lspec[i].name, 4326, lspec[i].f, lspec[i].t);
    return 0;
}

/* A lon/lat line of 2-5 points within ~14 km of Baoshan (a 四至's old sketch). */
static GEOSGeometry *guide_line(fuzz_in *in) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    unsigned n = 2 + fuzz_u8(in) % 4;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, n, 2);
    for (unsigned i = 0; i < n; i++)
        GEOSCoordSeq_setXY_r(h, cs, i, 121.40 + (int8_t)fuzz_u8(in) * 1e-3, 31.35 + (int8_t)fuzz_u8(in) * 1e-3);
    return GEOSGeom_createLineString_r(h, cs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    unsigned mode = fuzz_u8(&in);
    unsigned nf = fuzz_u8(&in) % 8;
    double base[2];
    fuzz_base(&in, base);
    for (unsigned k = 0; k < nf; k++) {
        OGRLayerH lyr = layers[fuzz_u8(&in) % NL];
        OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
        OGRFeatureH f = OGR_F_Create(defn);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
            unsigned t = fuzz_u8(&in);
            if (t & 1) OGR_F_SetFieldString(f, i, names[(t >> 1) % NN]);
            else fuzz_field(&in, f, i);
        }
        OGRGeometryH g = fuzz_geometry(&in, base, 0);
        if (g) OGR_F_SetGeometryDirectly(f, g);
        /* FIDs 1..8 again for every input: left to CreateFeature they grow by one
         * a feature for the life of the process, and the Memory layer walks every
         * FID slot it ever had (reading and emptying): at 100,000 executions the
         * rate had fallen from ~2,500 to 79 a second. The importer never reads a FID. */
        OGR_F_SetFID(f, (GIntBig)k + 1);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE) abort();
        OGR_F_Destroy(f);
    }
    static const double boxes[][4] = {{121.0, 31.0, 122.0, 32.0}, {-180, -90, 180, 90}, {121.40, 31.35, 121.40, 31.35}, {122, 32, 121, 31}};
    const double *aoi = boxes[mode % 4];
    park_osm *o = NULL;
    if (park_osm_from_dataset(ctx, ds, "mem:osm", aoi, &o) != PARK_OK) {
        if (o || !park_ctx_errmsg(ctx)[0]) abort(); /* a refusal says why and leaves nothing */
        if (getenv("PARKGIS_FUZZ_VERBOSE")) fprintf(stderr, "refused: %s\n", park_ctx_errmsg(ctx));
        for (size_t i = 0; i < NL; i++) fuzz_mem_clear(layers[i]);
        return 0;
    }
    (void)park_osm_count(ctx, o);
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    GEOSGeometry *guide = guide_line(&in);
    int themes = (int)(fuzz_u8(&in) % 63) + 1;
    const char *ask = asks[(mode >> 2) % NA];
    park_osm_match m;
    if (park_osm_select(ctx, o, themes, ask, (mode & 0x20) != 0, aoi[0], aoi[1], aoi[2], aoi[3], &m) == PARK_OK) {
        if (m.nfeatures && (!m.geom || !m.method || !m.osm_ids)) abort();
        if (m.geom && guide) {
            double mean, max, covered;
            park_line_offset(ctx, guide, m.geom, &mean, &max, &covered);
            if (!(covered >= 0 && covered <= 1)) abort();
        }
        park_osm_match_clear(ctx, &m);
    }
    park_osm_feature f;
    int ftheme = (mode & 0x40) ? PARK_OSM_WATER | PARK_OSM_LANDUSE : PARK_OSM_ROAD | PARK_OSM_WATERWAY;
    park_status st = park_osm_feature_get(ctx, o, ftheme, ask, (mode & 0x80) || (ftheme & PARK_OSM_WATER) ? guide : NULL, 300, aoi, &f);
    if (getenv("PARKGIS_FUZZ_VERBOSE")) /* what an input reaches, for writing seeds */
        fprintf(stderr, "%zu features; %s: %s\n", park_osm_count(ctx, o), ask, st ? park_ctx_errmsg(ctx) : f.method);
    if (st == PARK_OK) {
        if (f.geom && !f.name) abort();
        park_osm_feature_clear(ctx, &f);
    }
    if (guide) {
        double w = park_osm_water_width(ctx, o, guide, 30);
        if (!(isnan(w) || w >= 0)) abort();
        GEOSGeom_destroy_r(h, guide);
    }
    park_osm_free_ctx(ctx, o);
    for (size_t i = 0; i < NL; i++) fuzz_mem_clear(layers[i]);
    return 0;
}
