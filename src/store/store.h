/* store.h - internal extensions of the geometry store (layer.c). */
#ifndef PARKGIS_STORE_H
#define PARKGIS_STORE_H
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ogr_api.h>

#include "../internal.h"

/* The parcel layer from an open OGR layer: what park_layer_read does once the
 * file is open and the layer chosen (fields, CRS, every feature's checks);
 * `source` names the layer, `path` goes in messages, `enc_ignored` the
 * --encoding to note as ignored (or NULL). The caller keeps lyr's dataset.
 * For the feature-level fuzzer (tests/fuzz/fuzz_layer_features.c). */
park_status park_layer_read_ogr(park_ctx *ctx, const char *source, const char *path, OGRLayerH lyr, const char *enc_ignored,
                                park_layer **out);




/* A query-side cache (prepared geometries, STRtree) hung on the layer so it is
 * built once and freed with the layer. Opaque to the store. */
typedef struct park_layer_index park_layer_index;
park_layer_index *park_layer_index_get(const park_layer *l);
void park_layer_index_set(const park_layer *l, park_layer_index *ix, void (*free_fn)(park_layer_index *));

/* ---- the snapshot cache of layers read (layer_cache.c, issue 11)
 * File: SNAP_MAGIC (8 bytes), u32 SNAP_FORMAT, u32 kind, the key (u64 length +
 * bytes), the body, u64 FNV-1a of everything before it. Numbers are the
 * machine's (little-endian x86-64/arm64); the key names the build. */
#define SNAP_MAGIC "PKGSNAP\x01"
#define SNAP_FORMAT 3u
#define SNAP_KIND_LAYER 1u
#define SNAP_KIND_RESOLVER 2u
#define SNAP_KIND_INDEX 3u
#define PARK_FNV_INIT 0xcbf29ce484222325ULL
uint64_t park_fnv1a(uint64_t h, const void *p, size_t n);
/* The content hash of inputs and the checksum of snapshots (8 bytes a step). */
uint64_t park_snap_hash(const void *p, size_t n);
/* false when PARKGIS_CACHE is off, 0, no or false. */
bool park_cache_enabled(void);
/* The layer park_layer_read made from `source` before, when its snapshot
 * matches the file as it is now; NULL otherwise (a new layer on success). */
park_layer *park_layer_cache_load(park_ctx *ctx, const char *source);
/* Writes the snapshot of `l`, read from `source` (best effort, atomically;
 * a failure leaves no error in ctx). */
void park_layer_cache_store(park_ctx *ctx, const char *source, const park_layer *l);
/* The layer in snapshot bytes `data` when they hold one for `key` (checked:
 * magic, format, checksum, every length); NULL otherwise. For the fuzzer. */
park_layer *park_layer_snapshot_parse(park_ctx *ctx, const unsigned char *data, size_t len, const char *key);

/* The pieces every snapshot is made of (layer_cache.c; the address resolver's
 * snapshot, query/address/snapshot.c, uses them too). */
struct stat;
/* <cache dir>/parkgis (created 0700 when `create`), NULL when there is none. */
char *park_snap_dir(bool create);
/* The whole of a regular file of at most `max` bytes (*len, *sb set); NULL otherwise. */
unsigned char *park_snap_slurp(const char *path, size_t max, size_t *len, struct stat *sb);
/* The key's first lines: parkgis, snapshot format, `kind`, library versions, the
 * field mapping in effect. Initialises `key`. */
void park_snap_key_begin(park_ctx *ctx, park_buf *key, const char *kind);
/* The key a snapshot file holds (new string; NULL when it has none that can be
 * read): a hint for the key of the inputs as they are now, never trusted. */
char *park_snap_stored_key(const unsigned char *data, size_t len);
/* The content hashes an existing snapshot recorded: s its key (or NULL), cur
 * where the next file's line is expected (start with NULL). */
typedef struct park_snap_hint {
    const char *s, *cur;
} park_snap_hint;
/* Appends the identity of `path` to key: the path, its real path, device, inode,
 * size, mtime, ctime and content hash ("racy" after it when the ctime was within
 * 2 s of the hashing); "absent PATH" when it does not exist. The content is read
 * and hashed only when `hint` (may be NULL) holds no line of the same path, real
 * path, device, inode, size, mtime and ctime, or holds it marked racy; else its
 * hash is the one recorded. False when it exists but cannot be read (then
 * nothing may be cached). */
bool park_snap_file_id(park_buf *key, const char *path, park_snap_hint *hint);
/* Appends the identity of every file under `dir` (sorted, recursively, at most
 * 4 levels and 4096 files, counted in *nfiles) with park_snap_file_id: the whole
 * directory, so a file added or removed is a change too; "absent DIR" when it is
 * not there. False when one cannot be read or there are too many. `hint` as above. */
bool park_snap_dir_id(park_buf *key, const char *dir, size_t *nfiles, park_snap_hint *hint);
/* Writing: header (magic, format, kind, key), the body with the put functions,
 * then park_snap_commit appends the checksum and writes `path` atomically when
 * `ok` (best effort: no error is left in ctx); it frees b. */
