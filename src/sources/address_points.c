/* address_points.c - reader for the geocoded address points TSV
 * (../shared/data/address-points/baoshan-address-points.wgs84.tsv) and the
 * shared hold-out rule. See include/parkgis_sources.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_sources.h"

struct park_address_points {
    park_address_point *v;
    size_t n, cap;
    char **strs; /* every owned string, freed together */
    size_t nstrs, capstrs;
    size_t skipped;
    char *notes;
};

static const char *own(park_address_points *p, const char *s, size_t n) {
    char *c = park_strndup(s, n);
    if (p->nstrs == p->capstrs) p->capstrs = p->capstrs ? p->capstrs * 2 : 4096, p->strs = realloc(p->strs, p->capstrs * sizeof *p->strs);
    p->strs[p->nstrs++] = c;
    return c;
}

uint32_t park_fnv1a32(const void *data, size_t n) {
    const unsigned char *b = data;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h ^= b[i], h *= 16777619u;
    return h;
}

bool park_address_point_is_holdout(const park_address_point *p) {
    const char *a = p && p->address ? p->address : "";
    return park_fnv1a32(a, strlen(a)) % 5 == 0;
}

bool park_address_point_is_trusted(const park_address_point *p) {
    return p && !p->shared && p->n_sources >= 2 && !isnan(p->disagreement_m) && p->disagreement_m <= 150;
}

bool park_address_point_is_hint(const park_address_point *p) { return p && !p->shared && p->n_sources < 2; }

enum { C_KEY, C_ROAD, C_NUM, C_UNIT, C_NSRC, C_LON, C_LAT, C_DIS, C_SHARED, C_INSIDE, NCOL };
static const char *const COLS[NCOL] = {"address_key", "road", "number", "unit", "n_sources", "lon_wgs84", "lat_wgs84",
                                       "max_pairwise_disagreement_m", "any_point_shared_by_many_addresses", "inside_baoshan_polygon"};

/* Splits line (modified in place) at tabs; returns the number of fields. */
static int split_tabs(char *line, char **f, int max) {
    int n = 0;
    f[n++] = line;
    for (char *s = line; *s && n < max; s++)
        if (*s == '\t') *s = 0, f[n++] = s + 1;
    return n;
}

park_status park_address_points_read(park_ctx *ctx, const char *path, park_address_points **out) {
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (!fp) return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (expected the address-points TSV of ../shared/data/address-points)", path);
    park_address_points *p = calloc(1, sizeof *p);
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    long line_no = 0;
    int idx[NCOL];
    for (int i = 0; i < NCOL; i++) idx[i] = -1;
    park_buf notes;
    park_buf_init(&notes);
    int nnotes = 0;
    park_status st = PARK_OK;
    while ((len = getline(&line, &lcap, fp)) != -1) {
        line_no++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        char *f[64];
        int nf = split_tabs(line, f, 64);
        if (line_no == 1) {
            for (int c = 0; c < NCOL; c++)
                for (int k = 0; k < nf; k++)
                    if (!strcmp(f[k], COLS[c])) idx[c] = k;
            for (int c = 0; c < NCOL; c++)
                if (idx[c] < 0 && c != C_INSIDE) {
                    st = park_error(ctx, PARK_ERR_INPUT, "%s:1: no column '%s' in the header (expected the columns address_key, road, number, unit, n_sources, lon_wgs84, lat_wgs84, max_pairwise_disagreement_m, any_point_shared_by_many_addresses)", path, COLS[c]);
                    break;
                }
            if (st) break;
            continue;
        }
        if (len == 0) continue;
        const char *why = NULL;
        double lon, lat, dis = NAN, nsrc, shared;
        bool bad = false;
        for (int c = 0; c < NCOL && !bad; c++)
            if (idx[c] >= nf) bad = true, why = "too few columns";
        if (!bad && park_parse_number(f[idx[C_LON]], &lon, &why) != 1) bad = true;
        if (!bad && park_parse_number(f[idx[C_LAT]], &lat, &why) != 1) bad = true;
        if (!bad && park_parse_number(f[idx[C_NSRC]], &nsrc, &why) != 1) bad = true;
        if (!bad && *f[idx[C_DIS]] && park_parse_number(f[idx[C_DIS]], &dis, &why) != 1) bad = true;
        if (!bad && park_parse_number(f[idx[C_SHARED]], &shared, &why) != 1) bad = true;
        if (!bad && !(lon > -180 && lon <= 180 && lat >= -90 && lat <= 90)) bad = true, why = "coordinate out of range";
        if (bad) {
            p->skipped++;
            if (nnotes++ < 5) park_buf_printf(&notes, "%s%s:%ld: row skipped (%s)", notes.len ? "; " : "", path, line_no, why ? why : "unreadable");
            continue;
        }
        if (p->n == p->cap) p->cap = p->cap ? p->cap * 2 : 4096, p->v = realloc(p->v, p->cap * sizeof *p->v);
        park_address_point *a = &p->v[p->n++];
        a->address = own(p, f[idx[C_KEY]], strlen(f[idx[C_KEY]]));
        a->road = own(p, f[idx[C_ROAD]], strlen(f[idx[C_ROAD]]));
        a->number = own(p, f[idx[C_NUM]], strlen(f[idx[C_NUM]]));
        a->unit = own(p, f[idx[C_UNIT]], strlen(f[idx[C_UNIT]]));
        a->n_sources = (int)nsrc;
        a->lon = lon, a->lat = lat;
        a->disagreement_m = a->n_sources >= 2 ? dis : NAN;
        a->shared = shared != 0;
        a->inside_baoshan = idx[C_INSIDE] >= 0 && idx[C_INSIDE] < nf && !strcmp(f[idx[C_INSIDE]], "1");
        a->line_no = line_no;
    }
    free(line);
    fclose(fp);
    if (st == PARK_OK && line_no == 0) st = park_error(ctx, PARK_ERR_INPUT, "%s: empty file (expected a header row and address rows)", path);
    if (nnotes > 5) park_buf_printf(&notes, "; %d more", nnotes - 5);
    p->notes = park_buf_take(&notes);
    if (st) {
        park_address_points_free(p);
        return st;
    }
    *out = p;
    return PARK_OK;
}

void park_address_points_free(park_address_points *p) {
    if (!p) return;
    for (size_t i = 0; i < p->nstrs; i++) free(p->strs[i]);
    free(p->strs), free(p->v), free(p->notes), free(p);
}
size_t park_address_points_count(const park_address_points *p) { return p ? p->n : 0; }
const park_address_point *park_address_points_get(const park_address_points *p, size_t i) { return p && i < p->n ? &p->v[i] : NULL; }
size_t park_address_points_skipped(const park_address_points *p) { return p ? p->skipped : 0; }
const char *park_address_points_notes(const park_address_points *p) { return p && p->notes ? p->notes : ""; }
