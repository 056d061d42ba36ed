/* snapshot.c - the address resolver from a checked snapshot (issue 11).
 *
 * park_resolver_new reads the gazetteers, the metro stations, the towns and
 * (on first use) the address index (house numbers, places) through GDAL,
 * projects them into the parcel layer's metric plane and builds the parcels'
 * buffers and unions: some 800 M instructions and GDAL loaded (200 M of them)
 * for a lookup that needs ~5 M. What it built is written, after the first
 * build, to
 *     $XDG_CACHE_HOME/parkgis/resolver-<hash of the directories, layer path, mapping>.snap
 * and a later resolver with the same inputs is read from there, without GDAL.
 *
 * The key (store/layer_cache.c's discipline): the snapshot format, parkgis,
 * GEOS, PROJ and GDAL versions, the field mapping, the gazetteer directories
 * as given, a hash of the parcel layer's whole content (every string, number
 * and the geometry's WKB: the metric plane, buffers and unions derive from
 * it), and the identity of every file under every gazetteer directory (path,
 * real path, device, inode, size, mtime, ctime, content hash; "absent" for a
 * directory that is not there): the whole directory, not only the files the
 * resolver reads today, so a file added or removed is a change too. The file
 * has the magic, format, kind, key and checksum of every snapshot and every
 * count and length is checked against the bytes left; what the build never
 * makes (a feature without a line, a buffer without an area, an index entry
 * out of range) is refused. A mismatch is a miss: the resolver is built as
 * before and the snapshot rewritten atomically.
 *
 * What is stored: everything park_resolver_new sets and park_ar_index_load
 * adds, in the same order, the geometries as WKB (exact doubles); what is
 * derived cheaply (prepared buffers, the places' name hash, perr) is rebuilt.
 * The resolver keeps the snapshot's bytes: the gazetteer lines, the parcels'
 * buffers and their unions are checked as WKB at load (park_snap_get_wkb) and
 * decoded by GEOS only when a lookup asks for them (park_ar_feat_geom, ...).
 * A file of the key whose stat identity is the recorded one is not hashed
 * again (store.h, park_snap_file_id).
 * A field added to the resolver's build must be added here too (the
 * integration test tests/integration/locate_cache.sh compares every address
 * case with the cache off, cold and warm). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>

#include "internal.h"

#define SNAP_MAX_FILE (256u << 20)

static char *dirs_of(const char *gazetteer_dirs) {
    return gazetteer_dirs ? park_strdup(gazetteer_dirs)
                          : park_asprintf("%s/gazetteer:%s/gazetteer-address", park_default_data_dir(), park_default_data_dir());
}

/* The snapshot's file name (new string), NULL when this resolver is not cached. */
static char *resolver_snap_path(park_resolver *r, const char *gazetteer_dirs, bool create_dir) {
    park_ctx *ctx = r->ctx;
    /* a layer made in memory (no path) is not snapshotted */
    if (!park_cache_enabled() || !*park_layer_path(r->layer)) return NULL;
    char *dir = park_snap_dir(create_dir);
    if (!dir) return NULL;
    uint64_t name = park_fnv1a(PARK_FNV_INIT, gazetteer_dirs ? gazetteer_dirs : "", gazetteer_dirs ? strlen(gazetteer_dirs) + 1 : 0);
    const char *lp = park_layer_path(r->layer);
    name = park_fnv1a(name, lp, strlen(lp) + 1);
    for (size_t k = 0; k < sizeof ctx->field_src / sizeof ctx->field_src[0]; k++)
        name = park_fnv1a(name, ctx->field_src[k], strlen(ctx->field_src[k]) + 1);
    char *path = park_asprintf("%s/resolver-%016llx.snap", dir, (unsigned long long)name);
    free(dir);
    return path;
}

/* The key of this resolver's inputs as they are now (false: not cached; key is
 * then freed). `hint`: the key stored in the snapshot there, or NULL (store.h). */
