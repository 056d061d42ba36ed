/* datum.c - the Chinese web-map "datums" GCJ-02 and BD-09, and conversion of a
 * lon/lat in any supported datum to WGS84.
 *
 * GCJ-02 is not a geodetic datum but an obfuscation: WGS84 plus a smooth,
 * position-dependent offset of a few hundred metres, published only as code
 * (the widely circulated "Krasovsky" formula below). BD-09 is a second
 * rotation/scale on top of GCJ-02. No library on this system (PROJ, GDAL)
 * implements them, so this is the one transform written by hand.
 *
 * The forward directions are closed formulas. Their inverses are not; the
 * common one-step "subtract the offset at the wrong point" inverse is off by
 * up to a few metres, so the inverses here iterate to the exact solution of
 * forward(w) = g (residual < 1e-9 degrees, i.e. well under a millimetre).
 * CGCS2000 is taken as equal to WGS84 (they differ by centimetres to
 * decimetres in Shanghai, far below the accuracy of any boundary here). */
#include <math.h>
#include <string.h>

#include "../internal.h"

/* Constants of the published formula: Krasovsky 1940 ellipsoid (a, e²). */
#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323
#define BD_X_PI (M_PI * 3000.0 / 180.0)

/* The iteration stops when the correction is below this (degrees); 1e-9 deg is
 * ~0.1 mm. The offset's derivative is ~3e-3, so each step gains ~2.5 digits
 * and 3-5 steps suffice; MAX_ITER only guards against NaN or a pathological
 * point on the "outside China" box edge where the forward is discontinuous. */
#define INV_TOL 1e-9
#define INV_MAX_ITER 60

/* The box (not the border) inside which GCJ-02 applies, as in every published
 * implementation; outside it GCJ-02 equals WGS84. */
static int outside_china(double lon, double lat) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

static double gcj_dlat(double x, double y) {
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double gcj_dlon(double x, double y) {
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return r;
}

void park_wgs84_to_gcj02(double lon, double lat, double *glon, double *glat) {
    if (outside_china(lon, lat)) {
        *glon = lon, *glat = lat;
        return;
    }
    double dlat = gcj_dlat(lon - 105.0, lat - 35.0);
    double dlon = gcj_dlon(lon - 105.0, lat - 35.0);
    double radlat = lat / 180.0 * M_PI;
    double magic = sin(radlat);
    magic = 1 - GCJ_EE * magic * magic;
    double sqrtmagic = sqrt(magic);
    /* the offsets above are metres-like; scale by the meridian and parallel radii */
    dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtmagic) * M_PI);
    dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * cos(radlat) * M_PI);
    *glon = lon + dlon, *glat = lat + dlat;
}

void park_gcj02_to_bd09(double lon, double lat, double *blon, double *blat) {
    double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_X_PI);
    double theta = atan2(lat, lon) + 0.000003 * cos(lon * BD_X_PI);
    *blon = z * cos(theta) + 0.0065;
    *blat = z * sin(theta) + 0.006;
}

/* Solves forward(w) = target by fixed-point iteration w <- w - (forward(w) - target),
 * starting from `w`. The forward maps are the identity plus a small, smooth
 * offset, so the iteration contracts strongly. Returns the final residual in
 * degrees (max of |dlon|, |dlat|). */
static double invert(void (*fwd)(double, double, double *, double *), double tlon, double tlat, double *wlon,
                     double *wlat) {
    double x = *wlon, y = *wlat, res = INFINITY;
    for (int i = 0; i < INV_MAX_ITER; i++) {
        double fx, fy;
        fwd(x, y, &fx, &fy);
        double dx = fx - tlon, dy = fy - tlat;
        res = fmax(fabs(dx), fabs(dy));
        if (!(res >= INV_TOL)) break; /* also stops on NaN */
        x -= dx, y -= dy;
    }
    *wlon = x, *wlat = y;
    return res;
}

void park_bd09_to_gcj02(double lon, double lat, double *glon, double *glat) {
    /* start from the usual closed-form approximation, then make it exact */
    double x = lon - 0.0065, y = lat - 0.006;
    double z = sqrt(x * x + y * y) - 0.00002 * sin(y * BD_X_PI);
    double theta = atan2(y, x) - 0.000003 * cos(x * BD_X_PI);
    *glon = z * cos(theta), *glat = z * sin(theta);
    invert(park_gcj02_to_bd09, lon, lat, glon, glat);
}

/* Exact GCJ-02 -> WGS84. Outside the box the forward is the identity, so the
 * iteration returns the input unchanged after one step. */
void park_gcj02_to_wgs84(double lon, double lat, double *wlon, double *wlat) {
    *wlon = lon, *wlat = lat;
    invert(park_wgs84_to_gcj02, lon, lat, wlon, wlat);
}

park_status park_datum_parse(park_ctx *ctx, const char *s, park_datum *out) {
    static const struct {
        const char *name;
        park_datum d;
    } names[] = {{"wgs84", PARK_DATUM_WGS84},       {"wgs-84", PARK_DATUM_WGS84}, {"cgcs2000", PARK_DATUM_CGCS2000},
                 {"gcj02", PARK_DATUM_GCJ02},       {"gcj-02", PARK_DATUM_GCJ02}, {"bd09", PARK_DATUM_BD09},
                 {"bd-09", PARK_DATUM_BD09}};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (park_streq_ci(s, names[i].name)) {
            *out = names[i].d;
            return PARK_OK;
        }
    return park_error(ctx, PARK_ERR_USAGE, "unknown datum '%.100s' (expected wgs84, cgcs2000, gcj02 or bd09)",
                      s ? s : "");
}

park_status park_datum_to_wgs84(park_ctx *ctx, park_datum datum, double lon, double lat, double *wlon,
                                double *wlat) {
    if (!isfinite(lon) || !isfinite(lat))
        return park_error(ctx, PARK_ERR_USAGE, "coordinate (%g, %g) is not a finite number (expected LON LAT in degrees)",
                          lon, lat);
    if (lon < -180 || lon > 180)
        return park_error(ctx, PARK_ERR_USAGE, "longitude %.10g out of range (expected -180..180 degrees; order is LON LAT)",
                          lon);
    if (lat < -90 || lat > 90)
        return park_error(ctx, PARK_ERR_USAGE, "latitude %.10g out of range (expected -90..90 degrees; order is LON LAT)",
                          lat);
    switch (datum) {
    case PARK_DATUM_WGS84:
    case PARK_DATUM_CGCS2000:
        *wlon = lon, *wlat = lat;
        return PARK_OK;
    case PARK_DATUM_GCJ02:
        park_gcj02_to_wgs84(lon, lat, wlon, wlat);
        break;
    case PARK_DATUM_BD09: {
        double glon, glat;
        park_bd09_to_gcj02(lon, lat, &glon, &glat);
        park_gcj02_to_wgs84(glon, glat, wlon, wlat);
        break;
    }
    default:
        return park_error(ctx, PARK_ERR_USAGE, "unknown datum code %d (expected wgs84, cgcs2000, gcj02 or bd09)",
                          (int)datum);
    }
    if (!isfinite(*wlon) || !isfinite(*wlat))
        return park_error(ctx, PARK_ERR_INTERNAL, "datum conversion of (%g, %g) did not converge", lon, lat);
    return PARK_OK;
}
