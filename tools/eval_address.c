/* eval_address.c - how well `parkgis locate ADDRESS` places the held-back fifth of
 * the address points (issue 10). One command:
 *
 *   build/eval_address [--data ../shared/data] [--gazetteer DIRS] [--rows] [--holdout fresh|first]
 *                      [--list-holdout] [--cv K] [--min-point PCT] [--max-median M] [--max-p90 M] [--min-agree PCT]
 *
 * --cv K is the DEVELOPMENT figure: a K-fold cross-validation inside the training rows
 * (the hold-out is never used): a training row is in fold FNV-1a 32 of "parkgis address
 * cv 1:" + the normalised address text % K (address_holdout.h, addr_cv_fold); for each k
 * this program runs build_address_gazetteer (next to it) --exclude-holdout --cv-fold K:k
 * into a temp dir, refuses the index if it holds a hold-out or fold-k row, and evaluates
 * fold k's trusted rows on the 四至 gazetteer (--gazetteer, default geodata/gazetteer) +
 * that index; the figures are pooled over the folds (tests/integration/address_cv.sh).
 * --rows adds each answer's note (why a row failed or how it was placed).
 *
 * The held-back rows (tools/address_holdout.h: FNV-1a 32 of "parkgis address hold-out 2:"
 * + the normalised address text, % 5 == 0) are left out by build_address_gazetteer
 * --exclude-holdout; here they are the only rows used. The SHIPPED index
 * (geodata/gazetteer-address) is built from every row, hold-out included, so the
 * evaluation needs --gazetteer naming an index built with --exclude-holdout
 * (tests/integration/address_eval.sh builds one into a temp dir): it refuses (exit 2)
 * an index whose houses.geojson holds a held-back address. --holdout first evaluates instead on the rows of the
 * first rule (FNV-1a 32 of the raw text % 5 == 0): they were looked at while the lookup
 * was developed and are training data of today's index, so that figure is for
 * comparison only (and needs an index built without them, e.g. the one of commit
 * 7412d81, given with --gazetteer). --list-holdout prints the held-back address texts
 * and exits (tests/integration/address_index_rebuild.sh checks that the --exclude-holdout build
 * omits exactly them).
 *
 * The 四至 gazetteer (geodata/gazetteer, issue 9) was built with the first rule, so
 * the courses of its 18 roads drawn through address points (source "address") used
 * about four fifths of the fresh hold-out's rows on those roads; the rows answered on
 * such a road are counted apart ("on a 四至 road drawn through address points"). The
 * truth is the rows the data README says to trust as positions (two geocoders within
 * 150 m, not a fall-back point). Each address text is resolved exactly as the CLI does
 * (parse, resolve; text the parser cannot read as a named place) on the bundled parcels
 * and the bundled gazetteer + index, and compared with its point:
 *   answered with a point   share of the truth rows whose answer has a point
 *   distance                median and 90th percentile (geodesic m) of those points
 *   within 1 / 2 sigma      share of the truth inside the stated error radius (calibration)
 *   parcel agrees           the answer's parcel (or outside) equals the parcel containing
 *                           the held-back point (or outside), over the rows answered
 *
 * --park-names measures the park-name rule instead (resolve.c, apply_park_hint), on
 * the TRAINING rows (not held back) that are trusted as positions: of the addresses
 * that name a park of one parcel (park_address_named_parcel), how many lie in that
 * parcel; the rule's figure is this share (PARK_NAME_AGREES in resolve.c).
 * With --min-point/--max-median/--max-p90/--min-agree it exits 1 when a figure is worse
 * (the ratchet of tests/integration/address_eval.sh). */
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_address.h"
#include "parkgis_query.h"
#include "address_holdout.h"

static int dcmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double pct(const double *v, size_t n, double q) {
    if (!n) return NAN;
    size_t i = (size_t)ceil(q * (double)n) - 1;
    return v[i < n ? i : n - 1];
}

/* How many held-back addresses the index the resolver will use (the first directory of
 * `dirs`, or of the default list, that has index/houses.geojson) holds; -1 when none
 * is found or it cannot be read. */