void park_snap_begin(park_buf *b, uint32_t kind, const char *key);
void park_snap_commit(park_ctx *ctx, park_buf *b, const char *path, bool ok);
void park_snap_put(park_buf *b, const void *p, size_t n);
static inline void park_snap_put_u32(park_buf *b, uint32_t v) { park_snap_put(b, &v, sizeof v); }
static inline void park_snap_put_u64(park_buf *b, uint64_t v) { park_snap_put(b, &v, sizeof v); }
static inline void park_snap_put_f64(park_buf *b, double v) { park_snap_put(b, &v, sizeof v); }
void park_snap_put_str(park_buf *b, const char *s);
/* A WKB writer keeping Z and SRID (the doubles exactly). */
GEOSWKBWriter *park_snap_wkb_writer(park_ctx *ctx);
/* g as length + WKB (length 0 for NULL); false when GEOS cannot write it. */
bool park_snap_put_geom(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const GEOSGeometry *g);
bool park_snap_put_layer(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const park_layer *l);
/* Reading: every get checks the bytes left; the first shortfall sets `bad`, and
 * from then on every get returns zero / NULL. */
typedef struct park_snap_rd {
    const unsigned char *p, *end;
    bool bad;
} park_snap_rd;
/* True when data is a sound snapshot (magic, checksum, format) of `kind` for `key`;
 * r is then at the start of the body, which ends at r->end. */
bool park_snap_open(park_snap_rd *r, const unsigned char *data, size_t len, uint32_t kind, const char *key);
void park_snap_get_bytes(park_snap_rd *r, void *v, size_t n);
/* The fixed-size numbers inline (a snapshot holds some 50,000 of them: a call
 * and a variable-length memcpy each was 1 M instructions of a warm lookup). */
#define PARK_SNAP_GET_FIXED(T, r)                                        \
    T v = 0;                                                             \
    if (!(r)->bad && (size_t)((r)->end - (r)->p) >= sizeof v) {          \
        memcpy(&v, (r)->p, sizeof v);                                    \
        (r)->p += sizeof v;                                              \
    } else                                                               \
        (r)->bad = true;                                                 \
    return v
static inline uint32_t park_snap_get_u32(park_snap_rd *r) { PARK_SNAP_GET_FIXED(uint32_t, r); }
static inline uint64_t park_snap_get_u64(park_snap_rd *r) { PARK_SNAP_GET_FIXED(uint64_t, r); }
static inline double park_snap_get_f64(park_snap_rd *r) { PARK_SNAP_GET_FIXED(double, r); }
/* A new string (NULL and bad when short or holding a NUL). */
char *park_snap_get_str(park_snap_rd *r);
/* The same string appended, with its NUL, to `arena` (grown as needed; the
 * caller frees arena->s), its offset in *off: one allocation for a table's
 * strings instead of one each. False (and bad) when short, holding a NUL or out
 * of memory. */
bool park_snap_get_str_at(park_snap_rd *r, park_buf *arena, size_t *off);
/* A new geometry; NULL for length 0 (not bad) or unreadable WKB (bad). */
GEOSGeometry *park_snap_get_geom(park_ctx *ctx, GEOSWKBReader *wr, park_snap_rd *r);
/* WKB kept in the snapshot's bytes, decoded when first needed. */
typedef struct park_snap_wkb {
    const unsigned char *p;
    size_t n;
} park_snap_wkb;
/* A geometry as park_snap_put_geom wrote it, checked but not decoded: of WKB type
 * `single` (2 LineString, 3 Polygon) or its Multi, non-empty, every ring closed
 * with 0 or >= 4 points, every line 0 or >= 2, every coordinate finite (in lon/lat
 * range when `lonlat`): what GEOS's reader accepts. *out points into r's bytes.
 * False (and bad) otherwise, and for length 0. */
bool park_snap_get_wkb(park_snap_rd *r, park_snap_wkb *out, int single, bool lonlat);
/* The geometry of w (new; NULL with an error in ctx when GEOS cannot read it). */
GEOSGeometry *park_snap_wkb_decode(park_ctx *ctx, const park_snap_wkb *w);
/* A layer as park_snap_put_layer wrote it (every parcel a (Multi)Polygon); NULL and bad otherwise. */
park_layer *park_snap_get_layer(park_ctx *ctx, GEOSWKBReader *wr, park_snap_rd *r);

/* The length and hash of the bytes park_snap_put_layer writes of l (what a
 * snapshot key says of the parcel layer's content), computed once and kept with
 * the layer until it changes; false when GEOS cannot write a geometry. */
bool park_snap_layer_id(park_ctx *ctx, const park_layer *l, size_t *len, uint64_t *hash);
/* The memo behind it (layer.c): false when not known; set by park_snap_layer_id
 * and by the layer snapshot's reader (its body is those bytes). */
bool park_layer_content_id(const park_layer *l, size_t *len, uint64_t *hash);
void park_layer_set_content_id(const park_layer *l, size_t len, uint64_t hash);

/* Sets the path and the reading notes of a layer rebuilt from a snapshot. */
void park_layer_restore_read(park_layer *l, const char *path, const char *notes);

/* A Shapefile `shp` (a path ending in .shp; anything else passes): its .shx
 * and .dbf exist, the .shx holds exactly one entry per shape, every shape lies
 * inside the .shp, the .dbf is as long as its header says and has one record
 * per shape. PARK_ERR_INPUT naming the file and what disagrees (shp_check.c). */
park_status park_shp_check(park_ctx *ctx, const char *shp);

/* Whether `name` is a CRS PROJ knows, in one of the unambiguous forms (AUTH:CODE
 * or a URN, a PROJ string, WKT, PROJJSON: not a bare name PROJ would match
 * approximately) or one of GDAL's well-known names (WGS84, CRS84, NAD83, ...).
 * Reads no file (crs.c). */
bool park_crs_name_known(park_ctx *ctx, const char *name);
#endif
