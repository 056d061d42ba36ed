/* str.c - strings, buffers, UTF-8, number formatting. */
#define _GNU_SOURCE /* strchrnul */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

char *park_strdup(const char *s) { return park_strndup(s ? s : "", s ? strlen(s) : 0); }

char *park_strndup(const char *s, size_t n) {
    char *r = malloc(n + 1);
    if (!r) return NULL;
    if (n) memcpy(r, s, n);
    r[n] = 0;
    return r;
}

char *park_asprintf(const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *r = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (r) vsnprintf(r, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return r;
}

/* The one number parser for user input (command-line values, CSV coordinate
 * columns, layer attributes, "LON,LAT" text). strtod alone also takes "0x10"
 * (read as 16), "inf", "nan" and "1e999": each a typo or a paste accident that
 * would be answered as a real place, so the syntax is checked first and strtod
 * only converts what is already known to be plain decimal. */
int park_parse_number(const char *s, double *out, const char **why) {
    const char *w = "is not a number";
    if (!s) s = "";
    while (*s == ' ' || *s == '\t') s++;
    const char *p = s;
    if (*p == '+' || *p == '-') p++;
    size_t intd = 0, fracd = 0;
    while (isdigit((unsigned char)*p)) p++, intd++;
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) p++, fracd++;
    }
    bool ok = intd + fracd > 0;
    if (ok && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        if (*q == '+' || *q == '-') q++;
        if (!isdigit((unsigned char)*q)) ok = false;
        while (isdigit((unsigned char)*q)) q++;
        p = q;
    }
    const char *end = p;
    while (*p == ' ' || *p == '\t') p++;
    if (ok && !*p) {
        char *e;
        double v = strtod(s, &e);
        if (e == end && isfinite(v)) {
            *out = v;
            return 1;
        }
        w = "is not a finite number"; /* 1e999 */
    } else if (!*s) {
        w = "is empty";
    } else {
        const char *u = s + (*s == '+' || *s == '-');
        if (u[0] == '0' && (u[1] == 'x' || u[1] == 'X')) w = "is hexadecimal";
        else if (park_streq_ci(u, "inf") || park_streq_ci(u, "infinity") || park_streq_ci(u, "nan"))
            w = "is not a finite number";
    }
    if (why) *why = w;
    return 0;
}

