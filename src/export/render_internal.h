/* render_internal.h - what render.c (the map, the entry points) and
 * render_legend.c (the legend, scale bar, north arrow and grid) share: the
 * drawing state and the text helpers. Internal to src/export/render*.c. */
#ifndef PARKGIS_RENDER_INTERNAL_H
#define PARKGIS_RENDER_INTERNAL_H
#include <cairo.h>

#include "render.h"
#include "render_error.h"

typedef struct r_feat {
    const park_parcel *p;
    GEOSGeometry *g;    /* in the map CRS */
    double area_km2;    /* geodesic, polygons only */
    unsigned char rgb[3];
    int river;          /* lines: drawn as water, wide and without casing */
} r_feat;

typedef struct r_layer {
    const park_layout_layer *src;
    r_feat *f;
    size_t n;
    int dim; /* 2 polygons, 1 lines, 0 points (of the first non-empty feature) */
} r_layer;

typedef struct r_box {
    double x0, y0, x1, y1;
} r_box;

typedef struct r_ctx {
    park_ctx *ctx;
    cairo_t *cr;
    cairo_font_face_t *font, *bold;
    double s;                      /* design unit in px (width / 1600) */
    double minx, miny, maxx, maxy; /* world extent of the map frame, metres */
    double fx, fy, fw, fh;         /* map frame in px */
    double k;                      /* px per metre */
    r_box *boxes;                  /* placed labels, for collision tests */
    size_t nboxes, capboxes;
    /* SVG: text goes out as <text> elements in the matched CJK font (editable
     * in Inkscape/Illustrator), not as cairo's glyph outlines */
    int svg_text;
    park_buf svgtxt;
    char family[128];
    /* render --compare: in the map CRS, NULL when empty or no comparison */
    GEOSGeometry *cmp_outline, *cmp_gained, *cmp_lost;
    double cmp_gained_km2, cmp_lost_km2;
    park_error_edges *err_edges;   /* render --colour-by error (render_error.c), else NULL */
} r_ctx;

/* world metres -> frame px */
static inline double park_rd_px(const r_ctx *r, double x) { return r->fx + (x - r->minx) * r->k; }
static inline double park_rd_py(const r_ctx *r, double y) { return r->fy + (r->maxy - y) * r->k; }

enum { LEFT, CENTER, RIGHT };

typedef enum { LG_HEADER, LG_FILL, LG_LINE, LG_POINT, LG_NOTE, LG_METRO_SET } lg_kind;
typedef struct lg_entry {
    lg_kind kind;
    const char *text;  /* borrowed */
    char right[32];    /* area column */
    char sub[160];     /* second line: computed area ± error and the plan's figure */
    unsigned char rgb[3];
} lg_entry;

typedef struct lg_list {
    lg_entry *e;
    size_t n, cap;
} lg_list;

/* render.c: text in the CJK font (bold or not) at size design units */
void park_rd_set_font(r_ctx *r, int bold, double size);
double park_rd_text_w(r_ctx *r, int bold, double size, const char *t);
/* Draws text whose vertical centre is at y (anchor LEFT/CENTER/RIGHT); halo > 0
 * strokes a white outline first; dry_run measures only. Returns the ink box. */
r_box park_rd_draw_text(r_ctx *r, double x, double y, const char *t, int bold, double size, const double rgb[3],
                        double halo, int anchor, int dry_run);
void park_rd_rgbd(const unsigned char c[3], double out[3]);

/* render_legend.c. build_legend fills lg (its entries the caller frees with
 * free(lg->e)); 0 when out of memory. */
int park_rd_build_legend(park_ctx *ctx, r_layer *ls, size_t n, const park_basemap *bm, lg_list *lg, const r_ctx *r,
                         const char *cmp_label);
double park_rd_legend_height(const lg_list *lg);
void park_rd_draw_legend(r_ctx *r, const lg_list *lg, double x, double y, double w);
void park_rd_draw_scale_bar(r_ctx *r);
void park_rd_draw_north(r_ctx *r, const char *crs);
void park_rd_draw_grid(r_ctx *r);
#endif
