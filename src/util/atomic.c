/* atomic.c - outputs are written to a temp file beside the target and renamed
 * into place, so a failure never leaves a half-written file where a good one was. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>

#include "../internal.h"

park_status park_atomic_open(park_ctx *ctx, park_atomic *a, const char *path, bool overwrite) {
    memset(a, 0, sizeof *a);
    struct stat st;
    if (!overwrite && stat(path, &st) == 0)
        return park_error(ctx, PARK_ERR_OUTPUT, "%s: already exists (use --overwrite to replace it)",
                          path);
    a->path = park_strdup(path);
    a->tmp = park_asprintf("%s.tmp.%ld", path, (long)getpid());
    a->f = fopen(a->tmp, "wb");
    if (!a->f) {
        park_status s = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create temporary file: %s",
                                   a->tmp, strerror(errno));
        free(a->path), free(a->tmp);
        memset(a, 0, sizeof *a);
        return s;
    }
    return PARK_OK;
}

park_status park_atomic_commit(park_ctx *ctx, park_atomic *a) {
    if (!a->f) return park_error(ctx, PARK_ERR_INTERNAL, "atomic commit without open file");
    int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
    int err = errno;
    if (fclose(a->f) != 0) bad = 1, err = errno;
    a->f = NULL;
    if (bad) {
        park_status s = park_error(ctx, PARK_ERR_OUTPUT, "Failure writing %s: %s", a->path, strerror(err));
        park_atomic_abort(a);
        return s;
    }
    park_status s = park_rename_into_place(ctx, a->tmp, a->path);
    if (s != PARK_OK) park_atomic_abort(a);
    free(a->tmp), free(a->path);
    memset(a, 0, sizeof *a);
    return s;
}

void park_atomic_abort(park_atomic *a) {
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    free(a->tmp), free(a->path);
    memset(a, 0, sizeof *a);
}

park_status park_rename_into_place(park_ctx *ctx, const char *tmp, const char *path) {
    if (rename(tmp, path) != 0)
        return park_error(ctx, PARK_ERR_OUTPUT, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    return PARK_OK;
}
