/* cmd_locate_batch.c - `parkgis locate --batch FILE|-` (issues 5, 11).
 *
 * Streams: one CSV record is read (src/util/csv.c, parsed in place), answered
 * and written before the next is read, so memory does not grow with the file
 * (only the resolver's cache of roads, bounded by the gazetteer). A bad row
 * never stops the run: its error goes into the row's `error` column and is
 * counted in the summary.
 *
 * Output columns are chosen with --columns from the table COLUMNS below; each
 * column says what it needs (NEED_*), and a row computes only the most any
 * asked column needs: parcel_id alone on coordinate rows is a point-in-parcel
 * test, distance_m adds the geodesic distance, confidence/candidates/note the
 * full resolution. Address rows always resolve (the address is the question).
 * To add a column: one writer function and one line in COLUMNS. */
#define _GNU_SOURCE /* memrchr */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/internal.h"
#include "../src/util/csv.h"
#include "locate_batch.h"

/* ------------------------------------------------------------------ one row */

/* What a row needs computed, in increasing cost. */
enum {
    NEED_NONE = 0,
    NEED_LOCATE = 1,  /* which parcel holds the point */
    NEED_DIST = 2,    /* + distance to its edge / the nearest parcel (geodesic) */
    NEED_RESOLVE = 3, /* + the resolver's answer: match, confidence, candidates, note */
};

typedef struct batch_row {
    const park_csv_reader *in;
    bool answered;            /* an answer (also "not found" for an address) */
    park_status st;           /* PARK_ERR_NOTFOUND for a not-found address */
    bool point;               /* a coordinate row (--lon-column/--lat-column) */
    const char *lon_text, *lat_text; /* the input text of a coordinate row */
    size_t lon_len, lat_len;
    bool wgs84_input;         /* the input text is the WGS84 point (datum wgs84/cgcs2000) */
    const park_parcel *parcel; /* the best parcel, or NULL */
    bool inside;
    bool has_point;           /* lon/lat below are set (WGS84) */
    double lon, lat;
    bool has_loc;             /* loc is set (NEED_DIST on a coordinate row) */
    bool has_res;             /* res is set (NEED_RESOLVE, or an address row) */
    bool converted;           /* the row was read as GB18030 (--encoding) */
    int controls;             /* control characters dropped from the address (park_address.controls) */
    park_buf err;             /* the row's error text, "" when none (kept between rows) */
    /* from here on set only when has_loc / has_res say so */
    park_locate_result loc;
    park_resolution res;
} batch_row;

typedef struct batch_col {
    const char *name;
    int need;
    const char *doc;
    void (*put)(park_csv_writer *w, const batch_row *r);
} batch_col;

static void put_parcel_id(park_csv_writer *w, const batch_row *r) {
    if (r->parcel) park_csv_put_field(w, r->parcel->id);
}
static void put_parcel(park_csv_writer *w, const batch_row *r) {
    if (r->parcel) park_csv_put_field(w, r->parcel->name);
}
static void put_layout(park_csv_writer *w, const batch_row *r) {
    if (r->parcel) park_csv_put_field(w, r->parcel->layout);
}
static void put_inside(park_csv_writer *w, const batch_row *r) {
    if (r->answered && (r->has_res ? r->res.match != PARK_MATCH_NOT_FOUND : true)) park_csv_put_str(w, r->inside ? "yes" : "no");
}
static void put_match(park_csv_writer *w, const batch_row *r) {
    if (r->has_res && r->answered) park_csv_put_str(w, park_match_name(r->res.match));
    else if (r->answered && r->point) park_csv_put_str(w, park_match_name(PARK_MATCH_EXACT));
}
static void put_confidence(park_csv_writer *w, const batch_row *r) {
    if (r->has_res && r->answered) park_csv_put_fixed(w, r->res.confidence, 2);
}
static void put_candidates(park_csv_writer *w, const batch_row *r) {
    if (!r->has_res || !r->answered) return;
    /* "id:share;id:share" never holds , " or a newline unless an id does */
    park_buf b;
    park_buf_init(&b);
    for (size_t i = 0; i < r->res.ncandidates; i++) {
        const park_candidate *c = &r->res.candidates[i];
        char sh[32];
        park_fmt_num(sh, sizeof sh, c->share, 2);
        if (i) park_buf_appendn(&b, ";", 1);
        park_buf_append(&b, c->parcel ? c->parcel->id : "outside");
        park_buf_appendn(&b, ":", 1);
        park_buf_append(&b, sh);
    }
    park_csv_put_fieldn(w, b.s ? b.s : "", b.len);
    park_buf_free(&b);
}
static double row_distance(const batch_row *r) {
    if (r->has_loc) return r->loc.distance_m;
    if (r->has_res) return r->res.distance_m;
    return NAN;
}
static void put_distance(park_csv_writer *w, const batch_row *r) {
    if (r->answered) park_csv_put_fixed(w, row_distance(r), 2);
}
static void put_nearest(park_csv_writer *w, const batch_row *r) {
    const park_parcel *n = r->has_loc ? r->loc.nearest : r->has_res ? (r->res.inside ? r->res.parcel : r->res.nearest) : NULL;
    if (r->answered && n) park_csv_put_field(w, n->id);
}
static void put_coord(park_csv_writer *w, const batch_row *r, bool lat) {
    if (!r->answered || !r->has_point) return;
    if (r->point && r->wgs84_input) { /* the input's own text: the exact number given */
        park_csv_put_fieldn(w, lat ? r->lat_text : r->lon_text, lat ? r->lat_len : r->lon_len);
        return;
    }
    park_csv_put_fixed(w, lat ? r->lat : r->lon, 7);
}
static void put_lon(park_csv_writer *w, const batch_row *r) { put_coord(w, r, false); }
static void put_lat(park_csv_writer *w, const batch_row *r) { put_coord(w, r, true); }
static void put_note(park_csv_writer *w, const batch_row *r) {
    if (!(r->has_res && r->answered) && !r->converted && !r->controls) return;
    if (!r->converted && !r->controls) { /* the resolver's note alone: written as it is, not copied (issue 11) */
        park_csv_put_field(w, r->res.note ? r->res.note : "");
        return;
    }
    park_buf b;
    park_buf_init(&b);
    if (r->has_res && r->answered) park_buf_append(&b, r->res.note);
    if (r->converted) park_buf_printf(&b, "%s(the row was read as GB18030: it is not UTF-8)", b.len ? " " : "");
    if (r->controls)
        park_buf_printf(&b, "%s(%d control character%s dropped from the address)", b.len ? " " : "", r->controls, r->controls > 1 ? "s" : "");
    park_csv_put_field(w, b.s ? b.s : "");
    park_buf_free(&b);
}
static void put_error_m(park_csv_writer *w, const batch_row *r) {
    if (r->has_res && r->answered && r->res.has_point && isfinite(r->res.error_m)) park_csv_put_fixed(w, r->res.error_m, 0);
    else if (r->answered && r->point && !r->has_res) park_csv_put_str(w, "0");
}
static void put_point_from(park_csv_writer *w, const batch_row *r) {
    if (r->has_res && r->answered && r->res.has_point) park_csv_put_field(w, r->res.point_from);
    else if (r->answered && r->point) park_csv_put_str(w, "coordinates");
}
static void put_error(park_csv_writer *w, const batch_row *r) {
    if (r->err.len) park_csv_put_fieldn(w, r->err.s, r->err.len);
}

