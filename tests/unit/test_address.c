/* test_address.c - address parser and resolver (src/parse/address.c,
 * src/query/address_resolve.c).
 *
 * Most cases are rows of two tables, read here and checked field by field:
 *   address/cases.tsv  against synthetic squares and roads (address/), so each
 *                      match level has a case whose answer holds by construction;
 *   addresses.tsv      real-world forms against the bundled parcel layer and
 *                      gazetteer (geodata/).
 * The format is described at the top of each file. Expected parcels are ids
 * written in the table; the code under test finds them from geometry. */
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"
#include "parkgis.h"
#include "test.h"

/* ------------------------------------------------------------------ small functions */

static void test_normalize(void) {
    static const struct { const char *in, *want; } cases[] = {
        {"上海市　宝山区 富联一路 ９８弄６号", "上海市宝山区富联一路98弄6号"},
        {"\xEF\xBB\xBF（近富长路）【A座】Room 301", "(近富长路)(A座)Room 301"},
        {"１２１．３８， ３１．３５", "121.38,31.35"},
        {"6～8號", "6-8号"},
        /* commas between Chinese parts go, the one in a coordinate pair stays */
        {"上海市，宝山区；富联一路, 98弄", "上海市宝山区富联一路98弄"},
        {"121.38 , 31.35", "121.38,31.35"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = park_address_normalize(cases[i].in);
        CHECK_STR(s, cases[i].want);
        free(s);
    }
}

static void test_edit_distance(void) {
    CHECK(park_utf8_edit_distance("富联一路", "富联二路") == 1);
    CHECK(park_utf8_edit_distance("富联一路", "富联一路") == 0);
    CHECK(park_utf8_edit_distance("富联路", "富联一路") == 1);
    CHECK(park_utf8_edit_distance("", "富联路") == 3);
    /* 路 (E8 B7 AF) and 璐 (E7 92 90) differ in three bytes but are one code point apart */
    CHECK(park_utf8_edit_distance("路", "璐") == 1);
    CHECK(park_utf8_edit_distance("kitten", "sitting") == 3);
}

static void test_parse_errors(park_ctx *ctx) {
    park_address *a = NULL;
    CHECK_STATUS(park_address_parse(ctx, "", &a), PARK_ERR_USAGE);
    CHECK(a == NULL);
    CHECK(strstr(park_ctx_errmsg(ctx), "empty address") != NULL);
    CHECK_STATUS(park_address_parse(ctx, "   ", &a), PARK_ERR_USAGE);
    CHECK_STATUS(park_address_parse(ctx, "\xff\xfe", &a), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "UTF-8") != NULL);
    CHECK_STATUS(park_address_parse(ctx, "200,100", &a), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "out of range") != NULL);
    /* "LON,LAT" is read with park_parse_number: strtod alone takes 0x79 as 121 */
    CHECK_STATUS(park_address_parse(ctx, "0x79,31.4", &a), PARK_ERR_USAGE);
    CHECK(a == NULL);
    CHECK(strstr(park_ctx_errmsg(ctx), "coordinate '0x79' is hexadecimal (expected LON,LAT in decimal degrees") != NULL);
    CHECK_STATUS(park_address_parse(ctx, "121.4,-inf", &a), PARK_ERR_USAGE);
    CHECK(strstr(park_ctx_errmsg(ctx), "coordinate '-inf' is not a finite number") != NULL);
    CHECK_STATUS(park_address_parse(ctx, "(31.35, 1.2138e2)", &a), PARK_OK); /* an exponent is decimal */
    if (a) {
        CHECK_NEAR(a->lon, 121.38, 1e-12);
        CHECK(a->swapped == 1);
        park_address_free(a), a = NULL;
    }
    CHECK_STATUS(park_address_parse(ctx, NULL, &a), PARK_ERR_USAGE);
}