static bool resolver_key(park_resolver *r, const char *gazetteer_dirs, park_buf *key, const char *hint) {
    park_ctx *ctx = r->ctx;
    char *dirs = dirs_of(gazetteer_dirs);
    if (!dirs) return false;
    park_snap_key_begin(ctx, key, "resolver");
    park_buf_printf(key, "gazetteer %s %s\n", gazetteer_dirs ? "given" : "default", dirs);
    /* the parcel layer's content */
    size_t ll = 0;
    uint64_t lh = 0;
    bool ok = park_snap_layer_id(ctx, r->layer, &ll, &lh);
    if (ok) park_buf_printf(key, "layer %zu parcels %zu bytes hash %016llx\n", park_layer_count(r->layer), ll, (unsigned long long)lh);
    size_t nfiles = 0;
    char *save = NULL;
    park_snap_hint h = {hint, NULL};
    for (char *d = strtok_r(dirs, ":", &save); d && ok; d = strtok_r(NULL, ":", &save)) ok = park_snap_dir_id(key, d, &nfiles, &h);
    free(dirs);
    if (!ok || !key->s) park_buf_free(key);
    return ok && key->s;
}

/* ------------------------------------------------------------------ writing */

static bool put_feature(park_ctx *ctx, GEOSWKBWriter *w, park_buf *b, const park_feature *f) {
    park_snap_put_str(b, f->name), park_snap_put_str(b, f->aliases), park_snap_put_str(b, f->kind);
    park_snap_put_str(b, f->provenance), park_snap_put_str(b, f->method);
    park_snap_put_f64(b, f->error_m);
    park_snap_put_str(b, f->source), park_snap_put_str(b, f->error_basis);
    park_snap_put_u64(b, (uint64_t)(int64_t)f->evidence_n);
    return park_snap_put_geom(ctx, w, b, f->geom);
}

/* A column of strings with few distinct values (the houses' road keys, the
 * places' kinds and methods) as a table of the distinct ones, in order of first
 * appearance, and a u32 index per row: one string read per distinct value. */
static bool put_str_column(park_buf *b, char *const *col, size_t n) {
    park_strmap *m = park_strmap_new(0);
    uint32_t *idx = malloc((n ? n : 1) * sizeof *idx);
    size_t *first = malloc((n ? n : 1) * sizeof *first), nd = 0;
    bool ok = m && idx && first && n < UINT32_MAX;
    for (size_t i = 0; i < n && ok; i++) {
        const char *s = col[i] ? col[i] : "";
        void *v = NULL;
        if (park_strmap_get(m, s, strlen(s), &v)) idx[i] = (uint32_t)(uintptr_t)v;
        else if (park_strmap_put(m, s, strlen(s), (void *)(uintptr_t)nd)) first[nd] = i, idx[i] = (uint32_t)nd++;
        else ok = false;
    }
    if (ok) {
        park_snap_put_u64(b, nd);
        for (size_t j = 0; j < nd; j++) park_snap_put_str(b, col[first[j]]);
        for (size_t i = 0; i < n; i++) park_snap_put_u32(b, idx[i]);
    }
    park_strmap_free(m, NULL);
    free(idx), free(first);
    return ok;
}

