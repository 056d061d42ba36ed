/* sources.h - internal to src/sources (and tools built on it). */
#ifndef PARKGIS_SOURCES_INTERNAL_H
#define PARKGIS_SOURCES_INTERNAL_H

/* The local metric CRS of the source layer: transverse Mercator on Baoshan, GRS80. */
#define PARK_LOCAL_CRS "+proj=tmerc +lat_0=31.35 +lon_0=121.45 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"

#endif
