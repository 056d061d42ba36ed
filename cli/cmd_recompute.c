/* cmd_recompute.c - `parkgis recompute`: validate a layer a planner edited (in
 * QGIS or by recompiling a 四至 text), recompute its geodesic areas and report
 * what changed against the baseline, per parcel, per layout element and for the
 * whole park. Validation errors stop it (exit 1) with the list. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../src/internal.h"
#include "cli.h"

static const char *USAGE =
    "usage: parkgis recompute --from EDITED [--baseline PATH] [--layer NAME] [--encoding ENC]\n"
    "                         [--diff-layer OUT.gpkg [--overwrite]] [--gap METRES] [--overlap-min M2]\n"
    "                         [--snap METRES] [--no-layouts] [--format table|json|csv]\n"
    "  EDITED is a parcel layer (Shapefile, GeoPackage, GeoJSON) in any CRS its .prj or\n"
    "  metadata declares; a missing .prj is taken as EPSG:4490 only for lon/lat coordinates.\n"
    "  Parcels are matched to the baseline (default: --data, else the bundled parcels) by id.\n"
    "  --encoding ENC   DBF code page of a Shapefile, e.g. CP936 (GBK) or UTF-8. Without it the\n"
    "                   .cpg, then the DBF's LDID byte decide; when neither says, text that is not\n"
    "                   UTF-8 but is valid GBK is read as CP936 (with a warning).\n"
    "  --layer NAME     layer of EDITED when it holds several (or write EDITED|layername=NAME;\n"
    "                   --baseline and --data take PATH|layername=NAME). Unnamed, the only polygon\n"
    "                   layer with fields id and name is read; otherwise exit 3 listing the layers.\n"
    "  --diff-layer F   also write the gained/lost pieces as GeoPackage layer 'parcel_changes'\n"
    "                   (parcel_id, name, kind gained|lost, area_m2), atomically; F ends in .gpkg\n"
    "                   and is never one of the inputs\n"
    "  --gap M          report gaps/slivers between parcels narrower than M metres (default 25)\n"
    "  --overlap-min A  ignore overlaps smaller than A m² (default 1)\n"
    "  --snap M         edited vertices within M metres of a baseline vertex count as unmoved\n"
    "                   (default 0.05: absorbs rounding from a round trip through another CRS)\n"
    "  --no-layouts     skip the per-layout-element report\n"
    "  Report: per parcel the plan's figure, the geodesic km² (CGCS2000 ellipsoid) before and\n"
    "  after, the change (km², %), area gained and lost (both can be non-zero), each with its\n"
    "  uncertainty (± = boundary length × the error_m its provenance states; edges redrawn in\n"
    "  the edit are unverified and their length is shown); per layout element; the whole park\n"
    "  against the plan's stated 30.63 km²; the provenance of every edited parcel.\n"
    "  Exit: 0 ok (warnings listed), 1 validation errors (listed; nothing recomputed), 2 usage\n"
    "  (bad option, unknown --encoding), 3 unreadable input, 4 cannot write --diff-layer, 70 internal.";

/* Like park_fmt_num, but a value that rounds to zero prints as 0, not -0. */
static void fmt(char *b, size_t n, double v, int dec) {
    if (fabs(v) < 0.5 * pow(10, -dec)) v = 0;
    park_fmt_num(b, n, v, dec);
}

static double pct(double old_m2, double new_m2) {
    return old_m2 > 0 ? 100.0 * (new_m2 - old_m2) / old_m2 : NAN;
}

/* True when a and b name the same existing file (also through links or
 * another spelling of the path). `b` may be a layer source, "x.gpkg|layername=L":
 * its file is what an output must not replace. */
static bool same_file(park_ctx *ctx, const char *a, const char *b) {
    (void)ctx;
    return park_output_replaces(a, b);
}

static const char *level_name(park_issue_level l) { return l == PARK_ERROR ? "error" : "warning"; }

