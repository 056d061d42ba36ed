/* error_class.c - one rule for how good a gazetteer feature's position is,
 * shared by `parkgis provenance` and `render --colour-by error`. */
#include <math.h>
#include <string.h>

#include "../internal.h"
#include "parkgis_compile.h"

bool park_feature_error_verified(const park_feature *f) {
    if (!f) return false;
    if (f->error_basis && !strncmp(f->error_basis, "measured", 8)) return true;
    /* matched onto the OSM arterials: the error comes from the matching statistics */
    if (f->source && !strcmp(f->source, "osm-arterials")) return true;
    return false;
}

int park_error_class(bool verified, double error_m) {
    if (!verified || !isfinite(error_m)) return PARK_ERRCLASS_UNVERIFIED;
    if (error_m <= 50) return PARK_ERRCLASS_50;
    if (error_m <= 100) return PARK_ERRCLASS_100;
    if (error_m <= 250) return PARK_ERRCLASS_250;
    return PARK_ERRCLASS_WORSE;
}

const char *park_error_class_name(int cls) {
    static const char *const names[] = {"<=50m", "<=100m", "<=250m", ">250m", "unverified"};
    return cls >= 0 && cls < PARK_ERRCLASS_N ? names[cls] : "?";
}
