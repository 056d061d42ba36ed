/* test.h - a tiny unit-test harness, in the spirit of GEOS's C API tests:
 * WKT in, numbers or WKT out. Each test file's main() calls the cases and
 * returns test_summary(), which prints "N passed, N failed". */
#ifndef PARKGIS_TEST_H
#define PARKGIS_TEST_H
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_pass, test_fail;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) test_pass++;                                                       \
        else {                                                                       \
            test_fail++;                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                                   \
    do {                                                                                        \
        double a_ = (a), b_ = (b);                                                              \
        if (fabs(a_ - b_) <= (tol)) test_pass++;                                                \
        else {                                                                                  \
            test_fail++;                                                                        \
            fprintf(stderr, "%s:%d: %s = %.10g, expected %.10g (tol %g)\n", __FILE__, __LINE__, \
                    #a, a_, b_, (double)(tol));                                                 \
        }                                                                                       \
    } while (0)

#define CHECK_STR(a, b)                                                                          \
    do {                                                                                         \
        const char *a_ = (a), *b_ = (b);                                                         \
        if (a_ && b_ && strcmp(a_, b_) == 0) test_pass++;                                        \
        else {                                                                                   \
            test_fail++;                                                                         \
            fprintf(stderr, "%s:%d: %s = \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a,     \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                     \
        }                                                                                        \
    } while (0)

#define CHECK_STATUS(expr, want)                                                                     \
    do {                                                                                             \
        int got_ = (int)(expr);                                                                      \
        if (got_ == (int)(want)) test_pass++;                                                        \
        else {                                                                                       \
            test_fail++;                                                                             \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d\n", __FILE__, __LINE__, #expr, got_, \
                    (int)(want));                                                                    \
        }                                                                                            \
    } while (0)

/* write text to path (test fixtures); aborts on failure */
static inline void test_put_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) abort();
    fputs(text, f);
    if (fclose(f) != 0) abort();
}

/* the standard normal CDF, as the certainty model uses it */
static inline double test_phi(double z) { return 0.5 * erfc(-z / M_SQRT2); }

static inline int test_summary(void) {
    printf("%d passed, %d failed\n", test_pass, test_fail);
    return test_fail ? 1 : 0;
}
#endif
