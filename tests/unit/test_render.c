/* test_render.c - `parkgis render` (src/export/render*.c): the picture is read
 * back and measured, not eyeballed. Two 1 km squares side by side, one with a
 * 500 m x 500 m hole, are drawn; the pixels in each element's colour must come in
 * the ratio of their areas (0.75: holes are left empty, both are projected
 * alike), the PNG has the asked width, the SVG is SVG, and outputs are atomic:
 * nothing is replaced without overwrite, nothing is left behind on failure. */
#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

/* A square of side `side` metres with its lower-left corner at (x, y) in
 * EPSG:4549, optionally with a centred square hole, back in lon/lat. */
static GEOSGeometry *square(park_ctx *ctx, double x, double y, double side, double hole) {
    char wkt[1024];
    int n = snprintf(wkt, sizeof wkt, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)", x, y, x + side, y,
                     x + side, y + side, x, y + side, x, y);
    if (hole > 0) {
        double a = x + (side - hole) / 2, b = y + (side - hole) / 2;
        n += snprintf(wkt + n, sizeof wkt - n, ",(%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f)", a, b, a, b + hole,
                      a + hole, b + hole, a + hole, b, a, b);
    }
    snprintf(wkt + n, sizeof wkt - n, ")");
    GEOSGeometry *g = park_geom_from_wkt(ctx, wkt), *ll = NULL;
    park_transform(ctx, g, "EPSG:4549", "EPSG:4490", &ll);
    GEOSGeom_destroy_r(park_ctx_geos(ctx), g);
    return ll;
}

static park_layer *elements(park_ctx *ctx) {
    double x = 121.40, y = 31.35;
    park_transform_xy(ctx, "EPSG:4490", "EPSG:4549", &x, &y);
    park_layer *l = park_layer_new(ctx);
    park_parcel p = {0};
    p.id = "holed", p.name = "有洞的园区", p.layout = "三园", p.provenance = "test", p.four_to = "";
    p.official_km2 = NAN;
    p.geom = square(ctx, x, y, 1000, 500);
    park_layer_add(ctx, l, &p);
    p.id = "solid", p.name = "实心产业基地", p.layout = "三线";
    p.geom = square(ctx, x + 1600, y, 1000, 0);
    park_layer_add(ctx, l, &p);
    return l;
}

static park_layer *metro(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    park_parcel p = {0};
    p.id = "metro-1", p.name = "上海地铁1号线", p.layout = "", p.provenance = "test", p.four_to = "";
    p.official_km2 = NAN;
    p.geom = park_geom_from_wkt(ctx, "LINESTRING(121.395 31.345,121.43 31.365)");
    park_layer_add(ctx, l, &p);
    return l;
}

static park_layer *stations(park_ctx *ctx) {
    park_layer *l = park_layer_new(ctx);
    park_parcel p = {0};
    p.id = "s1", p.name = "测试站", p.layout = "", p.provenance = "test", p.four_to = "";
    p.official_km2 = NAN;
    p.geom = park_geom_from_wkt(ctx, "POINT(121.412 31.352)");
    park_layer_add(ctx, l, &p);
    return l;
}

/* Pixels within `tol` per channel of the element fill (colour at alpha 0.72
 * over the map background, as render.c paints without a basemap). */
static long count_fill(cairo_surface_t *s, const unsigned char rgb[3], int tol) {
    static const double bg[3] = {0.975, 0.978, 0.985};
    double want[3];
    for (int i = 0; i < 3; i++) want[i] = rgb[i] * 0.72 + bg[i] * 255 * 0.28;
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    long n = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px = *(const uint32_t *)(d + y * stride + 4 * x);
            int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
            if (abs(r - (int)want[0]) <= tol && abs(g - (int)want[1]) <= tol && abs(b - (int)want[2]) <= tol) n++;
        }
    return n;
}

static int dir_entries(const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    return n;
}

static void test_colours(void) {
    unsigned char rgb[3];
    char hex[8];
    park_metro_color("上海地铁7号线", rgb, hex);
    CHECK_STR(hex, "#ed6f00");
    park_metro_color("3/4号线", NULL, hex); /* shared section: line 3's yellow */
    CHECK_STR(hex, "#fcd600");
    park_metro_color("磁浮", NULL, hex);
    CHECK_STR(hex, "#808080");
    park_style_color(0, rgb, hex);
    CHECK_STR(hex, "#4e79a7");
    char h1[8], h2[8];
    park_style_color(1, NULL, h1), park_style_color(13, NULL, h2); /* the palette repeats after 12 */
    CHECK_STR(h1, h2);
}

