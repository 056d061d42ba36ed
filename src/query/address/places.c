/* places.c - named places of the address index (issue 10): estates (小区), campuses,
 * industrial estates and 园区 from OSM (POI areas, land use, place nodes) and the
 * compound names the address points carry (<gazetteer dir>/index/places.geojson).
 *
 * A place is answered with a point and a 1-sigma error: for an area, a point on
 * its surface and the root-mean-square distance of the area from it (the radius
 * of the equal-area circle / sqrt 2) combined with the outline's own error; for a
 * point, the point's error. The parcel probabilities then follow answer.c. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include "internal.h"

/* park_ar_places: internal.h (the snapshot stores it, snapshot.c) */

enum { PKEY = 9 }; /* three CJK characters: the shortest name matched inside a longer text */

static size_t pkey_hash(const char *s, size_t n) {
    size_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

/* The features named like feature `best` (in index order): their mean point and
 * sigma = hypot(mean sigma, largest distance from the mean). */
static void place_group(const park_ar_places *p, size_t best, double *x, double *y, double *sigma_m) {
    double sx = 0, sy = 0, ss = 0;
    int k = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], p->name[best])) sx += p->x[i], sy += p->y[i], ss += p->sigma[i], k++;
    *x = sx / k, *y = sy / k;
    double spread = 0;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->name[i], p->name[best])) spread = fmax(spread, hypot(p->x[i] - *x, p->y[i] - *y));
    *sigma_m = hypot(ss / k, spread);
}

/* place_group for every feature, by the hash chains (features of one name share a
 * chain, in index order): the same sums in the same order, so the same doubles. */
static void places_group(park_ar_places *p) {
    p->gx = malloc((p->n + 1) * sizeof *p->gx), p->gy = malloc((p->n + 1) * sizeof *p->gy);
    p->gsigma = malloc((p->n + 1) * sizeof *p->gsigma);
    char *done = calloc(p->n + 1, 1);
    if (!p->gx || !p->gy || !p->gsigma || !done) {
        free(p->gx), free(p->gy), free(p->gsigma), free(done);
        p->gx = p->gy = p->gsigma = NULL;
        return;
    }
    for (size_t b = 0; b < p->n; b++) {
        if (done[b]) continue;
        size_t h = pkey_hash(p->name[b], p->len[b] < PKEY ? p->len[b] : PKEY) & (p->hcap - 1);
        double sx = 0, sy = 0, ss = 0, x, y, spread = 0;
        int k = 0;
        for (size_t c = p->head[h]; c; c = p->next[c - 1])
            if (!strcmp(p->name[c - 1], p->name[b])) sx += p->x[c - 1], sy += p->y[c - 1], ss += p->sigma[c - 1], k++;
        x = sx / k, y = sy / k;
        for (size_t c = p->head[h]; c; c = p->next[c - 1])
            if (!strcmp(p->name[c - 1], p->name[b])) spread = fmax(spread, hypot(p->x[c - 1] - x, p->y[c - 1] - y));
        double s = hypot(ss / k, spread);
        for (size_t c = p->head[h]; c; c = p->next[c - 1])
            if (!strcmp(p->name[c - 1], p->name[b])) p->gx[c - 1] = x, p->gy[c - 1] = y, p->gsigma[c - 1] = s, done[c - 1] = 1;
    }
    free(done);
}

static void places_hash(park_ar_places *p, bool group) {
    size_t cap = 64;
    while (cap < 2 * p->n) cap *= 2;
    p->head = calloc(cap, sizeof *p->head), p->next = calloc(p->n + 1, sizeof *p->next);
    if (!p->head || !p->next) {
        free(p->head), free(p->next), p->head = p->next = NULL;
        return;
    }
    p->hcap = cap;
    for (size_t i = p->n; i-- > 0;) {
        size_t h = pkey_hash(p->name[i], p->len[i] < PKEY ? p->len[i] : PKEY) & (cap - 1);
        p->next[i] = p->head[h], p->head[h] = i + 1;
    }
    if (group) places_group(p);
}

park_status park_ar_houses_load(park_resolver *r, const char *path, struct park_ar_houses **out);

void park_ar_places_index(park_ar_places *p, bool group) { places_hash(p, group); }

void park_ar_places_free(GEOSContextHandle_t g, park_ar_places *p) {
    (void)g;
    if (!p) return;
    for (size_t i = 0; !p->strs && i < p->n; i++) free(p->name[i]), free(p->kind[i]), free(p->method[i]);
    free(p->strs), free(p->name), free(p->kind), free(p->method), free(p->len), free(p->x), free(p->y), free(p->sigma);
    free(p->head), free(p->next), free(p->gx), free(p->gy), free(p->gsigma), free(p);
}

