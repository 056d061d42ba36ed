/* export_qgis.c - `parkgis export --qgis-project OUT.qgz|OUT.qgs` (issue 13): one
 * file a planner double-clicks. Beside it, OUT.gpkg holds every layer of the
 * layout (styled through layer_styles, as `export -f gpkg` writes them) and an
 * OpenStreetMap basemap layer, osm_arterials (motorway .. secondary roads cut to
 * the layout's box, from ../shared/data/osm-shanghai-arterials.zip, ODbL). The
 * project opens them by relative path, styled (the same QML inside each
 * <maplayer>), in EPSG:4549 (metres, so the scale bar is true), with a print
 * layout: the map, a legend, a scale bar, a north arrow (text), the title and
 * the notice that the boundaries are derived (示意，非测绘成果).
 *
 * The XML is the subset of what QGIS 3.22 writes itself that it needs to read a
 * project (checked by loading it in headless QGIS, tests/integration/
 * qgis-roundtrip.py). .qgz is a zip holding OUT.qgs (GDAL's CPLCreateZip). */
#include <cpl_conv.h>
#include <cpl_error.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export_internal.h"
#include "render.h"

#define PROJECT_CRS "EPSG:4549"
#define NOTICE "边界为依据规划文本推定的示意范围（示意，非测绘成果），面积为计算值，误差见各要素 error_m 字段"

/* <spatialrefsys> of an EPSG CRS, with its WKT (what QGIS reads first). */
static void srs_xml(park_ctx *ctx, park_buf *b, const char *crs) {
    PJ *c = proj_create(ctx->proj, crs);
    const char *wkt = c ? proj_as_wkt(ctx->proj, c, PJ_WKT2_2019, NULL) : NULL;
    park_buf_append(b, "<spatialrefsys><wkt>");
    exp_xml_escape(b, wkt ? wkt : "", false);
    park_buf_append(b, "</wkt><authid>");
    exp_xml_escape(b, crs, false);
    park_buf_append(b, "</authid></spatialrefsys>");
    if (c) proj_destroy(c);
}

/* The inside of a QML document (<renderer-v2>, <labeling>, ...) for a <maplayer>. */
static void qml_body(park_buf *b, const char *qml) {
    const char *s = qml ? strstr(qml, "<qgis ") : NULL;
    if (!s) return;
    s = strchr(s, '>');
    const char *e = strstr(qml, "</qgis>");
    if (!s || !e || e < s) return;
    park_buf_appendn(b, s + 1, (size_t)(e - s - 1));
}

static const char *rank_name(int r) {
    return r == 0 ? "motorway/trunk 高速/快速路" : r == 1 ? "primary 主干路" : r == 2 ? "secondary 次干路" : "link 匝道";
}

/* The OSM arterials in the lon/lat box as a layer (lines, EPSG:4490). */
static park_status basemap_layer(park_ctx *ctx, const double bb[4], park_layer **out, park_buf *notes) {
    *out = NULL;
    park_basemap *bm = NULL;
    park_status st = park_basemap_load(ctx, park_shared_data_dir(), "EPSG:4490", bb, &bm);
    if (st) {
        park_buf_printf(notes, "no OSM basemap layer: %s\n", park_ctx_errmsg(ctx));
        park_ctx_clear_error(ctx);
        return PARK_OK;
    }
    park_layer *l = park_layer_new(ctx);
    for (size_t i = 0; l && i < bm->nroads && !st; i++) {
        char id[32];
        snprintf(id, sizeof id, "osm-road-%zu", i + 1);
        park_parcel p = {0};
        p.id = id;
        p.name = (char *)"";
        p.official_km2 = NAN;
        p.layout = (char *)rank_name(bm->roads[i].rank);
        p.provenance = (char *)"OpenStreetMap (© OpenStreetMap contributors, ODbL), ../shared/data/osm-shanghai-arterials.zip";
        p.four_to = (char *)"";
        p.geom = GEOSGeom_clone_r(ctx->geos, bm->roads[i].g);
        if (!p.geom) st = park_geos_fail(ctx, "basemap road");
        else if ((st = park_layer_add(ctx, l, &p))) GEOSGeom_destroy_r(ctx->geos, p.geom);
    }
    park_basemap_free(ctx, bm);
    if (!l) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    if (st || park_layer_count(l) == 0) {
        park_layer_free(l);
        return st;
    }
    *out = l;
    return PARK_OK;
}

