/* fuzz_snapshot.c - the snapshot readers (src/store/layer_cache.c: a parcel
 * layer; src/query/address/snapshot.c: the address resolver; src/query/index_snap.c:
 * the parcel index). The first byte picks the reader (% 4: 0 layer, 1 resolver,
 * 2 index of the synthetic map, 3 index of the bundled parcels, whose
 * provenance lists boundary pieces: the body's edge errors, issue 10), the rest
 * is a snapshot body,
 * wrapped here in a valid header, key and checksum so the fuzzer reaches the
 * body's counts, lengths, strings, numbers and WKB. Raw bytes are tried too
 * (the header and checksum checks). Whatever a reader accepts must be whole:
 * a layer whose every parcel has strings and a geometry; a resolver whose
 * every table has its strings, buffers and unions (the geometries it keeps as
 * WKB, decoded on first use, are all decoded here and must come out of the
 * type the reader checked); an index whose every
 * parcel has a metric geometry. (Answering addresses is fuzz_address's job,
 * over a sound map: a mutated geometry sent through GEOS's overlay finds GEOS
 * 3.11's leak on exceptions in its SnappingNoder, not ours.) Never a crash,
 * leak or read out of bounds. The resolver and index bodies are read against
 * the synthetic test map (tests/data/address/parcels.geojson). */
#include <gdal.h> /* before fuzz_common.h: internal.h routes GDALAllRegister (util/lazylib.c) */
#include <math.h>
#include <ogr_api.h>

#include "fuzz_common.h"
#include "../../src/query/address/internal.h"

static park_ctx *rctx;
static park_layer *rlayer;
static park_layer_index *rix;
static park_layer *blayer; /* the bundled parcels (boundary pieces in their provenance) */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    rctx = park_ctx_new();
    if (!rctx || park_layer_read(rctx, PARKGIS_SOURCE_DIR "/tests/data/address/parcels.geojson", NULL, NULL, &rlayer) != PARK_OK ||
        park_query_index(rctx, rlayer, &rix) != PARK_OK) {
        fprintf(stderr, "fuzz_snapshot: setup: %s\n", rctx ? park_ctx_errmsg(rctx) : "no context");
        abort();
    }
    if (park_layer_read(rctx, PARKGIS_SOURCE_DIR "/geodata/parcels.geojson", NULL, NULL, &blayer) != PARK_OK) {
        fprintf(stderr, "fuzz_snapshot: setup: %s\n", park_ctx_errmsg(rctx));
        abort();
    }
    return 0;
}

static void check_layer(park_layer *l) {
    if (!l) return;
    for (size_t i = 0; i < park_layer_count(l); i++) {
        const park_parcel *p = park_layer_get(l, i);
        if (!p || !p->id || !p->name || !p->layout || !p->provenance || !p->four_to || !p->geom) abort();
    }
    if (!park_layer_path(l) || !park_layer_notes(l)) abort();
}

/* Every geometry a lookup may ask for is decoded here (the reader only checks
 * their WKB, park_snap_get_wkb): what it accepted GEOS must read, of the type. */
