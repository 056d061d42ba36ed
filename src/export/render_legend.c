/* render_legend.c - the map furniture of render.c: the legend (one entry per
 * layer or group, with the Chinese names and geodesic areas), the scale bar, the
 * north arrow (true north: a Gauss-Kruger zone's grid north is off by the
 * meridian convergence) and the grid. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render_internal.h"

/* "计算 13.30 ±5.54 km² · 规划 11.14 km²": the derived area never stands alone.
 * ± is the boundary length × the error_m the element states (the model of
 * recompute, README "Uncertainty"); unstated, it says so. */
static void area_line(park_ctx *ctx, const r_feat *f, char *out, size_t len) {
    char unc[48], plan[48];
    if (f->p->has_error_m) snprintf(unc, sizeof unc, " ±%.2f km²", park_perimeter_geodesic(ctx, f->p->geom) * f->p->error_m / 1e6);
    else snprintf(unc, sizeof unc, " km²（误差未核实）");
    if (isfinite(f->p->official_km2)) snprintf(plan, sizeof plan, "规划 %.2f km²", f->p->official_km2);
    else snprintf(plan, sizeof plan, "规划无此数");
    snprintf(out, len, "计算 %.2f%s · %s", f->area_km2, unc, plan);
}

/* ------------------------------------------------------------------ legend */

static lg_entry *lg_add(lg_list *l, lg_kind k, const char *text) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        lg_entry *ne = realloc(l->e, cap * sizeof *ne);
        if (!ne) return NULL;
        l->e = ne, l->cap = cap;
    }
    lg_entry *e = &l->e[l->n++];
    memset(e, 0, sizeof *e);
    e->kind = k, e->text = text;
    return e;
}

/* Group headings (三园 / 三线 / 两区 ...) are shown when every element carries a
 * single Chinese group name; the parcel layer's `layout` field lists element ids
 * instead, which would make poor headings. */
static int has_groups(const r_layer *pl) {
    if (pl->n == 0) return 0;
    for (size_t i = 0; i < pl->n; i++) {
        const char *g = pl->f[i].p->layout;
        if (!*g || strchr(g, ';')) return 0;
        int ascii = 1;
        for (const char *c = g; *c; c++)
            if ((unsigned char)*c >= 0x80) ascii = 0;
        if (ascii) return 0;
    }
    return 1;
}

