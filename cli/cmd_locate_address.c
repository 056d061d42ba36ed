/* cmd_locate_address.c - `parkgis locate ADDRESS` (issue 5), and the options
 * of `parkgis locate --batch FILE|-`, which cmd_locate_batch.c runs.
 * cmd_locate.c sends here one non-numeric argument, or --batch. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"
#include "locate_batch.h"

static const char *HELP =
    "usage: parkgis locate ADDRESS [--datum D] [--gazetteer=DIRS] [--format table|json|csv]\n"
    "       parkgis locate --batch FILE.csv|- (--address-column NAME | --lon-column NAME --lat-column NAME)\n"
    "                      [--columns LIST] [--datum D] [--gazetteer=DIRS]\n"
    "\n"
    "  Which parcel of 张江高新区宝山园 is this address in? ADDRESS is a Chinese address\n"
    "  (\"上海市宝山区富联一路98弄6号\", \"富联一路富长路口\", \"机器人产业园\", \"上大路站\") or \"LON,LAT\".\n"
    "  Run 'parkgis parse ADDRESS' to see how it is read.\n"
    "\n"
    "  The answer has a match level, a confidence (0..1) and, when one can be given, the\n"
    "  estimated point with its error in metres (README \"Addresses\": how it is measured):\n"
    "    number        a house number placed along its road from the known numbers\n"
    "    place         a named place of the address index (estate, campus, 园区)\n"
    "    exact         coordinates given: point-in-parcel\n"
    "    intersection  the crossing point of the two roads' centrelines\n"
    "    road          the whole road lies in one parcel (or wholly outside the park)\n"
    "    boundary      the road runs along parcel edges: the parcels on either side are named,\n"
    "                  the side is unknown (the road has no known house numbers)\n"
    "    ambiguous     the road crosses parcels: candidates with their share of the road's length\n"
    "    park          a park or parcel name\n"
    "    station       a metro station (\"上大路站\"): the parcels within 500 m, shares of that circle\n"
    "    outside       the address names another district or city\n"
    "    not_found     the road is not in the gazetteer: the closest names are listed (exit 5)\n"
    "\n"
    "  --datum wgs84|cgcs2000|gcj02|bd09   datum of coordinates (default wgs84). Coordinates\n"
    "      copied from Chinese web maps are NOT WGS84: Amap/高德 and Tencent/腾讯 use GCJ-02,\n"
    "      Baidu/百度 uses BD-09; around Baoshan both are shifted about 500 m. Use gcj02 or\n"
    "      bd09 for those; GPS, OpenStreetMap and 天地图 give WGS84/CGCS2000 (the default).\n"
    "  --gazetteer=DIRS   ':'-separated directories of road GeoJSON (default: the bundled\n"
    "      geodata/gazetteer and geodata/gazetteer-address). Write it with '='.\n"
    "  --batch FILE|-     CSV in (RFC 4180, UTF-8 with or without BOM, header row), CSV out on\n"
    "      stdout: the input columns + parcel_id, parcel, layout, match, confidence,\n"
    "      candidates, error. A bad row gets its error in the row and the run goes on; a\n"
    "      summary \"N rows, N located, N not found, N bad\" goes to stderr, and a progress\n"
    "      line too when stderr is a terminal.\n"
    "  --address-column NAME   the column holding addresses (default: a column named\n"
    "      address or 地址, or the only column)\n"
    "  --lon-column NAME --lat-column NAME   columns holding coordinates instead, as plain\n"
    "      decimal degrees (121.38, 3.1e1); hex, inf, nan or empty make the row's error\n"
    "  --encoding auto|UTF-8|GB18030   the batch file's text (default auto: UTF-8, and a row\n"
    "      that is not valid UTF-8 but is valid GB18030, what Excel saves on Chinese Windows\n"
    "      as \"CSV\", is converted and its note says so). GBK and CP936 are read as GB18030.\n"
    "      The output is always UTF-8.\n"
    "  --bom              start the output with a UTF-8 byte order mark, so Excel opens it\n"
    "      as UTF-8 (without it Excel on Chinese Windows reads it as GBK)\n"
    "%s"
    "\n"
    "exit codes: 0 answered (also \"outside the park\"), 2 usage or unreadable address,\n"
    "            3 unreadable batch file, 5 not found / too vague, 70 internal error";

/* ------------------------------------------------------------------ output of one answer */

