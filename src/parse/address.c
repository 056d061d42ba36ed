/* address.c - rule-based parser for Chinese postal addresses (issue 5).
 *
 * No model and no dictionary download: a handful of ordered rules over the code
 * points of the normalised text, from the largest unit to the smallest:
 *   park/parcel names (removed first: "宝山城市工业园区" must not read as a city)
 *   -> 中国 -> 省/直辖市 -> 市 -> 区/县 -> 镇/街道/乡 -> road -> intersection or
 *   numbers (弄, 支弄, 号) -> whatever is left ("rest": building, room, company).
 * The rules only split text; whether a road exists is the resolver's question
 * (src/query/address/), which knows the gazetteer. */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"
#include "../util/arena.h"

/* ------------------------------------------------------------------ code points */

typedef struct cpstr {
    unsigned *c;
    size_t n;
} cpstr;

static int cp_decode(const char *s, cpstr *out) {
    size_t len = strlen(s);
    out->c = malloc((len + 1) * sizeof *out->c);
    out->n = 0;
    if (!out->c) return -1;
    while (*s) out->c[out->n++] = park_utf8_next(&s);
    return 0;
}

static void cp_put(park_buf *b, unsigned cp) {
    char u[4];
    size_t n;
    if (cp < 0x80) u[0] = (char)cp, n = 1;
    else if (cp < 0x800) u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    park_buf_appendn(b, u, n);
}

static char *cp_utf8(const unsigned *c, size_t n) {
    park_buf b;
    park_buf_init(&b);
    for (size_t i = 0; i < n; i++) cp_put(&b, c[i]);
    return park_buf_take(&b);
}

/* Does the UTF-8 literal `lit` occur at c[i..]? Returns its length in code points, 0 if not. */
static size_t cp_at_rest(const unsigned *c, size_t n, size_t i, const char *lit) {
    size_t k = 0;
    while (*lit) {
        unsigned want = park_utf8_next(&lit);
        if (i + k >= n || c[i + k] != want) return 0;
        k++;
    }
    return k;
}

/* The first character is compared before decoding the rest: most tries fail there
 * (the parser tries every literal at every position; issue 11). Inlined, so with a
 * literal argument the first character is a constant and a failing try is a compare
 * (it was a call and a decode, ~50 instructions, 150 tries an address). */
static inline __attribute__((always_inline)) size_t cp_at(const unsigned *c, size_t n, size_t i, const char *lit) {
    const unsigned char *u = (const unsigned char *)lit;
    if (u[0] < 0x80) {
        if (u[0] && (i >= n || c[i] != u[0])) return 0;
    } else if ((u[0] & 0xF0) == 0xE0 && (u[1] & 0xC0) == 0x80 && (u[2] & 0xC0) == 0x80) {
        if (i >= n || c[i] != (((unsigned)u[0] & 0x0F) << 12 | ((unsigned)u[1] & 0x3F) << 6 | ((unsigned)u[2] & 0x3F))) return 0;
    }
    return cp_at_rest(c, n, i, lit);
}

/* First literal of a NULL-terminated list that occurs at i (list longest-first).
 * c[i] is encoded as UTF-8 once and a literal is tried only when its leading bytes
 * are c[i]'s: most tries fail there, with a byte compare instead of decoding the
 * literal's first character (issue 11). */
static size_t cp_at_any(const unsigned *c, size_t n, size_t i, const char *const *lits, int *which) {
    if (i >= n) return 0; /* no literal of a list is empty */
    unsigned char u[4] = {0, 0, 0, 0};
    unsigned cp = c[i];
    size_t ul;
    if (cp < 0x80) u[0] = (unsigned char)cp, ul = 1;
    else if (cp < 0x800) u[0] = (unsigned char)(0xC0 | (cp >> 6)), u[1] = (unsigned char)(0x80 | (cp & 0x3F)), ul = 2;
    else if (cp < 0x10000)
        u[0] = (unsigned char)(0xE0 | (cp >> 12)), u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
        u[2] = (unsigned char)(0x80 | (cp & 0x3F)), ul = 3;
    else
        u[0] = (unsigned char)(0xF0 | (cp >> 18)), u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (unsigned char)(0x80 | (cp & 0x3F)), ul = 4;
    for (int k = 0; lits[k]; k++) {
        const unsigned char *l = (const unsigned char *)lits[k];
        if (l[0] != u[0] || (ul > 1 && (l[1] != u[1] || (ul > 2 && (l[2] != u[2] || (ul > 3 && l[3] != u[3])))))) continue;
        size_t m = cp_at_rest(c, n, i, lits[k]);
        if (m) {
            if (which) *which = k;
            return m;
        }
    }
    return 0;
}

static bool is_cjk(unsigned cp) {
    return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0x20000 && cp <= 0x3FFFF);
}
static bool is_digit(unsigned cp) { return cp >= '0' && cp <= '9'; }
static bool is_alnum(unsigned cp) { return cp < 0x80 && isalnum((int)cp); }

/* ------------------------------------------------------------------ normalisation */

/* UTF-8 of cp at o; returns the bytes written (1..4). */
static size_t cp_enc(char *o, unsigned cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6)), o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)), o[1] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)), o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* park_address_normalize into out, which has room for 3 * strlen(text) + 1 bytes
 * (no code point grows: an invalid byte, read as U+FFFD, is the one that becomes 3
 * bytes); returns the length written (NUL-terminated). Written in place rather than
 * through a park_buf, a call per character (issue 11). */
