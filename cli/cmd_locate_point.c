/* cmd_locate_point.c - `parkgis locate LON LAT [--datum D]` and
 * `parkgis locate --crs EPSG:N X Y`: which parcel holds a point, how far it is
 * from that parcel's edge, or which parcel is nearest and how far.
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
    "usage: parkgis locate LON LAT [--datum wgs84|cgcs2000|gcj02|bd09] [--format table|json|csv]\n"
    "       parkgis locate --crs EPSG:N X Y [--format table|json|csv]\n"
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
    "  first in layer order is reported.\n";

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
    const char *datum_s = NULL, *crs = NULL;
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
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
        return 0;
    }
    const char *cols[] = {"lon", "lat", "inside", "parcel", "name", "distance_m", "nearest", "nearest_name", "nearest_m", "layout"};
    park_table *t = park_table_new(10, cols);
    park_table_numeric(t, 0), park_table_numeric(t, 1), park_table_numeric(t, 5), park_table_numeric(t, 8);
    char a[32], b[32], d[32], nd[32];
    park_fmt_num(a, sizeof a, r.wgs84_lon, 7);
    park_fmt_num(b, sizeof b, r.wgs84_lat, 7);
    park_fmt_num(d, sizeof d, r.distance_m, cli->format == CLI_CSV ? 2 : 1);
    park_fmt_num(nd, sizeof nd, r.nearest_distance_m, cli->format == CLI_CSV ? 2 : 1);
    const char *row[] = {a, b, r.inside ? "yes" : "no", r.inside ? r.parcel->id : "", r.inside ? r.parcel->name : "", d,
                         r.nearest ? r.nearest->id : "", r.nearest ? r.nearest->name : "", nd, layout};
    park_table_add(t, row);
    if (cli->format == CLI_CSV) park_table_print_csv(t, stdout);
    else park_table_print_text(t, stdout);
    park_table_free(t);
    return 0;
}