static const batch_col COLUMNS[] = {
    {"parcel_id", NEED_LOCATE, "id of the parcel holding the point or address (empty: none, or no single one)", put_parcel_id},
    {"parcel", NEED_LOCATE, "that parcel's name", put_parcel},
    {"layout", NEED_LOCATE, "that parcel's layout elements (';'-separated)", put_layout},
    {"inside", NEED_LOCATE, "yes when inside a parcel of the park, else no", put_inside},
    {"match", NEED_LOCATE, "exact, intersection, road, boundary, ambiguous, park, station, outside, not_found", put_match},
    {"confidence", NEED_RESOLVE, "0..1, the scale is in README (Address lookup)", put_confidence},
    {"candidates", NEED_RESOLVE, "parcel_id:share;... every parcel considered, best first", put_candidates},
    {"distance_m", NEED_DIST, "inside: geodesic metres to the parcel's edge; outside: to the nearest parcel", put_distance},
    {"nearest", NEED_DIST, "id of the nearest parcel (the parcel itself when inside)", put_nearest},
    {"lon", NEED_LOCATE, "WGS84 longitude of the point answered (a coordinate row's own text when given in WGS84)", put_lon},
    {"lat", NEED_LOCATE, "WGS84 latitude, likewise", put_lat},
    {"error_m", NEED_LOCATE, "the point's own 1-sigma error in metres (0 for coordinates; empty: no point)", put_error_m},
    {"point_from", NEED_LOCATE, "how the point was found: coordinates, crossing, house number, place, ...", put_point_from},
    {"note", NEED_RESOLVE, "why: the resolver's explanation in words, with the single lookup's warnings", put_note},
    {"error", NEED_NONE, "why the row could not be answered (always written, last, unless listed)", put_error},
};
enum { NCOLUMNS = sizeof COLUMNS / sizeof COLUMNS[0], MAXCOLS = 64 };
static const char DEFAULT_COLUMNS[] = "parcel_id,parcel,layout,match,confidence,candidates,lon,lat,error_m,note,error";

const char CLI_BATCH_HELP[] =
    "  --columns LIST     the answer columns to write after the input columns, in this order,\n"
    "      comma-separated (default parcel_id,parcel,layout,match,confidence,candidates,lon,lat,\n"
    "      error_m,note,error).\n"
    "      Only what the columns need is computed: parcel_id,parcel,layout,inside,match,lon,lat,\n"
    "      error_m,point_from\n"
    "      a point-in-parcel test; distance_m,nearest the geodesic distance as well;\n"
    "      confidence,candidates,note the full resolution (for coordinates, the note and the\n"
    "      geodesic distance only when note or distance_m is listed). error is added last\n"
    "      unless listed.\n"
    "      'parkgis locate --batch - --columns help' lists them.\n"
    "  --threads N        answer the rows on N threads (the output is the same; each thread has\n"
    "      its own copy of the parcels and, for addresses or the full resolution, its own\n"
    "      resolver; a file with quotes goes on in one thread from its first quoted block)\n";

static const batch_col *find_column(const char *name, size_t n) {
    for (size_t i = 0; i < NCOLUMNS; i++)
        if (strlen(COLUMNS[i].name) == n && !strncmp(COLUMNS[i].name, name, n)) return &COLUMNS[i];
    return NULL;
}

/* Parses --columns into cols[]; returns the count, or -1 after a usage message. */
static int parse_columns(park_cli *cli, const char *list, const batch_col **cols) {
    int n = 0;
    bool has_error = false;
    for (const char *s = list;;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        while (len && (*s == ' ')) s++, len--;
        while (len && s[len - 1] == ' ') len--;
        const batch_col *c = find_column(s, len);
        if (!c) {
            park_buf b;
            park_buf_init(&b);
            for (size_t i = 0; i < NCOLUMNS; i++) park_buf_printf(&b, "%s%s", i ? ", " : "", COLUMNS[i].name);
            cli_usage_error(cli, "locate", "--columns: unknown column '%.*s' (expected some of: %s)", (int)len, s, b.s);
            park_buf_free(&b);
            return -1;
        }
        if (n == MAXCOLS - 1) {
            cli_usage_error(cli, "locate", "--columns: more than %d columns", MAXCOLS - 2);
            return -1;
        }
        has_error |= c->put == put_error;
        cols[n++] = c;
        if (!e) break;
        s = e + 1;
    }
    if (!has_error) cols[n++] = find_column("error", 5);
    return n;
}

