/* index_snap.c - what the parcel index (locate.c) needs PROJ and GEOS's
 * validity test for, from a checked snapshot (issue 11).
 *
 * Building the index of the bundled parcels costs a warm `locate LON LAT` 5 M
 * of its 39 M instructions, four fifths of them in three places: sampling
 * every projected edge three times with proj_trans for the slack of the
 * facet shortcut, projecting the parcels, and GEOSisValid. Those results -
 * per parcel whether it was valid (and its repair when not) and its geometry
 * in the metric plane, and the slack - are written after a build to
 *     $XDG_CACHE_HOME/parkgis/index-<hash of the layer path and mapping>.snap
 * and read back by the next build of an index over the same parcels: the rest
 * (boundaries, prepared geometries, trees, facets) is made from them as
 * before, so the index is the same doubles (tests/unit/test_index_snap.c
 * compares both builds, and the answers for 200,000 points).
 *
 * Keyed like every snapshot (store/layer_cache.c): format, versions, field
 * mapping, then the metric plane's definition and a hash of the layer's
 * whole content (every string, number and WKB). Checked on read: magic,
 * checksum, key, one entry per parcel, each metric geometry of the type and
 * coordinate count of its lon/lat geometry; anything else is a miss and the
 * index is built from scratch (and the snapshot rewritten atomically).
 *
 * Issue 10: the errors of the parcels' boundary pieces (edge_error.c: each
 * parcel's bound from its provenance, each piece's error_m and metric geometry,
 * cut on the gazetteer's features) follow, so a warm probability near an edge
 * needs neither the gazetteer nor GDAL. For a layer whose provenance lists
 * pieces the key adds the gazetteer directory's identity (every file's path,
 * real path, inode, size, times and content hash, as the address resolver's
 * snapshot does); read back, each count is checked against the bytes left,
 * each error is finite and within its parcel's bound and each piece is lines
 * or points. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "query.h"

#define SNAP_MAX_FILE (64u << 20)

/* The snapshot's file name (new string), NULL when the index is not cached. */
static char *index_snap_path(park_ctx *ctx, const park_layer *layer, bool create_dir) {
    if (!park_cache_enabled()) return NULL;
    char *dir = park_snap_dir(create_dir);
    if (!dir) return NULL;
    const char *lp = park_layer_path(layer);
    uint64_t name = park_fnv1a(PARK_FNV_INIT, lp, strlen(lp) + 1);
    for (size_t k = 0; k < sizeof ctx->field_src / sizeof ctx->field_src[0]; k++)
        name = park_fnv1a(name, ctx->field_src[k], strlen(ctx->field_src[k]) + 1);
    char *path = park_asprintf("%s/index-%016llx.snap", dir, (unsigned long long)name);
    free(dir);
    return path;
}

/* The key of the index's inputs as they are now (false: not cached, key freed).
 * `hint`: the key stored in the snapshot there, or NULL (store.h). */
static bool index_key(park_ctx *ctx, const park_layer *layer, const char *metric_crs, park_buf *key, const char *hint) {
    park_snap_key_begin(ctx, key, "index");
    park_buf_printf(key, "metric %s\n", metric_crs);
    size_t ll = 0;
    uint64_t lh = 0;
    bool ok = park_snap_layer_id(ctx, layer, &ll, &lh);
    if (ok) park_buf_printf(key, "layer %zu parcels %zu bytes hash %016llx\n", park_layer_count(layer), ll, (unsigned long long)lh);
    /* the boundary pieces' errors (edge_error.c) are cut on the gazetteer's features */
    if (ok && park_edge_errors_wanted(layer)) {
        char *gd = park_edge_errors_gazetteer_dir();
        size_t nfiles = 0;
        park_snap_hint h = {hint, NULL};
        if (gd) park_buf_printf(key, "edges on gazetteer %s\n", gd);
        ok = gd && park_snap_dir_id(key, gd, &nfiles, &h);
        free(gd);
    } else if (ok)
        park_buf_printf(key, "edges none\n");
    if (!ok || !key->s) park_buf_free(key);
    return ok && key->s;
}

