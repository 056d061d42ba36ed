/* csv.c - streaming CSV reader and writer (see csv.h). */
#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../internal.h"

/* ------------------------------------------------------------------ reader */

enum { CSV_BLOCK = 1 << 16 };

/* Bytes that end an unquoted run: separators, record ends, a quote, NUL. */
static const unsigned char CSV_SPECIAL[256] = {[0] = 1, [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1};

struct park_csv_reader {
    int fd;
    size_t block;       /* most bytes one read(2) asks for */
    unsigned char *buf; /* buf[pos..len) is unread; one spare byte past len for a NUL */
    size_t cap, len, pos;
    bool eof, io_failed, too_long, started;
    int io_errno;
    size_t rec;         /* the current record's fields are at buf + rec + off[i] */
    size_t *off, *flen;
    size_t nf, fcap;
    bool plain, nul;
    long line, next_line, unclosed;
    const char *err;
    void (*on_read)(void *);
    void *ud;
};

park_csv_reader *park_csv_reader_new(int fd) { return park_csv_reader_new_block(fd, CSV_BLOCK); }

park_csv_reader *park_csv_reader_new_block(int fd, size_t block) {
    park_csv_reader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->fd = fd;
    r->block = block ? block : 1;
    r->cap = r->block + 1;
    r->buf = malloc(r->cap);
    r->fcap = 16;
    r->off = malloc(r->fcap * sizeof *r->off);
    r->flen = malloc(r->fcap * sizeof *r->flen);
    r->next_line = 1;
    if (!r->buf || !r->off || !r->flen) {
        park_csv_reader_free(r);
        return NULL;
    }
    r->buf[0] = 0;
    return r;
}

park_csv_reader *park_csv_reader_new_prefixed(int fd, const char *prefix, size_t n, long first_line, bool bom) {
    park_csv_reader *r = park_csv_reader_new_block(fd, n + 1 > CSV_BLOCK ? n + 1 : CSV_BLOCK);
    if (!r) return NULL;
    if (n) {
        memcpy(r->buf, prefix, n);
        r->len = n;
    }
    r->block = CSV_BLOCK;
    r->next_line = first_line;
    r->started = !bom;
    if (fd < 0) r->eof = true; /* the prefix is all there is (more() never reads) */
    return r;
}

void park_csv_buffered(const park_csv_reader *r, const char **p, size_t *n) {
    *p = (const char *)r->buf + r->pos;
    *n = r->len - r->pos;
}

long park_csv_next_line(const park_csv_reader *r) { return r->next_line; }

void park_csv_reader_free(park_csv_reader *r) {
    if (!r) return;
    free(r->buf), free(r->off), free(r->flen);
    free(r);
}

void park_csv_reader_on_read(park_csv_reader *r, void (*fn)(void *), void *ud) { r->on_read = fn, r->ud = ud; }

/* Reads more input after buf[len), first moving the bytes from *keep on to the
 * front (*keep becomes 0). Returns the number of bytes added: 0 at the end of
 * input, on a read error (io_failed) or when a record would exceed
 * PARK_CSV_MAX_RECORD (too_long). */
static size_t more(park_csv_reader *r, size_t *keep) {
    if (r->eof || r->io_failed) return 0;
    if (*keep > 0) {
        memmove(r->buf, r->buf + *keep, r->len - *keep);
        r->len -= *keep, *keep = 0;
    }
    if (r->len + 1 >= r->cap) {
        if (r->cap > PARK_CSV_MAX_RECORD) {
            r->too_long = true;
            return 0;
        }
        unsigned char *nb = realloc(r->buf, 2 * r->cap);
        if (!nb) {
            r->too_long = true;
            return 0;
        }
        r->buf = nb, r->cap *= 2;
    }
    if (r->on_read) r->on_read(r->ud);
    ssize_t n;
    size_t want = r->cap - 1 - r->len;
    if (want > r->block) want = r->block;
    do n = read(r->fd, r->buf + r->len, want);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        r->io_failed = true, r->io_errno = errno;
        return 0;
    }
    if (n == 0) {
        r->eof = true;
        return 0;
    }
    r->len += (size_t)n;
    return (size_t)n;
}

/* Whether the quoted field being read at offset `from` (a newline inside it)
 * is closed within PARK_CSV_MAX_QUOTED_LINES lines: scans ahead without
 * consuming (reading more input as needed; *b may move). */