/* Lon/lat box of the primary layer, 15 % wider on each side. */
static bool layout_box(park_ctx *ctx, const park_layer *el, double bb[4]) {
    bb[0] = bb[1] = INFINITY, bb[2] = bb[3] = -INFINITY;
    for (size_t i = 0; i < park_layer_count(el); i++) {
        const GEOSGeometry *g = park_layer_get(el, i)->geom;
        double x0, y0, x1, y1;
        if (!g || GEOSisEmpty_r(ctx->geos, g)) continue;
        if (!GEOSGeom_getXMin_r(ctx->geos, g, &x0) || !GEOSGeom_getYMin_r(ctx->geos, g, &y0) ||
            !GEOSGeom_getXMax_r(ctx->geos, g, &x1) || !GEOSGeom_getYMax_r(ctx->geos, g, &y1))
            continue;
        bb[0] = fmin(bb[0], x0), bb[1] = fmin(bb[1], y0), bb[2] = fmax(bb[2], x1), bb[3] = fmax(bb[3], y1);
    }
    if (!(bb[2] > bb[0] && bb[3] > bb[1])) return false;
    double mx = (bb[2] - bb[0]) * 0.15, my = (bb[3] - bb[1]) * 0.15;
    bb[0] -= mx, bb[1] -= my, bb[2] += mx, bb[3] += my;
    return true;
}

static const char *geom_name(park_ctx *ctx, const park_layer *l, const char **wkb) {
    int t = park_layer_count(l) ? GEOSGeomTypeId_r(ctx->geos, park_layer_get(l, 0)->geom) : GEOS_POLYGON;
    if (t == GEOS_LINESTRING || t == GEOS_MULTILINESTRING) return *wkb = "MultiLineString", "Line";
    if (t == GEOS_POINT) return *wkb = "Point", "Point";
    if (t == GEOS_MULTIPOINT) return *wkb = "MultiPoint", "Point";
    return *wkb = "MultiPolygon", "Polygon";
}

/* The legend's line for each element: the computed area with its uncertainty
 * and the plan's figure, so the map never shows a derived area alone. */
static void legend_note(park_ctx *ctx, park_buf *b, const park_layer *el) {
    for (size_t i = 0; i < park_layer_count(el); i++) {
        const park_parcel *p = park_layer_get(el, i);
        double m2 = 0;
        if (park_area_geodesic(ctx, p->geom, &m2)) {
            park_ctx_clear_error(ctx);
            continue;
        }
        park_buf_printf(b, "%s%s：计算 %.2f km²", i ? "\n" : "", p->name, m2 / 1e6);
        if (p->has_error_m) park_buf_printf(b, "（边界误差约 %.0f m）", p->error_m);
        else park_buf_append(b, "（误差未核实）");
        if (isfinite(p->official_km2)) park_buf_printf(b, "，规划 %.2f km²", p->official_km2);
        else park_buf_append(b, "，规划面积无");
    }
}

