/* render.c - a map of a layout for people who would rather look than read:
 * the elements filled in the colours the QGIS styles use (render_style.c), labels
 * at interior points (GEOSPointOnSurface, so a label never falls outside a
 * concave or multi-part element), a legend with the Chinese names and geodesic
 * areas, a scale bar, a north arrow pointing to true north (grid north of a
 * Gauss-Kruger zone is off by the meridian convergence), and optionally the OSM
 * arterials and metro lines under it. Drawn with cairo in a projected CRS
 * (default EPSG:4549) to PNG or SVG, written atomically. */
#include <cairo-ft.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "render_error.h"
#include "render_internal.h"

#define DEFAULT_WIDTH 1600
#define DEFAULT_CRS "EPSG:4549"

void park_render_opts_default(park_render_opts *o) {
    memset(o, 0, sizeof *o);
    o->width_px = DEFAULT_WIDTH;
    o->crs = DEFAULT_CRS;
}

/* ------------------------------------------------------------------ model: render_internal.h */


/* Union of a layer's polygons (made valid), lon/lat; NULL on failure. */
static GEOSGeometry *union_ll(park_ctx *ctx, const park_layer *l) {
    size_t n = park_layer_count(l), k = 0;
    GEOSGeometry **gs = calloc(n ? n : 1, sizeof *gs);
    if (!gs) return NULL;
    for (size_t i = 0; i < n; i++) {
        const GEOSGeometry *g = park_layer_get(l, i)->geom;
        if (!g || GEOSisEmpty_r(ctx->geos, g)) continue;
        gs[k] = GEOSisValid_r(ctx->geos, g) == 1 ? GEOSGeom_clone_r(ctx->geos, g) : GEOSMakeValid_r(ctx->geos, g);
        if (gs[k]) k++;
    }
    GEOSGeometry *c = GEOSGeom_createCollection_r(ctx->geos, GEOS_GEOMETRYCOLLECTION, gs, (unsigned)k);
    free(gs);
    GEOSGeometry *u = c ? GEOSUnaryUnion_r(ctx->geos, c) : NULL;
    if (c) GEOSGeom_destroy_r(ctx->geos, c);
    return u;
}

/* The comparison's pieces in the map CRS, and their geodesic areas. */
static void compare_prepare(r_ctx *r, const park_layer *cur, const park_layer *base, const char *crs) {
    park_ctx *ctx = r->ctx;
    GEOSGeometry *ub = union_ll(ctx, base), *uc = union_ll(ctx, cur);
    GEOSGeometry *gained = ub && uc ? GEOSDifference_r(ctx->geos, uc, ub) : NULL;
    GEOSGeometry *lost = ub && uc ? GEOSDifference_r(ctx->geos, ub, uc) : NULL;
    double a = 0;
    if (gained && !GEOSisEmpty_r(ctx->geos, gained) && park_area_geodesic(ctx, gained, &a) == PARK_OK) r->cmp_gained_km2 = a / 1e6;
    if (lost && !GEOSisEmpty_r(ctx->geos, lost) && park_area_geodesic(ctx, lost, &a) == PARK_OK) r->cmp_lost_km2 = a / 1e6;
    if (gained && !GEOSisEmpty_r(ctx->geos, gained)) park_transform(ctx, gained, "EPSG:4490", crs, &r->cmp_gained);
    if (lost && !GEOSisEmpty_r(ctx->geos, lost)) park_transform(ctx, lost, "EPSG:4490", crs, &r->cmp_lost);
    if (ub) park_transform(ctx, ub, "EPSG:4490", crs, &r->cmp_outline);
    GEOSGeometry *all[] = {ub, uc, gained, lost};
    for (int i = 0; i < 4; i++)
        if (all[i]) GEOSGeom_destroy_r(ctx->geos, all[i]);
    park_ctx_clear_error(ctx); /* a failed overlay costs the comparison's pieces, not the map */
}


/* ------------------------------------------------------------------ fonts */

/* A font with Chinese glyphs through fontconfig: Noto Sans CJK (fonts-noto-cjk)
 * first, WenQuanYi Zen Hei (fonts-wqy-zenhei) next. cairo's toy font API has no
 * per-glyph fallback, so we insist that the match really covers Chinese rather
 * than drawing boxes. */