int park_rd_build_legend(park_ctx *ctx, r_layer *ls, size_t n, const park_basemap *bm, lg_list *lg, const r_ctx *r,
                        const char *cmp_label) {
    r_layer *pl = NULL;
    for (size_t i = 0; i < n; i++)
        if (ls[i].src->is_primary) pl = &ls[i];
    if (!pl) return 0;
    lg_entry *e;
    if (!lg_add(lg, LG_HEADER, pl->src->title && *pl->src->title ? pl->src->title : pl->src->name)) return 0;
    int grouped = has_groups(pl);
    for (size_t i = 0; i < pl->n; i++) {
        /* with groups: each group's heading once, its elements under it, groups in first-seen order */
        if (grouped) {
            int seen = 0;
            for (size_t k = 0; k < i; k++)
                if (!strcmp(pl->f[k].p->layout, pl->f[i].p->layout)) seen = 1;
            if (seen) continue;
            if (!lg_add(lg, LG_NOTE, pl->f[i].p->layout)) return 0;
            for (size_t k = i; k < pl->n; k++) {
                if (strcmp(pl->f[k].p->layout, pl->f[i].p->layout)) continue;
                if (!(e = lg_add(lg, LG_FILL, pl->f[k].p->name))) return 0;
                memcpy(e->rgb, pl->f[k].rgb, 3);
                if (isfinite(pl->f[k].area_km2)) area_line(ctx, &pl->f[k], e->sub, sizeof e->sub);
            }
        } else {
            if (!(e = lg_add(lg, LG_FILL, pl->f[i].p->name))) return 0;
            memcpy(e->rgb, pl->f[i].rgb, 3);
            if (isfinite(pl->f[i].area_km2)) area_line(ctx, &pl->f[i], e->sub, sizeof e->sub);
        }
    }
    for (size_t i = 0; i < n; i++) {
        r_layer *l = &ls[i];
        if (l->src->is_primary || l->n == 0) continue;
        if (!lg_add(lg, LG_HEADER, l->src->title && *l->src->title ? l->src->title : l->src->name)) return 0;
        if (l->dim == 1) {
            /* one entry per distinct name (a line may come in several features) */
            for (size_t k = 0; k < l->n; k++) {
                int dup = 0;
                for (size_t j = 0; j < k; j++)
                    if (!strcmp(l->f[j].p->name, l->f[k].p->name)) dup = 1;
                if (dup) continue;
                if (!(e = lg_add(lg, LG_LINE, l->f[k].p->name))) return 0;
                memcpy(e->rgb, l->f[k].rgb, 3);
            }
        } else if (l->dim == 0) {
            if (!(e = lg_add(lg, LG_POINT, l->src->title && *l->src->title ? l->src->title : l->src->name))) return 0;
            snprintf(e->right, sizeof e->right, "%zu", l->n);
            e->rgb[0] = e->rgb[1] = e->rgb[2] = 0x40;
        } else {
            for (size_t k = 0; k < l->n; k++) {
                if (!(e = lg_add(lg, LG_FILL, l->f[k].p->name))) return 0;
                memcpy(e->rgb, l->f[k].rgb, 3);
            }
        }
    }
    if (r && cmp_label) {
        if (!lg_add(lg, LG_HEADER, "与基线对比")) return 0;
        if (!(e = lg_add(lg, LG_LINE, cmp_label))) return 0;
        e->rgb[0] = e->rgb[1] = e->rgb[2] = 0x1a;
        if (!(e = lg_add(lg, LG_FILL, "增加"))) return 0;
        e->rgb[0] = 0x2e, e->rgb[1] = 0xa0, e->rgb[2] = 0x43;
        snprintf(e->right, sizeof e->right, "%.3f km²", r->cmp_gained_km2);
        if (!(e = lg_add(lg, LG_FILL, "减少"))) return 0;
        e->rgb[0] = 0xd6, e->rgb[1] = 0x27, e->rgb[2] = 0x28;
        snprintf(e->right, sizeof e->right, "%.3f km²", r->cmp_lost_km2);
    }
    if (bm) {
        if (!lg_add(lg, LG_HEADER, "底图 (OpenStreetMap)")) return 0;
        if (!(e = lg_add(lg, LG_LINE, "快速路、主干道、次干道"))) return 0;
        e->rgb[0] = 0xb8, e->rgb[1] = 0xb0, e->rgb[2] = 0xa4;
        if (!(e = lg_add(lg, LG_METRO_SET, "地铁线路 (按线路配色)"))) return 0;
        if (!(e = lg_add(lg, LG_POINT, "地铁站"))) return 0;
        e->rgb[0] = e->rgb[1] = e->rgb[2] = 0x40;
    }
    return 1;
}

#define LG_ROW 30.0
#define LG_HEAD 40.0
#define LG_SUB 20.0

double park_rd_legend_height(const lg_list *lg) {
    double h = 44; /* "图例" */
    for (size_t i = 0; i < lg->n; i++) h += lg->e[i].kind == LG_HEADER ? LG_HEAD : LG_ROW + (lg->e[i].sub[0] ? LG_SUB : 0);
    return h + 92; /* area note and notice */
}