park_status park_ar_reader_open(park_ctx *ctx, const char *path, const char *expected, park_ar_reader *rd) {
    *rd = (park_ar_reader){0};
    CPLPushErrorHandler(CPLQuietErrorHandler);
    rd->ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!rd->ds) return park_error(ctx, PARK_ERR_INPUT, "%s: cannot open (expected %s)", path, expected);
    rd->lyr = GDALDatasetGetLayer(rd->ds, 0);
    if (rd->lyr) rd->count = (size_t)OGR_L_GetFeatureCount(rd->lyr, 1), OGR_L_ResetReading(rd->lyr);
    return PARK_OK;
}

int park_ar_reader_field(const park_ar_reader *rd, const char *name) {
    OGRFeatureDefnH defn = rd->lyr ? OGR_L_GetLayerDefn(rd->lyr) : NULL;
    return defn ? OGR_FD_GetFieldIndex(defn, name) : -1;
}

OGRFeatureH park_ar_reader_next(park_ar_reader *rd) {
    OGRFeatureH f = rd->lyr ? OGR_L_GetNextFeature(rd->lyr) : NULL;
    if (f) rd->idx++;
    return f;
}

void park_ar_reader_close(park_ar_reader *rd) {
    if (rd->ds) GDALClose(rd->ds);
    rd->ds = NULL, rd->lyr = NULL;
}

static park_status places_load(park_resolver *r, const char *path, park_ar_places **out) {
    *out = NULL;
    park_ctx *ctx = r->ctx;
    GEOSContextHandle_t g = ctx->geos;
    park_ar_reader rd;
    park_status st = park_ar_reader_open(ctx, path, "GeoJSON places: name, kind, method, error_m", &rd);
    if (st) return st;
    int fn = park_ar_reader_field(&rd, "name"), fk = park_ar_reader_field(&rd, "kind");
    int fm = park_ar_reader_field(&rd, "method"), fe = park_ar_reader_field(&rd, "error_m");
    if (fn < 0 || fe < 0) {
        park_ar_reader_close(&rd);
        return park_error(ctx, PARK_ERR_INPUT, "%s: expected fields name, kind, method, error_m", path);
    }
    size_t cap = rd.count;
    park_ar_places *p = calloc(1, sizeof *p);
    if (p) {
        p->name = calloc(cap + 1, sizeof(char *)), p->kind = calloc(cap + 1, sizeof(char *));
        p->method = calloc(cap + 1, sizeof(char *)), p->len = calloc(cap + 1, sizeof(size_t));
        p->x = calloc(cap + 1, sizeof(double)), p->y = calloc(cap + 1, sizeof(double)), p->sigma = calloc(cap + 1, sizeof(double));
    }
    if (!p || !p->name || !p->kind || !p->method || !p->len || !p->x || !p->y || !p->sigma) {
        park_ar_places_free(g, p);
        park_ar_reader_close(&rd);
        return park_error(ctx, PARK_ERR_INTERNAL, "out of memory");
    }
    OGRFeatureH f;
    while (!st && (f = park_ar_reader_next(&rd)) != NULL) {
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        char *wkt = NULL;
        if (og) OGR_G_ExportToWkt(og, &wkt);
        GEOSGeometry *ll = wkt ? park_geom_from_wkt(ctx, wkt) : NULL, *m = NULL;
        CPLFree(wkt);
        if (!ll || p->n >= cap) {
            park_ctx_clear_error(ctx);
            st = park_error(ctx, PARK_ERR_INPUT, "%s: feature #%ld has no readable geometry", path, rd.idx);
        } else if ((st = park_query_geom_to_metric(ctx, r->ix, ll, &m)) == PARK_OK) {
            GEOSGeometry *pt = GEOSPointOnSurface_r(g, m);
            double area = 0, x = 0, y = 0;
            GEOSArea_r(g, m, &area);
            if (pt && GEOSGeomGetX_r(g, pt, &x) && GEOSGeomGetY_r(g, pt, &y)) {
                size_t i = p->n++;
                p->name[i] = park_address_normalize(OGR_F_GetFieldAsString(f, fn));
                p->len[i] = strlen(p->name[i]);
                p->kind[i] = park_strdup(fk >= 0 ? OGR_F_GetFieldAsString(f, fk) : "place");
                p->method[i] = park_strdup(fm >= 0 ? OGR_F_GetFieldAsString(f, fm) : "");
                p->x[i] = x, p->y[i] = y;
                p->sigma[i] = hypot(sqrt(area / M_PI) / M_SQRT2, OGR_F_GetFieldAsDouble(f, fe));
            }
            if (pt) GEOSGeom_destroy_r(g, pt);
        }
        if (m) GEOSGeom_destroy_r(g, m);
        if (ll) GEOSGeom_destroy_r(g, ll);
        OGR_F_Destroy(f);
    }
    park_ar_reader_close(&rd);
    if (st) {
        park_ar_places_free(g, p);
        return st;
    }
    places_hash(p, true);
    *out = p;
    return PARK_OK;
}

