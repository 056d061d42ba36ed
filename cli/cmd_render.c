/* cmd_render.c - `parkgis render`: draw a layout to PNG or SVG (issue 4), for
 * people who would rather look than read. The drawing is in the library
 * (src/export/render.c); this file only parses options. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

static void help(void) {
    puts("usage: parkgis render --layout ID -o MAP.png|MAP.svg [--width PX] [--basemap]\n"
         "                      [--basemap-dir DIR] [--crs EPSG:N] [--compare BASELINE] [--overwrite]\n"
         "  Draws the layout (id or Chinese name, e.g. parcels, sanyuan-sanxian-liangqu,\n"
         "  三园三线两区) with a legend of the Chinese element names and geodesic areas,\n"
         "  labels at interior points, a scale bar and a north arrow (true north), in a\n"
         "  projected CRS (default EPSG:4549, CGCS2000 / 3-degree Gauss-Kruger CM 120E).\n"
         "  The format follows the extension of -o. Written atomically; an existing file\n"
         "  is kept unless --overwrite.\n"
         "  --width PX       picture width in pixels (default 1600; 400..6000)\n"
         "  --basemap        draw the OSM arterials, metro lines and stations underneath,\n"
         "                   from ../shared/data (or $PARKGIS_SHARED_DATA, or --basemap-dir);\n"
         "                   the map then credits (c) OpenStreetMap contributors\n"
         "  --compare BASELINE  before/after map: the layout over BASELINE (a parcel layer) drawn as a\n"
         "                   dashed outline, what --data gained against it in green, lost in red\n"
         "  --colour-by error  draw the parcel boundaries coloured by the position error of the\n"
         "                   named feature each piece lies on (<=50 m, <=100 m, <=250 m, >250 m measured,\n"
         "                   or unverified), with a key; see parkgis provenance for the figures\n"
         "exit codes: 2 bad option, 3 unreadable layer or basemap file, 4 cannot write\n"
         "            (or exists without --overwrite), 5 unknown layout, 70 no CJK font");
}

int cmd_render(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"layout", required_argument, 0, 'l'},
                                         {"output", required_argument, 0, 'o'},
                                         {"width", required_argument, 0, 'w'},
                                         {"basemap", no_argument, 0, 'b'},
                                         {"basemap-dir", required_argument, 0, 'B'},
                                         {"crs", required_argument, 0, 'c'},
                                         {"overwrite", no_argument, 0, 'O'},
                                         {"compare", required_argument, 0, 'C'},
                                         {"colour-by", required_argument, 0, 'E'},
                                         {"color-by", required_argument, 0, 'E'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    park_render_opts o;
    park_render_opts_default(&o);
    const char *layout = NULL, *out = NULL, *compare = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:o:w:h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': layout = optarg; break;
        case 'o': out = optarg; break;
        case 'w': {
            double w;
            if (!cli_parse_double(optarg, &w) || w < 400 || w > 6000 || w != floor(w))
                return cli_usage_error(cli, "render", "--width '%s': expected a whole number of pixels, 400..6000", optarg);
            o.width_px = (int)w;
            break;
        }
        case 'b': o.basemap = 1; break;
        case 'B': o.basemap_dir = optarg, o.basemap = 1; break;
        case 'c': o.crs = optarg; break;
        case 'O': o.overwrite = 1; break;
        case 'C': compare = optarg; break;
        case 'E':
            if (strcmp(optarg, "error")) return cli_usage_error(cli, "render", "--colour-by '%s': expected 'error'", optarg);
            o.colour_by_error = 1;
            break;
        case 'h': help(); return 0;
        default: return cli_usage_error(cli, "render", "bad option");
        }
    }
    if (optind < argc) return cli_usage_error(cli, "render", "unexpected argument '%s'", argv[optind]);
    if (!layout) return cli_usage_error(cli, "render", "--layout ID is required");
    if (!out) return cli_usage_error(cli, "render", "-o MAP.png or -o MAP.svg is required");
    size_t len = strlen(out);
    if (len < 5 || (!park_streq_ci(out + len - 4, ".png") && !park_streq_ci(out + len - 4, ".svg")))
        return cli_usage_error(cli, "render", "-o '%s': expected a file name ending in .png or .svg", out);

    park_status st;
    int rc = out ? cli_refuse_input_as_output(cli, "render", out, cli->data ? cli->data : park_default_parcels_path(), "parcel layer (--data)") : 0;
    if (rc) return rc;
    park_layer *parcels = cli_layer(cli, &st);
    if (!parcels) return cli_fail(cli, "render", st);
    if ((st = park_layer_check_valid(cli->ctx, parcels))) return cli_fail(cli, "render", st);
    park_layout *lo = NULL;
    if ((st = park_layout_build(cli->ctx, layout, parcels, &lo))) return cli_fail(cli, "render", st);
    park_layer *base = NULL;
    park_layout *lo_b = NULL;
    if (compare) {
        /* the same layout over the baseline: element by element, before and after */
        if ((st = park_layer_read(cli->ctx, compare, NULL, NULL, &base)) ||
            (st = park_layout_build(cli->ctx, layout, base, &lo_b))) {
            park_layout_free(lo);
            park_layer_free(base);
            return cli_fail(cli, "render", st);
        }
        o.compare = park_layout_elements(lo_b);
        const char *sl = strrchr(compare, '/');
        o.compare_label = sl ? sl + 1 : compare;
    }
    st = park_render_layout(cli->ctx, lo, out, &o);
    park_layout_free(lo);
    park_layout_free(lo_b);
    park_layer_free(base);
    if (st) return cli_fail(cli, "render", st);
    fprintf(stderr, "parkgis render: wrote %s\n", out);
    return 0;
}
