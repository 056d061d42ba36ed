/* layer_cache.c - a snapshot of a parcel layer as park_layer_read made it, so
 * the next read of the same file needs neither GDAL nor a CRS (issue 11).
 *
 * Reading the bundled GeoJSON layer through OGR and reprojecting it costs a
 * single `parkgis locate` more than the lookup itself; loading GDAL at all
 * costs 36 ms of CPU (util/lazylib.c). A read that came through GDAL writes
 * what it made - every parcel's strings, numbers and geometry (as EWKB, exact
 * doubles), the layer's notes - to
 *     $XDG_CACHE_HOME/parkgis/layer-<hash of the path>.snap   (else ~/.cache/parkgis)
 * and a later read of the same input takes it from there.
 *
 * The snapshot is keyed by the identity of the input, checked in full on
 * every read: the path as given and its real path, device, inode, size, mtime
 * and ctime (ns), a hash of the whole file, the field mapping in effect
 * (--field), the parkgis version, the snapshot format and the GEOS, PROJ and
 * GDAL versions built against. The content hash is taken again only when the
 * stat identity is not the one the snapshot recorded (or was recorded within
 * SNAP_RACY_NS of the file's ctime): ctime changes with every write and cannot
 * be set back, so an edit keeping size and mtime is still seen, and a warm
 * lookup reads no input in full (park_snap_file_id). The file starts with a magic and the format
 * version and ends with an FNV-1a checksum of everything before it; every
 * length is checked against the bytes left. Anything that does not match -
 * another input, a truncated or corrupt file, another version - is a miss:
 * the layer is read through GDAL and the snapshot rewritten (atomically,
 * util/atomic.c). A failure to write it is not an error of the command.
 *
 * Only single-file layers (.geojson, .json) are snapshotted: a Shapefile's
 * answer depends on its .dbf, .prj and .cpg too. PARKGIS_CACHE=off (or 0, no)
 * turns the cache off; a layer name or an --encoding also bypasses it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gdal_version.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../internal.h"
#include "store.h"

/* Larger inputs are read through GDAL each time (a snapshot is for the
 * small layers a lookup needs). */
#define SNAP_MAX_INPUT (64u << 20)
#define SNAP_MAX_FILE (256u << 20)

uint64_t park_fnv1a(uint64_t h, const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}
#define fnv1a park_fnv1a
#define FNV_INIT PARK_FNV_INIT

/* The content hash of inputs and the checksum of snapshots: four FNV-style
 * lanes over 8-byte words (a multiply per 8 bytes, not per byte: the inputs of
 * an address lookup are 1.5 MB, which byte-wise FNV-1a takes 2 ms to hash),
 * then the tail bytes, then the lanes and the length mixed together. */
uint64_t park_snap_hash(const void *p, size_t n) {
    const unsigned char *b = p;
    const uint64_t P = 0x100000001b3ULL;
    uint64_t h[4] = {PARK_FNV_INIT, PARK_FNV_INIT ^ 0x9e3779b97f4a7c15ULL, PARK_FNV_INIT ^ 0xc2b2ae3d27d4eb4fULL,
                     PARK_FNV_INIT ^ 0x165667b19e3779f9ULL};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, b + i + 8 * k, 8);
            h[k] = (h[k] ^ w) * P;
            h[k] ^= h[k] >> 29;
        }
    uint64_t r = fnv1a(FNV_INIT, b + i, n - i);
    for (int k = 0; k < 4; k++) r = (r ^ h[k]) * 0x9e3779b97f4a7c15ULL, r ^= r >> 31;
    r = (r ^ (uint64_t)n) * 0xbf58476d1ce4e5b9ULL;
    return r ^ (r >> 27);
}

bool park_cache_enabled(void) {
    const char *e = getenv("PARKGIS_CACHE");
    return !(e && (!strcmp(e, "off") || !strcmp(e, "0") || !strcasecmp(e, "no") || !strcasecmp(e, "false")));
}