bool park_streq_ci(const char *a, const char *b) {
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* A buffer's first allocation: a batch row's note (~400 bytes) and its parts grew
 * 64 -> 128 -> 256 -> 512 through a realloc each (issue 11). */
#define PARK_BUF_FIRST 256

void park_buf_init(park_buf *b) { b->s = NULL, b->len = b->cap = 0; }
void park_buf_free(park_buf *b) {
    free(b->s);
    park_buf_init(b);
}
void park_buf_appendn(park_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : PARK_BUF_FIRST;
        while (cap < b->len + n + 1) cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) abort(); /* the only allocation we cannot report: a 64-byte string */
        b->s = ns, b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
/* Room for n more bytes and the NUL. */
static void park_buf_reserve(park_buf *b, size_t n) {
    if (b->len + n + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : PARK_BUF_FIRST;
    while (cap < b->len + n + 1) cap *= 2;
    char *ns = realloc(b->s, cap);
    if (!ns) abort();
    b->s = ns, b->cap = cap;
}
void park_buf_append(park_buf *b, const char *s) { park_buf_appendn(b, s, strlen(s)); }
/* The conversions park_buf_printf formats itself (no printf on the hot paths:
 * batch notes, issue 11): %s %d %i %u %ld %lu %zu %c %% and %f / %.Nf (N <= 9), no
 * flags or widths. Anything else goes to vsnprintf, so the text is the same either way. */
/* The fast path's text is gathered in a block on the stack and appended to the
 * buffer a block at a time (issue 11: an append per piece was most of a note's cost). */
typedef struct fmt_out {
    park_buf *b;
    size_t n;
    char t[1024];
} fmt_out;
static void fo_flush(fmt_out *o) {
    if (o->n) park_buf_appendn(o->b, o->t, o->n);
    o->n = 0;
}
static void fo_put(fmt_out *o, const char *s, size_t n) {
    if (n > sizeof o->t - o->n) {
        fo_flush(o);
        if (n > sizeof o->t) {
            park_buf_appendn(o->b, s, n);
            return;
        }
    }
    memcpy(o->t + o->n, s, n);
    o->n += n;
}
/* room for r more bytes at o->t + o->n (r <= sizeof o->t) */
static char *fo_room(fmt_out *o, size_t r) {
    if (r > sizeof o->t - o->n) fo_flush(o);
    return o->t + o->n;
}

static void put_ulong(fmt_out *o, unsigned long long u, bool neg) {
    char t[24];
    int k = 24;
    do t[--k] = (char)('0' + u % 10), u /= 10;
    while (u);
    if (neg) t[--k] = '-';
    fo_put(o, t + k, (size_t)(24 - k));
}
static void put_slong(fmt_out *o, long long v) { put_ulong(o, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0); }

/* Formats fmt into b when every conversion is one of the above; returns false at the
 * first that is not (b then holds a partial text the caller cuts off). The format is
 * read once: it was scanned for the conversions first, then again to format (issue 11). */
static bool buf_vprintf_fast(park_buf *b, const char *f, va_list ap) {
    fmt_out o;
    o.b = b, o.n = 0;
    for (;;) {
        const char *p = strchrnul(f, '%'); /* the literal up to the next conversion (glibc's scan) */
        if (p > f) fo_put(&o, f, (size_t)(p - f));
        if (!*p) {
            fo_flush(&o);
            return true;
        }
        f = p + 1;
        int dec = 6;
        switch (*f) {
        case '%': fo_put(&o, "%", 1); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            fo_put(&o, s, strlen(s));
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            fo_put(&o, &c, 1);
            break;
        }
        case 'd': case 'i': put_slong(&o, va_arg(ap, int)); break;
        case 'u': put_ulong(&o, va_arg(ap, unsigned), false); break;
        case 'l':
        case 'z': {
            char sz = *f++;
            if (*f == 'u') put_ulong(&o, sz == 'l' ? va_arg(ap, unsigned long) : va_arg(ap, size_t), false);
            else if (*f == 'd' || *f == 'i') put_slong(&o, sz == 'l' ? va_arg(ap, long) : (long long)va_arg(ap, ssize_t));
            else {
                fo_flush(&o);
                return false;
            }
            break;
        }
        case '.':
            if (f[1] < '0' || f[1] > '9' || f[2] != 'f') {
                fo_flush(&o);
                return false;
            }
            dec = f[1] - '0', f += 2; /* fall through: f is at 'f' */
        /* FALLTHROUGH */
        case 'f': {
            /* park_fmt_fixed writes at most 400 bytes here (snprintf's %.9f of 1e308) */
            char *t = fo_room(&o, 400);
            o.n += park_fmt_fixed(t, 400, va_arg(ap, double), dec);
            break;
        }
        default: fo_flush(&o); return false;
        }
        f++;
    }
}

void park_buf_printf(park_buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    size_t len0 = b->len;
    bool done = buf_vprintf_fast(b, fmt, ap);
    va_end(ap);
    if (done) {
        va_end(ap2);
        return;
    }
    /* a conversion of its own: the text from vsnprintf, from where this call began */
    b->len = len0;
    if (b->s) b->s[len0] = 0;
    va_list ap3;
    va_copy(ap3, ap2);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n > 0) {
        park_buf_reserve(b, (size_t)n);
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap3);
        b->len += (size_t)n;
    }
    va_end(ap3);
}
char *park_buf_take(park_buf *b) {
    char *s = b->s ? b->s : park_strdup("");
    park_buf_init(b);
    return s;
}

