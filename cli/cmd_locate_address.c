/* cmd_locate_address.c - `parkgis locate ADDRESS` and `parkgis locate --batch FILE|-`
 * (issue 5). cmd_locate.c sends here one non-numeric argument, or --batch.
 *
 * Batch mode streams: one CSV record is read, resolved and written before the
 * next is read, so memory does not grow with the file (only the resolver's
 * cache of roads, bounded by the gazetteer). A bad row never stops the run: its
 * error goes into the row's `error` column and is counted in the summary. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/internal.h"
#include "cli.h"

static const char *HELP =
    "usage: parkgis locate ADDRESS [--datum D] [--gazetteer=DIRS] [--format table|json|csv]\n"
    "       parkgis locate --batch FILE.csv|- (--address-column NAME | --lon-column NAME --lat-column NAME)\n"
    "                      [--datum D] [--gazetteer=DIRS]\n"
    "\n"
    "  Which parcel of 张江高新区宝山园 is this address in? ADDRESS is a Chinese address\n"
    "  (\"上海市宝山区富联一路98弄6号\", \"富联一路富长路口\", \"机器人产业园\", \"上大路站\") or \"LON,LAT\".\n"
    "  Run 'parkgis parse ADDRESS' to see how it is read.\n"
    "\n"
    "  The answer has a match level and a confidence (0..1):\n"
    "    exact         coordinates given: point-in-parcel\n"
    "    intersection  the crossing point of the two roads' centrelines\n"
    "    road          the whole road lies in one parcel (or wholly outside the park)\n"
    "    boundary      the road runs along parcel edges: the parcels on either side are named,\n"
    "                  the side is unknown (house-number ranges are not known)\n"
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

static void print_one(park_cli *cli, const park_address *a, const park_resolution *r) {
    const park_parcel *p = r->parcel;
    if (cli->format == CLI_JSON) {
        park_json j;
        park_json_init(&j);
        park_json_begin_obj(&j);
        park_json_key(&j, "input"), park_json_str(&j, a->input);
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
        park_json_begin_obj(&j);
        park_json_key(&j, "kind"), park_json_str(&j, park_addr_kind_name(a->kind));
        const char *keys[] = {"province", "city", "district", "town", "road", "road2", "relation", "lane", "sublane", "number", "park"};
        const char *vals[] = {a->province, a->city, a->district, a->town, a->road, a->road2, a->relation, a->lane, a->sublane, a->number, a->park};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (vals[k][0]) park_json_key(&j, keys[k]), park_json_str(&j, vals[k]);
        park_json_end_obj(&j);
        park_json_end_obj(&j);
        char *s = park_json_take(&j);
        puts(s);
        free(s);
        return;
    }
    park_buf cb;
    park_buf_init(&cb);
    candidates_text(&cb, r, cli->format == CLI_CSV);
    char conf[32], dist[32], pt[96] = "";
    park_fmt_num(conf, sizeof conf, r->confidence, 2);
    park_fmt_num(dist, sizeof dist, r->distance_m, 0);
    if (r->has_point) snprintf(pt, sizeof pt, "%.6f,%.6f", r->lon, r->lat);
    park_buf sg;
    park_buf_init(&sg);
    for (size_t i = 0; i < r->nsuggestions; i++) park_buf_printf(&sg, "%s%s", i ? ", " : "", r->suggestions[i]);
    if (cli->format == CLI_CSV) {
        const char *cols[] = {"address", "parcel_id", "parcel", "layout", "match", "confidence", "candidates", "wgs84", "note"};
        const char *row[] = {a->input, p ? p->id : "", p ? p->name : "", p ? p->layout : "", park_match_name(r->match), conf,
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
        const char *rows[][2] = {{"address", a->input},
                                 {"match", park_match_name(r->match)},
                                 {"confidence", conf},
                                 {"parcel", pbuf},
                                 {"layout", p ? p->layout : ""},
                                 {"candidates", cb.s ? cb.s : ""},
                                 {"point (WGS84)", pt},
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

/* ------------------------------------------------------------------ CSV reading (RFC 4180) */