static void issues_json(park_json *j, const park_recompute_report *r) {
    park_json_key(j, "issues");
    park_json_begin_arr(j);
    for (size_t i = 0; i < r->nissues; i++) {
        const park_issue *is = &r->issues[i];
        park_json_begin_obj(j);
        park_json_key(j, "level"), park_json_str(j, level_name(is->level));
        park_json_key(j, "kind"), park_json_str(j, is->kind);
        park_json_key(j, "feature"), park_json_str(j, is->feature);
        park_json_key(j, "message"), park_json_str(j, is->message);
        park_json_key(j, "lon"), park_json_num(j, is->x, 6);
        park_json_key(j, "lat"), park_json_num(j, is->y, 6);
        park_json_key(j, "measure"), park_json_num(j, is->measure, 2);
        park_json_end_obj(j);
    }
    park_json_end_arr(j);
}

/* plan figure, the uncertainty of each figure and the redrawn length */
static void uncertainty_json(park_json *j, const park_area_change *c) {
    park_json_key(j, "plan_km2"), park_json_num(j, c->plan_km2, 2);
    park_json_key(j, "old_unc_km2"), park_json_num(j, c->old_unc_m2 / 1e6, 3);
    park_json_key(j, "new_unc_km2"), park_json_num(j, c->new_unc_m2 / 1e6, 3);
    park_json_key(j, "change_unc_km2"), park_json_num(j, c->change_unc_m2 / 1e6, 3);
    park_json_key(j, "redrawn_m"), park_json_num(j, c->edited_m, 0);
    park_json_key(j, "redrawn_error"), park_json_str(j, c->edited_m > 0 ? "unverified" : NULL);
}

static void change_json(park_json *j, const park_area_change *c, bool with_layout) {
    park_json_begin_obj(j);
    if (with_layout) park_json_key(j, "layout"), park_json_str(j, c->layout);
    park_json_key(j, "id"), park_json_str(j, c->id);
    park_json_key(j, "name"), park_json_str(j, c->name);
    park_json_key(j, "old_name"), park_json_str(j, c->old_name);
    park_json_key(j, "status"), park_json_str(j, park_change_kind_name(c->kind));
    park_json_key(j, "renamed"), park_json_bool(j, c->renamed);
    park_json_key(j, "old_km2"), park_json_num(j, c->old_m2 / 1e6, 6);
    park_json_key(j, "new_km2"), park_json_num(j, c->new_m2 / 1e6, 6);
    park_json_key(j, "change_km2"), park_json_num(j, (c->new_m2 - c->old_m2) / 1e6, 6);
    park_json_key(j, "change_pct"), park_json_num(j, pct(c->old_m2, c->new_m2), 3);
    park_json_key(j, "gained_km2"), park_json_num(j, c->gained_m2 / 1e6, 6);
    park_json_key(j, "lost_km2"), park_json_num(j, c->lost_m2 / 1e6, 6);
    uncertainty_json(j, c);
    if (!with_layout) park_json_key(j, "provenance"), park_json_str(j, c->provenance);
    park_json_end_obj(j);
}

