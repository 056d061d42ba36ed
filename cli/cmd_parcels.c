/* cmd_parcels.c - `parkgis parcels`: id, name, official area, layouts. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

int cmd_parcels(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        if (c == 'f' && !cli_parse_format(optarg, &cli->format)) return cli_usage_error(cli, "parcels", "unknown --format '%s'", optarg);
        if (c == 'h') {
            puts("usage: parkgis parcels [--format table|json|csv]\n  Lists id, name, official area (km²) and layout memberships.");
            return 0;
        }
        if (c == '?') return cli_usage_error(cli, "parcels", "bad option");
    }
    park_status st;
    park_layer *l = cli_layer(cli, &st);
    if (!l) return cli_fail(cli, "parcels", st);
    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "parcels");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < park_layer_count(l); i++) {
            const park_parcel *p = park_layer_get(l, i);
            park_json_begin_obj(&j);
            park_json_key(&j, "id"), park_json_str(&j, p->id);
            park_json_key(&j, "name"), park_json_str(&j, p->name);
            park_json_key(&j, "official_km2"), park_json_num(&j, p->official_km2, 4);
            park_json_key(&j, "layout"), park_json_str(&j, p->layout);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
        return 0;
    }
    const char *cols[] = {"id", "name", "official_km2", "layout"};
    park_table *t = park_table_new(4, cols);
    park_table_numeric(t, 2);
    for (size_t i = 0; i < park_layer_count(l); i++) {
        const park_parcel *p = park_layer_get(l, i);
        char off[32];
        park_fmt_num(off, sizeof off, p->official_km2, 2);
        const char *row[] = {p->id, p->name, off, p->layout};
        park_table_add(t, row);
    }
    if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
    else park_table_print_text(t, stdout);
    park_table_free(t);
    return 0;
}
