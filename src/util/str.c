/* str.c - strings, buffers, UTF-8, number formatting. */
#include <ctype.h>
#include <math.h>
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

void park_buf_init(park_buf *b) { b->s = NULL, b->len = b->cap = 0; }
void park_buf_free(park_buf *b) {
    free(b->s);
    park_buf_init(b);
}
void park_buf_appendn(park_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) abort(); /* the only allocation we cannot report: a 64-byte string */
        b->s = ns, b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
void park_buf_append(park_buf *b, const char *s) { park_buf_appendn(b, s, strlen(s)); }
void park_buf_printf(park_buf *b, const char *fmt, ...) {
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        char *tmp = malloc((size_t)n + 1);
        if (!tmp) abort();
        vsnprintf(tmp, (size_t)n + 1, fmt, ap2);
        park_buf_appendn(b, tmp, (size_t)n);
        free(tmp);
    }
    va_end(ap2);
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

bool park_utf8_valid(const char *s) {
    while (*s) {
        const char *before = s;
        unsigned cp = park_utf8_next(&s);
        if (cp == 0xFFFD && !(s - before == 3 && (unsigned char)before[0] == 0xEF)) return false;
    }
    return true;
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

void park_fmt_num(char *buf, size_t len, double v, int decimals) {
    if (!isfinite(v))
        snprintf(buf, len, "%s", "");
    else
        snprintf(buf, len, "%.*f", decimals, v);
}
