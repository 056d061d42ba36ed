/* test_fourto.c - the 四至 parser (src/parse/fourto.c): all ten rows of the plan,
 * the checked-in parsed form, accepted variants and malformed text. */
#include <stdlib.h>

#include "parkgis.h"
#include "internal.h"
#include "test.h"

static const park_fourto_record *rec(const park_fourto_set *s, const char *id) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->recs[i].id, id) == 0) return &s->recs[i];
    return NULL;
}

static const park_fourto_item *item(const park_fourto_record *r, size_t block, park_dir d, size_t k) {
    if (!r || block >= r->parsed->nblocks) return NULL;
    const park_fourto_side *s = park_fourto_side_get(&r->parsed->blocks[block], d);
    return s && k < s->n ? &s->items[k] : NULL;
}

static size_t chain_len(const park_fourto_record *r, size_t block, park_dir d) {
    const park_fourto_side *s = park_fourto_side_get(&r->parsed->blocks[block], d);
    return s ? s->n : 0;
}

#define CHECK_ITEM(it, feat, dir, m, appr)                                    \
    do {                                                                      \
        const park_fourto_item *it_ = (it);                                   \
        CHECK(it_ != NULL);                                                   \
        if (it_) {                                                            \
            CHECK_STR(it_->feature, feat);                                    \
            CHECK((int)it_->offset_dir == (int)(dir));                        \
            if (isnan((double)(m))) CHECK(isnan(it_->offset_m));              \
            else CHECK_NEAR(it_->offset_m, (double)(m), 1e-9);                \
            CHECK(it_->approx == (appr));                                     \
        }                                                                     \
    } while (0)

static void test_ten_rows(park_ctx *ctx) {
    park_fourto_set *s = NULL;
    CHECK_STATUS(park_fourto_read(ctx, NULL, &s), PARK_OK);
    if (!s) {
        fprintf(stderr, "%s\n", park_ctx_errmsg(ctx));
        return;
    }
    CHECK(s->n == 10);
    double sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        sum += s->recs[i].official_km2;
        CHECK(s->recs[i].parsed->nblocks >= 1);
    }
    CHECK_NEAR(sum, 30.62, 1e-9); /* the table's rows (the text says 30.63) */

    const park_fourto_record *r = rec(s, "baoshan-industrial");
    CHECK(r && r->parsed->nblocks == 2);
    CHECK_STR(r->name, "宝山工业园区");
    CHECK(chain_len(r, 0, PARK_DIR_E) == 5);
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 0), "潘泾河", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 4), "潘泾路", PARK_DIR_E, 300, 0);
    CHECK_STR(item(r, 0, PARK_DIR_E, 4)->text, "潘泾路东侧 300 米");
    CHECK_ITEM(item(r, 0, PARK_DIR_S, 2), "金石路", PARK_DIR_S, 90, 1);
    CHECK_ITEM(item(r, 0, PARK_DIR_N, 0), "新川沙路", PARK_DIR_NONE, NAN, 0);
    CHECK(chain_len(r, 0, PARK_DIR_N) == 1); /* the block break is a space, not part of the name */
    CHECK_ITEM(item(r, 1, PARK_DIR_E, 0), "北蕴川路", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 1, PARK_DIR_W, 0), "潘泾河绿化带", PARK_DIR_E, NAN, 0); /* an edge */
    CHECK_ITEM(item(r, 1, PARK_DIR_N, 0), "潘川路", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "luodian-industrial");
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 0), "潘泾河", PARK_DIR_W, 150, 1);
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 2), "潘泾路", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_N, 0), "石太路", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "robot-park");
    CHECK(chain_len(r, 0, PARK_DIR_S) == 3);
    CHECK_ITEM(item(r, 0, PARK_DIR_S, 2), "宝安公路", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "urban-industrial");
    CHECK_ITEM(item(r, 0, PARK_DIR_S, 0), "区界", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_W, 0), "区界", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "fudan-hitech");
    CHECK(chain_len(r, 0, PARK_DIR_E) == 7);
    CHECK(chain_len(r, 0, PARK_DIR_S) == 5);
    CHECK(chain_len(r, 0, PARK_DIR_W) == 22);
    CHECK(chain_len(r, 0, PARK_DIR_N) == 3);
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 2), "G1501 高速公路", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_S, 1), "国帆路", PARK_DIR_N, 240, 1);
    CHECK_ITEM(item(r, 0, PARK_DIR_W, 4), "长逸路", PARK_DIR_N, 170, 1);
    CHECK_ITEM(item(r, 0, PARK_DIR_W, 21), "泗塘河", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "culture-industry");
    CHECK(chain_len(r, 0, PARK_DIR_S) == 14);
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 3), "大场机场西围墙", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_S, 7), "部队东北界", PARK_DIR_NONE, NAN, 0); /* 东北界 is a name, not an offset */
    CHECK_ITEM(item(r, 0, PARK_DIR_N, 1), "沪太路", PARK_DIR_W, 200, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_N, 2), "锦秋路", PARK_DIR_N, 300, 0);

    r = rec(s, "ecommerce-north");
    CHECK_STR(r->name, "电子商务示范基地(北块)");
    CHECK_ITEM(item(r, 0, PARK_DIR_N, 1), "共富一村小区通道", PARK_DIR_E, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_N, 2), "S20", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "ecommerce-south");
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 2), "地块通道", PARK_DIR_NONE, NAN, 0);
    CHECK_ITEM(item(r, 0, PARK_DIR_W, 0), "地块通道", PARK_DIR_NONE, NAN, 0);

    r = rec(s, "nanda");
    CHECK_ITEM(item(r, 0, PARK_DIR_E, 2), "汇丰路", PARK_DIR_W, 250, 1); /* "西约250米": no spaces */
    CHECK_ITEM(item(r, 0, PARK_DIR_W, 3), "大祁路", PARK_DIR_S, 450, 1);

    r = rec(s, "biomed-south");
    CHECK_ITEM(item(r, 0, PARK_DIR_W, 0), "荻泾河", PARK_DIR_NONE, NAN, 0);
    CHECK(chain_len(r, 0, PARK_DIR_W) == 3);

    /* the checked-in parsed form equals a fresh parse of the text */
    char *fresh = park_fourto_set_json(s);
    char path[4200];
    snprintf(path, sizeof path, "%s/fourto/parsed.json", park_default_data_dir());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        park_buf b;
        park_buf_init(&b);
        char tmp[4096];
        size_t k;
        while ((k = fread(tmp, 1, sizeof tmp, f)) > 0) park_buf_appendn(&b, tmp, k);
        fclose(f);
        int same = b.s && strcmp(b.s, fresh) == 0;
        if (!same) fprintf(stderr, "%s differs from a fresh parse: regenerate with 'parkgis compile --parsed %s'\n", path, path);
        CHECK(same);
        park_buf_free(&b);
    }
    free(fresh);
    park_fourto_set_free(s);
}

