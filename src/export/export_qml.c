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

static void opt(park_buf *b, const char *name, const char *value) {
    park_buf_printf(b, "          <Option name=\"%s\" type=\"QString\" value=\"", name);
    exp_xml_escape(b, value, true);
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

/* The classes a layer is styled by, shared by the QML and the SLD: polygons and
 * lines one per feature (on `id`, labelled with the Chinese name), points one
 * per `group` (metro line) when there are 2..12 groups, else none (single symbol). */
size_t exp_categories(const exp_layer *l, const char **attr, exp_cat **out) {
    *out = NULL;
    *attr = NULL;
    const char *groups[13];
    /* the OSM basemap (export --qgis-project): greys by road class, not one colour per road */
    bool basemap = l->name && !strcmp(l->name, "osm_arterials");
    size_t ng = l->kind == EXP_POINT || basemap ? distinct_groups(l, groups, 12) : 0;
    if (basemap && ng <= 12) {
        exp_cat *c = calloc(ng ? ng : 1, sizeof *c);
        if (!c) return 0;
        *attr = "group";
        for (size_t i = 0; i < ng; i++) {
            c[i].value = c[i].label = groups[i];
            unsigned char v = strstr(groups[i], "motorway") ? 0x88 : strstr(groups[i], "primary") ? 0xa8 : 0xc4;
            c[i].rgb[0] = c[i].rgb[1] = c[i].rgb[2] = v;
        }
        *out = c;
        return ng;
    }
    if (l->kind == EXP_POINT && (ng < 2 || ng > 12)) return 0;
    size_t nc = l->kind == EXP_POINT ? ng : l->n;
    exp_cat *c = calloc(nc ? nc : 1, sizeof *c);
    if (!c) return 0;
    *attr = l->kind == EXP_POINT ? "group" : "id";
    for (size_t i = 0; i < nc; i++) {
        if (l->kind == EXP_POINT) {
            c[i].value = c[i].label = groups[i];
            park_metro_color(groups[i], c[i].rgb, NULL);
        } else {
            c[i].value = l->f[i].p->id;
            c[i].label = *l->f[i].p->name ? l->f[i].p->name : l->f[i].p->id;
            exp_feature_color(l, i, c[i].rgb, NULL);
        }
    }
    *out = c;
    return nc;
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
    exp_cat *cats = NULL;
    const char *attr = NULL;
    size_t nc = exp_categories(l, &attr, &cats);
    if (nc == 0) {
        /* Stations: one symbol; colouring 90 stations one by one says nothing. */
        unsigned char grey[3] = {0x33, 0x33, 0x33};
        park_buf_append(&b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n    <symbols>\n");
        symbol(&b, l->kind, "0", grey);
        park_buf_append(&b, "    </symbols>\n  </renderer-v2>\n");
    } else {
        park_buf_printf(&b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"%s\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n    <categories>\n", attr);
        for (size_t i = 0; i < nc; i++) {
            park_buf_printf(&b, "      <category render=\"true\" symbol=\"%zu\" value=\"", i);
            exp_xml_escape(&b, cats[i].value, true);
            park_buf_append(&b, "\" label=\"");
            exp_xml_escape(&b, cats[i].label, true);
            park_buf_append(&b, "\"/>\n");
        }
        park_buf_append(&b, "    </categories>\n    <symbols>\n");
        for (size_t i = 0; i < nc; i++) {
            char name[32];
            snprintf(name, sizeof name, "%zu", i);
            symbol(&b, l->kind, name, cats[i].rgb);
        }
        park_buf_append(&b, "    </symbols>\n  </renderer-v2>\n");
    }
    free(cats);
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

/* ---- SLD: the same classes as OGC Symbology Encoding 1.1, what QGIS itself puts
 * in layer_styles.styleSLD (read by web map servers, not by QGIS). */

static void sld_text(park_buf *b, const char *s) { exp_xml_escape(b, s, true); }

static void sld_symbolizer(park_buf *b, exp_kind kind, const unsigned char c[3]) {
    char col[8], dark[8];
    snprintf(col, sizeof col, "#%02x%02x%02x", c[0], c[1], c[2]);
    snprintf(dark, sizeof dark, "#%02x%02x%02x", c[0] * 2 / 3, c[1] * 2 / 3, c[2] * 2 / 3);
    if (kind == EXP_POLYGON)
        park_buf_printf(b,
                        "          <se:PolygonSymbolizer>\n"
                        "            <se:Fill><se:SvgParameter name=\"fill\">%s</se:SvgParameter>"
                        "<se:SvgParameter name=\"fill-opacity\">%.2f</se:SvgParameter></se:Fill>\n"
                        "            <se:Stroke><se:SvgParameter name=\"stroke\">%s</se:SvgParameter>"
                        "<se:SvgParameter name=\"stroke-width\">2</se:SvgParameter></se:Stroke>\n"
                        "          </se:PolygonSymbolizer>\n",
                        col, FILL_ALPHA / 255.0, dark);
    else if (kind == EXP_LINE)
        park_buf_printf(b,
                        "          <se:LineSymbolizer>\n"
                        "            <se:Stroke><se:SvgParameter name=\"stroke\">%s</se:SvgParameter>"
                        "<se:SvgParameter name=\"stroke-width\">4</se:SvgParameter>"
                        "<se:SvgParameter name=\"stroke-linecap\">round</se:SvgParameter></se:Stroke>\n"
                        "          </se:LineSymbolizer>\n",
                        col);
    else
        park_buf_printf(b,
                        "          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName>\n"
                        "            <se:Fill><se:SvgParameter name=\"fill\">#ffffff</se:SvgParameter></se:Fill>\n"
                        "            <se:Stroke><se:SvgParameter name=\"stroke\">%s</se:SvgParameter>"
                        "<se:SvgParameter name=\"stroke-width\">2</se:SvgParameter></se:Stroke>\n"
                        "          </se:Mark><se:Size>8</se:Size></se:Graphic></se:PointSymbolizer>\n",
                        col);
}

char *exp_sld(const exp_layer *l) {
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" "
                    "xmlns:se=\"http://www.opengis.net/se\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"1.1.0\" "
                    "xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n"
                    "  <NamedLayer>\n    <se:Name>");
    sld_text(&b, l->name);
    park_buf_append(&b, "</se:Name>\n    <UserStyle>\n      <se:Name>");
    sld_text(&b, l->name);
    park_buf_append(&b, "</se:Name>\n      <se:FeatureTypeStyle>\n");
    exp_cat *cats = NULL;
    const char *attr = NULL;
    size_t nc = exp_categories(l, &attr, &cats);
    if (nc == 0) {
        unsigned char grey[3] = {0x33, 0x33, 0x33};
        park_buf_append(&b, "        <se:Rule>\n          <se:Name>");
        sld_text(&b, l->title);
        park_buf_append(&b, "</se:Name>\n");
        sld_symbolizer(&b, l->kind, grey);
        park_buf_append(&b, "        </se:Rule>\n");
    }
    for (size_t i = 0; i < nc; i++) {
        park_buf_append(&b, "        <se:Rule>\n          <se:Name>");
        sld_text(&b, cats[i].label);
        park_buf_append(&b, "</se:Name>\n          <se:Description><se:Title>");
        sld_text(&b, cats[i].label);
        park_buf_printf(&b, "</se:Title></se:Description>\n          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>%s</ogc:PropertyName><ogc:Literal>", attr);
        sld_text(&b, cats[i].value);
        park_buf_append(&b, "</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>\n");
        sld_symbolizer(&b, l->kind, cats[i].rgb);
        park_buf_append(&b, "        </se:Rule>\n");
    }
    free(cats);
    park_buf_printf(&b,
                    "        <se:Rule>\n"
                    "          <se:TextSymbolizer>\n"
                    "            <se:Label><ogc:PropertyName>name</ogc:PropertyName></se:Label>\n"
                    "            <se:Font><se:SvgParameter name=\"font-family\">" LABEL_FONT "</se:SvgParameter>"
                    "<se:SvgParameter name=\"font-size\">%d</se:SvgParameter></se:Font>\n"
                    "            <se:Halo><se:Radius>2</se:Radius><se:Fill><se:SvgParameter name=\"fill\">#ffffff</se:SvgParameter></se:Fill></se:Halo>\n"
                    "            <se:Fill><se:SvgParameter name=\"fill\">#141414</se:SvgParameter></se:Fill>\n"
                    "          </se:TextSymbolizer>\n"
                    "        </se:Rule>\n"
                    "      </se:FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n",
                    l->kind == EXP_POLYGON ? 13 : 11);
    return park_buf_take(&b);
}

/* ---- recompute's diff layer: categories on kind and uncertain; an uncertain
 * piece (narrower than the boundary's error, or of unknown error) is hatched. */
static void diff_symbol(park_buf *b, const char *name, const char *rgb, int hatched) {
    char col[40], dark[40];
    snprintf(col, sizeof col, "%s,%d", rgb, hatched ? 255 : 170);
    snprintf(dark, sizeof dark, "%s,255", rgb);
    park_buf_printf(b, "      <symbol type=\"fill\" name=\"%s\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n", name);
    park_buf_append(b, "        <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n        <Option type=\"Map\">\n");
    opt(b, "color", col);
    opt(b, "style", hatched ? "b_diagonal" : "solid");
    opt(b, "outline_color", dark);
    opt(b, "outline_style", hatched ? "dash" : "solid");
    opt(b, "outline_width", "0.4");
    opt(b, "outline_width_unit", "MM");
    park_buf_append(b, "        </Option>\n        </layer>\n      </symbol>\n");
}

char *exp_diff_qml(void) {
    static const struct { const char *value, *label, *rgb; int hatched; } cats[] = {
        {"gained", "gained (增加)", "46,160,67", 0},
        {"lost", "lost (减少)", "214,39,40", 0},
        {"gained uncertain", "gained, within the boundary error (增加，在误差内)", "46,160,67", 1},
        {"lost uncertain", "lost, within the boundary error (减少，在误差内)", "214,39,40", 1}};
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    park_buf_append(&b, "<qgis version=\"3.22.16-Białowieża\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"0\">\n");
    park_buf_append(&b, "  <!-- written by parkgis " PARKGIS_VERSION ": recompute diff layer parcel_changes -->\n");
    park_buf_append(&b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"");
    exp_xml_escape(&b, "\"kind\" || CASE WHEN \"uncertain\" = 1 THEN ' uncertain' ELSE '' END", true);
    park_buf_append(&b, "\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n    <categories>\n");
    for (size_t i = 0; i < 4; i++) {
        park_buf_printf(&b, "      <category render=\"true\" symbol=\"%zu\" value=\"%s\" label=\"", i, cats[i].value);
        exp_xml_escape(&b, cats[i].label, true);
        park_buf_append(&b, "\"/>\n");
    }
    park_buf_append(&b, "    </categories>\n    <symbols>\n");
    for (size_t i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "%zu", i);
        diff_symbol(&b, name, cats[i].rgb, cats[i].hatched);
    }
    park_buf_append(&b, "    </symbols>\n  </renderer-v2>\n  <layerGeometryType>2</layerGeometryType>\n</qgis>\n");
    return park_buf_take(&b);
}
