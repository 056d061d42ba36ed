/* atomic.c - the one way parkgis writes an output (issue 12, items 3 and 9).
 *
 * Every output is made under a temporary name beside its destination
 * ("<dest>.tmp.<pid>", same filesystem) and renamed into place only after every
 * write, flush, fsync and close has succeeded; on any failure the temporary is
 * removed and the destination is untouched. A temporary is registered while it
 * exists, so SIGINT/SIGTERM/SIGHUP remove it too (park_atomic_cleanup_on_signals).
 *
 * Three shapes of output:
 *   PARK_ATOMIC_FILE  a FILE* we write (park_atomic_open / park_atomic_write)
 *   PARK_ATOMIC_PATH  a file a library creates at a->tmp (GDAL: the diff GeoPackage)
 *   PARK_ATOMIC_DIR   an empty directory at a->tmp, filled by the caller (an export
 *                     directory), swapped with an existing one by renameat2(RENAME_EXCHANGE),
 *                     or one file of it renamed to the destination (park_atomic_commit_member). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../internal.h"

/* ------------------------------------------------------------------ the registry */

/* Fixed storage: the signal handler reads it, so no malloc and no locks. An
 * entry is published by setting `used` last and withdrawn by clearing it first. */
#define MAX_TEMPS 16
static struct {
    volatile sig_atomic_t used;
    int is_dir;
    char path[4096];
} temps[MAX_TEMPS];

static void reg_add(const char *path, int is_dir) {
    if (strlen(path) >= sizeof temps[0].path) return; /* still removed on errors, just not on signals */
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!temps[i].used) {
            memcpy(temps[i].path, path, strlen(path) + 1);
            temps[i].is_dir = is_dir;
            temps[i].used = 1;
            return;
        }
}

static void reg_del(const char *path) {
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i].used && !strcmp(temps[i].path, path)) {
            temps[i].used = 0;
            return;
        }
}

/* One level of plain files, then the directory: async-signal-safe (open,
 * getdents64, unlinkat, rmdir; no opendir/malloc). */
static void remove_flat_dir_raw(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        char buf[4096] __attribute__((aligned(8))); /* getdents64 records are 8-byte aligned within it */
        long n;
        while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
            for (long off = 0; off < n;) {
                struct {
                    unsigned long long ino;
                    long long off;
                    unsigned short reclen;
                    unsigned char type;
                    char name[];
                } *e = (void *)(buf + off);
                if (strcmp(e->name, ".") && strcmp(e->name, "..")) unlinkat(fd, e->name, 0);
                off += e->reclen;
            }
        }
        close(fd);
    }
    rmdir(dir);
}

static void on_signal(int sig) {
    for (int i = 0; i < MAX_TEMPS; i++)
        if (temps[i].used) {
            if (temps[i].is_dir) remove_flat_dir_raw(temps[i].path);
            else unlink(temps[i].path);
        }
    signal(sig, SIG_DFL);
    raise(sig); /* the usual exit status of a signalled process (130 for SIGINT in a shell) */
}

void park_atomic_cleanup_on_signals(void) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) sigaddset(&sa.sa_mask, sigs[k]);
        /* a signal the caller's parent ignores (nohup) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Test hook: PARKGIS_TEST_SIGNAL_BEFORE_COMMIT=TERM|INT makes the process
 * signal itself with the output still a temporary, so tests/cli can check
 * the temporary is removed. */
static void test_signal_hook(void) {
    const char *s = getenv("PARKGIS_TEST_SIGNAL_BEFORE_COMMIT");
    if (!s) return;
    if (!strcmp(s, "TERM")) raise(SIGTERM);
    else if (!strcmp(s, "INT")) raise(SIGINT);
}

/* ------------------------------------------------------------------ helpers */

void park_remove_flat_dir(const char *dir) { remove_flat_dir_raw(dir); }

/* fsync of a directory, so a rename in it survives a crash; errors ignored
 * (some filesystems refuse fsync on directories). */
static void sync_dir_of(const char *path) {
    char *d = park_strdup(path);
    char *slash = strrchr(d, '/');
    if (slash) *(slash == d ? slash + 1 : slash) = 0;
    int fd = open(slash ? d : ".", O_RDONLY | O_DIRECTORY);
    if (fd >= 0) fsync(fd), close(fd);
    free(d);
}

static park_status sync_file(park_ctx *ctx, const char *path, const char *shown) {
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        park_status st = park_error(ctx, PARK_ERR_OUTPUT, "Failure writing %s: %s", shown, strerror(errno));
        if (fd >= 0) close(fd);
        return st;
    }
    if (close(fd) != 0) return park_error(ctx, PARK_ERR_OUTPUT, "Failure writing %s: %s", shown, strerror(errno));
    return PARK_OK;
}

/* Flushes every file of a temp directory to disk before it is renamed. */
static park_status sync_tree(park_ctx *ctx, const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot read directory: %s", dir, strerror(errno));
    struct dirent *e;
    park_status st = PARK_OK;
    while ((e = readdir(d)) != NULL && !st) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *p = park_asprintf("%s/%s", dir, e->d_name);
        st = sync_file(ctx, p, p);
        free(p);
    }
    if (st == PARK_OK) fsync(dirfd(d));
    closedir(d);
    return st;
}