static bool put_body(park_resolver *r, GEOSWKBWriter *w, park_buf *b) {
    park_ctx *ctx = r->ctx;
    bool ok = true;
    park_snap_put_str(b, park_resolver_notes(r));
    park_snap_put_u64(b, r->ngz);
    for (size_t k = 0; k < r->ngz && ok; k++) {
        size_t n = park_gazetteer_count(r->gz[k]);
        park_snap_put_u64(b, n);
        for (size_t i = 0; i < n && ok; i++) ok = put_feature(ctx, w, b, park_gazetteer_get(r->gz[k], i));
    }
    park_snap_put_u64(b, r->nfeat);
    for (size_t i = 0; i < r->nfeat; i++) park_snap_put_str(b, r->fkey[i]), park_snap_put_str(b, r->fali[i]);
    park_snap_put_u64(b, r->idx_feat_lo), park_snap_put_u64(b, r->idx_feat_hi);
    park_snap_put_u32(b, r->index_dir != NULL);
    if (r->index_dir) park_snap_put_str(b, r->index_dir);
    park_snap_put_u32(b, r->st_name != NULL);
    park_snap_put_u64(b, r->nst);
    for (size_t i = 0; i < r->nst; i++) {
        park_snap_put_str(b, r->st_name[i]), park_snap_put_str(b, r->st_key[i]), park_snap_put_str(b, r->st_ali[i]);
        park_snap_put_str(b, r->st_lines[i]);
        park_snap_put_f64(b, r->st_lon[i]), park_snap_put_f64(b, r->st_lat[i]);
    }
    park_snap_put_u32(b, r->admin != NULL);
    if (r->admin) {
        ok = ok && park_snap_put_layer(ctx, w, b, r->admin);
        for (size_t i = 0; i < park_layer_count(r->admin) && ok; i++) ok = park_snap_put_geom(ctx, w, b, r->admin_m[i]);
    }
    size_t n = park_layer_count(r->layer);
    park_snap_put_u64(b, n);
    for (size_t i = 0; i < n && ok; i++) ok = park_snap_put_geom(ctx, w, b, r->obuf[i]);
    ok = ok && park_snap_put_geom(ctx, w, b, r->obuf_all) && park_snap_put_geom(ctx, w, b, r->bb_all) &&
         park_snap_put_geom(ctx, w, b, r->parcels_all);
    const park_ar_houses *h = r->houses;
    park_snap_put_u32(b, h != NULL);
    if (h) {
        park_snap_put_u64(b, h->n);
        ok = ok && put_str_column(b, h->key, h->n);
        for (size_t i = 0; i < h->n; i++) {
            park_snap_put_u64(b, (uint64_t)(int64_t)h->num[i]);
            park_snap_put_f64(b, h->x[i]), park_snap_put_f64(b, h->y[i]), park_snap_put_f64(b, h->err[i]);
            park_snap_put_u64(b, h->order[i]);
        }
        park_snap_put_f64(b, h->spacing);
    }
    const park_ar_places *p = r->places;
    park_snap_put_u32(b, p != NULL);
    if (p) {
        park_snap_put_u64(b, p->n);
        ok = ok && put_str_column(b, p->kind, p->n) && put_str_column(b, p->method, p->n);
        for (size_t i = 0; i < p->n; i++) {
            park_snap_put_str(b, p->name[i]);
            park_snap_put_f64(b, p->x[i]), park_snap_put_f64(b, p->y[i]), park_snap_put_f64(b, p->sigma[i]);
        }
        /* each name's answer (places.c's groups: 1 M instructions to make again) */
        park_snap_put_u32(b, p->gx != NULL);
        for (size_t i = 0; p->gx && i < p->n; i++)
            park_snap_put_f64(b, p->gx[i]), park_snap_put_f64(b, p->gy[i]), park_snap_put_f64(b, p->gsigma[i]);
    }
    return ok;
}

void park_ar_snapshot_store(park_resolver *r, const char *gazetteer_dirs) {
    park_ctx *ctx = r->ctx;
    park_buf key;
    char *path = resolver_snap_path(r, gazetteer_dirs, true);
    if (!path || !resolver_key(r, gazetteer_dirs, &key, NULL)) {
        free(path);
        return;
    }
    /* the address index is loaded on first use: a snapshot holds it, as a lookup
     * needing it would load it; one that fails to load is left to that lookup */
    if (park_ar_index_load(r) != PARK_OK) {
        park_ctx_clear_error(ctx);
        park_ar_houses_free(r->houses), park_ar_places_free(ctx->geos, r->places);
        r->houses = NULL, r->places = NULL, r->index_loaded = 0;
        park_buf_free(&key), free(path);
        return;
    }
    GEOSWKBWriter *w = park_snap_wkb_writer(ctx);
    park_buf b;
    park_snap_begin(&b, SNAP_KIND_RESOLVER, key.s);
    bool ok = w && put_body(r, w, &b);
    if (w) GEOSWKBWriter_destroy_r(ctx->geos, w);
    park_snap_commit(ctx, &b, path, ok);
    park_buf_free(&key), free(path);
}

/* ------------------------------------------------------------------ reading */

/* n items of at least `min` bytes each fit in what is left. */
static bool count_ok(park_snap_rd *d, uint64_t n, size_t min) {
    if (d->bad || n > (uint64_t)(d->end - d->p) / min) d->bad = true;
    return !d->bad;
}

/* A column put_str_column wrote, of n rows: the distinct strings appended to
 * `arena`, each row's offset in off[i * stride]. */