size_t park_address_normalize_into(const char *text, char *out) {
    const char *s = text ? text : "";
    char *o = out;
    unsigned prev = 0; /* last code point written */
    bool pending_space = false, pending_comma = false;
    while (*s) {
        unsigned cp;
        if ((unsigned char)*s < 0x80) cp = (unsigned char)*s++;
        else cp = park_utf8_next(&s);
        if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0; /* full-width ASCII */
        if (cp == 0x3000 || cp == 0xA0 || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2002 || cp == 0x2003 ||
            cp == 0x2009)
            cp = ' ';
        if (cp == 0xFEFF || cp == 0x200B) continue; /* BOM, zero-width space */
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) continue; /* control characters (park_address.controls) */
        if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xFE63 || cp == 0x301C || cp == '~' || cp == 0x2053)
            cp = '-';
        if (cp == 0x3010 || cp == 0x3014 || cp == 0x300C || cp == 0x300E) cp = '(';
        if (cp == 0x3011 || cp == 0x3015 || cp == 0x300D || cp == 0x300F) cp = ')';
        /* 、 (U+3001) is kept: it separates intersection roads */
        if (cp == 0x3002) cp = ' ';    /* 。 */
        if (cp == 0x865F) cp = 0x53F7; /* 號 -> 号: the one traditional form seen in house numbers */
        if (cp == ' ') {
            pending_space = true;
            continue;
        }
        /* Commas and semicolons (，；) separate the parts of an address as written in
         * spreadsheets ("上海市，宝山区，富联一路98弄6号"); between Chinese words they carry
         * nothing the rules need and would stop them, so they are dropped. Between two
         * ASCII characters one is kept: it is the separator of "121.38,31.35". */
        if (cp == ',' || cp == ';') {
            pending_comma = true;
            continue;
        }
        if (pending_comma && prev && prev < 0x80 && cp < 0x80) *o++ = ',';
        else if (pending_space && is_alnum(prev) && (is_alnum(cp) || cp == '.' || cp == '-' || cp == '+')) *o++ = ' ';
        pending_space = pending_comma = false;
        o += cp_enc(o, cp);
        prev = cp;
    }
    *o = 0;
    return (size_t)(o - out);
}

char *park_address_normalize(const char *text) {
    size_t len = text ? strlen(text) : 0;
    char *out = malloc(3 * len + 1);
    if (!out) abort(); /* as park_buf did: the one allocation a string function cannot report */
    park_address_normalize_into(text, out);
    return out;
}

/* ------------------------------------------------------------------ edit distance */

size_t park_utf8_edit_distance(const char *a, const char *b) {
    cpstr x, y;
    if (cp_decode(a ? a : "", &x)) return SIZE_MAX;
    if (cp_decode(b ? b : "", &y)) {
        free(x.c);
        return SIZE_MAX;
    }
    size_t *row = malloc((y.n + 1) * sizeof *row);
    size_t d = SIZE_MAX;
    if (row) {
        for (size_t j = 0; j <= y.n; j++) row[j] = j;
        for (size_t i = 1; i <= x.n; i++) {
            size_t diag = row[0];
            row[0] = i;
            for (size_t j = 1; j <= y.n; j++) {
                size_t up = row[j];
                size_t best = diag + (x.c[i - 1] != y.c[j - 1]);
                if (up + 1 < best) best = up + 1;
                if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
                row[j] = best;
                diag = up;
            }
        }
        d = row[y.n];
    }
    free(row), free(x.c), free(y.c);
    return d;
}

/* ------------------------------------------------------------------ knowledge */

/* The parcels' names as in the plan, with the ways people write them. Longest
 * alias first within a parcel; matching picks the longest alias at the first
 * position where any occurs. The canonical name is what the layer's `name` field
 * holds; an entry whose canonical name is a prefix ("电子商务示范基地") stands for
 * every parcel of that name, and the resolver says it is ambiguous. No alias
 * starts with 上海: "上海机器人产业园" is 上海市 + 机器人产业园. */
static const struct park_alias {
    const char *canonical;
    const char *aliases[6];
} PARK_ALIASES[] = {
    {"张江高新区宝山园", {"张江高新技术产业开发区宝山园", "张江高新区宝山园", "张江宝山园", NULL}},
    {"宝山工业园区", {"宝山工业园区", "宝山工业园", NULL}},
    {"罗店工业园区", {"罗店工业园区", "罗店工业园", NULL}},
    {"机器人产业园", {"机器人产业园区", "机器人产业园", NULL}},
    {"城市工业园区", {"宝山城市工业园区", "城市工业园区", "城市工业园", NULL}},
    {"复旦高新技术产业基地", {"复旦高新技术产业基地", "复旦高新技术产业化基地", NULL}},
    {"文化产业示范基地", {"文化产业示范基地", NULL}},
    {"电子商务示范基地(北块)", {"电子商务示范基地(北块)", "电子商务示范基地北块", NULL}},
    {"电子商务示范基地(南块)", {"电子商务示范基地(南块)", "电子商务示范基地南块", NULL}},
    {"电子商务示范基地", {"电子商务示范基地", NULL}},
    {"南大地区", {"南大智慧城", "南大地区", NULL}},
    {"北上海生物医药产业园(南区)", {"北上海生物医药产业园(南区)", "北上海生物医药产业园南区", NULL}},
    /* the whole park: 北区, 中区 and 南区 (plan, ../seeds/001); only 南区 is a parcel here */
    {"北上海生物医药产业园", {"北上海生物医药产业园", NULL}},
};
#define NPARKS (sizeof PARK_ALIASES / sizeof PARK_ALIASES[0])

/* Shanghai's 16 districts (and the old names people still write). */
static const struct district {
    const char *name;      /* without 区 */
    const char *canonical; /* with 区, current name */
} SH_DISTRICTS[] = {
    {"浦东新", "浦东新区"}, {"浦东", "浦东新区"}, {"黄浦", "黄浦区"}, {"徐汇", "徐汇区"}, {"长宁", "长宁区"},
    {"静安", "静安区"},     {"普陀", "普陀区"},   {"虹口", "虹口区"}, {"杨浦", "杨浦区"}, {"闵行", "闵行区"},
    {"宝山", "宝山区"},     {"嘉定", "嘉定区"},   {"金山", "金山区"}, {"松江", "松江区"}, {"青浦", "青浦区"},
    {"奉贤", "奉贤区"},     {"崇明", "崇明区"},   {"闸北", "静安区"}, {"卢湾", "黄浦区"}, {"南汇", "浦东新区"},
};
#define NDISTRICTS (sizeof SH_DISTRICTS / sizeof SH_DISTRICTS[0])

/* Baoshan's 9 towns (镇) and 3 subdistricts (街道). Written with or without the suffix. */
static const struct town {
    const char *name, *suffix;
} BS_TOWNS[] = {
    {"罗店", "镇"}, {"大场", "镇"}, {"杨行", "镇"}, {"月浦", "镇"},     {"罗泾", "镇"},   {"顾村", "镇"},
    {"高境", "镇"}, {"庙行", "镇"}, {"淞南", "镇"}, {"友谊路", "街道"}, {"吴淞", "街道"}, {"张庙", "街道"},
};
#define NTOWNS (sizeof BS_TOWNS / sizeof BS_TOWNS[0])

static const char *const MUNICIPALITIES[] = {"北京", "天津", "重庆", NULL};
/* Characters that start a road suffix: a place name followed by one of these is a
 * road, not a town or district ("宝山路" is a road in Jing'an, not 宝山区). */