static cairo_font_face_t *cjk_font(park_ctx *ctx, int bold, park_status *st, char *family, size_t flen) {
    if (!FcInit()) {
        *st = park_error(ctx, PARK_ERR_INTERNAL, "fontconfig failed to initialise");
        return NULL;
    }
    FcPattern *pat = FcNameParse((const FcChar8 *)"Noto Sans CJK SC,WenQuanYi Zen Hei,Source Han Sans SC");
    FcPatternAddString(pat, FC_LANG, (const FcChar8 *)"zh-cn");
    FcPatternAddInteger(pat, FC_WEIGHT, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult res;
    FcPattern *m = FcFontMatch(NULL, pat, &res);
    FcPatternDestroy(pat);
    FcCharSet *cs = NULL;
    /* 园 (U+56ED) and 带 (U+5E26): characters every layout name here uses */
    if (!m || FcPatternGetCharSet(m, FC_CHARSET, 0, &cs) != FcResultMatch || !FcCharSetHasChar(cs, 0x56ed) ||
        !FcCharSetHasChar(cs, 0x5e26)) {
        if (m) FcPatternDestroy(m);
        *st = park_error(ctx, PARK_ERR_INTERNAL,
                         "no font with Chinese glyphs is installed (install fonts-noto-cjk or fonts-wqy-zenhei; "
                         "tools/install-deps.sh does)");
        return NULL;
    }
    FcChar8 *fam = NULL;
    if (family && FcPatternGetString(m, FC_FAMILY, 0, &fam) == FcResultMatch) snprintf(family, flen, "%s", (const char *)fam);
    cairo_font_face_t *f = cairo_ft_font_face_create_for_pattern(m);
    FcPatternDestroy(m);
    if (cairo_font_face_status(f) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(f);
        *st = park_error(ctx, PARK_ERR_INTERNAL, "cairo cannot use the matched CJK font");
        return NULL;
    }
    return f;
}

void park_rd_set_font(r_ctx *r, int bold, double size) {
    cairo_set_font_face(r->cr, bold ? r->bold : r->font);
    cairo_set_font_size(r->cr, size * r->s);
}

double park_rd_text_w(r_ctx *r, int bold, double size, const char *t) {
    cairo_text_extents_t e;
    if (!park_utf8_valid(t)) t = "?";
    park_rd_set_font(r, bold, size);
    cairo_text_extents(r->cr, t, &e);
    return e.x_advance;
}

/* Draws text whose vertical centre is at y. halo > 0 strokes a white outline
 * first so labels stay readable over fills and roads. Returns the ink box. */
r_box park_rd_draw_text(r_ctx *r, double x, double y, const char *t, int bold, double size, const double rgb[3],
                       double halo, int anchor, int dry_run) {
    cairo_t *cr = r->cr;
    cairo_text_extents_t e;
    cairo_font_extents_t fe;
    if (!park_utf8_valid(t)) t = "?"; /* cairo would put the whole drawing in an error state */
    park_rd_set_font(r, bold, size);
    cairo_text_extents(cr, t, &e);
    cairo_font_extents(cr, &fe);
    double x0 = anchor == LEFT ? x : anchor == CENTER ? x - e.x_advance / 2 : x - e.x_advance;
    double base = y + (fe.ascent - fe.descent) / 2;
    r_box b = {x0 - halo, y - fe.ascent / 2 - halo - 1, x0 + e.x_advance + halo, y + fe.ascent / 2 + halo + 1};
    if (dry_run) return b;
    if (r->svg_text) {
        park_buf *o = &r->svgtxt;
        park_buf_printf(o, "<text x=\"%.2f\" y=\"%.2f\" font-family=\"%s, sans-serif\" font-size=\"%.2f\"%s fill=\"rgb(%d,%d,%d)\"",
                        x0, base, r->family, size * r->s, bold ? " font-weight=\"bold\"" : "", (int)(rgb[0] * 255 + 0.5),
                        (int)(rgb[1] * 255 + 0.5), (int)(rgb[2] * 255 + 0.5));
        if (halo > 0)
            park_buf_printf(o, " stroke=\"white\" stroke-opacity=\"0.92\" stroke-width=\"%.2f\" stroke-linejoin=\"round\" paint-order=\"stroke\"", 2 * halo);
        park_buf_append(o, ">");
        for (const char *c = t; *c; c++) {
            if (*c == '&') park_buf_append(o, "&amp;");
            else if (*c == '<') park_buf_append(o, "&lt;");
            else if (*c == '>') park_buf_append(o, "&gt;");
            else park_buf_appendn(o, c, 1);
        }
        park_buf_append(o, "</text>\n");
        return b;
    }
    cairo_new_path(cr);
    cairo_move_to(cr, x0, base);
    cairo_text_path(cr, t);
    if (halo > 0) {
        cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
        cairo_set_line_width(cr, 2 * halo);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke_preserve(cr);
    }
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill(cr);
    return b;
}

static int box_hits(const r_ctx *r, r_box b) {
    for (size_t i = 0; i < r->nboxes; i++) {
        const r_box *o = &r->boxes[i];
        if (b.x0 < o->x1 && b.x1 > o->x0 && b.y0 < o->y1 && b.y1 > o->y0) return 1;
    }
    return 0;
}

static int box_add(r_ctx *r, r_box b) {
    if (r->nboxes == r->capboxes) {
        size_t cap = r->capboxes ? 2 * r->capboxes : 64;
        r_box *nb = realloc(r->boxes, cap * sizeof *nb);
        if (!nb) return 0;
        r->boxes = nb, r->capboxes = cap;
    }
    r->boxes[r->nboxes++] = b;
    return 1;
}

/* ------------------------------------------------------------------ geometry to paths */

static void path_seq(r_ctx *r, const GEOSCoordSequence *cs, int close) {
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(r->ctx->geos, cs, &n);
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(r->ctx->geos, cs, i, &x, &y);
        if (i == 0) cairo_move_to(r->cr, park_rd_px(r, x), park_rd_py(r, y));
        else cairo_line_to(r->cr, park_rd_px(r, x), park_rd_py(r, y));
    }
    if (close && n) cairo_close_path(r->cr);
}

/* Adds g to the current path: rings closed (fill with EVEN_ODD for holes),
 * lines open; points are left to the caller. */