/* <cache dir>/parkgis, created (0700) when `create`; NULL when there is none. */
char *park_snap_dir(bool create) {
    const char *x = getenv("XDG_CACHE_HOME");
    char *base;
    if (x && x[0] == '/') base = park_strdup(x);
    else {
        const char *home = getenv("HOME");
        if (!home || home[0] != '/') return NULL;
        base = park_asprintf("%s/.cache", home);
    }
    if (!base) return NULL;
    if (create && mkdir(base, 0700) != 0 && errno != EEXIST) return free(base), NULL;
    char *d = park_asprintf("%s/parkgis", base);
    free(base);
    if (d && create && mkdir(d, 0700) != 0 && errno != EEXIST) return free(d), NULL;
    return d;
}
#define cache_dir park_snap_dir

/* The whole of a regular file (at most `max` bytes), or NULL. */
unsigned char *park_snap_slurp(const char *path, size_t max, size_t *len, struct stat *sb) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    unsigned char *b = NULL;
    if (fstat(fd, sb) == 0 && S_ISREG(sb->st_mode) && (uint64_t)sb->st_size <= max) {
        size_t n = (size_t)sb->st_size, got = 0;
        b = malloc(n ? n : 1);
        while (b && got < n) {
            ssize_t r = read(fd, b + got, n - got);
            if (r <= 0) {
                if (r < 0 && errno == EINTR) continue;
                free(b), b = NULL;
                break;
            }
            got += (size_t)r;
        }
        *len = n;
    }
    close(fd);
    return b;
}
#define slurp park_snap_slurp

/* A file whose ctime is this close to the moment its content was hashed (or
 * later) could be written again within the same timestamp tick (the kernel's
 * coarse clock, or a filesystem's seconds) without a change of ctime: its
 * recorded hash is not trusted on the strength of its stat identity ("racy",
 * as git calls the same case of its index). */
#define SNAP_RACY_NS 2000000000LL

char *park_snap_stored_key(const unsigned char *data, size_t len) {
    uint64_t kl;
    if (!data || len < 24 + 8 || memcmp(data, SNAP_MAGIC, 8)) return NULL;
    memcpy(&kl, data + 16, 8);
    if (kl > len - 24 - 8 || memchr(data + 24, 0, (size_t)kl)) return NULL;
    return park_strndup((const char *)data + 24, (size_t)kl);
}

/* The recorded "hash H[ racy]\n" that follows `prefix` in the hint, or NULL. The
 * lines come in the order they were written: tried at the cursor first. */
static const char *hint_find(park_snap_hint *hint, const char *prefix, size_t plen) {
    if (!hint || !hint->s) return NULL;
    const char *at = hint->cur && !strncmp(hint->cur, prefix, plen) ? hint->cur : strstr(hint->s, prefix);
    if (!at) {
        hint->s = NULL; /* the snapshot is of other inputs: nothing more to reuse */
        return NULL;
    }
    at += plen;
    const char *nl = strchr(at, '\n');
    if (!nl) return NULL;
    hint->cur = nl + 1;
    return at;
}