/* Hostile and edge input (issue 12, items 4 and 10). */
static void test_parse_hostile(park_ctx *ctx) {
    park_address *a = NULL;
    /* Chinese numerals with units; clang-14 -O1 -fsanitize=fuzzer-no-link once
     * miscompiled the old loop to 1000 / 1005 (IndVarSimplify, not UB in our code:
     * same with -fwrapv, UBSan silent); the rewritten loop reads right in every build */
    static const struct {
        const char *in, *lane, *number;
    } nums[] = {
        {"长江西路二千弄", "2000", ""}, {"长江西路二千零五弄", "2005", ""}, {"长江西路二十弄", "20", ""},
        {"富联路十二号", "", "12"},     {"富联路一零八号", "", "108"},     {"富联路零八号", "", "8"},
        {"富联路〇号", "", "0"},        {"富联路两百号", "", "200"},
        /* a run of 30 numerals: read without overflow (was signed overflow in a long) */
        {"富联路九九九九九九九九九九九九九九九九九九九九九九九九九九九九九九号", "", "999999999999999999999999999999"},
        {"富联路九千九千九千九千九千九千九千九千九千九千九千九千九千九千九千九千九千九千九千号", "", "171000"},
    };
    for (size_t k = 0; k < sizeof nums / sizeof nums[0]; k++) {
        CHECK_STATUS(park_address_parse(ctx, nums[k].in, &a), PARK_OK);
        if (!a) continue;
        if (strcmp(a->lane, nums[k].lane) || strcmp(a->number, nums[k].number))
            printf("  %s: lane '%s' number '%s' (expected '%s' '%s')\n", nums[k].in, a->lane, a->number, nums[k].lane, nums[k].number);
        CHECK_STR(a->lane, nums[k].lane);
        CHECK_STR(a->number, nums[k].number);
        park_address_free(a), a = NULL;
    }
    /* the documented length limit: PARK_ADDRESS_MAX_BYTES is read, one byte more is
     * refused with a message quoting the start (in a batch: one bad row) */
    char *big = malloc(PARK_ADDRESS_MAX_BYTES + 2);
    memset(big, 'a', PARK_ADDRESS_MAX_BYTES - 3);
    memcpy(big + PARK_ADDRESS_MAX_BYTES - 3, "路", 4); /* 3 bytes + NUL: exactly the limit */
    CHECK_STATUS(park_address_parse(ctx, big, &a), PARK_OK);
    if (a) {
        CHECK(strlen(a->road) == PARK_ADDRESS_MAX_BYTES);
        park_address_free(a), a = NULL;
    }
    memset(big, 'a', PARK_ADDRESS_MAX_BYTES + 1), big[PARK_ADDRESS_MAX_BYTES + 1] = 0;
    CHECK_STATUS(park_address_parse(ctx, big, &a), PARK_ERR_USAGE);
    CHECK(a == NULL && strstr(park_ctx_errmsg(ctx), "is 1025 bytes long (at most 1024 bytes") != NULL);
    /* text the old parser rescanned from every start (quadratic); the answers are
     * unchanged (a randomized comparison with the old parser found no difference) */
    memset(big, 0, PARK_ADDRESS_MAX_BYTES + 2);
    for (size_t k = 0; k + 6 <= 999; k += 6) memcpy(big + k, "近园", 6);
    strcat(big, "路");
    CHECK_STATUS(park_address_parse(ctx, big, &a), PARK_OK);
    if (a) {
        CHECK(a->kind == PARK_ADDR_ROAD);
        CHECK_STR(a->road, "近园路"); /* the text before it is a place word (园), kept in rest */
        CHECK(strlen(a->rest) == 996 - 6);
        park_address_free(a), a = NULL;
    }
    free(big);
    /* emptied brackets are dropped, nested ones too */
    CHECK_STATUS(park_address_parse(ctx, "富联路1号(())楼(x)", &a), PARK_OK);
    if (a) {
        CHECK_STR(a->rest, "楼(x)");
        park_address_free(a), a = NULL;
    }
}

/* ------------------------------------------------------------------ the tables */

static const char *kv(char *spec, const char *key, char *buf, size_t len) {
    /* spec is "k=v k=v"; returns v for key or NULL */
    size_t kl = strlen(key);
    for (char *p = spec; p && *p;) {
        while (*p == ' ') p++;
        char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
            snprintf(buf, len, "%.*s", (int)(n - kl - 1), p + kl + 1);
            return buf;
        }
        p = e;
    }
    return NULL;
}

/* "key<=X" / "key>=X" */
static bool bound(const char *spec, const char *op, double *v) {
    const char *p = strstr(spec, op);
    if (!p) return false;
    *v = atof(p + strlen(op));
    return true;
}

static int ncases;