static const char *const ROAD_SUFFIXES[] = {"高速公路", "公路", "高速", "大道", "大街", "路", "街", "巷", NULL};

static bool road_suffix_at(const unsigned *c, size_t n, size_t i) {
    if (i >= n) return false;
    /* the suffixes' first characters: 高 公 大 路 街 巷 (most positions are none of them) */
    if (c[i] != 0x9AD8 && c[i] != 0x516C && c[i] != 0x5927 && c[i] != 0x8DEF && c[i] != 0x8857 && c[i] != 0x5DF7) return false;
    if (cp_at(c, n, i, "街道")) return false;
    if (cp_at(c, n, i, "街坊")) return false; /* "大华二村二街坊": a block of an estate, not a street */
    return cp_at_any(c, n, i, ROAD_SUFFIXES, NULL) > 0;
}

/* Whether c[i..k) holds a road word: then it is (part of) a road, not the name
 * of a city, district or town ("工业路市台路口" is two roads, not a city 工业路市). */
static bool has_road_word(const unsigned *c, size_t n, size_t i, size_t k) {
    for (size_t j = i; j < k; j++)
        if (road_suffix_at(c, n, j) || cp_at(c, n, j, "弄")) return true;
    return false;
}

/* ------------------------------------------------------------------ numbers */

static int cn_digit(unsigned cp) {
    static const char *d = "〇一二三四五六七八九";
    const char *p = d;
    for (int k = 0; k < 10; k++)
        if (park_utf8_next(&p) == cp) return k;
    if (cp == 0x96F6) return 0; /* 零 */
    if (cp == 0x4E24) return 2; /* 两 */
    return -1;
}
static int cn_unit(unsigned cp) {
    if (cp == 0x5341) return 10;   /* 十 */
    if (cp == 0x767E) return 100;  /* 百 */
    if (cp == 0x5343) return 1000; /* 千 */
    return 0;
}
static bool is_numeral(unsigned cp) { return is_digit(cp) || cn_digit(cp) >= 0 || cn_unit(cp) > 0; }

/* Reads a number at c[*i] (ASCII digits, or Chinese numerals "九十八"); writes its
 * decimal text to out. false when none. A digit run ("一零八") is copied digit by
 * digit like ASCII digits (cut at outlen); a value with units ("二千零五") is summed
 * in unsigned arithmetic and saturates far above any house number, so a hostile
 * run of numerals cannot overflow (issue 12). */
static bool read_number(const unsigned *c, size_t n, size_t *i, char *out, size_t outlen) {
    size_t j = *i;
    if (j < n && is_digit(c[j])) {
        size_t k = 0;
        while (j < n && is_digit(c[j]) && k + 1 < outlen) out[k++] = (char)c[j++];
        out[k] = 0;
        *i = j;
        return true;
    }
    unsigned long long total = 0;
    const unsigned long long cap = 1000000000000ULL;
    int cur = -1;
    bool plain = true; /* plain: digit run like 一零八 */
    size_t k = 0;
    for (; j < n; j++) {
        int d = cn_digit(c[j]), u = cn_unit(c[j]);
        if (d < 0 && !u) break;
        if (d >= 0) {
            cur = d;
            if (k + 1 < outlen && !(k == 0 && d == 0)) out[k++] = (char)('0' + d); /* "零八" is 8 */
        } else {
            plain = false;
            if (total < cap) total += (unsigned long long)(cur < 0 ? 1 : cur) * (unsigned long long)u; /* "十二" = 12 */
            cur = -1;
        }
    }
    if (j == *i) return false;
    if (plain) {
        if (k == 0) out[k++] = '0';
        out[k] = 0;
    } else {
        if (cur > 0) total += (unsigned long long)cur;
        snprintf(out, outlen, "%llu", total);
    }
    *i = j;
    return true;
}

/* ------------------------------------------------------------------ coordinates */

static bool in_lon(double v) { return v >= 73 && v <= 136; }
static bool in_lat(double v) { return v >= 3 && v <= 54; }

/* One coordinate of a pair: the token up to the next separator. A token made
 * only of ASCII letters, digits, signs and points that starts like a number
 * ("0x79", "121.4abc") is meant as a number; anything else (98弄) is not. */
static bool coord_token(const char **s, char *tok, size_t n, bool *numberish) {
    const char *b = *s, *e = b;
    while (*e && !strchr(",; /()", *e)) e++;
    if (e == b || (size_t)(e - b) >= n) return false;
    memcpy(tok, b, (size_t)(e - b));
    tok[e - b] = 0;
    *numberish = strchr("+-.0123456789", tok[0]) != NULL;
    for (const char *c = tok; *c; c++)
        if (!(isalnum((unsigned char)*c) || strchr("+-.", *c))) *numberish = false;
    *s = e;
    return true;
}

/* "121.38,31.35", "121.38 31.35", "(31.35, 121.38)": 1 when the whole text is
 * two numbers, -1 when they are out of range for China, -2 when it is two
 * number-like tokens of which one is not plain decimal (*bad, *why say which:
 * strtod would read "0x79" as 121), 0 when it is not a pair. */
static int parse_coords(const char *norm, double *lon, double *lat, int *swapped, char *bad, size_t badlen,
                        const char **why) {
    const char *s = norm;
    char tok[2][64];
    bool numberish[2];
    while (*s == '(' || *s == ' ') s++;
    /* a first token that does not start like a number makes no pair (the checks below
     * would say so after reading it): most addresses stop here (issue 11) */
    if (!*s || !strchr("+-.0123456789", *s)) return 0;
    if (!coord_token(&s, tok[0], sizeof tok[0], &numberish[0])) return 0;
    while (*s == ',' || *s == ' ' || *s == ';' || *s == '/') s++;
    if (!coord_token(&s, tok[1], sizeof tok[1], &numberish[1])) return 0;
    while (*s == ')' || *s == ' ') s++;
    if (*s || !numberish[0] || !numberish[1]) return 0;
    double v[2];
    for (int k = 0; k < 2; k++)
        if (!park_parse_number(tok[k], &v[k], why)) {
            snprintf(bad, badlen, "%s", tok[k]);
            return -2;
        }
    double a = v[0], b = v[1];
    *swapped = 0;
    if (in_lon(a) && in_lat(b)) *lon = a, *lat = b;
    else if (in_lat(a) && in_lon(b)) *lon = b, *lat = a, *swapped = 1;
    else return -1;
    return 1;
}

