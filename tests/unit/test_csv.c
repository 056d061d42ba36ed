/* test_csv.c - the batch CSV reader/writer and its number routines (util/csv.c).
 * The fast paths must give exactly what the slow ones give: park_csv_parse_number
 * the double of park_parse_number (strtod), park_csv_put_fixed the text of
 * printf("%.*f"), and reading a few bytes at a time the records of one read. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "parkgis.h"
#include "internal.h"
#include "util/csv.h"
#include "test.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static void test_parse_number(void) {
    long same = 0, n = 0;
    char s[64];
    const char *fixed[] = {"121.4", "-73.5", ".5", "5.", "3476500", "3.4765e6", "1e22", "1e23", "9007199254740993", "0.1",
                           "00012.5000", "-0", "+1.5", "1e-22", "123456789012345678901", "0x10", "inf", "nan", "", " 1", "1 ",
                           "1e", "1e+", ".", "-", "121.40000000000000000001", "4.9e-324", "1e400", "2.2250738585072014e-308"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        double a = 1, b = 2;
        const char *wa = NULL, *wb = NULL;
        int ka = park_csv_parse_number(fixed[i], strlen(fixed[i]), &a, &wa), kb = park_parse_number(fixed[i], &b, &wb);
        n++;
        same += ka == kb && (ka ? !memcmp(&a, &b, sizeof a) : !strcmp(wa, wb));
        if (!(ka == kb && (ka ? !memcmp(&a, &b, sizeof a) : !strcmp(wa, wb)))) fprintf(stderr, "differs on '%s'\n", fixed[i]);
    }
    for (int i = 0; i < 300000; i++) {
        uint64_t r = next();
        int dec = (int)(r % 12), ip = (int)((r >> 8) % 1000);
        switch (i % 3) {
        case 0: snprintf(s, sizeof s, "%d.%0*llu", ip, dec ? dec : 1, (unsigned long long)((r >> 20) % 1000000000000ULL)); break;
        case 1: snprintf(s, sizeof s, "%.*f", dec, (double)(int64_t)(r >> 1) / 9.7e15 * 180); break;
        default: snprintf(s, sizeof s, "%.*e", dec, (double)(r >> 11) * 1e-10); break;
        }
        double a = 1, b = 2;
        const char *wa = NULL, *wb = NULL;
        int ka = park_csv_parse_number(s, strlen(s), &a, &wa), kb = park_parse_number(s, &b, &wb);
        n++;
        same += ka == kb && (!ka || !memcmp(&a, &b, sizeof a));
    }
    CHECK(same == n);
}

static void test_put_fixed(void) {
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    park_csv_writer *w = park_csv_writer_new(m);
    park_buf want;
    park_buf_init(&want);
    double fixed[] = {0, -0.0, 0.125, 0.375, 2.675, 1.005, -0.001, 0.5, 1.5, 2.5, 1e15, 123456.789, 99.995, 1e-300, -1e11};
    for (int d = 0; d <= 9; d++)
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
            park_csv_put_fixed(w, fixed[i], d), park_csv_eol(w);
            park_buf_printf(&want, "%.*f\n", d, fixed[i]);
        }
    for (int i = 0; i < 200000; i++) {
        uint64_t r = next();
        double v = (double)(int64_t)r / 9.2e18 * (i % 2 ? 1e4 : 1e8);
        int d = (int)(r % 10);
        park_csv_put_fixed(w, v, d), park_csv_eol(w);
        park_buf_printf(&want, "%.*f\n", d, v);
    }
    park_csv_put_fixed(w, NAN, 2), park_csv_put_fixed(w, INFINITY, 2), park_csv_eol(w);
    park_buf_append(&want, "\n");
    park_csv_writer_free(w);
    fclose(m);
    CHECK(len == want.len && !memcmp(out, want.s, len));
    free(out);
    park_buf_free(&want);
}

/* the same records whether read in one go or a byte at a time */
static void test_blocks(void) {
    const char *in = "\xEF\xBB\xBFid,\"a \"\"q\"\" b\",c\r\n1,\"x,\ny\",3\r\n\n2,\"stray,4\n3,5,6\r7,8\n\"\"\n9,\"t\"x,z";
    char got[2][2048];
    for (int k = 0; k < 2; k++) {
        int p[2];
        if (pipe(p)) abort();
        if (write(p[1], in, strlen(in)) != (ssize_t)strlen(in)) abort();
        close(p[1]);
        park_csv_reader *r = k ? park_csv_reader_new_block(p[0], 1) : park_csv_reader_new(p[0]);
        park_buf b;
        park_buf_init(&b);
        int res;
        while ((res = park_csv_next(r)) != PARK_CSV_EOF && res != PARK_CSV_IO_ERROR) {
            park_buf_printf(&b, "[%d L%ld", res, park_csv_line(r));
            for (size_t i = 0; i < park_csv_nfields(r); i++) park_buf_printf(&b, " <%s>", park_csv_value(r, i));
            park_buf_append(&b, "]");
        }
        snprintf(got[k], sizeof got[k], "%s", b.s);
        park_buf_free(&b);
        park_csv_reader_free(r);
        close(p[0]);
    }
    CHECK_STR(got[1], got[0]);
    CHECK_STR(got[0], "[1 L1 <id> <a \"q\" b> <c>][1 L2 <1> <x,\ny> <3>][1 L4 <>]"
                      "[-1 L5 <2> <stray,4>][1 L6 <3> <5> <6>][1 L7 <7> <8>][1 L8 <>]"
                      "[-1 L9 <9> <tx> <z>]");
}