static void list_columns(void) {
    puts("column,computes,meaning");
    static const char *const NEED[] = {"-", "point-in-parcel", "distance", "resolution"};
    for (size_t i = 0; i < NCOLUMNS; i++)
        printf("%s,%s,\"%s\"\n", COLUMNS[i].name, NEED[COLUMNS[i].need], COLUMNS[i].doc);
}

/* ------------------------------------------------------------------ the batch */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The header row, kept while the reader's buffer is reused for data rows. */
typedef struct csv_hdr {
    char **f;
    size_t nf;
} csv_hdr;
static const char *hdr_field(const csv_hdr *h, size_t i) { return i < h->nf ? h->f[i] : ""; }
static void hdr_free(csv_hdr *h) {
    for (size_t i = 0; i < h->nf; i++) free(h->f[i]);
    free(h->f);
}

static int find_col(const csv_hdr *hdr, const char *name) {
    for (size_t i = 0; i < hdr->nf; i++)
        if (!strcmp(hdr_field(hdr, i), name)) return (int)i;
    for (size_t i = 0; i < hdr->nf; i++) /* then ignoring ASCII case */
        if (park_streq_ci(hdr_field(hdr, i), name)) return (int)i;
    return -1;
}

static void flush_writer(void *w) { park_csv_flush(w); }

typedef struct batch_state {
    iconv_t gb;         /* GB18030 -> UTF-8, or (iconv_t)-1 */
    int enc;            /* 0 auto, 1 UTF-8, 2 GB18030 */
    bool conv;          /* this row's fields are the converted ones below */
    char **cv;          /* converted fields (UTF-8) */
    size_t *cl, ncv, cvcap;
    park_cli *cli;
    const cli_batch_opts *o;
    park_layer *layer;
    park_resolver *res; /* NULL unless some row needs it */
    const char *gaz_dirs; /* the gazetteer directories res was loaded from (--threads: one per worker) */
    int need;           /* for coordinate rows */
    int ai, xi, yi;     /* address column, or lon/lat columns */
    unsigned point;     /* PARK_POINT_* coordinate rows need (issue 11: the columns asked) */
} batch_state;

static const char *fval(const batch_state *b, const park_csv_reader *r, size_t i) {
    return b->conv && i < b->ncv ? b->cv[i] : park_csv_value(r, i);
}
static size_t flen(const batch_state *b, const park_csv_reader *r, size_t i) {
    return b->conv && i < b->ncv ? b->cl[i] : park_csv_value_len(r, i);
}

/* GB18030 -> UTF-8 of n bytes; new string, NULL when the bytes are not GB18030. */
static char *gb_to_utf8(iconv_t cd, const char *s, size_t n, size_t *outn) {
    size_t cap = 4 * n + 1, left = cap - 1, inl = n;
    char *buf = malloc(cap), *o = buf, *in = (char *)s;
    if (!buf) return NULL;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &in, &inl, &o, &left) == (size_t)-1 || inl) {
        free(buf);
        return NULL;
    }
    *o = 0, *outn = (size_t)(o - buf);
    return buf;
}

/* Decides whether the current record is read as GB18030 and converts it:
 * --encoding GB18030 always; auto when some field is not valid UTF-8 and every
 * field converts. Sets b->conv. */
static void convert_row(batch_state *b, const park_csv_reader *r) {
    for (size_t i = 0; i < b->ncv; i++) free(b->cv[i]);
    b->ncv = 0, b->conv = false;
    if (b->enc == 1 || b->gb == (iconv_t)-1) return;
    size_t nf = park_csv_nfields(r);
    bool need = b->enc == 2;
    if (!need) { /* plain ASCII (most coordinate rows) is UTF-8: no copy, no decoding (issue 11) */
        unsigned char hi = 0;
        for (size_t i = 0; i < nf; i++) {
            const unsigned char *v = (const unsigned char *)park_csv_value(r, i);
            for (size_t k = 0, n = park_csv_value_len(r, i); k < n; k++) hi |= v[k];
        }
        if (hi < 0x80) return;
    }
    /* each field is NUL-terminated in the reader's buffer (csv.h), so checked in place: a
     * copy of its n bytes read as a C string is the same text up to its first NUL */
    for (size_t i = 0; i < nf && !need; i++) need = !park_utf8_valid(park_csv_value(r, i));
    if (!need) return;
    if (nf > b->cvcap) {
        char **t = realloc(b->cv, nf * sizeof *t);
        size_t *tl = t ? realloc(b->cl, nf * sizeof *tl) : NULL;
        if (t) b->cv = t;
        if (!tl) return;
        b->cl = tl, b->cvcap = nf;
    }
    for (size_t i = 0; i < nf; i++) {
        b->cv[i] = gb_to_utf8(b->gb, park_csv_value(r, i), park_csv_value_len(r, i), &b->cl[i]);
        if (!b->cv[i]) { /* not GB18030 either: the row stays as read (its error says it is not UTF-8) */
            for (size_t k = 0; k < i; k++) free(b->cv[k]);
            return;
        }
        b->ncv = i + 1;
    }
    b->conv = true;
}

