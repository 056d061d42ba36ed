/* cmd_compile.c - `parkgis compile`: the 四至 texts + the gazetteer -> the parcel
 * layer (geodata/parcels.geojson by default), with a table of what came out and
 * the project's checks measured against it (never forced: see geodata/SOURCES.md). */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

#define STATED_TOTAL_KM2 30.63 /* the plan's text; its table adds up to 30.62 */
#define DECIMALS 7             /* 1e-7 degree: about 1 cm */

/* The thresholds issue 3 sets; measured and printed, and with --strict they decide the exit code. */
#define LIM_PARCEL_PCT 10.0
#define LIM_TOTAL_PCT 3.0
#define LIM_OVERLAP_PCT 0.1
#define LIM_REAL_SHARE 0.60

static int usage(void) {
    puts("usage: parkgis compile [--gazetteer DIR] [--fourto FILE] [-o OUT] [--overwrite] [--check]\n"
         "                       [--parsed FILE] [--strict] [--format table|json|csv]\n"
         "  Compiles the 四至 texts (--fourto, default <data>/fourto/parcels.tsv) with the\n"
         "  gazetteer (--gazetteer, default <data>/gazetteer) into the parcel layer, written\n"
         "  atomically to OUT (default: the bundled layer <data>/parcels.geojson; '-' for\n"
         "  standard output; an existing file needs --overwrite).\n"
         "  Prints per parcel: official and geodesic km², deviation, the shares of the\n"
         "  boundary on osm / anchored / approximate features, the error estimate, and\n"
         "  the checks: validity, pairwise overlap < 0.1%, each parcel within ±10% of its\n"
         "  official area, total within ±3% of 30.63 km², >= 60% of the boundary on\n"
         "  osm or anchored features.\n"
         "  --check    compile and compare with OUT byte for byte; write nothing;\n"
         "             exit 1 when they differ (the shipped layer is stale)\n"
         "  --parsed FILE  also write the parsed 四至 form (geodata/fourto/parsed.json)\n"
         "  --strict   exit 1 when any check above misses\n"
         "  Warnings (gaps bridged, features used in place of an edge, ...) go to stderr.\n"
         "  Exit: 0 ok, 1 --check differs or --strict check missed, 2 usage, 3 bad\n"
         "  input (malformed 四至, unknown feature), 4 cannot write, 70 internal.");
    return 0;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "");
    char tmp[65536];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) park_buf_appendn(&b, tmp, k);
    fclose(f);
    return park_buf_take(&b);
}

static park_status write_text(park_ctx *ctx, const char *path, const char *text, bool overwrite) {
    if (!strcmp(path, "-")) {
        fputs(text, stdout);
        return PARK_OK;
    }
    park_atomic a;
    park_status st = park_atomic_open(ctx, &a, path, overwrite);
    if (st) return st;
    fputs(text, a.f);
    return park_atomic_commit(ctx, &a);
}

/* First line where two texts differ (1-based), for the --check message. */
static int first_diff_line(const char *a, const char *b) {
    int line = 1;
    for (; *a && *a == *b; a++, b++)
        if (*a == '\n') line++;
    return line;
}