struct ev_sel;
static int ev_selected(const struct ev_sel *sel, const char *key);
static long index_held(const char *dirs_in, int first, const struct ev_sel *cv) {
    char *dirs = dirs_in ? park_strdup(dirs_in)
                         : park_asprintf("%s/gazetteer:%s/gazetteer-address", park_default_data_dir(), park_default_data_dir());
    long held = -1;
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d && held < 0; d = strtok_r(NULL, ":", &save)) {
        char *h = park_asprintf("%s/index/houses.geojson", d);
        if (h && access(h, R_OK) == 0) {
            json_object *root = json_object_from_file(h), *fs = NULL;
            if (root && json_object_object_get_ex(root, "features", &fs)) {
                held = 0;
                for (size_t i = 0; i < json_object_array_length(fs); i++) {
                    json_object *pr = NULL, *ad = NULL;
                    if (!json_object_object_get_ex(json_object_array_get_idx(fs, i), "properties", &pr) ||
                        !json_object_object_get_ex(pr, "address", &ad))
                        continue;
                    const char *a = json_object_get_string(ad);
                    held += cv ? addr_is_holdout(a) || ev_selected(cv, a) : first ? addr_is_holdout_first(a) : addr_is_holdout(a);
                }
            }
            json_object_put(root);
        }
        free(h);
    }
    free(dirs);
    return held;
}

/* The figures over a set of rows, pooled (several calls add up: the folds of --cv). */
typedef struct ev_stats {
    size_t held, truth, with_point, answered, agree, in1, in2, extra;
    size_t lk_point, lk_answered, lk_agree; /* on a 四至 road drawn through address points */
    double *lk_dist, *dist;
    size_t by_match[16];
} ev_stats;

/* Which rows are evaluated: the hold-out (fresh or first rule), or (cv_k > 0) the training
 * rows of cross-validation fold cv_fold. */
typedef struct ev_sel {
    int first, cv_k, cv_fold;
} ev_sel;
static int ev_selected(const struct ev_sel *sel, const char *key) {
    if (sel->cv_k > 0) return !addr_is_holdout(key) && addr_cv_fold(key, sel->cv_k) == sel->cv_fold;
    return sel->first ? addr_is_holdout_first(key) : addr_is_holdout(key);
}

/* --rows: one line per truth row (address, match, point from, distance, error radius, true
 * parcel, answered parcel, and the answer's note: why it failed or how it was placed). */
static void ev_rows(park_ctx *ctx, park_layer *layer, park_resolver *res, FILE *fp, const ev_sel *sel, int rows_out, ev_stats *S) {
    char line[8192];
    long ln = 0;
    rewind(fp);
    while (fgets(line, sizeof line, fp)) {
        if (ln++ == 0) continue;
        addr_row r;
        if (!addr_row_split(line, &r) || !ev_selected(sel, r.key)) continue;
        S->held++;
        if (!addr_row_trusted(&r)) continue;
        S->truth++;
        park_address *a = NULL;
        park_resolution out;
        memset(&out, 0, sizeof out);
        park_status s = park_address_parse(ctx, r.key, &a);
        if (s == PARK_OK) s = park_address_resolve(ctx, res, a, PARK_DATUM_WGS84, &out);
        else {
            park_ctx_clear_error(ctx);
            s = park_address_resolve_place(ctx, res, r.key, &out);
        }
        park_ctx_clear_error(ctx);
        if ((size_t)out.match < 16) S->by_match[out.match]++;
        park_locate_result lr;
        const park_parcel *tp = NULL;
        if (park_locate_lonlat(ctx, layer, r.lon, r.lat, PARK_DATUM_WGS84, &lr) == PARK_OK) tp = lr.inside ? lr.parcel : NULL;
        park_ctx_clear_error(ctx);
        double d = NAN;
        int leak = out.feature && out.feature->source && !strcmp(out.feature->source, "address");
        if (s == PARK_OK && out.match != PARK_MATCH_NOT_FOUND) {
            S->answered++, S->lk_answered += leak;
            const park_parcel *ap = out.inside ? out.parcel : NULL;
            if (ap == tp && (out.parcel || !out.inside)) S->agree++, S->lk_agree += leak;
        }
        if (s == PARK_OK && out.has_point) {
            S->with_point++;
            d = park_geodesic_distance(ctx, out.lon, out.lat, r.lon, r.lat);
            double *t = realloc(S->dist, S->with_point * sizeof *t);
            if (t) S->dist = t, S->dist[S->with_point - 1] = d;
            if (leak && (t = realloc(S->lk_dist, (S->lk_point + 1) * sizeof *t)) != NULL) S->lk_dist = t, S->lk_dist[S->lk_point++] = d;
            if (isfinite(out.error_m)) S->in1 += d <= out.error_m, S->in2 += d <= 2 * out.error_m;
            S->extra += out.extrapolated;
        }
        if (rows_out) {
            for (char *q = out.note; q && *q; q++)
                if (*q == '\t' || *q == '\n') *q = ' ';
            printf("%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s\t%s\n", r.key, park_match_name(out.match), out.has_point ? out.point_from : "", d,
                   out.error_m, tp ? tp->id : "outside", out.parcel ? out.parcel->id : out.inside ? "?" : "outside",
                   out.note ? out.note : "");
        }
        park_resolution_clear(&out);
        park_address_free(a);
    }
}