static void get_str_column(park_snap_rd *d, park_buf *arena, size_t n, size_t *off, size_t stride) {
    uint64_t nd = park_snap_get_u64(d);
    /* each distinct string was first used by a row */
    if (!count_ok(d, nd, 8) || nd > n || (n && !nd)) {
        d->bad = true;
        return;
    }
    size_t *doff = malloc((nd ? nd : 1) * sizeof *doff);
    if (!doff) d->bad = true;
    for (uint64_t j = 0; j < nd && !d->bad; j++) park_snap_get_str_at(d, arena, &doff[j]);
    if (!count_ok(d, n, 4)) n = 0;
    for (size_t i = 0; i < n && !d->bad; i++) {
        uint32_t k = park_snap_get_u32(d);
        if (k >= nd) d->bad = true;
        else off[i * stride] = doff[k];
    }
    free(doff);
}

static bool is_type(park_ctx *ctx, const GEOSGeometry *g, int t1, int t2) {
    int t = g ? GEOSGeomTypeId_r(ctx->geos, g) : -1;
    return (t == t1 || t == t2) && GEOSisEmpty_r(ctx->geos, g) == 0;
}

/* A feature, its line left as WKB in *wkb (decoded on first use: park_ar_feat_geom). */
static void get_feature(park_ctx *ctx, park_snap_rd *d, park_gazetteer *gz, park_snap_wkb *wkb) {
    park_feature f = {0};
    f.name = park_snap_get_str(d), f.aliases = park_snap_get_str(d), f.kind = park_snap_get_str(d);
    f.provenance = park_snap_get_str(d), f.method = park_snap_get_str(d);
    f.error_m = park_snap_get_f64(d);
    f.source = park_snap_get_str(d), f.error_basis = park_snap_get_str(d);
    f.evidence_n = (long)(int64_t)park_snap_get_u64(d);
    /* the gazetteer reader makes only non-empty (Multi)LineStrings in lon/lat */
    park_snap_get_wkb(d, wkb, 2, true);
    if (!d->bad && park_gazetteer_push(gz, &f) == PARK_OK) return;
    d->bad = true;
    park_ctx_clear_error(ctx);
    free(f.name), free(f.aliases), free(f.kind), free(f.provenance), free(f.method), free(f.source), free(f.error_basis);
    if (f.geom) GEOSGeom_destroy_r(ctx->geos, f.geom);
}

