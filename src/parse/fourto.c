/* fourto.c - the 四至 parser: "东至A-B,南至C,西至D,北至E" -> sides of chains of
 * features with optional offsets, and the table of the ten parcels that holds
 * those texts (geodata/fourto/parcels.tsv). Grammar and accepted variants are in
 * parkgis_compile.h. The parser works on a normalised copy of the text (one code
 * point in, one code point out, so character positions in messages are those of
 * the original) and cuts the verbatim item text from the original bytes. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

static const char *const dir_names[] = {"", "东", "南", "西", "北"};
const char *park_dir_name(park_dir d) { return (d >= PARK_DIR_NONE && d <= PARK_DIR_N) ? dir_names[d] : ""; }

enum { CH_DONG = 0x4E1C, CH_NAN = 0x5357, CH_XI = 0x897F, CH_BEI = 0x5317, CH_ZHI = 0x81F3, CH_CE = 0x4FA7,
       CH_YUE = 0x7EA6, CH_MI = 0x7C73, CH_JUHAO = 0x3002 };

static park_dir dir_of(unsigned c) {
    switch (c) {
    case CH_DONG: return PARK_DIR_E;
    case CH_NAN: return PARK_DIR_S;
    case CH_XI: return PARK_DIR_W;
    case CH_BEI: return PARK_DIR_N;
    default: return PARK_DIR_NONE;
    }
}

/* Full-width ASCII forms -> ASCII, every space kind -> ' ', every dash kind -> '-'.
 * Chinese punctuation that plays a role here maps to its ASCII twin. */
static unsigned norm_cp(unsigned c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c == 0x3000 || c == 0xA0 || c == '\t' || c == '\r' || c == '\n') return ' ';
    if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 || c == 0xFE58) return '-';
    return c;
}

typedef struct cps {
    unsigned *c;   /* normalised code points */
    unsigned *raw; /* original code points, for messages */
    size_t *off;   /* byte offset of each code point in the original; off[n] = strlen */
    size_t n;
} cps;

static void cps_free(cps *t) { free(t->c), free(t->raw), free(t->off); }

static bool is_ws(unsigned c) { return c == ' '; }
static bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }
static bool is_chain_sep(unsigned c) { return c == '-'; }
static bool is_side_sep(unsigned c) { return c == ',' || c == ';' || c == 0x3001; /* 、 as in 北至友谊路、东至... */ }

typedef struct parser {
    park_ctx *ctx;
    const char *text, *what;
    cps t;
} parser;

/* The character at i, quoted for a message ("end of text" past the end). */
static void char_desc(const parser *p, size_t i, char *buf, size_t len) {
    if (i >= p->t.n) {
        snprintf(buf, len, "end of text");
        return;
    }
    size_t a = p->t.off[i], b = p->t.off[i + 1];
    snprintf(buf, len, "'%.*s'", (int)(b - a), p->text + a);
}

static park_status perr(parser *p, size_t i, const char *expected) {
    char d[32];
    char_desc(p, i, d, sizeof d);
    return park_error(p->ctx, PARK_ERR_INPUT, "%s: character %zu (%s): expected %s", p->what, i + 1, d, expected);
}

static bool side_marker_at(const parser *p, size_t i) {
    return i + 1 < p->t.n && dir_of(p->t.c[i]) != PARK_DIR_NONE && p->t.c[i + 1] == CH_ZHI;
}