static bool quote_closes(park_csv_reader *r, size_t *b, size_t from) {
    long lines = 0;
    for (size_t j = from;;) {
        if (*b + j == r->len && !more(r, b)) return false;
        unsigned char ch = r->buf[*b + j];
        if (ch == '"') {
            if (*b + j + 1 == r->len && !more(r, b)) return true;
            unsigned char nx = r->buf[*b + j + 1];
            if (nx == ',' || nx == '\n' || nx == '\r') return true; /* a quote that can close a field */
            j += nx == '"' ? 2 : 1;
            continue;
        }
        if (ch == '\n' && ++lines > PARK_CSV_MAX_QUOTED_LINES) return false;
        j++;
    }
}

static bool add_field(park_csv_reader *r, size_t at) {
    if (r->nf == r->fcap) {
        size_t cap = r->fcap * 2;
        size_t *o = realloc(r->off, cap * sizeof *o);
        if (o) r->off = o;
        size_t *l = realloc(r->flen, cap * sizeof *l);
        if (l) r->flen = l;
        if (!o || !l) return false;
        r->fcap = cap;
    }
    r->off[r->nf] = at, r->flen[r->nf] = 0;
    r->nf++;
    return true;
}

/* The record is parsed in place: a read offset p and a write offset w <= p,
 * both relative to the record's start b (which moves to 0 when more input is
 * read), so unescaping "" and dropping quotes never needs a second buffer. */