park_status park_write_file(park_ctx *ctx, const char *path, const void *data, size_t len) {
    FILE *f = fopen(path, "wb");
    if (!f) return park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create: %s", path, strerror(errno));
    int bad = len && fwrite(data, 1, len, f) != len;
    int err = errno;
    if (!bad && (fflush(f) != 0 || fsync(fileno(f)) != 0)) bad = 1, err = errno;
    if (fclose(f) != 0 && !bad) bad = 1, err = errno;
    if (bad) {
        unlink(path);
        return park_error(ctx, PARK_ERR_OUTPUT, "Failure writing %s: %s", path, strerror(err ? err : EIO));
    }
    return PARK_OK;
}

/* ------------------------------------------------------------------ the writer */

park_status park_atomic_begin(park_ctx *ctx, park_atomic *a, const char *path, park_atomic_kind kind, const char *suffix) {
    memset(a, 0, sizeof *a);
    a->kind = kind;
    a->path = park_strdup(path);
    a->tmp = park_asprintf("%s.tmp.%ld%s", path, (long)getpid(), suffix ? suffix : "");
    if (!a->path || !a->tmp) {
        free(a->path), free(a->tmp);
        memset(a, 0, sizeof *a);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    int fail = 0;
    if (kind == PARK_ATOMIC_DIR) {
        reg_add(a->tmp, 1);
        fail = mkdir(a->tmp, 0777) != 0;
    } else {
        unlink(a->tmp); /* a stale one of an earlier process with our pid */
        reg_add(a->tmp, 0);
        if (kind == PARK_ATOMIC_FILE) fail = (a->f = fopen(a->tmp, "wb")) == NULL;
    }
    if (fail) {
        park_status s = park_error(ctx, PARK_ERR_OUTPUT, "%s: cannot create %s beside the output: %s", a->tmp,
                                   kind == PARK_ATOMIC_DIR ? "a temporary directory" : "a temporary file", strerror(errno));
        reg_del(a->tmp);
        free(a->path), free(a->tmp);
        memset(a, 0, sizeof *a);
        return s;
    }
    return PARK_OK;
}

park_status park_atomic_open(park_ctx *ctx, park_atomic *a, const char *path, bool overwrite) {
    memset(a, 0, sizeof *a);
    struct stat st;
    if (!overwrite && stat(path, &st) == 0)
        return park_error(ctx, PARK_ERR_OUTPUT, "%s: already exists (use --overwrite to replace it)", path);
    return park_atomic_begin(ctx, a, path, PARK_ATOMIC_FILE, NULL);
}

park_status park_atomic_write(park_ctx *ctx, park_atomic *a, const void *data, size_t len) {
    if (!a->f) return park_error(ctx, PARK_ERR_INTERNAL, "atomic write without open file");
    if (len && fwrite(data, 1, len, a->f) != len)
        return park_error(ctx, PARK_ERR_OUTPUT, "Failure writing %s: %s", a->path, strerror(errno));
    return PARK_OK;
}

/* Renames an existing directory's replacement into place: swapped atomically,
 * afterwards tmp holds the old one, which is deleted. */
static park_status commit_dir(park_ctx *ctx, const char *tmp, const char *dest) {
    if (access(dest, F_OK) != 0) return park_rename_into_place(ctx, tmp, dest);
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_EXCHANGE) == 0) {
        remove_flat_dir_raw(tmp);
        return PARK_OK;
    }
    /* Filesystems without RENAME_EXCHANGE: move the old one aside first. */
    char *old = park_asprintf("%s.old.%ld", dest, (long)getpid());
    if (rename(dest, old) != 0) {
        park_status st = park_error(ctx, PARK_ERR_OUTPUT, "cannot move %s aside to replace it: %s", dest, strerror(errno));
        free(old);
        return st;
    }
    if (rename(tmp, dest) != 0) {
        int err = errno;
        rename(old, dest);
        free(old);
        return park_error(ctx, PARK_ERR_OUTPUT, "cannot rename %s to %s: %s", tmp, dest, strerror(err));
    }
    remove_flat_dir_raw(old);
    free(old);
    return PARK_OK;
}

static void finish(park_atomic *a) {
    reg_del(a->tmp);
    free(a->tmp), free(a->path);
    memset(a, 0, sizeof *a);
}