static char *project_xml(park_ctx *ctx, const park_layout *lo, const park_layout_layer *ls, size_t n, const char *gpkg_name,
                         const double bb[4]) {
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    park_buf_append(&b, "<qgis projectname=\"");
    exp_xml_escape(&b, park_layout_name(lo), false);
    park_buf_append(&b, "\" version=\"3.22.16-Białowieża\">\n  <!-- written by parkgis " PARKGIS_VERSION " -->\n  <title>");
    exp_xml_escape(&b, park_layout_name(lo), false);
    park_buf_append(&b, "</title>\n  <projectCrs>");
    srs_xml(ctx, &b, PROJECT_CRS);
    park_buf_append(&b, "</projectCrs>\n");
    /* the layer tree: companions over elements over the basemap */
    park_buf_append(&b, "  <layer-tree-group>\n");
    for (size_t k = n; k-- > 0;) {
        park_buf_printf(&b, "    <layer-tree-layer id=\"%s_parkgis\" name=\"", ls[k].name);
        exp_xml_escape(&b, ls[k].title, false);
        park_buf_printf(&b, "\" checked=\"Qt::Checked\" expanded=\"1\" providerKey=\"ogr\" source=\"./%s|layername=%s\"/>\n", gpkg_name,
                        ls[k].name);
    }
    park_buf_append(&b, "  </layer-tree-group>\n  <projectlayers>\n");
    for (size_t k = 0; k < n; k++) {
        const char *wkb, *gt = geom_name(ctx, ls[k].layer, &wkb);
        park_buf_printf(&b, "    <maplayer type=\"vector\" geometry=\"%s\" wkbType=\"%s\" autoRefreshEnabled=\"0\" styleCategories=\"AllStyleCategories\">\n", gt, wkb);
        park_buf_printf(&b, "      <id>%s_parkgis</id>\n      <datasource>./%s|layername=%s</datasource>\n      <layername>", ls[k].name,
                        gpkg_name, ls[k].name);
        exp_xml_escape(&b, ls[k].title, false);
        park_buf_append(&b, "</layername>\n      <srs>");
        srs_xml(ctx, &b, "EPSG:4490");
        park_buf_append(&b, "</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>\n");
        char *qml = park_export_qml(ctx, &ls[k]);
        qml_body(&b, qml);
        free(qml);
        park_buf_append(&b, "    </maplayer>\n");
    }
    park_buf_append(&b, "  </projectlayers>\n");
    park_buf_append(&b, "  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n"
                        "    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n  </properties>\n");

    /* map extent in the project CRS, widened to the map frame's aspect */
    double x[4] = {bb[0], bb[2], bb[0], bb[2]}, y[4] = {bb[1], bb[1], bb[3], bb[3]};
    double ex0 = INFINITY, ey0 = INFINITY, ex1 = -INFINITY, ey1 = -INFINITY;
    for (int i = 0; i < 4; i++) {
        if (park_transform_xy(ctx, "EPSG:4490", PROJECT_CRS, &x[i], &y[i])) continue;
        ex0 = fmin(ex0, x[i]), ey0 = fmin(ey0, y[i]), ex1 = fmax(ex1, x[i]), ey1 = fmax(ey1, y[i]);
    }
    const double mw = 170, mh = 150; /* map frame, mm, on an A4 landscape page */
    double w = ex1 - ex0, h = ey1 - ey0, cx = (ex0 + ex1) / 2, cy = (ey0 + ey1) / 2;
    if (w / h < mw / mh) w = h * mw / mh;
    else h = w * mh / mw;
    ex0 = cx - w / 2, ex1 = cx + w / 2, ey0 = cy - h / 2, ey1 = cy + h / 2;
    /* a scale-bar segment of a round length near a fifth of the map width */
    double seg = pow(10, floor(log10(w / 5)));
    if (w / 5 / seg >= 5) seg *= 5;
    else if (w / 5 / seg >= 2) seg *= 2;

    const char *map_uuid = "{7a1c0f5e-0000-4000-8000-000000000001}";
    park_buf_append(&b, "  <Layouts>\n    <Layout name=\"");
    exp_xml_escape(&b, park_layout_name(lo), false);
    park_buf_append(&b, "\" units=\"mm\" printResolution=\"150\" worldFileMap=\"\">\n"
                        "      <PageCollection>\n"
                        "        <LayoutItem type=\"65638\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000000}\" position=\"0,0,mm\" positionOnPage=\"0,0,mm\" size=\"297,210,mm\" frame=\"false\" background=\"true\" visibility=\"1\" zValue=\"0\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\"/>\n"
                        "      </PageCollection>\n");
    park_buf_printf(&b,
                    "      <LayoutItem type=\"65639\" uuid=\"%s\" id=\"地图\" position=\"5,17,mm\" positionOnPage=\"5,17,mm\" size=\"%g,%g,mm\" "
                    "frame=\"true\" background=\"true\" visibility=\"1\" zValue=\"1\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                    "keepLayerSet=\"false\" drawCanvasItems=\"true\" mapRotation=\"0\" followPreset=\"false\" followPresetName=\"\" labelMargin=\"0,mm\">\n"
                    "        <Extent xmin=\"%.3f\" ymin=\"%.3f\" xmax=\"%.3f\" ymax=\"%.3f\"/>\n        <crs>",
                    map_uuid, mw, mh, ex0, ey0, ex1, ey1);
    srs_xml(ctx, &b, PROJECT_CRS);
    park_buf_append(&b, "</crs>\n        <LayerSet/>\n      </LayoutItem>\n");
    /* title */
    park_buf_append(&b, "      <LayoutItem type=\"65641\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000002}\" id=\"标题\" position=\"5,2,mm\" positionOnPage=\"5,2,mm\" size=\"287,13,mm\" "
                        "frame=\"false\" background=\"false\" visibility=\"1\" zValue=\"2\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                        "htmlState=\"0\" marginX=\"1\" marginY=\"1\" halign=\"1\" valign=\"32\" labelText=\"");
    exp_xml_escape(&b, park_layout_name(lo), false);
    park_buf_append(&b, "\">\n        <text-style fontFamily=\"Noto Sans CJK SC\" fontSize=\"18\" fontSizeUnit=\"Point\" fontWeight=\"75\" textColor=\"20,20,20,255\" textOpacity=\"1\"/>\n"
                        "        <LabelFont description=\"Noto Sans CJK SC,18,-1,5,75,0,0,0,0,0\" style=\"\"/>\n"
                        "      </LayoutItem>\n");
    /* legend (auto-updating: every layer of the project) */
    park_buf_printf(&b, "      <LayoutItem type=\"65642\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000003}\" id=\"图例\" position=\"180,17,mm\" positionOnPage=\"180,17,mm\" size=\"112,120,mm\" "
                        "frame=\"true\" background=\"true\" visibility=\"1\" zValue=\"3\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                        "title=\"图例\" map_uuid=\"%s\" resizeToContents=\"1\" columnCount=\"1\" symbolWidth=\"7\" symbolHeight=\"4\" wmsLegendWidth=\"50\" wmsLegendHeight=\"25\" "
                        "wrapChar=\"\" legendFilterByMap=\"0\"/>\n",
                    map_uuid);
    /* what the areas are: computed ± error beside the plan's figure */
    park_buf_append(&b, "      <LayoutItem type=\"65641\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000006}\" id=\"面积\" position=\"5,169,mm\" positionOnPage=\"5,169,mm\" size=\"170,38,mm\" "
                        "frame=\"false\" background=\"false\" visibility=\"1\" zValue=\"6\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                        "htmlState=\"0\" marginX=\"1\" marginY=\"1\" halign=\"1\" valign=\"32\" labelText=\"");
    park_buf lg;
    park_buf_init(&lg);
    for (size_t k = 0; k < n; k++)
        if (ls[k].is_primary) legend_note(ctx, &lg, ls[k].layer);
    exp_xml_escape(&b, lg.s ? lg.s : "", false);
    park_buf_free(&lg);
    park_buf_append(&b, "\">\n        <text-style fontFamily=\"Noto Sans CJK SC\" fontSize=\"7\" fontSizeUnit=\"Point\" textColor=\"20,20,20,255\" textOpacity=\"1\"/>\n"
                        "        <LabelFont description=\"Noto Sans CJK SC,7,-1,5,50,0,0,0,0,0\" style=\"\"/>\n"
                        "      </LayoutItem>\n");
    /* scale bar */
    park_buf_printf(&b, "      <LayoutItem type=\"65646\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000004}\" id=\"比例尺\" position=\"8,152,mm\" positionOnPage=\"8,152,mm\" size=\"70,12,mm\" "
                        "frame=\"false\" background=\"true\" visibility=\"1\" zValue=\"4\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                        "mapUuid=\"%s\" style=\"Single Box\" unitType=\"meters\" unitLabel=\"m\" mapUnitsPerScaleBarUnit=\"1\" numSegments=\"2\" numSegmentsLeft=\"0\" "
                        "numUnitsPerSegment=\"%g\" segmentSizeMode=\"0\" minBarWidth=\"50\" maxBarWidth=\"150\" height=\"3\" labelBarSpace=\"3\" boxContentSpace=\"1\" "
                        "alignment=\"0\" lineWidth=\"0.3\"/>\n",
                    map_uuid, seg);
    /* north: EPSG:4549's grid north is within a degree of true north here */
    park_buf_append(&b, "      <LayoutItem type=\"65641\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000007}\" id=\"指北\" position=\"160,19,mm\" positionOnPage=\"160,19,mm\" size=\"12,14,mm\" "
                        "frame=\"false\" background=\"false\" visibility=\"1\" zValue=\"7\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                        "htmlState=\"0\" marginX=\"0\" marginY=\"0\" halign=\"4\" valign=\"32\" labelText=\"▲&#10;N\">\n"
                        "        <text-style fontFamily=\"Noto Sans CJK SC\" fontSize=\"12\" fontSizeUnit=\"Point\" fontWeight=\"75\" textColor=\"20,20,20,255\" textOpacity=\"1\"/>\n"
                        "        <LabelFont description=\"Noto Sans CJK SC,12,-1,5,75,0,0,0,0,0\" style=\"\"/>\n"
                        "      </LayoutItem>\n");
    /* the notice: what the boundaries are, and the sources */
    park_buf_append(&b, "      <LayoutItem type=\"65641\" uuid=\"{7a1c0f5e-0000-4000-8000-000000000005}\" id=\"说明\" position=\"180,180,mm\" positionOnPage=\"180,180,mm\" size=\"112,27,mm\" "
                        "frame=\"false\" background=\"false\" visibility=\"1\" zValue=\"5\" itemRotation=\"0\" opacity=\"1\" referencePoint=\"0\" "
                        "htmlState=\"0\" marginX=\"1\" marginY=\"1\" halign=\"1\" valign=\"32\" labelText=\"");
    exp_xml_escape(&b, NOTICE, false);
    park_buf_append(&b, "&#10;底图：© OpenStreetMap contributors (ODbL)；坐标系 CGCS2000 / 3-degree Gauss-Kruger CM 120E (EPSG:4549)；parkgis " PARKGIS_VERSION "\">\n"
                        "        <text-style fontFamily=\"Noto Sans CJK SC\" fontSize=\"8\" fontSizeUnit=\"Point\" textColor=\"60,60,60,255\" textOpacity=\"1\"/>\n"
                        "        <LabelFont description=\"Noto Sans CJK SC,8,-1,5,50,0,0,0,0,0\" style=\"\"/>\n"
                        "      </LayoutItem>\n"
                        "    </Layout>\n  </Layouts>\n</qgis>\n");
    return park_buf_take(&b);
}

