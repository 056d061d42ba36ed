/* shp_check.c - a Shapefile's three files must agree before its features are
 * believed (issue 12, item 2). GDAL reads a DBF cut short, or one with fewer
 * records than the .shp has shapes, as a smaller layer after a warning on
 * stderr: attributes then sit on the wrong shapes, or parcels go missing from
 * area, validate and export. shapelib (the reference reader) gives the record
 * counts and the header lengths; the file sizes say whether the records are
 * all there. */
#include <shapefil.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "../internal.h"
#include "store.h"

static bool file_size(const char *path, unsigned long long *sz) {
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return false;
    *sz = (unsigned long long)sb.st_size;
    return true;
}

/* "<base>.<ext>" in the case the file exists in (x.SHP beside x.DBF). */
static char *sibling(const char *base, const char *ext) {
    char *p = park_asprintf("%s.%s", base, ext);
    struct stat sb;
    if (stat(p, &sb) == 0) return p;
    for (char *e = p + strlen(base) + 1; *e; e++) *e = (char)(*e - 'a' + 'A');
    if (stat(p, &sb) == 0) return p;
    for (char *e = p + strlen(base) + 1; *e; e++) *e = (char)(*e - 'A' + 'a');
    return p; /* lower case, absent: the caller reports it */
}

park_status park_shp_check(park_ctx *ctx, const char *shp) {
    size_t len = strlen(shp);
    if (len < 4 || strcasecmp(shp + len - 4, ".shp") != 0) return PARK_OK;
    char *base = park_strndup(shp, len - 4);
    char *shx = sibling(base, "shx"), *dbf = sibling(base, "dbf");
    park_status st = PARK_OK;
    unsigned long long shp_sz = 0, shx_sz = 0, dbf_sz = 0;
    SHPHandle h = NULL;
    DBFHandle d = NULL;
    if (!file_size(shp, &shp_sz)) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot read the .shp", shp);
        goto done;
    }
    if (!file_size(shx, &shx_sz)) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: no .shx index beside it (a Shapefile needs .shp, .shx and .dbf)", shx);
        goto done;
    }
    if (!file_size(dbf, &dbf_sz)) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: no .dbf beside %s (a Shapefile needs .shp, .shx and .dbf; the attributes id and name are in it)", dbf, shp);
        goto done;
    }
    if (dbf_sz < 32) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: %llu bytes, not a dBASE table (its header alone is 32 bytes or more)", dbf, dbf_sz);
        goto done;
    }
    h = SHPOpen(shp, "rb");
    if (!h) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: shapelib cannot read the .shp/.shx pair (damaged header?)", shp);
        goto done;
    }
    int nshapes = h->nRecords;
    if (shx_sz != 100 + 8ULL * (unsigned long long)nshapes) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: %llu bytes, expected %llu for %d shapes (truncated or padded index)", shx, shx_sz,
                        100 + 8ULL * (unsigned long long)nshapes, nshapes);
        goto done;
    }
    for (int i = 0; i < nshapes; i++) {
        unsigned long long end = (unsigned long long)h->panRecOffset[i] + 8 + h->panRecSize[i];
        if (end > shp_sz) {
            st = park_error(ctx, PARK_ERR_INPUT, "%s: shape %d ends at byte %llu but the file has %llu (truncated .shp)", shp, i + 1, end,
                            shp_sz);
            goto done;
        }
    }
    d = DBFOpen(dbf, "rb");
    if (!d) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: shapelib cannot read it as a dBASE table (damaged header?)", dbf);
        goto done;
    }
    int nrec = DBFGetRecordCount(d);
    unsigned long long want = (unsigned long long)d->nHeaderLength + (unsigned long long)d->nRecordLength * (unsigned long long)nrec;
    if (dbf_sz < want) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: %llu bytes, but its header declares %d records of %d bytes after a %d-byte header (%llu bytes): the file is cut short",
                        dbf, dbf_sz, nrec, d->nRecordLength, d->nHeaderLength, want);
        goto done;
    }
    if (nrec != nshapes) {
        st = park_error(ctx, PARK_ERR_INPUT, "%s: %d records but %s has %d shapes (the attributes would sit on the wrong parcels; were the files of two layers mixed?)",
                        dbf, nrec, shp, nshapes);
        goto done;
    }
done:
    if (h) SHPClose(h);
    if (d) DBFClose(d);
    free(base), free(shx), free(dbf);
    return st;
}
