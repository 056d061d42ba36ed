/* cmd_validate.c - `parkgis validate [PATH]`: ids, polygon validity (GEOS reason
 * and location), overlaps and narrow gaps between parcels. Exit 1 when any
 * error is found, so scripts and CI can gate on it. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

static const char *level_name(park_issue_level l) { return l == PARK_ERROR ? "error" : "warning"; }

int cmd_validate(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"overlap-min", required_argument, 0, 'o'},
                                         {"gap-max", required_argument, 0, 'g'},
                                         {"encoding", required_argument, 0, 'e'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    park_validate_opts o;
    park_validate_opts_default(&o);
    const char *encoding = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        if (c == 'o') {
            if (!cli_parse_double(optarg, &o.overlap_min_m2) || o.overlap_min_m2 < 0)
                return cli_usage_error(cli, "validate", "--overlap-min '%s' is not a non-negative number of m²", optarg);
        } else if (c == 'g') {
            if (!cli_parse_double(optarg, &o.gap_max_m) || o.gap_max_m < 0)
                return cli_usage_error(cli, "validate", "--gap-max '%s' is not a non-negative number of metres", optarg);
        } else if (c == 'e') encoding = optarg;
        else if (c == 'f') {
            if (!cli_parse_format(optarg, &cli->format))
                return cli_usage_error(cli, "validate", "unknown --format '%s' (expected table, json or csv)", optarg);
        } else if (c == 'h') {
            printf("usage: parkgis validate [PATH] [--overlap-min M2] [--gap-max METRES] [--encoding ENC]\n"
                   "                        [--format table|json|csv]\n"
                   "  Checks a parcel layer (PATH, else --data, else the bundled layer):\n"
                   "    error    no-id, duplicate-id, empty, invalid (GEOS reason and location),\n"
                   "             overlap (two parcels share at least --overlap-min m², default %g)\n"
                   "    warning  gap (space between parcels narrower than --gap-max m, default %g;\n"
                   "             0 turns the check off), bad-id (not an ASCII slug), no-name\n"
                   "  Exit code 1 when there is any error, 0 otherwise; 3 when the layer cannot be read.\n",
                   o.overlap_min_m2, o.gap_max_m);
            return 0;
        } else return cli_usage_error(cli, "validate", "bad option");
    }
    const char *path = NULL;
    if (optind < argc) path = argv[optind++];
    if (optind < argc) return cli_usage_error(cli, "validate", "unexpected argument '%s' (expected at most one PATH)", argv[optind]);

    park_status st;
    park_layer *l;
    if (path) {
        if ((st = park_layer_read(cli->ctx, path, NULL, encoding, &cli->layer))) return cli_fail(cli, "validate", st);
        l = cli->layer;
        const char *notes = park_layer_notes(l);
        if (*notes) fprintf(stderr, "parkgis: warning: %s", notes);
    } else if (!(l = cli_layer(cli, &st))) {
        return cli_fail(cli, "validate", st);
    }
    const char *shown = path ? path : park_layer_path(l);
    park_validation *v = NULL;
    if ((st = park_validate(cli->ctx, l, &o, &v))) return cli_fail(cli, "validate", st);

    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "path"), park_json_str(&j, shown);
        park_json_key(&j, "parcels"), park_json_int(&j, (long)park_layer_count(l));
        park_json_key(&j, "valid"), park_json_bool(&j, v->errors == 0);
        park_json_key(&j, "errors"), park_json_int(&j, (long)v->errors);
        park_json_key(&j, "warnings"), park_json_int(&j, (long)v->warnings);
        park_json_key(&j, "issues");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < v->n; i++) {
            const park_issue *is = &v->issues[i];
            park_json_begin_obj(&j);
            park_json_key(&j, "level"), park_json_str(&j, level_name(is->level));
            park_json_key(&j, "kind"), park_json_str(&j, is->kind);
            park_json_key(&j, "feature"), park_json_str(&j, is->feature);
            park_json_key(&j, "lon"), park_json_num(&j, is->x, 7);
            park_json_key(&j, "lat"), park_json_num(&j, is->y, 7);
            park_json_key(&j, "measure"), park_json_num(&j, is->measure, 2);
            park_json_key(&j, "message"), park_json_str(&j, is->message);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
    } else {
        const char *cols[] = {"level", "kind", "feature", "measure", "lon", "lat", "message"};
        park_table *t = park_table_new(7, cols);
        park_table_numeric(t, 3), park_table_numeric(t, 4), park_table_numeric(t, 5);
        for (size_t i = 0; i < v->n; i++) {
            const park_issue *is = &v->issues[i];
            char m[32], x[32], y[32];
            park_fmt_num(m, sizeof m, is->measure, 1);
            park_fmt_num(x, sizeof x, is->x, 7);
            park_fmt_num(y, sizeof y, is->y, 7);
            const char *row[] = {level_name(is->level), is->kind, is->feature, m, x, y, is->message};
            park_table_add(t, row);
        }
        if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
        else {
            if (v->n) park_table_print_text(t, stdout);
            printf("%s: %zu parcels, %zu error%s, %zu warning%s%s\n", shown, park_layer_count(l), v->errors,
                   v->errors == 1 ? "" : "s", v->warnings, v->warnings == 1 ? "" : "s", v->errors ? "" : " - valid");
        }
        park_table_free(t);
    }
    int rc = v->errors ? park_status_exit_code(PARK_ERR_CHECK) : 0;
    park_validation_free(v);
    return rc;
}
