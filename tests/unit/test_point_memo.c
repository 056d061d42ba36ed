/* test_point_memo.c - the point-answer memo (src/query/address/point_memo.c): an
 * answer it gives is the one computed afresh, field for field and byte for byte of
 * the note, and it is keyed on the exact point and error: points 0.5 m and a few
 * nanometres apart and the same point with another error are answered afresh (a memo
 * keyed on rounded coordinates, or without the error, fails here). */
#include <stdlib.h>
#include <string.h>

#include "query/address/internal.h"
#include "internal.h"
#include "parkgis.h"
#include "test.h"

static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0; }

/* One answer of each resolver at (x, y, s): memo (twice, the second from the memo when
 * the first was stored) and fresh must agree exactly. Returns the fresh distance. */
static double check_point(park_resolver *memo, park_resolver *fresh, double x, double y, double s, int *differs) {
    park_resolution a[2], b;
    park_buf wa[2], wb;
    for (int k = 0; k < 2; k++) {
        park_ar_res_init(&a[k]);
        park_buf_init(&wa[k]);
        CHECK(park_ar_point_answer(memo, x, y, NULL, s, &a[k], &wa[k]) == PARK_OK);
    }
    park_ar_res_init(&b);
    park_buf_init(&wb);
    CHECK(park_ar_point_answer(fresh, x, y, NULL, s, &b, &wb) == PARK_OK);
    for (int k = 0; k < 2; k++) {
        int ok = wa[k].s && wb.s && !strcmp(wa[k].s, wb.s) && a[k].has_point == b.has_point && same_bits(a[k].lon, b.lon) &&
                 same_bits(a[k].lat, b.lat) && a[k].inside == b.inside && a[k].parcel == b.parcel && a[k].nearest == b.nearest &&
                 same_bits(a[k].distance_m, b.distance_m) && same_bits(a[k].error_m, b.error_m) &&
                 same_bits(a[k].confidence, b.confidence) && a[k].ncandidates == b.ncandidates;
        for (size_t i = 0; ok && i < b.ncandidates; i++)
            ok = a[k].candidates[i].parcel == b.candidates[i].parcel && !strcmp(a[k].candidates[i].role, b.candidates[i].role) &&
                 same_bits(a[k].candidates[i].share, b.candidates[i].share);
        CHECK(ok);
        if (!ok) {
            fprintf(stderr, "  at (%.17g, %.17g, %g), call %d:\n  memo:  %s\n  fresh: %s\n", x, y, s, k + 1,
                    wa[k].s ? wa[k].s : "(null)", wb.s ? wb.s : "(null)");
            ++*differs;
        }
        park_resolution_clear(&a[k]), park_buf_free(&wa[k]);
    }
    double d = b.distance_m;
    park_resolution_clear(&b), park_buf_free(&wb);
    return d;
}

int main(void) {
    park_ctx *ctx = park_ctx_new();
    park_layer *layer = NULL;
    park_resolver *memo = NULL, *fresh = NULL;
    struct park_layer_index *ix = NULL;
    park_status st = park_layer_read(ctx, park_default_parcels_path(), NULL, NULL, &layer);
    if (!st) st = park_resolver_new(ctx, layer, NULL, &memo);
    if (!st) st = park_resolver_new(ctx, layer, NULL, &fresh);
    if (!st) st = park_query_index(ctx, layer, &ix);
    CHECK(st == PARK_OK);
    if (st) {
        fprintf(stderr, "cannot load the bundled data: %s\n", park_ctx_errmsg(ctx));
        return test_summary();
    }
    fresh->pmemo_off = 1;
    size_t calls = 0, distinct_d = 0;
    int differs = 0;
    static const double sigmas[] = {0, 5, 40, 300};
    /* at every 7th vertex of the rings and 1 m off it (edges: boundary candidates), at
     * envelope centres (inside), and 2 km off the park (outside); each point, then points
     * 0.5 m and 4 nm (a few ulps) away, and the same point with each other error */
    GEOSContextHandle_t g = ctx->geos;
    for (size_t pi = 0; pi < ix->n && calls < 20000; pi++) {
        const GEOSGeometry *pg = ix->metric[pi];
        if (GEOSGeomTypeId_r(g, pg) == GEOS_MULTIPOLYGON) pg = GEOSGetGeometryN_r(g, pg, 0);
        const GEOSCoordSequence *cs = pg ? GEOSGeom_getCoordSeq_r(g, GEOSGetExteriorRing_r(g, pg)) : NULL;
        unsigned nv = 0;
        if (!cs || !GEOSCoordSeq_getSize_r(g, cs, &nv) || nv < 2) continue;
        for (unsigned j = 0; j < nv - 1; j += (nv - 1) / 8 + 1) {
        double vx, vy;
        GEOSCoordSeq_getXY_r(g, cs, j, &vx, &vy);
        double pts[4][2] = {{vx, vy}, {vx + 1, vy - 1}, {0, 0}, {vx + 2000, vy}};
        pts[2][0] = (ix->env_m[4 * pi] + ix->env_m[4 * pi + 2]) / 2, pts[2][1] = (ix->env_m[4 * pi + 1] + ix->env_m[4 * pi + 3]) / 2;
        for (int q = 0; q < 4; q++)
            for (int si = 0; si < 4; si++) {
                double x = pts[q][0], y = pts[q][1], s = sigmas[si];
                double d0 = check_point(memo, fresh, x, y, s, &differs);
                double d1 = check_point(memo, fresh, x + 0.5, y, s, &differs);
                double d2 = check_point(memo, fresh, x, y + 0.5, s, &differs);
                double d3 = check_point(memo, fresh, x + 4e-9, y, s, &differs);
                check_point(memo, fresh, x, y, sigmas[(si + 1) % 4], &differs);
                distinct_d += !same_bits(d0, d1) + !same_bits(d0, d2) + !same_bits(d0, d3);
                calls += 5;
            }
        }
    }
    /* each point was asked twice of the memo resolver: the second at least from the memo
     * (the first too when an earlier point had the same bits) */
    printf("%zu points, %zu memo answers, %zu neighbours with another distance, %d differing\n", calls, memo->pmemo_hits,
           distinct_d, differs);
    CHECK(memo->pmemo_hits >= calls && memo->pmemo_hits < 2 * calls);
    CHECK(fresh->pmemo_hits == 0);
    CHECK(distinct_d > calls / 2); /* the neighbours are told apart by their answers */
    CHECK(park_ar_pmemo_count(memo->pmemo) <= PMEMO_MAX && park_ar_pmemo_count(fresh->pmemo) == 0);

    /* a full memo answers what it holds and computes the rest: 50 points in a memo of 20 */
    park_resolver *capped = NULL;
    CHECK(park_resolver_new(ctx, layer, NULL, &capped) == PARK_OK);
    if (capped) {
        capped->pmemo_max = 20;
        for (int i = 0; i < 50; i++) check_point(capped, fresh, ix->env_m[0] + 37.5 * i, ix->env_m[1] + 11.25 * i, 10, &differs);
        CHECK(park_ar_pmemo_count(capped->pmemo) == 20);
        CHECK(capped->pmemo_hits == 20); /* the second call of the 20 held, none of the 30 others */
        park_resolver_free(capped);
    }
    CHECK(differs == 0);
    park_resolver_free(memo), park_resolver_free(fresh);
    park_layer_free(layer);
    park_ctx_free(ctx);
    return test_summary();
}
