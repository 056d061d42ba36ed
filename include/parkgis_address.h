/* parkgis_address.h - address parsing and lookup (issue 5). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_ADDRESS_H
#define PARKGIS_ADDRESS_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