void park_rd_draw_legend(r_ctx *r, const lg_list *lg, double x, double y, double w) {
    cairo_t *cr = r->cr;
    double s = r->s;
    static const double ink[3] = {0.13, 0.13, 0.13}, grey[3] = {0.42, 0.42, 0.42};
    park_rd_draw_text(r, x, y + 16 * s, "图例", 1, 20, ink, 0, LEFT, 0);
    y += 44 * s;
    for (size_t i = 0; i < lg->n; i++) {
        const lg_entry *e = &lg->e[i];
        double c[3];
        park_rd_rgbd(e->rgb, c);
        if (e->kind == LG_HEADER) {
            cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
            cairo_set_line_width(cr, 1 * s);
            cairo_move_to(cr, x, y + 6 * s), cairo_line_to(cr, x + w, y + 6 * s), cairo_stroke(cr);
            park_rd_draw_text(r, x, y + 24 * s, e->text, 1, 16, ink, 0, LEFT, 0);
            y += LG_HEAD * s;
            continue;
        }
        double cy = y + LG_ROW * s / 2, sx = x + (e->kind == LG_NOTE ? 0 : 8 * s), sw = 34 * s, sh = 20 * s;
        if (e->kind == LG_NOTE) {
            park_rd_draw_text(r, x + 4 * s, cy, e->text, 1, 14, grey, 0, LEFT, 0);
            y += LG_ROW * s;
            continue;
        }
        if (e->kind == LG_FILL) {
            cairo_rectangle(cr, sx, cy - sh / 2, sw, sh);
            cairo_set_source_rgba(cr, c[0], c[1], c[2], 0.7);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, c[0] * 0.6, c[1] * 0.6, c[2] * 0.6);
            cairo_set_line_width(cr, 1.5 * s);
            cairo_stroke(cr);
        } else if (e->kind == LG_LINE) {
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            cairo_set_line_width(cr, 4 * s);
            cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            cairo_move_to(cr, sx + 3 * s, cy), cairo_line_to(cr, sx + sw - 3 * s, cy), cairo_stroke(cr);
        } else if (e->kind == LG_METRO_SET) {
            static const char *lines[] = {"1", "3", "7", "2"};
            for (int k = 0; k < 4; k++) {
                unsigned char mc[3];
                park_metro_color(lines[k], mc, NULL);
                cairo_set_source_rgb(cr, mc[0] / 255.0, mc[1] / 255.0, mc[2] / 255.0);
                cairo_set_line_width(cr, 3 * s);
                double yy = cy - 6 * s + k * 4 * s;
                cairo_move_to(cr, sx + 3 * s, yy), cairo_line_to(cr, sx + sw - 3 * s, yy), cairo_stroke(cr);
            }
        } else if (e->kind == LG_POINT) {
            cairo_arc(cr, sx + sw / 2, cy, 5 * s, 0, 2 * M_PI);
            cairo_set_source_rgb(cr, 1, 1, 1);
            cairo_fill_preserve(cr);
            cairo_set_source_rgb(cr, c[0], c[1], c[2]);
            cairo_set_line_width(cr, 2 * s);
            cairo_stroke(cr);
        }
        double tx = sx + sw + 10 * s, avail = x + w - tx - (e->right[0] ? 80 * s : 0);
        double size = 15;
        while (size > 9 && park_rd_text_w(r, 0, size, e->text) > avail) size -= 1;
        park_rd_draw_text(r, tx, cy, e->text, 0, size, ink, 0, LEFT, 0);
        if (e->right[0]) park_rd_draw_text(r, x + w, cy, e->right, 0, 13, grey, 0, RIGHT, 0);
        y += LG_ROW * s;
        if (e->sub[0]) {
            double ss = 12;
            while (ss > 8 && park_rd_text_w(r, 0, ss, e->sub) > x + w - tx) ss -= 0.5;
            park_rd_draw_text(r, tx, y + LG_SUB * s / 2 - 4 * s, e->sub, 0, ss, grey, 0, LEFT, 0);
            y += LG_SUB * s;
        }
    }
    y += 14 * s;
    static const double red[3] = {0.62, 0.1, 0.1};
    park_rd_draw_text(r, x, y + 8 * s, "面积：CGCS2000 椭球面测地面积；± = 边界长 × 边界误差 error_m", 0, 12, grey, 0, LEFT, 0);
    park_rd_draw_text(r, x, y + 28 * s, "几何来源与误差见各要素的 provenance 字段", 0, 12, grey, 0, LEFT, 0);
    park_rd_draw_text(r, x, y + 52 * s, "边界为依据规划文本推定（示意，非测绘成果）", 1, 13, red, 0, LEFT, 0);
}

/* ------------------------------------------------------------------ map furniture */

static double nice_length(double m) {
    double p = pow(10, floor(log10(m))), f = m / p;
    return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * p;
}

static void fmt_len(char *buf, size_t n, double m) {
    if (m >= 1000) snprintf(buf, n, "%g km", m / 1000);
    else snprintf(buf, n, "%g m", m);
}

static void panel(r_ctx *r, double x, double y, double w, double h) {
    cairo_rectangle(r->cr, x, y, w, h);
    cairo_set_source_rgba(r->cr, 1, 1, 1, 0.85);
    cairo_fill_preserve(r->cr);
    cairo_set_source_rgba(r->cr, 0.6, 0.6, 0.6, 0.8);
    cairo_set_line_width(r->cr, 1 * r->s);
    cairo_stroke(r->cr);
}

