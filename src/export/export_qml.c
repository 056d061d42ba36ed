/* export_qml.c - QGIS 3 layer styles (.qml XML) for exported layers, so a
 * Shapefile / GeoJSON opens styled (QGIS loads <name>.qml beside the file) and a
 * GeoPackage carries the same XML in its layer_styles table.
 *
 * The XML is the subset of what QGIS 3.22 itself writes (QgsVectorLayer::
 * saveNamedStyle): a categorizedSymbol renderer on `id` (one category per
 * element, labelled with its Chinese name), symbol layers as <Option type="Map">
 * property maps, and simple labeling on `name`. Anything omitted takes QGIS's
 * defaults. Colours come from park_style_color / park_metro_color (render_style.c)
 * so the QGIS map and `parkgis render` agree. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* CJK font for labels: Noto Sans CJK SC (Debian fonts-noto-cjk); QGIS falls back
 * to any installed font with the glyphs when it is missing. */
#define LABEL_FONT "Noto Sans CJK SC"
/* Fill opacity of element polygons: the basemap and neighbours stay visible. */
#define FILL_ALPHA 140

static void xml_attr(park_buf *b, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': park_buf_append(b, "&amp;"); break;
        case '<': park_buf_append(b, "&lt;"); break;
        case '>': park_buf_append(b, "&gt;"); break;
        case '"': park_buf_append(b, "&quot;"); break;
        case '\'': park_buf_append(b, "&apos;"); break;
        case '\n': park_buf_append(b, "&#10;"); break;
        default: park_buf_appendn(b, s, 1);
        }
    }
}

static void opt(park_buf *b, const char *name, const char *value) {
    park_buf_printf(b, "          <Option name=\"%s\" type=\"QString\" value=\"", name);
    xml_attr(b, value);
    park_buf_append(b, "\"/>\n");
}

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

/* Lines: a metro line ("轨道交通7号线", id "metro-7") in its official colour; a
 * river (group 河流, or a name ending in 江/河) in water blue; any other line
 * (e.g. the axes of 一核两极三带) from the shared palette. Polygons: the palette. */
void exp_feature_color(const exp_layer *l, size_t i, unsigned char rgb[3], char hex[8]) {
    if (l->kind == EXP_LINE) {
        const park_parcel *p = l->f[i].p;
        if (strstr(p->name, "号线")) return park_metro_color(p->name, rgb, hex);
        if (!strncmp(p->id, "metro-", 6) || !strncmp(p->id, "line-", 5)) return park_metro_color(p->id, rgb, hex);
        if (!strcmp(p->layout, "河流") || ends_with(p->name, "江") || ends_with(p->name, "河")) {
            static const unsigned char water[3] = {0x3a, 0x86, 0xc8};
            if (rgb) memcpy(rgb, water, 3);
            if (hex) snprintf(hex, 8, "#%02x%02x%02x", water[0], water[1], water[2]);
            return;
        }
    }
    park_style_color(i, rgb, hex);
}