int main(int argc, char **argv) {
    const char *data = "../shared/data", *gaz = NULL;
    double min_point = -1, max_median = -1, max_p90 = -1, min_agree = -1;
    const char *sizhi = NULL; /* --cv: the 四至 gazetteer directory */
    int rows_out = 0, first = 0, list = 0, park_names = 0, cv_k = 0;
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},      {"gazetteer", required_argument, 0, 'g'},
                                         {"rows", no_argument, 0, 'r'},            {"min-point", required_argument, 0, 'p'},
                                         {"max-median", required_argument, 0, 'm'}, {"max-p90", required_argument, 0, 'n'},
                                         {"min-agree", required_argument, 0, 'a'},  {"help", no_argument, 0, 'h'},
                                         {"holdout", required_argument, 0, 'H'},   {"list-holdout", no_argument, 0, 'L'},
                                         {"park-names", no_argument, 0, 'P'},      {"cv", required_argument, 0, 'C'},
                                         {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "d:g:rp:m:n:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'g': gaz = optarg; break;
        case 'r': rows_out = 1; break;
        case 'p': min_point = atof(optarg); break;
        case 'm': max_median = atof(optarg); break;
        case 'n': max_p90 = atof(optarg); break;
        case 'a': min_agree = atof(optarg); break;
        case 'L': list = 1; break;
        case 'P': park_names = 1; break;
        case 'C':
            cv_k = atoi(optarg);
            if (cv_k < 2 || cv_k > 20) {
                fprintf(stderr, "eval_address: --cv '%s' (expected a number of folds, 2..20)\n", optarg);
                return 2;
            }
            break;
        case 'H':
            if (!strcmp(optarg, "first")) first = 1;
            else if (strcmp(optarg, "fresh")) {
                fprintf(stderr, "eval_address: --holdout '%s' (expected fresh or first)\n", optarg);
                return 2;
            }
            break;
        default:
            fputs("usage: eval_address [--data ../shared/data] [--gazetteer DIRS] [--rows] [--holdout fresh|first] [--list-holdout] [--park-names] [--cv K]\n"
                  "                    [--min-point PCT] [--max-median M] [--max-p90 M] [--min-agree PCT]\n",
                  c == 'h' ? stdout : stderr);
            return c == 'h' ? 0 : 2;
        }
    }
    char *path = park_asprintf("%s/address-points/baoshan-address-points.wgs84.tsv", data);
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "eval_address: %s: cannot open (expected the shared address points)\n", path);
        free(path);
        return 3;
    }
    if (list) {
        char line[8192];
        long ln = 0;
        while (fgets(line, sizeof line, fp)) {
            addr_row r;
            if (ln++ && addr_row_split(line, &r) && (first ? addr_is_holdout_first(r.key) : addr_is_holdout(r.key))) puts(r.key);
        }
        fclose(fp), free(path);
        return 0;
    }
    if (cv_k > 0) { /* the folds' indexes are built here; --gazetteer names the 四至 gazetteer only */
        if (gaz && strchr(gaz, ':')) {
            fprintf(stderr, "eval_address: with --cv, --gazetteer names the 四至 gazetteer directory only (the folds' indexes are built)\n");
            fclose(fp), free(path);
            return 2;
        }
        sizhi = gaz ? gaz : "geodata/gazetteer";
        gaz = sizhi;
    } else if (!park_names) {
        long leak = index_held(gaz, first, NULL);
        if (leak != 0) {
            if (leak < 0) fprintf(stderr, "eval_address: no readable index/houses.geojson in %s\n", gaz ? gaz : "the default gazetteer directories");
            else
                fprintf(stderr, "eval_address: the index in %s holds %ld held-back address(es): not a hold-out measurement. "
                        "Build one without them (build/build_address_gazetteer --exclude-holdout --out DIR) and give "
                        "--gazetteer geodata/gazetteer:DIR (the shipped geodata/gazetteer-address uses every row)\n",
                        gaz ? gaz : "the default gazetteer directories", leak);
            fclose(fp), free(path);
            return 2;
        }
    }
    park_ctx *ctx = park_ctx_new();
    park_layer *layer = NULL;
    park_resolver *res = NULL;
    park_status st = park_layer_read(ctx, park_default_parcels_path(), NULL, NULL, &layer);
    if (!st) st = park_resolver_new(ctx, layer, gaz, &res);
    if (st) {
        fprintf(stderr, "eval_address: %s\n", park_ctx_errmsg(ctx));
        fclose(fp);
        free(path);
        park_layer_free(layer);
        park_ctx_free(ctx);
        return park_status_exit_code(st);
    }
    char line[8192];
    if (park_names) {
        size_t named = 0, in_named = 0, named_rows = 0, fired = 0, fired_agree = 0;
        long ln = 0;
        while (fgets(line, sizeof line, fp)) {
            addr_row r;
            if (ln++ == 0 || !addr_row_split(line, &r) || addr_is_holdout(r.key)) continue; /* training rows only */
            park_address *a = NULL;
            if (park_address_parse(ctx, r.key, &a) != PARK_OK) {
                park_ctx_clear_error(ctx);
                continue;
            }
            const park_parcel *np = park_address_named_parcel(res, a);
            named_rows += np != NULL;
            if (np && addr_row_trusted(&r)) {
                park_locate_result lr;
                const park_parcel *tp = NULL;
                if (park_locate_lonlat(ctx, layer, r.lon, r.lat, PARK_DATUM_WGS84, &lr) == PARK_OK && lr.inside) tp = lr.parcel;
                park_ctx_clear_error(ctx);
                named++, in_named += tp == np;
                park_resolution out;
                memset(&out, 0, sizeof out);
                if (park_address_resolve(ctx, res, a, PARK_DATUM_WGS84, &out) == PARK_OK && out.note && strstr(out.note, " picks "))
                    fired++, fired_agree += out.parcel == tp;
                park_ctx_clear_error(ctx);
                park_resolution_clear(&out);
                if (rows_out) printf("%s\t%s\t%s\n", r.key, np->id, tp ? tp->id : "outside");
            }
            park_address_free(a);
        }
        /* Wilson 95 % interval of the share */
        double nn = (double)named, ph = named ? (double)in_named / nn : NAN, z = 1.96;
        double c = (ph + z * z / (2 * nn)) / (1 + z * z / nn), hw = z * sqrt(ph * (1 - ph) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
        if (named)
            printf("training rows naming a park of one parcel: %zu; trusted as positions: %zu; inside the named parcel: %zu (%.3f, "
                   "Wilson 95 %% %.2f..%.2f)\n", named_rows, named, in_named, ph, c - hw, c + hw);
        else
            printf("training rows naming a park of one parcel: %zu; trusted as positions: 0: nothing to measure, the rule's "
                   "figure is unverified\n", named_rows);
        printf("of them, answers where the name picked the parcel among the candidates: %zu, right %zu\n", fired, fired_agree);
        fclose(fp), free(path);
        park_resolver_free(res), park_layer_free(layer), park_ctx_free(ctx);
        return 0;
    }
    ev_stats S;
    memset(&S, 0, sizeof S);
    ev_sel sel = {first, 0, -1};
    if (cv_k > 0) {
        /* cross-validation inside the training rows: fold k's index is built by
         * build_address_gazetteer --exclude-holdout --cv-fold K:k (next to this program) */
        park_resolver_free(res), res = NULL;
        char *dir = park_strdup(argv[0]), *sl = strrchr(dir, '/');
        if (sl) *sl = 0;
        else strcpy(dir, ".");
        char tmpl[] = "/tmp/eval_address_cv.XXXXXX";
        char *tmp = mkdtemp(tmpl);
        int failed = !tmp;
        for (int k = 0; k < cv_k && !failed; k++) {
            char *cmd = park_asprintf("'%s/build_address_gazetteer' --data '%s' --gazetteer '%s' --out '%s/fold%d' --exclude-holdout "
                                      "--cv-fold %d:%d >'%s/build%d.log' 2>&1",
                                      dir, data, sizhi, tmp, k, cv_k, k, tmp, k);
            if (system(cmd) != 0) {
                fprintf(stderr, "eval_address: building fold %d failed: %s (see %s/build%d.log)\n", k, cmd, tmp, k);
                failed = 1;
            }
            free(cmd);
            char *dirs = park_asprintf("%s:%s/fold%d", sizhi, tmp, k);
            ev_sel fk = {0, cv_k, k};
            long leak = failed ? 0 : index_held(dirs, 0, &fk);
            if (leak != 0) { /* the fold's index must hold neither the hold-out nor fold k */
                fprintf(stderr, "eval_address: fold %d's index holds %ld held-back or fold-%d address(es)\n", k, leak, k);
                failed = 1;
            }
            if (!failed && park_resolver_new(ctx, layer, dirs, &res) != PARK_OK) {
                fprintf(stderr, "eval_address: fold %d: %s\n", k, park_ctx_errmsg(ctx));
                failed = 1;
            }
            free(dirs);
            if (!failed) {
                sel.cv_k = cv_k, sel.cv_fold = k;
                ev_rows(ctx, layer, res, fp, &sel, rows_out, &S);
            }
            park_resolver_free(res), res = NULL;
        }
        if (tmp) {
            char *rm = park_asprintf("rm -rf '%s'", tmp);
            if (system(rm) != 0) fprintf(stderr, "eval_address: could not remove %s\n", tmp);
            free(rm);
        }
        free(dir);
        if (failed) {
            fclose(fp), free(path), park_layer_free(layer), park_ctx_free(ctx);
            return 3;
        }
    } else
        ev_rows(ctx, layer, res, fp, &sel, rows_out, &S);
    fclose(fp);
    qsort(S.dist, S.with_point, sizeof *S.dist, dcmp);
    double share = S.truth ? 100.0 * (double)S.with_point / (double)S.truth : 0;
    double med = pct(S.dist, S.with_point, 0.5), p90 = pct(S.dist, S.with_point, 0.9);
    double agr = S.answered ? 100.0 * (double)S.agree / (double)S.answered : 0;
    qsort(S.lk_dist, S.lk_point, sizeof *S.lk_dist, dcmp);
    if (cv_k > 0)
        printf("cross-validation inside the training rows (the hold-out never used): %d folds, %s; fold k evaluated on an index built without it (build_address_gazetteer --exclude-holdout --cv-fold K:k); "
               "figures pooled over the folds\n", cv_k, ADDR_CV_RULE);
    else
    printf("hold-out: %s\n", first ? "first rule, FNV-1a-32(address) % 5 == 0 (looked at while developing: for comparison only)"
                                     : "fresh rule, " ADDR_HOLDOUT_RULE);
    printf("%s rows: %zu; trusted as truth (two geocoders within 150 m, no fall-back point): %zu\n", cv_k > 0 ? "evaluated" : "held-back",
           S.held, S.truth);
    printf("answered with a point: %zu of %zu (%.1f %%), %zu of them extrapolated past the last known number\n", S.with_point, S.truth,
           share, S.extra);
    printf("distance from the evaluated row's point: median %.0f m, p90 %.0f m\n", med, p90);
    printf("truth within the stated error radius: %.1f %% (1 sigma), %.1f %% (2 sigma)\n",
           S.with_point ? 100.0 * (double)S.in1 / (double)S.with_point : 0, S.with_point ? 100.0 * (double)S.in2 / (double)S.with_point : 0);
    printf("parcel agrees with the evaluated point's parcel (or both outside): %zu of %zu answered (%.1f %%)\n", S.agree, S.answered, agr);
    printf("of them on a 四至 road drawn through address points (its course used the first rule's training rows): %zu "
           "answered, %zu with a point (median %.0f m, p90 %.0f m), parcel agrees %zu\n",
           S.lk_answered, S.lk_point, pct(S.lk_dist, S.lk_point, 0.5), pct(S.lk_dist, S.lk_point, 0.9), S.lk_agree);
    printf("answers by match:");
    for (int m = 0; m < 16; m++)
        if (S.by_match[m]) printf(" %s %zu", park_match_name((park_match)m), S.by_match[m]);
    printf("\n");
    int bad = 0;
    if (min_point >= 0 && share < min_point) printf("RATCHET: answered with a point %.1f %% < %.1f %%\n", share, min_point), bad = 1;
    if (max_median >= 0 && !(med <= max_median)) printf("RATCHET: median %.0f m > %.0f m\n", med, max_median), bad = 1;
    if (max_p90 >= 0 && !(p90 <= max_p90)) printf("RATCHET: p90 %.0f m > %.0f m\n", p90, max_p90), bad = 1;
    if (min_agree >= 0 && agr < min_agree) printf("RATCHET: parcel agreement %.1f %% < %.1f %%\n", agr, min_agree), bad = 1;
    free(S.dist), free(S.lk_dist), free(path);
    park_resolver_free(res);
    park_layer_free(layer);
    park_ctx_free(ctx);
    return bad;
}
