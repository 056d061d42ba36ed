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

static inline void fuzz_write(const char *path, const void *data, size_t size) {
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

/* Where the test data lives: the harness is run from anywhere. */
#ifndef PARKGIS_SOURCE_DIR
#define PARKGIS_SOURCE_DIR "."
#endif
#endif
