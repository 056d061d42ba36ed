/* parkgis_export.h - layouts and export (issue 4). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_EXPORT_H
#define PARKGIS_EXPORT_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