typedef struct csv_reader {
    int fd;
    unsigned char buf[1 << 16]; /* own buffer over read(2): a pipe is read as data arrives */
    size_t pos, len;
    bool eof;
    park_buf rec;    /* the record's fields, each NUL-terminated, reused */
    size_t *off;     /* field start offsets into rec */
    size_t nf, cap;
    long line;       /* physical line where the current record starts */
    long next_line;
} csv_reader;

static bool csv_fill(csv_reader *r, size_t want) {
    if (r->pos > 0 && r->pos == r->len) r->pos = r->len = 0;
    while (!r->eof && r->len - r->pos < want) {
        if (r->pos > 0) { /* keep the unread tail at the front */
            memmove(r->buf, r->buf + r->pos, r->len - r->pos);
            r->len -= r->pos, r->pos = 0;
        }
        /* the rows answered so far go out before waiting for more input, so a slow
         * pipe ("tail -f | parkgis locate --batch -") sees each answer as its row
         * arrives; on a file this is one flush per 64 KiB read */
        fflush(stdout);
        ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n <= 0) r->eof = true; /* a read error ends the input like EOF; reported as a short file */
        else r->len += (size_t)n;
    }
    return r->len - r->pos >= want;
}
static int csv_peek(csv_reader *r) { return csv_fill(r, 1) ? r->buf[r->pos] : EOF; }
static int csv_getc(csv_reader *r) { return csv_fill(r, 1) ? r->buf[r->pos++] : EOF; }

/* Skips a UTF-8 byte-order mark at the start of the input. */
static void csv_skip_bom(csv_reader *r) {
    if (csv_fill(r, 3) && !memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3)) r->pos += 3;
}

/* Reads one record. 1: got one; 0: end of input; -1: malformed (message in *err,
 * the record's fields so far are kept). Memory is bounded by the longest record. */
static int csv_next(csv_reader *r, const char **err) {
    *err = NULL;
    r->rec.len = 0, r->nf = 0;
    r->line = r->next_line;
    int c = csv_getc(r);
    if (c == EOF) return 0;
    for (;;) {
        /* one field */
        if (r->nf == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 16;
            r->off = realloc(r->off, r->cap * sizeof *r->off);
            if (!r->off) abort();
        }
        r->off[r->nf++] = r->rec.len;
        if (c == '"') {
            for (;;) {
                c = csv_getc(r);
                if (c == EOF) {
                    park_buf_appendn(&r->rec, "", 1);
                    *err = "a quoted field is not closed before the end of the input (expected a closing \")";
                    return -1;
                }
                if (c == '"') {
                    c = csv_getc(r);
                    if (c == '"') {
                        park_buf_appendn(&r->rec, "\"", 1);
                        continue;
                    }
                    break; /* the closing quote; c is the character after it */
                }
                if (c == '\n') r->next_line++;
                char ch = (char)c;
                park_buf_appendn(&r->rec, &ch, 1);
            }
            /* after a closing quote only a separator or the end of the record may
             * follow; anything else is kept (lenient) but the row is reported */
            while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                if (!*err) *err = "text after a closing quote (expected , or the end of the line)";
                char ch = (char)c;
                park_buf_appendn(&r->rec, &ch, 1);
                c = csv_getc(r);
            }
        } else {
            while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                char ch = (char)c;
                park_buf_appendn(&r->rec, &ch, 1);
                c = csv_getc(r);
            }
        }
        park_buf_appendn(&r->rec, "", 1); /* the field's terminating NUL */
        if (c == ',') {
            c = csv_getc(r);
            continue;
        }
        if (c == '\r' && csv_peek(r) == '\n') csv_getc(r);
        r->next_line++;
        return *err ? -1 : 1;
    }
}

static const char *csv_field(const csv_reader *r, size_t i) { return i < r->nf ? r->rec.s + r->off[i] : ""; }

/* ------------------------------------------------------------------ batch */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The header row, kept while the reader's buffer is reused for data rows. */
typedef struct csv_hdr {
    char *s;
    size_t *off;
    size_t nf;
} csv_hdr;
static const char *hdr_field(const csv_hdr *h, size_t i) { return i < h->nf ? h->s + h->off[i] : ""; }

