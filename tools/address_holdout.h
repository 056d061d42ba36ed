/* address_holdout.h - the evaluation hold-out of the address points (issue 10),
 * shared by tools/build_address_gazetteer.c (which never uses held-back rows) and
 * tools/eval_address.c (which evaluates on them only).
 *
 * THE RULE (the same as issue 9's importer): a row of
 * ../shared/data/address-points/baoshan-address-points.wgs84.tsv is held back iff
 * the FNV-1a 32-bit hash of the UTF-8 text in its address column (address_key),
 * modulo 5, is 0. */
#ifndef PARKGIS_TOOLS_ADDRESS_HOLDOUT_H
#define PARKGIS_TOOLS_ADDRESS_HOLDOUT_H
#include <stdint.h>

static inline uint32_t addr_fnv1a32(const char *s) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
    return h;
}
static inline int addr_is_holdout(const char *address) { return addr_fnv1a32(address) % 5 == 0; }

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
