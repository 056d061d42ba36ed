/* address_holdout.h - the evaluation hold-out of the address points (issue 10),
 * shared by tools/build_address_gazetteer.c (which never uses held-back rows) and
 * tools/eval_address.c (which evaluates on them only).
 *
 * THE RULE (the fresh hold-out of 2026-12-02): a row of
 * ../shared/data/address-points/baoshan-address-points.wgs84.tsv is held back iff
 * the FNV-1a 32-bit hash of the bytes ADDR_HOLDOUT_SALT followed by the UTF-8 text
 * of its address column (address_key) as park_address_normalize leaves it,
 * modulo 5, is 0.
 *
 * It replaced the first rule (FNV-1a 32 of the raw address text % 5 == 0, still
 * issue 9's rule for the 四至 gazetteer: park_address_point_is_holdout), whose rows
 * were looked at while the lookup was developed; those rows are training data of
 * the address index now. eval_address --holdout first evaluates on them again, for
 * comparison only (it was tuned against them). */
#ifndef PARKGIS_TOOLS_ADDRESS_HOLDOUT_H
#define PARKGIS_TOOLS_ADDRESS_HOLDOUT_H
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_address.h"
#include "parkgis_sources.h"

static inline uint32_t addr_fnv1a32(const char *s) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
    return h;
}
#define ADDR_HOLDOUT_SALT "parkgis address hold-out 2:"
/* The fresh rule (above). */
static inline int addr_is_holdout(const char *address) {
    char *n = park_address_normalize(address ? address : "");
    char *s = park_asprintf("%s%s", ADDR_HOLDOUT_SALT, n ? n : "");
    int held = s ? addr_fnv1a32(s) % 5 == 0 : 0;
    free(n), free(s);
    return held;
}
/* The first rule, now training data (eval_address --holdout first). */
static inline int addr_is_holdout_first(const char *address) { return addr_fnv1a32(address ? address : "") % 5 == 0; }
/* The fresh rule for park_roadfit_opts.is_holdout. */
static inline bool addr_point_is_holdout(const park_address_point *p) { return addr_is_holdout(p ? p->address : ""); }
#define ADDR_HOLDOUT_RULE "FNV-1a-32(\"" ADDR_HOLDOUT_SALT "\" + normalised address) % 5 == 0"

/* Cross-validation inside the TRAINING rows (eval_address --cv K): a row not held
 * back is in fold FNV-1a-32(ADDR_CV_SALT + normalised address) % K. A different salt
 * from the hold-out's, so the folds are independent of it. */
#define ADDR_CV_SALT "parkgis address cv 1:"
static inline int addr_cv_fold(const char *address, int k) {
    if (k <= 0) return -1;
    char *n = park_address_normalize(address ? address : "");
    char *s = park_asprintf("%s%s", ADDR_CV_SALT, n ? n : "");
    int f = s ? (int)(addr_fnv1a32(s) % (uint32_t)k) : -1;
    free(n), free(s);
    return f;
}
#define ADDR_CV_RULE "FNV-1a-32(\"" ADDR_CV_SALT "\" + normalised address) % K"

/* One row of the TSV, split in place (fields point into the line). */
typedef struct addr_row {
    char *key, *road, *number, *unit, *sources, *names;
    int n_sources, shared, inside;
    double lon, lat, disagree_m; /* disagree_m NAN when one source */
} addr_row;

/* Splits a TSV data line (12 columns, see SOURCES.md); 0 if it has fewer. */
static inline int addr_row_split(char *line, addr_row *r) {
    char *f[12];
    int n = 0;
    for (char *p = line; n < 12;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t) break;
        *t = 0, p = t + 1;
    }
    if (n < 12) return 0;
    char *nl = strpbrk(f[11], "\r\n");
    if (nl) *nl = 0;
    r->key = f[0], r->road = f[1], r->number = f[2], r->unit = f[3];
    r->n_sources = atoi(f[4]), r->sources = f[5];
    r->lon = strtod(f[6], NULL), r->lat = strtod(f[7], NULL);
    r->disagree_m = f[8][0] ? strtod(f[8], NULL) : NAN;
    r->shared = atoi(f[9]), r->inside = atoi(f[10]), r->names = f[11];
    return 1;
}
/* The rows the data README says to trust as positions. */
static inline int addr_row_trusted(const addr_row *r) { return !isnan(r->disagree_m) && r->disagree_m <= 150 && !r->shared; }
#endif
