/* cmd_area.c - `parkgis area`: official vs geodesic (CGCS2000 ellipsoid) vs
 * planar (named projected CRS) area per parcel, with totals. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

/* The plan's text says 30.63 km²; its table's ten rows add up to 30.62 km². Both
 * are shown: which one is "right" is the plan's business, not ours. */
#define STATED_TOTAL_KM2 30.63
/* JSON is for scripts: areas to the square metre (1e-6 km²), so that a check such as
 * PostGIS ST_Area within 0.01 % is not eaten by rounding on the smallest parcel
 * (0.22 km²); the table keeps 3 decimals for people. */
#define AREA_JSON_DECIMALS 6

int cmd_area(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"crs", required_argument, 0, 'c'}, {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *crs = "EPSG:4549";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:f:h", opts, NULL)) != -1) {
        if (c == 'c') crs = optarg;
        else if (c == 'f' && !cli_parse_format(optarg, &cli->format)) return cli_usage_error(cli, "area", "unknown --format '%s'", optarg);
        else if (c == 'h') {
            puts("usage: parkgis area [--crs EPSG:N] [--format table|json|csv]\n"
                 "  Per parcel: official km² (plan), geodesic km² on the CGCS2000 ellipsoid,\n"
                 "  planar km² in --crs (default EPSG:4549, CGCS2000 / 3-degree GK CM 120E),\n"
                 "  and the deviation of geodesic from official in %.");
            return 0;
        } else if (c == '?') return cli_usage_error(cli, "area", "bad option");
    }
    if (optind < argc) return cli_usage_error(cli, "area", "unexpected argument '%s'", argv[optind]);
    park_status st;
    park_layer *l = cli_layer(cli, &st);
    if (!l) return cli_fail(cli, "area", st);
    if ((st = park_layer_check_valid(cli->ctx, l))) return cli_fail(cli, "area", st);
    size_t n = park_layer_count(l);
    double *geo = calloc(n, sizeof *geo), *pla = calloc(n, sizeof *pla);
    double sum_off = 0, sum_geo = 0, sum_pla = 0;
    for (size_t i = 0; i < n; i++) {
        const park_parcel *p = park_layer_get(l, i);
        if ((st = park_area_geodesic(cli->ctx, p->geom, &geo[i])) || (st = park_area_planar(cli->ctx, p->geom, crs, &pla[i]))) {
            free(geo), free(pla);
            return cli_fail(cli, "area", st);
        }
        geo[i] /= 1e6, pla[i] /= 1e6;
        /* a sum with a row missing is not the table's sum: leave it blank */
        sum_off += isfinite(p->official_km2) ? p->official_km2 : NAN;
        sum_geo += geo[i], sum_pla += pla[i];
    }
    /* A CRS that is not equal-area distorts areas: Web Mercator inflates them
     * ~1.37x at Shanghai's latitude. Compared with the geodesic total, not
     * assumed from the CRS's name. */
    if (sum_geo > 0 && fabs(sum_pla / sum_geo - 1) > 0.01)
        fprintf(stderr,
                "parkgis area: warning: %s is not equal-area here: its planar areas are %.3fx the geodesic ones (%.2f against %.2f km²); "
                "use geodesic_km2, or a CRS true to scale here such as EPSG:4549\n",
                crs, sum_pla / sum_geo, sum_pla, sum_geo);
    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "parcels");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const park_parcel *p = park_layer_get(l, i);
            park_json_begin_obj(&j);
            park_json_key(&j, "id"), park_json_str(&j, p->id);
            park_json_key(&j, "name"), park_json_str(&j, p->name);
            park_json_key(&j, "official_km2"), park_json_num(&j, p->official_km2, 4);
            park_json_key(&j, "geodesic_km2"), park_json_num(&j, geo[i], AREA_JSON_DECIMALS);
            park_json_key(&j, "planar_km2"), park_json_num(&j, pla[i], AREA_JSON_DECIMALS);
            park_json_key(&j, "planar_crs"), park_json_str(&j, crs);
            park_json_key(&j, "deviation_pct"), park_json_num(&j, 100.0 * (geo[i] - p->official_km2) / p->official_km2, 2);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_key(&j, "total");
        park_json_begin_obj(&j);
        park_json_key(&j, "stated_km2"), park_json_num(&j, STATED_TOTAL_KM2, 2);
        park_json_key(&j, "table_sum_km2"), park_json_num(&j, sum_off, 4);
        park_json_key(&j, "geodesic_km2"), park_json_num(&j, sum_geo, AREA_JSON_DECIMALS);
        park_json_key(&j, "planar_km2"), park_json_num(&j, sum_pla, AREA_JSON_DECIMALS);
        park_json_key(&j, "deviation_pct"), park_json_num(&j, 100.0 * (sum_geo - STATED_TOTAL_KM2) / STATED_TOTAL_KM2, 2);
        park_json_end_obj(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
    } else {
        char hdr_pla[96];
        snprintf(hdr_pla, sizeof hdr_pla, "planar_km2(%s)", crs);
        const char *cols[] = {"id", "name", "official_km2", "geodesic_km2", hdr_pla, "deviation_pct"};
        park_table *t = park_table_new(6, cols);
        for (int k = 2; k < 6; k++) park_table_numeric(t, k);
        char a[32], b[32], d[32], e[32];
        for (size_t i = 0; i < n; i++) {
            const park_parcel *p = park_layer_get(l, i);
            park_fmt_num(a, sizeof a, p->official_km2, 2);
            park_fmt_num(b, sizeof b, geo[i], 3);
            park_fmt_num(d, sizeof d, pla[i], 3);
            park_fmt_num(e, sizeof e, 100.0 * (geo[i] - p->official_km2) / p->official_km2, 1);
            const char *row[] = {p->id, p->name, a, b, d, e};
            park_table_add(t, row);
        }
        park_fmt_num(a, sizeof a, sum_off, 2);
        park_fmt_num(b, sizeof b, sum_geo, 3);
        park_fmt_num(d, sizeof d, sum_pla, 3);
        park_fmt_num(e, sizeof e, 100.0 * (sum_geo - STATED_TOTAL_KM2) / STATED_TOTAL_KM2, 1);
        const char *tot1[] = {"TOTAL", "表内合计 (table sum)", a, b, d, ""};
        park_table_add(t, tot1);
        char s2[32];
        park_fmt_num(s2, sizeof s2, STATED_TOTAL_KM2, 2);
        const char *tot2[] = {"TOTAL", "规划总面积 (stated)", s2, b, d, e};
        park_table_add(t, tot2);
        if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
        else park_table_print_text(t, stdout);
        park_table_free(t);
    }
    free(geo), free(pla);
    return 0;
}
