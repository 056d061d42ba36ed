/* test_utf8.c - park_utf8_valid, checked byte by byte since issue 11, against its
 * definition by park_utf8_next (every character decodes without a U+FFFD it made
 * itself; U+FFFD only as EF BF BD) on 400,000 random byte strings drawn to hit every
 * class of byte (ASCII, continuation, 2-, 3-, 4-byte leads, F8-FF, overlong forms,
 * truncated sequences); and park_address.controls, counted by lead byte since issue
 * 11, against a decode of every character, on 20,000 addresses with controls,
 * C1 controls (U+0080-U+009F) and overlong forms of them spliced in. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_address.h"
#include "test.h"

static uint64_t rng = 88172645463325252ULL;
static uint64_t next(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static bool valid_ref(const char *s) {
    while (*s) {
        const char *before = s;
        unsigned cp = park_utf8_next(&s);
        if (cp == 0xFFFD && !(s - before == 3 && (unsigned char)before[0] == 0xEF)) return false;
    }
    return true;
}

/* a byte of a class chosen at random */
static unsigned char rand_byte(void) {
    uint64_t r = next();
    switch (r % 9) {
    case 0: return (unsigned char)(0x01 + (r >> 8) % 0x7F);   /* ASCII, no NUL */
    case 1: return (unsigned char)(0x80 + (r >> 8) % 0x40);   /* continuation */
    case 2: return (unsigned char)(0xC0 + (r >> 8) % 0x20);   /* 2-byte lead (C0, C1 overlong) */
    case 3: return (unsigned char)(0xE0 + (r >> 8) % 0x10);   /* 3-byte lead */
    case 4: return (unsigned char)(0xF0 + (r >> 8) % 0x08);   /* 4-byte lead */
    case 5: return (unsigned char)(0xF8 + (r >> 8) % 0x08);   /* never a lead */
    case 6: return 0xEF;                                      /* EF BF BD pieces */
    case 7: return 0xBF;
    default: return (unsigned char)((r >> 8) & 1 ? 0xBD : 0x8F);
    }
}

static void test_valid(void) {
    long n = 0, same = 0, valid = 0;
    static const char *const fixed[] = {"", "a", "富联一路", "\xEF\xBF\xBD", "\xF0\x8F\xBF\xBD", "\xC0\x80", "\xE0\x80\x80",
                                        "\xF0\x80\x80\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC2", "\xE5\xAF", "\xF0\x9F\x98",
                                        "\x80", "\xFF", "a\xC2", "\xF0\x9F\x98\x80"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        n++, same += park_utf8_valid(fixed[i]) == valid_ref(fixed[i]);
    }
    char s[16];
    for (int i = 0; i < 400000; i++) {
        int len = (int)(next() % 12);
        for (int k = 0; k < len; k++) s[k] = (char)rand_byte();
        s[len] = 0;
        bool a = park_utf8_valid(s), b = valid_ref(s);
        n++, same += a == b, valid += b;
        if (a != b && n - same <= 5) {
            fprintf(stderr, "park_utf8_valid disagrees on:");
            for (int k = 0; k < len; k++) fprintf(stderr, " %02X", (unsigned char)s[k]);
            fprintf(stderr, " (%d, definition %d)\n", a, b);
        }
    }
    CHECK(same == n);
    CHECK(valid > 20000); /* the draw reaches valid strings, not only broken ones */
}

static void test_controls(void) {
    park_ctx *ctx = park_ctx_new();
    static const char *const bits[] = {"\x01", "\x1F", "\x7F", "\t", "\n", "\xC2\x80", "\xC2\x9F", "\xC2\xA0", "\xC0\x81", "\xC1\x9F",
                                       "\xE0\x80\x85", "\xE0\x82\x85", "\xF0\x80\x80\x9E", "\xF0\x80\x82\x90", "富", "一", "\xF0\x9F\x98\x80", "x"};
    const size_t nb = sizeof bits / sizeof bits[0];
    long n = 0, same = 0, with = 0;
    for (int i = 0; i < 20000; i++) {
        char text[256];
        size_t k = (size_t)snprintf(text, sizeof text, "富联");
        int m = (int)(next() % 6);
        for (int j = 0; j < m; j++) {
            const char *b = bits[next() % nb];
            memcpy(text + k, b, strlen(b) + 1), k += strlen(b);
        }
        snprintf(text + k, sizeof text - k, "一路6号");
        int want = 0;
        for (const char *q = text; *q;) {
            unsigned cp = park_utf8_next(&q);
            want += (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7F && cp <= 0x9F);
        }
        park_address *a = NULL;
        if (park_address_parse(ctx, text, &a) != PARK_OK) {
            park_ctx_clear_error(ctx);
            continue; /* e.g. an overlong NUL ends what the rules read */
        }
        n++, same += a->controls == want, with += want > 0;
        if (a->controls != want && n - same <= 5) fprintf(stderr, "controls %d, definition %d\n", a->controls, want);
        park_address_free(a);
    }
    CHECK(n > 15000);
    CHECK(with > 5000);
    CHECK(same == n);
    park_ctx_free(ctx);
}

int main(void) {
    test_valid();
    test_controls();
    return test_summary();
}