park_csv_result park_csv_next(park_csv_reader *r) {
    r->nf = 0, r->err = NULL, r->plain = true, r->too_long = false;
    r->line = r->next_line;
    size_t b = r->pos;
    if (!r->started) {
        r->started = true;
        while (r->len - b < 3 && more(r, &b)) {}
        if (r->len - b >= 3 && !memcmp(r->buf + b, "\xEF\xBB\xBF", 3)) b += 3;
    }
    if (b == r->len && !more(r, &b)) {
        r->pos = b;
        return r->io_failed ? PARK_CSV_IO_ERROR : PARK_CSV_EOF;
    }
    size_t p = 0, w = 0;
    bool nul = false;
    int c; /* the byte that ended the last field: ',', '\n', '\r' or EOF */
    for (;;) {
        if (!add_field(r, w)) {
            r->err = "out of memory (too many fields)";
            c = EOF;
            break;
        }
        size_t f0 = w;
        if (b + p < r->len || more(r, &b)) c = r->buf[b + p];
        else c = EOF;
        if (c == '"') {
            r->plain = false;
            p++;
            bool looked = false;
            for (;;) {
                if (b + p == r->len && !more(r, &b)) {
                    if (!r->err) r->err = "a quoted field is not closed before the end of the input (expected a closing \")";
                    r->unclosed++;
                    c = EOF;
                    break;
                }
                unsigned char ch = r->buf[b + p];
                if (ch == '"') {
                    if (b + p + 1 == r->len && !more(r, &b)) {
                        p++;
                        c = EOF;
                        break;
                    }
                    if (r->buf[b + p + 1] == '"') {
                        r->buf[b + w++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    c = r->buf[b + p];
                    break; /* the closing quote; c is the byte after it */
                }
                if (ch == '\n') {
                    if (!looked && !(looked = true, quote_closes(r, &b, p))) {
                        /* one stray quote must not swallow the rest of the file: the
                         * record is this line, reading resumes on the next */
                        if (!r->err)
                            r->err = "a quoted field is not closed on its line, nor within the next 1000 lines (expected a closing \"); "
                                     "read as ending with the line";
                        r->unclosed++;
                        if (w > f0 && r->buf[b + w - 1] == '\r') w--;
                        c = '\n'; /* p stays on the newline: it ends the record */
                        break;
                    }
                    r->next_line++;
                }
                nul |= ch == 0;
                r->buf[b + w++] = ch;
                p++;
            }
            /* after a closing quote only a separator or the end of the record may
             * follow; anything else is kept (lenient) but the record is reported */
            while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                if (!r->err) r->err = "text after a closing quote (expected , or the end of the line)";
                nul |= c == 0;
                r->buf[b + w++] = (unsigned char)c;
                p++;
                if (b + p < r->len || more(r, &b)) c = r->buf[b + p];
                else c = EOF;
            }
        } else {
            for (;;) {
                /* the run of ordinary bytes, with a table lookup per byte */
                const unsigned char *q0 = r->buf + b + p, *q = q0, *end = r->buf + r->len;
                while (q < end && !CSV_SPECIAL[*q]) q++;
                size_t run = (size_t)(q - q0);
                if (w != p) memmove(r->buf + b + w, q0, run);
                w += run, p += run;
                if (q == end) {
                    if (!more(r, &b)) {
                        c = EOF;
                        break;
                    }
                    continue;
                }
                unsigned char ch = *q;
                if (ch == ',' || ch == '\n' || ch == '\r') {
                    c = ch;
                    break;
                }
                if (ch == '"') r->plain = false; /* kept as text, but quoted when written */
                else nul = true;
                r->buf[b + w++] = ch;
                p++;
            }
        }
        r->flen[r->nf - 1] = w - f0;
        r->buf[b + w++] = 0; /* w <= p: overwrites only bytes already read (or the spare byte) */
        if (c == ',') {
            p++;
            continue;
        }
        if (c == '\n') p++;
        else if (c == '\r') {
            p++;
            if ((b + p < r->len || more(r, &b)) && r->buf[b + p] == '\n') p++;
        }
        r->next_line++;
        break;
    }
    r->rec = b, r->pos = b + p;
    if (r->io_failed) return PARK_CSV_IO_ERROR;
    if (r->too_long && !r->err) r->err = "record longer than 16 MiB (expected one line per row; a stray quote?)";
    r->nul = nul;
    if (nul) r->plain = false;
    if (nul && !r->err) r->err = "a NUL byte in the record, written out as U+FFFD (expected text; a binary or UTF-16 file?)";
    return r->err ? PARK_CSV_BAD : PARK_CSV_RECORD;
}

size_t park_csv_nfields(const park_csv_reader *r) { return r->nf; }
const char *park_csv_value(const park_csv_reader *r, size_t i) {
    return i < r->nf ? (const char *)r->buf + r->rec + r->off[i] : "";
}
size_t park_csv_value_len(const park_csv_reader *r, size_t i) { return i < r->nf ? r->flen[i] : 0; }
bool park_csv_plain(const park_csv_reader *r) { return r->plain; }
bool park_csv_has_nul(const park_csv_reader *r) { return r->nul; }
long park_csv_line(const park_csv_reader *r) { return r->line; }
const char *park_csv_error(const park_csv_reader *r) { return r->err; }
int park_csv_errno(const park_csv_reader *r) { return r->io_errno; }
long park_csv_unclosed(const park_csv_reader *r) { return r->unclosed; }

/* ------------------------------------------------------------------ writer */

park_csv_writer *park_csv_writer_new(FILE *f) {
    park_csv_writer *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->f = f;
    w->cap = CSV_BLOCK;
    w->buf = malloc(w->cap);
    if (!w->buf) {
        free(w);
        return NULL;
    }
    return w;
}

void park_csv_writer_free(park_csv_writer *w) {
    if (!w) return;
    park_csv_flush(w);
    free(w->buf);
    free(w);
}

static void drain(park_csv_writer *w) {
    if (w->len && !w->err && fwrite(w->buf, 1, w->len, w->f) != w->len) w->err = errno ? errno : EIO;
    w->len = 0;
}

bool park_csv_flush(park_csv_writer *w) {
    drain(w);
    if (!w->err && fflush(w->f) != 0) w->err = errno ? errno : EIO;
    return w->err == 0;
}

int park_csv_writer_error(const park_csv_writer *w) { return w->err; }

void park_csv_put_raw(park_csv_writer *w, const char *s, size_t n) {
    if (n > w->cap - w->len) {
        drain(w);
        if (n > w->cap) {
            if (!w->err && fwrite(s, 1, n, w->f) != n) w->err = errno ? errno : EIO;
            return;
        }
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

/* Bytes that make a field quoted: , " CR LF (a table: one load a byte, issue 11). */
static const unsigned char CSV_QUOTED[256] = {[','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1};

void park_csv_put_fieldn(park_csv_writer *w, const char *s, size_t n) {
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    /* eight bytes a step while none of them is one of the four (a byte equal to c is a
     * zero byte of v ^ c*0x01..01, and (x - 0x01..01) & ~x & 0x80..80 is non-zero exactly
     * when x has a zero byte); the step that holds one, and the tail, byte by byte */
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    for (; i + 8 <= n; i += 8) {
        uint64_t v, a, b, c, d;
        memcpy(&v, u + i, 8);
        a = v ^ (ones * ','), b = v ^ (ones * '"'), c = v ^ (ones * '\r'), d = v ^ (ones * '\n');
        if (((a - ones) & ~a & highs) | ((b - ones) & ~b & highs) | ((c - ones) & ~c & highs) | ((d - ones) & ~d & highs)) break;
    }
    while (i < n && !CSV_QUOTED[u[i]]) i++;
    if (i == n) {
        park_csv_put_raw(w, s, n);
        return;
    }
    park_csv_putc(w, '"');
    /* quotes are doubled: each run up to and including a quote, then the quote again
     * starts the next run; memchr finds them (a note of 400 bytes has none, issue 11) */
    size_t from = 0, start = 0;
    const char *q;
    while (start < n && (q = memchr(s + start, '"', n - start)) != NULL) {
        size_t at = (size_t)(q - s);
        park_csv_put_raw(w, s + from, at + 1 - from); /* up to and including the quote */
        from = at, start = at + 1;                    /* ... which starts the next run: doubled */
    }
    park_csv_put_raw(w, s + from, n - from);
    park_csv_putc(w, '"');
}

void park_csv_put_fieldn_nul(park_csv_writer *w, const char *s, size_t n) {
    if (!memchr(s, 0, n)) {
        park_csv_put_fieldn(w, s, n);
        return;
    }
    park_buf b;
    park_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        if (s[i]) park_buf_appendn(&b, s + i, 1);
        else park_buf_append(&b, "\xEF\xBF\xBD");
    park_csv_put_fieldn(w, b.s ? b.s : "", b.len);
    park_buf_free(&b);
}

void park_csv_put_field(park_csv_writer *w, const char *s) {
    if (s) park_csv_put_fieldn(w, s, strlen(s));
}

static const double POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

void park_csv_put_long(park_csv_writer *w, long v) {
    char t[24];
    int k = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do t[k++] = (char)('0' + u % 10), u /= 10;
    while (u);
    if (v < 0) park_csv_putc(w, '-');
    while (k) park_csv_putc(w, t[--k]);
}

void park_csv_put_fixed(park_csv_writer *w, double v, int d) {
    if (!isfinite(v)) return;
    char t[400];
    park_csv_put_raw(w, t, park_fmt_fixed(t, sizeof t, v, d));
}

/* ------------------------------------------------------------------ numbers */

int park_csv_parse_number(const char *s, size_t n, double *out, const char **why) {
    const unsigned char *p = (const unsigned char *)s, *e = p + n;
    bool neg = false;
    if (p < e && (*p == '+' || *p == '-')) neg = *p++ == '-';
    uint64_t m = 0;
    int digits = 0, scale = 0;
    unsigned d;
    for (; p < e && (d = (unsigned)*p - '0') < 10; p++, digits++) m = m * 10 + d;
    if (p < e && *p == '.') {
        const unsigned char *f = ++p;
        for (; p < e && (d = (unsigned)*p - '0') < 10; p++) m = m * 10 + d;
        scale = -(int)(p - f);
        digits += (int)(p - f);
    }
    /* 19 digits always fit in 64 bits (leading zeros counted: rare, then strtod) */
    if (!digits || digits > 19) goto slow;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        bool eneg = false;
        if (p < e && (*p == '+' || *p == '-')) eneg = *p++ == '-';
        int x = 0, xd = 0;
        for (; p < e && (d = (unsigned)*p - '0') < 10; p++, xd++) {
            if (xd >= 4) goto slow;
            x = x * 10 + (int)d;
        }
        if (!xd) goto slow;
        scale += eneg ? -x : x;
    }
    if (p != e || m > (1ULL << 53) || scale < -22 || scale > 22) goto slow;
    /* Clinger's fast path: m and 10^|scale| are exact doubles, so one
     * correctly rounded IEEE operation gives strtod's result */
    double v = (double)m;
    v = scale < 0 ? v / POW10[-scale] : v * POW10[scale];
    *out = neg ? -v : v;
    return 1;
slow:
    return park_parse_number(s, out, why);
}