/* park_buf_printf formats %s %d %ld %zu %c %% and %.Nf itself (batch notes): the
 * text must be snprintf's, on random doubles and on ties, negative zero, NaN. */
static void test_buf_printf(void) {
    static const char *const F[] = {"%.0f", "%.1f", "%.2f", "%.3f", "%.6f", "%.9f", "%f"};
    long n = 0, same = 0;
    double fixed[] = {0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 2.675, 99.995, 1e15, 1e300, -1e-300, NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 300000; i++) {
        uint64_t r = next();
        double v = i < 15 * 7 ? fixed[i / 7] : (double)(int64_t)r / 9.2e18 * (i % 3 == 0 ? 1e3 : i % 3 == 1 ? 1e6 : 1e10);
        const char *f = F[i < 15 * 7 ? i % 7 : (int)(r % 7)];
        char fmt[64], want[512];
        snprintf(fmt, sizeof fmt, "a%%sb%s%%%%c%%d;%%ld|%%zu%%c%%s", f);
        snprintf(want, sizeof want, fmt, "路", v, (int)(r >> 40) - 8000000, (long)r, (size_t)(r >> 3), 'x', "");
        park_buf b;
        park_buf_init(&b);
        park_buf_printf(&b, fmt, "路", v, (int)(r >> 40) - 8000000, (long)r, (size_t)(r >> 3), 'x', "");
        n++;
        if (b.s && !strcmp(b.s, want)) same++;
        else if (n - same <= 5) fprintf(stderr, "park_buf_printf('%s'): '%s', snprintf: '%s'\n", fmt, b.s ? b.s : "", want);
        park_buf_free(&b);
    }
    CHECK(same == n);
    /* the forms it leaves to vsnprintf still come out right */
    park_buf b;
    park_buf_init(&b);
    park_buf_printf(&b, "%5.1f|%-3d|%x|%.*f|%g", 2.25, 7, 255, 2, 1.005, 0.1);
    char want[128];
    snprintf(want, sizeof want, "%5.1f|%-3d|%x|%.*f|%g", 2.25, 7, 255, 2, 1.005, 0.1);
    CHECK_STR(b.s, want);
    park_buf_free(&b);
    /* a form it leaves to vsnprintf after conversions it had formatted itself (the fast
     * path stops there and its partial text is cut off): the buffer's earlier text stays,
     * the call's text is snprintf's once, also when the fast part made the buffer grow */
    for (int pad = 0; pad < 2; pad++) {
        park_buf_init(&b);
        park_buf_append(&b, "before;");
        char big[600];
        memset(big, 'y', sizeof big - 1), big[sizeof big - 1] = 0;
        const char *s1 = pad ? big : "富联一路";
        park_buf_printf(&b, "a%sb%ld c%.2f|%5d|%s%%", s1, 42L, 3.14159, 7, "end");
        char w2[800];
        snprintf(w2, sizeof w2, "before;a%sb%ld c%.2f|%5d|%s%%", s1, 42L, 3.14159, 7, "end");
        CHECK_STR(b.s, w2);
        CHECK(b.len == strlen(w2));
        park_buf_printf(&b, "%lx|%zd|%d", 255UL, (ssize_t)-3, 5); /* %lx: not its own; %zd is */
        snprintf(w2 + strlen(w2), sizeof w2 - strlen(w2), "%lx|%zd|%d", 255UL, (ssize_t)-3, 5);
        CHECK_STR(b.s, w2);
        park_buf_free(&b);
    }
}

/* park_csv_put_fieldn against RFC 4180's rule written plainly (quoted when any byte is
 * , " CR or LF; quotes doubled): every length 0..40, each of the four (and bytes that
 * differ from them by one bit, and UTF-8) at every position, so the 8-byte steps of the
 * scan meet a special byte in each lane and in the tail */
static void test_put_fieldn(void) {
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    park_csv_writer *w = park_csv_writer_new(m);
    park_buf want;
    park_buf_init(&want);
    static const char specials[] = {',', '"', '\r', '\n', '-', '#', '\x0c', '\x0b', 'a', '\xe8'};
    char f[48];
    size_t quoted = 0;
    for (size_t n = 0; n <= 40; n++)
        for (size_t sp = 0; sp < sizeof specials; sp++)
            for (size_t at = 0; at <= n; at++) {
                for (size_t i = 0; i < n; i++) f[i] = "\xe5\xae\x9d-abc 19"[i % 10];
                if (at < n) f[at] = specials[sp];
                park_csv_put_fieldn(w, f, n), park_csv_eol(w);
                int q = 0;
                for (size_t i = 0; i < n; i++) q |= f[i] == ',' || f[i] == '"' || f[i] == '\r' || f[i] == '\n';
                quoted += q;
                if (q) park_buf_append(&want, "\"");
                for (size_t i = 0; i < n; i++) {
                    park_buf_appendn(&want, &f[i], 1);
                    if (f[i] == '"') park_buf_append(&want, "\"");
                }
                park_buf_append(&want, q ? "\"\n" : "\n");
            }
    park_csv_writer_free(w);
    fclose(m);
    CHECK(quoted == 4 * (40 * 41 / 2)); /* the four, at each position of each length */
    CHECK(len == want.len && !memcmp(out, want.s, len));
    free(out);
    park_buf_free(&want);
}

int main(void) {
    test_put_fieldn();
    test_parse_number();
    test_buf_printf();
    test_put_fixed();
    test_blocks();
    return test_summary();
}