static void get_body(park_resolver *r, GEOSWKBReader *wr, park_snap_rd *d) {
    park_ctx *ctx = r->ctx;
    char *notes = park_snap_get_str(d);
    if (notes && *notes) park_buf_append(&r->notes, notes);
    free(notes);
    uint64_t ngz = park_snap_get_u64(d);
    if (!count_ok(d, ngz, 8) || !(r->gz = calloc(ngz ? ngz : 1, sizeof *r->gz))) d->bad = true;
    size_t nw = 0, wcap = 0;
    for (uint64_t k = 0; k < ngz && !d->bad; k++) {
        uint64_t n = park_snap_get_u64(d);
        /* a feature: 7 strings, 2 numbers, a geometry */
        if (!count_ok(d, n, 80) || !(r->gz[k] = park_gazetteer_new(ctx))) d->bad = true;
        else r->ngz++;
        if (!d->bad && nw + n > wcap) {
            size_t cap = nw + (size_t)n + 1;
            park_snap_wkb *t = realloc(r->feat_wkb, cap * sizeof *t);
            if (!t) d->bad = true;
            else r->feat_wkb = t, wcap = cap;
        }
        for (uint64_t i = 0; i < n && !d->bad; i++) get_feature(ctx, d, r->gz[k], &r->feat_wkb[nw++]);
    }
    uint64_t nfeat = park_snap_get_u64(d), total = 0;
    for (size_t k = 0; k < r->ngz; k++) total += park_gazetteer_count(r->gz[k]);
    if (d->bad || nfeat != total || !count_ok(d, nfeat, 16)) d->bad = true;
    else {
        r->feat = calloc(nfeat ? nfeat : 1, sizeof *r->feat);
        r->fkey = calloc(nfeat ? nfeat : 1, sizeof *r->fkey);
        r->fali = calloc(nfeat ? nfeat : 1, sizeof *r->fali);
        if (!r->feat || !r->fkey || !r->fali) d->bad = true;
        else r->nfeat = nfeat;
    }
    for (size_t k = 0, fi = 0; k < r->ngz && !d->bad; k++)
        for (size_t i = 0; i < park_gazetteer_count(r->gz[k]); i++, fi++) r->feat[fi] = park_gazetteer_get(r->gz[k], i);
    for (size_t i = 0; i < r->nfeat && !d->bad; i++) r->fkey[i] = park_snap_get_str(d), r->fali[i] = park_snap_get_str(d);
    r->idx_feat_lo = park_snap_get_u64(d), r->idx_feat_hi = park_snap_get_u64(d);
    if (r->idx_feat_lo > r->idx_feat_hi || r->idx_feat_hi > r->nfeat) d->bad = true;
    if (park_snap_get_u32(d) && !d->bad) r->index_dir = park_snap_get_str(d);
    r->index_loaded = 1; /* what it loaded is below */
    uint32_t has_st = park_snap_get_u32(d);
    uint64_t nst = park_snap_get_u64(d);
    if (!d->bad && (has_st || nst)) {
        if (!has_st || !count_ok(d, nst, 48)) d->bad = true;
        else {
            r->st_name = calloc(nst + 1, sizeof(char *)), r->st_key = calloc(nst + 1, sizeof(char *));
            r->st_ali = calloc(nst + 1, sizeof(char *)), r->st_lines = calloc(nst + 1, sizeof(char *));
            r->st_lon = calloc(nst + 1, sizeof(double)), r->st_lat = calloc(nst + 1, sizeof(double));
            r->st_circle = calloc(nst + 1, sizeof(GEOSGeometry *));
            if (!r->st_name || !r->st_key || !r->st_ali || !r->st_lines || !r->st_lon || !r->st_lat || !r->st_circle) d->bad = true;
        }
        for (uint64_t i = 0; i < nst && !d->bad; i++, r->nst++) {
            r->st_name[i] = park_snap_get_str(d), r->st_key[i] = park_snap_get_str(d), r->st_ali[i] = park_snap_get_str(d);
            r->st_lines[i] = park_snap_get_str(d);
            r->st_lon[i] = park_snap_get_f64(d), r->st_lat[i] = park_snap_get_f64(d);
        }
    }
    if (park_snap_get_u32(d) && !d->bad) {
        r->admin = park_snap_get_layer(ctx, wr, d);
        size_t na = r->admin ? park_layer_count(r->admin) : 0;
        if (r->admin) {
            r->admin_m = calloc(na ? na : 1, sizeof *r->admin_m);
            r->admin_grown = calloc(na ? na : 1, sizeof *r->admin_grown);
        }
        if (!r->admin || !r->admin_m || !r->admin_grown) d->bad = true;
        for (size_t i = 0; i < na && !d->bad; i++)
            if (!is_type(ctx, r->admin_m[i] = park_snap_get_geom(ctx, wr, d), GEOS_POLYGON, GEOS_MULTIPOLYGON)) d->bad = true;
    }
    size_t n = park_layer_count(r->layer);
    if (park_snap_get_u64(d) != n) d->bad = true;
    if (!d->bad) {
        r->obuf = calloc(n ? n : 1, sizeof *r->obuf);
        r->obuf_prep = calloc(n ? n : 1, sizeof *r->obuf_prep);
        if (!r->obuf || !r->obuf_prep) d->bad = true;
    }
    /* the buffers and their unions are decoded on first use (park_ar_obuf_prep, ...) */
    if (!d->bad && !(r->obuf_wkb = calloc(n ? n : 1, sizeof *r->obuf_wkb))) d->bad = true;
    for (size_t i = 0; i < n && !d->bad; i++) park_snap_get_wkb(d, &r->obuf_wkb[i], 3, false);
    park_snap_get_wkb(d, &r->obuf_all_wkb, 3, false);
    park_snap_get_wkb(d, &r->bb_all_wkb, 3, false);
    /* every point answer asks for this one */
    if (!d->bad) r->parcels_all = park_snap_get_geom(ctx, wr, d);
    if (!d->bad && !is_type(ctx, r->parcels_all, GEOS_POLYGON, GEOS_MULTIPOLYGON)) d->bad = true;
    if (park_snap_get_u32(d) && !d->bad) {
        uint64_t hn = park_snap_get_u64(d);
        /* a house: a key index, a number, three doubles, its place in the order */
        park_ar_houses *h = count_ok(d, hn, 44) ? calloc(1, sizeof *h) : NULL;
        if (h) {
            r->houses = h;
            h->key = calloc(hn + 1, sizeof *h->key), h->num = calloc(hn + 1, sizeof *h->num);
            h->x = calloc(hn + 1, sizeof *h->x), h->y = calloc(hn + 1, sizeof *h->y), h->err = calloc(hn + 1, sizeof *h->err);
            h->order = calloc(hn + 1, sizeof *h->order);
        }
        unsigned char *seen = h ? calloc(hn + 1, 1) : NULL;
        if (!h || !h->key || !h->num || !h->x || !h->y || !h->err || !h->order || !seen) d->bad = true;
        /* the keys in one block: offsets into it first, pointers once it stops growing */
        park_buf arena;
        park_buf_init(&arena);
        size_t *off = h ? calloc(hn + 1, sizeof *off) : NULL;
        if (!off) d->bad = true;
        else get_str_column(d, &arena, hn, off, 1);
        for (uint64_t i = 0; i < hn && !d->bad; i++, h->n++) {
            h->num[i] = (long)(int64_t)park_snap_get_u64(d);
            h->x[i] = park_snap_get_f64(d), h->y[i] = park_snap_get_f64(d), h->err[i] = park_snap_get_f64(d);
            uint64_t o = park_snap_get_u64(d);
            /* order is a permutation of 0..n-1 */
            if (o >= hn || seen[o]) d->bad = true;
            else seen[o] = 1, h->order[i] = (size_t)o;
        }
        free(seen);
        if (h) {
            h->strs = arena.s ? arena.s : park_strdup("");
            if (!h->strs) d->bad = true;
            for (size_t i = 0; i < h->n; i++) h->key[i] = d->bad ? NULL : h->strs + off[i];
            h->spacing = park_snap_get_f64(d);
        } else
            free(arena.s);
        free(off);
    }
    if (park_snap_get_u32(d) && !d->bad) {
        uint64_t pn = park_snap_get_u64(d);
        park_ar_places *p = count_ok(d, pn, 40) ? calloc(1, sizeof *p) : NULL;
        if (p) {
            r->places = p;
            p->name = calloc(pn + 1, sizeof(char *)), p->kind = calloc(pn + 1, sizeof(char *));
            p->method = calloc(pn + 1, sizeof(char *)), p->len = calloc(pn + 1, sizeof(size_t));
            p->x = calloc(pn + 1, sizeof(double)), p->y = calloc(pn + 1, sizeof(double)), p->sigma = calloc(pn + 1, sizeof(double));
        }
        if (!p || !p->name || !p->kind || !p->method || !p->len || !p->x || !p->y || !p->sigma) d->bad = true;
        /* the strings in one block, as the houses' keys */
        park_buf arena;
        park_buf_init(&arena);
        size_t *off = p ? calloc(3 * pn + 1, sizeof *off) : NULL;
        if (!off) d->bad = true;
        else get_str_column(d, &arena, pn, off + 1, 3), get_str_column(d, &arena, pn, off + 2, 3);
        for (uint64_t i = 0; i < pn && !d->bad; i++, p->n++) {
            park_snap_get_str_at(d, &arena, &off[3 * i]);
            p->x[i] = park_snap_get_f64(d), p->y[i] = park_snap_get_f64(d), p->sigma[i] = park_snap_get_f64(d);
        }
        if (p) {
            p->strs = arena.s ? arena.s : park_strdup("");
            if (!p->strs) d->bad = true;
            for (size_t i = 0; i < p->n && !d->bad; i++) {
                p->name[i] = p->strs + off[3 * i], p->kind[i] = p->strs + off[3 * i + 1], p->method[i] = p->strs + off[3 * i + 2];
                p->len[i] = strlen(p->name[i]);
            }
        } else
            free(arena.s);
        free(off);
        uint32_t has_g = park_snap_get_u32(d);
        if (has_g > 1 || (has_g && !count_ok(d, pn, 24))) d->bad = true;
        if (has_g && !d->bad) {
            p->gx = malloc((pn + 1) * sizeof *p->gx), p->gy = malloc((pn + 1) * sizeof *p->gy);
            p->gsigma = malloc((pn + 1) * sizeof *p->gsigma);
            if (!p->gx || !p->gy || !p->gsigma) d->bad = true;
            for (uint64_t i = 0; i < pn && !d->bad; i++)
                p->gx[i] = park_snap_get_f64(d), p->gy[i] = park_snap_get_f64(d), p->gsigma[i] = park_snap_get_f64(d);
        }
        if (!d->bad) park_ar_places_index(p, false);
    }
    if (d->p != d->end) d->bad = true; /* nothing may follow */
}

