/* render_error.c - `render --colour-by error`: the parcel boundaries cut into
 * the pieces that lie on each gazetteer feature (from the compiler's `pieces`
 * in each parcel's provenance), classed by that feature's error
 * (park_error_class), and a key. The rest of a boundary (bridged gaps, or a
 * layer without compiled provenance) is "unverified". */
#include <cairo.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "parkgis_compile.h"
#include "render_error.h"

/* green, yellow-green, orange, red, purple-grey */
static const double CLASS_RGB[PARK_ERRCLASS_N][3] = {
    {0.10, 0.60, 0.25}, {0.60, 0.75, 0.10}, {0.95, 0.60, 0.10}, {0.85, 0.15, 0.15}, {0.55, 0.45, 0.65}};

void park_error_class_rgb(int cls, double rgb[3]) {
    if (cls < 0 || cls >= PARK_ERRCLASS_N) cls = PARK_ERRCLASS_UNVERIFIED;
    memcpy(rgb, CLASS_RGB[cls], 3 * sizeof *rgb);
}

void park_error_edges_free(park_ctx *ctx, park_error_edges *e) {
    if (!e) return;
    for (size_t i = 0; i < e->n; i++) GEOSGeom_destroy_r(ctx->geos, e->v[i].g);
    free(e->v), free(e);
}

static void add(park_error_edges *e, GEOSGeometry *g, int cls) {
    e->v = realloc(e->v, (e->n + 1) * sizeof *e->v);
    e->v[e->n++] = (park_error_edge){g, cls};
}

park_status park_error_edges_make(park_ctx *ctx, const park_parcel *const *ps, const GEOSGeometry *const *map_geoms, size_t n,
                                  const char *crs, park_error_edges **out) {
    GEOSContextHandle_t h = ctx->geos;
    *out = calloc(1, sizeof **out);
    park_gazetteer *gz = NULL;
    park_status st = park_gazetteer_load(ctx, NULL, &gz);
    if (st) {
        free(*out), *out = NULL;
        return st;
    }
    for (size_t i = 0; i < n && st == PARK_OK; i++) {
        GEOSGeometry *rest = GEOSBoundary_r(h, map_geoms[i]);
        if (!rest) continue;
        json_object *root = ps[i]->provenance && *ps[i]->provenance == '{' ? json_tokener_parse(ps[i]->provenance) : NULL, *pieces = NULL;
        if (root && json_object_object_get_ex(root, "pieces", &pieces) && json_object_is_type(pieces, json_type_array)) {
            for (size_t k = 0; k < json_object_array_length(pieces) && rest; k++) {
                json_object *pc = json_object_array_get_idx(pieces, k);
                if (json_object_array_length(pc) < 6) continue;
                const char *fname = json_object_get_string(json_object_array_get_idx(pc, 5));
                double err = json_object_get_double(json_object_array_get_idx(pc, 4));
                const park_feature *f = fname && *fname ? park_gazetteer_find(gz, fname) : NULL;
                if (!f) continue;
                GEOSGeometry *fm = NULL;
                if (park_transform(ctx, f->geom, "EPSG:4326", crs, &fm)) {
                    park_ctx_clear_error(ctx);
                    continue;
                }
                /* the boundary runs on the feature (or on its offset: 约 90 米 ...) within 15 m
                 * of it, or the offset itself; offsets are drawn in the class of their feature */
                GEOSGeometry *zone = GEOSBuffer_r(h, fm, 15, 4);
                GEOSGeometry *on = zone ? GEOSIntersection_r(h, rest, zone) : NULL;
                if (on && !GEOSisEmpty_r(h, on)) {
                    GEOSGeometry *left = GEOSDifference_r(h, rest, zone);
                    add(*out, on, park_error_class(park_feature_error_verified(f), err));
                    on = NULL;
                    if (left) GEOSGeom_destroy_r(h, rest), rest = left;
                }
                if (on) GEOSGeom_destroy_r(h, on);
                if (zone) GEOSGeom_destroy_r(h, zone);
                GEOSGeom_destroy_r(h, fm);
            }
        }
        json_object_put(root);
        if (rest && !GEOSisEmpty_r(h, rest)) add(*out, rest, PARK_ERRCLASS_UNVERIFIED);
        else if (rest) GEOSGeom_destroy_r(h, rest);
    }
    park_gazetteer_free(gz);
    return st;
}

void park_error_key_draw(cairo_t *cr, cairo_font_face_t *regular, cairo_font_face_t *bold, double x, double y, double s) {
    static const char *const labels[PARK_ERRCLASS_N] = {"error <= 50 m (measured)", "<= 100 m", "<= 250 m", "> 250 m",
                                                        "unverified (sketch, estimate, gap)"};
    cairo_save(cr);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.88);
    cairo_rectangle(cr, x, y, 250 * s, (22 + 18 * PARK_ERRCLASS_N) * s);
    cairo_fill(cr);
    cairo_set_font_face(cr, bold ? bold : regular);
    cairo_set_font_size(cr, 12 * s);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_move_to(cr, x + 8 * s, y + 16 * s);
    cairo_show_text(cr, "boundary position error");
    cairo_set_font_face(cr, regular);
    cairo_set_font_size(cr, 11 * s);
    for (int c = 0; c < PARK_ERRCLASS_N; c++) {
        double yy = y + (30 + 18 * c) * s;
        cairo_set_source_rgb(cr, CLASS_RGB[c][0], CLASS_RGB[c][1], CLASS_RGB[c][2]);
        cairo_set_line_width(cr, 4 * s);
        cairo_move_to(cr, x + 8 * s, yy);
        cairo_line_to(cr, x + 36 * s, yy);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
        cairo_move_to(cr, x + 44 * s, yy + 4 * s);
        cairo_show_text(cr, labels[c]);
    }
    cairo_restore(cr);
}