static void test_variants(park_ctx *ctx) {
    park_fourto *ft = NULL;
    /* full-width digits, hyphen, comma, semicolon and ideographic space */
    CHECK_STATUS(park_fourto_parse(ctx, "东至潘泾路东侧３００米－金石路，南至Ａ路；西至Ｂ路　北至Ｃ路", "t", &ft), PARK_OK);
    if (ft) {
        CHECK(ft->nblocks == 1);
        const park_fourto_side *e = park_fourto_side_get(&ft->blocks[0], PARK_DIR_E);
        CHECK(e && e->n == 2);
        if (e && e->n == 2) {
            CHECK_STR(e->items[0].feature, "潘泾路");
            CHECK_NEAR(e->items[0].offset_m, 300, 0);
            CHECK_STR(e->items[0].text, "潘泾路东侧３００米");
            CHECK_STR(e->items[1].feature, "金石路");
        }
        const park_fourto_side *s = park_fourto_side_get(&ft->blocks[0], PARK_DIR_S);
        CHECK(s && s->n == 1 && strcmp(s->items[0].feature, "A路") == 0);
        park_fourto_free(ft), ft = NULL;
    }
    /* "m" as unit, 侧约, decimals, spaces around '-', an em dash */
    CHECK_STATUS(park_fourto_parse(ctx, "东至 甲路 - 乙路西侧约 12.5m — 丙路,南至丁路,西至戊路,北至己路。", "t", &ft), PARK_OK);
    if (ft) {
        const park_fourto_side *e = park_fourto_side_get(&ft->blocks[0], PARK_DIR_E);
        CHECK(e && e->n == 3);
        if (e && e->n == 3) {
            CHECK_STR(e->items[0].feature, "甲路");
            CHECK_STR(e->items[1].feature, "乙路");
            CHECK(e->items[1].offset_dir == PARK_DIR_W && e->items[1].approx == 1);
            CHECK_NEAR(e->items[1].offset_m, 12.5, 0);
            CHECK(e->items[1].pos == 9);
        }
        park_fourto_free(ft), ft = NULL;
    }
    /* sides in any order; two blocks separated by a comma also work */
    CHECK_STATUS(park_fourto_parse(ctx, "北至a,西至b,南至c,东至d,东至e,南至f,西至g,北至h", "t", &ft), PARK_OK);
    if (ft) {
        CHECK(ft->nblocks == 2);
        CHECK(ft->blocks[0].sides[0].dir == PARK_DIR_N);
        park_fourto_free(ft), ft = NULL;
    }
}