static void put_cp(park_buf *b, unsigned c) {
    char u[5];
    int n;
    if (c < 0x80) u[0] = (char)c, n = 1;
    else if (c < 0x800) u[0] = (char)(0xC0 | (c >> 6)), u[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    else if (c < 0x10000)
        u[0] = (char)(0xE0 | (c >> 12)), u[1] = (char)(0x80 | ((c >> 6) & 0x3F)), u[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    else
        u[0] = (char)(0xF0 | (c >> 18)), u[1] = (char)(0x80 | ((c >> 12) & 0x3F)), u[2] = (char)(0x80 | ((c >> 6) & 0x3F)),
        u[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    park_buf_appendn(b, u, (size_t)n);
}

/* Normalised feature name from code points [a, b): runs of spaces become one. */
static char *name_of(const parser *p, size_t a, size_t b) {
    park_buf nb;
    park_buf_init(&nb);
    bool sp = false;
    for (size_t i = a; i < b; i++) {
        unsigned c = p->t.c[i];
        if (is_ws(c)) {
            sp = true;
            continue;
        }
        if (sp && nb.len) park_buf_append(&nb, " ");
        sp = false;
        put_cp(&nb, c);
    }
    return park_buf_take(&nb);
}

static void item_free(park_fourto_item *it) { free(it->text), free(it->feature); }

static void side_free(park_fourto_side *s) {
    for (size_t i = 0; i < s->n; i++) item_free(&s->items[i]);
    free(s->items);
    s->items = NULL, s->n = 0;
}

void park_fourto_free(park_fourto *ft) {
    if (!ft) return;
    for (size_t b = 0; b < ft->nblocks; b++)
        for (int s = 0; s < 4; s++) side_free(&ft->blocks[b].sides[s]);
    free(ft->blocks);
    free(ft);
}

const park_fourto_side *park_fourto_side_get(const park_fourto_block *b, park_dir d) {
    for (int s = 0; s < 4; s++)
        if (b->sides[s].dir == d) return &b->sides[s];
    return NULL;
}

/* One item occupying code points [a, b) (already trimmed of spaces). Reads the
 * offset from its end: DIR [侧] [约] NUM 米 | DIR 侧 (an edge). */
static park_status parse_item(parser *p, size_t a, size_t b, park_fourto_item *it) {
    memset(it, 0, sizeof *it);
    it->offset_m = NAN;
    it->pos = a + 1;
    const unsigned *c = p->t.c;
    size_t e = b; /* end of the name part */
    bool unit = false;
    if (c[e - 1] == CH_MI) unit = true;
    else if ((c[e - 1] == 'm' || c[e - 1] == 'M') && e - a >= 2 && (is_digit(c[e - 2]) || is_ws(c[e - 2]))) {
        /* "300m" / "300 m": a unit only when a number precedes it */
        size_t k = e - 1;
        while (k > a && is_ws(c[k - 1])) k--;
        unit = k > a && is_digit(c[k - 1]);
    }
    if (unit) {
        size_t k = e - 1;
        while (k > a && is_ws(c[k - 1])) k--;
        size_t ne = k;
        while (k > a && (is_digit(c[k - 1]) || c[k - 1] == '.')) k--;
        if (k == ne) return perr(p, e - 1, "a distance in metres before the unit (e.g. \"东侧 300 米\")");
        char num[64];
        size_t nl = 0;
        for (size_t i = k; i < ne && nl + 1 < sizeof num; i++) num[nl++] = (char)c[i];
        num[nl] = 0;
        char *endp;
        double v = strtod(num, &endp);
        if (*endp || !isfinite(v) || num[0] == '.') return perr(p, k, "a number of metres such as 300 or 90.5");
        if (v > PARK_FOURTO_MAX_OFFSET_M) {
            char msg[160];
            snprintf(msg, sizeof msg, "a distance of at most %.0f m (not %s m: 四至 offsets are tens to hundreds of metres)",
                     PARK_FOURTO_MAX_OFFSET_M, num);
            return perr(p, k, msg);
        }
        while (k > a && is_ws(c[k - 1])) k--;
        if (k > a && c[k - 1] == CH_YUE) it->approx = 1, k--;
        if (k > a && c[k - 1] == CH_CE) k--;
        if (k > a && c[k - 1] == CH_YUE) it->approx = 1, k--; /* "约侧" is odd but harmless */
        if (k == a || dir_of(c[k - 1]) == PARK_DIR_NONE)
            return perr(p, k == a ? a : k - 1, "a direction (东/南/西/北, optionally 侧/约) before the distance, as in \"潘泾路东侧 300 米\"");
        it->offset_dir = dir_of(c[k - 1]);
        it->offset_m = v;
        e = k - 1;
    } else if (e - a >= 2 && c[e - 1] == CH_CE && dir_of(c[e - 2]) != PARK_DIR_NONE) {
        it->offset_dir = dir_of(c[e - 2]); /* an edge: "潘泾河绿化带东侧" */
        e -= 2;
    } else if (is_digit(c[e - 1])) {
        /* digits after "东侧"/"约": a distance whose unit is missing (names such
         * as "G1501" or "S20" end in digits too, so only then is it an error) */
        size_t k = e;
        while (k > a && (is_digit(c[k - 1]) || c[k - 1] == '.')) k--;
        size_t d = k;
        while (k > a && is_ws(c[k - 1])) k--;
        if (k > a && (c[k - 1] == CH_YUE || c[k - 1] == CH_CE || (dir_of(c[k - 1]) != PARK_DIR_NONE && d > k)))
            return perr(p, e, "the unit 米 after the distance");
    }
    while (e > a && is_ws(c[e - 1])) e--;
    if (e == a) return perr(p, a, "a feature name before the offset");
    it->feature = name_of(p, a, e);
    it->text = park_strndup(p->text + p->t.off[a], p->t.off[b] - p->t.off[a]);
    if (!it->feature || !it->text) {
        item_free(it);
        return park_error(p->ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    return PARK_OK;
}

static park_status add_item(parser *p, park_fourto_side *s, size_t a, size_t b) {
    park_fourto_item it;
    park_status st = parse_item(p, a, b, &it);
    if (st) return st;
    park_fourto_item *ni = realloc(s->items, (s->n + 1) * sizeof *ni);
    if (!ni) {
        item_free(&it);
        return park_error(p->ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    s->items = ni;
    s->items[s->n++] = it;
    return PARK_OK;
}

static int block_count_sides(const park_fourto_block *b) {
    int n = 0;
    for (int s = 0; s < 4; s++) n += b->sides[s].dir != PARK_DIR_NONE;
    return n;
}

static park_status block_check(parser *p, const park_fourto_block *b, size_t nb, size_t at) {
    static const park_dir order[] = {PARK_DIR_E, PARK_DIR_S, PARK_DIR_W, PARK_DIR_N};
    for (int k = 0; k < 4; k++)
        if (!park_fourto_side_get(b, order[k])) {
            char msg[256];
            snprintf(msg, sizeof msg, "%s至 in block %zu (every block needs all four sides 东至, 南至, 西至, 北至)",
                     park_dir_name(order[k]), nb);
            return perr(p, at, msg);
        }
    return PARK_OK;
}

static park_status decode(parser *p) {
    size_t len = strlen(p->text);
    if (!park_utf8_valid(p->text))
        return park_error(p->ctx, PARK_ERR_INPUT, "%s: text is not valid UTF-8 (expected UTF-8 四至 text)", p->what);
    p->t.c = malloc((len + 1) * sizeof *p->t.c);
    p->t.raw = malloc((len + 1) * sizeof *p->t.raw);
    p->t.off = malloc((len + 2) * sizeof *p->t.off);
    if (!p->t.c || !p->t.raw || !p->t.off) return park_error(p->ctx, PARK_ERR_INTERNAL, "out of memory");
    const char *s = p->text;
    size_t n = 0;
    while (*s) {
        p->t.off[n] = (size_t)(s - p->text);
        unsigned c = park_utf8_next(&s);
        p->t.raw[n] = c;
        p->t.c[n++] = norm_cp(c);
    }
    p->t.off[n] = len;
    p->t.n = n;
    return PARK_OK;
}

park_status park_fourto_parse(park_ctx *ctx, const char *text, const char *what, park_fourto **out) {
    *out = NULL;
    parser p = {ctx, text ? text : "", what ? what : "四至", {0}};
    park_status st = decode(&p);
    park_fourto *ft = calloc(1, sizeof *ft);
    if (!st && !ft) st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    const unsigned *c = p.t.c;
    size_t n = p.t.n, i = 0;
    park_fourto_block *cur = NULL;
    while (!st) {
        while (i < n && is_ws(c[i])) i++;
        if (i >= n) {
            if (!cur) st = perr(&p, i, "a side such as 东至 (the text is empty)");
            break;
        }
        if (!side_marker_at(&p, i)) {
            st = perr(&p, i, cur ? "a side marker 东至, 南至, 西至 or 北至" : "the text to begin with a side marker 东至, 南至, 西至 or 北至");
            break;
        }
        park_dir d = dir_of(c[i]);
        if (!cur || park_fourto_side_get(cur, d)) {
            /* a direction the block already has: the next block begins */
            if (cur && (st = block_check(&p, cur, ft->nblocks, i))) break;
            park_fourto_block *nb = realloc(ft->blocks, (ft->nblocks + 1) * sizeof *nb);
            if (!nb) {
                st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
                break;
            }
            ft->blocks = nb;
            cur = &ft->blocks[ft->nblocks++];
            memset(cur, 0, sizeof *cur);
        }
        park_fourto_side *side = &cur->sides[block_count_sides(cur)];
        side->dir = d;
        side->pos = i + 1;
        i += 2;
        /* the chain: items separated by '-', ended by ',' ';' '。' end of text, or
         * spaces followed by the next side marker */
        for (;;) {
            while (i < n && is_ws(c[i])) i++;
            size_t a = i;
            while (i < n && !is_chain_sep(c[i]) && !is_side_sep(c[i]) && c[i] != CH_JUHAO) {
                if (is_ws(c[i])) {
                    size_t k = i;
                    while (k < n && is_ws(c[k])) k++;
                    if (side_marker_at(&p, k)) break;
                }
                i++;
            }
            size_t b = i;
            while (b > a && is_ws(c[b - 1])) b--;
            if (b == a) {
                st = perr(&p, a, side->n ? "a feature name after '-'" : "a feature name after the side marker");
                break;
            }
            if ((st = add_item(&p, side, a, b))) break;
            if (i < n && is_chain_sep(c[i])) {
                i++;
                continue;
            }
            break;
        }
        if (st) break;
        if (i < n && is_side_sep(c[i])) {
            i++;
            while (i < n && is_ws(c[i])) i++;
            if (i >= n) {
                st = perr(&p, i, "another side after the separator");
                break;
            }
        } else if (i < n && c[i] == CH_JUHAO) {
            i++;
            while (i < n && is_ws(c[i])) i++;
            if (i < n) {
                st = perr(&p, i, "end of text after '。'");
                break;
            }
        }
    }
    if (!st && cur) st = block_check(&p, cur, ft->nblocks, n);
    cps_free(&p.t);
    if (st) {
        park_fourto_free(ft);
        return st;
    }
    *out = ft;
    return PARK_OK;
}

/* ------------------------------------------------------------------ the table */

const char *park_default_fourto_path(void) {
    static char path[4096];
    snprintf(path, sizeof path, "%s/fourto/parcels.tsv", park_default_data_dir());
    return path;
}

static void rec_free(park_fourto_record *r) {
    free(r->id), free(r->name), free(r->layout), free(r->text);
    park_fourto_free(r->parsed);
}

void park_fourto_set_free(park_fourto_set *set) {
    if (!set) return;
    for (size_t i = 0; i < set->n; i++) rec_free(&set->recs[i]);
    free(set->recs);
    free(set->path);
    free(set);
}

static const char *const tsv_cols[] = {"id", "name", "official_km2", "layout", "four_to"};

/* Splits a line at tabs into at most `max` fields (in place). */
static int split_tabs(char *line, char **f, int max) {
    int n = 0;
    f[n++] = line;
    for (char *q = line; *q; q++)
        if (*q == '\t') {
            *q = 0;
            if (n < max) f[n++] = q + 1;
            else return max + 1;
        }
    return n;
}

static bool slug_ok(const char *s) {
    if (!*s) return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-')) return false;
    return true;
}

park_status park_fourto_read(park_ctx *ctx, const char *path, park_fourto_set **out) {
    *out = NULL;
    if (!path) path = park_default_fourto_path();
    FILE *f = fopen(path, "r");
    if (!f) return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open the 四至 table (expected a TSV with columns id, name, official_km2, layout, four_to)", path);
    park_fourto_set *set = calloc(1, sizeof *set);
    if (!set) {
        fclose(f);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    set->path = park_strdup(path);
    park_status st = PARK_OK;
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    int lineno = 0, col[5] = {-1, -1, -1, -1, -1};
    bool have_header = false;
    while (!st && (got = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
        if (got == 0 || line[0] == '#') continue;
        char *fld[8];
        int nf = split_tabs(line, fld, 7);
        if (!have_header) {
            for (int k = 0; k < nf && k < 7; k++)
                for (int c = 0; c < 5; c++)
                    if (strcmp(fld[k], tsv_cols[c]) == 0) col[c] = k;
            for (int c = 0; c < 5; c++)
                if (col[c] < 0) {
                    st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: header lacks column '%s' (expected tab-separated id, name, official_km2, layout, four_to)",
                                    path, lineno, tsv_cols[c]);
                    break;
                }
            have_header = true;
            continue;
        }
        int need = 0;
        for (int c = 0; c < 5; c++) need = col[c] + 1 > need ? col[c] + 1 : need;
        if (nf < need || nf > 7) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: %d tab-separated fields (expected %d: id, name, official_km2, layout, four_to)",
                            path, lineno, nf, need);
            break;
        }
        const char *id = fld[col[0]];
        if (!slug_ok(id)) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: id '%s' is not a slug (expected lower-case ASCII letters, digits and '-')", path, lineno, id);
            break;
        }
        for (size_t k = 0; k < set->n; k++)
            if (strcmp(set->recs[k].id, id) == 0) st = park_error(ctx, PARK_ERR_INPUT, "%s:%d: id '%s' repeats line %d (expected unique ids)", path, lineno, id, set->recs[k].line);
        if (st) break;
        char *endp;
        const char *os = fld[col[2]];
        double off = strtod(os, &endp);
        if (!*os || *endp || !isfinite(off) || off <= 0) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s:%d (%s): official_km2 '%s' is not a positive number", path, lineno, id, os);
            break;
        }
        park_fourto_record *nr = realloc(set->recs, (set->n + 1) * sizeof *nr);
        if (!nr) {
            st = park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
            break;
        }
        set->recs = nr;
        park_fourto_record *r = &set->recs[set->n++];
        memset(r, 0, sizeof *r);
        r->id = park_strdup(id);
        r->name = park_strdup(fld[col[1]]);
        r->official_km2 = off;
        r->layout = park_strdup(fld[col[3]]);
        r->text = park_strdup(fld[col[4]]);
        r->line = lineno;
        char what[4200];
        snprintf(what, sizeof what, "%s:%d (%s) four_to", path, lineno, id);
        st = park_fourto_parse(ctx, r->text, what, &r->parsed);
    }
    free(line);
    fclose(f);
    if (!st && set->n == 0)
        st = park_error(ctx, PARK_ERR_INPUT, "%s: no parcels (expected a header line and one row per parcel)", path);
    if (st) {
        park_fourto_set_free(set);
        return st;
    }
    *out = set;
    return PARK_OK;
}

static void item_json(park_json *j, const park_fourto_item *it) {
    park_json_begin_obj(j);
    park_json_key(j, "text"), park_json_str(j, it->text);
    park_json_key(j, "feature"), park_json_str(j, it->feature);
    if (it->offset_dir != PARK_DIR_NONE && isnan(it->offset_m)) {
        park_json_key(j, "edge"), park_json_str(j, park_dir_name(it->offset_dir));
    } else if (it->offset_dir != PARK_DIR_NONE) {
        park_json_key(j, "offset");
        park_json_begin_obj(j);
        park_json_key(j, "dir"), park_json_str(j, park_dir_name(it->offset_dir));
        park_json_key(j, "m"), park_json_num(j, it->offset_m, 3);
        park_json_key(j, "approx"), park_json_bool(j, it->approx);
        park_json_end_obj(j);
    }
    park_json_end_obj(j);
}

char *park_fourto_set_json(const park_fourto_set *set) {
    park_buf b;
    park_buf_init(&b);
    park_buf_append(&b, "[\n");
    for (size_t i = 0; i < set->n; i++) {
        const park_fourto_record *r = &set->recs[i];
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "id"), park_json_str(&j, r->id);
        park_json_key(&j, "name"), park_json_str(&j, r->name);
        park_json_key(&j, "blocks");
        park_json_begin_arr(&j);
        for (size_t bl = 0; bl < r->parsed->nblocks; bl++) {
            park_json_begin_arr(&j);
            for (int s = 0; s < 4; s++) {
                const park_fourto_side *sd = &r->parsed->blocks[bl].sides[s];
                park_json_begin_obj(&j);
                park_json_key(&j, "side"), park_json_str(&j, park_dir_name(sd->dir));
                park_json_key(&j, "chain");
                park_json_begin_arr(&j);
                for (size_t k = 0; k < sd->n; k++) item_json(&j, &sd->items[k]);
                park_json_end_arr(&j);
                park_json_end_obj(&j);
            }
            park_json_end_arr(&j);
        }
        park_json_end_arr(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        park_buf_append(&b, s);
        park_buf_append(&b, i + 1 < set->n ? ",\n" : "\n");
        free(s);
    }
    park_buf_append(&b, "]\n");
    return park_buf_take(&b);
}
