/* parkgis_recompute.h - boundary adjustments (issue 6). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_RECOMPUTE_H
#define PARKGIS_RECOMPUTE_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
