/* cmd_locate_point.c - `parkgis locate LON LAT [--datum D]` and
 * `parkgis locate --crs EPSG:N X Y`: which parcel holds a point, how far it is
 * from that parcel's edge, or which parcel is nearest and how far, and how likely
 * the point is in each parcel given the parcels' own edge errors (issue 10: the
 * model of the address answers, src/query/certainty.c).
 * (cmd_locate.c dispatches here when given two numbers.)
 *
 * Arguments are parsed by hand rather than with getopt: a western or southern
 * coordinate such as -73.5 must be a number, not an unknown option. All input
 * is checked before the layer is loaded, so a typo is reported as a typo. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"
#include "cli.h"

static const char USAGE[] =
    "usage: parkgis locate LON LAT [--datum wgs84|cgcs2000|gcj02|bd09] [--error-m M] [--format table|json|csv]\n"
    "       parkgis locate --crs EPSG:N X Y [--error-m M] [--format table|json|csv]\n"
    "  Which parcel contains the point, its layout elements and the distance to that\n"
    "  parcel's boundary; when the point is outside every parcel, the nearest parcel\n"
    "  and the distance to it. Distances are geodesic metres on the CGCS2000 ellipsoid.\n"
    "  --datum  datum of LON LAT (default wgs84). gcj02 (Amap, Tencent, Google China)\n"
    "           and bd09 (Baidu) are converted to WGS84 with the exact iterative inverse\n"
    "           (residual < 1 mm); CGCS2000 is taken as WGS84.\n"
    "  --crs    X Y are in this CRS instead (e.g. EPSG:4549, EPSG:32651).\n"
    "           X is the easting, Y the northing; a point more than 100 km from every\n"
    "           parcel is answered with a warning naming that order (swapped X/Y?).\n"
    "  Coordinates are plain decimal numbers (121.4, -73.5, 3476500, 3.4765e6); hex,\n"
    "  inf and nan are refused (exit 2).\n"
    "  A point on a boundary counts as inside (distance 0). Where parcels overlap the\n"
    "  first in layer order is reported.\n"
    "  probability: how likely the point is in the parcel reported (or outside every\n"
    "  parcel), the parcel edges' own error_m counted: a Gaussian of the point's error\n"
    "  on each side of the nearest edge, Phi(d / sqrt(s^2 + e^2)) (README \"Certainty\").\n"
    "  candidates: every parcel (and outside) at 0.005 or more, id:probability.\n"
    "  --error-m  the point's own 1-sigma error in metres (default 0: exact coordinates);\n"
    "           gcj02 and bd09 add 14 m for the conversion (an upper bound measured on\n"
    "           290 metro stations, ../shared/data/README.md).\n";

/* "--name=value" or "--name value"; returns the value or NULL when `arg` is not
 * this option. *i advances past a separate value. */
static const char *opt_value(int argc, char **argv, int *i, const char *name, int *missing) {
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n] != 0) return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

/* "-73.5" and "-.5" are coordinates, not options; whether they are valid
 * numbers is for park_parse_number to say, with a message about the number. */
static int looks_numeric(const char *s) {
    return s[0] == '-' && ((s[1] >= '0' && s[1] <= '9') || s[1] == '.');
}

static void json_parcel_ref(park_json *j, const park_parcel *p) {
    park_json_begin_obj(j);
    park_json_key(j, "id"), park_json_str(j, p->id);
    park_json_key(j, "name"), park_json_str(j, p->name);
}

/* Beyond this a projected point is more likely a mistake than a place
 * (the park is 30 km², a district some 20 km across). */
#define FAR_M 100e3

/* X and Y given in the wrong order still make a valid point, thousands of km
 * away, and it would be answered as "outside, nearest parcel ...". It is not
 * refused (the CRS may be right and the point really elsewhere), but stderr
 * says which order is expected and, when swapping brings the point near the
 * parcels, says so too. */