static void test_render(park_ctx *ctx, const char *dir) {
    park_layer *el = elements(ctx), *ml = metro(ctx), *sl = stations(ctx);
    park_layout_layer layers[] = {
        {"elements", "测试布局", el, 1, NULL},
        {"metro_lines", "地铁线路", ml, 0, NULL},
        {"metro_stations", "地铁站", sl, 0, NULL},
    };
    park_render_opts o;
    park_render_opts_default(&o);
    o.width_px = 1200;
    char png[512], svg[512], bad[512];
    snprintf(png, sizeof png, "%s/map.png", dir);
    snprintf(svg, sizeof svg, "%s/map.svg", dir);

    CHECK_STATUS(park_render_layers(ctx, "测试 test", layers, 3, png, &o), PARK_OK);
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
        CHECK(cairo_image_surface_get_width(s) == 1200);
        unsigned char c0[3], c1[3];
        park_style_color(0, c0, NULL), park_style_color(1, c1, NULL);
        long n0 = count_fill(s, c0, 6), n1 = count_fill(s, c1, 6);
        printf("fill pixels: holed %ld, solid %ld, ratio %.3f (areas: 0.75)\n", n0, n1, n1 ? (double)n0 / n1 : 0.0);
        CHECK(n1 > 5000);
        /* labels, outlines and the metro line take a few percent of each square */
        CHECK_NEAR(n1 ? (double)n0 / n1 : 0, 0.75, 0.06);
    }
    cairo_surface_destroy(s);

    CHECK_STATUS(park_render_layers(ctx, "测试 test", layers, 3, svg, &o), PARK_OK);
    FILE *f = fopen(svg, "rb");
    char head[256] = {0};
    if (f) fread(head, 1, sizeof head - 1, f), fclose(f);
    CHECK(strstr(head, "<svg") != NULL);

    /* existing output is kept without overwrite; replaced with it */
    struct stat before, after;
    stat(png, &before);
    CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, png, &o), PARK_ERR_OUTPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "already exists") != NULL);
    stat(png, &after);
    CHECK(before.st_ino == after.st_ino && before.st_size == after.st_size);
    o.overwrite = 1;
    CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, png, &o), PARK_OK);

    /* usage errors: extension, geographic CRS, width */
    snprintf(bad, sizeof bad, "%s/map.jpg", dir);
    CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, bad, &o), PARK_ERR_USAGE);
    o.crs = "EPSG:4326";
    snprintf(bad, sizeof bad, "%s/geo.png", dir);
    CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, bad, &o), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "not a projected CRS") != NULL);
    o.crs = NULL, o.width_px = 50;
    CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, bad, &o), PARK_ERR_USAGE);
    o.width_px = 1200;

    /* a basemap that is not there: input error naming the file, nothing written */
    o.basemap = 1, o.basemap_dir = "/nonexistent-parkgis-basemap";
    snprintf(bad, sizeof bad, "%s/basemap.png", dir);
    CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, bad, &o), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "/nonexistent-parkgis-basemap/osm-shanghai-arterials.zip") != NULL);

    /* the real OSM basemap, when the source data beside the project is present */
    char zip[1024];
    snprintf(zip, sizeof zip, "%s/osm-shanghai-arterials.zip", park_shared_data_dir());
    if (access(zip, R_OK) == 0) {
        o.basemap_dir = NULL;
        CHECK_STATUS(park_render_layers(ctx, "x", layers, 3, bad, &o), PARK_OK);
    } else {
        printf("note: %s absent, basemap rendering not exercised\n", zip);
    }
    /* map.png, map.svg (+ basemap.png when drawn): no temporary files left */
    CHECK(dir_entries(dir) == (access(bad, F_OK) == 0 ? 3 : 2));

    /* a name that is not UTF-8 (a mis-declared DBF code page) still gives a picture */
    park_layer *odd = park_layer_new(ctx);
    park_parcel q = {0};
    q.id = "odd", q.name = "\xb1\xa6\xc9\xbd", q.layout = "", q.provenance = "", q.four_to = ""; /* 宝山 in GBK */
    q.official_km2 = NAN;
    q.geom = square(ctx, 395000, 3470000, 800, 0);
    park_layer_add(ctx, odd, &q);
    park_layout_layer ol[] = {{"odd", "\xff", odd, 1, NULL}};
    snprintf(bad, sizeof bad, "%s/odd.png", dir);
    o.basemap = 0;
    CHECK_STATUS(park_render_layers(ctx, "x", ol, 1, bad, &o), PARK_OK);
    unlink(bad);
    park_layer_free(odd);

    park_layer_free(el), park_layer_free(ml), park_layer_free(sl);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    char dir[] = "/tmp/parkgis-test-render.XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_colours();
    test_render(ctx, dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (getenv("PARKGIS_TEST_KEEP")) printf("kept %s\n", dir); /* to look at the pictures */
    else if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    park_ctx_free(ctx);
    return test_summary();
}