static void path_geom(r_ctx *r, const GEOSGeometry *g) {
    GEOSContextHandle_t h = r->ctx->geos;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        path_seq(r, GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, g)), 1);
        int nh = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < nh; i++) path_seq(r, GEOSGeom_getCoordSeq_r(h, GEOSGetInteriorRingN_r(h, g, i)), 1);
    } else if (t == GEOS_LINESTRING || t == GEOS_LINEARRING) {
        path_seq(r, GEOSGeom_getCoordSeq_r(h, g), 0);
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_MULTILINESTRING || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++) path_geom(r, GEOSGetGeometryN_r(h, g, i));
    }
}

static void each_point(r_ctx *r, const GEOSGeometry *g, void (*fn)(r_ctx *, double, double, void *), void *ud) {
    GEOSContextHandle_t h = r->ctx->geos;
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POINT) {
        double x, y;
        if (!GEOSisEmpty_r(h, g) && GEOSGeomGetX_r(h, g, &x) && GEOSGeomGetY_r(h, g, &y)) fn(r, x, y, ud);
    } else if (t == GEOS_MULTIPOINT || t == GEOS_GEOMETRYCOLLECTION) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++) each_point(r, GEOSGetGeometryN_r(h, g, i), fn, ud);
    }
}

void park_rd_rgbd(const unsigned char c[3], double out[3]) {
    for (int i = 0; i < 3; i++) out[i] = c[i] / 255.0;
}

/* ------------------------------------------------------------------ preparing layers */

static void free_layers(park_ctx *ctx, r_layer *ls, size_t n) {
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < ls[i].n; k++)
            if (ls[i].f[k].g) GEOSGeom_destroy_r(ctx->geos, ls[i].f[k].g);
        free(ls[i].f);
    }
    free(ls);
}

static int geom_dim(park_ctx *ctx, const GEOSGeometry *g) {
    switch (GEOSGeomTypeId_r(ctx->geos, g)) {
    case GEOS_POLYGON: case GEOS_MULTIPOLYGON: return 2;
    case GEOS_LINESTRING: case GEOS_LINEARRING: case GEOS_MULTILINESTRING: return 1;
    case GEOS_POINT: case GEOS_MULTIPOINT: return 0;
    default: return GEOSGeom_getDimensions_r(ctx->geos, g);
    }
}

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* Colour of a companion line, the same rule as the exporters' QGIS styles
 * (exp_feature_color in export_qml.c): metro lines in their official colour, a
 * river (group 河流, or a name ending in 江/河) in water blue, anything else
 * (e.g. the axes of 一核两极三带) from the shared palette. Returns 1 for a river. */
static int line_color(const park_parcel *p, size_t i, unsigned char rgb[3]) {
    if (strstr(p->name, "号线")) park_metro_color(p->name, rgb, NULL);
    else if (!strncmp(p->id, "metro-", 6) || !strncmp(p->id, "line-", 5)) park_metro_color(p->id, rgb, NULL);
    else if (!strcmp(p->layout, "河流") || ends_with(p->name, "江") || ends_with(p->name, "河")) {
        rgb[0] = 0x3a, rgb[1] = 0x86, rgb[2] = 0xc8;
        return 1;
    } else park_style_color(i, rgb, NULL);
    return 0;
}

static park_status prepare(park_ctx *ctx, const park_layout_layer *layers, size_t n, const char *crs, r_layer **out) {
    r_layer *ls = calloc(n, sizeof *ls);
    if (!ls) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    park_status st = PARK_OK;
    for (size_t i = 0; i < n && !st; i++) {
        size_t m = park_layer_count(layers[i].layer);
        ls[i].src = &layers[i];
        ls[i].dim = -1;
        ls[i].f = calloc(m ? m : 1, sizeof *ls[i].f);
        if (!ls[i].f) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            break;
        }
        for (size_t k = 0; k < m && !st; k++) {
            const park_parcel *p = park_layer_get(layers[i].layer, k);
            if (!p->geom || GEOSisEmpty_r(ctx->geos, p->geom)) continue;
            r_feat *f = &ls[i].f[ls[i].n];
            f->p = p;
            f->area_km2 = NAN;
            if ((st = park_transform(ctx, p->geom, "EPSG:4490", crs, &f->g))) {
                park_error(ctx, st, "layer %s, feature %s: %s", layers[i].name, p->id, park_ctx_errmsg(ctx));
                break;
            }
            int d = geom_dim(ctx, p->geom);
            if (ls[i].dim < 0) ls[i].dim = d;
            if (d == 2) {
                double m2;
                if ((st = park_area_geodesic(ctx, p->geom, &m2))) break;
                f->area_km2 = m2 / 1e6;
            }
            if (layers[i].is_primary || d == 2) park_style_color(k, f->rgb, NULL);
            else if (d == 1) f->river = line_color(p, k, f->rgb);
            else park_metro_color(p->layout, f->rgb, NULL); /* stations: ring in their line's colour */
            ls[i].n++;
        }
    }
    if (st) {
        free_layers(ctx, ls, n);
        return st;
    }
    *out = ls;
    return PARK_OK;
}

/* ------------------------------------------------------------------ drawing */

