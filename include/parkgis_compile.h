/* parkgis_compile.h - 四至 parser, gazetteer, compiler (issue 3). Ownership and error rules: see parkgis.h. */
#ifndef PARKGIS_COMPILE_H
#define PARKGIS_COMPILE_H
#include "parkgis.h"
#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif
#endif