static bool has_ext(const char *s, const char *ext) {
    size_t a = strlen(s), e = strlen(ext);
    return a > e && park_streq_ci(s + a - e, ext);
}

park_status park_export_qgis_project(park_ctx *ctx, const park_layout *lo, const char *project, const park_export_opts *o,
                                     park_export_report **report) {
    if (report) *report = NULL;
    bool qgz = has_ext(project, ".qgz");
    if (!qgz && !has_ext(project, ".qgs"))
        return park_error(ctx, PARK_ERR_USAGE, "--qgis-project %s: expected a file name ending in .qgz or .qgs", project);
    park_export_opts def;
    if (!o) park_export_opts_default(&def), o = &def;
    struct stat sb;
    if (!o->overwrite && stat(project, &sb) == 0)
        return park_error(ctx, PARK_ERR_OUTPUT, "%s: already exists (use --overwrite to replace it)", project);
    size_t pl = strlen(project);
    char *gpkg = park_asprintf("%.*s.gpkg", (int)(pl - 4), project);
    const char *slash = strrchr(gpkg, '/');
    const char *gpkg_name = slash ? slash + 1 : gpkg;

    size_t n = park_layout_layer_count(lo);
    park_layout_layer *ls = calloc(n + 1, sizeof *ls);
    park_layer *base = NULL;
    park_buf notes;
    park_buf_init(&notes);
    park_status st = ls ? PARK_OK : park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    size_t nl = 0;
    if (!st) {
        /* the basemap goes first, so it is drawn under everything */
        double bb[4];
        if (layout_box(ctx, park_layout_elements(lo), bb)) st = basemap_layer(ctx, bb, &base, &notes);
        if (base) ls[nl++] = (park_layout_layer){"osm_arterials", "OSM 干道（© OpenStreetMap contributors）", base, 0, NULL};
        for (size_t i = 0; i < n; i++) ls[nl++] = park_layout_layer_get(lo, i);
    }
    park_export_opts go = *o;
    go.format = PARK_EXPORT_GPKG;
    park_export_report *rep = NULL;
    if (!st) st = park_export_layers(ctx, park_layout_id(lo), park_layout_name(lo), ls, nl, gpkg, &go, &rep);
    char *xml = NULL;
    if (!st) {
        double bb[4] = {0, 0, 1, 1};
        layout_box(ctx, park_layout_elements(lo), bb);
        xml = project_xml(ctx, lo, ls, nl, gpkg_name, bb);
    }
    if (!st) {
        /* written beside the target and renamed into place */
        char *tmp = park_asprintf("%s.tmp.%ld%s", project, (long)getpid(), qgz ? ".qgz" : ".qgs");
        if (qgz) {
            CPLErrorReset();
            void *z = CPLCreateZip(tmp, NULL);
            const char *pslash = strrchr(project, '/');
            char *inner = park_asprintf("%.*s.qgs", (int)(strlen(pslash ? pslash + 1 : project) - 4), pslash ? pslash + 1 : project);
            bool ok = z && CPLCreateFileInZip(z, inner, NULL) == CE_None && CPLWriteFileInZip(z, xml, (int)strlen(xml)) == CE_None &&
                      CPLCloseFileInZip(z) == CE_None;
            if (z && CPLCloseZip(z) != CE_None) ok = false;
            if (!ok) st = park_error(ctx, PARK_ERR_OUTPUT, "%s: Failure writing the project archive: %s", project, CPLGetLastErrorMsg());
            free(inner);
        } else {
            st = exp_write_text(ctx, tmp, xml);
        }
        if (!st) st = park_rename_into_place(ctx, tmp, project);
        if (st) unlink(tmp);
        free(tmp);
    }
    if (!st && rep) {
        park_buf_printf(&notes, "%s", rep->notes);
        free(rep->notes);
        rep->notes = park_buf_take(&notes);
        char *d = rep->dest;
        rep->dest = park_strdup(project);
        free(d);
        if (report) *report = rep, rep = NULL;
    }
    park_export_report_free(rep);
    park_buf_free(&notes);
    free(xml), free(ls), free(gpkg);
    park_layer_free(base);
    return st;
}