static void draw_basemap(r_ctx *r, const park_basemap *bm) {
    cairo_t *cr = r->cr;
    double s = r->s;
    /* wide, light roads first (casings would be nicer but the OSM extract has
     * no bridge/tunnel layering, so plain strokes avoid false crossings) */
    static const double width[4] = {3.2, 2.4, 1.6, 1.0};
    for (int rank = 3; rank >= 0; rank--) {
        cairo_new_path(cr);
        for (size_t i = 0; i < bm->nroads; i++)
            if (bm->roads[i].rank == rank) path_geom(r, bm->roads[i].g);
        cairo_set_source_rgb(cr, rank == 0 ? 0.78 : 0.83, rank == 0 ? 0.74 : 0.80, rank == 0 ? 0.68 : 0.76);
        cairo_set_line_width(cr, width[rank] * s);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_stroke(cr);
    }
}

static void draw_basemap_metro(r_ctx *r, const park_basemap *bm) {
    cairo_t *cr = r->cr;
    for (size_t i = 0; i < bm->nmetro; i++) {
        double c[3];
        park_rd_rgbd(bm->metro[i].rgb, c);
        cairo_new_path(cr);
        path_geom(r, bm->metro[i].g);
        cairo_set_source_rgba(cr, c[0], c[1], c[2], 0.9);
        cairo_set_line_width(cr, 2.6 * r->s);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_stroke(cr);
    }
}

static void station_dot(r_ctx *r, double X, double Y, const unsigned char rgb[3], double rad) {
    cairo_t *cr = r->cr;
    cairo_new_path(cr);
    cairo_arc(cr, X, Y, rad * r->s, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, rgb[0] / 255.0, rgb[1] / 255.0, rgb[2] / 255.0);
    cairo_set_line_width(cr, 1.6 * r->s);
    cairo_stroke(cr);
}

static int in_frame(const r_ctx *r, double X, double Y) {
    return X >= r->fx && X <= r->fx + r->fw && Y >= r->fy && Y <= r->fy + r->fh;
}

typedef struct pt_list {
    double *xy;
    const char **name;
    size_t n, cap;
} pt_list;

static void collect_pt(r_ctx *r, double x, double y, void *ud) {
    pt_list *l = ud;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        double *nx = realloc(l->xy, 2 * cap * sizeof *nx);
        if (!nx) return;
        l->xy = nx;
        const char **nn = realloc(l->name, cap * sizeof *nn);
        if (!nn) return;
        l->name = nn, l->cap = cap;
    }
    l->xy[2 * l->n] = park_rd_px(r, x), l->xy[2 * l->n + 1] = park_rd_py(r, y);
    l->name[l->n++] = NULL;
}

/* Small labels (stations) right of their dot, skipped where they would collide
 * with a label already placed. */
static void small_label(r_ctx *r, double X, double Y, const char *name) {
    static const double ink[3] = {0.25, 0.25, 0.25};
    if (!name || !*name || !in_frame(r, X, Y)) return;
    r_box b = park_rd_draw_text(r, X + 7 * r->s, Y, name, 0, 11, ink, 2 * r->s, LEFT, 1);
    if (b.x1 > r->fx + r->fw || box_hits(r, b)) return;
    box_add(r, b);
    park_rd_draw_text(r, X + 7 * r->s, Y, name, 0, 11, ink, 2 * r->s, LEFT, 0);
}

