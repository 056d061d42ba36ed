/* cmd_export.c - `parkgis export`: a layout's layers to Shapefile, GeoPackage,
 * GeoJSON, KML or PostGIS, styled for QGIS (see parkgis_export.h for what each
 * format holds). Prints what was written; the global --format picks table, json
 * or csv for that summary (the file format is -f/--driver). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

static void help(void) {
    puts("usage: parkgis [--data PARCELS] export --layout NAME [-f DRIVER] -o DEST\n"
         "                [--t_srs EPSG:N] [--encoding UTF-8|CP936] [--overwrite]\n"
         "  --layout NAME   parcels, sanyuan-sanxian-liangqu (三园三线两区), yihe-liangji-sandai\n"
         "                  (一核两极三带), or any layout in the data directory (Chinese aliases accepted)\n"
         "  -f, --driver    file format: shp | gpkg | geojson | kml | pg (default from the -o name:\n"
         "                  .gpkg, .kml, .geojson); --format is what parkgis prints (table|json|csv)\n"
         "  -o, --output    a directory (shp, geojson; also gpkg and kml), a file ending in .gpkg,\n"
         "                  .kml or (one-layer layouts) .geojson, or for pg a PostgreSQL connection\n"
         "                  \"PG:dbname=... host=...\" / \"postgresql://...\"\n"
         "  --t_srs CRS     target CRS (default EPSG:4490, CGCS2000 lon/lat). GeoJSON in a projected CRS\n"
         "                  is GeoJSON 2008 with a \"crs\" member (not RFC 7946); KML is always WGS84.\n"
         "  --encoding ENC  Shapefile DBF code page: UTF-8 (default) or CP936 (GBK, for older ArcGIS)\n"
         "  --qgis-project P.qgz|P.qgs  a QGIS project instead of -f/-o: P.gpkg beside it holds the\n"
         "                  layout's layers and an OSM basemap (osm_arterials); the project opens them\n"
         "                  styled, with a print layout (legend, areas ± error beside the plan's figures,\n"
         "                  scale bar, the notice 示意，非测绘成果)\n"
         "  --overwrite     replace an existing output (a directory only if it holds export files only)\n"
         "  Attributes: id, name, group, official_km2 (plan), area_km2 (geodesic, CGCS2000 ellipsoid),\n"
         "  error_m (the boundary's stated positional error, m), src_share (share of its length on\n"
         "  OSM/anchored features), layout (the parcel layer: its layout element ids), provenance.\n"
         "  Shapefile names: id, name, group, official, area_km2, error_m, src_share, layout, provenanc\n"
         "  (254 bytes; whole in <layer>.provenance.csv, which parkgis reads back).\n"
         "  Every file-based output is written to DEST.tmp.<pid> and renamed into place at the end.\n"
         "  Exit codes: 2 bad option/CRS/format, 3 bad input, 4 cannot write or DEST exists, 5 unknown layout.");
}

int cmd_export(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"layout", required_argument, 0, 'l'},   {"driver", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},   {"t_srs", required_argument, 0, 't'},
                                         {"t-srs", required_argument, 0, 't'},    {"encoding", required_argument, 0, 'e'},
                                         {"overwrite", no_argument, 0, 'w'},      {"help", no_argument, 0, 'h'},
                                         {"qgis-project", required_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    park_export_opts eo;
    park_export_opts_default(&eo);
    const char *layout = NULL, *fmt = NULL, *dest = NULL, *qgis = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:f:o:t:e:whq:", opts, NULL)) != -1) {
        switch (c) {
        case 'l': layout = optarg; break;
        case 'f': fmt = optarg; break;
        case 'o': dest = optarg; break;
        case 't': eo.t_srs = optarg; break;
        case 'e': eo.encoding = optarg; break;
        case 'w': eo.overwrite = 1; break;
        case 'q': qgis = optarg; break;
        case 'h': help(); return 0;
        default: return cli_usage_error(cli, "export", "bad option");
        }
    }
    if (optind < argc) return cli_usage_error(cli, "export", "unexpected argument '%s'", argv[optind]);
    if (!layout) return cli_usage_error(cli, "export", "--layout NAME is required");
    if (qgis && (fmt || dest))
        return cli_usage_error(cli, "export", "--qgis-project writes its own GeoPackage beside the project; give no -f or -o with it");
    if (qgis) fmt = "gpkg", dest = qgis;
    if (!fmt && dest) {
        /* the file name says it: x.gpkg, x.kml, x.geojson */
        size_t dl = strlen(dest);
        if (dl > 5 && park_streq_ci(dest + dl - 5, ".gpkg")) fmt = "gpkg";
        else if (dl > 4 && park_streq_ci(dest + dl - 4, ".kml")) fmt = "kml";
        else if (dl > 8 && park_streq_ci(dest + dl - 8, ".geojson")) fmt = "geojson";
    }
    if (!fmt) return cli_usage_error(cli, "export", "-f/--driver FORMAT is required (shp, gpkg, geojson, kml or pg) unless -o ends in .gpkg, .kml or .geojson");
    if (!dest) return cli_usage_error(cli, "export", "-o DEST is required");
    park_status st = park_export_format_parse(cli->ctx, fmt, &eo.format);
    if (st) return cli_usage_error(cli, "export", "%s", park_ctx_errmsg(cli->ctx));

    int rc = cli_refuse_input_as_output(cli, "export", dest, cli->data ? cli->data : park_default_parcels_path(), "parcel layer (--data)");
    if (rc) return rc;
    park_layer *parcels = cli_layer(cli, &st);
    if (!parcels) return cli_fail(cli, "export", st);
    if ((st = park_layer_check_valid(cli->ctx, parcels))) return cli_fail(cli, "export", st);
    park_layout *lo = NULL;
    if ((st = park_layout_build(cli->ctx, layout, parcels, &lo))) return cli_fail(cli, "export", st);
    if ((rc = cli_refuse_input_as_output(cli, "export", dest, park_layout_path(lo), "layout definition"))) {
        park_layout_free(lo);
        return rc;
    }
    park_export_report *rep = NULL;
    st = qgis ? park_export_qgis_project(cli->ctx, lo, qgis, &eo, &rep) : park_export_layout(cli->ctx, lo, dest, &eo, &rep);
    if (st) {
        park_layout_free(lo);
        return cli_fail(cli, "export", st);
    }
    if (*rep->notes) {
        /* one "warning:" per line */
        const char *p = rep->notes;
        while (*p) {
            const char *e = strchr(p, '\n');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            fprintf(stderr, "%s export: note: %.*s\n", cli->prog, (int)len, p);
            p += len + (e ? 1 : 0);
        }
    }
    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "layout"), park_json_str(&j, park_layout_id(lo));
        park_json_key(&j, "title"), park_json_str(&j, park_layout_name(lo));
        park_json_key(&j, "format"), park_json_str(&j, park_export_format_name(eo.format));
        park_json_key(&j, "dest"), park_json_str(&j, rep->dest);
        park_json_key(&j, "crs"), park_json_str(&j, rep->crs);
        park_json_key(&j, "layers");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < rep->n; i++) {
            park_json_begin_obj(&j);
            park_json_key(&j, "layer"), park_json_str(&j, rep->items[i].layer);
            park_json_key(&j, "title"), park_json_str(&j, rep->items[i].title);
            park_json_key(&j, "geometry"), park_json_str(&j, rep->items[i].geometry);
            park_json_key(&j, "features"), park_json_int(&j, (long)rep->items[i].features);
            park_json_key(&j, "file"), park_json_str(&j, rep->items[i].file);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
    } else {
        const char *cols[] = {"layer", "title", "geometry", "features", "crs", "file"};
        park_table *t = park_table_new(6, cols);
        park_table_numeric(t, 3);
        for (size_t i = 0; i < rep->n; i++) {
            char nf[32];
            snprintf(nf, sizeof nf, "%zu", rep->items[i].features);
            const char *row[] = {rep->items[i].layer, rep->items[i].title, rep->items[i].geometry, nf, rep->crs, rep->items[i].file};
            park_table_add(t, row);
        }
        if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
        else park_table_print_text(t, stdout);
        park_table_free(t);
    }
    park_export_report_free(rep);
    park_layout_free(lo);
    return 0;
}