static void print_json(const park_recompute_report *r, const char *from, const char *base, const char *diff) {
    park_json j;
    park_json_init(&j);
    park_json_begin_obj(&j);
    park_json_key(&j, "from"), park_json_str(&j, from);
    park_json_key(&j, "baseline"), park_json_str(&j, base);
    park_json_key(&j, "valid"), park_json_bool(&j, r->errors == 0);
    park_json_key(&j, "errors"), park_json_int(&j, (long)r->errors);
    park_json_key(&j, "warnings"), park_json_int(&j, (long)r->warnings);
    issues_json(&j, r);
    park_json_key(&j, "parcels");
    park_json_begin_arr(&j);
    for (size_t i = 0; i < r->nparcels; i++) change_json(&j, &r->parcels[i], false);
    park_json_end_arr(&j);
    park_json_key(&j, "elements");
    park_json_begin_arr(&j);
    for (size_t i = 0; i < r->nelements; i++) change_json(&j, &r->elements[i], true);
    park_json_end_arr(&j);
    park_json_key(&j, "total");
    if (!r->computed) park_json_null(&j);
    else {
        const park_area_change *t = &r->total;
        park_json_begin_obj(&j);
        park_json_key(&j, "old_km2"), park_json_num(&j, t->old_m2 / 1e6, 6);
        park_json_key(&j, "new_km2"), park_json_num(&j, t->new_m2 / 1e6, 6);
        park_json_key(&j, "change_km2"), park_json_num(&j, (t->new_m2 - t->old_m2) / 1e6, 6);
        park_json_key(&j, "change_pct"), park_json_num(&j, pct(t->old_m2, t->new_m2), 3);
        park_json_key(&j, "gained_km2"), park_json_num(&j, t->gained_m2 / 1e6, 6);
        park_json_key(&j, "lost_km2"), park_json_num(&j, t->lost_m2 / 1e6, 6);
        uncertainty_json(&j, t);
        park_json_key(&j, "stated_km2"), park_json_num(&j, r->stated_km2, 2);
        park_json_key(&j, "new_vs_stated_pct"), park_json_num(&j, pct(r->stated_km2 * 1e6, t->new_m2), 3);
        park_json_end_obj(&j);
    }
    park_json_key(&j, "diff_layer"), park_json_str(&j, diff);
    park_json_end_obj(&j);
    char *s = park_json_take(&j);
    puts(s);
    free(s);
}

/* One row per change. CSV puts everything in one table with a leading scope
 * column (parcel|total|element) and km² to 6 decimals (1 m²); text prints a
 * parcel table and an element table, km² to 4 decimals (100 m²) with the
 * uncertainty of each figure beside it (3 decimals: it is hundreds of metres
 * times the boundary, never known to 100 m²). The plan's figure is its own
 * column, never a change: for TOTAL it is the plan's stated total. */
static void unc(char *b, size_t n, double m2, int dec, bool text) {
    if (isnan(m2)) snprintf(b, n, "%s", text ? "unknown" : "");
    else {
        char v[32];
        fmt(v, sizeof v, m2 / 1e6, dec);
        snprintf(b, n, "%s%s", text ? "±" : "", v);
    }
}

static void change_row(park_table *t, const char *scope, const park_area_change *c, int dec, bool text) {
    char pl[32], o[32], ou[40], n[32], nu[48], d[32], du[40], p[32], g[32], l[32], rd[48];
    int udec = text ? 3 : 6;
    if (isnan(c->plan_km2)) pl[0] = '\0';
    else fmt(pl, sizeof pl, c->plan_km2, 2);
    fmt(o, sizeof o, c->old_m2 / 1e6, dec);
    fmt(n, sizeof n, c->new_m2 / 1e6, dec);
    fmt(d, sizeof d, (c->new_m2 - c->old_m2) / 1e6, dec);
    fmt(p, sizeof p, pct(c->old_m2, c->new_m2), 2);
    fmt(g, sizeof g, c->gained_m2 / 1e6, dec);
    fmt(l, sizeof l, c->lost_m2 / 1e6, dec);
    unc(ou, sizeof ou, c->kind == PARK_CHANGE_ADDED ? 0 : c->old_unc_m2, udec, text);
    unc(nu, sizeof nu, c->kind == PARK_CHANGE_REMOVED ? 0 : c->new_unc_m2, udec, text);
    unc(du, sizeof du, c->change_unc_m2, udec, text);
    if (c->kind == PARK_CHANGE_ADDED) {
        /* all of it is the editor's line */
        snprintf(nu, sizeof nu, "%s", text ? "unverified" : "");
        snprintf(du, sizeof du, "%s", text ? "unverified" : "");
    }
    /* the redrawn edges' error is not in the figure: marked, never hidden */
    if (text && c->edited_m > 0 && c->kind != PARK_CHANGE_ADDED) strncat(nu, " *", sizeof nu - strlen(nu) - 1), strncat(du, " *", sizeof du - strlen(du) - 1);
    if (c->edited_m > 0) snprintf(rd, sizeof rd, "%.0f", c->edited_m);
    else snprintf(rd, sizeof rd, "%s", "0");
    char st[64];
    snprintf(st, sizeof st, "%s%s", park_change_kind_name(c->kind), c->renamed ? "+renamed" : "");
    const char *row[] = {scope, c->layout, c->id, c->name, st, pl, o, ou, n, nu, d, du, p, g, l, rd};
    /* text tables leave out the scope (and, for parcels, the layout) column */
    park_table_add(t, scope ? row : c->layout[0] ? row + 1 : row + 2);
}

