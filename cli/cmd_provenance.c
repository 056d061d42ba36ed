/* cmd_provenance.c - `parkgis provenance [PARCEL]`: each boundary edge of a
 * parcel with the gazetteer feature it lies on, where that feature comes from,
 * how much evidence it rests on and its error, as the compiler recorded them
 * (the parcel's provenance `pieces`) and the gazetteer states them. */
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"
#include "parkgis_compile.h"

typedef struct {
    double len, on_real, good; /* boundary, on osm/anchored, of which verified with error <= 100 m */
} sums_t;

int cmd_provenance(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {{"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
        if (c == 'f' && !cli_parse_format(optarg, &cli->format)) return cli_usage_error(cli, "provenance", "unknown --format '%s'", optarg);
        if (c == 'h') {
            puts("usage: parkgis provenance [PARCEL] [--format table|json|csv]\n"
                 "  Each boundary edge of the parcel (id or name; all parcels when omitted), in ring\n"
                 "  order: side and 四至 item, the gazetteer feature it lies on, its provenance\n"
                 "  (osm|anchored|approximate), source (osm-extract, address, address+osm,\n"
                 "  osm-arterials, town-boundary, district, sketch), evidence count (OSM features,\n"
                 "  trusted address points or arterial links), length, error_m and error class\n"
                 "  (<=50m, <=100m, <=250m, >250m, or unverified when no measurement backs it).\n"
                 "  Then per parcel and in total: the share of the boundary on osm/anchored features\n"
                 "  and the share on those whose error is measured and <= 100 m.\n"
                 "  The features are those of the bundled gazetteer (<data>/gazetteer).\n"
                 "exit codes: 0 ok, 2 bad option, 3 unreadable layer or gazetteer, 5 unknown parcel,\n"
                 "            6 the parcel has no compiled provenance (not made by parkgis compile)");
            return 0;
        }
        if (c == '?') return cli_usage_error(cli, "provenance", "bad option");
    }
    const char *want = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc) return cli_usage_error(cli, "provenance", "unexpected argument '%s'", argv[optind + 1]);
    park_status st;
    park_layer *l = cli_layer(cli, &st);
    if (!l) return cli_fail(cli, "provenance", st);
    const park_parcel *only = NULL;
    if (want && !(only = park_layer_find(l, want))) {
        fprintf(stderr, "parkgis provenance: no parcel '%s' in %s (expected an id or name; see parkgis parcels)\n", want, park_layer_path(l));
        return 5;
    }
    park_gazetteer *gz = NULL;
    st = park_gazetteer_load(cli->ctx, NULL, &gz);
    if (st) return cli_fail(cli, "provenance", st);
    const char *cols[] = {"parcel", "side", "item", "feature", "provenance", "source", "evidence", "length_m", "error_m", "class", "error_basis"};
    park_table *t = park_table_new(11, cols);
    park_table_numeric(t, 6), park_table_numeric(t, 7), park_table_numeric(t, 8);
    park_json j;
    park_json_init(&j);
    park_json_begin_obj(&j);
    park_json_key(&j, "parcels");
    park_json_begin_arr(&j);
    sums_t tot = {0};
    int rc = 0;
    const char *scols[] = {"parcel", "boundary_m", "on_osm_or_anchored_pct", "measured_le_100m_pct"};
    park_table *sum = park_table_new(4, scols);
    park_table_numeric(sum, 1), park_table_numeric(sum, 2), park_table_numeric(sum, 3);
    for (size_t i = 0; i < park_layer_count(l) && !rc; i++) {
        const park_parcel *p = park_layer_get(l, i);
        if (only && p != only) continue;
        json_object *root = p->provenance && *p->provenance == '{' ? json_tokener_parse(p->provenance) : NULL, *pieces = NULL;
        if (!root || !json_object_object_get_ex(root, "pieces", &pieces) || !json_object_is_type(pieces, json_type_array)) {
            json_object_put(root);
            if (only) {
                fprintf(stderr, "parkgis provenance: parcel '%s' has no compiled provenance with 'pieces' (expected a layer made by parkgis compile)\n", p->id);
                rc = 6;
            }
            continue;
        }
        sums_t s = {0};
        park_json_begin_obj(&j);
        park_json_key(&j, "id"), park_json_str(&j, p->id);
        park_json_key(&j, "name"), park_json_str(&j, p->name);
        park_json_key(&j, "edges");
        park_json_begin_arr(&j);
        for (size_t k = 0; k < json_object_array_length(pieces); k++) {
            json_object *pc = json_object_array_get_idx(pieces, k);
            size_t n = json_object_array_length(pc);
            const char *side = n > 0 ? json_object_get_string(json_object_array_get_idx(pc, 0)) : "";
            const char *item = n > 1 ? json_object_get_string(json_object_array_get_idx(pc, 1)) : "";
            const char *prov = n > 2 ? json_object_get_string(json_object_array_get_idx(pc, 2)) : "";
            double len = n > 3 ? json_object_get_double(json_object_array_get_idx(pc, 3)) : NAN;
            double err = n > 4 ? json_object_get_double(json_object_array_get_idx(pc, 4)) : NAN;
            const char *fname = n > 5 ? json_object_get_string(json_object_array_get_idx(pc, 5)) : "";
            const park_feature *f = fname && *fname ? park_gazetteer_find(gz, fname) : NULL;
            bool ver = park_feature_error_verified(f);
            bool real = !strcmp(prov, "osm") || !strcmp(prov, "anchored");
            s.len += len;
            if (real) s.on_real += len;
            if (real && ver && err <= 100) s.good += len;
            char c_len[32], c_err[32], c_ev[32];
            snprintf(c_len, sizeof c_len, "%.0f", len);
            if (isfinite(err)) snprintf(c_err, sizeof c_err, "%.0f", err);
            else snprintf(c_err, sizeof c_err, "-");
            if (f && f->evidence_n >= 0) snprintf(c_ev, sizeof c_ev, "%ld", f->evidence_n);
            else snprintf(c_ev, sizeof c_ev, "-");
            const char *src = f && f->source && *f->source ? f->source : "-";

            bool gap = !fname || !*fname;
            const char *basis = f && f->error_basis && *f->error_basis ? f->error_basis
                                : f                                    ? "unverified: the gazetteer states no basis"
                                : gap ? "unverified: a straight segment bridging two items that do not meet; error taken as half its length" : "no such feature in the bundled gazetteer";
            if (gap) src = "gap";
            const char *row[] = {p->id, side, item, fname && *fname ? fname : "-", prov, src, c_ev, c_len, c_err, park_error_class_name(park_error_class(ver, err)), basis};
            park_table_add(t, row);
            park_json_begin_obj(&j);
            park_json_key(&j, "side"), park_json_str(&j, side);
            park_json_key(&j, "item"), park_json_str(&j, item);
            park_json_key(&j, "feature"), park_json_str(&j, fname);
            park_json_key(&j, "provenance"), park_json_str(&j, prov);
            park_json_key(&j, "source"), park_json_str(&j, src);
            park_json_key(&j, "evidence_n");
            if (f && f->evidence_n >= 0) park_json_int(&j, f->evidence_n);
            else park_json_null(&j);
            park_json_key(&j, "length_m"), park_json_num(&j, len, 0);
            park_json_key(&j, "error_m"), park_json_num(&j, err, 0);
            park_json_key(&j, "error_class"), park_json_str(&j, park_error_class_name(park_error_class(ver, err)));
            park_json_key(&j, "error_basis"), park_json_str(&j, basis);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_key(&j, "boundary_m"), park_json_num(&j, s.len, 0);
        park_json_key(&j, "on_osm_or_anchored_pct"), park_json_num(&j, s.len > 0 ? 100 * s.on_real / s.len : NAN, 1);
        park_json_key(&j, "measured_le_100m_pct"), park_json_num(&j, s.len > 0 ? 100 * s.good / s.len : NAN, 1);
        park_json_end_obj(&j);
        char a[32], b[32], d[32];
        snprintf(a, sizeof a, "%.0f", s.len), snprintf(b, sizeof b, "%.1f", s.len > 0 ? 100 * s.on_real / s.len : NAN);
        snprintf(d, sizeof d, "%.1f", s.len > 0 ? 100 * s.good / s.len : NAN);
        const char *srow[] = {p->id, a, b, d};
        park_table_add(sum, srow);
        tot.len += s.len, tot.on_real += s.on_real, tot.good += s.good;
        json_object_put(root);
    }
    park_json_end_arr(&j);
    park_json_key(&j, "total");
    park_json_begin_obj(&j);
    park_json_key(&j, "boundary_m"), park_json_num(&j, tot.len, 0);
    park_json_key(&j, "on_osm_or_anchored_pct"), park_json_num(&j, tot.len > 0 ? 100 * tot.on_real / tot.len : NAN, 1);
    park_json_key(&j, "measured_le_100m_pct"), park_json_num(&j, tot.len > 0 ? 100 * tot.good / tot.len : NAN, 1);
    park_json_end_obj(&j);
    park_json_end_obj(&j);
    if (!rc) {
        if (cli->format == CLI_JSON) {
            char *out = park_json_take(&j);
            puts(out);
            free(out);
        } else if (cli->format == CLI_CSV) {
            park_table_print_csv(t, stdout);
        } else {
            park_table_print_text(t, stdout);
            if (!only) {
                char a[32], b[32], d[32];
                snprintf(a, sizeof a, "%.0f", tot.len), snprintf(b, sizeof b, "%.1f", tot.len > 0 ? 100 * tot.on_real / tot.len : NAN);
                snprintf(d, sizeof d, "%.1f", tot.len > 0 ? 100 * tot.good / tot.len : NAN);
                const char *srow[] = {"TOTAL", a, b, d};
                park_table_add(sum, srow);
            }
            putchar('\n');
            park_table_print_text(sum, stdout);
        }
    }
    char *rest = park_json_take(&j);
    free(rest);
    park_table_free(t), park_table_free(sum);
    park_gazetteer_free(gz);
    return rc;
}