static void check_parse(park_ctx *ctx, const char *file, int line, const char *input, char *spec) {
    park_address *a = NULL;
    park_status st = park_address_parse(ctx, input, &a);
    if (!strcmp(spec, "error")) {
        if (st != PARK_ERR_USAGE) {
            test_fail++;
            fprintf(stderr, "%s:%d: '%s' parsed, expected an error (PARK_ERR_USAGE)\n", file, line, input);
        } else test_pass++;
        park_address_free(a);
        return;
    }
    if (st) {
        test_fail++;
        fprintf(stderr, "%s:%d: '%s' did not parse: %s\n", file, line, input, park_ctx_errmsg(ctx));
        return;
    }
    const struct {
        const char *key, *val;
    } f[] = {{"kind", park_addr_kind_name(a->kind)}, {"province", a->province}, {"city", a->city}, {"district", a->district},
             {"town", a->town}, {"road", a->road}, {"road2", a->road2}, {"relation", a->relation}, {"lane", a->lane},
             {"sublane", a->sublane}, {"number", a->number}, {"park", a->park}, {"station", a->station}, {"rest", a->rest}};
    char buf[512];
    bool ok = true;
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++) {
        const char *want = kv(spec, f[k].key, buf, sizeof buf);
        if (!want) want = "";
        if (strcmp(want, f[k].val)) {
            ok = false;
            fprintf(stderr, "%s:%d: '%s': %s = \"%s\", expected \"%s\"\n", file, line, input, f[k].key, f[k].val, want);
        }
    }
    const char *w;
    if ((w = kv(spec, "park_text", buf, sizeof buf)) && strcmp(w, a->park_text))
        ok = false, fprintf(stderr, "%s:%d: '%s': park_text = \"%s\", expected \"%s\"\n", file, line, input, a->park_text, w);
    if ((w = kv(spec, "sh", buf, sizeof buf)) && atoi(w) != a->in_shanghai)
        ok = false, fprintf(stderr, "%s:%d: '%s': in_shanghai = %d, expected %s\n", file, line, input, a->in_shanghai, w);
    if ((w = kv(spec, "bs", buf, sizeof buf)) && atoi(w) != a->in_baoshan)
        ok = false, fprintf(stderr, "%s:%d: '%s': in_baoshan = %d, expected %s\n", file, line, input, a->in_baoshan, w);
    if ((w = kv(spec, "lon", buf, sizeof buf)) && fabs(atof(w) - a->lon) > 1e-9)
        ok = false, fprintf(stderr, "%s:%d: '%s': lon = %.9g, expected %s\n", file, line, input, a->lon, w);
    if ((w = kv(spec, "lat", buf, sizeof buf)) && fabs(atof(w) - a->lat) > 1e-9)
        ok = false, fprintf(stderr, "%s:%d: '%s': lat = %.9g, expected %s\n", file, line, input, a->lat, w);
    if ((w = kv(spec, "swapped", buf, sizeof buf)) && atoi(w) != a->swapped)
        ok = false, fprintf(stderr, "%s:%d: '%s': swapped = %d, expected %s\n", file, line, input, a->swapped, w);
    if (ok) test_pass++;
    else test_fail++;
    park_address_free(a);
}

static void check_answer(park_ctx *ctx, park_resolver *res, const char *file, int line, const char *input, char *spec) {
    park_address *a = NULL;
    if (park_address_parse(ctx, input, &a)) {
        test_fail++;
        fprintf(stderr, "%s:%d: '%s' did not parse: %s\n", file, line, input, park_ctx_errmsg(ctx));
        return;
    }
    park_resolution r;
    park_status st = park_address_resolve(ctx, res, a, PARK_DATUM_WGS84, &r);
    char buf[512];
    bool ok = true;
    const char *w;
    if (st != PARK_OK && st != PARK_ERR_NOTFOUND) {
        ok = false;
        fprintf(stderr, "%s:%d: '%s': resolve failed: %s\n", file, line, input, park_ctx_errmsg(ctx));
    } else {
        if ((w = kv(spec, "match", buf, sizeof buf)) && strcmp(w, park_match_name(r.match)))
            ok = false, fprintf(stderr, "%s:%d: '%s': match = %s, expected %s\n", file, line, input, park_match_name(r.match), w);
        if ((st == PARK_ERR_NOTFOUND) != (r.match == PARK_MATCH_NOT_FOUND))
            ok = false, fprintf(stderr, "%s:%d: '%s': status %d does not agree with match %s\n", file, line, input, st,
                                park_match_name(r.match));
        if ((w = kv(spec, "parcel", buf, sizeof buf))) {
            const char *got = r.parcel ? r.parcel->id : "none";
            if (strcmp(w, got)) ok = false, fprintf(stderr, "%s:%d: '%s': parcel = %s, expected %s\n", file, line, input, got, w);
        }
        if ((w = kv(spec, "inside", buf, sizeof buf)) && atoi(w) != r.inside)
            ok = false, fprintf(stderr, "%s:%d: '%s': inside = %d, expected %s\n", file, line, input, r.inside, w);
        if ((w = kv(spec, "candidates", buf, sizeof buf))) {
            /* the same set, in any order */
            char want[512];
            snprintf(want, sizeof want, ",%s,", w);
            size_t nwant = 1;
            for (const char *p = w; *p; p++) nwant += *p == ',';
            bool same = nwant == r.ncandidates;
            for (size_t i = 0; i < r.ncandidates && same; i++) {
                char key[160];
                snprintf(key, sizeof key, ",%s,", r.candidates[i].parcel ? r.candidates[i].parcel->id : "outside");
                same = strstr(want, key) != NULL;
            }
            if (!same) {
                ok = false;
                fprintf(stderr, "%s:%d: '%s': candidates =", file, line, input);
                for (size_t i = 0; i < r.ncandidates; i++)
                    fprintf(stderr, " %s:%.2f", r.candidates[i].parcel ? r.candidates[i].parcel->id : "outside", r.candidates[i].share);
                fprintf(stderr, ", expected %s\n", w);
            }
        }
        if ((w = kv(spec, "has", buf, sizeof buf))) {
            /* each of these among the candidates (others may be there too) */
            char tmp[512];
            snprintf(tmp, sizeof tmp, "%s", w);
            for (char *save = NULL, *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                bool found = false;
                for (size_t i = 0; i < r.ncandidates; i++)
                    found |= !strcmp(r.candidates[i].parcel ? r.candidates[i].parcel->id : "outside", t);
                if (!found) ok = false, fprintf(stderr, "%s:%d: '%s': '%s' is not among the candidates\n", file, line, input, t);
            }
        }
        if ((w = kv(spec, "suggest", buf, sizeof buf))) {
            char tmp[512];
            snprintf(tmp, sizeof tmp, "%s", w);
            for (char *save = NULL, *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                bool found = false;
                for (size_t i = 0; i < r.nsuggestions; i++) found |= !strcmp(r.suggestions[i], t);
                if (!found) ok = false, fprintf(stderr, "%s:%d: '%s': '%s' is not among the closest names\n", file, line, input, t);
            }
        }
        double v;
        if (bound(spec, "conf<=", &v) && !(r.confidence <= v + 1e-9))
            ok = false, fprintf(stderr, "%s:%d: '%s': confidence %.3f, expected <= %g\n", file, line, input, r.confidence, v);
        if (bound(spec, "conf>=", &v) && !(r.confidence >= v - 1e-9))
            ok = false, fprintf(stderr, "%s:%d: '%s': confidence %.3f, expected >= %g\n", file, line, input, r.confidence, v);
        if (!r.note || !r.note[0]) ok = false, fprintf(stderr, "%s:%d: '%s': no note\n", file, line, input);
        if (!ok && r.note) fprintf(stderr, "    note: %s\n", r.note);
    }
    if (ok) test_pass++;
    else test_fail++;
    park_resolution_clear(&r);
    park_address_free(a);
    park_ctx_clear_error(ctx);
}