park_resolver *park_ar_snapshot_parse(park_ctx *ctx, const park_layer *layer, park_layer_index *ix, unsigned char *data,
                                      size_t len, const char *key) {
    park_snap_rd d;
    if (!park_snap_open(&d, data, len, SNAP_KIND_RESOLVER, key)) return free(data), NULL;
    park_resolver *r = calloc(1, sizeof *r);
    GEOSWKBReader *wr = GEOSWKBReader_create_r(ctx->geos);
    if (!r || !wr) {
        free(r), free(data);
        if (wr) GEOSWKBReader_destroy_r(ctx->geos, wr);
        return NULL;
    }
    r->ctx = ctx, r->layer = layer, r->ix = ix;
    r->snap = data; /* the lazy geometries point into it; freed with r */
    park_buf_init(&r->notes);
    get_body(r, wr, &d);
    GEOSWKBReader_destroy_r(ctx->geos, wr);
    if (d.bad) {
        park_resolver_free(r);
        park_ctx_clear_error(ctx);
        return NULL;
    }
    return r;
}

park_resolver *park_ar_snapshot_load(park_ctx *ctx, const park_layer *layer, park_layer_index *ix, const char *gazetteer_dirs) {
    park_resolver probe = {0};
    probe.ctx = ctx, probe.layer = layer;
    char *path = resolver_snap_path(&probe, gazetteer_dirs, false);
    if (!path) return NULL;
    struct stat sb;
    size_t len = 0;
    unsigned char *data = park_snap_slurp(path, SNAP_MAX_FILE, &len, &sb);
    free(path);
    if (!data) return NULL;
    /* the key as it is now, with the stored one's hashes of files unchanged since */
    char *hint = park_snap_stored_key(data, len);
    park_buf key;
    park_buf_init(&key);
    park_resolver *r = NULL;
    if (resolver_key(&probe, gazetteer_dirs, &key, hint)) r = park_ar_snapshot_parse(ctx, layer, ix, data, len, key.s);
    else free(data);
    free(hint);
    park_buf_free(&key);
    return r;
}

