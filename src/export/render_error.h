/* render_error.h - boundary colouring by error class (render --colour-by error);
 * shared by src/export/render*.c only. */
#ifndef PARKGIS_RENDER_ERROR_H
#define PARKGIS_RENDER_ERROR_H
#include <cairo.h>

#include "../internal.h"

typedef struct park_error_edge {
    GEOSGeometry *g; /* lines in the map CRS */
    int cls;         /* PARK_ERRCLASS_* */
} park_error_edge;
typedef struct park_error_edges {
    park_error_edge *v;
    size_t n;
} park_error_edges;

/* The boundaries of ps[0..n) (their geometries already in the map CRS `crs`:
 * map_geoms) cut into pieces per error class, using each parcel's compiled
 * `pieces` and the bundled gazetteer. New object (park_error_edges_free). */
park_status park_error_edges_make(park_ctx *ctx, const park_parcel *const *ps, const GEOSGeometry *const *map_geoms, size_t n,
                                  const char *crs, park_error_edges **out);
void park_error_edges_free(park_ctx *ctx, park_error_edges *e);
void park_error_class_rgb(int cls, double rgb[3]);
/* The key (five classes), top-left corner at x, y px, s = design unit, in the
 * map's fonts (owned by the caller; the toy font API would leak a cache). */
void park_error_key_draw(cairo_t *cr, cairo_font_face_t *regular, cairo_font_face_t *bold, double x, double y, double s);
#endif