/* Runs every row of a table. parcels/gazetteer NULL: the bundled data. */
static void run_table(park_ctx *ctx, const char *file, const char *parcels, const char *gazetteer) {
    FILE *f = fopen(file, "r");
    if (!f) {
        test_fail++;
        fprintf(stderr, "%s: cannot open\n", file);
        return;
    }
    park_layer *layer = NULL;
    park_resolver *res = NULL;
    const char *lpath = parcels ? parcels : park_default_parcels_path();
    park_status st = PARK_OK;
    if (!parcels && access(lpath, R_OK) != 0) {
        /* the bundled layer is produced by the compiler (issue 3); until it is
         * committed only the parse column of the real-world table can be checked */
        printf("%s: %s does not exist yet: answers NOT checked, parses only\n", file, lpath);
    } else {
        st = park_layer_read(ctx, lpath, NULL, NULL, &layer);
        if (!st) st = park_resolver_new(ctx, layer, gazetteer, &res);
        if (st) {
            test_fail++;
            fprintf(stderr, "%s: cannot load the data its answers need: %s\n", file, park_ctx_errmsg(ctx));
        }
    }
    char line[4096];
    int lineno = 0, before = ncases;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        char *cols[4] = {0};
        char *p = line;
        for (int k = 0; k < 4 && p; k++) {
            cols[k] = p;
            p = strchr(p, '\t');
            if (p) *p++ = 0;
        }
        if (!cols[1] || !cols[2]) {
            test_fail++;
            fprintf(stderr, "%s:%d: expected address<TAB>parse<TAB>answer<TAB>why\n", file, lineno);
            continue;
        }
        ncases++;
        /* "(empty)" stands for the empty string, which a TSV row cannot show */
        const char *input = !strcmp(cols[0], "(empty)") ? "" : cols[0];
        check_parse(ctx, file, lineno, input, cols[1]);
        if (strcmp(cols[2], "-") && strcmp(cols[1], "error") && res) check_answer(ctx, res, file, lineno, input, cols[2]);
    }
    fclose(f);
    printf("%s: %d cases\n", file, ncases - before);
    park_resolver_free(res);
    park_layer_free(layer);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_normalize();
    test_edit_distance();
    test_parse_errors(ctx);
    test_parse_hostile(ctx);
    run_table(ctx, "address/cases.tsv", "address/parcels.geojson", "address/gazetteer");
    run_table(ctx, "addresses.tsv", NULL, NULL);
    park_ctx_free(ctx);
    return test_summary();
}
