/* fuzz_number.c - park_parse_number checked against strtod: whatever it
 * accepts must be a finite decimal that strtod reads completely (after the
 * allowed surrounding blanks) to the same double; hex, inf, nan are refused. */
#include <ctype.h>
#include <math.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = fuzz_text(data, size);
    double v = 0;
    const char *why = NULL;
    int ok = park_parse_number(s, &v, &why);
    if (ok) {
        if (!isfinite(v)) abort();
        const char *p = s;
        while (*p == ' ' || *p == '\t') p++;
        char *end = NULL;
        double w = strtod(p, &end);
        while (*end == ' ' || *end == '\t') end++;
        if (*end) abort();          /* text strtod does not read */
        if (w != v) abort();        /* a different value */
        for (const char *q = p; *q && q < end; q++)
            if (*q == 'x' || *q == 'X' || *q == 'n' || *q == 'N' || *q == 'i' || *q == 'I') abort();
    } else if (!why) abort();       /* every refusal says why */
    free(s);
    return 0;
}