/* Answers one data row into row (row->err says why not). */
static void answer_row(batch_state *b, const park_csv_reader *r, size_t hdr_nf, batch_row *row) {
    park_cli *cli = b->cli;
    long line = park_csv_line(r);
    const char *cerr = park_csv_error(r);
    if (cerr) {
        park_buf_printf(&row->err, "line %ld: %s", line, cerr);
        return;
    }
    if (park_csv_nfields(r) != hdr_nf) {
        park_buf_printf(&row->err, "line %ld: %zu fields, the header has %zu (expected one value per column; quote values containing commas)",
                        line, park_csv_nfields(r), hdr_nf);
        return;
    }
    park_status st;
    if (b->ai >= 0) {
        const char *text = fval(b, r, (size_t)b->ai);
        park_address *a = NULL;
        row->converted = b->conv;
        if (!park_utf8_valid(text)) {
            park_buf_printf(&row->err, "line %ld: address is not valid UTF-8%s", line,
                            b->enc == 1 ? " (--encoding UTF-8 was given; a GBK file needs --encoding GB18030)" : " nor GB18030");
        } else if ((st = park_address_parse(cli->ctx, text, &a)) != PARK_OK) {
            /* text the rules cannot read may still be a named place (绿地领海) */
            park_status pst = st;
            char *msg = park_strdup(park_ctx_errmsg(cli->ctx));
            park_ctx_clear_error(cli->ctx);
            bool cjk = false;
            for (const unsigned char *q = (const unsigned char *)text; *q && !cjk; q++) cjk = *q >= 0x80;
            if (pst == PARK_ERR_USAGE && cjk && park_address_resolve_place(cli->ctx, b->res, text, &row->res) == PARK_OK) {
                row->has_res = true, row->answered = true, row->st = PARK_OK;
                row->parcel = row->res.parcel, row->inside = row->res.inside != 0;
                row->has_point = row->res.has_point != 0, row->lon = row->res.lon, row->lat = row->res.lat;
            } else {
                if (cjk && pst == PARK_ERR_USAGE) park_resolution_clear(&row->res);
                park_buf_printf(&row->err, "line %ld: %s", line, msg);
            }
            free(msg);
        } else {
            row->controls = a->controls;
            st = park_address_resolve(cli->ctx, b->res, a, b->o->datum, &row->res);
            row->has_res = true;
            if (st == PARK_OK || st == PARK_ERR_NOTFOUND) { /* not found is an answer too */
                row->answered = true, row->st = st;
                row->parcel = row->res.parcel, row->inside = row->res.inside != 0;
                row->has_point = row->res.has_point != 0, row->lon = row->res.lon, row->lat = row->res.lat;
                if (st == PARK_ERR_NOTFOUND) park_buf_append(&row->err, row->res.note ? row->res.note : park_ctx_errmsg(cli->ctx));
            } else park_buf_printf(&row->err, "line %ld: %s", line, park_ctx_errmsg(cli->ctx));
        }
        park_address_free(a);
        return;
    }
    row->point = true;
    double lon, lat;
    size_t xl = flen(b, r, (size_t)b->xi), yl = flen(b, r, (size_t)b->yi);
    const char *xs = fval(b, r, (size_t)b->xi), *ys = fval(b, r, (size_t)b->yi);
    const char *why = "";
    if (!park_csv_parse_number(xs, xl, &lon, &why)) {
        park_buf_printf(&row->err, "line %ld: %s '%s' %s (expected decimal degrees, e.g. 121.38)", line, b->o->lon_col, xs, why);
        return;
    }
    if (!park_csv_parse_number(ys, yl, &lat, &why)) {
        park_buf_printf(&row->err, "line %ld: %s '%s' %s (expected decimal degrees, e.g. 31.35)", line, b->o->lat_col, ys, why);
        return;
    }
    /* the text as given, without the blanks park_parse_number allows around it */
    while (xl && (*xs == ' ' || *xs == '\t')) xs++, xl--;
    while (xl && (xs[xl - 1] == ' ' || xs[xl - 1] == '\t')) xl--;
    while (yl && (*ys == ' ' || *ys == '\t')) ys++, yl--;
    while (yl && (ys[yl - 1] == ' ' || ys[yl - 1] == '\t')) yl--;
    row->lon_text = xs, row->lon_len = xl, row->lat_text = ys, row->lat_len = yl;
    row->wgs84_input = b->o->datum == PARK_DATUM_WGS84 || b->o->datum == PARK_DATUM_CGCS2000;
    if (b->need >= NEED_RESOLVE) {
        st = park_address_resolve_point(cli->ctx, b->res, lon, lat, b->o->datum, &row->res);
        row->has_res = true;
        if (st == PARK_OK) {
            row->answered = true;
            row->parcel = row->res.parcel, row->inside = row->res.inside != 0;
            row->has_point = true, row->lon = row->res.lon, row->lat = row->res.lat;
        }
    } else if (b->need == NEED_LOCATE) { /* the parcel alone: the grid kernel */
        double wl, wt;
        size_t i = (size_t)-1;
        if ((st = park_datum_to_wgs84(cli->ctx, b->o->datum, lon, lat, &wl, &wt)) == PARK_OK &&
            (st = park_locate_parcel(cli->ctx, b->layer, wl, wt, PARK_DATUM_WGS84, &i)) == PARK_OK) {
            row->answered = true, row->inside = i != (size_t)-1;
            row->parcel = row->inside ? park_layer_get(b->layer, i) : NULL;
            row->has_point = true, row->lon = wl, row->lat = wt;
        }
    } else {
        st = park_locate_lonlat(cli->ctx, b->layer, lon, lat, b->o->datum, &row->loc);
        if (st == PARK_OK) {
            row->answered = true, row->has_loc = b->need >= NEED_DIST;
            row->parcel = row->loc.parcel, row->inside = row->loc.inside != 0;
            row->has_point = true, row->lon = row->loc.wgs84_lon, row->lat = row->loc.wgs84_lat;
        }
    }
    if (st != PARK_OK) park_buf_printf(&row->err, "line %ld: %s", line, park_ctx_errmsg(cli->ctx));
}

typedef struct batch_counts {
    long rows, located, inside, notfound, bad, unclosed;
} batch_counts;

/* Answers every record of r into w (counting into *n); returns PARK_CSV_EOF,
 * PARK_CSV_IO_ERROR, or PARK_CSV_RECORD when writing failed. */