static void far_point_warning(park_cli *cli, const park_layer *l, const char *crs, const char *const pos[2],
                              const double xy[2], const park_locate_result *r) {
    if (r->inside || !r->nearest || r->nearest_distance_m <= FAR_M) return;
    fprintf(stderr, "%s locate: warning: X Y %s %s (%s) is %.0f km from the nearest parcel (%s); the order expected is X (easting) first, then Y (northing)",
            cli->prog, pos[0], pos[1], crs, r->nearest_distance_m / 1000, r->nearest->id);
    double lon, lat;
    park_locate_result sw;
    if (park_xy_to_lonlat(cli->ctx, crs, xy[1], xy[0], &lon, &lat) == PARK_OK &&
        park_locate_lonlat(cli->ctx, l, lon, lat, PARK_DATUM_WGS84, &sw) == PARK_OK && sw.nearest && sw.nearest_distance_m <= FAR_M) {
        if (sw.inside) fprintf(stderr, "; swapped (%s %s) the point is in parcel '%s'", pos[1], pos[0], sw.parcel->id);
        else fprintf(stderr, "; swapped (%s %s) it is %.1f km from parcel '%s'", pos[1], pos[0], sw.nearest_distance_m / 1000, sw.nearest->id);
    }
    park_ctx_clear_error(cli->ctx);
    fputc('\n', stderr);
}

