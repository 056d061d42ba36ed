/* arterials.c - the unnamed OSM arterials (osm-shanghai-arterials.zip) as an
 * indexed set of metric segments, and snapping a line onto their centre line.
 * Moved here from tools/build_gazetteer.c so the road-course fit (roadfit.c)
 * and the gazetteer builder share one implementation. */
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <cpl_error.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "parkgis_sources.h"
#include "sources/sources.h"

#define STEP_M 20.0        /* sample spacing along a line */
#define MAX_ANGLE_DEG 35.0 /* direction agreement between line and OSM segment */
#define CARRIAGEWAY_M 45.0 /* hits this close to the nearest one are the same road */

typedef struct {
    double ax, ay, bx, by;
    long link;
    int cls;
} seg_t;

struct park_road_network {
    GEOSContextHandle_t h;
    seg_t *segs;
    size_t nsegs;
    GEOSSTRtree *tree;
};

const char *park_road_network_crs(void) { return PARK_LOCAL_CRS; }

park_status park_road_network_load(park_ctx *ctx, const char *data_dir, park_road_network **out) {
    *out = NULL;
    GDALAllRegister();
    char *path = park_asprintf("/vsizip/%s/osm-shanghai-arterials.zip/test_shanghai_allroads/test_shanghai_allroads.shp", data_dir);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) {
        park_status st = park_error(ctx, PARK_ERR_INPUT, "%s: cannot open the OSM arterials (expected the zipped shapefile from ../shared/data)", path);
        free(path);
        return st;
    }
    park_road_network *w = calloc(1, sizeof *w);
    w->h = park_ctx_geos(ctx);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    /* Baoshan and a margin: nothing outside is ever named by the 四至 texts. */
    OGR_L_SetSpatialFilterRect(l, 121.20, 31.22, 121.62, 31.56);
    int fi_id = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "link_id");
    int fi_hw = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "highway");
    size_t cap = 0;
    OGRFeatureH f;
    park_status st = PARK_OK;
    if (fi_id < 0 || fi_hw < 0) st = park_error(ctx, PARK_ERR_INPUT, "%s: no 'link_id' / 'highway' field (expected the OSM arterials extract)", path);
    while (st == PARK_OK && (f = OGR_L_GetNextFeature(l))) {
        const char *hw = OGR_F_GetFieldAsString(f, fi_hw);
        int cls = 0;
        if (!strcmp(hw, "motorway")) cls = PARK_ROAD_MOTORWAY;
        else if (!strcmp(hw, "trunk") || !strcmp(hw, "primary") || !strcmp(hw, "secondary")) cls = PARK_ROAD_ARTERIAL;
        /* *_link ramps are never the named road itself */
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (cls && g && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbLineString) {
            long link = OGR_F_GetFieldAsInteger(f, fi_id);
            int np = OGR_G_GetPointCount(g);
            double px = 0, py = 0;
            for (int i = 0; i < np && st == PARK_OK; i++) {
                double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
                st = park_transform_xy(ctx, "EPSG:4326", PARK_LOCAL_CRS, &x, &y);
                if (i > 0 && (x != px || y != py)) {
                    if (w->nsegs == cap) cap = cap ? cap * 2 : 4096, w->segs = realloc(w->segs, cap * sizeof *w->segs);
                    w->segs[w->nsegs++] = (seg_t){px, py, x, y, link, cls};
                }
                px = x, py = y;
            }
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (st == PARK_OK && w->nsegs == 0) st = park_error(ctx, PARK_ERR_INPUT, "%s: no arterial segments around Baoshan", path);
    free(path);
    if (st) {
        park_road_network_free(w);
        return st;
    }
    w->tree = GEOSSTRtree_create_r(w->h, 10);
    for (size_t i = 0; i < w->nsegs; i++) {
        seg_t *s = &w->segs[i];
        GEOSGeometry *env = GEOSGeom_createRectangle_r(w->h, fmin(s->ax, s->bx), fmin(s->ay, s->by), fmax(s->ax, s->bx), fmax(s->ay, s->by));
        GEOSSTRtree_insert_r(w->h, w->tree, env, s);
        GEOSGeom_destroy_r(w->h, env);
    }
    *out = w;
    return PARK_OK;
}

void park_road_network_free(park_road_network *w) {
    if (!w) return;
    if (w->tree) GEOSSTRtree_destroy_r(w->h, w->tree);
    free(w->segs);
    free(w);
}

typedef struct {
    double px, py, tx, ty, nx, ny, corridor;
    int cls_mask;
    double hits[64];
    long links[64];
    int nh;
} probe_t;

static void probe_cb(void *item, void *ud) {
    seg_t *s = item;
    probe_t *p = ud;
    if (!(s->cls & p->cls_mask) || p->nh >= 64) return;
    double dx = s->bx - s->ax, dy = s->by - s->ay, len = hypot(dx, dy);
    if (len <= 0) return;
    if (fabs((dx * p->tx + dy * p->ty) / len) < cos(MAX_ANGLE_DEG * M_PI / 180)) return;
    /* p + s*n = a + u*(b-a): two equations, unknowns s, u */
    double det = p->nx * (-dy) - p->ny * (-dx);
    if (fabs(det) < 1e-12) return;
    double rx = s->ax - p->px, ry = s->ay - p->py;
    double sv = (rx * (-dy) - ry * (-dx)) / det;
    double u = (p->nx * ry - p->ny * rx) / det;
    if (u < 0 || u > 1 || fabs(sv) > p->corridor) return;
    p->hits[p->nh] = sv;
    p->links[p->nh] = s->link;
    p->nh++;
}

static void links_add(park_snap_stats *st, long x) {
    for (size_t i = 0; i < st->nlinks; i++)
        if (st->links[i] == x) return;
    st->links = realloc(st->links, (st->nlinks + 1) * sizeof *st->links);
    st->links[st->nlinks++] = x;
}

static int cmp_long(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

GEOSGeometry *park_road_network_snap(park_ctx *ctx, const park_road_network *w, const GEOSGeometry *sk, double corridor, int cls_mask,
                                     park_snap_stats *st) {
    GEOSContextHandle_t h = park_ctx_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, sk);
    unsigned nv = 0;
    if (cs) GEOSCoordSeq_getSize_r(h, cs, &nv);
    /* samples: every STEP_M along each segment, plus the last vertex */
    size_t cap = 256, ns = 0;
    double *S = malloc(cap * 4 * sizeof *S); /* x, y, tx, ty */
    for (unsigned i = 0; i + 1 < nv; i++) {
        double ax, ay, bx, by;
        GEOSCoordSeq_getXY_r(h, cs, i, &ax, &ay);
        GEOSCoordSeq_getXY_r(h, cs, i + 1, &bx, &by);
        double len = hypot(bx - ax, by - ay);
        if (len <= 0) continue;
        int k = (int)ceil(len / STEP_M);
        for (int j = 0; j < k || (i + 2 == nv && j == k); j++) {
            if (ns == cap) cap *= 2, S = realloc(S, cap * 4 * sizeof *S);
            double f = (double)j / k;
            S[4 * ns] = ax + f * (bx - ax), S[4 * ns + 1] = ay + f * (by - ay);
            S[4 * ns + 2] = (bx - ax) / len, S[4 * ns + 3] = (by - ay) / len;
            ns++;
        }
    }
    if (ns < 2) {
        free(S);
        return GEOSGeom_clone_r(h, sk);
    }
    double *off = malloc(ns * sizeof *off);
    bool *ok = malloc(ns * sizeof *ok);
    for (size_t i = 0; i < ns; i++) {
        probe_t p = {.px = S[4 * i], .py = S[4 * i + 1], .tx = S[4 * i + 2], .ty = S[4 * i + 3], .corridor = corridor, .cls_mask = cls_mask};
        p.nx = -p.ty, p.ny = p.tx;
        ok[i] = false;
        off[i] = 0;
        if (w) {
            GEOSGeometry *env = GEOSGeom_createRectangle_r(h, p.px - corridor, p.py - corridor, p.px + corridor, p.py + corridor);
            GEOSSTRtree_query_r(h, w->tree, env, probe_cb, &p);
            GEOSGeom_destroy_r(h, env);
        }
        ok[i] = p.nh > 0;
        if (getenv("BUILD_GAZETTEER_DEBUG") && !ok[i]) {
            double x = p.px, y = p.py;
            park_transform_xy(ctx, PARK_LOCAL_CRS, "EPSG:4326", &x, &y);
            fprintf(stderr, "unmatched sample %.5f %.5f\n", x, y);
        }
        if (!p.nh) continue;
        int best = 0;
        for (int k = 1; k < p.nh; k++)
            if (fabs(p.hits[k]) < fabs(p.hits[best]) || (fabs(p.hits[k]) == fabs(p.hits[best]) && p.hits[k] < p.hits[best])) best = k;
        /* average the carriageways of that road: hits within CARRIAGEWAY_M of the nearest, one value per side */
        double lo = p.hits[best], hi = p.hits[best];
        for (int k = 0; k < p.nh; k++)
            if (fabs(p.hits[k] - p.hits[best]) <= CARRIAGEWAY_M) {
                lo = fmin(lo, p.hits[k]), hi = fmax(hi, p.hits[k]);
                links_add(st, p.links[k]);
            }
        off[i] = (lo + hi) / 2;
    }
    /* fill gaps: interpolate between matched neighbours, hold at the ends */
    st->samples += ns;
    double gap = 0, end_gap = 0;
    long prev = -1;
    for (size_t i = 0; i < ns; i++) {
        if (ok[i]) {
            st->matched++;
            if (prev >= 0 && (size_t)prev + 1 < i) {
                for (size_t k = (size_t)prev + 1; k < i; k++) off[k] = off[prev] + (off[i] - off[prev]) * (double)(k - prev) / (double)(i - prev);
            } else if (prev < 0) {
                for (size_t k = 0; k < i; k++) off[k] = off[i];
            }
            if (prev >= 0) gap = fmax(gap, (double)(i - (size_t)prev) * STEP_M - STEP_M);
            else end_gap = fmax(end_gap, (double)i * STEP_M);
            prev = (long)i;
        }
    }
    if (prev >= 0)
        for (size_t k = (size_t)prev + 1; k < ns; k++) off[k] = off[prev];
    if (prev >= 0) end_gap = fmax(end_gap, (double)(ns - 1 - (size_t)prev) * STEP_M);
    else end_gap = (double)ns * STEP_M;
    st->longest_gap_m = fmax(st->longest_gap_m, gap);
    st->end_gap_m = fmax(st->end_gap_m, end_gap);
    if (st->nlinks) qsort(st->links, st->nlinks, sizeof *st->links, cmp_long);

    GEOSCoordSequence *out = GEOSCoordSeq_create_r(h, (unsigned)ns, 2);
    for (size_t i = 0; i < ns; i++)
        GEOSCoordSeq_setXY_r(h, out, (unsigned)i, S[4 * i] - S[4 * i + 3] * off[i], S[4 * i + 1] + S[4 * i + 2] * off[i]);
    free(S), free(off), free(ok);
    GEOSGeometry *line = GEOSGeom_createLineString_r(h, out);
    /* 20 m samples on a straight road are redundant; 1 m keeps the shape */
    GEOSGeometry *simp = GEOSTopologyPreserveSimplify_r(h, line, 1.0);
    GEOSGeom_destroy_r(h, line);
    return simp;
}