static void draw_map(r_ctx *r, r_layer *ls, size_t n, const park_basemap *bm, const char *crs) {
    cairo_t *cr = r->cr;
    double s = r->s;
    cairo_save(cr);
    cairo_rectangle(cr, r->fx, r->fy, r->fw, r->fh);
    cairo_clip(cr);
    if (bm) cairo_set_source_rgb(cr, 0.965, 0.953, 0.933);
    else cairo_set_source_rgb(cr, 0.975, 0.978, 0.985);
    cairo_paint(cr);
    park_rd_draw_grid(r);
    if (bm) draw_basemap(r, bm);

    r_layer *pl = NULL;
    for (size_t i = 0; i < n; i++)
        if (ls[i].src->is_primary) pl = &ls[i];
    /* the elements: fills translucent so roads and neighbours show through;
     * largest first, so an element lying inside a bigger one stays visible */
    for (size_t i = 0; i < n; i++) {
        if (ls[i].dim != 2) continue;
        double alpha = bm ? 0.55 : 0.72;
        size_t *order = malloc((ls[i].n ? ls[i].n : 1) * sizeof *order);
        if (!order) continue;
        for (size_t k = 0; k < ls[i].n; k++) order[k] = k;
        for (size_t a = 1; a < ls[i].n; a++) /* insertion sort: a handful of elements */
            for (size_t b = a; b > 0 && !(ls[i].f[order[b - 1]].area_km2 >= ls[i].f[order[b]].area_km2); b--) {
                size_t t = order[b];
                order[b] = order[b - 1], order[b - 1] = t;
            }
        for (size_t o = 0; o < ls[i].n; o++) {
            size_t k = order[o];
            double c[3];
            park_rd_rgbd(ls[i].f[k].rgb, c);
            cairo_new_path(cr);
            path_geom(r, ls[i].f[k].g);
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
            cairo_set_source_rgba(cr, c[0], c[1], c[2], alpha);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, c[0] * 0.55, c[1] * 0.55, c[2] * 0.55);
            cairo_set_line_width(cr, 1.6 * s);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
        }
        free(order);
    }
    if (r->cmp_outline) {
        /* before/after: gained green, lost red, the baseline's outline dashed */
        const struct { GEOSGeometry *g; double c[3]; } pieces[] = {{r->cmp_gained, {0.18, 0.63, 0.26}}, {r->cmp_lost, {0.84, 0.15, 0.16}}};
        for (int k = 0; k < 2; k++) {
            if (!pieces[k].g) continue;
            cairo_new_path(cr);
            path_geom(r, pieces[k].g);
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
            cairo_set_source_rgba(cr, pieces[k].c[0], pieces[k].c[1], pieces[k].c[2], 0.8);
            cairo_fill(cr);
        }
        cairo_new_path(cr);
        path_geom(r, r->cmp_outline);
        double dash[] = {7 * s, 4 * s};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 1.6 * s);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    if (r->err_edges) /* boundaries by error class, over the fills */
        for (size_t k = 0; k < r->err_edges->n; k++) {
            double c[3];
            park_error_class_rgb(r->err_edges->v[k].cls, c);
            cairo_new_path(cr);
            path_geom(r, r->err_edges->v[k].g);
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            cairo_set_line_width(cr, 3.4 * s);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_stroke(cr);
        }
    if (bm) draw_basemap_metro(r, bm);
    for (size_t i = 0; i < n; i++) {
        if (ls[i].dim != 1) continue;
        for (size_t k = 0; k < ls[i].n; k++) {
            double c[3];
            park_rd_rgbd(ls[i].f[k].rgb, c);
            cairo_new_path(cr);
            path_geom(r, ls[i].f[k].g);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            if (ls[i].f[k].river) {
                cairo_set_source_rgba(cr, c[0], c[1], c[2], 0.75);
                cairo_set_line_width(cr, 7 * s);
                cairo_stroke(cr);
                continue;
            }
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_set_line_width(cr, 6 * s);
            cairo_stroke_preserve(cr);
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            cairo_set_line_width(cr, 3.6 * s);
            cairo_stroke(cr);
        }
    }

    /* labels: the elements' first (they matter most), then stations where room is left */
    static const double ink[3] = {0.08, 0.08, 0.1};
    r->nboxes = 0;
    if (pl) {
        typedef struct {
            double x, y;
            const char *t;
        } lab;
        lab *labs = calloc(pl->n ? pl->n : 1, sizeof *labs);
        size_t nl = 0;
        for (size_t k = 0; labs && k < pl->n; k++) {
            GEOSGeometry *pt = GEOSPointOnSurface_r(r->ctx->geos, pl->f[k].g);
            double x, y;
            if (pt && GEOSGeomGetX_r(r->ctx->geos, pt, &x) && GEOSGeomGetY_r(r->ctx->geos, pt, &y)) {
                const char *t = *pl->f[k].p->name ? pl->f[k].p->name : pl->f[k].p->id;
                double X = park_rd_px(r, x), Y = park_rd_py(r, y);
                /* interior point first, then nudged up/down/sideways if it would overlap */
                r_box b = park_rd_draw_text(r, X, Y, t, 1, 16, ink, 3 * s, CENTER, 1);
                double h = b.y1 - b.y0, w = b.x1 - b.x0;
                const double off[][2] = {{0, 0}, {0, -1}, {0, 1}, {0.6, 0}, {-0.6, 0}, {0, -2}, {0, 2}};
                size_t o = 0;
                for (; o < sizeof off / sizeof off[0]; o++) {
                    r_box c = {b.x0 + off[o][0] * w, b.y0 + off[o][1] * h, b.x1 + off[o][0] * w, b.y1 + off[o][1] * h};
                    if (!box_hits(r, c)) break;
                }
                if (o == sizeof off / sizeof off[0]) o = 0;
                X += off[o][0] * w, Y += off[o][1] * h;
                b = park_rd_draw_text(r, X, Y, t, 1, 16, ink, 3 * s, CENTER, 1);
                box_add(r, b);
                labs[nl].x = X, labs[nl].y = Y, labs[nl].t = t, nl++;
            }
            if (pt) GEOSGeom_destroy_r(r->ctx->geos, pt);
        }
        /* station dots and names go under the element labels */
        if (bm)
            for (size_t i = 0; i < bm->nstations; i++)
                station_dot(r, park_rd_px(r, bm->stations[i].x), park_rd_py(r, bm->stations[i].y), bm->stations[i].rgb, 3.6);
        for (size_t i = 0; i < n; i++) {
            if (ls[i].dim != 0) continue;
            for (size_t k = 0; k < ls[i].n; k++) {
                pt_list pl2 = {0};
                each_point(r, ls[i].f[k].g, collect_pt, &pl2);
                static const unsigned char dark[3] = {0x30, 0x30, 0x30};
                const unsigned char *ring = ls[i].f[k].rgb;
                if (ring[0] == 0x80 && ring[1] == 0x80 && ring[2] == 0x80) ring = dark; /* not a metro line's */
                for (size_t j = 0; j < pl2.n; j++) {
                    station_dot(r, pl2.xy[2 * j], pl2.xy[2 * j + 1], ring, 4.6);
                    small_label(r, pl2.xy[2 * j], pl2.xy[2 * j + 1], ls[i].f[k].p->name);
                }
                free(pl2.xy), free(pl2.name);
            }
        }
        if (bm)
            for (size_t i = 0; i < bm->nstations; i++)
                small_label(r, park_rd_px(r, bm->stations[i].x), park_rd_py(r, bm->stations[i].y), bm->stations[i].name);
        for (size_t k = 0; k < nl; k++) park_rd_draw_text(r, labs[k].x, labs[k].y, labs[k].t, 1, 16, ink, 3 * s, CENTER, 0);
        free(labs);
    }
    cairo_restore(cr);

    park_rd_draw_scale_bar(r);
    park_rd_draw_north(r, crs);
    if (bm) {
        static const double grey[3] = {0.25, 0.25, 0.25};
        const char *credit = "© OpenStreetMap contributors (ODbL)";
        double w = park_rd_text_w(r, 0, 12, credit);
        double x = r->fx + r->fw - w - 14 * s, y = r->fy + r->fh - 26 * s;
        cairo_rectangle(cr, x - 6 * s, y, w + 12 * s, 20 * s);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_fill(cr);
        park_rd_draw_text(r, x, y + 10 * s, credit, 0, 12, grey, 0, LEFT, 0);
    }
    cairo_rectangle(cr, r->fx, r->fy, r->fw, r->fh);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(cr, 1.2 * s);
    cairo_stroke(cr);
}

