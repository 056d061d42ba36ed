/* internal.h - shared by the library's modules, never installed.
 * Small utilities (strings, output, atomic files) so no module re-invents them. */
#ifndef PARKGIS_INTERNAL_H
#define PARKGIS_INTERNAL_H

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>
#include <proj.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "parkgis.h"

struct park_ctx {
    GEOSContextHandle_t geos;
    PJ_CONTEXT *proj;
    char errmsg[2048];
    char geos_msg[1024]; /* last message from GEOS's error handler */
    /* Cleanup hooks a higher layer registers (store/crs.c: its PJ cache), run
     * by park_ctx_free before the PROJ context goes: util never calls up into
     * store (issue 12, style). */
    void (*on_free[4])(park_ctx *ctx);
    int non_free;
    /* --field mapping (store/layer.c, park_field_map_set): source field name per
     * canonical field ("" = the canonical name and its DBF forms), and the factor
     * from the mapped official area's unit to km². */
    char field_src[8][128];
    double official_scale;
    /* The GDAL drivers park_layer_read may open a file with (GDALOpenEx's
     * allowed list, NULL-terminated, borrowed); NULL, the default: every
     * driver. Set by the fuzz harnesses (park_ctx_set_gdal_drivers) so GDAL
     * does not probe 200 drivers per input; nothing else changes. */
    const char *const *gdal_drivers;
};
/* Registers fn to run in park_ctx_free (once per fn; at most 4). */
void park_ctx_on_free(park_ctx *ctx, void (*fn)(park_ctx *ctx));
void park_ctx_set_gdal_drivers(park_ctx *ctx, const char *const *drivers);
/* GDALAllRegister once per process (again if the driver manager was destroyed):
 * repeated, it re-scans GDAL's plugin directory and looks up every driver by
 * name on each file read. Thread-safe. */
void park_gdal_register(void);
/* A gazetteer built feature by feature (gazetteer.c): park_gazetteer_push takes
 * the feature's strings and geometry on success, leaves them to the caller on error. */
struct park_feature;
struct park_gazetteer *park_gazetteer_new(park_ctx *ctx);
park_status park_gazetteer_push(struct park_gazetteer *gz, struct park_feature *f);

/* ---- memory / strings (abort-free: NULL on OOM, callers report PARK_ERR_INTERNAL) */
char *park_strdup(const char *s);             /* NULL -> "" copy */
char *park_strndup(const char *s, size_t n);
char *park_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool park_streq_ci(const char *a, const char *b); /* ASCII case-insensitive */

