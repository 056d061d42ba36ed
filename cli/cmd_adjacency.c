/* cmd_adjacency.c - `parkgis adjacency [--tolerance METRES]`: for every pair of
 * parcels the relation, shared boundary length, gap, overlap and DE-9IM. The
 * rules are in src/query/adjacency.c and repeated in --help. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

int cmd_adjacency(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"tolerance", required_argument, 0, 't'},
                                         {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    double tol = 25;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:f:h", opts, NULL)) != -1) {
        if (c == 't') {
            /* at most 10 km: wider than the whole park says nothing, and GEOS
             * cannot buffer by 1e300 (was exit 70, issue 12 item 9) */
            if (!cli_parse_double(optarg, &tol) || tol < 0)
                return cli_usage_error(cli, "adjacency", "--tolerance '%s' is not a non-negative number of metres (e.g. 25)", optarg);
            if (tol > 10000)
                return cli_usage_error(cli, "adjacency", "--tolerance %s m is more than 10000 m (10 km, wider than the park; e.g. 25)", optarg);
        } else if (c == 'f') {
            if (!cli_parse_format(optarg, &cli->format))
                return cli_usage_error(cli, "adjacency", "unknown --format '%s' (expected table, json or csv)", optarg);
        } else if (c == 'h') {
            puts("usage: parkgis adjacency [--tolerance METRES] [--format table|json|csv]\n"
                 "  For every pair of parcels (a before b in layer order):\n"
                 "    relation    overlaps          interiors overlap in a piece wider than the tolerance\n"
                 "                shares-edge       boundaries run together, exactly or within the\n"
                 "                                  tolerance, for at least max(tolerance, 1 m)\n"
                 "                touches-at-point  they meet without a shared edge\n"
                 "                near              gap within the tolerance\n"
                 "                disjoint          otherwise\n"
                 "    shared_m    boundary length the two run along together within the tolerance\n"
                 "    gap_m       geodesic minimum distance (0 when they meet)\n"
                 "    overlap_m2  geodesic area of the intersection\n"
                 "    de9im       DE-9IM matrix of the exact geometries (GEOSRelate)\n"
                 "  --tolerance  default 25 m; 0 gives exact topology.");
            return 0;
        } else return cli_usage_error(cli, "adjacency", "bad option");
    }
    if (optind < argc) return cli_usage_error(cli, "adjacency", "unexpected argument '%s'", argv[optind]);
    park_status st;
    park_layer *l = cli_layer(cli, &st);
    if (!l) return cli_fail(cli, "adjacency", st);
    park_pair *v = NULL;
    size_t n = 0;
    if ((st = park_adjacency(cli->ctx, l, tol, &v, &n))) return cli_fail(cli, "adjacency", st);

    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "pairs");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < n; i++) {
            park_json_begin_obj(&j);
            park_json_key(&j, "a"), park_json_str(&j, park_layer_get(l, v[i].a)->id);
            park_json_key(&j, "b"), park_json_str(&j, park_layer_get(l, v[i].b)->id);
            park_json_key(&j, "relation"), park_json_str(&j, park_relation_name(v[i].relation));
            park_json_key(&j, "shared_m"), park_json_num(&j, v[i].shared_m, 1);
            park_json_key(&j, "gap_m"), park_json_num(&j, v[i].gap_m, 2);
            park_json_key(&j, "overlap_m2"), park_json_num(&j, v[i].overlap_m2, 1);
            park_json_key(&j, "de9im"), park_json_str(&j, v[i].de9im);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
    } else {
        const char *cols[] = {"a", "b", "relation", "shared_m", "gap_m", "overlap_m2", "de9im"};
        park_table *t = park_table_new(7, cols);
        park_table_numeric(t, 3), park_table_numeric(t, 4), park_table_numeric(t, 5);
        for (size_t i = 0; i < n; i++) {
            char s[32], g[32], o[32];
            park_fmt_num(s, sizeof s, v[i].shared_m, 1);
            park_fmt_num(g, sizeof g, v[i].gap_m, 2);
            park_fmt_num(o, sizeof o, v[i].overlap_m2, 1);
            const char *row[] = {park_layer_get(l, v[i].a)->id, park_layer_get(l, v[i].b)->id,
                                 park_relation_name(v[i].relation), s, g, o, v[i].de9im};
            park_table_add(t, row);
        }
        if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
        else {
            park_table_print_text(t, stdout);
            printf("%zu pairs of %zu parcels; tolerance %g m\n", n, park_layer_count(l), tol);
        }
        park_table_free(t);
    }
    park_free(v);
    return 0;
}