static park_csv_result run_rows(batch_state *b, park_csv_reader *r, park_csv_writer *w, size_t hdr_nf, const batch_col *const *cols,
                                int ncols, batch_counts *n, bool tty) {
    park_cli *cli = b->cli;
    long rows = 0;
    double t0 = now_s(), last = t0;
    park_csv_result got;
    batch_row row;
    memset(&row, 0, sizeof row);
    park_buf_init(&row.err);
    while ((got = park_csv_next(r)) != PARK_CSV_EOF && got != PARK_CSV_IO_ERROR) {
        if (got == PARK_CSV_RECORD && park_csv_nfields(r) == 1 && park_csv_value_len(r, 0) == 0) continue; /* a blank line */
        rows++, n->rows++;
        park_buf eb = row.err;
        memset(&row, 0, offsetof(batch_row, loc));
        row.err = eb, row.err.len = 0;
        if (row.err.s) row.err.s[0] = 0;
        row.in = r;
        convert_row(b, r);
        answer_row(b, r, hdr_nf, &row);
        if (row.answered) {
            if (row.st == PARK_ERR_NOTFOUND) n->notfound++;
            else n->located++, n->inside += row.inside;
        } else n->bad++;
        /* the input columns as read (padded to the header's width so the output
         * stays rectangular), then the answer */
        bool plain = park_csv_plain(r) && !b->conv;
        for (size_t i = 0; i < hdr_nf; i++) {
            if (plain) park_csv_put_raw(w, park_csv_value(r, i), park_csv_value_len(r, i));
            else park_csv_put_fieldn_nul(w, fval(b, r, i), flen(b, r, i));
            park_csv_sep(w);
        }
        for (int i = 0; i < ncols; i++) {
            if (i) park_csv_sep(w);
            cols[i]->put(w, &row);
        }
        park_csv_eol(w);
        if (row.has_res) park_resolution_clear(&row.res);
        park_ctx_clear_error(cli->ctx);
        if (tty && (rows & 63) == 0) {
            double t = now_s();
            if (t - last >= 0.5) {
                fprintf(stderr, "\r%s locate: %ld rows, %.0f rows/s ", cli->prog, rows, rows / (t - t0));
                last = t;
            }
        }
        if (park_csv_writer_error(w)) break;
    }
    park_buf_free(&row.err);
    n->unclosed += park_csv_unclosed(r);
    return got;
}

/* ------------------------------------------------------------------ --threads
 *
 * Rows are answered on worker threads (coordinate rows, and since issue 11's
 * second round address rows and the full resolution too, each worker with a
 * resolver of its own: the answers do not depend on what a resolver has
 * remembered, so the output is the same; tests/cli/batch.t checks it). The
 * main thread cuts the input into blocks of whole lines (~1 MiB, at the last
 * newline) and writes the answered blocks in order; each worker has its own
 * context, its own copy of the parcels and so its own index, grid, GEOS handle
 * and PROJ objects (nothing of parkgis's is shared while rows are answered; GEOS
 * 3.11's C API makes every geometry on its one default GeometryFactory, whose
 * reference count is a plain int bumped by every thread, libgeos/geos#847, an
 * atomic count proposed in PR #1307: the count can go wrong under threads, but
 * the default factory is static and never freed by its count, so nothing reads
 * it that matters; ThreadSanitizer reports it). A block holding
 * a quote could cut a quoted field in two, so from the first such block on the
 * rest of the input is read by one reader, as without --threads: the output is
 * the same byte for byte either way. */

enum { TBLOCK = 1 << 20, TBLOCK_RESOLVE = 1 << 14 }; /* a resolved row costs ~100 times a located one */

typedef struct tslot {
    char *in;
    size_t inlen, incap;
    long first_line;
    char *out;
    size_t outlen;
    batch_counts n;
    int state; /* 0 free, 1 to answer, 2 being answered, 3 answered */
} tslot;

typedef struct tworker {
    struct tpool *pool;
    park_cli cli;
    batch_state b;
    pthread_t th;
    bool started;
} tworker;

typedef struct tpool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    tslot *slots;
    int nslots;
    long submitted, taken;
    bool closing;
    size_t hdr_nf;
    const batch_col *const *cols;
    int ncols;
} tpool;