/* Malformed text: PARK_ERR_INPUT and a message naming the character and what was expected. */
static void bad(park_ctx *ctx, const char *text, const char *want1, const char *want2) {
    park_fourto *ft = NULL;
    park_status st = park_fourto_parse(ctx, text, "row", &ft);
    CHECK_STATUS(st, PARK_ERR_INPUT);
    CHECK(ft == NULL);
    const char *m = park_ctx_errmsg(ctx);
    if (!strstr(m, want1) || (want2 && !strstr(m, want2))) {
        fprintf(stderr, "  text \"%s\": message \"%s\" lacks \"%s\"%s%s\n", text, m, want1, want2 ? " / " : "", want2 ? want2 : "");
        CHECK(0);
    } else CHECK(1);
    park_fourto_free(ft);
}

static void test_malformed(park_ctx *ctx) {
    bad(ctx, "", "row: character 1 (end of text)", "东至");
    bad(ctx, "潘泾路,南至A", "character 1 ('潘')", "begin with a side marker");
    bad(ctx, "东至潘泾河--潘川路,南至A,西至B,北至C", "character 7 ('-')", "a feature name after '-'");
    bad(ctx, "东至,南至A,西至B,北至C", "character 3 (',')", "a feature name after the side marker");
    bad(ctx, "东至A,南至B,西至C", "character 12 (end of text)", "北至 in block 1");
    bad(ctx, "东至A,东至B,西至C,北至D", "character 5 ('东')", "南至 in block 1");
    bad(ctx, "东至潘泾路东侧 米,南至A,西至B,北至C", "character 9 ('米')", "a distance in metres");
    bad(ctx, "东至潘泾路东侧 300,南至A,西至B,北至C", "character 12 (',')", "the unit 米");
    bad(ctx, "东至潘泾路 300 米,南至A,西至B,北至C", "character 5 ('路')", "a direction");
    bad(ctx, "东至A,南至B,西至C,北至D,", "character 17 (end of text)", "another side");
    bad(ctx, "东至A,南至B,西至C,北至D;x", "character 17 ('x')", "a side marker");
    bad(ctx, "东至A。南至B", "character 5 ('南')", "end of text after");
    bad(ctx, "东至东侧 5 米,南至B,西至C,北至D", "character 3 ('东')", "a feature name before the offset");
    bad(ctx, "东至A\xff,南至B,西至C,北至D", "not valid UTF-8", NULL);
}

static void test_table_errors(park_ctx *ctx) {
    park_fourto_set *s = NULL;
    CHECK_STATUS(park_fourto_read(ctx, "no-such-table.tsv", &s), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), "no-such-table.tsv") != NULL);
    char tmpl[] = "/tmp/parkgis-fourto-XXXXXX";
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0);
    if (fd < 0) return;
    FILE *f = fdopen(fd, "w");
    fputs("# comment\nid\tname\tofficial_km2\tlayout\tfour_to\n"
          "ok\t好\t1.5\t\t东至A,南至B,西至C,北至D\n"
          "bad-row\t坏\t2\t\t东至A,南至B,西至C,北至D,\n", f);
    fclose(f);
    CHECK_STATUS(park_fourto_read(ctx, tmpl, &s), PARK_ERR_INPUT);
    const char *m = park_ctx_errmsg(ctx);
    CHECK(strstr(m, ":4 (bad-row) four_to: character 17") != NULL);
    f = fopen(tmpl, "w");
    fputs("id\tname\tofficial_km2\tlayout\tfour_to\nok\t好\tabout 1\t\t东至A,南至B,西至C,北至D\n", f);
    fclose(f);
    CHECK_STATUS(park_fourto_read(ctx, tmpl, &s), PARK_ERR_INPUT);
    CHECK(strstr(park_ctx_errmsg(ctx), ":2 (ok): official_km2 'about 1'") != NULL);
    remove(tmpl);
    park_fourto_set_free(s);
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    test_ten_rows(ctx);
    test_variants(ctx);
    test_malformed(ctx);
    test_table_errors(ctx);
    park_ctx_free(ctx);
    return test_summary();
}