park_status park_ar_index_load(park_resolver *r) {
    if (r->index_loaded) return PARK_OK;
    r->index_loaded = 1;
    if (!r->index_dir) return PARK_OK;
    GDALAllRegister();
    char *hp = park_asprintf("%s/index/houses.geojson", r->index_dir), *pp = park_asprintf("%s/index/places.geojson", r->index_dir);
    park_status st = PARK_OK;
    if (access(hp, R_OK) == 0) st = park_ar_houses_load(r, hp, &r->houses);
    if (!st && access(pp, R_OK) == 0) st = places_load(r, pp, &r->places);
    free(hp), free(pp);
    return st;
}

/* "呼玛二村" when only 呼玛一村, 三村, 五村 are known: the estates of one numbered series
 * (stem + 一..十 + 村) were built side by side, so their mean is a point for it and the
 * spread of their points (RMS distance from the mean, at least 150 m) its error. The
 * estate's own name was not found; the note says it is its series'. */
#ifndef SERIES_ONE_M
#define SERIES_ONE_M 300.0
#endif
static int series_find(const park_ar_places *p, const char *t, double *x, double *y, double *sigma_m) {
    static const char *const NUM[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    const char *c = strstr(t, "村");
    if (!c || c - t < 6) return -1;
    const char *num = c - 3;
    int ok = 0;
    for (int i = 0; i < 10 && !ok; i++) ok = !strncmp(num, NUM[i], 3);
    if (!ok) return -1;
    size_t stem = (size_t)(num - t);
    double sx = 0, sy = 0;
    int k = 0, first = -1;
    for (size_t i = 0; i < p->n; i++) {
        const char *nm = p->name[i];
        if (p->len[i] != stem + 6 || strncmp(nm, t, stem) || strcmp(nm + stem + 3, "村")) continue;
        int isnum = 0;
        for (int j = 0; j < 10 && !isnum; j++) isnum = !strncmp(nm + stem, NUM[j], 3);
        if (!isnum) continue;
        sx += p->x[i], sy += p->y[i], k++;
        if (first < 0) first = (int)i;
    }
    if (k < 1) return -1;
    *x = sx / k, *y = sy / k;
    double ss = 0;
    for (size_t i = 0; i < p->n; i++) {
        const char *nm = p->name[i];
        if (p->len[i] != stem + 6 || strncmp(nm, t, stem) || strcmp(nm + stem + 3, "村")) continue;
        ss += pow(hypot(p->x[i] - *x, p->y[i] - *y), 2);
    }
    /* one sibling says nothing about the spread: SERIES_ONE_M, the RMS distance of the
     * training index's numbered estates from their series' mean */
    *sigma_m = k == 1 ? SERIES_ONE_M : fmax(150, sqrt(ss / k));
    return first;
}

int park_ar_place_find(park_resolver *r, const char *text, double *x, double *y, double *sigma_m, const char **name,
                       const char **kind, const char **method) {
    if (park_ar_index_load(r) || !r->places) {
        park_ctx_clear_error(r->ctx);
        return -1;
    }
    char *t = park_address_normalize(text);
    const park_ar_places *p = r->places;
    int best = -1;
    /* inside a longer text only names of three characters or more (二村 is in every 某某二村) */
    if (p->head) {
        /* the same choice as the scan below (the longest, the first of equals), by the hash */
        size_t tl = strlen(t);
        for (size_t j = 0; j < (tl < PKEY ? 1 : tl - PKEY + 1); j++) {
            size_t kl = tl < PKEY ? tl : PKEY;
            for (size_t c = p->head[pkey_hash(t + j, kl) & (p->hcap - 1)]; c; c = p->next[c - 1]) {
                size_t i = c - 1, l = p->len[i];
                bool hit = l >= PKEY ? l <= tl - j && !memcmp(t + j, p->name[i], l) : l == tl && !strcmp(t, p->name[i]);
                if (hit && (best < 0 || l > p->len[best] || (l == p->len[best] && (int)i < best))) best = (int)i;
            }
        }
    } else
        for (size_t i = 0; i < p->n; i++)
            if ((best < 0 || p->len[i] > p->len[best]) && (p->len[i] >= 9 ? strstr(t, p->name[i]) != NULL : !strcmp(t, p->name[i])))
                best = (int)i;
    if (best < 0) {
        best = series_find(p, t, x, y, sigma_m);
        free(t);
        if (best < 0) return -1;
        *name = p->name[best], *kind = "series", *method = "the mean of the other estates of its numbered series in the index";
        return best;
    }
    free(t);
    /* several features of one name (an estate's phases, a campus in pieces): their mean, the spread added */
    if (p->gx) *x = p->gx[best], *y = p->gy[best], *sigma_m = p->gsigma[best];
    else place_group(p, (size_t)best, x, y, sigma_m);
    *name = p->name[best], *kind = p->kind[best], *method = p->method[best];
    return best;
}