park_status park_atomic_commit(park_ctx *ctx, park_atomic *a) {
    if (!a->tmp) return park_error(ctx, PARK_ERR_INTERNAL, "atomic commit without a temporary");
    park_status s = PARK_OK;
    if (a->kind == PARK_ATOMIC_FILE) {
        if (!a->f) return park_error(ctx, PARK_ERR_INTERNAL, "atomic commit without open file");
        int bad = ferror(a->f) || fflush(a->f) != 0 || fsync(fileno(a->f)) != 0;
        int err = errno;
        if (fclose(a->f) != 0 && !bad) bad = 1, err = errno;
        a->f = NULL;
        if (bad) s = park_error(ctx, PARK_ERR_OUTPUT, "Failure writing %s: %s", a->path, strerror(err ? err : EIO));
    } else if (a->kind == PARK_ATOMIC_PATH) s = sync_file(ctx, a->tmp, a->path);
    else s = sync_tree(ctx, a->tmp);
    if (s == PARK_OK) test_signal_hook();
    if (s == PARK_OK) s = a->kind == PARK_ATOMIC_DIR ? commit_dir(ctx, a->tmp, a->path) : park_rename_into_place(ctx, a->tmp, a->path);
    if (s != PARK_OK) {
        park_atomic_abort(a);
        return s;
    }
    sync_dir_of(a->path);
    finish(a);
    return PARK_OK;
}

park_status park_atomic_commit_member(park_ctx *ctx, park_atomic *a, const char *name) {
    if (!a->tmp || a->kind != PARK_ATOMIC_DIR) return park_error(ctx, PARK_ERR_INTERNAL, "atomic member commit without a temporary directory");
    char *inner = park_asprintf("%s/%s", a->tmp, name);
    park_status s = sync_file(ctx, inner, a->path);
    if (s == PARK_OK) test_signal_hook();
    if (s == PARK_OK) s = park_rename_into_place(ctx, inner, a->path);
    free(inner);
    if (s == PARK_OK) sync_dir_of(a->path);
    park_atomic_abort(a); /* the directory, and whatever else GDAL left in it */
    return s;
}

void park_atomic_abort(park_atomic *a) {
    if (a->f) fclose(a->f), a->f = NULL;
    if (a->tmp) {
        if (a->kind == PARK_ATOMIC_DIR) remove_flat_dir_raw(a->tmp);
        else {
            unlink(a->tmp);
            if (a->kind == PARK_ATOMIC_PATH) { /* what SQLite leaves beside a GeoPackage */
                static const char *const side[] = {"-journal", "-wal", "-shm"};
                for (size_t i = 0; i < sizeof side / sizeof side[0]; i++) {
                    char *p = park_asprintf("%s%s", a->tmp, side[i]);
                    unlink(p);
                    free(p);
                }
            }
        }
    }
    finish(a);
}

park_status park_rename_into_place(park_ctx *ctx, const char *tmp, const char *path) {
    if (rename(tmp, path) != 0)
        return park_error(ctx, PARK_ERR_OUTPUT, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    return PARK_OK;
}

/* ------------------------------------------------------------------ outputs vs inputs */

/* The canonical path of `p`; for a path that does not exist yet, the
 * canonical path of its directory plus its last component. NULL if neither. */
static char *canonical(const char *p) {
    char *r = realpath(p, NULL);
    if (r) return r;
    char *d = park_strdup(p);
    char *slash = strrchr(d, '/');
    const char *base = slash ? slash + 1 : d;
    char *dir = slash ? (slash == d ? park_strdup("/") : park_strndup(d, (size_t)(slash - d))) : park_strdup(".");
    char *rd = realpath(dir, NULL);
    char *out = rd && *base ? park_asprintf("%s%s%s", rd, strcmp(rd, "/") ? "/" : "", base) : NULL;
    free(rd), free(dir), free(d);
    return out;
}

static bool same_path(const char *out, const char *in) {
    struct stat so, si;
    if (stat(out, &so) == 0 && stat(in, &si) == 0) return so.st_dev == si.st_dev && so.st_ino == si.st_ino;
    char *a = canonical(out), *b = canonical(in);
    bool same = a && b && !strcmp(a, b);
    free(a), free(b);
    return same;
}

int park_output_replaces(const char *out, const char *input) {
    if (!out || !input || !*out || !*input || !strcmp(out, "-")) return false;
    /* "x.gpkg|layername=L": the file */
    const char *bar = strstr(input, "|layername=");
    char *in = bar ? park_strndup(input, (size_t)(bar - input)) : park_strdup(input);
    bool hit = same_path(out, in);
    /* a Shapefile is several files: writing x.dbf replaces part of x.shp */
    size_t n = strlen(in);
    if (!hit && n > 4 && !strcasecmp(in + n - 4, ".shp")) {
        static const char *const side[] = {".shx", ".dbf", ".prj", ".cpg", ".SHX", ".DBF", ".PRJ", ".CPG"};
        for (size_t i = 0; i < sizeof side / sizeof side[0] && !hit; i++) {
            char *s = park_asprintf("%.*s%s", (int)(n - 4), in, side[i]);
            hit = same_path(out, s);
            free(s);
        }
    }
    /* an output directory replaced as a whole takes the inputs inside it along */
    if (!hit) {
        char *co = canonical(out), *ci = canonical(in);
        size_t lo = co ? strlen(co) : 0;
        hit = co && ci && lo > 1 && !strncmp(co, ci, lo) && ci[lo] == '/';
        free(co), free(ci);
    }
    free(in);
    return hit;
}