/* ------------------------------------------------------------------ the parser */

const char *park_addr_kind_name(park_addr_kind k) {
    switch (k) {
    case PARK_ADDR_COORDS: return "coordinates";
    case PARK_ADDR_INTERSECTION: return "intersection";
    case PARK_ADDR_ROAD: return "road";
    case PARK_ADDR_PARK: return "park";
    case PARK_ADDR_ADMIN: return "admin";
    case PARK_ADDR_STATION: return "station";
    }
    return "?";
}

/* A parsed address and the arena its strings live in (issue 11: one allocation for
 * the address and every field, where each field was a malloc and a free). Only this
 * file makes park_address objects, so park_address_free may take any for one. */
typedef struct addr_block {
    park_address a; /* first: the address handed out is the block */
    park_arena ar;
    bool oom;       /* a string could not be stored (the parse fails: out of memory) */
    char buf[];     /* the arena's first block */
} addr_block;

void park_address_free(park_address *a) {
    if (!a) return;
    addr_block *b = (addr_block *)a;
    park_arena_free(&b->ar);
    free(b);
}

/* "" for absent fields: never written (rest, the one field edited in place, is always
 * the arena's own copy) */
static char EMPTY[1] = "";

/* field = a copy of s[0..n) in the arena */
static void set_n(addr_block *b, char **field, const char *s, size_t n) {
    char *v = park_arena_strndup(&b->ar, s, n);
    if (!v) b->oom = true;
    *field = v ? v : EMPTY;
}
static void set_str(addr_block *b, char **field, const char *s) { set_n(b, field, s, strlen(s)); }
/* field = v (malloc'd, freed here; NULL: out of memory) */
static void set_own(addr_block *b, char **field, char *v) {
    if (!v) b->oom = true, *field = EMPTY;
    else set_str(b, field, v);
    free(v);
}
/* field = the UTF-8 of code points c[0..n) */
static void set_cp(addr_block *b, char **field, const unsigned *c, size_t n) {
    char *v = n <= SIZE_MAX / 8 ? park_arena_alloc(&b->ar, 4 * n + 1) : NULL;
    if (!v) {
        b->oom = true, *field = EMPTY;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += cp_enc(v + k, c[i]);
    v[k] = 0;
    *field = v;
}

/* Recognises a park alias anywhere in c[0..n); returns its index and span. */
/* find_park's table: each alias's first code point (0 for an empty alias) and a
 * bit (cp & 63) per first character; made once (park_first_init). */
static unsigned park_first[NPARKS * 6];
static size_t park_first_n;
static uint64_t park_first_seen;
static pthread_once_t park_first_once = PTHREAD_ONCE_INIT;
static void park_first_init(void) {
    size_t na = 0;
    uint64_t seen = 0;
    for (size_t p = 0; p < NPARKS; p++)
        for (int k = 0; PARK_ALIASES[p].aliases[k] && na < NPARKS * 6; k++) {
            const char *q = PARK_ALIASES[p].aliases[k];
            park_first[na] = *q ? park_utf8_next(&q) : 0;
            seen |= park_first[na] ? (uint64_t)1 << (park_first[na] & 63) : ~(uint64_t)0;
            na++;
        }
    park_first_n = na, park_first_seen = seen;
}

static int find_park(unsigned *c, size_t n, size_t *at, size_t *len) { /* c not const: GCC 12 warns (falsely) on a const view of t.c */
    /* each alias's first character, decoded once for the process (pthread_once: the
     * batch's threads parse at once): a position no alias starts with is passed over
     * without trying them all (issue 11) */
    pthread_once(&park_first_once, park_first_init);
    const unsigned *first = park_first;
    const uint64_t seen = park_first_seen;
    const size_t na = park_first_n;
    for (size_t i = 0; i < n; i++) {
        if (!(seen >> (c[i] & 63) & 1)) continue;
        int best = -1;
        size_t blen = 0, a = 0;
        for (size_t p = 0; p < NPARKS; p++)
            for (int k = 0; PARK_ALIASES[p].aliases[k]; k++, a++) {
                if (a < na && first[a] && c[i] != first[a]) continue;
                size_t m = cp_at(c, n, i, PARK_ALIASES[p].aliases[k]);
                if (m > blen) blen = m, best = (int)p;
            }
        if (best >= 0) {
            *at = i, *len = blen;
            return best;
        }
    }
    return -1;
}

/* A road at c[i..]: name characters then a suffix. Name characters are CJK, ASCII
 * letters, or digits directly before the suffix ("富联1路", "G1501公路"); the scan
 * stops at a house number ("98弄") or a separator. Returns the end (exclusive),
 * 0 when there is no road here; then *stop is where the scan ended (see road_at). */
static size_t read_road_scan(const unsigned *c, size_t n, size_t i, size_t *stop) {
    *stop = i;
    size_t j = i, name = 0;
    /* an expressway code, "G1501" / "S20", with or without 高速(公路) after it */
    if (i < n && (c[i] == 'G' || c[i] == 'S' || c[i] == 'g' || c[i] == 's') && i + 1 < n && is_digit(c[i + 1]) &&
        (i == 0 || !(c[i - 1] < 0x80 && isalnum((int)c[i - 1])))) {
        size_t k = i + 1;
        while (k < n && is_digit(c[k])) k++;
        if (road_suffix_at(c, n, k)) return k + cp_at_any(c, n, k, ROAD_SUFFIXES, NULL);
        if (k == n || !(c[k] < 0x80 && isalnum((int)c[k]))) return k;
    }
    while (j < n) {
        /* a lane word inside a longer name (issue 10): "东西巷街", "郁江巷路", "东南弄街" are
         * streets named after a lane (the street suffix follows); "陈巷村", "东南弄村" are
         * villages (村 follows), not a road */
        bool lane_word = name > 0 && (cp_at(c, n, j, "巷") || (name >= 2 && cp_at(c, n, j, "弄") && !is_numeral(c[j - 1])));
        if (lane_word && j + 1 < n && (cp_at(c, n, j + 1, "街") || cp_at(c, n, j + 1, "路")) && !cp_at(c, n, j + 1, "街道"))
            return j + 2;
        if (lane_word && cp_at(c, n, j + 1, "村")) {
            name++, j++;
            continue;
        }
        if (name > 0 && road_suffix_at(c, n, j)) {
            size_t m = cp_at_any(c, n, j, ROAD_SUFFIXES, NULL);
            return j + m;
        }
        /* a named lane "福佑弄": CJK name then 弄, not a number then 弄 */
        if (name >= 2 && cp_at(c, n, j, "弄") && !is_numeral(c[j - 1])) return j + 1;
        if (is_cjk(c[j]) || (c[j] < 0x80 && isalpha((int)c[j]))) {
            name++, j++;
            continue;
        }
        if (is_digit(c[j])) {
            /* digits belong to the name only when the suffix follows them */
            size_t k = j;
            while (k < n && is_digit(c[k])) k++;
            if (name + (k - j) > 0 && road_suffix_at(c, n, k)) {
                name += k - j, j = k;
                continue;
            }
            if (j == i) j = k; /* a digit run not before a suffix: no start inside it reads a road */
        }
        break;
    }
    *stop = j;
    return 0;
}

/* Where read_road is known to fail: from every start in (lo, hi). */
typedef struct road_memo {
    size_t lo, hi;
} road_memo;

static bool expressway_start(const unsigned *c, size_t n, size_t i) {
    return (c[i] == 'G' || c[i] == 'S' || c[i] == 'g' || c[i] == 's') && i + 1 < n && is_digit(c[i + 1]);
}

/* read_road, in linear time over a run of calls at increasing starts (a hostile
 * 20,000-letter field took 89 s when every start rescanned to the end, issue 12
 * item 4). A failed scan from i over name letters c[i..stop) also fails from
 * every start inside: each condition for a road there (a suffix after a
 * non-empty name, a 2-character name before 弄) would have held, with a longer
 * name, from i. The one exception is an expressway code ("中G1501"), which needs
 * the character before it and is checked anew. A failed scan of a digit run
 * fails from every digit of the run the same way. */
static size_t road_at(const unsigned *c, size_t n, size_t i, road_memo *m) {
    if (i > m->lo && i < m->hi && !expressway_start(c, n, i)) return 0;
    size_t stop, r = read_road_scan(c, n, i, &stop);
    if (!r && stop > i + 1) m->lo = i, m->hi = stop;
    return r;
}

static size_t read_road(const unsigned *c, size_t n, size_t i) {
    size_t stop;
    return read_road_scan(c, n, i, &stop);
}

static const char *const CROSS_JOINERS[] = {"交汇", "与", "和", "及", "、", "/", "&", "x", "X", "×", "-", NULL};
static const char *const CROSS_ENDS[] = {"交叉路口", "交叉口", "交汇处", "交界处", "路口", "交口", "交界", "口", "附近", "处", NULL};
static const char *const NEAR_WORDS[] = {"靠近", "近", "邻近", NULL};

park_status park_address_parse(park_ctx *ctx, const char *text, park_address **out) {
    *out = NULL;
    if (!text) text = "";
    if (!park_utf8_valid(text))
        return park_error(ctx, PARK_ERR_USAGE, "address is not valid UTF-8 (expected UTF-8 text such as 上海市宝山区富联一路98弄6号)");
    size_t tlen = strlen(text);
    if (tlen > PARK_ADDRESS_MAX_BYTES) {
        size_t cut = 30; /* quote the start, on a character boundary */
        while (cut < tlen && ((unsigned char)text[cut] & 0xC0) == 0x80) cut++;
        return park_error(ctx, PARK_ERR_USAGE, "address '%.*s...' is %zu bytes long (at most %d bytes are read: an address, not a document)",
                          (int)cut, text, tlen, PARK_ADDRESS_MAX_BYTES);
    }
    /* the arena's first block: the input, its normalised form (no longer than the valid
     * UTF-8 input) and the fields, pieces of it (a piece of n code points is given 4n + 1
     * bytes); more is taken from malloc when an address ever needs it */
    size_t room = 4 * tlen + 256;
    addr_block *ab = calloc(1, sizeof *ab + room);
    if (!ab) return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    park_arena_init(&ab->ar, ab->buf, room);
    park_address *a = &ab->a;
    char **fields[] = {&a->province, &a->city, &a->district, &a->town,  &a->road,     &a->road2, &a->relation,
                       &a->lane,     &a->sublane, &a->number, &a->park, &a->park_text, &a->rest, &a->station};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) *fields[i] = EMPTY;
    set_n(ab, &a->input, text, tlen);
    {
        char norm[3 * PARK_ADDRESS_MAX_BYTES + 1];
        size_t nl = park_address_normalize_into(text, norm);
        set_n(ab, &a->normalized, norm, nl);
    }
    if (ab->oom) {
        park_address_free(a);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    /* control characters: ASCII ones byte by byte; a sequence is decoded only when its lead
     * byte can start one (C0-C3, and the overlong forms' E0/F0: U+0080-U+009F, or a
     * control written overlong, which park_utf8_valid lets through), the rest skipped by
     * their length: the text is valid here, so every sequence is whole (issue 11) */
    for (const unsigned char *q = (const unsigned char *)text; *q;) {
        unsigned b0 = *q;
        if (b0 < 0x80) {
            a->controls += (b0 < 0x20 && b0 != '\t' && b0 != '\n' && b0 != '\r') || b0 == 0x7F;
            q++;
        } else if (b0 < 0xC4 || b0 == 0xE0 || b0 == 0xF0) {
            const char *p = (const char *)q;
            unsigned cp = park_utf8_next(&p);
            q = (const unsigned char *)p;
            a->controls += (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
        } else q += b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
    }
    a->lon = a->lat = NAN;
    if (!a->normalized[0]) {
        park_address_free(a);
        return park_error(ctx, PARK_ERR_USAGE,
                          "empty address (expected e.g. 上海市宝山区富联一路98弄6号, a park name, or LON,LAT)");
    }

    /* coordinates: the whole text is two numbers */
    char bad[64];
    const char *why = "";
    int cr = parse_coords(a->normalized, &a->lon, &a->lat, &a->swapped, bad, sizeof bad, &why);
    if (cr == -2) {
        park_status st = park_error(ctx, PARK_ERR_USAGE, "'%s': coordinate '%s' %s (expected LON,LAT in decimal degrees, e.g. 121.38,31.35)",
                                    a->input, bad, why);
        park_address_free(a);
        return st;
    }
    if (cr < 0) {
        park_status st = park_error(ctx, PARK_ERR_USAGE,
                                    "'%s': coordinates out of range for China (expected LON,LAT with longitude 73..136 and latitude 3..54, e.g. 121.38,31.35)",
                                    a->input);
        park_address_free(a);
        return st;
    }
    if (cr > 0) {
        a->kind = PARK_ADDR_COORDS;
        a->has_coords = 1;
        *out = a;
        return PARK_OK;
    }

    /* the code points on the stack: the normalised text of a valid address is no longer
     * than the input (at most PARK_ADDRESS_MAX_BYTES), so no more code points (issue 11:
     * a malloc a parse); anything longer, which cannot happen, from the heap */
    unsigned cstack[PARK_ADDRESS_MAX_BYTES + 1];
    cpstr t = {cstack, 0};
    if (strlen(a->normalized) <= PARK_ADDRESS_MAX_BYTES) {
        for (const char *q = a->normalized; *q;) t.c[t.n++] = (unsigned char)*q < 0x80 ? (unsigned char)*q++ : park_utf8_next(&q);
    } else if (cp_decode(a->normalized, &t)) {
        park_address_free(a);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    unsigned *c = t.c;
    size_t n = t.n;
    bool any_cjk = false;
    for (size_t k = 0; k < n; k++) any_cjk |= is_cjk(c[k]);

    /* 1. park names, removed so the admin rules do not read into them */
    size_t pat, plen, park_gap = SIZE_MAX; /* where the text after a removed park name now starts */
    int pk = find_park(c, n, &pat, &plen);
    if (pk >= 0) {
        set_str(ab, &a->park, PARK_ALIASES[pk].canonical);
        set_cp(ab, &a->park_text, c + pat, plen);
        memmove(c + pat, c + pat + plen, (n - pat - plen) * sizeof *c);
        n -= plen;
        park_gap = pat;
        /* "张江高新区宝山园机器人产业园": the whole park, then one of its parcels; the
         * parcel is the more precise answer (PARK_ALIASES[0] is the whole park) */
        int pk2 = pk == 0 ? find_park(c, n, &pat, &plen) : -1;
        if (pk2 > 0) {
            set_str(ab, &a->park, PARK_ALIASES[pk2].canonical);
            set_cp(ab, &a->park_text, c + pat, plen);
            memmove(c + pat, c + pat + plen, (n - pat - plen) * sizeof *c);
            n -= plen;
            park_gap = pat;
        }
    }

    /* 1b. a metro station, "(近)(地铁7号线)上大路(地铁)站": removed like a park name;
     * alone it is the place, with a road it is a "near" hint */
    for (size_t k = 0; k < n; k++) {
        if (!cp_at(c, n, k, "站") || road_suffix_at(c, n, k + 1)) continue;
        size_t e = k, b = k;
        static const char *const METRO[] = {"地铁", "轨交", "轨道交通", NULL};
        for (int w = 0; METRO[w]; w++) { /* "上大路地铁站" */
            size_t ml = 0;
            for (const char *q = METRO[w]; *q; park_utf8_next(&q)) ml++;
            if (e >= ml && cp_at(c, n, e - ml, METRO[w])) {
                e -= ml;
                break;
            }
        }
        b = e;
        while (b > 0 && is_cjk(c[b - 1]) && !cp_at(c, n, b - 1, "近") && !cp_at(c, n, b - 1, "线") && e - b < 8) b--;
        /* "...区上大路站": the name starts after the last admin word or 号 */
        for (size_t j = b; j < e; j++)
            if (cp_at(c, n, j, "区") || cp_at(c, n, j, "镇") || cp_at(c, n, j, "号") || cp_at(c, n, j, "市")) b = j + 1;
        static const char *const NOT_METRO[] = {"加油", "公交", "服务", "工作", "汽车", "充电", "变电", "泵", "电", "水", "车", NULL};
        bool service = false;
        for (int w = 0; NOT_METRO[w]; w++) {
            size_t ml = 0;
            for (const char *q = NOT_METRO[w]; *q; park_utf8_next(&q)) ml++;
            service |= e >= b + ml && cp_at(c, n, e - ml, NOT_METRO[w]);
        }
        if (e < b + 2 || service) continue;
        set_cp(ab, &a->station, c + b, e - b);
        /* drop the phrase: "近", "地铁", "7号线", brackets around it */
        size_t from = b, to = k + 1, ml;
        if (from >= 1 && cp_at(c, n, from - 1, "线")) { /* "7号线" / "七号线" */
            size_t f = from - 1;
            if (f > 0 && cp_at(c, n, f - 1, "号")) f--;
            size_t g = f;
            while (g > 0 && is_numeral(c[g - 1])) g--;
            if (g < f) from = g;
        }
        for (int w = 0; METRO[w]; w++) {
            ml = 0;
            for (const char *q = METRO[w]; *q; park_utf8_next(&q)) ml++;
            if (from >= ml && cp_at(c, n, from - ml, METRO[w])) {
                from -= ml;
                break;
            }
        }
        if (from >= 2 && cp_at(c, n, from - 2, "靠近")) from -= 2;
        else if (from >= 1 && cp_at(c, n, from - 1, "近")) from -= 1;
        static const char *const AFTER[] = {"附近", "旁", "口", NULL};
        to += cp_at_any(c, n, to, AFTER, NULL);
        if (from > 0 && c[from - 1] == '(' && to < n && c[to] == ')') from--, to++;
        memmove(c + from, c + to, (n - to) * sizeof *c);
        n -= to - from;
        break;
    }

    size_t i = 0;
    park_buf rest;
    park_buf_init(&rest);
    /* 2. country */
    size_t m;
    if ((m = cp_at(c, n, i, "中华人民共和国")) || (m = cp_at(c, n, i, "中国"))) i += m;
    /* a leading postcode (6 digits) */
    if (n - i > 6) {
        size_t k = i;
        while (k < n && is_digit(c[k])) k++;
        if (k - i == 6) {
            i = k;
            while (i < n && (c[i] == ',' || c[i] == ' ')) i++;
        }
    }

    /* 3. province / municipality */
    if ((m = cp_at(c, n, i, "上海市")) || ((m = cp_at(c, n, i, "上海")) && !road_suffix_at(c, n, i + m))) {
        /* "上海宝山城市工业园区市台路": with the park name taken out, 市 begins the road (issue 10) */
        if (m == 3 && i + 2 == park_gap) m = 2;
        set_str(ab, &a->province, "上海市");
        a->in_shanghai = 1;
        i += m;
    } else {
        int w;
        if ((m = cp_at_any(c, n, i, MUNICIPALITIES, &w)) && !road_suffix_at(c, n, i + m)) {
            set_own(ab, &a->province, park_asprintf("%s市", MUNICIPALITIES[w]));
            a->in_shanghai = -1;
            i += m + (cp_at(c, n, i + m, "市") ? 1 : 0);
        } else {
            /* "江苏省", "广西壮族自治区": 2..7 CJK then 省/自治区 */
            for (size_t k = i + 2; k <= i + 7 && k < n; k++) {
                if (!is_cjk(c[k - 1])) break;
                size_t s = cp_at(c, n, k, "省");
                if (!s) s = cp_at(c, n, k, "自治区");
                if (s) {
                    set_cp(ab, &a->province, c + i, k + s - i);
                    a->in_shanghai = -1;
                    i = k + s;
                    break;
                }
            }
        }
    }
    /* 4. prefecture city (not Shanghai): 2..3 CJK then 市, not a road ("市台路") */
    if (a->in_shanghai <= 0) {
        for (size_t k = i + 2; k <= i + 3 && k < n; k++) {
            if (!is_cjk(c[k - 1])) break;
            bool admin_word = false; /* "宝山区市台路": a district then a road, not a city 宝山区市 */
            for (size_t j = i; j < k; j++)
                admin_word |= cp_at(c, n, j, "区") || cp_at(c, n, j, "县") || cp_at(c, n, j, "镇") || cp_at(c, n, j, "省");
            if (cp_at(c, n, k, "市") && !road_suffix_at(c, n, k + 1) && !cp_at(c, n, k - 1, "城") &&
                !has_road_word(c, n, i, k) && !admin_word) {
                set_cp(ab, &a->city, c + i, k + 1 - i);
                a->in_shanghai = -1;
                i = k + 1;
                break;
            }
        }
    }
    /* 5. district: a Shanghai district (with 区, or bare right after 上海), else
     * any "XX区/县" that is not a 园区/小区/社区... */
    bool after_shanghai = a->in_shanghai == 1;
    for (size_t d = 0; d < NDISTRICTS && a->in_shanghai >= 0; d++) {
        size_t dm = cp_at(c, n, i, SH_DISTRICTS[d].name);
        if (!dm) continue;
        size_t sfx = cp_at(c, n, i + dm, "区");
        if (!sfx && strcmp(SH_DISTRICTS[d].name, "浦东新") && cp_at(c, n, i + dm, "县")) sfx = 1;
        if (!sfx && (!after_shanghai || road_suffix_at(c, n, i + dm))) continue;
        set_str(ab, &a->district, SH_DISTRICTS[d].canonical);
        a->in_shanghai = 1;
        a->in_baoshan = strcmp(SH_DISTRICTS[d].canonical, "宝山区") ? -1 : 1;
        i += dm + sfx;
        break;
    }
    if (!a->district[0]) {
        for (size_t k = i + 1; k <= i + 4 && k < n; k++) {
            if (!is_cjk(c[k - 1])) break;
            size_t s = cp_at(c, n, k, "区");
            if (!s) s = cp_at(c, n, k, "县");
            if (!s || k + 1 >= n) continue;
            /* 园区, 小区, 社区, 地区, 校区, 景区, 厂区, 城区, 片区, 新区, 开发区: not districts */
            static const char *const NOT_BEFORE[] = {"园", "小", "社", "地", "校", "景", "厂", "城", "片", "新", "发", "南", "北", "东", "西", NULL};
            if (cp_at_any(c, n, k - 1, NOT_BEFORE, NULL) || has_road_word(c, n, i, k)) continue;
            set_cp(ab, &a->district, c + i, k + 1 - i);
            a->in_baoshan = -1;
            if (!a->in_shanghai) a->in_shanghai = -1; /* not one of Shanghai's districts */
            i = k + 1;
            break;
        }
    }
    /* 6. town: a Baoshan town (suffix optional unless a road follows), else "XX镇/街道/乡" */
    for (size_t k = 0; k < NTOWNS && a->in_baoshan >= 0; k++) {
        size_t tm = cp_at(c, n, i, BS_TOWNS[k].name);
        if (!tm) continue;
        size_t sfx = cp_at(c, n, i + tm, BS_TOWNS[k].suffix);
        if (!sfx && (road_suffix_at(c, n, i + tm) || i + tm + 2 > n || !strcmp(BS_TOWNS[k].suffix, "街道"))) continue;
        set_own(ab, &a->town, park_asprintf("%s%s", BS_TOWNS[k].name, BS_TOWNS[k].suffix));
        if (!a->in_baoshan) a->in_baoshan = 1;
        if (!a->in_shanghai) a->in_shanghai = 1;
        i += tm + sfx;
        break;
    }
    if (!a->town[0]) {
        for (size_t k = i + 2; k <= i + 4 && k < n; k++) {
            if (!is_cjk(c[k - 1])) break;
            size_t s = cp_at(c, n, k, "街道");
            if (!s) s = cp_at(c, n, k, "镇");
            if (!s) s = cp_at(c, n, k, "乡");
            /* "天平路街道" is a subdistrict named after a road; a 镇/乡 name holds no road word */
            if (!s || road_suffix_at(c, n, k + s) || (!cp_at(c, n, k, "街道") && has_road_word(c, n, i, k))) continue;
            set_cp(ab, &a->town, c + i, k + s - i);
            i = k + s;
            break;
        }
    }

    /* 7. road: the first road after the admin part; text before it is kept in rest */
    size_t rs = i, re = 0;
    road_memo memo = {0, 0};
    for (; rs < n; rs++)
        if ((re = road_at(c, n, rs, &memo))) break;
    if (re) {
        if (rs > i) { /* e.g. a company name before the road */
            char *pre = cp_utf8(c + i, rs - i);
            park_buf_append(&rest, pre);
            free(pre);
        }
        /* Text glued before the road name (a company, a building, "工业园区") ends at
         * the last such word, provided a real name (2+ characters) remains. */
        static const char *const BEFORE_ROAD[] = {"有限公司", "公司", "集团", "大厦", "广场", "中心", "园区", "基地",
                                                  "小区", "社区", "大学", "学院", "医院", "园", "厂", NULL};
        size_t cut = rs;
        if (re > rs) {
            /* nsfx[x - rs]: the first road suffix at or after x (re if none), so the
             * name length after each word costs O(1), not a rescan (issue 12, item 4) */
            size_t *nsfx = malloc((re - rs + 1) * sizeof *nsfx);
            if (nsfx) {
                nsfx[re - rs] = re;
                for (size_t x = re; x-- > rs;) nsfx[x - rs] = road_suffix_at(c, n, x) ? x : nsfx[x + 1 - rs];
                for (size_t k = rs; k < re; k++) {
                    size_t w = cp_at_any(c, n, k, BEFORE_ROAD, NULL);
                    if (w && k + w < re && nsfx[k + w - rs] - (k + w) >= 2) cut = k + w;
                }
                free(nsfx);
            }
        }
        if (cut > rs) {
            char *pre = cp_utf8(c + rs, cut - rs);
            park_buf_append(&rest, pre);
            free(pre);
            rs = cut;
        }
        set_cp(ab, &a->road, c + rs, re - rs);
        i = re;
        /* 8. intersection: "与B路(交叉口)", "B路口", "近B路", or a bare second road */
        size_t j = i, jm;
        int rel = 0; /* 1 crossing, 2 near */
        if ((jm = cp_at_any(c, n, j, CROSS_JOINERS, NULL))) j += jm, rel = 1;
        else if ((jm = cp_at_any(c, n, j, NEAR_WORDS, NULL))) j += jm, rel = 2;
        size_t r2 = read_road(c, n, j);
        if (r2 && rel == 0) {
            /* "A路B路口" or "A路B路" with nothing but a crossing word after it */
            size_t e = r2 + cp_at_any(c, n, r2, CROSS_ENDS, NULL);
            if (e == n || cp_at_any(c, n, r2, CROSS_ENDS, NULL)) rel = 1;
            else r2 = 0;
        }
        if (r2 && rel) {
            set_cp(ab, &a->road2, c + j, r2 - j);
            set_str(ab, &a->relation, rel == 1 ? "crossing" : "near");
            i = r2 + cp_at_any(c, n, r2, CROSS_ENDS, NULL);
        }
    }

    /* 9. numbers: 98弄 3支弄 6号 (digits or Chinese numerals), "6-8号" */
    for (int guard = 0; guard < 4 && i < n; guard++) {
        size_t j = i;
        char num[32], num2[32];
        /* "甲6号": a prefix some Shanghai house numbers carry; kept with the number */
        static const char *const STEMS[] = {"甲", "乙", "丙", "丁", NULL};
        int stem = -1;
        if (cp_at_any(c, n, j, STEMS, &stem) && j + 1 < n && is_digit(c[j + 1])) j++;
        else stem = -1;
        if (!read_number(c, n, &j, num, sizeof num)) break;
        if (stem >= 0 && strlen(num) + strlen(STEMS[stem]) < sizeof num) {
            memmove(num + strlen(STEMS[stem]), num, strlen(num) + 1);
            memcpy(num, STEMS[stem], strlen(STEMS[stem]));
        }
        num2[0] = 0;
        if (j < n && c[j] == '-') {
            size_t k = j + 1;
            if (read_number(c, n, &k, num2, sizeof num2)) j = k;
            else num2[0] = 0;
        }
        if (cp_at(c, n, j, "支弄")) {
            set_str(ab, &a->sublane, num), i = j + 2;
        } else if (cp_at(c, n, j, "弄")) {
            set_str(ab, &a->lane, num), i = j + 1;
        } else if (cp_at(c, n, j, "号") && !cp_at(c, n, j + 1, "楼") && !cp_at(c, n, j + 1, "院")) {
            if (num2[0]) set_own(ab, &a->number, park_asprintf("%s-%s", num, num2));
            else set_str(ab, &a->number, num);
            i = j + 1;
            if (a->number[0] && cp_at(c, n, i, "-")) { /* "6号-8号" */
                size_t k = i + 1;
                if (read_number(c, n, &k, num2, sizeof num2) && cp_at(c, n, k, "号")) {
                    set_own(ab, &a->number, park_asprintf("%s-%s", num, num2));
                    i = k + 1;
                }
            }
        } else if (j == n && a->road[0] && !a->number[0] && is_digit(c[i])) {
            set_str(ab, &a->number, num), i = j; /* "富联路1500" */
        } else break;
    }
    /* "(近B路)" after the number: a hint the resolver can use */
    if (!a->road2[0] && a->road[0]) {
        road_memo nmemo = {0, 0};
        for (size_t k = i; k < n; k++) {
            size_t w = cp_at_any(c, n, k, NEAR_WORDS, NULL);
            if (!w) continue;
            size_t r2 = road_at(c, n, k + w, &nmemo);
            if (r2) {
                set_cp(ab, &a->road2, c + k + w, r2 - k - w);
                set_str(ab, &a->relation, "near");
                /* drop the hint (and a surrounding pair of brackets) from what is left */
                size_t from = (k > 0 && c[k - 1] == '(') ? k - 1 : k, to = r2;
                if (from < k && to < n && c[to] == ')') to++;
                memmove(c + from, c + to, (n - to) * sizeof *c);
                n -= to - from;
                break;
            }
        }
    }
    if (i < n) {
        char *r = cp_utf8(c + i, n - i);
        park_buf_append(&rest, r);
        free(r);
    }
    set_n(ab, &a->rest, rest.s ? rest.s : "", rest.len);
    park_buf_free(&rest);
    /* brackets emptied by what the rules took out of them ("(富联一路98弄6号)") say nothing */
    /* (one pass, as a stack: the same as deleting "()" until none is left, "(())" included, in linear time) */
    if (a->rest != EMPTY) {
        char *w = a->rest;
        for (const char *r = a->rest; *r; r++) {
            *w++ = *r;
            if (w - a->rest >= 2 && w[-1] == ')' && w[-2] == '(') w -= 2;
        }
        *w = 0;
    }
    if (t.c != cstack) free(t.c);

    if (ab->oom) {
        park_address_free(a);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    if (a->road[0] && a->road2[0]) a->kind = PARK_ADDR_INTERSECTION;
    else if (a->road[0]) a->kind = PARK_ADDR_ROAD;
    else if (a->park[0]) a->kind = PARK_ADDR_PARK;
    else if (a->station[0]) a->kind = PARK_ADDR_STATION;
    else if (a->province[0] || a->city[0] || a->district[0] || a->town[0]) a->kind = PARK_ADDR_ADMIN;
    else {
        park_status st = park_error(
            ctx, PARK_ERR_USAGE,
            "cannot read an address in '%s': %s (expected e.g. 上海市宝山区富联一路98弄6号, 富联一路富长路口, 机器人产业园, or LON,LAT)",
            a->input, any_cjk ? "no road (路/公路/街/大道), park name, district or town found" : "no Chinese place words and not a coordinate pair");
        park_address_free(a);
        return st;
    }
    *out = a;
    return PARK_OK;
}