static int find_col(const csv_hdr *hdr, const char *name) {
    for (size_t i = 0; i < hdr->nf; i++)
        if (!strcmp(hdr_field(hdr, i), name)) return (int)i;
    for (size_t i = 0; i < hdr->nf; i++) /* then ignoring ASCII case */
        if (park_streq_ci(hdr_field(hdr, i), name)) return (int)i;
    return -1;
}

static int run_batch(park_cli *cli, park_resolver *res, const char *path, const char *addr_col, const char *lon_col,
                     const char *lat_col, park_datum datum) {
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    csv_reader *rp = f ? calloc(1, sizeof *rp) : NULL;
    const char *shown = strcmp(path, "-") ? path : "<stdin>";
    if (!f) {
        fprintf(stderr, "%s locate: %s: cannot open the batch file (expected a readable CSV file, or - for stdin)\n", cli->prog, path);
        return park_status_exit_code(PARK_ERR_INPUT);
    }
    if (!rp) {
        fprintf(stderr, "%s locate: out of memory\n", cli->prog);
        fclose(f);
        return park_status_exit_code(PARK_ERR_INTERNAL);
    }
    csv_reader *r = rp;
    r->fd = fileno(f), r->next_line = 1;
    park_buf_init(&r->rec);
    csv_skip_bom(r);
    csv_hdr hdr = {0};
    const char *err;
    int got = csv_next(r, &err);
    int rc = 0;
    if (got <= 0) {
        fprintf(stderr, "%s locate: %s: %s\n", cli->prog, shown,
                got == 0 ? "empty file (expected a header row naming the columns)" : err);
        rc = park_status_exit_code(PARK_ERR_INPUT);
        goto out;
    }
    /* the header: keep a copy, it is written out and used to find columns */
    hdr.s = park_strndup(r->rec.s, r->rec.len);
    hdr.off = malloc(r->nf * sizeof *hdr.off);
    if (!hdr.s || !hdr.off) abort();
    memcpy(hdr.off, r->off, r->nf * sizeof *hdr.off);
    hdr.nf = r->nf;
    int ai = -1, xi = -1, yi = -1;
    if (lon_col || lat_col) {
        if (!lon_col || !lat_col) {
            rc = cli_usage_error(cli, "locate", "--lon-column and --lat-column go together");
            goto out_hdr;
        }
        xi = find_col(&hdr, lon_col), yi = find_col(&hdr, lat_col);
        if (xi < 0 || yi < 0) {
            fprintf(stderr, "%s locate: %s: no column named '%s' in the header (columns:", cli->prog, shown, xi < 0 ? lon_col : lat_col);
            for (size_t i = 0; i < hdr.nf; i++) fprintf(stderr, " %s", hdr_field(&hdr, i));
            fprintf(stderr, ")\n");
            rc = park_status_exit_code(PARK_ERR_INPUT);
            goto out_hdr;
        }
    } else {
        if (addr_col) ai = find_col(&hdr, addr_col);
        else if ((ai = find_col(&hdr, "address")) < 0 && (ai = find_col(&hdr, "地址")) < 0 && hdr.nf == 1) ai = 0;
        if (ai < 0) {
            fprintf(stderr, "%s locate: %s: %s (columns:", cli->prog, shown,
                    addr_col ? "no such address column in the header" : "which column holds the addresses? give --address-column NAME or --lon-column/--lat-column");
            for (size_t i = 0; i < hdr.nf; i++) fprintf(stderr, " %s", hdr_field(&hdr, i));
            fprintf(stderr, ")\n");
            rc = park_status_exit_code(addr_col ? PARK_ERR_INPUT : PARK_ERR_USAGE);
            goto out_hdr;
        }
    }
    for (size_t i = 0; i < hdr.nf; i++) {
        if (i) fputc(',', stdout);
        park_csv_field(stdout, hdr_field(&hdr, i));
    }
    fputs(hdr.nf ? ",parcel_id,parcel,layout,match,confidence,candidates,error\n" : "parcel_id,parcel,layout,match,confidence,candidates,error\n", stdout);

    long rows = 0, located = 0, inside = 0, notfound = 0, bad = 0;
    bool tty = isatty(2);
    double t0 = now_s(), last = t0;
    park_buf cb, eb;
    park_buf_init(&cb), park_buf_init(&eb);
    while ((got = csv_next(r, &err)) != 0) {
        if (r->nf == 1 && !csv_field(r, 0)[0] && got > 0) continue; /* a blank line */
        rows++;
        cb.len = 0, eb.len = 0;
        if (cb.s) cb.s[0] = 0;
        if (eb.s) eb.s[0] = 0;
        park_resolution res_ = {0};
        park_resolution *rr = &res_;
        park_address *a = NULL;
        park_status st = PARK_OK;
        bool answered = false;
        if (got < 0) {
            park_buf_printf(&eb, "line %ld: %s", r->line, err);
        } else if (r->nf != hdr.nf) {
            park_buf_printf(&eb, "line %ld: %zu fields, the header has %zu (expected one value per column; quote values containing commas)",
                            r->line, r->nf, hdr.nf);
        } else if (ai >= 0) {
            const char *text = csv_field(r, (size_t)ai);
            if (!park_utf8_valid(text)) {
                park_buf_printf(&eb, "line %ld: address is not valid UTF-8 (a GBK file? convert it with iconv -f GBK -t UTF-8)", r->line);
            } else if ((st = park_address_parse(cli->ctx, text, &a)) != PARK_OK) {
                park_buf_printf(&eb, "line %ld: %s", r->line, park_ctx_errmsg(cli->ctx));
            } else {
                st = park_address_resolve(cli->ctx, res, a, datum, rr);
                if (st == PARK_OK) answered = true;
                else if (st == PARK_ERR_NOTFOUND) answered = true; /* an answer: not found */
                else park_buf_printf(&eb, "line %ld: %s", r->line, park_ctx_errmsg(cli->ctx));
            }
        } else {
            double lon, lat;
            const char *xs = csv_field(r, (size_t)xi), *ys = csv_field(r, (size_t)yi);
            const char *why;
            if (!park_parse_number(xs, &lon, &why)) {
                park_buf_printf(&eb, "line %ld: %s '%s' %s (expected decimal degrees, e.g. 121.38)", r->line, lon_col, xs, why);
            } else if (!park_parse_number(ys, &lat, &why)) {
                park_buf_printf(&eb, "line %ld: %s '%s' %s (expected decimal degrees, e.g. 31.35)", r->line, lat_col, ys, why);
            } else if ((st = park_address_resolve_point(cli->ctx, res, lon, lat, datum, rr)) != PARK_OK) {
                park_buf_printf(&eb, "line %ld: %s", r->line, park_ctx_errmsg(cli->ctx));
            } else answered = true;
        }
        /* the input columns as read (padded to the header's width so the output
         * stays rectangular), then the answer */
        size_t ncols = hdr.nf > r->nf ? hdr.nf : r->nf;
        if (ncols > hdr.nf) ncols = hdr.nf;
        for (size_t i = 0; i < ncols; i++) {
            if (i) fputc(',', stdout);
            park_csv_field(stdout, csv_field(r, i));
        }
        if (ncols) fputc(',', stdout);
        const park_parcel *p = answered ? rr->parcel : NULL;
        char conf[32] = "";
        if (answered) {
            park_fmt_num(conf, sizeof conf, rr->confidence, 2);
            candidates_text(&cb, rr, true);
            if (st == PARK_ERR_NOTFOUND) {
                notfound++;
                park_buf_append(&eb, rr->note ? rr->note : park_ctx_errmsg(cli->ctx));
            } else {
                located++;
                inside += rr->inside != 0;
            }
        } else bad++;
        park_csv_field(stdout, p ? p->id : ""), fputc(',', stdout);
        park_csv_field(stdout, p ? p->name : ""), fputc(',', stdout);
        park_csv_field(stdout, p ? p->layout : ""), fputc(',', stdout);
        park_csv_field(stdout, answered ? park_match_name(rr->match) : ""), fputc(',', stdout);
        park_csv_field(stdout, conf), fputc(',', stdout);
        park_csv_field(stdout, cb.s ? cb.s : ""), fputc(',', stdout);
        park_csv_field(stdout, eb.s ? eb.s : "");
        fputc('\n', stdout);
        park_resolution_clear(rr);
        park_address_free(a);
        park_ctx_clear_error(cli->ctx);
        if (tty && (rows & 63) == 0) {
            double t = now_s();
            if (t - last >= 0.5) {
                fprintf(stderr, "\r%s locate: %ld rows, %.0f rows/s ", cli->prog, rows, rows / (t - t0));
                last = t;
            }
        }
        if (ferror(stdout)) break;
    }
    park_buf_free(&cb), park_buf_free(&eb);
    double dt = now_s() - t0;
    if (tty) fprintf(stderr, "\r\033[K");
    fprintf(stderr, "%s locate: %ld rows, %ld located (%ld inside a parcel), %ld not found, %ld bad (%.1f s)\n", cli->prog, rows,
            located, inside, notfound, bad, dt);
out_hdr:
    free(hdr.s), free(hdr.off);
out:
    park_buf_free(&r->rec);
    free(r->off);
    free(r);
    if (f != stdin) fclose(f);
    return rc;
}