/* ------------------------------------------------------------------ entry points */

static cairo_status_t buf_cb(void *closure, const unsigned char *data, unsigned int len) {
    park_buf_appendn(closure, (const char *)data, len);
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len) {
    return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int ends_with_ci(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && park_streq_ci(s + a - b, suf);
}

/* The CRS must be projected (metres): the scale bar and the areas-as-drawn rely on it. */
static park_status check_crs(park_ctx *ctx, const char *crs, char *name, size_t len) {
    PJ *pj = proj_create(ctx->proj, crs);
    int ok = pj && proj_get_type(pj) == PJ_TYPE_PROJECTED_CRS;
    if (pj) snprintf(name, len, "%s", proj_get_name(pj) ? proj_get_name(pj) : crs);
    if (pj) proj_destroy(pj);
    if (!ok)
        return park_error(ctx, PARK_ERR_USAGE, "'%s' is not a projected CRS (expected one in metres such as EPSG:4549)", crs);
    return PARK_OK;
}

static const char *base_name(const char *p) {
    const char *b = strrchr(p, '/');
    return b ? b + 1 : p;
}

/* `source` cites where the layout comes from (the plan), for the footer ("" when none). */
static park_status render(park_ctx *ctx, const char *title, const char *source, const park_layout_layer *layers,
                          size_t n, const char *path, const park_render_opts *o) {
    park_render_opts def;
    if (!o) park_render_opts_default(&def), o = &def;
    const char *crs = o->crs && *o->crs ? o->crs : DEFAULT_CRS;
    int W = o->width_px > 0 ? o->width_px : DEFAULT_WIDTH;
    int svg = ends_with_ci(path, ".svg");
    if (!svg && !ends_with_ci(path, ".png"))
        return park_error(ctx, PARK_ERR_USAGE, "%s: output must end in .png or .svg", path);
    if (W < 400 || W > 6000) return park_error(ctx, PARK_ERR_USAGE, "width %d px out of range (expected 400..6000)", W);
    char crs_name[160];
    park_status st = check_crs(ctx, crs, crs_name, sizeof crs_name);
    if (st) return st;
    size_t nprim = 0;
    for (size_t i = 0; i < n; i++) nprim += layers[i].is_primary != 0;
    if (nprim != 1) return park_error(ctx, PARK_ERR_INTERNAL, "render: expected exactly one primary layer, got %zu", nprim);

    r_layer *ls = NULL;
    if ((st = prepare(ctx, layers, n, crs, &ls))) return st;
    r_layer *pl = NULL;
    for (size_t i = 0; i < n; i++)
        if (ls[i].src->is_primary) pl = &ls[i];
    if (pl->n == 0) {
        free_layers(ctx, ls, n);
        return park_error(ctx, PARK_ERR_INPUT, "layer %s has no geometry to draw", pl->src->name);
    }

    /* extent of the elements (companion lines may run across the city: they are
     * clipped at the frame), padded so labels at the edge stay inside */
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (size_t k = 0; k < pl->n; k++) {
        double a, b, c, d;
        if (!GEOSGeom_getXMin_r(ctx->geos, pl->f[k].g, &a) || !GEOSGeom_getYMin_r(ctx->geos, pl->f[k].g, &b) ||
            !GEOSGeom_getXMax_r(ctx->geos, pl->f[k].g, &c) || !GEOSGeom_getYMax_r(ctx->geos, pl->f[k].g, &d))
            continue;
        minx = fmin(minx, a), miny = fmin(miny, b), maxx = fmax(maxx, c), maxy = fmax(maxy, d);
    }
    double ew = fmax(maxx - minx, 500), eh = fmax(maxy - miny, 500);
    double cx = (minx + maxx) / 2, cy = (miny + maxy) / 2;
    ew *= 1.12, eh *= 1.12;

    r_ctx r = {.ctx = ctx, .s = W / 1600.0};
    park_status fst = PARK_OK;
    r.font = cjk_font(ctx, 0, &fst, r.family, sizeof r.family);
    if (r.font) r.bold = cjk_font(ctx, 1, &fst, NULL, 0);
    r.svg_text = svg;
    park_buf_init(&r.svgtxt);
    park_buf svgdoc;
    park_buf_init(&svgdoc);
    park_basemap *bm = NULL;
    lg_list lg = {0};
    char *cmp_label = NULL;
    cairo_surface_t *surf = NULL;
    park_atomic out = {0};
    if (fst) {
        st = fst;
        goto done;
    }

    /* page layout: title band, map frame left, legend right, footer */
    double s = r.s, margin = 24 * s, title_h = 84 * s, foot_h = 40 * s, leg_w = 400 * s;
    r.fw = W - 3 * margin - leg_w;
    double aspect = fmin(fmax(eh / ew, 0.62), 1.45);
    r.fh = r.fw * aspect;
    /* the legend is measured with a placeholder for the basemap entries, which
     * are known only once the frame (and so the basemap's box) is fixed */
    park_basemap dummy = {0};
    if (o->compare) {
        compare_prepare(&r, pl->src->layer, o->compare, crs);
        cmp_label = park_asprintf("基线边界（%s）", o->compare_label && *o->compare_label ? o->compare_label : "baseline");
    }
    if (!park_rd_build_legend(ctx, ls, n, o->basemap ? &dummy : NULL, &lg, o->compare ? &r : NULL, cmp_label)) {
        st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
        goto done;
    }
    double leg_h = park_rd_legend_height(&lg) * s;
    if (leg_h > r.fh) r.fh = leg_h;
    /* fit the extent to the frame's aspect, growing the short side */
    if (eh / ew < r.fh / r.fw) eh = ew * r.fh / r.fw;
    else ew = eh * r.fw / r.fh;
    r.minx = cx - ew / 2, r.maxx = cx + ew / 2, r.miny = cy - eh / 2, r.maxy = cy + eh / 2;
    r.k = r.fw / ew;
    r.fx = margin, r.fy = margin + title_h;
    int H = (int)ceil(r.fy + r.fh + foot_h + margin);

    if (o->basemap) {
        /* lon/lat box of the frame: corners and edge midpoints (a Gauss-Kruger
         * rectangle is not a lon/lat rectangle), padded by 2% */
        double bb[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
        for (int i = 0; i <= 2; i++)
            for (int j = 0; j <= 2; j++) {
                double x = r.minx + i * ew / 2, y = r.miny + j * eh / 2;
                if ((st = park_transform_xy(ctx, crs, "EPSG:4326", &x, &y))) goto done;
                bb[0] = fmin(bb[0], x), bb[1] = fmin(bb[1], y), bb[2] = fmax(bb[2], x), bb[3] = fmax(bb[3], y);
            }
        double dx = (bb[2] - bb[0]) * 0.02, dy = (bb[3] - bb[1]) * 0.02;
        bb[0] -= dx, bb[2] += dx, bb[1] -= dy, bb[3] += dy;
        const char *dir = o->basemap_dir && *o->basemap_dir ? o->basemap_dir : park_shared_data_dir();
        if ((st = park_basemap_load(ctx, dir, crs, bb, &bm))) goto done;
    }

    if ((st = park_atomic_open(ctx, &out, path, o->overwrite))) goto done;
    surf = svg ? cairo_svg_surface_create_for_stream(buf_cb, &svgdoc, W, H)
               : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        st = park_error(ctx, PARK_ERR_INTERNAL, "cairo cannot create a %dx%d surface: %s", W, H,
                        cairo_status_to_string(cairo_surface_status(surf)));
        goto done;
    }
    r.cr = cairo_create(surf);
    cairo_set_source_rgb(r.cr, 1, 1, 1);
    cairo_paint(r.cr);

    /* title band */
    static const double ink[3] = {0.1, 0.1, 0.12}, grey[3] = {0.4, 0.4, 0.4};
    park_rd_draw_text(&r, margin, margin + 24 * s, title, 1, 30, ink, 0, LEFT, 0);
    char sub[512];
    snprintf(sub, sizeof sub, "%zu 个要素 · 投影 %s (%s) · 图幅 %.1f × %.1f km", pl->n, crs, crs_name, ew / 1000, eh / 1000);
    park_rd_draw_text(&r, margin, margin + 62 * s, sub, 0, 15, grey, 0, LEFT, 0);

    if (o->colour_by_error) {
        const park_parcel **ps = calloc(pl->n + 1, sizeof *ps);
        const GEOSGeometry **gs = calloc(pl->n + 1, sizeof *gs);
        for (size_t k = 0; k < pl->n; k++) ps[k] = pl->f[k].p, gs[k] = pl->f[k].g;
        st = park_error_edges_make(ctx, ps, gs, pl->n, crs, &r.err_edges);
        free(ps), free(gs);
        if (st) goto done;
    }
    draw_map(&r, ls, n, bm, crs);
    if (r.err_edges) park_error_key_draw(r.cr, r.font, r.bold, r.fx + r.fw - 260 * r.s, r.fy + r.fh - (32 + 18 * PARK_ERRCLASS_N) * r.s, r.s); /* bottom right: scale bar bottom left, north arrow top right */
    park_rd_draw_legend(&r, &lg, r.fx + r.fw + margin, r.fy, leg_w);

    /* footer: where things come from */
    char foot[1024];
    int osm = bm != NULL;
    for (size_t i = 0; i < n; i++)
        if (!ls[i].src->is_primary && ls[i].n) osm = 1; /* companion lines/stations are OSM-derived */
    const char *lp = park_layer_path(pl->src->layer);
    snprintf(foot, sizeof foot, "parkgis %s%s%s%s%s%s", PARKGIS_VERSION, *source ? " · 依据 " : "", source,
             *lp ? " · 图层 " : "", *lp ? base_name(lp) : "",
             osm ? " · 地铁与道路: © OpenStreetMap contributors, ODbL" : "");
    /* too wide for the page: drop whole characters from the end and add "…" */
    size_t flen = strlen(foot);
    int cut = 0;
    while (flen > 0 && park_rd_text_w(&r, 0, 12, foot) > W - 2 * margin) {
        if (cut) flen -= 3, foot[flen] = 0; /* the "…" added last round */
        do flen--;
        while (flen > 0 && ((unsigned char)foot[flen] & 0xC0) == 0x80);
        memcpy(foot + flen, "…", 4);
        flen += 3, cut = 1;
    }
    park_rd_draw_text(&r, margin, r.fy + r.fh + foot_h / 2 + 4 * s, foot, 0, 12, grey, 0, LEFT, 0);

    if (cairo_status(r.cr) != CAIRO_STATUS_SUCCESS) {
        st = park_error(ctx, PARK_ERR_INTERNAL, "cairo failed while drawing %s: %s", path, cairo_status_to_string(cairo_status(r.cr)));
        goto done;
    }
    cairo_destroy(r.cr);
    r.cr = NULL;
    if (svg) {
        /* cairo's drawing, then the text on top of it as <text> elements */
        cairo_surface_finish(surf);
        const char *doc = svgdoc.s ? svgdoc.s : "";
        const char *end = strstr(doc, "</svg>");
        for (const char *q = end; q && (q = strstr(q + 1, "</svg>"));) end = q;
        if (!end) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "%s: cairo wrote no SVG document", path);
            goto done;
        }
        bool bad = fwrite(doc, 1, (size_t)(end - doc), out.f) != (size_t)(end - doc);
        park_buf_printf(&r.svgtxt, "%s", "");
        if (r.svgtxt.s) bad |= fputs("<g id=\"labels\">\n", out.f) < 0 || fputs(r.svgtxt.s, out.f) < 0 || fputs("</g>\n", out.f) < 0;
        bad |= fputs(end, out.f) < 0;
        if (bad) {
            st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot write: %s", path, strerror(errno));
            goto done;
        }
    } else if (cairo_surface_write_to_png_stream(surf, write_cb, out.f) != CAIRO_STATUS_SUCCESS) {
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot write PNG", path);
        goto done;
    }
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        st = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot write: %s", path, cairo_status_to_string(cairo_surface_status(surf)));
        goto done;
    }
    cairo_surface_destroy(surf);
    surf = NULL;
    st = park_atomic_commit(ctx, &out);