int cmd_locate_point(park_cli *cli, int argc, char **argv) {
    const char *datum_s = NULL, *crs = NULL, *err_s = NULL;
    const char *pos[3];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        int missing = 0;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(USAGE, stdout);
            return 0;
        } else if ((v = opt_value(argc, argv, &i, "--datum", &missing)) || missing) {
            if (missing) return cli_usage_error(cli, "locate", "--datum needs a value (wgs84, cgcs2000, gcj02 or bd09)");
            datum_s = v;
        } else if ((v = opt_value(argc, argv, &i, "--error-m", &missing)) || missing) {
            if (missing) return cli_usage_error(cli, "locate", "--error-m needs a value (metres, e.g. 50)");
            err_s = v;
        } else if ((v = opt_value(argc, argv, &i, "--crs", &missing)) || missing) {
            if (missing) return cli_usage_error(cli, "locate", "--crs needs a value such as EPSG:4549");
            crs = v;
        } else if (!strcmp(a, "-f") || (v = opt_value(argc, argv, &i, "--format", &missing)) || missing) {
            if (!strcmp(a, "-f")) {
                if (i + 1 < argc) v = argv[++i];
                else missing = 1;
            }
            if (missing) return cli_usage_error(cli, "locate", "--format needs a value (table, json or csv)");
            if (!cli_parse_format(v, &cli->format))
                return cli_usage_error(cli, "locate", "unknown --format '%s' (expected table, json or csv)", v);
        } else if (a[0] == '-' && a[1] && !looks_numeric(a)) {
            return cli_usage_error(cli, "locate", "unknown option '%s'", a);
        } else {
            if (npos == 3) return cli_usage_error(cli, "locate", "too many arguments (expected LON LAT, or --crs EPSG:N X Y)");
            pos[npos++] = a;
        }
    }
    const char *xn = crs ? "X" : "longitude", *yn = crs ? "Y" : "latitude";
    if (crs && datum_s)
        return cli_usage_error(cli, "locate", "--datum and --crs exclude each other (--datum is for LON LAT in degrees, --crs for X Y in a CRS)");
    if (npos != 2)
        return cli_usage_error(cli, "locate", "expected two coordinates, %s then %s, got %d argument%s", crs ? "X" : "LON",
                               crs ? "Y" : "LAT", npos, npos == 1 ? "" : "s");
    double xy[2];
    for (int k = 0; k < 2; k++) {
        const char *why;
        if (!park_parse_number(pos[k], &xy[k], &why))
            return cli_usage_error(cli, "locate", "%s '%s' %s (expected %s)", k ? yn : xn, pos[k], why,
                                   crs ? "a decimal number in the CRS's units, e.g. 633000" : "decimal degrees, e.g. 121.4 31.4");
    }
    double user_err = 0;
    if (err_s) {
        const char *why;
        if (!park_parse_number(err_s, &user_err, &why))
            return cli_usage_error(cli, "locate", "--error-m '%s' %s (expected metres, a number >= 0, e.g. 50)", err_s, why);
        if (user_err < 0) return cli_usage_error(cli, "locate", "--error-m '%s' is negative (expected metres >= 0)", err_s);
    }
    park_datum datum = PARK_DATUM_WGS84;
    park_status st;
    if (datum_s && (st = park_datum_parse(cli->ctx, datum_s, &datum))) return cli_fail(cli, "locate", st);
    /* convert (and range-check) before loading the layer */
    double lon = xy[0], lat = xy[1];
    if (crs) {
        st = park_xy_to_lonlat(cli->ctx, crs, xy[0], xy[1], &lon, &lat);
    } else {
        st = park_datum_to_wgs84(cli->ctx, datum, xy[0], xy[1], &lon, &lat);
    }
    if (st) return cli_fail(cli, "locate", st);

    park_layer *l = cli_layer(cli, &st);
    if (!l) return cli_fail(cli, "locate", st);
    park_locate_result r;
    if ((st = park_locate_lonlat(cli->ctx, l, lon, lat, PARK_DATUM_WGS84, &r))) return cli_fail(cli, "locate", st);
    if (r.ncontaining > 1)
        fprintf(stderr, "parkgis locate: note: the point lies in %zu overlapping parcels; '%s' (first in layer order) is reported\n",
                r.ncontaining, r.parcel->id);
    if (crs) far_point_warning(cli, l, crs, pos, xy, &r);
    const char *layout = r.inside ? r.parcel->layout : "";

    /* how likely each parcel is: the point's error (given, and a datum conversion's)
     * with every parcel edge's own error_m */
    size_t n = park_layer_count(l);
    double sigma = hypot(user_err, crs ? 0 : park_datum_error_m(datum));
    double *p = calloc(n + 1, sizeof *p);
    size_t *order = calloc(n + 1, sizeof *order), nc = 0;
    int unverified = 0;
    if (!p || !order) {
        free(p), free(order);
        return cli_fail(cli, "locate", park_error(cli->ctx, PARK_ERR_INTERNAL, "out of memory"));
    }
    if ((st = park_locate_probability(cli->ctx, l, r.wgs84_lon, r.wgs84_lat, sigma, p, &unverified))) {
        free(p), free(order);
        return cli_fail(cli, "locate", st);
    }
    double prob = r.inside ? p[r.index] : p[n];
    for (size_t i = 0; i <= n; i++)
        if (p[i] >= 0.005) order[nc++] = i;
    for (size_t a = 1; a < nc; a++) /* best first; parcels before outside on a tie */
        for (size_t b = a; b > 0 && (p[order[b]] > p[order[b - 1]] || (p[order[b]] == p[order[b - 1]] && order[b - 1] == n)); b--) {
            size_t t = order[b];
            order[b] = order[b - 1], order[b - 1] = t;
        }
    park_buf cands;
    park_buf_init(&cands);
    park_buf_append(&cands, "");
    for (size_t k = 0; k < nc; k++) {
        char sh[32];
        park_fmt_num(sh, sizeof sh, p[order[k]], 2);
        park_buf_printf(&cands, "%s%s:%s", k ? ";" : "", order[k] < n ? park_layer_get(l, order[k])->id : "outside", sh);
    }
    if (prob < 0.95) {
        const park_parcel *ep = r.inside ? r.parcel : r.nearest;
        double ee = ep && ep->has_error_m ? ep->error_m : PARK_EDGE_ERROR_UNSTATED_M;
        for (size_t i = 0; ep && i < n; i++) /* the error of the edge piece nearest the point */
            if (park_layer_get(l, i) == ep && park_locate_edge_error(cli->ctx, l, r.wgs84_lon, r.wgs84_lat, i, &ee) != PARK_OK)
                park_ctx_clear_error(cli->ctx), ee = ep->has_error_m ? ep->error_m : PARK_EDGE_ERROR_UNSTATED_M;
        fprintf(stderr, "%s locate: note: probability %.2f that the point is %s%s: it is %.0f m %s the edge of %s, whose position is "
                        "uncertain by ±%.0f m%s; the point's own ±%.0f m; candidates %s\n",
                cli->prog, prob, r.inside ? "in " : "", r.inside ? r.parcel->id : "outside every parcel", r.distance_m,
                r.inside ? "inside" : "from", ep ? ep->id : "?",
                ee,
                ep && !ep->has_error_m ? " (the parcel states no error_m: assumed, unverified)" : "", sigma, cands.s);
    }

    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "wgs84");
        park_json_begin_arr(&j);
        park_json_num(&j, r.wgs84_lon, 7), park_json_num(&j, r.wgs84_lat, 7);
        park_json_end_arr(&j);
        park_json_key(&j, "inside"), park_json_bool(&j, r.inside);
        park_json_key(&j, "parcel");
        if (r.inside) {
            json_parcel_ref(&j, r.parcel);
            park_json_end_obj(&j);
        } else park_json_null(&j);
        park_json_key(&j, "distance_m"), park_json_num(&j, r.distance_m, 2);
        park_json_key(&j, "nearest");
        if (r.nearest) {
            json_parcel_ref(&j, r.nearest);
            park_json_key(&j, "distance_m"), park_json_num(&j, r.nearest_distance_m, 2);
            park_json_end_obj(&j);
        } else park_json_null(&j);
        park_json_key(&j, "layout");
        park_json_begin_arr(&j);
        for (const char *s = layout; *s;) {
            const char *e = strchr(s, ';');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            char *el = park_strndup(s, n);
            if (*el) park_json_str(&j, el);
            free(el);
            s += n + (e ? 1 : 0);
        }
        park_json_end_arr(&j);
        park_json_key(&j, "error_m"), park_json_num(&j, sigma, 1);
        park_json_key(&j, "probability"), park_json_num(&j, prob, 3);
        park_json_key(&j, "candidates");
        park_json_begin_arr(&j);
        for (size_t k = 0; k < nc; k++) {
            park_json_begin_obj(&j);
            const park_parcel *cp = order[k] < n ? park_layer_get(l, order[k]) : NULL;
            park_json_key(&j, "id");
            if (cp) park_json_str(&j, cp->id);
            else park_json_null(&j);
            park_json_key(&j, "name");
            if (cp) park_json_str(&j, cp->name);
            else park_json_str(&j, "outside every parcel");
            park_json_key(&j, "probability"), park_json_num(&j, p[order[k]], 3);
            park_json_end_obj(&j);
        }
        park_json_end_arr(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
        free(p), free(order), park_buf_free(&cands);
        return 0;
    }
    const char *cols[] = {"lon", "lat", "inside", "parcel", "name", "distance_m", "nearest", "nearest_name", "nearest_m", "layout",
                          "probability", "candidates"};
    park_table *t = park_table_new(12, cols);
    park_table_numeric(t, 0), park_table_numeric(t, 1), park_table_numeric(t, 5), park_table_numeric(t, 8), park_table_numeric(t, 10);
    char a[32], b[32], d[32], nd[32], pr[32];
    park_fmt_num(pr, sizeof pr, prob, 2);
    park_fmt_num(a, sizeof a, r.wgs84_lon, 7);
    park_fmt_num(b, sizeof b, r.wgs84_lat, 7);
    park_fmt_num(d, sizeof d, r.distance_m, cli->format == CLI_CSV ? 2 : 1);
    park_fmt_num(nd, sizeof nd, r.nearest_distance_m, cli->format == CLI_CSV ? 2 : 1);
    const char *row[] = {a, b, r.inside ? "yes" : "no", r.inside ? r.parcel->id : "", r.inside ? r.parcel->name : "", d,
                         r.nearest ? r.nearest->id : "", r.nearest ? r.nearest->name : "", nd, layout, pr, cands.s};
    park_table_add(t, row);
    if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
    else park_table_print_text(t, stdout);
    park_table_free(t);
    free(p), free(order), park_buf_free(&cands);
    return 0;
}