static void total_row(park_table *t, const park_recompute_report *r, const char *scope, int dec, bool text) {
    park_area_change tot = r->total;
    tot.name = (char *)(text ? "全园 (sum; plan = stated total)" : "全园 (sum; gained/lost of the union; plan = the plan's stated total)");
    change_row(t, scope, &tot, dec, text);
}

#define NCOLS 16
static const char *const COLS[NCOLS] = {"scope", "layout", "id", "name", "status", "plan_km2", "before_km2", "before_unc_km2",
                                        "after_km2", "after_unc_km2", "change_km2", "change_unc_km2", "change_pct",
                                        "gained_km2", "lost_km2", "redrawn_m"};

static park_table *csv_table(const park_recompute_report *r) {
    park_table *t = park_table_new(NCOLS, COLS);
    for (size_t i = 0; i < r->nparcels; i++) change_row(t, "parcel", &r->parcels[i], 6, false);
    total_row(t, r, "total", 6, false);
    for (size_t i = 0; i < r->nelements; i++) change_row(t, "element", &r->elements[i], 6, false);
    return t;
}

static void print_text_tables(const park_recompute_report *r) {
    static const char *const tcols[NCOLS] = {"scope", "layout", "id", "name", "status", "plan", "before", "±", "after", "±",
                                             "change", "±", "change_%", "gained", "lost", "redrawn_m"};
    printf("\nparcels (km²; before/after: geodesic on the CGCS2000 ellipsoid; plan: the plan's figure):\n");
    park_table *t = park_table_new(NCOLS - 2, tcols + 2);
    for (int k = 3; k < NCOLS - 2; k++) park_table_numeric(t, k);
    bool any_redrawn = r->total.edited_m > 0;
    for (size_t i = 0; i < r->nparcels; i++) {
        change_row(t, NULL, &r->parcels[i], 4, true);
        if (r->parcels[i].edited_m > 0) any_redrawn = true;
    }
    total_row(t, r, NULL, 4, true);
    park_table_print_text(t, stdout);
    park_table_free(t);
    const park_area_change *tt = &r->total;
    char d[32], p[32];
    fmt(d, sizeof d, tt->new_m2 / 1e6 - r->stated_km2, 4);
    fmt(p, sizeof p, pct(r->stated_km2 * 1e6, tt->new_m2), 2);
    printf("the plan states %.2f km² for the whole park; after the edit the parcels sum to %.4f km², %s km² (%s %%) from it\n",
           r->stated_km2, tt->new_m2 / 1e6, d, p);
    printf("±: Σ boundary length × the error_m its provenance states (a linear bound: one edge's error is one mapped\n"
           "   feature's offset along all of it); 'unknown' where the baseline states no error_m.\n");
    if (any_redrawn)
        printf("*: plus the redrawn edges (redrawn_m): the editor's line, whose error nothing here measures (unverified).\n");
    bool head = false;
    for (size_t i = 0; i < r->nparcels; i++) {
        const park_area_change *c = &r->parcels[i];
        if (c->kind != PARK_CHANGE_CHANGED && c->kind != PARK_CHANGE_ADDED) continue;
        if (!head) printf("\nprovenance of the edited parcels:\n"), head = true;
        printf("  %s: %s\n", c->id, c->provenance);
    }
    if (!r->nelements) return;
    printf("\nlayout elements:\n");
    t = park_table_new(NCOLS - 1, tcols + 1);
    for (int k = 4; k < NCOLS - 1; k++) park_table_numeric(t, k);
    for (size_t i = 0; i < r->nelements; i++) change_row(t, NULL, &r->elements[i], 4, true);
    park_table_print_text(t, stdout);
    park_table_free(t);
}