bool park_snap_file_id(park_buf *key, const char *path, park_snap_hint *hint) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) return false;
        park_buf_printf(key, "absent %s\n", path);
        return true;
    }
    char real[PATH_MAX];
    if (!realpath(path, real)) return false;
    char *id = park_asprintf("file %s\nreal %s\ndev %llu ino %llu size %llu mtime %lld.%09ld ctime %lld.%09ld hash ", path,
                             real, (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino,
                             (unsigned long long)sb.st_size, (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec,
                             (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
    if (!id) return false;
    /* The same file (device, inode), size, mtime and ctime as when the snapshot
     * was written: its content hash then is its content hash now, unless it was
     * racy. ctime cannot be set from user space and changes with every write, so
     * an edit that keeps size and mtime (touch -r, touch -d) still shows. */
    const char *rec = hint_find(hint, id, strlen(id));
    char hex[17] = "";
    unsigned long long rh = 0;
    int nc = 0;
    bool racy = rec && sscanf(rec, "%16[0-9a-f]%n", hex, &nc) == 1 && nc == 16 && !strncmp(rec + 16, " racy\n", 6);
    bool trusted = rec && nc == 16 && rec[16] == '\n' && sscanf(hex, "%llx", &rh) == 1;
    uint64_t h = rh;
    if (!trusted) {
        struct stat sb2;
        size_t len = 0;
        unsigned char *data = slurp(path, SNAP_MAX_INPUT, &len, &sb2);
        if (!data) return free(id), false;
        h = park_snap_hash(data, len);
        free(data);
        if (!rec) { /* a new record: racy when ctime is not well before now */
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            long long ct = (long long)sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec;
            long long nw = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
            racy = ct >= nw - SNAP_RACY_NS;
        }
    }
    park_buf_printf(key, "%s%016llx%s\n", id, (unsigned long long)h, racy ? " racy" : "");
    free(id);
    return true;
}

#define SNAP_DIR_MAX_FILES 4096
#define SNAP_DIR_MAX_DEPTH 4

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static bool dir_id(park_buf *key, const char *dir, int depth, size_t *nfiles, park_snap_hint *hint) {
    DIR *dh = opendir(dir);
    if (!dh) {
        if (errno != ENOENT && errno != ENOTDIR) return false;
        park_buf_printf(key, "absent %s\n", dir);
        return true;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    bool ok = true;
    for (struct dirent *de; ok && (de = readdir(dh)) != NULL;) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **t = realloc(names, cap * sizeof *t);
            if (!t) ok = false;
            else names = t;
        }
        if (ok && !(names[n++] = park_strdup(de->d_name))) ok = false;
    }
    closedir(dh);
    if (ok && n) qsort(names, n, sizeof *names, cmp_name);
    park_buf_printf(key, "dir %s %zu\n", dir, n);
    for (size_t i = 0; i < n && ok; i++) {
        char *p = park_asprintf("%s/%s", dir, names[i]);
        struct stat sb;
        if (!p) ok = false;
        else if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) ok = depth < SNAP_DIR_MAX_DEPTH && dir_id(key, p, depth + 1, nfiles, hint);
        else ok = ++*nfiles <= SNAP_DIR_MAX_FILES && park_snap_file_id(key, p, hint);
        free(p);
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return ok;
}

bool park_snap_dir_id(park_buf *key, const char *dir, size_t *nfiles, park_snap_hint *hint) {
    return dir_id(key, dir, 0, nfiles, hint);
}

void park_snap_key_begin(park_ctx *ctx, park_buf *key, const char *kind) {
    park_buf_init(key);
    park_buf_printf(key, "parkgis %s snapshot %u %s\nGEOS %s PROJ %d.%d.%d GDAL %s\n", PARKGIS_VERSION, SNAP_FORMAT, kind,
                    GEOS_CAPI_VERSION, PROJ_VERSION_MAJOR, PROJ_VERSION_MINOR, PROJ_VERSION_PATCH, GDAL_RELEASE_NAME);
    for (size_t k = 0; k < sizeof ctx->field_src / sizeof ctx->field_src[0]; k++)
        park_buf_printf(key, "field %zu=%s\n", k, ctx->field_src[k]);
    park_buf_printf(key, "official_scale %a\n", ctx->official_scale);
}

static bool single_file_layer(const char *path) {
    size_t n = strlen(path);
    return (n > 8 && !strcasecmp(path + n - 8, ".geojson")) || (n > 5 && !strcasecmp(path + n - 5, ".json"));
}

/* The key of `source` as it is now, and the snapshot's file name; false when
 * this source is not cached. `hint`: the key stored in the snapshot there (may
 * be NULL; park_snap_file_id). */
static bool layer_key(park_ctx *ctx, const char *source, park_buf *key, const char *hint) {
    park_snap_key_begin(ctx, key, "layer");
    park_snap_hint h = {hint, NULL};
    if (!park_snap_file_id(key, source, &h) || !key->s) {
        park_buf_free(key);
        return false;
    }
    return true;
}

/* The snapshot's file name for `source` (new string), NULL when this source is not cached. */
static char *layer_snap_path(park_ctx *ctx, const char *source, bool create_dir) {
    if (!park_cache_enabled() || !single_file_layer(source)) return NULL;
    char real[PATH_MAX];
    if (!realpath(source, real)) return NULL;
    char *dir = cache_dir(create_dir);
    if (!dir) return NULL;
    /* one snapshot per input (and mapping): a changed file replaces its own */
    uint64_t name = fnv1a(FNV_INIT, real, strlen(real));
    for (size_t k = 0; k < sizeof ctx->field_src / sizeof ctx->field_src[0]; k++)
        name = fnv1a(name, ctx->field_src[k], strlen(ctx->field_src[k]) + 1);
    char *path = park_asprintf("%s/layer-%016llx.snap", dir, (unsigned long long)name);
    free(dir);
    return path;
}

/* ------------------------------------------------------------------ writing */

void park_snap_put(park_buf *b, const void *p, size_t n) { park_buf_appendn(b, (const char *)p, n); }
#define put park_snap_put
void park_snap_put_str(park_buf *b, const char *s) {
    size_t n = s ? strlen(s) : 0;
    park_snap_put_u64(b, n);
    if (n) put(b, s, n);
}

GEOSWKBWriter *park_snap_wkb_writer(park_ctx *ctx) {
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx->geos);
    if (w) {
        GEOSWKBWriter_setOutputDimension_r(ctx->geos, w, 3);
        GEOSWKBWriter_setIncludeSRID_r(ctx->geos, w, 1);
    }
    return w;
}

bool park_snap_put_geom(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const GEOSGeometry *g) {
    size_t wl = 0;
    unsigned char *wkb = g ? GEOSWKBWriter_write_r(ctx->geos, w, g, &wl) : NULL;
    park_snap_put_u64(b, wl);
    if (wl) put(b, wkb, wl);
    if (wkb) GEOSFree_r(ctx->geos, wkb);
    return !g || wkb;
}

void park_snap_begin(park_buf *b, uint32_t kind, const char *key) {
    park_buf_init(b);
    put(b, SNAP_MAGIC, 8);
    park_snap_put_u32(b, SNAP_FORMAT), park_snap_put_u32(b, kind);
    park_snap_put_str(b, key);
}

void park_snap_commit(park_ctx *ctx, park_buf *b, const char *path, bool ok) {
    ok = ok && b->s;
    if (ok) {
        park_snap_put_u64(b, park_snap_hash(b->s, b->len));
        park_atomic a;
        if (!b->s || park_atomic_open(ctx, &a, path, true) != PARK_OK) ok = false;
        else if (park_atomic_write(ctx, &a, b->s, b->len) != PARK_OK || park_atomic_commit(ctx, &a) != PARK_OK) {
            park_atomic_abort(&a);
            ok = false;
        }
    }
    /* a cache that cannot be written costs the next run time, not this one its answer */
    if (!ok) park_ctx_clear_error(ctx);
    park_buf_free(b);
}

bool park_snap_put_layer(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const park_layer *l) {
    bool ok = true;
    park_snap_put_str(b, park_layer_path(l));
    park_snap_put_str(b, park_layer_notes(l));
    size_t n = park_layer_count(l);
    park_snap_put_u64(b, n);
    for (size_t i = 0; i < n && ok; i++) {
        const park_parcel *p = park_layer_get(l, i);
        park_snap_put_str(b, p->id), park_snap_put_str(b, p->name), park_snap_put_str(b, p->layout);
        park_snap_put_str(b, p->provenance), park_snap_put_str(b, p->four_to);
        park_snap_put_f64(b, p->official_km2);
        park_snap_put_u64(b, (uint64_t)(int64_t)p->source_fid);
        park_snap_put_u32(b, (uint32_t)p->has_error_m);
        park_snap_put_f64(b, p->error_m);
        ok = park_snap_put_geom(ctx, w, b, p->geom);
    }
    return ok;
}

bool park_snap_layer_id(park_ctx *ctx, const park_layer *l, size_t *len, uint64_t *hash) {
    if (park_layer_content_id(l, len, hash)) return true;
    park_buf lb;
    park_buf_init(&lb);
    GEOSWKBWriter *w = park_snap_wkb_writer(ctx);
    bool ok = w && park_snap_put_layer(ctx, w, &lb, l) && lb.s;
    if (w) GEOSWKBWriter_destroy_r(ctx->geos, w);
    if (ok) *len = lb.len, *hash = park_snap_hash(lb.s, lb.len), park_layer_set_content_id(l, *len, *hash);
    park_buf_free(&lb);
    return ok;
}

void park_layer_cache_store(park_ctx *ctx, const char *source, const park_layer *l) {
    park_buf key;
    char *path = layer_snap_path(ctx, source, true);
    if (!path || !layer_key(ctx, source, &key, NULL)) {
        free(path);
        return;
    }
    GEOSWKBWriter *w = park_snap_wkb_writer(ctx);
    park_buf b;
    park_snap_begin(&b, SNAP_KIND_LAYER, key.s);
    bool ok = w && park_snap_put_layer(ctx, w, &b, l);
    if (w) GEOSWKBWriter_destroy_r(ctx->geos, w);
    park_snap_commit(ctx, &b, path, ok);
    park_buf_free(&key);
    free(path);
}

/* ------------------------------------------------------------------ reading */

static const unsigned char *take(park_snap_rd *r, size_t n) {
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *q = r->p;
    r->p += n;
    return q;
}

/* Every fixed-size number: n bytes into v (zeroed when out of bytes). */
void park_snap_get_bytes(park_snap_rd *r, void *v, size_t n) {
    const unsigned char *q = take(r, n);
    if (q) memcpy(v, q, n);
    else memset(v, 0, n);
}

/* A new NUL-terminated copy; NULL when out of bytes or holding a NUL. */
char *park_snap_get_str(park_snap_rd *r) {
    uint64_t n = park_snap_get_u64(r);
    if (r->bad || n > (uint64_t)(r->end - r->p)) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *q = take(r, (size_t)n);
    if (!q || memchr(q, 0, (size_t)n)) {
        r->bad = true;
        return NULL;
    }
    char *s = park_strndup((const char *)q, (size_t)n);
    if (!s) r->bad = true;
    return s;
}

bool park_snap_get_str_at(park_snap_rd *r, park_buf *arena, size_t *off) {
    uint64_t n = park_snap_get_u64(r);
    if (r->bad || n > (uint64_t)(r->end - r->p)) return r->bad = true, false;
    const unsigned char *q = take(r, (size_t)n);
    if (!q || memchr(q, 0, (size_t)n)) return r->bad = true, false;
    if (arena->len + (size_t)n + 1 > arena->cap) {
        size_t cap = arena->cap ? arena->cap : 4096;
        while (cap < arena->len + (size_t)n + 1) cap *= 2;
        char *t = realloc(arena->s, cap);
        if (!t) return r->bad = true, false;
        arena->s = t, arena->cap = cap;
    }
    *off = arena->len;
    memcpy(arena->s + arena->len, q, (size_t)n);
    arena->s[arena->len + (size_t)n] = 0;
    arena->len += (size_t)n + 1;
    return true;
}

GEOSGeometry *park_snap_get_geom(park_ctx *ctx, GEOSWKBReader *wr, park_snap_rd *r) {
    uint64_t wl = park_snap_get_u64(r);
    if (r->bad || wl > (uint64_t)(r->end - r->p)) {
        r->bad = true;
        return NULL;
    }
    if (wl == 0) return NULL;
    const unsigned char *wkb = take(r, (size_t)wl);
    GEOSGeometry *g = wkb ? GEOSWKBReader_read_r(ctx->geos, wr, wkb, (size_t)wl) : NULL;
    if (!g) r->bad = true, park_ctx_clear_error(ctx);
    return g;
}

/* ---- WKB checked without decoding it (park_snap_get_wkb) */

typedef struct wkb_walk {
    const unsigned char *p, *end;
    bool lonlat;
    size_t ncoord;
} wkb_walk;

static bool ww_u32(wkb_walk *w, uint32_t *v) {
    if ((size_t)(w->end - w->p) < 4) return false;
    memcpy(v, w->p, 4);
    w->p += 4;
    return true;
}

/* npts points of `dims` doubles; a ring must be 0 or >= 4 points and closed, a
 * line 0 or >= 2 points (what GEOS's LinearRing / LineString accept). */
static bool ww_points(wkb_walk *w, int dims, bool ring) {
    uint32_t n;
    if (!ww_u32(w, &n) || (uint64_t)n * (uint64_t)dims * 8 > (uint64_t)(w->end - w->p)) return false;
    if (n && n < (ring ? 4u : 2u)) return false;
    double first[2] = {0, 0}, c[3] = {0, 0, 0};
    for (uint32_t i = 0; i < n; i++) {
        memcpy(c, w->p, (size_t)dims * 8);
        w->p += (size_t)dims * 8;
        if (w->lonlat ? !(c[0] >= -180 && c[0] <= 180 && c[1] >= -90 && c[1] <= 90) : !(isfinite(c[0]) && isfinite(c[1])))
            return false;
        if (i == 0) first[0] = c[0], first[1] = c[1];
    }
    if (ring && n && !(c[0] == first[0] && c[1] == first[1])) return false;
    w->ncoord += n;
    return true;
}

/* One geometry of WKB type `want` (2 LineString, 3 Polygon, 5/6 their Multi): the
 * machine's byte order (as GEOSWKBWriter writes it), EWKB flags Z and SRID only. */
static bool ww_geom(wkb_walk *w, uint32_t want, int depth) {
    static const uint16_t one = 1;
    uint32_t t;
    if (w->p >= w->end || *w->p != *(const unsigned char *)&one) return false;
    w->p++;
    if (!ww_u32(w, &t) || (t & 0x1fffffffu) != want || (t & 0x40000000u)) return false;
    int dims = t & 0x80000000u ? 3 : 2;
    if (t & 0x20000000u) {
        uint32_t srid;
        if (!ww_u32(w, &srid)) return false;
    }
    uint32_t n;
    switch (want) {
    case 2: return ww_points(w, dims, false);
    case 3: {
        if (!ww_u32(w, &n) || n > (size_t)(w->end - w->p) / 4) return false;
        size_t before = w->ncoord;
        for (uint32_t i = 0; i < n; i++) {
            if (!ww_points(w, dims, true)) return false;
            /* GEOS refuses holes in an empty shell */
            if (i == 0 && w->ncoord == before && n > 1) return false;
        }
        return true;
    }
    case 5:
    case 6:
        if (depth || !ww_u32(w, &n) || n > (size_t)(w->end - w->p) / 9) return false;
        for (uint32_t i = 0; i < n; i++)
            if (!ww_geom(w, want - 3, 1)) return false;
        return true;
    }
    return false;
}

bool park_snap_get_wkb(park_snap_rd *r, park_snap_wkb *out, int single, bool lonlat) {
    uint64_t wl = park_snap_get_u64(r);
    out->p = NULL, out->n = 0;
    if (r->bad || wl == 0 || wl > (uint64_t)(r->end - r->p)) return r->bad = true, false;
    wkb_walk w = {r->p, r->p + wl, lonlat, 0};
    uint32_t t = 0;
    if (wl >= 5) memcpy(&t, r->p + 1, 4);
    uint32_t base = t & 0x1fffffffu;
    bool ok = (base == (uint32_t)single || base == (uint32_t)single + 3) && ww_geom(&w, base, 0) && w.p == w.end && w.ncoord > 0;
    if (!ok) return r->bad = true, false;
    out->p = r->p, out->n = (size_t)wl;
    r->p += wl;
    return true;
}

GEOSGeometry *park_snap_wkb_decode(park_ctx *ctx, const park_snap_wkb *w) {
    GEOSWKBReader *wr = GEOSWKBReader_create_r(ctx->geos);
    GEOSGeometry *g = wr && w->p ? GEOSWKBReader_read_r(ctx->geos, wr, w->p, w->n) : NULL;
    if (wr) GEOSWKBReader_destroy_r(ctx->geos, wr);
    if (!g) park_error(ctx, PARK_ERR_INTERNAL, "a snapshot's geometry could not be decoded (%zu bytes of WKB)", w->n);
    return g;
}

bool park_snap_open(park_snap_rd *r, const unsigned char *data, size_t len, uint32_t kind, const char *key) {
    r->p = r->end = data, r->bad = true;
    if (len < 8 + 4 + 4 + 8 + 8 || memcmp(data, SNAP_MAGIC, 8)) return false;
    uint64_t sum;
    memcpy(&sum, data + len - 8, 8);
    if (park_snap_hash(data, len - 8) != sum) return false;
    *r = (park_snap_rd){data + 8, data + len - 8, false};
    if (park_snap_get_u32(r) != SNAP_FORMAT || park_snap_get_u32(r) != kind) return r->bad = true, false;
    char *k = park_snap_get_str(r);
    bool same = k && key && !strcmp(k, key);
    free(k);
    if (!same) r->bad = true;
    return same;
}

park_layer *park_snap_get_layer(park_ctx *ctx, GEOSWKBReader *wr, park_snap_rd *r) {
    park_layer *l = park_layer_new(ctx);
    char *path = park_snap_get_str(r), *notes = park_snap_get_str(r);
    uint64_t n = park_snap_get_u64(r);
    /* each parcel takes at least 6 lengths and 4 numbers */
    if (!l || !wr || !path || !notes || n == 0 || n > (uint64_t)(r->end - r->p) / 72) r->bad = true;
    for (uint64_t i = 0; i < n && !r->bad; i++) {
        park_parcel p = {0};
        p.id = park_snap_get_str(r), p.name = park_snap_get_str(r), p.layout = park_snap_get_str(r);
        p.provenance = park_snap_get_str(r), p.four_to = park_snap_get_str(r);
        p.official_km2 = park_snap_get_f64(r);
        p.source_fid = (long)(int64_t)park_snap_get_u64(r);
        p.has_error_m = (int)park_snap_get_u32(r);
        p.error_m = park_snap_get_f64(r);
        p.geom = park_snap_get_geom(ctx, wr, r);
        /* what park_layer_read never makes is refused here too: a parcel
         * without a (Multi)Polygon, or with more than PARK_MAX_PARCEL_VERTICES */
        if (!r->bad) {
            int t = p.geom ? GEOSGeomTypeId_r(ctx->geos, p.geom) : -1;
            if ((t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) || GEOSGetNumCoordinates_r(ctx->geos, p.geom) > PARK_MAX_PARCEL_VERTICES)
                r->bad = true;
        }
        if (!r->bad && park_layer_add(ctx, l, &p) == PARK_OK) p.geom = NULL; /* the layer's now */
        else r->bad = true;
        if (p.geom) GEOSGeom_destroy_r(ctx->geos, p.geom);
        free(p.id), free(p.name), free(p.layout), free(p.provenance), free(p.four_to);
    }
    if (!r->bad) park_layer_restore_read(l, path, notes);
    free(path), free(notes);
    if (r->bad) {
        park_layer_free(l);
        park_ctx_clear_error(ctx);
        return NULL;
    }
    return l;
}

/* The layer in snapshot `data`, if it is one of `key`; NULL otherwise. */
park_layer *park_layer_snapshot_parse(park_ctx *ctx, const unsigned char *data, size_t len, const char *key) {
    park_snap_rd r;
    if (!park_snap_open(&r, data, len, SNAP_KIND_LAYER, key)) return NULL;
    GEOSWKBReader *wr = GEOSWKBReader_create_r(ctx->geos);
    const unsigned char *body = r.p;
    park_layer *l = wr ? park_snap_get_layer(ctx, wr, &r) : NULL;
    if (wr) GEOSWKBReader_destroy_r(ctx->geos, wr);
    if (l && r.p != r.end) { /* nothing may follow the last parcel */
        park_layer_free(l);
        l = NULL;
    }
    /* the body is park_snap_put_layer's bytes of the layer it was written from */
    if (l) park_layer_set_content_id(l, (size_t)(r.end - body), park_snap_hash(body, (size_t)(r.end - body)));
    return l;
}

park_layer *park_layer_cache_load(park_ctx *ctx, const char *source) {
    char *path = layer_snap_path(ctx, source, false);
    if (!path) return NULL;
    struct stat sb;
    size_t len = 0;
    unsigned char *data = slurp(path, SNAP_MAX_FILE, &len, &sb);
    free(path);
    if (!data) return NULL;
    /* the key as it is now, with the stored one's hashes of files unchanged since */
    char *hint = park_snap_stored_key(data, len);
    park_buf key;
    park_layer *l = layer_key(ctx, source, &key, hint) ? park_layer_snapshot_parse(ctx, data, len, key.s) : NULL;
    park_buf_free(&key);
    free(data), free(hint);
    return l;
}