/* ------------------------------------------------------------------ entry */

int cmd_locate_address(park_cli *cli, int argc, char **argv) {
    enum { O_BATCH = 1000, O_ADDR, O_LON, O_LAT, O_GAZ };
    static const struct option opts[] = {{"datum", required_argument, 0, 'd'},    {"format", required_argument, 0, 'f'},
                                         {"batch", required_argument, 0, O_BATCH}, {"address-column", required_argument, 0, O_ADDR},
                                         {"lon-column", required_argument, 0, O_LON}, {"lat-column", required_argument, 0, O_LAT},
                                         {"gazetteer", required_argument, 0, O_GAZ}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *batch = NULL, *addr_col = NULL, *lon_col = NULL, *lat_col = NULL, *gaz = NULL, *datum_s = "wgs84";
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
        case 'h': puts(HELP); return 0;
        default: return cli_usage_error(cli, "locate", "bad option");
        }
    }
    park_datum datum;
    park_status st = park_datum_parse(cli->ctx, datum_s, &datum);
    if (st) return cli_fail(cli, "locate", st);
    if (batch && optind < argc)
        return cli_usage_error(cli, "locate", "--batch takes addresses from the file; unexpected argument '%s'", argv[optind]);
    if (!batch && (addr_col || lon_col || lat_col))
        return cli_usage_error(cli, "locate", "--address-column/--lon-column/--lat-column need --batch FILE");
    if (!batch && optind + 1 != argc)
        return cli_usage_error(cli, "locate", "expected one ADDRESS (quote an address that contains spaces)");
    if (batch && cli->format == CLI_JSON)
        return cli_usage_error(cli, "locate", "--batch writes CSV (one output row per input row); --format json is for a single address");
    if (batch && addr_col && (lon_col || lat_col))
        return cli_usage_error(cli, "locate", "give either --address-column or --lon-column/--lat-column, not both");

    /* parse first: an unreadable address needs neither the layer nor the gazetteer */
    park_address *a = NULL;
    if (!batch && (st = park_address_parse(cli->ctx, argv[optind], &a))) return cli_fail(cli, "locate", st);
    park_layer *layer = cli_layer(cli, &st);
    if (!layer) {
        park_address_free(a);
        return cli_fail(cli, "locate", st);
    }
    park_resolver *res = NULL;
    if ((st = park_resolver_new(cli->ctx, layer, gaz ? gaz : cli_gazetteer_dirs(cli), &res))) {
        park_address_free(a);
        return cli_fail(cli, "locate", st);
    }
    const char *notes = park_resolver_notes(res);
    if (*notes) fprintf(stderr, "%s locate: warning: %s", cli->prog, notes);
    int rc;
    if (batch) {
        rc = run_batch(cli, res, batch, addr_col, lon_col, lat_col, datum);
    } else {
        park_resolution r;
        st = park_address_resolve(cli->ctx, res, a, datum, &r);
        if (st == PARK_OK || st == PARK_ERR_NOTFOUND) print_one(cli, a, &r);
        rc = st ? cli_fail(cli, "locate", st) : 0;
        park_resolution_clear(&r);
    }
    park_resolver_free(res);
    park_address_free(a);
    return rc;
}