void park_index_snap_store(park_ctx *ctx, const park_layer *layer, park_layer_index *ix) {
    park_buf key;
    char *path = index_snap_path(ctx, layer, true);
    if (!path || !index_key(ctx, layer, ix->metric_crs, &key, NULL)) {
        free(path);
        return;
    }
    /* what a warm process would otherwise read the gazetteer for */
    bool ok = park_edge_errors_ensure(ctx, ix, layer) == PARK_OK;
    if (!ok) park_ctx_clear_error(ctx);
    GEOSWKBWriter *w = park_snap_wkb_writer(ctx);
    park_buf b;
    park_snap_begin(&b, SNAP_KIND_INDEX, key.s);
    ok = ok && w != NULL;
    park_snap_put_u64(&b, ix->n);
    for (size_t i = 0; i < ix->n && ok; i++) {
        park_snap_put_u32(&b, ix->owned[i]);
        if (ix->owned[i]) ok = park_snap_put_geom(ctx, w, &b, ix->fixed[i]);
        ok = ok && park_snap_put_geom(ctx, w, &b, ix->metric[i]);
    }
    park_snap_put_u32(&b, ix->chunk0 != NULL);
    park_snap_put_f64(&b, ix->slack_m);
    ok = ok && park_edge_errors_put(ctx, w, &b, ix->edge_err);
    if (w) GEOSWKBWriter_destroy_r(ctx->geos, w);
    park_snap_commit(ctx, &b, path, ok);
    park_buf_free(&key), free(path);
}

void park_index_snap_free(park_ctx *ctx, park_index_snap *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        if (s->fixed && s->fixed[i]) GEOSGeom_destroy_r(ctx->geos, s->fixed[i]);
        if (s->metric && s->metric[i]) GEOSGeom_destroy_r(ctx->geos, s->metric[i]);
    }
    park_edge_errors_free(s->edge_err);
    free(s->fixed), free(s->metric), free(s);
}

/* The metric geometry m can be the projection of lon/lat g. */
static bool same_shape(park_ctx *ctx, const GEOSGeometry *g, const GEOSGeometry *m) {
    return g && m && GEOSGeomTypeId_r(ctx->geos, g) == GEOSGeomTypeId_r(ctx->geos, m) &&
           GEOSGetNumCoordinates_r(ctx->geos, g) == GEOSGetNumCoordinates_r(ctx->geos, m) &&
           GEOSGetNumGeometries_r(ctx->geos, g) == GEOSGetNumGeometries_r(ctx->geos, m);
}

park_index_snap *park_index_snap_parse(park_ctx *ctx, const park_layer *layer, const unsigned char *data, size_t len,
                                       const char *key) {
    park_snap_rd d;
    if (!park_snap_open(&d, data, len, SNAP_KIND_INDEX, key)) return NULL;
    size_t n = park_layer_count(layer);
    park_index_snap *s = calloc(1, sizeof *s);
    GEOSWKBReader *wr = GEOSWKBReader_create_r(ctx->geos);
    if (s) s->fixed = calloc(n ? n : 1, sizeof *s->fixed), s->metric = calloc(n ? n : 1, sizeof *s->metric);
    if (!s || !wr || !s->fixed || !s->metric || park_snap_get_u64(&d) != n) d.bad = true;
    if (s) s->n = n;
    for (size_t i = 0; i < n && !d.bad; i++) {
        uint32_t repaired = park_snap_get_u32(&d);
        if (repaired > 1) d.bad = true;
        if (repaired && !d.bad && !(s->fixed[i] = park_snap_get_geom(ctx, wr, &d))) d.bad = true;
        if (!d.bad) s->metric[i] = park_snap_get_geom(ctx, wr, &d);
        const GEOSGeometry *ll = repaired ? s->fixed[i] : park_layer_get(layer, i)->geom;
        if (!d.bad && !same_shape(ctx, ll, s->metric[i])) d.bad = true;
    }
    uint32_t facets = park_snap_get_u32(&d);
    if (s) s->facets = facets == 1, s->slack_m = park_snap_get_f64(&d);
    if (facets > 1 || (s && !(s->slack_m >= 0))) d.bad = true;
    if (s && !d.bad && !park_edge_errors_get(ctx, wr, &d, layer, &s->edge_err)) d.bad = true;
    if (d.p != d.end) d.bad = true;
    if (wr) GEOSWKBReader_destroy_r(ctx->geos, wr);
    if (d.bad) {
        park_index_snap_free(ctx, s);
        park_ctx_clear_error(ctx);
        return NULL;
    }
    return s;
}

park_index_snap *park_index_snap_load(park_ctx *ctx, const park_layer *layer, const char *metric_crs) {
    char *path = index_snap_path(ctx, layer, false);
    if (!path) return NULL;
    struct stat sb;
    size_t len = 0;
    unsigned char *data = park_snap_slurp(path, SNAP_MAX_FILE, &len, &sb);
    free(path);
    if (!data) return NULL;
    /* the key as it is now, with the stored one's hashes of files unchanged since */
    char *hint = park_snap_stored_key(data, len);
    park_buf key;
    park_index_snap *s = index_key(ctx, layer, metric_crs, &key, hint) ? park_index_snap_parse(ctx, layer, data, len, key.s) : NULL;
    free(data), free(hint);
    park_buf_free(&key);
    return s;
}