int cmd_compile(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"gazetteer", required_argument, 0, 'g'}, {"fourto", required_argument, 0, 't'},
                                         {"output", required_argument, 0, 'o'},    {"check", no_argument, 0, 'c'},
                                         {"overwrite", no_argument, 0, 'w'},       {"parsed", required_argument, 0, 'p'},
                                         {"strict", no_argument, 0, 's'},          {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},            {0, 0, 0, 0}};
    const char *gzdir = NULL, *fourto = NULL, *outp = NULL, *parsed = NULL;
    bool check = false, overwrite = false, strict = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "g:t:o:cwp:sf:h", opts, NULL)) != -1) {
        if (c == 'g') gzdir = optarg;
        else if (c == 't') fourto = optarg;
        else if (c == 'o') outp = optarg;
        else if (c == 'c') check = true;
        else if (c == 'w') overwrite = true;
        else if (c == 'p') parsed = optarg;
        else if (c == 's') strict = true;
        else if (c == 'f' && !cli_parse_format(optarg, &cli->format)) return cli_usage_error(cli, "compile", "unknown --format '%s'", optarg);
        else if (c == 'h') return usage();
        else if (c == '?') return cli_usage_error(cli, "compile", "bad option");
    }
    if (optind < argc) return cli_usage_error(cli, "compile", "unexpected argument '%s'", argv[optind]);
    if (!outp) outp = park_default_parcels_path();
    if (check && !strcmp(outp, "-")) return cli_usage_error(cli, "compile", "--check compares with a file; '-o -' makes no sense with it");

    /* neither output may replace an input (issue 12, item 7) */
    const char *ft_path = fourto ? fourto : park_default_fourto_path();
    const char *outs[] = {outp, parsed};
    for (int k = 0; k < 2; k++) {
        int rc;
        if (!outs[k]) continue;
        if ((rc = cli_refuse_input_as_output(cli, "compile", outs[k], ft_path, "四至 table (--fourto)"))) return rc;
        if (gzdir && (rc = cli_refuse_input_as_output(cli, "compile", outs[k], gzdir, "gazetteer directory (--gazetteer)"))) return rc;
    }
    if (parsed && strcmp(parsed, "-") && park_output_replaces(parsed, outp))
        return cli_usage_error(cli, "compile", "--parsed %s and -o %s are the same file", parsed, outp);

    park_ctx *ctx = cli->ctx;
    park_fourto_set *set = NULL;
    park_gazetteer *gz = NULL;
    park_layer *layer = NULL;
    park_compile_stats *stats = NULL;
    char *text = NULL;
    park_status st = park_fourto_read(ctx, fourto, &set);
    if (!st && parsed) {
        char *pj = park_fourto_set_json(set);
        st = write_text(ctx, parsed, pj, overwrite);
        free(pj);
    }
    if (!st) st = park_gazetteer_load(ctx, gzdir, &gz);
    if (!st) st = park_compile(ctx, set, gz, &layer, &stats);
    if (st) {
        int rc = cli_fail(cli, "compile", st);
        park_fourto_set_free(set);
        park_gazetteer_free(gz);
        return rc;
    }
    text = park_compile_geojson(ctx, layer, DECIMALS);
    size_t n = park_layer_count(layer);
    FILE *tf = strcmp(outp, "-") ? stdout : stderr; /* the table, out of the GeoJSON's way */

    for (size_t i = 0; i < n; i++) {
        const char *w = stats[i].warnings;
        while (w && *w) {
            const char *e = strchr(w, '\n');
            int len = e ? (int)(e - w) : (int)strlen(w);
            fprintf(stderr, "%s compile: warning: %.*s\n", cli->prog, len, w);
            w = e ? e + 1 : w + len;
        }
    }

    /* ---- the checks */
    GEOSContextHandle_t g = park_ctx_geos(ctx);
    int nvalid = 0, nwithin = 0;
    double sum_geo = 0, len_real = 0, len_all = 0, max_ov = 0;
    const char *ov_a = "", *ov_b = "";
    park_buf misses;
    park_buf_init(&misses);
    for (size_t i = 0; i < n; i++) {
        const park_parcel *p = park_layer_get(layer, i);
        nvalid += GEOSisValid_r(g, p->geom) == 1;
        double dev = 100 * (stats[i].area_km2 - p->official_km2) / p->official_km2;
        if (fabs(dev) <= LIM_PARCEL_PCT) nwithin++;
        else park_buf_printf(&misses, "%s%s %+.1f%%", misses.len ? ", " : "", p->id, dev);
        sum_geo += stats[i].area_km2;
        len_real += stats[i].len_m[0] + stats[i].len_m[1];
        len_all += stats[i].len_m[0] + stats[i].len_m[1] + stats[i].len_m[2];
        for (size_t k = 0; k < i; k++) {
            const park_parcel *q = park_layer_get(layer, k);
            if (!GEOSIntersects_r(g, p->geom, q->geom)) continue;
            GEOSGeometry *x = GEOSIntersection_r(g, p->geom, q->geom);
            double m2 = 0;
            if (x && park_area_geodesic(ctx, x, &m2) == PARK_OK) {
                double smaller = fmin(stats[i].area_km2, stats[k].area_km2) * 1e6;
                double pct = smaller > 0 ? 100 * m2 / smaller : 0;
                if (pct > max_ov) max_ov = pct, ov_a = q->id, ov_b = p->id;
            }
            if (x) GEOSGeom_destroy_r(g, x);
        }
    }
    double tot_dev = 100 * (sum_geo - STATED_TOTAL_KM2) / STATED_TOTAL_KM2;
    double share = len_all > 0 ? len_real / len_all : 0;
    bool ok_valid = nvalid == (int)n, ok_ov = max_ov < LIM_OVERLAP_PCT, ok_each = nwithin == (int)n,
         ok_total = fabs(tot_dev) <= LIM_TOTAL_PCT, ok_share = share >= LIM_REAL_SHARE;

    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "parcels");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < n; i++) {
            const park_parcel *p = park_layer_get(layer, i);
            const park_compile_stats *s = &stats[i];
            double L = s->len_m[0] + s->len_m[1] + s->len_m[2];
            park_json_begin_obj(&j);
            park_json_key(&j, "id"), park_json_str(&j, p->id);
            park_json_key(&j, "name"), park_json_str(&j, p->name);
            park_json_key(&j, "official_km2"), park_json_num(&j, p->official_km2, 2);
            park_json_key(&j, "geodesic_km2"), park_json_num(&j, s->area_km2, 4);
            park_json_key(&j, "deviation_pct"), park_json_num(&j, 100 * (s->area_km2 - p->official_km2) / p->official_km2, 2);
            park_json_key(&j, "osm_share"), park_json_num(&j, s->len_m[0] / L, 3);
            park_json_key(&j, "anchored_share"), park_json_num(&j, s->len_m[1] / L, 3);
            park_json_key(&j, "approximate_share"), park_json_num(&j, s->len_m[2] / L, 3);
            park_json_key(&j, "error_m"), park_json_num(&j, s->err_m, 0);
            park_json_key(&j, "error_area_pct"), park_json_num(&j, 100 * s->err_km2 / s->area_km2, 1);
            park_json_key(&j, "valid"), park_json_bool(&j, GEOSisValid_r(g, p->geom) == 1);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_key(&j, "checks");
        park_json_begin_obj(&j);
        park_json_key(&j, "valid"), park_json_int(&j, nvalid);
        park_json_key(&j, "max_overlap_pct"), park_json_num(&j, max_ov, 4);
        park_json_key(&j, "within_10pct"), park_json_int(&j, nwithin);
        park_json_key(&j, "total_km2"), park_json_num(&j, sum_geo, 3);
        park_json_key(&j, "total_deviation_pct"), park_json_num(&j, tot_dev, 2);
        park_json_key(&j, "osm_anchored_share"), park_json_num(&j, share, 3);
        park_json_key(&j, "all_pass"), park_json_bool(&j, ok_valid && ok_ov && ok_each && ok_total && ok_share);
        park_json_end_obj(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        fprintf(tf, "%s\n", s);
        free(s);
    } else {
        const char *cols[] = {"id", "name", "official_km2", "geodesic_km2", "deviation_pct", "osm_pct", "anchored_pct", "approx_pct", "error_m", "error_area_pct"};
        park_table *t = park_table_new(10, cols);
        for (int k = 2; k < 10; k++) park_table_numeric(t, k);
        char v[8][32];
        for (size_t i = 0; i < n; i++) {
            const park_parcel *p = park_layer_get(layer, i);
            const park_compile_stats *s = &stats[i];
            double L = s->len_m[0] + s->len_m[1] + s->len_m[2];
            park_fmt_num(v[0], 32, p->official_km2, 2);
            park_fmt_num(v[1], 32, s->area_km2, 3);
            park_fmt_num(v[2], 32, 100 * (s->area_km2 - p->official_km2) / p->official_km2, 1);
            for (int k = 0; k < 3; k++) park_fmt_num(v[3 + k], 32, 100 * s->len_m[k] / L, 0);
            park_fmt_num(v[6], 32, s->err_m, 0);
            park_fmt_num(v[7], 32, 100 * s->err_km2 / s->area_km2, 1);
            const char *row[] = {p->id, p->name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
            park_table_add(t, row);
        }
        park_fmt_num(v[0], 32, STATED_TOTAL_KM2, 2);
        park_fmt_num(v[1], 32, sum_geo, 3);
        park_fmt_num(v[2], 32, tot_dev, 1);
        park_fmt_num(v[3], 32, 100 * share, 0);
        const char *tot[] = {"TOTAL", "规划总面积 (stated)", v[0], v[1], v[2], "", "", "", "", ""};
        park_table_add(t, tot);
        if (cli->format == CLI_CSV) park_table_print_csv(t, tf);
        else park_table_print_text(t, tf);
        park_table_free(t);
        if (cli->format != CLI_CSV) {
            fprintf(tf, "checks (measured, never forced):\n");
            fprintf(tf, "  %-4s valid polygons: %d/%zu\n", ok_valid ? "ok" : "MISS", nvalid, n);
            fprintf(tf, "  %-4s max pairwise overlap: %.3f%% of the smaller parcel%s%s%s%s%s (limit %.1f%%)\n", ok_ov ? "ok" : "MISS", max_ov,
                    *ov_a ? " (" : "", ov_a, *ov_a ? " / " : "", *ov_a ? ov_b : "", *ov_a ? ")" : "", LIM_OVERLAP_PCT);
            fprintf(tf, "  %-4s parcels within ±%.0f%% of official: %d/%zu%s%s%s\n", ok_each ? "ok" : "MISS", LIM_PARCEL_PCT, nwithin, n,
                    misses.len ? " (misses: " : "", misses.len ? misses.s : "", misses.len ? ")" : "");
            fprintf(tf, "  %-4s total %.3f km² vs %.2f stated: %+.1f%% (limit ±%.0f%%)\n", ok_total ? "ok" : "MISS", sum_geo, STATED_TOTAL_KM2,
                    tot_dev, LIM_TOTAL_PCT);
            fprintf(tf, "  %-4s boundary on osm or anchored features: %.1f%% (limit >= %.0f%%)\n", ok_share ? "ok" : "MISS", 100 * share,
                    100 * LIM_REAL_SHARE);
        }
    }
    park_buf_free(&misses);
    int rc = 0;
    if (check) {
        char *old = slurp(outp);
        if (!old) {
            fprintf(stderr, "%s compile: --check: cannot read %s\n", cli->prog, outp);
            rc = park_status_exit_code(PARK_ERR_INPUT);
        } else if (strcmp(old, text) != 0) {
            fprintf(stderr, "%s compile: --check: %s differs from a fresh compile (first difference on line %d); regenerate with 'parkgis compile --overwrite'\n",
                    cli->prog, outp, first_diff_line(old, text));
            rc = 1;
        } else {
            fprintf(cli->format == CLI_TABLE ? tf : stderr, "check: %s equals a fresh compile\n", outp);
        }
        free(old);
    } else {
        st = write_text(ctx, outp, text, overwrite);
        if (st) rc = cli_fail(cli, "compile", st);
        else if (strcmp(outp, "-")) /* JSON/CSV on stdout stay machine-readable */
            fprintf(cli->format == CLI_TABLE ? tf : stderr, "wrote %s (%zu parcels)\n", outp, n);
    }
    if (!rc && strict && !(ok_valid && ok_ov && ok_each && ok_total && ok_share)) {
        fprintf(stderr, "%s compile: --strict: some checks missed (see MISS above)\n", cli->prog);
        rc = 1;
    }
    free(text);
    park_compile_stats_free(stats, n);
    park_layer_free(layer);
    park_gazetteer_free(gz);
    park_fourto_set_free(set);
    return rc;
}