/* ------------------------------------------------------------------ decoded on first use */

static GEOSGeometry *lazy(park_resolver *r, GEOSGeometry **slot, const park_snap_wkb *w) {
    if (!*slot && r->snap && w) *slot = park_snap_wkb_decode(r->ctx, w);
    else if (!*slot) park_error(r->ctx, PARK_ERR_INTERNAL, "address resolver: a geometry is missing");
    return *slot;
}

const GEOSGeometry *park_ar_feat_geom(park_resolver *r, size_t i) {
    /* the gazetteer holding the feature owns what is decoded (park_gazetteer_free) */
    park_feature *f = (park_feature *)r->feat[i];
    return lazy(r, &f->geom, r->feat_wkb ? &r->feat_wkb[i] : NULL);
}

const GEOSPreparedGeometry *park_ar_obuf_prep(park_resolver *r, size_t i) {
    if (!r->obuf_prep[i] && lazy(r, &r->obuf[i], r->obuf_wkb ? &r->obuf_wkb[i] : NULL) &&
        !(r->obuf_prep[i] = GEOSPrepare_r(r->ctx->geos, r->obuf[i])))
        park_geos_fail(r->ctx, "preparing a parcel's buffer");
    return r->obuf_prep[i];
}

const GEOSGeometry *park_ar_obuf_all(park_resolver *r) { return lazy(r, &r->obuf_all, &r->obuf_all_wkb); }
const GEOSGeometry *park_ar_bb_all(park_resolver *r) { return lazy(r, &r->bb_all, &r->bb_all_wkb); }
