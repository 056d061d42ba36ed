/* fuzz_layer_shp.c - the parcel layer reader on a Shapefile BUILT from the
 * fuzz input with shapelib, so the odd field types real files have (Integer
 * and Real ids, names and areas, logical and date fields, 10-character names,
 * widths and decimals) and mismatched record counts are reached quickly
 * (issue 12, items 1 and 2); a raw tail of the input may overwrite bytes of
 * the .dbf or .shp, or become the .cpg / .prj. */
#include <shapefil.h>

#include "fuzz_common.h"

static park_ctx *ctx;

typedef struct rd {
    const uint8_t *p;
    size_t n;
} rd;
static unsigned u8(rd *r) {
    if (!r->n) return 0;
    r->n--;
    return *r->p++;
}
static int s16(rd *r) { return (int)(int16_t)(u8(r) | u8(r) << 8); }

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    ctx = park_ctx_new();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rd r = {data, size};
    char base[512], shp[600], dbfp[600], cpg[600], prj[600];
    snprintf(base, sizeof base, "%s/p", fuzz_dir());
    snprintf(shp, sizeof shp, "%s.shp", base), snprintf(dbfp, sizeof dbfp, "%s.dbf", base);
    snprintf(cpg, sizeof cpg, "%s.cpg", base), snprintf(prj, sizeof prj, "%s.prj", base);
    unlink(cpg), unlink(prj);
    static const char *const names[] = {"id", "name", "official_k", "official", "layout", "provenanc", "four_to", "x"};
    static const DBFFieldType types[] = {FTString, FTInteger, FTDouble, FTLogical, FTDate};
    unsigned flags = u8(&r);
    SHPHandle h = SHPCreate(base, SHPT_POLYGON);
    DBFHandle d = DBFCreateEx(dbfp, flags & 1 ? "LDID/87" : "UTF-8");
    if (!h || !d) abort();
    int nf = 1 + (int)(u8(&r) % 6);
    for (int i = 0; i < nf; i++) {
        unsigned t = u8(&r), w = u8(&r);
        DBFFieldType ty = types[t % 5];
        int width = ty == FTLogical ? 1 : ty == FTDate ? 8 : 1 + (int)(w % 30);
        DBFAddField(d, names[(t >> 3) % 8], ty, width, ty == FTDouble ? (int)(w >> 5) % 6 : 0);
    }
    int nshapes = (int)(u8(&r) % 5), nrec = flags & 2 ? (int)(u8(&r) % 5) : nshapes;
    for (int s = 0; s < nshapes; s++) {
        int nv = (int)(u8(&r) % 9);
        double x[9], y[9];
        for (int k = 0; k < nv; k++) {
            if (flags & 4) x[k] = 121.4 + s16(&r) * 1e-5, y[k] = 31.4 + s16(&r) * 1e-5;
            else x[k] = s16(&r) * 1e3, y[k] = s16(&r) * 1e3; /* projected-looking, or out of range */
        }
        if (nv > 2 && (flags & 8)) x[nv - 1] = x[0], y[nv - 1] = y[0]; /* closed ring */
        SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, nv, x, y, NULL);
        SHPWriteObject(h, -1, o);
        SHPDestroyObject(o);
    }
    for (int rec = 0; rec < nrec; rec++)
        for (int i = 0; i < nf; i++) {
            unsigned v = u8(&r);
            switch (DBFGetFieldInfo(d, i, NULL, NULL, NULL)) {
            case FTInteger: DBFWriteIntegerAttribute(d, rec, i, (int)(v * 977 - 100000)); break;
            case FTDouble: DBFWriteDoubleAttribute(d, rec, i, s16(&r) / 7.0); break;
            case FTLogical: DBFWriteLogicalAttribute(d, rec, i, "TFY?N"[v % 5]); break;
            case FTDate: {
                char date[9];
                snprintf(date, sizeof date, "%04u%02u%02u", 2000 + v % 30, 1 + v % 12, 1 + v % 31);
                DBFWriteAttributeDirectly(d, rec, i, date);
                break;
            }
            default: {
                char txt[40];
                size_t k = 0, len = v % sizeof txt;
                for (; k < len && r.n; k++) txt[k] = (char)(u8(&r) | (v & 0x80 ? 0x80 : 0)); /* high bytes: GBK-looking */
                txt[k] = 0;
                if (v & 0x40) DBFWriteNULLAttribute(d, rec, i);
                else DBFWriteStringAttribute(d, rec, i, txt);
            }
            }
        }
    SHPClose(h), DBFClose(d);
    /* the rest: a .cpg, a .prj, or bytes patched into a file */
    unsigned tail = u8(&r);
    if (r.n && (tail & 3) == 1) fuzz_write(cpg, r.p, r.n > 20 ? 20 : r.n);
    else if (r.n && (tail & 3) == 2) fuzz_write(prj, r.p, r.n);
    else if (r.n >= 3 && (tail & 3) == 3) {
        FILE *f = fopen(tail & 4 ? dbfp : shp, "r+b");
        if (f) {
            unsigned off = u8(&r) | u8(&r) << 8;
            fseek(f, (long)off, SEEK_SET);
            fwrite(r.p, 1, r.n, f);
            fclose(f);
        }
    }
    park_layer *l = NULL;
    if (park_layer_read(ctx, shp, NULL, flags & 16 ? "CP936" : NULL, &l) == PARK_OK) {
        for (size_t i = 0; i < park_layer_count(l); i++)
            if (!park_layer_get(l, i)->id || !park_layer_get(l, i)->name) abort();
        park_layer_free(l);
    } else if (l) abort();
    return 0;
}
