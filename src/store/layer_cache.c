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
 * every read, never trusted: the path as given and its real path, device,
 * inode, size, mtime and ctime (ns), an FNV-1a hash of the whole file (so an
 * edit within one mtime tick is still seen), the field mapping in effect
 * (--field), the parkgis version, the snapshot format and the GEOS, PROJ and
 * GDAL versions built against. The file starts with a magic and the format
 * version and ends with an FNV-1a checksum of everything before it; every
 * length is checked against the bytes left. Anything that does not match -
 * another input, a truncated or corrupt file, another version - is a miss:
 * the layer is read through GDAL and the snapshot rewritten (atomically,
 * util/atomic.c). A failure to write it is not an error of the command.
 *
 * Only single-file layers (.geojson, .json) are snapshotted: a Shapefile's
 * answer depends on its .dbf, .prj and .cpg too. PARKGIS_CACHE=off (or 0, no)
 * turns the cache off; a layer name or an --encoding also bypasses it. */
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

bool park_cache_enabled(void) {
    const char *e = getenv("PARKGIS_CACHE");
    return !(e && (!strcmp(e, "off") || !strcmp(e, "0") || !strcasecmp(e, "no") || !strcasecmp(e, "false")));
}

/* <cache dir>/parkgis, created (0700) when `create`; NULL when there is none. */
static char *cache_dir(bool create) {
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

/* The whole of a regular file (at most `max` bytes), or NULL. */
static unsigned char *slurp(const char *path, size_t max, size_t *len, struct stat *sb) {
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

static bool single_file_layer(const char *path) {
    size_t n = strlen(path);
    return (n > 8 && !strcasecmp(path + n - 8, ".geojson")) || (n > 5 && !strcasecmp(path + n - 5, ".json"));
}

/* The key of `source` as it is now, and the snapshot's file name; false when
 * this source is not cached. */
static bool layer_key(park_ctx *ctx, const char *source, park_buf *key, char **snap_path, bool create_dir) {
    if (!park_cache_enabled() || !single_file_layer(source)) return false;
    struct stat sb;
    size_t len = 0;
    unsigned char *data = slurp(source, SNAP_MAX_INPUT, &len, &sb);
    if (!data) return false;
    uint64_t h = fnv1a(FNV_INIT, data, len);
    free(data);
    char real[PATH_MAX];
    if (!realpath(source, real)) return false;
    park_buf_init(key);
    park_buf_printf(key, "parkgis %s snapshot %u layer\nGEOS %s PROJ %d.%d.%d GDAL %s\nsource %s\nreal %s\n", PARKGIS_VERSION,
                    SNAP_FORMAT, GEOS_CAPI_VERSION, PROJ_VERSION_MAJOR, PROJ_VERSION_MINOR, PROJ_VERSION_PATCH, GDAL_RELEASE_NAME,
                    source, real);
    park_buf_printf(key, "dev %llu ino %llu size %llu mtime %lld.%09ld ctime %lld.%09ld fnv1a %016llx\n",
                    (unsigned long long)sb.st_dev, (unsigned long long)sb.st_ino, (unsigned long long)sb.st_size,
                    (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, (long long)sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec,
                    (unsigned long long)h);
    for (size_t k = 0; k < sizeof ctx->field_src / sizeof ctx->field_src[0]; k++)
        park_buf_printf(key, "field %zu=%s\n", k, ctx->field_src[k]);
    park_buf_printf(key, "official_scale %a\n", ctx->official_scale);
    char *dir = cache_dir(create_dir);
    if (!dir || !key->s) {
        free(dir), park_buf_free(key);
        return false;
    }
    /* one snapshot per input (and mapping): a changed file replaces its own */
    uint64_t name = fnv1a(FNV_INIT, real, strlen(real));
    for (size_t k = 0; k < sizeof ctx->field_src / sizeof ctx->field_src[0]; k++)
        name = fnv1a(name, ctx->field_src[k], strlen(ctx->field_src[k]) + 1);
    *snap_path = park_asprintf("%s/layer-%016llx.snap", dir, (unsigned long long)name);
    free(dir);
    if (!*snap_path) park_buf_free(key);
    return *snap_path != NULL;
}

/* ------------------------------------------------------------------ writing */

static void put(park_buf *b, const void *p, size_t n) { park_buf_appendn(b, (const char *)p, n); }
static void put_u32(park_buf *b, uint32_t v) { put(b, &v, 4); }
static void put_u64(park_buf *b, uint64_t v) { put(b, &v, 8); }
static void put_f64(park_buf *b, double v) { put(b, &v, 8); }
static void put_str(park_buf *b, const char *s) {
    size_t n = s ? strlen(s) : 0;
    put_u64(b, n);
    if (n) put(b, s, n);
}

void park_layer_cache_store(park_ctx *ctx, const char *source, const park_layer *l) {
    park_buf key;
    char *path = NULL;
    if (!layer_key(ctx, source, &key, &path, true)) return;
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx->geos);
    park_buf b;
    park_buf_init(&b);
    bool ok = w != NULL;
    if (w) {
        GEOSWKBWriter_setOutputDimension_r(ctx->geos, w, 3);
        GEOSWKBWriter_setIncludeSRID_r(ctx->geos, w, 1);
    }
    put(&b, SNAP_MAGIC, 8);
    put_u32(&b, SNAP_FORMAT), put_u32(&b, SNAP_KIND_LAYER);
    put_str(&b, key.s);
    put_str(&b, park_layer_path(l));
    put_str(&b, park_layer_notes(l));
    size_t n = park_layer_count(l);
    put_u64(&b, n);
    for (size_t i = 0; i < n && ok; i++) {
        const park_parcel *p = park_layer_get(l, i);
        put_str(&b, p->id), put_str(&b, p->name), put_str(&b, p->layout), put_str(&b, p->provenance), put_str(&b, p->four_to);
        put_f64(&b, p->official_km2);
        put_u64(&b, (uint64_t)(int64_t)p->source_fid);
        put_u32(&b, (uint32_t)p->has_error_m);
        put_f64(&b, p->error_m);
        size_t wl = 0;
        unsigned char *wkb = p->geom ? GEOSWKBWriter_write_r(ctx->geos, w, p->geom, &wl) : NULL;
        if (p->geom && !wkb) ok = false;
        put_u64(&b, wl);
        if (wl) put(&b, wkb, wl);
        if (wkb) GEOSFree_r(ctx->geos, wkb);
    }
    if (w) GEOSWKBWriter_destroy_r(ctx->geos, w);
    ok = ok && b.s;
    if (ok) {
        put_u64(&b, fnv1a(FNV_INIT, b.s, b.len));
        park_atomic a;
        if (park_atomic_open(ctx, &a, path, true) != PARK_OK) ok = false;
        else if (park_atomic_write(ctx, &a, b.s, b.len) != PARK_OK || park_atomic_commit(ctx, &a) != PARK_OK) {
            park_atomic_abort(&a);
            ok = false;
        }
    }
    /* a cache that cannot be written costs the next run time, not this one its answer */
    if (!ok) park_ctx_clear_error(ctx);
    park_buf_free(&b), park_buf_free(&key);
    free(path);
}

/* ------------------------------------------------------------------ reading */

typedef struct rd {
    const unsigned char *p, *end;
    bool bad;
} rd;

static const unsigned char *take(rd *r, size_t n) {
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *q = r->p;
    r->p += n;
    return q;
}
static uint32_t get_u32(rd *r) {
    uint32_t v = 0;
    const unsigned char *q = take(r, 4);
    if (q) memcpy(&v, q, 4);
    return v;
}
static uint64_t get_u64(rd *r) {
    uint64_t v = 0;
    const unsigned char *q = take(r, 8);
    if (q) memcpy(&v, q, 8);
    return v;
}
static double get_f64(rd *r) {
    double v = 0;
    const unsigned char *q = take(r, 8);
    if (q) memcpy(&v, q, 8);
    return v;
}
/* A new NUL-terminated copy; NULL when out of bytes or holding a NUL. */
static char *get_str(rd *r) {
    uint64_t n = get_u64(r);
    if (r->bad || n > (uint64_t)(r->end - r->p)) {
        r->bad = true;
        return NULL;
    }
    const unsigned char *q = take(r, (size_t)n);
    if (!q || memchr(q, 0, (size_t)n)) {
        r->bad = true;
        return NULL;
    }
    return park_strndup((const char *)q, (size_t)n);
}

/* The layer in snapshot `data`, if it is one of `key`; NULL otherwise. */
park_layer *park_layer_snapshot_parse(park_ctx *ctx, const unsigned char *data, size_t len, const char *key) {
    if (len < 8 + 4 + 4 + 8 + 8 || memcmp(data, SNAP_MAGIC, 8)) return NULL;
    uint64_t sum;
    memcpy(&sum, data + len - 8, 8);
    if (fnv1a(FNV_INIT, data, len - 8) != sum) return NULL;
    rd r = {data + 8, data + len - 8, false};
    if (get_u32(&r) != SNAP_FORMAT || get_u32(&r) != SNAP_KIND_LAYER) return NULL;
    char *k = get_str(&r);
    bool same = k && key && !strcmp(k, key);
    free(k);
    if (!same) return NULL;
    park_layer *l = park_layer_new(ctx);
    GEOSWKBReader *wr = GEOSWKBReader_create_r(ctx->geos);
    char *path = get_str(&r), *notes = get_str(&r);
    uint64_t n = get_u64(&r);
    /* each parcel takes at least 5 lengths and 4 numbers */
    if (!l || !wr || !path || !notes || n == 0 || n > (uint64_t)(r.end - r.p) / 72) r.bad = true;
    for (uint64_t i = 0; i < n && !r.bad; i++) {
        park_parcel p = {0};
        p.id = get_str(&r), p.name = get_str(&r), p.layout = get_str(&r), p.provenance = get_str(&r), p.four_to = get_str(&r);
        p.official_km2 = get_f64(&r);
        p.source_fid = (long)(int64_t)get_u64(&r);
        p.has_error_m = (int)get_u32(&r);
        p.error_m = get_f64(&r);
        uint64_t wl = get_u64(&r);
        const unsigned char *wkb = wl <= (uint64_t)(r.end - r.p) ? take(&r, (size_t)wl) : (r.bad = true, NULL);
        /* what park_layer_read never makes is refused here too: a parcel
         * without a (Multi)Polygon, or with more than PARK_MAX_PARCEL_VERTICES */
        if (!r.bad) {
            p.geom = wl ? GEOSWKBReader_read_r(ctx->geos, wr, wkb, (size_t)wl) : NULL;
            int t = p.geom ? GEOSGeomTypeId_r(ctx->geos, p.geom) : -1;
            if ((t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) || GEOSGetNumCoordinates_r(ctx->geos, p.geom) > PARK_MAX_PARCEL_VERTICES)
                r.bad = true;
        }
        if (!r.bad && park_layer_add(ctx, l, &p) == PARK_OK) p.geom = NULL; /* the layer's now */
        else r.bad = true;
        if (p.geom) GEOSGeom_destroy_r(ctx->geos, p.geom);
        free(p.id), free(p.name), free(p.layout), free(p.provenance), free(p.four_to);
    }
    if (r.p != r.end) r.bad = true; /* nothing may follow the last parcel */
    if (!r.bad) park_layer_restore_read(l, path, notes);
    if (wr) GEOSWKBReader_destroy_r(ctx->geos, wr);
    free(path), free(notes);
    if (r.bad) {
        park_layer_free(l);
        park_ctx_clear_error(ctx);
        return NULL;
    }
    return l;
}

park_layer *park_layer_cache_load(park_ctx *ctx, const char *source) {
    park_buf key;
    char *path = NULL;
    if (!layer_key(ctx, source, &key, &path, false)) return NULL;
    struct stat sb;
    size_t len = 0;
    unsigned char *data = slurp(path, SNAP_MAX_FILE, &len, &sb);
    park_layer *l = data ? park_layer_snapshot_parse(ctx, data, len, key.s) : NULL;
    free(data), free(path);
    park_buf_free(&key);
    return l;
}