static void *tworker_main(void *arg) {
    tworker *wk = arg;
    tpool *p = wk->pool;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (p->taken == p->submitted && !p->closing) pthread_cond_wait(&p->cv, &p->mu);
        if (p->taken == p->submitted) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        tslot *s = &p->slots[p->taken++ % p->nslots];
        s->state = 2;
        pthread_mutex_unlock(&p->mu);
        memset(&s->n, 0, sizeof s->n);
        park_csv_reader *r = park_csv_reader_new_prefixed(-1, s->in, s->inlen, s->first_line, false);
        FILE *m = open_memstream(&s->out, &s->outlen);
        park_csv_writer *w = m ? park_csv_writer_new(m) : NULL;
        if (r && w) run_rows(&wk->b, r, w, p->hdr_nf, p->cols, p->ncols, &s->n, false);
        else abort(); /* out of memory */
        park_csv_writer_free(w);
        fclose(m);
        park_csv_reader_free(r);
        pthread_mutex_lock(&p->mu);
        s->state = 3;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

/* Writes the answered blocks that are next in order; with `wait`, waits for the
 * oldest one first. Returns how many it wrote. Called with p->mu held. */
static int twrite_ready(tpool *p, long *next_write, park_csv_writer *w, batch_counts *n, bool wait) {
    int k = 0;
    for (;;) {
        if (*next_write == p->submitted) return k;
        tslot *s = &p->slots[*next_write % p->nslots];
        if (s->state != 3) {
            if (!wait || k) return k;
            pthread_cond_wait(&p->cv, &p->mu);
            continue;
        }
        park_csv_put_raw(w, s->out, s->outlen);
        free(s->out), s->out = NULL;
        n->rows += s->n.rows, n->located += s->n.located, n->inside += s->n.inside, n->notfound += s->n.notfound;
        n->bad += s->n.bad, n->unclosed += s->n.unclosed;
        s->state = 0;
        (*next_write)++, k++;
    }
}

/* A worker's copy of the parcels, with its own context. */
static park_status tworker_init(tworker *wk, park_cli *cli, const batch_state *b) {
    memset(&wk->cli, 0, sizeof wk->cli);
    wk->cli.prog = cli->prog;
    if (!(wk->cli.ctx = park_ctx_new())) return PARK_ERR_INTERNAL;
    park_layer *l = park_layer_new(wk->cli.ctx);
    if (!l) return PARK_ERR_INTERNAL;
    wk->cli.layer = l;
    for (size_t i = 0; i < park_layer_count(b->layer); i++) {
        park_parcel q = *park_layer_get(b->layer, i);
        q.geom = GEOSGeom_clone_r(park_ctx_geos(wk->cli.ctx), q.geom);
        park_status st;
        if (!q.geom || (st = park_layer_add(wk->cli.ctx, l, &q))) return PARK_ERR_INTERNAL;
    }
    wk->b = *b;
    wk->b.cli = &wk->cli, wk->b.layer = l, wk->b.res = NULL;
    /* its own conversion buffers and iconv state (iconv is not shared between threads) */
    wk->b.cv = NULL, wk->b.cl = NULL, wk->b.ncv = wk->b.cvcap = 0, wk->b.conv = false;
    wk->b.gb = b->gb != (iconv_t)-1 ? iconv_open("UTF-8", "GB18030") : (iconv_t)-1;
    if (b->gb != (iconv_t)-1 && wk->b.gb == (iconv_t)-1) return PARK_ERR_INTERNAL;
    park_status st;
    /* rows that resolve (addresses, or --columns needing the resolver): a resolver of
     * its own, loaded from the same gazetteers (its memos are its own too) */
    if (b->res && ((st = park_resolver_new(wk->cli.ctx, l, b->gaz_dirs, &wk->b.res)) || (st = park_resolver_load_index(wk->b.res))))
        return st;
    park_resolver_set_point_fields(wk->b.res, b->point);
    if (b->ai >= 0) return PARK_OK; /* address rows: no grid needed */
    int gw, gh;
    size_t gb;
    return park_locate_grid_stats(wk->cli.ctx, l, &gw, &gh, &gb); /* index and grid built here, not in the thread */
}

static void tworker_free(tworker *wk) {
    park_resolver_free(wk->b.res);
    for (size_t i = 0; i < wk->b.ncv; i++) free(wk->b.cv[i]);
    free(wk->b.cv), free(wk->b.cl);
    if (wk->b.gb != (iconv_t)-1) iconv_close(wk->b.gb);
    park_layer_free(wk->cli.layer);
    park_ctx_free(wk->cli.ctx);
}

static park_csv_result run_threads(batch_state *b, park_csv_reader *r, int fd, park_csv_writer *w, size_t hdr_nf,
                                   const batch_col *const *cols, int ncols, batch_counts *n, int *ioerr, long *ioerr_line) {
    int nw = b->o->threads;
    tpool p;
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    p.nslots = 2 * nw;
    p.slots = calloc((size_t)p.nslots, sizeof *p.slots);
    p.hdr_nf = hdr_nf, p.cols = cols, p.ncols = ncols;
    tworker *wk = calloc((size_t)nw, sizeof *wk);
    park_csv_result got = PARK_CSV_EOF;
    if (!p.slots || !wk) abort();
    for (int i = 0; i < nw; i++) {
        wk[i].pool = &p;
        if (tworker_init(&wk[i], b->cli, b) != PARK_OK) {
            fprintf(stderr, "%s locate: cannot set up thread %d: %s\n", b->cli->prog, i + 1, park_ctx_errmsg(wk[i].cli.ctx));
            abort();
        }
    }
    for (int i = 0; i < nw; i++) wk[i].started = pthread_create(&wk[i].th, NULL, tworker_main, &wk[i]) == 0;
    /* what the header's reader has read beyond the header starts the first block */
    const char *pre;
    size_t npre;
    park_csv_buffered(r, &pre, &npre);
    const size_t block = b->res ? TBLOCK_RESOLVE : TBLOCK;
    size_t cap = TBLOCK * 2 > npre * 2 ? TBLOCK * 2 : npre * 2, len = npre;
    char *acc = malloc(cap);
    if (!acc) abort();
    memcpy(acc, pre, npre);
    long line = park_csv_next_line(r), next_write = 0;
    bool eof = false, serial = false;
    while (!serial) {
        while (!eof && len < block) {
            if (len == cap) {
                char *na = realloc(acc, cap *= 2);
                if (!na) abort();
                acc = na;
            }
            park_csv_flush(w); /* answered rows go out before waiting for input (a slow pipe) */
            ssize_t k = read(fd, acc + len, cap - len);
            if (k < 0 && errno == EINTR) continue;
            if (k < 0) {
                *ioerr = errno, got = PARK_CSV_IO_ERROR, eof = true;
                break;
            }
            if (k == 0) eof = true;
            len += (size_t)k;
        }
        /* a block ends at the last newline within `block` bytes (a read may bring far more) */
        char *nl = len ? memrchr(acc, '\n', len < block ? len : block) : NULL;
        if (!nl && len > block) nl = memrchr(acc, '\n', len);
        size_t cut = eof && len <= block ? len : nl ? (size_t)(nl - acc) + 1 : eof ? len : 0;
        if (!cut) {
            if (eof) break;
            if (len == cap) {
                char *na = realloc(acc, cap *= 2);
                if (!na) abort();
                acc = na;
            }
            continue; /* a line longer than the block: read on */
        }
        if (memchr(acc, '"', cut)) {
            serial = true; /* quotes may span lines: the rest in one reader, below */
            break;
        }
        long lines = 0;
        for (size_t i = 0; i < cut; i++)
            lines += acc[i] == '\n' || (acc[i] == '\r' && (i + 1 == cut || acc[i + 1] != '\n'));
        if (cut == len && cut && acc[cut - 1] != '\n' && acc[cut - 1] != '\r') lines++; /* a last line without newline */
        pthread_mutex_lock(&p.mu);
        tslot *s = &p.slots[p.submitted % p.nslots];
        while (s->state != 0) {
            twrite_ready(&p, &next_write, w, n, true);
            if (s->state != 0) pthread_cond_wait(&p.cv, &p.mu);
        }
        pthread_mutex_unlock(&p.mu);
        if (s->incap < cut) {
            free(s->in);
            if (!(s->in = malloc(s->incap = cut))) abort();
        }
        memcpy(s->in, acc, cut);
        s->inlen = cut, s->first_line = line;
        line += lines;
        memmove(acc, acc + cut, len - cut);
        len -= cut;
        pthread_mutex_lock(&p.mu);
        s->state = 1;
        p.submitted++;
        pthread_cond_broadcast(&p.cv);
        twrite_ready(&p, &next_write, w, n, false);
        pthread_mutex_unlock(&p.mu);
        if (eof && !len) break;
    }
    pthread_mutex_lock(&p.mu);
    p.closing = true;
    pthread_cond_broadcast(&p.cv);
    while (next_write < p.submitted) twrite_ready(&p, &next_write, w, n, true);
    pthread_mutex_unlock(&p.mu);
    for (int i = 0; i < nw; i++)
        if (wk[i].started) pthread_join(wk[i].th, NULL);
    if (got == PARK_CSV_IO_ERROR) *ioerr_line = line - 1;
    else if (serial) {
        /* the rest, from the block with a quote on, as one stream */
        park_csv_reader *rr = park_csv_reader_new_prefixed(fd, acc, len, line, false);
        if (!rr) abort();
        got = run_rows(b, rr, w, hdr_nf, cols, ncols, n, false);
        if (got == PARK_CSV_IO_ERROR) *ioerr = park_csv_errno(rr), *ioerr_line = park_csv_line(rr) - 1;
        park_csv_reader_free(rr);
    }
    free(acc);
    for (int i = 0; i < p.nslots; i++) free(p.slots[i].in), free(p.slots[i].out);
    free(p.slots);
    for (int i = 0; i < nw; i++) tworker_free(&wk[i]);
    free(wk);
    pthread_cond_destroy(&p.cv);
    pthread_mutex_destroy(&p.mu);
    return got;
}

int cli_locate_batch(park_cli *cli, const cli_batch_opts *o) {
    if (o->columns && !strcmp(o->columns, "help")) {
        list_columns();
        return 0;
    }
    const batch_col *cols[MAXCOLS];
    int ncols = parse_columns(cli, o->columns ? o->columns : DEFAULT_COLUMNS, cols);
    if (ncols < 0) return 2;
    if ((o->lon_col != NULL) != (o->lat_col != NULL)) return cli_usage_error(cli, "locate", "--lon-column and --lat-column go together");
    batch_state b = {(iconv_t)-1, 0, false, NULL, NULL, 0, 0, cli, o, NULL, NULL, NULL, NEED_NONE, -1, -1, -1, 0};
    if (o->encoding && (park_streq_ci(o->encoding, "UTF-8") || park_streq_ci(o->encoding, "UTF8"))) b.enc = 1;
    else if (o->encoding && !park_streq_ci(o->encoding, "auto")) b.enc = 2;
    for (int i = 0; i < ncols; i++) {
        if (cols[i]->need > b.need) b.need = cols[i]->need;
        if (cols[i]->put == put_note) b.point |= PARK_POINT_NOTE;
        if (cols[i]->put == put_distance) b.point |= PARK_POINT_DISTANCE;
    }
    bool points = o->lon_col != NULL;
    park_status st;
    if (!(b.layer = cli_layer(cli, &st))) return cli_fail(cli, "locate", st);
    if (points) { /* many points: the grid kernel answers containment for every locate */
        int gw, gh;
        size_t gb;
        if ((st = park_locate_grid_stats(cli->ctx, b.layer, &gw, &gh, &gb))) return cli_fail(cli, "locate", st);
    }
    if (!points || b.need >= NEED_RESOLVE) {
        b.gaz_dirs = o->gazetteer ? o->gazetteer : cli_gazetteer_dirs(cli);
        if ((st = park_resolver_new(cli->ctx, b.layer, b.gaz_dirs, &b.res))) return cli_fail(cli, "locate", st);
        park_resolver_set_point_fields(b.res, b.point);
        const char *notes = park_resolver_notes(b.res);
        if (*notes) fprintf(stderr, "%s locate: warning: %s", cli->prog, notes);
    }

    if (b.enc != 1 && (b.gb = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1) {
        park_resolver_free(b.res);
        return cli_fail(cli, "locate", park_error(cli->ctx, PARK_ERR_INTERNAL, "iconv cannot convert GB18030 on this system"));
    }
    const char *shown = strcmp(o->path, "-") ? o->path : "<stdin>";
    FILE *f = strcmp(o->path, "-") ? fopen(o->path, "rb") : stdin;
    int rc = 0;
    park_csv_reader *r = NULL;
    park_csv_writer *w = NULL;
    csv_hdr hdr = {0};
    struct stat sb;
    if (!f) {
        fprintf(stderr, "%s locate: %s: cannot open the batch file: %s (expected a readable CSV file, or - for stdin)\n", cli->prog,
                o->path, strerror(errno));
        rc = park_status_exit_code(PARK_ERR_INPUT);
        goto out;
    }
    if (fstat(fileno(f), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "%s locate: %s: is a directory (expected a CSV file, or - for stdin)\n", cli->prog, shown);
        rc = park_status_exit_code(PARK_ERR_INPUT);
        goto out;
    }
    r = park_csv_reader_new(fileno(f));
    w = park_csv_writer_new(stdout);
    if (!r || !w) {
        fprintf(stderr, "%s locate: out of memory\n", cli->prog);
        rc = park_status_exit_code(PARK_ERR_INTERNAL);
        goto out;
    }
    park_csv_reader_on_read(r, flush_writer, w);
    park_csv_result got;
    long blank = 0; /* blank lines before the header are skipped */
    while ((got = park_csv_next(r)) == PARK_CSV_RECORD && park_csv_nfields(r) == 1 && park_csv_value_len(r, 0) == 0) blank++;
    if (got == PARK_CSV_EOF && blank) {
        fprintf(stderr, "%s locate: %s: only blank lines (%ld; expected a header row naming the columns, then one row per point or address)\n",
                cli->prog, shown, blank);
        rc = park_status_exit_code(PARK_ERR_INPUT);
        goto out;
    }
    if (got == PARK_CSV_IO_ERROR || got == PARK_CSV_EOF || got == PARK_CSV_BAD) {
        if (got == PARK_CSV_IO_ERROR)
            fprintf(stderr, "%s locate: %s: read error: %s\n", cli->prog, shown, strerror(park_csv_errno(r)));
        else
            fprintf(stderr, "%s locate: %s: %s\n", cli->prog, shown,
                    got == PARK_CSV_EOF ? "empty file (expected a header row naming the columns)" : park_csv_error(r));
        rc = park_status_exit_code(PARK_ERR_INPUT);
        goto out;
    }
    /* the header: keep a copy, it is written out and used to find columns */
    convert_row(&b, r);
    hdr.nf = park_csv_nfields(r);
    hdr.f = calloc(hdr.nf, sizeof *hdr.f);
    for (size_t i = 0; hdr.f && i < hdr.nf; i++)
        if (!(hdr.f[i] = park_strndup(fval(&b, r, i), flen(&b, r, i)))) abort();
    if (!hdr.f) abort();
    if (points) {
        b.xi = find_col(&hdr, o->lon_col), b.yi = find_col(&hdr, o->lat_col);
        if (b.xi < 0 || b.yi < 0) {
            fprintf(stderr, "%s locate: %s: no column named '%s' in the header (columns:", cli->prog, shown,
                    b.xi < 0 ? o->lon_col : o->lat_col);
            for (size_t i = 0; i < hdr.nf; i++) fprintf(stderr, " %s", hdr_field(&hdr, i));
            fprintf(stderr, ")\n");
            rc = park_status_exit_code(PARK_ERR_INPUT);
            goto out;
        }
    } else {
        if (o->addr_col) b.ai = find_col(&hdr, o->addr_col);
        else if ((b.ai = find_col(&hdr, "address")) < 0 && (b.ai = find_col(&hdr, "地址")) < 0 && hdr.nf == 1) b.ai = 0;
        if (b.ai < 0) {
            fprintf(stderr, "%s locate: %s: %s (columns:", cli->prog, shown,
                    o->addr_col ? "no such address column in the header"
                                : "which column holds the addresses? give --address-column NAME or --lon-column/--lat-column");
            for (size_t i = 0; i < hdr.nf; i++) fprintf(stderr, " %s", hdr_field(&hdr, i));
            fprintf(stderr, ")\n");
            rc = park_status_exit_code(o->addr_col ? PARK_ERR_INPUT : PARK_ERR_USAGE);
            goto out;
        }
    }
    if (o->bom) park_csv_put_raw(w, "\xEF\xBB\xBF", 3);
    for (size_t i = 0; i < hdr.nf; i++) {
        park_csv_put_field(w, hdr_field(&hdr, i));
        park_csv_sep(w);
    }
    for (int i = 0; i < ncols; i++) {
        if (i) park_csv_sep(w);
        park_csv_put_str(w, cols[i]->name);
    }
    park_csv_eol(w);

    batch_counts n = {0};
    bool tty = isatty(2);
    double t0 = now_s();
    const char *ioerr_at = NULL;
    long ioerr_line = 0;
    int ioerr = 0;
    if (o->threads > 1) {
        got = run_threads(&b, r, fileno(f), w, hdr.nf, cols, ncols, &n, &ioerr, &ioerr_line);
    } else {
        got = run_rows(&b, r, w, hdr.nf, cols, ncols, &n, tty);
        if (got == PARK_CSV_IO_ERROR) ioerr = park_csv_errno(r), ioerr_line = park_csv_line(r) - 1;
    }
    (void)ioerr_at;
    park_csv_flush(w);
    double dt = now_s() - t0;
    if (tty) fprintf(stderr, "\r\033[K");
    long rows = n.rows, located = n.located, inside = n.inside, notfound = n.notfound, bad = n.bad, unclosed = n.unclosed;
    char uq[64] = "";
    if (unclosed) snprintf(uq, sizeof uq, ", %ld of them with an unclosed quote", unclosed);
    fprintf(stderr, "%s locate: %ld rows, %ld located (%ld inside a parcel), %ld not found, %ld bad%s (%.1f s)\n", cli->prog, rows,
            located, inside, notfound, bad, uq, dt);
    if (got == PARK_CSV_IO_ERROR) {
        fprintf(stderr, "%s locate: %s: read error after line %ld: %s (the rows before it are answered above)\n", cli->prog, shown,
                ioerr_line, strerror(ioerr));
        rc = park_status_exit_code(PARK_ERR_INPUT);
    }
out:
    hdr_free(&hdr);
    park_csv_writer_free(w);
    park_csv_reader_free(r);
    if (f && f != stdin) fclose(f);
    park_resolver_free(b.res);
    for (size_t i = 0; i < b.ncv; i++) free(b.cv[i]);
    free(b.cv), free(b.cl);
    if (b.gb != (iconv_t)-1) iconv_close(b.gb);
    return rc;
}
