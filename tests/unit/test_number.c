/* test_number.c - park_parse_number, the one parser for numbers users type or
 * put in CSV columns: plain decimal is read exactly as strtod reads it; the
 * forms strtod also takes (hex, inf, nan, overflow) and anything around the
 * number are refused with a reason for the message. */
#include <stdlib.h>

#include "parkgis.h"
#include "test.h"

static void ok(const char *s, double want) {
    double v = -12345;
    const char *why = NULL;
    CHECK(park_parse_number(s, &v, &why) == 1);
    CHECK_NEAR(v, want, 0);
    CHECK(why == NULL); /* untouched on success */
}

static void bad(const char *s, const char *want_why) {
    double v = -12345;
    const char *why = NULL;
    CHECK(park_parse_number(s, &v, &why) == 0);
    CHECK_NEAR(v, -12345, 0); /* *out only written on success */
    CHECK_STR(why, want_why);
}

int main(void) {
    ok("121.4", 121.4);
    ok("-73.5", -73.5);
    ok("+31.4", 31.4);
    ok("3476500", 3476500);
    ok("3.4765e6", 3476500);
    ok("1E-3", 0.001);
    ok(".5", 0.5);
    ok("-.5", -0.5);
    ok("5.", 5);
    ok(" 31.35\t", 31.35); /* padded CSV fields */
    ok("0", 0);
    ok("1e-999", 0);       /* underflow is zero, not an error: no coordinate is that small */

    bad("", "is empty");
    bad("  ", "is empty");
    bad(NULL, "is empty");
    bad("0x10", "is hexadecimal"); /* strtod: 16 */
    bad("-0X79", "is hexadecimal");
    bad("0x1p4", "is hexadecimal");
    bad("inf", "is not a finite number");
    bad("-Infinity", "is not a finite number");
    bad("NaN", "is not a finite number");
    bad("1e999", "is not a finite number");
    bad("31.4abc", "is not a number");
    bad("31,4", "is not a number"); /* a decimal comma */
    bad("1e", "is not a number");
    bad("1e+", "is not a number");
    bad(".", "is not a number");
    bad("-", "is not a number");
    bad("+-1", "is not a number");
    bad("1 2", "is not a number");
    bad("١٢", "is not a number"); /* non-ASCII digits */
    bad("abc", "is not a number");

    /* why may be NULL */
    double v;
    CHECK(park_parse_number("0x10", &v, NULL) == 0);
    return test_summary();
}