static void candidates_text(park_buf *b, const park_resolution *r, bool ids) {
    for (size_t i = 0; i < r->ncandidates; i++) {
        const park_candidate *c = &r->candidates[i];
        park_buf_printf(b, "%s%s:%.2f", i ? ";" : "", c->parcel ? (ids ? c->parcel->id : c->parcel->name) : "outside",
                        c->share);
        if (!ids) park_buf_printf(b, " (%s)", c->role);
    }
}

static void json_parcel(park_json *j, const park_parcel *p) {
    if (!p) {
        park_json_null(j);
        return;
    }
    park_json_begin_obj(j);
    park_json_key(j, "id"), park_json_str(j, p->id);
    park_json_key(j, "name"), park_json_str(j, p->name);
    park_json_end_obj(j);
}

static void json_road(park_json *j, const park_feature *f) {
    park_json_begin_obj(j);
    park_json_key(j, "name"), park_json_str(j, f->name);
    park_json_key(j, "kind"), park_json_str(j, f->kind);
    park_json_key(j, "provenance"), park_json_str(j, f->provenance);
    park_json_key(j, "error_m"), park_json_num(j, f->error_m, 1);
    park_json_end_obj(j);
}

/* `a` NULL: text the parser could not read, answered as a named place (`input`). */
static void print_one(park_cli *cli, const park_address *a, const char *input, const park_resolution *r) {
    const park_parcel *p = r->parcel;
    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "input"), park_json_str(&j, input);
        park_json_key(&j, "match"), park_json_str(&j, park_match_name(r->match));
        park_json_key(&j, "confidence"), park_json_num(&j, r->confidence, 2);
        park_json_key(&j, "inside"), park_json_bool(&j, r->inside);
        park_json_key(&j, "parcel"), json_parcel(&j, p);
        park_json_key(&j, "layout"), park_json_str(&j, p ? p->layout : NULL);
        park_json_key(&j, "candidates");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < r->ncandidates; i++) {
            const park_candidate *c = &r->candidates[i];
            park_json_begin_obj(&j);
            park_json_key(&j, "id"), park_json_str(&j, c->parcel ? c->parcel->id : NULL);
            park_json_key(&j, "name"), park_json_str(&j, c->parcel ? c->parcel->name : NULL);
            park_json_key(&j, "role"), park_json_str(&j, c->role);
            park_json_key(&j, "share"), park_json_num(&j, c->share, 3);
            park_json_key(&j, "length_m"), park_json_num(&j, c->length_m, 0);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_key(&j, "wgs84");
        if (r->has_point) {
            park_json_begin_arr(&j);
            park_json_num(&j, r->lon, 7), park_json_num(&j, r->lat, 7);
            park_json_end_arr(&j);
        } else park_json_null(&j);
        park_json_key(&j, "error_m"), park_json_num(&j, r->error_m, 0);
        park_json_key(&j, "point_from"), park_json_str(&j, r->has_point ? r->point_from : NULL);
        park_json_key(&j, "distance_m"), park_json_num(&j, r->distance_m, 1);
        park_json_key(&j, "nearest");
        if (r->nearest) {
            park_json_begin_obj(&j);
            park_json_key(&j, "id"), park_json_str(&j, r->nearest->id);
            park_json_key(&j, "name"), park_json_str(&j, r->nearest->name);
            park_json_key(&j, "distance_m"), park_json_num(&j, r->distance_m, 1);
            park_json_end_obj(&j);
        } else park_json_null(&j);
        park_json_key(&j, "roads");
        park_json_begin_arr(&j);
        if (r->feature) json_road(&j, r->feature);
        if (r->feature2) json_road(&j, r->feature2);
        park_json_end_arr(&j);
        park_json_key(&j, "suggestions");
        park_json_begin_arr(&j);
        for (size_t i = 0; i < r->nsuggestions; i++) park_json_str(&j, r->suggestions[i]);
        park_json_end_arr(&j);
        park_json_key(&j, "note"), park_json_str(&j, r->note);
        park_json_key(&j, "parsed");
        if (a) {
            park_json_begin_obj(&j);
            park_json_key(&j, "kind"), park_json_str(&j, park_addr_kind_name(a->kind));
            const char *keys[] = {"province", "city", "district", "town", "road", "road2", "relation", "lane", "sublane", "number", "park"};
            const char *vals[] = {a->province, a->city, a->district, a->town, a->road, a->road2, a->relation, a->lane, a->sublane, a->number, a->park};
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                if (vals[k][0]) park_json_key(&j, keys[k]), park_json_str(&j, vals[k]);
            park_json_end_obj(&j);
        } else park_json_null(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
        return;
    }
    park_buf cb;
    park_buf_init(&cb);
    candidates_text(&cb, r, cli->format == CLI_CSV);
    char conf[32], dist[32], pt[96] = "", err[64] = "";
    park_fmt_num(conf, sizeof conf, r->confidence, 2);
    park_fmt_num(dist, sizeof dist, r->distance_m, 0);
    if (r->has_point) snprintf(pt, sizeof pt, "%.6f,%.6f", r->lon, r->lat);
    if (r->has_point && isfinite(r->error_m)) snprintf(err, sizeof err, "%.0f (%s)", r->error_m, r->point_from);
    park_buf sg;
    park_buf_init(&sg);
    for (size_t i = 0; i < r->nsuggestions; i++) park_buf_printf(&sg, "%s%s", i ? ", " : "", r->suggestions[i]);
    if (cli->format == CLI_CSV) {
        const char *cols[] = {"address", "parcel_id", "parcel", "layout", "match", "confidence", "candidates", "wgs84", "note"};
        const char *row[] = {input, p ? p->id : "", p ? p->name : "", p ? p->layout : "", park_match_name(r->match), conf,
                             cb.s ? cb.s : "", pt, r->note};
        park_table *t = park_table_new(9, cols);
        park_table_add(t, row);
        park_table_print_csv(t, stdout);
        park_table_free(t);
    } else {
        const char *cols[] = {"field", "value"};
        park_table *t = park_table_new(2, cols);
        char pbuf[512];
        snprintf(pbuf, sizeof pbuf, "%s%s%s%s", p ? p->name : (r->inside ? "(one of the candidates)" : "none"), p ? " (" : "",
                 p ? p->id : "", p ? ")" : "");
        const char *rows[][2] = {{"address", input},
                                 {"match", park_match_name(r->match)},
                                 {"confidence", conf},
                                 {"parcel", pbuf},
                                 {"layout", p ? p->layout : ""},
                                 {"candidates", cb.s ? cb.s : ""},
                                 {"point (WGS84)", pt},
                                 {"point error (m)", err},
                                 {r->inside ? "to boundary (m)" : "to nearest (m)", r->has_point || r->nearest ? dist : ""},
                                 {"nearest", r->nearest ? r->nearest->name : ""},
                                 {"road", r->feature ? r->feature->name : ""},
                                 {"road 2", r->feature2 ? r->feature2->name : ""},
                                 {"closest names", sg.s ? sg.s : ""},
                                 {"note", r->note}};
        for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++)
            if (rows[k][1] && rows[k][1][0]) park_table_add(t, rows[k]);
        park_table_print_text(t, stdout);
        park_table_free(t);
    }
    park_buf_free(&cb), park_buf_free(&sg);
}