done:
    park_error_edges_free(ctx, r.err_edges);
    if (r.cr) cairo_destroy(r.cr);
    if (surf) cairo_surface_destroy(surf);
    if (out.f) park_atomic_abort(&out);
    if (r.font) cairo_font_face_destroy(r.font);
    if (r.bold) cairo_font_face_destroy(r.bold);
    free(r.boxes);
    free(lg.e);
    free(cmp_label);
    if (r.cmp_outline) GEOSGeom_destroy_r(ctx->geos, r.cmp_outline);
    if (r.cmp_gained) GEOSGeom_destroy_r(ctx->geos, r.cmp_gained);
    if (r.cmp_lost) GEOSGeom_destroy_r(ctx->geos, r.cmp_lost);
    park_buf_free(&r.svgtxt);
    park_buf_free(&svgdoc);
    park_basemap_free(ctx, bm);
    free_layers(ctx, ls, n);
    return st;
}

park_status park_render_layers(park_ctx *ctx, const char *title, const park_layout_layer *layers, size_t n,
                               const char *path, const park_render_opts *o) {
    return render(ctx, title, "", layers, n, path, o);
}

park_status park_render_layout(park_ctx *ctx, const park_layout *lo, const char *path, const park_render_opts *o) {
    size_t n = park_layout_layer_count(lo);
    park_layout_layer *ls = calloc(n ? n : 1, sizeof *ls);
    if (!ls) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n; i++) ls[i] = park_layout_layer_get(lo, i);
    char *title = park_asprintf("%s", park_layout_name(lo));
    /* the plan cited without the project's own references ("(seed 001)") */
    char *src = park_strdup(park_layout_source(lo) ? park_layout_source(lo) : "");
    for (char *q; src && (q = strstr(src, "(seed ")) != NULL;) {
        char *e = strchr(q, ')');
        if (!e) break;
        while (q > src && q[-1] == ' ') q--;
        memmove(q, e + 1, strlen(e + 1) + 1);
    }
    park_status st = title && src ? render(ctx, title, src, ls, n, path, o)
                           : park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    free(title), free(src);
    free(ls);
    return st;
}
