/* cmd_parse.c - `parkgis parse ADDRESS`: shows how the rule-based address parser
 * (src/parse/address.c) understood an address, without looking anything up. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

static void tri(park_json *j, int v) {
    if (v > 0) park_json_bool(j, true);
    else if (v < 0) park_json_bool(j, false);
    else park_json_null(j);
}
static const char *tri_text(int v) { return v > 0 ? "yes" : v < 0 ? "no" : "not said"; }

int cmd_parse(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        if (c == 'f' && !cli_parse_format(optarg, &cli->format))
            return cli_usage_error(cli, "parse", "unknown --format '%s' (expected table, json or csv)", optarg);
        else if (c == 'h') {
            puts("usage: parkgis parse ADDRESS [--format table|json|csv]\n"
                 "  Shows how an address is understood, without looking it up: 省/市, 区, 镇/街道,\n"
                 "  road, second road of an intersection (\"A路B路口\", \"A路与B路交叉口\", \"A路近B路\"),\n"
                 "  弄 / 支弄 / 号 numbers, a park or parcel name, and what is left over.\n"
                 "  Full-width digits and spaces are normalised first; \"LON,LAT\" is read as coordinates.\n"
                 "  Use 'parkgis locate ADDRESS' to resolve it to a parcel.\n"
                 "exit codes: 0 parsed, 2 empty or unreadable address");
            return 0;
        } else if (c == '?') return cli_usage_error(cli, "parse", "bad option");
    }
    if (optind >= argc) return cli_usage_error(cli, "parse", "missing ADDRESS");
    if (optind + 1 < argc)
        return cli_usage_error(cli, "parse", "expected one ADDRESS argument, got %d (quote an address that contains spaces)",
                               argc - optind);
    park_address *a = NULL;
    park_status st = park_address_parse(cli->ctx, argv[optind], &a);
    if (st) return cli_fail(cli, "parse", st);
    if (a->controls)
        fprintf(stderr, "%s parse: warning: the address contains %d control character%s (U+0001-U+001F, U+007F-U+009F); dropped\n", cli->prog,
                a->controls, a->controls > 1 ? "s" : "");

    const char *keys[] = {"kind", "province", "city", "district", "town", "road", "road2", "relation",
                          "lane", "sublane", "number", "park", "park_text", "station", "rest"};
    const char *vals[] = {park_addr_kind_name(a->kind), a->province, a->city, a->district, a->town, a->road, a->road2,
                          a->relation, a->lane, a->sublane, a->number, a->park, a->park_text, a->station, a->rest};
    const size_t nk = sizeof keys / sizeof keys[0];
    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "input"), park_json_str(&j, a->input);
        park_json_key(&j, "normalized"), park_json_str(&j, a->normalized);
        for (size_t k = 0; k < nk; k++) park_json_key(&j, keys[k]), park_json_str(&j, vals[k]);
        park_json_key(&j, "coordinates");
        if (a->has_coords) {
            park_json_begin_arr(&j);
            park_json_num(&j, a->lon, 8), park_json_num(&j, a->lat, 8);
            park_json_end_arr(&j);
        } else park_json_null(&j);
        park_json_key(&j, "swapped"), park_json_bool(&j, a->swapped);
        park_json_key(&j, "in_shanghai"), tri(&j, a->in_shanghai);
        park_json_key(&j, "in_baoshan"), tri(&j, a->in_baoshan);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
    } else {
        const char *cols[] = {"field", "value"};
        park_table *t = park_table_new(2, cols);
        const char *r0[] = {"input", a->input};
        park_table_add(t, r0);
        const char *r1[] = {"normalized", a->normalized};
        park_table_add(t, r1);
        for (size_t k = 0; k < nk; k++) {
            if (!vals[k][0] && k) continue; /* the table shows what was found; JSON shows every field */
            const char *r[] = {keys[k], vals[k]};
            park_table_add(t, r);
        }
        if (a->has_coords) {
            char buf[96];
            snprintf(buf, sizeof buf, "%.8g,%.8g%s", a->lon, a->lat, a->swapped ? " (given latitude first)" : "");
            const char *r[] = {"coordinates", buf};
            park_table_add(t, r);
        }
        const char *rs[] = {"in_shanghai", tri_text(a->in_shanghai)};
        park_table_add(t, rs);
        const char *rb[] = {"in_baoshan", tri_text(a->in_baoshan)};
        park_table_add(t, rb);
        if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
        else park_table_print_text(t, stdout);
        park_table_free(t);
    }
    park_address_free(a);
    return 0;
}