unsigned park_utf8_next(const char **p) {
    const unsigned char *s = (const unsigned char *)*p;
    unsigned c = s[0];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0) {
        (*p)++;
        return 0xFFFD;
    }
    unsigned cp = n == 0 ? c : c & (0x3F >> n);
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p += i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *p += n + 1;
    return cp;
}

/* What park_utf8_next reads without a U+FFFD it made itself: whole sequences (a lead
 * byte and its continuation bytes; overlong forms pass, as they decode), a U+FFFD only as
 * its 3-byte form EF BF BD (its 4-byte overlong form is refused, as before). Checked
 * byte by byte rather than by decoding each character (issue 11). */
bool park_utf8_valid(const char *s) {
    const unsigned char *u = (const unsigned char *)s;
    for (;;) {
        unsigned c = u[0];
        if (c < 0x80) {
            if (!c) return true;
            u++;
        } else if ((c & 0xE0) == 0xC0) {
            if ((u[1] & 0xC0) != 0x80) return false;
            u += 2;
        } else if ((c & 0xF0) == 0xE0) {
            if ((u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80) return false;
            u += 3;
        } else if ((c & 0xF8) == 0xF0) {
            if ((u[1] & 0xC0) != 0x80 || (u[2] & 0xC0) != 0x80 || (u[3] & 0xC0) != 0x80) return false;
            unsigned cp = (c & 0x07) << 18 | (u[1] & 0x3Fu) << 12 | (u[2] & 0x3Fu) << 6 | (u[3] & 0x3Fu);
            if (cp == 0xFFFD) return false;
            u += 4;
        } else return false;
    }
}

static bool wide(unsigned cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

int park_utf8_width(const char *s) {
    int w = 0;
    while (*s) w += wide(park_utf8_next(&s)) ? 2 : 1;
    return w;
}

static const double FX_POW10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

size_t park_fmt_fixed(char *out, size_t len, double v, int d) {
    double a = fabs(v);
    double s = d >= 0 && d <= 9 && isfinite(v) ? a * FX_POW10[d] : INFINITY;
    /* s is a*10^d to within half an ulp (< 1e-5 below 1e11); away from a
     * rounding tie by more than that, its rounding is the exact value's, which
     * is what printf rounds */
    double fl = floor(s);
    if (!(s < 1e11) || fabs(s - fl - 0.5) < 1e-4 || len < 32) {
        int n = snprintf(out, len, "%.*f", d, v);
        return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
    }
    uint64_t q = (uint64_t)fl + (s - fl > 0.5);
    /* written from the end, two digits at a time (issue 11: a digit a step, then reversed) */
    static const char D2[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                             "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                             "8081828384858687888990919293949596979899";
    char t[32];
    int k = 32, f = d;
    for (; f >= 2; f -= 2) {
        unsigned r = (unsigned)(q % 100);
        q /= 100, k -= 2;
        t[k] = D2[2 * r], t[k + 1] = D2[2 * r + 1];
    }
    if (f) t[--k] = (char)('0' + q % 10), q /= 10;
    if (d) t[--k] = '.';
    while (q >= 100) {
        unsigned r = (unsigned)(q % 100);
        q /= 100, k -= 2;
        t[k] = D2[2 * r], t[k + 1] = D2[2 * r + 1];
    }
    if (q >= 10) k -= 2, t[k] = D2[2 * q], t[k + 1] = D2[2 * q + 1];
    else t[--k] = (char)('0' + q);
    if (signbit(v)) t[--k] = '-';
    size_t n = (size_t)(32 - k);
    memcpy(out, t + k, n);
    out[n] = 0;
    return n;
}

void park_fmt_num(char *buf, size_t len, double v, int decimals) {
    if (!isfinite(v))
        snprintf(buf, len, "%s", "");
    else
        park_fmt_fixed(buf, len, v, decimals);
}
