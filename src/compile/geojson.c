/* geojson.c - the compiled parcel layer as deterministic GeoJSON text: fixed
 * coordinate precision, one feature per line (so a changed parcel is a one-line
 * diff), exterior rings counter-clockwise and holes clockwise (RFC 7946). The
 * shipped geodata/parcels.geojson is exactly this text, which is what lets
 * `parkgis compile --check` compare it byte for byte with a fresh compile. */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

static double ring_signed_area(GEOSContextHandle_t g, const GEOSCoordSequence *cs, unsigned n) {
    double a = 0;
    for (unsigned i = 0; i + 1 < n; i++) {
        double x0, y0, x1, y1;
        GEOSCoordSeq_getXY_r(g, cs, i, &x0, &y0);
        GEOSCoordSeq_getXY_r(g, cs, i + 1, &x1, &y1);
        a += x0 * y1 - x1 * y0;
    }
    return a / 2;
}

static void ring_json(park_json *j, GEOSContextHandle_t g, const GEOSGeometry *ring, int want_ccw, int decimals) {
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(g, cs, &n);
    int ccw = ring_signed_area(g, cs, n) > 0;
    int rev = ccw != want_ccw;
    park_json_begin_arr(j);
    for (unsigned k = 0; k < n; k++) {
        double x, y;
        GEOSCoordSeq_getXY_r(g, cs, rev ? n - 1 - k : k, &x, &y);
        park_json_begin_arr(j);
        park_json_num(j, x, decimals);
        park_json_num(j, y, decimals);
        park_json_end_arr(j);
    }
    park_json_end_arr(j);
}

static void polygon_json(park_json *j, GEOSContextHandle_t g, const GEOSGeometry *p, int decimals) {
    park_json_begin_arr(j);
    ring_json(j, g, GEOSGetExteriorRing_r(g, p), 1, decimals);
    int nh = GEOSGetNumInteriorRings_r(g, p);
    for (int h = 0; h < nh; h++) ring_json(j, g, GEOSGetInteriorRingN_r(g, p, h), 0, decimals);
    park_json_end_arr(j);
}

char *park_compile_geojson(park_ctx *ctx, const park_layer *layer, int decimals) {
    GEOSContextHandle_t g = ctx->geos;
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "{\"type\":\"FeatureCollection\",\"name\":\"parcels\",\"features\":[\n");
    size_t n = park_layer_count(layer);
    for (size_t i = 0; i < n; i++) {
        const park_parcel *p = park_layer_get(layer, i);
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "type"), park_json_str(&j, "Feature");
        park_json_key(&j, "properties");
        park_json_begin_obj(&j);
        park_json_key(&j, "id"), park_json_str(&j, p->id);
        park_json_key(&j, "name"), park_json_str(&j, p->name);
        park_json_key(&j, "official_km2"), park_json_num(&j, p->official_km2, 4);
        park_json_key(&j, "four_to"), park_json_str(&j, p->four_to);
        park_json_key(&j, "layout"), park_json_str(&j, p->layout);
        park_json_key(&j, "provenance"), park_json_str(&j, p->provenance);
        park_json_end_obj(&j);
        park_json_key(&j, "geometry");
        park_json_begin_obj(&j);
        int t = GEOSGeomTypeId_r(g, p->geom);
        park_json_key(&j, "type"), park_json_str(&j, t == GEOS_POLYGON ? "Polygon" : "MultiPolygon");
        park_json_key(&j, "coordinates");
        if (t == GEOS_POLYGON) polygon_json(&j, g, p->geom, decimals);
        else {
            park_json_begin_arr(&j);
            int np = GEOSGetNumGeometries_r(g, p->geom);
            for (int k = 0; k < np; k++) polygon_json(&j, g, GEOSGetGeometryN_r(g, p->geom, k), decimals);
            park_json_end_arr(&j);
        }
        park_json_end_obj(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        park_buf_append(&b, s);
        park_buf_append(&b, i + 1 < n ? ",\n" : "\n");
        free(s);
    }
    park_buf_append(&b, "]}\n");
    return park_buf_take(&b);
}