/* Growable string buffer. */
typedef struct park_buf {
    char *s;
    size_t len, cap;
} park_buf;
void park_buf_init(park_buf *b);
void park_buf_free(park_buf *b);
void park_buf_append(park_buf *b, const char *s);
void park_buf_appendn(park_buf *b, const char *s, size_t n);
void park_buf_printf(park_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the string to the caller (free with free()); resets the buffer. */
char *park_buf_take(park_buf *b);

/* ---- UTF-8 */
/* Display width in a terminal: CJK / full-width code points count 2. */
int park_utf8_width(const char *s);
/* Next code point; advances *p. Returns 0xFFFD on malformed input. */
unsigned park_utf8_next(const char **p);
bool park_utf8_valid(const char *s);
/* park_address_normalize (parkgis_address.h) written into out, which must have room
 * for 3 * strlen(text) + 1 bytes; returns the length (out NUL-terminated). */
size_t park_address_normalize_into(const char *text, char *out);

/* ---- JSON writer (pretty enough, always valid; strings escaped) */
typedef struct park_json {
    park_buf out;
    int depth;
    bool need_comma[64];
    bool after_key;
} park_json;
void park_json_init(park_json *j);
void park_json_begin_obj(park_json *j);
void park_json_end_obj(park_json *j);
void park_json_begin_arr(park_json *j);
void park_json_end_arr(park_json *j);
void park_json_key(park_json *j, const char *k);
void park_json_str(park_json *j, const char *s); /* NULL -> null */
void park_json_num(park_json *j, double v, int decimals); /* NaN/inf -> null */
void park_json_int(park_json *j, long v);
void park_json_bool(park_json *j, bool v);
void park_json_null(park_json *j);
/* A value that is already JSON text (the caller vouches for it), with the comma the writer owes. */
void park_json_raw(park_json *j, const char *json);
/* Returns the finished text (owned by caller) and resets. */
char *park_json_take(park_json *j);
void park_json_escape(park_buf *b, const char *s);

/* ---- tables: one model, printed as aligned text, CSV or (flat) JSON rows */
typedef struct park_table {
    int ncols;
    char **cols;
    bool *numeric;   /* right-align in text */
    size_t nrows, cap;
    char ***rows;    /* rows[r][c], owned */
} park_table;
park_table *park_table_new(int ncols, const char *const *cols);
void park_table_numeric(park_table *t, int col);
/* Adds a row; values are copied; NULL -> "". */
void park_table_add(park_table *t, const char *const *vals);
void park_table_print_text(const park_table *t, FILE *f);
void park_table_print_csv(const park_table *t, FILE *f);
void park_table_free(park_table *t);
void park_csv_field(FILE *f, const char *s); /* RFC 4180 quoting */

/* ---- atomic output (util/atomic.c): every output is made as "<path>.tmp.<pid>"
 * beside it and renamed into place after every write, flush, fsync and close
 * succeeded; on failure, and on SIGINT/SIGTERM/SIGHUP once
 * park_atomic_cleanup_on_signals was called, the temporary is removed. */
typedef enum park_atomic_kind {
    PARK_ATOMIC_FILE, /* f is open on tmp: write with park_atomic_write or fwrite */
    PARK_ATOMIC_PATH, /* tmp is only a name: a library (GDAL) creates the file there */
    PARK_ATOMIC_DIR   /* tmp is an empty directory, filled by the caller (flat: files only) */
} park_atomic_kind;
typedef struct park_atomic {
    char *path; /* the destination (owned) */
    char *tmp;  /* the temporary beside it (owned) */
    FILE *f;    /* PARK_ATOMIC_FILE only */
    int kind;
} park_atomic;
/* A FILE output. If !overwrite and path exists -> PARK_ERR_OUTPUT. */
park_status park_atomic_open(park_ctx *ctx, park_atomic *a, const char *path, bool overwrite);
/* Any kind; tmp is "<path>.tmp.<pid><suffix>" (suffix may be NULL; a driver
 * that goes by extension wants ".gpkg"). The caller checks existence. */
park_status park_atomic_begin(park_ctx *ctx, park_atomic *a, const char *path, park_atomic_kind kind, const char *suffix);
/* A checked fwrite into a FILE output. */
park_status park_atomic_write(park_ctx *ctx, park_atomic *a, const void *data, size_t len);
/* Checks and closes (FILE), fsyncs (every kind, a directory file by file),
 * renames (a directory that exists is swapped atomically). On failure the
 * temporary is removed, the destination untouched. */
park_status park_atomic_commit(park_ctx *ctx, park_atomic *a);
/* DIR kind: renames the one file `name` of the temporary directory to the
 * destination (GDAL writes single-file outputs into a directory so they keep
 * their extension), then removes the directory. */
park_status park_atomic_commit_member(park_ctx *ctx, park_atomic *a, const char *name);
/* Removes the temporary (use on error paths). Safe after commit. */
void park_atomic_abort(park_atomic *a);
/* park_atomic_cleanup_on_signals: public, see parkgis.h */
/* A whole file (inside a temporary directory): write, flush, fsync and close
 * each checked; a partial file is removed. */
park_status park_write_file(park_ctx *ctx, const char *path, const void *data, size_t len);
/* Removes a directory and the plain files in it (one level). */
void park_remove_flat_dir(const char *dir);
/* Renames a finished temp file or directory into place (exists check done by caller). */
park_status park_rename_into_place(park_ctx *ctx, const char *tmp, const char *path);

/* ---- GEOS helpers */
/* Records GEOS's message in ctx and returns PARK_ERR_INTERNAL with context. */
park_status park_geos_fail(park_ctx *ctx, const char *what);
/* WKT of a geometry (owned by caller, free()), trimmed to `precision` decimals. */
char *park_geom_wkt(park_ctx *ctx, const GEOSGeometry *g, int precision);
GEOSGeometry *park_geom_from_wkt(park_ctx *ctx, const char *wkt);
/* True when every coordinate of g (any type, nested) has |x| <= xmax and
 * |y| <= ymax (so none is NaN; INFINITY bounds test finiteness only). GEOS
 * throws on NaN/inf, and on overflow from huge values, and GEOS 3.11 leaks on
 * some of those throws. */
bool park_geom_within(park_ctx *ctx, const GEOSGeometry *g, double xmax, double ymax);

/* A Gauss-Kruger easting written with its zone number in front (40634476 under
 * EPSG:4549, CGCS2000 3-degree CM 120E, whose eastings are ~500000): when `crs`
 * is one of the CGCS2000 3-degree "CM" CRSs (EPSG:4534..4554) and x has the
 * matching zone prefix, writes the zone-prefixed CRS ("EPSG:4528") into buf and
 * returns 1; else 0 (crs.c). */
int park_crs_zone_prefix_hint(const char *crs, double x, char *buf, size_t len);

/* Frees the cached PROJ transformations made with this PROJ context (crs.c). */
/* A new transformation src -> dst (lon/lat, x/y axis order), owned by the
 * caller (proj_destroy, before the ctx is freed); NULL for an unknown CRS.
 * For a hot loop that should not look its PJ up per point. */
PJ *park_crs_pj_new(park_ctx *ctx, const char *src, const char *dst);
/* park_transform_xy through a PJ from park_crs_pj_new(ctx, src, dst): the same
 * checks and messages (src, dst name the CRSs in them). */
park_status park_transform_xy_pj(park_ctx *ctx, PJ *pj, const char *src, const char *dst, double *x, double *y);

/* printf("%.*f", d, v) into out (len >= 32 for the fast path), without printf
 * where the rounding is unambiguous (str.c; issue 11). Returns the length. */
size_t park_fmt_fixed(char *out, size_t len, double v, int d);
/* Formats a double with `decimals`, "" for NaN (for table cells). */
void park_fmt_num(char *buf, size_t len, double v, int decimals);

/* ---- GDAL, cairo and fontconfig are loaded on first use (util/lazylib.c):
 * park_libs_require() before any call into them on a path that may run
 * without (a single `parkgis locate`). Every GDALAllRegister() loads them
 * first; a GDAL function passed as a pointer would need GDAL at start-up, so
 * CPLQuietErrorHandler is a function of ours that calls GDAL's. */
void park_libs_require(void);
int park_libs_loaded(void); /* 1 once loaded (or linked normally) */
void park_gdal_all_register(void);
#define GDALAllRegister() park_gdal_all_register()
#define CPLQuietErrorHandler park_cpl_quiet_handler
#ifdef CPL_ERROR_H_INCLUDED
void CPL_STDCALL park_cpl_quiet_handler(CPLErr cls, CPLErrorNum no, const char *msg);
#endif

#endif
