/* fuzz_layer_features.c - the parcel layer reader's per-feature code
 * (src/store/layer.c: park_layer_read_ogr, what park_layer_read does once a
 * file is open) and the validity check on reading (layer_check.c), on OGR
 * features built in memory from the input: no file and no driver parse, so
 * the rate is parkgis's own (fuzz_layer_geojson and fuzz_layer_shp keep GDAL's
 * drivers in the loop).
 *
 * Input: byte 0 picks one of the Memory-driver layers made once per process
 * (a field schema x a CRS); byte 1 the number of features (1-4, or 0); then per
 * feature every field (unset, null, text, or a value of the field's type:
 * Integer/Integer64 ids, Real names, NaN/inf areas, dates), and a geometry
 * (none, WKB bytes for OGR to decode, or built: polygons with empty, open or
 * huge-coordinate rings, multipolygons, lines, collections). */
#include "fuzz_common.h"
#include "store/store.h"

/* id, name, official_km2, layout, provenance, four_to, error_m under the
 * schemas a user's file has: all text (GeoJSON), numbers where text is
 * expected (issue 12 item 1), the DBF-cut names, a mapped Chinese schema
 * (--field), and one lacking name. */
static const char *const f_text[] = {"id", "name", "official_km2", "layout", "provenance", "four_to", "error_m", NULL};
static const OGRFieldType t_text[] = {OFTString, OFTString, OFTString, OFTString, OFTString, OFTString, OFTString};
static const OGRFieldType t_num[] = {OFTInteger, OFTInteger64, OFTReal, OFTInteger, OFTString, OFTString, OFTReal};
static const OGRFieldType t_odd[] = {OFTInteger64, OFTReal, OFTInteger, OFTDate, OFTReal, OFTDate, OFTString};
static const char *const f_dbf[] = {"id", "name", "official_k", "provenanc", "a_field_name_that_is_long_as_gpkg_allows_it_to_be", NULL};
static const OGRFieldType t_dbf[] = {OFTString, OFTString, OFTReal, OFTString, OFTString};
static const char *const f_zh[] = {"编号", "名称", "面积", "id", NULL};
static const OGRFieldType t_zh[] = {OFTInteger, OFTString, OFTString, OFTString};
static const char *const f_noname[] = {"id", "official_km2", NULL};
static const OGRFieldType t_noname[] = {OFTString, OFTReal};
static const struct {
    const char *const *f;
    const OGRFieldType *t;
    bool mapped;
} schemas[] = {{f_text, t_text, false}, {f_text, t_num, false}, {f_text, t_odd, false}, {f_dbf, t_dbf, false}, {f_zh, t_zh, true}, {f_noname, t_noname, false}};
/* none (taken as lon/lat), CGCS2000, WGS84, CGCS2000 3-degree GK CM 120E
 * (false easting 500 km) and its zone-prefixed form, UTM 51N */
static const int crss[] = {0, 4490, 4326, 4549, 4527, 32651};
#define NS (sizeof schemas / sizeof schemas[0])
#define NC (sizeof crss / sizeof crss[0])

static park_ctx *ctx, *ctx_mapped;
static GDALDatasetH ds;
static OGRLayerH layers[NS][NC];

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new(), ctx_mapped = park_ctx_new();
    if (!ctx || !ctx_mapped) abort();
    park_gdal_register();
    CPLSetErrorHandler(CPLQuietErrorHandler);
    if (park_field_map_set(ctx_mapped, "id", "编号") || park_field_map_set(ctx_mapped, "name", "名称") ||
        park_field_map_set(ctx_mapped, "official_km2", "面积:ha"))
        abort();
    ds = fuzz_mem_dataset();
    for (size_t s = 0; s < NS; s++)
        for (size_t c = 0; c < NC; c++) {
            char name[32];
            snprintf(name, sizeof name, "parcels_%zu_%zu", s, c);
            layers[s][c] = fuzz_mem_layer(ds, name, crss[c], schemas[s].f, schemas[s].t);
        }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_in in = {data, size};
    unsigned pick = fuzz_u8(&in);
    size_t si = (pick & 0x7f) % NS, ci = ((pick & 0x7f) / NS) % NC;
    OGRLayerH lyr = layers[si][ci];
    park_ctx *c = schemas[si].mapped ? ctx_mapped : ctx;
    unsigned nf = fuzz_u8(&in) % 6; /* 1-5 features, or (5) none */
    nf = nf == 5 ? 0 : nf + 1;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    double base[2];
    fuzz_base(&in, base);
    for (unsigned k = 0; k < nf; k++) {
        OGRFeatureH f = OGR_F_Create(defn);
        for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++) fuzz_field(&in, f, i);
        OGRGeometryH g = fuzz_geometry(&in, base, 0);
        if (g) OGR_F_SetGeometryDirectly(f, g);
        /* every FID explicit (numeric ids of any sign from the input, else k):
         * the Memory layer's own counter runs on across inputs, and the
         * features' order (by FID) must not depend on earlier inputs */
        GIntBig fid = fuzz_u8(&in) % 4 == 0 ? (GIntBig)(int32_t)fuzz_u32(&in) : (GIntBig)k;
        OGRFeatureH old = fid >= 0 ? OGR_L_GetFeature(lyr, fid) : NULL;
        OGR_F_SetFID(f, fid);
        if (!old) (void)OGR_L_CreateFeature(lyr, f); /* a negative FID is refused: fine */
        OGR_F_Destroy(old);
        OGR_F_Destroy(f);
    }
    park_layer *l = NULL;
    park_status st = park_layer_read_ogr(c, "mem:parcels", "mem:parcels", lyr, (pick & 0x80) ? "CP936" : NULL, &l);
    if (getenv("PARKGIS_FUZZ_VERBOSE")) /* what an input reaches, for writing seeds */
        fprintf(stderr, "layer %s: %s\n", OGR_L_GetName(lyr), st ? park_ctx_errmsg(c) : "read");
    if (st == PARK_OK) {
        if (!l || park_layer_count(l) == 0) abort();
        for (size_t i = 0; i < park_layer_count(l); i++) {
            const park_parcel *p = park_layer_get(l, i);
            if (!p->id || !p->name || !p->layout || !p->provenance || !p->four_to || !p->geom) abort();
            int t = GEOSGeomTypeId_r(park_ctx_geos(c), p->geom);
            if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) abort();
            if (!(isnan(p->official_km2) || p->official_km2 >= 0)) abort();
            if (p->has_error_m && !(p->error_m >= 0)) abort();
        }
        if (park_layer_check_valid(c, l) == PARK_OK)
            for (size_t i = 0; i < park_layer_count(l); i++) {
                double m2;
                park_area_geodesic(c, park_layer_get(l, i)->geom, &m2);
            }
        (void)park_layer_notes(l);
        park_layer_free(l);
    } else {
        if (l) abort();
        if (!park_ctx_errmsg(c)[0]) abort(); /* every refusal says why */
    }
    fuzz_mem_clear(lyr);
    return 0;
}