/* ------------------------------------------------------------------ entry */

int cmd_locate_address(park_cli *cli, int argc, char **argv) {
    enum { O_BATCH = 1000, O_ADDR, O_LON, O_LAT, O_GAZ, O_COLS, O_THREADS, O_ENC, O_BOM };
    static const struct option opts[] = {{"datum", required_argument, 0, 'd'},    {"format", required_argument, 0, 'f'},
                                         {"batch", required_argument, 0, O_BATCH}, {"address-column", required_argument, 0, O_ADDR},
                                         {"lon-column", required_argument, 0, O_LON}, {"lat-column", required_argument, 0, O_LAT},
                                         {"gazetteer", required_argument, 0, O_GAZ}, {"columns", required_argument, 0, O_COLS},
                                         {"threads", required_argument, 0, O_THREADS},
                                         {"encoding", required_argument, 0, O_ENC}, {"bom", no_argument, 0, O_BOM},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *batch = NULL, *addr_col = NULL, *lon_col = NULL, *lat_col = NULL, *gaz = NULL, *datum_s = "wgs84", *columns = NULL, *encoding = NULL;
    int threads = 1, bom = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': datum_s = optarg; break;
        case 'f':
            if (!cli_parse_format(optarg, &cli->format))
                return cli_usage_error(cli, "locate", "unknown --format '%s' (expected table, json or csv)", optarg);
            break;
        case O_BATCH: batch = optarg; break;
        case O_ADDR: addr_col = optarg; break;
        case O_LON: lon_col = optarg; break;
        case O_LAT: lat_col = optarg; break;
        case O_GAZ: gaz = optarg; break;
        case O_COLS: columns = optarg; break;
        case O_ENC: encoding = optarg; break;
        case O_BOM: bom = 1; break;
        case O_THREADS: {
            char *e;
            long t = strtol(optarg, &e, 10);
            if (*e || t < 1 || t > 64) return cli_usage_error(cli, "locate", "--threads '%s' (expected a whole number 1..64)", optarg);
            threads = (int)t;
            break;
        }
        case 'h': printf(HELP, CLI_BATCH_HELP), putchar('\n'); return 0;
        default: return cli_usage_error(cli, "locate", "bad option");
        }
    }
    park_datum datum;
    park_status st = park_datum_parse(cli->ctx, datum_s, &datum);
    if (st) return cli_fail(cli, "locate", st);
    if (batch && optind < argc)
        return cli_usage_error(cli, "locate", "--batch takes addresses from the file; unexpected argument '%s'", argv[optind]);
    if (!batch && (addr_col || lon_col || lat_col || columns || threads != 1 || encoding || bom))
        return cli_usage_error(cli, "locate", "--address-column/--lon-column/--lat-column/--columns/--threads/--encoding/--bom need --batch FILE");
    if (encoding && !park_streq_ci(encoding, "auto") && !park_streq_ci(encoding, "UTF-8") && !park_streq_ci(encoding, "UTF8") &&
        !park_streq_ci(encoding, "GB18030") && !park_streq_ci(encoding, "GBK") && !park_streq_ci(encoding, "CP936"))
        return cli_usage_error(cli, "locate", "unknown --encoding '%s' (expected auto, UTF-8, GB18030, GBK or CP936)", encoding);
    if (!batch && optind + 1 != argc)
        return cli_usage_error(cli, "locate", "expected one ADDRESS (quote an address that contains spaces)");
    if (batch && cli->format == CLI_JSON)
        return cli_usage_error(cli, "locate", "--batch writes CSV (one output row per input row); --format json is for a single address");
    if (batch && addr_col && (lon_col || lat_col))
        return cli_usage_error(cli, "locate", "give either --address-column or --lon-column/--lat-column, not both");

    if (batch) {
        cli_batch_opts bo = {batch, addr_col, lon_col, lat_col, columns, gaz, datum, threads, encoding, bom};
        return cli_locate_batch(cli, &bo);
    }
    /* parse first: an unreadable address needs neither the layer nor the gazetteer */
    park_address *a = NULL;
    park_status parse_st = PARK_OK;
    char *parse_msg = NULL;
    if ((parse_st = park_address_parse(cli->ctx, argv[optind], &a)) == PARK_OK && a->controls)
        fprintf(stderr, "%s locate: warning: the address contains %d control character%s (U+0001-U+001F, U+007F-U+009F); dropped\n",
                cli->prog, a->controls, a->controls > 1 ? "s" : "");
    if (parse_st) {
        /* not an address the rules can read: it may still be a named place (绿地领海) */
        bool cjk = false;
        for (const unsigned char *q = (const unsigned char *)argv[optind]; *q && !cjk; q++) cjk = *q >= 0x80;
        if (parse_st != PARK_ERR_USAGE || !cjk) return cli_fail(cli, "locate", parse_st);
        parse_msg = park_strdup(park_ctx_errmsg(cli->ctx));
        park_ctx_clear_error(cli->ctx);
    }
    park_layer *layer = cli_layer(cli, &st);
    if (!layer) {
        park_address_free(a), free(parse_msg);
        return cli_fail(cli, "locate", st);
    }
    park_resolver *res = NULL;
    if ((st = park_resolver_new(cli->ctx, layer, gaz ? gaz : cli_gazetteer_dirs(cli), &res))) {
        park_address_free(a), free(parse_msg);
        return cli_fail(cli, "locate", st);
    }
    const char *notes = park_resolver_notes(res);
    if (*notes) fprintf(stderr, "%s locate: warning: %s", cli->prog, notes);
    int rc;
    if (!a) {
        park_resolution r;
        st = park_address_resolve_place(cli->ctx, res, argv[optind], &r);
        if (st == PARK_OK) print_one(cli, NULL, argv[optind], &r);
        if (st) { /* neither: the parser's message, exit 2 as before */
            park_ctx_clear_error(cli->ctx);
            park_error(cli->ctx, parse_st, "%s", parse_msg);
            st = parse_st;
        }
        rc = st ? cli_fail(cli, "locate", st) : 0;
        park_resolution_clear(&r);
    } else {
        park_resolution r;
        st = park_address_resolve(cli->ctx, res, a, datum, &r);
        if (st == PARK_OK || st == PARK_ERR_NOTFOUND) print_one(cli, a, a->input, &r);
        rc = st ? cli_fail(cli, "locate", st) : 0;
        park_resolution_clear(&r);
    }
    free(parse_msg);
    park_resolver_free(res);
    park_address_free(a);
    return rc;
}