static void check_resolver(park_resolver *r) {
    if (!r) return;
    GEOSContextHandle_t g = rctx->geos;
    for (size_t i = 0; i < r->nfeat; i++) {
        if (!r->feat[i] || !r->fkey[i] || !r->fali[i]) abort();
        const GEOSGeometry *f = park_ar_feat_geom(r, i);
        int t = f ? GEOSGeomTypeId_r(g, f) : -1;
        if (t != GEOS_LINESTRING && t != GEOS_MULTILINESTRING) abort();
    }
    for (size_t i = 0; i < r->nst; i++)
        if (!r->st_name[i] || !r->st_key[i] || !r->st_ali[i] || !r->st_lines[i]) abort();
    for (size_t i = 0; i < park_layer_count(r->layer); i++)
        if (!park_ar_obuf_prep(r, i)) abort();
    const GEOSGeometry *oa = park_ar_obuf_all(r), *bb = park_ar_bb_all(r);
    if (!oa || !bb || !r->parcels_all || !r->perr) abort();
    for (size_t i = 0; i < park_layer_count(r->layer); i++) {
        int t = GEOSGeomTypeId_r(g, r->obuf[i]);
        if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON) abort();
    }
    int ta = GEOSGeomTypeId_r(g, oa), tb = GEOSGeomTypeId_r(g, bb);
    if ((ta != GEOS_POLYGON && ta != GEOS_MULTIPOLYGON) || (tb != GEOS_POLYGON && tb != GEOS_MULTIPOLYGON)) abort();
    for (size_t i = 0; r->houses && i < r->houses->n; i++)
        if (!r->houses->key[i] || r->houses->order[i] >= r->houses->n) abort();
    for (size_t i = 0; r->places && i < r->places->n; i++)
        if (!r->places->name[i] || !r->places->kind[i] || !r->places->method[i]) abort();
}

/* Fills perr as park_resolver_new does after a snapshot load. */
static park_resolver *resolver_parse(const unsigned char *b, size_t n) {
    unsigned char *own = malloc(n ? n : 1); /* the parser takes its bytes */
    if (!own) abort();
    if (n) memcpy(own, b, n);
    park_resolver *r = park_ar_snapshot_parse(rctx, rlayer, rix, own, n, "fuzz");
    if (r) {
        size_t np = park_layer_count(rlayer);
        r->perr = calloc(np ? np : 1, sizeof *r->perr);
        if (!r->perr) abort();
        for (size_t i = 0; i < np; i++) r->perr[i] = NAN;
    }
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    int mode = data[0] % 4, resolver = mode == 1, index = mode >= 2;
    park_layer *il = mode == 3 ? blayer : rlayer;
    data++, size--;
    park_ctx *ctx = park_ctx_new();
    if (!ctx) abort();
    /* as it is */
    if (index)
        park_index_snap_free(rctx, park_index_snap_parse(rctx, il, data, size, "fuzz"));
    else if (resolver) {
        park_resolver *r = resolver_parse(data, size);
        check_resolver(r);
        park_resolver_free(r);
    } else
        park_layer_free(park_layer_snapshot_parse(ctx, data, size, "fuzz"));
    /* sealed: header + key "fuzz" + body + checksum */
    size_t n = 8 + 4 + 4 + 8 + 4 + size + 8;
    unsigned char *b = malloc(n);
    if (!b) abort();
    uint32_t fmt = SNAP_FORMAT, kind = index ? SNAP_KIND_INDEX : resolver ? SNAP_KIND_RESOLVER : SNAP_KIND_LAYER;
    uint64_t kl = 4;
    memcpy(b, SNAP_MAGIC, 8), memcpy(b + 8, &fmt, 4), memcpy(b + 12, &kind, 4), memcpy(b + 16, &kl, 8), memcpy(b + 24, "fuzz", 4);
    if (size) memcpy(b + 28, data, size);
    uint64_t sum = park_snap_hash(b, n - 8);
    memcpy(b + n - 8, &sum, 8);
    if (index) {
        park_index_snap *x = park_index_snap_parse(rctx, il, b, n, "fuzz");
        for (size_t i = 0; x && i < x->n; i++)
            if (!x->metric[i]) abort();
        /* the pieces: there exactly when the layer lists them, built, each of a parcel with a bound */
        if (x && !x->edge_err != !park_edge_errors_wanted(il)) abort();
        if (x && x->edge_err && !park_edge_errors_built(x->edge_err)) abort();
        park_index_snap_free(rctx, x);
    } else if (resolver) {
        park_resolver *r = resolver_parse(b, n);
        check_resolver(r);
        park_resolver_free(r);
    } else {
        park_layer *l = park_layer_snapshot_parse(ctx, b, n, "fuzz");
        check_layer(l);
        park_layer_free(l);
    }
    free(b);
    park_ctx_free(ctx);
    return 0;
}