static void symbol(park_buf *b, exp_kind kind, const char *name, const unsigned char c[3]) {
    char col[32], dark[32];
    /* Outlines a third darker than the fill, so adjacent elements stay apart. */
    snprintf(dark, sizeof dark, "%d,%d,%d,255", c[0] * 2 / 3, c[1] * 2 / 3, c[2] * 2 / 3);
    if (kind == EXP_POLYGON) {
        snprintf(col, sizeof col, "%d,%d,%d,%d", c[0], c[1], c[2], FILL_ALPHA);
        park_buf_printf(b, "      <symbol type=\"fill\" name=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name);
        park_buf_append(b, "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n        <Option type=\"Map\">\n");
        opt(b, "color", col);
        opt(b, "style", "solid");
        opt(b, "outline_color", dark);
        opt(b, "outline_style", "solid");
        opt(b, "outline_width", "0.6");
        opt(b, "outline_width_unit", "MM");
        opt(b, "joinstyle", "bevel");
    } else if (kind == EXP_LINE) {
        snprintf(col, sizeof col, "%d,%d,%d,255", c[0], c[1], c[2]);
        park_buf_printf(b, "      <symbol type=\"line\" name=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name);
        park_buf_append(b, "        <layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">\n        <Option type=\"Map\">\n");
        opt(b, "line_color", col);
        opt(b, "line_style", "solid");
        opt(b, "line_width", "1.2");
        opt(b, "line_width_unit", "MM");
        opt(b, "capstyle", "round");
        opt(b, "joinstyle", "round");
    } else {
        snprintf(col, sizeof col, "%d,%d,%d,255", c[0], c[1], c[2]);
        park_buf_printf(b, "      <symbol type=\"marker\" name=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name);
        park_buf_append(b, "        <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n        <Option type=\"Map\">\n");
        opt(b, "name", "circle");
        opt(b, "color", "255,255,255,255");
        opt(b, "outline_color", col);
        opt(b, "outline_style", "solid");
        opt(b, "outline_width", "0.5");
        opt(b, "outline_width_unit", "MM");
        opt(b, "size", "2.2");
        opt(b, "size_unit", "MM");
    }
    park_buf_append(b, "        </Option>\n        </layer>\n      </symbol>\n");
}

/* Distinct values of `group` in a point layer, when few enough to colour by. */
static size_t distinct_groups(const exp_layer *l, const char **out, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *g = l->f[i].p->layout;
        size_t k = 0;
        while (k < n && strcmp(out[k], g)) k++;
        if (k < n) continue;
        if (n == max) return max + 1;
        out[n++] = g;
    }
    return n;
}

char *exp_qml(exp_job *job, const exp_layer *l) {
    (void)job;
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    park_buf_printf(&b,
                    "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"1\" "
                    "hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\">\n");
    park_buf_append(&b, "  <!-- written by parkgis " PARKGIS_VERSION ": layer ");
    park_buf_append(&b, l->name);
    park_buf_append(&b, " -->\n");
    unsigned char rgb[3];
    const char *groups[13];
    size_t ng = l->kind == EXP_POINT ? distinct_groups(l, groups, 12) : 0;
    if (l->kind == EXP_POINT && (ng < 2 || ng > 12)) {
        /* Stations: one symbol; colouring 90 stations one by one says nothing. */
        park_buf_append(&b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n    <symbols>\n");
        rgb[0] = rgb[1] = rgb[2] = 0x33;
        symbol(&b, l->kind, "0", rgb);
        park_buf_append(&b, "    </symbols>\n  </renderer-v2>\n");
    } else {
        const char *attr = l->kind == EXP_POINT ? "group" : "id";
        park_buf_printf(&b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"%s\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n    <categories>\n", attr);
        size_t nc = l->kind == EXP_POINT ? ng : l->n;
        for (size_t i = 0; i < nc; i++) {
            const char *value = l->kind == EXP_POINT ? groups[i] : l->f[i].p->id;
            const char *label = l->kind == EXP_POINT ? groups[i] : l->f[i].p->name;
            park_buf_printf(&b, "      <category render=\"true\" symbol=\"%zu\" value=\"", i);
            xml_attr(&b, value);
            park_buf_append(&b, "\" label=\"");
            xml_attr(&b, *label ? label : value);
            park_buf_append(&b, "\"/>\n");
        }
        park_buf_append(&b, "    </categories>\n    <symbols>\n");
        for (size_t i = 0; i < nc; i++) {
            char name[32];
            snprintf(name, sizeof name, "%zu", i);
            if (l->kind == EXP_POINT) park_metro_color(groups[i], rgb, NULL);
            else exp_feature_color(l, i, rgb, NULL);
            symbol(&b, l->kind, name, rgb);
        }
        park_buf_append(&b, "    </symbols>\n  </renderer-v2>\n");
    }
    /* Labels: Chinese names. Polygons: at the interior point (OverPoint=1);
     * lines: along the line (Curved=3); points: around the point (0). */
    int placement = l->kind == EXP_POLYGON ? 1 : l->kind == EXP_LINE ? 3 : 0;
    double size = l->kind == EXP_POLYGON ? 10 : 8;
    park_buf_printf(&b,
                    "  <labeling type=\"simple\">\n"
                    "    <settings calloutType=\"simple\">\n"
                    "      <text-style fieldName=\"name\" isExpression=\"0\" fontFamily=\"" LABEL_FONT "\" namedStyle=\"\" "
                    "fontSize=\"%g\" fontSizeUnit=\"Point\" fontWeight=\"%d\" fontItalic=\"0\" textColor=\"20,20,20,255\" textOpacity=\"1\" "
                    "multilineHeight=\"1\" blendMode=\"0\" allowHtml=\"0\" capitalization=\"0\" textOrientation=\"horizontal\">\n"
                    "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" "
                    "bufferOpacity=\"0.85\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>\n"
                    "      </text-style>\n"
                    "      <text-format wrapChar=\"\" multilineAlign=\"3\" autoWrapLength=\"0\" plussign=\"0\" formatNumbers=\"0\" decimals=\"3\" "
                    "leftDirectionSymbol=\"&lt;\" rightDirectionSymbol=\">\" reverseDirectionSymbol=\"0\" placeDirectionSymbol=\"0\" addDirectionSymbol=\"0\" useMaxLineLengthForAutoWrap=\"1\"/>\n"
                    "      <placement placement=\"%d\" placementFlags=\"10\" dist=\"%s\" distUnits=\"MM\" centroidInside=\"1\" centroidWhole=\"0\" "
                    "fitInPolygonOnly=\"0\" overrunDistance=\"0\" overrunDistanceUnit=\"MM\" repeatDistance=\"0\" priority=\"5\" offsetType=\"0\" quadOffset=\"4\"/>\n"
                    "      <rendering drawLabels=\"1\" obstacle=\"1\" obstacleType=\"1\" obstacleFactor=\"1\" displayAll=\"%d\" upsidedownLabels=\"0\" "
                    "labelPerPart=\"0\" mergeLines=\"%d\" scaleVisibility=\"0\" fontLimitPixelSize=\"0\" limitNumLabels=\"0\" zIndex=\"%d\" unplacedVisibility=\"0\"/>\n"
                    "    </settings>\n"
                    "  </labeling>\n",
                    size, l->kind == EXP_POLYGON ? 63 : 50, placement, l->kind == EXP_POINT ? "1" : "0",
                    l->kind == EXP_POLYGON ? 1 : 0, l->kind == EXP_LINE ? 1 : 0, l->kind == EXP_POLYGON ? 2 : 1);
    park_buf_printf(&b, "  <layerGeometryType>%d</layerGeometryType>\n", l->kind == EXP_POLYGON ? 2 : l->kind == EXP_LINE ? 1 : 0);
    park_buf_append(&b, "</qgis>\n");
    return park_buf_take(&b);
}

char *park_export_qml(park_ctx *ctx, const park_layout_layer *ll) {
    if (!ll || !ll->layer || park_layer_count(ll->layer) == 0) return NULL;
    exp_layer l = {0};
    l.name = ll->name ? ll->name : "layer";
    l.title = ll->title ? ll->title : l.name;
    l.is_primary = ll->is_primary;
    l.src = ll->layer;
    l.n = park_layer_count(ll->layer);
    l.f = calloc(l.n, sizeof *l.f);
    if (!l.f) return NULL;
    for (size_t i = 0; i < l.n; i++) {
        l.f[i].p = park_layer_get(ll->layer, i);
        int t = l.f[i].p->geom ? GEOSGeomTypeId_r(ctx->geos, l.f[i].p->geom) : GEOS_POLYGON;
        if (i == 0) l.kind = t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING ? EXP_LINE
                             : t == GEOS_POINT || t == GEOS_MULTIPOINT     ? EXP_POINT
                                                                            : EXP_POLYGON;
    }
    char *s = exp_qml(NULL, &l);
    free(l.f);
    return s;
}