static void print_issues_text(const park_recompute_report *r) {
    printf("validation: %zu error%s, %zu warning%s\n", r->errors, r->errors == 1 ? "" : "s", r->warnings,
           r->warnings == 1 ? "" : "s");
    if (!r->nissues) return;
    const char *cols[] = {"level", "kind", "feature", "where", "message"};
    park_table *t = park_table_new(5, cols);
    for (size_t i = 0; i < r->nissues; i++) {
        const park_issue *is = &r->issues[i];
        char where[64] = "";
        if (isfinite(is->x) && isfinite(is->y)) snprintf(where, sizeof where, "%.6f,%.6f", is->x, is->y);
        const char *row[] = {level_name(is->level), is->kind, is->feature, where, is->message};
        park_table_add(t, row);
    }
    park_table_print_text(t, stdout);
    park_table_free(t);
}

int cmd_recompute(park_cli *cli, int argc, char **argv) {
    static const struct option opts[] = {
        {"from", required_argument, 0, 'i'},     {"baseline", required_argument, 0, 'b'},
        {"layer", required_argument, 0, 'L'},    {"encoding", required_argument, 0, 'e'},
        {"diff-layer", required_argument, 0, 'd'}, {"overwrite", no_argument, 0, 'O'},
        {"gap", required_argument, 0, 'g'},      {"overlap-min", required_argument, 0, 'o'},
        {"snap", required_argument, 0, 's'},     {"no-layouts", no_argument, 0, 'N'},
        {"format", required_argument, 0, 'f'},   {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *from = NULL, *base = NULL, *layer = NULL, *enc = NULL, *diff = NULL;
    bool overwrite = false;
    park_recompute_opts ro;
    park_recompute_opts_default(&ro);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:b:L:e:d:Og:o:s:Nf:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': from = optarg; break;
        case 'b': base = optarg; break;
        case 'L': layer = optarg; break;
        case 'e': enc = optarg; break;
        case 'd': diff = optarg; break;
        case 'O': overwrite = true; break;
        case 'N': ro.layouts = 0; break;
        case 'g':
            if (!cli_parse_double(optarg, &ro.validate.gap_max_m) || ro.validate.gap_max_m < 0)
                return cli_usage_error(cli, "recompute", "--gap expects metres >= 0, got '%s'", optarg);
            break;
        case 'o':
            if (!cli_parse_double(optarg, &ro.validate.overlap_min_m2) || ro.validate.overlap_min_m2 < 0)
                return cli_usage_error(cli, "recompute", "--overlap-min expects m² >= 0, got '%s'", optarg);
            break;
        case 's':
            if (!cli_parse_double(optarg, &ro.snap_m) || ro.snap_m < 0 || ro.snap_m > 10)
                return cli_usage_error(cli, "recompute", "--snap expects metres between 0 and 10, got '%s'", optarg);
            break;
        case 'f':
            if (!cli_parse_format(optarg, &cli->format))
                return cli_usage_error(cli, "recompute", "unknown --format '%s' (expected table, json or csv)", optarg);
            break;
        case 'h': puts(USAGE); return 0;
        default: return cli_usage_error(cli, "recompute", "bad option");
        }
    }
    if (optind < argc) return cli_usage_error(cli, "recompute", "unexpected argument '%s'", argv[optind]);
    if (!from) return cli_usage_error(cli, "recompute", "--from EDITED is required (the layer you edited)");
    if (!base) base = cli->data ? cli->data : park_default_parcels_path();
    /* The diff layer is always a GeoPackage; a name QGIS would open with
     * another driver (x.shp holding a GeoPackage) would only confuse. */
    size_t dl = diff ? strlen(diff) : 0;
    if (diff && (dl < 5 || strcasecmp(diff + dl - 5, ".gpkg") != 0))
        return cli_usage_error(cli, "recompute", "--diff-layer writes a GeoPackage: expected a path ending in .gpkg, got '%s'", diff);

    park_ctx *ctx = cli->ctx;
    /* The inputs are never modified, --overwrite or not. */
    bool diff_is_from = diff && same_file(ctx, diff, from);
    if (diff_is_from || (diff && same_file(ctx, diff, base))) {
        park_error(ctx, PARK_ERR_OUTPUT, "%s: is the %s layer; the inputs are never replaced (give --diff-layer another path)", diff,
                   diff_is_from ? "edited (--from)" : "baseline");
        return cli_fail(cli, "recompute", PARK_ERR_OUTPUT);
    }
    park_layer *bl = NULL, *ed = NULL;
    park_status st = park_layer_read(ctx, base, NULL, NULL, &bl);
    if (st) {
        char msg[2100];
        snprintf(msg, sizeof msg, "baseline %s", park_ctx_errmsg(ctx));
        park_error(ctx, st, "%s", msg);
        return cli_fail(cli, "recompute", st);
    }
    st = park_layer_read(ctx, from, layer, enc, &ed);
    if (st) {
        park_layer_free(bl);
        return cli_fail(cli, "recompute", st);
    }
    if (*park_layer_notes(bl)) fprintf(stderr, "parkgis recompute: warning: baseline %s", park_layer_notes(bl));

    park_recompute_report *r = NULL;
    st = park_recompute(ctx, bl, ed, &ro, &r);
    if (st) {
        park_layer_free(bl), park_layer_free(ed);
        return cli_fail(cli, "recompute", st);
    }
    int rc = 0;
    bool wrote = false;
    if (r->errors) {
        rc = park_status_exit_code(PARK_ERR_CHECK);
    } else if (diff) {
        st = park_recompute_write_diff(ctx, r, diff, overwrite);
        if (st) {
            rc = cli_fail(cli, "recompute", st);
            park_recompute_report_free(r);
            park_layer_free(bl), park_layer_free(ed);
            return rc;
        }
        wrote = true;
    }

    if (cli->format == CLI_JSON) {
        print_json(r, from, base, wrote ? diff : NULL);
    } else if (cli->format == CLI_CSV) {
        for (size_t i = 0; i < r->nissues; i++)
            fprintf(stderr, "parkgis recompute: %s: %s%s%s: %s\n", level_name(r->issues[i].level), r->issues[i].kind,
                    r->issues[i].feature[0] ? " " : "", r->issues[i].feature, r->issues[i].message);
        if (r->computed) {
            park_table *t = csv_table(r);
            park_table_print_csv(t, stdout);
            park_table_free(t);
        }
    } else {
        printf("recompute: %s against baseline %s\n", from, base);
        print_issues_text(r);
        if (r->computed) {
            print_text_tables(r);
            if (wrote) printf("\ngained/lost pieces written to %s (layer parcel_changes)\n", diff);
        }
    }
    if (r->errors)
        fprintf(stderr, "parkgis recompute: %s: %zu validation error%s: nothing recomputed (fix them and run again)\n", from,
                r->errors, r->errors == 1 ? "" : "s");
    park_recompute_report_free(r);
    park_layer_free(bl), park_layer_free(ed);
    return rc;
}
