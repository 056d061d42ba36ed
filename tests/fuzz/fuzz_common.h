/* fuzz_common.h - shared bits of the libFuzzer harnesses (tests/fuzz/README.md).
 * Each harness links the library built with -fsanitize=fuzzer-no-link plus
 * ASan+UBSan, so a crash, a leak, UB or a time-out is a finding. Inputs are
 * arbitrary bytes; harnesses turn them into NUL-terminated text or files. */
#ifndef PARKGIS_FUZZ_COMMON_H
#define PARKGIS_FUZZ_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parkgis.h"

/* A NUL-terminated copy of the input (embedded NULs cut it, as C strings do). */
static inline char *fuzz_text(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    if (!s) abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* A private scratch directory per process (removed at exit by run.sh's tmp). */
static inline const char *fuzz_dir(void) {
    static char dir[256];
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/parkgis-fuzz-%ld", t && *t ? t : "/tmp", (long)getpid());
        char cmd[300];
        snprintf(cmd, sizeof cmd, "mkdir -p %s", dir);
        if (system(cmd) != 0) abort();
    }
    return dir;
}

/* A new file each time: truncating the old one makes ext4 write it back to
 * disk on close (auto_da_alloc), which was most of fuzz_layout's time (perf). */
static inline void fuzz_write(const char *path, const void *data, size_t size) {
    unlink(path);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    fclose(f);
}

/* ---- the harnesses whose input GDAL reads (layer_geojson, osm; review D7):
 * one context, GDAL's drivers registered once (LLVMFuzzerInitialize), the input
 * an in-memory file (/vsimem/, no temporary file on disk) that only `driver`
 * may open, as the user's file would be opened by it: what is tested is
 * everything parkgis does with what that driver hands back. */
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "internal.h" /* park_gdal_register, park_ctx_set_gdal_drivers */

typedef struct fuzz_gdal {
    park_ctx *ctx;
    const char *drivers[2];
    char path[64];
} fuzz_gdal;

/* Call from LLVMFuzzerInitialize; `driver` as GDAL names it ("GeoJSON",
 * "OSM"), `name` the file's name (its extension matters to some readers). */
static inline void fuzz_gdal_init(fuzz_gdal *fg, const char *driver, const char *name) {
    fg->ctx = park_ctx_new();
    if (!fg->ctx) abort();
    park_gdal_register();
    CPLSetErrorHandler(CPLQuietErrorHandler); /* GDAL's messages about bad inputs: the library reports what it uses */
    fg->drivers[0] = driver, fg->drivers[1] = NULL;
    park_ctx_set_gdal_drivers(fg->ctx, fg->drivers);
    snprintf(fg->path, sizeof fg->path, "/vsimem/parkgis-fuzz/%s", name);
}

/* The input as the file fg->path (the bytes are not copied: valid until
 * fuzz_gdal_done, which the harness calls before it returns). */
static inline const char *fuzz_gdal_file(fuzz_gdal *fg, const uint8_t *data, size_t size) {
    static const uint8_t empty[1];
    VSILFILE *f = VSIFileFromMemBuffer(fg->path, (GByte *)(size ? data : empty), size, FALSE);
    if (!f) abort();
    VSIFCloseL(f);
    return fg->path;
}

static inline void fuzz_gdal_done(fuzz_gdal *fg) { VSIUnlink(fg->path); }

/* ---- the feature-level harnesses (layer_features, osm_features): OGR
 * features built in memory from the input, no file and no driver parse, so
 * what is measured is parkgis's per-feature code. The input is read as a
 * stream of small decisions; past its end every read gives 0. */
typedef struct fuzz_in {
    const uint8_t *p;
    size_t n;
} fuzz_in;

static inline unsigned fuzz_u8(fuzz_in *in) {
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}
static inline uint32_t fuzz_u32(fuzz_in *in) {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v = v << 8 | fuzz_u8(in);
    return v;
}
static inline uint64_t fuzz_u64(fuzz_in *in) { return (uint64_t)fuzz_u32(in) << 32 | fuzz_u32(in); }
static inline double fuzz_raw_double(fuzz_in *in) {
    uint64_t b = fuzz_u64(in);
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

/* Up to `max` bytes of text (a length byte, then the bytes: GBK-looking,
 * invalid UTF-8, anything but NUL, which ends a C string anyway); a length
 * byte of 255 makes a long one (the bytes repeated to 4,000). Caller frees. */
static inline char *fuzz_string(fuzz_in *in) {
    unsigned len = fuzz_u8(in), rep = 1;
    if (len == 255) len = fuzz_u8(in) % 16 + 1, rep = 4000 / len;
    if (len > in->n) len = (unsigned)in->n;
    char *s = malloc((size_t)len * rep + 1);
    if (!s) abort();
    size_t k = 0;
    for (unsigned i = 0; i < len; i++) {
        char c = (char)fuzz_u8(in);
        s[k++] = c ? c : '0';
    }
    for (unsigned r = 1; r < rep; r++, k += len) memcpy(s + k, s, len);
    s[k] = 0;
    return s;
}

/* A coordinate: near a base the input picks (Baoshan lon/lat, CGCS2000 3-degree
 * eastings with and without the zone number in front, UTM, the antimeridian,
 * 0) plus a small step, or a hostile value (NaN, inf, huge, denormal), or 8
 * raw bytes. */
/* fuzz_finite_coords: no NaN, inf or |value| > 1e9 (the OSM harness: GDAL's
 * own spatial filter, before parkgis sees a feature, leaks in GEOS on them). */
static bool fuzz_finite_coords;
static inline double fuzz_coord(fuzz_in *in, int axis, const double *base) {
    static const double special[] = {NAN, INFINITY, -INFINITY, 1e300, -1e300, 5e-324, 0.0, -0.0, 180.0, 90.0, -180.000001, 1e15};
    unsigned m = fuzz_u8(in);
    double v;
    if (m < 200) v = base[axis] + ((double)(int8_t)fuzz_u8(in)) * (m < 100 ? 1e-4 : 1.0) * (1 + m % 4);
    else if (m < 240) v = special[m % (sizeof special / sizeof special[0])];
    else v = fuzz_raw_double(in);
    if (fuzz_finite_coords && !(fabs(v) <= 1e9)) v = 1e9;
    return v;
}

static inline void fuzz_base(fuzz_in *in, double *base) {
    static const double bases[][2] = {{121.40, 31.35}, {40500000, 3470000}, {500000, 3470000}, {350000, 3470000},
                                      {179.9999, 31.3}, {0, 0}, {121.40, 95.0}, {-1e6, 1e7}};
    unsigned b = fuzz_u8(in) % (sizeof bases / sizeof bases[0]);
    base[0] = bases[b][0], base[1] = bases[b][1];
}

/* A ring or line of up to 24 points; `closed` repeats the first point at the end
 * (when the input says so: open rings are a case too). */
static inline OGRGeometryH fuzz_points(fuzz_in *in, OGRwkbGeometryType t, const double *base, bool closed) {
    OGRGeometryH g = OGR_G_CreateGeometry(t);
    unsigned n = fuzz_u8(in) % 25;
    for (unsigned i = 0; i < n; i++) OGR_G_AddPoint_2D(g, fuzz_coord(in, 0, base), fuzz_coord(in, 1, base));
    if (closed && n && OGR_G_GetPointCount(g) > 0) OGR_G_AddPoint_2D(g, OGR_G_GetX(g, 0), OGR_G_GetY(g, 0));
    return g;
}

static inline OGRGeometryH fuzz_polygon(fuzz_in *in, const double *base) {
    OGRGeometryH g = OGR_G_CreateGeometry(wkbPolygon);
    unsigned nr = fuzz_u8(in) % 4; /* 0: an empty polygon; then a shell and holes */
    for (unsigned r = 0; r < nr; r++) {
        OGRGeometryH ring = fuzz_points(in, wkbLinearRing, base, fuzz_u8(in) % 8 != 0);
        OGR_G_AddGeometryDirectly(g, ring);
    }
    return g;
}

/* A geometry from the input, depth-bounded: NULL (no geometry), the input's
 * bytes as WKB for OGR to decode (any type, Z/M, curves), or built: points,
 * lines, polygons with empty/open rings, multi-geometries, collections. */
static inline OGRGeometryH fuzz_geometry(fuzz_in *in, const double *base, int depth) {
    unsigned k = fuzz_u8(in) % 10;
    OGRGeometryH g = NULL;
    switch (k) {
    case 0: return NULL;
    case 1: {
        if (fuzz_finite_coords) return fuzz_polygon(in, base); /* WKB may hold any double */
        size_t len = fuzz_u8(in) * 4u;
        if (len > in->n) len = in->n;
        OGRGeometryH w = NULL;
        if (OGR_G_CreateFromWkb((const void *)in->p, NULL, &w, (int)len) != OGRERR_NONE) w = NULL;
        in->p += len, in->n -= len;
        return w;
    }
    case 2: g = OGR_G_CreateGeometry(wkbPoint); OGR_G_SetPoint_2D(g, 0, fuzz_coord(in, 0, base), fuzz_coord(in, 1, base)); return g;
    case 3: return fuzz_points(in, wkbLineString, base, false);
    case 4: case 5: case 6: return fuzz_polygon(in, base);
    case 7: {
        g = OGR_G_CreateGeometry(wkbMultiPolygon);
        unsigned n = fuzz_u8(in) % 4;
        for (unsigned i = 0; i < n; i++) OGR_G_AddGeometryDirectly(g, fuzz_polygon(in, base));
        return g;
    }
    case 8: {
        g = OGR_G_CreateGeometry(wkbMultiLineString);
        unsigned n = fuzz_u8(in) % 4;
        for (unsigned i = 0; i < n; i++) OGR_G_AddGeometryDirectly(g, fuzz_points(in, wkbLineString, base, false));
        return g;
    }
    default: {
        g = OGR_G_CreateGeometry(wkbGeometryCollection);
        unsigned n = depth < 2 ? fuzz_u8(in) % 4 : 0;
        for (unsigned i = 0; i < n; i++) {
            OGRGeometryH c = fuzz_geometry(in, base, depth + 1);
            if (c) OGR_G_AddGeometryDirectly(g, c);
        }
        return g;
    }
    }
}

/* Sets field i of f from the input as the field's type allows: unset, null,
 * or a value (text, any int, any double, a date, or text for OGR to convert). */
static inline void fuzz_field(fuzz_in *in, OGRFeatureH f, int i) {
    OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
    unsigned m = fuzz_u8(in) % 8;
    if (m == 0) return;                              /* unset */
    if (m == 1) { OGR_F_SetFieldNull(f, i); return; } /* null */
    if (m == 2) {                                    /* text, converted by OGR as a user's file would be */
        char *s = fuzz_string(in);
        OGR_F_SetFieldString(f, i, s);
        free(s);
        return;
    }
    switch (t) {
    case OFTInteger: OGR_F_SetFieldInteger(f, i, (int)fuzz_u32(in)); break;
    case OFTInteger64: OGR_F_SetFieldInteger64(f, i, (GIntBig)fuzz_u64(in)); break;
    case OFTReal: {
        static const double v[] = {NAN, INFINITY, -1, 0, 11.14, 1e308, 1.5, -0.0};
        OGR_F_SetFieldDouble(f, i, m < 5 ? v[fuzz_u8(in) % 8] : fuzz_raw_double(in));
        break;
    }
    case OFTDate: case OFTDateTime:
        OGR_F_SetFieldDateTime(f, i, (int)(fuzz_u8(in) * 10), (int)fuzz_u8(in) % 14, (int)fuzz_u8(in) % 33, 0, 0, 0, 0);
        break;
    default: {
        char *s = fuzz_string(in);
        OGR_F_SetFieldString(f, i, s);
        free(s);
    }
    }
}

/* The Memory driver's dataset that holds the harness's layers (made once). */
static inline GDALDatasetH fuzz_mem_dataset(void) {
    GDALDriverH drv = GDALGetDriverByName("Memory");
    GDALDatasetH ds = drv ? GDALCreate(drv, "fuzz", 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds) abort();
    return ds;
}

static inline OGRLayerH fuzz_mem_layer(GDALDatasetH ds, const char *name, int epsg, const char *const *fields, const OGRFieldType *types) {
    OGRSpatialReferenceH srs = NULL;
    if (epsg) {
        srs = OSRNewSpatialReference(NULL);
        if (OSRImportFromEPSG(srs, epsg) != OGRERR_NONE) abort();
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    OGRLayerH l = GDALDatasetCreateLayer(ds, name, srs, wkbUnknown, NULL);
    if (srs) OSRRelease(srs);
    if (!l) abort();
    for (int i = 0; fields[i]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[i], types[i]);
        if (OGR_L_CreateField(l, fd, TRUE) != OGRERR_NONE) abort();
        OGR_Fld_Destroy(fd);
    }
    return l;
}

/* Empties a Memory layer for the next input. */
static inline void fuzz_mem_clear(OGRLayerH l) {
    OGR_L_SetSpatialFilter(l, NULL);
    OGRFeatureH f;
    GIntBig fids[64];
    int n;
    do {
        n = 0;
        OGR_L_ResetReading(l);
        while (n < 64 && (f = OGR_L_GetNextFeature(l)) != NULL) fids[n++] = OGR_F_GetFID(f), OGR_F_Destroy(f);
        for (int i = 0; i < n; i++)
            if (OGR_L_DeleteFeature(l, fids[i]) != OGRERR_NONE) abort();
    } while (n);
}

/* Where the test data lives: the harness is run from anywhere. */
#ifndef PARKGIS_SOURCE_DIR
#define PARKGIS_SOURCE_DIR "."
#endif
#endif