void park_rd_draw_scale_bar(r_ctx *r) {
    cairo_t *cr = r->cr;
    double s = r->s;
    double len = nice_length(r->fw * 0.22 / r->k), bar = len * r->k;
    double x = r->fx + 18 * s, y = r->fy + r->fh - 18 * s;
    panel(r, x - 10 * s, y - 48 * s, bar + 20 * s + 50 * s, 56 * s);
    static const double ink[3] = {0.1, 0.1, 0.1};
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x + i * bar / 4, y - 14 * s, bar / 4, 7 * s);
        if (i % 2 == 0) cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 1 * s);
        cairo_stroke(cr);
    }
    char a[32], b[32];
    fmt_len(a, sizeof a, len / 2);
    fmt_len(b, sizeof b, len);
    park_rd_draw_text(r, x, y - 27 * s, "0", 0, 13, ink, 0, CENTER, 0);
    park_rd_draw_text(r, x + bar / 2, y - 27 * s, a, 0, 13, ink, 0, CENTER, 0);
    park_rd_draw_text(r, x + bar, y - 27 * s, b, 0, 13, ink, 0, CENTER, 0);
}

/* North arrow rotated to true north: the angle between grid north of the map
 * CRS and the meridian through the map centre (about 0.7° at 121.4°E in the
 * 120°E Gauss-Kruger zone). */
void park_rd_draw_north(r_ctx *r, const char *crs) {
    cairo_t *cr = r->cr;
    double s = r->s;
    double cx = (r->minx + r->maxx) / 2, cy = (r->miny + r->maxy) / 2;
    double lon = cx, lat = cy, x2, y2, angle = 0;
    if (park_transform_xy(r->ctx, crs, "EPSG:4490", &lon, &lat) == PARK_OK) {
        x2 = lon, y2 = lat + 0.01;
        if (park_transform_xy(r->ctx, "EPSG:4490", crs, &x2, &y2) == PARK_OK) angle = atan2(x2 - cx, y2 - cy);
    }
    park_ctx_clear_error(r->ctx);
    double ax = r->fx + r->fw - 46 * s, ay = r->fy + 62 * s, R = 30 * s;
    panel(r, ax - 40 * s, ay - 52 * s, 80 * s, 112 * s);
    cairo_save(cr);
    cairo_translate(cr, ax, ay);
    cairo_rotate(cr, angle);
    cairo_move_to(cr, 0, -R), cairo_line_to(cr, R * 0.42, R * 0.75), cairo_line_to(cr, 0, R * 0.4), cairo_close_path(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_fill(cr);
    cairo_move_to(cr, 0, -R), cairo_line_to(cr, -R * 0.42, R * 0.75), cairo_line_to(cr, 0, R * 0.4), cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_line_width(cr, 1.2 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
    static const double ink[3] = {0.1, 0.1, 0.1}, grey[3] = {0.4, 0.4, 0.4};
    park_rd_draw_text(r, ax + sin(angle) * R * 1.35, ay - cos(angle) * R * 1.35, "N", 1, 15, ink, 0, CENTER, 0);
    char cap[64];
    double deg = angle * 180 / M_PI;
    if (fabs(deg) < 0.005) snprintf(cap, sizeof cap, "真北");
    else snprintf(cap, sizeof cap, "真北偏%s %.2f°", deg < 0 ? "西" : "东", fabs(deg));
    park_rd_draw_text(r, ax, ay + 46 * s, cap, 0, 11, grey, 0, CENTER, 0);
}

void park_rd_draw_grid(r_ctx *r) {
    double step = nice_length((r->maxx - r->minx) / 6);
    cairo_set_source_rgba(r->cr, 0.55, 0.6, 0.7, 0.25);
    cairo_set_line_width(r->cr, 1 * r->s);
    for (double x = ceil(r->minx / step) * step; x < r->maxx; x += step)
        cairo_move_to(r->cr, park_rd_px(r, x), r->fy), cairo_line_to(r->cr, park_rd_px(r, x), r->fy + r->fh);
    for (double y = ceil(r->miny / step) * step; y < r->maxy; y += step)
        cairo_move_to(r->cr, r->fx, park_rd_py(r, y)), cairo_line_to(r->cr, r->fx + r->fw, park_rd_py(r, y));
    cairo_stroke(r->cr);
}
