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

/* Where the test data lives: the harness is run from anywhere. */
#ifndef PARKGIS_SOURCE_DIR
#define PARKGIS_SOURCE_DIR "."
#endif
#endif
