/* parkgis_query.h - adjacency, point-in-park, validation (issue 2). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_QUERY_H
#define PARKGIS_QUERY_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
